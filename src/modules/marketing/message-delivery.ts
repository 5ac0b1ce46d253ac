import { inArray, sql } from 'drizzle-orm';
import type { Database } from '../../kernel/db.ts';
import type { Logger } from '../../kernel/logger.ts';
import { consentSql } from './campaign-audience.ts';
import type { AdapterCache } from './channels/registry.ts';
import { loadRecipients, type Recipient } from './personalisation.ts';
import { campaigns, marketingChannels, marketingTemplates } from './schema.ts';
import { checkTemplate, type ParsedTemplate, renderTemplate, type TemplateVocabulary } from './template-language.ts';
import { emailHtml, trackLinks, unsubscribeLink } from './tracking-links.ts';

/** How many times a message is tried before it lands in the dead-letter list (status failed, replayable). */
export const maxAttempts = 5;

/** What the send loop needs. */
export interface DeliveryDeps {
  db: Database;
  log: Logger;
  adapters: AdapterCache;
  /** The public base URL of tracked links, pixels and store pages. */
  publicUrl: string;
}

interface Claimed {
  id: string;
  campaign_id: string;
  profile_id: string;
  variant: string;
  channel_id: string;
  attempts: number;
  consented: boolean;
  recent: number;
}

/** One message's result, written back in one statement per batch. */
interface Result {
  id: string;
  status: 'sent' | 'queued' | 'failed' | 'skipped';
  reason: string | null;
  recipient: string | null;
  subject: string | null;
  body: string | null;
  providerId: string | null;
  error: string | null;
  dueAt: Date | null;
}

/** Backoff before try n+1: 1, 4, 16, 64 minutes. */
export const retryDelayMs = (attempts: number) => 60_000 * 4 ** Math.max(0, attempts - 1);

/**
 * Claims due messages of sending campaigns, at most each campaign's rate per minute minus what it handed over in the
 * last minute (`FOR UPDATE SKIP LOCKED`: nodes share the work), and marks them `sending`. Consent and the
 * frequency cap are read in the same statement, at send time.
 */
async function claim(db: Database, now: Date, batch: number): Promise<Claimed[]> {
  const iso = now.toISOString();
  const r = await db.orm.execute<Omit<Claimed, 'consented' | 'recent'>>(sql`
    WITH budget AS (
      SELECT c.id, CASE WHEN c.rate_per_minute >= 1000000 THEN c.rate_per_minute
        ELSE c.rate_per_minute - (SELECT count(*) FROM marketing_messages x WHERE x.campaign_id = c.id
          AND x.sent_at > ${iso}::timestamptz - interval '1 minute')::int END AS left_now
      FROM campaigns c WHERE c.status = 'sending'
    ), due AS (
      SELECT m.id FROM budget b CROSS JOIN LATERAL (
        SELECT m.id FROM marketing_messages m WHERE m.campaign_id = b.id AND m.status = 'queued' AND m.due_at <= ${iso}::timestamptz
        ORDER BY m.due_at LIMIT GREATEST(LEAST(b.left_now, ${batch}), 0) FOR UPDATE SKIP LOCKED) m
      LIMIT ${batch}
    )
    UPDATE marketing_messages m SET status = 'sending', attempts = m.attempts + 1, sent_at = ${iso}::timestamptz
    FROM due WHERE m.id = due.id
    RETURNING m.id, m.campaign_id, m.profile_id, m.variant, m.channel_id, m.attempts`);
  if (r.rows.length === 0) return [];
  // Consent for the campaign's purpose on the channel, and the person's sends on the channel inside its cap window,
  // read now: a withdrawal or a send by another campaign a second ago counts. Earlier claims of this batch count too.
  const checks = await db.orm.execute<{ id: string; consented: boolean; recent: number }>(sql`
    SELECT m.id, ${consentSql(sql`m.profile_id`, sql`c.purpose`, sql`ch.consent_channel`)} AS consented,
      (SELECT count(*) FROM marketing_messages mm WHERE mm.profile_id = m.profile_id AND mm.channel_id = m.channel_id AND mm.id <> m.id
        AND (mm.status IN ('sent', 'delivered') OR (mm.status = 'sending' AND mm.id < m.id))
        AND mm.sent_at > ${iso}::timestamptz - make_interval(days => ch.cap_days))::int AS recent
    FROM marketing_messages m JOIN campaigns c ON c.id = m.campaign_id
    JOIN (SELECT id, cap_days, CASE WHEN kind IN ('sink', 'webhook') AND settings ? 'consentChannel' THEN settings->>'consentChannel' ELSE kind END AS consent_channel
          FROM marketing_channels) ch ON ch.id = m.channel_id
    WHERE m.id = ANY(${sql.param(r.rows.map((row) => row.id))}::text[])`);
  const byId = new Map(checks.rows.map((row) => [row.id, row]));
  return r.rows.map((row) => ({ ...row, consented: byId.get(row.id)?.consented ?? false, recent: byId.get(row.id)?.recent ?? 0 }));
}

