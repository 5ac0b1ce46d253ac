// A segment's size per day, with the day's entries and exits.
import { Card, Empty, Segmented, Skeleton } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ChartOption, EChart } from '../../../components/echart.tsx';
import { useIsPhone } from '../../../lib/use-is-phone.ts';
import { useSegmentSizes } from './segment-queries.ts';

/** The sizes card of a segment. */
export function SegmentSizesCard({ segmentId }: { segmentId: string }) {
  const { t } = useTranslation();
  const isPhone = useIsPhone();
  const [days, setDays] = useState(30);
  const sizes = useSegmentSizes(segmentId, days);
  const option = useMemo<ChartOption | null>(() => {
    const data = sizes.data;
    if (!data) return null;
    return {
      grid: { left: 8, right: 16, top: 36, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      xAxis: { type: 'category', data: data.map((d) => d.day.slice(5)) },
      yAxis: [
        { type: 'value', minInterval: 1 },
        { type: 'value', minInterval: 1, splitLine: { show: false } },
      ],
      series: [
        {
          type: 'line',
          name: t('customers.segments.size'),
          data: data.map((d) => d.size),
          smooth: true,
          areaStyle: { opacity: 0.15 },
          itemStyle: { color: '#1677ff' },
        },
        {
          type: 'bar',
          name: t('customers.segments.entered'),
          yAxisIndex: 1,
          data: data.map((d) => d.entered),
          itemStyle: { color: '#52c41a' },
          barMaxWidth: 10,
        },
        { type: 'bar', name: t('customers.segments.exited'), yAxisIndex: 1, data: data.map((d) => d.exited), itemStyle: { color: '#ff4d4f' }, barMaxWidth: 10 },
      ],
    };
  }, [sizes.data, t]);
  return (
    <Card
      title={t('customers.segments.sizeOverTime')}
      data-testid="segment-sizes"
      extra={
        <Segmented<number>
          size="small"
          value={days}
          onChange={setDays}
          options={[7, 30, 90].map((d) => ({ value: d, label: t('customers.activity.days', { count: d }) }))}
        />
      }
    >
      {sizes.isPending ? (
        <Skeleton active paragraph={{ rows: 4 }} />
      ) : !option ? (
        <Empty description={t('errors.loadFailed')} />
      ) : (
        <EChart option={option} height={isPhone ? 200 : 240} ariaLabel={t('customers.segments.sizeOverTime')} testId="segment-sizes-chart" />
      )}
    </Card>
  );
}
