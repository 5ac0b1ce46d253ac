// Reading people's progress through journeys: the enrollments of a journey, of a person (with the steps they ran),
// and how many people are at, and went through, each step.
import { sql } from 'drizzle-orm';
import { scopePaths } from '../../kernel/auth.ts';
import { type Ctx, decodeCursor, encodeCursor } from '../../kernel/context.ts';
import { notFound } from '../../kernel/errors.ts';
import { assertProfileInScope, withinUnit } from './campaign-audience.ts';
import { readPermission } from './channels.ts';
import { allSteps } from './journey-definition.ts';
import { findJourney } from './journeys.ts';
import type { EnrollmentStatus } from './journeys-schema.ts';

type EnrollmentRow = {
  id: string;
  journey_id: string;
  journey_name: string;
  profile_id: string;
  profile_name: string | null;
  status: EnrollmentStatus;
  step_id: string | null;
  step_entered_at: string;
  wake_at: string | null;
  trigger: Record<string, unknown>;
  exit_reason: string | null;
  entered_at: string;
  finished_at: string | null;
};

type RunRow = { enrollment_id: string; step_id: string; outcome: string; detail: string | null; message_id: string | null; at: string };

const d = (v: string | null) => (v ? new Date(v) : null);

const shown = (r: EnrollmentRow, runs?: RunRow[]) => ({
  id: r.id,
  journeyId: r.journey_id,
  journeyName: r.journey_name,
  profileId: r.profile_id,
  profileName: r.profile_name,
  status: r.status,
  stepId: r.step_id,
  stepEnteredAt: new Date(r.step_entered_at),
  // A lease (a node running the step right now) is not a wait a person should see.
  wakeAt: r.status === 'active' ? d(r.wake_at) : null,
  trigger: r.trigger,
  exitReason: r.exit_reason,
  enteredAt: new Date(r.entered_at),
  finishedAt: d(r.finished_at),
  ...(runs ? { history: runs.map((h) => ({ stepId: h.step_id, outcome: h.outcome, detail: h.detail, messageId: h.message_id, at: new Date(h.at) })) } : {}),
});

async function historyOf(ctx: Ctx, ids: string[]): Promise<Map<string, RunRow[]>> {
  const r = await ctx.db.orm.execute<RunRow>(sql`SELECT enrollment_id, step_id, outcome, detail, message_id, at FROM journey_step_runs
    WHERE tenant_id = ${ctx.actor.tenantId} AND enrollment_id = ANY(${sql.param(ids)}::text[]) ORDER BY seq`);
  const out = new Map<string, RunRow[]>();
  for (const row of r.rows) {
    const list = out.get(row.enrollment_id);
    if (list) list.push(row);
    else out.set(row.enrollment_id, [row]);
  }
  return out;
}

// The person's name as the console shows people: name, first name, e-mail or phone, whichever they have first.
const columns = sql`e.id, e.journey_id, j.name AS journey_name, e.profile_id,
  (SELECT coalesce(p.traits->>'name', p.traits->>'firstName', p.traits->>'email', p.traits->>'phone') FROM profiles p WHERE p.id = e.profile_id) AS profile_name,
  e.status, e.step_id, e.step_entered_at, e.wake_at, e.trigger,
  e.exit_reason, e.entered_at, e.finished_at`;

/** The people in a journey, newest entry first; filtered by state or by the step they are at. */
export async function listEnrollments(ctx: Ctx, journeyId: string, q: { status?: EnrollmentStatus; stepId?: string; cursor?: string; limit: number }) {
  const j = await findJourney(ctx.db.orm, ctx, journeyId);
  const after = decodeCursor(q.cursor, 2);
  const r = await ctx.db.orm.execute<EnrollmentRow>(sql`
    SELECT ${columns} FROM journey_enrollments e JOIN journeys j ON j.id = e.journey_id
    WHERE e.journey_id = ${j.id} AND e.tenant_id = ${ctx.actor.tenantId}
      ${q.status ? sql`AND e.status = ${q.status}` : sql``} ${q.stepId ? sql`AND e.step_id = ${q.stepId}` : sql``}
      ${after ? sql`AND (e.entered_at, e.id) < (${String(after[0])}::timestamptz, ${String(after[1])})` : sql``}
    ORDER BY e.entered_at DESC, e.id DESC LIMIT ${q.limit + 1}`);
  const rows = r.rows.slice(0, q.limit);
  const last = rows[rows.length - 1];
  return {
    data: rows.map((row) => shown(row)),
    nextCursor: r.rows.length > q.limit && last ? encodeCursor([new Date(last.entered_at).toISOString(), last.id]) : null,
  };
}

