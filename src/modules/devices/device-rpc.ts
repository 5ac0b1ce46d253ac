import type pg from 'pg';
import type { Logger } from '../../kernel/logger.ts';
import type { DeviceRegistry } from './device-registry.ts';
import { notifyNodes } from './device-notify.ts';
import type { DeviceState } from './device-state.ts';
import { type RpcStatus, rpcStatuses } from './schema.ts';

/**
 * Server-side RPC delivery. Every request is a `device_rpc` row; its status moves
 * QUEUED → SENT → DELIVERED → SUCCESSFUL | FAILED, QUEUED → EXPIRED, SENT | DELIVERED → TIMEOUT (the map below).
 * Whichever node holds the device's connection claims a QUEUED row (UPDATE … WHERE status = 'QUEUED') and sends it;
 * the node where the person waits hears of the outcome directly or through NOTIFY.
 */

/** Allowed status changes; every UPDATE below checks its `from`. */
export const rpcTransitions: Record<RpcStatus, readonly RpcStatus[]> = {
  QUEUED: ['SENT', 'EXPIRED', 'TIMEOUT', 'FAILED'],
  SENT: ['DELIVERED', 'SUCCESSFUL', 'QUEUED', 'FAILED', 'TIMEOUT'],
  DELIVERED: ['SUCCESSFUL', 'FAILED', 'TIMEOUT'],
  SUCCESSFUL: [],
  TIMEOUT: [],
  EXPIRED: [],
  FAILED: [],
};

/** The statuses an RPC may move to `to` from, per `rpcTransitions`: every UPDATE below asks this. */
export function rpcFrom(to: RpcStatus, only?: readonly RpcStatus[]): RpcStatus[] {
  return rpcStatuses.filter((s) => rpcTransitions[s].includes(to) && (!only || only.includes(s)));
}

/** Statuses after which nothing changes. */
export const finalRpcStatuses: readonly RpcStatus[] = ['SUCCESSFUL', 'TIMEOUT', 'EXPIRED', 'FAILED'];

/** Delivery attempts of a persistent RPC before it is FAILED. */
export const maxRpcAttempts = 3;

/** A device_rpc row as read with `rpcColumns`. */
export interface RpcRow {
  id: string;
  device_id: string;
  request_id: number;
  method: string;
  params: unknown;
  oneway: boolean;
  persistent: boolean;
  status: RpcStatus;
  timeout_ms: number;
  response: unknown;
  error: string | null;
  attempts: number;
  created_at: Date;
  expires_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
  completed_at: Date | null;
}

export const rpcColumns =
  'id, device_id, request_id, method, params, oneway, persistent, status, timeout_ms, response, error, attempts, created_at, expires_at, sent_at, delivered_at, completed_at';

type Want = 'delivered' | 'done';
interface Waiter {
  want: Want;
  resolve: (row: RpcRow) => void;
}

const reached = (row: RpcRow, want: Want) => finalRpcStatuses.includes(row.status) || (want === 'delivered' && row.status === 'DELIVERED');

