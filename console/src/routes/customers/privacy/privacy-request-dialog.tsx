// A new deletion or export request about one person, by profile id or by an identifier; a deletion must be
// confirmed by typing DELETE and may also stop future collection. The receipt or the export is shown when done.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../lib/api-client.ts';
import { identifierLabel } from '../customer-labels.tsx';
import { identifierTypes } from '../customer-types.ts';
import { profileKeys } from '../profiles/profile-queries.ts';
import { downloadJson, privacyKeys } from './privacy-queries.ts';
import { ReceiptView } from './receipt-view.tsx';

export type PrivacyKind = 'deletion' | 'export';

interface RequestForm {
  by: string;
  value: string;
  reason?: string;
  suppress?: boolean;
  confirm?: string;
}

type Done = { kind: 'deletion'; id: string; receipt: Record<string, unknown> } | { kind: 'export'; id: string; export: Record<string, unknown> };

/** The request dialog; `profileId` fills in the person (from their page). */
export function PrivacyRequestDialog({
  kind,
  profileId,
  onClose,
  onDeleted,
}: {
  kind: PrivacyKind;
  profileId?: string;
  onClose: () => void;
  onDeleted?: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<RequestForm>();
  const [done, setDone] = useState<Done | null>(null);
  const send = useMutation({
    mutationFn: async (values: RequestForm): Promise<Done> => {
      const subject = values.by === 'profile_id' ? { profileId: values.value.trim() } : { type: values.by, value: values.value.trim() };
      const body = {
        ...subject,
        ...(values.reason?.trim() ? { reason: values.reason.trim() } : {}),
        ...(kind === 'deletion' ? { suppress: Boolean(values.suppress) } : {}),
      };
      if (kind === 'deletion') {
        const r = await api.post<{ id: string; receipt: Record<string, unknown> }>('/privacy/deletions', body);
        return { kind, id: r.id, receipt: r.receipt };
      }
      const r = await api.post<{ id: string; export: Record<string, unknown> }>('/privacy/exports', body);
      return { kind, id: r.id, export: r.export };
    },
    onSuccess: async (result) => {
      setDone(result);
      // the person's pages reload only once the receipt is closed: reloading now would replace the page holding it
      await queryClient.invalidateQueries({ queryKey: privacyKeys.all });
    },
  });

  if (done) {
    const finish = () => {
      onClose();
      if (done.kind !== 'deletion') return;
      onDeleted?.();
      void queryClient.invalidateQueries({ queryKey: profileKeys.all });
    };
    return (
      <Modal
        open
        width={640}
        title={done.kind === 'deletion' ? t('customers.privacy.deletedTitle') : t('customers.privacy.exportedTitle')}
        onCancel={finish}
        footer={
          <Button type="primary" onClick={finish}>
            {t('common.done')}
          </Button>
        }
      >
        {done.kind === 'deletion' ? (
          <ReceiptView receipt={done.receipt} />
        ) : (
          <Button type="primary" onClick={() => downloadJson(`${done.id}.json`, done.export)} data-testid="privacy-download">
            {t('customers.privacy.download')}
          </Button>
        )}
      </Modal>
    );
  }

  return (
    <Modal
      open
      title={kind === 'deletion' ? t('customers.privacy.newDeletion') : t('customers.privacy.newExport')}
      okText={kind === 'deletion' ? t('customers.privacy.deleteOk') : t('customers.privacy.exportOk')}
      okButtonProps={{ danger: kind === 'deletion' }}
      cancelText={t('common.cancel')}
      confirmLoading={send.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {kind === 'deletion' && <Alert type="error" showIcon title={t('customers.privacy.deletionWarning')} style={{ marginBottom: 12 }} />}
      <Form<RequestForm> form={form} layout="vertical" initialValues={{ by: 'profile_id', value: profileId ?? '' }} onFinish={(values) => send.mutate(values)}>
        <Form.Item name="by" label={t('customers.privacy.subject')}>
          <Select
            disabled={Boolean(profileId)}
            options={[
              { value: 'profile_id', label: t('customers.merge.profileId') },
              ...identifierTypes.map((i) => ({ value: i, label: identifierLabel(t, i) })),
            ]}
          />
        </Form.Item>
        <Form.Item name="value" label={t('customers.merge.value')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
          <Input disabled={Boolean(profileId)} autoComplete="off" data-testid="privacy-subject" />
        </Form.Item>
        <Form.Item name="reason" label={t('customers.privacy.reason')}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        {kind === 'deletion' && (
          <>
            <Form.Item name="suppress" valuePropName="checked">
              <Checkbox>{t('customers.privacy.suppress')}</Checkbox>
            </Form.Item>
            <Form.Item
              name="confirm"
              label={t('customers.privacy.typeDelete')}
              rules={[{ validator: (_r, v) => (v === 'DELETE' ? Promise.resolve() : Promise.reject(new Error(t('customers.privacy.typeDeleteError')))) }]}
            >
              <Input autoComplete="off" placeholder="DELETE" />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}
