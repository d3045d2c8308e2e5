// Complaints as a user: intake with validation and a draft that survives a reload, the case
// through investigation, two-level approval, response, an unsatisfied visit (reopen), a second
// round and closure, the history, the printed record, and the list's filters and search.
import fs from 'node:fs';
import { test, expect, open, tmpPath } from './fixtures.mjs';
import { asManager, setUpStaff, signIn, closeTab, showCalendarYear, act, enterHolidays, STATUTORY_2027 } from './helpers.mjs';

/** A Date as the value of an <input type="datetime-local">. */
function localInput(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
const hoursAgo = (h) => localInput(new Date(Date.now() - h * 3600_000));

/** Signs someone else in (via Settings) and comes back to a page. */
async function switchTo(page, name, back) {
  await open(page, '/settings');
  await signIn(page, name);
  await open(page, back);
}

/** The opinion approved by 李强 then 王经理, and the customer answered (`response`) by 张敏. */
async function approvedAndAnswered(page, caseUrl, response) {
  await switchTo(page, '李强', caseUrl);
  await act(page, 'approve');
  await switchTo(page, '王经理', caseUrl);
  await act(page, 'approve');
  await switchTo(page, '张敏', caseUrl);
  await act(page, 'respond', () => page.locator('#f-text').fill(response));
}

/** Staff set up, a case filed, investigated, found partly ours with one corrective measure
 *  (what, by whom; due 2099-12-31), approved at both levels and answered: its path. */
async function answeredWithMeasure(page, c, [findings, opinion, measure, owner, response]) {
  await setUpStaff(page);
  await fileComplaint(page, c);
  const caseUrl = new URL(page.url()).pathname;
  await act(page, 'start_investigation');
  await act(page, 'record_findings', () => page.locator('#f-text').fill(findings));
  await act(page, 'submit_opinion', async () => {
    await page.locator('#f-responsibility').selectOption('ours_partial');
    await page.locator('#f-text').fill(opinion);
    await page.getByTestId('add-corrective').click();
    await page.locator('#f-ca-desc-0').fill(measure);
    await page.locator('#f-ca-owner-0').fill(owner);
    await page.locator('#f-ca-due-0').fill('2099-12-31');
  });
  await approvedAndAnswered(page, caseUrl, response);
  return caseUrl;
}

async function fileComplaint(page, c) {
  await open(page, '/complaints/new');
  await page.locator('#c-name').fill(c.name);
  await page.locator('#c-phone').fill(c.phone);
  await page.locator('#c-channel').selectOption(c.channel ?? 'phone');
  await page.locator('#c-received').fill(c.received ?? hoursAgo(1));
  await page.locator('#c-narrative').fill(c.narrative);
  if (c.category) {
    await page.locator('#c-category').selectOption(c.category);
    await page.locator('#c-severity').selectOption(String(c.severity ?? 2));
    await page.locator('#c-department').fill(c.department ?? '客服部');
  }
  if (c.staff) await page.locator('#c-staff').fill(c.staff);
  await page.getByTestId('save-complaint').click();
  await expect(page).toHaveURL(/\/complaints\/complaint:/);
  return (await page.getByTestId('case-no').textContent()).trim();
}

/** ASCII letters, digits and signs as their full-width forms. */
const toFullWidth = (s) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

test('files a complaint and takes it through two rounds to closure, then prints it', async ({ page }) => {
  test.setTimeout(180_000);
  // The corrective action's due date: two months on (after the day of receipt, any day).
  const due = localInput(new Date(Date.now() + 60 * 86400_000)).slice(0, 10);
  await setUpStaff(page);
  await open(page, '/complaints/new');

  // What the form cannot be saved without is marked, and the mark is not read out.
  await expect(page.locator('label[for="c-name"] .req')).toBeVisible();
  await expect(page.locator('label[for="c-narrative"] .req')).toBeVisible();
  await expect(page.locator('label[for="c-email"] .req')).toHaveCount(0);
  await expect(page.locator('#c-name')).toMatchAriaSnapshot('- textbox "投诉人姓名"');
  // A screen reader hears it instead.
  await expect(page.locator('#c-name')).toHaveAttribute('aria-required', 'true');
  await expect(page.locator('#c-email')).not.toHaveAttribute('aria-required', /./);

  // Validation as typed: a time received in the future is refused in words.
  await page.locator('#c-name').fill('赵女士');
  await page.locator('#c-phone').fill('13812345678');
  await page.locator('#c-channel').selectOption('in_person');
  await page.locator('#c-received').fill(localInput(new Date(Date.now() + 2 * 86400_000)));
  await expect(page.locator('#c-received-err')).toHaveText('受理时间不能晚于当前时间');
  // A year mistyped (1926 for 2026) would file a case overdue for good.
  await page.locator('#c-received').fill('1926-12-04T09:00');
  await expect(page.locator('#c-received-err')).toHaveText('受理时间早于一年前，请核对年份');
  // The field itself says it is wrong, to a screen reader, until it is put right.
  await expect(page.locator('#c-received')).toHaveAttribute('aria-invalid', 'true');
  await page.locator('#c-received').fill(hoursAgo(2));
  await expect(page.locator('#c-received-err')).toHaveText('');
  await expect(page.locator('#c-received')).not.toHaveAttribute('aria-invalid', /./);
  // So would an event's year (1900 for 2000): nothing 20 years before receipt is taken.
  await page.locator('#c-event-time').fill('1900-01-01T00:00');
  await expect(page.locator('#c-event-time-err')).toHaveText('事件发生时间早于受理前 20 年，请核对年份');
  await page.locator('#c-event-time').fill('');
  await expect(page.locator('#c-event-time-err')).toHaveText('');
  // Saving without a narrative is refused, and nothing is lost.
  await page.getByTestId('save-complaint').click();
  await expect(page.locator('#c-narrative-err')).toHaveText('请记录投诉事由及经过');
  await expect(page).toHaveURL(/\/complaints\/new$/);
  // The field to put right takes the focus, and its error describes it.
  await expect(page.locator('#c-narrative')).toBeFocused();
  await expect(page.locator('#c-narrative')).toHaveAccessibleDescription('请记录投诉事由及经过');
  // The banner of why it was refused follows a switch of language, as the fields' errors do.
  await expect(page.getByTestId('save-error')).toHaveText('请记录投诉事由及经过');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('save-error')).toHaveText('Describe what the complaint is about');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('save-error')).toHaveText('请记录投诉事由及经过');
  // It follows the typing too: put right, it goes (QA: it stayed, listing filled fields).
  await page.locator('#c-narrative').fill('排队');
  await expect(page.getByTestId('save-error')).toHaveText('');
  await page.locator('#c-narrative').fill('');
  // A phone number that is not one is refused too.
  await page.locator('#c-phone').fill('12ab');
  await expect(page.locator('#c-phone-err')).toContainText('电话号码格式不正确');
  // A mobile a digit short or long is no number to call back (QA: both were taken).
  for (const typo of ['1381234567', '138123456789']) {
    await page.locator('#c-phone').fill(typo);
    await expect(page.locator('#c-phone-err'), typo).toContainText('手机号 11 位');
  }
  await page.locator('#c-phone').fill('13812345678');
  await expect(page.locator('#c-phone-err')).toHaveText('');
  // A name pasted by mistake, or a narrative over 5,000 characters, is refused with its length.
  await page.locator('#c-name').fill('赵'.repeat(51));
  await expect(page.locator('#c-name-err')).toHaveText('投诉人姓名不能超过 50 个字（现为 51 个字）');
  await page.locator('#c-name').fill('赵女士');
  await expect(page.locator('#c-name-err')).toHaveText('');
  await page.locator('#c-narrative').fill('因'.repeat(5001));
  await expect(page.locator('#c-narrative-err')).toHaveText('投诉事由及经过不能超过 5000 个字（现为 5001 个字）');
  await page.locator('#c-narrative').fill('在营业厅办理业务排队超过一小时，无人引导。');
  await page.locator('#c-event-place').fill('营业厅一楼');
  await page.locator('#c-category').selectOption('service_attitude');
  await page.locator('#c-severity').selectOption('3');

  // Reload mid-draft: everything typed is back.
  await page.reload();
  await expect(page.getByTestId('draft-restored')).toBeVisible();
  await expect(page.locator('#c-name')).toHaveValue('赵女士');
  await expect(page.locator('#c-narrative')).toHaveValue('在营业厅办理业务排队超过一小时，无人引导。');
  await expect(page.locator('#c-channel')).toHaveValue('in_person');
  await expect(page.locator('#c-category')).toHaveValue('service_attitude');
  // 放弃草稿 can be undone (QA: a tap beside the form threw a long narrative away for good),
  // over a reload too.
  await page.getByTestId('discard-draft').click();
  await expect(page.locator('#c-narrative')).toHaveValue('');
  await expect(page.getByTestId('draft-discarded')).toContainText('已放弃草稿');
  await page.getByTestId('undo-discard').click();
  await expect(page.getByTestId('draft-discarded')).toHaveCount(0);
  await expect(page.locator('#c-narrative')).toHaveValue('在营业厅办理业务排队超过一小时，无人引导。');
  await page.reload();
  await expect(page.locator('#c-name')).toHaveValue('赵女士');
  await expect(page.locator('#c-category')).toHaveValue('service_attitude');
  await expect(page.getByTestId('draft-restored')).toContainText('已恢复上次未保存的草稿。');
  // Another person signed in on this device meets the draft as 张敏's, told who will be
  // recorded as taking the complaint (QA: it came back as theirs without a word).
  await switchTo(page, '李强', '/complaints/new');
  await expect(page.locator('#c-name')).toHaveValue('赵女士');
  await expect(page.getByTestId('draft-restored')).toContainText('已恢复张敏上次未保存的草稿；保存后受理人记为李强。');
  await switchTo(page, '张敏', '/complaints/new');
  await expect(page.getByTestId('draft-restored')).toContainText('已恢复上次未保存的草稿。');
  // A half-done classification is refused until the department is given.
  await page.getByTestId('save-complaint').click();
  await expect(page.locator('#c-category-err')).toContainText('须一并填写');
  await page.locator('#c-department').fill('客服部');
  await page.locator('#c-staff').fill('小刘');
  await page.getByTestId('save-complaint').click();

  await expect(page).toHaveURL(/\/complaints\/complaint:/);
  const caseNo = (await page.getByTestId('case-no').textContent()).trim();
  expect(caseNo).toMatch(/^TS-\d{8}-[0-9A-Z]{1,3}-0001$/);
  await expect(page.getByTestId('case-status')).toHaveText('已分类分派');
  await expect(page.getByTestId('clock-investigation')).toBeVisible();
  // Received two hours ago, classified only now: the 30-minute first response was missed, a
  // service target (amber), not a limit of the procedure (a breach, red).
  const firstResponse = page.getByTestId('clock-first_response').locator('.badge');
  await expect(firstResponse).toHaveText(/^晚于目标完成（晚 \d+ 小时( \d+ 分钟)?）$/);
  await expect(firstResponse).toHaveClass(/\bwarn\b/);
  await expect(page.getByTestId('clocks-legend')).toHaveText('加粗的两项是投诉处理办法规定的时限，超时即违规；其余是服务流程目标。');
  const caseUrl = new URL(page.url()).pathname;

  // The draft was cleared by the save.
  await open(page, '/complaints/new');
  await expect(page.getByTestId('draft-restored')).toHaveCount(0);
  await expect(page.locator('#c-name')).toHaveValue('');
  await open(page, caseUrl);

  // Round 1: investigation and the opinion, by the specialist.
  await expect(page.getByTestId('action-approve')).toHaveCount(0);
  await act(page, 'start_investigation');
  await expect(page.getByTestId('case-status')).toHaveText('调查处理中');
  await act(page, 'record_findings', () => page.locator('#f-text').fill('当日叫号系统故障，大堂经理未及时引导，情况属实。'));
  // The domain refuses an opinion of our responsibility without corrective actions, in words.
  await page.getByTestId('action-submit_opinion').click();
  await page.locator('#f-responsibility').selectOption('ours_partial');
  await page.locator('#f-text').fill('向客户致歉，优化叫号及大堂引导流程。');
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-error')).toHaveText('认定我方有责任时，须至少制定一项整改措施');
  await page.getByTestId('add-corrective').click();
  // The keyboard is at the new row (QA: it stayed on the button, below the row).
  await expect(page.locator('#f-ca-desc-0')).toBeFocused();
  await page.locator('#f-ca-desc-0').fill('升级叫号系统并安排高峰期引导员');
  await page.locator('#f-ca-owner-0').fill('运营部');
  // The open step's button clicked again keeps what is typed (QA: it emptied the form), and
  // another step over it asks first: declined, the form stays as it is.
  await page.getByTestId('action-submit_opinion').click();
  await expect(page.locator('#f-ca-desc-0')).toHaveValue('升级叫号系统并安排高峰期引导员');
  await expect(page.locator('#f-responsibility')).toHaveValue('ours_partial');
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await page.getByTestId('action-record_findings').click();
  await expect.poll(() => asked).toContain('放弃正在填写的“提交处理意见”，改为“记录调查结果”？');
  await expect(page.locator('#f-ca-desc-0')).toHaveValue('升级叫号系统并安排高峰期引导员');
  await expect(page.locator('#f-text')).toHaveValue('向客户致歉，优化叫号及大堂引导流程。');
  // Each field is named on screen, not by a placeholder that goes once it is filled.
  await expect(page.getByRole('group', { name: '第 1 项整改措施' }).locator('label')).toHaveText(['1. 整改措施', '责任人或部门', '完成期限']);
  await expect(page.getByLabel('责任人或部门')).toHaveValue('运营部');
  // A due date before the day of receipt (a year mistyped) is refused by the action's number.
  await page.locator('#f-ca-due-0').fill('2020-01-01');
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-error')).toHaveText('第 1 项整改措施的完成期限早于受理日期');
  await page.locator('#f-ca-due-0').fill(due);
  // A reload mid-form: what was typed is back.
  await page.reload();
  await expect(page.getByTestId('action-form')).toBeVisible();
  await expect(page.locator('#f-text')).toHaveValue('向客户致歉，优化叫号及大堂引导流程。');
  await expect(page.locator('#f-responsibility')).toHaveValue('ours_partial');
  await expect(page.locator('#f-ca-desc-0')).toHaveValue('升级叫号系统并安排高峰期引导员');
  await expect(page.locator('#f-ca-due-0')).toHaveValue(due);
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-form')).toHaveCount(0);
  await expect(page.getByTestId('case-status')).toHaveText('待审批');
  // The specialist cannot approve their own opinion: nothing to do now; the keyboard is on the
  // steps' heading, not dropped to the page (QA: it was on <body>).
  await expect(page.getByTestId('no-actions')).toBeVisible();
  await expect(page.locator('#actions-h')).toBeFocused();

  // Approval level by level: the manager cannot go first.
  await switchTo(page, '王经理', caseUrl);
  await expect(page.getByTestId('action-approve')).toHaveCount(0);
  await switchTo(page, '李强', caseUrl);
  await act(page, 'approve', () => page.locator('#f-text').fill('同意'));
  await expect(page.getByTestId('approvals-1')).toContainText('李强');
  await expect(page.getByTestId('action-approve')).toHaveCount(0);
  await switchTo(page, '王经理', caseUrl);
  await act(page, 'approve');
  await expect(page.getByTestId('approvals-1')).toContainText('王经理');
  // The last approval says the case now waits for the response (QA: its notice and its
  // history line said 待审批).
  await expect(page.locator('.notice')).toContainText('已审批通过：已审批，待反馈');
  await expect(page.getByTestId('history').locator('li').last()).toContainText('待审批 → 已审批，待反馈');

  // Response, corrective action done, the verification visit: the customer is not satisfied.
  await switchTo(page, '张敏', caseUrl);
  await act(page, 'respond', async () => {
    // Answered by any way in but the comment book (a way in only).
    await expect(page.locator('#f-channel option')).toHaveText(['当面', '书信', '邮件', '电话', '互联网']);
    await page.locator('#f-channel').selectOption({ label: '电话' });
    await page.locator('#f-text').fill('已电话向客户致歉并说明整改安排。\n客户表示理解。');
  });
  await expect(page.getByTestId('case-status')).toHaveText('已反馈客户');
  // Its line break is shown (QA: the reply ran together on one line).
  expect(await page.getByTestId('response-1').evaluate((p) => p.innerText)).toContain('整改安排。\n客户表示理解。');
  await act(page, 'complete_corrective_action');
  await act(page, 'start_verification');
  await expect(page.getByTestId('case-status')).toHaveText('回访验证中');
  await act(page, 'record_verification', async () => {
    await page.locator('#f-satisfied-no').check();
    await page.locator('#f-measures-yes').check();
    await page.locator('#f-text').fill('客户认为高峰期仍无人引导');
  });
  await expect(page.getByTestId('verification-1')).toHaveText('不满意');
  await expect(page.getByTestId('verification-measures-1')).toHaveText('整改措施已落实，达到预期效果');
  await expect(page.getByTestId('action-close')).toHaveCount(0);
  await act(page, 'reopen', () => page.locator('#f-text').fill('回访不满意，重新调查'));
  await expect(page.getByTestId('case-status')).toHaveText('调查处理中');
  await expect(page.getByTestId('case-round')).toHaveText('第 2 轮处理');

  // Round 2.
  await act(page, 'record_findings', () => page.locator('#f-text').fill('高峰期引导员已到岗，客户所述为整改前情况。'));
  await act(page, 'submit_opinion', async () => {
    await page.locator('#f-responsibility').selectOption('not_ours');
    await page.locator('#f-text').fill('向客户说明整改已完成，请客户理解。');
  });
  await approvedAndAnswered(page, caseUrl, '再次致电客户说明整改结果。');
  await act(page, 'start_verification');
  // Round 2 has no corrective measures of its own: the visit does not ask about them.
  await act(page, 'record_verification', async () => {
    await expect(page.locator('#f-measures-yes')).toHaveCount(0);
    await page.locator('#f-satisfied-yes').check();
  });
  await expect(page.getByTestId('verification-measures-2')).toHaveCount(0);
  // The customer is satisfied: the case is closed, not reopened (QA: anyone could reopen it).
  await expect(page.getByTestId('action-reopen')).toHaveCount(0);
  // Closing is for a supervisor or manager.
  await expect(page.getByTestId('action-close')).toHaveCount(0);
  await switchTo(page, '王经理', caseUrl);
  await act(page, 'close');
  await expect(page.getByTestId('case-status')).toHaveText('已闭环');

  // Both rounds and the whole history are shown.
  await expect(page.getByTestId('round-1')).toContainText('当日叫号系统故障');
  await expect(page.getByTestId('round-2')).toContainText('回访不满意，重新调查');
  await expect(page.getByTestId('verification-1')).toHaveText('不满意');
  await expect(page.getByTestId('verification-2')).toHaveText('满意');
  const history = page.getByTestId('history');
  await expect(history.locator('li')).toHaveCount(20);
  await expect(history).toContainText('重新处理');
  await expect(history).toContainText('回访不满意，重新调查');
  await expect(history).toContainText('调查处理中 → 待审批');
  await expect(history).toContainText('已审批，待反馈 → 已反馈客户');
  await expect(history).not.toContainText('待审批 → 已反馈客户');
  await expect(history.locator('li').last()).toContainText('闭环');
  await expect(history.locator('li').last()).toContainText('王经理');

  // The printed record.
  await page.getByTestId('print-link').click();
  await expect(page.getByTestId('record-sheet')).toContainText('营业部客户投诉处理记录表');
  // The branch has no name of its own yet: its code alone, not the placeholder 营业部.
  await expect(page.locator('.sheet-branch')).toHaveText('(BR01)');
  await expect(page.getByTestId('sheet-case-no')).toHaveText(caseNo);
  await expect(page.getByTestId('record-sheet')).toContainText('经办人签字');
  await expect(page.getByTestId('record-sheet')).toContainText('第 2 轮处理');
  // The two limits and whether they were met, as the monthly report judges them (the record
  // left them out: QA).
  const limits = page.getByTestId('sheet-limit');
  await expect(limits).toHaveCount(2);
  await expect(limits.nth(0)).toContainText('调查核实（3个工作日）');
  await expect(limits.nth(0)).toContainText('按时完成');
  await expect(limits.nth(1)).toContainText('反馈客户（4个工作日）');
  await expect(limits.nth(1)).toContainText('按时完成');
  await expect(page.getByTestId('sheet-archived')).toHaveCount(0);
  // How the customer was answered, as well as when, by whom and what.
  await expect(page.getByTestId('print-response').first()).toContainText(' · 电话 · ');
  await expect(page.getByTestId('print-response').first()).toContainText('已电话向客户致歉并说明整改安排。');
  // Whether the corrective action was carried out, and when (what the visit checks).
  await expect(page.getByTestId('print-corrective').first()).toContainText(`升级叫号系统并安排高峰期引导员 — 运营部 · ${due} · 已完成 张敏 · 20`);
  await expect(page.getByTestId('print')).toBeVisible();
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('print')).toBeHidden();
  await expect(page.locator('header.top')).toBeHidden();
  await expect(page.getByTestId('record-sheet')).toBeVisible();
  await page.emulateMedia({ media: 'screen' });
  // Labels follow the language.
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('record-sheet')).toContainText('Branch customer complaint handling record');
  await expect(page.getByTestId('record-sheet')).toContainText('Handled by (signature)');
});

