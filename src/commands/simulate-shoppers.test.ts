import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectionTestApp, createCollectionTestApp } from '../modules/customers/collection-test-kit.ts';
import { shopperOf } from './shopper-catalog.ts';
import { prepareShopperSources, runShoppers } from './simulate-shoppers.ts';

let t: CollectionTestApp;
let url: string;
beforeAll(async () => {
  t = await createCollectionTestApp({ stores: 3, env: { STOREOS_SOURCE_RATE: '0' } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
});
afterAll(() => t.close());

describe('storeos simulate shoppers', () => {
  it('plays the same realistic people every run', () => {
    const a = shopperOf(7, 3);
    expect(shopperOf(7, 3)).toEqual(a);
    expect(a.name).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
    expect(a.phone.replace(/[\s+]/g, '')).toMatch(/^(86)?1[3-9]\d{9}$/);
    expect(a.email).toMatch(/^[a-z0-9.]+@[a-z0-9.]+$/);
    expect(a.memberCard).toMatch(/^MC\d{10}$/);
  });

  it('sends web, app, POS, Wi-Fi and service-desk traffic through the Segment API, reusing its sources', async () => {
    const sources = await prepareShopperSources(t.db, { tenant: 'demo', stores: 2 });
    expect(sources.stores).toHaveLength(2);
    const r = await runShoppers(sources, { url, profiles: 40, rate: 400, durationS: 1.5 });
    expect(r.failed).toBe(0);
    expect(r.stored).toBe(r.sent);
    const channels = await t.db.pool.query<{ channel: string; n: number }>('SELECT channel, count(*)::int AS n FROM customer_events GROUP BY 1');
    expect(channels.rows.map((c) => c.channel).sort()).toEqual(['app', 'pos', 'service_desk', 'web', 'wifi']);
    const order = await t.db.pool.query("SELECT properties, store_id FROM customer_events WHERE event = 'Order Completed' LIMIT 1");
    expect(order.rows[0].store_id).toMatch(/^str_/);
    expect(order.rows[0].properties).toMatchObject({ currency: 'CNY', products: expect.arrayContaining([expect.objectContaining({ sku: expect.any(String), price: expect.any(Number), quantity: 1 })]) });

    const again = await prepareShopperSources(t.db, { tenant: 'demo', stores: 2 });
    expect(again.web.id).toBe(sources.web.id);
    const r2 = await runShoppers(again, { url, profiles: 40, rate: 100, durationS: 0.5 });
    expect(r2.failed).toBe(0);
  });
});
