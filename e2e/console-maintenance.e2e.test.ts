// A technician's day in the console, in Chinese: the work-order board, a work order moved from open to
// complete with a signature drawn on the pad, and the history that keeps every step.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer } from '../test/harness.ts';
import { browserTestTimeout, describeInBrowser, desktopChinese, launchBrowser, phoneChinese } from './browser.ts';
import { ensureConsoleBuilt } from './console-build.ts';
import { signIn, steady } from './console-pages.ts';

const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

async function statusIs(page: Page, status: string) {
  await page.locator(`[data-testid="wo-page"] [data-testid="wo-status"][data-status="${status}"]`).waitFor();
}

describeInBrowser('maintenance in the console', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let workOrderId = '';
  let assetId = '';

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startTestServer({ demoStores: 4 });
    browser = await launchBrowser();
    const t = server.testApp;
    const admin = await t.signIn('admin@demo.storeos.dev');
    const stores = (await t.app.inject({ url: '/api/v1/stores?limit=1', headers: admin.headers })).json().data;
    const tech = await t.signIn('technician@demo.storeos.dev');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/work-orders',
      headers: admin.headers,
      payload: { storeId: stores[0].id, title: '冷柜温度过高', priority: 'urgent', checklist: ['检查门封', '清洁冷凝器'], assigneeUserId: tech.userId },
    });
    workOrderId = created.json().id;
    const asset = await t.app.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: admin.headers,
      payload: { storeId: stores[0].id, name: '展示冷柜 1', category: 'refrigeration' },
    });
    assetId = asset.json().id;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(
    'a technician moves a work order from open to complete with a drawn signature',
    async () => {
      const context = await browser.newContext(desktopChinese);
      const page = await context.newPage();
      try {
        await signIn(page, server.url, 'technician@demo.storeos.dev', 'storeos-demo');
        await page.getByTestId('nav-workOrders').click();
        await page.locator(`[data-testid="wo-column-OPEN"] [data-testid="wo-card"][data-id="${workOrderId}"]`).click();
        await statusIs(page, 'OPEN');

        await page.getByTestId('wo-move-IN_PROGRESS').click();
        await statusIs(page, 'IN_PROGRESS');
        await page.getByTestId('wo-check-c1').click();
        // The box shows ticked once the saved work order is back: the next move carries its new version.
        await expect.poll(() => page.getByTestId('wo-check-c1').isChecked()).toBe(true);
        await page.getByTestId('wo-move-ON_HOLD').click();
        await statusIs(page, 'ON_HOLD');
        // On hold it cannot be completed: only resume or cancel are offered.
        expect(await page.getByTestId('wo-move-COMPLETE').count()).toBe(0);
        await page.getByTestId('wo-move-IN_PROGRESS').click();
        await statusIs(page, 'IN_PROGRESS');

        await page.getByTestId('wo-move-COMPLETE').click();
        const pad = page.getByTestId('signature-pad');
        await pad.waitFor();
        // The dialog zooms in: draw only once the pad has stopped moving, or the strokes land beside it.
        await steady(page, '[data-testid="signature-pad"]');
        const box = await pad.boundingBox();
        if (!box) throw new Error('no signature pad');
        await page.mouse.move(box.x + 20, box.y + 40);
        await page.mouse.down();
        for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + 20 + i * 20, box.y + 40 + (i % 2) * 50);
        await page.mouse.up();
        await page.getByTestId('signature-ok').click();
        await statusIs(page, 'COMPLETE');
        await page.getByTestId('wo-signature').waitFor();
        expect(await page.getByTestId('wo-history-item').count()).toBeGreaterThanOrEqual(6);

        mkdirSync(screenshots, { recursive: true });
        await page.screenshot({ path: path.join(screenshots, 'work-order-complete-zh.png'), fullPage: true });

        const detail = await server.testApp.app.inject({
          url: `/api/v1/work-orders/${workOrderId}`,
          headers: (await server.testApp.signIn('admin@demo.storeos.dev')).headers,
        });
        expect(detail.json()).toMatchObject({
          status: 'COMPLETE',
          checklist: [
            { id: 'c1', done: true },
            { id: 'c2', done: false },
          ],
        });
        expect(detail.json().signature.contentType).toBe('image/png');
      } finally {
        await context.close();
      }
    },
    browserTestTimeout,
  );

  it(
    'shows the board one state at a time on a phone, and the asset page with its QR code',
    async () => {
      const context = await browser.newContext(phoneChinese);
      const page = await context.newPage();
      try {
        await signIn(page, server.url, 'technician@demo.storeos.dev', 'storeos-demo');
        await page.getByTestId('nav-hamburger').click();
        await page.getByTestId('nav-workOrders').click();
        await page.getByTestId('wo-board').waitFor();
        // One column at a time, picked with the segmented control; the completed one is under COMPLETE.
        await page.locator('[data-testid^="wo-column-"]').first().waitFor();
        expect(await page.locator('[data-testid^="wo-column-"]').count()).toBe(1);
        await page.getByText('已完成', { exact: false }).first().click();
        await page.locator(`[data-testid="wo-column-COMPLETE"] [data-testid="wo-card"][data-id="${workOrderId}"]`).waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        mkdirSync(screenshots, { recursive: true });
        await page.screenshot({ path: path.join(screenshots, 'work-order-board-phone-zh.png'), fullPage: true });

        await page.goto(`${server.url}/maintenance/assets/${assetId}`);
        const qr = page.locator('[data-testid="asset-qr"] img');
        await qr.waitFor();
        await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(screenshots, 'asset-qr-phone-zh.png'), fullPage: true });
      } finally {
        await context.close();
      }
    },
    browserTestTimeout,
  );
});
