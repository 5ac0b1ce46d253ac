import { sql } from 'drizzle-orm';
import { type Actor, requireScope, scopePaths } from '../../kernel/auth.ts';
import { type Ctx, decodeCursor, encodeCursor } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { consentsOf } from './consent.ts';
import { builtInTypes, type IdentitySettings, normaliseIdentifier } from './identifiers.ts';

/**
 * Reading profiles: lookup by identifier, the 360° view, the timeline, search. Profiles are tenant-wide: a holder of
 * customers:read on the tenant's root sees everyone; staff granted on part of the tree see only people with activity
 * at stores inside it (anybody else answers 404, as if absent).
 */

/** Whether the actor holds a permission on the tenant's root unit (a path of one segment), i.e. tenant-wide. */
export function tenantWide(actor: Actor, permission: string): boolean {
  return scopePaths(actor, permission).some((p) => p.split('/').filter(Boolean).length <= 1);
}

/** SQL that keeps profiles the actor may read (`p` is the profiles alias). */
export function visibleSql(actor: Actor, permission = 'customers:read') {
  const paths = requireScope(actor, permission);
  if (tenantWide(actor, permission)) return sql`true`;
  const likes = paths.map((p) => sql`ps.org_path LIKE ${`${p}%`}`);
  return sql`EXISTS (SELECT 1 FROM profile_stores ps WHERE ps.profile_id = p.id AND (${sql.join(likes, sql` OR `)}))`;
}

/** The live profile an id stands for (a merged id leads to its winner), if the actor may read it; else 404. */
export async function findProfileInScope(db: Executor, actor: Actor, id: string, permission = 'customers:read'): Promise<string> {
  const r = await db.execute<{ id: string }>(sql`
    SELECT p.id FROM profiles p WHERE p.tenant_id = ${actor.tenantId}
      AND p.id = (SELECT coalesce(q.merged_into, q.id) FROM profiles q WHERE q.tenant_id = ${actor.tenantId} AND q.id = ${id})
      AND ${visibleSql(actor, permission)}`);
  if (!r.rows[0]) notFound('profile', id);
  return r.rows[0].id;
}

/** Everything about a person the API shows: identities, traits, computed traits, RFM, stores, segments, consent. */
export async function profileView(db: Executor, tenantId: string, id: string) {
  const p = await db.execute<{
    id: string;
    first_seen_at: Date;
    last_seen_at: Date;
    traits: Record<string, unknown>;
    preferred_store_id: string | null;
    last_order_at: Date | null;
    frequency: number;
    monetary: number;
    rfm_r: number | null;
    rfm_f: number | null;
    rfm_m: number | null;
    lifetime_value: number;
    lifetime_orders: number;
  }>(sql`SELECT id, first_seen_at, last_seen_at, traits, preferred_store_id, last_order_at, frequency, monetary, rfm_r, rfm_f, rfm_m, lifetime_value, lifetime_orders
    FROM profiles WHERE tenant_id = ${tenantId} AND id = ${id}`);
  const row = p.rows[0];
  if (!row) notFound('profile', id);
  const [ids, computed, stores, segs, merged] = await Promise.all([
    db.execute<{ type: string; value: string; claimed_at: Date }>(sql`
      SELECT type, value, claimed_at FROM profile_identifiers WHERE tenant_id = ${tenantId} AND profile_id = ${id} ORDER BY type, value`),
    db.execute<{ key: string; value: unknown }>(sql`
      SELECT t.key, v.value FROM computed_trait_values v JOIN computed_traits t ON t.id = v.trait_id WHERE v.profile_id = ${id} ORDER BY t.key`),
    db.execute<{ store_id: string; visits: number; purchases: number; revenue: number; last_at: Date }>(sql`
      SELECT store_id, visits, purchases, revenue, last_at FROM profile_stores WHERE profile_id = ${id} ORDER BY purchases DESC, visits DESC`),
    db.execute<{ id: string; name: string; entered_at: Date }>(sql`
      SELECT s.id, s.name, m.entered_at FROM segment_members m JOIN segments s ON s.id = m.segment_id WHERE m.profile_id = ${id} ORDER BY s.name`),
    db.execute<{ id: string }>(sql`SELECT id FROM profiles WHERE tenant_id = ${tenantId} AND merged_into = ${id} ORDER BY id`),
  ]);
  const computedTraits: Record<string, unknown> = {};
  for (const c of computed.rows) computedTraits[c.key] = c.value;
  const date = (d: Date | null) => (d === null ? null : new Date(d));
  return {
    id: row.id,
    firstSeenAt: new Date(row.first_seen_at),
    lastSeenAt: new Date(row.last_seen_at),
    mergedProfileIds: merged.rows.map((m) => m.id),
    identities: ids.rows.map((i) => ({ type: i.type, value: i.value, linkedAt: new Date(i.claimed_at) })),
    traits: row.traits,
    computedTraits,
    rfm: {
      recency: row.rfm_r,
      frequency: row.rfm_f,
      monetary: row.rfm_m,
      score: row.rfm_r === null ? null : `${row.rfm_r}${row.rfm_f}${row.rfm_m}`,
      lastOrderAt: date(row.last_order_at),
      ordersInWindow: row.frequency,
      revenueInWindow: row.monetary,
      lifetimeValue: row.lifetime_value,
      lifetimeOrders: row.lifetime_orders,
    },
    preferredStoreId: row.preferred_store_id,
    stores: stores.rows.map((s) => ({ storeId: s.store_id, visits: s.visits, purchases: s.purchases, revenue: s.revenue, lastAt: new Date(s.last_at) })),
    segments: segs.rows.map((s) => ({ id: s.id, name: s.name, enteredAt: new Date(s.entered_at) })),
    consents: await consentsOf(db, id),
  };
}

