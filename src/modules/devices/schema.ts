import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { stores, zones } from '../stores/index.ts';

/**
 * The devices module's tables. Telemetry itself (`telemetry`, `telemetry_rollups`) is partitioned, which Drizzle
 * cannot express: those tables live in the custom migration `drizzle/*_telemetry-partitioned.sql` and are queried
 * with SQL in telemetry-*.ts (docs/devices.md, "Storage").
 */

export const deviceKinds = ['fridge', 'freezer', 'hvac', 'meter', 'people_counter', 'signage', 'pos', 'network', 'gateway', 'other'] as const;
export type DeviceKind = (typeof deviceKinds)[number];

/** ThingsBoard's provisioning strategies: off, create a device on first request, or only claim a pre-created one. */
export const provisionStrategies = ['disabled', 'allow_create_new', 'check_pre_provisioned'] as const;
export type ProvisionStrategy = (typeof provisionStrategies)[number];

/** Tenant-wide settings shared by devices of one kind: retention, inactivity timeout, provisioning, alarm rules. */
export const deviceProfiles = pgTable(
  'device_profiles',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    kind: text('kind').$type<DeviceKind>().notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    telemetryRetentionDays: integer('telemetry_retention_days').notNull().default(30),
    inactivityTimeoutSeconds: integer('inactivity_timeout_seconds').notNull().default(600),
    defaultChartKeys: jsonb('default_chart_keys').$type<string[]>().notNull().default([]),
    provisionStrategy: text('provision_strategy').$type<ProvisionStrategy>().notNull().default('disabled'),
    provisionKey: text('provision_key'),
    provisionSecret: text('provision_secret'),
    /** Where self-registered devices of this profile are placed (a device always belongs to a store). */
    provisionStoreId: text('provision_store_id').references(() => stores.id, { onDelete: 'set null' }),
    /** The alarm rules of this profile, in the format of alarm-rules.ts. */
    alarmRules: jsonb('alarm_rules').$type<unknown[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('device_profiles_tenant_name_uq').on(t.tenantId, t.name),
    uniqueIndex('device_profiles_provision_key_uq').on(t.provisionKey).where(sql`${t.provisionKey} IS NOT NULL`),
    uniqueIndex('device_profiles_tenant_default_uq').on(t.tenantId).where(sql`${t.isDefault}`),
  ],
);

/**
 * A device in a store. `org_path` copies the store's path so scoped lists need no join; `sid` is the small integer
 * telemetry rows carry instead of the text id. `last_activity_at` and `online` are written in batches, not per message.
 */
export const devices = pgTable(
  'devices',
  {
    id: text('id').primaryKey(),
    sid: integer('sid').generatedAlwaysAsIdentity().notNull(),
    tenantId: text('tenant_id').notNull(),
    storeId: text('store_id')
      .notNull()
      .references(() => stores.id),
    zoneId: text('zone_id').references(() => zones.id, { onDelete: 'set null' }),
    orgPath: text('org_path').notNull(),
    profileId: text('profile_id')
      .notNull()
      .references(() => deviceProfiles.id),
    name: text('name').notNull(),
    label: text('label'),
    type: text('type').notNull().default('default'),
    isGateway: boolean('is_gateway').notNull().default(false),
    gatewayId: text('gateway_id').references((): AnyPgColumn => devices.id, { onDelete: 'set null' }),
    provisionedAt: timestamp('provisioned_at', { withTimezone: true }),
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true }),
    online: boolean('online').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('devices_tenant_name_uq').on(t.tenantId, t.name),
    uniqueIndex('devices_sid_uq').on(t.sid),
    index('devices_tenant_path_idx').on(t.tenantId, sql`${t.orgPath} text_pattern_ops`, t.name),
    index('devices_store_idx').on(t.storeId, t.name),
    index('devices_profile_idx').on(t.profileId),
    index('devices_gateway_idx').on(t.gatewayId),
  ],
);

export const credentialTypes = ['access_token', 'mqtt_basic'] as const;
export type CredentialType = (typeof credentialTypes)[number];

/**
 * How a device proves who it is: an access token (stored as its SHA-256, looked up by it) or MQTT basic
 * (client id and/or user name, argon2id password hash). One row per device; revoking keeps the row.
 */
