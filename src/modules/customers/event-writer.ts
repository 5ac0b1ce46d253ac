import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import type { Orm } from '../../kernel/db.ts';
import type { CommittedEvent, IdentityResolver } from './contract.ts';
import { codeOf, FlushIds, type FlushResult, writeFlush } from './event-flush.ts';
import type { EventPartitions } from './event-partitions.ts';
import type { CheckedEvent } from './event-payloads.ts';

/**
 * Group commit of customer events. Concurrent requests append to one open batch; a flush takes a whole batch through
 * ONE transaction: the messageIds into the dedupe table (`ON CONFLICT DO NOTHING RETURNING` tells which are new),
 * identity resolution of the new events, the flush parts the profile pipeline has yet to apply, ONE `COPY` of their
 * rows, COMMIT (event-flush.ts). Every caller's promise resolves only after that COMMIT ("acknowledged means
 * durable"). Two flushes run at once, so the next batch fills while one commits: the more load, the bigger the
 * batches, the fewer statements per event.
 */

/** Tuning of the writer; the defaults suit the 2-core target machine. */
export interface EventWriterOptions {
  maxInFlight: number;
  /** A batch is sealed at this many events. */
  maxBatchEvents: number;
  /** Appends wait (back-pressure) while this many events are waiting. */
  maxPendingEvents: number;
  /** Appends also wait while this many committed events wait for the profile pipeline, so it never falls far behind. */
  maxHandoffEvents: number;
}

export const defaultEventWriterOptions: EventWriterOptions = { maxInFlight: 2, maxBatchEvents: 10_000, maxPendingEvents: 100_000, maxHandoffEvents: 100_000 };

/** What one flush did, for metrics. */
export interface EventFlushReport {
  events: number;
  stored: number;
  requests: number;
  /** From the first append of the batch to its COMMIT. */
  waitedMs: number;
  /** From BEGIN to COMMIT. */
  commitMs: number;
}

/** A committed event with the profile it was resolved to and its flush part. */
export type StoredEvent = CommittedEvent;

interface Pending {
  events: CheckedEvent[];
  keepDays: number;
  resolve: (fresh: boolean[]) => void;
  reject: (err: Error) => void;
}

interface Batch {
  items: Pending[];
  events: number;
  openedAt: number;
}

/** A refusal caused by the rows (a bad value), not by the connection or the server. */
const isDataError = (err: unknown) => /^(22|23|54)/.test(codeOf(err)) && codeOf(err) !== '23505';
/**
 * Two flushes (or a flush and the identity graph) raced: a deadlock, a serialization failure, or a unique key the
 * other just committed (only the resolver inserts under unique keys without ON CONFLICT). Running it again succeeds.
 */
const isRetryable = (err: unknown) => ['40P01', '40001', '23505'].includes(codeOf(err));

/** A request whose events the database refused even alone (should not happen: event-payloads.ts checks first). */
export class RefusedByDatabase extends Error {}

/** Group-committing event writer; `onCommitted` receives each flush's new events, in commit order. */
export class EventWriter {
  private open: Batch = { items: [], events: 0, openedAt: 0 };
  private readonly sealed: Batch[] = [];
  private inFlight = 0;
  private pendingEvents = 0;
  private handoffEvents = 0;
  private scheduled = false;
  private roomWaiters: (() => void)[] = [];
  private handoff: Promise<void> = Promise.resolve();
  private idle: (() => void)[] = [];
  private readonly ids = new FlushIds();

  constructor(
    private readonly pool: pg.Pool,
    private readonly partitions: EventPartitions,
    private readonly resolver: IdentityResolver,
    private readonly onCommitted: (events: StoredEvent[]) => Promise<void>,
    private readonly onFlush: (report: EventFlushReport) => void,
    private readonly opts: EventWriterOptions = defaultEventWriterOptions,
  ) {}

  /** Events appended and not yet committed. */
  get pending(): number {
    return this.pendingEvents;
  }

  /** Events committed and not yet through the profile pipeline. */
  get handingOff(): number {
    return this.handoffEvents;
  }

