import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevices, type Devices } from './create-devices.ts';
import type { Session } from './devices-test-app.ts';
import { type MqttEndpoint, startMqttEndpoint } from './mqtt-endpoint.ts';
import { connackCode, type MqttTestStack, mqttTestStack, storedValues } from './mqtt-test-stack.ts';

/** Resolves once the client's connection is closed by the server; rejects when it stays open `ms` long. */
function closedWithin(client: MqttClient, ms: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    if (!client.connected) return resolve(0);
    const timer = setTimeout(() => reject(new Error(`the session stayed open for ${ms} ms`)), ms);
    client.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

describe('a device whose credentials change, or which is deleted, loses its MQTT session at once', () => {
  let t: MqttTestStack;
  let admin: Session;
  /** A second node on the same database: its own devices module and MQTT endpoint. */
  let other: { devices: Devices; mqtt: MqttEndpoint; url: string };
  beforeAll(async () => {
    t = await mqttTestStack({ stores: 2 });
    admin = await t.signIn('admin@demo.storeos.dev');
    const devices = createDevices(t.deps, { latestFlushMs: 100, stateFlushMs: 100 });
    await devices.start();
    const endpoint = await startMqttEndpoint({ ingress: devices.ingress, log: t.deps.log, host: '127.0.0.1', port: 0, maxPayload: 65_536, deviceRate: 0 });
    other = { devices, mqtt: endpoint, url: `mqtt://127.0.0.1:${endpoint.port}` };
  });
  afterAll(async () => {
    await other?.mqtt.close();
    await other?.devices.stop();
    await t?.close();
  });

  const post = (url: string) => t.app.inject({ method: 'POST', url, headers: admin.headers });

  it('revoking the credentials closes the session without waiting for its next message, and the token is refused', async () => {
    const c = await t.connect('demo-S0001-signage-1', { clientId: 'signage-1' });
    const closed = closedWithin(c, 2000);
    expect((await post(`/api/v1/devices/${await t.deviceId('S0001-signage-1')}/credentials/revoke`)).statusCode).toBe(200);
    expect(await closed).toBeLessThan(2000);
    expect(await connackCode(t.mqttUrl, { username: 'demo-S0001-signage-1' })).toBe(5);
  });

  it('rotating the token closes the session opened with the old one; the new token connects and is stored', async () => {
    const c = await t.connect('demo-S0001-hvac-1', { clientId: 'hvac-1' });
    const closed = closedWithin(c, 2000);
    const rotated = await post(`/api/v1/devices/${await t.deviceId('S0001-hvac-1')}/credentials/rotate`);
    expect(rotated.statusCode).toBe(200);
    await closed;
    expect(await connackCode(t.mqttUrl, { username: 'demo-S0001-hvac-1' })).toBe(5);
    const fresh = await t.connect(rotated.json().accessToken as string, { clientId: 'hvac-1-new' });
    await fresh.publishAsync('v1/devices/me/telemetry', '{"afterRotation":1}', { qos: 1 });
    expect((await storedValues(t, 'S0001-hvac-1', 'afterRotation')).map((r) => r.num_v)).toEqual([1]);
    expect(fresh.connected).toBe(true);
  });

  it('deleting the device closes its session; other devices stay connected', async () => {
    const doomed = await t.connect('demo-S0001-pos-1', { clientId: 'pos-1' });
    const bystander = await t.connect('demo-S0001-meter-1', { clientId: 'meter-1' });
    const closed = closedWithin(doomed, 2000);
    const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/devices/${await t.deviceId('S0001-pos-1')}`, headers: admin.headers });
    expect(res.statusCode).toBe(204);
    await closed;
    await bystander.publishAsync('v1/devices/me/telemetry', '{"stillHere":1}', { qos: 1 });
    expect(bystander.connected).toBe(true);
    expect(await connackCode(t.mqttUrl, { username: 'demo-S0001-pos-1' })).toBe(5);
  });

  it('ends the session held by another node, which hears of the change through the cross-node notice', async () => {
    const c = await mqtt.connectAsync(other.url, { username: 'demo-S0002-fridge-1', clientId: 'fridge-on-node-b', reconnectPeriod: 0 });
    try {
      await c.publishAsync('v1/devices/me/telemetry', '{"temperature":4}', { qos: 1 });
      const closed = closedWithin(c, 3000);
      expect((await post(`/api/v1/devices/${await t.deviceId('S0002-fridge-1')}/credentials/revoke`)).statusCode).toBe(200);
      await closed;
      expect(await connackCode(other.url, { username: 'demo-S0002-fridge-1' })).toBe(5);
    } finally {
      await c.endAsync(true).catch(() => {});
    }
  });

  it('a gateway keeps its connection when one of its sub-devices is deleted, and naming it again creates it anew', async () => {
    const gatewayId = await t.deviceId('S0002-meter-1');
    const flag = await t.app.inject({ method: 'PATCH', url: `/api/v1/devices/${gatewayId}`, headers: admin.headers, payload: { isGateway: true } });
    expect(flag.statusCode).toBe(200);
    const gw = await t.connect('demo-S0002-meter-1', { clientId: 'gateway-1' });
    await gw.publishAsync('v1/gateway/telemetry', JSON.stringify({ 'Sub meter A': [{ ts: Date.now(), values: { kwh: 1 } }] }), { qos: 1 });
    const subId = await t.deviceId('Sub meter A');
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/devices/${subId}`, headers: admin.headers })).statusCode).toBe(204);
    await gw.publishAsync('v1/gateway/telemetry', JSON.stringify({ 'Sub meter A': [{ ts: Date.now(), values: { kwh: 2 } }] }), { qos: 1 });
    expect(gw.connected).toBe(true);
    expect(await t.deviceId('Sub meter A')).not.toBe(subId);
    expect((await storedValues(t, 'Sub meter A', 'kwh')).map((r) => r.num_v)).toEqual([2]);
  });
});
