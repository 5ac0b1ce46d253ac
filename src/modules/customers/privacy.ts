import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../../kernel/audit.ts';
import { requirePermission } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Tx } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import type { SuppressionList } from './consent.ts';
import { type Identifier, identifierHash, normaliseIdentifier } from './identifiers.ts';
import type { IdentityGraph } from './identity-graph.ts';
import type { UpdateRuntime } from './profile-updates.ts';
import { findProfileInScope, profileView } from './profiles.ts';
import { exitAllSegments } from './segment-membership.ts';

/** Personal-data rights (PIPL, GDPR): deletion with a receipt, export as JSON, suppression; each a request record, audited. */

/** Who a request is about: a profile id, or an identifier. */
export const subjectBody = z.union([
  z.strictObject({ profileId: z.string().min(1).max(64), reason: z.string().max(500).optional(), suppress: z.boolean().optional() }),
  z.strictObject({
    type: z.string().min(1).max(40),
    value: z.string().min(1).max(300),
    reason: z.string().max(500).optional(),
    suppress: z.boolean().optional(),
  }),
]);
export type Subject = z.infer<typeof subjectBody>;

/** The aggregates a deletion keeps: they hold no identifier and no profile id. */
export const keptAggregates = [
  'customer_event_daily_counts (events per day, name, channel, store)',
  'segment_daily_counts (entries and exits per day)',
  'segments.member_count',
  'RFM quintile boundaries',
];

/** Tables a deletion clears of a person, with the column that names them (events of the collection side included). */
const byProfile: [table: string, column: string][] = [
  ['customer_events', 'profile_id'],
  ['profile_identifiers', 'profile_id'],
  ['profile_trait_history', 'profile_id'],
  ['profile_stores', 'profile_id'],
  ['computed_trait_values', 'profile_id'],
  ['profile_timers', 'profile_id'],
  ['segment_members', 'profile_id'],
  ['segment_history', 'profile_id'],
  ['consents', 'profile_id'],
  ['consent_history', 'profile_id'],
];

async function resolveSubject(ctx: Ctx, s: Subject): Promise<string> {
  if ('profileId' in s) return findProfileInScope(ctx.db.orm, ctx.actor, s.profileId, 'customers:privacy');
  const value = normaliseIdentifier(s.type, s.value);
  const r =
    value === undefined
      ? { rows: [] }
      : await ctx.db.orm.execute<{ profile_id: string }>(sql`
    SELECT profile_id FROM profile_identifiers WHERE tenant_id = ${ctx.actor.tenantId} AND type = ${s.type} AND value = ${value}`);
  if (!r.rows[0]) notFound('person with', s.type);
  return findProfileInScope(ctx.db.orm, ctx.actor, r.rows[0].profile_id, 'customers:privacy');
}

async function openRequest(ctx: Ctx, kind: 'deletion' | 'export', profileId: string, reason: string | undefined): Promise<string> {
  const id = newId('prq');
  await ctx.db.orm.execute(sql`
    INSERT INTO privacy_requests (id, tenant_id, kind, status, profile_id, requested_by, reason) VALUES (${id}, ${ctx.actor.tenantId}, ${kind}, 'running', ${profileId}, ${ctx.actor.label}, ${reason ?? null})`);
  return id;
}

async function fail(ctx: Ctx, id: string, err: unknown): Promise<never> {
  await ctx.db.orm.execute(sql`UPDATE privacy_requests SET status = 'failed', error = ${(err as Error).message}, completed_at = now() WHERE id = ${id}`);
  throw err;
}

/**
 * Deletes a person: every identifier, trait, event, consent, membership and history row of the profile and of the
 * profiles merged into it, from every table; anonymous aggregates stay. Optionally suppresses the identifiers so
 * nothing is collected again. Answers the request with its receipt (counts per table, when, by whom; no values).
 */
