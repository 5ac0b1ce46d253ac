import { createHash } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { notFound } from '../../kernel/errors.ts';
import { newId, newSecret } from '../../kernel/ids.ts';
import { findUnitInScope, underPaths } from './org-units.ts';
import { apiKeys, orgUnits } from './schema.ts';
import { assertMayGrant } from './users.ts';

/** An API key as listed: never the key or its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  role: string;
  orgUnitId: string;
  orgUnitName: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const columns = {
  id: apiKeys.id,
  name: apiKeys.name,
  role: apiKeys.role,
  orgUnitId: apiKeys.orgUnitId,
  orgUnitName: orgUnits.name,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
  path: orgUnits.path,
};

async function keysWhere(db: Executor, tenantId: string, paths: string[], id?: string) {
  return db
    .select(columns)
    .from(apiKeys)
    .innerJoin(orgUnits, eq(orgUnits.id, apiKeys.orgUnitId))
    .where(and(eq(apiKeys.tenantId, tenantId), underPaths(orgUnits.path, paths), id ? eq(apiKeys.id, id) : undefined))
    .orderBy(desc(apiKeys.createdAt));
}

const strip = ({ path: _path, ...view }: ApiKeyView & { path: string }): ApiKeyView => view;

/** The keys scoped inside the caller's subtree, newest first. */
export async function listApiKeys(ctx: Ctx): Promise<ApiKeyView[]> {
  const rows = await keysWhere(ctx.db.orm, ctx.actor.tenantId, requireScope(ctx.actor, 'apikeys:manage'));
  return rows.map(strip);
}

/** Creates a key for a role on a unit (the tenant's root unit when none is given); the key itself is answered once. */
export async function createApiKey(ctx: Ctx, input: { name: string; role: string; orgUnitId?: string }): Promise<{ apiKey: ApiKeyView; key: string }> {
  requireScope(ctx.actor, 'apikeys:manage'); // 403 for a role that manages keys nowhere, before the default root unit 404s
  return ctx.db.orm.transaction(async (tx) => {
    const unitId = input.orgUnitId ?? (await rootUnitId(tx, ctx.actor.tenantId));
    const unit = await findUnitInScope(tx, ctx.actor, unitId, 'apikeys:manage');
    assertMayGrant(ctx.actor, input.role, unit, 'apikeys:manage');
    const key = `sk_${newSecret(32).replace(/[-_]/g, '').slice(0, 40)}`;
    const id = newId('key');
    await tx.insert(apiKeys).values({
      id,
      tenantId: ctx.actor.tenantId,
      name: input.name,
      role: input.role,
      orgUnitId: unit.id,
      prefix: key.slice(0, 15),
      keyHash: createHash('sha256').update(key).digest('hex'),
      createdBy: ctx.actor.id,
    });
    const [row] = await keysWhere(tx, ctx.actor.tenantId, [unit.path], id);
    const apiKey = strip(row);
    await recordAudit(tx, ctx.actor, { action: 'api_key.created', entityType: 'api_key', entityId: id, orgPath: unit.path, after: apiKey }, ctx.meta);
    return { apiKey, key };
  });
}

/** Revokes a key: the next request with it answers 401. */
export async function revokeApiKey(ctx: Ctx, id: string): Promise<ApiKeyView> {
  return ctx.db.orm.transaction(async (tx) => {
    const [row] = await keysWhere(tx, ctx.actor.tenantId, requireScope(ctx.actor, 'apikeys:manage'), id);
    if (!row) notFound('API key', id);
    if (!row.revokedAt) await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id));
    const [after] = await keysWhere(tx, ctx.actor.tenantId, [row.path], id);
    await recordAudit(tx, ctx.actor, { action: 'api_key.revoked', entityType: 'api_key', entityId: id, orgPath: row.path, before: strip(row), after: strip(after) }, ctx.meta);
    return strip(after);
  });
}

/** The id of the tenant's root org unit. */
export async function rootUnitId(db: Executor, tenantId: string): Promise<string> {
  const [root] = await db.select({ id: orgUnits.id }).from(orgUnits).where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.depth, 0))).limit(1);
  if (!root) notFound('root org unit of tenant', tenantId);
  return root.id;
}
