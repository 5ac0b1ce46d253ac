import { and, eq } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { type Actor, can, requirePermission } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { fileRefs } from '../files/index.ts';
import { findStoreInScope } from '../stores/index.ts';
import { changeAssetStatus } from './asset-status.ts';
import { assetOfStore } from './assets.ts';
import { pmWorkOrderClosed } from './pm-schedules.ts';
import { assets, type ChecklistItem, type PartUsed, workOrders } from './schema.ts';
import { bumped, checkAssignment, notifyWorkOrder, openWorkOrder, recordWorkOrderEvent, type WorkOrderRow } from './work-order-open.ts';
import { assertWorkOrderTransition, type Priority, type WorkOrderStatus } from './work-order-states.ts';

/**
 * Loads a work order for an operation needing `permission`: 404 when the caller cannot see it (maintenance:read on
 * its store), 403 when they can see it but not do this. `lock` holds the row for the change that follows.
 */
export async function findWorkOrderInScope(db: Executor, actor: Actor, id: string, permission = 'maintenance:read', lock = false): Promise<WorkOrderRow> {
  const query = db
    .select()
    .from(workOrders)
    .where(and(eq(workOrders.tenantId, actor.tenantId), eq(workOrders.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row || !can(actor, 'maintenance:read', row.orgPath)) notFound('work order', id);
  if (!can(actor, permission, row.orgPath)) throw new AppError('forbidden', `your role does not allow ${permission} on this work order`);
  return row;
}

/** Refuses a change made on an out-of-date copy: of two people saving at once, the second gets 409 and reloads. */
function checkVersion(row: WorkOrderRow, version: number | undefined): void {
  if (version !== undefined && version !== row.version) {
    throw new AppError('conflict', `work order ${row.id} was changed by someone else (your version ${version}, now ${row.version}); reload and try again`, {
      version: row.version,
    });
  }
}

/** A work order a person opens by hand. */
export interface CreateWorkOrderInput {
  storeId: string;
  assetId?: string | null;
  title: string;
  description?: string | null;
  priority: Priority;
  assigneeUserId?: string | null;
  contractorId?: string | null;
  checklist?: string[];
  photoIds?: string[];
  dueAt?: Date | null;
}

/** Opens a work order by hand in a store the caller may maintain. */
export async function createWorkOrder(ctx: Ctx, input: CreateWorkOrderInput): Promise<WorkOrderRow> {
  const store = await findStoreInScope(ctx.db.orm, ctx.actor, input.storeId);
  requirePermission(ctx.actor, 'maintenance:write', store.orgPath);
  await fileRefs(ctx, input.photoIds ?? []);
  return ctx.db.orm.transaction(async (tx) => {
    if (input.assetId) await assetOfStore(tx, ctx.actor.tenantId, store.id, input.assetId);
    await checkAssignment(tx, ctx.actor.tenantId, store.orgPath, input);
    return openWorkOrder(
      tx,
      ctx.db,
      ctx.actor,
      { ...input, site: { storeId: store.id, orgUnitId: store.orgUnitId, orgPath: store.orgPath }, source: 'manual' },
      ctx.meta,
    );
  });
}

/** What a person may change on a work order; `version` is the one they saw. */
export interface WorkOrderPatch {
  version?: number;
  title?: string;
  description?: string | null;
  priority?: Priority;
  assigneeUserId?: string | null;
  contractorId?: string | null;
  checklist?: ChecklistItem[];
  timeSpentMinutes?: number;
  parts?: PartUsed[];
  photoIds?: string[];
}

/**
 * Changes a work order. Assignment, title and priority need maintenance:write; checklist, time, parts and photos
 * need maintenance:work (the technician doing it). A closed work order changes no more (409).
 */
export async function updateWorkOrder(ctx: Ctx, id: string, patch: WorkOrderPatch): Promise<WorkOrderRow> {
  const { version, ...changes } = patch;
  const planning = ['title', 'description', 'priority', 'assigneeUserId', 'contractorId'].some((k) => k in changes);
  const working = ['checklist', 'timeSpentMinutes', 'parts', 'photoIds'].some((k) => k in changes);
  if (changes.photoIds) await fileRefs(ctx, changes.photoIds);
  return ctx.db.orm.transaction(async (tx) => {
    const before = await findWorkOrderInScope(tx, ctx.actor, id, planning ? 'maintenance:write' : 'maintenance:work', true);
    if (working) requirePermission(ctx.actor, 'maintenance:work', before.orgPath);
    checkVersion(before, version);
    if (before.status === 'COMPLETE' || before.status === 'CANCELLED')
      throw new AppError('conflict', `work order ${id} is ${before.status} and can no longer change`, { allowed: [] });
    await checkAssignment(tx, before.tenantId, before.orgPath, {
      assigneeUserId: changes.assigneeUserId !== before.assigneeUserId ? changes.assigneeUserId : null,
      contractorId: changes.contractorId !== before.contractorId ? changes.contractorId : null,
    });
    const [row] = await tx.update(workOrders).set(bumped(changes)).where(eq(workOrders.id, id)).returning();
    const changed = Object.keys(changes).filter(
      (k) => JSON.stringify((before as Record<string, unknown>)[k]) !== JSON.stringify((row as Record<string, unknown>)[k]),
    );
    await recordWorkOrderEvent(tx, row, ctx.actor, {
      action: 'updated',
      data: { changed, ...Object.fromEntries(changed.map((k) => [k, (row as Record<string, unknown>)[k]])) },
    });
    await recordAudit(
      tx,
      ctx.actor,
      {
        action: 'work_order.updated',
        entityType: 'work_order',
        entityId: id,
        orgPath: row.orgPath,
        before: Object.fromEntries(changed.map((k) => [k, (before as Record<string, unknown>)[k]])),
        after: changes,
      },
      ctx.meta,
    );
    if (changes.assigneeUserId && changes.assigneeUserId !== before.assigneeUserId) {
      await notifyWorkOrder(tx, ctx.db, row, 'work_order.assigned', `Assigned to you: ${row.title}`, `Priority ${row.priority}.`);
    }
    return row;
  });
}

/** Moves a work order to `to` inside a transaction that already holds its row; shared by people and flows. */
export async function applyTransition(
  tx: Executor,
  actor: Actor,
  before: WorkOrderRow,
  to: WorkOrderStatus,
  opts: { note?: string | null; signatureFileId?: string | null; at?: Date } = {},
): Promise<WorkOrderRow> {
  assertWorkOrderTransition(before.status, to);
  const at = opts.at ?? new Date();
  const set: Partial<WorkOrderRow> = { status: to };
  if (to === 'IN_PROGRESS' && !before.acknowledgedAt) set.acknowledgedAt = at;
  if (to === 'COMPLETE') {
    set.completedAt = at;
    set.closedAt = at;
    if (!before.acknowledgedAt) set.acknowledgedAt = at;
    if (opts.signatureFileId) set.signatureFileId = opts.signatureFileId;
  }
  if (to === 'CANCELLED') set.closedAt = at;
  const [row] = await tx.update(workOrders).set(bumped(set)).where(eq(workOrders.id, before.id)).returning();
  await recordWorkOrderEvent(tx, row, actor, {
    action: 'transition',
    from: before.status,
    to,
    note: opts.note,
    at,
    data: opts.signatureFileId ? { signatureFileId: opts.signatureFileId } : {},
  });
  await publishEvent(tx, row.tenantId, 'work_order.status_changed', {
    workOrderId: row.id,
    storeId: row.storeId,
    assetId: row.assetId,
    from: before.status,
    to,
  });
  if (to === 'COMPLETE' || to === 'CANCELLED') {
    if (row.pmScheduleId) await pmWorkOrderClosed(tx, row.pmScheduleId, row.id, to, at);
    // A repaired asset is up again, unless a critical alarm still holds it down.
    if (to === 'COMPLETE' && row.assetId) {
      const [asset] = await tx.select().from(assets).where(eq(assets.id, row.assetId)).for('update');
      if (asset && asset.status === 'down' && asset.downReason !== 'alarm') await changeAssetStatus(tx, asset, 'operational', 'repaired', at);
    }
  }
  return row;
}

/** A person moves a work order along its lifecycle (409 with the allowed moves otherwise); completing needs a signature. */
export async function transitionWorkOrder(
  ctx: Ctx,
  id: string,
  input: { to: WorkOrderStatus; version?: number; note?: string; signatureFileId?: string },
): Promise<WorkOrderRow> {
  if (input.signatureFileId) await fileRefs(ctx, [input.signatureFileId]);
  return ctx.db.orm.transaction(async (tx) => {
    const permission = input.to === 'CANCELLED' ? 'maintenance:write' : 'maintenance:work';
    const before = await findWorkOrderInScope(tx, ctx.actor, id, permission, true);
    checkVersion(before, input.version);
    assertWorkOrderTransition(before.status, input.to);
    if (input.to === 'COMPLETE' && !input.signatureFileId && !before.signatureFileId) {
      throw new AppError('invalid', 'completing a work order needs a signature (upload the drawn signature as a file and send its id)', {
        issues: [{ path: 'body.signatureFileId', message: 'required to complete' }],
      });
    }
    const row = await applyTransition(tx, ctx.actor, before, input.to, { note: input.note, signatureFileId: input.signatureFileId });
    await recordAudit(
      tx,
      ctx.actor,
      {
        action: 'work_order.transitioned',
        entityType: 'work_order',
        entityId: id,
        orgPath: row.orgPath,
        before: { status: before.status },
        after: { status: row.status, note: input.note ?? null },
      },
      ctx.meta,
    );
    return row;
  });
}

/** Adds a note (and photos) to a work order's history. */
export async function addWorkOrderNote(ctx: Ctx, id: string, input: { text: string; photoIds?: string[] }): Promise<WorkOrderRow> {
  const photos = await fileRefs(ctx, input.photoIds ?? []);
  return ctx.db.orm.transaction(async (tx) => {
    const before = await findWorkOrderInScope(tx, ctx.actor, id, 'maintenance:work', true);
    const set = photos.length ? { photoIds: [...new Set([...before.photoIds, ...photos.map((p) => p.id)])] } : {};
    const [row] = await tx.update(workOrders).set(bumped(set)).where(eq(workOrders.id, id)).returning();
    await recordWorkOrderEvent(tx, row, ctx.actor, { action: 'note', note: input.text, data: photos.length ? { photoIds: photos.map((p) => p.id) } : {} });
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'work_order.noted', entityType: 'work_order', entityId: id, orgPath: row.orgPath, after: { note: input.text } },
      ctx.meta,
    );
    return row;
  });
}
