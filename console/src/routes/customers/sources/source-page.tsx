// One source: its channel, store, write key prefix and state; enable/disable, rotate the key (shown once), edit;
// how to send events; and the live debugger.
import { EditOutlined, KeyOutlined, PoweroffOutlined } from '@ant-design/icons';
import { getRouteApi, Link } from '@tanstack/react-router';
import { Badge, Breadcrumb, Button, Card, Descriptions, Form, Input, InputNumber, Modal, Popconfirm, Result, Select, Skeleton, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../../lib/api-client.ts';
import { formatDateTime } from '../../../lib/date-format.ts';
import { showSuccess } from '../../../lib/feedback.ts';
import { applyFormErrors } from '../../../lib/form-errors.ts';
import { useLanguage } from '../../../lib/i18n.ts';
import { StoreSelect } from '../../devices/store-select.tsx';
import { ChannelTag } from '../customer-labels.tsx';
import type { Source, SourceWithKey } from '../customer-types.ts';
import { WriteKeyDialog } from './source-create-dialog.tsx';
import { SourceDebugger } from './source-debugger.tsx';
import { useSource, useSourceMutation } from './source-queries.ts';

const routeApi = getRouteApi('/signed-in/customers/sources/$sourceId');

interface EditForm {
  name: string;
  storeId?: string | null;
  rateLimit?: number | null;
}

function SourceEditDialog({ source, onClose }: { source: Source; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<EditForm>();
  const save = useSourceMutation((values: EditForm) =>
    api.patch<Source>(`/sources/${source.id}`, { name: values.name.trim(), storeId: values.storeId ?? null, rateLimit: values.rateLimit ?? null }),
  );
  return (
    <Modal
      open
      title={t('customers.sources.edit')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<EditForm>
        form={form}
        layout="vertical"
        initialValues={{ name: source.name, storeId: source.storeId, rateLimit: source.rateLimit }}
        onFinish={(values) =>
          save.mutate(values, {
            onSuccess: () => {
              showSuccess(t('common.saved'));
              onClose();
            },
            onError: (error) => applyFormErrors(form, error),
          })
        }
      >
        <Form.Item name="name" label={t('customers.sources.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="storeId" label={t('customers.sources.store')} extra={t('customers.sources.storeHelp')}>
          <StoreSelect placeholder={t('customers.sources.wholeTenant')} />
        </Form.Item>
        <Form.Item name="rateLimit" label={t('customers.sources.rateLimit')} extra={t('customers.sources.rateLimitHelp')}>
          <InputNumber min={0} max={1_000_000} style={{ width: '100%' }} placeholder={t('customers.sources.rateDefault')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function RotateKeyDialog({ source, onClose, onRotated }: { source: Source; onClose: () => void; onRotated: (s: SourceWithKey) => void }) {
  const { t } = useTranslation();
  const [grace, setGrace] = useState(0);
  const rotate = useSourceMutation(() => api.post<SourceWithKey>(`/sources/${source.id}/rotate-key`, { graceMinutes: grace }));
  const options = [0, 60, 1440, 10_080].map((minutes) => ({
    value: minutes,
    label: t(`customers.sourceGrace.${minutes === 0 ? 'none' : minutes === 60 ? 'hour' : minutes === 1440 ? 'day' : 'week'}`),
  }));
  return (
    <Modal
      open
      title={t('customers.sources.rotate')}
      okText={t('customers.sources.rotate')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true }}
      confirmLoading={rotate.isPending}
      onOk={() => rotate.mutate(undefined, { onSuccess: onRotated })}
      onCancel={onClose}
    >
      <Typography.Paragraph>{t('customers.sources.rotateHelp')}</Typography.Paragraph>
      <Select value={grace} onChange={setGrace} options={options} style={{ width: '100%' }} data-testid="rotate-grace" />
    </Modal>
  );
}

function SendingHelp({ source }: { source: Source }) {
  const { t } = useTranslation();
  const origin = typeof window === 'undefined' ? '' : window.location.origin;
  const example = `curl -X POST ${origin}/v1/track -u '<write key>:' \\\n  -H 'content-type: application/json' \\\n  -d '{"userId":"u-1","event":"Product Viewed","properties":{"sku":"TV-55U8"}}'`;
  return (
    <Card title={t('customers.sources.sending')} size="small">
      <Typography.Paragraph type="secondary">{t('customers.sources.sendingHelp', { prefix: source.writeKeyPrefix })}</Typography.Paragraph>
      <Typography.Paragraph copyable={{ text: example }}>
        <pre style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{example}</pre>
      </Typography.Paragraph>
    </Card>
  );
}

/** The source screen. */
export function SourcePage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { sourceId } = routeApi.useParams();
  const source = useSource(sourceId);
  const [dialog, setDialog] = useState<'edit' | 'rotate' | null>(null);
  const [newKey, setNewKey] = useState<SourceWithKey | null>(null);
  const toggle = useSourceMutation((enable: boolean) => api.post<Source>(`/sources/${sourceId}/${enable ? 'enable' : 'disable'}`));

  if (source.isPending) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (source.isError) {
    const notFound = source.error instanceof ApiError && source.error.status === 404;
    return (
      <Result
        status={notFound ? '404' : 'error'}
        title={notFound ? t('customers.sources.notFound') : t('errors.loadFailed')}
        extra={<Link to="/customers/sources">{t('nav.customerSources')}</Link>}
      />
    );
  }
  const s = source.data;
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="source-page">
      <Breadcrumb items={[{ title: <Link to="/customers/sources">{t('nav.customerSources')}</Link> }, { title: s.name }]} />
      <Card data-testid="source-header">
        <Space orientation="vertical" size={12} style={{ display: 'flex' }}>
          <Space wrap align="center">
            <Typography.Title level={3} style={{ margin: 0, wordBreak: 'break-all' }} data-testid="source-title">
              {s.name}
            </Typography.Title>
            <ChannelTag channel={s.channel} t={t} />
            <Badge
              status={s.enabled ? 'success' : 'default'}
              text={s.enabled ? t('customers.sources.enabled') : t('customers.sources.disabled')}
              data-testid="source-state"
              data-enabled={s.enabled}
            />
          </Space>
          <Space wrap>
            <Button icon={<EditOutlined />} onClick={() => setDialog('edit')}>
              {t('common.edit')}
            </Button>
            <Button icon={<KeyOutlined />} onClick={() => setDialog('rotate')} data-testid="source-rotate">
              {t('customers.sources.rotate')}
            </Button>
            <Popconfirm
              title={s.enabled ? t('customers.sources.disableConfirm') : t('customers.sources.enableConfirm')}
              okText={t('common.confirm')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: s.enabled }}
              onConfirm={() =>
                toggle.mutateAsync(!s.enabled).then(
                  () => showSuccess(t('common.saved')),
                  () => undefined,
                )
              }
            >
              <Button icon={<PoweroffOutlined />} danger={s.enabled} data-testid="source-toggle">
                {s.enabled ? t('customers.sources.disable') : t('customers.sources.enable')}
              </Button>
            </Popconfirm>
          </Space>
        </Space>
        <Descriptions column={{ xs: 1, sm: 2, lg: 3 }} size="small" style={{ marginTop: 16 }}>
          <Descriptions.Item label={t('customers.sources.store')}>
            {s.storeId ? (
              <Link to="/stores/$storeId" params={{ storeId: s.storeId }}>
                {s.storeName}
              </Link>
            ) : (
              t('customers.sources.wholeTenant')
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('customers.sources.writeKey')}>
            <Typography.Text code data-testid="source-key-prefix">{`${s.writeKeyPrefix}…`}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('customers.sources.rotatedAt')}>{formatDateTime(s.keyRotatedAt, language)}</Descriptions.Item>
          {s.previousKeyExpiresAt && (
            <Descriptions.Item label={t('customers.sources.oldKeyUntil')}>{formatDateTime(s.previousKeyExpiresAt, language)}</Descriptions.Item>
          )}
          <Descriptions.Item label={t('customers.sources.rateLimit')}>
            {s.rateLimit === null ? t('customers.sources.rateDefault') : s.rateLimit === 0 ? t('customers.sources.rateNone') : `${s.rateLimit}/s`}
          </Descriptions.Item>
          <Descriptions.Item label={t('customers.sources.created')}>{formatDateTime(s.createdAt, language)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <SourceDebugger sourceId={sourceId} />
      <SendingHelp source={s} />
      {dialog === 'edit' && <SourceEditDialog source={s} onClose={() => setDialog(null)} />}
      {dialog === 'rotate' && (
        <RotateKeyDialog
          source={s}
          onClose={() => setDialog(null)}
          onRotated={(rotated) => {
            setDialog(null);
            setNewKey(rotated);
          }}
        />
      )}
      {newKey && <WriteKeyDialog source={newKey} onClose={() => setNewKey(null)} />}
    </Space>
  );
}
