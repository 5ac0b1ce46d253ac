import type pg from 'pg';

/**
 * The partitions of `telemetry_entries` (LIST by retention days → RANGE by ts) and `telemetry_rollups` (RANGE by month).
 * New partitions are created as plain tables and then ATTACHed, and old ones DETACHed CONCURRENTLY before DROP:
 * both take only SHARE UPDATE EXCLUSIVE on the parent, so COPYs in flight never wait for maintenance.
 */

export const dayMs = 86_400_000;
const hourMs = 3_600_000;
/** Partitions created ahead of today, so midnight never finds a missing one. */
export const daysAhead = 3;
/** Rollups outlive raw data: kept at least this long (and as long as the longest raw retention). */
export const minRollupRetentionDays = 400;

/** Days one partition of a retention class spans: daily up to 59 days, wider beyond so a class has about 30 partitions. */
export function partitionWidthDays(retentionDays: number): number {
  return Math.max(1, Math.floor(retentionDays / 30));
}

/** Start (ms) of the partition of a retention class that holds `ts`. */
export function partitionStart(retentionDays: number, ts: number): number {
  const width = partitionWidthDays(retentionDays) * dayMs;
  return Math.floor(ts / width) * width;
}

function ymd(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
}

/** Table name of a telemetry partition. */
export function partitionName(retentionDays: number, start: number): string {
  return `telemetry_r${retentionDays}_${ymd(start)}`;
}

const monthStart = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const nextMonth = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};

/** An attached partition with its range. */
interface Bound {
  name: string;
  from: number;
  to: number;
  detachPending: boolean;
}

