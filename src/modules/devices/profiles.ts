import { and, asc, count, eq, gt, ne } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { type Actor, can, requirePermission, requireScope } from '../../kernel/auth.ts';
import { type Ctx, decodeCursor, encodeCursor } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { orgUnits } from '../org/index.ts';
import { defaultAlarmRules } from './alarm-defaults.ts';
import type { AlarmRule } from './alarm-rules.ts';
import { generateToken } from './credentials.ts';
import { conflictOn } from './db-errors.ts';
import { notifyNodes } from './device-notify.ts';
import type { DevicesRuntime } from './devices-runtime.ts';
import { type DeviceKind, deviceProfiles, devices, type ProvisionStrategy } from './schema.ts';

export type ProfileRow = typeof deviceProfiles.$inferSelect;

/** What a person sets on a profile. */
export interface ProfileInput {
  name: string;
  description?: string | null;
  kind: DeviceKind;
  isDefault?: boolean;
  telemetryRetentionDays?: number;
  inactivityTimeoutSeconds?: number;
  defaultChartKeys?: string[];
  provisionStrategy?: ProvisionStrategy;
  provisionKey?: string | null;
  provisionSecret?: string | null;
  provisionStoreId?: string | null;
  /** Only on creation: the rules to start with; left out, the kind's default rules. */
  alarmRules?: AlarmRule[];
}

const profileConflicts = {
  device_profiles_tenant_name_uq: 'a device profile with this name already exists',
  device_profiles_provision_key_uq: 'this provision key is already in use',
};

/** A profile as the API shows it; the provision secret only to those who may manage profiles. */
export function profileView(p: ProfileRow, showSecret: boolean) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    kind: p.kind,
    isDefault: p.isDefault,
    telemetryRetentionDays: p.telemetryRetentionDays,
    inactivityTimeoutSeconds: p.inactivityTimeoutSeconds,
    defaultChartKeys: p.defaultChartKeys,
    provisionStrategy: p.provisionStrategy,
    provisionKey: showSecret ? p.provisionKey : null,
    provisionSecret: showSecret ? p.provisionSecret : null,
    provisionStoreId: p.provisionStoreId,
    alarmRuleCount: Array.isArray(p.alarmRules) ? p.alarmRules.length : 0,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}
export type ProfileView = ReturnType<typeof profileView>;

/** Profiles are tenant-wide: changing them needs `devices:profiles` on the tenant's root unit. */
async function requireTenantWide(db: Executor, actor: Actor): Promise<void> {
  const [root] = await db
    .select({ path: orgUnits.path })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, actor.tenantId), eq(orgUnits.depth, 0)));
  requireScope(actor, 'devices:read');
  requirePermission(actor, 'devices:profiles', root?.path ?? '/');
}

/** A profile of the actor's tenant, or 404. */
export async function findProfile(db: Executor, tenantId: string, id: string): Promise<ProfileRow> {
  const [row] = await db
    .select()
    .from(deviceProfiles)
    .where(and(eq(deviceProfiles.tenantId, tenantId), eq(deviceProfiles.id, id)));
  if (!row) notFound('device profile', id);
  return row;
}

/** The tenant's default profile, created on first need ("Default", kind other). */
export async function ensureDefaultProfile(tx: Executor, tenantId: string): Promise<ProfileRow> {
  const [found] = await tx
    .select()
    .from(deviceProfiles)
    .where(and(eq(deviceProfiles.tenantId, tenantId), eq(deviceProfiles.isDefault, true)));
  if (found) return found;
  const [made] = await tx
    .insert(deviceProfiles)
    .values({ id: newId('prf'), tenantId, name: 'Default', kind: 'other', isDefault: true })
    .onConflictDoNothing()
    .returning();
  if (made) return made;
  // A profile already holds the name: it becomes the default.
  const [named] = await tx
    .update(deviceProfiles)
    .set({ isDefault: true })
    .where(and(eq(deviceProfiles.tenantId, tenantId), eq(deviceProfiles.name, 'Default')))
    .returning();
  return named;
}

/** The tenant's profiles, by name, a page at a time (anyone who may read devices). */
export async function listProfiles(ctx: Ctx, q: { cursor?: string; limit: number }) {
  requireScope(ctx.actor, 'devices:read');
  const after = decodeCursor(q.cursor, 1);
  const where = [eq(deviceProfiles.tenantId, ctx.actor.tenantId)];
  if (after) where.push(gt(deviceProfiles.name, String(after[0])));
  const rows = await ctx.db.orm
    .select()
    .from(deviceProfiles)
    .where(and(...where))
    .orderBy(asc(deviceProfiles.name))
    .limit(q.limit + 1);
  const show = can(ctx.actor, 'devices:profiles');
  const data = rows.slice(0, q.limit).map((r) => profileView(r, show));
  return { data, nextCursor: rows.length > q.limit ? encodeCursor([data[data.length - 1].name]) : null };
}

