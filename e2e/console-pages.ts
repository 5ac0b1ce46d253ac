// What the browser tests do on the console's pages, in the words of the screens.
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** Signs in through the sign-in screen and waits for the signed-in layout. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByTestId('sign-in-email').fill(email);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('user-menu').waitFor();
}

/** The number of stores the list shows once it has finished loading. */
export async function loadedStoreCount(page: Page): Promise<number> {
  const counter = page.locator('[data-testid="store-count"][data-loading="false"]');
  await counter.waitFor();
  return Number(await counter.getAttribute('data-count'));
}

/** Waits until the store list, after a filter change, has loaded something other than `before`. */
export async function storeCountAfterChange(page: Page, before: number): Promise<number> {
  await page.waitForFunction(
    (previous) => {
      const counter = document.querySelector('[data-testid="store-count"]');
      return counter?.getAttribute('data-loading') === 'false' && Number(counter.getAttribute('data-count')) !== previous;
    },
    before,
    { timeout: 15_000 },
  );
  return loadedStoreCount(page);
}

/** Types into the store list's search box and presses Enter. */
export async function fillSearch(page: Page, text: string): Promise<void> {
  const box = page.getByTestId('store-search').locator('input');
  await box.fill(text);
  await box.press('Enter');
}

/** Picks an option of an antd Select by its visible label. */
export async function pickOption(page: Page, selectTestId: string, label: string): Promise<void> {
  const select = page.getByTestId(selectTestId);
  // A busy page may drop a click on a list still opening: choose again until the select shows the choice.
  for (let attempt = 1; ; attempt++) {
    await select.click();
    try {
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: label }).first().click({ timeout: 5000 });
      await select.filter({ hasText: label }).waitFor({ timeout: 5000 });
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

/** The text of every element with this test id. */
export async function textsOf(page: Page, testId: string): Promise<string[]> {
  return (await page.getByTestId(testId).allTextContents()).map((text) => text.trim());
}

/** Asserts what the current address's search parameters say. */
export function expectSearchParam(page: Page, name: string, value: string): void {
  expect(new URL(page.url()).searchParams.get(name)).toBe(value);
}

/** Waits until an element has stopped moving (a drawer or dialog done sliding or zooming in). */
export async function steady(page: Page, selector: string): Promise<void> {
  const box = () => page.locator(selector).boundingBox();
  let last = await box();
  for (let still = 0; still < 2; ) {
    await page.waitForTimeout(100);
    const next = await box();
    still = next !== null && JSON.stringify(next) === JSON.stringify(last) ? still + 1 : 0;
    last = next;
  }
}
