import { sql } from 'drizzle-orm';
import { bigserial, boolean, date, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** One line of a work order's checklist. */
export interface ChecklistItem {
  id: string;
  label: string;
  done: boolean;
}

/** A part used on a work order. */
export interface PartUsed {
  name: string;
  partNumber?: string | null;
  quantity: number;
}

/** External companies that can be assigned work orders instead of a technician. Tenant-wide. */
export const contractors = pgTable(
  'maintenance_contractors',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    name: text('name').notNull(),
    phone: text('phone'),
    email: text('email'),
    notes: text('notes'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('maintenance_contractors_tenant_name_uq').on(t.tenantId, t.name)],
);

/**
 * Equipment in a store (a fridge, an air conditioner, an escalator). `org_path` copies the store's path for scoping;
 * `public_token` is what the QR code on the asset carries to the public request form.
 */
export const assets = pgTable(
  'assets',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    storeId: text('store_id').notNull(),
    zoneId: text('zone_id'),
    orgUnitId: text('org_unit_id').notNull(),
    orgPath: text('org_path').notNull(),
    name: text('name').notNull(),
    category: text('category').notNull(),
    make: text('make'),
    model: text('model'),
    serial: text('serial'),
    installedOn: date('installed_on'),
    warrantyEnd: date('warranty_end'),
    status: text('status').$type<'operational' | 'down' | 'standby'>().notNull().default('operational'),
    statusSince: timestamp('status_since', { withTimezone: true }).notNull().defaultNow(),
    /** Why it is down: `manual`, or `alarm` while a critical alarm of its device is open. */
    downReason: text('down_reason'),
    deviceId: text('device_id'),
    publicToken: text('public_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('assets_public_token_uq').on(t.publicToken),
    index('assets_tenant_path_idx').on(t.tenantId, sql`${t.orgPath} text_pattern_ops`, t.name),
    index('assets_store_idx').on(t.storeId),
    index('assets_device_idx').on(t.deviceId).where(sql`${t.deviceId} IS NOT NULL`),
  ],
);

/** The intervals an asset was down; an open one has no end. Category and store are copied for the downtime reports. */
export const assetDowntime = pgTable(
  'asset_downtime',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    storeId: text('store_id').notNull(),
    orgPath: text('org_path').notNull(),
    category: text('category').notNull(),
    reason: text('reason').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    index('asset_downtime_asset_idx').on(t.assetId, t.startedAt),
    index('asset_downtime_tenant_path_idx').on(t.tenantId, sql`${t.orgPath} text_pattern_ops`, t.startedAt),
    uniqueIndex('asset_downtime_one_open_uq').on(t.assetId).where(sql`${t.endedAt} IS NULL`),
  ],
);

/** A fault reported through an asset's QR code (no sign-in), waiting for a store manager to approve or reject it. */
export const maintenanceRequests = pgTable(
  'maintenance_requests',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    storeId: text('store_id').notNull(),
    orgPath: text('org_path').notNull(),
    description: text('description').notNull(),
    reporterName: text('reporter_name'),
    reporterContact: text('reporter_contact'),
    photoIds: text('photo_ids').array().notNull().default([]),
    status: text('status').$type<'pending' | 'approved' | 'rejected'>().notNull().default('pending'),
    workOrderId: text('work_order_id'),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('maintenance_requests_tenant_path_idx').on(t.tenantId, sql`${t.orgPath} text_pattern_ops`, t.status, t.createdAt)],
);

/**
 * Work orders. `version` grows with every change: a change sent with an older version is refused (409), so of two
 * people changing one work order at once, one wins. At most one open work order per asset and alarm type.
 */
