import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/harness.ts';
import { seedDemo } from '../../commands/seed-demo.ts';
import { loadConfig } from '../../kernel/config.ts';
import { createLogger } from '../../kernel/logger.ts';
import { createMetrics } from '../../kernel/metrics.ts';
import { stores } from '../stores/index.ts';
import { RuleAlarmEngine } from './alarm-engine.ts';
import { alarms } from './alarms-schema.ts';
import type { LiveEvent } from './contract.ts';
import { createDevices, type Devices } from './create-devices.ts';
import { demoDeviceToken } from './demo-devices.ts';

/** The seam with the ingest pipeline: a fridge's message, committed by the devices module, opens an alarm. */

let t: Awaited<ReturnType<typeof testDatabase>>;
let devices: Devices;
let engine: RuleAlarmEngine;
let storeCode: string;
const live: { at: number; event: LiveEvent }[] = [];

beforeAll(async () => {
  t = await testDatabase();
  const { tenantId } = await seedDemo(t.db, { stores: 2 });
  const log = createLogger('silent');
  const deps = { db: t.db, config: loadConfig({ LOG_LEVEL: 'silent' }), log, metrics: createMetrics() };
  devices = createDevices(deps);
  await devices.start();
  engine = new RuleAlarmEngine({ db: t.db, log, metrics: deps.metrics, feed: devices.live });
  await engine.start();
  devices.setAlarmEngine(engine);
  devices.live.subscribe(tenantId, {}, (event) => live.push({ at: Date.now(), event }));
  [{ code: storeCode }] = await t.db.orm.select({ code: stores.code }).from(stores).where(eq(stores.tenantId, tenantId)).orderBy(asc(stores.code)).limit(1);
});

afterAll(async () => {
  await engine.stop();
  await devices.stop();
  await t.drop();
});

describe('alarms from ingested telemetry', () => {
  it("opens the demo fridge's High Temperature alarm from a ThingsBoard payload, shown live", async () => {
    const device = await devices.ingress.byAccessToken(demoDeviceToken('demo', storeCode, 'fridge-1'));
    if (!device) throw new Error('the demo fridge has no token');
    const sent = Date.now();
    await devices.ingress.telemetry(device, Buffer.from(JSON.stringify({ ts: sent, values: { temperature: 13.2, humidity: 41, power: 1.2 } })), sent);
    await expect.poll(() => t.db.orm.select().from(alarms).where(eq(alarms.deviceId, device.deviceId)), { timeout: 5000 }).toHaveLength(1);
    const [alarm] = await t.db.orm.select().from(alarms).where(eq(alarms.deviceId, device.deviceId));
    expect(alarm).toMatchObject({ type: 'High Temperature', severity: 'CRITICAL', status: 'ACTIVE_UNACK', storeId: device.storeId });
    expect(alarm.startedAt.getTime()).toBe(sent);
    await expect.poll(() => live.some((l) => l.event.kind === 'alarm' && l.event.deviceId === device.deviceId)).toBe(true);
    const shown = live.find((l) => l.event.kind === 'alarm' && l.event.deviceId === device.deviceId);
    process.stdout.write(`publish to alarm (in process, one message): ${(shown?.at ?? 0) - sent} ms\n`);

    await devices.ingress.telemetry(device, Buffer.from(JSON.stringify({ temperature: 5 })), Date.now());
    await devices.ingress.telemetry(device, Buffer.from(JSON.stringify({ ts: Date.now() + 180_000, values: { temperature: 5 } })), Date.now());
    await expect
      .poll(async () => (await t.db.orm.select().from(alarms).where(eq(alarms.deviceId, device.deviceId)))[0].status, { timeout: 5000 })
      .toBe('CLEARED_UNACK');

    // Warm: the device's state is in memory now, so the alarm costs the commit of the batch and of the alarm.
    const again = Date.now() + 200_000;
    const before = live.length;
    const at = Date.now();
    await devices.ingress.telemetry(device, Buffer.from(JSON.stringify({ ts: again, values: { temperature: 13.5 } })), Date.now());
    await expect.poll(() => live.slice(before).some((l) => l.event.kind === 'alarm' && l.event.alarm.status === 'ACTIVE_UNACK')).toBe(true);
    const warm = live.slice(before).find((l) => l.event.kind === 'alarm' && l.event.alarm.status === 'ACTIVE_UNACK');
    process.stdout.write(`publish to alarm (in process, warm): ${(warm?.at ?? 0) - at} ms\n`);
  });
});
