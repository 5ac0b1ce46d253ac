import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp, consoleDir as builtConsole } from '../src/app.ts';
import { demoPassword, demoUsers, seedDemo } from '../src/commands/seed-demo.ts';
import { loadConfig } from '../src/kernel/config.ts';
import type { Deps } from '../src/kernel/context.ts';
import { type Database, openDatabase } from '../src/kernel/db.ts';
import type { HttpApp } from '../src/kernel/http.ts';
import { createLogger } from '../src/kernel/logger.ts';
import { createMetrics } from '../src/kernel/metrics.ts';
import { OutboxDispatcher } from '../src/kernel/outbox.ts';

/** A fresh database cloned from the migrated template, dropped by `drop()`. */
export async function testDatabase(): Promise<{ db: Database; url: string; drop(): Promise<void> }> {
  const adminUrl = inject('pgAdminUrl');
  const template = inject('pgTemplate');
  const name = `${template}_f_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = openDatabase(url.toString(), { max: 10 });
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** A signed-in console session: cookie and CSRF token, ready to put on `app.inject` requests. */
export interface TestSession {
  cookie: string;
  csrf: string;
  headers: Record<string, string>;
  userId: string;
}

/** A StoreOS application on a fresh database with the demo chain seeded, driven with `app.inject`. */
export interface TestApp {
  app: HttpApp;
  db: Database;
  deps: Deps;
  url: string;
  outbox: OutboxDispatcher;
  signIn(email: string, password?: string, tenant?: string): Promise<TestSession>;
  close(): Promise<void>;
}

/** Builds the app on a fresh database; seeds the demo chain (`demoStores` stores, 12 by default; 0 for none). */
export async function createTestApp(opts: { demoStores?: number; consoleDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<TestApp> {
  const t = await testDatabase();
  if ((opts.demoStores ?? 12) > 0) await seedDemo(t.db, { stores: opts.demoStores ?? 12 });
  const config = loadConfig({ LOG_LEVEL: 'silent', ...opts.env });
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const deps: Deps = { db: t.db, config, log, metrics: createMetrics() };
  const outbox = new OutboxDispatcher(t.db, log);
  const app = await buildApp(deps, { consoleDir: opts.consoleDir, outbox });
  await app.ready();
  return {
    app,
    db: t.db,
    deps,
    url: t.url,
    outbox,
    async signIn(email, password = demoPassword, tenant) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password, ...(tenant ? { tenant } : {}) } });
      if (res.statusCode !== 200) throw new Error(`sign-in of ${email} failed: ${res.statusCode} ${res.body}`);
      const cookie = String(res.headers['set-cookie']).split(';')[0];
      const body = res.json() as { csrfToken: string; user: { id: string } };
      return { cookie, csrf: body.csrfToken, userId: body.user.id, headers: { cookie, 'x-csrf-token': body.csrfToken } };
    },
    async close() {
      await app.close();
      await t.drop();
    },
  };
}

/** A full StoreOS (API and built console) listening on a free port with the demo chain, for browser tests. */
export async function startTestServer(opts: { demoStores?: number } = {}) {
  const t = await createTestApp({ demoStores: opts.demoStores ?? 12, consoleDir: builtConsole });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    signIns: demoUsers.map((u) => ({ role: u.role, email: u.email, password: demoPassword })),
    testApp: t,
    close: () => t.close(),
  };
}
