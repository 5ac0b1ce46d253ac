// Journeys under /api/v1/journeys: define, activate, pause, archive; people's enrollments and per-step counts.
import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams, page, pageQuery, text } from '../../kernel/schemas.ts';
import { clock } from './campaign-schemas.ts';
import { reentrySchema, triggerSchema } from './journey-definition.ts';
import { enrollmentsOfProfile, getEnrollment, journeyCounts, listEnrollments } from './journey-enrollments.ts';
import { changeJourneyStatus, createJourney, findJourney, type JourneyInput, listJourneys, shownJourney, updateJourney } from './journeys.ts';

const body = z.strictObject({
  name: text(120),
  orgUnitId: z.string().max(64).optional(),
  trigger: triggerSchema,
  // Checked step by step in the service, so each error names the step it is about.
  steps: z.array(z.unknown()).max(100).describe('wait, branch (with yes/no steps), send, set_trait, exit: docs/marketing.md#journeys'),
  reentry: reentrySchema.optional(),
  purpose: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/)
    .optional(),
  quietStart: clock.optional(),
  quietEnd: clock.optional(),
});

const journey = z.object({
  id: z.string(),
  orgUnitId: z.string(),
  orgPath: z.string(),
  name: z.string(),
  status: z.string(),
  trigger: triggerSchema,
  steps: z.array(z.unknown()),
  reentry: reentrySchema,
  purpose: z.string(),
  quietStart: z.string(),
  quietEnd: z.string(),
  createdBy: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const run = z.object({ stepId: z.string(), outcome: z.string(), detail: z.string().nullable(), messageId: z.string().nullable(), at: z.date() });
const enrollment = z.object({
  id: z.string(),
  journeyId: z.string(),
  journeyName: z.string(),
  profileId: z.string(),
  profileName: z.string().nullable(),
  status: z.string(),
  stepId: z.string().nullable(),
  stepEnteredAt: z.date(),
  wakeAt: z.date().nullable(),
  trigger: z.record(z.string(), z.unknown()),
  exitReason: z.string().nullable(),
  enteredAt: z.date(),
  finishedAt: z.date().nullable(),
  history: z.array(run).optional(),
});

const counts = z.object({
  entered: z.number(),
  active: z.number(),
  completed: z.number(),
  exited: z.number(),
  steps: z.array(z.object({ stepId: z.string(), now: z.number(), outcomes: z.record(z.string(), z.number()) })),
});

/** The journey routes; `changed` is told of a tenant whose journeys changed state, `kick` runs due enrollments (a resumed journey's). */
export function journeyRoutes(deps: Deps, changed: (tenantId: string) => void, kick: () => void) {
  const { db } = deps;
  return async (app: HttpApp) => {
    const tags = ['journeys'];
    app.get(
      '/journeys',
      {
        schema: {
          tags,
          summary: 'Journeys the caller may see, newest first',
          querystring: z.object({ status: z.enum(['draft', 'active', 'paused', 'archived']).optional(), ...pageQuery }),
          response: { 200: page(journey), ...errors },
        },
      },
      async (req) => listJourneys(ctxOf(db, req), req.query),
    );
    app.post(
      '/journeys',
      { schema: { tags, summary: 'Create a draft journey (400 names the step an error is about)', body, response: { 201: journey, ...errors } } },
      async (req, reply) => reply.status(201).send(await createJourney(ctxOf(db, req), req.body as JourneyInput)),
    );
    app.get('/journeys/:id', { schema: { tags, summary: 'One journey', params: idParams, response: { 200: journey, ...errors } } }, async (req) =>
      shownJourney(await findJourney(db.orm, ctxOf(db, req), req.params.id)),
    );
    app.patch(
      '/journeys/:id',
      {
        schema: {
          tags,
          summary: 'Change a draft or paused journey',
          params: idParams,
          body: body.omit({ orgUnitId: true }).partial(),
          response: { 200: journey, ...errors },
        },
      },
      async (req) => updateJourney(ctxOf(db, req), req.params.id, req.body as Partial<JourneyInput>),
    );
    for (const action of ['activate', 'pause', 'archive'] as const) {
      app.post(
        `/journeys/:id/${action}`,
        {
          schema: {
            tags,
            summary: `${action[0].toUpperCase()}${action.slice(1)} a journey (409 lists the allowed moves)`,
            params: idParams,
            response: { 200: journey, ...errors },
          },
        },
        async (req) => {
          const ctx = ctxOf(db, req);
          const row = await changeJourneyStatus(ctx, req.params.id, action);
          changed(ctx.actor.tenantId);
          if (action === 'activate') kick();
          return row;
        },
      );
    }
    app.get(
      '/journeys/:id/counts',
      { schema: { tags, summary: 'People at each step now, what came of each step, totals by state', params: idParams, response: { 200: counts, ...errors } } },
      async (req) => journeyCounts(ctxOf(db, req), req.params.id),
    );
    app.get(
      '/journeys/:id/enrollments',
      {
        schema: {
          tags,
          summary: "The journey's people, newest entry first",
          params: idParams,
          querystring: z.object({ status: z.enum(['active', 'completed', 'exited']).optional(), stepId: z.string().max(64).optional(), ...pageQuery }),
          response: { 200: page(enrollment), ...errors },
        },
      },
      async (req) => listEnrollments(ctxOf(db, req), req.params.id, req.query),
    );
    app.get(
      '/journeys/enrollments/:id',
      { schema: { tags, summary: 'One enrollment with the steps it ran', params: idParams, response: { 200: enrollment, ...errors } } },
      async (req) => getEnrollment(ctxOf(db, req), req.params.id),
    );
    app.get(
      '/journeys/profiles/:id/enrollments',
      {
        schema: {
          tags,
          summary: "A person's journeys, each with the steps it ran",
          params: idParams,
          response: { 200: z.object({ data: z.array(enrollment) }), ...errors },
        },
      },
      async (req) => enrollmentsOfProfile(ctxOf(db, req), req.params.id),
    );
  };
}
