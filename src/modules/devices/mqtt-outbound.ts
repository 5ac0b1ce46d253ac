import type { DeviceIdentity, DeviceOutbound, RpcRequest } from './contract.ts';
import { type DeviceConnection, RateLimiter } from './mqtt-connection.ts';
import { topics } from './mqtt-topics.ts';

/**
 * The live MQTT connections by device, and the endpoint's side of `DeviceOutbound`: shared-attribute pushes and RPC
 * go to a device's own connection, or through the gateway that connected it. One node's connections only (see docs/mqtt.md).
 */
export class MqttConnections implements DeviceOutbound {
  private readonly direct = new Map<string, Set<DeviceConnection>>();
  private readonly viaGateway = new Map<string, { conn: DeviceConnection; name: string }>();
  private readonly limiters = new Map<string, { limiter: RateLimiter; users: number }>();

  constructor(private readonly deviceRate: number) {}

  /** The rate limiter of a device, shared by all its connections; release it with `releaseLimiter`. */
  limiterFor(deviceId: string): RateLimiter {
    let entry = this.limiters.get(deviceId);
    if (!entry) {
      entry = { limiter: new RateLimiter(this.deviceRate), users: 0 };
      this.limiters.set(deviceId, entry);
    }
    entry.users++;
    return entry.limiter;
  }

  /** Lets go of a device's limiter once its last connection ended. */
  releaseLimiter(deviceId: string): void {
    const entry = this.limiters.get(deviceId);
    if (entry && --entry.users <= 0) this.limiters.delete(deviceId);
  }

  /** A device connection is ready to receive. */
  add(conn: DeviceConnection, device: DeviceIdentity): void {
    let set = this.direct.get(device.deviceId);
    if (!set) {
      set = new Set();
      this.direct.set(device.deviceId, set);
    }
    set.add(conn);
  }

  /** A device connection ended. */
  remove(conn: DeviceConnection, device: DeviceIdentity): void {
    const set = this.direct.get(device.deviceId);
    if (!set) return;
    set.delete(conn);
    if (set.size === 0) this.direct.delete(device.deviceId);
  }

  /** A gateway connection now speaks for a sub-device under this name. */
  addSubDevice(conn: DeviceConnection, sub: DeviceIdentity, name: string): void {
    this.viaGateway.set(sub.deviceId, { conn, name });
  }

  /** The gateway let the sub-device go (or its connection ended). */
  removeSubDevice(conn: DeviceConnection, sub: DeviceIdentity): void {
    if (this.viaGateway.get(sub.deviceId)?.conn === conn) this.viaGateway.delete(sub.deviceId);
  }

  /** Whether this node holds a live connection for the device, directly or through a gateway. */
  isConnected(deviceId: string): boolean {
    return this.direct.has(deviceId) || this.viaGateway.has(deviceId);
  }

  /**
   * Ends the device's sessions on this node at once (its credentials changed or were revoked, or it was deleted):
   * its own connections are closed — a device reconnects with its new credentials — and a gateway stops speaking
   * for it as a sub-device (naming it again finds or creates it anew), while the gateway's connection stays.
   */
  disconnect(deviceId: string): void {
    for (const conn of [...(this.direct.get(deviceId) ?? [])]) conn.client.close();
    const gw = this.viaGateway.get(deviceId);
    if (!gw) return;
    this.viaGateway.delete(deviceId);
    gw.conn.onlineSubDevices.delete(gw.name);
    gw.conn.subDevices.delete(gw.name);
  }

  /** Pushes shared-attribute changes to every subscribed connection of the device (ThingsBoard: `v1/devices/me/attributes`). */
  sharedAttributes(deviceId: string, payload: Record<string, unknown>): void {
    for (const conn of this.direct.get(deviceId) ?? []) void conn.send(topics.attributes, payload, { onlyIfSubscribed: true });
    const gw = this.viaGateway.get(deviceId);
    if (gw) void gw.conn.send(topics.gatewayAttributes, { device: gw.name, data: payload }, { onlyIfSubscribed: true });
  }

  /** Delivers a server-side RPC to the newest subscribed connection, else through the device's gateway. */
  async rpc(deviceId: string, request: RpcRequest): Promise<boolean> {
    const topic = `${topics.rpcRequest}${request.requestId}`;
    const conns = [...(this.direct.get(deviceId) ?? [])].reverse();
    const conn = conns.find((c) => c.subscribedQos(topic) !== undefined);
    if (conn) return conn.send(topic, { method: request.method, params: request.params ?? {} }, { onlyIfSubscribed: true });
    const gw = this.viaGateway.get(deviceId);
    if (!gw) return false;
    const data = { id: request.requestId, method: request.method, params: request.params ?? {} };
    return gw.conn.send(topics.gatewayRpc, { device: gw.name, data }, { onlyIfSubscribed: true });
  }
}
