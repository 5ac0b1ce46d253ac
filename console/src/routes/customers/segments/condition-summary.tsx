// A definition in words, as a nested list: what a marketer reads instead of JSON.
import type { TFunction } from 'i18next';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../../../lib/i18n.ts';
import { orgUnitName, useOrgUnits } from '../../../lib/org-units.ts';
import { formatValue } from '../customer-labels.tsx';
import type { Condition, FilterValue, ValueOp } from '../customer-types.ts';

function test(t: TFunction, op: ValueOp, value: FilterValue | undefined): string {
  const shown = Array.isArray(value) ? value.join(', ') : formatValue(value);
  return op === 'exists' || op === 'not_exists' ? t(`customers.op.${op}`) : `${t(`customers.op.${op}`)} ${shown}`;
}

/** The name of an org unit by its id (the id itself when the caller cannot see the unit). */
export type UnitName = (orgUnitId: string) => string;

/** One leaf in words. */
export function describeLeaf(t: TFunction, c: Condition, unitName: UnitName = (id) => id): string {
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
      return `${t(`customers.builder.${c.activity}`)} ${unitName(c.orgUnitId)}${c.withinDays ? ` · ${t('customers.builder.within')} ${c.withinDays} ${t('customers.builder.days')}` : ''}`;
    case 'consent':
      return `${t('customers.conditionType.consent')} ${c.purpose} ${c.channel ?? '*'} ${c.granted ? t('customers.builder.granted') : t('customers.builder.withdrawn')}`;
    case 'segment':
      return `${c.member === false ? t('customers.builder.notInSegment') : t('customers.builder.inSegment')} ${c.segmentId}`;
    default:
      return '';
  }
}

/** The definition as a nested list; store conditions name their org unit. */
export function ConditionSummary({ value }: { value: Condition }) {
  const language = useLanguage();
  const units = useOrgUnits();
  const unitName = useMemo<UnitName>(() => {
    const byId = new Map((units.data ?? []).map((u) => [u.id, `${orgUnitName(u, language)} (${u.code})`]));
    return (id) => byId.get(id) ?? id;
  }, [units.data, language]);
  return <Summary value={value} unitName={unitName} />;
}

function Summary({ value, unitName }: { value: Condition; unitName: UnitName }) {
  const { t } = useTranslation();
  if (value.type === 'and' || value.type === 'or') {
    return (
      <div>
        <strong>{value.type === 'and' ? t('customers.builder.all') : t('customers.builder.any')}</strong>
        <ul style={{ margin: '4px 0', paddingInlineStart: 20 }}>
          {value.conditions.map((c, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity but their place
            <li key={index}>
              <Summary value={c} unitName={unitName} />
            </li>
          ))}
        </ul>
      </div>
    );
  }
  if (value.type === 'not') {
    return (
      <div>
        <strong>{t('customers.builder.not')}</strong> <Summary value={value.condition} unitName={unitName} />
      </div>
    );
  }
  return <span data-testid={value.type === 'store' ? 'condition-store' : undefined}>{describeLeaf(t, value, unitName)}</span>;
}
