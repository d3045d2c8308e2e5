// Who may administer the branch: on a new install anyone sets it up; once a manager exists,
// staff, roles, PINs, the calendar, the branch, backup import and erasing are the manager's,
// and everyone else sees the controls disabled with the reason. A manager changes roles and
// resets PINs; the last manager cannot step down; a deactivated member is signed out and can
// no longer approve.
import fs from 'node:fs';
import { test, expect, open, tmpPath } from './fixtures.mjs';
import { addStaff, asManager, chooseStaff, setUpStaff, showCalendarYear, signIn, act } from './helpers.mjs';
import { seedBackup } from './customers-seed.mjs';

const staff = (page) => page.getByTestId('staff-section');
const calendar = (page) => page.getByTestId('calendar-section');
const backup = (page) => page.getByTestId('backup-section');
const row = (page, name) => page.getByTestId('staff-row').filter({ hasText: name });

/** The staff profile named `name` as stored in the device's IndexedDB. */
function storedStaff(page, name) {
  return page.evaluate((name) => new Promise((resolve) => {
    const open = indexedDB.open('kefu');
    open.onsuccess = () => {
      const all = open.result.transaction('docs').objectStore('docs').getAll();
      all.onsuccess = () => {
        open.result.close();
        const bodies = all.result.map((r) => (typeof r.b === 'string' ? JSON.parse(r.b) : r.b));
        resolve(bodies.find((b) => b?.type === 'staff' && b.name === name));
      };
    };
  }), name);
}

test('a new install is set up by anyone; then a specialist, a supervisor or nobody cannot administer, and is told why', async ({ page }) => {
  await open(page, '/settings');
  // Nobody signed in, no manager yet: set-up is open, and says so.
  await expect(staff(page).getByTestId('admin-setup')).toContainText('尚无在岗的客服经理');
  await expect(page.getByTestId('admin-reason')).toHaveCount(0);
  await setUpStaff(page);
  await expect(page.getByTestId('current-user')).toContainText('张敏');
  await expect(staff(page).getByTestId('admin-setup')).toHaveCount(0);

  // 张敏, a specialist: every branch-wide control is disabled, each section says why.
  const why = '仅限客服经理操作：当前登录的是张敏（客服专员）。';
  for (const section of [staff(page), calendar(page), backup(page), page.getByTestId('branch-section')]) {
    await expect(section.getByTestId('admin-reason')).toHaveText(why);
  }
  // Staff: no adding (e.g. a manager profile for herself), no role change, no (de)activation.
  await expect(page.locator('#staff-name')).toBeDisabled();
  await expect(page.locator('#staff-role')).toBeDisabled();
  await expect(staff(page).getByRole('button', { name: '添加', exact: true })).toBeDisabled();
  for (const name of ['张敏', '李强', '王经理']) {
    await expect(row(page, name).getByTestId('staff-edit')).toBeDisabled();
    await expect(row(page, name).getByTestId('staff-toggle')).toBeDisabled();
  }
  // The calendar: no new date, no removal.
  await expect(page.locator('#cal-date')).toBeDisabled();
  await expect(calendar(page).getByRole('button', { name: '添加日期' })).toBeDisabled();
  // (in the shipped 2026 table: a year without its notice lists the law's days, never removable)
  await showCalendarYear(page, '2026');
  await expect(calendar(page).getByRole('button', { name: '删除' }).first()).toBeDisabled();
  // The branch, the backup (its export holds every customer's contact data in full) and erasing.
  await expect(page.locator('#branch-name')).toBeDisabled();
  await expect(page.getByTestId('import-file')).toBeDisabled();
  await expect(page.getByRole('button', { name: '清除全部数据…' })).toBeDisabled();
  await expect(page.getByTestId('export')).toBeDisabled();
  await expect(page.getByTestId('backup-section').getByTestId('admin-reason')).toHaveText('仅限客服经理操作：当前登录的是张敏（客服专员）。');
  // Who uses the device stays open: that is how the manager signs in.
  await expect(page.locator('#device-staff')).toBeEnabled();
  // Where the device syncs to is the manager's: a server of anyone's choosing could bring in a
  // manager of its own making, and would be sent every record. Signing in again stays open.
  for (const field of ['#sync-url', '#sync-db', '#sync-responses-db', '#sync-mode']) await expect(page.locator(field)).toBeDisabled();
  await expect(page.locator('#sync-password')).toBeEnabled();
  await expect(page.getByTestId('sync-admin-reason')).toContainText('更改同步服务器、数据库或本设备的同步方式：仅限客服经理操作');

  // In English too.
  await page.getByTestId('lang-switch').click();
  await expect(staff(page).getByTestId('admin-reason')).toHaveText('Only a manager can do this: 张敏 (Specialist) is signed in.');
  await page.getByTestId('lang-switch').click();

  // A supervisor approves cases but does not set the branch's rules (the calendar included).
  await signIn(page, '李强');
  await expect(calendar(page).getByTestId('admin-reason')).toHaveText('仅限客服经理操作：当前登录的是李强（客服主管）。');
  await expect(page.locator('#cal-date')).toBeDisabled();

  // Nobody signed in: nobody may add a manager profile any more. (Signing out reads 退出登录, as
  // on the sync server's panel.)
  await expect(page.getByTestId('device-signout')).toHaveText('退出登录');
  await page.getByTestId('device-signout').click();
  await expect(page.getByTestId('current-user')).toHaveText('未登录');
  await expect(staff(page).getByTestId('admin-reason')).toHaveText('仅限客服经理操作：请由在岗的客服经理登录本设备后操作。');
  await expect(page.locator('#staff-name')).toBeDisabled();
  await expect(page.getByTestId('import-file')).toBeDisabled();

  // The manager signed in: everything is open again.
  await signIn(page, '王经理');
  await expect(page.getByTestId('admin-reason')).toHaveCount(0);
  await expect(page.getByTestId('sync-admin-reason')).toHaveCount(0);
  await expect(page.locator('#sync-url')).toBeEnabled();
  // A URL typed that is none is named so (it was asked for as if nothing had been typed).
  await page.locator('#sync-url').fill('not a url');
  await page.getByTestId('sync-connect').click();
  await expect(page.getByTestId('sync-message')).toHaveText('服务器地址格式不正确：应以 http:// 或 https:// 开头，例如 https://couch.example.com');
  // One with a space in its host was saved, and retried for ever as a server only down (QA).
  await page.locator('#sync-url').fill('http://kefu example.com');
  await page.getByTestId('sync-connect').click();
  await expect(page.getByTestId('sync-message')).toHaveText('服务器地址格式不正确：地址中不能有空格，例如 https://couch.example.com');
  await page.locator('#sync-url').fill('');
  await expect(page.locator('#cal-date')).toBeEnabled();
  await expect(page.getByTestId('import-file')).toBeEnabled();
  await addStaff(page, '赵丽', 'specialist');
});