test('the visit checks the corrective measures: not carried out or not working, a satisfied customer does not close the case; it is reopened', async ({ page }) => {
  test.setTimeout(120_000);
  const caseUrl = await answeredWithMeasure(page, { name: '周先生', phone: '13811113333', narrative: '交易软件在开盘时多次卡顿。', category: 'trading_system' },
    ['行情服务器负载过高，情况属实。', '致歉并扩容行情服务器。', '扩容行情服务器', '信息技术部', '已电话致歉并说明扩容安排。']);
  await act(page, 'complete_corrective_action');
  await act(page, 'start_verification');
  // The customer is satisfied, but the visit must also say whether the measures were carried
  // out and worked (source 002 第五章); "not working" needs the note of what was found.
  await page.getByTestId('action-record_verification').click();
  await page.locator('#f-satisfied-yes').check();
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-error')).toHaveText('请核实整改措施是否落实并达到预期效果');
  await page.locator('#f-measures-no').check();
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-error')).toContainText('不能为空');
  await page.locator('#f-text').fill('开盘时仍卡顿，扩容未见效果');
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-form')).toHaveCount(0);
  await expect(page.getByTestId('verification-1')).toHaveText('满意');
  await expect(page.getByTestId('verification-measures-1')).toHaveText('整改措施未落实或未达到预期效果');
  // A manager cannot close it: the measures are done again in a new round.
  await switchTo(page, '王经理', caseUrl);
  await expect(page.getByTestId('action-close')).toHaveCount(0);
  await expect(page.locator('.action-buttons button:not([data-testid="action-correct"])')).toHaveCount(1);
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('verification-measures-1')).toHaveText('Corrective measures not carried out, or not working');
  await page.getByTestId('lang-switch').click();
  await page.getByTestId('print-link').click();
  await expect(page.getByTestId('record-sheet')).toContainText('满意；整改措施未落实或未达到预期效果');
  await page.goBack();
  await act(page, 'reopen', () => page.locator('#f-text').fill('整改未达预期，重新整改'));
  await expect(page.getByTestId('case-round')).toHaveText('第 2 轮处理');
});

