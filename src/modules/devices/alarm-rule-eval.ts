import type { DataPoint } from './contract.ts';
import {
  type EqualityLeaf,
  type Expression,
  isLeaf,
  isRangeLeaf,
  type KeySource,
  type Leaf,
  type Operand,
  type RangeLeaf,
  type TextLeaf,
} from './alarm-rules.ts';

/**
 * Evaluation of rule expressions. `compileExpression` turns an expression into a closure for the engine's hot path;
 * `explainExpression` walks the same expression for the test endpoint. Both use the leaf semantics below, so the
 * explanation never disagrees with what the engine does. A missing or mistyped value makes a comparison false.
 */

export type Value = DataPoint['value'];

/** What a rule reads: the device's latest telemetry values and its attributes per scope. */
export interface Facts {
  telemetry: Map<string, Value>;
  client: Map<string, Value>;
  server: Map<string, Value>;
  shared: Map<string, Value>;
}

/** Empty facts. */
export function emptyFacts(): Facts {
  return { telemetry: new Map(), client: new Map(), server: new Map(), shared: new Map() };
}

type Reader = (f: Facts) => Value | undefined;

function reader(source: KeySource, key: string): Reader {
  switch (source) {
    case 'telemetry':
      return (f) => f.telemetry.get(key);
    case 'client':
      return (f) => f.client.get(key);
    case 'server':
      return (f) => f.server.get(key);
    case 'shared':
      return (f) => f.shared.get(key);
    case 'attribute':
      // Server attributes are set by people and integrations, so they win over what the device reports.
      return (f) => f.server.get(key) ?? f.shared.get(key) ?? f.client.get(key);
  }
}

/** A value as a number: numbers and numeric strings; anything else is no number. */
export function asNumber(v: Value | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A value as a boolean: booleans, "true"/"false", 1/0. */
export function asBoolean(v: Value | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 1) return true;
  if (v === 'false' || v === 0) return false;
  return undefined;
}

