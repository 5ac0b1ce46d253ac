import type { FastifyRequest } from 'fastify';
import type { RequestMeta } from './audit.ts';
import type { Actor } from './auth.ts';
import type { Database } from './db.ts';
import { AppError } from './errors.ts';

/** What a service operation needs: the database, who acts, and where the request came from. */
export interface Ctx {
  db: Database;
  actor: Actor;
  meta: RequestMeta;
}

/** The service context of an authenticated request. */
export function ctxOf(db: Database, req: FastifyRequest): Ctx {
  if (!req.actor) throw new AppError('unauthorized', 'sign in or send an API key');
  return { db, actor: req.actor, meta: { requestId: String(req.id), ip: req.ip } };
}

/** A keyset cursor: the sort key and id of the last row, opaque to clients. */
export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** Reads a cursor made by encodeCursor; a tampered one is a 400. */
export function decodeCursor(cursor: string | undefined, size: number): (string | number)[] | undefined {
  if (!cursor) return undefined;
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === size) return parts;
  } catch {}
  throw new AppError('invalid', 'cursor is not one this API gave out', { issues: [{ path: 'query.cursor', message: 'unknown cursor' }] });
}

/** Escapes %, _ and \ so user text matches literally inside LIKE. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** What a module's routes and workers are built with. */
export interface Deps {
  db: import('./db.ts').Database;
  config: import('./config.ts').Config;
  log: import('./logger.ts').Logger;
  metrics: import('./metrics.ts').Metrics;
}
