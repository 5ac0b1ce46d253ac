import { readAttributes, upsertAttributes } from './attributes.ts';
import { answerClientRpc } from './client-rpc.ts';
import { type DataPoint, type DeviceIdentity, type DeviceIngress, type DeviceOutbound, DroppedMessage, type DropReason } from './contract.ts';
import type { MessageKind, Transport } from './device-metrics.ts';
import type { DeviceState } from './device-state.ts';
import type { DevicesRuntime } from './devices-runtime.ts';
import { provisionDevice } from './provisioning.ts';
import { findOrCreateSubDevice } from './sub-devices.ts';
import { checkValue, parseAttributes, parseJson, parseTelemetry } from './telemetry-payload.ts';
import { flatEntry, readFlatTelemetry } from './telemetry-flat-payload.ts';
import { dayMs } from './telemetry-partitions.ts';
import type { TelemetryEntry } from './telemetry-rows.ts';
import type { TelemetryWriter } from './telemetry-writer.ts';

/** How far ahead of the server clock a device's timestamp may be (clock skew); partitions exist that far ahead. */
export const maxFutureMs = dayMs;

/**
 * How a telemetry message ends: committed (with the points stored) or refused. `context` is what the caller passed
 * with the message, handed back: one callback serves every message, with no closure per message.
 */
export type TelemetryDone<C> = (err: Error | null, context: C, result?: { points: number }) => void;

/** What the writer carries per message to the post-commit hand-off: its points, or (fast path) keys, one ts and values. */
export interface Committed {
  state: DeviceState;
  /** The caller's callback and context, called after COMMIT (settleCommitted). */
  done: TelemetryDone<unknown>;
  context: unknown;
  points: DataPoint[] | undefined;
  keys: readonly string[] | undefined;
  ts: number;
  values: number[] | undefined;
}

/**
 * The ingest pipeline behind both transports: checks a message against its device's state held in memory, parses it,
 * encodes its rows and appends them to the group-committing writer. No SQL per telemetry message: keys, partitions and
 * devices are cached; only a first-seen key, partition or device costs a query.
 */
export class Ingest {
  /** Per device, the messages its alarm rules saw last (a resend is not evaluated twice). */
  private readonly evaluated = new WeakMap<DeviceState, RecentMessages>();

  constructor(
    private readonly rt: DevicesRuntime,
    private readonly writer: TelemetryWriter<Committed>,
  ) {}

  /** The DeviceIngress a transport uses; calls are counted under its name, and only HTTP is rate-limited here (MQTT limits per connection). */
  forTransport(transport: Transport): DeviceIngress {
    const rt = this.rt;
    return {
      byAccessToken: async (token) => (await rt.registry.byToken(token))?.identity,
      byBasicCredentials: async (clientId, username, password) => (await rt.registry.byBasic(clientId, username, password))?.identity,
      telemetry: (device, payload, receivedAt) => this.telemetry(transport, device, payload, receivedAt),
      telemetryThen: (device, payload, receivedAt, done, context) => this.telemetryThen(transport, device, payload, receivedAt, done, context),
      clientAttributes: (device, payload) => this.clientAttributes(transport, device, payload),
      attributes: (device, clientKeys, sharedKeys) => this.attributes(transport, device, clientKeys, sharedKeys),
      rpcReply: (device, requestId, payload) => this.rpcReply(transport, device, requestId, payload),
      clientRpc: (device, payload) => this.clientRpc(transport, device, payload),
      connected: (device, outbound) => this.connected(device, outbound),
      disconnected: (device, outbound) => this.disconnected(device, outbound),
      subDevice: async (gateway, name, type) => (await findOrCreateSubDevice(rt, await this.state(gateway), name, type)).identity,
      provision: (request) => {
        rt.metrics.message(transport, 'provision');
        return provisionDevice(rt, request);
      },
      dropped: (device, reason) => this.dropped(device, reason),
    };
  }

