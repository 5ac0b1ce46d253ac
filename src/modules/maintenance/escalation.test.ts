import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSession } from '../../../test/harness.ts';
import { escalateWorkOrders } from './escalation.ts';
import { type MaintenanceKit, maintenanceKit } from './maintenance-test-kit.ts';

const minute = 60_000;

describe('SLA escalation with an injected clock', () => {
  let k: MaintenanceKit;
  let manager: TestSession;
  let region: TestSession;

  beforeAll(async () => {
    k = await maintenanceKit();
    manager = await k.t.signIn('store.manager@demo.storeos.dev');
    region = await k.t.signIn('region.manager@demo.storeos.dev');
    const slas = await k.call(k.admin, 'PUT', '/api/v1/maintenance/slas', {
      data: [{ priority: 'urgent', responseMinutes: 15, resolutionMinutes: 120, escalateAfterMinutes: 30 }],
    });
    expect(slas.status).toBe(200);
  });
  afterAll(() => k.close());

  const breaches = async (s: TestSession) =>
    (await k.call(s, 'GET', '/api/v1/inbox')).body.data.filter((n: { kind: string }) => n.kind === 'work_order.sla_breached') as {
      title: string;
      data: { level: number };
    }[];

  it('tells the store manager when nobody responds in time, then the region manager', async () => {
    const created = await k.call(k.admin, 'POST', '/api/v1/work-orders', { storeId: k.stores[0].id, title: 'Freezer alarm', priority: 'urgent' });
    const wo = created.body;
    const t0 = new Date(wo.createdAt).getTime();
    expect(new Date(wo.responseDueAt).getTime()).toBe(t0 + 15 * minute);

    expect((await escalateWorkOrders(k.t.db, new Date(t0 + 14 * minute))).escalated).toBe(0);
    expect(await breaches(manager)).toHaveLength(0);

    expect((await escalateWorkOrders(k.t.db, new Date(t0 + 16 * minute))).escalated).toBe(1);
    const first = await breaches(manager);
    expect(first).toHaveLength(1);
    expect(first[0].data.level).toBe(1);
    expect(await breaches(region)).toHaveLength(0);

    // Not again at the same level, and not to the region before escalateAfterMinutes.
    expect((await escalateWorkOrders(k.t.db, new Date(t0 + 40 * minute))).escalated).toBe(0);
    expect((await escalateWorkOrders(k.t.db, new Date(t0 + 47 * minute))).escalated).toBe(1);
    expect((await breaches(region))[0].data.level).toBe(2);
    expect((await escalateWorkOrders(k.t.db, new Date(t0 + 500 * minute))).escalated).toBe(0);

    const detail = await k.call(k.admin, 'GET', `/api/v1/work-orders/${wo.id}`);
    expect(detail.body.escalationLevel).toBe(2);
    expect(detail.body.history.filter((h: { action: string }) => h.action === 'escalated')).toHaveLength(2);
  });

  it('leaves alone a work order responded to in time until its resolution target passes', async () => {
    const wo = (await k.call(k.admin, 'POST', '/api/v1/work-orders', { storeId: k.stores[0].id, title: 'Door stuck', priority: 'urgent' })).body;
    const t0 = new Date(wo.createdAt).getTime();
    await k.call(k.admin, 'POST', `/api/v1/work-orders/${wo.id}/transitions`, { to: 'IN_PROGRESS' });
    expect((await escalateWorkOrders(k.t.db, new Date(t0 + 60 * minute))).escalated).toBe(0);
    expect((await escalateWorkOrders(k.t.db, new Date(t0 + 121 * minute))).escalated).toBe(1);
    expect((await breaches(manager)).some((n) => n.title.includes('Door stuck'))).toBe(true);
  });
});
