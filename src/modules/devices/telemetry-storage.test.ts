import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevices } from './create-devices.ts';
import { type DevicesTestApp, devicesTestApp, type Session } from './devices-test-app.ts';
import { dayMs, partitionWidthDays } from './telemetry-partitions.ts';
import { hourMs, rollUpHours } from './telemetry-rollups.ts';

describe('telemetry storage: partitions, retention, rollups, latest values', () => {
  let t: DevicesTestApp;
  let admin: Session;
  // Latest values are flushed only when a test asks, to see recovery work.
  beforeAll(async () => {
    t = await devicesTestApp({ stores: 1, devices: { latestFlushMs: 3_600_000, stateFlushMs: 3_600_000 }, env: { MQTT_DEVICE_RATE: '0' } });
    admin = await t.signIn('admin@demo.storeos.dev');
  });
  afterAll(() => t.close());

  const post = (token: string, body: unknown) =>
    t.app.inject({ method: 'POST', url: `/api/v1/${token}/telemetry`, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const partitions = async (cls: string) =>
    (
      await t.db.pool.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass($1) ORDER BY 1`,
        [cls],
      )
    ).rows.map((r) => r.name);
  const rowsOf = async (name: string) =>
    (
      await t.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM telemetry_entries e JOIN devices d ON d.sid = e.device_sid WHERE d.name = $1', [
        name,
      ])
    ).rows[0].n;

  it('partitions by retention class, then by days, created ahead of time', async () => {
    const classes = await partitions('telemetry_entries');
    // Demo profiles keep 7, 30 and 90 days; the default profile 30.
    expect(classes).toEqual(['telemetry_r30', 'telemetry_r7', 'telemetry_r90']);
    expect((await partitions('telemetry_r30')).length).toBeGreaterThanOrEqual(4);
    expect(partitionWidthDays(7)).toBe(1);
    expect(partitionWidthDays(90)).toBe(3);
    expect(partitionWidthDays(365)).toBe(12);
    expect((await partitions('telemetry_rollups')).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses points older than the retention or too far ahead, without failing the others', async () => {
    expect((await post('demo-S0001-signage-1', { ts: Date.now() - 8 * dayMs, values: { uptime: 1 } })).statusCode).toBe(400);
    expect((await post('demo-S0001-signage-1', { ts: Date.now() + 2 * dayMs, values: { uptime: 1 } })).statusCode).toBe(400);
    expect((await post('demo-S0001-fridge-1', { ts: Date.now() - 8 * dayMs, values: { temperature: 4 } })).statusCode).toBe(200);
  });

  it('expires data by dropping whole partitions of its retention class, and keeps ingesting', async () => {
    expect((await post('demo-S0001-signage-1', { uptime: 100 })).statusCode).toBe(200);
    expect((await post('demo-S0001-fridge-2', { temperature: 4.1 })).statusCode).toBe(200);
    expect(await rowsOf('S0001-signage-1')).toBe(1);
    const before = await partitions('telemetry_r7');
    // Eight days on, today's 7-day partition has expired; the 30-day class keeps everything.
    const dropped = await t.devices.runtime.partitions.dropExpired(Date.now() + 8 * dayMs);
    expect(dropped.every((n) => n.startsWith('telemetry_r7_'))).toBe(true);
    expect(dropped.length).toBeGreaterThan(0);
    expect((await partitions('telemetry_r7')).length).toBe(before.length - dropped.length);
    expect(await rowsOf('S0001-signage-1')).toBe(0);
    expect(await rowsOf('S0001-fridge-2')).toBe(1);
    // The ingest path recreates a partition it needs again.
    expect((await post('demo-S0001-signage-1', { uptime: 101 })).statusCode).toBe(200);
    expect(await rowsOf('S0001-signage-1')).toBe(1);
  });

  it('rolls numeric values up per hour, and long-range charts read the rollups with the same answer as raw rows', async () => {
    const now = Date.now();
    const hour0 = now - (now % hourMs) - 3 * hourMs;
    const entries = Array.from({ length: 180 }, (_, i) => ({ ts: hour0 + i * 60_000, values: { power: i % 60, phase: 'A' } }));
    expect((await post('demo-S0001-meter-1', entries)).statusCode).toBe(200);
    const done = await rollUpHours(t.db.pool, t.devices.runtime.partitions, now);
    expect(done.hours).toBeGreaterThanOrEqual(3);
    const r = await t.db.pool.query<{ hour: number; min_v: number; max_v: number; sum_v: number; count: number }>(
      `SELECT r.hour, r.min_v, r.max_v, r.sum_v, r.count FROM telemetry_rollups r JOIN devices d ON d.sid = r.device_sid JOIN telemetry_keys k ON k.id = r.key_id
       WHERE d.name = 'S0001-meter-1' AND k.key = 'power' ORDER BY r.hour`,
    );
    expect(r.rows).toEqual([0, 1, 2].map((h) => ({ hour: hour0 + h * hourMs, min_v: 0, max_v: 59, sum_v: 1770, count: 60 })));
    const id = (await t.app.inject({ url: '/api/v1/devices?q=S0001-meter-1', headers: admin.headers })).json().data[0].id;
    const long = await t.app.inject({
      url: `/api/v1/devices/${id}/telemetry?keys=power&from=${now - 5 * dayMs}&to=${now}&interval=${hourMs}&agg=AVG`,
      headers: admin.headers,
    });
    expect(long.json().source).toBe('rollups');
    const short = await t.app.inject({
      url: `/api/v1/devices/${id}/telemetry?keys=power&from=${hour0}&to=${now}&interval=${hourMs}&agg=AVG`,
      headers: admin.headers,
    });
    expect(short.json().source).toBe('raw');
    const fromRollups = long.json().data.power.filter((p: { ts: number }) => p.ts >= hour0);
    expect(fromRollups).toEqual(short.json().data.power);
    expect(fromRollups.slice(0, 3).map((p: { value: number }) => p.value)).toEqual([29.5, 29.5, 29.5]);
    // Idempotent: running again changes nothing.
    await rollUpHours(t.db.pool, t.devices.runtime.partitions, now);
    expect(
      (await t.db.pool.query("SELECT count(*)::int AS n FROM telemetry_rollups r JOIN devices d ON d.sid = r.device_sid WHERE d.name = 'S0001-meter-1'"))
        .rows[0].n,
    ).toBe(3);
  });

  it('keeps latest values in memory, upserts them in batches, and recovers them from telemetry after a crash', async () => {
    expect((await post('demo-S0001-people-counter-1', { in: 12, out: 10, battery: 88 })).statusCode).toBe(200);
    const stored = async () =>
      (
        await t.db.pool.query(
          `SELECT k.key, l.num_v FROM telemetry_latest l JOIN devices d ON d.sid = l.device_sid JOIN telemetry_keys k ON k.id = l.key_id WHERE d.name = 'S0001-people-counter-1' ORDER BY k.key`,
        )
      ).rows;
    expect(await stored()).toEqual([]);
    // The device page already shows them (from memory).
    const id = (await t.app.inject({ url: '/api/v1/devices?q=S0001-people-counter-1', headers: admin.headers })).json().data[0].id;
    expect((await t.app.inject({ url: `/api/v1/devices/${id}/telemetry/latest`, headers: admin.headers })).json().data).toHaveLength(3);
    // "Crash": this node never flushes; another node starting recovers them from the telemetry rows.
    const next = createDevices(t.deps);
    await next.start();
    await next.stop();
    expect(await stored()).toEqual([
      { key: 'battery', num_v: 88 },
      { key: 'in', num_v: 12 },
      { key: 'out', num_v: 10 },
    ]);
    await t.devices.flushState();
    expect(await stored()).toHaveLength(3);
  });
});
