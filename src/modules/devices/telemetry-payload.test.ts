import { describe, expect, it } from 'vitest';
import { type DataPoint, DroppedMessage } from './contract.ts';
import { maxJsonDepth, parseAttributes, parseTelemetry } from './telemetry-payload.ts';
import { copyEscape, encodeEntry, entryText, rowRoom, type TelemetryEntry, writeEntry } from './telemetry-rows.ts';

const now = 1_700_000_000_000;

function parse(text: string | Buffer) {
  const points: DataPoint[] = [];
  const entries: TelemetryEntry[] = [];
  parseTelemetry(Buffer.isBuffer(text) ? text : Buffer.from(text), now, points, entries);
  return { points, entries };
}

function refusal(text: string | Buffer): DroppedMessage {
  try {
    parse(text);
  } catch (err) {
    if (err instanceof DroppedMessage) return err;
    throw err;
  }
  throw new Error(`accepted: ${text}`);
}

describe('parseTelemetry: the ThingsBoard shapes', () => {
  it('reads {"k":v} with the receive time', () => {
    const { points, entries } = parse('{"temperature":4.2,"door":true,"mode":"eco","info":{"fw":"2.1","ch":[1,2]}}');
    expect(points).toEqual([
      { ts: now, key: 'temperature', value: 4.2 },
      { ts: now, key: 'door', value: true },
      { ts: now, key: 'mode', value: 'eco' },
      { ts: now, key: 'info', value: { fw: '2.1', ch: [1, 2] } },
    ]);
    expect(entries).toHaveLength(1);
    expect(entries[0].ts).toBe(now);
  });

  it('reads {"ts","values"} with the given time', () => {
    const { points, entries } = parse('{"ts":1451649600512,"values":{"key1":"value1","key2":"value2"}}');
    expect(points).toEqual([
      { ts: 1451649600512, key: 'key1', value: 'value1' },
      { ts: 1451649600512, key: 'key2', value: 'value2' },
    ]);
    expect(entries).toEqual([{ ts: 1451649600512, values: { key1: 'value1', key2: 'value2' }, json: '{"key1":"value1","key2":"value2"}' }]);
  });

  it('reads arrays of both shapes, one entry per timestamp', () => {
    const { points, entries } = parse('[{"ts":1,"values":{"a":1}},{"b":2},{"ts":3,"values":{"a":3,"c":false}}]');
    expect(points.map((p) => [p.ts, p.key, p.value])).toEqual([
      [1, 'a', 1],
      [now, 'b', 2],
      [3, 'a', 3],
      [3, 'c', false],
    ]);
    expect(entries.map((e) => e.ts)).toEqual([1, now, 3]);
  });

  it('accepts an empty object or array as nothing to store', () => {
    expect(parse('{}').points).toEqual([]);
    expect(parse('[]').entries).toEqual([]);
    expect(parse('[{}, {"ts":5,"values":{}}]').entries).toEqual([]);
  });

  it('stores a {"k":v} payload as sent, re-serialising only what jsonb could not take', () => {
    expect(parse('{"a": 1, "b":"x"}').entries[0].json).toBe('{"a": 1, "b":"x"}');
    expect(parse('{"a":1e-20000}').entries[0].json).toBeUndefined();
  });

  it('stores the values of {"ts","values"} as sent, when nothing but them follows', () => {
    expect(parse('{"ts":5,"values":{"a":{"b":[1,"}"]},"c":"\\"{"}}').entries[0].json).toBe('{"a":{"b":[1,"}"]},"c":"\\"{"}');
    expect(parse('{"ts":5,"values":{"a":1}}  ').entries[0].json).toBe('{"a":1}');
    // A repeated field is taken by JSON.parse from its last occurrence: then the values are serialised again.
    expect(parse('{"ts":5,"values":{"a":1},"values":{"a":2}}').entries[0]).toEqual({ ts: 5, values: { a: 2 } });
    expect(parse('{"ts":5,"values":{"a":1},"ts":6}').entries[0]).toEqual({ ts: 6, values: { a: 1 } });
    expect(parse('{"values":{"a":1},"ts":5}').entries[0].json).toBeUndefined();
    expect(parse('{"ts":5,"values":{"a":1e-20000}}').entries[0].json).toBeUndefined();
  });

  it('keeps a key named __proto__ as data', () => {
    const { points } = parse('{"__proto__":1}');
    expect(points).toEqual([{ ts: now, key: '__proto__', value: 1 }]);
  });
});

