// Test helpers of the marketing module (not a test): an app with the marketing send loop driven by hand, and people,
// segments, consents and orders written straight into the customers tables the way the profile pipeline leaves them.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { testDatabase } from '../../../test/harness.ts';
import { buildApp } from '../../app.ts';
import { demoPassword, seedDemo } from '../../commands/seed-demo.ts';
import { loadConfig } from '../../kernel/config.ts';
import type { Deps } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { createLogger } from '../../kernel/logger.ts';
import { createMetrics } from '../../kernel/metrics.ts';
import { hashPassword } from '../../kernel/passwords.ts';
import { diskFileStore } from '../files/index.ts';
import { insertUser } from '../org/index.ts';
import { createMarketing, type Marketing } from './create-marketing.ts';
import type { Journeys } from './journey-module.ts';

/** A person as a test writes them. */
export interface TestPerson {
  traits?: Record<string, unknown>;
  email?: string;
  phone?: string;
  storeIndex?: number;
  /** Consents as `purpose:channel` (granted) or `!purpose:channel` (withdrawn). */
  consents?: string[];
}

/** An app with the demo chain and a hand-driven marketing module. */
export interface MarketingTestApp {
  app: HttpApp;
  db: Database;
  marketing: Marketing;
  tenantId: string;
  storeIds: string[];
  publicUrl: string;
  signIn(email: string, tenant?: string): Promise<Record<string, string>>;
  /** Writes people; answers their profile ids. */
  people(list: TestPerson[], tenantId?: string): Promise<string[]>;
  /** A ready segment holding exactly these people (they carry a trait named for it: its definition). */
  segment(name: string, profileIds: string[], tenantId?: string): Promise<string>;
  /** An `Order Completed` event of the person at a time (at a store, or online). */
  order(profileId: string, at: Date, revenue: number, storeId?: string | null): Promise<void>;
  close(): Promise<void>;
}

