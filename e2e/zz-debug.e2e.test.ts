import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, it } from 'vitest';
import { startTestServer } from '../test/harness.ts';
import { launchBrowser, desktopChinese } from './browser.ts';
import { ensureConsoleBuilt } from './console-build.ts';
import { pickOption, signIn } from './console-pages.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
beforeAll(async () => {
  await ensureConsoleBuilt();
  server = await startTestServer({ demoStores: 30 });
  browser = await launchBrowser();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('debug', async () => {
  const context = await browser.newContext(desktopChinese);
  const page = await context.newPage();
  page.on('console', (m) => console.log('[console]', m.type(), m.text().slice(0, 300)));
  page.on('pageerror', (e) => console.log('[pageerror]', e.message));
  page.on('request', (r) => r.url().includes('/api/') && console.log('[req]', r.method(), r.url()));
  await page.goto(`${server.url}/stores`);
  await page.waitForTimeout(3000);
  console.log('URL', page.url());
  await page.screenshot({ path: 'e2e/screenshots/debug-1.png' });
  await signIn(page, server.url, 'admin@demo.storeos.dev', 'storeos-demo');
  await page.goto(`${server.url}/stores`);
  await page.waitForTimeout(2000);
  const html = await page.getByTestId('store-filter-status').evaluate((el) => el.outerHTML.slice(0, 500));
  console.log('SELECT', html);
  await pickOption(page, 'store-filter-status', '营业中');
  await page.waitForTimeout(2000);
  console.log('URL', page.url());
  await page.screenshot({ path: 'e2e/screenshots/debug-2.png' });
}, 60_000);
