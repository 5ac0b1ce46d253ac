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

/** Worked out once per request (per frame) by its first check: receivedAt as text, the batch's sentAt parsed. */
const prepared = new WeakMap<EventFrame, { receivedIso: string; batchSent: Date | undefined | Refusal }>();

function preparedOf(frame: EventFrame) {
  let p = prepared.get(frame);
  if (!p) {
    p = { receivedIso: frame.receivedAt.toISOString(), batchSent: dateOf(frame.batchSentAt, 'sentAt') };
    prepared.set(frame, p);
  }
  return p;
}

/** A valid event with its COPY row (without the flush part and profile id, as UTF-8) and its stored size. */
export interface CheckedEvent {
  event: CollectedEvent;
  tail: Buffer;
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

type Refusal = { code: RefusalCode; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function idOf(v: unknown, name: string): string | null | Refusal {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return { code: 'field', reason: `${name} must be a string` };
  if (v.length > eventLimits.idLength) return { code: 'field', reason: `${name} is longer than ${eventLimits.idLength} characters` };
  const p = textProblem(v);
  return p ? { code: 'unstorable_text', reason: `${name} ${p}` } : v;
}

function dateOf(v: unknown, name: string): Date | undefined | Refusal {
  if (v === undefined || v === null) return undefined;
  const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms)) return { code: 'timestamp', reason: `${name} must be an ISO 8601 date-time string` };
  if (ms < 0 || ms >= latest) return { code: 'timestamp', reason: `${name} must lie between 1970 and 9999` };
  return new Date(ms);
}

/** Whether a text holds a control character (U+0000–U+001F, U+007F). */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

const refused = (v: unknown): v is Refusal => isObject(v) && typeof v.reason === 'string' && !(v instanceof Date);

/**
 * Checks one event; `pathType` is the type of a single-event endpoint (`/v1/track`), undefined inside a batch where
 * each event names its own. Answers the collected event or the reason it is refused.
 */
export function checkEvent(raw: unknown, pathType: EventType | undefined, frame: EventFrame): CheckedEvent | RefusedEvent {
  if (!isObject(raw)) return { code: 'not_object', reason: 'an event must be a JSON object' };
  const type = (pathType ?? raw.type) as EventType;
  const c = collect(raw, type, frame);
  if (!('code' in c)) return c;
  // Refusals are rare: only they pay for naming the event.
  return {
    code: c.code,
    reason: c.reason,
    messageId: typeof raw.messageId === 'string' ? raw.messageId : undefined,
    type: typeof type === 'string' ? type : undefined,
  };
}

const no = (code: RefusalCode, reason: string): Refusal => ({ code, reason });

function objectOf(raw: Record<string, unknown>, field: 'properties' | 'traits' | 'context'): Record<string, unknown> | undefined {
  const v = raw[field];
  if (v === undefined || v === null) return {};
  return isObject(v) ? v : undefined;
}

