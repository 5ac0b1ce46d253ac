import { RefreshingCache } from '../../kernel/refreshing-cache.ts';
import { createHash } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import type { Database, Executor } from '../../kernel/db.ts';
import { notifyOutbox } from '../../kernel/outbox.ts';
import type { ComputedTrait, ComputedTraitDefinition } from './computed-traits.ts';
import { type ProfileState, changedProfileRows, changedProfilesSql, profilesWrite } from './profile-state.ts';
import { runWrites, writeCtes } from './profile-writes.ts';
import type { SegmentProgress } from './profiles-schema.ts';
import type { Condition } from './segment-conditions.ts';
import { type ChangeReason, type MembershipChange, madeSelectSql, membershipEffectsSql } from './segment-membership.ts';
import { type CompileContext, compileDefinition, nextChangeJoins, nextChangeSql } from './segment-sql.ts';

/** A live segment as the engine evaluates it. */
export interface LiveSegment {
  id: string;
  version: number;
  definition: Condition;
}

/** Everything evaluation needs of a tenant: segments, computed traits, org-unit paths named by store conditions. */
export interface Catalog {
  segments: LiveSegment[];
  traits: ComputedTrait[];
  orgPaths: Map<string, string>;
}

function storeUnits(c: Condition): string[] {
  if (c.type === 'and' || c.type === 'or') return c.conditions.flatMap(storeUnits);
  if (c.type === 'not') return storeUnits(c.condition);
  return c.type === 'store' ? [c.orgUnitId] : [];
}

/**
 * Loads catalogs per tenant, cached briefly (kernel/refreshing-cache.ts): a local change invalidates at once, another
 * node's within `ttlMs`; under steady traffic the event → membership path never waits for the catalog's queries.
 */
export class SegmentCatalog {
  private readonly cache: RefreshingCache<Catalog>;

  constructor(
    private readonly db: Database,
    ttlMs = 2000,
  ) {
    this.cache = new RefreshingCache((tenantId) => this.read(tenantId), ttlMs);
  }

  /** The catalog of a tenant. */
  get(tenantId: string): Promise<Catalog> {
    return this.cache.get(tenantId);
  }

  private async read(tenantId: string): Promise<Catalog> {
    const segs = await this.db.pool.query<{ id: string; version: number; definition: Condition }>(
      'SELECT id, version, definition FROM segments WHERE tenant_id = $1 ORDER BY id',
      [tenantId],
    );
    const traits = await this.db.pool.query<{ id: string; key: string; definition: ComputedTraitDefinition }>(
      'SELECT id, key, definition FROM computed_traits WHERE tenant_id = $1 ORDER BY id',
      [tenantId],
    );
    const units = [...new Set(segs.rows.flatMap((s) => storeUnits(s.definition)))];
    const paths = units.length
      ? await this.db.pool.query<{ id: string; path: string }>('SELECT id, path FROM org_units WHERE tenant_id = $1 AND id = ANY($2::text[])', [
          tenantId,
          units,
        ])
      : { rows: [] };
    return { segments: segs.rows, traits: traits.rows, orgPaths: new Map(paths.rows.map((r) => [r.id, r.path])) };
  }

  /** Drops a tenant's cached catalog. */
  invalidate(tenantId: string): void {
    this.cache.invalidate(tenantId);
  }
}

/** The compile context of a catalog. */
export function compileContext(catalog: Catalog, tenantId: string, now: Date, orderEvent: string, scope?: string[]): CompileContext {
  return {
    tenantId,
    now,
    scope,
    traitIds: new Map(catalog.traits.map((t) => [t.key, { id: t.id, kind: t.definition.kind }])),
    segments: new Map(catalog.segments.map((s) => [s.id, s.definition])),
    orgPaths: catalog.orgPaths,
    orderEvent,
  };
}

/** A slice's other writes, done by the evaluation's statement: data-modifying statements on other rows, and changed profiles. */
export interface SliceWrites {
  statements: SQL[];
  /** Profiles whose changed states are written, and read by the evaluation with their new values. */
  profiles: Iterable<ProfileState>;
}

