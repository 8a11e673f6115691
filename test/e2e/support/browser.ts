import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (playwright cannot download its own browser here). */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a quiet headless Chromium on a machine without network (no background connections). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** A browser with one page whose errors (exceptions, console errors, CSP violations) are collected. */
export interface TestPage {
  browser: Browser;
  page: Page;
  /** Every page error and console error so far: a test ends by asserting it is empty. */
  errors: string[];
}

/** The renderer's note that the first-run System check was shown (src-renderer/src/app.tsx). */
const SYSTEM_CHECK_SHOWN = 'walt-bench.system-check-shown';

/**
 * Launches Chromium (or a wrapper of it, e.g. one that enters a network namespace) and opens a page. The first-run
 * System check is marked as already shown (as a normal user, a failing check would otherwise cover the view under
 * test); `firstRun: true` keeps the first run for the test of that screen.
 */
export async function openTestPage(viewport: { width: number; height: number }, executablePath = CHROMIUM, options: { firstRun?: boolean } = {}): Promise<TestPage> {
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport });
  if (!options.firstRun) await page.addInitScript((key) => localStorage.setItem(key, '1'), SYSTEM_CHECK_SHOWN);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return { browser, page, errors };
}
