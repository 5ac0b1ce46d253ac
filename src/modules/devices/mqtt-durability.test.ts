import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/harness.ts';
import { seedDemo } from '../../commands/seed-demo.ts';
import { freePort } from '../../kernel/embedded-postgres.ts';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/storeos.js');

/** `storeos serve` in its own process on the test database; resolves once its MQTT port takes connections. */
async function startServer(env: Record<string, string>, mqttPort: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`storeos serve exited with ${child.exitCode}: ${stderr}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(mqttPort, '127.0.0.1', () => s.end(() => resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (open) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`storeos serve did not listen on MQTT port ${mqttPort}: ${stderr}`);
}

const exited = (child: ChildProcess) =>
  new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));

describe('durability: every PUBACKed message survives a SIGKILL of the server', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let tokens: { token: string; name: string }[] = [];
  let env: Record<string, string>;
  let mqttPort: number;
  beforeAll(async () => {
    db = await testDatabase();
    await seedDemo(db.db, { stores: 2 });
    const r = await db.db.pool.query<{ code: string; name: string }>(
      `SELECT s.code, d.name FROM devices d JOIN stores s ON s.id = d.store_id WHERE d.name LIKE s.code || '-%' ORDER BY d.name`,
    );
    tokens = r.rows.map((row) => ({ name: row.name, token: `demo-${row.name}` }));
    mqttPort = await freePort();
    env = { DATABASE_URL: db.url, PORT: String(await freePort()), MQTT_PORT: String(mqttPort), HOST: '127.0.0.1', LOG_LEVEL: 'error', MQTT_DEVICE_RATE: '0' };
  });
  afterAll(() => db.drop());

  it('keeps all of them when killed mid-stream, and serves again after a restart', async () => {
    let server = await startServer(env, mqttPort);
    const base = Date.now() - 60_000;
    const acked = new Map<string, Set<number>>(tokens.map((t) => [t.name, new Set<number>()]));
    let total = 0;
    let killed = false;
    const clients: MqttClient[] = [];
    // Each device publishes QoS 1 with 8 messages in flight; every message has its own ts, so its row is findable.
    await Promise.all(
      tokens.map(async ({ token, name }, k) => {
        const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: token, clientId: `durable-${k}`, reconnectPeriod: 0 });
        clients.push(client);
        let seq = 0;
        const send = () => {
          if (killed || !client.connected) return;
          const ts = base + seq++;
          client.publish('v1/devices/me/telemetry', JSON.stringify({ ts, values: { seq: ts } }), { qos: 1 }, (err) => {
            if (err) return;
            acked.get(name)?.add(ts);
            total++;
            send();
          });
        };
        for (let i = 0; i < 8; i++) send();
      }),
    );
    while (total < 3000) await new Promise((r) => setTimeout(r, 10));
    // Mid-stream: hundreds of messages are in flight, some in the open batch, some committing.
    server.kill('SIGKILL');
    killed = true;
    await exited(server);
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
    const ackedCount = [...acked.values()].reduce((n, s) => n + s.size, 0);

    server = await startServer(env, mqttPort);
    try {
      const after = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: tokens[0].token, reconnectPeriod: 0 });
      await after.publishAsync('v1/devices/me/telemetry', JSON.stringify({ ts: base - 1, values: { seq: base - 1 } }), { qos: 1 });
      await after.endAsync();
      const rows = await db.db.pool.query<{ name: string; ts: number }>(
        `SELECT d.name, t.ts FROM telemetry t JOIN devices d ON d.sid = t.device_sid JOIN telemetry_keys k ON k.id = t.key_id WHERE k.key = 'seq'`,
      );
      const stored = new Map<string, Set<number>>();
      for (const r of rows.rows) stored.set(r.name, (stored.get(r.name) ?? new Set()).add(Number(r.ts)));
      const missing: string[] = [];
      for (const [name, set] of acked) for (const ts of set) if (!stored.get(name)?.has(ts)) missing.push(`${name}@${ts}`);
      expect(ackedCount).toBeGreaterThanOrEqual(3000);
      expect(missing).toEqual([]);
      expect(stored.get(tokens[0].name)?.has(base - 1)).toBe(true);
    } finally {
      server.kill('SIGTERM');
      await exited(server);
    }
  }, 90_000);
});
