import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../../kernel/logger.ts';
import type { SourceChannel } from './schema.ts';

/** SHA-256 of a write key: the form keys are stored and looked up in. */
export function hashWriteKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** What the collection API needs to know about the source behind a write key. */
export interface SourceInfo {
  id: string;
  tenantId: string;
  name: string;
  channel: SourceChannel;
  storeId: string | null;
  enabled: boolean;
  rateLimit: number | null;
  /** When the key used is a rotated-out one: the time (ms) it stops working. */
  keyExpiresAt: number | null;
}

/** The channel on which nodes tell each other a source changed (payload: the source id). */
export const sourceChannel = 'storeos_sources';
const unknownTtlMs = 10_000;
const maxUnknown = 10_000;
const maxKeyLength = 200;

/**
 * Write key → source, cached in memory: a request costs a map lookup, and an unknown key is remembered briefly so a
 * flood of wrong keys costs no queries. A change to a source (rotate, disable, rate) drops its entries here at once
 * and on the other nodes through LISTEN/NOTIFY.
 */
export class SourceKeys {
  private readonly cache = new Map<string, SourceInfo>();
  private readonly unknown = new Map<string, number>();
  private readonly loading = new Map<string, Promise<SourceInfo | undefined>>();
  /** Bumped by every invalidation: a lookup that raced with one is not cached. */
  private generation = 0;
  private listener: pg.PoolClient | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
  ) {}

  /** The source a write key belongs to (a rotated-out key until its grace ends), or undefined. */
  async byWriteKey(key: string): Promise<SourceInfo | undefined> {
    if (key.length === 0 || key.length > maxKeyLength) return undefined;
    const hit = this.cache.get(key);
    if (hit && (hit.keyExpiresAt === null || hit.keyExpiresAt > Date.now())) return hit;
    if ((this.unknown.get(key) ?? 0) > Date.now()) return undefined;
    let p = this.loading.get(key);
    if (!p) {
      p = this.load(key).finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p;
  }

  private async load(key: string): Promise<SourceInfo | undefined> {
    const gen = this.generation;
    const hash = hashWriteKey(key);
    const r = await this.pool.query<{ id: string; tenant_id: string; name: string; channel: SourceChannel; store_id: string | null; enabled: boolean; rate_limit: number | null; expires: Date | null }>(
      `SELECT id, tenant_id, name, channel, store_id, enabled, rate_limit,
         CASE WHEN write_key_hash = $1 THEN NULL ELSE previous_key_expires_at END AS expires
       FROM sources WHERE write_key_hash = $1 OR (previous_key_hash = $1 AND previous_key_expires_at > now())`,
      [hash],
    );
    const row = r.rows[0];
    if (gen !== this.generation) return row ? this.info(row) : undefined;
    if (!row) {
      if (this.unknown.size >= maxUnknown) this.unknown.clear();
      this.unknown.set(key, Date.now() + unknownTtlMs);
      return undefined;
    }
    const info = this.info(row);
    this.cache.set(key, info);
    return info;
  }

  private info(row: { id: string; tenant_id: string; name: string; channel: SourceChannel; store_id: string | null; enabled: boolean; rate_limit: number | null; expires: Date | null }): SourceInfo {
    return {
      id: row.id,
      tenantId: row.tenant_id,
      name: row.name,
      channel: row.channel,
      storeId: row.store_id,
      enabled: row.enabled,
      rateLimit: row.rate_limit,
      keyExpiresAt: row.expires ? row.expires.getTime() : null,
    };
  }

  /** Forgets a source's keys (and every remembered refusal: a new key may be one just refused). */
  invalidate(sourceId: string): void {
    this.generation++;
    this.unknown.clear();
    for (const [key, info] of this.cache) if (info.id === sourceId) this.cache.delete(key);
  }

  /** Listens for other nodes' changes on its own connection, reconnecting when it is lost. */
  async start(): Promise<void> {
    this.stopped = false;
    const client = await this.pool.connect();
    client.on('notification', (msg) => {
      if (msg.channel === sourceChannel && msg.payload) this.invalidate(msg.payload);
    });
    client.on('error', (err) => {
      if (this.listener !== client) return; // already let go (stopped): nothing to recover
      this.log.warn({ err }, 'source change listener lost its connection; reconnecting');
      this.listener = undefined;
      client.release(err);
      // Changes missed while disconnected: forget everything rather than serve a revoked key.
      this.cache.clear();
      if (!this.stopped) this.retry = setTimeout(() => void this.start().catch(() => {}), 1000);
    });
    await client.query(`LISTEN ${sourceChannel}`);
    this.listener = client;
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.listener;
    this.listener = undefined;
    if (!client) return;
    await client.query(`UNLISTEN ${sourceChannel}`).catch(() => {});
    // Destroyed, not pooled: the connection carries this listener's handlers.
    client.release(true);
  }
}
