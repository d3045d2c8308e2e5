// The benchmark page's side in JavaScript: the same workload as Kefu's (src/bin/kefu-bench.rs)
// run through the peers, Dexie.js (IndexedDB) and PouchDB (pouchdb-browser: IndexedDB adapter,
// replication over HTTP), on the same documents — made by Kefu's generator in wasm and handed
// over as JSON, generation never timed. `window.bench` is what bench/run.mjs calls.
import PouchDB from '/peers/pouchdb-browser/index.es.js';

const Dexie = globalThis.Dexie;

// The Dexie layout mirrors Kefu's complaint indexes (store/schema.rs): by type, by time
// received, archived, [status, time], the listed deadline (present on open cases only, like
// Kefu's partial `complaint_due`), case number, [customer, time].
const DEXIE_SCHEMA = {
  // The same indexes as Kefu's complaint indexes (src/store/schema.rs); Kefu's last-four-digits
  // phone index is computed, which a Dexie key path cannot be.
  docs: '_id, type, received_at, archived_at, [status+received_at], deadline, case_no, [customer_id+received_at], '
    + '[category+received_at], [channel+received_at], [severity+received_at], [department+received_at], complainant.phone',
};
const OPEN = ['received', 'classified', 'investigating', 'awaiting_approval', 'responded', 'verifying'];

const wasmReady = new Promise((resolve) => {
  const check = () => (globalThis.wasmBindings && globalThis.wasmBindings.kefu_docs_json
    ? resolve(globalThis.wasmBindings) : setTimeout(check, 20));
  check();
});

const now = () => performance.now();

async function docs(seed, start, count, at) {
  const w = await wasmReady;
  return JSON.parse(w.kefu_docs_json(seed, start, count, at));
}

async function dexieOpen(name) {
  const db = new Dexie(name);
  db.version(1).stores(DEXIE_SCHEMA);
  await db.open();
  return db;
}

async function dexieFresh(name) {
  await Dexie.delete(name);
  return dexieOpen(name);
}

async function dexieBulk(name, seed, n, chunk, at) {
  const db = await dexieFresh(name);
  let ms = 0;
  for (let start = 0; start < n; start += chunk) {
    const batch = await docs(seed, start, Math.min(chunk, n - start), at);
    const t0 = now();
    await db.docs.bulkAdd(batch);
    ms += now() - t0;
  }
  const stored = await db.docs.count();
  db.close();
  return { ms, stored };
}

async function dexieQueryOverdue(name, at, runs) {
  const db = await dexieOpen(name);
  const times = [];
  let rows = 0;
  for (let i = 0; i < Math.max(1, runs); i++) {
    const t0 = now();
    const page = await db.docs.where('deadline').below(at).reverse().limit(50).toArray();
    times.push(now() - t0);
    rows = page.length;
  }
  db.close();
  return { times, rows };
}

async function dexieSearch(name, term) {
  const db = await dexieOpen(name);
  const t0 = now();
  let hits = 0;
  let scanned = 0;
  await db.docs.where('type').equals('complaint').each((d) => {
    scanned++;
    if (typeof d.narrative === 'string' && d.narrative.includes(term)) hits++;
  });
  const ms = now() - t0;
  db.close();
  return { ms, hits, scanned };
}

async function dexieListPage(name, runs) {
  const t = now();
  const db = await dexieOpen(name);
  const openMs = now() - t;
  const times = [];
  let rows = 0;
  for (let i = 0; i < Math.max(1, runs); i++) {
    const t0 = now();
    const page = await db.docs.orderBy('received_at').reverse().limit(50).toArray();
    times.push(now() - t0);
    rows = page.length;
  }
  db.close();
  return { times, rows, open_ms: openMs };
}

