import type { WeeklyRange } from './schema.ts';

const hhmm = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** Whether a string is a wall-clock time `HH:MM` (00:00–24:00). */
export function isClockTime(s: string): boolean {
  return hhmm.test(s);
}

/** Whether an IANA time-zone name is known to this runtime. */
export function isTimeZone(tz: string): boolean {
  if (!tz || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Problems with a week of opening hours, as `{path, message}` (empty when fine): a range must open before it closes, ranges of a day must not overlap. */
export function weeklyHoursProblems(week: WeeklyRange[]): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  week.forEach((r, i) => {
    if (r.opens >= r.closes) problems.push({ path: `body.weekly.${i}`, message: `opens (${r.opens}) must be before closes (${r.closes})` });
  });
  for (let day = 1; day <= 7; day++) {
    const ranges = week.map((r, i) => ({ ...r, i })).filter((r) => r.day === day).sort((a, b) => a.opens.localeCompare(b.opens));
    for (let k = 1; k < ranges.length; k++) {
      if (ranges[k].opens < ranges[k - 1].closes) {
        problems.push({ path: `body.weekly.${ranges[k].i}`, message: `overlaps ${ranges[k - 1].opens}–${ranges[k - 1].closes} on day ${day}` });
      }
    }
  }
  return problems;
}

// Building an Intl formatter costs far more than using one: one per time zone, kept (there are a few hundred zones).
const clockFormats = new Map<string, Intl.DateTimeFormat>();
function clockFormat(timeZone: string): Intl.DateTimeFormat {
  let f = clockFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clockFormats.set(timeZone, f);
  }
  return f;
}

/** A store's local date (`YYYY-MM-DD`), ISO weekday (1 = Monday) and time (`HH:MM`) at an instant. */
export function localClock(timeZone: string, at: Date): { date: string; day: number; time: string } {
  // The answer changes once a minute (every zone's offset is whole minutes): formatting is kept per zone for its minute.
  const minute = Math.floor(at.getTime() / 60_000);
  const kept = lastClock.get(timeZone);
  if (kept && kept.minute === minute) return kept.clock;
  const parts = Object.fromEntries(clockFormat(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
  const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday) + 1;
  const clock = { date: `${parts.year}-${parts.month}-${parts.day}`, day, time: `${parts.hour}:${parts.minute}` };
  lastClock.set(timeZone, { minute, clock });
  return clock;
}

/** The local clock last worked out for each zone, with the minute it is for. */
const lastClock = new Map<string, { minute: number; clock: Readonly<{ date: string; day: number; time: string }> }>();

/** Special hours over a date range. */
export interface SpecialRange {
  startDate: string;
  endDate: string;
  closed: boolean;
  opens: string | null;
  closes: string | null;
}

/** Whether a store is open at an instant, in its own time zone: special hours first, then the weekly hours. */
export function isOpenAt(store: { timeZone: string; status: string; weeklyHours: WeeklyRange[] }, special: SpecialRange[], at: Date): boolean {
  if (store.status !== 'open') return false;
  const { date, day, time } = localClock(store.timeZone, at);
  const today = special.find((s) => s.startDate <= date && date <= s.endDate);
  if (today) return !today.closed && today.opens !== null && today.closes !== null && today.opens <= time && time < today.closes;
  return store.weeklyHours.some((r) => r.day === day && r.opens <= time && time < r.closes);
}
