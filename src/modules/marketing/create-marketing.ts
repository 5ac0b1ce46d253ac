import type { Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import type { ScheduledJob } from '../../kernel/jobs.ts';
import { campaignRoutes } from './campaign-routes.ts';
import { finishRuns, startDueRuns } from './campaign-runs.ts';
import { channelRoutes } from './channel-routes.ts';
import { AdapterCache } from './channels/registry.ts';
import { deliverDue, requeueStuck } from './message-delivery.ts';
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
  /** Starts due runs, sends what is due (within each campaign's rate), closes finished runs. */
  tick(now?: Date, budgetMs?: number): Promise<TickResult>;
  stop(): Promise<void>;
}

/** Creates the marketing module: channels, templates, campaigns, tracking, results (`autoKick: false`: sends only on `tick`, for tests). */
export function createMarketing(
  deps: Deps,
  opts: { publicUrl?: string; trackingPerMinute?: number; autoKick?: boolean; batch?: number; lanes?: number } = {},
): Marketing {
  const adapters = new AdapterCache();
  const publicUrl = opts.publicUrl ?? deps.config.publicUrl ?? 'http://localhost:3000';
  let running: Promise<TickResult> | undefined;

  async function tick(now = new Date(), budgetMs = 50_000): Promise<TickResult> {
    const started = Date.now();
    await requeueStuck(deps.db, now);
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

  return {
    async routes(app) {
      await app.register(channelRoutes(deps));
      await app.register(templateRoutes(deps, publicUrl));
      await app.register(campaignRoutes(deps, adapters, publicUrl, kick));
      await app.register(deliveryReportRoutes(deps));
    },
    publicRoutes: trackingRoutes(deps, { perMinute: opts.trackingPerMinute ?? 120 }),
    jobs: [{ name: 'marketing-send', cron: '* * * * *', run: () => tick() }],
    tick,
    async stop() {
      await running;
      await adapters.close();
    },
  };
}
