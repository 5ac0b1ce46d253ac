import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams, page, pageQuery } from '../../kernel/schemas.ts';
import { listInbox, markAllRead, markRead, unreadCount } from './inbox.ts';
import { createWebhook, deleteWebhook, listWebhooks, updateWebhook, webhookDeliveries } from './webhooks.ts';

const inboxItem = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.date(),
  readAt: z.date().nullable(),
});
const webhook = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  kinds: z.array(z.string()),
  active: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const webhookUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2000);
const kinds = z.array(z.string().trim().min(1).max(100)).max(50);
const webhookBody = z.strictObject({
  url: webhookUrl,
  description: z.string().max(300).nullable().optional(),
  kinds: kinds.optional(),
  active: z.boolean().optional(),
});
const delivery = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.string(),
  attempts: z.number(),
  responseStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.date(),
  deliveredAt: z.date().nullable(),
});

/** The caller's inbox and the tenant's webhook endpoints under /api/v1. */
export function notificationRoutes(deps: Deps) {
  const { db } = deps;
  return async (app: HttpApp) => {
    app.get(
      '/inbox',
      {
        schema: {
          tags: ['notifications'],
          summary: 'My notifications: unread first, then newest',
          querystring: z.object({ unreadOnly: z.enum(['true', 'false']).optional(), ...pageQuery }),
          response: { 200: page(inboxItem).extend({ unread: z.number() }), ...errors },
        },
      },
      async (req) => listInbox(ctxOf(db, req), { ...req.query, unreadOnly: req.query.unreadOnly === 'true' }),
    );
    app.get(
      '/inbox/unread-count',
      {
        schema: { tags: ['notifications'], summary: 'How many of my notifications are unread', response: { 200: z.object({ unread: z.number() }), ...errors } },
      },
      async (req) => ({
        unread: await unreadCount(ctxOf(db, req)),
      }),
    );
    app.post(
      '/inbox/:id/read',
      { schema: { tags: ['notifications'], summary: 'Mark one of my notifications read', params: idParams, response: { 200: inboxItem, ...errors } } },
      async (req) => markRead(ctxOf(db, req), req.params.id),
    );
    app.post(
      '/inbox/read-all',
      { schema: { tags: ['notifications'], summary: 'Mark all my notifications read', response: { 200: z.object({ updated: z.number() }), ...errors } } },
      async (req) => markAllRead(ctxOf(db, req)),
    );

    app.get(
      '/webhooks',
      { schema: { tags: ['notifications'], summary: "The tenant's webhook endpoints", response: { 200: z.object({ data: z.array(webhook) }), ...errors } } },
      async (req) => listWebhooks(ctxOf(db, req)),
    );
    app.post(
      '/webhooks',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Add a webhook endpoint; the answer shows its signing secret once',
          body: webhookBody,
          response: { 201: webhook.extend({ secret: z.string() }), ...errors },
        },
      },
      async (req, reply) => reply.status(201).send(await createWebhook(ctxOf(db, req), req.body)),
    );
    app.patch(
      '/webhooks/:id',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Change a webhook endpoint; rotateSecret answers a new secret once',
          params: idParams,
          body: webhookBody.partial().extend({ rotateSecret: z.boolean().optional() }),
          response: { 200: webhook.extend({ secret: z.string().optional() }), ...errors },
        },
      },
      async (req) => updateWebhook(ctxOf(db, req), req.params.id, req.body),
    );
    app.delete(
      '/webhooks/:id',
      { schema: { tags: ['notifications'], summary: 'Remove a webhook endpoint', params: idParams, response: { 204: z.null(), ...errors } } },
      async (req, reply) => {
        await deleteWebhook(ctxOf(db, req), req.params.id);
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/webhooks/:id/deliveries',
      {
        schema: {
          tags: ['notifications'],
          summary: "A webhook endpoint's delivery log",
          params: idParams,
          querystring: z.object(pageQuery),
          response: { 200: page(delivery), ...errors },
        },
      },
      async (req) => webhookDeliveries(ctxOf(db, req), req.params.id, req.query),
    );
  };
}
