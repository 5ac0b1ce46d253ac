import type pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import type { ScheduledJob } from '../../kernel/jobs.ts';
import type { Subscriber } from '../../kernel/outbox.ts';
import { AdapterCache } from './channels/registry.ts';
import { resendReplayed } from './journey-replays.ts';
import { journeyRoutes } from './journey-routes.ts';
import { type JourneyRuntime, leaseMs, enroll, runAll, runDueOnce } from './journey-runner.ts';
import {
  ActiveEventJourneys,
  type AppliedEvent,
  eventCandidates,
  exitOnUnlessEvents,
  journeyWakeChannel,
  missedTriggers,
  segmentTriggersJourneys,
} from './journey-triggers.ts';
import type { ProfileRuntime } from './journey-traits.ts';

/** The pg-boss queue whose delayed jobs wake the runner when a wait ends. */
const wakeQueue = 'journey-wake';

/**
 * The periodic trigger catch-up: every minute, on whichever node pg-boss gives the job, the events received between
 * `catchUpLookbackMs` and `catchUpSettleMs` ago are scanned for triggers nobody enrolled (a node died between applying
 * them and enrolling). The settle time leaves the live path its moment; the overlap of successive scans is harmless,
 * as each trigger enrolls at most once (the enrollment's unique trigger key).
 */
export const catchUpLookbackMs = 5 * 60_000;
export const catchUpSettleMs = 60_000;

/** Set on a node that runs workers: waits then ask pg-boss for a job at their end, whichever journeys instance parked them. */
let boss: PgBoss | undefined;

/** Journeys as the app wires them (docs/marketing.md#journeys). */
export interface Journeys {
  /** Routes under /api/v1/journeys. */
  routes: (app: HttpApp) => Promise<void>;
  /** The outbox subscriber of segment entries and exits. */
  segmentSubscriber: Subscriber;
  /** Enrolls and runs the people an applied slice of collected events triggers; never throws (errors are logged). */
  onEvents(events: AppliedEvent[]): void;
  /**
   * Runs every enrollment due by the clock (a wait ended, a retry, a lease that ran out) and resends the replayed dead
   * letters of journeys; answers how many were taken.
   */
  runDue(now?: Date): Promise<number>;
  /**
   * Enrolls the triggers of events stored between `since` and `until` that no journey took up (a node stopped between
   * applying them and enrolling); `start` runs it for the 10 minutes before the node started, the `journey-catch-up`
   * job every minute for the minutes before (`catchUpLookbackMs`). Answers how many.
   */
  catchUp(since: Date, until: Date): Promise<number>;
  /** Connects the customers module's profile runtime: set-trait steps edit traits through it (segments change at once). */
  connectProfiles(profiles: { rt: ProfileRuntime }): void;
  /** Resolves when the event-triggered work started so far is done (tests, benches). */
  idle(): Promise<void>;
  /**
   * Every minute: the backstop sweep (waits whose job was lost, leases of a node that died, journeys resumed, replayed
   * letters) and the trigger catch-up (events a node that died applied but never enrolled).
   */
  jobs: ScheduledJob[];
  /** Wakes this node's runner on NOTIFY (enrollments made due elsewhere) and on pg-boss wake jobs. */
  start(jobs?: PgBoss): Promise<void>;
  stop(): Promise<void>;
}