test('the sign-in list keeps showing the member it checks when staff are added, and a manager resetting a paused PIN ends the pause', async ({ page }) => {
  await setUpStaff(page);
  await asManager(page);
  // A member whose name sorts before the manager's is added, then the manager signs out: the
  // list still shows the member a PIN is checked against (QA: it showed 李强 and checked
  // 王经理's PIN, so 李强's right PIN failed and five tries paused the manager).
  await addStaff(page, '刘洋', 'specialist', '3579');
  await page.getByTestId('device-signout').click();
  await expect(page.getByTestId('current-user')).toHaveText('未登录');
  await expect(page.locator('#device-staff option:checked')).toHaveText('王经理（客服经理）');
  // 李强 forgets his PIN: five wrong ones pause it.
  await chooseStaff(page, '李强');
  for (let i = 0; i < 5; i++) {
    await page.locator('#device-pin').fill(`100${i}`);
    await page.getByRole('button', { name: '登录本设备' }).click();
  }
  await expect(page.locator('#device-pin-err')).toContainText('错误次数过多');
  // The manager resets it on this device: the pause ends with it (it went on for minutes).
  await signIn(page, '王经理');
  await row(page, '李强').getByTestId('staff-edit').click();
  // The keyboard goes to the panel, which comes under the whole list; Escape closes it.
  await expect(page.locator('#staff-edit-h')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('staff-edit-panel')).toHaveCount(0);
  await row(page, '李强').getByTestId('staff-edit').click();
  await page.locator('#edit-pin').fill('3691');
  await page.locator('#edit-pin2').fill('3691');
  await page.getByTestId('edit-pin-save').click();
  await expect(page.locator('.notice')).toContainText('已重置 李强 的 PIN');
  await signIn(page, '李强', '3691');
  await expect(page.getByTestId('signed-in-as')).toHaveText('李强');
});

