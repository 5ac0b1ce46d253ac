import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSession } from '../../../test/harness.ts';
import { seedDemo } from '../../commands/seed-demo.ts';
import { type MaintenanceKit, maintenanceKit, png } from './maintenance-test-kit.ts';
import { assets } from './schema.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Every route naming one maintenance, file or notification thing, with a body that would pass validation. */
const idRoutes: { method: Method; path: string; body?: Record<string, unknown> }[] = [
  { method: 'GET', path: '/api/v1/work-orders/{wo}' },
  { method: 'PATCH', path: '/api/v1/work-orders/{wo}', body: { title: 'Hijacked' } },
  { method: 'POST', path: '/api/v1/work-orders/{wo}/transitions', body: { to: 'CANCELLED' } },
  { method: 'POST', path: '/api/v1/work-orders/{wo}/notes', body: { text: 'hijack' } },
  { method: 'GET', path: '/api/v1/assets/{asset}' },
  { method: 'PATCH', path: '/api/v1/assets/{asset}', body: { name: 'Hijacked' } },
  { method: 'POST', path: '/api/v1/assets/{asset}/status', body: { status: 'down' } },
  { method: 'GET', path: '/api/v1/assets/{asset}/qr' },
  { method: 'PATCH', path: '/api/v1/pm-schedules/{pm}', body: { title: 'Hijacked' } },
  { method: 'DELETE', path: '/api/v1/pm-schedules/{pm}' },
  { method: 'POST', path: '/api/v1/maintenance/requests/{req}/approve', body: { priority: 'low' } },
  { method: 'POST', path: '/api/v1/maintenance/requests/{req}/reject', body: { reason: 'hijack' } },
  { method: 'GET', path: '/api/v1/files/{file}' },
  { method: 'POST', path: '/api/v1/inbox/{inbox}/read' },
];
/** Lists and creations: checked for leaks separately below. */
const collectionRoutes = [
  'GET /api/v1/work-orders',
  'GET /api/v1/work-orders/board',
  'POST /api/v1/work-orders',
  'GET /api/v1/assets',
  'POST /api/v1/assets',
  'GET /api/v1/pm-schedules',
  'POST /api/v1/pm-schedules',
  'GET /api/v1/pm-schedules/calendar',
  'GET /api/v1/maintenance/requests',
  'GET /api/v1/maintenance/reports',
  'GET /api/v1/maintenance/reports/export',
  'POST /api/v1/files',
  'GET /api/v1/inbox',
  'GET /api/v1/inbox/unread-count',
  'POST /api/v1/inbox/read-all',
];
/** Tenant-wide settings (contractors, SLAs, alarm rules, webhooks) and secret-token routes: walked in their own tests. */
const tenantWide = [
  '/api/v1/maintenance/contractors',
  '/api/v1/maintenance/slas',
  '/api/v1/maintenance/alarm-rules',
  '/api/v1/webhooks',
  '/api/v1/maintenance/calendar-feed',
  '/api/v1/maintenance/ical/',
  '/api/v1/public/',
];

