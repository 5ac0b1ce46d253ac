// Test helpers of the collection API (not a test): an app on a fresh database with the collection wired in, and
// sources made through the API.
import { buildApp } from '../../app.ts';
import { testDatabase } from '../../../test/harness.ts';
import { demoPassword, seedDemo } from '../../commands/seed-demo.ts';
import { loadConfig } from '../../kernel/config.ts';
import type { Deps } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { createLogger } from '../../kernel/logger.ts';
import { createMetrics } from '../../kernel/metrics.ts';
import { RecordingPipeline, SetGuard } from './collection-scaffold.ts';
import { type Collection, type CollectionHooks, type CollectionOptions, createCollection } from './create-collection.ts';
import { type CustomerProfiles, createCustomerProfiles } from './profile-pipeline.ts';

/** A collection test app: the app, its collection on the real profile side (recorded), and an admin session. */
export interface CollectionTestApp {
  app: HttpApp;
  db: Database;
  url: string;
  deps: Deps;
  collection: Collection;
  profiles: CustomerProfiles;
  pipeline: RecordingPipeline;
  guard: SetGuard;
  admin: Record<string, string>;
  tenantId: string;
  /** Creates a source through the API and answers its id and write key. */
  source(channel: string, extra?: Record<string, unknown>): Promise<{ id: string; writeKey: string }>;
  signIn(email: string, tenant?: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export { basic } from './collection-scaffold.ts';

/** Builds the app with the demo chain (`stores` stores) and the collection wired to the real identity graph and pipeline. */
export async function createCollectionTestApp(opts: { stores?: number; hooks?: Partial<CollectionHooks>; collection?: CollectionOptions; env?: NodeJS.ProcessEnv } = {}): Promise<CollectionTestApp> {
  const t = await testDatabase();
  const seeded = await seedDemo(t.db, { stores: opts.stores ?? 3 });
  const config = loadConfig({ LOG_LEVEL: 'silent', ...opts.env });
  const deps: Deps = { db: t.db, config, log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), metrics: createMetrics() };
  const profiles = createCustomerProfiles(deps);
  const pipeline = new RecordingPipeline(profiles.pipeline);
  const guard = new SetGuard(profiles.guard);
  const collection = createCollection(deps, { resolver: profiles.resolver, pipeline, guard, ...opts.hooks }, opts.collection);
  const app = await buildApp(deps, { collection, profiles });
  await app.ready();
  const signIn = async (email: string, tenant?: string) => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password: demoPassword, ...(tenant ? { tenant } : {}) } });
    if (res.statusCode !== 200) throw new Error(`sign-in of ${email} failed: ${res.statusCode} ${res.body}`);
    const body = res.json() as { csrfToken: string };
    return { cookie: String(res.headers['set-cookie']).split(';')[0], 'x-csrf-token': body.csrfToken };
  };
  const admin = await signIn('admin@demo.storeos.dev');
  let n = 0;
  return {
    app,
    db: t.db,
    url: t.url,
    deps,
    collection,
    profiles,
    pipeline,
    guard,
    admin,
    tenantId: seeded.tenantId,
    signIn,
    async source(channel, extra = {}) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/sources', headers: admin, payload: { name: `${channel} ${++n}`, channel, ...extra } });
      if (res.statusCode !== 201) throw new Error(`creating a source failed: ${res.statusCode} ${res.body}`);
      return res.json() as { id: string; writeKey: string };
    },
    async close() {
      await app.close();
      await collection.stop();
      await profiles.stop();
      await t.drop();
    },
  };
}
