// Send a command (server-side RPC) to a device and see its reply, or that it timed out or waits
// queued; and the device's recent commands with their status.
import { SendOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Collapse, Form, Input, InputNumber, Row, Switch, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ItemList } from '../../components/item-list.tsx';
import { ApiError, api } from '../../lib/api-client.ts';
import type { DeviceRpc, JsonValue } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import { showError } from '../../lib/feedback.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { deviceKeys, useDeviceMutation } from './device-queries.ts';
import { formatAgo, formatTimestamp } from './value-format.ts';

interface RpcForm {
  method: string;
  params: string;
  timeoutMs: number;
  oneway: boolean;
  persistent: boolean;
  expiresInMinutes?: number;
}

/** What came of a send, as the card shows it. */
type RpcOutcome =
  | { kind: 'reply'; response: JsonValue }
  | { kind: 'delivered'; rpcId: string; status: string }
  | { kind: 'queued'; rpcId: string; status: string }
  | { kind: 'timeout'; message: string; rpcId?: string; status?: string };

const statusColors: Record<string, string> = {
  QUEUED: 'default',
  SENT: 'processing',
  DELIVERED: 'processing',
  SUCCESSFUL: 'success',
  TIMEOUT: 'warning',
  EXPIRED: 'warning',
  FAILED: 'error',
};
const finalStatuses = new Set(['SUCCESSFUL', 'TIMEOUT', 'EXPIRED', 'FAILED']);

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** An RPC's status as a coloured tag. */
export function RpcStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  const known = status in statusColors;
  return (
    <Tag color={statusColors[status] ?? 'default'} data-testid="rpc-status" data-status={status}>
      {known ? t(`rpc.status.${status as 'QUEUED'}`) : status}
    </Tag>
  );
}

function OutcomeView({ outcome }: { outcome: RpcOutcome }) {
  const { t } = useTranslation();
  if (outcome.kind === 'reply') {
    return (
      <Alert
        type="success"
        showIcon
        title={t('rpc.replied')}
        description={
          <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }} data-testid="rpc-reply">
            {json(outcome.response)}
          </pre>
        }
        data-testid="rpc-outcome"
        data-kind="reply"
      />
    );
  }
  if (outcome.kind === 'timeout') {
    return <Alert type="warning" showIcon title={t('rpc.timedOut')} description={outcome.message} data-testid="rpc-outcome" data-kind="timeout" />;
  }
  return (
    <Alert
      type="info"
      showIcon
      title={outcome.kind === 'queued' ? t('rpc.queued') : t('rpc.delivered')}
      description={
        <span>
          <Typography.Text code>{outcome.rpcId}</Typography.Text> <RpcStatusTag status={outcome.status} />
        </span>
      }
      data-testid="rpc-outcome"
      data-kind={outcome.kind}
    />
  );
}

function RecentRpc({ deviceId }: { deviceId: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const list = useQuery({
    queryKey: deviceKeys.of(deviceId, 'rpc'),
    queryFn: async () => (await api.get<{ data: DeviceRpc[] }>(`/devices/${deviceId}/rpc`, { limit: 20 })).data,
    // follow commands still on their way
    refetchInterval: (query) => (query.state.data?.some((rpc) => !finalStatuses.has(rpc.status)) ? 5000 : false),
  });
  return (
    <ItemList
      loading={list.isPending}
      items={list.data ?? []}
      rowKey={(rpc) => rpc.id}
      emptyText={t('rpc.none')}
      itemTestId="rpc-item"
      renderItem={(rpc) => (
        <div style={{ minWidth: 0 }}>
          <Typography.Text strong>{rpc.method}</Typography.Text> {rpc.oneway && <Tag>{t('rpc.oneway')}</Tag>}
          {rpc.persistent && <Tag>{t('rpc.persistent')}</Tag>}
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }} title={formatTimestamp(rpc.createdAt, language)}>
              {formatAgo(rpc.createdAt, language)}
            </Typography.Text>
          </div>
          {(rpc.response !== null || rpc.error) && (
            <Collapse
              size="small"
              ghost
              items={[
                {
                  key: 'detail',
                  label: rpc.error ? t('rpc.error') : t('rpc.response'),
                  children: (
                    <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12 }}>
                      {rpc.error ?? json(rpc.response)}
                      {'\n'}
                      {t('rpc.params')}: {json(rpc.params)}
                    </pre>
                  ),
                },
              ]}
            />
          )}
        </div>
      )}
      renderExtra={(rpc) => <RpcStatusTag status={rpc.status} />}
    />
  );
}

