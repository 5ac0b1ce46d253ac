import { describe, expect, it } from 'vitest';
import { createModel, type DeviceAction, simulatedKinds } from './device-kinds.ts';

const telemetryOf = (actions: DeviceAction[]) => actions.flatMap((a) => ('telemetry' in a ? [a.telemetry] : []));

/** Steps a model once a second for `seconds`, with the given fault chance per step. */
function run(kind: (typeof simulatedKinds)[number], seconds: number, faultChance: number) {
  const model = createModel(kind);
  const start = Date.now();
  const out: DeviceAction[] = [];
  for (let s = 0; s < seconds; s++) out.push(...model.step(start + s * 1000, s === 0 ? faultChance : 0));
  return { model, out };
}

describe('simulated device kinds', () => {
  it('report the keys the default alarm rules read, and client attributes with the firmware version', () => {
    const keys = {
      fridge: 'temperature',
      freezer: 'temperature',
      hvac: 'power',
      meter: 'voltage',
      people_counter: 'battery',
      signage: 'status',
      pos: 'status',
    } as const;
    for (const kind of simulatedKinds) {
      const { model, out } = run(kind, 3, 0);
      expect(telemetryOf(out).some((t) => keys[kind] in t)).toBe(true);
      expect(model.clientAttributes()).toMatchObject({ firmwareVersion: expect.any(String), kind });
    }
  });

  it('a fridge that develops a fault either warms past 12 °C or leaves its door open for over 5 minutes', () => {
    for (let i = 0; i < 10; i++) {
      const { model, out } = run('fridge', 20 * 60, 1);
      const values = telemetryOf(out);
      const warmed = values.some((t) => typeof t.temperature === 'number' && t.temperature > 12);
      const doors = values.filter((t) => 'door' in t).map((t) => t.door);
      const leftOpen = doors[0] === true && model.fault === undefined;
      expect(warmed || leftOpen).toBe(true);
    }
  });

  it('answers RPC as firmware does: setSetpoint within range, getStatus, reboot drops off the network, unknown methods fail', () => {
    const fridge = createModel('fridge');
    expect(fridge.rpc('setSetpoint', { value: 3 })).toEqual({ result: { setpoint: 3 } });
    expect(fridge.rpc('setSetpoint', { value: 40 })).toMatchObject({ error: expect.stringMatching(/0 to 10/) });
    expect(fridge.rpc('getStatus', {})).toMatchObject({ result: { setpoint: 3, door: expect.any(Boolean) } });
    expect(fridge.rpc('reboot', {})).toEqual({ result: { rebooting: true }, action: { offlineForMs: 5000 } });
    expect(fridge.rpc('selfDestruct', {})).toEqual({ error: 'unknown method selfDestruct' });
    fridge.applyShared({ setpoint: 5 });
    expect(fridge.rpc('getStatus', {})).toMatchObject({ result: { setpoint: 5 } });
  });
});
