// Surveys as staff and customers see them: the default survey created and extended in the
// builder, answered on the customer page /s/<id> with known answers, results with CSAT and
// NPS computed here by hand, a low score opening a follow-up, the CSV export matching the
// answers, and an edit after responses making version 2 while old responses keep version 1.
import fs from 'node:fs';
import { test, expect, open, servedByWorker } from './fixtures.mjs';
import { setUpStaff, signIn, asManager } from './helpers.mjs';

const LIKERT = ['att_courtesy', 'att_patience', 'eff_wait', 'eff_speed', 'pro_knowledge',
  'pro_risk', 'env_clean', 'env_guidance'];

/** This browser forgets that it answered survey `key`, as another customer's phone would not
 *  know it (the responses stay on this device, where the results are read): forgotten where
 *  the app keeps it, localStorage and its copy in IndexedDB. */
async function forgetAnswered(page, key) {
  await page.evaluate((k) => new Promise((resolve) => {
    const key = `kefu.surveys.answered.survey:${k}`;
    localStorage.removeItem(key);
    const r = indexedDB.open('kefu-mirror');
    r.onsuccess = () => {
      const tx = r.result.transaction('kv', 'readwrite');
      tx.objectStore('kv').delete(key);
      tx.oncomplete = () => { r.result.close(); resolve(); };
    };
    r.onerror = () => resolve();
  }), key);
}

/** Answers the default survey (+ the added question q1) on the customer page, one per screen.
 *  `another`: as another customer's phone (`forgetAnswered`). */
async function answer(page, key, a, { another = false } = {}) {
  if (another) await forgetAnswered(page, key);
  await open(page, `/s/${key}`);
  await expect(page.locator('nav.nav')).toHaveCount(0); // no staff navigation
  for (const q of LIKERT) {
    await page.getByTestId(`a-${q}-${a.likert}`).click();
    await page.getByTestId('sf-next').click();
  }
  await page.getByTestId(`a-overall-${a.overall}`).click();
  await page.getByTestId('sf-next').click();
  await page.getByTestId(`a-nps-${a.nps}`).click();
  await page.getByTestId('sf-next').click();
  if (a.comment) await page.getByTestId('a-comment').fill(a.comment);
  await page.getByTestId('sf-next').click();
  if (a.service) await page.getByTestId(`a-q1-${a.service}`).click();
  await page.getByTestId('sf-submit').click();
  await expect(page.getByTestId('cp-thanks')).toBeVisible();
}

/** Answers the default survey from question `from` (those before it answered already) on the
 *  customer page, one per screen: every score `score`, NPS `nps`, no comment; submits unless
 *  `submit` is false.
 *  `likert`: the survey's scored questions before 总体, when staff changed them. */
async function answerDefault(page, { from = 0, score, nps, likert = LIKERT, submit = true }) {
  for (const [i, q] of likert.entries()) {
    if (i >= from) await page.getByTestId(`a-${q}-${score}`).click();
    await page.getByTestId('sf-next').click();
  }
  await page.getByTestId(`a-overall-${score}`).click();
  await page.getByTestId('sf-next').click();
  await page.getByTestId(`a-nps-${nps}`).click();
  await page.getByTestId('sf-next').click();
  if (submit) await page.getByTestId('sf-submit').click();
}

/** Creates the default survey from the survey list; its key (the id without `survey:`). */
async function newDefaultSurvey(page) {
  await open(page, '/surveys');
  await page.getByTestId('create-default').click();
  await expect(page).toHaveURL(/\/surveys\/[0-9A-Z]{26}$/);
  return page.url().split('/').pop();
}

/** CSAT (share of 4–5 on the CSAT question) and NPS by hand. */
function csat(scores) { return (100 * scores.filter((v) => v >= 4).length) / scores.length; }
function nps(scores) {
  const p = scores.filter((v) => v >= 9).length; const d = scores.filter((v) => v <= 6).length;
  return (100 * (p - d)) / scores.length;
}

