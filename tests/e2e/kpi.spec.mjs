// The staff KPI sheet (员工考核, regulation 001 二(三)) as a user makes and reads it: staff,
// a survey answered through two staff members' own links, complaints handled by different
// people (one reopened and taken over), call reviews (one withdrawn) and the customers served
// typed by a supervisor, all made through the app on a clock set to November 2026; then every
// figure of 张敏 and 李强 checked against the counts worked out below, the records behind them,
// the annual view and the CSV.
import fs from 'node:fs';
import { test, expect, open } from './fixtures.mjs';
import { setUpStaff, signIn, act } from './helpers.mjs';

/** Signs someone else in (via Settings) and comes back to a page. */
async function switchTo(page, name, back) {
  await open(page, '/settings');
  await signIn(page, name);
  if (back) await open(page, back);
}

/** Investigates a case and submits a handling opinion (not our responsibility), as whoever is
 *  signed in; `reopened`: the case is already under investigation. */
async function investigate(page, url, reopened = false) {
  await open(page, url);
  if (!reopened) await act(page, 'start_investigation');
  await act(page, 'record_findings', () => page.locator('#f-text').fill('核实情况属实'));
  await act(page, 'submit_opinion', async () => {
    await page.locator('#f-responsibility').selectOption('not_ours');
    await page.locator('#f-text').fill('向客户解释说明');
  });
}

async function fileComplaint(page, staff) {
  await open(page, '/complaints/new');
  await page.locator('#c-name').fill('客户');
  await page.locator('#c-phone').fill('13800001234');
  await page.locator('#c-channel').selectOption('phone');
  await page.locator('#c-received').fill('2026-11-02T09:00');
  await page.locator('#c-narrative').fill('对服务不满意');
  await page.locator('#c-category').selectOption('service_attitude');
  await page.locator('#c-severity').selectOption('2');
  await page.locator('#c-department').fill('客服部');
  if (staff) await page.locator('#c-staff').fill(staff);
  await page.getByTestId('save-complaint').click();
  await expect(page).toHaveURL(/\/complaints\/complaint:/);
  return {
    url: new URL(page.url()).pathname,
    no: (await page.getByTestId('case-no').textContent()).trim(),
  };
}

const LIKERT = ['att_courtesy', 'att_patience', 'eff_wait', 'eff_speed', 'pro_knowledge',
  'pro_risk', 'env_clean', 'env_guidance'];

/** Answers the ready-made survey at `link` as a new customer's phone: every scored question 3,
 *  总体 (its CSAT question) `overall`, NPS 8. */
async function answer(page, link, key, overall) {
  // This browser forgets it answered, as another customer's phone would not know.
  await page.evaluate((k) => localStorage.removeItem(`kefu.surveys.answered.survey:${k}`), key);
  await page.evaluate((k) => new Promise((resolve) => {
    const r = indexedDB.open('kefu-mirror');
    r.onsuccess = () => {
      const tx = r.result.transaction('kv', 'readwrite');
      tx.objectStore('kv').delete(`kefu.surveys.answered.survey:${k}`);
      tx.oncomplete = () => { r.result.close(); resolve(); };
    };
    r.onerror = () => resolve();
  }), key);
  await open(page, link);
  for (const q of LIKERT) {
    await page.getByTestId(`a-${q}-3`).click();
    await page.getByTestId('sf-next').click();
  }
  await page.getByTestId(`a-overall-${overall}`).click();
  await page.getByTestId('sf-next').click();
  await page.getByTestId('a-nps-8').click();
  await page.getByTestId('sf-next').click();
  await page.getByTestId('sf-submit').click();
  await expect(page.getByTestId('cp-thanks')).toBeVisible();
}

/** Scores a call of `who` at `at` on /quality: `missed` standards unticked, `faults` ticked. */
async function score(page, who, at, ref, { missed = [], faults = [], comment = '' } = {}) {
  await page.locator('#qa-staff').selectOption({ label: who });
  await page.locator('#qa-call-at').fill(at);
  await page.locator('#qa-ref').fill(ref);
  for (const k of missed) await page.getByTestId(`item-${k}`).uncheck();
  for (const k of faults) await page.getByTestId(`item-${k}`).check();
  if (comment) await page.locator('#qa-comment').fill(comment);
  await page.getByTestId('review-save').click();
  await expect(page.getByTestId('review-row').filter({ hasText: ref })).toHaveCount(1);
}

