//! reports/kpi: the staff KPI sheet (员工考核) of regulation 001 二(三) — 客户满意度、
//! 业务解答准确率、工单处理及时率、客户投诉率 per staff member, for a month (月度考核,
//! `?view=kpi&period=2026-11`) or a year (年度考核, `period=2026`) — each figure opening the
//! records behind it, printable on A4 and exported as CSV; and, for a month, the customers each
//! staff member served, typed by a supervisor or manager (`served`). The figures are
//! `domain::kpi`'s; this view reads the records: the complaints a page at a time from the
//! received-date index, the survey responses of the period from each survey's index, the call
//! reviews, the staff and the months' served counts.

mod served;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::domain::calendar::WorkingCalendar;
use crate::domain::datefmt::Layout;
use crate::domain::kpi::{
    kpi_sheet_csv, period_title, KpiBuilder, KpiPeriod, KpiSheet, ServedCounts, Share, StaffKpi,
    INDICATORS, PLACES, RATE_PLACES,
};
use crate::domain::quality::{self, CallReview};
use crate::domain::staff::Staff;
use crate::domain::survey::{Survey, Text};
use crate::store::{typed, StoreError};
use crate::ui::components::dialog::keyboard_dialog;
use crate::ui::components::ProgressBar;
use crate::ui::data::all_of;
use crate::ui::i18n::{t2, Lang};
use crate::ui::pages::surveys::records::{load_responses, url_key};
use crate::ui::platform::now;
use crate::ui::resource::Res;
use crate::ui::state::{app, store, AppStore};

use super::stream::{day_range, stream_complaints, RECEIVED_INDEX};
use super::{labels, print_and_export};

/// What the view reads for a period.
#[derive(Clone)]
struct Loaded {
    sheet: Arc<KpiSheet>,
    /// Complaints of the range read that could not be read.
    unreadable: usize,
    /// Survey titles by id, for the responses listed.
    titles: Arc<BTreeMap<String, Text>>,
    /// The month's served counts as stored (a month's sheet), for the form.
    served: Option<ServedCounts>,
}

type Load = Result<Option<Loaded>, String>;

/// Reads the period's records into the domain's builder. `Ok(None)`: a newer run replaced it.
async fn build(
    s: AppStore,
    zh: bool,
    period: KpiPeriod,
    calendar: WorkingCalendar,
    progress: RwSignal<Option<(usize, usize)>>,
    wanted: impl Fn() -> bool,
) -> Load {
    let err = |e: StoreError| e.message(zh);
    let (staff, _) = all_of::<Staff>(&s).await.map_err(err)?;
    let mut b = KpiBuilder::new(period, &staff, calendar.clone(), now());
    // Cases received before the period may reach their verdict in it (see `earliest_receipt`).
    let range = day_range(period.earliest_receipt(&calendar), period.end());
    let read = stream_complaints(&s, zh, RECEIVED_INDEX, range, progress, &wanted, |page| {
        for c in page {
            b.add_complaint(c);
        }
    })
    .await?;
    let Some(unreadable) = read else {
        return Ok(None);
    };
    let (reviews, _) = all_of::<CallReview>(&s).await.map_err(err)?;
    for r in &reviews {
        b.add_review(r);
    }
    let (surveys, _) = all_of::<Survey>(&s).await.map_err(err)?;
    let last = period.end().pred_opt().unwrap_or(period.end());
    let mut titles = BTreeMap::new();
    for sv in &surveys {
        let responses = load_responses(&s, &sv.id, Some(period.first_day()), Some(last), |_| {})
            .await
            .map_err(err)?;
        // Each response is scored by its survey as it was at the response's version.
        let mut versions: BTreeMap<u32, Option<Survey>> = BTreeMap::new();
        for r in responses.iter().filter(|r| r.staff_id.is_some()) {
            let at = versions
                .entry(r.survey_version)
                .or_insert_with(|| sv.at_version(r.survey_version));
            b.add_response(at.as_ref(), r);
        }
        titles.insert(sv.id.clone(), sv.title.clone());
        if !wanted() {
            return Ok(None);
        }
    }
    let mut served = None;
    for (y, m) in period.months() {
        let first = NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default();
        match typed::load::<ServedCounts, _>(&s, &ServedCounts::id_for(first)).await {
            Ok(counts) => {
                b.add_served(&counts);
                served = Some(counts);
            }
            Err(StoreError::NotFound { .. }) => {}
            Err(e) => return Err(err(e)),
        }
    }
    Ok(Some(Loaded {
        sheet: Arc::new(b.finish()),
        unreadable,
        titles: Arc::new(titles),
        served: served.filter(|_| !period.is_year()),
    }))
}

