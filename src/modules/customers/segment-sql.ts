import { type SQL, sql } from 'drizzle-orm';
import { type Condition, filtersSql, pathSql, valueTestSql } from './segment-conditions.ts';

/**
 * Compiles a segment definition to one SQL predicate over `profiles p`: the same predicate answers the live
 * estimate, the full recompute and the per-event evaluation of a batch of profiles (with `scope`). Time windows are
 * relative to `now` (a parameter, so tests can move the clock) and are also collected as "windows": for each, the
 * instant an event leaves it is when membership may change, which becomes the profile's timer.
 */

/** What compiling needs to know beyond the definition. */
export interface CompileContext {
  tenantId: string;
  now: Date;
  /** Restrict event subqueries to these profiles (a batch); undefined for the whole tenant. */
  scope?: string[];
  /**
   * Whole tenant (recompute): each time window is read once, by the grouped join of `nextChangeJoins` (`w0`, `w1`, …)
   * that answers both its event count and its next change, instead of once for the predicate and once for the timer.
   */
  joinWindows?: boolean;
  /** Computed traits by key: id and kind (a count reads 0 for a person with no row). */
  traitIds: Map<string, { id: string; kind: string }>;
  /** Definitions of other segments, for `segment` conditions. */
  segments: Map<string, Condition>;
  /** Paths of the org units `store` conditions name. */
  orgPaths: Map<string, string>;
  orderEvent: string;
}

/** A time window an event condition reads: a membership can change when its oldest (or newest) event leaves it. */
export interface EventWindow {
  /** Its alias in `nextChangeJoins`: `w` and its index. */
  alias: string;
  from: SQL;
  match: SQL;
  agg: 'min' | 'max';
  days: number;
}

/** A compiled definition: the predicate and the windows it reads. */
export interface Compiled {
  predicate: SQL;
  windows: EventWindow[];
}

// A constant instant, not `now - interval` (a stable expression): the planner then prunes partitions when planning.
const daysBefore = (now: Date, days: number) => sql`${new Date(now.getTime() - days * 86_400_000).toISOString()}::timestamptz`;

/** Compiles a definition; a segment referring to itself (directly or not) is refused before this is reached. */
export function compileDefinition(c: Condition, cx: CompileContext): Compiled {
  const windows: EventWindow[] = [];
  return { predicate: compile(c, cx, windows, []), windows };
}

function scopeSql(cx: CompileContext, column: SQL): SQL {
  return cx.scope ? sql` AND ${column} = ANY(${sql.param(cx.scope)}::text[])` : sql``;
}

function countOp(op: string): SQL {
  return { gte: sql`>=`, gt: sql`>`, eq: sql`=`, lte: sql`<=`, lt: sql`<` }[op] ?? sql`>=`;
}

function countSql(op: string, value: number): SQL {
  return sql`count(*) ${countOp(op)} ${value}`;
}

/** Adds a window; answers its count of events as the join of `nextChangeJoins` gives it (0 for none). */
function addWindow(windows: EventWindow[], w: Omit<EventWindow, 'alias'>): SQL {
  const alias = `w${windows.length}`;
  windows.push({ ...w, alias });
  return sql`coalesce(${sql.raw(alias)}.n, 0)`;
}

/** Whether a count test means "at least one". */
const atLeastOnce = (op: string, value: number) => (op === 'gte' && value === 1) || (op === 'gt' && value === 0);

/** The time of a person's newest matching event (a scalar subquery: its ORDER BY … LIMIT 1 scans partitions newest first). */
function newestSql(from: SQL, match: SQL): SQL {
  return sql`(SELECT e.ts FROM ${from} WHERE ${match} AND e.profile_id = p.id ORDER BY e.ts DESC LIMIT 1)`;
}

function countPasses(op: string, n: number, value: number): boolean {
  return op === 'gte' ? n >= value : op === 'gt' ? n > value : op === 'eq' ? n === value : op === 'lte' ? n <= value : n < value;
}

