//! CSV import (/customers/import): pick a file, see the first rows and the guessed column
//! mapping (editable), check every row in chunks with a progress bar, read the report of
//! every bad row and of every row to check (a phone number another row or an existing
//! customer has: imported all the same, as family members may share one), then import — all
//! valid rows, or nothing unless every row is valid — in transactions of a thousand rows with
//! the page painted between them; all or nothing still holds, as a failed chunk takes back the
//! chunks before it.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use leptos::task::spawn_local_scoped as spawn_local;
use leptos_router::components::A;
use wasm_bindgen::JsCast;

use crate::domain::customer::{
    decode_with, mask_account, mask_phone, ColumnMapping, Customer, CustomerDraft,
    DetectedEncoding, Field, ImportParser, RowError,
};
use crate::domain::sort::sort_by;
use crate::domain::Record;
use crate::store::{typed, Doc, DocStore, StoreError};
use crate::ui::components::ProgressBar;
use crate::ui::data::{count_of, type_range};
use crate::ui::i18n::t2;
use crate::ui::platform::{decode_gb18030, download, new_id, read_file_bytes, yield_now};
use crate::ui::state::{app, store};

use super::{all_docs_in, staff_by_id};

/// Rows checked between two paints.
const CHUNK: usize = 2_000;
/// Bad rows listed on the page (all of them are in the downloadable report).
const SHOWN_ERRORS: usize = 500;

/// Rows written per store transaction (one IndexedDB transaction each, a paint between).
const WRITE_CHUNK: usize = 1_000;

/// Why an import did not go in.
enum WriteFailure {
    /// A chunk failed; everything written before it was taken back: nothing is imported.
    RolledBack(StoreError),
    /// A chunk failed and taking back the earlier chunks failed too: `left` records stay.
    Partly { cause: StoreError, left: usize },
}

impl WriteFailure {
    fn message(&self, zh: bool) -> String {
        match (self, zh) {
            (WriteFailure::RolledBack(e), true) => {
                format!("导入失败，已撤回已写入的部分，未导入任何记录：{}", e.message(true))
            }
            (WriteFailure::RolledBack(e), false) => format!(
                "The import failed; what was written was taken back and nothing is imported: {}",
                e.message(false)
            ),
            (WriteFailure::Partly { cause, left }, true) => format!(
                "导入失败（{}），撤回时又出错：仍有 {left} 位本次导入的客户留在库中，请在客户列表中核对",
                cause.message(true)
            ),
            (WriteFailure::Partly { cause, left }, false) => format!(
                "The import failed ({}) and taking it back failed too: {left} customer(s) of this import remain; check the customer list",
                cause.message(false)
            ),
        }
    }
}

/// Writes `docs` in transactions of [`WRITE_CHUNK`], yielding to the page between them and
/// telling `progress` how many are written. All or nothing: the chunks are separate
/// transactions, so when one fails (storage full, the database closed) the documents the
/// earlier chunks wrote are deleted again (tombstones, chunk by chunk, with the revisions
/// the writes returned), and the import ends with nothing in the store.
async fn write_all(docs: Vec<Doc>, progress: impl Fn(usize)) -> Result<(), WriteFailure> {
    let st = store();
    let total = docs.len();
    let mut written: Vec<(String, String)> = Vec::with_capacity(total);
    let mut rest = docs.into_iter().peekable();
    progress(0);
    while rest.peek().is_some() {
        let chunk: Vec<Doc> = rest.by_ref().take(WRITE_CHUNK).collect();
        let ids: Vec<String> = chunk.iter().map(|d| d.id.clone()).collect();
        match st.bulk(chunk).await {
            Ok(revs) => written.extend(ids.into_iter().zip(revs)),
            Err(cause) => {
                return match roll_back(&st, written).await {
                    Ok(()) => Err(WriteFailure::RolledBack(cause)),
                    Err(left) => Err(WriteFailure::Partly { cause, left }),
                };
            }
        }
        progress(written.len());
        yield_now().await;
    }
    Ok(())
}

