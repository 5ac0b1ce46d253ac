import { sql } from 'drizzle-orm';
import type { Tx } from '../../kernel/db.ts';
import { newId } from '../../kernel/ids.ts';
import type { CollectedEvent, IdentityResolver } from './contract.ts';
import { type CachedOwner, IdentityCache } from './identity-cache.ts';
import { ClaimConflict, type Held, type LogEntry, sameCounts, writeResolution } from './identity-writes.ts';
import { addCounts, eventIdentifiers, type Identifier, type IdentitySettings, identifierKey, withinLimits } from './identifiers.ts';

interface Owner {
  profileId: string;
  claimedAt: number;
}

/** Reads the identity rules of a tenant (cached by the caller). */
export type IdentitySettingsSource = (tenantId: string) => Promise<IdentitySettings>;

/**
 * How a batch locks the profiles its identifiers lead to. `share` (FOR KEY SHARE) is enough for a batch that only
 * reads who is who: concurrent batches and the profile pipeline (FOR NO KEY UPDATE) go on, while a merge, split,
 * re-home or new link elsewhere (FOR UPDATE) waits — so an answer checked under the lock stays true until COMMIT.
 * A batch that turns out to change an existing profile (a new identifier, a merge, an earlier first event) rolls
 * back its savepoint and runs again with `update` (FOR UPDATE).
 */
type LockMode = 'share' | 'update';

/** Thrown inside the savepoint when a `share` batch must change an existing profile. */
class NeedsUpdate extends Error {}

/**
 * The identity graph: resolves who each event is about inside the ingest transaction. A batch costs a handful of
 * statements whatever its size: one lookup of the identifiers the cache does not know, one row lock of their profiles
 * (which also checks cached answers), one insert of new profiles and of new links, one update of counts. Merges and
 * dropped links follow the tenant's limits and priority (docs/customers.md, "Identity").
 */
export class IdentityGraph implements IdentityResolver {
  /** Answers of batches not yet committed: promoted into the cache by `committed`, never before (a rollback would lie). */
  private readonly pending = new Map<string, [string, CachedOwner][]>();

  constructor(
    private readonly settings: IdentitySettingsSource,
    readonly cache = new IdentityCache(),
  ) {}

  /** Answers one profile id per event, in order; merges, new links and dropped links are written in `tx`. */
  async resolve(tx: Tx, tenantId: string, events: CollectedEvent[]): Promise<string[]> {
    if (events.length === 0) return [];
    const settings = await this.settings(tenantId);
    let mode: LockMode = 'share';
    for (let attempt = 1; ; attempt++) {
      try {
        // A savepoint: a lost race on a new identifier, or a batch that must lock harder, rolls back only this
        // attempt (and the row locks it took), not the caller's transaction.
        return await tx.transaction((sp) => this.resolveOnce(sp, tenantId, events, settings, mode));
      } catch (err) {
        if (err instanceof NeedsUpdate && mode === 'share') mode = 'update';
        else if (!(err instanceof ClaimConflict) || attempt >= 5) throw err;
      }
    }
  }

  /** Called after the caller's commit: the answers of that batch become cache entries. */
  committed(tenantId: string, messageIds: string[]): void {
    for (const m of messageIds) {
      const entries = this.pending.get(`${tenantId}|${m}`);
      if (!entries) continue;
      this.pending.delete(`${tenantId}|${m}`);
      for (const [k, v] of entries) this.cache.set(k, v);
    }
  }

  /** Forgets cached answers of a tenant's identifiers (after an explicit split or a deletion). */
  forget(tenantId: string, ids: Identifier[]): void {
    for (const id of ids) this.cache.delete(`${tenantId}|${identifierKey(id)}`);
  }

