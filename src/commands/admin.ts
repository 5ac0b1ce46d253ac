import { and, eq, or } from 'drizzle-orm';
import { systemActor } from '../kernel/auth.ts';
import type { Ctx } from '../kernel/context.ts';
import type { Database } from '../kernel/db.ts';
import { AppError } from '../kernel/errors.ts';
import { createApiKey, createTenant, createUser, orgUnits, roles, tenantBySlug } from '../modules/org/index.ts';

/** A system context for a tenant, as CLI commands act: audited as `cli`. */
export async function cliContext(db: Database, slug: string): Promise<Ctx> {
  const tenant = await tenantBySlug(db.orm, slug);
  return { db, actor: systemActor(tenant.id, tenant.slug, 'cli'), meta: { ip: 'cli' } };
}

/** Finds an org unit by code or id inside the tenant. */
export async function unitByRef(ctx: Ctx, ref: string) {
  const [unit] = await ctx.db.orm
    .select()
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, ctx.actor.tenantId), or(eq(orgUnits.code, ref), eq(orgUnits.id, ref))));
  if (!unit) throw new AppError('not_found', `no org unit with code or id ${ref} in tenant ${ctx.actor.tenantSlug}`);
  return unit;
}

function checkRole(role: string) {
  if (!(roles as readonly string[]).includes(role)) throw new AppError('invalid', `unknown role ${role}; roles: ${roles.join(', ')}`);
}

/** `storeos tenant create`. */
export async function tenantCreate(db: Database, opts: { slug: string; name: string }) {
  return db.orm.transaction((tx) => createTenant(tx, { slug: opts.slug, name: opts.name }));
}

/** `storeos user add`: a user with a role on an org unit (the tenant's root when no scope is given). */
export async function userAdd(db: Database, opts: { tenant: string; email: string; role: string; scope?: string; password?: string; name?: string }) {
  checkRole(opts.role);
  const ctx = await cliContext(db, opts.tenant);
  const unit = opts.scope ? await unitByRef(ctx, opts.scope) : await rootOf(ctx);
  if (opts.password !== undefined && opts.password.length < 10) throw new AppError('invalid', '--password must be at least 10 characters');
  return createUser(ctx, { email: opts.email, name: opts.name ?? opts.email.split('@')[0], role: opts.role, orgUnitId: unit.id, password: opts.password });
}

/** `storeos apikey create`: a key for a role on an org unit (the tenant's root when no scope is given). */
export async function apikeyCreate(db: Database, opts: { tenant: string; role: string; scope?: string; name: string }) {
  checkRole(opts.role);
  const ctx = await cliContext(db, opts.tenant);
  const unit = opts.scope ? await unitByRef(ctx, opts.scope) : await rootOf(ctx);
  return createApiKey(ctx, { name: opts.name, role: opts.role, orgUnitId: unit.id });
}

async function rootOf(ctx: Ctx) {
  const [root] = await ctx.db.orm
    .select()
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, ctx.actor.tenantId), eq(orgUnits.depth, 0)));
  if (!root) throw new AppError('not_found', `tenant ${ctx.actor.tenantSlug} has no root unit`);
  return root;
}
