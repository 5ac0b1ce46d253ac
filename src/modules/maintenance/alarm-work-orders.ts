import { and, eq, inArray } from 'drizzle-orm';
import { systemActor } from '../../kernel/auth.ts';
import type { Database, Executor } from '../../kernel/db.ts';
import { type AlarmSeverity, openAlarmsOf } from '../devices/index.ts';
import { anyRuleFor, ruleFor } from './alarm-rules.ts';
import { changeAssetStatus } from './asset-status.ts';
import { assetsOfDevice } from './assets.ts';
import { workOrders } from './schema.ts';
import { bumped, openWorkOrder, recordWorkOrderEvent, type WorkOrderRow } from './work-order-open.ts';
import { openStatuses, type Priority } from './work-order-states.ts';
import { applyTransition } from './work-orders.ts';

/** What an alarm event tells us (the devices module's `alarm.*` payload). */
export interface AlarmFacts {
  alarmId: string;
  deviceId: string;
  deviceName?: string;
  type: string;
  severity: AlarmSeverity;
  /** The severity before, for a severity change. */
  from?: AlarmSeverity;
}

/** What happened to the work orders of the alarm's assets. */
export interface AlarmOutcome {
  opened: string[];
  noted: string[];
  completed: string[];
}

async function openOne(tx: Executor, tenantId: string, assetId: string, alarmType: string): Promise<WorkOrderRow | undefined> {
  const [row] = await tx
    .select()
    .from(workOrders)
    .where(
      and(
        eq(workOrders.tenantId, tenantId),
        eq(workOrders.assetId, assetId),
        eq(workOrders.alarmType, alarmType),
        inArray(workOrders.status, [...openStatuses]),
      ),
    )
    .for('update');
  return row;
}

/**
 * An alarm that held its assets down stopped being critical: each asset comes up again, unless another critical
 * alarm of the device is still open (it keeps the asset down until that one clears too).
 */
async function releaseAssets(tx: Executor, tenantId: string, alarm: AlarmFacts, assets: Awaited<ReturnType<typeof assetsOfDevice>>, why: string) {
  const held = assets.filter((a) => a.status === 'down' && a.downReason === 'alarm');
  if (held.length === 0) return;
  const open = await openAlarmsOf(tx, tenantId, [alarm.deviceId]);
  if (open.some((a) => a.severity === 'CRITICAL' && a.id !== alarm.alarmId)) return;
  for (const asset of held) await changeAssetStatus(tx, asset, 'operational', why);
}

async function note(tx: Executor, wo: WorkOrderRow, text: string, data: Record<string, unknown>) {
  await tx.update(workOrders).set(bumped({})).where(eq(workOrders.id, wo.id));
  await recordWorkOrderEvent(tx, wo, systemActor(wo.tenantId, '', 'alarm'), { action: 'note', note: text, data });
}

/**
 * An alarm opened or got worse on a device: each asset linked to it goes down while the alarm is critical, and under
 * the tenant's rule gets one open work order per alarm type (a repeat or a severity change adds a note instead).
 */
export async function workOrderForAlarm(
  tx: Executor,
  db: Database,
  tenantId: string,
  alarm: AlarmFacts,
  change: 'created' | 'severity_changed',
): Promise<AlarmOutcome> {
  const out: AlarmOutcome = { opened: [], noted: [], completed: [] };
  const assets = await assetsOfDevice(tx, tenantId, alarm.deviceId);
  if (change === 'severity_changed' && alarm.from === 'CRITICAL' && alarm.severity !== 'CRITICAL')
    await releaseAssets(tx, tenantId, alarm, assets, `alarm ${alarm.type} no longer critical`);
  for (const asset of assets) {
    if (alarm.severity === 'CRITICAL' && !(asset.status === 'down' && asset.downReason === 'alarm')) await changeAssetStatus(tx, asset, 'down', 'alarm');
    const rule = await ruleFor(tx, tenantId, alarm.type, alarm.severity);
    if (!rule) continue;
    const open = await openOne(tx, tenantId, asset.id, alarm.type);
    if (open) {
      const text = change === 'created' ? `Alarm ${alarm.type} raised again (${alarm.severity}).` : `Alarm ${alarm.type} is now ${alarm.severity}.`;
      await note(tx, open, text, { alarmId: alarm.alarmId, severity: alarm.severity });
      out.noted.push(open.id);
      continue;
    }
    const wo = await openWorkOrder(tx, db, systemActor(tenantId, '', 'alarm'), {
      site: { storeId: asset.storeId, orgUnitId: asset.orgUnitId, orgPath: asset.orgPath },
      assetId: asset.id,
      title: `${alarm.type} alarm: ${asset.name}`,
      description: `Device ${alarm.deviceName ?? alarm.deviceId} raised ${alarm.type} (${alarm.severity}).`,
      priority: rule.priority as Priority,
      source: 'alarm',
      alarmType: alarm.type,
      alarmId: alarm.alarmId,
    });
    out.opened.push(wo.id);
  }
  return out;
}

/** An alarm cleared: its assets are up again (when it held them down and no other critical alarm does), and its open work order gets a note or completes, per rule. */
export async function alarmClearedForWorkOrders(tx: Executor, tenantId: string, alarm: AlarmFacts): Promise<AlarmOutcome> {
  const out: AlarmOutcome = { opened: [], noted: [], completed: [] };
  const assets = await assetsOfDevice(tx, tenantId, alarm.deviceId);
  if (alarm.severity === 'CRITICAL') await releaseAssets(tx, tenantId, alarm, assets, 'alarm cleared');
  for (const asset of assets) {
    const open = await openOne(tx, tenantId, asset.id, alarm.type);
    if (!open) continue;
    const rule = await anyRuleFor(tx, tenantId, alarm.type);
    if (rule?.onClear === 'complete') {
      await applyTransition(tx, systemActor(tenantId, '', 'alarm'), open, 'COMPLETE', { note: `Alarm ${alarm.type} cleared; completed by rule.` });
      out.completed.push(open.id);
    } else {
      await note(tx, open, `Alarm ${alarm.type} cleared.`, { alarmId: alarm.alarmId });
      out.noted.push(open.id);
    }
  }
  return out;
}
