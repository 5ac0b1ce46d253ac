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

// NUL cannot be stored in PostgreSQL text or jsonb; a lone UTF-16 surrogate is not Unicode at all.
const nul = String.fromCharCode(0);
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a text cannot be stored, or undefined when it can. */
export function textProblem(text: string): string | undefined {
  if (text.includes(nul)) return 'contains a NUL character (\\u0000)';
  return loneSurrogate.test(text) ? 'contains an unpaired UTF-16 surrogate (not valid Unicode)' : undefined;
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

const tooManyKeys: BoundsProblem = { code: 'too_many_keys', message: `the event has more than ${eventLimits.keys} keys and array items` };

/**
 * Checks a parsed JSON value for depth, key count and storable text; `budget.keys` accumulates across calls so one
 * event's properties, traits and context share the limit. Answers the problem with its path, or undefined.
 */
export function boundsProblem(value: unknown, path: string, budget: WalkBudget, depth = 1): BoundsProblem | undefined {
  if (typeof value === 'string') {
    const p = textProblem(value);
    return p ? { code: 'unstorable_text', message: `${path} ${p}` } : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > eventLimits.depth) return { code: 'too_deep', message: `${path} is nested more than ${eventLimits.depth} levels deep` };
  if (Array.isArray(value)) {
    budget.keys += value.length;
    if (budget.keys > eventLimits.keys) return tooManyKeys;
    for (let i = 0; i < value.length; i++) {
      const p = boundsProblem(value[i], `${path}[${i}]`, budget, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  for (const key in value) {
    if (++budget.keys > eventLimits.keys) return tooManyKeys;
    const kp = textProblem(key);
    if (kp) return { code: 'unstorable_text', message: `a key in ${path} ${kp}` };
    const p = boundsProblem((value as Record<string, unknown>)[key], `${path}.${key.length > 40 ? `${key.slice(0, 40)}…` : key}`, budget, depth + 1);
    if (p) return p;
  }
  return undefined;
}
