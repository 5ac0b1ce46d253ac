import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError } from '../../kernel/errors.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { hashPassword } from '../../kernel/passwords.ts';
import { conflictOn } from './db-errors.ts';
import { hashToken } from './device-registry.ts';
import { notifyNodes } from './device-notify.ts';
import { findDeviceInScope } from './devices.ts';
import type { DevicesRuntime } from './devices-runtime.ts';
import { deviceCredentials } from './schema.ts';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A new access token: 20 letters and digits like ThingsBoard's (~119 bits). */
export function generateToken(): string {
  let out = '';
  for (const b of randomBytes(20)) out += alphabet[b % alphabet.length];
  return out;
}

/** How much of a token is shown after it was created: enough to tell two apart, not enough to use. */
export const tokenPrefixLength = 4;

/** A device's credentials as people see them: never the token or the password. */
export interface CredentialsView {
  type: 'access_token' | 'mqtt_basic';
  tokenPrefix: string | null;
  clientId: string | null;
  username: string | null;
  hasPassword: boolean;
  revoked: boolean;
  updatedAt: Date;
}

/** The unique indexes a credential write can hit, as people read them. */
export const credentialConflicts = { device_credentials_token_uq: 'this access token is already in use' };

/** Credentials to store: an access token, or MQTT basic client id / user name / password. */
export type CredentialsInput = { type: 'access_token'; accessToken: string } | { type: 'mqtt_basic'; clientId?: string; username?: string; password?: string };

/** Writes a device's credentials (insert or replace), clearing a revocation. */
export async function storeCredentials(tx: Executor, tenantId: string, deviceId: string, input: CredentialsInput): Promise<void> {
  const values =
    input.type === 'access_token'
      ? {
          type: input.type,
          tokenHash: hashToken(input.accessToken),
          tokenPrefix: input.accessToken.slice(0, tokenPrefixLength),
          clientId: null,
          username: null,
          passwordHash: null,
        }
      : {
          type: input.type,
          tokenHash: null,
          tokenPrefix: null,
          clientId: input.clientId ?? null,
          username: input.username ?? null,
          passwordHash: input.password ? await hashPassword(input.password) : null,
        };
  await tx
    .insert(deviceCredentials)
    .values({ deviceId, tenantId, ...values, revokedAt: null, updatedAt: new Date() })
    .onConflictDoUpdate({ target: deviceCredentials.deviceId, set: { ...values, revokedAt: null, updatedAt: new Date() } });
}

/** Inserts access-token credentials of new devices in one statement (seeds, imports). */
export async function insertAccessTokens(tx: Executor, items: { tenantId: string; deviceId: string; accessToken: string }[]): Promise<void> {
  if (items.length === 0) return;
  await tx.insert(deviceCredentials).values(
    items.map((i) => ({
      deviceId: i.deviceId,
      tenantId: i.tenantId,
      type: 'access_token' as const,
      tokenHash: hashToken(i.accessToken),
      tokenPrefix: i.accessToken.slice(0, tokenPrefixLength),
    })),
  );
}

/** Reads the view of a device's credentials. */
export async function credentialsOf(db: Executor, deviceId: string): Promise<CredentialsView | null> {
  const [c] = await db.select().from(deviceCredentials).where(eq(deviceCredentials.deviceId, deviceId));
  if (!c) return null;
  return {
    type: c.type,
    tokenPrefix: c.tokenPrefix,
    clientId: c.clientId,
    username: c.username,
    hasPassword: c.passwordHash !== null,
    revoked: c.revokedAt !== null,
    updatedAt: c.updatedAt,
  };
}

/** The credentials of a device in scope (type and token prefix only). */
export async function getCredentials(ctx: Ctx, deviceId: string): Promise<CredentialsView> {
  await findDeviceInScope(ctx.db.orm, ctx.actor, deviceId, 'devices:read');
  const view = await credentialsOf(ctx.db.orm, deviceId);
  if (!view) throw new AppError('not_found', 'this device has no credentials (a gateway sub-device talks through its gateway)');
  return view;
}

async function changeCredentials(ctx: Ctx, rt: DevicesRuntime, deviceId: string, action: string, change: (tx: Executor, tenantId: string) => Promise<void>) {
  try {
    await ctx.db.orm.transaction(async (tx) => {
      const device = await findDeviceInScope(tx, ctx.actor, deviceId, 'devices:write', true);
      const before = await credentialsOf(tx, deviceId);
      await change(tx, device.tenantId);
      const after = await credentialsOf(tx, deviceId);
      await recordAudit(tx, ctx.actor, { action, entityType: 'device', entityId: deviceId, orgPath: device.orgPath, before, after }, ctx.meta);
      await publishEvent(tx, device.tenantId, 'device.credentials_changed', {
        deviceId,
        storeId: device.storeId,
        type: after?.type ?? null,
        revoked: after?.revoked ?? false,
      });
      await notifyNodes(tx, { n: rt.nodeId, e: 'device', id: deviceId, end: true });
    });
  } catch (err) {
    conflictOn(err, credentialConflicts);
  }
  // Old credentials stop working here at once, and sessions opened with them end now; other nodes hear the NOTIFY sent at commit.
  rt.registry.invalidateDevice(deviceId);
  rt.registry.endSessions(deviceId);
  const view = await credentialsOf(ctx.db.orm, deviceId);
  if (!view) throw new AppError('not_found', `credentials of device ${deviceId} not found`);
  return view;
}

/** Replaces the access token with a new random one; the token is answered this once. */
export async function rotateCredentials(ctx: Ctx, rt: DevicesRuntime, deviceId: string): Promise<CredentialsView & { accessToken: string }> {
  const accessToken = generateToken();
  const view = await changeCredentials(ctx, rt, deviceId, 'device.credentials_rotated', (tx, tenantId) =>
    storeCredentials(tx, tenantId, deviceId, { type: 'access_token', accessToken }),
  );
  return { ...view, accessToken };
}

/** Sets a given access token (used as is, as ThingsBoard allows) or MQTT basic credentials. */
export function setCredentials(ctx: Ctx, rt: DevicesRuntime, deviceId: string, input: CredentialsInput): Promise<CredentialsView> {
  return changeCredentials(ctx, rt, deviceId, 'device.credentials_set', (tx, tenantId) => storeCredentials(tx, tenantId, deviceId, input));
}

/** Revokes the credentials: the device can no longer connect, and messages of its open sessions are refused. */
export function revokeCredentials(ctx: Ctx, rt: DevicesRuntime, deviceId: string): Promise<CredentialsView> {
  return changeCredentials(ctx, rt, deviceId, 'device.credentials_revoked', async (tx) => {
    const done = await tx
      .update(deviceCredentials)
      .set({ revokedAt: new Date(), updatedAt: new Date() })
      .where(eq(deviceCredentials.deviceId, deviceId))
      .returning();
    if (!done.length) throw new AppError('not_found', 'this device has no credentials to revoke');
  });
}
