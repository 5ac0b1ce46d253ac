// Weekly opening hours between the API's flat list of ranges and the editor's one-row-per-day model.
import type { WeeklyHoursRange } from '../../lib/api-types.ts';

export interface TimeRange {
  opens: string;
  closes: string;
}

export const weekdays = [1, 2, 3, 4, 5, 6, 7] as const;
/** 1 = Monday … 7 = Sunday (ISO 8601). */
export type Weekday = (typeof weekdays)[number];

/** One weekday's opening ranges; none means closed all day. */
export interface DayHours {
  day: Weekday;
  ranges: TimeRange[];
}

// 24:00 closes a day at midnight; it is no time to open at.
const opensPattern = /^([01]\d|2[0-3]):[0-5]\d$/;
const closesPattern = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** "09:00:00" or "9:00" as the editor's "09:00". */
function toHhMm(value: string): string {
  const [hours = '0', minutes = '0'] = value.split(':');
  return `${hours.padStart(2, '0')}:${minutes.padStart(2, '0')}`;
}

/**
 * What a person typed as a clock time, tidied: "930" and "0930" → "09:30", "9" → "09:00",
 * "9:5" → "09:05". Anything else comes back as typed, for the check to flag.
 */
export function tidyClock(input: string): string {
  const value = input.trim().replace('：', ':'); // a Chinese IME types a full-width colon
  const digits = /^(\d{1,2})(\d{2})$/.exec(value);
  if (digits) return `${digits[1].padStart(2, '0')}:${digits[2]}`;
  const parts = /^(\d{1,2})(?::(\d{1,2}))?$/.exec(value);
  if (parts) return `${parts[1].padStart(2, '0')}:${(parts[2] ?? '0').padStart(2, '0')}`;
  return value;
}

/** Groups the API's ranges by weekday, Monday first, each day's ranges in time order. */
export function toDays(ranges: readonly WeeklyHoursRange[]): DayHours[] {
  return weekdays.map((day) => ({
    day,
    ranges: ranges
      .filter((range) => range.day === day)
      .map((range) => ({ opens: toHhMm(range.opens), closes: toHhMm(range.closes) }))
      .sort((a, b) => a.opens.localeCompare(b.opens)),
  }));
}

/** Flattens the editor's days into the body of PUT /stores/{id}/hours. */
export function toWeekly(days: readonly DayHours[]): WeeklyHoursRange[] {
  return days.flatMap((day) => day.ranges.map((range) => ({ day: day.day, ...range })));
}

export type HoursProblem = 'format' | 'order' | 'overlap';

/** What is wrong with one day's ranges, keyed by the range's index; empty when all is well. */
export function checkDay(day: DayHours): Map<number, HoursProblem> {
  const problems = new Map<number, HoursProblem>();
  day.ranges.forEach((range, index) => {
    if (!opensPattern.test(range.opens) || !closesPattern.test(range.closes)) problems.set(index, 'format');
    else if (range.opens >= range.closes) problems.set(index, 'order');
  });
  const ordered = day.ranges
    .map((range, index) => ({ ...range, index }))
    .filter((range) => !problems.has(range.index))
    .sort((a, b) => a.opens.localeCompare(b.opens));
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i].opens < ordered[i - 1].closes) problems.set(ordered[i].index, 'overlap');
  }
  return problems;
}

/** True when two weeks have the same ranges on the same days. */
export function sameWeek(a: readonly DayHours[], b: readonly DayHours[]): boolean {
  return JSON.stringify(toWeekly(a)) === JSON.stringify(toWeekly(b));
}
