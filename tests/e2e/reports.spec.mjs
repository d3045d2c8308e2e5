// Reports as a user sees them: a fixture of complaints is imported through Settings → Backup
// (the app's own import, documents shaped as `Complaint` serializes), then the monthly report's
// counts, head-office due date, drill-down and CSV, the quarterly charts and leaders, and the
// retention list with a recorded destruction are checked against counts worked out by hand.
import fs from 'node:fs';
import { test, expect, open } from './fixtures.mjs';
import { addStaff, signIn } from './helpers.mjs';

const by = { id: 'staff:fixture', name: '甲' };

/** A complaint document as `Complaint` serializes (plus `type`), with its history. */
function complaint(s) {
  const received = `${s.received}:00`.replace(' ', 'T');
  const history = [{ at: received, by, action: 'receive', from_status: 'received', to_status: 'received', round: 1 }];
  if (s.submitted) history.push({ at: `${s.submitted}:00`.replace(' ', 'T'), by, action: 'submit_opinion', from_status: 'investigating', to_status: 'awaiting_approval', round: 1 });
  if (s.responded) history.push({ at: `${s.responded}:00`.replace(' ', 'T'), by, action: 'respond', from_status: 'awaiting_approval', to_status: 'responded', round: 1 });
  const day = s.received.slice(0, 10).replaceAll('-', '');
  return {
    _id: `complaint:E2E${String(s.n).padStart(2, '0')}`,
    type: 'complaint',
    case_no: `TS-${day}-A-${String(s.n).padStart(4, '0')}`,
    branch_code: 'ZZ01',
    complainant: { name: s.name ?? '客户甲', phone: '13800001234', email: '', address: '' },
    customer_id: null,
    channel: s.channel,
    received_at: received,
    event_time: null,
    event_place: '',
    staff_involved: s.staff ?? [],
    narrative: s.narrative ?? '对服务不满意',
    category: s.category ?? null,
    severity: s.severity ?? null,
    department: s.department ?? null,
    preliminary_opinion: '',
    status: s.status,
    rounds: [{ number: 1, opened_at: received, responsibility: s.responsibility ?? null }],
    closed_at: s.closed ? `${s.closed}:00`.replace(' ', 'T') : null,
    archived_at: s.archived ? `${s.archived}:00`.replace(' ', 'T') : null,
    destroyed: false,
    history,
  };
}

