import { compileExpression, type Facts, keysRead, type Predicate } from './alarm-rule-eval.ts';
import { type AlarmCondition, type AlarmRule, type AlarmSeverity, alarmSeverities, type ConditionSpec, severityRank, spanMs, specOf } from './alarm-rules.ts';

/**
 * A profile's rules compiled for evaluation, and the step function that moves one rule's per-device state along
 * (duration start times, repeat counters). The engine and the test endpoint both run `stepRule`, so a dry run with
 * sample telemetry decides exactly as the engine would.
 */

/** One condition ready to evaluate. */
export interface CompiledCondition {
  /** The severity it raises, or `clear`. */
  severity: AlarmSeverity | 'clear';
  condition: AlarmCondition;
  spec: ConditionSpec;
  test: Predicate;
  /** For duration specs: how long the expression must hold, in ms. */
  holdMs: number;
  /** For repeating specs with a window: the window in ms (0: consecutive messages). */
  windowMs: number;
}

/** One rule ready to evaluate. */
export interface CompiledRule {
  index: number;
  rule: AlarmRule;
  /** Create conditions, highest severity first. */
  create: CompiledCondition[];
  clear: CompiledCondition | undefined;
  telemetryKeys: ReadonlySet<string>;
  attributeKeys: ReadonlySet<string>;
  hasDuration: boolean;
}

/** A profile's rules ready to evaluate, indexed by the keys that trigger them. */
export interface CompiledRules {
  rules: CompiledRule[];
  /** Telemetry key → indexes of the rules that read it: a batch evaluates only the rules its keys touch. */
  byTelemetryKey: Map<string, number[]>;
  /** Attribute key → indexes of the rules that read it. */
  byAttributeKey: Map<string, number[]>;
}

function compileCondition(severity: AlarmSeverity | 'clear', condition: AlarmCondition): CompiledCondition {
  const spec = specOf(condition);
  return {
    severity,
    condition,
    spec,
    test: compileExpression(condition.expression),
    holdMs: spec.type === 'duration' ? spanMs(spec) : 0,
    windowMs: spec.type === 'repeating' && spec.within ? spanMs(spec.within) : 0,
  };
}

function index(map: Map<string, number[]>, keys: Iterable<string>, i: number) {
  for (const k of keys) {
    const list = map.get(k);
    if (list) list.push(i);
    else map.set(k, [i]);
  }
}

/** Compiles validated rules into closures and key indexes. */
export function compileRules(rules: AlarmRule[]): CompiledRules {
  const byTelemetryKey = new Map<string, number[]>();
  const byAttributeKey = new Map<string, number[]>();
  const compiled = rules.map((rule, i): CompiledRule => {
    const create = alarmSeverities.flatMap((s) => {
      const c = rule.createConditions[s];
      return c ? [compileCondition(s, c)] : [];
    });
    const clear = rule.clearCondition ? compileCondition('clear', rule.clearCondition) : undefined;
    const keys = { telemetry: new Set<string>(), attributes: new Set<string>() };
    for (const c of [...create, ...(clear ? [clear] : [])]) keysRead(c.condition.expression, keys);
    index(byTelemetryKey, keys.telemetry, i);
    index(byAttributeKey, keys.attributes, i);
    const hasDuration = [...create, ...(clear ? [clear] : [])].some((c) => c.spec.type === 'duration');
    return { index: i, rule, create, clear, telemetryKeys: keys.telemetry, attributeKeys: keys.attributes, hasDuration };
  });
  return { rules: compiled, byTelemetryKey, byAttributeKey };
}

/** Where one condition stands for one device. */
export interface ConditionState {
  /** Whether the expression held at the last evaluation, and when that was. */
  matched: boolean;
  lastTs: number;
  /** Duration specs: since when the expression has held (ms). */
  since: number | undefined;
  /** Repeating specs without a window: consecutive matching messages. */
  count: number;
  /** Repeating specs with a window: times of the matching messages inside it. */
  hits: number[];
}

/** Where one rule stands for one device: a state per create condition (same order) and for the clear condition. */
export interface RuleState {
  create: ConditionState[];
  clear: ConditionState | undefined;
}

function freshCondition(): ConditionState {
  return { matched: false, lastTs: 0, since: undefined, count: 0, hits: [] };
}

/** A new state for a rule: nothing held yet, nothing counted. */
export function newRuleState(rule: CompiledRule): RuleState {
  return { create: rule.create.map(freshCondition), clear: rule.clear ? freshCondition() : undefined };
}

/** Progress of a condition after a step, for explanations: how long it has held, how many times it matched. */
export interface StepProgress {
  fires: boolean;
  heldMs?: number;
  firesAt?: number;
  count?: number;
}

const firing: StepProgress = Object.freeze({ fires: true });
const quiet: StepProgress = Object.freeze({ fires: false });

