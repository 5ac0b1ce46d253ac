import { and, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { Database, Executor } from '../../kernel/db.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { audienceSql } from './campaign-audience.ts';
import { defaultTimeZone } from './personalisation.ts';
import { nextOccurrenceOf, runKeyOf } from './recurrence.ts';
import { type CampaignVariant, campaigns } from './schema.ts';

type CampaignRecord = typeof campaigns.$inferSelect;

/** The variant column of the plan: the same weighted choice as `variantOf` (send-timing.ts), in SQL. */
function variantSql(campaignId: string, variants: CampaignVariant[]): SQL {
  if (variants.length === 1) return sql`${variants[0].key}::text`;
  const total = variants.reduce((s, v) => s + v.weight, 0);
  const point = sql`((('x' || substr(md5(a.profile_id || ':' || ${campaignId} || ':variant'), 1, 8))::bit(32)::bigint % 10000)::float8 / 10000 * ${total})`;
  let acc = 0;
  const whens = variants.slice(0, -1).map((v) => {
    acc += v.weight;
    return sql`WHEN ${point} < ${acc} THEN ${v.key}`;
  });
  return sql`(CASE ${sql.join(whens, sql` `)} ELSE ${variants[variants.length - 1].key} END)`;
}

/** People per run slice: one send transaction's worth. */
export const sliceSize = 2000;

/** A message's id from its idempotency key (`campaign:run:person`): the same in SQL and in `messageIdOf`, so a retried send hands the provider the same id. */
export const messageIdSql = (key: SQL) => sql`'msg_' || substr(encode(sha256(convert_to(${key}, 'UTF8')), 'hex'), 1, 20)`;

/**
 * Plans one run of a campaign in one statement. Held-out people get their message row (status `holdout`) now; everyone
 * else goes into run slices of up to `sliceSize` (at most the campaign's rate per minute) people due at the same
 * minute — the end of their local quiet hours — whose rows are written once, when the slice is sent. People already
 * planned for the run (a row under the key `campaign:run:person`, or a place in a pending slice) are left out, so
 * planning again after a crash or with a changed audience adds only the people not planned yet.
 */
export async function planRun(tx: Executor, c: CampaignRecord, run: string, now: Date): Promise<number> {
  const iso = now.toISOString();
  const key = sql`${c.id} || ':' || ${run} || ':' || profile_id`;
  const size = Math.max(1, Math.min(sliceSize, c.ratePerMinute));
  const r = await tx.execute<{ held: number; sliced: number }>(sql`
    WITH tz AS (SELECT name FROM pg_timezone_names),
    pending AS (SELECT unnest(s.profile_ids) AS profile_id FROM campaign_run_slices s WHERE s.campaign_id = ${c.id} AND s.run = ${run}),
    aud AS (
      SELECT a.profile_id, p.preferred_store_id AS store_id,
        COALESCE(tz.name, s.time_zone, ${defaultTimeZone}) AS zone,
        (('x' || substr(md5(a.profile_id || ':' || ${c.id}), 1, 8))::bit(32)::bigint % 10000) < ${c.holdoutPercent * 100} AS held,
        ${variantSql(c.id, c.variants)} AS variant
      FROM ${audienceSql({ tenantId: c.tenantId, orgPath: c.orgPath, includeSegments: c.includeSegments, excludeSegments: c.excludeSegments })} a
      JOIN profiles p ON p.id = a.profile_id
      LEFT JOIN stores s ON s.id = p.preferred_store_id
      LEFT JOIN tz ON tz.name = p.traits->>'timezone'
      WHERE NOT EXISTS (SELECT 1 FROM marketing_messages x WHERE x.idempotency_key = ${c.id} || ':' || ${run} || ':' || a.profile_id)
        AND NOT EXISTS (SELECT 1 FROM pending WHERE pending.profile_id = a.profile_id)
    ), timed AS (
      SELECT *, (${iso}::timestamptz AT TIME ZONE zone)::time AS t FROM aud
    ), planned AS (
      SELECT profile_id, store_id, held, variant,
        CASE WHEN held OR NOT (CASE WHEN ${c.quietStart}::time < ${c.quietEnd}::time THEN t >= ${c.quietStart}::time AND t < ${c.quietEnd}::time
                                    WHEN ${c.quietStart}::time = ${c.quietEnd}::time THEN false
                                    ELSE t >= ${c.quietStart}::time OR t < ${c.quietEnd}::time END)
          THEN ${iso}::timestamptz
          ELSE date_trunc('minute', ${iso}::timestamptz + CASE WHEN ${c.quietEnd}::time - t < interval '0' THEN ${c.quietEnd}::time - t + interval '24 hours' ELSE ${c.quietEnd}::time - t END)
        END AS due_at
      FROM timed
    ), held_out AS (
      INSERT INTO marketing_messages (id, tenant_id, campaign_id, run, profile_id, variant, channel_id, idempotency_key, status, due_at, store_id)
      SELECT ${messageIdSql(key)}, ${c.tenantId}, ${c.id}, ${run}, profile_id, variant, ${c.channelId}, ${key}, 'holdout', due_at, store_id
      FROM planned WHERE held
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING 1
    ), numbered AS (
      SELECT *, (row_number() OVER (PARTITION BY due_at ORDER BY profile_id) - 1) / ${size} AS slice FROM planned WHERE NOT held
    ), sliced AS (
      INSERT INTO campaign_run_slices (id, tenant_id, campaign_id, run, due_at, profile_ids, variants, store_ids)
      SELECT 'crs_' || substr(md5(${c.id} || ${run} || due_at::text || slice::text || random()::text), 1, 20), ${c.tenantId}, ${c.id}, ${run}, due_at,
        array_agg(profile_id ORDER BY profile_id), array_agg(variant ORDER BY profile_id), array_agg(store_id ORDER BY profile_id)
      FROM numbered GROUP BY due_at, slice
      RETURNING cardinality(profile_ids) AS n
    )
    SELECT (SELECT count(*) FROM held_out)::int AS held, (SELECT COALESCE(sum(n), 0) FROM sliced)::int AS sliced`);
  const row = r.rows[0];
  return (row?.held ?? 0) + (row?.sliced ?? 0);
}

/** Starts the runs that are due: each campaign's audience is planned and it turns `sending`; answers how many started. */
export async function startDueRuns(db: Database, now: Date): Promise<number> {
  let started = 0;
  for (;;) {
    const one = await db.orm.transaction(async (tx) => {
      const [c] = await tx
        .select()
        .from(campaigns)
        .where(and(inArray(campaigns.status, ['scheduled', 'sending']), lte(campaigns.nextRunAt, now)))
        .orderBy(campaigns.nextRunAt)
        .limit(1)
        .for('update', { skipLocked: true });
      if (!c) return false;
      const runAt = c.nextRunAt ?? now;
      const run = runKeyOf(runAt);
      await planRun(tx, c, run, now);
      const next = c.schedule.kind === 'recurring' ? nextOccurrenceOf(c.schedule.rrule ?? '', runAt > now ? runAt : now) : null;
      await tx.execute(
        sql`UPDATE campaigns SET status = 'sending', current_run = ${run}, next_run_at = ${next?.toISOString() ?? null}::timestamptz, updated_at = now() WHERE id = ${c.id}`,
      );
      await publishEvent(tx, c.tenantId, 'campaign.sending', { campaignId: c.id, run });
      return true;
    });
    if (!one) return started;
    started++;
  }
}

/** Campaigns whose run has nothing left to send: completed, or back to scheduled when they recur. */
export async function finishRuns(db: Database): Promise<number> {
  return db.orm.transaction(async (tx) => {
    const r = await tx.execute<{ id: string; tenant_id: string; status: string; current_run: string }>(sql`
      UPDATE campaigns c SET status = CASE WHEN c.next_run_at IS NOT NULL THEN 'scheduled' ELSE 'completed' END, updated_at = now()
      WHERE c.status = 'sending' AND NOT EXISTS (
          SELECT 1 FROM marketing_messages m WHERE m.campaign_id = c.id AND m.run = c.current_run AND m.status IN ('queued', 'sending'))
        AND NOT EXISTS (SELECT 1 FROM campaign_run_slices s WHERE s.campaign_id = c.id AND s.run = c.current_run)
      RETURNING c.id, c.tenant_id, c.status, c.current_run`);
    for (const row of r.rows) await publishEvent(tx, row.tenant_id, `campaign.${row.status}`, { campaignId: row.id, run: row.current_run });
    return r.rows.length;
  });
}