/** Sends queued RPCs to connected devices, records replies and timeouts, and wakes whoever waits for them. */
export class RpcEngine {
  private readonly waiters = new Map<string, Waiter[]>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly registry: DeviceRegistry,
    private readonly nodeId: string,
    private readonly log: Logger,
  ) {}

  /** Waits until the RPC is delivered or finished (per `want`), or `timeoutMs` passes (then undefined). */
  wait(rpcId: string, want: Want, timeoutMs: number): Promise<RpcRow | undefined> {
    return new Promise((resolve) => {
      const list = this.waiters.get(rpcId) ?? [];
      const timer = setTimeout(() => {
        const left = (this.waiters.get(rpcId) ?? []).filter((w) => w !== waiter);
        if (left.length) this.waiters.set(rpcId, left);
        else this.waiters.delete(rpcId);
        resolve(undefined);
      }, timeoutMs);
      const waiter: Waiter = {
        want,
        resolve: (row) => {
          clearTimeout(timer);
          resolve(row);
        },
      };
      list.push(waiter);
      this.waiters.set(rpcId, list);
    });
  }

  /** Sends the device's QUEUED, unexpired RPCs through its connections on this node (on connect, and when one is queued). */
  async deliverQueued(deviceId: string): Promise<void> {
    const state = this.registry.states.get(deviceId);
    if (!state || state.outbounds.size === 0 || state.refused) return;
    const r = await this.pool.query<RpcRow>(
      `SELECT ${rpcColumns} FROM device_rpc WHERE device_id = $1 AND status = 'QUEUED' AND expires_at > now() ORDER BY created_at LIMIT 50`,
      [deviceId],
    );
    for (const row of r.rows) await this.deliver(state, row.id);
  }

  private async deliver(state: DeviceState, rpcId: string): Promise<void> {
    const claimed = await this.move(rpcId, 'SENT', 'sent_at = now(), attempts = attempts + 1');
    if (!claimed) return; // another node or call took it
    const request = { requestId: claimed.request_id, method: claimed.method, params: claimed.params ?? {}, oneway: claimed.oneway };
    let ok = false;
    for (const outbound of state.outbounds.keys()) {
      try {
        ok = await outbound.rpc(state.identity.deviceId, request);
      } catch (err) {
        this.log.debug({ err, rpcId }, 'RPC delivery failed on one connection');
      }
      if (ok) break;
    }
    let row: RpcRow | undefined;
    if (ok) {
      row = claimed.oneway
        ? await this.move(rpcId, 'SUCCESSFUL', 'delivered_at = now(), completed_at = now()', ['SENT'])
        : await this.move(rpcId, 'DELIVERED', 'delivered_at = now()', ['SENT']);
    } else if (claimed.persistent && claimed.attempts < maxRpcAttempts) {
      row = await this.move(rpcId, 'QUEUED', '', ['SENT']);
    } else {
      row = await this.move(rpcId, 'FAILED', `error = 'the device could not be reached', completed_at = now()`, ['SENT']);
    }
    if (row) await this.settled(row);
  }

  /** Records a device's reply to RPC `requestId`; false when no such request waits for one. */
  async reply(state: DeviceState, requestId: number, response: unknown): Promise<boolean> {
    const r = await this.pool.query<RpcRow>(
      `UPDATE device_rpc SET status = 'SUCCESSFUL', response = $3::jsonb, completed_at = now()
       WHERE device_id = $1 AND request_id = $2 AND status = ANY($4::text[]) RETURNING ${rpcColumns}`,
      [state.identity.deviceId, requestId, JSON.stringify(response ?? null), rpcFrom('SUCCESSFUL')],
    );
    const row = r.rows[0];
    if (!row) return false;
    await this.settled(row);
    return true;
  }

  /** Another node finished an RPC: wake the waiters here. */
  async onDone(rpcId: string): Promise<void> {
    if (!this.waiters.has(rpcId)) return;
    const r = await this.pool.query<RpcRow>(`SELECT ${rpcColumns} FROM device_rpc WHERE id = $1`, [rpcId]);
    if (r.rows[0]) this.wake(r.rows[0]);
  }

  /** Marks an RPC that nobody answered in time TIMEOUT (unless it finished meanwhile); returns its row. */
  async timeout(rpcId: string): Promise<RpcRow | undefined> {
    const row = await this.move(rpcId, 'TIMEOUT', 'completed_at = now()');
    if (row) return row;
    return (await this.pool.query<RpcRow>(`SELECT ${rpcColumns} FROM device_rpc WHERE id = $1`, [rpcId])).rows[0];
  }

  /** The job: QUEUED past expiry → EXPIRED; sent and unanswered past its timeout → TIMEOUT. */
  async expire(): Promise<{ expired: number; timedOut: number }> {
    const expired = await this.pool.query<{ id: string }>(
      `UPDATE device_rpc SET status = 'EXPIRED', completed_at = now() WHERE status = ANY($1::text[]) AND expires_at <= now() RETURNING id`,
      [rpcFrom('EXPIRED')],
    );
    const timedOut = await this.pool.query<{ id: string }>(
      `UPDATE device_rpc SET status = 'TIMEOUT', completed_at = now()
       WHERE status = ANY($1::text[]) AND sent_at + make_interval(secs => timeout_ms / 1000.0) <= now() RETURNING id`,
      [rpcFrom('TIMEOUT', ['SENT', 'DELIVERED'])],
    );
    for (const { id } of [...expired.rows, ...timedOut.rows]) await this.onDone(id);
    return { expired: expired.rowCount ?? 0, timedOut: timedOut.rowCount ?? 0 };
  }

  /** Moves an RPC to `to` if the map allows it from its current status (narrowed to `only`); undefined when it may not. */
  private async move(rpcId: string, to: RpcStatus, set: string, only?: readonly RpcStatus[]): Promise<RpcRow | undefined> {
    const r = await this.pool.query<RpcRow>(
      `UPDATE device_rpc SET status = $3${set ? `, ${set}` : ''} WHERE id = $1 AND status = ANY($2::text[]) RETURNING ${rpcColumns}`,
      [rpcId, rpcFrom(to, only), to],
    );
    return r.rows[0];
  }

  private async settled(row: RpcRow): Promise<void> {
    this.wake(row);
    if (finalRpcStatuses.includes(row.status) || row.status === 'DELIVERED') {
      await notifyNodes(this.pool, { n: this.nodeId, e: 'rpc_done', id: row.id }).catch(() => {});
    }
  }

  private wake(row: RpcRow): void {
    const list = this.waiters.get(row.id);
    if (!list) return;
    const left = list.filter((w) => {
      if (!reached(row, w.want)) return true;
      w.resolve(row);
      return false;
    });
    if (left.length) this.waiters.set(row.id, left);
    else this.waiters.delete(row.id);
  }
}