  /** Counts a dropped message: in Prometheus by reason, per device in the database. */
  dropped(device: DeviceIdentity | undefined, reason: DropReason): void {
    this.rt.metrics.dropped(reason);
    if (device) this.rt.drops.count(device.tenantId, device.deviceId, reason);
  }

  /** The device's state when it is held and current (the hot path: no promise), else undefined. */
  private heldState(device: DeviceIdentity): DeviceState | undefined {
    const state = this.rt.registry.states.get(device.deviceId);
    return state && !state.stale ? state : undefined;
  }

  /** The device's state, reloaded when it changed; refuses messages of a deleted or revoked device. */
  private async state(device: DeviceIdentity): Promise<DeviceState> {
    const state = this.heldState(device) ?? (await this.rt.registry.byId(device.deviceId));
    if (!state) throw new DroppedMessage('suppressed', 'unknown device');
    return refuseGone(state);
  }

  /** Checks size and rate of a message against its device's state. */
  private check(transport: Transport, kind: MessageKind, payload: Buffer | undefined, state: DeviceState | undefined, now: number): void {
    this.rt.metrics.message(transport, kind);
    const { maxPayload, deviceRate } = this.rt.limits;
    if (payload && payload.length > maxPayload) throw new DroppedMessage('too_large', `payload is over ${maxPayload} bytes`);
    if (state && transport === 'http' && deviceRate > 0 && !takeToken(state, deviceRate, now)) {
      throw new DroppedMessage('rate_limited', `over ${deviceRate} messages a second`);
    }
  }

  /** Checks size and rate of a message and resolves its device. */
  private async admit(transport: Transport, kind: MessageKind, device: DeviceIdentity, payload: Buffer | undefined, now: number): Promise<DeviceState> {
    this.check(transport, kind, payload, undefined, now);
    const state = await this.state(device);
    this.check(transport, kind, undefined, state, now);
    return state;
  }

  /** Parses, checks and writes one telemetry message; resolves after COMMIT with the number of points stored. */
  telemetry(transport: Transport, device: DeviceIdentity, payload: Buffer, receivedAt: number): Promise<{ points: number }> {
    return new Promise((resolve, reject) => {
      this.telemetryThen(transport, device, payload, receivedAt, (err, _context, result) => (err ? reject(err) : resolve(result ?? resultOf(0))), undefined);
    });
  }

  /**
   * The same with a callback, the transports' hot path: no promise or closure of its own per message when the
   * device's state, key ids and partitions are held in memory (only a first-seen device, key or partition costs a
   * query). `done` is called once: at once for a message refused or with nothing to store, else after COMMIT.
   */
  telemetryThen<C>(transport: Transport, device: DeviceIdentity, payload: Buffer, receivedAt: number, done: TelemetryDone<C>, context: C): void {
    const held = this.heldState(device);
    if (!held) {
      this.admit(transport, 'telemetry', device, payload, receivedAt).then(
        (state) => this.store(state, payload, receivedAt, done, context),
        (err) => done(err, context),
      );
      return;
    }
    try {
      this.check(transport, 'telemetry', payload, held, receivedAt);
      refuseGone(held);
    } catch (err) {
      done(err as Error, context);
      return;
    }
    this.store(held, payload, receivedAt, done, context);
  }

