import { sql } from 'drizzle-orm';
import { requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import { withinUnit } from './campaign-audience.ts';
import { findCampaign } from './campaigns.ts';
import { readPermission } from './channels.ts';
import { liftOf, twoProportionZ } from './stats.ts';

/** An order's revenue: `revenue`, else `total`, when a number. */
export const revenueSql = sql.raw(`CASE WHEN jsonb_typeof(e.properties->'revenue') = 'number' THEN (e.properties->>'revenue')::float8
  WHEN jsonb_typeof(e.properties->'total') = 'number' THEN (e.properties->>'total')::float8 ELSE 0 END`);

type VariantRow = {
  variant: string;
  planned: number;
  holdout: number;
  skipped: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  bounced: number;
  opened: number;
  clicked: number;
  treated: number;
  converted: number;
  revenue: number;
  control_converted: number;
  control_revenue: number;
};

/**
 * A campaign's results: the funnel (planned → sent → delivered → clicked → converted) per variant and in all, revenue,
 * the lift of treatment over the holdout (intent to treat: everyone not held out, against everyone held out, each from
 * the moment they were planned or sent, within the campaign's attribution window), and each variant against the first.
 */
export async function campaignResults(ctx: Ctx, id: string) {
  const c = await findCampaign(ctx.db.orm, ctx, id);
  const r = await ctx.db.orm.execute<VariantRow>(sql`
    WITH m AS (
      SELECT id, profile_id, variant, status, COALESCE(sent_at, created_at) AS t0, delivered_at, opened_at, clicked_at
      FROM marketing_messages WHERE campaign_id = ${c.id} AND run <> 'test'
      UNION ALL
      -- People of run slices not sent yet: planned and queued, without a message (nor a conversion to credit) so far.
      SELECT NULL, p.profile_id, p.variant, 'queued', s.created_at, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz
      FROM campaign_run_slices s, unnest(s.profile_ids, s.variants) AS p(profile_id, variant) WHERE s.campaign_id = ${c.id}
    ), conv AS (
      SELECT m.id, count(*)::int AS orders, sum(${revenueSql})::float8 AS revenue FROM m
      JOIN customer_events e ON e.tenant_id = ${c.tenantId} AND e.profile_id = m.profile_id AND e.event = 'Order Completed'
        AND e.ts > m.t0 AND e.ts <= m.t0 + make_interval(days => ${c.attributionDays})
      WHERE m.id IS NOT NULL
      GROUP BY m.id
    )
    SELECT m.variant, count(*)::int AS planned,
      count(*) FILTER (WHERE status = 'holdout')::int AS holdout,
      count(*) FILTER (WHERE status = 'skipped')::int AS skipped,
      count(*) FILTER (WHERE status IN ('queued', 'sending'))::int AS queued,
      count(*) FILTER (WHERE status IN ('sent', 'delivered', 'bounced'))::int AS sent,
      count(*) FILTER (WHERE status = 'delivered')::int AS delivered,
      count(*) FILTER (WHERE status = 'failed')::int AS failed,
      count(*) FILTER (WHERE status = 'bounced')::int AS bounced,
      count(*) FILTER (WHERE opened_at IS NOT NULL)::int AS opened,
      count(*) FILTER (WHERE clicked_at IS NOT NULL)::int AS clicked,
      count(*) FILTER (WHERE status <> 'holdout')::int AS treated,
      count(*) FILTER (WHERE status <> 'holdout' AND conv.orders > 0)::int AS converted,
      COALESCE(sum(conv.revenue) FILTER (WHERE status <> 'holdout'), 0)::float8 AS revenue,
      count(*) FILTER (WHERE status = 'holdout' AND conv.orders > 0)::int AS control_converted,
      COALESCE(sum(conv.revenue) FILTER (WHERE status = 'holdout'), 0)::float8 AS control_revenue
    FROM m LEFT JOIN conv ON conv.id = m.id GROUP BY m.variant ORDER BY m.variant`);
  const keys = [
    'planned',
    'holdout',
    'skipped',
    'queued',
    'sent',
    'delivered',
    'failed',
    'bounced',
    'opened',
    'clicked',
    'treated',
    'converted',
    'revenue',
    'control_converted',
    'control_revenue',
  ] as const;
  const total = Object.fromEntries(keys.map((k) => [k, r.rows.reduce((s, row) => s + Number(row[k]), 0)])) as Record<(typeof keys)[number], number>;
  const order = c.variants.map((v) => v.key);
  const rows = [...r.rows].filter((row) => row.treated > 0).sort((a, b) => order.indexOf(a.variant) - order.indexOf(b.variant));
  const first = rows[0];
  const funnel = (row: Record<(typeof keys)[number], number>) => ({
    planned: row.planned,
    holdout: row.holdout,
    skipped: row.skipped,
    queued: row.queued,
    sent: row.sent,
    delivered: row.delivered,
    failed: row.failed,
    bounced: row.bounced,
    opened: row.opened,
    clicked: row.clicked,
    treated: row.treated,
    converted: row.converted,
    revenue: row.revenue,
  });
  return {
    campaignId: c.id,
    status: c.status,
    attributionDays: c.attributionDays,
    total: funnel(total),
    control: { size: total.holdout, converted: total.control_converted, revenue: total.control_revenue },
    lift: liftOf(total.converted, total.treated, total.control_converted, total.holdout),
    variants: rows.map((row) => ({
      key: row.variant,
      ...funnel(row),
      conversionRate: row.treated > 0 ? row.converted / row.treated : 0,
      versusFirst: row === first ? null : twoProportionZ(row.converted, row.treated, first.converted, first.treated),
    })),
  };
}

/** How a conversion's credit is split among the touches before it. */
export type AttributionModel = 'last_touch' | 'first_touch' | 'linear';

/**
 * Orders (`Order Completed`, online or at a store's POS) in a period, credited to the campaign messages the person was
 * sent within `days` before: all to the last or the first touch, or split evenly. Revenue by campaign, channel and the
 * store where the order was placed. Only campaigns the caller may see take credit.
 */
export async function attribution(ctx: Ctx, q: { from: Date; to: Date; model: AttributionModel; days: number }) {
  const paths = requireScope(ctx.actor, readPermission);
  const t = ctx.actor.tenantId;
  const credit = q.model === 'last_touch' ? sql`(rn_last = 1)::int::float8` : q.model === 'first_touch' ? sql`(rn_first = 1)::int::float8` : sql`1.0 / n`;
  const r = await ctx.db.orm.execute<{ dim: string; key: string; name: string | null; conversions: number; revenue: number }>(sql`
    WITH touched AS (
      SELECT m.id, m.profile_id, m.campaign_id, m.channel_id, m.sent_at FROM marketing_messages m JOIN campaigns c ON c.id = m.campaign_id
      WHERE m.tenant_id = ${t} AND m.status IN ('sent', 'delivered') AND (${sql.join(
        paths.map((p) => sql`c.org_path LIKE ${`${p}%`}`),
        sql` OR `,
      )})
    ), conv AS (
      SELECT e.message_id AS order_id, e.profile_id, e.ts, e.store_id, ${revenueSql} AS revenue FROM customer_events e
      WHERE e.tenant_id = ${t} AND e.event = 'Order Completed' AND e.ts >= ${q.from.toISOString()}::timestamptz AND e.ts < ${q.to.toISOString()}::timestamptz
        AND e.profile_id IN (SELECT profile_id FROM touched)
    ), touches AS (
      SELECT conv.order_id, conv.revenue, conv.store_id, x.campaign_id, x.channel_id,
        row_number() OVER (PARTITION BY conv.order_id ORDER BY x.sent_at DESC, x.id) AS rn_last,
        row_number() OVER (PARTITION BY conv.order_id ORDER BY x.sent_at, x.id) AS rn_first,
        count(*) OVER (PARTITION BY conv.order_id) AS n
      FROM conv JOIN touched x ON x.profile_id = conv.profile_id AND x.sent_at < conv.ts AND x.sent_at >= conv.ts - make_interval(days => ${q.days})
    ), credited AS (SELECT *, ${credit} AS w FROM touches)
    SELECT 'campaign' AS dim, campaign_id AS key, (SELECT name FROM campaigns WHERE id = campaign_id) AS name, sum(w)::float8 AS conversions, sum(w * revenue)::float8 AS revenue FROM credited GROUP BY campaign_id
    UNION ALL
    SELECT 'channel', channel_id, (SELECT name FROM marketing_channels WHERE id = channel_id), sum(w)::float8, sum(w * revenue)::float8 FROM credited GROUP BY channel_id
    UNION ALL
    SELECT 'store', COALESCE(store_id, 'online'), (SELECT name FROM stores WHERE id = store_id), sum(w)::float8, sum(w * revenue)::float8 FROM credited GROUP BY store_id
    ORDER BY 1, 5 DESC`);
  const pick = (dim: string) =>
    r.rows.filter((row) => row.dim === dim && row.conversions > 0).map(({ key, name, conversions, revenue }) => ({ key, name, conversions, revenue }));
  return { model: q.model, days: q.days, from: q.from, to: q.to, byCampaign: pick('campaign'), byChannel: pick('channel'), byStore: pick('store') };
}

/** Messages sent to one person (their profile page), newest first, from the campaigns and journeys the caller may see. */
export async function messagesOfProfile(ctx: Ctx, profileId: string, limit = 50) {
  const paths = requireScope(ctx.actor, readPermission);
  const r = await ctx.db.orm.execute<{
    id: string;
    campaign_id: string;
    campaign_name: string | null;
    journey_name: string | null;
    channel_kind: string;
    variant: string;
    status: string;
    skip_reason: string | null;
    subject: string | null;
    body: string | null;
    sent_at: string | null;
    delivered_at: string | null;
    opened_at: string | null;
    clicked_at: string | null;
    created_at: string;
  }>(sql`
    SELECT m.id, m.campaign_id, c.name AS campaign_name, j.name AS journey_name, ch.kind AS channel_kind, m.variant, m.status, m.skip_reason,
      m.subject, m.body, m.sent_at, m.delivered_at, m.opened_at, m.clicked_at, m.created_at
    FROM marketing_messages m LEFT JOIN campaigns c ON c.id = m.campaign_id LEFT JOIN journeys j ON j.id = m.campaign_id
      JOIN marketing_channels ch ON ch.id = m.channel_id
    WHERE m.tenant_id = ${ctx.actor.tenantId} AND m.profile_id = ${profileId} AND (${sql.join(
      paths.map((p) => sql`COALESCE(c.org_path, j.org_path) LIKE ${`${p}%`}`),
      sql` OR `,
    )})
      AND ${withinUnit(sql`m.profile_id`, paths)}
    ORDER BY m.created_at DESC LIMIT ${limit}`);
  const d = (v: string | null) => (v ? new Date(v) : null);
  return {
    data: r.rows.map((row) => ({
      id: row.id,
      campaignId: row.journey_name === null ? row.campaign_id : null,
      campaignName: row.journey_name === null ? row.campaign_name : null,
      // A journey's message carries the journey in campaign_id and the step in variant (journey-sends.ts).
      journey: row.journey_name === null ? null : { id: row.campaign_id, name: row.journey_name, stepId: row.variant },
      channelKind: row.channel_kind,
      variant: row.variant,
      status: row.status,
      skipReason: row.skip_reason,
      subject: row.subject,
      body: row.body,
      sentAt: d(row.sent_at),
      deliveredAt: d(row.delivered_at),
      openedAt: d(row.opened_at),
      clickedAt: d(row.clicked_at),
      createdAt: new Date(row.created_at),
    })),
  };
}