  private async resolveOnce(tx: Tx, tenantId: string, events: CollectedEvent[], settings: IdentitySettings, mode: LockMode): Promise<string[]> {
    const perEvent = events.map((e) => eventIdentifiers(e, settings));
    const perKeys = perEvent.map((ids) => ids.map(identifierKey));
    const keys = new Map<string, Identifier>();
    for (let k = 0; k < perEvent.length; k++) for (let j = 0; j < perEvent[k].length; j++) keys.set(perKeys[k][j], perEvent[k][j]);
    const { owners, held, fromCache } = await this.lookUp(tx, tenantId, keys, mode);

    // Union-find over profiles merged in this batch; the winner is the oldest (first seen), then the smaller id.
    const parent = new Map<string, string>();
    const find = (id: string): string => {
      let r = id;
      while (parent.has(r)) r = parent.get(r) as string;
      return r;
    };
    const older = (a: Held, b: Held) => (a.firstSeen !== b.firstSeen ? a.firstSeen < b.firstSeen : a.id < b.id);
    const merges: { winner: string; loser: string; messageId: string; ids: Identifier[] }[] = [];
    const links: { id: Identifier; profileId: string; claimedAt: number; messageId: string }[] = [];
    const rehomes: { id: Identifier; profileId: string; claimedAt: number; messageId: string }[] = [];
    const log: LogEntry[] = [];
    const assigned: string[] = [];

    events.forEach((e, k) => {
      const ts = e.timestamp.getTime();
      const ks = perKeys[k];
      // The common case, without allocating: every identifier is known and leads to one person within the limits, so
      // nothing about identity changes (the general path below gives the same answer).
      let only: string | undefined;
      for (const key of ks) {
        const o = owners.get(key);
        const p = o === undefined ? undefined : find(o.profileId);
        if (p === undefined || (only !== undefined && p !== only)) {
          only = undefined;
          break;
        }
        only = p;
      }
      if (only !== undefined && withinLimits(settings, (held.get(only) as Held).counts)) {
        const h = held.get(only) as Held;
        if (ts < h.firstSeen) h.firstSeen = ts;
        if (ts > h.lastSeen) h.lastSeen = ts;
        assigned.push(only);
        return;
      }
      const group: string[] = [];
      let counts: Record<string, number> = {};
      const fresh: Identifier[] = [];
      const moved: { id: Identifier; from: string }[] = [];
      const dropped: LogEntry[] = [];
      for (let j = 0; j < ks.length; j++) {
        const id = perEvent[k][j];
        const owner = owners.get(ks[j]);
        if (!owner) {
          const next = addCounts(counts, { [id.type]: 1 });
          if (withinLimits(settings, next)) {
            counts = next;
            fresh.push(id);
          } else
            dropped.push({
              kind: 'link_dropped',
              profileId: '',
              other: null,
              id,
              reason: `limit of ${settings.limits[id.type]} ${id.type} per person`,
              messageId: e.messageId,
            });
          continue;
        }
        const p = find(owner.profileId);
        if (group.includes(p)) continue;
        const h = held.get(p) as Held;
        const next = addCounts(counts, h.counts);
        if (withinLimits(settings, next)) {
          group.push(p);
          counts = next;
          continue;
        }
        // Merging would break a limit. The earlier claim keeps a contested identifier, whatever order events arrive in.
        const alone = addCounts(counts, { [id.type]: 1 });
        if (ts < owner.claimedAt && withinLimits(settings, alone) && (h.counts[id.type] ?? 0) > 0 && totalOf(h.counts) > 1) {
          counts = alone;
          moved.push({ id, from: p });
        } else {
          const over = Object.entries(next).find(([t, n]) => n > (settings.limits[t] ?? Number.POSITIVE_INFINITY))?.[0] ?? id.type;
          dropped.push({
            kind: 'link_dropped',
            profileId: '',
            other: p,
            id,
            reason: `merging would exceed the limit of ${settings.limits[over]} ${over} per person`,
            messageId: e.messageId,
          });
        }
      }
      let winner: string;
      if (group.length === 0) {
        winner = newId('prf');
        held.set(winner, {
          id: winner,
          counts: {},
          firstSeen: ts,
          lastSeen: ts,
          version: 0,
          isNew: true,
          bumped: false,
          loaded: { counts: {}, firstSeen: ts },
        });
      } else {
        winner = group.reduce((a, b) => (older(held.get(a) as Held, held.get(b) as Held) ? a : b));
        for (const loser of group) {
          if (loser === winner) continue;
          parent.set(loser, winner);
          const linking = perEvent[k].filter((_, j) => {
            const o = owners.get(ks[j]);
            return o !== undefined && find(o.profileId) === winner;
          });
          merges.push({ winner, loser, messageId: e.messageId, ids: linking });
          const l = held.get(loser) as Held;
          const w = held.get(winner) as Held;
          w.firstSeen = Math.min(w.firstSeen, l.firstSeen);
          w.lastSeen = Math.max(w.lastSeen, l.lastSeen);
        }
      }
      const w = held.get(winner) as Held;
      for (const m of moved) {
        const from = held.get(m.from) as Held;
        from.counts = addCounts(from.counts, { [m.id.type]: -1 });
        from.bumped = true;
        owners.set(identifierKey(m.id), { profileId: winner, claimedAt: ts });
        rehomes.push({ id: m.id, profileId: winner, claimedAt: ts, messageId: e.messageId });
        log.push({
          kind: 'rehomed',
          profileId: winner,
          other: m.from,
          id: m.id,
          reason: 'an earlier event claimed it; the later claim would exceed a limit',
          messageId: e.messageId,
        });
      }
      for (const id of fresh) {
        owners.set(identifierKey(id), { profileId: winner, claimedAt: ts });
        links.push({ id, profileId: winner, claimedAt: ts, messageId: e.messageId });
      }
      w.counts = counts;
      w.firstSeen = Math.min(w.firstSeen, ts);
      w.lastSeen = Math.max(w.lastSeen, ts);
      for (const entry of dropped) log.push({ ...entry, profileId: winner });
      assigned.push(winner);
    });

    if (mode === 'share') {
      // Only new profiles (and links to them) may be written under a share lock; last_seen_at is the pipeline's.
      const writes = merges.length > 0 || rehomes.length > 0 || links.some((l) => !(held.get(find(l.profileId)) as Held).isNew);
      if (writes || [...held.values()].some((h) => !h.isNew && (h.bumped || h.firstSeen < h.loaded.firstSeen || !sameCounts(h.counts, h.loaded.counts))))
        throw new NeedsUpdate();
    }
    await writeResolution(tx, tenantId, { held, find, merges, links, rehomes, log, touchExisting: mode === 'update' });
    const result = assigned.map(find);
    const entries: [string, CachedOwner][] = [];
    for (const [key, o] of owners) {
      const p = held.get(find(o.profileId)) as Held;
      // A cached answer that held and still holds is in the cache already (and was refreshed when read).
      if (fromCache.get(key) === o && p.id === o.profileId && !p.bumped) continue;
      entries.push([`${tenantId}|${key}`, { profileId: p.id, version: p.version + (p.bumped ? 1 : 0), claimedAt: o.claimedAt }]);
    }
    if (this.pending.size > 10_000) this.pending.clear(); // batches whose commit never came (rolled back)
    this.pending.set(`${tenantId}|${events[0].messageId}`, entries);
    return result;
  }

