import { gunzipSync, inflateSync } from 'node:zlib';
import { AppError } from '../../kernel/errors.ts';
import type { CollectionMetrics, EventOutcome } from './collection-metrics.ts';
import type { CollectionGuard, EventType } from './contract.ts';
import type { DebugInput, SourceDebugger } from './debugger.ts';
import { type CheckedEvent, checkEvent, isRefused } from './event-payloads.ts';
import { type EventWriter, RefusedByDatabase } from './event-writer.ts';
import { eventLimits } from './payload-bounds.ts';
import type { SourceInfo, SourceKeys } from './source-keys.ts';
import type { SourceRates } from './source-rates.ts';
import type { StoreDirectory } from './store-directory.ts';

/** Days a messageId of the API is remembered for deduplication (Segment promises 24 hours). */
export const apiDedupeDays = 7;

/** The endpoints of the collection API: one per event type, and a batch (`import` is Segment's alias of it). */
export type CollectPath = EventType | 'batch' | 'import';

/** A collection request as it arrived. */
export interface CollectRequest {
  path: CollectPath;
  body: Buffer;
  authorization?: string;
  contentEncoding?: string;
}

/** An event of the request that was not stored, by its index in the request. */
export interface RejectedItem {
  index: number;
  messageId: string | null;
  reason: string;
}

/** The answer to a collection request, sent after the stored events are committed. */
export interface CollectResult {
  success: true;
  stored: number;
  duplicates: number;
  suppressed: number;
  rejected: RejectedItem[];
}

/** What the collector works with. */
export interface CollectorParts {
  keys: SourceKeys;
  rates: SourceRates;
  stores: StoreDirectory;
  writer: EventWriter;
  debug: SourceDebugger;
  metrics: CollectionMetrics;
  guard: CollectionGuard;
  /** Events per second per source when the source sets none; 0 is no limit. */
  defaultRate: number;
}

