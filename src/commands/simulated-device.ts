import mqtt, { type MqttClient } from 'mqtt';
import { createModel, type DeviceAction, type DeviceModel, type SimulatedKind } from './device-kinds.ts';

/** A device the simulator plays: its name, access token and kind. */
export interface SimulatedDeviceSpec {
  name: string;
  token: string;
  kind: SimulatedKind;
}

/** Counters the simulator prints live, shared by all its devices. */
export interface SimulatorStats {
  connected: number;
  sent: number;
  acked: number;
  rpcs: number;
  sharedUpdates: number;
  refused: number;
}

const topics = {
  telemetry: 'v1/devices/me/telemetry',
  attributes: 'v1/devices/me/attributes',
  attributesRequest: 'v1/devices/me/attributes/request/',
  attributesResponse: 'v1/devices/me/attributes/response/',
  rpcRequest: 'v1/devices/me/rpc/request/',
  rpcResponse: 'v1/devices/me/rpc/response/',
};

/** One device on the ThingsBoard MQTT API, as real firmware does it: attributes on connect, telemetry at its rate, RPC answered. */
export class SimulatedDevice {
  readonly model: DeviceModel;
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private online = false;

  constructor(
    readonly spec: SimulatedDeviceSpec,
    private readonly opts: { url: string; rate: number; faultsPerHour: number; stats: SimulatorStats },
  ) {
    this.model = createModel(spec.kind);
  }

  /** Connects (and keeps reconnecting) and starts reporting; resolves after the first CONNACK or refusal. */
  start(): Promise<void> {
    return new Promise((resolve) => {
      const client = mqtt.connect(this.opts.url, {
        username: this.spec.token,
        clientId: `sim-${this.spec.name}`.slice(0, 64),
        clean: true,
        keepalive: 60,
        reconnectPeriod: 5_000,
        connectTimeout: 15_000,
      });
      this.client = client;
      client.on('connect', () => {
        this.setOnline(true);
        this.onConnect(client);
        resolve();
      });
      client.on('close', () => this.setOnline(false));
      client.on('error', (err) => {
        // CONNACK 4 or 5: the token is wrong; retrying will not help.
        const code = (err as { code?: unknown }).code;
        if (code === 4 || code === 5) {
          this.opts.stats.refused++;
          this.stopped = true;
          client.end(true);
        }
        resolve();
      });
      client.on('message', (topic, payload) => this.onMessage(client, topic, payload));
    });
  }

  /** Disconnects cleanly (DISCONNECT, after in-flight messages are acknowledged). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.client?.endAsync().catch(() => {});
    this.setOnline(false);
  }

  private setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    this.opts.stats.connected += online ? 1 : -1;
  }

  private onConnect(client: MqttClient): void {
    client.subscribe([topics.attributes, `${topics.rpcRequest}+`, `${topics.attributesResponse}+`], { qos: 1 });
    client.publish(topics.attributes, JSON.stringify(this.model.clientAttributes()), { qos: 1 });
    // Firmware asks for its shared configuration after every connect.
    client.publish(`${topics.attributesRequest}1`, JSON.stringify({ sharedKeys: 'setpoint,playlist,brightness,firmwareVersion' }), { qos: 1 });
    if (!this.timer) this.schedule(Math.random() * (1000 / this.opts.rate));
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => this.tick(), delayMs);
  }

  private tick(): void {
    if (this.stopped) return;
    const now = Date.now();
    const chance = this.opts.faultsPerHour / 3600 / this.opts.rate;
    for (const action of this.model.step(now, chance)) this.act(action);
    // ±10% jitter, so devices started together do not report in lockstep.
    this.schedule((1000 / this.opts.rate) * (0.9 + Math.random() * 0.2));
  }

  private act(action: DeviceAction): void {
    const client = this.client;
    if (!client) return;
    if ('offlineForMs' in action) {
      this.goOffline(action.offlineForMs);
      return;
    }
    if (!client.connected) return;
    this.opts.stats.sent++;
    client.publish(topics.telemetry, JSON.stringify(action.telemetry), { qos: 1 }, (err) => {
      if (!err) this.opts.stats.acked++;
    });
  }

  /** A reboot or a network fault: the connection drops without DISCONNECT and comes back later. */
  private goOffline(ms: number): void {
    const client = this.client;
    if (!client) return;
    client.end(true, () => {
      setTimeout(() => {
        if (!this.stopped) client.reconnect();
      }, ms).unref();
    });
  }

  private onMessage(client: MqttClient, topic: string, payload: Buffer): void {
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    const obj = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    if (topic.startsWith(topics.rpcRequest)) {
      this.opts.stats.rpcs++;
      const id = topic.slice(topics.rpcRequest.length);
      const answer = this.model.rpc(String(obj.method ?? ''), obj.params);
      client.publish(`${topics.rpcResponse}${id}`, JSON.stringify('error' in answer ? { error: answer.error } : answer.result), { qos: 1 }, () => {
        if ('result' in answer && answer.action) this.act(answer.action);
      });
    } else if (topic === topics.attributes) {
      this.opts.stats.sharedUpdates++;
      if (!Array.isArray(obj.deleted)) this.model.applyShared(obj);
    } else if (topic.startsWith(topics.attributesResponse)) {
      const shared = obj.shared;
      if (typeof shared === 'object' && shared !== null) this.model.applyShared(shared as Record<string, unknown>);
    }
  }
}
