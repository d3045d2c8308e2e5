// The dashboard: what needs attention today, each figure counted from the records and linking
// to the page that lists them.
import { test, expect, open } from './fixtures.mjs';
import { setUpStaff } from './helpers.mjs';
import { CUSTOMER_ID, seedBackup } from './customers-seed.mjs';

const pad = (n) => String(n).padStart(2, '0');
/** The browser's local date `days` from today, as YYYY-MM-DD. */
function day(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function complaint(n, name, status, received) {
  return {
    _id: `complaint:01E2E00000000000000000D${n}`, type: 'complaint', case_no: `TS-20261120-D00${n}`,
    branch_code: 'BR01', complainant: { name, phone: `1390000000${n}`, email: '', address: '' },
    channel: 'phone', received_at: received, event_place: '', narrative: '委托未能及时成交',
    category: 'trading_system', preliminary_opinion: '', status,
    rounds: [{ number: 1, opened_at: received }], history: [],
  };
}

function demand(n, status, due) {
  return {
    _id: `demand:01E2E00000000000000000D${n}`, type: 'demand', customer_id: CUSTOMER_ID, customer_value: 'High',
    kind: 'TradingInquiry', description: `需求${n}`, urgency: 3, importance: 4, intensity: 'Medium',
    service_cost: 'Low', created_at: '2026-11-21T14:00:00', status, history: [], ...(due ? { due } : {}),
  };
}

// Return visits asked for from a demand: kept as they are when the care tasks are generated
// (a birthday task for a customer with no birthday would be withdrawn, as no longer applying).
function careTask(n, due, status = 'Open') {
  return { _id: `care_task:visit.demand${n}:${CUSTOMER_ID}:${due}`, type: 'care_task', customer_id: CUSTOMER_ID,
    kind: { ReturnVisit: { plan_id: `demand:${n}` } }, due, status };
}

test('the dashboard counts what needs attention, lists the most urgent cases and links to each list', async ({ page }) => {
  await seedBackup(page, [
    { _id: CUSTOMER_ID, type: 'customer', kind: 'Individual', name: '周杰', tier: 'Vip', value: 'High',
      lifecycle: 'Existing', account_no: '330000000001', branch: 'BR01', phone: '13988887777' },
    // Received long ago and still open: past every limit.
    complaint(1, '赵先生', 'classified', '2026-11-02T09:30:00'),
    complaint(2, '钱女士', 'awaiting_approval', `${day(0)}T00:10:00`),
    complaint(3, '孙先生', 'closed', '2026-11-03T09:30:00'),
    { ...complaint(4, '李女士', 'archived', '2026-10-09T09:30:00'), archived_at: '2026-11-02T10:00:00' },
    demand(1, 'Open', '2026-11-25'),
    demand(2, 'InProgress'),
    demand(3, 'Done', '2026-11-20'),
    careTask(1, '2026-11-30'),
    careTask(2, day(0)),
    careTask(3, day(40)),
    careTask(4, '2026-11-28', { Done: { at: '2026-11-28T10:00:00', by: 'staff:x', channel: 'Phone', note: '' } }),
  ]);
  await setUpStaff(page);
  await open(page, '/');

  const n = (id) => page.getByTestId(id).locator('.n');
  await expect(n('dash-open')).toHaveText('2');
  await expect(n('dash-overdue')).toHaveText('1');
  await expect(n('dash-approval')).toHaveText('1');
  // Closed and not yet archived (archived monthly): the archived case is not counted.
  await expect(n('dash-to-archive')).toHaveText('1');
  await expect(page.getByTestId('dash-to-archive')).toContainText('已结案待归档');
  await expect(n('dash-demands')).toHaveText('2');
  await expect(n('dash-demands-overdue')).toHaveText('1');
  await expect(n('dash-care')).toHaveText('2');
  // The next report's due date with its year (in December it falls in January), in the
  // month after the one it covers; the card opens that month's report.
  await expect(n('dash-report-due')).toHaveText(/^\d{4}-\d\d-\d\d$/);
  const dueText = await n('dash-report-due').textContent();
  const covered = /(\d{4})年(\d+)月投诉情况报送截止日/.exec(await page.getByTestId('dash-report-due').textContent());
  expect(covered).not.toBeNull();
  const after = new Date(Date.UTC(Number(covered[1]), Number(covered[2]), 1)).toISOString().slice(0, 7);
  expect(dueText.slice(0, 7)).toBe(after);
  const reportMonth = `${covered[1]}-${covered[2].padStart(2, '0')}`;
  await expect(page.getByTestId('dash-report-due')).toContainText('投诉情况报送截止日');

  // The open cases nearest their deadline, the overdue one first; the closed one is not there.
  const rows = page.getByTestId('dash-urgent-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText('TS-20261120-D001');
  await expect(rows.first()).toContainText('赵先生');
  await expect(rows.first()).toContainText('已超时');
  // The limit the deadline is, named as on the list (neither case is investigated yet).
  await expect(rows.first().getByTestId('dash-urgent-limit')).toHaveText('调查核实（3个工作日）');
  await expect(rows.nth(1)).toContainText('钱女士');
  await expect(rows.nth(1)).toContainText('待审批');
  await expect(page.getByTestId('dash-urgent')).not.toContainText('孙先生');

  // In English too; on a 1366 px office screen every link of the header is in sight (the
  // longer English words once pushed Settings out of view).
  await page.getByTestId('lang-switch').click();
  await expect(rows.first()).toContainText('Overdue');
  await expect(rows.first().getByTestId('dash-urgent-limit')).toHaveText('Investigation (3 working days)');
  const links = page.locator('nav.nav a');
  await expect(links.last()).toHaveText('Settings');
  for (const link of await links.all()) await expect(link).toBeInViewport({ ratio: 1 });
  await expect(rows.nth(1)).toContainText('Awaiting approval');
  await expect(page.getByTestId('dash-to-archive')).toContainText('Closed, to be archived');
  await expect(page.getByTestId('dash-report-due')).toContainText('Monthly report for');
  await page.getByTestId('lang-switch').click();

  // Each figure opens its list.
  await page.getByTestId('dash-approval').click();
  await expect(page).toHaveURL(/\/complaints\?status=awaiting_approval$/);
  await expect(page.locator('tbody tr')).toHaveCount(1);
  await expect(page.locator('tbody tr').first()).toContainText('钱女士');

  await open(page, '/');
  await page.getByTestId('dash-to-archive').click();
  await expect(page).toHaveURL(/\/complaints\?status=closed$/);
  await expect(page.locator('tbody tr')).toHaveCount(1);
  await expect(page.locator('tbody tr').first()).toContainText('孙先生');

  await open(page, '/');
  await page.getByTestId('dash-demands-overdue').click();
  await expect(page).toHaveURL(/\/demands\?mode=list&due=overdue$/);
  await expect(page.locator('#f-due')).toHaveValue('overdue');
  await expect(page.getByTestId('demand-row')).toHaveCount(1);
  await expect(page.getByTestId('demand-row').first()).toContainText('需求1');

  await open(page, '/');
  await page.getByTestId('dash-report-due').click();
  await expect(page).toHaveURL(new RegExp(`/reports\\?view=monthly&month=${reportMonth}$`));
  await expect(page.getByTestId('report-month')).toHaveValue(reportMonth);

  await open(page, '/');
  await rows.first().getByRole('link').click();
  await expect(page).toHaveURL(/\/complaints\/complaint:01E2E00000000000000000D1$/);
  await expect(page.getByTestId('case-no')).toHaveText('TS-20261120-D001');
});

test('an empty dashboard says there is nothing open', async ({ page }) => {
  await setUpStaff(page);
  await open(page, '/');
  await expect(page.getByTestId('dash-no-urgent')).toBeVisible();
  for (const id of ['dash-open', 'dash-overdue', 'dash-approval', 'dash-to-archive', 'dash-demands', 'dash-demands-overdue', 'dash-care']) {
    await expect(page.getByTestId(id).locator('.n')).toHaveText('0');
  }
});

// Complaints and demands around Friday 2026-12-04: two cases due at its end, three already
// past their limit; demands due before, on and after it.
function midnightDocs() {
  return [
    { _id: CUSTOMER_ID, type: 'customer', kind: 'Individual', name: '周杰', tier: 'Vip', value: 'High',
      lifecycle: 'Existing', account_no: '330000000001', branch: 'BR01', phone: '13988887777' },
    complaint(1, '甲超时', 'classified', '2026-11-20T09:30:00'),
    complaint(2, '乙今日', 'investigating', '2026-12-02T09:30:00'),
    complaint(3, '丙审批今日', 'awaiting_approval', '2026-12-02T11:00:00'),
    complaint(4, '丁新', 'received', '2026-12-04T08:00:00'),
    complaint(5, '戊已结', 'closed', '2026-11-25T09:00:00'),
    complaint(6, '己已答复', 'responded', '2026-11-26T09:00:00'),
    complaint(7, '庚审批超时', 'awaiting_approval', '2026-11-10T09:00:00'),
    complaint(8, '辛归档', 'archived', '2026-06-10T09:00:00'),
    complaint(9, '壬回访', 'verifying', '2026-12-03T09:00:00'),
    demand(1, 'Open', '2026-12-01'), demand(2, 'Open', '2026-12-04'), demand(3, 'InProgress', '2026-12-06'),
    demand(4, 'InProgress', '2026-12-10'), demand(5, 'Done', '2026-11-20'),
  ];
}

test('a dashboard left open over midnight shows the new day: its figures equal the lists they open, without a reload', async ({ page }) => {
  await page.clock.install({ time: new Date('2026-12-04T23:40:00') });
  await seedBackup(page, midnightDocs());
  await setUpStaff(page);
  await open(page, '/');
  const n = (id) => page.getByTestId(id).locator('.n');
  const rows = page.getByTestId('dash-urgent-row');
  // Friday evening: two cases due today, three past their limit, one demand overdue.
  await expect(n('dash-due-today')).toHaveText('2');
  await expect(n('dash-overdue')).toHaveText('3');
  await expect(n('dash-demands-overdue')).toHaveText('1');
  await expect(rows.filter({ hasText: '今日到期' })).toHaveCount(2);

  // The page stays open past midnight (the timers run as the minutes pass).
  await page.clock.runFor('25:00');
  expect(await page.evaluate(() => new Date().getDate())).toBe(5);
  // Saturday: what was due yesterday is overdue, and so is the demand due yesterday.
  await expect(n('dash-due-today')).toHaveText('0');
  await expect(n('dash-overdue')).toHaveText('5');
  await expect(n('dash-demands-overdue')).toHaveText('2');
  await expect(rows.filter({ hasText: '今日到期' })).toHaveCount(0);
  await expect(rows.filter({ hasText: '已超时' })).toHaveCount(5);
  // …as the lists behind the figures say.
  await page.getByTestId('dash-overdue').click();
  await expect(page).toHaveURL(/\/complaints\?due=overdue$/);
  await expect(page.getByTestId('complaint-row')).toHaveCount(5);
  await page.goBack();
  await page.getByTestId('dash-due-today').click();
  await expect(page).toHaveURL(/\/complaints\?due=today$/);
  await expect(page.getByTestId('complaint-row')).toHaveCount(0);
  await page.goBack();
  await page.getByTestId('dash-demands-overdue').click();
  await expect(page.getByTestId('demand-row')).toHaveCount(2);
  await page.goBack();
  await expect(n('dash-demands-overdue')).toHaveText('2');

  // A background tab's timers sleep: the date is looked at again when the tab is shown. Monday
  // comes while no timer is due; the tab shown again counts the demand due on Sunday.
  await page.clock.setSystemTime(new Date('2026-12-07T09:00:00'));
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
  await expect(n('dash-demands-overdue')).toHaveText('3');
});

test('care visits due are counted before anyone opens the care page, and the figure opens exactly those tasks', async ({ page }) => {
  await page.clock.install({ time: new Date('2026-12-04T10:00:00') });
  const customer = (n, name, birthday) => ({
    _id: `customer:01E2E00000000000000000C${n}`, type: 'customer', kind: 'Individual', name, tier: 'Vip', value: 'High',
    lifecycle: 'Existing', account_no: `33000000001${n}`, branch: 'BR01', phone: `1398888771${n}`, birthday,
  });
  await seedBackup(page, [
    customer(1, '今日生日', '1980-12-04'), customer(2, '下周生日', '1985-12-11'), customer(3, '月底生日', '1990-12-28'),
  ]);
  await setUpStaff(page);
  // Nobody has opened the care page: today's birthday is due all the same (next week's and
  // the month-end one are not yet).
  await open(page, '/');
  const care = page.getByTestId('dash-care');
  await expect(care.locator('.n')).toHaveText('1');
  await care.click();
  await expect(page).toHaveURL(/\/care\?due=today$/);
  await expect(page.getByTestId('care-due-filter')).toBeVisible();
  const tasks = page.getByTestId('care-task');
  await expect(tasks).toHaveCount(1);
  await expect(tasks).toContainText('今日生日');
  // The way back to every open task.
  await page.getByTestId('care-show-all').click();
  await expect(page).toHaveURL(/\/care$/);
  await expect(page.getByTestId('care-due-filter')).toHaveCount(0);
  // The three birthdays, and each customer's 元旦 greeting (2027-01-01, 28 days on: its
  // holiday notice is not entered yet, so on the law's own day).
  await expect(tasks).toHaveCount(6);
  await expect(tasks.filter({ hasText: '元旦' })).toHaveCount(3);
});
