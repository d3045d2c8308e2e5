//! Backup: every record exported to one JSON file, and such a file imported (validated first:
//! a malformed or foreign file is refused with a clear message and changes nothing).

use crate::domain::datefmt::Layout;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use serde_json::Value as Json;

use crate::domain::backup::{self, BackupSummary};
use crate::domain::complaint::CaseCounter;
use crate::store::{Doc, DocStore, ReplicatedRev};
use crate::sync::conflicts;
use crate::ui::boot::{branch_settings, load_settings, mark_import};
use crate::ui::components::sync_status::sync_ctx;
use crate::ui::components::ProgressBar;
use crate::ui::data::{all_of, count_of_all};
use crate::ui::i18n::t2;
use crate::ui::pages::complaints::repo::{keep_case_numbers, refresh_deadlines};
use crate::ui::platform::{download, keep_focus_on, now, read_file_bytes, yield_now};
use crate::ui::state::{app, store};

use super::{admin, admin_check_now, AdminNote};

const PAGE: usize = 500;

/// The document as a backup holds it: the body with `_id`, `_rev` (and `_deleted`).
fn doc_value(d: &Doc) -> Json {
    let mut v = d.body.clone();
    if let Some(map) = v.as_object_mut() {
        map.insert("_id".into(), Json::String(d.id.clone()));
        if let Some(rev) = &d.rev {
            map.insert("_rev".into(), Json::String(rev.clone()));
        }
    }
    v
}

/// A backup document back into the store's shape.
fn value_doc(v: &Json) -> Option<Doc> {
    let mut body = v.clone();
    let map = body.as_object_mut()?;
    let id = map.remove("_id")?.as_str()?.to_string();
    let rev = map
        .remove("_rev")
        .and_then(|r| r.as_str().map(str::to_string));
    let deleted = map
        .remove("_deleted")
        .and_then(|d| d.as_bool())
        .unwrap_or(false);
    Some(Doc {
        id,
        rev,
        deleted,
        body,
    })
}

/// The backup's text, how many records it holds, and how many could not be read (left out:
/// a damaged record has no body to write).
async fn export(
    progress: RwSignal<Option<(usize, usize)>>,
) -> Result<(String, usize, usize), String> {
    let state = app();
    let zh = state.zh();
    let s = store();
    let total = count_of_all(&s).await.map_err(|e| e.message(zh))? as usize;
    progress.set(Some((0, total)));
    let mut docs: Vec<Json> = Vec::with_capacity(total);
    let mut unreadable = 0;
    let mut after: Option<String> = None;
    loop {
        let page = s
            .all_docs(after.as_deref(), PAGE)
            .await
            .map_err(|e| e.message(zh))?;
        docs.extend(page.docs.iter().map(doc_value));
        unreadable += page.corrupt.len();
        progress.set(Some((docs.len(), total.max(docs.len()))));
        yield_now().await;
        match page.docs.last() {
            Some(last) if page.next.is_some() => after = Some(last.id.clone()),
            _ => break,
        }
    }
    // The other versions waiting for staff to choose (of records exported above: not those of
    // a damaged one), so that a restore does not keep the winner alone.
    let exported: std::collections::HashSet<&str> = docs
        .iter()
        .filter_map(|d| d.get("_id").and_then(Json::as_str))
        .collect();
    let others: Vec<Json> = conflicts::pending_versions(&s)
        .await
        .map_err(|e| e.message(zh))?
        .iter()
        .filter(|d| exported.contains(d.id.as_str()))
        .map(doc_value)
        .collect();
    let n = docs.len();
    let text =
        backup::write_backup(&state.branch.get_untracked(), now(), docs, others).map_err(|e| {
            if zh {
                e.zh()
            } else {
                e.en()
            }
        })?;
    Ok((text, n, unreadable))
}

