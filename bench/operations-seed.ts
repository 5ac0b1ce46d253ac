import { from as copyFrom } from 'pg-copy-streams';
import { progressBar } from '../src/commands/progress.ts';
import type { Database } from '../src/kernel/db.ts';

const day = 86_400_000;

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

const columns =
  'id, tenant_id, send_id, template_id, template_version, store_id, role, title, status, approval, occurrence, opens_at, due_at, due_date, expires_at, estimated_minutes, sla_store_minutes, sla_region_minutes, submitted_at, approved_at';

/**
 * Loads `count` task instances spread over the stores and over 90 days back and 14 ahead with COPY: the past mostly
 * done (some late, some expired), today and the future open. The rollup triggers are off while loading and the
 * rollup is rebuilt in one statement afterwards, as a restore would.
 */
export async function seedTaskInstances(
  db: Database,
  o: { tenantId: string; templateId: string; storeIds: string[]; count: number; now: Date },
): Promise<void> {
  const bar = progressBar(`task instances (${o.count.toLocaleString('en')})`);
  const rnd = random(7);
  const today = Date.UTC(o.now.getUTCFullYear(), o.now.getUTCMonth(), o.now.getUTCDate());
  const perStore = Math.ceil(o.count / o.storeIds.length);
  const client = await db.pool.connect();
  try {
    await client.query('ALTER TABLE task_instances DISABLE TRIGGER USER');
    const stream = client.query(copyFrom(`COPY task_instances (${columns}) FROM STDIN`));
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    const write = (chunk: string) => new Promise<void>((resolve) => (stream.write(chunk) ? resolve() : stream.once('drain', resolve)));
    let buf = '';
    for (let i = 0; i < o.count; i++) {
      const storeId = o.storeIds[i % o.storeIds.length];
      const k = Math.floor(i / o.storeIds.length);
      const dueDay = today + (Math.floor((k * 104) / perStore) - 90) * day;
      const due = new Date(dueDay + 10 * 3_600_000);
      const dueIso = due.toISOString();
      const dueDate = dueIso.slice(0, 10);
      const opens = new Date(due.getTime() - 8 * 3_600_000).toISOString();
      const expires = new Date(due.getTime() + 7 * day).toISOString();
      const r = rnd();
      let status: string;
      let submitted = '\\N';
      if (due.getTime() < o.now.getTime()) {
        status = r < 0.7 ? 'approved' : r < 0.75 ? 'submitted' : r < 0.85 ? (dueDay > today - 7 * day ? 'overdue' : 'expired') : 'expired';
        if (status === 'approved' || status === 'submitted')
          submitted = new Date(due.getTime() + (rnd() < 0.85 ? -1 : 1) * rnd() * 6 * 3_600_000).toISOString();
      } else {
        status = dueDay <= today + day ? (r < 0.5 ? 'open' : r < 0.8 ? 'in_progress' : 'submitted') : r < 0.7 ? 'scheduled' : 'open';
        if (status === 'submitted') submitted = new Date(o.now.getTime() - rnd() * 3_600_000).toISOString();
      }
      const approved = status === 'approved' ? submitted : '\\N';
      buf += `tsk_b${i.toString(36).padStart(11, '0')}\t${o.tenantId}\ttsd_b${k.toString(36).padStart(11, '0')}\t${o.templateId}\t1\t${storeId}\t${k % 3 === 0 ? 'store_manager' : 'associate'}\tBench task ${k}\t${status}\tstore_manager\t${dueIso.slice(0, 19)}\t${opens}\t${dueIso}\t${dueDate}\t${expires}\t${15 + (k % 4) * 5}\t0\t240\t${submitted}\t${approved}\n`;
      if (buf.length > 1 << 20) {
        await write(buf);
        buf = '';
        bar.update(i + 1, o.count);
      }
    }
    if (buf) await write(buf);
    stream.end();
    await done;
    bar.update(o.count, o.count);
    bar.stop();
    await client.query('ALTER TABLE task_instances ENABLE TRIGGER USER');
    await client.query('TRUNCATE task_store_day_stats');
    await client.query(`INSERT INTO task_store_day_stats (store_id, day, tenant_id, total, completed, on_time, overdue, expired, minutes)
      SELECT store_id, due_date, min(tenant_id), count(*),
        count(*) FILTER (WHERE status IN ('submitted', 'approved')),
        count(*) FILTER (WHERE status IN ('submitted', 'approved') AND submitted_at <= due_at),
        count(*) FILTER (WHERE status = 'overdue'), count(*) FILTER (WHERE status = 'expired'), sum(estimated_minutes)
      FROM task_instances GROUP BY store_id, due_date`);
  } finally {
    await client.query('ALTER TABLE task_instances ENABLE TRIGGER USER').catch(() => {});
    client.release();
  }
}
