import { readAttributes, upsertAttributes } from './attributes.ts';
import { answerClientRpc } from './client-rpc.ts';
import { type DataPoint, type DeviceIdentity, type DeviceIngress, type DeviceOutbound, DroppedMessage, type DropReason } from './contract.ts';
import type { MessageKind, Transport } from './device-metrics.ts';
import type { DeviceState } from './device-state.ts';
import type { DevicesRuntime } from './devices-runtime.ts';
import { provisionDevice } from './provisioning.ts';
import { findOrCreateSubDevice } from './sub-devices.ts';
import { checkValue, parseAttributes, parseJson, parseTelemetry } from './telemetry-payload.ts';
import { dayMs } from './telemetry-partitions.ts';
import { encodeEntry, type TelemetryEntry } from './telemetry-rows.ts';
import type { TelemetryWriter } from './telemetry-writer.ts';

/** How far ahead of the server clock a device's timestamp may be (clock skew); partitions exist that far ahead. */
export const maxFutureMs = dayMs;

/** What the writer carries per message to the post-commit hand-off. */
export interface Committed {
  state: DeviceState;
  points: DataPoint[];
}

/**
 * The ingest pipeline behind both transports: checks a message against its device's state held in memory, parses it,
 * encodes its rows and appends them to the group-committing writer. No SQL per telemetry message: keys, partitions and
 * devices are cached; only a first-seen key, partition or device costs a query.
 */
export class Ingest {
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

  /**
   * Parses, checks and writes one telemetry message; resolves after COMMIT with the number of points stored. No
   * promise but the writer's on the hot path: the device's state, key ids and partitions are held in memory, and
   * only a first-seen device, key or partition costs a query.
   */
  telemetry(transport: Transport, device: DeviceIdentity, payload: Buffer, receivedAt: number): Promise<{ points: number }> {
    try {
      const held = this.heldState(device);
      if (!held) return this.admit(transport, 'telemetry', device, payload, receivedAt).then((state) => this.store(state, payload, receivedAt));
      this.check(transport, 'telemetry', payload, held, receivedAt);
      return this.store(refuseGone(held), payload, receivedAt);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private store(state: DeviceState, payload: Buffer, receivedAt: number): Promise<{ points: number }> {
    const points: DataPoint[] = [];
    const entries: TelemetryEntry[] = [];
    parseTelemetry(payload, receivedAt, points, entries);
    this.rt.activity.touch(state, receivedAt);
    if (points.length === 0) return Promise.resolve(resultOf(0));
    const retention = state.retentionDays;
    const oldest = receivedAt - retention * dayMs;
    const newest = receivedAt + maxFutureMs;
    const tenantId = state.identity.tenantId;
    const { keys, partitions } = this.rt;
    let known = true;
    for (const p of points) {
      if (p.ts < oldest || p.ts > newest) {
        throw new DroppedMessage('invalid_shape', `ts ${p.ts} is outside the accepted window (retention ${retention} days, at most a day ahead)`);
      }
      if (known && (keys.idOf(tenantId, p.key) === undefined || !partitions.has(retention, p.ts))) known = false;
    }
    if (!known) return this.prepare(state, points).then(() => this.append(state, points, entries));
    return this.append(state, points, entries);
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

  private append(state: DeviceState, points: DataPoint[], entries: TelemetryEntry[]): Promise<{ points: number }> {
    let text = '';
    for (const e of entries) text += encodeEntry(state.sid, state.retentionDays, e);
    return this.writer.append(text, entries.length, { state, points }, resultOf(points.length));
  }

  /** After each COMMIT, in commit order: latest values, live feed, alarm rules — per device, all its points of the batch at once. */
  handOff(items: Committed[]): void {
    const byDevice = new Map<DeviceState, DataPoint[]>();
    for (const { state, points } of items) {
      const held = byDevice.get(state);
      if (held) for (const p of points) held.push(p);
      else byDevice.set(state, points);
    }
    const { latest, live, alarms, log } = this.rt;
    for (const [state, points] of byDevice) {
      latest.record(state, points);
      const { tenantId, deviceId, storeId } = state.identity;
      if (live.watched(tenantId)) live.publish(tenantId, { kind: 'telemetry', deviceId, storeId, points });
      const engine = alarms.engine;
      if (engine) engine.onTelemetry(state.identity, points).catch((err) => log.warn({ err, deviceId }, 'alarm engine failed on telemetry'));
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

// The answers `{points: n}` for the usual sizes, made once: no result object per message.
const results = Array.from({ length: 64 }, (_, n) => Object.freeze({ points: n }));
const resultOf = (n: number): { points: number } => results[n] ?? { points: n };

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
