//! reports/quarterly: the quarterly analysis — month-by-month trend charts (SVG drawn here, no
//! chart library) and the categories, departments and staff with the most complaints, every
//! figure opening the cases behind it.

use chrono::Datelike;
use std::sync::Arc;

use leptos::prelude::*;

use crate::domain::calendar::WorkingCalendar;
use crate::domain::complaint::Category;
use crate::domain::report::{
    quarterly_analysis_csv, tied_text, Figure, QuarterlyAggregator, QuarterlyAnalysis, Ranking,
    Tied, RANKINGS,
};
use crate::ui::components::chart_text::keep_chart_text;
use crate::ui::components::ProgressBar;
use crate::ui::i18n::{t2, Lang};
use crate::ui::platform::now;
use crate::ui::state::{app, AppStore};

use super::drill::{Count, Drill, DrillSheet};
use super::labels;
use super::stream::{period_report, quarter_range, received_facts};

/// How many leading categories, departments and staff the analysis names.
const TOP_N: usize = 5;

type Loaded = Result<Option<(Arc<QuarterlyAnalysis>, usize)>, String>;

async fn build(
    s: AppStore,
    zh: bool,
    year: i32,
    quarter: u32,
    calendar: WorkingCalendar,
    progress: RwSignal<Option<(usize, usize)>>,
    wanted: impl Fn() -> bool,
) -> Loaded {
    let mut agg = QuarterlyAggregator::new(year, quarter, calendar, now());
    let (facts, unreadable) = received_facts(&s, zh, quarter_range(year, quarter)).await?;
    if !wanted() {
        return Ok(None);
    }
    progress.set(None);
    for f in &facts {
        agg.add_facts(f);
    }
    Ok(Some((Arc::new(agg.finish(TOP_N)), unreadable)))
}

fn quarter_href(year: i32, quarter: u32) -> String {
    format!("/reports?view=quarterly&q={year}Q{quarter}")
}

fn shift(year: i32, quarter: u32, by: i32) -> (i32, u32) {
    let i = year * 4 + quarter as i32 - 1 + by;
    (i.div_euclid(4), i.rem_euclid(4) as u32 + 1)
}

#[component]
pub fn QuarterlyView(quarter: Memo<(i32, u32)>) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let progress = RwSignal::new(None::<(usize, usize)>);
    let drill = RwSignal::new(None::<Drill>);
    let analysis = period_report(quarter, progress, build);
    Effect::new(move |_| {
        quarter.track();
        drill.set(None);
    });
    let on_export = move |_| {
        let Some(Ok(Some((a, _)))) = analysis.get_untracked() else {
            return;
        };
        super::save_csv(
            quarterly_analysis_csv(&a, lang.get_untracked().into()),
            &format!("kefu-quarterly-analysis-{}Q{}.csv", a.year, a.quarter),
            (
                format!("已导出 {} 年第 {} 季度分析（CSV）", a.year, a.quarter),
                format!("Exported the analysis for {} Q{} (CSV)", a.year, a.quarter),
            ),
        );
    };
    let ready = move || matches!(analysis.get(), Some(Ok(Some(_))));

    view! {
        <section class="report quarterly" aria-labelledby="quarterly-h">
            <div class="row no-print report-controls">
                <a href=move || { let (y, q) = quarter.get(); let (y, q) = shift(y, q, -1); quarter_href(y, q) }
                    class="button" data-testid="prev-quarter">{t2("‹ 上季度", "‹ Previous")}</a>
                <a href=move || { let (y, q) = quarter.get(); let (y, q) = shift(y, q, 1); quarter_href(y, q) }
                    class="button" data-testid="next-quarter">{t2("下季度 ›", "Next ›")}</a>
                {super::print_and_export(ready, on_export)}
            </div>
            <h2 id="quarterly-h">
                // On paper, whose analysis it is, as the monthly report's.
                <span class="print-only" data-testid="quarterly-branch">{move || state.branch.get().heading()}</span>
                {move || {
                    let (y, q) = quarter.get();
                    lang.get().s(format!("{y} 年第 {q} 季度投诉分析"), format!("Complaints analysis, {y} Q{q}"))
                }}
            </h2>
            <super::PrintedAt/>
            <crate::ui::components::PeriodNote status=Signal::derive(move || {
                let (y, q) = quarter.get();
                crate::domain::calendar::quarter_status(y, q, state.today.get())
            })/>
            <ProgressBar progress=progress label=Signal::derive(move || lang.get().s("正在统计本季度案件", "Counting the quarter's cases"))/>
            {move || match analysis.get() {
                None | Some(Ok(None)) => view! { <p class="muted" role="status">{t2("正在统计…", "Counting…")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="err" role="alert">{e}</p> }.into_any(),
                Some(Ok(Some((a, corrupt)))) => {
                    // A quarter still running: its months to come are not drawn as nothing received.
                    let today = state.today.get();
                    let come = a.months.iter().take_while(|m| (m.year, m.month) <= (today.year(), today.month())).count();
                    body(a, corrupt, come, lang.get(), drill).into_any()
                }
            }}
            <DrillSheet drill=drill/>
        </section>
    }
}

