// Sync end to end: two (or three) devices — separate browser contexts, each with its own
// IndexedDB — syncing through a real PouchDB Server (tests/e2e/peer.mjs) that the tests cut
// off, kill and restart.
//
// The records the devices share are staff profiles (Settings → Staff) and the branch settings
// until the complaint pages exist: to switch, change `makeRecord`, `editRecord`, `recordRows`
// and `setBranch` below.
import { test, expect, open } from './fixtures.mjs';
import { startPeer, stopPeer, peerIds } from './peer.mjs';

const DB = 'kefu';
const RESPONSES = 'kefu-responses';

test.afterEach(async () => { await stopPeer(); });

/** A second device: its own browser context (own IndexedDB, own cookies). */
async function device(browser, server) {
  const context = await browser.newContext({ baseURL: server.url, locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /panicked/.test(m.text())) errors.push(m.text());
    if (process.env.KEFU_DEBUG) console.log(`[${m.type()}] ${m.text()}`);
  });
  await open(page, '/settings');
  // `open` can return before the wasm has mounted anything (no `.boot` yet): wait for the app.
  await expect(page.getByTestId('sync-form')).toBeVisible({ timeout: 30_000 });
  return { context, page, errors };
}

/** Fills the sync settings and signs in. */
async function connect(page, peer, { db = DB, responsesDb = '', user = '', password = '', mode = 'two_way', auth = 'session' } = {}) {
  await page.locator('#sync-url').fill(peer.url);
  await page.locator('#sync-db').fill(db);
  await page.locator('#sync-responses-db').fill(responsesDb);
  await page.locator('#sync-mode').selectOption(mode);
  await page.locator('#sync-auth').selectOption(auth);
  await page.locator('#sync-user').fill(user);
  await page.locator('#sync-password').fill(password);
  await page.getByTestId('sync-connect').click();
}

const status = (page) => page.getByTestId('sync-status');

async function synced(page, timeout = 30_000) {
  try {
    await expect(status(page)).toHaveAttribute('data-phase', 'synced', { timeout });
  } catch (e) {
    const msg = await page.getByTestId('sync-message').innerText().catch(() => '');
    const detail = await page.getByTestId('sync-detail').innerText().catch(() => '');
    throw new Error(`not synced; message: ${msg}; detail: ${detail}\n${e.message}`);
  }
}

// ---- the shared record (staff profiles for now)

async function makeRecord(page, name) {
  await page.locator('#staff-name').fill(name);
  await page.locator('#staff-pin').fill('1234');
  await page.locator('#staff-pin2').fill('1234');
  await page.locator('form').filter({ has: page.locator('#staff-name') }).getByRole('button', { name: '添加' }).click();
  await expect(recordRow(page, name)).toHaveCount(1, { timeout: 20_000 });
}

const recordRows = (page) => page.getByTestId('staff-table').locator('tbody tr').filter({ hasNot: page.locator('td[colspan]') });
const recordRow = (page, name) => recordRows(page).filter({ has: page.getByRole('cell', { name, exact: true }) });

/** Toggles the profile active/inactive (the one edit staff rows offer). */
async function editRecord(page, name) {
  const row = recordRow(page, name);
  const before = await row.locator('td').nth(2).innerText();
  await row.getByRole('button').click();
  await expect(row.locator('td').nth(2)).not.toHaveText(before, { timeout: 10_000 });
}

/** Staff documents written straight to the peer with fixed revisions (so a restarted,
 *  empty peer can be given exactly the same ones again). */
function seedDocs(n) {
  return Array.from({ length: n }, (_, i) => {
    const id = `staff:01SEED${String(i).padStart(6, '0')}`;
    const hash = (i + 1).toString(16).padStart(32, '0');
    return {
      _id: id, _rev: `1-${hash}`, _revisions: { start: 1, ids: [hash] }, type: 'staff',
      name: `种子${String(i).padStart(3, '0')}`, role: 'specialist', active: true,
      pin_hash: { salt: '00', iterations: 1, hash: '00' },
    };
  });
}