export const workOrders = pgTable(
  'work_orders',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    storeId: text('store_id').notNull(),
    orgUnitId: text('org_unit_id').notNull(),
    orgPath: text('org_path').notNull(),
    assetId: text('asset_id'),
    title: text('title').notNull(),
    description: text('description'),
    priority: text('priority').$type<'low' | 'medium' | 'high' | 'urgent'>().notNull(),
    status: text('status').$type<'OPEN' | 'IN_PROGRESS' | 'ON_HOLD' | 'COMPLETE' | 'CANCELLED'>().notNull().default('OPEN'),
    assigneeUserId: text('assignee_user_id'),
    contractorId: text('contractor_id'),
    checklist: jsonb('checklist').$type<ChecklistItem[]>().notNull().default([]),
    timeSpentMinutes: integer('time_spent_minutes').notNull().default(0),
    parts: jsonb('parts').$type<PartUsed[]>().notNull().default([]),
    photoIds: text('photo_ids').array().notNull().default([]),
    signatureFileId: text('signature_file_id'),
    source: text('source').$type<'manual' | 'request' | 'alarm' | 'pm'>().notNull(),
    requestId: text('request_id'),
    alarmType: text('alarm_type'),
    alarmId: text('alarm_id'),
    pmScheduleId: text('pm_schedule_id'),
    dueAt: timestamp('due_at', { withTimezone: true }),
    responseDueAt: timestamp('response_due_at', { withTimezone: true }),
    resolutionDueAt: timestamp('resolution_due_at', { withTimezone: true }),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    escalationLevel: integer('escalation_level').notNull().default(0),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('work_orders_tenant_path_idx').on(t.tenantId, sql`${t.orgPath} text_pattern_ops`, t.status, t.createdAt),
    index('work_orders_asset_idx').on(t.assetId, t.createdAt),
    index('work_orders_assignee_idx').on(t.assigneeUserId, t.status),
    index('work_orders_sla_idx').on(t.tenantId, t.escalationLevel).where(sql`${t.status} IN ('OPEN', 'IN_PROGRESS', 'ON_HOLD')`),
    uniqueIndex('work_orders_one_open_alarm_uq')
      .on(t.tenantId, t.assetId, t.alarmType)
      .where(sql`${t.alarmType} IS NOT NULL AND ${t.status} IN ('OPEN', 'IN_PROGRESS', 'ON_HOLD')`),
  ],
);

/** The full history of a work order: every change, note and escalation, who and when. */
export const workOrderEvents = pgTable(
  'work_order_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: text('tenant_id').notNull(),
    workOrderId: text('work_order_id')
      .notNull()
      .references(() => workOrders.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: text('actor_id').notNull(),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    note: text('note'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('work_order_events_wo_idx').on(t.workOrderId, t.id)],
);

/** Response and resolution targets per priority, per tenant, and the delay before a breach goes up a level. */
export const maintenanceSlas = pgTable(
  'maintenance_slas',
  {
    tenantId: text('tenant_id').notNull(),
    priority: text('priority').notNull(),
    responseMinutes: integer('response_minutes').notNull(),
    resolutionMinutes: integer('resolution_minutes').notNull(),
    escalateAfterMinutes: integer('escalate_after_minutes').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.priority] })],
);

/** Which device alarms open work orders: alarm type and lowest severity give a priority; what happens when it clears. */
export const alarmWorkOrderRules = pgTable(
  'alarm_work_order_rules',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    alarmType: text('alarm_type').notNull(),
    minSeverity: text('min_severity').notNull(),
    priority: text('priority').notNull(),
    onClear: text('on_clear').$type<'note' | 'complete'>().notNull().default('note'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('alarm_work_order_rules_type_uq').on(t.tenantId, t.alarmType, t.minSeverity)],
);

/**
 * Preventive maintenance of an asset: by calendar (an RFC 5545 RRULE, the next due date counted from the schedule or
 * from the last completion) or by meter (a device telemetry key crossing a threshold, or a usage amount accumulating).
 */
export const pmSchedules = pgTable(
  'pm_schedules',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    storeId: text('store_id').notNull(),
    orgPath: text('org_path').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    checklist: jsonb('checklist').$type<string[]>().notNull().default([]),
    priority: text('priority').notNull().default('medium'),
    kind: text('kind').$type<'calendar' | 'meter'>().notNull(),
    rrule: text('rrule'),
    startsAt: timestamp('starts_at', { withTimezone: true }),
    basis: text('basis').$type<'schedule' | 'completion'>().notNull().default('schedule'),
    leadDays: integer('lead_days').notNull().default(3),
    nextDueAt: timestamp('next_due_at', { withTimezone: true }),
    lastCompletedAt: timestamp('last_completed_at', { withTimezone: true }),
    meterKey: text('meter_key'),
    meterMode: text('meter_mode').$type<'threshold' | 'usage'>(),
    threshold: doublePrecision('threshold'),
    usageInterval: doublePrecision('usage_interval'),
    meterBaseline: doublePrecision('meter_baseline'),
    meterArmed: boolean('meter_armed').notNull().default(true),
    assigneeUserId: text('assignee_user_id'),
    contractorId: text('contractor_id'),
    openWorkOrderId: text('open_work_order_id'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('pm_schedules_tenant_path_idx').on(t.tenantId, sql`${t.orgPath} text_pattern_ops`),
    index('pm_schedules_due_idx').on(t.nextDueAt).where(sql`${t.active}`),
  ],
);

/** A technician's secret calendar feed: only the SHA-256 of the token in the URL is kept. */
export const calendarFeeds = pgTable('maintenance_calendar_feeds', {
  userId: text('user_id').primaryKey(),
  tenantId: text('tenant_id').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
