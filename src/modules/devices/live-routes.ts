import { type Actor, requireScope } from '../../kernel/auth.ts';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors } from '../../kernel/schemas.ts';
import { findUnitInScope } from '../org/index.ts';
import { findStoreInScope } from '../stores/index.ts';
import type { LiveEvent, LiveFilter } from './contract.ts';
import { liveQuery } from './device-input.ts';
import { findDeviceInScope } from './devices.ts';
import type { DevicesRuntime } from './devices-runtime.ts';

/** A subscriber whose socket lags this far behind is dropped (the browser reconnects and reloads). */
const maxBacklogBytes = 1_048_576;

type Kind = LiveEvent['kind'];

/** What each kind of event takes to watch over a subtree: alarms are read with `alarms:read`, device status with `devices:read`. */
const permissionOf: Record<Exclude<Kind, 'telemetry'>, string> = { alarm: 'alarms:read', status: 'devices:read' };

/**
 * The subscriptions of a subtree feed: per kind, the org paths the caller may watch it under — the org unit's subtree
 * when one is given (404 outside the caller's scope), else every subtree the caller's grants reach.
 */
async function subtreeFilters(db: Executor, actor: Actor, orgUnitId: string | undefined, kinds: Exclude<Kind, 'telemetry'>[]): Promise<LiveFilter[]> {
  const filters: LiveFilter[] = [];
  for (const kind of kinds) {
    const permission = permissionOf[kind];
    const orgPaths = orgUnitId ? [(await findUnitInScope(db, actor, orgUnitId, permission)).path] : requireScope(actor, permission);
    filters.push({ orgPaths, kinds: [kind] });
  }
  return filters;
}

/**
 * `GET /api/v1/live`: Server-Sent Events for the console. `?deviceId=` or `?storeId=` streams that device's or
 * store's latest telemetry, online status and alarms (scoped like the device and store pages: 404 outside);
 * `?orgUnitId=` streams alarm changes (and with `events=alarm,status`, online changes) of every device in that
 * org unit's subtree, and with no filter those of the caller's whole scope — what the chain-wide alarm list and
 * device list follow. `events=` narrows any stream to some kinds. A comment line every `heartbeatMs` keeps proxies
 * from closing it; the subscription ends with the connection.
 */
export function liveRoutes(deps: Deps, rt: DevicesRuntime, heartbeatMs = 15_000) {
  const { db } = deps;
  return async (app: HttpApp) => {
    app.get(
      '/live',
      {
        schema: {
          tags: ['devices'],
          summary: 'Live events (SSE): a device or store (telemetry, status, alarm), or an org subtree or your whole scope (alarm, status)',
          querystring: liveQuery,
          response: errors,
        },
      },
      async (req, reply) => {
        const ctx = ctxOf(db, req);
        const { deviceId, storeId, orgUnitId, events } = req.query;
        let filters: LiveFilter[];
        let ready: Record<string, unknown>;
        if (deviceId || storeId) {
          const one = deviceId
            ? { deviceId: (await findDeviceInScope(ctx.db.orm, ctx.actor, deviceId)).id }
            : { storeId: (await findStoreInScope(ctx.db.orm, ctx.actor, storeId as string, 'devices:read')).id };
          filters = [{ ...one, kinds: events }];
          ready = one;
        } else {
          const kinds = (events ?? ['alarm']).filter((k): k is Exclude<Kind, 'telemetry'> => k !== 'telemetry');
          filters = await subtreeFilters(ctx.db.orm, ctx.actor, orgUnitId, kinds);
          ready = { ...(orgUnitId ? { orgUnitId } : {}), events: kinds };
        }
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write(`retry: 3000\nevent: ready\ndata: ${JSON.stringify(ready)}\n\n`);
        const send = (event: LiveEvent) => {
          if (res.writableLength > maxBacklogBytes) {
            res.destroy();
            return;
          }
          res.write(`event: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`);
        };
        const unsubscribes = filters.map((filter) => rt.live.subscribe(ctx.actor.tenantId, filter, send));
        const beat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
        res.on('close', () => {
          clearInterval(beat);
          for (const unsubscribe of unsubscribes) unsubscribe();
        });
      },
    );
  };
}
