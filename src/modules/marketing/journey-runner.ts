// Moves people through journeys: enrolls them (once per trigger, under the re-entry rule), runs their steps until
// one waits, and takes up the enrollments whose wait is over. Every step's result is written before the next runs;
// a node that dies mid-step leaves a lease (`wake_at` a few minutes ahead) after which the step runs again, and a
// send step finds the message it made (journey-sends.ts), so nothing is sent twice.
import { sql } from 'drizzle-orm';
import type { Executor } from '../../kernel/db.ts';
import { isTimeZone, localClock } from '../stores/index.ts';
import { conditionHolds, didEventSince } from './journey-conditions.ts';
import { durationMs, type JourneyStep, placeSteps } from './journey-definition.ts';
import { type JourneySendDeps, runSendStep } from './journey-sends.ts';
import { type ProfileRuntime, setJourneyTrait } from './journey-traits.ts';
import { type journeyEnrollments, journeys } from './journeys-schema.ts';
import { defaultTimeZone } from './personalisation.ts';

type JourneyRecord = typeof journeys.$inferSelect;
type EnrollmentRecord = typeof journeyEnrollments.$inferSelect;

/** What the runner needs: the send step's dependencies, a clock, and how to set an alarm for a wait's end. */
export interface JourneyRuntime extends JourneySendDeps {
  /** Asks to be woken at a time (pg-boss when the node runs workers); the minute's sweep is the backstop. */
  wakeAt(at: Date): void;
  /** The customers module's profile runtime, once connected: set-trait steps edit traits through it. */
  profiles?: ProfileRuntime;
}

/** How long a node holds an enrollment it is running before another may take it up (a node that died mid-step). */
export const leaseMs = 5 * 60_000;

/** The step an enrollment starts at: the trigger's "did not do X within D" wait, else the first step. */
export const firstStepOf = (j: Pick<JourneyRecord, 'trigger' | 'steps'>) => (j.trigger.unless ? '$unless' : (j.steps[0]?.id ?? null));

/** A person who triggered a journey, with what triggered it (`key` is unique per journey: the event's messageId, the outbox event). */
export interface Candidate {
  journey: JourneyRecord;
  profileId: string;
  key: string;
  trigger: Record<string, unknown>;
}

/**
 * Enrolls the candidates the re-entry rule lets in (live profiles of the tenant within the journey's org unit), in one
 * statement; answers the new enrollments. `wakeAt` is now (due at once) or a lease when the caller runs them itself.
 */
