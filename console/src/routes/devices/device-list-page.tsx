// Every device in the caller's scope: filters in the address, pages loaded on demand, create; online
// states kept current by the live status feed.
import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { Button, Card, Empty, Flex, Skeleton, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../lib/auth.tsx';
import { useLiveEvents } from '../../lib/live-events.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { DeviceCreateDialog } from './device-create-dialog.tsx';
import { DeviceFilters } from './device-filters.tsx';
import { DeviceListView } from './device-list-view.tsx';
import { applyLiveEvent, useDeviceList } from './device-queries.ts';
import { LiveIndicator } from './device-status.tsx';

const routeApi = getRouteApi('/signed-in/devices');

/** The device list screen. */
export function DeviceListPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const isPhone = useIsPhone();
  const filters = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const toDevice = useNavigate();
  const queryClient = useQueryClient();
  const list = useDeviceList(filters);
  // online changes of every device under the chosen org unit (or in the caller's scope) keep the rows current
  const live = useLiveEvents(
    { orgUnitId: filters.orgUnitId, events: ['status'] },
    {
      onEvent: (event) => applyLiveEvent(queryClient, event),
      onReconnect: () => void queryClient.invalidateQueries({ queryKey: ['devices', 'list'] }),
    },
  );
  const devices = list.data?.pages.flatMap((page) => page.data) ?? [];
  const [creating, setCreating] = useState(false);

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="device-list-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Space wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('devices.title')}
          </Typography.Title>
          <LiveIndicator state={live} />
        </Space>
        {can('devices:write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="device-create">
            {t('devices.create')}
          </Button>
        )}
      </Flex>
      <Card>
        <DeviceFilters value={filters} onChange={(next) => void navigate({ search: next, replace: true })} />
      </Card>
      <Card styles={{ body: isPhone ? { padding: 8 } : undefined }}>
        {list.isPending && isPhone ? (
          <Skeleton active />
        ) : list.isError ? (
          <Empty description={t('errors.loadFailed')} />
        ) : devices.length === 0 && isPhone ? (
          <Empty description={t('devices.empty')} />
        ) : (
          <DeviceListView devices={devices} loading={list.isFetching && !list.isFetchingNextPage} />
        )}
        <Flex justify="space-between" align="center" style={{ marginTop: 12 }} wrap gap={8}>
          <Typography.Text type="secondary" data-testid="device-count" data-count={devices.length} data-loading={list.isFetching}>
            {t('devices.loaded', { count: devices.length })}
          </Typography.Text>
          {list.hasNextPage && (
            <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} data-testid="device-load-more">
              {t('common.loadMore')}
            </Button>
          )}
        </Flex>
      </Card>
      {creating && (
        <DeviceCreateDialog
          storeId={filters.storeId}
          onClose={() => setCreating(false)}
          onCreated={(deviceId) => void toDevice({ to: '/devices/$deviceId', params: { deviceId }, search: { tab: 'credentials' } })}
        />
      )}
    </Space>
  );
}
