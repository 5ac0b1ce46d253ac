import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlarmEngine, type DataPoint, type DeviceIdentity, type DeviceOutbound, DroppedMessage } from './contract.ts';
import { sweepOfflineDevices } from './device-activity.ts';
import { type DevicesTestApp, devicesTestApp } from './devices-test-app.ts';

/** An alarm engine that records what it is handed. */
function recordingEngine() {
  const telemetry: { device: string; points: DataPoint[] }[] = [];
  const attributes: { device: string; scope: string; values: Record<string, unknown> }[] = [];
  const engine: AlarmEngine = {
    onTelemetry: async (device, points) => void telemetry.push({ device: device.name, points }),
    onAttributes: async (device, scope, values) => void attributes.push({ device: device.name, scope, values }),
  };
  return { engine, telemetry, attributes };
}

const nobody: DeviceOutbound = { sharedAttributes: () => {}, rpc: async () => false, disconnect: () => {} };

async function dropped(p: Promise<unknown>): Promise<DroppedMessage> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DroppedMessage) return err;
    throw err;
  }
  throw new Error('not dropped');
}

describe('the ingest pipeline behind the transports', () => {
  let t: DevicesTestApp;
  const rec = recordingEngine();
  const device = async (token: string): Promise<DeviceIdentity> => {
    const d = await t.devices.ingress.byAccessToken(token);
    if (!d) throw new Error(`no device ${token}`);
    return d;
  };
  beforeAll(async () => {
    t = await devicesTestApp({ stores: 2, env: { MQTT_DEVICE_RATE: '1' } });
    t.devices.setAlarmEngine(rec.engine);
  });
  afterAll(() => t.close());

  it('hands parsed points to the alarm engine', async () => {
    const d = await device('demo-S0001-fridge-1');
    const res = await t.devices.ingress.telemetry(d, Buffer.from(JSON.stringify([{ ts: Date.now() - 1000, values: { a: 1 } }])), Date.now());
    expect(res).toEqual({ points: 1 });
    await t.devices.ingress.telemetry(d, Buffer.from('{"temperature":9.5,"door":true}'), Date.now());
    const until = Date.now() + 2000;
    while (rec.telemetry.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(rec.telemetry.at(-1)).toMatchObject({
      device: 'S0001-fridge-1',
      points: [
        { key: 'temperature', value: 9.5 },
        { key: 'door', value: true },
      ],
    });
  });

  it('hands a message to the alarm engine before its batch commits, and a resent one only once', async () => {
    const d = await device('demo-S0001-fridge-1');
    const ts = Date.now() - 500;
    const payload = Buffer.from(JSON.stringify({ ts, values: { temperature: 12 } }));
    const before = rec.telemetry.length;
    const stored = t.devices.ingress.telemetry(d, payload, Date.now());
    // Evaluated on arrival: the engine has it before the COPY commits.
    expect(rec.telemetry.length).toBe(before + 1);
    await stored;
    // The same message again (a device resending after no PUBACK): stored again, evaluated once.
    await t.devices.ingress.telemetry(d, payload, Date.now());
    expect(rec.telemetry.length).toBe(before + 1);
    // Another reading at the same time is a new message.
    await t.devices.ingress.telemetry(d, Buffer.from(JSON.stringify({ ts, values: { temperature: 13 } })), Date.now());
    expect(rec.telemetry.length).toBe(before + 2);
  });

  it('stores client attributes and tells the alarm engine; answers attribute requests', async () => {
    const d = await device('demo-S0001-fridge-2');
    await t.devices.ingress.clientAttributes(d, Buffer.from('{"firmwareVersion":"2.4.1"}'));
    expect(rec.attributes).toContainEqual({ device: 'S0001-fridge-2', scope: 'client', values: { firmwareVersion: '2.4.1' } });
    expect(await t.devices.ingress.attributes(d, undefined, undefined)).toEqual({ client: { firmwareVersion: '2.4.1' }, shared: {} });
    expect(await t.devices.ingress.attributes(d, undefined, ['x'])).toEqual({ client: {}, shared: {} });
    expect((await dropped(t.devices.ingress.clientAttributes(d, Buffer.from('[1]')))).reason).toBe('invalid_shape');
  });

  it('does not rate-limit MQTT (its endpoint does, per connection) but limits the HTTP device API', async () => {
    const d = await device('demo-S0001-pos-1');
    const mqtt = await Promise.allSettled(Array.from({ length: 20 }, () => t.devices.ingress.telemetry(d, Buffer.from('{"n":1}'), Date.now())));
    expect(mqtt.every((r) => r.status === 'fulfilled')).toBe(true);
    const http = await Promise.allSettled(Array.from({ length: 20 }, () => t.devices.httpIngress.telemetry(d, Buffer.from('{"n":1}'), Date.now())));
    expect(http.filter((r) => r.status === 'rejected').length).toBeGreaterThan(10);
  });

  it('creates a gateway sub-device in the gateway store the first time it is named, and refuses devices of other stores', async () => {
    const admin = await t.signIn('admin@demo.storeos.dev');
    const store = (await t.app.inject({ url: '/api/v1/stores?q=S0001', headers: admin.headers })).json().data[0];
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: admin.headers,
      payload: { name: 'Gateway 1', storeId: store.id, isGateway: true, accessToken: 'gw-token-1' },
    });
    const gw = await device('gw-token-1');
    const [a, b] = await Promise.all([t.devices.ingress.subDevice(gw, 'Scale 1', 'scale'), t.devices.ingress.subDevice(gw, 'Scale 1', 'scale')]);
    expect(a.deviceId).toBe(b.deviceId);
    expect(a).toMatchObject({ name: 'Scale 1', storeId: store.id, isGateway: false });
    expect(await t.devices.ingress.telemetry(a, Buffer.from('{"weight":1.25}'), Date.now())).toEqual({ points: 1 });
    const page = (await t.app.inject({ url: `/api/v1/devices/${a.deviceId}`, headers: admin.headers })).json();
    expect(page).toMatchObject({ gatewayId: gw.deviceId, profileName: 'Default', credentials: null });
    expect((await dropped(t.devices.ingress.subDevice(gw, 'S0002-hvac-1'))).reason).toBe('forbidden_topic');
    const plain = await device('demo-S0001-hvac-1');
    expect((await dropped(t.devices.ingress.subDevice(plain, 'Scale 2'))).reason).toBe('forbidden_topic');
  });

  it('answers client-side RPC', async () => {
    const d = await device('demo-S0001-meter-1');
    expect(await t.devices.ingress.clientRpc(d, Buffer.from('{"method":"getSessionLimits"}'))).toMatchObject({ maxPayloadSize: 65536 });
    expect(await t.devices.ingress.clientRpc(d, Buffer.from('{"method":"nope"}'))).toEqual({ error: 'unknown method nope' });
    expect((await dropped(t.devices.ingress.clientRpc(d, Buffer.from('{"params":1}')))).reason).toBe('invalid_shape');
  });

  it('counts drops per device and reason, and per reason in /metrics', async () => {
    const d = await device('demo-S0002-signage-1');
    t.devices.ingress.dropped(d, 'unknown_topic');
    t.devices.ingress.dropped(d, 'unknown_topic');
    t.devices.ingress.dropped(undefined, 'forbidden_topic');
    await t.devices.flushState();
    const rows = await t.db.pool.query('SELECT reason, count FROM device_drop_counters WHERE device_id = $1', [d.deviceId]);
    expect(rows.rows).toEqual([{ reason: 'unknown_topic', count: 2 }]);
    const metrics = (await t.app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('storeos_device_dropped_total{reason="unknown_topic"} 2');
    expect(metrics).toContain('storeos_device_dropped_total{reason="forbidden_topic"} 1');
    expect(metrics).toMatch(/storeos_device_ingest_batch_rows_count \d+/);
    expect(metrics).toMatch(/storeos_device_ingest_commit_seconds_bucket/);
  });

  it('keeps a connected device online, marks it offline after its profile timeout, and writes `active` for alarm rules', async () => {
    const d = await device('demo-S0002-meter-1');
    t.devices.ingress.connected(d, nobody);
    await new Promise((r) => setTimeout(r, 20));
    const state = t.devices.runtime.registry.states.get(d.deviceId);
    if (!state) throw new Error('no state');
    expect(state.online).toBe(true);
    t.devices.ingress.disconnected(d, nobody);
    // Still online until the timeout passes (meters: 600 s), then offline.
    t.devices.runtime.activity.sweep(Date.now() + 10_000);
    expect(state.online).toBe(true);
    t.devices.runtime.activity.sweep(Date.now() + 601_000);
    expect(state.online).toBe(false);
    await t.devices.flushState();
    const row = await t.db.pool.query('SELECT online, last_activity_at IS NOT NULL AS seen FROM devices WHERE id = $1', [d.deviceId]);
    expect(row.rows[0]).toEqual({ online: false, seen: true });
    const active = await t.db.pool.query("SELECT value FROM device_attributes WHERE device_id = $1 AND scope = 'server' AND key = 'active'", [d.deviceId]);
    expect(active.rows[0].value).toBe(false);
    expect(rec.attributes).toContainEqual({ device: 'S0002-meter-1', scope: 'server', values: { active: false } });
  });

  it('marks offline in the database the devices a dead node left online', async () => {
    const d = await device('demo-S0002-pos-1');
    await t.db.pool.query("UPDATE devices SET online = true, last_activity_at = now() - interval '2 hours' WHERE id = $1", [d.deviceId]);
    expect(await sweepOfflineDevices(t.db.pool)).toBeGreaterThanOrEqual(1);
    const row = await t.db.pool.query('SELECT online FROM devices WHERE id = $1', [d.deviceId]);
    expect(row.rows[0].online).toBe(false);
  });
});
