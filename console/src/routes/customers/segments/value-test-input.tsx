// An operator and its value: a text, a number for comparisons, a list of values for `in`, nothing for exists.
import { Input, InputNumber, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { type FilterValue, type ValueOp, valueOps } from '../customer-types.ts';
import { isNumericOp, needsValue } from './condition-model.ts';

/** Keeps a value sensible for a new op: a number for comparisons, a list for `in`, one value otherwise. */
function valueFor(op: ValueOp, value: FilterValue | undefined): FilterValue | undefined {
  if (!needsValue(op)) return undefined;
  if (op === 'in') return Array.isArray(value) ? value : value === undefined || value === '' ? [] : [String(value)];
  const single = Array.isArray(value) ? value[0] : value;
  if (isNumericOp(op)) {
    const n = typeof single === 'number' ? single : Number(single);
    return Number.isFinite(n) && single !== '' && single !== undefined ? n : undefined;
  }
  return single === undefined ? '' : typeof single === 'boolean' ? String(single) : single;
}

/** Op and value of a trait, computed trait or property filter. */
export function ValueTestInput({
  op,
  value,
  onChange,
}: {
  op: ValueOp;
  value: FilterValue | undefined;
  onChange: (next: { op: ValueOp; value?: FilterValue }) => void;
}) {
  const { t } = useTranslation();
  return (
    <Space.Compact style={{ minWidth: 0, flex: 1 }}>
      <Select<ValueOp>
        value={op}
        onChange={(next) => onChange({ op: next, value: valueFor(next, value) })}
        style={{ width: 130 }}
        popupMatchSelectWidth={false}
        options={valueOps.map((o) => ({ value: o, label: t(`customers.op.${o}`) }))}
        data-testid="value-op"
      />
      {!needsValue(op) ? null : op === 'in' ? (
        <Select
          mode="tags"
          value={Array.isArray(value) ? value.map(String) : []}
          onChange={(next: string[]) => onChange({ op, value: next })}
          style={{ minWidth: 160, flex: 1 }}
          placeholder={t('customers.builder.values')}
          tokenSeparators={[',', '，']}
          open={false}
        />
      ) : isNumericOp(op) ? (
        <InputNumber
          value={typeof value === 'number' ? value : null}
          onChange={(next) => onChange({ op, value: next ?? undefined })}
          style={{ width: 140 }}
          placeholder="0"
          data-testid="value-number"
        />
      ) : (
        <Input
          value={typeof value === 'string' || typeof value === 'number' ? String(value) : ''}
          onChange={(event) => onChange({ op, value: event.target.value })}
          style={{ minWidth: 120, flex: 1 }}
          placeholder={t('customers.builder.value')}
          data-testid="value-text"
        />
      )}
    </Space.Compact>
  );
}