/** A profile by one of its identifiers (`?type=email&value=…`), normalised as ingest does. */
export async function lookupProfile(ctx: Ctx, settings: IdentitySettings, type: string, value: string) {
  if (![...builtInTypes, ...settings.custom.map((c) => c.type)].includes(type)) throw new AppError('invalid', `unknown identifier type ${type}`);
  const normal = normaliseIdentifier(type, value);
  if (normal === undefined) notFound('profile with', `${type} ${value}`);
  const r = await ctx.db.orm.execute<{ profile_id: string }>(sql`
    SELECT profile_id FROM profile_identifiers WHERE tenant_id = ${ctx.actor.tenantId} AND type = ${type} AND value = ${normal}`);
  if (!r.rows[0]) notFound('profile with', `${type} ${value}`);
  const id = await findProfileInScope(ctx.db.orm, ctx.actor, r.rows[0].profile_id);
  return profileView(ctx.db.orm, ctx.actor.tenantId, id);
}

/** One profile by id (a merged id answers with its winner). */
export async function getProfile(ctx: Ctx, id: string) {
  return profileView(ctx.db.orm, ctx.actor.tenantId, await findProfileInScope(ctx.db.orm, ctx.actor, id));
}

/** People whose identifier equals the text as any type would normalise it (email, phone, member card, ids). */
export async function searchProfiles(ctx: Ctx, settings: IdentitySettings, q: string, limit: number) {
  const types = [...builtInTypes, ...settings.custom.map((c) => c.type)];
  const pairs = types.flatMap((t) => {
    const v = normaliseIdentifier(t, q);
    return v === undefined ? [] : [{ t, v }];
  });
  if (pairs.length === 0) return { data: [] };
  const r = await ctx.db.orm.execute<{ id: string; traits: Record<string, unknown>; last_seen_at: Date; type: string; value: string }>(sql`
    SELECT DISTINCT ON (p.id) p.id, p.traits, p.last_seen_at, i.type, i.value FROM profile_identifiers i JOIN profiles p ON p.id = i.profile_id
    WHERE i.tenant_id = ${ctx.actor.tenantId} AND (i.type, i.value) IN (SELECT * FROM unnest(${sql.param(pairs.map((x) => x.t))}::text[], ${sql.param(pairs.map((x) => x.v))}::text[]))
      AND ${visibleSql(ctx.actor)}
    ORDER BY p.id LIMIT ${limit}`);
  return { data: r.rows.map((x) => ({ id: x.id, matched: { type: x.type, value: x.value }, traits: x.traits, lastSeenAt: new Date(x.last_seen_at) })) };
}

/** A person's events across channels and stores, newest first, a page at a time. */
export async function profileEvents(ctx: Ctx, id: string, q: { cursor?: string; limit: number }) {
  const live = await findProfileInScope(ctx.db.orm, ctx.actor, id);
  const after = decodeCursor(q.cursor, 2);
  const cut = after ? sql` AND (ts, message_id) < (${String(after[0])}::timestamptz, ${String(after[1])})` : sql``;
  const r = await ctx.db.orm.execute<{
    ts: Date;
    message_id: string;
    type: string;
    event: string | null;
    channel: string;
    source_id: string;
    store_id: string | null;
    properties: Record<string, unknown>;
    traits: Record<string, unknown>;
    received_at: Date;
  }>(sql`
    SELECT ts, message_id, type, event, channel, source_id, store_id, properties, traits, received_at FROM customer_events
    WHERE tenant_id = ${ctx.actor.tenantId} AND profile_id = ${live}${cut} ORDER BY ts DESC, message_id DESC LIMIT ${q.limit + 1}`);
  const rows = r.rows.slice(0, q.limit);
  const last = rows[rows.length - 1];
  return {
    data: rows.map((e) => ({
      messageId: e.message_id,
      type: e.type,
      event: e.event,
      channel: e.channel,
      sourceId: e.source_id,
      storeId: e.store_id,
      timestamp: new Date(e.ts),
      receivedAt: new Date(e.received_at),
      properties: e.properties,
      traits: e.traits,
    })),
    nextCursor: r.rows.length > q.limit && last ? encodeCursor([new Date(last.ts).toISOString(), last.message_id]) : null,
  };
}

/** The identity history of a person: merges, splits, dropped links and re-homed identifiers, newest first. */
export async function identityHistory(ctx: Ctx, id: string) {
  const live = await findProfileInScope(ctx.db.orm, ctx.actor, id);
  const r = await ctx.db.orm.execute<{
    id: number;
    kind: string;
    profile_id: string;
    other_profile_id: string | null;
    identifiers: { type: string; value: string }[];
    reason: string;
    message_id: string | null;
    actor: string | null;
    at: Date;
  }>(sql`
    SELECT id, kind, profile_id, other_profile_id, identifiers, reason, message_id, actor, at FROM identity_log
    WHERE tenant_id = ${ctx.actor.tenantId} AND (profile_id = ${live} OR other_profile_id = ${live}
      OR profile_id IN (SELECT id FROM profiles WHERE tenant_id = ${ctx.actor.tenantId} AND merged_into = ${live}))
    ORDER BY id DESC LIMIT 500`);
  return {
    data: r.rows.map((x) => ({
      kind: x.kind,
      profileId: x.profile_id,
      otherProfileId: x.other_profile_id,
      identifiers: x.identifiers,
      reason: x.reason,
      messageId: x.message_id,
      actor: x.actor,
      at: new Date(x.at),
    })),
  };
}
