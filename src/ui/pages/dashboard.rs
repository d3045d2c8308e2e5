//! dashboard: the staff home — what needs attention today (complaints by their clocks and the
//! cases nearest their deadline, approvals, demands and care visits due, the monthly report's
//! due date), and the first steps on a new install. Its figures are read again when the date
//! turns (a dashboard left open overnight shows the new day's, as the lists it opens do), and
//! it brings the care tasks up to date as the care page does, so that the care figure counts
//! today's visits before anyone has opened the care page.

use crate::ui::resource::Res;
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::calendar::{parse_time, WorkingCalendar};
use crate::domain::complaint::{due_at, ClockKind, Status};
use crate::domain::staff::Staff;
use crate::store::{DocStore, Query, StoreError};
use crate::store::{IndexKey, KeyPart, KeyRange};
use crate::ui::data::count_of;
use crate::ui::i18n::{t2, Lang};
use crate::ui::pages::complaints::model::{from_slug, now_s};
use crate::ui::pages::complaints::repo::{counts, key_time, Counts};
use crate::ui::pages::customers::care;
use crate::ui::state::{app, store, AppStore};
use serde_json::Value as Json;

/// Cases listed as the most urgent: the open ones nearest their listed deadline.
const URGENT: usize = 5;
/// Active demands read at most for the overdue count (the matrix reads them all).
const DEMANDS_READ: usize = 5_000;

/// An open case nearest its deadline, read from its document without the whole record.
#[derive(Clone, Debug, PartialEq)]
struct Urgent {
    id: String,
    case_no: String,
    name: String,
    /// The status as staff read it (`Complaint::status_text`).
    status: Option<(&'static str, &'static str)>,
    /// The listed deadline, as stored (`2026-12-07T23:59:00`).
    deadline: String,
    /// Which limit the deadline is: the 3-day investigation or the 4-day response (the
    /// limit due at that time after the case's receipt).
    limit: Option<ClockKind>,
}

/// What needs attention, read through the indexes.
#[derive(Clone, Debug, Default, PartialEq)]
struct Attention {
    complaints: Counts,
    awaiting_approval: u64,
    /// Closed cases not yet archived (source 002 第六章: complaint records are archived
    /// monthly).
    to_archive: u64,
    urgent: Vec<Urgent>,
    demands_active: u64,
    demands_overdue: u64,
    care_due: u64,
    /// Low-score follow-ups of surveys still to do, and the survey when they are all of one.
    followups_open: u64,
    followup_survey: Option<String>,
}

fn key(parts: &[&str]) -> IndexKey {
    IndexKey(parts.iter().map(|p| KeyPart::Str((*p).into())).collect())
}

fn text(body: &Json, path: &[&str]) -> String {
    let mut v = body;
    for p in path {
        v = match v.get(p) {
            Some(x) => x,
            None => return String::new(),
        };
    }
    v.as_str().unwrap_or_default().to_string()
}

/// Which regulatory limit a listed deadline is: the one of the two that falls due then.
fn limit_of(body: &Json, cal: &WorkingCalendar) -> Option<ClockKind> {
    let received = parse_time(&text(body, &["received_at"]))?;
    let deadline = parse_time(&text(body, &["deadline"]))?;
    [ClockKind::Investigation, ClockKind::Response]
        .into_iter()
        .find(|k| due_at(*k, received, cal) == deadline)
}

