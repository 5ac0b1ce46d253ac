import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { apikeyCreate, cliContext, tenantCreate, userAdd } from './commands/admin.ts';
import { doctor } from './commands/doctor.ts';
import { progressBar } from './commands/progress.ts';
import { demoPassword, demoUsers, seedDemo } from './commands/seed-demo.ts';
import { serve } from './commands/serve.ts';
import { AppError } from './kernel/errors.ts';
import { createLogger } from './kernel/logger.ts';
import { configOrExit, openRuntime, type Runtime } from './kernel/runtime.ts';
import { importStores } from './modules/stores/index.ts';

const int = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
};

/** Runs a command that needs the database: opens it (quietly), runs, closes, and turns errors into one line. */
async function withRuntime(work: (rt: Runtime) => Promise<void>): Promise<void> {
  const config = configOrExit();
  const rt = await openRuntime(config, { log: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel), poolSize: 4 });
  try {
    await work(rt);
  } finally {
    await rt.close();
  }
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
    await serve(configOrExit(), { demo: o.demo, demoStores: o.demoStores });
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
      const r = await apikeyCreate(rt.db, o);
      process.stdout.write(`created API key ${r.apiKey.id} "${r.apiKey.name}" (${r.apiKey.role} on ${r.apiKey.orgUnitName}); it is shown once:\n${r.key}\n`);
    }),
  );

program
  .command('import')
  .description('import data from files')
  .command('stores')
  .description('import stores from a UTF-8 CSV file, all or nothing')
  .argument('<file>', 'CSV with columns code,name,name_en,parent_code,format,city,address,latitude,longitude,time_zone,floor_area,phone,status')
  .requiredOption('--tenant <slug>', 'tenant slug')
  .option('--dry-run', 'only validate')
  .action((file: string, o: { tenant: string; dryRun?: boolean }) =>
    withRuntime(async (rt) => {
      const data = await readFile(file);
      const ctx = await cliContext(rt.db, o.tenant);
      const bar = progressBar('importing stores');
      const r = await importStores(ctx, data, { dryRun: o.dryRun, onProgress: bar.update });
      bar.stop();
      process.stdout.write(r.dryRun ? `${r.valid} stores are valid; nothing was written (dry run)\n` : `imported ${r.imported} stores\n`);
    }),
  );

program
  .command('doctor')
  .description('check configuration, data directory, database and ports; one line each')
  .action(async () => {
    process.exitCode = (await doctor()) ? 0 : 1;
  });

program
  .command('bench')
  .description('run a benchmark against its baseline in the same run')
  .argument('<name>', 'api')
  .option('--duration <seconds>', 'seconds per measurement', int('--duration', 1, 600), 10)
  .option('--connections <n>', 'concurrent connections', int('--connections', 1, 1000), 16)
  .action(async (name: string, o: { duration: number; connections: number }) => {
    const benches: Record<string, () => Promise<{ runBench(o: { duration: number; connections: number }): Promise<void> }>> = {
      api: () => import('../bench/api.ts'),
    };
    const load = benches[name];
    if (!load) throw new AppError('invalid', `unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}`);
    await (await load()).runBench(o);
  });

/** Prints an error as one line (with details for bad input) and sets a failing exit code. */
function report(err: unknown): void {
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
