import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { AppError } from './kernel/errors.ts';
import type { Runtime } from './kernel/runtime.ts';

// Command modules load inside their actions, so `--help` and a bad option answer at once instead of after
// loading the server, the database driver and every module.

const int = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
};

/**
 * Runs a command that needs the database: opens it (quietly), runs, closes, and turns errors into one line.
 * Ctrl-C stops the embedded PostgreSQL this command started, so the unfinished transaction rolls back and
 * nothing is left running.
 */
async function withRuntime(work: (rt: Runtime) => Promise<void>): Promise<void> {
  const { configOrExit, exitOnSignal, openRuntime } = await import('./kernel/runtime.ts');
  const { createLogger } = await import('./kernel/logger.ts');
  const config = configOrExit();
  const opening = openRuntime(config, { log: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel), poolSize: 4 });
  const stopOnSignal = exitOnSignal(async (signal) => {
    process.stderr.write(`\nstoreos: ${signal}, stopping; the unfinished work is rolled back\n`);
    const rt = await opening.catch(() => undefined);
    await rt?.server.stop();
    return undefined;
  });
  const rt = await opening;
  try {
    await work(rt);
  } finally {
    stopOnSignal.off();
    await rt.close();
  }
}

/** A positive number up to `max` (or zero, with `zero`), for options such as --rate 0.5. */
function positive(name: string, max: number, zero = false) {
  return (v: string) => {
    const n = Number(v);
    if (Number.isFinite(n) && n <= max && (n > 0 || (n === 0 && zero))) return n;
    throw new InvalidArgumentError(`${name} must be a number ${zero ? 'from 0' : 'above 0'} up to ${max}`);
  };
}

/** Options of `storeos bench`: each benchmark reads its own. */
interface BenchOptions {
  duration: number;
  /** Unset: each benchmark's own default. */
  connections?: number;
  profiles: number;
  events: number;
  devices: number;
  publishers: number;
  window: number;
  tasks: number;
  workOrders: number;
}

const program = new Command('storeos')
  .description('StoreOS: the open platform for running smart retail stores')
  .version('0.1.0')
  .showHelpAfterError();

program
  .command('serve')
  .description('run the HTTP API, web console and workers in one process')
  .option('--demo', 'seed the demo chain on first start and print its sign-ins')
  .option('--demo-stores <n>', 'stores in the demo chain when seeding', int('--demo-stores', 1, 4000), 60)
  .action(async (o: { demo?: boolean; demoStores: number }) => {
    const { configOrExit } = await import('./kernel/runtime.ts');
    const config = configOrExit();
    const { serve } = await import('./commands/serve.ts');
    await serve(config, { demo: o.demo, demoStores: o.demoStores });
  });

program
  .command('migrate')
  .description('apply database migrations and exit')
  .action(() => withRuntime(async () => void process.stdout.write('database schema is up to date\n')));

