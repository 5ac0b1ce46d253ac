import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Tx } from '../../kernel/db.ts';
import type { CommittedEvent, IdentityResolver } from './contract.ts';
import type { CheckedEvent } from './event-payloads.ts';
import { copyText } from './event-rows.ts';
import { eventCopyColumns } from './event-table.ts';

/**
 * The body of one group commit, inside its transaction: dedupe, identity, the pending flush parts, ONE COPY.
 *
 * Durability of the profile side: each tenant's new events of a flush are cut into parts of at most
 * `flushPartEvents` (in timestamp order); each part gets an id, stamped on its rows (`customer_events.flush_id`), and a
 * row in `customer_event_flushes`, all in the ingest transaction. The profile pipeline deletes that row in the very
 * transaction that applies the part to profiles, so a part is applied exactly once: a process that dies between the
 * COMMIT here and that application leaves the row behind, and the next start replays it (profile-replay.ts).
 */

/** The most events of one tenant in one part: also the most the profile pipeline applies in one transaction. */
export const flushPartEvents = 2000;

/** Columns of the rows the writer COPYs: the flush part, then the event (event-rows.ts). */
export const writerCopyColumns = `flush_id, ${eventCopyColumns}`;

const copySql = `COPY customer_events (${writerCopyColumns}) FROM STDIN`;
const dedupeCopySql = 'COPY customer_event_dedupe (tenant_id, message_id, expires_at) FROM STDIN';
const separator = String.fromCharCode(0x1f);
/** Ids are taken from the sequence in blocks of this many (its INCREMENT): one round trip per block, not per part. */
const idBlock = 1000;

/** Hands out flush part ids, a block of the sequence at a time (ids of a block a process did not use are skipped). */
export class FlushIds {
  private next = 0;
  private end = 0;

  async take(client: pg.PoolClient): Promise<number> {
    if (this.next >= this.end) {
      const r = await client.query<{ id: number }>(`SELECT nextval('customer_event_flush_seq') AS id`);
      this.next = Number(r.rows[0].id);
      this.end = this.next + idBlock;
    }
    return this.next++;
  }
}

/** A request's checked events and how long their messageIds are kept. */
export interface FlushItem {
  events: CheckedEvent[];
  keepDays: number;
}

/** What a flush wrote: per item, whether each event was new; and the new events with profile and part. */
export interface FlushResult {
  fresh: boolean[][];
  stored: CommittedEvent[];
}

/** The messageIds of one tenant and retention in a flush, each once. */
interface DedupeGroup {
  tenantId: string;
  keepDays: number;
  ids: Set<string>;
}

/** The SQLSTATE of a PostgreSQL error ('' for other errors). */
export function codeOf(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
}

/** Streams COPY text into the transaction's connection. */
async function copyIn(client: pg.PoolClient, sql: string, data: string | Buffer): Promise<void> {
  const stream = client.query(copyFrom(sql));
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', resolve);
    stream.end(data);
  });
}

/** Flushes left that go straight to the ON CONFLICT insert, after one whose COPY of keys met a retry. */
let insertAfterRetry = 0;

/**
 * Claims a group's messageIds in `customer_event_dedupe` and adds those stored before (retries) to `known`. Most
 * flushes hold no retry: their keys are COPYed, the cheapest insert there is (a third less PostgreSQL time than
 * INSERT … ON CONFLICT), in a savepoint. A key that exists fails that COPY with a unique violation; then the
 * savepoint is rolled back and the keys are inserted with ON CONFLICT DO NOTHING (sorted, so two flushes lock keys
 * in the same order), and those this transaction did not insert (their xmin is another's) are the known ones: ON
 * CONFLICT waited for a concurrent inserter to finish. While retries keep coming, the next flushes skip the COPY.
 */
