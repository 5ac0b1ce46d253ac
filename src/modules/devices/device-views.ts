import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../kernel/db.ts';
import { notFound } from '../../kernel/errors.ts';
import { stores, zones } from '../stores/index.ts';
import type { DataPoint } from './contract.ts';
import { credentialsOf } from './credentials.ts';
import type { DevicesRuntime } from './devices-runtime.ts';
import { deviceDropCounters, deviceProfiles, devices } from './schema.ts';

/** The columns of a device as lists show it. */
export const deviceColumns = {
  id: devices.id,
  name: devices.name,
  label: devices.label,
  type: devices.type,
  storeId: devices.storeId,
  storeCode: stores.code,
  storeName: stores.name,
  zoneId: devices.zoneId,
  profileId: devices.profileId,
  profileName: deviceProfiles.name,
  kind: deviceProfiles.kind,
  isGateway: devices.isGateway,
  gatewayId: devices.gatewayId,
  online: devices.online,
  lastActivityAt: devices.lastActivityAt,
  createdAt: devices.createdAt,
  updatedAt: devices.updatedAt,
};

/** Overlays what this node knows fresher than the database: online state and last activity live in memory first. */
export function withLiveState<T extends { id: string; online: boolean; lastActivityAt: Date | null }>(rt: DevicesRuntime, row: T): T {
  const s = rt.registry.states.get(row.id);
  if (!s || s.refused || s.lastActivityAt === 0) return row;
  const stored = row.lastActivityAt?.getTime() ?? 0;
  return { ...row, online: s.online, lastActivityAt: new Date(Math.max(stored, s.lastActivityAt)) };
}

/** A stored latest value back from its typed columns: the one that is not NULL. */
export function storedValue(row: { num_v: number | null; bool_v: boolean | null; str_v: string | null; json_v: unknown }): DataPoint['value'] {
  if (row.num_v !== null) return row.num_v;
  if (row.bool_v !== null) return row.bool_v;
  if (row.str_v !== null) return row.str_v;
  return row.json_v as DataPoint['value'];
}

/** The latest value of every key of a device: stored ones, overlaid with those this node committed since the last flush. */
export async function latestOf(
  db: Executor,
  rt: DevicesRuntime,
  sid: number,
  deviceId: string,
): Promise<{ key: string; ts: number; value: DataPoint['value'] }[]> {
  const r = await db.execute<{ key: string; ts: number; num_v: number | null; bool_v: boolean | null; str_v: string | null; json_v: unknown }>(
    sql`SELECT k.key, l.ts, l.num_v, l.bool_v, l.str_v, l.json_v FROM telemetry_latest l JOIN telemetry_keys k ON k.id = l.key_id WHERE l.device_sid = ${sid}`,
  );
  const byKey = new Map<string, { key: string; ts: number; value: DataPoint['value'] }>();
  for (const row of r.rows) byKey.set(row.key, { key: row.key, ts: Number(row.ts), value: storedValue(row) });
  const state = rt.registry.states.get(deviceId);
  if (state) {
    for (const p of state.latest.values()) {
      const held = byKey.get(p.key);
      if (!held || held.ts <= p.ts) byKey.set(p.key, { key: p.key, ts: p.ts, value: p.value });
    }
  }
  return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** Dropped messages of a device per reason: stored counts plus those not flushed yet (read again if a flush started meanwhile). */
export async function dropsOf(db: Executor, rt: DevicesRuntime, deviceId: string) {
  for (let attempt = 0; ; attempt++) {
    await rt.drops.idle();
    const seen = rt.drops.started;
    const unflushed = rt.drops.unflushed(deviceId);
    const rows = await db
      .select({ reason: deviceDropCounters.reason, count: deviceDropCounters.count, lastAt: deviceDropCounters.lastAt })
      .from(deviceDropCounters)
      .where(eq(deviceDropCounters.deviceId, deviceId))
      .orderBy(asc(deviceDropCounters.reason));
    if (rt.drops.started !== seen && attempt < 3) continue;
    const byReason = new Map(rows.map((r) => [r.reason, { ...r }]));
    for (const p of unflushed) {
      const held = byReason.get(p.reason);
      if (held) {
        held.count += p.count;
        if (p.lastAt > held.lastAt.getTime()) held.lastAt = new Date(p.lastAt);
      } else {
        byReason.set(p.reason, { reason: p.reason, count: p.count, lastAt: new Date(p.lastAt) });
      }
    }
    return [...byReason.values()];
  }
}

/** A device with its store, zone, profile, latest values, drop counters and credential type. */
export async function deviceDetail(db: Executor, rt: DevicesRuntime, tenantId: string, id: string) {
  const [row] = await db
    .select({
      ...deviceColumns,
      sid: devices.sid,
      zoneName: zones.name,
      telemetryRetentionDays: deviceProfiles.telemetryRetentionDays,
      inactivityTimeoutSeconds: deviceProfiles.inactivityTimeoutSeconds,
      defaultChartKeys: deviceProfiles.defaultChartKeys,
    })
    .from(devices)
    .innerJoin(stores, eq(stores.id, devices.storeId))
    .innerJoin(deviceProfiles, eq(deviceProfiles.id, devices.profileId))
    .leftJoin(zones, eq(zones.id, devices.zoneId))
    .where(and(eq(devices.tenantId, tenantId), eq(devices.id, id)));
  if (!row) notFound('device', id);
  const { sid, ...view } = row;
  const credentials = await credentialsOf(db, id);
  return {
    ...withLiveState(rt, view),
    latest: await latestOf(db, rt, sid, id),
    drops: await dropsOf(db, rt, id),
    credentials: credentials ? { type: credentials.type, tokenPrefix: credentials.tokenPrefix, revoked: credentials.revoked } : null,
  };
}

export type DeviceDetail = Awaited<ReturnType<typeof deviceDetail>>;
