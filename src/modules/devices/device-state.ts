import type { DataPoint, DeviceIdentity, DeviceOutbound } from './contract.ts';

/**
 * What a node keeps in memory per device it hears from: the identity transports hold, what the ingest path needs
 * without a database read (surrogate id, retention, rate bucket), and the activity and latest values that are
 * written to the database in batches every few seconds instead of per message.
 */
export interface DeviceState {
  /** The object handed to transports; refreshed in place when the device changes. */
  identity: DeviceIdentity;
  sid: number;
  retentionDays: number;
  inactivityMs: number;
  gatewayId: string | null;
  /** Messages are refused: the device was deleted or its credentials revoked. */
  refused: 'deleted' | 'revoked' | undefined;
  /** Changed in the database: reloaded before its next use. */
  stale: boolean;
  /** Credential-cache entries pointing here, dropped when the device changes. */
  cacheKeys: string[];
  /** Last message or connection, ms; 0 when never seen. */
  lastActivityAt: number;
  /** When the activity was last written to the database, ms. */
  activityWrittenAt: number;
  activityDirty: boolean;
  online: boolean;
  /** Live connections on this node (MQTT sessions, HTTP long polls), counted per transport object. */
  outbounds: Map<DeviceOutbound, number>;
  /** Token bucket of the per-device rate limit (HTTP device API). */
  bucket: number;
  bucketAt: number;
  /** Latest committed value per key, and those not yet upserted into telemetry_latest. */
  latest: Map<string, DataPoint>;
  latestDirty: Map<string, DataPoint> | undefined;
  /** The keys of the device's last telemetry payload, in order: the next one with the same keys makes no key strings. */
  payloadKeys: readonly string[] | undefined;
}

/** A device row joined with what the ingest path needs from its profile and credentials. */
export interface DeviceStateRow {
  id: string;
  sid: number;
  tenant_id: string;
  store_id: string;
  org_path: string;
  profile_id: string;
  name: string;
  is_gateway: boolean;
  gateway_id: string | null;
  online: boolean;
  last_activity_ms: number | null;
  retention_days: number;
  inactivity_s: number;
  revoked: boolean;
}

/** The columns of a state row (`c` is the device's credentials). */
export const stateColumns = `d.id, d.sid, d.tenant_id, d.store_id, d.org_path, d.profile_id, d.name, d.is_gateway, d.gateway_id, d.online,
  (extract(epoch FROM d.last_activity_at) * 1000)::float8 AS last_activity_ms,
  p.telemetry_retention_days AS retention_days, p.inactivity_timeout_seconds AS inactivity_s,
  COALESCE(c.revoked_at IS NOT NULL, false) AS revoked`;
/** Where a state row comes from. */
export const stateFrom = 'FROM devices d JOIN device_profiles p ON p.id = d.profile_id LEFT JOIN device_credentials c ON c.device_id = d.id';
/** The SELECT a state is loaded with; add a WHERE. */
export const stateSelect = `SELECT ${stateColumns} ${stateFrom}`;

/** A fresh state from its row. */
export function newState(row: DeviceStateRow): DeviceState {
  const state: DeviceState = {
    identity: {
      deviceId: row.id,
      tenantId: row.tenant_id,
      storeId: row.store_id,
      orgPath: row.org_path,
      profileId: row.profile_id,
      name: row.name,
      isGateway: row.is_gateway,
    },
    sid: row.sid,
    retentionDays: row.retention_days,
    inactivityMs: row.inactivity_s * 1000,
    gatewayId: row.gateway_id,
    refused: row.revoked ? 'revoked' : undefined,
    stale: false,
    cacheKeys: [],
    lastActivityAt: row.last_activity_ms ?? 0,
    activityWrittenAt: row.last_activity_ms ?? 0,
    activityDirty: false,
    online: row.online,
    outbounds: new Map(),
    bucket: Number.NaN,
    bucketAt: 0,
    latest: new Map(),
    latestDirty: undefined,
    payloadKeys: undefined,
  };
  return state;
}

/** Refreshes a state from its row in place, keeping what lives only in memory (activity, connections, latest values). */
export function refreshState(state: DeviceState, row: DeviceStateRow): void {
  Object.assign(state.identity, {
    tenantId: row.tenant_id,
    storeId: row.store_id,
    orgPath: row.org_path,
    profileId: row.profile_id,
    name: row.name,
    isGateway: row.is_gateway,
  });
  state.sid = row.sid;
  state.retentionDays = row.retention_days;
  state.inactivityMs = row.inactivity_s * 1000;
  state.gatewayId = row.gateway_id;
  state.refused = row.revoked ? 'revoked' : undefined;
  state.stale = false;
}