async function dedupeKeys(client: pg.PoolClient, g: DedupeGroup, known: Set<string>): Promise<void> {
  const expires = new Date(Date.now() + g.keepDays * 86_400_000).toISOString();
  if (insertAfterRetry > 0) insertAfterRetry--;
  else {
    const tenant = copyText(g.tenantId);
    let rows = '';
    for (const m of g.ids) rows += `${tenant}\t${copyText(m)}\t${expires}\n`;
    await client.query('SAVEPOINT dedupe');
    try {
      await copyIn(client, dedupeCopySql, rows);
      await client.query('RELEASE SAVEPOINT dedupe');
      return;
    } catch (err) {
      if (codeOf(err) !== '23505') throw err;
      await client.query('ROLLBACK TO SAVEPOINT dedupe');
      await client.query('RELEASE SAVEPOINT dedupe');
      insertAfterRetry = 16;
    }
  }
  // The messageIds as one text: they hold no control characters (event-payloads.ts).
  const ids = [...g.ids].join(separator);
  const inserted = await client.query<{ n: number }>(
    `WITH ins AS (INSERT INTO customer_event_dedupe (tenant_id, message_id, expires_at)
       SELECT $1, m, $2::timestamptz FROM unnest(string_to_array($3, $4)) AS u(m) ORDER BY m ON CONFLICT DO NOTHING RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [g.tenantId, expires, ids, separator],
  );
  if (inserted.rows[0].n === g.ids.size) return;
  const before = await client.query<{ m: string }>(
    `SELECT message_id AS m FROM customer_event_dedupe
     WHERE tenant_id = $1 AND message_id = ANY(string_to_array($2, $3)) AND xmin <> pg_current_xact_id()::xid`,
    [g.tenantId, ids, separator],
  );
  for (const r of before.rows) known.add(`${g.tenantId}\u0000${r.m}`);
}

/** Writes a flush in the caller's transaction (`client` is its connection, `tx` the same as Drizzle). */
export async function writeFlush(client: pg.PoolClient, tx: Tx, items: FlushItem[], resolver: IdentityResolver, ids: FlushIds): Promise<FlushResult> {
  // Dedup before identity: a retried batch must not count twice (dedupeKeys).
  const groups = new Map<string, DedupeGroup>();
  for (const item of items) {
    for (const c of item.events) {
      const g = `${c.event.tenantId}\u0000${item.keepDays}`;
      let group = groups.get(g);
      if (!group) {
        group = { tenantId: c.event.tenantId, keepDays: item.keepDays, ids: new Set() };
        groups.set(g, group);
      }
      group.ids.add(c.event.messageId);
    }
  }
  const known = new Set<string>();
  for (const g of groups.values()) await dedupeKeys(client, g, known);
  const fresh: boolean[][] = [];
  const byTenant = new Map<string, CheckedEvent[]>();
  // The first of two equal messageIds in one flush is the one stored: a key is "known" from its first sight on.
  const seen = new Set<string>();
  for (const item of items) {
    const flags: boolean[] = [];
    for (const c of item.events) {
      const key = `${c.event.tenantId}\u0000${c.event.messageId}`;
      const first = !known.has(key) && !seen.has(key);
      if (first) seen.add(key);
      flags.push(first);
      if (!first) continue;
      const list = byTenant.get(c.event.tenantId) ?? [];
      byTenant.set(c.event.tenantId, list);
      list.push(c);
    }
    fresh.push(flags);
  }
  const stored: CommittedEvent[] = [];
  const parts: { id: number; tenantId: string; n: number; tsFrom: number; tsTo: number; rFrom: number; rTo: number }[] = [];
  const rows: Buffer[] = [];
  let size = 0;
  for (const [tenantId, list] of byTenant) {
    // Identity in timestamp order, so merges within a flush happen in the order the person acted.
    list.sort((a, b) => a.event.timestamp.getTime() - b.event.timestamp.getTime());
    const profileIds = await resolver.resolve(
      tx,
      tenantId,
      list.map((c) => c.event),
    );
    if (profileIds.length !== list.length) throw new Error(`identity resolver answered ${profileIds.length} profiles for ${list.length} events`);
    for (let from = 0; from < list.length; from += flushPartEvents) {
      const id = await ids.take(client);
      const to = Math.min(list.length, from + flushPartEvents);
      const part = {
        id,
        tenantId,
        n: to - from,
        tsFrom: list[from].event.timestamp.getTime(),
        tsTo: list[to - 1].event.timestamp.getTime(),
        rFrom: Infinity,
        rTo: 0,
      };
      const prefix = `${id}\t`;
      for (let k = from; k < to; k++) {
        // Ids are ASCII: latin1 is their UTF-8, and the cheapest encoding there is.
        const head = Buffer.from(prefix + copyText(profileIds[k]), 'latin1');
        rows.push(head, list[k].tail);
        size += head.length + list[k].tail.length;
        // The event object itself carries its profile and part on to the pipeline: no copy per event.
        const e = list[k].event as CommittedEvent;
        e.profileId = profileIds[k];
        e.flushId = id;
        const r = e.receivedAt.getTime();
        if (r < part.rFrom) part.rFrom = r;
        if (r > part.rTo) part.rTo = r;
        stored.push(e);
      }
      parts.push(part);
    }
  }
  if (parts.length > 0) {
    const iso = (ms: number) => new Date(ms).toISOString();
    await client.query(
      `INSERT INTO customer_event_flushes (id, tenant_id, events, ts_from, ts_to, received_from, received_to)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[])`,
      [
        parts.map((p) => p.id),
        parts.map((p) => p.tenantId),
        parts.map((p) => p.n),
        parts.map((p) => iso(p.tsFrom)),
        parts.map((p) => iso(p.tsTo)),
        parts.map((p) => iso(p.rFrom)),
        parts.map((p) => iso(p.rTo)),
      ],
    );
  }
  if (size > 0) await copyIn(client, copySql, Buffer.concat(rows, size));
  return { fresh, stored };
}
