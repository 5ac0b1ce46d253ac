import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/kernel/db.ts';
import { freePort, openDatabaseServer } from '../src/kernel/embedded-postgres.ts';

// The embedded path for real: `storeos serve` and CLI commands on one data directory, no DATABASE_URL, each
// starting and stopping its own PostgreSQL. The tests run in order and build on each other's data.

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Not created here: storeos creates it (mode 0755), so the postgres user can enter it when the tests run as root.
const dataDir = path.join(os.tmpdir(), `storeos-recovery-${randomBytes(4).toString('hex')}`);
const pgDir = path.join(dataDir, 'pg');
const keptUser = { email: 'kept@example.com', password: 'kept-password-1' };

interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Proc[] = [];
let env: NodeJS.ProcessEnv;
let port: number;

function baseEnv(): NodeJS.ProcessEnv {
  const e = { ...process.env };
  for (const k of Object.keys(e)) if (/^(PORT|HOST|MQTT_PORT|DATABASE_URL|TEST_DATABASE_URL|LOG_LEVEL|STOREOS_.*|DB_POOL_SIZE)$/.test(k)) delete e[k];
  return e;
}

/** Starts `node bin/storeos.js <args>` on the test data directory. */
function storeos(args: string[]): Proc {
  const child = spawn(process.execPath, ['bin/storeos.js', ...args], { cwd: repo, env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const p = { child, stdout: () => out, stderr: () => err, exited };
  started.push(p);
  return p;
}

const running = (p: Proc) => p.child.exitCode === null && p.child.signalCode === null;

async function until<T>(what: string, p: Proc | undefined, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (p && !running(p))
      throw new Error(`${what}: the process ended (${p.child.exitCode ?? p.child.signalCode}); stderr:\n${p.stderr()}\nstdout:\n${p.stdout()}`);
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; stderr:\n${p?.stderr()}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Starts `storeos serve` and waits until /readyz answers 200. */
async function startServe(...args: string[]): Promise<Proc> {
  const p = storeos(['serve', ...args]);
  const ready = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    return res?.status === 200 ? true : undefined;
  };
  await until('serve ready', p, ready, 120_000); // generous: a first start creates the cluster, and CI machines can be slow
  return p;
}

/** Pids of the PostgreSQL servers (postmasters) running on the test data directory. */
function postmasters(): number[] {
  const ps = execFileSync('ps', ['-ww', '-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps
    .split('\n')
    .filter((l) => l.includes(` -D ${pgDir} `))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function signIn(email: string, password: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return res.status;
}

/** Counts the demo tenant's stores through the embedded server, as any storeos process opens it (joining or starting it). */
async function storeCount(): Promise<number> {
  const server = await openDatabaseServer({ dataDir });
  const db = openDatabase(server.url, { max: 1 });
  try {
    const r = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM stores s JOIN tenants t ON t.id = s.tenant_id WHERE t.slug = 'demo'");
    return r.rows[0].n;
  } finally {
    await db.close();
    await server.stop();
  }
}

/** After a clean stop nothing of PostgreSQL is left: no process, no lock file, no owner file. */
function expectNothingRunning() {
  expect(postmasters()).toEqual([]);
  expect(existsSync(path.join(pgDir, 'postmaster.pid'))).toBe(false);
  expect(existsSync(path.join(dataDir, 'pg.owner'))).toBe(false);
}

/** A CSV of valid stores under a demo region, with codes no other store has. */
async function storesCsv(file: string, prefix: string, n: number) {
  const rows = ['code,name,parent_code,format,city,address,time_zone,floor_area'];
  for (let i = 1; i <= n; i++) {
    rows.push(`${prefix}${String(i).padStart(5, '0')},乐家生活电器 导入${i}店,R-EAST,compact,上海,上海市导入路${i}号,Asia/Shanghai,${300 + (i % 500)}`);
  }
  await writeFile(file, `${rows.join('\n')}\n`);
}

describe('the embedded PostgreSQL, started and stopped by storeos', () => {
  let serve: Proc | undefined;
  let storesBefore: number | undefined;

  beforeAll(async () => {
    port = await freePort();
    env = { STOREOS_DATA_DIR: dataDir, PORT: String(port), MQTT_PORT: String(await freePort()), LOG_LEVEL: 'warn' };
  });

  afterAll(async () => {
    for (const p of started) if (running(p)) p.child.kill('SIGKILL');
    await Promise.all(started.map((p) => p.exited));
    for (const pid of postmasters()) {
      process.kill(pid, 'SIGINT');
      const deadline = Date.now() + 15_000;
      while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    await rm(dataDir, { recursive: true, force: true });
    await rm(`${dataDir}.init`, { recursive: true, force: true });
  }, 60_000);

  it('serves a fresh data directory, shares its PostgreSQL with CLI commands, stops it on Ctrl-C and keeps the data', async () => {
    const first = await startServe('--demo', '--demo-stores', '5');
    expect(first.stdout()).toContain(`http://localhost:${port}/`);
    expect(first.stdout()).toContain('admin@demo.storeos.dev');
    expect(await signIn('admin@demo.storeos.dev', 'storeos-demo')).toBe(200);
    const [postmaster] = postmasters();
    expect(postmaster).toBeGreaterThan(0);

    // CLI commands while serve runs join its PostgreSQL rather than starting a second one, and leave it running.
    const add = storeos(['user', 'add', '--tenant', 'demo', '--email', keptUser.email, '--role', 'viewer', '--password', keptUser.password]);
    const doctor = storeos(['doctor']);
    const [added, checked] = await Promise.all([add.exited, doctor.exited]);
    expect(added.code, add.stderr()).toBe(0);
    expect(postmasters()).toEqual([postmaster]);
    const checks = doctor.stdout().split('\n');
    expect(checks).toContain(`ok   PORT ${port} is held by a running StoreOS`);
    expect(checks).toContain(`ok   MQTT_PORT ${env.MQTT_PORT} is held by the running StoreOS`);
    expect(checks.find((l) => l.includes('database reachable'))).toMatch(/^ok {3}database reachable \(embedded, PostgreSQL \d+/);
    expect(checks).toContain('ok   database schema is up to date');
    expect(checked.code).toBe(checks.some((l) => l.startsWith('FAIL')) ? 1 : 0);
    expect(await signIn(keptUser.email, keptUser.password)).toBe(200);

    first.child.kill('SIGINT');
    expect((await first.exited).code, first.stderr()).toBe(0);
    expect(first.stderr()).toContain('storeos: stopped');
    expectNothingRunning();

    serve = await startServe();
    expect(await signIn(keptUser.email, keptUser.password)).toBe(200);
  }, 180_000); // creates the cluster and seeds: the slowest start

  it('recovers by itself after serve is killed: the orphaned PostgreSQL is stopped and nothing committed is lost', async () => {
    if (!serve) serve = await startServe('--demo', '--demo-stores', '5');
    const [orphan] = postmasters();
    serve.child.kill('SIGKILL');
    await serve.exited;
    // SIGKILL gives storeos no chance to stop PostgreSQL: it runs on, orphaned, holding its lock file.
    expect(postmasters()).toEqual([orphan]);
    expect(existsSync(path.join(pgDir, 'postmaster.pid'))).toBe(true);

    serve = await startServe();
    expect(isAlive(orphan)).toBe(false);
    expect(postmasters()).toHaveLength(1);
    expect(await signIn(keptUser.email, keptUser.password)).toBe(200);
    storesBefore = await storeCount(); // joins serve's PostgreSQL

    serve.child.kill('SIGINT');
    expect((await serve.exited).code, serve.stderr()).toBe(0);
    serve = undefined;
    expectNothingRunning();
  }, 120_000);

  it('leaves the stores as they were when an import is killed mid-way', async () => {
    let before = storesBefore ?? (await storeCount());
    let killed = false;
    // Kill it once it reports inserting; should a fast machine finish first, try again with a larger file.
    for (const [attempt, size] of [4_000, 12_000, 20_000].entries()) {
      const file = path.join(os.tmpdir(), `storeos-recovery-${process.pid}-${attempt}.csv`);
      await storesCsv(file, `K${attempt}X`, size);
      try {
        const imp = storeos(['import', 'stores', file, '--tenant', 'demo']);
        await until('import progress', undefined, async () => (/importing stores: \d+\/\d+/.test(imp.stderr()) || !running(imp) ? true : undefined));
        imp.child.kill('SIGKILL');
        const end = await imp.exited;
        if (end.signal === 'SIGKILL') {
          killed = true;
          break;
        }
        expect(end.code, imp.stderr()).toBe(0); // it finished: the next attempt counts from here
        before = await storeCount();
      } finally {
        await rm(file, { force: true });
      }
    }
    expect(killed).toBe(true);
    // The import had started PostgreSQL itself (no serve was running), so it is orphaned now.
    expect(postmasters()).toHaveLength(1);

    expect(await storeCount()).toBe(before);
    expectNothingRunning();
  }, 120_000);

  it('keeps PostgreSQL running for serve when the process that started it ends first', async () => {
    // This test process starts PostgreSQL (as a CLI command would); serve joins it, then this process lets go.
    const server = await openDatabaseServer({ dataDir });
    expect(server.owner).toBe(true);
    const [postmaster] = postmasters();
    serve = await startServe();
    expect(postmasters()).toEqual([postmaster]);
    await server.stop();

    expect(postmasters()).toEqual([postmaster]);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect(await signIn(keptUser.email, keptUser.password)).toBe(200);

    serve.child.kill('SIGINT');
    expect((await serve.exited).code, serve.stderr()).toBe(0);
    serve = undefined;
    expectNothingRunning();
  }, 120_000);

  it('starts PostgreSQL on another port when its port is taken', async () => {
    const portFile = path.join(dataDir, 'pg.port');
    const saved = Number(await readFile(portFile, 'utf8'));
    const holder = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => holder.listen(saved, '127.0.0.1', resolve));
    try {
      expect(await storeCount()).toBeGreaterThan(0);
      expect(Number(await readFile(portFile, 'utf8'))).not.toBe(saved);
      expectNothingRunning();
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  }, 120_000);

  it('starts despite a lock file left by a crash whose pid now belongs to another process', async () => {
    const before = await storeCount();
    // After a power cut the pid in postmaster.pid may be any live process of PostgreSQL's user; PostgreSQL would
    // refuse to start, taking it for another server on this directory.
    const root = process.getuid?.() === 0;
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    const other = spawn('sleep', ['60'], root ? { uid: id('-u'), gid: id('-g') } : {});
    try {
      await writeFile(path.join(pgDir, 'postmaster.pid'), `${other.pid}\n${pgDir}\n1700000000\n54329\n\n127.0.0.1\n  5432001  0\nready   \n`);
      await writeFile(path.join(dataDir, 'pg.owner'), `${other.pid}\n`);
      expect(await storeCount()).toBe(before);
      expect(isAlive(other.pid ?? 0)).toBe(true); // left alone
      expectNothingRunning();
    } finally {
      other.kill('SIGKILL');
    }
  }, 120_000);
});
