import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import type { Database, Executor, Orm } from '../../kernel/db.ts';
import type { ProfiledEvent } from './store-activity.ts';

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

const retryable = (err: unknown) => ['40P01', '40001'].includes(String((err as { code?: unknown }).code ?? ''));

export async function claimingTransaction<T>(
  db: Database,
  batch: ProfiledEvent[],
  parts: number[],
  work: (tx: Executor, events: ProfiledEvent[]) => Promise<T>,
): Promise<T> {
  // Part ids are integers from a sequence: written into the text of the query, no parameter needed.
  const ids = parts.filter((id) => Number.isSafeInteger(id));
  // Generic plans: the segment evaluation is a prepared statement (segment-engine.ts) whose custom plans would be
  // planned anew on every run (they prune partitions at planning); a generic one prunes them when it starts.
  const begin = 'BEGIN; SET LOCAL plan_cache_mode = force_generic_plan';
  const first =
    ids.length > 0 ? `${begin}; SET LOCAL synchronous_commit = off; DELETE FROM customer_event_flushes WHERE id IN (${ids.join(',')}) RETURNING id` : begin;
  for (let attempt = 1; ; attempt++) {
    const client = await db.pool.connect();
    let broken: Error | undefined;
    try {
      // Several statements in one query: node-postgres answers one result per statement.
      const results = (await client.query(first)) as unknown as pg.QueryResult<{ id: number }>[] | pg.QueryResult<{ id: number }>;
      let events = batch;
      if (ids.length > 0) {
        const claimed = new Set((Array.isArray(results) ? results[3].rows : []).map((row) => Number(row.id)));
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
      client.release(broken);
    }
  }
}
