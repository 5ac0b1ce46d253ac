import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { type Actor, can, requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { publishEvent } from '../../kernel/outbox.ts';
import { findUnitInScope, orgUnits } from '../org/index.ts';
import { attachedFiles, checkFiles, instructionFileIdsOf, openAttached } from './evidence.ts';
import type { TemplateDefinition } from './checklist.ts';
import { taskTemplates, taskTemplateVersions } from './schema.ts';

export const templateKinds = ['task', 'audit'] as const;
export type TemplateKind = (typeof templateKinds)[number];

/** A template as the API shows it: its current version's definition inline. */
export interface TemplateView {
  id: string;
  orgUnitId: string;
  orgUnitName: string;
  kind: string;
  name: string;
  version: number;
  archived: boolean;
  definition: TemplateDefinition;
  updatedAt: Date;
}

const columns = {
  id: taskTemplates.id,
  orgUnitId: taskTemplates.orgUnitId,
  orgUnitName: orgUnits.name,
  orgPath: orgUnits.path,
  kind: taskTemplates.kind,
  name: taskTemplates.name,
  version: taskTemplates.currentVersion,
  archivedAt: taskTemplates.archivedAt,
  definition: taskTemplateVersions.definition,
  updatedAt: taskTemplates.updatedAt,
};

type Row = {
  id: string;
  orgUnitId: string;
  orgUnitName: string;
  orgPath: string;
  kind: string;
  name: string;
  version: number;
  archivedAt: Date | null;
  definition: TemplateDefinition;
  updatedAt: Date;
};

function view(r: Row): TemplateView {
  return {
    id: r.id,
    orgUnitId: r.orgUnitId,
    orgUnitName: r.orgUnitName,
    kind: r.kind,
    name: r.name,
    version: r.version,
    archived: r.archivedAt !== null,
    definition: r.definition,
    updatedAt: r.updatedAt,
  };
}

/**
 * Whether the actor may see a template owned at `path`: it is inside a subtree where they read tasks, or it is
 * owned above them (HQ's templates are there for every region to send).
 */
export function templateVisible(actor: Actor, path: string): boolean {
  return actor.grants.some(
    (g) => (g.permissions.has('tasks:read') || g.permissions.has('audits:read')) && (path.startsWith(g.path) || g.path.startsWith(path)),
  );
}

function select(db: Executor) {
  return db
    .select(columns)
    .from(taskTemplates)
    .innerJoin(orgUnits, eq(orgUnits.id, taskTemplates.orgUnitId))
    .innerJoin(
      taskTemplateVersions,
      and(eq(taskTemplateVersions.templateId, taskTemplates.id), eq(taskTemplateVersions.version, taskTemplates.currentVersion)),
    );
}

/** Loads a template the actor may see (404 otherwise); `version` picks an older one. */
export async function findTemplate(db: Executor, actor: Actor, id: string, version?: number): Promise<Row> {
  const [row] = await select(db).where(and(eq(taskTemplates.tenantId, actor.tenantId), eq(taskTemplates.id, id)));
  if (!row || !templateVisible(actor, row.orgPath)) notFound('template', id);
  if (version === undefined || version === row.version) return row;
  const [old] = await db
    .select({ definition: taskTemplateVersions.definition })
    .from(taskTemplateVersions)
    .where(and(eq(taskTemplateVersions.templateId, id), eq(taskTemplateVersions.version, version)));
  if (!old) notFound('template version', `${id}@${version}`);
  return { ...row, version, definition: old.definition };
}

/** The templates the actor may see, by kind and name. */
export async function listTemplates(ctx: Ctx, q: { kind?: TemplateKind; includeArchived?: boolean }): Promise<TemplateView[]> {
  requireScope(ctx.actor, 'tasks:read');
  const where = [eq(taskTemplates.tenantId, ctx.actor.tenantId)];
  if (q.kind) where.push(eq(taskTemplates.kind, q.kind));
  if (!q.includeArchived) where.push(sql`${taskTemplates.archivedAt} IS NULL`);
  const rows = await select(ctx.db.orm)
    .where(and(...where))
    .orderBy(asc(taskTemplates.kind), asc(taskTemplates.name))
    .limit(500);
  return rows.filter((r) => templateVisible(ctx.actor, r.orgPath)).map(view);
}

/** One template, its current version or an older one. */
export async function getTemplate(ctx: Ctx, id: string, version?: number) {
  const template = view(await findTemplate(ctx.db.orm, ctx.actor, id, version));
  return { ...template, files: await attachedFiles(ctx, instructionFileIdsOf(template.definition), `/api/v1/task-templates/${id}`) };
}

/** An instruction image of any version of a template the caller may see. */
export async function templateFile(ctx: Ctx, id: string, fileId: string) {
  await findTemplate(ctx.db.orm, ctx.actor, id);
  const versions = await ctx.db.orm
    .select({ definition: taskTemplateVersions.definition })
    .from(taskTemplateVersions)
    .where(eq(taskTemplateVersions.templateId, id));
  return openAttached(ctx, versions.flatMap((v) => instructionFileIdsOf(v.definition)), fileId);
}

/** The versions of a template, newest first. */
export async function templateVersions(ctx: Ctx, id: string) {
  await findTemplate(ctx.db.orm, ctx.actor, id);
  return ctx.db.orm
    .select({ version: taskTemplateVersions.version, createdBy: taskTemplateVersions.createdBy, createdAt: taskTemplateVersions.createdAt })
    .from(taskTemplateVersions)
    .where(eq(taskTemplateVersions.templateId, id))
    .orderBy(desc(taskTemplateVersions.version));
}

function permissionFor(kind: string) {
  return kind === 'audit' ? 'audits:run' : 'tasks:manage';
}

/** Creates a template owned by an org unit where the actor manages tasks (or runs audits, for an audit template). */
export async function createTemplate(
  ctx: Ctx,
  input: { orgUnitId: string; kind: TemplateKind; name: string; definition: TemplateDefinition },
): Promise<TemplateView> {
  return ctx.db.orm.transaction(async (tx) => {
    const unit = await findUnitInScope(tx, ctx.actor, input.orgUnitId, permissionFor(input.kind));
    await checkFiles(ctx, instructionFileIdsOf(input.definition), 'body.definition.instructionFileIds');
    const id = newId('tpl');
    await tx.insert(taskTemplates).values({ id, tenantId: ctx.actor.tenantId, orgUnitId: unit.id, kind: input.kind, name: input.name, currentVersion: 1 });
    await tx
      .insert(taskTemplateVersions)
      .values({ templateId: id, version: 1, tenantId: ctx.actor.tenantId, definition: input.definition, createdBy: ctx.actor.id });
    const after = view(await findTemplate(tx, ctx.actor, id));
    await recordAudit(tx, ctx.actor, { action: 'task_template.created', entityType: 'task_template', entityId: id, orgPath: unit.path, after }, ctx.meta);
    await publishEvent(tx, ctx.actor.tenantId, 'task_template.created', { templateId: id, kind: input.kind, version: 1 });
    return after;
  });
}

/**
 * Changes a template: a new definition makes a new version (tasks already sent keep theirs); a name or archive
 * change alone does not. `version` guards against overwriting someone else's edit (409).
 */
export async function updateTemplate(
  ctx: Ctx,
  id: string,
  input: { name?: string; definition?: TemplateDefinition; archived?: boolean; version?: number },
): Promise<TemplateView> {
  return ctx.db.orm.transaction(async (tx) => {
    const row = await findTemplate(tx, ctx.actor, id);
    if (!can(ctx.actor, permissionFor(row.kind), row.orgPath))
      throw new AppError('forbidden', `your role does not allow ${permissionFor(row.kind)} on ${row.orgUnitName}`);
    if (input.version !== undefined && input.version !== row.version) {
      throw new AppError('conflict', `the template is at version ${row.version}, not ${input.version}: reload it`, { currentVersion: row.version });
    }
    const next = input.definition ? row.version + 1 : row.version;
    if (input.definition) {
      await checkFiles(ctx, instructionFileIdsOf(input.definition), 'body.definition.instructionFileIds');
      await tx
        .insert(taskTemplateVersions)
        .values({ templateId: id, version: next, tenantId: ctx.actor.tenantId, definition: input.definition, createdBy: ctx.actor.id });
    }
    await tx
      .update(taskTemplates)
      .set({
        name: input.name ?? row.name,
        currentVersion: next,
        archivedAt: input.archived === undefined ? row.archivedAt : input.archived ? new Date() : null,
        updatedAt: new Date(),
      })
      .where(eq(taskTemplates.id, id));
    const after = view(await findTemplate(tx, ctx.actor, id));
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'task_template.updated', entityType: 'task_template', entityId: id, orgPath: row.orgPath, before: view(row), after },
      ctx.meta,
    );
    await publishEvent(tx, ctx.actor.tenantId, 'task_template.updated', { templateId: id, version: next });
    return after;
  });
}
