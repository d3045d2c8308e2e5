// The journey map computed from live records: stage figures, the satisfaction curve, pain
// points, drill-down to the records behind a stage and a cell, filters, and an edited stage.
import { test, expect, open } from './fixtures.mjs';
import { setUpStaff } from './helpers.mjs';
import { seedBackup, seedDocs } from './customers-seed.mjs';

test('the journey map shows live figures per stage and drills down to the records', async ({ page }) => {
  await seedBackup(page);
  await setUpStaff(page);
  await open(page, '/journey');
  const map = page.getByTestId('journey-map');
  await expect(map).toBeVisible();
  // In-sale: the complaint (placed by the customer's stage), the demand and two responses.
  const inSale = map.locator('th').filter({ has: page.getByTestId('stage-in_sale') });
  await expect(inSale).toContainText('投诉 1 · 需求 1 · 评价 2');
  await expect(map.locator('th').filter({ has: page.getByTestId('stage-pre_sale') })).toContainText('投诉 0 · 需求 0 · 评价 0');
  // The curve: one point (the only stage with responses), 50% satisfied, below the target.
  const curve = page.getByTestId('journey-curve');
  await expect(curve.locator('circle')).toHaveCount(1);
  await expect(curve).toContainText('50% (n=2)');
  await expect(page.getByTestId('pain-points')).toContainText('满意率50.0%，低于目标90%');
  await expect(page.getByTestId('pain-points')).toContainText('交易与系统');

  // Drill into the stage: every record behind it, each opening its record.
  await page.getByTestId('stage-in_sale').click();
  const drill = page.getByTestId('drill');
  await expect(drill.getByTestId('drill-item')).toHaveCount(4);
  await expect(drill.locator('.drill-complaint a')).toHaveAttribute('href', '/complaints/complaint:01E2E0000000000000000001');
  await expect(drill.locator('.drill-complaint')).toContainText('TS-20261120-0001');
  await expect(drill.locator('.drill-demand a')).toHaveAttribute('href', '/demands?id=demand%3A01E2E0000000000000000001');
  const responseLinks = await drill.locator('.drill-response a').evaluateAll((as) => as.map((a) => a.getAttribute('href')).sort());
  expect(responseLinks).toEqual([
    '/surveys/survey:01E2E0000000000000000001/results?response=response%3A01E2E0000000000000000001',
    '/surveys/survey:01E2E0000000000000000001/results?response=response%3A01E2E0000000000000000002',
  ]);

  // A cell: the phone touchpoint of in-sale holds the phoned-in complaint only.
  await page.getByTestId('cell-in_sale-phone').click();
  await expect(drill.getByTestId('drill-item')).toHaveCount(1);
  await expect(drill.locator('.drill-complaint')).toHaveCount(1);
  await page.getByTestId('cell-in_sale-app').click();
  await expect(drill.locator('.drill-response')).toHaveCount(2);
  // Its satisfaction, 50%, is below the 90% target the pain points use: the warning colour
  // (--bad), and in words too (a ▼ and the target, not colour alone).
  const appSat = page.getByTestId('cell-in_sale-app').getByTestId('cell-sat');
  await expect(appSat).toHaveClass(/\blow\b/);
  await expect(appSat).toContainText('50% ▼');
  await expect(appSat).toContainText('低于目标90%');
  await expect(appSat).toHaveAttribute('title', '低于目标90%');
  expect(await appSat.evaluate((e) => getComputedStyle(e).color)).toBe('rgb(179, 38, 30)');

  // Filters: new-tier customers have none of these records; a period before them neither.
  await page.getByTestId('filter-tier-2').check();
  await expect(inSale).toContainText('投诉 0 · 需求 0 · 评价 0');
  await page.getByTestId('filter-tier-2').uncheck();
  await page.getByTestId('filter-tier-0').check();
  await expect(inSale).toContainText('投诉 1 · 需求 1 · 评价 2');
  await page.getByTestId('filter-from').fill('2026-11-21');
  await expect(inSale).toContainText('投诉 0 · 需求 1 · 评价 1');
  // An end before the start is said (QA: it showed zeros without a word).
  await expect(page.getByTestId('period-err')).toHaveCount(0);
  await page.getByTestId('filter-to').fill('2026-11-20');
  await expect(page.getByTestId('period-err')).toContainText('起始日期晚于截止日期');
  await page.getByTestId('filter-to').fill('');
  await expect(page.getByTestId('period-err')).toHaveCount(0);
  await expect(curve.locator('circle')).toHaveCount(1);
  await expect(page.getByTestId('journey-curve')).toContainText('100% (n=1)');
  // At the target or above: the ok colour, no cue.
  await expect(appSat).toHaveText('100%');
  await expect(appSat).not.toHaveClass(/\blow\b/);

  // Each record behind a cell opens itself: the demand's detail, the response's answers.
  await page.getByTestId('stage-in_sale').click();
  await drill.locator('.drill-demand a').click();
  await expect(page.getByTestId('demand-detail').getByTestId('detail-desc')).toHaveText('咨询科创板开通条件');
  await open(page, '/journey');
  await page.getByTestId('stage-in_sale').click();
  await page.getByTestId('drill').locator('.drill-response a[href$="response%3A01E2E0000000000000000002"]').click();
  await expect(page.getByTestId('response-detail')).toContainText('2026-11-22 11:00');
  await expect(page.getByTestId('response-detail').getByTestId('answer-q1')).toHaveText('5');
  await expect(page.locator('tr.highlight')).toHaveAttribute('id', 'r-01E2E0000000000000000002');

  // The survey edited since (another CSAT question, saved as its version 2): the answers given
  // to version 1 count as they did, by its questions (the map read them by the newest version,
  // where they answered nothing).
  await open(page, '/surveys/01E2E0000000000000000001');
  await page.getByTestId('add-question').click();
  await page.locator('#q1-zh').fill('等候时间满意度');
  await page.locator('#q1-en').fill('Waiting time');
  await page.locator('#sv-csat').selectOption({ label: '等候时间满意度' });
  await page.getByTestId('save-survey').click();
  await expect(page.locator('.notice')).toContainText('已保存为第 2 版');
  await open(page, '/journey');
  await expect(page.getByTestId('journey-curve')).toContainText('50% (n=2)');
  await expect(page.getByTestId('cell-in_sale-app').getByTestId('cell-sat')).toContainText('50% ▼');
  // One lane for the app through the journey, under each name its stages give it.
  await expect(page.getByTestId('journey-map')).toContainText('手机App开户 / 交易App / 手机App');
});