export async function deletePerson(ctx: Ctx, rt: UpdateRuntime, graph: IdentityGraph, guard: SuppressionList, s: Subject) {
  requirePermission(ctx.actor, 'customers:privacy');
  const tenantId = ctx.actor.tenantId;
  const live = await resolveSubject(ctx, s);
  const requestId = await openRequest(ctx, 'deletion', live, s.reason);
  let ids: Identifier[] = [];
  const hashes: string[] = [];
  try {
    const receipt = await ctx.db.orm.transaction(async (tx) => {
      const all = (
        await tx.execute<{ id: string }>(sql`SELECT id FROM profiles WHERE tenant_id = ${tenantId} AND (id = ${live} OR merged_into = ${live}) FOR UPDATE`)
      ).rows.map((r) => r.id);
      ids = (
        await tx.execute<{ type: string; value: string }>(
          sql`SELECT type, value FROM profile_identifiers WHERE tenant_id = ${tenantId} AND profile_id = ${live}`,
        )
      ).rows;
      await exitAllSegments(tx, tenantId, [live], 'deleted', rt.clock.now());
      const tables: Record<string, number> = {};
      for (const [table, column] of byProfile) {
        const r = await tx.execute(sql`DELETE FROM ${sql.identifier(table)} WHERE ${sql.identifier(column)} = ANY(${sql.param(all)}::text[])`);
        tables[table] = r.rowCount ?? 0;
      }
      tables.identity_log =
        (await tx.execute(sql`DELETE FROM identity_log WHERE profile_id = ANY(${sql.param(all)}::text[]) OR other_profile_id = ANY(${sql.param(all)}::text[])`))
          .rowCount ?? 0;
      tables.source_errors = await eraseInvalidEvents(tx, tenantId, ids);
      tables.privacy_requests =
        (
          await tx.execute(
            sql`UPDATE privacy_requests SET export = NULL, profile_id = NULL WHERE tenant_id = ${tenantId} AND profile_id = ANY(${sql.param(all)}::text[])`,
          )
        ).rowCount ?? 0;
      tables.profiles = (await tx.execute(sql`DELETE FROM profiles WHERE id = ANY(${sql.param(all)}::text[])`)).rowCount ?? 0;
      if (s.suppress) {
        for (const id of ids) hashes.push(identifierHash(tenantId, id));
        await tx.execute(sql`
          INSERT INTO suppressions (tenant_id, identifier_hash, type, reason, request_id, created_by)
          SELECT ${tenantId}, h, t, 'deleted at the person''s request', ${requestId}, ${ctx.actor.label}
          FROM unnest(${sql.param(hashes)}::text[], ${sql.param(ids.map((i) => i.type))}::text[]) AS x(h, t) ON CONFLICT DO NOTHING`);
      }
      const byType: Record<string, number> = {};
      for (const i of ids) byType[i.type] = (byType[i.type] ?? 0) + 1;
      const out = {
        deletedAt: new Date().toISOString(),
        deletedBy: ctx.actor.label,
        profiles: all.length,
        identifiers: byType,
        rows: tables,
        suppressed: Boolean(s.suppress),
        kept: keptAggregates,
      };
      await tx.execute(sql`
        UPDATE privacy_requests SET status = 'completed', profile_id = NULL, receipt = ${JSON.stringify(out)}::jsonb, completed_at = now() WHERE id = ${requestId}`);
      await recordAudit(
        tx,
        ctx.actor,
        { action: 'privacy.person_deleted', entityType: 'privacy_request', entityId: requestId, after: { profiles: all.length, rows: tables } },
        ctx.meta,
      );
      return out;
    });
    graph.forget(tenantId, ids);
    if (hashes.length) guard.add(tenantId, hashes);
    rt.catalog.invalidate(tenantId);
    return { id: requestId, kind: 'deletion', status: 'completed', receipt };
  } catch (err) {
    return fail(ctx, requestId, err);
  }
}

/** Invalid events the collector kept for its debugger that name one of the identifiers (they carry no profile id). */
async function eraseInvalidEvents(tx: Tx, tenantId: string, ids: Identifier[]): Promise<number> {
  const exists = await tx.execute<{ t: string | null }>(sql`SELECT to_regclass('source_errors')::text AS t`);
  if (!exists.rows[0]?.t || ids.length === 0) return 0;
  const r = await tx.execute(sql`
    DELETE FROM source_errors WHERE tenant_id = ${tenantId} AND raw IS NOT NULL
      AND EXISTS (SELECT 1 FROM unnest(${sql.param(ids.map((i) => i.value))}::text[]) v WHERE strpos(lower(raw::text), lower(v)) > 0)`);
  return r.rowCount ?? 0;
}

