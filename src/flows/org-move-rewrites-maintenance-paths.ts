import { rewriteFilePaths } from '../modules/files/index.ts';
import { rewriteMaintenancePaths } from '../modules/maintenance/index.ts';
import { onSubtreeMoved } from '../modules/org/index.ts';

/** When an org subtree moves, the files, assets, work orders, requests and PM schedules of its stores follow in the same transaction. */
export function registerOrgMoveRewritesMaintenancePaths(): void {
  onSubtreeMoved(rewriteFilePaths);
  onSubtreeMoved(rewriteMaintenancePaths);
}
