import {
  BUSINESS_UNITS,
  CITIES,
  type DemoCity,
  type DemoPlace,
  GROUP,
  MAINLAND_HOLIDAYS,
  MAINLAND_MALLS,
  MAINLAND_STREETS,
  REGIONS,
  RENOVATIONS,
  SAR_HOLIDAYS,
} from './demo-cities.js';

export type StoreFormat = 'flagship' | 'standard' | 'compact';
export type StoreStatus = 'planned' | 'opening' | 'open' | 'temporarily_closed' | 'closed';

export interface DemoUnit {
  code: string;
  name: string;
  nameEn: string;
  parentCode: string | null;
  kind: 'group' | 'business_unit' | 'region';
}

export interface DemoOpeningRange {
  day: number;
  opens: string;
  closes: string;
}

export interface DemoSpecialHours {
  startDate: string;
  endDate: string;
  closed: boolean;
  opens?: string;
  closes?: string;
  note: string;
}

export interface DemoStore {
  code: string;
  name: string;
  nameEn: string;
  regionCode: string;
  format: StoreFormat;
  status: StoreStatus;
  city: string;
  cityEn: string;
  address: string;
  latitude: number;
  longitude: number;
  timeZone: string;
  floorArea: number;
  phone: string;
  weeklyHours: DemoOpeningRange[];
  specialHours: DemoSpecialHours[];
}

export interface DemoChain {
  group: DemoUnit;
  businessUnits: DemoUnit[];
  regions: DemoUnit[];
  stores: DemoStore[];
}

const BRAND = { zh: '乐家生活电器', en: 'LeJia' };
const MAX_STORES = 9999; // store codes have four digits

type Rand = () => number;

/** mulberry32: tiny, fast and good enough for demo data; Math.random cannot be seeded. */
function mulberry32(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: Rand, list: readonly T[]): T {
  const item = list[Math.floor(rand() * list.length)];
  if (item === undefined) throw new Error('demo chain: cannot pick from an empty list');
  return item;
}

function between(rand: Rand, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

function roll<T extends string>(rand: Rand, weights: readonly (readonly [T, number])[]): T {
  let r = rand() * weights.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, w] of weights) {
    r -= w;
    if (r < 0) return value;
  }
  return pick(rand, weights)[0];
}

// Weights chosen so the whole chain lands near 8% flagship / 62% standard / 30% compact once each
// big city's first (flagship) store is counted, and near 90% open.
const FORMATS = [['flagship', 7], ['standard', 63], ['compact', 30]] as const;
const STATUSES = [['open', 90], ['planned', 3], ['opening', 3], ['temporarily_closed', 3], ['closed', 1]] as const;
const AREA: Record<StoreFormat, readonly [number, number, number]> = {
  flagship: [3000, 12000, 2], // most flagships are nearer 3,000 m² than 12,000: skew towards the minimum
  standard: [800, 3000, 1],
  compact: [150, 800, 1],
};
const IN_MALL: Record<StoreFormat, number> = { flagship: 0.7, standard: 0.6, compact: 0.15 };

/** Smooth weighted round-robin: every prefix is proportional, so a 10-store demo is the 10 biggest markets. */
function cityOrder(count: number): DemoCity[] {
  const total = CITIES.reduce((sum, c) => sum + c.weight, 0);
  const slots = CITIES.map((city) => ({ city, current: 0 }));
  const order: DemoCity[] = [];
  for (let i = 0; i < count; i++) {
    let best = slots[0];
    for (const slot of slots) {
      slot.current += slot.city.weight;
      if (best === undefined || slot.current > best.current) best = slot;
    }
    if (best === undefined) break;
    best.current -= total;
    order.push(best.city);
  }
  return order;
}

const CN_DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

function chineseOrdinal(n: number): string {
  const tens = Math.floor(n / 10);
  const ones = CN_DIGITS[n % 10] ?? '';
  if (tens === 0) return ones;
  return `${tens === 1 ? '' : (CN_DIGITS[tens] ?? '')}十${ones}`;
}

interface StoreSite {
  name: string;
  nameEn: string;
  address: string;
}

const streetCache = new Map<DemoCity, readonly DemoPlace[]>();

