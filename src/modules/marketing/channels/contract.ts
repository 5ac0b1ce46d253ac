/**
 * The one interface every channel adapter implements (docs/marketing.md#channels). An adapter turns a rendered message
 * into a hand-over to a provider and answers what the provider said; it never decides who gets what (consent, caps,
 * quiet hours are checked before it is called) and never retries by itself (the send loop does, with backoff).
 */

/** A rendered message ready to hand over. */
export interface OutgoingMessage {
  /** The message id (`msg_…`): the provider's idempotency key, so a retry after a lost answer is not sent twice. */
  id: string;
  /** Phone (E.164), e-mail address, push token or profile id, as the channel kind needs. */
  to: string;
  subject: string | null;
  body: string;
  /** The HTML body of an e-mail (with the open pixel), when the channel sends HTML. */
  html?: string;
  profileId: string;
  campaignId: string;
}

/** What the provider answered: its id for the message (delivery reports name it), or why it refused. */
export type SendOutcome =
  | { ok: true; providerId: string | null }
  | { ok: false; error: string /** true when trying again cannot help (bad address, 4xx): the message fails at once. */; permanent: boolean };

/** A channel adapter: one kind of provider with its settings applied. */
export interface ChannelAdapter {
  readonly kind: string;
  /**
   * Which profile field the recipient is: `phone`, `email`, `push` (a push token, or the profile's user id), `messaging`
   * (the person's messaging-app id, or the profile's user id) or `profile`.
   */
  readonly address: 'phone' | 'email' | 'push' | 'messaging' | 'profile';
  /** Hands one message to the provider. Never throws for a provider's refusal: answers `{ ok: false }`. */
  send(message: OutgoingMessage): Promise<SendOutcome>;
  /** Lets connections go (SMTP pools). */
  close?(): Promise<void>;
}

/** A delivery report as it comes back through the callback route. */
export interface DeliveryReport {
  messageId?: string;
  providerId?: string;
  status: 'sent' | 'delivered' | 'failed' | 'bounced';
  error?: string;
}

/** Answers a refused send from an HTTP status: 4xx (but 408 and 429) cannot be fixed by retrying. */
export function outcomeOfStatus(status: number, text: string): SendOutcome {
  const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
  return { ok: false, error: `provider answered ${status}${text ? `: ${text.slice(0, 200)}` : ''}`, permanent };
}

/** A network failure (refused, reset, timed out): worth another try. */
export function outcomeOfError(err: unknown): SendOutcome {
  return { ok: false, error: err instanceof Error ? err.message : String(err), permanent: false };
}
