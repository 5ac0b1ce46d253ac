import { and, desc, eq, sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import type { Ctx } from '../../kernel/context.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { notifyNodes } from './device-notify.ts';
import { type RpcRow, rpcColumns } from './device-rpc.ts';
import { findDeviceInScope } from './devices.ts';
import type { DevicesRuntime } from './devices-runtime.ts';
import { deviceRpc, devices } from './schema.ts';

/** An RPC as a person sends it. */
export interface RpcInput {
  method: string;
  params?: unknown;
  timeoutMs: number;
  oneway: boolean;
  persistent: boolean;
  /** Persistent only: how long it may wait for the device to come online. */
  expiresInMs?: number;
}

/** Default wait of a persistent RPC for an offline device. */
export const defaultRpcExpiryMs = 24 * 3_600_000;

/** An RPC request as the API shows it. */
export function rpcView(r: RpcRow) {
  return {
    id: r.id,
    deviceId: r.device_id,
    requestId: r.request_id,
    method: r.method,
    params: r.params,
    oneway: r.oneway,
    persistent: r.persistent,
    status: r.status,
    timeoutMs: r.timeout_ms,
    response: r.response,
    error: r.error,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    sentAt: r.sent_at,
    deliveredAt: r.delivered_at,
    completedAt: r.completed_at,
  };
}
export type RpcView = ReturnType<typeof rpcView>;

/** The outcome of sending an RPC: the device's reply (two-way), delivery (one-way), queued (persistent), or timeout. */
export type RpcOutcome = { kind: 'reply'; response: unknown; rpc: RpcView } | { kind: 'queued'; rpc: RpcView } | { kind: 'timeout'; rpc: RpcView };

/**
 * Sends a server-side RPC to a device (needs devices:rpc on its store), audited. Two-way waits for the reply, one-way
 * for delivery, both up to `timeoutMs`; a persistent one answers at once with its id and waits for the device.
 */
export async function sendRpc(ctx: Ctx, rt: DevicesRuntime, deviceId: string, input: RpcInput): Promise<RpcOutcome> {
  const id = newId('rpc');
  const expiresInMs = input.persistent ? (input.expiresInMs ?? defaultRpcExpiryMs) : input.timeoutMs;
  await ctx.db.orm.transaction(async (tx) => {
    const device = await findDeviceInScope(tx, ctx.actor, deviceId, 'devices:rpc');
    await tx.insert(deviceRpc).values({
      id,
      tenantId: device.tenantId,
      deviceId,
      method: input.method,
      params: input.params ?? null,
      oneway: input.oneway,
      persistent: input.persistent,
      status: 'QUEUED',
      timeoutMs: input.timeoutMs,
      createdBy: ctx.actor.id,
      expiresAt: sql`now() + make_interval(secs => ${expiresInMs / 1000})`,
    });
    await recordAudit(
      tx,
      ctx.actor,
      {
        action: 'device.rpc_sent',
        entityType: 'device',
        entityId: deviceId,
        orgPath: device.orgPath,
        after: { rpcId: id, method: input.method, params: input.params ?? null, oneway: input.oneway, persistent: input.persistent },
      },
      ctx.meta,
    );
    // The node holding the device's connection (maybe another one) hears this at commit and sends it.
    await notifyNodes(tx, { n: rt.nodeId, e: 'rpc', id, d: deviceId });
  });
  const waiting = input.persistent ? undefined : rt.rpc.wait(id, input.oneway ? 'delivered' : 'done', input.timeoutMs);
  await rt.rpc.deliverQueued(deviceId).catch((err) => rt.log.warn({ err, deviceId }, 'RPC delivery failed'));
  if (!waiting) return { kind: 'queued', rpc: rpcView(await readRpc(ctx, id)) };
  const done = await waiting;
  if (!done || done.status === 'FAILED' || done.status === 'TIMEOUT' || done.status === 'EXPIRED') {
    const row = done && done.status !== 'DELIVERED' ? done : await rt.rpc.timeout(id);
    if (!row) throw new AppError('not_found', `rpc ${id} not found`);
    if (row.status === 'SUCCESSFUL') return { kind: 'reply', response: row.response, rpc: rpcView(row) };
    return { kind: 'timeout', rpc: rpcView(row) };
  }
  return { kind: 'reply', response: done.response, rpc: rpcView(done) };
}

async function readRpc(ctx: Ctx, id: string): Promise<RpcRow> {
  const r = await ctx.db.pool.query<RpcRow>(`SELECT ${rpcColumns} FROM device_rpc WHERE id = $1 AND tenant_id = $2`, [id, ctx.actor.tenantId]);
  if (!r.rows[0]) notFound('rpc', id);
  return r.rows[0];
}

/** A device's recent RPC requests, newest first. */
export async function listRpc(ctx: Ctx, deviceId: string, limit: number): Promise<{ data: RpcView[] }> {
  await findDeviceInScope(ctx.db.orm, ctx.actor, deviceId);
  const r = await ctx.db.pool.query<RpcRow>(`SELECT ${rpcColumns} FROM device_rpc WHERE device_id = $1 ORDER BY created_at DESC LIMIT $2`, [deviceId, limit]);
  return { data: r.rows.map(rpcView) };
}

/** One RPC request and its status (404 when its device is outside the caller's scope). */
export async function getRpc(ctx: Ctx, rpcId: string): Promise<RpcView> {
  const [row] = await ctx.db.orm
    .select({ deviceId: deviceRpc.deviceId })
    .from(deviceRpc)
    .innerJoin(devices, eq(devices.id, deviceRpc.deviceId))
    .where(and(eq(deviceRpc.tenantId, ctx.actor.tenantId), eq(deviceRpc.id, rpcId)))
    .orderBy(desc(deviceRpc.createdAt));
  if (!row) notFound('rpc', rpcId);
  await findDeviceInScope(ctx.db.orm, ctx.actor, row.deviceId).catch(() => notFound('rpc', rpcId));
  return rpcView(await readRpc(ctx, rpcId));
}
