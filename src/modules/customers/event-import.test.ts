import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import { type CollectionTestApp, createCollectionTestApp } from './collection-test-kit.ts';
import { importEvents } from './event-import.ts';

let t: CollectionTestApp;
let ctx: Ctx;
let sourceId: string;

const file = (lines: string[]) => Readable.from([Buffer.from(lines.join('\n'))]);
const header = 'type,user_id,email,phone,member_card,name,event,timestamp,order_id,revenue,currency,store_code,properties_json';
const good = [
  header,
  'identify,u-100,Wang.Fang@Example.cn,13800138000,MC-0001,王芳,,2024-03-01 10:00,,,,,',
  'track,,,,MC-0001,,Order Completed,2024-03-02 14:30:00,POS-1,5999,CNY,S0001,"{""products"":[{""sku"":""TV-55"",""price"":5999,""quantity"":1}]}"',
  'track,u-100,,,,,Order Refunded,2024-03-09T09:00:00+08:00,POS-1,5999,,S0001,',
];

beforeAll(async () => {
  t = await createCollectionTestApp({ stores: 2 });
  ctx = { db: t.db, actor: systemActor(t.tenantId, 'demo', 'cli'), meta: { ip: 'cli' } };
  sourceId = (await t.source('crm')).id;
});
afterAll(() => t.close());

describe('importing historical events from CSV', () => {
  it('loads orders and members through the pipeline, and a re-run stores nothing twice', async () => {
    const progress: number[] = [];
    const first = await importEvents(ctx, t.collection.collector, sourceId, file(good), { onProgress: (d) => progress.push(d) });
    expect(first).toMatchObject({ rows: 3, stored: 3, duplicates: 0, errors: [], dryRun: false });
    expect(progress.length).toBeGreaterThan(0);
    const rows = await t.db.pool.query(
      `SELECT type, event, ts, store_id IS NOT NULL AS in_store, properties, traits, context FROM customer_events WHERE source_id = $1 ORDER BY ts`,
      [sourceId],
    );
    expect(rows.rows.map((r) => [r.type, r.event, r.in_store])).toEqual([
      ['identify', null, false],
      ['track', 'Order Completed', true],
      ['track', 'Order Refunded', true],
    ]);
    expect(rows.rows[0].traits).toMatchObject({ email: 'Wang.Fang@Example.cn', phone: '13800138000', memberCard: 'MC-0001', name: '王芳' });
    expect(rows.rows[0].ts.toISOString()).toBe('2024-03-01T02:00:00.000Z');
    expect(rows.rows[1].properties).toMatchObject({ order_id: 'POS-1', revenue: 5999, currency: 'CNY', products: [{ sku: 'TV-55' }] });
    expect(rows.rows[1].context.traits).toMatchObject({ memberCard: 'MC-0001' });
    const again = await importEvents(ctx, t.collection.collector, sourceId, file(good));
    expect(again).toMatchObject({ rows: 3, stored: 0, duplicates: 3 });
    const n = await t.db.pool.query('SELECT count(*)::int AS n FROM customer_events WHERE source_id = $1', [sourceId]);
    expect(n.rows[0].n).toBe(3);
  });

  it('names every bad row by number and column, and loads the good rows', async () => {
    const r = await importEvents(
      ctx,
      t.collection.collector,
      sourceId,
      file([
        header,
        'track,u-1,,,,,,2024-01-01 10:00,,,,,',
        'track,u-1,,,,,Viewed,not a date,,,,,',
        'identify,,,,,,,2024-01-01 10:00,,,,,',
        'track,u-1,,,,,Bought,2024-01-01 10:00,,ten,,S9999,{bad',
        'identify,u-2,,,,,,2024-01-02 10:00,,,,,',
      ]),
    );
    expect(r.stored).toBe(1);
    expect(r.errors).toEqual([
      { row: 2, column: 'event', message: 'a track row needs the event name (e.g. Order Completed)' },
      { row: 3, column: 'timestamp', message: 'must be ISO 8601 (2024-05-01T10:30:00+08:00) or "2024-05-01 10:30" (China time)' },
      { row: 4, column: 'user_id', message: 'a row needs user_id, anonymous_id, member_card, phone or email' },
      { row: 5, column: 'revenue', message: 'must be a number' },
      { row: 5, column: 'properties_json', message: expect.stringMatching(/^is not JSON/) },
      { row: 5, column: 'store_code', message: 'no store with code S9999' },
    ]);
  });

  it('refuses unknown columns, and validates only on a dry run', async () => {
    await expect(importEvents(ctx, t.collection.collector, sourceId, file(['user_id,colour', 'u1,red']))).rejects.toThrow(/unknown column\(s\) colour/);
    const dry = await importEvents(ctx, t.collection.collector, sourceId, file([header, 'identify,u-dry,,,,,,2024-01-01 10:00,,,,,']), { dryRun: true });
    expect(dry).toMatchObject({ rows: 1, stored: 0, errors: [], dryRun: true });
  });
});