/** The checks themselves, written without closures or per-event arrays: this runs for every event collected. */
function collect(raw: Record<string, unknown>, type: EventType, frame: EventFrame): CheckedEvent | Refusal {
  if (!eventTypes.includes(type)) return no('type', raw.type === undefined ? 'type is required in a batch' : `type must be one of ${eventTypes.join(', ')}`);
  const messageId = raw.messageId;
  if (messageId !== undefined) {
    if (typeof messageId !== 'string') return no('field', 'messageId must be a string');
    if (messageId.length === 0 || messageId.length > eventLimits.messageIdLength)
      return no('field', `messageId must be 1 to ${eventLimits.messageIdLength} characters`);
    // Printable only: the dedupe statement sends a flush's messageIds as one text joined by a control character.
    if (hasControl(messageId)) return no('field', 'messageId must not contain control characters');
    const p = textProblem(messageId);
    if (p) return no('unstorable_text', `messageId ${p}`);
  }
  const userId = idOf(raw.userId, 'userId');
  if (refused(userId)) return userId;
  const anonymousId = idOf(raw.anonymousId, 'anonymousId');
  if (refused(anonymousId)) return anonymousId;
  const previousId = idOf(raw.previousId, 'previousId');
  if (refused(previousId)) return previousId;
  const groupId = idOf(raw.groupId, 'groupId');
  if (refused(groupId)) return groupId;
  if (userId === null && anonymousId === null) return no('identity', 'userId or anonymousId is required');
  if (type === 'alias' && (previousId === null || userId === null)) return no('identity', 'alias needs userId and previousId');
  if (type === 'group' && groupId === null) return no('identity', 'group needs groupId');

  let name: string | null = null;
  const nameField = type === 'track' ? 'event' : 'name';
  const rawName = raw[nameField];
  if (type === 'track' && (typeof rawName !== 'string' || rawName.trim() === ''))
    return no('field', 'track needs event, the name of the action (e.g. "Order Completed")');
  if (rawName !== undefined && rawName !== null && (type === 'track' || type === 'page' || type === 'screen')) {
    if (typeof rawName !== 'string') return no('field', `${nameField} must be a string`);
    if (rawName.length > eventLimits.nameLength) return no('field', `${nameField} is longer than ${eventLimits.nameLength} characters`);
    const p = textProblem(rawName);
    if (p) return no('unstorable_text', `${nameField} ${p}`);
    name = rawName;
  }

  const budget: WalkBudget = { keys: 0 };
  const properties = objectOf(raw, 'properties');
  if (!properties) return no('field', 'properties must be an object');
  const traits = objectOf(raw, 'traits');
  if (!traits) return no('field', 'traits must be an object');
  let context = objectOf(raw, 'context');
  if (!context) return no('field', 'context must be an object');
  if (frame.batchContext) context = { ...frame.batchContext, ...context };
  const bad = boundsProblem(properties, 'properties', budget) ?? boundsProblem(traits, 'traits', budget) ?? boundsProblem(context, 'context', budget);
  if (bad) return no(bad.code, bad.message);

  const once = preparedOf(frame);
  const original = dateOf(raw.timestamp ?? raw.originalTimestamp, 'timestamp');
  if (refused(original)) return original;
  const sent = raw.sentAt === undefined || raw.sentAt === null ? once.batchSent : dateOf(raw.sentAt, 'sentAt');
  if (refused(sent)) return sent;
  const received = frame.receivedAt.getTime();
  // Segment's clock-skew rule: timestamp = receivedAt − (sentAt − originalTimestamp).
  const ts = original ? (sent ? received - (sent.getTime() - original.getTime()) : original.getTime()) : received;
  if (ts < earliest || ts > received + aheadMs) return no('timestamp', 'timestamp (corrected by sentAt) is before 2000-01-01 or more than 31 days ahead');

  const named = context.storeId ?? properties.storeId;
  const event: CollectedEvent = {
    messageId: typeof messageId === 'string' ? messageId : `srv-${randomUUID()}`,
    tenantId: frame.tenantId,
    sourceId: frame.sourceId,
    channel: frame.channel,
    storeId: frame.sourceStoreId ?? (typeof named === 'string' ? frame.storeOf(named) : null),
    type,
    userId,
    anonymousId,
    event: name,
    previousId,
    groupId,
    properties,
    traits,
    context,
    timestamp: new Date(ts),
    receivedAt: frame.receivedAt,
  };
  // Encoded once, here: its length is the stored size, and a flush only concatenates bytes (no big string to encode).
  const tail = Buffer.from(encodeEventTail(event, once.receivedIso, original ?? null, sent ?? null));
  const bytes = tail.length;
  if (bytes > eventLimits.eventBytes) return no('too_large', `the event is over ${eventLimits.eventBytes / 1024} KB`);
  return { event, tail, bytes };
}

/** Whether a check answered a refusal. */
export function isRefused(c: CheckedEvent | RefusedEvent): c is RefusedEvent {
  return 'reason' in c;
}
