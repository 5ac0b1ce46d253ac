import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DroppedMessage } from './contract.ts';
import { copyColumns, entryText, rowRoom, type TelemetryEntry, writeEntry, writeEntryBytes } from './telemetry-rows.ts';

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

/** Called once a message is committed (err null, with the result it was appended with) or could not be; `tag` is the message's. */
export type Done<R, T = unknown> = (err: Error | null, result: R | undefined, tag: T) => void;

interface Pending<T> {
  /** Where the message's rows lie in its batch's buffer. */
  start: number;
  end: number;
  rows: number;
  tag: T;
  /** What `done` is called with (passed in, so settling needs no closure per message). */
  result: unknown;
  done: Done<unknown, T>;
}

interface Batch<T> {
  items: Pending<T>[];
  rows: number;
  openedAt: number;
  /** The batch's rows as COPY text, written in as messages are appended: one buffer, no string kept per message. */
  bytes: RowBytes;
}

/** A growing byte buffer of COPY rows; buffers of finished batches are reused. */
class RowBytes {
  buf: Buffer;
  length = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Appends the text; answers where it ends. */
  write(text: string): number {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    this.reserve(text.length * 3);
    this.length += this.buf.write(text, this.length, 'utf8');
    return this.length;
  }

  /** Appends a message's entries as rows, written in place. */
  writeEntries(sid: number, retentionDays: number, entries: TelemetryEntry[]): void {
    for (const e of entries) {
      const text = entryText(e);
      this.reserve(rowRoom(text));
      this.length = writeEntry(this.buf, this.length, sid, retentionDays, e.ts, text);
    }
  }

  /** Appends one row whose values' JSON is `src` from `start` to `end` (bytes that need no COPY escape). */
  writeEntryBytes(sid: number, retentionDays: number, ts: number, src: Buffer, start: number, end: number): void {
    this.reserve(64 + end - start);
    this.length = writeEntryBytes(this.buf, this.length, sid, retentionDays, ts, src, start, end);
  }

  private reserve(room: number): void {
    if (this.length + room <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + room));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }
}

const initialBatchBytes = 1 << 20;
/** Buffers of flushed batches kept for reuse (one per flush in flight, and the open one). */
const spareBuffers = 3;

const copySql = `COPY telemetry_entries (${copyColumns}) FROM STDIN`;

/** Whether a database error is about the rows (a bad value, no partition) rather than the connection or the server. */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23') || code.startsWith('54'));
}

/** Calls a message's `done`; a callback that throws cannot keep the rest of its batch from being settled. */
function settle<T>(item: Pending<T>, err: Error | null): void {
  try {
    if (err) item.done(err, undefined, item.tag);
    else item.done(null, item.result, item.tag);
  } catch {
    // the caller's own failure; nothing the writer can do about it
  }
}

/** Group-committing telemetry writer; `onCommitted` receives the tags of committed messages, in flush order. */
export class TelemetryWriter<T> {
  private readonly spare: RowBytes[] = [];
  private open: Batch<T> = this.newBatch();
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
    return new Promise<R>((resolve, reject) => this.appendThen(text, rows, tag, result, (err) => (err ? reject(err) : resolve(result))));
  }

  /** Appends encoded rows; `done` is called once they are committed or could not be (the hot path: no promise per message). */
  appendThen<R>(text: string, rows: number, tag: T, result: R, done: Done<R, T>): void {
    if (this.pendingRows >= this.opts.maxPendingRows) {
      this.waitForRoom().then(() => this.appendThen(text, rows, tag, result, done));
      return;
    }
    const start = this.open.bytes.length;
    this.open.bytes.write(text);
    this.added(start, rows, tag, result, done);
  }

  /** The same for a message's entries, written as rows straight into the batch's buffer: no row string per message. */
  appendEntriesThen<R>(sid: number, retentionDays: number, entries: TelemetryEntry[], tag: T, result: R, done: Done<R, T>): void {
    if (this.pendingRows >= this.opts.maxPendingRows) {
      this.waitForRoom().then(() => this.appendEntriesThen(sid, retentionDays, entries, tag, result, done));
      return;
    }
    const start = this.open.bytes.length;
    this.open.bytes.writeEntries(sid, retentionDays, entries);
    this.added(start, entries.length, tag, result, done);
  }

  /** The same for a message of one entry whose values' JSON lies in `src` as bytes (telemetry-flat-payload.ts). */
  appendBytesThen<R>(sid: number, retentionDays: number, ts: number, src: Buffer, start: number, end: number, tag: T, result: R, done: Done<R, T>): void {
    if (this.pendingRows >= this.opts.maxPendingRows) {
      this.waitForRoom().then(() => this.appendBytesThen(sid, retentionDays, ts, src, start, end, tag, result, done));
      return;
    }
    const at = this.open.bytes.length;
    this.open.bytes.writeEntryBytes(sid, retentionDays, ts, src, start, end);
    this.added(at, 1, tag, result, done);
  }

  /** Records a message whose rows were just written to the open batch from `start` on. */
  private added<R>(start: number, rows: number, tag: T, result: R, done: Done<R, T>): void {
    const batch = this.open;
    if (batch.items.length === 0) batch.openedAt = performance.now();
    batch.items.push({ start, end: batch.bytes.length, rows, tag, result, done: done as Done<unknown, T> });
    batch.rows += rows;
    this.pendingRows += rows;
    if (batch.rows >= this.opts.maxBatchRows) this.seal();
    this.schedule();
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
    this.open = this.newBatch();
  }

  private newBatch(): Batch<T> {
    const bytes = this.spare.pop() ?? new RowBytes(initialBatchBytes);
    bytes.length = 0;
    return { items: [], rows: 0, openedAt: 0, bytes };
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
      await this.write(batch.bytes.buf, batch.items, committed);
      const now = performance.now();
      this.onFlush({ rows: batch.rows, messages: batch.items.length, waitedMs: now - batch.openedAt, commitMs: now - started });
    } finally {
      this.pendingRows -= batch.rows;
      if (this.spare.length < spareBuffers && batch.bytes.buf.length <= initialBatchBytes * 8) this.spare.push(batch.bytes);
      for (const wake of this.roomWaiters.splice(0)) wake();
    }
    return committed;
  }

  /** Writes items in one COPY; a refusal caused by the data is narrowed down by halves to the message that holds it. */
  private async write(buf: Buffer, items: Pending<T>[], committed: T[]): Promise<void> {
    try {
      // A batch's messages, and any run of them, lie one after the other in its buffer.
      await this.copy(buf.subarray(items[0].start, items[items.length - 1].end));
    } catch (err) {
      if (!isDataError(err)) {
        for (const item of items) settle(item, err as Error);
        return;
      }
      if (items.length === 1) {
        settle(items[0], new DroppedMessage('invalid_shape', `the database refused the message: ${(err as Error).message}`));
        return;
      }
      const half = items.length >> 1;
      await this.write(buf, items.slice(0, half), committed);
      await this.write(buf, items.slice(half), committed);
      return;
    }
    for (const item of items) {
      committed.push(item.tag);
      settle(item, null);
    }
  }

  private async copy(rows: Buffer): Promise<void> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const stream = client.query(copyFrom(copySql));
        await new Promise<void>((resolve, reject) => {
          stream.on('error', reject);
          stream.on('finish', resolve);
          stream.end(rows);
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