// 北京路 in Beijing or 中山路 in Zhongshan would read as a typo in a store name.
function streetsOf(city: DemoCity): readonly DemoPlace[] {
  let streets = streetCache.get(city);
  if (!streets) {
    streets = (city.streets ?? MAINLAND_STREETS).filter((s) => !s.zh.startsWith(city.name));
    streetCache.set(city, streets);
  }
  return streets;
}

/** Picks a district and a mall or street whose name is not taken yet, numbering the rare repeat. */
function chooseSite(rand: Rand, city: DemoCity, format: StoreFormat, used: Set<string>): StoreSite {
  const mainland = city.dialCode === '+86';
  const malls = city.malls ?? MAINLAND_MALLS;
  const streets = streetsOf(city);
  let inMall = false;
  let label: DemoPlace | undefined;
  let district: DemoPlace | undefined;
  let zh = '';
  let en = '';
  for (let attempt = 0; attempt < 8; attempt++) {
    inMall = rand() < IN_MALL[format];
    label = pick(rand, inMall ? malls : streets);
    const at = label.at;
    district = at === undefined ? pick(rand, city.districts) : city.districts.find((d) => d.zh === at);
    // 路氹连贯公路 already says 路氹: naming the district again would stutter.
    const spelled = district && district.short !== '' && !label.zh.startsWith(district.short) ? district : undefined;
    zh = `${city.name}${spelled?.short ?? ''}${label.zh}`;
    en = [BRAND.en, city.nameEn, spelled?.en ?? '', label.en].filter(Boolean).join(' ');
    if (!used.has(zh) && !used.has(en)) break;
  }
  if (label === undefined) throw new Error('demo chain: no site found');

  const zhKey = (k: number): string => (k === 1 ? zh : `${zh}${chineseOrdinal(k)}`);
  const enKey = (k: number): string => (k === 1 ? en : `${en} ${k}`);
  let n = 1;
  while (used.has(zhKey(n)) || used.has(enKey(n))) n++;
  used.add(zhKey(n)).add(enKey(n));
  const flagship = format === 'flagship' && n === 1;
  const name = `${BRAND.zh} ${zhKey(n)}${flagship ? '旗舰店' : '店'}`;
  const nameEn = `${enKey(n)}${flagship ? ' Flagship' : ''}`;

  // A mall store's street address is the mall's; in Hong Kong and Macau keep it in the mall's district.
  const sameDistrict = city.streets ? streets.filter((s) => s.at === district?.zh) : streets;
  const street = inMall ? pick(rand, sameDistrict.length > 0 ? sameDistrict : streets) : label;
  const floorWord = mainland ? '层' : '楼';
  const lowFloor = between(rand, 1, 3);
  const unit = !inMall
    ? ''
    : format === 'flagship'
      ? `${label.zh}${lowFloor}-${lowFloor + 2}${floorWord}`
      : `${label.zh}${between(rand, 1, 6)}${floorWord}`;
  const area = district && !street.zh.startsWith(district.zh) ? district.zh : '';
  const address = `${city.addressPrefix}${area}${street.zh}${between(rand, 1, mainland ? 999 : 300)}号${unit}`;
  return { name, nameEn, address };
}

function phoneNumber(rand: Rand, city: DemoCity): string {
  const digits = (count: number): string => Array.from({ length: count }, () => between(rand, 0, 9)).join('');
  if (city.dialCode === '+852') return `+852 ${between(rand, 2, 3)}${digits(3)} ${digits(4)}`;
  if (city.dialCode === '+853') return `+853 28${digits(2)} ${digits(4)}`;
  return `+86 ${city.areaCode} ${pick(rand, ['5', '6', '8'])}${digits(city.localDigits - 1)}`;
}

function nearCentre(rand: Rand, city: DemoCity): { latitude: number; longitude: number } {
  // sqrt keeps stores evenly spread over the disc instead of piling up at the centre
  const km = city.radiusKm * Math.sqrt(rand());
  const bearing = 2 * Math.PI * rand();
  const dLat = (km * Math.cos(bearing)) / 111.32;
  const dLng = (km * Math.sin(bearing)) / (111.32 * Math.cos((city.latitude * Math.PI) / 180));
  const round = (x: number): number => Math.round(x * 1e6) / 1e6;
  return { latitude: round(city.latitude + dLat), longitude: round(city.longitude + dLng) };
}

