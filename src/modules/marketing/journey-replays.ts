// Sends again the journey messages a channel's dead-letter replay put back in the queue. Their step ran and logged
// `failed` long ago, so no enrollment waits on them: the runner's pass looks for them and hands each to the send step
// itself, under the message's own key, so the claim (queued → sending) still lets one pass on one node send it.
import { sql } from 'drizzle-orm';
import { placeSteps } from './journey-definition.ts';
import { journeysByIds } from './journey-runner.ts';
import { type JourneySendDeps, runSendStep } from './journey-sends.ts';

/**
 * Resends up to `batch` replayed journey messages due by `now` (queued again after their step was logged) of journeys
 * not archived; a resend that is done rewrites the step's logged outcome (`sent`, or why not). Answers how many it took.
 */
export async function resendReplayed(deps: JourneySendDeps, now: Date, batch = 200): Promise<number> {
  // Read through the journeys and the messages' `(campaign, status)` index: a campaign's queued retries are never scanned.
  const r = await deps.db.orm.execute<{ id: string; journey_id: string; enrollment_id: string; step_id: string; profile_id: string; channel_id: string }>(sql`
    SELECT m.id, m.campaign_id AS journey_id, s.enrollment_id, s.step_id, m.profile_id, m.channel_id
    FROM journeys j
    JOIN marketing_messages m ON m.campaign_id = j.id AND m.status = 'queued' AND m.due_at <= ${now.toISOString()}::timestamptz
    JOIN journey_step_runs s ON s.enrollment_id = split_part(m.idempotency_key, ':', 3) AND s.step_id = m.variant AND s.message_id = m.id
    WHERE j.status <> 'archived'
    ORDER BY m.due_at LIMIT ${batch}`);
  if (r.rows.length === 0) return 0;
  const js = await journeysByIds(deps.db.orm, [...new Set(r.rows.map((m) => m.journey_id))]);
  for (const m of r.rows) {
    const j = js.get(m.journey_id);
    const step = j ? placeSteps(j.steps).get(m.step_id)?.step : undefined;
    if (!j || step?.type !== 'send') {
      await deps.db.orm.execute(sql`UPDATE marketing_messages SET status = 'skipped', skip_reason = 'step_removed' WHERE id = ${m.id} AND status = 'queued'`);
      continue;
    }
    // The channel the message was made for (the dead-letter list it was replayed from), the step's template as it is now.
    const sent = await runSendStep(
      deps,
      j,
      { id: m.enrollment_id, profileId: m.profile_id },
      { id: step.id, channelId: m.channel_id, templateId: step.templateId },
      now,
    );
    if (sent.done)
      await deps.db.orm.execute(sql`UPDATE journey_step_runs SET outcome = ${sent.outcome}, detail = ${sent.detail ?? 'replayed'}
        WHERE enrollment_id = ${m.enrollment_id} AND step_id = ${m.step_id}`);
  }
  return r.rows.length;
}
