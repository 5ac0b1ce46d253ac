// An HQ admin at a desktop: sign-in, dashboard, store filters, weekly hours, language switch.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { startTestServer } from '../test/harness.ts';
import { browserTestTimeout, describeInBrowser, desktopChinese, launchBrowser } from './browser.ts';
import { ensureConsoleBuilt } from './console-build.ts';
import type { StoreStatus } from '../console/src/lib/api-types.ts';
import zhCN from '../console/src/i18n/zh-CN.json' with { type: 'json' };
import { expectSearchParam, fillSearch, loadedStoreCount, pickOption, signIn, storeCountAfterChange, textsOf } from './console-pages.ts';

const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const admin = { email: 'admin@demo.storeos.dev', password: 'storeos-demo' };
// enough stores for every lifecycle state to turn up (nine in ten demo stores are open)
const demoStores = 80;

describeInBrowser('the console for an HQ admin', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startTestServer({ demoStores });
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext(desktopChinese);
    page = await context.newPage();
  });

  afterEach(async () => {
    await context.close();
  });

  it(
    'sends a visitor to sign-in, and shows the dashboard after signing in',
    async () => {
      await page.goto(`${server.url}/stores`);
      await page.getByTestId('sign-in-card').waitFor();
      expect(new URL(page.url()).pathname).toBe('/sign-in');

      await page.getByTestId('sign-in-email').fill(admin.email);
      await page.getByTestId('sign-in-password').fill('wrong-password');
      await page.getByTestId('sign-in-submit').click();
      await page.getByTestId('sign-in-error').waitFor();

      await page.getByTestId('sign-in-password').fill(admin.password);
      await page.getByTestId('sign-in-submit').click();
      // back where the visitor was going
      await page.getByTestId('store-filters').waitFor();
      expect(new URL(page.url()).pathname).toBe('/stores');

      await page.getByTestId('nav-home').click();
      const welcome = page.getByTestId('welcome-card');
      await welcome.waitFor();
      expect(await welcome.textContent()).toContain('欢迎');
      expect(await textsOf(page, 'welcome-grant')).toEqual([expect.stringContaining('总部管理员')]);
      const total = page.getByTestId('store-summary-total');
      await total.waitFor();
      expect(await total.textContent()).toContain(String(demoStores));
      await page.getByTestId('store-summary-chart').locator('canvas').waitFor();
    },
    browserTestTimeout,
  );

  it(
    'narrows the store list by status and by search text, in the address too',
    async () => {
      await signIn(page, server.url, admin.email, admin.password);
      await page.goto(`${server.url}/stores`);
      const firstPage = await loadedStoreCount(page);
      expect(firstPage).toBe(Math.min(demoStores, 50));

      // a state some stores are in, but not most: the one with the fewest stores
      const summary = await page.evaluate(async () => (await fetch('/api/v1/stores/summary')).json());
      const [status] = Object.entries(summary.byStatus as Record<StoreStatus, number>)
        .filter(([, count]) => count > 0)
        .sort(([, a], [, b]) => a - b)[0] as [StoreStatus, number];
      await pickOption(page, 'store-filter-status', zhCN.store.status[status]);
      const inStatus = await storeCountAfterChange(page, firstPage);
      expect(inStatus).toBe(summary.byStatus[status]);
      expect(inStatus).toBeLessThan(firstPage);
      expectSearchParam(page, 'status', status);
      const statuses = await page
        .getByTestId('store-table')
        .getByTestId('store-status-tag')
        .evaluateAll((tags) => tags.map((tag) => tag.getAttribute('data-status')));
      expect(new Set(statuses)).toEqual(new Set([status]));

      // search by code, over all states again
      await page.getByTestId('store-filter-status').locator('.ant-select-clear').click({ force: true });
      await storeCountAfterChange(page, inStatus);
      const code = (await textsOf(page, 'store-row-code'))[3];
      await fillSearch(page, code);
      const found = await storeCountAfterChange(page, firstPage);
      expect(found).toBe(1);
      expectSearchParam(page, 'q', code);
      expect(await textsOf(page, 'store-row-code')).toEqual([code]);

      // the filtered list survives a reload: it lives in the address
      await page.reload();
      expect(await loadedStoreCount(page)).toBe(1);
    },
    browserTestTimeout,
  );

  it(
    "saves a store's weekly hours and keeps them after a reload",
    async () => {
      await signIn(page, server.url, admin.email, admin.password);
      await page.goto(`${server.url}/stores?status=open`);
      await loadedStoreCount(page);
      await page.getByTestId('store-table').getByTestId('store-name').first().click();
      await page.getByTestId('weekly-hours').waitFor();

      // Monday: open from 08:30 to 21:15 in one range; Sunday closed
      const monday = page.getByTestId('hours-day-1');
      if ((await monday.getByTestId('hours-day-1-open').getAttribute('aria-checked')) !== 'true') {
        await monday.getByTestId('hours-day-1-open').click();
      }
      while ((await monday.getByTestId('hours-1-1-opens').count()) > 0) {
        await monday.getByRole('button', { name: '删除时段' }).last().click();
      }
      await page.getByTestId('hours-1-0-opens').fill('0830');
      await page.getByTestId('hours-1-0-closes').fill('21:15');
      await page.getByTestId('hours-1-0-closes').blur();
      expect(await page.getByTestId('hours-1-0-opens').inputValue()).toBe('08:30');
      if ((await page.getByTestId('hours-day-7-open').getAttribute('aria-checked')) === 'true') {
        await page.getByTestId('hours-day-7-open').click();
      }
      await page.getByTestId('hours-save').click();
      await expect.poll(() => page.getByTestId('hours-save').isDisabled()).toBe(true);

      await page.reload();
      await page.getByTestId('hours-1-0-opens').waitFor();
      expect(await page.getByTestId('hours-1-0-opens').inputValue()).toBe('08:30');
      expect(await page.getByTestId('hours-1-0-closes').inputValue()).toBe('21:15');
      expect(await page.getByTestId('hours-1-1-opens').count()).toBe(0);
      expect(await page.getByTestId('hours-day-7-open').getAttribute('aria-checked')).toBe('false');

      mkdirSync(screenshots, { recursive: true });
      await page.screenshot({ path: path.join(screenshots, 'store-page-zh.png'), fullPage: true });
    },
    browserTestTimeout,
  );

  it(
    'switches to English and back to Chinese, and remembers the choice',
    async () => {
      await signIn(page, server.url, admin.email, admin.password);
      const storesEntry = page.getByTestId('nav-stores');
      expect(await storesEntry.textContent()).toBe('门店');

      await page.getByTestId('language-switch').click();
      await expect.poll(() => storesEntry.textContent()).toBe('Stores');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      await page.reload();
      await storesEntry.waitFor();
      expect(await storesEntry.textContent()).toBe('Stores');
      expect(await page.evaluate(() => localStorage.getItem('storeos.lang'))).toBe('en');

      await page.getByTestId('language-switch').click();
      await expect.poll(() => storesEntry.textContent()).toBe('门店');
      await page.reload();
      await storesEntry.waitFor();
      expect(await storesEntry.textContent()).toBe('门店');
    },
    browserTestTimeout,
  );
});
