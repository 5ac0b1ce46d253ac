import rrule from 'rrule';
import { AppError } from '../../kernel/errors.ts';

// rrule ships CommonJS to Node: its named exports are reached through the default import.
const { RRule } = rrule;

/** Parses an RFC 5545 RRULE (with or without the `RRULE:` prefix); 400 naming the field when it is not one. */
export function parseRule(rule: string, path = 'body.rrule'): ReturnType<typeof RRule.parseString> {
  try {
    const text = rule.trim().replace(/^RRULE:/i, '');
    const opts = RRule.parseString(text);
    if (opts.freq === undefined) throw new Error('FREQ is missing');
    return opts;
  } catch (err) {
    throw new AppError('invalid', `not an RFC 5545 RRULE: ${(err as Error).message}`, {
      issues: [{ path, message: 'invalid RRULE (for example FREQ=MONTHLY;BYMONTHDAY=1)' }],
    });
  }
}

/** The first occurrence of the rule counted from `start`, after `after` (or at it, when `inclusive`); null when it has ended. */
export function nextOccurrence(rule: string, start: Date, after: Date, inclusive = false): Date | null {
  return new RRule({ ...parseRule(rule), dtstart: start }).after(after, inclusive);
}

/** The occurrences of the rule counted from `start` between two dates (at most `max`), for the PM calendar. */
export function occurrencesBetween(rule: string, start: Date, from: Date, to: Date, max = 100): Date[] {
  const out: Date[] = [];
  new RRule({ ...parseRule(rule), dtstart: start }).between(from, to, true, (d) => {
    out.push(d);
    return out.length < max;
  });
  return out;
}