/** A CSV parser for the export (quoted fields, doubled quotes). */
function parseCsv(text) {
  const rows = []; let row = []; let cell = ''; let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else if (c !== '\r') cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

async function exportCsv(page) {
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const d = await downloading;
  return fs.readFileSync(await d.path());
}

test('build, answer, results, CSV, follow-up and a new version', async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  // A new install offers the ready-made survey; a survey is changed by a signed-in member.
  await setUpStaff(page);
  await open(page, '/surveys');
  await expect(page.getByTestId('no-surveys')).toBeVisible();
  await page.getByTestId('create-default-empty').click();
  await expect(page).toHaveURL(/\/surveys\/[0-9A-Z]{26}$/);
  const key = page.url().split('/').pop();
  await expect(page.getByTestId('survey-version')).toHaveText('第 1 版');

  // Add an optional single-choice question and save.
  await expect(page.getByTestId('question-10')).toBeVisible();
  await page.getByTestId('add-question').click();
  await page.locator('#q11-kind').selectOption('single');
  await page.locator('#q11-zh').fill('您今天办理的业务');
  await page.locator('#q11-en').fill('What did you come for today?');
  await page.locator('#q11-o0-zh').fill('开户');
  await page.locator('#q11-o0-en').fill('Open an account');
  await page.locator('#q11-o1-zh').fill('交易咨询');
  await page.locator('#q11-o1-en').fill('Trading enquiry');
  await page.locator('#q11-required').uncheck();
  // A question without text is refused, in words.
  await page.getByTestId('add-question').click();
  await page.getByTestId('save-survey').click();
  const problems = page.getByTestId('survey-problems');
  await expect(problems).toContainText('第13题缺少题目文字');
  // So are a text in one language only and two options with one label (a customer reading
  // the other language would see a blank, or could not tell the two apart).
  await page.locator('#q12-zh').fill('补充');
  await page.locator('#q11-o1-zh').fill('开户');
  await expect(problems).toContainText('第13题缺少英文题目文字');
  await expect(problems).toContainText('第12题的选项1和选项2同为“开户”');
  await page.locator('#q11-o1-en').fill('');
  await expect(problems).toContainText('第12题的选项2缺少英文');
  await page.locator('#q11-o1-zh').fill('交易咨询');
  await page.locator('#q11-o1-en').fill('Trading enquiry');
  await expect(problems).not.toContainText('第12题');
  await page.getByTestId('question-12').getByRole('button', { name: '删除题目' }).click();
  await page.getByTestId('save-survey').click();
  await expect(page.locator('.notice')).toContainText('问卷已保存');
  await expect(page.getByTestId('survey-version')).toHaveText('第 1 版');

  // The link and its QR code for printing.
  await expect(page.getByTestId('survey-link')).toHaveText(`${baseURL}/s/${key}`);
  await expect(page.getByTestId('survey-qr').locator('path')).toHaveCount(1);
  // The preview renders the form.
  await page.getByTestId('preview').click();
  await expect(page.getByTestId('preview-frame').getByTestId('q-att_courtesy')).toBeVisible();

  // The builder kept the question after a reload.
  await page.reload();
  await expect(page.locator('#q11-zh')).toHaveValue('您今天办理的业务');

  // The customer page: a required question must be answered; the language switches.
  await open(page, `/s/${key}`);
  await expect(page.locator('.cp-title')).toHaveText('营业部客户满意度调查');
  await expect(page.getByTestId('cp-hello')).toHaveText('您好！请根据本次服务的实际感受作答，约需一分钟。');
  await page.getByTestId('sf-next').click();
  await expect(page.getByTestId('q-att_courtesy')).toContainText('第1题为必答题，请作答');
  await page.getByTestId('cp-lang').click();
  await expect(page.locator('.cp-title')).toHaveText('Branch customer satisfaction survey');
  await expect(page.getByTestId('cp-hello')).toHaveText('Hello! Please answer as you found our service today. It takes about a minute.');
  await expect(page.getByTestId('q-att_courtesy')).toContainText('Staff warmth and courtesy');
  // The error shown follows the switch too.
  await expect(page.getByTestId('q-att_courtesy').locator('.err')).toHaveText('Question 1 needs an answer');
  await page.getByTestId('cp-lang').click();
  await expect(page.getByTestId('q-att_courtesy').locator('.err')).toHaveText('第1题为必答题，请作答');

  const given = [
    { likert: 5, overall: 5, nps: 10, comment: '服务很好', service: 'o1' },
    { likert: 4, overall: 4, nps: 9 },
    { likert: 2, overall: 2, nps: 3, comment: '等太久了', service: 'o2' },
  ];
  for (const [i, a] of given.entries()) {
    await answer(page, key, a, { another: i > 0 });
    await expect(page.getByTestId('cp-pending')).toContainText(`共保存 ${i + 1} 份`);
  }

  // Results: the figures computed by hand from the answers.
  const overall = given.map((a) => a.overall);
  const npsScores = given.map((a) => a.nps);
  await open(page, `/surveys/${key}/results`);
  await expect(page.getByTestId('res-n')).toHaveText(String(given.length));
  await expect(page.getByTestId('res-csat')).toHaveText(`${csat(overall).toFixed(1)}%`);
  await expect(page.getByTestId('res-nps')).toHaveText(nps(npsScores).toFixed(1));
  await expect(page.getByTestId('target-status')).toHaveText('未达标');
  // Alpha of a two-item scale whose items agree perfectly is 1; a one-item scale has none.
  await expect(page.getByTestId('scale-row-attitude').getByTestId('alpha')).toContainText('1.00');
  // With three responses it says the figure is only indicative.
  await expect(page.getByTestId('scale-row-attitude').getByTestId('alpha-few')).toHaveText('仅 3 份完整答卷，α 仅供参考');
  // And what it means, by the usual rule of thumb (0.70 acceptable, 0.80 good, 0.90 excellent).
  await expect(page.getByTestId('scale-row-attitude').getByTestId('alpha-verdict')).toHaveText('信度很高');
  await expect(page.getByTestId('scale-row-overall').getByTestId('alpha-verdict')).toHaveCount(0);
  await expect(page.getByTestId('scale-row-overall').getByTestId('alpha-reason')).toContainText('少于 2 道');
  await expect(page.getByTestId('dist-nps').getByTestId('bar')).toHaveCount(11);
  // On a phone the answers scroll sideways under their submission time, which stays in view
  // (before, it scrolled away with them and a row no longer said whose answers it held).
  await page.setViewportSize({ width: 375, height: 700 });
  const answersTable = page.getByTestId('responses-table');
  const answersWrap = answersTable.locator('xpath=..');
  await answersWrap.evaluate((el) => { el.scrollLeft = 600; });
  expect(await answersWrap.evaluate((el) => el.scrollLeft)).toBeGreaterThan(100);
  const firstCell = answersTable.locator('tbody tr').first().locator('td').first();
  await expect.poll(async () => Math.abs((await firstCell.boundingBox()).x - (await answersWrap.boundingBox()).x)).toBeLessThan(2);
  await answersWrap.evaluate((el) => { el.scrollLeft = 0; });
  // The charts are drawn narrower than their 420 units there; their 11 px text stays 11 px
  // (it read about 9 px).
  const chartText = page.getByTestId('dist-nps').locator('svg text');
  const drawn = () => chartText.evaluateAll((ts) => ts.map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a));
  expect(await page.getByTestId('dist-nps').locator('svg').evaluate((s) => s.getBoundingClientRect().width)).toBeLessThan(400);
  await expect.poll(async () => Math.min(...await drawn())).toBeGreaterThanOrEqual(10.9);
  expect(Math.max(...await drawn())).toBeLessThan(11.1);
  await page.setViewportSize({ width: 1366, height: 768 });
  // Each question's chart and column is named in the language of the moment.
  const npsChart = page.getByTestId('dist-nps').getByRole('img');
  // A column is named by its number and the start of its question (QA 8 #7: it was the id).
  const npsColumn = page.getByTestId('response-col').filter({ hasText: /您有多大可能|How likely/ });
  await expect(npsChart).toHaveAttribute('aria-label', /^您有多大可能/);
  await expect(npsColumn).toHaveAttribute('title', /^您有多大可能/);
  await expect(npsColumn).toHaveText(/^\d+\. 您有多大可能.*…$/);
  await expect(page.getByTestId('responses-table').locator('thead')).not.toContainText('att_courtesy');
  await expect(page.getByTestId('scale-row-attitude')).not.toContainText('att_courtesy');
  // So are a choice question's bars and a scale's mean.
  const serviceBars = page.getByTestId('dist-q1').getByTestId('bar');
  const overallDist = page.getByTestId('dist-overall');
  await expect(serviceBars.first()).toContainText('开户');
  await expect(overallDist).toContainText('均值 3.67');
  await page.getByTestId('lang-switch').click();
  await expect(npsChart).toHaveAttribute('aria-label', /^How likely are you to recommend/);
  await expect(page.getByTestId('dist-q1').getByRole('img')).toHaveAttribute('aria-label', 'What did you come for today?');
  await expect(npsColumn).toHaveAttribute('title', /^How likely are you to recommend/);
  await expect(npsColumn).toHaveText(/^\d+\. How likely.*…$/);
  await expect(serviceBars.first()).toContainText('Open an account');
  await expect(serviceBars.nth(1)).toContainText('Trading enquiry');
  await expect(overallDist).toContainText('mean 3.67');
  await expect(page.getByTestId('dist-q1')).not.toContainText('开户');
  await page.getByTestId('lang-switch').click();
  await expect(npsChart).toHaveAttribute('aria-label', /^您有多大可能/);
  await expect(serviceBars.first()).toContainText('开户');

  // The low score opened one follow-up (a return visit), linked to its response.
  await expect(page.getByTestId('followup')).toHaveCount(1);
  await expect(page.getByTestId('followup-kind')).toHaveText('回访');
  await expect(page.getByTestId('followup')).toContainText('第3题');
  // The phone's answers name no customer: there is no one to call back, and it says so.
  await expect(page.getByTestId('followup-anonymous')).toContainText('没有可回访的客户');
  await expect(page.getByTestId('followup-note')).toHaveAttribute('placeholder', '改进措施');
  await page.getByTestId('followup-link').click();
  await expect(page.locator('tr.highlight')).toContainText('等太久了');
  await expect(page.locator('tr.highlight')).toBeInViewport();

  // The CSV export matches the answers.
  const bytes = await exportCsv(page);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const rows = parseCsv(bytes.toString('utf8').slice(1));
  const [header, ...body] = rows;
  expect(body).toHaveLength(given.length);
  const col = (prefix) => header.findIndex((h) => h.startsWith(prefix));
  const sorted = (xs) => [...xs].map(String).sort();
  expect(sorted(body.map((r) => r[col('总体而言')]))).toEqual(sorted(overall));
  expect(sorted(body.map((r) => r[col('您有多大可能')]))).toEqual(sorted(npsScores));
  expect(sorted(body.map((r) => r[col('您还有什么')]))).toEqual(sorted(given.map((a) => a.comment || '')));
  expect(sorted(body.map((r) => r[col('您今天办理的业务')]))).toEqual(sorted(['开户', '', '交易咨询']));
  expect(body.every((r) => r[header.indexOf('版本')] === '1')).toBe(true);
  expect(body.every((r) => r[header.indexOf('渠道')] === '链接/二维码')).toBe(true);

  // Follow-ups of this survey become complaint drafts; an edit after responses makes version 2.
  await open(page, `/surveys/${key}`);
  await page.locator('#fu-kind').selectOption('complaint');
  await page.getByTestId('save-rule').click();
  await expect(page.locator('.notice')).toContainText('低分跟进规则已保存');
  // A new English title asks nothing new: saved on version 1, its answers stay where they are.
  await page.locator('#sv-title-en').fill('Branch service survey');
  await page.getByTestId('save-survey').click();
  await expect(page.locator('.notice')).toContainText('问卷已保存');
  await expect(page.getByTestId('survey-version')).toHaveText('第 1 版');
  await page.locator('#q0-zh').fill('工作人员热情、礼貌、主动');
  await page.getByTestId('save-survey').click();
  await expect(page.getByTestId('survey-version')).toHaveText('第 2 版');
  await expect(page.locator('.notice')).toContainText('已有答卷仍属于第 1 版');

  // A phone that answered version 1 may answer version 2.
  await answer(page, key, { likert: 1, overall: 1, nps: 0 });
  await expect(page.getByTestId('cp-pending')).toContainText('共保存 4 份');

  await open(page, `/surveys/${key}/results`);
  await expect(page.getByTestId('res-n')).toHaveText('1');
  await expect(page.getByTestId('res-csat')).toHaveText('0.0%');
  await expect(page.getByTestId('res-nps')).toHaveText('-100.0');
  await expect(page.getByTestId('followup')).toHaveCount(2);
  await expect(page.getByTestId('followup-kind').first()).toHaveText('投诉草稿');
  const v2 = parseCsv((await exportCsv(page)).toString('utf8').slice(1));
  expect(v2).toHaveLength(2);
  expect(v2[1][v2[0].indexOf('版本')]).toBe('2');
  expect(v2[0]).toContain('工作人员热情、礼貌、主动');

  // Version 1 still has its three responses and figures.
  await page.getByTestId('version-select').selectOption('1');
  await expect(page.getByTestId('res-n')).toHaveText('3');
  await expect(page.getByTestId('res-csat')).toHaveText(`${csat(overall).toFixed(1)}%`);
  const v1 = parseCsv((await exportCsv(page)).toString('utf8').slice(1));
  expect(v1).toHaveLength(4);
  expect(v1.slice(1).every((r) => r[v1[0].indexOf('版本')] === '1')).toBe(true);

  // A follow-up is marked done with a note, by someone signed in. What is typed stays over a
  // reload (before, it was lost); with nobody signed in the results, and their follow-ups,
  // are not shown at all (before, one was recorded as done by "—").
  await open(page, '/settings');
  await page.getByTestId('device-signout').click();
  await expect(page.getByTestId('current-user')).toHaveText('未登录');
  await open(page, `/surveys/${key}/results`);
  await expect(page.getByTestId('sign-in-first')).toBeVisible();
  await expect(page.getByTestId('followup')).toHaveCount(0);
  await open(page, '/settings');
  await signIn(page, '张敏');
  await open(page, `/surveys/${key}/results`);
  await page.getByTestId('followup').first().getByTestId('followup-note').fill('已电话致歉并登记');
  await page.reload();
  await expect(page.getByTestId('followup').first().getByTestId('followup-note')).toHaveValue('已电话致歉并登记');
  await page.getByTestId('followup').first().getByRole('button', { name: '标记完成' }).click();
  await expect(page.getByTestId('followup')).toHaveCount(1);
  // What was done, by whom and when, can be read again.
  const done = page.getByTestId('followups-done');
  await expect(done.locator('summary')).toHaveText('已完成的跟进（1 项）');
  await done.locator('summary').click();
  await expect(done.getByTestId('followup-done')).toContainText('已电话致歉并登记');
  await expect(done.getByTestId('followup-done')).toContainText('张敏');
  await page.reload();
  await expect(page.getByTestId('followup').first().getByTestId('followup-note')).toHaveValue('');

  // The list shows the survey at version 2 with its four responses.
  await open(page, '/surveys');
  await expect(page.getByTestId('survey-table')).toContainText('营业部客户满意度调查');
  await expect(page.getByTestId('survey-table').locator('tbody tr td').nth(1)).toHaveText('2');
  await expect(page.getByTestId('survey-table').locator('tbody tr td').nth(5)).toHaveText('4');
  // Its CSAT is the results page's first figure (version 2: one response, all 1s), below the
  // 90 % target and saying so in words too.
  const listed = page.getByTestId('survey-csat');
  await expect(listed).toHaveText('0.0%（低于目标）');
  await expect(listed.locator('.csat-low')).toHaveAttribute('title', 'n = 1');
});

