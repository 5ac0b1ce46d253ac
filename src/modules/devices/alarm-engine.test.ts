import { and, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/harness.ts';
import { seedDemo } from '../../commands/seed-demo.ts';
import { systemActor } from '../../kernel/auth.ts';
import type { Database } from '../../kernel/db.ts';
import { createLogger } from '../../kernel/logger.ts';
import { createMetrics } from '../../kernel/metrics.ts';
import { defaultAlarmRules } from './alarm-defaults.ts';
import { RuleAlarmEngine } from './alarm-engine.ts';
import { importAlarmRules } from './alarm-rule-profiles.ts';
import { type AlarmRule, alarmRuleList } from './alarm-rules.ts';
import { demoPlaces, insertDevice, insertProfile, outboxRows, recordingFeed } from './alarm-test-fixtures.ts';
import { clearAlarm } from './alarms.ts';
import { alarms } from './alarms-schema.ts';
import type { DataPoint, DeviceIdentity } from './contract.ts';
import { deviceAttributes } from './schema.ts';

const t0 = Date.UTC(2025, 0, 1, 8, 0, 0);
const min = 60_000;
const log = createLogger('silent');

let t: Awaited<ReturnType<typeof testDatabase>>;
let db: Database;
let places: Awaited<ReturnType<typeof demoPlaces>>;
let now = t0;
const clock = () => now;
const engines: RuleAlarmEngine[] = [];

async function engine(feed = recordingFeed()) {
  const e = new RuleAlarmEngine({ db, log, feed, clock, metrics: createMetrics(), sweepMs: 3_600_000 });
  await e.start();
  engines.push(e);
  return { engine: e, feed };
}

const points = (ts: number, values: Record<string, DataPoint['value']>): DataPoint[] => Object.entries(values).map(([key, value]) => ({ ts, key, value }));

async function alarmsOf(device: DeviceIdentity) {
  return db.orm.select().from(alarms).where(eq(alarms.deviceId, device.deviceId)).orderBy(alarms.startedAt);
}

async function fridge(rules: AlarmRule[] = defaultAlarmRules('fridge')) {
  const profileId = await insertProfile(db, places.tenantId, rules);
  return insertDevice(db, places.storeA, profileId);
}

beforeAll(async () => {
  t = await testDatabase();
  db = t.db;
  await seedDemo(db, { stores: 12 });
  places = await demoPlaces(db);
});

// Each engine holds a listening connection: stop them after each test so the pool does not run dry.
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
});

afterAll(async () => {
  await t.drop();
});

