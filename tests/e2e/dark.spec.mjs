// Dark mode: on a device set to dark, every page is dark and every text on it reads (WCAG AA
// contrast against what is behind it); the same walk in the light theme; a printed record stays
// black on white.
import { test, expect, open } from './fixtures.mjs';
import { asManager, setUpStaff } from './helpers.mjs';
import { seedBackup, seedDocs, CUSTOMER_ID } from './customers-seed.mjs';
import { installColour } from './colour.mjs';

const SURVEY = 'survey:01E2E0000000000000000001';
const CASE = 'complaint:01E2E0000000000000000001';

/** Every visible text on the page whose contrast with the first opaque background behind it is
 *  under WCAG AA (4.5, or 3 for large text); disabled controls are exempt. */
function lowContrast(page) {
  return page.evaluate(() => {
    const { lum, background, ratio: contrast } = window.kefuColour;
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const control = el.matches('input:not([type=checkbox]):not([type=radio]):not([type=range]):not([type=file]), select, textarea');
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own && !control) continue;
      if (el.closest(':disabled, [aria-disabled=true], .sr-only, svg, option')) continue;
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      const box = el.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) continue;
      const cs = getComputedStyle(el);
      const back = lum(background(el) || getComputedStyle(document.documentElement).backgroundColor);
      const ratio = contrast(lum(cs.color), back);
      const size = parseFloat(cs.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) {
        const text = control ? `[${el.id || el.tagName}]` : el.textContent.trim().slice(0, 24);
        out.push(`${el.tagName.toLowerCase()}.${String(el.className).replace(/ /g, '.')} “${text}” ${ratio.toFixed(2)}`);
      }
    }
    return out;
  });
}

/** The luminance of the page's background: dark under 0.05, light over 0.8. */
const backgroundLuminance = (page) => page.evaluate(() => window.kefuColour.lum(
  window.kefuColour.background(document.body) || getComputedStyle(document.documentElement).backgroundColor));

const PAGES = [
  ['/', 'dash-urgent-row'], ['/complaints', 'complaint-row'], [`/complaints/${CASE}`, 'narrative'], ['/complaints/new', 'save-complaint'],
  ['/demands', null], ['/customers', null], [`/customers/${CUSTOMER_ID}`, null], ['/journey', null], ['/care', null],
  ['/surveys', null], [`/surveys/${SURVEY}/results`, null], ['/reports', null], ['/quality', null], ['/settings', 'calendar-section'],
];

for (const scheme of ['dark', 'light']) {
  test(`in the ${scheme} theme every staff page and the customer's survey read`, async ({ page }) => {
    test.setTimeout(240_000);
    await installColour(page);
    await page.emulateMedia({ colorScheme: scheme });
    await seedBackup(page, seedDocs());
    await setUpStaff(page);
    await asManager(page);
    const found = [];
    for (const [path, testid] of PAGES) {
      await open(page, path);
      await expect(page.getByTestId('sync-status')).toBeVisible();
      if (testid) await expect(page.getByTestId(testid).first()).toBeVisible({ timeout: 15_000 });
      await expect(page.locator('.page-loading')).toHaveCount(0, { timeout: 15_000 });
      if (path === '/complaints/new') {
        // With the form's errors and the fields' invalid state showing.
        await page.getByTestId('save-complaint').click();
        await expect(page.locator('[aria-invalid=true]').first()).toBeVisible();
      }
      const lum = await backgroundLuminance(page);
      expect(scheme === 'dark' ? lum < 0.05 : lum > 0.8, `${path}: background luminance ${lum}`).toBe(true);
      found.push(...(await lowContrast(page)).map((f) => `${path}: ${f}`));
    }
    // The quarterly chart's lines (not text: 3 to 1 against the panel, WCAG's for graphics).
    await open(page, '/reports?view=quarterly&q=2026Q4');
    const series = page.getByTestId('category-chart').locator('g.series');
    await expect(series.first()).toBeVisible({ timeout: 15_000 });
    for (const g of await series.all()) {
      const ratio = await g.evaluate((el) => {
        const { lum, background, ratio } = window.kefuColour;
        return ratio(lum(getComputedStyle(el.querySelector('polyline')).stroke), lum(background(el.closest('figure'))));
      });
      expect(ratio, 'a chart line against its panel').toBeGreaterThanOrEqual(3);
    }
    // The customer's survey on a phone, with an answer chosen.
    await page.setViewportSize({ width: 390, height: 844 });
    await open(page, `/s/${SURVEY}`);
    const score = page.locator('.score').first();
    await expect(score).toBeVisible({ timeout: 15_000 });
    await score.click();
    found.push(...(await lowContrast(page)).map((f) => `/s: ${f}`));
    expect(found).toEqual([]);
  });
}

test('a printed record stays black on white on a device set to dark', async ({ page }) => {
  await installColour(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  await seedBackup(page, seedDocs());
  await setUpStaff(page);
  await open(page, `/complaints/${CASE}/print`);
  const sheet = page.locator('.record-sheet').first();
  await expect(sheet).toBeVisible({ timeout: 15_000 });
  expect(await sheet.evaluate((s) => getComputedStyle(s).backgroundColor)).toBe('rgb(255, 255, 255)');
  expect(await lowContrast(page)).toEqual([]);
  await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
  expect(await backgroundLuminance(page)).toBeGreaterThan(0.8);
  expect(await sheet.locator('table.sheet td').first().evaluate((td) => getComputedStyle(td).color)).toBe('rgb(0, 0, 0)');
});