/** Profiles whose matching events pass a count test; written as NOT IN when zero events pass (so people with none count). */
function countedSql(cx: CompileContext, from: SQL, match: SQL, op: string, value: number): SQL {
  const base = sql`SELECT e.profile_id FROM ${from} WHERE ${match}${scopeSql(cx, sql`e.profile_id`)} GROUP BY e.profile_id`;
  return countPasses(op, 0, value) ? sql`p.id NOT IN (${base} HAVING NOT (${countSql(op, value)}))` : sql`p.id IN (${base} HAVING ${countSql(op, value)})`;
}

function compile(c: Condition, cx: CompileContext, windows: EventWindow[], stack: string[]): SQL {
  switch (c.type) {
    case 'and':
    case 'or':
      return sql`(${sql.join(
        c.conditions.map((x) => compile(x, cx, windows, stack)),
        c.type === 'and' ? sql` AND ` : sql` OR `,
      )})`;
    case 'not':
      return sql`(NOT ${compile(c.condition, cx, windows, stack)})`;
    case 'trait':
      return valueTestSql(pathSql(sql`p.traits`, c.trait), c.op, c.value);
    case 'computed_trait': {
      const t = cx.traitIds.get(c.key);
      if (!t) return sql`false`;
      const read = sql`(SELECT v.value FROM computed_trait_values v WHERE v.trait_id = ${t.id} AND v.profile_id = p.id)`;
      return valueTestSql(t.kind === 'count' ? sql`coalesce(${read}, '0'::jsonb)` : read, c.op, c.value);
    }
    case 'rfm': {
      const column = {
        r: sql`p.rfm_r`,
        f: sql`p.rfm_f`,
        m: sql`p.rfm_m`,
        recency_days: sql`(extract(epoch FROM ${cx.now.toISOString()}::timestamptz - p.last_order_at) / 86400)`,
        frequency: sql`p.frequency`,
        monetary: sql`p.monetary`,
        lifetime_value: sql`p.lifetime_value`,
        lifetime_orders: sql`p.lifetime_orders`,
      }[c.metric];
      const cmp = { eq: sql`=`, neq: sql`<>`, gt: sql`>`, gte: sql`>=`, lt: sql`<`, lte: sql`<=` }[c.op];
      return sql`coalesce(${column} ${cmp} ${c.value}, false)`;
    }
    case 'event': {
      const from = sql`customer_events e`;
      const match = sql`e.tenant_id = ${cx.tenantId} AND e.event = ${c.event} AND ${filtersSql(c.where)}`;
      const count = c.count ?? { op: 'gte', value: 1 };
      // A batch's few people, "did it at least once": each person's newest matching event, partitions newest first,
      // stopping at the first found, instead of every matching event of theirs in every partition.
      const newest = cx.scope !== undefined && atLeastOnce(count.op, count.value);
      if (c.withinDays) {
        const inWindow = sql`${match} AND e.ts > ${daysBefore(cx.now, c.withinDays)}`;
        const n = addWindow(windows, { from, match: inWindow, agg: 'min', days: c.withinDays });
        return cx.joinWindows ? sql`(${n} ${countOp(count.op)} ${count.value})` : countedSql(cx, from, inWindow, count.op, count.value);
      }
      if (c.notWithinDays) {
        const recent = sql`${match} AND e.ts > ${daysBefore(cx.now, c.notWithinDays)}`;
        const n = addWindow(windows, { from, match: recent, agg: 'max', days: c.notWithinDays });
        // Nothing recent first: someone who just did it is answered from the newest partition alone.
        if (newest) return sql`(${newestSql(from, recent)} IS NULL AND ${newestSql(from, match)} IS NOT NULL)`;
        const none = cx.joinWindows ? sql`${n} = 0` : sql`p.id NOT IN (SELECT e.profile_id FROM ${from} WHERE ${recent}${scopeSql(cx, sql`e.profile_id`)})`;
        return sql`(${countedSql(cx, from, match, count.op, count.value)} AND ${none})`;
      }
      return newest ? sql`${newestSql(from, match)} IS NOT NULL` : countedSql(cx, from, match, count.op, count.value);
    }
    case 'store': {
      const path = cx.orgPaths.get(c.orgUnitId);
      if (!path) return sql`false`;
      const like = `${path.replace(/[\\%_]/g, (x) => `\\${x}`)}%`;
      if (!c.withinDays) {
        const bought = c.activity === 'purchased' ? sql` AND ps.purchases > 0` : sql``;
        return sql`p.id IN (SELECT ps.profile_id FROM profile_stores ps WHERE ps.tenant_id = ${cx.tenantId} AND ps.org_path LIKE ${like}${bought}${scopeSql(cx, sql`ps.profile_id`)})`;
      }
      const from = sql`customer_events e JOIN stores s ON s.id = e.store_id`;
      const bought = c.activity === 'purchased' ? sql` AND e.event = ${cx.orderEvent}` : sql``;
      const match = sql`e.tenant_id = ${cx.tenantId} AND s.org_path LIKE ${like}${bought} AND e.ts > ${daysBefore(cx.now, c.withinDays)}`;
      const n = addWindow(windows, { from, match, agg: 'min', days: c.withinDays });
      return cx.joinWindows ? sql`${n} > 0` : sql`p.id IN (SELECT e.profile_id FROM ${from} WHERE ${match}${scopeSql(cx, sql`e.profile_id`)})`;
    }
    case 'consent': {
      const one = (channel: string) =>
        sql`(SELECT c.granted FROM consents c WHERE c.profile_id = p.id AND c.purpose = ${c.purpose} AND c.channel = ${channel})`;
      const effective = c.channel ? sql`coalesce(${one(c.channel)}, ${one('*')}, false)` : sql`coalesce(${one('*')}, false)`;
      return sql`(${effective} = ${c.granted})`;
    }
    case 'segment': {
      const def = cx.segments.get(c.segmentId);
      if (!def || stack.includes(c.segmentId)) return sql`false`;
      const inner = compile(def, cx, windows, [...stack, c.segmentId]);
      return c.member === false ? sql`(NOT ${inner})` : inner;
    }
  }
}

