import { z } from 'zod';

/**
 * The alarm-rule format of a device profile (ThingsBoard-like, JSON): one rule per alarm type, create conditions per
 * severity, an optional clear condition. docs/alarms.md shows examples. Evaluation lives in alarm-rule-eval.ts.
 */

/** Severities, highest first: a rule raises the highest one whose create condition fires. */
export const alarmSeverities = ['CRITICAL', 'MAJOR', 'MINOR', 'WARNING', 'INDETERMINATE'] as const;
export type AlarmSeverity = (typeof alarmSeverities)[number];

/** Rank of a severity: higher is more severe (CRITICAL 5 … INDETERMINATE 1). */
export function severityRank(severity: AlarmSeverity): number {
  return alarmSeverities.length - alarmSeverities.indexOf(severity);
}

/** Where a key is read: telemetry, one attribute scope, or `attribute` (server, then shared, then client). */
export const keySources = ['telemetry', 'attribute', 'client', 'server', 'shared'] as const;
export type KeySource = (typeof keySources)[number];

const keyName = z.string().trim().min(1, { error: 'must not be empty' }).max(100, { error: 'must be at most 100 characters' });
const source = z.enum(keySources).optional();
const attributeScope = z.enum(['attribute', 'client', 'server', 'shared']).optional();

/** A threshold read from one of the device's attributes (per-device set points), with a fallback when it is missing. */
const fromAttribute = <T extends z.ZodType>(fallback: T) => z.strictObject({ attribute: keyName, scope: attributeScope, default: fallback.optional() });

const numberOperand = z.union([z.number(), fromAttribute(z.number())], {
  error: 'must be a number or {"attribute": "<key>", "scope"?: …, "default"?: number}',
});
const textOperand = z.union([z.string().max(500), fromAttribute(z.string().max(500))], {
  error: 'must be a string or {"attribute": "<key>", "scope"?: …, "default"?: string}',
});
const anyOperand = z.union([z.number(), z.string().max(500), z.boolean(), fromAttribute(z.union([z.number(), z.string().max(500), z.boolean()]))], {
  error: 'must be a number, a string, a boolean or {"attribute": "<key>", "default"?: …}',
});

/** `temp > 8`: numeric comparison (numeric strings count as numbers). */
const numericLeaf = z.strictObject({ op: z.enum(['>', '>=', '<', '<=']), key: keyName, source, value: numberOperand });
/** `state == "open"`, `door == true`, `mode != 3`: the value's type picks number, string or boolean equality. */
const equalityLeaf = z.strictObject({ op: z.enum(['==', '!=']), key: keyName, source, value: anyOperand, ignoreCase: z.boolean().optional() });
/** `temp between 2 and 8` (inclusive) or `outside` that range. */
const rangeLeaf = z
  .strictObject({ op: z.enum(['between', 'outside']), key: keyName, source, min: numberOperand, max: numberOperand })
  .refine((l) => typeof l.min !== 'number' || typeof l.max !== 'number' || l.min <= l.max, { error: 'min must not exceed max', path: ['max'] });
/** `firmware startsWith "2."`: text tests on string values. */
const textLeaf = z.strictObject({
  op: z.enum(['contains', 'startsWith', 'endsWith']),
  key: keyName,
  source,
  value: textOperand,
  ignoreCase: z.boolean().optional(),
});

export type NumericLeaf = z.infer<typeof numericLeaf>;
export type EqualityLeaf = z.infer<typeof equalityLeaf>;
export type RangeLeaf = z.infer<typeof rangeLeaf>;
export type TextLeaf = z.infer<typeof textLeaf>;
export type Leaf = NumericLeaf | EqualityLeaf | RangeLeaf | TextLeaf;
export type Operand = NumericLeaf['value'] | EqualityLeaf['value'] | TextLeaf['value'];

/** An expression: a comparison of one key, or `and` / `or` / `not` over nested expressions. */
export type Expression = Leaf | { op: 'and'; conditions: Expression[] } | { op: 'or'; conditions: Expression[] } | { op: 'not'; condition: Expression };

/** Whether an expression is a comparison of one key (not and/or/not). */
export function isLeaf(e: Expression): e is Leaf {
  return e.op !== 'and' && e.op !== 'or' && e.op !== 'not';
}

/** Whether a leaf compares against a range (`between`, `outside`). */
export function isRangeLeaf(l: Leaf): l is RangeLeaf {
  return l.op === 'between' || l.op === 'outside';
}

const composite = z.strictObject({
  op: z.enum(['and', 'or']),
  get conditions(): z.ZodArray<z.ZodType<Expression>> {
    return z.array(expression).min(1, { error: 'needs at least one condition' }).max(50, { error: 'at most 50 conditions' });
  },
});
const negation = z.strictObject({
  op: z.literal('not'),
  get condition(): z.ZodType<Expression> {
    return expression;
  },
});
export const expression: z.ZodType<Expression> = z.discriminatedUnion('op', [numericLeaf, equalityLeaf, rangeLeaf, textLeaf, composite, negation]);

