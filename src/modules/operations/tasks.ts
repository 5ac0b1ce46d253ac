import { and, asc, eq, gt, or, type SQL } from 'drizzle-orm';
import { type Actor, can, requireScope } from '../../kernel/auth.ts';
import { type Ctx, decodeCursor, encodeCursor } from '../../kernel/context.ts';
import { type Executor, queryPrepared } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { activeUsers, underPaths } from '../org/index.ts';
import { stores } from '../stores/index.ts';
import type { TemplateDefinition } from './checklist.ts';
import { attachedFiles, openAttached } from './evidence.ts';
import { answerFileIds } from './checklist.ts';
import { type TaskStatus, taskTransitions } from './lifecycles.ts';
import { taskInstances, taskTemplateVersions } from './schema.ts';

/** A task as lists show it. */
export const taskListColumns = {
  id: taskInstances.id,
  sendId: taskInstances.sendId,
  storeId: taskInstances.storeId,
  storeCode: stores.code,
  storeName: stores.name,
  title: taskInstances.title,
  role: taskInstances.role,
  status: taskInstances.status,
  approval: taskInstances.approval,
  opensAt: taskInstances.opensAt,
  dueAt: taskInstances.dueAt,
  dueDate: taskInstances.dueDate,
  estimatedMinutes: taskInstances.estimatedMinutes,
  submittedAt: taskInstances.submittedAt,
  version: taskInstances.version,
};

/** The roles the actor works in at a store (grants with tasks:execute covering it). */
export function rolesAt(actor: Actor, storePath: string): string[] {
  return [...new Set(actor.grants.filter((g) => g.permissions.has('tasks:execute') && storePath.startsWith(g.path)).map((g) => g.role))];
}

/** Whether the actor gives out the work of the store at `path` to people: its managers (who approve) and those who send tasks. */
export function canAssign(actor: Actor, path: string): boolean {
  return can(actor, 'tasks:approve', path) || can(actor, 'tasks:manage', path);
}

/**
 * Whether the actor may approve a task of a store: any grant with tasks:approve over the store when the template
 * asks the store manager, a grant above the store (region, HQ) when it asks the region manager.
 */
export function canApprove(actor: Actor, storePath: string, approval: string): boolean {
  return actor.grants.some(
    (g) => g.permissions.has('tasks:approve') && storePath.startsWith(g.path) && (approval !== 'region_manager' || g.path.length < storePath.length),
  );
}

/**
 * The SQL of a store's board: the store, with its open, returned, overdue and submitted tasks (overdue first, then by
 * due time; waiting for approval last), in one round trip. `view=mine` keeps the tasks given to the caller, and those
 * given to no one of the caller's roles at the store (from the grants passed as paths and roles); with no role there, all.
 */
export const boardSql = `SELECT s.org_path AS "orgPath", s.code AS "storeCode", s.name AS "storeName", s.time_zone AS "timeZone",
    t.id, t.send_id AS "sendId", t.title, t.role, t.status, t.approval, t.opens_at AS "opensAt", t.due_at AS "dueAt",
    t.due_date::text AS "dueDate", t.estimated_minutes AS "estimatedMinutes", t.submitted_at AS "submittedAt", t.version
  FROM stores s
  CROSS JOIN LATERAL (SELECT array_agg(DISTINCT g.role) AS roles FROM unnest($4::text[], $5::text[]) AS g(path, role)
    WHERE starts_with(s.org_path, g.path)) r
  LEFT JOIN LATERAL (
    SELECT * FROM task_instances t
    WHERE t.tenant_id = s.tenant_id AND t.store_id = s.id AND t.status IN ('open', 'in_progress', 'returned', 'overdue', 'submitted')
      AND (NOT $3::boolean OR t.assignee_id = $6 OR (t.assignee_id IS NULL AND (r.roles IS NULL OR t.role = ANY (r.roles))))
    ORDER BY (t.status = 'overdue') DESC, (t.status = 'submitted'), t.due_at LIMIT 200
  ) t ON true
  WHERE s.tenant_id = $1 AND s.id = $2
  ORDER BY (t.status = 'overdue') DESC, (t.status = 'submitted'), t.due_at`;

