import type pg from 'pg';
import type { Logger } from '../../kernel/logger.ts';

/**
 * The event debugger of each source: the last events as received, with what became of them (stored, duplicate,
 * rejected with its reason, suppressed, failed), in a ring buffer per source in this node's memory; rejected ones
 * are also written to `source_errors` in the background (the last `keptErrors` per source), so they survive a
 * restart and are the same on every node. Live subscribers (SSE) get each entry as it is recorded.
 */

export type DebugStatus = 'stored' | 'duplicate' | 'rejected' | 'suppressed' | 'failed';

/** One event in the debugger. */
export interface DebugEntry {
  at: string;
  status: DebugStatus;
  reason: string | null;
  messageId: string | null;
  type: string | null;
  event: string | null;
  /** The event as received; a text preview (and `truncated`) when it was over `rawLimit` bytes. */
  raw: unknown;
  truncated: boolean;
}

const ringSize = 100;
/** Raw events larger than this are kept as a text preview of this length. */
const rawLimit = 8192;
const keptErrors = 200;
const maxUnwrittenErrors = 5000;

interface Ring {
  entries: DebugEntry[];
  next: number;
}

interface ErrorRow {
  tenantId: string;
  sourceId: string;
  entry: DebugEntry;
}

/** What the debugger is told about one event. */
export interface DebugInput {
  status: DebugStatus;
  reason?: string;
  raw: unknown;
  /** The size of the raw event when known (valid events), so large ones are cut without serialising them. */
  bytes?: number;
}

const text = (v: unknown, limit: number) => (typeof v === 'string' ? v.slice(0, limit) : null);

/** Builds an entry; a large raw event becomes a preview of its JSON text. */
export function debugEntry(input: DebugInput, at: string): DebugEntry {
  const raw = input.raw as Record<string, unknown> | null;
  const obj = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {};
  let kept: unknown = input.raw;
  let truncated = false;
  if (input.bytes === undefined || input.bytes > rawLimit) {
    const json = JSON.stringify(input.raw) ?? 'undefined';
    if (json.length > rawLimit) {
      kept = json.slice(0, rawLimit);
      truncated = true;
    }
  }
  return {
    at,
    status: input.status,
    reason: input.reason ?? null,
    messageId: text(obj.messageId, 100),
    type: text(obj.type, 20),
    event: text(obj.event ?? obj.name, 200),
    raw: kept,
    truncated,
  };
}

/** The debugger of every source on this node. */
export class SourceDebugger {
  private readonly rings = new Map<string, Ring>();
  private readonly listeners = new Map<string, Set<(entry: DebugEntry) => void>>();
  private unwritten: ErrorRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
  ) {}

  /** Records what became of events of a source. */
  record(tenantId: string, sourceId: string, inputs: DebugInput[], at = new Date().toISOString()): void {
    const ring = this.rings.get(sourceId) ?? { entries: [], next: 0 };
    this.rings.set(sourceId, ring);
    const listeners = this.listeners.get(sourceId);
    // Only the last ringSize entries can survive: older inputs of a large batch are skipped unless they are errors.
    const from = Math.max(0, inputs.length - ringSize);
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i];
      if (i < from && input.status !== 'rejected' && !listeners) continue;
      const entry = debugEntry(input, at);
      if (i >= from) {
        ring.entries[ring.next] = entry;
        ring.next = (ring.next + 1) % ringSize;
      }
      if (entry.status === 'rejected' && this.unwritten.length < maxUnwrittenErrors) this.unwritten.push({ tenantId, sourceId, entry });
      if (listeners) for (const l of listeners) l(entry);
    }
  }

  /** The source's last events on this node, newest first. */
  recent(sourceId: string): DebugEntry[] {
    const ring = this.rings.get(sourceId);
    if (!ring) return [];
    const n = ring.entries.length;
    const out: DebugEntry[] = [];
    for (let k = 1; k <= n; k++) out.push(ring.entries[(ring.next - k + n) % n]);
    return out;
  }

  /** The source's last rejected events from every node, newest first. */
  async errors(sourceId: string, limit = 50): Promise<(DebugEntry & { id: number })[]> {
    await this.flush();
    const r = await this.pool.query<{ id: number; at: Date; message_id: string | null; type: string | null; reason: string; raw: string | null }>(
      'SELECT id, at, message_id, type, reason, raw FROM source_errors WHERE source_id = $1 ORDER BY id DESC LIMIT $2',
      [sourceId, limit],
    );
    return r.rows.map((row) => {
      let raw: unknown = row.raw;
      let truncated = true;
      try {
        raw = row.raw === null ? null : JSON.parse(row.raw);
        truncated = false;
      } catch {}
      return { id: row.id, at: row.at.toISOString(), status: 'rejected', reason: row.reason, messageId: row.message_id, type: row.type, event: null, raw, truncated };
    });
  }

  /** Subscribes to a source's entries as they are recorded; returns the unsubscribe. */
  subscribe(sourceId: string, listener: (entry: DebugEntry) => void): () => void {
    const set = this.listeners.get(sourceId) ?? new Set();
    this.listeners.set(sourceId, set);
    set.add(listener);
    return () => {
      const s = this.listeners.get(sourceId);
      s?.delete(listener);
      if (s?.size === 0) this.listeners.delete(sourceId);
    };
  }

  /** Writes rejected events every second. */
  start(): void {
    this.timer = setInterval(() => void this.flush(), 1000);
    this.timer.unref();
  }

  /** Writes what is left and stops. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** Writes the rejected events recorded so far, and trims each touched source to its last `keptErrors`. */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.write()).catch((err) => this.log.warn({ err }, 'writing debugger errors failed'));
    return this.writing;
  }

  private async write(): Promise<void> {
    const rows = this.unwritten.splice(0);
    if (rows.length === 0) return;
    const cols = { t: [] as string[], s: [] as string[], at: [] as string[], m: [] as (string | null)[], ty: [] as (string | null)[], r: [] as string[], raw: [] as string[] };
    for (const { tenantId, sourceId, entry } of rows) {
      cols.t.push(tenantId);
      cols.s.push(sourceId);
      cols.at.push(entry.at);
      cols.m.push(entry.messageId && stripUnstorable(entry.messageId));
      cols.ty.push(entry.type && stripUnstorable(entry.type));
      cols.r.push(stripUnstorable(entry.reason ?? ''));
      // JSON text escapes NUL and lone surrogates; only a cut through a surrogate pair needs mending.
      const json = typeof entry.raw === 'string' && entry.truncated ? entry.raw : (JSON.stringify(entry.raw) ?? 'null').slice(0, rawLimit);
      cols.raw.push(stripUnstorable(json));
    }
    await this.pool.query(
      `INSERT INTO source_errors (tenant_id, source_id, at, message_id, type, reason, raw)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[])`,
      [cols.t, cols.s, cols.at, cols.m, cols.ty, cols.r, cols.raw],
    );
    const touched = [...new Set(cols.s)];
    await this.pool.query(
      `DELETE FROM source_errors e USING unnest($1::text[]) AS s(id)
       WHERE e.source_id = s.id AND e.id < (SELECT id FROM source_errors WHERE source_id = s.id ORDER BY id DESC OFFSET ${keptErrors - 1} LIMIT 1)`,
      [touched],
    );
  }
}

/** Replaces NUL and unpaired surrogates, which PostgreSQL text cannot hold. */
function stripUnstorable(s: string): string {
  return s.replaceAll(String.fromCharCode(0), '\ufffd').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
