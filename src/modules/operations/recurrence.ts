import rrule from 'rrule';
import { AppError } from '../../kernel/errors.ts';

// rrule ships a UMD bundle as its CommonJS entry: Node's ESM loader sees no named exports, only the default.
const { RRule } = rrule;
type Rule = InstanceType<typeof RRule>;

/**
 * Recurrence in wall-clock time. An RRULE ("every Monday 09:00") means 09:00 in each store's own time zone, so
 * occurrences are computed as floating local times (RFC 5545 §3.3.5 "form #1": no time zone) and turned into
 * instants per store in SQL (`occurrence AT TIME ZONE store.time_zone`).
 * The rrule package works in UTC for floating times; we read its UTC fields as the wall clock.
 */

const wallPattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A wall-clock time `YYYY-MM-DDTHH:MM[:SS]` as a Date whose UTC fields carry it. */
export function wallToDate(wall: string): Date {
  const m = wallPattern.exec(wall);
  if (!m) throw new AppError('invalid', `${wall} is not a local date-time YYYY-MM-DDTHH:MM`);
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0)));
}

/** The wall clock carried by a Date's UTC fields, as `YYYY-MM-DDTHH:MM:SS`. */
export function dateToWall(d: Date): string {
  return d.toISOString().slice(0, 19);
}

/** Whether a string is a wall-clock date-time this module reads. */
export function isWallTime(s: string): boolean {
  const m = wallPattern.exec(s);
  if (!m) return false;
  return dateToWall(wallToDate(s)).slice(0, 16) === `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}`;
}

/** Adds minutes to a wall-clock time. */
export function addWallMinutes(wall: string, minutes: number): string {
  return dateToWall(new Date(wallToDate(wall).getTime() + minutes * 60_000));
}

const allowedFreq = new Set([RRule.DAILY, RRule.WEEKLY, RRule.MONTHLY, RRule.YEARLY]);

/** Parses an RRULE (with or without the `RRULE:` prefix) starting at a local time; 400 naming the field when bad. */
export function parseRecurrence(rule: string, startsLocal: string, path = 'body.recurrence.rrule'): Rule {
  const text = rule.trim().replace(/^RRULE:/i, '');
  const invalid = (message: string) => new AppError('invalid', `${path}: ${message}`, { issues: [{ path, message }] });
  if (!text || /[\r\n]/.test(text) || /DTSTART|TZID/i.test(text))
    throw invalid('must be one RRULE line such as FREQ=WEEKLY;BYDAY=MO (the start is given apart)');
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(text);
  } catch (err) {
    throw invalid(`is not an RFC 5545 RRULE: ${(err as Error).message}`);
  }
  if (options.freq === undefined || !allowedFreq.has(options.freq)) throw invalid('FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY');
  if (options.interval !== undefined && (options.interval < 1 || options.interval > 366)) throw invalid('INTERVAL must be 1–366');
  try {
    return new RRule({ ...options, dtstart: wallToDate(startsLocal) });
  } catch (err) {
    throw invalid((err as Error).message);
  }
}

/** The local occurrences of a rule in (from, to], at most `limit`, as wall-clock strings. */
export function occurrencesBetween(rule: Rule, fromLocal: string, toLocal: string, limit = 400): string[] {
  const out: string[] = [];
  const from = wallToDate(fromLocal).getTime();
  rule.between(new Date(from), wallToDate(toLocal), true, (d) => {
    if (d.getTime() > from) out.push(dateToWall(d));
    return out.length < limit;
  });
  return out;
}

/** The first occurrence of a rule at or after a local time, if any. */
export function firstOccurrence(rule: Rule, fromLocal: string): string | undefined {
  const d = rule.after(wallToDate(fromLocal), true);
  return d ? dateToWall(d) : undefined;
}
