import { sql } from 'drizzle-orm';
import type { Executor } from '../../kernel/db.ts';
import { isTimeZone, localClock } from '../stores/index.ts';
import type { TemplateValues } from './template-language.ts';

/** The time zone of a person with none known (no `timezone` trait, no preferred store). */
export const defaultTimeZone = 'Asia/Shanghai';

/** What sending to one person needs: their template values, addresses, time zone and preferred store. */
export interface Recipient {
  profileId: string;
  values: TemplateValues;
  timeZone: string;
  storeId: string | null;
  addresses: { email: string | null; phone: string | null; push: string | null; messaging: string | null; profile: string };
}

type PersonRow = {
  id: string;
  traits: Record<string, unknown>;
  lifetime_value: number;
  lifetime_orders: number;
  store_id: string | null;
  computed: Record<string, unknown> | null;
  ids: Record<string, string> | null;
};

type StoreRow = {
  id: string;
  code: string;
  name: string | null;
  address: string | null;
  city: string | null;
  phone: string | null;
  store_tz: string | null;
  weekly_hours: { day: number; opens: string; closes: string }[] | null;
  special: { startDate: string; endDate: string; closed: boolean; opens: string | null; closes: string | null }[] | null;
};

const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** A store's opening hours on the local day of `at` (`10:00–22:00`, `closed`), special hours first. */
export function hoursToday(r: Pick<StoreRow, 'store_tz' | 'weekly_hours' | 'special'>, at: Date): string {
  if (!r.store_tz) return '';
  const { date, day } = localClock(r.store_tz, at);
  const special = (r.special ?? []).find((s) => s.startDate <= date && date <= s.endDate);
  if (special) return special.closed || !special.opens || !special.closes ? 'closed' : `${special.opens}–${special.closes}`;
  const ranges = (r.weekly_hours ?? []).filter((w) => w.day === day).sort((a, b) => a.opens.localeCompare(b.opens));
  return ranges.length === 0 ? 'closed' : ranges.map((w) => `${w.opens}–${w.closes}`).join(', ');
}

/**
 * Loads the recipients among `profileIds` (live profiles of the tenant only: a merged or deleted one is absent) in two
 * statements for the whole batch: the people (traits, computed traits, identifiers), then their preferred stores —
 * each store's values, today's hours among them, worked out once per batch rather than once per person.
 */
export async function loadRecipients(db: Executor, tenantId: string, profileIds: string[], at: Date, publicUrl: string): Promise<Map<string, Recipient>> {
  const out = new Map<string, Recipient>();
  if (profileIds.length === 0) return out;
  const people = await db.execute<PersonRow>(sql`
    SELECT p.id, p.traits, p.lifetime_value, p.lifetime_orders, p.preferred_store_id AS store_id,
      (SELECT jsonb_object_agg(ct.key, v.value) FROM computed_trait_values v JOIN computed_traits ct ON ct.id = v.trait_id WHERE v.profile_id = p.id) AS computed,
      (SELECT jsonb_object_agg(i.type, i.value) FROM profile_identifiers i WHERE i.profile_id = p.id AND i.type IN ('email', 'phone', 'user_id')) AS ids
    FROM profiles p
    WHERE p.tenant_id = ${tenantId} AND p.merged_into IS NULL AND p.id = ANY(${sql.param(profileIds)}::text[])`);
  const storeIds = [...new Set(people.rows.flatMap((row) => (row.store_id ? [row.store_id] : [])))];
  const iso = at.toISOString();
  const stores =
    storeIds.length === 0
      ? { rows: [] as StoreRow[] }
      : await db.execute<StoreRow>(sql`
    SELECT s.id, s.code, s.name, s.address, s.city, s.phone, s.time_zone AS store_tz, s.weekly_hours,
      (SELECT jsonb_agg(jsonb_build_object('startDate', h.start_date, 'endDate', h.end_date, 'closed', h.closed, 'opens', h.opens, 'closes', h.closes))
         FROM store_special_hours h WHERE h.store_id = s.id AND h.end_date >= (${iso}::timestamptz - interval '1 day')::date
           AND h.start_date <= (${iso}::timestamptz + interval '1 day')::date) AS special
    FROM stores s WHERE s.tenant_id = ${tenantId} AND s.id = ANY(${sql.param(storeIds)}::text[])`);
  const base = publicUrl.replace(/\/$/, '');
  const storeValues = new Map(
    stores.rows.map((s) => [
      s.id,
      {
        timeZone: s.store_tz,
        values: {
          name: s.name,
          address: s.address,
          city: s.city,
          phone: s.phone,
          hours_today: hoursToday(s, at),
          url: `${base}/stores/${encodeURIComponent(s.code ?? s.id)}`,
        },
      },
    ]),
  );
  for (const row of people.rows) {
    const traits = row.traits ?? {};
    const store = row.store_id ? storeValues.get(row.store_id) : undefined;
    const own = str(traits.timezone);
    const tz = own && isTimeZone(own) ? own : (store?.timeZone ?? defaultTimeZone);
    const ids = row.ids ?? {};
    out.set(row.id, {
      profileId: row.id,
      timeZone: tz,
      storeId: store ? row.store_id : null,
      values: {
        traits,
        computed: row.computed ?? {},
        profile: { id: row.id, lifetime_value: row.lifetime_value, orders: row.lifetime_orders },
        store: store?.values ?? {},
      },
      addresses: {
        email: ids.email ?? str(traits.email),
        phone: ids.phone ?? str(traits.phone),
        push: str(traits.pushToken) ?? str(traits.push_token) ?? ids.user_id ?? null,
        messaging: str(traits.messagingId) ?? str(traits.messaging_id) ?? ids.user_id ?? null,
        profile: row.id,
      },
    });
  }
  return out;
}
