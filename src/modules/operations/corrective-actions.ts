import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { type Actor, can, requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { underPaths } from '../org/index.ts';
import { stores } from '../stores/index.ts';
import { attachedFiles, checkFiles, openAttached } from './evidence.ts';
import { assertTransition, type CorrectiveStatus, correctiveTransitions } from './lifecycles.ts';
import { correctiveActions } from './schema.ts';

const columns = {
  id: correctiveActions.id,
  auditId: correctiveActions.auditId,
  storeId: correctiveActions.storeId,
  storeCode: stores.code,
  storeName: stores.name,
  itemId: correctiveActions.itemId,
  itemLabel: correctiveActions.itemLabel,
  status: correctiveActions.status,
  note: correctiveActions.note,
  photoFileIds: correctiveActions.photoFileIds,
  reviewNote: correctiveActions.reviewNote,
  dueAt: correctiveActions.dueAt,
  version: correctiveActions.version,
  createdAt: correctiveActions.createdAt,
  updatedAt: correctiveActions.updatedAt,
};

/** Corrective actions of stores in the caller's scope, soonest due first. */
export async function listCorrectiveActions(ctx: Ctx, q: { storeId?: string; auditId?: string; status?: CorrectiveStatus[]; limit: number }) {
  const paths = requireScope(ctx.actor, 'audits:read');
  const where: SQL[] = [eq(correctiveActions.tenantId, ctx.actor.tenantId), underPaths(stores.orgPath, paths)];
  if (q.storeId) where.push(eq(correctiveActions.storeId, q.storeId));
  if (q.auditId) where.push(eq(correctiveActions.auditId, q.auditId));
  if (q.status?.length) where.push(inArray(correctiveActions.status, q.status));
  return ctx.db.orm
    .select(columns)
    .from(correctiveActions)
    .innerJoin(stores, eq(stores.id, correctiveActions.storeId))
    .where(and(...where))
    .orderBy(asc(correctiveActions.dueAt), asc(correctiveActions.id))
    .limit(q.limit);
}

async function findAction(db: Executor, actor: Actor, id: string, lock = false) {
  const query = db
    .select({ ...columns, orgPath: stores.orgPath, storeOrgUnitId: stores.orgUnitId })
    .from(correctiveActions)
    .innerJoin(stores, eq(stores.id, correctiveActions.storeId))
    .where(and(eq(correctiveActions.tenantId, actor.tenantId), eq(correctiveActions.id, id)));
  const [row] = lock ? await query.for('update', { of: correctiveActions }) : await query;
  if (!row || !can(actor, 'audits:read', row.orgPath)) notFound('corrective action', id);
  return row;
}

/** One corrective action with its photos and the next states allowed. */
export async function correctiveActionDetail(ctx: Pick<Ctx, 'db' | 'actor'>, id: string, db: Executor = ctx.db.orm) {
  const { orgPath, ...row } = await findAction(db, ctx.actor, id);
  return {
    ...row,
    photos: await attachedFiles(ctx, row.photoFileIds, `/api/v1/corrective-actions/${id}`),
    allowed: [...correctiveTransitions[row.status as CorrectiveStatus]],
    can: { work: can(ctx.actor, 'tasks:execute', orgPath), review: can(ctx.actor, 'audits:run', orgPath) },
  };
}

/** A photo of a corrective action the caller may see. */
export async function correctiveActionFile(ctx: Pick<Ctx, 'db' | 'actor'>, id: string, fileId: string) {
  const row = await findAction(ctx.db.orm, ctx.actor, id);
  return openAttached(ctx, row.photoFileIds, fileId);
}

/**
 * Moves a corrective action: the store works it and sends it for review with at least one photo; the auditor's
 * side approves it or pushes it back with a note. A stale `version` or a refused step answers 409.
 */
export async function moveCorrectiveAction(ctx: Ctx, id: string, body: { to: CorrectiveStatus; note?: string; photoFileIds?: string[]; version?: number }) {
  return ctx.db.orm.transaction(async (tx) => {
    const row = await findAction(tx, ctx.actor, id, true);
    if (body.version !== undefined && body.version !== row.version)
      throw new AppError('conflict', `the action changed since you loaded it (version ${row.version}): reload it`, { currentVersion: row.version });
    const from = row.status as CorrectiveStatus;
    assertTransition('corrective action', correctiveTransitions, from, body.to);
    const review = body.to === 'approved' || body.to === 'pushed_back';
    const permission = review ? 'audits:run' : 'tasks:execute';
    if (!can(ctx.actor, permission, row.orgPath)) throw new AppError('forbidden', `your role does not allow ${permission} on this store`);
    const photos = body.photoFileIds ?? row.photoFileIds;
    if (body.to === 'pending_review') {
      if (photos.length === 0)
        throw new AppError('invalid', 'send a photo of the fix for review', { issues: [{ path: 'body.photoFileIds', message: 'needs at least one photo' }] });
      await checkFiles(ctx, photos, 'body.photoFileIds');
    }
    if (body.to === 'pushed_back' && !body.note?.trim())
      throw new AppError('invalid', 'pushing back needs a note', { issues: [{ path: 'body.note', message: 'is required' }] });
    await tx
      .update(correctiveActions)
      .set({
        status: body.to,
        photoFileIds: photos,
        note: review ? row.note : (body.note ?? row.note),
        reviewNote: review ? (body.note ?? null) : row.reviewNote,
        version: sql`${correctiveActions.version} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(correctiveActions.id, id));
    await recordAudit(
      tx,
      ctx.actor,
      {
        action: `corrective_action.${body.to}`,
        entityType: 'corrective_action',
        entityId: id,
        orgPath: row.orgPath,
        before: { status: from },
        after: { status: body.to, note: body.note ?? null, photoFileIds: photos },
      },
      ctx.meta,
    );
    await publishEvent(tx, ctx.actor.tenantId, 'corrective_action.changed', { actionId: id, auditId: row.auditId, storeId: row.storeId, from, to: body.to });
    return correctiveActionDetail(ctx, id, tx);
  });
}
