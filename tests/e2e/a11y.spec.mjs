// What reads and fits for everyone: the header's sync status and focus ring on the brand red,
// the language button's name, a file control's focus, warning badges' contrast, and a case
// whose narrative holds a long link, on a phone and on A4.
import { test, expect, open } from './fixtures.mjs';
import { asManager, setUpStaff } from './helpers.mjs';
import { seedBackup, seedDocs } from './customers-seed.mjs';
import { contrast } from './colour.mjs';

test('the header reads on the brand red: sync status, focus ring, the language button\'s name', async ({ page }) => {
  await open(page, '/');
  const badge = page.getByTestId('sync-status');
  await expect(badge).toBeVisible();
  expect(await contrast(badge)).toBeGreaterThanOrEqual(4.5);
  // Its dot shows.
  const dot = await badge.locator('.dot').boundingBox();
  expect(dot && dot.width).toBeGreaterThanOrEqual(6);
  // A header link focused by the keyboard has a ring that shows on the red (white).
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).boxShadow);
  expect(await page.evaluate(() => !!document.activeElement.closest('.top'))).toBe(true);
  expect(ring).toContain('rgb(255, 255, 255)');
  // The language button is found by what it shows.
  await expect(page.getByRole('button', { name: 'English' })).toBeVisible();
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('button', { name: '简体中文' })).toBeVisible();
});

test('the backup file control shows its focus; a warning badge reads', async ({ page }) => {
  await setUpStaff(page);
  await asManager(page);
  const input = page.getByTestId('import-file');
  await input.focus();
  const shadow = await page.getByTestId('backup-section').locator('label.button').evaluate((l) => getComputedStyle(l).boxShadow);
  expect(shadow).not.toBe('none');
  // A due-today badge, as the complaint list shows one.
  await page.evaluate(() => {
    const b = document.createElement('span');
    b.className = 'badge warn';
    b.id = 'probe-badge';
    b.textContent = '今日到期';
    document.querySelector('main, .page, body').appendChild(b);
  });
  expect(await contrast(page.locator('#probe-badge'))).toBeGreaterThanOrEqual(4.5);
});

test('a narrative with a long link stays inside a phone screen and an A4 sheet', async ({ page }) => {
  await setUpStaff(page);
  await open(page, '/complaints/new');
  await page.locator('#c-name').fill('链接女士');
  await page.locator('#c-phone').fill('13800007777');
  await page.locator('#c-narrative').fill('截图链接：https://m.securities.com.cn/h5/trade/entrust/detail?orderId=202612040001234567&from=app&ts=1796000000 以及文件 '
    + 'A'.repeat(150) + ' 要求解释。');
  await page.getByTestId('save-complaint').click();
  await expect(page).toHaveURL(/\/complaints\/complaint:/);
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId('narrative')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // The deadlines read as cards: each limit's name across the card on one line, its due time
  // and state under their names, all inside the screen.
  const caseUrl = new URL(page.url()).pathname;
  const within = (box) => box.x >= 0 && box.x + box.width <= 390;
  const first = page.getByTestId('clocks').locator('tbody tr').first();
  const name = await first.locator('td').first().boundingBox();
  expect(name.width).toBeGreaterThan(250);
  expect(name.height).toBeLessThan(40);
  expect(within(await first.locator('td').last().boundingBox())).toBe(true);
  expect(await first.locator('td').nth(1).evaluate((td) => getComputedStyle(td, '::before').content)).toBe('"到期时间"');
  // So does the list: case, status and deadline in sight, the category on a line or two.
  await page.locator('.nav a[href="/complaints"]').click();
  const row = page.getByTestId('complaint-row').first();
  await expect(row).toContainText('链接女士');
  for (const i of [0, 3, 5, 6]) expect(within(await row.locator('td').nth(i).boundingBox()), `cell ${i}`).toBe(true);
  expect((await row.locator('td').nth(3).boundingBox()).width).toBeGreaterThan(120);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // An office screen zoomed to 200 % (640 px): the same cards, status and deadline in sight.
  await page.setViewportSize({ width: 640, height: 800 });
  for (const i of [0, 3, 5, 6]) {
    const box = await row.locator('td').nth(i).boundingBox();
    expect(box.x >= 0 && box.x + box.width <= 640, `cell ${i} at 640 px`).toBe(true);
  }
  await page.setViewportSize({ width: 390, height: 844 });
  // The header scrolls away with the page instead of keeping a sixth of the screen.
  expect(await page.locator('header.top').evaluate((h) => getComputedStyle(h).position)).toBe('static');
  // The record as printed on A4 (794 px wide).
  await page.setViewportSize({ width: 794, height: 1123 });
  await page.emulateMedia({ media: 'print' });
  await open(page, `${caseUrl}/print`);
  await expect(page.locator('table.sheet').first()).toContainText('AAAA');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(794);
});

