import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevicesTestApp, devicesTestApp, type Session } from './devices-test-app.ts';
import type { LiveEvent } from './contract.ts';
import { createDevices } from './create-devices.ts';
import type { LiveHub } from './live-feed.ts';

/** An SSE connection: the raw text received so far, and a way to wait for a piece of it. */
function openStream(port: number, path: string, headers: Record<string, string>) {
  let text = '';
  let status = 0;
  const req = http.get({ host: '127.0.0.1', port, path, headers: { ...headers, accept: 'text/event-stream' } }, (res) => {
    status = res.statusCode ?? 0;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      text += chunk;
    });
  });
  req.on('error', () => {});
  return {
    get text() {
      return text;
    },
    get status() {
      return status;
    },
    async until(needle: string, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      while (!text.includes(needle) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      if (!text.includes(needle)) throw new Error(`no "${needle}" in ${JSON.stringify(text)}`);
    },
    close: () => req.destroy(),
  };
}

describe('live updates (SSE)', () => {
  let t: DevicesTestApp;
  let manager: Session;
  let port = 0;
  beforeAll(async () => {
    t = await devicesTestApp({ stores: 2, devices: { heartbeatMs: 100 } });
    manager = await t.signIn('store.manager@demo.storeos.dev');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(() => t.close());

  const idOf = async (name: string) => {
    const admin = await t.signIn('admin@demo.storeos.dev');
    return (await t.app.inject({ url: `/api/v1/devices?q=${name}`, headers: admin.headers })).json().data[0] as { id: string; storeId: string };
  };
  const post = (token: string, body: unknown) =>
    t.app.inject({ method: 'POST', url: `/api/v1/${token}/telemetry`, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  it("streams a device's telemetry, status and alarms, with heartbeats, and cleans up on disconnect", async () => {
    const d = await idOf('S0001-fridge-1');
    const stream = openStream(port, `/api/v1/live?deviceId=${d.id}`, manager.headers);
    await stream.until('event: ready');
    expect(stream.status).toBe(200);
    expect((t.devices.live as LiveHub).size).toBe(1);
    await post('demo-S0001-fridge-1', { temperature: 5.5 });
    await post('demo-S0001-fridge-2', { temperature: 9.9 }); // another device: not on this stream
    await stream.until('event: telemetry');
    expect(stream.text).toContain('event: status');
    expect(stream.text).toContain('"key":"temperature","value":5.5');
    expect(stream.text).not.toContain('9.9');
    t.devices.live.publish(t.tenantId, { kind: 'alarm', deviceId: d.id, storeId: d.storeId, alarm: { type: 'High Temperature', severity: 'MAJOR' } });
    await stream.until('event: alarm');
    await stream.until(': heartbeat');
    stream.close();
    const end = Date.now() + 3000;
    while ((t.devices.live as LiveHub).size > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect((t.devices.live as LiveHub).size).toBe(0);
  });

  it("streams a store's devices, and only those", async () => {
    const d = await idOf('S0001-hvac-1');
    const stream = openStream(port, `/api/v1/live?storeId=${d.storeId}`, manager.headers);
    await stream.until('event: ready');
    await post('demo-S0002-hvac-1', { power: 7.7 });
    await post('demo-S0001-hvac-1', { power: 2.2 });
    await stream.until('2.2');
    expect(stream.text).not.toContain('7.7');
    stream.close();
  });

  it("streams alarm changes of the caller's whole scope, or of an org unit's subtree, and nothing outside", async () => {
    const admin = await t.signIn('admin@demo.storeos.dev');
    const unitOf = async (code: string) => (await t.db.pool.query<{ id: string }>('SELECT org_unit_id AS id FROM stores WHERE code = $1', [code])).rows[0].id;
    const mine = openStream(port, '/api/v1/live', manager.headers);
    const region = openStream(port, `/api/v1/live?orgUnitId=${await unitOf('S0002')}&events=alarm,status`, admin.headers);
    await mine.until('event: ready');
    await region.until('event: ready');
    // 13.x °C trips the demo fridges' CRITICAL "High Temperature" rule (> 12 °C).
    await post('demo-S0001-fridge-2', { temperature: 13.1 });
    await post('demo-S0002-fridge-2', { temperature: 13.2 });
    await mine.until('"deviceName":"S0001-fridge-2"');
    await region.until('"deviceName":"S0002-fridge-2"');
    await region.until('event: status');
    expect(mine.text).not.toContain('S0002-fridge-2');
    expect(region.text).not.toContain('S0001-fridge-2');
    // The default is alarms only, and telemetry never flows on a subtree feed.
    expect(mine.text).not.toContain('event: status');
    expect(mine.text + region.text).not.toContain('event: telemetry');

    // A person's acknowledgement is live too.
    const open = (await t.app.inject({ url: '/api/v1/alarms?status=ACTIVE_UNACK', headers: manager.headers })).json().data as { id: string }[];
    expect(open.length).toBeGreaterThan(0);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/alarms/${open[0].id}/ack`, headers: manager.headers })).statusCode).toBe(200);
    await mine.until('"status":"ACTIVE_ACK"');
    mine.close();
    region.close();
  });

  it('shows an alarm change written on one node live on another node, once', async () => {
    const other = createDevices(t.deps);
    await other.start();
    try {
      const heard: LiveEvent[] = [];
      const unsubscribe = other.live.subscribe(t.tenantId, {}, (event) => heard.push(event));
      const here: LiveEvent[] = [];
      const unsubscribeHere = t.devices.live.subscribe(t.tenantId, { kinds: ['alarm'] }, (event) => here.push(event));
      // this node ingests the telemetry and writes the alarm; the other hears of it through the devices channel
      await post('demo-S0002-freezer-1', { temperature: -1 });
      const alarmOf = (events: LiveEvent[]) => events.filter((e) => e.kind === 'alarm' && e.alarm.deviceName === 'S0002-freezer-1');
      await expect.poll(() => alarmOf(heard).length, { timeout: 5000 }).toBe(1);
      expect(alarmOf(heard)[0]).toMatchObject({ storeId: (await idOf('S0002-freezer-1')).storeId, alarm: { severity: 'CRITICAL', status: 'ACTIVE_UNACK' } });
      // the writing node published it itself and ignores its own notice: no second copy here
      await new Promise((r) => setTimeout(r, 200));
      expect(alarmOf(here)).toHaveLength(1);
      unsubscribe();
      unsubscribeHere();
    } finally {
      await other.stop();
    }
  });

  it('answers 404 for a device, store or org unit outside the caller, 400 for a mixed or wrong filter', async () => {
    const foreign = await idOf('S0002-hvac-1');
    const foreignUnit = (await t.db.pool.query<{ id: string }>("SELECT org_unit_id AS id FROM stores WHERE code = 'S0002'")).rows[0].id;
    expect((await t.app.inject({ url: `/api/v1/live?deviceId=${foreign.id}`, headers: manager.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/v1/live?storeId=${foreign.storeId}`, headers: manager.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/v1/live?orgUnitId=${foreignUnit}`, headers: manager.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/v1/live?deviceId=${foreign.id}&storeId=${foreign.storeId}`, headers: manager.headers })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/v1/live?events=telemetry', headers: manager.headers })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/v1/live?events=alarm,gossip', headers: manager.headers })).statusCode).toBe(400);
    expect((await t.app.inject({ url: `/api/v1/live?deviceId=${foreign.id}` })).statusCode).toBe(401);
  });
});
