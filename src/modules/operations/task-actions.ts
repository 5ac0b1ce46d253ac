import { and, eq, sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { can } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Tx } from '../../kernel/db.ts';
import { AppError } from '../../kernel/errors.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { rolePermissions, roles, unitStaff, userHoldsRoleOver } from '../org/index.ts';
import { findStoreInScope } from '../stores/index.ts';
import { type Answers, answerFileIds, answerProblems, type AnswerMode } from './checklist.ts';
import { checkFiles } from './evidence.ts';
import { assertTransition, type TaskStatus, taskTransitions, workableStatuses } from './lifecycles.ts';
import { taskInstances } from './schema.ts';
import type { Notifier } from './task-clock.ts';
import { canApprove, canAssign, definitionOf, findTask, type TaskRow, taskDetail } from './tasks.ts';

/** Refuses answers that do not fit their items: 400 naming each item and what is wrong. */
async function checkAnswers(ctx: Ctx, t: TaskRow, answers: Answers, mode: AnswerMode) {
  const def = await definitionOf(ctx.db.orm, t.templateId, t.templateVersion);
  const problems = answerProblems(def.items, answers, mode);
  if (problems.length) {
    throw new AppError('invalid', `invalid answers: ${problems.map((p) => `${p.label} (${p.item}) ${p.message}`).join('; ')}`, {
      issues: problems.map((p) => ({ path: `body.answers.${p.item}`, message: p.message, item: p.item, label: p.label })),
    });
  }
  await checkFiles(ctx, answerFileIds(def.items, answers), 'body.answers');
}

function checkVersion(t: TaskRow, version: number | undefined) {
  if (version !== undefined && version !== t.version) {
    throw new AppError('conflict', `the task changed since you loaded it (version ${t.version}, not ${version}): reload it`, {
      currentVersion: t.version,
      status: t.status,
    });
  }
}

async function loadForWork(ctx: Ctx, tx: Tx, id: string, version: number | undefined): Promise<TaskRow> {
  const t = await findTask(tx, ctx.actor, id, true);
  if (!can(ctx.actor, 'tasks:execute', t.orgPath)) throw new AppError('forbidden', 'your role does not allow tasks:execute on this store');
  checkVersion(t, version);
  return t;
}

/** Saves answers as a draft (partial answers allowed, each checked against its item); starts an open task. */
export async function saveAnswers(ctx: Ctx, id: string, body: { answers: Answers; version?: number }) {
  return ctx.db.orm.transaction(async (tx) => {
    const t = await loadForWork(ctx, tx, id, body.version);
    if (!workableStatuses.includes(t.status as TaskStatus)) assertTransition('task', taskTransitions, t.status as TaskStatus, 'in_progress');
    await checkAnswers(ctx, t, body.answers, 'draft');
    // An overdue task stays overdue while it is worked: the clock said so, and only a submission ends it.
    const status = t.status === 'overdue' ? 'overdue' : 'in_progress';
    await tx
      .update(taskInstances)
      .set({ answers: body.answers, status, startedAt: t.startedAt ?? new Date(), version: sql`${taskInstances.version} + 1`, updatedAt: new Date() })
      .where(eq(taskInstances.id, id));
    await recordAudit(
      tx,
      ctx.actor,
      {
        action: 'task.answers_saved',
        entityType: 'task',
        entityId: id,
        orgPath: t.orgPath,
        before: { status: t.status },
        after: { status, answers: body.answers },
      },
      ctx.meta,
    );
    return taskDetail(ctx, id, tx);
  });
}

/** Submits a task: every required item answered and valid; straight to approved when the template asks no approval. */
export async function submitTask(ctx: Ctx, id: string, body: { answers?: Answers; version?: number }) {
  return ctx.db.orm.transaction(async (tx) => {
    const t = await loadForWork(ctx, tx, id, body.version);
    const next: TaskStatus = t.approval === 'none' ? 'approved' : 'submitted';
    assertTransition('task', taskTransitions, t.status as TaskStatus, next);
    const answers = body.answers ?? t.answers;
    await checkAnswers(ctx, t, answers, 'task');
    const now = new Date();
    await tx
      .update(taskInstances)
      .set({
        answers,
        status: next,
        startedAt: t.startedAt ?? now,
        submittedAt: now,
        submittedBy: ctx.actor.id,
        approvedAt: next === 'approved' ? now : null,
        returnReason: null,
        version: sql`${taskInstances.version} + 1`,
        updatedAt: now,
      })
      .where(eq(taskInstances.id, id));
    const late = now > t.dueAt;
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'task.submitted', entityType: 'task', entityId: id, orgPath: t.orgPath, before: { status: t.status }, after: { status: next, late, answers } },
      ctx.meta,
    );
    await publishEvent(tx, ctx.actor.tenantId, next === 'approved' ? 'task.completed' : 'task.submitted', {
      taskId: id,
      storeId: t.storeId,
      sendId: t.sendId,
      late,
    });
    return taskDetail(ctx, id, tx);
  });
}

/**
 * Approves or returns a submitted task. The change is one conditional UPDATE (`status = 'submitted'`, and the
 * version when given): of two managers deciding at once, one wins and the other gets 409.
 */
