import type pg from 'pg';
import type { DeviceOutbound } from './contract.ts';
import type { DeviceRegistry } from './device-registry.ts';
import type { DeviceState } from './device-state.ts';
import type { LiveHub } from './live-feed.ts';

/** A connected device that sends nothing still counts as active; its activity is refreshed at most this often. */
const connectedRefreshMs = 60_000;

/**
 * Device activity and online state, kept in memory and written to `devices` in one UPDATE every few seconds: no
 * database write per message (ThingsBoard's last-activity bottleneck). A device is online while connected or while
 * its last message is younger than its profile's inactivity timeout; changes are published on the live feed.
 */
export class DeviceActivity {
  /** Devices whose online state changed since the last flush: their server attribute `active` is written then. */
  private transitions = new Map<DeviceState, boolean>();
  /** Called after a flush wrote `active` for these devices (the alarm engine's "device offline" rules read it). */
  onActiveChanged: (changes: [DeviceState, boolean][]) => void = () => {};

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly live: LiveHub,
  ) {}

  /** A message came from the device. */
  touch(state: DeviceState, now: number): void {
    state.lastActivityAt = now;
    state.activityDirty = true;
    if (!state.online) this.setOnline(state, true, now);
  }

  /** A transport holds a live connection for the device. */
  connected(state: DeviceState, outbound: DeviceOutbound, now: number): void {
    state.outbounds.set(outbound, (state.outbounds.get(outbound) ?? 0) + 1);
    this.touch(state, now);
  }

  /** A transport lost a connection of the device; it goes offline once the inactivity timeout passes. */
  disconnected(state: DeviceState, outbound: DeviceOutbound, now: number): void {
    const n = (state.outbounds.get(outbound) ?? 0) - 1;
    if (n > 0) state.outbounds.set(outbound, n);
    else state.outbounds.delete(outbound);
    this.touch(state, now);
  }

  /** Marks devices offline whose timeout passed, and refreshes the activity of connected ones that stay silent. */
  sweep(now = Date.now()): void {
    for (const s of this.registry.states.values()) {
      if (s.refused) continue;
      if (s.outbounds.size > 0) {
        if (now - s.lastActivityAt > Math.min(s.inactivityMs / 2, connectedRefreshMs)) this.touch(s, now);
      } else if (s.online && now - s.lastActivityAt > s.inactivityMs) {
        this.setOnline(s, false, now);
      }
    }
  }

  /** Writes changed activity and online flags in one statement; returns how many devices it wrote. */
  async flush(pool: pg.Pool): Promise<number> {
    const dirty: DeviceState[] = [];
    for (const s of this.registry.states.values()) {
      if (!s.activityDirty || s.refused) continue;
      s.activityDirty = false;
      dirty.push(s);
    }
    if (dirty.length === 0) return 0;
    try {
      await pool.query(
        `UPDATE devices d SET last_activity_at = to_timestamp(v.at / 1000.0), online = v.online
         FROM unnest($1::int[], $2::float8[], $3::bool[]) AS v(sid, at, online)
         WHERE d.sid = v.sid AND (d.last_activity_at IS NULL OR d.last_activity_at <= to_timestamp(v.at / 1000.0) OR d.online <> v.online)`,
        [dirty.map((s) => s.sid), dirty.map((s) => s.lastActivityAt), dirty.map((s) => s.online)],
      );
    } catch (err) {
      for (const s of dirty) s.activityDirty = true;
      throw err;
    }
    for (const s of dirty) s.activityWrittenAt = s.lastActivityAt;
    await this.writeActive(pool);
    return dirty.length;
  }

  /** Writes the server attribute `active` (as ThingsBoard keeps it) of devices that went online or offline. */
  private async writeActive(pool: pg.Pool): Promise<void> {
    if (this.transitions.size === 0) return;
    const changes = [...this.transitions];
    this.transitions = new Map();
    try {
      await pool.query(
        `INSERT INTO device_attributes (tenant_id, device_id, scope, key, value, updated_at)
         SELECT t, d, 'server', 'active', to_jsonb(a), now() FROM unnest($1::text[], $2::text[], $3::bool[]) AS v(t, d, a)
         JOIN devices ON devices.id = v.d
         ON CONFLICT (device_id, scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        [changes.map(([s]) => s.identity.tenantId), changes.map(([s]) => s.identity.deviceId), changes.map(([, a]) => a)],
      );
    } catch (err) {
      for (const [s, a] of changes) if (!this.transitions.has(s)) this.transitions.set(s, a);
      throw err;
    }
    this.onActiveChanged(changes);
  }

  private setOnline(state: DeviceState, online: boolean, now: number): void {
    state.online = online;
    state.activityDirty = true;
    this.transitions.set(state, online);
    const { tenantId, deviceId, storeId, orgPath } = state.identity;
    if (this.live.watched(tenantId))
      this.live.publish(tenantId, { kind: 'status', deviceId, storeId, online, lastActivityAt: state.lastActivityAt || now }, orgPath);
  }
}

/**
 * Marks offline, in the database, devices whose last activity is older than their timeout — those a node that died
 * was tracking (a live node refreshes its connected devices well within the timeout) — with `active` false.
 */
export async function sweepOfflineDevices(pool: pg.Pool): Promise<number> {
  const r = await pool.query(
    `WITH gone AS (
       UPDATE devices d SET online = false FROM device_profiles p
       WHERE p.id = d.profile_id AND d.online
         AND (d.last_activity_at IS NULL OR d.last_activity_at < now() - make_interval(secs => p.inactivity_timeout_seconds))
       RETURNING d.id, d.tenant_id)
     INSERT INTO device_attributes (tenant_id, device_id, scope, key, value, updated_at)
     SELECT tenant_id, id, 'server', 'active', 'false'::jsonb, now() FROM gone
     ON CONFLICT (device_id, scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  return r.rowCount ?? 0;
}
