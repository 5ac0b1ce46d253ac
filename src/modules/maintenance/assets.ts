import { and, asc, desc, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { type Actor, can, requirePermission, requireScope } from '../../kernel/auth.ts';
import { type Ctx, decodeCursor, encodeCursor, likeEscape } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId, newSecret } from '../../kernel/ids.ts';
import { findDeviceInScope } from '../devices/index.ts';
import { underPaths } from '../org/index.ts';
import { findStoreInScope, stores, zones } from '../stores/index.ts';
import { type AssetRow, changeAssetStatus } from './asset-status.ts';
import { assetDowntime, assets, workOrders } from './schema.ts';
import { type AssetStatus, openStatuses } from './work-order-states.ts';

/** Asset fields a person sets. */
export interface AssetInput {
  storeId: string;
  zoneId?: string | null;
  name: string;
  category: string;
  make?: string | null;
  model?: string | null;
  serial?: string | null;
  installedOn?: string | null;
  warrantyEnd?: string | null;
  status?: AssetStatus;
  deviceId?: string | null;
}

/**
 * Loads an asset for an operation needing `permission`: 404 when the caller cannot see it (maintenance:read on its
 * store), 403 when they can see it but not do this. `lock` takes a row lock for the change that follows.
 */
export async function findAssetInScope(db: Executor, actor: Actor, id: string, permission = 'maintenance:read', lock = false): Promise<AssetRow> {
  const query = db
    .select()
    .from(assets)
    .where(and(eq(assets.tenantId, actor.tenantId), eq(assets.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row || !can(actor, 'maintenance:read', row.orgPath)) notFound('asset', id);
  if (!can(actor, permission, row.orgPath)) throw new AppError('forbidden', `your role does not allow ${permission} on this asset`);
  return row;
}

async function checkPlacement(db: Executor, actor: Actor, storeId: string, zoneId: string | null | undefined, deviceId: string | null | undefined) {
  if (zoneId) {
    const [zone] = await db
      .select({ id: zones.id })
      .from(zones)
      .where(and(eq(zones.id, zoneId), eq(zones.storeId, storeId)));
    if (!zone)
      throw new AppError('invalid', `zone ${zoneId} is not a zone of this store`, { issues: [{ path: 'body.zoneId', message: 'not a zone of the store' }] });
  }
  if (deviceId) {
    const device = await findDeviceInScope(db, actor, deviceId);
    if (device.storeId !== storeId)
      throw new AppError('invalid', `device ${deviceId} is in another store`, { issues: [{ path: 'body.deviceId', message: 'device of another store' }] });
  }
}

const columns = {
  id: assets.id,
  storeId: assets.storeId,
  storeCode: stores.code,
  storeName: stores.name,
  zoneId: assets.zoneId,
  name: assets.name,
  category: assets.category,
  make: assets.make,
  model: assets.model,
  serial: assets.serial,
  installedOn: assets.installedOn,
  warrantyEnd: assets.warrantyEnd,
  status: assets.status,
  statusSince: assets.statusSince,
  downReason: assets.downReason,
  deviceId: assets.deviceId,
  createdAt: assets.createdAt,
  updatedAt: assets.updatedAt,
};

/** Assets in the caller's scope, by name, a page at a time. */
export async function listAssets(ctx: Ctx, q: { storeId?: string; category?: string; status?: string; q?: string; cursor?: string; limit: number }) {
  const paths = requireScope(ctx.actor, 'maintenance:read');
  const where: SQL[] = [eq(assets.tenantId, ctx.actor.tenantId), underPaths(assets.orgPath, paths)];
  if (q.storeId) where.push(eq(assets.storeId, q.storeId));
  if (q.category) where.push(eq(assets.category, q.category));
  if (q.status) where.push(eq(assets.status, q.status as AssetStatus));
  const text = q.q?.trim();
  if (text) {
    const p = `%${likeEscape(text)}%`;
    where.push(or(ilike(assets.name, p), ilike(assets.serial, p), ilike(assets.model, p)) as SQL);
  }
  const after = decodeCursor(q.cursor, 2);
  if (after) where.push(sql`(${assets.name}, ${assets.id}) > (${String(after[0])}, ${String(after[1])})`);
  const rows = await ctx.db.orm
    .select(columns)
    .from(assets)
    .innerJoin(stores, eq(stores.id, assets.storeId))
    .where(and(...where))
    .orderBy(asc(assets.name), asc(assets.id))
    .limit(q.limit + 1);
  const data = rows.slice(0, q.limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > q.limit && last ? encodeCursor([last.name, last.id]) : null };
}

/** One asset with its recent downtime and open work orders. */
export async function getAsset(ctx: Ctx, id: string) {
  await findAssetInScope(ctx.db.orm, ctx.actor, id);
  return assetDetail(ctx.db.orm, ctx.actor, id);
}

async function assetDetail(db: Executor, actor: Actor, id: string) {
  const [{ orgPath, ...row }] = await db
    .select({ ...columns, orgPath: assets.orgPath })
    .from(assets)
    .innerJoin(stores, eq(stores.id, assets.storeId))
    .where(eq(assets.id, id));
  const downtime = await db
    .select({ id: assetDowntime.id, reason: assetDowntime.reason, startedAt: assetDowntime.startedAt, endedAt: assetDowntime.endedAt })
    .from(assetDowntime)
    .where(eq(assetDowntime.assetId, id))
    .orderBy(desc(assetDowntime.startedAt))
    .limit(20);
  const open = await db
    .select({ id: workOrders.id, title: workOrders.title, status: workOrders.status, priority: workOrders.priority, createdAt: workOrders.createdAt })
    .from(workOrders)
    .where(and(eq(workOrders.tenantId, actor.tenantId), eq(workOrders.assetId, id), inArray(workOrders.status, [...openStatuses])))
    .orderBy(desc(workOrders.createdAt));
  return { ...row, downtime, openWorkOrders: open, canEdit: can(actor, 'maintenance:write', orgPath) };
}

/** Registers an asset in a store the caller may maintain; it gets its QR token. Audited. */
export async function createAsset(ctx: Ctx, input: AssetInput) {
  const store = await findStoreInScope(ctx.db.orm, ctx.actor, input.storeId);
  requirePermission(ctx.actor, 'maintenance:write', store.orgPath);
  return ctx.db.orm.transaction(async (tx) => {
    await checkPlacement(tx, ctx.actor, store.id, input.zoneId, input.deviceId);
    const [row] = await tx
      .insert(assets)
      .values({
        id: newId('ast'),
        tenantId: ctx.actor.tenantId,
        storeId: store.id,
        zoneId: input.zoneId ?? null,
        orgUnitId: store.orgUnitId,
        orgPath: store.orgPath,
        name: input.name,
        category: input.category,
        make: input.make ?? null,
        model: input.model ?? null,
        serial: input.serial ?? null,
        installedOn: input.installedOn ?? null,
        warrantyEnd: input.warrantyEnd ?? null,
        status: 'operational',
        deviceId: input.deviceId ?? null,
        publicToken: newSecret(18),
      })
      .returning();
    const now = input.status && input.status !== 'operational' ? await changeAssetStatus(tx, row, input.status, 'manual') : row;
    await recordAudit(
      tx,
      ctx.actor,
      {
        action: 'asset.created',
        entityType: 'asset',
        entityId: row.id,
        orgPath: row.orgPath,
        after: { name: row.name, category: row.category, status: now.status },
      },
      ctx.meta,
    );
    return assetDetail(tx, ctx.actor, row.id);
  });
}

/** Changes an asset's details (not its store); status goes through setAssetStatus. */
export async function updateAsset(ctx: Ctx, id: string, input: Partial<Omit<AssetInput, 'storeId' | 'status'>>) {
  return ctx.db.orm.transaction(async (tx) => {
    const before = await findAssetInScope(tx, ctx.actor, id, 'maintenance:write', true);
    await checkPlacement(tx, ctx.actor, before.storeId, input.zoneId, input.deviceId);
    const [row] = await tx
      .update(assets)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(assets.id, id))
      .returning();
    await recordAudit(
      tx,
      ctx.actor,
      {
        action: 'asset.updated',
        entityType: 'asset',
        entityId: id,
        orgPath: row.orgPath,
        before: { ...input, ...pick(before, Object.keys(input)) },
        after: input,
      },
      ctx.meta,
    );
    return assetDetail(tx, ctx.actor, id);
  });
}

function pick(row: AssetRow, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, (row as unknown as Record<string, unknown>)[k]]));
}

