import { sql } from 'drizzle-orm';
import type { Tx } from '../../kernel/db.ts';
import { AppError } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import type { Identifier } from './identifiers.ts';
import { rebuildConsents } from './consent.ts';
import { exitAllSegments } from './segment-membership.ts';
import { rebuildStores, refreshPreferredStore } from './store-activity.ts';
import { rebuildTraits, traitTime } from './traits.ts';

/** How a merge came about. */
export interface MergeRequest {
  winner: string;
  loser: string;
  reason: 'event' | 'explicit';
  messageId: string | null;
  identifiers: Identifier[];
  actor: string | null;
  /** Mark the winner for a rebuild of computed traits, RFM and memberships by the next pipeline run. */
  rebuild: boolean;
}

/** Merges the trait maps of two profiles: for each key the value set by the later event wins. */
export function mergeTraitMaps(
  a: { traits: Record<string, unknown>; times: Record<string, string> },
  b: { traits: Record<string, unknown>; times: Record<string, string> },
): { traits: Record<string, unknown>; times: Record<string, string> } {
  const traits = { ...a.traits };
  const times = { ...a.times };
  for (const [k, v] of Object.entries(b.traits)) {
    if (times[k] === undefined || traitTime(b.times[k]) > traitTime(times[k])) {
      traits[k] = v;
      times[k] = b.times[k];
    }
  }
  return { traits, times };
}

/**
 * Merges the loser into the winner in the caller's transaction: identifiers, traits (latest wins), trait history,
 * store activity, consent, events; the loser leaves its segments (so no membership is left behind) and becomes a
 * tombstone pointing at the winner. Recorded in the identity log with the event that caused it.
 */
export async function mergeProfiles(tx: Tx, tenantId: string, m: MergeRequest): Promise<void> {
  const rows = await tx.execute<{ id: string; traits: Record<string, unknown>; trait_times: Record<string, string> }>(sql`
    SELECT id, traits, trait_times FROM profiles WHERE tenant_id = ${tenantId} AND id IN (${m.winner}, ${m.loser}) ORDER BY id FOR UPDATE`);
  const w = rows.rows.find((r) => r.id === m.winner);
  const l = rows.rows.find((r) => r.id === m.loser);
  if (!w || !l) throw new Error(`merge of ${m.loser} into ${m.winner}: a profile is missing`);
  const merged = mergeTraitMaps({ traits: w.traits, times: w.trait_times }, { traits: l.traits, times: l.trait_times });
  const { winner, loser } = m;
  await tx.execute(sql`UPDATE profile_identifiers SET profile_id = ${winner} WHERE tenant_id = ${tenantId} AND profile_id = ${loser}`);
  await tx.execute(sql`UPDATE profile_trait_history SET profile_id = ${winner} WHERE profile_id = ${loser}`);
  await tx.execute(sql`
    INSERT INTO profile_stores (tenant_id, profile_id, store_id, org_path, visits, purchases, revenue, last_at)
    SELECT tenant_id, ${winner}, store_id, org_path, visits, purchases, revenue, last_at FROM profile_stores WHERE profile_id = ${loser}
    ON CONFLICT (profile_id, store_id) DO UPDATE SET visits = profile_stores.visits + excluded.visits, purchases = profile_stores.purchases + excluded.purchases,
      revenue = profile_stores.revenue + excluded.revenue, last_at = greatest(profile_stores.last_at, excluded.last_at)`);
  await tx.execute(sql`DELETE FROM profile_stores WHERE profile_id = ${loser}`);
  await tx.execute(sql`
    INSERT INTO consents (tenant_id, profile_id, purpose, channel, granted, source, message_id, at)
    SELECT tenant_id, ${winner}, purpose, channel, granted, source, message_id, at FROM consents WHERE profile_id = ${loser}
    ON CONFLICT (profile_id, purpose, channel) DO UPDATE SET granted = excluded.granted, source = excluded.source, message_id = excluded.message_id, at = excluded.at
    WHERE excluded.at > consents.at`);
  await tx.execute(sql`DELETE FROM consents WHERE profile_id = ${loser}`);
  await tx.execute(sql`UPDATE consent_history SET profile_id = ${winner} WHERE profile_id = ${loser}`);
  await tx.execute(sql`DELETE FROM computed_trait_values WHERE profile_id = ${loser}`);
  await tx.execute(sql`DELETE FROM profile_timers WHERE profile_id = ${loser}`);
  await exitAllSegments(tx, tenantId, [loser], 'merged', new Date());
  await tx.execute(sql`UPDATE customer_events SET profile_id = ${winner} WHERE tenant_id = ${tenantId} AND profile_id = ${loser}`);
  await tx.execute(sql`UPDATE profiles SET merged_into = ${winner} WHERE tenant_id = ${tenantId} AND merged_into = ${loser}`);
  await tx.execute(sql`
    UPDATE profiles SET merged_into = ${winner}, version = version + 1, traits = '{}', trait_times = '{}', identifier_counts = '{}',
      order_window = '[]', frequency = 0, monetary = 0, lifetime_value = 0, lifetime_orders = 0, rfm_r = NULL, rfm_f = NULL, rfm_m = NULL,
      preferred_store_id = NULL, updated_at = now()
    WHERE id = ${loser}`);
  await tx.execute(sql`
    UPDATE profiles w SET traits = ${JSON.stringify(merged.traits)}::jsonb, trait_times = ${JSON.stringify(merged.times)}::jsonb,
      identifier_counts = coalesce((SELECT jsonb_object_agg(type, n) FROM (SELECT type, count(*) AS n FROM profile_identifiers
        WHERE tenant_id = ${tenantId} AND profile_id = ${winner} GROUP BY type) c), '{}'),
      first_seen_at = least(w.first_seen_at, l.first_seen_at), last_seen_at = greatest(w.last_seen_at, l.last_seen_at),
      rebuild_needed = w.rebuild_needed OR ${m.rebuild}, updated_at = now()
    FROM profiles l WHERE w.id = ${winner} AND l.id = ${loser}`);
  await refreshPreferredStore(tx, [winner]);
  await tx.execute(sql`
    INSERT INTO identity_log (tenant_id, kind, profile_id, other_profile_id, identifiers, reason, message_id, actor)
    VALUES (${tenantId}, 'merged', ${winner}, ${loser}, ${JSON.stringify(m.identifiers)}::jsonb, ${m.reason === 'event' ? 'an event linked both profiles' : 'merged by hand'},
      ${m.messageId}, ${m.actor})`);
  await publishEvent(tx, tenantId, 'profile.merged', { profileId: winner, mergedProfileId: loser, reason: m.reason, messageId: m.messageId });
}

