import { describe, expect, it } from 'vitest';
import { CITIES } from './demo-cities.js';
import { type DemoStore, generateDemoChain, type StoreFormat } from './demo-chain.js';

const chain = generateDemoChain({ stores: 4000 });
const { stores } = chain;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function share(predicate: (store: DemoStore) => boolean): number {
  return stores.filter(predicate).length / stores.length;
}

function kmBetween(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(a));
}

describe('generateDemoChain org tree', () => {
  it('has one group, three business units under it and eight regions under the business units', () => {
    expect(chain.group).toMatchObject({ code: 'GRP', name: '乐家集团', nameEn: 'LeJia Group', parentCode: null, kind: 'group' });
    expect(chain.businessUnits).toHaveLength(3);
    expect(chain.businessUnits.every((u) => u.kind === 'business_unit' && u.parentCode === 'GRP')).toBe(true);
    const buCodes = new Set(chain.businessUnits.map((u) => u.code));
    expect(chain.regions).toHaveLength(8);
    expect(chain.regions.every((r) => r.kind === 'region' && buCodes.has(r.parentCode ?? ''))).toBe(true);
    const codes = [chain.group, ...chain.businessUnits, ...chain.regions].map((u) => u.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('puts every store in an existing region and every region has stores', () => {
    const regionCodes = new Set(chain.regions.map((r) => r.code));
    expect(stores.every((s) => regionCodes.has(s.regionCode))).toBe(true);
    expect(new Set(stores.map((s) => s.regionCode))).toEqual(regionCodes);
  });
});

describe('generateDemoChain stores', () => {
  it('gives 4,000 stores unique codes and unique Chinese and English names', () => {
    expect(stores).toHaveLength(4000);
    expect(stores[0]?.code).toBe('S0001');
    expect(stores[3999]?.code).toBe('S4000');
    for (const key of ['code', 'name', 'nameEn'] as const) {
      expect(new Set(stores.map((s) => s[key])).size).toBe(4000);
    }
    expect(stores.every((s) => s.name.startsWith('乐家生活电器 ') && s.name.endsWith('店'))).toBe(true);
    expect(stores.every((s) => s.nameEn.startsWith('LeJia '))).toBe(true);
  });

  it('gives the same chain for the same seed and a different one for another seed', () => {
    expect(generateDemoChain({ stores: 4000, seed: 42 })).toEqual(chain);
    expect(generateDemoChain({ stores: 300, seed: 7 })).toEqual(generateDemoChain({ stores: 300, seed: 7 }));
    expect(generateDemoChain({ stores: 300, seed: 7 }).stores).not.toEqual(stores.slice(0, 300));
  });

  it('opens in the biggest cities first, and a small demo is the start of a big one', () => {
    expect(stores.slice(0, 4).map((s) => s.city)).toEqual(['北京', '上海', '广州', '深圳']);
    expect(generateDemoChain({ stores: 25 }).stores).toEqual(stores.slice(0, 25));
    expect(generateDemoChain({ stores: 1 }).stores).toHaveLength(1);
    expect(new Set(stores.slice(0, 60).map((s) => s.city)).size).toBeGreaterThanOrEqual(40);
  });

  it('refuses a store count it cannot number', () => {
    expect(() => generateDemoChain({ stores: -1 })).toThrow(RangeError);
    expect(() => generateDemoChain({ stores: 2.5 })).toThrow(RangeError);
    expect(() => generateDemoChain({ stores: 10_000 })).toThrow(RangeError);
  });

  it('spreads stores over at least 60 cities', () => {
    expect(CITIES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(stores.map((s) => s.city)).size).toBeGreaterThanOrEqual(60);
  });

  it('mixes formats and statuses like a real chain', () => {
    expect(share((s) => s.format === 'flagship')).toBeGreaterThan(0.06);
    expect(share((s) => s.format === 'flagship')).toBeLessThan(0.1);
    expect(share((s) => s.format === 'standard')).toBeGreaterThan(0.57);
    expect(share((s) => s.format === 'compact')).toBeGreaterThan(0.25);
    expect(share((s) => s.status === 'open')).toBeGreaterThan(0.86);
    expect(share((s) => s.status === 'open')).toBeLessThan(0.94);
    expect(share((s) => s.status === 'closed')).toBeGreaterThan(0.003);
    expect(share((s) => s.status === 'closed')).toBeLessThan(0.02);
    for (const status of ['planned', 'opening', 'temporarily_closed'] as const) {
      expect(stores.some((s) => s.status === status)).toBe(true);
    }
  });

  it('keeps each format within its floor-area range', () => {
    const ranges: Record<StoreFormat, [number, number]> = {
      flagship: [3000, 12000],
      standard: [800, 3000],
      compact: [150, 800],
    };
    const outside = stores.filter((s) => s.floorArea < ranges[s.format][0] || s.floorArea > ranges[s.format][1]);
    expect(outside.map((s) => `${s.code} ${s.format} ${s.floorArea}`)).toEqual([]);
  });

  it('places stores within a few km of their city centre, to six decimals', () => {
    const centres = new Map(CITIES.map((c) => [c.name, c]));
    const misplaced = stores.filter((s) => {
      const city = centres.get(s.city);
      const sixDecimals = (x: number): boolean => Math.round(x * 1e6) / 1e6 === x;
      return (
        !city ||
        kmBetween(s.latitude, s.longitude, city.latitude, city.longitude) > 6.01 ||
        !sixDecimals(s.latitude) ||
        !sixDecimals(s.longitude)
      );
    });
    expect(misplaced.map((s) => `${s.code} ${s.city} ${s.latitude},${s.longitude}`)).toEqual([]);
  });

  it('uses valid IANA time zones, Ürümqi time in Xinjiang', () => {
    for (const timeZone of new Set(stores.map((s) => s.timeZone))) {
      expect(() => new Intl.DateTimeFormat(undefined, { timeZone }), timeZone).not.toThrow();
    }
    const zoneOf = (city: string): string | undefined => stores.find((s) => s.city === city)?.timeZone;
    expect(zoneOf('北京')).toBe('Asia/Shanghai');
    expect(zoneOf('乌鲁木齐')).toBe('Asia/Urumqi');
    expect(zoneOf('喀什')).toBe('Asia/Urumqi');
    expect(zoneOf('香港')).toBe('Asia/Hong_Kong');
    expect(zoneOf('澳门')).toBe('Asia/Macau');
  });

  it('gives phone numbers in the city’s dialling format', () => {
    const phone = /^\+86 \d{2,3} [2-9]\d{6,7}$|^\+852 [23]\d{3} \d{4}$|^\+853 28\d{2} \d{4}$/;
    expect(stores.filter((s) => !phone.test(s.phone)).map((s) => `${s.code} ${s.phone}`)).toEqual([]);
    expect(stores.find((s) => s.city === '北京')?.phone).toMatch(/^\+86 10 \d{8}$/);
  });

  it('writes addresses in Chinese, from province or city down to the street number', () => {
    const prefixes = new Map(CITIES.map((c) => [c.name, c.addressPrefix]));
    const odd = stores.filter((s) => !s.address.startsWith(prefixes.get(s.city) ?? '?') || !/\d+号/.test(s.address));
    expect(odd.map((s) => `${s.code} ${s.address}`)).toEqual([]);
    expect(stores.find((s) => s.city === '深圳')?.address.startsWith('广东省深圳市')).toBe(true);
  });
});

describe('generateDemoChain opening hours', () => {
  it('has well-formed weekly ranges that never overlap on a day', () => {
    const problems: string[] = [];
    for (const s of stores) {
      if (s.weeklyHours.length < 6) problems.push(`${s.code}: open fewer than six days`);
      for (const r of s.weeklyHours) {
        const wellFormed = Number.isInteger(r.day) && r.day >= 1 && r.day <= 7 && HHMM.test(r.opens) && HHMM.test(r.closes);
        if (!wellFormed || r.opens >= r.closes) problems.push(`${s.code}: ${JSON.stringify(r)}`);
      }
      for (let day = 1; day <= 7; day++) {
        const ranges = s.weeklyHours.filter((r) => r.day === day).sort((a, b) => (a.opens < b.opens ? -1 : 1));
        ranges.forEach((r, i) => {
          const before = ranges[i - 1];
          if (before && r.opens < before.closes) problems.push(`${s.code}: day ${day} ranges overlap`);
        });
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps most stores on 10:00–22:00 with a few Monday closures and lunch breaks', () => {
    expect(share((s) => s.weeklyHours.some((r) => r.day === 3 && r.opens === '10:00' && r.closes === '22:00'))).toBeGreaterThan(0.4);
    expect(stores.some((s) => !s.weeklyHours.some((r) => r.day === 1))).toBe(true);
    const lunchBreaks = stores.filter((s) => s.weeklyHours.filter((r) => r.day === 2).length === 2).length;
    expect(lunchBreaks).toBeGreaterThan(0);
    expect(lunchBreaks).toBeLessThan(stores.length * 0.05);
  });

  it('has special hours with valid, ordered, non-overlapping dates', () => {
    const problems: string[] = [];
    for (const s of stores) {
      const rows = [...s.specialHours].sort((a, b) => (a.startDate < b.startDate ? -1 : 1));
      rows.forEach((r, i) => {
        const where = `${s.code} ${JSON.stringify(r)}`;
        const datesValid = [r.startDate, r.endDate].every((d) => ISO_DATE.test(d) && !Number.isNaN(Date.parse(d)));
        if (!datesValid || r.endDate < r.startDate) problems.push(`${where}: bad dates`);
        if (r.startDate < '2026-01-01' || r.endDate > '2027-12-31') problems.push(`${where}: outside 2026–2027`);
        const { opens = '', closes = '' } = r;
        if (r.closed ? r.opens !== undefined || r.closes !== undefined : !HHMM.test(opens) || !HHMM.test(closes) || opens >= closes) {
          problems.push(`${where}: bad hours`);
        }
        const before = rows[i - 1];
        if (before && r.startDate <= before.endDate) problems.push(`${where}: overlaps ${before.startDate}`);
      });
    }
    expect(problems).toEqual([]);
    expect(stores.some((s) => s.specialHours.some((r) => r.closed && r.startDate === '2027-02-06'))).toBe(true);
  });
});

describe('generateDemoChain speed', () => {
  it('generates 4,000 stores in well under a second', () => {
    const started = performance.now();
    generateDemoChain({ stores: 4000, seed: 1 });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