/**
 * Moves one condition along. `fresh` is false for a sweep (no new data): a repeating spec then counts nothing,
 * while a duration spec checks whether the time has come.
 */
export function stepCondition(c: CompiledCondition, st: ConditionState, matched: boolean, ts: number, fresh: boolean): StepProgress {
  st.matched = matched;
  st.lastTs = ts;
  const spec = c.spec;
  // The usual rule, made once: no object per message.
  if (spec.type === 'simple') return matched ? firing : quiet;
  if (spec.type === 'duration') {
    if (!matched) {
      st.since = undefined;
      return { fires: false };
    }
    if (st.since === undefined || st.since > ts) st.since = ts;
    const heldMs = ts - st.since;
    return { fires: heldMs >= c.holdMs, heldMs, firesAt: st.since + c.holdMs };
  }
  if (c.windowMs === 0) {
    if (fresh) st.count = matched ? st.count + 1 : 0;
    return { fires: matched && st.count >= spec.count, count: st.count };
  }
  if (fresh && matched) st.hits.push(ts);
  const from = ts - c.windowMs;
  let drop = 0;
  while (drop < st.hits.length && st.hits[drop] <= from) drop++;
  if (drop > 0) st.hits.splice(0, drop);
  return { fires: st.hits.length >= spec.count, count: st.hits.length };
}

/** What a rule decided at one evaluation. */
export type RuleDecision = { kind: 'fire'; severity: AlarmSeverity } | { kind: 'clear' } | { kind: 'none' };

const none: RuleDecision = { kind: 'none' };

/**
 * Evaluates a rule for a device at `ts`: every condition is stepped (so durations and counters stay right), the highest
 * firing severity wins, and only when none fires may the clear condition clear an open alarm.
 */
export function stepRule(
  rule: CompiledRule,
  st: RuleState,
  facts: Facts,
  ts: number,
  fresh: boolean,
  alarmOpen: boolean,
  observe?: (condition: CompiledCondition, matched: boolean, progress: StepProgress) => void,
): RuleDecision {
  let fired: AlarmSeverity | undefined;
  for (let i = 0; i < rule.create.length; i++) {
    const c = rule.create[i];
    const matched = c.test(facts);
    const progress = stepCondition(c, st.create[i], matched, ts, fresh);
    observe?.(c, matched, progress);
    if (progress.fires && fired === undefined) fired = c.severity as AlarmSeverity;
  }
  let clears = false;
  if (rule.clear && st.clear) {
    const matched = rule.clear.test(facts);
    const progress = stepCondition(rule.clear, st.clear, matched, ts, fresh);
    observe?.(rule.clear, matched, progress);
    clears = progress.fires;
  }
  if (fired !== undefined) return { kind: 'fire', severity: fired };
  if (clears && alarmOpen) return { kind: 'clear' };
  return none;
}

/** The earliest time a duration condition of the rule that holds now would fire without new data; undefined when none waits. */
export function nextDeadline(rule: CompiledRule, st: RuleState): number | undefined {
  if (!rule.hasDuration) return undefined;
  let next: number | undefined;
  for (let i = 0; i < rule.create.length; i++) next = earlier(next, dueAt(rule.create[i], st.create[i]));
  if (rule.clear && st.clear) next = earlier(next, dueAt(rule.clear, st.clear));
  return next;
}

// Plain functions, not closures made per call: this runs for every evaluation of a duration rule.
function dueAt(c: CompiledCondition, s: ConditionState): number | undefined {
  if (c.spec.type !== 'duration' || !s.matched || s.since === undefined) return undefined;
  const at = s.since + c.holdMs;
  return at <= s.lastTs ? undefined : at; // fired at its last evaluation already
}

function earlier(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined || a <= b ? a : b;
}

/** How an alarm changes on a decision, given the severity of the open alarm of the rule's type (undefined when none is open). */
export type AlarmChange = 'created' | 'severity_changed' | 'cleared' | undefined;

/** The change a decision makes: a fire creates or raises (never lowers), a clear clears an open alarm; the rest changes nothing. */
export function alarmChangeOf(open: AlarmSeverity | undefined, decision: RuleDecision): AlarmChange {
  if (decision.kind === 'fire') {
    if (open === undefined) return 'created';
    return isHigher(decision.severity, open) ? 'severity_changed' : undefined;
  }
  if (decision.kind === 'clear' && open !== undefined) return 'cleared';
  return undefined;
}

/** Forgets what a rule counted and timed: after an alarm clears, conditions start afresh. */
export function resetRuleState(st: RuleState): void {
  for (const s of st.create) Object.assign(s, freshCondition());
  if (st.clear) Object.assign(st.clear, freshCondition());
}

/** Whether `severity` is above `than`. */
export function isHigher(severity: AlarmSeverity, than: AlarmSeverity): boolean {
  return severityRank(severity) > severityRank(than);
}
