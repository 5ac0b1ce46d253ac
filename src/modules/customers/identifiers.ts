import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import type { CollectedEvent } from './contract.ts';

/** An identifier of a person, normalised: `{type: 'email', value: 'li.na@example.com'}`. */
export interface Identifier {
  type: string;
  value: string;
}

/** The identifier types every tenant has; custom ones come from the settings. */
export const builtInTypes = ['user_id', 'member_card', 'phone', 'email', 'device_id', 'anonymous_id'] as const;

const typeName = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { error: 'identifier types are lower_snake_case, at most 40 characters' });

/** The identity rules of a tenant (docs/customers.md, "Identity"): limits, priority, blocked values and custom types. */
export const identitySettingsSchema = z.strictObject({
  /** At most this many identifiers of a type per person; a type not listed has no limit. */
  limits: z.record(typeName, z.number().int().min(1).max(10_000)),
  /** Types from the strongest to the weakest; on a conflict the weaker link is dropped. Types not listed come last. */
  priority: z.array(typeName).max(50),
  /** Values that never link anybody (placeholders, shared tablets), per type; compared after normalisation. */
  blocked: z.record(typeName, z.array(z.string().max(300)).max(10_000)),
  /** Custom identifier types read from the event: `{type: 'wechat_openid', paths: ['traits.wechatOpenId']}`. */
  custom: z
    .array(
      z.strictObject({
        type: typeName,
        paths: z
          .array(z.string().regex(/^(traits|properties|context)(\.[A-Za-z0-9_$-]+)+$/))
          .min(1)
          .max(10),
      }),
    )
    .max(20),
});
export type IdentitySettings = z.infer<typeof identitySettingsSchema>;

/** Defaults: 1 user id, 2 member cards, 3 phones, 5 emails per person; common placeholder values blocked. */
export const defaultIdentitySettings: IdentitySettings = {
  limits: { user_id: 1, member_card: 2, phone: 3, email: 5, device_id: 10, anonymous_id: 200 },
  priority: ['user_id', 'member_card', 'phone', 'email', 'device_id', 'anonymous_id'],
  blocked: {
    phone: ['+8613800000000', '+8613800138000', '+8613888888888', '+8613900000000', '+8618888888888', '+8613000000000', '+8613111111111', '+8612345678901'],
    email: ['test@test.com', 'test@example.com', 'a@a.com', 'none@none.com', 'null@null.com', 'noemail@noemail.com', 'no@email.com', 'example@example.com'],
    user_id: ['0', '-1', 'null', 'undefined', 'anonymous', 'guest', 'none', 'test'],
    anonymous_id: ['0', 'null', 'undefined', 'anonymous', '00000000-0000-0000-0000-000000000000'],
    device_id: ['0', 'null', 'undefined', '00000000-0000-0000-0000-000000000000', '02:00:00:00:00:00'],
    member_card: ['0', '000000', 'null', 'test'],
  },
  custom: [],
};

/** Merges a tenant's stored settings over the defaults (each key replaces the default's as a whole). */
export function identitySettingsOf(stored: Record<string, unknown> | undefined): IdentitySettings {
  const parsed = identitySettingsSchema.partial().safeParse(stored ?? {});
  return { ...defaultIdentitySettings, ...(parsed.success ? parsed.data : {}) };
}

/** An email lower-cased and trimmed, or undefined when it is not one. */
export function normaliseEmail(raw: string): string | undefined {
  const v = raw.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) && v.length <= 254 ? v : undefined;
}

/** Phones as typed → E.164 (null: not a number), for the ingest path: parsing one costs tens of microseconds. */
const phones = new Map<string, string | null>();
const phoneCacheSize = 50_000;

/** A phone number in E.164 (China the default region), or undefined when it cannot be a number. */
export function normalisePhone(raw: string, defaultRegion: 'CN' = 'CN'): string | undefined {
  const hit = phones.get(raw);
  if (hit !== undefined) return hit ?? undefined;
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultRegion);
  const value = parsed?.isPossible() ? parsed.number : undefined;
  if (phones.size >= phoneCacheSize) phones.clear();
  phones.set(raw, value ?? null);
  return value;
}

/** Normalises a value of an identifier type; undefined when the value is not usable. */
export function normaliseIdentifier(type: string, raw: unknown): string | undefined {
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const text = String(raw).trim();
  if (text === '' || text.length > 300) return undefined;
  if (type === 'email') return normaliseEmail(text);
  if (type === 'phone') return normalisePhone(text);
  if (type === 'member_card') return text.replace(/[\s-]/g, '').toUpperCase();
  return text;
}

