import { z } from 'zod';
import { requirePermission } from '../../kernel/auth.ts';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams, text } from '../../kernel/schemas.ts';
import { createChannel, getChannel, listChannels, readPermission, updateChannel } from './channels.ts';
import { sinkRecords } from './channels/sink.ts';

const kind = z.enum(['sink', 'webhook', 'sms', 'email', 'push']);
const channel = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  settings: z.record(z.string(), z.unknown()),
  capMax: z.number().nullable(),
  capDays: z.number(),
  active: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const body = z.strictObject({
  name: text(100),
  kind,
  settings: z.record(z.string(), z.unknown()).optional(),
  capMax: z.number().int().min(1).max(1000).nullable().optional(),
  capDays: z.number().int().min(1).max(90).optional(),
  active: z.boolean().optional(),
});

/** Marketing channels under /api/v1/marketing/channels. */
export function channelRoutes(deps: Deps) {
  const { db } = deps;
  return async (app: HttpApp) => {
    app.get(
      '/marketing/channels',
      { schema: { tags: ['marketing'], summary: "The tenant's marketing channels", response: { 200: z.object({ data: z.array(channel) }), ...errors } } },
      async (req) => listChannels(ctxOf(db, req)),
    );
    app.post(
      '/marketing/channels',
      {
        schema: {
          tags: ['marketing'],
          summary: 'Add a channel; the answer shows the secret delivery reports are signed with, once',
          body,
          response: { 201: channel.extend({ secret: z.string() }), ...errors },
        },
      },
      async (req, reply) => reply.status(201).send(await createChannel(ctxOf(db, req), req.body)),
    );
    app.get(
      '/marketing/channels/:id',
      { schema: { tags: ['marketing'], summary: 'One channel', params: idParams, response: { 200: channel, ...errors } } },
      async (req) => getChannel(ctxOf(db, req), req.params.id),
    );
    app.patch(
      '/marketing/channels/:id',
      {
        schema: {
          tags: ['marketing'],
          summary: "Change a channel's name, settings, cap or state",
          params: idParams,
          body: body.partial(),
          response: { 200: channel, ...errors },
        },
      },
      async (req) => updateChannel(ctxOf(db, req), req.params.id, req.body),
    );
    app.get(
      '/marketing/channels/:id/sink',
      {
        schema: {
          tags: ['marketing'],
          summary: 'What a sink channel would have sent (newest 1,000 on this node)',
          params: idParams,
          response: {
            200: z.object({
              total: z.number(),
              data: z.array(
                z.object({ id: z.string(), to: z.string(), subject: z.string().nullable(), body: z.string(), profileId: z.string(), campaignId: z.string() }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (req) => {
        const ctx = ctxOf(db, req);
        requirePermission(ctx.actor, readPermission);
        await getChannel(ctx, req.params.id);
        const r = sinkRecords(req.params.id);
        return {
          total: r.total,
          data: r.messages
            .slice(-200)
            .reverse()
            .map(({ html: _h, ...m }) => m),
        };
      },
    );
  };
}
