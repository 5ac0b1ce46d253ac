// Throughput check of the devices ingest pipeline (not a test, not the MQTT bench): pushes messages of 3 values
// through DeviceIngress.telemetry() with high concurrency against an embedded PostgreSQL, with the telemetry bench's
// alarm rule, and prints durable messages/s, publish-to-commit latency p50/p99 and this process's CPU per message.
// Usage: npx tsx bench/device-ingest.ts [messages=200000] [concurrency=4000] [devices=2000]
// STOREOS_BENCH_WRITER='{"maxInFlight":1}' overrides the telemetry writer's options (telemetry-writer.ts).
import os from 'node:os';
import path from 'node:path';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { eq } from 'drizzle-orm';
import { seedDemo } from '../src/commands/seed-demo.ts';
import { loadConfig } from '../src/kernel/config.ts';
import { migrateDatabase, openDatabase } from '../src/kernel/db.ts';
import { openDatabaseServer } from '../src/kernel/embedded-postgres.ts';
import { createLogger } from '../src/kernel/logger.ts';
import { createMetrics } from '../src/kernel/metrics.ts';
import { newId } from '../src/kernel/ids.ts';
import { createDevices, deviceProfiles, insertDevices } from '../src/modules/devices/index.ts';
import { stores } from '../src/modules/stores/index.ts';
import { benchRule } from './telemetry-seed.ts';

const [messages = 200_000, concurrency = 4000, deviceCount = 2000] = process.argv.slice(2).map(Number);
const dataDir = path.join(os.tmpdir(), `storeos-ingest-bench-${process.pid}`);
const log = createLogger('warn');
const server = await openDatabaseServer({ dataDir, log });
try {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('CREATE DATABASE ingest_bench');
  await admin.end();
  const url = new URL(server.url);
  url.pathname = '/ingest_bench';
  const db = openDatabase(url.toString(), { max: 10 });
  await migrateDatabase(db);
  const { tenantId } = await seedDemo(db, { stores: 10, slug: 'bench' });
  const places = await db.orm.select({ id: stores.id, orgPath: stores.orgPath }).from(stores).where(eq(stores.tenantId, tenantId));
  const profileId = newId('prf');
  // The rule `storeos bench telemetry` runs: evaluated on every message, as in production.
  await db.orm.insert(deviceProfiles).values({ id: profileId, tenantId, name: 'Bench sensor', kind: 'other', alarmRules: [benchRule] });
  const tokens = Array.from({ length: deviceCount }, (_, i) => `bench-token-${i}`);
  await db.orm.transaction((tx) =>
    insertDevices(
      tx,
      tokens.map((accessToken, i) => ({
        tenantId,
        storeId: places[i % places.length].id,
        orgPath: places[i % places.length].orgPath,
        profileId,
        name: `bench sensor ${i}`,
        credentials: { type: 'access_token' as const, accessToken },
      })),
    ),
  );
  const deps = { db, config: loadConfig({ LOG_LEVEL: 'warn', MQTT_DEVICE_RATE: '0' }), log, metrics: createMetrics() };
  const devices = createDevices(deps, { writer: JSON.parse(process.env.STOREOS_BENCH_WRITER ?? '{}') });
  await devices.start();
  const identities = await Promise.all(tokens.map(async (t) => (await devices.ingress.byAccessToken(t)) ?? Promise.reject(new Error('no device'))));

  // Warm-up: keys and partitions known, connections open.
  await Promise.all(identities.map((d) => devices.ingress.telemetry(d, Buffer.from('{"temperature":1,"humidity":2,"power":3}'), Date.now())));

  const latencies = new Float64Array(messages);
  let next = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  async function worker(): Promise<void> {
    while (next < messages) {
      const i = next++;
      const d = identities[i % identities.length];
      // The telemetry bench's payload: a ThingsBoard entry with its own timestamp and 3 values.
      const payload = Buffer.from(
        `{"ts":${Date.now()},"values":{"temperature":${(20 + (i % 100) / 10).toFixed(2)},"humidity":${(40 + (i % 20)).toFixed(1)},"power":${((i % 1000) / 100).toFixed(3)}}}`,
      );
      const t0 = performance.now();
      await devices.ingress.telemetry(d, payload, Date.now());
      latencies[i] = performance.now() - t0;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1);
  const rows = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM telemetry_entries');
  await devices.stop();
  await db.close();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  process.stdout.write(
    [
      `messages       ${messages} of 3 values, ${concurrency} in flight, ${deviceCount} devices`,
      `durable        ${(messages / seconds).toFixed(0)} messages/s (${((messages * 3) / seconds).toFixed(0)} values/s) in ${seconds.toFixed(1)} s`,
      `commit latency p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`,
      `node cpu       ${((cpu.user + cpu.system) / 1e6 / seconds).toFixed(2)} cores, ${((cpu.user + cpu.system) / messages).toFixed(1)} µs per message (this process; PostgreSQL is separate)`,
      `rows stored    ${rows.rows[0].n} telemetry_entries rows (one per message, warm-up included)`,
      `load average   ${load} on ${os.cpus().length} cores`,
      '',
    ].join('\n'),
  );
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
