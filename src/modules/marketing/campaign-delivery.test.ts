import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SinkAdapter, sinkRecords } from './channels/sink.ts';
import { createMarketingTestApp, type MarketingTestApp } from './marketing-test-kit.ts';

/**
 * The send loop's promises under faults: a batch that dies mid-hand-over is counted as nothing and sent again under
 * the same message ids (the provider's idempotency key), and an audience that changes while a run is out neither
 * double-sends nor skips anyone planned.
 */
describe('campaign delivery under faults', () => {
  let t: MarketingTestApp;
  let admin: Record<string, string>;
  let channelId = '';
  let templateId = '';
  let people: string[] = [];
  const call = (method: 'GET' | 'POST', url: string, payload?: unknown) => t.app.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) });
  const rows = async (campaignId: string) =>
    (await t.db.pool.query<{ id: string; profile_id: string; status: string }>('SELECT id, profile_id, status FROM marketing_messages WHERE campaign_id = $1', [campaignId]))
      .rows;
  /** People planned for a campaign's run and not sent yet (in its run slices). */
  const unsent = async (campaignId: string) =>
    (await t.db.pool.query<{ p: string }>('SELECT p FROM campaign_run_slices, unnest(profile_ids) AS p WHERE campaign_id = $1', [campaignId])).rows
      .map((r) => r.p)
      .sort();
  const campaign = async (name: string, segmentId: string, extra: Record<string, unknown> = {}) => {
    const res = await call('POST', '/api/v1/marketing/campaigns', {
      name,
      channelId,
      includeSegments: [segmentId],
      variants: [{ key: 'A', templateId, weight: 1 }],
      schedule: { kind: 'now' },
      ...extra,
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    expect((await call('POST', `/api/v1/marketing/campaigns/${id}/launch`)).statusCode).toBe(200);
    return id;
  };

  beforeAll(async () => {
    t = await createMarketingTestApp({ stores: 2 });
    admin = await t.signIn('admin@demo.storeos.dev', 'demo');
    people = await t.people(Array.from({ length: 6 }, (_, i) => ({ phone: `+861380000000${i}`, storeIndex: 0, consents: ['marketing:*'] })));
    channelId = (await call('POST', '/api/v1/marketing/channels', { name: 'Sink', kind: 'sink', settings: { consentChannel: 'sms' } })).json().id;
    templateId = (await call('POST', '/api/v1/marketing/templates', { name: 'Hi', body: '你好 https://shop.example.com/a' })).json().id;
  }, 120_000);
  afterAll(() => t.close());

  it('counts nothing from a batch that died mid-hand-over, and hands the same message ids over again', async () => {
    const id = await campaign('Crash', await t.segment('Crash', people.slice(0, 5)), { quietStart: '00:00', quietEnd: '00:00' });
    const send = SinkAdapter.prototype.send;
    let calls = 0;
    SinkAdapter.prototype.send = async function (this: SinkAdapter, m) {
      if (++calls === 3) throw new Error('node lost mid-batch');
      return send.call(this, m);
    };
    try {
      await expect(t.marketing.tick()).rejects.toThrow('node lost mid-batch');
    } finally {
      SinkAdapter.prototype.send = send;
    }
    const handedBefore = sinkRecords(channelId).messages.filter((m) => m.campaignId === id);
    expect(handedBefore.length).toBeGreaterThan(0);
    // Rolled back: nobody is counted sent, everyone is still to send.
    expect(await rows(id)).toEqual([]);
    expect(await unsent(id)).toEqual(people.slice(0, 5).sort());
    await t.marketing.tick();
    const after = await rows(id);
    expect(after.map((r) => r.status)).toEqual(Array(5).fill('sent'));
    const ids = new Set(after.map((r) => r.id));
    // What went out before the crash went out again under the same id: a provider honouring it sends it once.
    for (const m of handedBefore) expect(ids.has(m.id)).toBe(true);
    await t.marketing.tick();
    expect((await rows(id)).filter((r) => r.status === 'sent')).toHaveLength(5);
  });

  it('neither double-sends nor skips when the audience changes while a run is out', async () => {
    const segmentId = await t.segment('Moving', people.slice(0, 3));
    // 23:00 in Shanghai: everyone is planned, and waits for the end of the quiet hours.
    const late = new Date('2026-03-03T15:00:00Z');
    const id = await campaign('Moving audience', segmentId, { quietStart: '21:00', quietEnd: '08:00' });
    await t.db.pool.query('UPDATE campaigns SET next_run_at = $2 WHERE id = $1', [id, late]);
    await t.marketing.tick(late);
    expect(await unsent(id)).toEqual(people.slice(0, 3).sort());
    // Person 0 leaves and person 5 joins while the run is out.
    await t.db.pool.query('DELETE FROM segment_members WHERE segment_id = $1 AND profile_id = $2', [segmentId, people[0]]);
    await t.db.pool.query('INSERT INTO segment_members (segment_id, profile_id, tenant_id, entered_at) VALUES ($1, $2, $3, now())', [
      segmentId,
      people[5],
      t.tenantId,
    ]);
    const morning = new Date('2026-03-04T00:00:01Z');
    await t.marketing.tick(morning);
    await t.marketing.tick(new Date(morning.getTime() + 60_000));
    const after = await rows(id);
    // The run's audience is the one planned at its start: each of them exactly once, nobody else.
    expect(after.map((r) => r.profile_id).sort()).toEqual(people.slice(0, 3).sort());
    expect(after.every((r) => r.status === 'sent')).toBe(true);
    expect(await unsent(id)).toEqual([]);
    expect(sinkRecords(channelId).messages.filter((m) => m.campaignId === id)).toHaveLength(3);
  });
});