describe('maintenance is scoped like its stores: 404 outside, on every route', () => {
  let k: MaintenanceKit;
  let techA: TestSession;
  let managerA: TestSession;
  let region: TestSession;
  let otherAdmin: TestSession;
  let keyA: TestSession; // a store manager's API key on store A
  const ids: Record<string, string> = {};
  let storeB = '';

  beforeAll(async () => {
    k = await maintenanceKit();
    await seedDemo(k.t.db, { stores: 1, slug: 'other' });
    const a = k.stores[0];
    const b = k.stores.find((s) => s.parentOrgUnitId !== a.parentOrgUnitId);
    if (!b) throw new Error('the demo chain has one region only');
    storeB = b.id;
    techA = await k.user('tech.a@maint.test', 'technician', a.orgUnitId);
    managerA = await k.t.signIn('store.manager@demo.storeos.dev', undefined, 'demo');
    region = await k.t.signIn('region.manager@demo.storeos.dev', undefined, 'demo'); // region of store A
    otherAdmin = await k.t.signIn('admin@demo.storeos.dev', undefined, 'other');
    const key = (await k.call(k.admin, 'POST', '/api/v1/api-keys', { name: 'store A tablet', role: 'store_manager', orgUnitId: a.orgUnitId })).body.key;
    keyA = { cookie: '', csrf: '', userId: 'api key A', headers: { authorization: `Bearer ${key}` } };

    const asset = await k.call(k.admin, 'POST', '/api/v1/assets', { storeId: b.id, name: 'B fridge', category: 'refrigeration' });
    ids.asset = asset.body.id;
    ids.wo = (await k.call(k.admin, 'POST', '/api/v1/work-orders', { storeId: b.id, assetId: ids.asset, title: 'B secret work', priority: 'low' })).body.id;
    ids.pm = (await k.call(k.admin, 'POST', '/api/v1/pm-schedules', { assetId: ids.asset, title: 'B PM', kind: 'calendar', rrule: 'FREQ=MONTHLY' })).body.id;
    ids.file = (await k.call(k.admin, 'POST', `/api/v1/files?orgUnitId=${b.orgUnitId}`, png, { 'content-type': 'image/png' })).body.id;
    // Store B's manager hears of the fault reported there: an inbox item of theirs.
    const bManager = await k.user('sm.b@maint.test', 'store_manager', b.orgUnitId);
    const [row] = await k.t.db.orm.select({ token: assets.publicToken }).from(assets).where(eq(assets.id, ids.asset));
    ids.req = (await k.t.app.inject({ method: 'POST', url: `/api/v1/public/assets/${row.token}/requests`, payload: { description: 'B fault' } })).json().id;
    ids.inbox = (await k.call(bManager, 'GET', '/api/v1/inbox')).body.data[0].id;
    // Store A has its own work to see.
    await k.call(k.admin, 'POST', '/api/v1/work-orders', { storeId: a.id, title: 'A work', priority: 'low' });
  });
  afterAll(() => k.close());

  const call = (s: TestSession, r: (typeof idRoutes)[number]) =>
    k.call(
      s,
      r.method,
      r.path.replace(/\{(\w+)\}/, (_m, key: string) => ids[key]),
      r.body,
    );

  it('covers every route of the maintenance, files and notifications API', async () => {
    const doc = (await k.t.app.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { tags?: string[] }>> };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.tags?.some((t) => ['maintenance', 'files', 'notifications'].includes(t)))
        .map(([m]) => `${m.toUpperCase()} ${p}`),
    );
    const walked = new Set([...idRoutes.map((r) => `${r.method} ${r.path.replace(/\{\w+\}/, '{id}')}`), ...collectionRoutes]);
    const missing = documented.filter((r) => !walked.has(r.replace(/\{[a-zA-Z]+\}/g, '{id}')) && !tenantWide.some((p) => r.split(' ')[1].startsWith(p)));
    expect(missing).toEqual([]);
  });

  it("a store's technician, its manager and its API key, another region's manager and another tenant's admin get 404 for store B's things", async () => {
    for (const s of [techA, managerA, keyA, region, otherAdmin]) {
      for (const r of idRoutes) {
        const res = await call(s, r);
        expect({ who: s.userId, route: `${r.method} ${r.path}`, status: res.status }).toEqual({ who: s.userId, route: `${r.method} ${r.path}`, status: 404 });
        expect(JSON.stringify(res.body)).not.toContain('B secret work');
      }
    }
    // Nothing changed.
    const wo = await k.call(k.admin, 'GET', `/api/v1/work-orders/${ids.wo}`);
    expect(wo.body).toMatchObject({ title: 'B secret work', status: 'OPEN', version: 1 });
  });

  it("lists hold only the caller's scope, and creating in store B is refused", async () => {
    for (const s of [techA, managerA, keyA, region, otherAdmin]) {
      const lists = await Promise.all(
        ['/api/v1/work-orders', '/api/v1/assets', '/api/v1/pm-schedules', '/api/v1/maintenance/requests', '/api/v1/work-orders/board'].map((u) =>
          k.call(s, 'GET', u),
        ),
      );
      for (const l of lists) expect(JSON.stringify(l.body)).not.toMatch(new RegExp(`${ids.wo}|${ids.asset}|${ids.pm}|${ids.req}`));
      expect((await k.call(s, 'POST', '/api/v1/work-orders', { storeId: storeB, title: 'x', priority: 'low' })).status).toBe(404);
      expect((await k.call(s, 'POST', '/api/v1/assets', { storeId: storeB, name: 'x', category: 'other' })).status).toBe(404);
    }
    const mine = await k.call(techA, 'GET', '/api/v1/work-orders');
    expect(mine.body.data.map((w: { title: string }) => w.title)).toEqual(['A work']);
    const report = await k.call(region, 'GET', '/api/v1/maintenance/reports?from=2000-01-01&to=2100-01-01');
    expect(report.body.workOrders.created).toBe(1);
  });

  it('keeps tenant-wide settings per tenant', async () => {
    const rule = await k.call(k.admin, 'POST', '/api/v1/maintenance/alarm-rules', {
      alarmType: 'Leak',
      minSeverity: 'MAJOR',
      priority: 'urgent',
      onClear: 'note',
    });
    const contractor = await k.call(k.admin, 'POST', '/api/v1/maintenance/contractors', { name: 'CoolFix Ltd' });
    expect((await k.call(otherAdmin, 'PATCH', `/api/v1/maintenance/alarm-rules/${rule.body.id}`, { priority: 'low' })).status).toBe(404);
    expect((await k.call(otherAdmin, 'DELETE', `/api/v1/maintenance/alarm-rules/${rule.body.id}`)).status).toBe(404);
    expect((await k.call(otherAdmin, 'PATCH', `/api/v1/maintenance/contractors/${contractor.body.id}`, { name: 'x' })).status).toBe(404);
    expect((await k.call(otherAdmin, 'GET', '/api/v1/maintenance/contractors')).body.data).toEqual([]);
    expect((await k.call(otherAdmin, 'GET', '/api/v1/maintenance/alarm-rules')).body.data).toEqual([]);
    expect(
      (await k.call(managerA, 'POST', '/api/v1/maintenance/alarm-rules', { alarmType: 'x', minSeverity: 'MAJOR', priority: 'low', onClear: 'note' })).status,
    ).toBe(403);
    expect(
      (await k.call(otherAdmin, 'POST', '/api/v1/work-orders', { storeId: k.stores[0].id, title: 'x', priority: 'low', contractorId: contractor.body.id }))
        .status,
    ).toBe(404);
  });
});
