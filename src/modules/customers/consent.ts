import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Executor } from '../../kernel/db.ts';
import type { CollectedEvent, CollectionGuard } from './contract.ts';
import { eventIdentifiers, type IdentitySettings, identifierHash } from './identifiers.ts';
import type { ProfiledEvent } from './store-activity.ts';

/** A consent given or withdrawn: a purpose (marketing, analytics, personalisation…) on a channel (`*` for all). */
export interface ConsentChange {
  profileId: string;
  purpose: string;
  channel: string;
  granted: boolean;
  source: string;
  messageId: string | null;
  actor: string | null;
  at: number;
}

const name = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9_]{0,39}$/);
/** One consent as the API and a `Consent Updated` event carry it. */
export const consentItem = z.strictObject({ purpose: name, channel: name.or(z.literal('*')).default('*'), granted: z.boolean() });
const eventItem = z.object({ purpose: name, channel: name.or(z.literal('*')).default('*'), granted: z.boolean() });

/** The track event name that carries consent (its properties: `{purpose, channel, granted}` or `{consents: [...]}`). */
export const consentEventName = 'Consent Updated';

/** The consent an event states: a `Consent Updated` track, or Segment's `context.consent.categoryPreferences`. */
export function consentOf(e: CollectedEvent): { purpose: string; channel: string; granted: boolean }[] {
  const out: { purpose: string; channel: string; granted: boolean }[] = [];
  if (e.type === 'track' && e.event === consentEventName) {
    const list = Array.isArray(e.properties.consents) ? e.properties.consents : [e.properties];
    for (const item of list.slice(0, 50)) {
      const p = eventItem.safeParse(item);
      if (p.success) out.push(p.data);
    }
  }
  const prefs = (e.context.consent as { categoryPreferences?: unknown } | undefined)?.categoryPreferences;
  if (prefs && typeof prefs === 'object' && !Array.isArray(prefs)) {
    for (const [category, granted] of Object.entries(prefs).slice(0, 50)) {
      const p = eventItem.safeParse({ purpose: category, channel: '*', granted });
      if (p.success) out.push(p.data);
    }
  }
  return out;
}

/** The consent changes a batch of events carries. */
export function consentChanges(events: ProfiledEvent[]): ConsentChange[] {
  const out: ConsentChange[] = [];
  for (const e of events) {
    // Most events carry none: only a consent event or context.consent is looked into.
    if (!(e.type === 'track' && e.event === consentEventName) && e.context.consent === undefined) continue;
    for (const c of consentOf(e))
      out.push({ ...c, profileId: e.profileId, source: `event:${e.channel}`, messageId: e.messageId, actor: null, at: e.timestamp.getTime() });
  }
  return out;
}

/** Records consent changes: all in the history; the current consent per purpose and channel is the latest by time. */
export async function recordConsents(tx: Executor, tenantId: string, changes: ConsentChange[]): Promise<void> {
  if (changes.length === 0) return;
  const col = <T>(f: (c: ConsentChange) => T) => sql.param(changes.map(f));
  await tx.execute(sql`
    INSERT INTO consent_history (tenant_id, profile_id, purpose, channel, granted, source, message_id, actor, at)
    SELECT ${tenantId}, p, u, c, g, s, m, a, to_timestamp(t / 1000.0)
    FROM unnest(${col((c) => c.profileId)}::text[], ${col((c) => c.purpose)}::text[], ${col((c) => c.channel)}::text[], ${col((c) => c.granted)}::bool[],
      ${col((c) => c.source)}::text[], ${col((c) => c.messageId)}::text[], ${col((c) => c.actor)}::text[], ${col((c) => c.at)}::float8[]) AS x(p, u, c, g, s, m, a, t)`);
  // The latest per key within the batch first: ON CONFLICT cannot touch one row twice in a statement.
  const latest = new Map<string, ConsentChange>();
  for (const c of changes) {
    const k = `${c.profileId}|${c.purpose}|${c.channel}`;
    const seen = latest.get(k);
    if (!seen || c.at >= seen.at) latest.set(k, c);
  }
  const rows = [...latest.values()];
  const rcol = <T>(f: (c: ConsentChange) => T) => sql.param(rows.map(f));
  await tx.execute(sql`
    INSERT INTO consents (tenant_id, profile_id, purpose, channel, granted, source, message_id, at)
    SELECT ${tenantId}, p, u, c, g, s, m, to_timestamp(t / 1000.0)
    FROM unnest(${rcol((c) => c.profileId)}::text[], ${rcol((c) => c.purpose)}::text[], ${rcol((c) => c.channel)}::text[], ${rcol((c) => c.granted)}::bool[],
      ${rcol((c) => c.source)}::text[], ${rcol((c) => c.messageId)}::text[], ${rcol((c) => c.at)}::float8[]) AS x(p, u, c, g, s, m, t)
    ON CONFLICT (profile_id, purpose, channel) DO UPDATE SET granted = excluded.granted, source = excluded.source, message_id = excluded.message_id, at = excluded.at
    WHERE excluded.at >= consents.at`);
}

