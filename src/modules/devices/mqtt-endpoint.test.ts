import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../kernel/config.ts';
import type { Session } from './devices-test-app.ts';
import { mqttOptionsFromConfig, startMqttEndpoint } from './mqtt-endpoint.ts';
import { connackCode, type MqttTestStack, mqttTestStack, nextMessage, storedValues, subscribeGranted } from './mqtt-test-stack.ts';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');

const fridge = 'demo-S0001-fridge-1';

describe('the MQTT device endpoint (ThingsBoard device API over aedes, real devices pipeline and PostgreSQL)', () => {
  let t: MqttTestStack;
  let admin: Session;
  beforeAll(async () => {
    t = await mqttTestStack({ stores: 2, env: { MQTT_MAX_PAYLOAD: '2048', MQTT_DEVICE_RATE: '50' } });
    admin = await t.signIn('admin@demo.storeos.dev');
  });
  afterAll(() => t.close());

  it('accepts a good token (CONNACK 0), refuses an unknown one (5) and a missing user name (4), and takes MQTT basic credentials', async () => {
    expect(await connackCode(t.mqttUrl, { username: fridge })).toBe(0);
    expect(await connackCode(t.mqttUrl, { username: 'no-such-token' })).toBe(5);
    expect(await connackCode(t.mqttUrl, {})).toBe(4);
    const id = await t.deviceId('S0002-meter-1');
    const set = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/devices/${id}/credentials`,
      headers: admin.headers,
      payload: { type: 'mqtt_basic', clientId: 'meter-0002', username: 'meter', password: 'meter-secret' },
    });
    expect(set.statusCode).toBe(200);
    expect(await connackCode(t.mqttUrl, { clientId: 'meter-0002', username: 'meter', password: 'meter-secret' })).toBe(0);
    expect(await connackCode(t.mqttUrl, { clientId: 'meter-0002', username: 'meter', password: 'wrong' })).toBe(5);
  });

  it('sends the QoS 1 PUBACK only once the telemetry rows are in the database', async () => {
    const c = await t.connect(fridge);
    const seen: boolean[] = [];
    const base = Date.now() - 10_000;
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await c.publishAsync('v1/devices/me/telemetry', JSON.stringify({ ts: base + i, values: { durable: i } }), { qos: 1 });
        // At PUBACK time the row must already be committed: look for it at once.
        const r = await t.db.pool.query(
          `SELECT 1 FROM telemetry t JOIN devices d ON d.sid = t.device_sid JOIN telemetry_keys k ON k.id = t.key_id WHERE d.name = 'S0001-fridge-1' AND k.key = 'durable' AND t.ts = $1`,
          [base + i],
        );
        seen.push(r.rowCount === 1);
      }),
    );
    expect(seen).toHaveLength(40);
    expect(seen.every(Boolean)).toBe(true);
    await c.publishAsync('v1/devices/me/telemetry', JSON.stringify([{ ts: base - 1, values: { compressor: 1 } }, { door: 'open' }]), { qos: 1 });
    expect((await storedValues(t, 'S0001-fridge-1', 'door')).map((r) => r.str_v)).toEqual(['open']);
    expect((await storedValues(t, 'S0001-fridge-1', 'compressor')).map((r) => r.ts)).toEqual([base - 1]);
  });

  it('stores client attributes and answers an attributes request on the response topic', async () => {
    const c = await t.connect('demo-S0001-hvac-1');
    await c.publishAsync('v1/devices/me/attributes', '{"firmwareVersion":"2.4.1","model":"GMV-280"}', { qos: 1 });
    const id = await t.deviceId('S0001-hvac-1');
    await t.app.inject({ method: 'POST', url: `/api/v1/devices/${id}/attributes/shared`, headers: admin.headers, payload: { setpoint: 24 } });
    await c.subscribeAsync('v1/devices/me/attributes/response/+');
    const answer = nextMessage(c, (topic) => topic === 'v1/devices/me/attributes/response/17');
    await c.publishAsync('v1/devices/me/attributes/request/17', '{"clientKeys":"firmwareVersion","sharedKeys":"setpoint"}', { qos: 1 });
    expect((await answer).body).toEqual({ client: { firmwareVersion: '2.4.1' }, shared: { setpoint: 24 } });
  });

  it('pushes a shared attribute written through REST to the subscribed device at once, and deletions as {"deleted"}', async () => {
    const c = await t.connect('demo-S0001-signage-1');
    await c.subscribeAsync('v1/devices/me/attributes', { qos: 1 });
    const id = await t.deviceId('S0001-signage-1');
    const pushed = nextMessage(c, (topic) => topic === 'v1/devices/me/attributes');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/devices/${id}/attributes/shared`,
      headers: admin.headers,
      payload: { playlist: 'spring-sale' },
    });
    expect(res.statusCode).toBe(200);
    expect((await pushed).body).toEqual({ playlist: 'spring-sale' });
    const deleted = nextMessage(c, (topic) => topic === 'v1/devices/me/attributes');
    await t.app.inject({ method: 'DELETE', url: `/api/v1/devices/${id}/attributes/shared?keys=playlist`, headers: admin.headers });
    expect((await deleted).body).toEqual({ deleted: ['playlist'] });
  });

  it('delivers a server-side RPC from REST to the device and returns its MQTT reply (two-way)', async () => {
    const c = await t.connect('demo-S0002-fridge-1');
    await c.subscribeAsync('v1/devices/me/rpc/request/+', { qos: 1 });
    c.on('message', (topic, payload) => {
      if (!topic.startsWith('v1/devices/me/rpc/request/')) return;
      const { method, params } = JSON.parse(payload.toString());
      const id = topic.split('/').pop();
      c.publish(`v1/devices/me/rpc/response/${id}`, JSON.stringify({ method, setpoint: params.value }), { qos: 1 });
    });
    const id = await t.deviceId('S0002-fridge-1');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/devices/${id}/rpc`,
      headers: admin.headers,
      payload: { method: 'setSetpoint', params: { value: 3 }, timeoutMs: 5000 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ method: 'setSetpoint', setpoint: 3 });
  });

  it('answers a client-side RPC on .../rpc/response/{id}', async () => {
    const c = await t.connect('demo-S0002-hvac-1');
    await c.subscribeAsync('v1/devices/me/rpc/response/+');
    const answer = nextMessage(c, (topic) => topic === 'v1/devices/me/rpc/response/5');
    await c.publishAsync('v1/devices/me/rpc/request/5', '{"method":"getCurrentTime","params":{}}', { qos: 1 });
    const body = (await answer).body as { time: number };
    expect(Math.abs(body.time - Date.now())).toBeLessThan(5000);
  });

  it('lets a gateway connect sub-devices and send their telemetry: they are created in the gateway’s store', async () => {
    const gatewayId = await t.deviceId('S0002-pos-1');
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/v1/devices/${gatewayId}`, headers: admin.headers, payload: { isGateway: true } });
    expect(patched.statusCode).toBe(200);
    const gw = await t.connect('demo-S0002-pos-1');
    await gw.publishAsync('v1/gateway/connect', '{"device":"Scale 7","type":"scale"}', { qos: 1 });
    const ts = Date.now() - 1000;
    await gw.publishAsync(
      'v1/gateway/telemetry',
      JSON.stringify({ 'Scale 7': [{ ts, values: { weight: 1.25 } }], 'Scale 8': [{ ts, values: { weight: 2.5 } }] }),
      { qos: 1 },
    );
    expect((await storedValues(t, 'Scale 7', 'weight')).map((r) => r.num_v)).toEqual([1.25]);
    expect((await storedValues(t, 'Scale 8', 'weight')).map((r) => r.num_v)).toEqual([2.5]);
    const subs = await t.db.pool.query<{ name: string; store_id: string; gateway_id: string }>(
      `SELECT name, store_id, gateway_id FROM devices WHERE name IN ('Scale 7', 'Scale 8') ORDER BY name`,
    );
    const gateway = await t.db.pool.query<{ store_id: string }>('SELECT store_id FROM devices WHERE id = $1', [gatewayId]);
    expect(subs.rows).toEqual([
      { name: 'Scale 7', store_id: gateway.rows[0].store_id, gateway_id: gatewayId },
      { name: 'Scale 8', store_id: gateway.rows[0].store_id, gateway_id: gatewayId },
    ]);
    // Server-side RPC to a sub-device goes through its gateway on v1/gateway/rpc, and the reply comes back there.
    await gw.subscribeAsync('v1/gateway/rpc', { qos: 1 });
    gw.on('message', (topic, payload) => {
      if (topic !== 'v1/gateway/rpc') return;
      const { device, data } = JSON.parse(payload.toString());
      gw.publish('v1/gateway/rpc', JSON.stringify({ device, id: data.id, data: { tared: true } }), { qos: 1 });
    });
    const scale = await t.deviceId('Scale 7');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/devices/${scale}/rpc`,
      headers: admin.headers,
      payload: { method: 'tare', params: {}, timeoutMs: 5000 },
    });
    expect(res.json()).toEqual({ tared: true });
    // Sub-device attributes: published through the gateway, asked for through it, answered on v1/gateway/attributes/response.
    await gw.publishAsync('v1/gateway/attributes', JSON.stringify({ 'Scale 7': { firmwareVersion: 'v1.2' } }), { qos: 1 });
    await gw.subscribeAsync('v1/gateway/attributes/response');
    const answer = nextMessage(gw, (topic) => topic === 'v1/gateway/attributes/response');
    await gw.publishAsync('v1/gateway/attributes/request', JSON.stringify({ id: 4, device: 'Scale 7', client: true, key: 'firmwareVersion' }), { qos: 1 });
    expect((await answer).body).toEqual({ id: 4, device: 'Scale 7', value: 'v1.2' });
  });

  it('refuses subscriptions to another device’s or foreign topics (SUBACK 0x80) and drops publishes there', async () => {
    const c = await t.connect('demo-S0002-signage-1');
    const granted = await subscribeGranted(c, [
      'v1/devices/me/attributes',
      'v1/devices/S0001-fridge-1/attributes',
      'v1/devices/+/telemetry',
      '#',
      'v1/gateway/rpc',
    ]);
    expect(granted).toEqual([1, 128, 128, 128, 128]);
    // Another device's telemetry is never fanned out, even to a device subscribed to the same-named topic.
    const other = await t.connect('demo-S0002-people-counter-1');
    const leaked: string[] = [];
    c.on('message', (topic) => leaked.push(topic));
    await other.publishAsync('v1/devices/me/attributes', '{"battery":80}', { qos: 1 });
    await c.publishAsync('v1/devices/S0001-fridge-1/telemetry', '{"temperature":99}', { qos: 1 });
    await c.publishAsync('v1/gateway/telemetry', '{"X":[{"t":1}]}', { qos: 1 });
    expect(leaked).toEqual([]);
    expect(c.connected).toBe(true);
    await t.devices.flushState();
    const page = await t.app.inject({ url: `/api/v1/devices/${await t.deviceId('S0002-signage-1')}`, headers: admin.headers });
    expect(Object.fromEntries((page.json().drops as { reason: string; count: number }[]).map((d) => [d.reason, d.count]))).toMatchObject({
      forbidden_topic: 2,
    });
  });

  it('provisions a device over /provision/request, answers on /provision/response and closes the connection', async () => {
    const store = (await t.app.inject({ url: '/api/v1/stores?limit=1', headers: admin.headers })).json().data[0];
    const profile = await t.app.inject({
      method: 'POST',
      url: '/api/v1/device-profiles',
      headers: admin.headers,
      payload: {
        name: 'MQTT self-registering',
        kind: 'other',
        provisionStrategy: 'allow_create_new',
        provisionKey: 'mqtt-key-1234',
        provisionSecret: 'mqtt-secret-1234',
        provisionStoreId: store.id,
      },
    });
    expect(profile.statusCode).toBe(201);
    const p = await t.connect('provision');
    await p.subscribeAsync('/provision/response');
    const closed = new Promise<void>((resolve) => p.once('close', () => resolve()));
    const answer = nextMessage(p, (topic) => topic === '/provision/response');
    p.publish(
      '/provision/request',
      JSON.stringify({ deviceName: 'mqtt sensor 1', provisionDeviceKey: 'mqtt-key-1234', provisionDeviceSecret: 'mqtt-secret-1234' }),
      { qos: 1 },
    );
    const body = (await answer).body as { status: string; credentialsValue: string };
    expect(body).toMatchObject({ status: 'SUCCESS', credentialsType: 'ACCESS_TOKEN' });
    await closed;
    const device = await t.connect(body.credentialsValue);
    await device.publishAsync('v1/devices/me/telemetry', '{"x":1}', { qos: 1 });
    expect((await storedValues(t, 'mqtt sensor 1', 'x')).map((r) => r.num_v)).toEqual([1]);
  });

  it('drops and counts payloads that are not JSON, of a wrong shape or too large; the connection carries on', async () => {
    const c = await t.connect('demo-S0002-freezer-1');
    await c.publishAsync('v1/devices/me/telemetry', '{"temperature": -18', { qos: 1 });
    await c.publishAsync('v1/devices/me/telemetry', '"just a string"', { qos: 1 });
    await c.publishAsync('v1/devices/me/telemetry', JSON.stringify({ big: 'x'.repeat(3000) }), { qos: 1 });
    await c.publishAsync('v1/devices/me/telemetry', 'not json at all', { qos: 0 });
    await c.publishAsync('v1/devices/me/telemetry', '{"temperature":-18.5}', { qos: 1 });
    expect(c.connected).toBe(true);
    expect((await storedValues(t, 'S0002-freezer-1', 'temperature')).map((r) => r.num_v)).toEqual([-18.5]);
    await t.devices.flushState();
    const page = await t.app.inject({ url: `/api/v1/devices/${await t.deviceId('S0002-freezer-1')}`, headers: admin.headers });
    expect(Object.fromEntries((page.json().drops as { reason: string; count: number }[]).map((d) => [d.reason, d.count]))).toMatchObject({
      invalid_json: 2,
      invalid_shape: 1,
      too_large: 1,
    });
  });

  it('rate-limits a flooding device without slowing another device', async () => {
    const flooder = await t.connect('demo-S0001-people-counter-1');
    const quiet = await t.connect('demo-S0001-freezer-1');
    const flood = Array.from({ length: 400 }, (_, i) => flooder.publishAsync('v1/devices/me/telemetry', JSON.stringify({ in: i }), { qos: 1 }));
    const started = Date.now();
    await quiet.publishAsync('v1/devices/me/telemetry', '{"temperature":-19}', { qos: 1 });
    expect(Date.now() - started).toBeLessThan(2000);
    await Promise.all(flood);
    const stored = (await storedValues(t, 'S0001-people-counter-1', 'in')).length;
    // 50 a second with bursts of 100: the first hundred or so pass, the rest are dropped and counted.
    expect(stored).toBeGreaterThanOrEqual(100);
    expect(stored).toBeLessThan(200);
    expect(flooder.connected).toBe(true);
    await t.devices.flushState();
    const page = await t.app.inject({ url: `/api/v1/devices/${await t.deviceId('S0001-people-counter-1')}`, headers: admin.headers });
    const drops = Object.fromEntries((page.json().drops as { reason: string; count: number }[]).map((d) => [d.reason, d.count]));
    expect(drops.rate_limited).toBe(400 - stored);
  });

  it('ends the session of a device whose credentials are revoked, and refuses it from then on', async () => {
    const c = await t.connect('demo-S0002-signage-1', { clientId: 'signage-revoked' });
    const id = await t.deviceId('S0002-signage-1');
    // The session ends at once, without waiting for a message (mqtt-session-end.test.ts times it and covers rotation and deletion).
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/devices/${id}/credentials/revoke`, headers: admin.headers })).statusCode).toBe(200);
    await closed;
    expect(await connackCode(t.mqttUrl, { username: 'demo-S0002-signage-1' })).toBe(5);
  });

  it('speaks MQTT over TLS on its own port when a certificate and key are configured', async () => {
    const config = loadConfig({ MQTT_TLS_CERT: path.join(testdata, 'localhost.cert.pem'), MQTT_TLS_KEY: path.join(testdata, 'localhost.key.pem') });
    const opts = mqttOptionsFromConfig(config, t.devices.ingress, t.deps.log);
    const secure = await startMqttEndpoint({ ...opts, host: '127.0.0.1', port: 0, tls: opts.tls ? { ...opts.tls, port: 0 } : undefined });
    try {
      expect(secure.tlsPort).toBeGreaterThan(0);
      const ca = readFileSync(path.join(testdata, 'localhost.cert.pem'));
      const c = await mqtt.connectAsync(`mqtts://localhost:${secure.tlsPort}`, { username: 'demo-S0002-hvac-1', ca, reconnectPeriod: 0 });
      await c.publishAsync('v1/devices/me/telemetry', '{"overTls":1}', { qos: 1 });
      await c.endAsync();
      expect((await storedValues(t, 'S0002-hvac-1', 'overTls')).map((r) => r.num_v)).toEqual([1]);
    } finally {
      await secure.close();
    }
  });

  it('reports a device connected while its connection lasts, and online', async () => {
    const gauge = async (name: string) => {
      const text = (await t.app.inject({ url: '/metrics' })).body;
      return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    };
    const before = await gauge('storeos_mqtt_connections');
    const devicesBefore = await gauge('storeos_devices_connected');
    const c = await t.connect('demo-S0001-pos-1', { clientId: 'pos-0001' });
    await new Promise((r) => setTimeout(r, 50));
    expect(await gauge('storeos_mqtt_connections')).toBe(before + 1);
    expect(await gauge('storeos_devices_connected')).toBe(devicesBefore + 1);
    const id = await t.deviceId('S0001-pos-1');
    expect((await t.app.inject({ url: `/api/v1/devices/${id}`, headers: admin.headers })).json().online).toBe(true);
    await c.endAsync();
    await new Promise((r) => setTimeout(r, 100));
    // Offline follows after the profile's inactivity timeout (ThingsBoard's "active"); the live connection is gone at once.
    expect(await gauge('storeos_mqtt_connections')).toBe(before);
    expect(await gauge('storeos_devices_connected')).toBe(devicesBefore);
  });
});
