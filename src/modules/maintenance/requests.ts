import { and, desc, eq, type SQL } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { can, requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Database, Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { fileRefsOf, publicFilesOf } from '../files/index.ts';
import { notify } from '../notifications/index.ts';
import { underPaths } from '../org/index.ts';
import { stores } from '../stores/index.ts';
import type { AssetRow } from './asset-status.ts';
import { assets, maintenanceRequests } from './schema.ts';
import { checkAssignment, openWorkOrder } from './work-order-open.ts';
import type { Priority } from './work-order-states.ts';

type RequestRow = typeof maintenanceRequests.$inferSelect;

/** Files a fault reported through an asset's QR code (no sign-in) and tells the store's managers. */
export async function fileRequest(
  db: Database,
  asset: AssetRow,
  input: { description: string; reporterName?: string | null; reporterContact?: string | null; photoIds?: string[] },
): Promise<{ id: string }> {
  return db.orm.transaction(async (tx) => {
    const photos = await publicFilesOf(tx, asset.tenantId, asset.orgPath, input.photoIds ?? []);
    const [row] = await tx
      .insert(maintenanceRequests)
      .values({
        id: newId('mrq'),
        tenantId: asset.tenantId,
        assetId: asset.id,
        storeId: asset.storeId,
        orgPath: asset.orgPath,
        description: input.description,
        reporterName: input.reporterName ?? null,
        reporterContact: input.reporterContact ?? null,
        photoIds: photos.map((p) => p.id),
      })
      .returning();
    await notify(
      { db },
      {
        tenantId: asset.tenantId,
        orgUnitId: asset.orgUnitId,
        to: { role: 'store_manager' },
        kind: 'maintenance_request.filed',
        title: `Fault reported: ${asset.name}`,
        body: input.description.slice(0, 300),
        link: '/maintenance/requests',
        data: { requestId: row.id, assetId: asset.id, storeId: asset.storeId },
      },
      tx,
    );
    return { id: row.id };
  });
}

/** The requests in the caller's scope (pending by default), newest first. */
export async function listRequests(ctx: Ctx, q: { status?: RequestRow['status']; storeId?: string; limit: number }) {
  const paths = requireScope(ctx.actor, 'maintenance:read');
  const where: SQL[] = [
    eq(maintenanceRequests.tenantId, ctx.actor.tenantId),
    underPaths(maintenanceRequests.orgPath, paths),
    eq(maintenanceRequests.status, q.status ?? 'pending'),
  ];
  if (q.storeId) where.push(eq(maintenanceRequests.storeId, q.storeId));
  const rows = await ctx.db.orm
    .select({ r: maintenanceRequests, assetName: assets.name, storeName: stores.name })
    .from(maintenanceRequests)
    .innerJoin(assets, eq(assets.id, maintenanceRequests.assetId))
    .innerJoin(stores, eq(stores.id, maintenanceRequests.storeId))
    .where(and(...where))
    .orderBy(desc(maintenanceRequests.createdAt))
    .limit(q.limit);
  const data = [];
  for (const { r, assetName, storeName } of rows) {
    const { tenantId: _t, orgPath: _p, ...shown } = r;
    data.push({ ...shown, assetName, storeName, photos: await fileRefsOf(ctx.db.orm, r.tenantId, r.photoIds) });
  }
  return { data };
}

async function findPending(tx: Executor, ctx: Ctx, id: string): Promise<RequestRow> {
  const [row] = await tx
    .select()
    .from(maintenanceRequests)
    .where(and(eq(maintenanceRequests.tenantId, ctx.actor.tenantId), eq(maintenanceRequests.id, id)))
    .for('update');
  if (!row || !can(ctx.actor, 'maintenance:read', row.orgPath)) notFound('request', id);
  if (!can(ctx.actor, 'maintenance:approve', row.orgPath)) throw new AppError('forbidden', 'your role does not allow maintenance:approve here');
  if (row.status !== 'pending') throw new AppError('conflict', `request ${id} was already ${row.status}`, { allowed: [] });
  return row;
}

/** A manager approves a request: it becomes a work order that keeps the request's photos. */
export async function approveRequest(
  ctx: Ctx,
  id: string,
  input: { priority: Priority; title?: string; assigneeUserId?: string | null; contractorId?: string | null },
) {
  return ctx.db.orm.transaction(async (tx) => {
    const req = await findPending(tx, ctx, id);
    const [asset] = await tx.select().from(assets).where(eq(assets.id, req.assetId));
    await checkAssignment(tx, ctx.actor.tenantId, req.orgPath, input);
    const wo = await openWorkOrder(
      tx,
      ctx.db,
      ctx.actor,
      {
        site: { storeId: asset.storeId, orgUnitId: asset.orgUnitId, orgPath: asset.orgPath },
        assetId: asset.id,
        title: input.title ?? `${asset.name}: ${req.description.slice(0, 80)}`,
        description: [req.description, req.reporterName ? `Reported by ${req.reporterName}${req.reporterContact ? ` (${req.reporterContact})` : ''}` : null]
          .filter(Boolean)
          .join('\n\n'),
        priority: input.priority,
        assigneeUserId: input.assigneeUserId,
        contractorId: input.contractorId,
        photoIds: req.photoIds,
        source: 'request',
        requestId: req.id,
      },
      ctx.meta,
    );
    await tx
      .update(maintenanceRequests)
      .set({ status: 'approved', workOrderId: wo.id, decidedBy: ctx.actor.id, decidedAt: new Date() })
      .where(eq(maintenanceRequests.id, id));
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'maintenance_request.approved', entityType: 'maintenance_request', entityId: id, orgPath: req.orgPath, after: { workOrderId: wo.id } },
      ctx.meta,
    );
    return { requestId: id, workOrderId: wo.id };
  });
}

/** A manager rejects a request with a reason. */
export async function rejectRequest(ctx: Ctx, id: string, reason: string) {
  return ctx.db.orm.transaction(async (tx) => {
    const req = await findPending(tx, ctx, id);
    await tx
      .update(maintenanceRequests)
      .set({ status: 'rejected', decidedBy: ctx.actor.id, decidedAt: new Date(), decisionNote: reason })
      .where(eq(maintenanceRequests.id, id));
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'maintenance_request.rejected', entityType: 'maintenance_request', entityId: id, orgPath: req.orgPath, after: { reason } },
      ctx.meta,
    );
    return { requestId: id, workOrderId: null };
  });
}
