import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { can } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { findUnitInScope } from '../org/index.ts';
import type { FileStore } from './file-store.ts';
import { acceptedType, allowedFileTypes, bytesMatch, cleanFileName } from './file-types.ts';
import { files } from './schema.ts';

/** A stored file as other modules keep and show it. */
export interface FileRef {
  id: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  /** Where a signed-in caller fetches it. */
  url: string;
  createdAt: Date;
}

/** What to store: the bytes, what they are, and the org unit (usually a store's) they belong to. */
export interface NewFile {
  orgUnitId: string;
  name?: string;
  contentType: string;
  body: Buffer;
}

let store: FileStore | undefined;
let uploadLimit = 10_485_760;

/** Sets the process's file store and size limit; the app does this once when it is built. */
export function configureFiles(opts: { store: FileStore; uploadLimit: number }): void {
  store = opts.store;
  uploadLimit = opts.uploadLimit;
}

function fileStore(): FileStore {
  if (!store) throw new Error('the file store is not configured (configureFiles)');
  return store;
}

type FileRow = typeof files.$inferSelect;

/** The reference of a stored row. */
export function fileRef(row: FileRow): FileRef {
  return {
    id: row.id,
    name: row.name,
    contentType: row.contentType,
    size: row.size,
    sha256: row.sha256,
    url: `/api/v1/files/${row.id}`,
    createdAt: row.createdAt,
  };
}

/** Checks type, bytes and size: 415 for a type we do not take or bytes that are not what they claim, 413 over the limit. */
function checkUpload(input: Pick<NewFile, 'contentType' | 'body'>) {
  const type = acceptedType(input.contentType);
  if (!type) {
    throw new AppError(
      'unsupported_media_type',
      `files of type ${input.contentType || '(none)'} are not accepted; send one of ${allowedFileTypes.join(', ')}`,
      {
        allowed: [...allowedFileTypes],
      },
    );
  }
  if (input.body.length > uploadLimit)
    throw new AppError('too_large', `the file is ${input.body.length} bytes, over the ${uploadLimit}-byte limit`, { limit: uploadLimit });
  if (input.body.length === 0) throw new AppError('invalid', 'the file is empty');
  if (!bytesMatch(type, input.body)) throw new AppError('unsupported_media_type', `the file's bytes are not ${type}`, { allowed: [...allowedFileTypes] });
  return type;
}

/** Writes the bytes, then the row: a row never points at bytes that are not there (orphan bytes are harmless). */
async function writeFileRow(db: Executor, owner: { tenantId: string; orgUnitId: string; orgPath: string; by: string; byLabel: string }, input: NewFile) {
  const type = checkUpload(input);
  const id = newId('fil');
  const month = new Date().toISOString().slice(0, 7);
  const storageKey = `${owner.tenantId}/${month}/${id}`;
  await fileStore().put(storageKey, input.body, type);
  const [row] = await db
    .insert(files)
    .values({
      id,
      tenantId: owner.tenantId,
      orgUnitId: owner.orgUnitId,
      orgPath: owner.orgPath,
      name: cleanFileName(input.name, type),
      contentType: type,
      size: input.body.length,
      sha256: createHash('sha256').update(input.body).digest('hex'),
      storageKey,
      uploadedBy: owner.by,
      uploadedByLabel: owner.byLabel,
    })
    .returning();
  return row;
}

/** Stores a file for a signed-in caller holding files:write on the org unit (404 outside their scope); audited. */
export async function storeFile(ctx: Ctx, input: NewFile): Promise<FileRef> {
  const unit = await findUnitInScope(ctx.db.orm, ctx.actor, input.orgUnitId, 'files:write');
  return ctx.db.orm.transaction(async (tx) => {
    const row = await writeFileRow(
      tx,
      { tenantId: ctx.actor.tenantId, orgUnitId: unit.id, orgPath: unit.path, by: ctx.actor.id, byLabel: ctx.actor.label },
      input,
    );
    await recordAudit(
      tx,
      ctx.actor,
      {
        action: 'file.uploaded',
        entityType: 'file',
        entityId: row.id,
        orgPath: row.orgPath,
        after: { name: row.name, contentType: row.contentType, size: row.size },
      },
      ctx.meta,
    );
    return fileRef(row);
  });
}

