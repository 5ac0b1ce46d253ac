import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import { systemActor } from '../../kernel/auth.ts';
import type { Database } from '../../kernel/db.ts';
import { notify } from '../notifications/index.ts';
import { workOrders } from './schema.ts';
import { slaFor } from './sla.ts';
import { bumped, recordWorkOrderEvent, type WorkOrderRow } from './work-order-open.ts';
import { openStatuses, type Priority } from './work-order-states.ts';

/** Which SLA a work order has broken at `now`, if any: no response in time, or not resolved in time. */
export function breachOf(wo: Pick<WorkOrderRow, 'acknowledgedAt' | 'responseDueAt' | 'resolutionDueAt'>, now: Date): 'response' | 'resolution' | undefined {
  if (!wo.acknowledgedAt && wo.responseDueAt && wo.responseDueAt <= now) return 'response';
  if (wo.resolutionDueAt && wo.resolutionDueAt <= now) return 'resolution';
  return undefined;
}

/**
 * The escalation job. A work order past its response or resolution target notifies the store's manager (and its
 * assignee); still open `escalateAfterMinutes` later, the region's manager. `now` is injectable for tests.
 * Each step is its own transaction holding the row, so two nodes never escalate one twice.
 */
export async function escalateWorkOrders(db: Database, now = new Date()): Promise<{ escalated: number }> {
  const candidates = await db.orm
    .select({ id: workOrders.id })
    .from(workOrders)
    .where(
      and(
        inArray(workOrders.status, [...openStatuses]),
        lt(workOrders.escalationLevel, 2),
        sql`(${workOrders.escalationLevel} = 1 OR ${workOrders.resolutionDueAt} <= ${now.toISOString()}::timestamptz
          OR (${workOrders.acknowledgedAt} IS NULL AND ${workOrders.responseDueAt} <= ${now.toISOString()}::timestamptz))`,
      ),
    )
    .limit(1000);
  let escalated = 0;
  for (const { id } of candidates) {
    const done = await db.orm.transaction(async (tx) => {
      const [wo] = await tx.select().from(workOrders).where(eq(workOrders.id, id)).for('update', { skipLocked: true });
      if (!wo || !openStatuses.includes(wo.status) || wo.escalationLevel >= 2) return false;
      const breach = breachOf(wo, now);
      if (!breach) return false;
      let level: 1 | 2;
      if (wo.escalationLevel === 0) level = 1;
      else {
        const sla = await slaFor(tx, wo.tenantId, wo.priority as Priority);
        if (!wo.escalatedAt || wo.escalatedAt.getTime() + sla.escalateAfterMinutes * 60_000 > now.getTime()) return false;
        level = 2;
      }
      await tx
        .update(workOrders)
        .set(bumped({ escalationLevel: level, escalatedAt: now }))
        .where(eq(workOrders.id, id));
      const actor = systemActor(wo.tenantId, '', 'SLA escalation');
      await recordWorkOrderEvent(tx, wo, actor, {
        action: 'escalated',
        at: now,
        note: `${breach} SLA breached; escalated to level ${level}`,
        data: { level, breach },
      });
      const late =
        breach === 'response' ? `was not responded to by ${wo.responseDueAt?.toISOString()}` : `was not resolved by ${wo.resolutionDueAt?.toISOString()}`;
      await notify(
        { db },
        {
          tenantId: wo.tenantId,
          orgUnitId: wo.orgUnitId,
          to: level === 1 ? { role: 'store_manager', userIds: wo.assigneeUserId ? [wo.assigneeUserId] : [] } : { role: 'region_manager' },
          kind: 'work_order.sla_breached',
          title: `SLA breached: ${wo.title}`,
          body: `Work order ${wo.id} (${wo.priority}) ${late}.`,
          link: `/maintenance/work-orders/${wo.id}`,
          data: { workOrderId: wo.id, level, breach, storeId: wo.storeId },
        },
        tx,
      );
      return true;
    });
    if (done) escalated++;
  }
  return { escalated };
}
