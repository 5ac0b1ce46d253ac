// Add or edit a channel: its kind's settings (secrets write-only: left empty, the stored one stays), cap and state.
// A new channel's report-signing secret is shown once, after it is made.
import { Alert, Form, Input, InputNumber, Modal, Select, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applyFormErrors } from '../../lib/form-errors.ts';
import { showError, showSuccess } from '../../lib/feedback.ts';
import { useMarketingActions } from './marketing-queries.ts';
import { type Channel, type ChannelKind, channelKinds } from './marketing-types.ts';

type SettingName = 'consentChannel' | 'failEvery' | 'url' | 'apiKey' | 'sender' | 'contentType' | 'bodyTemplate' | 'smtpUrl' | 'from' | 'templateId' | 'page';

/** The settings fields of each kind; `secret` ones are never filled from what the server shows. */
const fieldsOf: Record<ChannelKind, { name: SettingName; kind: 'text' | 'number' | 'secret' | 'textarea' | 'contentType' }[]> = {
  sink: [
    { name: 'consentChannel', kind: 'text' },
    { name: 'failEvery', kind: 'number' },
  ],
  webhook: [
    { name: 'url', kind: 'text' },
    { name: 'consentChannel', kind: 'text' },
  ],
  push: [{ name: 'url', kind: 'text' }],
  messaging: [
    { name: 'url', kind: 'text' },
    { name: 'templateId', kind: 'text' },
    { name: 'page', kind: 'text' },
  ],
  sms: [
    { name: 'url', kind: 'text' },
    { name: 'apiKey', kind: 'secret' },
    { name: 'sender', kind: 'text' },
    { name: 'contentType', kind: 'contentType' },
    { name: 'bodyTemplate', kind: 'textarea' },
  ],
  email: [
    { name: 'smtpUrl', kind: 'text' },
    { name: 'from', kind: 'text' },
  ],
};

/** A channel as the form edits it. */
type FormValues = Omit<Channel, 'id' | 'deliveries'>;

/** Settings as sent: empty fields left out (an empty secret keeps the stored one). */
function settingsToSend(kind: ChannelKind, settings: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fieldsOf[kind]) {
    const v = settings[f.name];
    if (v !== undefined && v !== null && v !== '') out[f.name] = v;
  }
  return out;
}

/** The channel form in a modal: `channel` to edit, or none to add one. */
export function ChannelForm({ open, channel, onClose }: { open: boolean; channel?: Channel; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<FormValues>();
  const { saveChannel } = useMarketingActions();
  const [secret, setSecret] = useState<string | null>(null);
  const kind = Form.useWatch('kind', form) ?? channel?.kind ?? 'sink';

  useEffect(() => {
    if (!open) return;
    setSecret(null);
    form.resetFields();
    if (channel) {
      const settings = Object.fromEntries(Object.entries(channel.settings).filter(([k]) => fieldsOf[channel.kind].find((f) => f.name === k)?.kind !== 'secret'));
      form.setFieldsValue({ name: channel.name, kind: channel.kind, settings, capMax: channel.capMax, capDays: channel.capDays, active: channel.active });
    } else form.setFieldsValue({ kind: 'sink', capDays: 7, active: true, settings: {} });
  }, [open, channel, form]);

  const submit = async (v: FormValues) => {
    try {
      const body = { name: v.name, settings: settingsToSend(v.kind, v.settings), capMax: v.capMax ?? null, capDays: v.capDays, active: v.active };
      const saved = await saveChannel.mutateAsync(channel ? { id: channel.id, ...body } : { ...body, kind: v.kind });
      showSuccess(t('marketing.saved'));
      const made = saved as { secret?: string };
      if (!channel && made.secret) setSecret(made.secret);
      else onClose();
    } catch (err) {
      if (!applyFormErrors(form, err)) showError(err);
    }
  };

  return (
    <Modal
      open={open}
      title={channel ? t('marketing.channels.edit') : t('marketing.channels.add')}
      onCancel={onClose}
      onOk={secret ? onClose : () => form.submit()}
      okText={secret ? t('marketing.channels.done') : t('marketing.save')}
      confirmLoading={saveChannel.isPending}
      destroyOnHidden
      data-testid="channel-form"
    >
      {secret ? (
        <Alert
          type="success"
          showIcon
          title={t('marketing.channels.secretOnce')}
          description={
            <Typography.Text copyable code data-testid="channel-secret">
              {secret}
            </Typography.Text>
          }
        />
      ) : (
        <Form form={form} layout="vertical" onFinish={submit}>
          <Form.Item name="name" label={t('marketing.name')} rules={[{ required: true }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="kind" label={t('marketing.channels.kind')}>
            <Select disabled={Boolean(channel)} options={channelKinds.map((k) => ({ value: k, label: t(`marketing.channels.kinds.${k}`) }))} />
          </Form.Item>
          {fieldsOf[kind].map((f) => (
            <Form.Item
              key={`${kind}.${f.name}`}
              name={['settings', f.name]}
              label={t(`marketing.channels.settings.${f.name}`)}
              rules={(f.name === 'url' || f.name === 'smtpUrl' || f.name === 'from') && !channel ? [{ required: true }] : []}
              extra={f.kind === 'secret' && channel ? t('marketing.channels.secretKept') : undefined}
            >
              {f.kind === 'number' ? (
                <InputNumber min={2} style={{ width: '100%' }} />
              ) : f.kind === 'secret' ? (
                <Input.Password autoComplete="new-password" />
              ) : f.kind === 'textarea' ? (
                <Input.TextArea rows={3} />
              ) : f.kind === 'contentType' ? (
                <Select allowClear options={['application/json', 'application/x-www-form-urlencoded'].map((v) => ({ value: v, label: v }))} />
              ) : (
                <Input />
              )}
            </Form.Item>
          ))}
          <Form.Item name="capMax" label={t('marketing.channels.capMax')} extra={t('marketing.channels.capHelp')}>
            <InputNumber min={1} max={1000} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="capDays" label={t('marketing.channels.capDays')}>
            <InputNumber min={1} max={90} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="active" label={t('marketing.channels.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
