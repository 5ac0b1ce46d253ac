// An event condition: the event's name, filters on its properties, how many times, and when (within / not within).
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Checkbox, Flex, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { type Condition, type CountOp, countOps, type PropertyFilter } from '../customer-types.ts';
import { commonEvents } from './condition-model.ts';
import { ValueTestInput } from './value-test-input.tsx';

type EventCondition = Extract<Condition, { type: 'event' }>;
type When = 'ever' | 'within' | 'not_within';

/** Edits one event condition. */
export function EventConditionEditor({ value, onChange }: { value: EventCondition; onChange: (next: EventCondition) => void }) {
  const { t } = useTranslation();
  const where = value.where ?? [];
  const when: When = value.withinDays ? 'within' : value.notWithinDays ? 'not_within' : 'ever';
  const days = value.withinDays ?? value.notWithinDays ?? 30;
  const setWhere = (next: PropertyFilter[]) => onChange({ ...value, where: next.length ? next : undefined });
  const setWhen = (next: When, n = days) => {
    const { withinDays: _w, notWithinDays: _n, ...rest } = value;
    onChange(next === 'within' ? { ...rest, withinDays: n } : next === 'not_within' ? { ...rest, notWithinDays: n } : rest);
  };

  return (
    <Space orientation="vertical" size={8} style={{ display: 'flex' }}>
      <AutoComplete
        value={value.event}
        onChange={(event: string) => onChange({ ...value, event })}
        options={commonEvents.map((e) => ({ value: e }))}
        placeholder={t('customers.builder.eventName')}
        style={{ width: '100%' }}
        data-testid="event-name"
      />
      {where.map((f, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: filters have no identity but their place
        <Flex key={index} gap={6} wrap align="center">
          <Input
            value={f.property}
            onChange={(e) => setWhere(where.map((x, k) => (k === index ? { ...x, property: e.target.value } : x)))}
            placeholder={t('customers.builder.property')}
            style={{ width: 150 }}
          />
          <ValueTestInput op={f.op} value={f.value} onChange={(test) => setWhere(where.map((x, k) => (k === index ? { property: x.property, ...test } : x)))} />
          <Button type="text" icon={<DeleteOutlined />} onClick={() => setWhere(where.filter((_x, k) => k !== index))} aria-label={t('common.delete')} />
        </Flex>
      ))}
      <Flex gap={8} wrap align="center">
        <Button size="small" icon={<PlusOutlined />} onClick={() => setWhere([...where, { property: '', op: 'eq', value: '' }])} disabled={where.length >= 10}>
          {t('customers.builder.addFilter')}
        </Button>
        <Checkbox
          checked={Boolean(value.count)}
          onChange={(e) => {
            const { count: _c, ...rest } = value;
            onChange(e.target.checked ? { ...rest, count: { op: 'gte', value: 2 } } : rest);
          }}
        >
          {t('customers.builder.countTest')}
        </Checkbox>
        {value.count && (
          <Space.Compact>
            <Select<CountOp>
              value={value.count.op}
              onChange={(op) => onChange({ ...value, count: { op, value: value.count?.value ?? 1 } })}
              options={countOps.map((o) => ({ value: o, label: t(`customers.op.${o}`) }))}
              style={{ width: 110 }}
            />
            <InputNumber
              min={0}
              value={value.count.value}
              onChange={(n) => onChange({ ...value, count: { op: value.count?.op ?? 'gte', value: n ?? 0 } })}
              style={{ width: 90 }}
            />
            <Typography.Text style={{ padding: '4px 8px' }}>{t('customers.builder.times')}</Typography.Text>
          </Space.Compact>
        )}
      </Flex>
      <Flex gap={8} wrap align="center">
        <Select<When>
          value={when}
          onChange={(next) => setWhen(next)}
          style={{ width: 190 }}
          options={[
            { value: 'ever', label: t('customers.builder.ever') },
            { value: 'within', label: t('customers.builder.within') },
            { value: 'not_within', label: t('customers.builder.notWithin') },
          ]}
          data-testid="event-when"
        />
        {when !== 'ever' && (
          <Space.Compact>
            <InputNumber min={1} max={3650} value={days} onChange={(n) => setWhen(when, n ?? 1)} style={{ width: 100 }} data-testid="event-days" />
            <Typography.Text style={{ padding: '4px 8px' }}>{t('customers.builder.days')}</Typography.Text>
          </Space.Compact>
        )}
      </Flex>
    </Space>
  );
}
