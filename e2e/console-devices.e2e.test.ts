// An HQ admin watching a store's devices: live values from the HTTP device API, a shared attribute
// edited, and an alarm the telemetry raised acknowledged in the chain-wide alarm list.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Device, ListedAlarm, Page as ListPage, Store } from '../console/src/lib/api-types.ts';
import { demoDeviceToken } from '../src/modules/devices/index.ts';
import { startTestServer, type TestSession } from '../test/harness.ts';
import { browserTestTimeout, describeInBrowser, desktopChinese, launchBrowser, phoneChinese } from './browser.ts';
import { ensureConsoleBuilt } from './console-build.ts';
import { signIn } from './console-pages.ts';

const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const admin = { email: 'admin@demo.storeos.dev', password: 'storeos-demo' };

describeInBrowser('the devices console for an HQ admin', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let api: TestSession;
  let store: Store;
  let fridge: Device;

  /** A GET of the REST API as the admin, through the app (no browser). */
  async function get<T>(url: string): Promise<T> {
    const res = await server.testApp.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: api.headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as T;
  }

  /** Telemetry as a device sends it over the HTTP device API, with its access token. */
  async function sendTelemetry(values: Record<string, unknown>): Promise<void> {
    const token = demoDeviceToken('demo', store.code, 'fridge-1');
    const res = await fetch(`${server.url}/api/v1/${token}/telemetry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(values),
    });
    expect(res.status, await res.text()).toBe(200);
  }

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startTestServer({ demoStores: 2 });
    browser = await launchBrowser();
    api = await server.testApp.signIn(admin.email);
    store = (await get<ListPage<Store>>('/stores?q=S0001&limit=1')).data[0];
    fridge = (await get<ListPage<Device>>(`/stores/${store.id}/devices?q=fridge-1`)).data[0];
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openPage(options = desktopChinese): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    await signIn(page, server.url, admin.email, admin.password);
    return { context, page };
  }

  it(
    "shows a store's devices, a device's live value, edits a shared attribute, and acknowledges the alarm the value raised",
    async () => {
      const { context, page } = await openPage();
      try {
        // the store page lists its demo devices, following the store's live events
        await page.goto(`${server.url}/stores/${store.id}`);
        const devices = page.getByTestId('store-devices');
        await devices.getByTestId('store-device').first().waitFor();
        expect(await devices.getByTestId('store-device').count()).toBe(8);
        await devices.getByTestId('live-state').and(page.locator('[data-state="live"]')).waitFor();

        await devices.getByTestId('store-device-name').filter({ hasText: fridge.name }).click();
        await page.getByTestId('device-title').filter({ hasText: fridge.name }).waitFor();
        await page.getByTestId('device-header').getByTestId('live-state').and(page.locator('[data-state="live"]')).waitFor();

        // a value sent through the HTTP device API appears without a reload; 13.7 °C trips the fridge's CRITICAL rule (> 12)
        await sendTelemetry({ temperature: 13.7, door: false });
        const temperature = page.getByTestId('latest-value').and(page.locator('[data-key="temperature"]'));
        await expect.poll(() => temperature.getByTestId('latest-value-text').textContent(), { timeout: 10_000 }).toBe('13.7');
        await expect.poll(() => page.getByTestId('device-online').first().getAttribute('data-online')).toBe('true');
        mkdirSync(screenshots, { recursive: true });
        await page.screenshot({ path: path.join(screenshots, 'device-page-zh.png'), fullPage: true });

        // a shared attribute: added, then changed
        await page.getByTestId('device-tab-attributes').click();
        await page.getByTestId('attribute-scope').getByText('共享').click();
        await page.getByTestId('attribute-add').click();
        const form = page.getByTestId('attribute-form');
        await form.getByTestId('attribute-key').fill('displayMessage');
        await form.getByTestId('attribute-value').fill('欢迎光临');
        await page.locator('.ant-modal-footer:visible .ant-btn-primary').click();
        const row = page.getByTestId('attribute-item').filter({ hasText: 'displayMessage' });
        await expect.poll(() => row.getByTestId('attribute-value-text').textContent()).toBe('欢迎光临');

        await row.getByTestId('attribute-edit').click();
        await page.getByTestId('attribute-form').getByTestId('attribute-value').fill('今日特价');
        await page.locator('.ant-modal-footer:visible .ant-btn-primary').click();
        await expect.poll(() => row.getByTestId('attribute-value-text').textContent()).toBe('今日特价');
        const shared = await get<{ data: { key: string; value: unknown }[] }>(`/devices/${fridge.id}/attributes/shared`);
        expect(shared.data).toContainEqual(expect.objectContaining({ key: 'displayMessage', value: '今日特价' }));

        // the alarm the value raised, in the chain-wide list, acknowledged there
        await page.getByTestId('nav-alarms').click();
        await page.getByTestId('alarm-filters').waitFor();
        const alarmRow = page.getByTestId('alarm-row').filter({ hasText: fridge.name }).filter({ hasText: 'High Temperature' });
        await alarmRow.first().waitFor({ timeout: 20_000 });
        expect(await alarmRow.getByTestId('alarm-severity').getAttribute('data-severity')).toBe('CRITICAL');
        expect(await alarmRow.getByTestId('alarm-status').getAttribute('data-status')).toBe('ACTIVE_UNACK');
        await page.screenshot({ path: path.join(screenshots, 'alarms-zh.png'), fullPage: true });

        await alarmRow.getByTestId('alarm-ack').click();
        await page.locator('.ant-popconfirm-buttons:visible .ant-btn-primary').click();
        await expect.poll(() => alarmRow.getByTestId('alarm-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('ACTIVE_ACK');
        const alarms = await get<ListPage<ListedAlarm>>(`/alarms?deviceId=${fridge.id}&type=High%20Temperature`);
        expect(alarms.data[0]).toMatchObject({ status: 'ACTIVE_ACK', acknowledgedBy: expect.any(String) });
      } finally {
        await context.close();
      }
    },
    browserTestTimeout,
  );

  it(
    "fits a store's devices and a device page on a phone",
    async () => {
      const { context, page } = await openPage(phoneChinese);
      try {
        await page.goto(`${server.url}/stores/${store.id}`);
        await page.getByTestId('store-device').first().waitFor();
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

        await page.goto(`${server.url}/devices/${fridge.id}`);
        await page.getByTestId('latest-values').waitFor();
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
        mkdirSync(screenshots, { recursive: true });
        await page.screenshot({ path: path.join(screenshots, 'device-page-phone-zh.png'), fullPage: true });
      } finally {
        await context.close();
      }
    },
    browserTestTimeout,
  );
});