  private store<C>(state: DeviceState, payload: Buffer, receivedAt: number, done: TelemetryDone<C>, context: C): void {
    // The usual payload is read from its bytes (telemetry-flat-payload.ts); any other goes through the full parser.
    if (readFlatTelemetry(payload, receivedAt, state.payloadKeys)) {
      this.storeFlat(state, payload, receivedAt, done, context);
      return;
    }
    const points: DataPoint[] = [];
    const entries: TelemetryEntry[] = [];
    let known = true;
    try {
      parseTelemetry(payload, receivedAt, points, entries);
      this.rt.activity.touch(state, receivedAt);
      const retention = state.retentionDays;
      const oldest = receivedAt - retention * dayMs;
      const newest = receivedAt + maxFutureMs;
      const keyIds = this.rt.keys.ofTenant(state.identity.tenantId);
      const partitions = this.rt.partitions;
      for (const p of points) {
        if (p.ts < oldest || p.ts > newest) throw outsideWindow(p.ts, retention);
        if (known && (keyIds?.get(p.key) === undefined || !partitions.has(retention, p.ts))) known = false;
      }
    } catch (err) {
      done(err as Error, context);
      return;
    }
    if (points.length === 0) {
      done(null, context, resultOf(0));
      return;
    }
    this.evaluateAlarms(state, payload, points);
    const tag = committed(done, context, state, points, undefined, 0, undefined);
    const result = resultOf(points.length);
    if (known) {
      this.writer.appendEntriesThen(state.sid, state.retentionDays, entries, tag, result, settleCommitted);
      return;
    }
    this.prepare(state, points).then(
      () => this.writer.appendEntriesThen(state.sid, state.retentionDays, entries, tag, result, settleCommitted),
      (err) => done(err, context),
    );
  }

  /**
   * A message read by the fast path: one timestamp, numbers only. What waits for the commit is its key list (the
   * device's, shared) and an array of doubles — no data point objects, which thousands of messages in flight would
   * otherwise carry through every young-generation collection.
   */
  private storeFlat<C>(state: DeviceState, payload: Buffer, receivedAt: number, done: TelemetryDone<C>, context: C): void {
    const { ts, start, end, keys, values } = flatEntry;
    state.payloadKeys = keys;
    this.rt.activity.touch(state, receivedAt);
    const retention = state.retentionDays;
    if (ts < receivedAt - retention * dayMs || ts > receivedAt + maxFutureMs) {
      done(outsideWindow(ts, retention), context);
      return;
    }
    const keyIds = this.rt.keys.ofTenant(state.identity.tenantId);
    let known = this.rt.partitions.has(retention, ts);
    for (let k = 0; known && k < keys.length; k++) if (keyIds?.get(keys[k]) === undefined) known = false;
    if (this.rt.alarms.engine) this.evaluateAlarms(state, payload, pointsOf(ts, keys, values));
    const tag = committed(done, context, state, undefined, keys, ts, values);
    const result = resultOf(keys.length);
    if (known) {
      this.writer.appendBytesThen(state.sid, retention, ts, payload, start, end, tag, result, settleCommitted);
      return;
    }
    this.prepare(state, pointsOf(ts, keys, values)).then(
      () => this.writer.appendBytesThen(state.sid, retention, ts, payload, start, end, tag, result, settleCommitted),
      (err) => done(err, context),
    );
  }

  /** Resolves first-seen keys and creates a missing partition (rare: once per key, and per day ahead at most). */
  private async prepare(state: DeviceState, points: DataPoint[]): Promise<void> {
    await this.rt.keys.resolve(
      state.identity.tenantId,
      points.map((p) => p.key),
    );
    await this.rt.partitions.ensure(
      state.retentionDays,
      points.map((p) => p.ts),
    );
  }

  /**
   * Alarm rules see a message as soon as it is parsed and checked, in arrival order per device — not after its batch
   * commits, so an alarm does not wait for the telemetry COPY (docs/alarms.md). A message resent after a failed COPY
   * (the device got no PUBACK) is evaluated once: the device's last messages are remembered by timestamp and content.
   */
  private evaluateAlarms(state: DeviceState, payload: Buffer, points: DataPoint[]): void {
    const engine = this.rt.alarms.engine;
    if (!engine) return;
    const ts = points[0].ts;
    const hash = contentHash(payload);
    let recent = this.evaluated.get(state);
    if (!recent) {
      recent = new RecentMessages();
      this.evaluated.set(state, recent);
    } else if (ts <= recent.newest && recent.has(ts, hash)) {
      // Only a message no newer than the newest one seen can be a resend: the usual one skips the search.
      return;
    }
    recent.add(ts, hash);
    // Never rejects: the engine logs its own failures.
    void engine.onTelemetry(state.identity, points);
  }

