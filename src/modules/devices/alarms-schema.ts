import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { AlarmStatus } from './alarm-lifecycle.ts';
import type { AlarmSeverity } from './alarm-rules.ts';
import { devices } from './schema.ts';

/** What fired an alarm: the rule's text, the condition and the values it read. */
export interface AlarmDetails {
  message?: string;
  condition?: string;
  values?: Record<string, unknown>;
}

/** One step of an alarm's life: created, severity changed, acknowledged, cleared — when and by whom. */
export interface AlarmHistoryEntry {
  at: string;
  action: 'created' | 'severity_changed' | 'acknowledged' | 'cleared';
  by: string;
  status: AlarmStatus;
  severity: AlarmSeverity;
  from?: AlarmSeverity;
  details?: AlarmDetails;
}

/**
 * Alarms raised by device profiles' rules. At most one open (not cleared) alarm per device and alarm type: a partial
 * unique index, so two nodes evaluating the same device cannot open two. `org_path` copies the store's path for scoping.
 */
export const alarms = pgTable(
  'alarms',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    /** The device's name when the alarm opened, so lists need no join. */
    deviceName: text('device_name').notNull(),
    storeId: text('store_id').notNull(),
    orgPath: text('org_path').notNull(),
    profileId: text('profile_id').notNull(),
    type: text('type').notNull(),
    severity: text('severity').$type<AlarmSeverity>().notNull(),
    status: text('status').$type<AlarmStatus>().notNull(),
    propagate: boolean('propagate').notNull().default(false),
    details: jsonb('details').$type<AlarmDetails>().notNull().default({}),
    /** When the condition fired: the time of the data point (or of the sweep, for a duration with no new data). */
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    /** When it stopped: the data point that met the clear condition, or the moment a person cleared it; null while active. */
    endedAt: timestamp('ended_at', { withTimezone: true }),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: text('acknowledged_by'),
    clearedAt: timestamp('cleared_at', { withTimezone: true }),
    /** `rule` when its clear condition held; otherwise the person's label. */
    clearedBy: text('cleared_by'),
    history: jsonb('history').$type<AlarmHistoryEntry[]>().notNull().default([]),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('alarms_one_open_uq').on(t.tenantId, t.deviceId, t.type).where(sql`${t.clearedAt} IS NULL`),
    index('alarms_tenant_started_idx').on(t.tenantId, t.startedAt, t.id),
    index('alarms_tenant_path_idx').on(t.tenantId, sql`${t.orgPath} text_pattern_ops`, t.startedAt),
    index('alarms_device_idx').on(t.deviceId, t.startedAt),
    index('alarms_store_idx').on(t.storeId, t.startedAt),
    index('alarms_attention_idx').on(t.tenantId, t.severity).where(sql`${t.status} <> 'CLEARED_ACK'`),
  ],
);
