// The alarm-rule editor's model: new pieces, readable text of an expression, reading pasted or
// uploaded rules, and a sample to test them with. The format is the server's (docs/alarms.md).
import type { TFunction } from 'i18next';
import type {
  AlarmRule,
  AlarmSeverity,
  AttributeOperand,
  RuleCompareLeaf,
  RuleCompareOp,
  RuleCondition,
  RuleExpression,
  RuleOperand,
  RuleRangeLeaf,
  RuleRangeOp,
  RuleSpec,
} from '../../lib/api-types.ts';

export type RuleLeaf = RuleCompareLeaf | RuleRangeLeaf;
export type RuleGroup = { op: 'and' | 'or'; conditions: RuleExpression[] };
export type RuleNot = { op: 'not'; condition: RuleExpression };

export const numericOps = ['>', '>=', '<', '<='] as const;
export const equalityOps = ['==', '!='] as const;
export const textOps = ['contains', 'startsWith', 'endsWith'] as const;
export const rangeOps = ['between', 'outside'] as const;
export const leafOps: readonly (RuleCompareOp | RuleRangeOp)[] = [...numericOps, ...equalityOps, ...rangeOps, ...textOps];

export function isGroup(expression: RuleExpression): expression is RuleGroup {
  return expression.op === 'and' || expression.op === 'or';
}

export function isNot(expression: RuleExpression): expression is RuleNot {
  return expression.op === 'not';
}

export function isRange(leaf: RuleLeaf): leaf is RuleRangeLeaf {
  return leaf.op === 'between' || leaf.op === 'outside';
}

export function isAttributeOperand(operand: RuleOperand | undefined): operand is AttributeOperand {
  return typeof operand === 'object' && operand !== null && 'attribute' in operand;
}

/** A fresh comparison: `<key> > 0`. */
export function emptyLeaf(key = ''): RuleCompareLeaf {
  return { op: '>', key, value: 0 };
}

/** A fresh rule with one MAJOR condition, named so it does not clash with the others. */
export function newRule(existing: readonly AlarmRule[]): AlarmRule {
  const taken = new Set(existing.map((rule) => rule.alarmType));
  let n = existing.length + 1;
  while (taken.has(`Alarm ${n}`)) n++;
  return { alarmType: `Alarm ${n}`, createConditions: { MAJOR: { expression: emptyLeaf() } } };
}

/** A fresh condition (for a new severity or the clear condition). */
export function newCondition(key = ''): RuleCondition {
  return { expression: emptyLeaf(key) };
}

/**
 * Changes a leaf's operator, keeping what still fits: a range gets min and max, a text test a text
 * value, a numeric comparison a number.
 */
export function withOperator(leaf: RuleLeaf, op: RuleCompareOp | RuleRangeOp): RuleLeaf {
  const base = { key: leaf.key, ...(leaf.source ? { source: leaf.source } : {}) };
  const current = isRange(leaf) ? leaf.min : leaf.value;
  if (op === 'between' || op === 'outside') {
    const min = isRange(leaf) ? leaf.min : typeof current === 'number' || isAttributeOperand(current) ? (current as number | AttributeOperand) : 0;
    const max = isRange(leaf) ? leaf.max : typeof min === 'number' ? min + 10 : 10;
    return { ...base, op, min, max };
  }
  if ((textOps as readonly string[]).includes(op)) {
    const value = typeof current === 'string' || isAttributeOperand(current) ? current : '';
    return { ...base, op, value, ...(!isRange(leaf) && leaf.ignoreCase ? { ignoreCase: true } : {}) };
  }
  if ((numericOps as readonly string[]).includes(op)) {
    const value = typeof current === 'number' || isAttributeOperand(current) ? current : Number(current) || 0;
    return { ...base, op, value };
  }
  return { ...base, op, value: current ?? 0 };
}

function operandText(operand: RuleOperand | number): string {
  if (isAttributeOperand(operand)) {
    const scope = operand.scope && operand.scope !== 'attribute' ? `${operand.scope}.` : '';
    return `attr(${scope}${operand.attribute}${operand.default !== undefined ? ` ?? ${JSON.stringify(operand.default)}` : ''})`;
  }
  return JSON.stringify(operand);
}

/** An expression as one line: `temperature > 8 AND (door == true OR …)`. */
export function expressionText(expression: RuleExpression): string {
  if (isNot(expression)) return `NOT (${expressionText(expression.condition)})`;
  if (isGroup(expression)) {
    const joined = expression.conditions.map((child) => (isGroup(child) ? `(${expressionText(child)})` : expressionText(child)));
    return joined.join(expression.op === 'and' ? ' AND ' : ' OR ');
  }
  const key = `${expression.source && expression.source !== 'telemetry' ? `${expression.source}.` : ''}${expression.key || '?'}`;
  if (isRange(expression)) return `${key} ${expression.op} ${operandText(expression.min)}..${operandText(expression.max)}`;
  return `${key} ${expression.op} ${operandText(expression.value)}`;
}

