import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The marketing module: channels (adapters with their settings), templates, campaigns, one message row per person and
 * campaign run (also the holdout members, who get none), and what came back: delivery reports, clicks, opens.
 */

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** The kinds of channel adapter (channels/contract.ts). */
export type ChannelKind = 'sink' | 'webhook' | 'sms' | 'email' | 'push' | 'messaging';

/** A channel of a tenant: an adapter kind with its settings, its frequency cap and the secret its delivery reports are signed with. */
export const marketingChannels = pgTable(
  'marketing_channels',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    name: text('name').notNull(),
    kind: text('kind').$type<ChannelKind>().notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    /** At most `capMax` messages per person on this channel within `capDays` days, across all campaigns (null: no cap). */
    capMax: integer('cap_max'),
    capDays: integer('cap_days').notNull().default(7),
    secret: text('secret').notNull(),
    active: boolean('active').notNull().default(true),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('marketing_channels_tenant_idx').on(t.tenantId, t.id)],
);

/** A message template: a subject (e-mail) and a body in the template language (template-language.ts), checked when saved. */
export const marketingTemplates = pgTable(
  'marketing_templates',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    name: text('name').notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    /** The variables the template reads (`traits.name`, `store.name`…), found when it was checked. */
    variables: jsonb('variables').$type<string[]>().notNull().default([]),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('marketing_templates_tenant_idx').on(t.tenantId, t.id)],
);

/** One A/B variant of a campaign: a template and its share of the treated audience. */
export interface CampaignVariant {
  key: string;
  templateId: string;
  weight: number;
}

/** When a campaign goes out: now, at a time, or on an RFC 5545 recurrence. */
export interface CampaignSchedule {
  kind: 'now' | 'at' | 'recurring';
  at?: string;
  rrule?: string;
}

/** A campaign: audience (segments in and out), channel, variants, schedule, pacing, holdout, and its lifecycle state. */
export const campaigns = pgTable(
  'campaigns',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    orgUnitId: text('org_unit_id').notNull(),
    orgPath: text('org_path').notNull(),
    name: text('name').notNull(),
    status: text('status').$type<'draft' | 'scheduled' | 'sending' | 'paused' | 'completed' | 'cancelled'>().notNull().default('draft'),
    channelId: text('channel_id').notNull(),
    purpose: text('purpose').notNull().default('marketing'),
    includeSegments: jsonb('include_segments').$type<string[]>().notNull(),
    excludeSegments: jsonb('exclude_segments').$type<string[]>().notNull().default([]),
    variants: jsonb('variants').$type<CampaignVariant[]>().notNull(),
    /** Percent (0–50) of the audience held out: never sent, measured for lift. */
    holdoutPercent: integer('holdout_percent').notNull().default(0),
    schedule: jsonb('schedule').$type<CampaignSchedule>().notNull(),
    /** Local quiet hours (`HH:MM`) in each person's time zone: nothing is sent between start and end. */
    quietStart: text('quiet_start').notNull().default('21:00'),
    quietEnd: text('quiet_end').notNull().default('09:00'),
    /** Messages handed to the channel per minute at most. */
    ratePerMinute: integer('rate_per_minute').notNull().default(600),
    /** Days after a touch within which a conversion is attributed to it. */
    attributionDays: integer('attribution_days').notNull().default(7),
    /** The run now going out (`YYYYMMDDTHHMM` of its occurrence) and the next occurrence of a recurring campaign. */
    currentRun: text('current_run'),
    nextRunAt: ts('next_run_at'),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('campaigns_tenant_idx').on(t.tenantId, t.createdAt), index('campaigns_next_run_idx').on(t.nextRunAt).where(sql`${t.nextRunAt} IS NOT NULL`)],
);

/**
 * A slice of a planned run not sent yet: up to 2,000 people of a campaign run due at the same minute, with each one's
 * variant and preferred store. Sending a slice writes each person's message row once (sent, skipped, or queued for a
 * retry) and deletes the slice, in one transaction; held-out people get their row when the run is planned.
 */
export const campaignRunSlices = pgTable(
  'campaign_run_slices',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    campaignId: text('campaign_id').notNull(),
    run: text('run').notNull(),
    dueAt: ts('due_at').notNull(),
    profileIds: text('profile_ids').array().notNull(),
    variants: text('variants').array().notNull(),
    storeIds: text('store_ids').array().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('campaign_run_slices_due_idx').on(t.campaignId, t.dueAt)],
);

/** Message states: queued → sending → sent → delivered | failed | bounced; or held out, or skipped (consent, cap, address). */
export type MessageStatus = 'holdout' | 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'bounced' | 'skipped' | 'test';

/**
 * One person in one run of a campaign: the message sent to them, or the record that they were held out or skipped.
 * The unique idempotency key (campaign, run, person) makes a retried or re-planned run send nothing twice.
 */
export const marketingMessages = pgTable(
  'marketing_messages',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    campaignId: text('campaign_id').notNull(),
    run: text('run').notNull(),
    profileId: text('profile_id').notNull(),
    variant: text('variant').notNull(),
    channelId: text('channel_id').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    status: text('status').$type<MessageStatus>().notNull(),
    skipReason: text('skip_reason'),
    dueAt: ts('due_at').notNull(),
    /** The person's preferred store when planned: revenue by store. */
    storeId: text('store_id'),
    recipient: text('recipient'),
    subject: text('subject'),
    body: text('body'),
    providerId: text('provider_id'),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    sentAt: ts('sent_at'),
    deliveredAt: ts('delivered_at'),
    openedAt: ts('opened_at'),
    clickedAt: ts('clicked_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('marketing_messages_idempotency_idx').on(t.idempotencyKey),
    index('marketing_messages_campaign_idx').on(t.campaignId, t.status),
    // The pace check counts a campaign's hand-overs of the last minute: a range of this index. Partial, like the
    // provider index: a planned message (no sent_at, no provider id yet) costs neither an entry.
    index('marketing_messages_pace_idx').on(t.campaignId, t.sentAt).where(sql`${t.sentAt} IS NOT NULL`),
    index('marketing_messages_due_idx').on(t.dueAt).where(sql`${t.status} = 'queued'`),
    index('marketing_messages_profile_idx').on(t.profileId, t.channelId, t.sentAt),
    index('marketing_messages_provider_idx').on(t.channelId, t.providerId).where(sql`${t.providerId} IS NOT NULL`),
  ],
);

/** What came back about a message: delivery reports, clicks (with the link), opens. */
export const marketingInteractions = pgTable(
  'marketing_interactions',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    messageId: text('message_id').notNull(),
    campaignId: text('campaign_id').notNull(),
    kind: text('kind').$type<'sent' | 'delivered' | 'failed' | 'bounced' | 'click' | 'open'>().notNull(),
    url: text('url'),
    detail: text('detail'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('marketing_interactions_message_idx').on(t.messageId), index('marketing_interactions_campaign_idx').on(t.campaignId, t.kind)],
);
