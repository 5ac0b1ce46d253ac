import { eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../kernel/db.ts';
import { newId } from '../../kernel/ids.ts';
import { tenants } from '../org/index.ts';
import { stores, zones } from '../stores/index.ts';
import { defaultAlarmRules } from './alarm-defaults.ts';
import { insertDevices, type NewDevice } from './devices.ts';
import { ensureDefaultProfile } from './profiles.ts';
import { type DeviceKind, deviceProfiles } from './schema.ts';

/** A demo profile: one per kind, with the telemetry keys the simulator sends as chart keys. */
interface DemoProfile {
  kind: DeviceKind;
  name: string;
  description: string;
  retentionDays: number;
  inactivitySeconds: number;
  chartKeys: string[];
}

const demoProfiles: DemoProfile[] = [
  {
    kind: 'fridge',
    name: '冷藏柜 Display fridge',
    description: 'Chilled display cabinets, 2–8 °C',
    retentionDays: 30,
    inactivitySeconds: 300,
    chartKeys: ['temperature', 'door', 'power'],
  },
  {
    kind: 'freezer',
    name: '冷冻柜 Freezer',
    description: 'Frozen food cabinets, −18 °C',
    retentionDays: 30,
    inactivitySeconds: 300,
    chartKeys: ['temperature', 'door', 'power'],
  },
  {
    kind: 'hvac',
    name: '空调 HVAC',
    description: 'Sales-floor air conditioning',
    retentionDays: 30,
    inactivitySeconds: 600,
    chartKeys: ['temperature', 'setpoint', 'power'],
  },
  {
    kind: 'meter',
    name: '电表 Electricity meter',
    description: 'Main electricity meter of the store',
    retentionDays: 90,
    inactivitySeconds: 600,
    chartKeys: ['power', 'energy', 'voltage'],
  },
  {
    kind: 'people_counter',
    name: '客流计数器 People counter',
    description: 'Entrance people counter',
    retentionDays: 90,
    inactivitySeconds: 900,
    chartKeys: ['in', 'out', 'battery'],
  },
  {
    kind: 'signage',
    name: '数字标牌 Digital signage',
    description: 'Screens in the showroom',
    retentionDays: 7,
    inactivitySeconds: 600,
    chartKeys: ['uptime', 'cpuTemp'],
  },
  { kind: 'pos', name: '收银机 POS terminal', description: 'Checkout terminals', retentionDays: 30, inactivitySeconds: 600, chartKeys: ['transactions'] },
];

/** The devices each demo store gets: slot (part of the name and token), kind, label, and the zone kinds it prefers. */
export const demoDeviceTemplates: { slot: string; kind: DeviceKind; label: string; zoneKinds: string[] }[] = [
  { slot: 'fridge-1', kind: 'fridge', label: '冷藏展示柜 1 · Display fridge 1', zoneKinds: ['experience', 'sales_floor'] },
  { slot: 'fridge-2', kind: 'fridge', label: '冷藏展示柜 2 · Display fridge 2', zoneKinds: ['experience', 'sales_floor'] },
  { slot: 'freezer-1', kind: 'freezer', label: '冷冻柜 · Freezer', zoneKinds: ['experience', 'sales_floor'] },
  { slot: 'hvac-1', kind: 'hvac', label: '空调机组 · HVAC unit', zoneKinds: [] },
  { slot: 'meter-1', kind: 'meter', label: '总电表 · Main meter', zoneKinds: [] },
  { slot: 'people-counter-1', kind: 'people_counter', label: '入口客流 · Entrance counter', zoneKinds: [] },
  { slot: 'signage-1', kind: 'signage', label: '数字标牌 · Signage', zoneKinds: ['showroom', 'sales_floor'] },
  { slot: 'pos-1', kind: 'pos', label: '收银机 1 · POS 1', zoneKinds: ['checkout', 'service_desk', 'sales_floor'] },
];

/** The device name of a demo device: `S0001-fridge-1` (unique in the tenant). */
export function demoDeviceName(storeCode: string, slot: string): string {
  return `${storeCode}-${slot}`;
}

/**
 * The access token of a demo device, `<tenant slug>-<store code>-<slot>` (e.g. `demo-S0001-fridge-1`), so the
 * simulator can derive every token from the store codes. Guessable by design: demo data only.
 */
export function demoDeviceToken(tenantSlug: string, storeCode: string, slot: string): string {
  return `${tenantSlug}-${storeCode}-${slot}`;
}

/**
 * Gives every store of a demo tenant its devices (fridges, a freezer, HVAC, an electricity meter, a people counter,
 * signage, a POS) with one profile per kind carrying the default alarm rules of alarm-defaults.ts. Runs inside the
 * demo seed's transaction.
 */
export async function seedDemoDevices(tx: Executor, tenantId: string): Promise<{ profiles: number; devices: number }> {
  const [tenant] = await tx.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, tenantId));
  await ensureDefaultProfile(tx, tenantId);
  const profiles = await tx
    .insert(deviceProfiles)
    .values(
      demoProfiles.map((p) => ({
        id: newId('prf'),
        tenantId,
        name: p.name,
        description: p.description,
        kind: p.kind,
        telemetryRetentionDays: p.retentionDays,
        inactivityTimeoutSeconds: p.inactivitySeconds,
        defaultChartKeys: p.chartKeys,
        alarmRules: defaultAlarmRules(p.kind),
      })),
    )
    .returning({ id: deviceProfiles.id, kind: deviceProfiles.kind, name: deviceProfiles.name });
  const profileOf = new Map(profiles.map((p) => [p.kind, p]));
  const storeRows = await tx.select({ id: stores.id, code: stores.code, orgPath: stores.orgPath }).from(stores).where(eq(stores.tenantId, tenantId));
  const zoneRows = storeRows.length
    ? await tx
        .select({ id: zones.id, storeId: zones.storeId, kind: zones.kind })
        .from(zones)
        .where(
          inArray(
            zones.storeId,
            storeRows.map((s) => s.id),
          ),
        )
    : [];
  const zonesOf = new Map<string, { id: string; kind: string }[]>();
  for (const z of zoneRows) zonesOf.set(z.storeId, [...(zonesOf.get(z.storeId) ?? []), z]);
  const items: NewDevice[] = [];
  for (const store of storeRows) {
    const storeZones = zonesOf.get(store.id) ?? [];
    for (const t of demoDeviceTemplates) {
      const profile = profileOf.get(t.kind);
      if (!profile) continue;
      const zone = t.zoneKinds.map((k) => storeZones.find((z) => z.kind === k)).find(Boolean);
      items.push({
        tenantId,
        storeId: store.id,
        orgPath: store.orgPath,
        profileId: profile.id,
        zoneId: zone?.id ?? null,
        name: demoDeviceName(store.code, t.slot),
        label: t.label,
        type: profile.name,
        credentials: { type: 'access_token', accessToken: demoDeviceToken(tenant?.slug ?? 'demo', store.code, t.slot) },
      });
    }
  }
  await insertDevices(tx, items);
  return { profiles: profiles.length, devices: items.length };
}