/** Everything held about a person, as JSON: the profile, identities, traits and their history, events, consent, segments. */
export async function exportPerson(ctx: Ctx, s: Subject) {
  requirePermission(ctx.actor, 'customers:privacy');
  const tenantId = ctx.actor.tenantId;
  const live = await resolveSubject(ctx, s);
  const requestId = await openRequest(ctx, 'export', live, s.reason);
  try {
    const db = ctx.db.orm;
    const all = (
      await db.execute<{ id: string }>(sql`SELECT id FROM profiles WHERE tenant_id = ${tenantId} AND (id = ${live} OR merged_into = ${live})`)
    ).rows.map((r) => r.id);
    const q = async (query: ReturnType<typeof sql>) => (await db.execute<Record<string, unknown>>(query)).rows;
    const data = {
      exportedAt: new Date().toISOString(),
      profile: await profileView(db, tenantId, live),
      events: await q(sql`SELECT message_id, type, event, channel, source_id, store_id, ts, received_at, user_id, anonymous_id, properties, traits, context
        FROM customer_events WHERE tenant_id = ${tenantId} AND profile_id = ANY(${sql.param(all)}::text[]) ORDER BY ts`),
      traitHistory: await q(
        sql`SELECT key, value, at, message_id, source FROM profile_trait_history WHERE profile_id = ANY(${sql.param(all)}::text[]) ORDER BY at, id`,
      ),
      consentHistory: await q(
        sql`SELECT purpose, channel, granted, source, message_id, actor, at FROM consent_history WHERE profile_id = ANY(${sql.param(all)}::text[]) ORDER BY id`,
      ),
      segmentHistory: await q(sql`SELECT h.segment_id, s.name, h.kind, h.reason, h.at FROM segment_history h LEFT JOIN segments s ON s.id = h.segment_id
        WHERE h.profile_id = ANY(${sql.param(all)}::text[]) ORDER BY h.id`),
      identityHistory: await q(sql`SELECT kind, profile_id, other_profile_id, identifiers, reason, message_id, at FROM identity_log
        WHERE profile_id = ANY(${sql.param(all)}::text[]) OR other_profile_id = ANY(${sql.param(all)}::text[]) ORDER BY id`),
    };
    await ctx.db.orm.transaction(async (tx) => {
      await tx.execute(
        sql`UPDATE privacy_requests SET status = 'completed', export = ${JSON.stringify(data)}::jsonb, completed_at = now() WHERE id = ${requestId}`,
      );
      await recordAudit(
        tx,
        ctx.actor,
        { action: 'privacy.person_exported', entityType: 'privacy_request', entityId: requestId, after: { events: data.events.length } },
        ctx.meta,
      );
    });
    return { id: requestId, kind: 'export', status: 'completed', export: data };
  } catch (err) {
    return fail(ctx, requestId, err);
  }
}

/** Privacy requests of the tenant, newest first (exports are fetched one by one). */
export async function listRequests(ctx: Ctx) {
  requirePermission(ctx.actor, 'customers:privacy');
  const r = await ctx.db.orm.execute<{
    id: string;
    kind: string;
    status: string;
    profile_id: string | null;
    requested_by: string;
    reason: string | null;
    receipt: Record<string, unknown> | null;
    error: string | null;
    created_at: Date;
    completed_at: Date | null;
  }>(sql`
    SELECT id, kind, status, profile_id, requested_by, reason, receipt, error, created_at, completed_at FROM privacy_requests WHERE tenant_id = ${ctx.actor.tenantId} ORDER BY created_at DESC, id LIMIT 500`);
  return {
    data: r.rows.map((x) => ({
      id: x.id,
      kind: x.kind,
      status: x.status,
      profileId: x.profile_id,
      requestedBy: x.requested_by,
      reason: x.reason,
      receipt: x.receipt,
      error: x.error,
      createdAt: new Date(x.created_at),
      completedAt: x.completed_at ? new Date(x.completed_at) : null,
    })),
    nextCursor: null,
  };
}

/** One request, with its export when it is one. */
export async function getRequest(ctx: Ctx, id: string) {
  requirePermission(ctx.actor, 'customers:privacy');
  const r = await ctx.db.orm.execute<{
    id: string;
    kind: string;
    status: string;
    receipt: Record<string, unknown> | null;
    export: Record<string, unknown> | null;
  }>(sql`
    SELECT id, kind, status, receipt, export FROM privacy_requests WHERE tenant_id = ${ctx.actor.tenantId} AND id = ${id}`);
  if (!r.rows[0]) notFound('privacy request', id);
  return r.rows[0];
}

/** Stops collecting for an identifier (kept only as a hash); the collector refuses its events from then on. */
export async function suppressIdentifier(ctx: Ctx, guard: SuppressionList, body: { type: string; value: string; reason: string }) {
  requirePermission(ctx.actor, 'customers:privacy');
  const value = normaliseIdentifier(body.type, body.value);
  if (value === undefined) throw new AppError('invalid', `not a valid ${body.type}`);
  const hash = identifierHash(ctx.actor.tenantId, { type: body.type, value });
  await ctx.db.orm.transaction(async (tx) => {
    await tx.execute(sql`
      INSERT INTO suppressions (tenant_id, identifier_hash, type, reason, created_by) VALUES (${ctx.actor.tenantId}, ${hash}, ${body.type}, ${body.reason}, ${ctx.actor.label})
      ON CONFLICT DO NOTHING`);
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'privacy.identifier_suppressed', entityType: 'suppression', entityId: hash.slice(0, 16), after: { type: body.type } },
      ctx.meta,
    );
  });
  guard.add(ctx.actor.tenantId, [hash]);
  return { type: body.type, hash: hash.slice(0, 16), reason: body.reason };
}
