import type { Database } from '../../kernel/db.ts';
import { newId } from '../../kernel/ids.ts';
import type { Logger } from '../../kernel/logger.ts';
import type { Metrics } from '../../kernel/metrics.ts';
import { type AlarmEngineSource, type AlarmWriter, databaseAlarmWriter, databaseEngineSource } from './alarm-engine-store.ts';
import { type EngineMessage, EngineListener, notifyAlarmEnginesOfAll } from './alarm-engine-sync.ts';
import { alarmDetailsOf } from './alarm-details.ts';
import { type AlarmEngineMetrics, alarmEngineMetrics } from './alarm-metrics.ts';
import { emptyFacts, type Facts, type Value } from './alarm-rule-eval.ts';
import type { AlarmSeverity } from './alarm-rules.ts';
import {
  alarmChangeOf,
  type CompiledRules,
  compileRules,
  isHigher,
  nextDeadline,
  newRuleState,
  type RuleState,
  resetRuleState,
  stepRule,
} from './alarm-rule-state.ts';
import { type AlarmRow, type AlarmTrigger, alarmView } from './alarms.ts';
import type { AlarmDetails } from './alarms-schema.ts';
import type { AlarmEngine, DataPoint, DeviceIdentity, LiveFeed } from './contract.ts';

/**
 * The alarm engine: evaluates each device's profile rules on every batch of points, from memory. Rules are compiled
 * once per profile; each device keeps its latest values of the keys its rules read, its attributes, its duration
 * starts and repeat counters, and which alarms are open. The database is read the first time a device is seen (and
 * after its rules change) and written only when an alarm is created, raised or cleared. A sweeper fires duration
 * conditions that come due while no message arrives. docs/alarms.md describes the semantics.
 */

interface DeviceState {
  device: DeviceIdentity;
  rules: CompiledRules;
  ruleStates: RuleState[];
  facts: Facts;
  /** Open alarms by alarm type (the id arrives once the write commits). */
  open: Map<string, { id: string | undefined; severity: AlarmSeverity }>;
  /** When each rule's next duration comes due (0: none). */
  deadlines: number[];
  /** Alarm writes of this device, one after the other, in the order they were decided. */
  writes: Promise<void>;
  /** Reload from the database at the next message (a change was missed, or a write failed). */
  stale: boolean;
}

/** How the engine is built: its database (or a source and writer), where alarm changes go live, and its clock. */
export interface AlarmEngineOptions {
  db: Database;
  log: Logger;
  metrics?: Metrics;
  feed?: LiveFeed;
  /** The time in ms; injected by tests. */
  clock?: () => number;
  /** How often the sweeper looks for durations that came due (ms, default 1000). */
  sweepMs?: number;
  source?: AlarmEngineSource;
  writer?: AlarmWriter;
}

/** The engine the devices module runs: implements AlarmEngine over compiled rules and per-device state. */
export class RuleAlarmEngine implements AlarmEngine {
  private readonly profiles = new Map<string, CompiledRules>();
  private readonly loadingProfiles = new Map<string, Promise<CompiledRules>>();
  private readonly devices = new Map<string, DeviceState>();
  private readonly loadingDevices = new Map<string, Promise<DeviceState>>();
  private readonly waiting = new Set<DeviceState>();
  private readonly source: AlarmEngineSource;
  private readonly writer: AlarmWriter;
  private readonly clock: () => number;
  private readonly listener: EngineListener;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly touched: number[] = [];
  /** Attribute changes to announce to other nodes, sent together (announceAttributes). */
  private announcements: EngineMessage[] = [];
  private announcing: Promise<void> | undefined;
  /** Rule evaluations since the last sweep (the metric is updated once a second, not per message). */
  private evaluations = 0;
  private sweeper: NodeJS.Timeout | undefined;
  /** Tells this node's own notifications from other nodes'. */
  private readonly node = newId('node');
  private readonly metrics: AlarmEngineMetrics | undefined;

  constructor(private readonly opts: AlarmEngineOptions) {
    this.source = opts.source ?? databaseEngineSource(opts.db, opts.log);
    this.writer = opts.writer ?? databaseAlarmWriter(opts.db);
    this.clock = opts.clock ?? Date.now;
    this.listener = new EngineListener(
      opts.db,
      opts.log,
      (m) => this.hear(m),
      () => this.forgetAll(),
    );
    const held = this.devices;
    this.metrics = opts.metrics ? alarmEngineMetrics(opts.metrics, () => held.size) : undefined;
  }

