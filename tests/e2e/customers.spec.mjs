// Customers as a user sees them: a CSV import with bad rows and its report, all-or-nothing
// versus valid rows, a GBK semicolon file, the list with masked phones and indexed search, a
// recorded reveal of a phone, and the customer timeline of seeded records.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, open } from './fixtures.mjs';
import { setUpStaff } from './helpers.mjs';
import { seedBackup, CUSTOMER_ID } from './customers-seed.mjs';

function tmpFile(name, content) {
  const file = path.join(os.tmpdir(), `kefu-cust-${Date.now()}-${Math.random().toString(36).slice(2)}-${name}`);
  fs.writeFileSync(file, content);
  return file;
}

const CSV = [
  '姓名,手机,客户号,开户日期,生日,等级,客户价值',
  '王小明,13812345678,310000000001,2020-03-15,1985-06-01,贵宾,高',
  '李华,139-0000-1111,310000000002,2021/5/6,,普通,中',
  ',13700002222,310000000003,2022-01-01,,普通,中',
  '赵六,12345,310000000004,2022-01-01,,普通,中',
  '钱七,13600003333,310000000001,2022-01-01,,普通,中',
  '孙八,13500004444,310000000006,2022-13-45,,普通,中',
].join('\r\n') + '\r\n';

// "姓名;手机;客户号;等级\r\n张三;13811112222;320000000009;贵宾\r\n" in GBK (not valid UTF-8).
const GBK_SEMICOLON = Buffer.from(
  'd0d5c3fb3bcad6bbfa3bbfcdbba7bac53bb5c8bcb60d0ad5c5c8fd3b31333831313131323232323b3332303030303030303030393bb9f3b1f60d0a',
  'hex');

test('CSV import: bad rows reported, nothing half-imported, valid rows in the list masked; a reveal is recorded', async ({ page }) => {
  await setUpStaff(page);
  await open(page, '/customers/import');
  await page.getByTestId('import-file').setInputFiles(tmpFile('customers.csv', CSV));

  // The report: every bad row with its line and reason.
  await expect(page.getByTestId('import-summary')).toHaveText('共 6 行:有效 2 行,有误 4 行');
  const errors = page.getByTestId('import-error-row');
  await expect(errors).toHaveCount(4);
  await expect(errors.nth(0)).toContainText('第 4 行');
  await expect(errors.nth(0)).toContainText('缺少姓名');
  await expect(errors.nth(1)).toContainText('第 5 行');
  await expect(errors.nth(1)).toContainText('12345');
  await expect(errors.nth(2)).toContainText('第 6 行');
  await expect(errors.nth(2)).toContainText('重复');
  await expect(errors.nth(3)).toContainText('第 7 行');
  await expect(errors.nth(3)).toContainText('2022-13-45');
  // The guessed mapping is shown and editable; the preview shows phones masked.
  await expect(page.getByTestId('map-col-1')).toHaveValue('1');
  await expect(page.getByTestId('import-preview')).toContainText('138****5678');
  await expect(page.getByTestId('import-preview')).not.toContainText('13812345678');

  // "Nothing unless all rows are valid": nothing goes in.
  await page.getByTestId('mode-all').check();
  await page.getByTestId('import-go').click();
  await expect(page.locator('.notice.error')).toContainText('未导入任何记录');
  await open(page, '/customers');
  await expect(page.getByTestId('customer-count')).toHaveText('共 0 位客户');

  // Again, importing the valid rows.
  await open(page, '/customers/import');
  await page.getByTestId('import-file').setInputFiles(tmpFile('customers.csv', CSV));
  await expect(page.getByTestId('import-summary')).toContainText('有效 2 行');
  await page.getByTestId('mode-valid').check();
  await page.getByTestId('import-go').click();
  await expect(page.locator('.notice')).toContainText('已导入 2 位客户');

  // A GBK file separated by semicolons.
  await page.getByTestId('import-file').setInputFiles(tmpFile('gbk.csv', GBK_SEMICOLON));
  await expect(page.getByTestId('import-summary')).toHaveText('共 1 行:有效 1 行,有误 0 行');
  await expect(page.getByTestId('import-format')).toContainText('分号');
  await page.getByTestId('import-go').click();
  await expect(page.locator('.notice')).toContainText('已导入 1 位客户');
  // Re-importing the same file is refused row by row (the account exists now).
  await page.getByTestId('import-file').setInputFiles(tmpFile('gbk.csv', GBK_SEMICOLON));
  await expect(page.getByTestId('import-summary')).toHaveText('共 1 行:有效 0 行,有误 1 行');
  await expect(page.getByTestId('import-error-row')).toContainText('已存在');

  // The list: masked phones, never the full number.
  await open(page, '/customers');
  await expect(page.getByTestId('customer-count')).toHaveText('共 3 位客户');
  const table = page.getByTestId('customer-table');
  await expect(table).toContainText('王小明');
  await expect(table).toContainText('138****5678');
  await expect(table).toContainText('139****1111');
  await expect(table).toContainText('张三');
  await expect(table).not.toContainText('13812345678');
  await expect(table).not.toContainText('13900001111');

  // Search through the indexes: last four phone digits, account number, name.
  await page.getByTestId('customer-search').fill('5678');
  await page.getByTestId('customer-search').press('Enter');
  await expect(page.getByTestId('customer-row')).toHaveCount(1);
  await expect(page.getByTestId('customer-row')).toContainText('王小明');
  await page.getByTestId('customer-search').fill('310000');
  await page.getByTestId('customer-search').press('Enter');
  await expect(page.getByTestId('customer-row')).toHaveCount(2);
  await page.getByTestId('customer-search').fill('李');
  await page.getByTestId('customer-search').press('Enter');
  await expect(page.getByTestId('customer-row')).toHaveCount(1);
  await expect(page.getByTestId('customer-row')).toContainText('李华');
  await page.getByTestId('customer-search').fill('0000');
  await page.getByTestId('customer-search').press('Enter');
  await expect(page.getByTestId('customer-row')).toHaveCount(0);

  // The customer page: masked until "show", and the reveal is recorded.
  await page.getByTestId('customer-search').fill('王');
  await page.getByTestId('customer-search').press('Enter');
  await page.getByRole('link', { name: '王小明' }).click();
  await expect(page.getByTestId('customer-name')).toHaveText('王小明');
  await expect(page.getByTestId('phone-value')).toHaveText('138****5678');
  await expect(page.getByTestId('access-log')).not.toContainText('手机');
  await page.getByTestId('reveal-phone').click();
  await expect(page.getByTestId('phone-value')).toHaveText('13812345678');
  await expect(page.getByTestId('access-log')).toContainText('张敏');
  await expect(page.getByTestId('access-log')).toContainText('手机');
  await page.reload();
  await expect(page.getByTestId('phone-value')).toHaveText('138****5678');
  await expect(page.getByTestId('access-log').locator('li')).toHaveCount(1);
  await expect(page.getByTestId('timeline-empty')).toBeVisible();
});

