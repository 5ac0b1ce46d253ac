import { createHash } from 'node:crypto';
import { inArray, type SQL, sql } from 'drizzle-orm';
import type { Database, Executor, Tx } from '../../kernel/db.ts';
import type { Logger } from '../../kernel/logger.ts';
import { consentSql } from './campaign-audience.ts';
import type { AdapterCache } from './channels/registry.ts';
import { loadRecipients, type Recipient } from './personalisation.ts';
import { campaigns, marketingChannels, marketingTemplates } from './schema.ts';
import { type CompiledTemplate, checkTemplate, compileTemplate, type TemplateVocabulary } from './template-language.ts';
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

type Claimed = {
  id: string;
  campaign_id: string;
  profile_id: string;
  variant: string;
  channel_id: string;
  /** Tries so far, this one included. */
  attempts: number;
  consented: boolean;
  /** The person's committed hand-overs on the channel inside its cap window (every campaign). */
  recent: number;
};

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
  attempts: number;
}

/** Backoff before try n+1: 1, 4, 16, 64 minutes. */
export const retryDelayMs = (attempts: number) => 60_000 * 4 ** Math.max(0, attempts - 1);

/** The advisory-lock namespace of capped channels (`pg_try_advisory_xact_lock(namespace, hashtext(channel id))`). */
const cappedChannelLock = 0x6d6b6361;

/**
 * Sending campaigns with what each may still hand over this minute (its rate per minute less its hand-overs of the
 * last minute), its purpose, consent channel and cap window. A channel with a cap is sent by one transaction at a time
 * across all nodes (an advisory lock held to commit), so a person's in-flight message on it is never invisible to
 * another sender's cap count; campaigns whose channel another transaction holds are left out.
 */
function budgetSql(iso: string) {
  return sql`SELECT c.id, c.rate_per_minute, c.purpose, ch.cap_days,
      CASE WHEN ch.kind IN ('sink', 'webhook') AND ch.settings ? 'consentChannel' THEN ch.settings->>'consentChannel' ELSE ch.kind END AS consent_channel,
      CASE WHEN c.rate_per_minute >= 1000000 THEN c.rate_per_minute
        ELSE c.rate_per_minute - (SELECT count(*) FROM marketing_messages x WHERE x.campaign_id = c.id
          AND x.sent_at > ${iso}::timestamptz - interval '1 minute')::int END AS left_now
    FROM campaigns c JOIN marketing_channels ch ON ch.id = c.channel_id
    WHERE c.status = 'sending' AND (ch.cap_max IS NULL OR pg_try_advisory_xact_lock(${cappedChannelLock}::int, hashtext(ch.id)))`;
}

/** A person's consent for the campaign's purpose on the channel, and their hand-overs on it inside its cap window, read now. */
function checksSql(profile: SQL, channel: SQL, iso: string) {
  return sql`${consentSql(profile, sql`b.purpose`, sql`b.consent_channel`)} AS consented,
    (SELECT count(*) FROM marketing_messages mm WHERE mm.profile_id = ${profile} AND mm.channel_id = ${channel}
      AND mm.status IN ('sending', 'sent', 'delivered') AND mm.sent_at > ${iso}::timestamptz - make_interval(days => b.cap_days))::int AS recent`;
}

/**
 * Locks queued message rows due now — retries and replayed dead letters — within each campaign's budget
 * (`FOR UPDATE SKIP LOCKED`: lanes and nodes share the work), with consent and the cap count read at send time.
 */
async function claimQueued(tx: Tx, now: Date, batch: number): Promise<Claimed[]> {
  const iso = now.toISOString();
  const r = await tx.execute<Claimed>(sql`
    WITH b AS (${budgetSql(iso)})
    SELECT m.id, m.campaign_id, m.profile_id, m.variant, m.channel_id, m.attempts + 1 AS attempts, ${checksSql(sql`m.profile_id`, sql`m.channel_id`, iso)}
    FROM b CROSS JOIN LATERAL (
      SELECT m.id, m.campaign_id, m.profile_id, m.variant, m.channel_id, m.attempts FROM marketing_messages m
      WHERE m.campaign_id = b.id AND m.status = 'queued' AND m.due_at <= ${iso}::timestamptz
      ORDER BY m.due_at LIMIT GREATEST(LEAST(b.left_now, ${batch}), 0) FOR UPDATE SKIP LOCKED) m
    LIMIT ${batch}`);
  return r.rows;
}

