// A journey's "set trait" step writes through the customers module's own trait edit (the profile API's path): the
// trait history, the audit log and the person's segments re-evaluated in the same transaction, so a segment on that
// trait gains or loses them at once (and its `segment.entered` can start the next journey).
import { systemActor } from '../../kernel/auth.ts';
import { AppError } from '../../kernel/errors.ts';
import { editTraits } from '../customers/index.ts';

/** The customers module's profile runtime (settings, segment catalog, clock) a trait edit re-evaluates segments with. */
export type ProfileRuntime = Parameters<typeof editTraits>[1];

/** Sets one trait of the person as the journey; answers false when the profile is gone (deleted since they entered). */
export async function setJourneyTrait(
  rt: ProfileRuntime,
  journey: { tenantId: string; name: string },
  e: { id: string; profileId: string },
  step: { id: string; trait: string; value: unknown },
): Promise<boolean> {
  const actor = systemActor(journey.tenantId, '', `journey ${journey.name}`);
  try {
    await editTraits({ db: rt.db, actor, meta: { requestId: `${e.id}:${step.id}` } }, rt, e.profileId, { [step.trait]: step.value });
    return true;
  } catch (err) {
    if (err instanceof AppError && err.kind === 'not_found') return false;
    throw err;
  }
}
