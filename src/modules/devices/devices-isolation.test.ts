import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../commands/seed-demo.ts';
import { type DevicesTestApp, devicesTestApp, type Session } from './devices-test-app.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** Every people route of the devices module, with a body that would pass validation. */
const routes: { method: Method; path: string; body?: Record<string, unknown> }[] = [
  { method: 'GET', path: '/api/v1/devices/{id}' },
  { method: 'PATCH', path: '/api/v1/devices/{id}', body: { label: 'x' } },
  { method: 'DELETE', path: '/api/v1/devices/{id}' },
  { method: 'GET', path: '/api/v1/devices/{id}/credentials' },
  { method: 'POST', path: '/api/v1/devices/{id}/credentials/rotate' },
  { method: 'PUT', path: '/api/v1/devices/{id}/credentials', body: { type: 'access_token', accessToken: 'isolation-token' } },
  { method: 'POST', path: '/api/v1/devices/{id}/credentials/revoke' },
  { method: 'GET', path: '/api/v1/devices/{id}/telemetry/latest' },
  { method: 'GET', path: '/api/v1/devices/{id}/telemetry' },
  { method: 'GET', path: '/api/v1/devices/{id}/attributes/{scope}' },
  { method: 'POST', path: '/api/v1/devices/{id}/attributes/{scope}', body: { a: 1 } },
  { method: 'DELETE', path: '/api/v1/devices/{id}/attributes/{scope}?keys=a' },
  { method: 'POST', path: '/api/v1/devices/{id}/rpc', body: { method: 'x', persistent: true } },
  { method: 'GET', path: '/api/v1/devices/{id}/rpc' },
  { method: 'GET', path: '/api/v1/rpc/{rpcId}' },
  { method: 'GET', path: '/api/v1/stores/{id}/devices' },
  { method: 'GET', path: '/api/v1/live?deviceId={id}' },
  { method: 'GET', path: '/api/v1/live?storeId={id}' },
  { method: 'GET', path: '/api/v1/device-profiles/{id}' },
  { method: 'PATCH', path: '/api/v1/device-profiles/{id}', body: { description: 'x' } },
  { method: 'DELETE', path: '/api/v1/device-profiles/{id}' },
];
/** Routes that name no single thing (lists, creation): checked separately below. */
const collections = ['GET /api/v1/devices', 'POST /api/v1/devices', 'GET /api/v1/device-profiles', 'POST /api/v1/device-profiles'];

