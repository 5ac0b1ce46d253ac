import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, type CollectionTestApp, createCollectionTestApp } from './collection-test-kit.ts';

/** A small deterministic PRNG (mulberry32), so a failing case can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const paths = ['identify', 'track', 'page', 'screen', 'group', 'alias', 'batch', 'import'];
const weird: unknown[] = [null, true, 0, -1, 1e308, '', ' ', 'x'.repeat(300), '\u0000', '\ud800', '😀', [], {}, [[[]]], { __proto__: { polluted: 1 } }, { constructor: 'x' }, Number.MAX_SAFE_INTEGER];

type Rand = () => number;
const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)];

function randomJson(r: Rand, depth = 0): unknown {
  const k = r();
  if (depth > 3 || k < 0.3) return pick(r, weird);
  if (k < 0.6) return Array.from({ length: Math.floor(r() * 4) }, () => randomJson(r, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(r() * 5) }, (_, i) => [pick(r, ['userId', 'event', 'type', 'properties', 'traits', 'timestamp', `k${i}`]), randomJson(r, depth + 1)]));
}

function validEvent(r: Rand, n: number): Record<string, unknown> {
  return {
    type: pick(r, ['track', 'identify', 'page', 'screen']),
    userId: `fz-${n % 97}`,
    event: 'Fuzzed',
    name: 'Home',
    messageId: `fz-${n}-${Math.floor(r() * 1e9)}`,
    properties: { n, price: r() * 100 },
    timestamp: new Date(Date.now() - Math.floor(r() * 1e9)).toISOString(),
  };
}

function deep(levels: number): Record<string, unknown> {
  let o: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < levels; i++) o = { n: o };
  return o;
}

/** One mutated request: a path, headers and a body. */
function mutate(r: Rand, n: number, writeKey: string): { path: string; headers: Record<string, string>; body: string | Buffer } {
  const path = pick(r, paths);
  const headers: Record<string, string> = { 'content-type': pick(r, ['application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded']), ...basic(writeKey) };
  const ev = validEvent(r, n);
  const field = pick(r, Object.keys(ev));
  const k = r();
  let body: unknown;
  if (k < 0.15) body = randomJson(r);
  else if (k < 0.3) body = { ...ev, [field]: pick(r, weird) };
  else if (k < 0.4) body = { batch: Array.from({ length: 1 + Math.floor(r() * 5) }, (_, i) => (r() < 0.5 ? validEvent(r, n * 10 + i) : randomJson(r))) };
  else if (k < 0.45) body = { ...ev, properties: deep(10 + Math.floor(r() * 200)) };
  else if (k < 0.46) body = { ...ev, traits: Object.fromEntries(Array.from({ length: 500 + Math.floor(r() * 1000) }, (_, i) => [`t${i}`, i])) };
  else if (k < 0.47) body = { ...ev, properties: { blob: 'y'.repeat(Math.floor(r() * 40_000)) } };
  else if (k < 0.5) body = { ...ev, properties: { list: Array.from({ length: Math.floor(r() * 50) }, (_, i) => ({ sku: `S${i}`, qty: i })) } };
  else if (k < 0.55) {
    delete headers.authorization;
    body = { ...ev, writeKey: pick(r, [writeKey, 'wk_nope', 42, '']) };
  } else if (k < 0.6) headers.authorization = pick(r, ['Basic', 'Basic !!!', 'Bearer x', `Basic ${Buffer.from('wk_bad:').toString('base64')}`, 'basic ']);
  else if (k < 0.7) {
    // Bad encodings: invalid UTF-8, truncated JSON, raw control bytes, a BOM, escaped NUL and lone surrogates.
    const text = JSON.stringify(path === 'batch' || path === 'import' ? { batch: [ev] } : ev);
    const bytes = Buffer.from(text);
    const variants: Buffer[] = [
      Buffer.concat([bytes.subarray(0, Math.floor(r() * bytes.length)), Buffer.from([0xff, 0xfe, 0xc3])]),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]),
      Buffer.from(text.replace('"Fuzzed"', '"Fu\\u0000zz"')),
      Buffer.from(text.replace('"Fuzzed"', '"\\udc00"')),
      Buffer.from(text.replace('"Fuzzed"', `"${String.fromCharCode(0xd800)}"`)),
      Buffer.from([0x00, 0x01, 0x7b, 0x22]),
    ];
    return { path, headers, body: pick(r, variants) };
  } else if (k < 0.75) {
    headers['content-encoding'] = pick(r, ['gzip', 'deflate', 'br', 'gzip']);
    const gz = gzipSync(JSON.stringify(path === 'batch' || path === 'import' ? { batch: [ev] } : ev));
    return { path, headers, body: r() < 0.5 ? gz : gz.subarray(0, Math.floor(gz.length / 2)) };
  } else body = path === 'batch' || path === 'import' ? { batch: [ev, { ...ev, messageId: `${ev.messageId}-b` }] } : ev;
  return { path, headers, body: JSON.stringify(body) ?? 'null' };
}

let t: CollectionTestApp;
let source: { id: string; writeKey: string };
beforeAll(async () => {
  t = await createCollectionTestApp({ stores: 1, env: { STOREOS_SOURCE_RATE: '0' } });
  source = await t.source('web');
});
afterAll(() => t.close());

describe('fuzzing the collection API', () => {
  it('survives 10,000 mutated requests with clear 4xx answers, stores exactly what it acknowledged, and still serves a normal request', async () => {
    const r = prng(0x5e6_2025);
    const statuses = new Map<number, number>();
    let acknowledged = 0;
    const total = 10_000;
    for (let n = 0; n < total; n += 100) {
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, k) => {
          const req = mutate(r, n + k, source.writeKey);
          return t.app.inject({ method: 'POST', url: `/v1/${req.path}`, headers: req.headers, payload: req.body });
        }),
      );
      for (const res of answers) {
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode === 200) acknowledged += (res.json() as { stored: number }).stored;
        else expect(res.json().error.message.length, res.body).toBeGreaterThan(0);
      }
    }
    expect([...statuses.keys()].every((s) => [200, 400, 401].includes(s)), JSON.stringify([...statuses])).toBe(true);
    expect(statuses.get(200)).toBeGreaterThan(1000);
    expect(statuses.get(400)).toBeGreaterThan(1000);
    // Nothing half-written: the rows are exactly the events answered as stored, each whole.
    const rows = await t.db.pool.query<{ n: number; bad: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE (user_id IS NULL AND anonymous_id IS NULL) OR type NOT IN ('identify','track','page','screen','group','alias'))::int AS bad
       FROM customer_events WHERE source_id = $1`,
      [source.id],
    );
    expect(rows.rows[0]).toEqual({ n: acknowledged, bad: 0 });
    const normal = await t.app.inject({ method: 'POST', url: '/v1/track', headers: basic(source.writeKey), payload: { userId: 'after-fuzz', event: 'Still Here' } });
    expect(normal.json()).toMatchObject({ success: true, stored: 1 });
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
  }, 120_000);
});