export async function enroll(db: Executor, candidates: Candidate[], now: Date, wakeAt: Date): Promise<EnrollmentRecord[]> {
  if (candidates.length === 0) return [];
  const col = <T>(f: (c: Candidate) => T) => sql.param(candidates.map(f));
  const iso = now.toISOString();
  const r = await db.execute<Record<string, unknown>>(sql`
    INSERT INTO journey_enrollments (id, tenant_id, journey_id, profile_id, status, step_id, step_entered_at, wake_at, trigger_key, trigger, entered_at)
    SELECT 'jen_' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 20), p.tenant_id, x.jid, x.pid, 'active', x.step, ${iso}::timestamptz,
      ${wakeAt.toISOString()}::timestamptz, x.key, x.trig::jsonb, ${iso}::timestamptz
    FROM unnest(${col((c) => c.journey.id)}::text[], ${col((c) => c.journey.tenantId)}::text[], ${col((c) => c.profileId)}::text[], ${col((c) => c.key)}::text[],
      ${col((c) => JSON.stringify(c.trigger))}::text[], ${col((c) => firstStepOf(c.journey))}::text[], ${col((c) => c.journey.reentry.mode)}::text[],
      ${col((c) => (c.journey.reentry.mode === 'cooldown' ? durationMs(c.journey.reentry.cooldown) : 0))}::float8[],
      ${col((c) => `${c.journey.orgPath.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`)}::text[], ${col((c) => c.journey.orgPath.split('/').length === 3)}::bool[])
      AS x(jid, tid, pid, key, trig, step, mode, cooldown_ms, org_like, root)
    JOIN profiles p ON p.id = x.pid AND p.tenant_id = x.tid AND p.merged_into IS NULL
    WHERE (x.root OR EXISTS (SELECT 1 FROM profile_stores ps WHERE ps.profile_id = x.pid AND ps.org_path LIKE x.org_like))
      AND NOT (x.mode = 'once' AND EXISTS (SELECT 1 FROM journey_enrollments y WHERE y.journey_id = x.jid AND y.profile_id = x.pid))
      AND NOT (x.mode = 'cooldown' AND EXISTS (SELECT 1 FROM journey_enrollments y WHERE y.journey_id = x.jid AND y.profile_id = x.pid
        AND y.entered_at > ${iso}::timestamptz - make_interval(secs => x.cooldown_ms / 1000)))
    ON CONFLICT DO NOTHING
    RETURNING *`);
  return r.rows.map(enrollmentOf);
}

/** A raw row of journey_enrollments as the Drizzle record. */
function enrollmentOf(row: Record<string, unknown>): EnrollmentRecord {
  const d = (v: unknown) => (v ? new Date(v as string) : null);
  return {
    id: String(row.id),
    tenantId: String(row.tenant_id),
    journeyId: String(row.journey_id),
    profileId: String(row.profile_id),
    status: row.status as EnrollmentRecord['status'],
    stepId: (row.step_id as string | null) ?? null,
    stepEnteredAt: new Date(row.step_entered_at as string),
    wakeAt: d(row.wake_at),
    triggerKey: String(row.trigger_key),
    trigger: (row.trigger as Record<string, unknown>) ?? {},
    exitReason: (row.exit_reason as string | null) ?? null,
    enteredAt: new Date(row.entered_at as string),
    finishedAt: d(row.finished_at),
  };
}

/** The person's time zone: their `timezone` trait, else their preferred store's, else the default. */
async function timeZoneOf(db: Executor, profileId: string): Promise<string> {
  const r = await db.execute<{ own: string | null; store: string | null }>(sql`
    SELECT p.traits->>'timezone' AS own, s.time_zone AS store FROM profiles p LEFT JOIN stores s ON s.id = p.preferred_store_id WHERE p.id = ${profileId}`);
  const own = r.rows[0]?.own;
  return own && isTimeZone(own) ? own : (r.rows[0]?.store ?? defaultTimeZone);
}

/** The first moment at or after `from` when the local clock in `timeZone` reads `hhmm`. */
export function nextLocalTime(from: Date, timeZone: string, hhmm: string): Date {
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  const wait = (minutes(hhmm) - minutes(localClock(timeZone, from).time) + 1440) % 1440;
  if (wait === 0) return from;
  const at = new Date(from.getTime() + wait * 60_000);
  at.setUTCSeconds(0, 0);
  return at;
}

/** When a wait step entered at `enteredAt` is over. */
async function waitEnd(db: Executor, step: Extract<JourneyStep, { type: 'wait' }>, profileId: string, enteredAt: Date): Promise<Date> {
  if (step.duration) return new Date(enteredAt.getTime() + durationMs(step.duration));
  return nextLocalTime(enteredAt, await timeZoneOf(db, profileId), step.untilTime ?? '00:00');
}

/**
 * Runs one enrollment from its step on, until a step waits (its `wake_at` is set and an alarm asked for), the steps
 * run out (completed) or it leaves (exited). The caller holds it: it is due no earlier than a lease from now.
 */
export async function advance(rt: JourneyRuntime, j: JourneyRecord, e: EnrollmentRecord, now: Date): Promise<void> {
  const { db } = rt;
  const placed = placeSteps(j.steps);
  const lease = new Date(now.getTime() + leaseMs).toISOString();
  let stepId = e.stepId;
  let enteredAt = e.stepEnteredAt;
  // Logs the step's result (once: a retried step logs nothing twice) and moves on — or, after the last step, ends the
  // enrollment (`ending`) — in one statement.
  const ran = async (
    outcome: string,
    detail: string | null,
    next: string | null,
    messageId: string | null = null,
    ending: ['completed' | 'exited', string | null] = ['completed', null],
  ) => {
    const iso = now.toISOString();
    await db.orm.execute(sql`
      WITH logged AS (
        INSERT INTO journey_step_runs (enrollment_id, step_id, tenant_id, journey_id, outcome, detail, message_id, at)
        VALUES (${e.id}, ${stepId}, ${e.tenantId}, ${e.journeyId}, ${outcome}, ${detail}, ${messageId}, ${iso}::timestamptz)
        ON CONFLICT DO NOTHING)
      UPDATE journey_enrollments SET step_id = ${next}, step_entered_at = ${iso}::timestamptz,
        ${
          next === null
            ? sql`status = ${ending[0]}, exit_reason = ${ending[1]}, wake_at = NULL, finished_at = ${iso}::timestamptz`
            : sql`wake_at = ${lease}::timestamptz`
        }
      WHERE id = ${e.id} AND status = 'active'`);
    stepId = next;
    enteredAt = now;
    return next === null;
  };
  const finish = async (status: 'completed' | 'exited', reason: string | null) => {
    await db.orm.execute(sql`UPDATE journey_enrollments SET status = ${status}, exit_reason = ${reason}, step_id = NULL, wake_at = NULL,
      finished_at = ${now.toISOString()}::timestamptz WHERE id = ${e.id} AND status = 'active'`);
  };
  const park = async (at: Date) => {
    await db.orm.execute(sql`UPDATE journey_enrollments SET step_id = ${stepId}, step_entered_at = ${enteredAt.toISOString()}::timestamptz,
      wake_at = ${at.toISOString()}::timestamptz WHERE id = ${e.id} AND status = 'active'`);
    rt.wakeAt(at);
  };
  // A tree has no loops, so a pass runs each step at most once; the bound only guards against a bad row.
  for (let n = 0; n < 1000; n++) {
    if (stepId === null) return finish('completed', null);
    if (stepId === '$unless') {
      const unless = j.trigger.unless;
      if (!unless) {
        if (await ran('no_event', 'the trigger no longer waits', firstStepOf({ ...j, trigger: { ...j.trigger, unless: undefined } }))) return;
        continue;
      }
      const until = new Date(e.enteredAt.getTime() + durationMs(unless.within));
      if (now < until) return park(until);
      if (await didEventSince(db.orm, e.tenantId, e.profileId, unless.event, undefined, e.enteredAt, until)) {
        await ran('exited', `did ${unless.event}`, null, null, ['exited', `did_event: ${unless.event}`]);
        return;
      }
      if (await ran('no_event', `no ${unless.event}`, j.steps[0]?.id ?? null)) return;
      continue;
    }
    const at = placed.get(stepId);
    if (!at) return finish('exited', 'step_removed');
    const step = at.step;
    switch (step.type) {
      case 'wait': {
        const end = await waitEnd(db.orm, step, e.profileId, enteredAt);
        if (now < end) return park(end);
        if (await ran('waited', null, at.next)) return;
        break;
      }
      case 'branch': {
        const yes = await conditionHolds(db.orm, e.tenantId, e.profileId, step.condition, e.enteredAt, now);
        if (await ran(yes ? 'yes' : 'no', null, (yes ? at.yes : at.no) ?? null)) return;
        break;
      }
      case 'send': {
        const r = await runSendStep(rt, j, e, step, now);
        if (!r.done) return park(r.at);
        if (await ran(r.outcome, r.detail, at.next, r.messageId)) return;
        break;
      }
      case 'set_trait': {
        // Through the profile API's trait edit, so the person's segments change now; without it the step waits for its lease.
        if (!rt.profiles) throw new Error('journeys are not connected to the customer profiles; a set-trait step cannot run');
        const set = await setJourneyTrait(rt.profiles, j, e, step);
        const detail = `${step.trait} = ${JSON.stringify(step.value)}`;
        if (await ran(set ? 'trait_set' : 'skipped', set ? detail : 'profile_gone', at.next)) return;
        break;
      }
      case 'exit':
        await ran('exited', null, null, null, ['exited', 'exit_step']);
        return;
    }
  }
}

/** Journeys by id, as a pass needs them. */
export async function journeysByIds(db: Executor, ids: string[]): Promise<Map<string, JourneyRecord>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select()
    .from(journeys)
    .where(sql`${journeys.id} = ANY(${sql.param(ids)}::text[])`);
  return new Map(rows.map((j) => [j.id, j]));
}

