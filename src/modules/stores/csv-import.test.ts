import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestSession } from '../../../test/harness.ts';

const example = readFileSync(new URL('../../../docs/examples/stores.csv', import.meta.url), 'utf8');
const header = 'code,name,name_en,parent_code,format,city,address,latitude,longitude,time_zone,floor_area,phone,status';
const line = (code: string, over: Partial<Record<'parent' | 'format' | 'tz' | 'lat' | 'name', string>> = {}) =>
  `${code},${over.name ?? `导入店 ${code}`},Import ${code},${over.parent ?? 'R-NORTH'},${over.format ?? 'standard'},北京,北京市朝阳区${code}号,${over.lat ?? '39.9'},116.4,${over.tz ?? 'Asia/Shanghai'},800,+86 10 1234 5678,open`;
const csv = (...rows: string[]) => `${[header, ...rows].join('\n')}\n`;

describe('importing stores from CSV', () => {
  let t: TestApp;
  let admin: TestSession;
  beforeAll(async () => {
    t = await createTestApp({ demoStores: 2 });
    admin = await t.signIn('admin@demo.storeos.dev');
  });
  afterAll(() => t.close());

  const post = (body: string | Buffer, opts: { query?: string; type?: string; s?: TestSession } = {}) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/stores/import${opts.query ?? ''}`,
      headers: { ...(opts.s ?? admin).headers, 'content-type': opts.type ?? 'text/csv' },
      payload: body,
    });
  const counts = async () =>
    (
      await t.db.pool.query<{ stores: number; units: number; audit: number; events: number }>(`SELECT
        (SELECT count(*) FROM stores)::int AS stores, (SELECT count(*) FROM org_units)::int AS units,
        (SELECT count(*) FROM audit_log)::int AS audit, (SELECT count(*) FROM outbox)::int AS events`)
    ).rows[0];
  /** Posts a file that must be refused with 400 and must leave every table as it was. */
  async function refused(body: string | Buffer) {
    const before = await counts();
    const res = await post(body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('invalid');
    expect(await counts()).toEqual(before);
    return res.json().error as { message: string; details?: { rows: { row: number; column: string; message: string }[] } };
  }

  it('imports the example file under the demo regions, with an audit entry per store', async () => {
    const before = await counts();
    const res = await post(example);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ imported: 10, valid: 10, dryRun: false });
    const after = await counts();
    expect(after.stores - before.stores).toBe(10);
    expect(after.units - before.units).toBe(10);
    expect(after.audit - before.audit).toBe(10);

    const list = (await t.app.inject({ url: '/api/v1/stores?q=S90&limit=50', headers: admin.headers })).json().data;
    expect(list).toHaveLength(10);
    const kashgar = list.find((s: { code: string }) => s.code === 'S9008');
    expect(kashgar).toMatchObject({ timeZone: 'Asia/Urumqi', format: 'compact', status: 'open', floorArea: 660, latitude: 39.454759 });
    expect(list.find((s: { code: string }) => s.code === 'S9005').status).toBe('temporarily_closed');
    const regions = (await t.app.inject({ url: '/api/v1/org-units', headers: admin.headers })).json().data;
    const northwest = regions.find((u: { code: string }) => u.code === 'R-NORTHWEST');
    expect(kashgar.parentOrgUnitId).toBe(northwest.id);
    const audit = (await t.app.inject({ url: `/api/v1/audit-log?entityId=${kashgar.id}`, headers: admin.headers })).json().data;
    expect(audit).toEqual([expect.objectContaining({ action: 'store.imported', actorId: admin.userId, after: expect.objectContaining({ code: 'S9008' }) })]);
  });

  it('a dry run checks the file and writes nothing', async () => {
    const before = await counts();
    const res = await post(example.replaceAll(/^S90/gm, 'S80'), { query: '?dryRun=true' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ imported: 0, valid: 10, dryRun: true });
    expect(await counts()).toEqual(before);
  });

  it('accepts Excel’s UTF-8 BOM, CRLF line ends, a charset parameter and blank rows', async () => {
    const file = `\ufeff${csv(line('B-1'), ',,,,,,,,,,,,', '', line('B-2')).replaceAll('\n', '\r\n')}`;
    const res = await post(file, { type: 'text/csv; charset=utf-8' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().imported).toBe(2);
  });

  it('lists every bad row with its spreadsheet row number and column, and imports none of the file', async () => {
    const err = await refused(
      csv(
        line('E-1'), // row 2: fine
        line('E-2', { format: 'mega' }), // row 3
        line('E-3', { tz: 'Mars/Olympus' }), // row 4
        line('E-1'), // row 5: same code as row 2
        line('S0001'), // row 6: the demo chain's first store
        line('E-6', { parent: 'R-NOWHERE' }), // row 7
        line('E-7', { lat: 'north' }), // row 8
        '', // row 9: blank, skipped but counted
        line('E-9', { parent: 'S0002' }), // row 10: a store cannot be a parent
        'E-10,too short', // row 11
      ),
    );
    const where = err.details!.rows.map((r) => `${r.row}:${r.column}`);
    expect(where).toEqual(['3:format', '4:time_zone', '5:code', '6:code', '7:parent_code', '8:latitude', '10:parent_code', '11:name_en']);
    expect(err.details!.rows[2].message).toContain('row 2');
    expect(err.message).toContain('nothing was imported');
    for (const r of err.details!.rows) expect(Object.keys(r).sort()).toEqual(['column', 'message', 'row']);
  });

  it('refuses a file that is not UTF-8 (GBK), saying so', async () => {
    const gbk = Buffer.concat([
      Buffer.from(`${header}\nG-1,`),
      Buffer.from([0xc9, 0xcf, 0xba, 0xa3]),
      Buffer.from(`,,R-NORTH,standard,x,y,,,Asia/Shanghai,,,\n`),
    ]);
    expect((await refused(gbk)).message).toContain('not UTF-8');
  });

  it('refuses UTF-16 with a BOM, saying so', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv(line('U-1')), 'utf16le')]);
    expect((await refused(utf16)).message).toContain('UTF-16');
  });

  it('names the missing columns', async () => {
    const err = await refused('code,name,parent_code,city,address\nM-1,Name,R-NORTH,北京,Road 1\n');
    expect(err.message).toContain('format');
    expect(err.message).toContain('time_zone');
    expect(err.details!.rows.map((r) => r.column).sort()).toEqual(['format', 'time_zone']);
  });

  it('refuses an empty file and one with only the header', async () => {
    await refused('');
    await refused(`${header}\n`);
  });

  it('answers 415 to another content type', async () => {
    for (const type of ['application/json', 'application/xml', 'text/plain']) {
      const res = await post(type === 'application/json' ? JSON.stringify({ csv: example }) : example, { type });
      expect(res.statusCode, type).toBe(415);
      expect(res.json().error.code).toBe('unsupported_media_type');
    }
  });

  it('is refused (403) to a store manager and a region manager, who may not import', async () => {
    for (const email of ['store.manager@demo.storeos.dev', 'region.manager@demo.storeos.dev']) {
      const s = await t.signIn(email);
      const before = await counts();
      const res = await post(csv(line('P-1')), { s });
      expect(res.statusCode).toBe(403);
      expect(await counts()).toEqual(before);
    }
  });
});
