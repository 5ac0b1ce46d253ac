// The segment definition as the builder edits it: new conditions of each kind, and whether a tree is complete
// enough to ask the server about (an empty field would only earn a 400).
import type { Condition, ConditionType, FilterValue, PropertyFilter, ValueOp } from '../customer-types.ts';

/** The kinds of condition the builder offers, in the order of its menu. */
export const leafTypes = ['event', 'trait', 'computed_trait', 'rfm', 'store', 'consent', 'segment'] as const;
export type LeafType = (typeof leafTypes)[number];

/** Event names retail sources send (Segment's e-commerce spec and the simulator's). */
export const commonEvents = [
  'Order Completed',
  'Order Refunded',
  'Product Viewed',
  'Product Added',
  'Checkout Started',
  'Signed In',
  'Service Booked',
  'Wi-Fi Connected',
  'Consent Updated',
];

/** Traits identify calls commonly carry. */
export const commonTraits = ['name', 'email', 'phone', 'city', 'gender', 'birthday', 'memberLevel', 'memberCard'];

/** A new condition of a kind, filled with a useful start. */
export function newCondition(type: ConditionType): Condition {
  switch (type) {
    case 'and':
    case 'or':
      return { type, conditions: [newCondition('event')] };
    case 'not':
      return { type, condition: newCondition('event') };
    case 'trait':
      return { type, trait: 'city', op: 'eq', value: '' };
    case 'computed_trait':
      return { type, key: '', op: 'gte', value: 1 };
    case 'rfm':
      return { type, metric: 'm', op: 'gte', value: 4 };
    case 'event':
      return { type, event: 'Order Completed', withinDays: 30 };
    case 'store':
      return { type, orgUnitId: '', activity: 'purchased', withinDays: 30 };
    case 'consent':
      return { type, purpose: 'marketing', channel: 'sms', granted: true };
    case 'segment':
      return { type, segmentId: '', member: true };
  }
}

/** Whether a value op needs a value (exists and not_exists do not). */
export function needsValue(op: ValueOp): boolean {
  return op !== 'exists' && op !== 'not_exists';
}

/** Whether a value op compares numbers. */
export function isNumericOp(op: string): boolean {
  return op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte';
}

function valueComplete(op: ValueOp, value: FilterValue | undefined): boolean {
  if (!needsValue(op)) return true;
  if (value === undefined || value === '') return false;
  if (op === 'in') return Array.isArray(value) && value.length > 0;
  if (isNumericOp(op)) return typeof value === 'number';
  return !Array.isArray(value);
}

function filterComplete(f: PropertyFilter): boolean {
  return f.property.trim() !== '' && valueComplete(f.op, f.value);
}

/** Whether every field the server requires is filled in. */
export function isComplete(c: Condition): boolean {
  switch (c.type) {
    case 'and':
    case 'or':
      return c.conditions.length > 0 && c.conditions.every(isComplete);
    case 'not':
      return isComplete(c.condition);
    case 'trait':
      return c.trait.trim() !== '' && valueComplete(c.op, c.value);
    case 'computed_trait':
      return c.key !== '' && valueComplete(c.op, c.value);
    case 'rfm':
      return Number.isFinite(c.value);
    case 'event':
      return c.event.trim() !== '' && (c.where ?? []).every(filterComplete);
    case 'store':
      return c.orgUnitId !== '';
    case 'consent':
      return c.purpose.trim() !== '';
    case 'segment':
      return c.segmentId !== '';
  }
}

/** Drops what the server would refuse as noise: an empty `where`, op-less values. */
export function cleanCondition(c: Condition): Condition {
  switch (c.type) {
    case 'and':
    case 'or':
      return { ...c, conditions: c.conditions.map(cleanCondition) };
    case 'not':
      return { ...c, condition: cleanCondition(c.condition) };
    case 'trait':
    case 'computed_trait':
      return needsValue(c.op) ? c : { ...c, value: undefined };
    case 'event': {
      const { where, ...rest } = c;
      const filters = (where ?? []).map((f) => (needsValue(f.op) ? f : { property: f.property, op: f.op }));
      return filters.length ? { ...rest, where: filters } : rest;
    }
    default:
      return c;
  }
}

/** How many conditions (leaves and groups) a tree holds; the server allows 60. */
export function countConditions(c: Condition): number {
  if (c.type === 'and' || c.type === 'or') return 1 + c.conditions.reduce((n, x) => n + countConditions(x), 0);
  if (c.type === 'not') return 1 + countConditions(c.condition);
  return 1;
}
