import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors } from '../../kernel/schemas.ts';
import { findStoreInScope } from '../stores/index.ts';
import type { LiveEvent } from './contract.ts';
import { liveQuery } from './device-input.ts';
import { findDeviceInScope } from './devices.ts';
import type { DevicesRuntime } from './devices-runtime.ts';

/** A subscriber whose socket lags this far behind is dropped (the browser reconnects and reloads). */
const maxBacklogBytes = 1_048_576;

/**
 * `GET /api/v1/live?deviceId=` or `?storeId=`: Server-Sent Events of a device's or a store's latest telemetry,
 * online status and alarms, for the console. Scoped like the device and store pages (404 outside); a comment line
 * every `heartbeatMs` keeps proxies from closing it; the subscription ends with the connection.
 */
export function liveRoutes(deps: Deps, rt: DevicesRuntime, heartbeatMs = 15_000) {
  const { db } = deps;
  return async (app: HttpApp) => {
    app.get(
      '/live',
      {
        schema: { tags: ['devices'], summary: 'Live events (SSE) of a device or a store: telemetry, status, alarm', querystring: liveQuery, response: errors },
      },
      async (req, reply) => {
        const ctx = ctxOf(db, req);
        const filter = req.query.deviceId
          ? { deviceId: (await findDeviceInScope(ctx.db.orm, ctx.actor, req.query.deviceId)).id }
          : { storeId: (await findStoreInScope(ctx.db.orm, ctx.actor, req.query.storeId as string, 'devices:read')).id };
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write(`retry: 3000\nevent: ready\ndata: ${JSON.stringify(filter)}\n\n`);
        const send = (event: LiveEvent) => {
          if (res.writableLength > maxBacklogBytes) {
            res.destroy();
            return;
          }
          res.write(`event: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`);
        };
        const unsubscribe = rt.live.subscribe(ctx.actor.tenantId, filter, send);
        const beat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
        res.on('close', () => {
          clearInterval(beat);
          unsubscribe();
        });
      },
    );
  };
}
