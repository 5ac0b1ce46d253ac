// Create an API key (POST /api-keys); the secret is shown once, with a copy button.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { OrgUnitSelect } from '../../components/org-unit-select.tsx';
import { SecretReveal } from '../../components/secret-reveal.tsx';
import { api } from '../../lib/api-client.ts';
import type { ApiKey } from '../../lib/api-types.ts';
import { applyFormErrors } from '../../lib/form-errors.ts';
import { roleLabel, useRoles } from '../../lib/roles.ts';

interface ApiKeyForm {
  name: string;
  role: string;
  orgUnitId?: string;
}

/** The create-API-key dialog. */
export function ApiKeyCreateDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const roles = useRoles();
  const [form] = Form.useForm<ApiKeyForm>();
  const [secret, setSecret] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: (values: ApiKeyForm) => api.post<{ apiKey: ApiKey; key: string }>('/api-keys', { ...values, name: values.name.trim() }),
    onSuccess: async (result) => {
      setSecret(result.key);
      await queryClient.invalidateQueries({ queryKey: ['api-keys'] }); // the list on the page behind;
    },
    onError: (error) => applyFormErrors(form, error),
  });
  const required = [{ required: true, message: t('validation.required') }];

  if (secret) {
    return (
      <Modal
        open
        title={t('apiKeys.createdTitle')}
        onCancel={onClose}
        closable={false}
        mask={{ closable: false }}
        footer={
          <Button type="primary" onClick={onClose}>
            {t('apiKeys.copiedDone')}
          </Button>
        }
      >
        <SecretReveal secret={secret} warning={t('apiKeys.shownOnce')} testId="api-key-secret" />
      </Modal>
    );
  }

  return (
    <Modal
      open
      title={t('apiKeys.create')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<ApiKeyForm> form={form} layout="vertical" onFinish={(values) => create.mutate(values)} data-testid="api-key-form">
        <Form.Item name="name" label={t('apiKeys.name')} rules={required} extra={t('apiKeys.nameHelp')}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="role" label={t('users.role')} rules={required}>
          <Select loading={roles.isPending} options={(roles.data ?? []).map((role) => ({ value: role.role, label: roleLabel(t, role.role) }))} />
        </Form.Item>
        <Form.Item name="orgUnitId" label={t('apiKeys.scope')} extra={t('apiKeys.scopeHelp')}>
          <OrgUnitSelect placeholder={t('apiKeys.wholeTenant')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
