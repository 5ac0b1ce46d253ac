// The shapes the StoreOS REST API answers with (docs/api.md), as the console reads them.

/** A list page: `nextCursor` is null on the last page. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Grant {
  id: string;
  role: string;
  orgUnitId: string;
  orgUnitName: string;
}

export interface Session {
  user: {
    id: string;
    email: string;
    name: string;
    tenantId: string;
    tenantSlug: string;
    tenantName: string;
  };
  grants: Grant[];
  permissions: string[];
  csrfToken: string;
}

/** `area` is a level a tenant may add below a region (a district, a mall). */
export type OrgUnitKind = 'group' | 'business_unit' | 'region' | 'area' | 'store';
export const orgUnitKinds: readonly OrgUnitKind[] = ['group', 'business_unit', 'region', 'area', 'store'];

export interface OrgUnit {
  id: string;
  parentId: string | null;
  kind: OrgUnitKind;
  code: string;
  name: string;
  nameEn: string | null;
  depth: number;
}

export type StoreStatus = 'planned' | 'opening' | 'open' | 'temporarily_closed' | 'closed';
export const storeStatuses: readonly StoreStatus[] = ['planned', 'opening', 'open', 'temporarily_closed', 'closed'];

export type StoreFormat = 'flagship' | 'standard' | 'compact';
export const storeFormats: readonly StoreFormat[] = ['flagship', 'standard', 'compact'];

