import { sql } from 'drizzle-orm';
import type { Executor } from '../../kernel/db.ts';
import type { CommittedEvent } from './contract.ts';
import { numericSql } from './segment-conditions.ts';

/** A committed event with the (live) profile it belongs to and, from the event writer, its flush part. */
export type ProfiledEvent = CommittedEvent;

/** The revenue keys of Segment's e-commerce spec, in the order they are read. */
export const revenueKeys = ['total', 'revenue', 'value'] as const;

/** An order's total from its properties (`total`, else `revenue`, else `value`), 0 when none is a number. */
export function orderTotal(properties: Record<string, unknown>): number {
  for (const k of revenueKeys) {
    const v = properties[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  }
  return 0;
}

/**
 * Counts each person's activity per store (events as visits, orders as purchases, their revenue) and refreshes the
 * preferred store: most purchases, then most visits. Events naming a store the tenant does not have are skipped.
 */
export async function applyStoreActivity(tx: Executor, tenantId: string, events: ProfiledEvent[], orderEvent: string): Promise<void> {
  const acc = new Map<string, { p: string; s: string; visits: number; purchases: number; revenue: number; last: number }>();
  for (const e of events) {
    if (!e.storeId) continue;
    const key = `${e.profileId}|${e.storeId}`;
    const a = acc.get(key) ?? { p: e.profileId, s: e.storeId, visits: 0, purchases: 0, revenue: 0, last: 0 };
    a.visits++;
    if (e.type === 'track' && e.event === orderEvent) {
      a.purchases++;
      a.revenue += orderTotal(e.properties);
    }
    a.last = Math.max(a.last, e.timestamp.getTime());
    acc.set(key, a);
  }
  if (acc.size === 0) return;
  const rows = [...acc.values()];
  const col = <T>(f: (r: (typeof rows)[number]) => T) => sql.param(rows.map(f));
  await tx.execute(sql`
    INSERT INTO profile_stores (tenant_id, profile_id, store_id, org_path, visits, purchases, revenue, last_at)
    SELECT ${tenantId}, x.p, x.s, st.org_path, x.v, x.pu, x.r, to_timestamp(x.l / 1000.0)
    FROM unnest(${col((r) => r.p)}::text[], ${col((r) => r.s)}::text[], ${col((r) => r.visits)}::int[], ${col((r) => r.purchases)}::int[],
      ${col((r) => r.revenue)}::float8[], ${col((r) => r.last)}::float8[]) AS x(p, s, v, pu, r, l)
    JOIN stores st ON st.id = x.s AND st.tenant_id = ${tenantId}
    ORDER BY x.p, x.s
    ON CONFLICT (profile_id, store_id) DO UPDATE SET visits = profile_stores.visits + excluded.visits, purchases = profile_stores.purchases + excluded.purchases,
      revenue = profile_stores.revenue + excluded.revenue, last_at = greatest(profile_stores.last_at, excluded.last_at)`);
  await refreshPreferredStore(tx, [...new Set(rows.map((r) => r.p))]);
}

/** Sets each profile's preferred store: most purchases, then most visits, then the latest. */
export async function refreshPreferredStore(tx: Executor, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.execute(sql`
    UPDATE profiles p SET preferred_store_id = (SELECT s.store_id FROM profile_stores s WHERE s.profile_id = p.id
      ORDER BY s.purchases DESC, s.visits DESC, s.last_at DESC LIMIT 1)
    WHERE p.id = ANY(${sql.param(ids)}::text[])`);
}

/** Rebuilds store activity of profiles from their events (after a split). */
export async function rebuildStores(tx: Executor, tenantId: string, ids: string[], orderEvent: string): Promise<void> {
  await tx.execute(sql`DELETE FROM profile_stores WHERE profile_id = ANY(${sql.param(ids)}::text[])`);
  const total = numericSql(sql`coalesce(e.properties -> 'total', e.properties -> 'revenue', e.properties -> 'value')`);
  await tx.execute(sql`
    INSERT INTO profile_stores (tenant_id, profile_id, store_id, org_path, visits, purchases, revenue, last_at)
    SELECT ${tenantId}, e.profile_id, e.store_id, st.org_path, count(*), count(*) FILTER (WHERE e.type = 'track' AND e.event = ${orderEvent}),
      coalesce(sum(${total}) FILTER (WHERE e.type = 'track' AND e.event = ${orderEvent}), 0), max(e.ts)
    FROM customer_events e JOIN stores st ON st.id = e.store_id AND st.tenant_id = ${tenantId}
    WHERE e.tenant_id = ${tenantId} AND e.profile_id = ANY(${sql.param(ids)}::text[])
    GROUP BY e.profile_id, e.store_id, st.org_path`);
  await refreshPreferredStore(tx, ids);
}
