import type { Database } from '../../kernel/db.ts';
import type { Logger } from '../../kernel/logger.ts';
import type { AlarmEngine } from './contract.ts';
import type { DeviceActivity } from './device-activity.ts';
import type { DeviceMetrics } from './device-metrics.ts';
import type { DeviceRegistry } from './device-registry.ts';
import type { RpcEngine } from './device-rpc.ts';
import type { DropCounters } from './drop-counters.ts';
import type { LatestValues } from './latest-values.ts';
import type { LiveHub } from './live-feed.ts';
import type { TelemetryKeys } from './telemetry-keys.ts';
import type { TelemetryPartitions } from './telemetry-partitions.ts';

/** Limits on device messages (MQTT_MAX_PAYLOAD and MQTT_DEVICE_RATE apply to the HTTP device API too). */
export interface DeviceLimits {
  maxPayload: number;
  /** Messages per second per device on the HTTP device API, bursts of twice that; 0 is no limit. */
  deviceRate: number;
  /** Longest HTTP long poll for RPC, ms. */
  maxPollMs: number;
}

/** What a node of the devices module holds: caches and in-memory state, shared by the ingest path and the services. */
export interface DevicesRuntime {
  db: Database;
  log: Logger;
  /** This process among the nodes; notices it sent itself are ignored. */
  nodeId: string;
  registry: DeviceRegistry;
  keys: TelemetryKeys;
  partitions: TelemetryPartitions;
  activity: DeviceActivity;
  latest: LatestValues;
  drops: DropCounters;
  live: LiveHub;
  metrics: DeviceMetrics;
  rpc: RpcEngine;
  limits: DeviceLimits;
  alarms: { engine: AlarmEngine | undefined };
}
