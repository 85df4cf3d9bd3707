/** What the browser tests share: Debian's chromium, how it is launched, and checks that run in the page. */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';

/** Debian's chromium; OMS_TEST_CHROMIUM overrides it (e.g. to check the missing-browser paths). */
export const CHROMIUM = process.env.OMS_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const chromiumMissing = !existsSync(CHROMIUM);
/** Under CI=true a missing browser fails the run instead of skipping it. */
export const mustRun = process.env.CI === 'true';

/** Where the screenshots go (kept as test artifacts). */
export const SHOTS = 'test-results';
export const tid = (id: string) => `[data-testid="${id}"]`;

/* The functions below run in the page (page.evaluate): its globals are reached through `globalThis`. */

/** Controls (buttons, links, fields) without an accessible name on the page. */
export function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as any).document;
    const named = (el: any) => {
      const labelled = el.getAttribute('aria-labelledby')?.split(/\s+/).map((id: string) => doc.getElementById(id)?.textContent?.trim()).join('');
      return Boolean(el.getAttribute('aria-label')?.trim() || labelled || el.labels?.length || el.textContent?.trim() || el.getAttribute('title'));
    };
    return [...doc.querySelectorAll('button, a[href], input:not([type="hidden"]), select, textarea')]
      .filter((el: any) => el.offsetParent !== null && !named(el)).map((el: any) => String(el.outerHTML).slice(0, 120));
  });
}

/** Logs in through the app's log-in page and waits for the signed-in shell. */
export async function logIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/app/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator(tid('session-user')).waitFor();
}

/**
 * A screenshot of the whole page at this width: the app scrolls inside its `main`, so the window is
 * made as tall as what that scroller holds (a plain fullPage shot would stop at the window's height).
 */
export async function shootWhole(page: Page, path: string, width: number): Promise<void> {
  const size = page.viewportSize()!;
  const base = width < 800 ? 844 : 900;
  await page.setViewportSize({ width, height: base });
  const height = await page.evaluate(() => {
    const doc = (globalThis as any).document;
    const main = doc.querySelector('main');
    return main ? doc.documentElement.scrollHeight + main.scrollHeight - main.clientHeight : doc.documentElement.scrollHeight;
  });
  await page.setViewportSize({ width, height: Math.min(Math.max(base, height), 6000) });
  await page.screenshot({ path });
  await page.setViewportSize(size);
}
