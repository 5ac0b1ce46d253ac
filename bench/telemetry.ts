import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../src/kernel/config.ts';
import { migrateDatabase, openDatabase } from '../src/kernel/db.ts';
import { freePort, openDatabaseServer } from '../src/kernel/embedded-postgres.ts';
import { createLogger } from '../src/kernel/logger.ts';
import { cpuSeconds, withDescendants } from './cpu-usage.ts';
import { seedBenchDevices } from './telemetry-seed.ts';
import { latencyBuckets, type PublisherJob, type PublisherReport } from './telemetry-publisher.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = import.meta.resolve('tsx/esm');

/** Options of `storeos bench telemetry`. */
export interface TelemetryBenchOptions {
  duration: number;
  devices: number;
  publishers: number;
  window: number;
}

interface RunResult {
  acked: number;
  ackedInWindow: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
  windowStart: number;
  windowEnd: number;
  trips: number;
  /** Cores each watched group used during the measured window. */
  cores: Record<string, number>;
}

/** Waits for a child's first IPC message that has `key`. */
function reply<T>(child: ChildProcess, key: string, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${key} from child ${child.pid} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (msg: Record<string, unknown>) => {
      if (msg.error) reject(new Error(String(msg.error)));
      else if (key in msg) resolve(msg[key] as T);
      else return;
      clearTimeout(timer);
      child.off('message', onMessage);
    };
    child.on('message', onMessage);
  });
}

function percentile(hist: number[], p: number): number {
  const total = hist.reduce((a, b) => a + b, 0);
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i];
    if (seen >= total * p) return i / 10;
  }
  return (hist.length - 1) / 10;
}

/** Runs the publishers against one endpoint: a warm-up, then the measured window. */
async function drive(port: number, tokens: string[], o: TelemetryBenchOptions, trippers: number, watch: Record<string, () => number[]>): Promise<RunResult> {
  const per = Math.ceil(tokens.length / o.publishers);
  const children = Array.from({ length: o.publishers }, () =>
    fork(path.join(here, 'telemetry-publisher.ts'), [], { execArgv: ['--import', tsx], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  try {
    await Promise.all(
      children.map((child, k) => {
        const slice = tokens.slice(k * per, (k + 1) * per);
        const job: PublisherJob = { port, tokens: slice, trippers: k === 0 ? trippers : 0, window: o.window, tripEveryMs: 2000 };
        child.send({ job });
        return reply<number>(child, 'connected');
      }),
    );
    // Warm-up: JIT, connection pools, first partitions and keys; not part of the figure.
    const go = (ms: number) =>
      Promise.all(
        children.map((child) => {
          child.send({ go: ms });
          return reply<PublisherReport>(child, 'report', ms + 60_000);
        }),
      );
    await go(3000);
    const groups: Record<string, () => number[]> = { ...watch, publishers: () => children.flatMap((c) => (c.pid ? [c.pid] : [])) };
    const before = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, cpuSeconds(pids)]));
    const reports = await go(o.duration * 1000);
    const cores = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, (cpuSeconds(pids) - before[name]) / o.duration]));
    const latency = new Array<number>(latencyBuckets).fill(0);
    for (const r of reports) {
      for (let i = 0; i < latency.length; i++) latency[i] += r.latency[i];
    }
    const sum = (f: (r: PublisherReport) => number) => reports.reduce((a, r) => a + f(r), 0);
    return {
      acked: sum((r) => r.acked),
      ackedInWindow: sum((r) => r.ackedInWindow),
      errors: sum((r) => r.errors),
      seconds: o.duration,
      p50: percentile(latency, 0.5),
      p99: percentile(latency, 0.99),
      windowStart: Math.min(...reports.map((r) => r.windowStart)),
      windowEnd: Math.max(...reports.map((r) => r.windowEnd)),
      trips: sum((r) => r.trips),
      cores,
    };
  } finally {
    for (const child of children) child.send({ stop: true });
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
  }
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

/** What the devices pipeline reports about its COPY batches in /metrics (whole run, warm-up included). */
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

const cores = (r: RunResult) =>
  `${Object.entries(r.cores)
    .map(([name, n]) => `${name} ${n.toFixed(2)}`)
    .join(', ')} cores`;
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;
const n0 = (v: number) => Math.round(v).toLocaleString('en-US');

