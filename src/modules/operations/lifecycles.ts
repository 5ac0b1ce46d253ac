import { AppError } from '../../kernel/errors.ts';

export const taskStatuses = ['scheduled', 'open', 'in_progress', 'submitted', 'approved', 'returned', 'overdue', 'expired'] as const;
export type TaskStatus = (typeof taskStatuses)[number];

/**
 * The task lifecycle. People move a task open → in_progress → submitted → approved (or returned and worked again);
 * the clock opens scheduled tasks, marks unfinished ones overdue at their due time and expired later. An overdue
 * task can still be submitted (late); approved and expired are final.
 */
export const taskTransitions: Record<TaskStatus, readonly TaskStatus[]> = {
  scheduled: ['open', 'overdue', 'expired'],
  open: ['in_progress', 'submitted', 'approved', 'overdue', 'expired'],
  in_progress: ['submitted', 'approved', 'overdue', 'expired'],
  returned: ['in_progress', 'submitted', 'overdue', 'expired'],
  overdue: ['submitted', 'approved', 'expired'],
  submitted: ['approved', 'returned'],
  approved: [],
  expired: [],
};

/** States in which the store still works on a task (answers may be saved). */
export const workableStatuses: readonly TaskStatus[] = ['open', 'in_progress', 'returned', 'overdue'];

export const correctiveStatuses = ['open', 'in_progress', 'pending_review', 'approved', 'pushed_back'] as const;
export type CorrectiveStatus = (typeof correctiveStatuses)[number];

/** A corrective action: the store works it and sends it for review with a photo; the auditor approves or pushes it back with a note. */
export const correctiveTransitions: Record<CorrectiveStatus, readonly CorrectiveStatus[]> = {
  open: ['in_progress', 'pending_review'],
  in_progress: ['pending_review'],
  pending_review: ['approved', 'pushed_back'],
  pushed_back: ['in_progress', 'pending_review'],
  approved: [],
};

/** Refuses a transition a lifecycle does not allow with a 409 that lists the allowed ones. */
export function assertTransition<S extends string>(what: string, map: Record<S, readonly S[]>, from: S, to: S): void {
  const allowed = map[from] ?? [];
  if (!allowed.includes(to)) {
    const list = allowed.length ? allowed.join(', ') : `none (${from} is final)`;
    throw new AppError('conflict', `a ${what} cannot go from ${from} to ${to}; allowed: ${list}`, { from, to, allowed: [...allowed] });
  }
}
