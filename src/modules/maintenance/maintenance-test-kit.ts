import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Response as InjectResponse } from 'light-my-request';
import { demoPassword } from '../../commands/seed-demo.ts';
import { hashPassword } from '../../kernel/passwords.ts';
import { createTestApp, type TestApp, type TestSession } from '../../../test/harness.ts';
import { devices } from '../devices/index.ts';
import { insertUser, tenants } from '../org/index.ts';
import { stores } from '../stores/index.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
/** An answer's body: parsed JSON, loosely typed as tests read it (what `inject().json()` gives), or the text. */
function parseBody(res: InjectResponse) {
  try {
    return res.json();
  } catch {
    return res.body;
  }
}
export type Json = ReturnType<typeof parseBody>;

/** A demo store as the tests need it. */
export interface KitStore {
  id: string;
  code: string;
  orgUnitId: string;
  parentOrgUnitId: string;
}

/** A StoreOS on a fresh database with the demo chain, files under a scratch folder, and helpers for maintenance tests. */
export interface MaintenanceKit {
  t: TestApp;
  tenantId: string;
  admin: TestSession;
  stores: KitStore[];
  /** Calls the API as someone; answers status and parsed body. */
  call(
    s: TestSession | undefined,
    method: Method,
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Json; raw: Buffer; headers: Record<string, unknown> }>;
  /** Adds a user with one role on an org unit and signs them in. */
  user(email: string, role: string, orgUnitId: string): Promise<TestSession>;
  /** Runs the outbox until nothing is due (flows, deliveries). */
  drain(): Promise<void>;
  /** The id of a demo device of a store (`fridge-1`, `hvac-1` …). */
  deviceId(storeCode: string, slot: string): Promise<string>;
  close(): Promise<void>;
}

/** A tiny valid PNG: what tests upload as a photo or a signature. */
export const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** Builds the kit; `env` adds settings (an upload limit, SMTP). */
export async function maintenanceKit(opts: { env?: NodeJS.ProcessEnv; demoStores?: number } = {}): Promise<MaintenanceKit> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'storeos-files-'));
  const t = await createTestApp({ demoStores: opts.demoStores ?? 12, env: { STOREOS_DATA_DIR: dataDir, ...opts.env } });
  const [tenant] = await t.db.orm.select().from(tenants).where(eq(tenants.slug, 'demo'));
  const admin = await t.signIn('admin@demo.storeos.dev');
  const storeRows = await t.db.orm
    .select({ id: stores.id, code: stores.code, orgUnitId: stores.orgUnitId, parentOrgUnitId: stores.parentOrgUnitId })
    .from(stores)
    .where(eq(stores.tenantId, tenant.id))
    .orderBy(stores.code);
  const passwordHash = await hashPassword(demoPassword);
  return {
    t,
    tenantId: tenant.id,
    admin,
    stores: storeRows,
    async call(s, method, url, payload, headers = {}) {
      const res = await t.app.inject({
        method,
        url,
        headers: { ...(s?.headers ?? {}), ...headers },
        ...(payload === undefined ? {} : { payload: payload as Buffer | object }),
      });
      return { status: res.statusCode, body: parseBody(res), raw: res.rawPayload, headers: res.headers };
    },
    async user(email, role, orgUnitId) {
      await insertUser(t.db.orm, tenant.id, { email, name: email.split('@')[0], passwordHash, role, orgUnitId });
      return t.signIn(email);
    },
    async drain() {
      while ((await t.outbox.dispatchBatch()) > 0) {}
    },
    async deviceId(storeCode, slot) {
      const [row] = await t.db.orm
        .select({ id: devices.id })
        .from(devices)
        .where(and(eq(devices.tenantId, tenant.id), eq(devices.name, `${storeCode}-${slot}`)));
      if (!row) throw new Error(`no demo device ${storeCode}-${slot}`);
      return row.id;
    },
    async close() {
      await t.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
