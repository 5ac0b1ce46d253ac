import pg from 'pg';
import type { Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import type { ScheduledJob } from '../../kernel/jobs.ts';
import { Collector } from './collection.ts';
import { createCollectionMetrics } from './collection-metrics.ts';
import { collectionRoutes } from './collection-routes.ts';
import type { CollectionGuard, IdentityResolver, ProfilePipeline } from './contract.ts';
import { SourceDebugger } from './debugger.ts';
import { EventPartitions } from './event-partitions.ts';
import { defaultEventWriterOptions, EventWriter, type EventWriterOptions, type StoredEvent } from './event-writer.ts';
import { SourceKeys } from './source-keys.ts';
import { SourceRates } from './source-rates.ts';
import { sourceRoutes } from './source-routes.ts';
import { StoreDirectory } from './store-directory.ts';

/** What collection hands events to and asks: the identity graph, the profile pipeline, suppression. */
export interface CollectionHooks {
  resolver: IdentityResolver;
  pipeline: ProfilePipeline;
  guard: CollectionGuard;
}

/** Tuning, mostly for tests and the benchmark. */
export interface CollectionOptions {
  writer?: Partial<EventWriterOptions>;
  /** Events per second per source when the source sets none (default: the STOREOS_SOURCE_RATE setting). */
  defaultRate?: number;
  heartbeatMs?: number;
}

/** The collection half of the customers module as the app wires it. */
export interface Collection {
  collector: Collector;
  keys: SourceKeys;
  debug: SourceDebugger;
  /** Sources and the debugger, to register under /api/v1. */
  routes: (app: HttpApp) => Promise<void>;
  /** Segment's HTTP API, to register at the root (`/v1/*`). */
  collectRoutes: (app: HttpApp) => Promise<void>;
  jobs: ScheduledJob[];
  /** Listens for other nodes' source changes, writes debugger errors in the background. */
  start(): Promise<void>;
  /** Commits what is in flight and lets go of connections; idempotent. */
  stop(): Promise<void>;
  /** Resolves when every accepted event is committed and handed to the profile pipeline. */
  drain(): Promise<void>;
}

/** Creates the collection of one node. */
export function createCollection(deps: Deps, hooks: CollectionHooks, opts: CollectionOptions = {}): Collection {
  const { db, log } = deps;
  const writerOpts = { ...defaultEventWriterOptions, ...opts.writer };
  // Its own small pool: ingest commits never queue behind REST queries for a connection.
  const writerPool = new pg.Pool({ connectionString: db.url, max: writerOpts.maxInFlight + 1, application_name: 'storeos-collect', idleTimeoutMillis: 30_000 });
  writerPool.on('error', () => {});
  const partitions = new EventPartitions(db.pool);
  const keys = new SourceKeys(db.pool, log);
  const debug = new SourceDebugger(db.pool, log);
  const handOff = async (events: StoredEvent[]) => {
    const byTenant = new Map<string, StoredEvent[]>();
    for (const e of events) {
      const list = byTenant.get(e.tenantId) ?? [];
      byTenant.set(e.tenantId, list);
      list.push(e);
    }
    for (const [tenantId, list] of byTenant) {
      try {
        await hooks.pipeline.onCommitted(tenantId, list);
      } catch (err) {
        log.error({ err, tenantId, events: list.length }, 'profile pipeline failed on committed events');
      }
    }
  };
  const writer: EventWriter = new EventWriter(writerPool, partitions, hooks.resolver, handOff, (r) => metrics.flushed(r), writerOpts);
  const metrics = createCollectionMetrics(deps.metrics, () => writer.pending, () => writer.handingOff);
  const collector = new Collector({
    keys,
    rates: new SourceRates(),
    stores: new StoreDirectory(db.pool),
    writer,
    debug,
    metrics,
    guard: hooks.guard,
    defaultRate: opts.defaultRate ?? deps.config.sourceRate,
  });
  let state: 'new' | 'started' | 'stopped' = 'new';
  return {
    collector,
    keys,
    debug,
    routes: async (app) => app.register(sourceRoutes(deps, keys, debug, opts.heartbeatMs)),
    collectRoutes: async (app) => app.register(collectionRoutes(collector)),
    jobs: [
      { name: 'customer-event-partitions', cron: '11 3 * * *', run: () => partitions.createAhead() },
      {
        name: 'customer-event-dedupe-prune',
        cron: '41 3 * * *',
        run: async () => {
          // In slices, so the prune never holds a long transaction against ingest.
          let deleted = 0;
          for (;;) {
            const r = await db.pool.query(
              'DELETE FROM customer_event_dedupe WHERE ctid = ANY (ARRAY(SELECT ctid FROM customer_event_dedupe WHERE expires_at < now() LIMIT 50000))',
            );
            deleted += r.rowCount ?? 0;
            if ((r.rowCount ?? 0) < 50_000) return { deleted };
          }
        },
      },
    ],
    async start() {
      if (state !== 'new') return;
      state = 'started';
      await partitions.load();
      await partitions.createAhead();
      await keys.start();
      debug.start();
    },
    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      await writer.drain();
      await debug.stop();
      await keys.stop();
      await writerPool.end();
    },
    drain: () => writer.drain(),
  };
}
