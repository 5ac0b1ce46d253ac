import { and, asc, eq, gt, ilike, inArray, or } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { type Actor, can, requireScope, scopePaths } from '../../kernel/auth.ts';
import { type Ctx, decodeCursor, encodeCursor, likeEscape } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId, newSecret } from '../../kernel/ids.ts';
import { hashPassword } from '../../kernel/passwords.ts';
import { findUnitInScope, type OrgUnitRow, underPaths } from './org-units.ts';
import { roleWithin } from './roles.ts';
import { grants, orgUnits, sessions, users } from './schema.ts';
import { normaliseEmail } from './sign-in.ts';

/** A user as the API shows it (never the password hash). */
export interface UserView {
  id: string;
  email: string;
  name: string;
  status: string;
  createdAt: Date;
  lastSignInAt: Date | null;
  grants: { id: string; role: string; orgUnitId: string; orgUnitName: string }[];
}

/** Refuses to grant a role on a unit unless the actor may manage users there and holds every permission of that role there. */
export function assertMayGrant(actor: Actor, role: string, unit: Pick<OrgUnitRow, 'path' | 'name'>, manage = 'users:write'): void {
  if (!can(actor, manage, unit.path)) throw new AppError('forbidden', `your role does not allow ${manage} on ${unit.name}`);
  if (!roleWithin(role, (p) => can(actor, p, unit.path))) {
    throw new AppError('forbidden', `you cannot grant ${role}: it carries permissions you do not hold on ${unit.name}`);
  }
}

/** Users as `actor` may see them: only the grants inside the actor's users:read scope, so other units do not leak. */
async function loadUsers(db: Executor, actor: Actor, ids: string[]): Promise<UserView[]> {
  const tenantId = actor.tenantId;
  if (ids.length === 0) return [];
  const rows = await db.select().from(users).where(and(eq(users.tenantId, tenantId), inArray(users.id, ids))).orderBy(asc(users.email));
  const paths = scopePaths(actor, 'users:read');
  const gs = paths.length
    ? await db
        .select({ id: grants.id, userId: grants.userId, role: grants.role, orgUnitId: grants.orgUnitId, orgUnitName: orgUnits.name })
        .from(grants)
        .innerJoin(orgUnits, eq(orgUnits.id, grants.orgUnitId))
        .where(and(eq(grants.tenantId, tenantId), inArray(grants.userId, ids), underPaths(orgUnits.path, paths)))
    : [];
  return rows.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    status: u.status,
    createdAt: u.createdAt,
    lastSignInAt: u.lastSignInAt,
    grants: gs.filter((g) => g.userId === u.id).map(({ id, role, orgUnitId, orgUnitName }) => ({ id, role, orgUnitId, orgUnitName })),
  }));
}

/** A user holding at least one grant inside the caller's scope for `permission`; 404 otherwise. */
async function findUserInScope(db: Executor, actor: Actor, id: string, permission: string): Promise<UserView & { path: string }> {
  const paths = requireScope(actor, permission);
  const visible = await db
    .select({ path: orgUnits.path })
    .from(grants)
    .innerJoin(orgUnits, eq(orgUnits.id, grants.orgUnitId))
    .where(and(eq(grants.tenantId, actor.tenantId), eq(grants.userId, id), underPaths(orgUnits.path, paths)))
    .limit(1);
  const [user] = visible.length ? await loadUsers(db, actor, [id]) : [];
  if (!user) notFound('user', id);
  return { ...user, path: visible[0].path };
}

/** Users with a grant inside the caller's scope, by e-mail, searchable by e-mail or name. */
export async function listUsers(ctx: Ctx, q: { q?: string; cursor?: string; limit: number }) {
  const paths = requireScope(ctx.actor, 'users:read');
  const after = decodeCursor(q.cursor, 1);
  const text = q.q?.trim();
  const rows = await ctx.db.orm
    .selectDistinct({ id: users.id, email: users.email })
    .from(users)
    .innerJoin(grants, eq(grants.userId, users.id))
    .innerJoin(orgUnits, eq(orgUnits.id, grants.orgUnitId))
    .where(
      and(
        eq(users.tenantId, ctx.actor.tenantId),
        underPaths(orgUnits.path, paths),
        text ? or(ilike(users.email, `%${likeEscape(text)}%`), ilike(users.name, `%${likeEscape(text)}%`)) : undefined,
        after ? gt(users.email, String(after[0])) : undefined,
      ),
    )
    .orderBy(asc(users.email))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const data = await loadUsers(ctx.db.orm, ctx.actor, page.map((r) => r.id));
  return { data, nextCursor: rows.length > q.limit ? encodeCursor([page[page.length - 1].email]) : null };
}

