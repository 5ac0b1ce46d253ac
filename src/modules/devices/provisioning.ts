import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../../kernel/audit.ts';
import { systemActor } from '../../kernel/auth.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { stores } from '../stores/index.ts';
import { type CredentialsInput, generateToken, storeCredentials } from './credentials.ts';
import { isUniqueViolation } from './db-errors.ts';
import { notifyNodes } from './device-notify.ts';
import { insertDevices } from './devices.ts';
import type { DevicesRuntime } from './devices-runtime.ts';
import { type ProfileRow, profileView } from './profiles.ts';
import { deviceProfiles, devices } from './schema.ts';

/** ThingsBoard's provisioning request (MQTT `/provision/request`, HTTP `POST /api/v1/provision`). `storeCode` is ours. */
export const provisionRequest = z.object({
  deviceName: z.string().trim().min(1).max(200).optional(),
  provisionDeviceKey: z.string().min(1).max(256),
  provisionDeviceSecret: z.string().min(1).max(256),
  credentialsType: z.enum(['ACCESS_TOKEN', 'MQTT_BASIC', 'X509_CERTIFICATE']).optional(),
  token: z.string().min(1).max(256).optional(),
  clientId: z.string().min(1).max(256).optional(),
  username: z.string().min(1).max(256).optional(),
  password: z.string().min(1).max(256).optional(),
  storeCode: z.string().min(1).max(40).optional(),
});

/** ThingsBoard's answer: SUCCESS with the credentials, or NOT_FOUND / FAILURE with a message. */
export type ProvisionResponse =
  | { status: 'SUCCESS'; credentialsType: 'ACCESS_TOKEN'; credentialsValue: string }
  | { status: 'SUCCESS'; credentialsType: 'MQTT_BASIC'; credentialsValue: { clientId: string | null; userName: string | null; password: string | null } }
  | { status: 'NOT_FOUND' | 'FAILURE'; errorMsg: string };

// Guessing keys and secrets: after this many failures in the window, every request fails until it passes.
const failureWindowMs = 10_000;
const maxFailures = 50;
let failures: number[] = [];

const sha = (s: string) => createHash('sha256').update(s).digest();
const sameSecret = (a: string, b: string) => timingSafeEqual(sha(a), sha(b));

function fail(status: 'NOT_FOUND' | 'FAILURE', errorMsg: string): ProvisionResponse {
  failures.push(Date.now());
  return { status, errorMsg };
}

