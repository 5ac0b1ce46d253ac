import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/harness.ts';
import { seedDemo } from '../../commands/seed-demo.ts';
import type { Database } from '../../kernel/db.ts';
import { dropsOf } from './device-views.ts';
import type { DevicesRuntime } from './devices-runtime.ts';
import { DropCounters } from './drop-counters.ts';

describe('dropped-message counters', () => {
  let t: { db: Database; drop(): Promise<void> };
  let device: { id: string; tenant_id: string };
  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.db, { stores: 1 });
    device = (await t.db.pool.query<{ id: string; tenant_id: string }>('SELECT id, tenant_id FROM devices ORDER BY id LIMIT 1')).rows[0];
  });
  afterAll(() => t.drop());

  it('counts a drop once on the device page while its flush has committed but not yet answered', async () => {
    const drops = new DropCounters();
    const rt = { drops } as unknown as DevicesRuntime;
    drops.count(device.tenant_id, device.id, 'invalid_json');
    expect(await dropsOf(t.db.orm, rt, device.id)).toMatchObject([{ reason: 'invalid_json', count: 1 }]);
    // The INSERT commits at once; this process hears of it 100 ms later (a busy event loop, a slow network).
    let committed!: () => void;
    const inTable = new Promise<void>((resolve) => (committed = resolve));
    const slowAnswer = {
      query: async (text: string, values: unknown[]) => {
        const r = await t.db.pool.query(text, values);
        committed();
        await new Promise((resolve) => setTimeout(resolve, 100));
        return r;
      },
    } as unknown as pg.Pool;
    const flushing = drops.flush(slowAnswer);
    await inTable;
    expect(await dropsOf(t.db.orm, rt, device.id)).toMatchObject([{ reason: 'invalid_json', count: 1 }]);
    await flushing;
    drops.count(device.tenant_id, device.id, 'invalid_json');
    expect(await dropsOf(t.db.orm, rt, device.id)).toMatchObject([{ reason: 'invalid_json', count: 2 }]);
  });

  it('keeps the counts of a failed flush for the next one', async () => {
    const drops = new DropCounters();
    const rt = { drops } as unknown as DevicesRuntime;
    const before = (await dropsOf(t.db.orm, rt, device.id)).find((d) => d.reason === 'too_large')?.count ?? 0;
    drops.count(device.tenant_id, device.id, 'too_large');
    const failing = { query: async () => Promise.reject(new Error('connection lost')) } as unknown as pg.Pool;
    await expect(drops.flush(failing)).rejects.toThrow('connection lost');
    expect((await dropsOf(t.db.orm, rt, device.id)).find((d) => d.reason === 'too_large')?.count).toBe(before + 1);
    await drops.flush(t.db.pool);
    expect((await dropsOf(t.db.orm, rt, device.id)).find((d) => d.reason === 'too_large')?.count).toBe(before + 1);
  });
});
