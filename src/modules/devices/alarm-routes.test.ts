import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/harness.ts';
import { demoPassword, seedDemo } from '../../commands/seed-demo.ts';
import { loadConfig } from '../../kernel/config.ts';
import type { Database } from '../../kernel/db.ts';
import { createHttpApp, type HttpApp } from '../../kernel/http.ts';
import { createLogger } from '../../kernel/logger.ts';
import { createMetrics } from '../../kernel/metrics.ts';
import { authenticator, orgRoutes } from '../org/index.ts';
import { defaultAlarmRules } from './alarm-defaults.ts';
import { alarmRoutes } from './alarm-routes.ts';
import { type AlarmRow, raiseAlarm } from './alarms.ts';
import { alarms } from './alarms-schema.ts';
import { demoPlaces, insertDevice, insertProfile, outboxRows } from './alarm-test-fixtures.ts';
import type { DeviceIdentity } from './contract.ts';
import { deviceProfiles } from './schema.ts';

let t: Awaited<ReturnType<typeof testDatabase>>;
let db: Database;
let app: HttpApp;
let places: Awaited<ReturnType<typeof demoPlaces>>;
let profileId: string;
let deviceA: DeviceIdentity;
let deviceB: DeviceIdentity;
const heard: AlarmRow[] = [];
const sessions: Record<string, Record<string, string>> = {};

async function signIn(email: string) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password: demoPassword } });
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  return { cookie, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken };
}

const as = (who: string) => sessions[who];
const get = (who: string, url: string) => app.inject({ method: 'GET', url, headers: as(who) });
const post = (who: string, url: string, payload?: Record<string, unknown>) => app.inject({ method: 'POST', url, headers: as(who), payload });
const put = (who: string, url: string, payload: Record<string, unknown>) => app.inject({ method: 'PUT', url, headers: as(who), payload });

async function openAlarm(device: DeviceIdentity, type: string, severity: 'MAJOR' | 'CRITICAL' = 'MAJOR') {
  const { alarm } = await raiseAlarm(db, { device, type, severity, propagate: false, details: { values: { temperature: 9 } }, at: Date.now() });
  return alarm;
}

beforeAll(async () => {
  t = await testDatabase();
  db = t.db;
  await seedDemo(db, { stores: 12 });
  places = await demoPlaces(db);
  const log = createLogger('silent');
  const deps = { db, config: loadConfig({ LOG_LEVEL: 'silent' }), log, metrics: createMetrics() };
  app = await createHttpApp({ logger: log, metrics: deps.metrics, bodyLimit: deps.config.bodyLimit, authenticate: authenticator(db) });
  await app.register(
    async (api) => {
      await api.register(orgRoutes(deps));
      await api.register(alarmRoutes(deps, { alarmChanged: (row) => heard.push(row) }));
    },
    { prefix: '/api/v1' },
  );
  await app.ready();
  profileId = await insertProfile(db, places.tenantId, defaultAlarmRules('fridge'));
  deviceA = await insertDevice(db, places.storeA, profileId, 'Fridge A');
  deviceB = await insertDevice(db, places.storeB, profileId, 'Fridge B');
  for (const [who, email] of Object.entries({
    admin: 'admin@demo.storeos.dev',
    manager: 'store.manager@demo.storeos.dev',
    associate: 'associate@demo.storeos.dev',
    marketer: 'marketer@demo.storeos.dev',
  })) {
    sessions[who] = await signIn(email);
  }
});

afterAll(async () => {
  await app.close();
  await t.drop();
});

