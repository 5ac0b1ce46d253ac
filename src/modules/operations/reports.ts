import { type SQL, sql } from 'drizzle-orm';
import { requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import { findUnitInScope } from '../org/index.ts';

/** The period and grouping of a report; `orgUnitId` narrows it to a subtree in the caller's scope. */
export interface ReportQuery {
  groupBy: 'store' | 'region';
  from: string;
  to: string;
  orgUnitId?: string;
  limit: number;
}

/** Task counts and rates of one store or region. */
export interface ComplianceRow {
  id: string;
  code: string;
  name: string;
  total: number;
  completed: number;
  onTime: number;
  overdue: number;
  expired: number;
  completionRate: number;
  onTimeRate: number;
}

/** Stores (`s`) in the caller's scope for a permission, narrowed to a subtree when asked. */
async function scopeWhere(ctx: Ctx, permission: string, orgUnitId?: string): Promise<SQL> {
  const paths = requireScope(ctx.actor, permission);
  const parts = paths.map((p) => sql`s.org_path LIKE ${`${p}%`}`);
  const scope = sql`(${sql.join(parts, sql` OR `)})`;
  if (!orgUnitId) return scope;
  const unit = await findUnitInScope(ctx.db.orm, ctx.actor, orgUnitId, permission);
  return sql`${scope} AND s.org_path LIKE ${`${unit.path}%`}`;
}

function group(groupBy: 'store' | 'region') {
  return groupBy === 'store'
    ? { key: sql`s.id`, code: sql`s.code`, name: sql`s.name`, join: sql`` }
    : { key: sql`p.id`, code: sql`p.code`, name: sql`p.name`, join: sql`JOIN org_units p ON p.id = s.parent_org_unit_id` };
}

/**
 * Completion and on-time rates by store or region over due days, worst first. Reads the per-store-day rollup
 * (kept by triggers on task_instances), so a million tasks cost a few tens of thousands of rows.
 */
export async function complianceReport(ctx: Ctx, q: ReportQuery): Promise<ComplianceRow[]> {
  const scope = await scopeWhere(ctx, 'tasks:read', q.orgUnitId);
  const g = group(q.groupBy);
  // Days are summed per store first (one pass over the rollup), so stores and regions join a row per store, not per day.
  const r = await ctx.db.orm.execute<Omit<ComplianceRow, 'completionRate' | 'onTimeRate'>>(sql`
    WITH st AS (
      SELECT store_id, sum(total) AS total, sum(completed) AS completed, sum(on_time) AS on_time, sum(overdue) AS overdue, sum(expired) AS expired
      FROM task_store_day_stats WHERE tenant_id = ${ctx.actor.tenantId} AND day BETWEEN ${q.from}::date AND ${q.to}::date GROUP BY store_id)
    SELECT ${g.key} AS id, ${g.code} AS code, ${g.name} AS name, sum(st.total)::int AS total, sum(st.completed)::int AS completed,
      sum(st.on_time)::int AS "onTime", sum(st.overdue)::int AS overdue, sum(st.expired)::int AS expired
    FROM st JOIN stores s ON s.id = st.store_id ${g.join}
    WHERE ${scope}
    GROUP BY 1, 2, 3
    HAVING sum(st.total) > 0
    ORDER BY sum(st.completed)::float8 / sum(st.total), 2
    LIMIT ${q.limit}`);
  return r.rows.map((x) => ({ ...x, completionRate: rate(x.completed, x.total), onTimeRate: rate(x.onTime, x.total) }));
}

/** Completion and on-time rates of the whole scope per ISO week, for the trend chart. */
export async function complianceTrend(ctx: Ctx, q: Omit<ReportQuery, 'groupBy' | 'limit'>) {
  const scope = await scopeWhere(ctx, 'tasks:read', q.orgUnitId);
  const r = await ctx.db.orm.execute<{ week: string; total: number; completed: number; onTime: number }>(sql`
    SELECT to_char(date_trunc('week', st.day), 'YYYY-MM-DD') AS week, sum(st.total)::int AS total, sum(st.completed)::int AS completed, sum(st.on_time)::int AS "onTime"
    FROM task_store_day_stats st JOIN stores s ON s.id = st.store_id
    WHERE st.tenant_id = ${ctx.actor.tenantId} AND st.day BETWEEN ${q.from}::date AND ${q.to}::date AND ${scope}
    GROUP BY 1 ORDER BY 1`);
  return r.rows.map((x) => ({ ...x, completionRate: rate(x.completed, x.total), onTimeRate: rate(x.onTime, x.total) }));
}

/** Audit scores by store or region over completed audits: average, lowest, how many passed and failed. */
export async function auditScoreReport(ctx: Ctx, q: ReportQuery) {
  const scope = await scopeWhere(ctx, 'audits:read', q.orgUnitId);
  const g = group(q.groupBy);
  const r = await ctx.db.orm.execute<{
    id: string;
    code: string;
    name: string;
    audits: number;
    passed: number;
    avgScore: number;
    minScore: number;
    criticalFailed: number;
  }>(sql`
    SELECT ${g.key} AS id, ${g.code} AS code, ${g.name} AS name, count(*)::int AS audits, count(*) FILTER (WHERE a.passed)::int AS passed,
      round(avg(a.score)::numeric, 1)::float8 AS "avgScore", min(a.score)::float8 AS "minScore", count(*) FILTER (WHERE a.critical_failed)::int AS "criticalFailed"
    FROM audits a JOIN stores s ON s.id = a.store_id ${g.join}
    WHERE a.tenant_id = ${ctx.actor.tenantId} AND a.status = 'completed' AND a.completed_at >= ${q.from}::date AND a.completed_at < ${q.to}::date + 1 AND ${scope}
    GROUP BY 1, 2, 3 ORDER BY "avgScore", 2 LIMIT ${q.limit}`);
  return r.rows;
}

/** Average audit score per region and month: the heat map's cells. */
export async function auditHeatmap(ctx: Ctx, q: Omit<ReportQuery, 'groupBy' | 'limit'>) {
  const scope = await scopeWhere(ctx, 'audits:read', q.orgUnitId);
  const r = await ctx.db.orm.execute<{ regionId: string; regionName: string; period: string; audits: number; avgScore: number }>(sql`
    SELECT p.id AS "regionId", p.name AS "regionName", to_char(date_trunc('month', a.completed_at), 'YYYY-MM') AS period,
      count(*)::int AS audits, round(avg(a.score)::numeric, 1)::float8 AS "avgScore"
    FROM audits a JOIN stores s ON s.id = a.store_id JOIN org_units p ON p.id = s.parent_org_unit_id
    WHERE a.tenant_id = ${ctx.actor.tenantId} AND a.status = 'completed' AND a.completed_at >= ${q.from}::date AND a.completed_at < ${q.to}::date + 1 AND ${scope}
    GROUP BY 1, 2, 3 ORDER BY 2, 3`);
  return r.rows;
}

function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}

/** Rows as RFC 4180 CSV with a header line; cells with commas, quotes or line breaks are quoted. */
export function toCsv<T extends object>(rows: T[], columns: (keyof T & string)[]): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    // A leading =, +, - or @ would run as a formula in a spreadsheet: prefix it.
    const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
    return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
