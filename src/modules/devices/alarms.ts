import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { type Actor, can } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Database, Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { notifyOutboxOf, publishEvent } from '../../kernel/outbox.ts';
import { notifyAlarmEngines } from './alarm-engine-sync.ts';
import { type AlarmStatus, isOpen, nextStatus } from './alarm-lifecycle.ts';
import type { AlarmSeverity } from './alarm-rules.ts';
import { isHigher } from './alarm-rule-state.ts';
import { type AlarmDetails, type AlarmHistoryEntry, alarms } from './alarms-schema.ts';
import type { DeviceIdentity } from './contract.ts';

/**
 * The alarm lifecycle service: rules open, raise and clear alarms (alarm-engine.ts calls these); people acknowledge
 * and clear them. Every change is one transaction with its outbox event (and, for people, its audit entry).
 */

export type AlarmRow = typeof alarms.$inferSelect;

/** An alarm as the API, the live feed and events show it. */
export function alarmView(row: AlarmRow) {
  return {
    id: row.id,
    deviceId: row.deviceId,
    deviceName: row.deviceName,
    storeId: row.storeId,
    profileId: row.profileId,
    type: row.type,
    severity: row.severity,
    status: row.status,
    propagate: row.propagate,
    details: row.details,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    acknowledgedAt: row.acknowledgedAt,
    acknowledgedBy: row.acknowledgedBy,
    clearedAt: row.clearedAt,
    clearedBy: row.clearedBy,
    updatedAt: row.updatedAt,
  };
}
export type AlarmView = ReturnType<typeof alarmView>;

/** What an alarm event carries: enough for a flow (open a work order, notify the store) without reading the alarm. */
function eventPayload(row: AlarmRow, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    alarmId: row.id,
    deviceId: row.deviceId,
    deviceName: row.deviceName,
    storeId: row.storeId,
    profileId: row.profileId,
    type: row.type,
    severity: row.severity,
    status: row.status,
    propagate: row.propagate,
    startedAt: row.startedAt.toISOString(),
    details: row.details,
    ...extra,
  };
}

const appendHistory = (entry: AlarmHistoryEntry) => sql`${alarms.history} || ${JSON.stringify([entry])}::jsonb`;

/** A rule fired for a device. */
export interface AlarmTrigger {
  device: DeviceIdentity;
  type: string;
  severity: AlarmSeverity;
  propagate: boolean;
  details: AlarmDetails;
  /** When the condition fired (ms): the data point's time, or the sweep's for a duration that came due. */
  at: number;
}

/** The open alarm of a device and type, locked for the rest of the transaction. */
async function lockOpen(tx: Executor, tenantId: string, deviceId: string, type: string): Promise<AlarmRow | undefined> {
  const [row] = await tx
    .select()
    .from(alarms)
    .where(and(eq(alarms.tenantId, tenantId), eq(alarms.deviceId, deviceId), eq(alarms.type, type), isNull(alarms.clearedAt)))
    .for('update');
  return row;
}

/**
 * Opens an alarm, or raises the severity of the open one of the same device and type (a lower or equal severity
 * changes nothing). Raising an acknowledged alarm makes it unacknowledged again: it needs a person's eyes anew.
 */
export async function raiseAlarm(db: Database, t: AlarmTrigger): Promise<{ alarm: AlarmRow; change: 'created' | 'severity_changed' | undefined }> {
  const { device } = t;
  // The usual case, no alarm of this type open: one statement. Otherwise the transaction below decides.
  const opened = await openAlarm(db, t);
  if (opened) return { alarm: opened, change: 'created' };
  return db.orm.transaction(async (tx) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const open = await lockOpen(tx, device.tenantId, device.deviceId, t.type);
      const at = new Date(t.at);
      if (!open) {
        const [row] = await tx
          .insert(alarms)
          .values(newAlarmRow(t))
          .onConflictDoNothing()
          .returning();
        if (!row) continue; // another node opened it a moment ago: raise that one instead
        await publishEvent(tx, row.tenantId, 'alarm.created', eventPayload(row));
        return { alarm: row, change: 'created' as const };
      }
      if (!isHigher(t.severity, open.severity)) return { alarm: open, change: undefined };
      const status: AlarmStatus = open.status === 'ACTIVE_ACK' ? nextStatus(open.status, 'escalate') : open.status;
      const entry: AlarmHistoryEntry = {
        at: at.toISOString(),
        action: 'severity_changed',
        by: 'rule',
        status,
        severity: t.severity,
        from: open.severity,
        details: t.details,
      };
      const [row] = await tx
        .update(alarms)
        .set({
          severity: t.severity,
          status,
          details: t.details,
          acknowledgedAt: status === open.status ? open.acknowledgedAt : null,
          acknowledgedBy: status === open.status ? open.acknowledgedBy : null,
          history: appendHistory(entry),
          updatedAt: new Date(),
        })
        .where(eq(alarms.id, open.id))
        .returning();
      await publishEvent(tx, row.tenantId, 'alarm.severity_changed', eventPayload(row, { from: open.severity, to: t.severity }));
      return { alarm: row, change: 'severity_changed' as const };
    }
    throw new Error(`alarm ${t.type} of device ${device.deviceId} kept changing under us`);
  });
}

