import path from 'node:path';
import { z } from 'zod';

/** One line per invalid setting, naming it and how to fix it. */
export class ConfigError extends Error {}

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a port number between 1 and 65535 (for example ${name}=${fallback})` })
    .int({ error: `${name} must be a whole number between 1 and 65535` })
    .min(1, { error: `${name} must be between 1 and 65535` })
    .max(65535, { error: `${name} must be between 1 and 65535` })
    .default(fallback);

const fields = z.object({
  PORT: port('PORT', 8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  MQTT_PORT: port('MQTT_PORT', 1883),
  MQTTS_PORT: port('MQTTS_PORT', 8883),
  MQTT_TLS_CERT: z.string().optional(),
  MQTT_TLS_KEY: z.string().optional(),
  MQTT_MAX_PAYLOAD: z.coerce
    .number({ error: 'MQTT_MAX_PAYLOAD must be a number of bytes (for example 65536)' })
    .int({ error: 'MQTT_MAX_PAYLOAD must be a whole number of bytes' })
    .min(256, { error: 'MQTT_MAX_PAYLOAD must be at least 256 bytes' })
    .max(16_777_216, { error: 'MQTT_MAX_PAYLOAD must be at most 16777216 bytes (16 MiB)' })
    .default(65_536),
  MQTT_DEVICE_RATE: z.coerce
    .number({ error: 'MQTT_DEVICE_RATE must be messages per second per device (for example 100; 0 turns the limit off)' })
    .min(0, { error: 'MQTT_DEVICE_RATE must be 0 (off) or more' })
    .default(100),
  STOREOS_DATA_DIR: z.string().min(1, { error: 'STOREOS_DATA_DIR must not be empty (default ./data)' }).default('./data'),
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), {
      error: 'DATABASE_URL must start with postgres:// or postgresql:// (for example postgres://user@127.0.0.1:5432/storeos)',
    })
    .optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  STOREOS_PUBLIC_URL: z.url({ error: 'STOREOS_PUBLIC_URL must be a URL such as https://stores.example.com' }).optional(),
  STOREOS_BODY_LIMIT: z.coerce
    .number({ error: 'STOREOS_BODY_LIMIT must be a number of bytes (for example 1048576)' })
    .int()
    .min(1024, { error: 'STOREOS_BODY_LIMIT must be at least 1024 bytes' })
    .default(1_048_576),
  STOREOS_IMPORT_LIMIT: z.coerce
    .number({ error: 'STOREOS_IMPORT_LIMIT must be a number of bytes (for example 10485760)' })
    .int()
    .min(1024, { error: 'STOREOS_IMPORT_LIMIT must be at least 1024 bytes' })
    .default(10_485_760),
  STOREOS_SESSION_HOURS: z.coerce
    .number({ error: 'STOREOS_SESSION_HOURS must be a number of hours (for example 12)' })
    .positive({ error: 'STOREOS_SESSION_HOURS must be more than 0' })
    .default(12),
  STOREOS_SOURCE_RATE: z.coerce
    .number({ error: 'STOREOS_SOURCE_RATE must be events per second per source (for example 5000; 0 turns the limit off)' })
    .int({ error: 'STOREOS_SOURCE_RATE must be a whole number of events per second' })
    .min(0, { error: 'STOREOS_SOURCE_RATE must be 0 (off) or more' })
    .default(5000),
  DB_POOL_SIZE: z.coerce
    .number({ error: 'DB_POOL_SIZE must be a whole number (for example 20)' })
    .int()
    .min(2, { error: 'DB_POOL_SIZE must be at least 2' })
    .max(500, { error: 'DB_POOL_SIZE must be at most 500' })
    .default(20),
  STOREOS_UPLOAD_LIMIT: z.coerce
    .number({ error: 'STOREOS_UPLOAD_LIMIT must be a number of bytes (for example 10485760)' })
    .int({ error: 'STOREOS_UPLOAD_LIMIT must be a whole number of bytes' })
    .min(1024, { error: 'STOREOS_UPLOAD_LIMIT must be at least 1024 bytes' })
    .max(1_073_741_824, { error: 'STOREOS_UPLOAD_LIMIT must be at most 1073741824 bytes (1 GiB)' })
    .default(10_485_760),
  STOREOS_S3_ENDPOINT: z.url({ error: 'STOREOS_S3_ENDPOINT must be a URL such as https://s3.example.com' }).optional(),
  STOREOS_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'STOREOS_S3_BUCKET must be a bucket name (3–63 lower-case letters, digits, dots, hyphens)' })
    .optional(),
  STOREOS_S3_ACCESS_KEY: z.string().min(1).optional(),
  STOREOS_S3_SECRET_KEY: z.string().min(1).optional(),
  STOREOS_S3_REGION: z.string().min(1).default('us-east-1'),
  STOREOS_SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\//.test(v), {
      error: 'STOREOS_SMTP_URL must start with smtp:// or smtps:// (for example smtp://user:pass@mail.example.com:587)',
    })
    .optional(),
  STOREOS_SMTP_FROM: z.string().min(3).default('StoreOS <storeos@localhost>'),
});

const s3Keys = ['STOREOS_S3_ENDPOINT', 'STOREOS_S3_BUCKET', 'STOREOS_S3_ACCESS_KEY', 'STOREOS_S3_SECRET_KEY'] as const;

const schema = fields
  .refine((c) => (c.MQTT_TLS_CERT === undefined) === (c.MQTT_TLS_KEY === undefined), {
    error: 'MQTT_TLS_CERT and MQTT_TLS_KEY must be set together (PEM files of the certificate and its private key)',
    path: ['MQTT_TLS_CERT'],
  })
  .refine((c) => s3Keys.every((k) => c[k] === undefined) || s3Keys.every((k) => c[k] !== undefined), {
    error:
      'STOREOS_S3_ENDPOINT, STOREOS_S3_BUCKET, STOREOS_S3_ACCESS_KEY and STOREOS_S3_SECRET_KEY must be set together (or none, for files under the data directory)',
    path: ['STOREOS_S3_ENDPOINT'],
  });

export interface Config {
  port: number;
  host: string;
  mqttPort: number;
  /** MQTT over TLS port, listened on only when a certificate and key are configured. */
  mqttsPort: number;
  /** PEM certificate and key files for MQTTS; both or neither. */
  mqttTls: { certFile: string; keyFile: string } | undefined;
  /** Largest MQTT payload in bytes; a bigger message is dropped and counted. */
  mqttMaxPayload: number;
  /** Messages per second one device may publish (bursts of twice that); 0 turns the limit off. */
  mqttDeviceRate: number;
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  publicUrl: string | undefined;
  bodyLimit: number;
  importLimit: number;
  sessionHours: number;
  /** Customer events per second one source may send (bursts of twice that) unless the source sets its own; 0 is no limit. */
  sourceRate: number;
  dbPoolSize: number;
  /** Largest uploaded file in bytes (413 beyond). */
  uploadLimit: number;
  /** An S3-compatible store for files; undefined keeps them under `<dataDir>/files`. */
  s3: { endpoint: string; bucket: string; accessKey: string; secretKey: string; region: string } | undefined;
  /** SMTP for notification e-mails; undefined sends none. */
  smtp: { url: string; from: string } | undefined;
}

/** Reads the configuration from environment variables; throws ConfigError with one line per bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked = Object.fromEntries(Object.keys(fields.shape).flatMap((k) => (env[k] === undefined || env[k] === '' ? [] : [[k, env[k]]])));
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? 'configuration');
      return i.message.startsWith(key) ? i.message : `${key}: ${i.message}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    mqttPort: c.MQTT_PORT,
    mqttsPort: c.MQTTS_PORT,
    mqttTls: c.MQTT_TLS_CERT && c.MQTT_TLS_KEY ? { certFile: path.resolve(c.MQTT_TLS_CERT), keyFile: path.resolve(c.MQTT_TLS_KEY) } : undefined,
    mqttMaxPayload: c.MQTT_MAX_PAYLOAD,
    mqttDeviceRate: c.MQTT_DEVICE_RATE,
    dataDir: path.resolve(c.STOREOS_DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    logLevel: c.LOG_LEVEL,
    publicUrl: c.STOREOS_PUBLIC_URL,
    bodyLimit: c.STOREOS_BODY_LIMIT,
    importLimit: c.STOREOS_IMPORT_LIMIT,
    sessionHours: c.STOREOS_SESSION_HOURS,
    sourceRate: c.STOREOS_SOURCE_RATE,
    dbPoolSize: c.DB_POOL_SIZE,
    uploadLimit: c.STOREOS_UPLOAD_LIMIT,
    s3:
      c.STOREOS_S3_ENDPOINT && c.STOREOS_S3_BUCKET && c.STOREOS_S3_ACCESS_KEY && c.STOREOS_S3_SECRET_KEY
        ? {
            endpoint: c.STOREOS_S3_ENDPOINT,
            bucket: c.STOREOS_S3_BUCKET,
            accessKey: c.STOREOS_S3_ACCESS_KEY,
            secretKey: c.STOREOS_S3_SECRET_KEY,
            region: c.STOREOS_S3_REGION,
          }
        : undefined,
    smtp: c.STOREOS_SMTP_URL ? { url: c.STOREOS_SMTP_URL, from: c.STOREOS_SMTP_FROM } : undefined,
  };
}