test('create and edit a customer; the form says what is wrong', async ({ page }) => {
  await setUpStaff(page);
  await open(page, '/customers');
  await page.getByTestId('customer-new').click();
  await page.locator('#cust-phone').fill('123');
  await page.getByTestId('customer-save').click();
  await expect(page.locator('#cust-name-err')).toHaveText('请填写姓名或名称');
  await expect(page.locator('#cust-phone-err')).toContainText('手机号格式不正确');
  await page.locator('#cust-name').fill('陈机构');
  await page.locator('#cust-kind').selectOption({ label: '机构' });
  await page.locator('#cust-tier').selectOption({ label: '贵宾' });
  await page.locator('#cust-phone').fill('13722223333');
  await page.locator('#cust-account').fill('350000000001');
  await page.locator('#cust-staff').selectOption({ label: '李强' });
  await page.getByTestId('customer-save').click();
  await expect(page.getByTestId('customer-table')).toContainText('陈机构');
  await expect(page.getByTestId('customer-table')).toContainText('137****3333');
  await expect(page.getByTestId('customer-table')).toContainText('李强');

  await page.getByRole('link', { name: '陈机构' }).click();
  await page.getByTestId('customer-edit').click();
  // Opening the form shows the contact data, so it is recorded too.
  await expect(page.getByTestId('access-log')).toContainText('张敏');
  await page.locator('#cust-lifecycle').selectOption({ label: '流失客户' });
  await page.getByTestId('customer-save').click();
  await expect(page.getByTestId('customer-form')).toHaveCount(0);
  await expect(page.locator('.facts')).toContainText('流失客户');
});

test('the timeline shows the customer’s complaint, demand and survey responses in order, each opening its record', async ({ page }) => {
  await seedBackup(page);
  await setUpStaff(page);
  await open(page, `/customers/${CUSTOMER_ID}`);
  await expect(page.getByTestId('customer-name')).toHaveText('周杰');
  const tl = page.getByTestId('timeline');
  await expect(tl.locator('li')).toHaveCount(4);
  await expect(tl.locator('li').nth(0)).toHaveAttribute('data-testid', 'timeline-complaint');
  await expect(tl.locator('li').nth(0)).toContainText('TS-20261120-0001');
  await expect(tl.locator('li').nth(0)).toContainText('交易与系统');
  await expect(tl.locator('li').nth(1)).toHaveAttribute('data-testid', 'timeline-response');
  await expect(tl.locator('li').nth(2)).toHaveAttribute('data-testid', 'timeline-demand');
  await expect(tl.locator('li').nth(3)).toHaveAttribute('data-testid', 'timeline-response');
  await expect(tl.locator('li').nth(0).locator('a')).toHaveAttribute('href', '/complaints/complaint:01E2E0000000000000000001');
  await expect(tl.locator('li').nth(2).locator('a')).toHaveAttribute('href', /\/demands/);
  await expect(tl.locator('li').nth(1).locator('a')).toHaveAttribute('href', '/surveys/survey:01E2E0000000000000000001/results');
});
