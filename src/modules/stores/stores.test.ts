import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestSession } from '../../../test/harness.ts';
import { storeListPage } from './routes.ts';

interface Store {
  id: string;
  orgUnitId: string;
  parentOrgUnitId: string;
  parentName: string;
  code: string;
  name: string;
  nameEn: string | null;
  status: string;
  format: string;
  city: string;
  floorArea: number | null;
  weeklyHours: { day: number; opens: string; closes: string }[];
  specialHours: { id: string; startDate: string; endDate: string; closed: boolean; opens: string | null; closes: string | null; note: string | null }[];
  zones: { id: string; name: string; kind: string; floorArea: number | null }[];
  openNow: boolean;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

describe('stores', () => {
  let t: TestApp;
  let admin: TestSession;
  let units: Map<string, string>;
  /** A region of our own, so list filters have a known population. */
  let testRegion: string;

  beforeAll(async () => {
    t = await createTestApp({ demoStores: 3 });
    admin = await t.signIn('admin@demo.storeos.dev');
    units = new Map((await call('GET', '/api/v1/org-units')).json().data.map((u: { code: string; id: string }) => [u.code, u.id]));
    const region = await call('POST', '/api/v1/org-units', { parentId: units.get('BU-NORTH'), kind: 'region', code: 'R-TEST', name: 'Test region' });
    expect(region.statusCode).toBe(201);
    testRegion = region.json().id;
  });
  afterAll(() => t.close());

  const call = (method: Method, url: string, payload?: object, s: TestSession = admin) => t.app.inject({ method, url, headers: s.headers, payload });
  const storeBody = (code: string, extra: Record<string, unknown> = {}) => ({
    code,
    name: `Store ${code}`,
    parentOrgUnitId: testRegion,
    format: 'standard',
    city: 'Testville',
    address: `${code} Test Road`,
    timeZone: 'Asia/Shanghai',
    ...extra,
  });
  async function create(code: string, extra: Record<string, unknown> = {}): Promise<Store> {
    const res = await call('POST', '/api/v1/stores', storeBody(code, extra));
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }
  const detail = async (id: string): Promise<Store> => (await call('GET', `/api/v1/stores/${id}`)).json();
  const codes = async (query: string) =>
    (await call('GET', `/api/v1/stores?limit=200&${query}`))
      .json()
      .data.map((s: Store) => s.code)
      .sort();
  const count = async (table: string, storeId: string) =>
    (await t.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE store_id = $1`, [storeId])).rows[0].n;

  describe('creating and changing', () => {
    it('creates a store (201) with its own org unit, and lists it', async () => {
      const s = await create('T-100', { nameEn: 'Test 100', latitude: 39.9, longitude: 116.4, floorArea: 1200, phone: '+86 10 1234 5678' });
      expect(s).toMatchObject({
        code: 'T-100',
        status: 'planned',
        parentOrgUnitId: testRegion,
        parentName: 'Test region',
        weeklyHours: [],
        zones: [],
        openNow: false,
      });
      const unit = await call('GET', `/api/v1/org-units/${s.orgUnitId}`);
      expect(unit.statusCode).toBe(200);
      expect(unit.json()).toMatchObject({ kind: 'store', code: 'T-100', name: 'Store T-100', parentId: testRegion });
      expect(await codes('q=T-100')).toEqual(['T-100']);
      const again = await call('POST', '/api/v1/stores', storeBody('T-100'));
      expect(again.statusCode).toBe(409);
    });

    it('refuses a store under another store', async () => {
      const parent = await create('T-101');
      const res = await call('POST', '/api/v1/stores', storeBody('T-102', { parentOrgUnitId: parent.orgUnitId }));
      expect(res.statusCode).toBe(400);
    });

    it('patches details, and the org unit follows the name', async () => {
      const s = await create('T-110', { nameEn: 'Old English' });
      const res = await call('PATCH', `/api/v1/stores/${s.id}`, { name: 'Renamed', nameEn: null, city: 'Newtown', floorArea: 900 });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ name: 'Renamed', nameEn: null, city: 'Newtown', floorArea: 900, format: 'standard' });
      expect(await detail(s.id)).toMatchObject({ name: 'Renamed', city: 'Newtown' });
      expect((await call('GET', `/api/v1/org-units/${s.orgUnitId}`)).json()).toMatchObject({ name: 'Renamed', nameEn: null });
      // Status moves only through transitions, the parent only through the org tree.
      expect((await call('PATCH', `/api/v1/stores/${s.id}`, { status: 'open' })).statusCode).toBe(400);
      expect((await call('PATCH', `/api/v1/stores/${s.id}`, { parentOrgUnitId: units.get('R-EAST') })).statusCode).toBe(400);
      expect((await detail(s.id)).status).toBe('planned');
    });

    it('a store manager changes their store but cannot move its lifecycle (403)', async () => {
      const sm = await t.signIn('store.manager@demo.storeos.dev');
      const [own] = (await call('GET', '/api/v1/stores', undefined, sm)).json().data;
      expect((await call('PATCH', `/api/v1/stores/${own.id}`, { phone: '+86 10 8888 0000' }, sm)).statusCode).toBe(200);
      expect((await call('POST', `/api/v1/stores/${own.id}/transitions`, { to: 'temporarily_closed' }, sm)).statusCode).toBe(403);
      expect((await call('POST', '/api/v1/stores', storeBody('T-120', { parentOrgUnitId: own.parentOrgUnitId }), sm)).statusCode).toBe(404);
    });
  });

  describe('listing', () => {
    beforeAll(async () => {
      await create('F-1', { name: 'Alpha Flagship', format: 'flagship', city: 'Testville', status: 'open' });
      await create('F-2', { name: 'Beta Corner', format: 'compact', city: 'Othertown', status: 'open' });
      await create('F-3', { name: 'Gamma 100% Store', format: 'compact', city: 'testville' });
      await create('F-4', { name: 'Delta', format: 'standard', city: 'Othertown', status: 'opening' });
    });
    const inRegion = () => `orgUnitId=${testRegion}`;

    it('filters by org unit, status, format, city, and searches name and code', async () => {
      const region = await codes(inRegion());
      expect(region).toEqual(expect.arrayContaining(['F-1', 'F-2', 'F-3', 'F-4']));
      expect(await codes(`orgUnitId=${units.get('R-EAST')}`)).not.toContain('F-1');
      expect(await codes(`${inRegion()}&status=open`)).toEqual(['F-1', 'F-2']);
      expect(await codes(`${inRegion()}&format=compact`)).toEqual(['F-2', 'F-3']);
      expect(await codes(`${inRegion()}&city=TESTVILLE&q=F-`)).toEqual(['F-1', 'F-3']);
      expect(await codes('q=beta')).toEqual(['F-2']);
      expect(await codes('q=f-4')).toEqual(['F-4']);
      expect(await codes('q=100%25')).toEqual(['F-3']);
      expect(await codes('q=%25%25')).toEqual([]);
      expect(await codes(`${inRegion()}&status=opening&format=standard`)).toEqual(['F-4']);
      expect((await call('GET', '/api/v1/stores?status=shut')).statusCode).toBe(400);
      const summary = (await call('GET', `/api/v1/stores/summary?${inRegion()}`)).json();
      expect(summary.total).toBe(region.length);
      expect(summary.byFormat.compact).toBe(2);
    });

    it('pages with a cursor, visiting every store exactly once', async () => {
      const total = (await t.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM stores')).rows[0].n;
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await call('GET', `/api/v1/stores?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode).toBe(200);
        expect(res.json().data.length).toBeLessThanOrEqual(3);
        seen.push(...res.json().data.map((s: Store) => s.id));
        cursor = res.json().nextCursor;
        pages++;
      } while (cursor && pages < 100);
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
      expect((await call('GET', '/api/v1/stores?cursor=not-ours')).statusCode).toBe(400);
      expect((await call('GET', '/api/v1/stores?limit=0')).statusCode).toBe(400);
      expect((await call('GET', '/api/v1/stores?limit=201')).statusCode).toBe(400);
    });

    it('answers the list exactly in its schema: every key, its type, nothing more (the page is written without a second pass)', async () => {
      const res = await call('GET', '/api/v1/stores?limit=200');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const body = res.json();
      expect(body.data.length).toBeGreaterThan(0);
      // parsing strips unknown keys and fails on a wrong type: what comes out must be what went in
      expect(storeListPage.parse(body)).toEqual(body);
      for (const row of body.data) expect(Object.keys(row).sort()).toEqual(Object.keys(storeListPage.shape.data.element.shape).sort());
      // errors still answer in the one error shape
      const bad = await call('GET', '/api/v1/stores?limit=0');
      expect(bad.json()).toMatchObject({ error: { code: 'invalid' } });
    });
  });

  describe('lifecycle', () => {
    const move = (id: string, to: string) => call('POST', `/api/v1/stores/${id}/transitions`, { to });

    it('walks planned → opening → open ⇄ temporarily_closed → closed', async () => {
      const s = await create('L-1');
      for (const to of ['opening', 'open', 'temporarily_closed', 'open', 'temporarily_closed', 'closed']) {
        const res = await move(s.id, to);
        expect(res.statusCode, `→ ${to}: ${res.body}`).toBe(200);
        expect(res.json().status).toBe(to);
      }
      const early = await create('L-2');
      expect((await move(early.id, 'closed')).statusCode).toBe(200);
    });

    it('refuses a forbidden step with 409 listing the allowed states, and changes nothing', async () => {
      const s = await create('L-3');
      const res = await move(s.id, 'open');
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'conflict', details: { from: 'planned', to: 'open', allowed: ['opening', 'closed'] } });
      expect((await detail(s.id)).status).toBe('planned');
      await move(s.id, 'closed');
      const final = await move(s.id, 'open');
      expect(final.statusCode).toBe(409);
      expect(final.json().error.details.allowed).toEqual([]);
    });

    it('serialises concurrent transitions from open: the outcome is one the lifecycle allows', async () => {
      for (let i = 0; i < 3; i++) {
        const s = await create(`L-C${i}`, { status: 'open' });
        const [temp, closed] = await Promise.all([move(s.id, 'temporarily_closed'), move(s.id, 'closed')]);
        expect(closed.statusCode).toBe(200);
        expect([200, 409]).toContain(temp.statusCode);
        expect((await detail(s.id)).status).toBe('closed');
        const chain = (await call('GET', `/api/v1/audit-log?entityId=${s.id}&action=store.status_changed`)).json().data.reverse();
        expect(chain).toHaveLength(temp.statusCode === 200 ? 2 : 1);
        let from = 'open';
        for (const e of chain) {
          expect(e.before.status).toBe(from);
          from = e.after.status;
        }

        const twin = await create(`L-T${i}`, { status: 'open' });
        const both = await Promise.all([move(twin.id, 'temporarily_closed'), move(twin.id, 'temporarily_closed')]);
        expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      }
    });
  });

  describe('hours', () => {
    it('replaces the weekly hours, several ranges a day, answered in day order', async () => {
      const s = await create('H-1');
      const weekly = [
        { day: 2, opens: '10:00', closes: '22:00' },
        { day: 1, opens: '14:00', closes: '21:00' },
        { day: 1, opens: '09:00', closes: '12:00' },
      ];
      const res = await call('PUT', `/api/v1/stores/${s.id}/hours`, { weekly });
      expect(res.statusCode).toBe(200);
      expect(res.json().weeklyHours).toEqual([weekly[2], weekly[1], weekly[0]]);
    });

    it('refuses a range opening at or after its close, overlapping ranges and bad clocks with 400, keeping the old hours', async () => {
      const s = await create('H-2');
      const good = [{ day: 3, opens: '09:00', closes: '18:00' }];
      await call('PUT', `/api/v1/stores/${s.id}/hours`, { weekly: good });
      const bad = [
        [{ day: 1, opens: '18:00', closes: '09:00' }],
        [{ day: 1, opens: '09:00', closes: '09:00' }],
        [
          { day: 1, opens: '09:00', closes: '13:00' },
          { day: 1, opens: '12:00', closes: '18:00' },
        ],
        [{ day: 1, opens: '25:00', closes: '26:00' }],
        [{ day: 8, opens: '09:00', closes: '18:00' }],
      ];
      for (const weekly of bad) {
        const res = await call('PUT', `/api/v1/stores/${s.id}/hours`, { weekly });
        expect(res.statusCode, JSON.stringify(weekly)).toBe(400);
        expect(res.json().error.details.issues[0].path).toMatch(/^body\.weekly\./);
      }
      expect((await detail(s.id)).weeklyHours).toEqual(good);
    });

    it('adds special hours and refuses an end before the start (400) or an overlap (409), writing nothing', async () => {
      const s = await create('H-3');
      const add = (body: object) => call('POST', `/api/v1/stores/${s.id}/special-hours`, body);
      const closure = await add({ startDate: '2030-10-01', endDate: '2030-10-03', closed: true, note: 'National Day' });
      expect(closure.statusCode).toBe(201);
      expect(closure.json().specialHours).toEqual([
        { id: expect.any(String), startDate: '2030-10-01', endDate: '2030-10-03', closed: true, opens: null, closes: null, note: 'National Day' },
      ]);
      const short = await add({ startDate: '2030-12-31', endDate: '2030-12-31', closed: false, opens: '10:00', closes: '16:00' });
      expect(short.statusCode).toBe(201);

      const backwards = await add({ startDate: '2030-11-05', endDate: '2030-11-01', closed: true });
      expect(backwards.statusCode).toBe(400);
      expect(backwards.json().error.details.issues.map((i: { path: string }) => i.path)).toContain('body.endDate');
      expect((await add({ startDate: '2030-11-01', endDate: '2030-11-01', closed: false })).statusCode).toBe(400);
      expect((await add({ startDate: '2030-02-30', endDate: '2030-03-01', closed: true })).statusCode).toBe(400);

      const overlap = await add({ startDate: '2030-09-30', endDate: '2030-10-01', closed: true });
      expect(overlap.statusCode).toBe(409);
      expect(await count('store_special_hours', s.id)).toBe(2);
      const racing = await Promise.all([
        add({ startDate: '2031-05-01', endDate: '2031-05-03', closed: true }),
        add({ startDate: '2031-05-03', endDate: '2031-05-05', closed: true }),
      ]);
      expect(racing.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      expect(await count('store_special_hours', s.id)).toBe(3);

      const id = closure.json().specialHours[0].id;
      const removed = await call('DELETE', `/api/v1/stores/${s.id}/special-hours/${id}`);
      expect(removed.statusCode).toBe(200);
      expect(removed.json().specialHours.map((h: { id: string }) => h.id)).not.toContain(id);
      expect((await call('DELETE', `/api/v1/stores/${s.id}/special-hours/${id}`)).statusCode).toBe(404);
    });

    it('openNow follows the hours, special closures and the status', async () => {
      const s = await create('H-4', { status: 'open' });
      const always = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, opens: '00:00', closes: '24:00' }));
      expect((await call('PUT', `/api/v1/stores/${s.id}/hours`, { weekly: always })).json().openNow).toBe(true);
      const day = 86_400_000;
      const iso = (d: Date) => d.toISOString().slice(0, 10);
      const closure = await call('POST', `/api/v1/stores/${s.id}/special-hours`, {
        startDate: iso(new Date(Date.now() - 2 * day)),
        endDate: iso(new Date(Date.now() + 2 * day)),
        closed: true,
      });
      expect(closure.json().openNow).toBe(false);
      const reopened = await call('DELETE', `/api/v1/stores/${s.id}/special-hours/${closure.json().specialHours[0].id}`);
      expect(reopened.json().openNow).toBe(true);
      expect((await call('POST', `/api/v1/stores/${s.id}/transitions`, { to: 'temporarily_closed' })).json().openNow).toBe(false);
      expect((await call('PUT', `/api/v1/stores/${s.id}/hours`, { weekly: [] })).json().weeklyHours).toEqual([]);
    });
  });

  describe('zones', () => {
    it('adds, renames and removes zones; a duplicate name in one store is a 409', async () => {
      const s = await create('Z-1');
      const added = await call('POST', `/api/v1/stores/${s.id}/zones`, { name: 'Showroom', kind: 'showroom', floorArea: 200 });
      expect(added.statusCode).toBe(201);
      expect(added.json().zones).toEqual([{ id: expect.any(String), name: 'Showroom', kind: 'showroom', floorArea: 200 }]);
      const second = await call('POST', `/api/v1/stores/${s.id}/zones`, { name: 'Checkout', kind: 'checkout' });
      expect(second.statusCode).toBe(201);
      const [checkout, showroom] = second.json().zones;

      expect((await call('POST', `/api/v1/stores/${s.id}/zones`, { name: 'Showroom', kind: 'other' })).statusCode).toBe(409);
      const clash = await call('PATCH', `/api/v1/stores/${s.id}/zones/${checkout.id}`, { name: 'Showroom' });
      expect(clash.statusCode).toBe(409);
      expect(clash.json().error.code).toBe('conflict');
      expect((await call('POST', `/api/v1/stores/${s.id}/zones`, { name: 'Bad', kind: 'rooftop' })).statusCode).toBe(400);
      // The same name in another store is fine.
      const other = await create('Z-2');
      expect((await call('POST', `/api/v1/stores/${other.id}/zones`, { name: 'Showroom', kind: 'showroom' })).statusCode).toBe(201);

      const nothing = await call('PATCH', `/api/v1/stores/${s.id}/zones/${showroom.id}`, {});
      expect(nothing.statusCode).toBe(200);
      expect(nothing.json().zones).toContainEqual(showroom);
      const renamed = await call('PATCH', `/api/v1/stores/${s.id}/zones/${showroom.id}`, { name: 'Home Cinema', floorArea: null });
      expect(renamed.statusCode).toBe(200);
      expect(renamed.json().zones.find((z: { id: string }) => z.id === showroom.id)).toEqual({
        id: showroom.id,
        name: 'Home Cinema',
        kind: 'showroom',
        floorArea: null,
      });
      const removed = await call('DELETE', `/api/v1/stores/${s.id}/zones/${checkout.id}`);
      expect(removed.statusCode).toBe(200);
      expect(removed.json().zones.map((z: { id: string }) => z.id)).toEqual([showroom.id]);
      expect((await call('DELETE', `/api/v1/stores/${s.id}/zones/${checkout.id}`)).statusCode).toBe(404);
      expect(await count('store_zones', s.id)).toBe(1);
    });
  });
});
