import { z } from 'zod';
import { requirePermission } from '../../kernel/auth.ts';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams, text } from '../../kernel/schemas.ts';
import { journeyRef } from './campaign-schemas.ts';
import { deadLettersOf, replayDeadLetters, testChannel } from './channel-deliveries.ts';
import { createChannel, getChannel, listChannels, readPermission, updateChannel } from './channels.ts';
import type { AdapterCache } from './channels/registry.ts';
import { sinkRecords } from './channels/sink.ts';

const kind = z.enum(['sink', 'webhook', 'sms', 'email', 'push', 'messaging']);
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

const deliveries = z.object({ sent: z.number(), delivered: z.number(), failed: z.number(), bounced: z.number() });

/** Marketing channels under /api/v1/marketing/channels: settings, delivery counts, test sends, dead letters. */
export function channelRoutes(deps: Deps, adapters: AdapterCache, kick: () => void) {
  const { db } = deps;
  return async (app: HttpApp) => {
    app.get(
      '/marketing/channels',
      {
        schema: {
          tags: ['marketing'],
          summary: "The tenant's marketing channels, with their campaign and journey messages of the last 7 days by state",
          response: { 200: z.object({ data: z.array(channel.extend({ deliveries })) }), ...errors },
        },
      },
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
    app.post(
      '/marketing/channels/:id/test-send',
      {
        schema: {
          tags: ['marketing'],
          summary: 'Hand one message to the channel, addressed to the caller (proves the settings work)',
          params: idParams,
          body: z.strictObject({ to: z.string().trim().min(3).max(300), subject: z.string().max(300).optional(), body: z.string().min(1).max(2000) }),
          response: { 200: z.object({ messageId: z.string(), ok: z.boolean(), providerId: z.string().nullable(), error: z.string().nullable() }), ...errors },
        },
      },
      async (req) => testChannel(ctxOf(db, req), adapters, req.params.id, req.body),
    );
    app.get(
      '/marketing/channels/:id/dead-letters',
      {
        schema: {
          tags: ['marketing'],
          summary: "The channel's dead letters: campaign and journey messages that failed for good, newest first",
          params: idParams,
          response: {
            200: z.object({
              data: z.array(
                z.object({
                  id: z.string(),
                  campaignId: z.string().nullable(),
                  campaignName: z.string().nullable(),
                  journey: journeyRef.nullable(),
                  profileId: z.string(),
                  recipient: z.string().nullable(),
                  error: z.string().nullable(),
                  attempts: z.number(),
                  at: z.date(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (req) => deadLettersOf(ctxOf(db, req), req.params.id),
    );
    app.post(
      '/marketing/channels/:id/replay',
      {
        schema: {
          tags: ['marketing'],
          summary: "Send the channel's dead letters again (all, or the named ones)",
          params: idParams,
          body: z.strictObject({ messageIds: z.array(z.string().min(1).max(64)).min(1).max(1000).optional() }).nullish(),
          response: { 200: z.object({ requeued: z.number() }), ...errors },
        },
      },
      async (req) => {
        const r = await replayDeadLetters(ctxOf(db, req), req.params.id, req.body?.messageIds);
        kick();
        return r;
      },
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
