import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../../kernel/audit.ts';
import { requirePermission, requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { text } from '../../kernel/schemas.ts';
import { type ComputedTraitDefinition, computedTraitDefinition } from './computed-traits.ts';
import type { UpdateRuntime } from './profile-updates.ts';
import type { RecomputeQueue } from './segments.ts';

/** Create and change computed traits (segments:manage); values are computed in the background. */

export const computedTraitBody = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,59}$/, { error: 'a key is lower_snake_case, at most 60 characters' }),
  name: text(120),
  definition: computedTraitDefinition,
});
/** A change to a computed trait (its key stays). */
export const computedTraitPatch = computedTraitBody.omit({ key: true }).partial();

type Row = { id: string; key: string; name: string; definition: ComputedTraitDefinition; status: string; created_at: Date; updated_at: Date };

const view = (r: Row) => ({
  id: r.id,
  key: r.key,
  name: r.name,
  definition: r.definition,
  status: r.status,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

async function load(db: Executor, tenantId: string, id: string): Promise<Row> {
  const r = await db.execute<Row>(
    sql`SELECT id, key, name, definition, status, created_at, updated_at FROM computed_traits WHERE tenant_id = ${tenantId} AND id = ${id}`,
  );
  if (!r.rows[0]) notFound('computed trait', id);
  return r.rows[0];
}

/** Computed traits of the tenant. */
export async function listComputedTraits(ctx: Ctx) {
  requireScope(ctx.actor, 'customers:read');
  const r = await ctx.db.orm.execute<Row>(
    sql`SELECT id, key, name, definition, status, created_at, updated_at FROM computed_traits WHERE tenant_id = ${ctx.actor.tenantId} ORDER BY key`,
  );
  return { data: r.rows.map(view), nextCursor: null };
}

/** One computed trait. */
export async function getComputedTrait(ctx: Ctx, id: string) {
  requireScope(ctx.actor, 'customers:read');
  return view(await load(ctx.db.orm, ctx.actor.tenantId, id));
}

/** Defines a computed trait; its values are computed in the background, then kept on every event. */
export async function createComputedTrait(ctx: Ctx, rt: UpdateRuntime, queue: RecomputeQueue, body: z.infer<typeof computedTraitBody>) {
  requirePermission(ctx.actor, 'segments:manage');
  const tenantId = ctx.actor.tenantId;
  const id = newId('ctr');
  await ctx.db.orm.transaction(async (tx) => {
    const clash = await tx.execute(sql`SELECT 1 FROM computed_traits WHERE tenant_id = ${tenantId} AND key = ${body.key}`);
    if (clash.rows.length) throw new AppError('conflict', `a computed trait with key ${body.key} exists`);
    await tx.execute(sql`
      INSERT INTO computed_traits (id, tenant_id, key, name, definition) VALUES (${id}, ${tenantId}, ${body.key}, ${body.name}, ${JSON.stringify(body.definition)}::jsonb)`);
    await recordAudit(tx, ctx.actor, { action: 'computed_trait.created', entityType: 'computed_trait', entityId: id, after: body }, ctx.meta);
  });
  rt.catalog.invalidate(tenantId);
  await queue.enqueue({ tenantId, kind: 'trait', id });
  return view(await load(ctx.db.orm, tenantId, id));
}

/** Changes a computed trait; a changed definition is computed again in the background. */
export async function updateComputedTrait(ctx: Ctx, rt: UpdateRuntime, queue: RecomputeQueue, id: string, body: z.infer<typeof computedTraitPatch>) {
  requirePermission(ctx.actor, 'segments:manage');
  const tenantId = ctx.actor.tenantId;
  const before = await load(ctx.db.orm, tenantId, id);
  const changed = body.definition !== undefined && JSON.stringify(body.definition) !== JSON.stringify(before.definition);
  await ctx.db.orm.transaction(async (tx) => {
    await tx.execute(sql`
      UPDATE computed_traits SET name = ${body.name ?? before.name}, definition = ${JSON.stringify(body.definition ?? before.definition)}::jsonb,
        status = CASE WHEN ${changed} THEN 'computing' ELSE status END, updated_at = now() WHERE id = ${id}`);
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'computed_trait.updated', entityType: 'computed_trait', entityId: id, before: view(before), after: body },
      ctx.meta,
    );
  });
  rt.catalog.invalidate(tenantId);
  if (changed) await queue.enqueue({ tenantId, kind: 'trait', id });
  return view(await load(ctx.db.orm, tenantId, id));
}

/** Deletes a computed trait and its values (segments naming it then match nobody on that condition). */
export async function deleteComputedTrait(ctx: Ctx, rt: UpdateRuntime, id: string) {
  requirePermission(ctx.actor, 'segments:manage');
  const tenantId = ctx.actor.tenantId;
  const before = await load(ctx.db.orm, tenantId, id);
  await ctx.db.orm.transaction(async (tx) => {
    await tx.execute(sql`DELETE FROM computed_trait_values WHERE trait_id = ${id}`);
    await tx.execute(sql`DELETE FROM profile_timers WHERE kind = 'trait' AND ref_id = ${id}`);
    await tx.execute(sql`DELETE FROM computed_traits WHERE id = ${id}`);
    await recordAudit(tx, ctx.actor, { action: 'computed_trait.deleted', entityType: 'computed_trait', entityId: id, before: view(before) }, ctx.meta);
  });
  rt.catalog.invalidate(tenantId);
}