/** A condition's spec as text: "for 10 minutes", "5 times within 10 minutes". */
export function specText(spec: RuleSpec | undefined, t: TFunction): string {
  if (!spec || spec.type === 'simple') return t('rules.spec.simpleText');
  if (spec.type === 'duration') return t('rules.spec.durationText', { value: spec.value, unit: t(`rules.unit.${spec.unit}`) });
  if (spec.within) return t('rules.spec.repeatingWithinText', { count: spec.count, value: spec.within.value, unit: t(`rules.unit.${spec.within.unit}`) });
  return t('rules.spec.repeatingText', { count: spec.count });
}

/** Every key the rules read from telemetry (for the sample), in order of appearance. */
export function telemetryKeys(rules: readonly AlarmRule[]): string[] {
  const keys = new Set<string>();
  const walk = (expression: RuleExpression) => {
    if (isNot(expression)) walk(expression.condition);
    else if (isGroup(expression)) expression.conditions.forEach(walk);
    else if (expression.key && (!expression.source || expression.source === 'telemetry')) keys.add(expression.key);
  };
  for (const rule of rules) {
    for (const condition of Object.values(rule.createConditions)) if (condition) walk(condition.expression);
    if (rule.clearCondition) walk(rule.clearCondition.expression);
  }
  return [...keys];
}

/** The first threshold a rule compares `key` with, to build a sample that crosses it. */
function thresholdOf(rules: readonly AlarmRule[], key: string): { value: number | string | boolean; numeric: boolean } | null {
  let found: { value: number | string | boolean; numeric: boolean } | null = null;
  const walk = (expression: RuleExpression) => {
    if (found) return;
    if (isNot(expression)) walk(expression.condition);
    else if (isGroup(expression)) expression.conditions.forEach(walk);
    else if (expression.key === key) {
      if (isRange(expression)) {
        const max = isAttributeOperand(expression.max) ? (expression.max.default as number | undefined) : expression.max;
        if (typeof max === 'number') found = { value: max, numeric: true };
      } else {
        const value = isAttributeOperand(expression.value) ? expression.value.default : expression.value;
        if (value !== undefined) found = { value, numeric: typeof value === 'number' };
      }
    }
  };
  for (const rule of rules) {
    for (const condition of Object.values(rule.createConditions)) if (condition) walk(condition.expression);
  }
  return found;
}

/**
 * A sample that exercises the rules: one message a minute for 20 minutes, each telemetry key
 * below its first threshold for 5 minutes and above it after.
 */
export function sampleTelemetry(rules: readonly AlarmRule[], now = Date.now()): { ts: number; values: Record<string, number | string | boolean> }[] {
  const keys = telemetryKeys(rules);
  const start = Math.floor(now / 60_000) * 60_000 - 20 * 60_000;
  return Array.from({ length: 20 }, (_, minute) => {
    const values: Record<string, number | string | boolean> = {};
    for (const key of keys.length ? keys : ['temperature']) {
      const threshold = thresholdOf(rules, key) ?? { value: 10, numeric: true };
      if (threshold.numeric && typeof threshold.value === 'number') {
        const step = Math.max(1, Math.abs(threshold.value) * 0.2);
        values[key] = Math.round((minute < 5 ? threshold.value - step : threshold.value + step) * 10) / 10;
      } else if (typeof threshold.value === 'boolean') {
        values[key] = minute < 5 ? !threshold.value : threshold.value;
      } else {
        values[key] = minute < 5 ? 'ok' : threshold.value;
      }
    }
    return { ts: start + minute * 60_000, values };
  });
}

/** Reads rules from a pasted or uploaded text: the export document, `{"rules": [...]}`, or a bare list. */
export function readRules(text: string): { ok: true; rules: AlarmRule[] } | { ok: false; error: 'json' | 'shape' } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: 'json' };
  }
  const inner = typeof parsed === 'object' && parsed !== null ? (parsed as { rules?: unknown }).rules : undefined;
  const list = Array.isArray(parsed) ? parsed : Array.isArray(inner) ? inner : null;
  if (!list?.every((rule) => typeof rule === 'object' && rule !== null && 'createConditions' in rule)) return { ok: false, error: 'shape' };
  // the server checks every field on save; the editor only needs the outline to draw them
  return { ok: true, rules: list as AlarmRule[] };
}

/** The severities a rule has a create condition for, highest first. */
export function usedSeverities(rule: AlarmRule, all: readonly AlarmSeverity[]): AlarmSeverity[] {
  return all.filter((severity) => rule.createConditions[severity] !== undefined);
}
