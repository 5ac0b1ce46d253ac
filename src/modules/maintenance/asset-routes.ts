import QRCode from 'qrcode';
import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams, page, pageQuery, text } from '../../kernel/schemas.ts';
import { createAsset, findAssetInScope, getAsset, listAssets, setAssetStatus, updateAsset } from './assets.ts';
import { assetCategories, assetStatuses } from './work-order-states.ts';

const day = z.iso.date({ error: 'must be a date such as 2024-05-01' });
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();
const assetBody = z.strictObject({
  storeId: z.string().min(1).max(64),
  zoneId: z.string().max(64).nullable().optional(),
  name: text(120),
  category: z.enum(assetCategories),
  make: optionalText(80),
  model: optionalText(80),
  serial: optionalText(80),
  installedOn: day.nullable().optional(),
  warrantyEnd: day.nullable().optional(),
  status: z.enum(assetStatuses).optional(),
  deviceId: z.string().max(64).nullable().optional(),
});
const asset = z.object({
  id: z.string(),
  storeId: z.string(),
  storeCode: z.string(),
  storeName: z.string(),
  zoneId: z.string().nullable(),
  name: z.string(),
  category: z.string(),
  make: z.string().nullable(),
  model: z.string().nullable(),
  serial: z.string().nullable(),
  installedOn: z.string().nullable(),
  warrantyEnd: z.string().nullable(),
  status: z.string(),
  statusSince: z.date(),
  downReason: z.string().nullable(),
  deviceId: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const assetDetail = asset.extend({
  downtime: z.array(z.object({ id: z.string(), reason: z.string(), startedAt: z.date(), endedAt: z.date().nullable() })),
  openWorkOrders: z.array(z.object({ id: z.string(), title: z.string(), status: z.string(), priority: z.string(), createdAt: z.date() })),
  canEdit: z.boolean(),
});

/** The URL a QR code carries: the public request form of the asset. */
export function publicFormUrl(base: string, token: string): string {
  return `${base.replace(/\/$/, '')}/r/${token}`;
}

/** Assets and their QR codes under /api/v1/assets. */
export function assetRoutes(deps: Deps) {
  const { db, config } = deps;
  return async (app: HttpApp) => {
    app.get(
      '/assets',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'Assets in your scope',
          querystring: z.object({
            storeId: z.string().max(64).optional(),
            category: z.string().max(40).optional(),
            status: z.enum(assetStatuses).optional(),
            q: z.string().max(100).optional(),
            ...pageQuery,
          }),
          response: { 200: page(asset), ...errors },
        },
      },
      async (req) => listAssets(ctxOf(db, req), req.query),
    );
    app.post(
      '/assets',
      { schema: { tags: ['maintenance'], summary: 'Register an asset in a store', body: assetBody, response: { 201: assetDetail, ...errors } } },
      async (req, reply) => reply.status(201).send(await createAsset(ctxOf(db, req), req.body)),
    );
    app.get(
      '/assets/:id',
      {
        schema: { tags: ['maintenance'], summary: 'One asset with downtime and open work orders', params: idParams, response: { 200: assetDetail, ...errors } },
      },
      async (req) => getAsset(ctxOf(db, req), req.params.id),
    );
    app.patch(
      '/assets/:id',
      {
        schema: {
          tags: ['maintenance'],
          summary: "Change an asset's details",
          params: idParams,
          body: assetBody.omit({ storeId: true, status: true }).partial(),
          response: { 200: assetDetail, ...errors },
        },
      },
      async (req) => updateAsset(ctxOf(db, req), req.params.id, req.body),
    );
    app.post(
      '/assets/:id/status',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'Mark an asset operational, down or standby (downtime is tracked)',
          params: idParams,
          body: z.strictObject({ status: z.enum(assetStatuses) }),
          response: { 200: assetDetail, ...errors },
        },
      },
      async (req) => setAssetStatus(ctxOf(db, req), req.params.id, req.body.status),
    );
    app.get(
      '/assets/:id/qr',
      {
        schema: {
          tags: ['maintenance'],
          summary: "The asset's QR code (SVG or PNG), opening its public request form",
          params: idParams,
          querystring: z.object({ format: z.enum(['svg', 'png']).default('svg') }),
          produces: ['image/svg+xml', 'image/png'],
          response: { 200: z.any().describe('the QR code image'), ...errors },
        },
      },
      async (req, reply) => {
        const row = await findAssetInScope(db.orm, ctxOf(db, req).actor, req.params.id);
        const url = publicFormUrl(config.publicUrl ?? `${req.protocol}://${req.host}`, row.publicToken);
        reply.header('cache-control', 'private, max-age=3600');
        reply.header('x-storeos-qr-url', url);
        if (req.query.format === 'png')
          return reply.type('image/png').send(await QRCode.toBuffer(url, { type: 'png', margin: 2, width: 512, errorCorrectionLevel: 'M' }));
        return reply.type('image/svg+xml').send(await QRCode.toString(url, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }));
      },
    );
  };
}
