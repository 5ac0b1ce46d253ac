import { z } from 'zod';
import { AppError } from '../../kernel/errors.ts';
import type { Logger } from '../../kernel/logger.ts';
import { type DeviceIdentity, type DeviceIngress, DroppedMessage } from './contract.ts';
import type { DeviceConnection } from './mqtt-connection.ts';
import type { MqttConnections } from './mqtt-outbound.ts';
import { topics } from './mqtt-topics.ts';

/** What the topic handlers work with. */
export interface MessageContext {
  ingress: DeviceIngress;
  connections: MqttConnections;
  log: Logger;
}

/** Parses a JSON payload; anything else is dropped as `invalid_json`. */
export function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    throw new DroppedMessage('invalid_json', 'payload is not JSON');
  }
}

/** Validates a parsed payload against a schema; a mismatch is dropped as `invalid_shape`. */
export function shaped<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new DroppedMessage('invalid_shape', r.error.issues[0]?.message ?? 'unexpected payload');
  return r.data;
}

// ThingsBoard sends keys as a comma-separated string; a list is accepted too.
const keyList = z
  .union([z.string().max(8192), z.array(z.string().max(255)).max(1000)])
  .optional()
  .transform((v) => (v === undefined ? undefined : (typeof v === 'string' ? v.split(',') : v).map((k) => k.trim()).filter((k) => k.length > 0)));
const attributesRequest = z.object({ clientKeys: keyList, sharedKeys: keyList });

/** `v1/devices/me/attributes/request/{id}` → `{"client":{...},"shared":{...}}` on `.../attributes/response/{id}`. */
export async function answerAttributesRequest(ctx: MessageContext, conn: DeviceConnection, device: DeviceIdentity, id: number, payload: Buffer): Promise<void> {
  const req = shaped(attributesRequest, payload.length === 0 ? {} : parseJson(payload));
  const values = await ctx.ingress.attributes(device, req.clientKeys, req.sharedKeys);
  await conn.send(`${topics.attributesResponse}${id}`, values, { onlyIfSubscribed: false });
}

/** Client-side RPC: the device asks on `.../rpc/request/{id}`; the answer (or `{"error"}`) goes to `.../rpc/response/{id}`. */
export async function answerClientRpc(ctx: MessageContext, conn: DeviceConnection, device: DeviceIdentity, id: number, payload: Buffer): Promise<void> {
  let answer: unknown;
  try {
    answer = await ctx.ingress.clientRpc(device, payload);
  } catch (err) {
    if (err instanceof DroppedMessage) throw err;
    // A refused request is the device's to see; an internal failure is logged and answered without detail.
    if (!(err instanceof AppError)) ctx.log.warn({ err, deviceId: device.deviceId }, 'client-side RPC failed');
    answer = { error: err instanceof AppError ? err.message : 'internal error' };
  }
  await conn.send(`${topics.rpcResponse}${id}`, answer, { onlyIfSubscribed: false });
}

/** `/provision/request` → the provisioning result on `/provision/response`; the connection is then closed (ThingsBoard). */
export async function answerProvisioning(ctx: MessageContext, conn: DeviceConnection, payload: Buffer): Promise<void> {
  let answer: Record<string, unknown>;
  try {
    const request = shaped(z.record(z.string(), z.unknown()), parseJson(payload));
    answer = await ctx.ingress.provision(request);
  } catch (err) {
    if (!(err instanceof AppError) && !(err instanceof DroppedMessage)) ctx.log.warn({ err }, 'provisioning failed');
    const known = err instanceof AppError || err instanceof DroppedMessage;
    answer = { status: 'FAILURE', errorMsg: known ? err.message : 'internal error' };
  }
  await conn.send(topics.provisionResponse, answer, { onlyIfSubscribed: false });
  conn.closeAfterPublish = true;
}
