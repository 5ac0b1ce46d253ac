import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../kernel/db.ts';
import type { TemplateDefinition } from './checklist.ts';
import { addWallMinutes, occurrencesBetween, parseRecurrence } from './recurrence.ts';

/** The occurrences of a send as local wall-clock times: each has its key, when it opens (null: now) and when it is due. */
export interface Plan {
  occ: string[];
  opens: (string | null)[];
  due: string[];
}

/** What a send asks for: a one-off due time, or a recurrence rule with the time allowed after each occurrence. */
export interface Schedule {
  dueLocal?: string;
  opensLocal?: string;
  recurrence?: { rrule: string; startsLocal: string; dueAfterMinutes: number };
}

/** How far ahead recurring tasks are materialised. */
export const horizonDays = 14;

/** The wall-clock horizon for materialising, from an instant. */
export function horizonOf(now: Date, days = horizonDays): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 19);
}

/** Plans the occurrences of a schedule after `fromLocal` (exclusive) up to `toLocal`. */
export function planOccurrences(s: Schedule, fromLocal: string | null, toLocal: string): Plan {
  if (s.recurrence) {
    const rule = parseRecurrence(s.recurrence.rrule, s.recurrence.startsLocal);
    // The first materialisation starts just before DTSTART so DTSTART itself counts (RFC 5545: DTSTART is the first instance when it matches).
    const from = fromLocal ?? addWallMinutes(s.recurrence.startsLocal, -1);
    const occ = occurrencesBetween(rule, from, toLocal);
    return { occ, opens: occ, due: occ.map((o) => addWallMinutes(o, s.recurrence?.dueAfterMinutes ?? 0)) };
  }
  const due = s.dueLocal as string;
  return { occ: [due], opens: [s.opensLocal ?? null], due: [due] };
}

/** The template facts each task copies, so a later change of the template never alters tasks already sent. */
export interface FanOutTask {
  tenantId: string;
  sendId: string;
  templateId: string;
  templateVersion: number;
  role: string;
  title: string;
  definition: Pick<TemplateDefinition, 'approval' | 'estimatedMinutes' | 'sla'>;
  expireAfterMinutes: number;
}

/**
 * Creates the tasks of a plan in every target store with one INSERT … SELECT (not one round trip per store): due
 * times are read in each store's own time zone (`AT TIME ZONE`), and an occurrence already made is skipped, so a
 * repeated materialisation is harmless.
 */
export async function fanOut(tx: Executor, task: FanOutTask, where: SQL, plan: Plan, now: Date): Promise<{ instances: number; stores: number }> {
  if (plan.occ.length === 0) return { instances: 0, stores: 0 };
  const at = now.toISOString();
  const r = await tx.execute<{ instances: number; stores: number }>(sql`
    WITH ins AS (
      INSERT INTO task_instances (id, tenant_id, send_id, template_id, template_version, store_id, role, title, status, approval, occurrence,
        opens_at, due_at, due_date, expires_at, estimated_minutes, sla_store_minutes, sla_region_minutes)
      SELECT 'tsk_' || substr(md5(random()::text || s.id || o.occ::text), 1, 16), s.tenant_id, ${task.sendId}, ${task.templateId}, ${task.templateVersion},
        s.id, ${task.role}, ${task.title},
        CASE WHEN coalesce(o.opens AT TIME ZONE s.time_zone, ${at}::timestamptz) <= ${at}::timestamptz THEN 'open' ELSE 'scheduled' END,
        ${task.definition.approval}, o.occ, coalesce(o.opens AT TIME ZONE s.time_zone, ${at}::timestamptz), o.due AT TIME ZONE s.time_zone, o.due::date,
        (o.due + make_interval(mins => ${task.expireAfterMinutes})) AT TIME ZONE s.time_zone,
        ${task.definition.estimatedMinutes}, ${task.definition.sla.storeManagerAfterMinutes}::int, ${task.definition.sla.regionManagerAfterMinutes}::int
      FROM stores s
      CROSS JOIN unnest(${sql.param(plan.occ)}::timestamp[], ${sql.param(plan.opens)}::timestamp[], ${sql.param(plan.due)}::timestamp[]) AS o(occ, opens, due)
      WHERE ${where}
      ON CONFLICT (send_id, store_id, occurrence) DO NOTHING
      RETURNING store_id)
    SELECT count(*)::int AS instances, count(DISTINCT store_id)::int AS stores FROM ins`);
  return r.rows[0] ?? { instances: 0, stores: 0 };
}
