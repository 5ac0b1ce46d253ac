import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

// argon2id with the OWASP-recommended minimum (19 MiB, 2 passes): ~30 ms here, slow enough for guessing, fast enough for sign-in.
const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password with argon2id. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

/** Checks a password against its argon2id hash. */
export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

let decoy: Promise<string> | undefined;

/** A real hash of a random password, checked when the e-mail is unknown so timing does not reveal which e-mails exist. */
export function decoyHash(): Promise<string> {
  decoy ??= hash(randomBytes(16).toString('hex'), options);
  return decoy;
}
