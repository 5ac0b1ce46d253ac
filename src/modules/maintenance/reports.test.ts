import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MaintenanceKit, maintenanceKit } from './maintenance-test-kit.ts';

describe('maintenance reports: MTTA, MTTR, downtime by category, store and region, CSV', () => {
  let k: MaintenanceKit;
  const t0 = new Date('2030-01-10T00:00:00Z').getTime();
  const min = 60_000;

  beforeAll(async () => {
    k = await maintenanceKit();
    const store = k.stores[0];
    const fridge = (await k.call(k.admin, 'POST', '/api/v1/assets', { storeId: store.id, name: 'Fridge', category: 'refrigeration' })).body.id;
    const hvac = (await k.call(k.admin, 'POST', '/api/v1/assets', { storeId: store.id, name: 'HVAC', category: 'hvac' })).body.id;
    const a = (await k.call(k.admin, 'POST', '/api/v1/work-orders', { storeId: store.id, assetId: fridge, title: 'a', priority: 'high' })).body.id;
    const b = (await k.call(k.admin, 'POST', '/api/v1/work-orders', { storeId: store.id, assetId: hvac, title: 'b', priority: 'high' })).body.id;
    // Times as if they happened in January 2030: acknowledged after 10 and 30 minutes, repaired after 60 and 180.
    const q = (sql: string, args: unknown[]) => k.t.db.pool.query(sql, args);
    await q(`UPDATE work_orders SET created_at = $2, acknowledged_at = $3, completed_at = $4, status = 'COMPLETE' WHERE id = $1`, [
      a,
      new Date(t0),
      new Date(t0 + 10 * min),
      new Date(t0 + 60 * min),
    ]);
    await q(`UPDATE work_orders SET created_at = $2, acknowledged_at = $3, completed_at = $4, status = 'COMPLETE' WHERE id = $1`, [
      b,
      new Date(t0),
      new Date(t0 + 30 * min),
      new Date(t0 + 180 * min),
    ]);
    // Downtime: the fridge down 2 h inside the window, the HVAC down from before it until after it (clipped to 24 h).
    await k.call(k.admin, 'POST', `/api/v1/assets/${fridge}/status`, { status: 'down' });
    await k.call(k.admin, 'POST', `/api/v1/assets/${fridge}/status`, { status: 'operational' });
    await k.call(k.admin, 'POST', `/api/v1/assets/${hvac}/status`, { status: 'down' });
    await q(`UPDATE asset_downtime SET started_at = $2, ended_at = $3 WHERE asset_id = $1`, [fridge, new Date(t0 + 60 * min), new Date(t0 + 180 * min)]);
    await q(`UPDATE asset_downtime SET started_at = $2 WHERE asset_id = $1`, [hvac, new Date(t0 - 48 * 60 * min)]);
  });
  afterAll(() => k.close());

  const window = `from=${new Date(t0).toISOString()}&to=${new Date(t0 + 24 * 60 * min).toISOString()}`;

  it('computes the means and clips downtime to the window', async () => {
    const r = await k.call(k.admin, 'GET', `/api/v1/maintenance/reports?${window}`);
    expect(r.status).toBe(200);
    expect(r.body.workOrders).toMatchObject({ created: 2, completed: 2, mttaMinutes: 20, mttrMinutes: 120 });
    const byCategory = Object.fromEntries(r.body.downtimeByCategory.map((c: { category: string; hours: number }) => [c.category, c.hours]));
    expect(byCategory).toEqual({ refrigeration: 2, hvac: 24 });
    expect(r.body.downtimeByStore[0]).toMatchObject({ storeId: k.stores[0].id, hours: 26 });
    expect(r.body.downtimeByRegion[0]).toMatchObject({ regionId: k.stores[0].parentOrgUnitId, hours: 26 });
  });

  it('exports a table as CSV', async () => {
    const csv = await k.call(k.admin, 'GET', `/api/v1/maintenance/reports/export?${window}&table=category`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.raw
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('category,hours,intervals');
    expect(lines).toContain('hvac,24,1');
    expect((await k.call(k.admin, 'GET', '/api/v1/maintenance/reports?from=2030-02-01&to=2030-01-01')).status).toBe(400);
  });
});
