import { sql } from 'drizzle-orm';
import type { Executor } from '../../kernel/db.ts';
import type { DataPoint } from './contract.ts';
import { storedValue } from './device-views.ts';

/**
 * The stored latest values of some keys of one device (flushed from memory every second or two): what other
 * modules read for meters and counters without going through a person's scope. Keys with no value are absent.
 */
export async function readLatestValues(
  db: Executor,
  tenantId: string,
  deviceId: string,
  keys: string[],
): Promise<Map<string, { ts: number; value: DataPoint['value'] }>> {
  const out = new Map<string, { ts: number; value: DataPoint['value'] }>();
  if (keys.length === 0) return out;
  const r = await db.execute<{ key: string; ts: number; num_v: number | null; bool_v: boolean | null; str_v: string | null; json_v: unknown }>(sql`
    SELECT k.key, l.ts, l.num_v, l.bool_v, l.str_v, l.json_v
    FROM devices d
    JOIN telemetry_latest l ON l.device_sid = d.sid
    JOIN telemetry_keys k ON k.id = l.key_id
    WHERE d.tenant_id = ${tenantId} AND d.id = ${deviceId} AND k.key = ANY(${sql.param(keys)}::text[])`);
  for (const row of r.rows) out.set(row.key, { ts: Number(row.ts), value: storedValue(row) });
  return out;
}
