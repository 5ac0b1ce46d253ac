import { randomUUID } from 'node:crypto';
import type { CollectedEvent, EventType } from './contract.ts';
import { encodeEventTail } from './event-rows.ts';
import { type BoundsProblem, boundsProblem, eventLimits, textProblem, type WalkBudget } from './payload-bounds.ts';

/**
 * Validation of one event of Segment's HTTP Tracking API (segment.com/docs/connections/sources/catalog/libraries/
 * server/http-api): the common fields, the fields each type needs, the timestamp rule, and our bounds. Hand-written
 * rather than Zod: it runs for every event on the ingest path, where a schema library would be the bottleneck.
 */

export const eventTypes: readonly EventType[] = ['identify', 'track', 'page', 'screen', 'group', 'alias'];

/** Earliest event time accepted (older history is not customer data we can attribute). */
const earliest = Date.UTC(2000, 0, 1);
/** How far ahead of receivedAt a (corrected) timestamp may be: a month covers misconfigured clocks without sentAt. */
const aheadMs = 31 * 86_400_000;
/** Dates PostgreSQL and toISOString agree on. */
const latest = Date.UTC(10000, 0, 1);

/** What an event is checked against: who sent it and when the request arrived. */
export interface EventFrame {
  tenantId: string;
  sourceId: string;
  channel: string;
  /** The store the source is tied to. */
  sourceStoreId: string | null;
  /** Maps a `storeId` the event names (id or store code) to a store id of the tenant, or null. */
  storeOf: (named: string) => string | null;
  receivedAt: Date;
  /** The batch's `sentAt`, used when an event has none. */
  batchSentAt?: unknown;
  /** The batch's `context`, under each event's own. */
  batchContext?: Record<string, unknown>;
}

/** A valid event with its COPY row (without the profile id) and its stored size. */
export interface CheckedEvent {
  event: CollectedEvent;
  tail: string;
  bytes: number;
}

/** Why events are refused, as counted in metrics (`storeos_collect_rejected_total{reason}`). */
export type RefusalCode = 'not_object' | 'type' | 'identity' | 'field' | 'too_large' | 'timestamp' | BoundsProblem['code'];

/** An invalid event: why (a code and a sentence), and what identifies it for the debugger. */
export interface RefusedEvent {
  code: RefusalCode;
  reason: string;
  messageId?: string;
  type?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function idOf(v: unknown, name: string): string | null | RefusedEvent {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return { code: 'field', reason: `${name} must be a string` };
  if (v.length > eventLimits.idLength) return { code: 'field', reason: `${name} is longer than ${eventLimits.idLength} characters` };
  const p = textProblem(v);
  return p ? { code: 'unstorable_text', reason: `${name} ${p}` } : v;
}

function dateOf(v: unknown, name: string): Date | undefined | RefusedEvent {
  if (v === undefined || v === null) return undefined;
  const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms)) return { code: 'timestamp', reason: `${name} must be an ISO 8601 date-time string` };
  if (ms < 0 || ms >= latest) return { code: 'timestamp', reason: `${name} must lie between 1970 and 9999` };
  return new Date(ms);
}

const refused = (v: unknown): v is RefusedEvent => isObject(v) && typeof v.reason === 'string' && !(v instanceof Date);

/**
 * Checks one event; `pathType` is the type of a single-event endpoint (`/v1/track`), undefined inside a batch where
 * each event names its own. Answers the collected event or the reason it is refused.
 */