// September 2026 on the official calendar (holidays 25–27 Sep and 1–7 Oct; make-up working
// days Sun 20 Sep and Sat 10 Oct). Limits count working days with the day of receipt as day 1:
//  01 Tue 1 Sep: investigation due 3 Sep, response 4 Sep; met 2 and 3 Sep → within both.
//  02 Thu 10 Sep: due 14 and 15 Sep; met 16 and 17 Sep → late both.
//  03 Fri 18 Sep: 18, Sun 20 (make-up), 21 → due 21 and 22 Sep; met 21 and 22 → within.
//  04 Tue 29 Sep: 29, 30, 8 Oct → due 8 and 9 Oct; nothing done → overdue.
//  05 Wed 30 Sep: 30, 8, 9 → due 9 Oct and Sat 10 Oct; met 9 and 10 Oct → within.
//  06 Wed 30 Sep 18:00: nothing done, unclassified → overdue.
// 07 is in August, 08 in October, 09 in July (the third quarter holds 01–07 and 09).
// R1 was archived on 2 Nov 2020 (six years ago: due for destruction); R2 on 10 May 2023 (not).
const cases = [
  { n: 1, received: '2026-09-01 09:00', channel: 'phone', category: 'service_attitude', department: '运营部', staff: ['李四'], severity: 2, status: 'closed', responsibility: 'ours_partial', submitted: '2026-09-02 10:00', responded: '2026-09-03 10:00' },
  { n: 2, received: '2026-09-10 16:00', channel: 'in_person', category: 'service_attitude', department: '运营部', staff: ['李四', '王五'], severity: 3, status: 'responded', responsibility: 'ours_serious', submitted: '2026-09-16 10:00', responded: '2026-09-17 10:00' },
  { n: 3, received: '2026-09-18 11:00', channel: 'internet', category: 'fees', department: '财富管理部', staff: ['Carl Xu'], severity: 1, status: 'verifying', responsibility: 'not_ours', submitted: '2026-09-21 17:00', responded: '2026-09-22 17:00' },
  { n: 4, received: '2026-09-29 14:00', channel: 'letter', category: 'trading_system', department: '信息技术部', staff: ['赵六'], severity: 4, status: 'investigating' },
  { n: 5, received: '2026-09-30 09:00', channel: 'phone', category: 'fees', department: '财富管理部', staff: ['李四'], severity: 2, status: 'responded', responsibility: 'ours_partial', submitted: '2026-10-09 16:00', responded: '2026-10-10 11:00' },
  { n: 6, received: '2026-09-30 18:00', channel: 'phone', staff: ['carl xu'], status: 'received' },
  { n: 7, received: '2026-08-31 10:00', channel: 'phone', category: 'service_attitude', department: '运营部', staff: ['李四'], severity: 1, status: 'closed', responsibility: 'not_ours', submitted: '2026-08-31 15:00', responded: '2026-09-01 10:00' },
  { n: 8, received: '2026-10-01 00:00', channel: 'email', category: 'other', department: '客服部', severity: 1, status: 'received' },
  { n: 9, received: '2026-07-15 10:00', channel: 'email', category: 'account_handling', department: '运营部', staff: ['王五', 'CARL XU'], severity: 2, status: 'closed', responsibility: 'ours_partial', submitted: '2026-07-16 10:00', responded: '2026-07-17 10:00' },
  { n: 21, received: '2020-10-12 10:00', channel: 'phone', category: 'fees', department: '运营部', severity: 2, status: 'archived', responsibility: 'not_ours', submitted: '2020-10-13 10:00', responded: '2020-10-14 10:00', closed: '2020-10-20 10:00', archived: '2020-11-02 17:00', name: '待销毁客户', narrative: '六年前的投诉内容' },
  { n: 22, received: '2023-04-20 10:00', channel: 'phone', category: 'fees', department: '运营部', severity: 2, status: 'archived', responsibility: 'not_ours', submitted: '2023-04-21 10:00', responded: '2023-04-21 15:00', closed: '2023-04-28 10:00', archived: '2023-05-10 17:00' },
];
const caseNo = (n) => complaint(cases.find((c) => c.n === n)).case_no;

function backupFile() {
  return {
    format: 'kefu-backup',
    version: 1,
    exported_at: '2026-11-20T10:00:00',
    branch: { name: '郑州紫荆山路营业部', code: 'ZZ01' },
    docs: cases.map(complaint),
  };
}

/** Imports the fixture through Settings → Backup, then adds a manager and signs them in. */
async function seed(page) {
  await open(page, '/settings');
  await page.getByTestId('import-file').setInputFiles({
    name: 'kefu-backup-fixture.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(backupFile())),
  });
  await expect(page.getByTestId('import-summary')).toContainText(`${cases.length} 条记录`);
  await page.getByRole('button', { name: '替换并导入' }).click();
  await expect(page.getByText(`已导入 ${cases.length} 条记录`)).toBeVisible();
  // 李强 first: once a manager exists, only the manager adds staff.
  await addStaff(page, '李强', 'supervisor');
  await addStaff(page, '王经理', 'manager');
  await signIn(page, '王经理');
}

