import { and, desc, eq, sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { requirePermission } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { readPermission } from './channels.ts';
import { loadRecipients } from './personalisation.ts';
import { marketingTemplates } from './schema.ts';
import { checkTemplate, knownVariables, type ParsedTemplate, renderTemplate, type TemplateVocabulary } from './template-language.ts';

/** Writing templates and campaigns, sending them. */
export const writePermission = 'marketing:write';

type TemplateRecord = typeof marketingTemplates.$inferSelect;

/** Template input. */
export interface TemplateInput {
  name: string;
  subject?: string | null;
  body: string;
}

/** The tenant's vocabulary: its computed trait keys. */
export async function vocabularyOf(db: Executor, tenantId: string): Promise<TemplateVocabulary> {
  const r = await db.execute<{ key: string }>(sql`SELECT DISTINCT key FROM computed_traits WHERE tenant_id = ${tenantId}`);
  return { computed: new Set(r.rows.map((row) => row.key)) };
}

/** Parses subject and body; 400 with every problem's field, line and column. */
export function parseTemplateParts(
  vocab: TemplateVocabulary,
  input: { subject?: string | null; body: string },
): { subject: ParsedTemplate | null; body: ParsedTemplate } {
  const body = checkTemplate(input.body, vocab);
  const subject = input.subject ? checkTemplate(input.subject, vocab) : null;
  const issues = [
    ...(subject && !subject.ok ? subject.issues.map((i) => ({ path: 'body.subject', ...i })) : []),
    ...(!body.ok ? body.issues.map((i) => ({ path: 'body.body', ...i })) : []),
  ];
  if (issues.length > 0 || !body.ok || (subject && !subject.ok)) {
    const first = issues[0];
    throw new AppError(
      'invalid',
      `template has ${issues.length} problem${issues.length === 1 ? '' : 's'}: line ${first.line}, column ${first.column}: ${first.message}`,
      {
        issues,
      },
    );
  }
  return { subject: subject?.template ?? null, body: body.template };
}

/** A template of the tenant, or 404. */
export async function findTemplate(db: Executor, tenantId: string, id: string): Promise<TemplateRecord> {
  const [row] = await db
    .select()
    .from(marketingTemplates)
    .where(and(eq(marketingTemplates.tenantId, tenantId), eq(marketingTemplates.id, id)));
  if (!row) notFound('template', id);
  return row;
}

const shown = (t: TemplateRecord) => ({
  id: t.id,
  name: t.name,
  subject: t.subject,
  body: t.body,
  variables: t.variables,
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
});

/** The tenant's templates, newest first, with the variables the editor offers. */
export async function listTemplates(ctx: Ctx) {
  requirePermission(ctx.actor, readPermission);
  const rows = await ctx.db.orm
    .select()
    .from(marketingTemplates)
    .where(eq(marketingTemplates.tenantId, ctx.actor.tenantId))
    .orderBy(desc(marketingTemplates.updatedAt));
  return { data: rows.map(shown), variables: knownVariables(await vocabularyOf(ctx.db.orm, ctx.actor.tenantId)) };
}

/** One template. */
export async function getTemplate(ctx: Ctx, id: string) {
  requirePermission(ctx.actor, readPermission);
  return shown(await findTemplate(ctx.db.orm, ctx.actor.tenantId, id));
}

/** Saves a new template once it parses and names only known variables. */
export async function createTemplate(ctx: Ctx, input: TemplateInput) {
  requirePermission(ctx.actor, writePermission);
  const parsed = parseTemplateParts(await vocabularyOf(ctx.db.orm, ctx.actor.tenantId), input);
  const variables = [...new Set([...(parsed.subject?.variables ?? []), ...parsed.body.variables])].sort();
  return ctx.db.orm.transaction(async (tx) => {
    const [row] = await tx
      .insert(marketingTemplates)
      .values({
        id: newId('tpl'),
        tenantId: ctx.actor.tenantId,
        name: input.name,
        subject: input.subject ?? null,
        body: input.body,
        variables,
        createdBy: ctx.actor.id,
      })
      .returning();
    await recordAudit(tx, ctx.actor, { action: 'marketing_template.created', entityType: 'marketing_template', entityId: row.id, after: shown(row) }, ctx.meta);
    return shown(row);
  });
}

/** Changes a template; the new text is checked the same way. */
export async function updateTemplate(ctx: Ctx, id: string, input: Partial<TemplateInput>) {
  requirePermission(ctx.actor, writePermission);
  return ctx.db.orm.transaction(async (tx) => {
    const before = await findTemplate(tx, ctx.actor.tenantId, id);
    const next = { subject: input.subject !== undefined ? input.subject : before.subject, body: input.body ?? before.body };
    const parsed = parseTemplateParts(await vocabularyOf(tx, ctx.actor.tenantId), next);
    const variables = [...new Set([...(parsed.subject?.variables ?? []), ...parsed.body.variables])].sort();
    const [row] = await tx
      .update(marketingTemplates)
      .set({ name: input.name ?? before.name, subject: next.subject, body: next.body, variables, updatedAt: new Date() })
      .where(eq(marketingTemplates.id, id))
      .returning();
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'marketing_template.updated', entityType: 'marketing_template', entityId: id, before: shown(before), after: shown(row) },
      ctx.meta,
    );
    return shown(row);
  });
}

/** Checks template text without saving: the problems with their positions, or the variables it reads. */
export async function checkTemplateText(ctx: Ctx, input: { subject?: string | null; body: string }) {
  requirePermission(ctx.actor, readPermission);
  const vocab = await vocabularyOf(ctx.db.orm, ctx.actor.tenantId);
  try {
    const parsed = parseTemplateParts(vocab, input);
    return { ok: true, issues: [], variables: [...new Set([...(parsed.subject?.variables ?? []), ...parsed.body.variables])].sort() };
  } catch (err) {
    if (err instanceof AppError && err.details)
      return { ok: false, issues: err.details.issues as { path: string; line: number; column: number; message: string }[], variables: [] };
    throw err;
  }
}

/** Renders a template (saved, or text given) for one person the caller may see, as it would go out now. */
export async function previewTemplate(ctx: Ctx, input: { templateId?: string; subject?: string | null; body?: string; profileId: string }, publicUrl: string) {
  requirePermission(ctx.actor, readPermission);
  const source = input.templateId
    ? await findTemplate(ctx.db.orm, ctx.actor.tenantId, input.templateId)
    : { subject: input.subject ?? null, body: input.body ?? '' };
  const parsed = parseTemplateParts(await vocabularyOf(ctx.db.orm, ctx.actor.tenantId), source);
  const recipients = await loadRecipients(ctx.db.orm, ctx.actor.tenantId, [input.profileId], new Date(), publicUrl);
  const r = recipients.get(input.profileId);
  if (!r) notFound('profile', input.profileId);
  const values = { ...r.values, campaign: { name: '(preview)' }, links: { unsubscribe: `${publicUrl.replace(/\/$/, '')}/m/u/preview` } };
  return { subject: parsed.subject ? renderTemplate(parsed.subject, values) : null, body: renderTemplate(parsed.body, values) };
}
