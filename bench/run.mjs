// The benchmark (issue 8), run by scripts/bench: Kefu's own store, sync and report code (the
// `kefu-bench` wasm build in bench/dist) beside Dexie.js and PouchDB doing the same work on the
// same documents, in the same headless Chromium, in the same run; then the shipped app's sizes,
// its time to a usable first screen, and a staff area's first opening from the dashboard.
// Prints one JSON object, then a short table.
//
// Environment: KEFU_DIST (the app's release build, dist/ by default), KEFU_BENCH_DIST (the
// benchmark build, bench/dist), BENCH_N (documents of the large runs, 100000), BENCH_SMALL
// (10000: the small insert and the replication), BENCH_SEED (8), BENCH_OUT (also write the JSON
// there), CHROMIUM (/usr/bin/chromium).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startBenchServer } from './server.mjs';
import { startPeer, stopPeer } from '../tests/e2e/peer.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const appDist = path.resolve(process.env.KEFU_DIST || path.join(root, 'dist'));
process.env.KEFU_DIST = appDist;
const { startServer, servedByWorker } = await import('../tests/e2e/serve.mjs');

const N = Number(process.env.BENCH_N || 100_000);
const SMALL = Number(process.env.BENCH_SMALL || 10_000);
const SEED = Number(process.env.BENCH_SEED || 8);
const CHUNK = 1000;
const RUNS = 5;
const FIRST_SCREEN_RUNS = 3;
// Every generated complaint is received in October 2026; the figures are taken as of this time.
const NOW = '2026-11-20T10:00:00';
const YEAR = 2026;
const MONTH = 10;
const TERM = '强制平仓';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--enable-precise-memory-info', '--js-flags=--expose-gc'];

const log = (...a) => console.error('[bench]', ...a);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const round1 = (x) => (x == null ? null : Math.round(x * 10) / 10);
const ratio = (a, b) => (a == null || b == null || b === 0 ? null : Math.round((a / b) * 1000) / 1000);

