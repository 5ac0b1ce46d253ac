import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { consoleDir } from '../app.ts';
import { type Config, ConfigError, loadConfig } from '../kernel/config.ts';
import { migrationsPending, openDatabase } from '../kernel/db.ts';
import { openDatabaseServer } from '../kernel/embedded-postgres.ts';

interface Check {
  ok: boolean;
  line: string;
}

async function portCheck(name: string, port: number, host: string): Promise<Check> {
  const free = await new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
  // A taken port is fine when it is our own running server; a program that takes the connection and never answers is not.
  const ours = free
    ? false
    : await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) })
        .then((r) => r.ok)
        .catch(() => false);
  if (free) return { ok: true, line: `${name} ${port} is free` };
  if (ours) return { ok: true, line: `${name} ${port} is held by a running StoreOS` };
  return { ok: false, line: `${name} ${port} is taken by another program: stop it or set ${name}` };
}

/** `storeos doctor`: checks configuration, data directory, database and ports; one line each, non-zero exit when something is wrong. */
export async function doctor(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const checks: Check[] = [];
  let config: Config;
  try {
    config = loadConfig(env);
    checks.push({ ok: true, line: 'configuration is valid' });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const l of err.message.split('\n')) checks.push({ ok: false, line: l });
    print(checks);
    return false;
  }
  if (!config.databaseUrl) {
    try {
      mkdirSync(config.dataDir, { recursive: true });
      accessSync(config.dataDir, constants.W_OK);
      checks.push({ ok: true, line: `data directory ${config.dataDir} is writable` });
    } catch {
      checks.push({ ok: false, line: `STOREOS_DATA_DIR ${config.dataDir} is not writable: choose another or fix its permissions` });
    }
  }
  try {
    const server = await openDatabaseServer({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
    const db = openDatabase(server.url, { max: 2 });
    try {
      const v = await db.pool.query<{ v: string }>("SELECT current_setting('server_version') AS v");
      checks.push({ ok: true, line: `database reachable (${server.embedded ? 'embedded' : 'DATABASE_URL'}, PostgreSQL ${v.rows[0]?.v})` });
      const pending = await migrationsPending(db);
      checks.push(pending ? { ok: false, line: 'database schema is behind: run `storeos migrate`' } : { ok: true, line: 'database schema is up to date' });
    } finally {
      await db.close();
      await server.stop();
    }
  } catch (err) {
    checks.push({ ok: false, line: `database: ${(err as Error).message.split('\n')[0]}${config.databaseUrl ? ' (check DATABASE_URL)' : ''}` });
  }
  const http = await portCheck('PORT', config.port, config.host);
  checks.push(http);
  const mqtt = await portCheck('MQTT_PORT', config.mqttPort, config.host);
  // The MQTT endpoint answers no HTTP: with a StoreOS running on PORT under this configuration, MQTT_PORT is its endpoint.
  const ours = !mqtt.ok && http.line.endsWith('held by a running StoreOS');
  checks.push(ours ? { ok: true, line: `MQTT_PORT ${config.mqttPort} is held by the running StoreOS` } : mqtt);
  checks.push(
    existsSync(path.join(consoleDir, 'index.html'))
      ? { ok: true, line: 'web console is built' }
      : { ok: false, line: 'web console is not built: run `npm run build`' },
  );
  print(checks);
  return checks.every((c) => c.ok);
}

function print(checks: Check[]) {
  for (const c of checks) process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.line}\n`);
}
