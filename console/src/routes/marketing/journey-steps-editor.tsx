// A journey's steps as an ordered list; a branch holds its yes and no paths as nested lists, which join again after
// it. Each step shows how many people are at it now and what came of it for those who ran it.
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Dropdown, Flex, Input, InputNumber, Radio, Select, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Channel, SegmentOption, Template } from './marketing-types.ts';
import {
  type ConditionOp,
  conditionOps,
  type Duration,
  type JourneyCondition,
  type JourneyCounts,
  type JourneyStep,
  type StepType,
  stepTypes,
} from './journey-types.ts';

/** What every step of the tree needs to draw itself. */
export interface StepsContext {
  channels: Channel[];
  templates: Template[];
  segments: SegmentOption[];
  counts: Map<string, JourneyCounts['steps'][number]>;
  readOnly: boolean;
  newId: () => string;
}

/** Every step id in a tree. */
export function stepIds(steps: JourneyStep[]): string[] {
  return steps.flatMap((s) => (s.type === 'branch' ? [s.id, ...stepIds(s.yes), ...stepIds(s.no)] : [s.id]));
}

function newStep(type: StepType, id: string, ctx: StepsContext): JourneyStep {
  switch (type) {
    case 'wait':
      return { id, type, duration: { amount: 1, unit: 'days' } };
    case 'branch':
      return { id, type, condition: { kind: 'trait', trait: '', op: 'eq', value: '' }, yes: [], no: [] };
    case 'send':
      return { id, type, channelId: ctx.channels[0]?.id ?? '', templateId: ctx.templates[0]?.id ?? '' };
    case 'set_trait':
      return { id, type, trait: '', value: '' };
    case 'exit':
      return { id, type };
  }
}

