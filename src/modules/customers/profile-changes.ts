import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../../kernel/audit.ts';
import { requirePermission } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { type Identifier, normaliseIdentifier } from './identifiers.ts';
import type { IdentityGraph } from './identity-graph.ts';
import { mergeProfiles, splitProfile } from './identity-merge.ts';
import { loadProfiles, saveProfiles } from './profile-state.ts';
import { rebuildNow, type UpdateRuntime } from './profile-updates.ts';
import { findProfileInScope, profileView } from './profiles.ts';
import { evaluateProfiles } from './segment-engine.ts';
import { setTraitsByHand, writeTraitHistory } from './traits.ts';

/** Explicit merges, splits and trait edits (customers:write), each audited. */

/** `{identifiers: [{type, value}]}` of a split. */
export const splitBody = z.strictObject({
  identifiers: z
    .array(z.strictObject({ type: z.string().min(1).max(40), value: z.string().min(1).max(300) }))
    .min(1)
    .max(100),
});

/** Traits to set by hand; null removes a trait. */
export const traitsBody = z.strictObject({
  traits: z.record(z.string().min(1).max(100), z.unknown()).refine((t) => Object.keys(t).length <= 100, { error: 'at most 100 traits' }),
});

/** Merges another profile into this one (the older of the two keeps its id); answers the merged profile. */
export async function mergeExplicit(ctx: Ctx, rt: UpdateRuntime, id: string, otherId: string) {
  requirePermission(ctx.actor, 'customers:write');
  const a = await findProfileInScope(ctx.db.orm, ctx.actor, id, 'customers:write');
  const b = await findProfileInScope(ctx.db.orm, ctx.actor, otherId, 'customers:write');
  if (a === b) throw new AppError('conflict', 'these are already one profile');
  const tenantId = ctx.actor.tenantId;
  const winner = await ctx.db.orm.transaction(async (tx) => {
    const r = await tx.execute<{ id: string }>(sql`
      SELECT id FROM profiles WHERE id IN (${a}, ${b}) AND merged_into IS NULL ORDER BY first_seen_at, id FOR UPDATE`);
    if (r.rows.length !== 2) throw new AppError('conflict', 'one of the profiles changed meanwhile; try again');
    const [w, l] = [r.rows[0].id, r.rows[1].id];
    await mergeProfiles(tx, tenantId, { winner: w, loser: l, reason: 'explicit', messageId: null, identifiers: [], actor: ctx.actor.label, rebuild: true });
    await rebuildNow(tx, rt, tenantId, [w]);
    await recordAudit(tx, ctx.actor, { action: 'profile.merged', entityType: 'profile', entityId: w, after: { mergedProfileId: l } }, ctx.meta);
    return w;
  });
  return profileView(ctx.db.orm, tenantId, winner);
}

/** Splits identifiers off a profile into a new one; answers both. */
export async function splitExplicit(ctx: Ctx, rt: UpdateRuntime, graph: IdentityGraph, id: string, body: z.infer<typeof splitBody>) {
  requirePermission(ctx.actor, 'customers:write');
  const live = await findProfileInScope(ctx.db.orm, ctx.actor, id, 'customers:write');
  const ids: Identifier[] = body.identifiers.map((i) => {
    const value = normaliseIdentifier(i.type, i.value);
    if (value === undefined) throw new AppError('invalid', `not a valid ${i.type}: ${i.value}`);
    return { type: i.type, value };
  });
  const tenantId = ctx.actor.tenantId;
  const settings = await rt.settings.get(tenantId);
  const created = await ctx.db.orm.transaction(async (tx) => {
    await tx.execute(sql`SELECT id FROM profiles WHERE id = ${live} FOR UPDATE`);
    const n = await splitProfile(tx, tenantId, live, ids, ctx.actor.label, settings.rfm.orderEvent);
    await rebuildNow(tx, rt, tenantId, [live, n]);
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'profile.split', entityType: 'profile', entityId: live, after: { newProfileId: n, identifiers: ids.length } },
      ctx.meta,
    );
    return n;
  });
  graph.forget(tenantId, ids);
  return { profile: await profileView(ctx.db.orm, tenantId, live), newProfile: await profileView(ctx.db.orm, tenantId, created) };
}

/** Sets or removes traits by hand; kept in the trait history like event-set values. */
export async function editTraits(ctx: Ctx, rt: UpdateRuntime, id: string, traits: Record<string, unknown>) {
  requirePermission(ctx.actor, 'customers:write');
  const live = await findProfileInScope(ctx.db.orm, ctx.actor, id, 'customers:write');
  const tenantId = ctx.actor.tenantId;
  await ctx.db.orm.transaction(async (tx) => {
    const { states } = await loadProfiles(tx, tenantId, [live]);
    const st = states.get(live);
    if (!st) throw new AppError('conflict', 'the profile changed meanwhile; try again');
    await writeTraitHistory(tx, tenantId, setTraitsByHand(st, traits, ctx.actor.label, rt.clock.now()));
    await saveProfiles(tx, [st]);
    const settings = await rt.settings.get(tenantId);
    await evaluateProfiles(tx, await rt.catalog.get(tenantId), tenantId, [live], rt.clock.now(), 'event', settings.rfm.orderEvent);
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'profile.traits_edited', entityType: 'profile', entityId: live, after: { keys: Object.keys(traits) } },
      ctx.meta,
    );
  });
  return profileView(ctx.db.orm, tenantId, live);
}
