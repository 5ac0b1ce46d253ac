import { and, asc, eq, like, or, type SQL, sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { type Actor, requirePermission, requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor, Tx } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { orgUnits } from './schema.ts';

export type OrgUnitKind = 'group' | 'business_unit' | 'region' | 'area' | 'store';
export type OrgUnitRow = typeof orgUnits.$inferSelect;

/** An org unit as the API shows it. */
export interface OrgUnitView {
  id: string;
  parentId: string | null;
  kind: string;
  code: string;
  name: string;
  nameEn: string | null;
  depth: number;
}

export function viewOrgUnit(u: OrgUnitRow): OrgUnitView {
  return { id: u.id, parentId: u.parentId, kind: u.kind, code: u.code, name: u.name, nameEn: u.nameEn, depth: u.depth };
}

/** SQL that keeps rows whose path column lies under one of the given subtrees. */
export function underPaths(column: SQL.Aliased | Parameters<typeof like>[0], paths: string[]): SQL {
  const parts = paths.map((p) => like(column as Parameters<typeof like>[0], `${p}%`));
  return (parts.length === 1 ? parts[0] : or(...parts)) as SQL;
}

/** Called in the moving transaction when a subtree's path changes, so other modules' copies of the path follow. */
export type SubtreeMovedHandler = (tx: Tx, tenantId: string, oldPath: string, newPath: string) => Promise<void>;
const movedHandlers: SubtreeMovedHandler[] = [];

/** Registers a handler run inside the transaction that moves an org subtree. */
export function onSubtreeMoved(handler: SubtreeMovedHandler): void {
  movedHandlers.push(handler);
}

/**
 * Loads a unit of the actor's tenant for an operation needing `permission`: 404 when none of the actor's grants
 * covers it (so existence does not leak), 403 when one does but without that permission.
 */
export async function findUnitInScope(db: Executor, actor: Actor, id: string, permission = 'org:read'): Promise<OrgUnitRow> {
  const [unit] = await db
    .select()
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, actor.tenantId), eq(orgUnits.id, id)));
  if (!unit || !actor.grants.some((g) => unit.path.startsWith(g.path))) notFound('org unit', id);
  if (!actor.grants.some((g) => g.permissions.has(permission) && unit.path.startsWith(g.path))) {
    throw new AppError('forbidden', `your role does not allow ${permission} on ${unit.name}`);
  }
  return unit;
}

/** The org units the caller may see, parents before children. */
export async function listOrgUnits(ctx: Ctx): Promise<OrgUnitView[]> {
  const paths = requireScope(ctx.actor, 'org:read');
  const rows = await ctx.db.orm
    .select()
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, ctx.actor.tenantId), underPaths(orgUnits.path, paths)))
    .orderBy(asc(orgUnits.depth), asc(orgUnits.code));
  return rows.map(viewOrgUnit);
}

/** One org unit inside the caller's scope. */
export async function getOrgUnit(ctx: Ctx, id: string): Promise<OrgUnitView> {
  return viewOrgUnit(await findUnitInScope(ctx.db.orm, ctx.actor, id));
}

/** Inserts a unit under a parent; used for org units and, by the stores module, for a store's own unit. */
export async function insertOrgUnit(
  tx: Executor,
  tenantId: string,
  parent: OrgUnitRow | null,
  input: { kind: OrgUnitKind; code: string; name: string; nameEn?: string | null; id?: string },
): Promise<OrgUnitRow> {
  const id = input.id ?? newId('ou');
  const clash = await tx
    .select({ id: orgUnits.id })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.code, input.code)));
  if (clash.length > 0) throw new AppError('conflict', `an org unit with code ${input.code} already exists`, { field: 'code' });
  const [row] = await tx
    .insert(orgUnits)
    .values({
      id,
      tenantId,
      parentId: parent?.id ?? null,
      kind: input.kind,
      code: input.code,
      name: input.name,
      nameEn: input.nameEn ?? null,
      path: `${parent?.path ?? '/'}${id}/`,
      depth: (parent?.depth ?? -1) + 1,
    })
    .returning();
  return row;
}

