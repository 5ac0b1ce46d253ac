import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword, seedDemo } from '../src/commands/seed-demo.ts';
import { createTestApp, type TestApp } from './harness.ts';

/**
 * The isolation walker: every route of the API, called by a store manager, a store-scoped API key, a region
 * manager and a tenant's HQ admin with the ids of things outside their scope (another store of the region,
 * another region, another tenant), must answer as if those things did not exist, change nothing and leak nothing.
 */

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
interface Probe {
  method: Method;
  url: string;
  payload?: object | string;
  contentType?: string;
}
/** Someone calling the API: headers to send, and their own things for the "own parent, foreign child" variants. */
interface Caller {
  name: string;
  headers: Record<string, string>;
  own: { storeId: string; unitId: string; userId: string };
}
/** The things of one owner (a store, a region, a tenant) that callers outside it try to reach. */
interface World {
  name: string;
  storeIds: string[];
  storeUnitId: string;
  /** Every org unit of the owner a caller could name: the store's, the region's, and above when the owner is a tenant. */
  unitIds: string[];
  unitCode: string;
  zoneId: string;
  specialId: string;
  userIds: string[];
  grantId: string;
  apiKeyId: string;
  /** Text that must never appear in an answer to an outsider. */
  secrets: string[];
}

const v1 = '/api/v1';

/** Route prefixes whose isolation is walked by a module's own test file (which must exist). */
const walkedElsewhere: Record<string, string[]> = {
  'src/modules/devices/devices-isolation.test.ts': [
    `${v1}/devices`,
    `${v1}/device-profiles`,
    `${v1}/rpc/`,
    `${v1}/live`,
    `${v1}/stores/:id/devices`,
  ],
  'src/modules/devices/alarm-routes.test.ts': [`${v1}/alarms`, `${v1}/alarm-rules`, `${v1}/stores/:id/alarms`],
  'src/modules/devices/device-api.test.ts': [`${v1}/:token`, `${v1}/provision`],
  'src/modules/customers/sources.test.ts': [`${v1}/sources`],
  'src/modules/customers/privacy.test.ts': [`${v1}/privacy`],
  'src/modules/maintenance/maintenance-isolation.test.ts': [
    `${v1}/assets`,
    `${v1}/work-orders`,
    `${v1}/pm-schedules`,
    `${v1}/maintenance`,
    `${v1}/public/assets`,
    `${v1}/files`,
    `${v1}/inbox`,
  ],
  'src/modules/notifications/notifications.test.ts': [`${v1}/webhooks`],
  'src/modules/marketing/marketing-isolation.test.ts': [`${v1}/marketing`],
  'src/modules/marketing/journeys-isolation.test.ts': [`${v1}/journeys`],
  'src/modules/operations/operations-isolation.test.ts': [
    `${v1}/task-templates`,
    `${v1}/task-sends`,
    `${v1}/tasks`,
    `${v1}/stores/:id/tasks`,
    `${v1}/audits`,
    `${v1}/corrective-actions`,
    `${v1}/operations`,
  ],
  'src/modules/customers/customers-isolation.test.ts': [
    `${v1}/profiles`,
    `${v1}/segments`,
    `${v1}/computed-traits`,
    `${v1}/customer-settings`,
    `${v1}/consent`,
  ],
};
const idPattern = /\b[a-z]{2,3}_[0-9a-z]{16}\b/g;