const traitKeys: Record<string, string[]> = {
  email: ['email'],
  phone: ['phone', 'mobile'],
  member_card: ['memberCard', 'member_card', 'memberCardNumber', 'cardNumber'],
};

function at(obj: Record<string, unknown>, path: string[]): unknown {
  let cur: unknown = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Adds one raw identifier, normalised, unless it is unusable, blocked or already there. */
function addIdentifier(out: Identifier[], settings: IdentitySettings, type: string, raw: unknown): void {
  if (raw === undefined || raw === null) return;
  const value = normaliseIdentifier(type, raw);
  if (value === undefined) return;
  for (const x of out) if (x.type === type && x.value === value) return;
  if (settings.blocked[type]?.includes(value)) return;
  out.push({ type, value });
}

const traitSources = ['traits', 'contextTraits', 'properties'] as const;

/**
 * The identifiers of an event, normalised, without blocked values or duplicates, strongest first. Written without
 * intermediate arrays: the identity graph calls it for every event collected.
 */
export function eventIdentifiers(e: CollectedEvent, settings: IdentitySettings): Identifier[] {
  const out: Identifier[] = [];
  addIdentifier(out, settings, 'user_id', e.userId);
  addIdentifier(out, settings, 'anonymous_id', e.anonymousId);
  // Segment alias: previousId is the id used before (usually the anonymous one).
  if (e.type === 'alias') addIdentifier(out, settings, 'anonymous_id', e.previousId);
  addIdentifier(out, settings, 'device_id', at(e.context, ['device', 'id']));
  const ct = e.context.traits;
  const contextTraits = typeof ct === 'object' && ct !== null ? (ct as Record<string, unknown>) : undefined;
  for (const type in traitKeys) {
    for (const from of traitSources) {
      const src = from === 'traits' ? e.traits : from === 'properties' ? e.properties : contextTraits;
      if (src === undefined) continue;
      for (const k of traitKeys[type]) addIdentifier(out, settings, type, src[k]);
    }
  }
  for (const c of settings.custom) {
    for (const p of c.paths) {
      const [root, ...rest] = p.split('.');
      const obj = root === 'traits' ? e.traits : root === 'properties' ? e.properties : root === 'context' ? e.context : {};
      addIdentifier(out, settings, c.type, at(obj, rest));
    }
  }
  return out.length > 1 ? sortByPriority(out, settings) : out;
}

/** Whether a normalised value is on the tenant's blocked list. */
export function isBlocked(settings: IdentitySettings, id: Identifier): boolean {
  return settings.blocked[id.type]?.includes(id.value) ?? false;
}

function rankOf(settings: IdentitySettings, type: string): number {
  const i = settings.priority.indexOf(type);
  return i < 0 ? settings.priority.length : i;
}

// Code-point order, not localeCompare: as deterministic, and without ICU on the ingest path.
const codePointOrder = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/** Identifiers ordered strongest first by the tenant's priority, then by type and value (deterministic); sorts in place. */
export function sortByPriority(ids: Identifier[], settings: IdentitySettings): Identifier[] {
  // Events mostly carry two or three identifiers: an insertion sort with no closure per call (this runs per event).
  for (let i = 1; i < ids.length; i++) {
    const x = ids[i];
    const rx = rankOf(settings, x.type);
    let j = i - 1;
    for (; j >= 0; j--) {
      const y = ids[j];
      const c = rankOf(settings, y.type) - rx || codePointOrder(y.type, x.type) || codePointOrder(y.value, x.value);
      if (c <= 0) break;
      ids[j + 1] = y;
    }
    ids[j + 1] = x;
  }
  return ids;
}

/** The key an identifier is cached and compared under: `type:value`. */
export function identifierKey(id: Identifier): string {
  return `${id.type}:${id.value}`;
}

/** SHA-256 of a tenant's identifier: how suppressions remember a person without keeping the value. */
export function identifierHash(tenantId: string, id: Identifier): string {
  return createHash('sha256').update(`${tenantId}\u0000${id.type}\u0000${id.value}`).digest('hex');
}

/** Whether identifier counts stay within the limits. */
export function withinLimits(settings: IdentitySettings, counts: Record<string, number>): boolean {
  for (const type in counts) if (counts[type] > (settings.limits[type] ?? Number.POSITIVE_INFINITY)) return false;
  return true;
}

/** The sum of two identifier-count maps. */
export function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}
