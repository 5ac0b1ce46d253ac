import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceOutbound, RpcRequest } from './contract.ts';
import { createDevices } from './create-devices.ts';
import { type DevicesTestApp, devicesTestApp, type Session } from './devices-test-app.ts';

/** A fake transport that records what the devices service pushes to a connected device. */
function recordingOutbound() {
  const shared: Record<string, unknown>[] = [];
  const rpcs: RpcRequest[] = [];
  const outbound: DeviceOutbound = {
    sharedAttributes: (_id, payload) => void shared.push(payload),
    disconnect: () => {},
    rpc: async (_id, request) => {
      rpcs.push(request);
      return true;
    },
  };
  return { outbound, shared, rpcs };
}

describe('devices REST API', () => {
  let t: DevicesTestApp;
  let admin: Session;
  let technician: Session;
  let viewer: Session;
  let s1: { id: string; code: string };
  beforeAll(async () => {
    t = await devicesTestApp({ stores: 3, devices: { latestFlushMs: 50, stateFlushMs: 50 }, env: { MQTT_DEVICE_RATE: '0' } });
    admin = await t.signIn('admin@demo.storeos.dev');
    technician = await t.signIn('technician@demo.storeos.dev');
    viewer = await t.signIn('viewer@demo.storeos.dev');
    s1 = (await t.app.inject({ url: '/api/v1/stores?q=S0001', headers: admin.headers })).json().data[0];
  });
  afterAll(() => t.close());

  const inject = (s: Session, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const postTelemetry = (token: string, body: unknown) =>
    t.app.inject({ method: 'POST', url: `/api/v1/${token}/telemetry`, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  it('lets HQ manage tenant-wide profiles and everyone with devices:read see them (secrets only to HQ)', async () => {
    const made = await inject(admin, 'POST', '/api/v1/device-profiles', {
      name: 'Wine cooler',
      kind: 'fridge',
      telemetryRetentionDays: 14,
      provisionStrategy: 'check_pre_provisioned',
    });
    expect(made.statusCode).toBe(201);
    expect(made.json().provisionKey).toHaveLength(20);
    const id = made.json().id;
    expect((await inject(admin, 'POST', '/api/v1/device-profiles', { name: 'Wine cooler', kind: 'fridge' })).statusCode).toBe(409);
    expect((await inject(technician, 'POST', '/api/v1/device-profiles', { name: 'Nope', kind: 'other' })).statusCode).toBe(403);
    const seen = await inject(viewer, 'GET', `/api/v1/device-profiles/${id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().provisionSecret).toBeNull();
    const patched = await inject(admin, 'PATCH', `/api/v1/device-profiles/${id}`, { inactivityTimeoutSeconds: 120 });
    expect(patched.json().inactivityTimeoutSeconds).toBe(120);
    expect((await inject(admin, 'DELETE', `/api/v1/device-profiles/${id}`)).statusCode).toBe(204);
    const used = (await inject(admin, 'GET', '/api/v1/device-profiles?limit=50')).json().data.find((p: { kind: string }) => p.kind === 'hvac');
    expect((await inject(admin, 'DELETE', `/api/v1/device-profiles/${used.id}`)).statusCode).toBe(409);
  });

  it("gives a new profile of a known kind that kind's default alarm rules, unless rules are given", async () => {
    const freezer = await inject(admin, 'POST', '/api/v1/device-profiles', { name: 'Ice cream freezer', kind: 'freezer' });
    expect(freezer.statusCode).toBe(201);
    expect(freezer.json().alarmRuleCount).toBeGreaterThan(0);
    const rules = (await inject(admin, 'GET', `/api/v1/device-profiles/${freezer.json().id}/alarm-rules`)).json().rules as { alarmType: string }[];
    expect(rules.map((r) => r.alarmType)).toEqual(expect.arrayContaining(['High Temperature', 'Door Open Too Long']));
    const bare = await inject(admin, 'POST', '/api/v1/device-profiles', { name: 'Quiet freezer', kind: 'freezer', alarmRules: [] });
    expect(bare.json().alarmRuleCount).toBe(0);
    const other = await inject(admin, 'POST', '/api/v1/device-profiles', { name: 'Misc gadget', kind: 'other' });
    expect(other.json().alarmRuleCount).toBe(0);
    const own = await inject(admin, 'POST', '/api/v1/device-profiles', {
      name: 'Own rules',
      kind: 'hvac',
      alarmRules: [{ alarmType: 'Too Warm', createConditions: { MINOR: { expression: { op: '>', key: 'temperature', value: 28 } } } }],
    });
    expect(own.json().alarmRuleCount).toBe(1);
    const bad = await inject(admin, 'POST', '/api/v1/device-profiles', { name: 'Bad rules', kind: 'hvac', alarmRules: [{ alarmType: 'x' }] });
    expect(bad.statusCode).toBe(400);
    // Rules change through their own routes: PATCH does not take them.
    expect((await inject(admin, 'PATCH', `/api/v1/device-profiles/${own.json().id}`, { alarmRules: [] })).statusCode).toBe(400);
  });

  it('creates a device with a given token (used as is), audits it and publishes device.created', async () => {
    const res = await inject(technician, 'POST', '/api/v1/devices', {
      name: 'Test chiller',
      storeId: s1.id,
      label: 'Back room',
      accessToken: 'MY-OWN-TOKEN-1',
    });
    expect(res.statusCode).toBe(201);
    const d = res.json();
    expect(d).toMatchObject({
      name: 'Test chiller',
      storeId: s1.id,
      profileName: 'Default',
      accessToken: 'MY-OWN-TOKEN-1',
      online: false,
      credentials: { type: 'access_token', tokenPrefix: 'MY-O' },
    });
    expect((await postTelemetry('MY-OWN-TOKEN-1', { temperature: 3 })).statusCode).toBe(200);
    expect((await inject(technician, 'POST', '/api/v1/devices', { name: 'Test chiller', storeId: s1.id })).statusCode).toBe(409);
    expect((await inject(technician, 'POST', '/api/v1/devices', { name: 'Other', storeId: s1.id, accessToken: 'MY-OWN-TOKEN-1' })).statusCode).toBe(409);
    expect((await inject(viewer, 'POST', '/api/v1/devices', { name: 'Viewer device', storeId: s1.id })).statusCode).toBe(403);
    const audit = await t.db.pool.query("SELECT action FROM audit_log WHERE entity_id = $1 AND action = 'device.created'", [d.id]);
    expect(audit.rowCount).toBe(1);
    const events = await t.db.pool.query("SELECT payload FROM outbox WHERE topic = 'device.created' AND payload->>'deviceId' = $1", [d.id]);
    expect(events.rows[0].payload).toMatchObject({ deviceId: d.id, storeId: s1.id });
    const generated = await inject(admin, 'POST', '/api/v1/devices', { name: 'Generated token device', storeId: s1.id });
    expect(generated.json().accessToken).toMatch(/^[A-Za-z0-9]{20}$/);
  });

  it('lists devices with filters and cursor paging, and shows a store its devices with online state', async () => {
    const page1 = await inject(admin, 'GET', `/api/v1/devices?storeId=${s1.id}&limit=3`);
    expect(page1.json().data).toHaveLength(3);
    const page2 = await inject(admin, 'GET', `/api/v1/devices?storeId=${s1.id}&limit=3&cursor=${page1.json().nextCursor}`);
    expect(page2.json().data[0].name > page1.json().data[2].name).toBe(true);
    const fridges = await inject(admin, 'GET', '/api/v1/devices?q=fridge&limit=200');
    expect(fridges.json().data.every((d: { name: string }) => d.name.includes('fridge'))).toBe(true);
    expect(fridges.json().data).toHaveLength(6);
    await postTelemetry('demo-S0001-meter-1', { power: 12.5 });
    await t.devices.flushState();
    const online = await inject(admin, 'GET', `/api/v1/stores/${s1.id}/devices?online=true`);
    expect(online.statusCode).toBe(200);
    expect(online.json().data.map((d: { name: string }) => d.name)).toContain('S0001-meter-1');
    expect(online.json().data.every((d: { online: boolean }) => d.online)).toBe(true);
  });

  it('shows a device page with latest values, online state, last activity and dropped messages', async () => {
    const id = (await inject(admin, 'GET', '/api/v1/devices?q=S0001-hvac-1')).json().data[0].id;
    await postTelemetry('demo-S0001-hvac-1', { temperature: 23.5, setpoint: 22, power: 3.1 });
    await t.app.inject({ method: 'POST', url: '/api/v1/demo-S0001-hvac-1/telemetry', payload: '{bad' });
    const page = await inject(viewer, 'GET', `/api/v1/devices/${id}`);
    expect(page.statusCode).toBe(200);
    const d = page.json();
    expect(d.online).toBe(true);
    expect(new Date(d.lastActivityAt).getTime()).toBeGreaterThan(Date.now() - 10_000);
    expect(d.latest.map((l: { key: string; value: unknown }) => [l.key, l.value])).toEqual([
      ['power', 3.1],
      ['setpoint', 22],
      ['temperature', 23.5],
    ]);
    expect(d.drops).toMatchObject([{ reason: 'invalid_json', count: 1 }]);
    const latest = await inject(viewer, 'GET', `/api/v1/devices/${id}/telemetry/latest`);
    expect(latest.json().data).toHaveLength(3);
  });

  it('answers time series raw and aggregated', async () => {
    const id = (await inject(admin, 'GET', '/api/v1/devices?q=S0002-meter-1')).json().data[0].id;
    const base = Date.now() - 3_600_000;
    const entries = Array.from({ length: 60 }, (_, i) => ({ ts: base + i * 60_000, values: { power: i, state: i % 2 === 0 ? 'on' : 'off' } }));
    expect((await postTelemetry('demo-S0002-meter-1', entries)).statusCode).toBe(200);
    const raw = await inject(viewer, 'GET', `/api/v1/devices/${id}/telemetry?keys=power,state&from=${base}&to=${base + 3_600_000}&limit=5`);
    expect(raw.json().data.power.map((p: { value: number }) => p.value)).toEqual([59, 58, 57, 56, 55]);
    expect(raw.json().data.state[0]).toEqual({ ts: base + 59 * 60_000, value: 'off' });
    const asc = await inject(viewer, 'GET', `/api/v1/devices/${id}/telemetry?keys=power&from=${base}&to=${base + 3_600_000}&limit=2&orderBy=ASC`);
    expect(asc.json().data.power.map((p: { value: number }) => p.value)).toEqual([0, 1]);
    const avg = await inject(viewer, 'GET', `/api/v1/devices/${id}/telemetry?keys=power&from=${base}&to=${base + 3_600_000}&interval=1800000&agg=AVG`);
    expect(avg.json()).toMatchObject({ agg: 'AVG', interval: 1_800_000, source: 'raw' });
    expect(avg.json().data.power).toEqual([
      { ts: base, value: 14.5 },
      { ts: base + 1_800_000, value: 44.5 },
    ]);
    const count = await inject(viewer, 'GET', `/api/v1/devices/${id}/telemetry?keys=power&from=${base}&to=${base + 3_600_000}&interval=3600000&agg=COUNT`);
    expect(count.json().data.power).toEqual([{ ts: base, value: 60 }]);
    expect(
      (await inject(viewer, 'GET', `/api/v1/devices/${id}/telemetry?keys=power&from=${base}&to=${base + 3_600_000}&interval=1000&agg=MAX&limit=5`)).statusCode,
    ).toBe(200);
    expect((await inject(viewer, 'GET', `/api/v1/devices/${id}/telemetry?from=5&to=1`)).statusCode).toBe(400);
  });

  it('pushes a shared attribute to the connected device at once, and a deletion as {"deleted":[...]}', async () => {
    const id = (await inject(admin, 'GET', '/api/v1/devices?q=S0001-fridge-2')).json().data[0].id;
    const device = await t.devices.ingress.byAccessToken('demo-S0001-fridge-2');
    if (!device) throw new Error('no device');
    const fake = recordingOutbound();
    t.devices.ingress.connected(device, fake.outbound);
    const saved = await inject(technician, 'POST', `/api/v1/devices/${id}/attributes/shared`, { targetTemperature: 4, config: { defrost: 'auto' } });
    expect(saved.statusCode).toBe(200);
    expect(fake.shared).toEqual([{ targetTemperature: 4, config: { defrost: 'auto' } }]);
    await inject(technician, 'POST', `/api/v1/devices/${id}/attributes/server`, { installedBy: 'Zhao' });
    expect(fake.shared).toHaveLength(1);
    const gone = await inject(technician, 'DELETE', `/api/v1/devices/${id}/attributes/shared?keys=config`);
    expect(gone.json().data.map((a: { key: string }) => a.key)).toEqual(['targetTemperature']);
    expect(fake.shared[1]).toEqual({ deleted: ['config'] });
    expect((await inject(technician, 'POST', `/api/v1/devices/${id}/attributes/client`, { fw: '1' })).statusCode).toBe(400);
    expect((await inject(viewer, 'POST', `/api/v1/devices/${id}/attributes/shared`, { a: 1 })).statusCode).toBe(403);
    expect((await inject(technician, 'POST', `/api/v1/devices/${id}/attributes/shared`, { a: 'nul\u0000' })).statusCode).toBe(400);
    await t.devices.flushState();
    const server = await inject(viewer, 'GET', `/api/v1/devices/${id}/attributes/server`);
    // `active` is the server attribute the devices module keeps itself (the device is connected).
    expect(server.json().data.map((a: { key: string; value: unknown }) => [a.key, a.value])).toEqual([
      ['active', true],
      ['installedBy', 'Zhao'],
    ]);
    t.devices.ingress.disconnected(device, fake.outbound);
    const audit = await t.db.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1 AND action LIKE 'device.attributes_%'", [id]);
    expect(audit.rows[0].n).toBe(3);
  });

  it('rotates, sets and revokes credentials; old tokens stop at once, on this node and on another', async () => {
    const other = createDevices(t.deps);
    await other.start();
    try {
      const id = (await inject(admin, 'GET', '/api/v1/devices?q=S0001-pos-1')).json().data[0].id;
      expect(await other.ingress.byAccessToken('demo-S0001-pos-1')).toBeDefined();
      const view = await inject(viewer, 'GET', `/api/v1/devices/${id}/credentials`);
      expect(view.json()).toMatchObject({ type: 'access_token', tokenPrefix: 'demo', revoked: false });
      expect(JSON.stringify(view.json())).not.toContain('demo-S0001-pos-1');
      const rotated = await inject(technician, 'POST', `/api/v1/devices/${id}/credentials/rotate`);
      expect(rotated.statusCode).toBe(200);
      const fresh = rotated.json().accessToken as string;
      expect((await postTelemetry('demo-S0001-pos-1', { transactions: 1 })).statusCode).toBe(401);
      expect((await postTelemetry(fresh, { transactions: 1 })).statusCode).toBe(200);
      // The other node hears the change through NOTIFY.
      const until = Date.now() + 5000;
      while ((await other.ingress.byAccessToken('demo-S0001-pos-1')) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(await other.ingress.byAccessToken('demo-S0001-pos-1')).toBeUndefined();
      expect(await other.ingress.byAccessToken(fresh)).toBeDefined();

      const basic = await inject(technician, 'PUT', `/api/v1/devices/${id}/credentials`, {
        type: 'mqtt_basic',
        clientId: 'pos-3',
        username: 'pos',
        password: 's3cret-pass',
      });
      expect(basic.json()).toMatchObject({ type: 'mqtt_basic', clientId: 'pos-3', username: 'pos', hasPassword: true });
      expect((await t.devices.ingress.byBasicCredentials('pos-3', 'pos', 's3cret-pass'))?.deviceId).toBe(id);
      expect(await t.devices.ingress.byBasicCredentials('pos-3', 'pos', 'wrong')).toBeUndefined();
      expect((await postTelemetry(fresh, { transactions: 1 })).statusCode).toBe(401);
      await inject(technician, 'PUT', `/api/v1/devices/${id}/credentials`, { type: 'access_token', accessToken: 'pos-token-3' });
      expect((await postTelemetry('pos-token-3', { transactions: 2 })).statusCode).toBe(200);
      const revoked = await inject(technician, 'POST', `/api/v1/devices/${id}/credentials/revoke`);
      expect(revoked.json().revoked).toBe(true);
      expect((await postTelemetry('pos-token-3', { transactions: 3 })).statusCode).toBe(401);
      const events = await t.db.pool.query("SELECT count(*)::int AS n FROM outbox WHERE topic = 'device.credentials_changed' AND payload->>'deviceId' = $1", [
        id,
      ]);
      expect(events.rows[0].n).toBe(4);
    } finally {
      await other.stop();
    }
  });

  it('renames, moves and deletes a device, with events; a deleted device is refused', async () => {
    const made = (await inject(admin, 'POST', '/api/v1/devices', { name: 'Temp sensor', storeId: s1.id, accessToken: 'temp-sensor-token' })).json();
    const s2 = (await t.app.inject({ url: '/api/v1/stores?q=S0002', headers: admin.headers })).json().data[0];
    const moved = await inject(admin, 'PATCH', `/api/v1/devices/${made.id}`, { name: 'Temp sensor 2', storeId: s2.id });
    expect(moved.json()).toMatchObject({ name: 'Temp sensor 2', storeId: s2.id });
    const identity = await t.devices.ingress.byAccessToken('temp-sensor-token');
    expect(identity?.storeId).toBe(s2.id);
    expect((await inject(admin, 'DELETE', `/api/v1/devices/${made.id}`)).statusCode).toBe(204);
    expect((await inject(admin, 'GET', `/api/v1/devices/${made.id}`)).statusCode).toBe(404);
    expect((await postTelemetry('temp-sensor-token', { t: 1 })).statusCode).toBe(401);
    const topics = await t.db.pool.query("SELECT topic FROM outbox WHERE payload->>'deviceId' = $1 ORDER BY id", [made.id]);
    expect(topics.rows.map((r) => r.topic)).toEqual(['device.created', 'device.updated', 'device.deleted']);
  });
});
