import { describe, expect, it } from 'vitest';
import { AppError } from '../../kernel/errors.ts';
import { assertTransition, type StoreStatus, storeStatuses, storeTransitions } from './lifecycle.ts';

function refusal(from: StoreStatus, to: StoreStatus): AppError {
  try {
    assertTransition(from, to);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error(`${from} → ${to} was allowed`);
}

describe('store lifecycle', () => {
  it('allows exactly planned → opening → open ⇄ temporarily_closed → closed, and planned|opening → closed', () => {
    const allowed = storeStatuses.flatMap((from) => storeStatuses.filter((to) => storeTransitions[from].includes(to)).map((to) => `${from}→${to}`));
    expect(allowed.sort()).toEqual(
      [
        'planned→opening',
        'planned→closed',
        'opening→open',
        'opening→closed',
        'open→temporarily_closed',
        'open→closed',
        'temporarily_closed→open',
        'temporarily_closed→closed',
      ].sort(),
    );
    for (const a of allowed) {
      const [from, to] = a.split('→') as [StoreStatus, StoreStatus];
      expect(() => assertTransition(from, to)).not.toThrow();
    }
  });

  it('refuses a skipped step with a 409 listing the allowed states', () => {
    const e = refusal('planned', 'open');
    expect(e.kind).toBe('conflict');
    expect(e.details).toEqual({ from: 'planned', to: 'open', allowed: ['opening', 'closed'] });
    expect(e.message).toContain('opening, closed');
  });

  it('refuses staying in the same state', () => {
    for (const s of storeStatuses) expect(refusal(s, s).kind).toBe('conflict');
  });

  it('treats closed as final', () => {
    for (const to of storeStatuses) {
      const e = refusal('closed', to);
      expect(e.details?.allowed).toEqual([]);
      expect(e.message).toContain('closed is final');
    }
  });
});
