import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevicesTestApp, devicesTestApp } from './devices-test-app.ts';

/** mulberry32: a seeded generator, so a failing case can be replayed. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)];
  return { next, int, pick };
}

const seeds = [
  '{"temperature":4.2,"humidity":55}',
  '{"ts":1700000000000,"values":{"door":true,"mode":"eco"}}',
  '[{"ts":1700000000000,"values":{"a":1}},{"b":"x"}]',
  '{"cfg":{"nested":[1,2,{"deep":null}]}}',
  '{"firmwareVersion":"2.4.1"}',
  '{"method":"getCurrentTime","params":{}}',
  '{"deviceName":"fz","provisionDeviceKey":"k","provisionDeviceSecret":"s"}',
];
const nasty = [
  '\u0000',
  '\\u0000',
  '\ud800',
  '\\ud800',
  '\udfff',
  '"',
  '\\',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  'null',
  'NaN',
  '1e400',
  '-0',
  '💡',
  '\n',
  '\t',
  '\r',
  '\u2028',
  '\ufeff',
];

/** A random or mutated body: byte flips, cuts, splices, nasty tokens, deep nesting, huge values. */
function mutate(g: ReturnType<typeof generator>): Buffer {
  const base = g.pick(seeds);
  switch (g.int(10)) {
    case 0:
      return Buffer.from(Array.from({ length: g.int(200) }, () => g.int(256)));
    case 1:
      return Buffer.from(base.slice(0, g.int(base.length)));
    case 2: {
      const b = Buffer.from(base);
      for (let i = 0; i < 1 + g.int(4); i++) b[g.int(b.length)] = g.int(256);
      return b;
    }
    case 3: {
      const at = g.int(base.length);
      return Buffer.from(base.slice(0, at) + g.pick(nasty) + base.slice(at));
    }
    case 4: {
      const depth = g.pick([5, 31, 33, 500, 5000]);
      return Buffer.from(`{"deep":${'['.repeat(depth)}1${']'.repeat(depth)}}`);
    }
    case 5:
      return Buffer.from(
        JSON.stringify({ [g.pick(['k', '', 'x'.repeat(300), '__proto__', 'constructor'])]: g.pick([1, 'v', true, null, [], {}, 1e308, -1e-308]) }),
      );
    case 6:
      return Buffer.from(
        JSON.stringify({ ts: g.pick([0, -5, 1.5, 'now', 1e20, Date.now(), Date.now() + 9e9]), values: g.pick([{ a: 1 }, [], null, 'x', { b: {} }]) }),
      );
    case 7:
      return Buffer.from(`{"big":"${'x'.repeat(g.pick([10, 5000, 70_000]))}"}`);
    case 8:
      return Buffer.from(JSON.stringify(Array.from({ length: g.int(50) }, () => ({ ts: Date.now() - g.int(1e6), values: { v: g.next() } }))));
    default:
      return Buffer.from(base);
  }
}

describe('fuzzing the HTTP device API', () => {
  let t: DevicesTestApp;
  beforeAll(async () => {
    t = await devicesTestApp({ stores: 1, env: { MQTT_DEVICE_RATE: '0' } });
  });
  afterAll(() => t.close());

  it('answers 10,000 random and mutated requests without a 5xx, and then still works', async () => {
    const g = generator(20_260_401);
    const tokens = ['demo-S0001-fridge-1', 'demo-S0001-meter-1', 'demo-S0001-pos-1', 'unknown-token', 'x'.repeat(301), '%00', 'demo-S0001-fridge-1%2F..'];
    const paths = ['telemetry', 'telemetry', 'telemetry', 'attributes', 'rpc', 'rpc/1', 'rpc/-1', 'rpc/abc', 'rpc/99999999999'];
    const types = ['application/json', 'text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''];
    const seen = new Map<number, number>();
    const total = 10_000;
    for (let done = 0; done < total; done += 50) {
      const batch = Array.from({ length: 50 }, () => {
        const provision = g.int(20) === 0;
        const type = g.pick(types);
        if (g.int(15) === 0) {
          // Reads: attributes, and RPC long polls kept short.
          return t.app.inject({
            url: `/api/v1/${g.pick(tokens)}/${g.pick(['attributes', 'attributes?clientKeys=a,,b&sharedKeys=', 'rpc?timeout=5', 'rpc?timeout=-1'])}`,
          });
        }
        const url = provision ? '/api/v1/provision' : `/api/v1/${g.pick(tokens)}/${g.pick(paths)}`;
        return t.app.inject({ method: 'POST', url, payload: mutate(g), headers: type ? { 'content-type': type } : {} });
      });
      for (const res of await Promise.all(batch)) seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
    }
    const statuses = [...seen.keys()].sort();
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(total);
    expect(seen.get(200)).toBeGreaterThan(100);
    expect(seen.get(400)).toBeGreaterThan(1000);

    // Still answering correctly: a good message is stored, a bad one refused, the people API and metrics work.
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/demo-S0001-hvac-1/telemetry',
      payload: '{"after_fuzz":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(ok.statusCode).toBe(200);
    const stored = await t.db.pool.query("SELECT count(*)::int AS n FROM telemetry WHERE key = 'after_fuzz'");
    expect(stored.rows[0].n).toBe(1);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/demo-S0001-hvac-1/telemetry', payload: '{' })).statusCode).toBe(400);
    const admin = await t.signIn('admin@demo.storeos.dev');
    expect((await t.app.inject({ url: '/api/v1/devices?limit=1', headers: admin.headers })).statusCode).toBe(200);
    const metrics = (await t.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/storeos_device_dropped_total\{reason="invalid_json"\} \d+/);
    expect(metrics).toMatch(/storeos_device_messages_total\{transport="http",kind="telemetry"\} \d+/);
  }, 180_000);
});
