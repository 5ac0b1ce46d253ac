import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMarketingTestApp, type MarketingTestApp } from './marketing-test-kit.ts';

/**
 * Ad audiences kept fresh: a segment's customer list refreshed on its schedule and, after a delay, when its membership
 * changes; each refresh kept as a file per platform format with its rows and time; only consented people; scoped.
 */
describe('ad audiences on a schedule and on change', () => {
  let t: MarketingTestApp;
  let admin: Record<string, string>;
  let other: Record<string, string>;
  let people: string[] = [];
  let segmentId = '';
  let audienceId = '';
  const t0 = new Date(Date.now() + 60_000); // just after the audience is made (its first refresh is due at once)
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  const sha = (v: string) => createHash('sha256').update(v).digest('hex');
  const call = (headers: Record<string, string>, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const refreshes = async () => (await call(admin, 'GET', `/api/v1/marketing/ad-audiences?segmentId=${segmentId}`)).json().data[0].refreshes;
  /** What the customers module's outbox would deliver when the segment's membership changes. */
  const membershipChanged = (when: Date) =>
    t.db.orm.transaction((tx) =>
      t.marketing.subscribers[0].handle(
        { id: 1, tenantId: t.tenantId, topic: 'segment.entered', payload: { segmentId, profileId: people[2] }, createdAt: when },
        tx,
      ),
    );

  beforeAll(async () => {
    t = await createMarketingTestApp({ stores: 2 });
    admin = await t.signIn('admin@demo.storeos.dev', 'demo');
    other = await t.signIn('admin@demo.storeos.dev', 'other');
    people = await t.people([
      { email: ' Li.Na@Example.com ', phone: '+8613800000001', storeIndex: 0, consents: ['advertising:ads'] },
      { phone: '+8613800000002', storeIndex: 1, consents: ['advertising:*'] },
      { phone: '+8613800000003', storeIndex: 1, consents: ['advertising:*'] },
      { phone: '+8613800000004', storeIndex: 0, consents: ['!advertising:ads', 'advertising:*'] },
    ]);
    segmentId = await t.segment('Fridge buyers', [people[0], people[1], people[3]]);
  }, 120_000);
  afterAll(() => t.close());

  it('refreshes at once when put on a schedule, one file per format with its rows, consented people only', async () => {
    const res = await call(admin, 'POST', '/api/v1/marketing/ad-audiences', { segmentId, formats: ['google', 'meta'], intervalHours: 6 });
    expect(res.statusCode, res.body).toBe(201);
    audienceId = res.json().id;
    expect(res.json()).toMatchObject({ intervalHours: 6, onChange: true, changeDelayMinutes: 10, refreshes: [] });
    expect(await t.marketing.refreshAdAudiences(t0)).toBe(1);
    const list = await refreshes();
    expect(list.map((r: { format: string; rows: number; reason: string }) => [r.format, r.rows, r.reason]).sort()).toEqual([
      ['google', 2, 'schedule'],
      ['meta', 2, 'schedule'],
    ]);
    const google = list.find((r: { format: string }) => r.format === 'google');
    const file = await call(admin, 'GET', `/api/v1/marketing/ad-audiences/${audienceId}/refreshes/${google.id}/file`);
    expect(file.statusCode, file.body).toBe(200);
    expect(file.headers['content-disposition']).toContain('.csv');
    const [header, ...rows] = file.body.trim().split('\n');
    expect(header).toBe('Email,Phone');
    // Trimmed and lower-cased before hashing; the person who said no on `ads` is left out, whatever `*` says.
    expect(rows.sort()).toEqual([`${sha('li.na@example.com')},${sha('+8613800000001')}`, `,${sha('+8613800000002')}`].sort());
    expect(sha(file.rawPayload.toString('utf8'))).toBe(google.sha256);
    // The live download and the stored file agree.
    const live = await call(admin, 'GET', `/api/v1/marketing/audiences/${segmentId}/export?format=google`);
    expect(live.body).toBe(file.body);
  });

  it('refreshes again when its interval has passed, not before', async () => {
    expect(await t.marketing.refreshAdAudiences(at(60))).toBe(0);
    expect(await t.marketing.refreshAdAudiences(at(6 * 60 + 1))).toBe(1);
    const list = await refreshes();
    expect(list).toHaveLength(4);
    expect(list[0].reason).toBe('schedule');
  });

  it('refreshes after a membership change once the change delay is up, with the new members', async () => {
    await t.db.pool.query('INSERT INTO segment_members (segment_id, profile_id, tenant_id, entered_at) VALUES ($1, $2, $3, now())', [
      segmentId,
      people[2],
      t.tenantId,
    ]);
    await membershipChanged(at(6 * 60 + 2));
    await membershipChanged(at(6 * 60 + 5)); // rides along with the first
    expect(await t.marketing.refreshAdAudiences(at(6 * 60 + 8))).toBe(0);
    expect(await t.marketing.refreshAdAudiences(at(6 * 60 + 13))).toBe(1);
    const list = await refreshes();
    expect(list).toHaveLength(6);
    expect(list.slice(0, 2).map((r: { reason: string; rows: number }) => [r.reason, r.rows])).toEqual([
      ['change', 3],
      ['change', 3],
    ]);
    // The change is covered: nothing more until the next interval.
    expect(await t.marketing.refreshAdAudiences(at(6 * 60 + 30))).toBe(0);
  });

  it('changes its schedule, refreshes by hand, and turns off', async () => {
    const patched = await call(admin, 'PATCH', `/api/v1/marketing/ad-audiences/${audienceId}`, { intervalHours: 24, formats: ['tiktok'], onChange: false });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ intervalHours: 24, formats: ['tiktok'], onChange: false });
    const now = await call(admin, 'POST', `/api/v1/marketing/ad-audiences/${audienceId}/refresh`);
    expect(now.statusCode, now.body).toBe(200);
    expect(now.json().refreshes.find((r: { reason: string }) => r.reason === 'manual')).toMatchObject({ format: 'tiktok', rows: 3 });
    await membershipChanged(at(7 * 60));
    expect(await t.marketing.refreshAdAudiences(at(7 * 60 + 30))).toBe(0);
    await call(admin, 'PATCH', `/api/v1/marketing/ad-audiences/${audienceId}`, { active: false });
    expect(await t.marketing.refreshAdAudiences(at(60 * 48))).toBe(0);
  });

  it('shows another tenant nothing and refuses a segment it does not have', async () => {
    expect((await call(other, 'GET', '/api/v1/marketing/ad-audiences')).json().data).toEqual([]);
    expect((await call(other, 'POST', `/api/v1/marketing/ad-audiences/${audienceId}/refresh`)).statusCode).toBe(404);
    expect((await call(other, 'PATCH', `/api/v1/marketing/ad-audiences/${audienceId}`, { active: true })).statusCode).toBe(404);
    const { id: refreshId } = (await refreshes())[0];
    expect((await call(other, 'GET', `/api/v1/marketing/ad-audiences/${audienceId}/refreshes/${refreshId}/file`)).statusCode).toBe(404);
    expect((await call(other, 'POST', '/api/v1/marketing/ad-audiences', { segmentId, formats: ['google'] })).statusCode).toBe(400);
  });
});
