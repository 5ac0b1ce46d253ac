import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sinkRecords } from './channels/sink.ts';
import { createMarketingTestApp, type MarketingTestApp } from './marketing-test-kit.ts';

/**
 * A campaign end to end on the demo chain: a template checked when saved, an audience of segments in and out, consent
 * and frequency caps read at send time, a holdout never sent, each person's quiet hours, exactly one message per person
 * under retries, tracked clicks, delivery reports, conversions at a store's POS, lift and attribution.
 */
describe('campaigns on live segments', () => {
  let t: MarketingTestApp;
  let admin: Record<string, string>;
  let channelId = '';
  let channelSecret = '';
  let templateId = '';
  let people: string[] = [];
  let crowd: string[] = [];
  let segmentId = '';
  let excludedSegment = '';
  const now = new Date('2026-03-02T03:00:00Z'); // 11:00 in Shanghai: outside the quiet hours
  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) });

  const campaign = async (name: string, extra: Record<string, unknown> = {}) => {
    const res = await api('POST', '/api/v1/marketing/campaigns', {
      name,
      channelId,
      includeSegments: [segmentId],
      excludeSegments: [excludedSegment],
      variants: [{ key: 'A', templateId, weight: 1 }],
      schedule: { kind: 'now' },
      ...extra,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const launchAndSend = async (id: string, at = now) => {
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/marketing/campaigns/${id}/launch`, headers: admin });
    expect(res.statusCode, res.body).toBe(200);
    await t.db.pool.query('UPDATE campaigns SET next_run_at = $2 WHERE id = $1', [id, at]);
    return t.marketing.tick(at);
  };
  const messages = async (campaignId: string) =>
    (
      await t.db.pool.query<{ profile_id: string; status: string; skip_reason: string | null; body: string | null; id: string }>(
        'SELECT * FROM marketing_messages WHERE campaign_id = $1 AND run <> $2',
        [campaignId, 'test'],
      )
    ).rows;

  beforeAll(async () => {
    t = await createMarketingTestApp({ stores: 3 });
    admin = await t.signIn('admin@demo.storeos.dev', 'demo');
    const ch = await api('POST', '/api/v1/marketing/channels', {
      name: 'Demo SMS (sink)',
      kind: 'sink',
      settings: { consentChannel: 'sms' },
      capMax: 2,
      capDays: 7,
    });
    expect(ch.statusCode, ch.body).toBe(201);
    channelId = ch.json().id;
    channelSecret = ch.json().secret;
    people = await t.people([
      { traits: { name: '李娜' }, phone: '+8613800000001', storeIndex: 0, consents: ['marketing:sms'] },
      { phone: '+8613800000002', storeIndex: 1, consents: ['marketing:*'] },
      { phone: '+8613800000003', storeIndex: 1 },
      { phone: '+8613800000004', consents: ['marketing:*', '!marketing:sms'] },
      { phone: '+8613800000005', consents: ['marketing:*'] },
      { phone: '+8613800000006', consents: ['marketing:*'], traits: { timezone: 'America/Los_Angeles' } },
    ]);
    crowd = await t.people(Array.from({ length: 300 }, (_, i) => ({ phone: `+86139${String(i).padStart(8, '0')}`, consents: ['marketing:*'] })));
    segmentId = await t.segment('Fridge buyers', [...people, ...crowd]);
    excludedSegment = await t.segment('Complained', [people[4]]);
  }, 120_000);
  afterAll(() => t.close());

  it('refuses a template with an unknown variable, naming line and column, and saves a good one', async () => {
    const bad = await api('POST', '/api/v1/marketing/templates', { name: 'Bad', body: 'Hi\n{{ traits.name | default: "朋友" }} {{ stroe.name }}' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues[0]).toMatchObject({ path: 'body.body', line: 2, column: 38 });
    const good = await api('POST', '/api/v1/marketing/templates', {
      name: 'Fridge care',
      body: '{{ traits.name | default: "朋友" }}，{{ store.name | default: "我们的门店" }} 今天 {{ store.hours_today }} 营业 https://shop.example.com/fridges 退订 {{ links.unsubscribe }}',
    });
    expect(good.statusCode, good.body).toBe(201);
    templateId = good.json().id;
    const preview = await api('POST', '/api/v1/marketing/templates/preview', { templateId, profileId: people[0] });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().body).toMatch(/^李娜，.+店 今天 .+ 营业/);
    const anonymous = await api('POST', '/api/v1/marketing/templates/preview', { templateId, profileId: people[4] });
    expect(anonymous.json().body).toMatch(/^朋友，我们的门店 今天 {2}营业/);
  });

  it('shows the audience after holdout, consent and caps before sending', async () => {
    const id = await campaign('Estimate only', { holdoutPercent: 10 });
    const res = await api('GET', `/api/v1/marketing/campaigns/${id}/audience`);
    expect(res.statusCode, res.body).toBe(200);
    const a = res.json();
    expect(a.audience).toBe(people.length - 1 + crowd.length);
    expect(a.holdout + a.noConsent + a.capped + a.reachable).toBe(a.audience);
    expect(a.holdout).toBeGreaterThan(10);
    expect(a.noConsent).toBeGreaterThanOrEqual(1);
  });

  it('sends once to each consenting person, holds out a share, skips the rest with a reason', async () => {
    const id = await campaign('Spring fridge care', { holdoutPercent: 20 });
    const before = sinkRecords(channelId).total;
    await launchAndSend(id);
    const rows = await messages(id);
    const by = new Map(rows.map((r) => [r.profile_id, r]));
    // Holdout membership hashes the (random) campaign id, so any one person may be held out.
    if (by.get(people[0])?.status !== 'holdout') {
      expect(by.get(people[0])?.status).toBe('sent');
      expect(by.get(people[0])?.body).toContain('李娜');
    }
    expect(rows.find((r) => r.status === 'sent')?.body).toContain('https://shop.example.com/m/c/');
    if (by.get(people[2])?.status !== 'holdout') expect(by.get(people[2])).toMatchObject({ status: 'skipped', skip_reason: 'no_consent' });
    if (by.get(people[3])?.status !== 'holdout') expect(by.get(people[3])).toMatchObject({ status: 'skipped', skip_reason: 'no_consent' });
    expect(by.has(people[4])).toBe(false);
    const held = rows.filter((r) => r.status === 'holdout');
    expect(held.length).toBeGreaterThan(30);
    expect(held.length).toBeLessThan(100);
    const sent = rows.filter((r) => r.status === 'sent');
    expect(sinkRecords(channelId).total - before).toBe(sent.length);
    const heldIds = new Set(held.map((r) => r.profile_id));
    expect(sinkRecords(channelId).messages.some((m) => heldIds.has(m.profileId))).toBe(false);
    expect(rows.every((r) => !r.body?.includes('{{'))).toBe(true);
    // A retried run, or the same run planned again, sends nobody twice.
    await t.db.pool.query(`UPDATE campaigns SET status = 'sending', next_run_at = $2, current_run = NULL WHERE id = $1`, [id, now]);
    await t.marketing.tick(now);
    expect((await messages(id)).length).toBe(rows.length);
    expect(sinkRecords(channelId).total - before).toBe(sent.length);
    const results = await api('GET', `/api/v1/marketing/campaigns/${id}/results`);
    expect(results.statusCode, results.body).toBe(200);
    expect(results.json().total).toMatchObject({ sent: sent.length, holdout: held.length });
  });

  it('caps messages per person and channel across campaigns', async () => {
    const ids = [];
    for (const name of ['Second', 'Third', 'Fourth']) {
      const id = await campaign(name);
      await launchAndSend(id);
      ids.push(id);
    }
    const mine = await t.db.pool.query<{ status: string; skip_reason: string | null }>(
      'SELECT status, skip_reason FROM marketing_messages WHERE profile_id = $1',
      [people[0]],
    );
    expect(mine.rows.filter((r) => r.status === 'sent')).toHaveLength(2);
    expect(mine.rows.filter((r) => r.skip_reason === 'frequency_cap').length).toBeGreaterThanOrEqual(1);
    // The builder's estimate counts sends of the last days from the real clock: shift this test's sends there and back.
    const shift = [now.toISOString()];
    await t.db.pool.query(`UPDATE marketing_messages SET sent_at = sent_at + (now() - $1::timestamptz) WHERE sent_at IS NOT NULL`, shift);
    const estimate = (await api('GET', `/api/v1/marketing/campaigns/${ids[2]}/audience`)).json();
    await t.db.pool.query(`UPDATE marketing_messages SET sent_at = sent_at - (now() - $1::timestamptz) WHERE sent_at IS NOT NULL`, shift);
    expect(estimate.capped).toBeGreaterThan(0);
  });

  it('waits for the end of quiet hours in each person’s time zone', async () => {
    await t.db.pool.query('UPDATE marketing_channels SET cap_max = NULL WHERE id = $1', [channelId]);
    const late = new Date('2026-03-03T15:00:00Z'); // 23:00 in Shanghai (quiet), 07:00 in Los Angeles (quiet), so nobody now
    const id = await campaign('Late', { quietStart: '21:00', quietEnd: '08:00' });
    await launchAndSend(id, late);
    const rows = await messages(id);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(0);
    // Planned, not sent: each person waits in a run slice due at the end of their quiet hours.
    const due = await t.db.pool.query<{ profile_id: string; due_at: Date }>(
      'SELECT p AS profile_id, due_at FROM campaign_run_slices, unnest(profile_ids) AS p WHERE campaign_id = $1',
      [id],
    );
    const la = due.rows.find((r) => r.profile_id === people[5]);
    expect(la?.due_at.toISOString()).toBe('2026-03-03T16:00:00.000Z'); // 08:00 in Los Angeles
    const sh = due.rows.find((r) => r.profile_id === people[0]);
    expect(sh?.due_at.toISOString()).toBe('2026-03-04T00:00:00.000Z'); // 08:00 in Shanghai
    await t.marketing.tick(new Date('2026-03-03T16:00:01Z'));
    expect((await messages(id)).find((r) => r.profile_id === people[5])?.status).toBe('sent');
    expect((await messages(id)).find((r) => r.profile_id === people[0])).toBeUndefined();
    expect((await api('GET', `/api/v1/marketing/campaigns/${id}/results`)).json().total.queued).toBeGreaterThan(0);
  });

  it('tracks clicks through a signed redirect, takes delivery reports, and attributes a store order', async () => {
    const id = await campaign('Tracked');
    // An hour after the others: the last touch before the order.
    await launchAndSend(id, new Date(now.getTime() + 3_600_000));
    const mine = (await messages(id)).find((r) => r.profile_id === people[0]);
    expect(mine?.status).toBe('sent');
    const link = /https:\/\/shop\.example\.com(\/m\/c\/[^\s]+)/.exec(mine?.body ?? '')?.[1] ?? '';
    const click = await t.app.inject({ url: link });
    expect(click.statusCode).toBe(302);
    expect(click.headers.location).toBe('https://shop.example.com/fridges');
    expect((await t.app.inject({ url: link.replace(/s=[0-9a-f]+/, 's=00') })).statusCode).toBe(404);

    const body = JSON.stringify({ reports: [{ messageId: mine?.id, status: 'delivered' }] });
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = `sha256=${createHmac('sha256', channelSecret).update(`${ts}.${body}`).digest('hex')}`;
    const unsigned = await t.app.inject({
      method: 'POST',
      url: `/api/v1/marketing/channels/${channelId}/reports`,
      payload: body,
      headers: { 'content-type': 'application/json' },
    });
    expect(unsigned.statusCode).toBe(401);
    const signed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/marketing/channels/${channelId}/reports`,
      payload: body,
      headers: { 'content-type': 'application/json', 'x-storeos-timestamp': ts, 'x-storeos-signature': sig },
    });
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json()).toEqual({ applied: 1, unknown: 0 });

    await t.order(people[0], new Date(now.getTime() + 86_400_000), 3999, t.storeIds[0]);
    const results = (await api('GET', `/api/v1/marketing/campaigns/${id}/results`)).json();
    expect(results.total).toMatchObject({ delivered: 1, clicked: 1, converted: 1, revenue: 3999 });
    expect(results.lift).toBeNull(); // no holdout, no lift
    const attr = await api('GET', `/api/v1/marketing/attribution?from=2026-03-01T00:00:00Z&to=2026-03-10T00:00:00Z&model=last_touch&days=7`);
    expect(attr.statusCode, attr.body).toBe(200);
    expect(attr.json().byCampaign).toEqual([expect.objectContaining({ key: id, conversions: 1, revenue: 3999 })]);
    expect(attr.json().byStore).toEqual([expect.objectContaining({ key: t.storeIds[0], revenue: 3999 })]);
    const linear = (await api('GET', `/api/v1/marketing/attribution?from=2026-03-01T00:00:00Z&to=2026-03-10T00:00:00Z&model=linear&days=7`)).json();
    expect(linear.byCampaign.reduce((s: number, c: { revenue: number }) => s + c.revenue, 0)).toBeCloseTo(3999, 6);
    expect(linear.byCampaign.length).toBeGreaterThan(1);

    const history = await api('GET', `/api/v1/marketing/profiles/${people[0]}/messages`);
    expect(history.statusCode).toBe(200);
    expect(history.json().data.some((m: { campaignId: string; status: string }) => m.campaignId === id && m.status === 'delivered')).toBe(true);
  });

  it('unsubscribes at once from the link in the message', async () => {
    const id = await campaign('Before unsubscribe');
    await launchAndSend(id);
    const mine = (await messages(id)).find((r) => r.profile_id === people[1]);
    const link = /https:\/\/shop\.example\.com(\/m\/u\/[^\s]+)/.exec(mine?.body ?? '')?.[1] ?? '';
    expect((await t.app.inject({ url: link })).statusCode).toBe(200);
    const after = await campaign('After unsubscribe');
    await launchAndSend(after);
    expect((await messages(after)).find((r) => r.profile_id === people[1])).toMatchObject({ status: 'skipped', skip_reason: 'no_consent' });
  });

  it('runs a recurring campaign on its RRULE, each run once, and schedules the next', async () => {
    const id = await campaign('Weekly', { schedule: { kind: 'recurring', rrule: 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=3;BYMINUTE=0' } });
    const launched = await api('POST', `/api/v1/marketing/campaigns/${id}/launch`);
    expect(launched.statusCode, launched.body).toBe(200);
    expect(new Date(launched.json().nextRunAt).getUTCDay()).toBe(1);
    const monday = new Date('2026-03-09T03:00:00Z');
    await t.db.pool.query('UPDATE campaigns SET next_run_at = $2 WHERE id = $1', [id, monday]);
    await t.marketing.tick(monday);
    const after = (await api('GET', `/api/v1/marketing/campaigns/${id}`)).json();
    expect(after).toMatchObject({ status: 'scheduled', currentRun: '20260309T0300', nextRunAt: '2026-03-16T03:00:00.000Z' });
    const runs = await t.db.pool.query('SELECT DISTINCT run FROM marketing_messages WHERE campaign_id = $1', [id]);
    expect(runs.rows).toEqual([{ run: '20260309T0300' }]);
    const bad = await api('POST', '/api/v1/marketing/campaigns', {
      name: 'Bad rule',
      channelId,
      includeSegments: [segmentId],
      variants: [{ key: 'A', templateId, weight: 1 }],
      schedule: { kind: 'recurring', rrule: 'EVERY=MONDAY' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('moves through its lifecycle only as allowed, and sends a test to a chosen person', async () => {
    const id = await campaign('Lifecycle');
    expect((await api('POST', `/api/v1/marketing/campaigns/${id}/launch`)).statusCode).toBe(200);
    const again = await api('POST', `/api/v1/marketing/campaigns/${id}/launch`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details.allowed).toEqual(['sending', 'paused', 'cancelled', 'draft']);
    expect((await api('POST', `/api/v1/marketing/campaigns/${id}/cancel`)).statusCode).toBe(200);
    const test = await api('POST', `/api/v1/marketing/campaigns/${id}/test-send`, { profileId: people[0], to: '+8613900000000' });
    expect(test.statusCode, test.body).toBe(200);
    expect(test.json()).toMatchObject({ ok: true, to: '+8613900000000' });
    expect(test.json().body).toContain('李娜');
  });
});
