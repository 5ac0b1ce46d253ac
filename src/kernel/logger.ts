import pino, { type Logger } from 'pino';

/** Paths that never reach a log line: secrets and personal data. */
export const redactPaths = [
  'password',
  '*.password',
  'currentPassword',
  'newPassword',
  '*.currentPassword',
  '*.newPassword',
  'accessToken',
  '*.accessToken',
  'secret',
  '*.secret',
  'key',
  '*.key',
  'token',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'email',
  '*.email',
  'phone',
  '*.phone',
];

/** The process logger: JSON lines on stdout, secrets and personal data redacted. */
export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: redactPaths, censor: '[redacted]' }, base: { svc: 'storeos' } });
}

export type { Logger };
