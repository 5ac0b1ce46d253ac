import type { Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import type { ScheduledJob } from '../../kernel/jobs.ts';
import type { Subscriber } from '../../kernel/outbox.ts';
import { type FileStore, fileStoreFor } from '../files/index.ts';
import { refreshDueAdAudiences, segmentChangesMarkAdAudiences } from './ad-audience-refresh.ts';
import { adAudienceRoutes } from './ad-audience-routes.ts';
import { campaignRoutes } from './campaign-routes.ts';
import { finishRuns, startDueRuns } from './campaign-runs.ts';
import { channelRoutes } from './channel-routes.ts';
import { AdapterCache } from './channels/registry.ts';
import { deliverDue } from './message-delivery.ts';
import { templateRoutes } from './template-routes.ts';
import { deliveryReportRoutes, trackingRoutes } from './tracking-routes.ts';

/** What one pass of the send loop did. */
export interface TickResult {
  started: number;
  sent: number;
  claimed: number;
  finished: number;
  /** Time spent planning due runs. */
  planMs: number;
}

/** The marketing module as the app wires it. */
export interface Marketing {
  /** Routes under /api/v1. */
  routes: (app: HttpApp) => Promise<void>;
  /** Public routes at the root: tracked links, the open pixel, unsubscribe. */
  publicRoutes: (app: HttpApp) => Promise<void>;
  jobs: ScheduledJob[];
  /** Outbox subscribers: segment membership changes mark the segment's ad audiences for a refresh. */
  subscribers: Subscriber[];
  /** Starts due runs, sends what is due (within each campaign's rate), closes finished runs. */
  tick(now?: Date, budgetMs?: number): Promise<TickResult>;
  /** Refreshes the ad audiences that are due (schedule, or a membership change past its delay); answers how many. */
  refreshAdAudiences(now?: Date): Promise<number>;
  stop(): Promise<void>;
}

/** Creates the marketing module: channels, templates, campaigns, tracking, results (`autoKick: false`: sends only on `tick`, for tests). */
export function createMarketing(
  deps: Deps,
  opts: { publicUrl?: string; trackingPerMinute?: number; autoKick?: boolean; batch?: number; lanes?: number; files?: FileStore } = {},
): Marketing {
  const adapters = new AdapterCache();
  const files = opts.files ?? fileStoreFor(deps.config);
  const publicUrl = opts.publicUrl ?? deps.config.publicUrl ?? 'http://localhost:3000';
  let running: Promise<TickResult> | undefined;

  async function tick(now = new Date(), budgetMs = 50_000): Promise<TickResult> {
    const started = Date.now();
    const result: TickResult = { started: await startDueRuns(deps.db, now), sent: 0, claimed: 0, finished: 0, planMs: Date.now() - started };
    // Several batches in flight (SKIP LOCKED keeps them apart): one renders and hands over while another is claimed
    // or written back, so the database and the event loop both stay busy.
    const lane = async () => {
      for (;;) {
        const r = await deliverDue({ db: deps.db, log: deps.log, adapters, publicUrl }, now, opts.batch);
        result.sent += r.sent;
        result.claimed += r.claimed;
        if (r.claimed === 0 || Date.now() - started > budgetMs) return;
      }
    };
    await Promise.all(Array.from({ length: opts.lanes ?? 2 }, lane));
    result.finished = await finishRuns(deps.db);
    return result;
  }

  // One pass at a time per node: a launch kicks a pass at once instead of waiting for the minute's job.
  const kick = () => {
    if (running || opts.autoKick === false) return;
    running = tick()
      .catch((err) => {
        deps.log.error({ err }, 'marketing send pass failed');
        return { started: 0, sent: 0, claimed: 0, finished: 0, planMs: 0 };
      })
      .finally(() => {
        running = undefined;
      });
  };

  let refreshing: Promise<number> | undefined;
  const refreshAdAudiences = (now = new Date()) => {
    refreshing ??= refreshDueAdAudiences(deps.db, files, now).finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };
  // A new ad audience gets its first files at once rather than at the next minute's job.
  const kickAdAudiences = () => {
    if (opts.autoKick === false) return;
    refreshAdAudiences().catch((err) => deps.log.error({ err }, 'ad audience refresh failed'));
  };

  return {
    async routes(app) {
      await app.register(channelRoutes(deps, adapters, kick));
      await app.register(templateRoutes(deps, publicUrl));
      await app.register(campaignRoutes(deps, adapters, publicUrl, kick));
      await app.register(deliveryReportRoutes(deps));
      await app.register(adAudienceRoutes(deps, files, kickAdAudiences));
    },
    publicRoutes: trackingRoutes(deps, { perMinute: opts.trackingPerMinute ?? 120 }),
    jobs: [
      { name: 'marketing-send', cron: '* * * * *', run: () => tick() },
      { name: 'marketing-ad-audiences', cron: '* * * * *', run: () => refreshAdAudiences() },
    ],
    subscribers: [segmentChangesMarkAdAudiences()],
    tick,
    refreshAdAudiences,
    async stop() {
      await running;
      await refreshing?.catch(() => {});
      await adapters.close();
    },
  };
}
