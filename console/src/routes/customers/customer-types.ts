// The shapes the customer data platform's REST API answers with (docs/customers.md, docs/collection.md).

export const sourceChannels = ['web', 'app', 'pos', 'wifi', 'crm', 'service_desk'] as const;
export type SourceChannel = (typeof sourceChannels)[number];

export interface Source {
  id: string;
  name: string;
  channel: SourceChannel;
  storeId: string | null;
  storeName: string | null;
  writeKeyPrefix: string;
  enabled: boolean;
  rateLimit: number | null;
  keyRotatedAt: string;
  previousKeyExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A source right after it was made or its key rotated: the write key, shown this once. */
export interface SourceWithKey extends Source {
  writeKey: string;
}

export const debugStatuses = ['stored', 'duplicate', 'rejected', 'suppressed', 'failed'] as const;
export type DebugStatus = (typeof debugStatuses)[number];

export interface DebugEntry {
  at: string;
  status: DebugStatus;
  reason: string | null;
  messageId: string | null;
  type: string | null;
  event: string | null;
  raw: unknown;
  truncated: boolean;
}

export interface SourceDebugger {
  events: DebugEntry[];
  errors: (DebugEntry & { id: number })[];
}

export const identifierTypes = ['email', 'phone', 'member_card', 'user_id', 'anonymous_id', 'device_id'] as const;
export type BuiltInIdentifierType = (typeof identifierTypes)[number];

export interface Identity {
  type: string;
  value: string;
  linkedAt: string;
}

export interface Consent {
  purpose: string;
  channel: string;
  granted: boolean;
  source: string;
  at: string;
}

export interface Rfm {
  recency: number | null;
  frequency: number | null;
  monetary: number | null;
  score: string | null;
  lastOrderAt: string | null;
  ordersInWindow: number;
  revenueInWindow: number;
  lifetimeValue: number;
  lifetimeOrders: number;
}

export interface Profile {
  id: string;
  firstSeenAt: string;
  lastSeenAt: string;
  mergedProfileIds: string[];
  identities: Identity[];
  traits: Record<string, unknown>;
  computedTraits: Record<string, unknown>;
  rfm: Rfm;
  preferredStoreId: string | null;
  stores: { storeId: string; visits: number; purchases: number; revenue: number; lastAt: string }[];
  segments: { id: string; name: string; enteredAt: string }[];
  consents: Consent[];
}

export interface ProfileSearchHit {
  id: string;
  matched: { type: string; value: string };
  traits: Record<string, unknown>;
  lastSeenAt: string;
}

export interface CustomerEvent {
  messageId: string;
  type: string;
  event: string | null;
  channel: string;
  sourceId: string;
  storeId: string | null;
  timestamp: string;
  receivedAt: string;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
}

export interface IdentityLogEntry {
  kind: string;
  profileId: string;
  otherProfileId: string | null;
  identifiers: { type: string; value: string }[];
  reason: string;
  messageId: string | null;
  actor: string | null;
  at: string;
}

export interface TraitChange {
  key: string;
  value: unknown;
  at: string;
  messageId: string | null;
  source: string;
}

export interface ProfileActivity {
  from: string;
  daily: { day: string; channel: string; count: number }[];
  channels: { channel: string; count: number }[];
  stores: { storeId: string; code: string | null; name: string | null; count: number }[];
}

export interface RfmDistribution {
  profiles: number;
  buyers: number;
  lifetimeValue: number;
  recency: number[];
  frequency: number[];
  monetary: number[];
  cells: { score: string; count: number }[];
}

export const valueOps = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'in', 'exists', 'not_exists'] as const;
export type ValueOp = (typeof valueOps)[number];
export const countOps = ['gte', 'gt', 'eq', 'lte', 'lt'] as const;
export type CountOp = (typeof countOps)[number];
export const rfmMetrics = ['r', 'f', 'm', 'recency_days', 'frequency', 'monetary', 'lifetime_value', 'lifetime_orders'] as const;
export type RfmMetric = (typeof rfmMetrics)[number];
export type CompareOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte';

