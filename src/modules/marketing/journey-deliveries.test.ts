import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJourneys, type Journeys } from './journey-module.ts';
import { createMarketingTestApp, type MarketingTestApp } from './marketing-test-kit.ts';

/**
 * Journey messages where campaign messages show: on the person's profile page (with the journey and step), in the
 * channel's delivery counts and dead letters; and a replayed journey dead letter is sent again through the journey
 * send path, once, however many nodes run their pass at the same time.
 */
describe('journey messages on the profile page, the channels page and in dead-letter replay', () => {
  let t: MarketingTestApp;
  let journeys: Journeys;
  /** Another node's journeys on the same database. */
  let secondNode: () => Journeys;
  let admin: Record<string, string>;
  let other: Record<string, string>;
  let server: Server;
  const answer = { status: 400 };
  const received: string[] = [];
  let hookId = '';
  let journeyId = '';
  let person = '';

  const call = (headers: Record<string, string>, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const deliveries = async () => (await call(admin, 'GET', '/api/v1/marketing/channels')).json().data.find((c: { id: string }) => c.id === hookId).deliveries;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        if (answer.status === 200) received.push(body);
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    // The real clock: delivery counts are of the last days by it, and a replay is due at the database's now.
    t = await createMarketingTestApp({
      stores: 1,
      journeys: (deps, publicUrl) => {
        secondNode = () => createJourneys(deps, { publicUrl });
        journeys = createJourneys(deps, { publicUrl });
        return journeys;
      },
    });
    admin = await t.signIn('admin@demo.storeos.dev', 'demo');
    other = await t.signIn('admin@demo.storeos.dev', 'other');
    [person] = await t.people([{ phone: '+8613800000009', traits: { name: 'Li Na' }, storeIndex: 0, consents: ['marketing:*'] }]);
    hookId = (
      await call(admin, 'POST', '/api/v1/marketing/channels', { name: 'App webhook', kind: 'webhook', settings: { url, consentChannel: 'sms' } })
    ).json().id;
    const templateId = (await call(admin, 'POST', '/api/v1/marketing/templates', { name: 'Hi', body: '你好 {{ traits.name }}' })).json().id;
    const created = await call(admin, 'POST', '/api/v1/journeys', {
      name: 'Browse abandon',
      trigger: { kind: 'event', event: 'Product Viewed' },
      steps: [{ id: 'nudge', type: 'send', channelId: hookId, templateId }],
      quietStart: '00:00',
      quietEnd: '00:00',
    });
    expect(created.statusCode, created.body).toBe(201);
    journeyId = created.json().id;
    expect((await call(admin, 'POST', `/api/v1/journeys/${journeyId}/activate`)).statusCode).toBe(200);
    // The provider refuses the send outright (400): the message fails for good, a dead letter.
    journeys.onEvents([
      { tenantId: t.tenantId, profileId: person, messageId: 'view-1', type: 'track', event: 'Product Viewed', properties: {}, timestamp: new Date() },
    ]);
    await journeys.idle();
  }, 120_000);
  afterAll(async () => {
    await journeys?.stop();
    await t?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("shows the journey's message on the person's profile page, with the journey's name and step", async () => {
    const res = await call(admin, 'GET', `/api/v1/marketing/profiles/${person}/messages`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual([
      expect.objectContaining({
        campaignId: null,
        campaignName: null,
        journey: { id: journeyId, name: 'Browse abandon', stepId: 'nudge' },
        channelKind: 'webhook',
        status: 'failed',
      }),
    ]);
  });

  it("counts the journey's messages in the channel's deliveries and lists its dead letter", async () => {
    expect(await deliveries()).toEqual({ sent: 0, delivered: 0, failed: 1, bounced: 0 });
    const dead = (await call(admin, 'GET', `/api/v1/marketing/channels/${hookId}/dead-letters`)).json().data;
    expect(dead).toEqual([
      expect.objectContaining({ campaignId: null, campaignName: null, journey: { id: journeyId, name: 'Browse abandon', stepId: 'nudge' }, profileId: person }),
    ]);
    expect(dead[0].error).toContain('400');
  });

  it('resends a replayed journey dead letter through the send step, exactly once across two nodes', async () => {
    answer.status = 200;
    const replay = await call(admin, 'POST', `/api/v1/marketing/channels/${hookId}/replay`);
    expect(replay.json()).toEqual({ requeued: 1 });
    // Two nodes' runners take their pass at once (the replay's NOTIFY wakes every node): one hands the message over.
    const node2 = secondNode();
    await Promise.all([journeys.runDue(), node2.runDue(), journeys.runDue()]);
    await node2.stop();
    expect(received).toHaveLength(1);
    expect(received[0]).toContain('你好 Li Na');
    const message = await t.db.pool.query('SELECT status, idempotency_key, attempts FROM marketing_messages WHERE profile_id = $1', [person]);
    expect(message.rows).toEqual([{ status: 'sent', idempotency_key: expect.stringMatching(new RegExp(`^jny:${journeyId}:jen_\\w+:nudge$`)), attempts: 1 }]);
    const step = await t.db.pool.query('SELECT outcome, detail FROM journey_step_runs WHERE journey_id = $1', [journeyId]);
    expect(step.rows).toEqual([{ outcome: 'sent', detail: 'replayed' }]);
    expect(await deliveries()).toEqual({ sent: 1, delivered: 0, failed: 0, bounced: 0 });
    // Nothing left to replay, and later passes send nothing again.
    expect((await call(admin, 'POST', `/api/v1/marketing/channels/${hookId}/replay`)).json()).toEqual({ requeued: 0 });
    await journeys.runDue();
    expect(received).toHaveLength(1);
  });

  it('lets another tenant see none of it', async () => {
    expect((await call(other, 'GET', `/api/v1/marketing/profiles/${person}/messages`)).statusCode).toBe(404);
    expect((await call(other, 'GET', `/api/v1/marketing/channels/${hookId}/dead-letters`)).statusCode).toBe(404);
  });
});
