import { and, desc, eq, gte, lt, lte } from 'drizzle-orm';
import { requireScope } from '../../kernel/auth.ts';
import { type Ctx, decodeCursor, encodeCursor } from '../../kernel/context.ts';
import { auditLog } from '../../kernel/schema.ts';
import { underPaths } from './org-units.ts';

/** Filters of the audit-log list. */
export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
}

/** Audit entries about things inside the caller's scope, newest first. */
export async function listAuditLog(ctx: Ctx, q: AuditQuery) {
  const paths = requireScope(ctx.actor, 'audit:read');
  const after = decodeCursor(q.cursor, 1);
  const rows = await ctx.db.orm
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.tenantId, ctx.actor.tenantId),
        underPaths(auditLog.orgPath, paths),
        q.entityType ? eq(auditLog.entityType, q.entityType) : undefined,
        q.entityId ? eq(auditLog.entityId, q.entityId) : undefined,
        q.actorId ? eq(auditLog.actorId, q.actorId) : undefined,
        q.action ? eq(auditLog.action, q.action) : undefined,
        q.from ? gte(auditLog.at, q.from) : undefined,
        q.to ? lte(auditLog.at, q.to) : undefined,
        after ? lt(auditLog.id, Number(after[0])) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit).map(({ tenantId: _t, orgPath: _p, requestId: _r, ip: _i, ...e }) => e);
  return { data: page, nextCursor: rows.length > q.limit ? encodeCursor([page[page.length - 1].id]) : null };
}
