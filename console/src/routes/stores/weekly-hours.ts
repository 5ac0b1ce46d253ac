// Weekly opening hours between the API's flat list of ranges and the editor's one-row-per-day model.
import type { WeeklyHoursRange } from '../../lib/api-types.ts';

export interface TimeRange {
  opens: string;
  closes: string;
}

/** One weekday (1 = Monday … 7 = Sunday); no ranges means closed all day. */
export interface DayHours {
  day: number;
  ranges: TimeRange[];
}

export const weekdays = [1, 2, 3, 4, 5, 6, 7] as const;

const timePattern = /^([01]\d|2[0-3]):[0-5]\d$/;

/** "09:00:00" or "9:00" as the editor's "09:00". */
function toHhMm(value: string): string {
  const [hours = '0', minutes = '0'] = value.split(':');
  return `${hours.padStart(2, '0')}:${minutes.padStart(2, '0')}`;
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
    if (!timePattern.test(range.opens) || !timePattern.test(range.closes)) problems.set(index, 'format');
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
