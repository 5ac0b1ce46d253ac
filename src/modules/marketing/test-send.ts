import { sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import type { Ctx } from '../../kernel/context.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { assertProfileInScope } from './campaign-audience.ts';
import { findCampaign } from './campaigns.ts';
import { findChannel } from './channels.ts';
import type { AdapterCache } from './channels/registry.ts';
import { loadRecipients } from './personalisation.ts';
import { findTemplate, parseTemplateParts, vocabularyOf, writePermission } from './templates.ts';
import { renderTemplate } from './template-language.ts';
import { emailHtml, trackLinks, unsubscribeLink } from './tracking-links.ts';

/**
 * Sends one variant of a campaign, rendered for a chosen person, through the campaign's channel: to that person's
 * address, or to `to` (the marketer's own phone or inbox). Recorded as a `test` message: never counted against caps
 * or in results. Consent is not checked (a test goes to the person testing); the answer says what was sent.
 */
export async function testSend(
  ctx: Ctx,
  adapters: AdapterCache,
  publicUrl: string,
  campaignId: string,
  input: { profileId: string; variant?: string; to?: string },
) {
  const c = await findCampaign(ctx.db.orm, ctx, campaignId, writePermission);
  await assertProfileInScope(ctx.db.orm, ctx.actor, input.profileId, writePermission);
  const variant = input.variant ? c.variants.find((v) => v.key === input.variant) : c.variants[0];
  if (!variant)
    throw new AppError('invalid', `unknown variant ${input.variant}`, {
      issues: [{ path: 'body.variant', message: `one of ${c.variants.map((v) => v.key).join(', ')}` }],
    });
  const channel = await findChannel(ctx.db.orm, ctx.actor.tenantId, c.channelId);
  const template = await findTemplate(ctx.db.orm, ctx.actor.tenantId, variant.templateId);
  const parsed = parseTemplateParts(await vocabularyOf(ctx.db.orm, ctx.actor.tenantId), template);
  const now = new Date();
  const r = (await loadRecipients(ctx.db.orm, ctx.actor.tenantId, [input.profileId], now, publicUrl)).get(input.profileId);
  if (!r) notFound('profile', input.profileId);
  const adapter = adapters.get(channel);
  const to = input.to ?? r.addresses[adapter.address];
  if (!to)
    throw new AppError('invalid', `the person has no ${adapter.address} to send to; give "to"`, {
      issues: [{ path: 'body.to', message: 'required for this person' }],
    });
  const id = newId('msg');
  const base = publicUrl.replace(/\/$/, '');
  const values = { ...r.values, campaign: { name: c.name }, links: { unsubscribe: unsubscribeLink(base, channel.secret, id) } };
  const body = trackLinks(renderTemplate(parsed.body, values), base, channel.secret, id);
  const subject = parsed.subject ? renderTemplate(parsed.subject, values) : null;
  const outcome = await adapter.send({
    id,
    to,
    subject,
    body,
    html: adapter.address === 'email' ? emailHtml(body, base, id) : undefined,
    profileId: r.profileId,
    campaignId: c.id,
  });
  await ctx.db.orm.transaction(async (tx) => {
    await tx.execute(sql`INSERT INTO marketing_messages (id, tenant_id, campaign_id, run, profile_id, variant, channel_id, idempotency_key, status, due_at, recipient, subject, body,
        provider_id, error, attempts, sent_at)
      VALUES (${id}, ${ctx.actor.tenantId}, ${c.id}, 'test', ${r.profileId}, ${variant.key}, ${channel.id}, ${`test:${id}`}, ${outcome.ok ? 'test' : 'failed'}, now(), ${to}, ${subject}, ${body},
        ${outcome.ok ? outcome.providerId : null}, ${outcome.ok ? null : outcome.error}, 1, now())`);
    await recordAudit(
      tx,
      ctx.actor,
      {
        action: 'campaign.test_sent',
        entityType: 'campaign',
        entityId: c.id,
        orgPath: c.orgPath,
        after: { messageId: id, profileId: r.profileId, to, ok: outcome.ok },
      },
      ctx.meta,
    );
  });
  return { messageId: id, to, subject, body, ok: outcome.ok, error: outcome.ok ? null : outcome.error };
}
