/**
 * bench:rack's UI half: Chromium (in the bench's network namespace, where the backend's station listens) opens the
 * Rack mode of the Boot check view on the running check and records, while the 50 boards come and go, every
 * animation frame's interval and every long task (the main thread busy > 50 ms): the table must stay responsive.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, openTestPage, type TestPage } from '../e2e/support/browser.js';

/** What the page saw while the check ran. */
export interface UiFigures {
  frames: number[];
  longTasks: number[];
  rows: number;
  errors: string[];
}

/** A page watching the rack check; finish() stops the recording once the table shows `rows` boards. */
export interface RackWatch {
  finish(rows: number): Promise<UiFigures>;
  close(): Promise<void>;
}

interface Recorder {
  frames: number[];
  longTasks: number[];
  stop: boolean;
}

/** Installs window.__rack: every animation frame's interval and every long task, until `stop`. */
const RECORDER = `(() => {
  const rec = { frames: [], longTasks: [], stop: false };
  window.__rack = rec;
  let last = performance.now();
  const tick = (t) => {
    rec.frames.push(t - last);
    last = t;
    if (!rec.stop) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) rec.longTasks.push(e.duration);
  }).observe({ type: 'longtask' });
})()`;

export async function watchRack(ns: string, url: string, dir: string): Promise<RackWatch> {
  const wrapper = join(dir, 'chromium-in-netns.sh');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const opened: TestPage = await openTestPage({ width: 1366, height: 900 }, wrapper);
  const { page, browser, errors } = opened;
  const testId = (id: string) => page.locator(`[data-testid="${id}"]`);
  try {
    await page.goto(url);
    await testId('connection-state').filter({ hasText: 'connected' }).waitFor({ timeout: 15_000 });
    await testId('tab-check').click();
    await testId('check-mode-switch-rack').click();
    // the view picks up the check already running on the station
    await page.locator('[data-testid="rack-summary"][data-phase="running"]').waitFor({ timeout: 15_000 });
    // a string, not a function: tsx's names helper (__name) does not exist in the page
    await page.evaluate(RECORDER);
  } catch (error) {
    await browser.close().catch(() => undefined);
    throw error;
  }
  return {
    async finish(rows) {
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="rack-row"]').length >= n, rows, { timeout: 15_000 }).catch(() => undefined);
      const rec = (await page.evaluate('(() => { const r = window.__rack; r.stop = true; return { frames: r.frames.slice(1), longTasks: r.longTasks }; })()')) as Pick<Recorder, 'frames' | 'longTasks'>;
      const shown = await page.locator('[data-testid="rack-row"]').count();
      return { ...rec, rows: shown, errors: [...errors] };
    },
    close: () => browser.close(),
  };
}
