import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import type { Database, Executor, Orm } from '../../kernel/db.ts';
import { codeOf } from './event-flush.ts';
import type { ProfiledEvent } from './store-activity.ts';

/** A deadlock or serialization failure: running the transaction again succeeds. */
export const retryable = (err: unknown) => ['40P01', '40001'].includes(codeOf(err));

/**
 * The connection the pipeline applies on, kept between slices: each connection plans the evaluation statement and
 * loads the partitions' catalog entries on its first use, tens of milliseconds that a pooled connection taken at
 * random would cost a slice again and again. Two slices at once (a replay beside the live pipeline) take a second
 * connection from the pool for the time of one slice.
 */
export class WarmConnection {
  private idle: pg.PoolClient | undefined;
  private expiry: NodeJS.Timeout | undefined;
  private closed = false;

  /** `idleMs`: a connection unused this long goes back to the pool (so a pool ended without `close` is not held up for ever). */
  constructor(
    private readonly pool: pg.Pool,
    private readonly idleMs = 30_000,
  ) {}

  /** The kept connection if free, else one from the pool. */
  async take(): Promise<pg.PoolClient> {
    const client = this.idle;
    this.idle = undefined;
    clearTimeout(this.expiry);
    return client ?? this.pool.connect();
  }

  /** Gives a connection back: kept if none is and it works, else back to the pool (or closed, when broken). */
  give(client: pg.PoolClient, broken?: Error): void {
    if (broken || this.closed || this.idle) {
      client.release(broken);
      return;
    }
    this.idle = client;
    this.expiry = setTimeout(() => this.close(false), this.idleMs);
    this.expiry.unref();
  }

  /** Returns the kept connection to the pool (before the pool is ended); `forGood`: keep none from now on. */
  close(forGood = true): void {
    if (forGood) this.closed = true;
    clearTimeout(this.expiry);
    this.idle?.release();
    this.idle = undefined;
  }
}

/** How a slice's transaction is run: on the kept connection. */
export interface ClaimOptions {
  warm?: WarmConnection;
}

/**
 * The transaction the profile pipeline applies a slice in. Its first round trip begins it, asks for generic plans, turns
 * off the fsync wait of its COMMIT and claims the slice's flush parts, in one simple-protocol query (every round trip
 * is latency on the way from an acknowledged event to its segment membership):
 *
 * - claiming deletes the parts' rows of `customer_event_flushes` (event-flush.ts): a part already gone was applied by
 *   another transaction (a replay racing the live pipeline, another node), and its events are skipped, so every part
 *   is applied exactly once;
 * - no fsync wait: the events are durable already, and a COMMIT lost in a crash loses that DELETE with it, so the
 *   parts are replayed at the next start. Profiles are derived data; the parts are the truth.
 *
 * Events without a part (tests, rebuilds) are applied in an ordinary transaction. Deadlocks and serialization failures
 * (two nodes on one person) run the whole transaction again.
 */
export async function claimingTransaction<T>(
  db: Database,
  batch: ProfiledEvent[],
  parts: number[],
  opts: ClaimOptions,
  work: (tx: Executor, events: ProfiledEvent[]) => Promise<T>,
): Promise<T> {
  // Part ids are integers from a sequence: written into the text of the query, no parameter needed.
  const ids = parts.filter((id) => Number.isSafeInteger(id));
  // Generic plans: the segment evaluation is a prepared statement (segment-engine.ts) whose custom plans would be
  // planned anew on every run (they prune partitions at planning); a generic one prunes them when it starts.
  const begin = 'BEGIN; SET LOCAL plan_cache_mode = force_generic_plan';
  const claim = ids.length > 0 ? `; SET LOCAL synchronous_commit = off; DELETE FROM customer_event_flushes WHERE id IN (${ids.join(',')}) RETURNING id` : '';
  for (let attempt = 1; ; attempt++) {
    const client = await (opts.warm ? opts.warm.take() : db.pool.connect());
    let broken: Error | undefined;
    try {
      // Several statements in one query: node-postgres answers one result per statement.
      const answer = (await client.query(`${begin}${claim}`)) as unknown as pg.QueryResult[];
      const results = Array.isArray(answer) ? answer : [answer];
      let events = batch;
      if (ids.length > 0) {
        const claimed = new Set(results[3].rows.map((row) => Number(row.id)));
        if (claimed.size < ids.length) events = batch.filter((e) => e.flushId === undefined || claimed.has(e.flushId));
      }
      const out = await work(drizzle(client) as Orm, events);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e;
      });
      if (!retryable(err) || attempt >= 4) throw err;
    } finally {
      if (opts.warm) opts.warm.give(client, broken);
      else client.release(broken);
    }
  }
}
