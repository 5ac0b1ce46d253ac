import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProfileTestApp, type ProfileTestApp } from './profile-test-kit.ts';

let t: ProfileTestApp;
let admin: Record<string, string>;

beforeAll(async () => {
  t = await createProfileTestApp();
  admin = await t.signIn('admin@demo.storeos.dev');
});
afterAll(() => t.close());

async function identities(profileId: string) {
  const r = await t.db.pool.query<{ type: string; value: string }>('SELECT type, value FROM profile_identifiers WHERE profile_id = $1 ORDER BY type, value', [
    profileId,
  ]);
  return r.rows.map((x) => `${x.type}:${x.value}`);
}

async function liveId(id: string) {
  const r = await t.db.pool.query<{ id: string }>('SELECT coalesce(merged_into, id) AS id FROM profiles WHERE id = $1', [id]);
  return r.rows[0]?.id;
}

describe('identity graph', () => {
  it('joins anonymous browsing to the person who signs in, and finds them by any identifier', async () => {
    const [browse] = await t.send([{ anonymousId: 'anon-1', type: 'page', event: 'Home' }]);
    const [signIn] = await t.send([{ type: 'identify', anonymousId: 'anon-1', userId: 'user-1', traits: { email: ' Wang.Fang@Example.com ' } }]);
    expect(signIn).toBe(browse);
    const res = await t.app.inject({ url: '/api/v1/profiles/lookup?type=email&value=WANG.FANG@example.com', headers: admin });
    expect(res.statusCode).toBe(200);
    expect(
      res
        .json()
        .identities.map((i: { type: string }) => i.type)
        .sort(),
    ).toEqual(['anonymous_id', 'email', 'user_id']);
  });

  it('never fuses two members through a shared store tablet or a placeholder phone', async () => {
    const [a] = await t.send([{ type: 'identify', anonymousId: 'tablet-1', userId: 'member-a', traits: { phone: '13800138000' } }]);
    const [b] = await t.send([{ type: 'identify', anonymousId: 'tablet-1', userId: 'member-b', traits: { phone: '+86 138 0013 8000' } }]);
    expect(b).not.toBe(a);
    expect(await identities(b)).toEqual(['user_id:member-b']);
    const log = await t.db.pool.query<{ reason: string }>(`SELECT reason FROM identity_log WHERE kind = 'link_dropped' AND profile_id = $1`, [b]);
    expect(log.rows[0]?.reason).toMatch(/limit of 1 user_id/);
    // Declared as a shared tablet: an anonymous visit on it belongs to nobody known.
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/customer-settings',
      headers: admin,
      payload: { identity: { blocked: { anonymous_id: ['tablet-1'] } } },
    });
    expect(put.statusCode).toBe(200);
    const [visit] = await t.send([{ anonymousId: 'tablet-1', event: 'Product Viewed' }]);
    expect([a, b]).not.toContain(visit);
  });

  it('gives two ingests racing on the same new person one profile', async () => {
    const both = await Promise.all([
      t.send([{ type: 'identify', userId: 'race-1', traits: { email: 'race@x.cn' } }]),
      t.send([{ type: 'identify', userId: 'race-1', anonymousId: 'race-anon' }]),
      t.send([{ type: 'identify', anonymousId: 'race-anon', traits: { email: 'race@x.cn' } }]),
    ]);
    expect(new Set(both.flat()).size).toBe(1);
    expect(await identities(both[0][0])).toEqual(['anonymous_id:race-anon', 'email:race@x.cn', 'user_id:race-1']);
  });

  it('keeps at most the configured number of emails per person', async () => {
    await t.app.inject({ method: 'PUT', url: '/api/v1/customer-settings', headers: admin, payload: { identity: { limits: { user_id: 1, email: 2 } } } });
    const events = ['e1@x.cn', 'e2@x.cn', 'e3@x.cn'].map((email) => ({ type: 'identify' as const, userId: 'many-mails', traits: { email } }));
    const ids = await t.send(events);
    expect(new Set(ids).size).toBe(1);
    expect((await identities(ids[0])).filter((i) => i.startsWith('email'))).toEqual(['email:e1@x.cn', 'email:e2@x.cn']);
    await t.app.inject({ method: 'PUT', url: '/api/v1/customer-settings', headers: admin, payload: { identity: {} } });
  });

  it('gives the same people whatever order the same events arrive in', async () => {
    const scenario = (run: string) => [
      { type: 'identify' as const, anonymousId: `a-${run}`, userId: `u1-${run}`, at: Date.parse('2026-02-01T10:00:00Z') },
      { type: 'identify' as const, userId: `u1-${run}`, traits: { email: `li-${run}@x.cn` }, at: Date.parse('2026-02-01T11:00:00Z') },
      { type: 'identify' as const, userId: `u2-${run}`, traits: { email: `li-${run}@x.cn` }, at: Date.parse('2026-02-01T12:00:00Z') },
      { type: 'identify' as const, userId: `u1-${run}`, anonymousId: `b-${run}`, at: Date.parse('2026-02-01T13:00:00Z') },
    ];
    // The contested email goes to the earlier claim (u1 at 11:00), whichever of the two claims arrives first.
    const orders = [
      [0, 1, 2, 3],
      [3, 2, 1, 0],
      [2, 0, 3, 1],
      [2, 1, 3, 0],
    ];
    const shapes: string[] = [];
    for (const [k, order] of orders.entries()) {
      const events = scenario(`ord${k}q`);
      for (const i of order) await t.send([events[i]]);
      const r = await t.db.pool.query<{ profile_id: string; type: string; value: string }>(
        `SELECT profile_id, type, value FROM profile_identifiers WHERE tenant_id = $1 AND value LIKE $2 ORDER BY type, value`,
        [t.tenantId, `%-ord${k}q%`],
      );
      const groups = new Map<string, string[]>();
      for (const row of r.rows) groups.set(row.profile_id, [...(groups.get(row.profile_id) ?? []), `${row.type}:${row.value.replace(`-ord${k}q`, '')}`]);
      shapes.push(JSON.stringify([...groups.values()].map((g) => g.sort().join(' ')).sort()));
    }
    expect(shapes[1]).toBe(shapes[0]);
    expect(shapes[2]).toBe(shapes[0]);
    expect(shapes[3]).toBe(shapes[0]);
    expect(JSON.parse(shapes[0])).toEqual(['anonymous_id:a anonymous_id:b email:li@x.cn user_id:u1', 'user_id:u2']);
  });

  it('merges and splits by hand, with the history visible', async () => {
    const [x] = await t.send([{ type: 'identify', userId: 'hand-x', traits: { name: '周杰' }, at: Date.parse('2026-01-01T00:00:00Z') }]);
    const [y] = await t.send([{ type: 'identify', anonymousId: 'hand-y-anon', traits: { email: 'hand-y@x.cn' } }]);
    const merged = await t.app.inject({ method: 'POST', url: `/api/v1/profiles/${y}/merge`, headers: admin, payload: { otherProfileId: x } });
    expect(merged.statusCode).toBe(200);
    expect(merged.json().id).toBe(x); // the older profile keeps its id
    expect(await liveId(y)).toBe(x);
    const old = await t.app.inject({ url: `/api/v1/profiles/${y}`, headers: admin });
    expect(old.json().id).toBe(x);
    const split = await t.app.inject({
      method: 'POST',
      url: `/api/v1/profiles/${x}/split`,
      headers: admin,
      payload: {
        identifiers: [
          { type: 'anonymous_id', value: 'hand-y-anon' },
          { type: 'email', value: 'hand-y@x.cn' },
        ],
      },
    });
    expect(split.statusCode).toBe(200);
    const { newProfile, profile } = split.json();
    expect(profile.identities.map((i: { value: string }) => i.value)).toEqual(['hand-x']);
    expect(newProfile.identities.map((i: { value: string }) => i.value).sort()).toEqual(['hand-y-anon', 'hand-y@x.cn']);
    expect(newProfile.traits.email).toBe('hand-y@x.cn');
    expect(profile.traits.email).toBeUndefined();
    const events = await t.app.inject({ url: `/api/v1/profiles/${newProfile.id}/events`, headers: admin });
    expect(events.json().data).toHaveLength(1);
    const history = await t.app.inject({ url: `/api/v1/profiles/${x}/identity-history`, headers: admin });
    expect(history.json().data.map((h: { kind: string }) => h.kind)).toEqual(['split', 'merged']);
  });

  it('moves memberships with a merge: none is left behind on the merged-away profile', async () => {
    const seg = await t.app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin,
      payload: { name: 'VIPs', definition: { type: 'trait', trait: 'vip', op: 'eq', value: true } },
    });
    expect(seg.statusCode).toBe(201);
    await t.profiles.idle();
    const [anon] = await t.send([{ type: 'identify', anonymousId: 'vip-anon', traits: { vip: true }, at: Date.parse('2026-02-20T00:00:00Z') }]);
    const [known] = await t.send([{ type: 'identify', userId: 'vip-user', at: Date.parse('2026-01-20T00:00:00Z') }]);
    const members = () => t.db.pool.query<{ profile_id: string }>('SELECT profile_id FROM segment_members WHERE segment_id = $1', [seg.json().id]);
    expect((await members()).rows.map((r) => r.profile_id)).toEqual([anon]);
    const [joined] = await t.send([{ type: 'identify', anonymousId: 'vip-anon', userId: 'vip-user' }]);
    expect(joined).toBe(known);
    expect((await members()).rows.map((r) => r.profile_id)).toEqual([known]);
    const exits = await t.db.pool.query<{ topic: string; payload: { profileId: string; reason: string } }>(
      `SELECT topic, payload FROM outbox WHERE topic = 'segment.exited'`,
    );
    expect(exits.rows.map((r) => r.payload)).toContainEqual(expect.objectContaining({ profileId: anon, reason: 'merged' }));
  });
});
