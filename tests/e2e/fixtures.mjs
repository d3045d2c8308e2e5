// Shared fixtures: a fresh static server per test (its own origin, so its own IndexedDB and
// service worker), and helpers every spec uses.
import { test as base, expect } from '@playwright/test';
import { startServer, servedByWorker } from './serve.mjs';

export const test = base.extend({
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
