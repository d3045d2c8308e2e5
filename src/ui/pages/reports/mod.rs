//! reports: the monthly complaint report, the quarterly analysis, retention and the staff KPI
//! sheet, one page at /reports with its view in the query string (`?view=monthly&month=2026-11`,
//! `?view=quarterly&q=2026Q4`, `?view=retention`, `?view=kpi&period=2026-11` or `period=2026`).
//! The KPI sheet ([`KpiPage`]) is not in the reports' part of the wasm but in the service
//! quality's (`ui::kpi_sheet`, `ui::ReportsRoute`): with the reports it made their page too
//! large. Retention and destruction ([`RetentionPage`]) are in a part of their own
//! (`ui::retention_page`) for the same reason: the reports' page was the largest to open, at the
//! 700 KB budget's edge. The three share the tabs ([`ReportTabs`]).

mod drill;
mod kpi;
mod labels;
mod monthly;
mod quarterly;
mod retention;
mod stream;

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::ui::i18n::t2;

pub use kpi::KpiPage;

/// `/reports?view=retention`: the cases past their retention and their destruction, from
/// their own part of the wasm (`ui::ReportsRoute`).
#[component]
pub fn RetentionPage() -> impl IntoView {
    view! {
        <div class="reports">
            <h1>{t2("报表", "Reports")}</h1>
            <ReportTabs shown="retention"/>
            <retention::RetentionView/>
        </div>
    }
}

/// Which report the page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ReportView {
    Monthly,
    Quarterly,
    Retention,
}

impl ReportView {
    fn parse(s: Option<&str>) -> ReportView {
        match s {
            Some("quarterly") => ReportView::Quarterly,
            Some("retention") => ReportView::Retention,
            _ => ReportView::Monthly,
        }
    }
}

/// `2026-11` → (2026, 11).
fn parse_month(s: &str) -> Option<(i32, u32)> {
    let (y, m) = s.trim().split_once('-')?;
    let (y, m) = (y.parse().ok()?, m.parse().ok()?);
    NaiveDate::from_ymd_opt(y, m, 1).map(|_| (y, m))
}

/// `2026Q4` → (2026, 4).
fn parse_quarter(s: &str) -> Option<(i32, u32)> {
    let s = s.trim().to_ascii_uppercase();
    let (y, q) = s.split_once('Q')?;
    let (y, q): (i32, u32) = (y.parse().ok()?, q.parse().ok()?);
    ((1..=4).contains(&q) && (1000..=9999).contains(&y)).then_some((y, q))
}

/// The month before `today`'s: the one due for reporting, and the last complete one.
fn last_month(today: NaiveDate) -> (i32, u32) {
    if today.month() == 1 {
        (today.year() - 1, 12)
    } else {
        (today.year(), today.month() - 1)
    }
}

/// The quarter before `today`'s: the last complete one, due for its analysis (002: 每季度分析),
/// as the monthly report opens on the month due.
fn last_quarter(today: NaiveDate) -> (i32, u32) {
    match (today.month() - 1) / 3 + 1 {
        1 => (today.year() - 1, 4),
        q => (today.year(), q - 1),
    }
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let query = use_query_map();
    let view = Memo::new(move |_| ReportView::parse(query.read().get("view").as_deref()));
    // Without one in the address, the month and quarter follow the date: a page left open
    // over a month's end shows the month now due.
    let today = crate::ui::state::app().today;
    let month = Memo::new(move |_| {
        query
            .read()
            .get("month")
            .and_then(|m| parse_month(&m))
            .unwrap_or_else(|| last_month(today.get()))
    });
    let quarter = Memo::new(move |_| {
        query
            .read()
            .get("q")
            .and_then(|q| parse_quarter(&q))
            .unwrap_or_else(|| last_quarter(today.get()))
    });
    // A month or quarter in the address that is not one (typed, or a link cut short): said,
    // with what is shown instead, rather than another period shown as if asked for.
    let unread = move || {
        let (key, example) = match view.get() {
            ReportView::Monthly => ("month", "2026-11"),
            ReportView::Quarterly => ("q", "2026Q4"),
            ReportView::Retention => return None,
        };
        let given = query.read().get(key)?;
        let read = match key {
            "month" => parse_month(&given).is_some(),
            _ => parse_quarter(&given).is_some(),
        };
        (!read).then(|| unread_words(&given, example))
    };
    let shown = Signal::derive(move || match view.get() {
        ReportView::Monthly => "monthly",
        ReportView::Quarterly => "quarterly",
        ReportView::Retention => "retention",
    });
    view! {
        <div class="reports">
            <h1>{t2("报表", "Reports")}</h1>
            <ReportTabs shown=shown/>
            <UnreadPeriod text=Signal::derive(unread)/>
            {move || match view.get() {
                ReportView::Monthly => view! { <monthly::MonthlyView month=month/> }.into_any(),
                ReportView::Quarterly => view! { <quarterly::QuarterlyView quarter=quarter/> }.into_any(),
                // Shown by `RetentionPage`, from its own part (`ui::ReportsRoute`).
                ReportView::Retention => ().into_any(),
            }}
        </div>
    }
}

