import os from 'node:os';
import { from as copyFrom } from 'pg-copy-streams';
import { buildApp } from '../src/app.ts';
import { progressBar } from '../src/commands/progress.ts';
import { seedDemo } from '../src/commands/seed-demo.ts';
import { systemActor } from '../src/kernel/auth.ts';
import type { Database } from '../src/kernel/db.ts';
import { createMetrics } from '../src/kernel/metrics.ts';
import { createCollection, createSource } from '../src/modules/customers/index.ts';
import type { ProfilePipeline } from '../src/modules/customers/contract.ts';
import { EventPartitions } from '../src/modules/customers/event-partitions.ts';
import { createCustomerProfiles } from '../src/modules/customers/profile-pipeline.ts';
import { runSegmentRecompute } from '../src/modules/customers/recompute-jobs.ts';
import { benchConfig, createBenchDatabase, openBenchServer } from './bench-database.ts';
import { cpuSeconds, startProfile, withDescendants } from './cpu-usage.ts';
import { runJsonScript } from './http-load.ts';

const day = 86_400_000;
const cities = ['上海', '北京', '广州', '深圳', '杭州', '成都', '南京', '武汉'];

/** Streams generated COPY text into a table, a chunk at a time, with backpressure; reports rows written. */
async function copyRows(db: Database, sqlText: string, from: number, to: number, make: (i: number) => string, onRows: (n: number) => void): Promise<void> {
  const client = await db.pool.connect();
  try {
    const stream = client.query(copyFrom(sqlText));
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    const write = (chunk: string) => new Promise<void>((resolve) => (stream.write(chunk) ? resolve() : stream.once('drain', resolve)));
    let buf = '';
    let pending = 0;
    for (let i = from; i < to; i++) {
      buf += make(i);
      pending++;
      if (buf.length > 1 << 20) {
        await write(buf);
        onRows(pending);
        buf = '';
        pending = 0;
      }
    }
    if (buf) await write(buf);
    onRows(pending);
    stream.end();
    await done;
  } finally {
    client.release();
  }
}

/** Copies rows with `streams` COPYs in parallel (both cores busy: one generates while the other parses), with one progress bar. */
async function copyAll(db: Database, sqlText: string, rows: number, make: (i: number, rnd: () => number) => string, label: string, streams = 2): Promise<void> {
  const bar = progressBar(label);
  let done = 0;
  const per = Math.ceil(rows / streams);
  await Promise.all(
    Array.from({ length: streams }, (_, s) => {
      const rnd = random(42 + s);
      return copyRows(
        db,
        sqlText,
        s * per,
        Math.min(rows, (s + 1) * per),
        (i) => make(i, rnd),
        (n) => {
          done += n;
          bar.update(done, rows);
        },
      );
    }),
  );
  bar.stop();
}

/** A deterministic pseudo-random number generator (mulberry32), so every run loads the same data. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pid = (k: number) => `prf_b${k.toString(36).padStart(8, '0')}`;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : 0;
};

/** Runs bench/segments-senders.mjs in its own process; answers what it sent, when each 200 arrived (epoch ms) and its CPU time. */
function runSenders(opts: { url: string; writeKey: string; connections: number; durationMs: number; profiles: number; seed: number; prefix: string }) {
  return runJsonScript<{ sent: number; acked: [string, number][]; cpuSeconds: number }>('segments-senders.mjs', [JSON.stringify(opts)], 'the senders');
}

/** Loads profiles, their user ids and their events with COPY, straight into the tables. */
export async function generate(db: Database, tenantId: string, storeIds: string[], profiles: number, events: number, now: number): Promise<void> {
  const iso = (ms: number) => new Date(ms).toISOString();
  await copyAll(
    db,
    'COPY profiles (id, tenant_id, first_seen_at, last_seen_at, identifier_counts, traits, trait_times) FROM STDIN',
    profiles,
    (k) =>
      `${pid(k)}\t${tenantId}\t${iso(now - 365 * day)}\t${iso(now - day)}\t{"user_id": 1}\t{"city": "${cities[k % cities.length]}", "tier": "${k % 10 === 0 ? 'gold' : 'basic'}"}\t{}\n`,
    `profiles (${profiles.toLocaleString('en')})`,
  );
  await copyAll(
    db,
    'COPY profile_identifiers (tenant_id, type, value, profile_id, claimed_at) FROM STDIN',
    profiles,
    (k) => `${tenantId}\tuser_id\tbu${k}\t${pid(k)}\t${iso(now - 365 * day)}\n`,
    'identifiers',
  );
  const perProfile = Math.max(1, Math.round(events / profiles));
  const columns =
    'profile_id, tenant_id, message_id, source_id, channel, store_id, type, user_id, anonymous_id, event, previous_id, group_id, ts, received_at, original_timestamp, sent_at, properties, traits, context';
  await copyAll(
    db,
    `COPY customer_events (${columns}) FROM STDIN`,
    profiles * perProfile,
    (i, rnd) => {
      const k = Math.floor(i / perProfile);
      const j = i % perProfile;
      const ts = iso(now - Math.floor(rnd() * 365 * day));
      const order = j < 2 && rnd() < 0.9;
      const store = order && rnd() < 0.5 ? storeIds[k % storeIds.length] : '\\N';
      const kind = order ? `track\tbu${k}\t\\N\tOrder Completed` : j < 4 ? `page\tbu${k}\t\\N\tHome` : `track\tbu${k}\t\\N\tProduct Viewed`;
      const props = order ? `{"total": ${Math.floor(rnd() * 5000) + 10}}` : `{"category": "${cities[j % 8] === '上海' ? 'tv' : 'fridge'}"}`;
      return `${pid(k)}\t${tenantId}\tb${k}-${j}\tsrc_bench\t${order && store !== '\\N' ? 'pos' : 'web'}\t${store}\t${kind}\t\\N\t\\N\t${ts}\t${ts}\t\\N\t\\N\t${props}\t{}\t{}\n`;
    },
    `events (${(profiles * perProfile).toLocaleString('en')})`,
  );
}

