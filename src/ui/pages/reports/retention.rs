//! reports/retention: cases archived more than 5 years ago, listed for destruction, and the
//! destruction itself — a deliberate act confirmed with the signed-in manager's PIN that
//! purges the chosen cases and writes one `destruction_log` record of who destroyed which case
//! numbers, when and why (shown here under "Destruction log").

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{Duration, Months, NaiveDateTime};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::domain::complaint::Category;
use crate::domain::report::{eligible_for_destruction, DestructionLog, RETENTION_YEARS};
use crate::domain::staff::Role;
use crate::ui::components::ProgressBar;
use crate::ui::data::all_of;
use crate::ui::i18n::{t2, Lang};
use crate::ui::pages::complaints::repo::destroy_recorded;
use crate::ui::platform::now;
use crate::ui::state::{app, store, AppStore};

use super::labels;
use super::stream::{archived_before, stream_complaints, ARCHIVED_INDEX};

/// A case whose retention period is over.
#[derive(Clone, Debug, PartialEq)]
struct Eligible {
    id: String,
    case_no: String,
    received_at: NaiveDateTime,
    archived_at: Option<NaiveDateTime>,
    category: Option<Category>,
}

type Loaded = Result<Option<Arc<Vec<Eligible>>>, String>;

/// Pages through the archived cases old enough to be candidates and keeps those the domain
/// says may be destroyed today.
async fn load_eligible(
    s: AppStore,
    zh: bool,
    progress: RwSignal<Option<(usize, usize)>>,
    wanted: impl Fn() -> bool,
) -> Loaded {
    let today = now().date();
    // A few days' margin over the index; the domain rule decides each case.
    let upper = today
        .checked_sub_months(Months::new(12 * RETENTION_YEARS))
        .map(|d| d + Duration::days(3))
        .unwrap_or(today);
    let mut out = Vec::new();
    let run = stream_complaints(
        &s,
        zh,
        ARCHIVED_INDEX,
        archived_before(upper),
        progress,
        wanted,
        |page| {
            out.extend(
                page.iter()
                    .filter(|c| eligible_for_destruction(c, today))
                    .map(|c| Eligible {
                        id: c.id.clone(),
                        case_no: c.case_no.clone(),
                        received_at: c.received_at,
                        archived_at: c.archived_at,
                        category: c.category,
                    }),
            )
        },
    )
    .await?;
    Ok(run.map(|_| Arc::new(out)))
}

fn role_label(role: Role, l: Lang) -> &'static str {
    l.t(role.zh(), role.en())
}