export async function decideTask(ctx: Ctx, id: string, body: { decision: 'approve' | 'return'; reason?: string; version?: number }) {
  return ctx.db.orm.transaction(async (tx) => {
    const t = await findTask(tx, ctx.actor, id);
    if (!canApprove(ctx.actor, t.orgPath, t.approval)) {
      const who = t.approval === 'region_manager' ? 'a region manager (or above)' : 'a manager of the store';
      throw new AppError('forbidden', t.approval === 'none' ? 'this task needs no approval' : `this task is approved by ${who}`);
    }
    const to: TaskStatus = body.decision === 'approve' ? 'approved' : 'returned';
    if (to === 'returned' && !body.reason?.trim())
      throw new AppError('invalid', 'a returned task needs a reason', { issues: [{ path: 'body.reason', message: 'is required' }] });
    const now = new Date();
    const where = [eq(taskInstances.id, id), eq(taskInstances.status, 'submitted')];
    if (body.version !== undefined) where.push(eq(taskInstances.version, body.version));
    const done = await tx
      .update(taskInstances)
      .set({
        status: to,
        approvedAt: to === 'approved' ? now : null,
        approvedBy: to === 'approved' ? ctx.actor.id : null,
        returnReason: to === 'returned' ? (body.reason ?? null) : null,
        version: sql`${taskInstances.version} + 1`,
        updatedAt: now,
      })
      .where(and(...where))
      .returning({ id: taskInstances.id });
    if (done.length === 0) {
      // Lost the race, or the task was never waiting: say what it is now and what it allows.
      const current = await findTask(tx, ctx.actor, id);
      if (current.status !== 'submitted') assertTransition('task', taskTransitions, current.status as TaskStatus, to);
      checkVersion(current, body.version);
      throw new AppError('conflict', 'the task changed while you decided: reload it', { status: current.status });
    }
    await recordAudit(
      tx,
      ctx.actor,
      {
        action: `task.${to}`,
        entityType: 'task',
        entityId: id,
        orgPath: t.orgPath,
        before: { status: 'submitted' },
        after: { status: to, reason: body.reason ?? null },
      },
      ctx.meta,
    );
    await publishEvent(tx, ctx.actor.tenantId, `task.${to}`, { taskId: id, storeId: t.storeId, sendId: t.sendId });
    return taskDetail(ctx, id, tx);
  });
}

/** The roles whose holders work tasks (assignable people hold one of them). */
const executingRoles = roles.filter((r) => rolePermissions[r].includes('tasks:execute'));

/** The people a task of the store can be given to: its own staff who work tasks. */
export async function assignableStaff(ctx: Ctx, storeId: string) {
  const store = await findStoreInScope(ctx.db.orm, ctx.actor, storeId, 'tasks:read');
  const staff = await unitStaff(ctx.db.orm, ctx.actor.tenantId, store.orgUnitId, executingRoles);
  return staff.map(({ id, name, role }) => ({ id, name, role }));
}

/**
 * Gives a task to one person (or back to its role, with `userId: null`): the store's managers do it while the task is
 * still to be worked. The person must work tasks at the store (400 otherwise) and hears of it in their inbox.
 */
export async function assignTask(ctx: Ctx, id: string, body: { userId: string | null; version?: number }, notifier: Notifier) {
  return ctx.db.orm.transaction(async (tx) => {
    const t = await findTask(tx, ctx.actor, id, true);
    if (!canAssign(ctx.actor, t.orgPath)) throw new AppError('forbidden', 'only the store’s managers give tasks to people');
    checkVersion(t, body.version);
    if (!['scheduled', ...workableStatuses].includes(t.status as TaskStatus)) {
      throw new AppError('conflict', `a ${t.status} task is no longer given to anyone`, { status: t.status });
    }
    if (body.userId !== null && !(await userHoldsRoleOver(tx, ctx.actor.tenantId, body.userId, t.orgPath, executingRoles))) {
      throw new AppError('invalid', 'body.userId: this person does not work tasks at this store', {
        issues: [{ path: 'body.userId', message: 'does not work tasks at this store' }],
      });
    }
    await tx
      .update(taskInstances)
      .set({ assigneeId: body.userId, version: sql`${taskInstances.version} + 1`, updatedAt: new Date() })
      .where(eq(taskInstances.id, id));
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'task.assigned', entityType: 'task', entityId: id, orgPath: t.orgPath, before: { assigneeId: t.assigneeId }, after: { assigneeId: body.userId } },
      ctx.meta,
    );
    if (body.userId !== null && body.userId !== t.assigneeId) {
      await notifier(
        {
          tenantId: ctx.actor.tenantId,
          orgUnitId: t.storeOrgUnitId,
          to: { userIds: [body.userId] },
          kind: 'task.assigned',
          title: `Task for you: ${t.title}`,
          body: `${t.storeCode} ${t.storeName}: ${ctx.actor.label} gave you “${t.title}”, due ${t.dueAt.toISOString()}.`,
          link: `/operations/tasks/${id}`,
          data: { taskId: id, storeId: t.storeId, dueAt: t.dueAt.toISOString() },
        },
        tx,
      );
    }
    return taskDetail(ctx, id, tx);
  });
}
