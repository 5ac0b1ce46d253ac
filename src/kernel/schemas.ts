import { z } from 'zod';

/** A short text a person types: trimmed, not empty, bounded. */
export const text = (max = 200) => z.string().trim().min(1, { error: 'must not be empty' }).max(max, { error: `must be at most ${max} characters` });

/** `?cursor=&limit=` of every list. */
export const pageQuery = {
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};

/** A list answer: the page's items in `data`, and the cursor of the next page. */
export const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

/** `{ id }` in the path. */
export const idParams = z.object({ id: z.string().min(1).max(64) });

/** `/:id/files/:fileId`: a file attached to the thing with that id. */
export const attachedFileParams = z.object({ id: z.string().min(1).max(64), fileId: z.string().min(1).max(64) });

/** The answer of a file download, for the OpenAPI document. */
export const fileBytes = z.any().describe('the file bytes');

/** The error answer, declared on routes for the OpenAPI document. */
export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

/** Common error answers for the OpenAPI document. */
export const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema };
