/**
 * The fast path of telemetry parsing: the payloads nearly every device sends, `{"ts":ms,"values":{"k":number,...}}`
 * or `{"k":number,...}` with plain numbers and plain ASCII keys and no white space, read straight from the payload's
 * bytes — no string of the payload, no JSON.parse, no row text: the COPY row takes the values' bytes as sent.
 * Anything else (white space, strings, booleans, exponents, long numbers, escapes, repeated or numeric keys) answers
 * false and goes to the full parser (telemetry-payload.ts), which decides exactly as before: this path only takes
 * what that parser would accept, and gives the same points.
 */

/** Where the fast path found a message's values; one object, overwritten by each call (no result object per message). */
export const flatEntry = {
  /** The entry's timestamp: the payload's `ts`, or the receive time. */
  ts: 0,
  /** The values' JSON object in the payload, as a byte range. */
  start: 0,
  end: 0,
  /** The message's keys in payload order: the list passed in when they were the same (no new array), else a new one. */
  keys: [] as readonly string[],
  /** The values, in the keys' order: a new array of plain doubles per message (no object per value). */
  values: [] as number[],
};

/** Values as they are read, before the message's own array is made with their count. */
const scratch = new Float64Array(32);

/** Most keys a payload may have on this path (the keys' distinctness is checked pairwise when they change). */
const maxKeys = scratch.length;
/** Longest values text on this path (the full parser stores longer text serialised again). */
const maxValuesBytes = 16_383;
/** ThingsBoard's longest key. */
const maxKeyLength = 255;

const tsPrefix = Buffer.from('{"ts":');
const valuesInfix = Buffer.from(',"values":{');
/** 10^k for k ≤ 15, exact doubles. */
const powersOfTen = Array.from({ length: 16 }, (_, k) => 10 ** k);

const quote = 0x22;
const comma = 0x2c;
const colon = 0x3a;
const openBrace = 0x7b;
const closeBrace = 0x7d;

function startsWith(buf: Buffer, at: number, prefix: Buffer): boolean {
  if (buf.length - at < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[at + i] !== prefix[i]) return false;
  return true;
}

function sameKey(buf: Buffer, start: number, end: number, key: string): boolean {
  if (key.length !== end - start) return false;
  for (let i = 0; i < key.length; i++) if (buf[start + i] !== key.charCodeAt(i)) return false;
  return true;
}

/** Parsed number or NaN; `numberEnd` is where it stopped. */
let numberEnd = 0;

/**
 * A JSON number `-?(0|[1-9][0-9]*)(\.[0-9]+)?` of at most 15 digits at `at`, else NaN. With m < 10^15 < 2^53 and
 * 10^k exact, m / 10^k is one correctly rounded division: the double JSON.parse gives for the same text.
 */
function readNumber(buf: Buffer, at: number): number {
  let i = at;
  const negative = buf[i] === 0x2d;
  if (negative) i++;
  let c = buf[i];
  if (c === 0x30) {
    i++;
    c = buf[i];
    if (c >= 0x30 && c <= 0x39) return Number.NaN; // a leading zero is not JSON
  } else if (c >= 0x31 && c <= 0x39) {
    i++;
    for (c = buf[i]; c >= 0x30 && c <= 0x39; c = buf[++i]);
  } else {
    return Number.NaN;
  }
  let digits = i - at - (negative ? 1 : 0);
  let m = 0;
  for (let j = i - digits; j < i; j++) m = m * 10 + (buf[j] - 0x30);
  let fraction = 0;
  if (buf[i] === 0x2e) {
    const first = ++i;
    for (c = buf[i]; c >= 0x30 && c <= 0x39; c = buf[++i]) m = m * 10 + (c - 0x30);
    fraction = i - first;
    if (fraction === 0) return Number.NaN;
    digits += fraction;
  }
  if (digits > 15) return Number.NaN;
  numberEnd = i;
  const v = fraction === 0 ? m : m / powersOfTen[fraction];
  return negative ? -v : v;
}

/** Keys read that differ from the known ones, by position (reused: filled and read within one call). */
const readKeys: string[] = [];

