import nodemailer, { type Transporter } from 'nodemailer';
import { type ChannelAdapter, type OutgoingMessage, outcomeOfError, type SendOutcome } from './contract.ts';

/** Settings of an e-mail channel: the SMTP server and the sender. */
export interface EmailSettings {
  smtpUrl: string;
  from: string;
}

/** E-mail over SMTP (nodemailer, pooled connections): a text part, and an HTML part with the open pixel when given. */
export class EmailSmtpAdapter implements ChannelAdapter {
  readonly kind = 'email';
  readonly address = 'email' as const;
  private readonly transport: Transporter;

  constructor(private readonly settings: EmailSettings) {
    // `?pool=true` keeps connections open across messages (nodemailer reads options from the URL).
    const url = new URL(settings.smtpUrl);
    if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
    this.transport = nodemailer.createTransport(url.toString());
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    try {
      const info = await this.transport.sendMail({
        from: this.settings.from,
        to: m.to,
        subject: m.subject ?? '',
        text: m.body,
        ...(m.html ? { html: m.html } : {}),
        // The message id in a header: bounces quote it, so they can be matched back.
        headers: { 'X-StoreOS-Message': m.id },
      });
      const rejected = (info.rejected ?? []).length > 0;
      if (rejected) return { ok: false, error: `the server refused ${m.to}`, permanent: true };
      return { ok: true, providerId: typeof info.messageId === 'string' ? info.messageId : null };
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      // SMTP 5xx is a permanent refusal (RFC 5321 §4.2.1); 4xx and network failures may pass later.
      if (code !== undefined && code >= 500) return { ok: false, error: (err as Error).message, permanent: true };
      return outcomeOfError(err);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
