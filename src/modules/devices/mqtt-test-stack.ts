import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { type DevicesTestApp, devicesTestApp } from './devices-test-app.ts';
import { type MqttEndpoint, startMqttEndpoint } from './mqtt-endpoint.ts';

/**
 * Test fixtures for the MQTT endpoint: the real devices module on a fresh demo-seeded database (devices-test-app.ts)
 * with the endpoint on a free port, and small helpers around mqtt.js. Tests only.
 */

/** The devices test app with an MQTT endpoint in front of its ingress. */
export interface MqttTestStack extends DevicesTestApp {
  mqtt: MqttEndpoint;
  mqttUrl: string;
  /** Connects a client and waits for CONNACK 0. */
  connect(username: string, opts?: IClientOptions): Promise<MqttClient>;
  /** The id of a device by name. */
  deviceId(name: string): Promise<string>;
}

/** Starts the stack: `stores` demo stores (8 devices each, tokens `demo-S0001-fridge-1`…), limits from `env`, a built console from `consoleDir`. */
export async function mqttTestStack(opts: { stores?: number; env?: Record<string, string>; consoleDir?: string } = {}): Promise<MqttTestStack> {
  const t = await devicesTestApp({
    stores: opts.stores ?? 2,
    env: opts.env,
    devices: { latestFlushMs: 100, stateFlushMs: 100 },
    consoleDir: opts.consoleDir,
  });
  const { config, log, metrics } = t.deps;
  const endpoint = await startMqttEndpoint({
    ingress: t.devices.ingress,
    log,
    metrics,
    host: '127.0.0.1',
    port: 0,
    maxPayload: config.mqttMaxPayload,
    deviceRate: config.mqttDeviceRate,
  });
  const mqttUrl = `mqtt://127.0.0.1:${endpoint.port}`;
  const clients: MqttClient[] = [];
  return {
    ...t,
    mqtt: endpoint,
    mqttUrl,
    async connect(username, o = {}) {
      const client = await mqtt.connectAsync(mqttUrl, { username, reconnectPeriod: 0, connectTimeout: 5000, ...o });
      clients.push(client);
      return client;
    },
    async deviceId(name) {
      const r = await t.db.pool.query<{ id: string }>('SELECT id FROM devices WHERE name = $1', [name]);
      if (!r.rows[0]) throw new Error(`no device ${name}`);
      return r.rows[0].id;
    },
    async close() {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
      await endpoint.close();
      await t.close();
    },
  };
}

/** The CONNACK return code a CONNECT gets (0 when accepted). */
export function connackCode(url: string, opts: IClientOptions): Promise<number> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
    client.once('connect', () => {
      client.end(true);
      resolve(0);
    });
    client.once('error', (err) => {
      client.end(true);
      resolve(Number((err as { code?: unknown }).code ?? -1));
    });
  });
}

/** Subscribes and answers the granted QoS per filter as the SUBACK carried it (128 = refused). */
export function subscribeGranted(client: MqttClient, filters: string[], qos: 0 | 1 = 1): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const onPacket = (packet: { cmd: string; granted?: (number | object)[] }) => {
      if (packet.cmd !== 'suback') return;
      client.off('packetreceive', onPacket);
      resolve((packet.granted ?? []).map((g) => (typeof g === 'number' ? g : -1)));
    };
    client.on('packetreceive', onPacket);
    client.subscribe(filters, { qos }, (err) => {
      if (err && !/Subscribe error/.test(err.message)) reject(err);
    });
  });
}

/** The next message on a topic matching `test`, as parsed JSON. */
export function nextMessage(client: MqttClient, test: (topic: string) => boolean, timeoutMs = 5000): Promise<{ topic: string; body: unknown }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`no message within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (topic: string, payload: Buffer) => {
      if (!test(topic)) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve({ topic, body: JSON.parse(payload.toString('utf8')) });
    };
    client.on('message', onMessage);
  });
}

/** Telemetry rows stored for a device's key, oldest first. */
export async function storedValues(t: MqttTestStack, deviceName: string, key: string): Promise<{ ts: number; num_v: number | null; str_v: string | null }[]> {
  const r = await t.db.pool.query<{ ts: number; num_v: number | null; str_v: string | null }>(
    `SELECT t.ts, t.num_v, t.str_v FROM telemetry t JOIN devices d ON d.sid = t.device_sid JOIN telemetry_keys k ON k.id = t.key_id
     WHERE d.name = $1 AND k.key = $2 ORDER BY t.ts`,
    [deviceName, key],
  );
  return r.rows;
}
