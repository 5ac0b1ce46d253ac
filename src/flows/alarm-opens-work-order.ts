import type { Database } from '../kernel/db.ts';
import type { Subscriber } from '../kernel/outbox.ts';
import { type AlarmSeverity, alarmSeverities } from '../modules/devices/index.ts';
import { type AlarmFacts, alarmClearedForWorkOrders, workOrderForAlarm } from '../modules/maintenance/index.ts';

function facts(payload: Record<string, unknown>): AlarmFacts | undefined {
  const severity = (payload.to ?? payload.severity) as AlarmSeverity;
  if (typeof payload.deviceId !== 'string' || typeof payload.type !== 'string' || !alarmSeverities.includes(severity)) return undefined;
  return {
    alarmId: String(payload.alarmId ?? ''),
    deviceId: payload.deviceId,
    deviceName: typeof payload.deviceName === 'string' ? payload.deviceName : undefined,
    type: payload.type,
    severity,
    from: alarmSeverities.includes(payload.from as AlarmSeverity) ? (payload.from as AlarmSeverity) : undefined,
  };
}

/**
 * A device alarm opens a work order on the device's asset under the tenant's rules: `alarm.created` and
 * `alarm.severity_changed` open one (or add a note to the open one of that asset and alarm type), `alarm.cleared`
 * adds a note or completes it; a critical alarm holds the asset down until it clears. Runs in the outbox's
 * transaction with its receipt, so a redelivered event changes nothing twice.
 */
export function alarmOpensWorkOrder(db: Database): Subscriber {
  return {
    name: 'alarm-opens-work-order',
    topic: 'alarm.*',
    async handle(event, tx) {
      const alarm = facts(event.payload);
      if (!alarm) return;
      if (event.topic === 'alarm.created' || event.topic === 'alarm.severity_changed') {
        await workOrderForAlarm(tx, db, event.tenantId, alarm, event.topic === 'alarm.created' ? 'created' : 'severity_changed');
      } else if (event.topic === 'alarm.cleared') {
        await alarmClearedForWorkOrders(tx, event.tenantId, alarm);
      }
    },
  };
}
