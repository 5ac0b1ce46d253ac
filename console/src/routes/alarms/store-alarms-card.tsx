// The active alarms of a store's devices, on the store page.
import { Link } from '@tanstack/react-router';
import { Card, Empty, Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';
import { AlarmListView } from './alarm-list-view.tsx';
import { useAlarmList } from './alarm-queries.ts';

/** The alarms card of the store page: open ones (the store's live events reload it). */
export function StoreAlarmsCard({ storeId }: { storeId: string }) {
  const { t } = useTranslation();
  const list = useAlarmList({ storeId, status: ['ACTIVE_UNACK', 'ACTIVE_ACK', 'CLEARED_UNACK'] });
  // the few most recent; the alarm list has them all
  const alarms = (list.data?.pages[0]?.data ?? []).slice(0, 5);
  return (
    <Card
      title={t('alarms.ofStore')}
      data-testid="store-alarms"
      extra={
        <Link to="/alarms" search={{ storeId }}>
          {t('alarms.viewAll')}
        </Link>
      }
    >
      {list.isPending ? (
        <Skeleton active />
      ) : alarms.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('alarms.noneOpen')} />
      ) : (
        <AlarmListView alarms={alarms} hideStore cards />
      )}
    </Card>
  );
}
