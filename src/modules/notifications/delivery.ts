import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../../kernel/config.ts';
import type { Database } from '../../kernel/db.ts';
import type { Logger } from '../../kernel/logger.ts';
import { notificationDeliveries, webhookEndpoints } from './schema.ts';

/** How many times a delivery is tried before it is marked failed (the job queue spaces the tries out). */
export const maxDeliveryAttempts = 8;

/** `sha256=<hex>`: the HMAC-SHA256 of the exact request body under the endpoint's secret (docs/notifications.md). */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

let transport: { url: string; mailer: Transporter } | undefined;

function mailer(url: string): Transporter {
  if (transport?.url !== url) transport = { url, mailer: nodemailer.createTransport(url) };
  return transport.mailer;
}

/** What a delivery needs from the app. */
export interface DeliveryDeps {
  db: Database;
  config: Pick<Config, 'smtp'>;
  log: Logger;
}

async function sendWebhook(deps: DeliveryDeps, endpointId: string, id: string, payload: Record<string, unknown>): Promise<number> {
  const [endpoint] = await deps.db.orm.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
  if (!endpoint?.active) throw new Permanent('the endpoint was removed or turned off');
  const timestamp = Math.floor(Date.now() / 1000);
  // The body carries the timestamp too, so the signature covers it: a replayed body shows its age.
  const body = JSON.stringify({ ...payload, deliveryId: id, timestamp });
  const res = await fetch(endpoint.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'StoreOS-Webhooks/1',
      'x-storeos-signature': signBody(endpoint.secret, body),
      'x-storeos-timestamp': String(timestamp),
      'x-storeos-delivery': id,
      'x-storeos-kind': String(payload.kind),
    },
    body,
    signal: AbortSignal.timeout(10_000),
    redirect: 'manual',
  });
  await res.body?.cancel().catch(() => {});
  if (res.status < 200 || res.status >= 300) throw new Failed(`endpoint answered ${res.status}`, res.status);
  return res.status;
}

async function sendEmail(deps: DeliveryDeps, to: string, payload: Record<string, unknown>): Promise<void> {
  const smtp = deps.config.smtp;
  if (!smtp) throw new Permanent('SMTP is not configured (STOREOS_SMTP_URL)');
  const link = typeof payload.link === 'string' && payload.link ? `\n\n${payload.link}` : '';
  await mailer(smtp.url).sendMail({ from: smtp.from, to, subject: String(payload.title), text: `${String(payload.body)}${link}` });
}

class Failed extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
class Permanent extends Error {}

/**
 * Tries one delivery once. Answers 'retry' when it failed and may be tried again (the job queue does so with
 * backoff), 'done' otherwise. A delivered or finally failed one is left as it is.
 */
export async function attemptDelivery(deps: DeliveryDeps, id: string): Promise<'done' | 'retry'> {
  const [d] = await deps.db.orm.select().from(notificationDeliveries).where(eq(notificationDeliveries.id, id));
  if (d?.status !== 'pending') return 'done';
  try {
    let status: number | null = null;
    if (d.channel === 'webhook' && d.endpointId) status = await sendWebhook(deps, d.endpointId, d.id, d.payload);
    else await sendEmail(deps, d.recipient, d.payload);
    await deps.db.orm
      .update(notificationDeliveries)
      .set({ status: 'delivered', attempts: d.attempts + 1, responseStatus: status, lastError: null, deliveredAt: new Date() })
      .where(eq(notificationDeliveries.id, id));
    return 'done';
  } catch (err) {
    const attempts = d.attempts + 1;
    const final = err instanceof Permanent || attempts >= maxDeliveryAttempts;
    await deps.db.orm
      .update(notificationDeliveries)
      .set({
        status: final ? 'failed' : 'pending',
        attempts,
        responseStatus: err instanceof Failed ? (err.status ?? null) : null,
        lastError: (err as Error).message.slice(0, 500),
      })
      .where(eq(notificationDeliveries.id, id));
    deps.log.warn(
      { deliveryId: id, channel: d.channel, attempts, err: (err as Error).message },
      final ? 'notification delivery failed for good' : 'notification delivery failed; will retry',
    );
    return final ? 'done' : 'retry';
  }
}
