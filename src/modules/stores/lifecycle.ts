import { AppError } from '../../kernel/errors.ts';

export const storeStatuses = ['planned', 'opening', 'open', 'temporarily_closed', 'closed'] as const;
export type StoreStatus = (typeof storeStatuses)[number];

/** The store lifecycle: which status may follow which. `closed` is final. */
export const storeTransitions: Record<StoreStatus, readonly StoreStatus[]> = {
  planned: ['opening', 'closed'],
  opening: ['open', 'closed'],
  open: ['temporarily_closed', 'closed'],
  temporarily_closed: ['open', 'closed'],
  closed: [],
};

/** Refuses a transition the lifecycle does not allow with a 409 that lists the allowed ones. */
export function assertTransition(from: StoreStatus, to: StoreStatus): void {
  const allowed = storeTransitions[from];
  if (!allowed.includes(to)) {
    const list = allowed.length ? allowed.join(', ') : 'none (closed is final)';
    throw new AppError('conflict', `a store cannot go from ${from} to ${to}; allowed: ${list}`, { from, to, allowed: [...allowed] });
  }
}
