import { type Config, ConfigError, loadConfig } from './config.ts';
import { type Database, migrateDatabase, openDatabase } from './db.ts';
import { type DatabaseServer, openDatabaseServer } from './embedded-postgres.ts';
import { createLogger, type Logger } from './logger.ts';

/** The database server, a pool on it with migrations applied, and how to let both go. */
export interface Runtime {
  config: Config;
  log: Logger;
  server: DatabaseServer;
  db: Database;
  close(): Promise<void>;
}

/** Reads the configuration or exits with one line per bad setting. */
export function configOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      // One line per bad setting, each naming it and how to fix it.
      for (const line of err.message.split('\n')) process.stderr.write(`storeos: ${line}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

let interruptedBy: NodeJS.Signals | undefined;

/** Whether the process is stopping on Ctrl-C or SIGTERM: errors from the work it cut short are expected then. */
export function interrupted(): boolean {
  return interruptedBy !== undefined;
}

/**
 * On the first Ctrl-C or SIGTERM, runs `cleanUp` and exits with the code it answers (130 or 143 when none);
 * a second one exits at once. Answers how to stop listening once the work is done.
 */
export function exitOnSignal(cleanUp: (signal: NodeJS.Signals) => Promise<number | undefined>): { off(): void } {
  const codes: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };
  const onSignal = (signal: NodeJS.Signals) => {
    const code = codes[signal] ?? 1;
    if (interruptedBy) {
      process.stderr.write('storeos: stopping now\n');
      process.exit(code);
    }
    interruptedBy = signal;
    // Whatever breaks while stopping must not keep PostgreSQL from being stopped.
    process.on('uncaughtException', (err) => process.stderr.write(`storeos: while stopping: ${err.message}\n`));
    void cleanUp(signal).then(
      (exitCode) => process.exit(exitCode ?? code),
      (err: Error) => {
        process.stderr.write(`storeos: stopping failed: ${err.message}\n`);
        process.exit(code);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    off() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Opens the database (embedded or DATABASE_URL) and applies migrations; what every command that touches data starts with. */
export async function openRuntime(config: Config, opts: { log?: Logger; migrate?: boolean; poolSize?: number } = {}): Promise<Runtime> {
  const log = opts.log ?? createLogger(config.logLevel);
  const server = await openDatabaseServer({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, log });
  const db = openDatabase(server.url, { max: opts.poolSize ?? config.dbPoolSize });
  // A connection dropped while checked out (PostgreSQL stopping, a terminated backend) fails its query; without a
  // listener its client's 'error' event would also take the whole process down.
  db.pool.on('connect', (client) => client.on('error', () => {}));
  try {
    if (opts.migrate !== false) await migrateDatabase(db);
  } catch (err) {
    await db.close();
    await server.stop();
    throw err;
  }
  return {
    config,
    log,
    server,
    db,
    async close() {
      await db.close().catch(() => {});
      await server.stop();
    },
  };
}
