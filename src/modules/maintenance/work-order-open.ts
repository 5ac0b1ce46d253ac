import { and, eq, sql } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '../../kernel/audit.ts';
import type { Actor } from '../../kernel/auth.ts';
import type { Database, Executor } from '../../kernel/db.ts';
import { AppError } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { notify } from '../notifications/index.ts';
import { rolePermissions, userHoldsRoleOver } from '../org/index.ts';
import { contractors, workOrderEvents, workOrders } from './schema.ts';
import { slaDueDates, slaFor } from './sla.ts';
import type { Priority, WorkOrderStatus } from './work-order-states.ts';

export type WorkOrderRow = typeof workOrders.$inferSelect;

/** Where a work order is: its store, the store's org unit and path. */
export interface Site {
  storeId: string;
  orgUnitId: string;
  orgPath: string;
}

/** What opening a work order takes, from a person, an approved request, an alarm or a PM schedule. */
export interface OpenWorkOrderInput {
  site: Site;
  assetId?: string | null;
  title: string;
  description?: string | null;
  priority: Priority;
  assigneeUserId?: string | null;
  contractorId?: string | null;
  checklist?: string[];
  photoIds?: string[];
  source: WorkOrderRow['source'];
  requestId?: string | null;
  alarmType?: string | null;
  alarmId?: string | null;
  pmScheduleId?: string | null;
  dueAt?: Date | null;
  /** When it opens (tests pass a clock); now by default. */
  at?: Date;
}

/** The roles that may be assigned work: those that carry maintenance:work. */
const workingRoles = Object.entries(rolePermissions)
  .filter(([, perms]) => perms.includes('maintenance:work'))
  .map(([role]) => role);

/** Refuses an assignee who cannot work orders at this store (400), and an unknown or inactive contractor. */
export async function checkAssignment(
  db: Executor,
  tenantId: string,
  orgPath: string,
  a: { assigneeUserId?: string | null; contractorId?: string | null },
): Promise<void> {
  if (a.assigneeUserId && !(await userHoldsRoleOver(db, tenantId, a.assigneeUserId, orgPath, workingRoles))) {
    throw new AppError('invalid', `user ${a.assigneeUserId} cannot be assigned here: they need a technician role on this store or above`, {
      issues: [{ path: 'body.assigneeUserId', message: 'not a technician of this store' }],
    });
  }
  if (a.contractorId) {
    const [c] = await db
      .select({ id: contractors.id })
      .from(contractors)
      .where(and(eq(contractors.tenantId, tenantId), eq(contractors.id, a.contractorId), eq(contractors.active, true)));
    if (!c) throw new AppError('invalid', `contractor ${a.contractorId} not found`, { issues: [{ path: 'body.contractorId', message: 'unknown contractor' }] });
  }
}

/** Appends a step to a work order's history. */
export async function recordWorkOrderEvent(
  tx: Executor,
  wo: Pick<WorkOrderRow, 'id' | 'tenantId'>,
  actor: Pick<Actor, 'id' | 'label'>,
  e: { action: string; from?: WorkOrderStatus | null; to?: WorkOrderStatus | null; note?: string | null; data?: Record<string, unknown>; at?: Date },
): Promise<void> {
  await tx.insert(workOrderEvents).values({
    tenantId: wo.tenantId,
    workOrderId: wo.id,
    at: e.at ?? new Date(),
    actorId: actor.id,
    actorLabel: actor.label,
    action: e.action,
    fromStatus: e.from ?? null,
    toStatus: e.to ?? null,
    note: e.note ?? null,
    data: e.data ?? {},
  });
}

/** Tells the assignee, or the store's technicians when nobody is assigned, about a work order. */
export async function notifyWorkOrder(tx: Executor, db: Database, wo: WorkOrderRow, kind: string, title: string, body: string): Promise<void> {
  await notify(
    { db },
    {
      tenantId: wo.tenantId,
      orgUnitId: wo.orgUnitId,
      to: wo.assigneeUserId ? { userIds: [wo.assigneeUserId] } : { role: 'technician' },
      kind,
      title,
      body,
      link: `/maintenance/work-orders/${wo.id}`,
      data: { workOrderId: wo.id, storeId: wo.storeId, assetId: wo.assetId, priority: wo.priority, status: wo.status },
    },
    tx,
  );
}

/**
 * Opens a work order in the caller's transaction: SLA due dates from the tenant's targets for its priority, the first
 * history entry, the audit entry, `work_order.created` after commit, and a notification to whoever will do it.
 */
export async function openWorkOrder(tx: Executor, db: Database, actor: Actor, input: OpenWorkOrderInput, meta: RequestMeta = {}): Promise<WorkOrderRow> {
  const at = input.at ?? new Date();
  const sla = await slaFor(tx, actor.tenantId, input.priority);
  const [row] = await tx
    .insert(workOrders)
    .values({
      id: newId('wo'),
      tenantId: actor.tenantId,
      storeId: input.site.storeId,
      orgUnitId: input.site.orgUnitId,
      orgPath: input.site.orgPath,
      assetId: input.assetId ?? null,
      title: input.title,
      description: input.description ?? null,
      priority: input.priority,
      assigneeUserId: input.assigneeUserId ?? null,
      contractorId: input.contractorId ?? null,
      checklist: (input.checklist ?? []).map((label, i) => ({ id: `c${i + 1}`, label, done: false })),
      photoIds: input.photoIds ?? [],
      source: input.source,
      requestId: input.requestId ?? null,
      alarmType: input.alarmType ?? null,
      alarmId: input.alarmId ?? null,
      pmScheduleId: input.pmScheduleId ?? null,
      dueAt: input.dueAt ?? null,
      ...slaDueDates(sla, at),
      createdBy: actor.id,
      createdAt: at,
      updatedAt: at,
    })
    .returning();
  await recordWorkOrderEvent(tx, row, actor, { action: 'created', to: 'OPEN', at, data: { source: row.source, priority: row.priority } });
  await recordAudit(
    tx,
    actor,
    {
      action: 'work_order.created',
      entityType: 'work_order',
      entityId: row.id,
      orgPath: row.orgPath,
      after: { title: row.title, priority: row.priority, source: row.source },
    },
    meta,
  );
  await publishEvent(tx, row.tenantId, 'work_order.created', {
    workOrderId: row.id,
    storeId: row.storeId,
    assetId: row.assetId,
    priority: row.priority,
    source: row.source,
  });
  await notifyWorkOrder(
    tx,
    db,
    row,
    'work_order.created',
    `New work order: ${row.title}`,
    `Priority ${row.priority}. Respond by ${row.responseDueAt?.toISOString() ?? '—'}.`,
  );
  return row;
}

/** Bumps the version with whatever else changes: every write to a work order goes through here. */
export function bumped<T extends object>(set: T): T & { version: ReturnType<typeof sql>; updatedAt: Date } {
  return { ...set, version: sql`${workOrders.version} + 1`, updatedAt: new Date() };
}
