import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { and, eq } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import type { Ctx } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { stores } from '../stores/index.ts';
import type { Collector, CollectResult } from './collection.ts';
import type { SourceInfo } from './source-keys.ts';
import { findSourceInScope } from './sources.ts';

/**
 * `storeos import events`: historical orders and members from a CSV file, checked row by row and loaded through the
 * same pipeline as the collection API (dedupe, identity resolution, group commit, profile pipeline). Each row's
 * messageId is derived from its content (unless the file names one), so running the same file again stores nothing
 * twice: an interrupted import is resumed by running it again (docs/collection.md, "Importing history").
 */

/** The columns an events file may have; every one is optional except as each row's type needs. */
export const eventImportColumns = [
  'type',
  'message_id',
  'user_id',
  'anonymous_id',
  'email',
  'phone',
  'member_card',
  'name',
  'event',
  'timestamp',
  'order_id',
  'revenue',
  'currency',
  'store_code',
  'properties_json',
  'traits_json',
] as const;
type Column = (typeof eventImportColumns)[number];

/** One problem of the file: the 1-based row as a spreadsheet shows it (the header is row 1). */
export interface RowProblem {
  row: number;
  column: string;
  message: string;
}

/** What an import did. */
export interface ImportEventsResult {
  rows: number;
  stored: number;
  duplicates: number;
  errors: RowProblem[];
  /** Problems beyond the first `maxListed`, counted only. */
  moreErrors: number;
  dryRun: boolean;
}

/** How long imported messageIds are remembered: a re-run years later still counts nothing twice. */
export const importDedupeDays = 3650;
const maxListed = 1000;
const chunkRows = 1000;
const inFlight = 3;

// A date and time without an offset is China Standard Time, as POS and CRM exports write it.
const naive = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/;

function timestampOf(text: string): string | undefined {
  const m = naive.exec(text);
  const iso = m ? `${m[1]}T${m[2]}${m[3] ? '' : ':00'}+08:00` : text;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function objectOf(text: string): Record<string, unknown> | string {
  if (text === '') return {};
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : 'must be a JSON object';
  } catch (err) {
    return `is not JSON: ${(err as Error).message}`;
  }
}

/** Turns one CSV record into a Segment event, or the row's problems. */
export function eventOfRow(rec: Partial<Record<Column, string>>, row: number, sourceId: string, storeByCode: Map<string, string>): Record<string, unknown> | RowProblem[] {
  const v = (c: Column) => (rec[c] ?? '').trim();
  const problems: RowProblem[] = [];
  const problem = (column: string, message: string) => problems.push({ row, column, message });
  if (Object.values(rec).some((x) => x?.includes('\ufffd'))) problem('(row)', 'is not valid UTF-8 (saved as GBK?); save the file as "CSV UTF-8"');
  const type = v('type') || (v('event') ? 'track' : 'identify');
  if (!['identify', 'track', 'page', 'screen'].includes(type)) problem('type', 'must be identify, track, page or screen');
  if (type === 'track' && !v('event')) problem('event', 'a track row needs the event name (e.g. Order Completed)');
  const ts = timestampOf(v('timestamp'));
  if (!v('timestamp')) problem('timestamp', 'is required (when it happened)');
  else if (!ts) problem('timestamp', 'must be ISO 8601 (2024-05-01T10:30:00+08:00) or "2024-05-01 10:30" (China time)');
  const revenue = v('revenue') === '' ? undefined : Number(v('revenue'));
  if (revenue !== undefined && !Number.isFinite(revenue)) problem('revenue', 'must be a number');
  const props = objectOf(v('properties_json'));
  if (typeof props === 'string') problem('properties_json', props);
  const traitsIn = objectOf(v('traits_json'));
  if (typeof traitsIn === 'string') problem('traits_json', traitsIn);
  let storeId: string | undefined;
  if (v('store_code')) {
    storeId = storeByCode.get(v('store_code'));
    if (!storeId) problem('store_code', `no store with code ${v('store_code')}`);
  }
  const ids = { email: v('email'), phone: v('phone'), memberCard: v('member_card'), name: v('name') };
  const fallback = ids.memberCard ? `member:${ids.memberCard}` : ids.phone ? `phone:${ids.phone}` : ids.email ? `email:${ids.email}` : '';
  if (!v('user_id') && !v('anonymous_id') && !fallback) problem('user_id', 'a row needs user_id, anonymous_id, member_card, phone or email');
  if (problems.length > 0) return problems;

  const known = Object.fromEntries(Object.entries(ids).filter(([, x]) => x !== ''));
  const traits = { ...(traitsIn as Record<string, unknown>), ...known };
  const properties: Record<string, unknown> = { ...(props as Record<string, unknown>) };
  if (v('order_id')) properties.order_id = v('order_id');
  if (revenue !== undefined) {
    properties.revenue = revenue;
    properties.currency = v('currency') || 'CNY';
  }
  const content = JSON.stringify(eventImportColumns.map((c) => v(c)));
  return {
    type,
    messageId: v('message_id') || `csv-${createHash('sha256').update(`${sourceId}|${content}`).digest('hex').slice(0, 40)}`,
    userId: v('user_id') || undefined,
    anonymousId: v('anonymous_id') || (v('user_id') ? undefined : fallback),
    ...(type === 'track' ? { event: v('event') } : { name: v('event') || undefined }),
    properties,
    // Identify carries traits; other events carry who the person is in context.traits (Segment's convention).
    ...(type === 'identify' ? { traits } : { traits: {} }),
    context: { ...(type === 'identify' ? {} : { traits }), ...(storeId ? { storeId } : {}), import: true },
    timestamp: ts,
  };
}

