import type { Client } from 'aedes';

/**
 * Reads a connection's PUBLISH packets (MQTT 3.1.1 §3.3, QoS 0 and 1) straight from the socket's bytes and hands them
 * to aedes as its own parser would. mqtt-packet's parser copies every field through a BufferList (a new Buffer per
 * number and string read) and calls its disabled `debug` with fresh argument arrays several times a packet: about
 * 40% of what the telemetry path allocated (docs/decisions.md). Every other packet — CONNECT, SUBSCRIBE, PINGREQ,
 * PUBACK, QoS 2, MQTT 5, anything malformed — is handed whole to mqtt-packet, which parses it (or refuses it) as before.
 */

/** The part of mqtt-packet's parser aedes drives (aedes' `client._parser`). */
interface PacketParser {
  parse(buf: Buffer): number;
  emit(event: 'packet', packet: object): boolean;
  error: Error | null;
  /** The CONNECT packet once one was parsed: its protocol version decides how a PUBLISH is laid out. */
  settings: { protocolVersion?: number };
}

/** A PUBLISH as mqtt-packet's parser builds it (same fields, same order). */
export class IncomingPublish {
  readonly cmd = 'publish';
  constructor(
    readonly retain: boolean,
    /** Set to 0 once the endpoint wrote the PUBACK itself (mqtt-acks.ts). */
    public qos: number,
    readonly dup: boolean,
    readonly length: number,
    readonly topic: string,
    readonly payload: Buffer,
    readonly messageId: number | undefined,
  ) {}
}

/** Bytes of a partial packet are kept in pieces and joined once the packet is complete. */
class PublishReader {
  private buf: Buffer | undefined;
  private pos = 0;
  private reading = false;
  /** The last topic read: a device publishes to the same one again and again, so its string is reused. */
  private topic = '';

  constructor(
    private readonly parser: PacketParser,
    private readonly parseWhole: (buf: Buffer) => number,
    private readonly take: ((packet: IncomingPublish) => boolean) | undefined,
  ) {}

  readonly parse = (chunk: Buffer): number => {
    const rest = this.buf ? this.buf.length - this.pos : 0;
    this.buf = rest > 0 ? Buffer.concat([(this.buf as Buffer).subarray(this.pos), chunk], rest + chunk.length) : chunk;
    this.pos = 0;
    // A packet handled now may let aedes read the socket again (and call here): the loop below takes those bytes too.
    if (this.reading) return 0;
    this.reading = true;
    try {
      this.readPackets();
    } finally {
      this.reading = false;
    }
    return this.buf ? this.buf.length - this.pos : 0;
  };

  private readPackets(): void {
    const parser = this.parser;
    for (;;) {
      const buf = this.buf as Buffer;
      const at = this.pos;
      const n = buf.length;
      if (at >= n) {
        this.buf = undefined;
        this.pos = 0;
        return;
      }
      // §2.2.3: the remaining length, 7 bits a byte, at most four bytes; an over-long one goes to mqtt-packet to refuse.
      let remaining = 0;
      let multiplier = 1;
      let i = at + 1;
      let complete = false;
      for (let k = 0; k < 4 && i < n; k++) {
        const byte = buf[i++];
        remaining += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete && i - at - 1 < 4) return; // the length itself is not all here yet
      const end = complete ? i + remaining : n;
      if (end > n) return; // wait for the rest of the packet
      this.pos = end;
      const packet = complete ? this.publishAt(buf, at, i, end, remaining) : undefined;
      if (!packet) this.parseWhole(buf.subarray(at, end));
      else if (!this.take?.(packet)) parser.emit('packet', packet);
      if (parser.error) {
        // mqtt-packet refused it: aedes closes the connection; nothing after it is read.
        this.buf = undefined;
        this.pos = 0;
        return;
      }
    }
  }

