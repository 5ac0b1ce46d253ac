import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { buildApp } from '../src/app.ts';
import { seedDemo } from '../src/commands/seed-demo.ts';
import { catalog, pick, seededRandom, shopperOf } from '../src/commands/shopper-catalog.ts';
import { systemActor } from '../src/kernel/auth.ts';
import { createMetrics } from '../src/kernel/metrics.ts';
import { createCustomers, createSource, writerCopyColumns } from '../src/modules/customers/index.ts';
import { benchConfig, createBenchDatabase, openBenchServer } from './bench-database.ts';
import { cpuMeter, cpuSeconds, startProfile } from './cpu-usage.ts';
import { runJsonScript } from './http-load.ts';

const marker = '__MSGID__';

interface Load {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  timeouts: number;
}

/** A Segment batch of 100 realistic events, as body parts around the messageIds the load generator stamps in. */
function batchTemplate(seed: number): string[] {
  const r = seededRandom(seed);
  const now = Date.now();
  const batch = Array.from({ length: 100 }, (_, i) => {
    const s = shopperOf(Math.floor(r() * 200_000), 20);
    const product = { ...pick(r, catalog), currency: 'CNY', quantity: 1 };
    const base = {
      messageId: marker,
      timestamp: new Date(now - i * 50).toISOString(),
      context: { library: { name: 'analytics-node', version: '2.1.0' }, ip: '10.1.2.3' },
    };
    const k = r();
    if (k < 0.35) return { ...base, type: 'track', anonymousId: s.webAnonymousId, event: 'Product Viewed', properties: product };
    if (k < 0.55)
      return { ...base, type: 'page', anonymousId: s.webAnonymousId, name: product.category, properties: { path: `/c/${product.sku}`, title: product.name } };
    if (k < 0.65) return { ...base, type: 'screen', anonymousId: s.appDeviceId, userId: s.userId, name: '商品详情' };
    if (k < 0.75) return { ...base, type: 'track', anonymousId: s.appDeviceId, userId: s.userId, event: 'Product Added', properties: product };
    if (k < 0.85)
      return {
        ...base,
        type: 'identify',
        anonymousId: s.webAnonymousId,
        userId: s.userId,
        traits: { name: s.name, email: s.email, phone: s.phone, memberCard: s.memberCard },
      };
    const revenue = product.price;
    return {
      ...base,
      type: 'track',
      userId: s.userId,
      event: 'Order Completed',
      context: { ...base.context, traits: { memberCard: s.memberCard } },
      properties: { order_id: `POS-${seed}-${i}`, revenue, currency: 'CNY', products: [product] },
    };
  });
  return JSON.stringify({ batch, sentAt: new Date(now).toISOString() }).split(marker);
}

/** Runs the load generator in its own process; the options (with the bodies, too long for argv) go in a file. */
async function load(
  opts: { url: string; connections: number; duration: number; writeKey: string; templates: string[][] },
  onSpawn?: (pid: number) => void,
): Promise<Load> {
  const file = path.join(os.tmpdir(), `storeos-bench-ingest-${process.pid}.json`);
  await writeFile(file, JSON.stringify(opts));
  try {
    return await runJsonScript<Load>('ingest-load.mjs', [file], 'load generator', onSpawn);
  } finally {
    await rm(file, { force: true });
  }
}

/** The baseline: the same rows COPYed straight into customer_events, `lanes` connections, 10,000-row transactions. */
async function rawCopy(url: string, rows: string, seconds: number, lanes: number): Promise<number> {
  const perCopy = rows.split('\n').length - 1;
  const end = Date.now() + seconds * 1000;
  let copied = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        while (Date.now() < end) {
          await client.query('BEGIN');
          const stream = client.query(copyFrom(`COPY customer_events (${writerCopyColumns}) FROM STDIN`));
          await new Promise<void>((resolve, reject) => {
            stream.on('error', reject);
            stream.on('finish', resolve);
            stream.end(rows);
          });
          await client.query('COMMIT');
          copied += perCopy;
        }
      } finally {
        await client.end();
      }
    }),
  );
  return copied;
}

