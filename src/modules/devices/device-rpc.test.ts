import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceIdentity, DeviceOutbound, RpcRequest } from './contract.ts';
import { finalRpcStatuses, rpcFrom, rpcTransitions } from './device-rpc.ts';
import { type DevicesTestApp, devicesTestApp, type Session } from './devices-test-app.ts';

/** A fake connected device: records the RPCs it is handed, and answers two-way ones when `answer` says so. */
function fakeDevice(t: DevicesTestApp, device: DeviceIdentity, answer?: (r: RpcRequest) => unknown) {
  const received: RpcRequest[] = [];
  const outbound: DeviceOutbound = {
    sharedAttributes: () => {},
    disconnect: () => {},
    rpc: async (_id, request) => {
      received.push(request);
      if (answer && !request.oneway) {
        const reply = answer(request);
        setTimeout(() => void t.devices.ingress.rpcReply(device, request.requestId, Buffer.from(JSON.stringify(reply))), 20);
      }
      return true;
    },
  };
  return { outbound, received };
}

describe('the RPC lifecycle', () => {
  it('allows QUEUED → SENT → DELIVERED → SUCCESSFUL | FAILED, QUEUED → EXPIRED, sent → TIMEOUT, and nothing out of a final status', () => {
    expect(rpcFrom('SENT')).toEqual(['QUEUED']);
    expect(rpcFrom('DELIVERED')).toEqual(['SENT']);
    expect(rpcFrom('SUCCESSFUL')).toEqual(['SENT', 'DELIVERED']);
    expect(rpcFrom('EXPIRED')).toEqual(['QUEUED']);
    expect(rpcFrom('TIMEOUT', ['SENT', 'DELIVERED'])).toEqual(['SENT', 'DELIVERED']);
    for (const s of finalRpcStatuses) expect(rpcTransitions[s]).toEqual([]);
  });
});

