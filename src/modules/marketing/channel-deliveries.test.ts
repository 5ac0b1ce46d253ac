import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sinkRecords } from './channels/sink.ts';
import { createMarketingTestApp, type MarketingTestApp } from './marketing-test-kit.ts';

/**
 * What the channels page relies on: each channel's delivery counts by state, secrets that are never shown back and
 * survive an edit, a test send to an address, and the dead-letter list with its replay — another tenant reaching none.
 */
describe('channel deliveries, test sends and dead letters', () => {
  let t: MarketingTestApp;
  let admin: Record<string, string>;
  let other: Record<string, string>;
  let server: Server;
  const answer = { status: 400 };
  let url = '';
  let webhookId = '';
  let campaignId = '';
  const call = (headers: Record<string, string>, method: 'GET' | 'POST' | 'PATCH', path: string, payload?: unknown) =>
    t.app.inject({ method, url: path, headers, ...(payload ? { payload } : {}) });
  const channel = async (id: string) =>
    (await call(admin, 'GET', '/api/v1/marketing/channels')).json().data.find((c: { id: string }) => c.id === id);

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(answer.status, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    t = await createMarketingTestApp({ stores: 2 });
    admin = await t.signIn('admin@demo.storeos.dev', 'demo');
    other = await t.signIn('admin@demo.storeos.dev', 'other');
    const people = await t.people([
      { phone: '+8613800000001', storeIndex: 0, consents: ['marketing:*'] },
      { phone: '+8613800000002', storeIndex: 1, consents: ['marketing:*'] },
    ]);
    const segmentId = await t.segment('Everyone', people);
    const hook = await call(admin, 'POST', '/api/v1/marketing/channels', { name: 'App webhook', kind: 'webhook', settings: { url, consentChannel: 'sms' } });
    webhookId = hook.json().id;
    const templateId = (await call(admin, 'POST', '/api/v1/marketing/templates', { name: 'Hi', body: '你好 {{ traits.name | default: "朋友" }}' })).json().id;
    const res = await call(admin, 'POST', '/api/v1/marketing/campaigns', {
      name: 'Refused by the provider',
      channelId: webhookId,
      includeSegments: [segmentId],
      variants: [{ key: 'A', templateId, weight: 1 }],
      schedule: { kind: 'now' },
      // No quiet hours: the counts are of the last days by the real clock, so this campaign sends by it.
      quietStart: '00:00',
      quietEnd: '00:00',
    });
    campaignId = res.json().id;
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('lists a refused send as a dead letter and counts it failed', async () => {
    expect((await call(admin, 'POST', `/api/v1/marketing/campaigns/${campaignId}/launch`)).statusCode).toBe(200);
    await t.marketing.tick();
    expect((await channel(webhookId)).deliveries).toEqual({ sent: 0, delivered: 0, failed: 2, bounced: 0 });
    const dead = await call(admin, 'GET', `/api/v1/marketing/channels/${webhookId}/dead-letters`);
    expect(dead.statusCode, dead.body).toBe(200);
    expect(dead.json().data).toHaveLength(2);
    expect(dead.json().data[0]).toMatchObject({ campaignId, campaignName: 'Refused by the provider', attempts: 1 });
    expect(dead.json().data[0].error).toContain('400');
    const campaign = await call(admin, 'GET', `/api/v1/marketing/campaigns/${campaignId}`);
    expect(campaign.json().status).toBe('completed');
  });

  it('replays dead letters once the provider is fixed: sent, and the campaign completes again', async () => {
    answer.status = 200;
    const dead = (await call(admin, 'GET', `/api/v1/marketing/channels/${webhookId}/dead-letters`)).json().data;
    const one = await call(admin, 'POST', `/api/v1/marketing/channels/${webhookId}/replay`, { messageIds: [dead[0].id] });
    expect(one.json()).toEqual({ requeued: 1 });
    expect((await call(admin, 'GET', `/api/v1/marketing/campaigns/${campaignId}`)).json().status).toBe('sending');
    await t.marketing.tick();
    expect((await channel(webhookId)).deliveries).toMatchObject({ sent: 1, failed: 1 });
    expect((await call(admin, 'POST', `/api/v1/marketing/channels/${webhookId}/replay`)).json()).toEqual({ requeued: 1 });
    await t.marketing.tick();
    expect((await channel(webhookId)).deliveries).toMatchObject({ sent: 2, failed: 0 });
    expect((await call(admin, 'GET', `/api/v1/marketing/channels/${webhookId}/dead-letters`)).json().data).toEqual([]);
    expect((await call(admin, 'GET', `/api/v1/marketing/campaigns/${campaignId}`)).json().status).toBe('completed');
  });

  it('never shows a secret back, and keeps it when the shown settings are saved again', async () => {
    const sms = await call(admin, 'POST', '/api/v1/marketing/channels', {
      name: 'SMS',
      kind: 'sms',
      settings: { url, apiKey: 'key-very-secret', sender: 'StoreOS' },
    });
    expect(sms.statusCode, sms.body).toBe(201);
    const id = sms.json().id;
    const shown = (await call(admin, 'GET', `/api/v1/marketing/channels/${id}`)).json();
    expect(JSON.stringify(shown)).not.toContain('key-very-secret');
    const edited = await call(admin, 'PATCH', `/api/v1/marketing/channels/${id}`, { settings: { ...shown.settings, sender: 'Shop' } });
    expect(edited.statusCode, edited.body).toBe(200);
    const stored = await t.db.pool.query('SELECT settings FROM marketing_channels WHERE id = $1', [id]);
    expect(stored.rows[0].settings).toMatchObject({ apiKey: 'key-very-secret', sender: 'Shop' });
    await call(admin, 'PATCH', `/api/v1/marketing/channels/${id}`, { settings: { url, apiKey: 'key-new' } });
    expect((await t.db.pool.query('SELECT settings FROM marketing_channels WHERE id = $1', [id])).rows[0].settings.apiKey).toBe('key-new');
  });

  it('test-sends one message to an address through the channel', async () => {
    const sink = (await call(admin, 'POST', '/api/v1/marketing/channels', { name: 'Sink', kind: 'sink' })).json().id;
    const res = await call(admin, 'POST', `/api/v1/marketing/channels/${sink}/test-send`, { to: '+8613900000000', body: '测试消息' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, error: null });
    expect(sinkRecords(sink).messages.at(-1)).toMatchObject({ to: '+8613900000000', body: '测试消息' });
  });

  it('lets another tenant reach none of it', async () => {
    expect((await call(other, 'GET', `/api/v1/marketing/channels/${webhookId}/dead-letters`)).statusCode).toBe(404);
    const replay = await call(other, 'POST', `/api/v1/marketing/channels/${webhookId}/replay`);
    expect(replay.statusCode, replay.body).toBe(404);
    expect((await call(other, 'POST', `/api/v1/marketing/channels/${webhookId}/test-send`, { to: '+8613900000000', body: 'x' })).statusCode).toBe(404);
    expect((await call(other, 'GET', '/api/v1/marketing/channels')).json().data).toEqual([]);
  });
});
