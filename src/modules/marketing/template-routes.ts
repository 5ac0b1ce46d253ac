import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams, text } from '../../kernel/schemas.ts';
import { assertProfileInScope } from './campaign-audience.ts';
import { readPermission } from './channels.ts';
import { checkTemplateText, createTemplate, getTemplate, listTemplates, previewTemplate, updateTemplate } from './templates.ts';

const template = z.object({
  id: z.string(),
  name: z.string(),
  subject: z.string().nullable(),
  body: z.string(),
  variables: z.array(z.string()),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const body = z.strictObject({ name: text(100), subject: z.string().max(300).nullable().optional(), body: z.string().min(1).max(10_000) });
const issue = z.object({ path: z.string(), line: z.number(), column: z.number(), message: z.string() });

/** Message templates under /api/v1/marketing/templates: saved only when they parse, previewed for a person. */
export function templateRoutes(deps: Deps, publicUrl: string) {
  const { db } = deps;
  return async (app: HttpApp) => {
    app.get(
      '/marketing/templates',
      {
        schema: {
          tags: ['marketing'],
          summary: "The tenant's templates and the variables they may use",
          response: { 200: z.object({ data: z.array(template), variables: z.array(z.string()) }), ...errors },
        },
      },
      async (req) => listTemplates(ctxOf(db, req)),
    );
    app.post(
      '/marketing/templates',
      {
        schema: {
          tags: ['marketing'],
          summary: 'Save a template; bad syntax or an unknown variable answers 400 with line and column',
          body,
          response: { 201: template, ...errors },
        },
      },
      async (req, reply) => reply.status(201).send(await createTemplate(ctxOf(db, req), req.body)),
    );
    app.post(
      '/marketing/templates/check',
      {
        schema: {
          tags: ['marketing'],
          summary: 'Check template text without saving it (the editor marks each problem)',
          body: body.pick({ subject: true, body: true }),
          response: { 200: z.object({ ok: z.boolean(), issues: z.array(issue), variables: z.array(z.string()) }), ...errors },
        },
      },
      async (req) => checkTemplateText(ctxOf(db, req), req.body),
    );
    app.post(
      '/marketing/templates/preview',
      {
        schema: {
          tags: ['marketing'],
          summary: 'Render a saved template, or template text, for one person as it would go out now',
          body: z.strictObject({
            templateId: z.string().max(64).optional(),
            subject: z.string().max(300).nullable().optional(),
            body: z.string().max(10_000).optional(),
            profileId: z.string().min(1).max(64),
          }),
          response: { 200: z.object({ subject: z.string().nullable(), body: z.string() }), ...errors },
        },
      },
      async (req) => {
        const ctx = ctxOf(db, req);
        await assertProfileInScope(db.orm, ctx.actor, req.body.profileId, readPermission);
        return previewTemplate(ctx, req.body, publicUrl);
      },
    );
    app.get(
      '/marketing/templates/:id',
      { schema: { tags: ['marketing'], summary: 'One template', params: idParams, response: { 200: template, ...errors } } },
      async (req) => getTemplate(ctxOf(db, req), req.params.id),
    );
    app.patch(
      '/marketing/templates/:id',
      {
        schema: {
          tags: ['marketing'],
          summary: 'Change a template (checked like a new one)',
          params: idParams,
          body: body.partial(),
          response: { 200: template, ...errors },
        },
      },
      async (req) => updateTemplate(ctxOf(db, req), req.params.id, req.body),
    );
  };
}
