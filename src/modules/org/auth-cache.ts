import pg from 'pg';
import type { Database } from '../../kernel/db.ts';
import type { Logger } from '../../kernel/logger.ts';

/**
 * Signed-in callers remembered for a few seconds, so a request costs one query instead of two (the session or
 * key lookup is as expensive as the store list it guards). Anything that changes who may do what — a user
 * disabled, a grant added or removed, a session ended, a key revoked, an org unit moved — fires a NOTIFY
 * (migration 0009) that makes every node forget everything at once; writes through this node's org routes clear
 * it before their answer leaves. Until the LISTEN connection is up, and while it is down, nothing is remembered.
 */
export class AuthCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  private generation = 0;
  private listener: pg.Client | undefined;
  private listening = false;
  private connecting: Promise<void> | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly opts: { ttlMs?: number; max?: number; log?: Logger } = {},
  ) {}

  /** The remembered value for `key`, if still fresh. */
  get(key: string, now = Date.now()): T | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until > now && this.listening) return hit.value;
    this.entries.delete(key);
    return undefined;
  }

  /** A token to pass to `set`: a value read before a change was announced is not kept. */
  mark(): number {
    if (!this.listening && !this.connecting && !this.closed) this.connecting = this.listen();
    return this.generation;
  }

  /** Remembers `value` until `expiresAt` or the cache's time to live, whichever comes first. */
  set(key: string, value: T, mark: number, expiresAt = Number.POSITIVE_INFINITY): void {
    if (!this.listening || mark !== this.generation) return;
    if (this.entries.size >= (this.opts.max ?? 10_000)) this.entries.clear();
    this.entries.set(key, { value, until: Math.min(Date.now() + (this.opts.ttlMs ?? 10_000), expiresAt) });
  }

  /** Forgets everything: something about who may do what has changed. */
  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  /** Stops listening and forgets everything. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.connecting;
    this.listening = false;
    this.clear();
    await this.listener?.end().catch(() => {});
    this.listener = undefined;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.db.url, connectionTimeoutMillis: 10_000 });
    const down = (err?: Error) => {
      if (this.listener !== client) return;
      this.listening = false;
      this.listener = undefined;
      this.clear();
      if (err) this.opts.log?.warn({ err }, 'auth cache lost its LISTEN connection; callers are looked up on every request until it is back');
      client.end().catch(() => {});
      if (!this.closed) this.retry = setTimeout(() => (this.connecting = this.listen()), 1000);
    };
    try {
      client.on('error', down);
      client.on('end', () => down());
      client.on('notification', () => this.clear());
      this.listener = client;
      await client.connect();
      await client.query('LISTEN storeos_auth');
      if (this.closed) {
        await client.end();
        return;
      }
      this.clear();
      this.listening = true;
    } catch (err) {
      down(err as Error);
    } finally {
      this.connecting = undefined;
    }
  }
}

const caches = new WeakMap<Database, AuthCache<unknown>>();

/** The auth cache of one database handle (one per node). */
export function authCacheOf<T>(db: Database, log?: Logger): AuthCache<T> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new AuthCache<unknown>(db, { log });
    caches.set(db, cache);
  }
  return cache as AuthCache<T>;
}

/** Stops the auth cache of a database handle, if it has one. */
export async function closeAuthCache(db: Database): Promise<void> {
  const cache = caches.get(db);
  caches.delete(db);
  await cache?.close();
}
