import { describe, expect, it } from 'vitest';
import { passes, propertiesMatch } from './journey-conditions.ts';
import { type JourneyStep, parseSteps, placeSteps } from './journey-definition.ts';
import { nextLocalTime } from './journey-runner.ts';

describe('journey definitions', () => {
  it('joins a branch path that ends to the step after the branch, and ends the journey after the last step', () => {
    const steps: JourneyStep[] = [
      { id: 'a', type: 'wait', duration: { amount: 1, unit: 'hours' } },
      {
        id: 'b',
        type: 'branch',
        condition: { kind: 'trait', trait: 'tier', op: 'eq', value: 'gold' },
        yes: [{ id: 'c', type: 'send', channelId: 'chn', templateId: 'tpl' }],
        no: [],
      },
      { id: 'd', type: 'set_trait', trait: 'done', value: true },
    ];
    const placed = placeSteps(steps);
    expect(placed.get('a')?.next).toBe('b');
    expect(placed.get('b')).toMatchObject({ yes: 'c', no: 'd', next: 'd' });
    expect(placed.get('c')?.next).toBe('d');
    expect(placed.get('d')?.next).toBeNull();
  });

  it('names the step of every problem, nested ones included', () => {
    const { issues } = parseSteps([
      { id: 'ok', type: 'exit' },
      {
        id: 'b',
        type: 'branch',
        condition: { kind: 'segment', segmentId: 's' },
        yes: [{ id: 'w', type: 'wait', duration: { amount: 0, unit: 'days' } }],
        no: [],
      },
    ]);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ step: 'ok', path: 'steps[0]', message: expect.stringContaining('last step') }),
        expect.objectContaining({ step: 'w', path: 'steps[1].yes[0].duration.amount' }),
      ]),
    );
  });

  it('tests properties as text for equality and as numbers for order', () => {
    expect(passes(3, 'eq', '3')).toBe(true);
    expect(passes('Fridge', 'eq', 'fridge')).toBe(true);
    expect(passes('12', 'gt', 9)).toBe(true);
    expect(passes('abc', 'gt', 1)).toBe(false);
    expect(passes(undefined, 'not_exists', undefined)).toBe(true);
    expect(propertiesMatch({ product: { category: 'fridge' } }, [{ property: 'product.category', op: 'eq', value: 'fridge' }])).toBe(true);
  });

  it('waits until the next time of day in the person’s zone', () => {
    // 22:30 in Shanghai → 10:00 the next morning there.
    expect(nextLocalTime(new Date('2026-03-10T14:30:00Z'), 'Asia/Shanghai', '10:00').toISOString()).toBe('2026-03-11T02:00:00.000Z');
    expect(nextLocalTime(new Date('2026-03-10T02:00:00Z'), 'Asia/Shanghai', '10:00').toISOString()).toBe('2026-03-10T02:00:00.000Z');
  });
});
