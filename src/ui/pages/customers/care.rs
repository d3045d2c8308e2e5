//! Care (/care, 客户关怀): due tasks for birthdays, account anniversaries, holidays (from the
//! working calendar and an editable list) and return-visit plans (回访计划). Generating tasks
//! is idempotent: ids are deterministic and existing ones are never written again (the
//! dashboard generates them too, so that its "care visits due" counts them before anyone has
//! opened this page). `?due=today` lists only the tasks due today or earlier, the ones the
//! dashboard counts. A task is done with a note and the channel used, or skipped with a reason.

use crate::domain::datefmt::Layout;
use crate::domain::sort::{sort_by, sort_by_key};
use crate::ui::resource::Res;
use chrono::{Duration, NaiveDate};
use leptos::prelude::*;
use leptos::task::spawn_local_scoped as spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::domain::care::{
    due_tasks, holidays_from_calendar, stale_tasks, CareConfig, CareStatus, CareTask,
    ContactChannel, CustomerFilter, Every, Holiday, PeriodUnit, VisitPlan, CARE_CONFIG_ID,
};
use crate::domain::customer::{parse_date, Customer, Level, Tier};
use crate::domain::survey::Text;
use crate::domain::Record;
use crate::store::{typed, DocStore, IndexKey, KeyPart, KeyRange, Query};
use crate::ui::components::Field;
use crate::ui::data::all_of;
use crate::ui::i18n::t2;
use crate::ui::platform::{
    closed_tab_draft, dom_key, local_keys, local_read, local_remove, local_write, new_id, now,
    tab_id,
};
use crate::ui::state::{app, store};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

use super::{all_docs_in, customers_by_id, signed_in, staff_by_id};

async fn load_config() -> CareConfig {
    typed::load::<CareConfig, _>(&store(), CARE_CONFIG_ID)
        .await
        .unwrap_or_default()
}

fn due_key(open: bool, d: Option<NaiveDate>) -> IndexKey {
    let mut parts = vec![KeyPart::Str(if open { "open" } else { "closed" }.into())];
    if let Some(d) = d {
        parts.push(KeyPart::Str(d.to_string()));
    }
    IndexKey(parts)
}

/// The open tasks due today or earlier: what the dashboard counts as care visits due, and what
/// the list shows at `?due=today`.
pub(crate) fn due_by(today: NaiveDate) -> KeyRange {
    KeyRange::between(due_key(true, None), due_key(true, Some(today)))
}

/// How many days ahead tasks are generated unless the user picks another horizon.
pub(crate) const HORIZON_DAYS: u32 = 30;
/// The furthest ahead the page offers to generate.
const FURTHEST_DAYS: u32 = 90;

/// Open tasks shown at first, and added by each 显示更多 (a branch's 30 days can hold hundreds).
const SHOWN_STEP: usize = 100;

/// Writes the tasks due from today to `today + horizon` that do not exist yet, and withdraws
/// the open ones generated earlier that no longer apply (`stale_tasks`). Returns how many were
/// written and how many withdrawn.
///
/// Runs from this page and from the dashboard, maybe at once (two tabs, or the dashboard's
/// run not finished when this page opens): both would write the same ids, and the store takes
/// the first write and refuses the other whole, as a conflict. The refused run then reads
/// again, finds the first one's tasks, and writes only what is still missing (no duplicate,
/// and no error shown for it).
pub(crate) async fn generate(horizon: u32) -> Result<(usize, usize), String> {
    let zh = app().zh();
    let mut tries = 0;
    loop {
        match generate_once(horizon).await {
            Err(crate::store::StoreError::Conflict { .. }) if tries < 3 => tries += 1,
            done => return done.map_err(|e| e.message(zh)),
        }
    }
}

