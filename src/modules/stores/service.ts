import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { recordAudit } from '../../kernel/audit.ts';
import { type Actor, can, requireScope } from '../../kernel/auth.ts';
import { type Ctx, decodeCursor, encodeCursor, likeEscape } from '../../kernel/context.ts';
import { type Executor, queryPrepared } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { findUnitInScope, insertOrgUnits, orgUnits, renameUnit, } from '../org/index.ts';
import { isOpenAt, type SpecialRange } from './hours.ts';
import { assertTransition, type StoreStatus } from './lifecycle.ts';
import { specialHours, stores, type WeeklyRange, zones } from './schema.ts';
import type { CreateStoreInput, UpdateStoreInput } from './store-input.ts';

export type StoreRow = typeof stores.$inferSelect;

const parent = alias(orgUnits, 'parent');

/** The columns of a store as the API shows it. */
const storeColumns = {
  id: stores.id,
  orgUnitId: stores.orgUnitId,
  parentOrgUnitId: stores.parentOrgUnitId,
  parentName: parent.name,
  code: stores.code,
  name: stores.name,
  nameEn: stores.nameEn,
  status: stores.status,
  format: stores.format,
  city: stores.city,
  address: stores.address,
  latitude: stores.latitude,
  longitude: stores.longitude,
  timeZone: stores.timeZone,
  floorArea: stores.floorArea,
  phone: stores.phone,
  createdAt: stores.createdAt,
  updatedAt: stores.updatedAt,
};

/** Store list filters. */
export interface StoreQuery {
  orgUnitId?: string;
  status?: string;
  format?: string;
  city?: string;
  q?: string;
  cursor?: string;
  limit: number;
}

/** The list's WHERE clause in plain SQL (the busiest query of the API): tenant, the caller's subtrees, the filters. */
async function listFilter(ctx: Ctx, q: Omit<StoreQuery, 'cursor' | 'limit'>): Promise<{ where: string[]; values: unknown[]; arg(v: unknown): string }> {
  const paths = requireScope(ctx.actor, 'stores:read');
  const values: unknown[] = [];
  const arg = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  const where = [`s.tenant_id = ${arg(ctx.actor.tenantId)}`, `(${paths.map((p) => `s.org_path LIKE ${arg(`${likeEscape(p)}%`)}`).join(' OR ')})`];
  if (q.orgUnitId) {
    const unit = await findUnitInScope(ctx.db.orm, ctx.actor, q.orgUnitId, 'stores:read');
    where.push(`s.org_path LIKE ${arg(`${likeEscape(unit.path)}%`)}`);
  }
  if (q.status) where.push(`s.status = ${arg(q.status)}`);
  if (q.format) where.push(`s.format = ${arg(q.format)}`);
  if (q.city) where.push(`s.city ILIKE ${arg(likeEscape(q.city.trim()))}`);
  const text = q.q?.trim();
  if (text) {
    const p = arg(`%${likeEscape(text)}%`);
    where.push(`(s.name ILIKE ${p} OR s.name_en ILIKE ${p} OR s.code ILIKE ${p})`);
  }
  return { where, values, arg };
}

const listColumns = `s.id, s.org_unit_id AS "orgUnitId", s.parent_org_unit_id AS "parentOrgUnitId", p.name AS "parentName", s.code, s.name,
  s.name_en AS "nameEn", s.status, s.format, s.city, s.address, s.latitude, s.longitude, s.time_zone AS "timeZone", s.floor_area AS "floorArea",
  s.phone, s.created_at AS "createdAt", s.updated_at AS "updatedAt"`;

/** A store as the list shows it. */
export interface StoreListItem {
  id: string;
  orgUnitId: string;
  parentOrgUnitId: string;
  parentName: string;
  code: string;
  name: string;
  nameEn: string | null;
  status: string;
  format: string;
  city: string;
  address: string;
  latitude: number | null;
  longitude: number | null;
  timeZone: string;
  floorArea: number | null;
  phone: string | null;
  /** ISO 8601, as the answer carries it. */
  createdAt: string;
  updatedAt: string;
}

/** Stores inside the caller's scope, filtered, by code, a page at a time. */
export async function listStores(ctx: Ctx, q: StoreQuery) {
  const { where, values, arg } = await listFilter(ctx, q);
  const after = decodeCursor(q.cursor, 1);
  if (after) where.push(`s.code > ${arg(String(after[0]))}`);
  const text = `SELECT ${listColumns} FROM stores s JOIN org_units p ON p.id = s.parent_org_unit_id
    WHERE ${where.join(' AND ')} ORDER BY s.code LIMIT ${arg(q.limit + 1)}`;
  const rows = await queryPrepared<StoreListItem>(ctx.db.pool, 'stores_list', text, values, { isoTimestamps: true });
  const data = rows.slice(0, q.limit);
  return { data, nextCursor: rows.length > q.limit ? encodeCursor([data[data.length - 1].code]) : null };
}