test('measures approved and not carried out when a case is reopened are owed in the next round', async ({ page }) => {
  test.setTimeout(120_000);
  const caseUrl = await answeredWithMeasure(page, { name: '吴先生', phone: '13811115555', narrative: '收费多收了佣金。', category: 'fees' },
    ['佣金费率设置错误，情况属实。', '退还多收佣金并致歉。', '退还多收佣金', '财务部', '已电话说明将退还多收佣金。']);
  // The customer is not satisfied with the answer: reopened before the refund was made.
  await act(page, 'reopen', () => page.locator('#f-text').fill('客户对答复不满意'));
  await expect(page.getByTestId('case-round')).toHaveText('第 2 轮处理');
  await expect(page.getByTestId('round-1').getByTestId('round-action-state')).toHaveText('未完成，转入下一轮');
  // Round 2's opinion starts from the measure still owed (QA: it was left behind in round 1,
  // and the case could be closed with it never done).
  await act(page, 'record_findings', () => page.locator('#f-text').fill('客户要求同时调整费率。'));
  await page.getByTestId('action-submit_opinion').click();
  await expect(page.locator('#f-ca-desc-0')).toHaveValue('退还多收佣金');
  await expect(page.locator('#f-ca-owner-0')).toHaveValue('财务部');
  await page.getByTestId('print-link').click();
  await expect(page.getByTestId('print-corrective').first()).toContainText('退还多收佣金 — 财务部 · 2099-12-31 · 未完成，转入下一轮');
});

test('an opinion whose one supervisor is deactivated after it went up says nobody can approve it, and what to do', async ({ page }) => {
  test.setTimeout(120_000);
  await setUpStaff(page);
  await fileComplaint(page, { name: '冯先生', phone: '13811116666', narrative: '营业厅排队时间过长。', category: 'service_attitude' });
  const caseUrl = new URL(page.url()).pathname;
  await act(page, 'start_investigation');
  await act(page, 'record_findings', () => page.locator('#f-text').fill('高峰期窗口不足。'));
  await act(page, 'submit_opinion', async () => {
    await page.locator('#f-responsibility').selectOption('not_ours');
    await page.locator('#f-text').fill('向客户解释高峰期安排。');
  });
  await expect(page.getByTestId('approver-wanting')).toHaveCount(0);
  // The branch's one supervisor leaves (QA: the case then waited without a word).
  await switchTo(page, '王经理', '/settings');
  await page.getByTestId('staff-row').filter({ hasText: '李强' }).getByTestId('staff-toggle').click();
  await expect(page.getByTestId('staff-row').filter({ hasText: '李强' }).getByTestId('staff-toggle')).toHaveText('启用');
  await open(page, caseUrl);
  await expect(page.getByTestId('approver-wanting')).toHaveText('目前没有可以审批的在岗客服主管：请客服经理在“设置 → 人员”中添加或重新启用一位客服主管。');
  // Reactivated: the wait is an ordinary one again.
  await open(page, '/settings');
  await page.getByTestId('staff-row').filter({ hasText: '李强' }).getByTestId('staff-toggle').click();
  await expect(page.getByTestId('staff-row').filter({ hasText: '李强' }).getByTestId('staff-toggle')).toHaveText('停用');
  await open(page, caseUrl);
  await expect(page.getByTestId('no-actions')).toContainText('等待客服主管审批');
  await expect(page.getByTestId('approver-wanting')).toHaveCount(0);
});

test('a finding beyond the branch\'s authority says whom it was reported to and still needs its corrective actions', async ({ page }) => {
  test.setTimeout(120_000);
  await setUpStaff(page);
  await fileComplaint(page, { name: '钱女士', phone: '13811114444', narrative: '开户审核流程过长，营业部无法加快。', category: 'account_handling' });
  const caseUrl = new URL(page.url()).pathname;
  await act(page, 'start_investigation');
  await act(page, 'record_findings', () => page.locator('#f-text').fill('审核在总部集中进行，营业部有解释不到位之处。'));
  // 002 第四章4: partly ours, the fix needs head office; reported to the departments and the
  // firm's leader in charge. The field shows only for that finding.
  await page.getByTestId('action-submit_opinion').click();
  await expect(page.locator('#f-escalated')).toBeHidden();
  await page.locator('#f-responsibility').selectOption('beyond_authority');
  await expect(page.locator('#f-escalated')).toBeVisible();
  await page.locator('#f-text').fill('向客户解释并致歉，报总部优化审核流程。');
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-error')).toHaveText('“上报对象”不能为空');
  await page.locator('#f-escalated').fill('运营管理部、分管副总裁');
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-error')).toHaveText('认定我方有责任时，须至少制定一项整改措施');
  await page.getByTestId('add-corrective').click();
  await page.locator('#f-ca-desc-0').fill('营业部加强开户流程解释');
  await page.locator('#f-ca-owner-0').fill('客服部');
  // What was typed survives a reload.
  await page.reload();
  await expect(page.locator('#f-escalated')).toHaveValue('运营管理部、分管副总裁');
  // An action says by when, by a day not already past, named by its number (QA: an action
  // with no owner or due date, or due last week, was taken without a word).
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-error')).toHaveText('第 1 项整改措施未填写完成期限');
  const yesterday = new Date(Date.now() - 86_400_000);
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  await page.locator('#f-ca-due-0').fill(iso(yesterday));
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-error')).toHaveText(/第 1 项整改措施的完成期限(早于今天|早于受理日期)/);
  await page.locator('#f-ca-owner-0').fill('');
  await page.locator('#f-ca-due-0').fill('2099-12-31');
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-error')).toHaveText('第 1 项整改措施未填写责任人或部门');
  await page.locator('#f-ca-owner-0').fill('客服部');
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-form')).toHaveCount(0);
  await expect(page.getByTestId('round-1-escalated')).toHaveText('上报对象运营管理部、分管副总裁');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('round-1-escalated')).toContainText('Reported to');
  await page.getByTestId('lang-switch').click();
  await page.getByTestId('print-link').click();
  await expect(page.getByTestId('print-escalated')).toContainText('运营管理部、分管副总裁');
});

test('an unsatisfied visit is final: the case page offers only the reopening, not a second visit record nor closing', async ({ page }) => {
  test.setTimeout(120_000);
  await setUpStaff(page);
  await fileComplaint(page, { name: '钱先生', phone: '13811112222', narrative: '转账到账延迟，客服答复不清。', category: 'service_attitude' });
  const caseUrl = new URL(page.url()).pathname;
  // The clocks in the sources' words (source 004: 初步响应, 问题处理).
  await expect(page.getByTestId('clock-first_response')).toContainText('初步响应（30分钟）');
  await expect(page.getByTestId('clock-resolution')).toContainText('问题处理（7个工作日）');
  await act(page, 'start_investigation');
  await act(page, 'record_findings', () => page.locator('#f-text').fill('系统延迟属实，非人为。'));
  await act(page, 'submit_opinion', async () => {
    await page.locator('#f-responsibility').selectOption('not_ours');
    await page.locator('#f-text').fill('向客户说明原因。');
  });
  await approvedAndAnswered(page, caseUrl, '已电话说明原因。');
  await act(page, 'start_verification');
  await act(page, 'record_verification', async () => {
    await page.locator('#f-satisfied-no').check();
    await page.locator('#f-text').fill('客户对说明不满意');
  });
  await expect(page.getByTestId('verification-1')).toHaveText('不满意');
  // The specialist: the visit cannot be recorded again (as satisfied); the reopening is offered
  // (beside it, apart from the steps, the record's correction).
  const buttons = page.locator('.action-buttons button:not([data-testid="action-correct"])');
  await expect(buttons).toHaveCount(1);
  await expect(page.getByTestId('action-reopen')).toBeVisible();
  await expect(page.getByTestId('action-record_verification')).toHaveCount(0);
  // A manager: no closing, no second record either — only the reopening.
  await switchTo(page, '王经理', caseUrl);
  await expect(page.getByTestId('action-reopen')).toBeVisible();
  await expect(buttons).toHaveCount(1);
  await expect(page.getByTestId('action-record_verification')).toHaveCount(0);
  await expect(page.getByTestId('action-close')).toHaveCount(0);
  await act(page, 'reopen', () => page.locator('#f-text').fill('回访不满意，重新处理'));
  await expect(page.getByTestId('case-status')).toHaveText('调查处理中');
  await expect(page.getByTestId('verification-1')).toHaveText('不满意');
});

