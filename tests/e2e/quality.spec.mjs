// Service quality (质检): a supervisor scores a call on source 003's scorecard (30 points, 0.5
// an item), the score follows every tick, a compliance fault needs its story, the typing
// survives a reload, and the trends by staff member and the most frequent deductions follow;
// a month's call figures are judged against the source's targets; a specialist can look but
// not score; a review is corrected from the list; English throughout.
import { test, expect, open } from './fixtures.mjs';
import { setUpStaff, signIn } from './helpers.mjs';

/** A local `datetime-local` value `days` days from now at 10:00. */
function localDay(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T10:00`;
}

function lastMonth() {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

test('a supervisor scores a call, keeps the draft over a reload, and sees it in the trends; a month is judged against the targets', async ({ page }) => {
  await setUpStaff(page);

  // 张敏, a specialist, may look but not score or enter figures.
  await open(page, '/quality');
  await expect(page.getByRole('heading', { name: '服务质检' })).toBeVisible();
  await expect(page.getByTestId('review-reason')).toContainText('只有客服主管或客服经理可以评分');
  await expect(page.getByTestId('review-save')).toBeDisabled();
  await expect(page.getByTestId('stats-save')).toBeDisabled();
  await expect(page.getByTestId('quality-trends')).toContainText('近6个月尚无评分');

  // 李强, a supervisor.
  await open(page, '/settings');
  await signIn(page, '李强');
  await page.getByRole('link', { name: '服务质检' }).click();
  await expect(page.getByTestId('review-reason')).toHaveCount(0);

  // A month's figures: 12.5% abandoned misses, 28 s and 1 complaint in 17,500 meet.
  await expect(page.locator('#qa-month')).toHaveValue(lastMonth());
  await page.locator('#qa-offered').fill('20000');
  await page.locator('#qa-abandoned').fill('2500');
  await page.locator('#qa-wait').fill('28');
  await page.locator('#qa-complaints').fill('1');
  await page.getByTestId('stats-save').click();
  const target = page.getByTestId('target-row');
  await expect(target).toHaveCount(1);
  await expect(target).toContainText(lastMonth());
  await expect(target.locator('td').nth(1)).toContainText('12.5%');
  await expect(target.locator('td').nth(1)).toContainText('未达标');
  await expect(target.locator('td').nth(2)).toContainText('28.0 秒');
  await expect(target.locator('td').nth(2)).toContainText('达标');
  await expect(target.locator('td').nth(3)).toContainText('万分之0.57');
  await expect(target.locator('td').nth(3)).not.toContainText('未达标');
  // More abandoned than calls in is refused in words.
  await page.locator('#qa-abandoned').fill('20001');
  await page.getByTestId('stats-save').click();
  await expect(page.getByTestId('stats-error')).toContainText('弃线数不能多于来电总数');
  // Another month shows its own (none); back again, the typing not saved is still there.
  await page.locator('#qa-month').fill('2020-01');
  await expect(page.locator('#qa-offered')).toHaveValue('');
  await expect(page.getByTestId('period-note')).toHaveCount(0);
  // This month may be entered as it stands, and is said not to be over.
  const now = new Date();
  await page.locator('#qa-month').fill(`${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`);
  await expect(page.getByTestId('period-note')).toHaveText('本期尚未结束：数字截至今天，期末前还会变化。');
  await page.locator('#qa-month').fill(lastMonth());
  await expect(page.locator('#qa-abandoned')).toHaveValue('20001');
  await expect(page.locator('#qa-offered')).toHaveValue('20000');
  await page.locator('#qa-abandoned').fill('2500');
  // So are more complaints than calls answered (the rate is per answered call: 2 in 1 showed
  // 万分之20000).
  await page.locator('#qa-abandoned').fill('19999');
  await page.locator('#qa-complaints').fill('2');
  await page.getByTestId('stats-save').click();
  await expect(page.getByTestId('stats-error')).toContainText('投诉数不能多于接通数（来电总数减弃线数）');
  await expect(target.locator('td').nth(3)).toContainText('万分之0.57');
  await page.locator('#qa-abandoned').fill('2500');
  await page.locator('#qa-complaints').fill('1');

  // Scoring: the staff list has the specialists, not himself nor the manager (a supervisor
  // checks specialists' calls; the manager scores supervisors').
  const form = page.getByTestId('review-form');
  const options = await page.locator('#qa-staff option').allTextContents();
  expect(options).toContain('张敏');
  expect(options).not.toContain('李强');
  expect(options).not.toContain('王经理');
  await page.getByTestId('review-save').click();
  await expect(form).toContainText('请选择被评分的员工');
  await expect(form).toContainText('请填写通话时间');
  await page.locator('#qa-staff').selectOption({ label: '张敏' });
  await page.locator('#qa-call-at').fill(localDay(1));
  await expect(form).toContainText('通话时间晚于现在');
  // A year typed wrong (1900 for this year) is caught before the save.
  await page.locator('#qa-call-at').fill('1900' + localDay(-1).slice(4));
  await expect(form).toContainText('通话时间早于评分一年以上，请检查年份');
  await page.getByTestId('review-save').click();
  await expect(page.getByTestId('review-row')).toHaveCount(0);
  await page.locator('#qa-call-at').fill(localDay(-1));
  await page.locator('#qa-ref').fill('REC-0042');
  await expect(page.getByTestId('review-score')).toHaveText('30');
  // A standard not met, a fault shown: 29, each group says what it lost.
  await page.getByTestId('item-greeting.warm').uncheck();
  await expect(page.getByTestId('review-score')).toHaveText('29.5');
  await page.getByTestId('item-attitude.jargon').check();
  await expect(page.getByTestId('review-score')).toHaveText('29');
  await expect(page.getByTestId('group-greeting').getByTestId('group-taken')).toHaveText('−0.5');
  // A compliance fault needs its story.
  await page.getByTestId('item-closing.wrong_number').check();
  await expect(page.getByTestId('review-score')).toHaveText('28.5');
  await page.getByTestId('review-save').click();
  // Said once, under the comment (it was said a second time in the list below the form).
  await expect(page.locator('#qa-comment-err')).toHaveText('勾选了合规类扣分项，请在评语中写明经过');
  await expect(page.getByTestId('review-problems')).not.toContainText('合规');
  await expect(page.getByText('勾选了合规类扣分项，请在评语中写明经过')).toHaveCount(1);

  // A reload keeps all of it.
  await page.locator('#qa-comment').fill('把内部专线号码告诉了客户');
  await page.reload();
  await expect(page.getByTestId('draft-restored')).toBeVisible();
  await expect(page.locator('#qa-staff')).toHaveValue(/staff:/);
  await expect(page.locator('#qa-ref')).toHaveValue('REC-0042');
  await expect(page.locator('#qa-comment')).toHaveValue('把内部专线号码告诉了客户');
  await expect(page.getByTestId('item-greeting.warm')).not.toBeChecked();
  await expect(page.getByTestId('item-closing.wrong_number')).toBeChecked();
  await expect(page.getByTestId('review-score')).toHaveText('28.5');
  await page.getByTestId('review-save').click();
  await expect(page.locator('.notice')).toContainText('已保存 张敏 的通话评分：28.5 分');
  // The form is blank again, and no draft is left.
  await expect(page.getByTestId('review-score')).toHaveText('30');
  await expect(page.locator('#qa-ref')).toHaveValue('');
  expect(await page.evaluate(() => localStorage.getItem('kefu.quality.review-draft'))).toBeNull();

  // Trends and the list.
  const trend = page.getByTestId('trend-row').filter({ hasText: '张敏' });
  await expect(trend).toContainText('28.5 (1)');
  await expect(page.getByTestId('trend-branch')).toContainText('28.5 (1)');
  await expect(page.getByTestId('frequent').locator('li')).toHaveCount(3);
  await expect(page.getByTestId('frequent')).toContainText('问候 · 热情，友好');
  const row = page.getByTestId('review-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('row-score')).toHaveText('28.5');
  await expect(row).toContainText('REC-0042');
  await expect(row.getByTestId('row-reviewer')).toHaveText('李强');
  // What was taken off is written out in the row, not behind a hover.
  await expect(row.getByTestId('row-taken')).toContainText('问候 · 热情，友好');
  await expect(row.getByTestId('row-taken')).toContainText('把内部专线号码告诉了客户');
  await expect(row.getByTestId('review-open')).toHaveAttribute('aria-label', /打开 张敏 .* 的通话评分/);

  // Corrected from the list: one more standard missed.
  await row.getByTestId('review-open').click();
  await expect(form.getByRole('heading')).toHaveText('修改通话评分');
  await expect(form.getByRole('heading')).toBeFocused();
  await expect(page.getByTestId('review-score')).toHaveText('28.5');
  await page.getByTestId('item-closing.thanks').uncheck();
  await page.getByTestId('review-save').click();
  await expect(row.getByTestId('row-score')).toHaveText('28');
  await expect(page.getByTestId('review-row')).toHaveCount(1);
  await expect(trend).toContainText('28 (1)');

  // English.
  await page.getByTestId('lang-switch').click();
  await expect(page.getByRole('heading', { name: 'Service quality' })).toBeVisible();
  await expect(target.locator('td').nth(1)).toContainText('missed');
  await expect(target.locator('td').nth(3)).toContainText('0.57 in 10,000');
  await expect(page.getByTestId('frequent')).toContainText('Greeting · Warm and friendly');
  await expect(page.getByTestId('item-greeting.warm').locator('..')).toContainText('Warm and friendly');
  await page.getByTestId('lang-switch').click();

  // 张敏 cannot change her own score.
  await open(page, '/settings');
  await signIn(page, '张敏');
  await open(page, '/quality');
  await page.getByTestId('review-row').getByTestId('review-open').click();
  await expect(page.getByTestId('review-save')).toBeDisabled();
  await expect(page.getByTestId('review-reason')).toHaveText('只有客服主管或客服经理可以评分，请以其身份登录');
  await expect(page.getByTestId('item-greeting.prepared')).toBeDisabled();
  await expect(page.getByTestId('review-score')).toHaveText('28');

  // The manager scores the supervisor's calls too, not his own.
  await open(page, '/settings');
  await signIn(page, '王经理');
  await open(page, '/quality');
  const theirs = await page.locator('#qa-staff option').allTextContents();
  expect(theirs).toContain('张敏');
  expect(theirs).toContain('李强');
  expect(theirs).not.toContain('王经理');
});

test('drafts are each person\'s and each tab\'s; a stale correction is refused, not written over; figures read as their verdict', async ({ page, context }) => {
  test.setTimeout(120_000);
  await setUpStaff(page, [['张敏', 'specialist'], ['李强', 'supervisor'], ['陈静', 'supervisor'], ['王经理', 'manager']]);
  await signIn(page, '李强');
  await open(page, '/quality');
  // 李强 starts scoring 张敏's call and leaves it unsaved.
  await page.locator('#qa-staff').selectOption({ label: '张敏' });
  await page.locator('#qa-call-at').fill(localDay(-2));
  await page.locator('#qa-comment').fill('李强的未保存评语');
  await page.getByTestId('item-attitude.rude').check();
  await expect(page.getByTestId('compliance')).toHaveCount(3);
  // 张敏 signs in on the same device: his notes are not hers to see, and her form is locked.
  await open(page, '/settings');
  await signIn(page, '张敏');
  await open(page, '/quality');
  await expect(page.getByTestId('draft-restored')).toHaveCount(0);
  await expect(page.locator('#qa-comment')).toHaveValue('');
  await expect(page.locator('#qa-comment')).toBeDisabled();
  // Back to 李强: his typing is there, and he saves it.
  await open(page, '/settings');
  await signIn(page, '李强');
  await open(page, '/quality');
  await expect(page.getByTestId('draft-restored')).toBeVisible();
  await expect(page.locator('#qa-comment')).toHaveValue('李强的未保存评语');
  await page.getByTestId('review-save').click();
  await expect(page.getByTestId('review-row')).toHaveCount(1);

  // A second tab of 李强's: each tab keeps its own typing.
  const b = await context.newPage();
  await open(b, '/quality');
  await page.locator('#qa-ref').fill('tab-A');
  await b.locator('#qa-ref').fill('tab-B');
  await page.reload();
  await expect(page.locator('#qa-ref')).toHaveValue('tab-A');
  // 放弃草稿 can be undone (撤销) until something new is typed.
  await page.getByTestId('discard-draft').click();
  await expect(page.locator('#qa-ref')).toHaveValue('');
  await expect(page.getByTestId('draft-discarded')).toContainText('已放弃草稿');
  await page.getByTestId('undo-discard').click();
  await expect(page.locator('#qa-ref')).toHaveValue('tab-A');
  await expect(page.getByTestId('draft-discarded')).toHaveCount(0);
  await page.getByTestId('discard-draft').click();
  await page.locator('#qa-comment').fill('x');
  await expect(page.getByTestId('draft-discarded')).toHaveCount(0);
  await page.locator('#qa-comment').fill('');
  await b.getByTestId('review-cancel').click();

  // Both tabs open the review; B saves first, A's save is refused, and A loads B's version.
  await page.getByTestId('review-open').click();
  await b.getByTestId('review-open').click();
  await b.getByTestId('item-control.lost').check();
  await b.getByTestId('review-save').click();
  await expect(b.getByTestId('review-row').getByTestId('row-score')).toHaveText('29');
  // Changed by its own reviewer: the list says it was changed, and when (before, nothing).
  await expect(b.getByTestId('review-row').getByTestId('row-reviewer')).toHaveText(/^李强（\d{4}-\d{2}-\d{2} 修改）$/);
  await page.getByTestId('item-closing.thanks').uncheck();
  await page.getByTestId('review-save').click();
  await expect(page.getByTestId('review-problems')).toContainText('该记录已被他人修改');
  // The refusal follows the language.
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('review-problems')).toContainText('someone else changed this record');
  await page.getByTestId('lang-switch').click();
  await page.getByTestId('review-load-newest').click();
  await expect(page.getByTestId('review-score')).toHaveText('29');
  await expect(page.getByTestId('item-control.lost')).toBeChecked();
  await b.close();

  // 陈静, another supervisor, may read 李强's review but not change it; the manager may, and is named.
  await open(page, '/settings');
  await signIn(page, '陈静');
  await open(page, '/quality');
  await page.getByTestId('review-open').click();
  await expect(page.getByTestId('review-reason')).toHaveText('只有评分人或客服经理可以修改这条评分');
  await expect(page.getByTestId('review-save')).toBeDisabled();
  await open(page, '/settings');
  await signIn(page, '王经理');
  await open(page, '/quality');
  await page.getByTestId('review-open').click();
  // Whose call it is cannot be turned into the reviewer's own.
  const options = await page.locator('#qa-staff option').allTextContents();
  expect(options).toContain('张敏');
  expect(options).not.toContain('李强');
  await page.getByTestId('item-greeting.warm').uncheck();
  await page.getByTestId('review-save').click();
  await expect(page.getByTestId('review-row').getByTestId('row-reviewer')).toHaveText(/^李强（王经理 \d{4}-\d{2}-\d{2} 修改）$/);

  // Figures near a limit take the decimals they need not to round onto it (they were rounded
  // toward their verdict: 10.1%, 29.9 秒); full-width digits are read.
  await page.locator('#qa-offered').fill('１０，００１');
  await page.locator('#qa-abandoned').fill('1001');
  await page.locator('#qa-wait').fill('29.96');
  await page.locator('#qa-complaints').fill('99999999999');
  await expect(page.getByTestId('call-targets')).toContainText('数字过大');
  await page.locator('#qa-complaints').fill('0');
  // Typing kept over a reload, per month.
  await page.reload();
  await expect(page.locator('#qa-offered')).toHaveValue('１０，００１');
  await expect(page.locator('#qa-wait')).toHaveValue('29.96');
  await page.getByTestId('stats-save').click();
  const target = page.getByTestId('target-row');
  await expect(target.locator('td').nth(0)).toHaveText('10001');
  await expect(target.locator('td').nth(1)).toHaveText('10.01% 未达标');
  await expect(target.locator('td').nth(2)).toHaveText('29.96 秒 达标');
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('kefu.quality.stats-draft.')).map((k) => JSON.parse(localStorage.getItem(k)).typed))).toEqual([]);
});

test('a score is withdrawn by its reviewer with a reason: kept in the list, marked, out of every average', async ({ page, context }) => {
  test.setTimeout(120_000);
  await setUpStaff(page, [['张敏', 'specialist'], ['李强', 'supervisor'], ['陈静', 'supervisor']]);
  await signIn(page, '李强');
  await open(page, '/quality');
  // A lapse marked in both columns (the standard greeting not used) is taken off once.
  await page.getByTestId('item-greeting.standard').uncheck();
  await expect(page.getByTestId('review-score')).toHaveText('29.5');
  await page.getByTestId('item-greeting.no_standard').check();
  await expect(page.getByTestId('review-score')).toHaveText('29.5');
  // The group's figure counts it once too (it read −1 beside 29.5).
  const greetingTaken = page.getByTestId('group-greeting').getByTestId('group-taken');
  await expect(greetingTaken).toHaveText('−0.5');
  // A fault shown unticks the standard it repeats (both stood ticked, the record saying the
  // voice was clear and indistinct).
  await page.getByTestId('item-greeting.mumbled').check();
  await expect(page.getByTestId('item-greeting.voice')).not.toBeChecked();
  await expect(page.getByTestId('review-score')).toHaveText('29');
  await expect(greetingTaken).toHaveText('−1');
  // Speech marked indistinct is the clear voice not met: one lapse in either column.
  await page.getByTestId('item-greeting.voice').uncheck();
  await expect(page.getByTestId('review-score')).toHaveText('29');
  // The standard ticked as met again clears its fault.
  await page.getByTestId('item-greeting.voice').check();
  await expect(page.getByTestId('item-greeting.mumbled')).not.toBeChecked();
  await expect(page.getByTestId('review-score')).toHaveText('29.5');
  await expect(greetingTaken).toHaveText('−0.5');
  await page.getByTestId('review-cancel').click();
  await expect(page.getByTestId('review-score')).toHaveText('30');
  // Saved so, the lapse is listed once, and counted once among the most frequent, under
  // both its names.
  await page.locator('#qa-staff').selectOption({ label: '张敏' });
  await page.locator('#qa-call-at').fill(localDay(-4));
  await page.locator('#qa-ref').fill('REC-0');
  await page.getByTestId('item-greeting.voice').uncheck();
  await page.getByTestId('item-greeting.mumbled').check();
  await page.getByTestId('review-save').click();
  const both = page.getByTestId('review-row').filter({ hasText: 'REC-0' });
  await expect(both.getByTestId('row-score')).toHaveText('29.5');
  await expect(both).toContainText('嗓音清晰，语调柔和');
  await expect(both).not.toContainText('语音含混');
  await expect(page.getByTestId('frequent').locator('li')).toHaveCount(1);
  await expect(page.getByTestId('frequent').locator('li')).toHaveText('问候 · 嗓音清晰，语调柔和／问候 · 语音含混　1 次');
  // Withdrawn at once (the figures below count the two calls that follow).
  await both.getByTestId('review-open').click();
  await page.getByTestId('review-withdraw').click();
  await page.locator('#qa-withdraw-reason').fill('录音编号填错');
  await page.getByTestId('withdraw-confirm').click();
  await expect(page.getByTestId('frequent').locator('li')).toHaveCount(0);
  // Two calls of 张敏's: 29.5 and 29.
  for (const [days, item, ref] of [[-3, 'item-greeting.warm', 'REC-1'], [-2, 'item-control.lost', 'REC-2']]) {
    await page.locator('#qa-staff').selectOption({ label: '张敏' });
    await page.locator('#qa-call-at').fill(localDay(days));
    await page.locator('#qa-ref').fill(ref);
    if (item === 'item-greeting.warm') await page.getByTestId(item).uncheck();
    else {
      await page.getByTestId(item).check();
      await page.getByTestId('item-closing.thanks').uncheck();
    }
    await page.getByTestId('review-save').click();
    await expect(page.getByTestId('review-row').filter({ hasText: ref })).toHaveCount(1);
  }
  const branch = page.getByTestId('trend-branch').locator('td').last();
  await expect(branch).toHaveText('29.25 (2)');

  // 陈静, another supervisor, is not offered to withdraw 李强's score.
  await open(page, '/settings');
  await signIn(page, '陈静');
  await open(page, '/quality');
  await page.getByTestId('review-row').filter({ hasText: 'REC-2' }).getByTestId('review-open').click();
  await expect(page.getByTestId('review-reason')).toHaveText('只有评分人或客服经理可以修改这条评分');
  await expect(page.getByTestId('review-withdraw')).toHaveCount(0);

  // 李强 withdraws REC-2: a reason is asked for, then it is kept, marked, and left out.
  await open(page, '/settings');
  await signIn(page, '李强');
  await open(page, '/quality');
  await page.getByTestId('review-row').filter({ hasText: 'REC-2' }).getByTestId('review-open').click();
  await page.getByTestId('review-withdraw').click();
  await expect(page.locator('#qa-withdraw-reason')).toBeFocused();
  await page.getByTestId('withdraw-confirm').click();
  await expect(page.locator('#qa-withdraw-reason-err')).toHaveText('请写明撤销的原因（至少4个字）');
  // A tab that changed it meanwhile: the withdrawal is refused, not written over the change.
  const b = await context.newPage();
  await open(b, '/quality');
  await b.getByTestId('review-row').filter({ hasText: 'REC-2' }).getByTestId('review-open').click();
  await b.locator('#qa-comment').fill('另一页改的评语');
  await b.getByTestId('review-save').click();
  await expect(b.getByTestId('review-row').filter({ hasText: 'REC-2' })).toContainText('另一页改的评语');
  await b.close();
  await page.locator('#qa-withdraw-reason').fill('录音不是这位员工的');
  await page.getByTestId('withdraw-confirm').click();
  await expect(page.getByTestId('review-problems')).toContainText('该记录已被他人修改');
  await page.getByTestId('review-load-newest').click();
  await expect(page.locator('#qa-comment')).toHaveValue('另一页改的评语');
  // The reason typed is still there: confirmed again over the newest, it is withdrawn.
  await expect(page.locator('#qa-withdraw-reason')).toHaveValue('录音不是这位员工的');
  await page.getByTestId('withdraw-confirm').click();
  await expect(page.locator('.notice')).toContainText('已撤销 张敏 的通话评分');
  const row = page.getByTestId('review-row').filter({ hasText: 'REC-2' });
  await expect(row.getByTestId('row-withdrawn')).toContainText('已撤销（李强，');
  await expect(row.getByTestId('row-withdrawn')).toContainText('录音不是这位员工的');
  await expect(row.getByTestId('row-score').locator('s')).toHaveText('29');
  await expect(branch).toHaveText('29.5 (1)');
  await expect(page.getByTestId('frequent')).not.toContainText('难以控制电话');
  await expect(page.getByTestId('frequent')).toContainText('热情，友好');
  await expect(page.getByTestId('frequent').locator('li')).toHaveCount(1);
  // Opened again, it reads as withdrawn and cannot be changed or withdrawn again.
  await row.getByTestId('review-open').click();
  await expect(page.getByTestId('review-withdrawn')).toContainText('撤销了这条评分：录音不是这位员工的');
  await expect(page.getByTestId('review-save')).toBeDisabled();
  await expect(page.getByTestId('review-withdraw')).toHaveCount(0);
  // In English too, after a reload.
  await page.reload();
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('review-row').filter({ hasText: 'REC-2' }).getByTestId('row-withdrawn')).toContainText('Withdrawn (李强, ');
  await page.getByTestId('lang-switch').click();
});

test('a quality page left open into a new month shows the six months up to the new one, without a reload', async ({ page }) => {
  await page.clock.install({ time: new Date('2026-11-30T23:50:00') });
  await setUpStaff(page);
  await open(page, '/settings');
  await signIn(page, '李强');
  await open(page, '/quality');
  await page.locator('#qa-staff').selectOption({ label: '张敏' });
  await page.locator('#qa-call-at').fill('2026-11-30T10:00');
  await page.getByTestId('item-greeting.warm').uncheck();
  await page.getByTestId('review-save').click();
  await expect(page.locator('.notice')).toContainText('已保存 张敏 的通话评分：29.5 分');
  const heads = page.getByTestId('quality-trends').locator('thead th.num');
  await expect(heads).toHaveText(['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '6个月均分']);
  // The page stays open past midnight into December (the timers run as the minutes pass).
  await page.clock.runFor('15:00');
  await expect(heads).toHaveText(['2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12', '6个月均分']);
  const trend = page.getByTestId('trend-row').filter({ hasText: '张敏' });
  await expect(trend.locator('td').nth(4)).toHaveText('29.5 (1)');
  await expect(trend.locator('td').nth(5)).toHaveText('—');
});

test('printed, the service-quality page leaves out its entry forms', async ({ page }) => {
  await setUpStaff(page);
  await signIn(page, '李强');
  await open(page, '/quality');
  await expect(page.getByTestId('review-form')).toBeVisible();
  await expect(page.locator('form.qa-stats')).toBeVisible();
  // On paper the blank scorecard and the figures' form printed with their buttons (QA).
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('review-form')).toBeHidden();
  await expect(page.locator('form.qa-stats')).toBeHidden();
  await expect(page.getByTestId('call-targets')).toBeVisible();
  await expect(page.getByTestId('review-list')).toBeVisible();
});
