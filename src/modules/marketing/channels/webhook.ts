import { createHmac } from 'node:crypto';
import { type ChannelAdapter, type OutgoingMessage, outcomeOfError, outcomeOfStatus, type SendOutcome } from './contract.ts';

/** `sha256=<hex>`: HMAC-SHA256 of the exact request body under the channel's secret (the body carries the timestamp). */
export function signMarketingBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Settings of a signed webhook channel. */
export interface WebhookSettings {
  url: string;
}

/**
 * POSTs each message as JSON, signed: `x-storeos-signature: sha256=…` over the body, `x-storeos-timestamp` (also in the
 * body, so the signature covers it and a replay shows its age), `idempotency-key` the message id. The receiver's 2xx is
 * a hand-over; a JSON answer's `id` is kept as the provider id.
 */
export class WebhookAdapter implements ChannelAdapter {
  readonly kind: string = 'webhook';
  readonly address: ChannelAdapter['address'] = 'profile';

  constructor(
    protected readonly settings: WebhookSettings,
    protected readonly secret: string,
  ) {}

  /** The JSON the receiver gets. */
  protected payload(m: OutgoingMessage, timestamp: number): Record<string, unknown> {
    return { id: m.id, to: m.to, subject: m.subject, body: m.body, profileId: m.profileId, campaignId: m.campaignId, timestamp };
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify(this.payload(m, timestamp));
    try {
      const res = await fetch(this.settings.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'StoreOS-Marketing/1',
          'x-storeos-signature': signMarketingBody(this.secret, body),
          'x-storeos-timestamp': String(timestamp),
          'idempotency-key': m.id,
        },
        body,
        signal: AbortSignal.timeout(10_000),
        redirect: 'manual',
      });
      const text = await res.text().catch(() => '');
      if (res.status < 200 || res.status >= 300) return outcomeOfStatus(res.status, text);
      return { ok: true, providerId: providerIdOf(text) };
    } catch (err) {
      return outcomeOfError(err);
    }
  }
}

/** A push channel: the app's push service receives `{token, title, body, data}` through the same signed webhook. */
export class PushAdapter extends WebhookAdapter {
  override readonly kind = 'push';
  override readonly address = 'push' as const;

  protected override payload(m: OutgoingMessage, timestamp: number): Record<string, unknown> {
    return { id: m.id, token: m.to, title: m.subject ?? '', body: m.body, data: { profileId: m.profileId, campaignId: m.campaignId }, timestamp };
  }
}

/** Settings of a messaging-app template channel. */
export interface MessagingSettings extends WebhookSettings {
  templateId: string;
  page?: string;
}

/**
 * A messaging-app template message (an official account's service message): the brand's messaging gateway receives
 * `{toUser, templateId, page, data}` through the same signed webhook and calls the app's template API. The message's
 * subject and body fill the template's `first` and `remark`-style fields as `title` and `content`.
 */
export class MessagingTemplateAdapter extends WebhookAdapter {
  override readonly kind = 'messaging';
  override readonly address = 'messaging' as const;

  constructor(
    private readonly messaging: MessagingSettings,
    secret: string,
  ) {
    super(messaging, secret);
  }

  protected override payload(m: OutgoingMessage, timestamp: number): Record<string, unknown> {
    return {
      id: m.id,
      toUser: m.to,
      templateId: this.messaging.templateId,
      page: this.messaging.page ?? null,
      data: { title: m.subject ?? '', content: m.body },
      profileId: m.profileId,
      campaignId: m.campaignId,
      timestamp,
    };
  }
}

/** The `id` (or `messageId`) of a JSON answer, if any. */
export function providerIdOf(text: string): string | null {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const id = j.id ?? j.messageId ?? j.message_id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
  } catch {
    return null;
  }
}
