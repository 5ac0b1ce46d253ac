import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { encodePublish, guardPacketSize } from './mqtt-wire.ts';

/** Reads back the fields of an encoded PUBLISH (MQTT 3.1.1 §3.3). */
function decode(packet: Buffer) {
  let at = 1;
  let length = 0;
  let multiplier = 1;
  let byte: number;
  do {
    byte = packet[at++];
    length += (byte & 0x7f) * multiplier;
    multiplier *= 128;
  } while (byte & 0x80);
  const qos = (packet[0] >> 1) & 3;
  const topicLength = packet.readUInt16BE(at);
  const topic = packet.toString('utf8', at + 2, at + 2 + topicLength);
  let rest = at + 2 + topicLength;
  const id = qos > 0 ? packet.readUInt16BE(rest) : undefined;
  if (qos > 0) rest += 2;
  return { type: packet[0] >> 4, qos, length, lengthMatches: length === packet.length - at, topic, id, payload: packet.subarray(rest) };
}

describe('encodePublish', () => {
  it('writes type, QoS, packet id, topic and payload, with the remaining length right at every varint size', () => {
    for (const size of [0, 100, 127 - 30, 16_383, 16_384, 2_097_152]) {
      const payload = Buffer.alloc(size, 'x');
      const p = decode(encodePublish('v1/devices/me/rpc/request/7', payload, 1, 513));
      expect(p).toMatchObject({ type: 3, qos: 1, lengthMatches: true, topic: 'v1/devices/me/rpc/request/7', id: 513 });
      expect(p.payload.equals(payload)).toBe(true);
    }
    const q0 = decode(encodePublish('v1/devices/me/attributes', Buffer.from('{"a":1}'), 0, 0));
    expect(q0).toMatchObject({ qos: 0, id: undefined, lengthMatches: true });
    expect(q0.payload.toString()).toBe('{"a":1}');
    expect(decode(encodePublish('温度/主题', Buffer.from('1'), 0, 0)).topic).toBe('温度/主题');
  });
});

describe('guardPacketSize', () => {
  const watch = (max: number) => {
    const conn = new PassThrough();
    const refused: string[] = [];
    conn.on('readable', () => {
      while (conn.read() !== null) {}
    });
    guardPacketSize(conn, max, (reason) => refused.push(reason));
    return { conn, refused };
  };

  it('lets packets within the limit through, however the bytes are split into chunks', async () => {
    const { conn, refused } = watch(1000);
    const stream = Buffer.concat([
      Buffer.from([0xc0, 0x00]),
      encodePublish('t', Buffer.alloc(900), 1, 1),
      Buffer.from([0xc0, 0x00]),
      encodePublish('u', Buffer.alloc(200), 0, 0),
    ]);
    for (let i = 0; i < stream.length; i += 7) conn.write(stream.subarray(i, i + 7));
    await new Promise((r) => setImmediate(r));
    expect(refused).toEqual([]);
    expect(conn.destroyed).toBe(false);
  });

  it('closes the connection when a packet announces more than the limit, before its body arrives', async () => {
    const { conn, refused } = watch(1000);
    conn.write(Buffer.from([0x30, 0xff, 0xff, 0x7f]));
    await new Promise((r) => setImmediate(r));
    expect(refused).toEqual(['too_large']);
    expect(conn.destroyed).toBe(true);
  });

  it('closes the connection on a remaining length of more than four bytes (§2.2.3)', async () => {
    const { conn, refused } = watch(1000);
    conn.write(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]));
    await new Promise((r) => setImmediate(r));
    expect(refused).toEqual(['malformed']);
    expect(conn.destroyed).toBe(true);
  });
});
