import { z } from 'zod';
import { type DeviceIdentity, DroppedMessage } from './contract.ts';
import type { DeviceConnection } from './mqtt-connection.ts';
import { type MessageContext, parseJson, shaped } from './mqtt-messages.ts';
import { type DeviceTopic, topics } from './mqtt-topics.ts';

const deviceName = z.string().trim().min(1).max(255);
const connectMessage = z.object({ device: deviceName, type: z.string().max(255).optional() });
const disconnectMessage = z.object({ device: deviceName });
// `{"Device A": [...]}` for telemetry, `{"Device A": {...}}` for attributes.
const perDevice = z.record(deviceName, z.unknown()).refine((r) => Object.keys(r).length <= 1000, { error: 'at most 1000 devices per message' });
const attributesRequest = z.object({
  id: z.number().int().min(0),
  device: deviceName,
  client: z.boolean().optional(),
  key: z.string().max(255).optional(),
  keys: z.array(z.string().max(255)).max(1000).optional(),
});
const rpcReply = z.object({ device: deviceName, id: z.number().int().min(0), data: z.unknown() });

/** Finds (or creates, in the gateway's store) a sub-device once per connection, and reports it online through this gateway. */
async function subDevice(ctx: MessageContext, conn: DeviceConnection, gateway: DeviceIdentity, name: string, type?: string): Promise<DeviceIdentity> {
  let found = conn.subDevices.get(name);
  if (!found) {
    found = ctx.ingress.subDevice(gateway, name, type);
    conn.subDevices.set(name, found);
    // A failed lookup is retried on the next message rather than cached.
    found.catch(() => conn.subDevices.delete(name));
  }
  const sub = await found;
  if (!conn.onlineSubDevices.has(name) && !conn.client.closed) {
    conn.onlineSubDevices.set(name, sub);
    ctx.connections.addSubDevice(conn, sub, name);
    ctx.ingress.connected(sub, ctx.connections);
  }
  return sub;
}

/** The gateway stopped speaking for a sub-device (message or connection end): it goes offline. */
export function releaseSubDevice(ctx: MessageContext, conn: DeviceConnection, name: string): void {
  const sub = conn.onlineSubDevices.get(name);
  if (!sub) return;
  conn.onlineSubDevices.delete(name);
  ctx.connections.removeSubDevice(conn, sub);
  ctx.ingress.disconnected(sub, ctx.connections);
}

/** Runs one write per sub-device; a sub-device's bad data is dropped and counted for it, the others are stored. */
async function forEachDevice(
  ctx: MessageContext,
  conn: DeviceConnection,
  gateway: DeviceIdentity,
  payload: Buffer,
  write: (sub: DeviceIdentity, body: Buffer) => Promise<unknown>,
): Promise<void> {
  const entries = Object.entries(shaped(perDevice, parseJson(payload)));
  const results = await Promise.allSettled(
    entries.map(async ([name, body]) => {
      const sub = await subDevice(ctx, conn, gateway, name);
      try {
        await write(sub, Buffer.from(JSON.stringify(body)));
      } catch (err) {
        if (!(err instanceof DroppedMessage)) throw err;
        ctx.ingress.dropped(sub, err.reason);
      }
    }),
  );
  // Anything but a drop (the database is down) must not be acknowledged: the gateway will send it again.
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Handles a message a gateway published on one of the `v1/gateway/...` topics; resolves once stored. */
export async function handleGatewayMessage(
  ctx: MessageContext,
  conn: DeviceConnection,
  gateway: DeviceIdentity,
  topic: DeviceTopic,
  payload: Buffer,
  receivedAt: number,
): Promise<void> {
  switch (topic.kind) {
    case 'gatewayConnect': {
      const m = shaped(connectMessage, parseJson(payload));
      await subDevice(ctx, conn, gateway, m.device, m.type);
      return;
    }
    case 'gatewayDisconnect':
      releaseSubDevice(ctx, conn, shaped(disconnectMessage, parseJson(payload)).device);
      return;
    case 'gatewayTelemetry':
      return forEachDevice(ctx, conn, gateway, payload, (sub, body) => ctx.ingress.telemetry(sub, body, receivedAt));
    case 'gatewayAttributes':
      return forEachDevice(ctx, conn, gateway, payload, (sub, body) => ctx.ingress.clientAttributes(sub, body));
    case 'gatewayAttributesRequest': {
      const m = shaped(attributesRequest, parseJson(payload));
      const sub = await subDevice(ctx, conn, gateway, m.device);
      const keys = m.keys ?? (m.key ? [m.key] : undefined);
      const values = await ctx.ingress.attributes(sub, m.client ? keys : [], m.client ? [] : keys);
      const scope = m.client ? values.client : values.shared;
      // ThingsBoard: one key answers `value`, several answer `values`.
      const answer = m.key && !m.keys ? { id: m.id, device: m.device, value: scope[m.key] ?? null } : { id: m.id, device: m.device, values: scope };
      await conn.send(topics.gatewayAttributesResponse, answer, { onlyIfSubscribed: false });
      return;
    }
    case 'gatewayRpc': {
      const m = shaped(rpcReply, parseJson(payload));
      const sub = await subDevice(ctx, conn, gateway, m.device);
      await ctx.ingress.rpcReply(sub, m.id, Buffer.from(JSON.stringify(m.data ?? null)));
      return;
    }
    default:
      throw new DroppedMessage('unknown_topic', 'not a gateway topic');
  }
}
