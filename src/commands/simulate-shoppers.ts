import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../kernel/db.ts';
import { createSource, rotateWriteKey, sourceIdsByName } from '../modules/customers/index.ts';
import { stores } from '../modules/stores/index.ts';
import { cliContext } from './admin.ts';
import { catalog, pick, type Rand, type Shopper, seededRandom, services, shopperOf } from './shopper-catalog.ts';

/** A source the simulator sends through: its id and write key. */
export interface SimSource {
  id: string;
  writeKey: string;
}

/** The simulator's sources: web, app and service desk for the chain; POS and Wi-Fi per demo store. */
export interface ShopperSources {
  web: SimSource;
  app: SimSource;
  serviceDesk: SimSource;
  stores: { storeId: string; code: string; pos: SimSource; wifi: SimSource }[];
}

/**
 * Creates the simulator's sources in the tenant, or reuses them by name: a reused source gets a new write key (keys
 * are stored hashed), the old one working for another hour so a simulator still running keeps going.
 */
export async function prepareShopperSources(db: Database, opts: { tenant: string; stores: number }): Promise<ShopperSources> {
  const ctx = await cliContext(db, opts.tenant);
  const storeRows = await db.orm
    .select({ id: stores.id, code: stores.code })
    .from(stores)
    .where(and(eq(stores.tenantId, ctx.actor.tenantId), eq(stores.status, 'open')))
    .orderBy(asc(stores.code))
    .limit(opts.stores);
  const wanted: { name: string; channel: 'web' | 'app' | 'service_desk' | 'pos' | 'wifi'; storeId?: string }[] = [
    { name: 'Simulator · web shop', channel: 'web' },
    { name: 'Simulator · app', channel: 'app' },
    { name: 'Simulator · service desk', channel: 'service_desk' },
    ...storeRows.flatMap((s) => [
      { name: `Simulator · POS ${s.code}`, channel: 'pos' as const, storeId: s.id },
      { name: `Simulator · Wi-Fi ${s.code}`, channel: 'wifi' as const, storeId: s.id },
    ]),
  ];
  const existing = await sourceIdsByName(db.orm, ctx.actor.tenantId, wanted.map((w) => w.name));
  const made = new Map<string, SimSource>();
  for (const w of wanted) {
    const id = existing.get(w.name);
    const s = id ? await rotateWriteKey(ctx, id, 60) : await createSource(ctx, { name: w.name, channel: w.channel, storeId: w.storeId ?? null });
    made.set(w.name, { id: s.id, writeKey: s.writeKey });
  }
  const get = (name: string) => made.get(name) as SimSource;
  return {
    web: get('Simulator · web shop'),
    app: get('Simulator · app'),
    serviceDesk: get('Simulator · service desk'),
    stores: storeRows.map((s) => ({ storeId: s.id, code: s.code, pos: get(`Simulator · POS ${s.code}`), wifi: get(`Simulator · Wi-Fi ${s.code}`) })),
  };
}

type Event = Record<string, unknown>;

/** What a simulated shopper remembers between visits: signed in or not, the orders they could return. */
interface Memory {
  signedIn: boolean;
  orders: { orderId: string; revenue: number; products: Event[]; store: number }[];
}

/** The events of one moment of a shopper's life, each with the source it goes through. */
export function shopperMoment(r: Rand, s: Shopper, m: Memory, src: ShopperSources): [SimSource, Event][] {
  const now = Date.now();
  const product = pick(r, catalog);
  const productProps = { ...product, currency: 'CNY', quantity: 1 };
  const k = r();
  const store = src.stores.length ? src.stores[r() < 0.7 ? s.homeStore % src.stores.length : Math.floor(r() * src.stores.length)] : undefined;
  const web = { anonymousId: s.webAnonymousId, ...(m.signedIn ? { userId: s.userId } : {}) };
  const app = { anonymousId: s.appDeviceId, ...(m.signedIn ? { userId: s.userId } : {}), context: { device: { id: s.appDeviceId, type: pick(r, ['ios', 'android']) } } };
  if (k < 0.3) {
    return [
      [src.web, { type: 'page', ...web, name: product.category, properties: { path: `/c/${product.sku}`, title: product.name } }],
      [src.web, { type: 'track', ...web, event: 'Product Viewed', properties: productProps }],
    ];
  }
  if (k < 0.45) {
    // App events are queued on the phone and can arrive minutes late, out of order.
    const late = new Date(now - Math.floor(r() * 600_000)).toISOString();
    return [
      [src.app, { type: 'screen', ...app, name: '商品详情', timestamp: late }],
      [src.app, { type: 'track', ...app, event: r() < 0.3 ? 'Product Added' : 'Product Viewed', properties: productProps, timestamp: late }],
    ];
  }
  if (k < 0.55 && !m.signedIn) {
    m.signedIn = true;
    const via = r() < 0.5 ? src.web : src.app;
    const ids = via === src.web ? { anonymousId: s.webAnonymousId } : { anonymousId: s.appDeviceId };
    return [
      [via, { type: 'identify', ...ids, userId: s.userId, traits: { name: s.name, email: s.email, phone: s.phone, memberCard: s.memberCard } }],
      [via, { type: 'track', ...ids, userId: s.userId, event: 'Signed In', properties: { method: pick(r, ['sms', 'password', 'wechat']) } }],
    ];
  }
  if (k < 0.75 && store) {
    const lines = [productProps, ...(r() < 0.3 ? [{ ...pick(r, catalog), currency: 'CNY', quantity: 1 }] : [])];
    const revenue = lines.reduce((sum, p) => sum + p.price * p.quantity, 0);
    const orderId = `POS-${store.code}-${randomUUID().slice(0, 8)}`;
    m.orders.push({ orderId, revenue, products: lines, store: src.stores.indexOf(store) });
    if (m.orders.length > 5) m.orders.shift();
    return [
      [
        store.pos,
        {
          type: 'track',
          userId: s.userId,
          event: 'Order Completed',
          context: { traits: { memberCard: s.memberCard, phone: s.phone } },
          properties: { order_id: orderId, revenue, total: revenue, currency: 'CNY', products: lines },
        },
      ],
    ];
  }
  if (k < 0.78 && m.orders.length && store) {
    const order = m.orders.shift() as Memory['orders'][number];
    const at = src.stores[order.store] ?? store;
    return [[at.pos, { type: 'track', userId: s.userId, event: 'Order Refunded', context: { traits: { memberCard: s.memberCard } }, properties: { order_id: order.orderId, revenue: order.revenue, currency: 'CNY', products: order.products } }]];
  }
  if (k < 0.85 && store) {
    const day = new Date(now + Math.floor(1 + r() * 14) * 86_400_000).toISOString().slice(0, 10);
    return [[src.serviceDesk, { type: 'track', userId: s.userId, event: 'Service Booked', context: { traits: { phone: s.phone }, storeId: store.storeId }, properties: { service: pick(r, services), date: day } }]];
  }
  if (store) {
    // The Wi-Fi portal knows a phone's MAC address, and the mobile number when the person signs in to the portal.
    const portal = r() < 0.3 ? { context: { device: { id: s.wifiMac }, traits: { phone: s.phone } } } : { context: { device: { id: s.wifiMac } } };
    return [[store.wifi, { type: 'track', anonymousId: `mac-${s.wifiMac}`, event: 'Wi-Fi Connected', ...portal, properties: { ssid: `StoreOS-${store.code}` } }]];
  }
  return [[src.web, { type: 'page', ...web, name: '首页', properties: { path: '/' } }]];
}

