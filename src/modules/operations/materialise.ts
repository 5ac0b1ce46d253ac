import { sql } from 'drizzle-orm';
import type { Database } from '../../kernel/db.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import type { TemplateDefinition } from './checklist.ts';
import { fanOut, horizonOf, planOccurrences } from './fan-out.ts';
import type { Target } from './targets.ts';
import { targetWhere } from './targets.ts';

type RecurringSend = {
  id: string;
  tenant_id: string;
  template_id: string;
  template_version: number;
  role: string;
  title: string;
  target: Target;
  rrule: string;
  recurrence_start: string;
  due_after_minutes: number;
  expire_after_minutes: number | null;
  materialised_until: string;
  unit_path: string;
  definition: TemplateDefinition;
};

/**
 * Makes the tasks of recurring sends up to the horizon (a pg-boss schedule runs it every few minutes): each send in
 * its own transaction, locked so two nodes never do the same one, its target read again so a store opened since
 * gets its share. Answers how many tasks were made.
 */
export async function materialiseRecurrences(db: Database, now = new Date()): Promise<number> {
  const horizon = horizonOf(now);
  let made = 0;
  for (;;) {
    const done = await db.orm.transaction(async (tx) => {
      const r = await tx.execute<RecurringSend>(sql`
        SELECT ts.id, ts.tenant_id, ts.template_id, ts.template_version, ts.role, ts.title, ts.target, ts.rrule,
          to_char(ts.recurrence_start, 'YYYY-MM-DD"T"HH24:MI:SS') AS recurrence_start, ts.due_after_minutes, ts.expire_after_minutes,
          to_char(ts.materialised_until, 'YYYY-MM-DD"T"HH24:MI:SS') AS materialised_until, ou.path AS unit_path, v.definition
        FROM task_sends ts
        JOIN org_units ou ON ou.id = ts.org_unit_id
        JOIN task_template_versions v ON v.template_id = ts.template_id AND v.version = ts.template_version
        WHERE ts.rrule IS NOT NULL AND ts.status = 'active' AND ts.materialised_until < ${horizon}::timestamp
        ORDER BY ts.materialised_until LIMIT 1 FOR UPDATE OF ts SKIP LOCKED`);
      const s = r.rows[0];
      if (!s) return false;
      const plan = planOccurrences(
        { recurrence: { rrule: s.rrule, startsLocal: s.recurrence_start, dueAfterMinutes: s.due_after_minutes } },
        s.materialised_until,
        horizon,
      );
      const result = await fanOut(
        tx,
        {
          tenantId: s.tenant_id,
          sendId: s.id,
          templateId: s.template_id,
          templateVersion: s.template_version,
          role: s.role,
          title: s.title,
          definition: s.definition,
          expireAfterMinutes: s.expire_after_minutes ?? 10_080,
        },
        targetWhere(s.tenant_id, s.unit_path, s.target),
        plan,
        now,
      );
      await tx.execute(sql`UPDATE task_sends SET materialised_until = ${horizon}::timestamp, instance_count = instance_count + ${result.instances},
        store_count = GREATEST(store_count, ${result.stores}) WHERE id = ${s.id}`);
      if (result.instances > 0) await publishEvent(tx, s.tenant_id, 'task.materialised', { sendId: s.id, instances: result.instances, until: horizon });
      made += result.instances;
      return true;
    });
    if (!done) return made;
  }
}
