import { eq } from 'drizzle-orm';
import type { Executor } from '../../kernel/db.ts';
import { AppError } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { insertOrgUnit, type OrgUnitRow } from './org-units.ts';
import { tenants } from './schema.ts';

export type TenantRow = typeof tenants.$inferSelect;

/** Creates a tenant and the root unit of its org tree. */
export async function createTenant(
  tx: Executor,
  input: { slug: string; name: string; rootCode?: string; rootName?: string; rootNameEn?: string },
): Promise<{ tenant: TenantRow; root: OrgUnitRow }> {
  if (!/^[a-z0-9][a-z0-9-]{1,39}$/.test(input.slug)) {
    throw new AppError('invalid', 'a tenant slug is 2–40 lower-case letters, digits and dashes');
  }
  const exists = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, input.slug));
  if (exists.length) throw new AppError('conflict', `tenant ${input.slug} already exists`);
  const [tenant] = await tx.insert(tenants).values({ id: newId('ten'), slug: input.slug, name: input.name }).returning();
  const root = await insertOrgUnit(tx, tenant.id, null, {
    kind: 'group',
    code: input.rootCode ?? 'GRP',
    name: input.rootName ?? input.name,
    nameEn: input.rootNameEn ?? null,
  });
  return { tenant, root };
}

/** The tenant with this slug, or a clear error naming it. */
export async function tenantBySlug(db: Executor, slug: string): Promise<TenantRow> {
  const [t] = await db.select().from(tenants).where(eq(tenants.slug, slug));
  if (!t) throw new AppError('not_found', `no tenant ${slug}`);
  return t;
}
