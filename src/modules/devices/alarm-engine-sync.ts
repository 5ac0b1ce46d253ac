import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { z } from 'zod';
import type { Database, Executor } from '../../kernel/db.ts';
import type { Logger } from '../../kernel/logger.ts';

/**
 * Keeps every node's alarm engine in step over PostgreSQL LISTEN/NOTIFY: a profile's rules changed (reload them),
 * a person cleared an alarm (forget it was open), a device's attributes changed elsewhere (reload them). Sent inside
 * the writing transaction, so nodes hear of a change only once it is committed — and the sending node hears it too.
 */

const channel = 'storeos_alarm_engine';

/** A change other nodes' engines must hear about. */
export const engineMessage = z.discriminatedUnion('k', [
  z.object({ k: z.literal('rules'), t: z.string(), p: z.string() }),
  z.object({ k: z.literal('cleared'), t: z.string(), d: z.string(), a: z.string() }),
  z.object({ k: z.literal('attrs'), t: z.string(), d: z.string(), n: z.string().optional() }),
]);
export type EngineMessage = z.infer<typeof engineMessage>;

/** Tells every node's engine of a change, in the caller's transaction (delivered at commit, dropped on rollback). */
export async function notifyAlarmEngines(tx: Executor, message: EngineMessage): Promise<void> {
  await tx.execute(sql`SELECT pg_notify(${channel}, ${JSON.stringify(message)})`);
}

/** Tells every node's engine of several changes in one statement (a thousand devices going online send one, not a thousand). */
export async function notifyAlarmEnginesOfAll(db: Executor, messages: EngineMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await db.execute(sql`SELECT pg_notify(${channel}, m) FROM unnest(${sql.param(messages.map((m) => JSON.stringify(m)))}::text[]) AS m`);
}

/** Tells every node's engine that a profile's alarm rules changed; call it in the transaction that changes `alarm_rules`. */
export function announceAlarmRulesChanged(tx: Executor, tenantId: string, profileId: string): Promise<void> {
  return notifyAlarmEngines(tx, { k: 'rules', t: tenantId, p: profileId });
}

/**
 * Listens on the channel with a connection of its own; reconnects after a loss and then calls `onGap`, because
 * messages sent meanwhile are lost (the engine then forgets what it may have missed).
 */
export class EngineListener {
  private client: pg.PoolClient | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private detach: (() => void) | undefined;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly onMessage: (m: EngineMessage) => void,
    private readonly onGap: () => void,
  ) {}

  /** Connects and listens. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = await this.db.pool.connect();
    const onNotification = (n: pg.Notification) => {
      if (n.channel !== channel || !n.payload) return;
      const parsed = engineMessage.safeParse(safeJson(n.payload));
      if (parsed.success) this.onMessage(parsed.data);
    };
    const onError = (err: Error) => {
      this.log.warn({ err }, 'alarm engine listener lost its connection; reconnecting');
      this.release(true);
      this.scheduleReconnect();
    };
    client.on('notification', onNotification);
    client.on('error', onError);
    // The pool hands this client to others after release: our handlers must leave with us.
    this.detach = () => {
      client.off('notification', onNotification);
      client.off('error', onError);
    };
    this.client = client;
    try {
      await client.query(`LISTEN ${channel}`);
    } catch (err) {
      this.release(true);
      throw err;
    }
  }

  private release(broken: boolean) {
    const client = this.client;
    this.client = undefined;
    this.detach?.();
    this.detach = undefined;
    if (broken) client?.on('error', () => {}); // a dying connection may still report; nobody is left to hear it
    client?.release(broken);
  }

  private scheduleReconnect() {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.connect()
        .then(() => this.onGap())
        .catch((err) => {
          this.log.warn({ err }, 'alarm engine listener could not reconnect; retrying');
          this.scheduleReconnect();
        });
    }, 1000);
  }

  /** Stops listening and gives the connection back. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.query(`UNLISTEN ${channel}`).catch(() => {});
    this.release(false);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
