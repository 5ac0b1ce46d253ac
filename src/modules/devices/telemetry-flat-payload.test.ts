import { describe, expect, it } from 'vitest';
import { type DataPoint, DroppedMessage } from './contract.ts';
import { flatEntry, readFlatTelemetry } from './telemetry-flat-payload.ts';
import { parseTelemetry } from './telemetry-payload.ts';
import { entryText, type TelemetryEntry } from './telemetry-rows.ts';

const now = 1_700_000_000_000;

/** What the full parser makes of a payload: its points and the row text, or the refusal. */
function full(text: string): { points: DataPoint[]; row: string } | { refused: string } {
  const points: DataPoint[] = [];
  const entries: TelemetryEntry[] = [];
  try {
    parseTelemetry(Buffer.from(text), now, points, entries);
  } catch (err) {
    if (err instanceof DroppedMessage) return { refused: err.reason };
    throw err;
  }
  return { points, row: entries.length === 1 ? `${entries[0].ts} ${entryText(entries[0])}` : `${entries.length} entries` };
}

/** What the fast path makes of it, or undefined when it leaves it to the full parser. */
function fast(text: string, known?: readonly string[]): { points: DataPoint[]; row: string } | undefined {
  const payload = Buffer.from(text);
  if (!readFlatTelemetry(payload, now, known)) return undefined;
  expect(flatEntry.values).toHaveLength(flatEntry.keys.length);
  const points: DataPoint[] = flatEntry.keys.map((key, i) => ({ ts: flatEntry.ts, key, value: flatEntry.values[i] }));
  return { points, row: `${flatEntry.ts} ${payload.toString('latin1', flatEntry.start, flatEntry.end)}` };
}

function agree(text: string, known?: readonly string[]): boolean {
  const got = fast(text, known);
  if (got === undefined) return false;
  const want = full(text);
  expect(want).toEqual(got);
  // -0 and 0 are equal to toEqual's eyes only up to Object.is: compare them exactly too.
  if ('points' in want) for (const [i, p] of want.points.entries()) expect(Object.is(p.value, got.points[i].value)).toBe(true);
  return true;
}

describe('readFlatTelemetry: the usual payloads read from their bytes', () => {
  it('reads the bench payload and the flat shape as the full parser does', () => {
    expect(agree('{"ts":1700000000123,"values":{"temperature":21.37,"humidity":48.2,"power":1.234}}')).toBe(true);
    expect(agree('{"temperature":-4.5,"door":0,"n":-0,"x":0.001,"big":123456789012345}')).toBe(true);
    expect(agree('{"a":-0.0,"b":1.10,"c":999999999999999}')).toBe(true);
  });

  it('reuses the device’s key strings when the keys are the same, in order', () => {
    const known = ['temperature', 'humidity'];
    expect(fast('{"temperature":1,"humidity":2}', known)).toBeDefined();
    expect(flatEntry.keys).toBe(known);
    expect(fast('{"humidity":1,"temperature":2}', known)).toBeDefined();
    expect(flatEntry.keys).toEqual(['humidity', 'temperature']);
    expect(fast('{"temperature":1}', known)).toBeDefined();
    expect(flatEntry.keys).toEqual(['temperature']);
  });

  it('leaves everything else to the full parser', () => {
    for (const text of [
      '{}',
      '{"ts":1,"values":{}}',
      '{ "a":1}',
      '{"a":1 }',
      '{"a":"x"}',
      '{"a":true}',
      '{"a":null}',
      '{"a":1e3}',
      '{"a":1.5E-3}',
      '{"a":01}',
      '{"a":-}',
      '{"a":1.}',
      '{"a":.5}',
      '{"a":+1}',
      '{"a":1234567890123456}',
      '{"a":0.1234567890123456}',
      '{"a":1,"a":2}',
      '{"1":1,"b":2}',
      '{"":1}',
      '{"a\\u0041":1}',
      '{"ä":1}',
      '{"ts":5}',
      '{"values":{"a":1}}',
      '{"ts":5,"values":{"a":1},"x":1}',
      '{"ts":0,"values":{"a":1}}',
      '{"ts":-5,"values":{"a":1}}',
      '{"ts":1.5,"values":{"a":1}}',
      '{"ts":1234567890123456,"values":{"a":1}}',
      '{"ts":5,"values":{"a":1}} ',
      '{"ts":5,"values":{"a":1}}}',
      '{"a":1}x',
      '{"a":1',
      '{"a":1,}',
      '[{"a":1}]',
      `{"${'k'.repeat(256)}":1}`,
    ]) {
      expect(fast(text), text).toBeUndefined();
    }
  });

  it('agrees with the full parser on random payloads of the usual shapes', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
    const number = () => {
      const sign = random() < 0.2 ? '-' : '';
      const int = random() < 0.3 ? '0' : String(1 + Math.floor(random() * 9)) + digits(Math.floor(random() * 8));
      const frac = random() < 0.7 ? `.${digits(1 + Math.floor(random() * 8))}` : '';
      return `${sign}${int}${frac}`;
    };
    const keys = ['temperature', 'humidity', 'power', 'door', 'ts', 'values', 'a b', 'x-1', 'ÿ', '__proto__'];
    let taken = 0;
    for (let n = 0; n < 3000; n++) {
      const count = 1 + Math.floor(random() * 4);
      const pairs = Array.from({ length: count }, () => `"${keys[Math.floor(random() * keys.length)]}":${number()}`).join(',');
      const text = random() < 0.5 ? `{"ts":${1 + Math.floor(random() * 2e12)},"values":{${pairs}}}` : `{${pairs}}`;
      if (agree(text, random() < 0.5 ? ['temperature', 'humidity'] : undefined)) taken++;
    }
    // Most of them are the fast path's to take (the others repeat a key or have ts/values as flat keys).
    expect(taken).toBeGreaterThan(1000);
  });
});
