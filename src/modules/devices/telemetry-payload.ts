import { type DataPoint, DroppedMessage } from './contract.ts';
import type { TelemetryEntry } from './telemetry-rows.ts';

/**
 * ThingsBoard device payloads: telemetry (`{"k":v}`, `{"ts":ms,"values":{...}}`, or an array of those) and attributes
 * (`{"k":v}`). This is the hot path (tens of thousands of messages a second), so the shape is checked by hand in one
 * walk over what JSON.parse built instead of a Zod union per message; the checks are the ones a Zod schema would make,
 * plus those PostgreSQL needs so that one bad value can never fail a whole COPY batch (NUL, lone surrogates, depth).
 */

/** Longest key accepted (ThingsBoard's limit). */
export const maxKeyLength = 255;
/** Deepest nesting of a JSON value: PostgreSQL's jsonb parser refuses deep documents with an error, so we refuse first. */
export const maxJsonDepth = 32;

type Value = DataPoint['value'];

// NUL cannot be stored in PostgreSQL text; a lone surrogate cannot be encoded as UTF-8 (jsonb refuses its \u escape).
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const unstorable = { test: (s: string) => s.includes('\u0000') || loneSurrogate.test(s) };

const invalid = (message: string) => new DroppedMessage('invalid_shape', message);

/** Parses a payload as JSON; throws DroppedMessage('invalid_json') when it is not. */
export function parseJson(payload: Buffer): unknown {
  return parseText(payload.toString('utf8'));
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DroppedMessage('invalid_json', 'payload is not valid JSON');
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Refuses a key that is empty, too long, or not storable. */
export function checkKey(key: string): void {
  if (key.length === 0) throw invalid('a key is empty');
  if (key.length > maxKeyLength) throw invalid(`key ${key.slice(0, 40)}… is longer than ${maxKeyLength} characters`);
  if (unstorable.test(key)) throw invalid('a key holds NUL or an unpaired surrogate');
}

/** Refuses a JSON value nested deeper than maxJsonDepth or holding a string PostgreSQL cannot store; iterative, no recursion. */
function checkJson(root: object, key: string): void {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node === 'string') {
      if (unstorable.test(node)) throw invalid(`value of ${key} holds NUL or an unpaired surrogate`);
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    if (depth > maxJsonDepth) throw invalid(`value of ${key} is nested deeper than ${maxJsonDepth} levels`);
    if (Array.isArray(node)) {
      for (const item of node) stack.push([item, depth + 1]);
    } else {
      for (const k in node) {
        if (unstorable.test(k)) throw invalid(`value of ${key} has a key with NUL or an unpaired surrogate`);
        stack.push([(node as Record<string, unknown>)[k], depth + 1]);
      }
    }
  }
}

/** Checks one value: a finite number, a boolean, a storable string, or a JSON object/array of bounded depth. */
export function checkValue(key: string, v: unknown): Value {
  switch (typeof v) {
    case 'number':
      // JSON.parse turns 1e400 into Infinity; JSON has no infinities, so neither do we.
      if (!Number.isFinite(v)) throw invalid(`value of ${key} is not a finite number`);
      return v;
    case 'boolean':
      return v;
    case 'string':
      if (unstorable.test(v)) throw invalid(`value of ${key} holds NUL or an unpaired surrogate`);
      return v;
    case 'object':
      if (v === null) throw invalid(`value of ${key} is null`);
      checkJson(v, key);
      return v as Value;
    default:
      throw invalid(`value of ${key} is not a number, boolean, string or JSON`);
  }
}

function readValues(values: Record<string, unknown>, ts: number, out: DataPoint[], entries: TelemetryEntry[]): void {
  const before = out.length;
  for (const key in values) {
    checkKey(key);
    out.push({ ts, key, value: checkValue(key, values[key]) });
  }
  // `json` is set later when the payload's own text can be stored; declared here so the object keeps one shape.
  if (out.length > before) entries.push({ ts, values, json: undefined });
}

function readEntry(entry: unknown, receivedAt: number, out: DataPoint[], entries: TelemetryEntry[]): void {
  if (!isObject(entry)) throw invalid('telemetry must be an object, {"ts","values"}, or an array of those');
  if ('ts' in entry && 'values' in entry) {
    const { ts, values } = entry;
    for (const k in entry) if (k !== 'ts' && k !== 'values') throw invalid(`unexpected field ${k.slice(0, 40)} beside ts and values`);
    if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts <= 0) throw invalid('ts must be a positive whole number of milliseconds since 1970');
    if (!isObject(values)) throw invalid('values must be an object of key → value');
    readValues(values, ts, out, entries);
    return;
  }
  readValues(entry, receivedAt, out, entries);
}

/**
 * Parses a ThingsBoard telemetry payload into data points (`out`) and the entries they came in (`entries`, one per
 * timestamp given; values without a ts get `receivedAt`); throws DroppedMessage for bad input.
 */
export function parseTelemetry(payload: Buffer, receivedAt: number, out: DataPoint[], entries: TelemetryEntry[]): void {
  const text = payload.toString('utf8');
  const doc = parseText(text);
  if (Array.isArray(doc)) {
    for (const entry of doc) readEntry(entry, receivedAt, out, entries);
    return;
  }
  const before = entries.length;
  readEntry(doc, receivedAt, out, entries);
  if (entries.length === before) return;
  // The values' JSON, checked value by value above, is stored as sent (no JSON.stringify per message): the whole
  // payload for `{"k":v}`, the text of `values` for `{"ts":ms,"values":{...}}` — unless a number is beyond what
  // jsonb's numeric takes (16,383 decimals) though JavaScript rounds it: then it is serialised again.
  const json = entries[before].values === doc ? text : valuesTextOf(text);
  if (json !== undefined && json.length < 16_384 && !hugeExponent.test(json)) entries[before].json = json;
}

const hugeExponent = /[eE]-\d{4,}/;

/**
 * The text of `values` in a payload written `{"ts":<digits>,"values":{...}}` (the usual device output), else
 * undefined. The payload already parsed as JSON, so a scan of brackets and strings finds where `values` ends; anything
 * but the closing brace after it (a repeated "ts" or "values", which JSON.parse would have taken) rules it out.
 */
export function valuesTextOf(text: string): string | undefined {
  if (!text.startsWith('{"ts":')) return undefined;
  let i = 6;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  if (i === 6 || !text.startsWith(',"values":', i)) return undefined;
  const start = i + 10;
  if (text.charCodeAt(start) !== 0x7b) return undefined;
  let depth = 0;
  for (i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if ((c === 0x7d || c === 0x5d) && --depth === 0) break;
  }
  const end = i + 1;
  let last = text.length - 1;
  while (last > end && isSpace(text.charCodeAt(last))) last--;
  if (last !== end || text.charCodeAt(last) !== 0x7d) return undefined;
  return text.slice(start, end);
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Parses a ThingsBoard attributes payload (`{"k":v}`); throws DroppedMessage for bad input. */
export function parseAttributes(payload: Buffer): Record<string, unknown> {
  const doc = parseJson(payload);
  return checkAttributes(doc);
}

/** Checks an already parsed attributes object (HTTP bodies, MQTT payloads). */
export function checkAttributes(doc: unknown): Record<string, unknown> {
  if (!isObject(doc)) throw invalid('attributes must be a JSON object of key → value');
  const out: Record<string, unknown> = {};
  for (const key in doc) {
    checkKey(key);
    const value = checkValue(key, doc[key]);
    // A plain assignment to "__proto__" would set the prototype instead of adding the key.
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
