// Create a user with a first grant (POST /users); a generated password is shown once.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { minPasswordLength } from '../../components/password-dialog.tsx';
import { OrgUnitSelect } from '../../components/org-unit-select.tsx';
import { SecretReveal } from '../../components/secret-reveal.tsx';
import { api } from '../../lib/api-client.ts';
import type { User } from '../../lib/api-types.ts';
import { showSuccess } from '../../lib/feedback.ts';
import { applyFormErrors } from '../../lib/form-errors.ts';
import { roleLabel, useRoles } from '../../lib/roles.ts';

interface UserCreateForm {
  email: string;
  name: string;
  role: string;
  orgUnitId: string;
  password?: string;
}

/** The create-user dialog. */
export function UserCreateDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const roles = useRoles();
  const [form] = Form.useForm<UserCreateForm>();
  const [generated, setGenerated] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: (values: UserCreateForm) =>
      api.post<{ user: User; password?: string }>('/users', {
        ...values,
        email: values.email.trim(),
        name: values.name.trim(),
        password: values.password || undefined,
      }),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: ['users'] });
      showSuccess(t('users.created', { name: result.user.name }));
      if (result.password) setGenerated(result.password);
      else onClose();
    },
    onError: (error) => applyFormErrors(form, error),
  });
  const required = [{ required: true, message: t('validation.required') }];

  if (generated) {
    return (
      <Modal
        open
        title={t('users.passwordTitle')}
        onCancel={onClose}
        closable={false}
        mask={{ closable: false }}
        footer={
          <Button type="primary" onClick={onClose}>
            {t('common.done')}
          </Button>
        }
      >
        <SecretReveal secret={generated} warning={t('users.passwordOnce')} testId="user-generated-password" />
      </Modal>
    );
  }

  return (
    <Modal
      open
      title={t('users.create')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<UserCreateForm> form={form} layout="vertical" onFinish={(values) => create.mutate(values)} data-testid="user-create-form">
        <Form.Item name="email" label={t('auth.email')} rules={[...required, { type: 'email', message: t('validation.email') }]}>
          <Input autoComplete="off" inputMode="email" />
        </Form.Item>
        <Form.Item name="name" label={t('users.name')} rules={required}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="role" label={t('users.role')} rules={required}>
          <Select loading={roles.isPending} options={(roles.data ?? []).map((role) => ({ value: role.role, label: roleLabel(t, role.role) }))} />
        </Form.Item>
        <Form.Item name="orgUnitId" label={t('users.orgUnit')} rules={required}>
          <OrgUnitSelect allowClear={false} />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('users.password')}
          extra={t('users.passwordHelp')}
          rules={[{ min: minPasswordLength, message: t('password.tooShort', { min: minPasswordLength }) }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
