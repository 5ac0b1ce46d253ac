// The journey editor: trigger (segment entry or exit, or an event with property conditions and an optional "did not
// do X within D"), re-entry rule, quiet hours and the steps; the moves its state allows; people per step; who is in it.
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { Button, Card, Col, Flex, Input, Radio, Row, Select, Space, Statistic, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/date-format.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { useAuth } from '../../lib/auth.tsx';
import { showError, showSuccess } from '../../lib/feedback.ts';
import { JourneyStatusTag } from './journey-list-page.tsx';
import { useJourney, useJourneyActions, useJourneyCounts, useJourneyEnrollments } from './journey-queries.ts';
import { DurationInput, StepList, type StepsContext, stepIds } from './journey-steps-editor.tsx';
import {
  conditionOps,
  type Enrollment,
  type Journey,
  type JourneyReentry,
  type JourneyStatus,
  type JourneyTrigger,
  type PropertyCondition,
  type TriggerKind,
} from './journey-types.ts';
import { useChannels, useSegmentOptions, useTemplates } from './marketing-queries.ts';

const routeApi = getRouteApi('/signed-in/marketing/journeys/$journeyId');

type Draft = Pick<Journey, 'name' | 'trigger' | 'steps' | 'reentry' | 'quietStart' | 'quietEnd'>;

const blank: Draft = {
  name: '',
  trigger: { kind: 'event', event: 'Product Viewed', where: [] },
  steps: [],
  reentry: { mode: 'once' },
  quietStart: '21:00',
  quietEnd: '09:00',
};

/** Why a person left, in words: the reasons the runner records (`did_event: <event>` names the event). */
function exitReasonText(t: TFunction, reason: string | null): string {
  if (!reason) return '';
  if (reason.startsWith('did_event: ')) return t('journeys.exitReasons.did_event', { event: reason.slice('did_event: '.length) });
  if (reason === 'exit_step' || reason === 'journey_archived' || reason === 'step_removed') return t(`journeys.exitReasons.${reason}`);
  return reason;
}

type Move = 'activate' | 'pause' | 'archive';
const movesFor: Record<JourneyStatus, Move[]> = { draft: ['activate', 'archive'], active: ['pause', 'archive'], paused: ['activate', 'archive'], archived: [] };

function WhereEditor({ where, onChange, disabled }: { where: PropertyCondition[]; onChange: (w: PropertyCondition[]) => void; disabled: boolean }) {
  const { t } = useTranslation();
  const set = (i: number, c: PropertyCondition) => onChange(where.map((x, k) => (k === i ? c : x)));
  return (
    <Space orientation="vertical" size={4} style={{ display: 'flex' }}>
      {where.map((c, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no id; their position is what identifies them
        <Flex key={i} wrap gap={8} align="center">
          <Input
            value={c.property}
            disabled={disabled}
            placeholder={t('journeys.property')}
            style={{ maxWidth: 160 }}
            onChange={(e) => set(i, { ...c, property: e.target.value })}
          />
          <Select
            value={c.op}
            disabled={disabled}
            style={{ minWidth: 120 }}
            onChange={(op) => set(i, { ...c, op })}
            options={conditionOps.map((o) => ({ value: o, label: t(`journeys.op.${o}`) }))}
          />
          {c.op !== 'exists' && c.op !== 'not_exists' && (
            <Input
              value={String(c.value ?? '')}
              disabled={disabled}
              placeholder={t('journeys.value')}
              style={{ maxWidth: 160 }}
              onChange={(e) => set(i, { ...c, value: e.target.value })}
            />
          )}
          {!disabled && (
            <Button type="text" icon={<MinusCircleOutlined />} onClick={() => onChange(where.filter((_, k) => k !== i))} aria-label={t('journeys.remove')} />
          )}
        </Flex>
      ))}
      {!disabled && (
        <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => onChange([...where, { property: '', op: 'eq', value: '' }])}>
          {t('journeys.addCondition')}
        </Button>
      )}
    </Space>
  );
}

