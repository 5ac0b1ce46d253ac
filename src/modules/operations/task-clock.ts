import { sql } from 'drizzle-orm';
import type { Database, Executor } from '../../kernel/db.ts';
import type { Notification } from '../notifications/index.ts';

/** Sends one notification inside the caller's transaction (the notifications module's `notify`, or a test's recorder). */
export type Notifier = (n: Notification, tx: Executor) => Promise<unknown>;

/** What one turn of the clock changed. */
export interface ClockResult {
  opened: number;
  overdue: number;
  expired: number;
  escalatedToStore: number;
  escalatedToRegion: number;
}

type Escalated = {
  id: string;
  tenant_id: string;
  store_id: string;
  title: string;
  due_at: Date;
  org_unit_id: string;
  parent_org_unit_id: string;
  code: string;
  name: string;
};

const batch = 500;

/**
 * One turn of the task clock at `now` (a pg-boss schedule each minute; tests pass their own instant): scheduled
 * tasks open, unfinished ones past due become overdue, those past their expiry expire, and overdue tasks escalate
 * under their SLA — to the store manager, then after a further delay to the region manager. Each escalation is
 * marked in the same transaction as its notification, so it is sent once.
 */
export async function runTaskClock(db: Database, notifier: Notifier, now = new Date()): Promise<ClockResult> {
  const at = now.toISOString();
  const count = async (q: ReturnType<typeof sql>) => (await db.orm.execute(q)).rowCount ?? 0;
  const opened = await count(sql`UPDATE task_instances SET status = 'open', updated_at = ${at}::timestamptz
    WHERE status = 'scheduled' AND opens_at <= ${at}::timestamptz AND due_at > ${at}::timestamptz`);
  const overdue = await count(sql`UPDATE task_instances SET status = 'overdue', version = version + 1, updated_at = ${at}::timestamptz
    WHERE status IN ('scheduled', 'open', 'in_progress', 'returned') AND due_at <= ${at}::timestamptz`);
  const expired = await count(sql`UPDATE task_instances SET status = 'expired', version = version + 1, updated_at = ${at}::timestamptz
    WHERE status IN ('scheduled', 'open', 'in_progress', 'returned', 'overdue') AND expires_at <= ${at}::timestamptz`);
  const escalatedToStore = await escalate(db, notifier, now, 1);
  const escalatedToRegion = await escalate(db, notifier, now, 2);
  return { opened, overdue, expired, escalatedToStore, escalatedToRegion };
}

async function escalate(db: Database, notifier: Notifier, now: Date, level: 1 | 2): Promise<number> {
  const at = now.toISOString();
  const due =
    level === 1
      ? sql`escalation_level = 0 AND sla_store_minutes IS NOT NULL AND due_at + make_interval(mins => sla_store_minutes) <= ${at}::timestamptz`
      : sql`escalation_level < 2 AND sla_region_minutes IS NOT NULL
          AND due_at + make_interval(mins => coalesce(sla_store_minutes, 0) + sla_region_minutes) <= ${at}::timestamptz`;
  let total = 0;
  for (;;) {
    const n = await db.orm.transaction(async (tx) => {
      const r = await tx.execute<Escalated>(sql`
        UPDATE task_instances t SET escalation_level = ${level}
        FROM stores s
        WHERE s.id = t.store_id AND t.id IN (
          SELECT id FROM task_instances WHERE status = 'overdue' AND ${due} LIMIT ${batch} FOR UPDATE SKIP LOCKED)
        RETURNING t.id, t.tenant_id, t.store_id, t.title, t.due_at, s.org_unit_id, s.parent_org_unit_id, s.code, s.name`);
      for (const t of r.rows) {
        const dueAt = new Date(t.due_at).toISOString();
        await notifier(
          {
            tenantId: t.tenant_id,
            orgUnitId: level === 1 ? t.org_unit_id : t.parent_org_unit_id,
            to: { role: level === 1 ? 'store_manager' : 'region_manager' },
            kind: 'task.overdue',
            title: `${level === 1 ? 'Overdue task' : 'Overdue task escalated'}: ${t.title}`,
            body: `${t.code} ${t.name}: “${t.title}” was due ${dueAt} and is not done.`,
            link: `/operations/tasks/${t.id}`,
            data: { taskId: t.id, storeId: t.store_id, dueAt, level: level === 1 ? 'store_manager' : 'region_manager' },
          },
          tx,
        );
      }
      return r.rows.length;
    });
    total += n;
    if (n < batch) return total;
  }
}