async function seed(peer, docs, db = DB) {
  const r = await peer.request('POST', `/${db}/_bulk_docs`, { docs, new_edits: false });
  expect(r.status).toBe(201);
}

// ---------------------------------------------------------------------------------------------

test('a record made on device A appears on device B, and the header says synced', async ({ browser, server }) => {
  const peer = await startPeer();
  const a = await device(browser, server);
  const b = await device(browser, server);
  await expect(status(a.page)).toHaveAttribute('data-phase', 'off');
  await connect(a.page, peer);
  await synced(a.page);
  await makeRecord(a.page, '张三');
  await expect(status(a.page)).toHaveAttribute('data-pending', '0', { timeout: 20_000 });
  await connect(b.page, peer);
  await expect(recordRow(b.page, '张三')).toHaveCount(1, { timeout: 30_000 });
  await synced(b.page);
  await expect(status(b.page)).toContainText('已同步');
  await expect(b.page.getByTestId('sync-last')).toHaveText(/\d\d:\d\d/);
  // The app's data reached the server, and nothing was stored twice.
  const ids = await peerIds(DB);
  expect(ids.filter((id) => id.startsWith('staff:'))).toHaveLength(1);
  // In English too.
  await b.page.getByTestId('lang-switch').click();
  await expect(status(b.page)).toContainText('Synced');
  expect(a.errors.concat(b.errors)).toEqual([]);
});

/** Saves the branch name (the shared branch settings document: a record both devices edit). */
async function setBranch(page, name) {
  await page.locator('#branch-name').fill(name);
  await page.locator('#branch-code').fill('0101');
  await page.locator('form').filter({ has: page.locator('#branch-name') }).getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('branch-name')).toHaveText(name, { timeout: 10_000 });
}

test('edits made offline on two devices are both kept; the conflict is shown and settled', async ({ browser, server }) => {
  const peer = await startPeer();
  const a = await device(browser, server);
  const b = await device(browser, server);
  await connect(a.page, peer);
  await synced(a.page);
  await setBranch(a.page, '总部营业部');
  await makeRecord(a.page, '李四');
  await connect(b.page, peer);
  await expect(recordRow(b.page, '李四')).toHaveCount(1, { timeout: 30_000 });
  await expect(b.page.getByTestId('branch-name')).toHaveText('总部营业部', { timeout: 30_000 });
  await synced(b.page);

  await a.context.setOffline(true);
  await b.context.setOffline(true);
  // Both rename the branch, differently; each adds a profile of its own.
  await setBranch(a.page, '一号营业部');
  await setBranch(b.page, '二号营业部');
  await makeRecord(a.page, '甲设备新增');
  await makeRecord(b.page, '乙设备新增');
  // The same edit made on both devices (deactivating 李四) is the same revision: no conflict.
  await editRecord(a.page, '李四');
  await editRecord(b.page, '李四');
  await expect(status(a.page)).toHaveAttribute('data-phase', 'offline', { timeout: 15_000 });
  await expect(status(a.page)).toHaveAttribute('data-pending', '3');
  await expect(status(a.page)).toContainText('离线');

  await a.context.setOffline(false);
  await b.context.setOffline(false);
  for (const d of [a, b]) {
    await expect(recordRow(d.page, '甲设备新增')).toHaveCount(1, { timeout: 45_000 });
    await expect(recordRow(d.page, '乙设备新增')).toHaveCount(1, { timeout: 45_000 });
  }
  // Both branch names are kept and listed side by side, on both devices; only that one.
  for (const d of [a, b]) {
    const conflict = d.page.getByTestId('conflict');
    await expect(conflict).toHaveCount(1, { timeout: 45_000 });
    await expect(conflict.getByTestId('conflict-version')).toHaveCount(2);
    await expect(conflict).toContainText('一号营业部');
    await expect(conflict).toContainText('二号营业部');
  }
  // The deterministic winner shows on both devices.
  const shown = await a.page.getByTestId('branch-name').innerText();
  expect(['一号营业部', '二号营业部']).toContain(shown);
  await expect(b.page.getByTestId('branch-name')).toHaveText(shown);
  const other = shown === '一号营业部' ? '二号营业部' : '一号营业部';
  // Staff on A keep the other version; it reaches B and the conflict is gone everywhere.
  await a.page.getByTestId('conflict').getByTestId('conflict-version').nth(1).getByRole('button', { name: '保留此版本' }).click();
  await expect(a.page.getByTestId('branch-name')).toHaveText(other, { timeout: 15_000 });
  await expect(b.page.getByTestId('branch-name')).toHaveText(other, { timeout: 45_000 });
  await expect(a.page.getByTestId('conflict')).toHaveCount(0);
  await expect(b.page.getByTestId('conflict')).toHaveCount(0, { timeout: 45_000 });
  await expect(recordRow(b.page, '李四')).toContainText('停用');
  expect(a.errors.concat(b.errors)).toEqual([]);
});

