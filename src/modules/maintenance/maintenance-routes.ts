import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams, text } from '../../kernel/schemas.ts';
import { alarmSeverities } from '../devices/index.ts';
import { fileRefSchema } from '../files/index.ts';
import { createAlarmRule, deleteAlarmRule, listAlarmRules, updateAlarmRule } from './alarm-rules.ts';
import { calendarFeed, issueCalendarFeed } from './calendar-feed.ts';
import { createContractor, listContractors, listSlas, setSlas, updateContractor } from './contractors.ts';
import { maintenanceReport, maintenanceReportCsv } from './reports.ts';
import { approveRequest, listRequests, rejectRequest } from './requests.ts';
import { priorities } from './work-order-states.ts';

const id = z.string().min(1).max(64);
const contractor = z.object({
  id: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  notes: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const contractorBody = z.strictObject({
  name: text(120),
  phone: z.string().trim().max(40).nullable().optional(),
  email: z.email().max(200).nullable().optional(),
  notes: z.string().trim().max(1000).nullable().optional(),
  active: z.boolean().optional(),
});
const sla = z.object({
  priority: z.enum(priorities),
  responseMinutes: z.number().int().min(1).max(525_600),
  resolutionMinutes: z.number().int().min(1).max(525_600),
  escalateAfterMinutes: z.number().int().min(1).max(525_600),
});
const rule = z.object({
  id: z.string(),
  alarmType: z.string(),
  minSeverity: z.string(),
  priority: z.string(),
  onClear: z.string(),
  active: z.boolean(),
  createdAt: z.date(),
});
const ruleBody = z.strictObject({
  alarmType: text(100),
  minSeverity: z.enum(alarmSeverities),
  priority: z.enum(priorities),
  onClear: z.enum(['note', 'complete']),
  active: z.boolean().optional(),
});
const request = z.object({
  id: z.string(),
  assetId: z.string(),
  assetName: z.string(),
  storeId: z.string(),
  storeName: z.string(),
  description: z.string(),
  reporterName: z.string().nullable(),
  reporterContact: z.string().nullable(),
  photoIds: z.array(z.string()),
  photos: z.array(fileRefSchema),
  status: z.string(),
  workOrderId: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.date().nullable(),
  decisionNote: z.string().nullable(),
  createdAt: z.date(),
});
const decision = z.object({ requestId: z.string(), workOrderId: z.string().nullable() });
const reportQuery = z
  .object({ from: z.coerce.date(), to: z.coerce.date(), orgUnitId: id.optional() })
  .refine((q) => q.from < q.to, { error: 'from must be before to', path: ['to'] });
const timing = z.object({
  created: z.number(),
  completed: z.number(),
  breached: z.number(),
  mttaMinutes: z.number().nullable(),
  mttrMinutes: z.number().nullable(),
});
const report = z.object({
  from: z.date(),
  to: z.date(),
  workOrders: timing.extend({ byPriority: z.array(timing.extend({ priority: z.string() })) }),
  downtimeByCategory: z.array(z.object({ category: z.string(), hours: z.number(), intervals: z.number() })),
  downtimeByStore: z.array(z.object({ storeId: z.string(), storeName: z.string(), regionName: z.string(), hours: z.number(), intervals: z.number() })),
  downtimeByRegion: z.array(z.object({ regionId: z.string(), regionName: z.string(), hours: z.number(), intervals: z.number() })),
});

/** Requests queue, contractors, SLAs, alarm rules, reports and calendar feeds under /api/v1/maintenance. */
export function maintenanceRoutes(deps: Deps) {
  const { db, config } = deps;
  return async (app: HttpApp) => {
    app.get(
      '/maintenance/requests',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'Faults reported through QR codes, pending first',
          querystring: z.object({
            status: z.enum(['pending', 'approved', 'rejected']).optional(),
            storeId: id.optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: { 200: z.object({ data: z.array(request) }), ...errors },
        },
      },
      async (req) => listRequests(ctxOf(db, req), req.query),
    );
    app.post(
      '/maintenance/requests/:id/approve',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'Approve a request: it becomes a work order keeping its photos',
          params: idParams,
          body: z.strictObject({
            priority: z.enum(priorities),
            title: text(200).optional(),
            assigneeUserId: id.nullable().optional(),
            contractorId: id.nullable().optional(),
          }),
          response: { 200: decision, ...errors },
        },
      },
      async (req) => approveRequest(ctxOf(db, req), req.params.id, req.body),
    );
    app.post(
      '/maintenance/requests/:id/reject',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'Reject a request with a reason',
          params: idParams,
          body: z.strictObject({ reason: text(500) }),
          response: { 200: decision, ...errors },
        },
      },
      async (req) => rejectRequest(ctxOf(db, req), req.params.id, req.body.reason),
    );

    app.get(
      '/maintenance/contractors',
      { schema: { tags: ['maintenance'], summary: 'Contractor companies', response: { 200: z.object({ data: z.array(contractor) }), ...errors } } },
      async (req) => listContractors(ctxOf(db, req)),
    );
    app.post(
      '/maintenance/contractors',
      { schema: { tags: ['maintenance'], summary: 'Add a contractor company', body: contractorBody, response: { 201: contractor, ...errors } } },
      async (req, reply) => reply.status(201).send(await createContractor(ctxOf(db, req), req.body)),
    );
    app.patch(
      '/maintenance/contractors/:id',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'Change a contractor company',
          params: idParams,
          body: contractorBody.partial(),
          response: { 200: contractor, ...errors },
        },
      },
      async (req) => updateContractor(ctxOf(db, req), req.params.id, req.body),
    );

    app.get(
      '/maintenance/slas',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'Response and resolution targets per priority',
          response: { 200: z.object({ data: z.array(sla) }), ...errors },
        },
      },
      async (req) => listSlas(ctxOf(db, req)),
    );
    app.put(
      '/maintenance/slas',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'Set SLA targets',
          body: z.strictObject({ data: z.array(sla).min(1).max(4) }),
          response: { 200: z.object({ data: z.array(sla) }), ...errors },
        },
      },
      async (req) => setSlas(ctxOf(db, req), req.body.data),
    );

    app.get(
      '/maintenance/alarm-rules',
      { schema: { tags: ['maintenance'], summary: 'Which device alarms open work orders', response: { 200: z.object({ data: z.array(rule) }), ...errors } } },
      async (req) => listAlarmRules(ctxOf(db, req)),
    );
    app.post(
      '/maintenance/alarm-rules',
      { schema: { tags: ['maintenance'], summary: 'Add an alarm-to-work-order rule', body: ruleBody, response: { 201: rule, ...errors } } },
      async (req, reply) => reply.status(201).send(await createAlarmRule(ctxOf(db, req), req.body)),
    );
    app.patch(
      '/maintenance/alarm-rules/:id',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'Change an alarm-to-work-order rule',
          params: idParams,
          body: ruleBody.partial(),
          response: { 200: rule, ...errors },
        },
      },
      async (req) => updateAlarmRule(ctxOf(db, req), req.params.id, req.body),
    );
    app.delete(
      '/maintenance/alarm-rules/:id',
      { schema: { tags: ['maintenance'], summary: 'Remove an alarm-to-work-order rule', params: idParams, response: { 204: z.null(), ...errors } } },
      async (req, reply) => {
        await deleteAlarmRule(ctxOf(db, req), req.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/maintenance/reports',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'MTTA, MTTR and downtime by category, store and region',
          querystring: reportQuery,
          response: { 200: report, ...errors },
        },
      },
      async (req) => maintenanceReport(ctxOf(db, req), req.query),
    );
    app.get(
      '/maintenance/reports/export',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'One table of the report as CSV',
          querystring: reportQuery.safeExtend({ table: z.enum(['priority', 'category', 'store', 'region']) }),
          produces: ['text/csv'],
          response: { 200: z.string().describe('CSV'), ...errors },
        },
      },
      async (req, reply) => {
        const csv = await maintenanceReportCsv(ctxOf(db, req), req.query, req.query.table);
        reply.header('content-disposition', `attachment; filename="maintenance-${req.query.table}.csv"`);
        return reply.type('text/csv; charset=utf-8').send(`\uFEFF${csv}`);
      },
    );

    app.post(
      '/maintenance/calendar-feed',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'Make (or replace) my secret iCalendar URL; shown once',
          response: { 200: z.object({ path: z.string(), url: z.string() }), ...errors },
        },
      },
      async (req) => {
        const { path } = await issueCalendarFeed(ctxOf(db, req));
        return { path, url: `${config.publicUrl ?? `${req.protocol}://${req.host}`}${path}` };
      },
    );
    app.get(
      '/maintenance/ical/:token',
      {
        config: { public: true },
        schema: {
          tags: ['maintenance'],
          summary: "A technician's work as iCalendar (RFC 5545), by secret URL",
          params: z.object({ token: z.string().min(10).max(80) }),
          produces: ['text/calendar'],
          response: { 200: z.string().describe('iCalendar (RFC 5545)'), ...errors },
        },
      },
      async (req, reply) => {
        const body = await calendarFeed(db.orm, req.params.token, config.publicUrl ?? `${req.protocol}://${req.host}`);
        return reply.type('text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(body);
      },
    );
  };
}