async function step(page, name, fn, ...args) {
  log(`${name} …`);
  const t = Date.now();
  const out = await page.evaluate(([f, a]) => {
    const [head, rest] = f.startsWith('kefu_') ? ['kefu', [f, ...a]] : [f, a];
    return globalThis.bench[head](...rest);
  }, [fn, args]);
  log(`${name}: ${JSON.stringify(out).slice(0, 200)} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  return out;
}

/** Runs `f`, or records why it could not be measured. */
async function attempt(what, f) {
  try {
    return await f();
  } catch (e) {
    const reason = String(e && e.message ? e.message : e).split('\n')[0].slice(0, 300);
    log(`${what} failed: ${reason}`);
    return { missing: reason };
  }
}

function machine(browserVersion) {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0] ? cpus[0].model.trim() : 'unknown',
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    chromium: browserVersion,
    load_average_at_start: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

function compressed(file) {
  const buf = fs.readFileSync(file);
  return {
    raw: buf.length,
    gzip: zlib.gzipSync(buf, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(buf, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
    }).length,
  };
}

function add(into, size, file) {
  into.raw += size.raw; into.gzip += size.gzip; into.brotli += size.brotli; into.files.push(file);
}

/**
 * The app's wasm and JS. `wasm` is the main part, which every page loads; the staff areas' parts
 * (split-<hash>/, see scripts/tools/wasm-bindgen) are fetched when an area is first opened.
 * `wasm_areas` gives, per area, its part and the shared pieces it needs (from the loader's
 * comments), alone and with the main part: what opening that area's first page downloads.
 */
function sizes(dir) {
  if (!fs.existsSync(dir)) return { missing: `no release build at ${dir}` };
  const blank = () => ({ raw: 0, gzip: 0, brotli: 0, files: [] });
  const out = { wasm: blank(), js: blank(), wasm_parts: blank(), wasm_all: blank(), wasm_areas: {} };
  const partsDir = fs.readdirSync(dir).find((f) => /^split-[0-9a-f]+$/.test(f));
  const jsFiles = [];
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith('.wasm')) add(out.wasm, compressed(path.join(dir, f)), f);
    else if (f.endsWith('.js') && f !== 'sw.js') jsFiles.push(f);
  }
  const snippets = path.join(dir, 'snippets');
  if (fs.existsSync(snippets)) {
    for (const f of fs.readdirSync(snippets, { recursive: true })) {
      if (String(f).endsWith('.js')) jsFiles.push(path.join('snippets', String(f)));
    }
  }
  const partSizes = {};
  if (partsDir) {
    for (const f of fs.readdirSync(path.join(dir, partsDir))) {
      const rel = path.join(partsDir, f);
      if (f.endsWith('.js')) { jsFiles.push(rel); continue; }
      partSizes[f] = compressed(path.join(dir, rel));
      add(out.wasm_parts, partSizes[f], rel);
    }
    // The loader names, above each shared piece, the areas that need it: `/* a, b */ const __chunk_7
    // = makeLoad(() => { const src = fetch(new URL("./chunk_7.wasm" ...`.
    const loader = fs.readFileSync(path.join(dir, partsDir, '__wasm_split.js'), 'utf8');
    const needs = {};
    for (const m of loader.matchAll(/\/\* ([^*]+) \*\/\s*const __chunk_\d+ = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"/g)) {
      for (const area of m[1].split(', ')) (needs[area] ||= []).push(m[2]);
    }
    for (const f of Object.keys(partSizes).filter((f) => /^split_.*\.wasm$/.test(f)).sort()) {
      const area = f.slice('split_'.length, -'.wasm'.length);
      const a = blank();
      for (const piece of [f, ...(needs[area] || [])]) add(a, partSizes[piece], piece);
      out.wasm_areas[area] = { files: a.files.length, raw: a.raw, brotli: a.brotli, with_main_brotli: a.brotli + out.wasm.brotli };
    }
  }
  for (const f of jsFiles) add(out.js, compressed(path.join(dir, f)), f);
  for (const k of ['raw', 'gzip', 'brotli']) out.wasm_all[k] = out.wasm[k] + out.wasm_parts[k];
  out.wasm_all.files = [...out.wasm.files, ...out.wasm_parts.files];
  const areas = Object.values(out.wasm_areas);
  // The most wasm any page needs before it shows: the main part, plus its area's pieces if any.
  out.wasm_largest_page_brotli = Math.max(out.wasm.brotli, ...areas.map((a) => a.with_main_brotli));
  return out;
}

/** Navigation to a usable screen: `.boot` gone and `selector` present; ms since navigation start. */
async function usable(page, selector) {
  const h = await page.waitForFunction((sel) => (!document.querySelector('.boot') && document.querySelector(sel)
    ? performance.now() : false), selector, { polling: 'raf', timeout: 30_000 });
  return h.jsonValue();
}

async function firstScreen(browser, base, route, selector) {
  const cold = [];
  const warm = [];
  for (let i = 0; i < FIRST_SCREEN_RUNS; i++) {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
    const page = await ctx.newPage();
    await page.goto(base + route);
    cold.push(await usable(page, selector));
    await page.reload();
    warm.push(await usable(page, selector));
    await ctx.close();
  }
  return { cold_ms: round1(median(cold)), warm_ms: round1(median(warm)), cold_runs: cold.map(round1), warm_runs: warm.map(round1) };
}

/**
 * A staff area opened for the first time from the dashboard, as a staff PC does after its first
 * visit (served by the service worker): ms from the click on the Complaints link until the list
 * is in the document.
 * `pointed`: the link pointed at 150 ms before the click, as a hand on a mouse does (the area's
 * part is preloaded meanwhile); `clicked`: a click with no pointing first (a script's click).
 */
/**
 * The lobby kiosk as it starts each morning: a tablet in kiosk mode, its survey on the screen.
 * The kiosk is set up once through the app's own forms (a staff member for the PIN exit, the
 * default survey, kiosk mode started) in a browser profile of its own. Each run then starts a
 * browser on a copy of that profile with its HTTP cache, compiled-code cache and service worker
 * removed, and its data (IndexedDB: the kiosk's settings and survey) kept: cold, as a tablet
 * switched on whose browser holds nothing of the app's code; warm: a reload.
 */
async function lockedKiosk(base) {
  const launch = (dir) => chromium.launchPersistentContext(dir, { executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ARGS, headless: true, locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
  const seed = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-kiosk-profile-'));
  const cold = [];
  const warm = [];
  try {
    let ctx = await launch(seed);
    let page = ctx.pages()[0] || await ctx.newPage();
    await page.goto(base + '/settings');
    await page.locator('#staff-name').fill('张敏');
    await page.locator('#staff-role').selectOption('specialist');
    await page.locator('#staff-pin').fill('2468');
    await page.locator('#staff-pin2').fill('2468');
    await page.locator('#staff-pin2').press('Enter');
    await page.getByTestId('staff-table').getByText('张敏').waitFor();
    await page.goto(base + '/kiosk/setup');
    await page.getByTestId('kiosk-create-default').click();
    await page.waitForFunction(() => /^survey:/.test(document.querySelector('#kiosk-survey')?.value || ''));
    await page.locator('#kiosk-always').check();
    await page.locator('#kiosk-calendar').setChecked(false);
    await page.getByTestId('kiosk-start').click();
    await page.getByTestId('kiosk-begin').waitFor();
    const route = new URL(page.url()).pathname;
    await ctx.close();
    for (let i = 0; i < FIRST_SCREEN_RUNS; i++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-kiosk-run-'));
      try {
        fs.cpSync(seed, dir, { recursive: true });
        for (const d of ['Cache', 'Code Cache', 'Service Worker', 'GPUCache']) {
          fs.rmSync(path.join(dir, 'Default', d), { recursive: true, force: true });
        }
        ctx = await launch(dir);
        page = ctx.pages()[0] || await ctx.newPage();
        await page.goto(base + route);
        cold.push(await usable(page, '[data-testid="kiosk-begin"]'));
        await page.reload();
        warm.push(await usable(page, '[data-testid="kiosk-begin"]'));
        await ctx.close();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    fs.rmSync(seed, { recursive: true, force: true });
  }
  return { cold_ms: round1(median(cold)), warm_ms: round1(median(warm)), cold_runs: cold.map(round1), warm_runs: warm.map(round1) };
}

async function firstOpen(browser, base) {
  const times = { pointed: [], clicked: [] };
  for (let i = 0; i < 2 * FIRST_SCREEN_RUNS; i++) {
    const how = i % 2 ? 'clicked' : 'pointed';
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
    const page = await ctx.newPage();
    await page.goto(base + '/');
    await usable(page, '#main h1');
    await servedByWorker(page);
    await page.reload();
    await usable(page, '#main h1');
    await page.waitForTimeout(1000);
    const link = 'nav a[href="/complaints"]';
    if (how === 'pointed') {
      await page.hover(link);
      await page.waitForTimeout(150);
    }
    // Until the list is in the document (a MutationObserver, not a frame's poll, whose 16.7 ms
    // steps would round every figure up to whole frames); the browser paints it at its next frame.
    times[how].push(await page.evaluate(async (sel) => {
      const there = () => document.querySelector('.complaints.list');
      const shown = new Promise((r) => {
        const o = new MutationObserver(() => { if (there()) { o.disconnect(); r(performance.now()); } });
        o.observe(document.body, { childList: true, subtree: true });
      });
      const t0 = performance.now();
      document.querySelector(sel).click();
      return (await shown) - t0;
    }, link));
    await ctx.close();
  }
  return {
    pointed_ms: round1(median(times.pointed)), clicked_ms: round1(median(times.clicked)),
    pointed_runs: times.pointed.map(round1), clicked_runs: times.clicked.map(round1),
  };
}

async function memoryAfter(context, benchUrl, load) {
  const ctxPage = await context.newPage();
  await ctxPage.goto(benchUrl);
  await ctxPage.evaluate(() => globalThis.bench.ready());
  const loaded = await load(ctxPage);
  const m = await ctxPage.evaluate(() => globalThis.bench.memory());
  await ctxPage.close();
  return { ...m, loaded };
}

// Stop the server and the browser on Ctrl-C or a kill as well.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { stopPeer().finally(() => process.exit(130)); });
}

const results = { date: new Date().toISOString(), machine: null, workload: null, figures: {}, memory: {}, sizes: null, first_screen: {}, first_open: null, targets: [] };
let browser;
let benchServer;
let appServer;
try {
  const peer = await startPeer({ dbs: ['bench-kefu', 'bench-pouch'] });
  log(`PouchDB Server at ${peer.url}`);
  benchServer = await startBenchServer();
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS, headless: true });
  results.machine = machine(browser.version());
  // One browser context holds every database of the run (IndexedDB lives per context).
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => log('page error:', e.message));
  page.on('console', (m) => { if (m.type() === 'error') log('console:', m.text()); });
  await page.goto(benchServer.url);
  await page.evaluate(() => globalThis.bench.ready());
  const docInfo = await page.evaluate(([s, n]) => globalThis.bench.sizeOfDocs(s, 200, n), [SEED, NOW]);
  results.workload = {
    seed: SEED, documents: N, small: SMALL, chunk: CHUNK, now: NOW, month: `${YEAR}-${String(MONTH).padStart(2, '0')}`,
    search_term: TERM, avg_doc_bytes: Math.round(docInfo.avg_doc_bytes), avg_narrative_chars: Math.round(docInfo.avg_narrative_chars),
  };
  const F = results.figures;

  // Bulk insert (fresh databases, CHUNK documents per transaction / bulk call).
  for (const [n, tag] of [[SMALL, 'small'], [N, 'large']]) {
    const k = await attempt('kefu insert', () => step(page, `kefu insert ${n}`, 'kefu_bulk_insert', `kefu-${tag}`, SEED, n, CHUNK, NOW));
    const d = await attempt('dexie insert', () => step(page, `dexie insert ${n}`, 'dexieBulk', `dexie-${tag}`, SEED, n, CHUNK, NOW));
    const p = tag === 'small' || process.env.BENCH_POUCH_LARGE
      ? await attempt('pouchdb insert', () => step(page, `pouchdb insert ${n}`, 'pouchBulk', `pouch-${tag}`, SEED, n, CHUNK, NOW))
      : { missing: 'not run at this size (set BENCH_POUCH_LARGE=1)' };
    F[`bulk_insert_${n}`] = { kefu_ms: round1(k.ms), peer: 'dexie', peer_ms: round1(d.ms), ratio: ratio(k.ms, d.ms),
      pouchdb_ms: round1(p.ms), ratio_pouchdb: ratio(k.ms, p.ms), stored: { kefu: k.stored, dexie: d.stored, pouchdb: p.stored },
      ...(k.missing ? { kefu_missing: k.missing } : {}), ...(p.missing ? { pouchdb_missing: p.missing } : {}) };
    if (tag === 'small') {
      // The same records as Kefu stored them, written by plain JS (see layoutInsert).
      const l = await attempt('layout insert', () => step(page, `layout insert ${n}`, 'layoutInsert', `kefu-${tag}`, 'layout-copy', CHUNK));
      F[`layout_insert_${n}`] = { kefu_ms: round1(l.ms), peer: 'dexie', peer_ms: round1(d.ms), ratio: ratio(l.ms, d.ms),
        of_kefu: ratio(l.ms, k.ms), records: l.records, indexes: l.indexes,
        what: "Kefu's stored records put by plain JS, no Kefu code: the IndexedDB cost of the layout" };
    }
  }

  // Indexed query: open and overdue, newest first, first page of 50 (median of RUNS).
  {
    const k = await attempt('kefu query', () => step(page, 'kefu query', 'kefu_query_overdue', 'kefu-large', NOW, RUNS));
    const d = await attempt('dexie query', () => step(page, 'dexie query', 'dexieQueryOverdue', 'dexie-large', NOW, RUNS));
    F[`query_overdue_page_${N}`] = { kefu_ms: round1(k.times && median(k.times)), peer: 'dexie', peer_ms: round1(d.times && median(d.times)),
      ratio: ratio(k.times && median(k.times), d.times && median(d.times)), rows: { kefu: k.rows, dexie: d.rows },
      first_run: { kefu_ms: round1(k.times && k.times[0]), dexie_ms: round1(d.times && d.times[0]) } };
    const l = await attempt('layout query', () => step(page, 'layout query', 'layoutQueryOverdue', 'kefu-large', NOW, RUNS));
    F[`layout_query_overdue_page_${N}`] = { kefu_ms: round1(l.times && median(l.times)), peer: 'dexie', peer_ms: round1(d.times && median(d.times)),
      ratio: ratio(l.times && median(l.times), d.times && median(d.times)), of_kefu: ratio(l.times && median(l.times), k.times && median(k.times)),
      rows: l.rows, what: "the same 50 of Kefu's records read raw from its index by plain JS, no Kefu code" };
  }
  // Full-text search: every narrative scanned for a substring, hits counted.
  {
    const k = await attempt('kefu search', () => step(page, 'kefu search', 'kefu_search', 'kefu-large', TERM, CHUNK));
    const d = await attempt('dexie search', () => step(page, 'dexie search', 'dexieSearch', 'dexie-large', TERM));
    F[`full_text_count_${N}`] = { kefu_ms: round1(k.ms), peer: 'dexie', peer_ms: round1(d.ms), ratio: ratio(k.ms, d.ms),
      hits: { kefu: k.hits, dexie: d.hits }, scanned: { kefu: k.scanned, dexie: d.scanned } };
  }
  // The list's first page: newest first, 50 rows (Kefu: the list page's own read, typed complaints).
  {
    const k = await attempt('kefu list', () => step(page, 'kefu list page', 'kefu_list_page', 'kefu-large', NOW, RUNS));
    const d = await attempt('dexie list', () => step(page, 'dexie list page', 'dexieListPage', 'dexie-large', RUNS));
    F[`list_first_page_${N}`] = { kefu_ms: round1(k.times && k.times[0]), peer: 'dexie', peer_ms: round1(d.times && d.times[0]),
      ratio: ratio(k.times && k.times[0], d.times && d.times[0]),
      median: { kefu_ms: round1(k.times && median(k.times)), dexie_ms: round1(d.times && median(d.times)) },
      open_db_ms: { kefu: round1(k.open_ms), dexie: round1(d.open_ms) }, rows: { kefu: k.rows, dexie: d.rows } };
  }
  // The monthly report over every case of the month.
  {
    const k = await attempt('kefu report', () => step(page, 'kefu report', 'kefu_report', 'kefu-large', NOW, 500));
    const d = await attempt('dexie report', () => step(page, 'dexie report', 'dexieReport', 'dexie-large', NOW, YEAR, MONTH));
    F[`monthly_report_${N}`] = { kefu_ms: round1(k.ms), peer: 'dexie', peer_ms: round1(d.ms), ratio: ratio(k.ms, d.ms),
      cases: { kefu: k.total, dexie: d.total }, by_status: { kefu: k.by_status, dexie: d.by_status } };
  }
  await page.close();

  // Memory: a fresh page of the same context loads the list's first page and the dashboard's
  // counts over the large database; JS heap after GC plus the wasm memory.
  {
    const base = await memoryAfter(context, benchServer.url, async () => null);
    const k = await attempt('kefu memory', () => memoryAfter(context, benchServer.url,
      (p) => p.evaluate(([n]) => globalThis.bench.kefu('kefu_load_list_and_dashboard', 'kefu-large', n), [NOW])));
    const d = await attempt('dexie memory', () => memoryAfter(context, benchServer.url,
      (p) => p.evaluate(([n]) => globalThis.bench.dexieLoadListAndDashboard('dexie-large', n), [NOW])));
    const total = (m) => (m && m.js_heap_bytes != null ? m.js_heap_bytes + m.wasm_memory_bytes : null);
    results.memory = {
      method: 'performance.memory.usedJSHeapSize after gc() (--enable-precise-memory-info) + WebAssembly memory size; the bench page holds both engines, so the idle page is shown too',
      idle_page: base,
      kefu: k, dexie: d,
      kefu_total_mib: total(k) && round1(total(k) / 2 ** 20),
      dexie_total_mib: total(d) && round1(total(d) / 2 ** 20),
      ratio: ratio(total(k), total(d)),
    };
  }
  // Replication, on a fresh page of the same context, once the large databases are deleted
  // (a browser context's storage quota is limited; 100,000 documents in three engines fill it).
  const rpage = await context.newPage();
  rpage.on('pageerror', (e) => log('page error:', e.message));
  await rpage.goto(benchServer.url);
  await rpage.evaluate(() => globalThis.bench.ready());
  await rpage.evaluate(async () => {
    const names = (await indexedDB.databases()).map((d) => d.name).filter((n) => /large/.test(n));
    await Promise.all(names.map((n) => new Promise((res) => { const r = indexedDB.deleteDatabase(n); r.onsuccess = r.onerror = r.onblocked = res; })));
  });
  // Replication of the SMALL databases to an empty server database, then from it into an
  // empty browser database.
  {
    const server = peer.url;
    const kp = await attempt('kefu push', () => step(rpage, 'kefu push', 'kefu_push', 'kefu-small', server, 'bench-kefu'));
    const pp = await attempt('pouchdb push', () => step(rpage, 'pouchdb push', 'pouchPush', 'pouch-small', server, 'bench-pouch'));
    const kl = kp.missing ? { missing: `push failed: ${kp.missing}` }
      : await attempt('kefu pull', () => step(rpage, 'kefu pull', 'kefu_pull', 'kefu-pulled', server, 'bench-kefu'));
    const pl = await attempt('pouchdb pull', () => step(rpage, 'pouchdb pull', 'pouchPull', 'pouch-pulled', server, 'bench-pouch'));
    F[`replicate_push_${SMALL}`] = { kefu_ms: round1(kp.ms), peer: 'pouchdb', peer_ms: round1(pp.ms), ratio: ratio(kp.ms, pp.ms),
      written: { kefu: kp.written, pouchdb: pp.written }, ...(kp.missing ? { kefu_missing: kp.missing } : {}) };
    F[`replicate_pull_${SMALL}`] = { kefu_ms: round1(kl.ms), peer: 'pouchdb', peer_ms: round1(pl.ms), ratio: ratio(kl.ms, pl.ms),
      stored: { kefu: kl.stored, pouchdb: pl.stored }, kefu_pages_not_reread: kl.pages_not_reread,
      kefu_pages_diffed_unread: kl.pages_diffed_unread,
      // The app's sync cycle then looks for conflicts in what arrived: not in kefu_ms.
      kefu_then_settle_ms: round1(kl.settle_ms),
      ...(kl.missing ? { kefu_missing: kl.missing } : {}) };
  }
  await rpage.close();
  await context.close();
  await stopPeer();

  // The shipped app: sizes and time to a usable first screen (cold: a fresh context; warm: reload).
  results.sizes = sizes(appDist);
  results.sizes.dist = appDist;
  if (process.env.KEFU_APP_BUILD_NOTE) results.sizes.note = process.env.KEFU_APP_BUILD_NOTE;
  if (fs.existsSync(path.join(appDist, 'index.html'))) {
    appServer = await startServer(0);
    // In a browser started afresh: the benchmark's browser is still compacting the gigabyte of
    // IndexedDB data it just deleted, which slowed these figures by up to 3x.
    await browser.close();
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS, headless: true });
    results.first_screen.home = await attempt('home', () => firstScreen(browser, appServer.url, '/', '#main h1'));
    results.first_screen.kiosk = await attempt('kiosk', () => lockedKiosk(appServer.url));
    // The kiosk's set-up page on a device that holds nothing yet (a staff page, in its own part).
    results.first_screen.kiosk_setup = await attempt('kiosk set-up', () => firstScreen(browser, appServer.url, '/kiosk/bench-survey', '[data-testid="kiosk-start"]'));
    // A staff area opened by its address: the main part, then the area's part (split build).
    results.first_screen.complaints = await attempt('complaints', () => firstScreen(browser, appServer.url, '/complaints', '#main h1'));
    results.first_open = await attempt('first open', () => firstOpen(browser, appServer.url));
  } else {
    const missing = { missing: `no release build of the app at ${appDist}` };
    results.first_screen = { home: missing, kiosk: missing, kiosk_setup: missing, complaints: missing };
    results.first_open = missing;
  }

  // Targets.
  const t = (name, value, limit, unit) => results.targets.push({ name, value, limit, unit, met: value == null ? null : value <= limit });
  t(`bulk insert ${SMALL}: Kefu / Dexie`, F[`bulk_insert_${SMALL}`].ratio, 1.0, 'ratio');
  t(`bulk insert ${N}: Kefu / Dexie`, F[`bulk_insert_${N}`].ratio, 1.0, 'ratio');
  t(`indexed query over ${N}: Kefu / Dexie`, F[`query_overdue_page_${N}`].ratio, 1.0, 'ratio');
  t(`replication push ${SMALL}: Kefu / PouchDB`, F[`replicate_push_${SMALL}`].ratio, 0.5, 'ratio');
  t(`replication pull ${SMALL}: Kefu / PouchDB`, F[`replicate_pull_${SMALL}`].ratio, 0.5, 'ratio');
  t(`monthly report over ${N}`, F[`monthly_report_${N}`].kefu_ms, 1000, 'ms');
  t(`list first page over ${N}`, F[`list_first_page_${N}`].kefu_ms, 100, 'ms');
  t('kiosk (in kiosk mode) usable, cold start', results.first_screen.kiosk.cold_ms ?? null, 1000, 'ms');
  t('wasm to open any page (main part + its area), brotli', results.sizes.wasm ? results.sizes.wasm_largest_page_brotli : null, 700_000, 'bytes');
} finally {
  if (browser) await browser.close().catch(() => {});
  if (benchServer) await benchServer.stop().catch(() => {});
  if (appServer) await appServer.stop().catch(() => {});
  await stopPeer().catch(() => {});
}

