import { describe, expect, it } from 'vitest';
import { AppError } from '../../kernel/errors.ts';
import { nextOccurrence, occurrencesBetween, parseRule } from './recurrence.ts';

describe('RRULE recurrence for PM schedules', () => {
  const start = new Date('2030-01-01T09:00:00Z');

  it('finds the next occurrence from a start, with or without the RRULE: prefix', () => {
    expect(nextOccurrence('FREQ=MONTHLY;BYMONTHDAY=15', start, start)?.toISOString()).toBe('2030-01-15T09:00:00.000Z');
    expect(nextOccurrence('RRULE:FREQ=DAILY;INTERVAL=10', start, start, true)?.toISOString()).toBe('2030-01-01T09:00:00.000Z');
    expect(nextOccurrence('FREQ=DAILY;COUNT=2', start, new Date('2030-02-01T00:00:00Z'))).toBeNull();
  });

  it('lists a window of occurrences for the calendar', () => {
    const days = occurrencesBetween('FREQ=WEEKLY;BYDAY=MO,TH', start, new Date('2030-01-01T00:00:00Z'), new Date('2030-01-15T00:00:00Z'));
    expect(days.map((d) => d.toISOString().slice(0, 10))).toEqual(['2030-01-03', '2030-01-07', '2030-01-10', '2030-01-14']);
  });

  it('refuses what is not an RRULE with 400 naming the field', () => {
    for (const bad of ['every tuesday', 'BYDAY=MO', 'FREQ=SOMETIMES']) {
      const err = (() => {
        try {
          parseRule(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).details?.issues).toEqual([expect.objectContaining({ path: 'body.rrule' })]);
    }
  });
});
