import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../../kernel/audit.ts';
import { requirePermission, requireScope } from '../../kernel/auth.ts';
import { type Ctx, decodeCursor, encodeCursor } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { text } from '../../kernel/schemas.ts';
import type { UpdateRuntime } from './profile-updates.ts';
import { visibleSql } from './profiles.ts';
import { type Condition, conditionSchema, definitionProblems, referencedSegments } from './segment-conditions.ts';
import { estimateDefinition } from './segment-engine.ts';

/** Queues background work: a segment recompute or a computed-trait backfill (pg-boss, or in-process without it). */
export interface RecomputeQueue {
  enqueue(job: { tenantId: string; kind: 'segment' | 'trait'; id: string }): Promise<void>;
}

/** A segment as created: a name and a definition. */
export const segmentBody = z.strictObject({ name: text(120), description: z.string().max(1000).optional(), definition: conditionSchema });
/** A change to a segment: any of its fields. */
export const segmentPatch = segmentBody.partial();

type SegmentRow = {
  id: string;
  name: string;
  description: string | null;
  definition: Condition;
  version: number;
  status: string;
  progress: Record<string, unknown>;
  member_count: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
};

function view(r: SegmentRow) {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    definition: r.definition,
    version: r.version,
    status: r.status,
    progress: r.progress,
    memberCount: r.member_count,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

async function load(db: Executor, tenantId: string, id: string): Promise<SegmentRow> {
  const r = await db.execute<SegmentRow>(sql`SELECT * FROM segments WHERE tenant_id = ${tenantId} AND id = ${id}`);
  if (!r.rows[0]) notFound('segment', id);
  return r.rows[0];
}

/** Refuses a definition that is too big, names unknown segments or computed traits, or refers back to itself. */
async function checkDefinition(db: Executor, tenantId: string, id: string | null, def: Condition): Promise<void> {
  const problems = definitionProblems(def);
  if (problems.length) throw new AppError('invalid', problems.join('; '));
  const all = await db.execute<{ id: string; definition: Condition }>(sql`SELECT id, definition FROM segments WHERE tenant_id = ${tenantId}`);
  const graph = new Map(all.rows.map((r) => [r.id, referencedSegments(r.definition)]));
  const refs = referencedSegments(def);
  const unknown = refs.filter((r) => !graph.has(r));
  if (unknown.length) throw new AppError('invalid', `unknown segments: ${unknown.join(', ')}`);
  if (id) {
    graph.set(id, refs);
    const seen = new Set<string>();
    const reaches = (from: string): boolean =>
      (graph.get(from) ?? []).some((n) => {
        if (n === id) return true;
        if (seen.has(n)) return false;
        seen.add(n);
        return reaches(n);
      });
    if (reaches(id)) throw new AppError('invalid', 'a segment cannot refer to itself, directly or through others');
  }
}

/** Segments of the tenant (customers:read). */
export async function listSegments(ctx: Ctx) {
  requireScope(ctx.actor, 'customers:read');
  const r = await ctx.db.orm.execute<SegmentRow>(sql`SELECT * FROM segments WHERE tenant_id = ${ctx.actor.tenantId} ORDER BY name, id`);
  return { data: r.rows.map(view), nextCursor: null };
}

/** One segment with its size and recompute status. */
export async function getSegment(ctx: Ctx, id: string) {
  requireScope(ctx.actor, 'customers:read');
  return view(await load(ctx.db.orm, ctx.actor.tenantId, id));
}

/** Creates a segment; its members are computed in the background (status `computing`, then `ready`). */
export async function createSegment(ctx: Ctx, rt: UpdateRuntime, queue: RecomputeQueue, body: z.infer<typeof segmentBody>) {
  requirePermission(ctx.actor, 'segments:manage');
  const tenantId = ctx.actor.tenantId;
  const id = newId('seg');
  await ctx.db.orm.transaction(async (tx) => {
    await checkDefinition(tx, tenantId, id, body.definition);
    await tx.execute(sql`
      INSERT INTO segments (id, tenant_id, name, description, definition, created_by)
      VALUES (${id}, ${tenantId}, ${body.name}, ${body.description ?? null}, ${JSON.stringify(body.definition)}::jsonb, ${ctx.actor.label})`);
    await recordAudit(tx, ctx.actor, { action: 'segment.created', entityType: 'segment', entityId: id, after: body }, ctx.meta);
    await publishEvent(tx, tenantId, 'segment.created', { segmentId: id, name: body.name });
  });
  rt.catalog.invalidate(tenantId);
  await queue.enqueue({ tenantId, kind: 'segment', id });
  return view(await load(ctx.db.orm, tenantId, id));
}

/** Changes a segment; a changed definition bumps the version and recomputes in the background. */
export async function updateSegment(ctx: Ctx, rt: UpdateRuntime, queue: RecomputeQueue, id: string, body: z.infer<typeof segmentPatch>) {
  requirePermission(ctx.actor, 'segments:manage');
  const tenantId = ctx.actor.tenantId;
  const before = await load(ctx.db.orm, tenantId, id);
  const changed = body.definition !== undefined && JSON.stringify(body.definition) !== JSON.stringify(before.definition);
  await ctx.db.orm.transaction(async (tx) => {
    if (body.definition) await checkDefinition(tx, tenantId, id, body.definition);
    await tx.execute(sql`
      UPDATE segments SET name = ${body.name ?? before.name}, description = ${body.description ?? before.description},
        definition = ${JSON.stringify(body.definition ?? before.definition)}::jsonb, version = version + ${changed ? 1 : 0},
        status = CASE WHEN ${changed} THEN 'computing' ELSE status END, updated_at = now()
      WHERE id = ${id}`);
    await recordAudit(tx, ctx.actor, { action: 'segment.updated', entityType: 'segment', entityId: id, before: view(before), after: body }, ctx.meta);
  });
  rt.catalog.invalidate(tenantId);
  if (changed) await queue.enqueue({ tenantId, kind: 'segment', id });
  return view(await load(ctx.db.orm, tenantId, id));
}

/** Deletes a segment no other segment refers to: its members and timers go; its history stays. */
export async function deleteSegment(ctx: Ctx, rt: UpdateRuntime, id: string) {
  requirePermission(ctx.actor, 'segments:manage');
  const tenantId = ctx.actor.tenantId;
  const before = await load(ctx.db.orm, tenantId, id);
  await ctx.db.orm.transaction(async (tx) => {
    const users = await tx.execute<{ id: string; definition: Condition }>(
      sql`SELECT id, definition FROM segments WHERE tenant_id = ${tenantId} AND id <> ${id}`,
    );
    const referring = users.rows.filter((r) => referencedSegments(r.definition).includes(id)).map((r) => r.id);
    if (referring.length) throw new AppError('conflict', `segments ${referring.join(', ')} refer to this one`);
    await tx.execute(sql`DELETE FROM segment_members WHERE segment_id = ${id}`);
    await tx.execute(sql`DELETE FROM profile_timers WHERE kind = 'segment' AND ref_id = ${id}`);
    await tx.execute(sql`DELETE FROM segments WHERE id = ${id}`);
    await recordAudit(tx, ctx.actor, { action: 'segment.deleted', entityType: 'segment', entityId: id, before: view(before) }, ctx.meta);
    await publishEvent(tx, tenantId, 'segment.deleted', { segmentId: id, name: before.name });
  });
  rt.catalog.invalidate(tenantId);
}

/** Queues a recompute by hand (for example after a bulk import). */
export async function requestRecompute(ctx: Ctx, queue: RecomputeQueue, id: string) {
  requirePermission(ctx.actor, 'segments:manage');
  await load(ctx.db.orm, ctx.actor.tenantId, id);
  await ctx.db.orm.execute(sql`UPDATE segments SET status = 'computing' WHERE id = ${id}`);
  await queue.enqueue({ tenantId: ctx.actor.tenantId, kind: 'segment', id });
  return getSegment(ctx, id);
}

/** The live size of a definition being edited: how many people it selects now, of how many. */
export async function estimateSegment(ctx: Ctx, rt: UpdateRuntime, definition: Condition) {
  requirePermission(ctx.actor, 'segments:manage');
  await checkDefinition(ctx.db.orm, ctx.actor.tenantId, null, definition);
  const tenantId = ctx.actor.tenantId;
  const started = Date.now();
  const settings = await rt.settings.get(tenantId);
  const r = await estimateDefinition(ctx.db, await rt.catalog.get(tenantId), tenantId, definition, rt.clock.now(), settings.rfm.orderEvent);
  return { ...r, tookMs: Date.now() - started };
}

/** Members of a segment the caller may see, by profile id, a page at a time. */
export async function listMembers(ctx: Ctx, id: string, q: { cursor?: string; limit: number }) {
  requireScope(ctx.actor, 'customers:read');
  await load(ctx.db.orm, ctx.actor.tenantId, id);
  const after = decodeCursor(q.cursor, 1);
  const r = await ctx.db.orm.execute<{ profile_id: string; entered_at: Date; traits: Record<string, unknown> }>(sql`
    SELECT m.profile_id, m.entered_at, p.traits FROM segment_members m JOIN profiles p ON p.id = m.profile_id
    WHERE m.segment_id = ${id} AND ${visibleSql(ctx.actor)}${after ? sql` AND m.profile_id > ${String(after[0])}` : sql``}
    ORDER BY m.profile_id LIMIT ${q.limit + 1}`);
  const rows = r.rows.slice(0, q.limit);
  return {
    data: rows.map((m) => ({ profileId: m.profile_id, enteredAt: new Date(m.entered_at), traits: m.traits })),
    nextCursor: r.rows.length > q.limit ? encodeCursor([rows[rows.length - 1].profile_id]) : null,
  };
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  // A leading = + - @ would be a formula in a spreadsheet: quote it as text.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The members as CSV, streamed page by page (keyset), so a million rows never sit in memory. */
export async function exportMembers(ctx: Ctx, id: string): Promise<Readable> {
  requireScope(ctx.actor, 'customers:read');
  await load(ctx.db.orm, ctx.actor.tenantId, id);
  const visible = visibleSql(ctx.actor);
  const db = ctx.db.orm;
  async function* rows() {
    yield 'profile_id,entered_at,name,email,phone,rfm_score,lifetime_value\n';
    let after = '';
    for (;;) {
      const r = await db.execute<{ profile_id: string; entered_at: Date; traits: Record<string, unknown>; score: string | null; ltv: number }>(sql`
        SELECT m.profile_id, m.entered_at, p.traits, p.rfm_r::text || p.rfm_f::text || p.rfm_m::text AS score, p.lifetime_value AS ltv
        FROM segment_members m JOIN profiles p ON p.id = m.profile_id
        WHERE m.segment_id = ${id} AND m.profile_id > ${after} AND ${visible} ORDER BY m.profile_id LIMIT 5000`);
      if (r.rows.length === 0) return;
      yield r.rows
        .map((m) => [m.profile_id, new Date(m.entered_at).toISOString(), m.traits.name, m.traits.email, m.traits.phone, m.score, m.ltv].map(csvCell).join(','))
        .join('\n')
        .concat('\n');
      after = r.rows[r.rows.length - 1].profile_id;
    }
  }
  return Readable.from(rows());
}

/** Entries and exits of a segment, newest first. */
export async function segmentHistory(ctx: Ctx, id: string, q: { cursor?: string; limit: number; kind?: 'entered' | 'exited' }) {
  requireScope(ctx.actor, 'customers:read');
  await load(ctx.db.orm, ctx.actor.tenantId, id);
  const after = decodeCursor(q.cursor, 1);
  const r = await ctx.db.orm.execute<{ id: number; profile_id: string; kind: string; reason: string; at: Date; traits: Record<string, unknown> }>(sql`
    SELECT h.id, h.profile_id, h.kind, h.reason, h.at, p.traits FROM segment_history h JOIN profiles p ON p.id = h.profile_id
    WHERE h.segment_id = ${id} AND ${visibleSql(ctx.actor)}${q.kind ? sql` AND h.kind = ${q.kind}` : sql``}${after ? sql` AND h.id < ${Number(after[0])}` : sql``}
    ORDER BY h.id DESC LIMIT ${q.limit + 1}`);
  const rows = r.rows.slice(0, q.limit);
  return {
    data: rows.map((h) => ({ profileId: h.profile_id, kind: h.kind, reason: h.reason, at: new Date(h.at), traits: h.traits })),
    nextCursor: r.rows.length > q.limit ? encodeCursor([rows[rows.length - 1].id]) : null,
  };
}
