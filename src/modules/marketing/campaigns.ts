import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { requireScope } from '../../kernel/auth.ts';
import { type Ctx, decodeCursor, encodeCursor } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { findUnitInScope, underPaths } from '../org/index.ts';
import { estimateAudience } from './campaign-audience.ts';
import { messageIdSql } from './campaign-runs.ts';
import { assertCampaignTransition, type CampaignStatus } from './campaign-states.ts';
import { consentChannelOf } from './channel-settings.ts';
import { findChannel, readPermission } from './channels.ts';
import { nextOccurrenceOf, parseRecurrence } from './recurrence.ts';
import { type CampaignSchedule, type CampaignVariant, campaigns } from './schema.ts';
import { findTemplate, writePermission } from './templates.ts';

type CampaignRecord = typeof campaigns.$inferSelect;

/** Campaign input, as the builder sends it. */
export interface CampaignInput {
  name: string;
  orgUnitId?: string;
  channelId: string;
  purpose?: string;
  includeSegments: string[];
  excludeSegments?: string[];
  variants: CampaignVariant[];
  holdoutPercent?: number;
  schedule: CampaignSchedule;
  quietStart?: string;
  quietEnd?: string;
  ratePerMinute?: number;
  attributionDays?: number;
}

/** A campaign as the API shows it. */
export const shownCampaign = (c: CampaignRecord) => {
  const { tenantId: _t, ...rest } = c;
  return rest;
};

/** A campaign the caller may see with the permission, or 404. */
export async function findCampaign(db: Executor, ctx: Ctx, id: string, permission = readPermission): Promise<CampaignRecord> {
  const paths = requireScope(ctx.actor, permission);
  const [row] = await db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.tenantId, ctx.actor.tenantId), eq(campaigns.id, id), underPaths(campaigns.orgPath, paths)));
  if (!row) notFound('campaign', id);
  return row;
}

async function checkReferences(
  db: Executor,
  tenantId: string,
  input: Pick<CampaignInput, 'channelId' | 'includeSegments' | 'excludeSegments' | 'variants' | 'schedule'>,
) {
  await findChannel(db, tenantId, input.channelId);
  for (const v of input.variants) await findTemplate(db, tenantId, v.templateId);
  const named = [...input.includeSegments, ...(input.excludeSegments ?? [])];
  const r = await db.execute<{ id: string }>(sql`SELECT id FROM segments WHERE tenant_id = ${tenantId} AND id = ANY(${sql.param(named)}::text[])`);
  const found = new Set(r.rows.map((row) => row.id));
  const missing = named.filter((id) => !found.has(id));
  if (missing.length > 0)
    throw new AppError('invalid', `unknown segment ${missing.join(', ')}`, {
      issues: missing.map((id) => ({ path: 'body.includeSegments', message: `segment ${id} not found` })),
    });
  const keys = input.variants.map((v) => v.key);
  if (new Set(keys).size !== keys.length)
    throw new AppError('invalid', 'variant keys must differ', { issues: [{ path: 'body.variants', message: 'duplicate key' }] });
  if (input.schedule.kind === 'at' && !input.schedule.at)
    throw new AppError('invalid', 'a scheduled campaign needs schedule.at', { issues: [{ path: 'body.schedule.at', message: 'required' }] });
  if (input.schedule.kind === 'recurring') parseRecurrence(input.schedule.rrule ?? '', 'body.schedule.rrule');
}

/** The campaigns the caller may see, newest first. */
export async function listCampaigns(ctx: Ctx, q: { status?: CampaignStatus; cursor?: string; limit: number }) {
  const paths = requireScope(ctx.actor, readPermission);
  const after = decodeCursor(q.cursor, 2);
  const rows = await ctx.db.orm
    .select()
    .from(campaigns)
    .where(
      and(
        eq(campaigns.tenantId, ctx.actor.tenantId),
        underPaths(campaigns.orgPath, paths),
        q.status ? eq(campaigns.status, q.status) : undefined,
        after
          ? or(
              lt(campaigns.createdAt, new Date(String(after[0]))),
              and(eq(campaigns.createdAt, new Date(String(after[0]))), lt(campaigns.id, String(after[1]))),
            )
          : undefined,
      ),
    )
    .orderBy(desc(campaigns.createdAt), desc(campaigns.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const data = rows.slice(0, q.limit);
  const last = data[data.length - 1];
  return { data: data.map(shownCampaign), nextCursor: more && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null };
}

/** Creates a draft campaign at an org unit the caller may write marketing at (their widest one by default). */
export async function createCampaign(ctx: Ctx, input: CampaignInput) {
  const paths = requireScope(ctx.actor, writePermission);
  const grant = ctx.actor.grants.find((g) => g.permissions.has(writePermission) && g.path === paths[0]);
  const unit = await findUnitInScope(ctx.db.orm, ctx.actor, input.orgUnitId ?? grant?.orgUnitId ?? '', writePermission);
  await checkReferences(ctx.db.orm, ctx.actor.tenantId, input);
  return ctx.db.orm.transaction(async (tx) => {
    const [row] = await tx
      .insert(campaigns)
      .values({
        id: newId('cmp'),
        tenantId: ctx.actor.tenantId,
        orgUnitId: unit.id,
        orgPath: unit.path,
        name: input.name,
        channelId: input.channelId,
        purpose: input.purpose ?? 'marketing',
        includeSegments: input.includeSegments,
        excludeSegments: input.excludeSegments ?? [],
        variants: input.variants,
        holdoutPercent: input.holdoutPercent ?? 0,
        schedule: input.schedule,
        quietStart: input.quietStart ?? '21:00',
        quietEnd: input.quietEnd ?? '09:00',
        ratePerMinute: input.ratePerMinute ?? 600,
        attributionDays: input.attributionDays ?? 7,
        createdBy: ctx.actor.id,
      })
      .returning();
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'campaign.created', entityType: 'campaign', entityId: row.id, orgPath: row.orgPath, after: shownCampaign(row) },
      ctx.meta,
    );
    return shownCampaign(row);
  });
}

