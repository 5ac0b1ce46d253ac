import type { ChannelAdapter, OutgoingMessage, SendOutcome } from './contract.ts';

/** How many messages a sink keeps per channel (the newest): enough for a demo and a test, bounded for a bench. */
const kept = 1000;
const recorded = new Map<string, OutgoingMessage[]>();
const counts = new Map<string, number>();

/** What a sink channel would have sent, newest last, and how many in all since the process started. */
export function sinkRecords(channelId: string): { messages: OutgoingMessage[]; total: number } {
  return { messages: [...(recorded.get(channelId) ?? [])], total: counts.get(channelId) ?? 0 };
}

/** A channel that sends nothing and records what it would have sent: for demos, tests and the bench. */
export class SinkAdapter implements ChannelAdapter {
  readonly kind = 'sink';
  readonly address = 'profile' as const;

  constructor(
    private readonly channelId: string,
    private readonly settings: { failEvery?: number } = {},
  ) {}

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const n = (counts.get(this.channelId) ?? 0) + 1;
    counts.set(this.channelId, n);
    // A sink can be told to refuse every n-th message, to show the retry and dead-letter path in a demo.
    if (this.settings.failEvery && n % this.settings.failEvery === 0) return { ok: false, error: 'sink refused (failEvery)', permanent: false };
    let list = recorded.get(this.channelId);
    if (!list) {
      list = [];
      recorded.set(this.channelId, list);
    }
    list.push(message);
    if (list.length > kept) list.splice(0, list.length - kept);
    // No provider, so no provider id: reports to a sink name the message id.
    return { ok: true, providerId: null };
  }
}
