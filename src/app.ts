import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerOrgMoveRewritesStorePaths } from './flows/org-move-rewrites-store-paths.ts';
import type { Deps } from './kernel/context.ts';
import { migrationsPending } from './kernel/db.ts';
import { createHttpApp, type HttpApp } from './kernel/http.ts';
import { Jobs } from './kernel/jobs.ts';
import { addGauge } from './kernel/metrics.ts';
import type { OutboxDispatcher } from './kernel/outbox.ts';
import { authenticator, orgRoutes, purgeExpiredSessions } from './modules/org/index.ts';
import { storeRoutes } from './modules/stores/index.ts';

export const consoleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../console/dist');

let flowsRegistered = false;

/** Registers the cross-module flows once per process. */
export function registerFlows(): void {
  if (flowsRegistered) return;
  flowsRegistered = true;
  registerOrgMoveRewritesStorePaths();
}

/** Builds the HTTP application: kernel plus every module's routes under /api/v1. */
export async function buildApp(deps: Deps, opts: { consoleDir?: string; outbox?: OutboxDispatcher } = {}): Promise<HttpApp> {
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
  addGauge(metrics, 'storeos_db_pool_total', 'Database connections open', () => db.pool.totalCount);
  addGauge(metrics, 'storeos_db_pool_idle', 'Database connections idle', () => db.pool.idleCount);
  addGauge(metrics, 'storeos_db_pool_waiting', 'Queries waiting for a connection', () => db.pool.waitingCount);
  const outbox = opts.outbox;
  if (outbox) addGauge(metrics, 'storeos_outbox_lag_seconds', 'Age of the oldest undispatched domain event', () => outbox.lagSeconds());
  await app.register(
    async (api) => {
      await api.register(orgRoutes(deps));
      await api.register(storeRoutes(deps));
    },
    { prefix: '/api/v1' },
  );
  return app;
}

/** The background machinery of a node: the outbox dispatcher and the job queue with its schedules. */
export async function startWorkers(deps: Deps, outbox: OutboxDispatcher): Promise<{ stop(): Promise<void> }> {
  registerFlows();
  await outbox.start();
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
  ]);
  return {
    async stop() {
      await outbox.stop();
      await jobs.stop();
    },
  };
}
