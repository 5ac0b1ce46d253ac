import { type SQL, sql } from 'drizzle-orm';
import type { Database, Executor, Tx } from '../../kernel/db.ts';
import { applyComputedTraits, recomputeTraits } from './computed-traits.ts';
import { consentChanges, recordConsents } from './consent.ts';
import { claimingTransaction, retryable, type WarmConnection } from './profile-apply-tx.ts';
import type { CustomerSettings } from './customer-settings.ts';
import { loadProfileRows, loadProfiles, type ProfileState, profileStates, saveProfiles } from './profile-state.ts';
import { applyOrders, rebuildRfm, refreshRfm, rfmTimerWrites, writeRfmTimers } from './rfm.ts';
import { type Catalog, evaluateProfiles, type SegmentCatalog } from './segment-engine.ts';
import type { MembershipChange } from './segment-membership.ts';
import { applyStoreActivity, orderTotal, type ProfiledEvent } from './store-activity.ts';
import { applyTraits, traitHistoryWrite } from './traits.ts';

/** The clock the profile side reads: the real one, or a test's. */
export interface Clock {
  now(): Date;
}

/** What applying profile updates needs. */
export interface UpdateRuntime {
  db: Database;
  settings: CustomerSettings;
  catalog: SegmentCatalog;
  clock: Clock;
  /** The connection the pipeline keeps for its slices (profile-apply-tx.ts); without it each slice takes one from the pool. */
  warm?: WarmConnection;
  /** Benchmarks only: told as each stage of applying a slice ends (bench/segments.ts breaks latency down by stage). */
  trace?: (stage: string) => void;
}

/** A due timer: a segment membership, a computed trait or the RFM window of one profile. */
export interface DueTimer {
  kind: 'segment' | 'trait' | 'rfm';
  refId: string;
  profileId: string;
  tenantId: string;
}

/** Runs work in a transaction, again on a deadlock or serialization failure (two nodes on one person). */
export async function withRetry<T>(db: Database, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.orm.transaction(work);
    } catch (err) {
      if (!retryable(err) || attempt >= 4) throw err;
    }
  }
}

/** The flush parts of events (event-flush.ts); events without one (tests, rebuilds) have none. */
export function partsOf(events: ProfiledEvent[]): number[] {
  const ids = new Set<number>();
  for (const e of events) if (e.flushId !== undefined) ids.add(e.flushId);
  return [...ids];
}

/**
 * Applies a committed batch to its profiles in one transaction: claims its flush parts (whole parts only: `parts`
 * defaults to those of the events), then traits (latest by event time), consent, store activity, computed traits and
 * RFM (incrementally, or rebuilt from events after a merge or split), anonymous daily counts, then every segment's
 * membership of those profiles. Answers the membership changes.
 */