/** `storeos bench ingest`: Segment batches of 100 through the real pipeline against raw COPY of the same rows. */
export async function runBench(o: { duration: number; connections: number }): Promise<void> {
  const { config, log } = benchConfig();
  const server = await openBenchServer('ingest', config, log);
  const bench = await createBenchDatabase(server.url, 'ingest', config.dbPoolSize).catch(async (err) => {
    await server.stop();
    throw err;
  });
  const { db } = bench;
  const loadBefore = os.loadavg()[0];
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const { tenantId } = await seedDemo(db, { stores: 20, slug: 'bench' });
    const ctx = { db, actor: systemActor(tenantId, 'bench', 'bench'), meta: {} };
    const source = await createSource(ctx, { name: 'bench web', channel: 'web', rateLimit: 0 });
    const metrics = createMetrics();
    const deps = { db, config, log, metrics };
    const { profiles, collection } = createCustomers(deps);
    await profiles.start();
    await collection.start();
    cleanups.push(
      () => profiles.stop(),
      () => collection.stop(),
    );
    const app = await buildApp(deps, { collection });
    await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.unshift(() => app.close());
    const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const templates = Array.from({ length: 8 }, (_, k) => batchTemplate(1000 + k));
    const count = async () =>
      (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM customer_events WHERE source_id = $1', [source.id])).rows[0].n;

    // A short warm-up first: JIT, connections, the identity graph's first people; not the figure.
    await load({ url: appUrl, connections: o.connections, duration: 3, writeKey: source.writeKey, templates });
    await collection.drain();
    await profiles.idle();
    const before = await count();
    // Where the cores go: this process (the StoreOS server), PostgreSQL's processes, the load generator (an exited
    // child's CPU time is added to its parent's, so it is this process's total less its own).
    const postmaster = server.postmasterPid();
    // STOREOS_BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of the server during the measured run into <dir>.
    const profiler = process.env.STOREOS_BENCH_CPU_PROFILE ? await startProfile('ingest') : undefined;
    // The share of PostgreSQL's time spent in the ingest transactions: the event writer's own connections.
    const writerPids = async () =>
      (await db.pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'storeos-collect'`)).rows.map((r) => r.pid);
    const writerCpu0 = new Map((await writerPids()).map((pid) => [pid, cpuSeconds(() => [pid])]));
    const m0 = cpuMeter(postmaster);
    const started = performance.now();
    const p = await load({ url: appUrl, connections: o.connections, duration: o.duration, writeKey: source.writeKey, templates });
    const loadSeconds = (performance.now() - started) / 1000;
    const durable = (await count()) - before;
    const drainStarted = performance.now();
    await collection.drain();
    await profiles.idle();
    const drainSeconds = (performance.now() - drainStarted) / 1000;
    // Counted after the profile pipeline caught up: the CPU of applying these events to profiles belongs to them.
    const used = m0.used();
    // Backends the pool opened during the run started at zero (it keeps idle ones 30 s, longer than a run's tail).
    const writerCpu = (await writerPids()).reduce((sum, pid) => sum + cpuSeconds(() => [pid]) - (writerCpu0.get(pid) ?? 0), 0);
    if (profiler) await profiler.stop(process.env.STOREOS_BENCH_CPU_PROFILE as string);
    const flushText = await metrics.registry.getSingleMetricAsString('storeos_collect_flush_events');
    const flushSum = Number(/_sum (\S+)/.exec(flushText)?.[1] ?? 0);
    const flushCount = Number(/_count (\S+)/.exec(flushText)?.[1] ?? 1);

    // The same rows, as stored, for the baseline.
    let rows = '';
    const reader = await db.pool.connect();
    try {
      await pipeline(
        reader.query(copyTo(`COPY (SELECT ${writerCopyColumns} FROM customer_events WHERE source_id = '${source.id}' LIMIT 10000) TO STDOUT`)),
        new Writable({
          write(chunk: Buffer, _enc, done) {
            rows += chunk.toString();
            done();
          },
        }),
      );
    } finally {
      reader.release();
    }
    const m1 = cpuMeter(postmaster);
    const copied = await rawCopy(bench.url, rows, o.duration, 2);
    const baseUsed = m1.used();
    const loadAfter = os.loadavg()[0];
    // CPU-seconds per event of everything that ran, and what 2 cores given to it alone would carry.
    const perEvent = (used.server + used.postgres + used.loader) / Math.max(1, durable);
    const basePerEvent = (baseUsed.server + baseUsed.postgres) / Math.max(1, copied);
    const cores = os.cpus().length;
    const us = (seconds: number, n: number) => ((seconds / Math.max(1, n)) * 1e6).toFixed(1);

    const rate = durable / loadSeconds;
    const baseline = copied / o.duration;
    const bad = p.errors + p.non2xx + p.timeouts;
    process.stdout.write(
      `\nstoreos bench ingest — Segment batches of 100 events, ${o.connections} connections, ${o.duration} s, ${os.cpus().length} cores, load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}\n\n` +
        `  platform  ${rate.toFixed(0)} events/s durable (${durable} events counted in the database after ${loadSeconds.toFixed(1)} s), ` +
        `${p.rps.toFixed(0)} requests/s, request p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms${bad ? `, ${bad} failed` : ''}\n` +
        `            identity resolution and profile pipeline on; ${(flushSum / flushCount).toFixed(0)} events per group commit; pipeline caught up ${drainSeconds.toFixed(1)} s after the load\n` +
        `  baseline  ${baseline.toFixed(0)} events/s (raw COPY of the same rows into customer_events, 2 connections, ${rows.split('\n').length - 1}-row transactions)\n` +
        `  ${((rate / baseline) * 100).toFixed(0)}% of baseline (goal ≥ 40%); ${rate >= 50_000 ? 'meets' : 'misses'} the 50,000 events/s goal\n\n` +
        `  CPU used: platform run (the load, then the profile pipeline catching up) — server ${used.server.toFixed(1)} s, PostgreSQL ${used.postgres.toFixed(1)} s, load generator ${used.loader.toFixed(1)} s ` +
        `(${(perEvent * 1e6) | 0} µs per event); baseline — PostgreSQL ${baseUsed.postgres.toFixed(1)} s, COPY client ${baseUsed.server.toFixed(1)} s (${(basePerEvent * 1e6) | 0} µs per event)\n` +
        `  CPU µs per event: server ${us(used.server, durable)}, PostgreSQL ${us(used.postgres, durable)} (ingest transactions ${us(writerCpu, durable)}, the rest ${us(used.postgres - writerCpu, durable)}), load generator ${us(used.loader, durable)}; ` +
        `baseline COPY client ${us(baseUsed.server, copied)}, PostgreSQL ${us(baseUsed.postgres, copied)}\n` +
        `  on ${cores} cores of its own (no other load) that is about ${(cores / perEvent).toFixed(0)} events/s for the platform and ${(cores / basePerEvent).toFixed(0)} for the baseline ` +
        `(${((basePerEvent / perEvent) * 100).toFixed(0)}%)\n`,
    );
  } finally {
    for (const c of cleanups) await c().catch(() => {});
    await bench.drop();
    await server.stop();
  }
}
