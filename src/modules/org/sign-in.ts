import { createHash, timingSafeEqual } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../../kernel/audit.ts';
import type { Actor, ActorGrant } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db.ts';
import { AppError } from '../../kernel/errors.ts';
import { checkCsrf } from '../../kernel/http.ts';
import { newId, newSecret } from '../../kernel/ids.ts';
import { decoyHash, hashPassword, verifyPassword } from '../../kernel/passwords.ts';
import { authCacheOf } from './auth-cache.ts';
import { permissionsOf } from './roles.ts';
import { apiKeys, sessions, signInFailures, tenants, users } from './schema.ts';

export const sessionCookie = 'storeos_session';

/** Sign-in throttling: more than this many failures for one e-mail inside the window locks it for the window. */
export const throttle = { perEmail: 5, perIp: 50, windowMinutes: 15 };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Trims and lower-cases an e-mail address, the form it is stored and compared in. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

interface GrantRow {
  id: string;
  role: string;
  orgUnitId: string;
  orgUnitName: string;
  path: string;
}

function toGrants(rows: GrantRow[]): ActorGrant[] {
  return rows.map((g) => ({ ...g, permissions: permissionsOf(g.role) }));
}

/** The session the console keeps: the user, the grants, the permissions anywhere, and the CSRF token. */
export interface SessionView {
  user: { id: string; email: string; name: string; tenantId: string; tenantSlug: string; tenantName: string };
  grants: { id: string; role: string; orgUnitId: string; orgUnitName: string }[];
  permissions: string[];
  csrfToken: string;
}

interface SessionRow {
  user_id: string;
  email: string;
  name: string;
  tenant_id: string;
  slug: string;
  tenant_name: string;
  csrf_token: string;
  expires_at: string | Date;
  grants: GrantRow[];
}

const sessionQuery = (tokenHash: string) => sql`
  SELECT u.id AS user_id, u.email, u.name, t.id AS tenant_id, t.slug, t.name AS tenant_name, s.csrf_token, s.expires_at,
    COALESCE(json_agg(json_build_object('id', g.id, 'role', g.role, 'orgUnitId', g.org_unit_id, 'orgUnitName', o.name, 'path', o.path))
      FILTER (WHERE g.id IS NOT NULL), '[]') AS grants
  FROM sessions s JOIN users u ON u.id = s.user_id JOIN tenants t ON t.id = u.tenant_id
  LEFT JOIN grants g ON g.user_id = u.id LEFT JOIN org_units o ON o.id = g.org_unit_id
  WHERE s.token_hash = ${tokenHash} AND s.expires_at > now() AND u.status = 'active'
  GROUP BY u.id, t.id, s.csrf_token, s.expires_at`;

function viewSession(row: SessionRow): SessionView {
  const grants = toGrants(row.grants);
  return {
    user: { id: row.user_id, email: row.email, name: row.name, tenantId: row.tenant_id, tenantSlug: row.slug, tenantName: row.tenant_name },
    grants: grants.map(({ id, role, orgUnitId, orgUnitName }) => ({ id, role, orgUnitId, orgUnitName })),
    permissions: [...new Set(grants.flatMap((g) => [...g.permissions]))].sort(),
    csrfToken: row.csrf_token,
  };
}

async function loadSession(db: Database, token: string): Promise<SessionRow | undefined> {
  const r = await db.orm.execute<SessionRow & Record<string, unknown>>(sessionQuery(sha256(token)));
  return r.rows[0];
}

