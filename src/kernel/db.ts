import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The Drizzle handle every module queries through. */
export type Orm = NodePgDatabase<Record<string, never>>;
/** A transaction handle; anything that takes `Executor` runs inside or outside one. */
export type Tx = Parameters<Parameters<Orm['transaction']>[0]>[0];
export type Executor = Orm | Tx;

/** The database: a pg pool and the Drizzle handle over it. */
export interface Database {
  pool: pg.Pool;
  orm: Orm;
  url: string;
  close(): Promise<void>;
}

const timestamptzOid = 1184;

// int8 (bigint, count(*)) as JS numbers: our counts and ids stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

/**
 * A `timestamptz` as PostgreSQL writes it (`2026-11-25 11:39:31.123456+00`) to the ISO string JSON carries
 * (`2026-11-25T11:39:31.123Z`), without the `Date` in between: the string `Date#toJSON` would give (fraction cut to
 * milliseconds). Other zones' offsets, eras and infinities go the long way.
 */
export function isoTimestamp(text: string): string {
  if (text.length >= 22 && text.charCodeAt(10) === 32 && text.endsWith('+00')) {
    const whole = `${text.slice(0, 10)}T${text.slice(11, 19)}`;
    if (text.length === 22) return `${whole}.000Z`;
    if (text.charCodeAt(19) === 46) return `${whole}.${text.slice(20, -3).padEnd(3, '0').slice(0, 3)}Z`;
  }
  const parsed = pg.types.getTypeParser(timestamptzOid)(text) as Date | number;
  return typeof parsed === 'number' || Number.isNaN(parsed.getTime()) ? text : parsed.toISOString();
}

/** Type parsers that leave `timestamptz` columns as ISO strings (see `isoTimestamp`). */
export const isoTimestampTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === timestamptzOid && format !== 'binary' ? isoTimestamp : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

const statementNames = new Map<string, string>();

/**
 * Runs plain SQL (every value a parameter) as a named prepared statement: each connection parses and plans each
 * shape of it once. For the hottest reads, where building the query and planning it cost more than running it.
 * `isoTimestamps` leaves `timestamptz` columns as the ISO strings a JSON answer carries: a page of rows with `Date`s
 * costs JSON.stringify three times as much.
 */
export async function queryPrepared<T extends pg.QueryResultRow>(
  pool: pg.Pool,
  prefix: string,
  text: string,
  values: unknown[],
  opts: { isoTimestamps?: boolean } = {},
): Promise<T[]> {
  const key = `${prefix}\0${text}`;
  let name = statementNames.get(key);
  if (!name) {
    name = `${prefix}_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    if (statementNames.size > 10_000) statementNames.clear();
    statementNames.set(key, name);
  }
  return (await pool.query<T>({ name, text, values, types: opts.isoTimestamps ? isoTimestampTypes : undefined })).rows;
}

/** Opens a pool to the given PostgreSQL URL. */
export function openDatabase(url: string, opts: { max?: number; applicationName?: string } = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 20,
    application_name: opts.applicationName ?? 'storeos',
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  // A dropped connection must not take the process down: an idle one is replaced by the pool, a busy one
  // fails its query (and the transaction rolls back) instead of throwing from the socket.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const orm = drizzle(pool) as Orm;
  return { pool, orm, url, close: () => pool.end() };
}

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

const migrationLock = 0x5_70_e0_5; // pg_advisory_lock key: one migrator at a time across nodes and CLI runs.

/** Applies the pending migrations, holding an advisory lock so concurrent starts do not race. */
export async function migrateDatabase(db: Database): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [migrationLock]);
    try {
      await migrate(drizzle(client), { migrationsFolder });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [migrationLock]);
    }
  } finally {
    client.release();
  }
}

/** Whether the database has every migration shipped with this build applied. */
export async function migrationsPending(db: Database): Promise<boolean> {
  const { readMigrationFiles } = await import('drizzle-orm/migrator');
  const shipped = readMigrationFiles({ migrationsFolder });
  const applied = await db.pool
    .query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')
    .then((r) => r.rows[0]?.n ?? 0)
    .catch(() => 0);
  return applied < shipped.length;
}
