// A journey's send step: one message row per (journey, enrollment, step) under the messages' unique idempotency key,
// claimed before it is handed over, so a retried step finds the message it made and never sends twice. Consent,
// frequency cap, quiet hours, personalisation, tracked links and the channel adapters are the campaigns' own.
import { sql } from 'drizzle-orm';
import type { Database } from '../../kernel/db.ts';
import type { Logger } from '../../kernel/logger.ts';
import { consentSql, recentSendsSql } from './campaign-audience.ts';
import { consentChannelOf } from './channel-settings.ts';
import type { AdapterCache } from './channels/registry.ts';
import type { journeys } from './journeys-schema.ts';
import { maxAttempts, retryDelayMs } from './message-delivery.ts';
import { loadRecipients } from './personalisation.ts';
import { marketingChannels, marketingTemplates } from './schema.ts';
import { nextSendTime } from './send-timing.ts';
import { checkTemplate, type ParsedTemplate, renderTemplate, type TemplateVocabulary } from './template-language.ts';
import { emailHtml, trackLinks, unsubscribeLink } from './tracking-links.ts';

/** What a send step needs. */
export interface JourneySendDeps {
  db: Database;
  log: Logger;
  adapters: AdapterCache;
  publicUrl: string;
  clock: { now(): Date };
}

/** What came of a send step: done (sent, skipped with the reason, failed for good), or try again at a time (quiet hours, a retry). */
export type SendStepResult =
  | { done: true; outcome: 'sent' | 'skipped' | 'failed'; detail: string | null; messageId: string }
  | { done: false; at: Date; detail: string };

type JourneyRecord = typeof journeys.$inferSelect;
type Existing = { id: string; status: string; due_at: string; skip_reason: string | null; error: string | null };

/** Templates were checked when saved; a computed trait deleted since renders empty rather than failing the step. */
const lenient: TemplateVocabulary = { computed: { has: () => true } as unknown as ReadonlySet<string> };

/** The message's key: a retried step, or a second node running the same step, finds the row the first one made. */
export const journeyMessageKey = (journeyId: string, enrollmentId: string, stepId: string) => `jny:${journeyId}:${enrollmentId}:${stepId}`;

function settled(m: Existing, now: Date): SendStepResult {
  if (m.status === 'sent' || m.status === 'delivered' || m.status === 'bounced') return { done: true, outcome: 'sent', detail: null, messageId: m.id };
  if (m.status === 'skipped') return { done: true, outcome: 'skipped', detail: m.skip_reason, messageId: m.id };
  if (m.status === 'failed') return { done: true, outcome: 'failed', detail: m.error, messageId: m.id };
  // Queued for later, or being sent by another pass (one that died mid-send is requeued by the send loop's sweep).
  const due = new Date(m.due_at);
  return { done: false, at: due > now ? due : new Date(now.getTime() + 60_000), detail: m.status === 'queued' ? 'queued' : 'sending' };
}

type ChannelRecord = typeof marketingChannels.$inferSelect;
type Parsed = { channel: ChannelRecord; body: ParsedTemplate | null; subject: ParsedTemplate | null };

/** Channels with their parsed templates, kept a second: a trigger burst parses each template once, a change shows within a second. */
const parsed = new Map<string, { at: number; value: Promise<Parsed | null> }>();

function channelAndTemplate(db: Database, channelId: string, templateId: string): Promise<Parsed | null> {
  const key = `${channelId}|${templateId}`;
  const hit = parsed.get(key);
  if (hit && Date.now() - hit.at < 1000) return hit.value;
  const value = (async () => {
    const [[channel], [tpl]] = await Promise.all([
      db.orm.select().from(marketingChannels).where(sql`${marketingChannels.id} = ${channelId}`),
      db.orm.select().from(marketingTemplates).where(sql`${marketingTemplates.id} = ${templateId}`),
    ]);
    if (!channel || !tpl) return null;
    const body = checkTemplate(tpl.body, lenient);
    const subject = tpl.subject ? checkTemplate(tpl.subject, lenient) : null;
    return { channel, body: body.ok ? body.template : null, subject: subject?.ok ? subject.template : null };
  })();
  parsed.set(key, { at: Date.now(), value });
  value.catch(() => parsed.delete(key));
  return value;
}