// The monthly report's counts in JS, as MonthlyAggregator keeps them: each figure with the ids
// behind it, one row per case, sorted at the end. The working-day clocks are not recomputed
// (no calendar in JS): a case is overdue when its listed deadline has passed.
function newReport() {
  return {
    total: [], byChannel: new Map(), byCategory: new Map(), byDepartment: new Map(),
    byStaff: new Map(), bySeverity: new Map(), byResponsibility: new Map(), byStatus: new Map(),
    overdue: [], cases: [],
  };
}
function add(map, key, id) {
  const k = key === undefined ? null : key;
  let l = map.get(k);
  if (!l) { l = []; map.set(k, l); }
  l.push(id);
}
function fold(r, d, at) {
  const id = d._id;
  const round = Array.isArray(d.rounds) && d.rounds.length ? d.rounds[d.rounds.length - 1] : {};
  r.total.push(id);
  add(r.byChannel, d.channel, id);
  add(r.byCategory, d.category, id);
  add(r.byDepartment, d.department, id);
  for (const s of new Set(d.staff_involved || [])) add(r.byStaff, s, id);
  add(r.bySeverity, d.severity, id);
  add(r.byResponsibility, round.responsibility, id);
  add(r.byStatus, d.status, id);
  if (d.deadline && d.deadline < at) r.overdue.push({ id, case_no: d.case_no, received_at: d.received_at });
  r.cases.push({
    id, case_no: d.case_no, received_at: d.received_at, channel: d.channel, category: d.category,
    severity: d.severity, department: d.department, status: d.status, responsibility: round.responsibility,
  });
}
function finish(r) {
  const byTime = (a, b) => (a.received_at < b.received_at ? -1 : a.received_at > b.received_at ? 1
    : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  r.total.sort();
  for (const m of [r.byChannel, r.byCategory, r.byDepartment, r.byStaff, r.bySeverity, r.byResponsibility, r.byStatus]) {
    for (const l of m.values()) l.sort();
  }
  r.overdue.sort(byTime);
  r.cases.sort(byTime);
  return r;
}

async function dexieReport(name, at, year, month) {
  const db = await dexieOpen(name);
  const t0 = now();
  const lo = `${year}-${String(month).padStart(2, '0')}-01T`;
  const ny = month === 12 ? year + 1 : year;
  const nm = month === 12 ? 1 : month + 1;
  const hi = `${ny}-${String(nm).padStart(2, '0')}-01T`;
  const r = newReport();
  await db.docs.where('received_at').between(lo, hi, true, false).each((d) => fold(r, d, at));
  finish(r);
  const ms = now() - t0;
  db.close();
  const byStatus = Object.fromEntries([...r.byStatus].map(([k, v]) => [k, v.length]));
  return { ms, total: r.total.length, overdue: r.overdue.length, by_status: byStatus };
}

async function dexieLoadListAndDashboard(name, at) {
  const db = await dexieOpen(name);
  const page = await db.docs.orderBy('received_at').reverse().limit(50).toArray();
  let open = 0;
  for (const s of OPEN) {
    open += await db.docs.where('[status+received_at]').between([s, Dexie.minKey], [s, Dexie.maxKey]).count();
  }
  const overdue = await db.docs.where('deadline').below(at).count();
  globalThis.__held = { db, page };
  return { rows: page.length, open, overdue };
}

async function pouchFresh(name) {
  await new PouchDB(name).destroy();
  return new PouchDB(name);
}

async function pouchBulk(name, seed, n, chunk, at) {
  const db = await pouchFresh(name);
  let ms = 0;
  for (let start = 0; start < n; start += chunk) {
    const batch = await docs(seed, start, Math.min(chunk, n - start), at);
    const t0 = now();
    const res = await db.bulkDocs(batch);
    ms += now() - t0;
    const bad = res.find((x) => x.error);
    if (bad) throw new Error(`PouchDB bulkDocs: ${JSON.stringify(bad)}`);
  }
  const stored = (await db.info()).doc_count;
  await db.close();
  return { ms, stored };
}

async function pouchPush(name, server, remote) {
  const local = new PouchDB(name);
  const target = new PouchDB(`${server}/${remote}`);
  const t0 = now();
  const r = await PouchDB.replicate(local, target);
  const ms = now() - t0;
  await local.close();
  return { ms, written: r.docs_written, read: r.docs_read };
}

async function pouchPull(name, server, remote) {
  const local = await pouchFresh(name);
  const source = new PouchDB(`${server}/${remote}`);
  const t0 = now();
  const r = await PouchDB.replicate(source, local);
  const ms = now() - t0;
  const stored = (await local.info()).doc_count;
  await local.close();
  return { ms, written: r.docs_written, stored };
}

// Kefu's record layout with no Kefu code: the documents' records as Kefu stored them (read
// back raw from its database: body and revision tree as text, the `ix_` index keys, `seq`),
// written by plain JS into a fresh database with the same indexes, `chunk` per transaction,
// or the query's 50 records read from the same index. Between these figures and Dexie's is
// the cost of the layout; between them and Kefu's is Kefu's own work (validation, revision
// hashing, the summaries, the reads before a write, moving text in and out of wasm).
const idbDone = (req) => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});

