import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { requireScope } from '../../kernel/auth.ts';
import { type Ctx, decodeCursor, encodeCursor } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { findUnitInScope, underPaths } from '../org/index.ts';
import { findChannel, readPermission } from './channels.ts';
import {
  allSteps,
  assertNoIssues,
  type DefinitionIssue,
  type JourneyReentry,
  type JourneyStep,
  type JourneyTrigger,
  parseSteps,
} from './journey-definition.ts';
import { assertJourneyTransition } from './journey-states.ts';
import { type JourneyStatus, journeys } from './journeys-schema.ts';
import { findTemplate, writePermission } from './templates.ts';

type JourneyRecord = typeof journeys.$inferSelect;

/** A journey as the editor sends it; steps are checked here, so every error can name its step. */
export interface JourneyInput {
  name: string;
  orgUnitId?: string;
  trigger: JourneyTrigger;
  steps: unknown[];
  reentry?: JourneyReentry;
  purpose?: string;
  quietStart?: string;
  quietEnd?: string;
}

/** A journey as the API shows it. */
export const shownJourney = (j: JourneyRecord) => {
  const { tenantId: _t, ...rest } = j;
  return rest;
};

/** A journey the caller may see with the permission, or 404. */
export async function findJourney(db: Executor, ctx: Ctx, id: string, permission = readPermission): Promise<JourneyRecord> {
  const paths = requireScope(ctx.actor, permission);
  const [row] = await db
    .select()
    .from(journeys)
    .where(and(eq(journeys.tenantId, ctx.actor.tenantId), eq(journeys.id, id), underPaths(journeys.orgPath, paths)));
  if (!row) notFound('journey', id);
  return row;
}

/** Checks a definition's shape and what it names (segments, channels, templates); answers the parsed steps. */
async function checkDefinition(db: Executor, tenantId: string, input: Pick<JourneyInput, 'trigger' | 'steps'>): Promise<JourneyStep[]> {
  const { steps, issues } = parseSteps(input.steps);
  const t = input.trigger;
  const triggerIssue = (path: string, message: string) => issues.unshift({ path: `trigger.${path}`, message: `trigger: ${message}` });
  if (t.kind === 'event' && !t.event) triggerIssue('event', 'an event trigger needs the event name');
  if (t.kind !== 'event' && !t.segmentId) triggerIssue('segmentId', `a ${t.kind} trigger needs the segment`);
  const segmentIds = new Set<string>();
  if (t.kind !== 'event' && t.segmentId) segmentIds.add(t.segmentId);
  const wanted: { step: JourneyStep; kind: 'segment' | 'channel' | 'template'; id: string }[] = [];
  for (const s of allSteps(steps)) {
    if (s.type === 'send') wanted.push({ step: s, kind: 'channel', id: s.channelId }, { step: s, kind: 'template', id: s.templateId });
    if (s.type === 'branch' && s.condition.kind === 'segment') wanted.push({ step: s, kind: 'segment', id: s.condition.segmentId });
  }
  for (const w of wanted) if (w.kind === 'segment') segmentIds.add(w.id);
  const found = await db.execute<{ id: string }>(
    sql`SELECT id FROM segments WHERE tenant_id = ${tenantId} AND id = ANY(${sql.param([...segmentIds])}::text[])`,
  );
  const known = new Set(found.rows.map((r) => r.id));
  if (t.kind !== 'event' && t.segmentId && !known.has(t.segmentId)) triggerIssue('segmentId', `segment ${t.segmentId} not found`);
  const stepIssues: DefinitionIssue[] = [];
  for (const w of wanted) {
    let ok = true;
    if (w.kind === 'segment') ok = known.has(w.id);
    else
      ok = await (w.kind === 'channel' ? findChannel(db, tenantId, w.id) : findTemplate(db, tenantId, w.id)).then(
        () => true,
        () => false,
      );
    if (!ok) stepIssues.push({ path: 'steps', step: w.step.id, message: `step "${w.step.id}": ${w.kind} ${w.id} not found` });
  }
  assertNoIssues([...issues, ...stepIssues]);
  return steps;
}