// Output: the JSON object, then the table.
const json = JSON.stringify(results, null, 2);
console.log(json);
if (process.env.BENCH_OUT) fs.writeFileSync(process.env.BENCH_OUT, json + '\n');

const fmt = (x, unit = 'ms') => (x == null ? '—' : unit === 'ms' ? `${x.toFixed(1)} ms` : String(x));
const rows = [['figure', 'Kefu', 'peer', 'peer figure', 'Kefu / peer']];
for (const [name, f] of Object.entries(results.figures)) {
  rows.push([name, f.kefu_missing ? `missing (${f.kefu_missing.slice(0, 40)})` : fmt(f.kefu_ms), f.peer, fmt(f.peer_ms), f.ratio == null ? '—' : f.ratio.toFixed(2)]);
  if (f.pouchdb_ms !== undefined) rows.push([`${name} (PouchDB)`, fmt(f.kefu_ms), 'pouchdb', fmt(f.pouchdb_ms), f.ratio_pouchdb == null ? '—' : f.ratio_pouchdb.toFixed(2)]);
}
const m = results.memory;
if (m && m.kefu) rows.push(['memory after list + dashboard', m.kefu_total_mib == null ? '—' : `${m.kefu_total_mib} MiB`, 'dexie', m.dexie_total_mib == null ? '—' : `${m.dexie_total_mib} MiB`, m.ratio == null ? '—' : m.ratio.toFixed(2)]);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
const line = (r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ');
console.log('');
for (const r of rows) console.log(line(r));
if (results.sizes && results.sizes.wasm) {
  const s = results.sizes;
  console.log('');
  console.log(`app wasm, main part (every page): ${s.wasm.raw} B raw, ${s.wasm.gzip} B gzip, ${s.wasm.brotli} B brotli; app JS: ${s.js.raw} B raw, ${s.js.gzip} B gzip, ${s.js.brotli} B brotli`);
  const areas = Object.entries(s.wasm_areas || {});
  if (areas.length) {
    console.log(`app wasm, all ${s.wasm_all.files.length} files: ${s.wasm_all.raw} B raw, ${s.wasm_all.gzip} B gzip, ${s.wasm_all.brotli} B brotli; largest page to open: ${s.wasm_largest_page_brotli} B brotli`);
    console.log(`  areas, fetched when first opened (brotli; with the main part): ${areas.map(([n, a]) => `${n} ${a.brotli} (${a.with_main_brotli})`).join(', ')}`);
  }
}
for (const [name, f] of Object.entries(results.first_screen)) {
  console.log(`first screen ${name}: cold ${fmt(f.cold_ms)}, warm ${fmt(f.warm_ms)}${f.missing ? ` (missing: ${f.missing})` : ''}`);
}
if (results.first_open) {
  const o = results.first_open;
  console.log(`complaints first opened from the dashboard: pointed at 150 ms before the click ${fmt(o.pointed_ms)}, clicked without pointing ${fmt(o.clicked_ms)}${o.missing ? ` (missing: ${o.missing})` : ''}`);
}
console.log('');
for (const t of results.targets) {
  const v = t.value == null ? '—' : t.unit === 'bytes' ? `${t.value} B` : t.unit === 'ms' ? `${t.value.toFixed(1)} ms` : t.value.toFixed(2);
  const lim = t.unit === 'bytes' ? `${t.limit} B` : t.unit === 'ms' ? `${t.limit} ms` : t.limit.toFixed(2);
  console.log(`${t.met == null ? 'MISSING' : t.met ? 'met    ' : 'MISSED '}  ${t.name}: ${v} (target ≤ ${lim})`);
}