function idbOpen(name, upgrade) {
  return new Promise((resolve, reject) => {
    const req = upgrade ? indexedDB.open(name, 1) : indexedDB.open(name);
    if (upgrade) req.onupgradeneeded = () => upgrade(req.result);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error(`${name} is blocked`));
  });
}

async function idbDelete(name) {
  await new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}

async function layoutInsert(kefuDb, copyDb, chunk) {
  const src = await idbOpen(kefuDb);
  const store = src.transaction('docs').objectStore('docs');
  const indexes = [...store.indexNames].map((n) => {
    const ix = store.index(n);
    return { name: n, keyPath: ix.keyPath, unique: ix.unique, multiEntry: ix.multiEntry };
  });
  const records = await idbDone(store.getAll());
  src.close();
  await idbDelete(copyDb);
  const db = await idbOpen(copyDb, (d) => {
    const docs = d.createObjectStore('docs', { keyPath: '_id' });
    for (const ix of indexes) docs.createIndex(ix.name, ix.keyPath, { unique: ix.unique, multiEntry: ix.multiEntry });
  });
  let ms = 0;
  for (let start = 0; start < records.length; start += chunk) {
    const t0 = now();
    const tx = db.transaction('docs', 'readwrite');
    const docs = tx.objectStore('docs');
    const end = Math.min(records.length, start + chunk);
    for (let i = start; i < end; i++) docs.put(records[i]);
    await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = tx.onabort = () => reject(tx.error); });
    ms += now() - t0;
  }
  db.close();
  await idbDelete(copyDb);
  return { ms, records: records.length, indexes: indexes.length };
}

async function layoutQueryOverdue(kefuDb, at, runs) {
  const db = await idbOpen(kefuDb);
  const range = IDBKeyRange.upperBound([at], true);
  const times = [];
  let rows = 0;
  for (let i = 0; i < Math.max(1, runs); i++) {
    const t0 = now();
    const ix = db.transaction('docs').objectStore('docs').index('ix_complaint_due');
    const page = typeof ix.getAllRecords === 'function'
      ? await idbDone(ix.getAllRecords({ query: range, direction: 'prev', count: 50 }))
      : await new Promise((resolve, reject) => {
        const out = [];
        const req = ix.openCursor(range, 'prev');
        req.onsuccess = () => {
          const c = req.result;
          if (!c || out.length >= 50) return resolve(out);
          out.push(c.value);
          c.continue();
        };
        req.onerror = () => reject(req.error);
      });
    times.push(now() - t0);
    rows = page.length;
  }
  db.close();
  return { times, rows };
}

// Kefu's side: the wasm exports answer JSON text.
async function kefu(fn, ...args) {
  const w = await wasmReady;
  const out = await w[fn](...args);
  return typeof out === 'string' ? JSON.parse(out) : out;
}

async function sizeOfDocs(seed, count, at) {
  const batch = await docs(seed, 0, count, at);
  const bytes = batch.reduce((s, d) => s + new TextEncoder().encode(JSON.stringify(d)).length, 0);
  const chars = batch.reduce((s, d) => s + d.narrative.length, 0);
  return { avg_doc_bytes: bytes / count, avg_narrative_chars: chars / count, sample: batch[0] };
}

async function memory() {
  if (globalThis.gc) { globalThis.gc(); globalThis.gc(); }
  await new Promise((r) => setTimeout(r, 200));
  const w = await wasmReady;
  const m = performance.memory || {};
  return {
    js_heap_bytes: m.usedJSHeapSize ?? null,
    wasm_memory_bytes: w.kefu_wasm_memory_bytes(),
  };
}

globalThis.bench = {
  ready: () => wasmReady.then(() => true),
  kefu,
  sizeOfDocs,
  memory,
  dexieBulk, dexieQueryOverdue, dexieSearch, dexieListPage, dexieReport, dexieLoadListAndDashboard,
  pouchBulk, pouchPush, pouchPull,
  layoutInsert, layoutQueryOverdue,
};
