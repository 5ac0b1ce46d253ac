import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, errorSchema, idParams } from '../../kernel/schemas.ts';
import { deleteAttributes, listAttributes, saveAttributes } from './attributes.ts';
import { DroppedMessage } from './contract.ts';
import { attributesBody, keyList, rpcBody, scopeParams, seriesQuery } from './device-input.ts';
import { attributeOut, latestOut, rpcOut, seriesOut } from './device-output.ts';
import type { DevicesRuntime } from './devices-runtime.ts';
import { getRpc, listRpc, sendRpc } from './rpc-requests.ts';
import { latestTelemetry, telemetrySeries } from './telemetry-query.ts';
import { checkAttributes } from './telemetry-payload.ts';

const tags = ['devices'];

/** Checks attribute values as strictly as a device's (storable strings, bounded depth); 400 otherwise. */
function storable(values: Record<string, unknown>): Record<string, unknown> {
  try {
    return checkAttributes(values);
  } catch (err) {
    if (err instanceof DroppedMessage) throw new AppError('invalid', err.message, { issues: [{ path: 'body', message: err.message }] });
    throw err;
  }
}

/** Telemetry, attributes and RPC of a device, for people, under /api/v1. */
export function deviceDataRoutes(deps: Deps, rt: DevicesRuntime) {
  const { db } = deps;
  return async (app: HttpApp) => {
    app.get(
      '/devices/:id/telemetry/latest',
      { schema: { tags, summary: 'The latest value of every key', params: idParams, response: { 200: z.object({ data: z.array(latestOut) }), ...errors } } },
      async (req) => latestTelemetry(ctxOf(db, req), rt, req.params.id),
    );
    app.get(
      '/devices/:id/telemetry',
      {
        schema: {
          tags,
          summary: 'Time series: raw points (agg=NONE) or buckets of `interval` ms (AVG, MIN, MAX, SUM, COUNT); long ranges read hourly rollups',
          params: idParams,
          querystring: seriesQuery,
          response: { 200: seriesOut, ...errors },
        },
      },
      async (req) => {
        const { orderBy, ...q } = req.query;
        return telemetrySeries(ctxOf(db, req), rt, req.params.id, { ...q, order: orderBy });
      },
    );

    app.get(
      '/devices/:id/attributes/:scope',
      {
        schema: {
          tags,
          summary: 'Attributes of one scope (client, server, shared)',
          params: scopeParams,
          querystring: z.object({ keys: keyList.optional() }),
          response: { 200: z.object({ data: z.array(attributeOut) }), ...errors },
        },
      },
      async (req) => ({ data: await listAttributes(ctxOf(db, req), req.params.id, req.params.scope, req.query.keys) }),
    );
    app.post(
      '/devices/:id/attributes/:scope',
      {
        schema: {
          tags,
          summary: 'Save server or shared attributes ({"key": value}); shared ones are pushed to the connected device at once',
          params: scopeParams,
          body: attributesBody,
          response: { 200: z.object({ data: z.array(attributeOut) }), ...errors },
        },
      },
      async (req) => ({ data: await saveAttributes(ctxOf(db, req), rt, req.params.id, req.params.scope, storable(req.body)) }),
    );
    app.delete(
      '/devices/:id/attributes/:scope',
      {
        schema: {
          tags,
          summary: 'Delete attributes (?keys=a,b); deleting shared ones tells the device {"deleted":[...]}',
          params: scopeParams,
          querystring: z.object({ keys: keyList.refine((k) => k.length > 0, { error: 'name at least one key' }) }),
          response: { 200: z.object({ data: z.array(attributeOut) }), ...errors },
        },
      },
      async (req) => ({ data: await deleteAttributes(ctxOf(db, req), rt, req.params.id, req.params.scope, req.query.keys) }),
    );

    app.post(
      '/devices/:id/rpc',
      {
        schema: {
          tags,
          summary: "Send an RPC: 200 with the device's reply (two-way) or once delivered (one-way), 504 on timeout, 202 with the id for a persistent one",
          params: idParams,
          body: rpcBody,
          response: { 200: z.unknown(), 202: z.object({ rpcId: z.string(), status: z.string() }), 504: errorSchema, ...errors },
        },
      },
      async (req, reply) => {
        const outcome = await sendRpc(ctxOf(db, req), rt, req.params.id, req.body);
        if (outcome.kind === 'queued') return reply.status(202).send({ rpcId: outcome.rpc.id, status: outcome.rpc.status });
        if (outcome.kind === 'timeout') {
          return reply.status(504).send({
            error: {
              code: 'timeout',
              message: `the device did not answer within ${req.body.timeoutMs} ms`,
              details: { rpcId: outcome.rpc.id, status: outcome.rpc.status },
            },
          });
        }
        if (req.body.oneway) return reply.status(200).send({ rpcId: outcome.rpc.id, status: outcome.rpc.status });
        return reply.status(200).send(outcome.response ?? null);
      },
    );
    app.get(
      '/devices/:id/rpc',
      {
        schema: {
          tags,
          summary: 'Recent RPC requests of a device and their status',
          params: idParams,
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
          response: { 200: z.object({ data: z.array(rpcOut) }), ...errors },
        },
      },
      async (req) => listRpc(ctxOf(db, req), req.params.id, req.query.limit),
    );
    app.get(
      '/rpc/:rpcId',
      {
        schema: {
          tags,
          summary: 'One RPC request and its status',
          params: z.object({ rpcId: z.string().min(1).max(64) }),
          response: { 200: rpcOut, ...errors },
        },
      },
      async (req) => getRpc(ctxOf(db, req), req.params.rpcId),
    );
  };
}