async fn import(text: String) -> Result<usize, String> {
    let state = app();
    let zh = state.zh();
    let file = backup::read_backup(&text).map_err(|e| if zh { e.zh() } else { e.en() })?;
    let docs: Vec<Doc> = file.docs.iter().filter_map(value_doc).collect();
    let others: Vec<Doc> = file.conflicts.iter().filter_map(value_doc).collect();
    let mut in_conflict: Vec<String> = others.iter().map(|d| d.id.clone()).collect();
    in_conflict.sort();
    in_conflict.dedup();
    let s = store();
    let total = docs.len();
    // Each version with its own revision: a document with others gets its conflicting leaves
    // back beside the winner.
    let revs: Vec<ReplicatedRev> = docs
        .into_iter()
        .chain(others)
        .map(|d| ReplicatedRev {
            history: d.rev.clone().into_iter().collect(),
            doc: d,
        })
        .collect();
    // The case numbers handed out so far, kept over the import (see `keep_case_numbers`).
    let counters = all_of::<CaseCounter>(&s)
        .await
        .map_err(|e| e.message(zh))?
        .0;
    // One transaction: the old data stays unless every document of the file was written.
    // Noted while it runs: if the page closes meanwhile, the next start says so.
    mark_import(&s, Some(total))
        .await
        .map_err(|e| e.message(zh))?;
    let replaced = s.replace_all(revs).await;
    let _ = mark_import(&s, None).await;
    replaced.map_err(|e| e.message(zh))?;
    // Listed again for a person (the list went with the old data), or merged where the rules
    // can, as after the pull that brought them.
    conflicts::settle(&s, &in_conflict)
        .await
        .map_err(|e| e.message(zh))?;
    keep_case_numbers(&s, counters)
        .await
        .map_err(|e| e.message(zh))?;
    // Open cases listed by the deadline the imported calendar gives (a backup of an older
    // version, or of another tool, may hold none).
    let cal = branch_settings(&s).await.calendar;
    refresh_deadlines(&s, &cal)
        .await
        .map_err(|e| e.message(zh))?;
    yield_now().await;
    Ok(total)
}

/// Changes on this device that its sync has not sent to the server yet (0 on a device that has
/// never been set to sync): an import or an erase loses them, and the server does not have
/// them to bring back (QA: a complaint filed offline was gone after a restore).
async fn unsent(cfg: Option<crate::sync::config::SyncConfig>) -> u64 {
    match cfg {
        Some(c) => crate::sync::engine::pending(&store(), &c.main_push())
            .await
            .unwrap_or(0),
        None => 0,
    }
}

/// What an import or an erase of this device would lose of `n` changes not yet sent, in words.
fn unsent_text(n: u64, zh: bool) -> String {
    if zh {
        format!("本设备有 {n} 项更改尚未上传到同步服务器（例如离线时登记或处理的投诉），服务器上没有这些更改：替换或清除本设备数据后，它们将丢失。请先联网完成同步。")
    } else {
        format!("{n} change{} on this device {} not been sent to the sync server yet (complaints recorded or handled offline, for example), and the server does not have them: replacing or erasing this device's data loses them. Sync first.", if n == 1 { "" } else { "s" }, if n == 1 { "has" } else { "have" })
    }
}