/** Counts of the caller's stores by status and by format, for charts. */
export async function storeSummary(ctx: Ctx, q: Omit<StoreQuery, 'cursor' | 'limit'>) {
  const { where, values } = await listFilter(ctx, q);
  const rows = await queryPrepared<{ status: string; format: string; n: number }>(
    ctx.db.pool,
    'stores_summary',
    `SELECT s.status, s.format, count(*)::int AS n FROM stores s WHERE ${where.join(' AND ')} GROUP BY s.status, s.format`,
    values,
  );
  const byStatus: Record<string, number> = {};
  const byFormat: Record<string, number> = {};
  let total = 0;
  for (const r of rows) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
    byFormat[r.format] = (byFormat[r.format] ?? 0) + r.n;
    total += r.n;
  }
  return { byStatus, byFormat, total };
}

/**
 * Loads a store for an operation needing `permission`: 404 when the caller cannot even read it (so existence
 * does not leak), 403 when they can read but not do this. `lock` takes a row lock for read-modify-write.
 */
export async function findStoreInScope(db: Executor, actor: Actor, id: string, permission = 'stores:read', lock = false): Promise<StoreRow> {
  const query = db
    .select()
    .from(stores)
    .where(and(eq(stores.tenantId, actor.tenantId), eq(stores.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row || !can(actor, 'stores:read', row.orgPath)) notFound('store', id);
  if (!can(actor, permission, row.orgPath)) throw new AppError('forbidden', `your role does not allow ${permission} on this store`);
  return row;
}

/** The query behind a store's page: the store, its parent's name, special hours and zones in one round trip. */
function storeDetailQuery(db: Executor) {
  return db
    .select({
      ...storeColumns,
      orgPath: stores.orgPath,
      weeklyHours: stores.weeklyHours,
      specialHours: sql<(SpecialRange & { id: string; note: string | null })[]>`COALESCE((SELECT json_agg(json_build_object(
        'id', h.id, 'startDate', h.start_date, 'endDate', h.end_date, 'closed', h.closed, 'opens', h.opens, 'closes', h.closes, 'note', h.note)
        ORDER BY h.start_date) FROM store_special_hours h WHERE h.store_id = ${stores.id}), '[]')`,
      zones: sql<{ id: string; name: string; kind: string; floorArea: number | null }[]>`COALESCE((SELECT json_agg(json_build_object(
        'id', z.id, 'name', z.name, 'kind', z.kind, 'floorArea', z.floor_area) ORDER BY z.name) FROM store_zones z WHERE z.store_id = ${stores.id}), '[]')`,
    })
    .from(stores)
    .innerJoin(parent, eq(parent.id, stores.parentOrgUnitId))
    .where(and(eq(stores.tenantId, sql.placeholder('tenantId')), eq(stores.id, sql.placeholder('id'))));
}

// The busiest read of the API, built once per database handle and prepared on each connection.
const preparedDetail = new WeakMap<Executor, ReturnType<ReturnType<typeof storeDetailQuery>['prepare']>>();

async function loadStoreDetail(db: Executor, tenantId: string, id: string) {
  let query = preparedDetail.get(db);
  if (!query) {
    query = storeDetailQuery(db).prepare('store_detail');
    preparedDetail.set(db, query);
  }
  const [row] = await query.execute({ tenantId, id });
  if (!row) return undefined;
  const { orgPath, ...store } = row;
  const weeklyHours = [...store.weeklyHours].sort((a, b) => a.day - b.day || a.opens.localeCompare(b.opens));
  return { orgPath, detail: { ...store, weeklyHours, openNow: isOpenAt({ ...store, weeklyHours }, store.specialHours, new Date()) } };
}

/** A store with its hours, special hours, zones and whether it is open now. */
export async function storeDetail(db: Executor, tenantId: string, id: string) {
  const found = await loadStoreDetail(db, tenantId, id);
  if (!found) notFound('store', id);
  return found.detail;
}

export type StoreDetail = Awaited<ReturnType<typeof storeDetail>>;

/** One store inside the caller's scope (404 outside it, so existence does not leak). */
export async function getStore(ctx: Ctx, id: string): Promise<StoreDetail> {
  const found = await loadStoreDetail(ctx.db.orm, ctx.actor.tenantId, id);
  if (!found || !can(ctx.actor, 'stores:read', found.orgPath)) notFound('store', id);
  return found.detail;
}

/** A store to insert under a parent unit. */
export interface NewStore {
  parent: typeof orgUnits.$inferSelect;
  input: Omit<CreateStoreInput, 'parentOrgUnitId'> & { weeklyHours?: WeeklyRange[] };
}

/**
 * Inserts stores with their org units, a batch per statement (the API, CSV imports and seeds share it);
 * no permission check (callers do it). Codes that clash answer 409.
 */
export async function insertStores(tx: Executor, actor: Actor, items: NewStore[]): Promise<string[]> {
  if (items.length === 0) return [];
  const codes = items.map((i) => i.input.code);
  const clash = await tx
    .select({ code: orgUnits.code })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, actor.tenantId), inArray(orgUnits.code, codes)));
  if (clash.length)
    throw new AppError('conflict', `code already in use: ${clash.map((c) => c.code).join(', ')}`, { field: 'code', codes: clash.map((c) => c.code) });
  const units = await insertOrgUnits(
    tx,
    actor.tenantId,
    items.map((i) => ({ parent: i.parent, kind: 'store' as const, code: i.input.code, name: i.input.name, nameEn: i.input.nameEn ?? null })),
  );
  const rows = items.map((item, k) => {
    const input = item.input;
    return {
      id: newId('str'),
      tenantId: actor.tenantId,
      orgUnitId: units[k].id,
      parentOrgUnitId: item.parent.id,
      orgPath: units[k].path,
      code: input.code,
      name: input.name,
      nameEn: input.nameEn ?? null,
      status: input.status ?? 'planned',
      format: input.format,
      city: input.city,
      address: input.address,
      latitude: input.latitude ?? null,
      longitude: input.longitude ?? null,
      timeZone: input.timeZone,
      floorArea: input.floorArea ?? null,
      phone: input.phone ?? null,
      weeklyHours: input.weeklyHours ?? [],
    };
  });
  await tx.insert(stores).values(rows);
  return rows.map((r) => r.id);
}