/** Changes a draft (or paused) campaign; a campaign that is going out keeps what it was launched with. */
export async function updateCampaign(ctx: Ctx, id: string, input: Partial<Omit<CampaignInput, 'orgUnitId'>>) {
  return ctx.db.orm.transaction(async (tx) => {
    const before = await findCampaign(tx, ctx, id, writePermission);
    if (before.status !== 'draft' && before.status !== 'paused') {
      throw new AppError('conflict', `a ${before.status} campaign cannot be edited; pause it first`, { status: before.status, allowed: ['draft', 'paused'] });
    }
    const next = { ...before, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as CampaignRecord;
    await checkReferences(tx, ctx.actor.tenantId, next);
    const [row] = await tx
      .update(campaigns)
      .set({ ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)), updatedAt: new Date() })
      .where(eq(campaigns.id, id))
      .returning();
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'campaign.updated', entityType: 'campaign', entityId: id, orgPath: row.orgPath, before: shownCampaign(before), after: shownCampaign(row) },
      ctx.meta,
    );
    return shownCampaign(row);
  });
}

/** The first time a campaign's schedule says it should go out, from `now`. */
export function firstRunAt(schedule: CampaignSchedule, now: Date): Date | null {
  if (schedule.kind === 'now') return now;
  if (schedule.kind === 'at') return new Date(String(schedule.at));
  return nextOccurrenceOf(schedule.rrule ?? '', now);
}

/** Moves a campaign through its lifecycle: launch (scheduled), pause, resume, cancel; 409 lists what is allowed. */
export async function changeCampaignStatus(ctx: Ctx, id: string, action: 'launch' | 'pause' | 'resume' | 'cancel', now = new Date()) {
  return ctx.db.orm.transaction(async (tx) => {
    const before = await findCampaign(tx, ctx, id, writePermission);
    const to: CampaignStatus =
      action === 'launch' ? 'scheduled' : action === 'pause' ? 'paused' : action === 'cancel' ? 'cancelled' : before.currentRun ? 'sending' : 'scheduled';
    assertCampaignTransition(before.status, to);
    const nextRunAt = action === 'launch' ? firstRunAt(before.schedule, now) : before.nextRunAt;
    if (action === 'launch' && !nextRunAt) throw new AppError('invalid', 'the schedule has no occurrence after now');
    const [row] = await tx.update(campaigns).set({ status: to, nextRunAt, updatedAt: now }).where(eq(campaigns.id, id)).returning();
    if (to === 'cancelled') {
      // Queued messages of a cancelled campaign never go out; the people of its unsent slices are recorded as skipped.
      await tx.execute(sql`UPDATE marketing_messages SET status = 'skipped', skip_reason = 'cancelled' WHERE campaign_id = ${id} AND status = 'queued'`);
      const key = sql`s.campaign_id || ':' || s.run || ':' || p.profile_id`;
      await tx.execute(sql`
        WITH gone AS (DELETE FROM campaign_run_slices WHERE campaign_id = ${id} RETURNING *)
        INSERT INTO marketing_messages (id, tenant_id, campaign_id, run, profile_id, variant, channel_id, idempotency_key, status, skip_reason, due_at, store_id)
        SELECT ${messageIdSql(key)}, s.tenant_id, s.campaign_id, s.run, p.profile_id, p.variant, ${before.channelId}, ${key}, 'skipped', 'cancelled', s.due_at, p.store_id
        FROM gone s, unnest(s.profile_ids, s.variants, s.store_ids) AS p(profile_id, variant, store_id)
        ON CONFLICT (idempotency_key) DO NOTHING`);
    }
    await recordAudit(
      tx,
      ctx.actor,
      { action: `campaign.${action}`, entityType: 'campaign', entityId: id, orgPath: row.orgPath, before: { status: before.status }, after: { status: to } },
      ctx.meta,
    );
    await publishEvent(tx, ctx.actor.tenantId, `campaign.${to}`, { campaignId: id, name: row.name });
    return shownCampaign(row);
  });
}

/** The builder's audience figures for a campaign: size, holdout, without consent, over the cap, reachable now. */
export async function campaignAudience(ctx: Ctx, id: string, now = new Date()) {
  const c = await findCampaign(ctx.db.orm, ctx, id);
  const channel = await findChannel(ctx.db.orm, ctx.actor.tenantId, c.channelId);
  return estimateAudience(
    ctx.db.orm,
    {
      tenantId: ctx.actor.tenantId,
      orgPath: c.orgPath,
      includeSegments: c.includeSegments,
      excludeSegments: c.excludeSegments,
      campaignId: c.id,
      holdoutPercent: c.holdoutPercent,
      purpose: c.purpose,
      consentChannel: consentChannelOf(channel),
      channelId: channel.id,
      capMax: channel.capMax,
      capDays: channel.capDays,
    },
    now,
  );
}
