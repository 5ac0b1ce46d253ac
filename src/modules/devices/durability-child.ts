// A StoreOS HTTP server for durability-kill.test.ts (not a test): serves the app on the database in STOREOS_TEST_DB
// on a free port, prints the port, and is SIGKILLed by the test while devices post telemetry.
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../kernel/config.ts';
import { openDatabase } from '../../kernel/db.ts';
import { createLogger } from '../../kernel/logger.ts';
import { createMetrics } from '../../kernel/metrics.ts';
import { createDevices } from './create-devices.ts';

const url = process.env.STOREOS_TEST_DB;
if (!url) throw new Error('STOREOS_TEST_DB is not set');
const db = openDatabase(url, { max: 8 });
const log = createLogger('silent');
const deps = { db, config: loadConfig({ LOG_LEVEL: 'silent', MQTT_DEVICE_RATE: '0' }), log, metrics: createMetrics() };
const devices = createDevices(deps);
const app = await buildApp(deps, { devices });
await devices.start();
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
