import { type Load, runLoad } from './http-load.ts';
import os from 'node:os';
import Fastify from 'fastify';
import { buildApp } from '../src/app.ts';
import { progressBar } from '../src/commands/progress.ts';
import { demoPassword, seedDemo } from '../src/commands/seed-demo.ts';
import { createMetrics } from '../src/kernel/metrics.ts';
import { hashPassword } from '../src/kernel/passwords.ts';
import { insertUser, orgUnits, tenants } from '../src/modules/org/index.ts';
import { stores } from '../src/modules/stores/index.ts';
import { and, eq } from 'drizzle-orm';
import { isoTimestampTypes } from '../src/kernel/db.ts';
import { benchConfig, createBenchDatabase, openBenchServer } from './bench-database.ts';
import { cpuMeter, startProfile } from './cpu-usage.ts';

// The same SQL the platform's store routes run (see src/modules/stores/service.ts), without the platform around it.
const listSql = `SELECT s.id, s.org_unit_id, s.parent_org_unit_id, p.name AS parent_name, s.code, s.name, s.name_en, s.status, s.format, s.city,
  s.address, s.latitude, s.longitude, s.time_zone, s.floor_area, s.phone, s.created_at, s.updated_at
  FROM stores s JOIN org_units p ON p.id = s.parent_org_unit_id
  WHERE s.tenant_id = $1 AND s.org_path LIKE $2 ORDER BY s.code LIMIT $3`;
const detailSql = `SELECT s.id, s.org_unit_id, s.parent_org_unit_id, p.name AS parent_name, s.code, s.name, s.name_en, s.status, s.format, s.city,
  s.address, s.latitude, s.longitude, s.time_zone, s.floor_area, s.phone, s.created_at, s.updated_at, s.org_path, s.weekly_hours,
  COALESCE((SELECT json_agg(json_build_object('id', h.id, 'startDate', h.start_date, 'endDate', h.end_date, 'closed', h.closed, 'opens', h.opens,
    'closes', h.closes, 'note', h.note) ORDER BY h.start_date) FROM store_special_hours h WHERE h.store_id = s.id), '[]') AS special_hours,
  COALESCE((SELECT json_agg(json_build_object('id', z.id, 'name', z.name, 'kind', z.kind, 'floorArea', z.floor_area) ORDER BY z.name)
    FROM store_zones z WHERE z.store_id = s.id), '[]') AS zones
  FROM stores s JOIN org_units p ON p.id = s.parent_org_unit_id WHERE s.tenant_id = $1 AND s.id = $2`;

