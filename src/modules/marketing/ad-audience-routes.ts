import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams } from '../../kernel/schemas.ts';
import type { FileStore } from '../files/index.ts';
import { createAdAudience, listAdAudiences, openAdAudienceFile, refreshAdAudienceNow, updateAdAudience } from './ad-audience-refresh.ts';

const format = z.enum(['google', 'meta', 'tiktok']);
const refresh = z.object({
  id: z.string(),
  format: z.string(),
  reason: z.string(),
  rows: z.number(),
  bytes: z.number(),
  sha256: z.string(),
  createdAt: z.date(),
});
const audience = z.object({
  id: z.string(),
  orgUnitId: z.string(),
  segmentId: z.string(),
  formats: z.array(z.string()),
  purpose: z.string(),
  intervalHours: z.number(),
  onChange: z.boolean(),
  changeDelayMinutes: z.number(),
  active: z.boolean(),
  nextRunAt: z.date().nullable(),
  changedAt: z.date().nullable(),
  lastRefreshAt: z.date().nullable(),
  createdBy: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  refreshes: z.array(refresh),
});
const body = z.strictObject({
  segmentId: z.string().min(1).max(64),
  orgUnitId: z.string().min(1).max(64).optional(),
  formats: z.array(format).min(1).max(3),
  purpose: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/)
    .optional(),
  intervalHours: z.number().int().min(1).max(168).optional(),
  onChange: z.boolean().optional(),
  changeDelayMinutes: z.number().int().min(1).max(1440).optional(),
  active: z.boolean().optional(),
});

/** Ad audiences kept fresh under /api/v1/marketing/ad-audiences: the schedule, the refreshes, their files. */
export function adAudienceRoutes(deps: Deps, files: FileStore, kick: () => void) {
  const { db } = deps;
  return async (app: HttpApp) => {
    const tags = ['marketing'];
    app.get(
      '/marketing/ad-audiences',
      {
        schema: {
          tags,
          summary: 'Ad audiences on a schedule, each with its newest refreshes (files per platform format, rows, time)',
          querystring: z.object({ segmentId: z.string().max(64).optional() }),
          response: { 200: z.object({ data: z.array(audience) }), ...errors },
        },
      },
      async (req) => listAdAudiences(ctxOf(db, req), req.query),
    );
    app.post(
      '/marketing/ad-audiences',
      {
        schema: {
          tags,
          summary: "Refresh a segment's ad audience on a schedule and on membership change; the first refresh is due at once",
          body,
          response: { 201: audience, ...errors },
        },
      },
      async (req, reply) => {
        const row = await createAdAudience(ctxOf(db, req), req.body);
        kick();
        return reply.status(201).send(row);
      },
    );
    app.patch(
      '/marketing/ad-audiences/:id',
      {
        schema: {
          tags,
          summary: "Change an ad audience's formats, interval, change trigger or state",
          params: idParams,
          body: body.omit({ segmentId: true, orgUnitId: true }).partial(),
          response: { 200: audience, ...errors },
        },
      },
      async (req) => updateAdAudience(ctxOf(db, req), req.params.id, req.body),
    );
    app.post(
      '/marketing/ad-audiences/:id/refresh',
      { schema: { tags, summary: 'Refresh an ad audience now', params: idParams, response: { 200: audience, ...errors } } },
      async (req) => refreshAdAudienceNow(ctxOf(db, req), files, req.params.id),
    );
    app.get(
      '/marketing/ad-audiences/:id/refreshes/:refreshId/file',
      {
        schema: {
          tags,
          summary: "One refresh's customer-list file (CSV of SHA-256-hashed e-mails and phones)",
          params: z.object({ id: z.string().min(1).max(64), refreshId: z.string().min(1).max(64) }),
        },
      },
      async (req, reply) => {
        const f = await openAdAudienceFile(ctxOf(db, req), files, req.params.id, req.params.refreshId);
        return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${f.name}"`).send(f.stream);
      },
    );
  };
}
