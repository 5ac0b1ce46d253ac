import { sql } from 'drizzle-orm';
import type { Executor } from '../../kernel/db.ts';

/** Rewrites the copied org paths of maintenance rows in a moved subtree, like stores and devices do. */
export async function rewriteMaintenancePaths(tx: Executor, tenantId: string, oldPath: string, newPath: string): Promise<void> {
  for (const table of ['assets', 'asset_downtime', 'maintenance_requests', 'work_orders', 'pm_schedules']) {
    await tx.execute(sql`UPDATE ${sql.identifier(table)} SET org_path = ${newPath} || substr(org_path, ${oldPath.length + 1})
      WHERE tenant_id = ${tenantId} AND org_path LIKE ${`${oldPath}%`}`);
  }
}