fn month_label(month: u32, l: Lang) -> String {
    l.s(format!("{month}月"), {
        const EN: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        EN[(month.clamp(1, 12) - 1) as usize].to_string()
    })
}

/// `come`: how many of the quarter's months have begun (the rest are not drawn).
fn body(
    a: Arc<QuarterlyAnalysis>,
    corrupt: usize,
    come: usize,
    l: Lang,
    drill: RwSignal<Option<Drill>>,
) -> impl IntoView {
    let top_categories = TopRows {
        rows: a
            .top_categories
            .ranked()
            .map(|(r, k, f)| (r, labels::category(Some(*k), l), labels::slug(k), f.clone()))
            .collect(),
        more: a.top_categories.more,
    };
    let named = |t: &Ranking<String>| TopRows {
        rows: t
            .ranked()
            .map(|(r, k, f)| (r, k.clone(), labels::slug(k), f.clone()))
            .collect(),
        more: t.more,
    };
    let top_departments = named(&a.top_departments);
    let top_staff = named(&a.top_staff);
    view! {
        {(corrupt > 0).then(|| view! {
            <p class="err" role="alert">{l.s(
                format!("有 {corrupt} 条记录无法读取，未计入本分析"),
                format!("{corrupt} records could not be read and are not counted"),
            )}</p>
        })}
        <div class="cards report-cards">
            <div class="card" data-testid="quarter-total">
                <div class="n"><Count fig=a.total.clone() title=l.t("本季度受理的全部投诉", "All complaints of the quarter").to_string()
                    testid="count-quarter-total".to_string() drill=drill/></div>
                <div class="l">{l.t("本季度受理投诉", "Complaints this quarter")}</div>
            </div>
            {a.months.iter().enumerate().map(|(i, m)| view! {
                <div class="card">
                    <div class="n">{if i < come { view! { <Count fig=m.total.clone() title=l.s(format!("{} 年 {} 月受理的投诉", m.year, m.month), format!("Complaints of {}-{:02}", m.year, m.month))
                        testid=format!("count-month-{}", m.month) drill=drill/> }.into_any() } else {
                        view! { <span data-testid=format!("count-month-{}", m.month)>"—"</span> }.into_any() }}</div>
                    <div class="l">{month_label(m.month, l)}{(i >= come).then(|| l.t("（未到）", " (to come)"))}
                        {(m.overdue > 0).then(|| view! { " · " <span class="badge bad">{l.s(format!("超时 {}", m.overdue), format!("{} past a limit", m.overdue))}</span> })}
                    </div>
                </div>
            }).collect_view()}
        </div>
        <div class="charts">
            {trend_chart(&a, come, l, drill)}
            {category_chart(&a, come, l)}
        </div>
        <div class="report-dims">
            {top_table(l, RANKINGS[0], "top-categories", top_categories, drill)}
            {top_table(l, RANKINGS[1], "top-departments", top_departments, drill)}
            {top_table(l, RANKINGS[2], "top-staff", top_staff, drill)}
        </div>
    }
}

/// A round axis maximum and its tick step for counts up to `max`.
fn axis(max: u32) -> (u32, u32) {
    let max = max.max(1);
    let mut step = 1u32;
    loop {
        for m in [1, 2, 5] {
            let s = step * m;
            if s * 4 >= max {
                return (s * max.div_ceil(s), s);
            }
        }
        step *= 10;
    }
}

const W: f64 = 520.0;
const H: f64 = 260.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 34.0;

fn plot_w() -> f64 {
    W - LEFT - RIGHT
}
fn plot_h() -> f64 {
    H - TOP - BOTTOM
}
fn y_of(v: u32, top: u32) -> f64 {
    TOP + plot_h() * (1.0 - v as f64 / top as f64)
}
/// A coordinate as an SVG attribute.
fn n(v: f64) -> String {
    format!("{v:.1}")
}
fn band_center(i: usize, n: usize) -> f64 {
    LEFT + plot_w() * (i as f64 + 0.5) / n as f64
}

