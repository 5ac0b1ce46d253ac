import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams, page, pageQuery } from '../../kernel/schemas.ts';
import { assertProfileInScope } from './campaign-audience.ts';
import { body, campaign, results, credited, profileMessage } from './campaign-schemas.ts';
import { campaignAudience, changeCampaignStatus, createCampaign, findCampaign, listCampaigns, shownCampaign, updateCampaign } from './campaigns.ts';
import { assertCampaignTransition } from './campaign-states.ts';
import { readPermission } from './channels.ts';
import type { AdapterCache } from './channels/registry.ts';
import { type AttributionModel, attribution, campaignResults, messagesOfProfile } from './results.ts';
import { writePermission } from './templates.ts';
import { testSend } from './test-send.ts';
import { type AdFormat, exportAdAudience } from './ad-audiences.ts';
import { recordAudit } from '../../kernel/audit.ts';

/** Campaigns, their audience, test sends, results and attribution under /api/v1/marketing. */
export function campaignRoutes(deps: Deps, adapters: AdapterCache, publicUrl: string, kick: () => void) {
  const { db } = deps;
  return async (app: HttpApp) => {
    const tags = ['marketing'];
    app.get(
      '/marketing/campaigns',
      {
        schema: {
          tags,
          summary: 'Campaigns the caller may see, newest first',
          querystring: z.object({ status: z.enum(['draft', 'scheduled', 'sending', 'paused', 'completed', 'cancelled']).optional(), ...pageQuery }),
          response: { 200: page(campaign), ...errors },
        },
      },
      async (req) => listCampaigns(ctxOf(db, req), req.query),
    );
    app.post(
      '/marketing/campaigns',
      { schema: { tags, summary: 'Create a draft campaign', body, response: { 201: campaign, ...errors } } },
      async (req, reply) => reply.status(201).send(await createCampaign(ctxOf(db, req), req.body)),
    );
    app.get(
      '/marketing/campaigns/:id',
      { schema: { tags, summary: 'One campaign', params: idParams, response: { 200: campaign, ...errors } } },
      async (req) => {
        const ctx = ctxOf(db, req);
        return shownCampaign(await findCampaign(db.orm, ctx, req.params.id));
      },
    );
    app.patch(
      '/marketing/campaigns/:id',
      {
        schema: {
          tags,
          summary: 'Change a draft or paused campaign',
          params: idParams,
          body: body.omit({ orgUnitId: true }).partial(),
          response: { 200: campaign, ...errors },
        },
      },
      async (req) => updateCampaign(ctxOf(db, req), req.params.id, req.body),
    );
    for (const action of ['launch', 'pause', 'resume', 'cancel'] as const) {
      app.post(
        `/marketing/campaigns/:id/${action}`,
        {
          schema: {
            tags,
            summary: `${action[0].toUpperCase()}${action.slice(1)} a campaign (409 lists the allowed moves)`,
            params: idParams,
            response: { 200: campaign, ...errors },
          },
        },
        async (req) => {
          const row = await changeCampaignStatus(ctxOf(db, req), req.params.id, action);
          if (action === 'launch' || action === 'resume') kick();
          return row;
        },
      );
    }
    app.post(
      '/marketing/campaigns/:id/replay-failed',
      {
        schema: {
          tags,
          summary: "Send a campaign's dead letters (failed messages) again",
          params: idParams,
          response: { 200: z.object({ requeued: z.number() }), ...errors },
        },
      },
      async (req) => {
        const ctx = ctxOf(db, req);
        const requeued = await db.orm.transaction(async (tx) => {
          const c = await findCampaign(tx, ctx, req.params.id, writePermission);
          if (c.status === 'completed') assertCampaignTransition('completed', 'sending');
          const r = await tx.execute(sql`UPDATE marketing_messages SET status = 'queued', attempts = 0, error = NULL, sent_at = NULL, due_at = now()
            WHERE campaign_id = ${c.id} AND run = ${c.currentRun ?? ''} AND status = 'failed'`);
          const n = r.rowCount ?? 0;
          if (n > 0 && c.status === 'completed') await tx.execute(sql`UPDATE campaigns SET status = 'sending', updated_at = now() WHERE id = ${c.id}`);
          await recordAudit(
            tx,
            ctx.actor,
            { action: 'campaign.replayed', entityType: 'campaign', entityId: c.id, orgPath: c.orgPath, after: { requeued: n } },
            ctx.meta,
          );
          return n;
        });
        kick();
        return { requeued };
      },
    );
    app.get(
      '/marketing/campaigns/:id/audience',
      {
        schema: {
          tags,
          summary: 'Audience size after holdout, consent and frequency caps, as a send now would see it',
          params: idParams,
          response: {
            200: z.object({ audience: z.number(), holdout: z.number(), noConsent: z.number(), capped: z.number(), reachable: z.number() }),
            ...errors,
          },
        },
      },
      async (req) => campaignAudience(ctxOf(db, req), req.params.id),
    );
    app.post(
      '/marketing/campaigns/:id/test-send',
      {
        schema: {
          tags,
          summary: 'Send one variant, rendered for a chosen person, to them or to a given address',
          params: idParams,
          body: z.strictObject({ profileId: z.string().min(1).max(64), variant: z.string().max(20).optional(), to: z.string().min(3).max(300).optional() }),
          response: {
            200: z.object({
              messageId: z.string(),
              to: z.string(),
              subject: z.string().nullable(),
              body: z.string(),
              ok: z.boolean(),
              error: z.string().nullable(),
            }),
            ...errors,
          },
        },
      },
      async (req) => testSend(ctxOf(db, req), adapters, publicUrl, req.params.id, req.body),
    );
    app.get(
      '/marketing/campaigns/:id/results',
      { schema: { tags, summary: 'Funnel, revenue, holdout lift and A/B significance', params: idParams, response: { 200: results, ...errors } } },
      async (req) => campaignResults(ctxOf(db, req), req.params.id),
    );
    app.get(
      '/marketing/attribution',
      {
        schema: {
          tags,
          summary: 'Orders credited to campaign touches (last touch, first touch, linear): revenue by campaign, channel and store',
          querystring: z.object({
            from: z.coerce.date(),
            to: z.coerce.date(),
            model: z.enum(['last_touch', 'first_touch', 'linear']).default('last_touch'),
            days: z.coerce.number().int().min(1).max(90).default(7),
          }),
          response: {
            200: z.object({ model: z.string(), days: z.number(), from: z.date(), to: z.date(), byCampaign: credited, byChannel: credited, byStore: credited }),
            ...errors,
          },
        },
      },
      async (req) => attribution(ctxOf(db, req), { ...req.query, model: req.query.model as AttributionModel }),
    );
    app.get(
      '/marketing/audiences/:id/export',
      {
        schema: {
          tags,
          summary: "A segment as an ad platform's customer list: consented people's normalised e-mails and phones, SHA-256-hashed (CSV)",
          params: idParams,
          querystring: z.object({
            format: z.enum(['google', 'meta', 'tiktok']).default('google'),
            purpose: z
              .string()
              .regex(/^[a-z][a-z0-9_]{0,39}$/)
              .default('advertising'),
          }),
        },
      },
      async (req, reply) => {
        const stream = await exportAdAudience(ctxOf(db, req), req.params.id, req.query.format as AdFormat, req.query.purpose);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="audience-${req.params.id}-${req.query.format}.csv"`)
          .send(stream);
      },
    );
    app.get(
      '/marketing/profiles/:id/messages',
      {
        schema: {
          tags,
          summary: 'Messages sent to one person (their profile page)',
          params: idParams,
          response: { 200: z.object({ data: z.array(profileMessage) }), ...errors },
        },
      },
      async (req) => {
        const ctx = ctxOf(db, req);
        await assertProfileInScope(db.orm, ctx.actor, req.params.id, readPermission);
        return messagesOfProfile(ctx, req.params.id);
      },
    );
  };
}
