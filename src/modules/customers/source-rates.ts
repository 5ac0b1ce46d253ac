/**
 * Per-source token buckets on this node: a source may send `rate` events per second, in bursts of twice that. A
 * batch larger than the burst passes when the bucket is full and leaves it in debt, so big batches are slowed, not
 * refused forever.
 */
export class SourceRates {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes `n` events from the source's bucket; answers 0 when allowed, else the seconds to wait (Retry-After). */
  take(sourceId: string, rate: number, n: number, now = performance.now()): number {
    if (rate <= 0) return 0;
    const burst = rate * 2;
    const b = this.buckets.get(sourceId) ?? { tokens: burst, at: now };
    this.buckets.set(sourceId, b);
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    const need = Math.min(n, burst);
    if (b.tokens >= need) {
      b.tokens -= n;
      return 0;
    }
    return Math.max(1, Math.ceil((need - b.tokens) / rate));
  }
}
