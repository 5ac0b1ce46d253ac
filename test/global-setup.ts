import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateDatabase, openDatabase } from '../src/kernel/db.ts';
import { openDatabaseServer } from '../src/kernel/embedded-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

/**
 * Starts the PostgreSQL the tests run against — the embedded one in a scratch folder, or TEST_DATABASE_URL —
 * and prepares a migrated template database that each test file clones in milliseconds.
 */
export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  const dataDir = path.join(os.tmpdir(), `storeos-test-${process.pid}`);
  const server = await openDatabaseServer({ dataDir, databaseUrl: external });
  const template = `storeos_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  const url = new URL(server.url);
  url.pathname = `/${template}`;
  const db = openDatabase(url.toString(), { max: 2 });
  await migrateDatabase(db);
  await db.close();
  project.provide('pgAdminUrl', server.url);
  project.provide('pgTemplate', template);
  return async () => {
    const left = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${template}%`]);
    for (const r of left.rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`).catch(() => {});
    await admin.end();
    await server.stop();
    if (!external) await rm(dataDir, { recursive: true, force: true });
  };
}
