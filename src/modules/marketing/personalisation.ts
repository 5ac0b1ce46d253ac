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
  addresses: { email: string | null; phone: string | null; push: string | null; profile: string };
}

type Row = {
  id: string;
  traits: Record<string, unknown>;
  lifetime_value: number;
  lifetime_orders: number;
  store_id: string | null;
  store_code: string | null;
  store_name: string | null;
  store_address: string | null;
  store_city: string | null;
  store_phone: string | null;
  store_tz: string | null;
  weekly_hours: { day: number; opens: string; closes: string }[] | null;
  special: { startDate: string; endDate: string; closed: boolean; opens: string | null; closes: string | null }[] | null;
  computed: Record<string, unknown> | null;
  ids: Record<string, string> | null;
};

const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** A store's opening hours on the local day of `at` (`10:00–22:00`, `closed`), special hours first. */
export function hoursToday(r: Pick<Row, 'store_tz' | 'weekly_hours' | 'special'>, at: Date): string {
  if (!r.store_tz) return '';
  const { date, day } = localClock(r.store_tz, at);
  const special = (r.special ?? []).find((s) => s.startDate <= date && date <= s.endDate);
  if (special) return special.closed || !special.opens || !special.closes ? 'closed' : `${special.opens}–${special.closes}`;
  const ranges = (r.weekly_hours ?? []).filter((w) => w.day === day).sort((a, b) => a.opens.localeCompare(b.opens));
  return ranges.length === 0 ? 'closed' : ranges.map((w) => `${w.opens}–${w.closes}`).join(', ');
}

/**
 * Loads the recipients among `profileIds` (live profiles of the tenant only: a merged or deleted one is absent), in
 * three joins for the whole batch: traits, computed traits, preferred store with today's hours, identifiers.
 */
export async function loadRecipients(db: Executor, tenantId: string, profileIds: string[], at: Date, publicUrl: string): Promise<Map<string, Recipient>> {
  const out = new Map<string, Recipient>();
  if (profileIds.length === 0) return out;
  const r = await db.execute<Row>(sql`
    SELECT p.id, p.traits, p.lifetime_value, p.lifetime_orders,
      s.id AS store_id, s.code AS store_code, s.name AS store_name, s.address AS store_address, s.city AS store_city, s.phone AS store_phone,
      s.time_zone AS store_tz, s.weekly_hours,
      (SELECT jsonb_agg(jsonb_build_object('startDate', h.start_date, 'endDate', h.end_date, 'closed', h.closed, 'opens', h.opens, 'closes', h.closes))
         FROM store_special_hours h WHERE h.store_id = s.id AND h.end_date >= (${at.toISOString()}::timestamptz - interval '1 day')::date
           AND h.start_date <= (${at.toISOString()}::timestamptz + interval '1 day')::date) AS special,
      (SELECT jsonb_object_agg(ct.key, v.value) FROM computed_trait_values v JOIN computed_traits ct ON ct.id = v.trait_id WHERE v.profile_id = p.id) AS computed,
      (SELECT jsonb_object_agg(i.type, i.value) FROM profile_identifiers i WHERE i.profile_id = p.id AND i.type IN ('email', 'phone', 'user_id')) AS ids
    FROM profiles p LEFT JOIN stores s ON s.id = p.preferred_store_id AND s.tenant_id = p.tenant_id
    WHERE p.tenant_id = ${tenantId} AND p.merged_into IS NULL AND p.id = ANY(${sql.param(profileIds)}::text[])`);
  const base = publicUrl.replace(/\/$/, '');
  for (const row of r.rows) {
    const traits = row.traits ?? {};
    const own = str(traits.timezone);
    const tz = own && isTimeZone(own) ? own : (row.store_tz ?? defaultTimeZone);
    const ids = row.ids ?? {};
    out.set(row.id, {
      profileId: row.id,
      timeZone: tz,
      storeId: row.store_id,
      values: {
        traits,
        computed: row.computed ?? {},
        profile: { id: row.id, lifetime_value: row.lifetime_value, orders: row.lifetime_orders },
        store: row.store_id
          ? {
              name: row.store_name,
              address: row.store_address,
              city: row.store_city,
              phone: row.store_phone,
              hours_today: hoursToday(row, at),
              url: `${base}/stores/${encodeURIComponent(row.store_code ?? row.store_id)}`,
            }
          : {},
      },
      addresses: {
        email: ids.email ?? str(traits.email),
        phone: ids.phone ?? str(traits.phone),
        push: str(traits.pushToken) ?? str(traits.push_token) ?? ids.user_id ?? null,
        profile: row.id,
      },
    });
  }
  return out;
}
