import { type ChannelAdapter, type OutgoingMessage, outcomeOfError, outcomeOfStatus, type SendOutcome } from './contract.ts';
import { providerIdOf } from './webhook.ts';

/** Settings of an SMS provider reached over HTTP. */
export interface SmsHttpSettings {
  url: string;
  /** The request body with `{{to}}`, `{{text}}`, `{{id}}` and `{{sender}}` placeholders (each JSON-escaped when the body is JSON). */
  bodyTemplate?: string;
  contentType?: string;
  /** Sent as `Authorization: Bearer …` when set. */
  apiKey?: string;
  sender?: string;
}

/** The body most providers accept when none is configured. */
export const defaultSmsBody = '{"to":"{{to}}","text":"{{text}}","reference":"{{id}}","from":"{{sender}}"}';

/** Fills the provider's body template: values are escaped for JSON or for a form, by the content type. */
export function fillSmsBody(template: string, contentType: string, values: Record<string, string>): string {
  const json = contentType.includes('json');
  return template.replace(/\{\{(to|text|id|sender)\}\}/g, (_m, k: string) => {
    const v = values[k] ?? '';
    return json ? JSON.stringify(v).slice(1, -1) : encodeURIComponent(v);
  });
}

/** SMS through an HTTP provider: one POST per message with the configured body; a 2xx is a hand-over. */
export class SmsHttpAdapter implements ChannelAdapter {
  readonly kind = 'sms';
  readonly address = 'phone' as const;

  constructor(private readonly settings: SmsHttpSettings) {}

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    const contentType = this.settings.contentType ?? 'application/json';
    const body = fillSmsBody(this.settings.bodyTemplate ?? defaultSmsBody, contentType, {
      to: m.to,
      text: m.body,
      id: m.id,
      sender: this.settings.sender ?? '',
    });
    try {
      const res = await fetch(this.settings.url, {
        method: 'POST',
        headers: {
          'content-type': contentType,
          'idempotency-key': m.id,
          ...(this.settings.apiKey ? { authorization: `Bearer ${this.settings.apiKey}` } : {}),
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
