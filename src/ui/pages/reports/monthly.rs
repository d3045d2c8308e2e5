//! reports/monthly: the monthly complaint report for head office — counts by category, channel,
//! department, staff, severity and outcome, the 3- and 4-working-day limits, the overdue list
//! and the due date — streamed from the received-date index, printable and exported as CSV.

use crate::domain::datefmt::Layout;
use std::sync::Arc;

use chrono::Datelike;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::domain::calendar::{next_month, WorkingCalendar};
use crate::domain::complaint::ClockKind;
use crate::domain::report::{
    monthly_report_csv, Figure, LimitFigures, MonthlyAggregator, MonthlyReport,
};
use crate::ui::components::ProgressBar;
use crate::ui::i18n::{t2, Lang};
use crate::ui::platform::now;
use crate::ui::state::{app, AppStore};

use super::drill::{Count, Drill, DrillSheet};
use super::stream::{month_range, period_report, received_facts};
use super::{labels, print_and_export};

type Loaded = Result<Option<(Arc<MonthlyReport>, usize)>, String>;

/// Streams the month's cases into the domain's aggregator. `Ok(None)`: replaced by a newer run.
async fn build(
    s: AppStore,
    zh: bool,
    year: i32,
    month: u32,
    calendar: WorkingCalendar,
    progress: RwSignal<Option<(usize, usize)>>,
    wanted: impl Fn() -> bool,
) -> Loaded {
    let mut agg = MonthlyAggregator::new(year, month, calendar, now());
    let (facts, unreadable) = received_facts(&s, zh, month_range(year, month)).await?;
    if !wanted() {
        return Ok(None);
    }
    progress.set(None);
    for f in &facts {
        agg.add_facts(f);
    }
    Ok(Some((Arc::new(agg.finish()), unreadable)))
}

fn prev_month(year: i32, month: u32) -> (i32, u32) {
    if month == 1 {
        (year - 1, 12)
    } else {
        (year, month - 1)
    }
}

fn month_href(year: i32, month: u32) -> String {
    format!("/reports?view=monthly&month={year}-{month:02}")
}

fn weekday(d: chrono::NaiveDate, l: Lang) -> &'static str {
    let i = d.weekday().num_days_from_monday() as usize;
    let zh = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    let en = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    l.t(zh[i], en[i])
}

#[component]
pub fn MonthlyView(month: Memo<(i32, u32)>) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let progress = RwSignal::new(None::<(usize, usize)>);
    let drill = RwSignal::new(None::<Drill>);
    let report = period_report(month, progress, build);
    // A new month closes the list of the old one.
    Effect::new(move |_| {
        month.track();
        drill.set(None);
    });

    let navigate = use_navigate();
    let on_pick = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        if !v.is_empty() {
            navigate(
                &format!("/reports?view=monthly&month={v}"),
                Default::default(),
            );
        }
    };
    let on_export = move |_| {
        let Some(Ok(Some((r, _)))) = report.get_untracked() else {
            return;
        };
        super::save_csv(
            monthly_report_csv(&r, lang.get_untracked().into()),
            &format!("kefu-monthly-report-{}-{:02}.csv", r.year, r.month),
            (
                format!("已导出 {} 年 {} 月报告（CSV）", r.year, r.month),
                format!("Exported the report for {}-{:02} (CSV)", r.year, r.month),
            ),
        );
    };
    let ready = move || matches!(report.get(), Some(Ok(Some(_))));

    view! {
        <section class="report monthly" aria-labelledby="monthly-h">
            <div class="spread no-print report-controls">
                <div class="row">
                    <a href=move || { let (y, m) = month.get(); let (y, m) = prev_month(y, m); month_href(y, m) }
                        class="button" data-testid="prev-month">{t2("‹ 上月", "‹ Previous")}</a>
                    <label class="sr-only" for="report-month">{t2("报告月份", "Report month")}</label>
                    <input id="report-month" type="month" data-testid="report-month"
                        prop:value=move || { let (y, m) = month.get(); format!("{y}-{m:02}") }
                        on:change=on_pick/>
                    <a href=move || { let (y, m) = month.get(); let (y, m) = next_month(y, m); month_href(y, m) }
                        class="button" data-testid="next-month">{t2("下月 ›", "Next ›")}</a>
                </div>
                {print_and_export(ready, on_export)}
            </div>
            <h2 id="monthly-h">
                <span class="print-only">{move || state.branch.get().heading()}</span>
                {move || {
                    let (y, m) = month.get();
                    lang.get().s(format!("{y} 年 {m} 月客户投诉月度报告"), format!("Complaints report, {y}-{m:02}"))
                }}
            </h2>
            <super::PrintedAt/>
            <crate::ui::components::PeriodNote status=Signal::derive(move || {
                let (y, m) = month.get();
                crate::domain::calendar::month_status(y, m, state.today.get())
            })/>
            <ProgressBar progress=progress label=Signal::derive(move || lang.get().s("正在统计本月案件", "Counting the month's cases"))/>
            {move || match report.get() {
                None | Some(Ok(None)) => view! { <p class="muted" role="status">{t2("正在统计…", "Counting…")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="err" role="alert">{e}</p> }.into_any(),
                Some(Ok(Some((r, corrupt)))) => report_body(r, corrupt, lang.get(), drill).into_any(),
            }}
            <DrillSheet drill=drill/>
        </section>
    }
}