describe('alarm REST API', () => {
  it('lists alarms chain-wide for HQ, and only its own store for a store manager', async () => {
    const a = await openAlarm(deviceA, 'List A');
    const b = await openAlarm(deviceB, 'List B');
    const all = (await get('admin', '/api/v1/alarms?type=List%20A')).json();
    expect(all.data.map((x: { id: string }) => x.id)).toEqual([a.id]);
    expect(all.data[0]).toMatchObject({
      deviceName: 'Fridge A',
      storeId: places.storeA.id,
      storeName: places.storeA.name,
      status: 'ACTIVE_UNACK',
      severity: 'MAJOR',
    });
    const hq = (await get('admin', '/api/v1/alarms?limit=200')).json().data.map((x: { id: string }) => x.id);
    expect(hq).toEqual(expect.arrayContaining([a.id, b.id]));
    const mine = (await get('manager', '/api/v1/alarms?limit=200')).json().data.map((x: { storeId: string }) => x.storeId);
    expect(new Set(mine)).toEqual(new Set([places.storeA.id]));
  });

  it("answers 404 to a store manager for another store's alarm, its acknowledgement and its store's list", async () => {
    const b = await openAlarm(deviceB, 'Hidden');
    expect((await get('manager', `/api/v1/alarms/${b.id}`)).statusCode).toBe(404);
    expect((await post('manager', `/api/v1/alarms/${b.id}/ack`)).statusCode).toBe(404);
    expect((await post('manager', `/api/v1/alarms/${b.id}/clear`)).statusCode).toBe(404);
    expect((await get('manager', `/api/v1/stores/${places.storeB.id}/alarms`)).statusCode).toBe(404);
    expect((await get('manager', `/api/v1/devices/${deviceB.deviceId}/alarms`)).statusCode).toBe(404);
    const [row] = await db.orm.select().from(alarms).where(eq(alarms.id, b.id));
    expect(row.status).toBe('ACTIVE_UNACK');
  });

  it('lets a person acknowledge then clear, audited and published; a refused step answers 409 with the allowed ones', async () => {
    const a = await openAlarm(deviceA, 'Lifecycle');
    const ack = await post('manager', `/api/v1/alarms/${a.id}/ack`);
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'ACTIVE_ACK', acknowledgedBy: 'store.manager@demo.storeos.dev' });
    const again = await post('manager', `/api/v1/alarms/${a.id}/ack`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'conflict', details: { from: 'ACTIVE_ACK', allowed: ['clear'] } });
    const clear = await post('manager', `/api/v1/alarms/${a.id}/clear`);
    expect(clear.json()).toMatchObject({ status: 'CLEARED_ACK', clearedBy: 'store.manager@demo.storeos.dev' });
    expect((await post('manager', `/api/v1/alarms/${a.id}/clear`)).json().error.message).toContain('CLEARED_ACK is final');

    const audit = await db.pool.query<{ action: string; before: unknown; after: unknown }>(
      `SELECT action, before, after FROM audit_log WHERE entity_id = $1 ORDER BY id`,
      [a.id],
    );
    expect(audit.rows).toEqual([
      { action: 'alarm.acknowledged', before: { status: 'ACTIVE_UNACK' }, after: { status: 'ACTIVE_ACK' } },
      { action: 'alarm.cleared', before: { status: 'ACTIVE_ACK' }, after: { status: 'CLEARED_ACK' } },
    ]);
    const events = [...(await outboxRows(db, 'alarm.acknowledged')), ...(await outboxRows(db, 'alarm.cleared'))].filter((r) => r.payload.alarmId === a.id);
    expect(events.map((e) => [e.topic, e.payload.status])).toEqual([
      ['alarm.acknowledged', 'ACTIVE_ACK'],
      ['alarm.cleared', 'CLEARED_ACK'],
    ]);
    expect(heard.filter((r) => r.id === a.id).map((r) => r.status)).toEqual(['ACTIVE_ACK', 'CLEARED_ACK']);
    const detail = (await get('manager', `/api/v1/alarms/${a.id}`)).json();
    expect(detail.history.map((h: { action: string }) => h.action)).toEqual(['created', 'acknowledged', 'cleared']);
  });

  it('refuses acknowledgement to a role that may only read alarms (403), and alarms to a role without alarms:read', async () => {
    const a = await openAlarm(deviceA, 'Read only');
    expect((await get('associate', `/api/v1/alarms/${a.id}`)).statusCode).toBe(200);
    expect((await post('associate', `/api/v1/alarms/${a.id}/ack`)).statusCode).toBe(403);
    expect((await get('marketer', '/api/v1/alarms')).statusCode).toBe(403);
  });

  it('filters by severity, status, store, device and time, and pages with a cursor', async () => {
    const crit = await openAlarm(deviceA, 'Filter crit', 'CRITICAL');
    const q = (query: string) => get('admin', `/api/v1/alarms?${query}`).then((r) => r.json().data.map((x: { id: string }) => x.id));
    expect(await q('severity=CRITICAL&type=Filter%20crit')).toEqual([crit.id]);
    expect(await q('severity=MAJOR,MINOR&type=Filter%20crit')).toEqual([]);
    expect(await q(`status=ACTIVE_UNACK&deviceId=${deviceA.deviceId}&type=Filter%20crit`)).toEqual([crit.id]);
    expect(await q(`storeId=${places.storeB.id}&type=Filter%20crit`)).toEqual([]);
    expect(await q(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
    const bad = await get('admin', '/api/v1/alarms?severity=HIGH');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues[0].path).toBe('querystring.severity');

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = (await get('admin', `/api/v1/alarms?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json() as {
        data: { id: string }[];
        nextCursor: string | null;
      };
      seen.push(...res.data.map((x) => x.id));
      cursor = res.nextCursor;
    } while (cursor);
    const total = await db.orm.select({ n: sql<number>`count(*)::int` }).from(alarms);
    expect(new Set(seen).size).toBe(total[0].n);
    expect(seen).toHaveLength(total[0].n);
  });

  it("lists a store's and a device's alarms, and counts what needs attention by severity", async () => {
    const store = (await get('manager', `/api/v1/stores/${places.storeA.id}/alarms`)).json().data as { deviceId: string }[];
    expect(store.length).toBeGreaterThan(0);
    expect(new Set(store.map((x) => x.deviceId))).toEqual(new Set([deviceA.deviceId]));
    const device = (await get('admin', `/api/v1/devices/${deviceB.deviceId}/alarms`)).json().data as { deviceId: string }[];
    expect(new Set(device.map((x) => x.deviceId))).toEqual(new Set([deviceB.deviceId]));
    const summary = (await get('manager', '/api/v1/alarms/summary')).json();
    const open = await db.pool.query<{ severity: string; n: number }>(
      `SELECT severity, count(*)::int AS n FROM alarms WHERE store_id = $1 AND status IN ('ACTIVE_UNACK','ACTIVE_ACK') GROUP BY severity`,
      [places.storeA.id],
    );
    for (const r of open.rows) expect(summary.activeBySeverity[r.severity]).toBe(r.n);
    expect(summary.active).toBe(open.rows.reduce((s, r) => s + r.n, 0));
    expect(Object.keys(summary.activeBySeverity)).toEqual(['CRITICAL', 'MAJOR', 'MINOR', 'WARNING', 'INDETERMINATE']);
  });
});

describe('alarm rules import, export and test', () => {
  it('exports a downloadable document that imports back unchanged (round trip), audited', async () => {
    const exported = await get('admin', `/api/v1/device-profiles/${profileId}/alarm-rules`);
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-disposition']).toMatch(/^attachment; filename=".+-alarm-rules\.json"$/);
    const doc = exported.json();
    expect(doc).toMatchObject({ format: 'storeos.alarm-rules/v1', profile: { id: profileId, kind: 'fridge' }, rules: defaultAlarmRules('fridge') });
    const imported = await put('admin', `/api/v1/device-profiles/${profileId}/alarm-rules`, doc);
    expect(imported.statusCode).toBe(200);
    expect(imported.json().rules).toEqual(doc.rules);
    const [row] = await db.orm.select({ rules: deviceProfiles.alarmRules }).from(deviceProfiles).where(eq(deviceProfiles.id, profileId));
    expect(row.rules).toEqual(doc.rules);
    const audit = await db.pool.query(`SELECT action FROM audit_log WHERE entity_id = $1`, [profileId]);
    expect(audit.rows).toEqual([{ action: 'device_profile.alarm_rules_replaced' }]);
  });

  it('refuses a bad import with 400 naming the path, and an import without devices:profiles with 403', async () => {
    const bad = { rules: [{ alarmType: 'x', createConditions: { MAJOR: { expression: { op: 'and', conditions: [{ op: '>', key: 't', value: 'hot' }] } } } }] };
    const res = await put('admin', `/api/v1/device-profiles/${profileId}/alarm-rules`, bad);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.issues[0].path).toBe('body.rules.0.createConditions.MAJOR.expression.conditions.0.value');
    const notJson = await app.inject({
      method: 'PUT',
      url: `/api/v1/device-profiles/${profileId}/alarm-rules`,
      headers: { ...as('admin'), 'content-type': 'application/json' },
      payload: '{"rules": [',
    });
    expect(notJson.statusCode).toBe(400);
    expect((await put('manager', `/api/v1/device-profiles/${profileId}/alarm-rules`, { rules: [] })).statusCode).toBe(403);
    expect((await put('admin', '/api/v1/device-profiles/prf_unknown/alarm-rules', { rules: [] })).statusCode).toBe(404);
  });

  it('explains which rules would fire on pasted telemetry, with the stored rules or rules from the body', async () => {
    const t0 = Date.UTC(2025, 0, 1);
    const telemetry = [0, 5, 10].map((m) => ({ ts: t0 + m * 60_000, values: { temperature: 9.2 } }));
    const res = await post('manager', `/api/v1/device-profiles/${profileId}/alarm-rules/test`, { telemetry });
    expect(res.statusCode).toBe(200);
    const high = res.json().rules.find((r: { alarmType: string }) => r.alarmType === 'High Temperature');
    const major = high.conditions.find((c: { severity: string }) => c.severity === 'MAJOR');
    expect(major).toMatchObject({ fired: true, firstFiredAt: t0 + 600_000, expression: 'temperature > server.temperatureMax (default 8)' });
    expect(major.evaluations[0].explain).toMatchObject({ result: true, actual: 9.2, expected: 8 });
    expect(high.timeline).toEqual([{ ts: t0 + 600_000, change: 'created', severity: 'MAJOR', trigger: 'data' }]);

    const draft = await post('manager', '/api/v1/alarm-rules/test', {
      rules: [{ alarmType: 'Draft', createConditions: { MINOR: { expression: { op: '==', key: 'door', value: true } } } }],
      telemetry: [{ ts: t0, values: { door: 'true' } }],
    });
    expect(draft.json().rules[0]).toMatchObject({ alarmType: 'Draft', finalAlarm: { severity: 'MINOR' } });
    const badDraft = await post('manager', '/api/v1/alarm-rules/test', {
      rules: [{ alarmType: 'x', createConditions: {} }],
      telemetry: [{ ts: t0, values: {} }],
    });
    expect(badDraft.json().error.details.issues[0].path).toBe('body.rules.0.createConditions');
  });

  it('documents the routes in OpenAPI', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/v1/alarms', '/api/v1/device-profiles/{id}/alarm-rules', '/api/v1/alarm-rules/test']));
  });
});
