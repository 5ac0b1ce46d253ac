import { AppError } from '../../kernel/errors.ts';

interface PgError {
  code?: unknown;
  constraint?: unknown;
  cause?: unknown;
}

/** The PostgreSQL error behind an error (Drizzle wraps it in `cause`). */
function pgError(err: unknown): PgError | undefined {
  let e: unknown = err;
  for (let i = 0; i < 3 && e && typeof e === 'object'; i++) {
    const p = e as PgError;
    if (typeof p.code === 'string' && /^[0-9A-Z]{5}$/.test(p.code)) return p;
    e = p.cause;
  }
  return undefined;
}

/** Turns a unique violation of one of the named constraints into a 409 with the given message; rethrows anything else. */
export function conflictOn(err: unknown, messages: Record<string, string>): never {
  const p = pgError(err);
  if (p?.code === '23505' && typeof p.constraint === 'string' && messages[p.constraint]) {
    throw new AppError('conflict', messages[p.constraint], { constraint: p.constraint });
  }
  throw err;
}

/** Whether the error is a unique violation. */
export function isUniqueViolation(err: unknown): boolean {
  return pgError(err)?.code === '23505';
}
