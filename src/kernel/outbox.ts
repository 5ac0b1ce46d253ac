import { sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Database, Executor, Tx } from './db.ts';
import type { Logger } from './logger.ts';

const channel = 'storeos_outbox';

/** A domain event as subscribers receive it. */
export interface DomainEvent<P = Record<string, unknown>> {
  id: number;
  tenantId: string;
  topic: string;
  payload: P;
  createdAt: Date;
}

/** Writes a domain event in the caller's transaction; it is dispatched only once that transaction commits. */
export async function publishEvent(tx: Executor, tenantId: string, topic: string, payload: Record<string, unknown>): Promise<void> {
  // One round trip: the insert and the NOTIFY in one statement. NOTIFY inside a transaction is delivered at commit,
  // and not at all on rollback: it wakes every node's dispatcher.
  await tx.execute(sql`WITH e AS (INSERT INTO outbox (tenant_id, topic, payload) VALUES (${tenantId}, ${topic}, ${JSON.stringify(payload)}::jsonb) RETURNING 1)
    SELECT pg_notify(${channel}, '') FROM e`);
}

/**
 * A scalar subquery that wakes the dispatchers for the rows a CTE of the caller's statement inserted into `outbox`
 * (`event AS (INSERT INTO outbox … RETURNING 1) SELECT …, (<this>) AS notified`): one statement then writes a change,
 * its event and the NOTIFY, which is delivered at commit as publishEvent's is.
 */
export function notifyOutboxOf(cte: string): string {
  return `SELECT count(pg_notify('${channel}', '')) FROM ${cte}`;
}

/** Writes many domain events of one tenant in one statement, in the caller's transaction (bulk changes). */
export async function publishEvents(tx: Executor, tenantId: string, events: { topic: string; payload: Record<string, unknown> }[]): Promise<void> {
  if (events.length === 0) return;
  await tx.execute(sql`INSERT INTO outbox (tenant_id, topic, payload)
    SELECT ${tenantId}, t, p::jsonb FROM unnest(${sql.param(events.map((e) => e.topic))}::text[], ${sql.param(events.map((e) => JSON.stringify(e.payload)))}::text[]) AS x(t, p)`);
  await notifyOutbox(tx);
}

/** Wakes the dispatchers at commit, after events were inserted into `outbox` by a statement of the caller's own. */
export async function notifyOutbox(tx: Executor): Promise<void> {
  await tx.execute(sql`SELECT pg_notify(${channel}, '')`);
}

/** A subscriber: runs in its own transaction together with its receipt, so a redelivered event is skipped. */
export interface Subscriber {
  name: string;
  /** Topic or a prefix ending in `*` (`alarm.*`). */
  topic: string;
  handle(event: DomainEvent, tx: Tx): Promise<void>;
}

function matches(pattern: string, topic: string) {
  return pattern.endsWith('*') ? topic.startsWith(pattern.slice(0, -1)) : pattern === topic;
}

/**
 * Delivers outbox events to subscribers at least once, in id order per batch. Several nodes may run it:
 * `FOR UPDATE SKIP LOCKED` hands each event to one of them; LISTEN/NOTIFY wakes them, a slow poll backs it up.
 */
export class OutboxDispatcher {
  private readonly subscribers: Subscriber[] = [];
  private listener: pg.PoolClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  /** A NOTIFY arrived while a batch was running: look again before sleeping, or that event waits for the poll. */
  private nudged = false;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly opts: { pollMs?: number; batch?: number } = {},
  ) {}

  /** Adds a subscriber; call before start. */
  subscribe(sub: Subscriber): void {
    this.subscribers.push(sub);
  }

  /** Starts listening and dispatching. */
  async start(): Promise<void> {
    this.listener = await this.db.pool.connect();
    this.listener.on('notification', () => {
      this.nudged = true;
      this.wake?.();
    });
    this.listener.on('error', (err) => this.log.warn({ err }, 'outbox listener lost its connection'));
    await this.listener.query(`LISTEN ${channel}`);
    this.loop = this.run();
  }

  /** Stops after the batch in hand. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    if (this.timer) clearTimeout(this.timer);
    await this.loop;
    if (this.listener) {
      await this.listener.query(`UNLISTEN ${channel}`).catch(() => {});
      this.listener.release();
      this.listener = undefined;
    }
  }

  private async run() {
    while (!this.stopped) {
      let handled = 0;
      try {
        handled = await this.dispatchBatch();
      } catch (err) {
        this.log.error({ err }, 'outbox dispatch failed');
      }
      if (handled > 0) continue;
      // Stopped while the batch ran (its wake found no sleeper): do not sleep a whole poll before noticing.
      if (this.stopped) break;
      if (this.nudged) {
        this.nudged = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.opts.pollMs ?? 2000);
      });
      if (this.timer) clearTimeout(this.timer);
      this.wake = undefined;
    }
  }

  /** Dispatches one batch of due events; returns how many it took. Exposed for tests and the CLI. */
  async dispatchBatch(): Promise<number> {
    const limit = this.opts.batch ?? 100;
    return this.db.orm.transaction(async (tx) => {
      const rows = await tx.execute<{ id: number; tenant_id: string; topic: string; payload: Record<string, unknown>; created_at: Date; attempts: number }>(sql`
        SELECT id, tenant_id, topic, payload, created_at, attempts FROM outbox
        WHERE dispatched_at IS NULL AND next_attempt_at <= now()
        ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`);
      for (const row of rows.rows) {
        const event: DomainEvent = { id: Number(row.id), tenantId: row.tenant_id, topic: row.topic, payload: row.payload, createdAt: row.created_at };
        const failure = await this.deliver(event);
        if (failure) {
          const attempts = row.attempts + 1;
          // Exponential backoff, capped at 10 minutes, so a broken subscriber does not spin.
          const delayS = Math.min(600, 2 ** Math.min(attempts, 10));
          await tx.execute(sql`UPDATE outbox SET attempts = ${attempts}, last_error = ${failure},
            next_attempt_at = now() + make_interval(secs => ${delayS}) WHERE id = ${event.id}`);
        } else {
          await tx.execute(sql`UPDATE outbox SET dispatched_at = now(), last_error = NULL WHERE id = ${event.id}`);
        }
      }
      return rows.rows.length;
    });
  }

  private async deliver(event: DomainEvent): Promise<string | undefined> {
    // Every subscriber gets its try: one that fails must not hold the event back from the others (receipts skip them on retry).
    const failures: string[] = [];
    for (const sub of this.subscribers) {
      if (!matches(sub.topic, event.topic)) continue;
      try {
        await this.db.orm.transaction(async (tx) => {
          const fresh = await tx.execute(sql`INSERT INTO outbox_receipts (subscriber, event_id) VALUES (${sub.name}, ${event.id})
            ON CONFLICT DO NOTHING RETURNING event_id`);
          if (fresh.rows.length === 0) return; // handled before a crash or by another node: at least once, applied once
          await sub.handle(event, tx);
        });
      } catch (err) {
        this.log.warn({ err, subscriber: sub.name, eventId: event.id, topic: event.topic }, 'subscriber failed; will retry');
        failures.push(`${sub.name}: ${(err as Error).message}`);
      }
    }
    return failures.length ? failures.join('; ') : undefined;
  }

  /** Seconds since the oldest undispatched event was written (0 when none wait). */
  async lagSeconds(): Promise<number> {
    const r = await this.db.pool.query<{ lag: number | null }>(
      'SELECT EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS lag FROM outbox WHERE dispatched_at IS NULL',
    );
    return r.rows[0]?.lag ?? 0;
  }
}
