import { sql } from 'drizzle-orm';
import { bigserial, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The profile half of the customers module: the identity graph, profiles with traits, computed traits and RFM,
 * segments with their members, timers and history, consent, suppression and privacy requests (docs/customers.md).
 */

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** One order inside the RFM window: epoch ms and the order's total. */
export type WindowOrder = [number, number];

/**
 * One person. A profile merged into another keeps its row as a tombstone with `merged_into` (the live profile), so old
 * ids still lead somewhere; `version` grows whenever an identifier leaves the profile (split, re-home) so cached
 * identifier → profile answers can be checked under lock.
 */
export const profiles = pgTable(
  'profiles',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    mergedInto: text('merged_into'),
    version: integer('version').notNull().default(0),
    firstSeenAt: ts('first_seen_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
    identifierCounts: jsonb('identifier_counts').$type<Record<string, number>>().notNull().default({}),
    traits: jsonb('traits').$type<Record<string, unknown>>().notNull().default({}),
    /** For each trait, the timestamp (ISO) of the event that set it: an older event arriving late never overwrites it. */
    traitTimes: jsonb('trait_times').$type<Record<string, string>>().notNull().default({}),
    preferredStoreId: text('preferred_store_id'),
    /** Set by merges and splits: the next pipeline run rebuilds computed traits, RFM and memberships from events. */
    rebuildNeeded: boolean('rebuild_needed').notNull().default(false),
    lastOrderAt: ts('last_order_at'),
    /** Orders inside the RFM window, oldest first: exact frequency and monetary as orders leave the window. */
    orderWindow: jsonb('order_window').$type<WindowOrder[]>().notNull().default([]),
    frequency: integer('frequency').notNull().default(0),
    monetary: doublePrecision('monetary').notNull().default(0),
    rfmR: smallint('rfm_r'),
    rfmF: smallint('rfm_f'),
    rfmM: smallint('rfm_m'),
    lifetimeValue: doublePrecision('lifetime_value').notNull().default(0),
    lifetimeOrders: integer('lifetime_orders').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('profiles_tenant_live_idx').on(t.tenantId, t.id).where(sql`${t.mergedInto} IS NULL`),
    index('profiles_merged_into_idx').on(t.mergedInto).where(sql`${t.mergedInto} IS NOT NULL`),
  ],
);

/** An identifier (normalised) and the profile holding it; one holder per identifier, so two nodes cannot both claim one. */
export const profileIdentifiers = pgTable(
  'profile_identifiers',
  {
    tenantId: text('tenant_id').notNull(),
    type: text('type').notNull(),
    value: text('value').notNull(),
    profileId: text('profile_id').notNull(),
    /** Timestamp of the event that first linked it: the earlier claim wins a contested identifier. */
    claimedAt: ts('claimed_at').notNull(),
    messageId: text('message_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.type, t.value] }), index('profile_identifiers_profile_idx').on(t.profileId)],
);

/** What the identity graph did and why: merges, splits, dropped links (limits) and re-homed identifiers. */
export const identityLog = pgTable(
  'identity_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: text('tenant_id').notNull(),
    kind: text('kind').$type<'merged' | 'split' | 'link_dropped' | 'rehomed'>().notNull(),
    profileId: text('profile_id').notNull(),
    otherProfileId: text('other_profile_id'),
    identifiers: jsonb('identifiers').$type<{ type: string; value: string }[]>().notNull().default([]),
    reason: text('reason').notNull(),
    messageId: text('message_id'),
    actor: text('actor'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('identity_log_profile_idx').on(t.tenantId, t.profileId, t.id), index('identity_log_other_idx').on(t.otherProfileId)],
);

/** Per-tenant settings of the profile side: identity rules and RFM windows, with the latest RFM quintile boundaries. */
export const customerSettings = pgTable('customer_settings', {
  tenantId: text('tenant_id').primaryKey(),
  identity: jsonb('identity').$type<Record<string, unknown>>().notNull().default({}),
  rfm: jsonb('rfm').$type<Record<string, unknown>>().notNull().default({}),
  rfmBoundaries: jsonb('rfm_boundaries').$type<{ recency: number[]; frequency: number[]; monetary: number[] }>(),
  rfmComputedAt: ts('rfm_computed_at'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Every value a trait took, with the event that set it (history kept; `profiles.traits` holds the latest). */
export const traitHistory = pgTable(
  'profile_trait_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: text('tenant_id').notNull(),
    profileId: text('profile_id').notNull(),
    key: text('key').notNull(),
    value: jsonb('value'),
    at: ts('at').notNull(),
    messageId: text('message_id'),
    source: text('source').notNull(),
  },
  (t) => [index('profile_trait_history_profile_idx').on(t.profileId, t.key, t.at)],
);

/** A person's activity per store (for the preferred store, store conditions and store-scoped staff). */
export const profileStores = pgTable(
  'profile_stores',
  {
    tenantId: text('tenant_id').notNull(),
    profileId: text('profile_id').notNull(),
    storeId: text('store_id').notNull(),
    orgPath: text('org_path').notNull(),
    visits: integer('visits').notNull().default(0),
    purchases: integer('purchases').notNull().default(0),
    revenue: doublePrecision('revenue').notNull().default(0),
    lastAt: ts('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.profileId, t.storeId] }), index('profile_stores_path_idx').on(t.tenantId, sql`${t.orgPath} text_pattern_ops`)],
);

/** A computed trait a user defined: an aggregate of matching events over a time window. */
export const computedTraits = pgTable(
  'computed_traits',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<'computing' | 'ready' | 'failed'>().notNull().default('computing'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('computed_traits_tenant_key_idx').on(t.tenantId, t.key)],
);

/** A profile's value of a computed trait, with the incremental state it is kept from (counts, sums, frequencies). */
export const computedTraitValues = pgTable(
  'computed_trait_values',
  {
    traitId: text('trait_id').notNull(),
    profileId: text('profile_id').notNull(),
    tenantId: text('tenant_id').notNull(),
    value: jsonb('value'),
    state: jsonb('state').$type<Record<string, unknown>>().notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.traitId, t.profileId] }), index('computed_trait_values_profile_idx').on(t.profileId)],
);

/**
 * The next instant something about a profile can change with time alone: a segment membership (`segment`), a computed
 * trait (`trait`) or the RFM window (`rfm`). Survives restarts; each node keeps the near ones in a min-heap.
 */
export const profileTimers = pgTable(
  'profile_timers',
  {
    kind: text('kind').$type<'segment' | 'trait' | 'rfm'>().notNull(),
    refId: text('ref_id').notNull(),
    profileId: text('profile_id').notNull(),
    tenantId: text('tenant_id').notNull(),
    dueAt: ts('due_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.refId, t.profileId] }),
    index('profile_timers_due_idx').on(t.dueAt),
    index('profile_timers_profile_idx').on(t.profileId, t.kind),
  ],
);

/** How far a segment's background recompute got: steps done of total, entries and exits so far. */
export interface SegmentProgress {
  phase?: string;
  done: number;
  total: number;
  entered?: number;
  exited?: number;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
}

/** A segment: a definition (conditions), its size and the state of its background recompute. */
export const segments = pgTable(
  'segments',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
    version: integer('version').notNull().default(1),
    status: text('status').$type<'computing' | 'ready' | 'failed'>().notNull().default('computing'),
    progress: jsonb('progress').$type<SegmentProgress>().notNull().default({ done: 0, total: 0 }),
    memberCount: integer('member_count').notNull().default(0),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('segments_tenant_idx').on(t.tenantId, t.id)],
);

/** Who is in a segment now. */
export const segmentMembers = pgTable(
  'segment_members',
  {
    segmentId: text('segment_id').notNull(),
    profileId: text('profile_id').notNull(),
    tenantId: text('tenant_id').notNull(),
    enteredAt: ts('entered_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.profileId] }), index('segment_members_profile_idx').on(t.profileId)],
);

/** Every entry and exit, with what caused it. */
export const segmentHistory = pgTable(
  'segment_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: text('tenant_id').notNull(),
    segmentId: text('segment_id').notNull(),
    profileId: text('profile_id').notNull(),
    kind: text('kind').$type<'entered' | 'exited'>().notNull(),
    reason: text('reason').notNull(),
    at: ts('at').notNull(),
  },
  (t) => [index('segment_history_segment_idx').on(t.segmentId, t.id), index('segment_history_profile_idx').on(t.profileId)],
);

/** Entries and exits per segment and day: an anonymous aggregate kept when a person is deleted. */
export const segmentDailyCounts = pgTable(
  'segment_daily_counts',
  {
    segmentId: text('segment_id').notNull(),
    day: text('day').notNull(),
    tenantId: text('tenant_id').notNull(),
    entered: integer('entered').notNull().default(0),
    exited: integer('exited').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.day] })],
);

/** The current consent of a person per purpose and channel (`*`: every channel). */
export const consents = pgTable(
  'consents',
  {
    tenantId: text('tenant_id').notNull(),
    profileId: text('profile_id').notNull(),
    purpose: text('purpose').notNull(),
    channel: text('channel').notNull(),
    granted: boolean('granted').notNull(),
    source: text('source').notNull(),
    messageId: text('message_id'),
    at: ts('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.profileId, t.purpose, t.channel] }), index('consents_tenant_idx').on(t.tenantId, t.purpose, t.channel)],
);

/** Every consent change as given (from events or the API). */
export const consentHistory = pgTable(
  'consent_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: text('tenant_id').notNull(),
    profileId: text('profile_id').notNull(),
    purpose: text('purpose').notNull(),
    channel: text('channel').notNull(),
    granted: boolean('granted').notNull(),
    source: text('source').notNull(),
    messageId: text('message_id'),
    actor: text('actor'),
    at: ts('at').notNull(),
  },
  (t) => [index('consent_history_profile_idx').on(t.profileId, t.id)],
);

/** Identifiers nothing is collected for (PIPL/GDPR "stop processing"), kept as SHA-256 of `type:value` only. */
export const suppressions = pgTable(
  'suppressions',
  {
    tenantId: text('tenant_id').notNull(),
    identifierHash: text('identifier_hash').notNull(),
    type: text('type').notNull(),
    reason: text('reason').notNull(),
    requestId: text('request_id'),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.identifierHash] })],
);