test('the list filters, searches, pages by index and links from the dashboard', async ({ page }) => {
  test.setTimeout(120_000);
  await setUpStaff(page);
  const fees = await fileComplaint(page, {
    name: '钱先生', phone: '+86 139 0000 5678', narrative: '佣金收费标准不透明', category: 'fees', severity: 2,
  });
  const late = await fileComplaint(page, {
    name: '孙女士', phone: '13700001111', narrative: '柜员态度冷淡', category: 'service_attitude',
    severity: 4, department: '经纪业务部', received: hoursAgo(20 * 24), staff: '小王',
  });
  await fileComplaint(page, { name: '周先生', phone: '010-8888 1234', narrative: '手机委托无法登录', channel: 'internet' });
  expect(fees).toMatch(/-0001$/);
  expect(late).not.toBe(fees);

  await open(page, '/complaints');
  const rows = page.getByTestId('complaint-row');
  await expect(rows).toHaveCount(3);
  // On a tablet in portrait a case number and its time stay on one line each (they broke at
  // the hyphen and the space).
  await page.setViewportSize({ width: 800, height: 1280 });
  const lines = (loc) => loc.evaluate((el) => {
    const r = document.createRange();
    r.selectNodeContents(el);
    return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size;
  });
  expect(await lines(rows.first().locator('td').nth(0))).toBe(1);
  expect(await lines(rows.first().locator('td').nth(1))).toBe(1);
  // On a phone the rows read as cards, and the case number still keeps to one line (QA: it
  // broke after a hyphen).
  await page.setViewportSize({ width: 390, height: 844 });
  for (const row of await rows.all()) {
    expect(await lines(row.locator('td.case-no a'))).toBe(1);
    const box = await row.locator('td.case-no a').boundingBox();
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  }
  await page.setViewportSize({ width: 1366, height: 768 });
  // Newest received first: the case received 20 days ago is last, and marked overdue.
  await expect(rows.last()).toContainText('孙女士');
  await expect(rows.last()).toHaveClass(/overdue/);
  // The deadline names its limit: the investigation's 3 working days, still open.
  await expect(rows.last().getByTestId('deadline-limit')).toHaveText('调查核实（3个工作日）');
  await expect(page.getByTestId('count-open').locator('.n')).toHaveText('3');
  await expect(page.getByTestId('count-overdue').locator('.n')).toHaveText('1');

  // A filter goes into the query string and narrows the list.
  await page.locator('#l-category').selectOption('fees');
  await expect(page).toHaveURL(/category=fees/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('钱先生');
  await page.getByTestId('clear-filters').click();
  await expect(rows).toHaveCount(3);
  await page.locator('#l-channel').selectOption('internet');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('周先生');
  await page.getByTestId('clear-filters').click();
  await page.locator('#l-severity').selectOption('4');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('孙女士');
  await page.getByTestId('clear-filters').click();
  // 已审批，待反馈 is offered right after 待审批.
  const statuses = await page.locator('#l-status option').evaluateAll((os) => os.map((o) => o.value));
  expect(statuses[statuses.indexOf('awaiting_approval') + 1]).toBe('approved');
  await page.locator('#l-status').selectOption('received');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('周先生');
  await page.locator('#l-status').selectOption('closed');
  await expect(page.getByTestId('no-complaints')).toBeVisible();
  await page.getByTestId('clear-filters').click();
  // A name typed in 涉及人员 and not yet taken survives a reload (it was lost), and Enter
  // takes it.
  await page.locator('#l-staff').fill('小王');
  await page.reload();
  await expect(page.locator('#l-staff')).toHaveValue('小王');
  await expect(rows).toHaveCount(3);
  await page.locator('#l-staff').press('Enter');
  await expect(rows).toHaveCount(1);
  await expect(page).toHaveURL(/staff=/);
  await page.getByTestId('clear-filters').click();
  await expect(page.locator('#l-staff')).toHaveValue('');
  await expect(rows).toHaveCount(3);
  await page.locator('#l-staff').fill('小王');
  await page.locator('#l-staff').blur();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('孙女士');

  // Search: words of the narrative, phone digits, a case number.
  await open(page, '/complaints');
  // Typed and not yet searched for, a search survives a reload (QA: it was lost); once made,
  // it is the address's, and the page opened without one shows none.
  await page.locator('#l-q').fill('态度冷');
  await page.reload();
  await expect(page.locator('#l-q')).toHaveValue('态度冷');
  await expect(rows).toHaveCount(3);
  await page.locator('#l-q').press('Enter');
  await expect(rows).toHaveCount(1);
  await open(page, '/complaints');
  await expect(rows).toHaveCount(3);
  await expect(page.locator('#l-q')).toHaveValue('');
  await page.locator('#l-q').fill('态度');
  await page.getByTestId('search').click();
  await expect(page).toHaveURL(/q=/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('孙女士');
  await page.locator('#l-q').fill('5678');
  await page.locator('#l-q').press('Enter');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('钱先生');
  await page.locator('#l-q').fill(late.toLowerCase());
  await page.locator('#l-q').press('Enter');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(late);
  // A phone as the caller gives it (filed with the country code, or a landline with its area
  // code), and the date in a case number.
  for (const [q, who] of [['13900005678', '钱先生'], ['139 0000', '钱先生'], ['+86 139 0000 5678', '钱先生'],
    ['8888 1234', '周先生'], ['010 8888', '周先生'], [late.split('-')[1], '孙女士'],
    // Typed in full width, as a Chinese input method in that mode types them (QA: found
    // nothing): the same digits, letters and dashes.
    ['１３９００００', '钱先生'], ['５６７８', '钱先生'], [toFullWidth(late), '孙女士']]) {
    await page.locator('#l-q').fill(q);
    await page.locator('#l-q').press('Enter');
    await expect(rows, q).toHaveCount(1);
    await expect(rows.first(), q).toContainText(who);
  }

  // Deadline sort (open cases, soonest first) and a date range.
  await open(page, '/complaints?sort=deadline');
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toContainText('孙女士');
  const today = hoursAgo(0).slice(0, 10);
  await open(page, `/complaints?from=${today}&to=${today}&sort=oldest`);
  await expect(rows).toHaveCount(hoursAgo(1).slice(0, 10) === today ? 2 : 0);
  await expect(page.getByTestId('range-reversed')).toHaveCount(0);
  // A range whose start is after its end says so, not only that nothing matches.
  const earlier = hoursAgo(20 * 24).slice(0, 10);
  await page.locator('#l-to').fill(earlier);
  await expect(page.getByTestId('range-reversed')).toHaveText('受理日期的起始日期晚于截止日期，不会有符合条件的投诉，请对调两个日期。');
  await expect(page.getByTestId('no-complaints')).toBeVisible();
  await expect(page.getByTestId('export-csv')).toBeDisabled();
  await page.locator('#l-from').fill(earlier);
  await page.locator('#l-to').fill(today);
  await expect(page.getByTestId('range-reversed')).toHaveCount(0);
  await expect(rows).toHaveCount(3);
  await expect(page.getByTestId('filter-not-understood')).toHaveCount(0);

  // A link whose filter the list cannot read says so, instead of quietly listing every case.
  await open(page, '/complaints?status=closd&sort=newest&due=soon');
  await expect(page.getByTestId('filter-not-understood')).toHaveText('链接中的筛选条件无法识别，已忽略：status=closd、due=soon');
  await expect(rows).toHaveCount(3);
  await open(page, '/complaints?status=open&due=overdue&sort=deadline');
  await expect(page.getByTestId('filter-not-understood')).toHaveCount(0);

  // The dashboard counts link to the filtered list.
  await open(page, '/');
  await expect(page.getByTestId('dash-open').locator('.n')).toHaveText('3');
  await expect(page.getByTestId('dash-overdue').locator('.n')).toHaveText('1');
  await page.getByTestId('dash-overdue').click();
  await expect(page).toHaveURL(/\/complaints\?due=overdue$/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('孙女士');
  await expect(page.locator('#l-due')).toHaveValue('overdue');
});

test('经手人: my cases, a colleague\'s, from the dashboard; signed out, "me" says why it finds none', async ({ page }) => {
  test.setTimeout(120_000);
  await setUpStaff(page);
  await fileComplaint(page, { name: '钱先生', phone: '13900005678', narrative: '佣金收费标准不透明', category: 'fees' });
  const hers = page.url();
  await switchTo(page, '李强', '/complaints');
  await fileComplaint(page, { name: '孙女士', phone: '13700001111', narrative: '柜员态度冷淡', category: 'service_attitude' });
  await open(page, '/complaints');
  const rows = page.getByTestId('complaint-row');
  await expect(rows).toHaveCount(2);
  // His own: the one he took in.
  await page.locator('#l-by').selectOption('me');
  await expect(page).toHaveURL(/by=me/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('孙女士');
  // A colleague's, chosen by name: the address holds her id.
  await page.locator('#l-by').selectOption({ label: '张敏' });
  await expect(page).toHaveURL(/by=staff/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('钱先生');
  // A step he takes on her case makes it his too (and stays hers).
  await open(page, hers);
  await act(page, 'start_investigation');
  await open(page, '/complaints?by=me');
  await expect(rows).toHaveCount(2);
  await page.locator('#l-by').selectOption({ label: '张敏' });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('钱先生');
  // Back to "me": the choice follows the address.
  await page.goBack();
  await expect(page.locator('#l-by')).toHaveValue('me');
  await expect(rows).toHaveCount(2);
  await open(page, '/');
  await page.getByTestId('dash-mine').click();
  await expect(page).toHaveURL(/\/complaints\?status=open&by=me$/);
  await expect(rows).toHaveCount(2);
  await expect(page.locator('#l-by')).toHaveValue('me');
  await page.locator('#l-by').selectOption({ label: '王经理' });
  await expect(page.getByTestId('no-complaints')).toBeVisible();
  // Someone the staff list does not hold (a link from another branch's device): named so.
  await open(page, '/complaints?by=staff%3A01NOBODY');
  await expect(page.locator('#l-by option:checked')).toHaveText('（未知员工）');
  await expect(page.getByTestId('no-complaints')).toBeVisible();
  // Signed out, the list is not shown at all (staff are on record), nor the dashboard.
  await open(page, '/settings');
  await page.getByTestId('device-signout').click();
  await expect(page.getByTestId('current-user')).toHaveText('未登录');
  await open(page, '/complaints?by=me');
  await expect(page.getByTestId('sign-in-first')).toBeVisible();
  await expect(page.getByTestId('complaint-row')).toHaveCount(0);
  await open(page, '/');
  await expect(page.getByTestId('sign-in-first')).toBeVisible();
  await expect(page.getByTestId('dash-mine')).toHaveCount(0);
});

test('without a signed-in staff member the pages say how to sign in', async ({ page }) => {
  await open(page, '/complaints/new');
  await expect(page.getByTestId('sign-in-needed')).toBeVisible();
  await page.locator('#c-name').fill('吴先生');
  await page.locator('#c-phone').fill('13500003333');
  await page.locator('#c-narrative').fill('测试');
  await page.getByTestId('save-complaint').click();
  await expect(page.getByTestId('save-error')).toContainText('登录');
  await expect(page.getByTestId('sign-in-needed').getByRole('link')).toHaveAttribute('href', '/settings#device');
  // The draft is kept.
  await page.reload();
  await expect(page.locator('#c-name')).toHaveValue('吴先生');
});

/** Imports documents through Settings → Backup (replacing what is stored; device settings stay). */
async function importDocs(page, docs) {
  await open(page, '/settings');
  await page.getByTestId('import-file').setInputFiles({
    name: 'kefu-backup-fixture.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({
      format: 'kefu-backup', version: 1, exported_at: '2026-11-20T10:00:00',
      branch: { name: '郑州紫荆山路营业部', code: 'ZZ01' }, docs,
    })),
  });
  await expect(page.getByTestId('import-summary')).toContainText(`${docs.length} 条记录`);
  await page.getByRole('button', { name: '替换并导入' }).click();
  await expect(page.getByText(`已导入 ${docs.length} 条记录`)).toBeVisible({ timeout: 90_000 });
}

test('two tabs saving at the same moment get distinct case numbers', async ({ page, context }) => {
  test.setTimeout(120_000);
  await setUpStaff(page);
  const other = await context.newPage();
  const tabs = [page, other];
  for (const [i, p] of tabs.entries()) {
    await open(p, '/complaints/new');
    await p.locator('#c-name').fill(`同时${i}`);
    await p.locator('#c-phone').fill(`1380000000${i}`);
    await p.locator('#c-narrative').fill(`两个标签页同时受理 ${i}`);
  }
  // Both saves are started together; each reserves a number from the same day's counter.
  await Promise.all(tabs.map((p) => p.getByTestId('save-complaint').click()));
  const numbers = [];
  for (const p of tabs) {
    await expect(p).toHaveURL(/\/complaints\/complaint:/);
    numbers.push((await p.getByTestId('case-no').textContent()).trim());
  }
  expect(numbers[0]).not.toBe(numbers[1]);
  expect(numbers.map((n) => n.slice(-4)).sort()).toEqual(['0001', '0002']);
  // A third, later on, follows them: received now, on the same day (an hour ago is yesterday
  // between midnight and one o'clock, and a case number counts the day it was received).
  const third = await fileComplaint(other, { name: '之后', phone: '13800000009', narrative: '之后受理', received: localInput(new Date()) });
  expect(third.slice(-4)).toBe('0003');
  await other.close();
});

test('two tabs taking two calls keep their own intake drafts; a closed tab\'s (and an earlier build\'s one draft) is taken up once', async ({ page, context }) => {
  test.setTimeout(120_000);
  await setUpStaff(page);
  await open(page, '/complaints/new');
  await page.locator('#c-name').fill('甲来电');
  await page.locator('#c-phone').fill('13800001111');
  await page.locator('#c-narrative').fill('第一通电话的投诉');

  // A second tab for a second call opens on an empty form (before, on the first caller's
  // draft, "restored": saving both gave two cases for one call).
  const b = await context.newPage();
  await open(b, '/complaints/new');
  await expect(b.locator('#c-name')).toHaveValue('');
  await expect(b.getByTestId('draft-restored')).toHaveCount(0);
  await expect(b.locator('.complaints.intake')).toHaveAttribute('data-drafts-checked', 'true');
  await expect(b.locator('#c-name')).toHaveValue('');
  await b.locator('#c-name').fill('乙来电');
  await b.locator('#c-phone').fill('13800002222');
  await b.locator('#c-narrative').fill('第二通电话的投诉');

  // B's typing did not write over A's: A's reload shows A's caller.
  await page.reload();
  await expect(page.getByTestId('draft-restored')).toBeVisible();
  await expect(page.locator('#c-name')).toHaveValue('甲来电');
  await expect(page.locator('#c-narrative')).toHaveValue('第一通电话的投诉');
  // A saves: B's typing is still B's (before, A's save erased the one draft).
  await page.getByTestId('save-complaint').click();
  await expect(page).toHaveURL(/\/complaints\/complaint:/);
  await expect(page.getByTestId('record')).toContainText('甲来电');
  await b.reload();
  await expect(b.getByTestId('draft-restored')).toBeVisible();
  await expect(b.locator('#c-name')).toHaveValue('乙来电');
  await expect(b.locator('#c-narrative')).toHaveValue('第二通电话的投诉');

  // B closed (or crashed) with its typing: the next form opened takes it up, once.
  await closeTab(b, page);
  await open(page, '/complaints/new');
  await expect(page.locator('.complaints.intake')).toHaveAttribute('data-drafts-checked', 'true');
  await expect(page.getByTestId('draft-restored')).toBeVisible();
  await expect(page.locator('#c-name')).toHaveValue('乙来电');
  const c = await context.newPage();
  await open(c, '/complaints/new');
  await expect(c.locator('.complaints.intake')).toHaveAttribute('data-drafts-checked', 'true');
  await expect(c.getByTestId('draft-restored')).toHaveCount(0);
  await expect(c.locator('#c-name')).toHaveValue('');

  // A draft an earlier build kept (one key for every tab) is taken up once, then gone.
  await c.evaluate(() => localStorage.setItem('kefu.complaints.intake-draft', JSON.stringify({
    name: '旧版草稿', phone: '13800003333', channel: 'phone', received: '2026-12-01T10:00', narrative: '升级前输入的投诉',
  })));
  await c.reload();
  await expect(c.locator('.complaints.intake')).toHaveAttribute('data-drafts-checked', 'true');
  await expect(c.getByTestId('draft-restored')).toBeVisible();
  await expect(c.locator('#c-name')).toHaveValue('旧版草稿');
  await expect(c.locator('#c-narrative')).toHaveValue('升级前输入的投诉');
  expect(await c.evaluate(() => localStorage.getItem('kefu.complaints.intake-draft'))).toBeNull();
  await c.close();
});

test('an untouched 受理时间 follows the clock (a form left open over a weekend is not backdated); a typed one is kept, also over a reload', async ({ page }) => {
  test.setTimeout(120_000);
  // Friday 17:50: the form is opened and left.
  await page.clock.install({ time: new Date('2026-12-04T17:50:00') });
  await setUpStaff(page);
  await open(page, '/complaints/new');
  await expect(page.locator('#c-received')).toHaveValue(/^2026-12-04T17:5\d$/);
  // Monday 09:00, the same tab: the call is taken now (before, the form kept Friday 17:50,
  // so the case was numbered by Friday and born with its first response 2 days late).
  await page.clock.fastForward((63 * 60 + 10) * 60_000);
  await expect(page.locator('#c-received')).toHaveValue(/^2026-12-07T09:0\d$/);
  await page.locator('#c-name').fill('周一来电');
  await page.locator('#c-phone').fill('13800004444');
  await page.locator('#c-narrative').fill('周一上午来电投诉');
  await page.getByTestId('save-complaint').click();
  await expect(page).toHaveURL(/\/complaints\/complaint:/);
  await expect(page.getByTestId('case-no')).toHaveText(/^TS-20261207-/);
  await expect(page.getByTestId('record')).toContainText(/2026-12-07 09:0\d/);
  await expect(page.getByTestId('clock-first_response')).toContainText('剩余');

  // A draft restored after a reload: an untouched time is now, not the time it was typed in.
  await open(page, '/complaints/new');
  await page.locator('#c-name').fill('钱先生');
  await page.clock.fastForward(60 * 60_000);
  await page.reload();
  await expect(page.getByTestId('draft-restored')).toBeVisible();
  await expect(page.locator('#c-name')).toHaveValue('钱先生');
  await expect(page.locator('#c-received')).toHaveValue(/^2026-12-07T10:0\d$/);
  // A time typed in is kept as typed: the clock does not move it, nor does a reload.
  await page.locator('#c-received').fill('2026-12-07T09:30');
  await page.clock.fastForward(40 * 60_000);
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
  await expect(page.locator('#c-received')).toHaveValue('2026-12-07T09:30');
  await page.reload();
  await expect(page.getByTestId('draft-restored')).toBeVisible();
  await expect(page.locator('#c-received')).toHaveValue('2026-12-07T09:30');
  await page.locator('#c-phone').fill('13800005555');
  await page.locator('#c-narrative').fill('九点半来电，十点四十才录入');
  await page.getByTestId('save-complaint').click();
  await expect(page).toHaveURL(/\/complaints\/complaint:/);
  await expect(page.getByTestId('record')).toContainText('2026-12-07 09:30');
});

test('a device code claimed by another device (brought by sync) is given up for a new one', async ({ page }) => {
  await open(page, '/settings');
  await expect(page.locator('#device-code')).toHaveValue(/^[0-9A-Z]{1,3}$/);
  const code = await page.locator('#device-code').inputValue();
  // Another device's claim of this very code arrives, as sync would bring it.
  await importDocs(page, [{ _id: `device:${code}`, type: 'device', code, device_id: 'ffffffffffffffff', claimed_at: '2026-11-01T09:00:00' }]);
  await open(page, '/settings');
  await expect(page.locator('#device-code')).toHaveValue(code);
  await setUpStaff(page);
  const no = await fileComplaint(page, { name: '郑先生', phone: '13900001111', narrative: '设备代码冲突' });
  expect(no.split('-')[2]).not.toBe(code);
  await expect(page.locator('.notice')).toContainText(`设备代码 ${code} 已被其他设备使用`);
  // The new code is kept and used from now on.
  await open(page, '/settings');
  await expect(page.locator('#device-code')).toHaveValue(no.split('-')[2]);
  const now = no.split('-')[2];
  const next = await fileComplaint(page, { name: '郑先生', phone: '13900001111', narrative: '再次受理' });
  expect(next.split('-')[2]).toBe(now);
  expect(next.slice(-4)).toBe('0002');
});

test('a device code typed in settings that another device owns is refused there, in words, under the code', async ({ page }) => {
  await open(page, '/settings');
  await expect(page.locator('#device-code')).toHaveValue(/^[0-9A-Z]{1,3}$/);
  const mine = await page.locator('#device-code').inputValue();
  const taken = mine === 'KX' ? 'KY' : 'KX';
  await importDocs(page, [{ _id: `device:${taken}`, type: 'device', code: taken, device_id: 'ffffffffffffffff', claimed_at: '2026-11-01T09:00:00' }]);
  await open(page, '/settings');
  // A code that is not one is named under the code's field, not the PIN's.
  await page.locator('#device-code').fill('I1');
  await page.locator('#device-code').locator('xpath=..').getByRole('button', { name: '保存' }).click();
  await expect(page.locator('#device-code-err')).toContainText('除 I、L、O、U 以外');
  await expect(page.locator('#device-pin-err')).toBeEmpty();
  // Another device's code: refused at once (before, it was saved and silently replaced at the
  // next intake).
  await page.locator('#device-code').fill(taken.toLowerCase());
  await page.locator('#device-code').locator('xpath=..').getByRole('button', { name: '保存' }).click();
  await expect(page.locator('#device-code-err')).toHaveText(`设备代码 ${taken} 已被另一台设备使用（投诉编号含设备代码，不能重复），请换一个。`);
  // What was typed is kept over a reload, as in every settings form, and is still not saved:
  // put back as it was, the field is the device's own code again, nothing typed.
  await open(page, '/settings');
  await expect(page.locator('#device-code')).toHaveValue(taken.toLowerCase());
  await page.locator('#device-code').fill(mine);
  await open(page, '/settings');
  await expect(page.locator('#device-code')).toHaveValue(mine);
  // A free code is saved, and claimed: it is this device's from now on.
  await page.locator('#device-code').fill('Q7');
  await page.locator('#device-code').locator('xpath=..').getByRole('button', { name: '保存' }).click();
  await expect(page.locator('.notice')).toContainText('设备代码已保存');
  await expect(page.locator('#device-code-err')).toBeEmpty();
  await open(page, '/settings');
  await expect(page.locator('#device-code')).toHaveValue('Q7');
  await setUpStaff(page);
  const no = await fileComplaint(page, { name: '郑先生', phone: '13900001111', narrative: '设备代码' });
  expect(no.split('-')[2]).toBe('Q7');
  // The code given up is no longer claimed (a replacement PC may take it back); Q7 is.
  await asManager(page);
  const downloadPromise = page.waitForEvent('download');
  await page.getByTestId('export').click();
  const file = test.info().outputPath('backup.json');
  await (await downloadPromise).saveAs(file);
  const claims = JSON.parse(fs.readFileSync(file, 'utf8')).docs.filter((d) => d.type === 'device' && !d._deleted).map((d) => d.code);
  expect(claims.sort()).toEqual(['Q7', taken].sort());
  expect(claims).not.toContain(mine);
});

test('a demand turned into a complaint prefills the intake and is linked both ways', async ({ page }) => {
  test.setTimeout(120_000);
  await importDocs(page, [{ _id: 'customer:01JCOMPLAINTDEMAND000000001', type: 'customer', kind: 'Individual', name: '赵大户',
    tier: 'Vip', value: 'High', lifecycle: 'Existing', branch: 'ZZ01', phone: '13812341234' }]);
  await setUpStaff(page);
  // A complaint being typed, not saved yet: converting the demand must not write over it.
  await open(page, '/complaints/new');
  await page.locator('#c-name').fill('周先生');
  await page.locator('#c-narrative').fill('理财产品赎回款迟迟未到账');
  await open(page, '/demands');
  await page.getByTestId('quick-demand').first().click();
  const dlg = page.getByTestId('demand-form');
  await dlg.locator('#dm-customer').fill('赵');
  await dlg.getByTestId('customer-option').filter({ hasText: '赵大户' }).click();
  await dlg.locator('#dm-desc').fill('营业部多次未回电，客户要求投诉');
  await dlg.getByTestId('demand-save').click();
  await expect(dlg).toHaveCount(0);
  await page.getByTestId('mode-list').click();
  await page.getByTestId('demand-table').getByRole('button', { name: '营业部多次未回电，客户要求投诉' }).click();
  const detail = page.getByTestId('demand-detail');
  await detail.getByTestId('to-complaint').click();

  // The intake is filled from the demand and its customer.
  await expect(page).toHaveURL(/\/complaints\/new\?from_demand=/);
  await expect(page.getByTestId('from-demand')).toContainText('营业部多次未回电');
  await expect(page.locator('#c-name')).toHaveValue('赵大户');
  await expect(page.locator('#c-phone')).toHaveValue('13812341234');
  await expect(page.locator('#c-narrative')).toHaveValue('营业部多次未回电，客户要求投诉');
  await expect(page.getByTestId('linked-customer')).toContainText('赵大户');
  await expect(page.getByTestId('draft-aside')).toContainText('此前未保存的投诉草稿（周先生）已另存');
  // A reload keeps the draft (with what was typed since), not a fresh prefill.
  await page.locator('#c-event-place').fill('营业厅');
  await page.reload();
  await expect(page.locator('#c-event-place')).toHaveValue('营业厅');
  await expect(page.getByTestId('from-demand')).toBeVisible();
  await page.getByTestId('save-complaint').click();
  await expect(page).toHaveURL(/\/complaints\/complaint:/);
  const complaintId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());

  // The complaint says where it came from, and the demand lists its complaint.
  // By what the customer asked (it read its record's id, demand:01…).
  const from = page.getByTestId('case-from-demand');
  await expect(from.getByRole('link')).toContainText('营业部多次未回电，客户要求投诉');
  await expect(from).not.toContainText('demand:');
  await from.getByRole('link').click();
  await expect(page).toHaveURL(/\/demands\?id=demand/);
  // (Done now, it is out of the list of active demands: the link opens it.)
  await expect(page.getByTestId('demand-detail')).toContainText('营业部多次未回电，客户要求投诉');
  // By its case number, as a link to it (not the raw id), and not offered for conversion again.
  const links = page.getByTestId('demand-detail').getByTestId('links');
  await expect(links.getByRole('link', { name: /^TS-\d{8}-/ })).toHaveAttribute('href', `/complaints/${complaintId}`);
  await expect(links).toContainText('已转为投诉 TS-');
  await expect(page.getByTestId('demand-detail').getByTestId('history')).toContainText('已转为投诉 TS-');
  await expect(page.getByTestId('demand-detail').getByTestId('to-complaint')).toHaveCount(0);
  // And it is done: the case carries it from now on (before, it stayed open, fell overdue and
  // was counted on the dashboard beside its own complaint).
  await expect(page.getByTestId('demand-detail').getByTestId('detail-status')).toContainText('已完成');
  await expect(page.getByTestId('demand-detail').getByTestId('history')).toContainText('已完成');

  // The draft set aside is still there, and comes back as it was typed.
  await open(page, '/complaints/new');
  await expect(page.getByTestId('draft-aside')).toContainText('周先生');
  await page.getByTestId('restore-aside').click();
  await expect(page.locator('#c-name')).toHaveValue('周先生');
  await expect(page.locator('#c-narrative')).toHaveValue('理财产品赎回款迟迟未到账');
  await expect(page.getByTestId('draft-aside')).toHaveCount(0);
  await page.reload();
  await expect(page.locator('#c-name')).toHaveValue('周先生');
});

/** `n` complaints `step` ms apart from 1 July 2026 10:00: every other one 运营部, every third
 * one fees (so 120 a day apart: 60 运营部, 40 fees). */
function generatedCases(n = 120, step = 86400_000) {
  const p = (n, w = 2) => String(n).padStart(w, '0');
  const docs = [];
  for (let i = 0; i < n; i++) {
    const d = new Date(Date.UTC(2026, 6, 1, 10) + i * step);
    const day = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
    const received = `${day}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:00`;
    docs.push({
      _id: `complaint:GEN${p(i, 3)}`, type: 'complaint', case_no: `TS-${day.replaceAll('-', '')}-G-${p(i + 1, 4)}`,
      branch_code: 'ZZ01', complainant: { name: `客户${i}`, phone: `1390000${p(i, 4)}`, email: '', address: '' },
      customer_id: null, channel: i % 2 ? 'letter' : 'phone', received_at: received, event_time: null, event_place: '',
      staff_involved: [], narrative: `第 ${i} 号投诉`, category: i % 3 === 0 ? 'fees' : 'service_attitude', severity: 2,
      department: i % 2 === 0 ? '运营部' : '客服部', preliminary_opinion: '', status: 'classified',
      rounds: [{ number: 1, opened_at: received, responsibility: null }], closed_at: null, archived_at: null, destroyed: false,
      history: [{ at: received, by: { id: 'staff:gen', name: '甲' }, action: 'receive', from_status: 'received', to_status: 'received', round: 1 }],
    });
  }
  return docs;
}

test('120 cases: filters by department and category page newest-first through their indexes', async ({ page }) => {
  test.setTimeout(120_000);
  await importDocs(page, generatedCases());
  const rows = page.getByTestId('complaint-row');
  await open(page, '/complaints');
  await expect(rows).toHaveCount(50);

  // 运营部: 60 cases (even numbers), 50 on the first page, newest first, 10 on the second.
  await page.locator('#l-department').fill('运营部');
  await page.locator('#l-department').blur();
  await expect(page).toHaveURL(/department=/);
  await expect(rows).toHaveCount(50);
  await expect(rows.first()).toContainText('客户118');
  await expect(rows.nth(1)).toContainText('客户116');
  await expect(rows.last()).toContainText('客户20');
  await expect(page.getByTestId('scan-bounded')).toHaveCount(0);
  await page.getByTestId('next-page').click();
  await expect(rows).toHaveCount(10);
  await expect(rows.first()).toContainText('客户18');
  await expect(rows.last()).toContainText('客户0');
  await expect(page.getByTestId('next-page')).toBeDisabled();
  await page.getByTestId('prev-page').click();
  await expect(rows).toHaveCount(50);
  await expect(rows.first()).toContainText('客户118');

  // 收费 (fees): 40 cases, one page; with the department too: every sixth, 20.
  await page.locator('#l-category').selectOption('fees');
  await expect(page).toHaveURL(/category=fees/);
  await expect(rows).toHaveCount(20);
  await expect(rows.first()).toContainText('客户114');
  await page.getByTestId('clear-filters').click();
  await page.locator('#l-category').selectOption('fees');
  await expect(rows).toHaveCount(40);
  await expect(rows.first()).toContainText('客户117');
  await expect(rows.last()).toContainText('客户0');
  await expect(page.getByTestId('next-page')).toBeDisabled();

  // Oldest first through the same index; a phone search by its last four digits.
  await open(page, '/complaints?category=fees&sort=oldest');
  await expect(rows.first()).toContainText('客户0');
  await open(page, '/complaints');
  await page.locator('#l-q').fill('0117');
  await page.locator('#l-q').press('Enter');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('客户117');

  // The list's CSV holds every case the filters find, not only the page shown: 运营部's 60
  // (two pages), newest first as listed, with the report's columns and no complainant's name.
  await open(page, '/complaints?department=运营部');
  await expect(rows).toHaveCount(50);
  const downloadPromise = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const download = await downloadPromise;
  // The file is named by its filter, so that exports of different filters are told apart.
  expect(download.suggestedFilename()).toMatch(/^kefu-[A-Za-z0-9_-]+-complaints-department-运营部-\d{8}-\d{4}\.csv$/);
  const file = tmpPath(`complaints-${Date.now()}.csv`);
  await download.saveAs(file);
  const bytes = fs.readFileSync(file);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8').slice(1);
  const lines = text.trim().split(/\r?\n/);
  expect(lines).toHaveLength(61);
  expect(lines[0]).toMatch(/^案件编号,受理时间,受理方式,投诉类别,严重程度,责任部门,处理状态/);
  expect(lines[1]).toMatch(/^TS-\d{8}-G-0119,/);
  expect(lines[60]).toMatch(/^TS-20260701-G-0001,2026-07-01 10:00,电话,/);
  expect(lines.slice(1).every((l) => l.includes(',运营部,'))).toBe(true);
  expect(text).not.toContain('客户');
  await expect(page.getByText('已导出 60 件投诉')).toBeVisible();
});

/** The overdue count and the overdue list, which must agree (both read the listed deadline). */
async function expectOverdue(page, n) {
  await open(page, '/complaints');
  await expect(page.getByTestId('count-overdue').locator('.n')).toHaveText(String(n));
  await open(page, '/complaints?due=overdue');
  await expect(page.getByTestId('complaint-row')).toHaveCount(n);
}

test('the overdue count and list follow a calendar edit, and cases imported without a listed deadline', async ({ page }) => {
  test.setTimeout(180_000);
  // A case received 15 days ago, filed while every day from then to tomorrow is a holiday: its
  // clocks start after tomorrow, so it is not overdue.
  await setUpStaff(page);
  const day = (d) => localInput(d).slice(0, 10);
  const received = new Date(Date.now() - 15 * 86400_000);
  const days = [];
  for (let t = received.getTime(); t <= Date.now() + 86400_000; t += 86400_000) days.push(day(new Date(t)));
  // Read at each step: a run over midnight makes the day before a past one.
  const past = (d) => d < day(new Date());
  const showYear = (d) => showCalendarYear(page, d);
  // The calendar is the manager's to edit; 张敏 files the case.
  await asManager(page);
  for (const d of days) {
    await showYear(d);
    await page.locator('#cal-date').fill(d);
    await page.locator('#cal-zh').fill('停业');
    await page.getByRole('button', { name: '添加日期' }).click();
    // A day already past is changed only when confirmed.
    if (past(d)) await page.getByTestId('cal-past-confirm').click();
    await expect(page.getByTestId('cal-days').locator('tr', { hasText: d }).filter({ hasText: '停业' })).toHaveCount(1);
  }
  await signIn(page, '张敏');
  await fileComplaint(page, { name: '孙女士', phone: '13700001111', narrative: '柜员态度冷淡', received: localInput(received) });
  await expectOverdue(page, 0);

  // The holidays taken back: the case is overdue, and listed so (its stored deadline is
  // recalculated; the count and the list read it).
  await asManager(page);
  for (const d of days) {
    await showYear(d);
    // (the branch's day: a year without its notice also lists the law's holidays)
    const row = page.getByTestId('cal-days').locator('tr', { hasText: d }).filter({ hasText: '停业' });
    await row.getByRole('button', { name: '删除' }).click();
    if (past(d)) await page.getByTestId('cal-past-confirm').click();
    await expect(row).toHaveCount(0);
  }
  await expectOverdue(page, 1);

  // Imported open cases without the `deadline` field (an older version's backup): every one
  // received months ago, so overdue, in the count and the list. (The manager, still signed
  // in, imports.)
  await importDocs(page, generatedCases(4));
  await expectOverdue(page, 4);
});

test('deadlines in a year whose official holiday notice is not entered are flagged on the case and the dashboard until a manager enters it', async ({ page }) => {
  await page.clock.install({ time: new Date('2026-12-28T10:00:00') });
  await setUpStaff(page);
  // Received Monday 28 December: investigation and response fall due in 2026, resolution
  // (7 working days) in January 2027, whose notice (its make-up working days) is not in.
  const note = page.getByTestId('cal-not-entered-note');
  await fileComplaint(page, { name: '跨年女士', phone: '13800007777', narrative: '年底的投诉', received: '2026-12-28T09:00' });
  await expect(note).toHaveText('2027年的官方放假安排尚未录入：期限只按法律计入法定节假日及其补假，未计通知另行安排的放假和调休上班日，可能有误。请客服经理在“工作日历”中录入');
  await expect(note.getByRole('link')).toHaveAttribute('href', '/settings#cal-h');
  const caseUrl = page.url();
  await open(page, '/');
  await expect(note).toContainText('2027年的官方放假安排尚未录入');
  await page.getByTestId('lang-switch').click();
  await expect(note).toContainText('The official holiday notice for 2027 has not been entered');
  await page.getByTestId('lang-switch').click();
  // Entered (its holidays, then marked so in Settings): no note on either.
  await asManager(page);
  await showCalendarYear(page, '2027');
  await enterHolidays(page, STATUTORY_2027);
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('cal-mark').click();
  await expect(page.getByTestId('cal-not-entered')).toHaveCount(0);
  await open(page, '/');
  await expect(page.getByTestId('dash-urgent-row')).toHaveCount(1);
  await expect(note).toHaveCount(0);
  await page.goto(caseUrl);
  await expect(page.getByTestId('clock-investigation')).toBeVisible();
  await expect(note).toHaveCount(0);
});

test('a calendar edited in another tab while a step is open on a case: the step is saved, as only the case\'s listed deadline changed', async ({ page, context }) => {
  test.setTimeout(120_000);
  await setUpStaff(page);
  await fileComplaint(page, { name: '吴女士', phone: '13800008888', narrative: '开户流程繁琐', category: 'service_attitude' });
  const caseUrl = page.url();
  const due = (await page.getByTestId('clock-investigation').locator('td').nth(1).innerText()).trim();
  // The manager opens the next step here…
  await asManager(page);
  await page.goto(caseUrl);
  await page.getByTestId('action-start_investigation').click();
  await expect(page.getByTestId('action-form')).toBeVisible();
  // …and in another tab closes the branch on the day the investigation falls due: the case is
  // saved again with its listed deadline moved, nothing else.
  const other = await context.newPage();
  await open(other, '/settings');
  await showCalendarYear(other, due);
  await other.locator('#cal-date').fill(due.slice(0, 10));
  await other.locator('#cal-zh').fill('停业');
  await other.getByRole('button', { name: '添加日期' }).click();
  await expect(other.locator('.notice')).toContainText('1 件未办结投诉的处理时限已按新日历重新计算');
  // The open case page shows the deadline the new calendar gives (it kept the old one when
  // the case was read again before the calendar).
  await expect(page.getByTestId('clock-investigation').locator('td').nth(1)).not.toHaveText(due);
  await expect(page.getByTestId('action-form')).toBeVisible();
  // The step goes through (before, it was refused as saved elsewhere, once).
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-form')).toHaveCount(0);
  await expect(page.getByTestId('case-status')).toHaveText('调查处理中');
  await expect(page.getByTestId('action-error')).toHaveCount(0);
});

test('a search of the narrative over 2,100 cases says how far it has searched', async ({ page }) => {
  test.setTimeout(180_000);
  await importDocs(page, generatedCases(2100, 60_000));
  const rows = page.getByTestId('complaint-row');
  // Words no narrative holds: a page reads at most 2,000 rows and says so, with the total.
  await open(page, '/complaints?q=' + encodeURIComponent('没有这句话'));
  const bounded = page.getByTestId('scan-bounded');
  await expect(bounded).toHaveText('已查找 2,000 / 2,100 条记录，尚未查完——点“下一页”继续查找。');
  await expect(rows).toHaveCount(0);
  await page.getByTestId('next-page').click();
  // The rest is searched: nothing found, the end reached, no claim of more.
  await expect(page.getByTestId('no-complaints')).toBeVisible();
  await expect(bounded).toHaveCount(0);
  await expect(page.getByTestId('next-page')).toBeDisabled();
  // Words that are there are found on the first page, newest first.
  await open(page, '/complaints?q=' + encodeURIComponent('第 2095 号'));
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('客户2095');
});

test('the monthly report counts the complaints filed in the app, and its CSV matches', async ({ page }) => {
  test.setTimeout(120_000);
  await setUpStaff(page, [['王经理', 'manager']]);
  const received = hoursAgo(0);
  const filed = [
    await fileComplaint(page, { name: '甲', phone: '13800000001', narrative: '收费不透明', category: 'fees', severity: 2, department: '财富管理部', received }),
    await fileComplaint(page, { name: '乙', phone: '13800000002', narrative: '态度冷淡', category: 'service_attitude', severity: 3, department: '运营部', received, channel: 'in_person' }),
    await fileComplaint(page, { name: '丙', phone: '13800000003', narrative: '又是收费问题', category: 'fees', severity: 2, department: '财富管理部', received, channel: 'internet' }),
  ];
  const month = received.slice(0, 7);
  await open(page, `/reports?view=monthly&month=${month}`);
  const count = (id) => page.getByTestId(`count-${id}`);
  await expect(count('total')).toHaveText('3');
  await expect(count('channel-phone')).toHaveText('1');
  await expect(count('channel-in_person')).toHaveText('1');
  await expect(count('channel-internet')).toHaveText('1');
  await expect(count('category-fees')).toHaveText('2');
  await expect(count('category-service_attitude')).toHaveText('1');
  await expect(count('department-财富管理部')).toHaveText('2');
  await expect(count('department-运营部')).toHaveText('1');
  await expect(count('severity-2')).toHaveText('2');
  await expect(count('severity-3')).toHaveText('1');
  await expect(count('outcome-none')).toHaveText('3');

  const downloadPromise = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(new RegExp(`^kefu-[A-Za-z0-9_-]+-monthly-report-${month}\\.csv$`));
  const text = fs.readFileSync(await download.path()).subarray(3).toString('utf8');
  const lines = text.trim().split(/\r?\n/);
  expect(lines.find((l) => l.startsWith('汇总,'))).toContain(',3,');
  expect(lines).toContain(`投诉类别,收费,2,66.7%,${[filed[0], filed[2]].sort().join(' ')}`);
  expect(lines).toContain(`受理方式,当面,1,33.3%,${filed[1]}`);
  const header = lines.findIndex((l) => l.startsWith('案件编号,'));
  expect(lines.slice(header + 1).map((l) => l.split(',')[0]).sort()).toEqual([...filed].sort());
});

test('two tabs recording findings on one case: the second is refused, keeps its text, and saves once it has seen the first', async ({ page, context }) => {
  test.setTimeout(120_000);
  await setUpStaff(page);
  await fileComplaint(page, { name: '两页女士', phone: '13800001234', narrative: '两个标签页同时办理', category: 'service_attitude' });
  const caseUrl = new URL(page.url()).pathname;
  await act(page, 'start_investigation');
  const b = await context.newPage();
  await open(b, caseUrl);
  await expect(b.getByTestId('case-status')).toHaveText('调查处理中');

  // Another record written meanwhile (a customer, in tab A) is not a change of this case: tab
  // B's findings are saved.
  await b.getByTestId('action-record_findings').click();
  await b.locator('#f-text').fill('标签页B的初步调查');
  await open(page, '/customers');
  await page.getByTestId('customer-new').click();
  await page.locator('#cust-name').fill('旁人');
  await page.getByTestId('customer-save').click();
  await expect(page.getByTestId('customer-table')).toContainText('旁人');
  await b.getByTestId('action-submit').click();
  await expect(b.getByTestId('action-form')).toHaveCount(0);
  await expect(b.getByTestId('round-1')).toContainText('标签页B的初步调查');

  // Both tabs open Record findings; A saves first.
  await open(page, caseUrl);
  await page.getByTestId('action-record_findings').click();
  await b.getByTestId('action-record_findings').click();
  await page.locator('#f-text').fill('标签页A的调查结果');
  await b.locator('#f-text').fill('标签页B的调查结果');
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-form')).toHaveCount(0);
  await expect(b.getByTestId('round-1')).toContainText('标签页A的调查结果');
  // B's save is refused in words; what B typed stays; A's findings are what B sees.
  await b.getByTestId('action-submit').click();
  await expect(b.getByTestId('action-error')).toHaveText('保存失败：他人已先更新了此案件。已重新载入最新内容，请核对后再操作。');
  await expect(b.getByTestId('action-form')).toBeVisible();
  await expect(b.locator('#f-text')).toHaveValue('标签页B的调查结果');
  await expect(b.getByTestId('round-1')).toContainText('标签页A的调查结果');
  await page.reload();
  await expect(page.getByTestId('round-1')).toContainText('标签页A的调查结果');
  // Having seen it, B confirms again: saved.
  await b.getByTestId('action-submit').click();
  await expect(b.getByTestId('action-form')).toHaveCount(0);
  await expect(b.getByTestId('round-1')).toContainText('标签页B的调查结果');
  await expect(b.getByTestId('history').locator('li').filter({ hasText: '记录调查结果' })).toHaveCount(3);
  await b.close();
});

test('two tabs typing an action on one case keep their own drafts, and a closed tab\'s is taken up', async ({ page, context }) => {
  test.setTimeout(120_000);
  await setUpStaff(page);
  await fileComplaint(page, { name: '草稿女士', phone: '13800004321', narrative: '两个标签页各自起草', category: 'service_attitude' });
  const caseUrl = new URL(page.url()).pathname;
  await act(page, 'start_investigation');
  await page.getByTestId('action-record_findings').click();
  await page.locator('#f-text').fill('甲页的调查结果');

  // A second tab on the case: A's typing is A's, not restored here (before, one draft per
  // person and case served every tab, so B opened on A's form).
  const b = await context.newPage();
  await open(b, caseUrl);
  await expect(b.locator('.complaints.case')).toHaveAttribute('data-drafts-checked', 'true');
  await expect(b.getByTestId('action-form')).toHaveCount(0);
  await b.getByTestId('action-record_findings').click();
  await b.locator('#f-text').fill('乙页的调查结果');

  // A saves: B's typing is still kept (before, A's save dropped the one draft, so B's reload
  // lost it).
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-form')).toHaveCount(0);
  await expect(page.getByTestId('round-1')).toContainText('甲页的调查结果');
  await b.reload();
  await expect(b.getByTestId('action-form')).toBeVisible();
  await expect(b.locator('#f-text')).toHaveValue('乙页的调查结果');

  // B is closed with its typing: the next tab to show the case takes it up.
  await closeTab(b, page);
  await page.reload();
  await expect(page.locator('.complaints.case')).toHaveAttribute('data-drafts-checked', 'true');
  await expect(page.getByTestId('action-form')).toBeVisible();
  await expect(page.locator('#f-text')).toHaveValue('乙页的调查结果');
  // Taken once: another tab opened now has none.
  const c = await context.newPage();
  await open(c, caseUrl);
  await expect(c.locator('.complaints.case')).toHaveAttribute('data-drafts-checked', 'true');
  await expect(c.getByTestId('action-form')).toHaveCount(0);
  await c.close();
});

test('after an action is saved the keyboard goes on from the next steps, and Cancel returns to the action', async ({ page }) => {
  await setUpStaff(page);
  const focused = () => page.evaluate(() => document.activeElement && (document.activeElement.dataset.testid || document.activeElement.id || document.activeElement.tagName));
  // Filed unclassified: the case page opens with the keyboard on its first step.
  await fileComplaint(page, { name: '键盘先生', phone: '13800006666', narrative: '只用键盘办理' });
  await expect.poll(focused).toBe('action-classify');
  // Enter opens the form with the keyboard in its first field; Escape cancels it as 取消 does.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('action-form')).toBeVisible();
  await expect.poll(focused).toBe('f-category');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('action-form')).toHaveCount(0);
  await expect.poll(focused).toBe('action-classify');
  // Classified: the next step is the investigation, not classifying again.
  await page.keyboard.press('Enter');
  await page.locator('#f-category').selectOption('service_attitude');
  await page.locator('#f-severity').selectOption('2');
  await page.locator('#f-department').fill('客服部');
  await page.getByTestId('action-submit').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('case-status')).toHaveText('已分类分派');
  await expect.poll(focused).toBe('action-start_investigation');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('action-form')).toBeVisible();
  // Nothing to fill in: the keyboard is on 确认.
  await expect.poll(focused).toBe('action-submit');
  // Cancel: back on the button that opened the form.
  await page.getByTestId('action-form').getByRole('button', { name: '取消' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('action-form')).toHaveCount(0);
  await expect.poll(focused).toBe('action-start_investigation');
  // Saved: the page is drawn anew and the focus is on the next step's first button.
  await page.keyboard.press('Enter');
  await page.getByTestId('action-submit').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('case-status')).toHaveText('调查处理中');
  await expect.poll(focused).toBe('action-record_findings');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('action-form')).toBeVisible();
  // Findings being written: Escape, a reflex key, keeps the form and every word (取消 closes it).
  // (Typed once the keyboard is in the findings, as a person types once the cursor shows.)
  await expect.poll(focused).toBe('f-text');
  await page.keyboard.type('核实属实，柜员已当面致歉');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('action-form')).toBeVisible();
  await expect(page.locator('#f-text')).toHaveValue('核实属实，柜员已当面致歉');
});

