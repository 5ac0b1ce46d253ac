import { RefreshingCache } from '../../kernel/refreshing-cache.ts';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../../kernel/audit.ts';
import { requirePermission } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db.ts';
import { defaultIdentitySettings, type IdentitySettings, identitySettingsOf, identitySettingsSchema } from './identifiers.ts';
import { defaultBoundaries, defaultRfmSettings, type RfmBoundaries, type RfmSettings, rfmSettingsSchema } from './rfm.ts';

/** A tenant's profile settings: identity rules, RFM windows and the latest RFM boundaries. */
export interface TenantSettings {
  identity: IdentitySettings;
  rfm: RfmSettings;
  boundaries: RfmBoundaries;
}

/** The settings body of `PUT /customer-settings`: each part replaces the stored one (missing keys take defaults). */
export const settingsBody = z.strictObject({ identity: identitySettingsSchema.partial().optional(), rfm: rfmSettingsSchema.partial().optional() });

/** Per-tenant settings, cached for a few seconds (other nodes' changes arrive within `ttlMs`; kernel/refreshing-cache.ts). */
export class CustomerSettings {
  private readonly cache: RefreshingCache<TenantSettings>;

  constructor(
    private readonly db: Database,
    ttlMs = 5000,
  ) {
    this.cache = new RefreshingCache((tenantId) => this.read(tenantId), ttlMs);
  }

  /** The settings of a tenant. */
  get(tenantId: string): Promise<TenantSettings> {
    return this.cache.get(tenantId);
  }

  private async read(tenantId: string): Promise<TenantSettings> {
    const r = await this.db.pool.query<{ identity: Record<string, unknown>; rfm: Record<string, unknown>; rfm_boundaries: RfmBoundaries | null }>(
      'SELECT identity, rfm, rfm_boundaries FROM customer_settings WHERE tenant_id = $1',
      [tenantId],
    );
    const row = r.rows[0];
    const rfm = rfmSettingsSchema.partial().safeParse(row?.rfm ?? {});
    return {
      identity: identitySettingsOf(row?.identity),
      rfm: { ...defaultRfmSettings, ...(rfm.success ? rfm.data : {}) },
      boundaries: row?.rfm_boundaries ?? defaultBoundaries,
    };
  }

  /** The identity rules known now, without waiting (the collector's synchronous suppression check). */
  identityNow(tenantId: string): IdentitySettings {
    return this.cache.peek(tenantId)?.identity ?? defaultIdentitySettings;
  }

  /** Drops a tenant's cached settings. */
  invalidate(tenantId: string): void {
    this.cache.invalidate(tenantId);
  }
}

/** Reads the settings for the API (customers:read). */
export async function readSettings(ctx: Ctx, settings: CustomerSettings): Promise<TenantSettings> {
  requirePermission(ctx.actor, 'customers:read');
  return settings.get(ctx.actor.tenantId);
}

/** Replaces identity rules or RFM windows (customers:write), audited. */
export async function writeSettings(ctx: Ctx, settings: CustomerSettings, body: z.infer<typeof settingsBody>): Promise<TenantSettings> {
  requirePermission(ctx.actor, 'customers:write');
  const tenantId = ctx.actor.tenantId;
  const before = await settings.get(tenantId);
  await ctx.db.orm.transaction(async (tx) => {
    await tx.execute(sql`
      INSERT INTO customer_settings (tenant_id, identity, rfm) VALUES (${tenantId}, ${JSON.stringify(body.identity ?? {})}::jsonb, ${JSON.stringify(body.rfm ?? {})}::jsonb)
      ON CONFLICT (tenant_id) DO UPDATE SET
        identity = CASE WHEN ${body.identity !== undefined} THEN excluded.identity ELSE customer_settings.identity END,
        rfm = CASE WHEN ${body.rfm !== undefined} THEN excluded.rfm ELSE customer_settings.rfm END, updated_at = now()`);
    await recordAudit(
      tx,
      ctx.actor,
      { action: 'customer_settings.updated', entityType: 'customer_settings', entityId: tenantId, before, after: body },
      ctx.meta,
    );
  });
  settings.invalidate(tenantId);
  return settings.get(tenantId);
}