/** One enrollment with the steps it ran, in order. */
export async function getEnrollment(ctx: Ctx, id: string) {
  const paths = scopePaths(ctx.actor, readPermission);
  const r = await ctx.db.orm.execute<EnrollmentRow & { org_path: string }>(sql`
    SELECT ${columns}, j.org_path FROM journey_enrollments e JOIN journeys j ON j.id = e.journey_id
    WHERE e.id = ${id} AND e.tenant_id = ${ctx.actor.tenantId}`);
  const row = r.rows[0];
  if (!row || !paths.some((p) => row.org_path.startsWith(p))) notFound('enrollment', id);
  return shown(row, (await historyOf(ctx, [id])).get(id) ?? []);
}

/** A person's journeys, newest first, each with the steps it ran: only journeys the caller may see. */
export async function enrollmentsOfProfile(ctx: Ctx, profileId: string, limit = 50) {
  await assertProfileInScope(ctx.db.orm, ctx.actor, profileId, readPermission);
  const paths = scopePaths(ctx.actor, readPermission);
  const r = await ctx.db.orm.execute<EnrollmentRow>(sql`
    SELECT ${columns} FROM journey_enrollments e JOIN journeys j ON j.id = e.journey_id
    WHERE e.tenant_id = ${ctx.actor.tenantId} AND e.profile_id = ${profileId}
      AND (${sql.join(
        paths.map((p) => sql`j.org_path LIKE ${`${p}%`}`),
        sql` OR `,
      )}) AND ${withinUnit(sql`e.profile_id`, paths)}
    ORDER BY e.entered_at DESC LIMIT ${limit}`);
  const history = await historyOf(
    ctx,
    r.rows.map((row) => row.id),
  );
  return { data: r.rows.map((row) => shown(row, history.get(row.id) ?? [])) };
}

/** Per step: how many people are at it now, and what came of it for those who ran it; and the totals by state. */
export async function journeyCounts(ctx: Ctx, journeyId: string) {
  const j = await findJourney(ctx.db.orm, ctx, journeyId);
  const [states, at, runs] = await Promise.all([
    ctx.db.orm.execute<{ status: string; n: number }>(
      sql`SELECT status, count(*)::int AS n FROM journey_enrollments WHERE journey_id = ${j.id} GROUP BY status`,
    ),
    ctx.db.orm.execute<{ step_id: string; n: number }>(
      sql`SELECT step_id, count(*)::int AS n FROM journey_enrollments WHERE journey_id = ${j.id} AND status = 'active' GROUP BY step_id`,
    ),
    ctx.db.orm.execute<{ step_id: string; outcome: string; n: number }>(
      sql`SELECT step_id, outcome, count(*)::int AS n FROM journey_step_runs WHERE journey_id = ${j.id} GROUP BY step_id, outcome`,
    ),
  ]);
  const total = (s: string) => states.rows.find((r) => r.status === s)?.n ?? 0;
  const ids = ['$unless', ...allSteps(j.steps).map((s) => s.id)];
  return {
    entered: states.rows.reduce((sum, r) => sum + r.n, 0),
    active: total('active'),
    completed: total('completed'),
    exited: total('exited'),
    steps: ids
      .map((stepId) => ({
        stepId,
        now: at.rows.find((r) => r.step_id === stepId)?.n ?? 0,
        outcomes: Object.fromEntries(runs.rows.filter((r) => r.step_id === stepId).map((r) => [r.outcome, r.n])) as Record<string, number>,
      }))
      .filter((s) => s.stepId !== '$unless' || j.trigger.unless),
  };
}