export interface Store {
  id: string;
  orgUnitId: string;
  parentOrgUnitId: string;
  parentName: string;
  code: string;
  name: string;
  nameEn: string | null;
  status: StoreStatus;
  format: StoreFormat;
  city: string;
  address: string;
  latitude: number | null;
  longitude: number | null;
  timeZone: string;
  floorArea: number | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One opening range of a weekday; day 1 is Monday, 7 Sunday. */
export interface WeeklyHoursRange {
  day: number;
  opens: string;
  closes: string;
}

export interface SpecialHours {
  id: string;
  startDate: string;
  endDate: string;
  closed: boolean;
  opens: string | null;
  closes: string | null;
  note: string | null;
}

export interface Zone {
  id: string;
  name: string;
  kind: string;
  floorArea: number | null;
}

export interface StoreDetail extends Store {
  weeklyHours: WeeklyHoursRange[];
  specialHours: SpecialHours[];
  zones: Zone[];
  openNow: boolean;
}

/** Counts of the stores under an org unit (GET /stores/summary). */
export interface StoreSummary {
  byStatus: Partial<Record<StoreStatus, number>>;
  byFormat: Partial<Record<StoreFormat, number>>;
  total: number;
}

export interface User {
  id: string;
  email: string;
  name: string;
  status: 'active' | 'disabled';
  createdAt: string;
  lastSignInAt: string | null;
  grants: Grant[];
}

export interface Role {
  role: string;
  permissions: string[];
}

export interface ApiKey {
  id: string;
  name: string;
  role: string;
  orgUnitId: string | null;
  orgUnitName: string | null;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface AuditEntry {
  id: string | number;
  at: string;
  actorType: 'user' | 'api_key' | 'system';
  actorId: string;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string;
  before: JsonValue;
  after: JsonValue;
}

/** The kinds a zone of a store may have. */
export const zoneKinds = ['sales_floor', 'showroom', 'experience', 'service_desk', 'checkout', 'warehouse', 'office', 'other'] as const;
export type ZoneKind = (typeof zoneKinds)[number];

// ---- Devices, telemetry, alarms (src/modules/devices, docs/devices.md, docs/alarms.md) ----

/** The kinds of device a profile may have. */
export const deviceKinds = ['fridge', 'freezer', 'hvac', 'meter', 'people_counter', 'signage', 'pos', 'network', 'gateway', 'other'] as const;
export type DeviceKind = (typeof deviceKinds)[number];

/** How a profile lets devices register themselves (ThingsBoard provisioning). */
export const provisionStrategies = ['disabled', 'allow_create_new', 'check_pre_provisioned'] as const;
export type ProvisionStrategy = (typeof provisionStrategies)[number];

export interface DeviceProfile {
  id: string;
  name: string;
  description: string | null;
  kind: string;
  isDefault: boolean;
  telemetryRetentionDays: number;
  inactivityTimeoutSeconds: number;
  defaultChartKeys: string[];
  provisionStrategy: string;
  /** Null unless the caller holds devices:profiles. */
  provisionKey: string | null;
  provisionSecret: string | null;
  provisionStoreId: string | null;
  alarmRuleCount: number;
  createdAt: string;
  updatedAt: string;
}

/** A telemetry value: a number, a boolean, a string or JSON. */
export type TelemetryValue = JsonValue;

/** The latest value of one key (ts in ms since epoch). */
export interface LatestValue {
  key: string;
  ts: number;
  value: TelemetryValue;
}

export interface Device {
  id: string;
  name: string;
  label: string | null;
  type: string;
  storeId: string;
  storeCode: string;
  storeName: string;
  zoneId: string | null;
  profileId: string;
  profileName: string;
  kind: string;
  isGateway: boolean;
  gatewayId: string | null;
  online: boolean;
  lastActivityAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Why the server dropped a device's message. */
export const dropReasons = ['invalid_json', 'invalid_shape', 'too_large', 'rate_limited', 'unknown_topic', 'forbidden_topic', 'suppressed'] as const;
export type DropReason = (typeof dropReasons)[number];

export interface DeviceDetail extends Device {
  zoneName: string | null;
  telemetryRetentionDays: number;
  inactivityTimeoutSeconds: number;
  defaultChartKeys: string[];
  latest: LatestValue[];
  drops: { reason: string; count: number; lastAt: string }[];
  credentials: { type: string; tokenPrefix: string | null; revoked: boolean } | null;
}

export type CredentialType = 'access_token' | 'mqtt_basic';

export interface DeviceCredentials {
  type: string;
  tokenPrefix: string | null;
  clientId: string | null;
  username: string | null;
  hasPassword: boolean;
  revoked: boolean;
  updatedAt: string;
}

export const attributeScopes = ['client', 'server', 'shared'] as const;
export type AttributeScope = (typeof attributeScopes)[number];

export interface DeviceAttribute {
  key: string;
  value: JsonValue;
  lastUpdateTs: number;
}

export const telemetryAggregations = ['NONE', 'AVG', 'MIN', 'MAX', 'SUM', 'COUNT'] as const;
export type TelemetryAggregation = (typeof telemetryAggregations)[number];

/** GET /devices/{id}/telemetry: points per key. */
export interface TelemetrySeries {
  agg: string;
  interval: number | null;
  source: 'raw' | 'rollups';
  data: Record<string, { ts: number; value: TelemetryValue }[]>;
}

export const rpcStatuses = ['QUEUED', 'SENT', 'DELIVERED', 'SUCCESSFUL', 'TIMEOUT', 'EXPIRED', 'FAILED'] as const;
export type RpcStatus = (typeof rpcStatuses)[number];

export interface DeviceRpc {
  id: string;
  deviceId: string;
  requestId: number;
  method: string;
  params: JsonValue;
  oneway: boolean;
  persistent: boolean;
  status: string;
  timeoutMs: number;
  response: JsonValue;
  error: string | null;
  createdAt: string;
  expiresAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
  completedAt: string | null;
}

/** Severities, highest first. */
export const alarmSeverities = ['CRITICAL', 'MAJOR', 'MINOR', 'WARNING', 'INDETERMINATE'] as const;
export type AlarmSeverity = (typeof alarmSeverities)[number];

export const alarmStatuses = ['ACTIVE_UNACK', 'ACTIVE_ACK', 'CLEARED_UNACK', 'CLEARED_ACK'] as const;
export type AlarmStatus = (typeof alarmStatuses)[number];

export interface AlarmDetails {
  message?: string;
  condition?: string;
  values?: Record<string, JsonValue>;
}

export interface Alarm {
  id: string;
  deviceId: string;
  deviceName: string;
  storeId: string;
  profileId: string;
  type: string;
  severity: AlarmSeverity;
  status: AlarmStatus;
  propagate: boolean;
  details: AlarmDetails;
  startedAt: string;
  endedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  clearedAt: string | null;
  clearedBy: string | null;
  updatedAt: string;
}

/** An alarm in a list: with its store. */
export interface ListedAlarm extends Alarm {
  storeName: string;
  storeCode: string;
}

/** GET /alarms/summary. */
export interface AlarmSummary {
  activeBySeverity: Partial<Record<AlarmSeverity, number>>;
  byStatus: { ACTIVE_UNACK: number; ACTIVE_ACK: number; CLEARED_UNACK: number };
  active: number;
  unacknowledged: number;
}

/** A change the server pushes on GET /live (Server-Sent Events). */
export type LiveEvent =
  | { kind: 'telemetry'; deviceId: string; storeId: string; points: { ts: number; key: string; value: TelemetryValue }[] }
  | { kind: 'alarm'; deviceId: string; storeId: string; alarm: Alarm }
  | { kind: 'status'; deviceId: string; storeId: string; online: boolean; lastActivityAt: number };

// Alarm rules (src/modules/devices/alarm-rules.ts): one rule per alarm type, create conditions per severity.

/** Where a rule reads a key: telemetry, an attribute scope, or `attribute` (server, then shared, then client). */
export const ruleKeySources = ['telemetry', 'attribute', 'client', 'server', 'shared'] as const;
export type RuleKeySource = (typeof ruleKeySources)[number];

/** A threshold read from one of the device's attributes, with a fallback. */
export interface AttributeOperand {
  attribute: string;
  scope?: 'attribute' | 'client' | 'server' | 'shared';
  default?: number | string | boolean;
}
export type RuleOperand = number | string | boolean | AttributeOperand;

export type RuleCompareOp = '>' | '>=' | '<' | '<=' | '==' | '!=' | 'contains' | 'startsWith' | 'endsWith';
export type RuleRangeOp = 'between' | 'outside';

export interface RuleCompareLeaf {
  op: RuleCompareOp;
  key: string;
  source?: RuleKeySource;
  value: RuleOperand;
  ignoreCase?: boolean;
}
export interface RuleRangeLeaf {
  op: RuleRangeOp;
  key: string;
  source?: RuleKeySource;
  min: number | AttributeOperand;
  max: number | AttributeOperand;
}
export type RuleExpression = RuleCompareLeaf | RuleRangeLeaf | { op: 'and' | 'or'; conditions: RuleExpression[] } | { op: 'not'; condition: RuleExpression };

export type TimeUnit = 'seconds' | 'minutes' | 'hours' | 'days';
export type RuleSpec =
  | { type: 'simple' }
  | { type: 'duration'; value: number; unit: TimeUnit }
  | { type: 'repeating'; count: number; within?: { value: number; unit: TimeUnit } };

export interface RuleCondition {
  expression: RuleExpression;
  spec?: RuleSpec;
}

export interface AlarmRule {
  alarmType: string;
  createConditions: Partial<Record<AlarmSeverity, RuleCondition>>;
  clearCondition?: RuleCondition;
  propagate?: boolean;
  details?: string;
}

/** GET /device-profiles/{id}/alarm-rules: the export document (PUT takes it back). */
export interface AlarmRulesDocument {
  format: 'storeos.alarm-rules/v1';
  profile: { id: string; name: string; kind: string };
  exportedAt: string;
  rules: AlarmRule[];
}

/** How one (sub-)expression evaluated in a rule test: its text, its outcome and the values it read. */
export interface RuleExplain {
  text: string;
  result: boolean;
  key?: string;
  source?: RuleKeySource;
  actual?: JsonValue;
  expected?: JsonValue;
  min?: JsonValue;
  max?: JsonValue;
  children?: RuleExplain[];
}

export interface RuleTestEvaluation {
  ts: number;
  trigger: 'data' | 'timer';
  matched: boolean;
  fires: boolean;
  heldMs?: number;
  firesAt?: number;
  count?: number;
  explain: RuleExplain;
}

/** POST /device-profiles/{id}/alarm-rules/test: per rule, what each condition did with the sample. */
export interface RuleTestReport {
  rules: {
    alarmType: string;
    conditions: {
      severity: AlarmSeverity | 'clear';
      expression: string;
      spec: RuleSpec;
      fired: boolean;
      firstFiredAt: number | null;
      pending: { since: number; firesAt: number } | null;
      evaluations: RuleTestEvaluation[];
    }[];
    timeline: { ts: number; change: 'created' | 'severity_changed' | 'cleared'; severity: AlarmSeverity; trigger: 'data' | 'timer' }[];
    finalAlarm: { severity: AlarmSeverity } | null;
  }[];
}
