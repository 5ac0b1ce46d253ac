// Telemetry and attribute values as text, and times as "3 min ago".
import type { JsonValue } from '../../lib/api-types.ts';
import type { Language } from '../../lib/i18n.ts';

/** A value as a short text: numbers rounded for reading, JSON as compact JSON. */
export function formatValue(value: JsonValue | undefined, language: Language): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'number') {
    return value.toLocaleString(language === 'zh-CN' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: Math.abs(value) < 10 ? 2 : 1 });
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A value as JSON text for an editor (strings quoted, so `"42"` and `42` stay apart). */
export function toJsonText(value: JsonValue | undefined): string {
  return value === undefined ? '' : JSON.stringify(value, null, typeof value === 'object' && value !== null ? 2 : undefined);
}

/** Reads what a person typed as a value: JSON when it parses, else the text itself as a string. */
export function parseValueText(text: string): JsonValue {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  try {
    return JSON.parse(trimmed) as JsonValue;
  } catch {
    return text;
  }
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** How long ago `at` was, in the console's language ("3 分钟前", "3 min ago"); "—" for never. */
export function formatAgo(at: string | number | null | undefined, language: Language, now = Date.now()): string {
  if (at === null || at === undefined) return '—';
  const time = typeof at === 'number' ? at : new Date(at).getTime();
  if (Number.isNaN(time)) return '—';
  // `now` may be a few seconds old (it ticks) and clocks drift: a moment ahead reads as "now"
  const ahead = time - Math.max(now, Date.now());
  const elapsed = ahead > 0 && ahead < 120_000 ? 0 : ahead;
  const format = new Intl.RelativeTimeFormat(language === 'zh-CN' ? 'zh-CN' : 'en', { numeric: 'auto', style: 'short' });
  for (const [unit, ms] of units) {
    if (Math.abs(elapsed) >= ms || unit === 'second') return format.format(Math.round(elapsed / ms), unit);
  }
  return '—';
}

/** A time in ms as local date and time with seconds. */
export function formatTimestamp(ts: number | string | null | undefined, language: Language): string {
  if (ts === null || ts === undefined) return '—';
  const date = new Date(ts);
  if (Number.isNaN(date.getTime())) return String(ts);
  return date.toLocaleString(language === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}
