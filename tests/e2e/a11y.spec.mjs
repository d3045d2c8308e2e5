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
        // A card's case number heads it, across it on one line (it broke after a hyphen,
        // "TS-20261120-A76-" over "000001"), and the time received comes under it, not over it.
        const cells = page.getByTestId('complaint-row').first().locator('td');
        await expect(cells.nth(0)).toContainText('TS-20261120-A76-000001');
        const number = await cells.nth(0).locator('a').evaluate((a) => {
          const r = document.createRange();
          r.selectNodeContents(a);
          const rects = [...r.getClientRects()];
          return { right: a.getBoundingClientRect().right, bottom: a.getBoundingClientRect().bottom, lines: new Set(rects.map((b) => Math.round(b.top))).size };
        });
        expect(number.lines, `case number in ${lang}`).toBe(1);
        expect(number.right, `case number in ${lang}`).toBeLessThanOrEqual(360);
        const received = (await cells.nth(1).boundingBox()).y;
        expect(number.bottom, `case number in ${lang}`).toBeLessThanOrEqual(received + 1);
      }
      if (path === '/settings') {
        // The menu is one row scrolled sideways: the page's own link is in sight.
        const here = await page.locator('.nav a[aria-current="page"]').boundingBox();
        expect(here.x + here.width, `${path} link in ${lang}`).toBeLessThanOrEqual(360);
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

test('on a 768 px tablet the header\'s links take a line or two of their own, all in sight; the complaint list\'s deadlines too, in English', async ({ page }) => {
  await seedBackup(page, seedDocs());
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
  // In English the list's seven columns were 776 px: the deadline and its state were cut off
  // at the right (QA). Each row reads as a card, its deadline in sight.
  await page.getByTestId('lang-switch').click();
  const limit = page.getByTestId('complaint-row').first().getByTestId('deadline-limit');
  await expect(limit).toContainText('working days');
  const box = await limit.boundingBox();
  expect(box.x + box.width).toBeLessThanOrEqual(768);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
});

test('a form saved with wrong fields puts the focus on the first, which reads its error; the errors are not each announced', async ({ page }) => {
  await open(page, '/settings');
  const form = page.locator('form', { has: page.locator('#staff-name') });
  // While typing: a PIN changed after the second was typed shows the mismatch, and the focus
  // stays where it is.
  await page.locator('#staff-pin').fill('1357');
  await page.locator('#staff-pin2').fill('1357');
  await page.locator('#staff-pin').fill('13579');
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

test('the keyboard stays where it was after a staff change, a closed edit panel, a cancelled import or erase, and goes to the first wrong field on screen', async ({ page }) => {
  await setUpStaff(page);
  await asManager(page);
  const focused = () => page.evaluate(() => {
    const a = document.activeElement;
    return a ? (a.dataset.testid || a.id || a.tagName) : null;
  });
  // 停用 by the keyboard: the row is drawn again, the focus stays on its button (QA: <body>).
  const row = page.getByTestId('staff-row').filter({ hasText: '张敏' });
  await row.getByTestId('staff-toggle').focus();
  await page.keyboard.press('Enter');
  await expect(row.getByTestId('staff-toggle')).toHaveText('启用');
  await page.waitForTimeout(500);
  await expect(row.getByTestId('staff-toggle')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(row.getByTestId('staff-toggle')).toHaveText('停用');
  await page.waitForTimeout(500);
  await expect(row.getByTestId('staff-toggle')).toBeFocused();
  // Each row's buttons name their member (QA: 停用, 停用, 停用 down the list).
  await expect(row.getByTestId('staff-toggle')).toHaveAccessibleName('停用 张敏');
  await expect(row.getByTestId('staff-edit')).toHaveAccessibleName('修改岗位或 PIN：张敏');
  // The edit panel: its role saved, the focus on the save button; closed with Escape, back on
  // the button that opened it.
  await row.getByTestId('staff-edit').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('staff-edit-panel')).toBeVisible();
  await page.getByTestId('edit-role-save').focus();
  await page.keyboard.press('Enter');
  await page.waitForTimeout(500);
  await expect(page.getByTestId('edit-role-save')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('staff-edit-panel')).toHaveCount(0);
  await expect(row.getByTestId('staff-edit')).toBeFocused();
  // A backup chosen and cancelled: back on the file control.
  const backup = { format: 'kefu-backup', version: 1, exported_at: '2026-11-22T18:00:00', branch: { name: '测试营业部', code: 'BR01' }, docs: [] };
  await page.getByTestId('import-file').setInputFiles({ name: 'b.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(backup)) });
  const summary = page.getByTestId('import-summary');
  await summary.getByRole('button', { name: '取消' }).focus();
  await page.keyboard.press('Enter');
  await expect(summary).toHaveCount(0);
  await expect(page.getByTestId('import-file')).toBeFocused();
  // Erasing asks first, with the keyboard on 取消; cancelled, back on the button.
  await page.getByRole('button', { name: '清除全部数据…' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#erase-cancel')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#erase-start')).toBeFocused();
  expect(await focused()).toBe('erase-start');

  // The intake: a bad phone above an empty narrative; the phone takes the focus, and the
  // errors are listed in the order of the fields (QA: the narrative, the validator's first).
  await open(page, '/complaints/new');
  await page.locator('#c-name').fill('钱女士');
  await page.locator('#c-phone').fill('123');
  await page.getByTestId('save-complaint').click();
  await expect(page.locator('#c-phone')).toBeFocused();
});

test('the keyboard follows a move to another page and a link to a part of one; the tab names the page', async ({ page }) => {
  await setUpStaff(page);
  await open(page, '/');
  await expect(page).toHaveTitle('工作台 · 客服质量台');
  // The skip link takes the keyboard to the content, not only the view: the next Tab is in it.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: '跳到正文' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#main')).toBeFocused();
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => !!document.activeElement.closest('#main'))).toBe(true);
  // A link followed from the menu: the page's content has the keyboard (the link went with the
  // page it was on), and the tab says where it is, in the language chosen.
  const nav = page.getByRole('navigation', { name: '主导航' });
  await nav.getByRole('link', { name: '投诉', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/complaints$/);
  await expect(page.locator('#main')).toBeFocused();
  await expect(page).toHaveTitle('投诉 · 客服质量台');
  await page.getByTestId('lang-switch').click();
  await expect(page).toHaveTitle('Complaints · Kefu service desk');
  await page.getByTestId('lang-switch').click();
  // A settings section's link takes the keyboard to its section.
  await open(page, '/settings');
  await page.getByTestId('settings-nav').getByRole('link', { name: '工作日历' }).click();
  await expect(page.locator('#cal-h')).toBeFocused();
  // In English at 910 px the sticky header is several rows tall: the page keeps what the
  // keyboard moves to below it.
  await page.setViewportSize({ width: 910, height: 700 });
  await page.getByTestId('lang-switch').click();
  await open(page, '/complaints/new');
  const header = await page.locator('header.top').boundingBox();
  await expect.poll(() => page.evaluate(() => parseFloat(document.documentElement.style.scrollPaddingTop) || 0))
    .toBeGreaterThanOrEqual(header.height);
  await page.locator('#c-narrative').focus();
  await page.keyboard.press('Shift+Tab');
  const focused = await page.evaluate(() => document.activeElement.getBoundingClientRect().top);
  expect(focused).toBeGreaterThanOrEqual(header.height);
});

test('on a phone the customer, survey, demand and dashboard lists read as cards, each value under its name', async ({ page }) => {
  await seedBackup(page);
  await setUpStaff(page);
  await page.setViewportSize({ width: 375, height: 667 });
  await open(page, '/customers');
  const row = page.getByTestId('customer-row').first();
  await expect(row).toBeVisible();
  // The name takes the card's width (it was two characters wide, a company name 13 lines tall).
  expect((await row.locator('td').first().boundingBox()).width).toBeGreaterThan(300);
  await expect(row.getByTestId('masked-phone')).toHaveAttribute('data-label', '手机');
  const phone = await row.getByTestId('masked-phone').boundingBox();
  expect(phone.x + phone.width).toBeLessThanOrEqual(375);
  await open(page, '/surveys');
  await page.getByTestId('create-default').or(page.getByTestId('create-default-empty')).first().click();
  await page.waitForURL(/\/surveys\/[0-9A-Z]{26}$/);
  await open(page, '/surveys');
  const survey = page.getByTestId('survey-table').locator('tbody tr').first();
  for (const cell of await survey.locator('td').all()) {
    const box = await cell.boundingBox();
    expect(box.x + box.width).toBeLessThanOrEqual(375);
  }
  expect((await survey.locator('td').first().boundingBox()).width).toBeGreaterThan(300);
  await open(page, '/demands');
  await page.getByTestId('mode-list').click();
  const demand = page.getByTestId('demand-row').first();
  expect((await demand.locator('th').boundingBox()).width).toBeGreaterThan(300);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
});

test('a step refused keeps the keyboard on 确认, and the field reads why', async ({ page }) => {
  await setUpStaff(page);
  await open(page, '/complaints/new');
  await page.locator('#c-name').fill('钱女士');
  await page.locator('#c-phone').fill('13800009999');
  await page.locator('#c-narrative').fill('转账到账延迟');
  await page.locator('#c-category').selectOption('service_attitude');
  await page.locator('#c-severity').selectOption('2');
  await page.locator('#c-department').fill('客服部');
  await page.getByTestId('save-complaint').click();
  await expect(page).toHaveURL(/\/complaints\/complaint:/);
  await page.getByTestId('action-start_investigation').click();
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-form')).toHaveCount(0);
  await page.getByTestId('action-record_findings').click();
  await page.getByTestId('action-submit').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('action-error')).not.toBeEmpty();
  await expect(page.getByTestId('action-submit')).toBeFocused();
  await expect(page.locator('#f-text')).toHaveAccessibleDescription(await page.getByTestId('action-error').textContent());
});

test('the survey builder\'s keyboard follows a question moved, and a removal leaves it where Enter removes nothing', async ({ page }) => {
  await setUpStaff(page);
  await open(page, '/surveys');
  await page.getByTestId('create-default').or(page.getByTestId('create-default-empty')).first().click();
  await page.waitForURL(/\/surveys\/[0-9A-Z]{26}$/);
  const text = (i) => page.locator(`#q${i}-zh`).inputValue();
  const [first, second, third] = [await text(0), await text(1), await text(2)];
  await page.locator('#q2-up').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#q1-up')).toBeFocused();
  await page.keyboard.press('Enter');
  // The same question went up twice: it is first now.
  await expect(page.locator('#q0-zh')).toHaveValue(third);
  await expect(page.locator('#q1-zh')).toHaveValue(first);
  await expect(page.locator('#q2-zh')).toHaveValue(second);
  await expect(page.locator('#q0-down')).toBeFocused();
  const count = await page.locator('.sv-question').count();
  await page.getByTestId('question-1').getByRole('button', { name: '删除题目' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#q1-zh')).toBeFocused();
  await expect(page.locator('#q1-zh')).toHaveValue(second);
  await expect(page.locator('.sv-question')).toHaveCount(count - 1);
  // A removal is said, and can be undone: the question is back where it was, with the keyboard.
  await expect(page.getByTestId('question-removed')).toContainText(`已删除第 2 题“${first}”`);
  await page.getByTestId('question-put-back').click();
  await expect(page.locator('.sv-question')).toHaveCount(count);
  await expect(page.locator('#q1-zh')).toHaveValue(first);
  await expect(page.locator('#q1-zh')).toBeFocused();
  await expect(page.getByTestId('question-removed')).toHaveCount(0);
});

test('a demand\'s details open at their top, a journey cell\'s records come into view, the new-customer form takes the keyboard', async ({ page }) => {
  await seedBackup(page);
  await setUpStaff(page);
  await page.setViewportSize({ width: 375, height: 667 });
  await open(page, '/demands');
  await page.getByTestId('detail-button').first().click();
  await expect(page.locator('#demand-detail-h')).toBeFocused();
  expect((await page.locator('#demand-detail-h').boundingBox()).y).toBeGreaterThanOrEqual(0);
  await page.keyboard.press('Escape');
  await open(page, '/journey');
  await page.getByTestId('stage-in_sale').click();
  await expect(page.locator('#journey-drill-h')).toBeFocused();
  await expect(page.locator('#journey-drill-h')).toBeInViewport();
  await open(page, '/customers');
  await page.getByTestId('customer-new').click();
  await expect(page.locator('#cust-name')).toBeFocused();
  await page.getByTestId('customer-form').getByRole('button', { name: '取消' }).click();
  await expect(page.getByTestId('customer-new')).toBeFocused();
});
