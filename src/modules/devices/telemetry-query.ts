import { sql } from 'drizzle-orm';
import type { Ctx } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import type { DataPoint } from './contract.ts';
import { latestOf } from './device-views.ts';
import { findDeviceInScope } from './devices.ts';
import type { DevicesRuntime } from './devices-runtime.ts';
import { dayMs } from './telemetry-partitions.ts';
import { hourMs, rolledThrough } from './telemetry-rollups.ts';

export const aggregations = ['NONE', 'AVG', 'MIN', 'MAX', 'SUM', 'COUNT'] as const;
export type Aggregation = (typeof aggregations)[number];

/** A time-series query as the REST API takes it (ms since epoch). */
export interface SeriesQuery {
  keys?: string[];
  from?: number;
  to?: number;
  interval?: number;
  agg: Aggregation;
  limit: number;
  order: 'ASC' | 'DESC';
}

/** Ranges longer than this, with a whole-hour interval, read the hourly rollups. */
export const rollupThresholdMs = 2 * dayMs;
const maxBuckets = 10_000;

/** The latest value of each key of a device. */
export async function latestTelemetry(ctx: Ctx, rt: DevicesRuntime, deviceId: string) {
  const device = await findDeviceInScope(ctx.db.orm, ctx.actor, deviceId);
  return { data: await latestOf(ctx.db.orm, rt, device.sid, deviceId) };
}

type AggRow = {
  key: string;
  bucket: number;
  min: number;
  max: number;
  sum: number;
  count: number;
};

function pick(agg: Aggregation, r: AggRow): number {
  if (agg === 'MIN') return r.min;
  if (agg === 'MAX') return r.max;
  if (agg === 'SUM') return r.sum;
  if (agg === 'COUNT') return Number(r.count);
  return r.sum / Number(r.count);
}

/**
 * A device's time series: raw points (agg NONE, newest first unless ASC, `limit` per key) or aggregated buckets of
 * `interval` ms from `from` over numeric values. Long ranges with a whole-hour interval read the hourly rollups for
 * the hours already rolled up and raw rows for the rest, so the answer is the same either way.
 */
export async function telemetrySeries(ctx: Ctx, rt: DevicesRuntime, deviceId: string, q: SeriesQuery) {
  const device = await findDeviceInScope(ctx.db.orm, ctx.actor, deviceId);
  const to = q.to ?? Date.now();
  const from = q.from ?? to - dayMs;
  if (from >= to) throw new AppError('invalid', 'from must be before to', { issues: [{ path: 'query.from', message: 'must be before to' }] });
  const names = q.keys ?? (await latestOf(ctx.db.orm, rt, device.sid, deviceId)).map((l) => l.key);
  const data: Record<string, { ts: number; value: DataPoint['value'] }[]> = Object.fromEntries(names.map((k) => [k, []]));
  if (names.length === 0) return { agg: q.agg, interval: q.interval ?? null, source: 'raw' as const, data };

  if (q.agg === 'NONE') {
    // Per key, the newest (or oldest) `limit` entries holding it, off the (device_sid, ts) index.
    const r = await ctx.db.orm.execute<{ key: string; ts: number; value: DataPoint['value'] }>(sql`
      SELECT k.key, t.ts, t.data -> k.key AS value FROM unnest(${sql.param(names)}::text[]) AS k(key)
      CROSS JOIN LATERAL (SELECT ts, data FROM telemetry_entries
        WHERE device_sid = ${device.sid} AND ts >= ${from} AND ts < ${to} AND data ? k.key
        ORDER BY ts ${sql.raw(q.order)} LIMIT ${q.limit}) t`);
    for (const row of r.rows) data[row.key].push({ ts: Number(row.ts), value: row.value });
    return { agg: q.agg, interval: null, source: 'raw' as const, data };
  }

  const interval = q.interval ?? Math.max(1000, Math.ceil((to - from) / 500 / 1000) * 1000);
  if ((to - from) / interval > maxBuckets)
    throw new AppError('invalid', `that is more than ${maxBuckets} buckets: widen the interval`, {
      issues: [{ path: 'query.interval', message: 'too small for the range' }],
    });
  const useRollups = interval % hourMs === 0 && to - from > rollupThresholdMs;
  const origin = useRollups ? from - (from % hourMs) : from;
  const rolled = useRollups ? ((await rolledThrough(rt.db.pool)) ?? origin) : origin;
  const split = Math.min(Math.max(rolled, origin), to);
  const keyIds = [...(await rt.keys.lookup(device.tenantId, names)).values()];
  const r = await ctx.db.orm.execute<AggRow>(sql`
    WITH parts AS (
      SELECT k.key, r.hour AS ts, r.min_v, r.max_v, r.sum_v, r.count FROM telemetry_rollups r JOIN telemetry_keys k ON k.id = r.key_id
        WHERE r.device_sid = ${device.sid} AND r.key_id = ANY(${sql.param(keyIds)}::int[]) AND r.hour >= ${origin} AND r.hour < ${split}
      UNION ALL
      SELECT key, ts, v, v, v, 1 FROM (
        SELECT k.key, t.ts, CASE WHEN jsonb_typeof(t.data -> k.key) = 'number' THEN (t.data -> k.key)::float8 END AS v
        FROM telemetry_entries t CROSS JOIN unnest(${sql.param(names)}::text[]) AS k(key)
        WHERE t.device_sid = ${device.sid} AND t.ts >= ${split} AND t.ts < ${to}
      ) raw WHERE v IS NOT NULL
    )
    SELECT key, ${origin}::bigint + ((ts - ${origin}::bigint) / ${interval}::bigint) * ${interval}::bigint AS bucket,
      min(min_v) AS min, max(max_v) AS max, sum(sum_v) AS sum, sum(count)::bigint AS count
    FROM parts GROUP BY 1, 2 ORDER BY 1, 2`);
  for (const row of r.rows) data[row.key].push({ ts: Number(row.bucket), value: pick(q.agg, row) });
  return { agg: q.agg, interval, source: useRollups && split > origin ? ('rollups' as const) : ('raw' as const), data };
}
