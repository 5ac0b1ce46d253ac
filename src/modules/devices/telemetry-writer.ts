import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DroppedMessage } from './contract.ts';
import { copyColumns } from './telemetry-rows.ts';

/**
 * Group commit of telemetry. Concurrent messages are appended to one open batch; a flush writes a whole batch with ONE
 * `COPY … FROM STDIN` in a transaction, and every caller's promise resolves only after that COMMIT ("acknowledged
 * means durable"). A couple of flushes run at once, so the next batch fills while the previous one commits: the more
 * load, the bigger the batches, the fewer commits per message.
 */

/** Tuning of the writer; the defaults suit the 2-core target machine. */
export interface WriterOptions {
  /** Flushes in flight at once (each on its own connection). */
  maxInFlight: number;
  /** A batch is sealed at this many rows and the next one opened. */
  maxBatchRows: number;
  /** Appends wait (back-pressure) while this many rows are waiting to be written. */
  maxPendingRows: number;
}

export const defaultWriterOptions: WriterOptions = { maxInFlight: 2, maxBatchRows: 20_000, maxPendingRows: 200_000 };

/** What the writer reports per flush, for metrics. */
export interface FlushReport {
  rows: number;
  messages: number;
  /** From the first append of the batch to its COMMIT. */
  waitedMs: number;
  /** From BEGIN to COMMIT. */
  commitMs: number;
}

interface Pending<T> {
  text: string;
  rows: number;
  tag: T;
  /** What the caller's promise resolves with (passed in, so resolving needs no closure per message). */
  result: unknown;
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
}

interface Batch<T> {
  items: Pending<T>[];
  rows: number;
  openedAt: number;
}

const copySql = `COPY telemetry_entries (${copyColumns}) FROM STDIN`;

/** Whether a database error is about the rows (a bad value, no partition) rather than the connection or the server. */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23') || code.startsWith('54'));
}

/** Group-committing telemetry writer; `onCommitted` receives the tags of committed messages, in flush order. */
export class TelemetryWriter<T> {
  private open: Batch<T> = { items: [], rows: 0, openedAt: 0 };
  private readonly sealed: Batch<T>[] = [];
  private inFlight = 0;
  private pendingRows = 0;
  private scheduled = false;
  private roomWaiters: (() => void)[] = [];
  private handoff: Promise<void> = Promise.resolve();
  private idle: (() => void)[] = [];

  constructor(
    private readonly pool: pg.Pool,
    private readonly onCommitted: (tags: T[]) => void,
    private readonly onFlush: (report: FlushReport) => void,
    private readonly opts: WriterOptions = defaultWriterOptions,
  ) {}

  /** Rows appended and not yet committed. */
  get pending(): number {
    return this.pendingRows;
  }

  /** Appends encoded rows; resolves with `result` once they are committed, rejects if they could not be. */
  append<R>(text: string, rows: number, tag: T, result: R): Promise<R> {
    if (this.pendingRows >= this.opts.maxPendingRows) return this.waitForRoom().then(() => this.append(text, rows, tag, result));
    return new Promise<R>((resolve, reject) => {
      const batch = this.open;
      if (batch.items.length === 0) batch.openedAt = performance.now();
      batch.items.push({ text, rows, tag, result, resolve: resolve as (result: unknown) => void, reject });
      batch.rows += rows;
      this.pendingRows += rows;
      if (batch.rows >= this.opts.maxBatchRows) this.seal();
      this.schedule();
    });
  }

  /** Resolves when nothing is waiting or in flight (shutdown, tests). */
  drain(): Promise<void> {
    if (this.inFlight === 0 && this.pendingRows === 0) return this.handoff;
    return new Promise<void>((resolve) => this.idle.push(resolve)).then(() => this.handoff);
  }

  private waitForRoom(): Promise<void> {
    return new Promise<void>((resolve) => this.roomWaiters.push(resolve));
  }

  private seal(): void {
    if (this.open.items.length === 0) return;
    this.sealed.push(this.open);
    this.open = { items: [], rows: 0, openedAt: 0 };
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.opts.maxInFlight) return;
    this.scheduled = true;
    // setImmediate, not a microtask: messages whose I/O arrived in the same loop turn join the batch.
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
      const done = this.flush(batch).catch((): T[] => []);
      // Hand-offs (alarms, live feed, latest values) run in flush order even when a later flush commits first.
      this.handoff = this.handoff
        .then(() => done)
        .then((tags) => {
          if (tags.length > 0) this.onCommitted(tags);
        })
        .catch(() => {}); // onCommitted guards its own work; the chain must never stay rejected
      void done.finally(() => {
        this.inFlight--;
        this.pump();
        if (this.inFlight === 0 && this.pendingRows === 0) for (const resolve of this.idle.splice(0)) resolve();
      });
    }
  }

  private async flush(batch: Batch<T>): Promise<T[]> {
    const committed: T[] = [];
    const started = performance.now();
    try {
      await this.write(batch.items, committed);
      const now = performance.now();
      this.onFlush({ rows: batch.rows, messages: batch.items.length, waitedMs: now - batch.openedAt, commitMs: now - started });
    } finally {
      this.pendingRows -= batch.rows;
      for (const wake of this.roomWaiters.splice(0)) wake();
    }
    return committed;
  }

  /** Writes items in one COPY; a refusal caused by the data is narrowed down by halves to the message that holds it. */
  private async write(items: Pending<T>[], committed: T[]): Promise<void> {
    try {
      await this.copy(items);
    } catch (err) {
      if (!isDataError(err)) {
        for (const item of items) item.reject(err as Error);
        return;
      }
      if (items.length === 1) {
        items[0].reject(new DroppedMessage('invalid_shape', `the database refused the message: ${(err as Error).message}`));
        return;
      }
      const half = items.length >> 1;
      await this.write(items.slice(0, half), committed);
      await this.write(items.slice(half), committed);
      return;
    }
    for (const item of items) {
      committed.push(item.tag);
      item.resolve(item.result);
    }
  }

  private async copy(items: Pending<T>[]): Promise<void> {
    let text = '';
    for (const item of items) text += item.text;
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const stream = client.query(copyFrom(copySql));
        await new Promise<void>((resolve, reject) => {
          stream.on('error', reject);
          stream.on('finish', resolve);
          stream.end(text);
        });
        // Persist before you acknowledge: callers are resolved only after this COMMIT returns.
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => {
          broken = e;
        });
        throw err;
      }
    } catch (err) {
      if (!isDataError(err)) broken ??= err as Error;
      throw err;
    } finally {
      // A connection that failed for other reasons than the data is not given back to the pool.
      client.release(broken);
    }
  }
}
