import { z } from 'zod';

/** The response schemas of the devices REST API: what is not declared here never leaves the server. */

export const profileOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  kind: z.string(),
  isDefault: z.boolean(),
  telemetryRetentionDays: z.number(),
  inactivityTimeoutSeconds: z.number(),
  defaultChartKeys: z.array(z.string()),
  provisionStrategy: z.string(),
  provisionKey: z.string().nullable(),
  provisionSecret: z.string().nullable(),
  provisionStoreId: z.string().nullable(),
  alarmRuleCount: z.number(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const deviceOut = z.object({
  id: z.string(),
  name: z.string(),
  label: z.string().nullable(),
  type: z.string(),
  storeId: z.string(),
  storeCode: z.string(),
  storeName: z.string(),
  zoneId: z.string().nullable(),
  profileId: z.string(),
  profileName: z.string(),
  kind: z.string(),
  isGateway: z.boolean(),
  gatewayId: z.string().nullable(),
  online: z.boolean(),
  lastActivityAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const latestOut = z.object({ key: z.string(), ts: z.number(), value: z.unknown() });

export const deviceDetailOut = deviceOut.extend({
  zoneName: z.string().nullable(),
  telemetryRetentionDays: z.number(),
  inactivityTimeoutSeconds: z.number(),
  defaultChartKeys: z.array(z.string()),
  latest: z.array(latestOut),
  drops: z.array(z.object({ reason: z.string(), count: z.number(), lastAt: z.date() })),
  credentials: z.object({ type: z.string(), tokenPrefix: z.string().nullable(), revoked: z.boolean() }).nullable(),
});

export const credentialsOut = z.object({
  type: z.string(),
  tokenPrefix: z.string().nullable(),
  clientId: z.string().nullable(),
  username: z.string().nullable(),
  hasPassword: z.boolean(),
  revoked: z.boolean(),
  updatedAt: z.date(),
});

export const attributeOut = z.object({ key: z.string(), value: z.unknown(), lastUpdateTs: z.number() });

export const rpcOut = z.object({
  id: z.string(),
  deviceId: z.string(),
  requestId: z.number(),
  method: z.string(),
  params: z.unknown(),
  oneway: z.boolean(),
  persistent: z.boolean(),
  status: z.string(),
  timeoutMs: z.number(),
  response: z.unknown(),
  error: z.string().nullable(),
  createdAt: z.date(),
  expiresAt: z.date(),
  sentAt: z.date().nullable(),
  deliveredAt: z.date().nullable(),
  completedAt: z.date().nullable(),
});

export const seriesOut = z.object({
  agg: z.string(),
  interval: z.number().nullable(),
  source: z.enum(['raw', 'rollups']),
  data: z.record(z.string(), z.array(z.object({ ts: z.number(), value: z.unknown() }))),
});
