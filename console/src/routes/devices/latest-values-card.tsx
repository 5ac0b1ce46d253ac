// A device's latest value of every key, as tiles that flash when a live value arrives.
import { LineChartOutlined } from '@ant-design/icons';
import { Card, Empty, Typography, theme } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LatestValue } from '../../lib/api-types.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { useNow } from './device-status.tsx';
import { formatAgo, formatTimestamp, formatValue } from './value-format.ts';

/** Keys whose value changed since the last render, for a short highlight. */
function useChangedKeys(latest: readonly LatestValue[]): Set<string> {
  const previous = useRef(new Map<string, number>());
  const [changed, setChanged] = useState(new Set<string>());
  useEffect(() => {
    const next = new Set<string>();
    for (const value of latest) {
      const before = previous.current.get(value.key);
      if (before !== undefined && before !== value.ts) next.add(value.key);
    }
    previous.current = new Map(latest.map((value) => [value.key, value.ts]));
    if (next.size === 0) return;
    setChanged(next);
    const timer = setTimeout(() => setChanged(new Set()), 1500);
    return () => clearTimeout(timer);
  }, [latest]);
  return changed;
}

interface LatestValuesCardProps {
  latest: readonly LatestValue[];
  /** Keys drawn first (the profile's default chart keys). */
  featured?: readonly string[];
  onChart?: (key: string) => void;
}

/** The latest values card of the device page. */
export function LatestValuesCard({ latest, featured = [], onChart }: LatestValuesCardProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const now = useNow(5000);
  const { token } = theme.useToken();
  const changed = useChangedKeys(latest);
  const rank = (key: string) => (featured.includes(key) ? featured.indexOf(key) : featured.length);
  const ordered = [...latest].sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key));

  return (
    <Card title={t('telemetry.latest')} data-testid="latest-values">
      {ordered.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('telemetry.noData')} />
      ) : (
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(150px, 1fr))', gap: 10 }}>
          {ordered.map((value) => (
            <div
              key={value.key}
              data-testid="latest-value"
              data-key={value.key}
              style={{
                border: `1px solid ${changed.has(value.key) ? token.colorPrimary : token.colorBorderSecondary}`,
                background: changed.has(value.key) ? token.colorPrimaryBg : undefined,
                borderRadius: token.borderRadius,
                padding: '8px 10px',
                transition: 'background 0.6s, border-color 0.6s',
                minWidth: 0,
              }}
            >
              <div style={{ display: 'flex', justifyContent: 'space-between', gap: 4 }}>
                <Typography.Text type="secondary" ellipsis style={{ fontSize: 12 }}>
                  {value.key}
                </Typography.Text>
                {onChart && typeof value.value === 'number' && (
                  <LineChartOutlined
                    role="button"
                    aria-label={t('telemetry.chartKey', { key: value.key })}
                    style={{ color: token.colorPrimary, cursor: 'pointer' }}
                    onClick={() => onChart(value.key)}
                  />
                )}
              </div>
              <Typography.Text strong style={{ fontSize: 20, display: 'block', wordBreak: 'break-all' }} data-testid="latest-value-text">
                {formatValue(value.value, language)}
              </Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }} title={formatTimestamp(value.ts, language)}>
                {formatAgo(value.ts, language, now)}
              </Typography.Text>
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}