/** Runs a send step for one person: plans the message once, then hands it over at most once. */
export async function runSendStep(
  deps: JourneySendDeps,
  j: JourneyRecord,
  e: { id: string; profileId: string },
  step: { id: string; channelId: string; templateId: string },
  now: Date,
): Promise<SendStepResult> {
  const { db } = deps;
  const key = journeyMessageKey(j.id, e.id, step.id);
  const find = async () =>
    (await db.orm.execute<Existing>(sql`SELECT id, status, due_at, skip_reason, error FROM marketing_messages WHERE idempotency_key = ${key}`)).rows[0];
  // The person, the channel and template, and their consent and count within the cap — read at send time, together:
  // a withdrawal or another campaign's send a second ago counts.
  const [recipients, lookup] = await Promise.all([
    loadRecipients(db.orm, j.tenantId, [e.profileId], now, deps.publicUrl),
    channelAndTemplate(db, step.channelId, step.templateId),
  ]);
  const recipient = recipients.get(e.profileId);
  const ch = lookup?.channel;
  const check = ch
    ? db.orm.execute<{ consented: boolean; recent: number }>(sql`
        SELECT ${consentSql(sql`${e.profileId}::text`, j.purpose, consentChannelOf(ch))} AS consented,
          ${recentSendsSql(sql`${e.profileId}::text`, ch.id, ch.capDays, now)}::int AS recent`)
    : undefined;
  const at = recipient ? nextSendTime(now, recipient.timeZone, j.quietStart, j.quietEnd) : now;
  const made = await db.orm.execute<Existing>(sql`
    INSERT INTO marketing_messages (id, tenant_id, campaign_id, run, profile_id, variant, channel_id, idempotency_key, status, due_at, store_id)
    VALUES ('msg_' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 20), ${j.tenantId}, ${j.id}, ${`journey:${step.id}`}, ${e.profileId}, ${step.id},
      ${step.channelId}, ${key}, 'queued', ${at.toISOString()}::timestamptz, ${recipient?.storeId ?? null})
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, status, due_at, skip_reason, error`);
  // A retried step finds the message its first run made.
  const m = made.rows[0] ?? ((await find()) as Existing);
  const checked = (await check)?.rows[0];
  if (m.status !== 'queued' || new Date(m.due_at) > now) return settled(m, now);
  const skip = async (reason: string): Promise<SendStepResult> => {
    await db.orm.execute(sql`UPDATE marketing_messages SET status = 'skipped', skip_reason = ${reason} WHERE id = ${m.id} AND status = 'queued'`);
    return settled((await find()) as Existing, now);
  };
  if (!lookup || !ch || !checked) return skip('campaign_or_channel_gone');
  if (!recipient) return skip('profile_gone');
  if (!checked.consented) return skip('no_consent');
  if (ch.capMax !== null && checked.recent >= ch.capMax) return skip('frequency_cap');
  if (!ch.active) return { done: false, at: new Date(now.getTime() + retryDelayMs(1)), detail: 'channel_inactive' };
  const adapter = deps.adapters.get(ch);
  const to = recipient.addresses[adapter.address];
  if (!to) return skip('no_address');
  if (!lookup.body) return skip('template_gone');
  // The claim: only the pass that moves the row from queued to sending hands it over.
  const claimed = await db.orm.execute<{ attempts: number }>(sql`
    UPDATE marketing_messages SET status = 'sending', attempts = attempts + 1, sent_at = ${now.toISOString()}::timestamptz
    WHERE id = ${m.id} AND status = 'queued' RETURNING attempts`);
  if (claimed.rows.length === 0) return settled((await find()) as Existing, now);
  const attempts = claimed.rows[0].attempts;
  const base = deps.publicUrl.replace(/\/$/, '');
  const values = { ...recipient.values, campaign: { name: j.name }, links: { unsubscribe: unsubscribeLink(base, ch.secret, m.id) } };
  const text = trackLinks(renderTemplate(lookup.body, values), base, ch.secret, m.id);
  const subjectText = lookup.subject ? renderTemplate(lookup.subject, values) : null;
  if (text.includes('{{') || subjectText?.includes('{{')) return skip('unrendered');
  const outcome = await adapter.send({
    id: m.id,
    to,
    subject: subjectText,
    body: text,
    html: adapter.address === 'email' ? emailHtml(text, base, m.id) : undefined,
    profileId: e.profileId,
    campaignId: j.id,
  });
  // The hand-over time, not the pass's: what the trigger latency is measured to.
  const handed = deps.clock.now();
  if (outcome.ok) {
    await db.orm.execute(sql`UPDATE marketing_messages SET status = 'sent', recipient = ${to}, subject = ${subjectText}, body = ${text},
      provider_id = ${outcome.providerId}, sent_at = ${handed.toISOString()}::timestamptz WHERE id = ${m.id}`);
    return { done: true, outcome: 'sent', detail: null, messageId: m.id };
  }
  const again = !outcome.permanent && attempts < maxAttempts;
  const due = new Date(now.getTime() + retryDelayMs(attempts));
  await db.orm.execute(sql`UPDATE marketing_messages SET status = ${again ? 'queued' : 'failed'}, recipient = ${to}, subject = ${subjectText}, body = ${text},
    error = ${outcome.error}, sent_at = NULL, due_at = ${again ? due.toISOString() : m.due_at}::timestamptz WHERE id = ${m.id}`);
  return again ? { done: false, at: due, detail: `retry: ${outcome.error}` } : { done: true, outcome: 'failed', detail: outcome.error, messageId: m.id };
}