/** Builds the app on a fresh database with `stores` demo stores, plus a one-store tenant `other`. */
export async function createMarketingTestApp(
  opts: { stores?: number; trackingPerMinute?: number; journeys?: (deps: Deps, publicUrl: string) => Journeys } = {},
): Promise<MarketingTestApp> {
  const t = await testDatabase();
  const seeded = await seedDemo(t.db, { stores: opts.stores ?? 3 });
  await seedDemo(t.db, { stores: 1, slug: 'other' });
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const deps: Deps = { db: t.db, config, log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), metrics: createMetrics() };
  const publicUrl = 'https://shop.example.com';
  const filesDir = await mkdtemp(path.join(os.tmpdir(), 'storeos-marketing-files-'));
  const marketing = createMarketing(deps, { publicUrl, autoKick: false, trackingPerMinute: opts.trackingPerMinute, files: diskFileStore(filesDir) });
  const app = await buildApp(deps, { marketing, journeys: opts.journeys?.(deps, publicUrl) });
  await app.ready();
  await t.db.pool.query(`CREATE TABLE customer_events_marketing_test PARTITION OF customer_events FOR VALUES FROM ('2000-01-01') TO ('2100-01-01')`);
  const stores = await t.db.pool.query<{ id: string; org_path: string }>('SELECT id, org_path FROM stores WHERE tenant_id = $1 ORDER BY code', [
    seeded.tenantId,
  ]);
  const storeIds = stores.rows.map((r) => r.id);
  const q = (text: string, values: unknown[]) => t.db.pool.query(text, values);
  return {
    app,
    db: t.db,
    marketing,
    tenantId: seeded.tenantId,
    storeIds,
    publicUrl,
    async signIn(email, tenant) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password: demoPassword, ...(tenant ? { tenant } : {}) } });
      if (res.statusCode !== 200) throw new Error(`sign-in of ${email} failed: ${res.statusCode} ${res.body}`);
      return { cookie: String(res.headers['set-cookie']).split(';')[0], 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken };
    },
    async people(list, tenantId = seeded.tenantId) {
      const ids: string[] = [];
      for (const p of list) {
        const id = `prf_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
        const store = p.storeIndex === undefined ? null : stores.rows[p.storeIndex];
        await q(`INSERT INTO profiles (id, tenant_id, first_seen_at, last_seen_at, traits, preferred_store_id) VALUES ($1, $2, now(), now(), $3, $4)`, [
          id,
          tenantId,
          JSON.stringify(p.traits ?? {}),
          store?.id ?? null,
        ]);
        if (store)
          await q(`INSERT INTO profile_stores (tenant_id, profile_id, store_id, org_path, visits, last_at) VALUES ($1, $2, $3, $4, 1, now())`, [
            tenantId,
            id,
            store.id,
            store.org_path,
          ]);
        for (const [type, value] of [
          ['email', p.email],
          ['phone', p.phone],
        ] as const) {
          if (value)
            await q(`INSERT INTO profile_identifiers (tenant_id, type, value, profile_id, claimed_at) VALUES ($1, $2, $3, $4, now())`, [
              tenantId,
              type,
              value,
              id,
            ]);
        }
        for (const c of p.consents ?? []) {
          const granted = !c.startsWith('!');
          const [purpose, channel] = c.replace(/^!/, '').split(':');
          await q(`INSERT INTO consents (tenant_id, profile_id, purpose, channel, granted, source, at) VALUES ($1, $2, $3, $4, $5, 'test', now())`, [
            tenantId,
            id,
            purpose,
            channel,
            granted,
          ]);
        }
        ids.push(id);
      }
      return ids;
    },
    async segment(name, profileIds, tenantId = seeded.tenantId) {
      const id = `seg_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
      // Its definition is a marker trait its people carry, so the segment engine (a trait edit re-evaluates every
      // segment of the person) keeps exactly them in it.
      await q(`INSERT INTO segments (id, tenant_id, name, definition, status, member_count, created_by) VALUES ($1, $2, $3, $4, 'ready', $5, 'test')`, [
        id,
        tenantId,
        name,
        JSON.stringify({ type: 'trait', trait: id, op: 'eq', value: true }),
        profileIds.length,
      ]);
      await q(`UPDATE profiles SET traits = traits || jsonb_build_object($1::text, true) WHERE id = ANY($2::text[])`, [id, profileIds]);
      await q(`INSERT INTO segment_members (segment_id, profile_id, tenant_id, entered_at) SELECT $1, p, $2, now() FROM unnest($3::text[]) AS p`, [
        id,
        tenantId,
        profileIds,
      ]);
      return id;
    },
    async order(profileId, at, revenue, storeId = null) {
      await q(
        `INSERT INTO customer_events (ts, received_at, tenant_id, profile_id, message_id, source_id, channel, store_id, type, event, properties, traits, context)
         SELECT $1, $1, tenant_id, id, $2, 'src_test', $3, $4, 'track', 'Order Completed', $5, '{}', '{}' FROM profiles WHERE id = $6`,
        [at.toISOString(), randomUUID(), storeId ? 'pos' : 'web', storeId, JSON.stringify({ revenue }), profileId],
      );
    },
    async close() {
      await app.close();
      await t.drop();
      await rm(filesDir, { recursive: true, force: true });
    },
  };
}

/** The callers an isolation test tries: HQ's admin, a marketer of the first store, another tenant's admin, a store manager. */
export interface IsolationCallers {
  admin: Record<string, string>;
  local: Record<string, string>;
  other: Record<string, string>;
  manager: Record<string, string>;
}

/** Adds a marketer granted on the first store only, and signs in each caller an isolation test tries. */
export async function isolationCallers(t: MarketingTestApp): Promise<IsolationCallers> {
  const unit = await t.db.pool.query<{ org_unit_id: string }>('SELECT org_unit_id FROM stores WHERE id = $1', [t.storeIds[0]]);
  await insertUser(t.db.orm, t.tenantId, {
    email: 'store.marketer@demo.storeos.dev',
    name: 'Store marketer',
    passwordHash: await hashPassword(demoPassword),
    role: 'marketer',
    orgUnitId: unit.rows[0].org_unit_id,
  });
  return {
    admin: await t.signIn('admin@demo.storeos.dev', 'demo'),
    local: await t.signIn('store.marketer@demo.storeos.dev', 'demo'),
    other: await t.signIn('admin@demo.storeos.dev', 'other'),
    manager: await t.signIn('store.manager@demo.storeos.dev', 'demo'),
  };
}
