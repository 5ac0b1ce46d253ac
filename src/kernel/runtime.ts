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
      process.stderr.write(`storeos: invalid configuration\n${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

/** Opens the database (embedded or DATABASE_URL) and applies migrations; what every command that touches data starts with. */
export async function openRuntime(config: Config, opts: { log?: Logger; migrate?: boolean; poolSize?: number } = {}): Promise<Runtime> {
  const log = opts.log ?? createLogger(config.logLevel);
  const server = await openDatabaseServer({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, log });
  const db = openDatabase(server.url, { max: opts.poolSize ?? config.dbPoolSize });
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
