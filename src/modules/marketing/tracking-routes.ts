import { z } from 'zod';
import type { Deps } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams } from '../../kernel/schemas.ts';
import { findChannelById } from './channels.ts';
import { applyDeliveryReports, recordClick, recordOpen, reportSignatureValid, unsubscribe } from './tracking.ts';

/** A fixed-window counter per key, in memory (each node counts its own): enough to stop one client flooding the redirect. */
export class HitLimiter {
  private readonly hits = new Map<string, { start: number; count: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts a hit; over the limit throws 429. */
  take(key: string, now = Date.now()): void {
    let w = this.hits.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.hits.size > 50_000) this.hits.clear();
      w = { start: now, count: 0 };
      this.hits.set(key, w);
    }
    if (++w.count > this.limit) {
      const retryAfter = Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
      throw new AppError('rate_limited', `too many requests; try again in ${retryAfter} s`, { retryAfter }, { 'retry-after': String(retryAfter) });
    }
  }
}

// A transparent 1×1 GIF.
const pixel = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** The public side of tracking at the root (`/m/…`, short for SMS): click redirects, the open pixel, unsubscribe links. No sign-in, rate limited per address. */
export function trackingRoutes(deps: Deps, limits: { perMinute: number } = { perMinute: 120 }) {
  const { db } = deps;
  const limiter = new HitLimiter(limits.perMinute, 60_000);
  return async (app: HttpApp) => {
    const tags = ['marketing tracking'];
    app.get(
      '/m/c/:id',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'A tracked link: records the click and redirects to the target',
          params: idParams,
          querystring: z.object({ u: z.string().max(4000), s: z.string().max(64) }),
          response: { 302: z.null(), ...errors },
        },
      },
      async (req, reply) => {
        limiter.take(req.ip);
        const target = await recordClick(db, req.params.id, req.query.u, req.query.s);
        if (!target) throw new AppError('not_found', 'this link is not one StoreOS made');
        return reply.redirect(target, 302);
      },
    );
    app.get(
      '/m/o/:file',
      { config: { public: true }, schema: { tags, summary: 'The e-mail open pixel (`<message id>.gif`)', params: z.object({ file: z.string().max(80) }) } },
      async (req, reply) => {
        limiter.take(req.ip);
        await recordOpen(db, req.params.file.replace(/\.gif$/, ''));
        return reply.header('content-type', 'image/gif').header('cache-control', 'no-store').send(pixel);
      },
    );
    app.get(
      '/m/u/:id',
      {
        config: { public: true },
        schema: {
          tags,
          summary: "Unsubscribe: withdraws the person's consent for the campaign's purpose on this channel, at once",
          params: idParams,
          querystring: z.object({ s: z.string().max(64) }),
        },
      },
      async (req, reply) => {
        limiter.take(req.ip);
        const ok = await unsubscribe(db, req.params.id, req.query.s);
        if (!ok) throw new AppError('not_found', 'this link is not one StoreOS made');
        return reply
          .header('content-type', 'text/html; charset=utf-8')
          .send('<!doctype html><meta charset="utf-8"><title>Unsubscribed</title><p>You will not receive these messages any more. 您已退订。</p>');
      },
    );
  };
}

const report = z.strictObject({
  messageId: z.string().max(64).optional(),
  providerId: z.string().max(300).optional(),
  status: z.enum(['sent', 'delivered', 'failed', 'bounced']),
  error: z.string().max(500).optional(),
});

/**
 * Delivery reports from a channel's provider: `POST /api/v1/marketing/channels/:id/reports`, no sign-in, signed with the
 * channel's secret (`x-storeos-timestamp`, `x-storeos-signature: sha256=HMAC(secret, "<timestamp>.<body>")`).
 */
export function deliveryReportRoutes(deps: Deps) {
  const { db } = deps;
  const raw = new WeakMap<object, string>();
  return async (app: HttpApp) => {
    // The signature covers the exact bytes sent, so this route keeps them beside the parsed body.
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, text, done) => {
      raw.set(req, String(text));
      try {
        done(null, JSON.parse(String(text)));
      } catch {
        done(new AppError('invalid', 'the body is not JSON'), undefined);
      }
    });
    app.post(
      '/marketing/channels/:id/reports',
      {
        config: { public: true },
        schema: {
          tags: ['marketing'],
          summary: "A provider's delivery reports (signed with the channel's secret)",
          params: idParams,
          body: z.strictObject({ reports: z.array(report).min(1).max(1000) }),
          response: { 200: z.object({ applied: z.number(), unknown: z.number() }), ...errors },
        },
      },
      async (req) => {
        const channel = await findChannelById(db.orm, req.params.id);
        const ts = req.headers['x-storeos-timestamp'];
        const sig = req.headers['x-storeos-signature'];
        if (
          !channel ||
          !reportSignatureValid(channel.secret, raw.get(req) ?? '', typeof ts === 'string' ? ts : undefined, typeof sig === 'string' ? sig : undefined)
        ) {
          throw new AppError('unauthorized', "the report is not signed with this channel's secret (or is older than 5 minutes)");
        }
        return applyDeliveryReports(db, channel.id, req.body.reports);
      },
    );
  };
}
