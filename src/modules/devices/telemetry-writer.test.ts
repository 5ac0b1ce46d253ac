import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/harness.ts';
import type { Database } from '../../kernel/db.ts';
import { DroppedMessage } from './contract.ts';
import { TelemetryPartitions } from './telemetry-partitions.ts';
import { encodeEntry } from './telemetry-rows.ts';
import { type FlushReport, TelemetryWriter } from './telemetry-writer.ts';

describe('TelemetryWriter: group commit', () => {
  let t: { db: Database; drop(): Promise<void> };
  const now = Date.now();
  beforeAll(async () => {
    t = await testDatabase();
    await new TelemetryPartitions(t.db.pool).ensure(30, [now]);
  });
  afterAll(() => t.drop());

  const row = (sid: number, i: number) => encodeEntry(sid, 30, { ts: now + i, values: { seq: i, temperature: 4 + i / 100 } });
  const count = async (sid: number, i?: number) =>
    (
      await t.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM telemetry_entries WHERE device_sid = $1 AND ($2::bigint IS NULL OR ts = $2)', [
        sid,
        i === undefined ? null : now + i,
      ])
    ).rows[0].n;

  it('resolves each message only once its row is committed, and writes many messages per COPY', async () => {
    const reports: FlushReport[] = [];
    const committed: number[] = [];
    const writer = new TelemetryWriter<number>(
      t.db.pool,
      (tags) => committed.push(...tags),
      (r) => reports.push(r),
    );
    const checks: Promise<number>[] = [];
    for (let i = 0; i < 2000; i++) {
      // The moment a promise resolves, another connection must already see the row.
      checks.push(writer.append(row(1, i), 1, i, i).then(() => count(1, i)));
    }
    const seen = await Promise.all(checks);
    expect(seen.every((n) => n === 1)).toBe(true);
    await writer.drain();
    expect(await count(1)).toBe(2000);
    expect(reports.reduce((n, r) => n + r.messages, 0)).toBe(2000);
    expect(reports.length).toBeLessThan(100);
    expect(Math.max(...reports.map((r) => r.messages))).toBeGreaterThan(100);
    expect(committed.sort((a, b) => a - b)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });

  it('hands committed messages on in the order their batches were started', async () => {
    const order: number[] = [];
    const writer = new TelemetryWriter<number>(
      t.db.pool,
      (tags) => order.push(...tags),
      () => {},
      { maxInFlight: 2, maxBatchRows: 50, maxPendingRows: 10_000 },
    );
    await Promise.all(Array.from({ length: 1000 }, (_, i) => writer.append(row(2, i), 1, i, i)));
    await writer.drain();
    expect(order).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('refuses only the message the database refuses; the rest of its batch is stored', async () => {
    const writer = new TelemetryWriter<number>(
      t.db.pool,
      () => {},
      () => {},
    );
    const results = await Promise.allSettled(
      Array.from({ length: 300 }, (_, i) => writer.append(i === 150 ? `${now}\t3\t30\t{not json\n` : row(3, i), 1, i, i)),
    );
    const refused = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    expect(refused).toEqual([150]);
    const reason = (results[150] as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(DroppedMessage);
    expect((reason as DroppedMessage).reason).toBe('invalid_shape');
    expect(await count(3)).toBe(299);
  });

  it('rejects every message of a batch when the database is unreachable, and applies back-pressure beyond the pending limit', async () => {
    const pg = await import('pg');
    const dead = new pg.default.Pool({ connectionString: 'postgres://nobody:x@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
    const writer = new TelemetryWriter<number>(
      dead,
      () => {},
      () => {},
      { maxInFlight: 1, maxBatchRows: 10, maxPendingRows: 20 },
    );
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => writer.append(row(4, i), 1, i, i)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(results.some((r) => r.status === 'rejected' && r.reason instanceof DroppedMessage)).toBe(false);
    await dead.end();
  });
});
