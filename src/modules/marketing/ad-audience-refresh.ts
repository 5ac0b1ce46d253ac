import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { and, desc, eq, sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Database, Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import type { Subscriber } from '../../kernel/outbox.ts';
import type { FileStore } from '../files/index.ts';
import { findUnitInScope, underPaths } from '../org/index.ts';
import { type AdFormat, adAudienceRefreshes, adAudiences } from './ad-audience-schema.ts';
import { streamAdAudience } from './ad-audiences.ts';
import { readPermission } from './channels.ts';
import { writePermission } from './templates.ts';

type AudienceRecord = typeof adAudiences.$inferSelect;
type RefreshRecord = typeof adAudienceRefreshes.$inferSelect;

/** How many refreshes per audience the API lists (newest first). */
const listedRefreshes = 20;

/** Ad-audience input, as the console sends it. */
export interface AdAudienceInput {
  segmentId: string;
  orgUnitId?: string;
  formats: AdFormat[];
  purpose?: string;
  intervalHours?: number;
  onChange?: boolean;
  changeDelayMinutes?: number;
  active?: boolean;
}

/** A refresh as the API shows it (the storage key stays inside). */
const shownRefresh = (r: RefreshRecord) => ({
  id: r.id,
  format: r.format,
  reason: r.reason,
  rows: r.rows,
  bytes: r.bytes,
  sha256: r.sha256,
  createdAt: r.createdAt,
});

/** An ad audience as the API shows it, with its newest refreshes. */
function shownAudience(a: AudienceRecord, refreshes: RefreshRecord[]) {
  const { tenantId: _t, orgPath: _p, ...rest } = a;
  return { ...rest, refreshes: refreshes.map(shownRefresh) };
}

async function withRefreshes(db: Executor, rows: AudienceRecord[]) {
  if (rows.length === 0) return [];
  const refreshes = await db.execute<RefreshRecord & Record<string, unknown>>(sql`
    SELECT r.id, r.tenant_id AS "tenantId", r.audience_id AS "audienceId", r.segment_id AS "segmentId", r.format, r.reason, r.rows, r.bytes,
      r.sha256, r.storage_key AS "storageKey", r.created_at AS "createdAt"
    FROM unnest(${sql.param(rows.map((a) => a.id))}::text[]) AS a(id)
    CROSS JOIN LATERAL (SELECT * FROM ad_audience_refreshes x WHERE x.audience_id = a.id ORDER BY x.created_at DESC LIMIT ${listedRefreshes}) r`);
  return rows.map((a) =>
    shownAudience(
      a,
      refreshes.rows.filter((r) => r.audienceId === a.id).map((r) => ({ ...r, createdAt: new Date(r.createdAt) })),
    ),
  );
}

/** An ad audience the caller may see with the permission, or 404. */
async function findAudience(db: Executor, ctx: Ctx, id: string, permission = readPermission): Promise<AudienceRecord> {
  const paths = requireScope(ctx.actor, permission);
  const [row] = await db
    .select()
    .from(adAudiences)
    .where(and(eq(adAudiences.tenantId, ctx.actor.tenantId), eq(adAudiences.id, id), underPaths(adAudiences.orgPath, paths)));
  if (!row) notFound('ad audience', id);
  return row;
}

/** The ad audiences the caller may see (of one segment, or all), each with its newest refreshes. */
export async function listAdAudiences(ctx: Ctx, q: { segmentId?: string }) {
  const paths = requireScope(ctx.actor, readPermission);
  const rows = await ctx.db.orm
    .select()
    .from(adAudiences)
    .where(
      and(
        eq(adAudiences.tenantId, ctx.actor.tenantId),
        underPaths(adAudiences.orgPath, paths),
        q.segmentId ? eq(adAudiences.segmentId, q.segmentId) : undefined,
      ),
    )
    .orderBy(desc(adAudiences.createdAt));
  return { data: await withRefreshes(ctx.db.orm, rows) };
}

/** Puts a segment's ad audience on a schedule at a unit the caller may write marketing at; its first refresh is due at once. */
export async function createAdAudience(ctx: Ctx, input: AdAudienceInput, now = new Date()) {
  const paths = requireScope(ctx.actor, writePermission);
  const grant = ctx.actor.grants.find((g) => g.permissions.has(writePermission) && g.path === paths[0]);
  const unit = await findUnitInScope(ctx.db.orm, ctx.actor, input.orgUnitId ?? grant?.orgUnitId ?? '', writePermission);
  const seg = await ctx.db.pool.query('SELECT 1 FROM segments WHERE tenant_id = $1 AND id = $2', [ctx.actor.tenantId, input.segmentId]);
  if (seg.rowCount === 0)
    throw new AppError('invalid', `unknown segment ${input.segmentId}`, { issues: [{ path: 'body.segmentId', message: 'segment not found' }] });
  return ctx.db.orm.transaction(async (tx) => {
    const [row] = await tx
      .insert(adAudiences)
      .values({
        id: newId('ada'),
        tenantId: ctx.actor.tenantId,
        orgUnitId: unit.id,
        orgPath: unit.path,
        segmentId: input.segmentId,
        formats: [...new Set(input.formats)],
        purpose: input.purpose ?? 'advertising',
        intervalHours: input.intervalHours ?? 6,
        onChange: input.onChange ?? true,
        changeDelayMinutes: input.changeDelayMinutes ?? 10,
        active: input.active ?? true,
        nextRunAt: now,
        createdBy: ctx.actor.id,
      })
      .returning();
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'ad_audience.created', entityType: 'ad_audience', entityId: row.id, orgPath: row.orgPath, after: shownAudience(row, []) },
      ctx.meta,
    );
    return shownAudience(row, []);
  });
}

