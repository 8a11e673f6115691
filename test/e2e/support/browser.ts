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

/** Launches Chromium (or a wrapper of it, e.g. one that enters a network namespace) and opens a page. */
export async function openTestPage(viewport: { width: number; height: number }, executablePath = CHROMIUM): Promise<TestPage> {
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return { browser, page, errors };
}