// November 2026 has no public holiday: Monday to Friday are working days. Every complaint is
// received on Mon 2 Nov 09:00, so its investigation limit ends Wed 4 Nov and its response
// limit Thu 5 Nov (working days, the day of receipt the first).
//  K1 names 李强. 张敏 investigates and answers on Mon 2 Nov: on time (张敏's).
//  K2 names 张敏 and "李强（柜台）". 李强 submits his opinion on Thu 5 Nov, a day late, and
//     answers the same day: late (李强's).
//  K3 names nobody. 张敏 investigates and answers on Mon 2 Nov: on time. 李强 reopens it on
//     Tue 3 Nov and submits round 2's opinion: still 张敏's alone (the limits judge round 1).
//  K4 names 孙九, no staff member. Nobody submits an opinion: late since Wed 4 Nov, counted
//     for nobody.
//  K5 names nobody. 张敏 submits on Thu 5 Nov, late, and answers: late (张敏's).
// Survey (the ready-made one, CSAT from 总体): through 张敏's link 5, 4 and 2; through 李强's 5;
// through the plain link 1 (nobody's).
// Calls scored by 王主管: 张敏 REC-1 (热情 missed), REC-2 (wrong information given), REC-3
// (nothing off), REC-4 (answer not compliant, then withdrawn); 李强 REC-5 (a law misapplied),
// REC-6 (nothing off).
// Customers served in November, typed by 王主管: 张敏 400, 李强 250.
//
//                      张敏                    李强
// 客户满意度          2 of 3 = 66.7 %         1 of 1 = 100.0 %
// 业务解答准确率      2 of 3 = 66.7 %         1 of 2 = 50.0 %
// 工单处理及时率      2 of 3 (K1 K3 / K5)      0 of 1 (K2)
// 客户投诉率          K2: 1 of 400 = 0.250 %  K1 K2: 2 of 250 = 0.800 %
test('the KPI sheet counts each staff member\'s month and year by hand, opens the records behind, and exports CSV', async ({ page, context }) => {
  test.setTimeout(420_000);
  await context.clock.install({ time: new Date('2026-11-02T10:00:00') });
  await setUpStaff(page, [['张敏', 'specialist'], ['李强', 'specialist'], ['王主管', 'supervisor'], ['王经理', 'manager']]);

  // The survey, and each staff member's own link to it.
  await open(page, '/surveys');
  await page.getByTestId('create-default-empty').click();
  await expect(page).toHaveURL(/\/surveys\/[0-9A-Z]{26}$/);
  const key = page.url().split('/').pop();
  const linkOf = async (name) => {
    await page.getByTestId('link-staff').selectOption({ label: name });
    await expect(page.getByTestId('link-staff-name')).toHaveText(`服务人员：${name}`);
    const href = await page.getByTestId('survey-link').textContent();
    expect(href).toMatch(/\?staff=staff%3A/);
    return new URL(href).pathname + new URL(href).search;
  };
  const linkA = await linkOf('张敏');
  const linkB = await linkOf('李强');
  // The customer's phone has no staff list: the link names whose service they rate. A link
  // whose staff part is not a staff record's id (cut short by hand) names and rates no one.
  expect(linkA).toContain(`&name=${encodeURIComponent('张敏')}`);
  await open(page, linkA);
  await expect(page.getByTestId('cp-rated')).toHaveText('本次评价的服务人员：张敏');
  await open(page, linkA.replace(/staff=[^&]*/, 'staff=zhangmin'));
  await expect(page.getByTestId('sf-next')).toBeVisible();
  await expect(page.getByTestId('cp-rated')).toHaveCount(0);
  // A name edited into a number to call is not shown as the branch's word (QA).
  await open(page, linkA.replace(/name=[^&]*/, `name=${encodeURIComponent('客服热线已变更请拨4001234567')}`));
  await expect(page.getByTestId('sf-next')).toBeVisible();
  await expect(page.getByTestId('cp-rated')).toHaveCount(0);

  // Monday 2 November: five complaints, K1 and K3 handled at once by 张敏.
  const k1 = await fileComplaint(page, '李强');
  const k2 = await fileComplaint(page, '张敏、李强（柜台）');
  const k3 = await fileComplaint(page, '');
  const k4 = await fileComplaint(page, '孙九');
  const k5 = await fileComplaint(page, '');
  await investigate(page, k1.url);
  await investigate(page, k3.url);
  for (const approver of ['王主管', '王经理']) {
    await switchTo(page, approver);
    for (const k of [k1, k3]) {
      await open(page, k.url);
      await act(page, 'approve');
    }
  }
  await switchTo(page, '张敏');
  for (const k of [k1, k3]) {
    await open(page, k.url);
    await act(page, 'respond', () => page.locator('#f-text').fill('已答复客户'));
  }

  // Tuesday 3 November: 李强 reopens K3 and submits round 2's opinion.
  await page.clock.setSystemTime(new Date('2026-11-03T10:00:00'));
  await switchTo(page, '李强', k3.url);
  await act(page, 'reopen', () => page.locator('#f-text').fill('客户仍不满意'));
  await expect(page.getByTestId('case-round')).toHaveText('第 2 轮处理');
  await investigate(page, k3.url, true);

  // Thursday 5 November: K2 by 李强 and K5 by 张敏, each a day past the 3-day limit.
  await page.clock.setSystemTime(new Date('2026-11-05T10:00:00'));
  await investigate(page, k2.url);
  await switchTo(page, '张敏');
  await investigate(page, k5.url);
  for (const approver of ['王主管', '王经理']) {
    await switchTo(page, approver);
    for (const k of [k2, k5]) {
      await open(page, k.url);
      await act(page, 'approve');
    }
  }
  for (const [who, k] of [['李强', k2], ['张敏', k5]]) {
    await switchTo(page, who, k.url);
    await act(page, 'respond', () => page.locator('#f-text').fill('已答复客户'));
  }

  // The customers' answers, the same Thursday.
  for (const overall of [5, 4, 2]) await answer(page, linkA, key, overall);
  await answer(page, linkB, key, 5);
  await answer(page, `/s/${key}`, key, 1);
  // A link altered by hand names nobody on the staff list: it counts for nobody.
  await answer(page, linkA.replace(/staff=[^&]*/, 'staff=staff%3Anobody'), key, 1);
  // The survey's results name the staff, in the counts and the CSV; the altered link's id is
  // nobody's, and not shown as if it were someone.
  await open(page, `/surveys/${key}/results`);
  const byStaff = page.getByTestId('counts').locator('table').nth(2);
  await expect(byStaff.locator('tr', { hasText: '张敏' })).toContainText('3');
  await expect(byStaff.locator('tr', { hasText: '李强' })).toContainText('1');
  await expect(byStaff.locator('tr', { hasText: '（未知员工）' })).toContainText('1');
  await expect(byStaff).not.toContainText('staff:');
  const resultsCsv = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const csv = fs.readFileSync(await (await resultsCsv).path(), 'utf8');
  const staffCells = csv.split('\n').slice(1).filter(Boolean).map((line) => line.split(',')[5]);
  expect(staffCells.filter((c) => c === '张敏')).toHaveLength(3);
  expect(staffCells.filter((c) => c === '李强')).toHaveLength(1);
  expect(staffCells.filter((c) => c.startsWith('staff:') && c !== 'staff:nobody')).toEqual([]);

  // Monday 7 December: 王主管 scores the calls of November.
  await page.clock.setSystemTime(new Date('2026-12-07T10:00:00'));
  await switchTo(page, '王主管', '/quality');
  await score(page, '张敏', '2026-11-03T10:00', 'REC-1', { missed: ['greeting.warm'] });
  await score(page, '张敏', '2026-11-04T10:00', 'REC-2', { faults: ['action.wrong_info'] });
  await score(page, '张敏', '2026-11-05T10:00', 'REC-3');
  await score(page, '张敏', '2026-11-06T10:00', 'REC-4', { missed: ['action.compliant'] });
  await score(page, '李强', '2026-11-04T11:00', 'REC-5', { faults: ['action.misapplied'], comment: '把不适用的规定告诉了客户' });
  await score(page, '李强', '2026-11-05T11:00', 'REC-6');
  await page.getByTestId('review-row').filter({ hasText: 'REC-4' }).getByTestId('review-open').click();
  await page.getByTestId('review-withdraw').click();
  await page.locator('#qa-withdraw-reason').fill('录音不是这位员工的');
  await page.getByTestId('withdraw-confirm').click();
  await expect(page.locator('.notice')).toContainText('已撤销 张敏 的通话评分');

  // The sheet: without a period, the last complete month.
  await open(page, '/reports');
  await page.getByTestId('tab-kpi').click();
  await expect(page.locator('#kpi-h')).toContainText('2026 年 11 月 月度考核');
  await expect(page.getByTestId('kpi-defs')).toContainText('工单处理及时率');
  const row = (name) => page.locator(`[data-testid="kpi-row"][data-staff="${name}"]`);
  const a = row('张敏');
  const b = row('李强');
  // Every active staff member has a row.
  await expect(page.getByTestId('kpi-row')).toHaveCount(4);
  await expect(a.getByTestId('kpi-satisfaction')).toHaveText('66.7 % (2/3)');
  await expect(a.getByTestId('kpi-accuracy')).toHaveText('66.7 % (2/3)');
  await expect(a.getByTestId('kpi-on-time')).toHaveText('66.7 % (2/3)');
  await expect(b.getByTestId('kpi-satisfaction')).toHaveText('100.0 % (1/1)');
  await expect(b.getByTestId('kpi-accuracy')).toHaveText('50.0 % (1/2)');
  await expect(b.getByTestId('kpi-on-time')).toHaveText('0.0 % (0/1)');
  // No served count yet: no rate, the complaints still counted.
  await expect(a.getByTestId('kpi-complaint-rate')).toContainText('— · 1 件投诉');
  await expect(a.getByTestId('kpi-complaint-rate')).toContainText('未录入服务客户数');
  await expect(b.getByTestId('kpi-complaint-rate')).toContainText('— · 2 件投诉');
  // Nothing to divide by: "—".
  await expect(row('王经理').getByTestId('kpi-satisfaction')).toHaveText('—');
  await expect(row('王经理').getByTestId('kpi-on-time')).toHaveText('—');
  // K4: late with nobody's opinion; 孙九 is nobody on the staff list.
  await expect(page.getByTestId('kpi-unattributed')).toContainText(k4.no);
  await expect(page.getByTestId('kpi-unmatched')).toContainText('孙九');
  await expect(page.getByTestId('kpi-unmatched')).toContainText(k4.no);
  await expect(page.getByTestId('kpi-unknown-staff')).toHaveText(
    '1 份答卷注明的员工不在员工名单中（链接有误或被改动），未计入任何人。');

  // 王主管 types the customers served in November, but not his own.
  const own = page.locator('[data-testid="served-input"][data-staff="王主管"]');
  await expect(own).toBeDisabled();
  // Said as a reason beside the box, not as an error (it is nobody's mistake).
  await expect(own.locator('xpath=..').locator('.hint')).toHaveText('不能录入本人的服务客户数');
  await expect(own.locator('xpath=..').locator('.err')).toHaveCount(0);
  // 0 served beside a complaint naming her: allowed, but said (no rate can come of it).
  const zhang = page.locator('[data-testid="served-input"][data-staff="张敏"]');
  await zhang.fill('0');
  const zeroHint = zhang.locator('xpath=..').getByTestId('served-zero-hint');
  await expect(zeroHint).toHaveText('本月有 1 件投诉涉及该员工；服务客户数为 0 时无法计算客户投诉率，请核对。');
  await expect(zhang).toHaveAttribute('aria-describedby', /served-\d+-zero/);
  await expect(page.getByTestId('served-zero-hint')).toHaveCount(1);
  // A figure that is no count marks its box invalid for a screen reader, as every form's.
  await zhang.fill('3.5');
  await expect(zhang).toHaveAttribute('aria-invalid', 'true');
  await zhang.fill('400');
  await expect(page.getByTestId('served-zero-hint')).toHaveCount(0);
  await expect(zhang).not.toHaveAttribute('aria-invalid', 'true');
  await page.locator('[data-testid="served-input"][data-staff="李强"]').fill('2５0');
  await page.getByTestId('served-save').click();
  await expect(page.locator('.notice')).toContainText('已保存 2026-11 的服务客户数');
  await expect(a.getByTestId('kpi-complaint-rate')).toHaveText('0.250 % (1/400)');
  await expect(b.getByTestId('kpi-complaint-rate')).toHaveText('0.800 % (2/250)');
  await expect(a.getByTestId('kpi-served')).toHaveText('400');
  await expect(b.getByTestId('kpi-served')).toHaveText('250');
  // It is stored: after a reload the figures and the typed counts are there.
  await page.reload();
  await expect(a.getByTestId('kpi-complaint-rate')).toHaveText('0.250 % (1/400)');
  await expect(page.locator('[data-testid="served-input"][data-staff="李强"]')).toHaveValue('250');

  // The records behind: 张敏's cases handled, each linked to its case.
  const drill = page.getByTestId('kpi-drill');
  await a.getByTestId('kpi-on-time').getByRole('button').click();
  await expect(drill.getByTestId('kpi-drill-row')).toHaveCount(3);
  for (const k of [k1, k3, k5]) {
    await expect(drill.getByRole('link', { name: k.no })).toHaveAttribute('href', k.url);
  }
  await expect(drill.getByTestId('kpi-drill-row').filter({ hasText: k5.no })).toContainText('超时');
  await expect(drill).not.toContainText(k2.no);
  await page.keyboard.press('Escape');
  await expect(drill).toHaveCount(0);
  // 李强's complaints: K1 and K2.
  await b.getByTestId('kpi-complaint-rate').getByRole('button').click();
  await expect(drill.getByTestId('kpi-drill-row')).toHaveCount(2);
  await expect(drill.getByRole('link', { name: k1.no })).toBeVisible();
  await expect(drill.getByRole('link', { name: k2.no })).toBeVisible();
  await page.getByTestId('kpi-drill-close').click();
  // 张敏's answers, each opening its response; her scored calls, without the withdrawn one.
  await a.getByTestId('kpi-satisfaction').getByRole('button').click();
  await expect(drill.getByTestId('kpi-drill-row')).toHaveCount(3);
  await expect(drill.getByRole('link').first()).toHaveAttribute('href', new RegExp(`^/surveys/${key}/results\\?response=response:`));
  await page.getByTestId('kpi-drill-close').click();
  await a.getByTestId('kpi-accuracy').getByRole('button').click();
  await expect(drill.getByTestId('kpi-drill-row')).toHaveCount(3);
  await expect(drill).toContainText('REC-2');
  await expect(drill).toContainText('系统中载明的信息不能正确地提供给客户');
  await expect(drill).not.toContainText('REC-4');
  // A scored call opens its score on the service-quality page (before, it was not a link).
  await drill.getByRole('link', { name: 'REC-2' }).click();
  await expect(page).toHaveURL(/\/quality\?review=call_review:/);
  await expect(page.locator('#qa-review-title')).toHaveText('修改通话评分');
  await expect(page.locator('#qa-review-title')).toBeFocused();
  await expect(page.locator('#qa-ref')).toHaveValue('REC-2');
  await page.goBack();
  await expect(page.getByTestId('kpi-table')).toBeVisible();

  // Printed: the sheet on A4 without its controls, the form or the side sheet.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('kpi-table')).toBeVisible();
  await expect(page.getByTestId('kpi-prev')).toBeHidden();
  await expect(page.getByTestId('served-form')).toBeHidden();
  await page.emulateMedia({ media: 'screen' });

  // CSV: UTF-8 with a BOM, a row per staff member with the counts behind each share.
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^kefu-[A-Za-z0-9_-]+-staff-kpi-2026-11\.csv$/);
  const bytes = fs.readFileSync(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString('utf8').trim().split(/\r?\n/);
  expect(lines[0]).toMatch(/^员工,角色,客户满意度,/);
  const csvRow = (name) => lines.find((l) => l.startsWith(`${name},`)).split(',');
  expect(csvRow('张敏').slice(1, 16)).toEqual(['客服专员', '66.7%', '2', '3', '66.7%', '2', '3', '66.7%', '2', '3', '0.250%', '1', '400', k2.no, k5.no]);
  expect(csvRow('李强').slice(1, 16)).toEqual(['客服专员', '100.0%', '1', '1', '50.0%', '1', '2', '0.0%', '0', '1', '0.800%', '2', '250', `${k1.no} ${k2.no}`, k2.no]);
  expect(lines).toContain('考核期间,2026 年 11 月 月度考核,2026-11');
  expect(lines.find((l) => l.startsWith('无人提交处理意见的超时工单,'))).toContain(k4.no);

  // The year: the same records (there are no others in 2026), and no complaint rate, as only
  // November's customers served are entered; the page says why.
  await page.getByTestId('kpi-annual').click();
  await expect(page).toHaveURL(/period=2026$/);
  await expect(page.locator('#kpi-h')).toContainText('2026 年度考核');
  // December 7th: the year is not over, and the sheet says so; November is.
  await expect(page.getByTestId('period-note')).toHaveText('本期尚未结束：数字截至今天，期末前还会变化。');
  await expect(a.getByTestId('kpi-satisfaction')).toHaveText('66.7 % (2/3)');
  await expect(a.getByTestId('kpi-accuracy')).toHaveText('66.7 % (2/3)');
  await expect(a.getByTestId('kpi-on-time')).toHaveText('66.7 % (2/3)');
  await expect(b.getByTestId('kpi-accuracy')).toHaveText('50.0 % (1/2)');
  await expect(b.getByTestId('kpi-on-time')).toHaveText('0.0 % (0/1)');
  await expect(a.getByTestId('kpi-complaint-rate')).toContainText('— · 1 件投诉');
  await expect(a.getByTestId('kpi-complaint-rate')).toContainText('已录入 1/12 个月的服务客户数');
  await expect(b.getByTestId('kpi-served')).toHaveText('— (1/12)');
  await expect(page.getByTestId('kpi-year-note')).toContainText('12个月');
  await expect(page.getByTestId('served-form')).toHaveCount(0);
  // Back to the month from the year.
  await page.getByTestId('kpi-monthly').click();
  await expect(page.locator('#kpi-h')).toContainText('2026 年 11 月');
  await expect(page.getByTestId('period-note')).toHaveCount(0);

  // October has nothing to assess; a specialist sees the sheet but cannot enter counts.
  await page.getByTestId('kpi-prev').click();
  await expect(page).toHaveURL(/period=2026-10$/);
  await expect(page.getByTestId('kpi-empty')).toBeVisible();
  await switchTo(page, '张敏', '/reports?view=kpi&period=2026-11');
  await expect(page.getByTestId('served-reason')).toContainText('只有客服主管或客服经理');
  await expect(page.getByTestId('served-save')).toBeDisabled();
  await expect(a.getByTestId('kpi-complaint-rate')).toHaveText('0.250 % (1/400)');
  // English labels.
  await page.getByTestId('lang-switch').click();
  await expect(page.locator('#kpi-h')).toContainText('Monthly assessment, 2026-11');
  await expect(page.getByTestId('kpi-table').locator('thead')).toContainText('Cases handled on time');
});