/** A new alarm opened by its rule at the trigger's time, with its first history entry. */
function newAlarmRow(t: AlarmTrigger): AlarmRow {
  const { device } = t;
  const at = new Date(t.at);
  const entry: AlarmHistoryEntry = { at: at.toISOString(), action: 'created', by: 'rule', status: 'ACTIVE_UNACK', severity: t.severity, details: t.details };
  return {
    id: newId('alm'),
    tenantId: device.tenantId,
    deviceId: device.deviceId,
    deviceName: device.name,
    storeId: device.storeId,
    orgPath: device.orgPath,
    profileId: device.profileId,
    type: t.type,
    severity: t.severity,
    status: 'ACTIVE_UNACK',
    propagate: t.propagate,
    details: t.details,
    startedAt: at,
    endedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    clearedAt: null,
    clearedBy: null,
    history: [entry],
    updatedAt: new Date(),
  };
}

/**
 * Opens an alarm with its `alarm.created` event and the dispatchers' wake-up in one statement (one round trip instead
 * of a transaction of six); undefined when an alarm of this device and type is open already (the partial unique index).
 */
async function openAlarm(db: Database, t: AlarmTrigger): Promise<AlarmRow | undefined> {
  const row = newAlarmRow(t);
  const r = await db.pool.query<{ updated_at: Date }>(
    `WITH opened AS (
       INSERT INTO alarms (id, tenant_id, device_id, device_name, store_id, org_path, profile_id, type, severity, status, propagate, details, started_at, history)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14::jsonb)
       ON CONFLICT DO NOTHING RETURNING tenant_id, updated_at),
     event AS (INSERT INTO outbox (tenant_id, topic, payload) SELECT tenant_id, 'alarm.created', $15::jsonb FROM opened RETURNING 1)
     SELECT updated_at, (${notifyOutboxOf('event')}) AS notified FROM opened`,
    [
      row.id,
      row.tenantId,
      row.deviceId,
      row.deviceName,
      row.storeId,
      row.orgPath,
      row.profileId,
      row.type,
      row.severity,
      row.status,
      row.propagate,
      JSON.stringify(row.details),
      row.startedAt,
      JSON.stringify(row.history),
      JSON.stringify(eventPayload(row)),
    ],
  );
  if (r.rows.length === 0) return undefined;
  row.updatedAt = r.rows[0].updated_at;
  return row;
}

/** Clears the open alarm of a device and type because the rule's clear condition held; nothing when none is open. */
export async function clearAlarmByRule(db: Database, device: DeviceIdentity, type: string, at: number, details: AlarmDetails): Promise<AlarmRow | undefined> {
  return db.orm.transaction(async (tx) => {
    const open = await lockOpen(tx, device.tenantId, device.deviceId, type);
    if (!open) return undefined;
    const status = nextStatus(open.status, 'clear');
    const when = new Date(at);
    const entry: AlarmHistoryEntry = { at: when.toISOString(), action: 'cleared', by: 'rule', status, severity: open.severity, details };
    const [row] = await tx
      .update(alarms)
      .set({ status, endedAt: when, clearedAt: new Date(), clearedBy: 'rule', history: appendHistory(entry), updatedAt: new Date() })
      .where(eq(alarms.id, open.id))
      .returning();
    await publishEvent(tx, row.tenantId, 'alarm.cleared', eventPayload(row, { by: 'rule' }));
    return row;
  });
}

