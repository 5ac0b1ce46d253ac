import { existsSync } from 'node:fs';
import { buildApp, consoleDir, startWorkers } from '../app.ts';
import type { Config } from '../kernel/config.ts';
import { createLogger } from '../kernel/logger.ts';
import { createMetrics } from '../kernel/metrics.ts';
import { OutboxDispatcher } from '../kernel/outbox.ts';
import { openRuntime } from '../kernel/runtime.ts';
import { progressBar } from './progress.ts';
import { demoPassword, demoUsers, seedDemo, tenantExists } from './seed-demo.ts';

/** `storeos serve`: HTTP API, console and workers in one process until Ctrl-C; with --demo, seeds the demo chain on first start. */
export async function serve(config: Config, opts: { demo?: boolean; demoStores?: number }): Promise<void> {
  const log = createLogger(config.logLevel);
  const rt = await openRuntime(config, { log });
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
  const app = await buildApp(deps, { consoleDir, outbox });
  const workers = await startWorkers(deps, outbox);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await workers.stop();
    await rt.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`PORT ${config.port} is already in use: stop what holds it or set PORT to another port`);
    throw err;
  }

  const url = config.publicUrl ?? `http://localhost:${config.port}`;
  const lines = [
    '',
    `StoreOS is running: ${url}/`,
    `  API reference  ${url}/api/docs`,
    `  database       ${rt.server.embedded ? `embedded PostgreSQL under ${config.dataDir}` : 'DATABASE_URL'}`,
  ];
  if (!existsSync(`${consoleDir}/index.html`)) lines.push('  console        not built: run `npm run build` for the web console');
  if (opts.demo) {
    lines.push(`  demo chain     tenant "demo"${seeded ? ' (seeded now)' : ''}; sign in with any of these, password ${demoPassword}:`);
    for (const u of demoUsers) lines.push(`      ${u.role.padEnd(17)} ${u.email}`);
  }
  lines.push('Press Ctrl-C to stop.', '');
  process.stdout.write(lines.join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      process.stderr.write('storeos: stopping now\n');
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(`\nstoreos: ${signal}, stopping (Ctrl-C again to force)\n`);
    await app.close().catch((err) => log.error({ err }, 'closing HTTP failed'));
    await workers.stop().catch((err) => log.error({ err }, 'stopping workers failed'));
    await rt.close();
    process.stderr.write('storeos: stopped\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
