// A campaign's results: the funnel (sent → delivered → clicked → converted) as a chart, revenue, the holdout lift with
// its 95 % interval, and each A/B variant against the first with its p-value.
import { Card, Col, Row, Statistic, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../components/echart.tsx';
import { useResults } from './marketing-queries.ts';

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

/** The results dashboard of one campaign. */
export function CampaignResults({ campaignId }: { campaignId: string }) {
  const { t } = useTranslation();
  const r = useResults(campaignId).data;
  if (!r) return null;
  const stages = [
    [t('marketing.funnel.planned'), r.total.planned - r.total.holdout],
    [t('marketing.funnel.sent'), r.total.sent],
    [t('marketing.funnel.delivered'), r.total.delivered],
    [t('marketing.funnel.clicked'), r.total.clicked],
    [t('marketing.funnel.converted'), r.total.converted],
  ] as const;
  return (
    <Row
      gutter={[16, 16]}
      data-testid="campaign-results"
      data-sent={r.total.sent}
      data-delivered={r.total.delivered}
      data-clicked={r.total.clicked}
      data-converted={r.total.converted}
    >
      <Col xs={24} lg={14}>
        <Card size="small" title={t('marketing.funnelTitle')}>
          <EChart
            testId="campaign-funnel"
            option={{
              tooltip: {},
              grid: { left: 90, right: 24, top: 8, bottom: 24 },
              xAxis: { type: 'value' },
              yAxis: { type: 'category', inverse: true, data: stages.map((s) => s[0]) },
              series: [{ type: 'bar', data: stages.map((s) => s[1]), label: { show: true, position: 'right' } }],
            }}
          />
        </Card>
      </Col>
      <Col xs={24} lg={10}>
        <Row gutter={[12, 12]}>
          <Col span={12}>
            <Card size="small">
              <Statistic title={t('marketing.revenue')} value={r.total.revenue} precision={2} />
            </Card>
          </Col>
          <Col span={12}>
            <Card size="small">
              <Statistic title={t('marketing.skipped')} value={r.total.skipped} />
            </Card>
          </Col>
          <Col span={12}>
            <Card size="small">
              <Statistic title={t('marketing.failed')} value={r.total.failed + r.total.bounced} />
            </Card>
          </Col>
          <Col span={12}>
            <Card size="small">
              <Statistic title={t('marketing.holdout')} value={r.control.size} />
            </Card>
          </Col>
          <Col span={24}>
            <Card size="small" title={t('marketing.lift')} data-testid="campaign-lift">
              {r.lift ? (
                <>
                  <Statistic
                    value={pct(r.lift.lift)}
                    suffix={r.lift.significant ? <Tag color="green">{t('marketing.significant')}</Tag> : <Tag>{t('marketing.notSignificant')}</Tag>}
                  />
                  <Typography.Text type="secondary">
                    {t('marketing.liftDetail', {
                      treatment: pct(r.lift.treatmentRate),
                      control: pct(r.lift.controlRate),
                      low: pct(r.lift.low),
                      high: pct(r.lift.high),
                    })}
                  </Typography.Text>
                </>
              ) : (
                <Typography.Text type="secondary">{t('marketing.noHoldout')}</Typography.Text>
              )}
            </Card>
          </Col>
        </Row>
      </Col>
      <Col span={24}>
        <Card size="small" title={t('marketing.variants')}>
          <Table
            size="small"
            rowKey="key"
            pagination={false}
            dataSource={r.variants}
            columns={[
              { title: t('marketing.variant'), dataIndex: 'key' },
              { title: t('marketing.funnel.sent'), dataIndex: 'sent' },
              { title: t('marketing.funnel.clicked'), dataIndex: 'clicked' },
              { title: t('marketing.funnel.converted'), dataIndex: 'converted' },
              { title: t('marketing.conversionRate'), dataIndex: 'conversionRate', render: pct },
              { title: t('marketing.revenue'), dataIndex: 'revenue', render: (v: number) => v.toFixed(2) },
              { title: t('marketing.pValue'), dataIndex: 'versusFirst', render: (v: { pValue: number } | null) => (v ? v.pValue.toFixed(4) : '—') },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}