/** The RPC card of the device page. */
export function RpcCard({ deviceId }: { deviceId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [form] = Form.useForm<RpcForm>();
  const persistent = Form.useWatch('persistent', form) ?? false;
  const [outcome, setOutcome] = useState<RpcOutcome | null>(null);

  const send = useDeviceMutation(
    deviceId,
    async (values: RpcForm): Promise<RpcOutcome> => {
      const params = values.params.trim() === '' ? undefined : (JSON.parse(values.params) as JsonValue);
      const body = {
        method: values.method.trim(),
        params,
        timeoutMs: values.timeoutMs,
        oneway: values.oneway,
        persistent: values.persistent,
        expiresInMs: values.persistent && values.expiresInMinutes ? values.expiresInMinutes * 60_000 : undefined,
      };
      try {
        const answer = await api.post<unknown>(`/devices/${deviceId}/rpc`, body);
        // a persistent command answers 202 {rpcId, status}; a one-way one 200 {rpcId, status}; a two-way one the reply
        if (values.persistent || values.oneway) {
          const { rpcId, status } = answer as { rpcId: string; status: string };
          return { kind: values.persistent ? 'queued' : 'delivered', rpcId, status };
        }
        return { kind: 'reply', response: (answer ?? null) as JsonValue };
      } catch (error) {
        if (error instanceof ApiError && error.status === 504) {
          return {
            kind: 'timeout',
            message: error.message,
            rpcId: error.details.rpcId as string | undefined,
            status: error.details.status as string | undefined,
          };
        }
        throw error;
      }
    },
    { silent: true },
  );

  if (!can('devices:rpc')) {
    return (
      <Card title={t('rpc.recent')} data-testid="rpc-card">
        <RecentRpc deviceId={deviceId} />
      </Card>
    );
  }

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={12}>
        <Card title={t('rpc.title')} data-testid="rpc-card">
          <Form<RpcForm>
            form={form}
            layout="vertical"
            initialValues={{ method: '', params: '{}', timeoutMs: 10_000, oneway: false, persistent: false, expiresInMinutes: 60 }}
            onFinish={(values) => {
              setOutcome(null);
              send.mutate(values, { onSuccess: setOutcome, onError: (error) => showError(error) });
            }}
            data-testid="rpc-form"
          >
            <Form.Item name="method" label={t('rpc.method')} rules={[{ required: true, message: t('validation.required') }]}>
              <Input placeholder="setTemperature" maxLength={255} autoComplete="off" data-testid="rpc-method" />
            </Form.Item>
            <Form.Item
              name="params"
              label={t('rpc.params')}
              rules={[
                {
                  validator: (_rule, value: string) => {
                    if (!value?.trim()) return Promise.resolve();
                    try {
                      JSON.parse(value);
                      return Promise.resolve();
                    } catch {
                      return Promise.reject(new Error(t('validation.json')));
                    }
                  },
                },
              ]}
            >
              <Input.TextArea rows={4} style={{ fontFamily: 'monospace' }} data-testid="rpc-params" />
            </Form.Item>
            <Row gutter={12}>
              <Col xs={24} sm={12}>
                <Form.Item name="timeoutMs" label={t('rpc.timeout')}>
                  <InputNumber min={100} max={60_000} step={1000} style={{ width: '100%' }} suffix="ms" />
                </Form.Item>
              </Col>
              <Col xs={12} sm={6}>
                <Form.Item name="oneway" label={t('rpc.oneway')} valuePropName="checked" tooltip={t('rpc.onewayHelp')}>
                  <Switch data-testid="rpc-oneway" />
                </Form.Item>
              </Col>
              <Col xs={12} sm={6}>
                <Form.Item name="persistent" label={t('rpc.persistent')} valuePropName="checked" tooltip={t('rpc.persistentHelp')}>
                  <Switch data-testid="rpc-persistent" />
                </Form.Item>
              </Col>
              {persistent && (
                <Col xs={24} sm={12}>
                  <Form.Item name="expiresInMinutes" label={t('rpc.expiresIn')}>
                    <InputNumber min={1} max={7 * 24 * 60} style={{ width: '100%' }} suffix={t('telemetry.unit.min')} />
                  </Form.Item>
                </Col>
              )}
            </Row>
            <Button type="primary" htmlType="submit" icon={<SendOutlined />} loading={send.isPending} data-testid="rpc-send">
              {send.isPending ? t('rpc.waiting') : t('rpc.send')}
            </Button>
          </Form>
          {outcome && (
            <div style={{ marginTop: 16 }}>
              <OutcomeView outcome={outcome} />
            </div>
          )}
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card title={t('rpc.recent')} data-testid="rpc-recent">
          <RecentRpc deviceId={deviceId} />
        </Card>
      </Col>
    </Row>
  );
}