#[component]
pub fn BackupSection() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let progress = RwSignal::new(None::<(usize, usize)>);
    let writing = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let picked = RwSignal::new(None::<(String, BackupSummary)>);
    // A file of another branch (its code differs from this device's, once this one has its
    // own): imported, it would replace this branch's records, and a synced device's server's.
    let foreign = move || {
        picked.with(|p| {
            p.as_ref().is_some_and(|(_, f)| {
                let here = state.branch.get();
                // Codes are kept in upper case: "zz01" typed in a file is ZZ01 (QA).
                here.named().is_some()
                    && !f.branch.code.trim().eq_ignore_ascii_case(here.code.trim())
            })
        })
    };
    let foreign_ok = RwSignal::new(false);
    let file_error = RwSignal::new(None::<String>);
    let confirm_erase = RwSignal::new(false);
    // Changes not yet sent to the sync server, counted when a file is picked or an erase is
    // asked for; an import then waits for a tick that they may be lost.
    let unsent_n = RwSignal::new(0u64);
    let unsent_ok = RwSignal::new(false);
    // Taken here: the tasks spawned below run outside the component's owner.
    let sync = sync_ctx();
    // Exporting, replacing or erasing the data is the manager's (once there is one): a backup
    // holds every customer's contact data in full, which lists mask and log each view of.
    let admin = admin();
    let allowed = move || admin.allowed();

    let on_export = move |_| {
        busy.set(true);
        spawn_local(async move {
            if let Err(msg) = admin_check_now().await {
                state.warn(msg);
                busy.set(false);
                return;
            }
            match export(progress).await {
                Ok((json, n, unreadable)) => {
                    let name = format!("kefu-backup-{}.json", now().layout("%Y%m%d-%H%M"));
                    download(&name, "application/json", &json);
                    if unreadable > 0 {
                        state.warn2(
                            format!("已导出 {n} 条记录；另有 {unreadable} 条记录已损坏，无法读取，未包含在备份中"),
                            format!("Exported {n} records; {unreadable} damaged records could not be read and are not in the backup"),
                        );
                    } else {
                        state.tell(
                            format!("已导出 {n} 条记录"),
                            format!("Exported {n} records"),
                        );
                    }
                }
                Err(msg) => state.warn(msg),
            }
            busy.set(false);
            progress.set(None);
        });
    };

    let on_pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = ev.target().unwrap().unchecked_into();
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        picked.set(None);
        file_error.set(None);
        spawn_local(async move {
            let zh = state.zh();
            let text = match read_file_bytes(&file).await.map(String::from_utf8) {
                Ok(Ok(t)) => t,
                _ => {
                    file_error.set(Some(lang.get_untracked().s(
                        "无法读取该文件，或它不是文本文件",
                        "The file could not be read as text",
                    )));
                    return;
                }
            };
            match backup::validate_backup(&text) {
                Ok(summary) => {
                    foreign_ok.set(false);
                    unsent_ok.set(false);
                    unsent_n.try_set(unsent(sync.config.get_untracked()).await);
                    picked.set(Some((text, summary)));
                }
                Err(e) => file_error.set(Some(if zh { e.zh() } else { e.en() })),
            }
        });
    };

    let on_import = move |_| {
        let Some((text, _)) = picked.get_untracked() else {
            return;
        };
        busy.set(true);
        spawn_local(async move {
            if let Err(msg) = admin_check_now().await {
                state.warn(msg);
                busy.set(false);
                return;
            }
            // More made meanwhile (another tab, a form): asked again with the new count.
            let n = unsent(sync.config.get_untracked()).await;
            if n > unsent_n.get_untracked() || (n > 0 && !unsent_ok.get_untracked()) {
                unsent_n.set(n);
                unsent_ok.set(false);
                busy.set(false);
                return;
            }
            // One transaction, with no count to show as it goes: said in words (QA: a bar
            // stood at 0 of 23,003 for 20 s, the page not answering, as if it had hung).
            writing.set(true);
            let imported = sync.paused_for(import(text)).await;
            writing.set(false);
            match imported {
                Ok(n) => {
                    picked.set(None);
                    load_settings(state, &store()).await;
                    state.tell(
                        format!("已导入 {n} 条记录"),
                        format!("Imported {n} records"),
                    );
                }
                Err(msg) => state.warn(msg),
            }
            busy.set(false);
            progress.set(None);
        });
    };

    let on_erase = move |_| {
        busy.set(true);
        spawn_local(async move {
            if let Err(msg) = admin_check_now().await {
                state.warn(msg);
                confirm_erase.set(false);
                busy.set(false);
                return;
            }
            match sync.paused_for(store().clear()).await {
                Ok(()) => {
                    load_settings(state, &store()).await;
                    state.tell(
                        "本设备上的数据已全部清除",
                        "All data on this device was erased",
                    );
                }
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
            confirm_erase.set(false);
            busy.set(false);
        });
    };

    view! {
        <section class="panel" aria-labelledby="backup-h" data-testid="backup-section">
            <h2 id="backup-h">{t2("备份与恢复", "Backup and restore")}</h2>
            <div class="actions">
                <button type="button" class="primary" on:click=on_export disabled=move || busy.get() || !allowed() data-testid="export">
                    {t2("导出全部数据（JSON）", "Export all data (JSON)")}
                </button>
                <label class="button" class:disabled=move || !allowed()>
                    {t2("选择备份文件导入…", "Choose a backup file to import…")}
                    <input type="file" accept=".json,application/json" on:change=on_pick
                        data-testid="import-file" style="position:absolute;left:-9999px" disabled=move || busy.get() || !allowed()/>
                </label>
            </div>
            <AdminNote/>
            <ProgressBar progress=progress label=Signal::derive(move || lang.get().s("进度", "Progress"))/>
            {move || writing.get().then(|| view! {
                <p class="warn-box" role="status" data-testid="import-writing">{t2(
                    "正在导入：全部记录在一次写入中完成，完成前原有数据保持不变。大的文件需要数十秒，期间页面可能暂时没有响应，请勿关闭页面。",
                    "Importing: every record is written in one go, and the data here stays as it was until it is done. A large file takes some tens of seconds, during which the page may not respond; do not close it.",
                )}</p>
            })}
            {move || file_error.get().map(|e| view! { <p class="err" role="alert" data-testid="import-error">{e}</p> })}
            {move || picked.get().map(|(_, summary)| view! {
                <div class="panel" data-testid="import-summary">
                    <p>{move || lang.get().s(
                        format!("文件有效：共 {} 条记录，导出于 {}。导入将替换本设备上的全部数据。", summary.total, summary.exported_at.layout("%Y-%m-%d %H:%M")),
                        format!("The file is valid: {} records, exported {}. Importing replaces all data on this device.", summary.total, summary.exported_at.layout("%Y-%m-%d %H:%M")),
                    )}</p>
                    <p data-testid="import-branch">{
                        let b = summary.branch.clone();
                        move || {
                            let name = b.named().unwrap_or_else(|| lang.get().t("未设置名称", "no name set"));
                            // No code: no empty brackets (QA: 未设置名称（）).
                            match b.code.trim() {
                                "" => lang.get().s(format!("备份所属营业部：{name}"), format!("The backup's branch: {name}")),
                                code => lang.get().s(format!("备份所属营业部：{name}（{code}）"), format!("The backup's branch: {name} ({code})")),
                            }
                        }
                    }</p>
                    // A file with nothing, or nobody, in it leaves a device nobody signs in on.
                    {(summary.total == 0).then(|| view! {
                        <p class="warn-box" data-testid="import-empty">{t2(
                            "备份中没有任何记录：导入将清空本设备上的全部数据。",
                            "The backup holds no records: importing it empties this device.",
                        )}</p>
                    })}
                    {(summary.total > 0 && summary.counts.get("staff").copied().unwrap_or(0) == 0).then(|| view! {
                        <p class="warn-box" data-testid="import-no-staff">{t2(
                            "备份中没有人员记录：导入后本设备上无人能登录，任何人都可重新设置营业部和人员。",
                            "The backup holds no staff: after importing, nobody can sign in on this device, and anyone may set up the branch and its staff again.",
                        )}</p>
                    })}
                    // Staff, but no active manager: once imported, the branch's settings and
                    // staff are open to anyone, as on a new device (QA: said nowhere).
                    {(summary.counts.get("staff").copied().unwrap_or(0) > 0 && summary.active_managers == 0).then(|| view! {
                        <p class="warn-box" data-testid="import-no-manager">{t2(
                            "备份中没有在岗的客服经理：导入后，本设备上任何人都可以添加客服经理、修改营业部设置和人员。",
                            "The backup holds no active manager: after importing, anyone on this device may add a manager and change the branch's settings and staff.",
                        )}</p>
                    })}
                    // On a device that syncs, the server keeps its records: what was added or
                    // changed there after the export comes back with the next sync.
                    {move || sync.config.get().is_some_and(|c| c.enabled && c.mode == crate::sync::config::Mode::TwoWay).then(|| view! {
                        <p class="warn-box" data-testid="import-synced">{t2(
                            "本设备与同步服务器同步：导入只替换本设备上的数据。服务器上的记录不会被替换，导出后在服务器上新增或修改的记录会在下次同步时回到本设备。",
                            "This device syncs with a server: importing replaces the data on this device only. The server's records are not replaced, and what was added or changed there after the export comes back with the next sync.",
                        )}</p>
                    })}
                    {move || (unsent_n.get() > 0).then(|| view! {
                        <label class="err" data-testid="import-unsent">
                            <input type="checkbox" prop:checked=unsent_ok on:change=move |ev| unsent_ok.set(event_target_checked(&ev))/>
                            {move || format!("{} {}", unsent_text(unsent_n.get(), lang.get().is_zh()), lang.get().t(
                                "确需现在导入，请勾选确认。",
                                "To import now anyway, tick to confirm.",
                            ))}
                        </label>
                    })}
                    {move || foreign().then(|| view! {
                        <label class="err" data-testid="import-other-branch">
                            <input type="checkbox" prop:checked=foreign_ok on:change=move |ev| foreign_ok.set(event_target_checked(&ev))/>
                            {move || lang.get().t(
                                "这是另一营业部的备份。导入后，本设备上的本营业部数据将被它替换。确认要导入。",
                                "This is another branch's backup. Importing it replaces this branch's records on this device. Confirm to import.",
                            )}
                        </label>
                    })}
                    {(summary.conflicts > 0).then(|| view! {
                        <p data-testid="import-conflicts">{move || lang.get().s(
                            format!("另有 {} 个待选择的版本（同步冲突），导入后仍在“需要人工选择的冲突”中等待选择。", summary.conflicts),
                            format!("Also {} other versions waiting to be chosen (sync conflicts); after the import they still wait under Conflicts to settle.", summary.conflicts),
                        )}</p>
                    })}
                    <button type="button" class="primary" on:click=on_import
                        disabled=move || busy.get() || !allowed() || (foreign() && !foreign_ok.get())
                            || (unsent_n.get() > 0 && !unsent_ok.get())>
                        {t2("替换并导入", "Replace and import")}
                    </button>
                    <button type="button" on:click=move |_| {
                        // The keyboard goes back to the file picker (QA: to the page's top).
                        keep_focus_on("[data-testid=import-file]".to_string());
                        picked.set(None);
                    }>{t2("取消", "Cancel")}</button>
                </div>
            })}
            <h3>{t2("清除本设备数据", "Erase this device")}</h3>
            <Show when=move || confirm_erase.get() fallback=move || view! {
                <button type="button" class="danger" id="erase-start" on:click=move |_| {
                    // Asked: the keyboard on 取消, the safe answer (QA: it fell to the page's top).
                    keep_focus_on("#erase-cancel".to_string());
                    unsent_n.set(0);
                    confirm_erase.set(true);
                    spawn_local(async move {
                        unsent_n.try_set(unsent(sync.config.get_untracked()).await);
                    });
                } disabled=move || !allowed()>{t2("清除全部数据…", "Erase all data…")}</button>
            }>
                <p class="err">{t2("确定清除本设备上的全部记录？请先导出备份。", "Erase every record on this device? Export a backup first.")}</p>
                {move || (unsent_n.get() > 0).then(|| view! {
                    <p class="err" data-testid="erase-unsent">{move || unsent_text(unsent_n.get(), lang.get().is_zh())}</p>
                })}
                <button type="button" class="danger" on:click=on_erase data-testid="erase-confirm" disabled=move || busy.get() || !allowed()>{t2("确定清除", "Yes, erase")}</button>
                <button type="button" id="erase-cancel" on:click=move |_| {
                    keep_focus_on("#erase-start".to_string());
                    confirm_erase.set(false);
                }>{t2("取消", "Cancel")}</button>
            </Show>
        </section>
    }
}
