import { describe, expect, it } from 'vitest';
import { AppError } from '../../kernel/errors.ts';
import { type AlarmAction, type AlarmStatus, alarmActions, alarmStatuses, nextStatus } from './alarm-lifecycle.ts';

function refusal(from: AlarmStatus, action: AlarmAction): AppError {
  try {
    nextStatus(from, action);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error(`${from} --${action}--> was allowed`);
}

describe('alarm lifecycle', () => {
  it('allows exactly: acknowledge and clear while active, acknowledge once cleared, escalate an acknowledged active alarm', () => {
    const allowed = alarmStatuses.flatMap((from) =>
      alarmActions.flatMap((action) => {
        try {
          return [`${from} --${action}--> ${nextStatus(from, action)}`];
        } catch {
          return [];
        }
      }),
    );
    expect(allowed.sort()).toEqual(
      [
        'ACTIVE_UNACK --acknowledge--> ACTIVE_ACK',
        'ACTIVE_UNACK --clear--> CLEARED_UNACK',
        'ACTIVE_ACK --clear--> CLEARED_ACK',
        'ACTIVE_ACK --escalate--> ACTIVE_UNACK',
        'CLEARED_UNACK --acknowledge--> CLEARED_ACK',
      ].sort(),
    );
  });

  it('refuses acknowledging twice with a 409 listing what is allowed', () => {
    const e = refusal('ACTIVE_ACK', 'acknowledge');
    expect(e.kind).toBe('conflict');
    expect(e.message).toBe('an alarm in status ACTIVE_ACK cannot be acknowledged; allowed: clear');
    expect(e.details).toEqual({ from: 'ACTIVE_ACK', action: 'acknowledge', allowed: ['clear'], allowedStatuses: ['CLEARED_ACK'] });
  });

  it('refuses clearing a cleared alarm, and treats CLEARED_ACK as final', () => {
    expect(refusal('CLEARED_UNACK', 'clear').details?.allowed).toEqual(['acknowledge']);
    for (const action of alarmActions) expect(refusal('CLEARED_ACK', action).message).toContain('none (CLEARED_ACK is final)');
  });
});
