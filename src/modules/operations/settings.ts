import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../../kernel/audit.ts';
import { can, requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError } from '../../kernel/errors.ts';
import { orgUnits } from '../org/index.ts';
import { operationsSettings } from './schema.ts';

/** Assigned task minutes per store and week above which the load guard warns, unless the tenant sets its own. */
export const defaultWeeklyMinutesCap = 1200;

export const settingsBody = z.strictObject({ weeklyMinutesCap: z.number().int().min(1).max(100_000) });
export type OperationsSettings = z.infer<typeof settingsBody>;

/** A tenant's operations settings (defaults where it set none). */
export async function settingsOf(db: Executor, tenantId: string): Promise<OperationsSettings> {
  const [row] = await db
    .select({ weeklyMinutesCap: operationsSettings.weeklyMinutesCap })
    .from(operationsSettings)
    .where(eq(operationsSettings.tenantId, tenantId));
  return { weeklyMinutesCap: row?.weeklyMinutesCap ?? defaultWeeklyMinutesCap };
}

/** The settings, for anyone who sends tasks. */
export async function readSettings(ctx: Ctx): Promise<OperationsSettings> {
  requireScope(ctx.actor, 'tasks:read');
  return settingsOf(ctx.db.orm, ctx.actor.tenantId);
}

/** Sets the load guard's weekly cap: tenant-wide, so only for those who manage tasks at the tenant's root. */
export async function writeSettings(ctx: Ctx, body: OperationsSettings): Promise<OperationsSettings> {
  return ctx.db.orm.transaction(async (tx) => {
    const [root] = await tx
      .select({ path: orgUnits.path })
      .from(orgUnits)
      .where(sql`${orgUnits.tenantId} = ${ctx.actor.tenantId} AND ${orgUnits.parentId} IS NULL`);
    if (!root || !can(ctx.actor, 'tasks:manage', root.path))
      throw new AppError('forbidden', 'only those who manage tasks for the whole tenant may change operations settings');
    const before = await settingsOf(tx, ctx.actor.tenantId);
    await tx
      .insert(operationsSettings)
      .values({ tenantId: ctx.actor.tenantId, weeklyMinutesCap: body.weeklyMinutesCap })
      .onConflictDoUpdate({ target: operationsSettings.tenantId, set: { weeklyMinutesCap: body.weeklyMinutesCap, updatedAt: new Date() } });
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'operations_settings.updated', entityType: 'operations_settings', entityId: ctx.actor.tenantId, orgPath: root.path, before, after: body },
      ctx.meta,
    );
    return body;
  });
}
