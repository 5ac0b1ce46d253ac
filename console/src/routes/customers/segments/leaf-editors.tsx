// The editors of the other conditions: trait, computed trait, RFM, store, consent and other segment.
import { AutoComplete, Flex, InputNumber, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { OrgUnitSelect } from '../../../components/org-unit-select.tsx';
import { useComputedTraits } from '../computed-traits/computed-trait-queries.ts';
import { type CompareOp, type Condition, rfmMetrics } from '../customer-types.ts';
import { consentChannels, consentPurposes } from '../profiles/consent-card.tsx';
import { commonTraits } from './condition-model.ts';
import { useSegments } from './segment-queries.ts';
import { ValueTestInput } from './value-test-input.tsx';

type Of<T extends Condition['type']> = Extract<Condition, { type: T }>;
interface EditorProps<T extends Condition['type']> {
  value: Of<T>;
  onChange: (next: Of<T>) => void;
}

const compareOps: CompareOp[] = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'];

/** A trait's value: `city eq 上海`. */
export function TraitEditor({ value, onChange }: EditorProps<'trait'>) {
  const { t } = useTranslation();
  return (
    <Flex gap={6} wrap>
      <AutoComplete
        value={value.trait}
        onChange={(trait: string) => onChange({ ...value, trait })}
        options={commonTraits.map((x) => ({ value: x }))}
        placeholder={t('customers.builder.trait')}
        style={{ width: 150 }}
        data-testid="trait-name"
      />
      <ValueTestInput op={value.op} value={value.value} onChange={(test) => onChange({ type: 'trait', trait: value.trait, ...test })} />
    </Flex>
  );
}

/** A computed trait's value: `fridge_spend_90d gte 5000`. */
export function ComputedTraitEditor({ value, onChange }: EditorProps<'computed_trait'>) {
  const { t } = useTranslation();
  const traits = useComputedTraits();
  return (
    <Flex gap={6} wrap>
      <Select
        value={value.key || undefined}
        onChange={(key: string) => onChange({ ...value, key })}
        loading={traits.isPending}
        placeholder={t('customers.builder.computedTrait')}
        style={{ width: 190 }}
        popupMatchSelectWidth={false}
        options={(traits.data ?? []).map((x) => ({ value: x.key, label: `${x.name} (${x.key})` }))}
        notFoundContent={t('customers.traits.noComputed')}
      />
      <ValueTestInput op={value.op} value={value.value} onChange={(test) => onChange({ type: 'computed_trait', key: value.key, ...test })} />
    </Flex>
  );
}

/** An RFM score or measure: `m gte 4`, `lifetime_value gt 10000`. */
export function RfmEditor({ value, onChange }: EditorProps<'rfm'>) {
  const { t } = useTranslation();
  return (
    <Space.Compact>
      <Select
        value={value.metric}
        onChange={(metric) => onChange({ ...value, metric })}
        style={{ width: 170 }}
        popupMatchSelectWidth={false}
        options={rfmMetrics.map((m) => ({ value: m, label: t(`customers.rfmMetric.${m}`) }))}
      />
      <Select<CompareOp>
        value={value.op}
        onChange={(op) => onChange({ ...value, op })}
        style={{ width: 110 }}
        options={compareOps.map((o) => ({ value: o, label: t(`customers.op.${o}`) }))}
      />
      <InputNumber value={value.value} onChange={(n) => onChange({ ...value, value: n ?? 0 })} style={{ width: 110 }} />
    </Space.Compact>
  );
}

/** Visited or bought at a store of an org unit (a store, a region, a BU), optionally within N days. */
export function StoreEditor({ value, onChange }: EditorProps<'store'>) {
  const { t } = useTranslation();
  return (
    <Flex gap={6} wrap align="center">
      <Select
        value={value.activity}
        onChange={(activity) => onChange({ ...value, activity })}
        style={{ width: 120 }}
        options={[
          { value: 'purchased', label: t('customers.builder.purchased') },
          { value: 'visited', label: t('customers.builder.visited') },
        ]}
      />
      <OrgUnitSelect
        value={value.orgUnitId || undefined}
        onChange={(orgUnitId) => onChange({ ...value, orgUnitId: orgUnitId ?? '' })}
        placeholder={t('customers.builder.orgUnit')}
        style={{ width: 220 }}
      />
      <Space.Compact>
        <InputNumber
          min={1}
          max={3650}
          value={value.withinDays ?? null}
          placeholder={t('customers.builder.anyTime')}
          onChange={(n) => {
            const { withinDays: _w, ...rest } = value;
            onChange(n ? { ...rest, withinDays: n } : rest);
          }}
          style={{ width: 110 }}
        />
        <Typography.Text style={{ padding: '4px 8px' }}>{t('customers.builder.days')}</Typography.Text>
      </Space.Compact>
    </Flex>
  );
}

/** Consent given (or withdrawn) for a purpose on a channel. */
export function ConsentEditor({ value, onChange }: EditorProps<'consent'>) {
  const { t } = useTranslation();
  return (
    <Flex gap={6} wrap>
      <AutoComplete
        value={value.purpose}
        onChange={(purpose: string) => onChange({ ...value, purpose })}
        options={consentPurposes.map((p) => ({ value: p }))}
        style={{ width: 150 }}
        placeholder={t('customers.consent.purpose')}
      />
      <Select
        value={value.channel ?? '*'}
        onChange={(channel: string) => onChange({ ...value, channel })}
        style={{ width: 130 }}
        options={consentChannels.map((c) => ({ value: c, label: c === '*' ? t('customers.consent.everyChannel') : c }))}
      />
      <Select<'yes' | 'no'>
        value={value.granted ? 'yes' : 'no'}
        onChange={(granted) => onChange({ ...value, granted: granted === 'yes' })}
        style={{ width: 120 }}
        options={[
          { value: 'yes', label: t('customers.builder.granted') },
          { value: 'no', label: t('customers.builder.withdrawn') },
        ]}
      />
    </Flex>
  );
}

/** In (or not in) another segment. */
export function SegmentRefEditor({ value, onChange, selfId }: EditorProps<'segment'> & { selfId?: string }) {
  const { t } = useTranslation();
  const segments = useSegments();
  return (
    <Flex gap={6} wrap>
      <Select<'in' | 'out'>
        value={value.member === false ? 'out' : 'in'}
        onChange={(member) => onChange({ ...value, member: member === 'in' })}
        style={{ width: 110 }}
        options={[
          { value: 'in', label: t('customers.builder.inSegment') },
          { value: 'out', label: t('customers.builder.notInSegment') },
        ]}
      />
      <Select
        value={value.segmentId || undefined}
        onChange={(segmentId: string) => onChange({ ...value, segmentId })}
        loading={segments.isPending}
        placeholder={t('customers.builder.segment')}
        style={{ width: 220 }}
        showSearch={{ optionFilterProp: 'label' }}
        options={(segments.data ?? []).filter((s) => s.id !== selfId).map((s) => ({ value: s.id, label: s.name }))}
      />
    </Flex>
  );
}