/** Registers a device with a profile's provision key and secret, per the profile's strategy. */
export async function provisionDevice(rt: DevicesRuntime, request: Record<string, unknown>): Promise<ProvisionResponse> {
  const now = Date.now();
  failures = failures.filter((t) => t > now - failureWindowMs);
  if (failures.length >= maxFailures) return { status: 'FAILURE', errorMsg: 'Too many failed provisioning requests; try again later' };
  const parsed = provisionRequest.safeParse(request);
  if (!parsed.success) return fail('FAILURE', `Invalid provision request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const req = parsed.data;
  const [profile] = await rt.db.orm.select().from(deviceProfiles).where(eq(deviceProfiles.provisionKey, req.provisionDeviceKey));
  if (!profile || profile.provisionStrategy === 'disabled' || !profile.provisionSecret || !sameSecret(profile.provisionSecret, req.provisionDeviceSecret)) {
    return fail('NOT_FOUND', 'Provision data was not found!');
  }
  if (req.credentialsType === 'X509_CERTIFICATE') return fail('FAILURE', 'X509 certificates are not supported; use ACCESS_TOKEN or MQTT_BASIC');
  const credentials: CredentialsInput =
    req.credentialsType === 'MQTT_BASIC'
      ? { type: 'mqtt_basic', clientId: req.clientId ?? `c${randomBytes(8).toString('hex')}`, username: req.username, password: req.password }
      : { type: 'access_token', accessToken: req.token ?? generateToken() };
  const name = req.deviceName ?? `${profile.name}-${randomBytes(4).toString('hex')}`;
  try {
    const outcome =
      profile.provisionStrategy === 'check_pre_provisioned'
        ? await claim(rt, profile, name, credentials)
        : await createNew(rt, profile, name, credentials, req.storeCode);
    if (outcome) return outcome;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return fail('FAILURE', 'The device name or credentials are already in use');
  }
  return credentials.type === 'access_token'
    ? { status: 'SUCCESS', credentialsType: 'ACCESS_TOKEN', credentialsValue: credentials.accessToken }
    : {
        status: 'SUCCESS',
        credentialsType: 'MQTT_BASIC',
        credentialsValue: { clientId: credentials.clientId ?? null, userName: credentials.username ?? null, password: credentials.password ?? null },
      };
}

/** check_pre_provisioned: the device must exist in the profile, not yet provisioned; it gets its credentials. */
async function claim(rt: DevicesRuntime, profile: ProfileRow, name: string, credentials: CredentialsInput): Promise<ProvisionResponse | undefined> {
  const claimed = await rt.db.orm.transaction(async (tx) => {
    const [device] = await tx
      .update(devices)
      .set({ provisionedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(devices.tenantId, profile.tenantId), eq(devices.name, name), eq(devices.profileId, profile.id), isNull(devices.provisionedAt)))
      .returning();
    if (!device) return undefined;
    await storeCredentials(tx, profile.tenantId, device.id, credentials);
    const actor = systemActor(profile.tenantId, '', 'device provisioning');
    await recordAudit(tx, actor, {
      action: 'device.provisioned',
      entityType: 'device',
      entityId: device.id,
      orgPath: device.orgPath,
      after: { name, credentialsType: credentials.type },
    });
    await publishEvent(tx, profile.tenantId, 'device.credentials_changed', {
      deviceId: device.id,
      storeId: device.storeId,
      type: credentials.type,
      revoked: false,
    });
    await notifyNodes(tx, { n: rt.nodeId, e: 'device', id: device.id });
    return device.id;
  });
  if (!claimed) return fail('NOT_FOUND', 'Failed to find pre-provisioned device (or it was provisioned already)');
  rt.registry.invalidateDevice(claimed);
  return undefined;
}

/** allow_create_new: a new device in the profile's provisioning store (or the store named by `storeCode`). */
async function createNew(
  rt: DevicesRuntime,
  profile: ProfileRow,
  name: string,
  credentials: CredentialsInput,
  storeCode: string | undefined,
): Promise<ProvisionResponse | undefined> {
  const where = storeCode
    ? and(eq(stores.tenantId, profile.tenantId), eq(stores.code, storeCode))
    : profile.provisionStoreId
      ? eq(stores.id, profile.provisionStoreId)
      : undefined;
  const [store] = where ? await rt.db.orm.select({ id: stores.id, orgPath: stores.orgPath }).from(stores).where(where) : [];
  if (!store)
    return fail(
      'FAILURE',
      storeCode ? `Store ${storeCode} was not found` : 'The profile names no store for new devices (set provisionStoreId, or send storeCode)',
    );
  const [taken] = await rt.db.orm
    .select({ id: devices.id })
    .from(devices)
    .where(and(eq(devices.tenantId, profile.tenantId), eq(devices.name, name)));
  if (taken) return fail('FAILURE', `Device with name ${name} already exists`);
  await rt.db.orm.transaction(async (tx) => {
    const [id] = await insertDevices(tx, [
      {
        tenantId: profile.tenantId,
        storeId: store.id,
        orgPath: store.orgPath,
        profileId: profile.id,
        name,
        type: profile.name,
        provisionedAt: new Date(),
        credentials,
      },
    ]);
    const actor = systemActor(profile.tenantId, '', 'device provisioning');
    await recordAudit(tx, actor, {
      action: 'device.provisioned',
      entityType: 'device',
      entityId: id,
      orgPath: store.orgPath,
      after: { name, profile: profileView(profile, false).name },
    });
    await publishEvent(tx, profile.tenantId, 'device.created', { deviceId: id, storeId: store.id, name, profileId: profile.id });
  });
  return undefined;
}