export function checkEvent(raw: unknown, pathType: EventType | undefined, frame: EventFrame): CheckedEvent | RefusedEvent {
  if (!isObject(raw)) return { code: 'not_object', reason: 'an event must be a JSON object' };
  const messageId = typeof raw.messageId === 'string' ? raw.messageId : undefined;
  const type = (pathType ?? raw.type) as EventType;
  const fail = (code: RefusalCode, reason: string): RefusedEvent => ({ code, reason, messageId, type: typeof type === 'string' ? type : undefined });
  if (!eventTypes.includes(type)) return fail('type', raw.type === undefined ? 'type is required in a batch' : `type must be one of ${eventTypes.join(', ')}`);
  if (raw.messageId !== undefined && messageId === undefined) return fail('field', 'messageId must be a string');
  if (messageId !== undefined) {
    if (messageId.length === 0 || messageId.length > eventLimits.messageIdLength) return fail('field', `messageId must be 1 to ${eventLimits.messageIdLength} characters`);
    const p = textProblem(messageId);
    if (p) return fail('unstorable_text', `messageId ${p}`);
  }
  const ids: Record<string, string | null> = {};
  for (const name of ['userId', 'anonymousId', 'previousId', 'groupId'] as const) {
    const v = idOf(raw[name], name);
    if (refused(v)) return fail(v.code, v.reason);
    ids[name] = v;
  }
  if (ids.userId === null && ids.anonymousId === null) return fail('identity', 'userId or anonymousId is required');
  if (type === 'alias' && (ids.previousId === null || ids.userId === null)) return fail('identity', 'alias needs userId and previousId');
  if (type === 'group' && ids.groupId === null) return fail('identity', 'group needs groupId');

  let name: string | null = null;
  const nameField = type === 'track' ? 'event' : 'name';
  const rawName = raw[nameField];
  if (type === 'track' && (typeof rawName !== 'string' || rawName.trim() === '')) return fail('field', 'track needs event, the name of the action (e.g. "Order Completed")');
  if (rawName !== undefined && rawName !== null && (type === 'track' || type === 'page' || type === 'screen')) {
    if (typeof rawName !== 'string') return fail('field', `${nameField} must be a string`);
    if (rawName.length > eventLimits.nameLength) return fail('field', `${nameField} is longer than ${eventLimits.nameLength} characters`);
    const p = textProblem(rawName);
    if (p) return fail('unstorable_text', `${nameField} ${p}`);
    name = rawName;
  }

  const budget: WalkBudget = { keys: 0 };
  const objects: Record<string, Record<string, unknown>> = {};
  for (const field of ['properties', 'traits', 'context'] as const) {
    const v = raw[field];
    if (v !== undefined && v !== null && !isObject(v)) return fail('field', `${field} must be an object`);
    const obj = field === 'context' && frame.batchContext ? { ...frame.batchContext, ...(v ?? {}) } : ((v ?? {}) as Record<string, unknown>);
    const p = boundsProblem(obj, field, budget);
    if (p) return fail(p.code, p.message);
    objects[field] = obj;
  }

  const original = dateOf(raw.timestamp ?? raw.originalTimestamp, 'timestamp');
  if (refused(original)) return fail(original.code, original.reason);
  const sent = dateOf(raw.sentAt ?? frame.batchSentAt, 'sentAt');
  if (refused(sent)) return fail(sent.code, sent.reason);
  const received = frame.receivedAt.getTime();
  // Segment's clock-skew rule: timestamp = receivedAt − (sentAt − originalTimestamp).
  const ts = original ? (sent ? received - (sent.getTime() - original.getTime()) : original.getTime()) : received;
  if (ts < earliest || ts > received + aheadMs) return fail('timestamp', 'timestamp (corrected by sentAt) is before 2000-01-01 or more than 31 days ahead');

  const named = objects.context.storeId ?? objects.properties.storeId;
  const storeId = frame.sourceStoreId ?? (typeof named === 'string' ? frame.storeOf(named) : null);
  const event: CollectedEvent = {
    messageId: messageId ?? `srv-${randomUUID()}`,
    tenantId: frame.tenantId,
    sourceId: frame.sourceId,
    channel: frame.channel,
    storeId,
    type,
    userId: ids.userId,
    anonymousId: ids.anonymousId,
    event: name,
    previousId: ids.previousId,
    groupId: ids.groupId,
    properties: objects.properties,
    traits: objects.traits,
    context: objects.context,
    timestamp: new Date(ts),
    receivedAt: frame.receivedAt,
  };
  const tail = encodeEventTail(event, original ?? null, sent ?? null);
  const bytes = Buffer.byteLength(tail);
  if (bytes > eventLimits.eventBytes) return fail('too_large', `the event is over ${eventLimits.eventBytes / 1024} KB`);
  return { event, tail, bytes };
}

/** Whether a check answered a refusal. */
export function isRefused(c: CheckedEvent | RefusedEvent): c is RefusedEvent {
  return 'reason' in c;
}