export const deviceCredentials = pgTable(
  'device_credentials',
  {
    deviceId: text('device_id')
      .primaryKey()
      .references(() => devices.id, { onDelete: 'cascade' }),
    tenantId: text('tenant_id').notNull(),
    type: text('type').$type<CredentialType>().notNull(),
    tokenHash: text('token_hash'),
    tokenPrefix: text('token_prefix'),
    clientId: text('client_id'),
    username: text('username'),
    passwordHash: text('password_hash'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('device_credentials_token_uq').on(t.tokenHash).where(sql`${t.tokenHash} IS NOT NULL`),
    index('device_credentials_client_idx').on(t.clientId).where(sql`${t.clientId} IS NOT NULL`),
    index('device_credentials_username_idx').on(t.username).where(sql`${t.username} IS NOT NULL`),
  ],
);

export const attributeScopes = ['client', 'server', 'shared'] as const;
export type AttributeScope = (typeof attributeScopes)[number];

/** Device attributes: client (reported by the device), server (set by people), shared (set by people, pushed to the device). */
export const deviceAttributes = pgTable(
  'device_attributes',
  {
    tenantId: text('tenant_id').notNull(),
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    scope: text('scope').$type<AttributeScope>().notNull(),
    key: text('key').notNull(),
    value: jsonb('value').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.scope, t.key] })],
);

/** Telemetry key names, interned per tenant: telemetry rows carry the 4-byte id instead of the text. */
export const telemetryKeys = pgTable(
  'telemetry_keys',
  {
    id: integer('id').generatedAlwaysAsIdentity().primaryKey(),
    tenantId: text('tenant_id').notNull(),
    key: text('key').notNull(),
  },
  (t) => [uniqueIndex('telemetry_keys_tenant_key_uq').on(t.tenantId, t.key)],
);

/** The latest value of every key of every device, upserted in batches from memory (recoverable from telemetry). */
export const telemetryLatest = pgTable(
  'telemetry_latest',
  {
    deviceSid: integer('device_sid').notNull(),
    keyId: integer('key_id').notNull(),
    tenantId: text('tenant_id').notNull(),
    ts: bigint('ts', { mode: 'number' }).notNull(),
    numV: doublePrecision('num_v'),
    boolV: boolean('bool_v'),
    strV: text('str_v'),
    jsonV: jsonb('json_v'),
  },
  (t) => [primaryKey({ columns: [t.deviceSid, t.keyId] })],
);

export const rpcStatuses = ['QUEUED', 'SENT', 'DELIVERED', 'SUCCESSFUL', 'TIMEOUT', 'EXPIRED', 'FAILED'] as const;
export type RpcStatus = (typeof rpcStatuses)[number];

/** Server-side RPC requests and their outcome; persistent ones wait here for an offline device. */
export const deviceRpc = pgTable(
  'device_rpc',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    /** The integer id devices see on `v1/devices/me/rpc/request/{id}`. */
    requestId: integer('request_id').generatedAlwaysAsIdentity({ cycle: true, minValue: 1, maxValue: 2147483647 }).notNull(),
    method: text('method').notNull(),
    params: jsonb('params'),
    oneway: boolean('oneway').notNull(),
    persistent: boolean('persistent').notNull(),
    status: text('status').$type<RpcStatus>().notNull(),
    timeoutMs: integer('timeout_ms').notNull(),
    response: jsonb('response'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    index('device_rpc_device_idx').on(t.deviceId, t.createdAt),
    index('device_rpc_request_idx').on(t.deviceId, t.requestId),
    index('device_rpc_open_idx').on(t.deviceId, t.createdAt).where(sql`${t.status} IN ('QUEUED', 'SENT', 'DELIVERED')`),
  ],
);

/** Dropped messages per device and reason (bad JSON, too large, rate limited…), flushed from memory every few seconds. */
export const deviceDropCounters = pgTable(
  'device_drop_counters',
  {
    tenantId: text('tenant_id').notNull(),
    deviceId: text('device_id').notNull(),
    reason: text('reason').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
    lastAt: timestamp('last_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.reason] })],
);

/** Watermarks of the telemetry pipeline (latest values flushed up to, rollups done up to): system state, not tenant data. */
export const devicePipelineState = pgTable('device_pipeline_state', {
  name: text('name').primaryKey(),
  value: bigint('value', { mode: 'number' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
