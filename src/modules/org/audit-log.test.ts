import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestSession } from '../../../test/harness.ts';

interface Entry {
  id: number;
  at: string;
  actorType: string;
  actorId: string;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}
interface Store {
  id: string;
  orgUnitId: string;
  parentOrgUnitId: string;
  name: string;
  status: string;
}

describe('the audit log', () => {
  let t: TestApp;
  let admin: TestSession;
  let regionManager: TestSession;
  let north: Store;
  let east: Store;
  let regions: Map<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ demoStores: 2 });
    admin = await t.signIn('admin@demo.storeos.dev');
    regionManager = await t.signIn('region.manager@demo.storeos.dev');
    regions = new Map((await get(admin, '/api/v1/org-units')).json().data.map((u: { code: string; id: string }) => [u.code, u.id]));
    const stores: Store[] = (await get(admin, '/api/v1/stores')).json().data;
    north = stores.find((s) => s.parentOrgUnitId === regions.get('R-NORTH'))!;
    east = stores.find((s) => s.parentOrgUnitId === regions.get('R-EAST'))!;
    expect(north && east && north.status === 'open').toBeTruthy();
  });
  afterAll(() => t.close());

  const get = (s: TestSession, url: string) => t.app.inject({ url, headers: s.headers });
  const send = async (s: TestSession, method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) => {
    const res = await t.app.inject({ method, url, headers: s.headers, payload });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  const entries = async (s: TestSession, query: string): Promise<Entry[]> => {
    const res = await get(s, `/api/v1/audit-log?${query}`);
    expect(res.statusCode).toBe(200);
    return res.json().data;
  };
  const adminId = () => admin.userId;

  it('records each write with its actor, action, before and after', async () => {
    await send(admin, 'PATCH', `/api/v1/stores/${north.id}`, { name: 'Audited name' });
    await send(admin, 'PUT', `/api/v1/stores/${north.id}/hours`, { weekly: [{ day: 1, opens: '09:00', closes: '21:00' }] });
    await send(admin, 'POST', `/api/v1/stores/${north.id}/transitions`, { to: 'temporarily_closed' });
    const { user } = await send(admin, 'POST', '/api/v1/users', {
      email: 'audited@audit.test',
      name: 'Audited',
      role: 'viewer',
      orgUnitId: regions.get('R-NORTH'),
    });
    const { apiKey } = await send(admin, 'POST', '/api/v1/api-keys', { name: 'audited key', role: 'viewer', orgUnitId: regions.get('R-NORTH') });
    await send(admin, 'DELETE', `/api/v1/api-keys/${apiKey.id}`);

    const byAdmin = { actorType: 'user', actorId: adminId(), actorLabel: 'admin@demo.storeos.dev' };
    const [renamed] = await entries(admin, `entityId=${north.id}&action=store.updated`);
    expect(renamed).toMatchObject({ ...byAdmin, entityType: 'store', before: { name: north.name }, after: { name: 'Audited name' } });
    const [hours] = await entries(admin, `entityId=${north.id}&action=store.hours_changed`);
    expect(hours.after?.weeklyHours).toEqual([{ day: 1, opens: '09:00', closes: '21:00' }]);
    expect(hours.before?.weeklyHours).not.toEqual(hours.after?.weeklyHours);
    const [moved] = await entries(admin, `entityId=${north.id}&action=store.status_changed`);
    expect(moved).toMatchObject({ ...byAdmin, before: { status: 'open' }, after: { status: 'temporarily_closed' } });
    const [created] = await entries(admin, `entityId=${user.id}`);
    expect(created).toMatchObject({ ...byAdmin, action: 'user.created', entityType: 'user', before: null, after: { email: 'audited@audit.test' } });
    expect(JSON.stringify(created)).not.toMatch(/password/i);
    const keyEntries = await entries(admin, `entityType=api_key&entityId=${apiKey.id}`);
    expect(keyEntries.map((e) => e.action)).toEqual(['api_key.revoked', 'api_key.created']);
    expect(keyEntries[0].before).toMatchObject({ revokedAt: null });
    expect(keyEntries[0].after?.revokedAt).toEqual(expect.any(String));
    expect(keyEntries[1]).toMatchObject({ ...byAdmin, after: { name: 'audited key' } });
  });

  it('writes no entry for a refused change', async () => {
    const before = (await entries(admin, `entityId=${north.id}`)).length;
    const refused = await t.app.inject({ method: 'POST', url: `/api/v1/stores/${north.id}/transitions`, headers: admin.headers, payload: { to: 'opening' } });
    expect(refused.statusCode).toBe(409);
    expect(await entries(admin, `entityId=${north.id}`)).toHaveLength(before);
  });

  it('answers newest first, a page at a time, and filters by actor and time', async () => {
    const all = await entries(admin, 'limit=200');
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
    const first = await get(admin, '/api/v1/audit-log?limit=2');
    const second = await get(admin, `/api/v1/audit-log?limit=2&cursor=${first.json().nextCursor}`);
    expect([...first.json().data, ...second.json().data].map((e: Entry) => e.id)).toEqual(all.slice(0, 4).map((e) => e.id));
    expect((await entries(admin, `actorId=${adminId()}`)).every((e) => e.actorId === adminId())).toBe(true);
    expect(await entries(admin, `from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
  });

  it('is refused to a viewer (403)', async () => {
    const viewer = await t.signIn('viewer@demo.storeos.dev');
    const res = await get(viewer, '/api/v1/audit-log');
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden');
  });

  it('shows a region manager only the entries of their region', async () => {
    await send(admin, 'PATCH', `/api/v1/stores/${east.id}`, { name: 'East renamed' });
    await send(regionManager, 'PATCH', `/api/v1/stores/${north.id}`, { phone: '+86 10 5555 0000' });
    const seen = await entries(regionManager, 'limit=200');
    const ids = new Set(seen.map((e) => e.entityId));
    expect(ids.has(north.id)).toBe(true);
    expect(ids.has(east.id)).toBe(false);
    expect(seen.some((e) => e.action === 'tenant.seeded')).toBe(false);
    expect(JSON.stringify(seen)).not.toContain('East renamed');
    const own = seen.find((e) => e.action === 'store.updated' && e.actorId === regionManager.userId);
    expect(own?.after).toMatchObject({ phone: '+86 10 5555 0000' });
    // The HQ admin sees both.
    const hq = new Set((await entries(admin, 'limit=200')).map((e) => e.entityId));
    expect(hq.has(east.id) && hq.has(north.id)).toBe(true);
  });
});
