/**
 * Bounds on what one event may carry, so a deeply nested or huge object is refused with a clear reason instead of
 * costing the server or the database: depth, number of keys, and text PostgreSQL can store.
 */

/** Segment's limits and ours (docs/collection.md, "Limits"). */
export const eventLimits = {
  /** Segment: 32 KB per event. */
  eventBytes: 32 * 1024,
  /** Segment: 500 KB per batch request. */
  batchBytes: 500 * 1024,
  /** Nesting levels inside properties, traits or context (`{"a":{"b":1}}` is 2). */
  depth: 16,
  /** Object keys plus array items across one event's properties, traits and context. */
  keys: 1000,
  /** Longest userId, anonymousId, previousId or groupId. */
  idLength: 255,
  /** Longest messageId (Segment's limit). */
  messageIdLength: 100,
  /** Longest track event or page/screen name. */
  nameLength: 200,
} as const;

// NUL cannot be stored in PostgreSQL text or jsonb; a lone UTF-16 surrogate is not Unicode at all. Most text has
// neither: a cheap scan for NUL and any surrogate comes first, the exact (slower) check only when one is there.
const nul = String.fromCharCode(0);
const anySurrogate = /[\ud800-\udfff]/;
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a text cannot be stored, or undefined when it can. */
export function textProblem(text: string): string | undefined {
  if (text.includes(nul)) return 'contains a NUL character (\\u0000)';
  return anySurrogate.test(text) && loneSurrogate.test(text) ? 'contains an unpaired UTF-16 surrogate (not valid Unicode)' : undefined;
}

/** Keys counted so far while walking one event. */
export interface WalkBudget {
  keys: number;
}

/** Why an event's content is refused: a code for metrics and a message for people. */
export interface BoundsProblem {
  code: 'too_deep' | 'too_many_keys' | 'unstorable_text';
  message: string;
}

type Found = { code: BoundsProblem['code']; what: string; path: string[] };

const keyText = (key: string) => (key.length > 40 ? `${key.slice(0, 40)}…` : key);

/** Walks a value; the path of a problem is collected on the way back up, so a clean walk builds no strings. */
function walk(value: unknown, budget: WalkBudget, depth: number): Found | undefined {
  if (typeof value === 'string') {
    const p = textProblem(value);
    return p ? { code: 'unstorable_text', what: p, path: [] } : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > eventLimits.depth) return { code: 'too_deep', what: `is nested more than ${eventLimits.depth} levels deep`, path: [] };
  if (Array.isArray(value)) {
    budget.keys += value.length;
    if (budget.keys > eventLimits.keys) return { code: 'too_many_keys', what: '', path: [] };
    for (let i = 0; i < value.length; i++) {
      const f = walk(value[i], budget, depth + 1);
      if (f) {
        f.path.push(`[${i}]`);
        return f;
      }
    }
    return undefined;
  }
  for (const key in value) {
    if (++budget.keys > eventLimits.keys) return { code: 'too_many_keys', what: '', path: [] };
    const kp = textProblem(key);
    if (kp) return { code: 'unstorable_text', what: `has a key that ${kp}`, path: [] };
    const f = walk((value as Record<string, unknown>)[key], budget, depth + 1);
    if (f) {
      f.path.push(`.${keyText(key)}`);
      return f;
    }
  }
  return undefined;
}

/**
 * Checks a parsed JSON value for depth, key count and storable text; `budget.keys` accumulates across calls so one
 * event's properties, traits and context share the limit. Answers the problem with its path, or undefined.
 */
export function boundsProblem(value: unknown, path: string, budget: WalkBudget): BoundsProblem | undefined {
  const f = walk(value, budget, 1);
  if (!f) return undefined;
  if (f.code === 'too_many_keys') return { code: f.code, message: `the event has more than ${eventLimits.keys} keys and array items` };
  return { code: f.code, message: `${path}${f.path.reverse().join('')} ${f.what}` };
}
