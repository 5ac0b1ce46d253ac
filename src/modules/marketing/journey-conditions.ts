// The questions journeys ask: does an event match a trigger's property conditions, and — for a branch — what is a
// person's trait or computed trait, are they in a segment, did they do an event since they entered.
import { sql } from 'drizzle-orm';
import type { Executor } from '../../kernel/db.ts';
import type { JourneyCondition, PropertyCondition } from './journey-definition.ts';

/** The value at a dotted path (`product.category`) of an object, or undefined. */
function valueAt(obj: Record<string, unknown>, path: string): unknown {
  if (path in obj) return obj[path];
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const asNumber = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN);

/** Whether a value passes a test: `eq`/`neq` compare as text (so "3" equals 3), the order tests as numbers. */
export function passes(value: unknown, op: PropertyCondition['op'], want: PropertyCondition['value']): boolean {
  const present = value !== undefined && value !== null;
  switch (op) {
    case 'exists':
      return present;
    case 'not_exists':
      return !present;
    case 'eq':
      return present ? String(value).toLowerCase() === String(want).toLowerCase() : want === null;
    case 'neq':
      return present ? String(value).toLowerCase() !== String(want).toLowerCase() : want !== null;
    case 'contains':
      return (
        present &&
        String(value)
          .toLowerCase()
          .includes(String(want ?? '').toLowerCase())
      );
    default: {
      const a = asNumber(value);
      const b = asNumber(want);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : a <= b;
    }
  }
}

/** Whether an event's properties pass every condition. */
export function propertiesMatch(properties: Record<string, unknown>, where: PropertyCondition[] | undefined): boolean {
  return (where ?? []).every((c) => passes(valueAt(properties, c.property), c.op, c.value));
}

/** Whether the person did the event (with properties passing `where`) at or after `since` and no later than `until`. */
export async function didEventSince(
  db: Executor,
  tenantId: string,
  profileId: string,
  event: string,
  where: PropertyCondition[] | undefined,
  since: Date,
  until: Date,
): Promise<boolean> {
  const r = await db.execute<{ properties: Record<string, unknown> }>(sql`
    SELECT properties FROM customer_events WHERE tenant_id = ${tenantId} AND profile_id = ${profileId}
      AND ts >= ${since.toISOString()}::timestamptz AND ts <= ${until.toISOString()}::timestamptz AND type = 'track' AND event = ${event}
    ORDER BY ts DESC LIMIT 500`);
  return r.rows.some((row) => propertiesMatch(row.properties ?? {}, where));
}

/** Answers a branch's question about one person, as of now (the events since they entered the journey). */
export async function conditionHolds(db: Executor, tenantId: string, profileId: string, c: JourneyCondition, enteredAt: Date, now: Date): Promise<boolean> {
  switch (c.kind) {
    case 'segment': {
      const r = await db.execute(
        sql`SELECT 1 FROM segment_members WHERE segment_id = ${c.segmentId} AND profile_id = ${profileId} AND tenant_id = ${tenantId}`,
      );
      return r.rows.length > 0 === c.member;
    }
    case 'event_since_entry':
      return didEventSince(db, tenantId, profileId, c.event, c.where, enteredAt, now);
    default: {
      const r = await db.execute<{ traits: Record<string, unknown>; computed: Record<string, unknown> | null }>(sql`
        SELECT p.traits, (SELECT jsonb_object_agg(ct.key, v.value) FROM computed_trait_values v JOIN computed_traits ct ON ct.id = v.trait_id
          WHERE v.profile_id = p.id) AS computed
        FROM profiles p WHERE p.id = ${profileId} AND p.tenant_id = ${tenantId}`);
      const row = r.rows[0];
      if (!row) return false;
      const value = c.kind === 'trait' ? valueAt(row.traits ?? {}, c.trait) : row.computed?.[c.key];
      return passes(value, c.op, c.value);
    }
  }
}
