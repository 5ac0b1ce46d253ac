import { EventEmitter } from 'node:events';
import type { Client, PublishPacket } from 'aedes';
import { describe, expect, it } from 'vitest';
import { PubackBatcher } from './mqtt-acks.ts';

/** A client whose socket records what is written and says whether its buffer has room. */
function fakeClient(room: () => boolean) {
  const conn = Object.assign(new EventEmitter(), {
    destroyed: false,
    written: [] as Buffer[],
    write(b: Buffer) {
      conn.written.push(b);
      return room();
    },
  });
  return { client: { closed: false, conn } as unknown as Client, conn };
}

const packet = (messageId: number) => ({ cmd: 'publish', qos: 1, messageId, topic: 't', payload: Buffer.alloc(0) }) as unknown as PublishPacket;
const turn = () => new Promise((r) => setImmediate(r));

describe('PUBACKs written per connection', () => {
  it('sends the PUBACKs one turn releases in one write, in order, then lets aedes go on without its own', async () => {
    const acks = new PubackBatcher(() => {});
    const { client, conn } = fakeClient(() => true);
    const released: number[] = [];
    const packets = [packet(1), packet(300), packet(65535)];
    for (const p of packets) acks.add(client, p, () => released.push(p.messageId ?? 0));
    expect(conn.written).toHaveLength(0);
    await turn();
    expect(conn.written).toHaveLength(1);
    expect([...conn.written[0]]).toEqual([0x40, 2, 0, 1, 0x40, 2, 1, 44, 0x40, 2, 255, 255]);
    expect(released).toEqual([1, 300, 65535]);
    expect(packets.every((p) => p.qos === 0)).toBe(true);
  });

  it('keeps a device that does not read its PUBACKs waiting until its socket drains', async () => {
    const acks = new PubackBatcher(() => {});
    let full = true;
    const { client, conn } = fakeClient(() => !full);
    const released: number[] = [];
    acks.add(client, packet(1), () => released.push(1));
    await turn();
    acks.add(client, packet(2), () => released.push(2));
    await turn();
    expect(conn.written).toHaveLength(2);
    expect(released).toEqual([]);
    full = false;
    conn.emit('drain');
    expect(released).toEqual([1, 2]);
  });
});