/**
 * Takes up to `batch` enrollments of active journeys whose time has come (a wait's end, a retry, a lease that ran
 * out), leasing them (`FOR UPDATE SKIP LOCKED`: nodes share the work), and runs each; answers how many it took.
 */
export async function runDueOnce(rt: JourneyRuntime, now: Date, batch = 200): Promise<number> {
  const r = await rt.db.orm.execute<Record<string, unknown>>(sql`
    WITH due AS (
      SELECT e.id FROM journey_enrollments e
      WHERE e.status = 'active' AND e.wake_at <= ${now.toISOString()}::timestamptz
        AND EXISTS (SELECT 1 FROM journeys j WHERE j.id = e.journey_id AND j.status = 'active')
      ORDER BY e.wake_at LIMIT ${batch} FOR UPDATE OF e SKIP LOCKED)
    UPDATE journey_enrollments e SET wake_at = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz FROM due WHERE e.id = due.id
    RETURNING e.*`);
  const taken = r.rows.map(enrollmentOf);
  await runAll(rt, taken, now);
  return taken.length;
}

/** Runs enrollments (a few at a time); one that fails is logged and taken up again when its lease runs out. */
export async function runAll(rt: JourneyRuntime, list: EnrollmentRecord[], now: Date): Promise<void> {
  if (list.length === 0) return;
  const js = await journeysByIds(rt.db.orm, [...new Set(list.map((e) => e.journeyId))]);
  let next = 0;
  const lane = async () => {
    while (next < list.length) {
      const e = list[next++];
      const j = js.get(e.journeyId);
      if (!j) continue;
      try {
        await advance(rt, j, e, now);
      } catch (err) {
        rt.log.warn({ err, enrollmentId: e.id, journeyId: e.journeyId }, 'journey step failed; it runs again when its lease ends');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, list.length) }, lane));
}
