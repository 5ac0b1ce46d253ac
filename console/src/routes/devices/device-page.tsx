// One device: header with state and actions, then tabs — overview (latest values, dropped
// messages), charts, attributes, commands, alarms, credentials — all kept current by live events.
import { DeleteOutlined, EditOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { Breadcrumb, Button, Card, Col, Descriptions, Empty, Flex, Popconfirm, Result, Row, Skeleton, Space, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../lib/api-client.ts';
import type { DeviceDetail } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import { formatDateTime } from '../../lib/date-format.ts';
import { showSuccess } from '../../lib/feedback.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { type LiveState, useLiveEvents } from '../../lib/live-events.ts';
import { AlarmListView } from '../alarms/alarm-list-view.tsx';
import { useAlarmList } from '../alarms/alarm-queries.ts';
import { AttributesCard } from './attributes-card.tsx';
import { CredentialsCard } from './credentials-card.tsx';
import { DeviceEditDialog } from './device-edit-dialog.tsx';
import { DeviceKindIcon, deviceKindLabel } from './device-kind.tsx';
import { applyLiveEvent, deviceKeys, useDevice } from './device-queries.ts';
import { DeviceOnlineStatus, LiveIndicator } from './device-status.tsx';
import { DropsCard } from './drops-card.tsx';
import { LatestValuesCard } from './latest-values-card.tsx';
import type { DeviceTab } from './routes.ts';
import { RpcCard } from './rpc-card.tsx';
import { TelemetryChartCard } from './telemetry-chart-card.tsx';

const routeApi = getRouteApi('/signed-in/devices/$deviceId');

function DeviceHeader({ device, live }: { device: DeviceDetail; live: LiveState }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const remove = useMutation({
    mutationFn: () => api.delete<void>(`/devices/${device.id}`),
    onSuccess: async () => {
      showSuccess(t('common.deleted'));
      queryClient.removeQueries({ queryKey: deviceKeys.detail(device.id) });
      await queryClient.invalidateQueries({ queryKey: deviceKeys.all });
      void navigate({ to: '/stores/$storeId', params: { storeId: device.storeId } });
    },
  });

  return (
    <Card data-testid="device-header">
      <Flex justify="space-between" align="flex-start" wrap gap={12}>
        <Flex gap={12} align="center" style={{ minWidth: 0 }}>
          <DeviceKindIcon kind={device.kind} size={44} />
          <div style={{ minWidth: 0 }}>
            <Typography.Title level={3} style={{ margin: 0, wordBreak: 'break-all' }} data-testid="device-title">
              {device.name}
            </Typography.Title>
            <Space wrap size={[8, 4]} style={{ marginTop: 4 }}>
              <DeviceOnlineStatus online={device.online} lastActivityAt={device.lastActivityAt} />
              <Tag>{deviceKindLabel(t, device.kind)}</Tag>
              {device.isGateway && <Tag color="purple">{t('device.gateway')}</Tag>}
              {device.credentials?.revoked && <Tag color="red">{t('credentials.revoked')}</Tag>}
              <LiveIndicator state={live} />
            </Space>
          </div>
        </Flex>
        {can('devices:write') && (
          <Space wrap>
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="device-edit">
              {t('common.edit')}
            </Button>
            <Popconfirm
              title={t('devices.deleteConfirm', { name: device.name })}
              description={t('devices.deleteWarning')}
              okText={t('common.delete')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: true }}
              onConfirm={() => remove.mutateAsync().catch(() => undefined)}
            >
              <Button danger icon={<DeleteOutlined />} data-testid="device-delete">
                {t('common.delete')}
              </Button>
            </Popconfirm>
          </Space>
        )}
      </Flex>
      <Descriptions column={{ xs: 1, sm: 2, lg: 3 }} size="small" style={{ marginTop: 16 }}>
        <Descriptions.Item label={t('device.store')}>
          <Link to="/stores/$storeId" params={{ storeId: device.storeId }} data-testid="device-store-link">
            {device.storeCode} · {device.storeName}
          </Link>
        </Descriptions.Item>
        <Descriptions.Item label={t('device.zone')}>{device.zoneName ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('device.profile')}>
          <Link to="/device-profiles/$profileId" params={{ profileId: device.profileId }}>
            {device.profileName}
          </Link>
        </Descriptions.Item>
        <Descriptions.Item label={t('device.label')}>{device.label ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('device.type')}>{device.type}</Descriptions.Item>
        <Descriptions.Item label={t('device.created')}>{formatDateTime(device.createdAt, language)}</Descriptions.Item>
        <Descriptions.Item label={t('device.retention')}>{t('device.days', { count: device.telemetryRetentionDays })}</Descriptions.Item>
        <Descriptions.Item label={t('device.inactivity')}>{t('device.seconds', { count: device.inactivityTimeoutSeconds })}</Descriptions.Item>
        {device.gatewayId && (
          <Descriptions.Item label={t('device.viaGateway')}>
            <Link to="/devices/$deviceId" params={{ deviceId: device.gatewayId }}>
              {device.gatewayId}
            </Link>
          </Descriptions.Item>
        )}
      </Descriptions>
      {editing && <DeviceEditDialog device={device} onClose={() => setEditing(false)} />}
    </Card>
  );
}

function DeviceAlarms({ deviceId }: { deviceId: string }) {
  const { t } = useTranslation();
  const list = useAlarmList({ deviceId });
  const alarms = list.data?.pages.flatMap((page) => page.data) ?? [];
  return (
    <Card title={t('alarms.ofDevice')} data-testid="device-alarms">
      {list.isPending ? (
        <Skeleton active />
      ) : alarms.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('alarms.empty')} />
      ) : (
        <AlarmListView alarms={alarms} hideDevice hideStore />
      )}
      {list.hasNextPage && (
        <Button style={{ marginTop: 12 }} onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          {t('common.loadMore')}
        </Button>
      )}
    </Card>
  );
}

