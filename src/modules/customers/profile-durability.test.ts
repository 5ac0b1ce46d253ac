import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/harness.ts';
import { buildApp } from '../../app.ts';
import { seedDemo } from '../../commands/seed-demo.ts';
import { systemActor } from '../../kernel/auth.ts';
import { loadConfig } from '../../kernel/config.ts';
import type { Database } from '../../kernel/db.ts';
import { createLogger } from '../../kernel/logger.ts';
import { createMetrics } from '../../kernel/metrics.ts';
import { basic } from './collection-scaffold.ts';
import { createCustomers } from './create-customers.ts';
import { createSource } from './sources.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const agent = new http.Agent({ keepAlive: true });
const base = Date.parse('2026-11-01T10:00:00Z');
const batches = 12;

function post(port: number, writeKey: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/v1/batch', agent, headers: { 'content-type': 'application/json', ...basic(writeKey) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/**
 * Batch n: 20 orders of 10 people, and an identify of `u-late` whose `step` trait is n — with an event time that goes
 * BACK as n grows, so the first batch holds the latest value whatever order the parts are applied in.
 */
const batchOf = (n: number) =>
  JSON.stringify({
    batch: [
      ...Array.from({ length: 20 }, (_, i) => ({
        type: 'track',
        userId: `u${(n + i) % 10}`,
        event: 'Order Completed',
        messageId: `o${n}-${i}`,
        timestamp: new Date(base + n * 60_000 + i).toISOString(),
        properties: { order_id: `O-${n}-${i}`, revenue: 10 + i },
      })),
      { type: 'identify', userId: 'u-late', messageId: `id${n}`, timestamp: new Date(base - n * 60_000).toISOString(), traits: { step: n } },
    ],
  });

describe('committed but not applied to profiles when the process dies: applied once after restart', () => {
  let t: { db: Database; url: string; drop(): Promise<void> };
  let writeKey: string;
  let tenantId: string;
  beforeAll(async () => {
    t = await testDatabase();
    tenantId = (await seedDemo(t.db, { stores: 1 })).tenantId;
    const store = (await t.db.pool.query<{ id: string }>('SELECT id FROM stores WHERE tenant_id = $1 LIMIT 1', [tenantId])).rows[0].id;
    writeKey = (await createSource({ db: t.db, actor: systemActor(tenantId, 'demo'), meta: {} }, { name: 'till', channel: 'pos', storeId: store })).writeKey;
    await t.db.pool.query(
      `INSERT INTO computed_traits (id, tenant_id, key, name, definition, status) VALUES
       ('ctr_orders', $1, 'orders', 'Orders', '{"kind": "count", "event": "Order Completed"}', 'ready'),
       ('ctr_spend', $1, 'spend', 'Spend', '{"kind": "sum", "event": "Order Completed", "property": "revenue"}', 'ready')`,
      [tenantId],
    );
  });
  afterAll(async () => {
    agent.destroy();
    await t.drop();
  });

  /** Per person: what the events say, and what the profile holds. */
  const tally = async () => {
    const r = await t.db.pool.query<{
      user_id: string;
      orders: number;
      revenue: number;
      lifetime_orders: number;
      lifetime_value: number;
      n: number;
      s: number;
      visits: number;
    }>(
      `SELECT e.user_id, e.orders, e.revenue, p.lifetime_orders, p.lifetime_value,
         coalesce((SELECT (value #>> '{}')::int FROM computed_trait_values WHERE trait_id = 'ctr_orders' AND profile_id = p.id), 0) AS n,
         coalesce((SELECT (value #>> '{}')::float8 FROM computed_trait_values WHERE trait_id = 'ctr_spend' AND profile_id = p.id), 0) AS s,
         coalesce((SELECT sum(visits)::int FROM profile_stores WHERE profile_id = p.id), 0) AS visits
       FROM (SELECT user_id, profile_id, count(*)::int AS orders, sum((properties ->> 'revenue')::float8) AS revenue FROM customer_events
             WHERE tenant_id = $1 AND event = 'Order Completed' GROUP BY 1, 2) e JOIN profiles p ON p.id = e.profile_id ORDER BY 1`,
      [tenantId],
    );
    return r.rows;
  };
  const pending = async () => (await t.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM customer_event_flushes')).rows[0].n;
  const step = async () =>
    (
      await t.db.pool.query<{ v: unknown }>(
        `SELECT p.traits -> 'step' AS v FROM profiles p JOIN profile_identifiers i ON i.profile_id = p.id WHERE i.value = 'u-late'`,
      )
    ).rows[0]?.v;

  it('replays the unapplied flush parts at start, exactly once, in event-time order', async () => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'collection-durability-child.ts')], {
      env: { ...process.env, STOREOS_TEST_DB: t.url, STOREOS_TEST_APPLY_LIMIT: '4' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(Number(out.trim()));
      });
      child.on('exit', (code) => reject(new Error(`server exited ${code} before listening`)));
    });
    // One batch at a time: each is its own flush part, acknowledged (committed) before the next is sent.
    for (let n = 0; n < batches; n++) expect(await post(port, writeKey, batchOf(n))).toBe(200);
    // The pipeline applies four slices (a part or more each), then holds the rest: committed, not applied.
    const applied = async () => (await t.db.pool.query<{ n: number }>('SELECT coalesce(sum(lifetime_orders), 0)::int AS n FROM profiles')).rows[0].n;
    for (let i = 0, last = -1, now = await applied(); i < 100 && (now === 0 || now !== last); i++) {
      await new Promise((r) => setTimeout(r, 100));
      [last, now] = [now, await applied()];
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const before = await tally();
    const appliedBefore = before.reduce((a, r) => a + r.lifetime_orders, 0);
    expect(before.reduce((a, r) => a + r.orders, 0)).toBe(batches * 20); // every acknowledged event is stored
    expect(appliedBefore).toBeGreaterThan(0);
    expect(appliedBefore).toBeLessThan(batches * 20); // but not every part reached the profiles
    expect(await pending()).toBe(batches - appliedBefore / 20);

    // A restarted node replays what was committed and not applied; a second node starting after it finds nothing.
    const deps = { db: t.db, config: loadConfig({ LOG_LEVEL: 'silent', STOREOS_SOURCE_RATE: '0' }), log: createLogger('silent'), metrics: createMetrics() };
    const node = createCustomers(deps);
    await node.profiles.start();
    await node.profiles.idle();
    const second = createCustomers({ ...deps, metrics: createMetrics() });
    await second.profiles.start();
    await second.profiles.idle();
    expect(await pending()).toBe(0);
    const exact = (rows: Awaited<ReturnType<typeof tally>>) => {
      for (const r of rows) {
        expect(r.lifetime_orders, r.user_id).toBe(r.orders);
        expect(r.n, r.user_id).toBe(r.orders);
        expect(r.visits, r.user_id).toBe(r.orders);
        expect(r.lifetime_value, r.user_id).toBeCloseTo(r.revenue, 6);
        expect(r.s, r.user_id).toBeCloseTo(r.revenue, 6);
      }
    };
    const after = await tally();
    expect(after).toHaveLength(10);
    exact(after);
    expect(await step()).toBe(0); // the latest by event time, though its part was applied before the older ones
    const daily = await t.db.pool.query<{ n: number }>(`SELECT sum(count)::int AS n FROM customer_event_daily_counts WHERE tenant_id = $1`, [tenantId]);
    expect(daily.rows[0].n).toBe(batches * 21);

    // Clients retrying every batch: duplicates, nothing applied twice.
    const app = await buildApp(deps, { profiles: node.profiles, collection: node.collection });
    try {
      for (let n = 0; n < batches; n++) {
        const res = await app.inject({
          method: 'POST',
          url: '/v1/batch',
          headers: { 'content-type': 'application/json', ...basic(writeKey) },
          payload: batchOf(n),
        });
        expect(res.json()).toMatchObject({ stored: 0, duplicates: 21 });
      }
      await node.collection.drain();
      await node.profiles.idle();
      exact(await tally());
      expect(await pending()).toBe(0);
    } finally {
      await app.close();
      for (const c of [node, second]) {
        await c.collection.stop();
        await c.profiles.stop();
      }
    }
  }, 180_000);
});
