import type pg from 'pg';
import type { DataPoint } from './contract.ts';
import type { DeviceState } from './device-state.ts';
import type { TelemetryKeys } from './telemetry-keys.ts';

const watermark = 'latest_flushed_at';
/** Recovery reads telemetry from this long before the last flush, covering points whose hand-off was still running. */
const recoveryMarginMs = 60_000;

/**
 * The latest value of every key, kept in memory after each commit and upserted into `telemetry_latest` every second
 * or two, once per device and key however many messages came. After a crash, `recover` rebuilds what the last
 * flushes missed from the telemetry itself (rows stamped since the last flush's watermark).
 */
export class LatestValues {
  private dirty = new Set<DeviceState>();

  /** Takes committed points into the device's latest values (a point older than the one held is ignored). */
  record(state: DeviceState, points: DataPoint[]): void {
    for (const p of points) {
      const held = state.latest.get(p.key);
      if (held && held.ts > p.ts) continue;
      state.latest.set(p.key, p);
      if (!state.latestDirty) state.latestDirty = new Map();
      state.latestDirty.set(p.key, p);
    }
    if (state.latestDirty) this.dirty.add(state);
  }

  /** The same for a message of one timestamp given as keys and values (the fast path's, telemetry-flat-payload.ts). */
  recordValues(state: DeviceState, ts: number, keys: readonly string[], values: number[]): void {
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      const held = state.latest.get(key);
      if (held && held.ts > ts) continue;
      const p: DataPoint = { ts, key, value: values[k] };
      state.latest.set(key, p);
      if (!state.latestDirty) state.latestDirty = new Map();
      state.latestDirty.set(key, p);
    }
    if (state.latestDirty) this.dirty.add(state);
  }

  /** Upserts changed latest values in one statement and moves the watermark; returns how many rows it wrote. */
  async flush(pool: pg.Pool, keys: TelemetryKeys): Promise<number> {
    const startedAt = Date.now();
    const states = [...this.dirty];
    this.dirty = new Set();
    // One JSON array of rows as the only parameter: serialised natively, instead of eight arrays the driver escapes
    // element by element (measured in docs/decisions.md).
    const rows: unknown[][] = [];
    const taken: [DeviceState, Map<string, DataPoint>][] = [];
    for (const s of states) {
      const points = s.latestDirty;
      s.latestDirty = undefined;
      if (!points || s.refused) continue;
      taken.push([s, points]);
      for (const p of points.values()) {
        const id = keys.idOf(s.identity.tenantId, p.key);
        if (id === undefined) continue; // cannot happen: the row was written with this id
        const v = p.value;
        rows.push([
          s.identity.tenantId,
          s.sid,
          id,
          p.ts,
          typeof v === 'number' ? v : null,
          typeof v === 'boolean' ? v : null,
          typeof v === 'string' ? v : null,
          typeof v === 'object' ? v : null,
        ]);
      }
    }
    try {
      if (rows.length > 0) {
        await pool.query(
          `INSERT INTO telemetry_latest (tenant_id, device_sid, key_id, ts, num_v, bool_v, str_v, json_v)
           SELECT r->>0, (r->>1)::int, (r->>2)::int, (r->>3)::bigint, (r->>4)::float8, (r->>5)::bool, r->>6, NULLIF(r->7, 'null')
             FROM jsonb_array_elements($1::jsonb) AS r
           ON CONFLICT (device_sid, key_id) DO UPDATE SET ts = excluded.ts, num_v = excluded.num_v, bool_v = excluded.bool_v, str_v = excluded.str_v, json_v = excluded.json_v
           WHERE telemetry_latest.ts <= excluded.ts`,
          [JSON.stringify(rows)],
        );
      }
      await setWatermark(pool, startedAt);
    } catch (err) {
      // Put them back: the next flush writes them (newer ones that arrived meanwhile win).
      for (const [s, points] of taken) {
        const now = s.latestDirty ?? new Map<string, DataPoint>();
        for (const [k, p] of points) if (!now.has(k)) now.set(k, p);
        s.latestDirty = now;
        this.dirty.add(s);
      }
      throw err;
    }
    return rows.length;
  }

  /** Rebuilds latest values from telemetry stamped since the last flush (after a crash); returns how many rows changed. */
  async recover(pool: pg.Pool): Promise<number> {
    const r = await pool.query<{ value: number }>('SELECT value FROM device_pipeline_state WHERE name = $1', [watermark]);
    const since = r.rows[0]?.value;
    if (since === undefined) {
      await setWatermark(pool, Date.now());
      return 0;
    }
    const done = await pool.query(
      `INSERT INTO telemetry_latest (tenant_id, device_sid, key_id, ts, num_v, bool_v, str_v, json_v)
       SELECT DISTINCT ON (t.device_sid, t.key_id) d.tenant_id, t.device_sid, t.key_id, t.ts, t.num_v, t.bool_v, t.str_v, t.json_v
       FROM telemetry t JOIN devices d ON d.sid = t.device_sid
       WHERE t.ts >= $1
       ORDER BY t.device_sid, t.key_id, t.ts DESC
       ON CONFLICT (device_sid, key_id) DO UPDATE SET ts = excluded.ts, num_v = excluded.num_v, bool_v = excluded.bool_v, str_v = excluded.str_v, json_v = excluded.json_v
       WHERE telemetry_latest.ts < excluded.ts`,
      [since - recoveryMarginMs],
    );
    return done.rowCount ?? 0;
  }
}

async function setWatermark(pool: pg.Pool, at: number): Promise<void> {
  await pool.query(
    `INSERT INTO device_pipeline_state (name, value) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET value = GREATEST(device_pipeline_state.value, excluded.value), updated_at = now()`,
    [watermark, at],
  );
}