describe('server-side RPC', () => {
  let t: DevicesTestApp;
  let manager: Session;
  let viewer: Session;
  const idOf = async (name: string) => (await t.app.inject({ url: `/api/v1/devices?q=${name}`, headers: manager.headers })).json().data[0].id as string;
  const identity = async (token: string) => {
    const d = await t.devices.ingress.byAccessToken(token);
    if (!d) throw new Error(`no device ${token}`);
    return d;
  };
  const send = (id: string, body: Record<string, unknown>, s: Session = manager) =>
    t.app.inject({ method: 'POST', url: `/api/v1/devices/${id}/rpc`, headers: s.headers, payload: body });

  beforeAll(async () => {
    t = await devicesTestApp({ stores: 2 });
    manager = await t.signIn('store.manager@demo.storeos.dev');
    viewer = await t.signIn('viewer@demo.storeos.dev');
  });
  afterAll(() => t.close());

  it('answers a two-way RPC with the device reply, and records it SUCCESSFUL', async () => {
    const device = await identity('demo-S0001-hvac-1');
    const fake = fakeDevice(t, device, (r) => ({ setpoint: (r.params as { value: number }).value, ok: true }));
    t.devices.ingress.connected(device, fake.outbound);
    const res = await send(device.deviceId, { method: 'setSetpoint', params: { value: 21 }, timeoutMs: 5000 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ setpoint: 21, ok: true });
    expect(fake.received).toMatchObject([{ method: 'setSetpoint', params: { value: 21 }, oneway: false }]);
    const list = await t.app.inject({ url: `/api/v1/devices/${device.deviceId}/rpc`, headers: viewer.headers });
    expect(list.json().data[0]).toMatchObject({ method: 'setSetpoint', status: 'SUCCESSFUL', response: { setpoint: 21, ok: true } });
    const one = await t.app.inject({ url: `/api/v1/rpc/${list.json().data[0].id}`, headers: viewer.headers });
    expect(one.json().status).toBe('SUCCESSFUL');
    t.devices.ingress.disconnected(device, fake.outbound);
  });

  it('answers a one-way RPC once delivered', async () => {
    const device = await identity('demo-S0001-signage-1');
    const fake = fakeDevice(t, device);
    t.devices.ingress.connected(device, fake.outbound);
    const res = await send(device.deviceId, { method: 'showMessage', params: { text: 'Sale' }, oneway: true });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('SUCCESSFUL');
    expect(fake.received[0].oneway).toBe(true);
    t.devices.ingress.disconnected(device, fake.outbound);
  });

  it('answers 504 when the device does not reply in time, and records TIMEOUT', async () => {
    const device = await identity('demo-S0001-pos-1');
    const silent = fakeDevice(t, device);
    t.devices.ingress.connected(device, silent.outbound);
    const res = await send(device.deviceId, { method: 'getStatus', timeoutMs: 300 });
    expect(res.statusCode).toBe(504);
    expect(res.json().error.details.status).toBe('TIMEOUT');
    const offline = await send(await idOf('S0001-freezer-1'), { method: 'getStatus', timeoutMs: 200 });
    expect(offline.statusCode).toBe(504);
    t.devices.ingress.disconnected(device, silent.outbound);
  });

  it('keeps a persistent RPC QUEUED for an offline device and delivers it on connect: QUEUED → DELIVERED → SUCCESSFUL', async () => {
    const id = await idOf('S0001-fridge-1');
    const res = await send(id, { method: 'defrost', params: { minutes: 20 }, persistent: true, timeoutMs: 30_000 });
    expect(res.statusCode).toBe(202);
    expect(res.json().status).toBe('QUEUED');
    const rpcId = res.json().rpcId;
    const status = async () => (await t.app.inject({ url: `/api/v1/rpc/${rpcId}`, headers: manager.headers })).json().status;
    expect(await status()).toBe('QUEUED');
    const device = await identity('demo-S0001-fridge-1');
    const fake = fakeDevice(t, device);
    t.devices.ingress.connected(device, fake.outbound);
    const until = Date.now() + 5000;
    while ((await status()) !== 'DELIVERED' && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(await status()).toBe('DELIVERED');
    expect(fake.received).toMatchObject([{ method: 'defrost', params: { minutes: 20 } }]);
    await t.devices.ingress.rpcReply(device, fake.received[0].requestId, Buffer.from('{"done":true}'));
    expect(await status()).toBe('SUCCESSFUL');
    t.devices.ingress.disconnected(device, fake.outbound);
  });

  it('expires a persistent RPC nobody collected, and times out one delivered but never answered', async () => {
    const id = await idOf('S0001-fridge-2');
    const queued = (await send(id, { method: 'late', persistent: true, expiresInMs: 1000 })).json().rpcId;
    const device = await identity('demo-S0001-meter-1');
    const fake = fakeDevice(t, device);
    t.devices.ingress.connected(device, fake.outbound);
    const delivered = (await send(device.deviceId, { method: 'slow', persistent: true, timeoutMs: 500 })).json().rpcId;
    await new Promise((r) => setTimeout(r, 1200));
    expect(await t.devices.runtime.rpc.expire()).toEqual({ expired: 1, timedOut: 1 });
    const status = async (rpcId: string) => (await t.app.inject({ url: `/api/v1/rpc/${rpcId}`, headers: manager.headers })).json().status;
    expect(await status(queued)).toBe('EXPIRED');
    expect(await status(delivered)).toBe('TIMEOUT');
    t.devices.ingress.disconnected(device, fake.outbound);
  });

  it('refuses RPC to people without devices:rpc, and hides other stores', async () => {
    const id = await idOf('S0001-hvac-1');
    expect((await send(id, { method: 'x', persistent: true }, viewer)).statusCode).toBe(403);
    const admin = await t.signIn('admin@demo.storeos.dev');
    const s2 = (await t.app.inject({ url: '/api/v1/devices?q=S0002-hvac-1', headers: admin.headers })).json().data[0].id;
    expect((await send(s2, { method: 'x', persistent: true })).statusCode).toBe(404);
  });
});
