import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerOrgMoveRewritesDevicePaths } from './flows/org-move-rewrites-device-paths.ts';
import { registerOrgMoveRewritesStorePaths } from './flows/org-move-rewrites-store-paths.ts';
import { alarmOpensWorkOrder } from './flows/alarm-opens-work-order.ts';
import { registerOrgMoveRewritesMaintenancePaths } from './flows/org-move-rewrites-maintenance-paths.ts';
import type { Deps } from './kernel/context.ts';
import { migrationsPending } from './kernel/db.ts';
import { createHttpApp, type HttpApp } from './kernel/http.ts';
import { Jobs } from './kernel/jobs.ts';
import { addGauge } from './kernel/metrics.ts';
import type { OutboxDispatcher, Subscriber } from './kernel/outbox.ts';
import { type Collection, createCollection } from './modules/customers/index.ts';
import { type CustomerProfiles, createCustomerProfiles } from './modules/customers/profile-pipeline.ts';
import { createDevices, type Devices } from './modules/devices/index.ts';
import { configureFiles, filesRoutes, fileStoreFor } from './modules/files/index.ts';
import { createMaintenance } from './modules/maintenance/index.ts';
import { createJourneys, createMarketing, type Journeys, type Marketing } from './modules/marketing/index.ts';
import { createOperations } from './modules/operations/index.ts';
import {
  enableEmail,
  notificationDeliverySubscriber,
  notificationRoutes,
  startNotificationDelivery,
  stopNotificationDelivery,
} from './modules/notifications/index.ts';
import { authenticator, closeAuthCache, orgRoutes, purgeExpiredSessions } from './modules/org/index.ts';
import { storeRoutes } from './modules/stores/index.ts';

export const consoleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../console/dist');

let flowsRegistered = false;
const subscribed = new WeakMap<OutboxDispatcher, Set<string>>();

/** Adds an outbox subscriber unless one of that name is there already (buildApp may run twice on one dispatcher). */
function subscribeOnce(outbox: OutboxDispatcher, sub: Subscriber): void {
  const names = subscribed.get(outbox) ?? new Set<string>();
  subscribed.set(outbox, names);
  if (names.has(sub.name)) return;
  names.add(sub.name);
  outbox.subscribe(sub);
}

/** Registers the cross-module flows once per process. */
export function registerFlows(): void {
  if (flowsRegistered) return;
  flowsRegistered = true;
  registerOrgMoveRewritesStorePaths();
  registerOrgMoveRewritesDevicePaths();
  registerOrgMoveRewritesMaintenancePaths();
}

/** Builds the HTTP application: kernel plus every module's routes under /api/v1. */
export async function buildApp(
  deps: Deps,
  opts: {
    consoleDir?: string;
    outbox?: OutboxDispatcher;
    devices?: Devices;
    collection?: Collection;
    profiles?: CustomerProfiles;
    marketing?: Marketing;
    journeys?: Journeys;
  } = {},
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
  // Files and notifications are shared by every module that attaches photos or tells people things.
  configureFiles({ store: fileStoreFor(deps.config), uploadLimit: deps.config.uploadLimit });
  enableEmail(deps.config.smtp !== undefined);
  if (outbox) subscribeOnce(outbox, notificationDeliverySubscriber(deps));
  if (outbox) subscribeOnce(outbox, alarmOpensWorkOrder(db));
  const maintenance = createMaintenance(deps);
  const operations = createOperations(deps);
  // Campaigns, channels and tracking; tests pass their own to drive its send loop by hand.
  const marketing = opts.marketing ?? createMarketing(deps);
  if (!opts.marketing) app.addHook('onClose', () => marketing.stop());
  // Journeys: segment entries and exits reach them through the outbox, collected events from the profile pipeline.
  const journeys = opts.journeys ?? createJourneys(deps);
  if (!opts.journeys) app.addHook('onClose', () => journeys.stop());
  if (outbox) subscribeOnce(outbox, journeys.segmentSubscriber);
  // Segment membership changes also mark the segment's ad audiences for a refresh.
  if (outbox) for (const sub of marketing.subscribers) subscribeOnce(outbox, sub);
  if (outbox) addGauge(metrics, 'storeos_outbox_lag_seconds', 'Age of the oldest undispatched domain event', () => outbox.lagSeconds());
  // Without a devices module from the caller (tests), the app has its own and lets it go on close.
  const devices = opts.devices ?? createDevices(deps);
  if (!opts.devices) app.addHook('onClose', () => devices.stop());
  // Likewise the profile side (identity graph, profiles, segments, privacy): its routes work without started workers.
  const profiles = opts.profiles ?? createCustomerProfiles(deps);
  if (!opts.profiles) app.addHook('onClose', () => profiles.stop());
  const stopTriggering = profiles.onApplied((events) => journeys.onEvents(events));
  app.addHook('onClose', async () => stopTriggering());
  // Set-trait steps edit traits through the profile side, so the person's segments change at once.
  journeys.connectProfiles(profiles);
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
      await api.register(filesRoutes(deps));
      await api.register(notificationRoutes(deps));
      await api.register(maintenance.routes);
      await api.register(operations.routes);
      await api.register(marketing.routes);
      await api.register(journeys.routes);
    },
    { prefix: '/api/v1' },
  );
  // Segment's HTTP Tracking API sits at the root (`/v1/track`…), where SDKs expect it.
  await app.register(collection.collectRoutes);
  // Tracked links, the e-mail open pixel and unsubscribe links sit at the root (`/m/…`), short enough for an SMS.
  await app.register(marketing.publicRoutes);
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
  // The journey runner of this node: woken at a wait's end (pg-boss), on NOTIFY, and by a sweep every minute.
  const journeyRunner = createJourneys(deps);
  if (profiles) journeyRunner.connectProfiles(profiles);
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
    ...createMaintenance(deps).jobs,
    ...createOperations(deps).jobs,
    // The campaign send loop, every minute (launches also start a pass at once).
    ...createMarketing(deps).jobs,
    ...journeyRunner.jobs,
  ]);
  // Profile timers (exact segment windows) and segment recomputes from the job queue.
  await profiles?.start(jobs.boss);
  // Webhook and e-mail deliveries, one job each, retried with backoff.
  await startNotificationDelivery(jobs.boss, deps);
  await journeyRunner.start(jobs.boss);
  return {
    async stop() {
      await outbox.stop();
      stopNotificationDelivery();
      await journeyRunner.stop();
      // Events in flight commit and reach the profile pipeline before it stops.
      await collection?.stop();
      await profiles?.stop();
      await jobs.stop();
      await devices?.stop();
    },
  };
}