/** The device screen. */
export function DevicePage() {
  const { t } = useTranslation();
  const { deviceId } = routeApi.useParams();
  const { tab = 'overview' } = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const queryClient = useQueryClient();
  const device = useDevice(deviceId);
  const [chartKey, setChartKey] = useState<string | undefined>();
  const live = useLiveEvents(device.data ? { deviceId } : null, {
    onEvent: (event) => applyLiveEvent(queryClient, event),
    onReconnect: () => void queryClient.invalidateQueries({ queryKey: deviceKeys.detail(deviceId) }),
  });
  const openTab = (next: DeviceTab) => void navigate({ search: { tab: next === 'overview' ? undefined : next }, replace: true });

  if (device.isPending) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (device.isError) {
    const notFound = device.error instanceof ApiError && device.error.status === 404;
    return (
      <Result
        status={notFound ? '404' : 'error'}
        title={notFound ? t('device.notFound') : t('errors.loadFailed')}
        extra={<Link to="/devices">{t('nav.devices')}</Link>}
      />
    );
  }
  const data = device.data;

  const tabs: { key: DeviceTab; label: string; children: React.ReactNode }[] = [
    {
      key: 'overview',
      label: t('device.tabs.overview'),
      children: (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={16}>
            <LatestValuesCard
              latest={data.latest}
              featured={data.defaultChartKeys}
              onChart={(key) => {
                setChartKey(key);
                openTab('charts');
              }}
            />
          </Col>
          <Col xs={24} xl={8}>
            <DropsCard device={data} />
          </Col>
        </Row>
      ),
    },
    {
      key: 'charts',
      label: t('device.tabs.charts'),
      children: (
        <TelemetryChartCard key={chartKey ?? 'default'} deviceId={deviceId} latest={data.latest} defaultKeys={data.defaultChartKeys} initialKey={chartKey} />
      ),
    },
    { key: 'attributes', label: t('device.tabs.attributes'), children: <AttributesCard deviceId={deviceId} /> },
    { key: 'rpc', label: t('device.tabs.rpc'), children: <RpcCard deviceId={deviceId} /> },
    { key: 'alarms', label: t('device.tabs.alarms'), children: <DeviceAlarms deviceId={deviceId} /> },
    { key: 'credentials', label: t('device.tabs.credentials'), children: <CredentialsCard deviceId={deviceId} /> },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="device-page">
      <Breadcrumb
        items={[
          { title: <Link to="/devices">{t('nav.devices')}</Link> },
          {
            title: (
              <Link to="/stores/$storeId" params={{ storeId: data.storeId }}>
                {data.storeCode}
              </Link>
            ),
          },
          { title: data.name },
        ]}
      />
      <DeviceHeader device={data} live={live} />
      <Tabs
        activeKey={tab}
        onChange={(key) => openTab(key as DeviceTab)}
        items={tabs.map((item) => ({ ...item, label: <span data-testid={`device-tab-${item.key}`}>{item.label}</span> }))}
        destroyOnHidden
      />
    </Space>
  );
}
