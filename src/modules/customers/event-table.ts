import { bigint, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * `customer_events` for typed Drizzle queries. The table itself is created by the custom migration
 * `drizzle/0007_customer-events-partitioned.sql` (partitioned by month of `ts`; `flush_id` came later, with
 * `customer_event_flushes`, in a custom migration too); this file sits outside drizzle-kit's
 * schema globs on purpose, so `drizzle-kit generate` never tries to create it as a plain table.
 */
export const customerEvents = pgTable('customer_events', {
  /** The event time, corrected for the client's clock: receivedAt − (sentAt − timestamp). */
  ts: timestamp('ts', { withTimezone: true }).notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  /** The timestamp the client sent, before correction. */
  originalTimestamp: timestamp('original_timestamp', { withTimezone: true }),
  sentAt: timestamp('sent_at', { withTimezone: true }),
  tenantId: text('tenant_id').notNull(),
  profileId: text('profile_id').notNull(),
  messageId: text('message_id').notNull(),
  sourceId: text('source_id').notNull(),
  channel: text('channel').notNull(),
  storeId: text('store_id'),
  type: text('type').notNull(),
  userId: text('user_id'),
  anonymousId: text('anonymous_id'),
  event: text('event'),
  previousId: text('previous_id'),
  groupId: text('group_id'),
  properties: jsonb('properties').$type<Record<string, unknown>>().notNull(),
  traits: jsonb('traits').$type<Record<string, unknown>>().notNull(),
  context: jsonb('context').$type<Record<string, unknown>>().notNull(),
  /** The flush part the event writer stored it in (`customer_event_flushes`, event-flush.ts); null for imports by other paths. */
  flushId: bigint('flush_id', { mode: 'number' }),
});

/** Column order of the COPY rows the event writer sends (event-rows.ts). */
export const eventCopyColumns =
  'profile_id, tenant_id, message_id, source_id, channel, store_id, type, user_id, anonymous_id, event, previous_id, group_id, ts, received_at, original_timestamp, sent_at, properties, traits, context';
