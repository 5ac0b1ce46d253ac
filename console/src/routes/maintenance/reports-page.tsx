// Maintenance reports: MTTA and MTTR, downtime by asset category (a chart), by store and by region, CSV exports.
import { DownloadOutlined } from '@ant-design/icons';
import { Card, Col, DatePicker, Flex, Row, Space, Statistic, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../components/echart.tsx';
import { apiUrl } from '../../lib/api-client.ts';
import { useMaintenanceReport } from './maintenance-queries.ts';
import { isKnownCategory } from './maintenance-types.ts';

function CsvLink({ table, from, to }: { table: string; from: string; to: string }) {
  const { t } = useTranslation();
  return (
    <a href={apiUrl('/maintenance/reports/export', { from, to, table })} download>
      <DownloadOutlined /> {t('maintenance.exportCsv')}
    </a>
  );
}

/** The reports page. */
export function MaintenanceReportsPage() {
  const { t } = useTranslation();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(30, 'day').startOf('day'), dayjs().add(1, 'day').startOf('day')]);
  const from = range[0].toISOString();
  const to = range[1].toISOString();
  const report = useMaintenanceReport(from, to).data;
  const minutes = (v: number | null | undefined) => (v === null || v === undefined ? '—' : t('maintenance.minutes', { value: v }));
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="maintenance-reports">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('maintenance.reports')}
        </Typography.Title>
        <DatePicker.RangePicker value={range} allowClear={false} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} />
      </Flex>
      <Row gutter={[16, 16]}>
        {[
          [t('maintenance.created'), report?.workOrders.created ?? 0],
          [t('maintenance.completed'), report?.workOrders.completed ?? 0],
          [t('maintenance.breached'), report?.workOrders.breached ?? 0],
          [t('maintenance.mtta'), minutes(report?.workOrders.mttaMinutes)],
          [t('maintenance.mttr'), minutes(report?.workOrders.mttrMinutes)],
        ].map(([title, value]) => (
          <Col key={String(title)} xs={12} md={8} lg={4}>
            <Card size="small">
              <Statistic title={title} value={value} />
            </Card>
          </Col>
        ))}
      </Row>
      <Card size="small" title={t('maintenance.downtimeByCategory')} extra={<CsvLink table="category" from={from} to={to} />}>
        <EChart
          testId="downtime-chart"
          option={{
            tooltip: {},
            grid: { left: 100, right: 16, top: 8, bottom: 24 },
            xAxis: { type: 'value' },
            yAxis: {
              type: 'category',
              data: (report?.downtimeByCategory ?? []).map((c) => (isKnownCategory(c.category) ? t(`maintenance.category.${c.category}`) : c.category)),
            },
            series: [{ type: 'bar', data: (report?.downtimeByCategory ?? []).map((c) => c.hours) }],
          }}
        />
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('maintenance.downtimeByRegion')} extra={<CsvLink table="region" from={from} to={to} />}>
            <Table
              size="small"
              rowKey="regionId"
              pagination={false}
              dataSource={report?.downtimeByRegion ?? []}
              columns={[
                { title: t('maintenance.region'), dataIndex: 'regionName' },
                { title: t('maintenance.hours'), dataIndex: 'hours' },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('maintenance.downtimeByStore')} extra={<CsvLink table="store" from={from} to={to} />}>
            <Table
              size="small"
              rowKey="storeId"
              pagination={{ pageSize: 10 }}
              dataSource={report?.downtimeByStore ?? []}
              columns={[
                { title: t('maintenance.field.store'), dataIndex: 'storeName' },
                { title: t('maintenance.region'), dataIndex: 'regionName' },
                { title: t('maintenance.hours'), dataIndex: 'hours' },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
