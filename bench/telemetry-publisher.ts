// One publisher process of `storeos bench telemetry`: many MQTT connections, QoS 1, a window of in-flight messages per
// connection, ThingsBoard payloads of 3 values stamped with their publish time. It speaks MQTT 3.1.1 on the socket
// itself, as autocannon speaks HTTP/1.1, so its CPU goes to publishing rather than to a client library's bookkeeping;
// the platform and the baseline get exactly the same load. Talks to the parent over IPC: {job} in, {connected},
// then {go: ms} → {report}, then {stop}.
import net from 'node:net';
import { encodePublish } from '../src/modules/devices/mqtt-wire.ts';

/** What the parent sends first. */
export interface PublisherJob {
  port: number;
  tokens: string[];
  /** How many of `tokens` (the first ones) send a value over the alarm threshold now and then. */
  trippers: number;
  window: number;
  tripEveryMs: number;
}

/** What a publisher reports after its run. */
export interface PublisherReport {
  published: number;
  acked: number;
  /** Acknowledged messages published inside the measured window. */
  ackedInWindow: number;
  /** PUBACK latency histogram: bucket i counts latencies in [i/10, (i+1)/10) ms; the last bucket holds the rest. */
  latency: number[];
  trips: number;
  errors: number;
  windowStart: number;
  windowEnd: number;
}

export const latencyBuckets = 100_000;

const topic = 'v1/devices/me/telemetry';

/** A CONNECT with the token as user name, clean session, keep-alive 120 s (MQTT 3.1.1 §3.1). */
function connectPacket(token: string, clientId: string): Buffer {
  const str = (s: string) => {
    const b = Buffer.from(s);
    return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
  };
  const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0x82, 0, 120]), str(clientId), str(token)]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]);
}

/** One device connection: sends, and hears CONNACK and PUBACKs. */
class Connection {
  readonly sentAt = new Float64Array(65_536);
  private nextId = 1;
  private pending: Buffer = Buffer.alloc(0);
  onAck: (id: number) => void = () => {};
  onClose: () => void = () => {};

  private constructor(readonly socket: net.Socket) {}

  static open(port: number, token: string, clientId: string): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      const conn = new Connection(socket);
      let connected = false;
      socket.on('error', (err) => (connected ? conn.onClose() : reject(err)));
      socket.on('close', () => conn.onClose());
      socket.on('data', (chunk: Buffer) => {
        if (connected) return conn.read(chunk);
        // §3.2: CONNACK is 0x20 0x02 flags code.
        if (chunk[0] !== 0x20 || chunk[3] !== 0) return reject(new Error(`CONNACK refused (${chunk[3]}) for ${token}`));
        connected = true;
        if (chunk.length > 4) conn.read(chunk.subarray(4));
        resolve(conn);
      });
      socket.write(connectPacket(token, clientId));
    });
  }

  /** Sends a QoS 1 PUBLISH; answers its packet id. */
  publish(payload: string): number {
    const id = this.nextId;
    this.nextId = id === 65_535 ? 1 : id + 1;
    this.sentAt[id] = performance.now();
    this.socket.write(encodePublish(topic, Buffer.from(payload), 1, id));
    return id;
  }

  private read(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    // The publishes these acknowledgements release leave in one write.
    this.socket.cork();
    // PUBACK is 0x40 0x02 id; anything else (nothing is expected) is skipped by its length.
    while (buf.length >= 2) {
      const length = buf[1];
      if (buf.length < 2 + length) break;
      if (buf[0] === 0x40) this.onAck(buf.readUInt16BE(2));
      buf = buf.subarray(2 + length);
    }
    this.pending = buf;
    this.socket.uncork();
  }
}

async function connectAll(job: PublisherJob): Promise<Connection[]> {
  const conns: Connection[] = [];
  // 50 handshakes at a time: a connect storm measures accept queues, not ingest.
  for (let i = 0; i < job.tokens.length; i += 50) {
    conns.push(...(await Promise.all(job.tokens.slice(i, i + 50).map((token, k) => Connection.open(job.port, token, `bench-${process.pid}-${i + k}`)))));
  }
  return conns;
}

async function run(job: PublisherJob, conns: Connection[], durationMs: number): Promise<PublisherReport> {
  const latency = new Array<number>(latencyBuckets).fill(0);
  const report: PublisherReport = { published: 0, acked: 0, ackedInWindow: 0, latency, trips: 0, errors: 0, windowStart: Date.now(), windowEnd: 0 };
  const endAt = report.windowStart + durationMs;
  let outstanding = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const lastFlip = Array.from({ length: job.trippers }, () => report.windowStart - Math.random() * job.tripEveryMs);
  const tripping = new Array<boolean>(job.trippers).fill(false);

  const publish = (conn: Connection, index: number) => {
    const ts = Date.now();
    if (ts >= endAt) {
      if (outstanding === 0) finish();
      return;
    }
    let temperature = 18 + Math.random() * 8;
    if (index < job.trippers) {
      // Half of the time over the threshold, half under, so each trip opens a new alarm after the last one cleared.
      if (ts - lastFlip[index] >= job.tripEveryMs / 2) {
        tripping[index] = !tripping[index];
        lastFlip[index] = ts;
        if (tripping[index]) report.trips++;
      }
      if (tripping[index]) temperature = 99;
    }
    outstanding++;
    report.published++;
    conn.publish(
      `{"ts":${ts},"values":{"temperature":${temperature.toFixed(2)},"humidity":${(40 + Math.random() * 20).toFixed(1)},"power":${(Math.random() * 3).toFixed(3)}}}`,
    );
  };

  conns.forEach((conn, index) => {
    conn.onAck = (id) => {
      outstanding--;
      const ms = performance.now() - conn.sentAt[id];
      report.acked++;
      if (Date.now() - ms < endAt) report.ackedInWindow++;
      latency[Math.min(latencyBuckets - 1, Math.floor(ms * 10))]++;
      publish(conn, index);
    };
    conn.onClose = () => {
      report.errors++;
    };
    conn.socket.cork();
    for (let k = 0; k < job.window; k++) publish(conn, index);
    process.nextTick(() => conn.socket.uncork());
  });
  await Promise.race([finished, new Promise((r) => setTimeout(r, durationMs + 15_000))]);
  report.windowEnd = endAt;
  return report;
}

let job: PublisherJob | undefined;
let conns: Connection[] = [];
process.on('message', async (msg: { job?: PublisherJob; go?: number; stop?: boolean }) => {
  try {
    if (msg.job) {
      job = msg.job;
      conns = await connectAll(job);
      process.send?.({ connected: conns.length });
    } else if (msg.go !== undefined && job) {
      process.send?.({ report: await run(job, conns, msg.go) });
    } else if (msg.stop) {
      for (const c of conns) {
        c.onClose = () => {};
        // §3.14: DISCONNECT, then the socket ends.
        c.socket.end(Buffer.from([0xe0, 0x00]));
      }
      setTimeout(() => process.exit(0), 200);
    }
  } catch (err) {
    process.send?.({ error: (err as Error).message });
  }
});
