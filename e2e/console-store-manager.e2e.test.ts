// A store manager on a phone: the drawer menu, and only their own store in the list.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer } from '../test/harness.ts';
import { browserTestTimeout, describeInBrowser, launchBrowser, phoneChinese } from './browser.ts';
import { ensureConsoleBuilt } from './console-build.ts';
import { loadedStoreCount, signIn } from './console-pages.ts';

const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const storeManager = { email: 'store.manager@demo.storeos.dev', password: 'storeos-demo' };

describeInBrowser('the console for a store manager on a phone', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startTestServer({ demoStores: 20 });
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(
    'shows only their one store, reached through the drawer menu at 390 px',
    async () => {
      const context = await browser.newContext(phoneChinese);
      const page = await context.newPage();
      try {
        await signIn(page, server.url, storeManager.email, storeManager.password);
        // no side bar on a phone: the menu sits behind the hamburger
        expect(await page.getByTestId('side-menu').count()).toBe(0);
        await page.getByTestId('nav-hamburger').click();
        await page.getByTestId('nav-stores').click();

        expect(await loadedStoreCount(page)).toBe(1);
        const cards = page.getByTestId('store-card');
        expect(await cards.count()).toBe(1);
        expect(await page.getByTestId('store-table').count()).toBe(0);
        // nothing wider than the phone: no sideways scrolling of the page
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);

        mkdirSync(screenshots, { recursive: true });
        await page.screenshot({ path: path.join(screenshots, 'store-list-phone-zh.png'), fullPage: true });

        await cards.first().click();
        await page.getByTestId('weekly-hours').waitFor();
        // a store manager may edit hours but not move the store through its lifecycle
        expect(await page.getByTestId('hours-save').count()).toBe(1);
        expect(await page.getByTestId('lifecycle-actions').count()).toBe(0);
        const pageOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(pageOverflow).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(screenshots, 'store-page-phone-zh.png'), fullPage: true });
      } finally {
        await context.close();
      }
    },
    browserTestTimeout,
  );
});