/**
 * Where (a)'s time goes, as the mean ms of each stage over all events and over the slowest 2 %: from the ack to the
 * pipeline's hand-off (negative: handed off before the ack), waiting for the run before, then each stage of the run.
 */
function stageBreakdown(
  acked: Map<string, number>,
  handedOff: Map<string, number>,
  runOf: Map<string, [string, number][]>,
  done: Map<string, number>,
): string[] {
  const rows: { total: number; parts: Map<string, number> }[] = [];
  for (const [m, ack] of acked) {
    const run = runOf.get(m);
    const handed = handedOff.get(m);
    const end = done.get(m);
    if (!run || handed === undefined || end === undefined || run[0]?.[0] !== 'start') continue;
    const parts = new Map<string, number>([
      ['handoff', handed - ack],
      ['queued', run[0][1] - Math.max(handed, ack)],
    ]);
    for (let k = 1; k < run.length; k++) parts.set(run[k][0], (parts.get(run[k][0]) ?? 0) + run[k][1] - run[k - 1][1]);
    rows.push({ total: end - ack, parts });
  }
  if (rows.length === 0) return [];
  rows.sort((a, b) => a.total - b.total);
  const stages = [...new Set(rows.flatMap((r) => [...r.parts.keys()]))];
  const mean = (rs: typeof rows, stage: string) => rs.reduce((n, r) => n + (r.parts.get(stage) ?? 0), 0) / rs.length;
  const slow = rows.slice(Math.floor(rows.length * 0.98));
  const line = (label: string, rs: typeof rows) =>
    `  ${label} ${stages.map((st) => `${st} ${mean(rs, st).toFixed(1)}`).join('  ')}  (total ${(rs.reduce((n, r) => n + r.total, 0) / rs.length).toFixed(1)})`;
  return ['  stages, mean ms:', line('all        ', rows), line('slowest 2 %', slow)];
}

