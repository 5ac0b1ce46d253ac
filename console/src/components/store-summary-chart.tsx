// Stores by status or by format under an org unit, from GET /stores/summary.
import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Segmented, Skeleton, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api-client.ts';
import { useIsPhone } from '../lib/use-is-phone.ts';
import { type StoreSummary, storeFormats, storeStatuses } from '../lib/api-types.ts';
import { type ChartOption, EChart } from './echart.tsx';
import { storeStatusColors } from './store-status-tag.tsx';

type Breakdown = 'status' | 'format';

const formatColors = ['#722ed1', '#1677ff', '#13c2c2'];

/** The store list filters the summary also takes; none means every visible store. */
export interface StoreSummaryFilters {
  orgUnitId?: string;
  status?: string;
  format?: string;
  city?: string;
  q?: string;
}

/** Fetches the store counts under the filters (GET /stores/summary). */
export function useStoreSummary(filters: StoreSummaryFilters) {
  return useQuery({
    queryKey: ['stores', 'summary', filters],
    queryFn: () => api.get<StoreSummary>('/stores/summary', { ...filters }),
    meta: { silent: true }, // the card says it has no data; a toast on every page would nag
  });
}

/** A card with the store count and a bar chart of it by status or by format. */
export function StoreSummaryChart({ filters = {} }: { filters?: StoreSummaryFilters }) {
  const { t } = useTranslation();
  const isPhone = useIsPhone();
  const [breakdown, setBreakdown] = useState<Breakdown>('status');
  const summary = useStoreSummary(filters);

  const option = useMemo<ChartOption | null>(() => {
    const data = summary.data;
    if (!data) return null;
    const rows =
      breakdown === 'status'
        ? storeStatuses.map((status) => ({
            label: t(`store.status.${status}`),
            value: data.byStatus[status] ?? 0,
            color: storeStatusColors[status],
          }))
        : storeFormats.map((format, index) => ({
            label: t(`store.format.${format}`),
            value: data.byFormat[format] ?? 0,
            color: formatColors[index % formatColors.length],
          }));
    return {
      // the axis labels stay inside the card (ECharts 6's replacement for containLabel)
      grid: { left: 8, right: 16, top: 24, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: rows.map((row) => row.label), axisLabel: { interval: 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          type: 'bar',
          name: t('summary.stores'),
          barMaxWidth: 48,
          label: { show: true, position: 'top' },
          data: rows.map((row) => ({ value: row.value, itemStyle: { color: row.color } })),
        },
      ],
    };
    // t changes with the language, so a switch re-translates the labels
  }, [summary.data, breakdown, t]);

  return (
    <Card
      data-testid="store-summary"
      title={t('summary.title')}
      extra={
        <Segmented<Breakdown>
          size="small"
          value={breakdown}
          onChange={setBreakdown}
          options={[
            { value: 'status', label: t('summary.byStatus') },
            { value: 'format', label: t('summary.byFormat') },
          ]}
        />
      }
    >
      {summary.isPending ? (
        <Skeleton active paragraph={{ rows: 4 }} />
      ) : summary.isError || !option ? (
        <Empty description={t('summary.unavailable')} />
      ) : (
        <>
          <Typography.Text type="secondary">
            {t('summary.total')}{' '}
            <Typography.Text strong style={{ fontSize: 18 }} data-testid="store-summary-total">
              {summary.data.total.toLocaleString()}
            </Typography.Text>
          </Typography.Text>
          <EChart option={option} height={isPhone ? 170 : 220} ariaLabel={t('summary.title')} testId="store-summary-chart" />
        </>
      )}
    </Card>
  );
}
