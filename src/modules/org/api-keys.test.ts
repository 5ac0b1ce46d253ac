import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestSession } from '../../../test/harness.ts';
import type { Actor } from '../../kernel/auth.ts';
import { AppError } from '../../kernel/errors.ts';
import { createApiKey } from './api-keys.ts';
import { permissionsOf } from './roles.ts';

interface Store {
  id: string;
  orgUnitId: string;
  name: string;
}

describe('API keys', () => {
  let t: TestApp;
  let admin: TestSession;
  let stores: Store[];
  beforeAll(async () => {
    t = await createTestApp({ demoStores: 3 });
    admin = await t.signIn('admin@demo.storeos.dev');
    stores = (await t.app.inject({ url: '/api/v1/stores', headers: admin.headers })).json().data;
  });
  afterAll(() => t.close());

  const create = (s: TestSession, body: { name: string; role: string; orgUnitId?: string }) =>
    t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: s.headers, payload: body });
  const withKey = (key: string, url: string, method: 'GET' | 'PATCH' = 'GET', payload?: object) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, payload });
  const listed = async (id: string) =>
    (await t.app.inject({ url: '/api/v1/api-keys', headers: admin.headers })).json().data.find((k: { id: string }) => k.id === id);

  it('shows the key once and stores only its hash', async () => {
    const res = await create(admin, { name: 'POS sync', role: 'viewer' });
    expect(res.statusCode).toBe(201);
    const { apiKey, key } = res.json();
    expect(key).toMatch(/^sk_[A-Za-z0-9]{20,}$/);
    expect(apiKey).toMatchObject({ name: 'POS sync', role: 'viewer', revokedAt: null, lastUsedAt: null });
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    expect(Object.keys(apiKey)).not.toContain('keyHash');

    const list = await t.app.inject({ url: '/api/v1/api-keys', headers: admin.headers });
    expect(list.body).not.toContain(key);
    const rows = await t.db.pool.query('SELECT * FROM api_keys WHERE id = $1', [apiKey.id]);
    expect(JSON.stringify(rows.rows)).not.toContain(key);
    expect(rows.rows[0].key_hash).toBe(createHash('sha256').update(key).digest('hex'));
    const audit = await t.db.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE concat(before::text, after::text) LIKE '%' || $1 || '%'", [key]);
    expect(audit.rows[0].n).toBe(0);
  });

  it('works as a Bearer token within its scope, records when it was last used, and stops at revocation', async () => {
    const { apiKey, key } = (await create(admin, { name: 'BI export', role: 'viewer' })).json();
    expect((await listed(apiKey.id)).lastUsedAt).toBeNull();

    const res = await withKey(key, '/api/v1/stores');
    expect(res.statusCode).toBe(200);
    expect(
      res
        .json()
        .data.map((s: Store) => s.id)
        .sort(),
    ).toEqual(stores.map((s) => s.id).sort());
    const used = (await listed(apiKey.id)).lastUsedAt;
    expect(used).not.toBeNull();
    expect(Date.now() - new Date(used).getTime()).toBeLessThan(60_000);
    // A viewer key reads but does not write.
    expect((await withKey(key, `/api/v1/stores/${stores[0].id}`, 'PATCH', { name: 'x' })).statusCode).toBe(403);

    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${apiKey.id}`, headers: admin.headers });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    const after = await withKey(key, '/api/v1/stores');
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthorized');
  });

  it('a store-scoped key sees and changes that one store only, and needs no CSRF token', async () => {
    const [mine, other] = stores;
    const res = await create(admin, { name: 'Store tablet', role: 'store_manager', orgUnitId: mine.orgUnitId });
    expect(res.statusCode).toBe(201);
    const { key, apiKey } = res.json();
    expect(apiKey.orgUnitId).toBe(mine.orgUnitId);
    const list = (await withKey(key, '/api/v1/stores')).json().data;
    expect(list.map((s: Store) => s.id)).toEqual([mine.id]);
    expect((await withKey(key, `/api/v1/stores/${other.id}`)).statusCode).toBe(404);
    const patched = await withKey(key, `/api/v1/stores/${mine.id}`, 'PATCH', { phone: '+86 10 1234 5678' });
    expect(patched.statusCode).toBe(200);
    const audit = (await t.app.inject({ url: `/api/v1/audit-log?entityId=${mine.id}&action=store.updated`, headers: admin.headers })).json().data[0];
    expect(audit).toMatchObject({ actorType: 'api_key', actorId: apiKey.id, actorLabel: 'key Store tablet' });
  });

  it('only someone who manages keys may list or create them', async () => {
    const rm = await t.signIn('region.manager@demo.storeos.dev');
    expect((await create(rm, { name: 'mine', role: 'viewer' })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/v1/api-keys', headers: rm.headers })).statusCode).toBe(403);
  });

  it('cannot be made with a role carrying permissions its creator lacks (403)', async () => {
    // No built-in role manages keys without holding everything, so take a caller holding a viewer's rights plus key management.
    const [root] = (await t.db.pool.query<{ id: string; path: string; tenant_id: string }>('SELECT id, path, tenant_id FROM org_units WHERE depth = 0')).rows;
    const keyKeeper: Actor = {
      tenantId: root.tenant_id,
      tenantSlug: 'demo',
      kind: 'user',
      id: 'usr_keykeeper',
      label: 'key keeper',
      grants: [
        {
          id: 'grt_k',
          role: 'custom',
          orgUnitId: root.id,
          orgUnitName: 'root',
          path: root.path,
          permissions: new Set(['apikeys:manage', ...permissionsOf('viewer')]),
        },
      ],
    };
    const ctx = { db: t.db, actor: keyKeeper, meta: {} };
    await expect(createApiKey(ctx, { name: 'read only', role: 'viewer' })).resolves.toMatchObject({ apiKey: { role: 'viewer' } });
    const refused = await createApiKey(ctx, { name: 'writer', role: 'store_manager' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).kind).toBe('forbidden');
    const n = await t.db.pool.query("SELECT count(*)::int AS n FROM api_keys WHERE name = 'writer'");
    expect(n.rows[0].n).toBe(0);
  });

  it('answers 401 to a malformed Authorization header, even next to a valid session cookie', async () => {
    for (const authorization of [
      'Basic YWRtaW46cGFzcw==',
      'Bearer',
      'Bearer ',
      'Bearer not-a-key',
      'Bearer sk_',
      'sk_abcdefghijklmnop',
      'Bearer sk_unknownunknownunknownunknown',
    ]) {
      const res = await t.app.inject({ url: '/api/v1/stores', headers: { authorization, cookie: admin.cookie } });
      expect(res.statusCode, authorization).toBe(401);
      expect(Object.keys(res.json())).toEqual(['error']);
      expect(res.json().error.code).toBe('unauthorized');
    }
  });
});
