/**
 * The seams inside the devices module: the transports (MQTT endpoint, HTTP device API) call `DeviceIngress`;
 * the ingest pipeline calls `AlarmEngine`; both push to connected devices through `DeviceOutbound`.
 * Each side is written against these types, so they can be built and tested apart.
 */

/** A device as a transport knows it after its credential checked out. Cached; never a database read per message. */
export interface DeviceIdentity {
  deviceId: string;
  tenantId: string;
  storeId: string;
  /** Copied from the store: scoping of everything the device writes. */
  orgPath: string;
  profileId: string;
  name: string;
  isGateway: boolean;
}

/** One telemetry data point: a key's value at a time (ms since epoch). Values are numbers, booleans, strings or JSON. */
export interface DataPoint {
  ts: number;
  key: string;
  value: number | boolean | string | Record<string, unknown> | unknown[];
}

/** Why a message was dropped: counted per device and reason in /metrics and shown on the device page. */
export type DropReason = 'invalid_json' | 'invalid_shape' | 'too_large' | 'rate_limited' | 'unknown_topic' | 'forbidden_topic' | 'suppressed';

/** Thrown by ingress calls for a message that must be dropped (the connection carries on). */
export class DroppedMessage extends Error {
  constructor(
    readonly reason: DropReason,
    message: string,
  ) {
    super(message);
    this.name = 'DroppedMessage';
  }
}

/** A server-side RPC request as a device receives it. */
export interface RpcRequest {
  /** Integer request id as ThingsBoard uses on topics (`v1/devices/me/rpc/request/{id}`). */
  requestId: number;
  method: string;
  params: unknown;
  oneway: boolean;
}

/** What the transports may ask of the devices service. Every write resolves only after it is committed. */
export interface DeviceIngress {
  /** The device behind an access token (MQTT user name with empty password, or the HTTP path token). */
  byAccessToken(token: string): Promise<DeviceIdentity | undefined>;
  /** The device behind MQTT basic credentials (client id, user name, password). */
  byBasicCredentials(clientId: string, username: string, password: string): Promise<DeviceIdentity | undefined>;
  /**
   * Parses a ThingsBoard telemetry payload (`{"k":v}`, `{"ts","values"}` or an array of those) and stores it;
   * resolves after COMMIT (so PUBACK / HTTP 200 can follow), throws DroppedMessage for bad input or a flood.
   */
  telemetry(device: DeviceIdentity, payload: Buffer, receivedAt: number): Promise<{ points: number }>;
  /**
   * The same with a callback (the MQTT hot path: no promise per message); `done` gets the error, or null after COMMIT,
   * and `context` back (one callback for every message, no closure per message).
   */
  telemetryThen?<C>(device: DeviceIdentity, payload: Buffer, receivedAt: number, done: (err: Error | null, context: C) => void, context: C): void;
  /** Stores client-side attributes (`{"k":v}`), after COMMIT. */
  clientAttributes(device: DeviceIdentity, payload: Buffer): Promise<void>;
  /** Answers an attributes request: `{"client":{...},"shared":{...}}` for the named keys (all when none named). */
  attributes(
    device: DeviceIdentity,
    clientKeys: string[] | undefined,
    sharedKeys: string[] | undefined,
  ): Promise<{ client: Record<string, unknown>; shared: Record<string, unknown> }>;
  /** The device answered a server-side RPC. */
  rpcReply(device: DeviceIdentity, requestId: number, payload: Buffer): Promise<void>;
  /** The device asks the server (client-side RPC): the answer is sent back on `.../rpc/response/{id}`. */
  clientRpc(device: DeviceIdentity, payload: Buffer): Promise<unknown>;
  /** The transport holds a live connection for the device (online), or lost it (offline after the profile's timeout). */
  connected(device: DeviceIdentity, transport: DeviceOutbound): void;
  disconnected(device: DeviceIdentity, transport: DeviceOutbound): void;
  /** A gateway names a sub-device: found or created in the gateway's store, with the gateway as its parent. */
  subDevice(gateway: DeviceIdentity, name: string, type?: string): Promise<DeviceIdentity>;
  /** Device self-registration with a profile's provision key and secret (ThingsBoard provisioning request/response JSON). */
  provision(request: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Counts a dropped message for the device (or for an unknown sender when undefined). */
  dropped(device: DeviceIdentity | undefined, reason: DropReason): void;
}

/** How the devices service reaches a connected device: implemented by the MQTT endpoint and the HTTP long poll. */
export interface DeviceOutbound {
  /** Shared-attribute updates (`{"k":v}`) or deletions (`{"deleted":["k"]}`). */
  sharedAttributes(deviceId: string, payload: Record<string, unknown>): void;
  /** Delivers a server-side RPC; resolves true when handed to the device (QoS 1 acknowledged for MQTT). */
  rpc(deviceId: string, request: RpcRequest): Promise<boolean>;
  /** Ends every live session of the device on this node at once: its credentials changed or were revoked, or it was deleted. */
  disconnect(deviceId: string): void;
}

/** Evaluates a profile's alarm rules as data arrives; implemented in alarm-engine.ts. */
export interface AlarmEngine {
  /** Called once a message is parsed and checked, before its batch commits (alarm latency starts at publish, ends at the alarm's commit). */
  onTelemetry(device: DeviceIdentity, points: DataPoint[]): Promise<void>;
  /** Called after attributes of a device changed (rules may read attributes). */
  onAttributes(device: DeviceIdentity, scope: 'client' | 'server' | 'shared', values: Record<string, unknown>): Promise<void>;
}

/** A change people watch live (console device and store pages): latest values and alarm changes. */
export type LiveEvent =
  | { kind: 'telemetry'; deviceId: string; storeId: string; points: DataPoint[] }
  | { kind: 'alarm'; deviceId: string; storeId: string; alarm: Record<string, unknown> }
  | { kind: 'status'; deviceId: string; storeId: string; online: boolean; lastActivityAt: number };

/**
 * Whose live events a subscriber follows: a device, a store, or org-unit subtrees (`orgPaths`, e.g. a region or the
 * caller's whole scope), optionally only some kinds of event. An empty filter follows the whole tenant.
 */
export interface LiveFilter {
  deviceId?: string;
  storeId?: string;
  orgPaths?: string[];
  kinds?: LiveEvent['kind'][];
}

/** The in-process fan-out of live events to SSE subscribers, scoped by tenant. Implemented in live-feed.ts. */
export interface LiveFeed {
  /** `orgPath` is the device's place in the org tree: subtree subscribers only hear events that carry one. */
  publish(tenantId: string, event: LiveEvent, orgPath?: string): void;
  subscribe(tenantId: string, filter: LiveFilter, listener: (event: LiveEvent) => void): () => void;
}