interface BoardRow {
  orgPath: string;
  storeCode: string;
  storeName: string;
  timeZone: string;
  id: string | null;
  sendId: string;
  title: string;
  role: string;
  status: string;
  approval: string;
  opensAt: Date;
  dueAt: Date;
  dueDate: string;
  estimatedMinutes: number;
  submittedAt: Date | null;
  version: number;
}

/** A store's "today" board: its open work, overdue first; `mine` keeps the caller's roles' tasks. */
export async function storeBoard(ctx: Ctx, storeId: string, view: 'mine' | 'all') {
  // The hottest read of the stores' day: one prepared statement, the scope checked on the store it returns.
  const executing = ctx.actor.grants.filter((g) => g.permissions.has('tasks:execute'));
  const rows = await queryPrepared<BoardRow>(ctx.db.pool, 'task_board', boardSql, [
    ctx.actor.tenantId,
    storeId,
    view === 'mine',
    executing.map((g) => g.path),
    executing.map((g) => g.role),
    ctx.actor.id,
  ]);
  const store = rows[0];
  if (!store || !can(ctx.actor, 'stores:read', store.orgPath)) notFound('store', storeId);
  if (!can(ctx.actor, 'tasks:read', store.orgPath)) throw new AppError('forbidden', 'your role does not allow tasks:read on this store');
  const data = rows.flatMap(({ orgPath: _p, timeZone: _z, id, ...task }) => (id === null ? [] : [{ id, storeId, ...task }]));
  return {
    store: { id: storeId, code: store.storeCode, name: store.storeName, timeZone: store.timeZone },
    roles: rolesAt(ctx.actor, store.orgPath),
    data,
  };
}

/** Tasks of stores in the caller's scope, filtered, by due time, a page at a time. */
export async function listTasks(ctx: Ctx, q: { storeId?: string; sendId?: string; status?: TaskStatus; cursor?: string; limit: number }) {
  const paths = requireScope(ctx.actor, 'tasks:read');
  const where: SQL[] = [eq(taskInstances.tenantId, ctx.actor.tenantId), underPaths(stores.orgPath, paths)];
  if (q.storeId) where.push(eq(taskInstances.storeId, q.storeId));
  if (q.sendId) where.push(eq(taskInstances.sendId, q.sendId));
  if (q.status) where.push(eq(taskInstances.status, q.status));
  const after = decodeCursor(q.cursor, 2);
  if (after)
    where.push(
      or(
        gt(taskInstances.dueAt, new Date(String(after[0]))),
        and(eq(taskInstances.dueAt, new Date(String(after[0]))), gt(taskInstances.id, String(after[1]))),
      ) as SQL,
    );
  const rows = await ctx.db.orm
    .select(taskListColumns)
    .from(taskInstances)
    .innerJoin(stores, eq(stores.id, taskInstances.storeId))
    .where(and(...where))
    .orderBy(asc(taskInstances.dueAt), asc(taskInstances.id))
    .limit(q.limit + 1);
  const data = rows.slice(0, q.limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > q.limit && last ? encodeCursor([last.dueAt.toISOString(), last.id]) : null };
}

/** Submitted tasks the caller may approve, oldest submission first: the approval queue. */
export async function approvalQueue(ctx: Ctx, q: { limit: number }) {
  const paths = requireScope(ctx.actor, 'tasks:approve');
  const rows = await ctx.db.orm
    .select({ ...taskListColumns, orgPath: stores.orgPath })
    .from(taskInstances)
    .innerJoin(stores, eq(stores.id, taskInstances.storeId))
    .where(and(eq(taskInstances.tenantId, ctx.actor.tenantId), eq(taskInstances.status, 'submitted'), underPaths(stores.orgPath, paths)))
    .orderBy(asc(taskInstances.submittedAt))
    .limit(Math.min(500, q.limit * 4));
  return rows
    .filter((r) => canApprove(ctx.actor, r.orgPath, r.approval))
    .slice(0, q.limit)
    .map(({ orgPath: _p, ...r }) => r);
}

