import { describe, expect, it } from 'vitest';
import { AppError } from '../../kernel/errors.ts';
import { assertWorkOrderTransition, workOrderStatuses, workOrderTransitions } from './work-order-states.ts';

function refusal(from: (typeof workOrderStatuses)[number], to: (typeof workOrderStatuses)[number]): AppError {
  try {
    assertWorkOrderTransition(from, to);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error(`expected ${from} → ${to} to be refused`);
}

describe('the work-order state machine', () => {
  it('lets a work order be started, held, resumed and completed', () => {
    for (const [from, to] of [
      ['OPEN', 'IN_PROGRESS'],
      ['IN_PROGRESS', 'ON_HOLD'],
      ['ON_HOLD', 'IN_PROGRESS'],
      ['IN_PROGRESS', 'COMPLETE'],
      ['OPEN', 'CANCELLED'],
      ['ON_HOLD', 'CANCELLED'],
    ] as const) {
      expect(() => assertWorkOrderTransition(from, to)).not.toThrow();
    }
  });

  it('refuses the rest with 409 and the allowed transitions', () => {
    const held = refusal('ON_HOLD', 'COMPLETE');
    expect(held.kind).toBe('conflict');
    expect(held.details?.allowed).toEqual(['IN_PROGRESS', 'CANCELLED']);
    expect(refusal('COMPLETE', 'IN_PROGRESS').details?.allowed).toEqual([]);
    expect(refusal('CANCELLED', 'OPEN').message).toMatch(/closed/);
    expect(refusal('IN_PROGRESS', 'OPEN').details).toMatchObject({ from: 'IN_PROGRESS', to: 'OPEN' });
  });

  it('closes COMPLETE and CANCELLED for good and never goes back to OPEN', () => {
    for (const s of workOrderStatuses) expect(workOrderTransitions[s]).not.toContain('OPEN');
    expect(workOrderTransitions.COMPLETE).toEqual([]);
    expect(workOrderTransitions.CANCELLED).toEqual([]);
  });
});
