import { emptyFacts, type ExplainNode, explainExpression, expressionText, type Value } from './alarm-rule-eval.ts';
import type { AlarmRule, AlarmSeverity, ConditionSpec } from './alarm-rules.ts';
import { alarmChangeOf, type CompiledRule, compileRules, nextDeadline, newRuleState, type RuleState, resetRuleState, stepRule } from './alarm-rule-state.ts';

/**
 * The rule test bench: runs sample telemetry through a profile's rules exactly as the engine would (same step
 * function), and reports, per rule and condition, each evaluation with the actual values of every sub-expression,
 * when a duration or repeating condition fired or would fire, and the alarm changes that would follow.
 */

/** Sample input: telemetry messages and the device's attributes. */
export interface RuleTestInput {
  telemetry: { ts: number; values: Record<string, Value> }[];
  attributes?: { client?: Record<string, Value>; server?: Record<string, Value>; shared?: Record<string, Value> };
  /** Keep the clock running to this time after the last message, so duration conditions fire without new data. */
  until?: number;
}

/** One evaluation of one condition. */
export interface ConditionEvaluation {
  ts: number;
  /** `data`: a message carried a key the rule reads; `timer`: a duration came due with no new message. */
  trigger: 'data' | 'timer';
  matched: boolean;
  fires: boolean;
  heldMs?: number;
  firesAt?: number;
  count?: number;
  explain: ExplainNode;
}

/** One condition's story over the sample. */
export interface ConditionReport {
  severity: AlarmSeverity | 'clear';
  expression: string;
  spec: ConditionSpec;
  fired: boolean;
  firstFiredAt: number | null;
  /** A duration condition that still held at the end of the sample but had not held long enough yet. */
  pending: { since: number; firesAt: number } | null;
  evaluations: ConditionEvaluation[];
}

/** An alarm change the engine would make. */
export interface TimelineEntry {
  ts: number;
  change: 'created' | 'severity_changed' | 'cleared';
  severity: AlarmSeverity;
  trigger: 'data' | 'timer';
}

/** One rule's result. */
export interface RuleReport {
  alarmType: string;
  conditions: ConditionReport[];
  timeline: TimelineEntry[];
  /** The alarm at the end of the sample: open with a severity, or none. */
  finalAlarm: { severity: AlarmSeverity } | null;
}

interface Run {
  rule: CompiledRule;
  state: RuleState;
  reports: Map<AlarmSeverity | 'clear', ConditionReport>;
  timeline: TimelineEntry[];
  open: AlarmSeverity | undefined;
}

function startRun(rule: CompiledRule): Run {
  const reports = new Map<AlarmSeverity | 'clear', ConditionReport>();
  for (const c of [...rule.create, ...(rule.clear ? [rule.clear] : [])]) {
    reports.set(c.severity, {
      severity: c.severity,
      expression: expressionText(c.condition.expression),
      spec: c.spec,
      fired: false,
      firstFiredAt: null,
      pending: null,
      evaluations: [],
    });
  }
  return { rule, state: newRuleState(rule), reports, timeline: [], open: undefined };
}

/** Runs sample telemetry through the rules and explains every decision. */
export function testAlarmRules(rules: AlarmRule[], input: RuleTestInput): RuleReport[] {
  const compiled = compileRules(rules);
  const facts = emptyFacts();
  for (const scope of ['client', 'server', 'shared'] as const) {
    for (const [k, v] of Object.entries(input.attributes?.[scope] ?? {})) facts[scope].set(k, v);
  }
  const runs = compiled.rules.map(startRun);

  const evaluate = (run: Run, ts: number, trigger: 'data' | 'timer') => {
    const decision = stepRule(run.rule, run.state, facts, ts, trigger === 'data', run.open !== undefined, (c, matched, progress) => {
      const report = run.reports.get(c.severity);
      if (!report) return;
      report.evaluations.push({ ts, trigger, matched, ...progress, explain: explainExpression(c.condition.expression, facts) });
      if (progress.fires && !report.fired) {
        report.fired = true;
        report.firstFiredAt = ts;
      }
    });
    const change = alarmChangeOf(run.open, decision);
    if (change === 'cleared' && run.open) {
      run.timeline.push({ ts, change, severity: run.open, trigger });
      run.open = undefined;
      resetRuleState(run.state);
    } else if (change && decision.kind === 'fire') {
      run.timeline.push({ ts, change, severity: decision.severity, trigger });
      run.open = decision.severity;
    }
  };

  // Durations that come due before `limit` fire at their due time, as the engine's sweeper does between messages.
  const sweepUntil = (limit: number) => {
    for (;;) {
      let due: { run: Run; at: number } | undefined;
      for (const run of runs) {
        const at = nextDeadline(run.rule, run.state);
        if (at !== undefined && at <= limit && (!due || at < due.at)) due = { run, at };
      }
      if (!due) return;
      evaluate(due.run, due.at, 'timer');
    }
  };

  const messages = [...input.telemetry].sort((a, b) => a.ts - b.ts);
  for (const message of messages) {
    sweepUntil(message.ts - 1);
    const touched = new Set<number>();
    for (const [key, value] of Object.entries(message.values)) {
      const rulesOfKey = compiled.byTelemetryKey.get(key);
      if (!rulesOfKey) continue;
      facts.telemetry.set(key, value);
      for (const i of rulesOfKey) touched.add(i);
    }
    for (const i of [...touched].sort((a, b) => a - b)) evaluate(runs[i], message.ts, 'data');
  }
  const last = messages.length ? messages[messages.length - 1].ts : 0;
  if (input.until !== undefined && input.until > last) sweepUntil(input.until);

  return runs.map((run) => {
    const conditions = [...run.reports.values()];
    const all = [...run.rule.create, ...(run.rule.clear ? [run.rule.clear] : [])];
    const states = [...run.state.create, ...(run.state.clear ? [run.state.clear] : [])];
    all.forEach((c, i) => {
      const s = states[i];
      const report = run.reports.get(c.severity);
      if (report && c.spec.type === 'duration' && s.matched && s.since !== undefined && s.since + c.holdMs > s.lastTs) {
        report.pending = { since: s.since, firesAt: s.since + c.holdMs };
      }
    });
    return { alarmType: run.rule.rule.alarmType, conditions, timeline: run.timeline, finalAlarm: run.open ? { severity: run.open } : null };
  });
}