test('the monthly report counts September by hand, drills down and exports CSV', async ({ page }) => {
  await seed(page);
  await open(page, '/reports?view=monthly&month=2026-09');
  await expect(page.locator('#monthly-h')).toContainText('2026 年 9 月');

  const count = (id) => page.getByTestId(`count-${id}`);
  await expect(count('total')).toHaveText('6');
  // By channel: phone 01 05 06; one each in person, internet, letter.
  await expect(count('channel-phone')).toHaveText('3');
  await expect(count('channel-in_person')).toHaveText('1');
  await expect(count('channel-internet')).toHaveText('1');
  await expect(count('channel-letter')).toHaveText('1');
  await expect(page.getByTestId('by-channel').locator('tbody tr')).toHaveCount(4);
  // By category, department, staff, severity and outcome.
  await expect(count('category-service_attitude')).toHaveText('2');
  await expect(count('category-fees')).toHaveText('2');
  await expect(count('category-trading_system')).toHaveText('1');
  await expect(count('category-none')).toHaveText('1');
  await expect(count('department-运营部')).toHaveText('2');
  await expect(count('department-财富管理部')).toHaveText('2');
  await expect(count('department-信息技术部')).toHaveText('1');
  await expect(count('staff-李四')).toHaveText('3');
  await expect(count('staff-王五')).toHaveText('1');
  await expect(count('staff-赵六')).toHaveText('1');
  // One person typed in two letter cases (03 "Carl Xu", 06 "carl xu") is one row.
  await expect(count('staff-Carl Xu')).toHaveText('2');
  await expect(count('staff-carl xu')).toHaveCount(0);
  await expect(page.getByTestId('by-staff').locator('tbody tr')).toHaveCount(4);
  await expect(count('severity-2')).toHaveText('2');
  await expect(count('severity-none')).toHaveText('1');
  await expect(count('outcome-ours_partial')).toHaveText('2');
  await expect(count('outcome-ours_serious')).toHaveText('1');
  await expect(count('outcome-not_ours')).toHaveText('1');
  await expect(count('outcome-none')).toHaveText('2');
  // Limits: within 01 03 05, late 02 04 06, for both the 3- and 4-day limits: 50%.
  await expect(count('investigation-within')).toHaveText('3');
  await expect(count('investigation-late')).toHaveText('3');
  await expect(count('response-within')).toHaveText('3');
  await expect(count('response-late')).toHaveText('3');
  await expect(page.getByTestId('share-investigation')).toHaveText('50.0%');
  await expect(page.getByTestId('card-response')).toContainText('50.0%');
  await expect(page.getByTestId('card-response')).toContainText('按时 3 / 已办结或超时 6，尚在期限内 0');
  // The overdue list: 02, 04, 06.
  await expect(count('overdue')).toHaveText('3');
  const overdue = page.getByTestId('overdue-list').locator('tbody tr');
  await expect(overdue).toHaveCount(3);
  await expect(overdue.nth(0)).toContainText(caseNo(2));
  await expect(overdue.nth(1)).toContainText(caseNo(4));
  await expect(overdue.nth(2)).toContainText(caseNo(6));
  // Each case's late limits, in the punctuation of the language: full-width in Chinese,
  // ": " and "; " in English.
  await expect(overdue.nth(0).locator('td').nth(2)).toHaveText('调查核实（3个工作日）：超时完成；反馈客户（4个工作日）：超时完成');
  await page.getByTestId('lang-switch').click();
  await expect(overdue.nth(0).locator('td').nth(2)).toHaveText('Investigation (3 working days): Late; Response (4 working days): Late');
  await expect(page.getByTestId('overdue-list')).not.toContainText(/[：；]/);
  await page.getByTestId('lang-switch').click();
  await expect(overdue.nth(0).locator('td').nth(2)).toContainText('：超时完成；');
  // Due at head office: the 3rd trading day of October 2026 — 8, 9, (Sat 10 is a make-up
  // working day but no trading day), 12.
  await expect(page.getByTestId('head-office-due')).toContainText('2026-10-12');

  // Drill-down: the phone figure lists 01, 05, 06 linked to their case pages.
  await count('channel-phone').click();
  const drill = page.getByTestId('drill');
  await expect(drill).toContainText('电话');
  await expect(drill.getByTestId('drill-row')).toHaveCount(3);
  for (const n of [1, 5, 6]) {
    await expect(drill.getByRole('link', { name: caseNo(n) })).toHaveAttribute('href', `/complaints/complaint:E2E${String(n).padStart(2, '0')}`);
  }
  await expect(drill).not.toContainText(caseNo(2));
  // The keyboard: the sheet takes the focus; Escape closes it from anywhere, and the focus
  // goes back to the figure that opened it (closed by 关闭 or by Escape).
  const focusIn = (testid) => page.evaluate((t) => !!document.activeElement?.closest(`[data-testid="${t}"]`), testid);
  await expect.poll(() => focusIn('drill')).toBe(true);
  await drill.getByTestId('drill-close').click();
  await expect(drill).toHaveCount(0);
  await expect(count('channel-phone')).toBeFocused();
  await count('staff-李四').click();
  await expect(page.getByTestId('drill').getByTestId('drill-row')).toHaveCount(3);
  await expect(page.getByTestId('drill')).toContainText(caseNo(2));
  await expect.poll(() => focusIn('drill')).toBe(true);
  await page.keyboard.press('Escape');
  await expect(drill).toHaveCount(0);
  await expect(count('staff-李四')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(drill).toBeVisible();
  await count('total').focus();
  await page.keyboard.press('Escape');
  await expect(drill).toHaveCount(0);
  await expect(count('total')).toBeFocused();

  // CSV: UTF-8 with a BOM, the summary rows and one row per case.
  const downloadPromise = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const download = await downloadPromise;
  // The branch's code in the name: head office receives every branch's files.
  expect(download.suggestedFilename()).toBe('kefu-BR01-monthly-report-2026-09.csv');
  const bytes = fs.readFileSync(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString('utf8');
  const lines = text.trim().split(/\r?\n/);
  expect(lines[0]).toBe('分组,项目,数量,占比,案件编号');
  expect(lines).toContain(`受理方式,电话,3,50.0%,${caseNo(1)} ${caseNo(5)} ${caseNo(6)}`);
  expect(lines).toContain(`投诉类别,收费,2,33.3%,${caseNo(3)} ${caseNo(5)}`);
  expect(lines).toContain(`3个工作日调查时限,超时,3,50.0%,${caseNo(2)} ${caseNo(4)} ${caseNo(6)}`);
  expect(lines).toContain('报送,报送经纪业务总部截止日,2026-10-12,,');
  expect(lines.find((l) => l.startsWith('汇总,'))).toContain(',6,');
  const header = lines.findIndex((l) => l.startsWith('案件编号,'));
  const rows = lines.slice(header + 1);
  expect(rows.map((l) => l.split(',')[0])).toEqual([1, 2, 3, 4, 5, 6].map(caseNo));
  expect(rows[5]).toContain('未分类');
  expect(text).not.toContain(caseNo(7));

  // Another month is another report: October holds 08 only.
  await page.getByTestId('next-month').click();
  await expect(page).toHaveURL(/month=2026-10/);
  await expect(count('total')).toHaveText('1');
  await expect(count('channel-email')).toHaveText('1');
});

test('the quarterly analysis draws its trend and names the leaders', async ({ page }) => {
  await seed(page);
  await open(page, '/reports?view=quarterly&q=2026Q3');
  await expect(page.locator('#quarterly-h')).toContainText('2026 年第 3 季度');
  // A branch with no name of its own (the header says 未设置营业部): the paper names none.
  await expect(page.getByTestId('branch-name')).toHaveText('未设置营业部');
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('#quarterly-h')).toHaveText('2026 年第 3 季度投诉分析');
  await page.emulateMedia({ media: 'screen' });
  // Named: on paper it names the branch, as the monthly report does; not on the screen.
  await open(page, '/settings');
  await page.locator('#branch-name').fill('郑州紫荆山路营业部');
  await page.getByRole('button', { name: '保存' }).first().click();
  await expect(page.getByTestId('branch-name')).toHaveText('郑州紫荆山路营业部');
  await open(page, '/reports?view=quarterly&q=2026Q3');
  await expect(page.getByTestId('quarterly-branch')).toBeHidden();
  await expect(page.getByTestId('printed-at')).toBeHidden();
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('quarterly-branch')).toBeVisible();
  await expect(page.locator('#quarterly-h')).toHaveText('郑州紫荆山路营业部 2026 年第 3 季度投诉分析');
  // The paper says when it was printed.
  await expect(page.getByTestId('printed-at')).toHaveText(/^打印时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  await page.emulateMedia({ media: 'screen' });
  // July 09; August 07; September 01–06.
  await expect(page.getByTestId('count-quarter-total')).toHaveText('8');
  // Print and CSV as the monthly report's: enabled once the figures are in.
  await expect(page.getByTestId('print')).toBeEnabled();
  const chart = page.getByTestId('trend-chart');
  await expect(chart.locator('svg')).toBeVisible();
  await expect(chart.getByTestId('bar-7')).toHaveAttribute('data-count', '1');
  await expect(chart.getByTestId('bar-8')).toHaveAttribute('data-count', '1');
  await expect(chart.getByTestId('bar-9')).toHaveAttribute('data-count', '6');
  // The September bar is the tallest.
  const h = async (m) => Number(await chart.getByTestId(`bar-${m}`).locator('rect').getAttribute('height'));
  expect(await h(9)).toBeGreaterThan(await h(7));
  expect(await h(9)).toBeCloseTo((await h(7)) * 6, 0);
  await expect(page.getByTestId('category-chart').locator('.series')).toHaveCount(4);
  // Two categories with the same counts would draw one line: each line has its own dash
  // pattern and its points sit a little apart, so neither hides the other.
  const dashes = await page.getByTestId('category-chart').locator('.series polyline').evaluateAll(
    (ls) => ls.map((l) => l.getAttribute('stroke-dasharray')));
  expect(new Set(dashes).size).toBe(4);
  const firstPoints = await page.getByTestId('category-chart').locator('.series').evaluateAll(
    (gs) => gs.map((g) => g.querySelector('circle').getAttribute('cx')));
  expect(new Set(firstPoints).size).toBe(4);
  await expect(page.getByTestId('category-chart').locator('.legend svg line')).toHaveCount(4);

  // Leaders: service attitude 01 02 07, fees 03 05; 运营部 01 02 07 09; 李四 01 02 05 07.
  const cats = page.getByTestId('top-categories').locator('tbody tr');
  await expect(cats.nth(0)).toContainText('服务态度');
  await expect(page.getByTestId('top-categories-service_attitude')).toHaveText('3');
  await expect(cats.nth(1)).toContainText('收费');
  await expect(page.getByTestId('top-categories-fees')).toHaveText('2');
  // Trading/systems (04) and account handling (09), one each, share rank 3 (QA: ties were
  // numbered on by the order of their names, and the cut-off dropped some without a word).
  await expect(page.getByTestId('top-categories').getByTestId('rank')).toHaveText(['1', '2', '3', '3']);
  await expect(page.getByTestId('top-categories-more')).toHaveCount(0);
  // The staff are those named under 涉及人员: "involved", as in the CSV (it said 被投诉最多).
  await expect(page.getByTestId('top-staff').locator('h3')).toHaveText('涉及投诉最多的员工');
  await expect(page.getByTestId('top-departments').locator('tbody tr').first()).toContainText('运营部');
  await expect(page.getByTestId('top-departments-运营部')).toHaveText('4');
  await expect(page.getByTestId('top-staff').locator('tbody tr').first()).toContainText('李四');
  await expect(page.getByTestId('top-staff-李四')).toHaveText('4');
  await expect(page.getByTestId('top-staff-王五')).toHaveText('2');
  // 09 typed "CARL XU" in July: the quarter's one row for the person.
  await expect(page.getByTestId('top-staff-Carl Xu')).toHaveText('3');
  await expect(page.getByTestId('top-staff').getByText(/carl xu/i)).toHaveCount(1);

  // A bar opens its month's cases; a leader opens its cases.
  await chart.getByTestId('bar-8').click();
  await expect(page.getByTestId('drill').getByTestId('drill-row')).toHaveCount(1);
  await expect(page.getByTestId('drill')).toContainText(caseNo(7));
  await page.getByTestId('drill-close').click();
  await page.getByTestId('top-departments-运营部').click();
  const rows = page.getByTestId('drill').getByTestId('drill-row');
  await expect(rows).toHaveCount(4);
  await expect(page.getByTestId('drill')).toContainText(caseNo(9));
  await page.getByTestId('drill-close').click();

  // CSV, as the monthly report's: UTF-8 with a BOM, each figure with its case numbers.
  const downloadPromise = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^kefu-[A-Za-z0-9_-]+-quarterly-analysis-2026Q3\.csv$/);
  const bytes = fs.readFileSync(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString('utf8').trim().split(/\r?\n/);
  expect(lines[0]).toBe('分组,项目,数量,占比,案件编号');
  expect(lines.find((l) => l.startsWith('汇总,'))).toContain(',8,');
  expect(lines).toContain(`月度趋势,2026-08,1,12.5%,${caseNo(7)}`);
  expect(lines).toContain(`投诉最多的类别,收费,2,25.0%,${caseNo(3)} ${caseNo(5)}`);
  expect(lines).toContain(`涉及投诉最多的员工,王五,2,25.0%,${caseNo(2)} ${caseNo(9)}`);
});

/** Each text of the chart as drawn, in CSS pixels: its font size times the chart's scale. */
const drawnTextSizes = (chart) => chart.locator('svg text').evaluateAll((ts) => ts
  .filter((t) => t.getBBox().width > 0)
  .map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a));