/// Deletes what an unfinished import wrote. Returns how many are left if that fails too.
async fn roll_back(
    st: &crate::ui::state::AppStore,
    written: Vec<(String, String)>,
) -> Result<(), usize> {
    let mut left = written.len();
    for chunk in written.chunks(WRITE_CHUNK) {
        let tombstones: Vec<Doc> = chunk
            .iter()
            .map(|(id, rev)| Doc {
                id: id.clone(),
                rev: Some(rev.clone()),
                deleted: true,
                body: serde_json::Value::Object(Default::default()),
            })
            .collect();
        // One retry: a transaction can fail for a passing reason.
        let mut res = st.bulk(tombstones.clone()).await;
        if res.is_err() {
            yield_now().await;
            res = st.bulk(tombstones).await;
        }
        if res.is_err() {
            return Err(left);
        }
        left -= chunk.len();
        yield_now().await;
    }
    Ok(())
}

#[derive(Clone)]
struct FileInfo {
    name: String,
    headers: Vec<String>,
    encoding: &'static str,
    delimiter: crate::domain::customer::Delimiter,
}

#[derive(Clone, Default)]
struct Report {
    rows: usize,
    valid: usize,
    errors: Vec<RowError>,
    /// Valid rows to look at (imported all the same), one entry per warning.
    warnings: Vec<RowError>,
    /// How many valid rows have a warning.
    warned_rows: usize,
}

/// What the rows are checked against: the account numbers already in the store (lower
/// case), refused when repeated, and the phone numbers with their customer's name, a
/// warning when repeated. One read of the customers.
async fn existing_customers() -> (HashSet<String>, Vec<(String, String)>) {
    let s = store();
    if count_of(&s, Customer::TYPE).await.unwrap_or(0) == 0 {
        return Default::default();
    }
    let docs = all_docs_in("by_type", type_range(Customer::TYPE), false)
        .await
        .unwrap_or_default();
    let text = |d: &Doc, k: &str| d.body.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let accounts = docs
        .iter()
        .filter_map(|d| text(d, "account_no"))
        .map(|a| a.trim().to_lowercase())
        .collect();
    let phones = docs
        .iter()
        .filter_map(|d| Some((text(d, "phone")?, text(d, "name").unwrap_or_default())))
        .collect();
    (accounts, phones)
}

/// The items of a list of rows of the report ("第 4 行: 缺少姓名"), each with `testid`.
fn row_items(rows: Vec<RowError>, testid: &'static str) -> impl IntoView {
    let lang = app().lang;
    rows.into_iter()
        .map(|e| {
            view! {
                <li data-testid=testid>
                    <strong>{move || if lang.get().is_zh() { format!("第 {} 行", e.line) } else { format!("Line {}", e.line) }}</strong>
                    ": "{move || e.reason.get(lang.get().is_zh()).to_string()}
                </li>
            }
        })
        .collect_view()
}

