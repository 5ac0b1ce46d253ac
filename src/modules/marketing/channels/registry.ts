import type { ChannelKind } from '../schema.ts';
import type { ChannelAdapter } from './contract.ts';
import { EmailSmtpAdapter, type EmailSettings } from './email-smtp.ts';
import { SinkAdapter } from './sink.ts';
import { SmsHttpAdapter, type SmsHttpSettings } from './sms-http.ts';
import { type MessagingSettings, MessagingTemplateAdapter, PushAdapter, WebhookAdapter, type WebhookSettings } from './webhook.ts';

/** A channel row as the registry needs it. */
export interface ChannelRow {
  id: string;
  kind: ChannelKind;
  settings: Record<string, unknown>;
  secret: string;
  updatedAt: Date;
}

/** Builds the adapter of a channel from its kind and settings (validated when the channel was saved). */
export function buildAdapter(c: ChannelRow): ChannelAdapter {
  switch (c.kind) {
    case 'sink':
      return new SinkAdapter(c.id, c.settings as { failEvery?: number });
    case 'webhook':
      return new WebhookAdapter(c.settings as unknown as WebhookSettings, c.secret);
    case 'push':
      return new PushAdapter(c.settings as unknown as WebhookSettings, c.secret);
    case 'messaging':
      return new MessagingTemplateAdapter(c.settings as unknown as MessagingSettings, c.secret);
    case 'sms':
      return new SmsHttpAdapter(c.settings as unknown as SmsHttpSettings);
    case 'email':
      return new EmailSmtpAdapter(c.settings as unknown as EmailSettings);
  }
}

/** Adapters by channel, rebuilt when the channel changed (its `updatedAt`): SMTP pools live across sends. */
export class AdapterCache {
  private readonly built = new Map<string, { version: number; adapter: ChannelAdapter }>();

  /** The channel's adapter, built once per version of its settings. */
  get(c: ChannelRow): ChannelAdapter {
    const version = c.updatedAt.getTime();
    const hit = this.built.get(c.id);
    if (hit && hit.version === version) return hit.adapter;
    void hit?.adapter.close?.();
    const adapter = buildAdapter(c);
    this.built.set(c.id, { version, adapter });
    return adapter;
  }

  /** Closes every adapter. */
  async close(): Promise<void> {
    await Promise.all([...this.built.values()].map((b) => b.adapter.close?.()));
    this.built.clear();
  }
}
