import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword, seedDemo } from '../../commands/seed-demo.ts';
import { createProfileTestApp, type ProfileTestApp } from './profile-test-kit.ts';

/**
 * The console's extra reads: a definition's preview (live size and sample), a segment's size per day, a person's
 * trait history and activity, and the RFM distribution — each scoped like the rest of the customer data.
 */
describe('segment preview, segment sizes and profile insights', () => {
  let t: ProfileTestApp;
  let admin: Record<string, string>;
  let manager: Record<string, string>;
  let otherAdmin: Record<string, string>;
  let mine = '';
  let foreign = '';
  let segmentId = '';
  const bought = { type: 'event', event: 'Order Completed' };

  const call = (headers: Record<string, string>, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await createProfileTestApp({ stores: 3 });
    await seedDemo(t.db, { stores: 1, slug: 'other' });
    [mine, foreign] = await t.send([
      {
        userId: 'p-mine',
        event: 'Order Completed',
        storeId: t.storeIds[0],
        properties: { revenue: 100 },
        context: { traits: { email: 'mine@example.cn', city: '上海' } },
      },
      { userId: 'p-foreign', event: 'Order Completed', storeId: t.storeIds[1], properties: { revenue: 900 } },
    ]);
    await t.send([{ userId: 'p-browser', type: 'page', channel: 'web' }]);
    t.clock.advanceDays(1);
    await t.send([{ userId: 'p-mine', type: 'identify', channel: 'web', traits: { city: '北京' } }]);
    const signIn = async (email: string, tenant: string) => {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password: demoPassword, tenant } });
      expect(res.statusCode).toBe(200);
      return { cookie: String(res.headers['set-cookie']).split(';')[0], 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken };
    };
    admin = await signIn('admin@demo.storeos.dev', 'demo');
    manager = await signIn('store.manager@demo.storeos.dev', 'demo');
    otherAdmin = await signIn('admin@demo.storeos.dev', 'other');
    const seg = await call(admin, 'POST', '/segments', { name: 'Buyers', definition: bought });
    expect(seg.statusCode, seg.body).toBe(201);
    segmentId = seg.json().id;
    await t.profiles.idle();
  }, 120_000);
  afterAll(() => t.close());

  it('previews a definition: its live size and the people it selects, newest first', async () => {
    const res = await call(admin, 'POST', '/segments/preview', { definition: bought, limit: 5 });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ count: 2, total: 3 });
    expect(body.sample.map((s: { profileId: string }) => s.profileId).sort()).toEqual([mine, foreign].sort());
    expect(body.sample[0].profileId).toBe(mine);
    expect(body.sample[0].traits.city).toBe('北京');
    const none = (await call(admin, 'POST', '/segments/preview', { definition: { type: 'trait', trait: 'city', op: 'eq', value: '广州' } })).json();
    expect(none).toMatchObject({ count: 0, sample: [] });
  });

  it('refuses a bad definition with 400 and a caller without segments:manage with 403', async () => {
    const bad = await call(admin, 'POST', '/segments/preview', { definition: { type: 'event' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid');
    const unknownSegment = await call(admin, 'POST', '/segments/preview', { definition: { type: 'segment', segmentId: 'seg_nope' } });
    expect(unknownSegment.statusCode).toBe(400);
    expect((await call(manager, 'POST', '/segments/preview', { definition: bought })).statusCode).toBe(403);
  });

  it("answers a segment's size per day from its entries and exits", async () => {
    const res = await call(admin, 'GET', `/segments/${segmentId}/sizes?days=7`);
    expect(res.statusCode, res.body).toBe(200);
    const days = res.json().data as { day: string; size: number; entered: number }[];
    expect(days).toHaveLength(7);
    expect(days[6].day).toBe(t.clock.now().toISOString().slice(0, 10));
    expect(days[6].size).toBe(2);
    expect(days.reduce((n, d) => n + d.entered, 0)).toBe(2);
    expect(days[0].size).toBe(0);
    expect((await call(admin, 'GET', `/segments/${segmentId}/sizes?days=0`)).statusCode).toBe(400);
  });

  it("shows a person's trait history, activity by channel and store, and the RFM distribution", async () => {
    const history = (await call(admin, 'GET', `/profiles/${mine}/trait-history?key=city`)).json().data as { value: string }[];
    expect(history.map((h) => h.value)).toEqual(['北京', '上海']);
    const activity = (await call(admin, 'GET', `/profiles/${mine}/activity?days=30`)).json();
    expect(activity.channels).toEqual(
      expect.arrayContaining([
        { channel: 'pos', count: 1 },
        { channel: 'web', count: 1 },
      ]),
    );
    expect(activity.stores).toHaveLength(1);
    expect(activity.stores[0]).toMatchObject({ storeId: t.storeIds[0], count: 1 });
    expect(activity.stores[0].name).toBeTruthy();
    expect(activity.daily).toHaveLength(2);
    const rfm = (await call(admin, 'GET', '/profiles/rfm-distribution')).json();
    expect(rfm).toMatchObject({ profiles: 3, buyers: 2, lifetimeValue: 1000 });
    expect(rfm.recency.reduce((a: number, b: number) => a + b, 0)).toBe(2);
  });

  it('keeps them to the people and tenant the caller may see', async () => {
    const scoped = (await call(manager, 'GET', '/profiles/rfm-distribution')).json();
    expect(scoped).toMatchObject({ profiles: 1, buyers: 1, lifetimeValue: 100 });
    for (const url of [`/profiles/${foreign}/trait-history`, `/profiles/${foreign}/activity`])
      expect((await call(manager, 'GET', url)).statusCode, url).toBe(404);
    expect((await call(manager, 'GET', `/profiles/${mine}/activity`)).statusCode).toBe(200);
    for (const url of [`/profiles/${mine}/trait-history`, `/profiles/${mine}/activity`, `/segments/${segmentId}/sizes`]) {
      const res = await call(otherAdmin, 'GET', url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('上海');
    }
    const otherRfm = (await call(otherAdmin, 'GET', '/profiles/rfm-distribution')).json();
    expect(otherRfm).toMatchObject({ profiles: 0, buyers: 0 });
    const otherPreview = (await call(otherAdmin, 'POST', '/segments/preview', { definition: bought })).json();
    expect(otherPreview).toMatchObject({ count: 0, total: 0, sample: [] });
  });
});