export async function applyBatch(rt: UpdateRuntime, tenantId: string, batch: ProfiledEvent[], parts = partsOf(batch)): Promise<MembershipChange[]> {
  const settings = await rt.settings.get(tenantId);
  const catalog = await rt.catalog.get(tenantId);
  const now = rt.clock.now();
  const trace = rt.trace ?? (() => {});
  trace('catalog');
  return claimingTransaction<MembershipChange[]>(rt.db, batch, parts, { warm: rt.warm }, async (tx, events) => {
    if (events.length === 0) {
      trace('claim');
      return [];
    }
    // The profiles of the whole batch are read and locked, right after the round trip that claims its parts.
    const rows = await loadProfileRows(
      tx,
      tenantId,
      batch.map((e) => e.profileId),
    );
    trace('claim');
    // Profiles of parts another transaction applied were locked too: only those of the events claimed are applied.
    const { states, live } = profileStates(rows, new Set(events.map((e) => e.profileId)));
    // Events of a profile merged since ingest go to its winner; those of a deleted person are dropped.
    const evs: ProfiledEvent[] = [];
    for (const e of events) {
      const id = live.get(e.profileId) ?? e.profileId;
      if (states.has(id)) evs.push(id === e.profileId ? e : { ...e, profileId: id });
    }
    evs.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime() || (a.messageId < b.messageId ? -1 : 1));
    const byProfile = new Map<string, ProfiledEvent[]>();
    for (const e of evs) {
      const list = byProfile.get(e.profileId);
      if (list) list.push(e);
      else byProfile.set(e.profileId, [e]);
    }
    for (const [id, list] of byProfile) {
      // Last seen is kept here, not by the identity graph: its readers then lock profiles in share mode only.
      const st = states.get(id) as ProfileState;
      const last = list[list.length - 1].timestamp.getTime();
      if (last > st.lastSeen) Object.assign(st, { lastSeen: last, dirty: true });
    }
    const changes = [...byProfile].flatMap(([id, list]) => applyTraits(states.get(id) as ProfileState, list));
    await recordConsents(tx, tenantId, consentChanges(evs));
    trace('traits');
    await applyStoreActivity(tx, tenantId, evs, settings.rfm.orderEvent);
    trace('stores');
    const rebuild = [...states.values()].filter((s) => s.rebuildNeeded);
    const incremental = evs.filter((e) => !(states.get(e.profileId) as ProfileState).rebuildNeeded);
    await applyComputedTraits(tx, tenantId, catalog.traits, incremental, now.getTime());
    const touched = applyOrders(states, incremental, now.getTime(), settings.rfm, settings.boundaries);
    await rebuildProfiles(tx, rt, tenantId, rebuild, catalog, now);
    trace('rfm');
    // The slice's other writes (trait history, RFM timers, daily counts, the profiles) go in the evaluation's statement:
    // one round trip from here to COMMIT.
    const statements = [
      traitHistoryWrite(tenantId, changes),
      ...rfmTimerWrites(
        tenantId,
        touched.map((id) => states.get(id) as ProfileState),
        now.getTime(),
        settings.rfm,
      ),
      eventCountsWrite(tenantId, evs, settings.rfm.orderEvent),
    ].filter((q): q is SQL => q !== undefined);
    const made = await evaluateProfiles(tx, catalog, tenantId, [...states.keys()], now, 'event', settings.rfm.orderEvent, {
      statements,
      profiles: states.values(),
    });
    trace('segments');
    return made;
  });
}

/** Rebuilds computed traits and RFM of profiles from all their events (after a merge or a split). */
export async function rebuildProfiles(tx: Executor, rt: UpdateRuntime, tenantId: string, states: ProfileState[], catalog: Catalog, now: Date): Promise<void> {
  if (states.length === 0) return;
  const settings = await rt.settings.get(tenantId);
  await recomputeTraits(
    tx,
    tenantId,
    catalog.traits,
    states.map((s) => s.id),
    now.getTime(),
  );
  await rebuildRfm(tx, tenantId, states, now.getTime(), settings.rfm, settings.boundaries);
  await writeRfmTimers(tx, tenantId, states, now.getTime(), settings.rfm);
  for (const s of states) {
    s.rebuildNeeded = false;
    s.dirty = true;
  }
}

/** Rebuilds profiles now and re-evaluates their segments (explicit merge or split, in the caller's transaction). */
export async function rebuildNow(tx: Tx, rt: UpdateRuntime, tenantId: string, ids: string[]): Promise<void> {
  const { states } = await loadProfiles(tx, tenantId, ids);
  const catalog = await rt.catalog.get(tenantId);
  const now = rt.clock.now();
  await rebuildProfiles(tx, rt, tenantId, [...states.values()], catalog, now);
  await saveProfiles(tx, states.values());
  await evaluateProfiles(tx, catalog, tenantId, [...states.keys()], now, 'rebuild', (await rt.settings.get(tenantId)).rfm.orderEvent);
}

/**
 * Fires due timers of one tenant: claims them (a timer another node took, or one moved later, is skipped),
 * recomputes the computed traits and RFM windows that expired, and re-evaluates those profiles' segments.
 */