test('the server killed mid-sync and restarted: sync resumes, counts match, nothing doubled', async ({ browser, server }) => {
  let peer = await startPeer();
  const docs = seedDocs(230);
  await seed(peer, docs);
  const a = await device(browser, server);
  // Kill the server when A asks for its second batch of documents.
  let bulkGets = 0;
  let killed = false;
  await a.context.route(`${peer.url}/**`, async (route) => {
    if (route.request().url().includes('/_bulk_get') && ++bulkGets === 2 && !killed) {
      killed = true;
      await stopPeer();
      await route.abort('connectionreset');
      return;
    }
    await route.continue();
  });
  await connect(a.page, peer);
  await expect.poll(() => killed, { timeout: 30_000 }).toBe(true);
  await expect(status(a.page)).toHaveAttribute('data-phase', /offline|error/, { timeout: 30_000 });
  const partial = await recordRows(a.page).count();
  expect(partial).toBeGreaterThanOrEqual(100);
  expect(partial).toBeLessThan(230);
  // Back on the same port — empty, as an in-memory server is — given the same documents.
  peer = await startPeer({ port: peer.port });
  await seed(peer, docs);
  await makeRecord(a.page, '重启期间新增');
  await expect(recordRows(a.page)).toHaveCount(231, { timeout: 60_000 });
  await synced(a.page, 60_000);
  await expect(status(a.page)).toHaveAttribute('data-pending', '0');
  expect((await peerIds(DB)).length).toBe(231);
  // A second device gets exactly the same.
  const b = await device(browser, server);
  await connect(b.page, peer);
  await expect(recordRows(b.page)).toHaveCount(231, { timeout: 60_000 });
  await synced(b.page);
  expect(a.errors.concat(b.errors)).toEqual([]);
});

test('a wrong password gives a clear message; the right one syncs', async ({ browser, server }) => {
  const peer = await startPeer({ users: [{ name: 'wang', password: 'correct-horse', roles: ['kefu_staff'] }] });
  const a = await device(browser, server);
  await connect(a.page, peer, { user: 'wang', password: 'wrong' });
  await expect(a.page.getByTestId('sync-message')).toContainText('用户名或密码错误', { timeout: 15_000 });
  await expect(status(a.page)).not.toHaveAttribute('data-phase', 'synced');
  await connect(a.page, peer, { user: 'wang', password: 'correct-horse' });
  await synced(a.page);
  // The password is not kept in localStorage (nor anywhere readable by the page).
  const stored = await a.page.evaluate(() => JSON.stringify(Object.assign({}, localStorage)));
  expect(stored).not.toContain('correct-horse');
  // Basic sign-in works too, and a reload asks to sign in again (password in memory only).
  await connect(a.page, peer, { user: 'wang', password: 'correct-horse', auth: 'basic' });
  await synced(a.page);
  await a.page.reload();
  await expect(a.page.getByTestId('sync-form')).toBeVisible({ timeout: 30_000 });
  await expect(status(a.page)).toHaveAttribute('data-phase', 'signin', { timeout: 15_000 });
  await expect(status(a.page)).toContainText('需要登录');
  expect(a.errors).toEqual([]);
});

