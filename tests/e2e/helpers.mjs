// Steps many specs share: creating staff in Settings and signing in on this device.
import { expect, open } from './fixtures.mjs';

/** Adds a staff member in Settings (the page must be /settings). role: specialist|supervisor|manager */
export async function addStaff(page, name, role = 'specialist', pin = '2468') {
  await page.locator('#staff-name').fill(name);
  await page.locator('#staff-role').selectOption(role);
  await page.locator('#staff-pin').fill(pin);
  await page.locator('#staff-pin2').fill(pin);
  await page.locator('#staff-pin2').press('Enter');
  await expect(page.getByTestId('staff-table')).toContainText(name);
}

/**
 * Chooses a staff member in the device sign-in list (the page must be /settings). The option
 * reads "name（role）" / "name (Role)": it is found by the name before the role (or
 * the name alone).
 */
export async function chooseStaff(page, name) {
  const select = page.locator('#device-staff');
  const option = select.locator('option').filter({
    hasText: new RegExp(`^\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*(（[^）]*）| \\([^)]*\\))?\\s*$`),
  });
  await expect(option).toHaveCount(1);
  await select.selectOption(await option.getAttribute('value'));
}

/** Signs a staff member in on this device (the page must be /settings). */
export async function signIn(page, name, pin = '2468') {
  await chooseStaff(page, name);
  await page.locator('#device-pin').fill(pin);
  await page.locator('#device-pin').press('Enter');
  await expect(page.getByTestId('current-user')).toContainText(name);
}

/**
 * Goes to Settings, adds the given staff and signs the first one in. As on a new install:
 * anyone adds staff until the first manager exists, so the others come first, then the first
 * manager; any further manager is added by that manager, signed in.
 */
export async function setUpStaff(page, people = [['张敏', 'specialist'], ['李强', 'supervisor'], ['王经理', 'manager']]) {
  await open(page, '/settings');
  const managers = people.filter(([, role]) => role === 'manager');
  for (const [name, role] of people.filter(([, r]) => r !== 'manager')) await addStaff(page, name, role);
  for (const [i, [name, role]] of managers.entries()) {
    if (i === 1) await signIn(page, managers[0][0]);
    await addStaff(page, name, role);
  }
  await signIn(page, people[0][0]);
}

/** Signs the manager in (in Settings) for a step only a manager may take; stays on /settings. */
export async function asManager(page, name = '王经理', pin = '2468') {
  await open(page, '/settings');
  await signIn(page, name, pin);
}

/** Settings' branch calendar turned to the year of day `d` ('YYYY-MM-DD'). */
export async function showCalendarYear(page, d) {
  const year = page.getByTestId('cal-year');
  while (Number(await year.textContent()) > Number(d.slice(0, 4))) await page.getByRole('button', { name: '上一年' }).click();
  while (Number(await year.textContent()) < Number(d.slice(0, 4))) await page.getByRole('button', { name: '下一年' }).click();
}

/** Closes `tab` and waits until `from`, a tab of the same browser, no longer sees it open: the
 * browser lets go of a closed tab's lock a moment later, and a form opened before that leaves
 * the closed tab's draft for another time (it still counts the tab as open). */
export async function closeTab(tab, from) {
  const open = () => from.evaluate(async () => (await navigator.locks.query()).held
    .filter((l) => l.name.startsWith('kefu-tab:')).length);
  const before = await open();
  await tab.close();
  await expect.poll(open).toBe(before - 1);
}

/** Takes one action on the case page: opens its form, lets `fill` fill it, submits it. */
export async function act(page, kind, fill) {
  await page.getByTestId(`action-${kind}`).click();
  await expect(page.getByTestId('action-form')).toBeVisible();
  if (fill) await fill();
  await page.getByTestId('action-submit').click();
  await expect(page.getByTestId('action-form')).toHaveCount(0);
}

/** The device's IndexedDB copy of its localStorage entries (ui/mirror.js): key → value, null
 *  for a removal the copy still records. */
export async function mirrorCopy(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const r = indexedDB.open('kefu-mirror');
    r.onsuccess = () => {
      const kv = r.result.transaction('kv').objectStore('kv');
      const keys = kv.getAllKeys();
      const values = kv.getAll();
      values.onsuccess = () => {
        r.result.close();
        // An earlier build kept the value alone, unstamped.
        resolve(Object.fromEntries(keys.result.map((k, i) => {
          const e = values.result[i];
          return [k, e !== null && typeof e === 'object' ? e.v : e];
        })));
      };
    };
    r.onerror = () => resolve({});
  }));
}

/** The statutory holidays of 2027 by law (全国年节及纪念日放假办法), as a notice gives them. */
export const STATUTORY_2027 = [['2027-01-01', '元旦'], ['2027-02-05', '春节'], ['2027-02-06', '春节'], ['2027-02-07', '春节'],
  ['2027-02-08', '春节'], ['2027-04-05', '清明节'], ['2027-05-01', '劳动节'], ['2027-05-02', '劳动节'],
  ['2027-06-09', '端午节'], ['2027-09-15', '中秋节'], ['2027-10-01', '国庆节'], ['2027-10-02', '国庆节'], ['2027-10-03', '国庆节']];

/** Enters each [date, Chinese name] as a holiday in Settings' calendar (the page must show it). */
export async function enterHolidays(page, days) {
  for (const [day, zh] of days) {
    await page.locator('#cal-date').fill(day);
    await page.locator('#cal-zh').fill(zh);
    await page.getByRole('button', { name: '添加日期' }).click();
    await expect(page.getByTestId('cal-days').locator('tr', { hasText: day }).getByRole('button', { name: '删除' })).toBeVisible();
  }
}
