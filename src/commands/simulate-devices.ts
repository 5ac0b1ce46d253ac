import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../kernel/db.ts';
import { AppError } from '../kernel/errors.ts';
import { demoDeviceTemplates, demoDeviceToken, deviceProfiles, devices } from '../modules/devices/index.ts';
import { tenants } from '../modules/org/index.ts';
import { stores } from '../modules/stores/index.ts';
import { type SimulatedKind, simulatedKinds } from './device-kinds.ts';
import { type SimulatedDeviceSpec, SimulatedDevice, type SimulatorStats } from './simulated-device.ts';

/**
 * The devices the simulator plays: the first `perStore` demo devices of each of the first `stores` stores (by code)
 * of a demo tenant, with the access tokens the demo seed derived from the store codes (`demo-S0001-fridge-1`).
 */
export async function loadSimulatedDevices(db: Database, opts: { tenant: string; stores: number; perStore: number }): Promise<SimulatedDeviceSpec[]> {
  const [tenant] = await db.orm.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, opts.tenant));
  if (!tenant) throw new AppError('not_found', `no tenant ${opts.tenant}: seed the demo chain first (storeos seed --demo, or storeos serve --demo)`);
  const storeRows = await db.orm
    .select({ id: stores.id, code: stores.code })
    .from(stores)
    .where(eq(stores.tenantId, tenant.id))
    .orderBy(asc(stores.code))
    .limit(opts.stores);
  if (storeRows.length === 0) return [];
  const rows = await db.orm
    .select({ name: devices.name, storeId: devices.storeId, kind: deviceProfiles.kind })
    .from(devices)
    .innerJoin(deviceProfiles, eq(deviceProfiles.id, devices.profileId))
    .where(
      and(
        eq(devices.tenantId, tenant.id),
        inArray(
          devices.storeId,
          storeRows.map((s) => s.id),
        ),
      ),
    );
  const byName = new Map(rows.map((r) => [r.name, r]));
  const specs: SimulatedDeviceSpec[] = [];
  for (const store of storeRows) {
    for (const t of demoDeviceTemplates.slice(0, opts.perStore)) {
      const name = `${store.code}-${t.slot}`;
      const row = byName.get(name);
      if (!row || !(simulatedKinds as readonly string[]).includes(row.kind)) continue;
      specs.push({ name, kind: row.kind as SimulatedKind, token: demoDeviceToken(opts.tenant, store.code, t.slot) });
    }
  }
  if (specs.length === 0)
    throw new AppError('not_found', `the stores of tenant ${opts.tenant} have no demo devices: seed a new demo tenant (storeos seed --demo --tenant demo2)`);
  return specs;
}

/** Options of `storeos simulate devices`. */
export interface SimulateOptions {
  /** MQTT URL of the endpoint (mqtt:// or mqtts://). */
  url: string;
  /** Messages per second per device (fractional allowed). */
  rate: number;
  /** Faults started per device per hour (a fridge warming up, a door left open…). */
  faultsPerHour: number;
  /** Where the live line goes. */
  out?: NodeJS.WriteStream;
}

/** A running simulation: its devices and counters, and how to end it. */
export interface Simulation {
  devices: SimulatedDevice[];
  stats: SimulatorStats;
  stop(): Promise<void>;
}

/** Connects every device (a hundred handshakes at a time) and starts reporting. */
export async function startSimulation(specs: SimulatedDeviceSpec[], opts: SimulateOptions): Promise<Simulation> {
  const stats: SimulatorStats = { connected: 0, sent: 0, acked: 0, rpcs: 0, sharedUpdates: 0, refused: 0 };
  const devices = specs.map((spec) => new SimulatedDevice(spec, { url: opts.url, rate: opts.rate, faultsPerHour: opts.faultsPerHour, stats }));
  for (let i = 0; i < devices.length; i += 100) await Promise.all(devices.slice(i, i + 100).map((d) => d.start()));
  return {
    devices,
    stats,
    async stop() {
      await Promise.all(devices.map((d) => d.stop()));
    },
  };
}

/** The live status line: connections, messages and acknowledgements per second, RPCs, faults going on. */
export function statusLine(sim: Simulation, last: { sent: number; acked: number; at: number }): string {
  const now = Date.now();
  const seconds = Math.max(0.001, (now - last.at) / 1000);
  const sent = (sim.stats.sent - last.sent) / seconds;
  const acked = (sim.stats.acked - last.acked) / seconds;
  last.sent = sim.stats.sent;
  last.acked = sim.stats.acked;
  last.at = now;
  const faults = sim.devices.filter((d) => d.model.fault !== undefined);
  const sample = faults
    .slice(0, 2)
    .map((d) => `${d.spec.name}: ${d.model.fault}`)
    .join('; ');
  return (
    `${sim.stats.connected}/${sim.devices.length} connected  ${sent.toFixed(1)} msg/s  ${acked.toFixed(1)} acks/s  ` +
    `${sim.stats.rpcs} RPCs  ${sim.stats.sharedUpdates} attribute pushes  ${faults.length} faults${sample ? ` (${sample})` : ''}` +
    (sim.stats.refused ? `  ${sim.stats.refused} refused` : '')
  );
}

/** Runs the simulation until Ctrl-C (or `signal`), printing the live line; disconnects every device cleanly at the end. */
export async function runSimulation(specs: SimulatedDeviceSpec[], opts: SimulateOptions, signal?: AbortSignal): Promise<void> {
  const out = opts.out ?? process.stderr;
  out.write(`connecting ${specs.length} devices to ${opts.url}…\n`);
  const sim = await startSimulation(specs, opts);
  const last = { sent: 0, acked: 0, at: Date.now() };
  const tty = out.isTTY === true;
  const ticker = setInterval(
    () => {
      const line = statusLine(sim, last);
      out.write(tty ? `\r\x1b[2K${line.slice(0, (out.columns ?? 160) - 1)}` : `${line}\n`);
    },
    tty ? 1000 : 5000,
  );
  await new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  clearInterval(ticker);
  out.write(`${tty ? '\n' : ''}disconnecting ${sim.devices.length} devices…\n`);
  await sim.stop();
  out.write(`sent ${sim.stats.sent} messages, ${sim.stats.acked} acknowledged, ${sim.stats.rpcs} RPCs answered\n`);
}
