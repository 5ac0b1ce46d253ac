import { and, asc, eq, type SQL } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { can, requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { underPaths } from '../org/index.ts';
import { findAssetInScope } from './assets.ts';
import { nextOccurrence, occurrencesBetween, parseRule } from './recurrence.ts';
import { assets, pmSchedules, workOrders } from './schema.ts';
import { checkAssignment } from './work-order-open.ts';
import type { Priority } from './work-order-states.ts';

export type PmScheduleRow = typeof pmSchedules.$inferSelect;

/** A PM schedule as a person sets it. */
export interface PmScheduleInput {
  assetId: string;
  title: string;
  description?: string | null;
  checklist?: string[];
  priority?: Priority;
  kind: 'calendar' | 'meter';
  rrule?: string | null;
  startsAt?: Date | null;
  basis?: 'schedule' | 'completion';
  leadDays?: number;
  meterKey?: string | null;
  meterMode?: 'threshold' | 'usage' | null;
  threshold?: number | null;
  usageInterval?: number | null;
  assigneeUserId?: string | null;
  contractorId?: string | null;
  active?: boolean;
}

function checkShape(input: PmScheduleInput, hasDevice: boolean): void {
  const issue = (path: string, message: string) => new AppError('invalid', `${path}: ${message}`, { issues: [{ path: `body.${path}`, message }] });
  if (input.kind === 'calendar') {
    if (!input.rrule) throw issue('rrule', 'a calendar schedule needs an RRULE');
    parseRule(input.rrule);
  } else {
    if (!hasDevice) throw issue('assetId', 'a meter schedule needs an asset linked to a device');
    if (!input.meterKey) throw issue('meterKey', 'a meter schedule needs the telemetry key to read');
    if (input.meterMode === 'threshold' && input.threshold == null) throw issue('threshold', 'a threshold schedule needs the threshold');
    if (input.meterMode === 'usage' && !(input.usageInterval && input.usageInterval > 0))
      throw issue('usageInterval', 'a usage schedule needs the usage amount between services');
    if (!input.meterMode) throw issue('meterMode', 'threshold or usage');
  }
}

/** The first due date of a calendar schedule: its first occurrence at or after its start. */
function firstDue(input: Pick<PmScheduleInput, 'kind' | 'rrule' | 'startsAt'>, now: Date): Date | null {
  if (input.kind !== 'calendar' || !input.rrule) return null;
  const start = input.startsAt ?? now;
  return nextOccurrence(input.rrule, start, start, true);
}

/** Loads a schedule the caller may see (404 otherwise) and may change with `permission` (403). */
async function findScheduleInScope(db: Executor, ctx: Ctx, id: string, permission = 'maintenance:read', lock = false): Promise<PmScheduleRow> {
  const q = db
    .select()
    .from(pmSchedules)
    .where(and(eq(pmSchedules.tenantId, ctx.actor.tenantId), eq(pmSchedules.id, id)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row || !can(ctx.actor, 'maintenance:read', row.orgPath)) notFound('PM schedule', id);
  if (!can(ctx.actor, permission, row.orgPath)) throw new AppError('forbidden', `your role does not allow ${permission} on this schedule`);
  return row;
}

/** Adds a PM schedule to an asset the caller may maintain. */
export async function createPmSchedule(ctx: Ctx, input: PmScheduleInput, now = new Date()): Promise<PmScheduleRow> {
  const asset = await findAssetInScope(ctx.db.orm, ctx.actor, input.assetId, 'maintenance:write');
  checkShape(input, Boolean(asset.deviceId));
  return ctx.db.orm.transaction(async (tx) => {
    await checkAssignment(tx, asset.tenantId, asset.orgPath, input);
    const [row] = await tx
      .insert(pmSchedules)
      .values({
        id: newId('pms'),
        tenantId: asset.tenantId,
        assetId: asset.id,
        storeId: asset.storeId,
        orgPath: asset.orgPath,
        title: input.title,
        description: input.description ?? null,
        checklist: input.checklist ?? [],
        priority: input.priority ?? 'medium',
        kind: input.kind,
        rrule: input.kind === 'calendar' ? (input.rrule ?? null) : null,
        startsAt: input.kind === 'calendar' ? (input.startsAt ?? now) : null,
        basis: input.basis ?? 'schedule',
        leadDays: input.leadDays ?? 3,
        nextDueAt: firstDue(input, now),
        meterKey: input.kind === 'meter' ? (input.meterKey ?? null) : null,
        meterMode: input.kind === 'meter' ? (input.meterMode ?? null) : null,
        threshold: input.threshold ?? null,
        usageInterval: input.usageInterval ?? null,
        assigneeUserId: input.assigneeUserId ?? null,
        contractorId: input.contractorId ?? null,
        active: input.active ?? true,
      })
      .returning();
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'pm_schedule.created', entityType: 'pm_schedule', entityId: row.id, orgPath: row.orgPath, after: input },
      ctx.meta,
    );
    return row;
  });
}

