// A definition in words, as a nested list: what a marketer reads instead of JSON.
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { formatValue } from '../customer-labels.tsx';
import type { Condition, FilterValue, ValueOp } from '../customer-types.ts';

function test(t: TFunction, op: ValueOp, value: FilterValue | undefined): string {
  const shown = Array.isArray(value) ? value.join(', ') : formatValue(value);
  return op === 'exists' || op === 'not_exists' ? t(`customers.op.${op}`) : `${t(`customers.op.${op}`)} ${shown}`;
}

/** One leaf in words. */
export function describeLeaf(t: TFunction, c: Condition): string {
  switch (c.type) {
    case 'trait':
      return `${t('customers.conditionType.trait')} ${c.trait} ${test(t, c.op, c.value)}`;
    case 'computed_trait':
      return `${t('customers.conditionType.computed_trait')} ${c.key} ${test(t, c.op, c.value)}`;
    case 'rfm':
      return `${t(`customers.rfmMetric.${c.metric}`)} ${t(`customers.op.${c.op}`)} ${c.value}`;
    case 'event': {
      const parts = [c.event];
      for (const f of c.where ?? []) parts.push(`${f.property} ${test(t, f.op, f.value)}`);
      if (c.count) parts.push(`${t(`customers.op.${c.count.op}`)} ${c.count.value} ${t('customers.builder.times')}`);
      if (c.withinDays) parts.push(`${t('customers.builder.within')} ${c.withinDays} ${t('customers.builder.days')}`);
      if (c.notWithinDays) parts.push(`${t('customers.builder.notWithin')} ${c.notWithinDays} ${t('customers.builder.days')}`);
      return parts.join(' · ');
    }
    case 'store':
      return `${t(`customers.builder.${c.activity}`)} ${c.orgUnitId}${c.withinDays ? ` · ${t('customers.builder.within')} ${c.withinDays} ${t('customers.builder.days')}` : ''}`;
    case 'consent':
      return `${t('customers.conditionType.consent')} ${c.purpose} ${c.channel ?? '*'} ${c.granted ? t('customers.builder.granted') : t('customers.builder.withdrawn')}`;
    case 'segment':
      return `${c.member === false ? t('customers.builder.notInSegment') : t('customers.builder.inSegment')} ${c.segmentId}`;
    default:
      return '';
  }
}

/** The definition as a nested list. */
export function ConditionSummary({ value }: { value: Condition }) {
  const { t } = useTranslation();
  if (value.type === 'and' || value.type === 'or') {
    return (
      <div>
        <strong>{value.type === 'and' ? t('customers.builder.all') : t('customers.builder.any')}</strong>
        <ul style={{ margin: '4px 0', paddingInlineStart: 20 }}>
          {value.conditions.map((c, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity but their place
            <li key={index}>
              <ConditionSummary value={c} />
            </li>
          ))}
        </ul>
      </div>
    );
  }
  if (value.type === 'not') {
    return (
      <div>
        <strong>{t('customers.builder.not')}</strong> <ConditionSummary value={value.condition} />
      </div>
    );
  }
  return <span>{describeLeaf(t, value)}</span>;
}
