import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../kernel/db.ts';
import { grants, orgUnits, users } from './schema.ts';

/** A person who should hear about something: id, name and e-mail. */
export interface Recipient {
  id: string;
  name: string;
  email: string;
}

/** Active users holding `role` on the unit or any unit above it (the store's manager, the region's manager, HQ). */
export async function roleHolders(db: Executor, tenantId: string, orgUnitId: string, role: string): Promise<Recipient[]> {
  const [unit] = await db
    .select({ path: orgUnits.path })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.id, orgUnitId)));
  if (!unit) return [];
  return db
    .selectDistinct({ id: users.id, name: users.name, email: users.email })
    .from(grants)
    .innerJoin(orgUnits, eq(orgUnits.id, grants.orgUnitId))
    .innerJoin(users, eq(users.id, grants.userId))
    .where(and(eq(grants.tenantId, tenantId), eq(grants.role, role), eq(users.status, 'active'), sql`${unit.path} LIKE ${orgUnits.path} || '%'`));
}

/** Active users of the tenant among the given ids. */
export async function activeUsers(db: Executor, tenantId: string, ids: string[]): Promise<Recipient[]> {
  if (ids.length === 0) return [];
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), inArray(users.id, ids), eq(users.status, 'active')));
}

/** Whether an active user of the tenant holds one of the roles on the unit at `path` or above it (a technician of the store). */
export async function userHoldsRoleOver(db: Executor, tenantId: string, userId: string, path: string, roles: string[]): Promise<boolean> {
  const rows = await db
    .select({ id: grants.id })
    .from(grants)
    .innerJoin(orgUnits, eq(orgUnits.id, grants.orgUnitId))
    .innerJoin(users, eq(users.id, grants.userId))
    .where(
      and(
        eq(grants.tenantId, tenantId),
        eq(grants.userId, userId),
        inArray(grants.role, roles),
        eq(users.status, 'active'),
        sql`${path} LIKE ${orgUnits.path} || '%'`,
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/** Active users granted one of the roles on exactly this unit (a store's own staff), by name. */
export async function unitStaff(db: Executor, tenantId: string, orgUnitId: string, roles: readonly string[]): Promise<(Recipient & { role: string })[]> {
  if (roles.length === 0) return [];
  return db
    .selectDistinct({ id: users.id, name: users.name, email: users.email, role: grants.role })
    .from(grants)
    .innerJoin(users, eq(users.id, grants.userId))
    .where(and(eq(grants.tenantId, tenantId), eq(grants.orgUnitId, orgUnitId), inArray(grants.role, [...roles]), eq(users.status, 'active')))
    .orderBy(users.name);
}
