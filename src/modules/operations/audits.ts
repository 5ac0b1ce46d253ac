import { and, asc, desc, eq, type SQL, sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { type Actor, can, requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { underPaths } from '../org/index.ts';
import { findStoreInScope, stores } from '../stores/index.ts';
import { itemOutcome, scoreAudit } from './audit-scoring.ts';
import { type Answers, answerFileIds, answerProblems, type AnswerMode } from './checklist.ts';
import { attachedFiles, checkFiles, openAttached } from './evidence.ts';
import { audits, correctiveActions } from './schema.ts';
import { definitionOf } from './tasks.ts';
import { findTemplate } from './templates.ts';

/** Days a store has to put a failed audit item right. */
export const correctiveDays = 7;

const auditColumns = {
  id: audits.id,
  templateId: audits.templateId,
  templateVersion: audits.templateVersion,
  storeId: audits.storeId,
  storeCode: stores.code,
  storeName: stores.name,
  auditorId: audits.auditorId,
  auditorLabel: audits.auditorLabel,
  status: audits.status,
  score: audits.score,
  passed: audits.passed,
  criticalFailed: audits.criticalFailed,
  version: audits.version,
  startedAt: audits.startedAt,
  completedAt: audits.completedAt,
};

async function findAudit(db: Executor, actor: Actor, id: string, lock = false) {
  const query = db
    .select({ ...auditColumns, answers: audits.answers, orgPath: stores.orgPath, storeOrgUnitId: stores.orgUnitId })
    .from(audits)
    .innerJoin(stores, eq(stores.id, audits.storeId))
    .where(and(eq(audits.tenantId, actor.tenantId), eq(audits.id, id)));
  const [row] = lock ? await query.for('update', { of: audits }) : await query;
  if (!row || !can(actor, 'audits:read', row.orgPath)) notFound('audit', id);
  return row;
}

/** Audits of stores in the caller's scope, newest first. */
export async function listAudits(ctx: Ctx, q: { storeId?: string; status?: string; limit: number }) {
  const paths = requireScope(ctx.actor, 'audits:read');
  const where: SQL[] = [eq(audits.tenantId, ctx.actor.tenantId), underPaths(stores.orgPath, paths)];
  if (q.storeId) where.push(eq(audits.storeId, q.storeId));
  if (q.status) where.push(eq(audits.status, q.status));
  return ctx.db.orm
    .select(auditColumns)
    .from(audits)
    .innerJoin(stores, eq(stores.id, audits.storeId))
    .where(and(...where))
    .orderBy(desc(audits.startedAt))
    .limit(q.limit);
}

/** One audit: its checklist, answers, each item's outcome, the corrective actions it opened and its photos. */
export async function auditDetail(ctx: Pick<Ctx, 'db' | 'actor'>, id: string, db: Executor = ctx.db.orm) {
  const { orgPath, answers, ...a } = await findAudit(db, ctx.actor, id);
  const definition = await definitionOf(db, a.templateId, a.templateVersion);
  const actions = await db
    .select({
      id: correctiveActions.id,
      itemId: correctiveActions.itemId,
      itemLabel: correctiveActions.itemLabel,
      status: correctiveActions.status,
      dueAt: correctiveActions.dueAt,
    })
    .from(correctiveActions)
    .where(eq(correctiveActions.auditId, id))
    .orderBy(asc(correctiveActions.createdAt));
  const outcomes = Object.fromEntries(definition.items.map((i) => [i.key, a.status === 'completed' ? itemOutcome(i, answers[i.key]) : null]));
  const files = await attachedFiles(ctx, answerFileIds(definition.items, answers), `/api/v1/audits/${id}`);
  return { ...a, answers, definition, outcomes, correctiveActions: actions, files, can: { run: can(ctx.actor, 'audits:run', orgPath) } };
}

/** A photo or signature of an audit the caller may see. */
export async function auditFile(ctx: Pick<Ctx, 'db' | 'actor'>, id: string, fileId: string) {
  const a = await findAudit(ctx.db.orm, ctx.actor, id);
  const definition = await definitionOf(ctx.db.orm, a.templateId, a.templateVersion);
  return openAttached(ctx, answerFileIds(definition.items, a.answers), fileId);
}

/** Starts an audit of a store with an audit template (a region manager, or HQ). */
export async function startAudit(ctx: Ctx, input: { templateId: string; storeId: string }) {
  return ctx.db.orm.transaction(async (tx) => {
    const store = await findStoreInScope(tx, ctx.actor, input.storeId, 'audits:run');
    const template = await findTemplate(tx, ctx.actor, input.templateId);
    if (template.kind !== 'audit')
      throw new AppError('invalid', 'only audit templates are run as audits', { issues: [{ path: 'body.templateId', message: 'is a task template' }] });
    if (!store.orgPath.startsWith(template.orgPath))
      throw new AppError('invalid', `template ${template.name} belongs to ${template.orgUnitName} and cannot be used for this store`);
    const id = newId('aud');
    await tx.insert(audits).values({
      id,
      tenantId: ctx.actor.tenantId,
      templateId: template.id,
      templateVersion: template.version,
      storeId: store.id,
      auditorId: ctx.actor.id,
      auditorLabel: ctx.actor.label,
      status: 'in_progress',
    });
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'audit.started', entityType: 'audit', entityId: id, orgPath: store.orgPath, after: { templateId: template.id, storeId: store.id } },
      ctx.meta,
    );
    return auditDetail(ctx, id, tx);
  });
}

