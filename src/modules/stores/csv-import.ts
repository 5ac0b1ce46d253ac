import { parse } from 'csv-parse/sync';
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { type AuditRecord, recordAudits } from '../../kernel/audit.ts';
import { can, requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { orgUnits, type OrgUnitRow } from '../org/index.ts';
import { storeStatuses } from './lifecycle.ts';
import { insertStores, type NewStore } from './service.ts';
import { storeFields } from './store-input.ts';

/** One problem in an import file: 1-based row number as a spreadsheet shows it (the header is row 1). */
export interface RowProblem {
  row: number;
  column: string;
  message: string;
}

/** The import columns, in the template's order, and the field each fills. */
export const importColumns = {
  code: 'code',
  name: 'name',
  name_en: 'nameEn',
  parent_code: 'parentCode',
  format: 'format',
  city: 'city',
  address: 'address',
  latitude: 'latitude',
  longitude: 'longitude',
  time_zone: 'timeZone',
  floor_area: 'floorArea',
  phone: 'phone',
  status: 'status',
} as const;
const required = ['code', 'name', 'parent_code', 'format', 'city', 'address', 'time_zone'];
const columnOf = Object.fromEntries(Object.entries(importColumns).map(([c, f]) => [f, c]));
export const maxImportRows = 20_000;

const rowSchema = z.strictObject({ ...storeFields, parentCode: z.string().trim().min(1, { error: 'must not be empty' }).max(40), status: z.enum(storeStatuses).optional() });

const numberOrNull = (v: string) => (v.trim() === '' ? null : Number(v.trim()));

function decode(file: Buffer): string {
  if (file.length >= 2 && ((file[0] === 0xff && file[1] === 0xfe) || (file[0] === 0xfe && file[1] === 0xff))) {
    throw new AppError('invalid', 'the file is UTF-16; save it as "CSV UTF-8" and import again');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(file);
  } catch {
    throw new AppError('invalid', 'the file is not UTF-8 (GBK from older Excel?); save it as "CSV UTF-8" and import again');
  }
}

/** Reads and checks every row of a store CSV; answers the stores to insert, or throws 400 listing every row problem. */
export async function validateStoreCsv(ctx: Ctx, file: Buffer): Promise<NewStore[]> {
  const paths = requireScope(ctx.actor, 'stores:import');
  let records: string[][];
  try {
    // Blank lines and short rows are kept so row numbers stay those a spreadsheet shows, and reported per row.
    records = parse(decode(file), { bom: true, skip_empty_lines: false, relax_column_count: true, trim: false });
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('invalid', `the file is not valid CSV: ${(err as Error).message}`);
  }
  const [header, ...lines] = records;
  if (!header) throw new AppError('invalid', 'the file is empty; the first row must name the columns');
  const cols = header.map((h) => h.trim().toLowerCase());
  const unknown = cols.filter((c) => !(c in importColumns));
  const missing = required.filter((c) => !cols.includes(c));
  if (missing.length || unknown.length) {
    const parts = [missing.length ? `missing columns: ${missing.join(', ')}` : '', unknown.length ? `unknown columns: ${unknown.join(', ')}` : ''].filter(Boolean);
    throw new AppError('invalid', `${parts.join('; ')} (expected ${Object.keys(importColumns).join(',')})`, {
      rows: [...missing.map((c) => ({ row: 1, column: c, message: 'missing column' })), ...unknown.map((c) => ({ row: 1, column: c, message: 'unknown column' }))],
    });
  }
  const rows = lines.map((cells, i) => ({ row: i + 2, cells })).filter((r) => r.cells.some((c) => c.trim() !== ''));
  if (rows.length === 0) throw new AppError('invalid', 'the file has a header but no stores');
  if (rows.length > maxImportRows) throw new AppError('too_large', `at most ${maxImportRows} stores per file; this one has ${rows.length}`);

  const problems: RowProblem[] = [];
  const parsed: { row: number; data: z.infer<typeof rowSchema> }[] = [];
  for (const { row, cells } of rows) {
    if (cells.length !== cols.length) {
      const column = cells.length < cols.length ? cols[cells.length] : `column ${cols.length + 1}`;
      problems.push({ row, column, message: `the row has ${cells.length} cells; the header has ${cols.length}` });
      continue;
    }
    const raw: Record<string, unknown> = {};
    cols.forEach((c, k) => {
      const field = importColumns[c as keyof typeof importColumns];
      const v = cells[k] ?? '';
      if (['latitude', 'longitude', 'floorArea'].includes(field)) raw[field] = numberOrNull(v);
      else if (['nameEn', 'phone', 'status'].includes(field)) raw[field] = v.trim() === '' ? undefined : v;
      else raw[field] = v;
    });
    const r = rowSchema.safeParse(raw);
    if (r.success) parsed.push({ row, data: r.data });
    else for (const issue of r.error.issues) problems.push({ row, column: columnOf[String(issue.path[0])] ?? String(issue.path[0]), message: issue.message });
  }

  const seen = new Map<string, number>();
  for (const p of parsed) {
    const first = seen.get(p.data.code);
    if (first) problems.push({ row: p.row, column: 'code', message: `duplicate of row ${first}` });
    else seen.set(p.data.code, p.row);
  }
  const parentCodes = [...new Set(parsed.map((p) => p.data.parentCode))];
  const codes = parsed.map((p) => p.data.code);
  const known = parentCodes.length
    ? await ctx.db.orm.select().from(orgUnits).where(and(eq(orgUnits.tenantId, ctx.actor.tenantId), inArray(orgUnits.code, [...parentCodes, ...codes])))
    : [];
  const byCode = new Map<string, OrgUnitRow>(known.map((u) => [u.code, u]));
  const items: NewStore[] = [];
  for (const p of parsed) {
    if (byCode.has(p.data.code)) problems.push({ row: p.row, column: 'code', message: `${p.data.code} is already in use` });
    const parent = byCode.get(p.data.parentCode);
    const visible = parent && paths.some((path) => parent.path.startsWith(path));
    if (!parent || !visible) problems.push({ row: p.row, column: 'parent_code', message: `no org unit ${p.data.parentCode} in your scope` });
    else if (parent.kind === 'store') problems.push({ row: p.row, column: 'parent_code', message: `${p.data.parentCode} is a store` });
    else if (!can(ctx.actor, 'stores:import', parent.path)) problems.push({ row: p.row, column: 'parent_code', message: `you may not import under ${p.data.parentCode}` });
    else {
      const { parentCode: _pc, ...input } = p.data;
      items.push({ parent, input });
    }
  }
  if (problems.length) {
    problems.sort((a, b) => a.row - b.row);
    throw new AppError('invalid', `${problems.length} problem(s) in ${new Set(problems.map((p) => p.row)).size} row(s); nothing was imported`, {
      rows: problems.slice(0, 1000),
      total: problems.length,
    });
  }
  return items;
}

/**
 * Imports a store CSV all or nothing: every row is checked first, then all stores are written in one
 * transaction, so a bad file or a killed process leaves the database as it was.
 */
export async function importStores(ctx: Ctx, file: Buffer, opts: { dryRun?: boolean; onProgress?: (done: number, total: number) => void } = {}) {
  const items = await validateStoreCsv(ctx, file);
  if (opts.dryRun) return { imported: 0, valid: items.length, dryRun: true };
  const batch = 500;
  await ctx.db.orm.transaction(async (tx) => {
    for (let i = 0; i < items.length; i += batch) {
      const slice = items.slice(i, i + batch);
      const ids = await insertStores(tx, ctx.actor, slice);
      const records: AuditRecord[] = slice.map((it, k) => ({
        action: 'store.imported',
        entityType: 'store',
        entityId: ids[k],
        orgPath: it.parent.path,
        after: { ...it.input, parentOrgUnitId: it.parent.id },
      }));
      await recordAudits(tx, ctx.actor, records, ctx.meta);
      opts.onProgress?.(Math.min(i + batch, items.length), items.length);
    }
    await publishEvent(tx, ctx.actor.tenantId, 'stores.imported', { count: items.length });
  });
  return { imported: items.length, valid: items.length, dryRun: false };
}