/** A person marks an asset operational, down or standby; downtime follows. */
export async function setAssetStatus(ctx: Ctx, id: string, status: AssetStatus) {
  return ctx.db.orm.transaction(async (tx) => {
    const before = await findAssetInScope(tx, ctx.actor, id, 'maintenance:work', true);
    const row = await changeAssetStatus(tx, before, status, 'manual');
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'asset.status_changed', entityType: 'asset', entityId: id, orgPath: row.orgPath, before: { status: before.status }, after: { status } },
      ctx.meta,
    );
    return assetDetail(tx, ctx.actor, id);
  });
}

/** The asset a QR token names, with its store's name: what the public form shows. */
export async function assetByToken(db: Executor, token: string) {
  const [row] = await db
    .select({ asset: assets, storeName: stores.name })
    .from(assets)
    .innerJoin(stores, eq(stores.id, assets.storeId))
    .where(eq(assets.publicToken, token));
  return row;
}

/** Assets linked to a device (for alarms). */
export async function assetsOfDevice(db: Executor, tenantId: string, deviceId: string): Promise<AssetRow[]> {
  return db
    .select()
    .from(assets)
    .where(and(eq(assets.tenantId, tenantId), eq(assets.deviceId, deviceId)))
    .for('update');
}

/** An asset of a store, for a work order or a PM schedule that names it (400 when it is another store's). */
export async function assetOfStore(db: Executor, tenantId: string, storeId: string, assetId: string): Promise<AssetRow> {
  const [row] = await db
    .select()
    .from(assets)
    .where(and(eq(assets.tenantId, tenantId), eq(assets.id, assetId), eq(assets.storeId, storeId)));
  if (!row)
    throw new AppError('invalid', `asset ${assetId} is not an asset of this store`, {
      issues: [{ path: 'body.assetId', message: 'not an asset of the store' }],
    });
  return row;
}
