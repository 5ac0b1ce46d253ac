import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { type Actor, can, requireScope } from '../../kernel/auth.ts';
import { type Ctx, decodeCursor, encodeCursor } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId, newSecret } from '../../kernel/ids.ts';
import { orgUnits, underPaths } from '../org/index.ts';
import { findStoreInScope, stores } from '../stores/index.ts';
import { type SourceChannel, sources } from './schema.ts';
import { hashWriteKey, sourceChannel } from './source-keys.ts';

const permission = 'sources:manage';

/** A source as the API shows it; the write key itself only right after it was made. */
export interface SourceView {
  id: string;
  name: string;
  channel: SourceChannel;
  storeId: string | null;
  storeName: string | null;
  writeKeyPrefix: string;
  enabled: boolean;
  rateLimit: number | null;
  keyRotatedAt: Date;
  previousKeyExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const columns = {
  id: sources.id,
  name: sources.name,
  channel: sources.channel,
  storeId: sources.storeId,
  storeName: stores.name,
  writeKeyPrefix: sources.writeKeyPrefix,
  enabled: sources.enabled,
  rateLimit: sources.rateLimit,
  keyRotatedAt: sources.keyRotatedAt,
  previousKeyExpiresAt: sources.previousKeyExpiresAt,
  createdAt: sources.createdAt,
  updatedAt: sources.updatedAt,
};

/** A new write key: `wk_` and 32 random letters and digits (~190 bits). */
export function newWriteKey(): string {
  return `wk_${newSecret(48).replace(/[-_]/g, '').slice(0, 32)}`;
}

async function rootPath(db: Executor, tenantId: string): Promise<string> {
  const [root] = await db.select({ path: orgUnits.path }).from(orgUnits).where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.depth, 0))).limit(1);
  if (!root) notFound('root org unit of tenant', tenantId);
  return root.path;
}

/** The org path a source belongs to: its store's, or the tenant root's for a tenant-wide source. */
const pathOf = (root: string) => sql<string>`coalesce(${stores.orgPath}, ${root})`;

/** Sources in the caller's scope (a store's source within the store's subtree, a tenant-wide one at the root), by name. */
export async function listSources(ctx: Ctx, q: { channel?: SourceChannel; storeId?: string; cursor?: string; limit: number }) {
  const paths = requireScope(ctx.actor, permission);
  const root = await rootPath(ctx.db.orm, ctx.actor.tenantId);
  const where: SQL[] = [eq(sources.tenantId, ctx.actor.tenantId), underPaths(pathOf(root), paths)];
  if (q.channel) where.push(eq(sources.channel, q.channel));
  if (q.storeId) where.push(eq(sources.storeId, q.storeId));
  const after = decodeCursor(q.cursor, 2);
  if (after) where.push(sql`(${sources.name}, ${sources.id}) > (${String(after[0])}, ${String(after[1])})`);
  const rows = await ctx.db.orm
    .select(columns)
    .from(sources)
    .leftJoin(stores, eq(stores.id, sources.storeId))
    .where(and(...where))
    .orderBy(asc(sources.name), asc(sources.id))
    .limit(q.limit + 1);
  const data = rows.slice(0, q.limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > q.limit && last ? encodeCursor([last.name, last.id]) : null };
}

/** Loads a source the caller may manage; 404 outside their scope (existence does not leak). */
export async function findSourceInScope(db: Executor, actor: Actor, id: string, lock = false): Promise<SourceView & { path: string }> {
  const root = await rootPath(db, actor.tenantId);
  const query = db
    .select({ ...columns, path: pathOf(root) })
    .from(sources)
    .leftJoin(stores, eq(stores.id, sources.storeId))
    .where(and(eq(sources.tenantId, actor.tenantId), eq(sources.id, id)));
  const [row] = lock ? await query.for('update', { of: sources }) : await query;
  if (!row || !can(actor, permission, row.path)) notFound('source', id);
  return row;
}

/** One source in the caller's scope. */
export async function getSource(ctx: Ctx, id: string): Promise<SourceView> {
  const { path: _p, ...view } = await findSourceInScope(ctx.db.orm, ctx.actor, id);
  return view;
}

/** Where a source may be placed: its store (checked in scope) or the tenant root. */
async function placeOf(tx: Executor, actor: Actor, storeId: string | null): Promise<string> {
  if (storeId) return (await findStoreInScope(tx, actor, storeId, permission)).orgPath;
  const root = await rootPath(tx, actor.tenantId);
  if (!can(actor, permission, root)) throw new AppError('forbidden', `a source for the whole tenant needs ${permission} on the whole tenant; tie it to a store in your scope`);
  return root;
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown }).code === '23505' || (err as { cause?: { code?: unknown } }).cause?.code === '23505';
}

