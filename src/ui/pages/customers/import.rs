//! CSV import (/customers/import): pick a file, see the first rows and the guessed column
//! mapping (editable), check every row in chunks with a progress bar, read the report of
//! every bad row, then import — all valid rows, or nothing unless every row is valid — as
//! one all-or-nothing store transaction.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use leptos::task::spawn_local_scoped as spawn_local;
use leptos_router::components::A;
use wasm_bindgen::JsCast;

use crate::domain::customer::{
    mask_account, mask_phone, ColumnMapping, CustomerDraft, Field, ImportParser, RowError,
};
use crate::domain::Record;
use crate::store::{typed, DocStore, KeyRange};
use crate::ui::components::ProgressBar;
use crate::ui::data::count_of;
use crate::ui::i18n::t2;
use crate::ui::platform::{download, new_id, read_file_bytes, yield_now};
use crate::ui::state::{app, store};

use super::{all_docs_in, staff_by_id};

/// Rows checked between two paints.
const CHUNK: usize = 2_000;
/// Bad rows listed on the page (all of them are in the downloadable report).
const SHOWN_ERRORS: usize = 500;

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
}

/// Account numbers already in the store (lower case), so repeats are refused.
async fn existing_accounts() -> HashSet<String> {
    let s = store();
    if count_of(&s, crate::domain::customer::Customer::TYPE)
        .await
        .unwrap_or(0)
        == 0
    {
        return HashSet::new();
    }
    all_docs_in("customer_by_account", KeyRange::all(), false)
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|d| d.body.get("account_no").and_then(|v| v.as_str()))
        .map(|a| a.trim().to_lowercase())
        .collect()
}

