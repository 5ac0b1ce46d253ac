import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword, seedDemo } from '../../commands/seed-demo.ts';
import { createProfileTestApp, type ProfileTestApp } from './profile-test-kit.ts';

/**
 * Profiles, segments, computed traits and customer settings are scoped like everything else: a store manager
 * sees only people with activity at their store, another tenant sees nothing, and what is outside answers 404.
 */
describe('customer data is scoped by tenant and by store activity', () => {
  let t: ProfileTestApp;
  let manager: Record<string, string>;
  let admin: Record<string, string>;
  let otherAdmin: Record<string, string>;
  let mine = '';
  let foreign = '';
  let segmentId = '';

  const signIn = async (email: string, tenant: string) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password: demoPassword, tenant } });
    expect(res.statusCode).toBe(200);
    return { cookie: String(res.headers['set-cookie']).split(';')[0], 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken };
  };
  const get = (headers: Record<string, string>, url: string) => t.app.inject({ url, headers });

  beforeAll(async () => {
    t = await createProfileTestApp({ stores: 3 });
    await seedDemo(t.db, { stores: 1, slug: 'other' });
    [mine, foreign] = await t.send([
      { userId: 'person-mine', event: 'Order Completed', storeId: t.storeIds[0], properties: { revenue: 100 } },
      { userId: 'person-foreign', event: 'Order Completed', storeId: t.storeIds[1], properties: { revenue: 200 } },
    ]);
    manager = await signIn('store.manager@demo.storeos.dev', 'demo');
    admin = await signIn('admin@demo.storeos.dev', 'demo');
    otherAdmin = await signIn('admin@demo.storeos.dev', 'other');
    const seg = await t.app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin,
      payload: { name: 'Bought anything', definition: { type: 'event', event: 'Order Completed' } },
    });
    expect(seg.statusCode).toBe(201);
    segmentId = seg.json().id;
  }, 120_000);
  afterAll(() => t.close());

  it('shows a store manager the people of their store, and no one else', async () => {
    expect((await get(manager, `/api/v1/profiles/${mine}`)).statusCode).toBe(200);
    for (const url of [
      `/api/v1/profiles/${foreign}`,
      `/api/v1/profiles/${foreign}/events`,
      `/api/v1/profiles/${foreign}/identity-history`,
      `/api/v1/profiles/${foreign}/consents`,
      '/api/v1/profiles/lookup?type=user_id&value=person-foreign',
    ]) {
      const res = await get(manager, url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('Order Completed');
    }
    const search = await get(manager, '/api/v1/profiles/search?q=person');
    expect(search.body).not.toContain(foreign);
  });

  it('answers another tenant 404 for every profile, segment and computed trait of ours', async () => {
    for (const url of [
      `/api/v1/profiles/${mine}`,
      `/api/v1/profiles/${mine}/events`,
      `/api/v1/profiles/${mine}/identity-history`,
      `/api/v1/profiles/${mine}/consents`,
      '/api/v1/profiles/lookup?type=user_id&value=person-mine',
      `/api/v1/segments/${segmentId}`,
      `/api/v1/segments/${segmentId}/members`,
      `/api/v1/segments/${segmentId}/history`,
      `/api/v1/segments/${segmentId}/export`,
    ]) {
      const res = await get(otherAdmin, url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('Order Completed');
    }
    const segments = await get(otherAdmin, '/api/v1/segments');
    expect(segments.body).not.toContain(segmentId);
    const merge = await t.app.inject({ method: 'POST', url: `/api/v1/profiles/${mine}/merge`, headers: otherAdmin, payload: { otherProfileId: foreign } });
    expect(merge.statusCode).toBe(404);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/segments/${segmentId}`, headers: otherAdmin });
    expect(del.statusCode).toBe(404);
    expect((await get(admin, `/api/v1/segments/${segmentId}`)).statusCode).toBe(200);
  });

  it('keeps changes to segments, computed traits and identity settings to those allowed', async () => {
    const seg = await t.app.inject({ method: 'DELETE', url: `/api/v1/segments/${segmentId}`, headers: manager });
    expect([403, 404]).toContain(seg.statusCode);
    const trait = await t.app.inject({ method: 'POST', url: '/api/v1/computed-traits', headers: manager, payload: {} });
    expect([400, 403]).toContain(trait.statusCode);
    const settings = await t.app.inject({ method: 'PUT', url: '/api/v1/customer-settings', headers: manager, payload: {} });
    expect([400, 403]).toContain(settings.statusCode);
    expect((await get(admin, `/api/v1/segments/${segmentId}`)).statusCode).toBe(200);
  });
});
