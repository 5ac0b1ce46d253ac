import mqtt from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { encodePublish } from './mqtt-wire.ts';
import { readPublishesDirectly } from './mqtt-publish-reader.ts';
import type { Client } from 'aedes';

/** The packets mqtt-packet's parser emits for `chunks`, read through a PublishReader or on its own. */
function parsed(chunks: Buffer[], direct: boolean): object[] {
  const parser = mqtt.parser();
  const out: object[] = [];
  parser.on('packet', (p) => out.push({ ...p }));
  parser.on('error', (err) => out.push({ error: err.message }));
  const client = { _parser: parser } as unknown as Client;
  if (direct) readPublishesDirectly(client);
  for (const c of chunks) (client as unknown as { _parser: { parse(b: Buffer): void } })._parser.parse(c);
  return out;
}

const connect = mqtt.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'c1', keepalive: 60, username: 'token' });
const stream = Buffer.concat([
  connect,
  encodePublish('v1/devices/me/telemetry', Buffer.from('{"a":1}'), 1, 7),
  encodePublish('v1/devices/me/telemetry', Buffer.from('{"a":2}'), 1, 8),
  mqtt.generate({ cmd: 'pingreq' }),
  encodePublish('v1/devices/me/attributes', Buffer.from('x'.repeat(300)), 0, 0),
  mqtt.generate({ cmd: 'subscribe', messageId: 9, subscriptions: [{ topic: 'v1/devices/me/rpc/request/+', qos: 1 }] }),
  mqtt.generate({ cmd: 'publish', topic: 'q2', payload: Buffer.from('z'), qos: 2, messageId: 10, retain: false, dup: false }),
  encodePublish('v1/devices/me/tëlemetry', Buffer.alloc(0), 1, 11),
  mqtt.generate({ cmd: 'puback', messageId: 3 }),
  mqtt.generate({ cmd: 'disconnect' }),
]);

describe('readPublishesDirectly', () => {
  it('gives aedes the packets mqtt-packet gives, however the bytes are split', () => {
    const whole = parsed([stream], false);
    expect(whole).toHaveLength(10);
    expect(parsed([stream], true)).toEqual(whole);
    for (let seed = 1; seed <= 200; seed++) {
      const chunks: Buffer[] = [];
      let at = 0;
      let s = seed;
      while (at < stream.length) {
        s = (s * 1_103_515_245 + 12_345) & 0x7fffffff;
        const n = 1 + (s % 40);
        chunks.push(stream.subarray(at, at + n));
        at += n;
      }
      expect(parsed(chunks, true)).toEqual(whole);
    }
  });

  it('leaves a malformed packet to mqtt-packet, which refuses it, and reads nothing after it', () => {
    const bad = Buffer.concat([connect, Buffer.from([0x36, 0x02, 0x00, 0x00]), encodePublish('t', Buffer.from('1'), 0, 0)]);
    expect(parsed([bad], true)).toEqual(parsed([bad], false).slice(0, 2));
    const overlong = Buffer.concat([connect, Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])]);
    expect(parsed([overlong], true)).toEqual(parsed([overlong], false).slice(0, 2));
  });
});
