import { asc, eq } from 'drizzle-orm';
import { seedDemo } from '../src/commands/seed-demo.ts';
import type { Database } from '../src/kernel/db.ts';
import { demoDeviceTemplates, demoDeviceToken, deviceProfiles } from '../src/modules/devices/index.ts';
import { stores } from '../src/modules/stores/index.ts';

/** The one rule of every bench profile: simple, so it is evaluated on every message, and tripped by 1% of the devices. */
export const benchRule = {
  alarmType: 'Bench Over Temperature',
  createConditions: { CRITICAL: { expression: { op: '>', key: 'temperature', value: 50 } } },
  clearCondition: { expression: { op: '<=', key: 'temperature', value: 50 } },
  details: 'Bench sensor over 50 °C',
};

/**
 * Seeds a `bench` tenant as the demo seed does (8 devices per store, tokens derived from the store codes), with
 * `benchRule` as the only alarm rule of every profile; answers the access tokens of the first `count` devices.
 */
export async function seedBenchDevices(db: Database, count: number): Promise<{ tenantId: string; tokens: string[] }> {
  const slug = 'bench';
  const { tenantId } = await seedDemo(db, { stores: Math.ceil(count / demoDeviceTemplates.length), slug });
  await db.orm
    .update(deviceProfiles)
    .set({ alarmRules: [benchRule] })
    .where(eq(deviceProfiles.tenantId, tenantId));
  const codes = await db.orm.select({ code: stores.code }).from(stores).where(eq(stores.tenantId, tenantId)).orderBy(asc(stores.code));
  const tokens = codes.flatMap(({ code }) => demoDeviceTemplates.map((t) => demoDeviceToken(slug, code, t.slot)));
  return { tenantId, tokens: tokens.slice(0, count) };
}