/** Creates a store under an org unit the caller may create stores in. */
export async function createStore(ctx: Ctx, input: CreateStoreInput): Promise<StoreDetail> {
  return ctx.db.orm.transaction(async (tx) => {
    const parentUnit = await findUnitInScope(tx, ctx.actor, input.parentOrgUnitId, 'stores:create');
    if (parentUnit.kind === 'store')
      throw new AppError('invalid', 'a store cannot be placed under another store', { issues: [{ path: 'body.parentOrgUnitId', message: 'is a store' }] });
    const { parentOrgUnitId: _p, ...fields } = input;
    const [id] = await insertStores(tx, ctx.actor, [{ parent: parentUnit, input: fields }]);
    const after = await storeDetail(tx, ctx.actor.tenantId, id);
    await recordAudit(tx, ctx.actor, { action: 'store.created', entityType: 'store', entityId: id, orgPath: `${parentUnit.path}`, after }, ctx.meta);
    await publishEvent(tx, ctx.actor.tenantId, 'store.created', { storeId: id, code: after.code, status: after.status });
    return after;
  });
}

/** Runs a change to one store in a transaction with a row lock, audits before and after, and publishes an event. */
async function changeStore(
  ctx: Ctx,
  id: string,
  permission: string,
  action: string,
  change: (tx: Executor, row: StoreRow) => Promise<void>,
): Promise<StoreDetail> {
  return ctx.db.orm.transaction(async (tx) => {
    const row = await findStoreInScope(tx, ctx.actor, id, permission, true);
    const before = await storeDetail(tx, ctx.actor.tenantId, id);
    await change(tx, row);
    await tx.update(stores).set({ updatedAt: new Date() }).where(eq(stores.id, id));
    const after = await storeDetail(tx, ctx.actor.tenantId, id);
    const { openNow: _b, ...b } = before;
    const { openNow: _a, ...a } = after;
    await recordAudit(tx, ctx.actor, { action, entityType: 'store', entityId: id, orgPath: row.orgPath, before: b, after: a }, ctx.meta);
    await publishEvent(tx, ctx.actor.tenantId, action, { storeId: id, code: row.code });
    return after;
  });
}

/** Changes a store's details. */
export function updateStore(ctx: Ctx, id: string, input: UpdateStoreInput): Promise<StoreDetail> {
  return changeStore(ctx, id, 'stores:write', 'store.updated', async (tx, row) => {
    const set = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    if (Object.keys(set).length) await tx.update(stores).set(set).where(eq(stores.id, id));
    if (input.name !== undefined || input.nameEn !== undefined) {
      await renameUnit(tx, row.tenantId, row.orgUnitId, input.name ?? row.name, input.nameEn === undefined ? row.nameEn : input.nameEn);
    }
  });
}

/** Moves a store along its lifecycle; a forbidden step answers 409 with the allowed ones. */
export function transitionStore(ctx: Ctx, id: string, to: StoreStatus): Promise<StoreDetail> {
  return changeStore(ctx, id, 'stores:lifecycle', 'store.status_changed', async (tx, row) => {
    assertTransition(row.status as StoreStatus, to);
    await tx.update(stores).set({ status: to }).where(eq(stores.id, id));
  });
}