program
  .command('seed')
  .description('seed data')
  .requiredOption('--demo', 'seed the demo chain')
  .option('--stores <n>', 'how many stores (1–4000)', int('--stores', 1, 4000), 60)
  .option('--tenant <slug>', 'tenant slug for the demo chain', 'demo')
  .action((o: { stores: number; tenant: string }) =>
    withRuntime(async (rt) => {
      const { progressBar } = await import('./commands/progress.ts');
      const { demoPassword, demoUsers, seedDemo } = await import('./commands/seed-demo.ts');
      const started = Date.now();
      const bar = progressBar(`seeding ${o.stores} stores`);
      const r = await seedDemo(rt.db, { stores: o.stores, slug: o.tenant, onProgress: bar.update });
      bar.stop();
      process.stdout.write(`seeded tenant ${o.tenant}: ${r.stores} stores in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      process.stdout.write(`sign-ins (password ${demoPassword}):\n${demoUsers.map((u) => `  ${u.role.padEnd(17)} ${u.email}`).join('\n')}\n`);
    }),
  );

program
  .command('tenant')
  .description('manage tenants')
  .command('create')
  .description('create a tenant with its root org unit')
  .requiredOption('--slug <slug>', 'short name, e.g. acme')
  .requiredOption('--name <name>', 'display name')
  .action((o: { slug: string; name: string }) =>
    withRuntime(async (rt) => {
      const { tenantCreate } = await import('./commands/admin.ts');
      const { tenant, root } = await tenantCreate(rt.db, o);
      process.stdout.write(`created tenant ${tenant.slug} (${tenant.id}); root unit ${root.code}\n`);
    }),
  );

program
  .command('user')
  .description('manage users')
  .command('add')
  .description('add a user with a role on an org-unit subtree')
  .requiredOption('--tenant <slug>', 'tenant slug')
  .requiredOption('--email <email>', 'sign-in e-mail')
  .requiredOption('--role <role>', 'hq_admin, region_manager, store_manager, associate, technician, marketer, merchant_partner or viewer')
  .option('--scope <org-unit>', 'code or id of the org unit the role is granted on (default: the whole tenant)')
  .option('--password <password>', 'password (at least 10 characters); generated and printed when omitted')
  .option('--name <name>', 'display name')
  .action((o: { tenant: string; email: string; role: string; scope?: string; password?: string; name?: string }) =>
    withRuntime(async (rt) => {
      const { userAdd } = await import('./commands/admin.ts');
      const r = await userAdd(rt.db, o);
      process.stdout.write(`added ${r.user.email} (${r.user.id}) as ${o.role} on ${r.user.grants[0]?.orgUnitName}\n`);
      if (r.password) process.stdout.write(`password: ${r.password}\n`);
    }),
  );

program
  .command('apikey')
  .description('manage API keys')
  .command('create')
  .description('create an API key; the key is printed alone on the last line')
  .requiredOption('--tenant <slug>', 'tenant slug')
  .requiredOption('--role <role>', 'the role the key acts with')
  .option('--scope <org-unit>', 'code or id of the org unit the key is limited to (default: the whole tenant)')
  .requiredOption('--name <name>', 'what the key is for')
  .action((o: { tenant: string; role: string; scope?: string; name: string }) =>
    withRuntime(async (rt) => {
      const { apikeyCreate } = await import('./commands/admin.ts');
      const r = await apikeyCreate(rt.db, o);
      process.stdout.write(`created API key ${r.apiKey.id} "${r.apiKey.name}" (${r.apiKey.role} on ${r.apiKey.orgUnitName}); it is shown once:\n${r.key}\n`);
    }),
  );

const importCommand = program.command('import').description('import data from files');

importCommand
  .command('stores')
  .description('import stores from a UTF-8 CSV file, all or nothing')
  .argument('<file>', 'CSV with columns code,name,name_en,parent_code,format,city,address,latitude,longitude,time_zone,floor_area,phone,status')
  .requiredOption('--tenant <slug>', 'tenant slug')
  .option('--dry-run', 'only validate')
  .action((file: string, o: { tenant: string; dryRun?: boolean }) =>
    withRuntime(async (rt) => {
      const { cliContext } = await import('./commands/admin.ts');
      const { progressBar } = await import('./commands/progress.ts');
      const { importStores } = await import('./modules/stores/index.ts');
      const data = await readFile(file);
      const ctx = await cliContext(rt.db, o.tenant);
      const bar = progressBar('importing stores');
      const r = await importStores(ctx, data, { dryRun: o.dryRun, onProgress: bar.update });
      bar.stop();
      process.stdout.write(r.dryRun ? `${r.valid} stores are valid; nothing was written (dry run)\n` : `imported ${r.imported} stores\n`);
    }),
  );

importCommand
  .command('events')
  .description('import historical customer events (orders, members) from a UTF-8 CSV file; a re-run stores nothing twice')
  .argument('<file>', 'CSV with columns type,message_id,user_id,anonymous_id,email,phone,member_card,name,event,timestamp,order_id,revenue,currency,store_code,properties_json,traits_json (docs/collection.md)')
  .requiredOption('--tenant <slug>', 'tenant slug')
  .requiredOption('--source <id>', 'the source the events come from (e.g. a crm source)')
  .option('--dry-run', 'only check the rows')
  .action((file: string, o: { tenant: string; source: string; dryRun?: boolean }) =>
    withRuntime(async (rt) => {
      const { importEventsFromFile, importReport } = await import('./commands/import-events.ts');
      const r = await importEventsFromFile(rt, file, o);
      process.stdout.write(importReport(r));
      if (r.errors.length + r.moreErrors > 0) process.exitCode = 1;
    }),
  );

const maintenanceCommand = program.command('maintenance').description('maintenance jobs, run now instead of waiting for their schedule');
maintenanceCommand
  .command('pm-run')
  .description('open the preventive-maintenance work orders due now (calendar lead times and meter readings)')
  .action(() =>
    withRuntime(async (rt) => {
      const { runPreventiveMaintenance } = await import('./modules/maintenance/index.ts');
      const r = await runPreventiveMaintenance(rt.db);
      process.stdout.write(`opened ${r.opened} preventive-maintenance work orders\n`);
    }),
  );
maintenanceCommand
  .command('escalate')
  .description('escalate the work orders past their SLA now')
  .action(() =>
    withRuntime(async (rt) => {
      const { escalateWorkOrders } = await import('./modules/maintenance/index.ts');
      const r = await escalateWorkOrders(rt.db);
      process.stdout.write(`escalated ${r.escalated} work orders\n`);
    }),
  );

program
  .command('doctor')
  .description('check configuration, data directory, database and ports; one line each')
  .action(async () => {
    const { doctor } = await import('./commands/doctor.ts');
    process.exitCode = (await doctor()) ? 0 : 1;
  });

const simulateCommand = program.command('simulate').description('simulate devices and shoppers against a running server');

simulateCommand
  .command('devices')
  .description('connect real MQTT devices of the demo stores (fridges, HVAC, meters…) that report, fail now and then and answer RPC, until Ctrl-C')
  .option('--stores <n>', 'how many demo stores (the first, by code)', int('--stores', 1, 4000), 10)
  .option('--per-store <m>', 'devices per store (the demo seed gives each store 8)', int('--per-store', 1, 8), 8)
  .option('--rate <r>', 'messages per second per device; fractional allowed (0.1 is one every 10 s)', positive('--rate', 100), 0.2)
  .option('--faults <f>', 'faults per device per hour (a fridge warming up, a door left open…)', positive('--faults', 3600, true), 0.5)
  .option('--tenant <slug>', 'the demo tenant', 'demo')
  .option('--url <url>', 'MQTT URL of the server (default mqtt://localhost:<MQTT_PORT>)')
  .option('--mqtt-port <port>', 'MQTT port on localhost', int('--mqtt-port', 1, 65535))
  .action(async (o: { stores: number; perStore: number; rate: number; faults: number; tenant: string; url?: string; mqttPort?: number }) => {
    const { loadSimulatedDevices, runSimulation } = await import('./commands/simulate-devices.ts');
    const { configOrExit } = await import('./kernel/runtime.ts');
    // The database only tells which devices to play; the simulation itself speaks MQTT alone.
    let specs: Awaited<ReturnType<typeof loadSimulatedDevices>> = [];
    await withRuntime(async (rt) => {
      specs = await loadSimulatedDevices(rt.db, { tenant: o.tenant, stores: o.stores, perStore: o.perStore });
    });
    const url = o.url ?? `mqtt://localhost:${o.mqttPort ?? configOrExit().mqttPort}`;
    await runSimulation(specs, { url, rate: o.rate, faultsPerHour: o.faults });
  });

simulateCommand
  .command('shoppers')
  .description('send realistic customer traffic through the Segment API: browsing on web and app, sign-ins, POS orders with member cards, returns, service bookings, store Wi-Fi')
  .requiredOption('--profiles <n>', 'how many people (the same people every run)', int('--profiles', 1, 10_000_000))
  .option('--rate <r>', 'events per second, all channels together', positive('--rate', 1_000_000), 50)
  .option('--stores <n>', 'demo stores with a POS and a Wi-Fi source (the first open ones, by code)', int('--stores', 1, 4000), 10)
  .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C)', int('--duration', 1, 31_536_000))
  .option('--tenant <slug>', 'the demo tenant', 'demo')
  .option('--url <url>', 'HTTP URL of the server (default http://localhost:<PORT>)')
  .action(async (o: { profiles: number; rate: number; stores: number; duration?: number; tenant: string; url?: string }) => {
    const { prepareShopperSources, runShoppers } = await import('./commands/simulate-shoppers.ts');
    const { configOrExit } = await import('./kernel/runtime.ts');
    // The database only provides the sources and their write keys; the shoppers themselves speak HTTP alone.
    let sources: Awaited<ReturnType<typeof prepareShopperSources>> | undefined;
    await withRuntime(async (rt) => {
      sources = await prepareShopperSources(rt.db, { tenant: o.tenant, stores: o.stores });
    });
    if (!sources) return;
    const url = (o.url ?? `http://localhost:${configOrExit().port}`).replace(/\/$/, '');
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    process.stderr.write(`simulating ${o.profiles} shoppers at ${o.rate} events/s against ${url} (web, app, service desk, POS and Wi-Fi of ${sources.stores.length} stores); Ctrl-C stops\n`);
    const r = await runShoppers(sources, { url, profiles: o.profiles, rate: o.rate, durationS: o.duration, signal: stop.signal, onReport: (line) => process.stderr.write(`${line}\n`) });
    process.stdout.write(`sent ${r.sent} events in ${r.seconds.toFixed(1)} s (${(r.sent / r.seconds).toFixed(0)} events/s): ${r.stored} stored, ${r.failed} failed\n`);
    if (r.failed > 0) process.exitCode = 1;
  });

program
  .command('bench')
  .description('run a benchmark against its baseline in the same run')
  .argument('<name>', 'api, telemetry, ingest, segments, operations or campaigns')
  .option('--duration <seconds>', 'seconds per measurement', int('--duration', 1, 600), 10)
  .option('--connections <n>', 'concurrent connections (api: 16 by default; ingest: 64)', int('--connections', 1, 1000))
  .option('--devices <n>', 'MQTT devices, one connection each (telemetry)', int('--devices', 8, 20_000), 1000)
  .option('--publishers <p>', 'publisher processes (telemetry)', int('--publishers', 1, 16), 2)
  .option('--window <w>', 'QoS 1 messages in flight per connection (telemetry)', int('--window', 1, 1000), 4)
  .option('--profiles <n>', 'profiles to generate (segments, campaigns)', int('--profiles', 1000, 10_000_000), 1_000_000)
  .option('--events <n>', 'events to generate (segments)', int('--events', 1000, 200_000_000), 20_000_000)
  .option('--tasks <n>', 'task instances to seed (operations)', int('--tasks', 1000, 10_000_000), 1_000_000)
  .option('--work-orders <n>', 'work orders to seed (operations)', int('--work-orders', 0, 2_000_000), 200_000)
  .action(async (name: string, o: BenchOptions) => {
    const benches: Record<string, () => Promise<{ runBench(o: BenchOptions & { connections: number }): Promise<void> }>> = {
      api: () => import('../bench/api.ts'),
      campaigns: () => import('../bench/campaigns.ts'),
      ingest: () => import('../bench/ingest.ts'),
      operations: () => import('../bench/operations.ts'),
      segments: () => import('../bench/segments.ts'),
      telemetry: () => import('../bench/telemetry.ts'),
    };
    const load = benches[name];
    if (!load) throw new AppError('invalid', `unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}`);
    await (await load()).runBench({ ...o, connections: o.connections ?? (name === 'ingest' ? 64 : 16) });
  });

/** Prints an error as one line (with details for bad input) and sets a failing exit code. */
async function report(err: unknown): Promise<void> {
  // Stopping on Ctrl-C ends the database connections under the work in progress; that is not an error to show.
  const { interrupted } = await import('./kernel/runtime.ts');
  if (interrupted()) return;
  if (err instanceof AppError) {
    process.stderr.write(`storeos: ${err.message}\n`);
    const rows = (err.details?.rows ?? []) as { row: number; column: string; message: string }[];
    for (const r of rows.slice(0, 50)) process.stderr.write(`  row ${r.row}, ${r.column}: ${r.message}\n`);
    if (rows.length > 50) process.stderr.write(`  … and ${rows.length - 50} more\n`);
  } else {
    process.stderr.write(`storeos: ${(err as Error).message ?? err}\n`);
  }
  process.exitCode = 1;
}

program.parseAsync(process.argv).catch(report);
