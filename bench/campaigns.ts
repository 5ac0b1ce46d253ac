import os from 'node:os';
import { seedDemo } from '../src/commands/seed-demo.ts';
import { createMetrics } from '../src/kernel/metrics.ts';
import { createMarketing } from '../src/modules/marketing/index.ts';
import { SinkAdapter } from '../src/modules/marketing/channels/sink.ts';
import { checkTemplate, compileTemplate } from '../src/modules/marketing/template-language.ts';
import { benchConfig, createBenchDatabase, openBenchServer } from './bench-database.ts';
import { cpuSeconds, withDescendants } from './cpu-usage.ts';
import { runJourneyBench } from './journeys.ts';

const body = '{{ traits.name | default: "朋友" }}，{{ store.name }} 今天 {{ store.hours_today }} 营业，冰箱保养季 https://shop.example.com/fridges';

/**
 * `storeos bench campaigns`: a segment of `--profiles` people (1,000,000 by default; 90 % consented, 10 % held out)
 * sent through the sink adapter by the real send loop — planned in one statement, claimed, consent- and cap-checked,
 * personalised (traits, preferred store with today's hours), link-tracked and handed over. The figure: messages
 * handed over per second, with the CPU each message cost this process and PostgreSQL. The baseline, in the same run:
 * rendering and handing the same number to a sink in memory, with no database (the ceiling the loop approaches).
 */
