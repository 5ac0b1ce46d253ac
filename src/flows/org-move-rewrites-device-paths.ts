import { rewriteAlarmPaths, rewriteDevicePaths } from '../modules/devices/index.ts';
import { onSubtreeMoved } from '../modules/org/index.ts';

/** When an org subtree moves, the devices of its stores and their alarms follow in the same transaction, so scoping never sees a stale path. */
export function registerOrgMoveRewritesDevicePaths(): void {
  onSubtreeMoved(rewriteDevicePaths);
  onSubtreeMoved(rewriteAlarmPaths);
}