async function childrenOf(client: pg.PoolClient | pg.Pool, parent: string): Promise<Bound[]> {
  const r = await client.query<{ name: string; bound: string; pending: boolean }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound, i.inhdetachpending AS pending
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass($1)`,
    [parent],
  );
  return r.rows.flatMap((row) => {
    const m = /FROM \('(-?\d+)'\) TO \('(-?\d+)'\)/.exec(row.bound);
    return m ? [{ name: row.name, from: Number(m[1]), to: Number(m[2]), detachPending: row.pending }] : [];
  });
}

/** Creates and attaches partitions; remembers which exist so the ingest path asks the database only for a new one. */
export class TelemetryPartitions {
  private readonly known = new Set<string>();
  private readonly creating = new Map<string, Promise<void>>();
  /** Per retention class, the range of the partition last found to exist. */
  private readonly hot = new Map<number, { from: number; to: number }>();

  constructor(private readonly pool: pg.Pool) {}

  /** Whether the partition for `ts` in this retention class is known to exist. */
  has(retentionDays: number, ts: number): boolean {
    // Nearly every point falls in the class's current partition: one range check, no key string.
    const hot = this.hot.get(retentionDays);
    if (hot && ts >= hot.from && ts < hot.to) return true;
    const start = partitionStart(retentionDays, ts);
    if (!this.known.has(`${retentionDays}:${start}`)) return false;
    this.hot.set(retentionDays, { from: start, to: start + partitionWidthDays(retentionDays) * dayMs });
    return true;
  }

  /** Reads the partitions that exist (at start, and after maintenance). */
  async load(): Promise<void> {
    const classes = await this.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'telemetry_entries'::regclass`,
    );
    this.known.clear();
    this.hot.clear();
    for (const { name } of classes.rows) {
      const retention = Number(name.replace('telemetry_r', ''));
      for (const b of await childrenOf(this.pool, name)) if (!b.detachPending) this.known.add(`${retention}:${b.from}`);
    }
    for (const b of await childrenOf(this.pool, 'telemetry_rollups')) if (!b.detachPending) this.known.add(`rollup:${b.from}`);
  }

  /** Makes sure the partitions holding these timestamps exist in the retention class (concurrent calls share work). */
  async ensure(retentionDays: number, timestamps: Iterable<number>): Promise<void> {
    const starts = new Set<number>();
    for (const ts of timestamps) {
      const start = partitionStart(retentionDays, ts);
      if (!this.known.has(`${retentionDays}:${start}`)) starts.add(start);
    }
    for (const start of starts) {
      const id = `${retentionDays}:${start}`;
      let p = this.creating.get(id);
      if (!p) {
        p = this.create(retentionDays, start).finally(() => this.creating.delete(id));
        this.creating.set(id, p);
      }
      await p;
    }
  }

  private async create(retentionDays: number, start: number): Promise<void> {
    const end = start + partitionWidthDays(retentionDays) * dayMs;
    const cls = `telemetry_r${retentionDays}`;
    const name = partitionName(retentionDays, start);
    await this.inTransaction(async (client) => {
      if (!(await exists(client, cls))) {
        await client.query(`CREATE TABLE ${cls} (LIKE telemetry_entries) PARTITION BY RANGE (ts)`);
        await client.query(`ALTER TABLE telemetry_entries ATTACH PARTITION ${cls} FOR VALUES IN (${retentionDays})`);
      }
      if (!(await exists(client, name))) {
        await client.query(`CREATE TABLE ${name} (LIKE telemetry_entries)`);
        await client.query(`ALTER TABLE ${cls} ATTACH PARTITION ${name} FOR VALUES FROM (${start}) TO (${end})`);
      }
    });
    this.known.add(`${retentionDays}:${start}`);
  }

  /** Creates today's and the next days' partitions for every retention class in use, and this and next month's rollup partitions. */
  async createAhead(retentionClasses: number[], now = Date.now()): Promise<number> {
    let made = 0;
    for (const r of retentionClasses) {
      const before = this.known.size;
      const days = Array.from({ length: daysAhead + 1 }, (_, i) => now + i * dayMs);
      await this.ensure(r, days);
      made += this.known.size - before;
    }
    await this.ensureRollupMonths([now, nextMonth(now)]);
    return made;
  }

  /** Makes sure the monthly rollup partitions holding these hours exist. */
  async ensureRollupMonths(hours: number[]): Promise<void> {
    const months = new Set(hours.map(monthStart));
    for (const m of months) {
      const name = `telemetry_rollups_${ymd(m).slice(0, 6)}`;
      if (this.known.has(`rollup:${m}`)) continue;
      await this.inTransaction(async (client) => {
        if (await exists(client, name)) return;
        await client.query(`CREATE TABLE ${name} (LIKE telemetry_rollups)`);
        await client.query(`ALTER TABLE telemetry_rollups ATTACH PARTITION ${name} FOR VALUES FROM (${m}) TO (${nextMonth(m)})`);
      });
      this.known.add(`rollup:${m}`);
    }
  }

  /**
   * Drops every telemetry partition whose newest possible row is older than its class's retention, and rollup months
   * older than the rollup retention. DETACH … CONCURRENTLY waits for running COPYs without blocking new ones.
   */
  async dropExpired(now = Date.now()): Promise<string[]> {
    const dropped: string[] = [];
    this.hot.clear();
    const classes = await this.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'telemetry_entries'::regclass`,
    );
    let longest = minRollupRetentionDays;
    for (const { name: cls } of classes.rows) {
      const retention = Number(cls.replace('telemetry_r', ''));
      longest = Math.max(longest, retention);
      for (const b of await childrenOf(this.pool, cls)) {
        if (b.to > now - retention * dayMs) continue;
        await this.detachAndDrop(cls, b);
        this.known.delete(`${retention}:${b.from}`);
        dropped.push(b.name);
      }
    }
    for (const b of await childrenOf(this.pool, 'telemetry_rollups')) {
      if (b.to > now - longest * dayMs - hourMs) continue;
      await this.detachAndDrop('telemetry_rollups', b);
      this.known.delete(`rollup:${b.from}`);
      dropped.push(b.name);
    }
    return dropped;
  }

  private async detachAndDrop(parent: string, b: Bound): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query(`SET lock_timeout = '10s'`);
      // An interrupted concurrent detach leaves the partition "pending": FINALIZE completes it.
      await client.query(`ALTER TABLE ${parent} DETACH PARTITION ${b.name} ${b.detachPending ? 'FINALIZE' : 'CONCURRENTLY'}`);
      await client.query(`DROP TABLE ${b.name}`);
    } finally {
      await client.query('RESET lock_timeout').catch(() => {});
      client.release();
    }
  }

  private async inTransaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // One node at a time creates partitions; waiting DDL must not queue ahead of ingest for long.
      await client.query(`SET LOCAL lock_timeout = '10s'`);
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['storeos.telemetry.partitions']);
      await work(client);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}

async function exists(client: pg.PoolClient, table: string): Promise<boolean> {
  const r = await client.query<{ oid: string | null }>('SELECT to_regclass($1)::text AS oid', [table]);
  return r.rows[0]?.oid !== null;
}
