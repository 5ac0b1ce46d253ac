import { z } from 'zod';
import { type Deps, ctxOf } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams, page, pageQuery, text } from '../../kernel/schemas.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.ts';
import { listAuditLog } from './audit-log.ts';
import { createOrgUnit, getOrgUnit, listOrgUnits, updateOrgUnit } from './org-units.ts';
import { rolePermissions, roles } from './roles.ts';
import { authCacheOf } from './auth-cache.ts';
import { changePassword, currentSession, sessionCookie, signIn, signOut } from './sign-in.ts';
import { addGrant, createUser, listUsers, removeGrant, updateUser } from './users.ts';

const orgUnit = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  kind: z.string(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  depth: z.number(),
});
const grant = z.object({ id: z.string(), role: z.string(), orgUnitId: z.string(), orgUnitName: z.string() });
const session = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), tenantId: z.string(), tenantSlug: z.string(), tenantName: z.string() }),
  grants: z.array(grant),
  permissions: z.array(z.string()),
  csrfToken: z.string(),
});
const user = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  status: z.string(),
  createdAt: z.date(),
  lastSignInAt: z.date().nullable(),
  grants: z.array(grant),
});
const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  orgUnitId: z.string(),
  orgUnitName: z.string(),
  prefix: z.string(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
const auditEntry = z.object({
  id: z.number(),
  at: z.date(),
  actorType: z.string(),
  actorId: z.string(),
  actorLabel: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
const role = z.enum(roles);
const email = z.email({ error: 'must be an e-mail address' }).max(254);
const password = z.string().min(10, { error: 'must be at least 10 characters' }).max(200);
const unitKind = z.enum(['group', 'business_unit', 'region', 'area']);

/** Sign-in, org tree, users, roles, API keys and the audit log under /api/v1. */
export function orgRoutes(deps: Deps) {
  const { db, config } = deps;
  const secure = config.publicUrl?.startsWith('https://') ?? false;
  const known = authCacheOf(db);
  return async (app: HttpApp) => {
    // A change here (sign-out, a grant, a disabled user, a revoked key) is seen by this node's next request, before
    // this answer leaves; other nodes hear of it from the database (auth-cache.ts).
    app.addHook('onSend', async (req, _reply, payload) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') known.clear();
      return payload;
    });
    app.post(
      '/auth/sign-in',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary: 'Sign in with e-mail and password; sets the session cookie',
          body: z.strictObject({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(200), tenant: z.string().max(40).optional() }),
          response: { 200: session, 401: errors[401], 429: errors[401] },
        },
      },
      async (req, reply) => {
        const r = await signIn(db, req.body, { ip: req.ip, userAgent: req.headers['user-agent'], sessionHours: config.sessionHours });
        reply.setCookie(sessionCookie, r.token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: r.expiresAt });
        return r.session;
      },
    );
    app.post('/auth/sign-out', { config: { public: true }, schema: { tags: ['auth'], summary: 'End the session' } }, async (req, reply) => {
      await signOut(db, req.cookies[sessionCookie]);
      reply.clearCookie(sessionCookie, { path: '/' });
      return reply.status(204).send();
    });
    app.get(
      '/auth/session',
      { config: { public: true }, schema: { tags: ['auth'], summary: 'The current session', response: { 200: session, 401: errors[401] } } },
      async (req) => {
        const s = await currentSession(db, req.cookies[sessionCookie]);
        if (!s) throw new AppError('unauthorized', 'not signed in');
        return s;
      },
    );
    app.post(
      '/auth/password',
      {
        schema: {
          tags: ['auth'],
          summary: 'Change your password',
          body: z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword: password }),
          response: { 204: z.null(), ...errors },
        },
      },
      async (req, reply) => {
        await changePassword(ctxOf(db, req), req.cookies[sessionCookie], req.body);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/org-units',
      { schema: { tags: ['org'], summary: 'The org units you may see, parents first', response: { 200: z.object({ data: z.array(orgUnit) }), ...errors } } },
      async (req) => ({
        data: await listOrgUnits(ctxOf(db, req)),
      }),
    );
    app.get('/org-units/:id', { schema: { tags: ['org'], summary: 'One org unit', params: idParams, response: { 200: orgUnit, ...errors } } }, async (req) =>
      getOrgUnit(ctxOf(db, req), req.params.id),
    );
    app.post(
      '/org-units',
      {
        schema: {
          tags: ['org'],
          summary: 'Create an org unit',
          body: z.strictObject({ parentId: z.string().max(64), kind: unitKind, code: text(40), name: text(120), nameEn: text(120).nullish() }),
          response: { 201: orgUnit, ...errors },
        },
      },
      async (req, reply) => reply.status(201).send(await createOrgUnit(ctxOf(db, req), req.body)),
    );
    app.patch(
      '/org-units/:id',
      {
        schema: {
          tags: ['org'],
          summary: 'Rename or move an org unit',
          params: idParams,
          body: z.strictObject({ name: text(120).optional(), nameEn: text(120).nullish(), parentId: z.string().max(64).optional() }),
          response: { 200: orgUnit, ...errors },
        },
      },
      async (req) => updateOrgUnit(ctxOf(db, req), req.params.id, req.body),
    );

    app.get(
      '/roles',
      {
        schema: {
          tags: ['users'],
          summary: 'Roles and their permissions',
          response: { 200: z.object({ data: z.array(z.object({ role: z.string(), permissions: z.array(z.string()) })) }) },
        },
      },
      async () => ({ data: roles.map((r) => ({ role: r, permissions: [...rolePermissions[r]] })) }),
    );
    app.get(
      '/users',
      {
        schema: {
          tags: ['users'],
          summary: 'Users with a grant in your scope',
          querystring: z.object({ q: z.string().max(100).optional(), ...pageQuery }),
          response: { 200: page(user), ...errors },
        },
      },
      async (req) => listUsers(ctxOf(db, req), req.query),
    );
    app.post(
      '/users',
      {
        schema: {
          tags: ['users'],
          summary: 'Create a user with a role on an org unit',
          body: z.strictObject({ email, name: text(120), role, orgUnitId: z.string().max(64), password: password.optional() }),
          response: { 201: z.object({ user, password: z.string().optional() }), ...errors },
        },
      },
      async (req, reply) => reply.status(201).send(await createUser(ctxOf(db, req), req.body)),
    );
    app.patch(
      '/users/:id',
      {
        schema: {
          tags: ['users'],
          summary: 'Rename, disable or enable a user',
          params: idParams,
          body: z.strictObject({ name: text(120).optional(), status: z.enum(['active', 'disabled']).optional() }),
          response: { 200: user, ...errors },
        },
      },
      async (req) => updateUser(ctxOf(db, req), req.params.id, req.body),
    );
    app.post(
      '/users/:id/grants',
      {
        schema: {
          tags: ['users'],
          summary: 'Grant a role on an org unit',
          params: idParams,
          body: z.strictObject({ role, orgUnitId: z.string().max(64) }),
          response: { 200: user, ...errors },
        },
      },
      async (req) => addGrant(ctxOf(db, req), req.params.id, req.body),
    );
    app.delete(
      '/users/:id/grants/:grantId',
      {
        schema: {
          tags: ['users'],
          summary: 'Remove a grant',
          params: z.object({ id: z.string().max(64), grantId: z.string().max(64) }),
          response: { 200: user, ...errors },
        },
      },
      async (req) => removeGrant(ctxOf(db, req), req.params.id, req.params.grantId),
    );

    app.get(
      '/api-keys',
      { schema: { tags: ['api keys'], summary: 'API keys in your scope', response: { 200: z.object({ data: z.array(apiKey) }), ...errors } } },
      async (req) => ({
        data: await listApiKeys(ctxOf(db, req)),
      }),
    );
    app.post(
      '/api-keys',
      {
        schema: {
          tags: ['api keys'],
          summary: 'Create an API key; the key is answered once',
          body: z.strictObject({ name: text(120), role, orgUnitId: z.string().max(64).optional() }),
          response: { 201: z.object({ apiKey, key: z.string() }), ...errors },
        },
      },
      async (req, reply) => reply.status(201).send(await createApiKey(ctxOf(db, req), req.body)),
    );
    app.delete(
      '/api-keys/:id',
      { schema: { tags: ['api keys'], summary: 'Revoke an API key', params: idParams, response: { 200: apiKey, ...errors } } },
      async (req) => revokeApiKey(ctxOf(db, req), req.params.id),
    );

    app.get(
      '/audit-log',
      {
        schema: {
          tags: ['audit'],
          summary: 'Who changed what, newest first',
          querystring: z.object({
            entityType: z.string().max(40).optional(),
            entityId: z.string().max(64).optional(),
            actorId: z.string().max(64).optional(),
            action: z.string().max(60).optional(),
            from: z.coerce.date().optional(),
            to: z.coerce.date().optional(),
            ...pageQuery,
          }),
          response: { 200: page(auditEntry), ...errors },
        },
      },
      async (req) => listAuditLog(ctxOf(db, req), req.query),
    );
  };
}