/** Checks e-mail and password and opens a session; throttles repeated failures per e-mail and per address. */
export async function signIn(
  db: Database,
  input: { email: string; password: string; tenant?: string },
  meta: { ip?: string; userAgent?: string; sessionHours: number },
): Promise<{ token: string; session: SessionView; expiresAt: Date }> {
  const email = normaliseEmail(input.email);
  const since = sql`now() - make_interval(mins => ${throttle.windowMinutes})`;
  const [counts] = (
    await db.orm.execute<{ by_email: number; by_ip: number }>(sql`SELECT
      (SELECT count(*) FROM sign_in_failures WHERE email = ${email} AND at > ${since})::int AS by_email,
      (SELECT count(*) FROM sign_in_failures WHERE ip = ${meta.ip ?? ''} AND at > ${since})::int AS by_ip`)
  ).rows;
  if (counts && (counts.by_email >= throttle.perEmail || counts.by_ip >= throttle.perIp)) {
    const retryAfter = String(throttle.windowMinutes * 60);
    throw new AppError(
      'rate_limited',
      `too many failed sign-ins; try again in ${throttle.windowMinutes} minutes`,
      { retryAfterSeconds: Number(retryAfter) },
      { 'retry-after': retryAfter },
    );
  }
  const candidates = await db.orm
    .select({ id: users.id, tenantId: users.tenantId, hash: users.passwordHash, status: users.status, slug: tenants.slug })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(input.tenant ? and(eq(users.email, email), eq(tenants.slug, input.tenant)) : eq(users.email, email));
  const user = candidates.length === 1 ? candidates[0] : undefined;
  const ok = await verifyPassword(user?.hash ?? (await decoyHash()), input.password);
  if (!user || !ok || user.status !== 'active') {
    await db.orm.insert(signInFailures).values({ id: newId('sif'), email, ip: meta.ip ?? null });
    if (candidates.length > 1 && !input.tenant) throw new AppError('unauthorized', 'this e-mail exists in several tenants: give the tenant too');
    throw new AppError('unauthorized', 'wrong e-mail or password');
  }
  const token = newSecret(32);
  const expiresAt = new Date(Date.now() + meta.sessionHours * 3600_000);
  await db.orm.transaction(async (tx) => {
    await tx.delete(signInFailures).where(eq(signInFailures.email, email));
    await tx.insert(sessions).values({
      tokenHash: sha256(token),
      tenantId: user.tenantId,
      userId: user.id,
      csrfToken: newSecret(24),
      expiresAt,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    });
    await tx.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id));
  });
  const row = await loadSession(db, token);
  if (!row) throw new AppError('unauthorized', 'this user has no access');
  return { token, session: viewSession(row), expiresAt };
}

/** Ends the session behind a cookie value. */
export async function signOut(db: Database, token: string | undefined): Promise<void> {
  if (token) await db.orm.delete(sessions).where(eq(sessions.tokenHash, sha256(token)));
}

/** The session behind a cookie value, or undefined when expired, signed out or the user disabled. */
export async function currentSession(db: Database, token: string | undefined): Promise<SessionView | undefined> {
  if (!token) return undefined;
  const row = await loadSession(db, token);
  return row ? viewSession(row) : undefined;
}

/** Changes the caller's password after checking the current one; other sessions of the user end. */
export async function changePassword(ctx: Ctx, token: string | undefined, input: { currentPassword: string; newPassword: string }): Promise<void> {
  if (ctx.actor.kind !== 'user') throw new AppError('forbidden', 'only a signed-in person has a password');
  const [user] = await ctx.db.orm
    .select()
    .from(users)
    .where(and(eq(users.tenantId, ctx.actor.tenantId), eq(users.id, ctx.actor.id)));
  if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError('invalid', 'the current password is wrong', { issues: [{ path: 'body.currentPassword', message: 'wrong password' }] });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.db.orm.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, user.id));
    await tx.delete(sessions).where(and(eq(sessions.userId, user.id), sql`${sessions.tokenHash} <> ${sha256(token ?? '')}`));
    await recordAudit(tx, ctx.actor, { action: 'user.password_changed', entityType: 'user', entityId: user.id, orgPath: ctx.actor.grants[0]?.path }, ctx.meta);
  });
}

/** How often a key's last-used time is written: once a minute is plenty and keeps hot keys off the disk. */
const lastUsedEveryMs = 60_000;
const lastUsedWritten = new Map<string, number>();