test('on a 360 px phone the header, settings and the complaint list do not scroll sideways, in either language', async ({ page }) => {
  // A case whose number is long (a device code in it), as a card of the list shows it.
  await seedBackup(page, seedDocs().map((d) => (d.type === 'complaint' ? { ...d, case_no: 'TS-20261120-A76-000001' } : d)));
  await setUpStaff(page);
  await asManager(page);
  await page.setViewportSize({ width: 360, height: 740 });
  for (const lang of ['zh', 'en']) {
    for (const path of ['/', '/settings', '/quality', '/complaints']) {
      await open(page, path);
      await expect(page.getByTestId('sync-status')).toBeVisible();
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(await overflow(), `${path} in ${lang}`).toBeLessThanOrEqual(0);
      if (path === '/complaints') {
        // The list's filters stand two to a row, so the list is not pushed a screen down.
        const [a, b] = [await page.locator('#l-status').boundingBox(), await page.locator('#l-due').boundingBox()];
        expect(Math.abs(a.y - b.y), `filters in ${lang}`).toBeLessThan(2);
        // A card's case number breaks within its half, not into the time received beside it.
        const cells = page.getByTestId('complaint-row').first().locator('td');
        await expect(cells.nth(0)).toContainText('TS-20261120-A76-000001');
        const number = await cells.nth(0).locator('a').evaluate((a) => a.getBoundingClientRect().right);
        const received = (await cells.nth(1).boundingBox()).x;
        expect(number, `case number in ${lang}`).toBeLessThanOrEqual(received);
      }
      if (path === '/settings') {
        // A year whose holiday notice is not entered says so in a sentence, which wraps.
        const year = page.getByTestId('cal-year');
        while (Number(await year.textContent()) < 2027) await page.getByRole('button', { name: lang === 'zh' ? '下一年' : 'Next year' }).click();
        await expect(page.getByTestId('cal-not-entered')).toBeVisible();
        expect(await overflow(), `${path} (2027) in ${lang}`).toBeLessThanOrEqual(0);
      }
    }
    if (lang === 'zh') await page.getByTestId('lang-switch').click();
  }
  // The language button keeps its words on one line.
  const h = await page.getByTestId('lang-switch').evaluate((b) => b.getBoundingClientRect().height);
  expect(h).toBeLessThan(50);
});

test('on a 768 px tablet the header\'s links take a line or two of their own, all in sight', async ({ page }) => {
  await setUpStaff(page);
  await page.setViewportSize({ width: 768, height: 1024 });
  await open(page, '/complaints');
  await expect(page.getByTestId('current-user')).toBeVisible();
  const links = await page.locator('.nav a').evaluateAll((as) => as.map((a) => a.getBoundingClientRect()).map((r) => [r.left, r.right, r.top]));
  expect(links.length).toBeGreaterThanOrEqual(9);
  for (const [left, right] of links) expect(left >= 0 && right <= 768).toBe(true);
  // They wrapped to four lines squeezed between the brand and the user (172 px of header).
  expect(new Set(links.map(([, , top]) => Math.round(top))).size).toBeLessThanOrEqual(2);
  expect((await page.locator('header.top').boundingBox()).height).toBeLessThan(140);
});

test('a form saved with wrong fields puts the focus on the first, which reads its error; the errors are not each announced', async ({ page }) => {
  await open(page, '/settings');
  const form = page.locator('form', { has: page.locator('#staff-name') });
  // While typing: a PIN changed after the second was typed shows the mismatch, and the focus
  // stays where it is.
  await page.locator('#staff-pin').fill('1234');
  await page.locator('#staff-pin2').fill('1234');
  await page.locator('#staff-pin').fill('12345');
  await expect(page.locator('#staff-pin2-err')).toHaveText('两次输入的 PIN 不一致');
  await expect(page.locator('#staff-pin2')).toHaveAttribute('aria-invalid', 'true');
  await page.waitForTimeout(300);
  await expect(page.locator('#staff-pin')).toBeFocused();
  // Sent without a name: the name takes the focus, and its error is what describes it.
  await form.getByRole('button', { name: '添加' }).click();
  const name = page.locator('#staff-name');
  await expect(name).toBeFocused();
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  const said = (await page.locator('#staff-name-err').textContent()).trim();
  expect(said).not.toBe('');
  await expect(name).toHaveAccessibleDescription(said);
  // The errors shown are not live regions: a screen reader would read them all at once.
  await expect(form.locator('.err')).toHaveCount(4);
  await expect(form.getByRole('alert')).toHaveCount(0);
  // Put right, the name is no longer wrong; the PINs still are, and sending again takes the
  // focus to the first of them.
  await name.fill('赵敏');
  await expect(name).not.toHaveAttribute('aria-invalid', /./);
  await form.getByRole('button', { name: '添加' }).click();
  await expect(page.locator('#staff-pin2')).toBeFocused();
});