/** `storeos bench segments`: membership latency after an acknowledged event, and a full 30-day segment recompute, each with its baseline. */
export async function runBench(o: { duration: number; connections: number; profiles?: number; events?: number }): Promise<void> {
  const nProfiles = o.profiles ?? 1_000_000;
  const nEvents = o.events ?? 20_000_000;
  const { config, log } = benchConfig();
  const server = await openBenchServer('segments', config, log);
  const bench = await createBenchDatabase(server.url, 'segments', config.dbPoolSize).catch(async (err) => {
    await server.stop();
    throw err;
  });
  const { db } = bench;
  // Minutes of COPY on a busy 2-core machine can make a new connection slow to open; waiting beats failing the run.
  db.pool.options.connectionTimeoutMillis = 120_000;
  const cleanups: (() => Promise<unknown>)[] = [];
  const loadBefore = os.loadavg()[0];
  try {
    const { tenantId } = await seedDemo(db, { stores: 50, slug: 'bench' });
    const storeIds = (await db.pool.query<{ id: string }>('SELECT id FROM stores WHERE tenant_id = $1 ORDER BY code', [tenantId])).rows.map((r) => r.id);
    const now = Date.now();
    await new EventPartitions(db.pool).ensure(Array.from({ length: 14 }, (_, m) => now - m * 30 * day));
    const started = Date.now();
    await generate(db, tenantId, storeIds, nProfiles, nEvents, now);
    const loadS = (Date.now() - started) / 1000;
    // A year of history is long vacuumed in a real database: without this, autovacuum works through the freshly
    // copied tables (and a checkpoint writes them out) during the measurement.
    const vacuum0 = Date.now();
    await db.pool.query('VACUUM (ANALYZE)');
    const vacuumS = (Date.now() - vacuum0) / 1000;

    const metrics = createMetrics();
    const deps = { db, config, log, metrics };
    // When each event's changes are committed, for (a).
    const done = new Map<string, number>();
    // Where the time of (a) goes: when each event was handed to the pipeline, and the stages of the run that applied it.
    const handedOff = new Map<string, number>();
    let run: [string, number][] = [];
    const runOf = new Map<string, [string, number][]>();
    const profiles = createCustomerProfiles(deps, {
      onApplied: (events) => {
        const at = performance.now();
        for (const e of events) {
          done.set(e.messageId, at);
          runOf.set(e.messageId, run);
        }
      },
    });
    const definitions: [string, unknown][] = [
      ['Bought in the last 30 days', { type: 'event', event: 'Order Completed', withinDays: 30 }],
      ['Lapsed: bought before, not in 90 days', { type: 'event', event: 'Order Completed', notWithinDays: 90 }],
      [
        'Gold tier in 上海',
        {
          type: 'and',
          conditions: [
            { type: 'trait', trait: 'tier', op: 'eq', value: 'gold' },
            { type: 'trait', trait: 'city', op: 'eq', value: '上海' },
          ],
        },
      ],
      ['Viewed 3+ products in 7 days', { type: 'event', event: 'Product Viewed', count: { op: 'gte', value: 3 }, withinDays: 7 }],
    ];
    const ids: string[] = [];
    for (const [k, [name, def]] of definitions.entries()) {
      ids.push(`seg_bench${k}`);
      await db.pool.query(`INSERT INTO segments (id, tenant_id, name, definition, created_by) VALUES ($1, $2, $3, $4::jsonb, 'bench')`, [
        `seg_bench${k}`,
        tenantId,
        name,
        JSON.stringify(def),
      ]);
    }
    // (b) the first full computation of the 30-day segment: every entry, history row, outbox event and timer written.
    const b0 = Date.now();
    const full = await runSegmentRecompute(profiles.rt, profiles.queue, tenantId, ids[0]);
    const recomputeS = (Date.now() - b0) / 1000;
    const base0 = Date.now();
    const bare = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT DISTINCT profile_id FROM customer_events WHERE tenant_id = $1 AND event = 'Order Completed' AND ts > now() - interval '30 days') x`,
      [tenantId],
    );
    const baselineS = (Date.now() - base0) / 1000;
    const again0 = Date.now();
    await runSegmentRecompute(profiles.rt, profiles.queue, tenantId, ids[0]);
    const againS = (Date.now() - again0) / 1000;
    for (const id of ids.slice(1)) await runSegmentRecompute(profiles.rt, profiles.queue, tenantId, id);
    await db.pool.query(`DELETE FROM outbox`);
    await db.pool.query('VACUUM (ANALYZE)');
    await db.pool.query('CHECKPOINT');

    // (a) events through the real collection API; the time from its 200 to the membership change being committed.
    await profiles.start();
    profiles.rt.trace = (stage) => {
      if (stage === 'start') run = [];
      run.push([stage, performance.now()]);
    };
    const pipeline: ProfilePipeline = {
      onCommitted(tenantId, events) {
        const at = performance.now();
        for (const e of events) handedOff.set(e.messageId, at);
        return profiles.pipeline.onCommitted(tenantId, events);
      },
    };
    const collection = createCollection(deps, { resolver: profiles.resolver, pipeline, guard: profiles.guard });
    await collection.start();
    cleanups.push(() => collection.stop());
    const app = await buildApp(deps, { collection, profiles });
    await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.unshift(() => app.close());
    const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const source = await createSource({ db, actor: systemActor(tenantId, 'bench', 'bench'), meta: {} }, { name: 'bench pos', channel: 'pos', rateLimit: 0 });
    const rnd = random(7);
    const send = (prefix: string, seconds: number, seed: number) =>
      runSenders({ url: appUrl, writeKey: source.writeKey, connections: o.connections, durationMs: seconds * 1000, profiles: nProfiles, seed, prefix });
    // A warm-up first, not counted: the JIT compiles the server's ingest and pipeline code, and the pool opens its connections.
    await send('warm', 3, 11);
    await collection.drain();
    await profiles.idle();
    await db.pool.query(`DELETE FROM outbox`);
    // CPU time of (a): this process (the server), the senders' process and PostgreSQL's processes.
    const postmaster = server.postmasterPid();
    const pgCpu = () => cpuSeconds(() => (postmaster ? withDescendants(postmaster) : []));
    // STOREOS_BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of this process during (a) into <dir>.
    const profiler = process.env.STOREOS_BENCH_CPU_PROFILE ? await startProfile('segments') : undefined;
    const cpu0 = { own: process.cpuUsage(), pg: pgCpu() };
    const senders = await send('rt', o.duration, 7);
    // The senders' clock is the epoch in ms; this process's marks are performance.now().
    const acked = new Map(senders.acked.map(([m, at]) => [m, at - performance.timeOrigin]));
    const sent = senders.sent;
    await collection.drain();
    await profiles.idle();
    const ownCpu = process.cpuUsage(cpu0.own);
    if (profiler) await profiler.stop(process.env.STOREOS_BENCH_CPU_PROFILE as string);
    const perEvent = (seconds: number) => (seconds * 1000) / Math.max(1, acked.size);
    const cpuMs = { node: perEvent((ownCpu.user + ownCpu.system) / 1e6), senders: perEvent(senders.cpuSeconds), pg: perEvent(pgCpu() - cpu0.pg) };
    const latencies = [...acked].map(([m, at]) => Math.max(0, (done.get(m) ?? Number.NaN) - at)).filter((x) => !Number.isNaN(x));
    const breakdown = stageBreakdown(acked, handedOff, runOf, done);
    const entered = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE topic = 'segment.entered' AND payload->>'segmentId' = $1`, [
      ids[0],
    ]);

    // Baseline for (a): the event row and the member row written by plain SQL in one transaction, same concurrency.
    const bareLat: number[] = [];
    const bareUntil = Date.now() + Math.min(o.duration, 5) * 1000;
    await Promise.all(
      Array.from({ length: o.connections }, async (_, c) => {
        const client = await db.pool.connect();
        try {
          for (let n = 0; Date.now() < bareUntil; n++) {
            const k = Math.floor(rnd() * nProfiles);
            const t0 = performance.now();
            await client.query('BEGIN');
            await client.query(
              `INSERT INTO customer_events (profile_id, tenant_id, message_id, source_id, channel, type, user_id, event, ts, received_at, properties, traits, context)
               VALUES ($1, $2, $3, 'src_bare', 'pos', 'track', $4, 'Order Completed', now(), now(), '{"total": 99}', '{}', '{}')`,
              [pid(k), tenantId, `bare-${c}-${n}`, `bu${k}`],
            );
            await client.query(
              `INSERT INTO segment_members (segment_id, profile_id, tenant_id, entered_at) VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING`,
              [ids[0], pid(k), tenantId],
            );
            await client.query('COMMIT');
            bareLat.push(performance.now() - t0);
          }
        } finally {
          client.release();
        }
      }),
    );

    const p99 = pct(latencies, 99);
    const lines = [
      `storeos bench segments — ${nProfiles.toLocaleString('en')} profiles, ${(Math.round(nEvents / nProfiles) * nProfiles).toLocaleString('en')} events, ${os.cpus().length} cores, load average ${loadBefore.toFixed(1)} at start, ${os.loadavg()[0].toFixed(1)} at end`,
      `  generated with COPY in ${loadS.toFixed(0)} s, vacuumed in ${vacuumS.toFixed(0)} s`,
      '',
      `(a) membership change after the event is acknowledged (POST /v1/track → member row and segment.entered committed), ${o.connections} senders, ${o.duration} s`,
      `  platform  p50 ${pct(latencies, 50).toFixed(1)} ms  p99 ${p99.toFixed(1)} ms  over ${latencies.length} events (${sent} sent, ${entered.rows[0].n} entries), ${p99 <= 50 ? 'meets' : 'misses'} the 50 ms goal`,
      `  baseline  p50 ${pct(bareLat, 50).toFixed(1)} ms  p99 ${pct(bareLat, 99).toFixed(1)} ms  (plain INSERT of the event and the member row in one transaction, no platform)`,
      `  CPU per acknowledged event: ${cpuMs.node.toFixed(2)} ms the server, ${cpuMs.senders.toFixed(2)} ms the senders' process, ${postmaster ? `${cpuMs.pg.toFixed(2)} ms PostgreSQL` : 'PostgreSQL not measured (DATABASE_URL)'}`,
      ...breakdown,
      '',
      `(b) full recompute of "Bought in the last 30 days" (${full?.entered ?? 0} members entered, 4 segments defined)`,
      `  platform  ${recomputeS.toFixed(2)} s first computation (members, history, outbox events, timers), ${againS.toFixed(2)} s recomputing unchanged, ${recomputeS <= 10 ? 'meets' : 'misses'} the 10 s goal`,
      `  baseline  ${baselineS.toFixed(2)} s  (the same selection as one plain SQL statement: ${bare.rows[0].n} profiles)`,
    ];
    process.stdout.write(`\n${lines.join('\n')}\n`);
    cleanups.push(() => profiles.stop());
  } finally {
    for (const c of cleanups) await c().catch(() => {});
    await bench.drop();
    await server.stop();
  }
}
