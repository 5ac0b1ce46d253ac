import { describe, expect, it } from 'vitest';
import { scoreAudit } from './audit-scoring.ts';
import { answerProblems, type ChecklistItem, templateDefinition } from './checklist.ts';
import { planOccurrences } from './fan-out.ts';
import { minutesByWeek } from './targets.ts';

const items: ChecklistItem[] = templateDefinition.parse({
  items: [
    { key: 'done', label: 'Shelves faced', type: 'checkbox' },
    { key: 'temp', label: 'Fridge temperature', type: 'number', min: 0, max: 5, unit: '°C' },
    { key: 'remark', label: 'Remark', type: 'text', maxLength: 10, required: false },
    {
      key: 'state',
      label: 'Display state',
      type: 'single_choice',
      options: [
        { value: 'ok', label: 'OK' },
        { value: 'bad', label: 'Bad', pass: false },
      ],
    },
    {
      key: 'areas',
      label: 'Areas cleaned',
      type: 'multiple_choice',
      options: [
        { value: 'a', label: 'A' },
        { value: 'b', label: 'B' },
      ],
      maxSelected: 2,
    },
    { key: 'photos', label: 'Photos of the display', type: 'photo', minPhotos: 2 },
    { key: 'sign', label: 'Manager signature', type: 'signature' },
  ],
}).items;

const good = { done: true, temp: 3, remark: 'fine', state: 'ok', areas: ['a'], photos: ['fil_1', 'fil_2'], sign: 'fil_3' };
const problemOf = (answers: Record<string, unknown>, mode: 'draft' | 'task' | 'audit' = 'task') =>
  answerProblems(items, answers, mode).map((p) => `${p.item}: ${p.message}`);

describe('answers are checked against their item', () => {
  it('takes a complete, valid set', () => {
    expect(problemOf(good)).toEqual([]);
  });

  it('names the item of each wrong answer, per item type', () => {
    expect(problemOf({ ...good, done: 'yes' })).toEqual(['done: must be true or false']);
    expect(problemOf({ ...good, temp: 9 })).toEqual(['temp: must be at most 5']);
    expect(problemOf({ ...good, temp: -1 })).toEqual(['temp: must be at least 0']);
    expect(problemOf({ ...good, temp: '3' })).toEqual(['temp: must be a number']);
    expect(problemOf({ ...good, remark: 'far too long text' })).toEqual(['remark: must be at most 10 characters']);
    expect(problemOf({ ...good, state: 'maybe' })).toEqual(['state: must be one of ok, bad']);
    expect(problemOf({ ...good, areas: ['a', 'z'] })).toEqual(['areas: has unknown options z']);
    expect(problemOf({ ...good, areas: 'a' })).toEqual(['areas: must be a list of options']);
    expect(problemOf({ ...good, sign: 42 })).toEqual(['sign: must be the file id of a signature image']);
    expect(problemOf({ ...good, ghost: 1 })).toEqual(['ghost: is not an item of this checklist']);
  });

  it('asks for the required number of photos on submission, not in a draft', () => {
    expect(problemOf({ ...good, photos: ['fil_1'] })).toEqual(['photos: needs at least 2 photo(s), has 1']);
    expect(problemOf({ ...good, photos: undefined })).toEqual(['photos: needs at least 2 photo(s)']);
    expect(problemOf({ photos: ['fil_1'] }, 'draft')).toEqual([]);
  });

  it('asks a task to tick its required boxes, but lets an audit record a failed box', () => {
    expect(problemOf({ ...good, done: false })).toEqual(['done: must be checked']);
    expect(problemOf({ ...good, done: false }, 'audit')).toEqual([]);
    expect(problemOf({ remark: 'x' })).toEqual(expect.arrayContaining(['done: is required', 'temp: is required', 'sign: is required']));
  });

  it('refuses a template whose items clash', () => {
    const bad = templateDefinition.safeParse({
      items: [
        { key: 'a', label: 'A', type: 'checkbox' },
        { key: 'a', label: 'B', type: 'number', min: 5, max: 1 },
      ],
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.message)).toEqual(['key a is used twice', 'max must not be below min']);
  });
});

