import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type pg from 'pg';
import { recordAudit } from '../../kernel/audit.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError } from '../../kernel/errors.ts';
import { notifyNodes } from './device-notify.ts';
import { findDeviceInScope } from './devices.ts';
import type { DevicesRuntime } from './devices-runtime.ts';
import { type AttributeScope, deviceAttributes } from './schema.ts';

/** One attribute as the API shows it. */
export interface AttributeView {
  key: string;
  value: unknown;
  lastUpdateTs: number;
}

/** Upserts attributes of one scope in one statement. */
export async function upsertAttributes(
  db: Executor | pg.Pool,
  tenantId: string,
  deviceId: string,
  scope: AttributeScope,
  values: Record<string, unknown>,
): Promise<void> {
  const keys = Object.keys(values);
  if (keys.length === 0) return;
  const json = keys.map((k) => JSON.stringify(values[k]));
  if ('execute' in db) {
    await db.execute(sql`INSERT INTO device_attributes (tenant_id, device_id, scope, key, value, updated_at)
      SELECT ${tenantId}, ${deviceId}, ${scope}, k, v::jsonb, now() FROM unnest(${sql.param(keys)}::text[], ${sql.param(json)}::text[]) AS x(k, v)
      ON CONFLICT (device_id, scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
    return;
  }
  await db.query(
    `INSERT INTO device_attributes (tenant_id, device_id, scope, key, value, updated_at)
     SELECT $1, $2, $3, k, v::jsonb, now() FROM unnest($4::text[], $5::text[]) AS x(k, v)
     ON CONFLICT (device_id, scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    [tenantId, deviceId, scope, keys, json],
  );
}

/** The attributes of some scopes of a device, optionally only the named keys. */
export async function readAttributes(db: Executor, deviceId: string, scopes: AttributeScope[], keys?: string[]) {
  const where = [eq(deviceAttributes.deviceId, deviceId), inArray(deviceAttributes.scope, scopes)];
  if (keys) where.push(inArray(deviceAttributes.key, keys.length ? keys : ['']));
  return db
    .select({ scope: deviceAttributes.scope, key: deviceAttributes.key, value: deviceAttributes.value, updatedAt: deviceAttributes.updatedAt })
    .from(deviceAttributes)
    .where(and(...where))
    .orderBy(asc(deviceAttributes.key));
}

/** Pushes a shared-attribute update (`{"k":v}` or `{"deleted":[...]}`) to the device's connections on this node. */
export function pushShared(rt: DevicesRuntime, deviceId: string, payload: Record<string, unknown>): void {
  const state = rt.registry.states.get(deviceId);
  if (!state) return;
  for (const outbound of state.outbounds.keys()) {
    try {
      outbound.sharedAttributes(deviceId, payload);
    } catch (err) {
      rt.log.debug({ err, deviceId }, 'shared attribute push failed on one connection');
    }
  }
}

/** Another node changed shared attributes of a device this node may hold: push the current values (or the deletion). */
export async function pushSharedFromNotice(rt: DevicesRuntime, deviceId: string, keys: string[], deleted: boolean): Promise<void> {
  const state = rt.registry.states.get(deviceId);
  if (!state || state.outbounds.size === 0) return;
  if (deleted) return pushShared(rt, deviceId, { deleted: keys });
  const rows = await readAttributes(rt.db.orm, deviceId, ['shared'], keys.length ? keys : undefined);
  if (rows.length) pushShared(rt, deviceId, Object.fromEntries(rows.map((r) => [r.key, r.value])));
}

/** A device's attributes of one scope (people with devices:read). */
export async function listAttributes(ctx: Ctx, deviceId: string, scope: AttributeScope, keys?: string[]): Promise<AttributeView[]> {
  await findDeviceInScope(ctx.db.orm, ctx.actor, deviceId, 'devices:read');
  const rows = await readAttributes(ctx.db.orm, deviceId, [scope], keys);
  return rows.map((r) => ({ key: r.key, value: r.value, lastUpdateTs: r.updatedAt.getTime() }));
}

/**
 * Saves server or shared attributes (client ones are the device's to report). A shared change is pushed to the
 * connected device at once, on this node directly and on the others by NOTIFY at commit.
 */
export async function saveAttributes(
  ctx: Ctx,
  rt: DevicesRuntime,
  deviceId: string,
  scope: AttributeScope,
  values: Record<string, unknown>,
): Promise<AttributeView[]> {
  if (scope === 'client') throw new AppError('invalid', 'client attributes are reported by the device; write server or shared attributes');
  const device = await ctx.db.orm.transaction(async (tx) => {
    const row = await findDeviceInScope(tx, ctx.actor, deviceId, 'devices:write');
    const before = await readAttributes(tx, deviceId, [scope], Object.keys(values));
    await upsertAttributes(tx, row.tenantId, deviceId, scope, values);
    await recordAudit(
      tx,
      ctx.actor,
      {
        action: 'device.attributes_saved',
        entityType: 'device',
        entityId: deviceId,
        orgPath: row.orgPath,
        before: { scope, values: Object.fromEntries(before.map((b) => [b.key, b.value])) },
        after: { scope, values },
      },
      ctx.meta,
    );
    if (scope === 'shared') await notifyNodes(tx, { n: rt.nodeId, e: 'shared', d: deviceId, k: Object.keys(values), del: false });
    return row;
  });
  if (scope === 'shared') pushShared(rt, deviceId, values);
  const state = rt.registry.states.get(deviceId) ?? (await rt.registry.byId(deviceId));
  if (state && rt.alarms.engine)
    rt.alarms.engine.onAttributes(state.identity, scope, values).catch((err) => rt.log.warn({ err, deviceId }, 'alarm engine failed on attributes'));
  return listAttributes(ctx, device.id, scope);
}

/** Deletes attributes of any scope; deleting shared ones tells the connected device `{"deleted":[...]}`. */
export async function deleteAttributes(ctx: Ctx, rt: DevicesRuntime, deviceId: string, scope: AttributeScope, keys: string[]): Promise<AttributeView[]> {
  await ctx.db.orm.transaction(async (tx) => {
    const row = await findDeviceInScope(tx, ctx.actor, deviceId, 'devices:write');
    const gone = await tx
      .delete(deviceAttributes)
      .where(and(eq(deviceAttributes.deviceId, deviceId), eq(deviceAttributes.scope, scope), inArray(deviceAttributes.key, keys)))
      .returning({ key: deviceAttributes.key, value: deviceAttributes.value });
    await recordAudit(
      tx,
      ctx.actor,
      {
        action: 'device.attributes_deleted',
        entityType: 'device',
        entityId: deviceId,
        orgPath: row.orgPath,
        before: { scope, values: Object.fromEntries(gone.map((g) => [g.key, g.value])) },
      },
      ctx.meta,
    );
    if (scope === 'shared') await notifyNodes(tx, { n: rt.nodeId, e: 'shared', d: deviceId, k: keys, del: true });
  });
  if (scope === 'shared') pushShared(rt, deviceId, { deleted: keys });
  return listAttributes(ctx, deviceId, scope);
}
