import type { Ctx } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { type FileRef, fileRefs, fileRefsOf } from '../files/index.ts';
import type { TemplateDefinition } from './checklist.ts';

/** The files a template's instructions show. */
export function answerFileIdsOfDefinition(def: TemplateDefinition): string[] {
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

/** References of files already attached, for showing them (unknown ones left out). */
export function attachedFiles(ctx: Pick<Ctx, 'db' | 'actor'>, ids: string[]): Promise<FileRef[]> {
  return fileRefsOf(ctx.db.orm, ctx.actor.tenantId, ids);
}