  /** After each COMMIT, in commit order: latest values and the live feed — per device, all its points of the batch at once. */
  handOff(items: Committed[]): void {
    const { latest, live } = this.rt;
    // Latest values message by message (in arrival order, so the newest wins as it would for the batch at once).
    for (const c of items) {
      if (c.points) latest.record(c.state, c.points);
      else latest.recordValues(c.state, c.ts, c.keys as readonly string[], c.values as number[]);
    }
    if (live.size === 0) return; // nobody follows telemetry live: no grouping per device
    const byDevice = new Map<DeviceState, DataPoint[]>();
    for (const c of items) {
      const state = c.state;
      if (!live.watched(state.identity.tenantId)) continue;
      const points = c.points ?? pointsOf(c.ts, c.keys as readonly string[], c.values as number[]);
      const held = byDevice.get(state);
      if (held) byDevice.set(state, held.concat(points));
      else byDevice.set(state, points);
    }
    for (const [state, points] of byDevice) {
      const { tenantId, deviceId, storeId, orgPath } = state.identity;
      live.publish(tenantId, { kind: 'telemetry', deviceId, storeId, points }, orgPath);
    }
  }

  private async clientAttributes(transport: Transport, device: DeviceIdentity, payload: Buffer): Promise<void> {
    const now = Date.now();
    const state = await this.admit(transport, 'attributes', device, payload, now);
    const values = parseAttributes(payload);
    this.rt.activity.touch(state, now);
    await upsertAttributes(this.rt.db.pool, state.identity.tenantId, state.identity.deviceId, 'client', values);
    const engine = this.rt.alarms.engine;
    if (engine && Object.keys(values).length) {
      engine
        .onAttributes(state.identity, 'client', values)
        .catch((err) => this.rt.log.warn({ err, deviceId: device.deviceId }, 'alarm engine failed on attributes'));
    }
  }

  private async attributes(transport: Transport, device: DeviceIdentity, clientKeys: string[] | undefined, sharedKeys: string[] | undefined) {
    const now = Date.now();
    const state = await this.admit(transport, 'attributes_request', device, undefined, now);
    this.rt.activity.touch(state, now);
    const none = clientKeys === undefined && sharedKeys === undefined;
    const client: Record<string, unknown> = {};
    const shared: Record<string, unknown> = {};
    if (none || clientKeys) for (const r of await readAttributes(this.rt.db.orm, device.deviceId, ['client'], clientKeys)) client[r.key] = r.value;
    if (none || sharedKeys) for (const r of await readAttributes(this.rt.db.orm, device.deviceId, ['shared'], sharedKeys)) shared[r.key] = r.value;
    return { client, shared };
  }

  private async rpcReply(transport: Transport, device: DeviceIdentity, requestId: number, payload: Buffer): Promise<void> {
    const now = Date.now();
    const state = await this.admit(transport, 'rpc_reply', device, payload, now);
    this.rt.activity.touch(state, now);
    // ThingsBoard takes any body as the reply: JSON when it parses, the text otherwise.
    let response: unknown;
    try {
      response = JSON.parse(payload.toString('utf8'));
    } catch {
      response = payload.toString('utf8');
    }
    if (response !== null) checkValue('reply', response);
    await this.rt.rpc.reply(state, requestId, response);
  }

  private async clientRpc(transport: Transport, device: DeviceIdentity, payload: Buffer): Promise<unknown> {
    const now = Date.now();
    const state = await this.admit(transport, 'client_rpc', device, payload, now);
    this.rt.activity.touch(state, now);
    return answerClientRpc(this.rt, state, parseJson(payload));
  }