/** The calls that try to reach a world's things, per route. Routes whose path carries an id. */
const idRoutes: Record<string, (w: World, own: Caller['own']) => Probe[]> = {
  'GET /api/v1/org-units/:id': (w) => w.unitIds.map((id) => ({ method: 'GET', url: `${v1}/org-units/${id}` })),
  'PATCH /api/v1/org-units/:id': (w, own) => [
    ...w.unitIds.map((id): Probe => ({ method: 'PATCH', url: `${v1}/org-units/${id}`, payload: { name: 'Hijacked' } })),
    { method: 'PATCH', url: `${v1}/org-units/${own.unitId}`, payload: { parentId: w.unitIds[0] } },
  ],
  'PATCH /api/v1/users/:id': (w) =>
    w.userIds.flatMap((id): Probe[] => [
      { method: 'PATCH', url: `${v1}/users/${id}`, payload: { name: 'Hijacked' } },
      { method: 'PATCH', url: `${v1}/users/${id}`, payload: { status: 'disabled' } },
    ]),
  'POST /api/v1/users/:id/grants': (w, own) => [
    ...w.userIds.map((id): Probe => ({ method: 'POST', url: `${v1}/users/${id}/grants`, payload: { role: 'viewer', orgUnitId: own.unitId } })),
    { method: 'POST', url: `${v1}/users/${own.userId}/grants`, payload: { role: 'viewer', orgUnitId: w.storeUnitId } },
  ],
  'DELETE /api/v1/users/:id/grants/:grantId': (w, own) => [
    { method: 'DELETE', url: `${v1}/users/${w.userIds[0]}/grants/${w.grantId}` },
    { method: 'DELETE', url: `${v1}/users/${own.userId}/grants/${w.grantId}` },
  ],
  'DELETE /api/v1/api-keys/:id': (w) => [{ method: 'DELETE', url: `${v1}/api-keys/${w.apiKeyId}` }],
  'GET /api/v1/stores/:id': (w) => w.storeIds.map((id) => ({ method: 'GET', url: `${v1}/stores/${id}` })),
  'PATCH /api/v1/stores/:id': (w) => w.storeIds.map((id) => ({ method: 'PATCH', url: `${v1}/stores/${id}`, payload: { name: 'Hijacked' } })),
  'POST /api/v1/stores/:id/transitions': (w) =>
    w.storeIds.map((id) => ({ method: 'POST', url: `${v1}/stores/${id}/transitions`, payload: { to: 'temporarily_closed' } })),
  'PUT /api/v1/stores/:id/hours': (w) =>
    w.storeIds.map((id) => ({ method: 'PUT', url: `${v1}/stores/${id}/hours`, payload: { weekly: [{ day: 1, opens: '09:00', closes: '10:00' }] } })),
  'POST /api/v1/stores/:id/special-hours': (w) =>
    w.storeIds.map((id) => ({
      method: 'POST',
      url: `${v1}/stores/${id}/special-hours`,
      payload: { startDate: '2031-01-01', endDate: '2031-01-01', closed: true },
    })),
  'DELETE /api/v1/stores/:id/special-hours/:specialId': (w, own) => [
    { method: 'DELETE', url: `${v1}/stores/${w.storeIds[0]}/special-hours/${w.specialId}` },
    { method: 'DELETE', url: `${v1}/stores/${own.storeId}/special-hours/${w.specialId}` },
  ],
  'POST /api/v1/stores/:id/zones': (w) =>
    w.storeIds.map((id) => ({ method: 'POST', url: `${v1}/stores/${id}/zones`, payload: { name: 'Hijack zone', kind: 'other' } })),
  'PATCH /api/v1/stores/:id/zones/:zoneId': (w, own) => [
    { method: 'PATCH', url: `${v1}/stores/${w.storeIds[0]}/zones/${w.zoneId}`, payload: { name: 'Hijacked' } },
    { method: 'PATCH', url: `${v1}/stores/${own.storeId}/zones/${w.zoneId}`, payload: { name: 'Hijacked' } },
  ],
  'DELETE /api/v1/stores/:id/zones/:zoneId': (w, own) => [
    { method: 'DELETE', url: `${v1}/stores/${w.storeIds[0]}/zones/${w.zoneId}` },
    { method: 'DELETE', url: `${v1}/stores/${own.storeId}/zones/${w.zoneId}` },
  ],
};

