import { and, asc, eq } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { requirePermission, requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { type AlarmSeverity, severityRank } from '../devices/index.ts';
import { alarmWorkOrderRules } from './schema.ts';
import type { Priority } from './work-order-states.ts';

export type AlarmWorkOrderRule = typeof alarmWorkOrderRules.$inferSelect;

/** A tenant rule: alarms of this type at this severity or above open work orders of this priority. */
export interface AlarmRuleInput {
  alarmType: string;
  minSeverity: AlarmSeverity;
  priority: Priority;
  onClear: 'note' | 'complete';
  active?: boolean;
}

const columns = {
  id: alarmWorkOrderRules.id,
  alarmType: alarmWorkOrderRules.alarmType,
  minSeverity: alarmWorkOrderRules.minSeverity,
  priority: alarmWorkOrderRules.priority,
  onClear: alarmWorkOrderRules.onClear,
  active: alarmWorkOrderRules.active,
  createdAt: alarmWorkOrderRules.createdAt,
};

/** The tenant's alarm-to-work-order rules. */
export async function listAlarmRules(ctx: Ctx) {
  requireScope(ctx.actor, 'maintenance:read');
  return {
    data: await ctx.db.orm
      .select(columns)
      .from(alarmWorkOrderRules)
      .where(eq(alarmWorkOrderRules.tenantId, ctx.actor.tenantId))
      .orderBy(asc(alarmWorkOrderRules.alarmType)),
  };
}

/** Adds a rule (hq_admin: maintenance:configure). */
export async function createAlarmRule(ctx: Ctx, input: AlarmRuleInput) {
  requirePermission(ctx.actor, 'maintenance:configure');
  return ctx.db.orm.transaction(async (tx) => {
    const [row] = await tx
      .insert(alarmWorkOrderRules)
      .values({ id: newId('awr'), tenantId: ctx.actor.tenantId, ...input, active: input.active ?? true })
      .onConflictDoNothing()
      .returning(columns);
    if (!row) throw new AppError('conflict', `a rule for ${input.alarmType} at ${input.minSeverity} exists already`);
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'alarm_work_order_rule.created', entityType: 'alarm_work_order_rule', entityId: row.id, after: input },
      ctx.meta,
    );
    return row;
  });
}

async function findRule(db: Executor, ctx: Ctx, id: string) {
  requirePermission(ctx.actor, 'maintenance:configure');
  const [row] = await db
    .select()
    .from(alarmWorkOrderRules)
    .where(and(eq(alarmWorkOrderRules.tenantId, ctx.actor.tenantId), eq(alarmWorkOrderRules.id, id)));
  if (!row) notFound('alarm rule', id);
  return row;
}

/** Changes a rule. */
export async function updateAlarmRule(ctx: Ctx, id: string, patch: Partial<AlarmRuleInput>) {
  return ctx.db.orm.transaction(async (tx) => {
    const before = await findRule(tx, ctx, id);
    const [row] = await tx.update(alarmWorkOrderRules).set(patch).where(eq(alarmWorkOrderRules.id, id)).returning(columns);
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'alarm_work_order_rule.updated', entityType: 'alarm_work_order_rule', entityId: id, before, after: patch },
      ctx.meta,
    );
    return row;
  });
}

/** Removes a rule. */
export async function deleteAlarmRule(ctx: Ctx, id: string): Promise<void> {
  await ctx.db.orm.transaction(async (tx) => {
    const before = await findRule(tx, ctx, id);
    await tx.delete(alarmWorkOrderRules).where(eq(alarmWorkOrderRules.id, id));
    await recordAudit(tx, ctx.actor, { action: 'alarm_work_order_rule.deleted', entityType: 'alarm_work_order_rule', entityId: id, before }, ctx.meta);
  });
}

/** The rule an alarm of this type and severity falls under: the matching one with the highest minimum severity. */
export async function ruleFor(db: Executor, tenantId: string, alarmType: string, severity: AlarmSeverity): Promise<AlarmWorkOrderRule | undefined> {
  const rows = await db
    .select()
    .from(alarmWorkOrderRules)
    .where(and(eq(alarmWorkOrderRules.tenantId, tenantId), eq(alarmWorkOrderRules.alarmType, alarmType), eq(alarmWorkOrderRules.active, true)));
  return rows
    .filter((r) => severityRank(severity) >= severityRank(r.minSeverity as AlarmSeverity))
    .sort((a, b) => severityRank(b.minSeverity as AlarmSeverity) - severityRank(a.minSeverity as AlarmSeverity))[0];
}

/** The rule of an alarm type whatever the severity (for the clear, which carries the last severity). */
export async function anyRuleFor(db: Executor, tenantId: string, alarmType: string): Promise<AlarmWorkOrderRule | undefined> {
  const [row] = await db
    .select()
    .from(alarmWorkOrderRules)
    .where(and(eq(alarmWorkOrderRules.tenantId, tenantId), eq(alarmWorkOrderRules.alarmType, alarmType), eq(alarmWorkOrderRules.active, true)))
    .limit(1);
  return row;
}