describe('alarm engine', () => {
  it('opens an alarm on a simple condition, with its event in the outbox and a live update', async () => {
    const { engine: e, feed } = await engine();
    const device = await fridge();
    await e.onTelemetry(device, points(t0, { temperature: 13.5, humidity: 40 }));
    const [alarm] = await alarmsOf(device);
    expect(alarm).toMatchObject({
      type: 'High Temperature',
      severity: 'CRITICAL',
      status: 'ACTIVE_UNACK',
      storeId: places.storeA.id,
      orgPath: places.storeA.orgPath,
      propagate: true,
    });
    expect(alarm.startedAt.getTime()).toBe(t0);
    expect(alarm.details).toEqual({ message: 'Fridge at 13.5 °C', condition: 'temperature > 12', values: { temperature: 13.5 } });
    const created = (await outboxRows(db, 'alarm.created')).filter((r) => r.payload.deviceId === device.deviceId);
    expect(created).toHaveLength(1);
    expect(created[0].payload).toMatchObject({ alarmId: alarm.id, type: 'High Temperature', severity: 'CRITICAL', storeId: places.storeA.id });
    expect(feed.events.map((x) => x.event)).toEqual([
      { kind: 'alarm', deviceId: device.deviceId, storeId: places.storeA.id, alarm: expect.objectContaining({ id: alarm.id, status: 'ACTIVE_UNACK' }) },
    ]);
  });

  it('keeps one open alarm per device and type: a re-trigger writes nothing, a higher severity raises it', async () => {
    const { engine: e } = await engine();
    const device = await fridge();
    now = t0 + 11 * min;
    await e.onTelemetry(device, points(t0, { temperature: 9 }));
    await e.onTelemetry(device, points(t0 + 10 * min, { temperature: 9.4 }));
    await e.onTelemetry(device, points(t0 + 11 * min, { temperature: 9.8 }));
    let rows = await alarmsOf(device);
    expect(rows.map((r) => [r.severity, r.status])).toEqual([['MAJOR', 'ACTIVE_UNACK']]);
    await db.orm.update(alarms).set({ status: 'ACTIVE_ACK', acknowledgedAt: new Date(), acknowledgedBy: 'someone' }).where(eq(alarms.id, rows[0].id));
    await e.onTelemetry(device, points(t0 + 12 * min, { temperature: 12.5 }));
    rows = await alarmsOf(device);
    expect(rows.map((r) => [r.severity, r.status, r.acknowledgedBy])).toEqual([['CRITICAL', 'ACTIVE_UNACK', null]]);
    expect(rows[0].history.map((h) => h.action)).toEqual(['created', 'severity_changed']);
    const changed = (await outboxRows(db, 'alarm.severity_changed')).filter((r) => r.payload.deviceId === device.deviceId);
    expect(changed.map((r) => [r.payload.from, r.payload.to])).toEqual([['MAJOR', 'CRITICAL']]);
  });

  it('fires a duration rule from the sweeper when the condition held long enough with no new message', async () => {
    const { engine: e } = await engine();
    const device = await fridge();
    now = t0;
    await e.onTelemetry(device, points(t0, { temperature: 9 }));
    now = t0 + 9 * min;
    e.sweep();
    await e.drain();
    expect(await alarmsOf(device)).toEqual([]);
    now = t0 + 10 * min + 500;
    e.sweep();
    await e.drain();
    const rows = await alarmsOf(device);
    expect(rows.map((r) => [r.type, r.severity])).toEqual([['High Temperature', 'MAJOR']]);
    expect(rows[0].startedAt.getTime()).toBe(t0 + 10 * min);
  });

  it('counts repeating conditions: the fifth door opening within 10 minutes opens a warning', async () => {
    const { engine: e } = await engine();
    const device = await fridge();
    for (let i = 0; i < 4; i++) await e.onTelemetry(device, points(t0 + i * min, { door: true }));
    expect(await alarmsOf(device)).toEqual([]);
    await e.onTelemetry(device, points(t0 + 4 * min, { door: true }));
    expect((await alarmsOf(device)).map((r) => r.type)).toEqual(['Frequent Door Opening']);
  });

  it('clears on the clear condition, and a later trigger opens a new alarm', async () => {
    const { engine: e } = await engine();
    const device = await fridge();
    await e.onTelemetry(device, points(t0, { temperature: 13 }));
    await e.onTelemetry(device, points(t0 + min, { temperature: 6 }));
    await e.onTelemetry(device, points(t0 + 3 * min, { temperature: 6.5 }));
    let rows = await alarmsOf(device);
    expect(rows.map((r) => [r.status, r.clearedBy])).toEqual([['CLEARED_UNACK', 'rule']]);
    expect(rows[0].endedAt?.getTime()).toBe(t0 + 3 * min);
    const cleared = (await outboxRows(db, 'alarm.cleared')).filter((r) => r.payload.deviceId === device.deviceId);
    expect(cleared).toHaveLength(1);
    await e.onTelemetry(device, points(t0 + 4 * min, { temperature: 12.1 }));
    rows = await alarmsOf(device);
    expect(rows.map((r) => r.status)).toEqual(['CLEARED_UNACK', 'ACTIVE_UNACK']);
  });

  it('evaluates a batch in time order, point by point in time', async () => {
    const { engine: e } = await engine();
    const device = await fridge();
    // Out of order on purpose: the last point in time clears what the first opened.
    await e.onTelemetry(device, [...points(t0 + 5 * min, { temperature: 5 }), ...points(t0, { temperature: 13 }), ...points(t0 + 3 * min, { temperature: 5 })]);
    expect((await alarmsOf(device)).map((r) => r.status)).toEqual(['CLEARED_UNACK']);
  });

  it('reads thresholds from attributes: loaded the first time the device is seen, then kept current', async () => {
    const { engine: e } = await engine();
    const device = await fridge();
    await db.orm.insert(deviceAttributes).values({ tenantId: device.tenantId, deviceId: device.deviceId, scope: 'server', key: 'temperatureMax', value: 10 });
    now = t0 + 20 * min;
    await e.onTelemetry(device, points(t0, { temperature: 9.5 }));
    await e.onTelemetry(device, points(t0 + 11 * min, { temperature: 9.5 }));
    expect(await alarmsOf(device)).toEqual([]);
    await e.onAttributes(device, 'server', { temperatureMax: 9 });
    await e.onTelemetry(device, points(t0 + 12 * min, { temperature: 9.5 }));
    await e.onTelemetry(device, points(t0 + 22 * min, { temperature: 9.5 }));
    expect((await alarmsOf(device)).map((r) => r.severity)).toEqual(['MAJOR']);
  });

  it('raises an alarm on an attribute change alone (device offline)', async () => {
    const { engine: e } = await engine();
    const profileId = await insertProfile(db, places.tenantId, defaultAlarmRules('signage'), 'other');
    const device = await insertDevice(db, places.storeA, profileId);
    await e.onAttributes(device, 'server', { active: false });
    expect((await alarmsOf(device)).map((r) => [r.type, r.status])).toEqual([['Device Offline', 'ACTIVE_UNACK']]);
    await e.onAttributes(device, 'server', { active: true });
    expect((await alarmsOf(device)).map((r) => r.status)).toEqual(['CLEARED_UNACK']);
  });

  it('reloads rules when they change, on every node (NOTIFY at commit)', async () => {
    const { engine: e } = await engine();
    const device = await fridge();
    await e.onTelemetry(device, points(t0, { temperature: 5 }));
    const strict = alarmRuleList.parse([{ alarmType: 'Too Warm', createConditions: { MINOR: { expression: { op: '>', key: 'temperature', value: 4 } } } }]);
    await importAlarmRules({ db, actor: systemActor(places.tenantId, 'demo'), meta: {} }, device.profileId, { rules: strict });
    await expect
      .poll(async () => {
        await e.onTelemetry(device, points(t0 + min, { temperature: 5 }));
        return (await alarmsOf(device)).map((r) => r.type);
      })
      .toEqual(['Too Warm']);
  });

  it('forgets an alarm a person cleared (heard over NOTIFY) and opens a new one while the condition holds', async () => {
    const { engine: e } = await engine();
    const device = await fridge();
    await e.onTelemetry(device, points(t0, { temperature: 13 }));
    const [first] = await alarmsOf(device);
    await clearAlarm({ db, actor: systemActor(places.tenantId, 'demo'), meta: {} }, first.id);
    await expect
      .poll(async () => {
        await e.onTelemetry(device, points(t0 + min, { temperature: 13 }));
        return (await alarmsOf(device)).map((r) => r.status);
      })
      .toEqual(['CLEARED_UNACK', 'ACTIVE_UNACK']);
  });

  it('opens no second alarm after a restart or when two nodes see the same device', async () => {
    const device = await fridge();
    const a = (await engine()).engine;
    await a.onTelemetry(device, points(t0, { temperature: 12.5 }));
    const b = (await engine()).engine;
    const c = (await engine()).engine;
    await Promise.all([b.onTelemetry(device, points(t0 + min, { temperature: 13 })), c.onTelemetry(device, points(t0 + min, { temperature: 13 }))]);
    const open = await db.orm
      .select({ n: sql<number>`count(*)::int` })
      .from(alarms)
      .where(and(eq(alarms.deviceId, device.deviceId), sql`${alarms.clearedAt} IS NULL`));
    expect(open[0].n).toBe(1);
  });

  it('skips devices whose profile has no rules without touching the database', async () => {
    const { engine: e } = await engine();
    const profileId = await insertProfile(db, places.tenantId, []);
    const device = await insertDevice(db, places.storeA, profileId);
    await e.onTelemetry(device, points(t0, { temperature: 99 }));
    await e.onTelemetry(device, points(t0 + 1, { temperature: 99 }));
    expect(await alarmsOf(device)).toEqual([]);
  });
});
