import { sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { requirePermission } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import { newId } from '../../kernel/ids.ts';
import { channelsPermission, findChannel, readPermission } from './channels.ts';
import type { AdapterCache } from './channels/registry.ts';
import { journeyWakeChannel } from './journey-triggers.ts';

/** The window of a channel's delivery counts. */
export const deliveryWindowDays = 7;

/** How many of a channel's dead letters the list shows (newest first). */
const listedDeadLetters = 200;

/** Campaign and journey messages of a channel by state over the last days: what the channels page shows. */
export interface DeliveryCounts {
  sent: number;
  delivered: number;
  failed: number;
  bounced: number;
}

/**
 * Each channel's campaign and journey messages of the last `deliveryWindowDays` days by state (`sent` counts every
 * hand-over, delivered and bounced ones included), read through the campaigns on the channel and the tenant's journeys,
 * on the messages' `(campaign, status)` index (a journey's messages carry its id there).
 */
export async function deliveryCountsOf(ctx: Ctx, channelIds: string[], now = new Date()): Promise<Map<string, DeliveryCounts>> {
  const out = new Map(channelIds.map((id): [string, DeliveryCounts] => [id, { sent: 0, delivered: 0, failed: 0, bounced: 0 }]));
  if (channelIds.length === 0) return out;
  const r = await ctx.db.orm.execute<{ channel_id: string; status: string; n: number }>(sql`
    SELECT channel_id, status, count(*)::int AS n FROM (
      SELECT m.channel_id, m.status
      FROM campaigns c JOIN marketing_messages m ON m.campaign_id = c.id AND m.status IN ('sent', 'delivered', 'failed', 'bounced') AND m.run <> 'test'
      WHERE c.tenant_id = ${ctx.actor.tenantId} AND c.channel_id = ANY(${sql.param(channelIds)}::text[])
        AND COALESCE(m.sent_at, m.due_at) > ${now.toISOString()}::timestamptz - make_interval(days => ${deliveryWindowDays})
      UNION ALL
      SELECT m.channel_id, m.status
      FROM journeys j JOIN marketing_messages m ON m.campaign_id = j.id AND m.status IN ('sent', 'delivered', 'failed', 'bounced')
      WHERE j.tenant_id = ${ctx.actor.tenantId} AND m.channel_id = ANY(${sql.param(channelIds)}::text[])
        AND COALESCE(m.sent_at, m.due_at) > ${now.toISOString()}::timestamptz - make_interval(days => ${deliveryWindowDays})) x
    GROUP BY 1, 2`);
  for (const row of r.rows) {
    const c = out.get(row.channel_id);
    if (!c) continue;
    if (row.status === 'failed') c.failed += row.n;
    else {
      c.sent += row.n;
      if (row.status === 'delivered') c.delivered += row.n;
      if (row.status === 'bounced') c.bounced += row.n;
    }
  }
  return out;
}

/**
 * A channel's dead letters: campaign and journey messages that failed for good (retries spent, or refused outright),
 * newest first; a journey's name its step.
 */
export async function deadLettersOf(ctx: Ctx, channelId: string) {
  requirePermission(ctx.actor, readPermission);
  const ch = await findChannel(ctx.db.orm, ctx.actor.tenantId, channelId);
  const r = await ctx.db.orm.execute<{
    id: string;
    kind: 'campaign' | 'journey';
    source_id: string;
    source_name: string;
    step_id: string;
    profile_id: string;
    recipient: string | null;
    error: string | null;
    attempts: number;
    at: Date;
  }>(sql`
    (SELECT m.id, 'campaign' AS kind, m.campaign_id AS source_id, c.name AS source_name, m.variant AS step_id, m.profile_id, m.recipient, m.error,
      m.attempts, m.due_at AS at
    FROM campaigns c JOIN marketing_messages m ON m.campaign_id = c.id AND m.status = 'failed' AND m.run <> 'test'
    WHERE c.tenant_id = ${ctx.actor.tenantId} AND c.channel_id = ${ch.id}
    ORDER BY m.due_at DESC LIMIT ${listedDeadLetters})
    UNION ALL
    (SELECT m.id, 'journey', m.campaign_id, j.name, m.variant, m.profile_id, m.recipient, m.error, m.attempts, m.due_at
    FROM journeys j JOIN marketing_messages m ON m.campaign_id = j.id AND m.status = 'failed'
    WHERE j.tenant_id = ${ctx.actor.tenantId} AND m.channel_id = ${ch.id}
    ORDER BY m.due_at DESC LIMIT ${listedDeadLetters})
    ORDER BY at DESC LIMIT ${listedDeadLetters}`);
  return {
    data: r.rows.map((m) => ({
      id: m.id,
      campaignId: m.kind === 'campaign' ? m.source_id : null,
      campaignName: m.kind === 'campaign' ? m.source_name : null,
      journey: m.kind === 'journey' ? { id: m.source_id, name: m.source_name, stepId: m.step_id } : null,
      profileId: m.profile_id,
      recipient: m.recipient,
      error: m.error,
      attempts: m.attempts,
      at: new Date(m.at),
    })),
  };
}

/**
 * Sends a channel's dead letters again (all, or the named ones): back to the queue with fresh tries, due now, under
 * their own idempotency keys. A completed campaign they belong to goes back to sending (its send loop takes them up);
 * journey letters wake every node's journey runner, which resends them through the send step (journey-replays.ts).
 * Cancelled campaigns' and archived journeys' letters stay where they are.
 */
export async function replayDeadLetters(ctx: Ctx, channelId: string, messageIds?: string[]) {
  requirePermission(ctx.actor, channelsPermission);
  return ctx.db.orm.transaction(async (tx) => {
    const ch = await findChannel(tx, ctx.actor.tenantId, channelId);
    const r = await tx.execute<{ campaign_id: string }>(sql`
      UPDATE marketing_messages m SET status = 'queued', attempts = 0, error = NULL, sent_at = NULL, due_at = now()
      FROM campaigns c
      WHERE c.id = m.campaign_id AND c.tenant_id = ${ctx.actor.tenantId} AND c.channel_id = ${ch.id} AND c.status <> 'cancelled'
        AND m.status = 'failed' AND m.run <> 'test'
        ${messageIds ? sql`AND m.id = ANY(${sql.param(messageIds)}::text[])` : sql``}
      RETURNING m.campaign_id`);
    const journeyLetters = await tx.execute<{ journey_id: string }>(sql`
      UPDATE marketing_messages m SET status = 'queued', attempts = 0, error = NULL, sent_at = NULL, due_at = now()
      FROM journeys j
      WHERE j.id = m.campaign_id AND j.tenant_id = ${ctx.actor.tenantId} AND m.channel_id = ${ch.id} AND j.status <> 'archived' AND m.status = 'failed'
        ${messageIds ? sql`AND m.id = ANY(${sql.param(messageIds)}::text[])` : sql``}
      RETURNING m.campaign_id AS journey_id`);
    if (journeyLetters.rows.length > 0) await tx.execute(sql`SELECT pg_notify(${journeyWakeChannel}, '')`);
    const journeyIds = [...new Set(journeyLetters.rows.map((row) => row.journey_id))];
    const campaignIds = [...new Set(r.rows.map((row) => row.campaign_id))];
    if (campaignIds.length > 0)
      await tx.execute(
        sql`UPDATE campaigns SET status = 'sending', updated_at = now() WHERE id = ANY(${sql.param(campaignIds)}::text[]) AND status = 'completed'`,
      );
    await recordAudit(
      tx,
      ctx.actor,
      {
        action: 'marketing_channel.replayed',
        entityType: 'marketing_channel',
        entityId: ch.id,
        after: { requeued: r.rows.length + journeyLetters.rows.length, campaigns: campaignIds, journeys: journeyIds },
      },
      ctx.meta,
    );
    return { requeued: r.rows.length + journeyLetters.rows.length };
  });
}

/**
 * Hands one plain message to a channel's provider, addressed by the caller (their own phone or inbox): proves the
 * settings work. Not a campaign message, so nothing is counted; the attempt is audited.
 */
export async function testChannel(ctx: Ctx, adapters: AdapterCache, channelId: string, input: { to: string; subject?: string; body: string }) {
  requirePermission(ctx.actor, channelsPermission);
  const ch = await findChannel(ctx.db.orm, ctx.actor.tenantId, channelId);
  const id = newId('msg');
  const outcome = await adapters.get(ch).send({
    id,
    to: input.to,
    subject: input.subject ?? null,
    body: input.body,
    profileId: 'test',
    campaignId: 'test',
  });
  const result = { messageId: id, ok: outcome.ok, providerId: outcome.ok ? outcome.providerId : null, error: outcome.ok ? null : outcome.error };
  await recordAudit(
    ctx.db.orm,
    ctx.actor,
    { action: 'marketing_channel.tested', entityType: 'marketing_channel', entityId: ch.id, after: { to: input.to, ...result } },
    ctx.meta,
  );
  return result;
}
