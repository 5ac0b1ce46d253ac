import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { sendFile } from '../files/index.ts';
import { attachedFileParams, errors, fileBytes, idParams, pageQuery } from '../../kernel/schemas.ts';
import { auditListItem, auditOut, auditScoreRowOut, complianceRowOut, correctiveDetailOut, correctiveOut } from './api-schemas.ts';
import { auditDetail, auditFile, completeAudit, listAudits, saveAuditAnswers, startAudit } from './audits.ts';
import { correctiveActionDetail, correctiveActionFile, listCorrectiveActions, moveCorrectiveAction } from './corrective-actions.ts';
import { type CorrectiveStatus, correctiveStatuses } from './lifecycles.ts';
import { auditHeatmap, auditScoreReport, complianceReport, complianceTrend, toCsv } from './reports.ts';

const tags = ['operations'];
const answersBody = z.record(z.string().max(40), z.unknown()).refine((a) => Object.keys(a).length <= 200, { error: 'at most 200 answers' });
const isoDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });
const statusList = new RegExp(`^(${correctiveStatuses.join('|')})(,(${correctiveStatuses.join('|')}))*$`);
const isCorrectiveStatus = (s: string): s is CorrectiveStatus => (correctiveStatuses as readonly string[]).includes(s);

function defaultPeriod() {
  const to = new Date();
  const from = new Date(to.getTime() - 29 * 86_400_000);
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}
const period = { from: isoDate.optional(), to: isoDate.optional(), orgUnitId: z.string().max(64).optional() };
const reportQuery = z.object({
  ...period,
  groupBy: z.enum(['store', 'region']).default('region'),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});
const withPeriod = <T extends { from?: string; to?: string }>(q: T) => ({
  ...q,
  ...defaultPeriod(),
  ...(q.from ? { from: q.from } : {}),
  ...(q.to ? { to: q.to } : {}),
});

