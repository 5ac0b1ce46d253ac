/**
 * Inputs for the MQTT fuzz test: random and mutated topics and payloads (sent with a real client), and malformed
 * packets for a raw socket. A seeded generator, so a failing run can be replayed with its seed.
 */

/** A small seeded PRNG (mulberry32). */
export function randomSource(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, pick, bytes };
}
export type Random = ReturnType<typeof randomSource>;

const deviceTopics = [
  'v1/devices/me/telemetry',
  'v1/devices/me/attributes',
  'v1/devices/me/attributes/request/1',
  'v1/devices/me/rpc/request/7',
  'v1/devices/me/rpc/response/9',
  'v1/gateway/telemetry',
  'v1/gateway/connect',
  'v1/devices/other/telemetry',
  '/provision/request',
  'v1/devices/me/attributes/response/3',
] as const;

const validPayloads = [
  '{"temperature":4.2,"door":false,"power":0.3}',
  '{"ts":1700000000000,"values":{"a":1,"b":"x","c":true}}',
  '[{"ts":1700000000000,"values":{"a":1}},{"a":2}]',
  '{"clientKeys":"fw","sharedKeys":"setpoint"}',
  '{"method":"getTime","params":{}}',
  '{"Device A":[{"ts":1700000000000,"values":{"t":1}}]}',
  '{"nested":{"deep":[1,2,{"x":null}]}}',
] as const;

const nasty = ['', 'null', 'true', '[]', '{}', '"str"', '1e999', '{"a":NaN}', '{"a":1,}', '{"\u0000":1}', '{"a":"\ud800"}', '{"ts":"soon","values":{}}'];

/** A topic: mostly the device API's, some mutated (a character changed, cut, or extended), some random. */
export function fuzzTopic(r: Random): string {
  const base = r.pick(deviceTopics);
  switch (r.int(6)) {
    case 0:
      return base.slice(0, r.int(base.length) + 1);
    case 1: {
      const at = r.int(base.length);
      return base.slice(0, at) + String.fromCharCode(33 + r.int(90)).replace(/[+#]/, 'x') + base.slice(at + 1);
    }
    case 2:
      return `${base}/${r.int(1_000_000)}`;
    case 3:
      return Array.from({ length: 1 + r.int(40) }, () => String.fromCharCode(48 + r.int(74)))
        .join('')
        .replace(/[+#]/g, '_');
    default:
      return base;
  }
}

/** A payload: valid ones, JSON with bytes flipped or cut, nasty literals, random bytes, deep nesting, or oversize. */
export function fuzzPayload(r: Random, maxPayload: number): Buffer {
  const valid = Buffer.from(r.pick(validPayloads));
  switch (r.int(9)) {
    case 0:
      return valid;
    case 1: {
      const b = Buffer.from(valid);
      for (let k = 0; k < 1 + r.int(3); k++) b[r.int(b.length)] = r.int(256);
      return b;
    }
    case 2:
      return valid.subarray(0, r.int(valid.length));
    case 3:
      return Buffer.from(r.pick(nasty));
    case 4:
      return r.bytes(r.int(200));
    case 5:
      return Buffer.from(`${'['.repeat(50 + r.int(500))}1${']'.repeat(50)}`);
    case 6:
      return Buffer.from(JSON.stringify({ big: 'x'.repeat(maxPayload + r.int(1000)) }));
    case 7:
      return Buffer.from(JSON.stringify(Object.fromEntries(Array.from({ length: 1 + r.int(50) }, (_, k) => [`k${r.int(1000)}_${k}`, r.next() * 1e6]))));
    default:
      return Buffer.from(JSON.stringify({ ts: r.int(2 ** 31) * 1000, values: { v: r.next() } }));
  }
}

/** Encodes an MQTT remaining length (§2.2.3). */
function remaining(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

const str = (s: string) => {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
};

/** A valid MQTT 3.1.1 CONNECT with the token as user name (§3.1). */
export function connectPacket(token: string, clientId = `fuzz-${Math.random().toString(36).slice(2)}`): Buffer {
  const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0x82, 0, 30]), str(clientId), str(token)]);
  return Buffer.concat([Buffer.from([0x10]), remaining(body.length), body]);
}

/** Byte sequences that break the protocol in different ways; each is sent on its own connection. */
export function malformedPackets(r: Random, token: string): Buffer[] {
  const connect = connectPacket(token);
  const publish = (flags: number, topic: string, payload: Buffer, id?: number) => {
    const body = Buffer.concat([str(topic), id === undefined ? Buffer.alloc(0) : Buffer.from([id >> 8, id & 0xff]), payload]);
    return Buffer.concat([Buffer.from([0x30 | flags]), remaining(body.length), body]);
  };
  const cases: Buffer[] = [
    r.bytes(64),
    Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f]), // a length of more than four bytes
    Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]), // CONNECT announcing 256 MB
    Buffer.concat([Buffer.from([0x10, 10]), str('MQTT'), Buffer.from([9, 0])]), // unknown protocol level, cut short
    Buffer.concat([connect, connect]), // a second CONNECT (§3.1.0-2)
    Buffer.concat([connect, publish(0x06, 'v1/devices/me/telemetry', Buffer.from('{"a":1}'), 1)]), // QoS 3
    Buffer.concat([connect, publish(0x02, 'v1/devices/+/telemetry', Buffer.from('{"a":1}'), 2)]), // wildcard in a topic name
    Buffer.concat([connect, publish(0x02, '', Buffer.from('{"a":1}'), 3)]), // empty topic
    Buffer.concat([connect, Buffer.from([0x82, 0x03, 0x00, 0x01, 0x00])]), // SUBSCRIBE without a filter
    Buffer.concat([connect, Buffer.from([0x00, 0x00]), Buffer.from([0xf0, 0x00])]), // reserved packet types 0 and 15
    Buffer.concat([connect, Buffer.from([0x32, 0xff, 0xff, 0x7f]), r.bytes(1000)]), // PUBLISH announcing 2 MB, then silence
    Buffer.concat([connect, publish(0x02, 'v1/devices/me/telemetry', Buffer.from('{"a":1}'), 0)]), // packet identifier 0
    Buffer.concat([publish(0x00, 'v1/devices/me/telemetry', Buffer.from('{"a":1}'))]), // PUBLISH before CONNECT
  ];
  for (let k = 0; k < 20; k++) cases.push(Buffer.concat([connect, r.bytes(1 + r.int(300))]));
  for (let k = 0; k < 10; k++) {
    const p = publish(0x02, 'v1/devices/me/telemetry', Buffer.from('{"temperature":1}'), 1 + k);
    p[r.int(p.length)] = r.int(256);
    cases.push(Buffer.concat([connect, p]));
  }
  return cases;
}