/** A span of time: an amount and its unit. */
export function DurationInput({ value, onChange, disabled }: { value: Duration; onChange: (d: Duration) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  return (
    <Space.Compact>
      <InputNumber min={1} value={value.amount} disabled={disabled} onChange={(v) => onChange({ ...value, amount: Number(v ?? 1) })} style={{ width: 90 }} />
      <Select
        value={value.unit}
        disabled={disabled}
        onChange={(unit) => onChange({ ...value, unit })}
        style={{ width: 110 }}
        options={(['minutes', 'hours', 'days'] as const).map((u) => ({ value: u, label: t(`journeys.unit.${u}`) }))}
      />
    </Space.Compact>
  );
}

/** An operator and, unless it tests presence, a value. */
function OpValue({
  op,
  value,
  onChange,
  disabled,
}: {
  op: ConditionOp;
  value: unknown;
  onChange: (op: ConditionOp, value: string) => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Select
        value={op}
        disabled={disabled}
        style={{ minWidth: 120 }}
        onChange={(o) => onChange(o, String(value ?? ''))}
        options={conditionOps.map((o) => ({ value: o, label: t(`journeys.op.${o}`) }))}
      />
      {op !== 'exists' && op !== 'not_exists' && (
        <Input
          value={String(value ?? '')}
          disabled={disabled}
          placeholder={t('journeys.value')}
          style={{ maxWidth: 200 }}
          onChange={(e) => onChange(op, e.target.value)}
        />
      )}
    </>
  );
}

function ConditionEditor({ value, onChange, ctx }: { value: JourneyCondition; onChange: (c: JourneyCondition) => void; ctx: StepsContext }) {
  const { t } = useTranslation();
  const kinds = ['trait', 'computed_trait', 'segment', 'event_since_entry'] as const;
  const reset = (kind: (typeof kinds)[number]): JourneyCondition =>
    kind === 'trait'
      ? { kind, trait: '', op: 'eq', value: '' }
      : kind === 'computed_trait'
        ? { kind, key: '', op: 'eq', value: '' }
        : kind === 'segment'
          ? { kind, segmentId: ctx.segments[0]?.id ?? '', member: true }
          : { kind, event: 'Order Completed' };
  return (
    <Flex wrap gap={8} align="center">
      <Select
        value={value.kind}
        disabled={ctx.readOnly}
        style={{ minWidth: 170 }}
        onChange={(k) => onChange(reset(k))}
        options={kinds.map((k) => ({ value: k, label: t(`journeys.condition.${k}`) }))}
      />
      {value.kind === 'trait' && (
        <>
          <Input
            value={value.trait}
            disabled={ctx.readOnly}
            placeholder={t('journeys.traitName')}
            style={{ maxWidth: 160 }}
            onChange={(e) => onChange({ ...value, trait: e.target.value })}
          />
          <OpValue op={value.op} value={value.value} disabled={ctx.readOnly} onChange={(op, v) => onChange({ ...value, op, value: v })} />
        </>
      )}
      {value.kind === 'computed_trait' && (
        <>
          <Input
            value={value.key}
            disabled={ctx.readOnly}
            placeholder={t('journeys.computedKey')}
            style={{ maxWidth: 160 }}
            onChange={(e) => onChange({ ...value, key: e.target.value })}
          />
          <OpValue op={value.op} value={value.value} disabled={ctx.readOnly} onChange={(op, v) => onChange({ ...value, op, value: v })} />
        </>
      )}
      {value.kind === 'segment' && (
        <>
          <Select
            value={value.member}
            disabled={ctx.readOnly}
            style={{ minWidth: 110 }}
            onChange={(member) => onChange({ ...value, member })}
            options={[
              { value: true, label: t('journeys.inSegment') },
              { value: false, label: t('journeys.notInSegment') },
            ]}
          />
          <Select
            value={value.segmentId || undefined}
            disabled={ctx.readOnly}
            style={{ minWidth: 180 }}
            placeholder={t('journeys.segment')}
            onChange={(segmentId) => onChange({ ...value, segmentId })}
            options={ctx.segments.map((s) => ({ value: s.id, label: s.name }))}
          />
        </>
      )}
      {value.kind === 'event_since_entry' && (
        <Input
          value={value.event}
          disabled={ctx.readOnly}
          placeholder={t('journeys.eventName')}
          style={{ maxWidth: 220 }}
          onChange={(e) => onChange({ ...value, event: e.target.value })}
        />
      )}
    </Flex>
  );
}

function StepFields({ step, onChange, ctx }: { step: JourneyStep; onChange: (s: JourneyStep) => void; ctx: StepsContext }) {
  const { t } = useTranslation();
  const ro = ctx.readOnly;
  switch (step.type) {
    case 'wait':
      return (
        <Flex wrap gap={8} align="center">
          <Radio.Group
            value={step.untilTime !== undefined ? 'time' : 'duration'}
            disabled={ro}
            onChange={(e) =>
              onChange(
                e.target.value === 'time'
                  ? { id: step.id, type: 'wait', untilTime: '10:00' }
                  : { id: step.id, type: 'wait', duration: { amount: 1, unit: 'days' } },
              )
            }
            options={[
              { value: 'duration', label: t('journeys.waitFor') },
              { value: 'time', label: t('journeys.waitUntil') },
            ]}
          />
          {step.untilTime !== undefined ? (
            <Input
              value={step.untilTime}
              disabled={ro}
              style={{ width: 90 }}
              placeholder="HH:MM"
              onChange={(e) => onChange({ ...step, untilTime: e.target.value })}
            />
          ) : (
            <DurationInput value={step.duration ?? { amount: 1, unit: 'days' }} disabled={ro} onChange={(duration) => onChange({ ...step, duration })} />
          )}
        </Flex>
      );
    case 'send':
      return (
        <Flex wrap gap={8}>
          <Select
            value={step.channelId || undefined}
            disabled={ro}
            placeholder={t('journeys.channel')}
            style={{ minWidth: 160 }}
            onChange={(channelId) => onChange({ ...step, channelId })}
            options={ctx.channels.map((c) => ({ value: c.id, label: `${c.name} (${c.kind})` }))}
          />
          <Select
            value={step.templateId || undefined}
            disabled={ro}
            placeholder={t('journeys.template')}
            style={{ minWidth: 160 }}
            onChange={(templateId) => onChange({ ...step, templateId })}
            options={ctx.templates.map((tpl) => ({ value: tpl.id, label: tpl.name }))}
          />
        </Flex>
      );
    case 'set_trait':
      return (
        <Flex wrap gap={8}>
          <Input
            value={step.trait}
            disabled={ro}
            placeholder={t('journeys.traitName')}
            style={{ maxWidth: 180 }}
            onChange={(e) => onChange({ ...step, trait: e.target.value })}
          />
          <Input
            value={String(step.value ?? '')}
            disabled={ro}
            placeholder={t('journeys.value')}
            style={{ maxWidth: 180 }}
            onChange={(e) => onChange({ ...step, value: e.target.value })}
          />
        </Flex>
      );
    case 'branch':
      return <ConditionEditor value={step.condition} ctx={ctx} onChange={(condition) => onChange({ ...step, condition })} />;
    case 'exit':
      return <Typography.Text type="secondary">{t('journeys.exitHint')}</Typography.Text>;
  }
}

function StepCounts({ stepId, ctx }: { stepId: string; ctx: StepsContext }) {
  const { t } = useTranslation();
  const c = ctx.counts.get(stepId);
  if (!c) return null;
  return (
    <Flex wrap gap={4} data-testid={`journey-step-counts-${stepId}`}>
      <Tag color="blue">{t('journeys.atStepNow', { count: c.now })}</Tag>
      {Object.entries(c.outcomes).map(([o, n]) => (
        <Tag key={o}>{`${t(`journeys.outcome.${o}`, { defaultValue: o })} ${n}`}</Tag>
      ))}
    </Flex>
  );
}

function AddStep({ onAdd, ctx }: { onAdd: (s: JourneyStep) => void; ctx: StepsContext }) {
  const { t } = useTranslation();
  if (ctx.readOnly) return null;
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: stepTypes.map((s) => ({ key: s, label: t(`journeys.stepType.${s}`) })),
        onClick: ({ key }) => onAdd(newStep(key as StepType, ctx.newId(), ctx)),
      }}
    >
      <Button size="small" type="dashed" icon={<PlusOutlined />} data-testid="journey-add-step">
        {t('journeys.addStep')}
      </Button>
    </Dropdown>
  );
}

