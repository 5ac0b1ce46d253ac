import type PgBoss from 'pg-boss';
import type { Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import type { ScheduledJob } from '../../kernel/jobs.ts';
import type { ProfilePipeline } from './contract.ts';
import { SuppressionList } from './consent.ts';
import { CustomerSettings } from './customer-settings.ts';
import { IdentityGraph } from './identity-graph.ts';
import { privacyRoutes } from './privacy-routes.ts';
import { profileRoutes } from './profile-routes.ts';
import { flushPartEvents } from './event-flush.ts';
import { WarmConnection } from './profile-apply-tx.ts';
import { replayPending } from './profile-replay.ts';
import { applyBatch, type Clock, partsOf, type UpdateRuntime } from './profile-updates.ts';
import { runSegmentRecompute, runTraitBackfill } from './recompute-jobs.ts';
import { recomputeRfmBoundaries } from './rfm.ts';
import { SegmentCatalog } from './segment-engine.ts';
import { segmentRoutes } from './segment-routes.ts';
import { SegmentTimers } from './segment-timers.ts';
import type { RecomputeQueue } from './segments.ts';
import type { ProfiledEvent } from './store-activity.ts';

/** What the profile side's routes are built with. */
export interface ProfileModule {
  deps: Deps;
  rt: UpdateRuntime;
  graph: IdentityGraph;
  guard: SuppressionList;
  queue: RecomputeQueue;
}

/** The profile half of the customers module as the app wires it (docs/customers.md). */
export interface CustomerProfiles extends ProfileModule {
  /** For the collector: `resolver.resolve(tx, tenantId, events)` inside the ingest transaction. */
  resolver: IdentityGraph;
  /** For the collector: `pipeline.onCommitted(tenantId, events)` after each commit. */
  pipeline: ProfilePipeline;
  /** Profile timers: segment windows, computed-trait windows, RFM windows. */
  timers: SegmentTimers;
  /** Every profile, segment and privacy route, to register under /api/v1. */
  routes: (app: HttpApp) => Promise<void>;
  /** Recurring jobs for the kernel's Jobs (pg-boss). */
  jobs: ScheduledJob[];
  /** Loads suppressions, starts the timers and, given pg-boss, takes recomputes from its queue. */
  start(boss?: PgBoss): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when committed events are applied and in-process recomputes (without pg-boss) are done (tests, benches). */
  idle(): Promise<void>;
  /** Adds a listener of each applied slice's events (journeys start on them; it must not throw); answers how to remove it. */
  onApplied(listener: (events: ProfiledEvent[]) => void): () => void;
}

const recomputeQueue = 'customer-recompute';

/** Options of the profile side, mostly for tests and benchmarks. */
export interface ProfileOptions {
  clock?: Clock;
  timerPollMs?: number;
  onApplied?: (events: ProfiledEvent[]) => void;
  /** How often parts another node left unapplied are looked for (ms; default 60 s); parts younger than `sweepAgeMs` are left to their node. */
  sweepMs?: number;
  sweepAgeMs?: number;
  /** Tests only: after this many applied slices the pipeline stops applying (a process to kill between commit and application). */
  applyLimit?: number;
}

/** Creates the profile side of one node: identity graph, pipeline, collection guard, timers, routes and jobs. */
export function createCustomerProfiles(deps: Deps, opts: ProfileOptions = {}): CustomerProfiles {
  const { db, log } = deps;
  const settings = new CustomerSettings(db);
  const warm = new WarmConnection(db.pool);
  const rt: UpdateRuntime = { db, settings, catalog: new SegmentCatalog(db), clock: opts.clock ?? { now: () => new Date() }, warm };
  const graph = new IdentityGraph(async (tenantId) => (await settings.get(tenantId)).identity);
  const guard = new SuppressionList(db, (tenantId) => settings.identityNow(tenantId));
  const timers = new SegmentTimers(rt, log, { pollMs: opts.timerPollMs });
  let boss: PgBoss | undefined;
  let background: Promise<unknown> = Promise.resolve();
  const track = (work: () => Promise<unknown>) => {
    const next = background.then(work).catch((err) => log.error({ err }, 'customer profile background work failed'));
    background = next;
    return next;
  };

  const run = async (job: { tenantId: string; kind: 'segment' | 'trait'; id: string }) => {
    if (job.kind === 'segment') await runSegmentRecompute(rt, queue, job.tenantId, job.id);
    else await runTraitBackfill(rt, queue, job.tenantId, job.id);
  };
  const queue: RecomputeQueue = {
    async enqueue(job) {
      if (boss) await boss.send(recomputeQueue, job, { retryLimit: 3, retryDelay: 5 });
      else void track(() => run(job));
    },
  };

  // Committed flushes wait here and are applied by one loop, all that waited at once: under load each run takes
  // more events for about the same number of statements, so the pipeline keeps up instead of falling behind.
  const waiting: { tenantId: string; events: ProfiledEvent[] }[] = [];
  let waitingEvents = 0;
  let applying: Promise<void> | undefined;
  let appliedSlices = 0;
  const appliedListeners = new Set<(events: ProfiledEvent[]) => void>();
  let sweep: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> | undefined;
  const applyOne = async (tenantId: string, slice: ProfiledEvent[], parts = partsOf(slice)) => {
    if (opts.applyLimit !== undefined && appliedSlices >= opts.applyLimit) await new Promise(() => {});
    appliedSlices++;
    try {
      rt.trace?.('start');
      await applyBatch(rt, tenantId, slice, parts);
      rt.trace?.('commit');
      opts.onApplied?.(slice);
      for (const listener of appliedListeners) listener(slice);
    } catch (err) {
      log.error({ err, tenantId, events: slice.length }, 'profile pipeline failed; the profiles are rebuilt from their events on their next event');
      // The parts go with the mark, in one statement: a rebuild reads every event, so replaying them too would count twice.
      await db.pool
        .query(
          'WITH done AS (DELETE FROM customer_event_flushes WHERE id = ANY($2::bigint[])) UPDATE profiles SET rebuild_needed = true WHERE id = ANY($1::text[])',
          [[...new Set(slice.map((e) => e.profileId))], parts],
        )
        .catch(() => {});
    }
  };
  // Under load (the last run took a good part of a slice) the loop lingers a moment for a full slice: per-profile work
  // (one row read and written per person and slice) is then shared by more events. Light traffic is applied at once.
  let lastTaken = 0;
  let wakeLinger: (() => void) | undefined;
  const applyWaiting = async () => {
    while (waiting.length > 0) {
      if (lastTaken >= lingerAfter && waitingEvents < sliceEvents) {
        await new Promise<void>((resolve) => {
          wakeLinger = resolve;
          setTimeout(resolve, lingerMs);
        });
        wakeLinger = undefined;
      }
      const taken = waiting.splice(0);
      lastTaken = waitingEvents;
      waitingEvents = 0;
      const byTenant = new Map<string, ProfiledEvent[]>();
      for (const w of taken) {
        const list = byTenant.get(w.tenantId);
        if (list) for (const e of w.events) list.push(e);
        else byTenant.set(w.tenantId, [...w.events]);
      }
      // Slices of whole flush parts, about `sliceEvents`: the bigger, the fewer statements and profile rows written per
      // event; the pipeline's locks only hold up merges and new links (the identity graph's readers share them).
      for (const [tenantId, list] of byTenant) {
        for (let from = 0; from < list.length; ) {
          const to = sliceEnd(list, from);
          await applyOne(tenantId, list.slice(from, to));
          from = to;
        }
      }
    }
  };

  const pipeline: ProfilePipeline = {
    async onCommitted(tenantId, events) {
      graph.committed(
        tenantId,
        events.map((e) => e.messageId),
      );
      waiting.push({ tenantId, events });
      waitingEvents += events.length;
      if (waitingEvents >= sliceEvents) wakeLinger?.();
      if (!applying) applying = applyWaiting().finally(() => (applying = undefined));
      // Back-pressure: a collector far ahead of the pipeline waits for it.
      if (waitingEvents > 50_000) await applying;
    },
  };

  const module: ProfileModule = { deps, rt, graph, guard, queue };
  return {
    ...module,
    resolver: graph,
    pipeline,
    timers,
    async routes(app: HttpApp) {
      await app.register(profileRoutes(module));
      await app.register(segmentRoutes(module));
      await app.register(privacyRoutes(module));
    },
    jobs: [
      {
        name: 'customer-rfm-boundaries',
        cron: '40 2 * * *',
        run: async () => {
          const tenants = await db.pool.query<{ id: string }>('SELECT id FROM tenants');
          for (const t of tenants.rows) await recomputeRfmBoundaries(db, t.id, rt.clock.now());
          for (const t of tenants.rows) {
            // Recency drifts with time: segments reading RFM are recomputed with the new scores.
            const segs = await db.pool.query<{ id: string }>(`SELECT id FROM segments WHERE tenant_id = $1 AND definition::text LIKE '%"type": "rfm"%'`, [
              t.id,
            ]);
            for (const s of segs.rows) await queue.enqueue({ tenantId: t.id, kind: 'segment', id: s.id });
            settings.invalidate(t.id);
          }
          return { tenants: tenants.rows.length };
        },
      },
    ],
    async start(b?: PgBoss) {
      await guard.start();
      // Parts committed before this start and never applied (this node died in between, or another did) first.
      await replayPending(db, log, applyOne, new Date());
      sweep = setInterval(() => {
        if (sweeping) return;
        sweeping = replayPending(db, log, applyOne, new Date(Date.now() - (opts.sweepAgeMs ?? 300_000)))
          .catch((err) => log.error({ err }, 'replaying unapplied customer events failed'))
          .finally(() => (sweeping = undefined));
      }, opts.sweepMs ?? 60_000);
      sweep.unref();
      timers.start();
      if (b) {
        await b.createQueue(recomputeQueue);
        await b.work<{ tenantId: string; kind: 'segment' | 'trait'; id: string }>(recomputeQueue, async (jobs) => {
          for (const job of jobs) await run(job.data);
        });
        boss = b;
      }
    },
    async stop() {
      clearInterval(sweep);
      await sweeping;
      timers.stop();
      guard.stop();
      boss = undefined;
      await applying;
      await background;
      warm.close();
    },
    onApplied(listener) {
      appliedListeners.add(listener);
      return () => appliedListeners.delete(listener);
    },
    async idle() {
      let seen: Promise<unknown> | undefined;
      while (applying || seen !== background) {
        await applying;
        seen = background;
        await seen;
      }
    },
  };
}

/** Events the pipeline applies in one transaction, about (whole flush parts of at most `flushPartEvents`). */
const sliceEvents = Math.max(flushPartEvents, 5000);
/** After a run of at least this many events the next waits up to `lingerMs` for a full slice. */
const lingerAfter = 1000;
const lingerMs = 100;

/** Where a slice starting at `from` ends: about `sliceEvents` events, never inside a flush part (parts are contiguous). */
function sliceEnd(list: ProfiledEvent[], from: number): number {
  let to = Math.min(list.length, from + sliceEvents);
  const cut = list[to]?.flushId;
  if (to === list.length || cut === undefined) return to;
  let k = to;
  while (k > from && list[k - 1].flushId === cut) k--;
  if (k > from) return k;
  while (to < list.length && list[to].flushId === cut) to++;
  return to;
}
