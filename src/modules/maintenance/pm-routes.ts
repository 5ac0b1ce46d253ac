import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams, text } from '../../kernel/schemas.ts';
import { createPmSchedule, deletePmSchedule, listPmSchedules, pmCalendar, shown, updatePmSchedule } from './pm-schedules.ts';
import { priorities } from './work-order-states.ts';

const id = z.string().min(1).max(64);
const schedule = z.object({
  id: z.string(),
  assetId: z.string(),
  storeId: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  checklist: z.array(z.string()),
  priority: z.string(),
  kind: z.enum(['calendar', 'meter']),
  rrule: z.string().nullable(),
  startsAt: z.date().nullable(),
  basis: z.enum(['schedule', 'completion']),
  leadDays: z.number(),
  nextDueAt: z.date().nullable(),
  lastCompletedAt: z.date().nullable(),
  meterKey: z.string().nullable(),
  meterMode: z.enum(['threshold', 'usage']).nullable(),
  threshold: z.number().nullable(),
  usageInterval: z.number().nullable(),
  meterBaseline: z.number().nullable(),
  meterArmed: z.boolean(),
  assigneeUserId: z.string().nullable(),
  contractorId: z.string().nullable(),
  openWorkOrderId: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const body = z.strictObject({
  assetId: id,
  title: text(200),
  description: z.string().trim().max(4000).nullable().optional(),
  checklist: z.array(text(200)).max(100).optional(),
  priority: z.enum(priorities).optional(),
  kind: z.enum(['calendar', 'meter']),
  rrule: z.string().trim().max(500).nullable().optional(),
  startsAt: z.coerce.date().nullable().optional(),
  basis: z.enum(['schedule', 'completion']).optional(),
  leadDays: z.number().int().min(0).max(365).optional(),
  meterKey: z.string().trim().max(100).nullable().optional(),
  meterMode: z.enum(['threshold', 'usage']).nullable().optional(),
  threshold: z.number().finite().nullable().optional(),
  usageInterval: z.number().positive().finite().nullable().optional(),
  assigneeUserId: id.nullable().optional(),
  contractorId: id.nullable().optional(),
  active: z.boolean().optional(),
});

/** Preventive-maintenance schedules and their calendar under /api/v1/pm-schedules. */
export function pmRoutes(deps: Deps) {
  const { db } = deps;
  return async (app: HttpApp) => {
    app.get(
      '/pm-schedules',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'Preventive-maintenance schedules in your scope',
          querystring: z.object({ assetId: id.optional(), storeId: id.optional() }),
          response: { 200: z.object({ data: z.array(schedule.extend({ assetName: z.string() })) }), ...errors },
        },
      },
      async (req) => listPmSchedules(ctxOf(db, req), req.query),
    );
    app.get(
      '/pm-schedules/calendar',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'Due dates of PM schedules and open PM work orders between two dates',
          querystring: z
            .object({ from: z.coerce.date(), to: z.coerce.date() })
            .refine((q) => q.from < q.to && q.to.getTime() - q.from.getTime() <= 400 * 86_400_000, {
              error: 'from must be before to, at most 400 days apart',
              path: ['to'],
            }),
          response: {
            200: z.object({
              data: z.array(
                z.object({
                  scheduleId: z.string(),
                  title: z.string(),
                  assetId: z.string(),
                  assetName: z.string(),
                  storeId: z.string(),
                  dueAt: z.date(),
                  workOrderId: z.string().nullable(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (req) => pmCalendar(ctxOf(db, req), req.query.from, req.query.to),
    );
    app.post(
      '/pm-schedules',
      { schema: { tags: ['maintenance'], summary: 'Add a PM schedule (calendar RRULE or meter)', body, response: { 201: schedule, ...errors } } },
      async (req, reply) => reply.status(201).send(shown(await createPmSchedule(ctxOf(db, req), req.body))),
    );
    app.patch(
      '/pm-schedules/:id',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'Change a PM schedule',
          params: idParams,
          body: body.omit({ assetId: true, kind: true }).partial(),
          response: { 200: schedule, ...errors },
        },
      },
      async (req) => shown(await updatePmSchedule(ctxOf(db, req), req.params.id, req.body)),
    );
    app.delete(
      '/pm-schedules/:id',
      { schema: { tags: ['maintenance'], summary: 'Remove a PM schedule', params: idParams, response: { 204: z.null(), ...errors } } },
      async (req, reply) => {
        await deletePmSchedule(ctxOf(db, req), req.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
