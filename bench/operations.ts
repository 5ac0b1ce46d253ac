import { runLoad } from './http-load.ts';
import os from 'node:os';
import Fastify from 'fastify';
import type pg from 'pg';
import { buildApp } from '../src/app.ts';
import { progressBar } from '../src/commands/progress.ts';
import { demoPassword, seedDemo } from '../src/commands/seed-demo.ts';
import { createMetrics } from '../src/kernel/metrics.ts';
import { seedBenchWorkOrders } from '../src/modules/maintenance/index.ts';
import { boardSql } from '../src/modules/operations/tasks.ts';
import { benchConfig, createBenchDatabase, openBenchServer } from './bench-database.ts';
import { seedTaskInstances } from './operations-seed.ts';

// The SQL the platform's board and compliance routes run (src/modules/operations/tasks.ts, reports.ts), without the platform.
const complianceSql = `WITH st AS (
    SELECT store_id, sum(total) AS total, sum(completed) AS completed, sum(on_time) AS on_time, sum(overdue) AS overdue, sum(expired) AS expired
    FROM task_store_day_stats WHERE tenant_id = $1 AND day BETWEEN $2::date AND $3::date GROUP BY store_id)
  SELECT p.id, p.code, p.name, sum(st.total)::int AS total, sum(st.completed)::int AS completed, sum(st.on_time)::int AS "onTime",
    sum(st.overdue)::int AS overdue, sum(st.expired)::int AS expired
  FROM st JOIN stores s ON s.id = st.store_id JOIN org_units p ON p.id = s.parent_org_unit_id
  WHERE s.org_path LIKE $4
  GROUP BY 1, 2, 3 HAVING sum(st.total) > 0 ORDER BY sum(st.completed)::float8 / sum(st.total), 2 LIMIT 500`;

