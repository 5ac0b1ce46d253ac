import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSession } from '../../../test/harness.ts';
import { type MaintenanceKit, maintenanceKit } from './maintenance-test-kit.ts';
import { runPreventiveMaintenance } from './pm-run.ts';

const day = 86_400_000;

describe('preventive maintenance by calendar and by meter', () => {
  let k: MaintenanceKit;
  let tech: TestSession;
  let calendarAsset = '';
  let meterAsset = '';
  let deviceId = '';

  beforeAll(async () => {
    k = await maintenanceKit();
    tech = await k.t.signIn('technician@demo.storeos.dev');
    calendarAsset = (await k.call(k.admin, 'POST', '/api/v1/assets', { storeId: k.stores[0].id, name: 'Escalator', category: 'elevator' })).body.id;
    deviceId = await k.deviceId(k.stores[0].code, 'hvac-1');
    meterAsset = (await k.call(k.admin, 'POST', '/api/v1/assets', { storeId: k.stores[0].id, name: 'Rooftop HVAC', category: 'hvac', deviceId })).body.id;
  });
  afterAll(() => k.close());

  /** Writes a device's latest value of a key, as the telemetry pipeline's flush does. */
  const reading = async (key: string, value: number) => {
    const keyId = (
      await k.t.db.pool.query(
        `INSERT INTO telemetry_keys (tenant_id, key) VALUES ($1, $2) ON CONFLICT (tenant_id, key) DO UPDATE SET key = excluded.key RETURNING id`,
        [k.tenantId, key],
      )
    ).rows[0].id;
    await k.t.db.pool.query(
      `INSERT INTO telemetry_latest (device_sid, key_id, tenant_id, ts, num_v) SELECT sid, $2::int, tenant_id, $3::bigint, $4::float8 FROM devices WHERE id = $1
       ON CONFLICT (device_sid, key_id) DO UPDATE SET ts = excluded.ts, num_v = excluded.num_v`,
      [deviceId, keyId, Date.now(), value],
    );
  };
  const pmOrders = async (assetId: string) =>
    (await k.call(k.admin, 'GET', `/api/v1/work-orders?assetId=${assetId}`)).body.data.filter((w: { source: string }) => w.source === 'pm') as {
      id: string;
      dueAt: string;
      status: string;
    }[];

  it('opens a calendar work order within its lead time and moves the due date on by the rule', async () => {
    const start = new Date('2031-03-03T09:00:00Z'); // a Monday
    const created = await k.call(k.admin, 'POST', '/api/v1/pm-schedules', {
      assetId: calendarAsset,
      title: 'Weekly escalator check',
      kind: 'calendar',
      rrule: 'RRULE:FREQ=WEEKLY;BYDAY=MO',
      startsAt: start.toISOString(),
      leadDays: 2,
      checklist: ['Handrail', 'Comb plates'],
      assigneeUserId: tech.userId,
    });
    expect(created.status).toBe(201);
    expect(created.body.nextDueAt).toBe(start.toISOString());
    expect((await runPreventiveMaintenance(k.t.db, new Date(start.getTime() - 3 * day))).opened).toBe(0);
    expect((await runPreventiveMaintenance(k.t.db, new Date(start.getTime() - 1 * day))).opened).toBe(1);
    expect((await runPreventiveMaintenance(k.t.db, new Date(start.getTime() - 1 * day))).opened).toBe(0);
    const wos = await pmOrders(calendarAsset);
    expect(wos).toHaveLength(1);
    expect(wos[0].dueAt).toBe(start.toISOString());
    const schedule = (await k.call(k.admin, 'GET', `/api/v1/pm-schedules?assetId=${calendarAsset}`)).body.data[0];
    expect(schedule.nextDueAt).toBe(new Date(start.getTime() + 7 * day).toISOString());

    const calendar = await k.call(k.admin, 'GET', `/api/v1/pm-schedules/calendar?from=2031-03-01T00:00:00Z&to=2031-03-31T00:00:00Z`);
    expect(calendar.body.data.filter((e: { workOrderId: string | null }) => e.workOrderId === null).length).toBeGreaterThanOrEqual(4);

    // The technician's phone calendar shows it.
    const feed = await k.call(tech, 'POST', '/api/v1/maintenance/calendar-feed');
    const ics = await k.t.app.inject({ url: feed.body.path });
    expect(ics.statusCode).toBe(200);
    expect(ics.headers['content-type']).toMatch(/text\/calendar/);
    expect(ics.body).toMatch(/BEGIN:VCALENDAR/);
    expect(ics.body).toMatch(/SUMMARY:\[medium\] Weekly escalator check/);
    expect((await k.t.app.inject({ url: '/api/v1/maintenance/ical/cal_not-a-real-token' })).statusCode).toBe(404);
  });

  it('counts the next due date from the last completion when the schedule says so', async () => {
    const weekly = (await k.call(k.admin, 'GET', `/api/v1/pm-schedules?assetId=${calendarAsset}`)).body.data[0];
    expect((await k.call(k.admin, 'PATCH', `/api/v1/pm-schedules/${weekly.id}`, { active: false })).status).toBe(200);
    const start = new Date('2031-06-01T08:00:00Z');
    const s = await k.call(k.admin, 'POST', '/api/v1/pm-schedules', {
      assetId: calendarAsset,
      title: 'Quarterly deep clean',
      kind: 'calendar',
      rrule: 'FREQ=MONTHLY;INTERVAL=3',
      startsAt: start.toISOString(),
      basis: 'completion',
      leadDays: 0,
    });
    expect((await runPreventiveMaintenance(k.t.db, start)).opened).toBe(1);
    // Nothing more while that one is open, however late it gets.
    expect((await runPreventiveMaintenance(k.t.db, new Date(start.getTime() + 200 * day))).opened).toBe(0);
    const wo = (await pmOrders(calendarAsset)).find((w) => w.dueAt === start.toISOString());
    expect(wo).toBeDefined();
    await k.call(k.admin, 'POST', `/api/v1/work-orders/${wo?.id}/transitions`, { to: 'CANCELLED' });
    const after = (await k.call(k.admin, 'GET', `/api/v1/pm-schedules?assetId=${calendarAsset}`)).body.data.find((x: { id: string }) => x.id === s.body.id);
    const next = new Date(after.nextDueAt).getTime();
    const closed = Date.now();
    // Three months after the work order closed, not after the original date.
    expect(next).toBeGreaterThan(closed + 85 * day);
    expect(next).toBeLessThan(closed + 95 * day);
  });

  it('opens a meter work order when a telemetry key crosses its threshold, once per crossing', async () => {
    const s = await k.call(k.admin, 'POST', '/api/v1/pm-schedules', {
      assetId: meterAsset,
      title: 'Filter pressure high',
      kind: 'meter',
      meterKey: 'filter_dp',
      meterMode: 'threshold',
      threshold: 250,
    });
    expect(s.status).toBe(201);
    await reading('filter_dp', 120);
    expect((await runPreventiveMaintenance(k.t.db)).opened).toBe(0);
    await reading('filter_dp', 260);
    expect((await runPreventiveMaintenance(k.t.db)).opened).toBe(1);
    expect((await runPreventiveMaintenance(k.t.db)).opened).toBe(0);
    expect(await pmOrders(meterAsset)).toHaveLength(1);
  });

  it('opens a usage work order every N hours of a running counter (compressor hours)', async () => {
    await k.call(k.admin, 'POST', '/api/v1/pm-schedules', {
      assetId: meterAsset,
      title: 'Compressor service',
      kind: 'meter',
      meterKey: 'compressor_hours',
      meterMode: 'usage',
      usageInterval: 500,
    });
    const compressor = async () => (await pmOrders(meterAsset)).filter((w) => w.id).length;
    const before = await compressor();
    await reading('compressor_hours', 1000); // first reading: the baseline
    await runPreventiveMaintenance(k.t.db);
    await reading('compressor_hours', 1400);
    await runPreventiveMaintenance(k.t.db);
    expect(await compressor()).toBe(before);
    await reading('compressor_hours', 1510);
    await runPreventiveMaintenance(k.t.db);
    expect(await compressor()).toBe(before + 1);
  });

  it('refuses a schedule that cannot work: a bad RRULE, a meter on an asset without a device', async () => {
    const bad = await k.call(k.admin, 'POST', '/api/v1/pm-schedules', { assetId: calendarAsset, title: 'x', kind: 'calendar', rrule: 'EVERY TUESDAY' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('body.rrule');
    const meter = await k.call(k.admin, 'POST', '/api/v1/pm-schedules', {
      assetId: calendarAsset,
      title: 'x',
      kind: 'meter',
      meterKey: 'a',
      meterMode: 'threshold',
      threshold: 1,
    });
    expect(meter.status).toBe(400);
  });
});
