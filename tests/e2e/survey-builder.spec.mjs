// A survey built from blank in the builder, in the one-page layout: every question on one
// screen, answered on the customer page; its results filtered by date, where an empty selection
// shows its figures as undefined (—), not as 0.
import { test, expect, open } from './fixtures.mjs';
import { closeTab, mirrorCopy, setUpStaff } from './helpers.mjs';

test('a blank survey on one page: built, answered, and its results filtered by date', async ({ page }) => {
  await open(page, '/surveys');
  await page.getByTestId('new-survey').click();
  await expect(page.locator('#sv-title-zh')).toHaveValue('新问卷');
  await page.locator('#sv-title-zh').fill('开户体验调查');
  await page.locator('#sv-title-en').fill('Account opening survey');
  await page.locator('#sv-mode').selectOption('page');
  // The blank survey's one question, and a second one added here.
  await expect(page.locator('#q0-zh')).toHaveValue('您对本次服务满意吗？');
  await page.getByTestId('add-question').click();
  await page.locator('#q1-kind').selectOption('single');
  await page.locator('#q1-zh').fill('您是通过什么方式开户的');
  await page.locator('#q1-en').fill('How did you open your account?');
  await page.locator('#q1-o0-zh').fill('营业部现场');
  await page.locator('#q1-o0-en').fill('At the branch');
  await page.locator('#q1-o1-zh').fill('手机开户');
  await page.locator('#q1-o1-en').fill('On the phone app');
  // Nobody is signed in: the form is open to type in, its save waits for a sign-in, and what
  // was typed is kept meanwhile.
  await expect(page.getByTestId('need-user')).toBeVisible();
  await expect(page.getByTestId('save-survey')).toBeDisabled();
  await setUpStaff(page, [['张敏', 'specialist']]);
  await open(page, '/surveys/new');
  await expect(page.locator('#q1-o1-en')).toHaveValue('On the phone app');
  await expect(page.getByTestId('need-user')).toHaveCount(0);
  // The English of question 2 left empty: saved by the keyboard, the save is refused and that
  // field takes the focus, marked and described by what is missing (QA: the focus stayed on
  // the button, nothing marked).
  await page.locator('#q1-en').fill('');
  await page.getByTestId('save-survey').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('survey-problems')).toContainText('第2题缺少英文题目文字');
  await expect(page.locator('#q1-en')).toBeFocused();
  await expect(page.locator('#q1-en')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#q1-en')).toHaveAccessibleDescription(/第2题缺少英文题目文字/);
  await page.keyboard.type('How did you open your account?');
  await expect(page.locator('#q1-en')).not.toHaveAttribute('aria-invalid', /./);
  await page.getByTestId('save-survey').click();
  await expect(page).toHaveURL(/\/surveys\/[0-9A-Z]{26}$/);
  const key = page.url().split('/').pop();
  await page.reload();
  await expect(page.locator('#sv-mode')).toHaveValue('page');
  await expect(page.locator('#q1-zh')).toHaveValue('您是通过什么方式开户的');
  // The save names who saved, in the builder and in the list (before, nobody was named).
  await expect(page.getByTestId('survey-changed')).toHaveText(/^最近由 张敏 于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 保存。$/);
  await open(page, '/surveys');
  await expect(page.getByTestId('survey-changed')).toHaveText(/^张敏 · \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);

  // One page: both questions at once, and the submit button without a "next".
  await open(page, `/s/${key}`);
  await expect(page.locator('.cp-title')).toHaveText('开户体验调查');
  await expect(page.locator('fieldset.sq')).toHaveCount(2);
  await expect(page.getByTestId('sf-next')).toHaveCount(0);
  // A required question left empty is named in words.
  await page.getByTestId('sf-submit').click();
  await expect(page.locator('fieldset.sq').first()).toContainText('必答');
  await page.locator('fieldset.sq').first().locator('label.score').nth(3).click();
  await page.locator('fieldset.sq').nth(1).locator('label.choice').nth(1).click();
  await page.getByTestId('sf-submit').click();
  await expect(page.getByTestId('cp-thanks')).toBeVisible();

  await open(page, `/surveys/${key}/results`);
  await expect(page.getByTestId('res-n')).toHaveText('1');
  await expect(page.getByTestId('res-csat')).toHaveText('100.0%');
  // A blank survey has no scales: said, with how to get them, instead of an empty table.
  await expect(page.getByTestId('no-scales')).toContainText('本问卷未设维度');
  await expect(page.getByTestId('scales-table')).toHaveCount(0);
  // Responses from tomorrow on: none, and the figures say undefined rather than 0.
  const tomorrow = new Date(Date.now() + 86_400_000);
  const iso = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}`;
  await page.locator('#rs-from').fill(iso);
  await expect(page.getByTestId('res-n')).toHaveText('0');
  await expect(page.getByTestId('res-csat')).toHaveText('—');
  await expect(page.getByTestId('res-nps')).toHaveText('—');
  // Each question says nobody answered it, rather than drawing empty bars.
  await expect(page.locator('.sr-question')).toHaveCount(2);
  await expect(page.getByTestId('no-answers')).toHaveCount(2);
  await expect(page.getByTestId('no-answers').first()).toHaveText('所选范围内无人作答此题。');
  await expect(page.locator('.sr-question').getByTestId('bar')).toHaveCount(0);
  // The responses' table says it has none, rather than showing its header alone.
  await expect(page.getByTestId('no-responses')).toHaveText('所选范围内没有答卷。');
  // Back to everything.
  await page.locator('#rs-from').fill('');
  await expect(page.getByTestId('res-n')).toHaveText('1');
  await expect(page.getByTestId('no-answers')).toHaveCount(0);
  await expect(page.getByTestId('no-responses')).toHaveCount(0);
});

test('two tabs building new surveys keep their own drafts; a closed tab\'s is taken up once', async ({ page, context }) => {
  await setUpStaff(page, [['张敏', 'specialist']]);
  await open(page, '/surveys/new');
  await page.locator('#sv-title-zh').fill('甲问卷');
  // A second tab on New survey starts blank (before, it opened on the first tab's survey).
  const b = await context.newPage();
  await open(b, '/surveys/new');
  await expect(b.locator('#sv-title-zh')).toHaveValue('新问卷');
  await expect(b.getByTestId('draft-restored')).toHaveCount(0);
  await expect(b.locator('.survey-builder')).toHaveAttribute('data-drafts-checked', 'true');
  await b.locator('#sv-title-zh').fill('乙问卷');
  // Neither writes over the other; A's save leaves B's draft.
  await page.reload();
  await expect(page.getByTestId('draft-restored')).toBeVisible();
  await expect(page.locator('#sv-title-zh')).toHaveValue('甲问卷');
  await page.getByTestId('save-survey').click();
  await expect(page).toHaveURL(/\/surveys\/[0-9A-Z]{26}$/);
  await b.reload();
  await expect(b.getByTestId('draft-restored')).toBeVisible();
  await expect(b.locator('#sv-title-zh')).toHaveValue('乙问卷');
  // B closed with its typing: the next New survey takes it up, once.
  await closeTab(b, page);
  await open(page, '/surveys/new');
  await expect(page.getByTestId('draft-restored')).toBeVisible();
  await expect(page.locator('#sv-title-zh')).toHaveValue('乙问卷');
  const c = await context.newPage();
  await open(c, '/surveys/new');
  await expect(c.locator('.survey-builder')).toHaveAttribute('data-drafts-checked', 'true');
  await expect(c.getByTestId('draft-restored')).toHaveCount(0);
  await expect(c.locator('#sv-title-zh')).toHaveValue('新问卷');
  await c.close();
});

/** The entries the device's IndexedDB copy holds a value of (not removals). */
async function mirrored(page) {
  return Object.fromEntries(Object.entries(await mirrorCopy(page)).filter(([, v]) => v !== null));
}

const NEW_DRAFT = 'kefu.survey-draft.new.';
const newDrafts = (entries) => Object.entries(entries).filter(([k]) => k.startsWith(NEW_DRAFT));

/** This device's localStorage entries (with their stamps) of new-survey drafts. */
async function localDrafts(page) {
  return page.evaluate((prefix) => Object.keys(localStorage).filter((k) => k.includes(prefix))
    .map((k) => [k, localStorage.getItem(k)]), NEW_DRAFT);
}

/** Puts `entries` back into localStorage, as a crash leaves what reached its disk. */
async function putBack(page, entries) {
  await page.evaluate((es) => es.forEach(([k, v]) => localStorage.setItem(k, v)), entries);
}

test('a draft dropped by its save stays dropped when the page is left before the copy of it is updated', async ({ page }) => {
  await setUpStaff(page, [['张敏', 'specialist']]);
  await open(page, '/surveys');
  await page.getByTestId('new-survey').click();
  await page.locator('#sv-title-zh').fill('开户回访');
  await expect.poll(async () => newDrafts(await mirrored(page)).length).toBe(1);
  // The page goes before the copy's write commits (a save, then another page opened at once;
  // it did in 1 of 4 runs): here every write to the copy is aborted.
  await page.evaluate(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (...args) {
      if (this.transaction.db.name !== 'kefu-mirror') return put.apply(this, args);
      this.transaction.abort();
      return undefined;
    };
  });
  await page.getByTestId('save-survey').click();
  await expect(page).toHaveURL(/\/surveys\/[0-9A-Z]{26}$/);
  const built = page.url();
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('kefu.survey-draft.')))).toEqual([]);
  expect(newDrafts(await mirrored(page))).toHaveLength(1);
  // The next start does not put the saved survey back as an unsaved new one.
  await open(page, '/surveys/new');
  await expect(page.locator('#sv-title-zh')).toHaveValue('新问卷');
  await expect(page.getByTestId('draft-restored')).toHaveCount(0);
  await expect.poll(async () => newDrafts(await mirrored(page))).toEqual([]);
  expect((await localDrafts(page)).filter(([k]) => k.startsWith(NEW_DRAFT))).toEqual([]);
  // A second new survey saves as a survey of its own.
  await page.locator('#sv-title-zh').fill('第二份问卷');
  await page.getByTestId('save-survey').click();
  await expect(page).toHaveURL(/\/surveys\/[0-9A-Z]{26}$/);
  expect(page.url()).not.toBe(built);
  await expect(page.getByTestId('survey-version')).toHaveText('第 1 版');
});

test('after a crash the newer of localStorage and its copy wins: a saved draft stays dropped, the last typing comes back', async ({ page }) => {
  await setUpStaff(page, [['张敏', 'specialist']]);
  await open(page, '/surveys/new');
  await page.locator('#sv-title-zh').fill('开户回访');
  await expect.poll(async () => newDrafts(await mirrored(page)).map(([, v]) => v.includes('开户回访'))).toEqual([true]);
  const typed = await localDrafts(page);
  expect(typed).toHaveLength(2); // the draft and its stamp
  await page.getByTestId('save-survey').click();
  await expect(page).toHaveURL(/\/surveys\/[0-9A-Z]{26}$/);
  await expect.poll(async () => newDrafts(await mirrored(page))).toEqual([]);
  // The crash kept the removal from localStorage's disk: the draft and its older stamp are there.
  await putBack(page, typed);
  await open(page, '/surveys/new');
  await expect(page.locator('#sv-title-zh')).toHaveValue('新问卷');
  await expect(page.getByTestId('draft-restored')).toHaveCount(0);
  expect((await localDrafts(page)).filter(([k]) => k.startsWith(NEW_DRAFT))).toEqual([]);

  // The crash kept the last typing from localStorage's disk: an older draft is there.
  await page.locator('#sv-title-zh').fill('理财回访');
  await expect.poll(async () => newDrafts(await mirrored(page)).map(([, v]) => v.includes('理财回访'))).toEqual([true]);
  const older = await localDrafts(page);
  await page.locator('#sv-title-zh').fill('理财产品回访');
  await expect.poll(async () => newDrafts(await mirrored(page)).map(([, v]) => v.includes('理财产品回访'))).toEqual([true]);
  await putBack(page, older);
  await page.reload();
  await expect(page.getByTestId('draft-restored')).toBeVisible();
  await expect(page.locator('#sv-title-zh')).toHaveValue('理财产品回访');
});

test('an edit refused as stale (a colleague saved first) is kept, and after the refresh it is restored over the newer version', async ({ page, context }) => {
  await setUpStaff(page, [['张敏', 'specialist']]);
  await open(page, '/surveys/new');
  await page.locator('#sv-title-zh').fill('服务满意度调查');
  await page.getByTestId('save-survey').click();
  await expect(page).toHaveURL(/\/surveys\/[0-9A-Z]{26}$/);
  const url = new URL(page.url()).pathname;
  const b = await context.newPage();
  await open(b, url);
  await expect(b.locator('#q0-zh')).toHaveValue('您对本次服务满意吗？');
  // A retitles and saves; B, not reloaded, edits question 1 and is refused.
  await page.locator('#sv-title-zh').fill('服务满意度调查（修订）');
  await page.getByTestId('save-survey').click();
  await expect(page.locator('.notice', { hasText: '问卷已保存' })).toBeVisible();
  await b.locator('#q0-zh').fill('您对本次柜台服务满意吗？');
  await b.getByTestId('save-survey').click();
  await expect(b.locator('.notice.error')).toContainText('保存失败');
  // Refreshed as advised: B's edit is back, over A's title (before, it was gone, with no
  // notice).
  await b.reload();
  await expect(b.getByTestId('draft-restored')).toBeVisible();
  await expect(b.locator('#sv-title-zh')).toHaveValue('服务满意度调查（修订）');
  await expect(b.locator('#q0-zh')).toHaveValue('您对本次柜台服务满意吗？');
  await b.getByTestId('save-survey').click();
  await expect(b.locator('.notice', { hasText: '问卷已保存' })).toBeVisible();
  // Saved, it is gone from the drafts; both changes are in the survey.
  await b.reload();
  await expect(b.locator('.survey-builder')).toHaveAttribute('data-drafts-checked', 'true');
  await expect(b.getByTestId('draft-restored')).toHaveCount(0);
  await expect(b.locator('#sv-title-zh')).toHaveValue('服务满意度调查（修订）');
  await expect(b.locator('#q0-zh')).toHaveValue('您对本次柜台服务满意吗？');
});
