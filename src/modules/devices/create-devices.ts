import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import type { ScheduledJob } from '../../kernel/jobs.ts';
import { pushSharedFromNotice } from './attributes.ts';
import type { AlarmEngine, DeviceIngress, LiveFeed } from './contract.ts';
import { DeviceActivity, sweepOfflineDevices } from './device-activity.ts';
import { deviceApiRoutes } from './device-api.ts';
import { deviceDataRoutes } from './device-data-routes.ts';
import { createDeviceMetrics } from './device-metrics.ts';
import { type DeviceNotice, DeviceNotifications } from './device-notify.ts';
import { DeviceRegistry } from './device-registry.ts';
import { RpcEngine } from './device-rpc.ts';
import type { DeviceLimits, DevicesRuntime } from './devices-runtime.ts';
import { DropCounters } from './drop-counters.ts';
import { HttpPoll } from './http-poll.ts';
import { type Committed, Ingest } from './ingress.ts';
import { LatestValues } from './latest-values.ts';
import { LiveHub } from './live-feed.ts';
import { liveRoutes } from './live-routes.ts';
import { RuleAlarmEngine } from './alarm-engine.ts';
import { publishRelayedAlarm, relayingAlarmFeed } from './alarm-live-relay.ts';
import { alarmRoutes } from './alarm-routes.ts';
import { deviceRoutes } from './routes.ts';
import { TelemetryKeys } from './telemetry-keys.ts';
import { TelemetryPartitions } from './telemetry-partitions.ts';
import { rollUpHours } from './telemetry-rollups.ts';
import { defaultWriterOptions, TelemetryWriter, type WriterOptions } from './telemetry-writer.ts';

/** Tuning knobs, mostly for tests and the throughput check. */
export interface DevicesOptions {
  /** How often latest values are upserted (ms). */
  latestFlushMs?: number;
  /** How often activity, online state and drop counters are written (ms). */
  stateFlushMs?: number;
  /** SSE heartbeat (ms). */
  heartbeatMs?: number;
  writer?: Partial<WriterOptions>;
  limits?: Partial<DeviceLimits>;
}

/** The devices module as the app wires it: ingress for transports, live feed, routes, jobs, and its node's lifecycle. */
export interface Devices {
  /** For the MQTT endpoint (its messages are counted as transport "mqtt"; it rate-limits per connection itself). */
  ingress: DeviceIngress;
  /** The same for the HTTP device API (transport "http", rate-limited here). */
  httpIngress: DeviceIngress;
  live: LiveFeed;
  /** Every devices route, to register under /api/v1. */
  routes: (app: HttpApp) => Promise<void>;
  /** Recurring jobs for the kernel's Jobs (pg-boss). */
  jobs: ScheduledJob[];
  runtime: DevicesRuntime;
  setAlarmEngine(engine: AlarmEngine): void;
  /** Loads partitions, recovers latest values, listens for other nodes, starts the state flushes. */
  start(): Promise<void>;
  /** Writes everything held in memory and lets go of connections; idempotent. */
  stop(): Promise<void>;
  /** Writes latest values, activity and drop counters now (tests, shutdown). */
  flushState(): Promise<void>;
}

