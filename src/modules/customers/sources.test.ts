import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword, seedDemo } from '../../commands/seed-demo.ts';
import { auditLog } from '../../kernel/schema.ts';
import { hashPassword } from '../../kernel/passwords.ts';
import { insertUser, orgUnits } from '../org/index.ts';
import { stores } from '../stores/index.ts';
import { basic, type CollectionTestApp, createCollectionTestApp } from './collection-test-kit.ts';
import { SourceKeys } from './source-keys.ts';

let t: CollectionTestApp;
let storeA: { id: string; parentOrgUnitId: string };
let storeB: { id: string; parentOrgUnitId: string };

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
const track = (writeKey: string) =>
  t.app.inject({ method: 'POST', url: '/v1/track', headers: { ...basic(writeKey), 'content-type': 'application/json' }, payload: { userId: 'u1', event: 'Ping' } });

beforeAll(async () => {
  t = await createCollectionTestApp({ stores: 12 });
  const rows = await t.db.orm.select({ id: stores.id, parentOrgUnitId: stores.parentOrgUnitId }).from(stores).where(eq(stores.tenantId, t.tenantId)).orderBy(stores.code);
  storeA = rows[0];
  storeB = rows.find((s) => s.parentOrgUnitId !== storeA.parentOrgUnitId) ?? rows[1];
});
afterAll(() => t.close());

