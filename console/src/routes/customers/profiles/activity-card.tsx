// A person's events per day, stacked by channel, and where they happened (per store).
import { Link } from '@tanstack/react-router';
import { Card, Empty, Segmented, Skeleton, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ChartOption, EChart } from '../../../components/echart.tsx';
import { useIsPhone } from '../../../lib/use-is-phone.ts';
import { ChannelTag, channelColor, channelLabel } from '../customer-labels.tsx';
import { useProfileActivity } from './profile-queries.ts';

const dayMs = 86_400_000;

/** The activity card of a person. */
export function ActivityCard({ profileId }: { profileId: string }) {
  const { t } = useTranslation();
  const isPhone = useIsPhone();
  const [days, setDays] = useState(90);
  const activity = useProfileActivity(profileId, days);

  const option = useMemo<ChartOption | null>(() => {
    const data = activity.data;
    if (!data || data.daily.length === 0) return null;
    const start = Date.parse(`${data.from}T00:00:00Z`);
    const axis = Array.from({ length: days }, (_, k) => new Date(start + k * dayMs).toISOString().slice(0, 10));
    const channels = [...new Set(data.daily.map((d) => d.channel))];
    const counts = new Map(data.daily.map((d) => [`${d.day}|${d.channel}`, d.count]));
    return {
      grid: { left: 8, right: 16, top: 36, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      xAxis: { type: 'category', data: axis.map((d) => d.slice(5)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: channels.map((channel) => ({
        type: 'bar',
        stack: 'events',
        name: channelLabel(t, channel),
        itemStyle: { color: channelColor(channel) },
        data: axis.map((day) => counts.get(`${day}|${channel}`) ?? 0),
      })),
    };
  }, [activity.data, days, t]);

  return (
    <Card
      title={t('customers.activity.title')}
      data-testid="profile-activity"
      extra={
        <Segmented<number>
          size="small"
          value={days}
          onChange={setDays}
          options={[30, 90, 365].map((d) => ({ value: d, label: t('customers.activity.days', { count: d }) }))}
        />
      }
    >
      {activity.isPending ? (
        <Skeleton active paragraph={{ rows: 4 }} />
      ) : activity.isError ? (
        <Empty description={t('errors.loadFailed')} />
      ) : (
        <Space orientation="vertical" size={12} style={{ display: 'flex' }}>
          {option ? (
            <EChart option={option} height={isPhone ? 180 : 220} ariaLabel={t('customers.activity.title')} testId="activity-chart" />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.activity.none')} />
          )}
          <div>
            <Typography.Text type="secondary">{t('customers.activity.byChannel')}</Typography.Text>
            <div style={{ marginTop: 4 }}>
              {activity.data.channels.map((c) => (
                <span key={c.channel} style={{ marginRight: 4 }}>
                  <ChannelTag channel={c.channel} t={t} />
                  <Typography.Text>{c.count}</Typography.Text>
                </span>
              ))}
            </div>
          </div>
          {activity.data.stores.length > 0 && (
            <div data-testid="activity-stores">
              <Typography.Text type="secondary">{t('customers.activity.byStore')}</Typography.Text>
              <div style={{ marginTop: 4 }}>
                {activity.data.stores.map((s) => (
                  <Tag key={s.storeId} style={{ marginBottom: 4 }}>
                    <Link to="/stores/$storeId" params={{ storeId: s.storeId }}>
                      {s.code ? `${s.code} · ${s.name}` : s.storeId}
                    </Link>{' '}
                    × {s.count}
                  </Tag>
                ))}
              </div>
            </div>
          )}
        </Space>
      )}
    </Card>
  );
}
