import type { Database } from '../../kernel/db.ts';
import type { Logger } from '../../kernel/logger.ts';
import type { EventType } from './contract.ts';
import type { ProfiledEvent } from './store-activity.ts';

/**
 * Replay of flush parts that were committed but never applied to profiles: the process that wrote them died between
 * the ingest COMMIT and the profile pipeline's transaction (event-flush.ts). Each part is read back from
 * `customer_events` (its rows carry its id; its time ranges find the partitions and the BRIN ranges) and applied
 * like a live one: the apply transaction deletes the part's row, so a replay racing the live pipeline or another
 * node's replay applies nothing twice.
 */

/** Applies one part: its tenant, its events (as stored now: a merge since moved them to the winner) and its id. */
export type ApplyPart = (tenantId: string, events: ProfiledEvent[], parts: number[]) => Promise<void>;

interface PartRow {
  id: number;
  tenant_id: string;
  ts_from: Date;
  ts_to: Date;
  received_from: Date;
  received_to: Date;
}

interface EventRow {
  ts: Date;
  received_at: Date;
  profile_id: string;
  message_id: string;
  source_id: string;
  channel: string;
  store_id: string | null;
  type: EventType;
  user_id: string | null;
  anonymous_id: string | null;
  event: string | null;
  previous_id: string | null;
  group_id: string | null;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  context: Record<string, unknown>;
}

/** The events of one part, as the pipeline takes them, in timestamp order. */
async function eventsOf(db: Database, part: PartRow): Promise<ProfiledEvent[]> {
  const r = await db.pool.query<EventRow>(
    `SELECT ts, received_at, profile_id, message_id, source_id, channel, store_id, type, user_id, anonymous_id, event, previous_id, group_id,
       properties, traits, context
     FROM customer_events WHERE tenant_id = $1 AND flush_id = $2 AND ts BETWEEN $3 AND $4 AND received_at BETWEEN $5 AND $6 ORDER BY ts, message_id`,
    [part.tenant_id, part.id, part.ts_from, part.ts_to, part.received_from, part.received_to],
  );
  return r.rows.map((row) => ({
    messageId: row.message_id,
    tenantId: part.tenant_id,
    sourceId: row.source_id,
    channel: row.channel,
    storeId: row.store_id,
    type: row.type,
    userId: row.user_id,
    anonymousId: row.anonymous_id,
    event: row.event,
    previousId: row.previous_id,
    groupId: row.group_id,
    properties: row.properties,
    traits: row.traits,
    context: row.context,
    timestamp: new Date(row.ts),
    receivedAt: new Date(row.received_at),
    profileId: row.profile_id,
    flushId: part.id,
  }));
}

/**
 * Applies every pending part committed before `before`, oldest first; answers how many parts and events it applied.
 * A part that fails to apply is handed to `apply` anyway (which marks its profiles for a rebuild and drops the part),
 * so the replay always ends.
 */
export async function replayPending(db: Database, log: Logger, apply: ApplyPart, before: Date): Promise<{ parts: number; events: number }> {
  const seen = new Set<number>();
  let parts = 0;
  let events = 0;
  for (;;) {
    const r = await db.pool.query<PartRow>(
      'SELECT id, tenant_id, ts_from, ts_to, received_from, received_to FROM customer_event_flushes WHERE committed_at < $1 ORDER BY id LIMIT 100',
      [before],
    );
    const fresh = r.rows.filter((p) => !seen.has(Number(p.id)));
    if (fresh.length === 0) break;
    for (const part of fresh) {
      part.id = Number(part.id);
      seen.add(part.id);
      const list = await eventsOf(db, part);
      await apply(part.tenant_id, list, [part.id]);
      parts++;
      events += list.length;
    }
  }
  if (parts > 0) log.info({ parts, events }, 'applied customer events committed but not yet applied to profiles before a restart');
  return { parts, events };
}
