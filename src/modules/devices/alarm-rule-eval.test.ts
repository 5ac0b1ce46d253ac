import { describe, expect, it } from 'vitest';
import { compileExpression, emptyFacts, explainExpression, expressionText, type Facts, keysRead, type Value } from './alarm-rule-eval.ts';
import { type Expression, expression } from './alarm-rules.ts';

function facts(telemetry: Record<string, Value>, attrs: Partial<Record<'client' | 'server' | 'shared', Record<string, Value>>> = {}): Facts {
  const f = emptyFacts();
  for (const [k, v] of Object.entries(telemetry)) f.telemetry.set(k, v);
  for (const scope of ['client', 'server', 'shared'] as const) for (const [k, v] of Object.entries(attrs[scope] ?? {})) f[scope].set(k, v);
  return f;
}

/** Evaluates both ways (compiled closure and explanation) and insists they agree. */
function holds(e: unknown, f: Facts): boolean {
  const parsed = expression.parse(e);
  const compiled = compileExpression(parsed)(f);
  expect(explainExpression(parsed, f).result, `explain and compiled disagree on ${expressionText(parsed)}`).toBe(compiled);
  return compiled;
}

describe('alarm rule expressions', () => {
  it('compares numbers with > >= < <= == != (numeric strings count as numbers)', () => {
    const f = facts({ t: 8, s: '8.5' });
    expect([holds({ op: '>', key: 't', value: 8 }, f), holds({ op: '>=', key: 't', value: 8 }, f)]).toEqual([false, true]);
    expect([holds({ op: '<', key: 't', value: 8 }, f), holds({ op: '<=', key: 't', value: 8 }, f)]).toEqual([false, true]);
    expect([holds({ op: '==', key: 't', value: 8 }, f), holds({ op: '!=', key: 't', value: 8 }, f)]).toEqual([true, false]);
    expect(holds({ op: '>', key: 's', value: 8 }, f)).toBe(true);
  });

  it('tests ranges with between (inclusive) and outside', () => {
    for (const [v, between] of [
      [1.9, false],
      [2, true],
      [5, true],
      [8, true],
      [8.1, false],
    ] as const) {
      expect(holds({ op: 'between', key: 't', min: 2, max: 8 }, facts({ t: v })), `between ${v}`).toBe(between);
      expect(holds({ op: 'outside', key: 't', min: 2, max: 8 }, facts({ t: v })), `outside ${v}`).toBe(!between);
    }
  });

  it('tests strings with ==, !=, contains, startsWith, endsWith, optionally ignoring case', () => {
    const f = facts({ fw: 'v2.4.1-beta', state: 'Open' });
    expect(holds({ op: 'contains', key: 'fw', value: '4.1' }, f)).toBe(true);
    expect(holds({ op: 'startsWith', key: 'fw', value: 'v2.' }, f)).toBe(true);
    expect(holds({ op: 'endsWith', key: 'fw', value: 'BETA' }, f)).toBe(false);
    expect(holds({ op: 'endsWith', key: 'fw', value: 'BETA', ignoreCase: true }, f)).toBe(true);
    expect(holds({ op: '==', key: 'state', value: 'open' }, f)).toBe(false);
    expect(holds({ op: '==', key: 'state', value: 'open', ignoreCase: true }, f)).toBe(true);
    expect(holds({ op: '!=', key: 'state', value: 'closed' }, f)).toBe(true);
  });

  it('tests booleans, accepting "true"/"false" and 1/0 as devices send them', () => {
    expect(holds({ op: '==', key: 'door', value: true }, facts({ door: true }))).toBe(true);
    expect(holds({ op: '==', key: 'door', value: true }, facts({ door: 'true' }))).toBe(true);
    expect(holds({ op: '==', key: 'door', value: true }, facts({ door: 0 }))).toBe(false);
    expect(holds({ op: '!=', key: 'door', value: true }, facts({ door: false }))).toBe(true);
  });

  it('makes every comparison false when the key is missing or of another type, != included', () => {
    const f = facts({ obj: { a: 1 }, text: 'warm' });
    for (const e of [
      { op: '>', key: 'missing', value: 1 },
      { op: '!=', key: 'missing', value: 1 },
      { op: '!=', key: 'text', value: 3 },
      { op: 'outside', key: 'obj', min: 1, max: 2 },
      { op: 'contains', key: 'obj', value: 'a' },
      { op: '==', key: 'text', value: true },
    ]) {
      expect(holds(e, f), JSON.stringify(e)).toBe(false);
    }
  });

  it('reads attributes by scope, `attribute` preferring server, then shared, then client', () => {
    const f = facts({}, { client: { mode: 'c', onlyClient: 1 }, shared: { mode: 's' }, server: { mode: 'srv' } });
    expect(holds({ op: '==', key: 'mode', source: 'attribute', value: 'srv' }, f)).toBe(true);
    expect(holds({ op: '==', key: 'mode', source: 'shared', value: 's' }, f)).toBe(true);
    expect(holds({ op: '==', key: 'mode', source: 'client', value: 'c' }, f)).toBe(true);
    expect(holds({ op: '==', key: 'onlyClient', source: 'attribute', value: 1 }, f)).toBe(true);
    expect(holds({ op: '==', key: 'mode', value: 'srv' }, f)).toBe(false); // telemetry has no `mode`
  });

  it('takes thresholds from attributes, with a default when the attribute is missing', () => {
    const rule = { op: '>', key: 't', value: { attribute: 'tMax', scope: 'server', default: 8 } };
    expect(holds(rule, facts({ t: 9 }))).toBe(true);
    expect(holds(rule, facts({ t: 9 }, { server: { tMax: 10 } }))).toBe(false);
    expect(holds({ op: '>', key: 't', value: { attribute: 'tMax' } }, facts({ t: 9 }))).toBe(false);
    expect(holds({ op: 'between', key: 't', min: { attribute: 'lo', default: 0 }, max: { attribute: 'hi' } }, facts({ t: 5 }, { shared: { hi: 6 } }))).toBe(
      true,
    );
  });

  it('nests and, or and not', () => {
    const e = {
      op: 'or',
      conditions: [
        {
          op: 'and',
          conditions: [
            { op: '>', key: 't', value: 8 },
            { op: '==', key: 'door', value: true },
          ],
        },
        { op: 'not', condition: { op: '<', key: 't', value: 20 } },
      ],
    };
    expect(holds(e, facts({ t: 9, door: true }))).toBe(true);
    expect(holds(e, facts({ t: 9, door: false }))).toBe(false);
    expect(holds(e, facts({ t: 21, door: false }))).toBe(true);
    expect(
      holds(
        {
          op: 'and',
          conditions: [
            { op: '>', key: 't', value: 1 },
            { op: '>', key: 't', value: 2 },
            { op: '>', key: 't', value: 3 },
          ],
        },
        facts({ t: 3 }),
      ),
    ).toBe(false);
  });

  it('explains each part with the values it saw', () => {
    const e = expression.parse({
      op: 'and',
      conditions: [
        { op: '>', key: 't', value: { attribute: 'tMax', default: 8 } },
        {
          op: 'or',
          conditions: [
            { op: '==', key: 'door', value: true },
            { op: 'between', key: 'h', min: 1, max: 2 },
          ],
        },
      ],
    });
    const x = explainExpression(e, facts({ t: 9.5, door: false }));
    expect(x.text).toBe('t > attribute.tMax (default 8) and (door == true or h between 1 and 2)');
    expect(x.result).toBe(false);
    expect(x.children?.[0]).toMatchObject({ text: 't > attribute.tMax (default 8)', result: true, actual: 9.5, expected: 8 });
    expect(x.children?.[1].children).toEqual([
      { text: 'door == true', result: false, key: 'door', source: 'telemetry', actual: false, expected: true },
      { text: 'h between 1 and 2', result: false, key: 'h', source: 'telemetry', actual: null, min: 1, max: 2 },
    ]);
  });

  it('lists the keys an expression reads, thresholds included', () => {
    const e: Expression = {
      op: 'and',
      conditions: [
        { op: '>', key: 't', value: { attribute: 'tMax' } },
        { op: '==', key: 'active', source: 'server', value: true },
      ],
    };
    const keys = keysRead(e);
    expect([...keys.telemetry]).toEqual(['t']);
    expect([...keys.attributes].sort()).toEqual(['active', 'tMax']);
  });
});
