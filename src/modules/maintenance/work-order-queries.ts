import { and, asc, desc, eq, type SQL, sql } from 'drizzle-orm';
import { requireScope } from '../../kernel/auth.ts';
import { type Ctx, decodeCursor, encodeCursor } from '../../kernel/context.ts';
import { fileRefsOf } from '../files/index.ts';
import { underPaths, users } from '../org/index.ts';
import { stores } from '../stores/index.ts';
import { assets, contractors, workOrderEvents, workOrders } from './schema.ts';
import { findWorkOrderInScope } from './work-orders.ts';
import { openStatuses, type WorkOrderStatus, workOrderStatuses, workOrderTransitions } from './work-order-states.ts';

/** The columns of a work order as lists and the board show it. */
const listColumns = {
  id: workOrders.id,
  storeId: workOrders.storeId,
  storeName: stores.name,
  assetId: workOrders.assetId,
  assetName: assets.name,
  title: workOrders.title,
  priority: workOrders.priority,
  status: workOrders.status,
  source: workOrders.source,
  assigneeUserId: workOrders.assigneeUserId,
  assigneeName: users.name,
  contractorId: workOrders.contractorId,
  contractorName: contractors.name,
  dueAt: workOrders.dueAt,
  responseDueAt: workOrders.responseDueAt,
  resolutionDueAt: workOrders.resolutionDueAt,
  escalationLevel: workOrders.escalationLevel,
  version: workOrders.version,
  createdAt: workOrders.createdAt,
  updatedAt: workOrders.updatedAt,
};

/** List filters. */
export interface WorkOrderQuery {
  status?: WorkOrderStatus;
  storeId?: string;
  assetId?: string;
  priority?: string;
  assigneeUserId?: string;
  mine?: boolean;
  cursor?: string;
  limit: number;
}

function scoped(ctx: Ctx, q: Omit<WorkOrderQuery, 'cursor' | 'limit'>): SQL[] {
  const paths = requireScope(ctx.actor, 'maintenance:read');
  const where: SQL[] = [eq(workOrders.tenantId, ctx.actor.tenantId), underPaths(workOrders.orgPath, paths)];
  if (q.status) where.push(eq(workOrders.status, q.status));
  if (q.storeId) where.push(eq(workOrders.storeId, q.storeId));
  if (q.assetId) where.push(eq(workOrders.assetId, q.assetId));
  if (q.priority) where.push(eq(workOrders.priority, q.priority as 'low'));
  if (q.assigneeUserId) where.push(eq(workOrders.assigneeUserId, q.assigneeUserId));
  if (q.mine) where.push(eq(workOrders.assigneeUserId, ctx.actor.id));
  return where;
}

function listQuery(ctx: Ctx, where: SQL[], limit: number) {
  return ctx.db.orm
    .select(listColumns)
    .from(workOrders)
    .innerJoin(stores, eq(stores.id, workOrders.storeId))
    .leftJoin(assets, eq(assets.id, workOrders.assetId))
    .leftJoin(users, eq(users.id, workOrders.assigneeUserId))
    .leftJoin(contractors, eq(contractors.id, workOrders.contractorId))
    .where(and(...where))
    .orderBy(desc(workOrders.createdAt), desc(workOrders.id))
    .limit(limit);
}

/** Work orders in the caller's scope, newest first, a page at a time. */
export async function listWorkOrders(ctx: Ctx, q: WorkOrderQuery) {
  const where = scoped(ctx, q);
  const after = decodeCursor(q.cursor, 2);
  if (after) where.push(sql`(${workOrders.createdAt}, ${workOrders.id}) < (${new Date(Number(after[0])).toISOString()}::timestamptz, ${String(after[1])})`);
  const rows = await listQuery(ctx, where, q.limit + 1);
  const data = rows.slice(0, q.limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > q.limit && last ? encodeCursor([last.createdAt.getTime(), last.id]) : null };
}

/** The board: each state's count and its newest cards (closed states show the last few only). */
export async function workOrderBoard(ctx: Ctx, q: Omit<WorkOrderQuery, 'status' | 'cursor' | 'limit'> & { perColumn: number }) {
  const base = scoped(ctx, q);
  const counts = await ctx.db.orm
    .select({ status: workOrders.status, n: sql<number>`count(*)::int` })
    .from(workOrders)
    .where(and(...base))
    .groupBy(workOrders.status);
  const columns = await Promise.all(
    workOrderStatuses.map(async (status) => ({
      status,
      count: counts.find((c) => c.status === status)?.n ?? 0,
      items: await listQuery(ctx, [...base, eq(workOrders.status, status)], openStatuses.includes(status) ? q.perColumn : Math.min(10, q.perColumn)),
    })),
  );
  return { columns };
}

/** One work order with its history, photos, signature and the moves it allows now. */
export async function getWorkOrder(ctx: Ctx, id: string) {
  const wo = await findWorkOrderInScope(ctx.db.orm, ctx.actor, id);
  const [names] = await ctx.db.orm
    .select({ storeName: stores.name, assetName: assets.name, assigneeName: users.name, contractorName: contractors.name })
    .from(workOrders)
    .innerJoin(stores, eq(stores.id, workOrders.storeId))
    .leftJoin(assets, eq(assets.id, workOrders.assetId))
    .leftJoin(users, eq(users.id, workOrders.assigneeUserId))
    .leftJoin(contractors, eq(contractors.id, workOrders.contractorId))
    .where(eq(workOrders.id, id));
  const history = await ctx.db.orm
    .select({
      at: workOrderEvents.at,
      actorLabel: workOrderEvents.actorLabel,
      action: workOrderEvents.action,
      fromStatus: workOrderEvents.fromStatus,
      toStatus: workOrderEvents.toStatus,
      note: workOrderEvents.note,
      data: workOrderEvents.data,
    })
    .from(workOrderEvents)
    .where(eq(workOrderEvents.workOrderId, id))
    .orderBy(asc(workOrderEvents.id));
  const fileIds = [...wo.photoIds, ...(wo.signatureFileId ? [wo.signatureFileId] : [])];
  const refs = await fileRefsOf(ctx.db.orm, wo.tenantId, fileIds);
  const { tenantId: _t, orgPath: _p, createdBy: _c, ...shown } = wo;
  return {
    ...shown,
    ...names,
    photos: refs.filter((r) => wo.photoIds.includes(r.id)),
    signature: refs.find((r) => r.id === wo.signatureFileId) ?? null,
    allowedTransitions: [...workOrderTransitions[wo.status]],
    history,
  };
}
