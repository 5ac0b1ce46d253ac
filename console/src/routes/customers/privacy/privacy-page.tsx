// Personal-data rights (PIPL, GDPR): deletion and export requests with their status, a deletion's receipt and an
// export's JSON to download; new requests and suppressions.
import { DeleteOutlined, DownloadOutlined, StopOutlined } from '@ant-design/icons';
import { Button, Card, Drawer, Empty, Flex, Form, Input, Modal, Select, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../lib/api-client.ts';
import { formatDateTime } from '../../../lib/date-format.ts';
import { showSuccess } from '../../../lib/feedback.ts';
import { useLanguage } from '../../../lib/i18n.ts';
import { useIsPhone } from '../../../lib/use-is-phone.ts';
import { useMutation } from '@tanstack/react-query';
import { identifierLabel } from '../customer-labels.tsx';
import { identifierTypes, type PrivacyRequest } from '../customer-types.ts';
import { downloadJson, usePrivacyRequest, usePrivacyRequests } from './privacy-queries.ts';
import { type PrivacyKind, PrivacyRequestDialog } from './privacy-request-dialog.tsx';
import { ReceiptView } from './receipt-view.tsx';

const statusColors: Record<string, string> = { pending: 'default', running: 'processing', completed: 'green', failed: 'red' };

function RequestDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const isPhone = useIsPhone();
  const request = usePrivacyRequest(id);
  const data = request.data;
  return (
    <Drawer open onClose={onClose} title={id} size={isPhone ? '100%' : 560} data-testid="privacy-request-drawer">
      {request.isPending ? (
        <Skeleton active />
      ) : !data ? (
        <Empty description={t('errors.loadFailed')} />
      ) : (
        <Space orientation="vertical" size={12} style={{ display: 'flex' }}>
          <Space>
            <Tag>{data.kind === 'deletion' ? t('customers.privacy.deletion') : t('customers.privacy.export')}</Tag>
            <Tag color={statusColors[data.status] ?? 'default'}>{data.status}</Tag>
          </Space>
          {data.receipt && <ReceiptView receipt={data.receipt} />}
          {data.export ? (
            <Button type="primary" icon={<DownloadOutlined />} onClick={() => downloadJson(`${data.id}.json`, data.export)} data-testid="privacy-download">
              {t('customers.privacy.download')}
            </Button>
          ) : (
            data.kind === 'export' && <Typography.Text type="secondary">{t('customers.privacy.exportGone')}</Typography.Text>
          )}
        </Space>
      )}
    </Drawer>
  );
}

interface SuppressForm {
  type: string;
  value: string;
  reason: string;
}

function SuppressDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<SuppressForm>();
  const suppress = useMutation({
    mutationFn: (values: SuppressForm) => api.post('/privacy/suppressions', { ...values, value: values.value.trim(), reason: values.reason.trim() }),
  });
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <Modal
      open
      title={t('customers.privacy.suppressTitle')}
      okText={t('customers.privacy.suppressOk')}
      cancelText={t('common.cancel')}
      confirmLoading={suppress.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('customers.privacy.suppressHelp')}</Typography.Paragraph>
      <Form<SuppressForm>
        form={form}
        layout="vertical"
        initialValues={{ type: 'phone' }}
        onFinish={(values) =>
          suppress.mutate(values, {
            onSuccess: () => {
              showSuccess(t('common.saved'));
              onClose();
            },
          })
        }
      >
        <Form.Item name="type" label={t('customers.privacy.identifierType')}>
          <Select options={identifierTypes.map((i) => ({ value: i, label: identifierLabel(t, i) }))} />
        </Form.Item>
        <Form.Item name="value" label={t('customers.merge.value')} rules={required}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="reason" label={t('customers.privacy.reason')} rules={required}>
          <Input maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The privacy screen. */
export function PrivacyPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const requests = usePrivacyRequests();
  const [open, setOpen] = useState<string | null>(null);
  const [creating, setCreating] = useState<PrivacyKind | null>(null);
  const [suppressing, setSuppressing] = useState(false);

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="privacy-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('customers.privacy.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('customers.privacy.subtitle')}</Typography.Text>
        </div>
        <Space wrap>
          <Button icon={<DownloadOutlined />} onClick={() => setCreating('export')} data-testid="privacy-new-export">
            {t('customers.privacy.newExport')}
          </Button>
          <Button danger icon={<DeleteOutlined />} onClick={() => setCreating('deletion')} data-testid="privacy-new-deletion">
            {t('customers.privacy.newDeletion')}
          </Button>
          <Button icon={<StopOutlined />} onClick={() => setSuppressing(true)}>
            {t('customers.privacy.suppressTitle')}
          </Button>
        </Space>
      </Flex>
      <Card styles={{ body: { padding: 8 } }}>
        <Table<PrivacyRequest>
          rowKey="id"
          size="middle"
          loading={requests.isPending}
          dataSource={requests.data ?? []}
          pagination={{ pageSize: 25, hideOnSinglePage: true }}
          scroll={{ x: 720 }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.privacy.empty')} /> }}
          onRow={(r) => ({ style: { cursor: 'pointer' }, onClick: () => setOpen(r.id) })}
          data-testid="privacy-requests"
          columns={[
            { key: 'created', title: t('customers.privacy.created'), render: (_v, r) => formatDateTime(r.createdAt, language) },
            {
              key: 'kind',
              title: t('customers.privacy.kind'),
              render: (_v, r) => <Tag>{r.kind === 'deletion' ? t('customers.privacy.deletion') : t('customers.privacy.export')}</Tag>,
            },
            { key: 'status', title: t('customers.privacy.status'), render: (_v, r) => <Tag color={statusColors[r.status] ?? 'default'}>{r.status}</Tag> },
            { key: 'profile', title: t('customers.privacy.person'), render: (_v, r) => r.profileId ?? '—' },
            { key: 'by', title: t('customers.privacy.requestedBy'), dataIndex: 'requestedBy' },
            { key: 'reason', title: t('customers.privacy.reason'), render: (_v, r) => r.error ?? r.reason ?? '—' },
          ]}
        />
      </Card>
      {open && <RequestDrawer id={open} onClose={() => setOpen(null)} />}
      {creating && <PrivacyRequestDialog kind={creating} onClose={() => setCreating(null)} />}
      {suppressing && <SuppressDialog onClose={() => setSuppressing(false)} />}
    </Space>
  );
}
