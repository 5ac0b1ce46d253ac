import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProfileTestApp, type ProfileTestApp } from './profile-test-kit.ts';

let t: ProfileTestApp;
let admin: Record<string, string>;
const day = 86_400_000;

beforeAll(async () => {
  t = await createProfileTestApp();
  admin = await t.signIn('admin@demo.storeos.dev');
});
afterAll(() => t.close());

const profile = async (id: string) => (await t.app.inject({ url: `/api/v1/profiles/${id}`, headers: admin })).json();

describe('profiles', () => {
  it('keeps the trait of the latest event by timestamp: an older event arriving late does not overwrite it', async () => {
    const base = t.clock.t - day;
    const [id] = await t.send([{ type: 'identify', userId: 'trait-1', traits: { name: '王芳', tier: 'gold' }, at: base }]);
    await t.send([{ type: 'identify', userId: 'trait-1', traits: { name: '王芳芳' }, at: base + 2 * 3_600_000 }]);
    await t.send([{ type: 'identify', userId: 'trait-1', traits: { name: '旧名字', tier: 'silver' }, at: base + 3_600_000 }]);
    const p = await profile(id);
    expect(p.traits).toMatchObject({ name: '王芳芳', tier: 'silver' });
    const history = await t.db.pool.query(`SELECT value FROM profile_trait_history WHERE profile_id = $1 AND key = 'name' ORDER BY at`, [id]);
    expect(history.rows.map((r) => r.value)).toEqual(['王芳', '旧名字', '王芳芳']);
  });

  it('puts every channel and store on one timeline, newest first, and picks the preferred store', async () => {
    const [a, b] = t.storeIds;
    const ids = await t.send([
      { userId: 'tl-1', channel: 'web', type: 'page', event: 'Home', at: t.clock.t - 3 * day },
      { userId: 'tl-1', channel: 'pos', event: 'Order Completed', storeId: b, properties: { total: 10 }, at: t.clock.t - 2 * day },
      { userId: 'tl-1', channel: 'wifi', event: 'Store Visited', storeId: a, at: t.clock.t - 1 * day },
      { userId: 'tl-1', channel: 'wifi', event: 'Store Visited', storeId: a, at: t.clock.t - 1 * day + 1000 },
    ]);
    const first = await t.app.inject({ url: `/api/v1/profiles/${ids[0]}/events?limit=3`, headers: admin });
    expect(first.json().data.map((e: { channel: string }) => e.channel)).toEqual(['wifi', 'wifi', 'pos']);
    const next = await t.app.inject({ url: `/api/v1/profiles/${ids[0]}/events?limit=3&cursor=${first.json().nextCursor}`, headers: admin });
    expect(next.json().data.map((e: { channel: string }) => e.channel)).toEqual(['web']);
    expect((await profile(ids[0])).preferredStoreId).toBe(b); // a purchase outweighs visits
  });

  it('computes each kind of computed trait over its window, on every event, and exactly when an event leaves the window', async () => {
    const now = t.clock.t;
    const order = (at: number, total: number, category: string) => ({ userId: 'ct-1', event: 'Order Completed', properties: { total, category }, at });
    const [id] = await t.send([
      order(now - 40 * day, 500, 'tv'),
      order(now - 20 * day, 100, 'fridge'),
      order(now - 10 * day, 300, 'fridge'),
      order(now - 5 * day, 50, 'phone'),
    ]);
    const kinds: [string, string, string | undefined][] = [
      ['orders_30d', 'count', undefined],
      ['spend_30d', 'sum', 'total'],
      ['smallest_30d', 'min', 'total'],
      ['largest_30d', 'max', 'total'],
      ['average_30d', 'avg', 'total'],
      ['first_total_30d', 'first', 'total'],
      ['last_total_30d', 'last', 'total'],
      ['top_category_30d', 'most_frequent', 'category'],
      ['categories_30d', 'unique', 'category'],
    ];
    for (const [key, kind, property] of kinds) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/computed-traits',
        headers: admin,
        payload: { key, name: key, definition: { kind, event: 'Order Completed', ...(property ? { property } : {}), windowDays: 30 } },
      });
      expect(res.statusCode).toBe(201);
    }
    await t.profiles.idle();
    expect((await profile(id)).computedTraits).toEqual({
      orders_30d: 3,
      spend_30d: 450,
      smallest_30d: 50,
      largest_30d: 300,
      average_30d: 150,
      first_total_30d: 100,
      last_total_30d: 50,
      top_category_30d: 'fridge',
      categories_30d: ['fridge', 'phone'],
    });
    await t.send([order(now, 10, 'tv')]);
    expect((await profile(id)).computedTraits).toMatchObject({
      orders_30d: 4,
      spend_30d: 460,
      smallest_30d: 10,
      last_total_30d: 10,
      categories_30d: ['fridge', 'phone', 'tv'],
    });
    t.clock.advanceDays(11); // the order of 20 days ago is now 31 days old
    await t.profiles.timers.fireDue();
    expect((await profile(id)).computedTraits).toMatchObject({ orders_30d: 3, spend_30d: 360, first_total_30d: 300, average_30d: 120 });
    t.clock.t = now;
  });

  it('scores RFM from orders online and in store, and keeps lifetime value', async () => {
    const now = t.clock.t;
    const [id] = await t.send([
      { userId: 'rfm-1', channel: 'web', event: 'Order Completed', properties: { total: 500 }, at: now - 100 * day },
      { userId: 'rfm-1', channel: 'pos', storeId: t.storeIds[0], event: 'Order Completed', properties: { revenue: '1500' }, at: now - 10 * day },
    ]);
    const p = await profile(id);
    expect(p.rfm).toMatchObject({
      recency: 5,
      frequency: 2,
      monetary: 3,
      score: '523',
      ordersInWindow: 2,
      revenueInWindow: 2000,
      lifetimeValue: 2000,
      lifetimeOrders: 2,
    });
    const job = t.profiles.jobs.find((j) => j.name === 'customer-rfm-boundaries');
    await job?.run();
    const settings = await t.app.inject({ url: '/api/v1/customer-settings', headers: admin });
    expect(settings.json().boundaries.monetary).toHaveLength(4);
  });
});