/** Stores a file sent by someone without a sign-in (the public request form): the caller has already checked the owner. */
export async function storePublicFile(
  db: Executor,
  owner: { tenantId: string; orgUnitId: string; orgPath: string; label: string },
  input: NewFile,
): Promise<FileRef> {
  const row = await writeFileRow(
    db,
    { tenantId: owner.tenantId, orgUnitId: owner.orgUnitId, orgPath: owner.orgPath, by: 'public', byLabel: owner.label },
    input,
  );
  return fileRef(row);
}

/**
 * The references of files the caller may read, in the order asked; a missing or invisible id answers 404 naming it,
 * so another module can attach photos by id without trusting them.
 */
export async function fileRefs(ctx: Pick<Ctx, 'db' | 'actor'>, ids: string[]): Promise<FileRef[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows = await ctx.db.orm
    .select()
    .from(files)
    .where(and(eq(files.tenantId, ctx.actor.tenantId), inArray(files.id, unique)));
  const byId = new Map(rows.filter((r) => can(ctx.actor, 'files:read', r.orgPath)).map((r) => [r.id, r]));
  for (const id of unique) if (!byId.has(id)) notFound('file', id);
  return unique.map((id) => fileRef(byId.get(id) as FileRow));
}

/** References of files by id without a caller (for a module showing what it already attached); unknown ids are left out. */
export async function fileRefsOf(db: Executor, tenantId: string, ids: string[]): Promise<FileRef[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(files)
    .where(and(eq(files.tenantId, tenantId), inArray(files.id, ids)));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [fileRef(r)] : [];
  });
}

/** Public files uploaded for one owner path (the request form) not long ago: the only ones a public request may attach. */
export async function publicFilesOf(db: Executor, tenantId: string, orgPath: string, ids: string[], maxAgeMs = 3_600_000): Promise<FileRef[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(files)
    .where(and(eq(files.tenantId, tenantId), inArray(files.id, [...new Set(ids)])));
  const since = Date.now() - maxAgeMs;
  const ok = rows.filter((r) => r.uploadedBy === 'public' && r.orgPath === orgPath && r.createdAt.getTime() >= since);
  if (ok.length !== new Set(ids).size)
    throw new AppError('invalid', 'photos must be uploaded through this form within the hour', {
      issues: [{ path: 'body.photoIds', message: 'unknown photo' }],
    });
  return ok.map(fileRef);
}

/** The bytes and metadata of a file the caller may read (404 otherwise). */
export async function openFile(ctx: Ctx, id: string): Promise<{ ref: FileRef; stream: Readable }> {
  const row = await fileRow(ctx.db.orm, ctx.actor.tenantId, id);
  if (!row || !can(ctx.actor, 'files:read', row.orgPath)) notFound('file', id);
  return openRow(row);
}

/**
 * The bytes of a file another module attached to something the caller may see (a template's instruction images shown
 * to every store the task went to): that module has checked the caller and the attachment; this only checks the tenant.
 */
export async function openAttachedFile(db: Executor, tenantId: string, id: string): Promise<{ ref: FileRef; stream: Readable }> {
  const row = await fileRow(db, tenantId, id);
  if (!row) notFound('file', id);
  return openRow(row);
}

async function fileRow(db: Executor, tenantId: string, id: string): Promise<FileRow | undefined> {
  const [row] = await db
    .select()
    .from(files)
    .where(and(eq(files.tenantId, tenantId), eq(files.id, id)));
  return row;
}

async function openRow(row: FileRow): Promise<{ ref: FileRef; stream: Readable }> {
  const stream = await fileStore().get(row.storageKey);
  if (!stream) notFound('file', row.id);
  return { ref: fileRef(row), stream };
}

/** Rewrites the copied org path of files in a moved subtree, like stores and devices do. */
export async function rewriteFilePaths(tx: Executor, tenantId: string, oldPath: string, newPath: string): Promise<void> {
  await tx.execute(sql`UPDATE files SET org_path = ${newPath} || substr(org_path, ${oldPath.length + 1})
    WHERE tenant_id = ${tenantId} AND org_path LIKE ${`${oldPath}%`}`);
}
