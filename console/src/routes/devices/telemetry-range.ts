// The time ranges and bucket sizes the telemetry chart asks the server for.
import type { TelemetryAggregation } from '../../lib/api-types.ts';

export const rangePresets = ['1h', '24h', '7d', '30d'] as const;
export type RangePreset = (typeof rangePresets)[number];

const hour = 3_600_000;
const presetMs: Record<RangePreset, number> = { '1h': hour, '24h': 24 * hour, '7d': 7 * 24 * hour, '30d': 30 * 24 * hour };

/** A preset range ending now, or a custom one (ms since epoch). */
export type ChartRange = { preset: RangePreset } | { from: number; to: number };

/** The range's ends, a preset's measured from `now`. */
export function rangeBounds(range: ChartRange, now = Date.now()): { from: number; to: number } {
  return 'preset' in range ? { from: now - presetMs[range.preset], to: now } : range;
}

/** Bucket sizes people may pick; `auto` leaves it to the chart. */
export const intervalChoices = [60_000, 5 * 60_000, 15 * 60_000, hour, 6 * hour, 24 * hour] as const;

/**
 * The bucket size for a range: about 200 buckets, in whole minutes; ranges over two days in whole hours, so the
 * server can read its hourly rollups instead of raw rows.
 */
export function autoInterval(spanMs: number): number {
  const target = spanMs / 200;
  if (spanMs > 2 * 24 * hour) return Math.max(1, Math.round(target / hour)) * hour;
  return Math.max(1, Math.round(target / 60_000)) * 60_000;
}

/** The aggregation a range starts with: raw points for an hour, averages beyond. */
export function defaultAggregation(range: ChartRange): TelemetryAggregation {
  const { from, to } = rangeBounds(range);
  return to - from <= 6 * hour ? 'NONE' : 'AVG';
}

/** How often a preset chart reloads to follow new data; a custom range does not move. */
export function refreshEvery(range: ChartRange): number | false {
  if (!('preset' in range)) return false;
  return range.preset === '1h' ? 10_000 : range.preset === '24h' ? 60_000 : false;
}

/** A bucket size as text: 5 min, 1 h, 1 d. */
export function intervalLabel(ms: number, units: { s: string; min: string; h: string; d: string }): string {
  if (ms % (24 * hour) === 0) return `${ms / (24 * hour)} ${units.d}`;
  if (ms % hour === 0) return `${ms / hour} ${units.h}`;
  if (ms % 60_000 === 0) return `${ms / 60_000} ${units.min}`;
  return `${Math.round(ms / 1000)} ${units.s}`;
}