  private connected(device: DeviceIdentity, outbound: DeviceOutbound): void {
    const now = Date.now();
    const known = this.rt.registry.states.get(device.deviceId);
    const attach = (state: DeviceState | undefined) => {
      if (!state || state.refused) return;
      this.rt.activity.connected(state, outbound, now);
      // Persistent RPCs waiting for this device go out now.
      this.rt.rpc.deliverQueued(device.deviceId).catch((err) => this.rt.log.warn({ err, deviceId: device.deviceId }, 'delivering queued RPCs failed'));
    };
    if (known) attach(known);
    else this.rt.registry.byId(device.deviceId).then(attach, (err) => this.rt.log.warn({ err }, 'loading a connected device failed'));
  }

  private disconnected(device: DeviceIdentity, outbound: DeviceOutbound): void {
    const state = this.rt.registry.states.get(device.deviceId);
    if (state) this.rt.activity.disconnected(state, outbound, Date.now());
  }
}

/** A message's hand-off record, with the caller's callback and context (one object per message, no closure). */
function committed<C>(
  done: TelemetryDone<C>,
  context: C,
  state: DeviceState,
  points: DataPoint[] | undefined,
  keys: readonly string[] | undefined,
  ts: number,
  values: number[] | undefined,
): Committed {
  // The callback is only ever called with the context it came with.
  return { state, done: done as TelemetryDone<unknown>, context, points, keys, ts, values };
}

/** The writer's callback for every message: hands the outcome to the caller's callback with its context. */
function settleCommitted(err: Error | null, result: { points: number } | undefined, tag: Committed): void {
  tag.done(err, tag.context, result);
}

/** The data points of a fast-path message. */
function pointsOf(ts: number, keys: readonly string[], values: number[]): DataPoint[] {
  const points = new Array<DataPoint>(keys.length);
  for (let k = 0; k < keys.length; k++) points[k] = { ts, key: keys[k], value: values[k] };
  return points;
}

function outsideWindow(ts: number, retention: number): DroppedMessage {
  return new DroppedMessage('invalid_shape', `ts ${ts} is outside the accepted window (retention ${retention} days, at most a day ahead)`);
}

// The answers `{points: n}` for the usual sizes, made once: no result object per message.
const results = Array.from({ length: 64 }, (_, n) => Object.freeze({ points: n }));
const resultOf = (n: number): { points: number } => results[n] ?? { points: n };

/** How many of a device's last messages are remembered so that a resent one reaches the alarm rules once. */
const recentMessages = 32;

/** A ring of a device's last messages to the alarm rules, by first timestamp and content hash. */
class RecentMessages {
  private readonly ts = new Float64Array(recentMessages);
  private readonly hash = new Int32Array(recentMessages);
  private next = 0;
  /** The latest first timestamp remembered. */
  newest = 0;

  has(ts: number, hash: number): boolean {
    for (let i = 0; i < recentMessages; i++) if (this.ts[i] === ts && this.hash[i] === hash) return true;
    return false;
  }

  add(ts: number, hash: number): void {
    this.ts[this.next] = ts;
    this.hash[this.next] = hash;
    this.next = this.next === recentMessages - 1 ? 0 : this.next + 1;
    if (ts > this.newest) this.newest = ts;
  }
}

/** FNV-1a of the payload's bytes. */
function contentHash(payload: Buffer): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < payload.length; i++) h = Math.imul(h ^ payload[i], 0x01000193);
  return h | 0;
}

function refuseGone(state: DeviceState): DeviceState {
  if (state.refused) throw new DroppedMessage('suppressed', `device ${state.refused === 'deleted' ? 'was deleted' : 'credentials were revoked'}`);
  return state;
}

/** Takes one token from the device's bucket (`rate` a second, bursts of twice that); false when empty. */
export function takeToken(state: DeviceState, rate: number, now: number): boolean {
  const burst = rate * 2;
  if (Number.isNaN(state.bucket)) {
    state.bucket = burst;
    state.bucketAt = now;
  }
  state.bucket = Math.min(burst, state.bucket + ((now - state.bucketAt) / 1000) * rate);
  state.bucketAt = now;
  if (state.bucket < 1) return false;
  state.bucket -= 1;
  return true;
}
