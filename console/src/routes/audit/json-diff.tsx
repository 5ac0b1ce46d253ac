// Before and after of an audited change side by side, the changed keys highlighted.
import { Col, Row, Space, Switch, Typography, theme } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JsonValue } from '../../lib/api-types.ts';

function isRecord(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The top-level keys whose values differ between `before` and `after`. */
export function changedKeys(before: JsonValue, after: JsonValue): Set<string> {
  const a = isRecord(before) ? before : {};
  const b = isRecord(after) ? after : {};
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return new Set([...keys].filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key])));
}

function JsonPane({ title, value, changed, tone }: { title: string; value: JsonValue; changed: Set<string>; tone: 'before' | 'after' }) {
  const { token } = theme.useToken();
  const highlight = tone === 'before' ? token.colorErrorBg : token.colorSuccessBg;
  const pre = {
    margin: 0,
    padding: 8,
    fontSize: 12,
    fontFamily: token.fontFamilyCode,
    background: token.colorFillQuaternary,
    borderRadius: token.borderRadius,
    overflowX: 'auto' as const,
    whiteSpace: 'pre' as const,
  };
  return (
    <div data-testid={`audit-${tone}`}>
      <Typography.Text type="secondary">{title}</Typography.Text>
      {isRecord(value) ? (
        <pre style={pre}>
          {'{\n'}
          {Object.entries(value).map(([key, entry], index, all) => (
            <span key={key} data-changed={changed.has(key) || undefined} style={{ display: 'block', background: changed.has(key) ? highlight : undefined }}>
              {`  ${JSON.stringify(key)}: ${JSON.stringify(entry, null, 2).replaceAll('\n', '\n  ')}${index < all.length - 1 ? ',' : ''}`}
            </span>
          ))}
          {'}'}
        </pre>
      ) : (
        <pre style={pre}>{value === null ? '—' : JSON.stringify(value, null, 2)}</pre>
      )}
    </div>
  );
}

/** `value` with only the given top-level keys (a store's whole record hides its one changed field). */
function pick(value: JsonValue, keys: Set<string>): JsonValue {
  return isRecord(value) ? Object.fromEntries(Object.entries(value).filter(([key]) => keys.has(key))) : value;
}

/** The expanded row of an audit entry. */
export function JsonDiff({ before, after }: { before: JsonValue; after: JsonValue }) {
  const { t } = useTranslation();
  const changed = changedKeys(before, after);
  // An update shows just what changed unless asked for more; a creation or deletion shows it all.
  const isUpdate = isRecord(before) && isRecord(after) && changed.size > 0;
  const [onlyChanged, setOnlyChanged] = useState(isUpdate);
  const shown = (value: JsonValue) => (onlyChanged ? pick(value, changed) : value);
  return (
    <>
      {isUpdate && (
        <Space style={{ marginBottom: 8 }}>
          <Switch size="small" checked={onlyChanged} onChange={setOnlyChanged} data-testid="audit-only-changed" />
          <Typography.Text>{t('audit.onlyChanged', { count: changed.size })}</Typography.Text>
        </Space>
      )}
      <Row gutter={[12, 12]}>
        <Col xs={24} md={12}>
          <JsonPane title={t('audit.before')} value={shown(before)} changed={changed} tone="before" />
        </Col>
        <Col xs={24} md={12}>
          <JsonPane title={t('audit.after')} value={shown(after)} changed={changed} tone="after" />
        </Col>
      </Row>
    </>
  );
}