/**
 * Evaluates every segment for some profiles and applies the differences (members, history, daily counts, sizes,
 * outbox events), then sets each profile's segment timers to the next instant a window can change its membership.
 * ONE statement does all of it for the whole batch, as a prepared statement named for its text: the text changes only
 * with the catalog (the segments and their definitions), so each connection plans it once per catalog version and the
 * event → membership path pays one round trip and no planning (docs/decisions.md).
 */
export async function evaluateProfiles(
  tx: Executor,
  catalog: Catalog,
  tenantId: string,
  profileIds: string[],
  now: Date,
  reason: ChangeReason,
  orderEvent: string,
  writes?: SliceWrites,
): Promise<MembershipChange[]> {
  if (catalog.segments.length === 0 || profileIds.length === 0) {
    if (writes) await runWrites(tx, [...writes.statements, profilesWrite(writes.profiles)]);
    return [];
  }
  const cx = compileContext(catalog, tenantId, now, orderEvent, profileIds);
  const columns: SQL[] = [];
  const verdicts: SQL[] = [];
  catalog.segments.forEach((s, k) => {
    const c = compileDefinition(s.definition, cx);
    const m = sql.raw(`m${k}`);
    const d = sql.raw(`d${k}`);
    columns.push(sql`${c.predicate} AS ${m}`, sql`${nextChangeSql(c.windows)} AS ${d}`);
    verdicts.push(sql`(${s.id}::text, ev.${m}, ev.${d})`);
  });
  const ids = sql`${sql.param(profileIds)}::text[]`;
  // With the slice's writes: they are common tables of this statement, and the profiles are read with their new values.
  const changed = writes ? changedProfilesSql(changedProfileRows(writes.profiles) ?? '[]') : undefined;
  const before = writes ? sql.join([...writeCtes(writes.statements), changed?.ctes ?? sql``], sql`, `) : undefined;
  const r = await runPrepared<{ segment_id: string; profile_id: string; entered: boolean }>(
    tx,
    sql`
    WITH ${before ? sql`${before}, ` : sql``}ev AS MATERIALIZED (
      SELECT p.id, ${sql.join(columns, sql`, `)} FROM ${changed?.current ?? sql`profiles`} p
      WHERE p.tenant_id = ${tenantId} AND p.merged_into IS NULL AND p.id = ANY(${ids})
    ), want AS (
      SELECT ev.id AS p, x.s, coalesce(x.m, false) AS m, x.d FROM ev CROSS JOIN LATERAL (VALUES ${sql.join(verdicts, sql`, `)}) AS x(s, m, d)
    ), ins AS (
      INSERT INTO segment_members (segment_id, profile_id, tenant_id, entered_at)
      SELECT s, p, ${tenantId}, ${now.toISOString()}::timestamptz FROM want WHERE m
      ON CONFLICT DO NOTHING RETURNING segment_id, profile_id, true AS entered
    ), del AS (
      DELETE FROM segment_members g USING want w WHERE NOT w.m AND g.segment_id = w.s AND g.profile_id = w.p
      RETURNING g.segment_id, g.profile_id, false AS entered
    ), made AS (SELECT * FROM ins UNION ALL SELECT * FROM del)${membershipEffectsSql(tenantId, reason, now)},
    -- Timers: drop those no longer due, upsert the others (disjoint rows, so no row is touched twice).
    gone AS (
      DELETE FROM profile_timers t WHERE t.kind = 'segment' AND t.profile_id = ANY(${ids})
        AND NOT EXISTS (SELECT 1 FROM want w WHERE w.d IS NOT NULL AND w.s = t.ref_id AND w.p = t.profile_id)
    ), due AS (
      INSERT INTO profile_timers (kind, ref_id, profile_id, tenant_id, due_at) SELECT 'segment', s, p, ${tenantId}, d FROM want WHERE d IS NOT NULL
      ON CONFLICT (kind, ref_id, profile_id) DO UPDATE SET due_at = excluded.due_at WHERE profile_timers.due_at IS DISTINCT FROM excluded.due_at
    )
    ${madeSelectSql()}`,
  );
  return r.rows.map((row) => ({ segmentId: row.segment_id, profileId: row.profile_id, entered: row.entered }));
}

