// Create a source (POST /sources): name, channel, optionally a store; the write key is shown once.
import { Button, Form, Input, InputNumber, Modal, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SecretReveal } from '../../../components/secret-reveal.tsx';
import { api } from '../../../lib/api-client.ts';
import { applyFormErrors } from '../../../lib/form-errors.ts';
import { StoreSelect } from '../../devices/store-select.tsx';
import { channelLabel } from '../customer-labels.tsx';
import { type SourceChannel, type SourceWithKey, sourceChannels } from '../customer-types.ts';
import { useSourceMutation } from './source-queries.ts';

interface SourceForm {
  name: string;
  channel: SourceChannel;
  storeId?: string;
  rateLimit?: number | null;
}

/** The write key of a new or re-keyed source, shown this once with a copy button. */
export function WriteKeyDialog({ source, onClose }: { source: SourceWithKey; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      open
      title={t('customers.sources.keyTitle', { name: source.name })}
      onCancel={onClose}
      closable={false}
      mask={{ closable: false }}
      footer={
        <Button type="primary" onClick={onClose} data-testid="write-key-done">
          {t('customers.sources.keyCopied')}
        </Button>
      }
    >
      <SecretReveal secret={source.writeKey} warning={t('customers.sources.keyShownOnce')} testId="write-key" />
    </Modal>
  );
}

/** The create-source dialog; afterwards it shows the write key, then answers the new source. */
export function SourceCreateDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (source: SourceWithKey) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<SourceForm>();
  const [created, setCreated] = useState<SourceWithKey | null>(null);
  const create = useSourceMutation((values: SourceForm) =>
    api.post<SourceWithKey>('/sources', {
      name: values.name.trim(),
      channel: values.channel,
      storeId: values.storeId ?? null,
      rateLimit: values.rateLimit ?? null,
    }),
  );

  if (created) {
    return (
      <WriteKeyDialog
        source={created}
        onClose={() => {
          onClose();
          onCreated(created);
        }}
      />
    );
  }

  return (
    <Modal
      open
      title={t('customers.sources.create')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<SourceForm>
        form={form}
        layout="vertical"
        initialValues={{ channel: 'web' }}
        onFinish={(values) => create.mutate(values, { onSuccess: setCreated, onError: (error) => applyFormErrors(form, error) })}
        data-testid="source-form"
      >
        <Form.Item name="name" label={t('customers.sources.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
          <Input autoComplete="off" maxLength={100} data-testid="source-name" />
        </Form.Item>
        <Form.Item name="channel" label={t('customers.sources.channel')} rules={[{ required: true, message: t('validation.required') }]}>
          <Select data-testid="source-channel" options={sourceChannels.map((channel) => ({ value: channel, label: channelLabel(t, channel) }))} />
        </Form.Item>
        <Form.Item name="storeId" label={t('customers.sources.store')} extra={t('customers.sources.storeHelp')}>
          <StoreSelect placeholder={t('customers.sources.wholeTenant')} testId="source-store" />
        </Form.Item>
        <Form.Item name="rateLimit" label={t('customers.sources.rateLimit')} extra={t('customers.sources.rateLimitHelp')}>
          <InputNumber min={0} max={1_000_000} style={{ width: '100%' }} placeholder={t('customers.sources.rateDefault')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