async function actorFromApiKey(db: Database, key: string): Promise<Actor | undefined> {
  const prefix = key.slice(0, 15);
  const r = await db.orm.execute<
    {
      id: string;
      name: string;
      role: string;
      key_hash: string;
      revoked_at: Date | null;
      tenant_id: string;
      slug: string;
      org_unit_id: string;
      unit_name: string;
      path: string;
    } & Record<string, unknown>
  >(sql`
    SELECT k.id, k.name, k.role, k.key_hash, k.revoked_at, k.tenant_id, t.slug, k.org_unit_id, o.name AS unit_name, o.path
    FROM api_keys k JOIN tenants t ON t.id = k.tenant_id JOIN org_units o ON o.id = k.org_unit_id
    WHERE k.prefix = ${prefix}`);
  const row = r.rows[0];
  if (!row || row.revoked_at) return undefined;
  const given = Buffer.from(sha256(key));
  if (!timingSafeEqual(given, Buffer.from(row.key_hash))) return undefined;
  return {
    tenantId: row.tenant_id,
    tenantSlug: row.slug,
    kind: 'api_key',
    id: row.id,
    label: `key ${row.name}`,
    grants: toGrants([{ id: row.id, role: row.role, orgUnitId: row.org_unit_id, orgUnitName: row.unit_name, path: row.path }]),
  };
}

/** Writes a key's last-used time, at most once a minute per key and node. */
async function touchApiKey(db: Database, id: string): Promise<void> {
  const now = Date.now();
  if (now - (lastUsedWritten.get(id) ?? 0) <= lastUsedEveryMs) return;
  lastUsedWritten.set(id, now);
  await db.orm.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, id));
}

type Known = { kind: 'key'; actor: Actor } | { kind: 'session'; row: SessionRow };

/** Finds the caller: an API key in `Authorization: Bearer`, or the session cookie (then unsafe methods need the CSRF header). */
export function authenticator(db: Database) {
  // Callers seen in the last seconds, forgotten as soon as anything about who may do what changes (auth-cache.ts).
  const known = authCacheOf<Known>(db);
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<Actor | undefined> => {
    const auth = req.headers.authorization;
    if (auth) {
      const m = /^Bearer\s+(sk_\S+)$/.exec(auth);
      if (!m) throw new AppError('unauthorized', 'Authorization must be "Bearer sk_…"');
      const cacheKey = `k:${sha256(m[1])}`;
      const hit = known.get(cacheKey);
      let actor = hit?.kind === 'key' ? hit.actor : undefined;
      if (!actor) {
        const mark = known.mark();
        actor = await actorFromApiKey(db, m[1]);
        if (!actor) throw new AppError('unauthorized', 'unknown or revoked API key');
        known.set(cacheKey, { kind: 'key', actor }, mark);
      }
      await touchApiKey(db, actor.id);
      return actor;
    }
    const token = req.cookies[sessionCookie];
    if (!token) return undefined;
    const cacheKey = `s:${token}`;
    const hit = known.get(cacheKey);
    let row = hit?.kind === 'session' ? hit.row : undefined;
    if (!row) {
      const mark = known.mark();
      row = await loadSession(db, token);
      if (!row) throw new AppError('unauthorized', 'your session has ended; sign in again');
      known.set(cacheKey, { kind: 'session', row }, mark, new Date(row.expires_at).getTime());
    }
    checkCsrf(req, row.csrf_token);
    return {
      tenantId: row.tenant_id,
      tenantSlug: row.slug,
      kind: 'user',
      id: row.user_id,
      label: row.email,
      grants: toGrants(row.grants),
    };
  };
}

/** Removes expired sessions and old sign-in failures (a scheduled job). */
export async function purgeExpiredSessions(db: Database): Promise<number> {
  const s = await db.orm.delete(sessions).where(sql`${sessions.expiresAt} < now()`).returning({ h: sessions.tokenHash });
  await db.orm.delete(signInFailures).where(sql`${signInFailures.at} < now() - interval '1 day'`);
  return s.length;
}