describe('sources and write keys', () => {
  it('creates a source with its write key, shown once, and audits it', async () => {
    const res = await api('POST', '/sources', t.admin, { name: 'Web shop', channel: 'web' });
    expect(res.statusCode, res.body).toBe(201);
    const s = res.json();
    expect(s).toMatchObject({ name: 'Web shop', channel: 'web', storeId: null, enabled: true, rateLimit: null });
    expect(s.id).toMatch(/^src_/);
    expect(s.writeKey).toMatch(/^wk_[A-Za-z0-9]{32}$/);
    expect(s.writeKeyPrefix).toBe(s.writeKey.slice(0, 10));
    const got = (await api('GET', `/sources/${s.id}`, t.admin)).json();
    expect(got.writeKey).toBeUndefined();
    const audit = await t.db.orm.select().from(auditLog).where(and(eq(auditLog.entityId, s.id), eq(auditLog.action, 'source.created')));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0].after)).not.toContain(s.writeKey);
    expect((await api('POST', '/sources', t.admin, { name: 'Web shop', channel: 'app' })).statusCode).toBe(409);
    expect((await api('POST', '/sources', t.admin, { name: 'x', channel: 'fax' })).statusCode).toBe(400);
  });

  it('lists, filters and pages sources, and changes name and rate', async () => {
    const pos = await t.source('pos', { storeId: storeA.id });
    await t.source('pos', { storeId: storeB.id });
    const list = (await api('GET', '/sources?channel=pos&limit=1', t.admin)).json();
    expect(list.data).toHaveLength(1);
    const next = (await api('GET', `/sources?channel=pos&limit=1&cursor=${list.nextCursor}`, t.admin)).json();
    expect(next.data).toHaveLength(1);
    expect(next.data[0].id).not.toBe(list.data[0].id);
    const patched = await api('PATCH', `/sources/${pos.id}`, t.admin, { name: 'POS S0001', rateLimit: 100 });
    expect(patched.json()).toMatchObject({ name: 'POS S0001', rateLimit: 100, storeId: storeA.id });
  });

  it('rotates the write key: the old one stops at once, or after a grace period', async () => {
    const s = await t.source('app');
    expect((await track(s.writeKey)).statusCode).toBe(200);
    const rotated = (await api('POST', `/sources/${s.id}/rotate-key`, t.admin, {})).json();
    expect(rotated.writeKey).not.toBe(s.writeKey);
    expect((await track(s.writeKey)).statusCode).toBe(401);
    expect((await track(rotated.writeKey)).statusCode).toBe(200);
    const graceful = (await api('POST', `/sources/${s.id}/rotate-key`, t.admin, { graceMinutes: 60 })).json();
    expect(graceful.previousKeyExpiresAt).not.toBeNull();
    expect((await track(rotated.writeKey)).statusCode).toBe(200);
    expect((await track(graceful.writeKey)).statusCode).toBe(200);
    const actions = await t.db.orm.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.entityId, s.id));
    expect(actions.filter((a) => a.action === 'source.key_rotated')).toHaveLength(2);
  });

  it('tells other nodes of a rotation over LISTEN/NOTIFY', async () => {
    const s = await t.source('crm');
    const otherNode = new SourceKeys(t.db.pool, t.deps.log);
    await otherNode.start();
    try {
      expect(await otherNode.byWriteKey(s.writeKey)).toMatchObject({ id: s.id });
      await api('POST', `/sources/${s.id}/rotate-key`, t.admin, {});
      let seen: unknown = 'cached';
      for (let i = 0; i < 50 && seen !== undefined; i++) {
        await new Promise((r) => setTimeout(r, 20));
        seen = await otherNode.byWriteKey(s.writeKey);
      }
      expect(seen).toBeUndefined();
    } finally {
      await otherNode.stop();
    }
  });

  it('needs sources:manage: a marketer and a store manager are refused', async () => {
    for (const email of ['marketer@demo.storeos.dev', 'store.manager@demo.storeos.dev']) {
      const session = await t.signIn(email);
      expect((await api('GET', '/sources', session)).statusCode).toBe(403);
      expect((await api('POST', '/sources', session, { name: 'mine', channel: 'web' })).statusCode).toBe(403);
    }
  });

  it('shows a store-tied source only within the scope of its store', async () => {
    const [region] = await t.db.orm.select().from(orgUnits).where(eq(orgUnits.id, storeA.parentOrgUnitId));
    await insertUser(t.db.orm, t.tenantId, { email: 'region.admin@demo.storeos.dev', name: 'Region admin', passwordHash: await hashPassword(demoPassword), role: 'hq_admin', orgUnitId: region.id });
    const regional = await t.signIn('region.admin@demo.storeos.dev');
    const inside = await t.source('wifi', { storeId: storeA.id });
    const outside = await t.source('wifi', { storeId: storeB.id });
    const tenantWide = await t.source('service_desk');
    const seen = (await api('GET', '/sources?limit=200', regional)).json().data.map((s: { id: string }) => s.id);
    expect(seen).toContain(inside.id);
    expect(seen).not.toContain(outside.id);
    expect(seen).not.toContain(tenantWide.id);
    expect((await api('GET', `/sources/${outside.id}`, regional)).statusCode).toBe(404);
    expect((await api('GET', `/sources/${outside.id}/debugger`, regional)).statusCode).toBe(404);
    expect((await api('POST', '/sources', regional, { name: 'tenant wide', channel: 'web' })).statusCode).toBe(403);
    expect((await api('POST', '/sources', regional, { name: 'their store', channel: 'pos', storeId: storeB.id })).statusCode).toBe(404);
    expect((await api('POST', '/sources', regional, { name: 'our store', channel: 'pos', storeId: storeA.id })).statusCode).toBe(201);
  });

  it('keeps tenants apart: another tenant neither sees nor uses our sources', async () => {
    await seedDemo(t.db, { stores: 1, slug: 'other' });
    const stranger = await t.signIn('admin@demo.storeos.dev', 'other');
    const ours = await t.source('web');
    expect((await api('GET', `/sources/${ours.id}`, stranger)).statusCode).toBe(404);
    expect((await api('PATCH', `/sources/${ours.id}`, stranger, { enabled: false })).statusCode).toBe(404);
    expect((await api('GET', '/sources?limit=200', stranger)).json().data).toEqual([]);
    const theirs = (await api('POST', '/sources', stranger, { name: 'web 1', channel: 'web' })).json();
    await track(theirs.writeKey);
    const rows = await t.db.pool.query<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM customer_events WHERE source_id = $1', [theirs.id]);
    expect(rows.rows.map((r) => r.tenant_id)).not.toContain(t.tenantId);
    expect(rows.rows).toHaveLength(1);
  });
});