async function loadForRun(ctx: Ctx, tx: Executor, id: string) {
  const a = await findAudit(tx, ctx.actor, id, true);
  if (!can(ctx.actor, 'audits:run', a.orgPath)) throw new AppError('forbidden', 'your role does not allow audits:run on this store');
  if (a.status !== 'in_progress') throw new AppError('conflict', `the audit is ${a.status}; allowed: none`, { from: a.status, allowed: [] });
  return a;
}

async function checkAuditAnswers(ctx: Ctx, db: Executor, a: { templateId: string; templateVersion: number }, answers: Answers, mode: AnswerMode) {
  const def = await definitionOf(db, a.templateId, a.templateVersion);
  const problems = answerProblems(def.items, answers, mode);
  if (problems.length) {
    throw new AppError('invalid', `invalid answers: ${problems.map((p) => `${p.label} (${p.item}) ${p.message}`).join('; ')}`, {
      issues: problems.map((p) => ({ path: `body.answers.${p.item}`, message: p.message, item: p.item, label: p.label })),
    });
  }
  await checkFiles(ctx, answerFileIds(def.items, answers), 'body.answers');
  return def;
}

/** Saves an audit's answers as a draft. */
export async function saveAuditAnswers(ctx: Ctx, id: string, body: { answers: Answers }) {
  return ctx.db.orm.transaction(async (tx) => {
    const a = await loadForRun(ctx, tx, id);
    await checkAuditAnswers(ctx, tx, a, body.answers, 'draft');
    await tx
      .update(audits)
      .set({ answers: body.answers, version: sql`${audits.version} + 1` })
      .where(eq(audits.id, id));
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'audit.answers_saved', entityType: 'audit', entityId: id, orgPath: a.orgPath, after: { answers: body.answers } },
      ctx.meta,
    );
    return auditDetail(ctx, id, tx);
  });
}

/**
 * Completes an audit: scores it (weights; a failed critical item fails it whatever the score) and opens one
 * corrective action per failed item, linked to the item.
 */
export async function completeAudit(ctx: Ctx, id: string, body: { answers?: Answers }) {
  return ctx.db.orm.transaction(async (tx) => {
    const a = await loadForRun(ctx, tx, id);
    const answers = body.answers ?? a.answers;
    const def = await checkAuditAnswers(ctx, tx, a, answers, 'audit');
    const result = scoreAudit(def, answers);
    const now = new Date();
    await tx
      .update(audits)
      .set({
        answers,
        status: 'completed',
        score: result.score,
        passed: result.passed,
        criticalFailed: result.criticalFailed,
        completedAt: now,
        version: sql`${audits.version} + 1`,
      })
      .where(eq(audits.id, id));
    if (result.failed.length) {
      const dueAt = new Date(now.getTime() + correctiveDays * 86_400_000);
      await tx.insert(correctiveActions).values(
        result.failed.map((f) => ({
          id: newId('cra'),
          tenantId: ctx.actor.tenantId,
          auditId: id,
          storeId: a.storeId,
          itemId: f.key,
          itemLabel: f.label,
          status: 'open',
          dueAt,
        })),
      );
    }
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'audit.completed', entityType: 'audit', entityId: id, orgPath: a.orgPath, after: { ...result, answers } },
      ctx.meta,
    );
    await publishEvent(tx, ctx.actor.tenantId, 'audit.completed', {
      auditId: id,
      storeId: a.storeId,
      score: result.score,
      passed: result.passed,
      correctiveActions: result.failed.length,
    });
    return auditDetail(ctx, id, tx);
  });
}
