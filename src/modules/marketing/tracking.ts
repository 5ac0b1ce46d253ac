import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../../kernel/db.ts';
import { newId } from '../../kernel/ids.ts';
import { recordConsents } from '../customers/index.ts';
import type { DeliveryReport } from './channels/contract.ts';
import { linkSignatureValid } from './tracking-links.ts';

type MessageKeys = {
  id: string;
  tenant_id: string;
  campaign_id: string;
  profile_id: string;
  channel_id: string;
  secret: string;
  purpose: string;
  consent_channel: string;
};

async function messageKeys(db: Database, id: string): Promise<MessageKeys | undefined> {
  const r = await db.orm.execute<MessageKeys>(sql`
    SELECT m.id, m.tenant_id, m.campaign_id, m.profile_id, m.channel_id, ch.secret, COALESCE(c.purpose, j.purpose) AS purpose,
      CASE WHEN ch.kind IN ('sink', 'webhook') AND ch.settings ? 'consentChannel' THEN ch.settings->>'consentChannel' ELSE ch.kind END AS consent_channel
    FROM marketing_messages m JOIN marketing_channels ch ON ch.id = m.channel_id
      LEFT JOIN campaigns c ON c.id = m.campaign_id LEFT JOIN journeys j ON j.id = m.campaign_id -- a journey's message names its journey there
    WHERE m.id = ${id} AND m.status IN ('sent', 'delivered', 'test') AND (c.id IS NOT NULL OR j.id IS NOT NULL)`);
  return r.rows[0];
}

async function interaction(db: Database, m: MessageKeys, kind: 'click' | 'open', url: string | null, at: Date): Promise<void> {
  await db.orm.transaction(async (tx) => {
    await tx.execute(sql`INSERT INTO marketing_interactions (id, tenant_id, message_id, campaign_id, kind, url, at)
      VALUES (${newId('mki')}, ${m.tenant_id}, ${m.id}, ${m.campaign_id}, ${kind}, ${url}, ${at.toISOString()}::timestamptz)`);
    if (kind === 'click')
      await tx.execute(
        sql`UPDATE marketing_messages SET clicked_at = COALESCE(clicked_at, ${at.toISOString()}::timestamptz), opened_at = COALESCE(opened_at, ${at.toISOString()}::timestamptz) WHERE id = ${m.id}`,
      );
    else await tx.execute(sql`UPDATE marketing_messages SET opened_at = COALESCE(opened_at, ${at.toISOString()}::timestamptz) WHERE id = ${m.id}`);
  });
}

/** Records a click on a tracked link and answers where to send the person; undefined when the link is not one we made. */
export async function recordClick(db: Database, messageId: string, encoded: string, signature: string, at = new Date()): Promise<string | undefined> {
  let target: string;
  try {
    target = Buffer.from(encoded, 'base64url').toString('utf8');
  } catch {
    return undefined;
  }
  if (!/^https?:\/\//.test(target)) return undefined;
  const m = await messageKeys(db, messageId);
  if (!m || !linkSignatureValid(m.secret, messageId, target, signature)) return undefined;
  await interaction(db, m, 'click', target, at);
  return target;
}

/** Records an e-mail open (the pixel was fetched); unknown ids are ignored. */
export async function recordOpen(db: Database, messageId: string, at = new Date()): Promise<void> {
  const m = await messageKeys(db, messageId);
  if (m) await interaction(db, m, 'open', null, at);
}

/** Withdraws the person's consent to the campaign's purpose on the message's channel, at once; false when the link is not valid. */
export async function unsubscribe(db: Database, messageId: string, signature: string, at = new Date()): Promise<boolean> {
  const m = await messageKeys(db, messageId);
  if (!m || !linkSignatureValid(m.secret, messageId, 'unsubscribe', signature)) return false;
  await db.orm.transaction(async (tx) => {
    await recordConsents(tx, m.tenant_id, [
      {
        profileId: m.profile_id,
        purpose: m.purpose,
        channel: m.consent_channel,
        granted: false,
        source: `unsubscribe:${m.id}`,
        messageId: null,
        actor: null,
        at: at.getTime(),
      },
    ]);
  });
  return true;
}

/** Whether a delivery report's `x-storeos-signature` is HMAC-SHA256 of `<timestamp>.<body>` under the channel's secret, within 5 minutes. */
export function reportSignatureValid(secret: string, rawBody: string, timestamp: string | undefined, signature: string | undefined, now = Date.now()): boolean {
  if (!timestamp || !signature || !/^\d+$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > 300) return false;
  const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`);
  const got = Buffer.from(signature);
  return want.length === got.length && timingSafeEqual(want, got);
}

const rank: Record<string, number> = { sending: 0, sent: 1, delivered: 2, bounced: 3, failed: 3 };

/** Applies a channel's delivery reports: a message moves forward only (a late `sent` never undoes `delivered`). */
export async function applyDeliveryReports(
  db: Database,
  channelId: string,
  reports: DeliveryReport[],
  at = new Date(),
): Promise<{ applied: number; unknown: number }> {
  let applied = 0;
  let unknown = 0;
  await db.orm.transaction(async (tx) => {
    for (const rep of reports) {
      const r = await tx.execute<{ id: string; tenant_id: string; campaign_id: string; status: string }>(sql`
        SELECT id, tenant_id, campaign_id, status FROM marketing_messages
        WHERE channel_id = ${channelId} AND (id = ${rep.messageId ?? ''} OR (provider_id IS NOT NULL AND provider_id = ${rep.providerId ?? ''})) LIMIT 1 FOR UPDATE`);
      const m = r.rows[0];
      if (!m || !(m.status in rank)) {
        unknown++;
        continue;
      }
      await tx.execute(sql`INSERT INTO marketing_interactions (id, tenant_id, message_id, campaign_id, kind, detail, at)
        VALUES (${newId('mki')}, ${m.tenant_id}, ${m.id}, ${m.campaign_id}, ${rep.status}, ${rep.error ?? null}, ${at.toISOString()}::timestamptz)`);
      if (rank[rep.status] > rank[m.status]) {
        await tx.execute(sql`UPDATE marketing_messages SET status = ${rep.status}, error = COALESCE(${rep.error ?? null}, error),
          delivered_at = CASE WHEN ${rep.status} = 'delivered' THEN ${at.toISOString()}::timestamptz ELSE delivered_at END WHERE id = ${m.id}`);
      }
      applied++;
    }
  });
  return { applied, unknown };
}
