import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSession } from '../../../test/harness.ts';
import { type MaintenanceKit, maintenanceKit, png } from '../maintenance/maintenance-test-kit.ts';
import { fileRefs } from './files.ts';
import { systemActor } from '../../kernel/auth.ts';

const pdf = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

describe('file uploads: types, limits, scoping', () => {
  let k: MaintenanceKit;
  let manager: TestSession; // store manager of the first store
  beforeAll(async () => {
    k = await maintenanceKit({ env: { STOREOS_UPLOAD_LIMIT: '4096' } });
    manager = await k.t.signIn('store.manager@demo.storeos.dev');
  });
  afterAll(() => k.close());

  const upload = (s: TestSession, orgUnitId: string, body: Buffer, type: string, name = 'photo.png') =>
    k.call(s, 'POST', `/api/v1/files?orgUnitId=${orgUnitId}&name=${encodeURIComponent(name)}`, body, { 'content-type': type });

  it('stores a photo and streams the same bytes back', async () => {
    const res = await upload(manager, k.stores[0].orgUnitId, png, 'image/png', 'fridge/../../etc.png');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ contentType: 'image/png', size: png.length, sha256: createHash('sha256').update(png).digest('hex'), name: 'etc.png' });
    const back = await k.call(manager, 'GET', res.body.url);
    expect(back.status).toBe(200);
    expect(back.headers['content-type']).toBe('image/png');
    expect(back.raw.equals(png)).toBe(true);
    expect((await upload(manager, k.stores[0].orgUnitId, pdf, 'application/pdf', 'manual.pdf')).status).toBe(201);
  });

  it('answers 415 for a type it does not take, or bytes that are not what they claim', async () => {
    const html = await upload(manager, k.stores[0].orgUnitId, Buffer.from('<script>alert(1)</script>'), 'text/html');
    expect(html.status).toBe(415);
    expect(html.body.error.details.allowed).toContain('image/jpeg');
    const fake = await upload(manager, k.stores[0].orgUnitId, Buffer.from('<svg onload=alert(1)>'), 'image/png');
    expect(fake.status).toBe(415);
    expect((await k.call(manager, 'POST', `/api/v1/files?orgUnitId=${k.stores[0].orgUnitId}`, { a: 1 })).status).toBe(415);
  });

  it('answers 413 over STOREOS_UPLOAD_LIMIT and keeps nothing', async () => {
    const big = Buffer.concat([png, Buffer.alloc(5000)]);
    const res = await upload(manager, k.stores[0].orgUnitId, big, 'image/png');
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('too_large');
    const rows = await k.t.db.pool.query('SELECT count(*)::int AS n FROM files WHERE size > 4096');
    expect(rows.rows[0].n).toBe(0);
  });

  it("keeps files inside the uploader's scope: another store's manager gets 404", async () => {
    const mine = await upload(manager, k.stores[0].orgUnitId, png, 'image/png');
    const other = await k.user('sm.other@files.test', 'store_manager', k.stores[1].orgUnitId);
    expect((await k.call(other, 'GET', `/api/v1/files/${mine.body.id}`)).status).toBe(404);
    expect((await upload(other, k.stores[0].orgUnitId, png, 'image/png')).status).toBe(404);
    const partner = await k.t.signIn('partner@demo.storeos.dev');
    expect((await upload(partner, k.stores[0].orgUnitId, png, 'image/png')).status).toBe(403);
    // Other modules attach by id through fileRefs: an id outside the caller's scope is "not found".
    const otherCtx = { db: k.t.db, actor: { ...systemActor(k.tenantId, 'demo'), grants: [] } };
    await expect(fileRefs(otherCtx, [mine.body.id])).rejects.toMatchObject({ kind: 'not_found' });
    expect((await fileRefs({ db: k.t.db, actor: systemActor(k.tenantId, 'demo') }, [mine.body.id]))[0].id).toBe(mine.body.id);
  });
});