async function guardName<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('conflict', `a source named "${name}" already exists`, { field: 'name' });
    throw err;
  }
}

/** Tells every node (this one included, at commit) that the source changed. */
async function notifyChanged(tx: Executor, id: string): Promise<void> {
  await tx.execute(sql`SELECT pg_notify(${sourceChannel}, ${id})`);
}

/** Input of a new source. */
export interface CreateSourceInput {
  name: string;
  channel: SourceChannel;
  storeId?: string | null;
  rateLimit?: number | null;
}

/** Creates a source and answers it with its write key (shown this once). */
export async function createSource(ctx: Ctx, input: CreateSourceInput): Promise<SourceView & { writeKey: string }> {
  const writeKey = newWriteKey();
  return guardName(input.name, () =>
    ctx.db.orm.transaction(async (tx) => {
      const path = await placeOf(tx, ctx.actor, input.storeId ?? null);
      const id = newId('src');
      await tx.insert(sources).values({
        id,
        tenantId: ctx.actor.tenantId,
        name: input.name,
        channel: input.channel,
        storeId: input.storeId ?? null,
        writeKeyHash: hashWriteKey(writeKey),
        writeKeyPrefix: writeKey.slice(0, 10),
        rateLimit: input.rateLimit ?? null,
      });
      const { path: _p, ...view } = await findSourceInScope(tx, ctx.actor, id);
      await recordAudit(tx, ctx.actor, { action: 'source.created', entityType: 'source', entityId: id, orgPath: path, after: view }, ctx.meta);
      return { ...view, writeKey };
    }),
  );
}

/** Changes to a source. */
export interface UpdateSourceInput {
  name?: string;
  storeId?: string | null;
  enabled?: boolean;
  rateLimit?: number | null;
}

/** Changes a source's name, store, rate or enabled state. */
export async function updateSource(ctx: Ctx, id: string, input: UpdateSourceInput, action = 'source.updated'): Promise<SourceView> {
  return guardName(input.name ?? '', () =>
    ctx.db.orm.transaction(async (tx) => {
      const { path, ...before } = await findSourceInScope(tx, ctx.actor, id, true);
      if (input.storeId !== undefined && input.storeId !== before.storeId) await placeOf(tx, ctx.actor, input.storeId);
      const set = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
      await tx
        .update(sources)
        .set({ ...set, updatedAt: new Date() })
        .where(eq(sources.id, id));
      const { path: newPath, ...after } = await findSourceInScope(tx, ctx.actor, id);
      await recordAudit(tx, ctx.actor, { action, entityType: 'source', entityId: id, orgPath: newPath ?? path, before, after }, ctx.meta);
      await notifyChanged(tx, id);
      return after;
    }),
  );
}

/** Replaces the write key; with grace minutes the old one keeps working that long (clients switch without a gap). */
export async function rotateWriteKey(ctx: Ctx, id: string, graceMinutes = 0): Promise<SourceView & { writeKey: string }> {
  const writeKey = newWriteKey();
  return ctx.db.orm.transaction(async (tx) => {
    const { path, ...before } = await findSourceInScope(tx, ctx.actor, id, true);
    const [old] = await tx.select({ hash: sources.writeKeyHash }).from(sources).where(eq(sources.id, id));
    const now = new Date();
    await tx
      .update(sources)
      .set({
        writeKeyHash: hashWriteKey(writeKey),
        writeKeyPrefix: writeKey.slice(0, 10),
        previousKeyHash: graceMinutes > 0 ? old.hash : null,
        previousKeyExpiresAt: graceMinutes > 0 ? new Date(now.getTime() + graceMinutes * 60_000) : null,
        keyRotatedAt: now,
        updatedAt: now,
      })
      .where(eq(sources.id, id));
    const { path: _p, ...after } = await findSourceInScope(tx, ctx.actor, id);
    await recordAudit(tx, ctx.actor, { action: 'source.key_rotated', entityType: 'source', entityId: id, orgPath: path, before, after }, ctx.meta);
    await notifyChanged(tx, id);
    return { ...after, writeKey };
  });
}

/** The ids of a tenant's sources with these names (the simulator reuses its own sources). */
export async function sourceIdsByName(db: Executor, tenantId: string, names: string[]): Promise<Map<string, string>> {
  const rows = await db.select({ id: sources.id, name: sources.name }).from(sources).where(eq(sources.tenantId, tenantId));
  const wanted = new Set(names);
  return new Map(rows.filter((r) => wanted.has(r.name)).map((r) => [r.name, r.id]));
}
