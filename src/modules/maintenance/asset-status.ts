import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../kernel/db.ts';
import { newId } from '../../kernel/ids.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { assetDowntime, assets } from './schema.ts';
import type { AssetStatus } from './work-order-states.ts';

export type AssetRow = typeof assets.$inferSelect;

/**
 * Moves an asset to a status, keeping downtime: going down opens an interval, leaving down closes it. `reason` says
 * why it went down (`manual`, `alarm`); the same status again changes nothing. Answers the asset as it is now.
 */
export async function changeAssetStatus(tx: Executor, asset: AssetRow, status: AssetStatus, reason: string, at = new Date()): Promise<AssetRow> {
  if (asset.status === status && (status !== 'down' || asset.downReason === reason)) return asset;
  if (asset.status === 'down' && status !== 'down') {
    await tx
      .update(assetDowntime)
      .set({ endedAt: at })
      .where(and(eq(assetDowntime.assetId, asset.id), isNull(assetDowntime.endedAt)));
  }
  if (status === 'down' && asset.status !== 'down') {
    await tx.insert(assetDowntime).values({
      id: newId('dwn'),
      tenantId: asset.tenantId,
      assetId: asset.id,
      storeId: asset.storeId,
      orgPath: asset.orgPath,
      category: asset.category,
      reason,
      startedAt: at,
    });
  }
  const [row] = await tx
    .update(assets)
    .set({ status, statusSince: asset.status === status ? asset.statusSince : at, downReason: status === 'down' ? reason : null, updatedAt: new Date() })
    .where(eq(assets.id, asset.id))
    .returning();
  await publishEvent(tx, asset.tenantId, 'asset.status_changed', { assetId: asset.id, storeId: asset.storeId, from: asset.status, to: status, reason });
  return row;
}
