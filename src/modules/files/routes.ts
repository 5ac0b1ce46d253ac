import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, errorSchema, idParams } from '../../kernel/schemas.ts';
import { allowedFileTypes } from './file-types.ts';
import { type FileRef, openFile, storeFile } from './files.ts';

/** A file reference as the API shows it. */
export const fileRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string(),
  url: z.string(),
  createdAt: z.date(),
});

/** Refuses a body whose declared length is over the limit before reading a byte of it. */
export function uploadLengthGuard(limit: number) {
  return async (req: { headers: Record<string, string | string[] | undefined> }) => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > limit) throw new AppError('too_large', `the file is ${length} bytes, over the ${limit}-byte limit`, { limit });
  };
}

/** Answers a file's bytes with its type, length, name and a long private cache (a file never changes). */
export function sendFile(reply: FastifyReply, ref: FileRef, stream: Readable, download = false) {
  reply.header('content-type', ref.contentType);
  reply.header('content-length', String(ref.size));
  reply.header('content-disposition', `${download ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(ref.name)}`);
  reply.header('cache-control', 'private, max-age=86400, immutable');
  reply.header('etag', `"${ref.sha256}"`);
  return reply.send(stream);
}

/** Takes every non-JSON body of this plugin's routes as raw bytes, up to the upload limit; the service checks the type. */
export function rawUploads(app: HttpApp, limit: number): void {
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));
}

/** Uploads (raw body: Content-Type is the file's type, `?name=` its name) and downloads, under /api/v1/files. */
export function filesRoutes(deps: Deps) {
  const { db, config } = deps;
  return async (app: HttpApp) => {
    rawUploads(app, config.uploadLimit);
    app.post(
      '/files',
      {
        bodyLimit: config.uploadLimit,
        onRequest: uploadLengthGuard(config.uploadLimit),
        schema: {
          tags: ['files'],
          summary: 'Upload a file (photo, signature, PDF) for an org unit',
          description: `Send the bytes as the body with the file's own Content-Type (${allowedFileTypes.join(', ')}); \`orgUnitId\` is the unit (usually a store's) it belongs to. Over STOREOS_UPLOAD_LIMIT answers 413, another type 415.`,
          querystring: z.object({ orgUnitId: z.string().min(1).max(64), name: z.string().max(200).optional() }),
          consumes: [...allowedFileTypes],
          response: { 201: fileRefSchema, 413: errorSchema, 415: errorSchema, ...errors },
        },
      },
      async (req, reply) => {
        if (!Buffer.isBuffer(req.body)) {
          throw new AppError('unsupported_media_type', `send the file's bytes as the body with its Content-Type (${allowedFileTypes.join(', ')})`, {
            allowed: [...allowedFileTypes],
          });
        }
        const ref = await storeFile(ctxOf(db, req), {
          orgUnitId: req.query.orgUnitId,
          name: req.query.name,
          contentType: String(req.headers['content-type'] ?? ''),
          body: req.body,
        });
        return reply.status(201).send(ref);
      },
    );
    app.get(
      '/files/:id',
      {
        schema: {
          tags: ['files'],
          summary: 'Download a file you may see',
          params: idParams,
          querystring: z.object({ download: z.enum(['true', 'false']).optional() }),
          produces: [...allowedFileTypes],
          response: { 200: z.any().describe('the file bytes'), ...errors },
        },
      },
      async (req, reply) => {
        const { ref, stream } = await openFile(ctxOf(db, req), req.params.id);
        return sendFile(reply, ref, stream, req.query.download === 'true');
      },
    );
  };
}
