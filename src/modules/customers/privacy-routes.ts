import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../../kernel/audit.ts';
import { requirePermission } from '../../kernel/auth.ts';
import { ctxOf } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams } from '../../kernel/schemas.ts';
import { consentItem, consentsOf, recordConsents } from './consent.ts';
import type { ProfileModule } from './profile-pipeline.ts';
import { findProfileInScope } from './profiles.ts';
import { deletePerson, exportPerson, getRequest, listRequests, subjectBody, suppressIdentifier } from './privacy.ts';
import { evaluateProfiles } from './segment-engine.ts';

const json = z.record(z.string(), z.unknown());
const consentSchema = z.array(z.object({ purpose: z.string(), channel: z.string(), granted: z.boolean(), source: z.string(), at: z.date() }));
const requestSchema = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.string(),
  profileId: z.string().nullable(),
  requestedBy: z.string(),
  reason: z.string().nullable(),
  receipt: json.nullable(),
  error: z.string().nullable(),
  createdAt: z.date(),
  completedAt: z.date().nullable(),
});
const tags = ['privacy'];

/** Consent, suppression, deletion and export of a person's data (customers:privacy; reading consent: customers:read). */
export function privacyRoutes(m: ProfileModule) {
  const { db } = m.deps;
  return async (app: HttpApp) => {
    app.get(
      '/profiles/:id/consents',
      {
        schema: {
          tags,
          summary: "A person's current consent per purpose and channel",
          params: idParams,
          response: { 200: z.object({ data: consentSchema }), ...errors },
        },
      },
      async (req) => {
        const ctx = ctxOf(db, req);
        return { data: await consentsOf(db.orm, await findProfileInScope(db.orm, ctx.actor, req.params.id)) };
      },
    );
    app.put(
      '/profiles/:id/consents',
      {
        schema: {
          tags,
          summary: 'Record consent given or withdrawn (per purpose and channel; `*` for every channel)',
          params: idParams,
          body: z.strictObject({ consents: z.array(consentItem).min(1).max(50) }),
          response: { 200: z.object({ data: consentSchema }), ...errors },
        },
      },
      async (req) => {
        const ctx = ctxOf(db, req);
        requirePermission(ctx.actor, 'customers:privacy');
        const id = await findProfileInScope(db.orm, ctx.actor, req.params.id, 'customers:privacy');
        const tenantId = ctx.actor.tenantId;
        const now = m.rt.clock.now();
        await db.orm.transaction(async (tx) => {
          await tx.execute(sql`SELECT id FROM profiles WHERE id = ${id} FOR UPDATE`);
          await recordConsents(
            tx,
            tenantId,
            req.body.consents.map((c) => ({ ...c, profileId: id, source: 'api', messageId: null, actor: ctx.actor.label, at: now.getTime() })),
          );
          const settings = await m.rt.settings.get(tenantId);
          await evaluateProfiles(tx, await m.rt.catalog.get(tenantId), tenantId, [id], now, 'event', settings.rfm.orderEvent);
          await recordAudit(tx, ctx.actor, { action: 'profile.consent_recorded', entityType: 'profile', entityId: id, after: req.body }, ctx.meta);
        });
        return { data: await consentsOf(db.orm, id) };
      },
    );
    app.post(
      '/privacy/deletions',
      {
        schema: {
          tags,
          summary: "Delete a person's data everywhere (by profileId or identifier), with a receipt; `suppress` also stops future collection",
          body: subjectBody,
          response: { 201: z.object({ id: z.string(), kind: z.string(), status: z.string(), receipt: json }), ...errors },
        },
      },
      async (req, reply) => reply.status(201).send(await deletePerson(ctxOf(db, req), m.rt, m.graph, m.guard, req.body)),
    );
    app.post(
      '/privacy/exports',
      {
        schema: {
          tags,
          summary: 'Export everything held about a person as JSON',
          body: subjectBody,
          response: { 201: z.object({ id: z.string(), kind: z.string(), status: z.string(), export: json }), ...errors },
        },
      },
      async (req, reply) => reply.status(201).send(await exportPerson(ctxOf(db, req), req.body)),
    );
    app.get(
      '/privacy/requests',
      {
        schema: {
          tags,
          summary: 'Deletion and export requests with their status',
          response: { 200: z.object({ data: z.array(requestSchema), nextCursor: z.null() }), ...errors },
        },
      },
      async (req) => listRequests(ctxOf(db, req)),
    );
    app.get(
      '/privacy/requests/:id',
      {
        schema: {
          tags,
          summary: 'One request, with the receipt or the export',
          params: idParams,
          response: { 200: z.object({ id: z.string(), kind: z.string(), status: z.string(), receipt: json.nullable(), export: json.nullable() }), ...errors },
        },
      },
      async (req) => getRequest(ctxOf(db, req), req.params.id),
    );
    app.post(
      '/privacy/suppressions',
      {
        schema: {
          tags,
          summary: 'Stop collecting for an identifier (kept only as a hash)',
          body: z.strictObject({ type: z.string().min(1).max(40), value: z.string().min(1).max(300), reason: z.string().min(1).max(500) }),
          response: { 201: z.object({ type: z.string(), hash: z.string(), reason: z.string() }), ...errors },
        },
      },
      async (req, reply) => reply.status(201).send(await suppressIdentifier(ctxOf(db, req), m.guard, req.body)),
    );
  };
}
