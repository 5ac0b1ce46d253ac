import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../kernel/db.ts';
import { matchesFilters, propertyFilter, toNumber, valueAt } from './segment-conditions.ts';
import type { ProfiledEvent } from './store-activity.ts';

/**
 * Computed traits: aggregates of a person's matching events over a time window, kept incrementally on every event
 * (a small state per profile: counts, sums, extremes, first and last, frequencies) and recomputed exactly from the
 * events when the oldest one leaves the window (a `trait` timer).
 */

export const computedTraitKinds = ['count', 'sum', 'min', 'max', 'avg', 'first', 'last', 'most_frequent', 'unique'] as const;
export type ComputedTraitKind = (typeof computedTraitKinds)[number];

/** What a computed trait aggregates: `{kind: 'sum', event: 'Order Completed', property: 'total', windowDays: 90}`. */
export const computedTraitDefinition = z
  .strictObject({
    kind: z.enum(computedTraitKinds),
    event: z.string().min(1).max(200),
    property: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/)
      .optional(),
    where: z.array(propertyFilter).max(10).optional(),
    windowDays: z.number().int().min(1).max(3650).optional(),
  })
  .refine((d) => d.kind === 'count' || d.property !== undefined, { error: 'every kind but count needs a property', path: ['property'] });
export type ComputedTraitDefinition = z.infer<typeof computedTraitDefinition>;

/** A computed trait as the engine uses it. */
export interface ComputedTrait {
  id: string;
  key: string;
  definition: ComputedTraitDefinition;
}

/** The incremental state of one profile's computed trait. */
export interface TraitState {
  n: number;
  nn: number;
  s: number;
  mn: number | null;
  mx: number | null;
  f: [number, unknown] | null;
  l: [number, unknown] | null;
  fr: Record<string, number>;
  u: unknown[];
  /** The oldest event counted (ms): when it leaves the window the value must be recomputed. */
  o: number | null;
}

const maxDistinct = 100;
const dayMs = 86_400_000;

/** A state with no events. */
export function emptyState(): TraitState {
  return { n: 0, nn: 0, s: 0, mn: null, mx: null, f: null, l: null, fr: {}, u: [], o: null };
}

/** Folds one event into a state; false when it does not match or lies outside the window. */
export function foldEvent(
  st: TraitState,
  def: ComputedTraitDefinition,
  e: { event: string | null; ts: number; properties: Record<string, unknown> },
  now: number,
): boolean {
  if (e.event !== def.event || !matchesFilters(e.properties, def.where)) return false;
  if (def.windowDays && e.ts <= now - def.windowDays * dayMs) return false;
  const v = def.property ? valueAt(e.properties, def.property) : undefined;
  if (def.kind !== 'count' && (v === undefined || v === null)) return false;
  st.n++;
  st.o = st.o === null ? e.ts : Math.min(st.o, e.ts);
  const num = toNumber(v);
  if (num !== undefined) {
    st.nn++;
    st.s += num;
    st.mn = st.mn === null ? num : Math.min(st.mn, num);
    st.mx = st.mx === null ? num : Math.max(st.mx, num);
  }
  if (def.kind === 'first' && (st.f === null || e.ts < st.f[0])) st.f = [e.ts, v];
  if (def.kind === 'last' && (st.l === null || e.ts >= st.l[0])) st.l = [e.ts, v];
  if (def.kind === 'most_frequent') {
    const k = JSON.stringify(v);
    if (st.fr[k] !== undefined || Object.keys(st.fr).length < 1000) st.fr[k] = (st.fr[k] ?? 0) + 1;
  }
  if (def.kind === 'unique' && st.u.length < maxDistinct && !st.u.some((x) => JSON.stringify(x) === JSON.stringify(v))) st.u.push(v);
  return true;
}

/** The trait's value from its state (null when no event counted, 0 for a count). */
export function traitValue(st: TraitState, def: ComputedTraitDefinition): unknown {
  switch (def.kind) {
    case 'count':
      return st.n;
    case 'sum':
      return st.nn > 0 ? st.s : null;
    case 'min':
      return st.mn;
    case 'max':
      return st.mx;
    case 'avg':
      return st.nn > 0 ? st.s / st.nn : null;
    case 'first':
      return st.f?.[1] ?? null;
    case 'last':
      return st.l?.[1] ?? null;
    case 'most_frequent': {
      const best = Object.entries(st.fr).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
      return best ? JSON.parse(best[0]) : null;
    }
    case 'unique':
      return st.u.length > 0 ? st.u : null;
  }
}

/** When the value may change with time alone: the oldest counted event leaving the window. */
export function traitExpiry(st: TraitState, def: ComputedTraitDefinition): number | null {
  return def.windowDays && st.o !== null ? st.o + def.windowDays * dayMs : null;
}

/** A profile's recomputed or updated trait, to write. */
export interface TraitResult {
  traitId: string;
  profileId: string;
  state: TraitState;
  value: unknown;
  due: number | null;
}

