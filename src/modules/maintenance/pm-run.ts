import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { systemActor } from '../../kernel/auth.ts';
import type { Database, Tx } from '../../kernel/db.ts';
import { readLatestValues } from '../devices/index.ts';
import type { PmScheduleRow } from './pm-schedules.ts';
import { nextOccurrence } from './recurrence.ts';
import { assets, pmSchedules } from './schema.ts';
import { openWorkOrder } from './work-order-open.ts';
import type { Priority } from './work-order-states.ts';

const dayMs = 86_400_000;

async function generate(tx: Tx, db: Database, s: PmScheduleRow, orgUnitId: string, dueAt: Date, at: Date, why: string) {
  const actor = systemActor(s.tenantId, '', 'preventive maintenance');
  return openWorkOrder(tx, db, actor, {
    site: { storeId: s.storeId, orgUnitId, orgPath: s.orgPath },
    assetId: s.assetId,
    title: s.title,
    description: [s.description, why].filter(Boolean).join('\n\n'),
    priority: s.priority as Priority,
    assigneeUserId: s.assigneeUserId,
    contractorId: s.contractorId,
    checklist: s.checklist,
    source: 'pm',
    pmScheduleId: s.id,
    dueAt,
    at,
  });
}

/** A calendar schedule whose due date is within its lead time: open its work order and move the due date on. */
async function runCalendar(tx: Tx, db: Database, s: PmScheduleRow, orgUnitId: string, now: Date): Promise<boolean> {
  if (!s.nextDueAt || !s.rrule || !s.startsAt) return false;
  if (s.nextDueAt.getTime() - s.leadDays * dayMs > now.getTime()) return false;
  if (s.basis === 'completion' && s.openWorkOrderId) return false;
  const wo = await generate(tx, db, s, orgUnitId, s.nextDueAt, now, `Scheduled maintenance due ${s.nextDueAt.toISOString().slice(0, 10)}.`);
  // From the schedule: the following occurrence. From completion: none until this one is done (pmWorkOrderClosed).
  const next = s.basis === 'schedule' ? nextOccurrence(s.rrule, s.startsAt, s.nextDueAt, false) : null;
  await tx.update(pmSchedules).set({ openWorkOrderId: wo.id, nextDueAt: next, updatedAt: new Date() }).where(eq(pmSchedules.id, s.id));
  return true;
}

/** A meter schedule: read the device's latest value of its key and open a work order on a crossing or a used-up amount. */
async function runMeter(tx: Tx, db: Database, s: PmScheduleRow, orgUnitId: string, deviceId: string | null, now: Date): Promise<boolean> {
  if (!deviceId || !s.meterKey) return false;
  const latest = (await readLatestValues(tx, s.tenantId, deviceId, [s.meterKey])).get(s.meterKey);
  if (!latest || typeof latest.value !== 'number') return false;
  const value = latest.value;
  const set: Partial<PmScheduleRow> = {};
  let opened = false;
  if (s.meterMode === 'threshold' && s.threshold !== null) {
    if (value >= s.threshold && s.meterArmed && !s.openWorkOrderId) {
      const wo = await generate(tx, db, s, orgUnitId, now, now, `${s.meterKey} reads ${value}, at or over ${s.threshold}.`);
      Object.assign(set, { openWorkOrderId: wo.id, meterArmed: false });
      opened = true;
    } else if (value < s.threshold && !s.meterArmed) {
      set.meterArmed = true; // back under: the next crossing opens a new one
    }
  } else if (s.meterMode === 'usage' && s.usageInterval) {
    if (s.meterBaseline === null || value < s.meterBaseline) {
      set.meterBaseline = value; // first reading, or the counter was reset: count from here
    } else if (value - s.meterBaseline >= s.usageInterval && !s.openWorkOrderId) {
      const wo = await generate(tx, db, s, orgUnitId, now, now, `${s.meterKey} went from ${s.meterBaseline} to ${value} (service every ${s.usageInterval}).`);
      Object.assign(set, { openWorkOrderId: wo.id, meterBaseline: value });
      opened = true;
    }
  }
  if (Object.keys(set).length)
    await tx
      .update(pmSchedules)
      .set({ ...set, updatedAt: new Date() })
      .where(eq(pmSchedules.id, s.id));
  return opened;
}

/**
 * The PM job: opens the work orders that calendar schedules have coming within their lead time and that meters call
 * for. Each schedule is one transaction, locked with SKIP LOCKED so two nodes never open the same one twice.
 * `now` is injectable for tests. Answers how many work orders it opened.
 */
export async function runPreventiveMaintenance(db: Database, now = new Date()): Promise<{ opened: number }> {
  const due = await db.orm
    .select({ id: pmSchedules.id })
    .from(pmSchedules)
    .where(
      and(
        eq(pmSchedules.active, true),
        or(
          and(
            eq(pmSchedules.kind, 'calendar'),
            sql`${pmSchedules.nextDueAt} - make_interval(days => ${pmSchedules.leadDays}) <= ${now.toISOString()}::timestamptz`,
          ),
          and(eq(pmSchedules.kind, 'meter'), or(isNull(pmSchedules.openWorkOrderId), eq(pmSchedules.meterMode, 'threshold'))),
        ),
      ),
    )
    .limit(5000);
  let opened = 0;
  for (const { id } of due) {
    const did = await db.orm.transaction(async (tx) => {
      const [row] = await tx
        .select({ s: pmSchedules, orgUnitId: assets.orgUnitId, deviceId: assets.deviceId })
        .from(pmSchedules)
        .innerJoin(assets, eq(assets.id, pmSchedules.assetId))
        .where(eq(pmSchedules.id, id))
        .for('update', { of: pmSchedules, skipLocked: true });
      if (!row?.s.active) return false;
      return row.s.kind === 'calendar' ? runCalendar(tx, db, row.s, row.orgUnitId, now) : runMeter(tx, db, row.s, row.orgUnitId, row.deviceId, now);
    });
    if (did) opened++;
  }
  return { opened };
}
