import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { demoUsers } from '../src/commands/seed-demo.ts';
import { loadConfig } from '../src/kernel/config.ts';
import type { Database } from '../src/kernel/db.ts';
import { freePort } from '../src/kernel/embedded-postgres.ts';
import type { HttpApp } from '../src/kernel/http.ts';
import { createLogger } from '../src/kernel/logger.ts';
import { createMetrics } from '../src/kernel/metrics.ts';
import { testDatabase } from './harness.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a person's shell would give `storeos`, without the settings these tests choose. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(PORT|HOST|MQTT_PORT|DATABASE_URL|LOG_LEVEL|STOREOS_.*|DB_POOL_SIZE)$/.test(k)) delete env[k];
  return env;
}

/** Runs `node bin/storeos.js <args>` to its end (killed after 100 s, so a command that wrongly keeps running fails the test). */
function storeos(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/storeos.js', ...args], { cwd: repo, env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

const csvHeader = 'code,name,name_en,parent_code,format,city,address,latitude,longitude,time_zone,floor_area,phone,status';

// Each test spawns storeos processes (a second or more each, much more on a loaded machine).
describe('the storeos command', { timeout: 120_000 }, () => {
  let url: string;
  let db: Database;
  let drop: () => Promise<void>;
  let app: HttpApp;
  let env: NodeJS.ProcessEnv;
  let seed: Run;
  let tmp: string;

  const storeCount = async () =>
    (await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM stores s JOIN tenants t ON t.id = s.tenant_id WHERE t.slug = 'demo'")).rows[0].n;

  const signIn = (email: string, password: string) => app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password } });

  beforeAll(async () => {
    const t = await testDatabase();
    ({ url, db, drop } = t);
    env = { DATABASE_URL: url, LOG_LEVEL: 'warn' };
    tmp = await mkdtemp(path.join(os.tmpdir(), 'storeos-cli-'));
    seed = await storeos(['seed', '--demo', '--stores', '30'], env);
    // The same database the command wrote, served by the application as `serve` would.
    const log = createLogger('silent');
    app = await buildApp({ db, config: loadConfig({ LOG_LEVEL: 'silent' }), log, metrics: createMetrics() });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await drop?.();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('answers --help for every command, naming its options', async () => {
    const expected: [string[], string[]][] = [
      [[], ['serve', 'migrate', 'seed', 'user', 'apikey', 'import', 'doctor']],
      [['serve'], ['--demo', '--demo-stores']],
      [['migrate'], ['migrations']],
      [['seed'], ['--demo', '--stores', '--tenant']],
      [
        ['user', 'add'],
        ['--tenant', '--email', '--role', '--scope', '--password'],
      ],
      [
        ['apikey', 'create'],
        ['--tenant', '--role', '--scope', '--name'],
      ],
      [
        ['import', 'stores'],
        ['<file>', '--tenant', '--dry-run'],
      ],
      [['doctor'], ['configuration', 'database', 'ports']],
      [
        ['tenant', 'create'],
        ['--slug', '--name'],
      ],
    ];
    const runs = await Promise.all(expected.map(([cmd]) => storeos([...cmd, '--help'], env)));
    runs.forEach((r, i) => {
      const [cmd, mentions] = expected[i];
      expect(r.code, `storeos ${cmd.join(' ')} --help: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(`Usage: storeos ${cmd.join(' ')}`.trim());
      for (const m of mentions) expect(r.stdout, `storeos ${cmd.join(' ')} --help mentions ${m}`).toContain(m);
    });
  });

  it('seeds the demo chain and prints its sign-ins', async () => {
    expect(seed.code, seed.stderr).toBe(0);
    expect(seed.stdout).toMatch(/seeded tenant demo: 30 stores in [\d.]+ s/);
    for (const u of demoUsers) expect(seed.stdout).toContain(u.email);
    expect(seed.stdout).toContain('storeos-demo');
    expect(seed.stderr).toContain('30/30'); // progress, on stderr so stdout stays clean
    expect(await storeCount()).toBe(30);
    expect((await signIn('admin@demo.storeos.dev', 'storeos-demo')).statusCode).toBe(200);
  });

  it('adds a user who can then sign in with the role on the scope given', async () => {
    const r = await storeos(
      [
        'user',
        'add',
        '--tenant',
        'demo',
        '--email',
        'New.Manager@Example.com',
        '--role',
        'store_manager',
        '--scope',
        'S0002',
        '--password',
        'a-long-password-1',
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('added new.manager@example.com');
    const res = await signIn('new.manager@example.com', 'a-long-password-1');
    expect(res.statusCode, res.body).toBe(200);
    const grants = (res.json() as { grants: { role: string; orgUnitName: string }[] }).grants;
    expect(grants).toHaveLength(1);
    expect(grants[0].role).toBe('store_manager');
    const { rows } = await db.pool.query<{ name: string }>("SELECT name FROM org_units WHERE code = 'S0002'");
    expect(grants[0].orgUnitName).toBe(rows[0].name);
  });

  it('generates and prints a password when none is given', async () => {
    const r = await storeos(['user', 'add', '--tenant', 'demo', '--email', 'generated@example.com', '--role', 'viewer'], env);
    expect(r.code, r.stderr).toBe(0);
    const password = /^password: (\S+)$/m.exec(r.stdout)?.[1];
    expect(password).toBeTruthy();
    expect((await signIn('generated@example.com', password ?? '')).statusCode).toBe(200);
  });

  it('refuses an unknown role, tenant or scope with one clear line and adds nobody', async () => {
    const cases: [string[], RegExp][] = [
      [['--tenant', 'demo', '--role', 'overlord'], /unknown role overlord; roles: hq_admin/],
      [['--tenant', 'nosuch', '--role', 'viewer'], /no tenant nosuch/],
      [['--tenant', 'demo', '--role', 'viewer', '--scope', 'NOPE'], /no org unit with code or id NOPE/],
    ];
    const runs = await Promise.all(
      cases.map(([args]) => storeos(['user', 'add', '--email', 'refused@example.com', '--password', 'a-long-password-1', ...args], env)),
    );
    runs.forEach((r, i) => {
      expect(r.code).not.toBe(0);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(cases[i][1]);
      expect(r.stderr).toMatch(/^storeos: /);
    });
    const { rows } = await db.pool.query("SELECT 1 FROM users WHERE email = 'refused@example.com'");
    expect(rows).toHaveLength(0);
  });

  it('creates an API key, printed alone on the last line, that works as a Bearer token', async () => {
    const r = await storeos(['apikey', 'create', '--tenant', 'demo', '--role', 'region_manager', '--scope', 'R-EAST', '--name', 'till sync'], env);
    expect(r.code, r.stderr).toBe(0);
    const key = lines(r.stdout).at(-1) ?? '';
    expect(key).toMatch(/^sk_[A-Za-z0-9]+$/);
    const res = await app.inject({ url: '/api/v1/stores?limit=100', headers: { authorization: `Bearer ${key}` } });
    expect(res.statusCode, res.body).toBe(200);
    // The key acts with the role on its scope only: R-EAST's stores, not the whole chain.
    const seen = (res.json() as { data: unknown[] }).data.length;
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM org_units s JOIN org_units r ON s.path LIKE r.path || '%' WHERE r.code = 'R-EAST' AND s.kind = 'store'",
    );
    expect(seen).toBe(rows[0].n);
    expect(seen).toBeLessThan(30);
    const wrong = await app.inject({ url: '/api/v1/stores', headers: { authorization: `Bearer ${key.slice(0, -2)}xx` } });
    expect(wrong.statusCode).toBe(401);
  });

  it('imports a good store CSV, and only validates with --dry-run', async () => {
    const file = path.join(tmp, 'good.csv');
    await writeFile(
      file,
      [
        csvHeader,
        'C9001,乐家生活电器 测试一店,LeJia Test One,R-EAST,standard,上海,上海市测试路1号,31.2,121.4,Asia/Shanghai,1200,+86 21 5555 0001,open',
        'C9002,乐家生活电器 测试二店,,R-NORTH,compact,北京,北京市测试路2号,,,Asia/Shanghai,,,planned',
      ].join('\n'),
    );
    const before = await storeCount();
    const dry = await storeos(['import', 'stores', file, '--tenant', 'demo', '--dry-run'], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('2 stores are valid; nothing was written (dry run)');
    expect(await storeCount()).toBe(before);

    const r = await storeos(['import', 'stores', file, '--tenant', 'demo'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('imported 2 stores');
    expect(await storeCount()).toBe(before + 2);
    const { rows } = await db.pool.query<{ code: string; status: string }>(
      "SELECT o.code, s.status FROM stores s JOIN org_units o ON o.id = s.org_unit_id WHERE o.code IN ('C9001', 'C9002') ORDER BY o.code",
    );
    expect(rows).toEqual([
      { code: 'C9001', status: 'open' },
      { code: 'C9002', status: 'planned' },
    ]);
  });

  it('refuses a bad store CSV listing every row problem, and writes nothing', async () => {
    const file = path.join(tmp, 'bad.csv');
    await writeFile(
      file,
      [
        csvHeader,
        'C9101,Good store,,R-EAST,standard,上海,上海市好路1号,,,Asia/Shanghai,,,open',
        'C9102,Bad format,,R-EAST,huge,上海,上海市坏路2号,,,Asia/Shanghai,,,open',
        'C9103,Unknown parent,,R-NOWHERE,compact,上海,上海市坏路3号,,,Asia/Shanghai,,,open',
        'C9101,Duplicate code,,R-EAST,compact,上海,上海市坏路4号,,,Asia/Shanghai,,,open',
        'C9105,Bad time zone,,R-EAST,compact,上海,上海市坏路5号,,,Mars/Olympus,,,open',
      ].join('\n'),
    );
    const before = await storeCount();
    for (const dryRun of [[], ['--dry-run']]) {
      const r = await storeos(['import', 'stores', file, '--tenant', 'demo', ...dryRun], env);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/^storeos: 4 problem\(s\) in 4 row\(s\); nothing was imported/);
      expect(r.stderr).toMatch(/row 3, format: /);
      expect(r.stderr).toMatch(/row 4, parent_code: no org unit R-NOWHERE/);
      expect(r.stderr).toMatch(/row 5, code: duplicate of row 2/);
      expect(r.stderr).toMatch(/row 6, time_zone: /);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
    expect(await storeCount()).toBe(before);
    const { rows } = await db.pool.query("SELECT 1 FROM org_units WHERE code = 'C9101'");
    expect(rows).toHaveLength(0);
  });

  it('doctor prints one line per check and says what is wrong', async () => {
    const [port, mqttPort] = [await freePort(), await freePort()];
    const r = await storeos(['doctor'], { ...env, PORT: String(port), MQTT_PORT: String(mqttPort) });
    const out = lines(r.stdout);
    for (const l of out) expect(l).toMatch(/^(ok {3}|FAIL )\S/);
    expect(out).toContain('ok   configuration is valid');
    expect(out.find((l) => l.startsWith('ok   database reachable'))).toMatch(/^ok {3}database reachable \(DATABASE_URL, PostgreSQL \d+\.\d+/);
    expect(out).toContain('ok   database schema is up to date');
    expect(out).toContain(`ok   PORT ${port} is free`);
    expect(out).toContain(`ok   MQTT_PORT ${mqttPort} is free`);
    expect(r.code).toBe(out.some((l) => l.startsWith('FAIL')) ? 1 : 0);

    // A taken port and an unreachable database are each named, with what to do.
    const holder = net.createServer((socket) => socket.resume()); // takes connections, never answers
    await new Promise<void>((resolve) => holder.listen(port, '0.0.0.0', resolve));
    const closed = await freePort();
    try {
      const bad = await storeos(['doctor'], {
        LOG_LEVEL: 'warn',
        PORT: String(port),
        MQTT_PORT: String(mqttPort),
        DATABASE_URL: `postgres://nobody@127.0.0.1:${closed}/none`,
      });
      expect(bad.code).toBe(1);
      const badOut = lines(bad.stdout);
      for (const l of badOut) expect(l).toMatch(/^(ok {3}|FAIL )\S/);
      expect(badOut).toContain(`FAIL PORT ${port} is taken by another program: stop it or set PORT`);
      expect(badOut.find((l) => l.startsWith('FAIL database:'))).toMatch(/check DATABASE_URL/);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('stops serve and migrate on an invalid setting with one line naming it, no stack trace', async () => {
    const settings: [Record<string, string>, string][] = [
      [{ PORT: 'abc' }, 'PORT'],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
      [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    ];
    const cases = settings.flatMap(([bad, name]) => (['serve', 'migrate'] as const).map((cmd) => ({ cmd, bad, name })));
    const port = String(await freePort()); // were the setting wrongly accepted, serve must not take a port in use
    const runs = await Promise.all(cases.map((c) => storeos([c.cmd], { ...env, PORT: port, MQTT_PORT: port, ...c.bad })));
    runs.forEach((r, i) => {
      const { cmd, name } = cases[i];
      expect(r.code, `${cmd} with a bad ${name}`).not.toBe(0);
      expect(r.code, `${cmd} with a bad ${name}: ${r.stderr}`).not.toBeNull();
      expect(lines(r.stderr), `${cmd} with a bad ${name}`).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^storeos: ${name} must `));
      expect(r.stdout).toBe('');
    });
  });

  it('migrates an up-to-date database again without complaint', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await storeos(['migrate'], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('database schema is up to date\n');
    }
  });
});
