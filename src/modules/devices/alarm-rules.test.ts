import { describe, expect, it } from 'vitest';
import { alarmRuleKinds, defaultAlarmRules } from './alarm-defaults.ts';
import { alarmRulesDocument, parseAlarmRules } from './alarm-rules.ts';

const highTemp = {
  alarmType: 'High Temperature',
  createConditions: {
    CRITICAL: { expression: { op: '>', key: 'temperature', value: 12 } },
    MAJOR: { expression: { op: '>', key: 'temperature', value: 8 }, spec: { type: 'duration', value: 10, unit: 'minutes' } },
  },
  clearCondition: { expression: { op: '<=', key: 'temperature', value: 7 } },
  propagate: true,
  details: `at \${temperature}`,
};

function issuesOf(rules: unknown) {
  const r = parseAlarmRules(rules);
  if (r.ok) throw new Error('expected the rules to be refused');
  return r.issues;
}

describe('alarm rule format', () => {
  it('accepts a ThingsBoard-like rule with severities, duration, clear condition and nested and/or/not', () => {
    const nested = {
      alarmType: 'Door',
      createConditions: {
        WARNING: {
          expression: {
            op: 'and',
            conditions: [
              {
                op: 'or',
                conditions: [
                  { op: '==', key: 'door', value: true },
                  { op: '==', key: 'door', value: 'open', ignoreCase: true },
                ],
              },
              { op: 'not', condition: { op: 'between', key: 'hour', source: 'server', min: 9, max: 21 } },
            ],
          },
          spec: { type: 'repeating', count: 5, within: { value: 10, unit: 'minutes' } },
        },
      },
    };
    const r = parseAlarmRules([highTemp, nested]);
    expect(r.ok).toBe(true);
  });

  it('names the path of a bad operator', () => {
    const bad = structuredClone(highTemp);
    (bad.createConditions.MAJOR.expression as { op: string }).op = 'gt';
    const issues = issuesOf([bad]);
    expect(issues[0].path).toBe('rules.0.createConditions.MAJOR.expression.op');
    expect(issues[0].message).toContain("'>'");
  });

  it('names the path of a bad value deep inside and/or', () => {
    const issues = issuesOf([
      {
        alarmType: 'x',
        createConditions: {
          MINOR: {
            expression: {
              op: 'or',
              conditions: [
                { op: '>', key: 't', value: 1 },
                { op: '<', key: 't', value: 'cold' },
              ],
            },
          },
        },
      },
    ]);
    expect(issues).toEqual([{ path: 'rules.0.createConditions.MINOR.expression.conditions.1.value', message: expect.stringContaining('must be a number') }]);
  });

  it('refuses unknown severities, unknown fields and a rule with no create condition', () => {
    expect(issuesOf([{ alarmType: 'x', createConditions: { HIGH: { expression: { op: '>', key: 't', value: 1 } } } }])[0].message).toMatch(/HIGH/);
    expect(issuesOf([{ ...highTemp, colour: 'red' }])[0]).toMatchObject({ path: 'rules.0', message: expect.stringContaining('colour') });
    expect(issuesOf([{ alarmType: 'x', createConditions: {} }])[0]).toMatchObject({
      path: 'rules.0.createConditions',
      message: expect.stringContaining('at least one severity'),
    });
  });

  it('refuses a duration without a unit, a zero count and a reversed range', () => {
    const noUnit = { alarmType: 'a', createConditions: { MAJOR: { expression: { op: '>', key: 't', value: 1 }, spec: { type: 'duration', value: 10 } } } };
    expect(issuesOf([noUnit])[0].path).toBe('rules.0.createConditions.MAJOR.spec.unit');
    const zero = { alarmType: 'b', createConditions: { MAJOR: { expression: { op: '>', key: 't', value: 1 }, spec: { type: 'repeating', count: 0 } } } };
    expect(issuesOf([zero])[0].path).toBe('rules.0.createConditions.MAJOR.spec.count');
    const range = { alarmType: 'c', createConditions: { MAJOR: { expression: { op: 'between', key: 't', min: 9, max: 2 } } } };
    expect(issuesOf([range])[0]).toEqual({ path: 'rules.0.createConditions.MAJOR.expression.max', message: 'min must not exceed max' });
  });

  it('refuses the same alarm type twice and nesting deeper than 8 levels', () => {
    expect(issuesOf([highTemp, highTemp])).toEqual([{ path: 'rules.1.alarmType', message: 'alarm type "High Temperature" appears twice' }]);
    let deep: Record<string, unknown> = { op: '>', key: 't', value: 1 };
    for (let i = 0; i < 9; i++) deep = { op: 'not', condition: deep };
    expect(issuesOf([{ alarmType: 'deep', createConditions: { MAJOR: { expression: deep } } }])).toEqual([
      { path: 'rules.0.createConditions.MAJOR.expression', message: 'nests deeper than 8 levels' },
    ]);
  });

  it('takes its own export back (format, profile and time are informative)', () => {
    const doc = {
      format: 'storeos.alarm-rules/v1',
      profile: { id: 'prf_1', name: 'Fridge', kind: 'fridge' },
      exportedAt: new Date().toISOString(),
      rules: [highTemp],
    };
    expect(alarmRulesDocument.parse(doc).rules).toEqual([highTemp]);
  });

  it('has valid default rules for every kind, and none for an unknown kind', () => {
    for (const kind of alarmRuleKinds) expect(defaultAlarmRules(kind).length, kind).toBeGreaterThan(0);
    expect(defaultAlarmRules('toaster')).toEqual([]);
    const fridge = defaultAlarmRules('fridge');
    expect(fridge.map((r) => r.alarmType)).toEqual(['High Temperature', 'Door Open Too Long', 'Frequent Door Opening']);
  });
});