/** Options of a simulation run. */
export interface ShopperRun {
  url: string;
  profiles: number;
  /** Events per second, all channels together. */
  rate: number;
  /** Stop after this many seconds (default: until `signal` aborts). */
  durationS?: number;
  signal?: AbortSignal;
  /** Called every few seconds with what was sent. */
  onReport?: (line: string) => void;
}

/**
 * Plays shoppers against the Segment API at `url`: each source's events are batched like analytics-node does (up to
 * 100 events or 200 ms) and sent to `/v1/batch` with Basic auth. Answers what was sent and acknowledged.
 */
export async function runShoppers(src: ShopperSources, run: ShopperRun): Promise<{ sent: number; stored: number; failed: number; seconds: number }> {
  const r = seededRandom(Date.now() & 0xffffffff);
  const memory = new Map<number, Memory>();
  const queues = new Map<SimSource, Event[]>();
  const inFlight = new Set<Promise<void>>();
  const totals = { sent: 0, stored: 0, failed: 0 };
  const started = Date.now();
  const flush = (source: SimSource, events: Event[]) => {
    const body = JSON.stringify({ batch: events, sentAt: new Date().toISOString() });
    const headers = { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${source.writeKey}:`).toString('base64')}` };
    // As analytics-node does: a 429, a 5xx or a dropped connection is retried with backoff (Retry-After when given).
    const send = async (attempt: number): Promise<void> => {
      let wait: number;
      try {
        const res = await fetch(`${run.url}/v1/batch`, { method: 'POST', headers, body });
        if (res.ok) {
          totals.stored += ((await res.json()) as { stored: number }).stored;
          return;
        }
        await res.body?.cancel();
        if (res.status !== 429 && res.status < 500) throw new Error(`answered ${res.status}`);
        wait = Number(res.headers.get('retry-after') ?? 0) * 1000 || 200 * 2 ** attempt;
      } catch (err) {
        if ((err as Error).message.startsWith('answered') || attempt >= 4) throw err;
        wait = 200 * 2 ** attempt;
      }
      if (attempt >= 4) throw new Error('gave up after 5 tries');
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 5000)));
      return send(attempt + 1);
    };
    const p = send(0).catch(() => {
      totals.failed += events.length;
    });
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  const flushAll = () => {
    for (const [source, events] of queues) if (events.length) flush(source, events.splice(0));
  };
  let owed = 0;
  let lastReport = { at: started, sent: 0 };
  const tickMs = 100;
  while (!run.signal?.aborted && (run.durationS === undefined || Date.now() - started < run.durationS * 1000)) {
    owed += (run.rate * tickMs) / 1000;
    while (owed >= 1) {
      const n = Math.floor(r() * run.profiles);
      const m = memory.get(n) ?? { signedIn: false, orders: [] };
      memory.set(n, m);
      for (const [source, event] of shopperMoment(r, shopperOf(n, src.stores.length), m, src)) {
        const q = queues.get(source) ?? [];
        queues.set(source, q);
        q.push({ ...event, messageId: randomUUID(), timestamp: event.timestamp ?? new Date().toISOString() });
        totals.sent++;
        owed--;
        if (q.length >= 100) flush(source, q.splice(0));
      }
    }
    if (Date.now() - lastReport.at >= 5000 && run.onReport) {
      const rate = ((totals.sent - lastReport.sent) * 1000) / (Date.now() - lastReport.at);
      run.onReport(`sent ${totals.sent} events (${rate.toFixed(0)}/s), stored ${totals.stored}, failed ${totals.failed}`);
      lastReport = { at: Date.now(), sent: totals.sent };
    }
    await new Promise((resolve) => setTimeout(resolve, tickMs));
    flushAll();
  }
  flushAll();
  await Promise.all(inFlight);
  return { ...totals, seconds: (Date.now() - started) / 1000 };
}
