import { and, desc, eq, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import { requireScope } from '../../kernel/auth.ts';
import { type Ctx, decodeCursor, encodeCursor } from '../../kernel/context.ts';
import { findUnitInScope, underPaths } from '../org/index.ts';
import { findStoreInScope, stores } from '../stores/index.ts';
import type { AlarmStatus } from './alarm-lifecycle.ts';
import { type AlarmSeverity, alarmSeverities } from './alarm-rules.ts';
import { alarmView } from './alarms.ts';
import { alarms } from './alarms-schema.ts';
import { findDeviceInScope } from './devices.ts';

/** Alarm list filters: where (org unit, store, device), what (severity, status, type) and when it started. */
export interface AlarmFilter {
  orgUnitId?: string;
  storeId?: string;
  deviceId?: string;
  severity?: AlarmSeverity[];
  status?: AlarmStatus[];
  type?: string;
  from?: Date;
  to?: Date;
}

async function conditions(ctx: Ctx, f: AlarmFilter): Promise<SQL[]> {
  const paths = requireScope(ctx.actor, 'alarms:read');
  const where: SQL[] = [eq(alarms.tenantId, ctx.actor.tenantId), underPaths(alarms.orgPath, paths)];
  if (f.orgUnitId) {
    const unit = await findUnitInScope(ctx.db.orm, ctx.actor, f.orgUnitId, 'alarms:read');
    where.push(sql`${alarms.orgPath} LIKE ${`${unit.path}%`}`);
  }
  if (f.storeId) where.push(eq(alarms.storeId, f.storeId));
  if (f.deviceId) where.push(eq(alarms.deviceId, f.deviceId));
  if (f.severity?.length) where.push(inArray(alarms.severity, f.severity));
  if (f.status?.length) where.push(inArray(alarms.status, f.status));
  if (f.type) where.push(eq(alarms.type, f.type));
  if (f.from) where.push(gte(alarms.startedAt, f.from));
  if (f.to) where.push(lt(alarms.startedAt, f.to));
  return where;
}

/** Alarms inside the caller's scope, newest first, a page at a time. */
export async function listAlarms(ctx: Ctx, f: AlarmFilter & { cursor?: string; limit: number }) {
  const where = await conditions(ctx, f);
  const after = decodeCursor(f.cursor, 2);
  if (after) where.push(sql`(${alarms.startedAt}, ${alarms.id}) < (${String(after[0])}::timestamptz, ${String(after[1])})`);
  const rows = await ctx.db.orm
    .select({ alarm: alarms, storeName: stores.name, storeCode: stores.code })
    .from(alarms)
    .leftJoin(stores, eq(stores.id, alarms.storeId))
    .where(and(...where))
    .orderBy(desc(alarms.startedAt), desc(alarms.id))
    .limit(f.limit + 1);
  const data = rows.slice(0, f.limit).map((r) => ({ ...alarmView(r.alarm), storeName: r.storeName ?? '', storeCode: r.storeCode ?? '' }));
  const last = rows.length > f.limit ? rows[f.limit - 1].alarm : undefined;
  return { data, nextCursor: last ? encodeCursor([last.startedAt.toISOString(), last.id]) : null };
}

/** A store's alarms: 404 when the caller cannot see the store, 403 when they see it without alarms:read. */
export async function listStoreAlarms(ctx: Ctx, storeId: string, f: AlarmFilter & { cursor?: string; limit: number }) {
  await findStoreInScope(ctx.db.orm, ctx.actor, storeId, 'alarms:read');
  return listAlarms(ctx, { ...f, storeId });
}

/** A device's alarms: 404 when the caller cannot see the device, 403 when they see it without alarms:read. */
export async function listDeviceAlarms(ctx: Ctx, deviceId: string, f: AlarmFilter & { cursor?: string; limit: number }) {
  await findDeviceInScope(ctx.db.orm, ctx.actor, deviceId, 'alarms:read');
  return listAlarms(ctx, { ...f, deviceId });
}

/**
 * Counts for a dashboard: alarms that still need attention (active, or cleared but not acknowledged) by severity and
 * by status, inside the caller's scope and the filters.
 */
export async function alarmSummary(ctx: Ctx, f: AlarmFilter) {
  const where = await conditions(ctx, f);
  where.push(sql`${alarms.status} <> 'CLEARED_ACK'`);
  const rows = await ctx.db.orm
    .select({ severity: alarms.severity, status: alarms.status, n: sql<number>`count(*)::int` })
    .from(alarms)
    .where(and(...where))
    .groupBy(alarms.severity, alarms.status);
  const activeBySeverity = Object.fromEntries(alarmSeverities.map((s) => [s, 0])) as Record<AlarmSeverity, number>;
  const byStatus = { ACTIVE_UNACK: 0, ACTIVE_ACK: 0, CLEARED_UNACK: 0 };
  for (const r of rows) {
    if (r.status === 'ACTIVE_UNACK' || r.status === 'ACTIVE_ACK') activeBySeverity[r.severity] += r.n;
    if (r.status !== 'CLEARED_ACK') byStatus[r.status] += r.n;
  }
  const active = byStatus.ACTIVE_UNACK + byStatus.ACTIVE_ACK;
  return { activeBySeverity, byStatus, active, unacknowledged: byStatus.ACTIVE_UNACK + byStatus.CLEARED_UNACK };
}
