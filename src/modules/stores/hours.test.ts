import { describe, expect, it } from 'vitest';
import { isClockTime, isOpenAt, isTimeZone, localClock, type SpecialRange, weeklyHoursProblems } from './hours.ts';
import type { WeeklyRange } from './schema.ts';

// 2025-03-03 is a Monday. Asia/Shanghai is UTC+8, Asia/Urumqi UTC+6 (IANA), neither has summer time.
const at = (iso: string) => new Date(iso);
const mondays = (...ranges: [string, string][]): WeeklyRange[] => ranges.map(([opens, closes]) => ({ day: 1, opens, closes }));
const store = (timeZone: string, weeklyHours: WeeklyRange[], status = 'open') => ({ timeZone, status, weeklyHours });
const closure = (date: string): SpecialRange => ({ startDate: date, endDate: date, closed: true, opens: null, closes: null });

describe('isClockTime and isTimeZone', () => {
  it('accepts HH:MM from 00:00 to 24:00 only', () => {
    for (const ok of ['00:00', '09:30', '23:59', '24:00']) expect(isClockTime(ok)).toBe(true);
    for (const bad of ['24:01', '9:30', '25:00', '12:60', '12:00:00', '', 'noon']) expect(isClockTime(bad)).toBe(false);
  });

  it('knows IANA zones and refuses anything else', () => {
    for (const ok of ['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Hong_Kong', 'UTC']) expect(isTimeZone(ok)).toBe(true);
    for (const bad of ['Mars/Olympus', 'Asia/Beijing', '', 'x'.repeat(65)]) expect(isTimeZone(bad)).toBe(false);
  });
});

describe('weeklyHoursProblems', () => {
  it('accepts several ranges a day, touching ranges and a day closing at 24:00', () => {
    expect(weeklyHoursProblems([...mondays(['10:00', '12:00'], ['12:00', '14:00'], ['18:00', '24:00']), { day: 2, opens: '11:00', closes: '13:00' }])).toEqual(
      [],
    );
  });

  it('refuses a range that does not open before it closes, naming it', () => {
    const p = weeklyHoursProblems([
      { day: 3, opens: '10:00', closes: '10:00' },
      { day: 4, opens: '22:00', closes: '09:00' },
    ]);
    expect(p.map((x) => x.path)).toEqual(['body.weekly.0', 'body.weekly.1']);
  });

  it('refuses overlapping ranges on one day but not the same range on different days', () => {
    const p = weeklyHoursProblems([
      { day: 1, opens: '13:00', closes: '18:00' },
      { day: 1, opens: '10:00', closes: '14:00' },
      { day: 2, opens: '10:00', closes: '14:00' },
    ]);
    expect(p).toHaveLength(1);
    expect(p[0].path).toBe('body.weekly.0');
    expect(p[0].message).toContain('day 1');
  });
});

describe('localClock', () => {
  it('gives the date, ISO weekday and time in the store zone, midnight as 00', () => {
    expect(localClock('Asia/Shanghai', at('2025-03-02T16:30:00Z'))).toEqual({ date: '2025-03-03', day: 1, time: '00:30' });
    expect(localClock('Asia/Urumqi', at('2025-03-02T16:30:00Z'))).toEqual({ date: '2025-03-02', day: 7, time: '22:30' });
  });
});

describe('isOpenAt', () => {
  const tenToTen = mondays(['10:00', '22:00']);

  it('uses the store time zone: 02:30Z is 10:30 in Shanghai (open) but 08:30 in Urumqi (closed)', () => {
    expect(isOpenAt(store('Asia/Shanghai', tenToTen), [], at('2025-03-03T02:30:00Z'))).toBe(true);
    expect(isOpenAt(store('Asia/Urumqi', tenToTen), [], at('2025-03-03T02:30:00Z'))).toBe(false);
    // 14:30Z is 22:30 in Shanghai (closed) and 20:30 in Urumqi (open).
    expect(isOpenAt(store('Asia/Shanghai', tenToTen), [], at('2025-03-03T14:30:00Z'))).toBe(false);
    expect(isOpenAt(store('Asia/Urumqi', tenToTen), [], at('2025-03-03T14:30:00Z'))).toBe(true);
  });

  it('opens at the opening minute and closes at the closing minute', () => {
    expect(isOpenAt(store('Asia/Shanghai', tenToTen), [], at('2025-03-03T02:00:00Z'))).toBe(true);
    expect(isOpenAt(store('Asia/Shanghai', tenToTen), [], at('2025-03-03T01:59:00Z'))).toBe(false);
    expect(isOpenAt(store('Asia/Shanghai', tenToTen), [], at('2025-03-03T14:00:00Z'))).toBe(false);
  });

  it('takes the weekday in the store zone, not UTC, and keeps a day open until 24:00', () => {
    // Sunday 16:30Z is Monday 00:30 in Shanghai.
    expect(isOpenAt(store('Asia/Shanghai', mondays(['00:00', '01:00'])), [], at('2025-03-02T16:30:00Z'))).toBe(true);
    expect(isOpenAt(store('Asia/Shanghai', mondays(['18:00', '24:00'])), [], at('2025-03-03T15:59:00Z'))).toBe(true);
  });

  it('is closed between two ranges of a day and on a day without ranges', () => {
    const split = mondays(['10:00', '12:00'], ['14:00', '18:00']);
    expect(isOpenAt(store('Asia/Shanghai', split), [], at('2025-03-03T05:00:00Z'))).toBe(false);
    expect(isOpenAt(store('Asia/Shanghai', split), [], at('2025-03-03T06:30:00Z'))).toBe(true);
    expect(isOpenAt(store('Asia/Shanghai', split), [], at('2025-03-04T06:30:00Z'))).toBe(false);
  });

  it('is closed on a special closure day, judged by the local date', () => {
    const s = store('Asia/Shanghai', tenToTen);
    expect(isOpenAt(s, [closure('2025-03-03')], at('2025-03-03T02:30:00Z'))).toBe(false);
    expect(isOpenAt(s, [closure('2025-03-02')], at('2025-03-03T02:30:00Z'))).toBe(true);
    // 17:00Z on the 2nd is already the 3rd in Shanghai but still the 2nd in Urumqi.
    const allDayMonday = mondays(['00:00', '24:00']);
    const sunday = [{ day: 7, opens: '00:00', closes: '24:00' }];
    expect(isOpenAt(store('Asia/Shanghai', allDayMonday), [closure('2025-03-03')], at('2025-03-02T17:00:00Z'))).toBe(false);
    expect(isOpenAt(store('Asia/Urumqi', sunday), [closure('2025-03-03')], at('2025-03-02T17:00:00Z'))).toBe(true);
  });

  it('uses changed special hours instead of the weekly ones over a date range', () => {
    const s = store('Asia/Shanghai', tenToTen);
    const shortDays: SpecialRange[] = [{ startDate: '2025-03-01', endDate: '2025-03-05', closed: false, opens: '12:00', closes: '14:00' }];
    expect(isOpenAt(s, shortDays, at('2025-03-03T02:30:00Z'))).toBe(false);
    expect(isOpenAt(s, shortDays, at('2025-03-03T04:30:00Z'))).toBe(true);
    expect(isOpenAt(s, shortDays, at('2025-03-03T06:30:00Z'))).toBe(false);
  });

  it('is never open unless the store status is open', () => {
    for (const status of ['planned', 'opening', 'temporarily_closed', 'closed']) {
      expect(isOpenAt(store('Asia/Shanghai', tenToTen, status), [], at('2025-03-03T02:30:00Z'))).toBe(false);
    }
  });
});
