import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/harness.ts';
import type { Database } from './db.ts';
import { createLogger } from './logger.ts';
import { type DomainEvent, OutboxDispatcher, publishEvent, type Subscriber } from './outbox.ts';

const log = createLogger('silent');

/** A subscriber that records what it was handed, and fails while `failing` is set. */
function recorder(name: string, topic = 'store.*') {
  const seen: DomainEvent[] = [];
  const sub: Subscriber & { seen: DomainEvent[]; failing: boolean } = {
    name,
    topic,
    seen,
    failing: false,
    async handle(event) {
      if (sub.failing) throw new Error(`${name} is down`);
      seen.push(event);
    },
  };
  return sub;
}

describe('the outbox', () => {
  let t: Awaited<ReturnType<typeof testDatabase>>;
  let db: Database;
  beforeAll(async () => {
    t = await testDatabase();
    db = t.db;
  });
  afterAll(() => t.drop());
  beforeEach(async () => {
    await db.pool.query('DELETE FROM outbox; DELETE FROM outbox_receipts');
  });

  const publish = (topic: string, payload: Record<string, unknown> = {}) => db.orm.transaction((tx) => publishEvent(tx, 'ten_a', topic, payload));
  const row = async () =>
    (
      await db.pool.query<{ attempts: number; dispatched: boolean; due_later: boolean; last_error: string | null }>(
        'SELECT attempts, dispatched_at IS NOT NULL AS dispatched, next_attempt_at > now() AS due_later, last_error FROM outbox',
      )
    ).rows;

  it('delivers a committed event to a subscriber exactly once, however many dispatchers run and how often', async () => {
    const sub = recorder('counts-stores');
    const a = new OutboxDispatcher(db, log);
    const b = new OutboxDispatcher(db, log);
    a.subscribe(sub);
    b.subscribe(sub);
    await publish('store.created', { storeId: 'str_1' });

    const handled = await Promise.all([a.dispatchBatch(), b.dispatchBatch()]);
    await a.dispatchBatch();
    await b.dispatchBatch();
    expect(handled.reduce((x, y) => x + y, 0)).toBe(1);
    expect(sub.seen.map((e) => [e.topic, e.payload])).toEqual([['store.created', { storeId: 'str_1' }]]);
    expect(sub.seen[0].tenantId).toBe('ten_a');

    // A crash after the subscriber committed but before the event was marked: it comes round again, and the receipt skips it.
    await db.pool.query('UPDATE outbox SET dispatched_at = NULL');
    expect(await b.dispatchBatch()).toBe(1);
    expect(sub.seen).toHaveLength(1);
    expect((await row())[0].dispatched).toBe(true);
  });

  it('never delivers an event whose transaction rolled back', async () => {
    const sub = recorder('never');
    const d = new OutboxDispatcher(db, log);
    d.subscribe(sub);
    await expect(
      db.orm.transaction(async (tx) => {
        await publishEvent(tx, 'ten_a', 'store.updated', { storeId: 'str_2' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await d.dispatchBatch()).toBe(0);
    expect(sub.seen).toEqual([]);
    expect(await row()).toEqual([]);
  });

  it('retries a failing subscriber later while the others still get the event once', async () => {
    const broken = recorder('broken');
    const healthy = recorder('healthy');
    broken.failing = true;
    const d = new OutboxDispatcher(db, log);
    d.subscribe(broken);
    d.subscribe(healthy);
    await publish('store.status_changed', { storeId: 'str_3' });

    await d.dispatchBatch();
    expect(healthy.seen).toHaveLength(1);
    expect(broken.seen).toHaveLength(0);
    const [first] = await row();
    expect(first).toMatchObject({ attempts: 1, dispatched: false, due_later: true });
    expect(first.last_error).toContain('broken is down');

    // Not due yet: a second pass does nothing.
    expect(await d.dispatchBatch()).toBe(0);

    broken.failing = false;
    await db.pool.query('UPDATE outbox SET next_attempt_at = now()');
    expect(await d.dispatchBatch()).toBe(1);
    expect(broken.seen).toHaveLength(1);
    expect(healthy.seen).toHaveLength(1);
    expect((await row())[0]).toMatchObject({ attempts: 1, dispatched: true, last_error: null });
  });

  it('hands a subscriber only the topics it asked for', async () => {
    const stores = recorder('stores', 'store.*');
    const exact = recorder('exact', 'store.created');
    const d = new OutboxDispatcher(db, log);
    d.subscribe(stores);
    d.subscribe(exact);
    await publish('store.created');
    await publish('store.updated');
    await publish('storefront.changed');
    await d.dispatchBatch();
    expect(stores.seen.map((e) => e.topic)).toEqual(['store.created', 'store.updated']);
    expect(exact.seen.map((e) => e.topic)).toEqual(['store.created']);
  });

  it('reports a lag above zero while an event waits and zero once it is dispatched', async () => {
    const d = new OutboxDispatcher(db, log);
    d.subscribe(recorder('lag'));
    expect(await d.lagSeconds()).toBe(0);
    await publish('store.created');
    await new Promise((r) => setTimeout(r, 20));
    expect(await d.lagSeconds()).toBeGreaterThan(0);
    await d.dispatchBatch();
    expect(await d.lagSeconds()).toBe(0);
  });

  it('stops at once when asked while a batch that finds nothing is running, not after a whole poll', async () => {
    // The dispatcher's first batch waits on a lock held here, so stop is asked while it runs; then the lock goes.
    const locker = await db.pool.connect();
    try {
      await locker.query('BEGIN; LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE');
      const d = new OutboxDispatcher(db, log, { pollMs: 60_000 });
      await d.start();
      await new Promise((r) => setTimeout(r, 100));
      const asked = Date.now();
      const stopping = d.stop();
      await locker.query('COMMIT');
      await stopping;
      expect(Date.now() - asked).toBeLessThan(5000);
    } finally {
      locker.release();
    }
  });

  it('wakes a started dispatcher on commit, without waiting for its poll', async () => {
    const sub = recorder('woken');
    const d = new OutboxDispatcher(db, log, { pollMs: 60_000 });
    d.subscribe(sub);
    await d.start();
    try {
      await publish('store.created', { storeId: 'str_4' });
      const until = Date.now() + 5000;
      while (sub.seen.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(sub.seen).toHaveLength(1);
    } finally {
      await d.stop();
    }
  });
});
