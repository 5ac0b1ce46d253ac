import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp, type TestSession } from '../../../test/harness.ts';
import { demoPassword } from '../../commands/seed-demo.ts';

/** Counts the session lookups the server runs, by watching every query of the pg driver. */
function countSessionLookups() {
  const original = pg.Client.prototype.query;
  const counter = { n: 0, restore: () => (pg.Client.prototype.query = original) };
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
    if (text?.includes('FROM sessions s JOIN users u')) counter.n++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  return counter;
}

describe('remembering signed-in callers', () => {
  let t: TestApp;
  let admin: TestSession;
  beforeAll(async () => {
    t = await createTestApp({ demoStores: 2 });
    admin = await t.signIn('admin@demo.storeos.dev', demoPassword, 'demo');
  });
  afterAll(() => t.close());

  const stores = (headers: Record<string, string>) => t.app.inject({ url: '/api/v1/stores', headers });

  it('looks a session up once, then answers from memory', async () => {
    await stores(admin.headers);
    await vi.waitFor(async () => {
      const counter = countSessionLookups();
      try {
        for (let i = 0; i < 5; i++) expect((await stores(admin.headers)).statusCode).toBe(200);
        expect(counter.n).toBe(0);
      } finally {
        counter.restore();
      }
    });
  });

  it('forgets at once what a write through this node changes: a disabled user is refused on the next request', async () => {
    const manager = await t.signIn('store.manager@demo.storeos.dev', demoPassword, 'demo');
    expect((await stores(manager.headers)).statusCode).toBe(200);
    expect((await stores(manager.headers)).statusCode).toBe(200);
    const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${manager.userId}`, headers: admin.headers, payload: { status: 'disabled' } });
    expect(res.statusCode).toBe(200);
    expect((await stores(manager.headers)).statusCode).toBe(401);
  });

  it('hears of a change made elsewhere (another node, the CLI) within moments: a revoked grant narrows what the caller sees', async () => {
    const region = await t.signIn('region.manager@demo.storeos.dev', demoPassword, 'demo');
    const before = (await stores(region.headers)).json().data.length as number;
    expect(before).toBeGreaterThan(0);
    await t.db.pool.query('DELETE FROM grants WHERE user_id = $1', [region.userId]);
    await vi.waitFor(async () => expect((await stores(region.headers)).statusCode).toBe(403), { timeout: 2000, interval: 20 });
  });

  it('still checks the CSRF header on every write from memory', async () => {
    await stores(admin.headers);
    const { 'x-csrf-token': _csrf, ...cookieOnly } = admin.headers;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: cookieOnly,
      payload: { current: demoPassword, next: 'another-password-1' },
    });
    expect(res.statusCode).toBe(403);
  });
});
