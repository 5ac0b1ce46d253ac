import { existsSync } from 'node:fs';
import { buildApp, consoleDir, startWorkers } from '../app.ts';
import type { Config } from '../kernel/config.ts';
import type { HttpApp } from '../kernel/http.ts';
import { createLogger, type Logger } from '../kernel/logger.ts';
import { createMetrics, type Metrics } from '../kernel/metrics.ts';
import { OutboxDispatcher } from '../kernel/outbox.ts';
import { createCustomers } from '../modules/customers/index.ts';
import { createDevices } from '../modules/devices/index.ts';
import { type MqttEndpoint, mqttOptionsFromConfig, startMqttEndpoint } from '../modules/devices/mqtt-endpoint.ts';
import { exitOnSignal, openRuntime } from '../kernel/runtime.ts';
import { progressBar } from './progress.ts';
import { demoPassword, demoUsers, seedDemo, tenantExists } from './seed-demo.ts';

/** `storeos serve`: HTTP API, console and workers in one process until Ctrl-C; with --demo, seeds the demo chain on first start. */
export async function serve(config: Config, opts: { demo?: boolean; demoStores?: number }): Promise<void> {
  const log = createLogger(config.logLevel);
  const opening = openRuntime(config, { log });
  let running: { app: HttpApp; workers: { stop(): Promise<void> }; mqtt: MqttEndpoint } | undefined;
  // Listening from the start: Ctrl-C while PostgreSQL starts or the demo chain is seeded must stop PostgreSQL too.
  exitOnSignal(async (signal) => {
    process.stderr.write(`\nstoreos: ${signal}, stopping (Ctrl-C again to force)\n`);
    const rt = await opening.catch(() => undefined);
    if (!running) {
      // Still starting: stopping the database rolls back a half-done demo seed.
      await rt?.server.stop();
      return undefined;
    }
    // Devices first: no new message is taken while what is in flight commits (the writer drains in workers.stop).
    await running.mqtt.close().catch((err) => log.error({ err }, 'closing MQTT failed'));
    await running.app.close().catch((err) => log.error({ err }, 'closing HTTP failed'));
    await running.workers.stop().catch((err) => log.error({ err }, 'stopping workers failed'));
    await rt?.close();
    process.stderr.write('storeos: stopped\n');
    return 0;
  });

  const rt = await opening;
  let seeded = false;
  if (opts.demo && !(await tenantExists(rt.db, 'demo'))) {
    const bar = progressBar('seeding the demo chain');
    await seedDemo(rt.db, { stores: opts.demoStores ?? 60, onProgress: bar.update });
    bar.stop();
    seeded = true;
  }
  const metrics = createMetrics();
  const deps = { db: rt.db, config, log, metrics };
  const outbox = new OutboxDispatcher(rt.db, log);
  const devices = createDevices(deps);
  const { profiles, collection } = createCustomers(deps);
  const app = await buildApp(deps, { consoleDir, outbox, devices, profiles, collection });
  const workers = await startWorkers(deps, outbox, devices, profiles, collection);
  let mqtt: MqttEndpoint;
  try {
    await app.listen({ port: config.port, host: config.host });
    mqtt = await startMqtt(config, devices.ingress, log, metrics);
  } catch (err) {
    await app.close();
    await workers.stop();
    await rt.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`PORT ${config.port} is already in use: stop what holds it or set PORT to another port`);
    throw err;
  }
  running = { app, workers, mqtt };

  const url = config.publicUrl ?? `http://localhost:${config.port}`;
  const lines = [
    '',
    `StoreOS is running: ${url}/`,
    `  API reference  ${url}/api/docs`,
    `  MQTT devices   mqtt://${mqttHost(config, url)}:${mqtt.port}${mqtt.tlsPort ? `, mqtts://${mqttHost(config, url)}:${mqtt.tlsPort}` : ''} (ThingsBoard device API, docs/mqtt.md)`,
    `  database       ${rt.server.embedded ? `embedded PostgreSQL under ${config.dataDir}` : 'DATABASE_URL'}`,
  ];
  if (!existsSync(`${consoleDir}/index.html`)) lines.push('  console        not built: run `npm run build` for the web console');
  if (opts.demo) {
    lines.push(`  demo chain     tenant "demo"${seeded ? ' (seeded now)' : ''}; sign in with any of these, password ${demoPassword}:`);
    for (const u of demoUsers) lines.push(`      ${u.role.padEnd(17)} ${u.email}`);
  }
  lines.push('Press Ctrl-C to stop.', '');
  process.stdout.write(lines.join('\n'));
}

/**
 * Starts the MQTT endpoint on MQTT_PORT; when that port is taken and MQTT_PORT was not set (another broker on
 * 1883, as on many machines), on a free port instead, printed at start — the embedded defaults must just work.
 */
async function startMqtt(config: Config, ingress: Parameters<typeof mqttOptionsFromConfig>[1], log: Logger, metrics: Metrics): Promise<MqttEndpoint> {
  const options = mqttOptionsFromConfig(config, ingress, log, metrics);
  try {
    return await startMqttEndpoint(options);
  } catch (err) {
    const taken = (err as Error).message.startsWith(`MQTT port ${config.mqttPort} is already in use`);
    if (!taken) throw err;
    if (process.env.MQTT_PORT) throw new Error(`MQTT_PORT ${config.mqttPort} is already in use: stop what holds it or set MQTT_PORT to another port`);
    log.warn({ port: config.mqttPort }, 'MQTT port taken; using a free one');
    return startMqttEndpoint({ ...options, port: 0 });
  }
}

/** The host devices reach the MQTT endpoint at, as printed: the public URL's host, else localhost. */
function mqttHost(config: Config, url: string): string {
  return config.publicUrl ? new URL(url).hostname : 'localhost';
}