/** Replaces a store's weekly opening hours. */
export function setWeeklyHours(ctx: Ctx, id: string, weekly: { day: number; opens: string; closes: string }[]): Promise<StoreDetail> {
  return changeStore(ctx, id, 'stores:write', 'store.hours_changed', async (tx) => {
    await tx.update(stores).set({ weeklyHours: weekly }).where(eq(stores.id, id));
  });
}

/** Adds special hours (a closure or changed hours over dates); an overlap with existing ones answers 409. */
export function addSpecialHours(
  ctx: Ctx,
  id: string,
  input: { startDate: string; endDate: string; closed: boolean; opens?: string; closes?: string; note?: string },
): Promise<StoreDetail> {
  return changeStore(ctx, id, 'stores:write', 'store.special_hours_added', async (tx) => {
    const [clash] = await tx
      .select({ startDate: specialHours.startDate, endDate: specialHours.endDate })
      .from(specialHours)
      .where(and(eq(specialHours.storeId, id), sql`${specialHours.startDate} <= ${input.endDate}`, sql`${specialHours.endDate} >= ${input.startDate}`));
    if (clash) throw new AppError('conflict', `overlaps the special hours from ${clash.startDate} to ${clash.endDate}`, { overlaps: clash });
    await tx.insert(specialHours).values({
      id: newId('sph'),
      tenantId: ctx.actor.tenantId,
      storeId: id,
      startDate: input.startDate,
      endDate: input.endDate,
      closed: input.closed,
      opens: input.closed ? null : (input.opens ?? null),
      closes: input.closed ? null : (input.closes ?? null),
      note: input.note ?? null,
    });
  });
}

/** Removes special hours. */
export function removeSpecialHours(ctx: Ctx, id: string, specialId: string): Promise<StoreDetail> {
  return changeStore(ctx, id, 'stores:write', 'store.special_hours_removed', async (tx) => {
    const gone = await tx
      .delete(specialHours)
      .where(and(eq(specialHours.storeId, id), eq(specialHours.id, specialId)))
      .returning({ id: specialHours.id });
    if (!gone.length) notFound('special hours', specialId);
  });
}

/** Adds a zone of the sales floor. */
export function addZone(ctx: Ctx, id: string, input: { name: string; kind: string; floorArea?: number | null }): Promise<StoreDetail> {
  return changeStore(ctx, id, 'stores:write', 'store.zone_added', async (tx) => {
    const clash = await tx
      .select({ id: zones.id })
      .from(zones)
      .where(and(eq(zones.storeId, id), eq(zones.name, input.name)));
    if (clash.length) throw new AppError('conflict', `a zone named ${input.name} already exists in this store`);
    await tx
      .insert(zones)
      .values({ id: newId('zon'), tenantId: ctx.actor.tenantId, storeId: id, name: input.name, kind: input.kind, floorArea: input.floorArea ?? null });
  });
}

/** Changes a zone. */
export function updateZone(ctx: Ctx, id: string, zoneId: string, input: { name?: string; kind?: string; floorArea?: number | null }): Promise<StoreDetail> {
  return changeStore(ctx, id, 'stores:write', 'store.zone_updated', async (tx) => {
    if (input.name !== undefined) {
      const clash = await tx
        .select({ id: zones.id })
        .from(zones)
        .where(and(eq(zones.storeId, id), eq(zones.name, input.name), ne(zones.id, zoneId)));
      if (clash.length) throw new AppError('conflict', `a zone named ${input.name} already exists in this store`);
    }
    const set = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    const which = and(eq(zones.storeId, id), eq(zones.id, zoneId));
    // An empty patch changes nothing but must still find the zone (an UPDATE with no columns is an SQL error).
    const done = Object.keys(set).length
      ? await tx.update(zones).set(set).where(which).returning({ id: zones.id })
      : await tx.select({ id: zones.id }).from(zones).where(which);
    if (!done.length) notFound('zone', zoneId);
  });
}

/** Removes a zone. */
export function removeZone(ctx: Ctx, id: string, zoneId: string): Promise<StoreDetail> {
  return changeStore(ctx, id, 'stores:write', 'store.zone_removed', async (tx) => {
    const gone = await tx
      .delete(zones)
      .where(and(eq(zones.storeId, id), eq(zones.id, zoneId)))
      .returning({ id: zones.id });
    if (!gone.length) notFound('zone', zoneId);
  });
}

/** Rewrites the copied org path of every store in a moved subtree (registered by a flow with the org module). */
export async function rewriteStorePaths(tx: Executor, tenantId: string, oldPath: string, newPath: string): Promise<void> {
  await tx.execute(sql`UPDATE stores SET org_path = ${newPath} || substr(org_path, ${oldPath.length + 1})
    WHERE tenant_id = ${tenantId} AND org_path LIKE ${`${oldPath}%`}`);
}
