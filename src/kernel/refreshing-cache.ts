/**
 * Values read from the database and kept briefly per key: a local change invalidates at once, another node's is seen
 * within `ttlMs` (and one more read). An entry a little past `ttlMs` (up to twice it) is still answered while a
 * fresh one loads in the background, so a hot path never waits for the reload under steady traffic; one load per key
 * runs at a time, and a load begun before an `invalidate` does not store what it read.
 */
export class RefreshingCache<V> {
  private readonly cache = new Map<string, { at: number; value: V }>();
  private readonly loading = new Map<string, Promise<V>>();
  /** Bumped by `invalidate`: a load begun before it must not store what it read. */
  private readonly generation = new Map<string, number>();

  constructor(
    private readonly read: (key: string) => Promise<V>,
    private readonly ttlMs: number,
  ) {}

  /** The value of a key: cached, cached while it reloads, or read now. */
  async get(key: string): Promise<V> {
    const hit = this.cache.get(key);
    const age = hit ? Date.now() - hit.at : Number.POSITIVE_INFINITY;
    if (hit && age < this.ttlMs) return hit.value;
    const loading = this.loading.get(key) ?? this.load(key);
    if (hit && age < 2 * this.ttlMs) {
      loading.catch(() => {}); // a failed refresh is tried again by the next call
      return hit.value;
    }
    return loading;
  }

  /** The cached value, however old, without waiting. */
  peek(key: string): V | undefined {
    return this.cache.get(key)?.value;
  }

  /** Forgets a key's value: the next `get` reads it. */
  invalidate(key: string): void {
    this.generation.set(key, (this.generation.get(key) ?? 0) + 1);
    this.cache.delete(key);
    this.loading.delete(key);
  }

  private load(key: string): Promise<V> {
    const generation = this.generation.get(key) ?? 0;
    const loading = this.read(key)
      .then((value) => {
        if ((this.generation.get(key) ?? 0) === generation) this.cache.set(key, { at: Date.now(), value });
        return value;
      })
      .finally(() => {
        if (this.loading.get(key) === loading) this.loading.delete(key);
      });
    this.loading.set(key, loading);
    return loading;
  }
}