/** The settings a person can set, with their defaults, as documented in README.md. */
export const settingsHelp: [string, string, string][] = [
  ['PORT', '8080', 'HTTP port of the API and console'],
  ['HOST', '0.0.0.0', 'address the HTTP server listens on'],
  ['MQTT_PORT', '1883', 'MQTT device endpoint port'],
  ['MQTTS_PORT', '8883', 'MQTT over TLS port, when MQTT_TLS_CERT and MQTT_TLS_KEY are set'],
  ['MQTT_TLS_CERT', '(none)', 'PEM certificate file for MQTTS'],
  ['MQTT_TLS_KEY', '(none)', 'PEM private key file for MQTTS'],
  ['MQTT_MAX_PAYLOAD', '65536', 'largest MQTT message payload in bytes (dropped and counted beyond)'],
  ['MQTT_DEVICE_RATE', '100', 'MQTT messages per second per device, bursts of twice that (0: no limit)'],
  ['STOREOS_DATA_DIR', './data', 'where the embedded PostgreSQL and files live'],
  ['DATABASE_URL', '(embedded)', 'use this PostgreSQL instead of the embedded one'],
  ['LOG_LEVEL', 'info', 'fatal, error, warn, info, debug, trace or silent'],
  ['STOREOS_PUBLIC_URL', '(none)', 'the URL people reach the console at; turns on Secure cookies when https'],
  ['STOREOS_BODY_LIMIT', '1048576', 'largest JSON body in bytes (413 beyond)'],
  ['STOREOS_IMPORT_LIMIT', '10485760', 'largest CSV import in bytes'],
  ['STOREOS_SESSION_HOURS', '12', 'how long a console session lasts'],
  ['STOREOS_SOURCE_RATE', '5000', 'customer events per second per source and node, bursts of twice that (0: no limit; a source may set its own)'],
  ['DB_POOL_SIZE', '20', 'database connections per process'],
  ['STOREOS_UPLOAD_LIMIT', '10485760', 'largest uploaded file (photo, PDF) in bytes (413 beyond)'],
  ['STOREOS_S3_ENDPOINT', '(none)', 'S3-compatible endpoint for files; with the bucket and keys, instead of the data directory'],
  ['STOREOS_S3_BUCKET', '(none)', 'bucket for files'],
  ['STOREOS_S3_ACCESS_KEY', '(none)', 'access key of the S3-compatible store'],
  ['STOREOS_S3_SECRET_KEY', '(none)', 'secret key of the S3-compatible store'],
  ['STOREOS_S3_REGION', 'us-east-1', 'region used to sign S3 requests'],
  ['STOREOS_SMTP_URL', '(none)', 'smtp:// or smtps:// URL for notification e-mails (none sent when unset)'],
  ['STOREOS_SMTP_FROM', 'StoreOS <storeos@localhost>', 'sender of notification e-mails'],
];
