import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams, page, pageQuery, text } from '../../kernel/schemas.ts';
import type { DebugEntry, SourceDebugger } from './debugger.ts';
import { sourceChannels } from './schema.ts';
import type { SourceKeys } from './source-keys.ts';
import { createSource, findSourceInScope, getSource, listSources, rotateWriteKey, updateSource } from './sources.ts';

const tags = ['sources'];
const source = z.object({
  id: z.string(),
  name: z.string(),
  channel: z.enum(sourceChannels),
  storeId: z.string().nullable(),
  storeName: z.string().nullable(),
  writeKeyPrefix: z.string(),
  enabled: z.boolean(),
  rateLimit: z.number().nullable(),
  keyRotatedAt: z.date(),
  previousKeyExpiresAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const withKey = source.extend({ writeKey: z.string() });
const rateLimit = z.number().int().min(0).max(1_000_000).nullable();
const createBody = z.strictObject({ name: text(100), channel: z.enum(sourceChannels), storeId: z.string().max(64).nullable().optional(), rateLimit: rateLimit.optional() });
const updateBody = z.strictObject({ name: text(100).optional(), storeId: z.string().max(64).nullable().optional(), enabled: z.boolean().optional(), rateLimit: rateLimit.optional() });
const debugEntry = z.object({
  at: z.string(),
  status: z.enum(['stored', 'duplicate', 'rejected', 'suppressed', 'failed']),
  reason: z.string().nullable(),
  messageId: z.string().nullable(),
  type: z.string().nullable(),
  event: z.string().nullable(),
  raw: z.unknown(),
  truncated: z.boolean(),
});

/** A subscriber whose socket lags this far behind is dropped (the browser reconnects). */
const maxBacklogBytes = 1_048_576;

/** Sources, their write keys and their event debugger under /api/v1 (sources:manage, scoped by store). */
export function sourceRoutes(deps: Deps, keys: SourceKeys, debug: SourceDebugger, heartbeatMs = 15_000) {
  const { db } = deps;
  return async (app: HttpApp) => {
    app.get(
      '/sources',
      {
        schema: {
          tags,
          summary: 'Sources in your scope',
          querystring: z.object({ channel: z.enum(sourceChannels).optional(), storeId: z.string().max(64).optional(), ...pageQuery }),
          response: { 200: page(source), ...errors },
        },
      },
      async (req) => listSources(ctxOf(db, req), req.query),
    );
    app.post(
      '/sources',
      { schema: { tags, summary: 'Create a source; the answer holds its write key, shown this once', body: createBody, response: { 201: withKey, ...errors } } },
      async (req, reply) => reply.status(201).send(await createSource(ctxOf(db, req), req.body)),
    );
    app.get('/sources/:id', { schema: { tags, summary: 'One source', params: idParams, response: { 200: source, ...errors } } }, async (req) => getSource(ctxOf(db, req), req.params.id));
    app.patch(
      '/sources/:id',
      { schema: { tags, summary: 'Rename, move to a store, enable or disable, set the rate (events/s; null: default, 0: none)', params: idParams, body: updateBody, response: { 200: source, ...errors } } },
      async (req) => {
        const view = await updateSource(ctxOf(db, req), req.params.id, req.body);
        keys.invalidate(view.id);
        return view;
      },
    );
    for (const [verb, enabled] of [
      ['disable', false],
      ['enable', true],
    ] as const) {
      app.post(
        `/sources/:id/${verb}`,
        { schema: { tags, summary: `${verb === 'disable' ? 'Disable' : 'Enable'} a source (a disabled one answers 403 to its events)`, params: idParams, response: { 200: source, ...errors } } },
        async (req) => {
          const view = await updateSource(ctxOf(db, req), req.params.id, { enabled }, `source.${verb}d`);
          keys.invalidate(view.id);
          return view;
        },
      );
    }
    app.post(
      '/sources/:id/rotate-key',
      {
        schema: {
          tags,
          summary: 'Replace the write key; the old one keeps working for graceMinutes (default 0)',
          params: idParams,
          body: z.strictObject({ graceMinutes: z.number().int().min(0).max(10_080).optional() }).optional(),
          response: { 200: withKey, ...errors },
        },
      },
      async (req) => {
        const view = await rotateWriteKey(ctxOf(db, req), req.params.id, req.body?.graceMinutes ?? 0);
        keys.invalidate(view.id);
        return view;
      },
    );
    app.get(
      '/sources/:id/debugger',
      {
        schema: {
          tags,
          summary: "The source's last events as received (this node) and its last rejected events (all nodes)",
          params: idParams,
          response: { 200: z.object({ events: z.array(debugEntry), errors: z.array(debugEntry.extend({ id: z.number() })) }), ...errors },
        },
      },
      async (req) => {
        const s = await findSourceInScope(db.orm, ctxOf(db, req).actor, req.params.id);
        return { events: debug.recent(s.id), errors: await debug.errors(s.id) };
      },
    );
    app.get('/sources/:id/debugger/live', { schema: { tags, summary: "The source's events as they arrive (Server-Sent Events)", params: idParams, response: errors } }, async (req, reply) => {
      const s = await findSourceInScope(db.orm, ctxOf(db, req).actor, req.params.id);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write(`retry: 3000\nevent: ready\ndata: ${JSON.stringify({ sourceId: s.id })}\n\n`);
      const send = (entry: DebugEntry) => {
        if (res.writableLength > maxBacklogBytes) {
          res.destroy();
          return;
        }
        res.write(`event: ${entry.status}\ndata: ${JSON.stringify(entry)}\n\n`);
      };
      const unsubscribe = debug.subscribe(s.id, send);
      const beat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
      res.on('close', () => {
        clearInterval(beat);
        unsubscribe();
      });
    });
  };
}
