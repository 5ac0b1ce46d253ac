import type pg from 'pg';

/**
 * The monthly partitions of `customer_events` (RANGE by `ts`). A new one is created as a plain table and then
 * ATTACHed, which takes only SHARE UPDATE EXCLUSIVE on the parent, so COPYs in flight never wait; the ingest path asks
 * the database only for a month it has not seen (imports of old history, the first event of a month).
 */

/** First instant (ms) of the UTC month holding `ms`. */
export function monthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function nextMonth(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Table name of the partition holding the month starting at `start`. */
export function eventPartitionName(start: number): string {
  return `customer_events_${new Date(start).toISOString().slice(0, 7).replace('-', '')}`;
}

/** Creates months on demand and remembers which exist; concurrent calls for one month share the work. */
export class EventPartitions {
  private readonly known = new Set<number>();
  private readonly creating = new Map<number, Promise<void>>();

  constructor(private readonly pool: pg.Pool) {}

  /** Reads the partitions that exist. */
  async load(): Promise<void> {
    // By name (customer_events_YYYYMM): the text of a partition bound depends on the session's time zone.
    const r = await this.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'customer_events'::regclass`,
    );
    for (const row of r.rows) {
      const m = /^customer_events_(\d{4})(\d{2})$/.exec(row.name);
      if (m) this.known.add(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
    }
  }

  /** Makes sure the months holding these times exist. */
  async ensure(times: Iterable<number>): Promise<void> {
    const missing = new Set<number>();
    // Most times of a flush fall in one month: only a time outside the last month seen costs a Date.
    let from = 0;
    let to = 0;
    for (const t of times) {
      if (t >= from && t < to) continue;
      const m = monthStart(t);
      if (!this.known.has(m)) missing.add(m);
      from = m;
      to = nextMonth(m);
    }
    for (const m of missing) {
      let p = this.creating.get(m);
      if (!p) {
        p = this.create(m).finally(() => this.creating.delete(m));
        this.creating.set(m, p);
      }
      await p;
    }
  }

  /** Creates this month's and the next month's partitions (the maintenance job, and at start). */
  async createAhead(now = Date.now()): Promise<void> {
    await this.ensure([now, nextMonth(now)]);
  }

  private async create(start: number): Promise<void> {
    const name = eventPartitionName(start);
    const from = new Date(start).toISOString();
    const to = new Date(nextMonth(start)).toISOString();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // One node at a time; waiting DDL must not queue ahead of ingest for long.
      await client.query(`SET LOCAL lock_timeout = '10s'`);
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['storeos.customer_events.partitions']);
      const exists = await client.query<{ oid: string | null }>('SELECT to_regclass($1)::text AS oid', [name]);
      if (exists.rows[0]?.oid === null) {
        await client.query(`CREATE TABLE ${name} (LIKE customer_events)`);
        await client.query(`ALTER TABLE customer_events ATTACH PARTITION ${name} FOR VALUES FROM ('${from}') TO ('${to}')`);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    this.known.add(start);
  }
}
