import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJourneys, type Journeys } from './journey-module.ts';
import { createMarketingTestApp, isolationCallers, type MarketingTestApp } from './marketing-test-kit.ts';

/**
 * Journeys are scoped like campaigns: a marketer granted on one store sees neither HQ's journeys nor their people, and
 * their own journeys enroll only that store's people; another tenant sees nothing (404); roles without marketing
 * permissions are refused (403). Walks every /api/v1/journeys route.
 */
describe('journeys are scoped by tenant and by org subtree', () => {
  let t: MarketingTestApp;
  let journeys: Journeys;
  let admin: Record<string, string>;
  let local: Record<string, string>;
  let other: Record<string, string>;
  let manager: Record<string, string>;
  let hqJourney = '';
  let mine = '';
  let foreign = '';
  let enrollment = '';

  const call = (headers: Record<string, string>, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const definition = { trigger: { kind: 'event', event: 'Product Viewed' }, steps: [{ id: 'mark', type: 'set_trait', trait: 'seen', value: true }] };
  const view = (profileId: string, messageId: string) => ({
    tenantId: t.tenantId,
    profileId,
    messageId,
    type: 'track',
    event: 'Product Viewed',
    properties: {},
    timestamp: new Date(),
  });

  beforeAll(async () => {
    t = await createMarketingTestApp({
      stores: 3,
      journeys: (deps, publicUrl) => {
        journeys = createJourneys(deps, { publicUrl });
        return journeys;
      },
    });
    ({ admin, local, other, manager } = await isolationCallers(t));
    [mine, foreign] = await t.people([
      { storeIndex: 0, consents: ['marketing:*'] },
      { storeIndex: 1, consents: ['marketing:*'] },
    ]);
    const res = await call(admin, 'POST', '/api/v1/journeys', { name: 'HQ', ...definition });
    expect(res.statusCode, res.body).toBe(201);
    hqJourney = res.json().id;
    expect((await call(admin, 'POST', `/api/v1/journeys/${hqJourney}/activate`)).statusCode).toBe(200);
    journeys.onEvents([view(mine, 'iso-1'), view(foreign, 'iso-2')]);
    await journeys.idle();
    enrollment = (await call(admin, 'GET', `/api/v1/journeys/${hqJourney}/enrollments`)).json().data[0].id;
  }, 120_000);
  afterAll(async () => {
    await journeys?.stop();
    await t?.close();
  });

  it('shows another tenant nothing, and lets it change nothing', async () => {
    for (const url of [
      `/api/v1/journeys/${hqJourney}`,
      `/api/v1/journeys/${hqJourney}/counts`,
      `/api/v1/journeys/${hqJourney}/enrollments`,
      `/api/v1/journeys/enrollments/${enrollment}`,
      `/api/v1/journeys/profiles/${mine}/enrollments`,
    ]) {
      expect((await call(other, 'GET', url)).statusCode, url).toBe(404);
    }
    for (const action of ['activate', 'pause', 'archive']) {
      expect((await call(other, 'POST', `/api/v1/journeys/${hqJourney}/${action}`)).statusCode, action).toBe(404);
    }
    expect((await call(other, 'PATCH', `/api/v1/journeys/${hqJourney}`, { name: 'x' })).statusCode).toBe(404);
    expect((await call(other, 'GET', '/api/v1/journeys')).json().data).toEqual([]);
    expect((await call(admin, 'GET', `/api/v1/journeys/${hqJourney}/enrollments`)).json().data).toHaveLength(2);
  });

  it("keeps a store marketer to their store: HQ's journeys and other stores' people are not theirs, their own reach only their store", async () => {
    for (const url of [
      `/api/v1/journeys/${hqJourney}`,
      `/api/v1/journeys/${hqJourney}/counts`,
      `/api/v1/journeys/${hqJourney}/enrollments`,
      `/api/v1/journeys/enrollments/${enrollment}`,
      `/api/v1/journeys/profiles/${foreign}/enrollments`,
    ]) {
      expect((await call(local, 'GET', url)).statusCode, url).toBe(404);
    }
    expect((await call(local, 'POST', `/api/v1/journeys/${hqJourney}/pause`)).statusCode).toBe(404);
    expect((await call(local, 'GET', '/api/v1/journeys')).json().data).toEqual([]);
    // Their view of their own person leaves out HQ's journey.
    expect((await call(local, 'GET', `/api/v1/journeys/profiles/${mine}/enrollments`)).json().data).toEqual([]);
    const res = await call(local, 'POST', '/api/v1/journeys', { name: 'Store only', ...definition });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    expect((await call(local, 'POST', `/api/v1/journeys/${id}/activate`)).statusCode).toBe(200);
    journeys.onEvents([view(mine, 'iso-3'), view(foreign, 'iso-4')]);
    await journeys.idle();
    const people = (await call(local, 'GET', `/api/v1/journeys/${id}/enrollments`)).json().data;
    expect(people.map((p: { profileId: string }) => p.profileId)).toEqual([mine]);
    expect((await call(local, 'GET', `/api/v1/journeys/profiles/${mine}/enrollments`)).json().data).toHaveLength(1);
    expect((await call(admin, 'GET', `/api/v1/journeys/${id}`)).statusCode).toBe(200);
  });

  it('refuses roles without marketing permissions', async () => {
    expect((await call(manager, 'GET', '/api/v1/journeys')).statusCode).toBe(403);
    expect((await call(manager, 'POST', '/api/v1/journeys', { name: 'x', ...definition })).statusCode).toBe(403);
    expect((await call(manager, 'GET', `/api/v1/journeys/${hqJourney}`)).statusCode).toBe(403);
  });
});
