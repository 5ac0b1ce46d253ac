// Store operations end to end: HQ sends a task from the console on a desktop, and a store manager finds it on
// the today board of a phone, ticks the checklist, takes the photo and submits it.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { tinyPng } from '../src/modules/operations/operations-test-kit.ts';
import { startTestServer } from '../test/harness.ts';
import { browserTestTimeout, describeInBrowser, desktopChinese, launchBrowser, phoneChinese } from './browser.ts';
import { ensureConsoleBuilt } from './console-build.ts';
import { signIn } from './console-pages.ts';

const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const password = 'storeos-demo';
const taskName = '检查价签 Price label check';

describeInBrowser('operations in the console: HQ sends, a store manager completes on a phone', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let templateId = '';

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startTestServer({ demoStores: 12 });
    const t = server.testApp;
    // The store manager's store is open, so the send's default target (open stores) reaches it.
    await t.db.pool.query("UPDATE stores SET status = 'open' WHERE code = (SELECT min(code) FROM stores)");
    const admin = await t.signIn('admin@demo.storeos.dev');
    const root = (await t.db.pool.query('SELECT id FROM org_units WHERE parent_id IS NULL')).rows[0].id as string;
    const made = await t.app.inject({
      method: 'POST',
      url: '/api/v1/task-templates',
      headers: admin.headers,
      payload: {
        orgUnitId: root,
        name: taskName,
        definition: {
          estimatedMinutes: 10,
          instructions: '每个货架拍一张照片',
          items: [
            { key: 'done', label: '价签已核对', type: 'checkbox' },
            { key: 'photo', label: '货架照片', type: 'photo' },
          ],
        },
      },
    });
    expect(made.statusCode, made.body).toBe(201);
    templateId = made.json().id;
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(
    'sends from the send dialog, and is completed with a photo on a 390 px phone',
    async () => {
      const hq = await browser.newContext(desktopChinese);
      const desk = await hq.newPage();
      try {
        await signIn(desk, server.url, 'admin@demo.storeos.dev', password);
        // HQ adds a picture of the finished display to the instructions.
        await desk.goto(`${server.url}/operations/templates/${templateId}`);
        const images = desk.getByTestId('designer-images');
        await images.locator('input[type=file]').setInputFiles({ name: 'display.png', mimeType: 'image/png', buffer: tinyPng });
        await images.locator('img').first().waitFor();
        await desk.getByTestId('designer-save').click();
        await expect
          .poll(async () => (await server.testApp.db.pool.query('SELECT current_version AS version FROM task_templates WHERE id = $1', [templateId])).rows[0].version)
          .toBe(2);
        await desk.goto(`${server.url}/operations/templates`);
        await desk.getByTestId(`template-send-${taskName}`).click();
        const subtree = desk.getByTestId('send-subtree');
        const dueInput = desk.locator('[data-testid="send-due"] input, input[data-testid="send-due"]').first();
        const dueText = '2030-01-31 18:00';
        // A busy page may drop a click or keystrokes (a pop-up still opening or closing): check each field and fill it
        // again until the preview shows.
        await vi.waitFor(
          async () => {
            if ((await subtree.locator('.ant-select-selection-item').count()) === 0) {
              await subtree.click();
              await desk.locator('.ant-select-dropdown:visible .ant-select-tree-node-content-wrapper').first().click({ timeout: 3000 });
            }
            if ((await dueInput.inputValue()) !== dueText) {
              await dueInput.click();
              await dueInput.fill(dueText);
              await dueInput.press('Enter');
            }
            await desk.getByTestId('send-preview').click();
            await desk.getByTestId('send-store-count').waitFor({ timeout: 3000 });
          },
          { timeout: 60_000, interval: 500 },
        );
        const count = Number(await desk.getByTestId('send-store-count').locator('.ant-statistic-content-value').textContent());
        expect(count).toBeGreaterThan(0);
        await desk.getByTestId('send-confirm').click();
        await desk.getByTestId('send-form').waitFor({ state: 'detached' });
        mkdirSync(screenshots, { recursive: true });
      } finally {
        await hq.close();
      }
      const sent = await server.testApp.db.pool.query('SELECT count(*)::int AS n FROM task_instances');
      expect(sent.rows[0].n).toBeGreaterThan(0);

      const phone = await browser.newContext(phoneChinese);
      const page = await phone.newPage();
      try {
        await signIn(page, server.url, 'store.manager@demo.storeos.dev', password);
        await page.getByTestId('nav-hamburger').click();
        await page.getByTestId('nav-todayBoard').click();
        await page.getByTestId('board-task').filter({ hasText: taskName }).first().click();
        await page.getByTestId('task-page').waitFor();
        // The store sees HQ's picture, loaded through its task.
        const picture = page.getByTestId('task-instructions').locator('img');
        await picture.waitFor();
        await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
        // The manager gives it to the store's associate, and the page says so.
        await page.getByTestId('task-assignee').click();
        await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '张店员' }).click();
        await expect
          .poll(async () => (await server.testApp.db.pool.query('SELECT count(*)::int AS n FROM task_instances WHERE assignee_id IS NOT NULL')).rows[0].n)
          .toBe(1);
        await page.getByTestId('task-assignee').filter({ hasText: '张店员' }).waitFor();
        await page.getByTestId('answer-done').click();
        await page.getByTestId('answer-photo').locator('input[type=file]').setInputFiles({ name: 'shelf.png', mimeType: 'image/png', buffer: tinyPng });
        await page.getByTestId('answer-photo').locator('img').first().waitFor();
        await page.getByTestId('task-submit').click();
        await page.locator('[data-testid="task-status"][data-status="approved"]').waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(screenshots, 'operations-task-phone-zh.png'), fullPage: true });
      } finally {
        await phone.close();
      }
      const done = await server.testApp.db.pool.query(
        'SELECT t.status, t.answers FROM task_instances t JOIN stores s ON s.id = t.store_id WHERE s.code = (SELECT min(code) FROM stores) AND t.title = $1',
        [taskName],
      );
      expect(done.rows[0].status).toBe('approved');
      expect(done.rows[0].answers.photo).toHaveLength(1);
    },
    browserTestTimeout,
  );
});
