// Turns the JSON of one or more `scripts/bench` runs (BENCH_OUT files) into the Markdown the
// README and docs/performance.md carry, so that no figure there is typed by hand:
//
//   node bench/summarize.mjs run1.json run2.json run3.json
//
// prints the last run's table with its targets (a code block), then a table of the spread of
// every run given (one column per run, in the order given).
import fs from 'node:fs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/summarize.mjs run.json [run.json ...]  (BENCH_OUT files of scripts/bench)');
  process.exit(2);
}
const runs = files.map((f) => {
  try {
    return JSON.parse(fs.readFileSync(f, 'utf8'));
  } catch (e) {
    console.error(`${f}: not a benchmark run's JSON (${e.message})`);
    process.exit(1);
  }
});
const last = runs[runs.length - 1];
const N = last.workload.documents;
const SMALL = last.workload.small;

const group = (n) => n.toLocaleString('en-US');
const ms = (x) => (x == null ? '—' : `${x.toFixed(1)} ms`);
const r2 = (x) => (x == null ? '—' : x.toFixed(2));
const target = (name) => last.targets.find((t) => t.name.startsWith(name));
const verdict = (t) => (!t ? '' : t.met == null ? 'missing' : t.met ? 'met' : 'missed');

// The last run's table.
const F = last.figures;
const rows = [['figure', 'Kefu', 'peer', 'peer figure', 'Kefu / peer', 'target', '']];
const fig = (label, key, peerName, limit, t) => {
  const f = F[key];
  if (!f) return;
  rows.push([label, f.kefu_missing ? 'missing' : ms(f.kefu_ms), peerName, ms(f.peer_ms), r2(f.ratio), limit || '', t ? verdict(t) : '']);
};
fig(`bulk insert ${group(SMALL)}`, `bulk_insert_${SMALL}`, 'Dexie', '≤ 1.0', target(`bulk insert ${SMALL}:`));
fig('  layout only (plain JS)', `layout_insert_${SMALL}`, 'Dexie');
fig(`bulk insert ${group(N)}`, `bulk_insert_${N}`, 'Dexie', '≤ 1.0', target(`bulk insert ${N}:`));
fig('open+overdue, first 50', `query_overdue_page_${N}`, 'Dexie', '≤ 1.0', target('indexed query'));
fig('  layout only (plain JS)', `layout_query_overdue_page_${N}`, 'Dexie');
fig(`full-text count over ${group(N)}`, `full_text_count_${N}`, 'Dexie');
fig('list, first page', `list_first_page_${N}`, 'Dexie', '< 100 ms', target('list first page'));
fig(`monthly report over ${group(N)}`, `monthly_report_${N}`, 'Dexie', '< 1 s', target('monthly report'));
fig(`replicate ${group(SMALL)} to server`, `replicate_push_${SMALL}`, 'PouchDB', '≤ 0.5', target('replication push'));
fig(`replicate ${group(SMALL)} from server`, `replicate_pull_${SMALL}`, 'PouchDB', '≤ 0.5', target('replication pull'));
const m = last.memory;
if (m) rows.push(['memory, list + dashboard', m.kefu_total_mib == null ? '—' : `${m.kefu_total_mib} MiB`, 'Dexie', m.dexie_total_mib == null ? '—' : `${m.dexie_total_mib} MiB`, r2(m.ratio), '', '']);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
const line = (r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd();
const out = ['```', ...rows.map(line)];
const s = last.sizes;
if (s && s.wasm) {
  if (s.wasm_largest_page_brotli != null && Object.keys(s.wasm_areas || {}).length) {
    // A split build: the main part every page loads, and the most any page needs to open.
    const [name, big] = Object.entries(s.wasm_areas).sort((a, b) => b[1].with_main_brotli - a[1].with_main_brotli)[0];
    out.push(`app wasm to open a page: at most ${group(s.wasm_largest_page_brotli)} B brotli (main part ${group(s.wasm.brotli)} + ${name} ${group(big.brotli)})   < 700 KB  ${verdict(target('wasm to open any page'))}`);
    out.push(`  all ${s.wasm_all.files.length} wasm files ${group(s.wasm_all.brotli)} B brotli (${(s.wasm_all.raw / 1e6).toFixed(2)} MB raw); JS ${(s.js.brotli / 1000).toFixed(1)} KB brotli`);
  } else {
    out.push(`app wasm ${group(s.wasm.brotli)} B brotli (${(s.wasm.raw / 1e6).toFixed(2)} MB raw); JS ${(s.js.brotli / 1000).toFixed(1)} KB brotli   < 700 KB  ${verdict(target('shipped wasm'))}`);
  }
}
const fs_ = last.first_screen || {};
const ms0 = (x) => (x == null ? '—' : `${Math.round(x)} ms`);
if (fs_.home && fs_.kiosk) {
  out.push(`first screen: home cold ${ms0(fs_.home.cold_ms)}, warm ${ms0(fs_.home.warm_ms)}; kiosk (in kiosk mode) cold ${ms0(fs_.kiosk.cold_ms)}, warm ${ms0(fs_.kiosk.warm_ms)}   kiosk < 1 s  ${verdict(target('kiosk'))}`);
  if (fs_.kiosk_setup) out.push(`  the kiosk's set-up page on a new device (its own part): cold ${ms0(fs_.kiosk_setup.cold_ms)}, warm ${ms0(fs_.kiosk_setup.warm_ms)}`);
  if (fs_.complaints) out.push(`  complaints list by its address (main part + its area): cold ${ms0(fs_.complaints.cold_ms)}, warm ${ms0(fs_.complaints.warm_ms)}`);
}
const fo = last.first_open;
if (fo && !fo.missing) out.push(`  complaints first opened from the dashboard: ${ms0(fo.pointed_ms)} pointed at 150 ms before the click, ${ms0(fo.clicked_ms)} clicked without pointing`);
out.push('```');
console.log(out.join('\n'));

// The spread over the runs.
const time = (r) => r.date.slice(11, 16) + ' UTC';
const num = (x) => (x == null ? '—' : String(x));
const spread = [
  [`bulk insert ${group(SMALL)} / Dexie`, (r) => r.figures[`bulk_insert_${SMALL}`]?.ratio],
  [`bulk insert ${group(SMALL)}, layout only / Dexie`, (r) => r.figures[`layout_insert_${SMALL}`]?.ratio],
  [`bulk insert ${group(N)} / Dexie`, (r) => r.figures[`bulk_insert_${N}`]?.ratio],
  ['indexed query / Dexie', (r) => r.figures[`query_overdue_page_${N}`]?.ratio],
  ['indexed query, layout only / Dexie', (r) => r.figures[`layout_query_overdue_page_${N}`]?.ratio],
  ['indexed query, Kefu ms', (r) => r.figures[`query_overdue_page_${N}`]?.kefu_ms],
  ['monthly report, ms', (r) => r.figures[`monthly_report_${N}`]?.kefu_ms],
  ['list first page, ms', (r) => r.figures[`list_first_page_${N}`]?.kefu_ms],
  ['push / PouchDB', (r) => r.figures[`replicate_push_${SMALL}`]?.ratio],
  ['pull / PouchDB', (r) => r.figures[`replicate_pull_${SMALL}`]?.ratio],
  // Before the thirty-ninth pass (docs/performance.md) `kiosk` was the set-up page on a new device.
  ['kiosk cold start, ms', (r) => r.first_screen?.kiosk?.cold_ms],
  ['kiosk set-up page on a new device, cold, ms', (r) => r.first_screen?.kiosk_setup?.cold_ms],
  ['complaints list by its address, cold, ms', (r) => r.first_screen?.complaints?.cold_ms],
  ['complaints first opened from the dashboard, pointed at first, ms', (r) => r.first_open?.pointed_ms],
  ['complaints first opened from the dashboard, clicked without pointing, ms', (r) => r.first_open?.clicked_ms],
  ['wasm, main part, brotli bytes', (r) => r.sizes?.wasm?.brotli],
  ['wasm to open the largest page, brotli bytes', (r) => r.sizes?.wasm_largest_page_brotli],
  ['wasm, all files, brotli bytes', (r) => r.sizes?.wasm_all?.brotli],
  ['load average at start', (r) => r.machine?.load_average_at_start?.[0]],
];
console.log('');
console.log(`| figure | ${runs.map(time).join(' | ')} |`);
console.log(`|---|${runs.map(() => '---').join('|')}|`);
for (const [label, get] of spread) console.log(`| ${label} | ${runs.map((r) => num(get(r))).join(' | ')} |`);
