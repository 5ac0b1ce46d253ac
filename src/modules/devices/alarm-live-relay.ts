import { and, eq } from 'drizzle-orm';
import type { Database } from '../../kernel/db.ts';
import type { Logger } from '../../kernel/logger.ts';
import { alarmView } from './alarms.ts';
import { alarms } from './alarms-schema.ts';
import type { LiveFeed } from './contract.ts';
import { notifyNodes } from './device-notify.ts';
import type { LiveHub } from './live-feed.ts';

/**
 * Alarm changes on every node's live feed. An alarm is written by the node that ingested the telemetry (or that a
 * person's acknowledgement reached), but the console watching it may be connected to another node: the writing node
 * publishes the change on its own feed and sends an `alarm` notice (its id) over the devices channel; the other
 * nodes read the alarm and publish it on theirs — only when somebody of the tenant is watching there.
 */
export function relayingAlarmFeed(live: LiveHub, db: Database, nodeId: string, log: Logger): LiveFeed {
  return {
    publish(tenantId, event, orgPath) {
      live.publish(tenantId, event, orgPath);
      if (event.kind !== 'alarm' || typeof event.alarm.id !== 'string') return;
      notifyNodes(db.pool, { n: nodeId, e: 'alarm', t: tenantId, id: event.alarm.id }).catch((err) =>
        log.warn({ err, alarmId: event.alarm.id }, 'telling other nodes of an alarm change failed'),
      );
    },
    subscribe: (tenantId, filter, listener) => live.subscribe(tenantId, filter, listener),
  };
}

/** Publishes on this node's feed an alarm another node changed, as it is now (nothing when nobody of its tenant watches). */
export async function publishRelayedAlarm(live: LiveHub, db: Database, tenantId: string, alarmId: string): Promise<void> {
  if (!live.watched(tenantId)) return;
  const [row] = await db.orm
    .select()
    .from(alarms)
    .where(and(eq(alarms.tenantId, tenantId), eq(alarms.id, alarmId)));
  if (!row) return;
  live.publish(tenantId, { kind: 'alarm', deviceId: row.deviceId, storeId: row.storeId, alarm: alarmView(row) }, row.orgPath);
}
