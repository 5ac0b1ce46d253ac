import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSession } from '../../../test/harness.ts';
import { type MaintenanceKit, maintenanceKit, png } from './maintenance-test-kit.ts';

describe('work orders over HTTP: lifecycle, signature, concurrent changes, history', () => {
  let k: MaintenanceKit;
  let tech: TestSession; // technician of the first store's region (demo)
  let assetId = '';

  beforeAll(async () => {
    k = await maintenanceKit();
    tech = await k.t.signIn('technician@demo.storeos.dev');
    const asset = await k.call(k.admin, 'POST', '/api/v1/assets', {
      storeId: k.stores[0].id,
      name: 'Walk-in fridge',
      category: 'refrigeration',
      make: 'Haier',
      serial: 'HF-1',
    });
    expect(asset.status).toBe(201);
    assetId = asset.body.id;
  });
  afterAll(() => k.close());

  const open = async (extra: Record<string, unknown> = {}) => {
    const res = await k.call(k.admin, 'POST', '/api/v1/work-orders', {
      storeId: k.stores[0].id,
      assetId,
      title: 'Fridge warm',
      priority: 'high',
      checklist: ['Check seals', 'Clean coil'],
      assigneeUserId: tech.userId,
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const move = (s: TestSession, id: string, body: Record<string, unknown>) => k.call(s, 'POST', `/api/v1/work-orders/${id}/transitions`, body);

  it('goes OPEN → IN_PROGRESS → ON_HOLD → IN_PROGRESS → COMPLETE with a signature, keeping every step', async () => {
    const wo = await open();
    expect(wo).toMatchObject({ status: 'OPEN', priority: 'high', version: 1 });
    expect(new Date(wo.responseDueAt).getTime() - new Date(wo.createdAt).getTime()).toBe(120 * 60_000);

    expect((await move(tech, wo.id, { to: 'IN_PROGRESS' })).body.acknowledgedAt).not.toBeNull();
    expect((await move(tech, wo.id, { to: 'ON_HOLD', note: 'waiting for a part' })).status).toBe(200);
    const held = await move(tech, wo.id, { to: 'COMPLETE' });
    expect(held.status).toBe(409);
    expect(held.body.error.details.allowed).toEqual(['IN_PROGRESS', 'CANCELLED']);
    await move(tech, wo.id, { to: 'IN_PROGRESS' });

    const patch = await k.call(tech, 'PATCH', `/api/v1/work-orders/${wo.id}`, {
      checklist: [
        { id: 'c1', label: 'Check seals', done: true },
        { id: 'c2', label: 'Clean coil', done: true },
      ],
      timeSpentMinutes: 45,
      parts: [{ name: 'Door gasket', partNumber: 'G-12', quantity: 1 }],
    });
    expect(patch.status).toBe(200);
    expect(patch.body.timeSpentMinutes).toBe(45);

    const unsigned = await move(tech, wo.id, { to: 'COMPLETE' });
    expect(unsigned.status).toBe(400);
    expect(unsigned.body.error.details.issues[0].path).toBe('body.signatureFileId');
    const signature = await k.call(tech, 'POST', `/api/v1/files?orgUnitId=${k.stores[0].orgUnitId}&name=signature.png`, png, { 'content-type': 'image/png' });
    const done = await move(tech, wo.id, { to: 'COMPLETE', signatureFileId: signature.body.id });
    expect(done.status).toBe(200);
    expect(done.body.completedAt).not.toBeNull();
    expect((await move(tech, wo.id, { to: 'IN_PROGRESS' })).body.error.details.allowed).toEqual([]);

    const detail = await k.call(tech, 'GET', `/api/v1/work-orders/${wo.id}`);
    expect(detail.body.signature.id).toBe(signature.body.id);
    expect(detail.body.allowedTransitions).toEqual([]);
    expect(detail.body.history.map((h: { action: string; toStatus: string | null }) => `${h.action}:${h.toStatus ?? ''}`)).toEqual([
      'created:OPEN',
      'transition:IN_PROGRESS',
      'transition:ON_HOLD',
      'transition:IN_PROGRESS',
      'updated:',
      'transition:COMPLETE',
    ]);
    expect(detail.body.history[2].note).toBe('waiting for a part');
  });

  it('of two people changing one work order at once, one wins and the other gets 409', async () => {
    const wo = await open();
    const [a, b] = await Promise.all([
      k.call(tech, 'PATCH', `/api/v1/work-orders/${wo.id}`, { version: 1, timeSpentMinutes: 10 }),
      k.call(k.admin, 'PATCH', `/api/v1/work-orders/${wo.id}`, { version: 1, priority: 'urgent' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [s1, s2] = await Promise.all([move(tech, wo.id, { to: 'IN_PROGRESS' }), move(k.admin, wo.id, { to: 'IN_PROGRESS' })]);
    expect([s1.status, s2.status].sort()).toEqual([200, 409]);
  });

  it('refuses bad input with 400 and changes nothing', async () => {
    const wo = await open();
    expect((await k.call(k.admin, 'PATCH', `/api/v1/work-orders/${wo.id}`, { timeSpentMinutes: -5 })).status).toBe(400);
    expect((await k.call(k.admin, 'POST', '/api/v1/work-orders', { storeId: k.stores[0].id, title: 'x', priority: 'whenever' })).status).toBe(400);
    const associate = await k.t.signIn('associate@demo.storeos.dev');
    const notTech = await k.call(k.admin, 'PATCH', `/api/v1/work-orders/${wo.id}`, { assigneeUserId: associate.userId });
    expect(notTech.status).toBe(400);
    expect((await k.call(k.admin, 'POST', `/api/v1/work-orders/${wo.id}/notes`, { text: 'photo', photoIds: ['fil_0000000000000000'] })).status).toBe(404);
    expect((await k.call(k.admin, 'GET', `/api/v1/work-orders/${wo.id}`)).body.version).toBe(1);
  });

  it('shows the board by state and the technician is told of work assigned to them', async () => {
    const board = await k.call(tech, 'GET', `/api/v1/work-orders/board?storeId=${k.stores[0].id}`);
    expect(board.status).toBe(200);
    const counts = Object.fromEntries(board.body.columns.map((c: { status: string; count: number }) => [c.status, c.count]));
    expect(counts.COMPLETE).toBe(1);
    expect(counts.OPEN + counts.IN_PROGRESS).toBeGreaterThanOrEqual(2);
    const inbox = await k.call(tech, 'GET', '/api/v1/inbox');
    expect(inbox.body.data.some((n: { kind: string }) => n.kind === 'work_order.created')).toBe(true);
  });
});
