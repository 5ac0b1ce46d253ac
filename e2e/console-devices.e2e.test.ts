// An HQ admin watching a store's devices: live values and online state from the HTTP and MQTT device
// APIs, a shared attribute edited, a command answered by a real MQTT device, a token rotated (its old
// session ends), and alarms the telemetry raised appearing live in the chain-wide list and acknowledged there.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Device, ListedAlarm, Page as ListPage, Store } from '../console/src/lib/api-types.ts';
import { consoleDir } from '../src/app.ts';
import type { Session } from '../src/modules/devices/devices-test-app.ts';
import { demoDeviceToken } from '../src/modules/devices/index.ts';
import { type MqttTestStack, mqttTestStack } from '../src/modules/devices/mqtt-test-stack.ts';
import { browserTestTimeout, describeInBrowser, desktopChinese, launchBrowser, phoneChinese } from './browser.ts';
import { ensureConsoleBuilt } from './console-build.ts';
import { pickOption, signIn } from './console-pages.ts';

const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const admin = { email: 'admin@demo.storeos.dev', password: 'storeos-demo' };

describeInBrowser('the devices console for an HQ admin', () => {
  let stack: MqttTestStack;
  let baseUrl: string;
  let browser: Browser;
  let api: Session;
  let store: Store;
  let fridge: Device;
  const clients: MqttClient[] = [];

  /** A GET of the REST API as the admin, through the app (no browser). */
  async function get<T>(url: string): Promise<T> {
    const res = await stack.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: api.headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as T;
  }

  /** Telemetry as a device sends it over the HTTP device API, with its access token. */
  async function sendTelemetry(values: Record<string, unknown>, slot = 'fridge-1'): Promise<void> {
    const token = demoDeviceToken('demo', store.code, slot);
    const res = await fetch(`${baseUrl}/api/v1/${token}/telemetry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(values),
    });
    expect(res.status, await res.text()).toBe(200);
  }

  /** A real device on the MQTT endpoint, answering server-side RPC as the simulator's devices do. */
  async function mqttDevice(token: string): Promise<MqttClient> {
    const client = await mqtt.connectAsync(stack.mqttUrl, { username: token, clientId: `e2e-${token}`, reconnectPeriod: 0 });
    clients.push(client);
    client.on('message', (topic, payload) => {
      const id = /^v1\/devices\/me\/rpc\/request\/(\d+)$/.exec(topic)?.[1];
      if (!id) return;
      const request = JSON.parse(payload.toString('utf8')) as { method: string; params: { value?: number } };
      const reply = request.method === 'setSetpoint' ? { ok: true, setpoint: request.params.value } : { error: `unknown method ${request.method}` };
      client.publish(`v1/devices/me/rpc/response/${id}`, JSON.stringify(reply), { qos: 1 });
    });
    await client.subscribeAsync('v1/devices/me/rpc/request/+', { qos: 1 });
    return client;
  }

  beforeAll(async () => {
    await ensureConsoleBuilt();
    stack = await mqttTestStack({ stores: 2, consoleDir });
    await stack.app.listen({ port: 0, host: '127.0.0.1' });
    const address = stack.app.server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchBrowser();
    api = await stack.signIn(admin.email);
    store = (await get<ListPage<Store>>('/stores?q=S0001&limit=1')).data[0];
    fridge = (await get<ListPage<Device>>(`/stores/${store.id}/devices?q=fridge-1`)).data[0];
  }, 240_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
    await browser?.close();
    await stack?.close();
  });

  async function openPage(options = desktopChinese): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    await signIn(page, baseUrl, admin.email, admin.password);
    return { context, page };
  }

  it(
    "shows a store's devices, a device's live value, edits a shared attribute, and acknowledges alarms that arrive live",
    async () => {
      const { context, page } = await openPage();
      try {
        // the store page lists its demo devices, following the store's live events
        await page.goto(`${baseUrl}/stores/${store.id}`);
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
        const door = page.getByTestId('latest-value').and(page.locator('[data-key="door"]'));
        await door.waitFor();
        await expect.poll(() => page.getByTestId('device-online').first().getAttribute('data-online')).toBe('true');
        // the dropped-messages card counts per reason: a payload that is not JSON
        const bad = await fetch(`${baseUrl}/api/v1/${demoDeviceToken('demo', store.code, 'fridge-1')}/telemetry`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"temperature": ',
        });
        expect(bad.status).toBe(400);
        await page.reload();
        await page.getByTestId('device-drop').first().waitFor();
        expect(await page.getByTestId('device-drops').textContent()).toContain('不是 JSON');
        mkdirSync(screenshots, { recursive: true });
        await page.screenshot({ path: path.join(screenshots, 'device-page-zh.png'), fullPage: true });

        // the chart of a key over a chosen range draws
        await page.getByTestId('device-tab-charts').click();
        await page.getByTestId('telemetry-chart-card').locator('canvas').first().waitFor();

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

        // the alarm the value raised, in the chain-wide list, which follows the caller's alarms live
        await page.getByTestId('nav-alarms').click();
        await page.getByTestId('alarm-filters').waitFor();
        await page.locator('[data-testid="alarm-live"][data-state="live"]').waitFor();
        const alarmRow = page.getByTestId('alarm-row').filter({ hasText: fridge.name }).filter({ hasText: 'High Temperature' });
        await alarmRow.first().waitFor({ timeout: 20_000 });
        expect(await alarmRow.getByTestId('alarm-severity').getAttribute('data-severity')).toBe('CRITICAL');
        expect(await alarmRow.getByTestId('alarm-status').getAttribute('data-status')).toBe('ACTIVE_UNACK');

        // another fridge overheats while the list is open: its alarm appears without a reload (the list does not poll while live)
        await sendTelemetry({ temperature: 14.2 }, 'fridge-2');
        const liveRow = page
          .getByTestId('alarm-row')
          .filter({ hasText: `${store.code}-fridge-2` })
          .filter({ hasText: 'High Temperature' });
        await liveRow.first().waitFor({ timeout: 10_000 });
        await page.screenshot({ path: path.join(screenshots, 'alarms-zh.png'), fullPage: true });

        await liveRow.getByTestId('alarm-ack').click();
        await page.locator('.ant-popconfirm-buttons:visible .ant-btn-primary').click();
        await expect.poll(() => liveRow.getByTestId('alarm-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('ACTIVE_ACK');
        await alarmRow.getByTestId('alarm-ack').click();
        await page.locator('.ant-popconfirm-buttons:visible .ant-btn-primary').click();
        await expect.poll(() => alarmRow.getByTestId('alarm-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('ACTIVE_ACK');
        const alarms = await get<ListPage<ListedAlarm>>(`/alarms?deviceId=${fridge.id}&type=High%20Temperature`);
        expect(alarms.data[0]).toMatchObject({ status: 'ACTIVE_ACK', acknowledgedBy: expect.any(String) });
      } finally {
        await context.close();
      }
    },
    browserTestTimeout * 2,
  );

  it(
    'shows a device come online live in the store list, sends it a command over MQTT and shows the reply, and rotates its token',
    async () => {
      const { context, page } = await openPage();
      try {
        const hvacName = `${store.code}-hvac-1`;
        await page.goto(`${baseUrl}/stores/${store.id}`);
        const devices = page.getByTestId('store-devices');
        await devices.getByTestId('live-state').and(page.locator('[data-state="live"]')).waitFor();
        const hvacRow = devices.getByTestId('store-device').filter({ hasText: hvacName });
        expect(await hvacRow.getByTestId('device-online').getAttribute('data-online')).toBe('false');
        // the chain's device list, open beside it, follows online changes of the caller's whole scope
        const hvacId = (await get<ListPage<Device>>(`/stores/${store.id}/devices?q=hvac-1`)).data[0].id;
        const listPage = await context.newPage();
        await listPage.goto(`${baseUrl}/devices`);
        await listPage.getByTestId('device-list-page').getByTestId('live-state').and(listPage.locator('[data-state="live"]')).waitFor();
        const listRow = listPage.locator(`tr[data-row-key="${hvacId}"]`);
        expect(await listRow.getByTestId('device-online').getAttribute('data-online')).toBe('false');

        // a real MQTT device connects and reports: the row turns online and shows the values, without a reload
        const hvac = await mqttDevice(demoDeviceToken('demo', store.code, 'hvac-1'));
        await hvac.publishAsync('v1/devices/me/telemetry', JSON.stringify({ temperature: 23.5, setpoint: 22, power: 4.2 }), { qos: 1 });
        await expect.poll(() => hvacRow.getByTestId('device-online').getAttribute('data-online'), { timeout: 10_000 }).toBe('true');
        await expect.poll(() => hvacRow.getByTestId('store-device-values').textContent(), { timeout: 10_000 }).toContain('23.5');
        await expect.poll(() => listRow.getByTestId('device-online').getAttribute('data-online'), { timeout: 10_000 }).toBe('true');
        await listPage.close();

        // a two-way command from the device page, answered by the device
        await hvacRow.getByTestId('store-device-name').click();
        await page.getByTestId('device-title').filter({ hasText: hvacName }).waitFor();
        await page.getByTestId('device-tab-rpc').click();
        await page.getByTestId('rpc-method').fill('setSetpoint');
        await page.getByTestId('rpc-params').fill('{"value": 21}');
        await page.getByTestId('rpc-send').click();
        await page.locator('[data-testid="rpc-outcome"][data-kind="reply"]').waitFor({ timeout: 15_000 });
        expect(JSON.parse((await page.getByTestId('rpc-reply').textContent()) ?? 'null')).toEqual({ ok: true, setpoint: 21 });
        await expect.poll(() => page.getByTestId('rpc-item').first().getByTestId('rpc-status').getAttribute('data-status')).toBe('SUCCESSFUL');

        // the token rotated from the credentials tab is shown once; the session opened with the old one ends at once
        await page.getByTestId('device-tab-credentials').click();
        const ended = new Promise<void>((resolve) => hvac.once('close', () => resolve()));
        await page.getByTestId('credentials-rotate').click();
        await page.locator('.ant-popconfirm-buttons:visible .ant-btn-primary').click();
        const token = (await page.getByTestId('credentials-token').textContent())?.trim() ?? '';
        expect(token).toMatch(/^[A-Za-z0-9]{20}$/);
        await ended;
        await page.getByTestId('credentials-token-done').click();
        expect(await page.getByTestId('credentials-prefix').textContent()).toContain(token.slice(0, 4));
        const again = await mqttDevice(token);
        expect(again.connected).toBe(true);
      } finally {
        await context.close();
      }
    },
    browserTestTimeout * 2,
  );

  it(
    'creates a profile that starts with its kind’s default alarm rules, tests them on pasted telemetry, exports and imports them',
    async () => {
      const { context, page } = await openPage();
      try {
        await page.goto(`${baseUrl}/device-profiles`);
        await page.getByTestId('profile-create').click();
        const form = page.getByTestId('profile-form');
        await form.getByTestId('profile-name').fill('E2E 冷冻柜');
        await pickOption(page, 'profile-kind', '冷冻柜');
        expect(await form.getByTestId('profile-default-rules').getAttribute('aria-checked')).toBe('true');
        await page.locator('.ant-modal-footer:visible .ant-btn-primary').click();
        await page.getByTestId('profile-title').filter({ hasText: 'E2E 冷冻柜' }).waitFor();
        const profileId = new URL(page.url()).pathname.split('/').pop() ?? '';
        const stored = await get<{ rules: { alarmType: string }[] }>(`/device-profiles/${profileId}/alarm-rules`);
        expect(stored.rules.map((rule) => rule.alarmType)).toContain('High Temperature');
        await page.getByTestId('alarm-rules').getByTestId('rule-card').first().waitFor();

        // the test panel: −2 °C in a freezer fires the CRITICAL "High Temperature" condition (> −5), and says why
        const now = Date.now();
        await page.getByTestId('rule-test-sample').fill(JSON.stringify([{ ts: now - 60_000, values: { temperature: -2 } }]));
        await page.getByTestId('rule-test-run').click();
        const report = page.getByTestId('rule-test-report');
        const rule = report.locator('[data-testid="test-rule"][data-alarm-type="High Temperature"]');
        expect(await rule.getAttribute('data-final')).toBe('CRITICAL');
        const fired = rule.locator('[data-testid="test-condition"][data-severity="CRITICAL"]');
        expect(await fired.getAttribute('data-fired')).toBe('true');
        expect(await fired.getByTestId('explain-actual').first().textContent()).toContain('-2');
        await page.screenshot({ path: path.join(screenshots, 'rule-test-zh.png'), fullPage: true });

        // export downloads the storeos.alarm-rules/v1 document
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('rules-export').click()]);
        const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
        expect(exported).toMatchObject({ format: 'storeos.alarm-rules/v1', profile: { id: profileId } });

        // import a file with one rule, save: the profile now holds just that rule
        const doc = {
          format: 'storeos.alarm-rules/v1',
          rules: [{ alarmType: 'Too Cold', createConditions: { WARNING: { expression: { op: '<', key: 'temperature', value: -30 } } } }],
        };
        await page
          .getByTestId('alarm-rules')
          .locator('input[type=file]')
          .setInputFiles({ name: 'rules.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
        await page.getByTestId('rules-save').click();
        await expect
          .poll(async () => (await get<{ rules: { alarmType: string }[] }>(`/device-profiles/${profileId}/alarm-rules`)).rules.map((rule) => rule.alarmType))
          .toEqual(['Too Cold']);
      } finally {
        await context.close();
      }
    },
    browserTestTimeout * 2,
  );

  it(
    "fits a store's devices and a device page on a phone",
    async () => {
      const { context, page } = await openPage(phoneChinese);
      try {
        await page.goto(`${baseUrl}/stores/${store.id}`);
        await page.getByTestId('store-device').first().waitFor();
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

        await page.goto(`${baseUrl}/devices/${fridge.id}`);
        await page.getByTestId('latest-values').waitFor();
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
        mkdirSync(screenshots, { recursive: true });
        await page.screenshot({ path: path.join(screenshots, 'device-page-phone-zh.png'), fullPage: true });
      } finally {
        await context.close();
      }
    },
    browserTestTimeout * 2,
  );
});