/** Creates a user with a first grant; a password is generated when none is given and answered once. */
export async function createUser(ctx: Ctx, input: { email: string; name: string; role: string; orgUnitId: string; password?: string }) {
  const email = normaliseEmail(input.email);
  const password = input.password ?? newSecret(12);
  const passwordHash = await hashPassword(password);
  const user = await ctx.db.orm.transaction(async (tx) => {
    const unit = await findUnitInScope(tx, ctx.actor, input.orgUnitId, 'users:write');
    assertMayGrant(ctx.actor, input.role, unit);
    const exists = await tx.select({ id: users.id }).from(users).where(and(eq(users.tenantId, ctx.actor.tenantId), eq(users.email, email)));
    if (exists.length) throw new AppError('conflict', 'a user with this e-mail already exists', { field: 'email' });
    const id = newId('usr');
    await tx.insert(users).values({ id, tenantId: ctx.actor.tenantId, email, name: input.name, passwordHash });
    await tx.insert(grants).values({ id: newId('grt'), tenantId: ctx.actor.tenantId, userId: id, role: input.role, orgUnitId: unit.id });
    const [view] = await loadUsers(tx, ctx.actor, [id]);
    await recordAudit(tx, ctx.actor, { action: 'user.created', entityType: 'user', entityId: id, orgPath: unit.path, after: view }, ctx.meta);
    return view;
  });
  return { user, password: input.password ? undefined : password };
}

/** Renames, disables or re-enables a user; disabling ends their sessions at once. */
export async function updateUser(ctx: Ctx, id: string, input: { name?: string; status?: 'active' | 'disabled' }): Promise<UserView> {
  return ctx.db.orm.transaction(async (tx) => {
    const { path, ...before } = await findUserInScope(tx, ctx.actor, id, 'users:write');
    if (input.status === 'disabled' && id === ctx.actor.id) throw new AppError('conflict', 'you cannot disable yourself');
    // Seeing one of their grants is not enough: changing a person needs the right to grant every role they hold.
    const held = await tx
      .select({ role: grants.role, path: orgUnits.path, name: orgUnits.name })
      .from(grants)
      .innerJoin(orgUnits, eq(orgUnits.id, grants.orgUnitId))
      .where(and(eq(grants.tenantId, ctx.actor.tenantId), eq(grants.userId, id)));
    if (!held.every((g) => can(ctx.actor, 'users:write', g.path) && roleWithin(g.role, (p) => can(ctx.actor, p, g.path)))) {
      throw new AppError('forbidden', 'this user holds roles beyond those you may grant; ask someone who manages all of them');
    }
    await tx
      .update(users)
      .set({ ...(input.name ? { name: input.name } : {}), ...(input.status ? { status: input.status } : {}), updatedAt: new Date() })
      .where(and(eq(users.tenantId, ctx.actor.tenantId), eq(users.id, id)));
    if (input.status === 'disabled') await tx.delete(sessions).where(eq(sessions.userId, id));
    const [after] = await loadUsers(tx, ctx.actor, [id]);
    await recordAudit(tx, ctx.actor, { action: 'user.updated', entityType: 'user', entityId: id, orgPath: path, before, after }, ctx.meta);
    return after;
  });
}

/** Grants a role on an org unit. */
export async function addGrant(ctx: Ctx, id: string, input: { role: string; orgUnitId: string }): Promise<UserView> {
  return ctx.db.orm.transaction(async (tx) => {
    const { path: _p, ...before } = await findUserInScope(tx, ctx.actor, id, 'users:write');
    const unit = await findUnitInScope(tx, ctx.actor, input.orgUnitId, 'users:write');
    assertMayGrant(ctx.actor, input.role, unit);
    if (before.grants.some((g) => g.role === input.role && g.orgUnitId === unit.id)) throw new AppError('conflict', 'the user already has this grant');
    await tx.insert(grants).values({ id: newId('grt'), tenantId: ctx.actor.tenantId, userId: id, role: input.role, orgUnitId: unit.id });
    const [after] = await loadUsers(tx, ctx.actor, [id]);
    await recordAudit(tx, ctx.actor, { action: 'user.grant_added', entityType: 'user', entityId: id, orgPath: unit.path, before, after }, ctx.meta);
    return after;
  });
}

/** Takes a grant away. */
export async function removeGrant(ctx: Ctx, id: string, grantId: string): Promise<UserView> {
  return ctx.db.orm.transaction(async (tx) => {
    const { path: _p, ...before } = await findUserInScope(tx, ctx.actor, id, 'users:write');
    const grant = before.grants.find((g) => g.id === grantId);
    if (!grant) notFound('grant', grantId);
    const unit = await findUnitInScope(tx, ctx.actor, grant.orgUnitId, 'users:write');
    assertMayGrant(ctx.actor, grant.role, unit);
    await tx.delete(grants).where(and(eq(grants.tenantId, ctx.actor.tenantId), eq(grants.id, grantId)));
    const [after] = await loadUsers(tx, ctx.actor, [id]);
    await recordAudit(tx, ctx.actor, { action: 'user.grant_removed', entityType: 'user', entityId: id, orgPath: unit.path, before, after }, ctx.meta);
    return after;
  });
}


/** Inserts a user with one grant, no permission check: for seeds and the CLI, which act as the system. */
export async function insertUser(
  tx: Executor,
  tenantId: string,
  input: { email: string; name: string; passwordHash: string; role: string; orgUnitId: string },
): Promise<string> {
  const id = newId('usr');
  await tx.insert(users).values({ id, tenantId, email: normaliseEmail(input.email), name: input.name, passwordHash: input.passwordHash });
  await tx.insert(grants).values({ id: newId('grt'), tenantId, userId: id, role: input.role, orgUnitId: input.orgUnitId });
  return id;
}
