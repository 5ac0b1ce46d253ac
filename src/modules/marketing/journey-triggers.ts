// What starts journeys: segment entries and exits (outbox events, enrolled in the dispatcher's transaction with its
// receipt) and collected events (handed over by the profile pipeline once applied, enrolled and run at once).
import { and, eq, sql } from 'drizzle-orm';
import type { Database, Executor } from '../../kernel/db.ts';
import type { Subscriber } from '../../kernel/outbox.ts';
import { propertiesMatch } from './journey-conditions.ts';
import { durationMs } from './journey-definition.ts';
import { type Candidate, enroll } from './journey-runner.ts';
import { journeys } from './journeys-schema.ts';

type JourneyRecord = typeof journeys.$inferSelect;

/** The NOTIFY channel that wakes every node's journey runner when enrollments became due in a committed transaction. */
export const journeyWakeChannel = 'storeos_journeys';

/** A collected event as the profile pipeline hands it over once applied. */
export interface AppliedEvent {
  tenantId: string;
  profileId: string;
  messageId: string;
  type: string;
  event: string | null;
  properties: Record<string, unknown>;
  timestamp: Date;
}

/**
 * The active journeys of each tenant that collected events concern (an event trigger, or an `unless` event), read at
 * most once a second per tenant: an activation shows within a second.
 */
export class ActiveEventJourneys {
  private readonly cache = new Map<string, { at: number; list: Promise<JourneyRecord[]> }>();

  constructor(
    private readonly db: Database,
    private readonly ttlMs = 1000,
  ) {}

  /** The tenant's active journeys triggered by an event or waiting for one not to happen. */
  of(tenantId: string): Promise<JourneyRecord[]> {
    const hit = this.cache.get(tenantId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.list;
    const list = this.db.orm
      .select()
      .from(journeys)
      .where(
        and(eq(journeys.tenantId, tenantId), eq(journeys.status, 'active'), sql`(${journeys.trigger}->>'kind' = 'event' OR ${journeys.trigger} ? 'unless')`),
      );
    this.cache.set(tenantId, { at: Date.now(), list });
    list.catch(() => this.cache.delete(tenantId));
    return list;
  }

  /** Forgets a tenant's list (a journey of it changed state on this node). */
  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
  }
}

/** The people an applied slice of events enrolls: a track event of the trigger's name whose properties pass its conditions. */
export function eventCandidates(list: JourneyRecord[], events: AppliedEvent[]): Candidate[] {
  const out: Candidate[] = [];
  for (const e of events) {
    if (e.type !== 'track' || !e.event) continue;
    for (const j of list) {
      if (j.trigger.kind !== 'event' || j.trigger.event !== e.event || !propertiesMatch(e.properties ?? {}, j.trigger.where)) continue;
      out.push({ journey: j, profileId: e.profileId, key: `msg:${e.messageId}`, trigger: { event: e.event, messageId: e.messageId, at: e.timestamp } });
    }
  }
  return out;
}

/**
 * The triggers among the events a tenant's collection stored between `since` and `until` that journeys active then
 * concern: what a node that stopped between applying events and enrolling their people left undone. Enrolling them
 * again is harmless: each trigger enrolls at most once (the key is the event's messageId).
 */
export async function missedTriggers(db: Executor, list: JourneyRecord[], tenantId: string, since: Date, until: Date): Promise<Candidate[]> {
  const byEvent = list.filter((j) => j.trigger.kind === 'event' && j.trigger.event);
  if (byEvent.length === 0) return [];
  const r = await db.execute<{
    profile_id: string;
    message_id: string;
    event: string;
    properties: Record<string, unknown>;
    ts: string;
    received_at: string;
  }>(sql`
    SELECT profile_id, message_id, event, properties, ts, received_at FROM customer_events
    WHERE tenant_id = ${tenantId} AND received_at >= ${since.toISOString()}::timestamptz AND received_at < ${until.toISOString()}::timestamptz
      AND ts > ${since.toISOString()}::timestamptz - interval '1 day' AND type = 'track'
      AND event = ANY(${sql.param([...new Set(byEvent.map((j) => String(j.trigger.event)))])}::text[])`);
  const received = new Map(r.rows.map((row) => [row.message_id, new Date(row.received_at)]));
  const events: AppliedEvent[] = r.rows.map((row) => ({
    tenantId,
    profileId: row.profile_id,
    messageId: row.message_id,
    type: 'track',
    event: row.event,
    properties: row.properties ?? {},
    timestamp: new Date(row.ts),
  }));
  // Only journeys that were already active when the event arrived (an active journey's last change is its activation).
  const found = eventCandidates(byEvent, events).filter((c) => c.journey.updatedAt <= (received.get(String(c.trigger.messageId)) ?? since));
  if (found.length === 0) return [];
  // The re-entry rule as it stood when the event arrived: a trigger the live path turned away stays turned away, and
  // one it (or an earlier scan) enrolled is left out here rather than by the insert's conflict.
  const passes = await db.execute<{ journey_id: string; profile_id: string; trigger_key: string; entered_at: string; finished_at: string | null }>(sql`
    SELECT journey_id, profile_id, trigger_key, entered_at, finished_at FROM journey_enrollments
    WHERE journey_id = ANY(${sql.param([...new Set(found.map((c) => c.journey.id))])}::text[])
      AND profile_id = ANY(${sql.param([...new Set(found.map((c) => c.profileId))])}::text[])`);
  return found.filter((c) => {
    const at = (received.get(String(c.trigger.messageId)) ?? since).getTime();
    const mine = passes.rows.filter((p) => p.journey_id === c.journey.id && p.profile_id === c.profileId);
    if (mine.some((p) => p.trigger_key === c.key)) return false;
    const r = c.journey.reentry;
    if (r.mode === 'once') return mine.length === 0;
    const busy = mine.some((p) => Date.parse(p.entered_at) <= at && (p.finished_at === null || Date.parse(p.finished_at) > at));
    if (r.mode === 'every_time') return !busy;
    return !busy && !mine.some((p) => Date.parse(p.entered_at) <= at && Date.parse(p.entered_at) > at - durationMs(r.cooldown));
  });
}

