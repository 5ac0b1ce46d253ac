import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../commands/seed-demo.ts';
import type { TestSession } from '../../../test/harness.ts';
import { ahead, type OperationsKit, operationsKit, tinyPng } from './operations-test-kit.ts';

/**
 * Tasks, sends, audits, corrective actions and reports are scoped like everything else: a store's staff see only
 * their store's (404 for others), a region manager only their region's, and nothing crosses tenants.
 */
describe('operations data is scoped by tenant, region and store', () => {
  let k: OperationsKit;
  let other: TestSession;
  let sendId = '';
  let taskOf: Record<string, string> = {};
  let auditId = '';
  let actionId = '';
  let templateId = '';

  beforeAll(async () => {
    k = await operationsKit();
    await seedDemo(k.t.db, { stores: 1, slug: 'other' });
    other = await k.t.signIn('admin@demo.storeos.dev', undefined, 'other');
    templateId = (
      await k.template(k.admin, {
        orgUnitId: k.rootUnitId,
        name: 'Secret promo set-up',
        definition: { items: [{ key: 'ok', label: 'Set up', type: 'checkbox' }] },
      })
    ).id;
    const sent = await k.send(k.admin, {
      templateId,
      target: { orgUnitId: k.rootUnitId, statuses: ['planned', 'opening', 'open', 'temporarily_closed', 'closed'] },
      dueLocal: ahead('2026-12-24T18:00'),
    });
    sendId = sent.id;
    taskOf = Object.fromEntries((await k.tasksOf(sendId)).map((x) => [x.store_id, x.id]));
    const auditTpl = await k.template(k.admin, {
      orgUnitId: k.rootUnitId,
      kind: 'audit',
      name: 'HQ audit',
      definition: { items: [{ key: 'ok', label: 'Secret shelf ok', type: 'checkbox' }] },
    });
    auditId = (await k.call(k.admin, 'POST', '/api/v1/audits', { templateId: auditTpl.id, storeId: k.otherRegion.id })).json().id;
    const done = await k.call(k.admin, 'POST', `/api/v1/audits/${auditId}/complete`, { answers: { ok: false } });
    actionId = done.json().correctiveActions[0].id;
  }, 120_000);
  afterAll(() => k?.t.close());

  /** Every way to reach a task, audit or action of a store outside the caller's scope: each must answer 404. */
  function probes(storeId: string) {
    const task = taskOf[storeId];
    return [
      ['GET', `/api/v1/tasks/${task}`],
      ['PUT', `/api/v1/tasks/${task}/answers`, { answers: { ok: true } }],
      ['POST', `/api/v1/tasks/${task}/submit`, { answers: { ok: true } }],
      ['POST', `/api/v1/tasks/${task}/approve`, {}],
      ['POST', `/api/v1/tasks/${task}/return`, { reason: 'no' }],
      ['GET', `/api/v1/stores/${storeId}/tasks`],
    ] as const;
  }
  const auditProbes = () =>
    [
      ['GET', `/api/v1/audits/${auditId}`],
      ['PUT', `/api/v1/audits/${auditId}/answers`, { answers: { ok: true } }],
      ['POST', `/api/v1/audits/${auditId}/complete`, {}],
      ['GET', `/api/v1/corrective-actions/${actionId}`],
      ['POST', `/api/v1/corrective-actions/${actionId}/transitions`, { to: 'in_progress' }],
    ] as const;

  async function expectHidden(s: TestSession, calls: readonly (readonly [string, string, object?])[]) {
    for (const [method, url, payload] of calls) {
      const res = await k.call(s, method as 'GET', url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.body).not.toContain('Secret');
    }
  }

  it('shows store staff only their own store’s tasks: 404 for another store', async () => {
    for (const s of [k.manager, k.associate]) {
      await expectHidden(s, [...probes(k.sameRegion.id), ...probes(k.otherRegion.id), ...auditProbes()]);
      expect((await k.call(s, 'GET', `/api/v1/tasks/${taskOf[k.home.id]}`)).statusCode).toBe(200);
      const list = (await k.call(s, 'GET', '/api/v1/tasks?limit=200')).json().data as { storeId: string }[];
      expect(new Set(list.map((x) => x.storeId))).toEqual(new Set([k.home.id]));
      expect((await k.call(s, 'GET', `/api/v1/task-sends/${sendId}`)).statusCode).toBe(404);
      const actions = (await k.call(s, 'GET', '/api/v1/corrective-actions')).json().data;
      expect(actions).toEqual([]);
    }
    const report = (
      await k.call(k.manager, 'GET', `/api/v1/operations/reports/compliance?groupBy=store&from=${ahead('2026-12-24')}&to=${ahead('2026-12-24')}`)
    ).json().data;
    expect(report.map((r: { id: string }) => r.id)).toEqual([k.home.id]);
  });

  it('shows HQ’s instruction images to the stores a task went to, through the task, and nothing else of HQ’s files', async () => {
    const image = await k.photo(k.admin, k.rootUnitId);
    const unrelated = await k.photo(k.admin, k.rootUnitId);
    const tpl = await k.template(k.admin, {
      orgUnitId: k.rootUnitId,
      name: 'Window display',
      definition: { instructions: 'Like the picture', instructionFileIds: [image], items: [{ key: 'ok', label: 'Done', type: 'checkbox' }] },
    });
    const sent = await k.send(k.admin, { templateId: tpl.id, target: { orgUnitId: k.rootUnitId, statuses: ['open'] }, dueLocal: ahead('2026-12-24T18:00') });
    const tasks = Object.fromEntries((await k.tasksOf(sent.id)).map((x) => [x.store_id, x.id]));
    const own = tasks[k.home.id];
    const detail = (await k.call(k.associate, 'GET', `/api/v1/tasks/${own}`)).json();
    expect(detail.files.map((f: { url: string }) => f.url)).toEqual([`/api/v1/tasks/${own}/files/${image}`]);
    const bytes = await k.call(k.associate, 'GET', `/api/v1/tasks/${own}/files/${image}`);
    expect(bytes.statusCode).toBe(200);
    expect(bytes.headers['content-type']).toBe('image/png');
    expect(bytes.rawPayload.equals(tinyPng)).toBe(true);
    // The template's page shows it to the store as well (HQ's templates are there for the units below).
    const template = (await k.call(k.associate, 'GET', `/api/v1/task-templates/${tpl.id}`)).json();
    expect(template.files.map((f: { url: string }) => f.url)).toEqual([`/api/v1/task-templates/${tpl.id}/files/${image}`]);
    expect((await k.call(k.associate, 'GET', `/api/v1/task-templates/${tpl.id}/files/${image}`)).statusCode).toBe(200);
    // Not HQ's files at large, not a file the task does not carry, not through another store's task, not to another tenant.
    for (const [s, url] of [
      [k.associate, `/api/v1/files/${image}`],
      [k.associate, `/api/v1/tasks/${own}/files/${unrelated}`],
      [k.associate, `/api/v1/task-templates/${tpl.id}/files/${unrelated}`],
      [k.associate, `/api/v1/tasks/${tasks[k.otherRegion.id]}/files/${image}`],
      [other, `/api/v1/tasks/${own}/files/${image}`],
      [other, `/api/v1/task-templates/${tpl.id}/files/${image}`],
    ] as const) {
      expect((await k.call(s, 'GET', url)).statusCode, url).toBe(404);
    }
  });

  it('keeps a region manager inside their region', async () => {
    await expectHidden(k.region, [...probes(k.otherRegion.id), ...auditProbes()]);
    expect((await k.call(k.region, 'GET', `/api/v1/tasks/${taskOf[k.sameRegion.id]}`)).statusCode).toBe(200);
    const list = (await k.call(k.region, 'GET', '/api/v1/tasks?limit=200')).json().data as { storeId: string }[];
    expect(list.map((x) => x.storeId)).not.toContain(k.otherRegion.id);
    const audits = (await k.call(k.region, 'GET', '/api/v1/audits')).json().data;
    expect(audits).toEqual([]);
    // and cannot send to stores outside it
    const send = await k.call(k.region, 'POST', '/api/v1/task-sends', {
      templateId,
      target: { orgUnitId: k.otherRegion.orgUnitId },
      dueLocal: ahead('2026-12-24T18:00'),
    });
    expect(send.statusCode).toBe(404);
  });

  it('shows another tenant nothing of ours', async () => {
    await expectHidden(other, [
      ...probes(k.home.id),
      ...auditProbes(),
      ['GET', `/api/v1/task-sends/${sendId}`],
      ['GET', `/api/v1/task-templates/${templateId}`],
    ]);
    for (const url of [
      '/api/v1/tasks',
      '/api/v1/task-sends',
      '/api/v1/task-templates',
      '/api/v1/audits',
      '/api/v1/corrective-actions',
      '/api/v1/tasks/approvals',
    ]) {
      const res = await k.call(other, 'GET', url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toContain('Secret');
      expect(res.json().data, url).toEqual([]);
    }
    const send = await k.call(other, 'POST', '/api/v1/task-sends', { templateId, target: { orgUnitId: k.rootUnitId }, dueLocal: ahead('2026-12-24T18:00') });
    expect(send.statusCode).toBe(404);
    const stopped = await k.call(other, 'POST', `/api/v1/task-sends/${sendId}/stop`, {});
    expect(stopped.statusCode).toBe(404);
    const patched = await k.call(other, 'PATCH', `/api/v1/task-templates/${templateId}`, { name: 'Hijacked' });
    expect(patched.statusCode).toBe(404);
    expect((await k.call(k.admin, 'GET', `/api/v1/task-templates/${templateId}`)).json().name).toBe('Secret promo set-up');
  });
});