/** `storeos bench telemetry`: durable MQTT ingest through a full StoreOS against a bare aedes, in the same run. */
export async function runBench(o: TelemetryBenchOptions): Promise<void> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const log = createLogger('silent');
  const dataDir = path.join(os.tmpdir(), `storeos-bench-telemetry-${process.pid}`);
  const server = await openDatabaseServer({ dataDir, databaseUrl: config.databaseUrl, log });
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
    const trippers = Math.max(5, Math.round(o.devices / 100));
    process.stdout.write(`seeded ${o.devices} devices; alarm rule "temperature > 50" on every message, ${trippers} devices trip it every 2 s\n`);

    // Baseline first, in its own process, then stopped: it must not share the CPU with the platform's run.
    const bare = fork(path.join(here, 'telemetry-bare.mjs'), ['0'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(bare);
    const barePort = await reply<number>(bare, 'port');
    const baseline = await drive(barePort, seeded.tokens, o, trippers, { server: () => (bare.pid ? [bare.pid] : []) });
    bare.send('rss');
    const bareRss = await reply<number>(bare, 'rss');
    bare.send('stop');

    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    // STOREOS_BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of the server (where its time goes) into <dir>.
    const profile = process.env.STOREOS_BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.STOREOS_BENCH_CPU_PROFILE}`] : [];
    const platform = spawn(process.execPath, [...profile, path.join(here, '../bin/storeos.js'), 'serve'], {
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
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(platform);
    await waitForPort(mqttPort, platform);
    // PostgreSQL's processes, when it is the embedded one this run started (its postmaster's pid heads its lock file).
    const postmaster = config.databaseUrl ? 0 : Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const result = await drive(mqttPort, seeded.tokens, o, trippers, {
      server: () => (platform.pid ? [platform.pid] : []),
      ...(postmaster ? { postgres: () => withDescendants(postmaster) } : {}),
    });
    const memory = memoryOf(platform.pid ?? 0);
    const pipeline = await pipelineFigures(httpPort);
    // Alarms are evaluated after each commit: give the last ones a moment before reading them.
    await new Promise((r) => setTimeout(r, 1500));
    platform.kill('SIGTERM');
    await new Promise((r) => (platform.exitCode !== null ? r(null) : platform.once('exit', r)));

    const stored = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM telemetry WHERE ts >= $1 AND ts < $2', [
      result.windowStart,
      result.windowEnd,
    ]);
    const storedMessages = stored.rows[0].n / 3;
    const alarms = await db.pool.query<{ ms: number }>(
      `SELECT extract(epoch FROM created_at) * 1000 - extract(epoch FROM (payload->>'startedAt')::timestamptz) * 1000 AS ms
         FROM outbox WHERE topic = 'alarm.created' AND created_at >= to_timestamp($1 / 1000.0) ORDER BY 1`,
      [result.windowStart],
    );
    const alarmMs = alarms.rows.map((r) => Number(r.ms));
    const alarmP99 = alarmMs.length ? alarmMs[Math.min(alarmMs.length - 1, Math.floor(alarmMs.length * 0.99))] : Number.NaN;

    const durable = Math.min(result.ackedInWindow, storedMessages) / result.seconds;
    const base = baseline.ackedInWindow / baseline.seconds;
    const lost = Math.max(0, result.ackedInWindow - storedMessages);
    const load = os.loadavg()[0].toFixed(2);
    const goal = (ok: boolean) => (ok ? 'met' : 'MISSED');
    process.stdout.write(
      `\nstoreos bench telemetry — ${o.devices} devices over ${o.publishers} publisher processes, ${o.window} in flight per connection, ` +
        `QoS 1, ${o.duration} s, ${os.cpus().length} cores, load ${load}\n\n` +
        `  platform  ${n0(durable)} durable msg/s  ${n0(durable * 3)} data points/s  PUBACK p50 ${result.p50.toFixed(1)} ms  p99 ${result.p99.toFixed(1)} ms\n` +
        `            alarm p99 ${Number.isNaN(alarmP99) ? 'n/a' : `${alarmP99.toFixed(0)} ms`} (${alarmMs.length} alarms of ${result.trips} trips)  ` +
        `server RSS ${mb(memory.now)} (peak ${mb(memory.peak)})\n` +
        `            ${n0(storedMessages)} messages stored of ${n0(result.ackedInWindow)} acknowledged${lost ? ` — ${n0(lost)} LOST` : ', none lost'}` +
        `${result.errors ? `, ${result.errors} publish errors` : ''}\n` +
        `            CPU ${cores(result)}; ${pipeline}\n` +
        `  baseline  ${n0(base)} msg/s  PUBACK p50 ${baseline.p50.toFixed(1)} ms  p99 ${baseline.p99.toFixed(1)} ms  RSS ${mb(bareRss)}  (bare aedes, stores nothing)\n` +
        `            CPU ${cores(baseline)}\n\n` +
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
