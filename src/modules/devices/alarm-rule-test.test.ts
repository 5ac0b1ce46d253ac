import { describe, expect, it } from 'vitest';
import { defaultAlarmRules } from './alarm-defaults.ts';
import { testAlarmRules } from './alarm-rule-test.ts';
import { type AlarmRule, alarmRuleList } from './alarm-rules.ts';

const t0 = Date.UTC(2025, 0, 1, 8, 0, 0);
const min = 60_000;
const fridge = () => defaultAlarmRules('fridge');
const temps = (...pairs: [number, number][]) => pairs.map(([m, temperature]) => ({ ts: t0 + m * min, values: { temperature } }));

describe('alarm rule test bench', () => {
  it('fires a duration rule only once the condition has held for the duration, and says when', () => {
    const [high] = testAlarmRules(fridge(), { telemetry: temps([0, 9], [4, 9.5], [10, 9.2], [11, 9]) });
    const major = high.conditions.find((c) => c.severity === 'MAJOR');
    expect(major?.fired).toBe(true);
    expect(major?.firstFiredAt).toBe(t0 + 10 * min);
    expect(major?.evaluations.map((e) => [e.matched, e.fires, e.heldMs])).toEqual([
      [true, false, 0],
      [true, false, 4 * min],
      [true, true, 10 * min],
      [true, true, 11 * min],
    ]);
    expect(high.timeline).toEqual([{ ts: t0 + 10 * min, change: 'created', severity: 'MAJOR', trigger: 'data' }]);
  });

  it('fires a duration at its due time with no new message (the sweeper), when the clock runs on', () => {
    const [high] = testAlarmRules(fridge(), { telemetry: temps([0, 9]), until: t0 + 30 * min });
    expect(high.timeline).toEqual([{ ts: t0 + 10 * min, change: 'created', severity: 'MAJOR', trigger: 'timer' }]);
    const [pending] = testAlarmRules(fridge(), { telemetry: temps([0, 9], [3, 9]) });
    expect(pending.conditions.find((c) => c.severity === 'MAJOR')?.pending).toEqual({ since: t0, firesAt: t0 + 10 * min });
    expect(pending.timeline).toEqual([]);
  });

  it('restarts the duration when the condition breaks', () => {
    const [high] = testAlarmRules(fridge(), { telemetry: temps([0, 9], [6, 7.5], [7, 9], [16, 9], [17, 9]) });
    expect(high.timeline).toEqual([{ ts: t0 + 17 * min, change: 'created', severity: 'MAJOR', trigger: 'data' }]);
  });

  it('raises the severity on a higher condition and clears on the clear condition held long enough', () => {
    const [high] = testAlarmRules(fridge(), { telemetry: temps([0, 9], [10, 9], [12, 13], [20, 6.5], [21, 6.8], [22, 6.9]) });
    expect(high.timeline.map((e) => [e.ts, e.change, e.severity])).toEqual([
      [t0 + 10 * min, 'created', 'MAJOR'],
      [t0 + 12 * min, 'severity_changed', 'CRITICAL'],
      [t0 + 22 * min, 'cleared', 'CRITICAL'],
    ]);
    expect(high.finalAlarm).toBeNull();
  });

  it('never lowers a severity: a lower condition on an open alarm changes nothing', () => {
    const [high] = testAlarmRules(fridge(), { telemetry: temps([0, 13], [1, 9], [15, 9]) });
    expect(high.timeline.map((e) => e.change)).toEqual(['created']);
    expect(high.finalAlarm).toEqual({ severity: 'CRITICAL' });
  });

  it('counts repeating conditions within the window', () => {
    const doors = [0, 1, 2, 3, 20, 21, 22, 23, 24].map((m) => ({ ts: t0 + m * min, values: { door: true } }));
    const frequent = testAlarmRules(fridge(), { telemetry: doors }).find((r) => r.alarmType === 'Frequent Door Opening');
    const warning = frequent?.conditions[0];
    expect(warning?.evaluations.map((e) => e.count)).toEqual([1, 2, 3, 4, 1, 2, 3, 4, 5]);
    expect(frequent?.timeline).toEqual([{ ts: t0 + 24 * min, change: 'created', severity: 'WARNING', trigger: 'data' }]);
  });

  it('counts consecutive matches without a window, and a miss starts over', () => {
    const rules: AlarmRule[] = alarmRuleList.parse([
      { alarmType: 'Errors', createConditions: { MINOR: { expression: { op: '==', key: 'err', value: true }, spec: { type: 'repeating', count: 3 } } } },
    ]);
    const run = (seq: boolean[]) => testAlarmRules(rules, { telemetry: seq.map((err, i) => ({ ts: t0 + i, values: { err } })) })[0].timeline.length;
    expect(run([true, true, false, true, true])).toBe(0);
    expect(run([true, false, true, true, true])).toBe(1);
  });

  it('evaluates a rule only when a message carries a key it reads', () => {
    const out = testAlarmRules(fridge(), { telemetry: [{ ts: t0, values: { humidity: 40 } }, ...temps([1, 5])] });
    const high = out.find((r) => r.alarmType === 'High Temperature');
    expect(high?.conditions[0].evaluations.map((e) => e.ts)).toEqual([t0 + min]);
    expect(out.find((r) => r.alarmType === 'Door Open Too Long')?.conditions[0].evaluations).toEqual([]);
  });

  it('explains each evaluation with the values, thresholds from attributes included', () => {
    const [high] = testAlarmRules(fridge(), { telemetry: temps([0, 9.5]), attributes: { server: { temperatureMax: 10 } } });
    const major = high.conditions.find((c) => c.severity === 'MAJOR');
    expect(major?.expression).toBe('temperature > server.temperatureMax (default 8)');
    expect(major?.evaluations[0]).toMatchObject({
      trigger: 'data',
      matched: false,
      fires: false,
      explain: { text: 'temperature > server.temperatureMax (default 8)', result: false, actual: 9.5, expected: 10 },
    });
  });
});