/** Imports the events of a CSV stream into a source of the caller's tenant; `totalBytes` drives the progress. */
export async function importEvents(
  ctx: Ctx,
  collector: Collector,
  sourceId: string,
  input: Readable,
  opts: { totalBytes?: number; dryRun?: boolean; onProgress?: (doneBytes: number, totalBytes: number) => void } = {},
): Promise<ImportEventsResult> {
  const view = await findSourceInScope(ctx.db.orm, ctx.actor, sourceId);
  if (!view.enabled) throw new AppError('forbidden', `source ${sourceId} is disabled; enable it to import into it`);
  const source: SourceInfo = { ...view, tenantId: ctx.actor.tenantId, keyExpiresAt: null };
  const storeRows = await ctx.db.orm.select({ id: stores.id, code: stores.code }).from(stores).where(and(eq(stores.tenantId, ctx.actor.tenantId)));
  const storeByCode = new Map(storeRows.map((s) => [s.code, s.id]));
  const result: ImportEventsResult = { rows: 0, stored: 0, duplicates: 0, errors: [], moreErrors: 0, dryRun: opts.dryRun === true };
  const note = (p: RowProblem) => (result.errors.length < maxListed ? result.errors.push(p) : result.moreErrors++);
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_quotes: false,
    columns: (header: string[]) => {
      const names = header.map((h) => h.trim().toLowerCase());
      const unknown = names.filter((h) => !(eventImportColumns as readonly string[]).includes(h));
      if (unknown.length) throw new AppError('invalid', `unknown column(s) ${unknown.join(', ')}; the columns are ${eventImportColumns.join(', ')}`);
      return names;
    },
  });
  input.pipe(parser);
  input.on('error', (err) => parser.destroy(err));

  let chunk: { raw: Record<string, unknown>; row: number }[] = [];
  const running = new Set<Promise<void>>();
  let failure: unknown;
  const send = (items: typeof chunk) => {
    const p = collector
      .ingest(source, items.map((i) => i.raw), { keepDays: importDedupeDays })
      .then((r: CollectResult) => {
        result.stored += r.stored;
        result.duplicates += r.duplicates;
        for (const x of r.rejected) note({ row: items[x.index].row, column: '(event)', message: x.reason });
      })
      .catch((err: unknown) => {
        failure ??= err;
      });
    const tracked = p.finally(() => running.delete(tracked));
    running.add(tracked);
  };
  let row = 1;
  try {
    for await (const rec of parser as AsyncIterable<Partial<Record<Column, string>>>) {
      if (failure) break;
      row++;
      result.rows++;
      const ev = eventOfRow(rec, row, source.id, storeByCode);
      if (Array.isArray(ev)) {
        for (const p of ev) note(p);
        continue;
      }
      if (opts.dryRun) continue;
      chunk.push({ raw: ev, row });
      if (chunk.length >= chunkRows) {
        send(chunk);
        chunk = [];
        // Back-pressure: a few chunks in flight keep the group commit full without reading the whole file into memory.
        while (running.size >= inFlight) await Promise.race(running);
        opts.onProgress?.(parser.info.bytes, opts.totalBytes ?? parser.info.bytes);
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('invalid', `the file is not valid CSV near row ${row + 1}: ${(err as Error).message}`);
  }
  if (chunk.length && !failure) send(chunk);
  await Promise.all(running);
  // What committed before a failure stays (each chunk is whole); running the file again resumes after it.
  if (failure) throw failure;
  opts.onProgress?.(opts.totalBytes ?? parser.info.bytes, opts.totalBytes ?? parser.info.bytes);
  result.errors.sort((a, b) => a.row - b.row);
  if (!opts.dryRun) {
    await recordAudit(ctx.db.orm, ctx.actor, {
      action: 'events.imported',
      entityType: 'source',
      entityId: source.id,
      orgPath: view.path,
      after: { rows: result.rows, stored: result.stored, duplicates: result.duplicates, errors: result.errors.length + result.moreErrors },
    }, ctx.meta);
  }
  return result;
}
