import type pg from 'pg';
import type { DropReason } from './contract.ts';

interface Pending {
  tenantId: string;
  deviceId: string;
  reason: DropReason;
  count: number;
  lastAt: number;
}

/**
 * Dropped messages per device and reason, counted in memory and added to `device_drop_counters` every few seconds
 * (a flood of bad messages must not become a flood of writes).
 */
export class DropCounters {
  private pending = new Map<string, Pending>();
  /** Counts being written right now: still shown by `unflushed` until the write commits. */
  private flushing: Pending[] = [];
  /** The write in progress. */
  private writing: Promise<unknown> | undefined;
  /**
   * Flushes started so far. A reader of the table and `unflushed` waits for `idle`, then reads again if this changed
   * while it read: a write's COMMIT lands in PostgreSQL before this process hears of it, so while one is in flight the
   * table may already hold counts `unflushed` still shows.
   */
  started = 0;

  /** Counts one dropped message of a device. */
  count(tenantId: string, deviceId: string, reason: DropReason, at = Date.now()): void {
    const id = `${deviceId}\u0000${reason}`;
    const p = this.pending.get(id);
    if (p) {
      p.count++;
      p.lastAt = at;
    } else {
      this.pending.set(id, { tenantId, deviceId, reason, count: 1, lastAt: at });
    }
  }

  /** What a device has dropped and not yet flushed, per reason (the device page adds it to the stored counts). */
  unflushed(deviceId: string): Pending[] {
    return [...this.flushing, ...this.pending.values()].filter((p) => p.deviceId === deviceId);
  }

  /** Adds the counts to the database; returns how many rows were written. Counts are kept when the write fails. */
  async flush(pool: pg.Pool): Promise<number> {
    if (this.pending.size === 0) return 0;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = batch;
    this.started++;
    try {
      this.writing = pool.query(
        `INSERT INTO device_drop_counters (tenant_id, device_id, reason, count, last_at)
         SELECT t, d, r, c, to_timestamp(l / 1000.0) FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::float8[]) AS v(t, d, r, c, l)
         ON CONFLICT (device_id, reason) DO UPDATE SET count = device_drop_counters.count + excluded.count, last_at = GREATEST(device_drop_counters.last_at, excluded.last_at)`,
        [batch.map((p) => p.tenantId), batch.map((p) => p.deviceId), batch.map((p) => p.reason), batch.map((p) => p.count), batch.map((p) => p.lastAt)],
      );
      await this.writing;
    } catch (err) {
      for (const p of batch) {
        const id = `${p.deviceId}\u0000${p.reason}`;
        const now = this.pending.get(id);
        if (now) now.count += p.count;
        else this.pending.set(id, p);
      }
      throw err;
    } finally {
      this.flushing = [];
      this.writing = undefined;
    }
    return batch.length;
  }

  /** Resolves when no flush is being written (its counts are then either in the table or pending again). */
  async idle(): Promise<void> {
    while (this.writing) await this.writing.catch(() => {});
  }
}