const dialect = new PgDialect();

/** Runs a statement as a named prepared statement, named by a hash of its text (so one name never holds two texts). */
async function runPrepared<T>(tx: Executor, query: SQL): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
  const q = dialect.sqlToQuery(query);
  const name = `seg_${createHash('sha1').update(q.sql).digest('base64url')}`;
  return (await tx._.session.prepareQuery(q, undefined, name, false).execute()) as pg.QueryResult<T & pg.QueryResultRow>;
}

/**
 * Memory for a whole-tenant evaluation: each event condition is a `profile_id IN (…)` whose ids must fit in one hash
 * table, else PostgreSQL falls back to rescanning the list for every profile (minutes instead of a second at 1M).
 */
const bulkWorkMem = '256MB';

/** How many live profiles a definition selects now (the live estimate while editing). */
export async function estimateDefinition(db: Database, catalog: Catalog, tenantId: string, definition: Condition, now: Date, orderEvent: string) {
  const units = storeUnits(definition).filter((u) => !catalog.orgPaths.has(u));
  const orgPaths = new Map(catalog.orgPaths);
  if (units.length) {
    const r = await db.pool.query<{ id: string; path: string }>('SELECT id, path FROM org_units WHERE tenant_id = $1 AND id = ANY($2::text[])', [
      tenantId,
      units,
    ]);
    for (const row of r.rows) orgPaths.set(row.id, row.path);
  }
  const c = compileDefinition(definition, compileContext({ ...catalog, orgPaths }, tenantId, now, orderEvent));
  return db.orm.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL statement_timeout = '20s'`);
    await tx.execute(sql`SELECT set_config('work_mem', ${bulkWorkMem}, true)`);
    const r = await tx.execute<{ n: number; total: number }>(sql`
      SELECT count(*) FILTER (WHERE ${c.predicate}) AS n, count(*) AS total FROM profiles p WHERE p.tenant_id = ${tenantId} AND p.merged_into IS NULL`);
    return { count: Number(r.rows[0]?.n ?? 0), total: Number(r.rows[0]?.total ?? 0) };
  });
}

/**
 * Recomputes a segment over the whole tenant: evaluates the definition once into a temporary table, then applies
 * entries and exits (members, history, one outbox event each), timers and the size, reporting progress between
 * steps. Profiles that events touched meanwhile are evaluated again afterwards, so a recompute never undoes them.
 */
export async function recomputeSegment(db: Database, catalog: Catalog, tenantId: string, segmentId: string, now: Date, orderEvent: string) {
  const seg = catalog.segments.find((s) => s.id === segmentId);
  if (!seg) return undefined;
  const started = new Date();
  const progress: SegmentProgress = { phase: 'evaluating', done: 0, total: 6, entered: 0, exited: 0, startedAt: started.toISOString() };
  const report = (phase: string) => {
    progress.phase = phase;
    progress.done++;
    return db.pool.query('UPDATE segments SET progress = $2::jsonb WHERE id = $1', [segmentId, JSON.stringify(progress)]);
  };
  await db.pool.query(`UPDATE segments SET status = 'computing', progress = $2::jsonb WHERE id = $1`, [segmentId, JSON.stringify(progress)]);
  const c = compileDefinition(seg.definition, { ...compileContext(catalog, tenantId, now, orderEvent), joinWindows: true });
  const { joins, expr } = nextChangeJoins(c.windows);
  const iso = now.toISOString();
  await db.orm.transaction(async (tx) => {
    // One recompute of a segment at a time, across nodes.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`segment:${segmentId}`}))`);
    await tx.execute(sql`SELECT set_config('work_mem', ${bulkWorkMem}, true)`);
    await tx.execute(sql`
      CREATE TEMP TABLE seg_eval ON COMMIT DROP AS SELECT * FROM (SELECT p.id, ${c.predicate} AS member, ${expr} AS due FROM profiles p${joins}
        WHERE p.tenant_id = ${tenantId} AND p.merged_into IS NULL) x WHERE member OR due IS NOT NULL`);
    // Statistics for the joins below: without them the planner guesses the size of a fresh temporary table.
    await tx.execute(sql`ANALYZE seg_eval`);
    await tx.execute(sql`CREATE TEMP TABLE seg_changes (profile_id text, entered boolean) ON COMMIT DROP`);
    await report('entries');
    // Rows go in in key order (here and below): each index is then written page after page, not at random.
    const ins = await tx.execute(sql`
      WITH ins AS (INSERT INTO segment_members (segment_id, profile_id, tenant_id, entered_at)
        SELECT ${segmentId}, id, ${tenantId}, ${iso}::timestamptz FROM seg_eval WHERE member ORDER BY id ON CONFLICT DO NOTHING RETURNING profile_id)
      INSERT INTO seg_changes SELECT profile_id, true FROM ins`);
    progress.entered = ins.rowCount ?? 0;
    await report('exits');
    const del = await tx.execute(sql`
      WITH del AS (DELETE FROM segment_members m WHERE m.segment_id = ${segmentId}
        AND NOT EXISTS (SELECT 1 FROM seg_eval x WHERE x.id = m.profile_id AND x.member) RETURNING profile_id)
      INSERT INTO seg_changes SELECT profile_id, false FROM del`);
    progress.exited = del.rowCount ?? 0;
    await report('history');
    await tx.execute(sql`
      INSERT INTO segment_history (tenant_id, segment_id, profile_id, kind, reason, at)
      SELECT ${tenantId}, ${segmentId}, profile_id, CASE WHEN entered THEN 'entered' ELSE 'exited' END, 'recompute', ${iso}::timestamptz FROM seg_changes
      ORDER BY profile_id`);
    await tx.execute(sql`
      INSERT INTO outbox (tenant_id, topic, payload)
      SELECT ${tenantId}, CASE WHEN entered THEN 'segment.entered' ELSE 'segment.exited' END,
        jsonb_build_object('segmentId', ${segmentId}::text, 'profileId', profile_id, 'reason', 'recompute', 'at', ${iso}::text) FROM seg_changes
      ORDER BY profile_id`);
    await notifyOutbox(tx);
    await report('timers');
    // Only the timers that changed: a recompute of an unchanged segment writes none.
    await tx.execute(sql`
      DELETE FROM profile_timers t WHERE t.kind = 'segment' AND t.ref_id = ${segmentId}
        AND NOT EXISTS (SELECT 1 FROM seg_eval x WHERE x.id = t.profile_id AND x.due IS NOT NULL)`);
    await tx.execute(sql`
      INSERT INTO profile_timers (kind, ref_id, profile_id, tenant_id, due_at) SELECT 'segment', ${segmentId}, id, ${tenantId}, due FROM seg_eval WHERE due IS NOT NULL
      ORDER BY id
      ON CONFLICT (kind, ref_id, profile_id) DO UPDATE SET due_at = excluded.due_at WHERE profile_timers.due_at IS DISTINCT FROM excluded.due_at`);
    await report('counting');
    await tx.execute(sql`
      INSERT INTO segment_daily_counts (segment_id, day, tenant_id, entered, exited)
      VALUES (${segmentId}, ${iso.slice(0, 10)}, ${tenantId}, ${progress.entered ?? 0}, ${progress.exited ?? 0})
      ON CONFLICT (segment_id, day) DO UPDATE SET entered = segment_daily_counts.entered + excluded.entered, exited = segment_daily_counts.exited + excluded.exited`);
    progress.done = progress.total;
    progress.phase = 'done';
    progress.finishedAt = new Date().toISOString();
    await tx.execute(sql`
      UPDATE segments SET member_count = (SELECT count(*) FROM segment_members WHERE segment_id = ${segmentId}),
        status = CASE WHEN version = ${seg.version} THEN 'ready' ELSE status END, progress = ${JSON.stringify(progress)}::jsonb
      WHERE id = ${segmentId}`);
  });
  return { ...progress, since: started };
}