test('the quarterly charts\' text keeps its size when a chart is drawn narrower than its own, on a phone and beside another', async ({ page }) => {
  await seed(page);
  await page.setViewportSize({ width: 375, height: 740 });
  await open(page, '/reports?view=quarterly&q=2026Q3');
  const trend = page.getByTestId('trend-chart');
  await expect(trend.getByTestId('bar-9')).toBeVisible();
  // The chart is drawn narrower than its 520 units: its text would read 7–8 px.
  const width = await trend.locator('svg').evaluate((s) => s.getBoundingClientRect().width);
  expect(width).toBeLessThan(400);
  for (const chart of [trend, page.getByTestId('category-chart')]) {
    await expect.poll(async () => Math.min(...await drawnTextSizes(chart))).toBeGreaterThanOrEqual(11.9);
    const sizes = await drawnTextSizes(chart);
    expect(sizes.length).toBeGreaterThan(3);
    expect(Math.max(...sizes)).toBeLessThan(12.1);
  }
  // On a desktop the two charts side by side are narrower than 520 too (about 380 px at
  // 1280: their text read under 9 px there as well); it follows a resize.
  await page.setViewportSize({ width: 1280, height: 900 });
  const svgWidth = () => trend.locator('svg').evaluate((s) => s.getBoundingClientRect().width);
  await expect.poll(async () => Math.min(...await drawnTextSizes(trend))).toBeGreaterThanOrEqual(11.9);
  expect(Math.max(...await drawnTextSizes(trend))).toBeLessThan(12.1);
  // A chart drawn wider than its 520 units is as before: the factor is 1, and its text is
  // drawn as large as the chart is.
  await page.addStyleTag({ content: '.chart svg { width: 640px !important; }' });
  await expect.poll(svgWidth).toBe(640);
  await expect.poll(() => trend.locator('svg').evaluate((s) => getComputedStyle(s).getPropertyValue('--text-k').trim())).toBe('1.000');
  const wide = (await svgWidth()) / 520;
  expect(Math.min(...await drawnTextSizes(trend))).toBeCloseTo(12 * wide, 1);
});

