import { sql } from 'drizzle-orm';
import { boolean, date, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { AuditAnswers, TemplateDefinition } from './checklist.ts';

/** A task or audit template owned by an org unit; its content lives in numbered versions. */
export const taskTemplates = pgTable(
  'task_templates',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    orgUnitId: text('org_unit_id').notNull(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    currentVersion: integer('current_version').notNull().default(1),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('task_templates_tenant_idx').on(t.tenantId, t.kind, t.name)],
);

/** One version of a template: sent tasks keep the version they were sent with. */
export const taskTemplateVersions = pgTable(
  'task_template_versions',
  {
    templateId: text('template_id')
      .notNull()
      .references(() => taskTemplates.id),
    version: integer('version').notNull(),
    tenantId: text('tenant_id').notNull(),
    definition: jsonb('definition').$type<TemplateDefinition>().notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.templateId, t.version] })],
);

/** One distribution of a template to the stores of a target, once or on a recurrence rule. */
export const taskSends = pgTable(
  'task_sends',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    templateId: text('template_id').notNull(),
    templateVersion: integer('template_version').notNull(),
    orgUnitId: text('org_unit_id').notNull(),
    target: jsonb('target').$type<Record<string, unknown>>().notNull(),
    role: text('role').notNull(),
    title: text('title').notNull(),
    /** Wall-clock start and due of a one-off send, in each store's own time zone. */
    opensLocal: timestamp('opens_local', { mode: 'string' }),
    dueLocal: timestamp('due_local', { mode: 'string' }),
    /** RFC 5545 recurrence (`RRULE:…` with DTSTART as local wall clock); due `dueAfterMinutes` after each occurrence. */
    rrule: text('rrule'),
    recurrenceStart: timestamp('recurrence_start', { mode: 'string' }),
    dueAfterMinutes: integer('due_after_minutes'),
    expireAfterMinutes: integer('expire_after_minutes'),
    materialisedUntil: timestamp('materialised_until', { mode: 'string' }),
    status: text('status').notNull().default('active'),
    storeCount: integer('store_count').notNull().default(0),
    instanceCount: integer('instance_count').notNull().default(0),
    sentBy: text('sent_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('task_sends_tenant_idx').on(t.tenantId, t.createdAt), index('task_sends_recurring_idx').on(t.status).where(sql`${t.rrule} IS NOT NULL`)],
);

/** A task of one store: the checklist of the template version it was sent with, its answers and its state. */
export const taskInstances = pgTable(
  'task_instances',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    sendId: text('send_id').notNull(),
    templateId: text('template_id').notNull(),
    templateVersion: integer('template_version').notNull(),
    storeId: text('store_id').notNull(),
    role: text('role').notNull(),
    assigneeId: text('assignee_id'),
    title: text('title').notNull(),
    status: text('status').notNull(),
    approval: text('approval').notNull(),
    occurrence: timestamp('occurrence', { mode: 'string' }).notNull(),
    opensAt: timestamp('opens_at', { withTimezone: true }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    dueDate: date('due_date').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    estimatedMinutes: integer('estimated_minutes').notNull().default(0),
    /** Minutes after the due time before the store manager, then (after a further delay) the region manager, hear of it. */
    slaStoreMinutes: integer('sla_store_minutes'),
    slaRegionMinutes: integer('sla_region_minutes'),
    answers: jsonb('answers').$type<Record<string, unknown>>().notNull().default({}),
    version: integer('version').notNull().default(1),
    startedAt: timestamp('started_at', { withTimezone: true }),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    submittedBy: text('submitted_by'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    approvedBy: text('approved_by'),
    returnReason: text('return_reason'),
    escalationLevel: integer('escalation_level').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('task_instances_occurrence_uq').on(t.sendId, t.storeId, t.occurrence),
    index('task_instances_board_idx').on(t.storeId, t.dueAt).where(sql`${t.status} IN ('open', 'in_progress', 'returned', 'overdue', 'submitted')`),
    index('task_instances_store_due_idx').on(t.storeId, t.dueDate),
    index('task_instances_clock_idx').on(t.status, t.dueAt).where(sql`${t.status} IN ('scheduled', 'open', 'in_progress', 'returned', 'overdue')`),
    index('task_instances_submitted_idx').on(t.tenantId, t.submittedAt).where(sql`${t.status} = 'submitted'`),
    index('task_instances_send_idx').on(t.sendId),
  ],
);

/** Counts of a store's tasks by due day, kept by statement triggers so reports read thousands of rows, not millions. */
export const taskStoreDayStats = pgTable(
  'task_store_day_stats',
  {
    storeId: text('store_id').notNull(),
    day: date('day').notNull(),
    tenantId: text('tenant_id').notNull(),
    total: integer('total').notNull().default(0),
    completed: integer('completed').notNull().default(0),
    onTime: integer('on_time').notNull().default(0),
    overdue: integer('overdue').notNull().default(0),
    expired: integer('expired').notNull().default(0),
    minutes: integer('minutes').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day] }), index('task_store_day_stats_tenant_day_idx').on(t.tenantId, t.day)],
);

/** A scored audit of one store, run by a region manager with an audit template. */
export const audits = pgTable(
  'audits',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    templateId: text('template_id').notNull(),
    templateVersion: integer('template_version').notNull(),
    storeId: text('store_id').notNull(),
    auditorId: text('auditor_id').notNull(),
    auditorLabel: text('auditor_label').notNull(),
    status: text('status').notNull(),
    answers: jsonb('answers').$type<AuditAnswers>().notNull().default({}),
    score: doublePrecision('score'),
    passed: boolean('passed'),
    criticalFailed: boolean('critical_failed'),
    version: integer('version').notNull().default(1),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [index('audits_tenant_completed_idx').on(t.tenantId, t.completedAt), index('audits_store_idx').on(t.storeId, t.startedAt)],
);

/** What a store must put right after an audit item failed: worked by the store, reviewed by the auditor. */
export const correctiveActions = pgTable(
  'corrective_actions',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    auditId: text('audit_id').notNull(),
    storeId: text('store_id').notNull(),
    itemId: text('item_id').notNull(),
    itemLabel: text('item_label').notNull(),
    status: text('status').notNull(),
    note: text('note'),
    photoFileIds: jsonb('photo_file_ids').$type<string[]>().notNull().default([]),
    reviewNote: text('review_note'),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('corrective_actions_item_uq').on(t.auditId, t.itemId), index('corrective_actions_store_idx').on(t.storeId, t.status)],
);

/** A tenant's operations settings: the weekly minutes cap of the load guard. */
export const operationsSettings = pgTable('operations_settings', {
  tenantId: text('tenant_id').primaryKey(),
  weeklyMinutesCap: integer('weekly_minutes_cap').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
