// Operations reports: task completion and on-time rates by region or store (worst first), the weekly trend,
// audit scores and their heat map by region; every table also as CSV.
import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Flex, Segmented, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ChartOption, EChart } from '../../components/echart.tsx';
import { apiUrl } from '../../lib/api-client.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { AuditHeatmap } from './audit-heatmap.tsx';
import { type ReportQuery, useAuditScores, useCompliance, useComplianceTrend } from './operations-queries.ts';
import type { AuditScoreRow, ComplianceRow } from './operations-types.ts';

/** The reports screen. */
export function ReportsPage() {
  const { t } = useTranslation();
  const isPhone = useIsPhone();
  const [range, setRange] = useState<[string, string]>([dayjs().subtract(29, 'day').format('YYYY-MM-DD'), dayjs().format('YYYY-MM-DD')]);
  const [groupBy, setGroupBy] = useState<ReportQuery['groupBy']>('region');
  const query = { groupBy, from: range[0], to: range[1] };
  const compliance = useCompliance(query);
  const trend = useComplianceTrend({ from: range[0], to: range[1] });
  const scores = useAuditScores(query);

  const barOption = useMemo<ChartOption | null>(() => {
    const rows = (compliance.data ?? []).slice(0, 20);
    if (!rows.length) return null;
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 32, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { rotate: 30 } },
      yAxis: { type: 'value', max: 100 },
      series: [
        { type: 'bar', name: t('operations.reports.completion'), data: rows.map((r) => r.completionRate) },
        { type: 'bar', name: t('operations.reports.onTime'), data: rows.map((r) => r.onTimeRate) },
      ],
    };
  }, [compliance.data, t]);
  const trendOption = useMemo<ChartOption | null>(() => {
    const rows = trend.data ?? [];
    if (!rows.length) return null;
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 32, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      xAxis: { type: 'category', data: rows.map((r) => r.week) },
      yAxis: { type: 'value', max: 100 },
      series: [
        { type: 'line', name: t('operations.reports.completion'), data: rows.map((r) => r.completionRate) },
        { type: 'line', name: t('operations.reports.onTime'), data: rows.map((r) => r.onTimeRate) },
      ],
    };
  }, [trend.data, t]);
  const csv = (what: 'compliance' | 'audits') => apiUrl(`/operations/reports/${what}.csv`, query);

  return (
    <Space orientation="vertical" size={12} style={{ display: 'flex' }} data-testid="operations-reports">
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('operations.reports.title')}
      </Typography.Title>
      <Flex gap={8} wrap>
        <DatePicker.RangePicker
          value={[dayjs(range[0]), dayjs(range[1])]}
          allowClear={false}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD')])}
        />
        <Segmented
          value={groupBy}
          onChange={(v) => setGroupBy(v as ReportQuery['groupBy'])}
          options={[
            { value: 'region', label: t('operations.reports.byRegion') },
            { value: 'store', label: t('operations.reports.byStore') },
          ]}
        />
      </Flex>
      <Card
        title={t('operations.reports.compliance')}
        extra={
          <Button icon={<DownloadOutlined />} href={csv('compliance')} data-testid="compliance-csv">
            CSV
          </Button>
        }
      >
        {barOption && <EChart option={barOption} height={isPhone ? 220 : 280} ariaLabel={t('operations.reports.compliance')} testId="compliance-chart" />}
        <Table<ComplianceRow>
          rowKey="id"
          size="small"
          loading={compliance.isPending}
          dataSource={compliance.data ?? []}
          scroll={isPhone ? { x: 560 } : undefined}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          columns={[
            { title: t('operations.reports.name'), render: (_, r) => `${r.name} (${r.code})` },
            { title: t('operations.reports.tasks'), dataIndex: 'total' },
            { title: t('operations.reports.completion'), render: (_, r) => `${r.completionRate}%` },
            { title: t('operations.reports.onTime'), render: (_, r) => `${r.onTimeRate}%` },
            { title: t('operations.status.overdue'), dataIndex: 'overdue' },
            { title: t('operations.status.expired'), dataIndex: 'expired' },
          ]}
        />
      </Card>
      <Card title={t('operations.reports.trend')}>
        {trendOption ? <EChart option={trendOption} height={220} ariaLabel={t('operations.reports.trend')} /> : null}
      </Card>
      <Card
        title={t('operations.reports.auditScores')}
        extra={
          <Button icon={<DownloadOutlined />} href={csv('audits')}>
            CSV
          </Button>
        }
      >
        <Table<AuditScoreRow>
          rowKey="id"
          size="small"
          loading={scores.isPending}
          dataSource={scores.data ?? []}
          scroll={isPhone ? { x: 560 } : undefined}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          columns={[
            { title: t('operations.reports.name'), render: (_, r) => `${r.name} (${r.code})` },
            { title: t('operations.reports.audits'), dataIndex: 'audits' },
            { title: t('operations.reports.avgScore'), dataIndex: 'avgScore' },
            { title: t('operations.reports.minScore'), dataIndex: 'minScore' },
            { title: t('operations.audits.passed'), dataIndex: 'passed' },
          ]}
        />
      </Card>
      <AuditHeatmap from={range[0]} to={range[1]} />
    </Space>
  );
}
