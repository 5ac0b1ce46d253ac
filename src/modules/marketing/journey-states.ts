import { AppError } from '../../kernel/errors.ts';
import type { JourneyStatus } from './journeys-schema.ts';

/** Which state may follow which (docs/marketing.md#journeys): only an active journey enrolls and moves people. */
export const journeyTransitions: Record<JourneyStatus, readonly JourneyStatus[]> = {
  draft: ['active', 'archived'],
  active: ['paused', 'archived'],
  paused: ['active', 'archived'],
  archived: [],
};

/** Refuses a transition the map does not allow: 409 listing the allowed ones. */
export function assertJourneyTransition(from: JourneyStatus, to: JourneyStatus): void {
  const allowed = journeyTransitions[from];
  if (!allowed.includes(to)) throw new AppError('conflict', `a ${from} journey cannot become ${to}`, { from, to, allowed: [...allowed] });
}