fn href(p: KpiPeriod) -> String {
    format!("/reports?view=kpi&period={}", p.key())
}

/// The records behind one figure, listed in a side sheet.
#[derive(Clone, Debug, PartialEq)]
struct KpiDrill {
    title: String,
    lines: Vec<Line>,
}

/// One record: when, what (linked to its page where it has one), and how it counted.
#[derive(Clone, Debug, PartialEq)]
struct Line {
    when: String,
    what: String,
    href: Option<String>,
    /// Counted as a hit (satisfied, accurate, on time), or not; None: no verdict.
    hit: Option<bool>,
    note: String,
}

fn when(t: chrono::NaiveDateTime) -> String {
    labels::time(t)
}

/// Which figure of a row.
#[derive(Clone, Copy, PartialEq)]
enum Figure {
    Satisfaction,
    Accuracy,
    OnTime,
    Complaints,
}

fn drill_of(r: &StaffKpi, f: Figure, titles: &BTreeMap<String, Text>, l: Lang) -> KpiDrill {
    let (zh, en) = match f {
        Figure::Satisfaction => (INDICATORS[0].0, INDICATORS[0].1),
        Figure::Accuracy => (INDICATORS[1].0, INDICATORS[1].1),
        Figure::OnTime => (INDICATORS[2].0, INDICATORS[2].1),
        Figure::Complaints => ("涉及该员工的投诉", "Complaints naming them"),
    };
    let title = format!("{}{}{}", r.name, l.t("：", ": "), l.t(zh, en));
    let case = |c: &crate::domain::kpi::CaseLine| {
        (c.case_no.clone(), Some(format!("/complaints/{}", c.id)))
    };
    let lines = match f {
        Figure::Satisfaction => r
            .responses
            .iter()
            .map(|x| Line {
                when: when(x.submitted_at),
                what: titles
                    .get(&x.survey_id)
                    .map_or_else(|| x.survey_id.clone(), |t| t.get(l.is_zh()).to_string()),
                href: Some(format!(
                    "/surveys/{}/results?response={}",
                    url_key(&x.survey_id),
                    x.id
                )),
                hit: Some(x.satisfied == x.answered),
                note: {
                    let mut note = l.s(
                        format!("满意 {}/{}", x.satisfied, x.answered),
                        format!("{} of {} satisfied", x.satisfied, x.answered),
                    );
                    // Answers a colleague filled in for the customer say so, and who.
                    match &x.filled_in {
                        Some(Some(by)) => note.push_str(&l.s(
                            format!(" · 员工代填（{by}）"),
                            format!(" · filled in by {by} for the customer"),
                        )),
                        Some(None) => note.push_str(l.t(" · 员工代填", " · filled in by staff")),
                        None => {}
                    }
                    note
                },
            })
            .collect(),
        Figure::Accuracy => r
            .reviews
            .iter()
            .map(|x| {
                let off: Vec<String> = x
                    .taken_off
                    .iter()
                    .map(|k| {
                        quality::item(k).map_or(k.to_string(), |(_, i)| l.t(i.zh, i.en).to_string())
                    })
                    .collect();
                Line {
                    when: when(x.call_at),
                    what: if x.call_ref.is_empty() {
                        l.t("通话评分", "Call score").into()
                    } else {
                        x.call_ref.clone()
                    },
                    href: Some(format!("/quality?review={}", x.id)),
                    hit: Some(off.is_empty()),
                    note: format!(
                        "{} {}{}",
                        quality::points(x.score_halves),
                        l.t("分", "points"),
                        if off.is_empty() {
                            String::new()
                        } else {
                            format!("{}{}", l.t("；", "; "), off.join(l.t("、", ", ")))
                        }
                    ),
                }
            })
            .collect(),
        Figure::OnTime => r
            .handled
            .iter()
            .map(|h| {
                let (what, href) = case(&h.case);
                Line {
                    when: when(h.case.received_at),
                    what,
                    href,
                    hit: Some(h.on_time),
                    note: if h.on_time {
                        l.s(
                            format!("按时，{} 完成", when(h.decided_at)),
                            format!("on time, done {}", when(h.decided_at)),
                        )
                    } else {
                        l.s(
                            format!("超时，{} 到期", when(h.decided_at)),
                            format!("late, due {}", when(h.decided_at)),
                        )
                    },
                }
            })
            .collect(),
        Figure::Complaints => r
            .complaints
            .iter()
            .map(|c| {
                let (what, href) = case(c);
                Line {
                    when: when(c.received_at),
                    what,
                    href,
                    hit: None,
                    note: String::new(),
                }
            })
            .collect(),
    };
    KpiDrill { title, lines }
}