/** A run slice locked for sending. */
interface Slice {
  id: string;
  tenant_id: string;
  campaign_id: string;
  run: string;
  due_at: Date;
  channel_id: string;
  profile_ids: string[];
  variants: string[];
  store_ids: (string | null)[];
}

/**
 * Locks one due run slice of a sending campaign whose budget this minute covers it (`FOR UPDATE SKIP LOCKED`), and
 * reads its people's consent and cap counts in a second statement: each person's message as it would be claimed.
 */
async function claimSlice(tx: Tx, now: Date): Promise<{ slice: Slice; claimed: Claimed[] } | undefined> {
  const iso = now.toISOString();
  const r = await tx.execute<Slice & Record<string, unknown>>(sql`
    WITH b AS (${budgetSql(iso)})
    SELECT s.id, s.tenant_id, s.campaign_id, s.run, s.due_at, s.profile_ids, s.variants, s.store_ids, c.channel_id
    FROM b CROSS JOIN LATERAL (
      SELECT s.* FROM campaign_run_slices s
      WHERE s.campaign_id = b.id AND s.due_at <= ${iso}::timestamptz AND b.left_now >= LEAST(cardinality(s.profile_ids), b.rate_per_minute)
      ORDER BY s.due_at LIMIT 1 FOR UPDATE SKIP LOCKED) s
    JOIN campaigns c ON c.id = s.campaign_id
    LIMIT 1`);
  const slice = r.rows[0];
  if (!slice) return undefined;
  const checks = await tx.execute<{ profile_id: string; consented: boolean; recent: number }>(sql`
    SELECT p.profile_id, ${checksSql(sql`p.profile_id`, sql`${slice.channel_id}::text`, iso)}
    FROM (${budgetSql(iso)}) b, unnest(${sql.param(slice.profile_ids)}::text[]) AS p(profile_id)
    WHERE b.id = ${slice.campaign_id}`);
  const byProfile = new Map(checks.rows.map((c) => [c.profile_id, c]));
  const claimed = slice.profile_ids.map((profileId, i) => ({
    id: messageIdOf(`${slice.campaign_id}:${slice.run}:${profileId}`),
    campaign_id: slice.campaign_id,
    profile_id: profileId,
    variant: slice.variants[i],
    channel_id: slice.channel_id,
    attempts: 1,
    consented: byProfile.get(profileId)?.consented ?? false,
    recent: byProfile.get(profileId)?.recent ?? 0,
  }));
  return { slice, claimed };
}