/** Audits, corrective actions and the operations reports (with CSV export) under /api/v1. */
export function auditRoutes(deps: Deps) {
  const { db } = deps;
  return async (app: HttpApp) => {
    app.get(
      '/audits',
      {
        schema: {
          tags,
          summary: 'Audits of stores in your scope, newest first',
          querystring: z.object({ storeId: z.string().max(64).optional(), status: z.enum(['in_progress', 'completed']).optional(), limit: pageQuery.limit }),
          response: { 200: z.object({ data: z.array(auditListItem) }), ...errors },
        },
      },
      async (req) => ({ data: await listAudits(ctxOf(db, req), req.query) }),
    );
    app.post(
      '/audits',
      {
        schema: {
          tags,
          summary: 'Start an audit of a store with an audit template',
          body: z.strictObject({ templateId: z.string().min(1).max(64), storeId: z.string().min(1).max(64) }),
          response: { 201: auditOut, ...errors },
        },
      },
      async (req, reply) => reply.status(201).send(await startAudit(ctxOf(db, req), req.body)),
    );
    app.get(
      '/audits/:id',
      { schema: { tags, summary: 'One audit with outcomes and corrective actions', params: idParams, response: { 200: auditOut, ...errors } } },
      async (req) => auditDetail(ctxOf(db, req), req.params.id),
    );
    app.get(
      '/audits/:id/files/:fileId',
      { schema: { tags, summary: "A photo or signature of an audit's answers", params: attachedFileParams, response: { 200: fileBytes, ...errors } } },
      async (req, reply) => {
        const { ref, stream } = await auditFile(ctxOf(db, req), req.params.id, req.params.fileId);
        return sendFile(reply, ref, stream);
      },
    );
    app.put(
      '/audits/:id/answers',
      {
        schema: {
          tags,
          summary: "Save an audit's answers as a draft",
          params: idParams,
          body: z.strictObject({ answers: answersBody }),
          response: { 200: auditOut, ...errors },
        },
      },
      async (req) => saveAuditAnswers(ctxOf(db, req), req.params.id, req.body),
    );
    app.post(
      '/audits/:id/complete',
      {
        schema: {
          tags,
          summary: 'Complete an audit: score it and open a corrective action per failed item',
          params: idParams,
          body: z.strictObject({ answers: answersBody.optional() }),
          response: { 200: auditOut, ...errors },
        },
      },
      async (req) => completeAudit(ctxOf(db, req), req.params.id, req.body),
    );

    app.get(
      '/corrective-actions',
      {
        schema: {
          tags,
          summary: 'Corrective actions of stores in your scope, soonest due first',
          querystring: z.object({
            storeId: z.string().max(64).optional(),
            auditId: z.string().max(64).optional(),
            status: z
              .string()
              .max(100)
              .regex(statusList, { error: `must be a comma-separated list of ${correctiveStatuses.join(', ')}` })
              .optional(),
            limit: pageQuery.limit,
          }),
          response: { 200: z.object({ data: z.array(correctiveOut) }), ...errors },
        },
      },
      async (req) => ({ data: await listCorrectiveActions(ctxOf(db, req), { ...req.query, status: req.query.status?.split(',').filter(isCorrectiveStatus) }) }),
    );
    app.get(
      '/corrective-actions/:id',
      { schema: { tags, summary: 'One corrective action', params: idParams, response: { 200: correctiveDetailOut, ...errors } } },
      async (req) => correctiveActionDetail(ctxOf(db, req), req.params.id),
    );
    app.get(
      '/corrective-actions/:id/files/:fileId',
      { schema: { tags, summary: 'A photo of a corrective action', params: attachedFileParams, response: { 200: fileBytes, ...errors } } },
      async (req, reply) => {
        const { ref, stream } = await correctiveActionFile(ctxOf(db, req), req.params.id, req.params.fileId);
        return sendFile(reply, ref, stream);
      },
    );
    app.post(
      '/corrective-actions/:id/transitions',
      {
        schema: {
          tags,
          summary: 'Move a corrective action (in_progress, pending_review with a photo, approved, pushed_back with a note)',
          params: idParams,
          body: z.strictObject({
            to: z.enum(correctiveStatuses),
            note: z.string().trim().max(2000).optional(),
            photoFileIds: z.array(z.string().max(64)).max(20).optional(),
            version: z.number().int().min(1).optional(),
          }),
          response: { 200: correctiveDetailOut, ...errors },
        },
      },
      async (req) => moveCorrectiveAction(ctxOf(db, req), req.params.id, req.body),
    );

    app.get(
      '/operations/reports/compliance',
      {
        schema: {
          tags,
          summary: 'Task completion and on-time rates by store or region (due days from–to), worst first',
          querystring: reportQuery,
          response: { 200: z.object({ data: z.array(complianceRowOut) }), ...errors },
        },
      },
      async (req) => ({ data: await complianceReport(ctxOf(db, req), withPeriod(req.query)) }),
    );
    app.get(
      '/operations/reports/compliance.csv',
      { schema: { tags, summary: 'The compliance report as CSV', querystring: reportQuery, produces: ['text/csv'] } },
      async (req, reply) => {
        const rows = await complianceReport(ctxOf(db, req), withPeriod(req.query));
        const csv = toCsv(rows, ['code', 'name', 'total', 'completed', 'onTime', 'overdue', 'expired', 'completionRate', 'onTimeRate']);
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="task-compliance-${req.query.groupBy}.csv"`).send(csv);
      },
    );
    app.get(
      '/operations/reports/compliance-trend',
      {
        schema: {
          tags,
          summary: 'Completion and on-time rates per week',
          querystring: z.object(period),
          response: {
            200: z.object({
              data: z.array(
                z.object({
                  week: z.string(),
                  total: z.number(),
                  completed: z.number(),
                  onTime: z.number(),
                  completionRate: z.number(),
                  onTimeRate: z.number(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (req) => ({ data: await complianceTrend(ctxOf(db, req), withPeriod(req.query)) }),
    );
    app.get(
      '/operations/reports/audits',
      {
        schema: {
          tags,
          summary: 'Audit scores by store or region, lowest first',
          querystring: reportQuery,
          response: { 200: z.object({ data: z.array(auditScoreRowOut) }), ...errors },
        },
      },
      async (req) => ({ data: await auditScoreReport(ctxOf(db, req), withPeriod(req.query)) }),
    );
    app.get(
      '/operations/reports/audits.csv',
      { schema: { tags, summary: 'Audit scores as CSV', querystring: reportQuery, produces: ['text/csv'] } },
      async (req, reply) => {
        const rows = await auditScoreReport(ctxOf(db, req), withPeriod(req.query));
        const csv = toCsv(rows, ['code', 'name', 'audits', 'passed', 'avgScore', 'minScore', 'criticalFailed']);
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="audit-scores-${req.query.groupBy}.csv"`).send(csv);
      },
    );
    app.get(
      '/operations/reports/audit-heatmap',
      {
        schema: {
          tags,
          summary: 'Average audit score per region and month',
          querystring: z.object(period),
          response: {
            200: z.object({
              data: z.array(z.object({ regionId: z.string(), regionName: z.string(), period: z.string(), audits: z.number(), avgScore: z.number() })),
            }),
            ...errors,
          },
        },
      },
      async (req) => ({ data: await auditHeatmap(ctxOf(db, req), withPeriod(req.query)) }),
    );
  };
}