test('a sign-out or sign-in in another tab is this tab\'s at once: its header, the name a step is saved under, and the language', async ({ page, context }) => {
  await setUpStaff(page);
  await fileComplaint(page, { name: '两页女士', phone: '13800006789', narrative: '另一标签页换了登录人员', category: 'service_attitude' });
  const settings = await context.newPage();
  await open(settings, '/settings');
  // Signed out there, with a step's form open here: nobody here either, and the case gives way
  // to the sign-in prompt (before, this tab went on as 张敏 and saved her name on the next
  // step).
  await page.getByTestId('action-start_investigation').click();
  await expect(page.getByTestId('action-form')).toBeVisible();
  await settings.getByTestId('device-signout').click();
  await expect(page.getByTestId('current-user')).toHaveText('未登录');
  await expect(page.getByTestId('sign-in-first')).toBeVisible();
  await expect(page.getByTestId('action-start_investigation')).toHaveCount(0);
  await expect(page.getByTestId('action-submit')).toHaveCount(0);
  // Another person signed in there: this tab shows the case again, their steps, and acts as them.
  await signIn(settings, '李强');
  await expect(page.getByTestId('current-user')).toContainText('李强');
  await expect(page.getByTestId('sign-in-first')).toHaveCount(0);
  const history = page.getByTestId('history').locator('li');
  await expect(history.filter({ hasText: '开始调查' })).toHaveCount(0);
  const hers = await history.filter({ hasText: '张敏' }).count();
  // (An open step's form is each person's own: it closes for the next one.)
  await expect(page.getByTestId('action-form')).toHaveCount(0);
  await act(page, 'start_investigation');
  await expect(history.filter({ hasText: '开始调查' })).toContainText('李强');
  await expect(history.filter({ hasText: '张敏' })).toHaveCount(hers);
  // The language chosen there is this tab's too.
  await settings.getByTestId('lang-switch').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('current-user')).toContainText('Supervisor');
});

