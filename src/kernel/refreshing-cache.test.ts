import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RefreshingCache } from './refreshing-cache.ts';

describe('a refreshing cache', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A source whose reads answer `value` when released, counting them. */
  function source() {
    const s = { value: 1, reads: 0, pending: [] as (() => void)[] };
    const read = (key: string) =>
      new Promise<string>((resolve) => {
        s.reads++;
        const v = `${key}:${s.value}`;
        s.pending.push(() => resolve(v));
      });
    const release = () => {
      for (const r of s.pending.splice(0)) r();
    };
    return { s, read, release };
  }

  it('reads once for concurrent callers and answers from memory within the lifetime', async () => {
    const { s, read, release } = source();
    const cache = new RefreshingCache(read, 1000);
    const a = cache.get('t');
    const b = cache.get('t');
    release();
    expect(await a).toBe('t:1');
    expect(await b).toBe('t:1');
    s.value = 2;
    vi.advanceTimersByTime(999);
    expect(await cache.get('t')).toBe('t:1');
    expect(s.reads).toBe(1);
  });

  it('answers the old value while it reloads between one and two lifetimes, and waits after that', async () => {
    const { s, read, release } = source();
    const cache = new RefreshingCache(read, 1000);
    const first = cache.get('t');
    release();
    await first;
    s.value = 2;
    vi.advanceTimersByTime(1500);
    expect(await cache.get('t')).toBe('t:1'); // not waiting for the reload begun now
    expect(s.reads).toBe(2);
    release();
    await Promise.resolve();
    await Promise.resolve();
    expect(await cache.get('t')).toBe('t:2');
    s.value = 3;
    vi.advanceTimersByTime(2500);
    const late = cache.get('t');
    release();
    expect(await late).toBe('t:3');
  });

  it('reads again after invalidate, and a read begun before it does not store its answer', async () => {
    const { s, read, release } = source();
    const cache = new RefreshingCache(read, 1000);
    const stale = cache.get('t');
    s.value = 2;
    cache.invalidate('t');
    const fresh = cache.get('t');
    release();
    expect(await stale).toBe('t:1');
    expect(await fresh).toBe('t:2');
    expect(cache.peek('t')).toBe('t:2');
    expect(cache.peek('other')).toBeUndefined();
  });

  it('tries a failed read again on the next call', async () => {
    let fail = true;
    const cache = new RefreshingCache(async (k) => {
      if (fail) throw new Error('down');
      return k;
    }, 1000);
    await expect(cache.get('t')).rejects.toThrow('down');
    fail = false;
    expect(await cache.get('t')).toBe('t');
  });
});
