// One condition of a rule: its expression and how long or how often it must hold.
import { Checkbox, Flex, InputNumber, Segmented, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RuleCondition, RuleSpec, TimeUnit } from '../../lib/api-types.ts';
import { ExpressionEditor } from './expression-builder.tsx';

const timeUnits: readonly TimeUnit[] = ['seconds', 'minutes', 'hours', 'days'];

function UnitSelect({ value, onChange }: { value: TimeUnit; onChange: (unit: TimeUnit) => void }) {
  const { t } = useTranslation();
  return (
    <Select<TimeUnit>
      value={value}
      onChange={onChange}
      style={{ width: 96 }}
      options={timeUnits.map((unit) => ({ value: unit, label: t(`rules.unit.${unit}`) }))}
    />
  );
}

/** simple / duration ("for 10 minutes") / repeating ("5 times, within 10 minutes"). */
function SpecEditor({ value, onChange }: { value: RuleSpec | undefined; onChange: (next: RuleSpec | undefined) => void }) {
  const { t } = useTranslation();
  const spec = value ?? { type: 'simple' as const };
  return (
    <Flex wrap gap={8} align="center" data-testid="rule-spec">
      <Segmented<RuleSpec['type']>
        size="small"
        value={spec.type}
        onChange={(type) => {
          if (type === 'simple') onChange(undefined);
          if (type === 'duration') onChange({ type, value: 10, unit: 'minutes' });
          if (type === 'repeating') onChange({ type, count: 5 });
        }}
        options={(['simple', 'duration', 'repeating'] as const).map((type) => ({ value: type, label: t(`rules.spec.${type}`) }))}
        data-testid="rule-spec-type"
      />
      {spec.type === 'duration' && (
        <Space size={4}>
          <Typography.Text>{t('rules.spec.heldFor')}</Typography.Text>
          <InputNumber min={0.001} value={spec.value} onChange={(next) => onChange({ ...spec, value: next ?? 1 })} style={{ width: 80 }} />
          <UnitSelect value={spec.unit} onChange={(unit) => onChange({ ...spec, unit })} />
        </Space>
      )}
      {spec.type === 'repeating' && (
        <Space size={4} wrap>
          <InputNumber
            min={1}
            max={10_000}
            precision={0}
            value={spec.count}
            onChange={(next) => onChange({ ...spec, count: next ?? 1 })}
            style={{ width: 80 }}
          />
          <Typography.Text>{t('rules.spec.times')}</Typography.Text>
          <Checkbox
            checked={spec.within !== undefined}
            onChange={(event) =>
              onChange(event.target.checked ? { ...spec, within: { value: 10, unit: 'minutes' } } : { type: 'repeating', count: spec.count })
            }
          >
            {t('rules.spec.within')}
          </Checkbox>
          {spec.within && (
            <>
              <InputNumber
                min={0.001}
                value={spec.within.value}
                onChange={(next) => onChange({ ...spec, within: { value: next ?? 1, unit: spec.within?.unit ?? 'minutes' } })}
                style={{ width: 80 }}
              />
              <UnitSelect value={spec.within.unit} onChange={(unit) => onChange({ ...spec, within: { value: spec.within?.value ?? 1, unit } })} />
            </>
          )}
          {!spec.within && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('rules.spec.consecutive')}
            </Typography.Text>
          )}
        </Space>
      )}
    </Flex>
  );
}

/** A condition's expression and spec. */
export function ConditionEditor({
  value,
  onChange,
  keySuggestions,
}: {
  value: RuleCondition;
  onChange: (next: RuleCondition) => void;
  keySuggestions: readonly string[];
}) {
  return (
    <Space orientation="vertical" size={8} style={{ display: 'flex' }}>
      <ExpressionEditor value={value.expression} onChange={(expression) => onChange({ ...value, expression })} keySuggestions={keySuggestions} />
      <SpecEditor
        value={value.spec}
        onChange={(spec) => {
          const { spec: _old, ...rest } = value;
          onChange(spec ? { ...rest, spec } : rest);
        }}
      />
    </Space>
  );
}
