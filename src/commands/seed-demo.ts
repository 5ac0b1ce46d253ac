import { and, eq } from 'drizzle-orm';
import { recordAudit } from '../kernel/audit.ts';
import { systemActor } from '../kernel/auth.ts';
import type { Database } from '../kernel/db.ts';
import { AppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import { hashPassword } from '../kernel/passwords.ts';
import { seedDemoDevices } from '../modules/devices/index.ts';
import { createTenant, insertOrgUnits, insertUser, type OrgUnitRow, orgUnits, tenants } from '../modules/org/index.ts';
import { generateDemoChain } from '../modules/stores/demo-chain.ts';
import { insertStores, specialHours, zones } from '../modules/stores/index.ts';

export const demoPassword = 'storeos-demo';

/** The demo sign-ins: one user per role, with the org unit each is granted on. */
export const demoUsers = [
  { email: 'admin@demo.storeos.dev', name: '陈总部 (HQ admin)', role: 'hq_admin', scope: 'root' },
  { email: 'region.manager@demo.storeos.dev', name: '王大区 (region manager)', role: 'region_manager', scope: 'region' },
  { email: 'store.manager@demo.storeos.dev', name: '李店长 (store manager)', role: 'store_manager', scope: 'store' },
  { email: 'associate@demo.storeos.dev', name: '张店员 (associate)', role: 'associate', scope: 'store' },
  { email: 'technician@demo.storeos.dev', name: '赵工程师 (technician)', role: 'technician', scope: 'region' },
  { email: 'marketer@demo.storeos.dev', name: '刘市场 (marketer)', role: 'marketer', scope: 'root' },
  { email: 'partner@demo.storeos.dev', name: '周商户 (merchant partner)', role: 'merchant_partner', scope: 'store' },
  { email: 'viewer@demo.storeos.dev', name: '孙访客 (viewer)', role: 'viewer', scope: 'root' },
] as const;

const zoneTemplates = [
  { name: '手机数码 Mobile & Digital', kind: 'sales_floor' },
  { name: '大家电 Major Appliances', kind: 'sales_floor' },
  { name: '智慧厨房 Smart Kitchen', kind: 'experience' },
  { name: '影音娱乐 Home Cinema', kind: 'showroom' },
  { name: '服务台 Service Desk', kind: 'service_desk' },
  { name: '收银区 Checkout', kind: 'checkout' },
  { name: '仓库 Stockroom', kind: 'warehouse' },
] as const;

/** Whether the tenant already exists. */
export async function tenantExists(db: Database, slug: string): Promise<boolean> {
  return (await db.orm.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug))).length > 0;
}

/**
 * Seeds a demo chain in one transaction (all or nothing): the tenant, a group, 3 business units, 8 regions,
 * N stores with hours, holiday closures and zones, and one user per role.
 */
export async function seedDemo(
  db: Database,
  opts: { stores: number; slug?: string; onProgress?: (done: number, total: number) => void },
): Promise<{ tenantId: string; stores: number; users: typeof demoUsers }> {
  const slug = opts.slug ?? 'demo';
  if (opts.stores < 1 || opts.stores > 4000) throw new AppError('invalid', '--stores must be between 1 and 4000');
  if (await tenantExists(db, slug)) throw new AppError('conflict', `tenant ${slug} already exists; seed another with --tenant <slug>`);
  const chain = generateDemoChain({ stores: opts.stores });
  const passwordHash = await hashPassword(demoPassword);
  const total = chain.stores.length;
  return db.orm.transaction(async (tx) => {
    const { tenant, root } = await createTenant(tx, { slug, name: chain.group.name, rootCode: chain.group.code, rootName: chain.group.name, rootNameEn: chain.group.nameEn });
    const actor = systemActor(tenant.id, slug, 'demo seed');
    const bus = await insertOrgUnits(tx, tenant.id, chain.businessUnits.map((u) => ({ parent: root, kind: 'business_unit' as const, code: u.code, name: u.name, nameEn: u.nameEn })));
    const byCode = new Map<string, OrgUnitRow>([[root.code, root], ...bus.map((u) => [u.code, u] as const)]);
    const regions = await insertOrgUnits(
      tx,
      tenant.id,
      chain.regions.map((u) => ({ parent: byCode.get(u.parentCode ?? '') ?? root, kind: 'region' as const, code: u.code, name: u.name, nameEn: u.nameEn })),
    );
    for (const r of regions) byCode.set(r.code, r);

    const batch = 500;
    const storeIds: string[] = [];
    for (let i = 0; i < total; i += batch) {
      const slice = chain.stores.slice(i, i + batch);
      const ids = await insertStores(
        tx,
        actor,
        slice.map((s) => ({
          parent: byCode.get(s.regionCode) ?? root,
          input: {
            code: s.code,
            name: s.name,
            nameEn: s.nameEn,
            format: s.format,
            status: s.status,
            city: s.city,
            address: s.address,
            latitude: s.latitude,
            longitude: s.longitude,
            timeZone: s.timeZone,
            floorArea: s.floorArea,
            phone: s.phone,
            weeklyHours: s.weeklyHours,
          },
        })),
      );
      storeIds.push(...ids);
      const special = slice.flatMap((s, k) =>
        s.specialHours.map((h) => ({
          id: newId('sph'),
          tenantId: tenant.id,
          storeId: ids[k],
          startDate: h.startDate,
          endDate: h.endDate,
          closed: h.closed,
          opens: h.closed ? null : (h.opens ?? null),
          closes: h.closed ? null : (h.closes ?? null),
          note: h.note,
        })),
      );
      if (special.length) await tx.insert(specialHours).values(special);
      const zoneRows = slice.flatMap((s, k) => {
        const n = s.format === 'flagship' ? zoneTemplates.length : s.format === 'standard' ? 5 : 3;
        return zoneTemplates.slice(0, n).map((z, j) => ({
          id: newId('zon'),
          tenantId: tenant.id,
          storeId: ids[k],
          name: z.name,
          kind: z.kind,
          floorArea: Math.max(20, Math.round(((s.floorArea ?? 500) / (n + 1)) * (j === 1 ? 1.5 : 1))),
        }));
      });
      await tx.insert(zones).values(zoneRows);
      opts.onProgress?.(Math.min(i + batch, total), total);
    }

    const firstRegion = regions[0];
    const [firstStore] = await tx
      .select()
      .from(orgUnits)
      .where(and(eq(orgUnits.tenantId, tenant.id), eq(orgUnits.code, chain.stores[0].code)));
    const scopeOf = (scope: string) => (scope === 'root' ? root : scope === 'region' ? regionOf(chain.stores[0].regionCode) : firstStore);
    const regionOf = (code: string) => byCode.get(code) ?? firstRegion;
    for (const u of demoUsers) {
      await insertUser(tx, tenant.id, { email: u.email, name: u.name, passwordHash, role: u.role, orgUnitId: scopeOf(u.scope).id });
    }
    await seedDemoDevices(tx, tenant.id);
    await recordAudit(tx, actor, { action: 'tenant.seeded', entityType: 'tenant', entityId: tenant.id, orgPath: root.path, after: { slug, stores: total } });
    return { tenantId: tenant.id, stores: storeIds.length, users: demoUsers };
  });
}
