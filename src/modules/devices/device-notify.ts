import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { z } from 'zod';
import type { Executor } from '../../kernel/db.ts';
import type { Logger } from '../../kernel/logger.ts';

/** The channel every node listens on for device changes, RPC, shared-attribute pushes and alarm changes to show live. */
export const deviceChannel = 'storeos_devices';

/**
 * A message between nodes: `n` is the sending node, which ignores its own (it acted already). A `device` notice with
 * `end` also ends the device's live sessions: its credentials changed or were revoked, or it was deleted.
 */
export const deviceNotice = z.discriminatedUnion('e', [
  z.object({ n: z.string(), e: z.literal('device'), id: z.string(), end: z.literal(true).optional() }),
  z.object({ n: z.string(), e: z.literal('profile'), id: z.string() }),
  z.object({ n: z.string(), e: z.literal('tenant'), id: z.string() }),
  z.object({ n: z.string(), e: z.literal('rpc'), id: z.string(), d: z.string() }),
  z.object({ n: z.string(), e: z.literal('rpc_done'), id: z.string() }),
  z.object({ n: z.string(), e: z.literal('shared'), d: z.string(), k: z.array(z.string()), del: z.boolean() }),
  // An alarm of tenant `t` changed: nodes with somebody watching the tenant publish it live (alarm-live-relay.ts).
  z.object({ n: z.string(), e: z.literal('alarm'), t: z.string(), id: z.string() }),
]);
export type DeviceNotice = z.infer<typeof deviceNotice>;

/** Sends a notice to every node; inside a transaction it is delivered at commit and not at all on rollback. */
export async function notifyNodes(db: Executor | pg.Pool, notice: DeviceNotice): Promise<void> {
  const payload = JSON.stringify(notice);
  // NOTIFY payloads stop at 8000 bytes; a shared push that long falls back to "push every shared attribute".
  const text = payload.length > 7900 && notice.e === 'shared' ? JSON.stringify({ ...notice, k: [] }) : payload;
  if ('execute' in db) await db.execute(sql`SELECT pg_notify(${deviceChannel}, ${text})`);
  else await db.query('SELECT pg_notify($1, $2)', [deviceChannel, text]);
}

/** Listens on the device channel with its own connection, reconnecting when it is lost. */
export class DeviceNotifications {
  private client: pg.PoolClient | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly nodeId: string,
    private readonly log: Logger,
    private readonly handle: (notice: DeviceNotice) => void,
  ) {}

  /** Starts listening. */
  async start(): Promise<void> {
    this.stopped = false;
    const client = await this.pool.connect();
    client.on('notification', (msg) => {
      if (msg.channel !== deviceChannel || !msg.payload) return;
      let raw: unknown;
      try {
        raw = JSON.parse(msg.payload);
      } catch {
        return;
      }
      const notice = deviceNotice.safeParse(raw);
      if (!notice.success || notice.data.n === this.nodeId) return;
      try {
        this.handle(notice.data);
      } catch (err) {
        this.log.warn({ err }, 'device notice failed');
      }
    });
    client.on('error', (err) => {
      this.log.warn({ err }, 'device notice listener lost its connection; reconnecting');
      this.client = undefined;
      client.release(err);
      if (!this.stopped) this.retry = setTimeout(() => void this.start().catch(() => {}), 1000);
    });
    await client.query(`LISTEN ${deviceChannel}`);
    this.client = client;
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await client.query(`UNLISTEN ${deviceChannel}`).catch(() => {});
    client.release();
  }
}
