import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp, type TestSession } from '../../../test/harness.ts';
import { demoPassword, seedDemo } from '../../commands/seed-demo.ts';

const signInUrl = '/api/v1/auth/sign-in';

function setCookies(headers: Record<string, unknown>): string[] {
  const v = headers['set-cookie'];
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}

describe('signing in to the console', () => {
  let t: TestApp;
  let admin: TestSession;
  let storeId: string;
  beforeAll(async () => {
    t = await createTestApp({ demoStores: 2 });
    await seedDemo(t.db, { stores: 1, slug: 'other' });
    admin = await t.signIn('admin@demo.storeos.dev', demoPassword, 'demo');
    storeId = (await t.app.inject({ url: '/api/v1/stores', headers: admin.headers })).json().data[0].id;
  });
  afterAll(() => t.close());

  const attempt = (email: string, password: string, tenant = 'demo') => t.app.inject({ method: 'POST', url: signInUrl, payload: { email, password, tenant } });
  const storesWith = (headers: Record<string, string>) => t.app.inject({ url: '/api/v1/stores', headers });
  const storeName = async () => (await t.app.inject({ url: `/api/v1/stores/${storeId}`, headers: admin.headers })).json().name as string;

  /** Creates an active user on the first store through the API and answers their e-mail. */
  async function newUser(label: string, password = 'first-password-1'): Promise<{ email: string; id: string }> {
    const unit = (await t.app.inject({ url: `/api/v1/stores/${storeId}`, headers: admin.headers })).json().orgUnitId;
    const email = `${label}@sign-in.test`;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { email, name: label, role: 'store_manager', orgUnitId: unit, password },
    });
    expect(res.statusCode).toBe(201);
    return { email, id: res.json().user.id };
  }

  it('the right password answers the session and an HttpOnly, SameSite session cookie', async () => {
    const res = await attempt('Admin@Demo.StoreOS.dev ', demoPassword);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({ email: 'admin@demo.storeos.dev', tenantSlug: 'demo' });
    expect(body.permissions).toContain('stores:write');
    expect(body.csrfToken).toEqual(expect.any(String));
    const [cookie] = setCookies(res.headers);
    expect(cookie).toMatch(/^storeos_session=[^;]{20,};/);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=(Lax|Strict)/i);
    expect(cookie).toMatch(/;\s*Path=\//);
    expect(JSON.stringify(body)).not.toContain(cookie.split(';')[0].split('=')[1]);

    const session = await t.app.inject({ url: '/api/v1/auth/session', headers: { cookie: cookie.split(';')[0] } });
    expect(session.statusCode).toBe(200);
    expect(session.json().user.id).toBe(body.user.id);
    expect((await storesWith({ cookie: cookie.split(';')[0] })).statusCode).toBe(200);
  });

  it('a wrong password and an unknown e-mail get the same 401 and no cookie', async () => {
    const wrong = await attempt('associate@demo.storeos.dev', 'not-the-password');
    const unknown = await attempt('nobody@demo.storeos.dev', 'not-the-password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: { code: 'unauthorized', message: 'wrong e-mail or password' } });
    expect(unknown.json()).toEqual(wrong.json());
    expect(setCookies(wrong.headers)).toEqual([]);
    expect(setCookies(unknown.headers)).toEqual([]);
  });

  it('an e-mail known in two tenants needs the tenant, and then opens that tenant only', async () => {
    const noTenant = await t.app.inject({ method: 'POST', url: signInUrl, payload: { email: 'viewer@demo.storeos.dev', password: demoPassword } });
    expect(noTenant.statusCode).toBe(401);
    expect(noTenant.json().error.message).toContain('tenant');
    const other = await t.signIn('viewer@demo.storeos.dev', demoPassword, 'other');
    const session = (await t.app.inject({ url: '/api/v1/auth/session', headers: other.headers })).json();
    expect(session.user.tenantSlug).toBe('other');
    const stores = (await storesWith(other.headers)).json().data;
    expect(stores).toHaveLength(1);
    expect(stores.map((s: { id: string }) => s.id)).not.toContain(storeId);
  });

  it('locks an e-mail after 5 failures with 429 and Retry-After, even for the right password', async () => {
    for (let i = 0; i < 5; i++) expect((await attempt('marketer@demo.storeos.dev', `guess-${i}`)).statusCode).toBe(401);
    const locked = await attempt('marketer@demo.storeos.dev', demoPassword);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('rate_limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(setCookies(locked.headers)).toEqual([]);
    // Someone else is not locked out by it.
    expect((await attempt('technician@demo.storeos.dev', demoPassword)).statusCode).toBe(200);
  });

  it('an expired session answers 401', async () => {
    const s = await t.signIn('associate@demo.storeos.dev', demoPassword, 'demo');
    expect((await storesWith(s.headers)).statusCode).toBe(200);
    await t.db.pool.query("UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE user_id = $1", [s.userId]);
    // A change made straight in the database (another node, the CLI) reaches this node's auth cache by NOTIFY.
    await vi.waitFor(async () => expect((await storesWith(s.headers)).statusCode).toBe(401), { timeout: 2000, interval: 20 });
    expect((await t.app.inject({ url: '/api/v1/auth/session', headers: s.headers })).statusCode).toBe(401);
  });

  it('after sign-out the cookie no longer works', async () => {
    const s = await t.signIn('partner@demo.storeos.dev', demoPassword, 'demo');
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: s.headers });
    expect(out.statusCode).toBe(204);
    expect(setCookies(out.headers).join()).toMatch(/storeos_session=;/);
    const after = await storesWith(s.headers);
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthorized');
  });

  it('refuses an unsafe request carrying the cookie without the right x-csrf-token, and writes nothing', async () => {
    const before = await storeName();
    const s = await t.signIn('store.manager@demo.storeos.dev', demoPassword, 'demo');
    const other = await t.signIn('region.manager@demo.storeos.dev', demoPassword, 'demo');
    const tries = [{ cookie: s.cookie }, { cookie: s.cookie, 'x-csrf-token': 'guessed' }, { cookie: s.cookie, 'x-csrf-token': other.csrf }];
    for (const headers of tries) {
      const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/stores/${storeId}`, headers, payload: { name: 'Forged name' } });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    expect(await storeName()).toBe(before);
    // Safe methods need no token; the same change with it goes through.
    expect((await t.app.inject({ url: `/api/v1/stores/${storeId}`, headers: { cookie: s.cookie } })).statusCode).toBe(200);
    const ok = await t.app.inject({ method: 'PATCH', url: `/api/v1/stores/${storeId}`, headers: s.headers, payload: { name: before } });
    expect(ok.statusCode).toBe(200);
  });

  it('changes a password: the wrong current one is a 400; then only the new one works and other sessions end', async () => {
    const u = await newUser('changer');
    const first = await t.signIn(u.email, 'first-password-1');
    const second = await t.signIn(u.email, 'first-password-1');
    const change = (currentPassword: string, newPassword: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: first.headers, payload: { currentPassword, newPassword } });

    const wrong = await change('not-my-password', 'second-password-2');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details.issues[0].path).toBe('body.currentPassword');
    expect((await change('first-password-1', 'short')).statusCode).toBe(400);
    expect((await storesWith(second.headers)).statusCode).toBe(200);

    expect((await change('first-password-1', 'second-password-2')).statusCode).toBe(204);
    expect((await attempt(u.email, 'first-password-1')).statusCode).toBe(401);
    expect((await attempt(u.email, 'second-password-2')).statusCode).toBe(200);
    expect((await storesWith(second.headers)).statusCode).toBe(401);
    expect((await storesWith(first.headers)).statusCode).toBe(200);
  });

  it('a disabled user cannot sign in and their open sessions end', async () => {
    const u = await newUser('leaver');
    const s = await t.signIn(u.email, 'first-password-1');
    const disable = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${u.id}`, headers: admin.headers, payload: { status: 'disabled' } });
    expect(disable.statusCode).toBe(200);
    expect(disable.json().status).toBe('disabled');
    expect((await storesWith(s.headers)).statusCode).toBe(401);
    const again = await attempt(u.email, 'first-password-1');
    expect(again.statusCode).toBe(401);
    expect(again.json().error.message).toBe('wrong e-mail or password');

    await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${u.id}`, headers: admin.headers, payload: { status: 'active' } });
    expect((await attempt(u.email, 'first-password-1')).statusCode).toBe(200);
  });
});