#[component]
pub fn RetentionView() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let progress = RwSignal::new(None::<(usize, usize)>);
    let generation = StoredValue::new(0u64);
    let eligible = LocalResource::new(move || {
        state.changes.track();
        // A page left open past midnight: a case may become eligible today.
        state.today.track();
        let run = generation.get_value() + 1;
        generation.set_value(run);
        let (s, zh) = (store(), state.zh());
        async move {
            load_eligible(s, zh, progress, move || {
                generation.try_get_value() == Some(run)
            })
            .await
        }
    });
    let log = LocalResource::new(move || {
        state.changes.track();
        let s = store();
        async move {
            let (mut logs, _) = all_of::<DestructionLog>(&s).await.unwrap_or_default();
            crate::domain::sort::sort_by(&mut logs, |a, b| (b.at, &b.id).cmp(&(a.at, &a.id)));
            logs
        }
    });
    // Taken now: event handlers and tasks run without the component's context.
    let app_store = StoredValue::new_local(store());
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let why = RwSignal::new(String::from("档案保管期满5年，按规定销毁"));
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    let rows = move || match eligible.get() {
        Some(Ok(Some(list))) => Some(list),
        _ => None,
    };
    let chosen_case_nos = move || {
        let chosen = selected.get();
        rows()
            .map(|list| {
                list.iter()
                    .filter(|e| chosen.contains(&e.id))
                    .map(|e| e.case_no.clone())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let may_destroy = move || {
        state
            .user
            .get()
            .is_some_and(|u| u.role == Role::Manager && u.active)
    };

    let on_confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = lang.get_untracked();
        error.set(None);
        let Some(user) = state.user.get_untracked() else {
            error.set(Some(l.s("请先在设置中登录", "Sign in first (Settings)")));
            return;
        };
        if why.get_untracked().trim().is_empty() {
            error.set(Some(
                l.s("请填写销毁原因", "Give the reason for the destruction"),
            ));
            return;
        }
        if let Err(e) =
            crate::ui::pin_check::check_pin(&user.id, &pin.get_untracked(), &user.pin_hash, l)
        {
            error.set(Some(e));
            return;
        }
        let ids: Vec<String> = selected.get_untracked().into_iter().collect();
        busy.set(true);
        let (s, zh, reason) = (app_store.get_value(), state.zh(), why.get_untracked());
        spawn_local(async move {
            match destroy_recorded(&s, zh, ids, &user, &reason).await {
                Ok(done) => {
                    let n = done.cases.len();
                    selected.set(BTreeSet::new());
                    confirming.set(false);
                    pin.set(String::new());
                    state.tell(
                        format!("已销毁 {n} 件案件，并记入销毁记录"),
                        format!("{n} cases destroyed and entered in the destruction log"),
                    );
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };

    view! {
        <section class="report retention" aria-labelledby="retention-h">
            // On paper, whose and when, as the other reports (QA: the log an auditor keeps
            // printed with neither).
            <h2 id="retention-h">
                <span class="print-only">{move || state.branch.get().heading()}</span>
                {t2("到期待销毁的案件", "Cases due for destruction")}
            </h2>
            <super::PrintedAt/>
            <p class="muted">{t2(
                "投诉档案归档后保存 5 年，期满后可以销毁。销毁会清除案件中的客户信息和文字内容，保留案件编号、日期、类别等统计所需的骨架，并在下方“销毁记录”中登记由谁、何时、以何原因销毁了哪些案件。销毁须由客服经理用本人 PIN 确认，不能撤销。",
                "Complaint records are kept for 5 years after archiving and may then be destroyed. Destruction erases the customer's details and every text of the case, keeps the skeleton the statistics need (case number, dates, category), and enters in the destruction log below who destroyed which cases, when and why. A manager confirms it with their own PIN; it cannot be undone.",
            )}</p>
            <ProgressBar progress=progress label=Signal::derive(move || lang.get().s("正在查找到期案件", "Looking for cases due"))/>
            {move || {
                let l = lang.get();
                match eligible.get() {
                    None | Some(Ok(None)) => view! { <p class="muted" role="status">{l.t("正在查找…", "Looking…")}</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="err" role="alert">{e}</p> }.into_any(),
                    Some(Ok(Some(list))) if list.is_empty() => view! {
                        <p class="muted" data-testid="eligible-none">{l.t("目前没有归档满 5 年的案件。", "No case has been archived for more than 5 years.")}</p>
                    }.into_any(),
                    Some(Ok(Some(list))) => eligible_table(list, l, selected).into_any(),
                }
            }}
            <Show when=move || !selected.get().is_empty()>
                <div class="panel destroy-panel no-print">
                    <Show when=may_destroy fallback=move || view! {
                        <p class="err" data-testid="destroy-not-allowed">{move || {
                            let l = lang.get();
                            match state.user.get() {
                                Some(u) => l.s(
                                    format!("销毁须由客服经理确认；当前登录的是 {}（{}）。", u.name, role_label(u.role, l)),
                                    format!("Destruction must be confirmed by a manager; {} ({}) is signed in.", u.name, role_label(u.role, l)),
                                ),
                                None => l.s("销毁须由客服经理确认：请先在设置中登录。", "A manager must confirm destruction: sign in first (Settings)."),
                            }
                        }}</p>
                    }>
                        <Show when=move || confirming.get() fallback=move || view! {
                            <div class="actions">
                                <button type="button" class="danger" data-testid="destroy-start"
                                    on:click=move |_| { error.set(None); confirming.set(true); }>
                                    {move || lang.get().s(format!("销毁所选的 {} 件案件…", selected.get().len()), format!("Destroy the {} chosen cases…", selected.get().len()))}
                                </button>
                            </div>
                        }>
                            <form class="confirm" on:submit=on_confirm data-testid="destroy-confirm-panel">
                                <p class="err">{move || {
                                    let l = lang.get();
                                    let who = state.user.get().map(|u| format!("{}（{}）", u.name, role_label(u.role, l))).unwrap_or_default();
                                    let nos = chosen_case_nos().join("、");
                                    l.s(
                                        format!("{who}，您将销毁以下 {} 件案件：{nos}。此操作不能撤销。", selected.get().len()),
                                        format!("{who}, you are about to destroy these {} cases: {nos}. This cannot be undone.", selected.get().len()),
                                    )
                                }}</p>
                                <div class="fields">
                                    <div class="field wide">
                                        <label for="destroy-why">{t2("销毁原因", "Reason")}</label>
                                        <input id="destroy-why" type="text" bind:value=why/>
                                    </div>
                                    <div class="field">
                                        <label for="destroy-pin">{t2("您的 PIN（确认身份）", "Your PIN (to confirm it is you)")}</label>
                                        <input id="destroy-pin" type="password" inputmode="numeric" autocomplete="off" bind:value=pin/>
                                    </div>
                                </div>
                                {move || error.get().map(|e| view! { <p class="err" role="alert" data-testid="destroy-error">{e}</p> })}
                                <div class="actions">
                                    <button type="submit" class="danger" disabled=move || busy.get() data-testid="destroy-confirm">
                                        {t2("确认销毁", "Destroy")}
                                    </button>
                                    <button type="button" on:click=move |_| { confirming.set(false); pin.set(String::new()); }>
                                        {t2("取消", "Cancel")}
                                    </button>
                                </div>
                            </form>
                        </Show>
                    </Show>
                </div>
            </Show>

            <h2 id="destruction-log-h">{t2("销毁记录", "Destruction log")}</h2>
            {move || {
                let l = lang.get();
                log.get().map(|logs| if logs.is_empty() {
                    view! { <p class="muted" data-testid="destruction-log-empty">{l.t("尚无销毁记录。", "Nothing has been destroyed yet.")}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap">
                            <table data-testid="destruction-log" aria-labelledby="destruction-log-h">
                                <thead><tr>
                                    <th>{l.t("销毁时间", "When")}</th>
                                    <th>{l.t("执行人", "By")}</th>
                                    <th>{l.t("原因", "Reason")}</th>
                                    <th>{l.t("销毁的案件", "Cases destroyed")}</th>
                                </tr></thead>
                                <tbody>
                                    {logs.into_iter().map(|entry| view! {
                                        <tr data-testid="destruction-entry">
                                            <td>{labels::time(entry.at)}</td>
                                            <td>{format!("{}（{}）", entry.by.name, role_label(entry.role, l))}</td>
                                            <td>{entry.why.clone()}</td>
                                            <td>{entry.cases.into_iter().map(|c| view! {
                                                <A href=format!("/complaints/{}", c.id)>{c.case_no}</A>" "
                                            }).collect_view()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                })
            }}
        </section>
    }
}

fn eligible_table(
    list: Arc<Vec<Eligible>>,
    l: Lang,
    selected: RwSignal<BTreeSet<String>>,
) -> impl IntoView {
    let all_ids: Vec<String> = list.iter().map(|e| e.id.clone()).collect();
    let n = all_ids.len();
    let all_ids = StoredValue::new(all_ids);
    let all_checked = move || selected.with(|s| s.len() == n && n > 0);
    let toggle_all = move |_| {
        if all_checked() {
            selected.set(BTreeSet::new());
        } else {
            selected
                .set(all_ids.with_value(|ids| crate::domain::sort::set_of(ids.iter().cloned())));
        }
    };
    view! {
        <p data-testid="eligible-count">{l.s(format!("共 {n} 件案件归档已满 5 年。"), if n == 1 { "1 case was archived more than 5 years ago.".to_string() } else { format!("{n} cases were archived more than 5 years ago.") })}</p>
        <div class="table-wrap">
            <table data-testid="eligible-list">
                <thead><tr>
                    <th><input type="checkbox" aria-label=l.t("全选", "Choose all") data-testid="choose-all"
                        prop:checked=all_checked on:change=toggle_all/></th>
                    <th>{l.t("案件编号", "Case number")}</th>
                    <th>{l.t("受理时间", "Received")}</th>
                    <th>{l.t("归档时间", "Archived")}</th>
                    <th>{l.t("类别", "Category")}</th>
                </tr></thead>
                <tbody>
                    {list.iter().map(|e| {
                        let id = e.id.clone();
                        let id2 = e.id.clone();
                        let no = e.case_no.clone();
                        view! {
                            <tr data-testid="eligible-row">
                                <td><input type="checkbox" aria-label=format!("{} {}", l.t("选择", "Choose"), e.case_no)
                                    prop:checked=move || selected.with(|s| s.contains(&id))
                                    on:change=move |_| selected.update(|s| if !s.remove(&id2) { s.insert(id2.clone()); })/></td>
                                <td><A href=format!("/complaints/{}", e.id)>{no}</A></td>
                                <td>{labels::time(e.received_at)}</td>
                                <td>{e.archived_at.map(labels::time).unwrap_or_default()}</td>
                                <td>{labels::category(e.category, l)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