/** Routes without an id in the path that take one in the body or query: they must refuse the outsider's ids the same way. */
const referenceRoutes: Record<string, (w: World) => Probe[]> = {
  'POST /api/v1/org-units': (w) => [
    { method: 'POST', url: `${v1}/org-units`, payload: { parentId: w.unitIds[0], kind: 'area', code: 'HIJACK-AREA', name: 'Hijack' } },
  ],
  'POST /api/v1/users': (w) => [
    { method: 'POST', url: `${v1}/users`, payload: { email: 'hijack@walker.test', name: 'Hijack', role: 'viewer', orgUnitId: w.unitIds[0] } },
  ],
  'POST /api/v1/api-keys': (w) => [{ method: 'POST', url: `${v1}/api-keys`, payload: { name: 'Hijack', role: 'viewer', orgUnitId: w.unitIds[0] } }],
  'POST /api/v1/stores': (w) => [
    {
      method: 'POST',
      url: `${v1}/stores`,
      payload: { code: 'HIJACK-1', name: 'Hijack', parentOrgUnitId: w.unitIds[0], format: 'compact', city: 'x', address: 'x', timeZone: 'Asia/Shanghai' },
    },
  ],
  'POST /api/v1/stores/import': (w) => [
    {
      method: 'POST',
      url: `${v1}/stores/import`,
      contentType: 'text/csv',
      payload: `code,name,parent_code,format,city,address,time_zone\nHIJACK-2,Hijack,${w.unitCode},compact,x,x,Asia/Shanghai\n`,
    },
  ],
  'GET /api/v1/stores': (w) => [{ method: 'GET', url: `${v1}/stores?orgUnitId=${w.unitIds[0]}` }],
  'GET /api/v1/stores/summary': (w) => [{ method: 'GET', url: `${v1}/stores/summary?orgUnitId=${w.unitIds[0]}` }],
};

/** Lists, checked per caller for exactly the rows in scope (see "lists"); they also take filters above. */
const listRoutes = [
  'GET /api/v1/stores',
  'GET /api/v1/stores/summary',
  'GET /api/v1/org-units',
  'GET /api/v1/users',
  'GET /api/v1/audit-log',
  'GET /api/v1/api-keys',
];
/** Routes about the caller alone, with no id to swap: sign-in and sessions are tested in sign-in.test.ts. */
const selfRoutes = ['POST /api/v1/auth/sign-in', 'POST /api/v1/auth/sign-out', 'GET /api/v1/auth/session', 'POST /api/v1/auth/password', 'GET /api/v1/roles'];

/** Every `METHOD /path` of the app, read from Fastify's route tree (hidden routes included), HEAD left out. */
function enumerateRoutes(tree: string): Set<string> {
  const routes = new Set<string>();
  const prefixes: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    const path = (depth > 0 ? prefixes[depth - 1] : '') + m[2];
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    for (const method of m[3]?.split(', ') ?? []) if (method !== 'HEAD') routes.add(`${method} ${path}`);
  }
  return routes;
}

/** The same world with every id and code swapped for one that does not exist. */
function ghostOf(w: World): World {
  const ghost = (id: string) => `${id.split('_')[0]}_${'0'.repeat(16)}`;
  return {
    ...w,
    name: `${w.name} (ghost)`,
    storeIds: w.storeIds.map(ghost),
    storeUnitId: ghost(w.storeUnitId),
    unitIds: w.unitIds.map(ghost),
    unitCode: 'NO-SUCH-UNIT',
    zoneId: ghost(w.zoneId),
    specialId: ghost(w.specialId),
    userIds: w.userIds.map(ghost),
    grantId: ghost(w.grantId),
    apiKeyId: ghost(w.apiKeyId),
  };
}

/** An answer with ids and the tried unit code blanked, to compare the answer about real things with the one about ghosts. */
const normalise = (body: string, code: string) => body.replace(idPattern, '<id>').replaceAll(code, '<code>');

