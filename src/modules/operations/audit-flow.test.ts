import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OperationsKit, operationsKit } from './operations-test-kit.ts';

const auditChecklist = {
  passScore: 80,
  items: [
    { key: 'clean', label: 'Floor clean', type: 'checkbox', weight: 2 },
    { key: 'labels', label: 'Price labels right', type: 'checkbox', weight: 3 },
    { key: 'fire', label: 'Fire exit clear', type: 'checkbox', weight: 1, critical: true },
    { key: 'temp', label: 'Fridge temperature', type: 'number', min: 0, max: 5, weight: 4 },
  ],
};

describe('audits, corrective actions and reports', () => {
  let k: OperationsKit;
  let templateId = '';
  let auditId = '';

  beforeAll(async () => {
    k = await operationsKit();
    templateId = (await k.template(k.region, { orgUnitId: k.home.parentOrgUnitId, kind: 'audit', name: 'Monthly store audit', definition: auditChecklist })).id;
  }, 120_000);
  afterAll(() => k?.t.close());

  it('scores an audit by weight and fails it on a critical item, opening a corrective action per failed item', async () => {
    expect((await k.call(k.manager, 'POST', '/api/v1/audits', { templateId, storeId: k.home.id })).statusCode).toBe(403);
    expect((await k.call(k.region, 'POST', '/api/v1/audits', { templateId, storeId: k.otherRegion.id })).statusCode).toBe(404);
    const started = await k.call(k.region, 'POST', '/api/v1/audits', { templateId, storeId: k.home.id });
    expect(started.statusCode, started.body).toBe(201);
    auditId = started.json().id;
    expect((await k.call(k.region, 'PUT', `/api/v1/audits/${auditId}/answers`, { answers: { temp: 'cold' } })).statusCode).toBe(400);
    expect((await k.call(k.region, 'PUT', `/api/v1/audits/${auditId}/answers`, { answers: { clean: true } })).statusCode).toBe(200);
    const incomplete = await k.call(k.region, 'POST', `/api/v1/audits/${auditId}/complete`, {});
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.json().error.details.issues.map((i: { item: string }) => i.item)).toEqual(['labels', 'fire', 'temp']);
    const done = await k.call(k.region, 'POST', `/api/v1/audits/${auditId}/complete`, { answers: { clean: true, labels: false, fire: false, temp: 3 } });
    expect(done.statusCode, done.body).toBe(200);
    const audit = done.json();
    expect(audit).toMatchObject({ status: 'completed', score: 60, passed: false, criticalFailed: true });
    expect(audit.outcomes).toEqual({ clean: 'pass', labels: 'fail', fire: 'fail', temp: 'pass' });
    expect(audit.correctiveActions.map((a: { itemId: string }) => a.itemId).sort()).toEqual(['fire', 'labels']);
    expect((await k.call(k.region, 'POST', `/api/v1/audits/${auditId}/complete`, {})).statusCode).toBe(409);
  });

  it('runs a corrective action open → in_progress → pending_review with a photo → pushed_back with a note → approved', async () => {
    const list = (await k.call(k.associate, 'GET', `/api/v1/corrective-actions?auditId=${auditId}&status=open`)).json().data;
    const action = list.find((a: { itemId: string }) => a.itemId === 'labels');
    const move = (s: typeof k.admin, body: object) => k.call(s, 'POST', `/api/v1/corrective-actions/${action.id}/transitions`, body);
    expect((await move(k.associate, { to: 'approved' })).statusCode).toBe(409);
    expect((await move(k.associate, { to: 'in_progress', note: 'Reprinting labels' })).json().status).toBe('in_progress');
    const noPhoto = await move(k.associate, { to: 'pending_review' });
    expect(noPhoto.statusCode).toBe(400);
    expect(noPhoto.json().error.details.issues[0].path).toBe('body.photoFileIds');
    const photo = await k.photo(k.associate, k.home.orgUnitId);
    const review = await move(k.associate, { to: 'pending_review', photoFileIds: [photo] });
    expect(review.json()).toMatchObject({ status: 'pending_review', photos: [expect.objectContaining({ id: photo })] });
    expect((await move(k.associate, { to: 'approved' })).statusCode).toBe(403);
    expect((await move(k.region, { to: 'pushed_back' })).statusCode).toBe(400);
    expect((await move(k.region, { to: 'pushed_back', note: 'Shelf 3 still wrong' })).json()).toMatchObject({
      status: 'pushed_back',
      reviewNote: 'Shelf 3 still wrong',
    });
    expect((await move(k.associate, { to: 'pending_review' })).json().status).toBe('pending_review');
    const approved = await move(k.region, { to: 'approved' });
    expect(approved.json()).toMatchObject({ status: 'approved', allowed: [] });
    expect((await move(k.region, { to: 'pushed_back', note: 'again' })).json().error.details).toMatchObject({ from: 'approved', allowed: [] });
  });

  it('reports audit scores by store and region, as a heat map and as CSV', async () => {
    const byStore = (await k.call(k.admin, 'GET', '/api/v1/operations/reports/audits?groupBy=store')).json().data;
    expect(byStore).toEqual([expect.objectContaining({ id: k.home.id, audits: 1, passed: 0, avgScore: 60, criticalFailed: 1 })]);
    const heat = (await k.call(k.admin, 'GET', '/api/v1/operations/reports/audit-heatmap')).json().data;
    expect(heat).toEqual([expect.objectContaining({ regionId: k.home.parentOrgUnitId, audits: 1, avgScore: 60 })]);
    const csv = await k.call(k.admin, 'GET', '/api/v1/operations/reports/audits.csv?groupBy=store');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe('code,name,audits,passed,avgScore,minScore,criticalFailed');
    expect(csv.body).toContain(`${k.home.code},`);
    // another region's manager sees none of it
    const other = await k.call(k.manager, 'GET', `/api/v1/operations/reports/audits?groupBy=store&orgUnitId=${k.otherRegion.orgUnitId}`);
    expect(other.statusCode).toBe(404);
  });

  it('reports task completion and on-time rates by store and region from the rollup, and as CSV', async () => {
    const tpl = await k.template(k.admin, {
      orgUnitId: k.rootUnitId,
      name: 'Tidy the stockroom',
      definition: { estimatedMinutes: 10, items: [{ key: 'ok', label: 'Tidy', type: 'checkbox' }] },
    });
    // the store's own date: due at 23:59 of the UTC date is already past in Shanghai from 16:00 UTC on
    const [{ tz }] = (await k.t.db.pool.query('SELECT time_zone AS tz FROM stores WHERE id = $1', [k.home.id])).rows;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date());
    const sent = await k.send(k.admin, {
      templateId: tpl.id,
      target: { orgUnitId: k.home.parentOrgUnitId, statuses: ['planned', 'opening', 'open', 'temporarily_closed', 'closed'] },
      dueLocal: `${today}T23:59`,
    });
    const tasks = await k.tasksOf(sent.id);
    const mine = tasks.find((x) => x.store_id === k.home.id);
    expect((await k.call(k.manager, 'POST', `/api/v1/tasks/${mine?.id}/submit`, { answers: { ok: true } })).json().status).toBe('approved');
    const byStore = (await k.call(k.region, 'GET', `/api/v1/operations/reports/compliance?groupBy=store&from=${today}&to=${today}`)).json().data;
    expect(byStore).toHaveLength(tasks.length);
    expect(byStore.find((r: { id: string }) => r.id === k.home.id)).toMatchObject({ total: 1, completed: 1, onTime: 1, completionRate: 100, onTimeRate: 100 });
    // worst first
    expect(byStore[0].completionRate).toBe(0);
    const byRegion = (await k.call(k.admin, 'GET', `/api/v1/operations/reports/compliance?groupBy=region&from=${today}&to=${today}`)).json().data;
    expect(byRegion).toEqual([expect.objectContaining({ id: k.home.parentOrgUnitId, total: tasks.length, completed: 1 })]);
    const csv = await k.call(k.admin, 'GET', `/api/v1/operations/reports/compliance.csv?groupBy=store&from=${today}&to=${today}`);
    expect(csv.body.split('\r\n').filter(Boolean)).toHaveLength(tasks.length + 1);
    // the rollup matches a count over the tasks themselves
    const direct = await k.t.db.pool.query("SELECT count(*)::int AS n FROM task_instances WHERE status IN ('submitted', 'approved')");
    const rolled = await k.t.db.pool.query('SELECT sum(completed)::int AS n FROM task_store_day_stats');
    expect(rolled.rows[0].n).toBe(direct.rows[0].n);
  });
});
