import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProfileTestApp, type ProfileTestApp } from './profile-test-kit.ts';
import { evaluateProfiles } from './segment-engine.ts';

let t: ProfileTestApp;
let admin: Record<string, string>;
const day = 86_400_000;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createProfileTestApp();
  admin = await t.signIn('admin@demo.storeos.dev');
  const now = t.clock.t;
  const [a, b] = t.storeIds;
  [ids.p1] = await t.send([
    { type: 'identify', userId: 's1', traits: { city: '上海', vip: true }, at: now - 9 * day },
    { userId: 's1', event: 'Order Completed', storeId: a, properties: { total: 3000, category: 'fridge' }, at: now - 5 * day },
    { userId: 's1', event: 'Consent Updated', properties: { purpose: 'marketing', channel: 'sms', granted: true }, at: now - 5 * day },
  ]);
  [ids.p2] = await t.send([
    { type: 'identify', userId: 's2', traits: { city: '北京' }, at: now - 70 * day },
    { userId: 's2', event: 'Order Completed', storeId: b, properties: { total: 80, category: 'phone' }, at: now - 60 * day },
    ...[1, 2, 3].map((k) => ({ userId: 's2', event: 'Product Viewed', properties: { category: 'tv' }, at: now - 2 * day + k })),
  ]);
  [ids.p3] = await t.send([{ type: 'identify', userId: 's3', traits: { city: '上海' }, at: now - 3 * day }]);
});
afterAll(() => t.close());

async function selected(definition: unknown): Promise<number> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/segments/estimate', headers: admin, payload: { definition } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().count;
}

async function members(segmentId: string): Promise<string[]> {
  const r = await t.db.pool.query<{ profile_id: string }>('SELECT profile_id FROM segment_members WHERE segment_id = $1 ORDER BY profile_id', [segmentId]);
  return r.rows.map((x) => x.profile_id);
}

async function storeUnit(storeId: string): Promise<string> {
  return (await t.db.pool.query<{ org_unit_id: string }>('SELECT org_unit_id FROM stores WHERE id = $1', [storeId])).rows[0].org_unit_id;
}

const boughtIn30 = { type: 'event', event: 'Order Completed', withinDays: 30 };