test('a manager changes a role and resets a PIN; the last manager cannot deactivate or demote themselves', async ({ page }) => {
  await setUpStaff(page);
  await asManager(page);

  // The last active manager: their own deactivation is disabled, with the reason.
  const last = '王经理是最后一位在岗的客服经理，不能停用或改为其他岗位；请先添加另一位客服经理。';
  await expect(row(page, '王经理').getByTestId('staff-toggle')).toBeDisabled();
  await expect(row(page, '王经理').getByTestId('staff-row-note')).toHaveText(last);
  await row(page, '王经理').getByTestId('staff-edit').click();
  await expect(page.getByTestId('staff-edit-note')).toHaveText(last);
  await expect(page.locator('#edit-role')).toBeDisabled();

  // 张敏 is made a supervisor.
  await row(page, '张敏').getByTestId('staff-edit').click();
  await expect(page.getByTestId('staff-edit-panel')).toContainText('修改：张敏');
  await expect(page.locator('#edit-role')).toHaveValue('specialist');
  await page.locator('#edit-role').selectOption('supervisor');
  await page.getByTestId('edit-role-save').click();
  await expect(row(page, '张敏')).toContainText('客服主管');

  // Her forgotten PIN is reset, with the rules of a new PIN.
  await page.locator('#edit-pin').fill('12');
  await page.getByTestId('edit-pin-save').click();
  await expect(page.locator('#edit-pin-err')).toContainText('4 至 8');
  await page.locator('#edit-pin').fill('1357');
  await page.locator('#edit-pin2').fill('1375');
  await page.getByTestId('edit-pin-save').click();
  await expect(page.locator('#edit-pin2-err')).toHaveText('两次输入的 PIN 不一致');
  // Typed again in full-width digits, it is the same PIN (QA: "不一致").
  await page.locator('#edit-pin2').fill('１３５７');
  await expect(page.locator('#edit-pin2-err')).toHaveText('');
  await page.getByTestId('edit-pin-save').click();
  await expect(page.locator('.notice')).toContainText('已重置 张敏 的 PIN');
  // The new PIN says who set it and when: what a person choosing between two devices' versions
  // of her profile goes by, as the PINs are never shown.
  const pin = (await storedStaff(page, '张敏')).pin_hash;
  expect(pin.set_by).toBe('王经理');
  expect(pin.set_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d/);
  // The old PIN no longer signs her in; the new one does, as a supervisor.
  await chooseStaff(page, '张敏');
  await page.locator('#device-pin').fill('2468');
  await page.getByRole('button', { name: '登录本设备' }).click();
  await expect(page.locator('#device-pin-err')).toHaveText('PIN 不正确');
  await signIn(page, '张敏', '1357');
  await expect(page.getByTestId('signed-in-as')).toHaveText('张敏');
  await expect(page.locator('#device').locator('.badge')).toHaveText('客服主管');

  // With a second manager, a manager may step down: deactivated, they are signed out at once.
  await asManager(page);
  await row(page, '李强').getByTestId('staff-edit').click();
  await page.locator('#edit-role').selectOption('manager');
  await page.getByTestId('edit-role-save').click();
  await expect(row(page, '李强')).toContainText('客服经理');
  await expect(row(page, '王经理').getByTestId('staff-row-note')).toHaveCount(0);
  await row(page, '王经理').getByTestId('staff-toggle').click();
  await expect(page.getByTestId('current-user')).toHaveText('未登录');
  await expect(page.locator('.notice')).toContainText('王经理已停用，已退出本设备');
  await expect(row(page, '王经理').getByTestId('staff-toggle')).toHaveText('启用');
  // Nor can he sign in again; the other manager reactivates him.
  await expect(page.locator('#device-staff option', { hasText: '王经理' })).toHaveCount(0);
  await signIn(page, '李强');
  await row(page, '王经理').getByTestId('staff-toggle').click();
  await expect(row(page, '王经理')).toContainText('在岗');
  await signIn(page, '王经理');
});

test('a specialist changes their own PIN (their current one first), and nothing else of anyone\'s', async ({ page }) => {
  await setUpStaff(page);
  // 张敏 (a specialist) is signed in: the staff list is the manager's, her own PIN hers.
  await expect(staff(page).getByTestId('staff-edit').first()).toBeDisabled();
  const own = page.getByTestId('own-pin');
  await own.locator('summary').click();
  // The new PIN's rules, and the current PIN asked for first.
  await page.locator('#own-pin-new').fill('12');
  await page.getByTestId('own-pin-save').click();
  await expect(page.locator('#own-pin-current-err')).toHaveText('请输入当前 PIN');
  await expect(page.locator('#own-pin-new-err')).toContainText('4 至 8');
  // Nor may her own be one a stranger would try first.
  await page.locator('#own-pin-new').fill('9876');
  await expect(page.locator('#own-pin-new-err')).toContainText('过于简单');
  // A wrong current PIN changes nothing (and counts as a wrong PIN).
  await page.locator('#own-pin-current').fill('1111');
  await page.locator('#own-pin-new').fill('1357');
  await page.locator('#own-pin-new2').fill('1357');
  await page.getByTestId('own-pin-save').click();
  await expect(page.locator('#own-pin-current-err')).toHaveText('PIN 不正确');
  await expect(page.locator('#own-pin-current')).toHaveValue('');
  // The right one: changed, the form emptied, and her own name on the change.
  await page.locator('#own-pin-current').fill('2468');
  await page.getByTestId('own-pin-save').click();
  await expect(page.locator('.notice')).toContainText('你的 PIN 已修改');
  await expect(page.locator('#own-pin-new')).toHaveValue('');
  const stored = await storedStaff(page, '张敏');
  expect(stored.pin_hash.set_by).toBe('张敏');
  expect(stored.role).toBe('specialist');
  // Signed out, the old PIN no longer signs her in; the new one does, over a reload too.
  await page.getByTestId('device-signout').click();
  await expect(page.getByTestId('current-user')).toHaveText('未登录');
  await chooseStaff(page, '张敏');
  await page.locator('#device-pin').fill('2468');
  await page.getByRole('button', { name: '登录本设备' }).click();
  await expect(page.locator('#device-pin-err')).toHaveText('PIN 不正确');
  await page.reload();
  await signIn(page, '张敏', '1357');
  // Nobody signed in, there is no own PIN to change.
  await page.getByTestId('device-signout').click();
  await expect(page.getByTestId('own-pin')).toHaveCount(0);
  // The others' PINs are as they were.
  await signIn(page, '李强', '2468');
});

