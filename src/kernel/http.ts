import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import helmet from 'helmet';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { Actor } from './auth.ts';
import { AppError, type ErrorKind, errorStatus } from './errors.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
  interface FastifyContextConfig {
    /** Route needs no signed-in caller. */
    public?: boolean;
    /** `false`: a JSON API for machines (the Segment endpoints), without the page headers (nosniff is set by the route). */
    securityHeaders?: false;
  }
}

/** The Fastify instance with Zod types, as route plugins receive it. */
export type HttpApp = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  Logger,
  ZodTypeProvider
>;

/** Finds the caller of a request (session cookie or API key), or answers undefined for an anonymous one. */
export type Authenticate = (req: FastifyRequest, reply: FastifyReply) => Promise<Actor | undefined>;

export interface HttpOptions {
  logger: Logger;
  metrics: Metrics;
  bodyLimit: number;
  authenticate: Authenticate;
  /** Built console to serve at `/`, with index.html for client-side routes. */
  consoleDir?: string;
  ready?: () => Promise<boolean>;
  /** Seconds behind for the outbox, exposed as a metric. */
  trustProxy?: boolean;
}

/** The one error body: `{"error":{"code","message","details"}}`. */
export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

function send(reply: FastifyReply, kind: ErrorKind | 'internal', message: string, details?: Record<string, unknown>) {
  const status = kind === 'internal' ? 500 : errorStatus[kind];
  return reply.status(status).send({ error: { code: kind, message, ...(details ? { details } : {}) } });
}

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A route's serializer for a 200 answer its handler builds from its own SQL columns, already in the answer's types:
 * written as it is, where the schema's serializer would validate every row again first (a tenth of the store list's
 * CPU; docs/decisions.md). Other statuses go through the schema as everywhere. A test holds such a route's answers to
 * its schema, key for key.
 */
export const okAsItIs = ((route: Parameters<typeof serializerCompiler>[0]) =>
  route.httpStatus === '200' ? (data: unknown) => JSON.stringify(data) : serializerCompiler(route)) as never;

/** Builds the HTTP server: security headers, cookies, Zod validation, OpenAPI, metrics, auth, one error handler. */
export async function createHttpApp(opts: HttpOptions): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: opts.bodyLimit,
    trustProxy: opts.trustProxy ?? false,
    // Our onResponse hook counts and logs what matters; per-request lines would double the log volume.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Security headers on every answer. The middleware is built once: the Fastify plugin rebuilt it (parsing the CSP
  // directives) on every request.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', (req, reply, done) => {
    if (req.routeOptions.config.securityHeaders === false) return done();
    securityHeaders(req.raw, reply.raw, (err?: unknown) => done(err instanceof Error ? err : undefined));
  });
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'StoreOS API', version: '1.0.0', description: 'The StoreOS REST API. See docs/api.md.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'storeos_session' },
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer sk_…`' },
        },
      },
      security: [{ session: [] }, { apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: false });
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  // Requests and latency by route template, not raw URL, so label cardinality stays small.
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    opts.metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    opts.metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500) req.log.warn({ route, status: reply.statusCode, reqId: req.id }, 'request failed');
  });

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/v1/') || req.routeOptions.config.public) return;
    const actor = await opts.authenticate(req, reply);
    if (!actor) throw new AppError('unauthorized', 'sign in or send an API key');
    req.actor = actor;
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    if (err instanceof AppError) {
      if (err.headers) reply.headers(err.headers);
      if (err.kind !== 'unauthorized' && err.kind !== 'not_found') opts.metrics.badInput.inc({ kind: err.kind, route });
      return send(reply, err.kind, err.message, err.details);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      opts.metrics.badInput.inc({ kind: 'invalid', route });
      const issues = err.validation.map((v) => ({
        path: [err.validationContext, ...v.instancePath.split('/').filter(Boolean)].join('.'),
        message: v.message ?? 'invalid',
      }));
      return send(reply, 'invalid', `invalid ${err.validationContext ?? 'request'}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err, route }, 'response did not match its schema');
      return send(reply, 'internal', 'internal error');
    }
    const code = err.code;
    if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err instanceof SyntaxError && err.statusCode === 400)) {
      opts.metrics.badInput.inc({ kind: 'invalid', route });
      return send(reply, 'invalid', `malformed JSON: ${err.message}`);
    }
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      opts.metrics.badInput.inc({ kind: 'too_large', route });
      return send(reply, 'too_large', `request body is over the ${opts.bodyLimit}-byte limit`);
    }
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      opts.metrics.badInput.inc({ kind: 'unsupported_media_type', route });
      return send(reply, 'unsupported_media_type', `content type ${req.headers['content-type'] ?? '(none)'} is not accepted here`);
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      opts.metrics.badInput.inc({ kind: 'invalid', route });
      return send(reply, 'invalid', err.message);
    }
    req.log.error({ err, route, reqId: req.id }, 'unexpected error');
    return send(reply, 'internal', `internal error (request ${req.id})`);
  });

  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
    const ok = opts.ready ? await opts.ready().catch(() => false) : true;
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready' });
  });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });

  if (opts.consoleDir && existsSync(opts.consoleDir)) {
    await app.register(fastifyStatic, { root: opts.consoleDir, wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler((req, reply) => {
    const wantsPage = req.method === 'GET' && !req.url.startsWith('/api/') && opts.consoleDir && existsSync(`${opts.consoleDir}/index.html`);
    if (wantsPage) return reply.sendFile('index.html');
    return send(reply, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`);
  });
  return app;
}

/** Rejects a cookie-authenticated unsafe request whose `x-csrf-token` does not match the session's. */
export function checkCsrf(req: FastifyRequest, expected: string): void {
  if (!unsafe.has(req.method)) return;
  const got = req.headers['x-csrf-token'];
  if (typeof got !== 'string' || got !== expected) {
    throw new AppError('forbidden', 'missing or wrong x-csrf-token header (send the csrfToken from sign-in)');
  }
}
