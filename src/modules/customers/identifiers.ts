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

/** A phone number in E.164 (China the default region), or undefined when it cannot be a number. */
export function normalisePhone(raw: string, defaultRegion: 'CN' = 'CN'): string | undefined {
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultRegion);
  return parsed?.isPossible() ? parsed.number : undefined;
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

/** The raw identifiers an event carries, before normalisation and blocking. */
function rawIdentifiers(e: CollectedEvent, settings: IdentitySettings): [string, unknown][] {
  const out: [string, unknown][] = [
    ['user_id', e.userId],
    ['anonymous_id', e.anonymousId],
    // Segment alias: previousId is the id used before (usually the anonymous one).
    ['anonymous_id', e.type === 'alias' ? e.previousId : undefined],
    ['device_id', at(e.context, ['device', 'id'])],
  ];
  const contextTraits = at(e.context, ['traits']);
  const sources = [e.traits, typeof contextTraits === 'object' && contextTraits ? (contextTraits as Record<string, unknown>) : {}, e.properties];
  for (const [type, keys] of Object.entries(traitKeys)) for (const src of sources) for (const k of keys) out.push([type, src[k]]);
  const roots: Record<string, Record<string, unknown>> = { traits: e.traits, properties: e.properties, context: e.context };
  for (const c of settings.custom) {
    for (const p of c.paths) {
      const [root, ...rest] = p.split('.');
      out.push([c.type, at(roots[root] ?? {}, rest)]);
    }
  }
  return out;
}

/** Whether a normalised value is on the tenant's blocked list. */
export function isBlocked(settings: IdentitySettings, id: Identifier): boolean {
  return settings.blocked[id.type]?.includes(id.value) ?? false;
}

/** The identifiers of an event, normalised, without blocked values or duplicates, strongest first. */
export function eventIdentifiers(e: CollectedEvent, settings: IdentitySettings): Identifier[] {
  const seen = new Set<string>();
  const out: Identifier[] = [];
  for (const [type, raw] of rawIdentifiers(e, settings)) {
    const value = normaliseIdentifier(type, raw);
    if (value === undefined) continue;
    const id = { type, value };
    const key = identifierKey(id);
    if (seen.has(key) || isBlocked(settings, id)) continue;
    seen.add(key);
    out.push(id);
  }
  return sortByPriority(out, settings);
}

/** Identifiers ordered strongest first by the tenant's priority, then by type and value (deterministic). */
export function sortByPriority(ids: Identifier[], settings: IdentitySettings): Identifier[] {
  const rank = (t: string) => {
    const i = settings.priority.indexOf(t);
    return i < 0 ? settings.priority.length : i;
  };
  return [...ids].sort((a, b) => rank(a.type) - rank(b.type) || a.type.localeCompare(b.type) || a.value.localeCompare(b.value));
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
  return Object.entries(counts).every(([type, n]) => n <= (settings.limits[type] ?? Number.POSITIVE_INFINITY));
}

/** The sum of two identifier-count maps. */
export function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}
