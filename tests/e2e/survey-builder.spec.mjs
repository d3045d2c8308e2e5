// A survey built from blank in the builder, in the one-page layout: every question on one
// screen, answered on the customer page; its results filtered by date, where an empty selection
// shows its figures as undefined (—), not as 0.
import { test, expect, open } from './fixtures.mjs';

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
  await page.getByTestId('save-survey').click();
  await expect(page).toHaveURL(/\/surveys\/[0-9A-Z]{26}$/);
  const key = page.url().split('/').pop();
  await page.reload();
  await expect(page.locator('#sv-mode')).toHaveValue('page');
  await expect(page.locator('#q1-zh')).toHaveValue('您是通过什么方式开户的');

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
  // Responses from tomorrow on: none, and the figures say undefined rather than 0.
  const tomorrow = new Date(Date.now() + 86_400_000);
  const iso = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}`;
  await page.locator('#rs-from').fill(iso);
  await expect(page.getByTestId('res-n')).toHaveText('0');
  await expect(page.getByTestId('res-csat')).toHaveText('—');
  await expect(page.getByTestId('res-nps')).toHaveText('—');
  // Back to everything.
  await page.locator('#rs-from').fill('');
  await expect(page.getByTestId('res-n')).toHaveText('1');
});
