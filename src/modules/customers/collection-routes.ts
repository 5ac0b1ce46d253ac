import type { FastifyError } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../kernel/errors.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errorSchema } from '../../kernel/schemas.ts';
import type { CollectPath, Collector } from './collection.ts';
import { eventLimits } from './payload-bounds.ts';

const tags = ['collection (Segment HTTP API)'];
const paths: { path: CollectPath; summary: string }[] = [
  { path: 'identify', summary: 'Identify: who the user is, with traits' },
  { path: 'track', summary: 'Track: an action the user took (`event`, `properties`)' },
  { path: 'page', summary: 'Page: a web page the user viewed' },
  { path: 'screen', summary: 'Screen: an app screen the user viewed' },
  { path: 'group', summary: 'Group: the user belongs to a group (`groupId`)' },
  { path: 'alias', summary: 'Alias: `previousId` and `userId` are one person' },
  { path: 'batch', summary: 'Batch: up to 500 KB of events of any type in `batch`' },
  { path: 'import', summary: "Import: Segment's alias of batch" },
];

const result = z.object({
  success: z.literal(true),
  stored: z.number(),
  duplicates: z.number(),
  suppressed: z.number(),
  rejected: z.array(z.object({ index: z.number(), messageId: z.string().nullable(), reason: z.string() })),
});

// Bodies up to twice Segment's batch limit are read, so a too-large one is answered with Segment's 400 and the reason.
const bodyLimit = eventLimits.batchBytes * 2;

/**
 * Segment's HTTP Tracking API on the server's HTTP port: `POST /v1/{identify,track,page,screen,group,alias,batch,
 * import}`, authenticated by the source's write key (Basic user name or `writeKey` in the body), answered 200 once
 * the valid events are committed, with the invalid ones named. CORS is open, as browsers post here from shop pages.
 */
export function collectionRoutes(collector: Collector) {
  return async (app: HttpApp) => {
    // Raw bytes of any content type (SDKs send application/json, text/plain from browsers' sendBeacon): the collector
    // checks size, decompresses, and parses JSON itself.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
    app.setErrorHandler((err: FastifyError) => {
      // Segment answers 400 to a body over its limits; the kernel's handler (the parent) writes the answer.
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw new AppError('invalid', `the request is over ${bodyLimit / 1024} KB`);
      throw err;
    });
    app.addHook('onRequest', async (_req, reply) => {
      reply.header('access-control-allow-origin', '*');
      reply.header('x-content-type-options', 'nosniff');
    });
    app.options('/v1/*', { config: { public: true }, schema: { hide: true } }, async (_req, reply) =>
      reply
        .status(204)
        .header('access-control-allow-methods', 'POST, OPTIONS')
        .header('access-control-allow-headers', 'authorization, content-type, content-encoding')
        .header('access-control-max-age', '86400')
        .send(),
    );
    for (const { path, summary } of paths) {
      app.post(
        `/v1/${path}`,
        {
          // A JSON API for SDKs, not a page: the page headers are left off (they cost time on every request); nosniff is set above.
          config: { public: true, securityHeaders: false },
          bodyLimit,
          schema: { tags, summary, response: { 200: result, 400: errorSchema, 401: errorSchema, 403: errorSchema, 429: errorSchema } },
        },
        async (req) =>
          collector.collect({
            path,
            body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
            authorization: req.headers.authorization,
            contentEncoding: typeof req.headers['content-encoding'] === 'string' ? req.headers['content-encoding'] : undefined,
          }),
      );
    }
  };
}