/** Files a classified complaint (e-mail as well as phone when `email` is given, received that
 *  way) and returns its page's address. */
async function fileClassified(page, { name, phone, narrative, email }) {
  await open(page, '/complaints/new');
  await page.locator('#c-name').fill(name);
  await page.locator('#c-phone').fill(phone);
  if (email) {
    await page.locator('#c-email').fill(email);
    await page.locator('#c-channel').selectOption('email');
  }
  await page.locator('#c-narrative').fill(narrative);
  await page.locator('#c-category').selectOption('service_attitude');
  await page.locator('#c-severity').selectOption('2');
  await page.locator('#c-department').fill('客服部');
  await page.getByTestId('save-complaint').click();
  await expect(page).toHaveURL(/\/complaints\/complaint:/);
  return new URL(page.url()).pathname;
}

/** On the case's page: investigates and submits the opinion (not our responsibility). */
async function investigateCase(page) {
  await act(page, 'start_investigation');
  await act(page, 'record_findings', () => page.locator('#f-text').fill('核实情况属实'));
  await act(page, 'submit_opinion', async () => {
    await page.locator('#f-responsibility').selectOption('not_ours');
    await page.locator('#f-text').fill('向客户解释说明');
  });
}

/** The opinion approved by the supervisor and the manager, then the response by 张敏; `check`
 *  looks at the response's form before it is sent. */