/** Changes a schedule; a new rule or start recomputes the next due date. */
export async function updatePmSchedule(
  ctx: Ctx,
  id: string,
  patch: Partial<Omit<PmScheduleInput, 'assetId' | 'kind'>>,
  now = new Date(),
): Promise<PmScheduleRow> {
  return ctx.db.orm.transaction(async (tx) => {
    const before = await findScheduleInScope(tx, ctx, id, 'maintenance:write', true);
    const [asset] = await tx.select({ deviceId: assets.deviceId }).from(assets).where(eq(assets.id, before.assetId));
    const merged: PmScheduleInput = {
      ...before,
      ...patch,
      kind: before.kind,
      assetId: before.assetId,
      priority: (patch.priority ?? before.priority) as Priority,
      meterMode: patch.meterMode ?? before.meterMode,
    };
    checkShape(merged, Boolean(asset?.deviceId));
    await checkAssignment(tx, before.tenantId, before.orgPath, patch);
    const ruleChanged = patch.rrule !== undefined || patch.startsAt !== undefined;
    const [row] = await tx
      .update(pmSchedules)
      .set({ ...patch, ...(ruleChanged ? { nextDueAt: firstDue(merged, now) } : {}), updatedAt: new Date() })
      .where(eq(pmSchedules.id, id))
      .returning();
    await recordAudit(tx, ctx.actor, { action: 'pm_schedule.updated', entityType: 'pm_schedule', entityId: id, orgPath: row.orgPath, after: patch }, ctx.meta);
    return row;
  });
}

/** Removes a schedule (the work orders it made stay). */
export async function deletePmSchedule(ctx: Ctx, id: string): Promise<void> {
  await ctx.db.orm.transaction(async (tx) => {
    const before = await findScheduleInScope(tx, ctx, id, 'maintenance:write', true);
    await tx.delete(pmSchedules).where(eq(pmSchedules.id, id));
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'pm_schedule.deleted', entityType: 'pm_schedule', entityId: id, orgPath: before.orgPath, before: { title: before.title } },
      ctx.meta,
    );
  });
}

/** PM schedules in scope, optionally of one asset or store. */
export async function listPmSchedules(ctx: Ctx, q: { assetId?: string; storeId?: string }) {
  const paths = requireScope(ctx.actor, 'maintenance:read');
  const where: SQL[] = [eq(pmSchedules.tenantId, ctx.actor.tenantId), underPaths(pmSchedules.orgPath, paths)];
  if (q.assetId) where.push(eq(pmSchedules.assetId, q.assetId));
  if (q.storeId) where.push(eq(pmSchedules.storeId, q.storeId));
  const rows = await ctx.db.orm
    .select({ schedule: pmSchedules, assetName: assets.name })
    .from(pmSchedules)
    .innerJoin(assets, eq(assets.id, pmSchedules.assetId))
    .where(and(...where))
    .orderBy(asc(pmSchedules.nextDueAt), asc(pmSchedules.id))
    .limit(500);
  return { data: rows.map((r) => ({ ...shown(r.schedule), assetName: r.assetName })) };
}

/** A schedule without its tenant and path. */
export function shown(row: PmScheduleRow) {
  const { tenantId: _t, orgPath: _p, ...rest } = row;
  return rest;
}

/** The PM calendar: every due date of calendar schedules in scope between two dates, and the open PM work orders. */
export async function pmCalendar(ctx: Ctx, from: Date, to: Date) {
  const { data } = await listPmSchedules(ctx, {});
  const entries: { scheduleId: string; title: string; assetId: string; assetName: string; storeId: string; dueAt: Date; workOrderId: string | null }[] = [];
  for (const s of data) {
    if (!s.active) continue;
    if (s.kind === 'calendar' && s.rrule && s.startsAt) {
      for (const d of occurrencesBetween(s.rrule, s.basis === 'completion' && s.lastCompletedAt ? s.lastCompletedAt : s.startsAt, from, to)) {
        if (s.basis === 'completion' && s.lastCompletedAt && d <= s.lastCompletedAt) continue;
        entries.push({ scheduleId: s.id, title: s.title, assetId: s.assetId, assetName: s.assetName, storeId: s.storeId, dueAt: d, workOrderId: null });
      }
    }
  }
  const paths = requireScope(ctx.actor, 'maintenance:read');
  const open = await ctx.db.orm
    .select({
      id: workOrders.id,
      title: workOrders.title,
      assetId: workOrders.assetId,
      storeId: workOrders.storeId,
      dueAt: workOrders.dueAt,
      pmScheduleId: workOrders.pmScheduleId,
      assetName: assets.name,
    })
    .from(workOrders)
    .leftJoin(assets, eq(assets.id, workOrders.assetId))
    .where(and(eq(workOrders.tenantId, ctx.actor.tenantId), underPaths(workOrders.orgPath, paths), eq(workOrders.source, 'pm'), eq(workOrders.status, 'OPEN')));
  for (const w of open) {
    if (!w.dueAt || w.dueAt < from || w.dueAt > to) continue;
    entries.push({
      scheduleId: w.pmScheduleId ?? '',
      title: w.title,
      assetId: w.assetId ?? '',
      assetName: w.assetName ?? '',
      storeId: w.storeId,
      dueAt: w.dueAt,
      workOrderId: w.id,
    });
  }
  entries.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  return { data: entries };
}

/** A work order made by a schedule closed: count the next due date from it when the schedule says so. */
export async function pmWorkOrderClosed(tx: Executor, scheduleId: string, workOrderId: string, status: 'COMPLETE' | 'CANCELLED', at: Date): Promise<void> {
  const [s] = await tx.select().from(pmSchedules).where(eq(pmSchedules.id, scheduleId)).for('update');
  if (!s) return;
  const set: Partial<PmScheduleRow> = { updatedAt: new Date() };
  if (s.openWorkOrderId === workOrderId) set.openWorkOrderId = null;
  if (status === 'COMPLETE') set.lastCompletedAt = at;
  if (s.kind === 'calendar' && s.basis === 'completion' && s.rrule) set.nextDueAt = nextOccurrence(s.rrule, at, at, false);
  await tx.update(pmSchedules).set(set).where(eq(pmSchedules.id, scheduleId));
}