/** Options of `ingest` for trusted callers (the CSV import). */
export interface IngestOptions {
  pathType?: EventType;
  receivedAt?: Date;
  batchSentAt?: unknown;
  batchContext?: Record<string, unknown>;
  keepDays?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The write key of HTTP Basic auth: the user name, password empty (Segment's HTTP API). */
export function basicUser(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? decoded : decoded.slice(0, colon);
}

/** Segment's HTTP Tracking API behind the routes: auth, limits, validation, suppression, group commit, debugger. */
export class Collector {
  constructor(private readonly p: CollectorParts) {}

  /** Handles one request; throws AppError for a request refused whole (400, 401, 403, 429). */
  async collect(req: CollectRequest): Promise<CollectResult> {
    const batch = req.path === 'batch' || req.path === 'import';
    const limit = batch ? eventLimits.batchBytes : eventLimits.eventBytes;
    const body = this.decode(req.body, req.contentEncoding, limit);
    if (body.length > limit) this.refuse('too_large', 'invalid', `the request is over ${limit / 1024} KB (Segment's limit for ${batch ? 'a batch' : 'one event'})`);
    const headerKey = basicUser(req.authorization);
    let source = headerKey === undefined ? undefined : await this.source(headerKey);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (err) {
      this.refuse('malformed', 'invalid', `malformed JSON: ${(err as Error).message}`);
    }
    if (!isObject(parsed)) this.refuse('malformed', 'invalid', 'the body must be a JSON object');
    if (!source) {
      const key = typeof parsed.writeKey === 'string' ? parsed.writeKey : undefined;
      if (key === undefined) this.refuse('unauthorized', 'unauthorized', 'send the write key as the HTTP Basic user name (empty password) or as writeKey in the body');
      source = await this.source(key);
    }
    let raws: unknown[];
    if (batch) {
      if (!Array.isArray(parsed.batch)) this.refuse('malformed', 'invalid', 'a batch request needs "batch": an array of events');
      raws = parsed.batch;
    } else {
      raws = [parsed];
    }
    const rate = source.rateLimit ?? this.p.defaultRate;
    const wait = this.p.rates.take(source.id, rate, raws.length);
    if (wait > 0) {
      this.p.metrics.requestRefused('rate_limited');
      throw new AppError('rate_limited', `source ${source.id} may send ${rate} events per second; retry after ${wait} s`, { retryAfter: wait }, { 'retry-after': String(wait) });
    }
    return this.ingest(source, raws, {
      pathType: batch ? undefined : (req.path as EventType),
      batchSentAt: batch ? parsed.sentAt : undefined,
      batchContext: batch && isObject(parsed.context) ? parsed.context : undefined,
    });
  }

  /** Checks, stores and reports events of a source (no auth or rate limit: the caller is trusted or checked them). */
  async ingest(source: SourceInfo, raws: unknown[], opts: IngestOptions = {}): Promise<CollectResult> {
    await this.p.stores.ready(source.tenantId);
    const receivedAt = opts.receivedAt ?? new Date();
    const frame = {
      tenantId: source.tenantId,
      sourceId: source.id,
      channel: source.channel,
      sourceStoreId: source.storeId,
      storeOf: (named: string) => this.p.stores.resolve(source.tenantId, named),
      receivedAt,
      batchSentAt: opts.batchSentAt,
      batchContext: opts.batchContext,
    };
    const debug: DebugInput[] = new Array(raws.length);
    const valid: CheckedEvent[] = [];
    const validAt: number[] = [];
    const rejected: RejectedItem[] = [];
    let suppressed = 0;
    raws.forEach((raw, index) => {
      const c = checkEvent(raw, opts.pathType, frame);
      if (isRefused(c)) {
        rejected.push({ index, messageId: c.messageId ?? null, reason: c.reason });
        debug[index] = { status: 'rejected', reason: c.reason, raw };
        this.p.metrics.rejected(source.channel, c.code);
      } else if (this.p.guard.isSuppressed(source.tenantId, c.event)) {
        suppressed++;
        debug[index] = { status: 'suppressed', raw, bytes: c.bytes };
      } else {
        valid.push(c);
        validAt.push(index);
      }
    });
    let fresh: boolean[];
    try {
      fresh = await this.p.writer.append(valid, opts.keepDays ?? apiDedupeDays);
    } catch (err) {
      const reason = err instanceof RefusedByDatabase ? err.message : 'not stored: the database could not be written';
      for (const index of validAt) debug[index] = { status: 'failed', reason, raw: raws[index] };
      this.record(source, debug, receivedAt, { failed: valid.length, rejected: rejected.length, suppressed });
      if (err instanceof RefusedByDatabase) throw new AppError('invalid', err.message);
      throw err;
    }
    let stored = 0;
    fresh.forEach((isNew, k) => {
      // A duplicate is a retry of an event stored before: acknowledged again, stored once.
      if (isNew) stored++;
      debug[validAt[k]] = { status: isNew ? 'stored' : 'duplicate', raw: raws[validAt[k]], bytes: valid[k].bytes };
    });
    const duplicates = valid.length - stored;
    this.record(source, debug, receivedAt, { stored, duplicate: duplicates, rejected: rejected.length, suppressed });
    return { success: true, stored, duplicates, suppressed, rejected };
  }

  private record(source: SourceInfo, debug: DebugInput[], at: Date, counts: Partial<Record<EventOutcome, number>>): void {
    for (const [outcome, n] of Object.entries(counts) as [EventOutcome, number][]) this.p.metrics.counted(source.channel, outcome, n);
    this.p.debug.record(source.tenantId, source.id, debug, at.toISOString());
  }

  private async source(key: string): Promise<SourceInfo> {
    const source = await this.p.keys.byWriteKey(key);
    if (!source) this.refuse('unauthorized', 'unauthorized', 'unknown write key');
    if (!source.enabled) this.refuse('disabled', 'forbidden', `source ${source.id} is disabled`);
    return source;
  }

  private decode(body: Buffer, encoding: string | undefined, limit: number): Buffer {
    const e = encoding?.trim().toLowerCase();
    if (!e || e === 'identity') return body;
    try {
      // One byte over the limit is enough to tell "too large" without inflating a bomb.
      if (e === 'gzip') return gunzipSync(body, { maxOutputLength: limit + 1 });
      if (e === 'deflate') return inflateSync(body, { maxOutputLength: limit + 1 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return Buffer.alloc(limit + 1);
      this.refuse('malformed', 'invalid', `the ${e} body could not be decompressed`);
    }
    this.refuse('malformed', 'invalid', `content-encoding ${e} is not supported (gzip, deflate or none)`);
  }

  private refuse(reason: string, kind: 'invalid' | 'unauthorized' | 'forbidden', message: string): never {
    this.p.metrics.requestRefused(reason);
    throw new AppError(kind, message);
  }
}
