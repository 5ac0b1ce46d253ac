import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghijkmnopqrstuvwxyz';

/** A new prefixed id (`str_…`, `usr_…`): readable in logs, 16 random characters (~82 bits). */
export function newId(prefix: string): string {
  const bytes = randomBytes(16);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return `${prefix}_${out}`;
}

/** A URL-safe random secret of the given byte length. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
