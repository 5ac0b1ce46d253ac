import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword, seedDemo } from '../../commands/seed-demo.ts';
import { createProfileTestApp, makeEvent, type ProfileTestApp } from './profile-test-kit.ts';

let t: ProfileTestApp;
let admin: Record<string, string>;

beforeAll(async () => {
  t = await createProfileTestApp();
  admin = await t.signIn('admin@demo.storeos.dev');
});
afterAll(() => t.close());

describe('consent', () => {
  it('records consent from events and the API, latest per purpose and channel, with source and time', async () => {
    const [id] = await t.send([
      {
        userId: 'c-1',
        event: 'Consent Updated',
        properties: {
          consents: [
            { purpose: 'marketing', channel: 'sms', granted: true },
            { purpose: 'analytics', granted: true },
          ],
        },
      },
      { userId: 'c-1', type: 'page', event: 'Home', context: { consent: { categoryPreferences: { Personalisation: false } } } },
    ]);
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/profiles/${id}/consents`,
      headers: admin,
      payload: { consents: [{ purpose: 'marketing', channel: 'sms', granted: false }] },
    });
    expect(put.statusCode).toBe(200);
    const got = await t.app.inject({ url: `/api/v1/profiles/${id}/consents`, headers: admin });
    expect(
      got
        .json()
        .data.map((c: { purpose: string; channel: string; granted: boolean; source: string }) => `${c.purpose}/${c.channel}=${c.granted} (${c.source})`),
    ).toEqual(['analytics/*=true (event:pos)', 'marketing/sms=false (api)', 'personalisation/*=false (event:pos)']);
  });
});

describe('suppression', () => {
  it('stops collection for a suppressed identifier, and only for it', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/privacy/suppressions',
      headers: admin,
      payload: { type: 'phone', value: '139 1111 2222', reason: 'asked by phone' },
    });
    expect(res.statusCode).toBe(201);
    const of = (traits: Record<string, unknown>) => makeEvent(t.tenantId, t.clock, { type: 'identify', userId: 'x', traits });
    expect(t.profiles.guard.isSuppressed(t.tenantId, of({ phone: '+8613911112222' }))).toBe(true);
    expect(t.profiles.guard.isSuppressed(t.tenantId, of({ phone: '+8613911113333' }))).toBe(false);
  });
});

describe('deletion and export', () => {
  it('exports everything held about a person as JSON', async () => {
    await t.send([
      { type: 'identify', userId: 'ex-1', traits: { email: 'ex@x.cn', name: '赵六' } },
      { userId: 'ex-1', event: 'Order Completed', properties: { total: 9 } },
    ]);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/privacy/exports', headers: admin, payload: { type: 'email', value: 'EX@x.cn' } });
    expect(res.statusCode).toBe(201);
    const data = res.json().export;
    expect(data.profile.traits.name).toBe('赵六');
    expect(data.events).toHaveLength(2);
    expect(data.traitHistory.length).toBeGreaterThan(0);
  });

  it('deletes a person from every table with a receipt, keeps anonymous aggregates, and can suppress them', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin,
      payload: { name: 'Everyone who bought', definition: { type: 'event', event: 'Order Completed' } },
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/computed-traits',
      headers: admin,
      payload: { key: 'orders', name: 'Orders', definition: { kind: 'count', event: 'Order Completed' } },
    });
    await t.profiles.idle();
    const secrets = ['del-user-77', 'del-anon-77', 'gone@x.cn', '+8613722223333', 'Deleted Person'];
    const [id] = await t.send([
      { type: 'identify', userId: 'del-user-77', anonymousId: 'del-anon-77', traits: { email: 'Gone@x.cn', phone: '137 2222 3333', name: 'Deleted Person' } },
      { userId: 'del-user-77', event: 'Order Completed', storeId: t.storeIds[0], properties: { total: 42 } },
      { userId: 'del-user-77', event: 'Consent Updated', properties: { purpose: 'marketing', granted: true } },
    ]);
    const counts = await t.db.pool.query<{ n: number }>(`SELECT sum(count)::int AS n FROM customer_event_daily_counts WHERE tenant_id = $1`, [t.tenantId]);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/privacy/deletions',
      headers: admin,
      payload: { profileId: id, suppress: true, reason: 'PIPL art. 47' },
    });
    expect(res.statusCode).toBe(201);
    const receipt = res.json().receipt;
    expect(receipt).toMatchObject({ profiles: 1, suppressed: true, identifiers: { user_id: 1, anonymous_id: 1, email: 1, phone: 1 } });
    expect(receipt.rows).toMatchObject({ customer_events: 3, profile_identifiers: 4, profiles: 1, consents: 1 });
    // Every table of the database, as text: none holds any of the person's values any more.
    const tables = await t.db.pool.query<{ name: string }>(
      `SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    for (const { name } of tables.rows) {
      for (const secret of [...secrets, id]) {
        const hit = await t.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name} x WHERE strpos(lower(x::text), lower($1)) > 0`, [secret]);
        if (!(name === 'outbox' && secret === id)) expect(hit.rows[0].n, `${name} still holds ${secret}`).toBe(0);
      }
    }
    const after = await t.db.pool.query<{ n: number }>(`SELECT sum(count)::int AS n FROM customer_event_daily_counts WHERE tenant_id = $1`, [t.tenantId]);
    expect(after.rows[0].n).toBe(counts.rows[0].n);
    expect(t.profiles.guard.isSuppressed(t.tenantId, makeEvent(t.tenantId, t.clock, { userId: 'del-user-77' }))).toBe(true);
    const list = await t.app.inject({ url: '/api/v1/privacy/requests', headers: admin });
    expect(list.json().data[0]).toMatchObject({ kind: 'deletion', status: 'completed', profileId: null });
    const lookup = await t.app.inject({ url: '/api/v1/profiles/lookup?type=email&value=gone@x.cn', headers: admin });
    expect(lookup.statusCode).toBe(404);
  });
});

describe('who may see a person', () => {
  it('shows store staff only people with activity at their stores; other tenants see nobody', async () => {
    const unit = await t.db.pool.query<{ id: string }>(
      `SELECT s.id FROM stores s JOIN grants g ON g.org_unit_id = s.org_unit_id JOIN users u ON u.id = g.user_id WHERE u.email = 'store.manager@demo.storeos.dev'`,
    );
    const mine = unit.rows[0].id;
    const other = t.storeIds.find((s) => s !== mine) as string;
    await t.send([{ userId: 'seen-here', event: 'Order Completed', storeId: mine, properties: { total: 1 } }]);
    await t.send([{ userId: 'seen-there', event: 'Order Completed', storeId: other, properties: { total: 1 } }]);
    const manager = await t.signIn('store.manager@demo.storeos.dev');
    expect((await t.app.inject({ url: '/api/v1/profiles/lookup?type=user_id&value=seen-here', headers: manager })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/profiles/lookup?type=user_id&value=seen-there', headers: manager })).statusCode).toBe(404);
    const merge = await t.app.inject({ method: 'POST', url: '/api/v1/profiles/x/merge', headers: manager, payload: { otherProfileId: 'y' } });
    expect(merge.statusCode).toBe(403);
    await seedDemo(t.db, { stores: 1, slug: 'other' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'admin@demo.storeos.dev', password: demoPassword, tenant: 'other' },
    });
    const stranger = { cookie: String(res.headers['set-cookie']).split(';')[0], 'x-csrf-token': res.json().csrfToken };
    const seen = await t.app.inject({ url: '/api/v1/profiles/lookup?type=user_id&value=seen-here', headers: admin });
    expect((await t.app.inject({ url: '/api/v1/profiles/lookup?type=user_id&value=seen-here', headers: stranger })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/v1/profiles/${seen.json().id}`, headers: stranger })).statusCode).toBe(404);
  });
});