/// /reports?view=kpi: the reports' heading and tabs over the sheet of the period in the address
/// (`period=2026-11` or `period=2026`), by default the last complete month (a page left open
/// over a month's end moves on with it).
#[component]
pub fn KpiPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let today = app().today;
    let period = Memo::new(move |_| {
        query
            .read()
            .get("period")
            .and_then(|p| KpiPeriod::parse(&p))
            .unwrap_or_else(|| {
                let (y, m) = super::last_month(today.get());
                KpiPeriod::Month(y, m)
            })
    });
    // A period in the address that is not one (2026-13) is said, as on the other reports.
    let unread = move || {
        let given = query.read().get("period")?;
        KpiPeriod::parse(&given)
            .is_none()
            .then(|| super::unread_words(&given, "2026-11 / 2026"))
    };
    view! {
        <div class="reports">
            <h1>{t2("报表", "Reports")}</h1>
            <super::ReportTabs shown="kpi"/>
            <super::UnreadPeriod text=Signal::derive(unread)/>
            <KpiView period=period/>
        </div>
    }
}

#[component]
fn KpiView(period: Memo<KpiPeriod>) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let progress = RwSignal::new(None::<(usize, usize)>);
    let drill = RwSignal::new(None::<KpiDrill>);
    // A run replaced by a newer one (another period, a change saved meanwhile) stops early.
    let generation = StoredValue::new(0u64);
    let loaded: Res<Load> = Res::new(move || {
        let p = period.get();
        state.changes.track();
        let calendar = state.calendar.get();
        let run = generation.get_value() + 1;
        generation.set_value(run);
        let wanted = move || generation.try_get_value() == Some(run);
        build(store(), state.zh(), p, calendar, progress, wanted)
    });
    Effect::new(move |_| {
        period.track();
        drill.set(None);
    });
    // The sheet of the period shown: while another period is read, the last one's is not it.
    let ready = move || matches!(loaded.get(), Some(Ok(Some(l))) if l.sheet.period == period.get());
    let navigate = use_navigate();
    let on_pick = move |ev: leptos::ev::Event| {
        if let Some(p) = KpiPeriod::parse(&event_target_value(&ev)) {
            navigate(&href(p), Default::default());
        }
    };
    let on_export = move |_| {
        let Some(Ok(Some(l))) = loaded.get_untracked() else {
            return;
        };
        let p = l.sheet.period;
        super::save_csv(
            kpi_sheet_csv(&l.sheet, lang.get_untracked().into()),
            &format!("kefu-staff-kpi-{}.csv", p.key()),
            (
                format!(
                    "已导出{}（CSV）",
                    period_title(p, crate::domain::settings::Language::Zh)
                ),
                format!(
                    "Exported the {} (CSV)",
                    period_title(p, crate::domain::settings::Language::En).to_lowercase()
                ),
            ),
        );
    };
    // The other kind of assessment: a month's year, or the last complete month of a year
    // (December of a year gone by).
    let switch = move || match period.get() {
        KpiPeriod::Month(y, _) => KpiPeriod::Year(y),
        KpiPeriod::Year(y) => {
            let (ly, lm) = super::last_month(state.today.get());
            if y == ly {
                KpiPeriod::Month(ly, lm)
            } else {
                KpiPeriod::Month(y, 12)
            }
        }
    };
    let kind = move |year: bool| {
        move || {
            if period.get().is_year() == year {
                "button current"
            } else {
                "button"
            }
        }
    };
    let pressed = move |year: bool| move || (period.get().is_year() == year).to_string();
    view! {
        <section class="report kpi" aria-labelledby="kpi-h">
            <div class="spread no-print report-controls">
                <div class="row">
                    <a href=move || if period.get().is_year() { href(switch()) } else { href(period.get()) }
                        class=kind(false) aria-pressed=pressed(false) data-testid="kpi-monthly">{t2("月度考核", "Monthly")}</a>
                    <a href=move || if period.get().is_year() { href(period.get()) } else { href(switch()) }
                        class=kind(true) aria-pressed=pressed(true) data-testid="kpi-annual">{t2("年度考核", "Annual")}</a>
                    <a href=move || href(period.get().previous()) class="button" data-testid="kpi-prev">{t2("‹ 上一期", "‹ Previous")}</a>
                    <label class="sr-only" for="kpi-period">{t2("考核期间", "Period")}</label>
                    {move || match period.get() {
                        KpiPeriod::Month(y, m) => view! {
                            <input id="kpi-period" type="month" data-testid="kpi-period"
                                prop:value=format!("{y}-{m:02}") on:change=on_pick.clone()/>
                        }.into_any(),
                        KpiPeriod::Year(y) => view! {
                            <input id="kpi-period" type="number" min="2000" max="2100" class="kpi-year" data-testid="kpi-period"
                                prop:value=y.to_string() on:change=on_pick.clone()/>
                        }.into_any(),
                    }}
                    <a href=move || href(period.get().following()) class="button" data-testid="kpi-next">{t2("下一期 ›", "Next ›")}</a>
                </div>
                {print_and_export(ready, on_export)}
            </div>
            <h2 id="kpi-h">
                <span class="print-only">{move || state.branch.get().heading()}</span>
                {move || format!("{}{}", period_title(period.get(), lang.get().into()), lang.get().t(" · 员工考核", " · staff KPIs"))}
            </h2>
            <super::PrintedAt/>
            <crate::ui::components::PeriodNote status=Signal::derive(move || {
                let p = period.get();
                crate::domain::calendar::period_status(p.first_day(), p.end(), state.today.get())
            })/>
            <ul class="kpi-defs small muted" data-testid="kpi-defs">
                {INDICATORS.iter().map(|(zh, en, how_zh, how_en)| view! {
                    <li><strong>{move || lang.get().t(zh, en)}</strong>{move || lang.get().t("：", ": ")}{move || lang.get().t(how_zh, how_en)}</li>
                }).collect_view()}
            </ul>
            <ProgressBar progress=progress label=Signal::derive(move || lang.get().s("正在统计本期记录", "Counting the period's records"))/>
            {move || match loaded.get() {
                Some(Err(e)) => view! { <p class="err" role="alert">{e}</p> }.into_any(),
                Some(Ok(Some(l))) if l.sheet.period == period.get() => body(l, lang.get(), drill).into_any(),
                _ => view! { <p class="muted" role="status">{t2("正在统计…", "Counting…")}</p> }.into_any(),
            }}
            {move || (!period.get().is_year()).then(|| view! { <served::ServedForm period=period loaded=loaded/> })}
            <DrillSheet drill=drill/>
        </section>
    }
}