function TriggerCard({
  trigger,
  onChange,
  disabled,
  unlessNow,
}: {
  trigger: JourneyTrigger;
  onChange: (t: JourneyTrigger) => void;
  disabled: boolean;
  unlessNow?: number;
}) {
  const { t } = useTranslation();
  const segments = useSegmentOptions().data?.data ?? [];
  return (
    <Card size="small" title={t('journeys.trigger')} data-testid="journey-trigger">
      <Space orientation="vertical" size={8} style={{ display: 'flex' }}>
        <Select
          value={trigger.kind}
          disabled={disabled}
          style={{ minWidth: 200 }}
          onChange={(kind: TriggerKind) =>
            onChange(
              kind === 'event'
                ? { kind, event: trigger.event ?? 'Product Viewed', where: [], unless: trigger.unless }
                : { kind, segmentId: trigger.segmentId, unless: trigger.unless },
            )
          }
          options={(['segment_entered', 'segment_exited', 'event'] as const).map((k) => ({ value: k, label: t(`journeys.triggerKind.${k}`) }))}
        />
        {trigger.kind === 'event' ? (
          <>
            <Input
              value={trigger.event}
              disabled={disabled}
              placeholder={t('journeys.eventName')}
              style={{ maxWidth: 280 }}
              onChange={(e) => onChange({ ...trigger, event: e.target.value })}
              data-testid="journey-trigger-event"
            />
            <WhereEditor where={trigger.where ?? []} disabled={disabled} onChange={(where) => onChange({ ...trigger, where })} />
          </>
        ) : (
          <Select
            value={trigger.segmentId}
            disabled={disabled}
            placeholder={t('journeys.segment')}
            style={{ minWidth: 220, maxWidth: '100%' }}
            onChange={(segmentId) => onChange({ ...trigger, segmentId })}
            options={segments.map((s) => ({ value: s.id, label: s.name }))}
          />
        )}
        <Flex wrap gap={8} align="center">
          <Switch
            checked={Boolean(trigger.unless)}
            disabled={disabled}
            onChange={(on) => onChange({ ...trigger, unless: on ? { event: 'Order Completed', within: { amount: 1, unit: 'days' } } : undefined })}
          />
          <Typography.Text>{t('journeys.unless')}</Typography.Text>
          {trigger.unless && (
            <>
              <Input
                value={trigger.unless.event}
                disabled={disabled}
                style={{ maxWidth: 200 }}
                onChange={(e) => onChange({ ...trigger, unless: { within: trigger.unless?.within ?? { amount: 1, unit: 'days' }, event: e.target.value } })}
              />
              <Typography.Text>{t('journeys.within')}</Typography.Text>
              <DurationInput
                value={trigger.unless.within}
                disabled={disabled}
                onChange={(within) => onChange({ ...trigger, unless: { event: trigger.unless?.event ?? '', within } })}
              />
              {unlessNow !== undefined && <Tag color="blue">{t('journeys.atStepNow', { count: unlessNow })}</Tag>}
            </>
          )}
        </Flex>
      </Space>
    </Card>
  );
}

function SettingsCard({ draft, set, disabled }: { draft: Draft; set: (d: Partial<Draft>) => void; disabled: boolean }) {
  const { t } = useTranslation();
  const r = draft.reentry;
  return (
    <Card size="small" title={t('journeys.settings')}>
      <Space orientation="vertical" size={8} style={{ display: 'flex' }}>
        <Typography.Text strong>{t('journeys.reentry')}</Typography.Text>
        <Radio.Group
          value={r.mode}
          disabled={disabled}
          onChange={(e) =>
            set({
              reentry: (e.target.value === 'cooldown'
                ? { mode: 'cooldown', cooldown: { amount: 7, unit: 'days' } }
                : { mode: e.target.value }) as JourneyReentry,
            })
          }
          options={(['once', 'every_time', 'cooldown'] as const).map((m) => ({ value: m, label: t(`journeys.reentryMode.${m}`) }))}
        />
        {r.mode === 'cooldown' && (
          <DurationInput value={r.cooldown} disabled={disabled} onChange={(cooldown) => set({ reentry: { mode: 'cooldown', cooldown } })} />
        )}
        <Typography.Text strong>{t('journeys.quietHours')}</Typography.Text>
        <Flex gap={8} align="center">
          <Input value={draft.quietStart} disabled={disabled} style={{ width: 90 }} onChange={(e) => set({ quietStart: e.target.value })} />
          <span>–</span>
          <Input value={draft.quietEnd} disabled={disabled} style={{ width: 90 }} onChange={(e) => set({ quietEnd: e.target.value })} />
        </Flex>
      </Space>
    </Card>
  );
}

