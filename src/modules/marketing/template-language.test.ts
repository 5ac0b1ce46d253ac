import { describe, expect, it } from 'vitest';
import { nextOccurrenceOf } from './recurrence.ts';
import { isHeldOut, nextSendTime, variantOf } from './send-timing.ts';
import { liftOf, twoProportionZ } from './stats.ts';
import { checkTemplate, renderTemplate } from './template-language.ts';

const vocab = { computed: new Set(['orders_90d']) };
const parse = (src: string) => {
  const r = checkTemplate(src, vocab);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.template;
};

describe('the template language', () => {
  it('renders traits, computed traits and the store, with defaults for what is missing', () => {
    const t = parse('{{ traits.name | default: "朋友" }}，{{ store.name }} 今天 {{ store.hours_today }} 营业。{{ computed.orders_90d }} 单');
    const out = renderTemplate(t, { traits: {}, computed: { orders_90d: 3 }, store: { name: '徐汇店', hours_today: '10:00–22:00' } });
    expect(out).toBe('朋友，徐汇店 今天 10:00–22:00 营业。3 单');
    expect(renderTemplate(t, { traits: { name: '李娜' }, computed: {}, store: {} })).toBe('李娜， 今天  营业。 单');
    expect(t.variables).toEqual(['computed.orders_90d', 'store.hours_today', 'store.name', 'traits.name']);
  });

  it('applies filters in order', () => {
    expect(renderTemplate(parse('{{ traits.city | default: "shanghai" | upcase }}'), { traits: {} })).toBe('SHANGHAI');
    expect(renderTemplate(parse('{{ traits.note | truncate: 3 }}'), { traits: { note: 'abcdef' } })).toBe('abc…');
  });

  it('reports bad syntax and unknown variables with line and column', () => {
    const r = checkTemplate('Hello\n  {{ nmae }} and {{ traits.x | shout }}\n{{ computed.nope }} {{ store.name', vocab);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual([
      { line: 2, column: 6, message: expect.stringContaining('unknown variable "nmae"') },
      { line: 2, column: 32, message: expect.stringContaining('unknown filter "shout"') },
      { line: 3, column: 4, message: 'unknown computed trait "nope"' },
      { line: 3, column: 21, message: '{{ is not closed with }}' },
    ]);
    const bad = checkTemplate('{{ traits.name | default }}', vocab);
    expect(bad.ok).toBe(false);
    expect(checkTemplate('{{ traits.name | default: "x }}', vocab).ok).toBe(false);
    expect(checkTemplate('{{ }}', vocab).ok).toBe(false);
  });

  it('never lets a raw {{ out, even from a trait that holds one', () => {
    const out = renderTemplate(parse('Dear {{ traits.name }}'), { traits: { name: '{{ traits.secret }}' } });
    expect(out).not.toContain('{{');
    expect(out).toBe('Dear { { traits.secret } }');
  });
});

describe('send timing, holdout and statistics', () => {
  it('waits out the quiet hours in the person’s own time zone', () => {
    // 14:00 UTC is 22:00 in Shanghai (quiet until 09:00 local = 01:00 UTC next day) and 09:00 in New York (not quiet).
    const now = new Date('2026-03-01T14:00:30Z');
    expect(nextSendTime(now, 'Asia/Shanghai', '21:00', '09:00').toISOString()).toBe('2026-03-02T01:00:00.000Z');
    expect(nextSendTime(now, 'America/New_York', '21:00', '09:00')).toBe(now);
  });

  it('finds the next run of a recurring campaign (RRULE times in UTC unless DTSTART says otherwise)', () => {
    expect(nextOccurrenceOf('FREQ=WEEKLY;BYDAY=FR;BYHOUR=10;BYMINUTE=0', new Date('2026-03-02T00:00:00Z'))?.toISOString()).toBe('2026-03-06T10:00:00.000Z');
    expect(nextOccurrenceOf('RRULE:FREQ=DAILY;COUNT=1;BYHOUR=9', new Date('2026-03-02T12:00:00Z'))?.toISOString()).toBe('2026-03-03T09:00:00.000Z');
    expect(() => nextOccurrenceOf('EVERY=MONDAY', new Date())).toThrow(/RRULE/);
  });

  it('holds out a stable share of people, chosen by hashing profile and campaign', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `prf_${i}`);
    const held = ids.filter((id) => isHeldOut(id, 'cmp_a', 10)).length;
    expect(held).toBeGreaterThan(900);
    expect(held).toBeLessThan(1100);
    expect(ids.filter((id) => isHeldOut(id, 'cmp_a', 10))).toEqual(ids.filter((id) => isHeldOut(id, 'cmp_a', 10)));
    const a = ids.filter(
      (id) =>
        variantOf(id, 'cmp_a', [
          { key: 'A', templateId: 't', weight: 1 },
          { key: 'B', templateId: 't', weight: 3 },
        ]).key === 'A',
    ).length;
    expect(a).toBeGreaterThan(2300);
    expect(a).toBeLessThan(2700);
  });

  it('computes lift with a confidence interval and a two-proportion z-test', () => {
    const l = liftOf(120, 1000, 80, 1000);
    expect(l?.lift).toBeCloseTo(0.04, 6);
    expect(l?.significant).toBe(true);
    expect(l?.low).toBeCloseTo(0.04 - 1.96 * Math.sqrt((0.12 * 0.88) / 1000 + (0.08 * 0.92) / 1000), 6);
    const z = twoProportionZ(120, 1000, 80, 1000);
    expect(z?.z).toBeCloseTo(2.98, 1);
    expect(z?.pValue).toBeLessThan(0.01);
    expect(twoProportionZ(10, 100, 10, 100)?.pValue).toBeCloseTo(1, 5);
  });
});
