import type { Client } from 'aedes';
import type { DeviceIdentity } from './contract.ts';
import { filterMatches } from './mqtt-topics.ts';
import type { PublishFlow } from './mqtt-publish-reader.ts';
import { encodePublish } from './mqtt-wire.ts';

/** How long a QoS 1 delivery to a device waits for its PUBACK before it counts as not delivered. */
const ackTimeoutMs = 10_000;
/** Bytes queued towards a device that does not read beyond which further sends are refused. */
const maxQueuedBytes = 4 * 1024 * 1024;

/** A per-device token bucket: `rate` messages per second, bursts of twice that. */
export class RateLimiter {
  private tokens: number;
  private last = Date.now();
  constructor(private readonly rate: number) {
    this.tokens = rate * 2;
  }

  /** Takes one token; false when the device is over its rate. */
  take(now: number): boolean {
    if (this.rate <= 0) return true;
    this.tokens = Math.min(this.rate * 2, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** One MQTT connection: a device (or gateway) with its subscriptions and sub-devices, or a provisioning client. */
export class DeviceConnection {
  /** Subscribed filters and the QoS granted for each (0 or 1). */
  readonly subscriptions = new Map<string, 0 | 1>();
  /** A gateway's sub-devices by name, found or created once per connection. */
  readonly subDevices = new Map<string, Promise<DeviceIdentity>>();
  /** Sub-devices this gateway connection keeps online, by name. */
  readonly onlineSubDevices = new Map<string, DeviceIdentity>();
  /** Set once `clientReady` reported the device online, so the matching offline is reported exactly once. */
  online = false;
  /** Closed once the current message is acknowledged: a provisioning connection once answered (as ThingsBoard does), a device refused since it connected. */
  closeAfterPublish = false;
  /** How telemetry PUBLISH packets are paced when the endpoint handles them itself (mqtt-publish-reader.ts); null: aedes handles them. */
  publishFlow: PublishFlow | null | undefined = undefined;
  private nextPacketId = 1;
  private readonly awaitingAck = new Map<number, { resolve: (ok: boolean) => void; timer: NodeJS.Timeout }>();

  constructor(
    readonly client: Client,
    readonly device: DeviceIdentity | undefined,
    readonly limiter: RateLimiter,
  ) {}

  /** 'provision' before a device exists; 'gateway' for devices flagged as gateways. */
  get kind(): 'device' | 'gateway' | 'provision' {
    if (!this.device) return 'provision';
    return this.device.isGateway ? 'gateway' : 'device';
  }

  /** The QoS granted on a subscription covering the topic, or undefined when the device has none. */
  subscribedQos(topic: string): 0 | 1 | undefined {
    let best: 0 | 1 | undefined;
    for (const [filter, qos] of this.subscriptions) if (filterMatches(filter, topic) && (best === undefined || qos > best)) best = qos;
    return best;
  }

  /**
   * Sends JSON to the device. With `onlyIfSubscribed`, a device that did not subscribe gets nothing (false).
   * Resolves true once handed over: written for QoS 0, PUBACKed for QoS 1 (MQTT 3.1.1 §4.3.2).
   */
  send(topic: string, body: unknown, opts: { onlyIfSubscribed: boolean }): Promise<boolean> {
    const qos = this.subscribedQos(topic);
    if (qos === undefined && opts.onlyIfSubscribed) return Promise.resolve(false);
    const conn = this.client.conn;
    if (this.client.closed || conn.destroyed || conn.writableLength > maxQueuedBytes) return Promise.resolve(false);
    const payload = Buffer.from(JSON.stringify(body ?? null));
    if (qos !== 1) {
      conn.write(encodePublish(topic, payload, 0, 0));
      return Promise.resolve(true);
    }
    const id = this.allocatePacketId();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(id, false), ackTimeoutMs);
      this.awaitingAck.set(id, { resolve, timer });
      conn.write(encodePublish(topic, payload, 1, id));
    });
  }

  /** The device acknowledged a QoS 1 message this connection sent. */
  acked(packetId: number): void {
    this.settle(packetId, true);
  }

  /** The connection ended: every delivery still waiting for a PUBACK did not happen. */
  ended(): void {
    for (const id of [...this.awaitingAck.keys()]) this.settle(id, false);
  }

  private settle(id: number, ok: boolean): void {
    const waiting = this.awaitingAck.get(id);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.awaitingAck.delete(id);
    waiting.resolve(ok);
  }

  // §2.3.1: a non-zero 16-bit packet identifier not in use by another unacknowledged message. Only this class sends
  // QoS 1 to devices (nothing is routed through aedes to them), so its own counter cannot collide with aedes'.
  private allocatePacketId(): number {
    for (let tries = 0; tries < 65_535; tries++) {
      const id = this.nextPacketId;
      this.nextPacketId = id === 65_535 ? 1 : id + 1;
      if (!this.awaitingAck.has(id)) return id;
    }
    throw new Error('no free MQTT packet identifier');
  }
}