/** Changes an ad audience's formats, schedule or state; a changed interval counts from the last refresh. */
export async function updateAdAudience(ctx: Ctx, id: string, input: Partial<Omit<AdAudienceInput, 'segmentId' | 'orgUnitId'>>) {
  return ctx.db.orm.transaction(async (tx) => {
    const before = await findAudience(tx, ctx, id, writePermission);
    const intervalHours = input.intervalHours ?? before.intervalHours;
    const from = before.lastRefreshAt ?? new Date();
    const [row] = await tx
      .update(adAudiences)
      .set({
        ...(input.formats ? { formats: [...new Set(input.formats)] } : {}),
        ...(input.purpose !== undefined ? { purpose: input.purpose } : {}),
        ...(input.onChange !== undefined ? { onChange: input.onChange } : {}),
        ...(input.changeDelayMinutes !== undefined ? { changeDelayMinutes: input.changeDelayMinutes } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        intervalHours,
        nextRunAt: new Date(from.getTime() + intervalHours * 3_600_000),
        updatedAt: new Date(),
      })
      .where(eq(adAudiences.id, id))
      .returning();
    await recordAudit(
      tx,
      ctx.actor,
      {
        action: 'ad_audience.updated',
        entityType: 'ad_audience',
        entityId: id,
        orgPath: row.orgPath,
        before: shownAudience(before, []),
        after: shownAudience(row, []),
      },
      ctx.meta,
    );
    return (await withRefreshes(tx, [row]))[0];
  });
}

/** Reads a stream to its end. */
async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** The data rows of a CSV with a header line (its fields are hex digests: no quoted line breaks). */
function dataRows(csv: Buffer): number {
  let lines = 0;
  for (let i = csv.indexOf(10); i >= 0; i = csv.indexOf(10, i + 1)) lines++;
  return Math.max(0, lines - 1);
}

/**
 * Refreshes one ad audience: each format's CSV read in one COPY, stored as a file (bytes first, then the row that
 * points at them), with its row count; then the next scheduled time, and a membership change it now covers cleared.
 * The rows are written through `writer` (the transaction holding the audience's lock, when there is one).
 */
export async function refreshAdAudience(
  db: Database,
  files: FileStore,
  a: AudienceRecord,
  reason: 'schedule' | 'change' | 'manual',
  now = new Date(),
  writer: Executor = db.orm,
): Promise<RefreshRecord[]> {
  const made: RefreshRecord[] = [];
  for (const format of a.formats) {
    const csv = await collect(await streamAdAudience(db, { tenantId: a.tenantId, segmentId: a.segmentId, paths: [a.orgPath], format, purpose: a.purpose }));
    const id = newId('adr');
    const storageKey = `${a.tenantId}/ad-audiences/${a.id}/${id}-${format}.csv`;
    await files.put(storageKey, csv, 'text/csv');
    const [row] = await writer
      .insert(adAudienceRefreshes)
      .values({
        id,
        tenantId: a.tenantId,
        audienceId: a.id,
        segmentId: a.segmentId,
        format,
        reason,
        rows: dataRows(csv),
        bytes: csv.length,
        sha256: createHash('sha256').update(csv).digest('hex'),
        storageKey,
        createdAt: now,
      })
      .returning();
    made.push(row);
  }
  // A change noticed after this refresh started stays pending (its people may have been read before it).
  await writer.execute(sql`UPDATE ad_audiences SET last_refresh_at = ${now.toISOString()}::timestamptz,
      next_run_at = ${new Date(now.getTime() + a.intervalHours * 3_600_000).toISOString()}::timestamptz,
      changed_at = CASE WHEN changed_at <= ${now.toISOString()}::timestamptz THEN NULL ELSE changed_at END
    WHERE id = ${a.id}`);
  return made;
}

/** Refreshes an ad audience now, for the caller (needs `marketing:write`). */
export async function refreshAdAudienceNow(ctx: Ctx, files: FileStore, id: string) {
  const a = await findAudience(ctx.db.orm, ctx, id, writePermission);
  await refreshAdAudience(ctx.db, files, a, 'manual');
  await recordAudit(ctx.db.orm, ctx.actor, { action: 'ad_audience.refreshed', entityType: 'ad_audience', entityId: id, orgPath: a.orgPath }, ctx.meta);
  const [row] = await ctx.db.orm.select().from(adAudiences).where(eq(adAudiences.id, id));
  return (await withRefreshes(ctx.db.orm, [row]))[0];
}

/** One stored refresh file of an ad audience the caller may see (needs `marketing:write`, like the live export). */
export async function openAdAudienceFile(ctx: Ctx, files: FileStore, id: string, refreshId: string) {
  const a = await findAudience(ctx.db.orm, ctx, id, writePermission);
  const [r] = await ctx.db.orm
    .select()
    .from(adAudienceRefreshes)
    .where(and(eq(adAudienceRefreshes.audienceId, a.id), eq(adAudienceRefreshes.id, refreshId)));
  if (!r) notFound('ad audience refresh', refreshId);
  const stream = await files.get(r.storageKey);
  if (!stream) notFound('ad audience file', refreshId);
  return { stream, name: `audience-${a.segmentId}-${r.format}-${r.createdAt.toISOString().slice(0, 16).replace(/[-:]/g, '')}.csv` };
}

/**
 * Refreshes the ad audiences that are due — their interval has passed, or their segment changed and the change has
 * waited its delay — one at a time, each locked (`SKIP LOCKED`) so nodes never refresh the same one at once.
 * Answers how many were refreshed.
 */
export async function refreshDueAdAudiences(db: Database, files: FileStore, now = new Date()): Promise<number> {
  let done = 0;
  for (;;) {
    const one = await db.orm.transaction(async (tx) => {
      const r = await tx.execute<{ id: string; reason: 'schedule' | 'change' }>(sql`
        SELECT id, CASE WHEN next_run_at <= ${now.toISOString()}::timestamptz THEN 'schedule' ELSE 'change' END AS reason
        FROM ad_audiences
        WHERE active AND (next_run_at <= ${now.toISOString()}::timestamptz
          OR (on_change AND changed_at <= ${now.toISOString()}::timestamptz - make_interval(mins => change_delay_minutes)))
        ORDER BY COALESCE(next_run_at, changed_at) LIMIT 1 FOR UPDATE SKIP LOCKED`);
      const due = r.rows[0];
      if (!due) return false;
      const [a] = await tx.select().from(adAudiences).where(eq(adAudiences.id, due.id));
      // The lock is held while the files are written: another node skips this audience meanwhile.
      await refreshAdAudience(db, files, a, due.reason, now, tx);
      return true;
    });
    if (!one) return done;
    done++;
  }
}

/**
 * The outbox subscriber of `segment.entered` / `segment.exited`: marks the segment's ad audiences that refresh on
 * change as changed (the first change since their last refresh; later ones ride along until the delay is up).
 */
export function segmentChangesMarkAdAudiences(): Subscriber {
  return {
    name: 'ad-audiences-segment-changes',
    topic: 'segment.*',
    async handle(event, tx) {
      if (event.topic !== 'segment.entered' && event.topic !== 'segment.exited') return;
      const segmentId = String(event.payload.segmentId ?? '');
      await tx.execute(sql`UPDATE ad_audiences SET changed_at = ${event.createdAt.toISOString()}::timestamptz
        WHERE tenant_id = ${event.tenantId} AND segment_id = ${segmentId} AND on_change AND active AND changed_at IS NULL`);
    },
  };
}
