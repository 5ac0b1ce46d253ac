import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSession } from '../../../test/harness.ts';
import { assets } from './schema.ts';
import { eq } from 'drizzle-orm';
import { type MaintenanceKit, maintenanceKit, png } from './maintenance-test-kit.ts';

describe('the QR request form: no sign-in, photos, rate limit, approval into a work order', () => {
  let k: MaintenanceKit;
  let manager: TestSession;
  let token = '';
  let assetId = '';

  beforeAll(async () => {
    k = await maintenanceKit();
    manager = await k.t.signIn('store.manager@demo.storeos.dev');
    const asset = await k.call(manager, 'POST', '/api/v1/assets', { storeId: k.stores[0].id, name: 'Ice maker', category: 'kitchen' });
    expect(asset.status).toBe(201);
    assetId = asset.body.id;
    const [row] = await k.t.db.orm.select({ token: assets.publicToken }).from(assets).where(eq(assets.id, assetId));
    token = row.token;
  });
  afterAll(() => k.close());

  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const post = (path: string, payload: unknown, ip: string, headers: Record<string, string> = {}) =>
    k.t.app.inject({
      method: 'POST',
      url: `/api/v1/public/assets/${token}${path}`,
      payload: payload as object,
      remoteAddress: ip,
      headers: { ...from(ip), ...headers },
    });

  it("prints a QR code that carries the form's address", async () => {
    const svg = await k.call(manager, 'GET', `/api/v1/assets/${assetId}/qr`);
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect(String(svg.headers['x-storeos-qr-url'])).toMatch(new RegExp(`/r/${token}$`));
    const bitmap = await k.call(manager, 'GET', `/api/v1/assets/${assetId}/qr?format=png`);
    expect(bitmap.raw.subarray(1, 4).toString()).toBe('PNG');
  });

  it('takes a fault report with a photo from someone not signed in, and the manager approves it into a work order with the photo', async () => {
    const shown = await k.t.app.inject({ url: `/api/v1/public/assets/${token}`, remoteAddress: '10.0.0.1' });
    expect(shown.json()).toMatchObject({ assetName: 'Ice maker', category: 'kitchen' });
    const photo = await post('/photos?name=leak.png', png, '10.0.0.1', { 'content-type': 'image/png' });
    expect(photo.statusCode).toBe(201);
    const wrong = await post('/photos', Buffer.from('MZ\x90\x00'), '10.0.0.1', { 'content-type': 'application/x-msdownload' });
    expect(wrong.statusCode).toBe(415);
    const filed = await post(
      '/requests',
      { description: 'Water on the floor under the ice maker', reporterName: 'A shopper', photoIds: [photo.json().id] },
      '10.0.0.1',
    );
    expect(filed.statusCode).toBe(201);
    expect((await post('/requests', { description: 'x', photoIds: ['fil_0000000000000000'] }, '10.0.0.1')).statusCode).toBe(400);

    const queue = await k.call(manager, 'GET', '/api/v1/maintenance/requests');
    const req = queue.body.data.find((r: { id: string }) => r.id === filed.json().id);
    expect(req.photos[0].id).toBe(photo.json().id);
    expect((await k.call(manager, 'GET', '/api/v1/inbox')).body.data.some((n: { kind: string }) => n.kind === 'maintenance_request.filed')).toBe(true);

    const tech = await k.t.signIn('technician@demo.storeos.dev');
    expect((await k.call(tech, 'POST', `/api/v1/maintenance/requests/${req.id}/approve`, { priority: 'high' })).status).toBe(403);
    const approved = await k.call(manager, 'POST', `/api/v1/maintenance/requests/${req.id}/approve`, { priority: 'high', assigneeUserId: tech.userId });
    expect(approved.status).toBe(200);
    const wo = await k.call(tech, 'GET', `/api/v1/work-orders/${approved.body.workOrderId}`);
    expect(wo.body).toMatchObject({ source: 'request', requestId: req.id, assetId, priority: 'high' });
    expect(wo.body.photos.map((p: { id: string }) => p.id)).toEqual([photo.json().id]);
    expect((await k.call(tech, 'GET', wo.body.photos[0].url)).raw.equals(png)).toBe(true);
    expect((await k.call(manager, 'POST', `/api/v1/maintenance/requests/${req.id}/reject`, { reason: 'dup' })).status).toBe(409);
  });

  it('answers 429 to a flood from one address, and 404 to an unknown code', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await post('/requests', { description: `spam ${i}` }, '10.9.9.9')).statusCode);
    expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
    expect(statuses[11]).toBe(429);
    const limited = await post('/requests', { description: 'again' }, '10.9.9.9');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Someone else is not punished for it.
    expect((await post('/requests', { description: 'real fault' }, '10.9.9.10')).statusCode).toBe(201);
    expect((await k.t.app.inject({ url: '/api/v1/public/assets/not-a-real-token-000', remoteAddress: '10.0.0.2' })).statusCode).toBe(404);
  });
});