test('a kiosk pushes responses while the server is down; they reach staff when it is back', async ({ browser, server }) => {
  let peer = await startPeer();
  const staff = await device(browser, server);
  await connect(staff.page, peer, { responsesDb: RESPONSES });
  await synced(staff.page);
  const kiosk = await device(browser, server);
  await connect(kiosk.page, peer, { responsesDb: RESPONSES, mode: 'kiosk_push' });
  await synced(kiosk.page);

  await stopPeer();
  // Three responses land on the kiosk while the server is down (brought in as a backup file
  // until the kiosk survey page exists).
  const responses = [1, 2, 3].map((i) => ({
    _id: `response:01KIOSK00000000000000000${i}`, _rev: `1-${String(i).repeat(32)}`, type: 'response',
    survey_id: 'survey:01TEST', channel: 'kiosk', answers: {}, submitted_at: `2026-11-23T10:0${i}:00`,
  }));
  const backup = { format: 'kefu-backup', version: 1, exported_at: '2026-11-23T10:00:00', branch: { name: '', code: '' }, docs: responses };
  await kiosk.page.getByTestId('import-file').setInputFiles({ name: 'k.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(backup)) });
  await kiosk.page.getByTestId('import-summary').getByRole('button', { name: '替换并导入' }).click();
  await expect(status(kiosk.page)).toHaveAttribute('data-pending', '3', { timeout: 20_000 });
  await expect(status(kiosk.page)).toHaveAttribute('data-phase', /offline|error/, { timeout: 30_000 });

  peer = await startPeer({ port: peer.port });
  await expect.poll(() => peerIds(RESPONSES), { timeout: 60_000 }).toHaveLength(3);
  await expect(status(kiosk.page)).toHaveAttribute('data-pending', '0', { timeout: 30_000 });
  // The staff device pulled them from the responses database (and, syncing two-way with the
  // main database, carried them there: only it could have).
  await expect.poll(async () => (await peerIds(DB)).filter((id) => id.startsWith('response:')).length, { timeout: 60_000 }).toBe(3);
  // The kiosk never pulled the staff data.
  await expect(recordRows(kiosk.page)).toHaveCount(0);
  expect(staff.errors.concat(kiosk.errors)).toEqual([]);
});

test('the design document installs and its validation keeps kiosks to adding responses', async ({ browser, server }) => {
  const peer = await startPeer();
  const a = await device(browser, server);
  await connect(a.page, peer, { responsesDb: RESPONSES });
  await synced(a.page);
  await a.page.getByTestId('sync-install').click();
  await expect(a.page.getByTestId('sync-message')).toContainText('已安装', { timeout: 15_000 });
  const ddoc = await peer.request('GET', `/${RESPONSES}/_design/kefu_responses`);
  expect(ddoc.status).toBe(200);
  const sec = await peer.request('GET', `/${DB}/_security`);
  expect(sec.body.members.roles).toEqual(['kefu_staff']);
  // Run the installed function as CouchDB would.
  const validate = new Function(`return (${ddoc.body.validate_doc_update});`)();
  const kiosk = { name: 'k1', roles: ['kefu_kiosk'] };
  const ok = { _id: 'response:1', type: 'response' };
  expect(() => validate(ok, null, kiosk, {})).not.toThrow();
  expect(() => validate({ _id: 'complaint:1', type: 'complaint' }, null, kiosk, {})).toThrow();
  expect(() => validate(ok, ok, kiosk, {})).toThrow();
  expect(() => validate({ ...ok, _deleted: true }, null, kiosk, {})).toThrow();
  expect(() => validate(ok, null, { name: 'x', roles: [] }, {})).toThrow();
  expect(() => validate({ _id: 'complaint:1', type: 'complaint' }, ok, { name: 's', roles: ['kefu_staff'] }, {})).not.toThrow();
  expect(a.errors).toEqual([]);
});
