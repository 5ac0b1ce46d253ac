import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Executor } from '../../kernel/db.ts';
import type { ProfileState } from './profile-state.ts';
import { orderTotal, type ProfiledEvent } from './store-activity.ts';

/**
 * RFM, built in: recency (days since the last order), frequency (orders in a window) and monetary (revenue in a
 * window) from Segment e-commerce `Order Completed` events, online and in store, each scored 1–5 against quintile
 * boundaries that a job recomputes over all buyers; plus lifetime value and orders. Each profile keeps its orders
 * inside the window, so frequency and monetary are exact as orders leave it (an `rfm` timer).
 */

export const rfmSettingsSchema = z.strictObject({
  orderEvent: z.string().min(1).max(200),
  frequencyDays: z.number().int().min(1).max(3650),
  monetaryDays: z.number().int().min(1).max(3650),
});
export type RfmSettings = z.infer<typeof rfmSettingsSchema>;
/** Orders are `Order Completed`; frequency and monetary over a year. */
export const defaultRfmSettings: RfmSettings = { orderEvent: 'Order Completed', frequencyDays: 365, monetaryDays: 365 };

/** Four ascending cut points per measure (20th, 40th, 60th and 80th percentiles). */
export interface RfmBoundaries {
  recency: number[];
  frequency: number[];
  monetary: number[];
}

/** Used until the first boundaries job has run over a tenant's buyers. */
export const defaultBoundaries: RfmBoundaries = { recency: [30, 90, 180, 365], frequency: [1, 2, 3, 5], monetary: [200, 1000, 3000, 10_000] };

const dayMs = 86_400_000;
const maxWindowOrders = 2000;

/** Score 1–5 where more is better (frequency, monetary). */
export function scoreUp(x: number, cuts: number[]): number {
  return 1 + cuts.filter((c) => x > c).length;
}

/** Score 1–5 where less is better (days since the last order). */
export function scoreDown(days: number, cuts: number[]): number {
  return 5 - cuts.filter((c) => days > c).length;
}

/** Drops orders that left the window and recomputes frequency, monetary and the three scores. */
export function refreshRfm(st: ProfileState, now: number, s: RfmSettings, b: RfmBoundaries): void {
  const widest = Math.max(s.frequencyDays, s.monetaryDays) * dayMs;
  const kept = st.orderWindow.filter(([t]) => t > now - widest);
  const frequency = kept.filter(([t]) => t > now - s.frequencyDays * dayMs).length;
  const monetary = kept.filter(([t]) => t > now - s.monetaryDays * dayMs).reduce((a, [, v]) => a + v, 0);
  const r = st.lastOrderAt === null ? null : scoreDown((now - st.lastOrderAt) / dayMs, b.recency);
  const f = st.lastOrderAt === null ? null : scoreUp(frequency, b.frequency);
  const m = st.lastOrderAt === null ? null : scoreUp(monetary, b.monetary);
  if (kept.length !== st.orderWindow.length || frequency !== st.frequency || monetary !== st.monetary || r !== st.rfmR || f !== st.rfmF || m !== st.rfmM) {
    Object.assign(st, { orderWindow: kept, frequency, monetary, rfmR: r, rfmF: f, rfmM: m, dirty: true });
  }
}

/** Counts an order: lifetime value and orders, the last order, the window. */
export function applyOrder(st: ProfileState, ts: number, total: number, now: number, s: RfmSettings): void {
  st.lifetimeValue += total;
  st.lifetimeOrders += 1;
  st.lastOrderAt = st.lastOrderAt === null ? ts : Math.max(st.lastOrderAt, ts);
  if (ts > now - Math.max(s.frequencyDays, s.monetaryDays) * dayMs) {
    // Usually the newest: appended; a late order is put in its place. Oldest first, at most maxWindowOrders.
    const w = st.orderWindow;
    let k = w.length;
    while (k > 0 && w[k - 1][0] > ts) k--;
    const next = [...w.slice(0, k), [ts, total] as [number, number], ...w.slice(k)];
    st.orderWindow = next.length > maxWindowOrders ? next.slice(-maxWindowOrders) : next;
  }
  st.dirty = true;
}

/** The orders of a batch applied to their profiles; answers the profiles whose RFM changed. */
export function applyOrders(states: Map<string, ProfileState>, events: ProfiledEvent[], now: number, s: RfmSettings, b: RfmBoundaries): string[] {
  const touched = new Set<string>();
  for (const e of events) {
    if (e.type !== 'track' || e.event !== s.orderEvent) continue;
    const st = states.get(e.profileId);
    if (!st || st.rebuildNeeded) continue;
    applyOrder(st, e.timestamp.getTime(), orderTotal(e.properties), now, s);
    touched.add(st.id);
  }
  for (const id of touched) refreshRfm(states.get(id) as ProfileState, now, s, b);
  return [...touched];
}

