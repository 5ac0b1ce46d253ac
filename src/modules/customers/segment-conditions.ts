import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';

/**
 * The segment definition language (docs/customers.md, "Segments") and the property filters that event conditions
 * and computed traits share, each with its SQL and its in-memory form (kept side by side so they agree).
 */

const propertyPath = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, { error: 'a property name, or a dotted path such as product.category' });
const scalar = z.union([z.string().max(500), z.number(), z.boolean()]);
const valueOps = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'in', 'exists', 'not_exists'] as const;
export type ValueOp = (typeof valueOps)[number];

/** A test of one value: `{op: 'gte', value: 100}`, `{op: 'in', value: ['fridge', 'tv']}`, `{op: 'exists'}`. */
const valueTest = {
  op: z.enum(valueOps),
  value: z.union([scalar, z.array(z.union([z.string().max(200), z.number()])).max(200)]).optional(),
};

function checkValue(t: { op: ValueOp; value?: unknown }, ctx: z.RefinementCtx) {
  if (t.op === 'exists' || t.op === 'not_exists') return;
  if (t.value === undefined) ctx.addIssue({ code: 'custom', message: `op ${t.op} needs a value`, path: ['value'] });
  else if (t.op === 'in' && !Array.isArray(t.value)) ctx.addIssue({ code: 'custom', message: 'op in needs a list of values', path: ['value'] });
  else if (t.op !== 'in' && Array.isArray(t.value)) ctx.addIssue({ code: 'custom', message: `op ${t.op} needs one value, not a list`, path: ['value'] });
  else if (['gt', 'gte', 'lt', 'lte'].includes(t.op) && typeof t.value !== 'number')
    ctx.addIssue({ code: 'custom', message: `op ${t.op} needs a number`, path: ['value'] });
  else if (t.op === 'contains' && typeof t.value !== 'string') ctx.addIssue({ code: 'custom', message: 'op contains needs a text', path: ['value'] });
}

/** A filter on an event property: `{property: 'category', op: 'eq', value: 'fridge'}`. */
export const propertyFilter = z.strictObject({ property: propertyPath, ...valueTest }).superRefine(checkValue);
export type PropertyFilter = z.infer<typeof propertyFilter>;

const eventName = z.string().min(1).max(200);
const days = z.number().int().min(1).max(3650);
const countTest = z.strictObject({ op: z.enum(['gte', 'gt', 'eq', 'lte', 'lt']), value: z.number().int().min(0).max(1_000_000) });
/** What an `rfm` condition can read: the scores, their raw measures and lifetime value. */
export const rfmMetrics = ['r', 'f', 'm', 'recency_days', 'frequency', 'monetary', 'lifetime_value', 'lifetime_orders'] as const;

/** One node of a segment definition. */
export type Condition =
  | { type: 'and'; conditions: Condition[] }
  | { type: 'or'; conditions: Condition[] }
  | { type: 'not'; condition: Condition }
  | { type: 'trait'; trait: string; op: ValueOp; value?: unknown }
  | { type: 'computed_trait'; key: string; op: ValueOp; value?: unknown }
  | { type: 'rfm'; metric: (typeof rfmMetrics)[number]; op: 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte'; value: number }
  | { type: 'event'; event: string; where?: PropertyFilter[]; count?: z.infer<typeof countTest>; withinDays?: number; notWithinDays?: number }
  | { type: 'store'; orgUnitId: string; activity: 'visited' | 'purchased'; withinDays?: number }
  | { type: 'consent'; purpose: string; channel?: string; granted: boolean }
  | { type: 'segment'; segmentId: string; member?: boolean };

const leaf = [
  z.strictObject({ type: z.literal('trait'), trait: propertyPath, ...valueTest }).superRefine(checkValue),
  z.strictObject({ type: z.literal('computed_trait'), key: z.string().min(1).max(60), ...valueTest }).superRefine(checkValue),
  z.strictObject({ type: z.literal('rfm'), metric: z.enum(rfmMetrics), op: z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte']), value: z.number() }),
  z
    .strictObject({
      type: z.literal('event'),
      event: eventName,
      where: z.array(propertyFilter).max(10).optional(),
      count: countTest.optional(),
      withinDays: days.optional(),
      notWithinDays: days.optional(),
    })
    .refine((c) => !(c.withinDays && c.notWithinDays), { error: 'use withinDays or notWithinDays, not both' }),
  z.strictObject({ type: z.literal('store'), orgUnitId: z.string().min(1).max(64), activity: z.enum(['visited', 'purchased']), withinDays: days.optional() }),
  z.strictObject({ type: z.literal('consent'), purpose: z.string().min(1).max(60), channel: z.string().min(1).max(60).optional(), granted: z.boolean() }),
  z.strictObject({ type: z.literal('segment'), segmentId: z.string().min(1).max(64), member: z.boolean().optional() }),
];

/** A segment definition: conditions nested with and/or/not, at most 8 levels deep. */
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ type: z.literal('and'), conditions: z.array(conditionSchema).min(1).max(30) }),
    z.strictObject({ type: z.literal('or'), conditions: z.array(conditionSchema).min(1).max(30) }),
    z.strictObject({ type: z.literal('not'), condition: conditionSchema }),
    ...leaf,
  ]),
) as z.ZodType<Condition>;

