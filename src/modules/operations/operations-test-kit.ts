import type { Response as InjectResponse } from 'light-my-request';
import { expect } from 'vitest';
import { createTestApp, type TestApp, type TestSession } from '../../../test/harness.ts';

/** A demo store as the operations tests use it. */
export interface KitStore {
  id: string;
  code: string;
  orgUnitId: string;
  parentOrgUnitId: string;
}

/** The app with the demo chain, signed-in demo users, and the stores they work in (tests only). */
export interface OperationsKit {
  t: TestApp;
  tenantId: string;
  rootUnitId: string;
  /** The store manager's and associate's store. */
  home: KitStore;
  /** Another store of the region manager's region. */
  sameRegion: KitStore;
  /** A store of another region. */
  otherRegion: KitStore;
  admin: TestSession;
  region: TestSession;
  manager: TestSession;
  associate: TestSession;
  call(s: TestSession, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object): Promise<InjectResponse>;
  template(s: TestSession, body: object): Promise<{ id: string; version: number }>;
  send(s: TestSession, body: object): Promise<{ id: string; storeCount: number; instanceCount: number }>;
  tasksOf(sendId: string): Promise<{ id: string; store_id: string; status: string }[]>;
  photo(s: TestSession, orgUnitId: string): Promise<string>;
}

// The tests' dates were written on 2026-11-25, a few days to a few weeks ahead. Later days move each date forward by
// whole weeks so it stays at least as far ahead of today, on the same weekday at the same local time (the demo
// chain's zones keep no daylight saving time, so an instant moves with its local time).
const writtenOn = Date.UTC(2026, 10, 26); // the end of the day they were written
const weeksLater = Math.max(0, Math.ceil((Date.now() - writtenOn) / (7 * 86_400_000)));

/** A date or time written as of 2026-11-25 (`2026-12-01`, `2026-12-01T18:00`, an ISO instant), moved by whole weeks to today. */
export function ahead(written: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(.*)$/.exec(written);
  if (!m) throw new Error(`not a date: ${written}`);
  if (weeksLater === 0) return written;
  const day = new Date(`${m[1]}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 7 * weeksLater);
  return `${day.toISOString().slice(0, 10)}${m[2]}`;
}

/** The smallest PNG: its signature and an IHDR, enough for the upload's byte check. */
export const tinyPng = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** Builds the kit on a fresh database with a 12-store demo chain. */
export async function operationsKit(): Promise<OperationsKit> {
  const t = await createTestApp({ demoStores: 12 });
  const q = async <R>(text: string, params: unknown[] = []) => (await t.db.pool.query(text, params)).rows as R[];
  const [{ id: tenantId }] = await q<{ id: string }>("SELECT id FROM tenants WHERE slug = 'demo'");
  const [{ id: rootUnitId }] = await q<{ id: string }>('SELECT id FROM org_units WHERE tenant_id = $1 AND parent_id IS NULL', [tenantId]);
  const all = await q<KitStore>(
    'SELECT id, code, org_unit_id AS "orgUnitId", parent_org_unit_id AS "parentOrgUnitId" FROM stores WHERE tenant_id = $1 ORDER BY code',
    [tenantId],
  );
  const home = all[0];
  const sameRegion = all.find((s) => s.id !== home.id && s.parentOrgUnitId === home.parentOrgUnitId);
  const otherRegion = all.find((s) => s.parentOrgUnitId !== home.parentOrgUnitId);
  if (!sameRegion || !otherRegion) throw new Error('the demo chain needs two stores in the first region and one elsewhere');
  const [admin, region, manager, associate] = await Promise.all([
    t.signIn('admin@demo.storeos.dev'),
    t.signIn('region.manager@demo.storeos.dev'),
    t.signIn('store.manager@demo.storeos.dev'),
    t.signIn('associate@demo.storeos.dev'),
  ]);
  const call: OperationsKit['call'] = (s, method, url, payload) => t.app.inject({ method, url, headers: s.headers, ...(payload ? { payload } : {}) });
  return {
    t,
    tenantId,
    rootUnitId,
    home,
    sameRegion,
    otherRegion,
    admin,
    region,
    manager,
    associate,
    call,
    async template(s, body) {
      const res = await call(s, 'POST', '/api/v1/task-templates', body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    },
    async send(s, body) {
      const res = await call(s, 'POST', '/api/v1/task-sends', body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    },
    tasksOf: (sendId) => q('SELECT id, store_id, status FROM task_instances WHERE send_id = $1 ORDER BY store_id', [sendId]),
    async photo(s, orgUnitId) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/files?orgUnitId=${orgUnitId}&name=shelf.png`,
        headers: { ...s.headers, 'content-type': 'image/png' },
        payload: tinyPng,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id;
    },
  };
}
