// A marketer's campaign in the console, in Chinese: a template previewed for a person, a campaign built on a segment,
// its audience after consent and caps, a send through the sink channel, and the results dashboard (sent → delivered →
// clicked → converted) with its chart; then the channel's delivery counts on the channels page.
import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createJourneys } from '../src/modules/marketing/index.ts';
import { startTestServer } from '../test/harness.ts';
import { browserTestTimeout, describeInBrowser, desktopChinese, launchBrowser, phoneChinese } from './browser.ts';
import { ensureConsoleBuilt } from './console-build.ts';
import { pickOption, signIn, steady } from './console-pages.ts';

const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

/** Waits until an element with the test id carries every attribute value given (a loaded, settled state). */
async function settled(page: Page, testId: string, attrs: Record<string, string>, timeout = 30_000): Promise<void> {
  const selector = `[data-testid="${testId}"]${Object.entries(attrs)
    .map(([k, v]) => `[data-${k}="${v}"]`)
    .join('')}`;
  await page.locator(selector).waitFor({ timeout });
}

describeInBrowser('marketing in the console', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  const people: string[] = [];
  let channelId = '';
  let channelSecret = '';
  const segmentName = `冰箱老客 ${randomUUID().slice(0, 4)}`;
  let segmentId = '';

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startTestServer({ demoStores: 3 });
    browser = await launchBrowser();
    const t = server.testApp;
    const q = (text: string, values: unknown[] = []) => t.db.pool.query(text, values);
    const tenantId = (await q(`SELECT id FROM tenants WHERE slug = 'demo'`)).rows[0].id as string;
    const store = (await q('SELECT id, org_path FROM stores WHERE tenant_id = $1 ORDER BY code LIMIT 1', [tenantId])).rows[0];
    // Four people of the first store: three said yes to marketing messages, one did not.
    const list = [
      { name: '李娜', phone: '+8613800000001', consent: true },
      { name: '王伟', phone: '+8613800000002', consent: true },
      { name: '陈杰', phone: '+8613800000003', consent: true },
      { name: '张敏', phone: '+8613800000004', consent: false },
    ];
    for (const p of list) {
      const id = `prf_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
      await q('INSERT INTO profiles (id, tenant_id, first_seen_at, last_seen_at, traits, preferred_store_id) VALUES ($1, $2, now(), now(), $3, $4)', [
        id,
        tenantId,
        JSON.stringify({ name: p.name }),
        store.id,
      ]);
      await q('INSERT INTO profile_stores (tenant_id, profile_id, store_id, org_path, visits, last_at) VALUES ($1, $2, $3, $4, 1, now())', [
        tenantId,
        id,
        store.id,
        store.org_path,
      ]);
      await q(`INSERT INTO profile_identifiers (tenant_id, type, value, profile_id, claimed_at) VALUES ($1, 'phone', $2, $3, now())`, [tenantId, p.phone, id]);
      await q(`INSERT INTO consents (tenant_id, profile_id, purpose, channel, granted, source, at) VALUES ($1, $2, 'marketing', '*', $3, 'e2e', now())`, [
        tenantId,
        id,
        p.consent,
      ]);
      people.push(id);
    }
    segmentId = `seg_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    await q(`INSERT INTO segments (id, tenant_id, name, definition, status, member_count, created_by) VALUES ($1, $2, $3, '{"type":"e2e"}', 'ready', 4, 'e2e')`, [
      segmentId,
      tenantId,
      segmentName,
    ]);
    await q('INSERT INTO segment_members (segment_id, profile_id, tenant_id, entered_at) SELECT $1, p, $2, now() FROM unnest($3::text[]) AS p', [
      segmentId,
      tenantId,
      people,
    ]);
    // Orders land in the month partitions of customer_events; this fresh database has none yet.
    const partitions = await q(`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'customer_events'::regclass`);
    if (partitions.rows[0].n === 0)
      await q(`CREATE TABLE customer_events_e2e_marketing PARTITION OF customer_events FOR VALUES FROM ('2000-01-01') TO ('2100-01-01')`);
    // HQ set up the sink channel (channels are HQ's); the marketer uses it.
    const admin = await t.signIn('admin@demo.storeos.dev');
    const ch = await t.app.inject({
      method: 'POST',
      url: '/api/v1/marketing/channels',
      headers: admin.headers,
      payload: { name: '演示短信（记录）', kind: 'sink', settings: { consentChannel: 'sms' } },
    });
    channelId = ch.json().id;
    channelSecret = ch.json().secret;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** What providers and shoppers do after the send: delivery reports, a click on the tracked link, an order. */
  async function deliveredClickedBought(): Promise<void> {
    const t = server.testApp;
    const sent = await t.db.pool.query<{ id: string; profile_id: string; body: string }>(
      `SELECT id, profile_id, body FROM marketing_messages WHERE channel_id = $1 AND status = 'sent' ORDER BY profile_id`,
      [channelId],
    );
    const body = JSON.stringify({ reports: sent.rows.map((m) => ({ messageId: m.id, status: 'delivered' })) });
    const ts = String(Math.floor(Date.now() / 1000));
    const reports = await t.app.inject({
      method: 'POST',
      url: `/api/v1/marketing/channels/${channelId}/reports`,
      payload: body,
      headers: { 'content-type': 'application/json', 'x-storeos-timestamp': ts, 'x-storeos-signature': `sha256=${createHmac('sha256', channelSecret).update(`${ts}.${body}`).digest('hex')}` },
    });
    expect(reports.statusCode, reports.body).toBeLessThan(300);
    const first = sent.rows[0];
    const link = /https?:\/\/[^/\s]+(\/m\/c\/[^\s]+)/.exec(first.body)?.[1];
    expect(link).toBeDefined();
    expect((await t.app.inject({ url: link })).statusCode).toBe(302);
    await t.db.pool.query(
      `INSERT INTO customer_events (ts, received_at, tenant_id, profile_id, message_id, source_id, channel, store_id, type, event, properties, traits, context)
       SELECT now() + interval '1 second', now(), tenant_id, id, $1, 'src_e2e', 'pos', preferred_store_id, 'track', 'Order Completed', '{"revenue": 3999}', '{}', '{}'
       FROM profiles WHERE id = $2`,
      [randomUUID(), first.profile_id],
    );
  }

  it(
    'a marketer previews a template, builds a campaign on a segment, sends it through the sink and reads its results',
    async () => {
      const context = await browser.newContext(desktopChinese);
      const page = await context.newPage();
      try {
        await signIn(page, server.url, 'marketer@demo.storeos.dev', 'storeos-demo');

        // A template, checked as it is typed, previewed for one person.
        await page.goto(`${server.url}/marketing/templates`);
        await page.getByTestId('template-name').fill('冰箱保养提醒');
        await page.getByTestId('template-body').fill('{{ traits.name | default: "朋友" }}，{{ store.name }} 冰箱保养季，详情 https://shop.example.com/fridges');
        const save = page.getByTestId('template-save');
        await expect.poll(() => save.isEnabled(), { timeout: 15_000 }).toBe(true);
        await save.click();
        await page.getByTestId('template-preview-profile').fill(people[0]);
        await page.getByTestId('template-preview-run').click();
        await expect.poll(() => page.getByTestId('template-preview').textContent(), { timeout: 15_000 }).toContain('李娜，');

        // The campaign: the segment, the sink channel, the template; no holdout, no quiet hours (a demo sends now).
        await page.goto(`${server.url}/marketing/campaigns/new`);
        await page.getByTestId('campaign-name').fill('春季冰箱保养');
        await pickOption(page, 'campaign-include', segmentName);
        await page.keyboard.press('Escape');
        await pickOption(page, 'campaign-channel', '演示短信（记录）');
        await pickOption(page, 'campaign-template', '冰箱保养提醒');
        await page.locator('#holdoutPercent').fill('0');
        await page.locator('#quietStart').fill('00:00');
        await page.locator('#quietEnd').fill('00:00');
        await page.getByTestId('campaign-save').click();
        await settled(page, 'campaign-page', { status: 'draft' });

        // The audience after consent and caps: four in the segment, one without consent, three to reach.
        await settled(page, 'campaign-audience', { loaded: 'true', audience: '4', 'no-consent': '1', capped: '0', reachable: '3' });

        await page.getByTestId('campaign-launch').click();
        // Launching kicks the send loop at once; the page follows the campaign to its end.
        await settled(page, 'campaign-page', { status: 'completed' }, 45_000);
        await settled(page, 'campaign-results', { sent: '3' });

        await deliveredClickedBought();
        await page.reload();
        await settled(page, 'campaign-results', { sent: '3', delivered: '3', clicked: '1', converted: '1' });
        await page.getByTestId('campaign-funnel').locator('canvas').first().waitFor();
        // Let the chart's entry animation finish before the picture: its canvas stops changing.
        await page.waitForFunction(
          () =>
            new Promise<boolean>((resolve) => {
              const canvas = document.querySelector('[data-testid="campaign-funnel"] canvas') as HTMLCanvasElement | null;
              const before = canvas?.toDataURL();
              setTimeout(() => resolve(Boolean(canvas) && canvas?.toDataURL() === before), 400);
            }),
          undefined,
          { timeout: 15_000 },
        );
        mkdirSync(screenshots, { recursive: true });
        await page.screenshot({ path: path.join(screenshots, 'campaign-results-zh.png'), fullPage: true });

        // The channel shows its deliveries of the last days.
        await page.getByTestId('nav-marketingChannels').click();
        await expect.poll(() => page.getByTestId('channel-delivered').first().textContent(), { timeout: 15_000 }).toContain('3');
        expect(await page.getByTestId('channel-sent').first().textContent()).toContain('3');
      } finally {
        await context.close();
      }
    },
    browserTestTimeout,
  );

  it(
    'fits the channels page, its dead letters and the ad audiences on a phone',
    async () => {
      const context = await browser.newContext(phoneChinese);
      const page = await context.newPage();
      const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
      try {
        await signIn(page, server.url, 'admin@demo.storeos.dev', 'storeos-demo');
        await page.goto(`${server.url}/marketing/channels`);
        await page.getByTestId('channel-new').waitFor();
        await page.getByTestId('channel-sent').first().waitFor();
        expect(await fits()).toBe(true);
        await page.getByTestId('channel-dead-letters').first().click();
        await page.locator('[data-testid="dead-letters"] .ant-table').waitFor();
        await steady(page, '.ant-drawer-content-wrapper');
        expect(await fits()).toBe(true);
        await page.screenshot({ path: path.join(screenshots, 'marketing-dead-letters-phone-zh.png') });
        await page.goto(`${server.url}/marketing/campaigns`);
        await page.getByTestId('ad-audiences').waitFor();
        expect(await fits()).toBe(true);
      } finally {
        await context.close();
      }
    },
    browserTestTimeout,
  );

  it(
    'activates a journey in its editor, and follows a person through it to the sent message',
    async () => {
      const t = server.testApp;
      const marketer = await t.signIn('marketer@demo.storeos.dev');
      const call = async (url: string, payload: object) => {
        const res = await t.app.inject({ method: 'POST', url, headers: marketer.headers, payload });
        expect(res.statusCode, res.body).toBe(201);
        return res.json().id as string;
      };
      const templateId = await call('/api/v1/marketing/templates', { name: '欢迎旅程', body: '{{ traits.name | default: "您好" }}，欢迎加入会员！' });
      const journeyId = await call('/api/v1/journeys', {
        name: '新客欢迎旅程',
        // No quiet hours: the welcome goes out whatever the time of day the test runs at.
        quietStart: '00:00',
        quietEnd: '00:00',
        trigger: { kind: 'segment_entered', segmentId },
        steps: [
          { id: 'welcome', type: 'send', channelId, templateId },
          { id: 'done', type: 'exit' },
        ],
      });
      const context = await browser.newContext(desktopChinese);
      const page = await context.newPage();
      try {
        await signIn(page, server.url, 'marketer@demo.storeos.dev', 'storeos-demo');
        await page.goto(`${server.url}/marketing/journeys`);
        await page.getByTestId('journey-list').getByText('新客欢迎旅程').click();
        await page.getByTestId('journey-editor').waitFor();
        await page.getByTestId('journey-step-welcome').waitFor();
        await page.getByTestId('journey-activate').click();
        await expect
          .poll(async () => (await t.db.pool.query('SELECT status FROM journeys WHERE id = $1', [journeyId])).rows[0].status)
          .toBe('active');
        await page.getByTestId('journey-pause').waitFor();

        // Someone enters the segment: the journey sends her the welcome and she leaves at its end.
        const [first] = people;
        await t.db.pool.query(`INSERT INTO outbox (tenant_id, topic, payload) SELECT tenant_id, 'segment.entered', $2 FROM profiles WHERE id = $1`, [
          first,
          JSON.stringify({ segmentId, profileId: first, reason: 'event' }),
        ]);
        // This test server runs no background workers: the outbox and the journey runner are turned by hand, as a node's would.
        while ((await t.outbox.dispatchBatch()) > 0) {}
        const runner = createJourneys(t.deps);
        await runner.runDue();
        const sent = await t.db.pool.query(`SELECT status FROM marketing_messages WHERE profile_id = $1 AND idempotency_key LIKE 'jny:%'`, [first]);
        expect(sent.rows.map((r) => r.status)).toEqual(['sent']);
        await page.reload();
        await page.getByTestId('journey-people').getByText('李娜').waitFor({ timeout: 30_000 });
        mkdirSync(screenshots, { recursive: true });
        await page.screenshot({ path: path.join(screenshots, 'journey-editor-zh.png'), fullPage: true });
      } finally {
        await context.close();
      }
    },
    browserTestTimeout,
  );
});
