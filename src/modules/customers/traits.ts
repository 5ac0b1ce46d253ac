import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../kernel/db.ts';
import type { CollectedEvent } from './contract.ts';
import type { ProfileState } from './profile-state.ts';

/** One value a trait took: kept in the history whether or not it became the current value. */
export interface TraitChange {
  profileId: string;
  key: string;
  value: unknown;
  at: number;
  messageId: string;
  source: string;
}

const maxTraitKeys = 200;

/** The event time (ms) stored with a trait (`ISO|messageId`); minus infinity for none. */
export function traitTime(stamp: string | undefined): number {
  if (stamp === undefined) return Number.NEGATIVE_INFINITY;
  const t = Date.parse(stamp.split('|')[0]);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/** The traits an event states about its person: identify's `traits`, and `context.traits` of any event (Segment spec). */
export function traitsOf(e: CollectedEvent): Record<string, unknown> {
  const ctx = e.context.traits;
  const fromContext = ctx && typeof ctx === 'object' && !Array.isArray(ctx) ? (ctx as Record<string, unknown>) : {};
  return e.type === 'identify' || e.type === 'group' ? { ...fromContext, ...e.traits } : fromContext;
}

/**
 * Applies the traits of events to a profile: for each key the value of the latest event by timestamp wins, so an
 * older event arriving late never overwrites a newer value (ties go to the larger messageId, the same in any order).
 * Answers every change for the history.
 */
export function applyTraits(state: ProfileState, events: CollectedEvent[]): TraitChange[] {
  const changes: TraitChange[] = [];
  for (const e of events) {
    const at = e.timestamp.getTime();
    for (const [key, value] of Object.entries(traitsOf(e))) {
      if (value === undefined) continue;
      changes.push({ profileId: state.id, key, value, at, messageId: e.messageId, source: `${e.channel}:${e.type}` });
      const seen = state.traitTimes[key];
      const seenAt = traitTime(seen);
      const seenMessage = seen?.split('|')[1] ?? '';
      if (at < seenAt || (at === seenAt && e.messageId <= seenMessage)) continue;
      if (seen === undefined && Object.keys(state.traits).length >= maxTraitKeys) continue;
      state.traits[key] = value;
      state.traitTimes[key] = `${new Date(at).toISOString()}|${e.messageId}`;
      state.dirty = true;
      state.traitsChanged = true;
    }
  }
  return changes;
}

/** Appends trait changes to the history, one statement. */
export async function writeTraitHistory(tx: Executor, tenantId: string, changes: TraitChange[]): Promise<void> {
  const q = traitHistoryWrite(tenantId, changes);
  if (q) await tx.execute(q);
}

/** The statement `writeTraitHistory` runs (none for no changes), for a caller that runs it together with others. */
export function traitHistoryWrite(tenantId: string, changes: TraitChange[]): SQL | undefined {
  if (changes.length === 0) return undefined;
  // One JSON text for all rows: one native stringify, no text array per column to escape.
  const rows = changes.map((c) => ({ p: c.profileId, k: c.key, v: c.value, a: c.at, m: c.messageId, s: c.source }));
  return sql`
    INSERT INTO profile_trait_history (tenant_id, profile_id, key, value, at, message_id, source)
    SELECT ${tenantId}, p, k, coalesce(v, 'null'::jsonb), to_timestamp(a / 1000.0), m, s
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS x(p text, k text, v jsonb, a float8, m text, s text)`;
}

/** Sets traits by hand (API): a change stamped now, kept in the history like any other. */
export function setTraitsByHand(state: ProfileState, traits: Record<string, unknown>, actor: string, now: Date): TraitChange[] {
  const at = now.getTime();
  const changes: TraitChange[] = [];
  for (const [key, value] of Object.entries(traits)) {
    changes.push({ profileId: state.id, key, value, at, messageId: `api:${actor}:${at}`, source: 'api' });
    if (value === null) {
      delete state.traits[key];
    } else state.traits[key] = value;
    state.traitTimes[key] = `${now.toISOString()}|api`;
    state.dirty = true;
    state.traitsChanged = true;
  }
  return changes;
}

/** Rebuilds current traits from the history (after a split): per key, the latest by event time. */
export async function rebuildTraits(tx: Executor, ids: string[]): Promise<void> {
  await tx.execute(sql`
    UPDATE profiles p SET traits = coalesce(x.t, '{}'), trait_times = coalesce(x.tt, '{}')
    FROM unnest(${sql.param(ids)}::text[]) AS ids(id)
    LEFT JOIN (
      SELECT profile_id, jsonb_object_agg(key, value) AS t,
        jsonb_object_agg(key, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '|' || coalesce(message_id, '')) AS tt
      FROM (SELECT DISTINCT ON (profile_id, key) profile_id, key, value, at, message_id FROM profile_trait_history
        WHERE profile_id = ANY(${sql.param(ids)}::text[]) AND value <> 'null'::jsonb ORDER BY profile_id, key, at DESC, message_id DESC) d
      GROUP BY profile_id
    ) x ON x.profile_id = ids.id
    WHERE p.id = ids.id`);
}