  /** The PUBLISH in buf[at..end) (its variable header from `body`), or undefined for mqtt-packet to parse. */
  private publishAt(buf: Buffer, at: number, body: number, end: number, remaining: number): IncomingPublish | undefined {
    const first = buf[at];
    const qos = (first >> 1) & 0x03;
    // §3.3.1: packet type 3; QoS 2 and the forbidden QoS 3 are left to mqtt-packet, as is MQTT 5's layout.
    if (first >> 4 !== 3 || qos > 1) return undefined;
    const version = this.parser.settings.protocolVersion;
    if (version !== 3 && version !== 4) return undefined;
    if (remaining < 2) return undefined;
    const topicLength = (buf[body] << 8) | buf[body + 1];
    const topicEnd = body + 2 + topicLength;
    const idEnd = topicEnd + (qos > 0 ? 2 : 0);
    if (idEnd > end) return undefined;
    const topic = this.topicOf(buf, body + 2, topicEnd);
    const messageId = qos > 0 ? (buf[topicEnd] << 8) | buf[topicEnd + 1] : undefined;
    return new IncomingPublish((first & 0x01) !== 0, qos, (first & 0x08) !== 0, remaining, topic, buf.subarray(idEnd, end), messageId);
  }

  private topicOf(buf: Buffer, start: number, end: number): string {
    const last = this.topic;
    if (last.length === end - start) {
      let same = true;
      for (let i = 0; i < last.length; i++) {
        // A byte is a character only in ASCII: any other topic is decoded anew.
        const byte = buf[start + i];
        if (byte >= 0x80 || byte !== last.charCodeAt(i)) {
          same = false;
          break;
        }
      }
      if (same) return last;
    }
    const topic = buf.toString('utf8', start, end);
    this.topic = topic;
    return topic;
  }
}

/**
 * Has aedes' client read its PUBLISH packets with a PublishReader; a client whose parser is not as expected keeps it.
 * `take` may handle a PUBLISH itself (answering true), with the connection's PublishFlow; the others go to aedes.
 */
export function readPublishesDirectly(client: Client, take?: (packet: IncomingPublish) => boolean): void {
  const parser = (client as unknown as { _parser?: PacketParser })._parser;
  if (!parser || typeof parser.parse !== 'function' || typeof parser.emit !== 'function' || typeof parser.settings !== 'object') return;
  const parseWhole = parser.parse.bind(parser);
  parser.parse = new PublishReader(parser, parseWhole, take).parse;
}

/** What aedes' client keeps to pace its reading: packets in hand, the callback that reads on, its keep-alive timer. */
interface AedesFlow {
  _parsingBatch: number;
  _nextBatch: (err?: Error | null) => void;
  _keepaliveInterval: number;
  _keepaliveTimer: NodeJS.Timeout | null;
  connackSent: boolean;
  connected: boolean;
  closed: boolean;
}

/** A connection's PUBLISH handled outside aedes' publish handling, paced as aedes paces its own. */
export interface PublishFlow {
  /** Whether aedes would handle a PUBLISH now (CONNACK sent, connection open); else it must go to aedes. */
  open(): boolean;
  /** A PUBLISH was taken: aedes reads no further packets until it is released. */
  took(): void;
  /** The PUBLISH is done (its PUBACK written, or refused): aedes reads on, or closes the connection on an error. */
  release(err: Error | null): void;
}

/**
 * The flow of PUBLISH packets through aedes' client as aedes' own handler drives it (lib/client.js: `enqueue`
 * counts a packet in, `nextBatch` reads on once all are done; `handle` refreshes the keep-alive per packet), or
 * undefined when the client does not have those fields (another aedes): then every packet goes through aedes.
 * `released` runs after each release (the endpoint closes a connection whose device was refused).
 */
export function publishFlowOf(client: Client, released: (err: Error | null) => void): PublishFlow | undefined {
  const c = client as unknown as AedesFlow;
  if (typeof c._parsingBatch !== 'number' || typeof c._nextBatch !== 'function' || typeof c.connackSent !== 'boolean') return undefined;
  return {
    open: () => c.connackSent && c.connected && !c.closed,
    took: () => {
      c._parsingBatch++;
      // MQTT 3.1.1 §3.1.2.10: any control packet counts as the client's activity for the keep-alive.
      if (c._keepaliveInterval > 0) c._keepaliveTimer?.refresh();
    },
    release: (err) => {
      c._nextBatch(err);
      released(err);
    },
  };
}