test('responses with no journey stage are counted apart, and the page says where a survey is given a stage', async ({ page }) => {
  const unstagedResponse = {
    _id: 'response:01E2E0000000000000000009', type: 'response', survey_id: 'survey:01E2E0000000000000000001',
    survey_version: 1, answers: { q1: { t: 'Score', v: 5 } }, channel: 'Kiosk', stage: null, touchpoint: null,
    submitted_at: '2026-11-21T10:00:00', complete: true,
  };
  await seedBackup(page, [...seedDocs(), unstagedResponse]);
  await setUpStaff(page);
  await open(page, '/journey');
  await expect(page.getByTestId('journey-map')).toBeVisible();
  await expect(page.getByTestId('unstaged')).toContainText('评价 1');
  await expect(page.getByTestId('unstaged-hint')).toHaveText('问卷未设旅程阶段时，其评价不计入任何阶段：可在问卷编辑的“旅程阶段”中设置。');
  // The staged ones stay where they were.
  await expect(page.getByTestId('journey-map').locator('th').filter({ has: page.getByTestId('stage-in_sale') })).toContainText('评价 2');
});

test('stage names are edited and saved in the journey configuration', async ({ page }) => {
  await setUpStaff(page);
  await open(page, '/journey');
  await page.getByTestId('journey-edit').click();
  const editor = page.getByTestId('journey-editor');
  await editor.getByTestId('stage-zh-0').fill('开户');
  await editor.getByTestId('stage-zh-0').blur();
  await editor.getByTestId('stage-id-1').fill('pre_sale');
  await editor.getByTestId('stage-id-1').blur();
  await page.getByTestId('journey-save').click();
  await expect(editor).toContainText('编号为空或重复');
  await editor.getByTestId('stage-id-1').fill('in_sale');
  await editor.getByTestId('stage-id-1').blur();
  await page.getByTestId('journey-save').click();
  await expect(page.getByTestId('journey-editor')).toHaveCount(0);
  await expect(page.getByTestId('stage-pre_sale')).toHaveText('开户');
  await page.reload();
  await expect(page.getByTestId('stage-pre_sale')).toHaveText('开户');
});

test('on a 360 px phone the journey page does not scroll sideways, and its date filters fit their frame at any width', async ({ page }) => {
  await seedBackup(page);
  await setUpStaff(page);
  for (const locale of ['zh', 'en']) {
    await page.setViewportSize({ width: 360, height: 740 });
    await open(page, '/journey');
    await expect(page.getByTestId('journey-map')).toBeVisible();
    if (locale === 'en') await page.getByTestId('lang-switch').click();
    await expect(page.getByTestId('filter-from')).toBeVisible();
    // The map scrolls inside its own frame; the page itself does not.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `sideways overflow in ${locale}`).toBeLessThanOrEqual(0);
    const from = await page.getByTestId('filter-from').boundingBox();
    expect(from.x + from.width).toBeLessThanOrEqual(360);
  }
  // On a phone, a tablet and a PC the date boxes stay inside the period's frame (each stood out
  // of it by the width of its label).
  for (const width of [360, 800, 1366]) {
    await page.setViewportSize({ width, height: 900 });
    await open(page, '/journey');
    const frame = await page.locator('fieldset', { has: page.getByTestId('filter-from') }).boundingBox();
    for (const id of ['filter-from', 'filter-to']) {
      const b = await page.getByTestId(id).boundingBox();
      expect(b.x + b.width, `${id} at ${width} px`).toBeLessThanOrEqual(frame.x + frame.width);
    }
  }
});