/// Grid lines with their labels, and the month labels under the plot.
fn frame(top: u32, step: u32, months: &[String]) -> impl IntoView {
    let ticks = (0..=top / step).map(|i| i * step).collect::<Vec<_>>();
    let count = months.len().max(1);
    view! {
        <g class="grid">
            {ticks.into_iter().map(|v| {
                let y = y_of(v, top);
                view! {
                    <line x1=n(LEFT) x2=n(W - RIGHT) y1=n(y) y2=n(y)></line>
                    <text x=n(LEFT - 6.0) y=n(y + 4.0) text-anchor="end">{v}</text>
                }
            }).collect_view()}
        </g>
        <g class="x-labels">
            {months.iter().enumerate().map(|(i, m)| view! {
                <text x=n(band_center(i, count)) y=n(H - 10.0) text-anchor="middle">{m.clone()}</text>
            }).collect_view()}
        </g>
    }
}

/// Complaints received per month (bars, each opening its cases) and those past a limit (line).
fn trend_chart(
    a: &QuarterlyAnalysis,
    come: usize,
    l: Lang,
    drill: RwSignal<Option<Drill>>,
) -> impl IntoView {
    let months_n = a.months.len().max(1);
    let max = a
        .months
        .iter()
        .map(|m| m.total.count.max(m.overdue))
        .max()
        .unwrap_or(0);
    let (top, step) = axis(max);
    let months: Vec<String> = a.months.iter().map(|m| month_label(m.month, l)).collect();
    let band = plot_w() / months_n as f64;
    let bar_w = band * 0.46;
    let bars = a
        .months
        .iter()
        .enumerate()
        .take(come)
        .map(|(i, m)| {
            let count = m.total.count;
            let y = y_of(count, top);
            let x = band_center(i, months_n) - bar_w / 2.0;
            let h = TOP + plot_h() - y;
            let title = l.s(
                format!("{} 年 {} 月受理的投诉", m.year, m.month),
                format!("Complaints of {}-{:02}", m.year, m.month),
            );
            let tip = l.s(format!("{}：{count} 件", months[i]), format!("{}: {count}", months[i]));
            let ids = m.total.ids.clone();
            let open = move || {
                if !ids.is_empty() {
                    drill.set(Some(Drill {
                        title: title.clone(),
                        ids: ids.clone(),
                    }))
                }
            };
            let open2 = open.clone();
            let label = tip.clone();
            view! {
                <g class="bar" role="button" tabindex="0" aria-label=label
                    data-testid=format!("bar-{}", m.month) data-count=count.to_string()
                    on:click=move |_| open()
                    on:keydown=move |ev| if ev.key() == "Enter" || ev.key() == " " { open2() }>
                    <title>{tip}</title>
                    <rect x=n(x) y=n(y) width=n(bar_w) height=n(h) rx="3"></rect>
                    <text class="value" x=n(band_center(i, months_n)) y=n(y - 5.0) text-anchor="middle">{count}</text>
                </g>
            }
        })
        .collect_view();
    let points: Vec<(f64, f64, u32)> = a
        .months
        .iter()
        .enumerate()
        .take(come)
        .map(|(i, m)| (band_center(i, months_n), y_of(m.overdue, top), m.overdue))
        .collect();
    let line = points
        .iter()
        .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let heading = l.t(
        "月度受理量与超时案件",
        "Complaints and cases past a limit, by month",
    );
    view! {
        <figure class="chart" data-testid="trend-chart">
            <figcaption>{heading}</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=heading class="trend" use:keep_chart_text>
                {frame(top, step, &months)}
                <g class="bars">{bars}</g>
                <polyline class="overdue-line" points=line fill="none"></polyline>
                {points.into_iter().map(|(x, y, v)| view! {
                    <circle class="overdue-dot" cx=n(x) cy=n(y) r="4"><title>{l.s(format!("超时 {v} 件"), format!("{v} past a limit"))}</title></circle>
                }).collect_view()}
            </svg>
            <div class="legend small">
                <span><i class="swatch bar"></i>{l.t("受理量", "Received")}</span>
                <span><i class="swatch overdue"></i>{l.t("超时案件", "Past a limit")}</span>
            </div>
        </figure>
    }
}

/// Each line's colour: a class whose colour reports.css sets (lighter ones in the dark theme).
const PALETTE: [&str; 6] = ["c0", "c1", "c2", "c3", "c4", "c5"];

/// Each line's dash pattern, besides its colour: two categories with the same counts draw the
/// same line, and the one drawn last would hide the other (QA 8 #12); dashed on top, both show.
/// Their points are offset a little sideways for the same reason.
const DASHES: [&str; 6] = ["none", "8 5", "3 4", "12 4 3 4", "2 7", "16 6"];