test('opened by its address, the KPI sheet fetches its own part of the wasm, not the reports\' nor the service-quality page\'s, and with no staff says how to begin', async ({ page }) => {
  await open(page, '/reports?view=kpi&period=2026');
  await expect(page.locator('#kpi-h')).toContainText('2026 年度考核');
  await expect(page.getByTestId('tab-kpi')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('report-unread-period')).toHaveCount(0);
  await expect(page.getByTestId('kpi-empty')).toContainText('尚无员工');
  const parts = await page.evaluate(() => performance.getEntriesByType('resource')
    .map((e) => (/\/(split_[a-z]+)\.wasm$/.exec(e.name) || [])[1]).filter(Boolean));
  expect(parts).toEqual(['split_kpi']);
  // Its tabs lead to the other reports, which come from their own part.
  await page.getByTestId('tab-monthly').click();
  await expect(page.locator('#monthly-h')).toBeVisible();
  await page.getByTestId('tab-kpi').click();
  await expect(page.locator('#kpi-h')).toBeVisible();
  // A period in the address that is none is said, as on the other reports (the last month's
  // sheet was shown as if asked for).
  await open(page, '/reports?view=kpi&period=2026-13');
  await expect(page.getByTestId('report-unread-period')).toHaveText('地址中的期间“2026-13”无法识别（应为 2026-11 / 2026 这样的格式），以下为默认期间。');
  await expect(page.locator('#kpi-h')).toBeVisible();
});
