import type pg from 'pg';
import type { TelemetryPartitions } from './telemetry-partitions.ts';

export const hourMs = 3_600_000;
/** Name of the watermark: every hour before it is rolled up. */
export const rollupWatermark = 'rollups_through';
/** Each run also redoes the hours just before the watermark, for points that arrived late. */
const redoHours = 2;

/** The hour before which rollups are complete, or undefined before the first run. */
export async function rolledThrough(pool: pg.Pool): Promise<number | undefined> {
  const r = await pool.query<{ value: number }>('SELECT value FROM device_pipeline_state WHERE name = $1', [rollupWatermark]);
  return r.rows[0]?.value;
}

/**
 * Rolls raw numeric telemetry up into hourly min, max, sum and count (the hourly job): every finished hour since the
 * watermark, and the two before it again for late points. Idempotent: each hour is recomputed in full and upserted.
 */
export async function rollUpHours(pool: pg.Pool, partitions: TelemetryPartitions, now = Date.now(), maxHours = 48): Promise<{ hours: number; rows: number }> {
  const current = now - (now % hourMs);
  const through = await rolledThrough(pool);
  const start = through === undefined ? current - 24 * hourMs : through - redoHours * hourMs;
  const hours: number[] = [];
  for (let h = start; h < current && hours.length < maxHours; h += hourMs) hours.push(h);
  if (hours.length === 0) return { hours: 0, rows: 0 };
  await partitions.ensureRollupMonths(hours);
  let rows = 0;
  for (const h of hours) {
    const r = await pool.query(
      `INSERT INTO telemetry_rollups (hour, min_v, max_v, sum_v, device_sid, key_id, count)
       SELECT $1::bigint, min(num_v), max(num_v), sum(num_v), device_sid, key_id, count(*)::int FROM telemetry
       WHERE ts >= $1::bigint AND ts < $1::bigint + ${hourMs} AND num_v IS NOT NULL -- the per-value view over telemetry_entries
       GROUP BY device_sid, key_id
       ON CONFLICT (device_sid, key_id, hour) DO UPDATE SET min_v = excluded.min_v, max_v = excluded.max_v, sum_v = excluded.sum_v, count = excluded.count`,
      [h],
    );
    rows += r.rowCount ?? 0;
  }
  const done = (hours.at(-1) as number) + hourMs;
  await pool.query(
    `INSERT INTO device_pipeline_state (name, value) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET value = GREATEST(device_pipeline_state.value, excluded.value), updated_at = now()`,
    [rollupWatermark, done],
  );
  return { hours: hours.length, rows };
}
