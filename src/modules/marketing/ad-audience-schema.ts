import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Ad audiences kept fresh (docs/marketing.md#ad-audiences): a segment's customer list refreshed on a schedule and
 * when its membership changes, and each refresh kept as a file per ad platform format with its row count and time.
 */

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** The ad platforms' customer-list formats (ad-audiences.ts). */
export type AdFormat = 'google' | 'meta' | 'tiktok';

/** A segment's ad audience: which formats, how often, and whether a membership change refreshes it. */
export const adAudiences = pgTable(
  'ad_audiences',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    /** The unit whose people it may hold (people with activity at its stores; everyone at the root). */
    orgUnitId: text('org_unit_id').notNull(),
    orgPath: text('org_path').notNull(),
    segmentId: text('segment_id').notNull(),
    formats: jsonb('formats').$type<AdFormat[]>().notNull(),
    /** The consent purpose people gave on the `ads` channel (or `*`). */
    purpose: text('purpose').notNull().default('advertising'),
    /** Refreshed every this many hours. */
    intervalHours: integer('interval_hours').notNull().default(6),
    /** Refreshed this many minutes after a membership change (later changes in that time ride along). */
    onChange: boolean('on_change').notNull().default(true),
    changeDelayMinutes: integer('change_delay_minutes').notNull().default(10),
    active: boolean('active').notNull().default(true),
    nextRunAt: ts('next_run_at'),
    /** The first membership change not yet in a refresh. */
    changedAt: ts('changed_at'),
    lastRefreshAt: ts('last_refresh_at'),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('ad_audiences_tenant_idx').on(t.tenantId, t.segmentId),
    index('ad_audiences_segment_idx').on(t.segmentId),
    index('ad_audiences_due_idx').on(t.nextRunAt).where(sql`${t.active}`),
  ],
);

/** One refresh of an ad audience in one format: the stored file, its rows and when it was made. */
export const adAudienceRefreshes = pgTable(
  'ad_audience_refreshes',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    audienceId: text('audience_id').notNull(),
    segmentId: text('segment_id').notNull(),
    format: text('format').$type<AdFormat>().notNull(),
    reason: text('reason').$type<'schedule' | 'change' | 'manual'>().notNull(),
    rows: integer('rows').notNull(),
    bytes: integer('bytes').notNull(),
    sha256: text('sha256').notNull(),
    /** Where the file store keeps the CSV. */
    storageKey: text('storage_key').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('ad_audience_refreshes_audience_idx').on(t.audienceId, t.createdAt)],
);
