import { and, desc, eq, sql } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { requirePermission } from '../../kernel/auth.ts';
import { type Ctx, decodeCursor, encodeCursor } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { notFound } from '../../kernel/errors.ts';
import { newId, newSecret } from '../../kernel/ids.ts';
import { notificationDeliveries, webhookEndpoints } from './schema.ts';

const manage = 'webhooks:manage';

/** A webhook endpoint as the API shows it: never its secret, except once in the answer that made it. */
const columns = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  description: webhookEndpoints.description,
  kinds: webhookEndpoints.kinds,
  active: webhookEndpoints.active,
  createdAt: webhookEndpoints.createdAt,
  updatedAt: webhookEndpoints.updatedAt,
};

/** Webhook input: where to POST and which notification kinds (none: all). */
export interface WebhookInput {
  url: string;
  description?: string | null;
  kinds?: string[];
  active?: boolean;
}

async function findEndpoint(db: Executor, ctx: Ctx, id: string) {
  requirePermission(ctx.actor, manage);
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, ctx.actor.tenantId), eq(webhookEndpoints.id, id)));
  if (!row) notFound('webhook', id);
  return row;
}

/** The tenant's webhook endpoints. */
export async function listWebhooks(ctx: Ctx) {
  requirePermission(ctx.actor, manage);
  const data = await ctx.db.orm
    .select(columns)
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.tenantId, ctx.actor.tenantId))
    .orderBy(webhookEndpoints.createdAt);
  return { data };
}

/** Adds an endpoint; the answer carries its signing secret, shown this once. */
export async function createWebhook(ctx: Ctx, input: WebhookInput) {
  requirePermission(ctx.actor, manage);
  return ctx.db.orm.transaction(async (tx) => {
    const secret = `whsec_${newSecret(24)}`;
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({
        id: newId('whk'),
        tenantId: ctx.actor.tenantId,
        url: input.url,
        description: input.description ?? null,
        kinds: input.kinds ?? [],
        active: input.active ?? true,
        secret,
        createdBy: ctx.actor.id,
      })
      .returning(columns);
    await recordAudit(tx, ctx.actor, { action: 'webhook.created', entityType: 'webhook', entityId: row.id, after: row }, ctx.meta);
    return { ...row, secret };
  });
}

/** Changes an endpoint; `rotateSecret` makes a new secret, shown in this answer only. */
export async function updateWebhook(ctx: Ctx, id: string, input: Partial<WebhookInput> & { rotateSecret?: boolean }) {
  return ctx.db.orm.transaction(async (tx) => {
    const before = await findEndpoint(tx, ctx, id);
    const secret = input.rotateSecret ? `whsec_${newSecret(24)}` : undefined;
    const [row] = await tx
      .update(webhookEndpoints)
      .set({
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.kinds !== undefined ? { kinds: input.kinds } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        ...(secret ? { secret } : {}),
        updatedAt: new Date(),
      })
      .where(eq(webhookEndpoints.id, id))
      .returning(columns);
    const { secret: _s, tenantId: _t, ...shown } = before;
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'webhook.updated', entityType: 'webhook', entityId: id, before: shown, after: { ...row, secretRotated: Boolean(secret) } },
      ctx.meta,
    );
    return secret ? { ...row, secret } : row;
  });
}

/** Removes an endpoint; its delivery log goes with it. */
export async function deleteWebhook(ctx: Ctx, id: string): Promise<void> {
  await ctx.db.orm.transaction(async (tx) => {
    const before = await findEndpoint(tx, ctx, id);
    await tx.delete(notificationDeliveries).where(eq(notificationDeliveries.endpointId, id));
    await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'webhook.deleted', entityType: 'webhook', entityId: id, before: { url: before.url, kinds: before.kinds } },
      ctx.meta,
    );
  });
}

/** An endpoint's delivery log, newest first. */
export async function webhookDeliveries(ctx: Ctx, id: string, q: { cursor?: string; limit: number }) {
  await findEndpoint(ctx.db.orm, ctx, id);
  const where = [eq(notificationDeliveries.endpointId, id)];
  const after = decodeCursor(q.cursor, 2);
  if (after)
    where.push(
      sql`(${notificationDeliveries.createdAt}, ${notificationDeliveries.id}) < (${new Date(Number(after[0])).toISOString()}::timestamptz, ${String(after[1])})`,
    );
  const rows = await ctx.db.orm
    .select({
      id: notificationDeliveries.id,
      kind: notificationDeliveries.kind,
      status: notificationDeliveries.status,
      attempts: notificationDeliveries.attempts,
      responseStatus: notificationDeliveries.responseStatus,
      lastError: notificationDeliveries.lastError,
      createdAt: notificationDeliveries.createdAt,
      deliveredAt: notificationDeliveries.deliveredAt,
    })
    .from(notificationDeliveries)
    .where(and(...where))
    .orderBy(desc(notificationDeliveries.createdAt), desc(notificationDeliveries.id))
    .limit(q.limit + 1);
  const data = rows.slice(0, q.limit);
  return { data, nextCursor: rows.length > q.limit ? encodeCursor([data[data.length - 1].createdAt.getTime(), data[data.length - 1].id]) : null };
}