/** A message's id from its idempotency key, as `messageIdSql` makes it in SQL. */
export function messageIdOf(key: string): string {
  return `msg_${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
}

/** A template compiled for the batch, and whether it reads the unsubscribe link (signed per message only then). */
interface BatchTemplate {
  subject: CompiledTemplate | null;
  body: CompiledTemplate;
  unsubscribe: boolean;
}

/** Compiled templates of a batch (templates were checked when saved; a later-deleted computed trait renders empty). */
async function templatesOf(db: Executor, ids: string[]): Promise<Map<string, BatchTemplate>> {
  const rows = await db.select().from(marketingTemplates).where(inArray(marketingTemplates.id, ids));
  const lenient: TemplateVocabulary = { computed: { has: () => true } as unknown as ReadonlySet<string> };
  const out = new Map<string, BatchTemplate>();
  for (const t of rows) {
    const body = checkTemplate(t.body, lenient);
    const subject = t.subject ? checkTemplate(t.subject, lenient) : null;
    if (!body.ok) continue;
    const reads = [...body.template.variables, ...(subject?.ok ? subject.template.variables : [])];
    out.set(t.id, {
      body: compileTemplate(body.template),
      subject: subject?.ok ? compileTemplate(subject.template) : null,
      unsubscribe: reads.includes('links.unsubscribe'),
    });
  }
  return out;
}

/**
 * Sends the next piece of work in one transaction: a due run slice (each person's message row written once, as sent,
 * skipped or queued for a retry, and the slice deleted), else a batch of queued rows (retries, replays) updated in
 * place. Locked, rendered, handed over, written back, committed: a message is counted sent only once that commit is
 * done; a crash before it leaves the slice or rows due again, and the retry hands the same message ids (the
 * provider's idempotency key) over again.
 */
export async function deliverDue(deps: DeliveryDeps, now: Date, batch = 500): Promise<{ claimed: number; sent: number }> {
  const fromSlice = await deps.db.orm.transaction(async (tx) => {
    const got = await claimSlice(tx, now);
    if (!got) return undefined;
    const results = await sendClaimed(deps, tx, got.claimed, now);
    await insertResults(tx, got.slice, results, now);
    return { claimed: got.claimed.length, sent: results.filter((x) => x.status === 'sent').length };
  });
  if (fromSlice) return fromSlice;
  return deps.db.orm.transaction(async (tx) => {
    const claimed = await claimQueued(tx, now, batch);
    if (claimed.length === 0) return { claimed: 0, sent: 0 };
    const results = await sendClaimed(deps, tx, claimed, now);
    await record(tx, results, now);
    return { claimed: claimed.length, sent: results.filter((x) => x.status === 'sent').length };
  });
}

/** Renders and hands over the claimed messages (32 in flight); answers each one's result. */
async function sendClaimed(deps: DeliveryDeps, tx: Tx, claimed: Claimed[], now: Date): Promise<Result[]> {
  const campaignIds = [...new Set(claimed.map((m) => m.campaign_id))];
  const cs = new Map((await tx.select().from(campaigns).where(inArray(campaigns.id, campaignIds))).map((c) => [c.id, c]));
  const channelIds = [...new Set(claimed.map((m) => m.channel_id))];
  const chans = new Map((await tx.select().from(marketingChannels).where(inArray(marketingChannels.id, channelIds))).map((c) => [c.id, c]));
  const templates = await templatesOf(tx, [...new Set([...cs.values()].flatMap((c) => c.variants.map((v) => v.templateId)))]);
  const recipients = new Map<string, Recipient>();
  for (const t of new Set([...cs.values()].map((c) => c.tenantId))) {
    const ids = claimed.filter((m) => cs.get(m.campaign_id)?.tenantId === t).map((m) => m.profile_id);
    for (const [k, v] of await loadRecipients(tx, t, ids, now, deps.publicUrl)) recipients.set(k, v);
  }
  const base = deps.publicUrl.replace(/\/$/, '');
  // Hand-overs to a person on a channel decided in this batch, on top of the committed ones the claim counted.
  const inBatch = new Map<string, number>();
  const results: Result[] = [];
  const done = (m: Claimed, r: Partial<Result> & Pick<Result, 'status'>): number =>
    results.push({ id: m.id, reason: null, recipient: null, subject: null, body: null, providerId: null, error: null, dueAt: null, attempts: m.attempts, ...r });
  const skip = (m: Claimed, reason: string) => done(m, { status: 'skipped', reason });
  const work = claimed.map((m) => async () => {
    const c = cs.get(m.campaign_id);
    const ch = chans.get(m.channel_id);
    const r = recipients.get(m.profile_id);
    if (!c || !ch) return skip(m, 'campaign_or_channel_gone');
    if (!r) return skip(m, 'profile_gone');
    if (!m.consented) return skip(m, 'no_consent');
    const capKey = `${m.profile_id}\n${m.channel_id}`;
    const planned = inBatch.get(capKey) ?? 0;
    if (ch.capMax !== null && m.recent + planned >= ch.capMax) return skip(m, 'frequency_cap');
    // An inactive channel keeps its messages queued (this try not counted).
    if (!ch.active) return done(m, { status: 'queued', dueAt: new Date(now.getTime() + retryDelayMs(1)), attempts: m.attempts - 1 });
    const adapter = deps.adapters.get(ch);
    const to = r.addresses[adapter.address];
    if (!to) return skip(m, 'no_address');
    const variant = c.variants.find((v) => v.key === m.variant) ?? c.variants[0];
    const tpl = templates.get(variant.templateId);
    if (!tpl) return skip(m, 'template_gone');
    const values = { ...r.values, campaign: { name: c.name }, links: tpl.unsubscribe ? { unsubscribe: unsubscribeLink(base, ch.secret, m.id) } : {} };
    const body = trackLinks(tpl.body(values), base, ch.secret, m.id);
    const subject = tpl.subject ? tpl.subject(values) : null;
    // The last guard: a hole that did not render never leaves (it cannot, by construction; this proves it).
    if (body.includes('{{') || subject?.includes('{{')) return skip(m, 'unrendered');
    inBatch.set(capKey, planned + 1);
    const outcome = await adapter.send({
      id: m.id,
      to,
      subject,
      body,
      html: adapter.address === 'email' ? emailHtml(body, base, m.id) : undefined,
      profileId: m.profile_id,
      campaignId: c.id,
    });
    if (outcome.ok) return done(m, { status: 'sent', recipient: to, subject, body, providerId: outcome.providerId });
    inBatch.set(capKey, (inBatch.get(capKey) ?? 1) - 1);
    const again = !outcome.permanent && m.attempts < maxAttempts;
    return done(m, {
      status: again ? 'queued' : 'failed',
      recipient: to,
      subject,
      body,
      error: outcome.error,
      dueAt: again ? new Date(now.getTime() + retryDelayMs(m.attempts)) : null,
    });
  });
  await runLimited(work, 32);
  return results;
}

async function runLimited(tasks: (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
}

/** Writes a batch's results in one statement; only a message handed over gets a `sent_at` (what caps and pace count). */
async function record(tx: Tx, rs: Result[], now: Date): Promise<void> {
  if (rs.length === 0) return;
  const col = <T>(f: (r: Result) => T) => sql.param(rs.map(f));
  await tx.execute(sql`
    UPDATE marketing_messages m SET status = x.status, attempts = x.attempts, skip_reason = x.reason, recipient = COALESCE(x.recipient, m.recipient), subject = COALESCE(x.subject, m.subject),
      body = COALESCE(x.body, m.body), provider_id = x.provider_id, error = x.error,
      due_at = COALESCE(x.due_at, m.due_at), sent_at = CASE WHEN x.status = 'sent' THEN ${now.toISOString()}::timestamptz ELSE NULL END
    FROM unnest(${col((r) => r.id)}::text[], ${col((r) => r.status)}::text[], ${col((r) => r.reason)}::text[], ${col((r) => r.recipient)}::text[],
      ${col((r) => r.subject)}::text[], ${col((r) => r.body)}::text[], ${col((r) => r.providerId)}::text[], ${col((r) => r.error)}::text[],
      ${col((r) => r.dueAt?.toISOString() ?? null)}::timestamptz[], ${col((r) => r.attempts)}::int[])
      AS x(id, status, reason, recipient, subject, body, provider_id, error, due_at, attempts)
    WHERE m.id = x.id`);
}

/** Writes a slice's results as its people's message rows in one statement, and deletes the slice. */
async function insertResults(tx: Tx, slice: Slice, rs: Result[], now: Date): Promise<void> {
  const store = new Map(slice.profile_ids.map((p, i) => [p, slice.store_ids[i]]));
  const variant = new Map(slice.profile_ids.map((p, i) => [p, slice.variants[i]]));
  const profileOf = new Map(slice.profile_ids.map((p) => [messageIdOf(`${slice.campaign_id}:${slice.run}:${p}`), p]));
  const col = <T>(f: (r: Result) => T) => sql.param(rs.map(f));
  const profile = (r: Result) => profileOf.get(r.id) ?? '';
  await tx.execute(sql`
    INSERT INTO marketing_messages (id, tenant_id, campaign_id, run, profile_id, variant, channel_id, idempotency_key, status, skip_reason, due_at, store_id,
      recipient, subject, body, provider_id, attempts, error, sent_at)
    SELECT x.id, ${slice.tenant_id}, ${slice.campaign_id}, ${slice.run}, x.profile_id, x.variant, ${slice.channel_id},
      ${slice.campaign_id} || ':' || ${slice.run} || ':' || x.profile_id, x.status, x.reason, COALESCE(x.due_at, ${new Date(slice.due_at).toISOString()}::timestamptz),
      x.store_id, x.recipient, x.subject, x.body, x.provider_id, x.attempts, x.error,
      CASE WHEN x.status = 'sent' THEN ${now.toISOString()}::timestamptz END
    FROM unnest(${col((r) => r.id)}::text[], ${col(profile)}::text[], ${col((r) => variant.get(profile(r)) ?? '')}::text[], ${col((r) => store.get(profile(r)) ?? null)}::text[],
      ${col((r) => r.status)}::text[], ${col((r) => r.reason)}::text[], ${col((r) => r.recipient)}::text[], ${col((r) => r.subject)}::text[], ${col((r) => r.body)}::text[],
      ${col((r) => r.providerId)}::text[], ${col((r) => r.error)}::text[], ${col((r) => r.dueAt?.toISOString() ?? null)}::timestamptz[], ${col((r) => r.attempts)}::int[])
      AS x(id, profile_id, variant, store_id, status, reason, recipient, subject, body, provider_id, error, due_at, attempts)
    ON CONFLICT (idempotency_key) DO NOTHING`);
  await tx.execute(sql`DELETE FROM campaign_run_slices WHERE id = ${slice.id}`);
}