describe('devices are scoped like their stores: 404 outside, on every route', () => {
  let t: DevicesTestApp;
  let manager: Session;
  let admin: Session;
  const ids = {
    own: '',
    foreign: '',
    foreignStore: '',
    ownStore: '',
    foreignRpc: '',
    otherTenant: '',
    otherTenantStore: '',
    otherTenantRpc: '',
    otherProfile: '',
  };

  beforeAll(async () => {
    t = await devicesTestApp({ stores: 2 });
    await seedDemo(t.db, { stores: 1, slug: 'other' });
    manager = await t.signIn('store.manager@demo.storeos.dev', 'demo'); // store_manager of S0001
    admin = await t.signIn('admin@demo.storeos.dev', 'demo');
    const device = async (s: Session, q: string) => (await t.app.inject({ url: `/api/v1/devices?q=${q}`, headers: s.headers })).json().data[0];
    const own = await device(admin, 'S0001-hvac-1');
    const foreign = await device(admin, 'S0002-hvac-1');
    Object.assign(ids, { own: own.id, ownStore: own.storeId, foreign: foreign.id, foreignStore: foreign.storeId });
    ids.foreignRpc = (
      await t.app.inject({ method: 'POST', url: `/api/v1/devices/${foreign.id}/rpc`, headers: admin.headers, payload: { method: 'x', persistent: true } })
    ).json().rpcId;
    const otherAdmin = await t.signIn('admin@demo.storeos.dev', 'other');
    const theirs = await device(otherAdmin, 'S0001-hvac-1');
    Object.assign(ids, { otherTenant: theirs.id, otherTenantStore: theirs.storeId, otherProfile: theirs.profileId });
    ids.otherTenantRpc = (
      await t.app.inject({ method: 'POST', url: `/api/v1/devices/${theirs.id}/rpc`, headers: otherAdmin.headers, payload: { method: 'x', persistent: true } })
    ).json().rpcId;
  });
  afterAll(() => t.close());

  const call = (s: Session, route: (typeof routes)[number], id: string, storeId: string, rpcId: string, profileId = '') => {
    const isStore = route.path.includes('/stores/') || route.path.includes('storeId=');
    const url = route.path
      .replace('{id}', route.path.includes('device-profiles') ? profileId : isStore ? storeId : id)
      .replace('{scope}', 'server')
      .replace('{rpcId}', rpcId);
    return t.app.inject({ method: route.method, url, headers: s.headers, ...(route.body ? { payload: route.body } : {}) });
  };

  it('covers every devices route the API documents', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { tags?: string[] }>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.tags?.includes('devices'))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    const covered = new Set([...routes.map((r) => `${r.method} ${r.path.split('?')[0].replace('{rpcId}', '{rpcId}')}`), ...collections]);
    expect(documented.filter((r) => !covered.has(r))).toEqual([]);
  });

  it("answers 404 to a store manager for another store's device, on every route", async () => {
    for (const route of routes) {
      if (route.path.includes('device-profiles')) continue; // tenant-wide, not scoped by store
      const res = await call(manager, route, ids.foreign, ids.foreignStore, ids.foreignRpc);
      expect(res.statusCode, `${route.method} ${route.path}`).toBe(404);
    }
  });

  it('answers something other than 404 for their own device (403 where their role may not write)', async () => {
    for (const route of routes) {
      if (route.path.includes('/live') || route.path.includes('device-profiles') || route.path.includes('{rpcId}')) continue; // SSE streams; profiles are tenant-wide
      if (route.method === 'DELETE' && route.path === '/api/v1/devices/{id}') continue;
      const res = await call(manager, route, ids.own, ids.ownStore, '');
      expect(res.statusCode, `${route.method} ${route.path}`).not.toBe(404);
      if (
        ['PATCH', 'PUT', 'DELETE'].includes(route.method) ||
        route.path.includes('credentials/') ||
        (route.method === 'POST' && route.path.includes('attributes'))
      ) {
        expect(res.statusCode, `${route.method} ${route.path}`).toBe(403);
      }
    }
  });

  it("answers 404 to HQ of one tenant for another tenant's device, store, RPC and profile, on every route", async () => {
    for (const route of routes) {
      const res = await call(admin, route, ids.otherTenant, ids.otherTenantStore, ids.otherTenantRpc, ids.otherProfile);
      expect(res.statusCode, `${route.method} ${route.path}`).toBe(404);
    }
  });

  it("follows live alarms only of org units in scope: 404 for another store's or another tenant's unit", async () => {
    const unitOf = async (storeId: string) =>
      (await t.db.pool.query<{ id: string }>('SELECT org_unit_id AS id FROM stores WHERE id = $1', [storeId])).rows[0].id;
    const live = (s: Session, unitId: string) => t.app.inject({ url: `/api/v1/live?orgUnitId=${unitId}`, headers: s.headers });
    expect((await live(manager, await unitOf(ids.foreignStore))).statusCode).toBe(404);
    expect((await live(admin, await unitOf(ids.otherTenantStore))).statusCode).toBe(404);
  });

  it('lists only what is in scope, and creates only in stores in scope', async () => {
    const mine = (await t.app.inject({ url: '/api/v1/devices?limit=200', headers: manager.headers })).json().data;
    expect(mine.length).toBe(8);
    expect(mine.every((d: { storeId: string }) => d.storeId === ids.ownStore)).toBe(true);
    expect((await t.app.inject({ url: `/api/v1/devices?storeId=${ids.foreignStore}`, headers: manager.headers })).json().data).toEqual([]);
    const all = (await t.app.inject({ url: '/api/v1/devices?limit=200', headers: admin.headers })).json().data;
    expect(all.some((d: { id: string }) => d.id === ids.otherTenant)).toBe(false);
    const tech = await t.signIn('technician@demo.storeos.dev', 'demo');
    const create = await t.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: admin.headers,
      payload: { name: 'x', storeId: ids.otherTenantStore },
    });
    expect(create.statusCode).toBe(404);
    const move = await t.app.inject({ method: 'PATCH', url: `/api/v1/devices/${ids.own}`, headers: tech.headers, payload: { storeId: ids.otherTenantStore } });
    expect(move.statusCode).toBe(404);
    const profiles = (await t.app.inject({ url: '/api/v1/device-profiles?limit=200', headers: admin.headers })).json().data;
    expect(profiles.some((p: { id: string }) => p.id === ids.otherProfile)).toBe(false);
  });

  it("moves a store's devices with it when its org unit moves: scoping follows at once", async () => {
    const store = (await t.app.inject({ url: `/api/v1/stores/${ids.foreignStore}`, headers: admin.headers })).json();
    const regions = (await t.app.inject({ url: '/api/v1/org-units', headers: admin.headers })).json().data.filter((u: { kind: string }) => u.kind === 'region');
    const target = regions.find((r: { id: string }) => r.id !== store.parentOrgUnitId);
    const identity = await t.devices.ingress.byAccessToken('demo-S0002-hvac-1');
    if (!identity) throw new Error('no device');
    expect(identity.orgPath).not.toContain(target.id);
    const moved = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/org-units/${store.orgUnitId}`,
      headers: admin.headers,
      payload: { parentId: target.id },
    });
    expect(moved.statusCode).toBe(200);
    const paths = await t.db.pool.query<{ stale: number }>(
      'SELECT count(*)::int AS stale FROM devices d JOIN stores s ON s.id = d.store_id WHERE d.org_path <> s.org_path',
    );
    expect(paths.rows[0].stale).toBe(0);
    // Cached identities hear of the move (NOTIFY at commit) and refresh on their next message.
    await expect.poll(() => t.devices.runtime.registry.states.get(identity.deviceId)?.stale, { timeout: 5000 }).toBe(true);
    await t.devices.ingress.telemetry(identity, Buffer.from('{"power":1}'), Date.now());
    expect(identity.orgPath).toContain(target.id);
  });
});
