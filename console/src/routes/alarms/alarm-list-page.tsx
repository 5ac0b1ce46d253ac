// Alarms chain-wide: a summary by severity, filters in the address, acknowledge and clear, kept
// current live (the alarm changes of the chosen store, of the chosen org unit's subtree, or of the
// caller's whole scope; a reload every few seconds only while the live stream is down).
import { useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { Badge, Button, Card, Empty, Flex, Skeleton, Space, Typography } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useLiveEvents } from '../../lib/live-events.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { AlarmFilters } from './alarm-filters.tsx';
import { AlarmListView } from './alarm-list-view.tsx';
import { type AlarmFilters as AlarmQueryFilters, useAlarmList } from './alarm-queries.ts';
import { AlarmSummaryChart } from './alarm-summary-chart.tsx';
import { severitiesOf, statusesOf } from './routes.ts';

const routeApi = getRouteApi('/signed-in/alarms');

/** How often the list reloads while its live stream is down. */
const pollMs = 15_000;

/** Alarm changes come in bursts (a store's power cut): reload the list at most this often. */
const reloadAfterMs = 500;

/** The alarm list screen. */
export function AlarmListPage() {
  const { t } = useTranslation();
  const isPhone = useIsPhone();
  const queryClient = useQueryClient();
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const filters: AlarmQueryFilters = {
    orgUnitId: search.orgUnitId,
    storeId: search.storeId,
    severity: severitiesOf(search),
    status: statusesOf(search),
    type: search.type,
  };
  const reload = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(reload.current), []);
  const live = useLiveEvents(search.storeId ? { storeId: search.storeId } : { orgUnitId: search.orgUnitId, events: ['alarm'] }, {
    onEvent: (event) => {
      if (event.kind !== 'alarm' || reload.current) return;
      reload.current = setTimeout(() => {
        reload.current = undefined;
        void queryClient.invalidateQueries({ queryKey: ['alarms'] });
      }, reloadAfterMs);
    },
    onReconnect: () => void queryClient.invalidateQueries({ queryKey: ['alarms'] }),
  });
  const following = live === 'live';
  const list = useAlarmList(filters, following ? false : pollMs);
  const alarms = list.data?.pages.flatMap((page) => page.data) ?? [];
  const { orgUnitId, storeId } = filters;

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="alarm-list-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('alarms.title')}
        </Typography.Title>
        <Badge
          status={following ? 'success' : 'processing'}
          text={following ? t('live.live') : t('live.polling', { seconds: pollMs / 1000 })}
          data-testid="alarm-live"
          data-state={live}
        />
      </Flex>
      <AlarmSummaryChart filters={{ orgUnitId, storeId }} />
      <Card>
        <AlarmFilters value={search} onChange={(next) => void navigate({ search: next, replace: true })} />
      </Card>
      <Card styles={{ body: isPhone ? { padding: 8 } : undefined }}>
        {list.isPending && isPhone ? (
          <Skeleton active />
        ) : list.isError ? (
          <Empty description={t('errors.loadFailed')} />
        ) : alarms.length === 0 && isPhone ? (
          <Empty description={t('alarms.empty')} />
        ) : (
          <AlarmListView alarms={alarms} loading={list.isFetching && !list.isFetchingNextPage && list.isPlaceholderData} />
        )}
        <Flex justify="space-between" align="center" style={{ marginTop: 12 }} wrap gap={8}>
          <Typography.Text type="secondary" data-testid="alarm-count" data-count={alarms.length} data-loading={list.isFetching}>
            {t('alarms.loaded', { count: alarms.length })}
          </Typography.Text>
          {list.hasNextPage && (
            <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} data-testid="alarm-load-more">
              {t('common.loadMore')}
            </Button>
          )}
        </Flex>
      </Card>
    </Space>
  );
}