/** Creates journeys for one node (`clock`: tests move it by hand). */
export function createJourneys(deps: Deps, opts: { publicUrl?: string; clock?: { now(): Date } } = {}): Journeys {
  const clock = opts.clock ?? { now: () => new Date() };
  const adapters = new AdapterCache();
  const rt: JourneyRuntime = {
    db: deps.db,
    log: deps.log,
    adapters,
    publicUrl: opts.publicUrl ?? deps.config.publicUrl ?? 'http://localhost:3000',
    clock,
    wakeAt(at) {
      boss?.send(wakeQueue, {}, { startAfter: at, retryLimit: 3 }).catch((err) => deps.log.warn({ err }, 'journey wake job not queued; the sweep wakes it'));
    },
  };
  const active = new ActiveEventJourneys(deps.db);
  let inFlight = new Set<Promise<void>>();
  let listener: pg.PoolClient | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let ownsBoss = false;
  let catching: Promise<unknown> | undefined;

  const runDue = async (now?: Date) => {
    let taken = 0;
    for (;;) {
      const n = await runDueOnce(rt, now ?? clock.now());
      taken += n;
      if (n < 200) break;
    }
    return taken + (await resendReplayed(rt, now ?? clock.now()));
  };
  // One pass at a time on this node; a wake-up during a pass runs one more after it.
  const kick = () => {
    if (running) {
      again = true;
      return;
    }
    running = runDue()
      .catch((err) => {
        deps.log.error({ err }, 'journey pass failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          kick();
        }
      });
  };

  const handleEvents = async (events: AppliedEvent[]) => {
    const byTenant = new Map<string, AppliedEvent[]>();
    for (const e of events) {
      const list = byTenant.get(e.tenantId);
      if (list) list.push(e);
      else byTenant.set(e.tenantId, [e]);
    }
    for (const [tenantId, list] of byTenant) {
      const js = await active.of(tenantId);
      if (js.length === 0) continue;
      const now = clock.now();
      // Those who did the `unless` event leave first: the event that ends one pass may start the next.
      await exitOnUnlessEvents(deps.db.orm, js, list, now);
      const candidates = eventCandidates(js, list);
      if (candidates.length === 0) continue;
      // Leased to this node: it runs them now, and another takes them up only if this one dies first.
      const made = await enroll(deps.db.orm, candidates, now, new Date(now.getTime() + leaseMs));
      await runAll(rt, made, now);
    }
  };

  const catchUp = async (since: Date, until: Date) => {
    const tenants = await deps.db.pool.query<{ tenant_id: string }>(
      `SELECT DISTINCT tenant_id FROM journeys WHERE status = 'active' AND trigger->>'kind' = 'event' AND updated_at < $1`,
      [until],
    );
    let made = 0;
    for (const { tenant_id: tenantId } of tenants.rows) {
      const candidates = await missedTriggers(deps.db.orm, await active.of(tenantId), tenantId, since, until);
      const now = clock.now();
      const list = await enroll(deps.db.orm, candidates, now, new Date(now.getTime() + leaseMs));
      await runAll(rt, list, now);
      made += list.length;
    }
    return made;
  };

  return {
    routes: journeyRoutes(deps, (tenantId) => active.invalidate(tenantId), kick),
    segmentSubscriber: segmentTriggersJourneys(clock),
    onEvents(events) {
      const work = handleEvents(events).catch((err) => deps.log.error({ err }, 'journey triggers failed for applied events'));
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    },
    runDue,
    catchUp,
    async idle() {
      while (inFlight.size > 0) {
        const now = inFlight;
        inFlight = new Set();
        await Promise.all(now);
      }
    },
    connectProfiles(profiles) {
      rt.profiles = profiles.rt;
    },
    jobs: [
      { name: 'journey-sweep', cron: '* * * * *', run: () => runDue() },
      {
        name: 'journey-catch-up',
        cron: '* * * * *',
        run: async () => {
          const now = clock.now().getTime();
          const n = await catchUp(new Date(now - catchUpLookbackMs), new Date(now - catchUpSettleMs));
          if (n > 0) deps.log.info({ enrolled: n }, 'journeys: enrolled triggers another node left');
        },
      },
    ],
    async start(jobs) {
      listener = await deps.db.pool.connect();
      listener.on('notification', kick);
      listener.on('error', (err) => deps.log.warn({ err }, 'journey listener lost its connection'));
      await listener.query(`LISTEN ${journeyWakeChannel}`);
      if (jobs) {
        await jobs.createQueue(wakeQueue);
        await jobs.work(wakeQueue, async () => {
          await runDue();
        });
        boss = jobs;
        ownsBoss = true;
      }
      kick();
      const started = clock.now();
      catching = catchUp(new Date(started.getTime() - 10 * 60_000), started)
        .then((n) => n > 0 && deps.log.info({ enrolled: n }, 'journeys: enrolled triggers left from before this start'))
        .catch((err) => deps.log.warn({ err }, 'journeys: catching up on earlier triggers failed'));
    },
    async stop() {
      if (ownsBoss) boss = undefined;
      if (listener) {
        await listener.query(`UNLISTEN ${journeyWakeChannel}`).catch(() => {});
        listener.release();
        listener = undefined;
      }
      await running;
      await catching;
      await Promise.all(inFlight);
      await adapters.close();
    },
  };
}
