import { z } from 'zod';
import type { Deps } from '../../kernel/context.ts';
import { notFound } from '../../kernel/errors.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { sharedRateLimiter } from '../../kernel/rate-limit.ts';
import { errors, errorSchema, text } from '../../kernel/schemas.ts';
import { allowedFileTypes, rawUploads, storePublicFile, uploadLengthGuard } from '../files/index.ts';
import { assetByToken } from './assets.ts';
import { fileRequest } from './requests.ts';

/** How many public calls one address (and one asset's QR code) may make: a flood answers 429. */
export interface PublicFormLimits {
  perAddress: { limit: number; windowMs: number };
  perAsset: { limit: number; windowMs: number };
}

export const defaultPublicFormLimits: PublicFormLimits = {
  perAddress: { limit: 10, windowMs: 60_000 },
  perAsset: { limit: 60, windowMs: 3_600_000 },
};

const tokenParams = z.object({ token: z.string().min(8).max(64) });

/** The request form behind an asset's QR code, under /api/v1/public/assets/:token: no sign-in, rate limited. */
export function publicFormRoutes(deps: Deps, limits: PublicFormLimits = defaultPublicFormLimits) {
  const { db, config } = deps;
  // Counted in the database, so a flood spread over the cluster's nodes meets one limit.
  const byAddress = sharedRateLimiter(db, 'public-form-address', limits.perAddress.limit, limits.perAddress.windowMs);
  const byAsset = sharedRateLimiter(db, 'public-form-asset', limits.perAsset.limit, limits.perAsset.windowMs);
  const found = async (token: string) => {
    const row = await assetByToken(db.orm, token);
    if (!row) notFound('asset', 'for this code');
    return row;
  };
  return async (app: HttpApp) => {
    rawUploads(app, config.uploadLimit);
    app.get(
      '/public/assets/:token',
      {
        config: { public: true },
        schema: {
          tags: ['maintenance'],
          summary: 'What the QR code of an asset names (no sign-in)',
          params: tokenParams,
          response: { 200: z.object({ assetName: z.string(), category: z.string(), storeName: z.string() }), ...errors, 429: errorSchema },
        },
      },
      async (req) => {
        await byAddress.take(`get:${req.ip}`);
        const { asset, storeName } = await found(req.params.token);
        return { assetName: asset.name, category: asset.category, storeName };
      },
    );
    app.post(
      '/public/assets/:token/photos',
      {
        config: { public: true },
        bodyLimit: config.uploadLimit,
        onRequest: uploadLengthGuard(config.uploadLimit),
        schema: {
          tags: ['maintenance'],
          summary: 'Upload a photo of a fault (no sign-in); send its id with the request',
          description: `The photo's bytes as the body, with its Content-Type (${allowedFileTypes.join(', ')}).`,
          params: tokenParams,
          querystring: z.object({ name: z.string().max(200).optional() }),
          response: {
            201: z.object({ id: z.string(), name: z.string(), contentType: z.string(), size: z.number() }),
            413: errorSchema,
            415: errorSchema,
            429: errorSchema,
            ...errors,
          },
        },
      },
      async (req, reply) => {
        await byAddress.take(req.ip);
        const { asset } = await found(req.params.token);
        await byAsset.take(asset.id);
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const ref = await storePublicFile(
          db.orm,
          { tenantId: asset.tenantId, orgUnitId: asset.orgUnitId, orgPath: asset.orgPath, label: 'QR request form' },
          { orgUnitId: asset.orgUnitId, name: req.query.name, contentType: String(req.headers['content-type'] ?? ''), body },
        );
        return reply.status(201).send({ id: ref.id, name: ref.name, contentType: ref.contentType, size: ref.size });
      },
    );
    app.post(
      '/public/assets/:token/requests',
      {
        config: { public: true },
        schema: {
          tags: ['maintenance'],
          summary: 'Report a fault of an asset (no sign-in)',
          params: tokenParams,
          body: z.strictObject({
            description: text(2000),
            reporterName: z.string().trim().max(100).nullable().optional(),
            reporterContact: z.string().trim().max(100).nullable().optional(),
            photoIds: z.array(z.string().max(64)).max(5).optional(),
          }),
          response: { 201: z.object({ id: z.string() }), 429: errorSchema, ...errors },
        },
      },
      async (req, reply) => {
        await byAddress.take(req.ip);
        const { asset } = await found(req.params.token);
        await byAsset.take(asset.id);
        return reply.status(201).send(await fileRequest(db, asset, req.body));
      },
    );
  };
}
