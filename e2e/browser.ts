// Launching Debian's Chromium for the browser tests, and skipping them where it is not installed
// (failing instead when STOREOS_TEST_STRICT=1, so CI cannot pass by skipping).
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContextOptions, chromium } from 'playwright-core';
import { describe, it } from 'vitest';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const strict = process.env.STOREOS_TEST_STRICT === '1';

/** Whether the browser the tests drive is installed. */
export const browserAvailable = existsSync(chromiumPath);

/** How long one browser test may take: a cold page load builds antd's styles and draws charts. */
export const browserTestTimeout = 90_000;

/**
 * `describe` for browser tests: runs them when Chromium is there, skips them when it is not —
 * unless STOREOS_TEST_STRICT=1, where a missing browser is a failure.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (browserAvailable) {
    describe(name, body);
  } else if (strict) {
    describe(name, () => {
      it('has Chromium to run in', () => {
        throw new Error(`Chromium not found at ${chromiumPath}: apt-get install -y chromium fonts-noto-cjk, or set CHROMIUM_PATH`);
      });
    });
  } else {
    describe.skip(`${name} (no Chromium at ${chromiumPath})`, body);
  }
}

/** Starts headless Chromium with the flags a sandboxed CI box needs and nothing phoning home. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A desktop browser window in Chinese (the chain's staff default). */
export const desktopChinese: BrowserContextOptions = {
  viewport: { width: 1366, height: 900 },
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};

/** A phone (390 × 844, the width store staff use) in Chinese. */
export const phoneChinese: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};