fn field_label(f: Field, zh: bool) -> &'static str {
    f.label(zh)
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let zh = move || lang.get().is_zh();
    // The chosen file, decoded once: its text and the encoding it was read in.
    let text: StoredValue<Option<(String, DetectedEncoding)>> = StoredValue::new(None);
    let drafts: StoredValue<Vec<CustomerDraft>> = StoredValue::new(Vec::new());
    let info = RwSignal::new(None::<FileInfo>);
    let mapping = RwSignal::new(ColumnMapping::default());
    let preview = RwSignal::new(Vec::<Result<CustomerDraft, RowError>>::new());
    let report = RwSignal::new(None::<Report>);
    let file_error = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<(usize, usize)>);
    let progress_label = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let all_or_nothing = RwSignal::new(false);
    // Bumped to cancel a check in progress when the file or mapping changes.
    let generation = StoredValue::new(0u64);

    // Checks every row with the current mapping, in chunks.
    let check = move || {
        let Some((data, encoding)) = text.get_value() else {
            return;
        };
        let map = mapping.get_untracked();
        generation.update_value(|g| *g += 1);
        let my_gen = generation.get_value();
        report.set(None);
        busy.set(true);
        progress_label.set(lang.get_untracked().s("正在检查", "Checking"));
        progress.set(Some((0, 1000)));
        spawn_local(async move {
            let (accounts, phones) = existing_customers().await;
            let mut parser = match ImportParser::from_text(&data, encoding, Some(map)) {
                Ok(p) => p
                    .with_existing_accounts(accounts)
                    .with_existing_phones(phones)
                    .with_today(state.today.get_untracked()),
                Err(e) => {
                    file_error.set(Some(e.message(state.zh())));
                    busy.set(false);
                    progress.set(None);
                    return;
                }
            };
            let mut valid = Vec::new();
            let mut errors = Vec::new();
            let mut warnings = Vec::new();
            let mut warned_rows = 0;
            let mut first = Vec::new();
            let mut rows = 0;
            while !parser.is_done() {
                for r in parser.next_chunk(CHUNK) {
                    rows += 1;
                    if first.len() < 5 {
                        first.push(r.clone());
                    }
                    match r {
                        Ok(d) => {
                            warned_rows += usize::from(!d.warnings.is_empty());
                            warnings.extend(d.warnings.iter().map(|w| RowError {
                                line: d.line,
                                reason: w.clone(),
                            }));
                            valid.push(d)
                        }
                        Err(e) => errors.push(e),
                    }
                }
                progress.set(Some(((parser.progress() * 1000.0) as usize, 1000)));
                yield_now().await;
                if generation.try_get_value() != Some(my_gen) {
                    return;
                }
            }
            preview.set(first);
            let n = valid.len();
            drafts.set_value(valid);
            report.set(Some(Report {
                rows,
                valid: n,
                errors,
                warnings,
                warned_rows,
            }));
            progress.set(None);
            busy.set(false);
        });
    };

    let on_pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = ev.target().unwrap().unchecked_into();
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        // Picking the same file again must be seen as a new choice.
        input.set_value("");
        let name = file.name();
        info.set(None);
        report.set(None);
        preview.set(Vec::new());
        file_error.set(None);
        drafts.set_value(Vec::new());
        spawn_local(async move {
            let data = match read_file_bytes(&file).await {
                Ok(d) => d,
                Err(_) => {
                    file_error.set(Some(
                        lang.get_untracked()
                            .s("无法读取该文件", "The file could not be read"),
                    ));
                    return;
                }
            };
            let decoded = decode_with(&data, decode_gb18030).and_then(|(data, encoding)| {
                let p = ImportParser::from_text(&data, encoding, None)?;
                Ok((p, data, encoding))
            });
            match decoded {
                Ok((p, data, encoding)) => {
                    mapping.set(p.mapping().clone());
                    info.set(Some(FileInfo {
                        name,
                        headers: p.headers().to_vec(),
                        encoding: p.encoding().label(),
                        delimiter: p.delimiter(),
                    }));
                    text.set_value(Some((data, encoding)));
                    check();
                }
                Err(e) => file_error.set(Some(e.message(state.zh()))),
            }
        });
    };

    let set_column = move |col: usize, v: String| {
        let f = v
            .parse::<usize>()
            .ok()
            .and_then(|i| Field::ALL.get(i).copied());
        mapping.update(|m| {
            if col < m.columns.len() {
                m.columns[col] = f;
            }
        });
        check();
    };

    let do_import = move |_| {
        if super::signed_in().is_none() {
            return;
        }
        let Some(r) = report.get_untracked() else {
            return;
        };
        if all_or_nothing.get_untracked() && !r.errors.is_empty() {
            state.warn2(
                format!(
                    "有 {} 行有误，按“全部有效才导入”的选择，未导入任何记录",
                    r.errors.len()
                ),
                format!(
                    "{} row(s) are invalid: as chosen, nothing was imported",
                    r.errors.len()
                ),
            );
            return;
        }
        if r.valid == 0 {
            state.warn2("没有可导入的有效行", "There are no valid rows to import");
            return;
        }
        busy.set(true);
        progress_label.set(lang.get_untracked().s("正在准备", "Preparing"));
        let list = drafts.get_value();
        let branch = state.branch.get_untracked().own_code();
        // Not tied to the page: leaving it mid-import must not stop the writes (or their
        // taking back) half way, so the page's signals are only ever `try_set` below.
        leptos::task::spawn_local(async move {
            let staff: HashMap<String, String> = staff_by_id()
                .await
                .into_values()
                .flat_map(|s| [(s.name.clone(), s.id.clone()), (s.id.clone(), s.id)])
                .collect();
            let total = list.len();
            progress.try_set(Some((0, total)));
            let mut docs = Vec::with_capacity(total);
            for (i, d) in list.into_iter().enumerate() {
                let staff_id = d.staff.as_ref().and_then(|s| staff.get(s.trim())).cloned();
                let c = d.into_customer(new_id(Customer::TYPE), &branch, staff_id);
                match typed::to_doc(&c) {
                    Ok(doc) => docs.push(doc),
                    Err(e) => {
                        state.warn_with(|zh| e.message(zh));
                        busy.try_set(false);
                        progress.try_set(None);
                        return;
                    }
                }
                if i % CHUNK == CHUNK - 1 {
                    progress.try_set(Some((i + 1, total)));
                    yield_now().await;
                }
            }
            // Written in transactions of WRITE_CHUNK rows with a paint between them, so the
            // page stays alive; if one fails, the earlier ones are taken back (see `write_all`).
            let outcome = write_all(docs, |done| {
                progress_label.try_set(lang.get_untracked().s("正在写入", "Writing"));
                progress.try_set(Some((done, total)));
            })
            .await;
            match outcome {
                Ok(()) => {
                    state.tell(
                        format!("已导入 {total} 位客户"),
                        format!("Imported {total} customer(s)"),
                    );
                    report.try_set(None);
                    info.try_set(None);
                    text.try_set_value(None);
                    drafts.try_set_value(Vec::new());
                    preview.try_set(Vec::new());
                }
                Err(f) => state.warn_with(|zh| f.message(zh)),
            }
            progress.try_set(None);
            busy.try_set(false);
        });
    };

    let download_report = move |_| {
        let Some(r) = report.get_untracked() else {
            return;
        };
        let zh = state.zh();
        let mut out = String::from("\u{feff}");
        out.push_str(if zh {
            "行号,结果,原因\n"
        } else {
            "line,result,reason\n"
        });
        let (bad, check) = if zh {
            ("有误，未导入", "请核对，仍导入")
        } else {
            ("invalid, not imported", "to check, imported")
        };
        let mut lines: Vec<(&RowError, &str)> = r
            .errors
            .iter()
            .map(|e| (e, bad))
            .chain(r.warnings.iter().map(|w| (w, check)))
            .collect();
        sort_by(&mut lines, |a, b| a.0.line.cmp(&b.0.line));
        for (e, what) in lines {
            // Every text quoted: "invalid, not imported" holds a comma (QA: Excel split it).
            out.push_str(&format!(
                "{},\"{what}\",\"{}\"\n",
                e.line,
                e.reason.get(zh).replace('"', "\"\"")
            ));
        }
        download("import-report.csv", "text/csv;charset=utf-8", &out);
    };

    view! {
        <div class="customers import">
            <p><A href="/customers">{t2("← 客户列表", "← Customers")}</A></p>
            <h1>{t2("从 CSV 导入客户", "Import customers from CSV")}</h1>
            <section class="panel">
                <label for="import-csv">{t2("选择 CSV 文件（UTF-8、GBK 均可；逗号、分号或制表符分隔）",
                    "Choose a CSV file (UTF-8 or GBK; comma, semicolon or tab separated)")}</label>
                <input id="import-csv" type="file" accept=".csv,.txt,text/csv" on:change=on_pick data-testid="import-file"/>
                {move || file_error.get().map(|m| view! { <p class="err" role="alert" data-testid="import-file-error">{m}</p> })}
                <ProgressBar progress=progress label=progress_label/>
            </section>
            {move || info.get().map(|fi| {
                let headers = fi.headers.clone();
                view! {
                    <section class="panel">
                        <h2>{t2("列对应", "Column mapping")}</h2>
                        <p class="small muted" data-testid="import-format">
                            {fi.name.clone()}" · "{fi.encoding}" · "{move || fi.delimiter.label(zh())}
                        </p>
                        <div class="table-wrap">
                            <table class="mapping">
                                <thead><tr>
                                    <th>{t2("文件中的列", "Column in the file")}</th>
                                    <th>{t2("对应字段", "Customer field")}</th>
                                </tr></thead>
                                <tbody>
                                    {headers.into_iter().enumerate().map(|(i, h)| {
                                        let sel_id = format!("map-col-{i}");
                                        view! {
                                            <tr>
                                                <td><label for=sel_id.clone()>{h}</label></td>
                                                <td>
                                                    <select id=sel_id.clone() data-testid=sel_id
                                                        on:change=move |ev| set_column(i, event_target_value(&ev))>
                                                        <option value="" selected=move || mapping.with(|m| m.columns.get(i).copied().flatten().is_none())>
                                                            {t2("（忽略）", "(ignore)")}
                                                        </option>
                                                        {Field::ALL.into_iter().enumerate().map(|(k, f)| view! {
                                                            <option value=k.to_string()
                                                                selected=move || mapping.with(|m| m.columns.get(i).copied().flatten() == Some(f))>
                                                                {move || field_label(f, zh())}
                                                            </option>
                                                        }).collect_view()}
                                                    </select>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <div role="alert"><ul class="err">
                            {move || mapping.with(|m| m.problems()).into_iter().map(|p| view! { <li>{p.get(zh()).to_string()}</li> }).collect_view()}
                        </ul></div>
                        <h3>{t2("预览（前几行）", "Preview (first rows)")}</h3>
                        <div class="table-wrap">
                            <table data-testid="import-preview">
                                <thead><tr>
                                    <th>{t2("行", "Line")}</th>
                                    <th>{t2("姓名", "Name")}</th>
                                    <th>{t2("手机", "Phone")}</th>
                                    <th>{t2("客户号", "Account no.")}</th>
                                    <th>{t2("等级", "Tier")}</th>
                                    <th>{t2("价值", "Value")}</th>
                                    <th>{t2("开户日期", "Opened")}</th>
                                </tr></thead>
                                <tbody>
                                    {move || preview.get().into_iter().map(|r| match r {
                                        Ok(d) => view! {
                                            <tr>
                                                <td>{d.line}</td>
                                                <td>{d.name.clone()}</td>
                                                <td class="mono">{d.phone.as_deref().map(mask_phone).unwrap_or_default()}</td>
                                                <td class="mono">{d.account_no.as_deref().map(mask_account).unwrap_or_default()}</td>
                                                <td>{move || d.tier.label(zh())}</td>
                                                <td>{move || d.value.label(zh())}</td>
                                                <td>{d.account_opened.map(|x| x.to_string()).unwrap_or_default()}</td>
                                            </tr>
                                        }.into_any(),
                                        Err(e) => view! {
                                            <tr class="bad-row">
                                                <td>{e.line}</td>
                                                <td colspan="6">{move || e.reason.get(zh()).to_string()}</td>
                                            </tr>
                                        }.into_any(),
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </section>
                }
            })}
            {move || report.get().map(|r| {
                let n_err = r.errors.len();
                let more = n_err.saturating_sub(SHOWN_ERRORS);
                let shown: Vec<RowError> = r.errors.iter().take(SHOWN_ERRORS).cloned().collect();
                let n_warn = r.warnings.len();
                let more_warn = n_warn.saturating_sub(SHOWN_ERRORS);
                let shown_warn: Vec<RowError> = r.warnings.iter().take(SHOWN_ERRORS).cloned().collect();
                let warned = r.warned_rows;
                view! {
                    <section class="panel">
                        <h2>{t2("检查结果", "Check report")}</h2>
                        <p data-testid="import-summary">
                            {move || match (zh(), warned) {
                                (true, 0) => format!("共 {} 行：有效 {} 行，有误 {} 行", r.rows, r.valid, n_err),
                                (true, w) => format!("共 {} 行：有效 {} 行（其中 {w} 行请核对），有误 {} 行", r.rows, r.valid, n_err),
                                (false, 0) => format!("{} row(s): {} valid, {} invalid", r.rows, r.valid, n_err),
                                (false, w) => format!("{} row(s): {} valid ({w} to check), {} invalid", r.rows, r.valid, n_err),
                            }}
                        </p>
                        {(n_err > 0).then(|| view! {
                            <ul class="import-errors" data-testid="import-errors">
                                {row_items(shown, "import-error-row")}
                            </ul>
                            {(more > 0).then(|| view! {
                                <p class="muted">{move || if zh() { format!("另有 {more} 行未列出，见下载的报告") } else { format!("{more} more in the downloadable report") }}</p>
                            })}
                        })}
                        {(n_warn > 0).then(|| view! {
                            <div class="warn-box" data-testid="import-warnings">
                                <h3>{t2("请核对（这些行仍会导入）", "To check (these rows are imported all the same)")}</h3>
                                <p class="small">{t2(
                                    "手机号与文件中其他行或已有客户相同，可能是同一客户重复登记；如为家庭成员共用号码，可照常导入。",
                                    "A phone number another row of the file or an existing customer already has: this may be the same customer entered twice. If it is a family sharing a number, import as usual.",
                                )}</p>
                                <ul class="import-errors">
                                    {row_items(shown_warn, "import-warning-row")}
                                </ul>
                                {(more_warn > 0).then(|| view! {
                                    <p class="muted">{move || if zh() { format!("另有 {more_warn} 条未列出，见下载的报告") } else { format!("{more_warn} more in the downloadable report") }}</p>
                                })}
                            </div>
                        })}
                        {(n_err + n_warn > 0).then(|| view! {
                            <button type="button" data-testid="import-report" on:click=download_report>{t2("下载检查报告", "Download the report")}</button>
                        })}
                        <fieldset class="import-mode">
                            <legend>{t2("如何导入", "How to import")}</legend>
                            <label>
                                <input type="radio" name="import-mode" data-testid="mode-valid"
                                    prop:checked=move || !all_or_nothing.get()
                                    on:change=move |_| all_or_nothing.set(false)/>
                                {t2("导入全部有效行（跳过有误的行）", "Import all valid rows (skip the invalid ones)")}
                            </label>
                            <label>
                                <input type="radio" name="import-mode" data-testid="mode-all"
                                    prop:checked=move || all_or_nothing.get()
                                    on:change=move |_| all_or_nothing.set(true)/>
                                {t2("全部有效才导入，否则不导入任何行", "Import nothing unless every row is valid")}
                            </label>
                        </fieldset>
                        <div class="actions">
                            <button type="button" class="primary" data-testid="import-go"
                                disabled=move || busy.get() || mapping.with(|m| !m.problems().is_empty())
                                on:click=do_import>
                                {move || if zh() { format!("导入 {} 位客户", r.valid) } else { format!("Import {} customer(s)", r.valid) }}
                            </button>
                        </div>
                    </section>
                }
            })}
        </div>
    }
}
