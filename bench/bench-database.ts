// Where a benchmark keeps its data: the embedded PostgreSQL under a temporary directory (or the server of
// DATABASE_URL), and a fresh, migrated database of its own there, dropped at the end.
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Config, loadConfig } from '../src/kernel/config.ts';
import { type Database, migrateDatabase, openDatabase } from '../src/kernel/db.ts';
import { openDatabaseServer } from '../src/kernel/embedded-postgres.ts';
import { createLogger, type Logger } from '../src/kernel/logger.ts';

/** The settings every bench runs with: the environment's, logging off. */
export function benchConfig(): { config: Config; log: Logger } {
  return { config: loadConfig({ ...process.env, LOG_LEVEL: 'silent' }), log: createLogger('silent') };
}

export interface BenchServer {
  url: string;
  /** The embedded server's process id, for its CPU time; 0 when DATABASE_URL names a server of its own. */
  postmasterPid(): number;
  /** Stops the embedded server and removes its directory (nothing, for DATABASE_URL's). */
  stop(): Promise<void>;
}

/** Starts the embedded PostgreSQL for the bench `name` under the temporary directory (or uses DATABASE_URL's). */
export async function openBenchServer(name: string, config: Config, log: Logger): Promise<BenchServer> {
  const dataDir = path.join(os.tmpdir(), `storeos-bench-${name}-${process.pid}`);
  const server = await openDatabaseServer({ dataDir, databaseUrl: config.databaseUrl, log });
  return {
    url: server.url,
    postmasterPid: () => (config.databaseUrl ? 0 : Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0])),
    async stop() {
      await server.stop();
      if (!config.databaseUrl) await rm(dataDir, { recursive: true, force: true }).catch(() => {});
    },
  };
}

export interface BenchDatabase {
  db: Database;
  /** Its connection URL. */
  url: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A new database `storeos_bench_<name>_<pid>` on the server, migrated. */
export async function createBenchDatabase(serverUrl: string, name: string, poolSize: number): Promise<BenchDatabase> {
  const dbName = `storeos_bench_${name}_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  const db = openDatabase(url.toString(), { max: poolSize });
  const drop = async () => {
    await db.close().catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end();
  };
  try {
    await migrateDatabase(db);
  } catch (err) {
    await drop();
    throw err;
  }
  return { db, url: url.toString(), drop };
}
