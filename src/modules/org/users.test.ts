import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestSession } from '../../../test/harness.ts';

interface Unit {
  id: string;
  code: string;
  kind: string;
  parentId: string | null;
}
interface Store {
  id: string;
  code: string;
  orgUnitId: string;
  parentOrgUnitId: string;
}

describe('users and roles', () => {
  let t: TestApp;
  let admin: TestSession;
  let regionManager: TestSession;
  let storeManager: TestSession;
  let units: Map<string, Unit>;
  let stores: Store[];
  /** A store inside the demo region manager's region (R-NORTH) and one outside it. */
  let north: Store;
  let south: Store;
  let south2: Store;

  beforeAll(async () => {
    t = await createTestApp({ demoStores: 4 });
    admin = await t.signIn('admin@demo.storeos.dev');
    regionManager = await t.signIn('region.manager@demo.storeos.dev');
    storeManager = await t.signIn('store.manager@demo.storeos.dev');
    units = new Map((await get(admin, '/api/v1/org-units')).json().data.map((u: Unit) => [u.code, u]));
    stores = (await get(admin, '/api/v1/stores')).json().data;
    north = stores.find((s) => s.parentOrgUnitId === units.get('R-NORTH')?.id)!;
    [south, south2] = stores.filter((s) => s.parentOrgUnitId === units.get('R-SOUTH')?.id);
    expect(north && south && south2).toBeTruthy();
  });
  afterAll(() => t.close());

  const get = (s: TestSession, url: string) => t.app.inject({ url, headers: s.headers });
  const send = (s: TestSession, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: s.headers, payload });
  const createUser = (s: TestSession, body: { email: string; name?: string; role: string; orgUnitId: string; password?: string }) =>
    send(s, 'POST', '/api/v1/users', { name: body.email.split('@')[0], ...body });

  it('an HQ admin creates a user whose generated password signs in', async () => {
    const res = await createUser(admin, { email: 'New.Person@Users.Test', role: 'viewer', orgUnitId: units.get('BU-NORTH')!.id });
    expect(res.statusCode).toBe(201);
    const { user, password } = res.json();
    expect(user).toMatchObject({ email: 'new.person@users.test', status: 'active', lastSignInAt: null });
    expect(user.grants).toEqual([{ id: expect.any(String), role: 'viewer', orgUnitId: units.get('BU-NORTH')!.id, orgUnitName: expect.any(String) }]);
    expect(password).toEqual(expect.any(String));
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(JSON.stringify(res.json())).not.toMatch(/hash|argon/i);
    const s = await t.signIn('new.person@users.test', password);
    expect(s.userId).toBe(user.id);

    // A password given by the creator is not echoed back.
    const given = await createUser(admin, { email: 'given@users.test', role: 'viewer', orgUnitId: units.get('BU-NORTH')!.id, password: 'chosen-password-1' });
    expect(given.statusCode).toBe(201);
    expect(given.json().password).toBeUndefined();
    await t.signIn('given@users.test', 'chosen-password-1');
  });

  it('refuses a second user with the same e-mail, whatever its case, with 409', async () => {
    const res = await createUser(admin, { email: 'GIVEN@users.test', role: 'viewer', orgUnitId: units.get('BU-NORTH')!.id });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('conflict');
  });

  it('a region manager adds a store manager in their region, not in another (404), and cannot grant hq_admin (403)', async () => {
    const inRegion = await createUser(regionManager, { email: 'north.sm@users.test', role: 'store_manager', orgUnitId: north.orgUnitId });
    expect(inRegion.statusCode).toBe(201);
    const s = await t.signIn('north.sm@users.test', inRegion.json().password);
    expect((await get(s, '/api/v1/stores')).json().data.map((x: Store) => x.id)).toEqual([north.id]);

    const elsewhere = await createUser(regionManager, { email: 'south.sm@users.test', role: 'store_manager', orgUnitId: south.orgUnitId });
    expect(elsewhere.statusCode).toBe(404);
    const admins = await createUser(regionManager, { email: 'boss@users.test', role: 'hq_admin', orgUnitId: units.get('R-NORTH')!.id });
    expect(admins.statusCode).toBe(403);
    expect(admins.json().error.message).toContain('hq_admin');
    const users = (await get(admin, '/api/v1/users?q=users.test')).json().data.map((u: { email: string }) => u.email);
    expect(users).toContain('north.sm@users.test');
    expect(users).not.toContain('south.sm@users.test');
    expect(users).not.toContain('boss@users.test');
  });

  it('a store manager cannot create users (403), not even on their own store', async () => {
    const res = await createUser(storeManager, { email: 'helper@users.test', role: 'associate', orgUnitId: north.orgUnitId });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden');
    expect((await get(admin, '/api/v1/users?q=helper')).json().data).toEqual([]);
  });

  it('adding and removing a grant take effect on the next request', async () => {
    const created = await createUser(admin, { email: 'two.stores@users.test', role: 'store_manager', orgUnitId: south.orgUnitId, password: 'two-stores-pass' });
    const id = created.json().user.id;
    const s = await t.signIn('two.stores@users.test', 'two-stores-pass');
    expect((await get(s, '/api/v1/stores')).json().data).toHaveLength(1);

    const added = await send(admin, 'POST', `/api/v1/users/${id}/grants`, { role: 'store_manager', orgUnitId: south2.orgUnitId });
    expect(added.statusCode).toBe(200);
    expect((await send(admin, 'POST', `/api/v1/users/${id}/grants`, { role: 'store_manager', orgUnitId: south2.orgUnitId })).statusCode).toBe(409);
    expect((await get(s, '/api/v1/stores')).json().data).toHaveLength(2);
    expect((await get(s, `/api/v1/stores/${south2.id}`)).statusCode).toBe(200);

    const grantId = added.json().grants.find((g: { orgUnitId: string }) => g.orgUnitId === south2.orgUnitId).id;
    const removed = await send(admin, 'DELETE', `/api/v1/users/${id}/grants/${grantId}`);
    expect(removed.statusCode).toBe(200);
    expect(removed.json().grants.map((g: { orgUnitId: string }) => g.orgUnitId)).toEqual([south.orgUnitId]);
    expect((await get(s, '/api/v1/stores')).json().data.map((x: Store) => x.id)).toEqual([south.id]);
    expect((await get(s, `/api/v1/stores/${south2.id}`)).statusCode).toBe(404);
  });

  it('a region manager cannot disable or rename someone who holds more than they may grant', async () => {
    // An HQ admin who also manages a store in the region: the region manager sees them, but must not lock them out.
    const boss = await createUser(admin, { email: 'boss.also.sm@users.test', role: 'hq_admin', orgUnitId: units.get('GRP')!.id, password: 'boss-password-1' });
    const bossId = boss.json().user.id;
    expect((await send(admin, 'POST', `/api/v1/users/${bossId}/grants`, { role: 'store_manager', orgUnitId: north.orgUnitId })).statusCode).toBe(200);
    const bossSession = await t.signIn('boss.also.sm@users.test', 'boss-password-1');

    const disable = await send(regionManager, 'PATCH', `/api/v1/users/${bossId}`, { status: 'disabled' });
    expect(disable.statusCode).toBe(403);
    expect((await send(regionManager, 'PATCH', `/api/v1/users/${bossId}`, { name: 'Renamed' })).statusCode).toBe(403);
    expect((await get(bossSession, '/api/v1/stores')).statusCode).toBe(200);

    // The store manager they do manage, they may disable.
    const sm = (await get(admin, '/api/v1/users?q=north.sm')).json().data[0];
    const ok = await send(regionManager, 'PATCH', `/api/v1/users/${sm.id}`, { status: 'disabled' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().status).toBe('disabled');
  });

  it('a region manager sees only the grants inside their region, not where else a user works', async () => {
    const shared = await createUser(admin, { email: 'shared@users.test', role: 'store_manager', orgUnitId: north.orgUnitId });
    const id = shared.json().user.id;
    await send(admin, 'POST', `/api/v1/users/${id}/grants`, { role: 'store_manager', orgUnitId: south.orgUnitId });
    const seen = (await get(regionManager, '/api/v1/users?q=shared@')).json().data;
    expect(seen).toHaveLength(1);
    expect(seen[0].grants.map((g: { orgUnitId: string }) => g.orgUnitId)).toEqual([north.orgUnitId]);
    expect(JSON.stringify(seen)).not.toContain(south.orgUnitId);
    const all = (await get(admin, '/api/v1/users?q=shared@')).json().data;
    expect(all[0].grants).toHaveLength(2);
  });

  it('lists only users with a grant in scope, a page at a time', async () => {
    const mine = (await get(storeManager, '/api/v1/users')).json().data.map((u: { email: string }) => u.email);
    expect(mine).toContain('store.manager@demo.storeos.dev');
    expect(mine).not.toContain('admin@demo.storeos.dev');
    expect(mine).not.toContain('two.stores@users.test');

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(admin, `/api/v1/users?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().data.map((u: { id: string }) => u.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    const total = (await t.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0].n;
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });
});