  /**
   * Appends checked events; resolves after COMMIT with, per event, whether it was new (false: its messageId was
   * stored before). `keepDays` is how long the messageIds are remembered for deduplication.
   */
  append(events: CheckedEvent[], keepDays: number): Promise<boolean[]> {
    if (events.length === 0) return Promise.resolve([]);
    if (this.pendingEvents >= this.opts.maxPendingEvents || this.handoffEvents >= this.opts.maxHandoffEvents) {
      return this.waitForRoom().then(() => this.append(events, keepDays));
    }
    return new Promise<boolean[]>((resolve, reject) => {
      const batch = this.open;
      if (batch.items.length === 0) batch.openedAt = performance.now();
      batch.items.push({ events, keepDays, resolve, reject });
      batch.events += events.length;
      this.pendingEvents += events.length;
      if (batch.events >= this.opts.maxBatchEvents) this.seal();
      this.schedule();
    });
  }

  /** Resolves when nothing is waiting or in flight and every hand-off ran (shutdown, tests). */
  drain(): Promise<void> {
    if (this.inFlight === 0 && this.pendingEvents === 0) return this.handoff;
    return new Promise<void>((resolve) => this.idle.push(resolve)).then(() => this.handoff);
  }

  private wakeWaiters(): void {
    for (const wake of this.roomWaiters.splice(0)) wake();
  }

  private waitForRoom(): Promise<void> {
    return new Promise<void>((resolve) => this.roomWaiters.push(resolve));
  }

  private seal(): void {
    if (this.open.items.length === 0) return;
    this.sealed.push(this.open);
    this.open = { items: [], events: 0, openedAt: 0 };
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.opts.maxInFlight) return;
    this.scheduled = true;
    // setImmediate, not a microtask: requests whose bodies arrived in the same loop turn join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.opts.maxInFlight) {
      if (this.sealed.length === 0) this.seal();
      const batch = this.sealed.shift();
      if (!batch) break;
      this.inFlight++;
      const done = this.flush(batch).catch((): StoredEvent[] => []);
      void done.then((stored) => {
        this.handoffEvents += stored.length;
      });
      // The profile pipeline sees flushes in commit order even when a later flush commits first.
      this.handoff = this.handoff
        .then(() => done)
        .then(async (stored) => {
          try {
            if (stored.length > 0) await this.onCommitted(stored);
          } finally {
            this.handoffEvents -= stored.length;
            this.wakeWaiters();
          }
        })
        .catch(() => {}); // onCommitted guards its own work; the chain must never stay rejected
      void done.finally(() => {
        this.inFlight--;
        this.pump();
        if (this.inFlight === 0 && this.pendingEvents === 0) for (const resolve of this.idle.splice(0)) resolve();
      });
    }
  }

  private async flush(batch: Batch): Promise<StoredEvent[]> {
    const stored: StoredEvent[] = [];
    const started = performance.now();
    try {
      await this.write(batch.items, stored);
      const now = performance.now();
      this.onFlush({ events: batch.events, stored: stored.length, requests: batch.items.length, waitedMs: now - batch.openedAt, commitMs: now - started });
    } finally {
      this.pendingEvents -= batch.events;
      this.wakeWaiters();
    }
    return stored;
  }

  /** Writes items in one transaction; a refusal caused by the data is narrowed down by halves to the request that holds it. */
  private async write(items: Pending[], stored: StoredEvent[]): Promise<void> {
    let result: FlushResult;
    try {
      result = await this.transact(items);
    } catch (err) {
      if (!isDataError(err)) {
        for (const item of items) item.reject(err as Error);
        return;
      }
      if (items.length === 1) {
        items[0].reject(new RefusedByDatabase(`the database refused the events: ${(err as Error).message}`));
        return;
      }
      const half = items.length >> 1;
      await this.write(items.slice(0, half), stored);
      await this.write(items.slice(half), stored);
      return;
    }
    stored.push(...result.stored);
    for (let k = 0; k < items.length; k++) items[k].resolve(result.fresh[k]);
  }

  private async transact(items: Pending[]): Promise<FlushResult> {
    const times: number[] = [];
    for (const item of items) for (const c of item.events) times.push(c.event.timestamp.getTime());
    await this.partitions.ensure(times);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(items);
      } catch (err) {
        if (!isRetryable(err) || attempt >= 3) throw err;
      }
    }
  }

  private async once(items: Pending[]): Promise<FlushResult> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      const orm = drizzle(client) as Orm;
      return await orm.transaction((tx) => writeFlush(client, tx, items, this.resolver, this.ids));
    } catch (err) {
      if (!isDataError(err) && !isRetryable(err)) broken = err as Error;
      throw err;
    } finally {
      // A connection that failed for other reasons than the data is not given back to the pool.
      client.release(broken);
    }
  }
}
