import { z } from 'zod';
import { ctxOf } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams, page, pageQuery } from '../../kernel/schemas.ts';
import {
  computedTraitBody,
  computedTraitPatch,
  createComputedTrait,
  deleteComputedTrait,
  getComputedTrait,
  listComputedTraits,
  updateComputedTrait,
} from './computed-trait-admin.ts';
import type { ProfileModule } from './profile-pipeline.ts';
import { conditionSchema } from './segment-conditions.ts';
import { segmentPreviewRoutes } from './segment-preview-routes.ts';
import {
  createSegment,
  deleteSegment,
  estimateSegment,
  exportMembers,
  getSegment,
  listMembers,
  listSegments,
  requestRecompute,
  segmentBody,
  segmentHistory,
  segmentPatch,
  updateSegment,
} from './segments.ts';

const json = z.record(z.string(), z.unknown());
const segmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  definition: json,
  version: z.number(),
  status: z.string(),
  progress: json,
  memberCount: z.number(),
  createdBy: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const traitSchema = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  definition: json,
  status: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const tags = ['segments'];

/** Segments (CRUD, estimate, members, CSV export, history, recompute) and computed traits (CRUD). */
export function segmentRoutes(m: ProfileModule) {
  const { db } = m.deps;
  return async (app: HttpApp) => {
    await app.register(segmentPreviewRoutes(m));
    app.get(
      '/segments',
      { schema: { tags, summary: 'Segments with size and recompute status', response: { 200: page(segmentSchema), ...errors } } },
      async (req) => listSegments(ctxOf(db, req)),
    );
    app.post(
      '/segments/estimate',
      {
        schema: {
          tags,
          summary: 'How many people a definition selects now (live count while editing)',
          body: z.strictObject({ definition: conditionSchema }),
          response: { 200: z.object({ count: z.number(), total: z.number(), tookMs: z.number() }), ...errors },
        },
      },
      async (req) => estimateSegment(ctxOf(db, req), m.rt, req.body.definition),
    );
    app.post(
      '/segments',
      { schema: { tags, summary: 'Create a segment (members computed in the background)', body: segmentBody, response: { 201: segmentSchema, ...errors } } },
      async (req, reply) => reply.status(201).send(await createSegment(ctxOf(db, req), m.rt, m.queue, req.body)),
    );
    app.get(
      '/segments/:id',
      { schema: { tags, summary: 'One segment, with recompute progress', params: idParams, response: { 200: segmentSchema, ...errors } } },
      async (req) => getSegment(ctxOf(db, req), req.params.id),
    );
    app.patch(
      '/segments/:id',
      {
        schema: {
          tags,
          summary: 'Change a segment; a new definition recomputes in the background',
          params: idParams,
          body: segmentPatch,
          response: { 200: segmentSchema, ...errors },
        },
      },
      async (req) => updateSegment(ctxOf(db, req), m.rt, m.queue, req.params.id, req.body),
    );
    app.delete(
      '/segments/:id',
      { schema: { tags, summary: 'Delete a segment no other refers to', params: idParams, response: { 204: z.null(), ...errors } } },
      async (req, reply) => {
        await deleteSegment(ctxOf(db, req), m.rt, req.params.id);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/segments/:id/recompute',
      { schema: { tags, summary: 'Recompute the members in the background', params: idParams, response: { 202: segmentSchema, ...errors } } },
      async (req, reply) => reply.status(202).send(await requestRecompute(ctxOf(db, req), m.queue, req.params.id)),
    );
    app.get(
      '/segments/:id/members',
      {
        schema: {
          tags,
          summary: 'Members, by profile id, a page at a time',
          params: idParams,
          querystring: z.object(pageQuery),
          response: { 200: page(z.object({ profileId: z.string(), enteredAt: z.date(), traits: json })), ...errors },
        },
      },
      async (req) => listMembers(ctxOf(db, req), req.params.id, req.query),
    );
    app.get(
      '/segments/:id/export',
      { schema: { tags, summary: 'Members as CSV (streamed)', params: idParams, produces: ['text/csv'] } },
      async (req, reply) => {
        const stream = await exportMembers(ctxOf(db, req), req.params.id);
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="segment-${req.params.id}.csv"`).send(stream);
      },
    );
    app.get(
      '/segments/:id/history',
      {
        schema: {
          tags,
          summary: 'Entries and exits (who, when, why: event, timer, recompute, merged, deleted, rebuild), newest first; `kind` keeps one of the two',
          params: idParams,
          querystring: z.object({ ...pageQuery, kind: z.enum(['entered', 'exited']).optional() }),
          response: { 200: page(z.object({ profileId: z.string(), kind: z.string(), reason: z.string(), at: z.date(), traits: json })), ...errors },
        },
      },
      async (req) => segmentHistory(ctxOf(db, req), req.params.id, req.query),
    );
    app.get('/computed-traits', { schema: { tags, summary: 'Computed traits', response: { 200: page(traitSchema), ...errors } } }, async (req) =>
      listComputedTraits(ctxOf(db, req)),
    );
    app.post(
      '/computed-traits',
      { schema: { tags, summary: 'Define a computed trait', body: computedTraitBody, response: { 201: traitSchema, ...errors } } },
      async (req, reply) => reply.status(201).send(await createComputedTrait(ctxOf(db, req), m.rt, m.queue, req.body)),
    );
    app.get(
      '/computed-traits/:id',
      { schema: { tags, summary: 'One computed trait', params: idParams, response: { 200: traitSchema, ...errors } } },
      async (req) => getComputedTrait(ctxOf(db, req), req.params.id),
    );
    app.patch(
      '/computed-traits/:id',
      {
        schema: {
          tags,
          summary: 'Change a computed trait (recomputed in the background)',
          params: idParams,
          body: computedTraitPatch,
          response: { 200: traitSchema, ...errors },
        },
      },
      async (req) => updateComputedTrait(ctxOf(db, req), m.rt, m.queue, req.params.id, req.body),
    );
    app.delete(
      '/computed-traits/:id',
      { schema: { tags, summary: 'Delete a computed trait and its values', params: idParams, response: { 204: z.null(), ...errors } } },
      async (req, reply) => {
        await deleteComputedTrait(ctxOf(db, req), m.rt, req.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
