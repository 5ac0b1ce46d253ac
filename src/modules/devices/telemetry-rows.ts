/**
 * Telemetry rows in PostgreSQL's COPY text format: one row per device and timestamp (a ThingsBoard entry) with the
 * entry's values as jsonb, built as one string per message so a batch is a concatenation and a flush is one COPY.
 * Column order is `copyColumns`.
 */

/** The columns each encoded row holds, in order. */
export const copyColumns = 'ts, device_sid, retention_days, data';

/** One entry of a telemetry message: a timestamp and the values measured at it. */
export interface TelemetryEntry {
  ts: number;
  values: Record<string, unknown>;
  /** The values' JSON when the payload was exactly them (`{"k":v}`): stored as sent, not serialised again. */
  json?: string;
}

const special = /[\\\n\r\t]/;

/** Escapes backslash, tab, newline and carriage return as COPY text format requires. */
export function copyEscape(text: string): string {
  if (!special.test(text)) return text;
  return text.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}

/** Encodes one entry as a COPY row; its values were checked (telemetry-payload.ts), so jsonb accepts them. */
export function encodeEntry(sid: number, retentionDays: number, entry: TelemetryEntry): string {
  return `${entry.ts}\t${sid}\t${retentionDays}\t${copyEscape(entry.json ?? JSON.stringify(entry.values))}\n`;
}