test('a device nobody uses for the branch\'s idle time signs its staff member out and says why; using it keeps them in', async ({ page }) => {
  await page.clock.install();
  await setUpStaff(page);
  // Never, by default: a manager sets it for the branch, within 5 to 480 minutes.
  await asManager(page);
  const branch = page.getByTestId('branch-section');
  await expect(page.locator('#branch-idle')).toHaveValue('');
  await page.locator('#branch-name').fill('郑州紫荆山路营业部');
  await page.locator('#branch-idle').fill('4');
  await branch.getByRole('button', { name: '保存' }).click();
  await expect(page.locator('#branch-idle-err')).toHaveText('请填写 5–480 之间的整数分钟，或留空（不自动退出）');
  await page.locator('#branch-idle').fill('５');
  // A notice is said in a live region that was on the page before it (one that arrives with
  // its text is not read out by every screen reader).
  const region = page.getByTestId('notice-region');
  await expect(region).toHaveAttribute('aria-live', 'polite');
  await branch.getByRole('button', { name: '保存' }).click();
  await expect(page.locator('.notice')).toContainText('营业部信息已保存');
  await expect(region).toContainText('营业部信息已保存');
  await page.reload();
  await expect(page.locator('#branch-idle')).toHaveValue('5');

  await signIn(page, '张敏');
  // Used within the time (a key pressed after four minutes): still signed in four minutes on.
  await page.clock.fastForward('04:00');
  await page.keyboard.press('Shift');
  await page.clock.fastForward('04:00');
  await expect(page.getByTestId('current-user')).toContainText('张敏');
  // In the last minute the page warns whoever is at it, counting down, with a way to stay.
  const warning = page.getByTestId('idle-warning');
  await expect(warning).toContainText('张敏 将在一分钟内因无人操作自动退出登录');
  const left = Number((await warning.getByTestId('idle-seconds').textContent()).match(/\d+/)[0]);
  expect(left).toBeGreaterThan(0);
  expect(left).toBeLessThanOrEqual(60);
  await warning.getByRole('button', { name: '继续使用' }).click();
  await expect(warning).toHaveCount(0);
  await page.clock.fastForward('04:30');
  await expect(warning).toBeVisible();
  await expect(page.getByTestId('current-user')).toContainText('张敏');
  // Then left alone past five minutes: signed out, and told why; the warning goes with it.
  await page.clock.fastForward('01:00');
  await expect(page.getByTestId('current-user')).toHaveText('未登录');
  await expect(warning).toHaveCount(0);
  await expect(page.locator('.notice')).toContainText('本设备已 5 分钟无人操作，张敏 已自动退出登录');
  // The notice follows a switch of language (before, it stayed in the one it was said in).
  await page.getByTestId('lang-switch').click();
  await expect(page.locator('.notice')).toContainText('Nobody used this device for 5 minutes: 张敏 was signed out');
  await page.getByTestId('lang-switch').click();
  await expect(page.locator('.notice')).toContainText('本设备已 5 分钟无人操作');
  // Nobody signed in, nothing more happens; signing in starts the time over.
  await signIn(page, '张敏');
  await page.clock.fastForward('03:00');
  await expect(page.getByTestId('current-user')).toContainText('张敏');
});

test('with staff on record and nobody signed in, no page but Settings shows the branch\'s data: a case, its print, the customers, the dashboard', async ({ page }) => {
  await setUpStaff(page);
  const caseUrl = await fileCase(page, { name: '吴先生', phone: '13500003333', narrative: '委托未成交，家住紫荆山路 8 号' });
  await expect(page.locator('main')).toContainText('13500003333');
  await open(page, '/settings');
  await page.getByTestId('device-signout').click();
  await expect(page.getByTestId('current-user')).toHaveText('未登录');
  // A PC left signed out showed the case, its phone and narrative, to whoever sat down.
  for (const path of [caseUrl, `${caseUrl}/print`, '/complaints', '/customers', '/demands', '/reports', '/']) {
    await open(page, path);
    await expect(page.getByTestId('sign-in-first')).toBeVisible();
    await expect(page.locator('main')).not.toContainText('13500003333');
    await expect(page.locator('main')).not.toContainText('吴先生');
    await expect(page.locator('main')).not.toContainText('紫荆山路');
  }
  await expect(page.getByTestId('sign-in-first')).toContainText('本设备无人登录');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('sign-in-first')).toContainText('Nobody is signed in on this device');
  await page.getByTestId('lang-switch').click();
  // Its link leads to the sign-in; signed in, the page comes back.
  await page.getByTestId('sign-in-first').getByRole('link').click();
  await expect(page).toHaveURL(/\/settings#device$/);
  await signIn(page, '李强');
  await open(page, caseUrl);
  await expect(page.getByTestId('sign-in-first')).toHaveCount(0);
  await expect(page.locator('main')).toContainText('13500003333');
});

