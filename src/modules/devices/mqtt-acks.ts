import type { Client, PublishPacket } from 'aedes';

/**
 * PUBACKs of committed telemetry, written by the endpoint itself: every acknowledgement one COMMIT releases for a
 * connection leaves in one socket write, instead of aedes' three stream writes, cork and timer per message
 * (docs/decisions.md). aedes still runs the rest of its publish handling, told that the message needs no PUBACK
 * from it.
 */

/** Lets aedes go on with the message (its `authorizePublish` callback). */
type Release = (err: Error | null) => void;

interface Waiting {
  packets: PublishPacket[];
  releases: Release[];
}

/** MQTT 3.1.1 §3.4: PUBACK is the fixed header 0x40, remaining length 2, and the packet identifier. */
function encodePubacks(packets: PublishPacket[]): Buffer {
  const out = Buffer.allocUnsafe(packets.length * 4);
  for (let i = 0; i < packets.length; i++) {
    const id = packets[i].messageId ?? 0;
    out[i * 4] = 0x40;
    out[i * 4 + 1] = 0x02;
    out[i * 4 + 2] = id >> 8;
    out[i * 4 + 3] = id & 0xff;
  }
  return out;
}

/** Collects the PUBACKs that become due in one turn of the event loop and writes them per connection at its end. */
export class PubackBatcher {
  private waiting = new Map<Client, Waiting>();
  private scheduled = false;
  /** Connections whose socket buffer is full: what they wait to release, in order, until 'drain'. */
  private readonly blocked = new WeakMap<Client, Waiting[]>();

  /** `onError` hears a failure of aedes' own handling after a release; the other connections are released regardless. */
  constructor(private readonly onError: (err: unknown) => void) {}

  /**
   * A QoS 1 message is committed: its PUBACK joins the connection's others of this turn (§4.6: in the order they
   * were committed, which for one connection is the order they were received within a batch).
   */
  add(client: Client, packet: PublishPacket, release: Release): void {
    let w = this.waiting.get(client);
    if (!w) {
      w = { packets: [], releases: [] };
      this.waiting.set(client, w);
    }
    w.packets.push(packet);
    w.releases.push(release);
    if (!this.scheduled) {
      this.scheduled = true;
      // A microtask: the writer settles a whole batch in one synchronous loop, so all its PUBACKs are in by then.
      queueMicrotask(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const waiting = this.waiting;
    this.waiting = new Map();
    for (const [client, w] of waiting) {
      const conn = client.conn;
      // A socket that is gone takes no PUBACK; aedes is still released so it can finish the client.
      const open = !client.closed && !conn.destroyed;
      const flowing = open ? conn.write(encodePubacks(w.packets)) : true;
      // Back-pressure as aedes applies it: a device that does not read its PUBACKs is not read from meanwhile
      // (aedes reads a connection's next packets once the current ones are released; it emits 'drain' on close).
      if (flowing && !this.blocked.has(client)) this.release(w);
      else this.block(client, w);
    }
  };

  private block(client: Client, w: Waiting): void {
    const queued = this.blocked.get(client);
    if (queued) {
      queued.push(w);
      return;
    }
    this.blocked.set(client, [w]);
    client.conn.once('drain', () => {
      const all = this.blocked.get(client) ?? [];
      this.blocked.delete(client);
      for (const each of all) this.release(each);
    });
  }

  private release(w: Waiting): void {
    for (let i = 0; i < w.packets.length; i++) {
      // The PUBACK is written: aedes must not send another, so it goes on as for a QoS 0 message (§3.3.4).
      w.packets[i].qos = 0;
      try {
        w.releases[i](null);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
