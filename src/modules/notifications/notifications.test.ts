import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSession } from '../../../test/harness.ts';
import { seedDemo } from '../../commands/seed-demo.ts';
import { type MaintenanceKit, maintenanceKit } from '../maintenance/maintenance-test-kit.ts';
import { notify } from './notify.ts';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('notifications: inbox and signed webhooks', () => {
  let k: MaintenanceKit;
  let manager: TestSession;
  let associate: TestSession;
  let server: Server;
  const received: Received[] = [];
  let failNext = 0;

  beforeAll(async () => {
    k = await maintenanceKit();
    manager = await k.t.signIn('store.manager@demo.storeos.dev');
    associate = await k.t.signIn('associate@demo.storeos.dev');
    await seedDemo(k.t.db, { stores: 1, slug: 'other' });
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        if (failNext > 0) {
          failNext--;
          res.writeHead(503).end();
          return;
        }
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await k.close();
  });

  const tell = (title: string, extra: Partial<Parameters<typeof notify>[1]> = {}) =>
    notify(
      { db: k.t.db },
      {
        tenantId: k.tenantId,
        orgUnitId: k.stores[0].orgUnitId,
        to: { role: 'store_manager' },
        kind: 'test.kind',
        title,
        body: `${title} body`,
        link: '/x',
        ...extra,
      },
    );

  it('puts a notification in the inbox of the role holders only, unread first', async () => {
    const who = await tell('first');
    expect(who.userIds).toEqual([manager.userId]);
    await new Promise((resolve) => setTimeout(resolve, 5)); // newest first needs two instants
    await tell('second');
    const inbox = await k.call(manager, 'GET', '/api/v1/inbox');
    expect(inbox.status).toBe(200);
    expect(inbox.body.unread).toBe(2);
    expect(inbox.body.data.map((n: { title: string }) => n.title)).toEqual(['second', 'first']);
    expect((await k.call(associate, 'GET', '/api/v1/inbox')).body.data).toEqual([]);

    const first = inbox.body.data[1];
    // Someone else's notification is not there for them: 404, and it stays unread.
    expect((await k.call(associate, 'POST', `/api/v1/inbox/${first.id}/read`)).status).toBe(404);
    const read = await k.call(manager, 'POST', `/api/v1/inbox/${first.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    const after = await k.call(manager, 'GET', '/api/v1/inbox?limit=1');
    expect(after.body.data[0].title).toBe('second'); // unread first
    const next = await k.call(manager, 'GET', `/api/v1/inbox?limit=1&cursor=${after.body.nextCursor}`);
    expect(next.body.data[0].title).toBe('first');
    expect((await k.call(manager, 'POST', '/api/v1/inbox/read-all')).body.updated).toBe(1);
    expect((await k.call(manager, 'GET', '/api/v1/inbox/unread-count')).body.unread).toBe(0);
  });

  it('signs webhook deliveries with the secret shown once, and retries a failed one', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const created = await k.call(k.admin, 'POST', '/api/v1/webhooks', { url, kinds: ['test.kind'] });
    expect(created.status).toBe(201);
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^whsec_/);
    const listed = await k.call(k.admin, 'GET', '/api/v1/webhooks');
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    await tell('hooked', { data: { workOrderId: 'wo_x' } });
    await tell('other kind', { kind: 'not.subscribed' });
    failNext = 1;
    await k.drain(); // the first try answers 503
    expect(received).toHaveLength(0);
    await k.t.db.pool.query('UPDATE outbox SET next_attempt_at = now() WHERE dispatched_at IS NULL');
    await k.drain();
    expect(received).toHaveLength(1);
    const [hit] = received;
    const expected = `sha256=${createHmac('sha256', secret).update(hit.body).digest('hex')}`;
    expect(hit.headers['x-storeos-signature']).toBe(expected);
    const body = JSON.parse(hit.body);
    expect(body).toMatchObject({ kind: 'test.kind', title: 'hooked', data: { workOrderId: 'wo_x' } });
    expect(String(body.timestamp)).toBe(hit.headers['x-storeos-timestamp']);

    const log = await k.call(k.admin, 'GET', `/api/v1/webhooks/${created.body.id}/deliveries`);
    expect(log.body.data[0]).toMatchObject({ status: 'delivered', attempts: 2, responseStatus: 204 });
  });

  it('lets only an HQ admin of the tenant manage webhooks', async () => {
    expect((await k.call(manager, 'GET', '/api/v1/webhooks')).status).toBe(403);
    expect((await k.call(manager, 'POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/x' })).status).toBe(403);
    const mine = (await k.call(k.admin, 'GET', '/api/v1/webhooks')).body.data[0];
    const otherAdmin = await k.t.signIn('admin@demo.storeos.dev', undefined, 'other');
    expect((await k.call(otherAdmin, 'GET', '/api/v1/webhooks')).body.data).toEqual([]);
    expect((await k.call(otherAdmin, 'PATCH', `/api/v1/webhooks/${mine.id}`, { active: false })).status).toBe(404);
    expect((await k.call(otherAdmin, 'DELETE', `/api/v1/webhooks/${mine.id}`)).status).toBe(404);
    expect((await k.call(otherAdmin, 'GET', `/api/v1/webhooks/${mine.id}/deliveries`)).status).toBe(404);
    expect((await k.call(k.admin, 'POST', '/api/v1/webhooks', { url: 'ftp://example.com/x' })).status).toBe(400);
    const rotated = await k.call(k.admin, 'PATCH', `/api/v1/webhooks/${mine.id}`, { rotateSecret: true });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect((await k.call(k.admin, 'DELETE', `/api/v1/webhooks/${mine.id}`)).status).toBe(204);
  });
});