  /** Owners of the batch's identifiers, and their profiles locked and checked; cached answers are trusted only if still true. */
  private async lookUp(tx: Tx, tenantId: string, keys: Map<string, Identifier>, mode: LockMode) {
    const owners = new Map<string, Owner>();
    const held = new Map<string, Held>();
    const expected = new Map<string, number>();
    /** The owners taken from the cache (dropped again when found stale). */
    const fromCache = new Map<string, Owner>();
    let unknown: Identifier[] = [];
    for (const [key, id] of keys) {
      const c = this.cache.get(`${tenantId}|${key}`);
      if (c) {
        const o = { profileId: c.profileId, claimedAt: c.claimedAt };
        owners.set(key, o);
        fromCache.set(key, o);
        expected.set(key, c.version);
      } else unknown.push(id);
    }
    for (let round = 0; round < 4; round++) {
      if (unknown.length > 0) {
        const r = await tx.execute<{ type: string; value: string; profile_id: string; claimed_at: Date; version: number }>(sql`
          SELECT i.type, i.value, i.profile_id, i.claimed_at, p.version FROM profile_identifiers i JOIN profiles p ON p.id = i.profile_id
          WHERE i.tenant_id = ${tenantId} AND (i.type, i.value) IN (SELECT * FROM unnest(${sql.param(unknown.map((i) => i.type))}::text[], ${sql.param(unknown.map((i) => i.value))}::text[]))`);
        for (const row of r.rows) {
          const key = `${row.type}:${row.value}`;
          owners.set(key, { profileId: row.profile_id, claimedAt: new Date(row.claimed_at).getTime() });
          expected.set(key, row.version);
        }
      }
      const toLock = [...new Set([...owners.values()].map((o) => o.profileId))].filter((id) => !held.has(id)).sort();
      if (toLock.length > 0) {
        const r = await tx.execute<{
          id: string;
          merged_into: string | null;
          version: number;
          first_ms: number;
          last_ms: number;
          identifier_counts: Record<string, number>;
        }>(sql`
          SELECT id, merged_into, version, floor(extract(epoch FROM first_seen_at) * 1000)::float8 AS first_ms,
            floor(extract(epoch FROM last_seen_at) * 1000)::float8 AS last_ms, identifier_counts FROM profiles
          WHERE id = ANY(string_to_array(${toLock.join('\u001f')}, ${'\u001f'})) AND tenant_id = ${tenantId}
          ORDER BY id ${mode === 'share' ? sql`FOR KEY SHARE` : sql`FOR UPDATE`}`);
        for (const row of r.rows) {
          if (row.merged_into !== null) continue;
          // Milliseconds as numbers: no timestamp text to parse into a Date per locked profile.
          const firstSeen = row.first_ms;
          held.set(row.id, {
            id: row.id,
            counts: row.identifier_counts,
            firstSeen,
            lastSeen: row.last_ms,
            version: row.version,
            isNew: false,
            bumped: false,
            loaded: { counts: row.identifier_counts, firstSeen },
          });
        }
      }
      // Under the lock: an answer is still true when its profile is live at the version it was read at.
      unknown = [];
      for (const [key, o] of owners) {
        const h = held.get(o.profileId);
        if (h && h.version === expected.get(key)) continue;
        owners.delete(key);
        fromCache.delete(key);
        this.cache.delete(`${tenantId}|${key}`);
        unknown.push(keys.get(key) as Identifier);
      }
      if (unknown.length === 0) return { owners, held, fromCache };
    }
    throw new ClaimConflict('identifiers kept moving while being resolved');
  }
}

function totalOf(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
