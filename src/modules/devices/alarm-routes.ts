import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams, page, pageQuery } from '../../kernel/schemas.ts';
import { type AlarmStatus, alarmStatuses } from './alarm-lifecycle.ts';
import { type AlarmFilter, alarmSummary, listAlarms, listDeviceAlarms, listStoreAlarms } from './alarm-queries.ts';
import { alarmRuleRoutes } from './alarm-rule-routes.ts';
import { type AlarmSeverity, alarmSeverities } from './alarm-rules.ts';
import { type AlarmRow, acknowledgeAlarm, alarmView, clearAlarm, getAlarm } from './alarms.ts';

const listOf = (values: readonly string[]) => new RegExp(`^(${values.join('|')})(,(${values.join('|')}))*$`);

const filterQuery = {
  orgUnitId: z.string().max(64).optional().describe('Only alarms of stores under this org unit (a region, a business unit)'),
  storeId: z.string().max(64).optional(),
  deviceId: z.string().max(64).optional(),
  severity: z
    .string()
    .regex(listOf(alarmSeverities), { error: `must be a comma-separated list of ${alarmSeverities.join(', ')}` })
    .optional()
    .describe('Comma-separated severities'),
  status: z
    .string()
    .regex(listOf(alarmStatuses), { error: `must be a comma-separated list of ${alarmStatuses.join(', ')}` })
    .optional()
    .describe('Comma-separated statuses'),
  type: z.string().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('Started at or after (ISO 8601)'),
  to: z.iso.datetime({ offset: true }).optional().describe('Started before (ISO 8601)'),
};
type FilterQuery = { [K in keyof typeof filterQuery]?: z.infer<(typeof filterQuery)[K]> };

function filterOf(q: FilterQuery): AlarmFilter {
  return {
    orgUnitId: q.orgUnitId,
    storeId: q.storeId,
    deviceId: q.deviceId,
    severity: q.severity ? (q.severity.split(',') as AlarmSeverity[]) : undefined,
    status: q.status ? (q.status.split(',') as AlarmStatus[]) : undefined,
    type: q.type,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
  };
}

const details = z.object({ message: z.string().optional(), condition: z.string().optional(), values: z.record(z.string(), z.unknown()).optional() });
const alarm = z.object({
  id: z.string(),
  deviceId: z.string(),
  deviceName: z.string(),
  storeId: z.string(),
  profileId: z.string(),
  type: z.string(),
  severity: z.enum(alarmSeverities),
  status: z.enum(alarmStatuses),
  propagate: z.boolean(),
  details,
  startedAt: z.date(),
  endedAt: z.date().nullable(),
  acknowledgedAt: z.date().nullable(),
  acknowledgedBy: z.string().nullable(),
  clearedAt: z.date().nullable(),
  clearedBy: z.string().nullable(),
  updatedAt: z.date(),
});
const listed = alarm.extend({ storeName: z.string(), storeCode: z.string() });
const historyEntry = z.object({
  at: z.string(),
  action: z.enum(['created', 'severity_changed', 'acknowledged', 'cleared']),
  by: z.string(),
  status: z.enum(alarmStatuses),
  severity: z.enum(alarmSeverities),
  from: z.enum(alarmSeverities).optional(),
  details: details.optional(),
});
const summary = z.object({
  activeBySeverity: z.record(z.enum(alarmSeverities), z.number()),
  byStatus: z.object({ ACTIVE_UNACK: z.number(), ACTIVE_ACK: z.number(), CLEARED_UNACK: z.number() }),
  active: z.number(),
  unacknowledged: z.number(),
});

/** What the routes need of the engine: to hear of people's changes (live feed, forgetting a cleared alarm). */
export interface AlarmChangeListener {
  alarmChanged(row: AlarmRow): void;
}

/** Alarms (chain-wide, per store, per device; acknowledge, clear; summary) and alarm-rule import, export and test, under /api/v1. */
export function alarmRoutes(deps: Deps, engine: AlarmChangeListener) {
  const { db } = deps;
  return async (app: HttpApp) => {
    await app.register(alarmRuleRoutes(deps));
    const listQuery = z.object({ ...filterQuery, ...pageQuery });
    app.get(
      '/alarms',
      { schema: { tags: ['alarms'], summary: 'Alarms in your scope, newest first', querystring: listQuery, response: { 200: page(listed), ...errors } } },
      async (req) => listAlarms(ctxOf(db, req), { ...filterOf(req.query), cursor: req.query.cursor, limit: req.query.limit }),
    );
    app.get(
      '/alarms/summary',
      {
        schema: {
          tags: ['alarms'],
          summary: 'Alarms needing attention by severity and status, for dashboards',
          querystring: z.object(filterQuery),
          response: { 200: summary, ...errors },
        },
      },
      async (req) => alarmSummary(ctxOf(db, req), filterOf(req.query)),
    );
    app.get(
      '/alarms/:id',
      {
        schema: {
          tags: ['alarms'],
          summary: 'One alarm with its history',
          params: idParams,
          response: { 200: alarm.extend({ history: z.array(historyEntry) }), ...errors },
        },
      },
      async (req) => getAlarm(ctxOf(db, req), req.params.id),
    );
    app.post(
      '/alarms/:id/ack',
      { schema: { tags: ['alarms'], summary: 'Acknowledge an alarm (409 lists the allowed actions)', params: idParams, response: { 200: alarm, ...errors } } },
      async (req) => {
        const row = await acknowledgeAlarm(ctxOf(db, req), req.params.id);
        engine.alarmChanged(row);
        return alarmView(row);
      },
    );
    app.post(
      '/alarms/:id/clear',
      { schema: { tags: ['alarms'], summary: 'Clear an active alarm (409 lists the allowed actions)', params: idParams, response: { 200: alarm, ...errors } } },
      async (req) => {
        const row = await clearAlarm(ctxOf(db, req), req.params.id);
        engine.alarmChanged(row);
        return alarmView(row);
      },
    );
    const scopedQuery = z.object({ ...filterQuery, ...pageQuery }).omit({ storeId: true, deviceId: true });
    app.get(
      '/stores/:id/alarms',
      {
        schema: {
          tags: ['alarms'],
          summary: "A store's alarms, newest first",
          params: idParams,
          querystring: scopedQuery,
          response: { 200: page(listed), ...errors },
        },
      },
      async (req) => listStoreAlarms(ctxOf(db, req), req.params.id, { ...filterOf(req.query), cursor: req.query.cursor, limit: req.query.limit }),
    );
    app.get(
      '/devices/:id/alarms',
      {
        schema: {
          tags: ['alarms'],
          summary: "A device's alarms, newest first",
          params: idParams,
          querystring: scopedQuery,
          response: { 200: page(listed), ...errors },
        },
      },
      async (req) => listDeviceAlarms(ctxOf(db, req), req.params.id, { ...filterOf(req.query), cursor: req.query.cursor, limit: req.query.limit }),
    );
  };
}