/** Runs a query once under EXPLAIN ANALYZE: its execution time and the access paths it took. */
async function explain(db: { pool: pg.Pool }, text: string, params: unknown[]): Promise<string> {
  const r = await db.pool.query<{ 'QUERY PLAN': [{ 'Execution Time': number; Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, params);
  const [top] = r.rows[0]['QUERY PLAN'];
  const scans: string[] = [];
  const walk = (n: PlanNode) => {
    if (n['Node Type'].includes('Scan')) scans.push(`${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : ''} on ${n['Relation Name']}`);
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(top.Plan);
  return `${top['Execution Time'].toFixed(1)} ms  (${scans.join('; ')})`;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `storeos bench operations`: fan-out of one task to 4,000 stores, then board and compliance-report latency over 1,000,000 tasks, each against its bare-SQL baseline. */
export async function runBench(o: { duration: number; connections: number; tasks?: number; workOrders?: number }): Promise<void> {
  const nTasks = o.tasks ?? 1_000_000;
  const nWorkOrders = o.workOrders ?? 200_000;
  const { config, log } = benchConfig();
  const server = await openBenchServer('operations', config, log);
  const bench = await createBenchDatabase(server.url, 'ops', config.dbPoolSize).catch(async (err) => {
    await server.stop();
    throw err;
  });
  const { db } = bench;
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const bar = progressBar('seeding 4,000 stores');
    const { tenantId } = await seedDemo(db, { stores: 4000, slug: 'bench', onProgress: bar.update });
    bar.stop();
    const root = (await db.pool.query<{ id: string; path: string }>('SELECT id, path FROM org_units WHERE tenant_id = $1 AND parent_id IS NULL', [tenantId]))
      .rows[0];
    const storeIds = (await db.pool.query<{ id: string }>('SELECT id FROM stores WHERE tenant_id = $1 ORDER BY code', [tenantId])).rows.map((r) => r.id);

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
    const csrf = ((await signIn.json()) as { csrfToken: string }).csrfToken;
    const post = async (p: string, body: object) => {
      const res = await fetch(`${platformUrl}${p}`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`${p}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const template = await post('/api/v1/task-templates', {
      orgUnitId: root.id,
      name: 'Price label check',
      definition: {
        estimatedMinutes: 20,
        approval: 'store_manager',
        items: [
          { key: 'ok', label: 'Labels right', type: 'checkbox' },
          { key: 'photo', label: 'Shelf photo', type: 'photo' },
        ],
      },
    });
    const target = { orgUnitId: root.id, statuses: ['planned', 'opening', 'open', 'temporarily_closed', 'closed'] };

    // Fan-out: one send to every store through the API (validation, load guard, audit, event), against the bare INSERT … SELECT.
    const platformRuns: number[] = [];
    const bareRuns: number[] = [];
    let fanned = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = process.hrtime.bigint();
      const sent = await post('/api/v1/task-sends', {
        templateId: template.id,
        target,
        role: 'store_manager',
        dueLocal: `2026-12-0${i + 1}T18:00`,
        acknowledgeLoad: true,
      });
      platformRuns.push(ms(t0));
      fanned = Number(sent.instanceCount);
      const t1 = process.hrtime.bigint();
      await db.pool.query(
        `INSERT INTO task_instances (id, tenant_id, send_id, template_id, template_version, store_id, role, title, status, approval, occurrence, opens_at, due_at, due_date, expires_at, estimated_minutes)
         SELECT 'tsk_' || substr(md5(random()::text || s.id), 1, 16), s.tenant_id, $2, $3, 1, s.id, 'store_manager', 'Bare', 'open', 'store_manager', $4::timestamp,
           now(), $4::timestamp AT TIME ZONE s.time_zone, $4::date, ($4::timestamp + interval '7 days') AT TIME ZONE s.time_zone, 20
         FROM stores s WHERE s.tenant_id = $1 AND s.org_path LIKE $5`,
        [tenantId, `tsd_bare${i}`, template.id, `2026-12-0${i + 1}T18:00`, `${root.path}%`],
      );
      bareRuns.push(ms(t1));
    }

    await seedTaskInstances(db, { tenantId, templateId: String(template.id), storeIds, count: nTasks, now: new Date() });
    if (nWorkOrders > 0) {
      const woBar = progressBar(`work orders (${nWorkOrders.toLocaleString('en')})`);
      await seedBenchWorkOrders(db, { tenantId, count: nWorkOrders, onProgress: woBar.update });
      woBar.stop();
    }
    await db.pool.query('VACUUM ANALYZE');
    const counts = (await db.pool.query<{ t: number }>('SELECT count(*)::int AS t FROM task_instances')).rows[0];

    // One quiet execution of each query, timed by PostgreSQL itself: the query's own cost, apart from queueing.
    const to0 = new Date().toISOString().slice(0, 10);
    const from0 = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    const boardParams = (storeId: string) => [tenantId, storeId, false, [], [], ''];
    const plans = [await explain(db, boardSql, boardParams(storeIds[17])), await explain(db, complianceSql, [tenantId, from0, to0, `${root.path}%`])];
    const bare = Fastify({ logger: false });
    bare.get<{ Params: { id: string } }>('/board/:id', async (req) => {
      const rows = (await db.pool.query({ name: 'bench_board', text: boardSql, values: boardParams(req.params.id) })).rows;
      return { store: { id: req.params.id, code: rows[0].storeCode, name: rows[0].storeName, timeZone: rows[0].timeZone }, data: rows };
    });
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    bare.get('/compliance', async () => ({ data: (await db.pool.query(complianceSql, [tenantId, from, to, `${root.path}%`])).rows }));
    await bare.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => bare.close());
    const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;

    const sample = storeIds.filter((_, i) => i % 20 === 0);
    const reportConnections = Math.min(2, o.connections);
    const cases = [
      {
        name: 'GET /api/v1/stores/{id}/tasks (today board, 200 stores)',
        goal: 50,
        connections: o.connections,
        platform: sample.map((id) => `/api/v1/stores/${id}/tasks?view=all`),
        baseline: sample.map((id) => `/board/${id}`),
      },
      {
        name: `GET /api/v1/operations/reports/compliance (HQ, by region, 30 days)`,
        goal: 500,
        connections: reportConnections,
        platform: [`/api/v1/operations/reports/compliance?groupBy=region&from=${from}&to=${to}`],
        baseline: ['/compliance'],
      },
    ];
    const rows: string[] = [
      `single execution in PostgreSQL (EXPLAIN ANALYZE):\n  board       ${plans[0]}\n  compliance  ${plans[1]}`,
      'fan-out of one task to 4,000 stores (median of 3)\n' +
        `  platform  ${median(platformRuns).toFixed(0)} ms  (POST /api/v1/task-sends: ${fanned} tasks, load guard, audit, event; runs ${platformRuns.map((x) => x.toFixed(0)).join(', ')} ms)\n` +
        `  baseline  ${median(bareRuns).toFixed(0)} ms  (the bare INSERT … SELECT, rollup triggers included)\n` +
        `  ${median(platformRuns) <= 2000 ? 'meets' : 'misses'} the 2 s goal`,
    ];
    for (const c of cases) {
      await runLoad({ url: platformUrl, connections: c.connections, duration: 2, headers: { cookie }, paths: c.platform });
      await runLoad({ url: bareUrl, connections: c.connections, duration: 2, headers: {}, paths: c.baseline });
      const p = await runLoad({ url: platformUrl, connections: c.connections, duration: o.duration, headers: { cookie }, paths: c.platform });
      const b = await runLoad({ url: bareUrl, connections: c.connections, duration: o.duration, headers: {}, paths: c.baseline });
      const bad = p.errors + p.non2xx + p.timeouts;
      rows.push(
        `${c.name}, concurrency ${c.connections}\n` +
          `  platform  p50 ${p.p50.toFixed(1)} ms  p99 ${p.p99.toFixed(1)} ms  ${p.rps.toFixed(0)} req/s${bad ? `  (${bad} failed)` : ''}\n` +
          `  baseline  p50 ${b.p50.toFixed(1)} ms  p99 ${b.p99.toFixed(1)} ms  ${b.rps.toFixed(0)} req/s  (bare Fastify, same SQL)\n` +
          `  p99 ${p.p99 <= c.goal ? 'meets' : 'misses'} the ${c.goal} ms goal`,
      );
    }
    process.stdout.write(
      `\nstoreos bench operations — ${counts.t.toLocaleString('en')} task instances, ${nWorkOrders.toLocaleString('en')} work orders, 4,000 stores, ${o.duration} s per run, ${os.cpus().length} cores\n\n${rows.join('\n\n')}\n`,
    );
  } finally {
    for (const c of cleanups) await c().catch(() => {});
    await bench.drop();
    await server.stop();
  }
}
