import { AppError } from '../../kernel/errors.ts';

/** The alarm lifecycle, as ThingsBoard has it: active or cleared, acknowledged or not. */
export const alarmStatuses = ['ACTIVE_UNACK', 'ACTIVE_ACK', 'CLEARED_UNACK', 'CLEARED_ACK'] as const;
export type AlarmStatus = (typeof alarmStatuses)[number];

/** What moves an alarm: people acknowledge and clear; rules clear and escalate (a raised severity needs a new acknowledgement). */
export const alarmActions = ['acknowledge', 'clear', 'escalate'] as const;
export type AlarmAction = (typeof alarmActions)[number];

/** The allowed transitions: from each status, the actions it accepts and where each leads. `CLEARED_ACK` is final. */
export const alarmTransitions: Record<AlarmStatus, Partial<Record<AlarmAction, AlarmStatus>>> = {
  ACTIVE_UNACK: { acknowledge: 'ACTIVE_ACK', clear: 'CLEARED_UNACK' },
  ACTIVE_ACK: { clear: 'CLEARED_ACK', escalate: 'ACTIVE_UNACK' },
  CLEARED_UNACK: { acknowledge: 'CLEARED_ACK' },
  CLEARED_ACK: {},
};

/** Open alarms: the ones a re-trigger updates rather than replaces. */
export const openStatuses: readonly AlarmStatus[] = ['ACTIVE_UNACK', 'ACTIVE_ACK'];

/** Whether an alarm in this status is still active (not cleared). */
export function isOpen(status: AlarmStatus): boolean {
  return status === 'ACTIVE_UNACK' || status === 'ACTIVE_ACK';
}

const pastTense: Record<AlarmAction, string> = { acknowledge: 'acknowledged', clear: 'cleared', escalate: 'escalated' };

/** The actions a status allows. */
export function allowedActions(from: AlarmStatus): AlarmAction[] {
  return alarmActions.filter((a) => alarmTransitions[from][a] !== undefined);
}

/** The status an action leads to; refuses a transition the lifecycle does not allow with a 409 that lists the allowed actions. */
export function nextStatus(from: AlarmStatus, action: AlarmAction): AlarmStatus {
  const to = alarmTransitions[from][action];
  if (to) return to;
  const allowed = allowedActions(from).filter((a) => a !== 'escalate');
  const list = allowed.length ? allowed.join(', ') : `none (${from} is final)`;
  throw new AppError('conflict', `an alarm in status ${from} cannot be ${pastTense[action]}; allowed: ${list}`, {
    from,
    action,
    allowed,
    allowedStatuses: allowed.map((a) => alarmTransitions[from][a]),
  });
}