/** A scalar value as text (JSON objects and arrays are no text). */
export function asText(v: Value | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

type Literal = number | string | boolean;

function operandReader(operand: Operand): (f: Facts) => Value | undefined {
  if (typeof operand !== 'object') return () => operand;
  const read = reader(operand.scope ?? 'attribute', operand.attribute);
  const fallback = operand.default;
  return (f) => read(f) ?? fallback;
}

/** The type an equality compares in: the literal's type, or the fallback's for an attribute operand (number when none). */
function equalityKind(value: EqualityLeaf['value']): 'number' | 'string' | 'boolean' {
  const sample: Literal | undefined = typeof value === 'object' ? value.default : value;
  if (typeof sample === 'string') return 'string';
  if (typeof sample === 'boolean') return 'boolean';
  return 'number';
}

function textEquals(a: string, b: string, ignoreCase: boolean): boolean {
  return ignoreCase ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** The test of one leaf, given the actual value and the resolved operands: the single source of leaf semantics. */
function leafTest(leaf: Leaf): (actual: Value | undefined, a: Value | undefined, b: Value | undefined) => boolean {
  switch (leaf.op) {
    case '>':
      return (x, y) => num2(x, y, (p, q) => p > q);
    case '>=':
      return (x, y) => num2(x, y, (p, q) => p >= q);
    case '<':
      return (x, y) => num2(x, y, (p, q) => p < q);
    case '<=':
      return (x, y) => num2(x, y, (p, q) => p <= q);
    case '==':
    case '!=':
      return equalityTest(leaf);
    case 'between':
    case 'outside':
      return rangeTest(leaf);
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return textTest(leaf);
  }
}

function num2(x: Value | undefined, y: Value | undefined, cmp: (p: number, q: number) => boolean): boolean {
  const p = asNumber(x);
  const q = asNumber(y);
  return p !== undefined && q !== undefined && cmp(p, q);
}

function equalityTest(leaf: EqualityLeaf): (x: Value | undefined, y: Value | undefined) => boolean {
  const negate = leaf.op === '!=';
  const kind = equalityKind(leaf.value);
  const ignoreCase = leaf.ignoreCase === true;
  const same =
    kind === 'number'
      ? (x: Value | undefined, y: Value | undefined) => {
          const p = asNumber(x);
          const q = asNumber(y);
          return p === undefined || q === undefined ? undefined : p === q;
        }
      : kind === 'boolean'
        ? (x: Value | undefined, y: Value | undefined) => {
            const p = asBoolean(x);
            const q = asBoolean(y);
            return p === undefined || q === undefined ? undefined : p === q;
          }
        : (x: Value | undefined, y: Value | undefined) => {
            const p = asText(x);
            const q = asText(y);
            return p === undefined || q === undefined ? undefined : textEquals(p, q, ignoreCase);
          };
  // A value that is missing or of another type is neither equal nor unequal: both tests are false.
  return (x, y) => {
    const r = same(x, y);
    return r === undefined ? false : negate ? !r : r;
  };
}

function rangeTest(leaf: RangeLeaf): (x: Value | undefined, lo: Value | undefined, hi: Value | undefined) => boolean {
  const inside = leaf.op === 'between';
  return (x, lo, hi) => {
    const v = asNumber(x);
    const a = asNumber(lo);
    const b = asNumber(hi);
    if (v === undefined || a === undefined || b === undefined) return false;
    const within = v >= a && v <= b;
    return inside ? within : !within;
  };
}

function textTest(leaf: TextLeaf): (x: Value | undefined, y: Value | undefined) => boolean {
  const fold = leaf.ignoreCase === true ? (s: string) => s.toLowerCase() : (s: string) => s;
  const test =
    leaf.op === 'contains'
      ? (s: string, t: string) => s.includes(t)
      : leaf.op === 'startsWith'
        ? (s: string, t: string) => s.startsWith(t)
        : (s: string, t: string) => s.endsWith(t);
  return (x, y) => {
    const s = asText(x);
    const t = asText(y);
    return s !== undefined && t !== undefined && test(fold(s), fold(t));
  };
}

function operandsOf(leaf: Leaf): Operand[] {
  return isRangeLeaf(leaf) ? [leaf.min, leaf.max] : [leaf.value];
}

/** A compiled expression: true when it holds for the facts. */
export type Predicate = (f: Facts) => boolean;

/** Compiles an expression into a closure: no parsing, lookups or allocation per evaluation. */
export function compileExpression(e: Expression): Predicate {
  if (isLeaf(e)) return compileLeaf(e);
  if (e.op === 'and') {
    const parts = e.conditions.map(compileExpression);
    if (parts.length === 2) {
      const [a, b] = parts;
      return (f) => a(f) && b(f);
    }
    return (f) => parts.every((p) => p(f));
  }
  if (e.op === 'or') {
    const parts = e.conditions.map(compileExpression);
    return (f) => parts.some((p) => p(f));
  }
  const inner = compileExpression(e.condition);
  return (f) => !inner(f);
}

function compileLeaf(e: Leaf): Predicate {
  const read = reader(e.source ?? 'telemetry', e.key);
  const test = leafTest(e);
  const [first, second] = operandsOf(e);
  // Literal operands are hoisted out of the closure: the common case costs one Map lookup and one comparison.
  if (second === undefined) {
    if (typeof first !== 'object') return (f) => test(read(f), first, undefined);
    const a = operandReader(first);
    return (f) => test(read(f), a(f), undefined);
  }
  const a = operandReader(first);
  const b = operandReader(second);
  return (f) => test(read(f), a(f), b(f));
}

/** One node of an explanation: what was tested, with the actual values, and whether it held. */
export interface ExplainNode {
  text: string;
  result: boolean;
  key?: string;
  source?: KeySource;
  actual?: Value | null;
  expected?: Value | null;
  min?: Value | null;
  max?: Value | null;
  children?: ExplainNode[];
}

function operandText(o: Operand): string {
  if (typeof o !== 'object') return JSON.stringify(o);
  return `${o.scope ?? 'attribute'}.${o.attribute}${o.default === undefined ? '' : ` (default ${JSON.stringify(o.default)})`}`;
}

/** The expression as a person reads it: `temp > 8 and (door == true or door == "open")`. */
export function expressionText(e: Expression): string {
  if (isLeaf(e)) {
    const key = (e.source ?? 'telemetry') === 'telemetry' ? e.key : `${e.source}.${e.key}`;
    if (isRangeLeaf(e)) return `${key} ${e.op} ${operandText(e.min)} and ${operandText(e.max)}`;
    return `${key} ${e.op} ${operandText(e.value)}${'ignoreCase' in e && e.ignoreCase ? ' (ignoring case)' : ''}`;
  }
  if (e.op === 'not') return `not (${expressionText(e.condition)})`;
  return e.conditions.map((c) => (c.op === 'and' || c.op === 'or' ? `(${expressionText(c)})` : expressionText(c))).join(` ${e.op} `);
}

/** Evaluates an expression node by node, keeping each part's result and the values it saw. */
export function explainExpression(e: Expression, f: Facts): ExplainNode {
  if (!isLeaf(e)) {
    if (e.op === 'not') {
      const child = explainExpression(e.condition, f);
      return { text: expressionText(e), result: !child.result, children: [child] };
    }
    const children = e.conditions.map((c) => explainExpression(c, f));
    const result = e.op === 'and' ? children.every((c) => c.result) : children.some((c) => c.result);
    return { text: expressionText(e), result, children };
  }
  const source = e.source ?? 'telemetry';
  const actual = reader(source, e.key)(f);
  const [first, second] = operandsOf(e).map((o) => operandReader(o)(f));
  const result = leafTest(e)(actual, first, second);
  const node: ExplainNode = { text: expressionText(e), result, key: e.key, source, actual: actual ?? null };
  if (isRangeLeaf(e)) return { ...node, min: first ?? null, max: second ?? null };
  return { ...node, expected: first ?? null };
}

/** The keys an expression reads, by source (operands read from attributes included). */
export function keysRead(e: Expression, out: { telemetry: Set<string>; attributes: Set<string> } = { telemetry: new Set(), attributes: new Set() }) {
  if (!isLeaf(e)) {
    if (e.op === 'not') return keysRead(e.condition, out);
    for (const c of e.conditions) keysRead(c, out);
    return out;
  }
  if ((e.source ?? 'telemetry') === 'telemetry') out.telemetry.add(e.key);
  else out.attributes.add(e.key);
  for (const o of operandsOf(e)) if (typeof o === 'object') out.attributes.add(o.attribute);
  return out;
}
