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
