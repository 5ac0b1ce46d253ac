import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { JourneyReentry, JourneyStep, JourneyTrigger } from './journey-definition.ts';

/**
 * Journeys (docs/marketing.md#journeys): a trigger and a tree of steps; one enrollment per person and pass through a
 * journey, holding the step they are at and when they are due next; and the log of each step an enrollment ran.
 */

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** The states of a journey. */
export type JourneyStatus = 'draft' | 'active' | 'paused' | 'archived';

/** A journey: who enters (trigger, re-entry rule), what happens to them (steps), and how its sends are timed. */
export const journeys = pgTable(
  'journeys',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    orgUnitId: text('org_unit_id').notNull(),
    orgPath: text('org_path').notNull(),
    name: text('name').notNull(),
    status: text('status').$type<JourneyStatus>().notNull().default('draft'),
    trigger: jsonb('trigger').$type<JourneyTrigger>().notNull(),
    steps: jsonb('steps').$type<JourneyStep[]>().notNull().default([]),
    reentry: jsonb('reentry').$type<JourneyReentry>().notNull(),
    /** The consent purpose its sends need, as a campaign's. */
    purpose: text('purpose').notNull().default('marketing'),
    /** Local quiet hours (`HH:MM`) in each person's time zone: a send step waits until they end. */
    quietStart: text('quiet_start').notNull().default('21:00'),
    quietEnd: text('quiet_end').notNull().default('09:00'),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('journeys_tenant_idx').on(t.tenantId, t.createdAt), index('journeys_active_idx').on(t.tenantId).where(sql`${t.status} = 'active'`)],
);

/** Enrollment states: active (at a step, maybe waiting), completed (ran past the last step), exited (an exit step, the unless event, archiving). */
export type EnrollmentStatus = 'active' | 'completed' | 'exited';

/**
 * One person's pass through a journey. `trigger_key` (the event's messageId, the outbox event's id) is unique per
 * journey, so a redelivered trigger enrolls nobody twice; at most one enrollment per person is active at a time.
 * `wake_at` is when the runner next takes it: a wait's end, a send retry, or a lease while a node runs it.
 */
export const journeyEnrollments = pgTable(
  'journey_enrollments',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    journeyId: text('journey_id').notNull(),
    profileId: text('profile_id').notNull(),
    status: text('status').$type<EnrollmentStatus>().notNull().default('active'),
    /** The step the person is at (`$unless` while the trigger's "did not do X within D" runs), null once finished. */
    stepId: text('step_id'),
    stepEnteredAt: ts('step_entered_at').notNull(),
    wakeAt: ts('wake_at'),
    triggerKey: text('trigger_key').notNull(),
    /** What enrolled them: the event name and messageId, or the segment. */
    trigger: jsonb('trigger').$type<Record<string, unknown>>().notNull().default({}),
    exitReason: text('exit_reason'),
    enteredAt: ts('entered_at').notNull(),
    finishedAt: ts('finished_at'),
  },
  (t) => [
    uniqueIndex('journey_enrollments_trigger_idx').on(t.journeyId, t.triggerKey),
    uniqueIndex('journey_enrollments_active_idx').on(t.journeyId, t.profileId).where(sql`${t.status} = 'active'`),
    index('journey_enrollments_wake_idx').on(t.wakeAt).where(sql`${t.status} = 'active'`),
    index('journey_enrollments_journey_idx').on(t.journeyId, t.enteredAt),
    index('journey_enrollments_profile_idx').on(t.profileId, t.enteredAt),
  ],
);

/** One step an enrollment ran, once (the key makes a retried step log nothing twice): what came of it, and the message a send made. */
export const journeyStepRuns = pgTable(
  'journey_step_runs',
  {
    enrollmentId: text('enrollment_id').notNull(),
    stepId: text('step_id').notNull(),
    tenantId: text('tenant_id').notNull(),
    journeyId: text('journey_id').notNull(),
    /** `waited`, `yes`/`no`, `sent`, `skipped`, `failed`, `trait_set`, `exited`, `no_event`. */
    outcome: text('outcome').notNull(),
    detail: text('detail'),
    messageId: text('message_id'),
    at: ts('at').notNull(),
    /** The order steps ran in (several run at the same instant of one pass). */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.enrollmentId, t.stepId] }), index('journey_step_runs_journey_idx').on(t.journeyId, t.stepId)],
);