/**
 * Splits identifiers off a profile into a new one (unmerge): the identifiers, the events sent under those user or
 * anonymous ids, the traits and consent those events set. Both profiles are marked for a rebuild; answers the new id.
 */
export async function splitProfile(tx: Tx, tenantId: string, profileId: string, ids: Identifier[], actor: string, orderEvent: string): Promise<string> {
  const held = await tx.execute<{ type: string; value: string; claimed_at: Date }>(sql`
    SELECT type, value, claimed_at FROM profile_identifiers WHERE tenant_id = ${tenantId} AND profile_id = ${profileId}`);
  const mine = new Set(held.rows.map((r) => `${r.type}:${r.value}`));
  const missing = ids.filter((i) => !mine.has(`${i.type}:${i.value}`));
  if (missing.length > 0) throw new AppError('invalid', `not identifiers of this profile: ${missing.map((i) => `${i.type} ${i.value}`).join(', ')}`);
  if (ids.length >= held.rows.length) throw new AppError('invalid', 'a split must leave the profile at least one identifier');
  const moved = held.rows.filter((r) => ids.some((i) => i.type === r.type && i.value === r.value));
  const first = Math.min(...moved.map((r) => new Date(r.claimed_at).getTime()));
  const created = newId('prf');
  await tx.execute(sql`
    INSERT INTO profiles (id, tenant_id, first_seen_at, last_seen_at, rebuild_needed) VALUES (${created}, ${tenantId}, to_timestamp(${first} / 1000.0), now(), true)`);
  await tx.execute(sql`
    UPDATE profile_identifiers SET profile_id = ${created} WHERE tenant_id = ${tenantId} AND profile_id = ${profileId}
      AND (type, value) IN (SELECT * FROM unnest(${sql.param(ids.map((i) => i.type))}::text[], ${sql.param(ids.map((i) => i.value))}::text[]))`);
  const userIds = ids.filter((i) => i.type === 'user_id').map((i) => i.value);
  const anonIds = ids.filter((i) => i.type === 'anonymous_id').map((i) => i.value);
  const movedEvents = await tx.execute<{ message_id: string }>(sql`
    UPDATE customer_events SET profile_id = ${created} WHERE tenant_id = ${tenantId} AND profile_id = ${profileId}
      AND (user_id = ANY(${sql.param(userIds)}::text[]) OR anonymous_id = ANY(${sql.param(anonIds)}::text[])) RETURNING message_id`);
  const messageIds = movedEvents.rows.map((r) => r.message_id);
  await tx.execute(
    sql`UPDATE profile_trait_history SET profile_id = ${created} WHERE profile_id = ${profileId} AND message_id = ANY(${sql.param(messageIds)}::text[])`,
  );
  await tx.execute(
    sql`UPDATE consent_history SET profile_id = ${created} WHERE profile_id = ${profileId} AND message_id = ANY(${sql.param(messageIds)}::text[])`,
  );
  const both = [profileId, created];
  await rebuildTraits(tx, both);
  await rebuildConsents(tx, tenantId, both);
  await rebuildStores(tx, tenantId, both, orderEvent);
  await tx.execute(sql`
    UPDATE profiles p SET version = p.version + CASE WHEN p.id = ${profileId} THEN 1 ELSE 0 END, rebuild_needed = true, updated_at = now(),
      identifier_counts = coalesce((SELECT jsonb_object_agg(type, n) FROM (SELECT type, count(*) AS n FROM profile_identifiers
        WHERE tenant_id = ${tenantId} AND profile_id = p.id GROUP BY type) c), '{}')
    WHERE p.id = ANY(${sql.param(both)}::text[])`);
  await tx.execute(sql`
    INSERT INTO identity_log (tenant_id, kind, profile_id, other_profile_id, identifiers, reason, actor)
    VALUES (${tenantId}, 'split', ${profileId}, ${created}, ${JSON.stringify(ids)}::jsonb, ${`split by hand; ${messageIds.length} events moved`}, ${actor})`);
  await publishEvent(tx, tenantId, 'profile.split', { profileId, newProfileId: created, events: messageIds.length });
  return created;
}
