import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../kernel/db.ts';
import { notifyOutboxOf } from '../../kernel/outbox.ts';

/** A profile entering or leaving a segment. */
export interface MembershipChange {
  segmentId: string;
  profileId: string;
  entered: boolean;
}

/** Why a membership changed: an event, a timer (a window passed), a recompute, a merge, a deletion. */
export type ChangeReason = 'event' | 'timer' | 'recompute' | 'merged' | 'deleted' | 'rebuild';

/**
 * Applies membership changes in the caller's transaction: members, history, daily counts, segment sizes, and one
 * `segment.entered` / `segment.exited` domain event per change actually made (published after commit by the outbox).
 */
export async function applyMembershipChanges(
  tx: Executor,
  tenantId: string,
  changes: MembershipChange[],
  reason: ChangeReason,
  at: Date,
): Promise<MembershipChange[]> {
  if (changes.length === 0) return [];
  const ins = changes.filter((c) => c.entered);
  const del = changes.filter((c) => !c.entered);
  // One statement for all of it: this runs on every event, and each round trip is latency.
  const r = await tx.execute<{ segment_id: string; profile_id: string; entered: boolean }>(sql`
    WITH ins AS (
      INSERT INTO segment_members (segment_id, profile_id, tenant_id, entered_at)
      SELECT s, p, ${tenantId}, ${at.toISOString()}::timestamptz FROM unnest(${sql.param(ins.map((c) => c.segmentId))}::text[], ${sql.param(ins.map((c) => c.profileId))}::text[]) AS x(s, p)
      ON CONFLICT DO NOTHING RETURNING segment_id, profile_id, true AS entered
    ), del AS (
      DELETE FROM segment_members m USING unnest(${sql.param(del.map((c) => c.segmentId))}::text[], ${sql.param(del.map((c) => c.profileId))}::text[]) AS x(s, p)
      WHERE m.segment_id = x.s AND m.profile_id = x.p RETURNING m.segment_id, m.profile_id, false AS entered
    ), made AS (SELECT * FROM ins UNION ALL SELECT * FROM del)${membershipEffectsSql(tenantId, reason, at)}
    ${madeSelectSql()}`);
  return r.rows.map((row) => ({ segmentId: row.segment_id, profileId: row.profile_id, entered: row.entered }));
}

/**
 * The common tables that follow a `made (segment_id, profile_id, entered)` of membership changes actually made:
 * history, daily counts, segment sizes and one `segment.entered` / `segment.exited` outbox event each.
 */
export function membershipEffectsSql(tenantId: string, reason: ChangeReason, at: Date): SQL {
  const iso = at.toISOString();
  return sql`,
    history AS (
      INSERT INTO segment_history (tenant_id, segment_id, profile_id, kind, reason, at)
      SELECT ${tenantId}, segment_id, profile_id, CASE WHEN entered THEN 'entered' ELSE 'exited' END, ${reason}::text, ${iso}::timestamptz FROM made
    ), per AS (
      SELECT segment_id, count(*) FILTER (WHERE entered)::int AS i, count(*) FILTER (WHERE NOT entered)::int AS o FROM made GROUP BY segment_id
    ), daily AS (
      INSERT INTO segment_daily_counts (segment_id, day, tenant_id, entered, exited) SELECT segment_id, ${iso.slice(0, 10)}::text, ${tenantId}, i, o FROM per
      ON CONFLICT (segment_id, day) DO UPDATE SET entered = segment_daily_counts.entered + excluded.entered, exited = segment_daily_counts.exited + excluded.exited
    ), sizes AS (
      UPDATE segments g SET member_count = g.member_count + per.i - per.o FROM per WHERE g.id = per.segment_id
    ), published AS (
      INSERT INTO outbox (tenant_id, topic, payload)
      SELECT ${tenantId}, CASE WHEN entered THEN 'segment.entered' ELSE 'segment.exited' END,
        jsonb_build_object('segmentId', segment_id, 'profileId', profile_id, 'reason', ${reason}::text, 'at', ${iso}::text) FROM made
      RETURNING 1
    )`;
}

/**
 * The select list that ends a statement built on `membershipEffectsSql`: the changes made, and the NOTIFY that wakes the
 * outbox dispatchers at commit (an uncorrelated subquery, run once, and not at all when nothing changed): no round trip of its own.
 */
export function madeSelectSql(): SQL {
  return sql.raw(`SELECT segment_id, profile_id, entered, (${notifyOutboxOf('published')}) AS notified FROM made`);
}

/** Takes profiles out of every segment (merged away, deleted) and drops their segment timers. */
export async function exitAllSegments(tx: Executor, tenantId: string, profileIds: string[], reason: ChangeReason, at: Date): Promise<MembershipChange[]> {
  if (profileIds.length === 0) return [];
  const r = await tx.execute<{ segment_id: string; profile_id: string }>(sql`
    SELECT segment_id, profile_id FROM segment_members WHERE tenant_id = ${tenantId} AND profile_id = ANY(${sql.param(profileIds)}::text[])`);
  await tx.execute(sql`DELETE FROM profile_timers WHERE kind = 'segment' AND profile_id = ANY(${sql.param(profileIds)}::text[])`);
  return applyMembershipChanges(
    tx,
    tenantId,
    r.rows.map((row) => ({ segmentId: row.segment_id, profileId: row.profile_id, entered: false })),
    reason,
    at,
  );
}
