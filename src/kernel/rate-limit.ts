import { createHash } from 'node:crypto';
import type { Database } from './db.ts';
import { AppError } from './errors.ts';

/** Counts calls per key in fixed windows; over the limit, `take` throws 429 with Retry-After. */
export interface RateLimiter {
  take(key: string): Promise<void>;
}

function refuse(retryAfterMs: number): never {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  throw new AppError('rate_limited', `too many requests; try again in ${retryAfter} s`, { retryAfter }, { 'retry-after': String(retryAfter) });
}

/** How often a node deletes windows that ended more than a day ago. */
const pruneEveryMs = 10 * 60_000;

/**
 * A limiter whose counts live in PostgreSQL, so a flood spread over every node of a cluster meets one limit: one
 * upsert per call. Keys are hashed with the limiter's name (an address is personal data, so it is not stored).
 */
export function sharedRateLimiter(db: Database, name: string, limit: number, windowMs: number, clock: () => number = Date.now): RateLimiter {
  let prunedAt = 0;
  return {
    async take(key) {
      const now = clock();
      const start = Math.floor(now / windowMs) * windowMs;
      const hashed = createHash('sha256').update(`${name}\0${key}`).digest('base64url');
      const { rows } = await db.pool.query<{ hits: number }>({
        name: 'rate_limit_take',
        text: `INSERT INTO rate_limit_windows (key, window_start, hits) VALUES ($1, $2, 1)
          ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_windows.hits + 1 RETURNING hits`,
        values: [hashed, new Date(start)],
      });
      if (now - prunedAt > pruneEveryMs) {
        prunedAt = now;
        await db.pool.query(`DELETE FROM rate_limit_windows WHERE window_start < now() - interval '1 day'`);
      }
      if (rows[0].hits > limit) refuse(start + windowMs - now);
    },
  };
}
