/** The fixed set of error kinds the API answers with, mapped to HTTP status in one place. */
export const errorStatus = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
} as const;

export type ErrorKind = keyof typeof errorStatus;

/** An error the caller caused and may see: its kind picks the HTTP status, its message is shown as is. */
export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Throws not_found: used where the thing is missing or outside the caller's scope, so existence does not leak. */
export function notFound(what: string, id: string): never {
  throw new AppError('not_found', `${what} ${id} not found`);
}
