// A StoreOS HTTP server (collection API, real identity graph and profile pipeline) for collection-durability.test.ts
// and profile-durability.test.ts (not a test): serves the app on the database in STOREOS_TEST_DB on a free port,
// prints the port, and is SIGKILLed by the test while batches are in flight — or, with STOREOS_TEST_APPLY_LIMIT=n,
// after the profile pipeline applied n slices and holds the rest (committed, not applied).
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../kernel/config.ts';
import { openDatabase } from '../../kernel/db.ts';
import { createLogger } from '../../kernel/logger.ts';
import { createMetrics } from '../../kernel/metrics.ts';
import { createCustomers } from './create-customers.ts';

const url = process.env.STOREOS_TEST_DB;
if (!url) throw new Error('STOREOS_TEST_DB is not set');
const db = openDatabase(url, { max: 8 });
const deps = { db, config: loadConfig({ LOG_LEVEL: 'silent', STOREOS_SOURCE_RATE: '0' }), log: createLogger('silent'), metrics: createMetrics() };
const limit = process.env.STOREOS_TEST_APPLY_LIMIT;
const { profiles, collection } = createCustomers(deps, { profiles: { applyLimit: limit ? Number(limit) : undefined } });
const app = await buildApp(deps, { collection, profiles });
await profiles.start();
await collection.start();
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
