import { and, eq } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { type Actor, requirePermission, requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { orgUnits } from '../org/index.ts';
import { announceAlarmRulesChanged } from './alarm-engine-sync.ts';
import { type RuleReport, type RuleTestInput, testAlarmRules } from './alarm-rule-test.ts';
import { type AlarmRule, type AlarmRulesDocument, parseAlarmRules } from './alarm-rules.ts';
import { deviceProfiles } from './schema.ts';

/** A profile's alarm rules as people move them around: export, import (replace), and the test bench. */

/** The export document: the rules with the profile they came from. `rules` is what is stored (valid unless written around the API). */
export interface AlarmRulesExport {
  format: 'storeos.alarm-rules/v1';
  profile: { id: string; name: string; kind: string };
  exportedAt: string;
  rules: unknown[];
}

/** Profiles are tenant-wide: changing their rules needs `devices:profiles` on the tenant's root unit (as profiles.ts does). */
async function requireTenantWide(db: Executor, actor: Actor): Promise<void> {
  requireScope(actor, 'devices:read');
  const [root] = await db
    .select({ path: orgUnits.path })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, actor.tenantId), eq(orgUnits.depth, 0)));
  requirePermission(actor, 'devices:profiles', root?.path ?? '/');
}

async function profileRow(db: Executor, tenantId: string, profileId: string, lock = false) {
  const query = db
    .select({ id: deviceProfiles.id, name: deviceProfiles.name, kind: deviceProfiles.kind, rules: deviceProfiles.alarmRules })
    .from(deviceProfiles)
    .where(and(eq(deviceProfiles.tenantId, tenantId), eq(deviceProfiles.id, profileId)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) notFound('device profile', profileId);
  return row;
}

function exportOf(row: { id: string; name: string; kind: string; rules: unknown[] }): AlarmRulesExport {
  return { format: 'storeos.alarm-rules/v1', profile: { id: row.id, name: row.name, kind: row.kind }, exportedAt: new Date().toISOString(), rules: row.rules };
}

/** Exports a profile's rules as a JSON document that `importAlarmRules` takes back unchanged. */
export async function exportAlarmRules(ctx: Ctx, profileId: string): Promise<AlarmRulesExport> {
  requireScope(ctx.actor, 'devices:read');
  return exportOf(await profileRow(ctx.db.orm, ctx.actor.tenantId, profileId));
}

/** Replaces a profile's rules (validated at the edge), audited; every node's engine reloads them at commit. */
export async function importAlarmRules(ctx: Ctx, profileId: string, doc: AlarmRulesDocument): Promise<AlarmRulesExport> {
  return ctx.db.orm.transaction(async (tx) => {
    await requireTenantWide(tx, ctx.actor);
    const before = await profileRow(tx, ctx.actor.tenantId, profileId, true);
    await tx.update(deviceProfiles).set({ alarmRules: doc.rules, updatedAt: new Date() }).where(eq(deviceProfiles.id, profileId));
    await recordAudit(
      tx,
      ctx.actor,
      {
        action: 'device_profile.alarm_rules_replaced',
        entityType: 'device_profile',
        entityId: profileId,
        before: { alarmRules: before.rules },
        after: { alarmRules: doc.rules },
      },
      ctx.meta,
    );
    await publishEvent(tx, ctx.actor.tenantId, 'device_profile.alarm_rules_changed', {
      profileId,
      rules: doc.rules.length,
      alarmTypes: doc.rules.map((r) => r.alarmType),
    });
    await announceAlarmRulesChanged(tx, ctx.actor.tenantId, profileId);
    return exportOf({ ...before, rules: doc.rules });
  });
}

/** Runs sample telemetry through a profile's stored rules, or through `rules` when given (nothing is saved). */
export async function testProfileRules(ctx: Ctx, profileId: string, input: RuleTestInput & { rules?: AlarmRule[] }): Promise<RuleReport[]> {
  requireScope(ctx.actor, 'devices:read');
  const row = await profileRow(ctx.db.orm, ctx.actor.tenantId, profileId);
  if (input.rules) return testAlarmRules(input.rules, input);
  const parsed = parseAlarmRules(row.rules);
  if (!parsed.ok) throw new AppError('conflict', "the profile's stored alarm rules do not validate; import corrected rules first", { issues: parsed.issues });
  return testAlarmRules(parsed.rules, input);
}

/** Runs sample telemetry through rules given in the request (the editor's test panel before saving). */
export function testDraftRules(ctx: Ctx, rules: AlarmRule[], input: RuleTestInput): RuleReport[] {
  requireScope(ctx.actor, 'devices:read');
  return testAlarmRules(rules, input);
}
