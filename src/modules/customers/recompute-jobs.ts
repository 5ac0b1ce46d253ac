import { sql } from 'drizzle-orm';
import { recomputeTraits } from './computed-traits.ts';
import type { UpdateRuntime } from './profile-updates.ts';
import { type Condition, referencedSegments } from './segment-conditions.ts';
import { evaluateProfiles, recomputeSegment } from './segment-engine.ts';
import type { RecomputeQueue } from './segments.ts';

function usesTrait(c: Condition, key: string): boolean {
  if (c.type === 'and' || c.type === 'or') return c.conditions.some((x) => usesTrait(x, key));
  if (c.type === 'not') return usesTrait(c.condition, key);
  return c.type === 'computed_trait' && c.key === key;
}

/**
 * Recomputes a segment in the background, then evaluates again the profiles events touched while it ran (so the
 * recompute never undoes a newer change), then queues the segments that refer to this one. Answers the progress.
 */
export async function runSegmentRecompute(rt: UpdateRuntime, queue: RecomputeQueue, tenantId: string, segmentId: string) {
  rt.catalog.invalidate(tenantId);
  const catalog = await rt.catalog.get(tenantId);
  const settings = await rt.settings.get(tenantId);
  try {
    const done = await recomputeSegment(rt.db, catalog, tenantId, segmentId, rt.clock.now(), settings.rfm.orderEvent);
    if (!done) return undefined;
    const touched = await rt.db.pool.query<{ id: string }>('SELECT id FROM profiles WHERE tenant_id = $1 AND merged_into IS NULL AND updated_at >= $2', [
      tenantId,
      done.since,
    ]);
    const ids = touched.rows.map((r) => r.id);
    for (let i = 0; i < ids.length; i += 1000) {
      await rt.db.orm.transaction((tx) =>
        evaluateProfiles(tx, catalog, tenantId, ids.slice(i, i + 1000), rt.clock.now(), 'recompute', settings.rfm.orderEvent),
      );
    }
    for (const s of catalog.segments) if (referencedSegments(s.definition).includes(segmentId)) await queue.enqueue({ tenantId, kind: 'segment', id: s.id });
    return done;
  } catch (err) {
    await rt.db.pool.query(`UPDATE segments SET status = 'failed', progress = progress || jsonb_build_object('error', $2::text) WHERE id = $1`, [
      segmentId,
      (err as Error).message,
    ]);
    throw err;
  }
}

/** Computes a new or changed computed trait for every profile with matching events, then queues the segments using it. */
export async function runTraitBackfill(rt: UpdateRuntime, queue: RecomputeQueue, tenantId: string, traitId: string): Promise<number> {
  rt.catalog.invalidate(tenantId);
  const catalog = await rt.catalog.get(tenantId);
  const trait = catalog.traits.find((t) => t.id === traitId);
  if (!trait) return 0;
  const now = rt.clock.now();
  await rt.db.pool.query('DELETE FROM computed_trait_values WHERE trait_id = $1', [traitId]);
  await rt.db.pool.query(`DELETE FROM profile_timers WHERE kind = 'trait' AND ref_id = $1`, [traitId]);
  const from = new Date(now.getTime() - (trait.definition.windowDays ?? 36_500) * 86_400_000);
  const who = await rt.db.orm.execute<{ profile_id: string }>(sql`
    SELECT DISTINCT profile_id FROM customer_events WHERE tenant_id = ${tenantId} AND event = ${trait.definition.event} AND ts > ${from.toISOString()}::timestamptz`);
  const ids = who.rows.map((r) => r.profile_id);
  for (let i = 0; i < ids.length; i += 2000) {
    await rt.db.orm.transaction((tx) => recomputeTraits(tx, tenantId, [trait], ids.slice(i, i + 2000), now.getTime()));
  }
  await rt.db.pool.query(`UPDATE computed_traits SET status = 'ready', updated_at = now() WHERE id = $1`, [traitId]);
  for (const s of catalog.segments) if (usesTrait(s.definition, trait.key)) await queue.enqueue({ tenantId, kind: 'segment', id: s.id });
  return ids.length;
}