describe('tenant and scope isolation', () => {
  let t: TestApp;
  let routes: Set<string>;
  const callers = new Map<string, Caller>();
  const worlds = new Map<string, World>();
  /** Which worlds each caller must not reach. */
  const attacks: [string, string[]][] = [
    ['store manager A1', ['store A2', 'region B', 'tenant other']],
    ['store manager B', ['store A2']],
    ['store key A1', ['store A2', 'region B', 'tenant other']],
    ['region manager A', ['region B', 'tenant other']],
    ['region manager B', ['store A2', 'tenant other']],
    ['HQ admin demo', ['tenant other']],
    ['HQ admin other', ['store A2', 'region B']],
  ];
  let demo: { storeIds: string[]; regionA: string[]; regionAUnits: string[] };
  let other: { storeIds: string[]; unitIds: string[]; userIds: string[]; apiKeyIds: string[] };

  beforeAll(async () => {
    t = await createTestApp({ demoStores: 12 });
    await seedDemo(t.db, { stores: 6, slug: 'other' });
    routes = enumerateRoutes(t.app.printRoutes({ commonPrefix: false }));

    const admin = await t.signIn('admin@demo.storeos.dev', demoPassword, 'demo');
    const otherAdmin = await t.signIn('admin@demo.storeos.dev', demoPassword, 'other');
    const as = (headers: Record<string, string>) => async (method: Method, url: string, payload?: object) => {
      const res = await t.app.inject({ method, url: `${v1}${url}`, headers, payload });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return res.json();
    };
    const hq = as(admin.headers);
    const otherHq = as(otherAdmin.headers);

    // The demo tenant: region A holds stores A1 and A2, region B holds store B.
    type Store = { id: string; orgUnitId: string; parentOrgUnitId: string; name: string; address: string };
    const stores: Store[] = (await hq('GET', '/stores?limit=200')).data;
    const byRegion = new Map<string, Store[]>();
    for (const s of stores) byRegion.set(s.parentOrgUnitId, [...(byRegion.get(s.parentOrgUnitId) ?? []), s]);
    const [regionA, inA] = [...byRegion].find(([, list]) => list.length >= 2)!;
    const [regionB, inB] = [...byRegion].find(([id]) => id !== regionA)!;
    const [a1, a2] = inA;
    const b = inB[0];
    const units: { id: string; code: string; name: string; parentId: string | null }[] = (await hq('GET', '/org-units')).data;
    const unit = (id: string) => units.find((u) => u.id === id)!;
    demo = {
      storeIds: stores.map((s) => s.id),
      regionA: inA.map((s) => s.id),
      regionAUnits: [regionA, ...inA.map((s) => s.orgUnitId)],
    };

    const password = 'walker-password-1';
    const user = async (email: string, role: string, orgUnitId: string) =>
      (await hq('POST', '/users', { email, name: email.split('@')[0], role, orgUnitId, password })).user;
    const smA1 = await user('sm-a1@walker.test', 'store_manager', a1.orgUnitId);
    const smA2 = await user('sm-a2@walker.test', 'store_manager', a2.orgUnitId);
    const smB = await user('sm-b@walker.test', 'store_manager', b.orgUnitId);
    const rmA = await user('rm-a@walker.test', 'region_manager', regionA);
    const rmB = await user('rm-b@walker.test', 'region_manager', regionB);
    const session = async (email: string) => (await t.signIn(email, password)).headers;
    const keyA1 = (await hq('POST', '/api-keys', { name: 'walker key A1', role: 'store_manager', orgUnitId: a1.orgUnitId })).key;
    const keyA2 = (await hq('POST', '/api-keys', { name: 'walker key A2', role: 'viewer', orgUnitId: a2.orgUnitId })).apiKey;
    const keyB = (await hq('POST', '/api-keys', { name: 'walker key B', role: 'viewer', orgUnitId: regionB })).apiKey;

    // Every target store gets a zone and special hours of its own, and an audited change.
    const furnish = async (call: typeof hq, storeId: string) => {
      await call('PATCH', `/stores/${storeId}`, { phone: '+86 10 0000 0000' });
      const zones = (await call('POST', `/stores/${storeId}/zones`, { name: `Walker zone ${storeId}`, kind: 'showroom' })).zones;
      const special = (
        await call('POST', `/stores/${storeId}/special-hours`, { startDate: '2032-02-01', endDate: '2032-02-02', closed: true, note: `walker ${storeId}` })
      ).specialHours;
      return {
        zoneId: zones.find((z: { name: string }) => z.name.startsWith('Walker'))!.id as string,
        specialId: special.find((h: { note: string }) => h.note?.startsWith('walker'))!.id as string,
      };
    };
    const worldOfStore = async (
      name: string,
      s: Store,
      user: { id: string; email: string; grants: { id: string }[] },
      key: { id: string; name: string },
      extraUnits: string[],
    ) => {
      const { zoneId, specialId } = await furnish(hq, s.id);
      worlds.set(name, {
        name,
        storeIds: [s.id],
        storeUnitId: s.orgUnitId,
        unitIds: [...extraUnits, s.orgUnitId],
        unitCode: unit(extraUnits[0] ?? s.orgUnitId).code,
        zoneId,
        specialId,
        userIds: [user.id],
        grantId: user.grants[0].id,
        apiKeyId: key.id,
        secrets: [s.name, s.address, user.email, key.name, `Walker zone ${s.id}`, `walker ${s.id}`, ...extraUnits.map((u) => unit(u).name)],
      });
    };
    // Each world also gets an area with a code no other tenant has, for the CSV import's parent_code.
    const areaA = await hq('POST', '/org-units', { parentId: regionA, kind: 'area', code: 'WALK-AREA-A', name: 'Walker area A' });
    const areaB = await hq('POST', '/org-units', { parentId: regionB, kind: 'area', code: 'WALK-AREA-B', name: 'Walker area B' });
    units.push(areaA, areaB);
    demo.regionAUnits.push(areaA.id);
    await worldOfStore('store A2', a2, smA2, keyA2, [areaA.id]);
    await worldOfStore('region B', b, rmB, keyB, [areaB.id, regionB]);
    worlds.get('region B')!.userIds.push(smB.id);

    // The other tenant: same e-mails, same codes, different everything else.
    const otherStores: Store[] = (await otherHq('GET', '/stores?limit=200')).data;
    const otherUnits: { id: string; code: string; name: string; depth: number }[] = (await otherHq('GET', '/org-units')).data;
    const onlyOther = await otherHq('POST', '/org-units', {
      parentId: otherUnits.find((u) => u.depth === 0)!.id,
      kind: 'area',
      code: 'OTHER-ONLY',
      name: 'Other-only area',
    });
    const otherUsers: { id: string; email: string; grants: { id: string; role: string }[] }[] = (await otherHq('GET', '/users?limit=200')).data;
    const otherSm = otherUsers.find((u) => u.grants.some((g) => g.role === 'store_manager'))!;
    const otherKey = (await otherHq('POST', '/api-keys', { name: 'other tenant key', role: 'viewer', orgUnitId: onlyOther.id })).apiKey;
    const target = otherStores[0];
    const { zoneId, specialId } = await furnish(otherHq, target.id);
    worlds.set('tenant other', {
      name: 'tenant other',
      // A sample of each kind keeps the walk fast; the lists below check all of them.
      storeIds: [target.id, otherStores[1].id],
      storeUnitId: target.orgUnitId,
      unitIds: [onlyOther.id, otherUnits[0].id, target.parentOrgUnitId, target.orgUnitId],
      unitCode: 'OTHER-ONLY',
      zoneId,
      specialId,
      userIds: [otherSm.id, otherUsers.find((u) => u.grants.some((g) => g.role === 'hq_admin'))!.id],
      grantId: otherSm.grants[0].id,
      apiKeyId: otherKey.id,
      secrets: [target.address, 'Other-only area', 'other tenant key', `Walker zone ${target.id}`, `walker ${target.id}`],
    });
    other = {
      storeIds: otherStores.map((s) => s.id),
      unitIds: [onlyOther.id, ...otherUnits.map((u) => u.id)],
      userIds: otherUsers.map((u) => u.id),
      apiKeyIds: [otherKey.id],
    };

    callers.set('store manager A1', {
      name: 'store manager A1',
      headers: await session('sm-a1@walker.test'),
      own: { storeId: a1.id, unitId: a1.orgUnitId, userId: smA1.id },
    });
    callers.set('store manager B', {
      name: 'store manager B',
      headers: await session('sm-b@walker.test'),
      own: { storeId: b.id, unitId: b.orgUnitId, userId: smB.id },
    });
    callers.set('store key A1', {
      name: 'store key A1',
      headers: { authorization: `Bearer ${keyA1}` },
      own: { storeId: a1.id, unitId: a1.orgUnitId, userId: smA1.id },
    });
    callers.set('region manager A', {
      name: 'region manager A',
      headers: await session('rm-a@walker.test'),
      own: { storeId: a1.id, unitId: a1.orgUnitId, userId: rmA.id },
    });
    callers.set('region manager B', {
      name: 'region manager B',
      headers: await session('rm-b@walker.test'),
      own: { storeId: b.id, unitId: b.orgUnitId, userId: rmB.id },
    });
    callers.set('HQ admin demo', { name: 'HQ admin demo', headers: admin.headers, own: { storeId: a1.id, unitId: a1.orgUnitId, userId: smA1.id } });
    const otherOwnStore = otherStores[otherStores.length - 1];
    callers.set('HQ admin other', {
      name: 'HQ admin other',
      headers: otherAdmin.headers,
      own: { storeId: otherOwnStore.id, unitId: otherOwnStore.orgUnitId, userId: otherSm.id },
    });
  });
  afterAll(() => t.close());

  it('knows how to call every route of the API, and nothing else', async () => {
    // Routes of later modules are walked by their module's own isolation tests; every such route must belong to one.
    const delegated = (r: string) => Object.entries(walkedElsewhere).some(([file, prefixes]) => existsSync(file) && prefixes.some((p) => r.split(' ')[1].startsWith(p)));
    const api = [...routes].filter((r) => r.split(' ')[1].startsWith(`${v1}/`) && !delegated(r)).sort();
    const known = [...Object.keys(idRoutes), ...Object.keys(referenceRoutes), ...listRoutes, ...selfRoutes];
    expect(api.length).toBeGreaterThan(20);
    expect(api).toEqual([...new Set(known)].sort());
    // Every route with an id in its path is walked with ids, not only listed.
    expect(api.filter((r) => r.includes('/:')).sort()).toEqual(Object.keys(idRoutes).sort());
    // The OpenAPI document describes the same API.
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replaceAll(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(documented.filter((r) => r.split(" ")[1].startsWith(`${v1}/`) && !delegated(r)).sort()).toEqual(api);
  });

  /** Rows of the demo's target worlds and of the whole other tenant, to prove nothing moved. */
  async function snapshot() {
    const q = async (sql: string, ids: string[]) => (await t.db.pool.query(sql, [ids])).rows;
    const all = [...worlds.values()];
    const storeIds = all.flatMap((w) => w.storeIds);
    const otherTenant = (await t.db.pool.query("SELECT id FROM tenants WHERE slug = 'other'")).rows[0].id as string;
    return {
      stores: await q('SELECT * FROM stores WHERE id = ANY($1) ORDER BY id', storeIds),
      zones: await q('SELECT * FROM store_zones WHERE store_id = ANY($1) ORDER BY id', storeIds),
      special: await q('SELECT * FROM store_special_hours WHERE store_id = ANY($1) ORDER BY id', storeIds),
      units: await q(
        'SELECT * FROM org_units WHERE id = ANY($1) ORDER BY id',
        all.flatMap((w) => w.unitIds),
      ),
      users: await q(
        'SELECT id, email, name, status, password_hash FROM users WHERE id = ANY($1) ORDER BY id',
        all.flatMap((w) => w.userIds),
      ),
      grants: await q(
        'SELECT * FROM grants WHERE user_id = ANY($1) ORDER BY id',
        all.flatMap((w) => w.userIds),
      ),
      keys: await q(
        'SELECT * FROM api_keys WHERE id = ANY($1) ORDER BY id',
        all.map((w) => w.apiKeyId),
      ),
      sessions: await q(
        'SELECT token_hash, expires_at FROM sessions WHERE user_id = ANY($1) ORDER BY token_hash',
        all.flatMap((w) => w.userIds),
      ),
      otherTenant: (
        await t.db.pool.query(
          `SELECT (SELECT count(*) FROM stores WHERE tenant_id = $1) AS stores, (SELECT count(*) FROM org_units WHERE tenant_id = $1) AS units,
            (SELECT count(*) FROM users WHERE tenant_id = $1) AS users, (SELECT count(*) FROM grants WHERE tenant_id = $1) AS grants,
            (SELECT count(*) FROM api_keys WHERE tenant_id = $1) AS keys, (SELECT count(*) FROM audit_log WHERE tenant_id = $1) AS audit`,
          [otherTenant],
        )
      ).rows,
      audit: await q('SELECT count(*) AS n FROM audit_log WHERE entity_id = ANY($1)', [
        ...storeIds,
        ...all.flatMap((w) => [...w.unitIds, ...w.userIds, w.apiKeyId]),
      ]),
      hijacks: await q('SELECT count(*) AS n FROM org_units WHERE code = ANY($1)', ['HIJACK-AREA', 'HIJACK-1', 'HIJACK-2']),
      hijackUsers: await q('SELECT count(*) AS n FROM users WHERE email = ANY($1)', ['hijack@walker.test']),
    };
  }

  it('answers every call with an outsider’s ids as if they did not exist, leaks nothing and changes nothing', async () => {
    const before = await snapshot();
    const send = (caller: Caller, p: Probe) =>
      t.app.inject({
        method: p.method,
        url: p.url,
        headers: { ...caller.headers, ...(p.contentType ? { 'content-type': p.contentType } : {}) },
        payload: p.payload as string | object | undefined,
      });
    const failures: string[] = [];
    let probes = 0;
    for (const [callerName, targets] of attacks) {
      const caller = callers.get(callerName)!;
      for (const worldName of targets) {
        const w = worlds.get(worldName)!;
        const ghost = ghostOf(w);
        const families = [
          ...Object.entries(idRoutes).map(([route, make]) => [route, make(w, caller.own), make(ghost, caller.own)] as const),
          ...Object.entries(referenceRoutes).map(([route, make]) => [route, make(w), make(ghost)] as const),
        ];
        // One caller's calls against one world run together: each is refused alone, so order does not matter.
        const pairs = families.flatMap(([route, real, ghosts]) => real.map((probe, k) => ({ route, probe, ghost: ghosts[k] })));
        probes += pairs.length;
        await Promise.all(
          pairs.map(async ({ route, probe, ghost }) => {
            const [res, twin] = await Promise.all([send(caller, probe), send(caller, ghost)]);
            const label = `${callerName} → ${worldName}: ${route} ${probe.method} ${probe.url}`;
            const isImport = route === 'POST /api/v1/stores/import';
            const allowed = isImport ? [400, 403] : [403, 404];
            if (!allowed.includes(res.statusCode)) failures.push(`${label} answered ${res.statusCode} ${res.body.slice(0, 200)}`);
            // Refused the same way as for things that do not exist: the answer cannot tell them apart.
            else if (res.statusCode !== twin.statusCode || normalise(res.body, w.unitCode) !== normalise(twin.body, 'NO-SUCH-UNIT')) {
              failures.push(`${label} answered ${res.statusCode} ${res.body.slice(0, 200)} but for a ghost ${twin.statusCode} ${twin.body.slice(0, 200)}`);
            } else if (isImport && res.statusCode === 400 && res.json().error.details?.rows?.[0]?.column !== 'parent_code') {
              failures.push(`${label} refused the import for another reason: ${res.body.slice(0, 200)}`);
            }
            const sent = `${probe.url} ${JSON.stringify(probe.payload ?? '')}`;
            const leaked = [...w.secrets.filter((x) => res.body.includes(x)), ...(res.body.match(idPattern) ?? []).filter((id) => !sent.includes(id))];
            if (leaked.length) failures.push(`${label} leaked ${leaked.join(', ')}`);
          }),
        );
      }
    }
    expect(failures).toEqual([]);
    expect(probes).toBeGreaterThan(150);
    expect(await snapshot()).toEqual(before);
  }, 180_000);

  describe('lists hold only what is in scope', () => {
    const list = async (caller: string, url: string) => {
      const res = await t.app.inject({ url: `${v1}${url}`, headers: callers.get(caller)!.headers });
      return { status: res.statusCode, body: res.json() };
    };
    const ids = (body: { data: { id: string }[] }) => body.data.map((x) => x.id).sort();

    it('a store manager and a store key see exactly their one store', async () => {
      for (const who of ['store manager A1', 'store key A1']) {
        const own = callers.get(who)!.own;
        expect(ids((await list(who, '/stores?limit=200')).body)).toEqual([own.storeId]);
        expect((await list(who, '/stores/summary')).body.total).toBe(1);
        expect((await list(who, '/org-units')).body.data.map((u: { id: string }) => u.id)).toEqual([own.unitId]);
        const users = (await list(who, '/users?limit=200')).body.data as { id: string; grants: { orgUnitId: string }[] }[];
        expect(users.length).toBeGreaterThan(0);
        for (const u of users) expect(u.grants.map((g) => g.orgUnitId)).toEqual([own.unitId]);
        expect((await list(who, '/audit-log')).status).toBe(403);
        expect((await list(who, '/api-keys')).status).toBe(403);
      }
    });

    it('a region manager sees exactly their region', async () => {
      expect(ids((await list('region manager A', '/stores?limit=200')).body)).toEqual([...demo.regionA].sort());
      expect((await list('region manager A', '/stores/summary')).body.total).toBe(demo.regionA.length);
      expect(ids((await list('region manager A', '/org-units')).body)).toEqual([...demo.regionAUnits].sort());
      const users = (await list('region manager A', '/users?limit=200')).body.data as { email: string; grants: { orgUnitId: string }[] }[];
      expect(users.map((u) => u.email)).toEqual(expect.arrayContaining(['rm-a@walker.test', 'sm-a1@walker.test', 'sm-a2@walker.test']));
      for (const u of users) for (const g of u.grants) expect(demo.regionAUnits).toContain(g.orgUnitId);
      const audit = (await list('region manager A', '/audit-log?limit=200')).body.data as { entityId: string }[];
      expect(audit.length).toBeGreaterThan(0);
      const outside = new Set([
        ...worlds.get('region B')!.storeIds,
        ...worlds.get('region B')!.userIds,
        ...worlds.get('region B')!.unitIds,
        worlds.get('region B')!.apiKeyId,
      ]);
      expect(audit.filter((e) => outside.has(e.entityId))).toEqual([]);
      expect((await list('region manager A', '/api-keys')).status).toBe(403);
    });

    it('an HQ admin sees their whole tenant and nothing of the other', async () => {
      const stores = ids((await list('HQ admin demo', '/stores?limit=200')).body);
      expect(stores).toEqual([...demo.storeIds].sort());
      expect((await list('HQ admin demo', '/stores/summary')).body.total).toBe(demo.storeIds.length);
      const everything = new Set([
        ...stores,
        ...ids((await list('HQ admin demo', '/org-units')).body),
        ...ids((await list('HQ admin demo', '/users?limit=200')).body),
        ...ids((await list('HQ admin demo', '/api-keys')).body),
        ...(await list('HQ admin demo', '/audit-log?limit=200')).body.data.map((e: { entityId: string }) => e.entityId),
      ]);
      const theirs = [...other.storeIds, ...other.unitIds, ...other.userIds, ...other.apiKeyIds];
      expect(theirs.filter((id) => everything.has(id))).toEqual([]);

      const mirror = ids((await list('HQ admin other', '/stores?limit=200')).body);
      expect(mirror).toEqual([...other.storeIds].sort());
      const mirrorAll = new Set([
        ...ids((await list('HQ admin other', '/users?limit=200')).body),
        ...ids((await list('HQ admin other', '/org-units')).body),
        ...ids((await list('HQ admin other', '/api-keys')).body),
        ...(await list('HQ admin other', '/audit-log?limit=200')).body.data.map((e: { entityId: string }) => e.entityId),
      ]);
      expect([...demo.storeIds, ...demo.regionAUnits, ...worlds.get('region B')!.userIds].filter((id) => mirrorAll.has(id))).toEqual([]);
    });

    it('a caller’s own session and the role list say nothing of anyone else', async () => {
      const res = await t.app.inject({ url: `${v1}/auth/session`, headers: callers.get('store manager A1')!.headers });
      expect(res.json().user.email).toBe('sm-a1@walker.test');
      expect(res.json().grants.map((g: { orgUnitId: string }) => g.orgUnitId)).toEqual([callers.get('store manager A1')!.own.unitId]);
      const roles = await t.app.inject({ url: `${v1}/roles`, headers: callers.get('store manager A1')!.headers });
      expect(roles.statusCode).toBe(200);
      expect(roles.body.match(idPattern)).toBeNull();
    });
  });
});
