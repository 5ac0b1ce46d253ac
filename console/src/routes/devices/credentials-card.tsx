// A device's credentials: the type and token prefix (never the token), rotate (the new token shown
// once), set a token of one's own, MQTT basic credentials, revoke.
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, Modal, Popconfirm, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SecretReveal } from '../../components/secret-reveal.tsx';
import { api } from '../../lib/api-client.ts';
import type { DeviceCredentials } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import { formatDateTime } from '../../lib/date-format.ts';
import { showSuccess } from '../../lib/feedback.ts';
import { applyFormErrors } from '../../lib/form-errors.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { accessTokenPattern } from './device-create-dialog.tsx';
import { deviceKeys, useDeviceMutation } from './device-queries.ts';

type Dialog = 'token' | 'basic' | null;

interface TokenForm {
  accessToken: string;
}
interface BasicForm {
  clientId?: string;
  username?: string;
  password?: string;
}

function SetTokenDialog({ deviceId, onClose }: { deviceId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<TokenForm>();
  const save = useDeviceMutation(deviceId, (values: TokenForm) =>
    api.put<DeviceCredentials>(`/devices/${deviceId}/credentials`, { type: 'access_token', accessToken: values.accessToken.trim() }),
  );
  return (
    <Modal
      open
      title={t('credentials.setToken')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<TokenForm>
        form={form}
        layout="vertical"
        onFinish={(values) =>
          save.mutate(values, {
            onSuccess: () => {
              showSuccess(t('common.saved'));
              onClose();
            },
            onError: (error) => applyFormErrors(form, error),
          })
        }
        data-testid="credentials-token-form"
      >
        <Alert type="info" showIcon title={t('credentials.setTokenHelp')} style={{ marginBottom: 12 }} />
        <Form.Item
          name="accessToken"
          label={t('credentials.accessToken')}
          rules={[
            { required: true, message: t('validation.required') },
            { pattern: accessTokenPattern, message: t('credentials.tokenChars') },
          ]}
        >
          <Input autoComplete="off" maxLength={256} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function MqttBasicDialog({ deviceId, current, onClose }: { deviceId: string; current: DeviceCredentials | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<BasicForm>();
  const save = useDeviceMutation(deviceId, (values: BasicForm) =>
    api.put<DeviceCredentials>(`/devices/${deviceId}/credentials`, {
      type: 'mqtt_basic',
      clientId: values.clientId?.trim() || undefined,
      username: values.username?.trim() || undefined,
      password: values.password || undefined,
    }),
  );
  return (
    <Modal
      open
      title={t('credentials.mqttBasic')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<BasicForm>
        form={form}
        layout="vertical"
        initialValues={current?.type === 'mqtt_basic' ? { clientId: current.clientId ?? undefined, username: current.username ?? undefined } : {}}
        onFinish={(values) =>
          save.mutate(values, {
            onSuccess: () => {
              showSuccess(t('common.saved'));
              onClose();
            },
            onError: (error) => applyFormErrors(form, error),
          })
        }
        data-testid="credentials-basic-form"
      >
        <Typography.Paragraph type="secondary">{t('credentials.mqttBasicHelp')}</Typography.Paragraph>
        <Form.Item
          name="clientId"
          label={t('credentials.clientId')}
          dependencies={['username']}
          rules={[
            ({ getFieldValue }) => ({
              validator: (_rule, value: string | undefined) =>
                value?.trim() || getFieldValue('username')?.trim() ? Promise.resolve() : Promise.reject(new Error(t('credentials.clientOrUser'))),
            }),
          ]}
        >
          <Input autoComplete="off" maxLength={256} />
        </Form.Item>
        <Form.Item name="username" label={t('credentials.username')}>
          <Input autoComplete="off" maxLength={256} />
        </Form.Item>
        <Form.Item name="password" label={t('credentials.password')} extra={current?.hasPassword ? t('credentials.passwordKeep') : undefined}>
          <Input.Password autoComplete="new-password" maxLength={256} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The credentials card of the device page. */
export function CredentialsCard({ deviceId }: { deviceId: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [token, setToken] = useState<string | null>(null);
  const credentials = useQuery({
    queryKey: deviceKeys.of(deviceId, 'credentials'),
    queryFn: () => api.get<DeviceCredentials>(`/devices/${deviceId}/credentials`),
  });
  const rotate = useDeviceMutation(deviceId, () => api.post<DeviceCredentials & { accessToken: string }>(`/devices/${deviceId}/credentials/rotate`));
  const revoke = useDeviceMutation(deviceId, () => api.post<DeviceCredentials>(`/devices/${deviceId}/credentials/revoke`));
  const canWrite = can('devices:write');
  const current = credentials.data;
  const origin = window.location.origin;

  return (
    <Card title={t('credentials.title')} data-testid="credentials-card" loading={credentials.isPending}>
      {current && (
        <Descriptions column={1} size="small" style={{ marginBottom: 12 }}>
          <Descriptions.Item label={t('credentials.type')}>
            <Space wrap>
              <span data-testid="credentials-type">{current.type === 'mqtt_basic' ? t('credentials.mqttBasic') : t('credentials.accessToken')}</span>
              {current.revoked ? <Tag color="red">{t('credentials.revoked')}</Tag> : <Tag color="green">{t('credentials.active')}</Tag>}
            </Space>
          </Descriptions.Item>
          {current.tokenPrefix && (
            <Descriptions.Item label={t('credentials.tokenPrefix')}>
              <Typography.Text code data-testid="credentials-prefix">
                {current.tokenPrefix}…
              </Typography.Text>
            </Descriptions.Item>
          )}
          {current.clientId && <Descriptions.Item label={t('credentials.clientId')}>{current.clientId}</Descriptions.Item>}
          {current.username && <Descriptions.Item label={t('credentials.username')}>{current.username}</Descriptions.Item>}
          {current.type === 'mqtt_basic' && (
            <Descriptions.Item label={t('credentials.password')}>
              {current.hasPassword ? t('credentials.passwordSet') : t('credentials.passwordNone')}
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t('credentials.updated')}>{formatDateTime(current.updatedAt, language)}</Descriptions.Item>
        </Descriptions>
      )}
      {canWrite && (
        <Space wrap style={{ marginBottom: 12 }}>
          <Popconfirm
            title={t('credentials.rotateConfirm')}
            description={t('credentials.rotateWarning')}
            okText={t('credentials.rotate')}
            cancelText={t('common.cancel')}
            onConfirm={() =>
              rotate
                .mutateAsync(undefined)
                .then((result) => setToken(result.accessToken))
                .catch(() => undefined)
            }
          >
            <Button type="primary" loading={rotate.isPending} data-testid="credentials-rotate">
              {t('credentials.rotate')}
            </Button>
          </Popconfirm>
          <Button onClick={() => setDialog('token')} data-testid="credentials-set-token">
            {t('credentials.setToken')}
          </Button>
          <Button onClick={() => setDialog('basic')} data-testid="credentials-set-basic">
            {t('credentials.mqttBasic')}
          </Button>
          {current && !current.revoked && (
            <Popconfirm
              title={t('credentials.revokeConfirm')}
              description={t('credentials.revokeWarning')}
              okText={t('credentials.revoke')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: true }}
              onConfirm={() =>
                revoke
                  .mutateAsync(undefined)
                  .then(() => showSuccess(t('credentials.revokedDone')))
                  .catch(() => undefined)
              }
            >
              <Button danger data-testid="credentials-revoke">
                {t('credentials.revoke')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      )}
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }}>
        {t('credentials.howTo')}
        <br />
        <Typography.Text code style={{ fontSize: 12, wordBreak: 'break-all' }}>
          POST {origin}/api/v1/&lt;token&gt;/telemetry
        </Typography.Text>
      </Typography.Paragraph>
      <Modal
        open={token !== null}
        destroyOnHidden
        title={t('credentials.newToken')}
        closable={false}
        mask={{ closable: false }}
        footer={
          <Button type="primary" onClick={() => setToken(null)} data-testid="credentials-token-done">
            {t('apiKeys.copiedDone')}
          </Button>
        }
      >
        {token && <SecretReveal secret={token} warning={t('credentials.shownOnce')} testId="credentials-token" />}
      </Modal>
      {dialog === 'token' && <SetTokenDialog deviceId={deviceId} onClose={() => setDialog(null)} />}
      {dialog === 'basic' && <MqttBasicDialog deviceId={deviceId} current={current} onClose={() => setDialog(null)} />}
    </Card>
  );
}
