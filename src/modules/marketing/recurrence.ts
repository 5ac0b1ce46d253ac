import rrule, { type RRule } from 'rrule';
import { AppError } from '../../kernel/errors.ts';

// rrule ships CommonJS for Node: its named exports are reachable through the default export only.
const { RRule: RRuleClass } = rrule;

/** Parses an RFC 5545 RRULE (with or without `RRULE:`, with an optional `DTSTART:` line); 400 naming the field when it is not one. */
export function parseRecurrence(rule: string, path = 'body.rrule'): RRule {
  try {
    const r = RRuleClass.fromString(rule.trim());
    if (r.options.freq === undefined || r.options.freq === null) throw new Error('FREQ is missing');
    return r;
  } catch (err) {
    throw new AppError('invalid', `not an RFC 5545 RRULE: ${(err as Error).message}`, {
      issues: [{ path, message: 'invalid RRULE (for example FREQ=WEEKLY;BYDAY=FR;BYHOUR=10;BYMINUTE=0)' }],
    });
  }
}

/** The next occurrence of a recurring campaign strictly after `after`, or null when the rule has ended. */
export function nextOccurrenceOf(rule: string, after: Date): Date | null {
  const r = parseRecurrence(rule);
  if (r.origOptions.dtstart) return r.after(after, false);
  // Without DTSTART the rule counts from `after`, to the minute (not from when this ran, seconds and all).
  const start = new Date(Math.floor(after.getTime() / 60_000) * 60_000);
  return new RRuleClass({ ...r.origOptions, dtstart: start }).after(after, false);
}

/** The key of a run: its occurrence to the minute (`20260301T1000`), part of each message's idempotency key. */
export function runKeyOf(at: Date): string {
  return at.toISOString().slice(0, 16).replace(/[-:]/g, '');
}