/** Parsed templates of a batch (templates were checked when saved; a later-deleted computed trait renders empty). */
async function templatesOf(db: Database, ids: string[]): Promise<Map<string, { subject: ParsedTemplate | null; body: ParsedTemplate }>> {
  const rows = await db.orm.select().from(marketingTemplates).where(inArray(marketingTemplates.id, ids));
  const lenient: TemplateVocabulary = { computed: { has: () => true } as unknown as ReadonlySet<string> };
  const out = new Map<string, { subject: ParsedTemplate | null; body: ParsedTemplate }>();
  for (const t of rows) {
    const body = checkTemplate(t.body, lenient);
    const subject = t.subject ? checkTemplate(t.subject, lenient) : null;
    if (body.ok) out.set(t.id, { body: body.template, subject: subject?.ok ? subject.template : null });
  }
  return out;
}

/** Sends one batch of due messages; answers how many were handed over. */
export async function deliverDue(deps: DeliveryDeps, now: Date, batch = 500): Promise<{ claimed: number; sent: number }> {
  const claimed = await claim(deps.db, now, batch);
  if (claimed.length === 0) return { claimed: 0, sent: 0 };
  const campaignIds = [...new Set(claimed.map((m) => m.campaign_id))];
  const cs = new Map((await deps.db.orm.select().from(campaigns).where(inArray(campaigns.id, campaignIds))).map((c) => [c.id, c]));
  const channelIds = [...new Set(claimed.map((m) => m.channel_id))];
  const chans = new Map((await deps.db.orm.select().from(marketingChannels).where(inArray(marketingChannels.id, channelIds))).map((c) => [c.id, c]));
  const templates = await templatesOf(deps.db, [...new Set([...cs.values()].flatMap((c) => c.variants.map((v) => v.templateId)))]);
  const tenantIds = [...new Set([...cs.values()].map((c) => c.tenantId))];
  const recipients = new Map<string, Recipient>();
  for (const t of tenantIds) {
    const ids = claimed.filter((m) => cs.get(m.campaign_id)?.tenantId === t).map((m) => m.profile_id);
    for (const [k, v] of await loadRecipients(deps.db.orm, t, ids, now, deps.publicUrl)) recipients.set(k, v);
  }
  const base = deps.publicUrl.replace(/\/$/, '');
  const results: Result[] = [];
  const skip = (id: string, reason: string): Result => ({
    id,
    status: 'skipped',
    reason,
    recipient: null,
    subject: null,
    body: null,
    providerId: null,
    error: null,
    dueAt: null,
  });
  const work = claimed.map((m) => async () => {
    const c = cs.get(m.campaign_id);
    const ch = chans.get(m.channel_id);
    const r = recipients.get(m.profile_id);
    if (!c || !ch) return results.push(skip(m.id, 'campaign_or_channel_gone'));
    if (!r) return results.push(skip(m.id, 'profile_gone'));
    if (!m.consented) return results.push(skip(m.id, 'no_consent'));
    if (ch.capMax !== null && m.recent >= ch.capMax) return results.push(skip(m.id, 'frequency_cap'));
    if (!ch.active) return results.push({ ...skip(m.id, ''), status: 'queued', reason: null, dueAt: new Date(now.getTime() + retryDelayMs(1)) });
    const adapter = deps.adapters.get(ch);
    const to = r.addresses[adapter.address];
    if (!to) return results.push(skip(m.id, 'no_address'));
    const variant = c.variants.find((v) => v.key === m.variant) ?? c.variants[0];
    const tpl = templates.get(variant.templateId);
    if (!tpl) return results.push(skip(m.id, 'template_gone'));
    const values = { ...r.values, campaign: { name: c.name }, links: { unsubscribe: unsubscribeLink(base, ch.secret, m.id) } };
    const body = trackLinks(renderTemplate(tpl.body, values), base, ch.secret, m.id);
    const subject = tpl.subject ? renderTemplate(tpl.subject, values) : null;
    // The last guard: a hole that did not render never leaves (it cannot, by construction; this proves it).
    if (body.includes('{{') || subject?.includes('{{')) return results.push(skip(m.id, 'unrendered'));
    const outcome = await adapter.send({
      id: m.id,
      to,
      subject,
      body,
      html: adapter.address === 'email' ? emailHtml(body, base, m.id) : undefined,
      profileId: m.profile_id,
      campaignId: c.id,
    });
    if (outcome.ok)
      return results.push({ id: m.id, status: 'sent', reason: null, recipient: to, subject, body, providerId: outcome.providerId, error: null, dueAt: null });
    const again = !outcome.permanent && m.attempts < maxAttempts;
    results.push({
      id: m.id,
      status: again ? 'queued' : 'failed',
      reason: null,
      recipient: to,
      subject,
      body,
      providerId: null,
      error: outcome.error,
      dueAt: again ? new Date(now.getTime() + retryDelayMs(m.attempts)) : null,
    });
  });
  await runLimited(work, 32);
  await record(deps.db, results, now);
  return { claimed: claimed.length, sent: results.filter((x) => x.status === 'sent').length };
}