/** The next instant an order leaves the frequency or monetary window (null: none will). */
export function rfmExpiry(st: ProfileState, now: number, s: RfmSettings): number | null {
  // The window is oldest first: per measure, the first order still inside it is the next to leave.
  let next = Number.POSITIVE_INFINITY;
  for (const days of [s.frequencyDays, s.monetaryDays]) {
    for (const [t] of st.orderWindow) {
      const end = t + days * dayMs;
      if (end > now) {
        next = Math.min(next, end);
        break;
      }
    }
  }
  return next === Number.POSITIVE_INFINITY ? null : next;
}

/** Rebuilds RFM and lifetime value of profiles from all their orders (after merges and splits). */
export async function rebuildRfm(tx: Executor, tenantId: string, states: ProfileState[], now: number, s: RfmSettings, b: RfmBoundaries): Promise<void> {
  if (states.length === 0) return;
  const r = await tx.execute<{ profile_id: string; ts: Date; properties: Record<string, unknown> }>(sql`
    SELECT profile_id, ts, properties FROM customer_events
    WHERE tenant_id = ${tenantId} AND profile_id = ANY(${sql.param(states.map((x) => x.id))}::text[]) AND type = 'track' AND event = ${s.orderEvent}`);
  for (const st of states)
    Object.assign(st, { lifetimeValue: 0, lifetimeOrders: 0, lastOrderAt: null, orderWindow: [], frequency: 0, monetary: 0, dirty: true });
  const byId = new Map(states.map((x) => [x.id, x]));
  for (const row of r.rows) {
    const st = byId.get(row.profile_id);
    if (st) applyOrder(st, new Date(row.ts).getTime(), orderTotal(row.properties), now, s);
  }
  for (const st of states) refreshRfm(st, now, s, b);
}

/** Writes the `rfm` timers of profiles (the next order leaving a window). */
export async function writeRfmTimers(tx: Executor, tenantId: string, states: ProfileState[], now: number, s: RfmSettings): Promise<void> {
  for (const q of rfmTimerWrites(tenantId, states, now, s)) await tx.execute(q);
}

/** The statements `writeRfmTimers` runs (none, one or two), for a caller that runs them together with others. */
export function rfmTimerWrites(tenantId: string, states: ProfileState[], now: number, s: RfmSettings): SQL[] {
  if (states.length === 0) return [];
  const due = states.map((x) => ({ id: x.id, at: rfmExpiry(x, now, s) }));
  const set = due.filter((x) => x.at !== null);
  const none = due.filter((x) => x.at === null).map((x) => x.id);
  const out: SQL[] = [];
  if (none.length > 0) out.push(sql`DELETE FROM profile_timers WHERE kind = 'rfm' AND profile_id = ANY(${sql.param(none)}::text[])`);
  if (set.length === 0) return out;
  out.push(sql`
    INSERT INTO profile_timers (kind, ref_id, profile_id, tenant_id, due_at)
    SELECT 'rfm', 'rfm', p, ${tenantId}, to_timestamp(d / 1000.0) FROM unnest(${sql.param(set.map((x) => x.id))}::text[], ${sql.param(set.map((x) => x.at))}::float8[]) AS x(p, d)
    ON CONFLICT (kind, ref_id, profile_id) DO UPDATE SET due_at = excluded.due_at WHERE profile_timers.due_at IS DISTINCT FROM excluded.due_at`);
  return out;
}

/**
 * Recomputes a tenant's quintile boundaries over its buyers and re-scores every buyer in one statement (the daily
 * job; recency drifts with time). Answers the boundaries.
 */
export async function recomputeRfmBoundaries(db: Database, tenantId: string, now: Date): Promise<RfmBoundaries> {
  const iso = now.toISOString();
  const q = await db.pool.query<{ r: number[] | null; f: number[] | null; m: number[] | null }>(
    `SELECT percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY extract(epoch FROM $2::timestamptz - last_order_at) / 86400) AS r,
       percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY frequency) AS f,
       percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY monetary) AS m
     FROM profiles WHERE tenant_id = $1 AND merged_into IS NULL AND last_order_at IS NOT NULL`,
    [tenantId, iso],
  );
  const row = q.rows[0];
  const b: RfmBoundaries = row?.r && row.f && row.m ? { recency: row.r, frequency: row.f, monetary: row.m } : defaultBoundaries;
  await db.pool.query(
    `INSERT INTO customer_settings (tenant_id, rfm_boundaries, rfm_computed_at) VALUES ($1, $2::jsonb, now())
     ON CONFLICT (tenant_id) DO UPDATE SET rfm_boundaries = excluded.rfm_boundaries, rfm_computed_at = now()`,
    [tenantId, JSON.stringify(b)],
  );
  await db.pool.query(
    `UPDATE profiles p SET
       rfm_r = 5 - (SELECT count(*) FROM unnest($3::float8[]) c WHERE extract(epoch FROM $2::timestamptz - p.last_order_at) / 86400 > c),
       rfm_f = 1 + (SELECT count(*) FROM unnest($4::float8[]) c WHERE p.frequency > c),
       rfm_m = 1 + (SELECT count(*) FROM unnest($5::float8[]) c WHERE p.monetary > c)
     WHERE tenant_id = $1 AND merged_into IS NULL AND last_order_at IS NOT NULL`,
    [tenantId, iso, b.recency, b.frequency, b.monetary],
  );
  return b;
}
