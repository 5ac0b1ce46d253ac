import type { Actor } from './auth.ts';
import type { Executor } from './db.ts';
import { auditLog } from './schema.ts';

/** Where a write came from: the request that made it. */
export interface RequestMeta {
  requestId?: string;
  ip?: string;
}

/** One audited write. */
export interface AuditRecord {
  action: string;
  entityType: string;
  entityId: string;
  orgPath?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Records a write in the audit log, in the caller's transaction so the entry and the change commit together. */
export async function recordAudit(tx: Executor, actor: Actor, record: AuditRecord, meta: RequestMeta = {}): Promise<void> {
  await recordAudits(tx, actor, [record], meta);
}

/** Records many writes in one statement (imports, bulk changes), in the caller's transaction. */
export async function recordAudits(tx: Executor, actor: Actor, records: AuditRecord[], meta: RequestMeta = {}): Promise<void> {
  if (records.length === 0) return;
  await tx.insert(auditLog).values(records.map((record) => ({
    tenantId: actor.tenantId,
    actorType: actor.kind,
    actorId: actor.id,
    actorLabel: actor.label,
    action: record.action,
    entityType: record.entityType,
    entityId: record.entityId,
    orgPath: record.orgPath ?? null,
    before: record.before ?? null,
    after: record.after ?? null,
    requestId: meta.requestId ?? null,
    ip: meta.ip ?? null,
  })));
}
