import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMarketingTestApp, isolationCallers, type MarketingTestApp } from './marketing-test-kit.ts';

/**
 * Marketing is scoped like everything else: a marketer granted on one store runs campaigns that reach only that store's
 * people and sees nothing of HQ's campaigns or of other people; another tenant sees nothing at all (404); roles
 * without marketing permissions are refused (403). Walks every /api/v1/marketing route.
 */
describe('marketing data is scoped by tenant and by org subtree', () => {
  let t: MarketingTestApp;
  let admin: Record<string, string>;
  let local: Record<string, string>;
  let other: Record<string, string>;
  let manager: Record<string, string>;
  let hqCampaign = '';
  let templateId = '';
  let channelId = '';
  let mine = '';
  let foreign = '';
  let segmentId = '';

  const call = (headers: Record<string, string>, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await createMarketingTestApp({ stores: 3 });
    ({ admin, local, other, manager } = await isolationCallers(t));
    [mine, foreign] = await t.people([
      { phone: '+8613800000001', email: 'li.na@example.com', storeIndex: 0, consents: ['marketing:*', 'advertising:ads'] },
      { phone: '+8613800000002', storeIndex: 1, consents: ['marketing:*', 'advertising:*'] },
    ]);
    segmentId = await t.segment('Everyone', [mine, foreign]);
    channelId = (await call(admin, 'POST', '/api/v1/marketing/channels', { name: 'Sink', kind: 'sink' })).json().id;
    templateId = (await call(admin, 'POST', '/api/v1/marketing/templates', { name: 'Hi', body: 'Hi {{ traits.name | default: "there" }}' })).json().id;
    const res = await call(admin, 'POST', '/api/v1/marketing/campaigns', {
      name: 'HQ',
      channelId,
      includeSegments: [segmentId],
      variants: [{ key: 'A', templateId, weight: 1 }],
      schedule: { kind: 'now' },
    });
    expect(res.statusCode, res.body).toBe(201);
    hqCampaign = res.json().id;
  }, 120_000);
  afterAll(() => t.close());

  it('shows another tenant nothing, and lets it change nothing', async () => {
    for (const url of [
      `/api/v1/marketing/campaigns/${hqCampaign}`,
      `/api/v1/marketing/campaigns/${hqCampaign}/audience`,
      `/api/v1/marketing/campaigns/${hqCampaign}/results`,
      `/api/v1/marketing/templates/${templateId}`,
      `/api/v1/marketing/channels/${channelId}`,
      `/api/v1/marketing/channels/${channelId}/sink`,
      `/api/v1/marketing/channels/${channelId}/dead-letters`,
      `/api/v1/marketing/profiles/${mine}/messages`,
    ]) {
      expect((await call(other, 'GET', url)).statusCode, url).toBe(404);
    }
    for (const action of ['launch', 'pause', 'resume', 'cancel', 'replay-failed']) {
      expect((await call(other, 'POST', `/api/v1/marketing/campaigns/${hqCampaign}/${action}`)).statusCode, action).toBe(404);
    }
    expect((await call(other, 'PATCH', `/api/v1/marketing/campaigns/${hqCampaign}`, { name: 'x' })).statusCode).toBe(404);
    expect((await call(other, 'PATCH', `/api/v1/marketing/templates/${templateId}`, { name: 'x' })).statusCode).toBe(404);
    expect((await call(other, 'PATCH', `/api/v1/marketing/channels/${channelId}`, { name: 'x' })).statusCode).toBe(404);
    expect((await call(other, 'POST', `/api/v1/marketing/channels/${channelId}/replay`)).statusCode).toBe(404);
    expect((await call(other, 'POST', `/api/v1/marketing/channels/${channelId}/test-send`, { to: '+8613900000000', body: 'x' })).statusCode).toBe(404);
    expect((await call(other, 'POST', `/api/v1/marketing/campaigns/${hqCampaign}/test-send`, { profileId: mine })).statusCode).toBe(404);
    expect((await call(other, 'POST', '/api/v1/marketing/templates/preview', { templateId, profileId: mine })).statusCode).toBe(404);
    for (const url of ['/api/v1/marketing/campaigns', '/api/v1/marketing/templates', '/api/v1/marketing/channels', '/api/v1/marketing/ad-audiences']) {
      expect((await call(other, 'GET', url)).json().data, url).toEqual([]);
    }
    const attr = (await call(other, 'GET', '/api/v1/marketing/attribution?from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z')).json();
    expect(attr.byCampaign).toEqual([]);
    expect((await call(admin, 'GET', `/api/v1/marketing/campaigns/${hqCampaign}`)).json().name).toBe('HQ');
  });

  it('keeps a store marketer to their store: their campaigns reach only its people, HQ campaigns are not theirs', async () => {
    expect((await call(local, 'GET', `/api/v1/marketing/campaigns/${hqCampaign}`)).statusCode).toBe(404);
    expect((await call(local, 'POST', `/api/v1/marketing/campaigns/${hqCampaign}/launch`)).statusCode).toBe(404);
    expect((await call(local, 'GET', '/api/v1/marketing/campaigns')).json().data).toEqual([]);
    const hqAudience = await call(admin, 'POST', '/api/v1/marketing/ad-audiences', { segmentId, formats: ['google'] });
    expect(hqAudience.statusCode, hqAudience.body).toBe(201);
    expect((await call(local, 'GET', '/api/v1/marketing/ad-audiences')).json().data).toEqual([]);
    expect((await call(local, 'POST', `/api/v1/marketing/ad-audiences/${hqAudience.json().id}/refresh`)).statusCode).toBe(404);
    expect((await call(local, 'GET', `/api/v1/marketing/profiles/${foreign}/messages`)).statusCode).toBe(404);
    expect((await call(local, 'POST', '/api/v1/marketing/templates/preview', { templateId, profileId: foreign })).statusCode).toBe(404);
    expect((await call(local, 'POST', '/api/v1/marketing/templates/preview', { templateId, profileId: mine })).statusCode).toBe(200);
    const res = await call(local, 'POST', '/api/v1/marketing/campaigns', {
      name: 'Store only',
      channelId,
      includeSegments: [segmentId],
      variants: [{ key: 'A', templateId, weight: 1 }],
      schedule: { kind: 'now' },
      // No quiet hours: the message goes out whatever the time of day the test runs at.
      quietStart: '00:00',
      quietEnd: '00:00',
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    expect((await call(local, 'GET', `/api/v1/marketing/campaigns/${id}/audience`)).json()).toMatchObject({ audience: 1, reachable: 1 });
    expect((await call(local, 'POST', `/api/v1/marketing/campaigns/${id}/test-send`, { profileId: foreign })).statusCode).toBe(404);
    expect((await call(local, 'POST', `/api/v1/marketing/campaigns/${id}/launch`)).statusCode).toBe(200);
    await t.marketing.tick();
    const sent = await t.db.pool.query<{ profile_id: string }>('SELECT profile_id FROM marketing_messages WHERE campaign_id = $1', [id]);
    expect(sent.rows.map((r) => r.profile_id)).toEqual([mine]);
    // A marketer configures no channels (provider credentials are HQ's).
    expect((await call(local, 'POST', '/api/v1/marketing/channels', { name: 'Mine', kind: 'sink' })).statusCode).toBe(403);
    expect((await call(admin, 'GET', `/api/v1/marketing/campaigns/${id}`)).statusCode).toBe(200);
  });

  it('exports a segment as hashed ad audiences: consented people only, in scope only', async () => {
    const sha = (v: string) => createHash('sha256').update(v).digest('hex');
    const google = await call(admin, 'GET', `/api/v1/marketing/audiences/${segmentId}/export?format=google`);
    expect(google.statusCode, google.body).toBe(200);
    expect(google.body.trim().split('\n')).toEqual(
      expect.arrayContaining(['Email,Phone', `${sha('li.na@example.com')},${sha('+8613800000001')}`, `,${sha('+8613800000002')}`]),
    );
    expect(google.body).not.toContain('li.na@example.com');
    const meta = await call(admin, 'GET', `/api/v1/marketing/audiences/${segmentId}/export?format=meta`);
    expect(meta.body).toContain(sha('8613800000001'));
    await t.db.pool.query(`UPDATE consents SET granted = false WHERE profile_id = $1 AND purpose = 'advertising'`, [foreign]);
    const after = await call(admin, 'GET', `/api/v1/marketing/audiences/${segmentId}/export?format=tiktok`);
    expect(after.body.trim().split('\n')).toEqual(['email_sha256,phone_sha256', `${sha('li.na@example.com')},${sha('+8613800000001')}`]);
    await t.db.pool.query(`UPDATE consents SET granted = true WHERE profile_id = $1 AND purpose = 'advertising'`, [foreign]);
    const scoped = await call(local, 'GET', `/api/v1/marketing/audiences/${segmentId}/export`);
    expect(scoped.body).not.toContain(sha('+8613800000002'));
    expect((await call(other, 'GET', `/api/v1/marketing/audiences/${segmentId}/export`)).statusCode).toBe(404);
  });

  it('refuses roles without marketing permissions', async () => {
    expect((await call(manager, 'GET', '/api/v1/marketing/campaigns')).statusCode).toBe(403);
    expect((await call(manager, 'POST', '/api/v1/marketing/templates', { name: 'x', body: 'y' })).statusCode).toBe(403);
  });
});