fn field_label(f: Field, zh: bool) -> &'static str {
    f.label(zh)
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let zh = move || lang.get().is_zh();
    let bytes: StoredValue<Option<Vec<u8>>> = StoredValue::new(None);
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
        let Some(data) = bytes.get_value() else {
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
            let existing = existing_accounts().await;
            let mut parser = match ImportParser::new(&data, Some(map)) {
                Ok(p) => p.with_existing_accounts(existing),
                Err(e) => {
                    file_error.set(Some(e.message(state.zh())));
                    busy.set(false);
                    progress.set(None);
                    return;
                }
            };
            let mut valid = Vec::new();
            let mut errors = Vec::new();
            let mut first = Vec::new();
            let mut rows = 0;
            while !parser.is_done() {
                for r in parser.next_chunk(CHUNK) {
                    rows += 1;
                    if first.len() < 5 {
                        first.push(r.clone());
                    }
                    match r {
                        Ok(d) => valid.push(d),
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
            match ImportParser::new(&data, None) {
                Ok(p) => {
                    mapping.set(p.mapping().clone());
                    info.set(Some(FileInfo {
                        name,
                        headers: p.headers().to_vec(),
                        encoding: p.encoding().label(),
                        delimiter: p.delimiter(),
                    }));
                    bytes.set_value(Some(data));
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
        let zh = state.zh();
        if all_or_nothing.get_untracked() && !r.errors.is_empty() {
            state.warn(lang.get_untracked().s(
                format!(
                    "有 {} 行有误,按“全部有效才导入”的选择,未导入任何记录",
                    r.errors.len()
                ),
                format!(
                    "{} row(s) are invalid: as chosen, nothing was imported",
                    r.errors.len()
                ),
            ));
            return;
        }
        if r.valid == 0 {
            state.warn(
                lang.get_untracked()
                    .s("没有可导入的有效行", "There are no valid rows to import"),
            );
            return;
        }
        busy.set(true);
        progress_label.set(lang.get_untracked().s("正在准备", "Preparing"));
        spawn_local(async move {
            let staff: HashMap<String, String> = staff_by_id()
                .await
                .into_values()
                .flat_map(|s| [(s.name.clone(), s.id.clone()), (s.id.clone(), s.id)])
                .collect();
            let branch = state.branch.get_untracked().code;
            let list = drafts.get_value();
            let total = list.len();
            progress.set(Some((0, total)));
            let mut docs = Vec::with_capacity(total);
            for (i, d) in list.into_iter().enumerate() {
                let staff_id = d.staff.as_ref().and_then(|s| staff.get(s.trim())).cloned();
                let c = d.into_customer(
                    new_id(crate::domain::customer::Customer::TYPE),
                    &branch,
                    staff_id,
                );
                match typed::to_doc(&c) {
                    Ok(doc) => docs.push(doc),
                    Err(e) => {
                        state.warn(e.message(zh));
                        busy.set(false);
                        progress.set(None);
                        return;
                    }
                }
                if i % CHUNK == CHUNK - 1 {
                    progress.set(Some((i + 1, total)));
                    yield_now().await;
                }
            }
            progress_label.set(
                lang.get_untracked()
                    .s("正在写入(一次事务)", "Writing (one transaction)"),
            );
            progress.set(Some((total, total)));
            yield_now().await;
            // One transaction: every valid row, or — if anything fails — none.
            match store().bulk(docs).await {
                Ok(_) => {
                    state.tell(
                        format!("已导入 {total} 位客户"),
                        format!("Imported {total} customer(s)"),
                    );
                    report.set(None);
                    info.set(None);
                    bytes.set_value(None);
                    drafts.set_value(Vec::new());
                    preview.set(Vec::new());
                }
                Err(e) => state.warn(lang.get_untracked().s(
                    format!("导入失败,未写入任何记录:{}", e.message(true)),
                    format!(
                        "The import failed and nothing was written: {}",
                        e.message(false)
                    ),
                )),
            }
            progress.set(None);
            busy.set(false);
        });
    };

    let download_report = move |_| {
        let Some(r) = report.get_untracked() else {
            return;
        };
        let zh = state.zh();
        let mut out = String::from("\u{feff}");
        out.push_str(if zh {
            "行号,原因\n"
        } else {
            "line,reason\n"
        });
        for e in &r.errors {
            out.push_str(&format!(
                "{},\"{}\"\n",
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
                <label for="import-csv">{t2("选择 CSV 文件(UTF-8、GBK 均可;逗号、分号或制表符分隔)",
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
                                                            {t2("(忽略)", "(ignore)")}
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
                        <ul class="err" role="alert">
                            {move || mapping.with(|m| m.problems()).into_iter().map(|p| view! { <li>{p.get(zh()).to_string()}</li> }).collect_view()}
                        </ul>
                        <h3>{t2("预览(前几行)", "Preview (first rows)")}</h3>
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
                view! {
                    <section class="panel">
                        <h2>{t2("检查结果", "Check report")}</h2>
                        <p data-testid="import-summary">
                            {move || if zh() {
                                format!("共 {} 行:有效 {} 行,有误 {} 行", r.rows, r.valid, n_err)
                            } else {
                                format!("{} row(s): {} valid, {} invalid", r.rows, r.valid, n_err)
                            }}
                        </p>
                        {(n_err > 0).then(|| view! {
                            <ul class="import-errors" data-testid="import-errors">
                                {shown.into_iter().map(|e| view! {
                                    <li data-testid="import-error-row">
                                        <strong>{move || if zh() { format!("第 {} 行", e.line) } else { format!("Line {}", e.line) }}</strong>
                                        ": "{move || e.reason.get(zh()).to_string()}
                                    </li>
                                }).collect_view()}
                            </ul>
                            {(more > 0).then(|| view! {
                                <p class="muted">{move || if zh() { format!("另有 {more} 行未列出,见下载的报告") } else { format!("{more} more in the downloadable report") }}</p>
                            })}
                            <button type="button" on:click=download_report>{t2("下载错误报告", "Download the report")}</button>
                        })}
                        <fieldset class="import-mode">
                            <legend>{t2("如何导入", "How to import")}</legend>
                            <label>
                                <input type="radio" name="import-mode" data-testid="mode-valid"
                                    prop:checked=move || !all_or_nothing.get()
                                    on:change=move |_| all_or_nothing.set(false)/>
                                {t2("导入全部有效行(跳过有误的行)", "Import all valid rows (skip the invalid ones)")}
                            </label>
                            <label>
                                <input type="radio" name="import-mode" data-testid="mode-all"
                                    prop:checked=move || all_or_nothing.get()
                                    on:change=move |_| all_or_nothing.set(true)/>
                                {t2("全部有效才导入,否则不导入任何行", "Import nothing unless every row is valid")}
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