async function approveAndRespond(page, url, check) {
  for (const who of ['李强', '王经理']) {
    await switchTo(page, who, url);
    await act(page, 'approve');
  }
  await switchTo(page, '张敏', url);
  await act(page, 'respond', async () => {
    if (check) await check();
    await page.locator('#f-text').fill('已向客户解释');
  });
}

// The lists follow the limits still to meet: a limit met late is on the record, not a task,
// and the next limit due today is the one listed; once both limits are met, the 7-day
// resolution is a service target (as on the case page and in the report), never 已超时.
test('a limit met late leaves the case listed against the next one, and the resolution target is never overdue', async ({ page }) => {
  test.setTimeout(180_000);
  await page.clock.install({ time: new Date('2026-11-30T09:00:00') });
  await setUpStaff(page);
  const url = await fileClassified(page, { name: '郑先生', phone: '13800005678', narrative: '转账未到账', email: 'zheng@example.cn' });

  // Thursday 3 December: the investigation (due Wednesday) is done a day late; the response
  // falls due today.
  await page.clock.setSystemTime(new Date('2026-12-03T10:00:00'));
  await open(page, url);
  await investigateCase(page);
  await open(page, '/complaints');
  const row = page.getByTestId('complaint-row');
  await expect(row.getByTestId('deadline-limit')).toHaveText('反馈客户（4个工作日）');
  await expect(row).toContainText('2026-12-03 23:59');
  await expect(row).toContainText('今日到期');
  await expect(row).not.toContainText('已超时');
  await expect(row.getByTestId('deadline-late')).toHaveText('超时完成：调查核实（3个工作日）');
  await open(page, '/');
  await expect(page.getByTestId('dash-due-today').locator('.n')).toHaveText('1');
  await expect(page.getByTestId('dash-overdue').locator('.n')).toHaveText('0');
  await expect(page.getByTestId('dash-urgent-row')).toContainText('今日到期');
  // …named as the 4-day response, as on the list.
  await expect(page.getByTestId('dash-urgent-row').getByTestId('dash-urgent-limit')).toHaveText('反馈客户（4个工作日）');

  // Approved and answered the same day: no limit is left; the case shows its resolution
  // target (Tuesday 8 December), and past it the target is passed, not overdue.
  // Received by e-mail: the answer is offered by e-mail too (it was always 电话).
  await approveAndRespond(page, url, () => expect(page.locator('#f-channel')).toHaveValue('email'));
  await page.clock.setSystemTime(new Date('2026-12-09T10:00:00'));
  await open(page, '/complaints');
  await expect(row.getByTestId('deadline-limit')).toHaveText('问题处理（7个工作日），服务目标');
  await expect(row).toContainText('2026-12-08 23:59');
  await expect(row).toContainText('已过目标时间');
  await expect(row).not.toContainText('已超时');
  await expect(row).not.toHaveClass(/overdue/);
  await expect(page.getByTestId('count-overdue').locator('.n')).toHaveText('0');
  await open(page, '/');
  await expect(page.getByTestId('dash-overdue').locator('.n')).toHaveText('0');
  await expect(page.getByTestId('dash-no-urgent')).toHaveText('没有待调查核实或待反馈客户的投诉：未闭环的案件均已反馈客户。');
});

