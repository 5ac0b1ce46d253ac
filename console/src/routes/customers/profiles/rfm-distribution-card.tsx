// How the people one may see spread over the RFM scores: a bar per score for recency, frequency and monetary.
import { Card, Empty, Flex, Skeleton, Statistic } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { type ChartOption, EChart } from '../../../components/echart.tsx';
import { useLanguage } from '../../../lib/i18n.ts';
import { useIsPhone } from '../../../lib/use-is-phone.ts';
import { formatMoney } from '../customer-labels.tsx';
import { useRfmDistribution } from './profile-queries.ts';

const colors = ['#1677ff', '#52c41a', '#fa8c16'];

/** The RFM distribution card. */
export function RfmDistributionCard() {
  const { t } = useTranslation();
  const language = useLanguage();
  const isPhone = useIsPhone();
  const rfm = useRfmDistribution();

  const option = useMemo<ChartOption | null>(() => {
    const data = rfm.data;
    if (!data || data.buyers === 0) return null;
    const measures = [
      { name: t('customers.rfm.recency'), values: data.recency },
      { name: t('customers.rfm.frequency'), values: data.frequency },
      { name: t('customers.rfm.monetary'), values: data.monetary },
    ];
    return {
      grid: { left: 8, right: 16, top: 36, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      xAxis: { type: 'category', data: [1, 2, 3, 4, 5].map((score) => t('customers.rfm.score', { score })) },
      yAxis: { type: 'value', minInterval: 1 },
      series: measures.map((m, k) => ({ type: 'bar', name: m.name, data: m.values, barMaxWidth: 28, itemStyle: { color: colors[k] } })),
    };
  }, [rfm.data, t]);

  return (
    <Card title={t('customers.rfm.distribution')} data-testid="rfm-distribution">
      {rfm.isPending ? (
        <Skeleton active paragraph={{ rows: 4 }} />
      ) : rfm.isError ? (
        <Empty description={t('errors.loadFailed')} />
      ) : (
        <>
          <Flex gap={24} wrap style={{ marginBottom: 8 }}>
            <Statistic title={t('customers.rfm.people')} value={rfm.data.profiles} data-testid="rfm-people" />
            <Statistic title={t('customers.rfm.buyers')} value={rfm.data.buyers} />
            <Statistic title={t('customers.rfm.lifetimeValue')} value={formatMoney(rfm.data.lifetimeValue, language)} />
          </Flex>
          {option ? (
            <EChart option={option} height={isPhone ? 200 : 240} ariaLabel={t('customers.rfm.distribution')} testId="rfm-chart" />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.rfm.noBuyers')} />
          )}
        </>
      )}
    </Card>
  );
}