/** The instant a profile's membership may next change, as a correlated expression (batch evaluation). */
export function nextChangeSql(windows: EventWindow[]): SQL {
  if (windows.length === 0) return sql`NULL::timestamptz`;
  const parts = windows.map(
    (w) =>
      sql`((SELECT ${w.agg === 'min' ? sql`min(e.ts)` : sql`max(e.ts)`} FROM ${w.from} WHERE ${w.match} AND e.profile_id = p.id) + make_interval(days => ${w.days}))`,
  );
  return sql`least(${sql.join(parts, sql`, `)})`;
}

/** The same for a whole tenant: one grouped subquery per window, joined, with its count too (`joinWindows`; full recompute). */
export function nextChangeJoins(windows: EventWindow[]): { joins: SQL; expr: SQL } {
  if (windows.length === 0) return { joins: sql``, expr: sql`NULL::timestamptz` };
  const joins = windows.map(
    (w) =>
      sql` LEFT JOIN (SELECT e.profile_id, count(*) AS n, ${w.agg === 'min' ? sql`min(e.ts)` : sql`max(e.ts)`} + make_interval(days => ${w.days}) AS at FROM ${w.from}
        WHERE ${w.match} GROUP BY e.profile_id) ${sql.raw(w.alias)} ON ${sql.raw(w.alias)}.profile_id = p.id`,
  );
  return {
    joins: sql.join(joins, sql``),
    expr: sql`least(${sql.join(
      windows.map((w) => sql.raw(`${w.alias}.at`)),
      sql`, `,
    )})`,
  };
}
