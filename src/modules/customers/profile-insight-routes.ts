import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, ctxOf } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams } from '../../kernel/schemas.ts';
import type { ProfileModule } from './profile-pipeline.ts';
import { findProfileInScope, visibleSql } from './profiles.ts';

/**
 * What the console's profile screens draw beyond the 360° view: a person's trait history, their events per day and
 * channel and per store (with store names), and the RFM distribution of the people the caller may see.
 */

const tags = ['profiles'];
const dayMs = 86_400_000;

/** Every value a person's traits took, newest first (at most 200; one key when `key` is given). */
export async function traitHistoryOf(ctx: Ctx, id: string, key: string | undefined) {
  const live = await findProfileInScope(ctx.db.orm, ctx.actor, id);
  const r = await ctx.db.orm.execute<{ key: string; value: unknown; at: Date; message_id: string | null; source: string }>(sql`
    SELECT key, value, at, message_id, source FROM profile_trait_history
    WHERE tenant_id = ${ctx.actor.tenantId} AND profile_id = ${live}${key ? sql` AND key = ${key}` : sql``}
    ORDER BY at DESC, id DESC LIMIT 200`);
  return { data: r.rows.map((x) => ({ key: x.key, value: x.value ?? null, at: new Date(x.at), messageId: x.message_id, source: x.source })) };
}

/** A person's events per day (UTC) and channel over the last `days` days, and all-time per channel and per store. */
export async function activityOf(ctx: Ctx, id: string, days: number, now: Date) {
  const live = await findProfileInScope(ctx.db.orm, ctx.actor, id);
  const tenantId = ctx.actor.tenantId;
  const from = new Date(Date.parse(new Date(now.getTime() - (days - 1) * dayMs).toISOString().slice(0, 10)));
  const [daily, stores] = await Promise.all([
    ctx.db.orm.execute<{ day: string; channel: string; n: number }>(sql`
      SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, channel, count(*)::int AS n FROM customer_events
      WHERE tenant_id = ${tenantId} AND profile_id = ${live} AND ts >= ${from.toISOString()}::timestamptz GROUP BY 1, 2 ORDER BY 1, 2`),
    ctx.db.orm.execute<{ store_id: string | null; code: string | null; name: string | null; channel: string; n: number }>(sql`
      SELECT e.store_id, s.code, s.name, e.channel, count(*)::int AS n FROM customer_events e
      LEFT JOIN stores s ON s.id = e.store_id AND s.tenant_id = e.tenant_id
      WHERE e.tenant_id = ${tenantId} AND e.profile_id = ${live} GROUP BY 1, 2, 3, 4`),
  ]);
  const byChannel = new Map<string, number>();
  const byStore = new Map<string, { storeId: string; code: string | null; name: string | null; count: number }>();
  for (const row of stores.rows) {
    byChannel.set(row.channel, (byChannel.get(row.channel) ?? 0) + row.n);
    if (!row.store_id) continue;
    const held = byStore.get(row.store_id) ?? { storeId: row.store_id, code: row.code, name: row.name, count: 0 };
    held.count += row.n;
    byStore.set(row.store_id, held);
  }
  return {
    from: from.toISOString().slice(0, 10),
    daily: daily.rows.map((x) => ({ day: x.day, channel: x.channel, count: x.n })),
    channels: [...byChannel].map(([channel, count]) => ({ channel, count })).sort((a, b) => b.count - a.count),
    stores: [...byStore.values()].sort((a, b) => b.count - a.count),
  };
}

/** How many of the people the caller may see have each recency, frequency and monetary score (1–5), and each RFM cell. */
export async function rfmDistribution(ctx: Ctx) {
  const r = await ctx.db.orm.execute<{ r: number | null; f: number | null; m: number | null; n: number; ltv: number }>(sql`
    SELECT p.rfm_r AS r, p.rfm_f AS f, p.rfm_m AS m, count(*)::int AS n, coalesce(sum(p.lifetime_value), 0)::float8 AS ltv FROM profiles p
    WHERE p.tenant_id = ${ctx.actor.tenantId} AND p.merged_into IS NULL AND ${visibleSql(ctx.actor)} GROUP BY 1, 2, 3`);
  const scores = () => [0, 0, 0, 0, 0];
  const out = {
    profiles: 0,
    buyers: 0,
    lifetimeValue: 0,
    recency: scores(),
    frequency: scores(),
    monetary: scores(),
    cells: [] as { score: string; count: number }[],
  };
  for (const row of r.rows) {
    out.profiles += row.n;
    out.lifetimeValue += Number(row.ltv);
    if (row.r === null || row.f === null || row.m === null) continue;
    out.buyers += row.n;
    out.recency[row.r - 1] += row.n;
    out.frequency[row.f - 1] += row.n;
    out.monetary[row.m - 1] += row.n;
    out.cells.push({ score: `${row.r}${row.f}${row.m}`, count: row.n });
  }
  out.cells.sort((a, b) => b.count - a.count);
  return out;
}

/** `GET /profiles/rfm-distribution`, `/profiles/{id}/trait-history`, `/profiles/{id}/activity`, beside the profile routes. */
export function profileInsightRoutes(m: ProfileModule) {
  const { db } = m.deps;
  const scores = z.array(z.number()).length(5);
  return async (app: HttpApp) => {
    app.get(
      '/profiles/rfm-distribution',
      {
        schema: {
          tags,
          summary: 'How many people have each RFM score (of those you may see), and each RFM cell',
          response: {
            200: z.object({
              profiles: z.number(),
              buyers: z.number(),
              lifetimeValue: z.number(),
              recency: scores,
              frequency: scores,
              monetary: scores,
              cells: z.array(z.object({ score: z.string(), count: z.number() })),
            }),
            ...errors,
          },
        },
      },
      async (req) => rfmDistribution(ctxOf(db, req)),
    );
    app.get(
      '/profiles/:id/trait-history',
      {
        schema: {
          tags,
          summary: 'Every value the traits of a person took, newest first',
          params: idParams,
          querystring: z.object({ key: z.string().min(1).max(100).optional() }),
          response: {
            200: z.object({
              data: z.array(z.object({ key: z.string(), value: z.unknown(), at: z.date(), messageId: z.string().nullable(), source: z.string() })),
            }),
            ...errors,
          },
        },
      },
      async (req) => traitHistoryOf(ctxOf(db, req), req.params.id, req.query.key),
    );
    app.get(
      '/profiles/:id/activity',
      {
        schema: {
          tags,
          summary: "A person's events per day and channel, and per channel and store",
          params: idParams,
          querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(90) }),
          response: {
            200: z.object({
              from: z.string(),
              daily: z.array(z.object({ day: z.string(), channel: z.string(), count: z.number() })),
              channels: z.array(z.object({ channel: z.string(), count: z.number() })),
              stores: z.array(z.object({ storeId: z.string(), code: z.string().nullable(), name: z.string().nullable(), count: z.number() })),
            }),
            ...errors,
          },
        },
      },
      async (req) => activityOf(ctxOf(db, req), req.params.id, req.query.days, m.rt.clock.now()),
    );
  };
}