describe('audit scoring', () => {
  const def = templateDefinition.parse({
    passScore: 80,
    items: [
      { key: 'clean', label: 'Floor clean', type: 'checkbox', weight: 2 },
      { key: 'labels', label: 'Price labels right', type: 'checkbox', weight: 3 },
      { key: 'fire', label: 'Fire exit clear', type: 'checkbox', weight: 1, critical: true },
      { key: 'temp', label: 'Fridge temperature', type: 'number', min: 0, max: 5, weight: 4 },
      { key: 'note', label: 'Note', type: 'text', required: false, weight: 0 },
    ],
  });

  it('weighs the passed items', () => {
    const r = scoreAudit(def, { clean: true, labels: false, fire: true, temp: 4 });
    expect(r.score).toBe(70);
    expect(r.passed).toBe(false);
    expect(r.failed.map((f) => f.key)).toEqual(['labels']);
    expect(scoreAudit(def, { clean: true, labels: true, fire: true, temp: 4 })).toMatchObject({ score: 100, passed: true, failed: [] });
  });

  it('fails the whole audit on a failed critical item, whatever the score', () => {
    const r = scoreAudit(def, { clean: true, labels: true, fire: false, temp: 4 });
    expect(r.score).toBe(90);
    expect(r.criticalFailed).toBe(true);
    expect(r.passed).toBe(false);
    expect(r.failed).toEqual([{ key: 'fire', label: 'Fire exit clear', critical: true }]);
  });

  it('counts a number out of range as failed', () => {
    expect(scoreAudit(def, { clean: true, labels: true, fire: true, temp: 8 }).failed.map((f) => f.key)).toEqual(['temp']);
  });
});

describe('recurrence and load in wall-clock time', () => {
  it('materialises "every Monday 09:00" as local times, with the due time after each', () => {
    const plan = planOccurrences(
      { recurrence: { rrule: 'RRULE:FREQ=WEEKLY;BYDAY=MO', startsLocal: '2026-11-30T09:00', dueAfterMinutes: 480 } },
      null,
      '2026-12-20T00:00:00',
    );
    expect(plan.occ).toEqual(['2026-11-30T09:00:00', '2026-12-07T09:00:00', '2026-12-14T09:00:00']);
    expect(plan.due).toEqual(['2026-11-30T17:00:00', '2026-12-07T17:00:00', '2026-12-14T17:00:00']);
    // the next run picks up after what was made, without repeating it
    const next = planOccurrences(
      { recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=MO', startsLocal: '2026-11-30T09:00', dueAfterMinutes: 480 } },
      '2026-12-20T00:00:00',
      '2027-01-01T00:00:00',
    );
    expect(next.occ).toEqual(['2026-12-21T09:00:00', '2026-12-28T09:00:00']);
  });

  it('refuses rules that are not RFC 5545 or too frequent, naming the field', () => {
    expect(() =>
      planOccurrences({ recurrence: { rrule: 'FREQ=MINUTELY', startsLocal: '2026-11-30T09:00', dueAfterMinutes: 1 } }, null, '2026-12-01T00:00:00'),
    ).toThrow(/recurrence\.rrule/);
    expect(() =>
      planOccurrences({ recurrence: { rrule: 'EVERY MONDAY', startsLocal: '2026-11-30T09:00', dueAfterMinutes: 1 } }, null, '2026-12-01T00:00:00'),
    ).toThrow(/recurrence\.rrule/);
  });

  it('adds minutes to the ISO week of each due date', () => {
    expect(minutesByWeek(['2026-11-30T17:00:00', '2026-12-06T17:00:00', '2026-12-07T17:00:00'], 30)).toEqual([
      { weekStart: '2026-11-30', added: 60 },
      { weekStart: '2026-12-07', added: 30 },
    ]);
  });
});
