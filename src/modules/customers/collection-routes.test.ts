import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, type CollectionTestApp, createCollectionTestApp } from './collection-test-kit.ts';

let t: CollectionTestApp;
let web: { id: string; writeKey: string };

const post = (path: string, payload: unknown, headers: Record<string, string> = basic(web.writeKey)) =>
  t.app.inject({ method: 'POST', url: `/v1/${path}`, headers: { 'content-type': 'application/json', ...headers }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });

/** `{a:{b:{…:{p:1}}}}` from the keys given. */
const nest = (keys: string[]): Record<string, unknown> => keys.reduceRight<Record<string, unknown>>((inner, k) => ({ [k]: inner }), { leaf: 1 });

const rows = async (sourceId: string) =>
  (
    await t.db.pool.query<{ message_id: string; type: string; ts: Date; received_at: Date; profile_id: string; event: string | null; store_id: string | null }>(
      'SELECT message_id, type, ts, received_at, profile_id, event, store_id FROM customer_events WHERE source_id = $1 ORDER BY message_id',
      [sourceId],
    )
  ).rows;

beforeAll(async () => {
  t = await createCollectionTestApp();
  web = await t.source('web');
});
afterAll(() => t.close());

describe('Segment HTTP Tracking API', () => {
  it('stores each event type from its endpoint, answering 200 only once the rows are committed', async () => {
    const calls: [string, Record<string, unknown>][] = [
      ['identify', { userId: 'u1', traits: { email: 'li.na@example.cn' } }],
      ['track', { userId: 'u1', event: 'Product Viewed', properties: { sku: 'TV-55' } }],
      ['page', { anonymousId: 'a1', name: 'Home' }],
      ['screen', { anonymousId: 'a1', name: 'Cart' }],
      ['group', { userId: 'u1', groupId: 'g1' }],
      ['alias', { userId: 'u1', previousId: 'a1' }],
    ];
    for (const [path, body] of calls) {
      const res = await post(path, { ...body, messageId: `ep-${path}` });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ success: true, stored: 1, duplicates: 0, suppressed: 0, rejected: [] });
      // Durable at the answer: the row is readable by anyone the moment the 200 arrives.
      const stored = await t.db.pool.query('SELECT type FROM customer_events WHERE message_id = $1', [`ep-${path}`]);
      expect(stored.rows).toEqual([{ type: path }]);
    }
    const all = await rows(web.id);
    expect(all.find((r) => r.message_id === 'ep-page')?.event).toBe('Home');
    // Resolved by the identity graph inside the ingest transaction: u1's events share one profile.
    const u1 = all.filter((r) => ['ep-identify', 'ep-track', 'ep-group'].includes(r.message_id));
    expect(new Set(u1.map((r) => r.profile_id)).size).toBe(1);
    expect(u1[0].profile_id).toMatch(/^prf_/);
  });

  it('takes the write key from Basic auth or from the body, and answers 401 for none or a wrong one', async () => {
    expect((await post('track', { userId: 'u2', event: 'A', writeKey: web.writeKey }, {})).statusCode).toBe(200);
    const none = await post('track', { userId: 'u2', event: 'A' }, {});
    expect(none.statusCode).toBe(401);
    expect(none.json().error.message).toMatch(/Basic user name/);
    expect((await post('track', { userId: 'u2', event: 'A' }, basic('wk_wrong'))).statusCode).toBe(401);
    expect((await post('track', { userId: 'u2', event: 'A', writeKey: 'wk_wrong' }, {})).statusCode).toBe(401);
  });

  it('answers 403 for a disabled source, and takes events again once enabled', async () => {
    const s = await t.source('app');
    await t.app.inject({ method: 'POST', url: `/api/v1/sources/${s.id}/disable`, headers: t.admin });
    const res = await post('track', { userId: 'u3', event: 'A' }, basic(s.writeKey));
    expect(res.statusCode).toBe(403);
    await t.app.inject({ method: 'POST', url: `/api/v1/sources/${s.id}/enable`, headers: t.admin });
    expect((await post('track', { userId: 'u3', event: 'A' }, basic(s.writeKey))).statusCode).toBe(200);
  });

  it('answers 400 to malformed JSON, a body that is not an object, and bodies over 32 KB (one event) or 500 KB (batch)', async () => {
    expect((await post('track', '{"userId": "u1", ')).statusCode).toBe(400);
    expect((await post('track', '[1,2]')).json().error.message).toBe('the body must be a JSON object');
    const big = await post('track', { userId: 'u1', event: 'A', properties: { pad: 'x'.repeat(33 * 1024) } });
    expect(big.statusCode).toBe(400);
    expect(big.json().error.message).toMatch(/over 32 KB/);
    const batch = Array.from({ length: 20 }, (_, i) => ({ type: 'track', userId: 'u1', event: 'A', properties: { pad: 'x'.repeat(26 * 1024), i } }));
    const huge = await post('batch', { batch });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().error.message).toMatch(/over 500 KB/);
    const enormous = await post('batch', { batch: [...batch, ...batch] });
    expect(enormous.statusCode).toBe(400);
    expect((await post('batch', { batch: 'no' })).statusCode).toBe(400);
  });

  it('stores the valid events of a batch and names the invalid ones with index and reason, in the answer and the debugger', async () => {
    const res = await post('import', {
      batch: [
        { type: 'track', userId: 'u4', event: 'Order Completed', messageId: 'mix-0', properties: { revenue: 10 } },
        { type: 'track', userId: 'u4', messageId: 'mix-1' },
        { type: 'identify', messageId: 'mix-2' },
        { type: 'page', anonymousId: 'a4', messageId: 'mix-3', properties: { deep: nest('abcdefghijklmnop'.split('')) } },
        { type: 'identify', userId: 'u4', messageId: 'mix-4', traits: { phone: '+8613800138000' } },
      ],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.stored).toBe(2);
    expect(body.rejected).toEqual([
      { index: 1, messageId: 'mix-1', reason: 'track needs event, the name of the action (e.g. "Order Completed")' },
      { index: 2, messageId: 'mix-2', reason: 'userId or anonymousId is required' },
      { index: 3, messageId: 'mix-3', reason: 'properties.deep.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o is nested more than 16 levels deep' },
    ]);
    const ids = (await t.db.pool.query('SELECT message_id FROM customer_events WHERE message_id LIKE $1 ORDER BY 1', ['mix-%'])).rows.map((r) => r.message_id);
    expect(ids).toEqual(['mix-0', 'mix-4']);
    const dbg = await t.app.inject({ method: 'GET', url: `/api/v1/sources/${web.id}/debugger`, headers: t.admin });
    expect(dbg.statusCode).toBe(200);
    const { events, errors } = dbg.json() as { events: { messageId: string; status: string; reason: string | null }[]; errors: { messageId: string; reason: string }[] };
    expect(events.slice(0, 5).map((e) => [e.messageId, e.status])).toEqual([
      ['mix-4', 'stored'],
      ['mix-3', 'rejected'],
      ['mix-2', 'rejected'],
      ['mix-1', 'rejected'],
      ['mix-0', 'stored'],
    ]);
    expect(errors.slice(0, 3).map((e) => e.messageId)).toEqual(['mix-3', 'mix-2', 'mix-1']);
  });

  it('stores a retried batch once, and a batch repeating a messageId once', async () => {
    const batch = [
      { type: 'track', userId: 'u5', event: 'A', messageId: 'dup-1' },
      { type: 'track', userId: 'u5', event: 'B', messageId: 'dup-2' },
      { type: 'track', userId: 'u5', event: 'B again', messageId: 'dup-2' },
    ];
    expect((await post('batch', { batch })).json()).toMatchObject({ stored: 2, duplicates: 1 });
    expect((await post('batch', { batch })).json()).toMatchObject({ stored: 0, duplicates: 3 });
    const n = await t.db.pool.query("SELECT count(*)::int AS n FROM customer_events WHERE message_id LIKE 'dup-%'");
    expect(n.rows[0].n).toBe(2);
  });

  it('stores each messageId once when retries of a batch arrive at the same time, partly overlapping', async () => {
    const batchOf = (from: number) => ({
      batch: Array.from({ length: 20 }, (_, i) => ({ type: 'track', userId: `race-${(from + i) % 7}`, event: 'Race', messageId: `race-${from + i}` })),
    });
    // Ten sends of four overlapping batches (ids race-0 … race-49), a few milliseconds apart: in one group commit or in
    // two committing at once, and after the first commits.
    const sends = Array.from({ length: 10 }, async (_, k) => {
      await new Promise((resolve) => setTimeout(resolve, k * 3));
      return post('batch', batchOf((k % 4) * 10));
    });
    const answers = (await Promise.all(sends)).map((res) => res.json() as { stored: number; duplicates: number });
    expect(answers.reduce((sum, a) => sum + a.stored, 0)).toBe(50);
    expect(answers.reduce((sum, a) => sum + a.stored + a.duplicates, 0)).toBe(200);
    const n = await t.db.pool.query("SELECT count(*)::int AS n, count(DISTINCT message_id)::int AS d FROM customer_events WHERE message_id LIKE 'race-%'");
    expect(n.rows[0]).toEqual({ n: 50, d: 50 });
  });

  it('sets receivedAt and corrects the timestamp for the client clock; gzip bodies are read', async () => {
    const before = Date.now();
    const body = { batch: [{ type: 'track', userId: 'u6', event: 'Clock', messageId: 'clock-1', timestamp: '2030-01-01T00:00:00.000Z' }], sentAt: '2030-01-01T00:00:10.000Z' };
    const res = await t.app.inject({ method: 'POST', url: '/v1/batch', headers: { ...basic(web.writeKey), 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: gzipSync(JSON.stringify(body)) });
    expect(res.statusCode, res.body).toBe(200);
    const [row] = (await rows(web.id)).filter((r) => r.message_id === 'clock-1');
    expect(row.received_at.getTime()).toBeGreaterThanOrEqual(before - 5);
    // Sent 10 s after it happened, by the client's own clock: it happened 10 s before it was received.
    expect(row.received_at.getTime() - row.ts.getTime()).toBe(10_000);
  });

  it('answers 429 with Retry-After past the source rate', async () => {
    const s = await t.source('wifi', { rateLimit: 5 });
    const batch = Array.from({ length: 8 }, (_, i) => ({ type: 'track', anonymousId: `mac-${i}`, event: 'Wi-Fi Connected' }));
    expect((await post('batch', { batch }, basic(s.writeKey))).statusCode).toBe(200);
    const res = await post('batch', { batch }, basic(s.writeKey));
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('does not store events of a suppressed person, and hands committed events to the profile pipeline in timestamp order', async () => {
    t.guard.userIds.add('gone');
    const res = await post('batch', {
      batch: [
        { type: 'track', userId: 'gone', event: 'A', messageId: 'sup-1' },
        { type: 'track', userId: 'u7', event: 'Late', messageId: 'ord-2', timestamp: '2025-01-02T00:00:00Z' },
        { type: 'track', userId: 'u7', event: 'Early', messageId: 'ord-1', timestamp: '2025-01-01T00:00:00Z' },
      ],
    });
    expect(res.json()).toMatchObject({ stored: 2, suppressed: 1 });
    await t.collection.drain();
    const handed = t.pipeline.batches.flatMap((b) => b.events).filter((e) => e.userId === 'u7' || e.userId === 'gone');
    expect(handed.map((e) => e.messageId)).toEqual(['ord-1', 'ord-2']);
    expect(handed[0].profileId).toMatch(/^prf_/);
  });

  it('streams the debugger live (SSE) as events arrive', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as { port: number }).port;
    const seen = new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: `/api/v1/sources/${web.id}/debugger/live`, headers: t.admin }, (res) => {
        expect(res.headers['content-type']).toMatch(/text\/event-stream/);
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d.toString();
          if (text.includes('event: ready')) void post('track', { userId: 'live', event: 'Live', messageId: 'live-1' });
          if (text.includes('"messageId":"live-1"')) {
            req.destroy();
            resolve(text);
          }
        });
      });
      req.on('error', reject);
    });
    const text = await seen;
    expect(text).toMatch(/event: stored\ndata: \{[^\n]*"messageId":"live-1"/);
  });

  it('answers CORS preflights for browsers', async () => {
    const res = await t.app.inject({ method: 'OPTIONS', url: '/v1/batch', headers: { origin: 'https://shop.example.cn', 'access-control-request-method': 'POST' } });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-headers']).toMatch(/authorization/);
  });

  it('counts events by channel and outcome in /metrics', async () => {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/storeos_collect_events_total\{channel="web",outcome="stored"\} \d+/);
    expect(text).toMatch(/storeos_collect_rejected_total\{channel="web",reason="too_deep"\} 1/);
    expect(text).toMatch(/storeos_collect_flush_events_count \d+/);
  });
});
