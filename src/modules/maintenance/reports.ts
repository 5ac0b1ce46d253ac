import { sql, type SQL } from 'drizzle-orm';
import { requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import { findUnitInScope } from '../org/index.ts';

/** The window and part of the tree a report covers. */
export interface ReportQuery {
  from: Date;
  to: Date;
  orgUnitId?: string;
}

async function scope(ctx: Ctx, q: ReportQuery, alias: string): Promise<SQL> {
  const paths = requireScope(ctx.actor, 'maintenance:read');
  const col = sql.raw(`${alias}.org_path`);
  const parts = paths.map((p) => sql`${col} LIKE ${`${p}%`}`);
  let where = sql`${sql.raw(`${alias}.tenant_id`)} = ${ctx.actor.tenantId} AND (${sql.join(parts, sql` OR `)})`;
  if (q.orgUnitId) {
    const unit = await findUnitInScope(ctx.db.orm, ctx.actor, q.orgUnitId, 'maintenance:read');
    where = sql`${where} AND ${col} LIKE ${`${unit.path}%`}`;
  }
  return where;
}

const minutes = (n: unknown) => (n === null || n === undefined ? null : Math.round(Number(n) * 10) / 10);
const hours = (n: unknown) => Math.round(Number(n ?? 0) * 100) / 100;

/**
 * Mean time to acknowledge (created → first IN_PROGRESS) and to repair (created → COMPLETE) of the work orders
 * opened in the window, by priority; and asset downtime inside the window by category, by store and by region.
 */
export async function maintenanceReport(ctx: Ctx, q: ReportQuery) {
  const w = await scope(ctx, q, 'w');
  const d = await scope(ctx, q, 'd');
  const from = q.from.toISOString();
  const to = q.to.toISOString();
  const times = await ctx.db.orm.execute<{
    priority: string | null;
    created: number;
    completed: number;
    breached: number;
    mtta: number | null;
    mttr: number | null;
  }>(sql`
    SELECT w.priority, count(*)::int AS created, count(w.completed_at)::int AS completed,
      count(*) FILTER (WHERE w.escalation_level > 0)::int AS breached,
      avg(extract(epoch FROM w.acknowledged_at - w.created_at) / 60) AS mtta,
      avg(extract(epoch FROM w.completed_at - w.created_at) / 60) AS mttr
    FROM work_orders w
    WHERE ${w} AND w.created_at >= ${from}::timestamptz AND w.created_at < ${to}::timestamptz
    GROUP BY ROLLUP (w.priority)`);
  const overlap = sql`extract(epoch FROM least(coalesce(d.ended_at, ${to}::timestamptz), ${to}::timestamptz) - greatest(d.started_at, ${from}::timestamptz)) / 3600`;
  const inWindow = sql`${d} AND d.started_at < ${to}::timestamptz AND coalesce(d.ended_at, ${to}::timestamptz) > ${from}::timestamptz`;
  const byCategory = await ctx.db.orm.execute<{ category: string; hours: number; intervals: number }>(sql`
    SELECT d.category, sum(${overlap}) AS hours, count(*)::int AS intervals FROM asset_downtime d WHERE ${inWindow}
    GROUP BY d.category ORDER BY hours DESC`);
  const byStore = await ctx.db.orm.execute<{
    store_id: string;
    store_name: string;
    region_id: string;
    region_name: string;
    hours: number;
    intervals: number;
  }>(sql`
    SELECT d.store_id, s.name AS store_name, s.parent_org_unit_id AS region_id, r.name AS region_name, sum(${overlap}) AS hours, count(*)::int AS intervals
    FROM asset_downtime d JOIN stores s ON s.id = d.store_id JOIN org_units r ON r.id = s.parent_org_unit_id
    WHERE ${inWindow} GROUP BY d.store_id, s.name, s.parent_org_unit_id, r.name ORDER BY hours DESC LIMIT 500`);
  const regions = new Map<string, { regionId: string; regionName: string; hours: number; intervals: number }>();
  for (const r of byStore.rows) {
    const g = regions.get(r.region_id) ?? { regionId: r.region_id, regionName: r.region_name, hours: 0, intervals: 0 };
    g.hours += Number(r.hours);
    g.intervals += r.intervals;
    regions.set(r.region_id, g);
  }
  const total = times.rows.find((r) => r.priority === null);
  return {
    from: q.from,
    to: q.to,
    workOrders: {
      created: total?.created ?? 0,
      completed: total?.completed ?? 0,
      breached: total?.breached ?? 0,
      mttaMinutes: minutes(total?.mtta),
      mttrMinutes: minutes(total?.mttr),
      byPriority: times.rows
        .filter((r) => r.priority !== null)
        .map((r) => ({
          priority: String(r.priority),
          created: r.created,
          completed: r.completed,
          breached: r.breached,
          mttaMinutes: minutes(r.mtta),
          mttrMinutes: minutes(r.mttr),
        })),
    },
    downtimeByCategory: byCategory.rows.map((r) => ({ category: r.category, hours: hours(r.hours), intervals: r.intervals })),
    downtimeByStore: byStore.rows.map((r) => ({
      storeId: r.store_id,
      storeName: r.store_name,
      regionName: r.region_name,
      hours: hours(r.hours),
      intervals: r.intervals,
    })),
    downtimeByRegion: [...regions.values()].map((r) => ({ ...r, hours: hours(r.hours) })).sort((a, b) => b.hours - a.hours),
  };
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
  // A leading =, +, - or @ would run as a formula in a spreadsheet: quote it with a leading apostrophe.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The report as CSV: one of its tables (`priority`, `category`, `store`, `region`). */
export async function maintenanceReportCsv(ctx: Ctx, q: ReportQuery, table: 'priority' | 'category' | 'store' | 'region'): Promise<string> {
  const r = await maintenanceReport(ctx, q);
  const rows: Record<string, unknown>[] =
    table === 'priority' ? r.workOrders.byPriority : table === 'category' ? r.downtimeByCategory : table === 'store' ? r.downtimeByStore : r.downtimeByRegion;
  const header = rows[0]
    ? Object.keys(rows[0])
    : {
        priority: ['priority'],
        category: ['category', 'hours', 'intervals'],
        store: ['storeId', 'storeName', 'regionName', 'hours', 'intervals'],
        region: ['regionId', 'regionName', 'hours', 'intervals'],
      }[table];
  return [header.join(','), ...rows.map((row) => header.map((h) => csvCell(row[h])).join(','))].join('\r\n') + '\r\n';
}
