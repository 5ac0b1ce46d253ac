import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { requireScope } from '../../kernel/auth.ts';
import { type Ctx, ctxOf } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams } from '../../kernel/schemas.ts';
import type { ProfileModule } from './profile-pipeline.ts';
import type { UpdateRuntime } from './profile-updates.ts';
import { visibleSql } from './profiles.ts';
import { type Condition, conditionSchema } from './segment-conditions.ts';
import { compileContext } from './segment-engine.ts';
import { compileDefinition } from './segment-sql.ts';
import { estimateSegment, getSegment } from './segments.ts';

/**
 * What the console's segment builder needs beyond CRUD: a preview of a definition being edited (its live size and
 * a sample of the people it selects) and a segment's size per day, rebuilt from its daily entries and exits.
 */

const json = z.record(z.string(), z.unknown());
const tags = ['segments'];
const dayMs = 86_400_000;

function storeUnits(c: Condition): string[] {
  if (c.type === 'and' || c.type === 'or') return c.conditions.flatMap(storeUnits);
  if (c.type === 'not') return storeUnits(c.condition);
  return c.type === 'store' ? [c.orgUnitId] : [];
}

/** The live size of a definition (as `POST /segments/estimate`) and the people it selects that the caller may see, most recently seen first. */
export async function previewSegment(ctx: Ctx, rt: UpdateRuntime, definition: Condition, limit: number) {
  const estimate = await estimateSegment(ctx, rt, definition);
  const tenantId = ctx.actor.tenantId;
  const catalog = await rt.catalog.get(tenantId);
  const orgPaths = new Map(catalog.orgPaths);
  const units = storeUnits(definition).filter((u) => !orgPaths.has(u));
  if (units.length) {
    const r = await ctx.db.orm.execute<{ id: string; path: string }>(
      sql`SELECT id, path FROM org_units WHERE tenant_id = ${tenantId} AND id = ANY(${sql.param(units)}::text[])`,
    );
    for (const row of r.rows) orgPaths.set(row.id, row.path);
  }
  const settings = await rt.settings.get(tenantId);
  const c = compileDefinition(definition, compileContext({ ...catalog, orgPaths }, tenantId, rt.clock.now(), settings.rfm.orderEvent));
  const visible = visibleSql(ctx.actor);
  const rows = await ctx.db.orm.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL statement_timeout = '20s'`);
    const r = await tx.execute<{ id: string; traits: Record<string, unknown>; last_seen_at: Date }>(sql`
      SELECT p.id, p.traits, p.last_seen_at FROM profiles p
      WHERE p.tenant_id = ${tenantId} AND p.merged_into IS NULL AND ${c.predicate} AND ${visible}
      ORDER BY p.last_seen_at DESC, p.id LIMIT ${limit}`);
    return r.rows;
  });
  return { ...estimate, sample: rows.map((r) => ({ profileId: r.id, traits: r.traits, lastSeenAt: new Date(r.last_seen_at) })) };
}

/** A segment's size at the end of each of the last `days` days (UTC), from today's size and the daily entries and exits. */
export async function segmentSizes(ctx: Ctx, id: string, days: number, now: Date) {
  requireScope(ctx.actor, 'customers:read');
  const seg = await getSegment(ctx, id);
  const from = new Date(now.getTime() - (days - 1) * dayMs).toISOString().slice(0, 10);
  const r = await ctx.db.orm.execute<{ day: string; entered: number; exited: number }>(sql`
    SELECT day, entered, exited FROM segment_daily_counts WHERE tenant_id = ${ctx.actor.tenantId} AND segment_id = ${id} AND day >= ${from}`);
  const byDay = new Map(r.rows.map((x) => [x.day, x]));
  const out: { day: string; size: number; entered: number; exited: number }[] = [];
  let size = seg.memberCount;
  for (let k = 0; k < days; k++) {
    const day = new Date(now.getTime() - k * dayMs).toISOString().slice(0, 10);
    const counts = byDay.get(day);
    const entered = Number(counts?.entered ?? 0);
    const exited = Number(counts?.exited ?? 0);
    out.push({ day, size: Math.max(0, size), entered, exited });
    // The size at the end of the day before is this day's, less what this day added.
    size -= entered - exited;
  }
  return { data: out.reverse() };
}

/** `POST /segments/preview` and `GET /segments/{id}/sizes`, registered beside the segment routes. */
export function segmentPreviewRoutes(m: ProfileModule) {
  const { db } = m.deps;
  return async (app: HttpApp) => {
    app.post(
      '/segments/preview',
      {
        schema: {
          tags,
          summary: 'The live size of a definition being edited and a sample of the people it selects',
          body: z.strictObject({ definition: conditionSchema, limit: z.number().int().min(0).max(50).default(10) }),
          response: {
            200: z.object({
              count: z.number(),
              total: z.number(),
              tookMs: z.number(),
              sample: z.array(z.object({ profileId: z.string(), traits: json, lastSeenAt: z.date() })),
            }),
            ...errors,
          },
        },
      },
      async (req) => previewSegment(ctxOf(db, req), m.rt, req.body.definition, req.body.limit),
    );
    app.get(
      '/segments/:id/sizes',
      {
        schema: {
          tags,
          summary: "A segment's size per day (UTC), with the day's entries and exits",
          params: idParams,
          querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
          response: { 200: z.object({ data: z.array(z.object({ day: z.string(), size: z.number(), entered: z.number(), exited: z.number() })) }), ...errors },
        },
      },
      async (req) => segmentSizes(ctxOf(db, req), req.params.id, req.query.days, m.rt.clock.now()),
    );
  };
}