export const durationUnits = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;
const timeSpan = z.strictObject({ value: z.number().positive({ error: 'must be above 0' }), unit: z.enum(['seconds', 'minutes', 'hours', 'days']) });
export type TimeSpan = z.infer<typeof timeSpan>;

/** Milliseconds in a time span. */
export function spanMs(span: TimeSpan): number {
  return span.value * durationUnits[span.unit];
}

/** simple: fires when the expression holds; duration: when it has held for the span; repeating: on the n-th matching message. */
export const conditionSpec = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('simple') }),
  z.strictObject({ type: z.literal('duration'), value: timeSpan.shape.value, unit: timeSpan.shape.unit }),
  z.strictObject({
    type: z.literal('repeating'),
    count: z.number().int().min(1).max(10_000),
    /** Count matching messages within this sliding window; without it they must be consecutive. */
    within: timeSpan.optional(),
  }),
]);
export type ConditionSpec = z.infer<typeof conditionSpec>;

/** A condition: an expression and how long or how often it must hold. */
export const alarmCondition = z.strictObject({ expression, spec: conditionSpec.optional() });
export type AlarmCondition = z.infer<typeof alarmCondition>;

const createConditions = z
  .strictObject(Object.fromEntries(alarmSeverities.map((s) => [s, alarmCondition.optional()])) as Record<AlarmSeverity, z.ZodOptional<typeof alarmCondition>>)
  .refine((c) => Object.values(c).some(Boolean), { error: `needs a condition for at least one severity (${alarmSeverities.join(', ')})` });

/** One alarm rule of a profile. */
export const alarmRule = z.strictObject({
  alarmType: z.string().trim().min(1, { error: 'must not be empty' }).max(100, { error: 'must be at most 100 characters' }),
  createConditions,
  clearCondition: alarmCondition.optional(),
  /** The alarm matters beyond the device: it is flagged as propagated to the store in the API and in events. */
  propagate: z.boolean().optional(),
  /** Text kept with the alarm; `${key}` is replaced by the value that fired it. */
  details: z.string().max(500).optional(),
});
export type AlarmRule = z.infer<typeof alarmRule>;

/** The maximum nesting of and/or/not, so a pasted rule cannot make evaluation deep. */
export const maxExpressionDepth = 8;

function depthOf(e: Expression): number {
  if (isLeaf(e)) return 1;
  if (e.op === 'not') return 1 + depthOf(e.condition);
  return 1 + Math.max(...e.conditions.map(depthOf));
}

/** A profile's rules: the list itself, as stored in `device_profiles.alarm_rules`. */
export const alarmRuleList = z
  .array(alarmRule)
  .max(50, { error: 'at most 50 rules per profile' })
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, i) => {
      if (seen.has(rule.alarmType)) ctx.addIssue({ code: 'custom', path: [i, 'alarmType'], message: `alarm type "${rule.alarmType}" appears twice` });
      seen.add(rule.alarmType);
      const conditions = [...alarmSeverities.map((s) => [s, rule.createConditions[s]] as const), ['clearCondition', rule.clearCondition] as const];
      for (const [name, c] of conditions) {
        if (c && depthOf(c.expression) > maxExpressionDepth) {
          const path = name === 'clearCondition' ? [i, name, 'expression'] : [i, 'createConditions', name, 'expression'];
          ctx.addIssue({ code: 'custom', path, message: `nests deeper than ${maxExpressionDepth} levels` });
        }
      }
    });
  });

/** The import/export document: `{"format": "storeos.alarm-rules/v1", "rules": [...]}` (export adds the profile). */
export const alarmRulesDocument = z.strictObject({
  format: z.literal('storeos.alarm-rules/v1').optional(),
  profile: z.object({ id: z.string(), name: z.string() }).loose().optional(),
  exportedAt: z.string().optional(),
  rules: alarmRuleList,
});
export type AlarmRulesDocument = z.infer<typeof alarmRulesDocument>;

/** One problem of a rule list: where (`rules.0.createConditions.MAJOR.expression.value`) and what. */
export interface RuleIssue {
  path: string;
  message: string;
}

/** Validates stored or pasted rules; answers the rules or the issues with their paths (prefixed by `prefix`). */
export function parseAlarmRules(input: unknown, prefix = 'rules'): { ok: true; rules: AlarmRule[] } | { ok: false; issues: RuleIssue[] } {
  const parsed = alarmRuleList.safeParse(input);
  if (parsed.success) return { ok: true, rules: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].join('.'), message: i.message })) };
}

/** The spec of a condition, `simple` when none is given. */
export function specOf(condition: AlarmCondition): ConditionSpec {
  return condition.spec ?? { type: 'simple' };
}
