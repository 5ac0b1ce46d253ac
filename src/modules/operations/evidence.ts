import type { Ctx } from '../../kernel/context.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { type FileRef, fileRefs, fileRefsOf, openAttachedFile } from '../files/index.ts';
import type { TemplateDefinition } from './checklist.ts';

/** The files a template's instructions show. */
export function instructionFileIdsOf(def: TemplateDefinition): string[] {
  return def.instructionFileIds;
}

/**
 * Checks that attached files exist and the caller may read them (photos, signatures, instruction images are
 * attached by id after upload): an unknown one is bad input naming the field, not a 404 of the task itself.
 */
export async function checkFiles(ctx: Pick<Ctx, 'db' | 'actor'>, ids: string[], path: string): Promise<FileRef[]> {
  if (ids.length === 0) return [];
  try {
    return await fileRefs(ctx, ids);
  } catch (err) {
    if (err instanceof AppError && err.kind === 'not_found')
      throw new AppError('invalid', `${path}: ${err.message}`, { issues: [{ path, message: err.message }] });
    throw err;
  }
}

/**
 * References of files already attached, for showing them (unknown ones left out). Their links go through the thing
 * they are attached to (`<owner>/files/:id`), which checks the caller: a store's staff see HQ's instruction images
 * without being allowed HQ's other files.
 */
export async function attachedFiles(ctx: Pick<Ctx, 'db' | 'actor'>, ids: string[], ownerUrl: string): Promise<FileRef[]> {
  const refs = await fileRefsOf(ctx.db.orm, ctx.actor.tenantId, ids);
  return refs.map((ref) => ({ ...ref, url: `${ownerUrl}/files/${ref.id}` }));
}

/** A file attached to something the caller may see (checked by the caller of this), or 404 when it is not attached. */
export function openAttached(ctx: Pick<Ctx, 'db' | 'actor'>, attached: readonly string[], fileId: string) {
  if (!attached.includes(fileId)) notFound('file', fileId);
  return openAttachedFile(ctx.db.orm, ctx.actor.tenantId, fileId);
}