export type TaskRow = typeof taskInstances.$inferSelect & { orgPath: string; storeCode: string; storeName: string; timeZone: string; storeOrgUnitId: string };

/** Loads a task of a store the caller may see (404 otherwise); `lock` takes a row lock for read-modify-write. */
export async function findTask(db: Executor, actor: Actor, id: string, lock = false): Promise<TaskRow> {
  const query = db
    .select({
      task: taskInstances,
      orgPath: stores.orgPath,
      storeCode: stores.code,
      storeName: stores.name,
      timeZone: stores.timeZone,
      storeOrgUnitId: stores.orgUnitId,
    })
    .from(taskInstances)
    .innerJoin(stores, eq(stores.id, taskInstances.storeId))
    .where(and(eq(taskInstances.tenantId, actor.tenantId), eq(taskInstances.id, id)));
  const [row] = lock ? await query.for('update', { of: taskInstances }) : await query;
  if (!row || !can(actor, 'tasks:read', row.orgPath)) notFound('task', id);
  return { ...row.task, orgPath: row.orgPath, storeCode: row.storeCode, storeName: row.storeName, timeZone: row.timeZone, storeOrgUnitId: row.storeOrgUnitId };
}

/** The template version a task was sent with. */
export async function definitionOf(db: Executor, templateId: string, version: number): Promise<TemplateDefinition> {
  const [v] = await db
    .select({ definition: taskTemplateVersions.definition })
    .from(taskTemplateVersions)
    .where(and(eq(taskTemplateVersions.templateId, templateId), eq(taskTemplateVersions.version, version)));
  if (!v) notFound('template version', `${templateId}@${version}`);
  return v.definition;
}

/** A file of a task the caller may see: an instruction image of its template, or a photo or signature of its answers. */
export async function taskFile(ctx: Pick<Ctx, 'db' | 'actor'>, id: string, fileId: string) {
  const t = await findTask(ctx.db.orm, ctx.actor, id);
  const definition = await definitionOf(ctx.db.orm, t.templateId, t.templateVersion);
  return openAttached(ctx, [...definition.instructionFileIds, ...answerFileIds(definition.items, t.answers)], fileId);
}

/** One task with its checklist, answers, attached files and what the caller may do next. */
export async function taskDetail(ctx: Pick<Ctx, 'db' | 'actor'>, id: string, db: Executor = ctx.db.orm) {
  const t = await findTask(db, ctx.actor, id);
  const definition = await definitionOf(db, t.templateId, t.templateVersion);
  const files = await attachedFiles(ctx, [...definition.instructionFileIds, ...answerFileIds(definition.items, t.answers)], `/api/v1/tasks/${id}`);
  const { orgPath, tenantId: _t, occurrence: _o, slaStoreMinutes, slaRegionMinutes, ...task } = t;
  return {
    ...task,
    slaStoreMinutes,
    slaRegionMinutes,
    store: { id: t.storeId, code: t.storeCode, name: t.storeName, timeZone: t.timeZone, orgUnitId: t.storeOrgUnitId },
    definition,
    files,
    allowed: [...taskTransitions[t.status as TaskStatus]],
    assignee: t.assigneeId ? ((await activeUsers(db, ctx.actor.tenantId, [t.assigneeId]))[0] ?? null) : null,
    can: {
      execute: can(ctx.actor, 'tasks:execute', orgPath),
      approve: canApprove(ctx.actor, orgPath, t.approval),
      assign: canAssign(ctx.actor, orgPath),
    },
  };
}
