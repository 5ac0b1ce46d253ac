import { and, eq, sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { type Actor, can } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { findStoreInScope, zones } from '../stores/index.ts';
import { type CredentialsInput, generateToken, insertAccessTokens, storeCredentials } from './credentials.ts';
import { conflictOn } from './db-errors.ts';
import { notifyNodes } from './device-notify.ts';
import { type DeviceDetail, deviceDetail } from './device-views.ts';
import type { DevicesRuntime } from './devices-runtime.ts';
import { ensureDefaultProfile, findProfile } from './profiles.ts';
import { deviceDropCounters, devices } from './schema.ts';

export type DeviceRow = typeof devices.$inferSelect;

/** What a person sets when creating a device. */
export interface CreateDeviceInput {
  name: string;
  storeId: string;
  zoneId?: string | null;
  profileId?: string;
  label?: string | null;
  type?: string;
  isGateway?: boolean;
  accessToken?: string;
}

/** What a person may change on a device (moving it to another store included). */
export type UpdateDeviceInput = Partial<Omit<CreateDeviceInput, 'accessToken'>>;

const deviceConflicts = {
  devices_tenant_name_uq: 'a device with this name already exists',
  device_credentials_token_uq: 'this access token is already in use',
};

/**
 * Loads a device for an operation needing `permission`: 404 when the caller cannot read it (its store is outside the
 * caller's scope, or it is another tenant's), 403 when they can read it but not do this.
 */
export async function findDeviceInScope(db: Executor, actor: Actor, id: string, permission = 'devices:read', lock = false): Promise<DeviceRow> {
  const query = db
    .select()
    .from(devices)
    .where(and(eq(devices.tenantId, actor.tenantId), eq(devices.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row || !can(actor, 'devices:read', row.orgPath)) notFound('device', id);
  if (!can(actor, permission, row.orgPath)) throw new AppError('forbidden', `your role does not allow ${permission} on this device`);
  return row;
}

async function checkZone(tx: Executor, storeId: string, zoneId: string | null | undefined): Promise<void> {
  if (!zoneId) return;
  const [z] = await tx
    .select({ id: zones.id })
    .from(zones)
    .where(and(eq(zones.id, zoneId), eq(zones.storeId, storeId)));
  if (!z)
    throw new AppError('invalid', `zone ${zoneId} is not a zone of store ${storeId}`, {
      issues: [{ path: 'body.zoneId', message: 'not a zone of this store' }],
    });
}

/** Creates a device in a store the caller may add devices to; answers the access token this once. */
export async function createDevice(ctx: Ctx, rt: DevicesRuntime, input: CreateDeviceInput): Promise<DeviceDetail & { accessToken: string }> {
  const accessToken = input.accessToken ?? generateToken();
  let id = '';
  try {
    await ctx.db.orm.transaction(async (tx) => {
      const store = await findStoreInScope(tx, ctx.actor, input.storeId, 'devices:write');
      await checkZone(tx, store.id, input.zoneId);
      const profile = input.profileId ? await findProfile(tx, ctx.actor.tenantId, input.profileId) : await ensureDefaultProfile(tx, ctx.actor.tenantId);
      id = newId('dev');
      await tx.insert(devices).values({
        id,
        tenantId: ctx.actor.tenantId,
        storeId: store.id,
        zoneId: input.zoneId ?? null,
        orgPath: store.orgPath,
        profileId: profile.id,
        name: input.name,
        label: input.label ?? null,
        type: input.type ?? profile.name,
        isGateway: input.isGateway ?? false,
      });
      await storeCredentials(tx, ctx.actor.tenantId, id, { type: 'access_token', accessToken });
      const after = await deviceDetail(tx, rt, ctx.actor.tenantId, id);
      await recordAudit(tx, ctx.actor, { action: 'device.created', entityType: 'device', entityId: id, orgPath: store.orgPath, after }, ctx.meta);
      await publishEvent(tx, ctx.actor.tenantId, 'device.created', { deviceId: id, storeId: store.id, name: input.name, profileId: profile.id });
    });
  } catch (err) {
    conflictOn(err, deviceConflicts);
  }
  return { ...(await deviceDetail(ctx.db.orm, rt, ctx.actor.tenantId, id)), accessToken };
}

/** Changes a device; moving it to another store needs `devices:write` on both stores. */
export async function updateDevice(ctx: Ctx, rt: DevicesRuntime, id: string, input: UpdateDeviceInput): Promise<DeviceDetail> {
  try {
    await ctx.db.orm.transaction(async (tx) => {
      const row = await findDeviceInScope(tx, ctx.actor, id, 'devices:write', true);
      const before = await deviceDetail(tx, rt, ctx.actor.tenantId, id);
      const set: Partial<typeof devices.$inferInsert> = { updatedAt: new Date() };
      let storeId = row.storeId;
      if (input.storeId !== undefined && input.storeId !== row.storeId) {
        const store = await findStoreInScope(tx, ctx.actor, input.storeId, 'devices:write');
        storeId = store.id;
        Object.assign(set, { storeId: store.id, orgPath: store.orgPath, zoneId: null });
      }
      if (input.zoneId !== undefined) {
        await checkZone(tx, storeId, input.zoneId);
        set.zoneId = input.zoneId;
      }
      if (input.profileId !== undefined) set.profileId = (await findProfile(tx, ctx.actor.tenantId, input.profileId)).id;
      if (input.name !== undefined) set.name = input.name;
      if (input.label !== undefined) set.label = input.label;
      if (input.type !== undefined) set.type = input.type;
      if (input.isGateway !== undefined) set.isGateway = input.isGateway;
      await tx.update(devices).set(set).where(eq(devices.id, id));
      const after = await deviceDetail(tx, rt, ctx.actor.tenantId, id);
      await recordAudit(tx, ctx.actor, { action: 'device.updated', entityType: 'device', entityId: id, orgPath: row.orgPath, before, after }, ctx.meta);
      await publishEvent(tx, ctx.actor.tenantId, 'device.updated', { deviceId: id, storeId, name: after.name, profileId: after.profileId });
      await notifyNodes(tx, { n: rt.nodeId, e: 'device', id });
    });
  } catch (err) {
    conflictOn(err, deviceConflicts);
  }
  rt.registry.invalidateDevice(id);
  return deviceDetail(ctx.db.orm, rt, ctx.actor.tenantId, id);
}

/** Deletes a device with its credentials, attributes, RPCs, latest values and counters; its telemetry expires with its partitions. */
export async function deleteDevice(ctx: Ctx, rt: DevicesRuntime, id: string): Promise<void> {
  await ctx.db.orm.transaction(async (tx) => {
    const row = await findDeviceInScope(tx, ctx.actor, id, 'devices:write', true);
    const before = await deviceDetail(tx, rt, ctx.actor.tenantId, id);
    await tx.execute(sql`DELETE FROM telemetry_latest WHERE device_sid = ${row.sid}`);
    await tx.delete(deviceDropCounters).where(eq(deviceDropCounters.deviceId, id));
    await tx.delete(devices).where(eq(devices.id, id));
    await recordAudit(tx, ctx.actor, { action: 'device.deleted', entityType: 'device', entityId: id, orgPath: row.orgPath, before }, ctx.meta);
    await publishEvent(tx, ctx.actor.tenantId, 'device.deleted', { deviceId: id, storeId: row.storeId, name: row.name });
    await notifyNodes(tx, { n: rt.nodeId, e: 'device', id, end: true });
  });
  rt.registry.invalidateDevice(id);
  // Its sessions end at once, here and (through the NOTIFY at commit) on every other node.
  rt.registry.endSessions(id);
}

/** A device to insert without a person (seeds, provisioning, gateways): ids and paths resolved by the caller. */
export interface NewDevice {
  tenantId: string;
  storeId: string;
  orgPath: string;
  profileId: string;
  name: string;
  label?: string | null;
  type?: string;
  zoneId?: string | null;
  isGateway?: boolean;
  gatewayId?: string | null;
  provisionedAt?: Date | null;
  credentials?: CredentialsInput;
}

/** Inserts devices and their credentials; no permission check (callers do it). Returns the new ids in order. */
export async function insertDevices(tx: Executor, items: NewDevice[]): Promise<string[]> {
  if (items.length === 0) return [];
  const rows = items.map((d) => ({
    id: newId('dev'),
    tenantId: d.tenantId,
    storeId: d.storeId,
    zoneId: d.zoneId ?? null,
    orgPath: d.orgPath,
    profileId: d.profileId,
    name: d.name,
    label: d.label ?? null,
    type: d.type ?? 'default',
    isGateway: d.isGateway ?? false,
    gatewayId: d.gatewayId ?? null,
    provisionedAt: d.provisionedAt ?? null,
  }));
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(devices).values(rows.slice(i, i + 1000));
  const tokens: { tenantId: string; deviceId: string; accessToken: string }[] = [];
  for (const [k, d] of items.entries()) {
    if (d.credentials?.type === 'access_token') tokens.push({ tenantId: d.tenantId, deviceId: rows[k].id, accessToken: d.credentials.accessToken });
    else if (d.credentials) await storeCredentials(tx, d.tenantId, rows[k].id, d.credentials);
  }
  for (let i = 0; i < tokens.length; i += 1000) await insertAccessTokens(tx, tokens.slice(i, i + 1000));
  return rows.map((r) => r.id);
}

/**
 * Rewrites the copied org path of every device in a moved subtree (registered by a flow with the org module), and
 * tells every node, this one included, to reload the tenant's cached device identities at commit.
 */
export async function rewriteDevicePaths(tx: Executor, tenantId: string, oldPath: string, newPath: string): Promise<void> {
  await tx.execute(sql`UPDATE devices SET org_path = ${newPath} || substr(org_path, ${oldPath.length + 1})
    WHERE tenant_id = ${tenantId} AND org_path LIKE ${`${oldPath}%`}`);
  await notifyNodes(tx, { n: 'org-move', e: 'tenant', id: tenantId });
}
