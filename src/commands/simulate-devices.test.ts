import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MqttTestStack, mqttTestStack, storedValues } from '../modules/devices/mqtt-test-stack.ts';
import type { Session } from '../modules/devices/devices-test-app.ts';
import { loadSimulatedDevices, type Simulation, startSimulation, statusLine } from './simulate-devices.ts';

describe('storeos simulate devices', () => {
  let t: MqttTestStack;
  let admin: Session;
  let sim: Simulation;
  beforeAll(async () => {
    t = await mqttTestStack({ stores: 2 });
    admin = await t.signIn('admin@demo.storeos.dev');
  });
  afterAll(async () => {
    await sim?.stop();
    await t.close();
  });

  it('plays the demo stores’ devices: connects, reports, answers RPC and applies shared attributes', async () => {
    const specs = await loadSimulatedDevices(t.db, { tenant: 'demo', stores: 2, perStore: 8 });
    expect(specs).toHaveLength(16);
    expect(specs.slice(0, 3).map((s) => [s.name, s.kind, s.token])).toEqual([
      ['S0001-fridge-1', 'fridge', 'demo-S0001-fridge-1'],
      ['S0001-fridge-2', 'fridge', 'demo-S0001-fridge-2'],
      ['S0001-freezer-1', 'freezer', 'demo-S0001-freezer-1'],
    ]);
    sim = await startSimulation(specs, { url: t.mqttUrl, rate: 10, faultsPerHour: 0 });
    expect(sim.stats.connected).toBe(16);
    await new Promise((r) => setTimeout(r, 700));
    expect((await storedValues(t, 'S0001-fridge-1', 'temperature')).length).toBeGreaterThan(2);
    expect((await storedValues(t, 'S0002-meter-1', 'voltage')).length).toBeGreaterThan(2);
    expect(sim.stats.acked).toBeGreaterThan(50);

    const fridge = await t.deviceId('S0001-fridge-1');
    const rpc = (method: string, params: unknown) =>
      t.app.inject({ method: 'POST', url: `/api/v1/devices/${fridge}/rpc`, headers: admin.headers, payload: { method, params, timeoutMs: 5000 } });
    expect((await rpc('setSetpoint', { value: 3 })).json()).toEqual({ setpoint: 3 });
    expect((await rpc('setSetpoint', { value: 30 })).json()).toMatchObject({ error: expect.stringMatching(/setpoint/) });
    await t.app.inject({ method: 'POST', url: `/api/v1/devices/${fridge}/attributes/shared`, headers: admin.headers, payload: { setpoint: 5 } });
    await new Promise((r) => setTimeout(r, 100));
    expect((await rpc('getStatus', {})).json()).toMatchObject({ setpoint: 5, firmwareVersion: '2.4.1' });
    const attrs = await t.app.inject({ url: `/api/v1/devices/${fridge}/attributes/client`, headers: admin.headers });
    expect(JSON.stringify(attrs.json())).toContain('firmwareVersion');
    expect(statusLine(sim, { sent: 0, acked: 0, at: Date.now() - 1000 })).toMatch(/^16\/16 connected .* msg\/s .* acks\/s .*RPCs/);
  });
});