async function runLimited(tasks: (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
}

/** Writes a batch's results in one statement; a failed or skipped message gives back its cap slot (`sent_at` cleared). */
async function record(db: Database, rs: Result[], now: Date): Promise<void> {
  if (rs.length === 0) return;
  const col = <T>(f: (r: Result) => T) => sql.param(rs.map(f));
  await db.orm.execute(sql`
    UPDATE marketing_messages m SET status = x.status, skip_reason = x.reason, recipient = COALESCE(x.recipient, m.recipient), subject = COALESCE(x.subject, m.subject),
      body = COALESCE(x.body, m.body), provider_id = x.provider_id, error = x.error,
      due_at = COALESCE(x.due_at, m.due_at), sent_at = CASE WHEN x.status = 'sent' THEN ${now.toISOString()}::timestamptz ELSE NULL END
    FROM unnest(${col((r) => r.id)}::text[], ${col((r) => r.status)}::text[], ${col((r) => r.reason)}::text[], ${col((r) => r.recipient)}::text[],
      ${col((r) => r.subject)}::text[], ${col((r) => r.body)}::text[], ${col((r) => r.providerId)}::text[], ${col((r) => r.error)}::text[],
      ${col((r) => r.dueAt?.toISOString() ?? null)}::timestamptz[]) AS x(id, status, reason, recipient, subject, body, provider_id, error, due_at)
    WHERE m.id = x.id`);
}

/** Messages left `sending` by a node that stopped mid-batch go back to the queue (the provider's idempotency key is the message id). */
export async function requeueStuck(db: Database, now: Date, olderThanMs = 10 * 60_000): Promise<number> {
  const r = await db.orm.execute(sql`UPDATE marketing_messages SET status = 'queued', sent_at = NULL
    WHERE status = 'sending' AND sent_at < ${new Date(now.getTime() - olderThanMs).toISOString()}::timestamptz`);
  return r.rowCount ?? 0;
}