export async function fireTimers(rt: UpdateRuntime, tenantId: string, due: DueTimer[]): Promise<MembershipChange[]> {
  const settings = await rt.settings.get(tenantId);
  const catalog = await rt.catalog.get(tenantId);
  const now = rt.clock.now();
  return withRetry(rt.db, async (tx) => {
    const claimed = await tx.execute<{ kind: string; ref_id: string; profile_id: string }>(sql`
      DELETE FROM profile_timers t USING unnest(${sql.param(due.map((d) => d.kind))}::text[], ${sql.param(due.map((d) => d.refId))}::text[],
        ${sql.param(due.map((d) => d.profileId))}::text[]) AS x(k, r, p)
      WHERE t.kind = x.k AND t.ref_id = x.r AND t.profile_id = x.p AND t.due_at <= ${now.toISOString()}::timestamptz
      RETURNING t.kind, t.ref_id, t.profile_id`);
    if (claimed.rows.length === 0) return [];
    const ids = [...new Set(claimed.rows.map((r) => r.profile_id))];
    const { states } = await loadProfiles(tx, tenantId, ids);
    const traitIds = new Set(claimed.rows.filter((r) => r.kind === 'trait').map((r) => r.ref_id));
    for (const t of catalog.traits.filter((x) => traitIds.has(x.id))) {
      const who = claimed.rows.filter((r) => r.kind === 'trait' && r.ref_id === t.id).map((r) => r.profile_id);
      await recomputeTraits(tx, tenantId, [t], who, now.getTime());
    }
    const rfm = claimed.rows.filter((r) => r.kind === 'rfm').flatMap((r) => states.get(r.profile_id) ?? []);
    for (const s of rfm) refreshRfm(s, now.getTime(), settings.rfm, settings.boundaries);
    await writeRfmTimers(tx, tenantId, rfm, now.getTime(), settings.rfm);
    await saveProfiles(tx, states.values());
    return evaluateProfiles(tx, catalog, tenantId, [...states.keys()], now, 'timer', settings.rfm.orderEvent);
  });
}

const dayMs = 86_400_000;

/** The statement adding a batch to the anonymous daily counts (events per day, name, channel, store; order revenue). */
function eventCountsWrite(tenantId: string, events: ProfiledEvent[], orderEvent: string): SQL | undefined {
  const acc = new Map<string, { day: string; event: string; channel: string; store: string; n: number; revenue: number }>();
  for (const e of events) {
    // The UTC day as a number: a date text per event was most of this loop's time.
    const day = Math.floor(e.timestamp.getTime() / dayMs);
    const name = e.event ?? e.type;
    const key = `${day}|${name}|${e.channel}|${e.storeId ?? ''}`;
    let a = acc.get(key);
    if (!a) {
      a = { day: new Date(day * dayMs).toISOString().slice(0, 10), event: name, channel: e.channel, store: e.storeId ?? '', n: 0, revenue: 0 };
      acc.set(key, a);
    }
    a.n++;
    if (e.type === 'track' && e.event === orderEvent) a.revenue += orderTotal(e.properties);
  }
  if (acc.size === 0) return undefined;
  const rows = [...acc.values()];
  return sql`
    INSERT INTO customer_event_daily_counts (tenant_id, day, event, channel, store_id, count, revenue)
    SELECT ${tenantId}, d, e, c, s, n, r FROM unnest(${sql.param(rows.map((r) => r.day))}::text[], ${sql.param(rows.map((r) => r.event))}::text[],
      ${sql.param(rows.map((r) => r.channel))}::text[], ${sql.param(rows.map((r) => r.store))}::text[], ${sql.param(rows.map((r) => r.n))}::int[],
      ${sql.param(rows.map((r) => r.revenue))}::float8[]) AS x(d, e, c, s, n, r)
    ORDER BY d, e, c, s
    ON CONFLICT (tenant_id, day, event, channel, store_id) DO UPDATE SET count = customer_event_daily_counts.count + excluded.count,
      revenue = customer_event_daily_counts.revenue + excluded.revenue`;
}