/**
 * Reads `{"k":number,...}` at `at` into `flatEntry` (keys and values), matching keys against `known` (the device's
 * keys of its last message) so the usual message makes no key string; answers the index after the closing brace, or -1.
 */
function readValues(buf: Buffer, at: number, known: readonly string[] | undefined, isFlat: boolean): number {
  let i = at + 1;
  let count = 0;
  const knownKeys: readonly string[] = known ?? [];
  let same = known !== undefined;
  for (;;) {
    if (buf[i] !== quote) return -1;
    const keyStart = ++i;
    for (let c = buf[i]; c !== quote; c = buf[++i]) {
      // Printable ASCII but the backslash: no escape to decode, nothing COPY or jsonb would refuse.
      if (c === undefined || c < 0x20 || c > 0x7e || c === 0x5c) return -1;
    }
    const keyEnd = i++;
    const first = buf[keyStart];
    // An empty key is refused by the full parser; a key starting with a digit may be an array index, which JSON.parse
    // puts first: both are left to it, as are over-long keys.
    if (keyEnd === keyStart || keyEnd - keyStart > maxKeyLength || (first >= 0x30 && first <= 0x39)) return -1;
    if (buf[i++] !== colon) return -1;
    const value = readNumber(buf, i);
    if (Number.isNaN(value)) return -1;
    i = numberEnd;
    if (count === maxKeys) return -1;
    if (!(same && count < knownKeys.length && sameKey(buf, keyStart, keyEnd, knownKeys[count]))) {
      if (same) {
        // The keys before this one were the known ones.
        for (let k = 0; k < count; k++) readKeys[k] = knownKeys[k];
        same = false;
      }
      const key = buf.toString('latin1', keyStart, keyEnd);
      // `{"ts":…,"values":…}` without a timestamp of its own is the entry shape, which the full parser reads.
      if (isFlat && (key === 'ts' || key === 'values')) return -1;
      readKeys[count] = key;
    }
    scratch[count++] = value;
    const c = buf[i++];
    if (c === closeBrace) break;
    if (c !== comma) return -1;
  }
  if (same && count === knownKeys.length) {
    flatEntry.keys = known as readonly string[];
  } else {
    if (same) for (let k = 0; k < count; k++) readKeys[k] = knownKeys[k];
    const keys = new Array<string>(count);
    for (let k = 0; k < count; k++) {
      const key = readKeys[k];
      // JSON.parse keeps the last of repeated keys, once: left to it.
      for (let j = 0; j < k; j++) if (keys[j] === key) return -1;
      keys[k] = key;
    }
    flatEntry.keys = keys;
  }
  const values = new Array<number>(count);
  for (let k = 0; k < count; k++) values[k] = scratch[k];
  flatEntry.values = values;
  return i;
}

/**
 * Parses a payload of the usual shapes into `flatEntry`; false when the payload is anything else, for the full
 * parser. `known` is the device's key list of its last message (or undefined).
 */
export function readFlatTelemetry(payload: Buffer, receivedAt: number, known: readonly string[] | undefined): boolean {
  const n = payload.length;
  let ts = receivedAt;
  let start = 0;
  let end: number;
  if (startsWith(payload, 0, tsPrefix)) {
    // {"ts":<positive whole ms>,"values":{...}} and nothing after.
    let i = tsPrefix.length;
    const c = payload[i];
    if (!(c >= 0x31 && c <= 0x39)) return false;
    ts = 0;
    for (let d = payload[i]; d >= 0x30 && d <= 0x39; d = payload[++i]) ts = ts * 10 + (d - 0x30);
    if (i - tsPrefix.length > 15 || !startsWith(payload, i, valuesInfix)) return false;
    start = i + valuesInfix.length - 1;
    end = readValues(payload, start, known, false);
    if (end < 0 || end + 1 !== n || payload[end] !== closeBrace) return false;
  } else {
    if (payload[0] !== openBrace) return false;
    end = readValues(payload, 0, known, true);
    if (end !== n) return false;
  }
  if (end - start > maxValuesBytes) return false;
  flatEntry.ts = ts;
  flatEntry.start = start;
  flatEntry.end = end;
  return true;
}