type Hours = readonly [opens: string, closes: string];

function weeklyHours(rand: Rand, city: DemoCity, format: StoreFormat): DemoOpeningRange[] {
  const mainland = city.dialCode === '+86';
  // Small-town street shops still close for lunch; mall tenants cannot.
  const lunchBreak = mainland && format === 'compact' && city.weight <= 2 && rand() < 0.15;
  const closedMonday = format === 'compact' && !lunchBreak && rand() < 0.2;
  const lateMall = format !== 'compact' && rand() < 0.3;
  const [weekday, weekend]: readonly [Hours, Hours] = !mainland
    ? [['11:00', '22:00'], ['10:30', '22:30']] // Hong Kong and Macau shops open late and close late
    : format === 'compact'
      ? [['09:30', '21:00'], ['09:30', '21:30']]
      : lateMall
        ? [['10:00', '21:30'], ['10:00', '22:00']]
        : [['10:00', '22:00'], ['09:30', '22:30']];
  const rows: DemoOpeningRange[] = [];
  for (let day = 1; day <= 7; day++) {
    if (day === 1 && closedMonday) continue;
    if (lunchBreak && day <= 5) {
      rows.push({ day, opens: '09:00', closes: '12:00' }, { day, opens: '13:30', closes: '20:30' });
      continue;
    }
    const [opens, closes] = day >= 6 ? weekend : weekday;
    rows.push({ day, opens, closes });
  }
  return rows;
}

function specialHours(rand: Rand, city: DemoCity, format: StoreFormat, status: StoreStatus): DemoSpecialHours[] {
  if (status === 'closed') return [];
  const plans = city.dialCode === '+86' ? MAINLAND_HOLIDAYS : SAR_HOLIDAYS;
  // A store that is not trading yet has nothing to say about 2026.
  const upcoming = status === 'planned' || status === 'opening';
  const rows = plans
    .filter((p) => (!upcoming || p.year >= 2027) && rand() < p.chance)
    .flatMap((p) => p.entries(format));
  if (status === 'temporarily_closed') rows.push({ ...pick(rand, RENOVATIONS) });
  return rows.sort((a, b) => (a.startDate < b.startDate ? -1 : 1)); // ISO dates sort as strings
}

/** Generates a deterministic demo chain of `stores` LeJia stores; the same seed always gives the same chain. */
export function generateDemoChain(opts: { stores: number; seed?: number }): DemoChain {
  const { stores: count, seed = 42 } = opts;
  if (!Number.isInteger(count) || count < 0 || count > MAX_STORES) {
    throw new RangeError(`stores must be an integer from 0 to ${MAX_STORES}, got ${count}`);
  }
  const rand = mulberry32(seed);
  const used = new Set<string>();
  const seen = new Set<DemoCity>();
  const stores = cityOrder(count).map((city, i): DemoStore => {
    // Each big market opens with a trading flagship, the way chains enter a city.
    const debut = !seen.has(city) && city.weight >= 3;
    seen.add(city);
    const format: StoreFormat = debut ? 'flagship' : roll(rand, FORMATS);
    const status: StoreStatus = debut ? 'open' : roll(rand, STATUSES);
    const { name, nameEn, address } = chooseSite(rand, city, format, used);
    const { latitude, longitude } = nearCentre(rand, city);
    const [min, max, skew] = AREA[format];
    return {
      code: `S${String(i + 1).padStart(4, '0')}`,
      name,
      nameEn,
      regionCode: city.regionCode,
      format,
      status,
      city: city.name,
      cityEn: city.nameEn,
      address,
      latitude,
      longitude,
      timeZone: city.timeZone,
      floorArea: Math.round((min + (max - min) * rand() ** skew) / 10) * 10,
      phone: phoneNumber(rand, city),
      weeklyHours: weeklyHours(rand, city, format),
      specialHours: specialHours(rand, city, format, status),
    };
  });
  return {
    group: { ...GROUP },
    businessUnits: BUSINESS_UNITS.map((u) => ({ ...u })),
    regions: REGIONS.map((u) => ({ ...u })),
    stores,
  };
}