/// A share as the sheet shows it, its counts opening the records behind them:
/// `92.3 % (12/13)`, or `—`.
fn share_cell(
    s: Share,
    places: usize,
    testid: &'static str,
    open: impl Fn() + 'static,
    aria: String,
) -> impl IntoView {
    match s.percent(places) {
        None => view! { <td class="num muted" data-testid=testid>"—"</td> }.into_any(),
        Some(p) => view! {
            <td class="num" data-testid=testid>{p}" ("
                <button type="button" class="count" aria-label=aria on:click=move |_| open()>
                    {format!("{}/{}", s.part, s.whole)}
                </button>")"
            </td>
        }
        .into_any(),
    }
}

fn body(l: Loaded, lang: Lang, drill: RwSignal<Option<KpiDrill>>) -> impl IntoView {
    let sheet = l.sheet.clone();
    let year = sheet.period.is_year();
    let months = sheet.period.months().len() as u32;
    let nothing = sheet.rows.iter().all(|r| {
        r.satisfaction.whole == 0
            && r.accuracy.whole == 0
            && r.on_time.whole == 0
            && r.complaints.is_empty()
    });
    let rows = sheet
        .rows
        .iter()
        .map(|r| {
            let row = Arc::new(r.clone());
            let titles = l.titles.clone();
            let opener = move |f: Figure| {
                let (row, titles) = (row.clone(), titles.clone());
                move || drill.set(Some(drill_of(&row, f, &titles, lang)))
            };
            let aria = |what: (&str, &str)| {
                lang.s(
                    format!("查看{}的{}记录", r.name, what.0),
                    format!("Show the records of {}'s {}", r.name, what.1),
                )
            };
            let role = match r.profile {
                Some((role, true)) => lang.t(role.zh(), role.en()).to_string(),
                Some((role, false)) => lang.s(format!("{}（已停用）", role.zh()), format!("{} (deactivated)", role.en())),
                None => lang.t("不在员工名单", "not on the staff list").to_string(),
            };
            let n = r.complaints.len() as u32;
            let complaints_open = opener(Figure::Complaints);
            let rate = match r.complaint_rate().filter(|s| s.whole > 0) {
                Some(s) if n > 0 => share_cell(s, RATE_PLACES, "kpi-complaint-rate", complaints_open, aria(("客户投诉", "complaints"))).into_any(),
                Some(s) => view! {
                    <td class="num" data-testid="kpi-complaint-rate">{s.text(RATE_PLACES)}</td>
                }.into_any(),
                None => {
                    let why = if year {
                        lang.s(format!("已录入 {}/{} 个月的服务客户数", r.served_months, months), format!("customers served entered for {} of {} months", r.served_months, months))
                    } else if r.served == Some(0) {
                        lang.t("服务客户数为0", "no customers served").to_string()
                    } else {
                        lang.t("未录入服务客户数", "customers served not entered").to_string()
                    };
                    let count = (n > 0).then(|| {
                        let label = lang.s(format!("{n} 件投诉"), if n == 1 { "1 complaint".to_string() } else { format!("{n} complaints") });
                        view! { " · "<button type="button" class="count" aria-label=aria(("客户投诉", "complaints")) on:click=move |_| complaints_open()>{label}</button> }
                    });
                    view! {
                        <td class="num" data-testid="kpi-complaint-rate">"—"{count}
                            <div class="small muted">{why}</div>
                        </td>
                    }.into_any()
                }
            };
            let served = match r.served {
                Some(n) => n.to_string(),
                None if year && r.served_months > 0 => format!("— ({}/{})", r.served_months, months),
                None => "—".into(),
            };
            view! {
                <tr data-testid="kpi-row" data-staff=r.name.clone()>
                    <th scope="row">{r.name.clone()}<div class="small muted">{role}</div></th>
                    {share_cell(r.satisfaction, PLACES, "kpi-satisfaction", opener(Figure::Satisfaction), aria(("客户满意度", "customer satisfaction")))}
                    {share_cell(r.accuracy, PLACES, "kpi-accuracy", opener(Figure::Accuracy), aria(("业务解答准确率", "answer accuracy")))}
                    {share_cell(r.on_time, PLACES, "kpi-on-time", opener(Figure::OnTime), aria(("工单处理及时率", "cases handled on time")))}
                    {rate}
                    <td class="num" data-testid="kpi-served">{served}</td>
                </tr>
            }
        })
        .collect_view();
    let case_links = |cases: &[crate::domain::kpi::CaseLine]| {
        cases
            .iter()
            .map(|c| {
                let (href, no) = (format!("/complaints/{}", c.id), c.case_no.clone());
                view! { " "<A href=href>{no}</A> }
            })
            .collect_view()
    };
    let unattributed = (!sheet.unattributed.is_empty()).then(|| {
        let n = sheet.unattributed.len();
        view! {
            <p class="warn-box small" data-testid="kpi-unattributed">
                {lang.s(
                    format!("{n} 件投诉在本期超过处理时限，但尚无人提交处理意见，未计入任何员工的工单处理及时率："),
                    if n == 1 {
                        "1 complaint went past a limit in the period before anyone submitted a handling opinion; it counts for nobody's on-time rate:".to_string()
                    } else {
                        format!("{n} complaints went past a limit in the period before anyone submitted a handling opinion; they count for nobody's on-time rate:")
                    },
                )}
                {case_links(&sheet.unattributed)}
            </p>
        }
    });
    let unmatched = (!sheet.unmatched.is_empty()).then(|| {
        let items = sheet
            .unmatched
            .iter()
            .map(|(name, cases)| view! { <li>{name.clone()}{lang.t("：", ": ")}{case_links(cases)}</li> })
            .collect_view();
        view! {
            <div class="warn-box small" data-testid="kpi-unmatched">
                {lang.t(
                    "以下“涉及人员”对不上员工名单（或同名员工不止一位），未计入任何员工的客户投诉率：",
                    "These names under staff involved match no staff member (or more than one), so they count for nobody's complaint rate:",
                )}
                <ul>{items}</ul>
            </div>
        }
    });
    let unread = (l.unreadable > 0).then(|| {
        let n = l.unreadable;
        view! { <p class="err" role="alert">{lang.s(format!("有 {n} 条投诉记录无法读取，未计入"), format!("{n} complaint records could not be read and are not counted"))}</p> }
    });
    let unscored = (sheet.unscored > 0).then(|| {
        let n = sheet.unscored;
        view! { <p class="muted small">{lang.s(format!("{n} 份答卷所答的问卷版本已不存在，未计入满意度。"), format!("{n} responses answer a survey version no longer on record and are not counted."))}</p> }
    });
    let unknown = (sheet.unknown_staff > 0).then(|| {
        let n = sheet.unknown_staff;
        view! { <p class="muted small" data-testid="kpi-unknown-staff">{lang.s(
            format!("{n} 份答卷注明的员工不在员工名单中（链接有误或被改动），未计入任何人。"),
            format!("{n} responses name someone not on the staff list (a link typed wrong or altered) and count for nobody."),
        )}</p> }
    });
    view! {
        {unread}
        {if sheet.rows.is_empty() {
            view! { <p class="muted" data-testid="kpi-empty">{lang.t("尚无员工。请先在“设置 → 员工”中添加员工。", "No staff yet. Add staff under Settings → Staff first.")}</p> }.into_any()
        } else {
            view! {
                {nothing.then(|| view! {
                    <p class="muted" data-testid="kpi-empty">{lang.t(
                        "本期没有可考核的记录：没有注明员工的满意度答卷、质检评分或投诉。",
                        "Nothing to assess in this period: no survey responses naming staff, no scored calls, no complaints.",
                    )}</p>
                })}
                <div class="table-wrap">
                    <table class="kpi-table" data-testid="kpi-table">
                        <thead><tr>
                            <th>{lang.t("员工", "Staff member")}</th>
                            <th class="num">{lang.t(INDICATORS[0].0, INDICATORS[0].1)}</th>
                            <th class="num">{lang.t(INDICATORS[1].0, INDICATORS[1].1)}</th>
                            <th class="num">{lang.t(INDICATORS[2].0, INDICATORS[2].1)}</th>
                            <th class="num">{lang.t(INDICATORS[3].0, INDICATORS[3].1)}</th>
                            <th class="num">{lang.t("服务客户数", "Customers served")}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {year.then(|| view! {
            <p class="muted small" data-testid="kpi-year-note">{lang.t(
                "年度考核：各项为全年记录合计；年度服务客户数为12个月之和，有月份未录入的员工不计客户投诉率（显示“—”及已录入的月数）。",
                "Annual assessment: each figure counts the whole year's records; a year's customers served is the sum of its 12 months, and a staff member with a month not entered has no complaint rate (shown “—” with the months entered).",
            )}</p>
        })}
        {unattributed}
        {unmatched}
        {unscored}
        {unknown}
        <p class="muted small print-only">{lang.s(
            format!("统计时间：{}", sheet.as_of.layout("%Y-%m-%d %H:%M")),
            format!("As of {}", sheet.as_of.layout("%Y-%m-%d %H:%M")),
        )}</p>
    }
}

/// The sheet listing the records behind the chosen figure, if one is chosen.
#[component]
fn DrillSheet(drill: RwSignal<Option<KpiDrill>>) -> impl IntoView {
    move || {
        drill
            .get()
            .map(|d| view! { <DrillPanel drill=d on_close=move || drill.set(None)/> })
    }
}

#[component]
fn DrillPanel(
    drill: KpiDrill,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = app().lang;
    let node = NodeRef::<leptos::html::Aside>::new();
    keyboard_dialog(
        move || node.get().map(Into::into),
        false,
        Callback::new(move |_| on_close()),
    );
    let total = drill.lines.len();
    let lines = drill
        .lines
        .into_iter()
        .map(|x| {
            let what = match x.href {
                Some(h) => view! { <A href=h>{x.what}</A> }.into_any(),
                None => x.what.into_any(),
            };
            let (class, zh, en) = match x.hit {
                Some(true) => ("badge ok", "✓", "✓"),
                Some(false) => ("badge bad", "✗", "✗"),
                None => ("", "", ""),
            };
            view! {
                <tr data-testid="kpi-drill-row">
                    <td class="nowrap">{x.when}</td>
                    <td>{what}</td>
                    <td><span class=class>{move || lang.get().t(zh, en)}</span>" "{x.note}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <aside class="drill-sheet no-print" role="dialog" aria-modal="false" aria-labelledby="kpi-drill-h"
            data-testid="kpi-drill" node_ref=node>
            <div class="spread">
                <h2 id="kpi-drill-h" tabindex="-1" data-autofocus="">{drill.title}</h2>
                <button type="button" on:click=move |_| on_close() data-testid="kpi-drill-close">
                    {t2("关闭", "Close")}
                </button>
            </div>
            <p class="muted small">{move || lang.get().s(format!("共 {total} 条记录"), format!("{total} records"))}</p>
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <th>{t2("时间", "When")}</th>
                        <th>{t2("记录", "Record")}</th>
                        <th>{t2("计入", "Counted")}</th>
                    </tr></thead>
                    <tbody>{lines}</tbody>
                </table>
            </div>
        </aside>
    }
}
