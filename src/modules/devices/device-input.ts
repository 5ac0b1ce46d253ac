import { z } from 'zod';
import { text } from '../../kernel/schemas.ts';
import { alarmRuleList } from './alarm-rules.ts';
import { maxTokenLength } from './device-registry.ts';
import { aggregations } from './telemetry-query.ts';
import { attributeScopes, deviceKinds, provisionStrategies } from './schema.ts';

/** The request schemas of the devices REST API; response schemas are in device-output.ts. */

const id = z.string().min(1).max(64);

/** An access token as people may set it: printable, and usable as a URL path segment (the HTTP device API). */
export const accessToken = z
  .string()
  .min(1)
  .max(maxTokenLength)
  .regex(/^[!$&'()*+,\-.0-9:;=@A-Z_a-z~]+$/, { error: "must be letters, digits or - . _ ~ ! $ & ' ( ) * + , ; = : @ (no spaces, / ? # %)" });

export const profileBody = z.strictObject({
  name: text(100),
  description: z.string().trim().max(500).nullish(),
  kind: z.enum(deviceKinds),
  isDefault: z.boolean().optional(),
  telemetryRetentionDays: z.number().int().min(1).max(3650).optional(),
  inactivityTimeoutSeconds: z.number().int().min(30, { error: 'must be at least 30 seconds' }).max(604_800).optional(),
  defaultChartKeys: z.array(z.string().min(1).max(255)).max(20).optional(),
  provisionStrategy: z.enum(provisionStrategies).optional(),
  provisionKey: z.string().min(8).max(256).nullish(),
  provisionSecret: z.string().min(8).max(256).nullish(),
  provisionStoreId: id.nullish(),
  /** The alarm rules to start with; left out, a profile of a known kind gets that kind's defaults (alarm-defaults.ts). */
  alarmRules: alarmRuleList.optional(),
});
/** Rules change through their own routes (import, test): a PATCH leaves them alone. */
export const profilePatch = profileBody.omit({ alarmRules: true }).partial();

export const createDeviceBody = z.strictObject({
  name: text(200),
  storeId: id,
  zoneId: id.nullish(),
  profileId: id.optional(),
  label: z.string().trim().max(200).nullish(),
  type: text(100).optional(),
  isGateway: z.boolean().optional(),
  accessToken: accessToken.optional(),
});
export const updateDeviceBody = createDeviceBody.omit({ accessToken: true }).partial();

export const deviceFilters = {
  storeId: id.optional(),
  orgUnitId: id.optional(),
  profileId: id.optional(),
  online: z.enum(['true', 'false']).optional(),
  q: z.string().max(100).optional(),
};

export const credentialsBody = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('access_token'), accessToken }),
  z
    .strictObject({
      type: z.literal('mqtt_basic'),
      clientId: z.string().min(1).max(256).optional(),
      username: z.string().min(1).max(256).optional(),
      password: z.string().min(1).max(256).optional(),
    })
    .refine((c) => c.clientId !== undefined || c.username !== undefined, { error: 'give a clientId, a username, or both', path: ['clientId'] }),
]);

export const scopeParams = z.object({ id, scope: z.enum(attributeScopes) });
/** `?keys=a,b` as a list. */
export const keyList = z
  .string()
  .max(10_000)
  .transform((s) =>
    s
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  );
export const attributesBody = z
  .record(z.string().min(1).max(255), z.unknown())
  .refine((r) => Object.keys(r).length <= 200, { error: 'at most 200 attributes at once' });

export const rpcBody = z.strictObject({
  method: text(255),
  params: z.unknown().optional(),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  oneway: z.boolean().default(false),
  persistent: z.boolean().default(false),
  expiresInMs: z
    .number()
    .int()
    .min(1000)
    .max(7 * 86_400_000)
    .optional(),
});

export const seriesQuery = z.object({
  keys: keyList.optional(),
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  interval: z.coerce.number().int().min(1000).optional(),
  agg: z.enum(aggregations).default('NONE'),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  orderBy: z.enum(['ASC', 'DESC']).default('DESC'),
});

/** The kinds of live event; `?events=alarm,status` picks some. */
export const liveEventKinds = ['telemetry', 'status', 'alarm'] as const;

export const liveQuery = z
  .object({
    deviceId: id.optional(),
    storeId: id.optional(),
    orgUnitId: id.optional(),
    events: z
      .string()
      .max(100)
      .transform((s, ctx) => {
        const kinds = [...new Set(s.split(',').map((k) => k.trim()))].filter(Boolean);
        const bad = kinds.filter((k) => !(liveEventKinds as readonly string[]).includes(k));
        if (bad.length || kinds.length === 0) ctx.addIssue({ code: 'custom', message: `events are ${liveEventKinds.join(', ')}; got "${s}"` });
        return kinds as (typeof liveEventKinds)[number][];
      })
      .optional(),
  })
  .refine((q) => [q.deviceId, q.storeId, q.orgUnitId].filter((v) => v !== undefined).length <= 1, {
    error: 'give at most one of deviceId, storeId and orgUnitId',
  })
  .refine((q) => q.deviceId !== undefined || q.storeId !== undefined || !q.events?.includes('telemetry'), {
    error: 'telemetry is followed per device or store; an org unit or your whole scope streams alarm and status events',
    path: ['events'],
  });
