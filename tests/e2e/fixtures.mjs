// Shared fixtures: a fresh static server per test (its own origin, so its own IndexedDB and
// service worker), and helpers every spec uses.
import { test as base, expect } from '@playwright/test';
import { startServer, servedByWorker } from './serve.mjs';

/** KEFU_E2E_NOW (a local date and time, e.g. 2026-12-06T10:00): the suites run as on another
 *  day (a weekend, a holiday, a year's end). The clocks of the test (Date in this worker) and of
 *  every page it opens start there together and run on, over reloads too. A test that sets a
 *  page's clock itself still does. */
const NOW = process.env.KEFU_E2E_NOW ? new Date(process.env.KEFU_E2E_NOW) : null;
if (NOW && Number.isNaN(NOW.getTime())) throw new Error(`KEFU_E2E_NOW is not a date: ${process.env.KEFU_E2E_NOW}`);
const OFFSET = NOW ? NOW.getTime() - Date.now() : 0;
/** Moves `Date` (now and `new Date()`) by `offset` ms; run in this worker and in each page. */
function shiftDate(offset) {
  const RealDate = Date;
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() { return RealDate.now() + offset; }
  };
}
if (NOW) shiftDate(OFFSET);
const shifted = async (context) => {
  if (NOW) await context.addInitScript(shiftDate, OFFSET);
  return context;
};

export const test = base.extend({
  browser: [async ({ browser }, use) => {
    // Every context, the test's default one too, is made by browser.newContext.
    const newContext = browser.newContext.bind(browser);
    browser.newContext = async (options) => shifted(await newContext(options));
    await use(browser);
  }, { scope: 'worker' }],
  server: async ({}, use) => {
    const s = await startServer();
    await use(s);
    await s.stop().catch(() => {});
  },
  baseURL: async ({ server }, use) => { await use(server.url); },
  page: async ({ page }, use) => {
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error' && /panicked/.test(m.text())) errors.push(m.text()); });
    await use(page);
    expect(errors, 'no uncaught errors or panics in the page').toEqual([]);
  },
});
export { expect, servedByWorker };

/** A path for a file the running test writes (a backup, a CSV): in its own output folder
 * under test-results/, which the next run clears, never left behind in the system's /tmp. */
export function tmpPath(name) {
  return test.info().outputPath(name);
}

/** Opens a path and waits until the app has opened its data. */
export async function open(page, path = '/') {
  await page.goto(path);
  await expect(page.locator('html[data-boot]')).toHaveCount(1, { timeout: 20_000 });
  await expect(page.locator('.boot')).toHaveCount(0);
}