test('a follow-up rule made stricter applies to the responses given after it, not to the earlier ones', async ({ page }) => {
  await setUpStaff(page, [['张敏', 'specialist']]);
  const key = await newDefaultSurvey(page);
  // Scores of 3 and NPS 7: no follow-up under the default rule (≤ 2, NPS ≤ 6).
  await open(page, `/s/${key}`);
  await answerDefault(page, { score: 3, nps: 7 });
  await expect(page.getByTestId('cp-thanks')).toBeVisible();
  await open(page, `/surveys/${key}/results`);
  await expect(page.getByTestId('res-n')).toHaveText('1');
  await expect(page.getByTestId('no-followups')).toHaveText('没有待办跟进（已完成 0 项）。');
  // Made stricter: a Likert answer of 3 now asks for a return visit.
  await open(page, `/surveys/${key}`);
  await expect(page.getByTestId('followup-rule')).toContainText('修改后的规则只适用于此后提交的答卷');
  await page.locator('#fu-likert').fill('3');
  await page.getByTestId('save-rule').click();
  await expect(page.locator('.notice')).toContainText('低分跟进规则已保存');
  // The earlier response opens none (before, every old answer of 3 did, dated back).
  await open(page, `/surveys/${key}/results`);
  await expect(page.getByTestId('res-n')).toHaveText('1');
  await expect(page.getByTestId('no-followups')).toBeVisible();
  // The same answers given now do.
  await forgetAnswered(page, key);
  await open(page, `/s/${key}`);
  await answerDefault(page, { score: 3, nps: 7 });
  await expect(page.getByTestId('cp-thanks')).toBeVisible();
  await open(page, `/surveys/${key}/results`);
  await expect(page.getByTestId('res-n')).toHaveText('2');
  await expect(page.getByTestId('followup')).toHaveCount(1);
  await expect(page.getByTestId('followup-kind')).toHaveText('回访');
  // The dashboard counts it, and leads to it.
  await open(page, '/');
  await expect(page.getByTestId('dash-followups').locator('.n')).toHaveText('1');
  await page.getByTestId('dash-followups').click();
  await expect(page).toHaveURL(new RegExp(`/surveys/${key}/results$`));
  await expect(page.getByTestId('followup')).toHaveCount(1);
});

