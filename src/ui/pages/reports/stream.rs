//! reports/stream: the complaints of a period for the reports. The monthly and quarterly
//! figures read each case's report facts at once from the store's summaries; the retention
//! list pages through whole cases from an index, one page at a time, with a progress bar for
//! long runs, so they never sit in memory all at once and the page stays responsive.

use crate::domain::datefmt::Layout;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use leptos::prelude::*;

use crate::domain::calendar::{
    month_start as first_day, next_month, quarter_first_month, WorkingCalendar,
};
use crate::domain::complaint::Complaint;
use crate::domain::report::CaseFacts;
use crate::store::{typed, DocStore, IndexKey, KeyPart, KeyRange, Query};
use crate::ui::platform::{now_millis, yield_now};
use crate::ui::state::{app, store, AppStore};

/// Complaints by time received (see `store::schema`).
pub const RECEIVED_INDEX: &str = "complaint_by_received_at";
/// Archived, not destroyed complaints by time archived.
pub const ARCHIVED_INDEX: &str = "complaint_by_archived_at";

/// Documents read per page.
const PAGE: usize = 500;
/// Work shorter than this shows no progress bar.
const QUIET_MS: u64 = 400;

/// A time as the index holds it: the complaint's serialized `NaiveDateTime`.
fn key_at(t: NaiveDateTime) -> IndexKey {
    IndexKey(vec![KeyPart::Str(t.layout("%Y-%m-%dT%H:%M:%S"))])
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::MIN)
}

/// Keys from the start of `from` up to, not including, the start of `to`.
pub fn day_range(from: NaiveDate, to: NaiveDate) -> KeyRange {
    KeyRange {
        lower: Some(key_at(midnight(from))),
        upper: Some(key_at(midnight(to))),
        lower_open: false,
        upper_open: true,
    }
}

/// Complaints received in a month.
pub fn month_range(year: i32, month: u32) -> KeyRange {
    let (ny, nm) = next_month(year, month);
    day_range(first_day(year, month), first_day(ny, nm))
}

/// Complaints received in a quarter (1..=4).
pub fn quarter_range(year: i32, quarter: u32) -> KeyRange {
    let first = quarter_first_month(quarter);
    let (ny, nm) = next_month(year, first + 2);
    day_range(first_day(year, first), first_day(ny, nm))
}

/// Records archived before the start of `to`.
pub fn archived_before(to: NaiveDate) -> KeyRange {
    KeyRange {
        upper: Some(key_at(midnight(to))),
        upper_open: true,
        ..KeyRange::default()
    }
}

/// The summary holding each complaint's report facts, by time received (see `store::schema`).
pub const FACTS_SUMMARY: &str = "complaint_facts";

/// The report facts of every complaint received in `range`, read at once from the store's
/// summaries (not the cases themselves: a month of 100,000 cases reads in well under a
/// second), and how many complaints of the range have none (unreadable records).
pub async fn received_facts(
    s: &AppStore,
    zh: bool,
    range: KeyRange,
) -> Result<(Vec<CaseFacts>, usize), String> {
    let facts: Vec<CaseFacts> = typed::summaries_of::<CaseFacts, _>(s, FACTS_SUMMARY, &range)
        .await
        .map_err(|e| e.message(zh))?
        .into_iter()
        .filter_map(|(id, facts)| facts.map(|f| f.with_id(id)))
        .collect();
    let indexed = s
        .count(RECEIVED_INDEX, &range)
        .await
        .map_err(|e| e.message(zh))? as usize;
    let unreadable = indexed.saturating_sub(facts.len());
    Ok((facts, unreadable))
}

/// Reads every complaint of `range` in `index`, a page at a time, handing each page to
/// `each`. Shows progress in `progress` once the run takes longer than a moment. Returns
/// how many could not be read, or `Ok(None)` as soon as `wanted` turns false (a newer run
/// replaced this one). The store and
/// the language are taken before the task starts (no reactive owner inside tasks).
#[allow(clippy::too_many_arguments)]
pub async fn stream_complaints(
    s: &AppStore,
    zh: bool,
    index: &str,
    range: KeyRange,
    progress: RwSignal<Option<(usize, usize)>>,
    wanted: impl Fn() -> bool,
    mut each: impl FnMut(&[Complaint]),
) -> Result<Option<usize>, String> {
    let started = now_millis();
    let total = s.count(index, &range).await.map_err(|e| e.message(zh))? as usize;
    let mut done = 0usize;
    let mut unreadable = 0usize;
    let mut after = None;
    loop {
        if !wanted() {
            return Ok(None);
        }
        let q = Query::new(index, range.clone()).limit(PAGE).after(after);
        let page = typed::page_of::<Complaint, _>(s, &q)
            .await
            .map_err(|e| e.message(zh))?;
        done += page.rows.len() + page.corrupt.len();
        each(&page.rows);
        unreadable += page.corrupt.len();
        if now_millis().saturating_sub(started) > QUIET_MS && wanted() {
            progress.set(Some((done, total.max(done))));
        }
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
        // Let the browser paint the progress and stay responsive between pages.
        yield_now().await;
    }
    if wanted() {
        progress.set(None);
    }
    Ok(Some(unreadable))
}

/// The report of one period (`(year, month)` or `(year, quarter)`), built by `build` and built
/// again when the period, the data or the calendar changes. A run that a newer one replaced
/// stops early: the `wanted` it is given turns false.
pub fn period_report<T, F, Fut>(
    period: Memo<(i32, u32)>,
    progress: RwSignal<Option<(usize, usize)>>,
    build: F,
) -> LocalResource<T>
where
    T: 'static,
    F: Fn(
            AppStore,
            bool,
            i32,
            u32,
            WorkingCalendar,
            RwSignal<Option<(usize, usize)>>,
            Box<dyn Fn() -> bool>,
        ) -> Fut
        + Copy
        + 'static,
    Fut: std::future::Future<Output = T> + 'static,
{
    let state = app();
    let generation = StoredValue::new(0u64);
    LocalResource::new(move || {
        let (year, part) = period.get();
        state.changes.track();
        let calendar = state.calendar.get();
        let run = generation.get_value() + 1;
        generation.set_value(run);
        let wanted = move || generation.try_get_value() == Some(run);
        build(
            store(),
            state.zh(),
            year,
            part,
            calendar,
            progress,
            Box::new(wanted),
        )
    })
}