/**
 * Loads an alarm for an operation needing `permission`: 404 when the caller cannot see it (alarms:read on its store),
 * 403 when they can see it but not do this. `lock` takes a row lock for the change that follows.
 */
export async function findAlarmInScope(db: Executor, actor: Actor, id: string, permission = 'alarms:read', lock = false): Promise<AlarmRow> {
  const query = db
    .select()
    .from(alarms)
    .where(and(eq(alarms.tenantId, actor.tenantId), eq(alarms.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row || !can(actor, 'alarms:read', row.orgPath)) notFound('alarm', id);
  if (!can(actor, permission, row.orgPath)) throw new AppError('forbidden', `your role does not allow ${permission} on this alarm`);
  return row;
}

/** An alarm with its history, inside the caller's scope. */
export async function getAlarm(ctx: Ctx, id: string): Promise<AlarmView & { history: AlarmHistoryEntry[] }> {
  const row = await findAlarmInScope(ctx.db.orm, ctx.actor, id);
  return { ...alarmView(row), history: row.history };
}

async function personChange(ctx: Ctx, id: string, action: 'acknowledge' | 'clear'): Promise<AlarmRow> {
  return ctx.db.orm.transaction(async (tx) => {
    const before = await findAlarmInScope(tx, ctx.actor, id, 'alarms:ack', true);
    const status = nextStatus(before.status, action);
    const now = new Date();
    const by = ctx.actor.label;
    const entry: AlarmHistoryEntry = { at: now.toISOString(), action: action === 'clear' ? 'cleared' : 'acknowledged', by, status, severity: before.severity };
    const set = action === 'acknowledge' ? { status, acknowledgedAt: now, acknowledgedBy: by } : { status, endedAt: now, clearedAt: now, clearedBy: by };
    const [row] = await tx
      .update(alarms)
      .set({ ...set, history: appendHistory(entry), updatedAt: now })
      .where(eq(alarms.id, id))
      .returning();
    const topic = action === 'clear' ? 'alarm.cleared' : 'alarm.acknowledged';
    await recordAudit(
      tx,
      ctx.actor,
      { action: topic, entityType: 'alarm', entityId: id, orgPath: row.orgPath, before: { status: before.status }, after: { status } },
      ctx.meta,
    );
    await publishEvent(tx, row.tenantId, topic, eventPayload(row, { by }));
    // The engine that keeps this device's state (on whichever node) must forget the alarm was open.
    if (action === 'clear' && isOpen(before.status)) await notifyAlarmEngines(tx, { k: 'cleared', t: row.tenantId, d: row.deviceId, a: row.type });
    return row;
  });
}

/** A person acknowledges an alarm (active or cleared); a refused transition answers 409 with the allowed actions. */
export function acknowledgeAlarm(ctx: Ctx, id: string): Promise<AlarmRow> {
  return personChange(ctx, id, 'acknowledge');
}

/** A person clears an active alarm; a refused transition answers 409 with the allowed actions. */
export function clearAlarm(ctx: Ctx, id: string): Promise<AlarmRow> {
  return personChange(ctx, id, 'clear');
}

/** The open alarms of devices, by device and type, for the engine's first look at a device. */
export async function openAlarmsOf(db: Executor, tenantId: string, deviceIds: string[]): Promise<Pick<AlarmRow, 'id' | 'deviceId' | 'type' | 'severity'>[]> {
  if (deviceIds.length === 0) return [];
  return db
    .select({ id: alarms.id, deviceId: alarms.deviceId, type: alarms.type, severity: alarms.severity })
    .from(alarms)
    .where(and(eq(alarms.tenantId, tenantId), isNull(alarms.clearedAt), inArray(alarms.deviceId, deviceIds)));
}

/** Rewrites the copied org path of alarms in a moved subtree (to register with the org module, like stores do). */
export async function rewriteAlarmPaths(tx: Executor, tenantId: string, oldPath: string, newPath: string): Promise<void> {
  await tx.execute(sql`UPDATE alarms SET org_path = ${newPath} || substr(org_path, ${oldPath.length + 1})
    WHERE tenant_id = ${tenantId} AND org_path LIKE ${`${oldPath}%`}`);
}