/** One profile. */
export async function getProfile(ctx: Ctx, id: string): Promise<ProfileView> {
  requireScope(ctx.actor, 'devices:read');
  return profileView(await findProfile(ctx.db.orm, ctx.actor.tenantId, id), can(ctx.actor, 'devices:profiles'));
}

function provisioningOf(input: Partial<ProfileInput>, current?: ProfileRow) {
  const strategy = input.provisionStrategy ?? current?.provisionStrategy ?? 'disabled';
  if (strategy === 'disabled')
    return {
      provisionStrategy: strategy,
      provisionKey: input.provisionKey ?? current?.provisionKey ?? null,
      provisionSecret: input.provisionSecret ?? current?.provisionSecret ?? null,
    };
  return {
    provisionStrategy: strategy,
    provisionKey: input.provisionKey ?? current?.provisionKey ?? generateToken(),
    provisionSecret: input.provisionSecret ?? current?.provisionSecret ?? generateToken(),
  };
}

async function afterChange(rt: DevicesRuntime, row: ProfileRow): Promise<void> {
  rt.registry.invalidateProfile(row.id);
  // A new retention class gets its partitions now, not on the first message.
  await rt.partitions.createAhead([row.telemetryRetentionDays]);
}

/**
 * Creates a profile (tenant-wide). A profile of a known kind starts with that kind's default alarm rules unless rules
 * are given (`[]` for none); provisioning key and secret are generated when provisioning is on and none is given.
 */
export async function createProfile(ctx: Ctx, rt: DevicesRuntime, input: ProfileInput): Promise<ProfileView> {
  let row: ProfileRow;
  try {
    row = await ctx.db.orm.transaction(async (tx) => {
      await requireTenantWide(tx, ctx.actor);
      if (input.isDefault) await tx.update(deviceProfiles).set({ isDefault: false }).where(eq(deviceProfiles.tenantId, ctx.actor.tenantId));
      const [made] = await tx
        .insert(deviceProfiles)
        .values({
          id: newId('prf'),
          tenantId: ctx.actor.tenantId,
          ...input,
          alarmRules: input.alarmRules ?? defaultAlarmRules(input.kind),
          ...provisioningOf(input),
        })
        .returning();
      await recordAudit(
        tx,
        ctx.actor,
        { action: 'device_profile.created', entityType: 'device_profile', entityId: made.id, after: profileView(made, false) },
        ctx.meta,
      );
      return made;
    });
  } catch (err) {
    conflictOn(err, profileConflicts);
  }
  await afterChange(rt, row);
  return profileView(row, true);
}

/** Changes a profile; its devices pick up retention and timeout changes at once (on every node). */
export async function updateProfile(ctx: Ctx, rt: DevicesRuntime, id: string, input: Partial<ProfileInput>): Promise<ProfileView> {
  let row: ProfileRow;
  try {
    row = await ctx.db.orm.transaction(async (tx) => {
      await requireTenantWide(tx, ctx.actor);
      const before = await findProfile(tx, ctx.actor.tenantId, id);
      if (input.isDefault === false && before.isDefault) throw new AppError('conflict', 'make another profile the default instead');
      if (input.isDefault)
        await tx
          .update(deviceProfiles)
          .set({ isDefault: false })
          .where(and(eq(deviceProfiles.tenantId, ctx.actor.tenantId), ne(deviceProfiles.id, id)));
      const set = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
      const [after] = await tx
        .update(deviceProfiles)
        .set({ ...set, ...provisioningOf(input, before), updatedAt: new Date() })
        .where(eq(deviceProfiles.id, id))
        .returning();
      await recordAudit(
        tx,
        ctx.actor,
        { action: 'device_profile.updated', entityType: 'device_profile', entityId: id, before: profileView(before, false), after: profileView(after, false) },
        ctx.meta,
      );
      await notifyNodes(tx, { n: rt.nodeId, e: 'profile', id });
      return after;
    });
  } catch (err) {
    conflictOn(err, profileConflicts);
  }
  await afterChange(rt, row);
  return profileView(row, true);
}

/** Deletes a profile no device uses; the default profile stays. */
export async function deleteProfile(ctx: Ctx, id: string): Promise<void> {
  await ctx.db.orm.transaction(async (tx) => {
    await requireTenantWide(tx, ctx.actor);
    const row = await findProfile(tx, ctx.actor.tenantId, id);
    if (row.isDefault) throw new AppError('conflict', 'the default profile cannot be deleted; make another one the default first');
    const [used] = await tx.select({ n: count() }).from(devices).where(eq(devices.profileId, id));
    if ((used?.n ?? 0) > 0) throw new AppError('conflict', `${used.n} devices use this profile; move them to another profile first`, { devices: used.n });
    await tx.delete(deviceProfiles).where(eq(deviceProfiles.id, id));
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'device_profile.deleted', entityType: 'device_profile', entityId: id, before: profileView(row, false) },
      ctx.meta,
    );
  });
}
