import { sql } from 'drizzle-orm';
import type { Tx } from '../../kernel/db.ts';
import type { Identifier } from './identifiers.ts';
import { mergeProfiles } from './identity-merge.ts';

/** A concurrent ingest claimed an identifier first: the batch is resolved again against what it committed. */
export class ClaimConflict extends Error {}

/** A profile as the resolver tracks it while a batch is resolved. */
export interface Held {
  id: string;
  counts: Record<string, number>;
  firstSeen: number;
  lastSeen: number;
  version: number;
  isNew: boolean;
  /** Set when an identifier left it (re-homed), so cached answers pointing at it are re-checked. */
  bumped: boolean;
  /** As read under the lock, to tell whether resolving changed it. */
  loaded: { counts: Record<string, number>; firstSeen: number };
}

/** Whether two identifier-count maps hold the same counts (a type at 0 is the same as absent). */
export function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  for (const k in a) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  for (const k in b) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return true;
}

/** A dropped or re-homed link, for the identity log. */
export interface LogEntry {
  kind: 'link_dropped' | 'rehomed';
  profileId: string;
  other: string | null;
  id: Identifier;
  reason: string;
  messageId: string;
}

/** Writes what resolving a batch decided: new profiles, new and re-homed links, merges, counts, the identity log. */
export async function writeResolution(
  tx: Tx,
  tenantId: string,
  w: {
    held: Map<string, Held>;
    find: (id: string) => string;
    merges: { winner: string; loser: string; messageId: string; ids: Identifier[] }[];
    links: { id: Identifier; profileId: string; claimedAt: number; messageId: string }[];
    rehomes: { id: Identifier; profileId: string; claimedAt: number; messageId: string }[];
    log: LogEntry[];
    /** Write counts, first and last seen of the existing profiles (under FOR UPDATE only; else none changed). */
    touchExisting: boolean;
  },
) {
  const live = [...w.held.values()].filter((h) => w.find(h.id) === h.id);
  const created = live.filter((h) => h.isNew);
  if (created.length > 0) {
    await tx.execute(sql`
      INSERT INTO profiles (id, tenant_id, first_seen_at, last_seen_at, identifier_counts)
      SELECT id, ${tenantId}, to_timestamp(f / 1000.0), to_timestamp(l / 1000.0), c::jsonb
      FROM unnest(${sql.param(created.map((h) => h.id))}::text[], ${sql.param(created.map((h) => h.firstSeen))}::float8[],
        ${sql.param(created.map((h) => h.lastSeen))}::float8[], ${sql.param(created.map((h) => JSON.stringify(h.counts)))}::text[]) AS v(id, f, l, c)`);
  }
  if (w.links.length > 0) {
    const r = await tx.execute<{ type: string }>(sql`
      INSERT INTO profile_identifiers (tenant_id, type, value, profile_id, claimed_at, message_id)
      SELECT ${tenantId}, t, v, p, to_timestamp(c / 1000.0), m
      FROM unnest(${sql.param(w.links.map((l) => l.id.type))}::text[], ${sql.param(w.links.map((l) => l.id.value))}::text[],
        ${sql.param(w.links.map((l) => w.find(l.profileId)))}::text[], ${sql.param(w.links.map((l) => l.claimedAt))}::float8[],
        ${sql.param(w.links.map((l) => l.messageId))}::text[]) AS x(t, v, p, c, m)
      ON CONFLICT DO NOTHING RETURNING type`);
    if (r.rows.length !== w.links.length) throw new ClaimConflict('another ingest claimed an identifier first');
  }
  if (w.rehomes.length > 0) {
    await tx.execute(sql`
      UPDATE profile_identifiers i SET profile_id = x.p, claimed_at = to_timestamp(x.c / 1000.0), message_id = x.m
      FROM unnest(${sql.param(w.rehomes.map((l) => l.id.type))}::text[], ${sql.param(w.rehomes.map((l) => l.id.value))}::text[],
        ${sql.param(w.rehomes.map((l) => w.find(l.profileId)))}::text[], ${sql.param(w.rehomes.map((l) => l.claimedAt))}::float8[],
        ${sql.param(w.rehomes.map((l) => l.messageId))}::text[]) AS x(t, v, p, c, m)
      WHERE i.tenant_id = ${tenantId} AND i.type = x.t AND i.value = x.v`);
  }
  for (const m of w.merges) {
    const winner = w.find(m.winner);
    // Only profiles that exist in the database need moving; one born and merged in this batch was never written.
    if ((w.held.get(m.loser) as Held).isNew) continue;
    await mergeProfiles(tx, tenantId, { winner, loser: m.loser, reason: 'event', messageId: m.messageId, identifiers: m.ids, actor: null, rebuild: true });
  }
  const touched = w.touchExisting ? live.filter((h) => !h.isNew) : [];
  if (touched.length > 0) {
    await tx.execute(sql`
      UPDATE profiles p SET identifier_counts = v.c::jsonb, first_seen_at = to_timestamp(v.f / 1000.0), last_seen_at = to_timestamp(v.l / 1000.0),
        version = p.version + v.b, updated_at = now()
      FROM unnest(${sql.param(touched.map((h) => h.id))}::text[], ${sql.param(touched.map((h) => JSON.stringify(h.counts)))}::text[],
        ${sql.param(touched.map((h) => h.firstSeen))}::float8[], ${sql.param(touched.map((h) => h.lastSeen))}::float8[],
        ${sql.param(touched.map((h) => (h.bumped ? 1 : 0)))}::int[]) AS v(id, c, f, l, b)
      WHERE p.id = v.id`);
  }
  if (w.log.length > 0) {
    await tx.execute(sql`
      INSERT INTO identity_log (tenant_id, kind, profile_id, other_profile_id, identifiers, reason, message_id)
      SELECT ${tenantId}, k, p, o, i::jsonb, r, m
      FROM unnest(${sql.param(w.log.map((l) => l.kind))}::text[], ${sql.param(w.log.map((l) => w.find(l.profileId)))}::text[],
        ${sql.param(w.log.map((l) => l.other))}::text[], ${sql.param(w.log.map((l) => JSON.stringify([l.id])))}::text[],
        ${sql.param(w.log.map((l) => l.reason))}::text[], ${sql.param(w.log.map((l) => l.messageId))}::text[]) AS x(k, p, o, i, r, m)`);
  }
}
