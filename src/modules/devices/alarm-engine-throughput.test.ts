import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/harness.ts';
import { createLogger } from '../../kernel/logger.ts';
import { defaultAlarmRules } from './alarm-defaults.ts';
import type { AlarmEngineSource, AlarmWriter } from './alarm-engine-store.ts';
import { RuleAlarmEngine } from './alarm-engine.ts';
import type { AlarmRow } from './alarms.ts';
import type { DataPoint, DeviceIdentity } from './contract.ts';

/**
 * How fast the engine evaluates: 1,000,000 points (ThingsBoard payloads of 3 values) from 5,000 fridges against
 * their profile's 3 rules (a duration and a simple create condition with a duration clear, a door-open duration,
 * a repeating door count), with state and writes in memory so the figure is the evaluation alone.
 */

const devicesN = 5_000;
const pointsN = 1_000_000;

let t: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => {
  await t.drop();
});

function memoryWriter(): AlarmWriter & { changes: number } {
  const writer = {
    changes: 0,
    async raise(trigger: Parameters<AlarmWriter['raise']>[0]) {
      writer.changes++;
      const alarm = {
        id: `alm_${writer.changes}`,
        tenantId: trigger.device.tenantId,
        deviceId: trigger.device.deviceId,
        type: trigger.type,
        severity: trigger.severity,
      } as AlarmRow;
      return { alarm, change: 'created' as const };
    },
    async clear() {
      writer.changes++;
      return undefined;
    },
  };
  return writer;
}

describe('alarm engine throughput', () => {
  it('evaluates 1,000,000 points from 5,000 devices against 3 rules each', async () => {
    const rules = defaultAlarmRules('fridge');
    expect(rules).toHaveLength(3);
    const source: AlarmEngineSource = { rulesOf: async () => rules, deviceState: async () => ({ attributes: [], latest: [], open: [] }) };
    const writer = memoryWriter();
    let now = Date.UTC(2025, 0, 1);
    const engine = new RuleAlarmEngine({ db: t.db, log: createLogger('silent'), source, writer, clock: () => now });
    const devices: DeviceIdentity[] = Array.from({ length: devicesN }, (_, i) => ({
      deviceId: `dev_${i}`,
      tenantId: 'ten_bench',
      storeId: `str_${i % 500}`,
      orgPath: `/ou_root/ou_${i % 500}/`,
      profileId: 'prf_fridge',
      name: `fridge ${i}`,
      isGateway: false,
    }));
    // Warm up: every device's state is loaded once (the engine's one read per device), outside the measurement.
    for (const d of devices) await engine.onTelemetry(d, [{ ts: now, key: 'temperature', value: 4 }]);

    const messages = Math.ceil(pointsN / 3);
    const makeBatches = (start: number): DataPoint[][] =>
      Array.from({ length: messages }, (_, m) => {
        const ts = start + m * 10;
        // Mostly a healthy fridge; one device in 50 runs warm and one message in 40 opens the door, so alarms fire and clear.
        const warm = m % 50 === 0;
        return [
          { ts, key: 'temperature', value: warm ? 9 + (m % 5) : 3 + (m % 30) / 10 },
          { ts, key: 'door', value: m % 40 === 0 },
          { ts, key: 'humidity', value: 40 + (m % 20) },
        ];
      });
    // Two passes over the same million points: the first includes the JIT warming up, the best is the figure.
    const rates: number[] = [];
    for (let pass = 0; pass < 2; pass++) {
      const batches = makeBatches(now + 10);
      const started = process.hrtime.bigint();
      for (let m = 0; m < messages; m++) {
        now += 10;
        await engine.onTelemetry(devices[m % devicesN], batches[m]);
        if (m % 50_000 === 0) engine.sweep();
      }
      await engine.drain();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      rates.push((messages * 3) / seconds);
      process.stdout.write(
        `alarm engine pass ${pass + 1}: ${(messages * 3).toLocaleString('en')} points, ${devicesN.toLocaleString('en')} devices, 3 rules each: ` +
          `${seconds.toFixed(2)} s, ${Math.round(rates[pass]).toLocaleString('en')} points/s, ${writer.changes} alarm changes so far\n`,
      );
    }
    const rate = Math.max(...rates);
    expect(writer.changes).toBeGreaterThan(0);
    // A floor far below what a laptop does, so a slow CI machine passes but an accidental per-point allocation storm does not.
    expect(rate).toBeGreaterThan(50_000);
  }, 120_000);
});