describe('segment conditions', () => {
  it('selects on traits, events, counts, windows, stores, consent, RFM, other segments, and and/or/not', async () => {
    expect(await selected({ type: 'trait', trait: 'city', op: 'eq', value: '上海' })).toBe(2);
    expect(await selected(boughtIn30)).toBe(1);
    expect(
      await selected({
        type: 'event',
        event: 'Product Viewed',
        where: [{ property: 'category', op: 'eq', value: 'tv' }],
        count: { op: 'gte', value: 3 },
        withinDays: 7,
      }),
    ).toBe(1);
    expect(await selected({ type: 'event', event: 'Product Viewed', count: { op: 'gte', value: 4 }, withinDays: 7 })).toBe(0);
    expect(await selected({ type: 'event', event: 'Order Completed', notWithinDays: 30 })).toBe(1);
    expect(await selected({ type: 'event', event: 'Order Completed', where: [{ property: 'total', op: 'gt', value: 1000 }] })).toBe(1);
    expect(await selected({ type: 'store', orgUnitId: await storeUnit(t.storeIds[0]), activity: 'purchased' })).toBe(1);
    expect(await selected({ type: 'store', orgUnitId: await storeUnit(t.storeIds[1]), activity: 'visited', withinDays: 30 })).toBe(0);
    expect(await selected({ type: 'consent', purpose: 'marketing', channel: 'sms', granted: true })).toBe(1);
    expect(await selected({ type: 'rfm', metric: 'lifetime_value', op: 'gte', value: 1000 })).toBe(1);
    expect(await selected({ type: 'or', conditions: [boughtIn30, { type: 'trait', trait: 'city', op: 'eq', value: '北京' }] })).toBe(2);
    expect(
      await selected({
        type: 'and',
        conditions: [
          { type: 'trait', trait: 'city', op: 'eq', value: '上海' },
          { type: 'not', condition: boughtIn30 },
        ],
      }),
    ).toBe(1);
    const shanghai = await t.app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin,
      payload: { name: '上海', definition: { type: 'trait', trait: 'city', op: 'eq', value: '上海' } },
    });
    expect(
      await selected({
        type: 'and',
        conditions: [
          { type: 'segment', segmentId: shanghai.json().id },
          { type: 'trait', trait: 'vip', op: 'exists' },
        ],
      }),
    ).toBe(1);
  });

  it('recomputes windowed and "ever" conditions to the same members as the estimate and the per-event evaluation', async () => {
    const store0 = await storeUnit(t.storeIds[0]);
    const definitions = [
      { type: 'event', event: 'Product Viewed', count: { op: 'gte', value: 3 }, withinDays: 7 },
      { type: 'event', event: 'Product Viewed', count: { op: 'lt', value: 3 }, withinDays: 7 },
      { type: 'event', event: 'Order Completed', notWithinDays: 30 },
      { type: 'event', event: 'Order Completed', count: { op: 'gt', value: 0 }, notWithinDays: 3 },
      { type: 'event', event: 'Order Completed', where: [{ property: 'total', op: 'gt', value: 1000 }] },
      { type: 'not', condition: { type: 'event', event: 'Product Viewed' } },
      { type: 'store', orgUnitId: store0, activity: 'purchased', withinDays: 30 },
      { type: 'or', conditions: [boughtIn30, { type: 'not', condition: { type: 'event', event: 'Order Completed', notWithinDays: 30 } }] },
    ];
    for (const definition of definitions) {
      const created = await t.app.inject({ method: 'POST', url: '/api/v1/segments', headers: admin, payload: { name: 'windows', definition } });
      const seg = created.json().id;
      await t.profiles.idle();
      const recomputed = await members(seg);
      expect(recomputed, JSON.stringify(definition)).toHaveLength(await selected(definition));
      // The per-event path (one statement for the batch) keeps them as they are.
      await t.db.orm.transaction(async (tx) => {
        const catalog = await t.profiles.rt.catalog.get(t.tenantId);
        await evaluateProfiles(tx, catalog, t.tenantId, [ids.p1, ids.p2, ids.p3], t.profiles.rt.clock.now(), 'event', 'Order Completed');
      });
      expect(await members(seg), JSON.stringify(definition)).toEqual(recomputed);
      await t.app.inject({ method: 'DELETE', url: `/api/v1/segments/${seg}`, headers: admin });
    }
  });

  it('refuses a malformed definition and a segment that refers to itself', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin,
      payload: { name: 'x', definition: { type: 'event', event: 'A', withinDays: -3 } },
    });
    expect(bad.statusCode).toBe(400);
    const a = await t.app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin,
      payload: { name: 'loop', definition: { type: 'trait', trait: 'x', op: 'exists' } },
    });
    const loop = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/segments/${a.json().id}`,
      headers: admin,
      payload: { definition: { type: 'segment', segmentId: a.json().id } },
    });
    expect(loop.statusCode).toBe(400);
  });
});

describe('live segments', () => {
  it('enters on the event, leaves exactly when the window passes, and publishes both', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin,
      payload: { name: 'Bought in 30 days', definition: boughtIn30 },
    });
    const seg = created.json().id;
    await t.profiles.idle();
    expect((await t.app.inject({ url: `/api/v1/segments/${seg}`, headers: admin })).json()).toMatchObject({ status: 'ready', memberCount: 1 });
    expect(await members(seg)).toEqual([ids.p1]);
    const [p4] = await t.send([{ userId: 's4', event: 'Order Completed', properties: { total: 20 } }]);
    expect(await members(seg)).toContain(p4); // on the event, not at a nightly job
    const timer = await t.db.pool.query<{ due_at: Date }>(`SELECT due_at FROM profile_timers WHERE kind = 'segment' AND ref_id = $1 AND profile_id = $2`, [
      seg,
      p4,
    ]);
    expect(new Date(timer.rows[0].due_at).getTime()).toBe(t.clock.t + 30 * day);
    const start = t.clock.t;
    t.clock.t = start + 30 * day - 1000;
    await t.profiles.timers.fireDue();
    expect(await members(seg)).toContain(p4);
    t.clock.t = start + 30 * day;
    await t.profiles.timers.fireDue();
    expect(await members(seg)).not.toContain(p4);
    const published = await t.db.pool.query<{ topic: string }>(
      `SELECT topic FROM outbox WHERE payload->>'segmentId' = $1 AND payload->>'profileId' = $2 ORDER BY id`,
      [seg, p4],
    );
    expect(published.rows.map((r) => r.topic)).toEqual(['segment.entered', 'segment.exited']);
    const history = await t.app.inject({ url: `/api/v1/segments/${seg}/history`, headers: admin });
    expect(
      history
        .json()
        .data.filter((h: { profileId: string }) => h.profileId === p4)
        .map((h: { kind: string; reason: string }) => `${h.kind}:${h.reason}`),
    ).toEqual(['exited:timer', 'entered:event']);
    t.clock.t = start;
  });

  it('enters trait and RFM segments on the very event that sets the trait or places the order', async () => {
    const make = async (name: string, definition: unknown) => {
      const created = await t.app.inject({ method: 'POST', url: '/api/v1/segments', headers: admin, payload: { name, definition } });
      return created.json().id as string;
    };
    const hangzhou = await make('In Hangzhou', { type: 'trait', trait: 'city', op: 'eq', value: '杭州' });
    const bigSpenders = await make('Spent 5000+', { type: 'rfm', metric: 'lifetime_value', op: 'gte', value: 5000 });
    await t.profiles.idle();
    // Each event later than the one before: of two trait values stamped alike, either may be the latest.
    const at = t.clock.t;
    const [p5] = await t.send([{ type: 'identify', userId: 's5', traits: { city: '杭州' }, at: at - 2000 }]);
    expect(await members(hangzhou)).toContain(p5);
    expect(await members(bigSpenders)).not.toContain(p5);
    await t.send([{ userId: 's5', event: 'Order Completed', properties: { total: 6000 }, at: at - 1000 }]);
    expect(await members(bigSpenders)).toContain(p5);
    await t.send([{ type: 'identify', userId: 's5', traits: { city: '南京' }, at }]);
    expect(await members(hangzhou)).not.toContain(p5);
    expect(await members(bigSpenders)).toContain(p5);
  });

  it('recomputes in the background when the definition changes, with progress, and lists and exports members', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/segments', headers: admin, payload: { name: 'Buyers', definition: boughtIn30 } });
    const seg = created.json().id;
    await t.profiles.idle();
    const changed = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/segments/${seg}`,
      headers: admin,
      payload: { definition: { ...boughtIn30, withinDays: 90 } },
    });
    expect(changed.json()).toMatchObject({ status: 'computing', version: 2 });
    await t.profiles.idle();
    const after = (await t.app.inject({ url: `/api/v1/segments/${seg}`, headers: admin })).json();
    expect(after).toMatchObject({ status: 'ready', progress: { phase: 'done' } });
    expect(await members(seg)).toContain(ids.p2);
    const page1 = await t.app.inject({ url: `/api/v1/segments/${seg}/members?limit=1`, headers: admin });
    const page2 = await t.app.inject({ url: `/api/v1/segments/${seg}/members?limit=1&cursor=${page1.json().nextCursor}`, headers: admin });
    expect([...page1.json().data, ...page2.json().data].map((m: { profileId: string }) => m.profileId)).toHaveLength(2);
    const csv = await t.app.inject({ url: `/api/v1/segments/${seg}/export`, headers: admin });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.trim().split('\n')).toHaveLength(after.memberCount + 1);
  });
});
