import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBenchWorkOrders } from './index.ts';
import { type MaintenanceKit, maintenanceKit } from './maintenance-test-kit.ts';

describe('seedBenchWorkOrders (for storeos bench operations)', () => {
  let k: MaintenanceKit;
  beforeAll(async () => {
    k = await maintenanceKit({ demoStores: 4 });
  });
  afterAll(() => k.close());

  it('writes the asked number of work orders over the tenant stores with COPY, reporting progress', async () => {
    const progress: number[] = [];
    const r = await seedBenchWorkOrders(k.t.db, { tenantId: k.tenantId, count: 25_000, onProgress: (done) => progress.push(done) });
    expect(r.inserted).toBe(25_000);
    expect(progress).toEqual([20_000, 25_000]);
    const rows = await k.t.db.pool.query<{ status: string; n: number; stores: number }>(
      'SELECT status, count(*)::int AS n, count(DISTINCT store_id)::int AS stores FROM work_orders WHERE tenant_id = $1 GROUP BY status ORDER BY status',
      [k.tenantId],
    );
    const byStatus = Object.fromEntries(rows.rows.map((x) => [x.status, x.n]));
    expect(byStatus.COMPLETE).toBe(17_500);
    expect(byStatus.OPEN).toBe(2_500);
    expect(rows.rows.every((x) => x.stores === 4)).toBe(true);
    // The API reads them like any other: the board and the report answer.
    const board = await k.call(k.admin, 'GET', '/api/v1/work-orders/board?perColumn=5');
    expect(board.body.columns.find((c: { status: string }) => c.status === 'OPEN').count).toBe(2_500);
    const report = await k.call(k.admin, 'GET', '/api/v1/maintenance/reports?from=2000-01-01&to=2100-01-01');
    expect(report.body.workOrders.created).toBe(25_000);
    expect(report.body.workOrders.mttrMinutes).toBeGreaterThan(60);
  });
});
