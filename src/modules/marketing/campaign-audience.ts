import { type SQL, sql } from 'drizzle-orm';
import type { Actor } from '../../kernel/auth.ts';
import { scopePaths } from '../../kernel/auth.ts';
import type { Executor } from '../../kernel/db.ts';
import { notFound } from '../../kernel/errors.ts';

/** A path of the org root (`/ou_x/`): whoever holds it sees every person of the tenant. */
export const isRootPath = (path: string) => path.split('/').length === 3;

/**
 * People a campaign at `orgPath` may reach: everyone for one at the root; otherwise people with activity at a store
 * under it (the customers module's `profile_stores`, the same rule its profile pages use).
 */
export function withinUnit(profileColumn: SQL, orgPaths: string[]): SQL {
  if (orgPaths.some(isRootPath)) return sql`true`;
  if (orgPaths.length === 0) return sql`false`;
  const likes = orgPaths.map((p) => `${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return sql`EXISTS (SELECT 1 FROM profile_stores ps WHERE ps.profile_id = ${profileColumn} AND ps.org_path LIKE ANY(${sql.param(likes)}::text[]))`;
}

/** 404 unless the person is a live profile of the tenant the actor may see with the permission. */
export async function assertProfileInScope(db: Executor, actor: Actor, profileId: string, permission: string): Promise<void> {
  const r = await db.execute(sql`SELECT 1 FROM profiles p WHERE p.tenant_id = ${actor.tenantId} AND p.id = ${profileId} AND p.merged_into IS NULL
    AND ${withinUnit(sql`p.id`, scopePaths(actor, permission))}`);
  if (r.rows.length === 0) notFound('profile', profileId);
}

/** What decides a campaign's audience. */
export interface AudienceSpec {
  tenantId: string;
  orgPath: string;
  includeSegments: string[];
  excludeSegments: string[];
}

/** The audience as SQL: live profiles in any included segment, in none excluded, within the campaign's unit (`aud.profile_id`). */
export function audienceSql(a: AudienceSpec): SQL {
  return sql`(
    SELECT DISTINCT m.profile_id FROM segment_members m JOIN profiles p ON p.id = m.profile_id AND p.merged_into IS NULL
    WHERE m.tenant_id = ${a.tenantId} AND m.segment_id = ANY(${sql.param(a.includeSegments)}::text[])
      AND NOT EXISTS (SELECT 1 FROM segment_members x WHERE x.profile_id = m.profile_id AND x.segment_id = ANY(${sql.param(a.excludeSegments)}::text[]))
      AND ${withinUnit(sql`m.profile_id`, [a.orgPath])}
  )`;
}

/** Whether the person consents to the purpose on the channel: the channel's own answer, else the purpose's `*`, else no. */
export function consentSql(profileColumn: SQL, purpose: string | SQL, channel: string | SQL): SQL {
  return sql`COALESCE(
    (SELECT c.granted FROM consents c WHERE c.profile_id = ${profileColumn} AND c.purpose = ${purpose} AND c.channel = ${channel}),
    (SELECT c.granted FROM consents c WHERE c.profile_id = ${profileColumn} AND c.purpose = ${purpose} AND c.channel = '*'),
    false)`;
}

/** How many messages the channel handed over to the person within its cap window (every campaign). */
export function recentSendsSql(profileColumn: SQL, channelId: string, capDays: number, now: Date): SQL {
  return sql`(SELECT count(*) FROM marketing_messages mm WHERE mm.profile_id = ${profileColumn} AND mm.channel_id = ${channelId}
    AND mm.status IN ('sending', 'sent', 'delivered') AND mm.sent_at > ${now.toISOString()}::timestamptz - make_interval(days => ${capDays}))`;
}

/** The audience after each filter, for the builder: segments, holdout, consent, frequency cap, reachable. */
export interface AudienceEstimate {
  audience: number;
  holdout: number;
  noConsent: number;
  capped: number;
  reachable: number;
}

/** Counts the audience and what consent, holdout and caps leave of it, as a send now would see it. */
export async function estimateAudience(
  db: Executor,
  a: AudienceSpec & {
    campaignId: string;
    holdoutPercent: number;
    purpose: string;
    consentChannel: string;
    channelId: string;
    capMax: number | null;
    capDays: number;
  },
  now: Date,
): Promise<AudienceEstimate> {
  const r = await db.execute<{ audience: number; holdout: number; no_consent: number; capped: number; reachable: number }>(sql`
    WITH aud AS (SELECT a.profile_id,
        (('x' || substr(md5(a.profile_id || ':' || ${a.campaignId}), 1, 8))::bit(32)::bigint % 10000) < ${a.holdoutPercent * 100} AS held,
        ${consentSql(sql`a.profile_id`, a.purpose, a.consentChannel)} AS consented,
        ${a.capMax === null ? sql`false` : sql`${recentSendsSql(sql`a.profile_id`, a.channelId, a.capDays, now)} >= ${a.capMax}`} AS capped
      FROM ${audienceSql(a)} a)
    SELECT count(*)::int AS audience, count(*) FILTER (WHERE held)::int AS holdout,
      count(*) FILTER (WHERE NOT held AND NOT consented)::int AS no_consent,
      count(*) FILTER (WHERE NOT held AND consented AND capped)::int AS capped,
      count(*) FILTER (WHERE NOT held AND consented AND NOT capped)::int AS reachable
    FROM aud`);
  const row = r.rows[0];
  return { audience: row.audience, holdout: row.holdout, noConsent: row.no_consent, capped: row.capped, reachable: row.reachable };
}
