import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { stores } from '../stores/index.ts';

/**
 * The collection half of the customers module: sources with their write keys, the messageId dedupe table and the
 * persisted debugger errors. The events themselves (`customer_events`) are partitioned by month, which Drizzle cannot
 * express: that table lives in the custom migration `drizzle/*_customer-events-partitioned.sql` and is described for
 * queries in event-table.ts (docs/collection.md, "Storage").
 */

/** The channels a source collects from. */
export const sourceChannels = ['web', 'app', 'pos', 'wifi', 'crm', 'service_desk'] as const;
export type SourceChannel = (typeof sourceChannels)[number];

/**
 * A source of customer events: one channel, optionally one store. The write key is stored as its SHA-256 only; after
 * a rotation with grace the previous key keeps working until `previous_key_expires_at`.
 */
export const sources = pgTable(
  'sources',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    name: text('name').notNull(),
    channel: text('channel').$type<SourceChannel>().notNull(),
    storeId: text('store_id').references(() => stores.id),
    writeKeyHash: text('write_key_hash').notNull(),
    writeKeyPrefix: text('write_key_prefix').notNull(),
    previousKeyHash: text('previous_key_hash'),
    previousKeyExpiresAt: timestamp('previous_key_expires_at', { withTimezone: true }),
    enabled: boolean('enabled').notNull().default(true),
    /** Events per second this source may send (per node, bursts of twice that); null: the configured default; 0: no limit. */
    rateLimit: integer('rate_limit'),
    keyRotatedAt: timestamp('key_rotated_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('sources_tenant_name_uq').on(t.tenantId, t.name),
    uniqueIndex('sources_write_key_uq').on(t.writeKeyHash),
    uniqueIndex('sources_previous_key_uq').on(t.previousKeyHash).where(sql`${t.previousKeyHash} IS NOT NULL`),
    index('sources_tenant_store_idx').on(t.tenantId, t.storeId),
  ],
);

/**
 * Every messageId stored, per tenant, until `expires_at` (7 days for the API, kept for imports): the unique key that
 * makes a retried batch count once, across restarts and nodes. Pruned by a daily job.
 */
export const eventDedupe = pgTable(
  'customer_event_dedupe',
  {
    tenantId: text('tenant_id').notNull(),
    messageId: text('message_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.messageId] }), index('customer_event_dedupe_expires_brin').using('brin', t.expiresAt)],
);

/** The last invalid events of each source, as received with their reasons (the debugger's memory is per node). */
export const sourceErrors = pgTable(
  'source_errors',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: text('tenant_id').notNull(),
    sourceId: text('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    messageId: text('message_id'),
    type: text('type'),
    reason: text('reason').notNull(),
    /** The event as received, as JSON text (cut at 8 KB). */
    raw: text('raw'),
  },
  (t) => [index('source_errors_source_idx').on(t.sourceId, t.id)],
);
