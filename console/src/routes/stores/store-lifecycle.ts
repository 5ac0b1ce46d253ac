import type { StoreStatus } from '../../lib/api-types.ts';

/**
 * The store lifecycle (docs/api.md): planned → opening → open ⇄ temporarily_closed → closed,
 * and planned or opening may also close. The server holds the same map and has the last word.
 */
export const storeTransitions: Record<StoreStatus, readonly StoreStatus[]> = {
  planned: ['opening', 'closed'],
  opening: ['open', 'closed'],
  open: ['temporarily_closed', 'closed'],
  temporarily_closed: ['open', 'closed'],
  closed: [],
};

/** The states a store in `status` may move to next. */
export function nextStatuses(status: StoreStatus): readonly StoreStatus[] {
  return storeTransitions[status];
}