/// What a period in the address that is not one says (tracked: in the language of the moment).
pub(super) fn unread_words(given: &str, example: &str) -> String {
    crate::ui::state::app().lang.get().s(
        format!("地址中的期间“{given}”无法识别（应为 {example} 这样的格式），以下为默认期间。"),
        format!("The period “{given}” in the address cannot be read (it should look like {example}); the default period is shown below."),
    )
}

/// The words of [`unread_words`], when there are any, over the report.
#[component]
pub(super) fn UnreadPeriod(#[prop(into)] text: Signal<Option<String>>) -> impl IntoView {
    move || {
        text.get().map(|t| {
            view! { <p class="warn-box" role="status" data-testid="report-unread-period">{t}</p> }
        })
    }
}

/// The reports' tabs, the one `shown` (its `view`: monthly, quarterly, retention, kpi) marked.
#[component]
fn ReportTabs(#[prop(into)] shown: Signal<&'static str>) -> impl IntoView {
    let tabs: [(&str, &str, &str); 4] = [
        ("monthly", "月度报告", "Monthly report"),
        ("quarterly", "季度分析", "Quarterly analysis"),
        ("retention", "档案保管与销毁", "Retention and destruction"),
        ("kpi", "员工考核", "Staff KPIs"),
    ];
    let lang = crate::ui::state::app().lang;
    view! {
        <nav class="report-tabs no-print" aria-label=t2("报表类型", "Report type")>
            {tabs.into_iter().map(|(v, zh, en)| view! {
                <a href=format!("/reports?view={v}") data-testid=format!("tab-{v}")
                    class=move || if shown.get() == v { "tab current" } else { "tab" }
                    aria-current=move || (shown.get() == v).then_some("page")>
                    {move || lang.get().t(zh, en)}
                </a>
            }).collect_view()}
        </nav>
    }
}

/// Hands a report's CSV (as the domain wrote it) to the browser as the file `name`, and says
/// so (`done`: Chinese, English) or why it failed.
fn save_csv(made: Result<Vec<u8>, csv::Error>, name: &str, done: (String, String)) {
    let state = crate::ui::state::app();
    match made {
        Ok(bytes) => {
            // The domain writes UTF-8 with a BOM; the BOM survives as U+FEFF.
            let text = String::from_utf8_lossy(&bytes).into_owned();
            crate::ui::platform::download(name, "text/csv;charset=utf-8", &text);
            state.tell(done.0, done.1);
        }
        Err(e) => state.warn(
            state
                .lang
                .get_untracked()
                .s(format!("导出失败：{e}"), format!("Export failed: {e}")),
        ),
    }
}

/// On paper only, under a report's heading: when it was printed (its figures are those of that
/// moment). Set as the page opens and again as printing starts, by the button or the browser.
#[component]
fn PrintedAt() -> impl IntoView {
    let stamp = || {
        crate::ui::platform::now()
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let at = RwSignal::new(stamp());
    let printing = window_event_listener_untyped("beforeprint", move |_| at.set(stamp()));
    on_cleanup(move || printing.remove());
    let lang = crate::ui::state::app().lang;
    view! {
        <div class="print-only small" data-testid="printed-at">
            {move || lang.get().s(format!("打印时间：{}", at.get()), format!("Printed {}", at.get()))}
        </div>
    }
}

/// A report's Print and Export CSV buttons, enabled once `ready` (its figures are in).
fn print_and_export(
    ready: impl Fn() -> bool + Copy + Send + Sync + 'static,
    on_export: impl FnMut(leptos::ev::MouseEvent) + 'static,
) -> impl IntoView {
    view! {
        <div class="row">
            <button type="button" on:click=move |_| { let _ = crate::ui::platform::window().print(); }
                disabled=move || !ready() data-testid="print">{t2("打印", "Print")}</button>
            <button type="button" class="primary" on:click=on_export
                disabled=move || !ready() data-testid="export-csv">{t2("导出 CSV", "Export CSV")}</button>
        </div>
    }
}
