import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../../kernel/audit.ts';
import { type Actor, can, requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { text } from '../../kernel/schemas.ts';
import { findUnitInScope, orgUnits, underPaths } from '../org/index.ts';
import { fanOut, horizonOf, type Plan, planOccurrences } from './fan-out.ts';
import { isWallTime, parseRecurrence } from './recurrence.ts';
import { taskSends } from './schema.ts';
import { settingsOf } from './settings.ts';
import { countTargets, loadWarnings, minutesByWeek, type Target, targetSchema, targetWhere } from './targets.ts';
import { findTemplate } from './templates.ts';

export const taskRoles = ['store_manager', 'associate'] as const;
const wall = z.string().refine(isWallTime, { error: 'must be a local date-time YYYY-MM-DDTHH:MM (the store’s own time zone)' });

/** A send: which template, to which stores and role, due when (once, or on a recurrence rule). */
export const sendBody = z
  .strictObject({
    templateId: z.string().min(1).max(64),
    target: targetSchema,
    role: z.enum(taskRoles).default('store_manager'),
    title: text(200).optional(),
    dueLocal: wall.optional(),
    opensLocal: wall.optional(),
    recurrence: z.strictObject({ rrule: z.string().min(1).max(500), startsLocal: wall, dueAfterMinutes: z.number().int().min(1).max(43_200) }).optional(),
    expireAfterMinutes: z.number().int().min(1).max(525_600).default(10_080),
    acknowledgeLoad: z.boolean().default(false),
  })
  .superRefine((b, ctx) => {
    if (!b.dueLocal === !b.recurrence) ctx.addIssue({ code: 'custom', path: ['dueLocal'], message: 'give either dueLocal (once) or recurrence' });
    if (b.dueLocal && b.opensLocal && b.opensLocal >= b.dueLocal) ctx.addIssue({ code: 'custom', path: ['opensLocal'], message: 'must be before dueLocal' });
    if (b.recurrence && b.opensLocal) ctx.addIssue({ code: 'custom', path: ['opensLocal'], message: 'a recurring task opens at each occurrence' });
  });
export type SendInput = z.infer<typeof sendBody>;

/** What the sender sees before sending: how many stores, and the stores a send would overload. */
export interface SendPreview {
  storeCount: number;
  occurrences: number;
  weeklyMinutesCap: number;
  loadWarnings: Awaited<ReturnType<typeof loadWarnings>>;
}

async function prepare(tx: Executor, actor: Actor, input: SendInput, now: Date) {
  const unit = await findUnitInScope(tx, actor, input.target.orgUnitId, 'tasks:manage');
  const template = await findTemplate(tx, actor, input.templateId);
  if (template.kind !== 'task')
    throw new AppError('invalid', 'only task templates are sent; audits are run in a store', {
      issues: [{ path: 'body.templateId', message: 'is an audit template' }],
    });
  if (template.archivedAt) throw new AppError('conflict', 'the template is archived');
  // HQ's templates go to any store below HQ; a region's own templates stay in the region.
  if (!unit.path.startsWith(template.orgPath))
    throw new AppError('invalid', `template ${template.name} belongs to ${template.orgUnitName} and cannot be sent outside it`, {
      issues: [{ path: 'body.target.orgUnitId', message: 'outside the template’s unit' }],
    });
  if (input.recurrence) {
    parseRecurrence(input.recurrence.rrule, input.recurrence.startsLocal);
    // A start long past would make months of tasks that are overdue at birth.
    if (input.recurrence.startsLocal < horizonOf(now, -7)) {
      throw new AppError('invalid', 'body.recurrence.startsLocal: must not be more than a week in the past', {
        issues: [{ path: 'body.recurrence.startsLocal', message: 'more than a week in the past' }],
      });
    }
  }
  const where = targetWhere(actor.tenantId, unit.path, input.target);
  const horizon = horizonOf(now);
  const plan: Plan = planOccurrences(input, null, horizon);
  const { weeklyMinutesCap } = await settingsOf(tx, actor.tenantId);
  const weeks = minutesByWeek(plan.due, template.definition.estimatedMinutes);
  return { unit, template, where, plan, horizon, weeklyMinutesCap, weeks };
}

/** The target preview and load guard of a send, without sending. */
export async function previewSend(ctx: Ctx, input: SendInput, now = new Date()): Promise<SendPreview> {
  const p = await prepare(ctx.db.orm, ctx.actor, input, now);
  const [storeCount, warnings] = await Promise.all([countTargets(ctx.db.orm, p.where), loadWarnings(ctx.db.orm, p.where, p.weeks, p.weeklyMinutesCap)]);
  return { storeCount, occurrences: p.plan.occ.length, weeklyMinutesCap: p.weeklyMinutesCap, loadWarnings: warnings };
}

/**
 * Sends a template to the target stores: every task in one statement, the send audited as one action and
 * announced as one event. Stores the load guard warns about refuse the send (409 listing them) until the sender
 * acknowledges the load.
 */
export async function sendTask(ctx: Ctx, input: SendInput, now = new Date()) {
  return ctx.db.orm.transaction(async (tx) => {
    const p = await prepare(tx, ctx.actor, input, now);
    const warnings = await loadWarnings(tx, p.where, p.weeks, p.weeklyMinutesCap);
    if (warnings.total > 0 && !input.acknowledgeLoad) {
      throw new AppError(
        'conflict',
        `${warnings.total} store-week(s) would pass the ${p.weeklyMinutesCap}-minute weekly cap; send with acknowledgeLoad to send anyway`,
        {
          loadWarnings: warnings,
          weeklyMinutesCap: p.weeklyMinutesCap,
        },
      );
    }
    const id = newId('tsd');
    const title = input.title ?? p.template.name;
    await tx.insert(taskSends).values({
      id,
      tenantId: ctx.actor.tenantId,
      templateId: p.template.id,
      templateVersion: p.template.version,
      orgUnitId: p.unit.id,
      target: input.target,
      role: input.role,
      title,
      opensLocal: input.opensLocal ?? null,
      dueLocal: input.dueLocal ?? null,
      rrule: input.recurrence ? input.recurrence.rrule.replace(/^RRULE:/i, '') : null,
      dueAfterMinutes: input.recurrence?.dueAfterMinutes ?? null,
      expireAfterMinutes: input.expireAfterMinutes,
      materialisedUntil: input.recurrence ? p.horizon : null,
      recurrenceStart: input.recurrence?.startsLocal ?? null,
      sentBy: ctx.actor.id,
    });
    const made = await fanOut(
      tx,
      {
        tenantId: ctx.actor.tenantId,
        sendId: id,
        templateId: p.template.id,
        templateVersion: p.template.version,
        role: input.role,
        title,
        definition: p.template.definition,
        expireAfterMinutes: input.expireAfterMinutes,
      },
      p.where,
      p.plan,
      now,
    );
    await tx.update(taskSends).set({ storeCount: made.stores, instanceCount: made.instances }).where(eq(taskSends.id, id));
    const after = {
      templateId: p.template.id,
      templateVersion: p.template.version,
      target: input.target,
      role: input.role,
      title,
      ...made,
      loadAcknowledged: warnings.total > 0,
    };
    await recordAudit(tx, ctx.actor, { action: 'task.sent', entityType: 'task_send', entityId: id, orgPath: p.unit.path, after }, ctx.meta);
    await publishEvent(tx, ctx.actor.tenantId, 'task.sent', { sendId: id, templateId: p.template.id, stores: made.stores, instances: made.instances });
    return { ...(await sendView(tx, ctx.actor, id)), loadWarnings: warnings };
  });
}

const sendColumns = {
  id: taskSends.id,
  templateId: taskSends.templateId,
  templateVersion: taskSends.templateVersion,
  orgUnitId: taskSends.orgUnitId,
  orgUnitName: orgUnits.name,
  orgPath: orgUnits.path,
  target: taskSends.target,
  role: taskSends.role,
  title: taskSends.title,
  dueLocal: taskSends.dueLocal,
  opensLocal: taskSends.opensLocal,
  rrule: taskSends.rrule,
  dueAfterMinutes: taskSends.dueAfterMinutes,
  status: taskSends.status,
  storeCount: taskSends.storeCount,
  instanceCount: taskSends.instanceCount,
  sentBy: taskSends.sentBy,
  createdAt: taskSends.createdAt,
};

async function sendView(db: Executor, actor: Actor, id: string) {
  const [row] = await db
    .select(sendColumns)
    .from(taskSends)
    .innerJoin(orgUnits, eq(orgUnits.id, taskSends.orgUnitId))
    .where(and(eq(taskSends.tenantId, actor.tenantId), eq(taskSends.id, id)));
  if (!row || !can(actor, 'tasks:read', row.orgPath)) notFound('send', id);
  const counts = await db.execute<{ status: string; n: number }>(
    sql`SELECT status, count(*)::int AS n FROM task_instances WHERE send_id = ${id} GROUP BY status`,
  );
  const { orgPath: _p, ...rest } = row;
  return { ...rest, byStatus: Object.fromEntries(counts.rows.map((c) => [c.status, c.n])) as Record<string, number> };
}

/** One send with its tasks counted by state. */
export function getSend(ctx: Ctx, id: string) {
  return sendView(ctx.db.orm, ctx.actor, id);
}

/** The sends made to units in the caller's scope, newest first. */
export async function listSends(ctx: Ctx, q: { limit: number }) {
  const paths = requireScope(ctx.actor, 'tasks:read');
  const rows = await ctx.db.orm
    .select(sendColumns)
    .from(taskSends)
    .innerJoin(orgUnits, eq(orgUnits.id, taskSends.orgUnitId))
    .where(and(eq(taskSends.tenantId, ctx.actor.tenantId), underPaths(orgUnits.path, paths)))
    .orderBy(desc(taskSends.createdAt))
    .limit(q.limit);
  return rows.map(({ orgPath: _p, ...r }) => r);
}

/** Stops a recurring send: no more occurrences are materialised (tasks already made stay). */
export async function stopSend(ctx: Ctx, id: string) {
  return ctx.db.orm.transaction(async (tx) => {
    const before = await sendView(tx, ctx.actor, id);
    const [unit] = await tx.select({ path: orgUnits.path }).from(orgUnits).where(eq(orgUnits.id, before.orgUnitId));
    if (!can(ctx.actor, 'tasks:manage', unit?.path)) throw new AppError('forbidden', 'your role does not allow tasks:manage here');
    if (before.status !== 'active' || !before.rrule)
      throw new AppError('conflict', 'only an active recurring send can be stopped', { from: before.status, allowed: [] });
    await tx.update(taskSends).set({ status: 'stopped' }).where(eq(taskSends.id, id));
    await recordAudit(
      tx,
      ctx.actor,
      {
        action: 'task_send.stopped',
        entityType: 'task_send',
        entityId: id,
        orgPath: unit?.path,
        before: { status: before.status },
        after: { status: 'stopped' },
      },
      ctx.meta,
    );
    return sendView(tx, ctx.actor, id);
  });
}

export type { Target };
