import { type SQL, sql } from 'drizzle-orm';
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
  /** Set when `traits` or `traitTimes` changed: only then are they written back. */
  traitsChanged: boolean;
  /** `orderWindow` as loaded: a window still the same array is not written back. */
  loadedWindow: WindowOrder[];
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

const profileColumns = `p.id, p.merged_into, p.traits, p.trait_times, p.last_order_at, p.order_window, p.frequency, p.monetary, p.rfm_r, p.rfm_f,
      p.rfm_m, p.lifetime_value, p.lifetime_orders, p.rebuild_needed, p.last_seen_at, a.asked`;

/** A row of the profiles read, with the asked ids it stands for. */
export type LoadedRow = Row & { asked: string[] | null };

/**
 * The live profiles behind the given ids (a merged id leads to its winner), locked in id order so two nodes working on
 * one person take turns. FOR NO KEY UPDATE: the identity graph's readers (FOR KEY SHARE) go on meanwhile; merges,
 * splits and new links (FOR UPDATE) wait, and are waited for. Answers the states and, for every id asked, the live id it stands for.
 */
export async function loadProfiles(tx: Executor, tenantId: string, ids: string[]): Promise<{ states: Map<string, ProfileState>; live: Map<string, string> }> {
  return profileStates(await loadProfileRows(tx, tenantId, ids));
}

/** The rows `loadProfiles` reads and locks, for a caller that picks the states it applies (`profileStates`). */
export async function loadProfileRows(tx: Executor, tenantId: string, ids: string[]): Promise<LoadedRow[]> {
  // Profile ids hold no control characters: sent as one text, not as a text array escaped element by element.
  const asked = sql`string_to_array(${[...new Set(ids)].join('\u001f')}, ${'\u001f'})`;
  // One round trip: the live profiles behind the ids, locked, each with the asked ids it stands for (grouped once,
  // then joined: a correlated lookup per row would cost a batch's size squared in index probes).
  const rows = await tx.execute<LoadedRow>(sql`
    WITH a AS (
      SELECT coalesce(merged_into, id) AS live, array_agg(id) AS asked FROM profiles WHERE tenant_id = ${tenantId} AND id = ANY(${asked}) GROUP BY 1
    )
    SELECT ${sql.raw(profileColumns)}
    FROM a JOIN profiles p ON p.id = a.live
    WHERE p.tenant_id = ${tenantId}
    ORDER BY p.id FOR NO KEY UPDATE OF p`);
  return rows.rows;
}

/** The states of rows `loadProfiles` read and, for every id asked, the live id it stands for; `only`: just the states of these asked ids. */
export function profileStates(rows: LoadedRow[], only?: Set<string>): { states: Map<string, ProfileState>; live: Map<string, string> } {
  const live = new Map<string, string>();
  const wanted = new Set<string>();
  for (const row of rows) {
    for (const a of row.asked ?? []) {
      live.set(a, row.id);
      if (!only || only.has(a)) wanted.add(row.id);
    }
  }
  const states = new Map<string, ProfileState>();
  for (const row of rows) {
    if (row.merged_into !== null) continue; // merged between the two reads: its events reach the winner next time
    if (!wanted.has(row.id)) continue;
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
      traitsChanged: false,
      loadedWindow: row.order_window,
    });
  }
  return { states, live };
}

/**
 * Writes the changed states back in one statement. The rows go as one JSON text (`json_to_recordset`): one native
 * JSON.stringify instead of a text array per column, and traits and the order window are sent only when they changed
 * (the rest of a profile row is a few numbers).
 */
export async function saveProfiles(tx: Executor, states: Iterable<ProfileState>): Promise<void> {
  const q = profilesWrite(states);
  if (q) await tx.execute(q);
}

/** The columns of the JSON rows of changed profiles, as `json_to_recordset` reads them. */
const changedColumns = 'id text, t jsonb, tt jsonb, lo float8, ow jsonb, f int, m float8, r int, rf int, rm int, ltv float8, lto int, rb bool, ls float8';

