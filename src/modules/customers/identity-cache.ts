/** What the cache remembers of an identifier: its profile and that profile's version when it was read. */
export interface CachedOwner {
  profileId: string;
  version: number;
  claimedAt: number;
}

/**
 * A bounded least-recently-used map from `tenant|type:value` to the profile holding it. Answers are hints: the
 * resolver checks each one under the profile's row lock (version, merged_into) before trusting it.
 */
export class IdentityCache {
  private readonly map = new Map<string, CachedOwner>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity = 200_000) {}

  /** The cached owner of a key, refreshed as most recently used. */
  get(key: string): CachedOwner | undefined {
    const v = this.map.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Map keeps insertion order: re-inserting moves the key to the young end.
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  /** Remembers an owner, evicting the least recently used keys past capacity. */
  set(key: string, owner: CachedOwner): void {
    this.map.delete(key);
    this.map.set(key, owner);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value;
      if (oldest === undefined) break;
      this.map.delete(oldest);
    }
  }

  /** Forgets a key (its answer proved stale). */
  delete(key: string): void {
    this.map.delete(key);
  }

  /** Forgets everything (tests, a tenant's rules changed). */
  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
