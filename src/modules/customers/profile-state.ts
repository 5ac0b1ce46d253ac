import { sql } from 'drizzle-orm';
import type { Executor } from '../../kernel/db.ts';
import type { WindowOrder } from './profiles-schema.ts';

/** The mutable part of a profile the pipeline works on: loaded under a row lock, changed in memory, written once. */
export interface ProfileState {
  id: string;
  traits: Record<string, unknown>;
  traitTimes: Record<string, string>;
  lastOrderAt: number | null;
  orderWindow: WindowOrder[];
  frequency: number;
  monetary: number;
  rfmR: number | null;
  rfmF: number | null;
  rfmM: number | null;
  lifetimeValue: number;
  lifetimeOrders: number;
  rebuildNeeded: boolean;
  lastSeen: number;
  dirty: boolean;
}

type Row = {
  id: string;
  merged_into: string | null;
  traits: Record<string, unknown>;
  trait_times: Record<string, string>;
  last_order_at: Date | null;
  order_window: WindowOrder[];
  frequency: number;
  monetary: number;
  rfm_r: number | null;
  rfm_f: number | null;
  rfm_m: number | null;
  lifetime_value: number;
  lifetime_orders: number;
  rebuild_needed: boolean;
  last_seen_at: Date;
};

/**
 * The live profiles behind the given ids (a merged id leads to its winner), locked in id order so two nodes working on
 * one person take turns. Answers the states and, for every id asked, the live id it stands for.
 */
export async function loadProfiles(tx: Executor, tenantId: string, ids: string[]): Promise<{ states: Map<string, ProfileState>; live: Map<string, string> }> {
  const live = new Map<string, string>();
  const asked = sql.param([...new Set(ids)]);
  // One round trip: the live profiles behind the ids, locked, each with the asked ids it stands for.
  const rows = await tx.execute<Row & { asked: string[] | null }>(sql`
    SELECT p.id, p.merged_into, p.traits, p.trait_times, p.last_order_at, p.order_window, p.frequency, p.monetary, p.rfm_r, p.rfm_f, p.rfm_m,
      p.lifetime_value, p.lifetime_orders, p.rebuild_needed, p.last_seen_at,
      (SELECT array_agg(q.id) FROM profiles q WHERE q.id = ANY(${asked}::text[]) AND coalesce(q.merged_into, q.id) = p.id) AS asked
    FROM profiles p
    WHERE p.tenant_id = ${tenantId} AND p.id IN (SELECT coalesce(merged_into, id) FROM profiles WHERE tenant_id = ${tenantId} AND id = ANY(${asked}::text[]))
    ORDER BY p.id FOR UPDATE OF p`);
  for (const row of rows.rows) for (const a of row.asked ?? []) live.set(a, row.id);
  const states = new Map<string, ProfileState>();
  for (const row of rows.rows) {
    if (row.merged_into !== null) continue; // merged between the two reads: its events reach the winner next time
    states.set(row.id, {
      id: row.id,
      traits: row.traits,
      traitTimes: row.trait_times,
      lastOrderAt: row.last_order_at ? new Date(row.last_order_at).getTime() : null,
      orderWindow: row.order_window,
      frequency: row.frequency,
      monetary: row.monetary,
      rfmR: row.rfm_r,
      rfmF: row.rfm_f,
      rfmM: row.rfm_m,
      lifetimeValue: row.lifetime_value,
      lifetimeOrders: row.lifetime_orders,
      rebuildNeeded: row.rebuild_needed,
      lastSeen: new Date(row.last_seen_at).getTime(),
      dirty: false,
    });
  }
  return { states, live };
}

/** Writes the changed states back in one statement. */
export async function saveProfiles(tx: Executor, states: Iterable<ProfileState>): Promise<void> {
  const list = [...states].filter((s) => s.dirty);
  if (list.length === 0) return;
  const col = <T>(f: (s: ProfileState) => T) => sql.param(list.map(f));
  await tx.execute(sql`
    UPDATE profiles p SET traits = v.traits::jsonb, trait_times = v.times::jsonb,
      last_order_at = CASE WHEN v.lo IS NULL THEN NULL ELSE to_timestamp(v.lo / 1000.0) END, order_window = v.ow::jsonb,
      frequency = v.f, monetary = v.m, rfm_r = v.r, rfm_f = v.rf, rfm_m = v.rm, lifetime_value = v.ltv, lifetime_orders = v.lto,
      rebuild_needed = v.rb, updated_at = now()
    FROM unnest(${col((s) => s.id)}::text[], ${col((s) => JSON.stringify(s.traits))}::text[], ${col((s) => JSON.stringify(s.traitTimes))}::text[],
      ${col((s) => s.lastOrderAt)}::float8[], ${col((s) => JSON.stringify(s.orderWindow))}::text[], ${col((s) => s.frequency)}::int[],
      ${col((s) => s.monetary)}::float8[], ${col((s) => s.rfmR)}::int[], ${col((s) => s.rfmF)}::int[], ${col((s) => s.rfmM)}::int[],
      ${col((s) => s.lifetimeValue)}::float8[], ${col((s) => s.lifetimeOrders)}::int[], ${col((s) => s.rebuildNeeded)}::bool[])
      AS v(id, traits, times, lo, ow, f, m, r, rf, rm, ltv, lto, rb)
    WHERE p.id = v.id`);
  for (const s of list) s.dirty = false;
}
