import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { eq } from 'drizzle-orm';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../../kernel/db.ts';
import { newId } from '../../kernel/ids.ts';
import { stores } from '../stores/index.ts';

const columns = [
  'id',
  'tenant_id',
  'store_id',
  'org_unit_id',
  'org_path',
  'title',
  'priority',
  'status',
  'source',
  'created_by',
  'created_at',
  'updated_at',
  'response_due_at',
  'resolution_due_at',
  'acknowledged_at',
  'completed_at',
  'closed_at',
  'escalation_level',
  'time_spent_minutes',
];
const copySql = `COPY work_orders (${columns.join(', ')}) FROM STDIN`;
const titles = [
  'Fridge not cooling',
  'Air conditioner noisy',
  'Lights flickering',
  'POS screen frozen',
  'Door sensor fault',
  'Signage off',
  'Water leak',
  'Freezer icing',
];
const priorities = ['low', 'medium', 'medium', 'high', 'urgent'];
const minute = 60_000;

/** A status mix like a running chain's: most work done, some open. */
function statusAt(i: number): string {
  const r = i % 20;
  return r < 14 ? 'COMPLETE' : r < 16 ? 'CANCELLED' : r < 18 ? 'OPEN' : r < 19 ? 'IN_PROGRESS' : 'ON_HOLD';
}

const iso = (ms: number | null) => (ms === null ? '\\N' : new Date(ms).toISOString());

/**
 * Seeds `count` work orders spread over the tenant's stores and the last 180 days with one COPY per batch of
 * 20,000 rows (for `storeos bench operations`); answers how many it wrote. No history rows: lists and reports only.
 */
export async function seedBenchWorkOrders(
  db: Database,
  opts: { tenantId: string; count: number; onProgress?: (done: number, total: number) => void },
): Promise<{ inserted: number }> {
  const sites = await db.orm
    .select({ id: stores.id, orgUnitId: stores.orgUnitId, orgPath: stores.orgPath })
    .from(stores)
    .where(eq(stores.tenantId, opts.tenantId));
  if (sites.length === 0) throw new Error(`tenant ${opts.tenantId} has no stores to put work orders in`);
  const now = Date.now();
  const batch = 20_000;
  let done = 0;
  while (done < opts.count) {
    const n = Math.min(batch, opts.count - done);
    let text = '';
    for (let k = 0; k < n; k++) {
      const i = done + k;
      // Twenty in a row per store: each store gets the whole status mix.
      const site = sites[Math.floor(i / 20) % sites.length];
      const created = now - Math.floor(((i * 7919) % 259_200) * minute);
      const status = statusAt(i);
      const ack = status === 'OPEN' ? null : created + ((i % 240) + 5) * minute;
      const completed = status === 'COMPLETE' ? created + ((i % 2880) + 60) * minute : null;
      const closed = completed ?? (status === 'CANCELLED' ? created + 30 * minute : null);
      text += `${[
        newId('wo'),
        opts.tenantId,
        site.id,
        site.orgUnitId,
        site.orgPath,
        titles[i % titles.length],
        priorities[i % priorities.length],
        status,
        i % 3 === 0 ? 'alarm' : i % 3 === 1 ? 'manual' : 'pm',
        'bench',
        iso(created),
        iso(closed ?? created),
        iso(created + 120 * minute),
        iso(created + 1440 * minute),
        iso(ack),
        iso(completed),
        iso(closed),
        i % 11 === 0 ? 1 : 0,
        completed ? (i % 180) + 15 : 0,
      ].join('\t')}\n`;
    }
    const client = await db.pool.connect();
    try {
      await pipeline(Readable.from([text]), client.query(copyFrom(copySql)));
    } finally {
      client.release();
    }
    done += n;
    opts.onProgress?.(done, opts.count);
  }
  await db.pool.query('ANALYZE work_orders');
  return { inserted: done };
}