/** The SET list writing changed rows `v` over `p`. */
const changedSet = `traits = coalesce(v.t, p.traits), trait_times = coalesce(v.tt, p.trait_times),
      last_order_at = CASE WHEN v.lo IS NULL THEN NULL ELSE to_timestamp(v.lo / 1000.0) END, order_window = coalesce(v.ow, p.order_window),
      frequency = v.f, monetary = v.m, rfm_r = v.r, rfm_f = v.rf, rfm_m = v.rm, lifetime_value = v.ltv, lifetime_orders = v.lto,
      rebuild_needed = v.rb, last_seen_at = greatest(p.last_seen_at, to_timestamp(v.ls / 1000.0)), updated_at = now()`;

/**
 * The changed states as one JSON text (traits and the order window only when they changed; the rest of a profile row is
 * a few numbers), undefined when none changed. The states count as written from here on (a failed statement fails the
 * transaction, whose retry loads them anew).
 */
export function changedProfileRows(states: Iterable<ProfileState>): string | undefined {
  const list = [...states].filter((s) => s.dirty);
  if (list.length === 0) return undefined;
  const rows = list.map((s) => ({
    id: s.id,
    t: s.traitsChanged ? s.traits : null,
    tt: s.traitsChanged ? s.traitTimes : null,
    lo: s.lastOrderAt,
    ow: s.orderWindow === s.loadedWindow ? null : s.orderWindow,
    f: s.frequency,
    m: s.monetary,
    r: s.rfmR,
    rf: s.rfmF,
    rm: s.rfmM,
    ltv: s.lifetimeValue,
    lto: s.lifetimeOrders,
    rb: s.rebuildNeeded,
    ls: s.lastSeen,
  }));
  for (const s of list) {
    s.dirty = false;
    s.traitsChanged = false;
    s.loadedWindow = s.orderWindow;
  }
  return JSON.stringify(rows);
}

/** The statement `saveProfiles` runs (none when nothing changed), for a caller that runs it together with others. */
export function profilesWrite(states: Iterable<ProfileState>): SQL | undefined {
  const rows = changedProfileRows(states);
  if (rows === undefined) return undefined;
  return sql`UPDATE profiles p SET ${sql.raw(changedSet)} FROM json_to_recordset(${rows}::json) AS v(${sql.raw(changedColumns)}) WHERE p.id = v.id`;
}

/**
 * For ONE statement that writes changed profiles and reads them (segment-engine.ts): its common tables `changed` (the
 * rows, `[]` for none) and `saved` (the UPDATE), and `current`, a FROM item with each profile's values after that
 * UPDATE (a statement's own writes are invisible to it: the changed rows are read over the stored ones).
 */
export function changedProfilesSql(rows: string): { ctes: SQL; current: SQL } {
  const pick = (col: string, value: string) => `CASE WHEN v.id IS NULL THEN p.${col} ELSE ${value} END AS ${col}`;
  const columns = [
    'p.id',
    'p.tenant_id',
    'p.merged_into',
    'coalesce(v.t, p.traits) AS traits',
    pick('last_order_at', 'to_timestamp(v.lo / 1000.0)'),
    pick('frequency', 'v.f'),
    pick('monetary', 'v.m'),
    pick('rfm_r', 'v.r'),
    pick('rfm_f', 'v.rf'),
    pick('rfm_m', 'v.rm'),
    pick('lifetime_value', 'v.ltv'),
    pick('lifetime_orders', 'v.lto'),
  ];
  return {
    ctes: sql`changed AS MATERIALIZED (SELECT * FROM json_to_recordset(${rows}::json) AS v(${sql.raw(changedColumns)})),
    saved AS (UPDATE profiles p SET ${sql.raw(changedSet)} FROM changed v WHERE p.id = v.id)`,
    current: sql.raw(`(SELECT ${columns.join(', ')} FROM profiles p LEFT JOIN changed v ON v.id = p.id)`),
  };
}
