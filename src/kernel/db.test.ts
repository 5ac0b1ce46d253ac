import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/harness.ts';
import { isoTimestamp, queryPrepared } from './db.ts';

describe('timestamps as ISO strings', () => {
  let t: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    t = await testDatabase();
  });
  afterAll(() => t.drop());

  /** What the `Date` route gives for the same text: the string the answer carried before. */
  const viaDate = (text: string) => (pg.types.getTypeParser(1184)(text) as Date).toISOString();

  it('gives the string a Date would, for every fraction and in any session time zone', async () => {
    const client = await t.db.pool.connect();
    try {
      for (const zone of ['UTC', 'Asia/Shanghai', 'America/St_Johns']) {
        await client.query(`SET TimeZone = '${zone}'`);
        const { rows } = await client.query<{ t: string }>(
          `SELECT t::text FROM (VALUES (timestamptz '2026-11-25 11:39:31.123456+00'), ('2026-11-25 11:39:31+00'), ('2026-11-25 11:39:31.1+00'),
             ('2026-11-25 11:39:31.9999+00'), ('1999-12-31 23:59:59.000001+00'), ('0044-03-15 12:00:00+00')) v(t)`,
        );
        for (const { t: text } of rows) expect(isoTimestamp(text), `${zone}: ${text}`).toBe(viaDate(text));
      }
      await client.query('RESET TimeZone');
    } finally {
      client.release();
    }
  });

  it('keeps infinities as PostgreSQL writes them', () => {
    expect(isoTimestamp('infinity')).toBe('infinity');
    expect(isoTimestamp('-infinity')).toBe('-infinity');
  });

  it('applies to timestamptz columns of a prepared read only when asked, leaving other types parsed as usual', async () => {
    const text = "SELECT timestamptz '2026-11-25 11:39:31.5+08' AS at, 42::int8 AS n, date '2026-11-25' AS d";
    const [iso] = await queryPrepared<{ at: unknown; n: unknown }>(t.db.pool, 'iso_probe', text, [], { isoTimestamps: true });
    expect(iso.at).toBe('2026-11-25T03:39:31.500Z');
    expect(iso.n).toBe(42);
    const [plain] = await queryPrepared<{ at: unknown }>(t.db.pool, 'iso_probe', text, []);
    expect(plain.at).toBeInstanceOf(Date);
  });
});
