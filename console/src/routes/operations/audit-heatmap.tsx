// Audit results by region and month as a heat map: red where the average score is low.
import { Card, Empty, Skeleton } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { type ChartOption, EChart } from '../../components/echart.tsx';
import { useAuditHeatmap } from './operations-queries.ts';

/** The heat map card for a period. */
export function AuditHeatmap({ from, to }: { from: string; to: string }) {
  const { t } = useTranslation();
  const cells = useAuditHeatmap({ from, to });
  const option = useMemo<ChartOption | null>(() => {
    const data = cells.data;
    if (!data?.length) return null;
    const regions = [...new Set(data.map((c) => c.regionName))];
    const periods = [...new Set(data.map((c) => c.period))].sort();
    return {
      tooltip: { position: 'top' },
      grid: { left: 8, right: 8, top: 8, bottom: 56, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      xAxis: { type: 'category', data: periods, splitArea: { show: true } },
      yAxis: { type: 'category', data: regions, splitArea: { show: true } },
      visualMap: { min: 0, max: 100, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#cf1322', '#faad14', '#52c41a'] } },
      series: [
        {
          type: 'heatmap',
          name: t('operations.reports.avgScore'),
          label: { show: true },
          data: data.map((c) => [periods.indexOf(c.period), regions.indexOf(c.regionName), c.avgScore]),
        },
      ],
    };
  }, [cells.data, t]);
  return (
    <Card title={t('operations.reports.heatmap')} data-testid="audit-heatmap">
      {cells.isPending ? (
        <Skeleton active />
      ) : option ? (
        <EChart
          option={option}
          height={Math.max(240, 40 * new Set(cells.data?.map((c) => c.regionName)).size + 80)}
          ariaLabel={t('operations.reports.heatmap')}
          testId="audit-heatmap-chart"
        />
      ) : (
        <Empty />
      )}
    </Card>
  );
}
