// A person's RFM scores (1–5), the measures behind them, and lifetime value.
import { Card, Descriptions, Flex, Progress, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../lib/date-format.ts';
import { useLanguage } from '../../../lib/i18n.ts';
import { formatMoney } from '../customer-labels.tsx';
import type { Rfm } from '../customer-types.ts';

function Score({ label, score, color }: { label: string; score: number | null; color: string }) {
  return (
    <Flex vertical align="center" gap={4} style={{ minWidth: 72 }}>
      <Progress type="circle" size={64} percent={score === null ? 0 : score * 20} strokeColor={color} format={() => (score === null ? '—' : String(score))} />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {label}
      </Typography.Text>
    </Flex>
  );
}

/** The RFM card of a person. */
export function RfmCard({ rfm }: { rfm: Rfm }) {
  const { t } = useTranslation();
  const language = useLanguage();
  return (
    <Card title={t('customers.rfm.title')} extra={rfm.score && <Tag color="blue" data-testid="rfm-score">{`RFM ${rfm.score}`}</Tag>} data-testid="profile-rfm">
      <Flex justify="space-around" wrap gap={12}>
        <Score label={t('customers.rfm.recency')} score={rfm.recency} color="#1677ff" />
        <Score label={t('customers.rfm.frequency')} score={rfm.frequency} color="#52c41a" />
        <Score label={t('customers.rfm.monetary')} score={rfm.monetary} color="#fa8c16" />
      </Flex>
      <Descriptions column={{ xs: 1, sm: 2 }} size="small" style={{ marginTop: 16 }}>
        <Descriptions.Item label={t('customers.rfm.lifetimeValue')}>
          <span data-testid="profile-ltv">{formatMoney(rfm.lifetimeValue, language)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('customers.rfm.lifetimeOrders')}>{rfm.lifetimeOrders}</Descriptions.Item>
        <Descriptions.Item label={t('customers.rfm.lastOrder')}>{formatDateTime(rfm.lastOrderAt, language)}</Descriptions.Item>
        <Descriptions.Item label={t('customers.rfm.inWindow')}>
          {t('customers.rfm.windowValue', { orders: rfm.ordersInWindow, revenue: formatMoney(rfm.revenueInWindow, language) })}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
