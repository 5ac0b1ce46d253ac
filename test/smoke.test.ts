import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.ts';

describe('the platform answers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('lists the demo stores to an HQ admin', async () => {
    const s = await t.signIn('admin@demo.storeos.dev');
    const res = await t.app.inject({ url: '/api/v1/stores?limit=5', headers: s.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toHaveLength(5);
    expect(res.json().nextCursor).toBeTruthy();
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.app.inject({ url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json().openapi).toBe('3.1.0');
    expect(Object.keys(res.json().paths)).toContain('/api/v1/stores');
  });
});