  /** Starts listening for rule changes and clears from other nodes, and the duration sweeper. */
  async start(): Promise<void> {
    await this.listener.start();
    this.sweeper = setInterval(() => this.sweep(), this.opts.sweepMs ?? 1000);
    this.sweeper.unref();
  }

  /** Stops the sweeper and the listener, then waits for alarm writes in flight. */
  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.listener.stop();
    await this.drain();
  }

  /** Resolves once every alarm write decided so far has committed (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /**
   * Evaluates the rules the points' keys touch, in time order; never rejects (a failure is logged). Resolves once the
   * alarm writes it decided committed. The hot path (rules and device state held) evaluates at once, with no promise
   * of its own: it answers the device's write chain.
   */
  onTelemetry(device: DeviceIdentity, points: DataPoint[]): Promise<void> {
    try {
      if (this.profiles.get(device.profileId)?.rules.length === 0) return settled; // most profiles of a chain may have no rules
      const st = this.ready(device);
      if (st) {
        this.applyTelemetry(st, device, points);
        return st.writes;
      }
    } catch (err) {
      this.opts.log.error({ err, deviceId: device.deviceId }, 'alarm evaluation failed');
      return settled;
    }
    return this.onTelemetryLoading(device, points);
  }

  private async onTelemetryLoading(device: DeviceIdentity, points: DataPoint[]): Promise<void> {
    try {
      const st = await this.prepare(device);
      if (!st) return;
      this.applyTelemetry(st, device, points);
      await st.writes;
    } catch (err) {
      this.opts.log.error({ err, deviceId: device.deviceId }, 'alarm evaluation failed');
    }
  }

  private applyTelemetry(st: DeviceState, device: DeviceIdentity, points: DataPoint[]): void {
    st.device = device;
    const sorted = isSorted(points) ? points : [...points].sort((a, b) => a.ts - b.ts);
    const byKey = st.rules.byTelemetryKey;
    // Reused across calls: filled and used with no await in between, so no two calls share it at once.
    const touched = this.touched;
    let i = 0;
    while (i < sorted.length) {
      const ts = sorted[i].ts;
      touched.length = 0;
      for (; i < sorted.length && sorted[i].ts === ts; i++) {
        const p = sorted[i];
        const rules = byKey.get(p.key);
        if (!rules) continue; // a key no rule reads is not even kept
        st.facts.telemetry.set(p.key, p.value);
        for (const r of rules) if (!touched.includes(r)) touched.push(r);
      }
      for (const r of touched) this.evaluate(st, r, ts, true);
      this.evaluations += touched.length;
    }
  }

  /** Applies changed attributes (a null value deletes the key) and evaluates the rules that read them; never rejects. */
  async onAttributes(device: DeviceIdentity, scope: 'client' | 'server' | 'shared', values: Record<string, unknown>): Promise<void> {
    try {
      const st = this.ready(device) ?? (await this.prepare(device));
      if (st) {
        st.device = device;
        const touched = new Set<number>();
        for (const [key, value] of Object.entries(values)) {
          if (value === null || value === undefined) st.facts[scope].delete(key);
          else st.facts[scope].set(key, value as Value);
          for (const r of st.rules.byAttributeKey.get(key) ?? []) touched.add(r);
        }
        const now = this.clock();
        for (const r of touched) this.evaluate(st, r, now, true);
        await st.writes;
      }
      // Attributes people set may be read by the node that holds the device's connection: tell the others.
      if (scope !== 'client') await this.announceAttributes(device);
    } catch (err) {
      this.opts.log.error({ err, deviceId: device.deviceId }, 'alarm evaluation of attributes failed');
    }
  }

  /**
   * Tells the other nodes' engines that a device's attributes changed. Announcements of one turn of the event loop go
   * in one statement: the activity flush reports every device that went online or offline at once.
   */
  private announceAttributes(device: DeviceIdentity): Promise<void> {
    this.announcements.push({ k: 'attrs', t: device.tenantId, d: device.deviceId, n: this.node });
    this.announcing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const batch = this.announcements;
      this.announcements = [];
      this.announcing = undefined;
      return notifyAlarmEnginesOfAll(this.opts.db.orm, batch);
    });
    return this.announcing;
  }

  /** Fires duration conditions that came due with no new message; the timer calls it, tests call it with a fake clock. */
  sweep(): void {
    const now = this.clock();
    // Evaluations are counted in memory per message and handed to the metric here, once a second.
    if (this.evaluations > 0) this.metrics?.evaluations.inc(this.evaluations);
    this.evaluations = 0;
    // A stale device is swept too: its writes go through the database, which decides what is open.
    for (const st of [...this.waiting]) {
      for (let r = 0; r < st.deadlines.length; r++) {
        const due = st.deadlines[r];
        if (due > 0 && due <= now) this.evaluate(st, r, due, false);
      }
    }
  }

  /** A person changed an alarm (acknowledged or cleared it): show it live, and forget it was open once cleared. */
  alarmChanged(row: AlarmRow): void {
    if (row.clearedAt) this.forgetOpen(row.tenantId, row.deviceId, row.type);
    this.publish(row);
  }

  /** Drops what the engine holds of a device (deleted, or moved to another profile by hand). */
  forgetDevice(deviceId: string): void {
    const st = this.devices.get(deviceId);
    if (st) this.waiting.delete(st);
    this.devices.delete(deviceId);
  }

  /** Drops a profile's compiled rules: its devices reload at their next message, and the sweeper stops timing the old rules. */
  reloadProfile(profileId: string): void {
    this.profiles.delete(profileId);
    for (const st of [...this.waiting]) if (st.device.profileId === profileId) this.waiting.delete(st);
  }

  private hear(m: EngineMessage) {
    if (m.k === 'rules') this.reloadProfile(m.p);
    else if (m.k === 'cleared') this.forgetOpen(m.t, m.d, m.a);
    else if (m.n !== this.node) {
      const st = this.devices.get(m.d);
      if (st && st.device.tenantId === m.t) st.stale = true;
    }
  }

  private forgetOpen(tenantId: string, deviceId: string, type: string) {
    const st = this.devices.get(deviceId);
    if (!st || st.device.tenantId !== tenantId || !st.open.delete(type)) return;
    // After a clear, conditions start afresh: the alarm comes back only when they hold (long enough) again.
    const r = st.rules.rules.findIndex((c) => c.rule.alarmType === type);
    if (r >= 0) {
      resetRuleState(st.ruleStates[r]);
      this.track(st, r);
    }
  }

  private forgetAll() {
    this.profiles.clear();
    for (const st of this.devices.values()) st.stale = true;
  }

  /** The device's state when it can be used as is: the hot path, with no await. */
  private ready(device: DeviceIdentity): DeviceState | undefined {
    const st = this.devices.get(device.deviceId);
    if (!st || st.stale || st.device.profileId !== device.profileId || this.profiles.get(device.profileId) !== st.rules) return undefined;
    return st;
  }

  private async rulesOf(device: DeviceIdentity): Promise<CompiledRules> {
    const known = this.profiles.get(device.profileId);
    if (known) return known;
    let loading = this.loadingProfiles.get(device.profileId);
    if (!loading) {
      loading = this.source
        .rulesOf(device.tenantId, device.profileId)
        .then((rules) => {
          const compiled = compileRules(rules);
          this.profiles.set(device.profileId, compiled);
          return compiled;
        })
        .finally(() => this.loadingProfiles.delete(device.profileId));
      this.loadingProfiles.set(device.profileId, loading);
    }
    return loading;
  }

  /** Loads (or reloads) a device's state; undefined when its profile has no rules. */
  private async prepare(device: DeviceIdentity): Promise<DeviceState | undefined> {
    const rules = await this.rulesOf(device);
    if (rules.rules.length === 0) {
      this.forgetDevice(device.deviceId);
      return undefined;
    }
    const ready = this.ready(device);
    if (ready) return ready;
    let loading = this.loadingDevices.get(device.deviceId);
    if (!loading) {
      loading = this.load(device, rules).finally(() => this.loadingDevices.delete(device.deviceId));
      this.loadingDevices.set(device.deviceId, loading);
    }
    return loading;
  }

  private async load(device: DeviceIdentity, rules: CompiledRules): Promise<DeviceState> {
    const previous = this.devices.get(device.deviceId);
    await previous?.writes;
    const telemetryKeys = [...rules.byTelemetryKey.keys()];
    const loaded = await this.source.deviceState(device, telemetryKeys, rules.byAttributeKey.size > 0);
    const facts = emptyFacts();
    for (const a of loaded.attributes) facts[a.scope].set(a.key, a.value);
    for (const l of loaded.latest) facts.telemetry.set(l.key, l.value);
    const st: DeviceState = {
      device,
      rules,
      ruleStates: rules.rules.map(newRuleState),
      facts,
      open: new Map(loaded.open.map((o) => [o.type, { id: o.id, severity: o.severity }])),
      deadlines: rules.rules.map(() => 0),
      writes: Promise.resolve(),
      stale: false,
    };
    if (previous) this.waiting.delete(previous);
    this.devices.set(device.deviceId, st);
    return st;
  }

  private evaluate(st: DeviceState, r: number, ts: number, fresh: boolean) {
    const rule = st.rules.rules[r];
    const type = rule.rule.alarmType;
    const open = st.open.get(type);
    const decision = stepRule(rule, st.ruleStates[r], st.facts, ts, fresh, open !== undefined);
    const change = alarmChangeOf(open?.severity, decision);
    if (change === 'cleared') {
      st.open.delete(type);
      const details = alarmDetailsOf(rule, 'clear', st.facts);
      const device = st.device;
      resetRuleState(st.ruleStates[r]);
      this.enqueue(st, () => this.writeClear(device, type, details, ts));
    } else if (change && decision.kind === 'fire') {
      st.open.set(type, { id: open?.id, severity: decision.severity });
      const details = alarmDetailsOf(rule, decision.severity, st.facts);
      const trigger = { device: st.device, type, severity: decision.severity, propagate: rule.rule.propagate === true, details, at: ts };
      this.enqueue(st, () => this.writeRaise(st, trigger));
    }
    if (rule.hasDuration) this.track(st, r);
  }

  private track(st: DeviceState, r: number) {
    const due = nextDeadline(st.rules.rules[r], st.ruleStates[r]) ?? 0;
    st.deadlines[r] = due;
    if (due > 0) {
      this.waiting.add(st);
      return;
    }
    for (const d of st.deadlines) if (d > 0) return;
    this.waiting.delete(st);
  }

  private enqueue(st: DeviceState, write: () => Promise<void>) {
    const run = st.writes.then(write).catch((err) => {
      // The database may now differ from memory: reload this device before trusting its state again.
      st.stale = true;
      this.opts.log.error({ err, deviceId: st.device.deviceId }, 'alarm write failed');
    });
    st.writes = run;
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  private async writeRaise(st: DeviceState, trigger: AlarmTrigger) {
    const { alarm, change } = await this.writer.raise(trigger);
    const held = st.open.get(alarm.type);
    // The database decides: it may hold the alarm at a higher severity than this node knew.
    if (held) st.open.set(alarm.type, { id: alarm.id, severity: isHigher(alarm.severity, held.severity) ? alarm.severity : held.severity });
    if (!change) return;
    this.metrics?.changes.inc({ change });
    this.metrics?.latency.observe(Math.max(0, this.clock() - trigger.at) / 1000);
    this.publish(alarm);
  }

  private async writeClear(device: DeviceIdentity, type: string, details: AlarmDetails, ts: number) {
    const row = await this.writer.clear(device, type, ts, details);
    if (!row) return;
    this.metrics?.changes.inc({ change: 'cleared' });
    this.publish(row);
  }

  private publish(row: AlarmRow) {
    this.opts.feed?.publish(row.tenantId, { kind: 'alarm', deviceId: row.deviceId, storeId: row.storeId, alarm: alarmView(row) }, row.orgPath);
  }
}

const settled: Promise<void> = Promise.resolve();

function isSorted(points: DataPoint[]): boolean {
  for (let i = 1; i < points.length; i++) if (points[i].ts < points[i - 1].ts) return false;
  return true;
}
