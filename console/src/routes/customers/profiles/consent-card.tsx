// A person's consent per purpose and channel, with where it came from and when; recording a change needs
// customers:privacy.
import { Button, Card, Empty, Form, Modal, Select, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../lib/api-client.ts';
import { useAuth } from '../../../lib/auth.tsx';
import { formatDateTime } from '../../../lib/date-format.ts';
import { showSuccess } from '../../../lib/feedback.ts';
import { useLanguage } from '../../../lib/i18n.ts';
import type { Consent } from '../customer-types.ts';
import { useProfileMutation } from './profile-queries.ts';

export const consentPurposes = ['marketing', 'analytics', 'personalisation'];
export const consentChannels = ['*', 'sms', 'email', 'push', 'wechat', 'phone'];

interface ConsentForm {
  purpose: string[];
  channel: string;
  granted: boolean;
}

function RecordConsentDialog({ profileId, onClose }: { profileId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ConsentForm>();
  const save = useProfileMutation((values: ConsentForm) =>
    api.put(`/profiles/${profileId}/consents`, { consents: [{ purpose: values.purpose[0], channel: values.channel, granted: values.granted }] }),
  );
  return (
    <Modal
      open
      title={t('customers.consent.record')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<ConsentForm>
        form={form}
        layout="vertical"
        initialValues={{ purpose: ['marketing'], channel: '*', granted: true }}
        onFinish={(values) =>
          save.mutate(values, {
            onSuccess: () => {
              showSuccess(t('common.saved'));
              onClose();
            },
          })
        }
      >
        <Form.Item name="purpose" label={t('customers.consent.purpose')} rules={[{ required: true, message: t('validation.required') }]}>
          <Select mode="tags" maxCount={1} options={consentPurposes.map((p) => ({ value: p, label: p }))} />
        </Form.Item>
        <Form.Item name="channel" label={t('customers.consent.channel')}>
          <Select options={consentChannels.map((c) => ({ value: c, label: c === '*' ? t('customers.consent.everyChannel') : c }))} />
        </Form.Item>
        <Form.Item name="granted" label={t('customers.consent.granted')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The consent card of a person. */
export function ConsentCard({ profileId, consents }: { profileId: string; consents: Consent[] }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const [recording, setRecording] = useState(false);
  return (
    <Card
      title={t('customers.consent.title')}
      data-testid="profile-consent"
      extra={
        can('customers:privacy') && (
          <Button size="small" onClick={() => setRecording(true)} data-testid="consent-record">
            {t('customers.consent.record')}
          </Button>
        )
      }
    >
      {consents.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.consent.none')} />
      ) : (
        <Table<Consent>
          rowKey={(c) => `${c.purpose}|${c.channel}`}
          size="small"
          pagination={false}
          dataSource={consents}
          scroll={{ x: 420 }}
          columns={[
            { key: 'purpose', title: t('customers.consent.purpose'), dataIndex: 'purpose' },
            { key: 'channel', title: t('customers.consent.channel'), render: (_v, c) => (c.channel === '*' ? t('customers.consent.everyChannel') : c.channel) },
            {
              key: 'granted',
              title: t('customers.consent.granted'),
              render: (_v, c) => <Tag color={c.granted ? 'green' : 'red'}>{c.granted ? t('customers.consent.yes') : t('customers.consent.no')}</Tag>,
            },
            { key: 'source', title: t('customers.consent.source'), dataIndex: 'source', responsive: ['sm'] },
            { key: 'at', title: t('customers.consent.at'), render: (_v, c) => formatDateTime(c.at, language), responsive: ['sm'] },
          ]}
        />
      )}
      {recording && <RecordConsentDialog profileId={profileId} onClose={() => setRecording(false)} />}
    </Card>
  );
}
