// Test helpers of the profile side (not a test): an app on a fresh database with the profile module on a movable
// clock, and an ingest that does what the collector does (resolve in the transaction, store, commit, hand over).
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { buildApp } from '../../app.ts';
import { testDatabase } from '../../../test/harness.ts';
import { demoPassword, seedDemo } from '../../commands/seed-demo.ts';
import { loadConfig } from '../../kernel/config.ts';
import type { Deps } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { createLogger } from '../../kernel/logger.ts';
import { createMetrics } from '../../kernel/metrics.ts';
import type { CollectedEvent } from './contract.ts';
import { EventPartitions } from './event-partitions.ts';
import { type CustomerProfiles, createCustomerProfiles } from './profile-pipeline.ts';

/** A clock tests move by hand. */
export class FakeClock {
  constructor(public t = Date.parse('2026-03-01T12:00:00Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  advanceDays(days: number): void {
    this.t += days * 86_400_000;
  }
}

/** An event as a test writes it: only what matters, the rest filled in. */
export type TestEvent = Partial<CollectedEvent> & { at?: number };

/** An app with the profile side on a fake clock, and how to feed it events. */
export interface ProfileTestApp {
  app: HttpApp;
  db: Database;
  profiles: CustomerProfiles;
  clock: FakeClock;
  tenantId: string;
  storeIds: string[];
  /** Ingests events as the collector does; answers their profile ids. */
  send(events: TestEvent[]): Promise<string[]>;
  signIn(email: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** Fills in an event: a fresh messageId, the tenant, a POS source, the clock's time unless `at` or `timestamp` is given. */
export function makeEvent(tenantId: string, clock: FakeClock, e: TestEvent): CollectedEvent {
  const timestamp = e.timestamp ?? new Date(e.at ?? clock.t);
  return {
    messageId: e.messageId ?? randomUUID(),
    tenantId,
    sourceId: e.sourceId ?? 'src_test',
    channel: e.channel ?? 'pos',
    storeId: e.storeId ?? null,
    type: e.type ?? 'track',
    userId: e.userId ?? null,
    anonymousId: e.anonymousId ?? null,
    event: e.event ?? null,
    previousId: e.previousId ?? null,
    groupId: null,
    properties: e.properties ?? {},
    traits: e.traits ?? {},
    context: e.context ?? {},
    timestamp,
    receivedAt: new Date(clock.t),
  };
}

/** Stores events as the collector does: resolve inside the transaction, insert, commit; then the pipeline. */
export async function ingest(
  db: Database,
  profiles: CustomerProfiles,
  partitions: EventPartitions,
  tenantId: string,
  events: CollectedEvent[],
): Promise<string[]> {
  await partitions.ensure(events.map((e) => e.timestamp.getTime()));
  const sorted = [...events].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  const ids = await db.orm.transaction(async (tx) => {
    const resolved = await profiles.resolver.resolve(tx, tenantId, sorted);
    for (let k = 0; k < sorted.length; k++) {
      const e = sorted[k];
      await tx.execute(sql`
        INSERT INTO customer_events (ts, received_at, tenant_id, profile_id, message_id, source_id, channel, store_id, type, user_id, anonymous_id, event,
          previous_id, group_id, properties, traits, context)
        VALUES (${e.timestamp.toISOString()}::timestamptz, ${e.receivedAt.toISOString()}::timestamptz, ${tenantId}, ${resolved[k]}, ${e.messageId}, ${e.sourceId},
          ${e.channel}, ${e.storeId}, ${e.type}, ${e.userId}, ${e.anonymousId}, ${e.event}, ${e.previousId}, ${e.groupId},
          ${JSON.stringify(e.properties)}::jsonb, ${JSON.stringify(e.traits)}::jsonb, ${JSON.stringify(e.context)}::jsonb)`);
    }
    return resolved;
  });
  await profiles.pipeline.onCommitted(
    tenantId,
    sorted.map((e, k) => ({ ...e, profileId: ids[k] })),
  );
  await profiles.idle();
  const byMessage = new Map(sorted.map((e, k) => [e.messageId, ids[k]]));
  return events.map((e) => byMessage.get(e.messageId) as string);
}

/** Builds the app with the demo chain and the profile side on a fake clock. */
export async function createProfileTestApp(opts: { stores?: number } = {}): Promise<ProfileTestApp> {
  const t = await testDatabase();
  const seeded = await seedDemo(t.db, { stores: opts.stores ?? 3 });
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const deps: Deps = { db: t.db, config, log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), metrics: createMetrics() };
  const clock = new FakeClock();
  const profiles = createCustomerProfiles(deps, { clock });
  const app = await buildApp(deps, { profiles });
  await app.ready();
  const partitions = new EventPartitions(t.db.pool);
  await partitions.load();
  const stores = await t.db.pool.query<{ id: string }>('SELECT id FROM stores WHERE tenant_id = $1 ORDER BY code', [seeded.tenantId]);
  return {
    app,
    db: t.db,
    profiles,
    clock,
    tenantId: seeded.tenantId,
    storeIds: stores.rows.map((r) => r.id),
    send: (events) =>
      ingest(
        t.db,
        profiles,
        partitions,
        seeded.tenantId,
        events.map((e) => makeEvent(seeded.tenantId, clock, e)),
      ),
    async signIn(email: string) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password: demoPassword } });
      if (res.statusCode !== 200) throw new Error(`sign-in of ${email} failed: ${res.statusCode} ${res.body}`);
      const body = res.json() as { csrfToken: string };
      return { cookie: String(res.headers['set-cookie']).split(';')[0], 'x-csrf-token': body.csrfToken };
    },
    async close() {
      await profiles.stop();
      await app.close();
      await t.drop();
    },
  };
}