export async function runBench(o: { profiles?: number }): Promise<void> {
  const n = o.profiles ?? 1_000_000;
  const { config, log } = benchConfig();
  const server = await openBenchServer('campaigns', config, log);
  const bench = await createBenchDatabase(server.url, 'campaigns', config.dbPoolSize).catch(async (err) => {
    await server.stop();
    throw err;
  });
  const { db } = bench;
  db.pool.options.connectionTimeoutMillis = 120_000;
  try {
    const { tenantId } = await seedDemo(db, { stores: 50, slug: 'bench' });
    const q = (text: string, values: unknown[] = []) => db.pool.query(text, values);
    const t0 = Date.now();
    // People, their phones, consent (90 %) and one segment holding them all, generated in SQL.
    await q(
      `INSERT INTO profiles (id, tenant_id, first_seen_at, last_seen_at, traits, preferred_store_id)
       SELECT 'prf_b' || g, $1, now(), now(), CASE WHEN g % 3 = 0 THEN '{}'::jsonb ELSE jsonb_build_object('name', '客户' || g) END,
         (SELECT id FROM stores WHERE tenant_id = $1 ORDER BY code OFFSET (g % 50) LIMIT 1)
       FROM generate_series(1, $2) g`,
      [tenantId, n],
    );
    await q(
      `INSERT INTO profile_identifiers (tenant_id, type, value, profile_id, claimed_at) SELECT $1, 'phone', '+86139' || lpad(g::text, 8, '0'), 'prf_b' || g, now() FROM generate_series(1, $2) g`,
      [tenantId, n],
    );
    await q(
      `INSERT INTO consents (tenant_id, profile_id, purpose, channel, granted, source, at) SELECT $1, 'prf_b' || g, 'marketing', '*', true, 'bench', now() FROM generate_series(1, $2) g WHERE g % 10 <> 0`,
      [tenantId, n],
    );
    await q(
      `INSERT INTO segments (id, tenant_id, name, definition, status, member_count, created_by) VALUES ('seg_bench', $1, 'Bench', '{}', 'ready', $2, 'bench')`,
      [tenantId, n],
    );
    await q(
      `INSERT INTO segment_members (segment_id, profile_id, tenant_id, entered_at) SELECT 'seg_bench', 'prf_b' || g, $1, now() FROM generate_series(1, $2) g`,
      [tenantId, n],
    );
    await q(
      `INSERT INTO marketing_channels (id, tenant_id, name, kind, settings, secret, created_by) VALUES ('chn_bench', $1, 'Sink', 'sink', '{"consentChannel":"sms"}', 'mksec_bench', 'bench')`,
      [tenantId],
    );
    await q(`INSERT INTO marketing_templates (id, tenant_id, name, body, created_by) VALUES ('tpl_bench', $1, 'Bench', $2, 'bench')`, [tenantId, body]);
    const root = (await q(`SELECT id, path FROM org_units WHERE tenant_id = $1 AND depth = 0`, [tenantId])).rows[0] as { id: string; path: string };
    await q(
      `INSERT INTO campaigns (id, tenant_id, org_unit_id, org_path, name, status, channel_id, include_segments, variants, holdout_percent, schedule, quiet_start, quiet_end, rate_per_minute, next_run_at, created_by)
       VALUES ('cmp_bench', $1, $2, $3, 'Bench', 'scheduled', 'chn_bench', '["seg_bench"]', '[{"key":"A","templateId":"tpl_bench","weight":1},{"key":"B","templateId":"tpl_bench","weight":1}]',
         10, '{"kind":"now"}', '00:00', '00:00', 1000000, now(), 'bench')`,
      [tenantId, root.id, root.path],
    );
    await q('ANALYZE');
    process.stdout.write(`seeded ${n.toLocaleString()} people in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

    // Where the cores go: this process (the send loop) and PostgreSQL's processes (none to see with DATABASE_URL).
    const postmaster = server.postmasterPid();
    const pgCpu = () => cpuSeconds(() => (postmaster ? withDescendants(postmaster) : []));
    const ownMicros = (since: NodeJS.CpuUsage) => {
      const u = process.cpuUsage(since);
      return u.user + u.system;
    };
    const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

    // Baseline: the same number of renders and sink hand-overs, in memory.
    const parsed = checkTemplate(body, { computed: new Set() });
    if (!parsed.ok) throw new Error('bench template does not parse');
    const render = compileTemplate(parsed.template);
    const sink = new SinkAdapter('chn_baseline');
    const bCpu = process.cpuUsage();
    const b0 = performance.now();
    for (let i = 0; i < n; i++) {
      const text = render({ traits: i % 3 === 0 ? {} : { name: `客户${i}` }, store: { name: '徐汇店', hours_today: '10:00–22:00' } });
      await sink.send({ id: `msg_${i}`, to: `+86139${i}`, subject: null, body: text, profileId: `prf_b${i}`, campaignId: 'cmp_baseline' });
    }
    const baselineRate = n / ((performance.now() - b0) / 1000);
    const baselineMicros = ownMicros(bCpu) / n;

    const marketing = createMarketing(
      { db, config, log, metrics: createMetrics() },
      { publicUrl: 'https://shop.example.com', autoKick: false, batch: 2000, lanes: 4 },
    );
    const loadBefore = load();
    const sCpu = process.cpuUsage();
    const pg0 = pgCpu();
    const s0 = performance.now();
    const r = await marketing.tick(new Date(), 3_600_000);
    const seconds = (performance.now() - s0) / 1000;
    const loopMicros = ownMicros(sCpu);
    const pgMicros = (pgCpu() - pg0) * 1e6;
    const loadAfter = load();
    const counts = (await q(`SELECT status, count(*)::int AS n FROM marketing_messages WHERE campaign_id = 'cmp_bench' GROUP BY status ORDER BY status`))
      .rows as { status: string; n: number }[];
    await marketing.stop();
    process.stdout.write(
      `planned the run (one statement) in ${(r.planMs / 1000).toFixed(1)} s; handed over in ${(seconds - r.planMs / 1000).toFixed(1)} s = ${(r.sent / (seconds - r.planMs / 1000)).toFixed(0)} messages/s\n`,
    );
    process.stdout.write(`campaign: ${counts.map((c) => `${c.status} ${c.n.toLocaleString()}`).join(', ')} (finished: ${r.finished})\n`);
    process.stdout.write(
      `send loop (plan + claim + consent/cap + render + sink): ${r.sent.toLocaleString()} messages in ${seconds.toFixed(1)} s = ${(r.sent / seconds).toFixed(0)} messages/s (goal ≥ 10,000)\n`,
    );
    process.stdout.write(
      `CPU per message handed over (plan included): send loop ${(loopMicros / r.sent).toFixed(0)} µs, PostgreSQL ${postmaster ? `${(pgMicros / r.sent).toFixed(0)} µs` : 'not measured (DATABASE_URL)'}\n`,
    );
    process.stdout.write(`baseline (render + sink hand-over in memory, no database): ${baselineRate.toFixed(0)} messages/s, ${baselineMicros.toFixed(1)} µs CPU each\n`);
    process.stdout.write(`load average (1, 5, 15 min) before the send: ${loadBefore}; after: ${loadAfter}; ${os.cpus().length} cores\n`);
    // Journeys: trigger latency, in a database of their own on the same server (bench/journeys.ts).
    await runJourneyBench(server.url);
  } finally {
    await bench.drop();
    await server.stop();
  }
}
