/**
 * The seams inside the customers module: collection (sources, the Segment-compatible API, event storage)
 * hands each committed batch to the profile pipeline (identity graph, traits, computed traits, segments).
 * Each side is written against these types, so they can be built and tested apart.
 */
import type { Tx } from '../../kernel/db.ts';

export type EventType = 'identify' | 'track' | 'page' | 'screen' | 'group' | 'alias';

/** An event as collected: validated, deduplicated by messageId, timestamp corrected for the client's clock. */
export interface CollectedEvent {
  /** The Segment messageId (assigned when the client sent none); unique per tenant. */
  messageId: string;
  tenantId: string;
  sourceId: string;
  /** The source's channel: web, app, pos, wifi, crm, service_desk. */
  channel: string;
  /** The store the source is tied to, or a `context.storeId` / `properties.storeId` the event names. */
  storeId: string | null;
  type: EventType;
  userId: string | null;
  anonymousId: string | null;
  /** Track event name (`Order Completed`), page/screen name, or null. */
  event: string | null;
  /** For alias: the previous id. For group: the group id. */
  previousId: string | null;
  groupId: string | null;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  context: Record<string, unknown>;
  /** Corrected event time: receivedAt − (sentAt − timestamp) when sentAt is given (Segment's rule). */
  timestamp: Date;
  receivedAt: Date;
}

/**
 * Resolves who each event is about, inside the ingest transaction (so an event row is never stored without its
 * profile): implemented by the identity graph. Answers one profile id per event, in order.
 */
export interface IdentityResolver {
  resolve(tx: Tx, tenantId: string, events: CollectedEvent[]): Promise<string[]>;
}

/**
 * A committed event with its profile and, when the event writer stored it, the id of its flush part: a row of
 * `customer_event_flushes` that stays until the part is applied to profiles, so a process that dies in between
 * replays it at the next start (docs/customers.md, "Durability").
 */
export type CommittedEvent = CollectedEvent & { profileId: string; flushId?: number };

/** Runs after a batch committed: traits, computed traits, RFM, segment membership. Implemented by the profile pipeline. */
export interface ProfilePipeline {
  onCommitted(tenantId: string, events: CommittedEvent[]): Promise<void>;
}

/** Suppression and deletion checks the collector applies before storing (consent module answers). */
export interface CollectionGuard {
  /** True when collecting for this identifier is suppressed (PIPL/GDPR "stop processing"). */
  isSuppressed(tenantId: string, event: CollectedEvent): boolean;
}
