import type { Duplex } from 'node:stream';

/** Encodes an MQTT 3.1.1 PUBLISH packet (§3.3): the endpoint writes what it sends to devices itself, outside aedes' routing. */
export function encodePublish(topic: string, payload: Buffer, qos: 0 | 1, packetId: number): Buffer {
  const topicLength = Buffer.byteLength(topic);
  // §3.3.2: topic name as a length-prefixed UTF-8 string, then the packet identifier for QoS > 0.
  const variable = 2 + topicLength + (qos > 0 ? 2 : 0);
  const remaining = variable + payload.length;
  const lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
  const out = Buffer.allocUnsafe(1 + lengthBytes + remaining);
  // §3.3.1: packet type 3, DUP 0, QoS in bits 2-1, RETAIN 0.
  out[0] = 0x30 | (qos << 1);
  // §2.2.3: remaining length as a variable-length integer, 7 bits per byte, least significant first.
  let n = remaining;
  let at = 1;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out[at++] = byte;
  } while (n > 0);
  out.writeUInt16BE(topicLength, at);
  at += 2;
  at += out.write(topic, at, 'utf8');
  if (qos > 0) {
    out.writeUInt16BE(packetId, at);
    at += 2;
  }
  payload.copy(out, at);
  return out;
}

/**
 * Watches the bytes aedes reads from a connection and closes it when a packet announces more than `maxPacket` bytes,
 * before the parser buffers it; also closes on a malformed length (§2.2.3: at most four length bytes).
 */
export function guardPacketSize(conn: Duplex, maxPacket: number, onRefused: (reason: 'too_large' | 'malformed') => void): void {
  // Parser state across chunks: reading the type byte, the length bytes, or skipping the packet's remaining bytes.
  let skip = 0;
  let inLength = false;
  let length = 0;
  let multiplier = 1;
  let lengthBytes = 0;
  const refuse = (reason: 'too_large' | 'malformed') => {
    conn.removeListener('data', watch);
    onRefused(reason);
    conn.destroy();
  };
  const watch = (chunk: Buffer) => {
    let i = 0;
    while (i < chunk.length) {
      if (skip > 0) {
        const take = Math.min(skip, chunk.length - i);
        skip -= take;
        i += take;
        continue;
      }
      if (!inLength) {
        inLength = true;
        length = 0;
        multiplier = 1;
        lengthBytes = 0;
        i++;
        continue;
      }
      const byte = chunk[i++];
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      lengthBytes++;
      if (byte & 0x80) {
        if (lengthBytes === 4) return refuse('malformed');
        continue;
      }
      inLength = false;
      if (length > maxPacket) return refuse('too_large');
      skip = length;
    }
  };
  // Added after aedes' 'readable' listener, so the socket stays in paused mode: 'data' fires for what aedes reads.
  conn.on('data', watch);
}