/** Checks a definition's size: depth and number of conditions, so one cannot cost the database unbounded work. */
export function definitionProblems(c: Condition, depth = 1, budget = { left: 60 }): string[] {
  if (depth > 8) return ['conditions are nested more than 8 levels deep'];
  if (--budget.left < 0) return ['a definition has at most 60 conditions'];
  if (c.type === 'and' || c.type === 'or') return c.conditions.flatMap((x) => definitionProblems(x, depth + 1, budget));
  if (c.type === 'not') return definitionProblems(c.condition, depth + 1, budget);
  return [];
}

/** The segments a definition refers to. */
export function referencedSegments(c: Condition): string[] {
  if (c.type === 'and' || c.type === 'or') return c.conditions.flatMap(referencedSegments);
  if (c.type === 'not') return referencedSegments(c.condition);
  return c.type === 'segment' ? [c.segmentId] : [];
}

/** A JSON value as a number when it is one (or a numeric text), else undefined. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

/** The value at a dotted path inside an object. */
export function valueAt(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Whether a value passes a test, in memory (the same meaning as `valueTestSql`). */
export function passes(v: unknown, op: ValueOp, expected: unknown): boolean {
  const present = v !== undefined && v !== null;
  const equal = (x: unknown) => present && (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') && v === x;
  switch (op) {
    case 'exists':
      return present;
    case 'not_exists':
      return !present;
    case 'eq':
      return equal(expected);
    case 'neq':
      return !equal(expected);
    case 'in':
      return Array.isArray(expected) && expected.some(equal);
    case 'contains':
      return typeof v === 'string' && typeof expected === 'string' && v.toLowerCase().includes(expected.toLowerCase());
    default: {
      const n = toNumber(v);
      const x = Number(expected);
      if (n === undefined) return false;
      return op === 'gt' ? n > x : op === 'gte' ? n >= x : op === 'lt' ? n < x : n <= x;
    }
  }
}

/** Whether an event's properties pass every filter, in memory. */
export function matchesFilters(properties: Record<string, unknown>, filters: PropertyFilter[] | undefined): boolean {
  return (filters ?? []).every((f) => passes(valueAt(properties, f.property), f.op, f.value));
}

/** A jsonb value as float8 when it is a number or a numeric text, else NULL. */
export function numericSql(j: SQL): SQL {
  return sql`(CASE WHEN jsonb_typeof(${j}) = 'number' THEN (${j} #>> '{}')::float8
    WHEN jsonb_typeof(${j}) = 'string' AND (${j} #>> '{}') ~ '^\\s*-?[0-9]+(\\.[0-9]+)?\\s*$' THEN (${j} #>> '{}')::float8 END)`;
}

/** The jsonb at a dotted path of a jsonb column. */
export function pathSql(column: SQL, path: string): SQL {
  return sql`(${column} #> ${sql.param(path.split('.'))}::text[])`;
}

/** A value test in SQL over a jsonb expression (the same meaning as `passes`). */
export function valueTestSql(j: SQL, op: ValueOp, expected: unknown): SQL {
  const present = sql`(${j} IS NOT NULL AND ${j} <> 'null'::jsonb)`;
  const scalarEq = (x: unknown) => sql`(jsonb_typeof(${j}) IN ('number', 'string', 'boolean') AND ${j} = ${JSON.stringify(x)}::jsonb)`;
  switch (op) {
    case 'exists':
      return present;
    case 'not_exists':
      return sql`NOT ${present}`;
    case 'eq':
      return sql`coalesce(${scalarEq(expected)}, false)`;
    case 'neq':
      return sql`NOT coalesce(${scalarEq(expected)}, false)`;
    case 'in':
      return sql`coalesce(jsonb_typeof(${j}) IN ('number', 'string', 'boolean') AND ${j} = ANY(${sql.param((expected as unknown[]).map((x) => JSON.stringify(x)))}::jsonb[]), false)`;
    case 'contains':
      return sql`coalesce(jsonb_typeof(${j}) = 'string' AND strpos(lower(${j} #>> '{}'), lower(${String(expected)})) > 0, false)`;
    default: {
      const cmp = { gt: sql`>`, gte: sql`>=`, lt: sql`<`, lte: sql`<=` }[op];
      return sql`coalesce(${numericSql(j)} ${cmp} ${Number(expected)}, false)`;
    }
  }
}

/** Event property filters in SQL over `e.properties`. */
export function filtersSql(filters: PropertyFilter[] | undefined): SQL {
  const parts = (filters ?? []).map((f) => valueTestSql(pathSql(sql`e.properties`, f.property), f.op, f.value));
  return parts.length === 0 ? sql`true` : sql.join(parts, sql` AND `);
}
