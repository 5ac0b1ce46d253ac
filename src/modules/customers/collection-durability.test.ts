import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/harness.ts';
import { seedDemo } from '../../commands/seed-demo.ts';
import { buildApp } from '../../app.ts';
import { systemActor } from '../../kernel/auth.ts';
import { loadConfig } from '../../kernel/config.ts';
import { createLogger } from '../../kernel/logger.ts';
import { createMetrics } from '../../kernel/metrics.ts';
import type { Database } from '../../kernel/db.ts';
import { basic } from './collection-scaffold.ts';
import { createCustomers } from './create-customers.ts';
import { createSource } from './sources.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** Posts one batch; resolves with the HTTP status, or 0 when the connection broke. */
function post(port: number, writeKey: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/batch', agent, headers: { 'content-type': 'application/json', ...basic(writeKey) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** Starts the server in a child process and answers it with its port. */
async function startServer(url: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'collection-durability-child.ts')], { env: { ...process.env, STOREOS_TEST_DB: url }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code} before listening`)));
  });
  return { child, port };
}

const batchOf = (n: number) =>
  JSON.stringify({
    batch: Array.from({ length: 20 }, (_, i) => ({ type: 'track', userId: `u${(n * 7 + i) % 300}`, event: 'Product Viewed', messageId: `b${n}-e${i}`, properties: { n, i } })),
  });

describe('acknowledged means durable, a retry counts once', () => {
  let t: { db: Database; url: string; drop(): Promise<void> };
  let writeKey: string;
  beforeAll(async () => {
    t = await testDatabase();
    const { tenantId } = await seedDemo(t.db, { stores: 1 });
    writeKey = (await createSource({ db: t.db, actor: systemActor(tenantId, 'demo'), meta: {} }, { name: 'web', channel: 'web' })).writeKey;
  });
  afterAll(async () => {
    agent.destroy();
    await t.drop();
  });

  it('keeps every batch answered 200 exactly once after a SIGKILL mid-stream and a resend of everything after restart', async () => {
    const first = await startServer(t.url);
    const acked: number[] = [];
    let seq = 0;
    let killed = false;
    let cutOff = 0;
    const sender = async () => {
      while (!killed) {
        const n = seq++;
        const status = await post(first.port, writeKey, batchOf(n));
        if (status === 200) acked.push(n);
        else if (status === 0) cutOff++;
      }
    };
    const lanes = Array.from({ length: 32 }, sender);
    while (acked.length < 150) await new Promise((r) => setTimeout(r, 10));
    first.child.kill('SIGKILL');
    killed = true;
    await Promise.all(lanes);
    await new Promise((r) => first.child.once('exit', r));

    const count = async () => {
      const r = await t.db.pool.query<{ m: string; n: number }>("SELECT message_id AS m, count(*)::int AS n FROM customer_events WHERE message_id LIKE 'b%' GROUP BY 1");
      return new Map(r.rows.map((row) => [row.m, row.n]));
    };
    const afterKill = await count();
    const lost = acked.flatMap((n) => Array.from({ length: 20 }, (_, i) => `b${n}-e${i}`)).filter((m) => afterKill.get(m) !== 1);
    expect(acked.length).toBeGreaterThanOrEqual(150);
    expect(cutOff).toBeGreaterThan(0); // batches were in flight when the server died
    expect(lost).toEqual([]);

    // The clients retry everything they sent, answered or not, against a restarted server (here in this process,
    // on the same database: a fresh node with empty caches): nothing counts twice.
    const deps = { db: t.db, config: loadConfig({ LOG_LEVEL: 'silent', STOREOS_SOURCE_RATE: '0' }), log: createLogger('silent'), metrics: createMetrics() };
    const { profiles, collection } = createCustomers(deps);
    const app = await buildApp(deps, { profiles, collection });
    try {
      const sent = seq;
      const statuses: number[] = [];
      for (let n = 0; n < sent; n += 32) {
        const answers = await Promise.all(
          Array.from({ length: Math.min(32, sent - n) }, (_, k) =>
            app.inject({ method: 'POST', url: '/v1/batch', headers: { 'content-type': 'application/json', ...basic(writeKey) }, payload: batchOf(n + k) }),
          ),
        );
        statuses.push(...answers.map((a) => a.statusCode));
      }
      expect(statuses.every((s) => s === 200)).toBe(true);
      const after = await count();
      expect(after.size).toBe(sent * 20);
      expect([...after.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await app.close();
      await collection.stop();
      await profiles.stop();
    }
  }, 120_000);
});