async fn generate_once(horizon: u32) -> Result<(usize, usize), crate::store::StoreError> {
    let state = app();
    let s = store();
    let today = state.today.get_untracked();
    // Tasks are made `horizon` days ahead, but judged (kept or withdrawn) as far ahead as any
    // run may have made them: a greeting made 90 days ahead and no longer called for is
    // withdrawn by the next run of 30 (QA: a lost customer kept theirs).
    let reach = horizon.max(FURTHEST_DAYS);
    let end = today + Duration::days(i64::from(reach));
    let cfg = load_config().await;
    let (plans, _) = all_of::<VisitPlan>(&s).await?;
    let (customers, _) = all_of::<Customer>(&s).await?;
    let mut existing = Vec::new();
    for open in [true, false] {
        let range = KeyRange::between(due_key(open, Some(today)), due_key(open, Some(end)));
        for d in all_docs_in("care_task_by_due", range, false).await? {
            if let Ok(t) = typed::from_doc::<CareTask>(d) {
                existing.push(t);
            }
        }
    }
    let mut settings = cfg.settings.clone();
    let cal = state.calendar.get_untracked();
    if cfg.holidays_from_calendar {
        for h in holidays_from_calendar(&cal, today, end) {
            if !settings.holidays.iter().any(|x| x.date == h.date) {
                settings.holidays.push(h);
            }
        }
    }
    let work = Some(&cal);
    let new = due_tasks(
        &customers, &plans, &settings, &existing, today, horizon, work,
    );
    let n = new.len();
    if n > 0 {
        let docs = new
            .iter()
            .map(typed::to_doc)
            .collect::<Result<Vec<_>, _>>()?;
        s.bulk(docs).await?;
    }
    // Withdrawn: reminders generated from data that has changed since (nothing typed in them).
    // One that someone saved meanwhile (a conflict) is left for the next run.
    let mut withdrawn = 0;
    for t in stale_tasks(&customers, &plans, &settings, &existing, today, reach, work) {
        if let Some(rev) = &t.rev {
            match s.delete(&t.id, rev).await {
                Ok(_) => withdrawn += 1,
                Err(crate::store::StoreError::Conflict { .. }) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok((n, withdrawn))
}

#[derive(Clone)]
struct TaskRow {
    task: CareTask,
    customer: String,
    staff: String,
}

/// The open (or the latest closed) tasks; with `due_by`, only the open ones due by that day.
/// At most `limit` tasks, open or closed, and how many records were read for them (a damaged
/// one is read but not shown: whether there are more is judged by what was read).
async fn load_tasks(
    open: bool,
    limit: usize,
    due_by_day: Option<NaiveDate>,
) -> Result<(Vec<TaskRow>, usize), String> {
    let zh = app().zh();
    let range = match due_by_day {
        Some(day) if open => due_by(day),
        _ => KeyRange::prefix(due_key(open, None)),
    };
    let mut q = Query::new("care_task_by_due", range).limit(limit);
    if !open {
        q = q.descending();
    }
    let page = typed::page_of::<CareTask, _>(&store(), &q)
        .await
        .map_err(|e| e.message(zh))?;
    let read = page.rows.len() + page.corrupt.len();
    let ids: Vec<String> = page.rows.iter().map(|t| t.customer_id.clone()).collect();
    let customers = customers_by_id(ids.iter()).await;
    let staff = staff_by_id().await;
    let rows = page
        .rows
        .into_iter()
        .map(|t| TaskRow {
            customer: customers
                .get(&t.customer_id)
                .map(|c| c.name.clone())
                .unwrap_or_else(|| t.customer_id.clone()),
            staff: t
                .staff_id
                .as_ref()
                .and_then(|s| staff.get(s))
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            task: t,
        })
        .collect();
    Ok((rows, read))
}

#[component]
pub fn CarePage() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let zh = move || lang.get().is_zh();
    let horizon = RwSignal::new(HORIZON_DAYS);
    let generating = RwSignal::new(false);
    let query = use_query_map();
    // `?due=today`: only the tasks due today or earlier (the dashboard's figure opens these).
    let due_today = Memo::new(move |_| query.read().get("due").as_deref() == Some("today"));

    // How many open tasks are shown; one more is read, to know whether there are more.
    let shown = RwSignal::new(SHOWN_STEP);
    let open_tasks = Res::new(move || {
        state.changes.track();
        // A task's "overdue" is judged by today's date: read again when it turns.
        let today = state.today.get();
        let due = due_today.get().then_some(today);
        let n = shown.get();
        async move {
            let (mut rows, read) = load_tasks(true, n + 1, due).await?;
            rows.truncate(n);
            Ok::<_, String>((rows, read > n))
        }
    });
    let closed_tasks = Res::new(move || {
        state.changes.track();
        async move { load_tasks(false, 20, None).await.map(|(rows, _)| rows) }
    });
    // After 显示更多 the keyboard goes to the first task it brought (the button may be gone).
    let focus_task = StoredValue::new(None::<usize>);
    // A note kept for a task no longer open (closed in another tab, or withdrawn) is dropped
    // once the whole open list is known.
    Effect::new(move |_| {
        if let (Some(Ok((rows, false))), false) = (open_tasks.get(), due_today.get()) {
            for k in local_keys(CLOSE_DRAFT) {
                let task = k[CLOSE_DRAFT.len()..].rsplit_once('.').map(|(t, _)| t);
                if !task.is_some_and(|t| rows.iter().any(|r| r.task.id == t)) {
                    local_remove(&k);
                }
            }
        }
    });
    Effect::new(move |_| {
        if !matches!(open_tasks.get(), Some(Ok(_))) {
            return;
        }
        if let Some(i) = focus_task.get_value() {
            focus_task.set_value(None);
            request_animation_frame(move || {
                let task = crate::ui::platform::window()
                    .document()
                    .and_then(|d| {
                        let nth = format!("[data-testid=care-tasks] > li:nth-child({})", i + 1);
                        d.query_selector(&nth).ok().flatten()
                    })
                    .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(t) = task {
                    let _ = t.focus();
                }
            });
        }
    });

    let run = move || {
        generating.set(true);
        spawn_local(async move {
            match generate(horizon.get_untracked()).await {
                Ok((0, 0)) => {}
                Ok((n, 0)) => state.tell(
                    format!("已生成 {n} 项关怀任务"),
                    format!("{n} care task(s) generated"),
                ),
                Ok((n, w)) => state.tell(
                    format!("已生成 {n} 项关怀任务；{w} 项因客户资料或设置变更不再适用，已撤销"),
                    format!("{n} care task(s) generated; {w} withdrawn, no longer applying after a change of customer data or settings"),
                ),
                Err(m) => state.warn(m),
            }
            generating.set(false);
        });
    };
    // Tasks fall due by the calendar: bring them up to date when the page opens, and when the
    // date turns while it is open.
    Effect::new(move |_| {
        state.today.track();
        run();
    });

    // `?task=<id>` (links from the customer timeline) opens that task: a summary at the top
    // and, while it is open, its row in the list highlighted and brought into view.
    let focus_id = Memo::new(move |_| query.read().get("task").filter(|s| !s.is_empty()));
    let focused = Res::new(move || {
        state.changes.track();
        let id = focus_id.get();
        async move {
            let id = id?;
            let zh = app().zh();
            Some(match typed::load::<CareTask, _>(&store(), &id).await {
                Ok(t) => {
                    let customers = customers_by_id([&t.customer_id]).await;
                    let name = customers
                        .get(&t.customer_id)
                        .map(|c| c.name.clone())
                        .unwrap_or_else(|| t.customer_id.clone());
                    Ok((t, name))
                }
                Err(e) => Err(e.message(zh)),
            })
        }
    });
    Effect::new(move |_| {
        if let Some(Some(Ok((t, _)))) = focused.get() {
            let row = format!("care-{}", dom_key(&t.id));
            spawn_local(async move {
                crate::ui::platform::yield_now().await;
                if let Some(el) = crate::ui::platform::window()
                    .document()
                    .and_then(|d| d.get_element_by_id(&row))
                {
                    el.scroll_into_view();
                }
            });
        }
    });

    view! {
        <div class="customers care">
            <h1>{t2("客户关怀", "Customer care")}</h1>
            <section class="panel">
                <div class="spread">
                    <h2>{t2("到期任务", "Due tasks")}</h2>
                    <div class="row">
                        <label for="care-horizon">{t2("生成未来", "Generate for the next")}</label>
                        <select id="care-horizon" on:change=move |ev| horizon.set(event_target_value(&ev).parse().unwrap_or(30))>
                            <option value="7">{t2("7 天", "7 days")}</option>
                            <option value="30" selected=true>{t2("30 天", "30 days")}</option>
                            <option value=FURTHEST_DAYS.to_string()>{t2("90 天", "90 days")}</option>
                        </select>
                        <button type="button" on:click=move |_| run() disabled=move || generating.get() data-testid="care-generate">
                            {move || if generating.get() { lang.get().t("正在生成…", "Generating…") } else { lang.get().t("生成到期任务", "Generate due tasks") }}
                        </button>
                    </div>
                </div>
                <Show when=move || due_today.get()>
                    <p class="row" data-testid="care-due-filter">
                        <span>{t2("仅显示今日及之前应做的任务", "Showing only the tasks due today or earlier")}</span>
                        <A href="/care" attr:data-testid="care-show-all">{t2("显示全部待办任务", "Show all open tasks")}</A>
                    </p>
                </Show>
                {move || match focused.get().flatten() {
                    None => None,
                    Some(Err(m)) => Some(view! { <p class="err" role="alert" data-testid="care-focus-error">{m}</p> }.into_any()),
                    Some(Ok((t, name))) => {
                        let kind = t.kind.clone();
                        let status = t.status.clone();
                        Some(view! {
                            <div class="care-focus" data-testid="care-focus">
                                <strong>{t.due.to_string()}</strong>" "
                                <span class="badge info">{move || kind.label(zh())}</span>" "
                                <A href=format!("/customers/{}", t.customer_id)>{name}</A>" · "
                                <span data-testid="care-focus-status">{move || status_text(&status, zh())}</span>
                            </div>
                        }.into_any())
                    }
                }}
                {move || match open_tasks.get() {
                    None => view! { <p class="muted">{t2("正在读取…", "Loading…")}</p> }.into_any(),
                    Some(Err(m)) => view! { <p class="err" role="alert">{m}</p> }.into_any(),
                    Some(Ok((rows, _))) if rows.is_empty() => view! { <p class="muted" data-testid="care-empty">{t2("暂无待办任务：按回访计划和节日生成任务，点“生成到期任务”。", "No open tasks: to make them from the visit plans and the holidays, press “Generate due tasks”.")}</p> }.into_any(),
                    Some(Ok((rows, more))) => {
                        let n = rows.len();
                        view! {
                            <ul class="care-tasks" data-testid="care-tasks">
                                {rows.into_iter().map(|r| {
                                    let focus = focus_id.get().as_deref() == Some(r.task.id.as_str());
                                    view! { <TaskItem row=r focus=focus/> }
                                }).collect_view()}
                            </ul>
                            {more.then(|| view! {
                                <p class="row">
                                    <span class="muted small">{move || if zh() { format!("已显示最早到期的 {n} 项") } else { format!("Showing the {n} due first") }}</span>
                                    <button type="button" data-testid="care-more" on:click=move |_| {
                                        focus_task.set_value(Some(n));
                                        shown.update(|s| *s += SHOWN_STEP);
                                    }>
                                        {t2("显示更多", "Show more")}
                                    </button>
                                </p>
                            })}
                        }.into_any()
                    }
                }}
            </section>
            <PlanSection/>
            <SettingsSection/>
            <section class="panel">
                <h2>{t2("最近完成", "Recently closed")}</h2>
                <ul class="care-done" data-testid="care-done">
                    {move || closed_tasks.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|r| {
                        let status = match &r.task.status {
                            CareStatus::Done { at, channel, note, .. } => {
                                let (at, channel, note) = (*at, *channel, note.clone());
                                Box::new(move |z: bool| format!("{} · {} · {} · {note}", at.layout("%Y-%m-%d %H:%M"), if z { "已完成" } else { "done" }, channel.label(z)))
                                    as Box<dyn Fn(bool) -> String + Send + Sync>
                            }
                            CareStatus::Skipped { at, reason, .. } => {
                                let (at, reason) = (*at, reason.clone());
                                Box::new(move |z: bool| format!("{} · {} · {reason}", at.layout("%Y-%m-%d %H:%M"), if z { "已跳过" } else { "skipped" }))
                            }
                            CareStatus::Open => Box::new(|_| String::new()),
                        };
                        let kind = r.task.kind.clone();
                        view! {
                            <li>
                                <A href=format!("/customers/{}", r.task.customer_id)>{r.customer.clone()}</A>
                                " · "{move || kind.label(zh())}" · "{move || status(zh())}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </div>
    }
}

/// One open task, with its complete / skip forms.
/// A task's status in words.
fn status_text(s: &CareStatus, zh: bool) -> String {
    match s {
        CareStatus::Open => (if zh { "待办" } else { "open" }).to_string(),
        CareStatus::Done {
            at, channel, note, ..
        } => format!(
            "{} {} · {} · {note}",
            if zh { "已完成" } else { "done" },
            at.layout("%Y-%m-%d %H:%M"),
            channel.label(zh)
        ),
        CareStatus::Skipped { at, reason, .. } => format!(
            "{} {} · {reason}",
            if zh { "已跳过" } else { "skipped" },
            at.layout("%Y-%m-%d %H:%M")
        ),
    }
}

/// Where a task's complete / skip form is kept: `<prefix><task id>.<tab id>`.
const CLOSE_DRAFT: &str = "kefu.care.close-draft.";

/// A task's complete / skip form as typed (0 none open, 1 complete, 2 skip).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct CloseDraft {
    mode: u8,
    note: String,
    channel: usize,
    reason: String,
}

#[component]
fn TaskItem(
    row: TaskRow,
    /// The task the address names (`?task=`): highlighted.
    #[prop(optional)]
    focus: bool,
) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let zh = move || lang.get().is_zh();
    let mode = RwSignal::new(0u8); // 0 none, 1 complete, 2 skip
    let note = RwSignal::new(String::new());
    let channel = RwSignal::new(0usize);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let task = StoredValue::new(row.task.clone());

    // The note or reason being typed is kept per tab as it is typed (a reload loses nothing),
    // a closed tab's taken up, and dropped once the task is closed.
    let snapshot = move || CloseDraft {
        mode: mode.get(),
        note: note.get(),
        channel: channel.get(),
        reason: reason.get(),
    };
    let show = move |d: CloseDraft| {
        mode.set(d.mode);
        note.set(d.note);
        channel.set(d.channel);
        reason.set(d.reason);
    };
    let prefix = format!("{CLOSE_DRAFT}{}.", row.task.id);
    let key = StoredValue::new(format!("{prefix}{}", tab_id()));
    match local_read::<CloseDraft>(&key.get_value()) {
        Some(d) => show(d),
        // Only when some tab kept one for this task (a list holds up to a hundred).
        None if local_keys(&prefix).iter().any(|k| *k != key.get_value()) => {
            let own = key.get_value();
            spawn_local(async move {
                let found = closed_tab_draft(
                    &prefix,
                    &own,
                    None,
                    |d: &CloseDraft| *d != CloseDraft::default(),
                    |k, _| k.to_string(),
                )
                .await;
                if let (Some((orphan, d)), true) =
                    (found, untrack(snapshot) == CloseDraft::default())
                {
                    local_remove(&orphan);
                    show(d);
                }
            });
        }
        None => {}
    }
    Effect::new(move |_| {
        let d = snapshot();
        if d == CloseDraft::default() {
            local_remove(&key.get_value());
        } else {
            local_write(&key.get_value(), &d);
        }
    });
    let today = state.today.get_untracked();
    let overdue = row.task.is_overdue(today);
    let kind = row.task.kind.clone();

    let close = move |complete: bool| {
        let Some(user) = signed_in() else { return };
        let mut t = task.get_value();
        let res = if complete {
            let ch = ContactChannel::ALL[channel.get_untracked().min(3)];
            t.complete(&note.get_untracked(), ch, &user.id, now())
        } else {
            t.skip(&reason.get_untracked(), &user.id, now())
        };
        if let Err(e) = res {
            error.set(Some(e.message(state.zh()).to_string()));
            return;
        }
        spawn_local(async move {
            match typed::save(&store(), &t).await {
                Ok(_) => {
                    local_remove(&key.get_value());
                    state.tell("任务已关闭", "Task closed")
                }
                Err(e) => error.set(Some(e.message(state.zh()))),
            }
        });
    };

    view! {
        <li class=format!("care-task{}{}", if overdue { " overdue" } else { "" }, if focus { " focused" } else { "" })
            id=format!("care-{}", dom_key(&row.task.id)) aria-current=focus.then_some("true") tabindex="-1" data-testid="care-task">
            <div class="spread">
                <div>
                    <strong>{row.task.due.to_string()}</strong>" "
                    {overdue.then(|| view! { <span class="badge bad">{t2("已逾期", "Overdue")}</span> })}" "
                    <span class="badge info">{move || kind.label(zh())}</span>" "
                    <A href=format!("/customers/{}", row.task.customer_id)>{row.customer.clone()}</A>
                    {(!row.staff.is_empty()).then(|| view! { <span class="small muted" data-testid="care-task-staff">" · "{row.staff.clone()}</span> })}
                </div>
                <div class="row">
                    <button type="button" class="primary" data-testid="care-complete" on:click=move |_| mode.set(1)>{t2("完成", "Done")}</button>
                    <button type="button" data-testid="care-skip" on:click=move |_| mode.set(2)>{t2("跳过", "Skip")}</button>
                </div>
            </div>
            <Show when=move || mode.get() == 1>
                <div class="grid care-close">
                    <label class="field">{t2("备注", "Note")}
                        <textarea rows="2" bind:value=note data-testid="care-note"></textarea>
                    </label>
                    <label class="field">{t2("联系方式", "Channel")}
                        <select data-testid="care-channel" prop:value=move || channel.get().to_string()
                            on:change=move |ev| channel.set(event_target_value(&ev).parse().unwrap_or(0))>
                            {ContactChannel::ALL.into_iter().enumerate().map(|(i, c)| view! {
                                <option value=i.to_string() selected=channel.get_untracked() == i>{move || c.label(zh())}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <div class="actions">
                        <button type="button" class="primary" data-testid="care-confirm" on:click=move |_| close(true)>{t2("确认完成", "Mark done")}</button>
                        <button type="button" on:click=move |_| mode.set(0)>{t2("取消", "Cancel")}</button>
                    </div>
                </div>
            </Show>
            <Show when=move || mode.get() == 2>
                <div class="row care-close">
                    <label>{t2("原因", "Reason")}" "<input bind:value=reason data-testid="care-reason"/></label>
                    <button type="button" on:click=move |_| close(false)>{t2("确认跳过", "Skip it")}</button>
                </div>
            </Show>
            {move || error.get().map(|e| view! { <p class="err" role="alert">{e}</p> })}
        </li>
    }
}

/// Where the visit-plan form's drafts are kept, one per tab (`<prefix><tab id>`).
const PLAN_DRAFT: &str = "kefu.care.plan-draft.";

/// The visit-plan form as typed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct PlanDraft {
    name: String,
    tiers: Vec<Tier>,
    values: Vec<Level>,
    accounts: String,
    every_n: String,
    unit: usize,
    start: String,
    end: String,
    staff_id: String,
}

impl PlanDraft {
    /// The blank form: monthly from today, each customer's own staff.
    fn fresh() -> PlanDraft {
        PlanDraft {
            name: String::new(),
            tiers: Vec::new(),
            values: Vec::new(),
            accounts: String::new(),
            every_n: "1".into(),
            unit: 2,
            start: now().date().to_string(),
            end: String::new(),
            staff_id: String::new(),
        }
    }
}

/// The account numbers typed in the plan form, as the index keeps them.
fn split_accounts(s: &str) -> Vec<String> {
    s.split([',', '\u{ff0c}', ' ', '\u{3000}', '\n', '\u{3001}'])
        // Full-width digits as a Chinese input method types them (QA: refused as not found).
        .map(|a| crate::domain::customer::account_number(a).to_lowercase())
        .filter(|a| !a.is_empty())
        .collect()
}

/// Return-visit plans: the list and a form for a new one.
#[component]
fn PlanSection() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let zh = move || lang.get().is_zh();
    let plans = Res::new(move || {
        state.changes.track();
        async move {
            all_of::<VisitPlan>(&store())
                .await
                .map(|(v, _)| v)
                .unwrap_or_default()
        }
    });
    let staff = Res::new(move || async move {
        let mut v: Vec<_> = staff_by_id()
            .await
            .into_values()
            .filter(|s| s.active)
            .collect();
        sort_by(&mut v, |a, b| a.name.cmp(&b.name));
        v
    });
    let fresh = PlanDraft::fresh();
    let name = RwSignal::new(fresh.name);
    let tiers = RwSignal::new(fresh.tiers);
    let values = RwSignal::new(fresh.values);
    let accounts = RwSignal::new(fresh.accounts);
    let every_n = RwSignal::new(fresh.every_n);
    let unit = RwSignal::new(fresh.unit);
    let start = RwSignal::new(fresh.start);
    let end = RwSignal::new(fresh.end);
    let staff_id = RwSignal::new(fresh.staff_id);
    let problems = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(false);

    // The form as typed is kept per tab (a reload loses nothing), a closed tab's taken up by
    // an untouched form, and the whole form starts afresh once the plan is saved.
    let snapshot = move || PlanDraft {
        name: name.get(),
        tiers: tiers.get(),
        values: values.get(),
        accounts: accounts.get(),
        every_n: every_n.get(),
        unit: unit.get(),
        start: start.get(),
        end: end.get(),
        staff_id: staff_id.get(),
    };
    let show = move |d: PlanDraft| {
        name.set(d.name);
        tiers.set(d.tiers);
        values.set(d.values);
        accounts.set(d.accounts);
        every_n.set(d.every_n);
        unit.set(d.unit);
        start.set(d.start);
        end.set(d.end);
        staff_id.set(d.staff_id);
    };
    let key = StoredValue::new(format!("{PLAN_DRAFT}{}", tab_id()));
    match local_read::<PlanDraft>(&key.get_value()) {
        Some(d) => show(d),
        None => {
            let own = key.get_value();
            spawn_local(async move {
                let found = closed_tab_draft(
                    PLAN_DRAFT,
                    &own,
                    None,
                    |d: &PlanDraft| *d != PlanDraft::fresh(),
                    |k, _| k.to_string(),
                )
                .await;
                if let (Some((orphan, d)), true) = (found, untrack(snapshot) == PlanDraft::fresh())
                {
                    local_remove(&orphan);
                    show(d);
                }
            });
        }
    }
    Effect::new(move |_| {
        let d = snapshot();
        if d == PlanDraft::fresh() {
            local_remove(&key.get_value());
        } else {
            local_write(&key.get_value(), &d);
        }
    });
    // Whom the plan takes in, as the form stands.
    let who_form = move || {
        let listed = split_accounts(&accounts.get());
        CustomerFilter {
            tiers: tiers.get(),
            values: values.get(),
            customer_ids: listed,
        }
        .describe(zh())
    };

    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if signed_in().is_none() {
            return;
        }
        let z = state.zh();
        let n = name.get_untracked().trim().to_string();
        // A cleared or half-typed date is said, not taken as today (QA).
        let first = parse_date(&start.get_untracked());
        let mut plan = VisitPlan {
            id: new_id(VisitPlan::TYPE),
            rev: None,
            name: Text::new(n.clone(), n),
            filter: CustomerFilter {
                tiers: tiers.get_untracked(),
                values: values.get_untracked(),
                customer_ids: Vec::new(),
            },
            every: Every {
                // Full-width digits as a Chinese input method types them; "1.5" or a word is
                // no interval (0), which the plan's problems name with the range it takes.
                n: crate::domain::kpi::parse_count(&every_n.get_untracked())
                    .ok()
                    .flatten()
                    .unwrap_or(0),
                unit: [PeriodUnit::Days, PeriodUnit::Weeks, PeriodUnit::Months]
                    [unit.get_untracked().min(2)],
            },
            start: first.unwrap_or_else(|| now().date()),
            end: parse_date(&end.get_untracked()),
            staff_id: Some(staff_id.get_untracked()).filter(|s| !s.is_empty()),
            active: true,
        };
        let mut p = plan.problems(z);
        if first.is_none() {
            p.insert(
                0,
                lang.get_untracked()
                    .s("请填写首次回访日期", "Enter the date of the first visit"),
            );
        }
        let listed = split_accounts(&accounts.get_untracked());
        problems.set(p.clone());
        if !p.is_empty() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let s = store();
            for a in &listed {
                let q = Query::new(
                    "customer_by_account",
                    KeyRange::eq(IndexKey(vec![KeyPart::Str(a.clone())])),
                )
                .limit(1);
                match s.query(&q).await {
                    Ok(page) if !page.docs.is_empty() => {
                        plan.filter.customer_ids.push(page.docs[0].id.clone())
                    }
                    _ => p.push(if z {
                        format!("找不到客户号 {a}")
                    } else {
                        format!("No customer with account no. {a}")
                    }),
                }
            }
            if !p.is_empty() {
                problems.set(p);
                busy.set(false);
                return;
            }
            match typed::save(&s, &plan).await {
                Ok(_) => {
                    state.tell("已保存回访计划", "Visit plan saved");
                    // The next plan starts from a blank form, not from this one's tiers.
                    local_remove(&key.get_value());
                    show(PlanDraft::fresh());
                    // The new plan's first visits become due tasks now.
                    if let Err(m) = generate(30).await {
                        state.warn(m);
                    }
                }
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
            busy.set(false);
        });
    };
    let toggle = move |p: VisitPlan| {
        spawn_local(async move {
            let mut p = p;
            p.active = !p.active;
            if let Err(e) = typed::save(&store(), &p).await {
                state.warn_with(|zh| e.message(zh));
            }
        });
    };

    view! {
        <section class="panel">
            <h2>{t2("回访计划", "Return-visit plans")}</h2>
            <p class="small muted">{t2("流失客户不在回访计划之内，除非在关怀设置中勾选“包括流失客户（挽回）”。", "Lost customers are not visited under a plan unless “Include lost customers (win-back)” is ticked in the care settings.")}</p>
            <ul class="plans" data-testid="plans">
                {move || plans.get().unwrap_or_default().into_iter().map(|p| {
                    let p2 = p.clone();
                    let filter = p.filter.clone();
                    let every = p.every;
                    let who = move || filter.describe(zh());
                    view! {
                        <li data-testid="plan">
                            <strong>{p.name.get(true).to_string()}</strong>" · "{who}" · "
                            {move || every.label(zh())}" · "{format!("{}", p.start)}
                            {p.end.map(|e| format!(" – {e}"))}
                            " "
                            <button type="button" class="link" on:click=move |_| toggle(p2.clone())>
                                {move || if p.active { lang.get().t("停用", "Pause") } else { lang.get().t("启用", "Resume") }}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form on:submit=add class="plan-form" data-testid="plan-form" novalidate>
                <h3>{t2("新建回访计划", "New visit plan")}</h3>
                <div class="grid">
                    <Field id="plan-name" label=t2("计划名称", "Plan name")>
                        <input id="plan-name" bind:value=name/>
                    </Field>
                    <fieldset class="checks">
                        <legend>{t2("客户等级（不选为不限）", "Tiers (none: any)")}</legend>
                        {Tier::ALL.into_iter().enumerate().map(|(i, t)| view! {
                            <label><input type="checkbox" data-testid=format!("plan-tier-{i}")
                                prop:checked=move || tiers.with(|v| v.contains(&t))
                                on:change=move |ev| { let on = event_target_checked(&ev); tiers.update(|v| { v.retain(|x| *x != t); if on { v.push(t); } }); }/>
                                {move || t.label(zh())}</label>
                        }).collect_view()}
                    </fieldset>
                    <fieldset class="checks">
                        <legend>{t2("客户价值（不选为不限）", "Value levels (none: any)")}</legend>
                        {Level::ALL.into_iter().enumerate().map(|(i, l)| view! {
                            <label><input type="checkbox" data-testid=format!("plan-value-{i}")
                                prop:checked=move || values.with(|v| v.contains(&l))
                                on:change=move |ev| { let on = event_target_checked(&ev); values.update(|v| { v.retain(|x| *x != l); if on { v.push(l); } }); }/>
                                {move || l.label(zh())}</label>
                        }).collect_view()}
                    </fieldset>
                    <Field id="plan-accounts" label=t2("指定客户号（可选，逗号分隔）", "Listed account numbers (optional, comma separated)")>
                        <input id="plan-accounts" bind:value=accounts aria-describedby="plan-accounts-hint"/>
                        <div class="hint" id="plan-accounts-hint">{t2(
                            "所列客户在上面勾选的等级、价值之外另行加入，不论其等级和价值；只填客户号而不勾选等级、价值，则仅回访所列客户。",
                            "The customers listed are added to those of the tiers and values ticked above, whatever their tier and value; with accounts listed and no tier or value ticked, only they are visited.")}</div>
                    </Field>
                    <Field id="plan-every" label=t2("每隔", "Every")>
                        <div class="row">
                            <input id="plan-every" inputmode="numeric" bind:value=every_n style="width:5em"/>
                            <select id="plan-unit" aria-label=t2("单位", "Unit") prop:value=move || unit.get().to_string()
                                on:change=move |ev| unit.set(event_target_value(&ev).parse().unwrap_or(2))>
                                <option value="0" selected=unit.get_untracked() == 0>{t2("天", "days")}</option>
                                <option value="1" selected=unit.get_untracked() == 1>{t2("周", "weeks")}</option>
                                <option value="2" selected=unit.get_untracked() == 2>{t2("个月", "months")}</option>
                            </select>
                        </div>
                    </Field>
                    <Field id="plan-start" label=t2("首次回访日期", "First visit")>
                        <input id="plan-start" type="date" bind:value=start aria-describedby="plan-start-hint"/>
                        <div class="hint" id="plan-start-hint">{t2(
                            "回访日逢周末或节假日，顺延至其后第一个工作日（以工作日历为准）。",
                            "A visit falling on a weekend or public holiday is due the next working day (by the working calendar).")}</div>
                    </Field>
                    <Field id="plan-end" label=t2("结束日期（可选）", "End (optional)")>
                        <input id="plan-end" type="date" bind:value=end/>
                    </Field>
                    <Field id="plan-staff" label=t2("回访人员（不选则由各客户的服务人员）", "Visited by (none: each customer's own staff)")>
                        <select id="plan-staff" prop:value=move || staff_id.get() on:change=move |ev| staff_id.set(event_target_value(&ev))>
                            <option value="">{t2("（客户的服务人员）", "(customer's staff)")}</option>
                            {move || staff.get().unwrap_or_default().into_iter().map(|s| {
                                let selected = staff_id.get_untracked() == s.id;
                                view! { <option value=s.id.clone() selected=selected>{s.name.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </Field>
                </div>
                <p data-testid="plan-who">{t2("本计划回访：", "This plan visits: ")}{who_form}</p>
                <div role="alert"><ul class="err">{move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul></div>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || busy.get() data-testid="plan-save">{t2("保存计划", "Save plan")}</button>
                </div>
            </form>
        </section>
    }
}

/// Birthdays, anniversaries and holidays: what to generate, and the holiday list.
#[component]
fn SettingsSection() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let zh = move || lang.get().is_zh();
    let cfg = RwSignal::new(None::<CareConfig>);
    spawn_local(async move { cfg.set(Some(load_config().await)) });
    let h_date = RwSignal::new(String::new());
    let h_zh = RwSignal::new(String::new());
    let h_en = RwSignal::new(String::new());

    let flag = move |get: fn(&CareConfig) -> bool, set: fn(&mut CareConfig, bool)| {
        (
            move || cfg.with(|c| c.as_ref().is_some_and(get)),
            move |ev: leptos::ev::Event| {
                let on = event_target_checked(&ev);
                cfg.update(|c| {
                    if let Some(c) = c {
                        set(c, on)
                    }
                });
            },
        )
    };
    let (b_get, b_set) = flag(|c| c.settings.birthdays, |c, v| c.settings.birthdays = v);
    let (a_get, a_set) = flag(
        |c| c.settings.anniversaries,
        |c, v| c.settings.anniversaries = v,
    );
    let (h_get, h_set) = flag(
        |c| c.holidays_from_calendar,
        |c, v| c.holidays_from_calendar = v,
    );
    let (l_get, l_set) = flag(
        |c| c.settings.include_lost,
        |c, v| c.settings.include_lost = v,
    );
    let (v_get, v_set) = flag(
        |c| c.settings.holiday_filter.tiers == vec![Tier::Vip],
        |c, v| c.settings.holiday_filter.tiers = if v { vec![Tier::Vip] } else { Vec::new() },
    );

    // Adds the holiday typed in the row; false (and says why) when it is incomplete.
    let add_holiday = move || {
        let Some(date) = parse_date(&h_date.get_untracked()) else {
            state.warn2("请填写节日日期", "Enter the holiday's date");
            return false;
        };
        let zh_name = h_zh.get_untracked().trim().to_string();
        if zh_name.is_empty() {
            state.warn2("请填写节日名称", "Enter the holiday's name");
            return false;
        }
        let en_name = Some(h_en.get_untracked().trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| zh_name.clone());
        // A day the working calendar already greets (when its holidays are used) is not
        // greeted twice under two names: said, and not added.
        let greeted = cfg
            .with_untracked(|c| c.as_ref().is_some_and(|c| c.holidays_from_calendar))
            .then(|| holidays_from_calendar(&state.calendar.get_untracked(), date, date))
            .and_then(|hs| hs.into_iter().next());
        if let Some(h) = greeted {
            state.warn2(
                format!("{date} 已有日历中的节日“{}”问候，无需另加", h.name.zh),
                format!(
                    "The calendar already greets on {date} ({}): no need to add it",
                    h.name.en
                ),
            );
            return false;
        }
        let id: String = format!("custom_{}", date.layout("%m%d"));
        // Not read yet: nothing to add it to (the row stays as typed).
        if cfg.with_untracked(Option::is_none) {
            return false;
        }
        cfg.update(|c| {
            if let Some(c) = c {
                c.settings.holidays.retain(|h| h.date != date);
                c.settings.holidays.push(Holiday {
                    id,
                    name: Text::new(zh_name, en_name),
                    date,
                });
                sort_by_key(&mut c.settings.holidays, |h| h.date);
            }
        });
        h_date.set(String::new());
        h_zh.set(String::new());
        h_en.set(String::new());
        true
    };
    let save = move |_| {
        if signed_in().is_none() {
            return;
        }
        // A holiday typed but not added goes in with the rest, not lost without a word.
        let typed = [h_date, h_zh, h_en].map(|f| f.with_untracked(|v| v.trim().is_empty()));
        if typed.contains(&false) && !add_holiday() {
            return;
        }
        let Some(c) = cfg.get_untracked() else { return };
        spawn_local(async move {
            match typed::save(&store(), &c).await {
                Ok(rev) => {
                    cfg.update(|x| {
                        if let Some(x) = x {
                            x.rev = Some(rev)
                        }
                    });
                    state.tell("已保存关怀设置", "Care settings saved");
                }
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
        });
    };
    let calendar_holidays = move || {
        let cal = state.calendar.get();
        let today = now().date();
        holidays_from_calendar(&cal, today, today + Duration::days(366))
    };

    view! {
        <section class="panel care-settings">
            <h2>{t2("关怀设置", "Care settings")}</h2>
            <div class="checks">
                <label><input type="checkbox" prop:checked=b_get on:change=b_set/>{t2("生日祝福", "Birthday greetings")}</label>
                <label><input type="checkbox" prop:checked=a_get on:change=a_set/>{t2("开户周年", "Account anniversaries")}</label>
                <label><input type="checkbox" prop:checked=h_get on:change=h_set/>{t2("采用工作日历中的节日（元旦、春节、劳动节、端午、中秋、国庆）", "Use the working calendar's holidays (New Year, Spring Festival, Labour Day, Dragon Boat, Mid-Autumn, National Day)")}</label>
                <label><input type="checkbox" prop:checked=v_get on:change=v_set/>{t2("节日问候仅限VIP客户", "Holiday greetings for VIPs only")}</label>
                <label><input type="checkbox" prop:checked=l_get on:change=l_set/>{t2("包括流失客户（挽回）", "Include lost customers (win-back)")}</label>
            </div>
            <h3>{t2("日历中的节日（未来一年）", "Calendar holidays (next 12 months)")}</h3>
            <p class="small" data-testid="calendar-holidays">{move || calendar_holidays().into_iter().map(|h| format!("{} {}", h.date, h.name.get(zh()))).collect::<Vec<_>>().join(" · ")}</p>
            <h3>{t2("其他节日", "Other holidays")}</h3>
            <ul>
                {move || cfg.get().map(|c| c.settings.holidays).unwrap_or_default().into_iter().map(|h| {
                    let date = h.date;
                    view! {
                        <li>{format!("{} ", h.date)}{move || h.name.get(zh()).to_string()}" "
                            <button type="button" class="link" on:click=move |_| cfg.update(|c| if let Some(c) = c { c.settings.holidays.retain(|x| x.date != date) })>
                                {t2("删除", "Remove")}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="row">
                <input type="date" bind:value=h_date aria-label=t2("日期", "Date")/>
                <input bind:value=h_zh placeholder=move || lang.get().t("名称（如 重阳节）", "Name in Chinese") aria-label=t2("中文名称", "Chinese name")/>
                <input bind:value=h_en placeholder=move || lang.get().t("英文名称", "Name in English") aria-label=t2("英文名称", "English name")/>
                <button type="button" on:click=move |_| { add_holiday(); }>{t2("添加节日", "Add holiday")}</button>
            </div>
            <div class="actions">
                <button type="button" class="primary" on:click=save data-testid="care-settings-save">{t2("保存设置", "Save settings")}</button>
            </div>
        </section>
    }
}