/** Rebuilds the current consent of profiles from their history (after a split). */
export async function rebuildConsents(tx: Executor, tenantId: string, ids: string[]): Promise<void> {
  await tx.execute(sql`DELETE FROM consents WHERE profile_id = ANY(${sql.param(ids)}::text[])`);
  await tx.execute(sql`
    INSERT INTO consents (tenant_id, profile_id, purpose, channel, granted, source, message_id, at)
    SELECT DISTINCT ON (profile_id, purpose, channel) ${tenantId}, profile_id, purpose, channel, granted, source, message_id, at
    FROM consent_history WHERE profile_id = ANY(${sql.param(ids)}::text[]) ORDER BY profile_id, purpose, channel, at DESC, id DESC`);
}

/** The current consents of a profile. */
export async function consentsOf(db: Executor, profileId: string) {
  const r = await db.execute<{ purpose: string; channel: string; granted: boolean; source: string; at: Date }>(sql`
    SELECT purpose, channel, granted, source, at FROM consents WHERE profile_id = ${profileId} ORDER BY purpose, channel`);
  return r.rows.map((row) => ({ ...row, at: new Date(row.at) }));
}

/**
 * Suppressed identifiers of every tenant, in memory, so the collector can check each event without a query
 * (`CollectionGuard`). Only SHA-256 hashes are held. Other nodes' additions arrive with the periodic reload.
 */
export class SuppressionList implements CollectionGuard {
  private byTenant = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly settingsNow: (tenantId: string) => IdentitySettings,
  ) {}

  /** True when any identifier of the event is suppressed. */
  isSuppressed(tenantId: string, event: CollectedEvent): boolean {
    const set = this.byTenant.get(tenantId);
    if (!set || set.size === 0) return false;
    return eventIdentifiers(event, this.settingsNow(tenantId)).some((id) => set.has(identifierHash(tenantId, id)));
  }

  /** Adds hashes just written (this node sees them at once). */
  add(tenantId: string, hashes: string[]): void {
    const set = this.byTenant.get(tenantId) ?? new Set<string>();
    for (const h of hashes) set.add(h);
    this.byTenant.set(tenantId, set);
  }

  /** Reads every suppression. */
  async load(): Promise<void> {
    const r = await this.db.pool.query<{ tenant_id: string; identifier_hash: string }>('SELECT tenant_id, identifier_hash FROM suppressions');
    const next = new Map<string, Set<string>>();
    for (const row of r.rows) {
      const set = next.get(row.tenant_id) ?? new Set<string>();
      set.add(row.identifier_hash);
      next.set(row.tenant_id, set);
    }
    this.byTenant = next;
  }

  /** Loads now and reloads every `everyMs`. */
  async start(everyMs = 5000): Promise<void> {
    await this.load();
    this.timer = setInterval(() => void this.load().catch(() => {}), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
