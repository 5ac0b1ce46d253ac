// A deletion receipt: when, by whom, how many rows per table and identifiers per type (never the values), what was kept.
import { Descriptions, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../lib/date-format.ts';
import { useLanguage } from '../../../lib/i18n.ts';
import { identifierLabel } from '../customer-labels.tsx';

const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The receipt of a completed deletion. */
export function ReceiptView({ receipt }: { receipt: Record<string, unknown> }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const rows = Object.entries(record(receipt.rows)).filter(([, n]) => Number(n) > 0);
  const identifiers = Object.entries(record(receipt.identifiers));
  const kept = Array.isArray(receipt.kept) ? receipt.kept.map(String) : [];
  return (
    <Descriptions column={1} size="small" bordered data-testid="privacy-receipt">
      <Descriptions.Item label={t('customers.privacy.deletedAt')}>{formatDateTime(String(receipt.deletedAt ?? ''), language)}</Descriptions.Item>
      <Descriptions.Item label={t('customers.privacy.deletedBy')}>{String(receipt.deletedBy ?? '—')}</Descriptions.Item>
      <Descriptions.Item label={t('customers.privacy.profiles')}>{String(receipt.profiles ?? 0)}</Descriptions.Item>
      <Descriptions.Item label={t('customers.privacy.identifiers')}>
        {identifiers.length === 0 ? '—' : identifiers.map(([type, n]) => <Tag key={type}>{`${identifierLabel(t, type)} × ${n}`}</Tag>)}
      </Descriptions.Item>
      <Descriptions.Item label={t('customers.privacy.rows')}>
        {rows.length === 0
          ? '—'
          : rows.map(([table, n]) => (
              <div key={table}>
                <Typography.Text code>{table}</Typography.Text> {String(n)}
              </div>
            ))}
      </Descriptions.Item>
      <Descriptions.Item label={t('customers.privacy.suppressed')}>
        {receipt.suppressed ? t('customers.consent.yes') : t('customers.consent.no')}
      </Descriptions.Item>
      <Descriptions.Item label={t('customers.privacy.kept')}>
        {kept.map((k) => (
          <div key={k}>
            <Typography.Text type="secondary">{k}</Typography.Text>
          </div>
        ))}
      </Descriptions.Item>
    </Descriptions>
  );
}