function PeopleCard({ journeyId }: { journeyId: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const counts = useJourneyCounts(journeyId).data;
  const people = useJourneyEnrollments(journeyId);
  return (
    <Card size="small" title={t('journeys.people')} data-testid="journey-people">
      <Flex wrap gap={24} style={{ marginBottom: 12 }}>
        {(['entered', 'active', 'completed', 'exited'] as const).map((k) => (
          <Statistic key={k} title={t(`journeys.total.${k}`)} value={counts?.[k] ?? 0} />
        ))}
      </Flex>
      <Table<Enrollment>
        size="small"
        rowKey="id"
        loading={people.isLoading}
        dataSource={people.data?.data ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        scroll={{ x: true }}
        columns={[
          {
            title: t('journeys.person'),
            dataIndex: 'profileId',
            render: (id: string, row) => (
              <Link to="/customers/profiles/$profileId" params={{ profileId: id }}>
                {row.profileName ?? id}
              </Link>
            ),
          },
          { title: t('journeys.state'), dataIndex: 'status', render: (s: Enrollment['status']) => <Tag>{t(`journeys.enrollmentStatus.${s}`)}</Tag> },
          { title: t('journeys.step'), dataIndex: 'stepId', render: (s: string | null) => (s === '$unless' ? t('journeys.unlessStep') : (s ?? '—')) },
          { title: t('journeys.entered'), dataIndex: 'enteredAt', render: (v: string) => formatDateTime(v, language) },
          { title: t('journeys.exitReason'), dataIndex: 'exitReason', render: (v: string | null) => exitReasonText(t, v) },
        ]}
      />
    </Card>
  );
}

function JourneyEditor({ journey }: { journey?: Journey }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft>(
    journey
      ? {
          name: journey.name,
          trigger: journey.trigger,
          steps: journey.steps,
          reentry: journey.reentry,
          quietStart: journey.quietStart,
          quietEnd: journey.quietEnd,
        }
      : blank,
  );
  const { save, move } = useJourneyActions();
  const counts = useJourneyCounts(journey?.id).data;
  const channels = useChannels().data?.data ?? [];
  const templates = useTemplates().data?.data ?? [];
  const segments = useSegmentOptions().data?.data ?? [];
  const status = journey?.status ?? 'draft';
  const editable = can('marketing:write') && (status === 'draft' || status === 'paused');
  const set = (d: Partial<Draft>) => setDraft((x) => ({ ...x, ...d }));
  const ctx: StepsContext = {
    channels,
    templates,
    segments,
    counts: new Map((counts?.steps ?? []).map((s) => [s.stepId, s])),
    readOnly: !editable,
    newId: () => {
      const taken = new Set(stepIds(draft.steps));
      let n = taken.size + 1;
      while (taken.has(`s${n}`)) n++;
      taken.add(`s${n}`);
      return `s${n}`;
    },
  };
  const submit = async () => {
    try {
      const saved = await save.mutateAsync({ id: journey?.id, ...draft });
      showSuccess(t('journeys.saved'));
      if (!journey) await navigate({ to: '/marketing/journeys/$journeyId', params: { journeyId: saved.id } });
    } catch (err) {
      showError(err);
    }
  };
  const act = async (action: Move) => {
    try {
      await move.mutateAsync({ id: journey?.id ?? '', action });
    } catch (err) {
      showError(err);
    }
  };
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="journey-editor">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Space wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {journey ? journey.name : t('journeys.newJourney')}
          </Typography.Title>
          {journey && <JourneyStatusTag status={journey.status} />}
        </Space>
        <Space wrap>
          {editable && (
            <Button type="primary" onClick={submit} loading={save.isPending} data-testid="journey-save">
              {t('journeys.save')}
            </Button>
          )}
          {journey &&
            can('marketing:write') &&
            movesFor[journey.status].map((m) => (
              <Button key={m} danger={m === 'archive'} onClick={() => act(m)} loading={move.isPending} data-testid={`journey-${m}`}>
                {t(`journeys.move.${m}`)}
              </Button>
            ))}
        </Space>
      </Flex>
      {status === 'active' && <Typography.Text type="secondary">{t('journeys.pauseToEdit')}</Typography.Text>}
      <Input
        value={draft.name}
        disabled={!editable}
        placeholder={t('journeys.name')}
        onChange={(e) => set({ name: e.target.value })}
        data-testid="journey-name"
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <TriggerCard
            trigger={draft.trigger}
            disabled={!editable}
            onChange={(trigger) => set({ trigger })}
            unlessNow={counts?.steps.find((s) => s.stepId === '$unless')?.now}
          />
        </Col>
        <Col xs={24} lg={10}>
          <SettingsCard draft={draft} set={set} disabled={!editable} />
        </Col>
      </Row>
      <Card size="small" title={t('journeys.steps')}>
        <StepList steps={draft.steps} ctx={ctx} onChange={(steps) => set({ steps })} />
      </Card>
      {journey && <PeopleCard journeyId={journey.id} />}
    </Space>
  );
}

/** /marketing/journeys/new — a new journey. */
export function JourneyNewPage() {
  return <JourneyEditor />;
}

/** /marketing/journeys/{id} — one journey. */
export function JourneyPage() {
  const { journeyId } = routeApi.useParams();
  const journey = useJourney(journeyId).data;
  // Keyed by the saved version: a save or a state change starts the editor from what the server has.
  return journey ? <JourneyEditor key={`${journey.id}:${journey.updatedAt}`} journey={journey} /> : null;
}
