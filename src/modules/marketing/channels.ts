import { and, eq } from 'drizzle-orm';
import { recordAudit } from '../../kernel/audit.ts';
import { requirePermission } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, notFound } from '../../kernel/errors.ts';
import { newId, newSecret } from '../../kernel/ids.ts';
import { deliveryCountsOf } from './channel-deliveries.ts';
import { keptSecrets, parseChannelSettings, shownSettings } from './channel-settings.ts';
import { type ChannelKind, marketingChannels } from './schema.ts';

/** Reading channels, campaigns and results; changing channels. */
export const readPermission = 'marketing:read';
export const channelsPermission = 'marketing:channels';

type ChannelRecord = typeof marketingChannels.$inferSelect;

/** A channel as the API shows it: settings without secrets; the report-signing secret only in the answer that made it. */
export function shownChannel(c: ChannelRecord) {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    settings: shownSettings(c.settings),
    capMax: c.capMax,
    capDays: c.capDays,
    active: c.active,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** Channel input. */
export interface ChannelInput {
  name: string;
  kind: ChannelKind;
  settings?: Record<string, unknown>;
  capMax?: number | null;
  capDays?: number;
  active?: boolean;
}

/** A channel of the caller's tenant, or 404. */
export async function findChannel(db: Executor, tenantId: string, id: string): Promise<ChannelRecord> {
  const [row] = await db
    .select()
    .from(marketingChannels)
    .where(and(eq(marketingChannels.tenantId, tenantId), eq(marketingChannels.id, id)));
  if (!row) notFound('channel', id);
  return row;
}

/** The tenant's channels, each with its campaign messages of the last days by state. */
export async function listChannels(ctx: Ctx) {
  requirePermission(ctx.actor, readPermission);
  const rows = await ctx.db.orm.select().from(marketingChannels).where(eq(marketingChannels.tenantId, ctx.actor.tenantId)).orderBy(marketingChannels.createdAt);
  const counts = await deliveryCountsOf(
    ctx,
    rows.map((r) => r.id),
  );
  return { data: rows.map((r) => ({ ...shownChannel(r), deliveries: counts.get(r.id) ?? { sent: 0, delivered: 0, failed: 0, bounced: 0 } })) };
}

/** One channel. */
export async function getChannel(ctx: Ctx, id: string) {
  requirePermission(ctx.actor, readPermission);
  return shownChannel(await findChannel(ctx.db.orm, ctx.actor.tenantId, id));
}

/** Adds a channel; the answer carries the secret delivery reports are signed with, shown this once. */
export async function createChannel(ctx: Ctx, input: ChannelInput) {
  requirePermission(ctx.actor, channelsPermission);
  const settings = parseChannelSettings(input.kind, input.settings);
  return ctx.db.orm.transaction(async (tx) => {
    const secret = `mksec_${newSecret(24)}`;
    const [row] = await tx
      .insert(marketingChannels)
      .values({
        id: newId('chn'),
        tenantId: ctx.actor.tenantId,
        name: input.name,
        kind: input.kind,
        settings,
        capMax: input.capMax ?? null,
        capDays: input.capDays ?? 7,
        active: input.active ?? true,
        secret,
        createdBy: ctx.actor.id,
      })
      .returning();
    const shown = shownChannel(row);
    await recordAudit(tx, ctx.actor, { action: 'marketing_channel.created', entityType: 'marketing_channel', entityId: row.id, after: shown }, ctx.meta);
    return { ...shown, secret };
  });
}

/** Changes a channel (its kind stays); settings are checked against the kind again. */
export async function updateChannel(ctx: Ctx, id: string, input: Partial<Omit<ChannelInput, 'kind'>> & { kind?: ChannelKind }) {
  requirePermission(ctx.actor, channelsPermission);
  return ctx.db.orm.transaction(async (tx) => {
    const before = await findChannel(tx, ctx.actor.tenantId, id);
    if (input.kind && input.kind !== before.kind) throw new AppError('conflict', `a channel's kind cannot change (it is ${before.kind}); add a new channel`);
    // Secrets are write-only: a setting sent back as shown (masked) or left out keeps what is stored.
    const settings = input.settings !== undefined ? parseChannelSettings(before.kind, keptSecrets(before.settings, input.settings)) : undefined;
    const [row] = await tx
      .update(marketingChannels)
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(settings ? { settings } : {}),
        ...(input.capMax !== undefined ? { capMax: input.capMax } : {}),
        ...(input.capDays !== undefined ? { capDays: input.capDays } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        updatedAt: new Date(),
      })
      .where(eq(marketingChannels.id, id))
      .returning();
    const shown = shownChannel(row);
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'marketing_channel.updated', entityType: 'marketing_channel', entityId: id, before: shownChannel(before), after: shown },
      ctx.meta,
    );
    return shown;
  });
}

/** A channel by id alone, for a provider's signed callback (the signature proves the tenant). */
export async function findChannelById(db: Executor, id: string): Promise<ChannelRecord | undefined> {
  const [row] = await db.select().from(marketingChannels).where(eq(marketingChannels.id, id));
  return row;
}
