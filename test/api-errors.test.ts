import type { InjectOptions } from 'fastify';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { demoPassword, seedDemo } from '../src/commands/seed-demo.ts';
import { loadConfig } from '../src/kernel/config.ts';
import type { Deps } from '../src/kernel/context.ts';
import { errorStatus } from '../src/kernel/errors.ts';
import { redactPaths } from '../src/kernel/logger.ts';
import { createMetrics } from '../src/kernel/metrics.ts';
import { OutboxDispatcher } from '../src/kernel/outbox.ts';
import { createTestApp, type TestApp, type TestSession, testDatabase } from './harness.ts';

type Inject = InjectOptions;
interface ErrorBody {
  error: { code: string; message: string; details?: { issues?: { path: string; message: string }[] } };
}
interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  json(): ErrorBody;
}

const codes = new Set([...Object.keys(errorStatus), 'internal']);

describe('bad input gets a clear error and leaves the app running', () => {
  let t: TestApp;
  let admin: TestSession;
  let storeId: string;
  let regionId: string;
  const errorAnswers: Answer[] = [];

  beforeAll(async () => {
    t = await createTestApp({ demoStores: 1, env: { STOREOS_BODY_LIMIT: '2048' } });
    admin = await t.signIn('admin@demo.storeos.dev');
    storeId = (await t.app.inject({ url: '/api/v1/stores', headers: admin.headers })).json().data[0].id;
    regionId = (await t.app.inject({ url: '/api/v1/org-units', headers: admin.headers })).json().data.find((u: { kind: string }) => u.kind === 'region').id;
  });
  afterAll(() => t.close());

  /** Sends a request, expects the status, and keeps every error answer for the shape check at the end. */
  async function expectStatus(status: number, req: Inject): Promise<Answer> {
    const raw = await t.app.inject(req);
    const res: Answer = { statusCode: raw.statusCode, headers: raw.headers, body: raw.body, json: () => raw.json<ErrorBody>() };
    expect(res.statusCode, `${JSON.stringify(req).slice(0, 200)} → ${res.body.slice(0, 300)}`).toBe(status);
    if (status >= 400) errorAnswers.push(res);
    return res;
  }
  const json = (method: 'POST' | 'PATCH' | 'PUT', url: string, payload: unknown): Inject => ({
    method,
    url,
    headers: { ...admin.headers, 'content-type': 'application/json' },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  const newStore = (over: Record<string, unknown> = {}) => ({
    code: 'E-1',
    name: 'Error test',
    parentOrgUnitId: regionId,
    format: 'standard',
    city: 'Testville',
    address: '1 Test Road',
    timeZone: 'Asia/Shanghai',
    ...over,
  });
  const issuePaths = (res: Answer) => (res.json().error.details?.issues ?? []).map((i) => i.path);

  it('malformed JSON is a 400 invalid', async () => {
    for (const body of ['{"name": ', '{name: 1}', "{'a':1}", '']) {
      const res = await expectStatus(400, json('PATCH', `/api/v1/stores/${storeId}`, body));
      expect(res.json().error.code).toBe('invalid');
    }
  });

  it('a wrong type is a 400 naming the field', async () => {
    const res = await expectStatus(400, json('PATCH', `/api/v1/stores/${storeId}`, { floorArea: 'big', latitude: '39.9' }));
    expect(res.json().error.code).toBe('invalid');
    expect(issuePaths(res)).toEqual(expect.arrayContaining(['body.floorArea', 'body.latitude']));
    const q = await expectStatus(400, { url: '/api/v1/stores?limit=many', headers: admin.headers });
    expect(issuePaths(q)).toEqual(['querystring.limit']);
    const arr = await expectStatus(400, json('PUT', `/api/v1/stores/${storeId}/hours`, { weekly: { day: 1 } }));
    expect(issuePaths(arr)).toEqual(['body.weekly']);
  });

  it('an unknown field is a 400, not silently dropped', async () => {
    const res = await expectStatus(
      400,
      json('POST', '/api/v1/users', { email: 'x@errors.test', name: 'X', role: 'viewer', orgUnitId: regionId, isAdmin: true }),
    );
    expect(res.json().error.message).toContain('isAdmin');
    await expectStatus(400, json('PATCH', `/api/v1/stores/${storeId}`, { name: 'ok', status: 'open' }));
  });

  it('an over-long or empty string is a 400', async () => {
    const long = await expectStatus(400, json('PATCH', `/api/v1/stores/${storeId}`, { name: 'x'.repeat(121) }));
    expect(issuePaths(long)).toEqual(['body.name']);
    await expectStatus(400, json('PATCH', `/api/v1/stores/${storeId}`, { name: '   ' }));
    await expectStatus(400, { url: `/api/v1/stores/${'s'.repeat(65)}`, headers: admin.headers });
    await expectStatus(400, json('POST', '/api/v1/stores', newStore({ code: 'has space' })));
  });

  it('an unknown time zone is a 400 naming timeZone', async () => {
    for (const timeZone of ['Mars/Olympus', 'Asia/Beijing', 'GMT+8:00']) {
      const res = await expectStatus(400, json('POST', '/api/v1/stores', newStore({ timeZone })));
      expect(issuePaths(res)).toEqual(['body.timeZone']);
    }
  });

  it('a body over STOREOS_BODY_LIMIT is a 413', async () => {
    const res = await expectStatus(413, json('PATCH', `/api/v1/stores/${storeId}`, { address: 'x'.repeat(3000) }));
    expect(res.json().error.code).toBe('too_large');
    expect(res.json().error.message).toContain('2048');
  });

  it('an unknown route is a 404 in the error shape, signed in or not', async () => {
    const res = await expectStatus(404, { url: '/api/v1/no-such-thing', headers: admin.headers });
    expect(res.json().error.code).toBe('not_found');
    await expectStatus(404, { url: '/api/nothing-here' });
    await expectStatus(404, { method: 'DELETE', url: '/api/v1/stores', headers: admin.headers });
    await expectStatus(404, { url: `/api/v1/stores/str_doesnotexist00000`, headers: admin.headers });
    // Without a session the API answers 401 first, so routes are not probed anonymously.
    await expectStatus(401, { url: '/api/v1/no-such-thing' });
    await expectStatus(401, { url: '/api/v1/stores' });
  });

  it('every error answer has exactly the shape {error:{code,message,details?}}', () => {
    expect(errorAnswers.length).toBeGreaterThan(15);
    for (const res of errorAnswers) {
      const body = res.json();
      expect(Object.keys(body), res.body).toEqual(['error']);
      expect(
        Object.keys(body.error).every((k) => ['code', 'message', 'details'].includes(k)),
        res.body,
      ).toBe(true);
      expect(codes.has(body.error.code), res.body).toBe(true);
      expect(errorStatus[body.error.code as keyof typeof errorStatus]).toBe(res.statusCode);
      expect(body.error.message.length).toBeGreaterThan(0);
      if (body.error.details !== undefined) expect(typeof body.error.details).toBe('object');
      expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
    }
  });

  it('still answers afterwards', async () => {
    const res = await t.app.inject({ url: `/api/v1/stores/${storeId}`, headers: admin.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().name).not.toBe('ok');
  });

  it('sends the security headers', async () => {
    for (const url of ['/api/v1/stores', '/healthz', '/api/v1/nothing']) {
      const res = await t.app.inject({ url, headers: admin.headers });
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBeTruthy();
      expect(res.headers['referrer-policy']).toBeTruthy();
    }
  });

  it('exposes health, readiness, metrics, the OpenAPI document and the interactive reference', async () => {
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe('ready');

    const metrics = await t.app.inject({ url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/storeos_http_requests_total\{[^}]*route="\/api\/v1\/stores\/:id"[^}]*\} \d+/);
    expect(metrics.body).toMatch(/storeos_http_requests_total\{[^}]*status="413"[^}]*\}/);
    expect(metrics.body).toMatch(/storeos_http_rejected_total\{kind="invalid",route="\/api\/v1\/stores\/:id"\} \d+/);
    expect(metrics.body).toMatch(/^storeos_db_pool_total \d+/m);
    expect(metrics.body).toMatch(/^storeos_outbox_lag_seconds [\d.e+-]+/m);
    // Route templates, not raw URLs: ids never become label values.
    expect(metrics.body).not.toContain(storeId);

    const docs = await t.app.inject({ url: '/api/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
    expect(docs.body).toMatch(/swagger/i);
    const spec = await t.app.inject({ url: '/api/openapi.json' });
    expect(spec.json().paths['/api/v1/stores/{id}']).toBeTruthy();
  });
});

describe('the log', () => {
  it('never holds a password, a session token or a CSRF token, even at trace level', async () => {
    const database = await testDatabase();
    await seedDemo(database.db, { stores: 1 });
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = pino({ level: 'trace', redact: { paths: redactPaths, censor: '[redacted]' } }, sink);
    const deps: Deps = { db: database.db, config: loadConfig({}), log, metrics: createMetrics() };
    const app = await buildApp(deps, { outbox: new OutboxDispatcher(database.db, log) });
    await app.ready();
    try {
      const wrong = 'wrong-Password-123!';
      await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: 'admin@demo.storeos.dev', password: wrong } });
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: 'admin@demo.storeos.dev', password: demoPassword } });
      expect(res.statusCode).toBe(200);
      const cookie = String(res.headers['set-cookie']).split(';')[0];
      const token = cookie.split('=')[1];
      const csrf = res.json().csrfToken;
      const headers = { cookie, 'x-csrf-token': csrf };
      await app.inject({ url: '/api/v1/stores', headers });
      await app.inject({ method: 'POST', url: '/api/v1/auth/password', headers, payload: { currentPassword: wrong, newPassword: 'new-Password-456!' } });
      await app.inject({ method: 'PATCH', url: '/api/v1/stores/str_x', headers, payload: '{"broken' });
      await app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers });
      // A handler that logs what it was sent still leaks nothing: the logger redacts passwords at any of these depths.
      app.log.info({ password: demoPassword, body: { password: demoPassword }, token }, 'probe');

      const all = lines.join('');
      expect(lines.length).toBeGreaterThan(0);
      for (const secret of [demoPassword, wrong, 'new-Password-456!', token, csrf]) expect(all).not.toContain(secret);
      expect(all).toContain('[redacted]');
    } finally {
      await app.close();
      await database.drop();
    }
  });
});
