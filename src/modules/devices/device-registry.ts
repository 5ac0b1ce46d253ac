import { createHash } from 'node:crypto';
import type pg from 'pg';
import { verifyPassword } from '../../kernel/passwords.ts';
import { type DeviceState, type DeviceStateRow, newState, refreshState, stateColumns, stateFrom, stateSelect } from './device-state.ts';

/** SHA-256 of an access token, the form credentials are stored and looked up in. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Longest access token accepted (ThingsBoard allows up to 32; integrators' own tokens may be longer). */
export const maxTokenLength = 256;
const unknownTtlMs = 10_000;
const maxUnknown = 10_000;

/**
 * Device states by id, and the credential cache (access token → state, MQTT basic → state, gateway + name →
 * sub-device state). A device's change (rotate, revoke, delete, move, profile change) drops its cache entries and
 * marks its state stale, on this node at once and on the others through LISTEN/NOTIFY (device-notify.ts).
 */
export class DeviceRegistry {
  readonly states = new Map<string, DeviceState>();
  private readonly cache = new Map<string, DeviceState>();
  private readonly unknown = new Map<string, number>();
  private readonly loading = new Map<string, Promise<DeviceState | undefined>>();
  /** Bumped by every invalidation: a lookup that raced with one is not cached. */
  private generation = 0;

  constructor(private readonly pool: pg.Pool) {}

  /** The device behind an access token, or undefined; an unknown token is remembered briefly so floods cost no queries. */
  async byToken(token: string): Promise<DeviceState | undefined> {
    if (token.length === 0 || token.length > maxTokenLength) return undefined;
    const key = `t:${token}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    if ((this.unknown.get(key) ?? 0) > Date.now()) return undefined;
    return this.once(key, async () => {
      const gen = this.generation;
      const rows = await this.query(`${stateSelect} WHERE c.token_hash = $1 AND c.type = 'access_token' AND c.revoked_at IS NULL`, [hashToken(token)]);
      return this.remember(key, rows[0], gen);
    });
  }

  /** The device behind MQTT basic credentials: client id and/or user name, and the password when one is set. */
  async byBasic(clientId: string, username: string, password: string): Promise<DeviceState | undefined> {
    const key = `b:${clientId}\u0000${username}\u0000${hashToken(password)}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    if ((this.unknown.get(key) ?? 0) > Date.now()) return undefined;
    return this.once(key, async () => {
      const gen = this.generation;
      const r = await this.pool.query<DeviceStateRow & { password_hash: string | null }>(
        `SELECT ${stateColumns}, c.password_hash ${stateFrom}
         WHERE c.type = 'mqtt_basic' AND c.revoked_at IS NULL
           AND ((c.client_id = $1 AND (c.username IS NULL OR c.username = $2)) OR (c.client_id IS NULL AND c.username = $2))`,
        [clientId, username],
      );
      for (const row of r.rows) {
        const ok = row.password_hash ? await verifyPassword(row.password_hash, password) : password === '';
        if (ok) return this.remember(key, row, gen);
      }
      return this.remember(key, undefined, gen);
    });
  }

  /** A gateway's sub-device by name, when cached. */
  subDevice(gatewayId: string, name: string): DeviceState | undefined {
    return this.cache.get(`g:${gatewayId}\u0000${name}`);
  }

  /** Caches a gateway's sub-device by name. */
  rememberSubDevice(gatewayId: string, name: string, state: DeviceState): void {
    const key = `g:${gatewayId}\u0000${name}`;
    this.cache.set(key, state);
    state.cacheKeys.push(key);
  }

  /** The current state of a device (reloaded when stale); a deleted device gets a tombstone state that refuses messages. */
  async byId(deviceId: string): Promise<DeviceState | undefined> {
    const known = this.states.get(deviceId);
    if (known && !known.stale) return known;
    return this.once(`i:${deviceId}`, async () => {
      const rows = await this.query(`${stateSelect} WHERE d.id = $1`, [deviceId]);
      if (rows[0]) return this.upsert(rows[0]);
      if (known) {
        known.refused = 'deleted';
        known.stale = false;
      }
      return known;
    });
  }

  /** Marks a device changed: its cache entries go, its state reloads on next use. */
  invalidateDevice(deviceId: string): void {
    const state = this.states.get(deviceId);
    // A new or changed credential may be one that was just refused: forget every refusal.
    this.unknown.clear();
    this.generation++;
    if (!state) return;
    state.stale = true;
    for (const key of state.cacheKeys) this.cache.delete(key);
    state.cacheKeys = [];
  }

  /** Ends the device's live sessions on this node (MQTT connections, HTTP long polls) through the transports holding them. */
  endSessions(deviceId: string): void {
    const state = this.states.get(deviceId);
    if (!state) return;
    for (const outbound of [...state.outbounds.keys()]) outbound.disconnect(deviceId);
  }

  /** Marks every device of a profile changed (retention, inactivity timeout). */
  invalidateProfile(profileId: string): void {
    for (const s of this.states.values()) if (s.identity.profileId === profileId) this.invalidateDevice(s.identity.deviceId);
  }

  /** Marks every device of a tenant changed (an org subtree moved). */
  invalidateTenant(tenantId: string): void {
    for (const s of this.states.values()) if (s.identity.tenantId === tenantId) this.invalidateDevice(s.identity.deviceId);
  }

  private async query(text: string, values: unknown[]): Promise<DeviceStateRow[]> {
    return (await this.pool.query<DeviceStateRow>(text, values)).rows;
  }

  private once(key: string, load: () => Promise<DeviceState | undefined>): Promise<DeviceState | undefined> {
    let p = this.loading.get(key);
    if (!p) {
      p = load().finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p;
  }

  private remember(key: string, row: DeviceStateRow | undefined, gen: number): DeviceState | undefined {
    if (gen !== this.generation) {
      // The device changed while we read it: answer, but neither cache nor trust the state.
      if (!row) return undefined;
      const state = this.upsert(row);
      state.stale = true;
      return state;
    }
    if (!row) {
      if (this.unknown.size >= maxUnknown) this.unknown.clear();
      this.unknown.set(key, Date.now() + unknownTtlMs);
      return undefined;
    }
    const state = this.upsert(row);
    this.cache.set(key, state);
    state.cacheKeys.push(key);
    return state;
  }

  private upsert(row: DeviceStateRow): DeviceState {
    const known = this.states.get(row.id);
    if (known) {
      refreshState(known, row);
      return known;
    }
    const state = newState(row);
    this.states.set(row.id, state);
    return state;
  }
}