export type FilterValue = string | number | boolean | (string | number)[];

export interface PropertyFilter {
  property: string;
  op: ValueOp;
  value?: FilterValue;
}

/** One node of a segment definition (the server's `conditionSchema`). */
export type Condition =
  | { type: 'and'; conditions: Condition[] }
  | { type: 'or'; conditions: Condition[] }
  | { type: 'not'; condition: Condition }
  | { type: 'trait'; trait: string; op: ValueOp; value?: FilterValue }
  | { type: 'computed_trait'; key: string; op: ValueOp; value?: FilterValue }
  | { type: 'rfm'; metric: RfmMetric; op: CompareOp; value: number }
  | { type: 'event'; event: string; where?: PropertyFilter[]; count?: { op: CountOp; value: number }; withinDays?: number; notWithinDays?: number }
  | { type: 'store'; orgUnitId: string; activity: 'visited' | 'purchased'; withinDays?: number }
  | { type: 'consent'; purpose: string; channel?: string; granted: boolean }
  | { type: 'segment'; segmentId: string; member?: boolean };

export type ConditionType = Condition['type'];

export interface SegmentProgress {
  phase?: string;
  done?: number;
  total?: number;
  entered?: number;
  exited?: number;
  startedAt?: string;
  finishedAt?: string;
}

export interface Segment {
  id: string;
  name: string;
  description: string | null;
  definition: Condition;
  version: number;
  status: 'computing' | 'ready' | 'failed' | string;
  progress: SegmentProgress;
  memberCount: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface SegmentPreview {
  count: number;
  total: number;
  tookMs: number;
  sample: { profileId: string; traits: Record<string, unknown>; lastSeenAt: string }[];
}

export interface SegmentMember {
  profileId: string;
  enteredAt: string;
  traits: Record<string, unknown>;
}

/** Why a membership changed (segment_history.reason). */
export const membershipReasons = ['event', 'timer', 'recompute', 'merged', 'deleted', 'rebuild'] as const;

/** An entry into or exit from a segment: who, when, why. */
export interface SegmentChange {
  profileId: string;
  kind: 'entered' | 'exited';
  reason: (typeof membershipReasons)[number];
  at: string;
  traits: Record<string, unknown>;
}

export interface SegmentSize {
  day: string;
  size: number;
  entered: number;
  exited: number;
}

export const computedTraitKinds = ['count', 'sum', 'min', 'max', 'avg', 'first', 'last', 'most_frequent', 'unique'] as const;
export type ComputedTraitKind = (typeof computedTraitKinds)[number];

export interface ComputedTraitDefinition {
  kind: ComputedTraitKind;
  event: string;
  property?: string;
  where?: PropertyFilter[];
  windowDays?: number;
}

export interface ComputedTrait {
  id: string;
  key: string;
  name: string;
  definition: ComputedTraitDefinition;
  status: string;
  createdAt: string;
  updatedAt: string;
}

export interface CustomerSettings {
  identity: {
    limits: Record<string, number>;
    priority: string[];
    blocked: Record<string, string[]>;
    custom: { type: string; paths: string[] }[];
  };
  rfm: { orderEvent: string; frequencyDays: number; monetaryDays: number };
  boundaries: { recency: number[]; frequency: number[]; monetary: number[] };
}

export interface PrivacyRequest {
  id: string;
  kind: 'deletion' | 'export' | string;
  status: 'pending' | 'running' | 'completed' | 'failed' | string;
  profileId: string | null;
  requestedBy: string;
  reason: string | null;
  receipt: Record<string, unknown> | null;
  error: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface PrivacyRequestDetail {
  id: string;
  kind: string;
  status: string;
  receipt: Record<string, unknown> | null;
  export: Record<string, unknown> | null;
}
