import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/harness.ts';
import type { Database } from './db.ts';
import { sharedRateLimiter } from './rate-limit.ts';

describe('the shared rate limiter', () => {
  let t: Awaited<ReturnType<typeof testDatabase>>;
  let db: Database;
  let now = Date.UTC(2026, 10, 25, 9, 0, 1);
  const clock = () => now;

  beforeAll(async () => {
    t = await testDatabase();
    db = t.db;
  });
  afterAll(() => t?.drop());

  const refusal = async (p: Promise<void>) => p.then(() => undefined, (e: unknown) => e);

  it('lets `limit` calls through a window across nodes, then answers 429 with Retry-After, per key', async () => {
    // Two nodes of a cluster, each with its own limiter over the same database.
    const nodeA = sharedRateLimiter(db, 'form', 3, 60_000, clock);
    const nodeB = sharedRateLimiter(db, 'form', 3, 60_000, clock);
    await nodeA.take('203.0.113.9');
    await nodeB.take('203.0.113.9');
    await nodeA.take('203.0.113.9');
    expect(await refusal(nodeB.take('203.0.113.9'))).toMatchObject({ kind: 'rate_limited', headers: { 'retry-after': '59' } });
    // Another key, and the same key under another limiter's name, count apart.
    await nodeA.take('198.51.100.7');
    await sharedRateLimiter(db, 'other', 3, 60_000, clock).take('203.0.113.9');
    // The next window starts afresh.
    now += 60_000;
    await nodeB.take('203.0.113.9');
  });

  it('keeps no address in the clear', async () => {
    const { rows } = await db.pool.query<{ key: string }>('SELECT key FROM rate_limit_windows');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.key).not.toContain('203.0.113');
  });
});
