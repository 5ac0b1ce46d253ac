import { AppError } from '../../kernel/errors.ts';

/** A fixed-window counter per key, in memory: enough to stop a flood at one node (each node counts its own). */
export class WindowLimiter {
  private readonly hits = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one hit for the key; over the limit throws 429 with Retry-After. */
  take(key: string, now = Date.now()): void {
    let w = this.hits.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.hits.size > 50_000) this.sweep(now);
      w = { start: now, count: 0 };
      this.hits.set(key, w);
    }
    w.count++;
    if (w.count > this.limit) {
      const retryAfter = Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
      throw new AppError('rate_limited', `too many requests; try again in ${retryAfter} s`, { retryAfter }, { 'retry-after': String(retryAfter) });
    }
  }

  private sweep(now: number) {
    for (const [k, w] of this.hits) if (now - w.start >= this.windowMs) this.hits.delete(k);
  }
}
