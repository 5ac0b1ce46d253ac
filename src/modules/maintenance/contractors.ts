import { and, asc, eq } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { requirePermission, requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { contractors, maintenanceSlas } from './schema.ts';
import { type Sla, slasOf } from './sla.ts';

/** A contractor company as a person enters it. */
export interface ContractorInput {
  name: string;
  phone?: string | null;
  email?: string | null;
  notes?: string | null;
  active?: boolean;
}

const columns = {
  id: contractors.id,
  name: contractors.name,
  phone: contractors.phone,
  email: contractors.email,
  notes: contractors.notes,
  active: contractors.active,
  createdAt: contractors.createdAt,
  updatedAt: contractors.updatedAt,
};

/** The tenant's contractor companies (anyone who sees maintenance sees who can be assigned). */
export async function listContractors(ctx: Ctx) {
  requireScope(ctx.actor, 'maintenance:read');
  return { data: await ctx.db.orm.select(columns).from(contractors).where(eq(contractors.tenantId, ctx.actor.tenantId)).orderBy(asc(contractors.name)) };
}

/** Adds a contractor company (maintenance:configure). */
export async function createContractor(ctx: Ctx, input: ContractorInput) {
  requirePermission(ctx.actor, 'maintenance:configure');
  return ctx.db.orm.transaction(async (tx) => {
    const [row] = await tx
      .insert(contractors)
      .values({ id: newId('ctr'), tenantId: ctx.actor.tenantId, ...input })
      .onConflictDoNothing()
      .returning(columns);
    if (!row) throw new AppError('conflict', `a contractor named ${input.name} exists already`);
    await recordAudit(tx, ctx.actor, { action: 'contractor.created', entityType: 'contractor', entityId: row.id, after: input }, ctx.meta);
    return row;
  });
}

/** Changes a contractor company. */
export async function updateContractor(ctx: Ctx, id: string, patch: Partial<ContractorInput>) {
  requirePermission(ctx.actor, 'maintenance:configure');
  return ctx.db.orm.transaction(async (tx) => {
    const [row] = await tx
      .update(contractors)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(contractors.tenantId, ctx.actor.tenantId), eq(contractors.id, id)))
      .returning(columns);
    if (!row) notFound('contractor', id);
    await recordAudit(tx, ctx.actor, { action: 'contractor.updated', entityType: 'contractor', entityId: id, after: patch }, ctx.meta);
    return row;
  });
}

/** The tenant's SLA targets per priority. */
export async function listSlas(ctx: Ctx): Promise<{ data: Sla[] }> {
  requireScope(ctx.actor, 'maintenance:read');
  return { data: await slasOf(ctx.db.orm, ctx.actor.tenantId) };
}

/** Replaces the SLA targets of the priorities given (maintenance:configure). */
export async function setSlas(ctx: Ctx, slas: Sla[]): Promise<{ data: Sla[] }> {
  requirePermission(ctx.actor, 'maintenance:configure');
  await ctx.db.orm.transaction(async (tx) => {
    const before = await slasOf(tx, ctx.actor.tenantId);
    for (const s of slas) {
      await tx
        .insert(maintenanceSlas)
        .values({ tenantId: ctx.actor.tenantId, ...s })
        .onConflictDoUpdate({
          target: [maintenanceSlas.tenantId, maintenanceSlas.priority],
          set: {
            responseMinutes: s.responseMinutes,
            resolutionMinutes: s.resolutionMinutes,
            escalateAfterMinutes: s.escalateAfterMinutes,
            updatedAt: new Date(),
          },
        });
    }
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'maintenance_sla.updated', entityType: 'maintenance_sla', entityId: ctx.actor.tenantId, before, after: slas },
      ctx.meta,
    );
  });
  return listSlas(ctx);
}