/** Files a complaint as whoever is signed in; returns the case's path. */
async function fileCase(page, { name, phone, narrative }) {
  await open(page, '/complaints/new');
  await page.locator('#c-name').fill(name);
  await page.locator('#c-phone').fill(phone);
  await page.locator('#c-narrative').fill(narrative);
  await page.locator('#c-category').selectOption('service_attitude');
  await page.locator('#c-severity').selectOption('3');
  await page.locator('#c-department').fill('运营部');
  await page.getByTestId('save-complaint').click();
  await expect(page).toHaveURL(/\/complaints\/complaint:/);
  return new URL(page.url()).pathname;
}

/** Files a complaint as whoever is signed in and takes it to its opinion (not ours), awaiting
 *  approval; returns the case's path. */
async function fileToOpinion(page, { name, phone, narrative, findings, opinion }) {
  const caseUrl = await fileCase(page, { name, phone, narrative });
  await act(page, 'start_investigation');
  await act(page, 'record_findings', () => page.locator('#f-text').fill(findings));
  await act(page, 'submit_opinion', async () => {
    await page.locator('#f-responsibility').selectOption('not_ours');
    await page.locator('#f-text').fill(opinion);
  });
  await expect(page.getByTestId('case-status')).toHaveText('待审批');
  return caseUrl;
}

