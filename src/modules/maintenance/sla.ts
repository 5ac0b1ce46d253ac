import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../kernel/db.ts';
import type { Priority } from './work-order-states.ts';
import { maintenanceSlas } from './schema.ts';

/** Targets for one priority: minutes to respond (start work) and to resolve, and minutes before a breach goes up a level. */
export interface Sla {
  priority: Priority;
  responseMinutes: number;
  resolutionMinutes: number;
  escalateAfterMinutes: number;
}

/** What a tenant gets until it sets its own. */
export const defaultSlas: Record<Priority, Sla> = {
  urgent: { priority: 'urgent', responseMinutes: 30, resolutionMinutes: 240, escalateAfterMinutes: 30 },
  high: { priority: 'high', responseMinutes: 120, resolutionMinutes: 24 * 60, escalateAfterMinutes: 120 },
  medium: { priority: 'medium', responseMinutes: 8 * 60, resolutionMinutes: 3 * 24 * 60, escalateAfterMinutes: 8 * 60 },
  low: { priority: 'low', responseMinutes: 24 * 60, resolutionMinutes: 7 * 24 * 60, escalateAfterMinutes: 24 * 60 },
};

/** The tenant's SLA for a priority (its own row, else the default). */
export async function slaFor(db: Executor, tenantId: string, priority: Priority): Promise<Sla> {
  const [row] = await db
    .select()
    .from(maintenanceSlas)
    .where(and(eq(maintenanceSlas.tenantId, tenantId), eq(maintenanceSlas.priority, priority)));
  return row
    ? { priority, responseMinutes: row.responseMinutes, resolutionMinutes: row.resolutionMinutes, escalateAfterMinutes: row.escalateAfterMinutes }
    : defaultSlas[priority];
}

/** Every priority's SLA of a tenant. */
export async function slasOf(db: Executor, tenantId: string): Promise<Sla[]> {
  const rows = await db.select().from(maintenanceSlas).where(eq(maintenanceSlas.tenantId, tenantId));
  return (Object.keys(defaultSlas) as Priority[]).map((p) => {
    const row = rows.find((r) => r.priority === p);
    return row
      ? { priority: p, responseMinutes: row.responseMinutes, resolutionMinutes: row.resolutionMinutes, escalateAfterMinutes: row.escalateAfterMinutes }
      : defaultSlas[p];
  });
}

/** When a work order created at `at` must be responded to and resolved. */
export function slaDueDates(sla: Sla, at: Date): { responseDueAt: Date; resolutionDueAt: Date } {
  return { responseDueAt: new Date(at.getTime() + sla.responseMinutes * 60_000), resolutionDueAt: new Date(at.getTime() + sla.resolutionMinutes * 60_000) };
}
