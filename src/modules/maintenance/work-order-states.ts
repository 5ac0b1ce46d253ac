import { AppError } from '../../kernel/errors.ts';

/** Work-order states: OPEN → IN_PROGRESS ⇄ ON_HOLD → COMPLETE, or CANCELLED from any open state. */
export const workOrderStatuses = ['OPEN', 'IN_PROGRESS', 'ON_HOLD', 'COMPLETE', 'CANCELLED'] as const;
export type WorkOrderStatus = (typeof workOrderStatuses)[number];

/** The states a work order is still being worked in. */
export const openStatuses: readonly WorkOrderStatus[] = ['OPEN', 'IN_PROGRESS', 'ON_HOLD'];

/**
 * The allowed transitions. OPEN may go straight to COMPLETE (a fault that cleared itself, an alarm rule that completes
 * on clear); ON_HOLD must resume before it completes, so the time worked is recorded in progress.
 */
export const workOrderTransitions: Record<WorkOrderStatus, readonly WorkOrderStatus[]> = {
  OPEN: ['IN_PROGRESS', 'ON_HOLD', 'COMPLETE', 'CANCELLED'],
  IN_PROGRESS: ['ON_HOLD', 'COMPLETE', 'CANCELLED'],
  ON_HOLD: ['IN_PROGRESS', 'CANCELLED'],
  COMPLETE: [],
  CANCELLED: [],
};

/** Refuses a transition the machine does not allow: 409 with the allowed ones. */
export function assertWorkOrderTransition(from: WorkOrderStatus, to: WorkOrderStatus): void {
  const allowed = workOrderTransitions[from];
  if (!allowed.includes(to)) {
    throw new AppError('conflict', `a work order cannot go from ${from} to ${to}${allowed.length ? `; allowed: ${allowed.join(', ')}` : ' (it is closed)'}`, {
      from,
      to,
      allowed: [...allowed],
    });
  }
}

/** Priorities, lowest first. */
export const priorities = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof priorities)[number];

/** Asset states; `down` intervals are tracked as downtime. */
export const assetStatuses = ['operational', 'down', 'standby'] as const;
export type AssetStatus = (typeof assetStatuses)[number];

/** Asset categories the console offers (reports group downtime by them). */
export const assetCategories = [
  'refrigeration',
  'hvac',
  'lighting',
  'electrical',
  'pos',
  'signage',
  'it_network',
  'kitchen',
  'elevator',
  'security',
  'building',
  'other',
] as const;
