import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerOrgMoveRewritesDevicePaths } from './flows/org-move-rewrites-device-paths.ts';
import { registerOrgMoveRewritesStorePaths } from './flows/org-move-rewrites-store-paths.ts';
import type { Deps } from './kernel/context.ts';
import { migrationsPending } from './kernel/db.ts';
import { createHttpApp, type HttpApp } from './kernel/http.ts';
import { Jobs } from './kernel/jobs.ts';
import { addGauge } from './kernel/metrics.ts';
import type { OutboxDispatcher } from './kernel/outbox.ts';
import { type Collection, createCollection } from './modules/customers/index.ts';
import { type CustomerProfiles, createCustomerProfiles } from './modules/customers/profile-pipeline.ts';
import { createDevices, type Devices } from './modules/devices/index.ts';
import { authenticator, closeAuthCache, orgRoutes, purgeExpiredSessions } from './modules/org/index.ts';
import { storeRoutes } from './modules/stores/index.ts';

export const consoleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../console/dist');

let flowsRegistered = false;

/** Registers the cross-module flows once per process. */
export function registerFlows(): void {
  if (flowsRegistered) return;
  flowsRegistered = true;
  registerOrgMoveRewritesStorePaths();
  registerOrgMoveRewritesDevicePaths();
}

/** Builds the HTTP application: kernel plus every module's routes under /api/v1. */
export async function buildApp(
  deps: Deps,
  opts: { consoleDir?: string; outbox?: OutboxDispatcher; devices?: Devices; collection?: Collection; profiles?: CustomerProfiles } = {},
): Promise<HttpApp> {
  registerFlows();
  const { db, metrics } = deps;
  const app = await createHttpApp({
    logger: deps.log,
    metrics,
    bodyLimit: deps.config.bodyLimit,
    authenticate: authenticator(db),
    consoleDir: opts.consoleDir,
    ready: async () => !(await migrationsPending(db)),
  });
  app.addHook('onClose', () => closeAuthCache(db));
  addGauge(metrics, 'storeos_db_pool_total', 'Database connections open', () => db.pool.totalCount);
  addGauge(metrics, 'storeos_db_pool_idle', 'Database connections idle', () => db.pool.idleCount);
  addGauge(metrics, 'storeos_db_pool_waiting', 'Queries waiting for a connection', () => db.pool.waitingCount);
  const outbox = opts.outbox;
  if (outbox) addGauge(metrics, 'storeos_outbox_lag_seconds', 'Age of the oldest undispatched domain event', () => outbox.lagSeconds());
  // Without a devices module from the caller (tests), the app has its own and lets it go on close.
  const devices = opts.devices ?? createDevices(deps);
  if (!opts.devices) app.addHook('onClose', () => devices.stop());
  // Likewise the profile side (identity graph, profiles, segments, privacy): its routes work without started workers.
  const profiles = opts.profiles ?? createCustomerProfiles(deps);
  if (!opts.profiles) app.addHook('onClose', () => profiles.stop());
  // And the collection (sources, Segment's API), wired to the profile side's identity graph, pipeline and guard.
  const collection = opts.collection ?? createCollection(deps, { resolver: profiles.resolver, pipeline: profiles.pipeline, guard: profiles.guard });
  if (!opts.collection) app.addHook('onClose', () => collection.stop());
  await app.register(
    async (api) => {
      await api.register(orgRoutes(deps));
      await api.register(storeRoutes(deps));
      await api.register(devices.routes);
      await api.register(profiles.routes);
      await api.register(collection.routes);
    },
    { prefix: '/api/v1' },
  );
  // Segment's HTTP Tracking API sits at the root (`/v1/track`…), where SDKs expect it.
  await app.register(collection.collectRoutes);
  return app;
}

/** The background machinery of a node: the outbox dispatcher, the devices module's flushes, customer collection and profiles, and the job queue with its schedules. */
export async function startWorkers(
  deps: Deps,
  outbox: OutboxDispatcher,
  devices?: Devices,
  profiles?: CustomerProfiles,
  collection?: Collection,
): Promise<{ stop(): Promise<void> }> {
  registerFlows();
  await outbox.start();
  await devices?.start();
  await collection?.start();
  const jobs = new Jobs(deps.db.url, deps.log);
  await jobs.start([
    { name: 'purge-expired-sessions', cron: '17 * * * *', run: () => purgeExpiredSessions(deps.db) },
    {
      name: 'prune-dispatched-events',
      cron: '23 3 * * *',
      run: () =>
        deps.db.pool.query(
          "DELETE FROM outbox WHERE dispatched_at < now() - interval '7 days'; DELETE FROM outbox_receipts WHERE handled_at < now() - interval '7 days'",
        ),
    },
    ...(devices?.jobs ?? []),
    ...(profiles?.jobs ?? []),
    ...(collection?.jobs ?? []),
  ]);
  // Profile timers (exact segment windows) and segment recomputes from the job queue.
  await profiles?.start(jobs.boss);
  return {
    async stop() {
      await outbox.stop();
      // Events in flight commit and reach the profile pipeline before it stops.
      await collection?.stop();
      await profiles?.stop();
      await jobs.stop();
      await devices?.stop();
    },
  };
}
