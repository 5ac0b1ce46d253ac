import type { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { requireScope } from '../../kernel/auth.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db.ts';
import { notFound } from '../../kernel/errors.ts';
import type { AdFormat } from './ad-audience-schema.ts';
import { isRootPath } from './campaign-audience.ts';
import { writePermission } from './templates.ts';

/** The ad platforms whose customer-list upload formats the export speaks. */
export const adFormats = {
  /** Google Ads Customer Match: `Email`, `Phone` (E.164 with +), each SHA-256 of the normalised value, hex. */
  google: { email: 'Email', phone: 'Phone', phoneDigitsOnly: false },
  /** Meta custom audiences: `email`, `phone` (country code and number, digits only), SHA-256 hex. */
  meta: { email: 'email', phone: 'phone', phoneDigitsOnly: true },
  /** TikTok custom audiences: `email_sha256`, `phone_sha256` (E.164 with +). */
  tiktok: { email: 'email_sha256', phone: 'phone_sha256', phoneDigitsOnly: false },
} as const satisfies Record<AdFormat, unknown>;

export type { AdFormat };

/** What decides an ad audience's rows: the segment, the scope it is read within, the format and the consent purpose. */
export interface AdAudienceQuery {
  tenantId: string;
  segmentId: string;
  /** Org paths whose people it may hold (people with activity at their stores; a root path: everyone). */
  paths: string[];
  format: AdFormat;
  purpose: string;
}

/**
 * The COPY statement of an ad audience as the platform's customer-list CSV: one row per consented person, their
 * normalised e-mail (trimmed, lower case) and phone (E.164, as the identity graph keeps it), each SHA-256-hashed — no
 * plain identifier leaves. Only people who gave the purpose on the `ads` channel (or `*`), within the paths.
 */
export function adAudienceCopySql(client: Pick<PoolClient, 'escapeLiteral'>, q: AdAudienceQuery): string {
  const f = adFormats[q.format];
  // COPY takes no bind parameters: every value below is escaped by the driver or is one of our fixed names.
  const lit = (v: string) => client.escapeLiteral(v);
  const scope = q.paths.some(isRootPath)
    ? 'true'
    : q.paths.length === 0
      ? 'false'
      : `EXISTS (SELECT 1 FROM profile_stores ps WHERE ps.profile_id = m.profile_id AND (${q.paths.map((p) => `ps.org_path LIKE ${lit(`${p}%`)}`).join(' OR ')}))`;
  // A missing identifier stays NULL: an empty CSV field, as the platforms expect.
  const hash = (expr: string) => `encode(sha256(convert_to(${expr}, 'UTF8')), 'hex')`;
  const phone = f.phoneDigitsOnly ? `regexp_replace(ph.value, '[^0-9]', '', 'g')` : 'ph.value';
  return `COPY (
    SELECT ${hash('lower(trim(em.value))')} AS "${f.email}", ${hash(phone)} AS "${f.phone}"
    FROM segment_members m
    JOIN profiles p ON p.id = m.profile_id AND p.merged_into IS NULL
    LEFT JOIN LATERAL (SELECT value FROM profile_identifiers WHERE profile_id = m.profile_id AND type = 'email' ORDER BY claimed_at LIMIT 1) em ON true
    LEFT JOIN LATERAL (SELECT value FROM profile_identifiers WHERE profile_id = m.profile_id AND type = 'phone' ORDER BY claimed_at LIMIT 1) ph ON true
    WHERE m.tenant_id = ${lit(q.tenantId)} AND m.segment_id = ${lit(q.segmentId)} AND (em.value IS NOT NULL OR ph.value IS NOT NULL)
      AND ${scope}
      AND COALESCE(
        (SELECT c.granted FROM consents c WHERE c.profile_id = m.profile_id AND c.purpose = ${lit(q.purpose)} AND c.channel = 'ads'),
        (SELECT c.granted FROM consents c WHERE c.profile_id = m.profile_id AND c.purpose = ${lit(q.purpose)} AND c.channel = '*'),
        false)
    ORDER BY m.profile_id
  ) TO STDOUT WITH (FORMAT csv, HEADER true)`;
}

/** Streams an ad audience's CSV on a client of its own, released when the stream ends or fails. */
export async function streamAdAudience(db: Database, q: AdAudienceQuery): Promise<Readable> {
  const client = await db.pool.connect();
  const stream = client.query(copyTo(adAudienceCopySql(client, q)));
  let released = false;
  const release = (err?: Error) => {
    if (released) return;
    released = true;
    client.release(err);
  };
  stream.on('end', () => release());
  stream.on('error', (err: Error) => release(err));
  stream.on('close', () => release());
  return stream;
}

/**
 * Streams a segment as an ad platform's customer list (`adAudienceCopySql`), within the caller's scope. Read at
 * request time, so each download is current.
 */
export async function exportAdAudience(ctx: Ctx, segmentId: string, format: AdFormat, purpose: string): Promise<Readable> {
  const paths = requireScope(ctx.actor, writePermission);
  const seg = await ctx.db.pool.query('SELECT 1 FROM segments WHERE tenant_id = $1 AND id = $2', [ctx.actor.tenantId, segmentId]);
  if (seg.rowCount === 0) notFound('segment', segmentId);
  return streamAdAudience(ctx.db, { tenantId: ctx.actor.tenantId, segmentId, paths, format, purpose });
}