/** `storeos bench api`: store list and detail through the platform against a bare Fastify route running the same SQL. */
export async function runBench(o: { duration: number; connections: number }): Promise<void> {
  const { config, log } = benchConfig();
  const server = await openBenchServer('api', config, log);
  const bench = await createBenchDatabase(server.url, 'api', config.dbPoolSize).catch(async (err) => {
    await server.stop();
    throw err;
  });
  const { db } = bench;
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const started = Date.now();
    const bar = progressBar('seeding 4,000 stores');
    await seedDemo(db, { stores: 4000, slug: 'bench', onProgress: bar.update });
    bar.stop();
    const [tenant] = await db.orm.select().from(tenants).where(eq(tenants.slug, 'bench'));
    const units = await db.orm
      .select()
      .from(orgUnits)
      .where(and(eq(orgUnits.tenantId, tenant.id), eq(orgUnits.kind, 'store')));
    const hash = await hashPassword(demoPassword);
    for (let i = 0; i < 192; i++) {
      const unit = units[(i * 17) % units.length];
      await insertUser(db.orm, tenant.id, {
        email: `bench.user${i}@bench.storeos.dev`,
        name: `Bench ${i}`,
        passwordHash: hash,
        role: i % 4 === 0 ? 'associate' : 'store_manager',
        orgUnitId: unit.id,
      });
    }
    await db.pool.query('ANALYZE');
    process.stdout.write(`seeded 4,000 stores and 200 users in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

    const app = await buildApp({ db, config, log, metrics: createMetrics() });
    await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => app.close());
    const platformUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const signIn = await fetch(`${platformUrl}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@demo.storeos.dev', password: demoPassword, tenant: 'bench' }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];

    const root = (
      await db.orm
        .select()
        .from(orgUnits)
        .where(and(eq(orgUnits.tenantId, tenant.id), eq(orgUnits.depth, 0)))
    )[0];
    const bare = Fastify({ logger: false });
    // Its timestamps parsed to ISO strings as the platform's list parses them (see queryPrepared's isoTimestamps).
    bare.get('/stores', async () => ({
      data: (await db.pool.query({ name: 'list', text: listSql, values: [tenant.id, `${root.path}%`, 51], types: isoTimestampTypes })).rows.slice(0, 50),
    }));
    bare.get<{ Params: { id: string } }>(
      '/stores/:id',
      async (req) => (await db.pool.query({ name: 'detail', text: detailSql, values: [tenant.id, req.params.id] })).rows[0],
    );
    await bare.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => bare.close());
    const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;

    const ids = (await db.orm.select({ id: stores.id }).from(stores).where(eq(stores.tenantId, tenant.id)).limit(200)).map((r) => r.id);
    const cases = [
      { name: 'GET /api/v1/stores (list, 50 of 4,000)', platform: ['/api/v1/stores?limit=50'], baseline: ['/stores'] },
      { name: 'GET /api/v1/stores/{id} (detail)', platform: ids.map((id) => `/api/v1/stores/${id}`), baseline: ids.map((id) => `/stores/${id}`) },
    ];
    // Where the cores go per request: this process (the server under test: the platform or the bare route, never
    // both at once), PostgreSQL's processes, and the load generator (an exited child's CPU time is added to its
    // parent's, so it is this process's total less its own).
    const postmaster = server.postmasterPid();
    const measured = async (run: () => Promise<Load>) => {
      const meter = cpuMeter(postmaster);
      const load = await run();
      const used = meter.used();
      const perRequest = (seconds: number) => ((seconds / Math.max(1, load.requests)) * 1e6).toFixed(0);
      const cpu = `CPU µs per request: server ${perRequest(used.server)}, postgres ${postmaster ? perRequest(used.postgres) : '(external)'}, load generator ${perRequest(used.loader)}`;
      return { ...load, cpu };
    };
    const rows: string[] = [];
    for (const c of cases) {
      // A short warm-up of each side first: JIT and the connection pool, not the figure.
      await runLoad({ url: platformUrl, connections: o.connections, duration: 2, headers: { cookie }, paths: c.platform });
      await runLoad({ url: bareUrl, connections: o.connections, duration: 2, headers: {}, paths: c.baseline });
      // STOREOS_BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of the platform's measured run of each case into <dir>.
      const profiler = process.env.STOREOS_BENCH_CPU_PROFILE ? await startProfile('api') : undefined;
      const p = await measured(() => runLoad({ url: platformUrl, connections: o.connections, duration: o.duration, headers: { cookie }, paths: c.platform }));
      if (profiler) await profiler.stop(process.env.STOREOS_BENCH_CPU_PROFILE as string);
      const b = await measured(() => runLoad({ url: bareUrl, connections: o.connections, duration: o.duration, headers: {}, paths: c.baseline }));
      const ratio = (p.rps / b.rps) * 100;
      const bad = p.errors + p.non2xx + p.timeouts;
      rows.push(
        `${c.name}\n` +
          `  platform  p50 ${p.p50.toFixed(1)} ms  p99 ${p.p99.toFixed(1)} ms  ${p.rps.toFixed(0)} req/s${bad ? `  (${bad} failed)` : ''}\n` +
          `            ${p.cpu}\n` +
          `  baseline  p50 ${b.p50.toFixed(1)} ms  p99 ${b.p99.toFixed(1)} ms  ${b.rps.toFixed(0)} req/s  (bare Fastify, same SQL)${b.errors + b.non2xx + b.timeouts ? `  (${b.errors + b.non2xx + b.timeouts} failed)` : ''}\n` +
          `            ${b.cpu}\n` +
          `  throughput ${ratio.toFixed(0)}% of baseline (goal ≥ 70%), p99 ${p.p99 <= 20 ? 'meets' : 'misses'} the 20 ms goal`,
      );
    }
    process.stdout.write(`\nstoreos bench api — concurrency ${o.connections}, ${o.duration} s per run, ${os.cpus().length} cores\n\n${rows.join('\n\n')}\n`);
  } finally {
    for (const c of cleanups) await c().catch(() => {});
    await bench.drop();
    await server.stop();
  }
}