// A device updated from a version that listed the 7-day resolution (and limits met late) as the
// case's deadline: its cases are listed anew once at start, or an answered case would stay
// 已超时 on the dashboard until its next edit.
test('cases listed by the older rule are listed anew at start', async ({ page }) => {
  test.setTimeout(180_000);
  await page.clock.install({ time: new Date('2026-11-30T09:00:00') });
  await setUpStaff(page);
  const url = await fileClassified(page, { name: '冯女士', phone: '13800006789', narrative: '理财产品赎回延迟' });
  const id = decodeURIComponent(url.split('/').pop());
  await investigateCase(page);
  await approveAndRespond(page, url);
  // As the older version stored it: listed against the resolution, Tuesday 8 December, and
  // no record of the rule the listing followed.
  const old = '2026-12-08T23:59:59';
  await page.evaluate(({ id, old }) => new Promise((resolve, reject) => {
    const r = indexedDB.open('kefu');
    r.onsuccess = () => {
      const tx = r.result.transaction(['docs', 'local'], 'readwrite');
      const docs = tx.objectStore('docs');
      const get = docs.get(id);
      get.onsuccess = () => {
        const rec = get.result;
        const body = JSON.parse(rec.b);
        body.deadline = old;
        rec.b = JSON.stringify(body);
        rec.ix_complaint_due = [old];
        docs.put(rec);
        tx.objectStore('local').delete('deadlines-listed');
      };
      tx.oncomplete = () => { r.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }), { id, old });
  await page.clock.setSystemTime(new Date('2026-12-09T10:00:00'));
  await open(page, '/');
  await expect(page.getByTestId('dash-overdue').locator('.n')).toHaveText('0', { timeout: 20_000 });
  await expect(page.getByTestId('dash-no-urgent')).toBeVisible();
  const listed = await page.evaluate((id) => new Promise((resolve) => {
    const r = indexedDB.open('kefu');
    r.onsuccess = () => {
      const get = r.result.transaction('docs').objectStore('docs').get(id);
      get.onsuccess = () => { r.result.close(); resolve(JSON.parse(get.result.b).deadline ?? null); };
    };
  }), id);
  expect(listed).toBeNull();
});

// 更正记录: a mistyped phone or narrative is corrected on the case, with a reason, as the intake
// checks it; the history says who, when, why and what changed. Before, a saved record could
// not be corrected at all (the visit could not reach a customer whose phone was mistyped).
test('the record is corrected with a reason, checked as at intake, and the history says what changed', async ({ page }) => {
  test.setTimeout(180_000);
  await setUpStaff(page);
  const url = await fileClassified(page, { name: '陈先生', phone: '13800001110', narrative: '开户资料重复提交' });
  await page.getByTestId('action-correct').click();
  await expect(page.locator('#f-phone')).toHaveValue('13800001110');
  await page.locator('#f-phone').fill('12');
  await page.locator('#f-text').fill('电话记错一位');
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-error')).toContainText('电话号码格式不正确');
  // What is typed survives a reload.
  await page.locator('#f-phone').fill('13800001111');
  await page.locator('#f-narrative').fill('开户资料重复提交三次');
  await page.reload();
  await expect(page.locator('#f-phone')).toHaveValue('13800001111');
  await expect(page.locator('#f-narrative')).toHaveValue('开户资料重复提交三次');
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-form')).toHaveCount(0);
  const record = page.getByTestId('record');
  await expect(record).toContainText('13800001111');
  await expect(page.getByTestId('narrative')).toHaveText('开户资料重复提交三次');
  const last = page.getByTestId('history').locator('li').last();
  await expect(last).toContainText('更正记录');
  await expect(last).toContainText('张敏');
  await expect(last).toContainText('电话记错一位（更正：电话：138****1110 → 138****1111；投诉事由及经过）');
  // In English its own words, not both languages side by side (QA).
  await page.getByTestId('lang-switch').click();
  await expect(last).toContainText('电话记错一位 (corrected: phone: 138****1110 → 138****1111; narrative)');
  await expect(last).not.toContainText('更正');
  await page.getByTestId('lang-switch').click();
  // Waiting for an approval the specialist cannot give: the wait is said, and the record can
  // still be corrected.
  await investigateCase(page);
  await expect(page.getByTestId('no-actions')).toContainText('主管');
  await expect(page.getByTestId('action-correct')).toBeVisible();
  await open(page, `${url}/print`);
  await expect(page.locator('body')).toContainText('13800001111');
});

test('two tabs correcting one record: the second, refused as stale and confirmed again, changes only what it changed', async ({ page, context }) => {
  test.setTimeout(120_000);
  await setUpStaff(page);
  const url = await fileClassified(page, { name: '陈先生', phone: '13800001110', narrative: '开户资料重复提交' });
  const b = await context.newPage();
  await open(b, url);
  await page.getByTestId('action-correct').click();
  await b.getByTestId('action-correct').click();
  // A corrects the phone.
  await page.locator('#f-phone').fill('13800001111');
  await page.locator('#f-text').fill('A改电话');
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-form')).toHaveCount(0);
  // B, opened before, corrects the narrative: refused once, as stale.
  await b.locator('#f-narrative').fill('开户资料重复提交三次');
  await b.locator('#f-text').fill('B改经过');
  await b.getByTestId('action-submit').click();
  await expect(b.getByTestId('action-error')).toContainText('他人已先更新了此案件');
  // The phone B left alone now reads A's (QA: it kept the old one, and confirming put it back).
  await expect(b.locator('#f-phone')).toHaveValue('13800001111');
  await expect(b.locator('#f-narrative')).toHaveValue('开户资料重复提交三次');
  await b.getByTestId('action-submit').click();
  await expect(b.getByTestId('action-form')).toHaveCount(0);
  await expect(b.getByTestId('record')).toContainText('13800001111');
  await expect(b.getByTestId('narrative')).toHaveText('开户资料重复提交三次');
  await expect(b.getByTestId('history').locator('li').last()).toContainText('B改经过（更正：投诉事由及经过）');
  await b.close();
});

test('a landline with its extension is taken, found by its line\'s last four, and kept visible when masked', async ({ page }) => {
  test.setTimeout(120_000);
  await setUpStaff(page);
  await fileClassified(page, { name: '郑经理', phone: '0371-65585533转801', narrative: '公司账户开户进度无人告知' });
  await expect(page.getByTestId('record')).toContainText('0371-65585533转801');
  // An extension with no digits, or too many, is still refused.
  await page.getByTestId('action-correct').click();
  await page.locator('#f-phone').fill('0371-65585533转');
  await page.locator('#f-text').fill('分机号记错');
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-error')).toContainText('电话号码格式不正确');
  await page.locator('#f-phone').fill('0371 6558 5533 分机 802');
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-form')).toHaveCount(0);
  // The history masks the line and keeps the extension, which names a desk.
  await expect(page.getByTestId('history').locator('li').last())
    .toContainText('电话：037*****5533转801 → 037*****5533转802');
  // The list finds the case by the line's last four digits, not the extension's.
  await open(page, '/complaints');
  await page.locator('#l-q').fill('5533');
  await page.locator('#l-q').press('Enter');
  const rows = page.getByTestId('complaint-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('郑经理');
});