/** An ordered list of steps (the journey's, or one path of a branch). */
export function StepList({ steps, onChange, ctx }: { steps: JourneyStep[]; onChange: (s: JourneyStep[]) => void; ctx: StepsContext }) {
  const { t } = useTranslation();
  const set = (i: number, s: JourneyStep) => onChange(steps.map((x, k) => (k === i ? s : x)));
  const move = (i: number, by: number) => {
    const next = [...steps];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    onChange(next);
  };
  return (
    <Space orientation="vertical" size={8} style={{ display: 'flex' }}>
      {steps.map((step, i) => (
        <Card
          key={step.id}
          size="small"
          data-testid={`journey-step-${step.id}`}
          title={
            <Flex wrap gap={8} align="center">
              <Tag>{`${i + 1}`}</Tag>
              <Select
                size="small"
                value={step.type}
                disabled={ctx.readOnly}
                style={{ minWidth: 120 }}
                onChange={(type) => set(i, newStep(type, step.id, ctx))}
                options={stepTypes.map((s) => ({ value: s, label: t(`journeys.stepType.${s}`) }))}
              />
              <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
                {step.id}
              </Typography.Text>
            </Flex>
          }
          extra={
            !ctx.readOnly && (
              <Space size={0}>
                <Button size="small" type="text" icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('journeys.moveUp')} />
                <Button
                  size="small"
                  type="text"
                  icon={<ArrowDownOutlined />}
                  disabled={i === steps.length - 1}
                  onClick={() => move(i, 1)}
                  aria-label={t('journeys.moveDown')}
                />
                <Button
                  size="small"
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  onClick={() => onChange(steps.filter((_, k) => k !== i))}
                  aria-label={t('journeys.removeStep')}
                />
              </Space>
            )
          }
        >
          <Space orientation="vertical" size={8} style={{ display: 'flex' }}>
            <StepFields step={step} ctx={ctx} onChange={(s) => set(i, s)} />
            <StepCounts stepId={step.id} ctx={ctx} />
            {step.type === 'branch' &&
              (['yes', 'no'] as const).map((path) => (
                <div key={path} style={{ borderLeft: `3px solid ${path === 'yes' ? '#52c41a' : '#faad14'}`, paddingLeft: 8 }}>
                  <Typography.Text strong>{t(`journeys.path.${path}`)}</Typography.Text>
                  <StepList steps={step[path]} ctx={ctx} onChange={(list) => set(i, { ...step, [path]: list })} />
                </div>
              ))}
          </Space>
        </Card>
      ))}
      <AddStep ctx={ctx} onAdd={(s) => onChange([...steps, s])} />
    </Space>
  );
}
