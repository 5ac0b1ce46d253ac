import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Executor } from '../../kernel/db.ts';
import { type Notification, notify } from '../notifications/index.ts';
import { materialiseRecurrences } from './materialise.ts';
import { ahead, type OperationsKit, operationsKit } from './operations-test-kit.ts';
import { runTaskClock } from './task-clock.ts';

const allStatuses = ['planned', 'opening', 'open', 'temporarily_closed', 'closed'];
const checklist = {
  estimatedMinutes: 20,
  approval: 'store_manager',
  items: [
    { key: 'done', label: 'Shelves faced', type: 'checkbox' },
    { key: 'temp', label: 'Fridge temperature', type: 'number', min: 0, max: 5 },
    { key: 'photo', label: 'Photo of the display', type: 'photo', minPhotos: 1 },
  ],
};

describe('tasks: distribution, execution, approval and the clock', () => {
  let k: OperationsKit;
  let templateId = '';

  beforeAll(async () => {
    k = await operationsKit();
    // Two stores of one region, in two time zones two hours apart.
    await k.t.db.pool.query(`UPDATE stores SET time_zone = 'Asia/Urumqi' WHERE id = $1`, [k.home.id]);
    await k.t.db.pool.query(`UPDATE stores SET time_zone = 'Asia/Shanghai' WHERE id = $1`, [k.sameRegion.id]);
    templateId = (await k.template(k.admin, { orgUnitId: k.rootUnitId, kind: 'task', name: 'Check the fridge display', definition: checklist })).id;
  }, 120_000);
  afterAll(() => k?.t.close());

  it('fans one send out to every target store in one audited action, due in each store’s own time zone', async () => {
    const body = { templateId, target: { orgUnitId: k.rootUnitId, statuses: allStatuses }, role: 'associate', dueLocal: ahead('2026-12-01T18:00') };
    const preview = await k.call(k.admin, 'POST', '/api/v1/task-sends/preview', body);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().storeCount).toBe(12);
    const sent = await k.send(k.admin, body);
    expect(sent).toMatchObject({ storeCount: 12, instanceCount: 12, templateVersion: 1 });
    const tasks = await k.tasksOf(sent.id);
    expect(tasks).toHaveLength(12);
    const dueOf = async (storeId: string) => {
      const id = tasks.find((x) => x.store_id === storeId)?.id;
      const res = await k.call(k.admin, 'GET', `/api/v1/tasks/${id}`);
      return res.json() as { dueAt: string; dueDate: string; status: string };
    };
    // 18:00 in Urumqi (UTC+6) and in Shanghai (UTC+8): the same local time, two instants
    expect(await dueOf(k.home.id)).toMatchObject({ dueAt: ahead('2026-12-01T12:00:00.000Z'), dueDate: ahead('2026-12-01'), status: 'open' });
    expect(await dueOf(k.sameRegion.id)).toMatchObject({ dueAt: ahead('2026-12-01T10:00:00.000Z'), dueDate: ahead('2026-12-01') });
    const audit = await k.t.db.pool.query("SELECT after FROM audit_log WHERE action = 'task.sent' AND entity_id = $1", [sent.id]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].after).toMatchObject({ instances: 12, stores: 12 });
    const events = await k.t.db.pool.query("SELECT payload FROM outbox WHERE topic = 'task.sent' AND payload->>'sendId' = $1", [sent.id]);
    expect(events.rows).toHaveLength(1);
  });

  it('warns before a send would pass a store’s weekly minutes, and sends anyway when told', async () => {
    expect((await k.call(k.admin, 'PUT', '/api/v1/operations/settings', { weeklyMinutesCap: 30 })).statusCode).toBe(200);
    const body = { templateId, target: { orgUnitId: k.home.orgUnitId, statuses: allStatuses }, role: 'associate', dueLocal: ahead('2027-01-05T18:00') };
    await k.send(k.admin, body); // 20 of 30 minutes in that week
    const preview = (await k.call(k.admin, 'POST', '/api/v1/task-sends/preview', body)).json();
    expect(preview.loadWarnings.total).toBe(1);
    expect(preview.loadWarnings.stores[0]).toMatchObject({ storeId: k.home.id, weekStart: ahead('2027-01-04'), existingMinutes: 20, addedMinutes: 20 });
    const refused = await k.call(k.admin, 'POST', '/api/v1/task-sends', body);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.details.loadWarnings.stores[0].code).toBe(k.home.code);
    const forced = await k.send(k.admin, { ...body, acknowledgeLoad: true });
    expect(forced.instanceCount).toBe(1);
    // a region manager may not change the tenant-wide cap
    expect((await k.call(k.region, 'PUT', '/api/v1/operations/settings', { weeklyMinutesCap: 9999 })).statusCode).toBe(403);
    expect((await k.call(k.admin, 'PUT', '/api/v1/operations/settings', { weeklyMinutesCap: 10_000 })).statusCode).toBe(200);
  });

  it('lets the store manager give a task to one associate: it leaves the others’ boards and reaches that one’s inbox', async () => {
    const newUser = async (email: string, orgUnitId: string) => {
      const res = await k.call(k.admin, 'POST', '/api/v1/users', { email, name: email.split('@')[0], role: 'associate', orgUnitId, password: 'a-long-password-1' });
      expect(res.statusCode, res.body).toBe(201);
      return { id: res.json().user.id as string, session: await k.t.signIn(email, 'a-long-password-1') };
    };
    const second = await newUser('second.associate@demo.storeos.dev', k.home.orgUnitId);
    const elsewhere = await newUser('far.associate@demo.storeos.dev', k.otherRegion.orgUnitId);
    const sent = await k.send(k.admin, { templateId, target: { orgUnitId: k.home.orgUnitId, statuses: allStatuses }, role: 'associate', dueLocal: ahead('2026-12-21T18:00') });
    const [{ id }] = await k.tasksOf(sent.id);
    const mine = async (s: typeof k.associate) =>
      ((await k.call(s, 'GET', `/api/v1/stores/${k.home.id}/tasks`)).json().data as { id: string }[]).map((x) => x.id);
    expect(await mine(k.associate)).toContain(id);
    expect(await mine(second.session)).toContain(id);

    const staff = (await k.call(k.manager, 'GET', `/api/v1/stores/${k.home.id}/tasks/assignees`)).json().data as { id: string }[];
    expect(staff.map((p) => p.id)).toContain(second.id);
    expect(staff.map((p) => p.id)).not.toContain(elsewhere.id);
    expect((await k.call(k.associate, 'POST', `/api/v1/tasks/${id}/assign`, { userId: second.id })).statusCode).toBe(403);
    const far = await k.call(k.manager, 'POST', `/api/v1/tasks/${id}/assign`, { userId: elsewhere.id });
    expect(far.statusCode).toBe(400);
    expect(far.json().error.details.issues[0].path).toBe('body.userId');
    const given = await k.call(k.manager, 'POST', `/api/v1/tasks/${id}/assign`, { userId: second.id, version: 1 });
    expect(given.statusCode, given.body).toBe(200);
    expect(given.json()).toMatchObject({ assignee: { id: second.id }, version: 2 });
    expect((await k.call(k.manager, 'POST', `/api/v1/tasks/${id}/assign`, { userId: null, version: 1 })).statusCode).toBe(409);

    expect(await mine(k.associate)).not.toContain(id);
    expect(await mine(second.session)).toContain(id);
    const all = (await k.call(k.associate, 'GET', `/api/v1/stores/${k.home.id}/tasks?view=all`)).json().data as { id: string }[];
    expect(all.map((x) => x.id)).toContain(id);
    const inbox = (await k.call(second.session, 'GET', '/api/v1/inbox')).json().data as { kind: string; link: string }[];
    expect(inbox).toContainEqual(expect.objectContaining({ kind: 'task.assigned', link: `/operations/tasks/${id}` }));

    // Back to the role: on every associate's board again.
    expect((await k.call(k.manager, 'POST', `/api/v1/tasks/${id}/assign`, { userId: null })).json().assignee).toBeNull();
    expect(await mine(k.associate)).toContain(id);
  });

  it('checks each answer against its item, asks for photos, and lets one of two approvers win', async () => {
    const sent = await k.send(k.admin, {
      templateId,
      target: { orgUnitId: k.home.orgUnitId, statuses: allStatuses },
      role: 'associate',
      dueLocal: ahead('2026-12-20T18:00'),
    });
    const [{ id }] = await k.tasksOf(sent.id);
    const board = (await k.call(k.associate, 'GET', `/api/v1/stores/${k.home.id}/tasks`)).json();
    expect(board.data.map((x: { id: string }) => x.id)).toContain(id);

    const outOfRange = await k.call(k.associate, 'PUT', `/api/v1/tasks/${id}/answers`, { answers: { temp: 9 } });
    expect(outOfRange.statusCode).toBe(400);
    expect(outOfRange.json().error.message).toContain('Fridge temperature (temp) must be at most 5');
    expect(outOfRange.json().error.details.issues[0]).toMatchObject({ item: 'temp', path: 'body.answers.temp' });
    const wrongType = await k.call(k.associate, 'PUT', `/api/v1/tasks/${id}/answers`, { answers: { done: 'yes' } });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error.details.issues[0].item).toBe('done');
    const noPhoto = await k.call(k.associate, 'POST', `/api/v1/tasks/${id}/submit`, { answers: { done: true, temp: 3 } });
    expect(noPhoto.statusCode).toBe(400);
    expect(noPhoto.json().error.details.issues).toEqual([expect.objectContaining({ item: 'photo', message: 'needs at least 1 photo(s)' })]);
    const unknownFile = await k.call(k.associate, 'PUT', `/api/v1/tasks/${id}/answers`, { answers: { photo: ['fil_0000000000000000'] } });
    expect(unknownFile.statusCode).toBe(400);

    const photo = await k.photo(k.associate, k.home.orgUnitId);
    const draft = await k.call(k.associate, 'PUT', `/api/v1/tasks/${id}/answers`, { answers: { done: true, photo: [photo] } });
    expect(draft.statusCode, draft.body).toBe(200);
    expect(draft.json()).toMatchObject({ status: 'in_progress', files: [expect.objectContaining({ id: photo })] });
    const submitted = await k.call(k.associate, 'POST', `/api/v1/tasks/${id}/submit`, { answers: { done: true, temp: 3, photo: [photo] } });
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json().status).toBe('submitted');

    expect((await k.call(k.associate, 'POST', `/api/v1/tasks/${id}/approve`, {})).statusCode).toBe(403);
    const queue = (await k.call(k.manager, 'GET', '/api/v1/tasks/approvals')).json();
    expect(queue.data.map((x: { id: string }) => x.id)).toContain(id);
    const [a, b] = await Promise.all([
      k.call(k.manager, 'POST', `/api/v1/tasks/${id}/approve`, {}),
      k.call(k.region, 'POST', `/api/v1/tasks/${id}/approve`, {}),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json().error.details).toMatchObject({ from: 'approved', allowed: [] });
    const again = await k.call(k.associate, 'POST', `/api/v1/tasks/${id}/submit`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain('approved');
  });

  it('returns a task with a reason to be worked again, and refuses a stale version', async () => {
    const sent = await k.send(k.admin, {
      templateId,
      target: { orgUnitId: k.home.orgUnitId, statuses: allStatuses },
      role: 'associate',
      dueLocal: ahead('2026-12-21T18:00'),
    });
    const [{ id }] = await k.tasksOf(sent.id);
    const photo = await k.photo(k.associate, k.home.orgUnitId);
    const submitted = (await k.call(k.associate, 'POST', `/api/v1/tasks/${id}/submit`, { answers: { done: true, temp: 1, photo: [photo] } })).json();
    expect((await k.call(k.manager, 'POST', `/api/v1/tasks/${id}/return`, { reason: ' ' })).statusCode).toBe(400);
    const stale = await k.call(k.manager, 'POST', `/api/v1/tasks/${id}/return`, { reason: 'Blurry photo', version: submitted.version - 1 });
    expect(stale.statusCode).toBe(409);
    const returned = await k.call(k.manager, 'POST', `/api/v1/tasks/${id}/return`, { reason: 'Blurry photo', version: submitted.version });
    expect(returned.json()).toMatchObject({ status: 'returned', returnReason: 'Blurry photo' });
    expect((await k.call(k.manager, 'POST', `/api/v1/tasks/${id}/approve`, {})).json().error.details).toMatchObject({ from: 'returned' });
    expect((await k.call(k.associate, 'PUT', `/api/v1/tasks/${id}/answers`, { answers: { done: true, temp: 2, photo: [photo] } })).json().status).toBe(
      'in_progress',
    );
    expect((await k.call(k.associate, 'POST', `/api/v1/tasks/${id}/submit`, {})).json().status).toBe('submitted');
  });

  it('keeps the template version a task was sent with', async () => {
    const tpl = await k.template(k.admin, {
      orgUnitId: k.rootUnitId,
      name: 'Count the tills',
      definition: { items: [{ key: 'count', label: 'Tills counted', type: 'number', min: 0 }] },
    });
    const sent = await k.send(k.admin, { templateId: tpl.id, target: { orgUnitId: k.home.orgUnitId, statuses: allStatuses }, dueLocal: ahead('2026-12-22T18:00') });
    const changed = await k.call(k.admin, 'PATCH', `/api/v1/task-templates/${tpl.id}`, {
      version: 1,
      definition: { items: [{ key: 'till', label: 'Till photo', type: 'photo' }] },
    });
    expect(changed.json().version).toBe(2);
    expect((await k.call(k.admin, 'PATCH', `/api/v1/task-templates/${tpl.id}`, { version: 1, name: 'x' })).statusCode).toBe(409);
    const [{ id }] = await k.tasksOf(sent.id);
    const task = (await k.call(k.manager, 'GET', `/api/v1/tasks/${id}`)).json();
    expect(task.templateVersion).toBe(1);
    expect(task.definition.items.map((i: { key: string }) => i.key)).toEqual(['count']);
    // no approval asked: a submission completes it
    expect((await k.call(k.manager, 'POST', `/api/v1/tasks/${id}/submit`, { answers: { count: 4 } })).json().status).toBe('approved');
  });

  it('marks tasks overdue and expired by the clock, and escalates to the store manager, then the region manager', async () => {
    const tpl = await k.template(k.admin, {
      orgUnitId: k.rootUnitId,
      name: 'Close the freezer lids',
      definition: { sla: { storeManagerAfterMinutes: 30, regionManagerAfterMinutes: 60 }, items: [{ key: 'ok', label: 'Lids closed', type: 'checkbox' }] },
    });
    const sent = await k.send(k.admin, {
      templateId: tpl.id,
      target: { orgUnitId: k.home.orgUnitId, statuses: allStatuses },
      role: 'associate',
      dueLocal: ahead('2026-12-02T10:00'),
      expireAfterMinutes: 1440,
    });
    const [{ id }] = await k.tasksOf(sent.id);
    const sentTo: Notification[] = [];
    const recorder = async (n: Notification, tx: Executor) => {
      if (n.data?.taskId === id) sentTo.push(n);
      return notify({ db: k.t.db }, n, tx);
    };
    const status = async () => (await k.call(k.associate, 'GET', `/api/v1/tasks/${id}`)).json().status;
    // 10:00 in Urumqi is 04:00 UTC
    await runTaskClock(k.t.db, recorder, new Date(ahead('2026-12-02T03:59:00Z')));
    expect(await status()).toBe('open');
    await runTaskClock(k.t.db, recorder, new Date(ahead('2026-12-02T04:01:00Z')));
    expect(await status()).toBe('overdue');
    expect(sentTo).toHaveLength(0);
    const board = (await k.call(k.associate, 'GET', `/api/v1/stores/${k.home.id}/tasks`)).json();
    expect(board.data[0].status).toBe('overdue');

    await runTaskClock(k.t.db, recorder, new Date(ahead('2026-12-02T04:31:00Z')));
    expect(sentTo.map((n) => [n.to.role, n.orgUnitId])).toEqual([['store_manager', k.home.orgUnitId]]);
    await runTaskClock(k.t.db, recorder, new Date(ahead('2026-12-02T05:29:00Z')));
    expect(sentTo).toHaveLength(1);
    await runTaskClock(k.t.db, recorder, new Date(ahead('2026-12-02T05:31:00Z')));
    await runTaskClock(k.t.db, recorder, new Date(ahead('2026-12-02T05:32:00Z')));
    expect(sentTo.map((n) => [n.to.role, n.orgUnitId])).toEqual([
      ['store_manager', k.home.orgUnitId],
      ['region_manager', k.home.parentOrgUnitId],
    ]);
    const inbox = await k.t.db.pool.query(
      "SELECT u.email FROM inbox_items i JOIN users u ON u.id = i.user_id WHERE i.kind = 'task.overdue' AND i.data->>'taskId' = $1 ORDER BY u.email",
      [id],
    );
    expect(inbox.rows.map((r) => r.email)).toEqual(expect.arrayContaining(['region.manager@demo.storeos.dev', 'store.manager@demo.storeos.dev']));

    await runTaskClock(k.t.db, recorder, new Date(ahead('2026-12-03T04:01:00Z')));
    expect(await status()).toBe('expired');
    expect((await k.call(k.associate, 'POST', `/api/v1/tasks/${id}/submit`, { answers: { ok: true } })).json().error.details).toMatchObject({
      from: 'expired',
      allowed: [],
    });
  });

  it('materialises a weekly RRULE at 09:00 local time, ahead and only once', async () => {
    const body = {
      templateId,
      target: { orgUnitId: k.home.orgUnitId, statuses: allStatuses },
      role: 'associate',
      recurrence: { rrule: 'RRULE:FREQ=WEEKLY;BYDAY=MO', startsLocal: ahead('2026-11-30T09:00'), dueAfterMinutes: 480 },
      acknowledgeLoad: true,
    };
    const sent = await k.send(k.admin, body);
    const occurrences = async () =>
      (
        await k.t.db.pool.query(
          "SELECT to_char(opens_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS at FROM task_instances WHERE send_id = $1 ORDER BY opens_at",
          [sent.id],
        )
      ).rows.map((r) => r.at);
    const first = await occurrences();
    expect(first[0]).toBe(ahead('2026-11-30 03:00')); // 09:00 in Urumqi
    expect(first.length).toBe(sent.instanceCount);
    await materialiseRecurrences(k.t.db, new Date(ahead('2026-12-20T00:00:00Z')));
    await materialiseRecurrences(k.t.db, new Date(ahead('2026-12-20T00:00:00Z')));
    const later = await occurrences();
    expect(later.slice(-3)).toEqual([ahead('2026-12-14 03:00'), ahead('2026-12-21 03:00'), ahead('2026-12-28 03:00')]);
    expect(new Set(later).size).toBe(later.length);
    const bad = await k.call(k.admin, 'POST', '/api/v1/task-sends', { ...body, recurrence: { ...body.recurrence, rrule: 'FREQ=SECONDLY' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('recurrence.rrule');
  });
});