fn share(limit: &LimitFigures) -> String {
    match limit.share_within() {
        Some(s) => format!("{}%", crate::domain::stats::percent_text(s * 100.0, 1)),
        None => "—".into(),
    }
}

fn report_body(
    r: Arc<MonthlyReport>,
    corrupt: usize,
    l: Lang,
    drill: RwSignal<Option<Drill>>,
) -> impl IntoView {
    let total = r.total.count;
    let overdue = Figure {
        count: r.overdue.len() as u32,
        ids: r.overdue.iter().map(|o| o.id.as_str().into()).collect(),
    };
    let due = match r.head_office_due {
        Some(d) => format!("{} ({})", d.layout("%Y-%m-%d"), weekday(d, l)),
        None => l
            .t(
                "无法确定（日历缺少该月）",
                "Unknown (calendar lacks the month)",
            )
            .into(),
    };
    let limit_card = |zh: &'static str,
                      en: &'static str,
                      testid: &'static str,
                      f: &LimitFigures| {
        let decided = f.within.count + f.late.count;
        view! {
            <div class="card" data-testid=testid>
                <div class="n">{share(f)}</div>
                <div class="l">{l.t(zh, en)}</div>
                <div class="small muted">
                    // "Decided" is done or past its limit: a case done early counts, though its
                    // limit has not come (QA 8 #9: it read 已到期, "come due").
                    {l.s(format!("按时 {} / 已办结或超时 {}，尚在期限内 {}", f.within.count, decided, f.pending.count),
                         format!("{} on time of {} done or past the limit, {} still within it", f.within.count, decided, f.pending.count))}
                </div>
            </div>
        }
    };

    let dims = vec![
        dimension(
            l,
            ("投诉类别", "Category"),
            "category",
            r.by_category
                .iter()
                .map(|(k, f)| (labels::category(*k, l), labels::slug(k), f.clone()))
                .collect(),
            total,
            drill,
        ),
        dimension(
            l,
            ("受理方式", "Channel"),
            "channel",
            r.by_channel
                .iter()
                .map(|(k, f)| (labels::channel(*k, l), labels::slug(k), f.clone()))
                .collect(),
            total,
            drill,
        ),
        dimension(
            l,
            ("责任部门", "Department"),
            "department",
            r.by_department
                .iter()
                .map(|(k, f)| (labels::department(k, l), labels::slug(k), f.clone()))
                .collect(),
            total,
            drill,
        ),
        dimension(
            l,
            ("涉及人员", "Staff involved"),
            "staff",
            r.by_staff
                .iter()
                .map(|(k, f)| (k.clone(), labels::slug(k), f.clone()))
                .collect(),
            total,
            drill,
        ),
        dimension(
            l,
            ("严重程度", "Severity"),
            "severity",
            r.by_severity
                .iter()
                .map(|(k, f)| (labels::severity(*k, l), labels::slug(k), f.clone()))
                .collect(),
            total,
            drill,
        ),
        dimension(
            l,
            ("处理结果（责任认定）", "Outcome (responsibility)"),
            "outcome",
            r.by_responsibility
                .iter()
                .map(|(k, f)| (labels::outcome(*k, l), labels::slug(k), f.clone()))
                .collect(),
            total,
            drill,
        ),
        dimension(
            l,
            ("处理状态", "Status"),
            "status",
            r.by_status
                .iter()
                .map(|(k, f)| (labels::status(*k, l), labels::slug(k), f.clone()))
                .collect(),
            total,
            drill,
        ),
    ];

    let limit_rows = [
        (
            ("3个工作日调查时限", "3-working-day investigation limit"),
            "investigation",
            &r.investigation,
        ),
        (
            ("4个工作日反馈时限", "4-working-day response limit"),
            "response",
            &r.response,
        ),
    ]
    .into_iter()
    .map(|((zh, en), slug, f)| {
        let name = l.t(zh, en);
        let cell = |fig: &Figure, what: &'static str, wz: &'static str, we: &'static str| {
            view! {
                <td class="num"><Count fig=fig.clone() title=format!("{name}：{}", l.t(wz, we))
                    testid=format!("count-{slug}-{what}") drill=drill/></td>
            }
        };
        view! {
            <tr>
                <th scope="row">{name}</th>
                {cell(&f.within, "within", "按时", "within")}
                {cell(&f.late, "late", "超时", "late")}
                {cell(&f.pending, "pending", "未到期", "pending")}
                <td class="num" data-testid=format!("share-{slug}")>{share(f)}</td>
            </tr>
        }
    })
    .collect_view();

    let overdue_rows = r
        .overdue
        .iter()
        .map(|o| {
            let breaches = o
                .breaches
                .iter()
                .map(|(k, s)| {
                    let (name, state) = (clock_name(*k, l), labels::clock_state(*s, l));
                    format!("{name}{}{state}", l.t("：", ": "))
                })
                .collect::<Vec<_>>()
                .join(l.t("；", "; "));
            let (href, no) = (format!("/complaints/{}", o.id), o.case_no.clone());
            view! {
                <tr>
                    <td><A href=href>{no}</A></td>
                    <td>{labels::time(o.received_at)}</td>
                    <td>{breaches}</td>
                </tr>
            }
        })
        .collect_view();
    let no_overdue = r.overdue.is_empty();

    view! {
        {(corrupt > 0).then(|| view! {
            <p class="err" role="alert">{l.s(
                format!("有 {corrupt} 条记录无法读取，未计入本报告"),
                format!("{corrupt} records could not be read and are not counted"),
            )}</p>
        })}
        <div class="cards report-cards">
            <div class="card" data-testid="card-total">
                <div class="n"><Count fig=r.total.clone() title=l.t("本月受理的全部投诉", "All complaints received this month").to_string()
                    testid="count-total".to_string() drill=drill/></div>
                <div class="l">{l.t("受理投诉", "Complaints received")}</div>
            </div>
            {limit_card("3个工作日内完成调查", "Investigated within 3 working days", "card-investigation", &r.investigation)}
            {limit_card("4个工作日内反馈客户", "Answered within 4 working days", "card-response", &r.response)}
            <div class=if no_overdue { "card ok" } else { "card bad" } data-testid="card-overdue">
                <div class="n"><Count fig=overdue title=l.t("超出时限的案件", "Cases past a limit").to_string()
                    testid="count-overdue".to_string() drill=drill/></div>
                <div class="l">{l.t("超时案件", "Cases past a limit")}</div>
            </div>
            <div class="card" data-testid="head-office-due">
                <div class="n due">{due}</div>
                <div class="l">{l.t("报送经纪业务总部截止日（次月第3个交易日）", "Due at head office (3rd trading day of next month)")}</div>
            </div>
        </div>
        {(total == 0).then(|| view! { <p class="muted" data-testid="empty-month">{l.t("本月没有受理投诉。", "No complaints were received this month.")}</p> })}
        <h3>{l.t("处理时限", "Time limits")}</h3>
        <div class="table-wrap">
            <table data-testid="limits">
                <thead><tr>
                    <th>{l.t("时限", "Limit")}</th>
                    <th class="num">{l.t("按时", "Within")}</th>
                    <th class="num">{l.t("超时", "Late")}</th>
                    <th class="num">{l.t("未到期", "Pending")}</th>
                    <th class="num">{l.t("按时率", "Share within")}</th>
                </tr></thead>
                <tbody>{limit_rows}</tbody>
            </table>
        </div>
        <div class="report-dims">{dims}</div>
        <h3>{l.t("超时案件清单", "Cases past a limit")}</h3>
        {if no_overdue {
            view! { <p class="muted">{l.t("没有超时案件。", "No case broke a limit.")}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table data-testid="overdue-list">
                        <thead><tr>
                            <th>{l.t("案件编号", "Case number")}</th>
                            <th>{l.t("受理时间", "Received")}</th>
                            <th>{l.t("超出的时限", "Limits broken")}</th>
                        </tr></thead>
                        <tbody>{overdue_rows}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

fn clock_name(k: ClockKind, l: Lang) -> &'static str {
    l.t(k.zh(), k.en())
}

/// One breakdown of the month: item, count (opens its cases) and share of the month.
fn dimension(
    l: Lang,
    (zh, en): (&'static str, &'static str),
    section: &'static str,
    rows: Vec<(String, String, Figure)>,
    total: u32,
    drill: RwSignal<Option<Drill>>,
) -> impl IntoView {
    let heading = l.t(zh, en);
    let empty = rows.is_empty();
    let body = rows
        .into_iter()
        .map(|(label, slug, fig)| {
            let pct = labels::percent(fig.count, total);
            let title = format!("{heading}：{label}");
            view! {
                <tr>
                    <td>{label}</td>
                    <td class="num"><Count fig=fig title=title testid=format!("count-{section}-{slug}") drill=drill/></td>
                    <td class="num">{pct}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="dim" data-testid=format!("by-{section}")>
            <h3>{heading}</h3>
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <th>{l.t("项目", "Item")}</th>
                        <th class="num">{l.t("数量", "Count")}</th>
                        <th class="num">{l.t("占比", "Share")}</th>
                    </tr></thead>
                    <tbody>
                        {body}
                        {empty.then(|| view! { <tr><td colspan="3" class="muted">{l.t("无", "None")}</td></tr> })}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