async fn attention(
    s: &AppStore,
    today: NaiveDate,
    cal: &WorkingCalendar,
) -> Result<Attention, StoreError> {
    let now = now_s();
    let complaints = counts(s, now).await?;
    let awaiting_approval = s
        .count(
            "complaint_status",
            &KeyRange::prefix(key(&["awaiting_approval"])),
        )
        .await?;
    let to_archive = s
        .count("complaint_status", &KeyRange::prefix(key(&["closed"])))
        .await?;
    let urgent = s
        .query(&Query::new("complaint_due", KeyRange::all()).limit(URGENT))
        .await?
        .docs
        .into_iter()
        .map(|d| Urgent {
            limit: limit_of(&d.body, cal),
            case_no: text(&d.body, &["case_no"]),
            name: text(&d.body, &["complainant", "name"]),
            status: if crate::store::schema::is_approved(&d.body) {
                Some(crate::domain::complaint::APPROVED_TEXT)
            } else {
                from_slug::<Status>(&text(&d.body, &["status"])).map(|s| (s.zh(), s.en()))
            },
            deadline: text(&d.body, &["deadline"]),
            id: d.id,
        })
        .collect();
    let today_s = today.to_string();
    let (mut demands_active, mut demands_overdue) = (0, 0);
    for status in ["Open", "InProgress"] {
        let range = KeyRange::prefix(key(&[status]));
        demands_active += s.count("demand_by_status", &range).await?;
        let mut after = None;
        let mut read = 0;
        while read < DEMANDS_READ {
            let page = s
                .query(
                    &Query::new("demand_by_status", range.clone())
                        .limit(500)
                        .after(after),
                )
                .await?;
            read += page.docs.len();
            demands_overdue += page
                .docs
                .iter()
                .filter(|d| matches!(d.body.get("due").and_then(Json::as_str), Some(due) if due < today_s.as_str()))
                // Turned into a complaint (before that closed it): the complaint's now.
                .filter(|d| !d.body.get("links").and_then(Json::as_array)
                    .is_some_and(|ls| ls.iter().any(|l| l.get("Complaint").is_some())))
                .count() as u64;
            match page.next {
                Some(c) => after = Some(c),
                None => break,
            }
        }
    }
    let care_due = s.count("care_task_by_due", &care::due_by(today)).await?;
    let (mut followups_open, mut surveys) = (0, std::collections::BTreeSet::new());
    let range = KeyRange::prefix(key(&["followup"]));
    let mut after = None;
    let mut read = 0;
    while read < DEMANDS_READ {
        let page = s
            .query(&Query::new("by_type", range.clone()).limit(500).after(after))
            .await?;
        read += page.docs.len();
        for d in page.docs.iter().filter(|d| {
            d.body
                .get("status")
                .and_then(|v| v.get("state"))
                .and_then(Json::as_str)
                == Some("Open")
        }) {
            followups_open += 1;
            surveys.insert(text(&d.body, &["survey_id"]));
        }
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    let followup_survey = (surveys.len() == 1).then(|| surveys.pop_first()).flatten();
    Ok(Attention {
        complaints,
        awaiting_approval,
        to_archive,
        urgent,
        demands_active,
        demands_overdue,
        care_due,
        followups_open,
        followup_survey,
    })
}

/// The monthly complaint report to send next: the month it covers and its due date at head
/// office (the 3rd trading day of the month after), the earliest not yet past.
fn next_report(cal: &WorkingCalendar, today: NaiveDate) -> Option<(i32, u32, NaiveDate)> {
    let last = today.with_day(1)? - chrono::Duration::days(1);
    let due_last = cal.nth_trading_day_of_month(today.year(), today.month(), 3)?;
    if today <= due_last {
        return Some((last.year(), last.month(), due_last));
    }
    let next = (today.with_day(1)? + chrono::Duration::days(32)).with_day(1)?;
    let due = cal.nth_trading_day_of_month(next.year(), next.month(), 3)?;
    Some((today.year(), today.month(), due))
}

/// How far ahead the dashboard looks for a year whose official holiday notice is missing.
const LOOK_AHEAD_DAYS: i64 = 30;

/// How an urgent case's deadline stands now, in words, with its badge class.
fn due_state(
    deadline: &str,
    now: &str,
    today_end: &str,
    lang: Lang,
) -> (&'static str, &'static str) {
    if deadline < now {
        ("bad", lang.t("已超时", "Overdue"))
    } else if deadline <= today_end {
        ("warn", lang.t("今日到期", "Due today"))
    } else {
        ("", lang.t("未到期", "Not yet due"))
    }
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let staff_count = Res::new(move || {
        state.changes.track();
        let s = store();
        async move {
            count_of(&s, <Staff as crate::domain::Record>::TYPE)
                .await
                .unwrap_or(0)
        }
    });
    let has_staff = move || staff_count.get().map(|n| n > 0).unwrap_or(true);
    let signed_in = move || state.user.get().is_some();
    let seen = Res::new(move || {
        state.changes.track();
        let today = state.today.get();
        let cal = state.calendar.get();
        let s = store();
        async move { attention(&s, today, &cal).await.ok() }
    });
    // The care tasks due (today's birthdays …) exist once generated: generated here as on the
    // care page (the same ids, so never twice), when the dashboard opens and when the date
    // turns. Their writes refresh the figures.
    Effect::new(move |_| {
        state.today.track();
        leptos::task::spawn_local_scoped(async move {
            if let Err(m) = care::generate(care::HORIZON_DAYS).await {
                state.warn(m);
            }
            if let Err(e) =
                crate::ui::pages::surveys::records::make_recent_followups(&store()).await
            {
                state.warn_with(|zh| e.message(zh));
            }
        });
    });
    let figure = move |pick: fn(&Attention) -> u64| {
        move || {
            seen.get()
                .flatten()
                .map(|a| pick(&a).to_string())
                .unwrap_or_else(|| "…".into())
        }
    };
    let report = move || {
        let today = state.today.get();
        state.calendar.with(|cal| next_report(cal, today))
    };
    // The years a case received now may fall due in (the longest limit, 7 working days, ends
    // within 30 days even over the Spring Festival) whose official notice is not entered.
    let calendar_ahead = move || {
        let today = state.today.get();
        state
            .calendar
            .with(|cal| cal.uncovered_years(today, today + chrono::Duration::days(LOOK_AHEAD_DAYS)))
    };
    let urgent = move || {
        let l = lang.get();
        let Some(a) = seen.get().flatten() else {
            return ().into_any();
        };
        if a.urgent.is_empty() {
            // Open cases may be left with no limit to meet (answered, waiting for the visit).
            let text = if a.complaints.open > 0 {
                l.t("没有待调查核实或待反馈客户的投诉：未闭环的案件均已反馈客户。", "No complaint is waiting to be investigated or answered: every open case has its answer.")
            } else {
                l.t("没有未闭环的投诉。", "No open complaints.")
            };
            return view! {
                <p class="muted" data-testid="dash-no-urgent">{text}</p>
            }
            .into_any();
        }
        let now = now_s();
        let now_k = key_time(now);
        let end_k = format!("{}T\u{ffff}", now.date());
        view! {
            <div class="table-wrap">
                <table class="stack" data-testid="dash-urgent">
                    <thead><tr>
                        <th>{l.t("案件编号", "Case")}</th>
                        <th>{l.t("投诉人", "Complainant")}</th>
                        <th>{l.t("状态", "Status")}</th>
                        <th>{l.t("最近时限", "Next deadline")}</th>
                        <th><span class="sr-only">{l.t("时限状态", "Deadline state")}</span></th>
                    </tr></thead>
                    <tbody>
                        {a.urgent.into_iter().map(|u| {
                            let (class, word) = due_state(&u.deadline, &now_k, &end_k, l);
                            let when = u.deadline.get(..16).unwrap_or(&u.deadline).replace('T', " ");
                            view! {
                                <tr data-testid="dash-urgent-row">
                                    <td class="nowrap case-no" data-label=l.t("案件编号", "Case")><A href=format!("/complaints/{}", u.id)>{u.case_no}</A></td>
                                    <td data-label=l.t("投诉人", "Complainant")>{u.name}</td>
                                    <td data-label=l.t("状态", "Status")>{u.status.map(|(z, e)| l.t(z, e)).unwrap_or("—")}</td>
                                    <td data-label=l.t("最近时限", "Next deadline")><span class="nowrap">{when}</span>
                                        {u.limit.map(|k| view! { <div class="small muted" data-testid="dash-urgent-limit">{l.t(k.zh(), k.en())}</div> })}
                                    </td>
                                    <td><span class=format!("badge {class}")>{word}</span></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <h1>{t2("工作台", "Dashboard")}</h1>
        <Show when=move || !has_staff() || !signed_in()>
            <section class="panel" data-testid="first-steps">
                <h2>{t2("开始使用", "Getting started")}</h2>
                <ol>
                    <li class=move || if has_staff() { "done" } else { "" }>
                        <A href="/settings">{t2("在设置中填写营业部并添加人员（含 PIN）", "In Settings, name the branch and add staff (with PINs)")}</A>
                    </li>
                    <li class=move || if signed_in() { "done" } else { "" }>
                        <A href="/settings#device">{t2("用自己的 PIN 登录本设备", "Sign in on this device with your PIN")}</A>
                    </li>
                </ol>
            </section>
        </Show>
        <div class="spread">
            <h2>{t2("投诉", "Complaints")}</h2>
            <Show when=signed_in>
                <A href="/complaints?status=open&by=me" attr:data-testid="dash-mine">{t2("我经手的未闭环投诉 →", "Open cases I worked on →")}</A>
            </Show>
        </div>
        <div class="cards" data-testid="dashboard-complaints">
            <A href="/complaints?status=open" attr:class="card" attr:data-testid="dash-open">
                <div class="n">{figure(|a| a.complaints.open)}</div>
                <div class="l">{t2("未闭环投诉", "Open complaints")}</div>
            </A>
            <A href="/complaints?due=today" attr:class="card warn" attr:data-testid="dash-due-today">
                <div class="n">{figure(|a| a.complaints.due_today)}</div>
                <div class="l">{t2("今日到期", "Due today")}</div>
            </A>
            <A href="/complaints?due=overdue" attr:class="card bad" attr:data-testid="dash-overdue">
                <div class="n">{figure(|a| a.complaints.overdue)}</div>
                <div class="l">{t2("已超时", "Overdue")}</div>
            </A>
            <A href="/complaints?status=awaiting_approval" attr:class="card" attr:data-testid="dash-approval">
                <div class="n">{figure(|a| a.awaiting_approval)}</div>
                <div class="l">{t2("待审批", "Awaiting approval")}</div>
            </A>
            // 按月归档 (source 002 第六章): what is closed and waits for this month's archiving.
            <A href="/complaints?status=closed" attr:class="card" attr:data-testid="dash-to-archive">
                <div class="n">{figure(|a| a.to_archive)}</div>
                <div class="l">{t2("已结案待归档", "Closed, to be archived")}</div>
            </A>
            <A href="/complaints/new" attr:class="card" attr:data-testid="dash-new-complaint">
                <div class="n">"+"</div>
                <div class="l">{t2("受理新投诉", "New complaint")}</div>
            </A>
        </div>
        <section class="panel" aria-labelledby="dash-urgent-h">
            <h2 id="dash-urgent-h">{t2("最紧迫的案件", "Most urgent cases")}</h2>
            <crate::ui::components::CalendarNotEntered years=Signal::derive(calendar_ahead)/>
            {urgent}
        </section>
        <h2>{t2("需求、关怀与报送", "Demands, care and reporting")}</h2>
        <div class="cards" data-testid="dashboard-other">
            <A href="/demands" attr:class="card" attr:data-testid="dash-demands">
                <div class="n">{figure(|a| a.demands_active)}</div>
                <div class="l">{t2("未完成的客户需求", "Active customer demands")}</div>
            </A>
            <A href="/demands?mode=list&due=overdue" attr:class="card bad" attr:data-testid="dash-demands-overdue">
                <div class="n">{figure(|a| a.demands_overdue)}</div>
                <div class="l">{t2("逾期的客户需求", "Overdue demands")}</div>
            </A>
            <A href=move || seen.get().flatten().and_then(|a| a.followup_survey).map_or_else(
                    || "/surveys".to_string(),
                    |id| format!("/surveys/{}/results", crate::ui::pages::surveys::records::url_key(&id)))
                attr:class="card warn" attr:data-testid="dash-followups">
                <div class="n">{figure(|a| a.followups_open)}</div>
                <div class="l">{t2("待办的满意度低分跟进", "Low-score follow-ups to do")}</div>
            </A>
            <A href="/care?due=today" attr:class="card warn" attr:data-testid="dash-care">
                <div class="n">{figure(|a| a.care_due)}</div>
                <div class="l">{t2("今日及之前应做的关怀", "Care visits due")}</div>
            </A>
            <A
                href=move || report().map_or_else(|| "/reports".to_string(), |(y, m, _)| format!("/reports?view=monthly&month={y}-{m:02}"))
                attr:class="card"
                attr:data-testid="dash-report-due"
            >
                // With its year: in December the next due date falls in January.
                <div class="n due">{move || report().map(|(_, _, due)| due.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into())}</div>
                <div class="l">{move || {
                    let l = lang.get();
                    match report() {
                        Some((y, m, _)) => l.s(format!("{y}年{m}月投诉情况报送截止日"), format!("Monthly report for {y}-{m:02} due")),
                        None => l.t("月度报送截止日", "Monthly report due").to_string(),
                    }
                }}</div>
            </A>
        </div>
    }
}
