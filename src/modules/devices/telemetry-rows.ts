/**
 * Telemetry rows in PostgreSQL's COPY text format: one row per device and timestamp (a ThingsBoard entry) with the
 * entry's values as jsonb, written straight into the batch's buffer (or built as a string) so a batch is a
 * concatenation and a flush is one COPY. Column order is `copyColumns`.
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
  return `${entry.ts}\t${sid}\t${retentionDays}\t${entryText(entry)}\n`;
}

/** The entry's values as COPY text: the payload's own JSON when it was exactly them, escaped where COPY needs it. */
export function entryText(entry: TelemetryEntry): string {
  return copyEscape(entry.json ?? JSON.stringify(entry.values));
}

/** Bytes the row of an entry whose values text is `text` takes at most (three bytes per UTF-16 unit, and the numbers). */
export const rowRoom = (text: string): number => 64 + text.length * 3;

/**
 * Writes the row encodeEntry would give into `buf` at `at`, which has `rowRoom(text)` bytes free, with no string
 * built for it; answers where the row ends.
 */
export function writeEntry(buf: Buffer, at: number, sid: number, retentionDays: number, ts: number, text: string): number {
  let i = writeRowStart(buf, at, sid, retentionDays, ts);
  i += buf.write(text, i, 'utf8');
  buf[i++] = 0x0a;
  return i;
}

/** The same for values whose JSON lies as bytes in `src` (start to end) that need no COPY escape; `buf` has `64 + end - start` bytes free. */
export function writeEntryBytes(buf: Buffer, at: number, sid: number, retentionDays: number, ts: number, src: Buffer, start: number, end: number): number {
  let i = writeRowStart(buf, at, sid, retentionDays, ts);
  i += src.copy(buf, i, start, end);
  buf[i++] = 0x0a;
  return i;
}

/** A row's columns before its values: ts, series id and retention, each followed by a tab; answers where they end. */
function writeRowStart(buf: Buffer, at: number, sid: number, retentionDays: number, ts: number): number {
  let i = writeDigits(buf, at, ts);
  buf[i++] = 0x09;
  i = writeDigits(buf, i, sid);
  buf[i++] = 0x09;
  i = writeDigits(buf, i, retentionDays);
  buf[i++] = 0x09;
  return i;
}

/** Writes a non-negative safe integer in decimal; answers where it ends. */
function writeDigits(buf: Buffer, at: number, n: number): number {
  // A timestamp is beyond 32 bits: its last nine digits are written apart, so the loops stay in small integers.
  if (n >= 1e9) {
    const high = Math.floor(n / 1e9);
    return writeFixed(buf, writeDigits(buf, at, high), n - high * 1e9, 9);
  }
  let digits = 1;
  for (let v = n; v >= 10; v = (v / 10) | 0) digits++;
  return writeFixed(buf, at, n, digits);
}

/** Writes `n` (below 1e9) in exactly `digits` decimal digits, zero-padded. */
function writeFixed(buf: Buffer, at: number, n: number, digits: number): number {
  let v = n;
  for (let i = at + digits - 1; i >= at; i--) {
    buf[i] = 0x30 + (v % 10);
    v = (v / 10) | 0;
  }
  return at + digits;
}
