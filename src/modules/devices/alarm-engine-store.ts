import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../kernel/db.ts';
import type { Logger } from '../../kernel/logger.ts';
import type { Value } from './alarm-rule-eval.ts';
import { type AlarmRule, type AlarmSeverity, parseAlarmRules } from './alarm-rules.ts';
import { type AlarmRow, type AlarmTrigger, clearAlarmByRule, openAlarmsOf, raiseAlarm } from './alarms.ts';
import type { AlarmDetails } from './alarms-schema.ts';
import type { DeviceIdentity } from './contract.ts';
import { deviceAttributes, deviceProfiles } from './schema.ts';

/**
 * What the alarm engine reads and writes, behind two small interfaces so the engine can be measured without a
 * database. The database source batches the first look at many devices (a reconnect storm) into a few queries.
 */

/** What the engine needs to know of a device the first time it sees it. */
export interface LoadedDeviceState {
  attributes: { scope: 'client' | 'server' | 'shared'; key: string; value: Value }[];
  latest: { key: string; value: Value }[];
  open: { id: string; type: string; severity: AlarmSeverity }[];
}

/** Where the engine reads rules and device state from. */
export interface AlarmEngineSource {
  /** A profile's alarm rules (none when the profile is unknown or its stored rules do not validate). */
  rulesOf(tenantId: string, profileId: string): Promise<AlarmRule[]>;
  /** A device's attributes, latest values of the given telemetry keys, and open alarms. */
  deviceState(device: DeviceIdentity, telemetryKeys: readonly string[], withAttributes: boolean): Promise<LoadedDeviceState>;
}

/** Where the engine writes alarm changes. */
export interface AlarmWriter {
  raise(t: AlarmTrigger): Promise<{ alarm: AlarmRow; change: 'created' | 'severity_changed' | undefined }>;
  clear(device: DeviceIdentity, type: string, at: number, details: AlarmDetails): Promise<AlarmRow | undefined>;
}

/** The writer over the alarms table (alarms.ts). */
export function databaseAlarmWriter(db: Database): AlarmWriter {
  return { raise: (t) => raiseAlarm(db, t), clear: (device, type, at, details) => clearAlarmByRule(db, device, type, at, details) };
}

interface Pending {
  device: DeviceIdentity;
  keys: readonly string[];
  withAttributes: boolean;
  resolve: (s: LoadedDeviceState) => void;
  reject: (err: unknown) => void;
}

/** The source over the devices module's tables (read only): profiles, attributes, latest telemetry; and the alarms table. */
export function databaseEngineSource(db: Database, log: Logger): AlarmEngineSource {
  let queue: Pending[] = [];
  const flush = async () => {
    const batch = queue;
    queue = [];
    const byTenant = new Map<string, Pending[]>();
    for (const p of batch) byTenant.set(p.device.tenantId, [...(byTenant.get(p.device.tenantId) ?? []), p]);
    for (const [tenantId, items] of byTenant) {
      try {
        const loaded = await loadStates(db, tenantId, items);
        for (const p of items) p.resolve(loaded.get(p.device.deviceId) ?? { attributes: [], latest: [], open: [] });
      } catch (err) {
        for (const p of items) p.reject(err);
      }
    }
  };
  return {
    async rulesOf(tenantId, profileId) {
      const [row] = await db.orm
        .select({ rules: deviceProfiles.alarmRules })
        .from(deviceProfiles)
        .where(and(eq(deviceProfiles.tenantId, tenantId), eq(deviceProfiles.id, profileId)));
      if (!row) return [];
      const parsed = parseAlarmRules(row.rules);
      if (parsed.ok) return parsed.rules;
      log.warn({ profileId, issues: parsed.issues }, 'stored alarm rules do not validate; the profile raises no alarms');
      return [];
    },
    deviceState(device, keys, withAttributes) {
      return new Promise((resolve, reject) => {
        // Devices first seen within one turn of the event loop are loaded together.
        if (queue.length === 0) setImmediate(() => void flush());
        queue.push({ device, keys, withAttributes, resolve, reject });
      });
    },
  };
}

async function loadStates(db: Database, tenantId: string, items: Pending[]): Promise<Map<string, LoadedDeviceState>> {
  const out = new Map<string, LoadedDeviceState>();
  for (const p of items) out.set(p.device.deviceId, { attributes: [], latest: [], open: [] });
  const ids = items.map((p) => p.device.deviceId);
  for (const a of await openAlarmsOf(db.orm, tenantId, ids)) out.get(a.deviceId)?.open.push({ id: a.id, type: a.type, severity: a.severity });

  const attrIds = items.filter((p) => p.withAttributes).map((p) => p.device.deviceId);
  if (attrIds.length) {
    const rows = await db.orm
      .select({ deviceId: deviceAttributes.deviceId, scope: deviceAttributes.scope, key: deviceAttributes.key, value: deviceAttributes.value })
      .from(deviceAttributes)
      .where(and(eq(deviceAttributes.tenantId, tenantId), inArray(deviceAttributes.deviceId, attrIds)));
    for (const r of rows) out.get(r.deviceId)?.attributes.push({ scope: r.scope, key: r.key, value: r.value as Value });
  }

  const keys = [...new Set(items.flatMap((p) => p.keys))];
  if (keys.length) {
    // Latest values of the keys the rules read, so a rule over two keys works from the first message after a restart.
    const rows = await db.pool.query<{ device_id: string; key: string; value: Value | null }>(
      `SELECT d.id AS device_id, k.key, COALESCE(to_jsonb(l.num_v), to_jsonb(l.bool_v), to_jsonb(l.str_v), l.json_v) AS value
         FROM telemetry_latest l
         JOIN devices d ON d.sid = l.device_sid
         JOIN telemetry_keys k ON k.id = l.key_id
        WHERE d.tenant_id = $1 AND d.id = ANY($2::text[]) AND k.tenant_id = $1 AND k.key = ANY($3::text[])`,
      [tenantId, ids, keys],
    );
    for (const r of rows.rows) if (r.value !== null) out.get(r.device_id)?.latest.push({ key: r.key, value: r.value });
  }
  return out;
}
