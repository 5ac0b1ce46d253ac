import { and, asc, eq, gt, ilike, or, type SQL } from 'drizzle-orm';
import { requireScope } from '../../kernel/auth.ts';
import { type Ctx, decodeCursor, encodeCursor, likeEscape } from '../../kernel/context.ts';
import { findUnitInScope, underPaths } from '../org/index.ts';
import { findStoreInScope, stores } from '../stores/index.ts';
import { deviceColumns, withLiveState } from './device-views.ts';
import type { DevicesRuntime } from './devices-runtime.ts';
import { deviceProfiles, devices } from './schema.ts';

/** Device list filters. */
export interface DeviceQuery {
  storeId?: string;
  orgUnitId?: string;
  profileId?: string;
  online?: boolean;
  q?: string;
  cursor?: string;
  limit: number;
}

/** Devices whose store the caller may see, filtered, by name, a page at a time (online state as this node knows it). */
export async function listDevices(ctx: Ctx, rt: DevicesRuntime, q: DeviceQuery) {
  const paths = requireScope(ctx.actor, 'devices:read');
  const where: SQL[] = [eq(devices.tenantId, ctx.actor.tenantId), underPaths(devices.orgPath, paths)];
  if (q.storeId) where.push(eq(devices.storeId, q.storeId));
  if (q.orgUnitId) {
    const unit = await findUnitInScope(ctx.db.orm, ctx.actor, q.orgUnitId, 'devices:read');
    where.push(underPaths(devices.orgPath, [unit.path]));
  }
  if (q.profileId) where.push(eq(devices.profileId, q.profileId));
  if (q.online !== undefined) where.push(eq(devices.online, q.online));
  const text = q.q?.trim();
  if (text) {
    const p = `%${likeEscape(text)}%`;
    where.push(or(ilike(devices.name, p), ilike(devices.label, p)) as SQL);
  }
  const after = decodeCursor(q.cursor, 1);
  if (after) where.push(gt(devices.name, String(after[0])));
  const rows = await ctx.db.orm
    .select(deviceColumns)
    .from(devices)
    .innerJoin(stores, eq(stores.id, devices.storeId))
    .innerJoin(deviceProfiles, eq(deviceProfiles.id, devices.profileId))
    .where(and(...where))
    .orderBy(asc(devices.name))
    .limit(q.limit + 1);
  const data = rows.slice(0, q.limit).map((r) => withLiveState(rt, r));
  return { data, nextCursor: rows.length > q.limit ? encodeCursor([data[data.length - 1].name]) : null };
}

/** The devices of one store (404 when the store is outside the caller's device scope). */
export async function listStoreDevices(ctx: Ctx, rt: DevicesRuntime, storeId: string, q: Omit<DeviceQuery, 'storeId' | 'orgUnitId'>) {
  await findStoreInScope(ctx.db.orm, ctx.actor, storeId, 'devices:read');
  return listDevices(ctx, rt, { ...q, storeId });
}