test('a complaint-draft follow-up is registered as a complaint filled from the response, and is then done, naming the case', async ({ page }) => {
  test.setTimeout(120_000);
  await setUpStaff(page);
  const key = await newDefaultSurvey(page);
  await page.locator('#fu-kind').selectOption('complaint');
  await page.getByTestId('save-rule').click();
  await expect(page.locator('.notice')).toContainText('低分跟进规则已保存');
  await open(page, `/s/${key}`);
  await answerDefault(page, { score: 1, nps: 0, submit: false });
  await page.getByTestId('a-comment').fill('排队一小时无人理睬');
  await page.getByTestId('sf-submit').click();
  await expect(page.getByTestId('cp-thanks')).toBeVisible();
  await open(page, `/surveys/${key}/results`);
  await expect(page.getByTestId('followup-kind')).toHaveText('投诉草稿');
  // Before, the draft was a badge only: staff typed the case again by hand.
  await page.getByTestId('followup-to-complaint').click();
  await expect(page).toHaveURL(/\/complaints\/new\?from_followup=followup/);
  await expect(page.getByTestId('from-followup')).toContainText('来自满意度调查跟进');
  await expect(page.locator('#c-narrative')).toHaveValue(/^满意度调查低分：.+。客户意见：排队一小时无人理睬$/);
  await page.locator('#c-name').fill('柳女士');
  await page.locator('#c-phone').fill('13800001234');
  await page.getByTestId('save-complaint').click();
  await expect(page).toHaveURL(/\/complaints\/complaint:/);
  const caseNo = (await page.getByTestId('case-no').textContent()).trim();
  expect(caseNo).toMatch(/^TS-\d{8}-/);
  // The case keeps the response it came from (before, only its draft named the follow-up), and
  // opens it: the customer's own answers, on the survey's results page.
  const fromSurvey = page.getByTestId('case-from-survey');
  await expect(fromSurvey).toContainText('来自满意度调查');
  await fromSurvey.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/surveys/survey:${key}/results\\?response=response`));
  await expect(page.getByTestId('response-detail')).toContainText('排队一小时无人理睬');
  await open(page, `/surveys/${key}/results`);
  await expect(page.getByTestId('followup')).toHaveCount(0);
  const done = page.getByTestId('followups-done');
  await done.locator('summary').click();
  await expect(done.getByTestId('followup-done')).toContainText(`已登记为投诉 ${caseNo}`);
  await expect(done.getByTestId('followup-done')).toContainText('张敏');
});

test('the customer page answers offline and keeps the response on the device', async ({ page, server }) => {
  test.setTimeout(120_000);
  const key = await newDefaultSurvey(page);
  await expect(page.getByTestId('survey-link')).toBeVisible();
  await servedByWorker(page);
  await server.stop();
  await page.goto(`/s/${key}`);
  await expect(page.locator('.cp-title')).toHaveText('营业部客户满意度调查', { timeout: 20_000 });
  await answerDefault(page, { score: 3, nps: 7 });
  // This device has no sync set up: the answers stay on it, and it says so, not "waiting to be
  // sent".
  await expect(page.getByTestId('cp-pending')).toHaveText('已保存在本设备（本设备未设置上传，共保存 1 份）。');
  // Scores of 3 and NPS 7 trip no follow-up; the response is in the results.
  await server.start();
  await open(page, `/surveys/${key}/results`);
  await expect(page.getByTestId('res-n')).toHaveText('1');
  await expect(page.getByTestId('no-followups')).toBeVisible();
});

test('on the customer\'s phone a reload keeps the answers and the question until the response is sent, and then says it has answered', async ({ page }) => {
  const key = await newDefaultSurvey(page);
  await open(page, `/s/${key}`);
  // Three answered, at question 4: a reload (or a discarded tab) takes it up there.
  const scores = [4, 2, 5];
  for (const [i, v] of scores.entries()) {
    await page.getByTestId(`a-${LIKERT[i]}-${v}`).click();
    await page.getByTestId('sf-next').click();
  }
  await expect(page.locator('.sf-count')).toHaveText('第 4 / 11 题');
  await expect(page.getByTestId('sf-resumed')).toHaveCount(0);
  await page.reload();
  await expect(page.locator('.sf-count')).toHaveText('第 4 / 11 题');
  // Said, so that the customer does not think the answers were lost.
  await expect(page.getByTestId('sf-resumed')).toHaveText('已为您保留上次的作答，请继续填写。');
  await expect(page.getByTestId('sf-updated')).toHaveCount(0);
  for (let i = scores.length - 1; i >= 0; i--) {
    await page.getByTestId('sf-back').click();
    await expect(page.getByTestId(`q-${LIKERT[i]}`).locator('input:checked')).toHaveValue(String(scores[i]));
  }
  await answerDefault(page, { from: scores.length, score: 5, nps: 9 });
  await expect(page.getByTestId('cp-thanks')).toContainText('感谢您的评价！');
  await expect(page.getByTestId('cp-pending')).toHaveText('已保存在本设备（本设备未设置上传，共保存 1 份）。');
  // Stored: nothing of the answers is left on the phone, and opening the link again (a
  // reload, or the QR code scanned once more) says this phone has answered, without a form.
  await page.reload();
  const answered = page.getByTestId('cp-answered');
  await expect(answered).toContainText('您已填写过这份问卷，谢谢！');
  await expect(page.getByTestId('q-att_courtesy')).toHaveCount(0);
  await expect(page.getByTestId('sf-submit')).toHaveCount(0);
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('progress')))).toEqual([]);
  await page.getByTestId('cp-lang').click();
  await expect(answered).toContainText('You have already answered this survey. Thank you!');
  // Opened again, in the language the customer switched to.
  await open(page, `/s/${key}`);
  await expect(answered).toContainText('You have already answered this survey. Thank you!');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('q-att_courtesy')).toHaveCount(0);
  // The response has the answers given before the reload; the staff pages keep their own
  // language.
  await open(page, `/surveys/${key}/results`);
  await expect(page.getByTestId('res-n')).toHaveText('1');
  await expect(page.locator('h1')).toContainText('结果');
});

test('a phone answers once even from two tabs of the link: the second submit is told it has answered', async ({ page, context }) => {
  const key = await newDefaultSurvey(page);
  // The QR code scanned twice: two tabs, both answered (QA: both were stored).
  const b = await context.newPage();
  await open(page, `/s/${key}`);
  await open(b, `/s/${key}`);
  await answerDefault(page, { score: 5, nps: 9 });
  await expect(page.getByTestId('cp-thanks')).toBeVisible();
  await answerDefault(b, { score: 4, nps: 8 });
  await expect(b.getByTestId('cp-answered')).toContainText('您已填写过这份问卷，谢谢！');
  await expect(b.getByTestId('cp-thanks')).toHaveCount(0);
  await b.close();
  await open(page, `/surveys/${key}/results`);
  await expect(page.getByTestId('res-n')).toHaveText('1');
});

test('staff saving a new version while a phone is part-way through keeps the answers that still apply and goes on at the first question left', async ({ page }) => {
  await setUpStaff(page, [['张敏', 'specialist']]);
  const key = await newDefaultSurvey(page);
  // One response already, so an edit of the questions makes version 2.
  await open(page, `/s/${key}`);
  await answerDefault(page, { score: 4, nps: 9 });
  await expect(page.getByTestId('cp-thanks')).toBeVisible();
  await forgetAnswered(page, key);
  // A customer's phone: three answered, at question 4. (Each item names what is rated, as
  // the answers are degrees of satisfaction.)
  await open(page, `/s/${key}`);
  await expect(page.getByTestId('q-att_courtesy')).toContainText('工作人员的热情与礼貌');
  await expect(page.getByTestId('q-att_courtesy')).toContainText('非常满意');
  for (const [i, v] of [4, 2, 5].entries()) {
    await page.getByTestId(`a-${LIKERT[i]}-${v}`).click();
    await page.getByTestId('sf-next').click();
  }
  await expect(page.locator('.sf-count')).toHaveText('第 4 / 11 题');
  await expect(page.getByTestId('sf-updated')).toHaveCount(0);
  // Staff take out the second question, answered with 2.
  await open(page, `/surveys/${key}`);
  await page.getByTestId('question-1').getByRole('button', { name: '删除题目' }).click();
  await page.getByTestId('save-survey').click();
  await expect(page.getByTestId('survey-version')).toHaveText('第 2 版');
  // The phone reloads the survey at version 2: the two answers that still apply are kept,
  // and it goes on at the first question without an answer, said in both languages.
  await open(page, `/s/${key}`);
  await expect(page.getByTestId('sf-updated')).toHaveText('问卷内容已更新，您已作答且仍适用的题目已为您保留。');
  await expect(page.getByTestId('sf-resumed')).toHaveCount(0);
  await expect(page.locator('.sf-count')).toHaveText('第 3 / 10 题');
  await expect(page.getByTestId(`q-${LIKERT[3]}`)).toBeVisible();
  await page.getByTestId('cp-lang').click();
  await expect(page.getByTestId('sf-updated')).toHaveText('This survey has been updated; your answers that still apply are kept.');
  await page.getByTestId('cp-lang').click();
  await page.getByTestId('sf-back').click();
  await expect(page.getByTestId(`q-${LIKERT[2]}`).locator('input:checked')).toHaveValue('5');
  await page.getByTestId('sf-back').click();
  await expect(page.getByTestId(`q-${LIKERT[0]}`).locator('input:checked')).toHaveValue('4');
  await answerDefault(page, { from: 2, score: 3, nps: 7, likert: LIKERT.filter((q) => q !== LIKERT[1]) });
  await expect(page.getByTestId('cp-thanks')).toBeVisible();
  // Version 2 has the one response, version 1 the first.
  await open(page, `/surveys/${key}/results`);
  await expect(page.getByTestId('res-n')).toHaveText('1');
  await page.getByTestId('version-select').selectOption('1');
  await expect(page.getByTestId('res-n')).toHaveText('1');
});

test('on a 360 px phone the comment box is named by its question and the language button is touch-sized', async ({ page }) => {
  await onPhone(page);
  const lang = await page.getByTestId('cp-lang').boundingBox();
  expect(lang.width).toBeGreaterThanOrEqual(44);
  expect(lang.height).toBeGreaterThanOrEqual(44);
  for (const q of LIKERT) {
    await page.getByTestId(`a-${q}-4`).click();
    await page.getByTestId('sf-next').click();
  }
  await page.getByTestId('a-overall-4').click();
  await page.getByTestId('sf-next').click();
  // The 0–10 scale's ends are named to a screen reader too, not only in the line under it.
  await expect(page.getByRole('radio', { name: '0 （完全不可能）', exact: true })).toHaveCount(1);
  await expect(page.getByRole('radio', { name: '10 （非常愿意）', exact: true })).toHaveCount(1);
  await expect(page.getByRole('radio', { name: '5', exact: true })).toHaveCount(1);
  await page.getByTestId('a-nps-8').click();
  await page.getByTestId('sf-next').click();
  // A screen reader names the box by the question (not only the group around it).
  await expect(page.getByRole('textbox', { name: /您还有什么意见或建议？/ })).toBeVisible();
  await page.getByTestId('cp-lang').click();
  await expect(page.getByRole('textbox', { name: /Anything else you would like to tell us\?/ })).toBeVisible();
  // Its counter counts as the box's limit (maxlength) does: an emoji takes two of the 500,
  // so a box the browser says is full reads full.
  await page.getByTestId('a-comment').fill('好😀'.repeat(100));
  await expect(page.getByTestId('sf-len')).toHaveText('300 / 500');
});

test('a customer link names the branch that asks, on a phone in both languages; a name edited into a number is not shown', async ({ page }) => {
  await setUpStaff(page);
  await asManager(page);
  await page.locator('#branch-name').fill('郑州紫荆山路营业部');
  await page.getByRole('button', { name: '保存' }).first().click();
  await expect(page.getByTestId('branch-name')).toHaveText('郑州紫荆山路营业部');
  await newDefaultSurvey(page);
  const href = await page.getByTestId('survey-link').textContent();
  expect(href).toContain(`org=${encodeURIComponent('郑州紫荆山路营业部')}`);
  const path = new URL(href).pathname + new URL(href).search;
  await page.setViewportSize({ width: 360, height: 740 });
  await open(page, path);
  await expect(page.getByTestId('cp-branch')).toHaveText('郑州紫荆山路营业部');
  await expect(page.getByTestId('cp-lang')).toBeInViewport({ ratio: 1 });
  await page.getByTestId('cp-lang').click();
  await expect(page.locator('.cp-title')).toHaveText('Branch customer satisfaction survey');
  await expect(page.getByTestId('cp-branch')).toHaveText('郑州紫荆山路营业部');
  // An edited link puts no number to call where the branch's name goes.
  await open(page, path.replace(/org=[^&]*/, `org=${encodeURIComponent('客服热线已变更请拨4001234567')}`));
  await expect(page.getByTestId('sf-next')).toBeVisible();
  await expect(page.getByTestId('cp-branch')).toHaveCount(0);
});

test('a new survey being built survives a reload, and nothing of it is left on the device once saved', async ({ page }) => {
  await setUpStaff(page, [['张敏', 'specialist']]);
  const drafts = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('kefu.survey-draft.')));
  await open(page, '/surveys');
  await page.getByTestId('new-survey').click();
  await expect(page).toHaveURL(/\/surveys\/new$/);
  await expect(page.locator('#sv-title-zh')).toHaveValue('新问卷');
  await page.locator('#sv-title-zh').fill('开户体验调查');
  await page.locator('#sv-title-en').fill('Half-built survey');
  await page.getByTestId('add-question').click();
  await page.locator('#q1-zh').fill('您是通过什么方式开户的');
  await page.locator('#q1-en').fill('How did you open your account?');
  // A scale whose weight is emptied does not stop the draft being kept (it stopped everything
  // typed from being kept, and Save from saying anything).
  await page.getByTestId('add-scale').click();
  await expect(page.locator('#sc0-w')).toHaveValue('1');
  await page.locator('#sc0-w').fill('');
  await expect.poll(drafts).toHaveLength(1); // kept as typed
  await page.reload();
  await expect(page.getByTestId('draft-restored')).toBeVisible();
  await expect(page.locator('#sv-title-en')).toHaveValue('Half-built survey');
  await expect(page.locator('#sc0-w')).toHaveValue('');
  await page.getByTestId('save-survey').click();
  await expect(page.getByTestId('survey-problems')).toContainText('维度“新维度”的权重须为非负数');
  await expect(page).toHaveURL(/\/surveys\/new$/);
  // Every weight 0 leaves the index nothing to weigh; a 0–10 question in a 1–5 group gave
  // the group a mean over 5 (QA): both refused in words.
  await page.locator('#sc0-w').fill('0');
  await page.locator('#q1-kind').selectOption('nps');
  await page.locator('#q1-scale').selectOption({ label: '新维度' });
  await page.getByTestId('save-survey').click();
  await expect(page.getByTestId('survey-problems')).toContainText('维度的权重不能全为0（CSI 按权重计算）');
  await expect(page.getByTestId('survey-problems')).toContainText('第2题不是1–5分的题，不能归入维度');
  await expect(page).toHaveURL(/\/surveys\/new$/);
  await page.locator('#q1-kind').selectOption('likert');
  await page.locator('#sc0-w').fill('0.5');
  await expect(page.locator('#q1-zh')).toHaveValue('您是通过什么方式开户的');
  await expect(page.locator('#q1-en')).toHaveValue('How did you open your account?');
  // Under this tab's one key: reloads do not pile up drafts.
  expect(await drafts()).toEqual([expect.stringMatching(/^kefu\.survey-draft\.new\.tab:/)]);

  await page.getByTestId('save-survey').click();
  await expect(page.locator('.notice')).toContainText('问卷已保存');
  await expect(page).toHaveURL(/\/surveys\/[0-9A-Z]{26}$/);
  await expect(page.getByTestId('survey-version')).toHaveText('第 1 版');
  await expect(page.getByTestId('draft-restored')).toHaveCount(0);
  expect(await drafts()).toEqual([]);

  // New survey again starts blank, with nothing restored.
  await open(page, '/surveys');
  await expect(page.getByTestId('survey-table')).toContainText('开户体验调查');
  await page.getByTestId('new-survey').click();
  await expect(page.locator('#sv-title-zh')).toHaveValue('新问卷');
  await expect(page.getByTestId('question-1')).toHaveCount(0);
  await expect(page.getByTestId('draft-restored')).toHaveCount(0);
  // An untouched blank form keeps no draft, through a reload too.
  await page.reload();
  await expect(page.locator('#sv-title-en')).toHaveValue('New survey');
  await expect(page.getByTestId('draft-restored')).toHaveCount(0);
  expect(await drafts()).toEqual([]);
});

test('a trend over two years of responses is drawn by month with the year on its axis, and a chosen granularity wins', async ({ page }) => {
  // The journey seed's survey with two responses in November 2026, and three from 2025.
  const { seedBackup, seedDocs } = await import('./customers-seed.mjs');

  const older = [['2025-03-10T10:00:00', 4], ['2025-08-01T10:00:00', 5], ['2026-02-15T10:00:00', 3]].map(([at, v], i) => ({
    _id: `response:01E2E000000000000000000${i + 3}`, type: 'response', survey_id: 'survey:01E2E0000000000000000001',
    survey_version: 1, answers: { q1: { t: 'Score', v } }, channel: 'Kiosk', stage: 'in_sale', touchpoint: 'app',
    submitted_at: at, complete: true,
  }));
  await seedBackup(page, [...seedDocs(), ...older]);
  await setUpStaff(page);
  await open(page, '/surveys/01E2E0000000000000000001/results');
  const bucket = page.getByTestId('trend-bucket');
  const labels = page.getByTestId('trend-csat').locator('.chart-label');
  // 2025-03-10 to 2026-11-22: by month, each label with its year.
  await expect(bucket).toHaveValue('month');
  await expect(labels.filter({ hasText: '2025-03' })).toHaveCount(1);
  await expect(labels.filter({ hasText: '2026-11' })).toHaveCount(1);
  // The user's choice wins: by day, the days carry the year, as the range crosses one.
  await bucket.selectOption('day');
  await expect(bucket).toHaveValue('day');
  await expect(labels.filter({ hasText: '2025-03-10' })).toHaveCount(1);
  // A range within two months (from 2026-11-01) reads by day again, without the year.
  await open(page, '/surveys/01E2E0000000000000000001/results');
  await expect(bucket).toHaveValue('month');
  await page.locator('#rs-from').fill('2026-11-01');
  await expect(bucket).toHaveValue('day');
  await expect(labels.filter({ hasText: /^11-01$/ })).toHaveCount(1);
  await expect(labels.filter({ hasText: '2026-' })).toHaveCount(0);
  // 22 days: the last day's label is not drawn over the one before it.
  await expect(labels.filter({ hasText: /^11-22$/ })).toHaveCount(1);
  // The x axis's labels: those drawn lowest.
  const axis = await labels.evaluateAll((ls) => {
    const low = Math.max(...ls.map((l) => Number(l.getAttribute('y'))));
    return ls.filter((l) => Number(l.getAttribute('y')) === low).map((l) => l.getBoundingClientRect())
      .map((b) => ({ x: b.left, r: b.right })).sort((p, q) => p.x - q.x);
  });
  expect(axis.length).toBeGreaterThan(3);
  for (let i = 1; i < axis.length; i++) expect(axis[i].x, `label ${i} starts after label ${i - 1} ends`).toBeGreaterThan(axis[i - 1].r);
});

test('on a small phone each answer is read whole, and the chosen one stays marked in high contrast', async ({ page }) => {
  const key = await newDefaultSurvey(page);
  await page.setViewportSize({ width: 320, height: 568 });
  await open(page, `/s/${key}`);
  await page.getByTestId('cp-lang').click();
  const q = page.getByTestId('q-att_courtesy');
  await expect(q.locator('.score .l').first()).toHaveText('Very dissatisfied');
  // Side by side the English words broke mid-word ("Very dissa-tisfie-d"): one under another,
  // each label keeps its words whole, and nothing scrolls sideways.
  const words = (loc) => loc.evaluate((el) => {
    const r = document.createRange();
    r.selectNodeContents(el);
    return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size;
  });
  for (const label of await q.locator('.score .l').all()) {
    expect(await words(label), await label.textContent()).toBe(1);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  for (const score of await q.locator('.score').all()) {
    expect((await score.boundingBox()).height).toBeGreaterThanOrEqual(44);
  }
  // With the system's colours forced, the chosen answer still differs from the others.
  await page.emulateMedia({ forcedColors: 'active' });
  await page.getByTestId('a-att_courtesy-4').click();
  const paint = (loc) => loc.evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(await paint(page.getByTestId('a-att_courtesy-4'))).not.toBe(await paint(page.getByTestId('a-att_courtesy-3')));
  await page.emulateMedia({ forcedColors: 'none' });
  // The 0–10 scale's eleven buttons, six to a row, are touch targets of 44 px each way (they
  // were 41 px wide).
  await answerDefault(page, { score: 4, nps: 8, submit: false });
  await page.getByTestId('sf-back').click();
  const nps = page.getByTestId('q-nps').locator('.score');
  await expect(nps).toHaveCount(11);
  for (const score of await nps.all()) {
    const box = await score.boundingBox();
    expect(box.width, await score.textContent()).toBeGreaterThanOrEqual(44);
    expect(box.height).toBeGreaterThanOrEqual(44);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
});

/** Creates the default survey and opens its customer page on a 360 px phone; returns its key. */
async function onPhone(page) {
  const key = await newDefaultSurvey(page);
  await page.setViewportSize({ width: 360, height: 740 });
  await open(page, `/s/${key}`);
  return key;
}

/** Double-taps (`tap`: touch) or double-clicks 下一题, then checks the form moved one question on,
 *  to `count`, with no question's required-answer error shown and nothing submitted. */
async function doubleNext(page, count, tap) {
  const next = page.getByTestId('sf-next');
  if (tap) {
    const b = await next.boundingBox();
    const [x, y] = [b.x + b.width / 2, b.y + b.height / 2];
    await page.touchscreen.tap(x, y);
    await page.touchscreen.tap(x, y);
  } else {
    await next.dblclick();
  }
  await expect(page.locator('.sf-count')).toHaveText(count);
  await expect(page.locator('.survey-form .err:not(:empty)')).toHaveCount(0);
  await expect(page.getByTestId('cp-thanks')).toHaveCount(0);
}

for (const tap of [false, true]) {
  test.describe(tap ? 'touch' : 'mouse', () => {
    test.use({ hasTouch: tap });
    test(`on a phone a double ${tap ? 'tap' : 'click'} on Next moves one question: it neither skips the comment nor submits`, async ({ page }) => {
      await onPhone(page);
      await page.getByTestId(`a-${LIKERT[0]}-4`).click();
      await doubleNext(page, '第 2 / 11 题', tap);
      for (const q of LIKERT.slice(1)) {
        await page.getByTestId(`a-${q}-4`).click();
        await page.getByTestId('sf-next').click();
      }
      await page.getByTestId('a-overall-4').click();
      await page.getByTestId('sf-next').click();
      await page.getByTestId('a-nps-8').click();
      // Next on the last question but one: Submit takes its place under the second tap.
      await doubleNext(page, '第 11 / 11 题', tap);
      await expect(page.getByTestId('a-comment')).toBeVisible();
      await page.getByTestId('a-comment').fill('双击没有跳过这一题');
      await page.getByTestId('sf-submit').click();
      await expect(page.getByTestId('cp-thanks')).toBeVisible();
    });
  });
}

test('on a phone the words under the scores are readable, and a link that does not work says so without the staff pages', async ({ page }) => {
  const key = await onPhone(page);
  const size = await page.getByTestId(`a-${LIKERT[0]}-1`).locator('.l')
    .evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(size).toBeGreaterThanOrEqual(14);
  await expect(page.getByTestId(`a-${LIKERT[0]}-1`)).toContainText('非常不满意');
  // In English the words stay inside their buttons too ("Dissatisfied" ran over the edges).
  await page.getByTestId('cp-lang').click();
  await expect(page.getByTestId(`a-${LIKERT[0]}-2`)).toContainText('Dissatisfied');
  for (const v of [1, 2, 3, 4, 5]) {
    const spills = await page.getByTestId(`a-${LIKERT[0]}-${v}`).evaluate((b) => {
      const l = b.querySelector('.l');
      const [inner, outer] = [l.getBoundingClientRect(), b.getBoundingClientRect()];
      return inner.left < outer.left - 0.5 || inner.right > outer.right + 0.5 || l.scrollWidth > l.clientWidth + 1;
    });
    expect(spills, `score ${v}`).toBe(false);
  }
  await page.getByTestId('cp-lang').click();
  // A link cut short, mistyped, or cut back to /s: a customer's page saying the link does not
  // work (not "try again later"), with nothing of the staff app.
  for (const address of [`/s/${key.slice(0, -5)}`, '/s/NOTASURVEY123', '/s', '/s/']) {
    await open(page, address);
    await expect(page.getByTestId('cp-missing'), address).toContainText('链接可能不完整或已失效');
    await expect(page.locator('nav.nav')).toHaveCount(0);
    await expect(page.locator('header.top')).toHaveCount(0);
  }
  await page.getByTestId('cp-lang').click();
  await expect(page.getByTestId('cp-missing')).toContainText('the link may be incomplete or no longer valid');
});

test('without a responses database the survey page says phones cannot open its link and offers no QR code to print', async ({ page }) => {
  await newDefaultSurvey(page);
  await expect(page.getByTestId('link-mode')).toContainText('客户的手机打不开这个链接');
  await expect(page.getByTestId('print-qr')).toBeDisabled();
});

test('on a slow first visit the page says it is opening before the app has started', async ({ page }) => {
  // The wasm held back 2 s, as over weak mobile data after scanning a QR code.
  await page.route('**/*.wasm', async (route) => {
    await new Promise((r) => setTimeout(r, 2000));
    await route.continue();
  });
  await page.goto('/s/NOTASURVEY123');
  await expect(page.getByRole('status').filter({ hasText: '正在打开' })).toBeVisible();
  await expect(page.getByTestId('cp-missing')).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('#preload')).toHaveCount(0);
});

test('staff stop collecting: the link says the survey has ended in both languages with no form, kept answers are not sent, and collecting again brings the form back', async ({ page }) => {
  test.setTimeout(120_000);
  await setUpStaff(page, [['张敏', 'specialist']]);
  const key = await newDefaultSurvey(page);
  // A customer's phone part-way through: two answers kept on it.
  await open(page, `/s/${key}`);
  for (const q of LIKERT.slice(0, 2)) {
    await page.getByTestId(`a-${q}-2`).click();
    await page.getByTestId('sf-next').click();
  }
  await expect(page.locator('.sf-count')).toHaveText('第 3 / 11 题');

  // Staff stop collecting, after a confirmation in words (cancelling first changes nothing).
  await open(page, `/surveys/${key}`);
  await page.getByTestId('collect-toggle').click();
  await expect(page.getByTestId('collect-confirm-box')).toContainText('确定停止收集答卷？');
  await expect(page.getByTestId('collect-confirm-box')).toContainText('已收到的答卷全部保留');
  await page.getByTestId('collect-cancel').click();
  await expect(page.getByTestId('survey-stopped')).toHaveCount(0);
  await page.getByTestId('collect-toggle').click();
  await page.getByTestId('collect-confirm').click();
  await expect(page.locator('.notice')).toContainText('已停止收集');
  await expect(page.getByTestId('survey-stopped')).toHaveText('已停止收集');
  // Not an edit of the questions: still version 1.
  await expect(page.getByTestId('survey-version')).toHaveText('第 1 版');
  await expect(page.getByTestId('link-stopped')).toContainText('本次问卷调查已结束');
  await expect(page.getByTestId('print-qr')).toBeDisabled();
  await expect(page.getByTestId('collect-toggle')).toHaveText('恢复收集…');
  // The list shows it.
  await open(page, '/surveys');
  await expect(page.getByTestId('survey-table').getByTestId('survey-stopped')).toHaveText('已停止收集');

  // The phone opens the link again: the survey has ended, no form, in either language.
  await open(page, `/s/${key}`);
  const ended = page.getByTestId('cp-ended');
  await expect(ended).toHaveText('本次问卷调查已结束，感谢您的关注。');
  await expect(page.locator('.sf-count')).toHaveCount(0);
  await expect(page.getByTestId('q-att_courtesy')).toHaveCount(0);
  await expect(page.getByTestId('sf-next')).toHaveCount(0);
  await page.getByTestId('cp-lang').click();
  await expect(ended).toHaveText('This survey has ended. Thank you for your interest.');
  // Its kept answers were not sent: no response.
  await open(page, `/surveys/${key}/results`);
  await expect(page.getByTestId('res-n')).toHaveText('0');

  // Collecting again (confirmed in words): the badge goes and the form is back.
  await open(page, `/surveys/${key}`);
  await page.getByTestId('collect-toggle').click();
  await expect(page.getByTestId('collect-confirm-box')).toContainText('确定恢复收集答卷？');
  await page.getByTestId('collect-confirm').click();
  await expect(page.locator('.notice')).toContainText('已恢复收集');
  await expect(page.getByTestId('survey-stopped')).toHaveCount(0);
  await expect(page.getByTestId('link-stopped')).toHaveCount(0);
  await expect(page.getByTestId('survey-version')).toHaveText('第 1 版');
  await open(page, '/surveys');
  await expect(page.getByTestId('survey-table')).toBeVisible();
  await expect(page.getByTestId('survey-stopped')).toHaveCount(0);
  await open(page, `/s/${key}`);
  await expect(page.getByTestId('cp-ended')).toHaveCount(0);
  await expect(page.getByTestId(`q-${LIKERT[0]}`).or(page.getByTestId(`q-${LIKERT[2]}`))).toBeVisible();
  await expect(page.getByTestId('sf-next')).toBeVisible();
});

test('a customer who submits after staff stopped collecting is told the survey has ended, and nothing is stored', async ({ page, context }) => {
  await setUpStaff(page, [['张敏', 'specialist']]);
  const key = await newDefaultSurvey(page);
  await open(page, `/s/${key}`);
  await answerDefault(page, { score: 4, nps: 9, submit: false });
  // Meanwhile, in another tab of this device, staff stop collecting.
  const staff = await context.newPage();
  await open(staff, `/surveys/${key}`);
  await staff.getByTestId('collect-toggle').click();
  await staff.getByTestId('collect-confirm').click();
  await expect(staff.getByTestId('survey-stopped')).toHaveText('已停止收集');
  await page.getByTestId('sf-submit').click();
  await expect(page.getByTestId('cp-ended')).toHaveText('本次问卷调查已结束，感谢您的关注。');
  await expect(page.getByTestId('cp-thanks')).toHaveCount(0);
  await open(staff, `/surveys/${key}/results`);
  await expect(staff.getByTestId('res-n')).toHaveText('0');
  // The answers are not kept to come back either.
  await page.reload();
  await expect(page.getByTestId('cp-ended')).toBeVisible();
  await staff.close();
});

test('answered by keyboard alone: after 下一题 or 上一题 the focus is on the question shown, so Tab and the arrows go on from there', async ({ page }) => {
  const key = await newDefaultSurvey(page);
  await open(page, `/s/${key}`);
  const inQuestion = () => page.evaluate(() => document.activeElement?.closest('fieldset')?.dataset.testid ?? document.activeElement?.tagName);
  await page.getByTestId(`q-${LIKERT[0]}`).locator('input').first().focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId(`q-${LIKERT[0]}`).locator('input:checked')).toHaveValue('2');
  // Enter on the chosen score goes to the next question, and the keyboard is there.
  await page.keyboard.press('Enter');
  await expect(page.locator('.sf-count')).toHaveText('第 2 / 11 题');
  await expect(page.getByTestId(`q-${LIKERT[1]}`)).toBeFocused();
  await page.keyboard.press('Tab');
  expect(await inQuestion()).toBe(`q-${LIKERT[1]}`);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await expect(page.locator('.sf-count')).toHaveText('第 3 / 11 题');
  await expect(page.getByTestId(`q-${LIKERT[2]}`)).toBeFocused();
  // Back, by keyboard: the question before, with its answer, has the focus.
  await page.getByTestId('sf-back').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('.sf-count')).toHaveText('第 2 / 11 题');
  await expect(page.getByTestId(`q-${LIKERT[1]}`)).toBeFocused();
  await expect(page.getByTestId(`q-${LIKERT[1]}`).locator('input:checked')).toHaveValue('2');
});

test('员工代填 left open while the survey changes: the answer in hand counts under its version, the next form is the new one, and after a stop nothing is saved', async ({ page, context }) => {
  test.setTimeout(120_000);
  await setUpStaff(page);
  const key = await newDefaultSurvey(page);
  await open(page, '/surveys');
  await page.getByTestId('survey-fill').click();
  const dialog = page.getByTestId('fill-dialog');
  await answerDefault(page, { score: 4, nps: 8 });
  await expect(dialog.getByTestId('fill-said')).toBeVisible();
  // Another tab (or device) rewords the first question: version 2, as answers exist.
  const other = await context.newPage();
  await open(other, `/surveys/${key}`);
  await other.locator('#q0-zh').fill('工作人员热情礼貌（新版）');
  await other.getByTestId('save-survey').click();
  await expect(other.getByTestId('survey-version')).toHaveText('第 2 版');
  // The dialog's next answer was given to version 1's questions and counts there; then its
  // form is version 2's (QA: it kept offering version 1's).
  await answerDefault(page, { score: 5, nps: 9 });
  await expect(dialog.getByTestId('fill-newer')).toContainText('问卷已更新为第 2 版');
  await expect(dialog.getByTestId(`q-${LIKERT[0]}`)).toContainText('工作人员热情礼貌（新版）');
  // Collecting stopped in the other tab: the next submit saves nothing, says so, and no form
  // is offered (QA: it was saved into the stopped survey).
  await other.getByTestId('collect-toggle').click();
  await other.getByTestId('collect-confirm').click();
  await expect(other.getByTestId('survey-stopped')).toHaveText('已停止收集');
  await answerDefault(page, { score: 3, nps: 5 });
  await expect(dialog.getByTestId('fill-ended')).toHaveText('本问卷已停止收集：这份代填未保存。');
  await expect(dialog.getByTestId('sf-submit')).toHaveCount(0);
  await expect(dialog.locator('.sf-count')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  // Both answers saved count under version 1, none under version 2.
  await expect(page.getByTestId('version-select').locator('option')).toHaveText(['第 2 版（当前）', '第 1 版']);
  await expect(page.getByTestId('res-n')).toHaveText('0');
  await page.getByTestId('version-select').selectOption('1');
  await expect(page.getByTestId('res-n')).toHaveText('2');
  await other.close();
});

test('员工代填: staff answer for a customer from the survey list, naming whom the customer rates; the results count it under that channel and person', async ({ page }) => {
  await setUpStaff(page);
  const key = await newDefaultSurvey(page);
  await open(page, '/surveys');
  await page.getByTestId('survey-fill').click();
  // `fill=1` opens the dialog, once: the address keeps no trace of it.
  await expect(page).toHaveURL(new RegExp(`/surveys/${key}/results$`));
  const dialog = page.getByTestId('fill-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('h2')).toHaveText('员工代填（电话或当面）');
  // Whom the customer rates: anyone but the one filling it in (张敏 is signed in).
  await expect(dialog.locator('#fill-staff option')).toHaveText(['（不指定）', '李强', '王经理']);
  await dialog.locator('#fill-staff').selectOption({ label: '李强' });
  await answerDefault(page, { score: 4, nps: 8 });
  await expect(dialog.getByTestId('fill-said')).toHaveText('已保存代填答卷，可为下一位客户填写。');
  // A fresh form for the next call, the dialog still open, the keyboard at its first question.
  await expect(dialog.locator('.sf-count')).toHaveText('第 1 / 11 题');
  await expect(dialog.getByTestId(`q-${LIKERT[0]}`)).toBeFocused();
  // The page behind stays out of reach while the dialog is open, also now that the results
  // have been read again.
  expect(await page.getByTestId('export-csv').evaluate((el) => !!el.closest('[inert]'))).toBe(true);
  // A second one, naming nobody, left part-way: closed and opened again, the form is empty
  // (nothing of one customer's answers is kept for the next on a shared desk).
  await dialog.locator('#fill-staff').selectOption('');
  await page.getByTestId(`a-${LIKERT[0]}-1`).click();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await page.getByTestId('fill-open').click();
  await expect(dialog.locator('.sf-count')).toHaveText('第 1 / 11 题');
  await expect(dialog.getByTestId(`q-${LIKERT[0]}`).locator('input:checked')).toHaveCount(0);
  await answerDefault(page, { score: 2, nps: 3 });
  await expect(dialog.getByTestId('fill-said')).toBeVisible();
  await expect(dialog.locator('.sf-count')).toHaveText('第 1 / 11 题');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('res-n')).toHaveText('2');
  const counts = page.getByTestId('counts').locator('table');
  await expect(counts.nth(0).locator('tr', { hasText: '员工代填' }).locator('td.num')).toHaveText('2');
  await expect(counts.nth(2).locator('tr', { hasText: '李强' }).locator('td.num')).toHaveText('1');
  await page.locator('#rs-channel').selectOption('staff');
  await expect(page.getByTestId('res-n')).toHaveText('2');
  await page.locator('#rs-channel').selectOption('kiosk');
  await expect(page.getByTestId('res-n')).toHaveText('0');
  // The filters are in the address: a reload (or a copied link) keeps them; back to all, gone.
  await page.locator('#rs-staff').selectOption({ label: '李强' });
  await page.locator('#rs-partial').check();
  await expect(page).toHaveURL(/[?&]partial=1/);
  await expect(page).toHaveURL(/[?&]channel=kiosk/);
  await expect(page).toHaveURL(/[?&]staff=staff/);
  await expect(page).not.toHaveURL(/fill=/);
  const address = page.url();
  await page.reload();
  // The 代填 link's `fill=1` opened the dialog once: not again on a reload.
  await expect(page.locator('#rs-channel')).toHaveValue('kiosk');
  await expect(dialog).toHaveCount(0);
  // The same filters read the same: the address is not rewritten by a reload.
  await expect(page.getByTestId('res-n')).toHaveText('0');
  await expect(page.locator('#rs-partial')).toBeChecked();
  expect(page.url()).toBe(address);
  await expect(page.locator('#rs-staff').locator('option:checked')).toHaveText('李强');
  await expect(page.getByTestId('res-n')).toHaveText('0');
  await page.locator('#rs-channel').selectOption('');
  await expect(page.getByTestId('res-n')).toHaveText('1');
  await page.locator('#rs-staff').selectOption('');
  await expect(page.getByTestId('res-n')).toHaveText('2');
  await expect(page).not.toHaveURL(/channel=|staff=/);
  // On the KPI sheet, the answer counted for 李强 says who filled it in (a colleague's answers
  // counted for someone, and nothing said so: QA against 001 二(三)).
  const now = new Date();
  const month = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
  await open(page, `/reports?view=kpi&period=${month}`);
  const lee = page.locator('[data-testid="kpi-row"][data-staff="李强"]');
  await lee.getByTestId('kpi-satisfaction').getByRole('button').click();
  await expect(page.getByTestId('kpi-drill').getByTestId('kpi-drill-row')).toHaveCount(1);
  await expect(page.getByTestId('kpi-drill').getByTestId('kpi-drill-row')).toContainText('员工代填（张敏）');
});

test('low scores of the last 30 days only become follow-ups, made where the dashboard opens; a long list of them is shown a part at a time', async ({ page }) => {
  test.setTimeout(120_000);
  const { seedBackup, seedDocs } = await import('./customers-seed.mjs');
  const pad2 = (n) => String(n).padStart(2, '0');
  const daysAgo = (n) => {
    const d = new Date(Date.now() - n * 86_400_000);
    return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T10:00:00`;
  };
  // 55 low scores in the last 20 days, 12 from 40 days to three years ago (a restored branch's
  // past: QA, each became an open to-do, some three years old), and good ones.
  const response = (i, at, v) => ({
    _id: `response:01E2E000000000000000FU${String(i).padStart(4, '0')}`, type: 'response',
    survey_id: 'survey:01E2E0000000000000000001', survey_version: 1, answers: { q1: { t: 'Score', v } },
    channel: 'Kiosk', stage: 'in_sale', touchpoint: 'app', submitted_at: at, complete: true,
  });
  const recent = Array.from({ length: 55 }, (_, i) => response(i, daysAgo(1 + (i % 20)), 1 + (i % 2)));
  const old = Array.from({ length: 12 }, (_, i) => response(100 + i, daysAgo(40 + i * 90), 1));
  const good = Array.from({ length: 5 }, (_, i) => response(200 + i, daysAgo(2 + i), 5));
  // The seed's own two answers are of November 2026: dated now, they would count too.
  const seed = seedDocs().filter((d) => d.type !== 'response');
  await seedBackup(page, [...seed, ...recent, ...old, ...good]);
  await setUpStaff(page);
  await open(page, '/');
  await expect(page.getByTestId('dash-followups').locator('.n')).toHaveText('55', { timeout: 20_000 });
  await open(page, '/surveys/01E2E0000000000000000001/results');
  await expect(page.getByTestId('res-n')).toHaveText('72');
  const listed = page.getByTestId('followup');
  await expect(listed).toHaveCount(50);
  await expect(page.getByTestId('followups-count')).toContainText('共 55 项待办跟进');
  await page.getByTestId('followups-more').click();
  await expect(listed).toHaveCount(55);
  await expect(page.getByTestId('followups-more')).toHaveCount(0);
  // Opening the results made no more: the figure is the records', not the pages opened.
  await open(page, '/');
  await expect(page.getByTestId('dash-followups').locator('.n')).toHaveText('55');
});
