import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevicesTestApp, devicesTestApp, type Session } from './devices-test-app.ts';
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

  it('answers 404 for a device or store outside the caller, 400 without a filter', async () => {
    const foreign = await idOf('S0002-hvac-1');
    expect((await t.app.inject({ url: `/api/v1/live?deviceId=${foreign.id}`, headers: manager.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/v1/live?storeId=${foreign.storeId}`, headers: manager.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/live', headers: manager.headers })).statusCode).toBe(400);
    expect((await t.app.inject({ url: `/api/v1/live?deviceId=${foreign.id}` })).statusCode).toBe(401);
  });
});
