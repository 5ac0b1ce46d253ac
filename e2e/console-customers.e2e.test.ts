// The customer data platform in the console: an HQ admin creates a source, sends events through Segment's API
// with its write key and watches them (and a rejected one) arrive in the live debugger, finds the person by email
// and opens their 360° page, builds a segment while its live count follows the edits, and switches to Chinese;
// edits a trait by hand and reads who entered a segment and why. A marketer on a phone reads people and segments but
// has no sources.
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startTestServer } from '../test/harness.ts';
import { browserTestTimeout, describeInBrowser, desktopChinese, launchBrowser, phoneChinese } from './browser.ts';
import { ensureConsoleBuilt } from './console-build.ts';
import { signIn } from './console-pages.ts';

const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const admin = { email: 'admin@demo.storeos.dev', password: 'storeos-demo' };
const marketer = { email: 'marketer@demo.storeos.dev', password: 'storeos-demo' };

describeInBrowser('the customer data platform console', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let profileId = '';

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startTestServer({ demoStores: 2 });
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openPage(user: { email: string; password: string }, options = desktopChinese): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    await signIn(page, server.url, user.email, user.password);
    return { context, page };
  }

  /** The person with this email as the API sees them once the profile pipeline has applied their traits. */
  async function waitForProfile(email: string): Promise<{ id: string; traits: Record<string, unknown> }> {
    const session = await server.testApp.signIn(admin.email);
    let found: { id: string; traits: Record<string, unknown> } | undefined;
    await expect
      .poll(
        async () => {
          const res = await server.testApp.app.inject({
            url: `/api/v1/profiles/lookup?type=email&value=${encodeURIComponent(email)}`,
            headers: session.headers,
          });
          found = res.statusCode === 200 ? res.json() : undefined;
          return found?.traits.name;
        },
        { timeout: 20_000 },
      )
      .toBe('王芳');
    return found as { id: string; traits: Record<string, unknown> };
  }

  it(
    'creates a source, sees its events live in the debugger, finds the person by email and opens their page',
    async () => {
      const { context, page } = await openPage(admin, { ...desktopChinese, locale: 'en-GB' });
      try {
        await page.evaluate(() => localStorage.setItem('storeos.lang', 'en'));
        await page.goto(`${server.url}/customers/sources`);
        await page.getByTestId('source-list-page').waitFor();

        // a new web source: the write key is shown once
        await page.getByTestId('source-create').click();
        await page.getByTestId('source-name').fill('Web shop (e2e)');
        await page.locator('.ant-modal-footer:visible .ant-btn-primary').click();
        const keyText = /wk_[A-Za-z0-9]{32}/.exec((await page.getByTestId('write-key').textContent()) ?? '')?.[0] ?? '';
        expect(keyText).toMatch(/^wk_/);
        await page.getByTestId('write-key-done').click();
        await page.getByTestId('source-title').filter({ hasText: 'Web shop (e2e)' }).waitFor();
        expect(await page.getByTestId('source-key-prefix').textContent()).toContain(keyText.slice(0, 10));
        const debuggerCard = page.getByTestId('source-debugger');
        await debuggerCard.getByTestId('live-state').and(page.locator('[data-state="live"]')).waitFor();

        // two good events and a track without its event name, through Segment's batch API with the write key
        const res = await fetch(`${server.url}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${keyText}:`).toString('base64')}` },
          body: JSON.stringify({
            batch: [
              { type: 'identify', userId: 'e2e-wang', traits: { name: '王芳', email: 'Wang.Fang@Example.cn', phone: '138 0013 8001' } },
              { type: 'track', userId: 'e2e-wang', event: 'Order Completed', properties: { order_id: 'web-1', revenue: 5999, currency: 'CNY' } },
              { type: 'track', userId: 'e2e-wang' },
            ],
          }),
        });
        const answer = await res.json();
        expect(res.status, JSON.stringify(answer)).toBe(200);
        expect(answer).toMatchObject({ stored: 2, rejected: [{ index: 2 }] });

        // they appear in the debugger without a reload, the rejected one highlighted with its reason
        const entries = debuggerCard.getByTestId('debug-entry');
        await expect.poll(() => entries.count(), { timeout: 20_000 }).toBe(3);
        expect(await debuggerCard.locator('[data-testid="debug-entry"][data-status="stored"]').count()).toBe(2);
        const rejected = debuggerCard.locator('[data-testid="debug-entry"][data-status="rejected"]');
        expect(await rejected.getByTestId('debug-reason').textContent()).toMatch(/event/);
        await debuggerCard.getByTestId('debug-event-name').filter({ hasText: 'Order Completed' }).click();
        expect(await debuggerCard.getByTestId('debug-raw').textContent()).toContain('web-1');
        mkdirSync(screenshots, { recursive: true });
        await page.screenshot({ path: path.join(screenshots, 'customers-debugger-en.png'), fullPage: true });

        // the person by their email, typed in another case
        profileId = (await waitForProfile('wang.fang@example.cn')).id;
        await page.getByTestId('nav-customerProfiles').click();
        const search = page.getByTestId('profile-search').locator('input');
        await search.fill('WANG.FANG@example.cn');
        await search.press('Enter');
        await page.getByTestId('profile-hit').first().waitFor();
        expect(await page.getByTestId('profile-hit').count()).toBe(1);
        await page.getByTestId('profile-hit-open').click();
        await page.getByTestId('profile-title').filter({ hasText: '王芳' }).waitFor();
        expect(page.url()).toContain(profileId);
        await page.getByTestId('profile-rfm').getByTestId('rfm-score').waitFor();
        expect(await page.getByTestId('profile-ltv').textContent()).toContain('5,999');
        await page.getByTestId('profile-activity').locator('canvas').first().waitFor();
        await page.getByTestId('profile-tab-timeline').click();
        await page.getByTestId('timeline-event-name').filter({ hasText: 'Order Completed' }).waitFor();
        expect(await page.getByTestId('timeline-event').count()).toBe(2);
        await page.getByTestId('profile-tab-identities').click();
        const emails = page.locator('[data-testid="identity"][data-type="email"]');
        expect(await emails.getByTestId('identity-value').textContent()).toBe('wang.fang@example.cn');
        expect(await page.locator('[data-testid="identity"][data-type="phone"]').getByTestId('identity-value').textContent()).toBe('+8613800138001');
      } finally {
        await context.close();
      }
    },
    2 * browserTestTimeout, // the 2-core box is shared: cold pages and charts take longer under load
  );

  it(
    'builds a segment while its live count follows the edits, sees its members computed, and switches to Chinese',
    async () => {
      const { context, page } = await openPage(admin, { ...desktopChinese, locale: 'en-GB' });
      try {
        await page.evaluate(() => localStorage.setItem('storeos.lang', 'en'));
        // a segment: bought in the last 30 days (the builder's start) selects her; a city condition selects nobody
        await page.goto(`${server.url}/customers/segments`);
        await page.getByTestId('segment-create').click();
        await page.getByTestId('segment-name').fill('Recent buyers');
        const count = page.getByTestId('segment-live-count');
        await expect.poll(() => count.getAttribute('data-count'), { timeout: 20_000 }).toBe('1');
        const trait = page.locator('[data-testid="builder-leaf"][data-type="trait"]');
        // A busy page may drop the click on a menu still opening: ask again until the condition is there.
        await vi.waitFor(
          async () => {
            if ((await trait.count()) > 0) return;
            await page.getByTestId('builder-add').first().click();
            await page
              .locator('.ant-dropdown:visible .ant-dropdown-menu-item')
              .filter({ hasText: /^Trait$/ })
              .click({ timeout: 3000 });
            await trait.first().waitFor({ timeout: 3000 });
          },
          { timeout: 30_000, interval: 500 },
        );
        await trait.getByTestId('value-text').fill('上海');
        await expect.poll(() => count.getAttribute('data-count'), { timeout: 20_000 }).toBe('0');
        await trait.locator('button.ant-btn-dangerous').click();
        await expect.poll(() => count.getAttribute('data-count'), { timeout: 20_000 }).toBe('1');
        expect(await page.getByTestId('segment-sample').textContent()).toContain('王芳');
        await page.screenshot({ path: path.join(screenshots, 'customers-segment-builder-en.png'), fullPage: true });
        await page.getByTestId('segment-save').click();

        // the members are computed in the background; the page follows the progress
        await page.getByTestId('segment-title').filter({ hasText: 'Recent buyers' }).waitFor();
        const members = page.getByTestId('segment-member-count');
        await expect.poll(() => members.getAttribute('data-count'), { timeout: 30_000 }).toBe('1');
        await page.getByTestId('segment-member').filter({ hasText: '王芳' }).waitFor();
        expect(await page.getByTestId('nav-segments').textContent()).toBe('Segments');

        // and in Chinese
        await page.getByTestId('language-switch').click();
        await expect.poll(() => page.getByTestId('nav-segments').textContent()).toBe('客群');
        expect(await page.getByTestId('segment-page').textContent()).toContain('成员数');
        expect(await page.getByTestId('nav-customerSources').textContent()).toBe('数据源');
        await page.screenshot({ path: path.join(screenshots, 'customers-segment-zh.png'), fullPage: true });
      } finally {
        await context.close();
      }
    },
    2 * browserTestTimeout, // the 2-core box is shared: cold pages and charts take longer under load
  );

  it(
    'edits a trait by hand with its mistakes shown, reads who entered a segment and why, and names the org unit of a store condition',
    async () => {
      const { context, page } = await openPage(admin, { ...desktopChinese, locale: 'en-GB' });
      try {
        await page.evaluate(() => localStorage.setItem('storeos.lang', 'en'));
        // a trait by hand: a number that is not one is refused under its field, then saved and kept in the history
        await page.goto(`${server.url}/customers/profiles/${profileId}?tab=traits`);
        await page.getByTestId('trait-add').click();
        const dialog = page.getByTestId('trait-edit-form');
        await dialog.getByTestId('trait-edit-key').fill('tier');
        await dialog.locator('label').filter({ hasText: /^Number$/ }).click();
        await dialog.getByTestId('trait-edit-value').fill('three');
        await page.getByTestId('trait-edit-save').click();
        await dialog.locator('.ant-form-item-explain-error').filter({ hasText: 'Enter a number' }).waitFor();
        await dialog.getByTestId('trait-edit-value').fill('3');
        await page.getByTestId('trait-edit-save').click();
        await page.locator('[data-testid="trait-value"][data-key="tier"]').filter({ hasText: '3' }).waitFor();
        await dialog.waitFor({ state: 'detached' });

        // the segment's entries: her, when she entered and why
        const session = await server.testApp.signIn(admin.email);
        const segments = (await server.testApp.app.inject({ url: '/api/v1/segments', headers: session.headers })).json().data as { id: string; name: string }[];
        const recent = segments.find((s) => s.name === 'Recent buyers');
        await page.goto(`${server.url}/customers/segments/${recent?.id}`);
        const history = page.getByTestId('segment-history');
        await history.getByTestId('segment-history-person').filter({ hasText: '王芳' }).waitFor();
        expect(await history.getByTestId('segment-history-kind-tag').first().getAttribute('data-kind')).toBe('entered');
        expect(await history.locator('tbody').textContent()).toContain('recompute');

        // a store condition names its org unit, not its id
        const unit = (
          await server.testApp.db.pool.query<{ id: string; name: string }>(
            // the console shows the English name where one is set
            `SELECT id, coalesce(name_en, name) AS name FROM org_units WHERE kind = 'region' ORDER BY path LIMIT 1`,
          )
        ).rows[0];
        const created = await server.testApp.app.inject({
          method: 'POST',
          url: '/api/v1/segments',
          headers: session.headers,
          payload: { name: 'Region shoppers', definition: { type: 'store', orgUnitId: unit.id, activity: 'visited' } },
        });
        expect(created.statusCode, created.body).toBe(201);
        await page.goto(`${server.url}/customers/segments/${created.json().id}`);
        const store = page.getByTestId('segment-definition').getByTestId('condition-store');
        await store.filter({ hasText: unit.name }).waitFor();
        expect(await store.textContent()).not.toContain(unit.id);
        await page.screenshot({ path: path.join(screenshots, 'customers-segment-history-en.png'), fullPage: true });
      } finally {
        await context.close();
      }
    },
    2 * browserTestTimeout, // the 2-core box is shared: cold pages take longer under load
  );

  it(
    'lets a marketer on a phone read a person and the segments, without the sources or privacy screens',
    async () => {
      const { context, page } = await openPage(marketer, phoneChinese);
      try {
        await page.goto(`${server.url}/customers/profiles/${profileId}`);
        await page.getByTestId('profile-title').filter({ hasText: '王芳' }).waitFor();
        expect(await page.getByTestId('profile-merge').count()).toBe(0);
        expect(await page.getByTestId('profile-delete').count()).toBe(0);
        // nothing sticks out sideways at phone width
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
        await page.screenshot({ path: path.join(screenshots, 'customers-profile-phone-zh.png'), fullPage: true });
        await page.goto(`${server.url}/customers/segments`);
        await page.getByTestId('segment-name-link').filter({ hasText: 'Recent buyers' }).click();
        // a segment's entries and exits fit a phone
        await page.getByTestId('segment-history').getByTestId('segment-history-person').first().waitFor();
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
        await page.screenshot({ path: path.join(screenshots, 'customers-segment-phone-zh.png'), fullPage: true });
        await page.goto(`${server.url}/customers/segments`);
        await page.getByTestId('segment-name-link').filter({ hasText: 'Recent buyers' }).waitFor();
        expect(await page.getByTestId('segment-create').count()).toBe(1);
        // the builder fits a phone too
        await page.getByTestId('segment-create').click();
        await page.getByTestId('segment-builder').waitFor();
        await expect.poll(() => page.getByTestId('segment-live-count').getAttribute('data-count'), { timeout: 20_000 }).toBe('1');
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
        await page.screenshot({ path: path.join(screenshots, 'customers-builder-phone-zh.png'), fullPage: true });
        await page.goto(`${server.url}/customers/sources`);
        // the server refuses the list; the menu does not offer it
        await page.getByTestId('source-list-page').waitFor();
        expect(await page.getByTestId('source-name-link').count()).toBe(0);
      } finally {
        await context.close();
      }
    },
    2 * browserTestTimeout, // the 2-core box is shared: cold pages and charts take longer under load
  );

  it(
    "exports a person's data as JSON, then deletes the person with a receipt",
    async () => {
      const { context, page } = await openPage(admin);
      try {
        await page.goto(`${server.url}/customers/privacy`);
        await page.getByTestId('privacy-new-export').click();
        await page.getByTestId('privacy-subject').fill(profileId);
        await page.locator('.ant-modal-footer:visible .ant-btn-primary').click();
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('privacy-download').click()]);
        const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
        expect(JSON.stringify(exported)).toContain('wang.fang@example.cn');
        await page.locator('.ant-modal-footer:visible .ant-btn-primary').click();
        await page.getByTestId('privacy-requests').locator('tbody tr').filter({ hasText: profileId }).waitFor();

        // deletion from the person's page: typed confirmation, then the receipt (counts, never values)
        await page.goto(`${server.url}/customers/profiles/${profileId}`);
        await page.getByTestId('profile-delete').click();
        await page.locator('.ant-modal:visible input[placeholder="DELETE"]').fill('DELETE');
        await page.locator('.ant-modal-footer:visible .ant-btn-dangerous').click();
        const receipt = page.getByTestId('privacy-receipt');
        await receipt.waitFor();
        expect(await receipt.textContent()).toContain('customer_events');
        expect(await receipt.textContent()).not.toContain('wang.fang');
        await page.screenshot({ path: path.join(screenshots, 'customers-privacy-receipt-zh.png'), fullPage: true });
        await page.locator('.ant-modal-footer:visible .ant-btn-primary').click();
        await page.getByTestId('profile-search-page').waitFor();
        const gone = await server.testApp.app.inject({
          url: '/api/v1/profiles/lookup?type=email&value=wang.fang%40example.cn',
          headers: (await server.testApp.signIn(admin.email)).headers,
        });
        expect(gone.statusCode).toBe(404);
      } finally {
        await context.close();
      }
    },
    2 * browserTestTimeout, // the 2-core box is shared: cold pages and charts take longer under load
  );
});
