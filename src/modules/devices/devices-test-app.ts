import { buildApp } from '../../app.ts';
import { demoPassword, seedDemo } from '../../commands/seed-demo.ts';
import { loadConfig } from '../../kernel/config.ts';
import type { Deps } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { createLogger } from '../../kernel/logger.ts';
import { createMetrics } from '../../kernel/metrics.ts';
import { OutboxDispatcher } from '../../kernel/outbox.ts';
import { testDatabase } from '../../../test/harness.ts';
import { createDevices, type Devices, type DevicesOptions } from './create-devices.ts';

/** A signed-in session's headers for app.inject. */
export interface Session {
  headers: Record<string, string>;
}

/** The app on a fresh database with a small demo chain (and its demo devices), the devices module in hand. */
export interface DevicesTestApp {
  app: HttpApp;
  db: Database;
  url: string;
  deps: Deps;
  devices: Devices;
  tenantId: string;
  signIn(email: string, tenant?: string): Promise<Session>;
  close(): Promise<void>;
}

/** Builds a test app for the devices module (tests only): `start` runs the node's flushes and listener; `consoleDir` serves a built console (browser tests). */
export async function devicesTestApp(
  opts: { stores?: number; devices?: DevicesOptions; env?: NodeJS.ProcessEnv; start?: boolean; consoleDir?: string } = {},
): Promise<DevicesTestApp> {
  const t = await testDatabase();
  const seeded = await seedDemo(t.db, { stores: opts.stores ?? 3 });
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const deps: Deps = { db: t.db, config: loadConfig({ LOG_LEVEL: 'silent', ...opts.env }), log, metrics: createMetrics() };
  const devices = createDevices(deps, opts.devices);
  const app = await buildApp(deps, { outbox: new OutboxDispatcher(t.db, log), devices, consoleDir: opts.consoleDir });
  await app.ready();
  if (opts.start !== false) await devices.start();
  return {
    app,
    db: t.db,
    url: t.url,
    deps,
    devices,
    tenantId: seeded.tenantId,
    async signIn(email, tenant) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password: demoPassword, ...(tenant ? { tenant } : {}) } });
      if (res.statusCode !== 200) throw new Error(`sign-in of ${email} failed: ${res.statusCode} ${res.body}`);
      const cookie = String(res.headers['set-cookie']).split(';')[0];
      return { headers: { cookie, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken } };
    },
    async close() {
      await app.close();
      await devices.stop();
      await t.drop();
    },
  };
}