test('a deactivated supervisor is signed out (at start-up too) and cannot approve', async ({ page }) => {
  test.setTimeout(120_000);
  await setUpStaff(page);
  // 张敏 files a case and submits her opinion: it awaits 李强's approval.
  const caseUrl = await fileToOpinion(page, { name: '钱女士', phone: '13812345678', narrative: '柜台人员态度冷淡。', findings: '属实', opinion: '向客户解释' });
  await open(page, '/settings');
  await signIn(page, '李强');
  await open(page, caseUrl);
  await expect(page.getByTestId('action-approve')).toBeVisible();

  // 李强 leaves the branch: the manager deactivates him.
  await asManager(page);
  const lee = await page.locator('#device-staff option', { hasText: '李强' }).getAttribute('value');
  expect(lee).toMatch(/^staff:/);
  await row(page, '李强').getByTestId('staff-toggle').click();
  // Saved (the row says 启用 now: 停用 was the button's own word before the click).
  await expect(row(page, '李强').getByTestId('staff-toggle')).toHaveText('启用');
  // This device still names 李强 as its user, as one where he was signed in when the
  // deactivation arrived (by sync) would. Written while the app is not running on the page
  // (a plain file of the same origin is open): a running app re-reads its user after every
  // write and would sign him out before the reload, telling it on the page the reload drops.
  await page.goto('/manifest.webmanifest');
  await page.evaluate(async (id) => {
    const db = await new Promise((ok, no) => { const r = indexedDB.open('kefu'); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
    const tx = db.transaction('local', 'readwrite');
    const store = tx.objectStore('local');
    const device = await new Promise((ok) => { const r = store.get('device'); r.onsuccess = () => ok(JSON.parse(r.result)); });
    device.current_staff_id = id;
    store.put(JSON.stringify(device), 'device');
    await new Promise((ok, no) => { tx.oncomplete = ok; tx.onerror = () => no(tx.error); });
    db.close();
  }, lee);
  await open(page, '/settings');
  // At start-up he is signed out, and told why.
  await expect(page.locator('.notice')).toContainText('李强已停用，已退出本设备');
  await expect(page.getByTestId('current-user')).toHaveText('未登录');
  await expect(page.locator('#device-staff option', { hasText: '李强' })).toHaveCount(0);
  // The case cannot be approved by him: nobody is signed in, and the case is not shown.
  await open(page, caseUrl);
  await expect(page.getByTestId('sign-in-first')).toBeVisible();
  await expect(page.getByTestId('action-approve')).toHaveCount(0);
  // Still waiting for an approval, as anyone signed in sees.
  await open(page, '/settings');
  await signIn(page, '张敏');
  await open(page, caseUrl);
  await expect(page.getByTestId('case-status')).toHaveText('待审批');
  await expect(page.getByTestId('history')).not.toContainText('审批通过');
});

test('the branch\'s one supervisor writes the opinion: it goes up to the manager, who approves it; the case then waits for its response, not an approval', async ({ page }) => {
  test.setTimeout(120_000);
  await setUpStaff(page);
  await open(page, '/settings');
  await signIn(page, '李强');
  const caseUrl = await fileToOpinion(page, { name: '孙先生', phone: '13812345679', narrative: '转账到账延迟。', findings: '银行端延迟', opinion: '向客户解释到账规则' });
  // He is told whose approval it waits for, and why not his.
  await expect(page.getByTestId('no-actions')).toHaveText('等待客服经理审批。不能审批本人提交的处理意见。');
  // The manager may send it back (it does not wait for a supervisor that the branch does not
  // have), and approves it once submitted again.
  await asManager(page);
  await open(page, caseUrl);
  await act(page, 'reject', () => page.locator('#f-text').fill('请补充到账规则的书面依据'));
  await open(page, '/settings');
  await signIn(page, '李强');
  await open(page, caseUrl);
  await act(page, 'submit_opinion', async () => {
    await page.locator('#f-responsibility').selectOption('not_ours');
    await page.locator('#f-text').fill('向客户解释到账规则，并附书面依据');
  });
  await asManager(page);
  const approvalCount = page.getByTestId('dash-approval').locator('.n');
  await open(page, '/');
  await expect(approvalCount).toHaveText('1');
  await open(page, caseUrl);
  await act(page, 'approve');
  await expect(page.getByTestId('case-status')).toHaveText('已审批，待反馈');
  await expect(page.getByTestId('action-respond')).toBeVisible();
  await expect(page.getByTestId('action-approve')).toHaveCount(0);
  // The dashboard's 待审批 no longer counts it (nobody's approval is awaited) and its urgent
  // list says what it waits for; the list's 待审批 filter leaves it out, its own filter has it.
  await open(page, '/');
  await expect(approvalCount).toHaveText('0');
  await expect(page.getByTestId('dash-urgent-row').filter({ hasText: '孙先生' })).toContainText('已审批，待反馈');
  await open(page, '/complaints?status=awaiting_approval');
  await expect(page.getByTestId('no-complaints')).toBeVisible();
  await page.locator('#l-status').selectOption('approved');
  await expect(page).toHaveURL(/status=approved/);
  await expect(page.getByTestId('complaint-row')).toHaveCount(1);
  // Its CSV says so too, not 待审批.
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const file = tmpPath(`approved-${Date.now()}.csv`);
  await (await downloading).saveAs(file);
  const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(',已审批，待反馈,');
  // The list says the same; the printed form says why no supervisor signed.
  await expect(page.getByTestId('complaint-row').filter({ hasText: '孙先生' })).toContainText('已审批，待反馈');
  await open(page, '/complaints');
  await expect(page.getByTestId('complaint-row').filter({ hasText: '孙先生' })).toContainText('已审批，待反馈');
  await open(page, `${caseUrl}/print`);
  await expect(page.getByTestId('print-senior-author')).toHaveText('客服主管本人提交，报客服经理审批');
  // The form staff sign keeps the 退回 and its reason, not only the last decision.
  const trail = page.getByTestId('print-approval-trail');
  const decisions = trail.locator('td > div');
  await expect(decisions).toHaveCount(2);
  await expect(decisions.first()).toContainText('第 1 次提交 · 客服经理 · 退回 · 王经理');
  await expect(decisions.first()).toContainText('请补充到账规则的书面依据');
  await expect(decisions.nth(1)).toContainText('第 2 次提交 · 客服经理 · 同意');
  // And what was sent back, as submitted: the resubmission replaced it above (QA: the refused
  // text was in no record, paper or backup).
  await expect(decisions.first().getByTestId('print-sent-back'))
    .toHaveText('退回的处理意见（李强）：非我方责任（政策或不可抗力） · 向客户解释到账规则');
  await expect(page.getByTestId('print-sent-back')).toHaveCount(1);
  // Who took each step, and when: the findings, the opinion submitted (the last submission).
  await expect(page.getByTestId('print-findings-by')).toHaveText(/^李强 · \d{4}-\d\d-\d\d \d\d:\d\d$/);
  await expect(page.getByTestId('print-opinion-by')).toHaveText(/^提交：李强 · \d{4}-\d\d-\d\d \d\d:\d\d$/);
  // When it was printed, and on every page the branch and case above, the page of pages below.
  await expect(page.getByTestId('sheet-printed')).toHaveText(/^打印时间：\d{4}-\d\d-\d\d \d\d:\d\d$/);
  const caseNo = await page.getByTestId('sheet-case-no').textContent();
  const margins = () => page.getByTestId('sheet-page-margins').evaluate((e) => e.textContent);
  await expect.poll(margins).toContain(`@top-left { content: "(BR01) · ${caseNo}"`);
  await expect.poll(margins).toContain('@bottom-right { content: "第 " counter(page) " 页，共 " counter(pages) " 页"');
  await page.getByTestId('lang-switch').click();
  await expect(decisions.first().getByTestId('print-sent-back')).toContainText('The opinion sent back (李强)');
  await expect.poll(margins).toContain('"Page " counter(page) " of " counter(pages)');
  await page.getByTestId('lang-switch').click();
});

test('the branch\'s one manager is told before submitting an opinion nobody could approve; a second manager approves it; a step overtaken in another tab keeps its text', async ({ page, context }) => {
  test.setTimeout(150_000);
  await setUpStaff(page);
  await asManager(page);
  await open(page, '/complaints/new');
  await page.locator('#c-name').fill('周先生');
  // A phone typed in full-width digits (a Chinese input method's) is the same number.
  await page.locator('#c-phone').fill('１３８１２３４５６７０');
  await page.locator('#c-narrative').fill('营业部电话无人接听。');
  // The same person named twice is named once.
  await page.locator('#c-staff').fill('小刘, 小刘 ，小王');
  await page.locator('#c-category').selectOption('service_attitude');
  await page.locator('#c-severity').selectOption('2');
  await page.locator('#c-department').fill('运营部');
  await page.getByTestId('save-complaint').click();
  await expect(page).toHaveURL(/\/complaints\/complaint:/);
  const caseUrl = new URL(page.url()).pathname;
  await expect(page.locator('.kv', { hasText: '涉及人员' }).locator('dd')).toHaveText('小刘、小王');
  await act(page, 'start_investigation');
  await act(page, 'record_findings', () => page.locator('#f-text').fill('属实'));
  // A second tab has the opinion form open, typed in.
  const other = await context.newPage();
  await open(other, caseUrl);
  await other.getByTestId('action-submit_opinion').click();
  await other.locator('#f-responsibility').selectOption('not_ours');
  await other.locator('#f-text').fill('另一页写的意见');
  // Submitted by the only manager, nobody could approve it: said, and nothing changes.
  await page.getByTestId('action-submit_opinion').click();
  await page.locator('#f-responsibility').selectOption('not_ours');
  await page.locator('#f-text').fill('向客户说明接听安排');
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-error')).toContainText('提交后将无人能审批：本营业部没有本人以外在职的客服经理');
  await expect(page.getByTestId('case-status')).toHaveText('调查处理中');
  // With a second manager it goes up to them, who approves it.
  await open(page, '/settings');
  await addStaff(page, '赵经理', 'manager');
  await open(page, caseUrl);
  await act(page, 'submit_opinion', async () => {
    await page.locator('#f-responsibility').selectOption('not_ours');
    await page.locator('#f-text').fill('向客户说明接听安排');
  });
  await expect(page.getByTestId('case-status')).toHaveText('待审批');
  // The other tab, signed in as the same manager, has nothing left to do on it: what it
  // typed is shown, not dropped without a word.
  await expect(other.getByTestId('action-overtaken')).toContainText('此案件已在别处办理，现为“待审批”');
  await expect(other.getByTestId('action-overtaken')).toContainText('另一页写的意见');
  await other.getByTestId('action-overtaken').getByRole('button', { name: '知道了' }).click();
  await expect(other.getByTestId('action-overtaken')).toHaveCount(0);
  // 赵经理 signs in and starts the approval in the other tab; meanwhile 王经理 makes him a
  // supervisor. Back, 赵经理 finds his typing: the case has not moved, the step is just no
  // longer his to take (QA: it said the case was handled elsewhere).
  await open(page, '/settings');
  await signIn(page, '赵经理');
  await other.getByTestId('action-approve').click();
  await other.locator('#f-text').fill('同意，请尽快反馈');
  await signIn(page, '王经理');
  const zhao = page.getByTestId('staff-table').locator('tr', { hasText: '赵经理' });
  await zhao.getByTestId('staff-edit').click();
  await page.locator('#edit-role').selectOption('supervisor');
  await page.getByTestId('edit-role-save').click();
  await expect(zhao).toContainText('客服主管');
  await signIn(page, '赵经理');
  await expect(other.getByTestId('action-overtaken')).toContainText('您填写的“审批通过”未提交：案件仍为“待审批”，但这一步现在不能由您（客服主管）办理');
  await expect(other.getByTestId('action-overtaken')).toContainText('同意，请尽快反馈');
  await expect(other.getByTestId('action-overtaken')).not.toContainText('已在别处办理');
  await other.close();
  await signIn(page, '王经理');
  await zhao.getByTestId('staff-edit').click();
  await page.locator('#edit-role').selectOption('manager');
  await page.getByTestId('edit-role-save').click();
  await expect(zhao).toContainText('客服经理');
  await signIn(page, '赵经理');
  await open(page, caseUrl);
  await act(page, 'approve');
  await expect(page.getByTestId('case-status')).toHaveText('已审批，待反馈');
});

test('a second active staff member of the same name is refused in words, and the sign-in list shows each one\'s role', async ({ page }) => {
  await setUpStaff(page);
  await asManager(page);
  const tryAdd = async (name) => {
    await page.locator('#staff-name').fill(name);
    await page.locator('#staff-role').selectOption('supervisor');
    await page.locator('#staff-pin').fill('1357');
    await page.locator('#staff-pin2').fill('1357');
    await page.locator('#staff-pin2').press('Enter');
  };
  // Said under the name, which takes the keyboard (it went to the notice at the page's top,
  // far above the form), in the language shown, until the name is changed.
  await tryAdd(' 张敏 ');
  await expect(page.locator('#staff-name-err')).toContainText('已有一位在岗人员名为“张敏”');
  await expect(page.locator('#staff-name')).toBeFocused();
  await expect(page.getByTestId('staff-row').filter({ hasText: '张敏' })).toHaveCount(1);
  await page.getByTestId('lang-switch').click();
  await expect(page.locator('#staff-name-err')).toContainText('An active staff member is already called “张敏”');
  await page.locator('#staff-name').fill('张敏2');
  await expect(page.locator('#staff-name-err')).toHaveText('');
  await expect(page.locator('#staff-name')).not.toHaveAttribute('aria-invalid', /./);
  await tryAdd('张敏');
  await expect(page.locator('#staff-name-err')).toContainText('An active staff member is already called “张敏”');
  await expect(page.getByTestId('staff-row').filter({ hasText: '张敏' })).toHaveCount(1);
  // The sign-in list names the role after the name, in the language shown.
  const options = page.locator('#device-staff option');
  await expect(options).toHaveText(['— choose —', '张敏 (Specialist)', '李强 (Supervisor)', '王经理 (Manager)']);
  await page.getByTestId('lang-switch').click();
  await expect(options).toHaveText(['— 请选择 —', '张敏（客服专员）', '李强（客服主管）', '王经理（客服经理）']);
  // Once the first 张敏 is deactivated, the name is free for someone else.
  await row(page, '张敏').getByTestId('staff-toggle').click();
  await expect(row(page, '张敏').getByTestId('staff-toggle')).toHaveText('启用');
  await tryAdd('张敏');
  await expect(page.locator('.notice')).toContainText('已添加 张敏');
  await expect(options).toHaveText(['— 请选择 —', '张敏（客服主管）', '李强（客服主管）', '王经理（客服经理）']);
  // The next person starts as a specialist again (the role chosen last made the next ones
  // managers), also after a reload.
  await expect(page.locator('#staff-role')).toHaveValue('specialist');
  await page.reload();
  await expect(page.locator('#staff-role')).toHaveValue('specialist');
  // A name in other letters or spacing is the same name.
  await tryAdd('Carl Xu');
  await expect(page.locator('.notice')).toContainText('已添加 Carl Xu');
  await tryAdd('carl  xu ');
  await expect(page.locator('#staff-name-err')).toContainText('已有一位在岗人员名为“Carl Xu”');
  await expect(page.getByTestId('staff-row').filter({ hasText: /carl\s+xu/i })).toHaveCount(1);
});

test('two active members of one name (added on two devices cut off from each other) are pointed out until one is deactivated', async ({ page }) => {
  const pin = { salt: '00'.repeat(16), iterations: 1000, hash: '00'.repeat(32) };
  await seedBackup(page, [
    { _id: 'staff:01E2ESTAFFTWINS00000000001', type: 'staff', name: '张敏', role: 'specialist', active: true, pin_hash: pin },
    { _id: 'staff:01E2ESTAFFTWINS00000000002', type: 'staff', name: '张敏', role: 'specialist', active: true, pin_hash: pin },
    { _id: 'staff:01E2ESTAFFTWINS00000000003', type: 'staff', name: '李强', role: 'supervisor', active: true, pin_hash: pin },
  ]);
  await open(page, '/settings');
  const note = '另有一位在岗人员也叫“张敏”（可能由两台设备分别添加），登录、案件记录和报表无法区分二人：如为同一人，请停用多余的一位。';
  await expect(page.getByTestId('staff-namesake')).toHaveText([note, note]);
  await expect(row(page, '李强').getByTestId('staff-namesake')).toHaveCount(0);
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('staff-namesake').first()).toContainText('Another active member is also called “张敏”');
  await page.getByTestId('lang-switch').click();
  // No manager yet: anyone may administer. One of the two is deactivated; the note goes.
  await row(page, '张敏').first().getByTestId('staff-toggle').click();
  await expect(row(page, '张敏').getByTestId('staff-toggle').filter({ hasText: '启用' })).toHaveCount(1);
  await expect(page.getByTestId('staff-namesake')).toHaveCount(0);
});

test('with every manager deactivated (two devices cut off, each stepping one down), anyone may administer again, and the page says why, not "first setup"', async ({ page }) => {
  const pin = { salt: '00'.repeat(16), iterations: 1000, hash: '00'.repeat(32) };
  await seedBackup(page, [
    { _id: 'staff:01E2ESTAFFLAPSED0000000001', type: 'staff', name: '王经理', role: 'manager', active: false, pin_hash: pin },
    { _id: 'staff:01E2ESTAFFLAPSED0000000002', type: 'staff', name: '张敏', role: 'specialist', active: true, pin_hash: pin },
  ]);
  await open(page, '/settings');
  await expect(row(page, '王经理').getByTestId('staff-toggle')).toHaveText('启用');
  await expect(staff(page).getByTestId('admin-setup')).toHaveText(
    '在岗的客服经理均已停用：在重新启用或添加客服经理之前，任何人都可以添加人员和修改营业部设置。');
  await expect(page.locator('#staff-name')).toBeEnabled();
  await page.getByTestId('lang-switch').click();
  await expect(staff(page).getByTestId('admin-setup')).toHaveText(
    "Every manager has been deactivated: until a manager is reactivated or added, anyone may add staff and change the branch's settings.");
});