/** Creates the devices module of one node. */
export function createDevices(deps: Deps, opts: DevicesOptions = {}): Devices {
  const { db, log } = deps;
  const nodeId = randomBytes(6).toString('hex');
  const writerOpts = { ...defaultWriterOptions, ...opts.writer };
  // Its own small pool: ingest commits never queue behind REST queries for a connection.
  const writerPool = new pg.Pool({ connectionString: db.url, max: writerOpts.maxInFlight + 1, application_name: 'storeos-ingest', idleTimeoutMillis: 30_000 });
  writerPool.on('error', () => {});
  const registry = new DeviceRegistry(db.pool);
  const live = new LiveHub();
  const httpOutbound = new HttpPoll();
  const limits: DeviceLimits = { maxPayload: deps.config.mqttMaxPayload, deviceRate: deps.config.mqttDeviceRate, maxPollMs: 60_000, ...opts.limits };
  const rt: DevicesRuntime = {
    db,
    log,
    nodeId,
    registry,
    keys: new TelemetryKeys(db.pool),
    partitions: new TelemetryPartitions(db.pool),
    activity: new DeviceActivity(registry, live),
    latest: new LatestValues(),
    drops: new DropCounters(),
    live,
    metrics: createDeviceMetrics(deps.metrics, {
      connected: () => [...registry.states.values()].filter((s) => s.outbounds.size > 0).length,
      pendingRows: () => writer.pending,
      liveSubscribers: () => live.size,
    }),
    rpc: new RpcEngine(db.pool, registry, nodeId, log),
    limits,
    alarms: { engine: undefined },
  };
  // Alarm rules run on every message as it is parsed (ingress.ts); people's acknowledgements and clears reach the same engine.
  // Its changes go live on every node: a console may follow them through another node than the one writing.
  const alarmEngine = new RuleAlarmEngine({ db, log, metrics: deps.metrics, feed: relayingAlarmFeed(live, db, nodeId, log) });
  rt.alarms.engine = alarmEngine;
  let ingest: Ingest | undefined;
  const writer: TelemetryWriter<Committed> = new TelemetryWriter<Committed>(
    writerPool,
    (items) => {
      try {
        ingest?.handOff(items);
      } catch (err) {
        log.error({ err }, 'telemetry hand-off failed');
      }
    },
    (report) => rt.metrics.flushed(report),
    writerOpts,
  );
  ingest = new Ingest(rt, writer);
  rt.activity.onActiveChanged = (changes) => {
    const engine = rt.alarms.engine;
    if (!engine) return;
    for (const [s, active] of changes)
      engine.onAttributes(s.identity, 'server', { active }).catch((err) => log.warn({ err }, 'alarm engine failed on activity'));
  };
  const httpIngress = ingest.forTransport('http');

  const onNotice = (n: DeviceNotice) => {
    if (n.e === 'device') {
      registry.invalidateDevice(n.id);
      if (n.end) registry.endSessions(n.id);
    } else if (n.e === 'profile') registry.invalidateProfile(n.id);
    else if (n.e === 'tenant') registry.invalidateTenant(n.id);
    else if (n.e === 'rpc') rt.rpc.deliverQueued(n.d).catch((err) => log.warn({ err }, 'RPC delivery failed'));
    else if (n.e === 'rpc_done') rt.rpc.onDone(n.id).catch((err) => log.warn({ err }, 'RPC wake-up failed'));
    else if (n.e === 'alarm') publishRelayedAlarm(live, db, n.t, n.id).catch((err) => log.warn({ err }, 'relaying an alarm change failed'));
    else pushSharedFromNotice(rt, n.d, n.k, n.del).catch((err) => log.warn({ err }, 'shared attribute push failed'));
  };
  const notifications = new DeviceNotifications(db.pool, nodeId, log, onNotice);
  const timers: NodeJS.Timeout[] = [];
  let state: 'new' | 'started' | 'stopped' = 'new';

  // Each flush runs one at a time, whether a timer or flushState() asked: a second caller waits for the first.
  const serial = <T>(work: () => Promise<T>) => {
    let chain: Promise<unknown> = Promise.resolve();
    return (): Promise<T> => {
      const run = chain.then(work);
      chain = run.catch(() => {});
      return run;
    };
  };
  const flushLatest = serial(() => rt.latest.flush(db.pool, rt.keys));
  const flushActivity = serial(async () => {
    rt.activity.sweep();
    await rt.activity.flush(db.pool);
    await rt.drops.flush(db.pool);
  });
  const every = (ms: number, work: () => Promise<unknown>, what: string) => {
    let running = false;
    const t = setInterval(() => {
      if (running) return;
      running = true;
      work()
        .catch((err) => log.warn({ err }, `${what} failed; will retry`))
        .finally(() => {
          running = false;
        });
    }, ms);
    t.unref();
    timers.push(t);
  };
  const retentionClasses = async () =>
    (await db.pool.query<{ r: number }>('SELECT DISTINCT telemetry_retention_days AS r FROM device_profiles')).rows.map((row) => row.r);

  return {
    ingress: ingest.forTransport('mqtt'),
    httpIngress,
    live,
    runtime: rt,
    async routes(app: HttpApp) {
      await app.register(deviceRoutes(deps, rt));
      await app.register(deviceDataRoutes(deps, rt));
      await app.register(liveRoutes(deps, rt, opts.heartbeatMs));
      await app.register(deviceApiRoutes(rt, httpIngress, httpOutbound));
      await app.register(alarmRoutes(deps, alarmEngine));
    },
    jobs: [
      {
        name: 'device-telemetry-partitions',
        cron: '7 * * * *',
        run: async () => ({ created: await rt.partitions.createAhead(await retentionClasses()), dropped: await rt.partitions.dropExpired() }),
      },
      { name: 'device-telemetry-rollups', cron: '5 * * * *', run: () => rollUpHours(db.pool, rt.partitions) },
      { name: 'device-rpc-expiry', cron: '* * * * *', run: () => rt.rpc.expire() },
      { name: 'device-offline-sweep', cron: '* * * * *', run: () => sweepOfflineDevices(db.pool) },
    ],
    setAlarmEngine(engine) {
      rt.alarms.engine = engine;
    },
    async start() {
      if (state !== 'new') return;
      state = 'started';
      await rt.partitions.load();
      await rt.partitions.createAhead(await retentionClasses());
      await rt.latest.recover(db.pool);
      await notifications.start();
      await alarmEngine.start();
      every(opts.latestFlushMs ?? 1000, flushLatest, 'latest values flush');
      every(opts.stateFlushMs ?? 5000, flushActivity, 'device activity flush');
    },
    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      for (const t of timers.splice(0)) clearInterval(t);
      await writer.drain();
      await alarmEngine.stop();
      await flushLatest().catch((err) => log.warn({ err }, 'final latest values flush failed'));
      await flushActivity().catch((err) => log.warn({ err }, 'final device activity flush failed'));
      await notifications.stop();
      await writerPool.end();
    },
    async flushState() {
      await writer.drain();
      await flushLatest();
      await flushActivity();
    },
  };
}