/** Creates an org unit under a parent the caller may change. */
export async function createOrgUnit(
  ctx: Ctx,
  input: { parentId: string; kind: Exclude<OrgUnitKind, 'store'>; code: string; name: string; nameEn?: string | null },
): Promise<OrgUnitView> {
  return ctx.db.orm.transaction(async (tx) => {
    const parent = await findUnitInScope(tx, ctx.actor, input.parentId, 'org:write');
    if (parent.kind === 'store') throw new AppError('invalid', 'a store cannot have child units', { issues: [{ path: 'body.parentId', message: 'is a store' }] });
    const unit = await insertOrgUnit(tx, ctx.actor.tenantId, parent, input);
    await recordAudit(tx, ctx.actor, { action: 'org_unit.created', entityType: 'org_unit', entityId: unit.id, orgPath: unit.path, after: viewOrgUnit(unit) }, ctx.meta);
    return viewOrgUnit(unit);
  });
}

/** Renames a unit or moves it (with its whole subtree) under another parent. */
export async function updateOrgUnit(ctx: Ctx, id: string, input: { name?: string; nameEn?: string | null; parentId?: string }): Promise<OrgUnitView> {
  return ctx.db.orm.transaction(async (tx) => {
    const unit = await findUnitInScope(tx, ctx.actor, id, 'org:write');
    const tenantId = ctx.actor.tenantId;
    let { path, depth, parentId } = unit;
    if (input.parentId !== undefined && input.parentId !== unit.parentId) {
      if (!unit.parentId) throw new AppError('invalid', 'the root unit cannot move');
      const parent = await findUnitInScope(tx, ctx.actor, input.parentId, 'org:write');
      requirePermission(ctx.actor, 'org:write', unit.path);
      if (parent.path.startsWith(unit.path)) throw new AppError('conflict', 'a unit cannot move under itself or its own descendants');
      if (parent.kind === 'store') throw new AppError('invalid', 'a store cannot have child units');
      path = `${parent.path}${unit.id}/`;
      depth = parent.depth + 1;
      parentId = parent.id;
      await tx.execute(sql`UPDATE org_units SET path = ${path} || substr(path, ${unit.path.length + 1}),
        depth = depth + ${depth - unit.depth}, updated_at = now()
        WHERE tenant_id = ${tenantId} AND path LIKE ${`${unit.path}%`}`);
      for (const handler of movedHandlers) await handler(tx, tenantId, unit.path, path);
    }
    const [row] = await tx
      .update(orgUnits)
      .set({ name: input.name ?? unit.name, nameEn: input.nameEn === undefined ? unit.nameEn : input.nameEn, parentId, path, depth, updatedAt: new Date() })
      .where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.id, id)))
      .returning();
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'org_unit.updated', entityType: 'org_unit', entityId: id, orgPath: row.path, before: viewOrgUnit(unit), after: viewOrgUnit(row) },
      ctx.meta,
    );
    return viewOrgUnit(row);
  });
}

/** Keeps a unit's name in step with the thing it stands for (a store's unit follows the store's name). */
export async function renameUnit(tx: Executor, tenantId: string, id: string, name: string, nameEn: string | null): Promise<void> {
  await tx.update(orgUnits).set({ name, nameEn, updatedAt: new Date() }).where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.id, id)));
}

/** Inserts many units in one statement (imports and seeds); codes must already be checked unique. */
export async function insertOrgUnits(
  tx: Executor,
  tenantId: string,
  items: { parent: OrgUnitRow; kind: OrgUnitKind; code: string; name: string; nameEn?: string | null }[],
): Promise<OrgUnitRow[]> {
  if (items.length === 0) return [];
  const values = items.map((it) => {
    const id = newId('ou');
    return {
      id,
      tenantId,
      parentId: it.parent.id,
      kind: it.kind,
      code: it.code,
      name: it.name,
      nameEn: it.nameEn ?? null,
      path: `${it.parent.path}${id}/`,
      depth: it.parent.depth + 1,
    };
  });
  return tx.insert(orgUnits).values(values).returning();
}
