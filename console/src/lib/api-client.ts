// The console's door to the REST API: same-origin cookies, the CSRF header on unsafe methods,
// and one error type for every `{error:{code,message,details}}` answer.

/** Base path of every API route. */
export const apiBase = '/api/v1';

export interface ValidationIssue {
  path: (string | number)[] | string;
  message: string;
}

export interface CsvRowError {
  row: number;
  column: string | null;
  message: string;
}

export interface ApiErrorDetails {
  issues?: ValidationIssue[];
  rows?: CsvRowError[];
  allowed?: string[];
  from?: string;
  to?: string;
  [key: string]: unknown;
}

/** An error answer of the API (or a network failure, with code `network`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ApiErrorDetails;

  constructor(status: number, code: string, message: string, details: ApiErrorDetails = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** A JSON body, or a raw string or Blob (a file) body sent with `contentType`. */
  body?: unknown;
  contentType?: string;
  /** Do not treat a 401 as "the session ended" (sign-in, the session probe). */
  expectUnauthorized?: boolean;
}

// The CSRF token lives in memory only: it comes with the Session and goes with it.
let csrfToken: string | null = null;
let unauthorizedListener: (() => void) | null = null;

/** Remembers the Session's CSRF token for the unsafe requests that follow. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Registers what to do when any request answers 401 (the session expired or was revoked). */
export function onUnauthorized(listener: () => void): void {
  unauthorizedListener = listener;
}

/** Builds `/api/v1/path?query`, leaving out empty query values. */
export function apiUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `${apiBase}${path}${search ? `?${search}` : ''}`;
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Sends one request and answers the parsed JSON body (undefined for 204). */
export async function apiRequest<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | Blob | undefined;
  if (options.body !== undefined) {
    if (options.body instanceof Blob) {
      body = options.body;
      headers['content-type'] = options.contentType ?? (options.body.type || 'application/octet-stream');
    } else if (typeof options.body === 'string' && options.contentType) {
      body = options.body;
      headers['content-type'] = options.contentType;
    } else {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
  }
  if (unsafeMethods.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
    });
  } catch (cause) {
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : String(cause));
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const parsed = parseJson(text);
  if (response.ok) return parsed as T;

  const error = toApiError(response, parsed);
  if (error.status === 401 && !options.expectUnauthorized) unauthorizedListener?.();
  throw error;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toApiError(response: Response, parsed: unknown): ApiError {
  if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
    const { error } = parsed as { error: { code?: string; message?: string; details?: ApiErrorDetails } };
    return new ApiError(response.status, error.code ?? 'internal', error.message ?? response.statusText, error.details ?? {});
  }
  return new ApiError(response.status, 'internal', response.statusText || `HTTP ${response.status}`);
}

/** Shorthands for the four verbs the console uses. */
export const api = {
  get: <T>(path: string, query?: Record<string, QueryValue>) => apiRequest<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}) => apiRequest<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body: unknown) => apiRequest<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown) => apiRequest<T>('PATCH', path, { body }),
  delete: <T>(path: string) => apiRequest<T>('DELETE', path),
};
