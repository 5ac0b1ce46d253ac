import { sql } from 'drizzle-orm';
import type { Tx } from '../../kernel/db.ts';
import { newId } from '../../kernel/ids.ts';
import type { CollectedEvent, IdentityResolver } from './contract.ts';
import { type CachedOwner, IdentityCache } from './identity-cache.ts';
import { ClaimConflict, type Held, type LogEntry, writeResolution } from './identity-writes.ts';
import { addCounts, eventIdentifiers, type Identifier, type IdentitySettings, identifierKey, withinLimits } from './identifiers.ts';

interface Owner {
  profileId: string;
  claimedAt: number;
}

/** Reads the identity rules of a tenant (cached by the caller). */
export type IdentitySettingsSource = (tenantId: string) => Promise<IdentitySettings>;

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
    for (let attempt = 1; ; attempt++) {
      try {
        // A savepoint: a lost race on a new identifier rolls back only this attempt, not the caller's transaction.
        return await tx.transaction((sp) => this.resolveOnce(sp, tenantId, events, settings));
      } catch (err) {
        if (!(err instanceof ClaimConflict) || attempt >= 5) throw err;
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

  private async resolveOnce(tx: Tx, tenantId: string, events: CollectedEvent[], settings: IdentitySettings): Promise<string[]> {
    const perEvent = events.map((e) => eventIdentifiers(e, settings));
    const keys = new Map<string, Identifier>();
    for (const ids of perEvent) for (const id of ids) keys.set(identifierKey(id), id);
    const { owners, held } = await this.lookUp(tx, tenantId, keys);

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
      const group: string[] = [];
      let counts: Record<string, number> = {};
      const fresh: Identifier[] = [];
      const moved: { id: Identifier; from: string }[] = [];
      const dropped: LogEntry[] = [];
      for (const id of perEvent[k]) {
        const key = identifierKey(id);
        const owner = owners.get(key);
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
        held.set(winner, { id: winner, counts: {}, firstSeen: ts, lastSeen: ts, version: 0, isNew: true, bumped: false });
      } else {
        winner = group.reduce((a, b) => (older(held.get(a) as Held, held.get(b) as Held) ? a : b));
        for (const loser of group) {
          if (loser === winner) continue;
          parent.set(loser, winner);
          const linking = perEvent[k].filter((id) => owners.get(identifierKey(id)) && find(owners.get(identifierKey(id))?.profileId as string) === winner);
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

    await writeResolution(tx, tenantId, { held, find, merges, links, rehomes, log });
    const result = assigned.map(find);
    const entries: [string, CachedOwner][] = [];
    for (const [key, o] of owners) {
      const p = held.get(find(o.profileId)) as Held;
      entries.push([`${tenantId}|${key}`, { profileId: p.id, version: p.version + (p.bumped ? 1 : 0), claimedAt: o.claimedAt }]);
    }
    if (this.pending.size > 10_000) this.pending.clear(); // batches whose commit never came (rolled back)
    this.pending.set(`${tenantId}|${events[0].messageId}`, entries);
    return result;
  }

  /** Owners of the batch's identifiers, and their profiles locked and checked; cached answers are trusted only if still true. */
  private async lookUp(tx: Tx, tenantId: string, keys: Map<string, Identifier>) {
    const owners = new Map<string, Owner>();
    const held = new Map<string, Held>();
    const expected = new Map<string, number>();
    let unknown: Identifier[] = [];
    for (const [key, id] of keys) {
      const c = this.cache.get(`${tenantId}|${key}`);
      if (c) {
        owners.set(key, { profileId: c.profileId, claimedAt: c.claimedAt });
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
          first_seen_at: Date;
          last_seen_at: Date;
          identifier_counts: Record<string, number>;
        }>(sql`
          SELECT id, merged_into, version, first_seen_at, last_seen_at, identifier_counts FROM profiles
          WHERE id = ANY(${sql.param(toLock)}::text[]) AND tenant_id = ${tenantId} ORDER BY id FOR UPDATE`);
        for (const row of r.rows) {
          if (row.merged_into !== null) continue;
          held.set(row.id, {
            id: row.id,
            counts: row.identifier_counts,
            firstSeen: new Date(row.first_seen_at).getTime(),
            lastSeen: new Date(row.last_seen_at).getTime(),
            version: row.version,
            isNew: false,
            bumped: false,
          });
        }
      }
      // Under the lock: an answer is still true when its profile is live at the version it was read at.
      unknown = [];
      for (const [key, o] of owners) {
        const h = held.get(o.profileId);
        if (h && h.version === expected.get(key)) continue;
        owners.delete(key);
        this.cache.delete(`${tenantId}|${key}`);
        unknown.push(keys.get(key) as Identifier);
      }
      if (unknown.length === 0) return { owners, held };
    }
    throw new ClaimConflict('identifiers kept moving while being resolved');
  }
}

function totalOf(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
