import { type ChildProcess, fork, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../src/kernel/config.ts';
import { type Database, migrateDatabase, openDatabase } from '../src/kernel/db.ts';
import { freePort, openDatabaseServer } from '../src/kernel/embedded-postgres.ts';
import { createLogger } from '../src/kernel/logger.ts';
import { withDescendants } from './cpu-usage.ts';
import { combine, drive, type Load, percentile, reply, type RunResult } from './telemetry-drive.ts';
import { seedBenchDevices } from './telemetry-seed.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Options of `storeos bench telemetry`. */
export interface TelemetryBenchOptions {
  duration: number;
  devices: number;
  publishers: number;
  window: number;
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before listening`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.end(() => resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
}

/** What the devices pipeline reports about its COPY batches in /metrics (whole run, warm-ups included). */
async function pipelineFigures(httpPort: number): Promise<string> {
  const text = await fetch(`http://127.0.0.1:${httpPort}/metrics`)
    .then((r) => r.text())
    .catch(() => '');
  const value = (name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  const commits = value('storeos_device_ingest_batch_rows_count');
  if (!commits) return 'no pipeline metrics';
  const rows = value('storeos_device_ingest_batch_rows_sum') / commits;
  const commitMs = (value('storeos_device_ingest_commit_seconds_sum') / value('storeos_device_ingest_commit_seconds_count')) * 1000;
  const waitMs = (value('storeos_device_ingest_latency_seconds_sum') / value('storeos_device_ingest_latency_seconds_count')) * 1000;
  return `${n0(commits)} COPY batches of ${n0(rows)} rows on average, COPY+COMMIT ${commitMs.toFixed(1)} ms, first message to COMMIT ${waitMs.toFixed(1)} ms`;
}

/** Peak and current resident memory of a process, from /proc (Linux). */
function memoryOf(pid: number): { peak: number; now: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
    return { peak: kb('VmHWM'), now: kb('VmRSS') };
  } catch {
    return { peak: 0, now: 0 };
  }
}

/** Publish-to-alarm latencies (ms, sorted): the tripping point's time (`startedAt`) to the alarm row's creation. */
async function alarmLatencies(db: Database, since: number): Promise<number[]> {
  const r = await db.pool.query<{ ms: number }>(
    `SELECT extract(epoch FROM created_at) * 1000 - extract(epoch FROM (payload->>'startedAt')::timestamptz) * 1000 AS ms
       FROM outbox WHERE topic = 'alarm.created' AND created_at >= to_timestamp($1 / 1000.0) ORDER BY 1`,
    [since],
  );
  return r.rows.map((row) => Number(row.ms));
}

const n0 = (v: number) => Math.round(v).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;
const cores = (r: RunResult) =>
  `${Object.entries(r.cpu)
    .map(([name, s]) => `${name} ${(s / r.seconds).toFixed(2)}`)
    .join(', ')} cores`;
/** CPU time per acknowledged message of each watched group: unlike msg/s, it hardly moves with the machine's other load. */
const perMessage = (r: RunResult) =>
  `${Object.entries(r.cpu)
    .map(([name, s]) => `${name} ${((s / Math.max(1, r.ackedInWindow)) * 1e6).toFixed(1)}`)
    .join(', ')} µs per message`;
const latencies = (r: RunResult) => `PUBACK p50 ${percentile(r.latency, 0.5).toFixed(1)} ms  p99 ${percentile(r.latency, 0.99).toFixed(1)} ms`;

/** `storeos bench telemetry`: durable MQTT ingest through a full StoreOS against a bare aedes, in the same run. */
export async function runBench(o: TelemetryBenchOptions): Promise<void> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const dataDir = path.join(os.tmpdir(), `storeos-bench-telemetry-${process.pid}`);
  const server = await openDatabaseServer({ dataDir, databaseUrl: config.databaseUrl, log: createLogger('silent') });
  const dbName = `storeos_bench_tel_${process.pid}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(server.url);
  url.pathname = `/${dbName}`;
  const db = openDatabase(url.toString(), { max: 4 });
  const children: ChildProcess[] = [];
  try {
    await migrateDatabase(db);
    const seeded = await seedBenchDevices(db, o.devices);
    const load: Load = { tokens: seeded.tokens, publishers: o.publishers, window: o.window, trippers: Math.max(5, Math.round(o.devices / 100)) };
    process.stdout.write(`seeded ${o.devices} devices; alarm rule "temperature > 50" on every message, ${load.trippers} devices trip it every 2 s\n`);

    const bare = fork(path.join(here, 'telemetry-bare.mjs'), ['0'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(bare);
    const barePort = await reply<number>(bare, 'port');
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    // STOREOS_BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of the server (where its time goes) into <dir>.
    const profile = process.env.STOREOS_BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.STOREOS_BENCH_CPU_PROFILE}`] : [];
    // STOREOS_BENCH_SERVER_FLAGS="--max-semi-space-size=64" runs the server with Node/V8 flags (docs/devices.md, tuning).
    const flags = process.env.STOREOS_BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? [];
    const platform = spawn(process.execPath, [...profile, ...flags, path.join(here, '../bin/storeos.js'), 'serve'], {
      env: {
        ...process.env,
        DATABASE_URL: url.toString(),
        PORT: String(httpPort),
        MQTT_PORT: String(mqttPort),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        // High enough never to bind here; the limiter's cost is still part of the figure.
        MQTT_DEVICE_RATE: '100000',
      },
      // STOREOS_BENCH_SERVER_STDOUT=<file> keeps what the server prints (e.g. --trace-gc through STOREOS_BENCH_SERVER_FLAGS).
      stdio: ['ignore', process.env.STOREOS_BENCH_SERVER_STDOUT ? openSync(process.env.STOREOS_BENCH_SERVER_STDOUT, 'w') : 'ignore', 'inherit'],
    });
    children.push(platform);
    await waitForPort(mqttPort, platform);
    // PostgreSQL's processes, when it is the embedded one this run started (its postmaster's pid heads its lock file).
    const postmaster = config.databaseUrl ? 0 : Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const bareWatch = { server: () => (bare.pid ? [bare.pid] : []) };

    // The baseline runs half before and half after the platform, so a change in the machine's other load weighs on both;
    // only one of the two servers is driven at a time, the other one idles.
    const half = Math.max(1, o.duration / 2);
    const before = await drive(barePort, load, half, bareWatch);
    const result = await drive(mqttPort, load, o.duration, {
      server: () => (platform.pid ? [platform.pid] : []),
      ...(postmaster ? { postgres: () => withDescendants(postmaster) } : {}),
    });
    const memory = memoryOf(platform.pid ?? 0);
    const pipeline = await pipelineFigures(httpPort);
    const baseline = combine(before, await drive(barePort, load, half, bareWatch));
    bare.send('rss');
    const bareRss = await reply<number>(bare, 'rss');
    bare.send('stop');
    platform.kill('SIGTERM');
    await new Promise((r) => (platform.exitCode !== null ? r(null) : platform.once('exit', r)));

    const stored = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM telemetry WHERE ts >= $1 AND ts < $2', [
      result.windowStart,
      result.windowEnd,
    ]);
    const storedMessages = stored.rows[0].n / 3;
    const alarmMs = await alarmLatencies(db, result.windowStart);
    const alarmP99 = alarmMs.length ? alarmMs[Math.min(alarmMs.length - 1, Math.floor(alarmMs.length * 0.99))] : Number.NaN;
    const durable = Math.min(result.ackedInWindow, storedMessages) / result.seconds;
    const base = baseline.ackedInWindow / baseline.seconds;
    const lost = Math.max(0, result.ackedInWindow - storedMessages);
    const goal = (ok: boolean) => (ok ? 'met' : 'MISSED');
    process.stdout.write(
      `\nstoreos bench telemetry — ${o.devices} devices over ${o.publishers} publisher processes, ${o.window} in flight per connection, ` +
        `QoS 1, ${o.duration} s, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}\n\n` +
        `  platform  ${n0(durable)} durable msg/s  ${n0(durable * 3)} data points/s  ${latencies(result)}\n` +
        `            alarm p99 ${Number.isNaN(alarmP99) ? 'n/a' : `${alarmP99.toFixed(0)} ms`} (${alarmMs.length} alarms of ${result.trips} trips)  ` +
        `server RSS ${mb(memory.now)} (peak ${mb(memory.peak)})\n` +
        `            ${n0(storedMessages)} messages stored of ${n0(result.ackedInWindow)} acknowledged${lost ? ` — ${n0(lost)} LOST` : ', none lost'}` +
        `${result.errors ? `, ${result.errors} connections lost` : ''}\n` +
        `            CPU ${cores(result)}; ${perMessage(result)}\n` +
        `            ${pipeline}\n` +
        `  baseline  ${n0(base)} msg/s  ${latencies(baseline)}  RSS ${mb(bareRss)}  (bare aedes, stores nothing; half before, half after)\n` +
        `            CPU ${cores(baseline)}; ${perMessage(baseline)}\n\n` +
        `  ${((durable / base) * 100).toFixed(0)}% of baseline (goal ≥ 60%: ${goal(durable >= base * 0.6)}); ` +
        `≥ 25,000 msg/s: ${goal(durable >= 25_000)}; alarm p99 ≤ 200 ms: ${goal(alarmP99 <= 200)}\n`,
    );
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end();
    await server.stop();
    if (!config.databaseUrl) await rm(dataDir, { recursive: true, force: true });
  }
}