/**
 * Ends at once the passes still waiting out an `unless` span when the person does that event (at or after entering):
 * they leave with `did_event: <event>` instead of at the span's end. Answers how many left.
 */
export async function exitOnUnlessEvents(db: Executor, list: JourneyRecord[], events: AppliedEvent[], now: Date): Promise<number> {
  const hits: { journeyId: string; profileId: string; event: string; at: string }[] = [];
  for (const e of events) {
    if (e.type !== 'track' || !e.event) continue;
    for (const j of list)
      if (j.trigger.unless?.event === e.event) hits.push({ journeyId: j.id, profileId: e.profileId, event: e.event, at: e.timestamp.toISOString() });
  }
  if (hits.length === 0) return 0;
  const col = <T>(f: (h: (typeof hits)[number]) => T) => sql.param(hits.map(f));
  const iso = now.toISOString();
  const r = await db.execute(sql`
    WITH left_now AS (
      UPDATE journey_enrollments e SET status = 'exited', exit_reason = 'did_event: ' || x.ev, step_id = NULL, wake_at = NULL, finished_at = ${iso}::timestamptz
      FROM unnest(${col((h) => h.journeyId)}::text[], ${col((h) => h.profileId)}::text[], ${col((h) => h.event)}::text[], ${col((h) => h.at)}::timestamptz[])
        AS x(jid, pid, ev, at)
      WHERE e.journey_id = x.jid AND e.profile_id = x.pid AND e.status = 'active' AND e.step_id = '$unless' AND x.at >= e.entered_at
      RETURNING e.id, e.tenant_id, e.journey_id, x.ev)
    INSERT INTO journey_step_runs (enrollment_id, step_id, tenant_id, journey_id, outcome, detail, at)
    SELECT id, '$unless', tenant_id, journey_id, 'exited', 'did ' || ev, ${iso}::timestamptz FROM left_now
    ON CONFLICT DO NOTHING`);
  return r.rowCount ?? 0;
}

/**
 * The outbox subscriber of `segment.entered` / `segment.exited`: enrolls the person in the active journeys that the
 * change triggers, in the dispatcher's transaction (the receipt and the enrollment commit together), due at once;
 * the NOTIFY wakes the runners when it commits.
 */
export function segmentTriggersJourneys(clock: { now(): Date }): Subscriber {
  return {
    name: 'journeys-segment-triggers',
    topic: 'segment.*',
    async handle(event, tx) {
      if (event.topic !== 'segment.entered' && event.topic !== 'segment.exited') return;
      const segmentId = String(event.payload.segmentId ?? '');
      const profileId = String(event.payload.profileId ?? '');
      const kind = event.topic === 'segment.entered' ? 'segment_entered' : 'segment_exited';
      const list = await tx
        .select()
        .from(journeys)
        .where(
          and(
            eq(journeys.tenantId, event.tenantId),
            eq(journeys.status, 'active'),
            sql`${journeys.trigger}->>'kind' = ${kind} AND ${journeys.trigger}->>'segmentId' = ${segmentId}`,
          ),
        );
      if (list.length === 0) return;
      const now = clock.now();
      const made = await enroll(
        tx,
        list.map((journey) => ({ journey, profileId, key: `evt:${event.id}`, trigger: { kind, segmentId, outboxEventId: event.id } })),
        now,
        now,
      );
      if (made.length > 0) await tx.execute(sql`SELECT pg_notify(${journeyWakeChannel}, '')`);
    },
  };
}
