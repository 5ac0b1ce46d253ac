import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../kernel/db.ts';
import { storeStatuses } from '../stores/index.ts';

/** Which stores a send reaches: an org-unit subtree narrowed by store attributes. */
export const targetSchema = z.strictObject({
  orgUnitId: z.string().min(1).max(64),
  formats: z.array(z.string().trim().min(1).max(40)).max(10).optional(),
  cities: z.array(z.string().trim().min(1).max(60)).max(200).optional(),
  statuses: z.array(z.enum(storeStatuses)).min(1).max(5).default(['open']),
  floorAreaMin: z.number().int().min(0).max(500_000).optional(),
  floorAreaMax: z.number().int().min(0).max(500_000).optional(),
});
export type Target = z.infer<typeof targetSchema>;

/** The stores (`s`) of a tenant under a subtree path that match a target's attributes. */
export function targetWhere(tenantId: string, unitPath: string, t: Target): SQL {
  const parts: SQL[] = [sql`s.tenant_id = ${tenantId}`, sql`s.org_path LIKE ${`${unitPath}%`}`, sql`s.status = ANY(${sql.param(t.statuses)}::text[])`];
  if (t.formats?.length) parts.push(sql`s.format = ANY(${sql.param(t.formats)}::text[])`);
  if (t.cities?.length) parts.push(sql`s.city = ANY(${sql.param(t.cities)}::text[])`);
  if (t.floorAreaMin !== undefined) parts.push(sql`s.floor_area >= ${t.floorAreaMin}`);
  if (t.floorAreaMax !== undefined) parts.push(sql`s.floor_area <= ${t.floorAreaMax}`);
  return sql.join(parts, sql` AND `);
}

/** How many stores a target reaches. */
export async function countTargets(db: Executor, where: SQL): Promise<number> {
  const r = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM stores s WHERE ${where}`);
  return r.rows[0]?.n ?? 0;
}

/** A store whose week would carry more assigned minutes than the cap if the send went out. */
export interface LoadWarning {
  storeId: string;
  code: string;
  name: string;
  weekStart: string;
  existingMinutes: number;
  addedMinutes: number;
}

/** The minutes a send adds to each ISO week (Monday first) of its due dates. */
export function minutesByWeek(dueLocals: string[], minutes: number, maxWeeks = 4): { weekStart: string; added: number }[] {
  const weeks = new Map<string, number>();
  for (const due of dueLocals) {
    const d = new Date(`${due.slice(0, 10)}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    const key = d.toISOString().slice(0, 10);
    weeks.set(key, (weeks.get(key) ?? 0) + minutes);
  }
  return [...weeks.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(0, maxWeeks)
    .map(([weekStart, added]) => ({ weekStart, added }));
}

/**
 * The load guard (Infor's "gatekeeper"): the target stores whose assigned minutes in a week, with this send's added,
 * would pass the tenant's weekly cap. Reads the per-day rollup, so it costs one indexed probe per store and week.
 */
export async function loadWarnings(
  db: Executor,
  where: SQL,
  weeks: { weekStart: string; added: number }[],
  cap: number,
  limit = 100,
): Promise<{ total: number; stores: LoadWarning[] }> {
  if (weeks.length === 0 || weeks.every((w) => w.added === 0)) return { total: 0, stores: [] };
  const r = await db.execute<{ store_id: string; code: string; name: string; week_start: string; existing: number; added: number; total: number }>(sql`
    SELECT s.id AS store_id, s.code, s.name, to_char(w.week_start, 'YYYY-MM-DD') AS week_start, w.added,
      coalesce(sum(st.minutes), 0)::int AS existing, count(*) OVER ()::int AS total
    FROM stores s
    CROSS JOIN unnest(${sql.param(weeks.map((w) => w.weekStart))}::date[], ${sql.param(weeks.map((w) => w.added))}::int[]) AS w(week_start, added)
    LEFT JOIN task_store_day_stats st ON st.store_id = s.id AND st.day >= w.week_start AND st.day < w.week_start + 7
    WHERE ${where}
    GROUP BY s.id, s.code, s.name, w.week_start, w.added
    HAVING coalesce(sum(st.minutes), 0) + w.added > ${cap}
    ORDER BY existing DESC, s.code
    LIMIT ${limit}`);
  return {
    total: r.rows[0]?.total ?? 0,
    stores: r.rows.map((x) => ({
      storeId: x.store_id,
      code: x.code,
      name: x.name,
      weekStart: x.week_start,
      existingMinutes: x.existing,
      addedMinutes: x.added,
    })),
  };
}
