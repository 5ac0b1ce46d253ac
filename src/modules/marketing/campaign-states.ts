import { AppError } from '../../kernel/errors.ts';

/** The states of a campaign. */
export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'completed' | 'cancelled';

/** Which state may follow which (docs/marketing.md#campaigns). */
export const campaignTransitions: Record<CampaignStatus, readonly CampaignStatus[]> = {
  draft: ['scheduled', 'cancelled'],
  scheduled: ['sending', 'paused', 'cancelled', 'draft'],
  sending: ['paused', 'completed', 'scheduled', 'cancelled'],
  paused: ['scheduled', 'sending', 'cancelled'],
  // A completed campaign sends again only when its dead letters are replayed.
  completed: ['sending'],
  cancelled: [],
};

/** Refuses a transition the map does not allow: 409 listing the allowed ones. */
export function assertCampaignTransition(from: CampaignStatus, to: CampaignStatus): void {
  const allowed = campaignTransitions[from];
  if (!allowed.includes(to)) {
    throw new AppError('conflict', `a ${from} campaign cannot become ${to}`, { from, to, allowed: [...allowed] });
  }
}