test('retention lists the case archived six years ago and records its destruction', async ({ page }) => {
  await seed(page);
  await open(page, '/reports?view=retention');
  const rows = page.getByTestId('eligible-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(caseNo(21));
  await expect(page.getByTestId('eligible-list')).not.toContainText(caseNo(22));
  await expect(page.getByTestId('destruction-log-empty')).toBeVisible();

  await rows.first().locator('input[type=checkbox]').check();
  await page.getByTestId('destroy-start').click();
  const panel = page.getByTestId('destroy-confirm-panel');
  await expect(panel).toContainText('王经理');
  await expect(panel).toContainText(caseNo(21));
  // A wrong PIN destroys nothing.
  await page.locator('#destroy-pin').fill('1111');
  await page.getByTestId('destroy-confirm').click();
  await expect(page.getByTestId('destroy-error')).toHaveText('PIN 不正确');
  await expect(rows).toHaveCount(1);
  await page.locator('#destroy-pin').fill('2468');
  await page.getByTestId('destroy-confirm').click();

  await expect(page.getByTestId('eligible-none')).toBeVisible();
  const entry = page.getByTestId('destruction-entry');
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('王经理（客服经理）');
  await expect(entry).toContainText(caseNo(21));
  await expect(entry).toContainText('档案保管期满5年');
  // The record stays after a reload.
  await page.reload();
  await expect(page.getByTestId('destruction-entry')).toContainText(caseNo(21));
  // The case reads as destroyed, by whom, when and why, not as an archived case; its record
  // form is not printed blank (it read 已归档, and printed empty boxes to sign).
  await open(page, '/complaints/complaint:E2E21');
  await expect(page.getByTestId('case-status')).toHaveText('已销毁');
  await expect(page.getByTestId('case-destroyed')).toContainText('由 王经理 销毁（档案保管期满5年，按规定销毁）');
  await open(page, '/complaints/complaint:E2E21/print');
  await expect(page.getByTestId('print-destroyed')).toContainText('本案资料已销毁');
  await expect(page.getByTestId('record-sheet')).toHaveCount(0);
  // A case kept prints with its archive date.
  await open(page, '/complaints/complaint:E2E22/print');
  await expect(page.getByTestId('sheet-archived')).toContainText('归档：');
  await open(page, '/complaints?status=archived');
  await expect(page.getByTestId('complaint-row').filter({ hasText: caseNo(21) })).toContainText('已销毁');
  // The list's CSV says so too (QA: it said 已归档, and an auditor took the records to exist).
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const csv = fs.readFileSync(await (await downloading).path(), 'utf8');
  const destroyedRow = csv.split(/\r?\n/).find((l) => l.startsWith(caseNo(21)));
  expect(destroyedRow).toContain(',已销毁,');
  expect(csv.split(/\r?\n/).find((l) => l.startsWith(caseNo(22)))).toContain(',已归档,');

  // The case's content is gone, its skeleton and the log remain (seen in a backup export).
  await page.goto('/settings');
  const downloadPromise = page.waitForEvent('download');
  await page.getByTestId('export').click();
  const backup = JSON.parse(fs.readFileSync(await (await downloadPromise).path(), 'utf8'));
  const destroyed = backup.docs.find((d) => d._id === 'complaint:E2E21');
  expect(destroyed.destroyed).toBe(true);
  expect(destroyed.case_no).toBe(caseNo(21));
  expect(destroyed.complainant.name).toBe('');
  expect(destroyed.narrative).toBe('');
  expect(destroyed.history.at(-1).action).toBe('destroy');
  expect(destroyed.history.at(-1).by.name).toBe('王经理');
  const kept = backup.docs.find((d) => d._id === 'complaint:E2E22');
  expect(kept.destroyed).toBe(false);
  expect(kept.narrative).toBe('对服务不满意');
  const logs = backup.docs.filter((d) => d.type === 'destruction_log');
  expect(logs).toHaveLength(1);
  expect(logs[0].by.name).toBe('王经理');
  expect(logs[0].role).toBe('manager');
  expect(logs[0].cases.map((c) => c.case_no)).toEqual([caseNo(21)]);
});

test('only a manager may destroy: a supervisor is told so', async ({ page }) => {
  await seed(page);
  await signIn(page, '李强');
  await open(page, '/reports?view=retention');
  await page.getByTestId('eligible-row').first().locator('input[type=checkbox]').check();
  await expect(page.getByTestId('destroy-not-allowed')).toContainText('客服经理');
  await expect(page.getByTestId('destroy-start')).toHaveCount(0);
});

test('the case page offers destruction only after the 5-year retention, and its destruction is in the destruction log', async ({ page }) => {
  await seed(page);
  // Archived 10 May 2023: kept until 2028 — nothing to do on its page, not even for a manager.
  await open(page, '/complaints/complaint:E2E22');
  await expect(page.getByTestId('case-no')).toHaveText(caseNo(22));
  await expect(page.getByTestId('no-actions')).toBeVisible();
  await expect(page.getByTestId('action-destroy')).toHaveCount(0);
  // Archived 2 Nov 2020: past the retention period — destruction is offered, and recorded.
  await open(page, '/complaints/complaint:E2E21');
  await expect(page.getByTestId('case-no')).toHaveText(caseNo(21));
  await page.getByTestId('action-destroy').click();
  await expect(page.getByTestId('destroy-warning')).toContainText('不可撤销');
  // Confirmed with the manager's own PIN, as on the retention page: without it, or with a
  // wrong one, nothing is destroyed.
  await page.locator('#f-text').fill('保存期满，按规定销毁');
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-error')).toHaveText('PIN 不正确');
  await page.locator('#f-pin').fill('1111');
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-error')).toHaveText('PIN 不正确');
  await page.reload();
  await expect(page.getByTestId('case-no')).toHaveText(caseNo(21));
  await expect(page.getByTestId('action-form')).toBeVisible();
  await expect(page.locator('#f-text')).toHaveValue('保存期满，按规定销毁');
  // The PIN is never kept with the draft.
  await expect(page.locator('#f-pin')).toHaveValue('');
  await page.locator('#f-pin').fill('2468');
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-form')).toHaveCount(0);
  await expect(page.locator('.notice')).toContainText('已销毁，并记入销毁记录');
  await expect(page.getByTestId('action-destroy')).toHaveCount(0);
  await open(page, '/reports?view=retention');
  const entry = page.getByTestId('destruction-entry');
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText(caseNo(21));
  await expect(entry).toContainText('王经理（客服经理）');
  await expect(entry).toContainText('保存期满，按规定销毁');
  await expect(page.getByTestId('eligible-none')).toBeVisible();
});

test('a case page and the retention list left open past the day its 5 years end offer its destruction, without a reload', async ({ page, context }) => {
  // E2E22 was archived on 10 May 2023: kept until 10 May 2028, destroyable from the 11th.
  await context.clock.install({ time: new Date('2028-05-10T23:50:00') });
  await seed(page);
  await open(page, '/complaints/complaint:E2E22');
  await expect(page.getByTestId('case-no')).toHaveText(caseNo(22));
  await expect(page.getByTestId('no-actions')).toBeVisible();
  const list = await context.newPage();
  await open(list, '/reports?view=retention');
  await expect(list.getByTestId('eligible-row')).toHaveCount(1);
  // Both stay open past midnight (the timers run as the minutes pass).
  await context.clock.runFor('15:00');
  await expect(list.getByTestId('eligible-row')).toHaveCount(2);
  await expect(page.getByTestId('action-destroy')).toBeVisible();
});

test('the quarterly analysis opens on the last complete quarter, the one due; a quarter still running leaves its months to come undrawn', async ({ page, context }) => {
  await context.clock.install({ time: new Date('2027-01-05T10:00:00') });
  await open(page, '/reports?view=quarterly');
  // Before, it opened on 2027 Q1, with February and March drawn as nothing received.
  await expect(page.locator('#quarterly-h')).toHaveText('2026 年第 4 季度投诉分析');
  await expect(page.getByTestId('count-month-12')).toHaveText('0');
  await expect(page.getByTestId('bar-12')).toHaveCount(1);
  await page.getByTestId('next-quarter').click();
  await expect(page.locator('#quarterly-h')).toHaveText('2027 年第 1 季度投诉分析');
  await expect(page.getByTestId('count-month-1')).toHaveText('0');
  await expect(page.getByTestId('count-month-2')).toHaveText('—');
  await expect(page.getByTestId('count-month-3')).toHaveText('—');
  await expect(page.getByTestId('quarter-total').locator('xpath=..')).toContainText('3月（未到）');
  await expect(page.getByTestId('bar-1')).toHaveCount(1);
  await expect(page.getByTestId('bar-2')).toHaveCount(0);
  await expect(page.getByTestId('bar-3')).toHaveCount(0);
});

test('a reports page left open over a month\'s end shows the month now due, and a month in the address stays', async ({ page, context }) => {
  await context.clock.install({ time: new Date('2026-12-31T23:55:00') });
  await open(page, '/reports');
  await expect(page.locator('#monthly-h')).toContainText('2026 年 11 月');
  const chosen = await context.newPage();
  await open(chosen, '/reports?month=2026-10');
  await expect(chosen.locator('#monthly-h')).toContainText('2026 年 10 月');
  // Open past midnight into January (the timers run as the minutes pass).
  await context.clock.runFor('10:00');
  await expect(page.locator('#monthly-h')).toContainText('2026 年 12 月');
  await expect(page.getByTestId('report-month')).toHaveValue('2026-12');
  await expect(chosen.locator('#monthly-h')).toContainText('2026 年 10 月');
  await expect(chosen.getByTestId('report-unread-period')).toHaveCount(0);
  // A period over says nothing of it; one still running says its figures are as of today; one
  // not begun says it has none (before, both read as a month with nothing received).
  await expect(page.getByTestId('period-note')).toHaveCount(0);
  await open(chosen, '/reports?month=2027-01');
  await expect(chosen.getByTestId('period-note')).toHaveText('本期尚未结束：数字截至今天，期末前还会变化。');
  await open(chosen, '/reports?month=2027-02');
  await expect(chosen.getByTestId('period-note')).toHaveText('本期尚未开始：还没有数字。');
  await open(chosen, '/reports?view=quarterly&q=2027Q1');
  await expect(chosen.getByTestId('period-note')).toHaveText('本期尚未结束：数字截至今天，期末前还会变化。');
  await open(chosen, '/reports?view=quarterly&q=2026Q4');
  await expect(chosen.getByTestId('period-note')).toHaveCount(0);
  // A month in the address that is none is said so, not shown as if it were asked for.
  await open(chosen, '/reports?month=2026-13');
  await expect(chosen.getByTestId('report-unread-period')).toContainText('地址中的期间“2026-13”无法识别');
  await expect(chosen.locator('#monthly-h')).toContainText('2026 年 12 月');
  await open(chosen, '/reports?view=quarterly&q=abc');
  await expect(chosen.getByTestId('report-unread-period')).toContainText('应为 2026Q4 这样的格式');
});
