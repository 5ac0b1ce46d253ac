import net from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzPayload, fuzzTopic, malformedPackets, randomSource } from './mqtt-fuzz-cases.ts';
import { type MqttTestStack, mqttTestStack, nextMessage, storedValues } from './mqtt-test-stack.ts';

const seed = Number(process.env.FUZZ_SEED ?? 20_251_125);
const maxPayload = 4096;

/** Sends `count` fuzzed messages from one device, reconnecting when the server closes the connection; answers reconnects. */
async function fuzzDevice(url: string, token: string, count: number, r: ReturnType<typeof randomSource>): Promise<{ sent: number; reconnects: number }> {
  let reconnects = 0;
  let client: MqttClient | undefined;
  let inFlight = 0;
  let wake: () => void = () => {};
  const connect = async () => {
    client = await mqtt.connectAsync(url, { username: token, reconnectPeriod: 0, connectTimeout: 5000 });
    inFlight = 0;
    client.on('close', () => wake());
  };
  await connect();
  for (let sent = 0; sent < count; sent++) {
    if (!client?.connected) {
      reconnects++;
      await connect();
    }
    const c = client as MqttClient;
    const qos = r.int(3) === 0 ? 0 : 1;
    inFlight++;
    c.publish(fuzzTopic(r), fuzzPayload(r, maxPayload), { qos }, () => {
      inFlight--;
      wake();
    });
    // At most 16 unacknowledged messages per connection, so the fuzz is processed, not just buffered.
    while (inFlight >= 16 && c.connected) await new Promise<void>((resolve) => (wake = resolve));
  }
  while (inFlight > 0 && client?.connected) await new Promise<void>((resolve) => (wake = resolve));
  await client?.endAsync(true);
  return { sent: count, reconnects };
}

/** Writes bytes on a fresh socket and waits until the server closes it (or half a second passes: a cut packet waits for more). */
function sendRaw(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.setTimeout(500, () => socket.destroy());
    socket.on('close', () => resolve());
  });
}

describe('fuzz: the MQTT endpoint survives random and malformed input', () => {
  let t: MqttTestStack;
  beforeAll(async () => {
    t = await mqttTestStack({ stores: 1, env: { MQTT_MAX_PAYLOAD: String(maxPayload), MQTT_DEVICE_RATE: '0' } });
  });
  afterAll(() => t.close());

  it(`takes 10,000 random and mutated topics and payloads and 50 malformed packets (seed ${seed}), then serves a normal device correctly`, async () => {
    const r = randomSource(seed);
    const tokens = ['demo-S0001-fridge-1', 'demo-S0001-freezer-1', 'demo-S0001-hvac-1', 'demo-S0001-meter-1', 'demo-S0001-signage-1'];
    const results = await Promise.all(tokens.map((token, k) => fuzzDevice(t.mqttUrl, token, 2000, randomSource(seed + k))));
    expect(results.reduce((n, x) => n + x.sent, 0)).toBe(10_000);
    // The fuzz reached every way of dropping a message, and some of it was good enough to store.
    await t.devices.flushState();
    const drops = await t.db.pool.query<{ reason: string; n: number }>('SELECT reason, sum(count)::int AS n FROM device_drop_counters GROUP BY reason');
    const byReason = Object.fromEntries(drops.rows.map((d) => [d.reason, d.n]));
    for (const reason of ['invalid_json', 'invalid_shape', 'too_large', 'unknown_topic', 'forbidden_topic']) expect(byReason[reason]).toBeGreaterThan(0);
    expect((await t.db.pool.query('SELECT count(*)::int AS n FROM telemetry')).rows[0].n).toBeGreaterThan(100);

    const packets = malformedPackets(r, 'demo-S0001-pos-1');
    await Promise.all(packets.map((p) => sendRaw(t.mqtt.port, p)));
    expect(packets.length).toBeGreaterThanOrEqual(40);

    // Afterwards a normal device is served as ever: telemetry stored and acknowledged, an attributes request answered.
    const c = await t.connect('demo-S0001-people-counter-1');
    await c.publishAsync('v1/devices/me/telemetry', '{"in":3,"out":2}', { qos: 1 });
    expect((await storedValues(t, 'S0001-people-counter-1', 'in')).map((v) => v.num_v)).toEqual([3]);
    await c.subscribeAsync('v1/devices/me/attributes/response/+');
    const answer = nextMessage(c, (topic) => topic === 'v1/devices/me/attributes/response/1');
    await c.publishAsync('v1/devices/me/attributes/request/1', '{}', { qos: 1 });
    expect((await answer).body).toMatchObject({ client: {}, shared: {} });
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  }, 60_000);
});