describe('parseTelemetry: bad input is dropped with a reason', () => {
  it('invalid_json for what is not JSON', () => {
    for (const bad of ['', '{', '{"a":1,}', "{'a':1}", 'NaN', '\u0000', '{"a":1}}']) expect(refusal(bad).reason).toBe('invalid_json');
    expect(refusal(Buffer.from([0xff, 0xfe, 0x00])).reason).toBe('invalid_json');
  });

  it('invalid_shape for JSON of the wrong shape', () => {
    const cases = [
      '"text"',
      '42',
      'null',
      'true',
      '[1,2]',
      '[[{"a":1}]]',
      '{"a":null}',
      '{"ts":"now","values":{"a":1}}',
      '{"ts":1.5,"values":{"a":1}}',
      '{"ts":-1,"values":{"a":1}}',
      '{"ts":1,"values":[1]}',
      '{"ts":1,"values":{"a":1},"extra":2}',
      '{"":1}',
      '{"a":1e400}',
      '{"a":"nul\\u0000here"}',
      '{"a":"\\ud800"}',
      '{"\\udc00":1}',
      '{"a":{"b":"\\u0000"}}',
    ];
    for (const bad of cases) expect(refusal(bad).reason, bad).toBe('invalid_shape');
  });

  it('refuses keys over 255 characters and JSON nested deeper than the limit', () => {
    expect(refusal(`{"${'k'.repeat(256)}":1}`).reason).toBe('invalid_shape');
    expect(parse(`{"${'k'.repeat(255)}":1}`).points).toHaveLength(1);
    const deep = (n: number) => `{"a":${'['.repeat(n)}1${']'.repeat(n)}}`;
    expect(parse(deep(maxJsonDepth - 1)).points).toHaveLength(1);
    expect(refusal(deep(maxJsonDepth + 1)).message).toContain('nested deeper');
    expect(refusal(deep(20_000)).reason).toMatch(/invalid_(shape|json)/);
  });
});

describe('parseAttributes', () => {
  it('reads an object of any JSON values but null', () => {
    expect(parseAttributes(Buffer.from('{"fw":"2.1","n":3,"on":true,"cfg":{"a":[1]}}'))).toEqual({ fw: '2.1', n: 3, on: true, cfg: { a: [1] } });
    expect(() => parseAttributes(Buffer.from('[1]'))).toThrow(DroppedMessage);
    expect(() => parseAttributes(Buffer.from('{"a":null}'))).toThrow(DroppedMessage);
  });
});

describe('COPY rows', () => {
  it('escapes what COPY text format treats specially', () => {
    expect(copyEscape('plain')).toBe('plain');
    expect(copyEscape('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
  });

  it('encodes an entry as ts, device, retention and the values as JSON', () => {
    expect(encodeEntry(7, 30, { ts: 5, values: { a: 1, s: 'x\ty' } })).toBe('5\t7\t30\t{"a":1,"s":"x\\\\ty"}\n');
  });

  it('writes into a buffer the same bytes it encodes as a string', () => {
    const cases: [number, number, TelemetryEntry][] = [
      [7, 30, { ts: 5, values: { a: 1, s: 'x\ty' } }],
      [123_456, 3650, { ts: now + 999, values: {}, json: '{"t":21.5,"name":"Kühlschrank ❄","e":"😀"}' }],
      [1, 1, { ts: 10, values: { nested: { deep: [1, 'a\\b'] } } }],
      [10, 90, { ts: 1_000_000_000, values: { a: 0 } }],
      [999_999_999, 365, { ts: 1_700_000_000_005, values: { b: true } }],
    ];
    for (const [sid, days, entry] of cases) {
      const text = entryText(entry);
      const buf = Buffer.alloc(rowRoom(text) + 3);
      const end = writeEntry(buf, 3, sid, days, entry.ts, text);
      expect(buf.subarray(3, end).toString('utf8')).toBe(encodeEntry(sid, days, entry));
    }
  });
});
