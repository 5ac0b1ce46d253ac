import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/harness.ts';
import { seedDemo } from '../../commands/seed-demo.ts';
import type { Database } from '../../kernel/db.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** Posts one telemetry message; resolves with the HTTP status, or 0 when the connection broke. */
function post(port: number, token: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: `/api/v1/${token}/telemetry`, agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

describe('acknowledged means durable', () => {
  let t: { db: Database; url: string; drop(): Promise<void> };
  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.db, { stores: 2 });
  });
  afterAll(async () => {
    agent.destroy();
    await t.drop();
  });

  it('finds every message answered 200 stored after the server is SIGKILLed mid-stream', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'durability-child.ts')], {
      env: { ...process.env, STOREOS_TEST_DB: t.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(Number(out.trim()));
      });
      child.on('exit', (code) => reject(new Error(`server exited ${code} before listening`)));
    });
    const exited = new Promise((r) => child.once('exit', r));
    const tokens = ['fridge-1', 'fridge-2', 'freezer-1', 'hvac-1', 'meter-1', 'pos-1'].flatMap((slot) => [`demo-S0001-${slot}`, `demo-S0002-${slot}`]);
    const acked: number[] = [];
    let seq = 0;
    let killed = false;
    let cutOff = 0;
    const base = Date.now();
    // The kill comes right after a lane hands its request to the socket, so at least that request is
    // in flight (its answer needs a commit first). Killing from a timer could fall between two group
    // commits, when every lane had been answered and none had sent its next request.
    const sender = async () => {
      while (!killed) {
        const n = seq++;
        const answer = post(port, tokens[n % tokens.length], JSON.stringify({ ts: base + n, values: { seq: n, temperature: 4.5 } }));
        if (acked.length >= 3000 && !killed) {
          killed = true;
          child.kill('SIGKILL');
        }
        const status = await answer;
        if (status === 200) acked.push(n);
        else if (status === 0) cutOff++;
      }
    };
    const lanes = Array.from({ length: 48 }, sender);
    await Promise.all(lanes);
    await exited;

    const stored = await t.db.pool.query<{ seq: number }>("SELECT (data->>'seq')::int AS seq FROM telemetry_entries WHERE ts >= $1", [base]);
    const have = new Set(stored.rows.map((r) => r.seq));
    const lost = acked.filter((n) => !have.has(n));
    expect(acked.length).toBeGreaterThanOrEqual(3000);
    expect(cutOff).toBeGreaterThan(0); // requests were in flight when the server died
    expect(lost).toEqual([]);
    // Sent but never answered may or may not be stored; nothing is stored twice.
    expect(have.size).toBe(stored.rows.length);
  }, 120_000);
});
