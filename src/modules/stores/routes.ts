import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { type HttpApp, okAsItIs } from '../../kernel/http.ts';
import { errors, errorSchema, idParams, page, pageQuery } from '../../kernel/schemas.ts';
import { importStores } from './csv-import.ts';
import { weeklyHoursProblems } from './hours.ts';
import { storeStatuses } from './lifecycle.ts';
import {
  addSpecialHours,
  addZone,
  createStore,
  getStore,
  listStores,
  removeSpecialHours,
  removeZone,
  setWeeklyHours,
  storeSummary,
  transitionStore,
  updateStore,
  updateZone,
} from './service.ts';
import { createStoreBody, specialHoursBody, storeFormats, updateStoreBody, weeklyHoursBody, zoneBody } from './store-input.ts';

const store = z.object({
  id: z.string(),
  orgUnitId: z.string(),
  parentOrgUnitId: z.string(),
  parentName: z.string(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  status: z.string(),
  format: z.string(),
  city: z.string(),
  address: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  timeZone: z.string(),
  floorArea: z.number().nullable(),
  phone: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
// The list's timestamps arrive as the ISO strings the answer carries (see listStores).
const storeListItem = store.extend({ createdAt: z.iso.datetime(), updatedAt: z.iso.datetime() });
/** The store list's answer (exported so a test holds every answer to it, key for key). */
export const storeListPage = page(storeListItem);
const storeDetail = store.extend({
  weeklyHours: z.array(z.object({ day: z.number(), opens: z.string(), closes: z.string() })),
  specialHours: z.array(
    z.object({ id: z.string(), startDate: z.string(), endDate: z.string(), closed: z.boolean(), opens: z.string().nullable(), closes: z.string().nullable(), note: z.string().nullable() }),
  ),
  zones: z.array(z.object({ id: z.string(), name: z.string(), kind: z.string(), floorArea: z.number().nullable() })),
  openNow: z.boolean(),
});
const filters = {
  orgUnitId: z.string().max(64).optional(),
  status: z.enum(storeStatuses).optional(),
  format: z.enum(storeFormats).optional(),
  city: z.string().max(60).optional(),
  q: z.string().max(100).optional(),
};
const zoneParams = z.object({ id: z.string().max(64), zoneId: z.string().max(64) });

/** Stores, their hours, special hours, zones, lifecycle and CSV import under /api/v1. */
export function storeRoutes(deps: Deps) {
  const { db, config } = deps;
  return async (app: HttpApp) => {
    app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'buffer', bodyLimit: config.importLimit }, (_req, body, done) => done(null, body));

    app.get(
      '/stores',
      {
        schema: { tags: ['stores'], summary: 'Stores in your scope', querystring: z.object({ ...filters, ...pageQuery }), response: { 200: storeListPage, ...errors } },
        // The page is the SQL's own columns (listColumns), already in the answer's types: written as it is.
        serializerCompiler: okAsItIs,
      },
      async (req) => listStores(ctxOf(db, req), req.query),
    );
    app.get(
      '/stores/summary',
      {
        schema: {
          tags: ['stores'],
          summary: 'Store counts by status and format',
          querystring: z.object(filters),
          response: { 200: z.object({ byStatus: z.record(z.string(), z.number()), byFormat: z.record(z.string(), z.number()), total: z.number() }), ...errors },
        },
      },
      async (req) => storeSummary(ctxOf(db, req), req.query),
    );
    app.get('/stores/:id', { schema: { tags: ['stores'], summary: 'One store with hours and zones', params: idParams, response: { 200: storeDetail, ...errors } } }, async (req) =>
      getStore(ctxOf(db, req), req.params.id),
    );
    app.post('/stores', { schema: { tags: ['stores'], summary: 'Create a store', body: createStoreBody, response: { 201: storeDetail, ...errors } } }, async (req, reply) =>
      reply.status(201).send(await createStore(ctxOf(db, req), req.body)),
    );
    app.patch('/stores/:id', { schema: { tags: ['stores'], summary: "Change a store's details", params: idParams, body: updateStoreBody, response: { 200: storeDetail, ...errors } } }, async (req) =>
      updateStore(ctxOf(db, req), req.params.id, req.body),
    );
    app.post(
      '/stores/:id/transitions',
      {
        schema: {
          tags: ['stores'],
          summary: 'Move a store along its lifecycle (planned → opening → open ⇄ temporarily_closed → closed)',
          params: idParams,
          body: z.strictObject({ to: z.enum(storeStatuses), reason: z.string().max(300).optional() }),
          response: { 200: storeDetail, ...errors },
        },
      },
      async (req) => transitionStore(ctxOf(db, req), req.params.id, req.body.to),
    );
    app.put(
      '/stores/:id/hours',
      { schema: { tags: ['stores'], summary: 'Replace the weekly opening hours', params: idParams, body: weeklyHoursBody, response: { 200: storeDetail, ...errors } } },
      async (req) => {
        const issues = weeklyHoursProblems(req.body.weekly);
        if (issues.length) throw new AppError('invalid', `invalid hours: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
        return setWeeklyHours(ctxOf(db, req), req.params.id, req.body.weekly);
      },
    );
    app.post(
      '/stores/:id/special-hours',
      { schema: { tags: ['stores'], summary: 'Add a closure or changed hours over dates', params: idParams, body: specialHoursBody, response: { 201: storeDetail, ...errors } } },
      async (req, reply) => reply.status(201).send(await addSpecialHours(ctxOf(db, req), req.params.id, req.body)),
    );
    app.delete(
      '/stores/:id/special-hours/:specialId',
      { schema: { tags: ['stores'], summary: 'Remove special hours', params: z.object({ id: z.string().max(64), specialId: z.string().max(64) }), response: { 200: storeDetail, ...errors } } },
      async (req) => removeSpecialHours(ctxOf(db, req), req.params.id, req.params.specialId),
    );
    app.post('/stores/:id/zones', { schema: { tags: ['stores'], summary: 'Add a zone', params: idParams, body: zoneBody, response: { 201: storeDetail, ...errors } } }, async (req, reply) =>
      reply.status(201).send(await addZone(ctxOf(db, req), req.params.id, req.body)),
    );
    app.patch(
      '/stores/:id/zones/:zoneId',
      { schema: { tags: ['stores'], summary: 'Change a zone', params: zoneParams, body: zoneBody.partial(), response: { 200: storeDetail, ...errors } } },
      async (req) => updateZone(ctxOf(db, req), req.params.id, req.params.zoneId, req.body),
    );
    app.delete('/stores/:id/zones/:zoneId', { schema: { tags: ['stores'], summary: 'Remove a zone', params: zoneParams, response: { 200: storeDetail, ...errors } } }, async (req) =>
      removeZone(ctxOf(db, req), req.params.id, req.params.zoneId),
    );
    app.post(
      '/stores/import',
      {
        bodyLimit: config.importLimit,
        schema: {
          tags: ['stores'],
          summary: 'Import stores from CSV (all or nothing); ?dryRun=true only validates',
          description: `Columns: code,name,name_en,parent_code,format,city,address,latitude,longitude,time_zone,floor_area,phone,status. UTF-8.`,
          querystring: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
          consumes: ['text/csv'],
          response: { 200: z.object({ imported: z.number(), valid: z.number(), dryRun: z.boolean() }), 413: errorSchema, 415: errorSchema, ...errors },
        },
      },
      async (req) => {
        if (!Buffer.isBuffer(req.body)) throw new AppError('unsupported_media_type', 'send the file with Content-Type: text/csv');
        return importStores(ctxOf(db, req), req.body, { dryRun: req.query.dryRun === 'true' });
      },
    );
  };
}