/** The journeys the caller may see, newest first. */
export async function listJourneys(ctx: Ctx, q: { status?: JourneyStatus; cursor?: string; limit: number }) {
  const paths = requireScope(ctx.actor, readPermission);
  const after = decodeCursor(q.cursor, 2);
  const rows = await ctx.db.orm
    .select()
    .from(journeys)
    .where(
      and(
        eq(journeys.tenantId, ctx.actor.tenantId),
        underPaths(journeys.orgPath, paths),
        q.status ? eq(journeys.status, q.status) : undefined,
        after
          ? or(lt(journeys.createdAt, new Date(String(after[0]))), and(eq(journeys.createdAt, new Date(String(after[0]))), lt(journeys.id, String(after[1]))))
          : undefined,
      ),
    )
    .orderBy(desc(journeys.createdAt), desc(journeys.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const data = rows.slice(0, q.limit);
  const last = data[data.length - 1];
  return { data: data.map(shownJourney), nextCursor: more && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null };
}

/** Creates a draft journey at an org unit the caller may write marketing at (their widest one by default). */
export async function createJourney(ctx: Ctx, input: JourneyInput) {
  const paths = requireScope(ctx.actor, writePermission);
  const grant = ctx.actor.grants.find((g) => g.permissions.has(writePermission) && g.path === paths[0]);
  const unit = await findUnitInScope(ctx.db.orm, ctx.actor, input.orgUnitId ?? grant?.orgUnitId ?? '', writePermission);
  const steps = await checkDefinition(ctx.db.orm, ctx.actor.tenantId, input);
  return ctx.db.orm.transaction(async (tx) => {
    const [row] = await tx
      .insert(journeys)
      .values({
        id: newId('jny'),
        tenantId: ctx.actor.tenantId,
        orgUnitId: unit.id,
        orgPath: unit.path,
        name: input.name,
        trigger: input.trigger,
        steps,
        reentry: input.reentry ?? { mode: 'once' },
        purpose: input.purpose ?? 'marketing',
        quietStart: input.quietStart ?? '21:00',
        quietEnd: input.quietEnd ?? '09:00',
        createdBy: ctx.actor.id,
      })
      .returning();
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'journey.created', entityType: 'journey', entityId: row.id, orgPath: row.orgPath, after: shownJourney(row) },
      ctx.meta,
    );
    return shownJourney(row);
  });
}

/**
 * Changes a draft or paused journey. People already in a paused journey stay at their step; one whose step was
 * removed leaves with `step_removed` when it resumes.
 */
export async function updateJourney(ctx: Ctx, id: string, input: Partial<Omit<JourneyInput, 'orgUnitId'>>) {
  return ctx.db.orm.transaction(async (tx) => {
    const before = await findJourney(tx, ctx, id, writePermission);
    if (before.status !== 'draft' && before.status !== 'paused') {
      throw new AppError('conflict', `an ${before.status} journey cannot be edited; ${before.status === 'active' ? 'pause it first' : 'it is over'}`, {
        status: before.status,
        allowed: ['draft', 'paused'],
      });
    }
    const steps = await checkDefinition(tx, ctx.actor.tenantId, { trigger: input.trigger ?? before.trigger, steps: input.steps ?? before.steps });
    const changes = Object.fromEntries(Object.entries({ ...input, steps }).filter(([, v]) => v !== undefined));
    const [row] = await tx
      .update(journeys)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(journeys.id, id))
      .returning();
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'journey.updated', entityType: 'journey', entityId: id, orgPath: row.orgPath, before: shownJourney(before), after: shownJourney(row) },
      ctx.meta,
    );
    return shownJourney(row);
  });
}

const targetOf = { activate: 'active', pause: 'paused', archive: 'archived' } as const;

/** Activates, pauses or archives a journey (409 lists what is allowed); archiving ends every pass still in it. */
export async function changeJourneyStatus(ctx: Ctx, id: string, action: keyof typeof targetOf, now = new Date()) {
  return ctx.db.orm.transaction(async (tx) => {
    const before = await findJourney(tx, ctx, id, writePermission);
    const to = targetOf[action];
    assertJourneyTransition(before.status, to);
    if (to === 'active') assertNoIssues(before.steps.length === 0 ? [{ path: 'steps', message: 'a journey needs at least one step to be activated' }] : []);
    const [row] = await tx.update(journeys).set({ status: to, updatedAt: now }).where(eq(journeys.id, id)).returning();
    if (to === 'archived') {
      await tx.execute(sql`UPDATE journey_enrollments SET status = 'exited', exit_reason = 'journey_archived', step_id = NULL, wake_at = NULL,
        finished_at = ${now.toISOString()}::timestamptz WHERE journey_id = ${id} AND status = 'active'`);
    }
    await recordAudit(
      tx,
      ctx.actor,
      { action: `journey.${action}`, entityType: 'journey', entityId: id, orgPath: row.orgPath, before: { status: before.status }, after: { status: to } },
      ctx.meta,
    );
    await publishEvent(tx, ctx.actor.tenantId, `journey.${to}`, { journeyId: id, name: row.name });
    return shownJourney(row);
  });
}
