import os from 'node:os';
import { buildApp } from '../src/app.ts';
import { seedDemo } from '../src/commands/seed-demo.ts';
import { systemActor } from '../src/kernel/auth.ts';
import { createMetrics } from '../src/kernel/metrics.ts';
import { createCustomers, createSource } from '../src/modules/customers/index.ts';
import { EventPartitions } from '../src/modules/customers/event-partitions.ts';
import { createJourneys } from '../src/modules/marketing/index.ts';
import { benchConfig, createBenchDatabase } from './bench-database.ts';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : 0;
};

/**
 * The journey part of `storeos bench campaigns`: trigger latency. People (consented, with a user id) view a fridge
 * through the real collection API (`POST /v1/track`, one event per request, `senders` in parallel); an active journey
 * triggered by `Product Viewed` with `category = fridge` sends them a message through the sink. The figure: from the
 * collection API's 200 to the message handed to the sink (its `sent_at`), p50/p99 over `triggers` events. The
 * baseline, in the same run: the collection API's own round trip (request → 200) for the same events.
 */
export async function runJourneyBench(serverUrl: string, o: { triggers?: number; senders?: number; rate?: number } = {}): Promise<void> {
  const n = o.triggers ?? 5000;
  const senders = o.senders ?? 16;
  // Offered load, events per second: latency is measured below saturation, where a trigger waits for no backlog.
  const rate = o.rate ?? 100;
  const { config, log } = benchConfig();
  const bench = await createBenchDatabase(serverUrl, 'journeys', config.dbPoolSize);
  const { db } = bench;
  const cleanups: (() => Promise<unknown>)[] = [];
  const loadBefore = os.loadavg()[0];
  try {
    const { tenantId } = await seedDemo(db, { stores: 10, slug: 'jbench' });
    const q = (text: string, values: unknown[] = []) => db.pool.query(text, values);
    await new EventPartitions(db.pool).ensure([Date.now()]);
    await q(
      `INSERT INTO profiles (id, tenant_id, first_seen_at, last_seen_at, traits) SELECT 'prf_j' || g, $1, now(), now(), jsonb_build_object('name', '客户' || g)
       FROM generate_series(1, $2) g`,
      [tenantId, n],
    );
    await q(
      `INSERT INTO profile_identifiers (tenant_id, type, value, profile_id, claimed_at) SELECT $1, 'user_id', 'ju' || g, 'prf_j' || g, now() FROM generate_series(1, $2) g`,
      [tenantId, n],
    );
    await q(
      `INSERT INTO consents (tenant_id, profile_id, purpose, channel, granted, source, at) SELECT $1, 'prf_j' || g, 'marketing', '*', true, 'bench', now() FROM generate_series(1, $2) g`,
      [tenantId, n],
    );
    await q(
      `INSERT INTO marketing_channels (id, tenant_id, name, kind, settings, secret, created_by) VALUES ('chn_jbench', $1, 'Sink', 'sink', '{}', 'mksec_jbench', 'bench')`,
      [tenantId],
    );
    await q(
      `INSERT INTO marketing_templates (id, tenant_id, name, body, created_by) VALUES ('tpl_jbench', $1, 'Fridge', '{{ traits.name }}，您看中的冰箱本周有优惠', 'bench')`,
      [tenantId],
    );
    const root = (await q(`SELECT id, path FROM org_units WHERE tenant_id = $1 AND depth = 0`, [tenantId])).rows[0] as { id: string; path: string };
    await q(
      `INSERT INTO journeys (id, tenant_id, org_unit_id, org_path, name, status, trigger, steps, reentry, quiet_start, quiet_end, created_by)
       VALUES ('jny_bench', $1, $2, $3, 'Viewed a fridge', 'active', $4, $5, '{"mode":"every_time"}', '00:00', '00:00', 'bench')`,
      [
        tenantId,
        root.id,
        root.path,
        JSON.stringify({ kind: 'event', event: 'Product Viewed', where: [{ property: 'category', op: 'eq', value: 'fridge' }] }),
        JSON.stringify([{ id: 'offer', type: 'send', channelId: 'chn_jbench', templateId: 'tpl_jbench' }]),
      ],
    );
    await q('ANALYZE');

    // The node as `storeos serve` wires it: collection → profile pipeline → journeys, over HTTP.
    const deps = { db, config, log, metrics: createMetrics() };
    const { profiles, collection } = createCustomers(deps);
    const journeys = createJourneys(deps);
    await profiles.start();
    await collection.start();
    cleanups.push(
      () => profiles.stop(),
      () => collection.stop(),
      () => journeys.stop(),
    );
    const app = await buildApp(deps, { profiles, collection, journeys });
    await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.unshift(() => app.close());
    const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const source = await createSource({ db, actor: systemActor(tenantId, 'bench', 'bench'), meta: {} }, { name: 'bench web', channel: 'web', rateLimit: 0 });
    const auth = `Basic ${Buffer.from(`${source.writeKey}:`).toString('base64')}`;

    const acked = new Map<string, number>();
    const roundTrips: number[] = [];
    let next = 1;
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: senders }, async () => {
        while (next <= n) {
          const k = next++;
          const due = t0 + ((k - 1) * 1000) / rate;
          if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
          const sentAt = Date.now();
          const res = await fetch(`${appUrl}/v1/track`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: auth },
            body: JSON.stringify({ userId: `ju${k}`, event: 'Product Viewed', messageId: `jb-${k}`, properties: { category: 'fridge', sku: `F${k % 50}` } }),
          });
          await res.arrayBuffer();
          if (res.status !== 200) continue;
          const at = Date.now();
          acked.set(`prf_j${k}`, at);
          roundTrips.push(at - sentAt);
        }
      }),
    );
    const sendSeconds = (Date.now() - t0) / 1000;
    // Wait for the last hand-overs (bounded), then read when each message went to the sink.
    const deadline = Date.now() + 60_000;
    let handed = 0;
    while (Date.now() < deadline) {
      handed = (await q(`SELECT count(*)::int AS n FROM marketing_messages WHERE campaign_id = 'jny_bench' AND status = 'sent'`)).rows[0].n;
      if (handed >= acked.size) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const cpu = process.cpuUsage(cpu0);
    const rows = (await q(`SELECT profile_id, sent_at FROM marketing_messages WHERE campaign_id = 'jny_bench' AND status = 'sent'`)).rows as {
      profile_id: string;
      sent_at: Date;
    }[];
    const latencies = rows.flatMap((r) => {
      const at = acked.get(r.profile_id);
      return at === undefined ? [] : [new Date(r.sent_at).getTime() - at];
    });
    // Where the time goes: the profile pipeline applying the event, up to the enrollment.
    const enrolled = (await q(`SELECT profile_id, entered_at FROM journey_enrollments WHERE journey_id = 'jny_bench'`)).rows as {
      profile_id: string;
      entered_at: Date;
    }[];
    const toEnrolled = enrolled.flatMap((r) => {
      const at = acked.get(r.profile_id);
      return at === undefined ? [] : [new Date(r.entered_at).getTime() - at];
    });
    const p99 = pct(latencies, 99);
    const lines = [
      '',
      `journey trigger latency — ${n.toLocaleString('en')} events through POST /v1/track at ${rate}/s offered, ${senders} senders, ${os.cpus().length} cores, load average ${loadBefore.toFixed(1)} at start, ${os.loadavg()[0].toFixed(1)} at end`,
      `  platform  event acknowledged (HTTP 200) → send step handed the message to the sink: p50 ${pct(latencies, 50)} ms  p99 ${p99} ms  max ${pct(latencies, 100)} ms over ${latencies.length.toLocaleString('en')} triggers (${handed.toLocaleString('en')} sent of ${acked.size.toLocaleString('en')} acknowledged, ${(acked.size / sendSeconds).toFixed(0)} events/s), ${p99 <= 1000 ? 'meets' : 'misses'} the 1 s goal`,
      `    of which ack → enrolled (collection hand-over, profile pipeline, trigger match): p50 ${pct(toEnrolled, 50)} ms  p99 ${pct(toEnrolled, 99)} ms`,
      `  baseline  the collection API's own round trip (request → 200): p50 ${pct(roundTrips, 50)} ms  p99 ${pct(roundTrips, 99)} ms`,
      `  CPU of this process (HTTP, pipeline, journeys): ${((cpu.user + cpu.system) / 1000 / Math.max(1, acked.size)).toFixed(2)} ms per trigger`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const c of cleanups) await c().catch(() => {});
    await bench.drop();
  }
}
