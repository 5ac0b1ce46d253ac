import { and, eq, ne, sql } from 'drizzle-orm';
import type { Actor } from '../../kernel/auth.ts';
import type { Database } from '../../kernel/db.ts';
import { newId } from '../../kernel/ids.ts';
import { permissionsOf, tenants } from '../org/index.ts';
import { stores } from '../stores/index.ts';
import type { LiveEvent, LiveFeed } from './contract.ts';
import type { AlarmRule } from './alarm-rules.ts';
import { deviceProfiles, devices } from './schema.ts';
import type { DeviceIdentity } from './contract.ts';

/**
 * Test fixtures for the alarm tests: profiles and devices written straight into the devices module's tables of a
 * demo-seeded database, actors for service calls, and a live feed that records what it is given.
 */

type StoreRow = typeof stores.$inferSelect;

/** The demo tenant, the store manager's store (A) and a store in another region (B). */
export async function demoPlaces(db: Database): Promise<{ tenantId: string; storeA: StoreRow; storeB: StoreRow }> {
  const [tenant] = await db.orm.select().from(tenants).where(eq(tenants.slug, 'demo'));
  const managed = await db.pool.query<{ org_unit_id: string }>(
    `SELECT g.org_unit_id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.email = 'store.manager@demo.storeos.dev'`,
  );
  const [storeA] = await db.orm.select().from(stores).where(eq(stores.orgUnitId, managed.rows[0].org_unit_id));
  const [storeB] = await db.orm
    .select()
    .from(stores)
    .where(and(eq(stores.tenantId, tenant.id), ne(stores.parentOrgUnitId, storeA.parentOrgUnitId)))
    .orderBy(stores.code)
    .limit(1);
  return { tenantId: tenant.id, storeA, storeB };
}

/** Inserts a device profile with the given rules. */
export async function insertProfile(db: Database, tenantId: string, rules: AlarmRule[], kind: 'fridge' | 'other' = 'fridge'): Promise<string> {
  const id = newId('prf');
  await db.orm.insert(deviceProfiles).values({ id, tenantId, name: `Profile ${id}`, kind, alarmRules: rules });
  return id;
}

/** Inserts a device in a store and answers it as a transport would know it. */
export async function insertDevice(db: Database, store: StoreRow, profileId: string, name = `dev ${newId('x')}`): Promise<DeviceIdentity> {
  const id = newId('dev');
  await db.orm.insert(devices).values({ id, tenantId: store.tenantId, storeId: store.id, orgPath: store.orgPath, profileId, name });
  return { deviceId: id, tenantId: store.tenantId, storeId: store.id, orgPath: store.orgPath, profileId, name, isGateway: false };
}

/** An actor holding a role on the org unit at `path`. */
export function actorWith(tenantId: string, role: string, path: string, label = `${role} tester`): Actor {
  return {
    tenantId,
    tenantSlug: 'demo',
    kind: 'user',
    id: newId('usr'),
    label,
    grants: [{ id: newId('gr'), role, orgUnitId: 'ou', orgUnitName: 'unit', path, permissions: permissionsOf(role) }],
  };
}

/** A live feed that keeps every event, for assertions. */
export function recordingFeed(): LiveFeed & { events: { tenantId: string; event: LiveEvent }[] } {
  const events: { tenantId: string; event: LiveEvent }[] = [];
  return {
    events,
    publish(tenantId, event) {
      events.push({ tenantId, event });
    },
    subscribe() {
      return () => {};
    },
  };
}

/** The outbox rows of a topic, oldest first. */
export async function outboxRows(db: Database, topic: string): Promise<{ topic: string; payload: Record<string, unknown> }[]> {
  const r = await db.orm.execute<{ topic: string; payload: Record<string, unknown> }>(
    sql`SELECT topic, payload FROM outbox WHERE topic = ${topic} ORDER BY id`,
  );
  return r.rows;
}