/** Updates the computed traits of a batch's profiles from its events, incrementally; answers what changed. */
export async function applyComputedTraits(
  tx: Executor,
  tenantId: string,
  traits: ComputedTrait[],
  events: ProfiledEvent[],
  now: number,
): Promise<TraitResult[]> {
  const names = new Set(traits.map((t) => t.definition.event));
  const relevant = events.filter((e) => e.event !== null && names.has(e.event));
  if (relevant.length === 0 || traits.length === 0) return [];
  const profileIds = [...new Set(relevant.map((e) => e.profileId))];
  const r = await tx.execute<{ trait_id: string; profile_id: string; state: TraitState }>(sql`
    SELECT trait_id, profile_id, state FROM computed_trait_values
    WHERE profile_id = ANY(${sql.param(profileIds)}::text[]) AND trait_id = ANY(${sql.param(traits.map((t) => t.id))}::text[])`);
  const states = new Map(r.rows.map((row) => [`${row.trait_id}|${row.profile_id}`, row.state]));
  const changed = new Map<string, TraitResult>();
  for (const e of relevant) {
    for (const t of traits) {
      const key = `${t.id}|${e.profileId}`;
      const st = states.get(key) ?? emptyState();
      if (!foldEvent(st, t.definition, { event: e.event, ts: e.timestamp.getTime(), properties: e.properties }, now)) continue;
      states.set(key, st);
      changed.set(key, { traitId: t.id, profileId: e.profileId, state: st, value: null, due: null });
    }
  }
  const byId = new Map(traits.map((t) => [t.id, t]));
  const out = [...changed.values()].map((c) => {
    const def = (byId.get(c.traitId) as ComputedTrait).definition;
    return { ...c, value: traitValue(c.state, def), due: traitExpiry(c.state, def) };
  });
  await writeTraitResults(tx, tenantId, out);
  return out;
}

/**
 * Recomputes computed traits of profiles exactly from their events (window expiry, merges, a new definition): the
 * same fold as the incremental path, over the events inside each window.
 */
export async function recomputeTraits(tx: Executor, tenantId: string, traits: ComputedTrait[], profileIds: string[], now: number): Promise<TraitResult[]> {
  if (traits.length === 0 || profileIds.length === 0) return [];
  const widest = Math.max(...traits.map((t) => t.definition.windowDays ?? 36_500));
  const r = await tx.execute<{ profile_id: string; event: string; ts: Date; properties: Record<string, unknown> }>(sql`
    SELECT profile_id, event, ts, properties FROM customer_events
    WHERE tenant_id = ${tenantId} AND profile_id = ANY(${sql.param(profileIds)}::text[]) AND event = ANY(${sql.param([...new Set(traits.map((t) => t.definition.event))])}::text[])
      AND ts > ${new Date(now - widest * dayMs).toISOString()}::timestamptz`);
  const out: TraitResult[] = [];
  for (const t of traits) {
    const states = new Map(profileIds.map((p) => [p, emptyState()]));
    for (const row of r.rows)
      foldEvent(states.get(row.profile_id) as TraitState, t.definition, { event: row.event, ts: new Date(row.ts).getTime(), properties: row.properties }, now);
    for (const [profileId, st] of states)
      out.push({ traitId: t.id, profileId, state: st, value: traitValue(st, t.definition), due: traitExpiry(st, t.definition) });
  }
  await writeTraitResults(tx, tenantId, out);
  return out;
}

/** Writes values and states (a profile with no counted event has no row) and the `trait` timers. */
export async function writeTraitResults(tx: Executor, tenantId: string, results: TraitResult[]): Promise<void> {
  if (results.length === 0) return;
  const kept = results.filter((r) => r.state.n > 0);
  const gone = results.filter((r) => r.state.n === 0);
  if (gone.length > 0) {
    await tx.execute(sql`
      DELETE FROM computed_trait_values v USING unnest(${sql.param(gone.map((g) => g.traitId))}::text[], ${sql.param(gone.map((g) => g.profileId))}::text[]) AS x(t, p)
      WHERE v.trait_id = x.t AND v.profile_id = x.p`);
  }
  if (kept.length > 0) {
    await tx.execute(sql`
      INSERT INTO computed_trait_values (trait_id, profile_id, tenant_id, value, state, updated_at)
      SELECT t, p, ${tenantId}, v::jsonb, s::jsonb, now()
      FROM unnest(${sql.param(kept.map((k) => k.traitId))}::text[], ${sql.param(kept.map((k) => k.profileId))}::text[],
        ${sql.param(kept.map((k) => JSON.stringify(k.value)))}::text[], ${sql.param(kept.map((k) => JSON.stringify(k.state)))}::text[]) AS x(t, p, v, s)
      ON CONFLICT (trait_id, profile_id) DO UPDATE SET value = excluded.value, state = excluded.state, updated_at = now()`);
  }
  await tx.execute(sql`
    DELETE FROM profile_timers t USING unnest(${sql.param(results.map((g) => g.traitId))}::text[], ${sql.param(results.map((g) => g.profileId))}::text[]) AS x(r, p)
    WHERE t.kind = 'trait' AND t.ref_id = x.r AND t.profile_id = x.p`);
  const due = results.filter((r) => r.due !== null);
  if (due.length > 0) {
    await tx.execute(sql`
      INSERT INTO profile_timers (kind, ref_id, profile_id, tenant_id, due_at)
      SELECT 'trait', r, p, ${tenantId}, to_timestamp(d / 1000.0)
      FROM unnest(${sql.param(due.map((g) => g.traitId))}::text[], ${sql.param(due.map((g) => g.profileId))}::text[], ${sql.param(due.map((g) => g.due))}::float8[]) AS x(r, p, d)
      ON CONFLICT (kind, ref_id, profile_id) DO UPDATE SET due_at = excluded.due_at`);
  }
}
