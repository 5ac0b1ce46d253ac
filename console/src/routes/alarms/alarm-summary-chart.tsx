// Alarms needing attention by severity (GET /alarms/summary): a bar per severity, and the counts.
import { Link } from '@tanstack/react-router';
import { Card, Empty, Flex, Skeleton, Statistic } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { type ChartOption, EChart } from '../../components/echart.tsx';
import { alarmSeverities } from '../../lib/api-types.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { type AlarmFilters, useAlarmSummary } from './alarm-queries.ts';
import { severityColors } from './alarm-tags.tsx';

/** A card with active and unacknowledged counts and a bar chart of active alarms by severity. */
export function AlarmSummaryChart({ filters = {}, showLink = false }: { filters?: AlarmFilters; showLink?: boolean }) {
  const { t } = useTranslation();
  const isPhone = useIsPhone();
  const summary = useAlarmSummary(filters);

  const option = useMemo<ChartOption | null>(() => {
    const data = summary.data;
    if (!data) return null;
    return {
      grid: { left: 8, right: 16, top: 24, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: alarmSeverities.map((severity) => t(`alarm.severity.${severity}`)), axisLabel: { interval: 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          type: 'bar',
          name: t('alarms.activeCount'),
          barMaxWidth: 48,
          label: { show: true, position: 'top' },
          data: alarmSeverities.map((severity) => ({ value: data.activeBySeverity[severity] ?? 0, itemStyle: { color: severityColors[severity] } })),
        },
      ],
    };
  }, [summary.data, t]);

  return (
    <Card
      title={t('alarms.summaryTitle')}
      data-testid="alarm-summary"
      extra={
        showLink && (
          <Link to="/alarms" search={{ status: 'ACTIVE_UNACK,ACTIVE_ACK' }}>
            {t('alarms.viewAll')}
          </Link>
        )
      }
    >
      {summary.isPending ? (
        <Skeleton active paragraph={{ rows: 4 }} />
      ) : summary.isError || !option ? (
        <Empty description={t('summary.unavailable')} />
      ) : (
        <>
          <Flex gap={24} wrap>
            <Statistic title={t('alarms.activeCount')} value={summary.data.active} data-testid="alarm-summary-active" />
            <Statistic
              title={t('alarms.unackCount')}
              value={summary.data.unacknowledged}
              styles={{ content: { color: summary.data.unacknowledged > 0 ? severityColors.CRITICAL : undefined } }}
              data-testid="alarm-summary-unack"
            />
          </Flex>
          <EChart option={option} height={isPhone ? 170 : 200} ariaLabel={t('alarms.summaryTitle')} testId="alarm-summary-chart" />
        </>
      )}
    </Card>
  );
}