/** A deletion or export request about one person: its status, and the receipt or the export once done. */
export const privacyRequests = pgTable(
  'privacy_requests',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    kind: text('kind').$type<'deletion' | 'export'>().notNull(),
    status: text('status').$type<'pending' | 'running' | 'completed' | 'failed'>().notNull(),
    /** The profile the request is about; null once a deletion completed (nothing points at the person then). */
    profileId: text('profile_id'),
    requestedBy: text('requested_by').notNull(),
    reason: text('reason'),
    receipt: jsonb('receipt').$type<Record<string, unknown>>(),
    export: jsonb('export').$type<Record<string, unknown>>(),
    error: text('error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    completedAt: ts('completed_at'),
  },
  (t) => [index('privacy_requests_tenant_idx').on(t.tenantId, t.createdAt)],
);

/** Events per tenant, day, name, channel and store: an anonymous aggregate that outlives deleted persons. */
export const eventDailyCounts = pgTable(
  'customer_event_daily_counts',
  {
    tenantId: text('tenant_id').notNull(),
    day: text('day').notNull(),
    event: text('event').notNull(),
    channel: text('channel').notNull(),
    storeId: text('store_id').notNull(),
    count: integer('count').notNull().default(0),
    revenue: doublePrecision('revenue').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.day, t.event, t.channel, t.storeId] })],
);
