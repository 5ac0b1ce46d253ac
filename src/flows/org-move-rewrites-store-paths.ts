import { onSubtreeMoved } from '../modules/org/index.ts';
import { rewriteStorePaths } from '../modules/stores/index.ts';

/** When an org subtree moves, the stores inside it follow in the same transaction, so scoping never sees a stale path. */
export function registerOrgMoveRewritesStorePaths(): void {
  onSubtreeMoved(rewriteStorePaths);
}
