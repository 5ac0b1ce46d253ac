import { and, eq, sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { systemActor } from '../../kernel/auth.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { DroppedMessage } from './contract.ts';
import { isUniqueViolation } from './db-errors.ts';
import type { DeviceState } from './device-state.ts';
import { insertDevices } from './devices.ts';
import type { DevicesRuntime } from './devices-runtime.ts';
import { ensureDefaultProfile } from './profiles.ts';
import { deviceProfiles, devices } from './schema.ts';
import { checkKey } from './telemetry-payload.ts';

const pending = new Map<string, Promise<DeviceState>>();

/**
 * A gateway's sub-device by name: found in the gateway's tenant, or created in the gateway's store (profile named by
 * `type` when one exists, else the default) the first time it appears. A device of another store is refused: a
 * gateway cannot speak for devices it does not serve.
 */
export async function findOrCreateSubDevice(rt: DevicesRuntime, gateway: DeviceState, name: string, type?: string): Promise<DeviceState> {
  const gw = gateway.identity;
  if (!gw.isGateway) throw new DroppedMessage('forbidden_topic', 'only a gateway device may speak for sub-devices');
  const cached = rt.registry.subDevice(gw.deviceId, name);
  if (cached && !cached.stale && !cached.refused) return cached;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) throw new DroppedMessage('invalid_shape', 'a sub-device name is 1–200 characters');
  checkKey(name);
  const flight = `${gw.deviceId}\u0000${name}`;
  let p = pending.get(flight);
  if (!p) {
    p = resolve(rt, gateway, name, type).finally(() => pending.delete(flight));
    pending.set(flight, p);
  }
  return p;
}

async function resolve(rt: DevicesRuntime, gateway: DeviceState, name: string, type: string | undefined): Promise<DeviceState> {
  const gw = gateway.identity;
  let id = await existing(rt, gateway, name);
  if (!id) {
    try {
      id = await create(rt, gateway, name, type);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      id = await existing(rt, gateway, name); // created meanwhile by another connection or node
    }
  }
  const state = id ? await rt.registry.byId(id) : undefined;
  if (!state || state.refused) throw new DroppedMessage('suppressed', `sub-device ${name} is not available`);
  rt.registry.rememberSubDevice(gw.deviceId, name, state);
  return state;
}

async function existing(rt: DevicesRuntime, gateway: DeviceState, name: string): Promise<string | undefined> {
  const gw = gateway.identity;
  const [row] = await rt.db.orm
    .select({ id: devices.id, storeId: devices.storeId, gatewayId: devices.gatewayId })
    .from(devices)
    .where(and(eq(devices.tenantId, gw.tenantId), eq(devices.name, name)));
  if (!row) return undefined;
  if (row.id === gw.deviceId) throw new DroppedMessage('invalid_shape', 'a gateway cannot be its own sub-device');
  if (row.storeId !== gw.storeId) throw new DroppedMessage('forbidden_topic', `device ${name} belongs to another store`);
  if (row.gatewayId === null) await rt.db.orm.update(devices).set({ gatewayId: gw.deviceId }).where(eq(devices.id, row.id));
  return row.id;
}

async function create(rt: DevicesRuntime, gateway: DeviceState, name: string, type: string | undefined): Promise<string> {
  const gw = gateway.identity;
  return rt.db.orm.transaction(async (tx) => {
    const [byType] = type
      ? await tx
          .select()
          .from(deviceProfiles)
          .where(and(eq(deviceProfiles.tenantId, gw.tenantId), eq(deviceProfiles.name, type)))
      : [];
    const profile = byType ?? (await ensureDefaultProfile(tx, gw.tenantId));
    const [store] = await tx.execute<{ org_path: string }>(sql`SELECT org_path FROM stores WHERE id = ${gw.storeId}`).then((r) => r.rows);
    const [id] = await insertDevices(tx, [
      {
        tenantId: gw.tenantId,
        storeId: gw.storeId,
        orgPath: store?.org_path ?? gw.orgPath,
        profileId: profile.id,
        name,
        type: type?.slice(0, 100) ?? profile.name,
        gatewayId: gw.deviceId,
      },
    ]);
    const actor = systemActor(gw.tenantId, '', `gateway ${gw.name}`);
    await recordAudit(tx, actor, {
      action: 'device.created',
      entityType: 'device',
      entityId: id,
      orgPath: gw.orgPath,
      after: { name, gatewayId: gw.deviceId, storeId: gw.storeId },
    });
    await publishEvent(tx, gw.tenantId, 'device.created', { deviceId: id, storeId: gw.storeId, name, profileId: profile.id, gatewayId: gw.deviceId });
    return id;
  });
}
