import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../kernel/errors.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errorSchema } from '../../kernel/schemas.ts';
import { type DeviceIdentity, type DeviceIngress, DroppedMessage } from './contract.ts';
import { keyList } from './device-input.ts';
import type { DevicesRuntime } from './devices-runtime.ts';
import type { HttpPoll } from './http-poll.ts';
import { parseJson } from './telemetry-payload.ts';

const tags = ['device API'];
const tokenParams = z.object({ token: z.string().min(1).max(300) });
const deviceErrors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 413: errorSchema, 429: errorSchema };

/** The HTTP status of a dropped message: bad input 400, too large 413, flood 429, refused 403. */
function droppedToHttp(err: DroppedMessage): AppError {
  if (err.reason === 'invalid_json' || err.reason === 'invalid_shape') return new AppError('invalid', err.message);
  if (err.reason === 'too_large') return new AppError('too_large', err.message);
  if (err.reason === 'rate_limited') return new AppError('rate_limited', err.message, undefined, { 'retry-after': '1' });
  return new AppError('forbidden', err.message);
}

function bodyOf(req: FastifyRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/**
 * ThingsBoard's HTTP device API, public routes authenticated by the token in the path: telemetry, client attributes,
 * attribute reads, RPC (long poll, reply, client-side) and provisioning. Bodies are taken raw (any content type) and
 * parsed by the same code as MQTT payloads. Registered under /api/v1 after the people API: Fastify prefers static
 * path segments, so `/api/v1/devices/…`, `/api/v1/stores/…` and the rest are never taken for a token.
 */
export function deviceApiRoutes(rt: DevicesRuntime, ingress: DeviceIngress, poll: HttpPoll) {
  return async (app: HttpApp) => {
    // Device bodies are raw bytes: the ingest path checks size, JSON and shape itself (and counts what it drops).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: rt.limits.maxPayload * 2 }, (_req, body, done) => done(null, body));

    async function device(token: string): Promise<DeviceIdentity> {
      const found = await ingress.byAccessToken(token);
      if (!found) throw new AppError('unauthorized', 'unknown or revoked device access token');
      return found;
    }

    /** Runs a device call; a dropped message is counted for the device and answered with its status. */
    async function run<T>(dev: DeviceIdentity, call: () => Promise<T>): Promise<T> {
      try {
        return await call();
      } catch (err) {
        if (!(err instanceof DroppedMessage)) throw err;
        ingress.dropped(dev, err.reason);
        throw droppedToHttp(err);
      }
    }

    const config = { public: true };
    const bodyLimit = rt.limits.maxPayload * 2;

    app.post(
      '/:token/telemetry',
      {
        config,
        bodyLimit,
        schema: { tags, summary: 'Publish telemetry (200 once stored; 400 bad JSON or shape, 401 unknown token, 413, 429)', params: tokenParams },
      },
      async (req, reply) => {
        const dev = await device(req.params.token);
        await run(dev, () => ingress.telemetry(dev, bodyOf(req), Date.now()));
        return reply.status(200).send();
      },
    );
    app.post('/:token/attributes', { config, bodyLimit, schema: { tags, summary: 'Publish client attributes', params: tokenParams } }, async (req, reply) => {
      const dev = await device(req.params.token);
      await run(dev, () => ingress.clientAttributes(dev, bodyOf(req)));
      return reply.status(200).send();
    });
    app.get(
      '/:token/attributes',
      {
        config,
        schema: {
          tags,
          summary: 'Read client and shared attributes',
          params: tokenParams,
          querystring: z.object({ clientKeys: keyList.optional(), sharedKeys: keyList.optional() }),
          response: { 200: z.object({ client: z.record(z.string(), z.unknown()), shared: z.record(z.string(), z.unknown()) }), ...deviceErrors },
        },
      },
      async (req) => {
        const dev = await device(req.params.token);
        return run(dev, () => ingress.attributes(dev, req.query.clientKeys, req.query.sharedKeys));
      },
    );
    app.get(
      '/:token/rpc',
      {
        config,
        schema: {
          tags,
          summary: 'Long poll for a server-side RPC ({"id","method","params"}); 408 when none came within timeout ms',
          params: tokenParams,
          querystring: z.object({ timeout: z.coerce.number().int().min(0).max(rt.limits.maxPollMs).optional() }),
          response: { 200: z.object({ id: z.number(), method: z.string(), params: z.unknown() }), 408: z.null(), ...deviceErrors },
        },
      },
      async (req, reply) => {
        const dev = await device(req.params.token);
        const timeout = req.query.timeout || 20_000;
        ingress.connected(dev, poll);
        try {
          // The response's close, not the request's: a GET's request stream closes as soon as it has been read.
          const request = await poll.wait(
            dev.deviceId,
            timeout,
            () => !reply.raw.destroyed,
            (stop) => reply.raw.once('close', stop),
          );
          if (!request) return reply.status(408).send(null);
          return { id: request.requestId, method: request.method, params: request.params };
        } finally {
          ingress.disconnected(dev, poll);
        }
      },
    );
    app.post(
      '/:token/rpc/:id',
      {
        config,
        bodyLimit,
        schema: { tags, summary: 'Reply to a server-side RPC', params: tokenParams.extend({ id: z.coerce.number().int().min(0).max(2_147_483_647) }) },
      },
      async (req, reply) => {
        const dev = await device(req.params.token);
        await run(dev, () => ingress.rpcReply(dev, req.params.id, bodyOf(req)));
        return reply.status(200).send();
      },
    );
    app.post(
      '/:token/rpc',
      { config, bodyLimit, schema: { tags, summary: 'Client-side RPC: ask the server {"method","params"}', params: tokenParams } },
      async (req) => {
        const dev = await device(req.params.token);
        return run(dev, () => ingress.clientRpc(dev, bodyOf(req)));
      },
    );
    app.post(
      '/provision',
      { config, bodyLimit, schema: { tags, summary: 'Device provisioning with a profile key and secret (ThingsBoard request and answer)' } },
      async (req) => {
        let request: unknown;
        try {
          request = parseJson(bodyOf(req));
        } catch (err) {
          if (err instanceof DroppedMessage) throw droppedToHttp(err);
          throw err;
        }
        if (typeof request !== 'object' || request === null || Array.isArray(request)) throw new AppError('invalid', 'a provisioning request is a JSON object');
        return ingress.provision(request as Record<string, unknown>);
      },
    );
  };
}