/// One line per leading category across the quarter's months.
fn category_chart(a: &QuarterlyAnalysis, come: usize, l: Lang) -> impl IntoView {
    let months_n = a.months.len().max(1);
    // At most one line a colour (a tie may rank more categories than that).
    let cats: Vec<Category> = a
        .top_categories
        .keys()
        .take(PALETTE.len())
        .copied()
        .collect();
    let value = |i: usize, c: Category| {
        a.months[i]
            .by_category
            .get(&Some(c))
            .map(|f| f.count)
            .unwrap_or(0)
    };
    let max = cats
        .iter()
        .flat_map(|c| (0..a.months.len()).map(move |i| (i, *c)))
        .map(|(i, c)| value(i, c))
        .max()
        .unwrap_or(0);
    let (top, step) = axis(max);
    let months: Vec<String> = a.months.iter().map(|m| month_label(m.month, l)).collect();
    let lines = cats
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let colour = PALETTE[k % PALETTE.len()];
            let dash = DASHES[k % DASHES.len()];
            let nudge = (k as f64 - (cats.len() as f64 - 1.0) / 2.0) * 5.0;
            let pts: Vec<(f64, f64, u32)> = (0..come.min(a.months.len()))
                .map(|i| (band_center(i, months_n) + nudge, y_of(value(i, *c), top), value(i, *c)))
                .collect();
            let line = pts
                .iter()
                .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
                .collect::<Vec<_>>()
                .join(" ");
            let name = labels::category(Some(*c), l);
            view! {
                <g class=format!("series {colour}") data-testid=format!("series-{}", labels::slug(c))>
                    <polyline points=line fill="none" stroke="currentColor" stroke-width="2.5" stroke-dasharray=dash></polyline>
                    {pts.into_iter().map(|(x, y, v)| view! {
                        <circle cx=n(x) cy=n(y) r="3.5" fill="currentColor"><title>{format!("{name}: {v}")}</title></circle>
                    }).collect_view()}
                </g>
            }
        })
        .collect_view();
    let legend = cats
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let colour = PALETTE[k % PALETTE.len()];
            let dash = DASHES[k % DASHES.len()];
            view! {
                <span>
                    <svg class=format!("swatch-line {colour}") viewBox="0 0 28 8" width="28" height="8" aria-hidden="true">
                        <line x1="0" y1="4" x2="28" y2="4" stroke="currentColor" stroke-width="2.5" stroke-dasharray=dash></line>
                    </svg>
                    {labels::category(Some(*c), l)}
                </span>
            }
        })
        .collect_view();
    let heading = l.t("主要类别的月度走势", "Leading categories by month");
    view! {
        <figure class="chart" data-testid="category-chart">
            <figcaption>{heading}</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=heading class="lines" use:keep_chart_text>
                {frame(top, step, &months)}
                {lines}
            </svg>
            <div class="legend small">{legend}</div>
        </figure>
    }
}

/// A ranking's rows as shown: (rank, name, slug for the test id, figure), and the tie left
/// out at its end.
struct TopRows {
    rows: Vec<(usize, String, String, Figure)>,
    more: Option<Tied>,
}

/// A ranking: rank (shared by a tie), name, count (opens its cases); a tie left out at the
/// end is said under it.
fn top_table(
    l: Lang,
    (zh, en): (&'static str, &'static str),
    testid: &'static str,
    TopRows { rows, more }: TopRows,
    drill: RwSignal<Option<Drill>>,
) -> impl IntoView {
    let heading = l.t(zh, en);
    let empty = rows.is_empty() && more.is_none();
    view! {
        <section class="dim" data-testid=testid>
            <h3>{heading}</h3>
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <th class="num">{l.t("排名", "Rank")}</th>
                        <th>{l.t("项目", "Item")}</th>
                        <th class="num">{l.t("数量", "Count")}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(rank, name, slug, fig)| {
                            let title = format!("{heading}：{name}");
                            view! {
                                <tr>
                                    <td class="num" data-testid="rank">{rank}</td>
                                    <td>{name}</td>
                                    <td class="num"><Count fig=fig title=title testid=format!("{testid}-{slug}") drill=drill/></td>
                                </tr>
                            }
                        }).collect_view()}
                        {more.map(|t| view! {
                            <tr data-testid=format!("{testid}-more")><td colspan="3" class="muted">
                                {tied_text(t, l.into())}
                            </td></tr>
                        })}
                        {empty.then(|| view! { <tr><td colspan="3" class="muted">{l.t("无", "None")}</td></tr> })}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
