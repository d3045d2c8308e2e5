//! kpi: the per-staff KPI sheet (员工考核) of source 001 二(三) — 客户满意度、客户投诉率、
//! 业务解答准确率、工单处理及时率, for a month (月度考核) or a year (年度考核) — worked out
//! from the period's survey responses, call reviews and complaints and from the customers each
//! staff member served, which a supervisor or manager types for each month ([`ServedCounts`]:
//! the app records no such number). Also the sheet's CSV.
//!
//! Every indicator is a share with the records behind it, `None` (shown "—") when there is
//! nothing to divide by, and each reuses the rule the app already has for it: CSAT from
//! `stats::response_csat`, the monthly report's verdict on a case (`report::LimitVerdict`),
//! the scorecard's own items (`quality::ANSWER_ACCURACY_KEYS`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::calendar::{month_start as first_of, next_month, WorkingCalendar};
use super::complaint::{due_at, ActionKind, ClockKind, Complaint, StaffRef};
use super::quality::{accuracy_deductions, CallReview};
use super::report::{report_writer, writer_after, CaseFacts, LimitVerdict};
use super::settings::Language;
use super::spreadsheet::safe_cell;
use super::staff::{Role, Staff};
use super::stats::response_csat;
use super::survey::{Survey, SurveyResponse};
use super::Record;

// ───────────────────────────── the period ─────────────────────────────

/// What the sheet assesses: a month (月度考核) or a calendar year (年度考核).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KpiPeriod {
    Month(i32, u32),
    Year(i32),
}

impl KpiPeriod {
    /// `2026-11` (a month) or `2026` (a year), as the page's address writes it; None for
    /// anything else.
    pub fn parse(s: &str) -> Option<KpiPeriod> {
        let s = s.trim();
        let year = |y: &str| y.parse::<i32>().ok().filter(|y| (1000..=9999).contains(y));
        match s.split_once('-') {
            Some((y, m)) => {
                let (y, m) = (year(y)?, m.parse::<u32>().ok()?);
                NaiveDate::from_ymd_opt(y, m, 1).map(|_| KpiPeriod::Month(y, m))
            }
            None => year(s).map(KpiPeriod::Year),
        }
    }

    /// As the address writes it: `2026-11`, `2026`.
    pub fn key(self) -> String {
        match self {
            KpiPeriod::Month(y, m) => format!("{y}-{m:02}"),
            KpiPeriod::Year(y) => format!("{y}"),
        }
    }

    pub fn is_year(self) -> bool {
        matches!(self, KpiPeriod::Year(_))
    }

    pub fn first_day(self) -> NaiveDate {
        match self {
            KpiPeriod::Month(y, m) => first_of(y, m),
            KpiPeriod::Year(y) => first_of(y, 1),
        }
    }

    /// The day after the period.
    pub fn end(self) -> NaiveDate {
        match self {
            KpiPeriod::Month(y, m) => {
                let (y, m) = next_month(y, m);
                first_of(y, m)
            }
            KpiPeriod::Year(y) => first_of(y + 1, 1),
        }
    }

    pub fn contains(self, t: NaiveDateTime) -> bool {
        (self.first_day()..self.end()).contains(&t.date())
    }

    /// Its months, in order.
    pub fn months(self) -> Vec<(i32, u32)> {
        match self {
            KpiPeriod::Month(y, m) => vec![(y, m)],
            KpiPeriod::Year(y) => (1..=12).map(|m| (y, m)).collect(),
        }
    }

    /// The period before (a month before a month, a year before a year).
    pub fn previous(self) -> KpiPeriod {
        match self {
            KpiPeriod::Month(y, 1) => KpiPeriod::Month(y - 1, 12),
            KpiPeriod::Month(y, m) => KpiPeriod::Month(y, m - 1),
            KpiPeriod::Year(y) => KpiPeriod::Year(y - 1),
        }
    }

    pub fn following(self) -> KpiPeriod {
        match self {
            KpiPeriod::Month(y, m) => {
                let (y, m) = next_month(y, m);
                KpiPeriod::Month(y, m)
            }
            KpiPeriod::Year(y) => KpiPeriod::Year(y + 1),
        }
    }

    /// The first day a complaint could have been received and still have its on-time verdict
    /// reached in the period: a verdict is reached by the response limit at the latest (4
    /// working days, the later of the two), so a case whose response limit ended before the
    /// period began was decided before it. Counted on `calendar`, as the limits are.
    pub fn earliest_receipt(self, calendar: &WorkingCalendar) -> NaiveDate {
        let start = self.first_day();
        let begins = start.and_time(NaiveTime::MIN);
        let mut d = start;
        // A year back at most: no calendar goes a year without four working days.
        for _ in 0..366 {
            let Some(before) = d.pred_opt() else {
                break;
            };
            if due_at(
                ClockKind::Response,
                before.and_time(NaiveTime::MIN),
                calendar,
            ) < begins
            {
                break;
            }
            d = before;
        }
        d
    }
}

// ───────────────────────────── figures ─────────────────────────────

/// `part` of `whole`: an indicator with its numerator and denominator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Share {
    pub part: u32,
    pub whole: u32,
}

impl Share {
    /// The share (0–1); None when there is nothing to divide by.
    pub fn value(self) -> Option<f64> {
        (self.whole > 0).then(|| f64::from(self.part) / f64::from(self.whole))
    }

    /// As a percentage with `places` decimals, e.g. `92.3 %`; None when the whole is 0.
    pub fn percent(self, places: usize) -> Option<String> {
        self.value()
            .map(|v| format!("{} %", super::stats::percent_text(v * 100.0, places)))
    }

    /// As the sheet shows it: `92.3 % (12/13)`, or `—` when the whole is 0.
    pub fn text(self, places: usize) -> String {
        match self.percent(places) {
            Some(p) => format!("{p} ({}/{})", self.part, self.whole),
            None => "—".into(),
        }
    }

    fn count(&mut self, hit: bool) {
        self.add(u32::from(hit), 1);
    }

    fn add(&mut self, part: u32, whole: u32) {
        self.part += part;
        self.whole += whole;
    }
}

/// Decimals of each share as shown: one, and three for the complaint rate, which is small:
/// source 003 sets the phone service's below one in ten thousand (低于万分之一, 0.010 %), and a
/// complaint in 30,000 customers (0.003 %) must not read as none.
pub const PLACES: usize = 1;
pub const RATE_PLACES: usize = 3;

/// A survey response behind a staff member's satisfaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseLine {
    pub id: String,
    pub survey_id: String,
    pub submitted_at: NaiveDateTime,
    /// Its CSAT answers: of 4 or 5, of 1–5 (`stats::response_csat`).
    pub satisfied: u32,
    pub answered: u32,
    /// Filled in by staff for the customer (员工代填): by whom, when recorded. Named beside the
    /// answer, as a colleague's answers counted for someone, and nobody said so (QA, 001
    /// 二(三): the month's figures decide the bonus).
    pub filled_in: Option<Option<String>>,
}

/// A call review behind a staff member's answer accuracy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewLine {
    pub id: String,
    pub call_at: NaiveDateTime,
    pub call_ref: String,
    pub score_halves: u32,
    /// The accuracy items taken off ([`accuracy_deductions`]); none: answered accurately.
    pub taken_off: Vec<&'static str>,
}

/// A complaint behind a figure.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CaseLine {
    pub received_at: NaiveDateTime,
    pub case_no: String,
    pub id: String,
}

impl CaseLine {
    fn of(c: &Complaint) -> CaseLine {
        CaseLine {
            received_at: c.received_at,
            case_no: c.case_no.clone(),
            id: c.id.clone(),
        }
    }
}

/// A case handled, with the monthly report's verdict on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandledCase {
    pub case: CaseLine,
    pub on_time: bool,
    /// When the verdict was reached ([`LimitVerdict::decided_at`]).
    pub decided_at: NaiveDateTime,
}

/// One staff member's line of the sheet.
#[derive(Clone, Debug, PartialEq)]
pub struct StaffKpi {
    pub staff_id: String,
    pub name: String,
    /// Their role and whether active, from the staff list; None for someone only records
    /// name (removed from the list, or from another branch's device).
    pub profile: Option<(Role, bool)>,
    /// 客户满意度: CSAT answers of 4–5 of the answers of 1–5 in the responses naming them.
    pub satisfaction: Share,
    pub responses: Vec<ResponseLine>,
    /// 业务解答准确率: reviewed calls answered accurately of the calls reviewed.
    pub accuracy: Share,
    pub reviews: Vec<ReviewLine>,
    /// 工单处理及时率: cases handled on time of the cases handled whose verdict came in the
    /// period.
    pub on_time: Share,
    pub handled: Vec<HandledCase>,
    /// Complaints received in the period naming them in 涉及人员.
    pub complaints: Vec<CaseLine>,
    /// Customers served in the period (服务客户数); for a year, the sum of its months, and None
    /// unless every month has a figure.
    pub served: Option<u32>,
    /// How many months of the period have a figure for them.
    pub served_months: u32,
}

impl StaffKpi {
    fn new(staff_id: &str, name: &str, profile: Option<(Role, bool)>) -> StaffKpi {
        StaffKpi {
            staff_id: staff_id.to_string(),
            name: name.to_string(),
            profile,
            satisfaction: Share::default(),
            responses: Vec::new(),
            accuracy: Share::default(),
            reviews: Vec::new(),
            on_time: Share::default(),
            handled: Vec::new(),
            complaints: Vec::new(),
            served: None,
            served_months: 0,
        }
    }

    /// 客户投诉率: complaints naming them per customer served; None without a served count.
    pub fn complaint_rate(&self) -> Option<Share> {
        self.served.map(|served| Share {
            part: self.complaints.len() as u32,
            whole: served,
        })
    }
}

/// The sheet of one period.
#[derive(Clone, Debug, PartialEq)]
pub struct KpiSheet {
    pub period: KpiPeriod,
    /// When it was worked out (a case still within its limits is not decided yet).
    pub as_of: NaiveDateTime,
    /// Every active staff member, and anyone else with a record in the period, by name.
    pub rows: Vec<StaffKpi>,
    /// Cases whose verdict came in the period with nobody to attribute them to: past a limit
    /// before anyone submitted a handling opinion.
    pub unattributed: Vec<CaseLine>,
    /// Names in 涉及人员 of the period's complaints that are no staff member's, or more than
    /// one's: the name as typed and its cases. Counted for nobody.
    pub unmatched: Vec<(String, Vec<CaseLine>)>,
    /// Responses naming a staff member to a survey version no longer on record: not scored.
    pub unscored: u32,
    /// Responses naming an id that is no staff member's (a link typed wrong or altered by
    /// hand): counted for nobody.
    pub unknown_staff: u32,
}

// ───────────────────────────── attribution ─────────────────────────────

/// Who handled a case, for the on-time rate: whoever first submitted its handling opinion
/// (the history), or, in a record without that entry, the first round's author of the opinion
/// (`Round::submitted_by`).
///
/// The app has no other notion of a case's handler: nobody is assigned a case, and the
/// response, the visit and the approvals may each be another person's. The opinion's author
/// is the one who investigated and drafted it (调查核实并拟订处理意见, the 3-working-day limit,
/// source 002 第四章). The first submission, not a later one: the limits are the case's,
/// counted from its first receipt and met by its first opinion and first response
/// (`complaint::met_at`), so the verdict judges that handling. Someone who submits an opinion
/// sent back (退回) again, or takes a reopened case over in a later round, is not given, or
/// blamed for, a verdict on work done before them; the case counts once.
pub fn handler_of(c: &Complaint) -> Option<StaffRef> {
    c.history
        .iter()
        .filter(|e| e.action == ActionKind::SubmitOpinion)
        .min_by_key(|e| e.at)
        .map(|e| e.by.clone())
        .or_else(|| c.rounds.first().and_then(|r| r.submitted_by.clone()))
}

/// A name as the monthly and quarterly reports group and show it: without a note in brackets
/// after it, and without spaces in a Chinese name ("李 强" and "李强（柜台）" are 李强; a Latin
/// name's spaces single), as typed otherwise. For a Chinese name, the person [`person_key`]
/// finds, so the reports and the staff sheet count one person alike.
pub fn person_label(s: &str) -> String {
    let s = s.trim();
    let s = match s.strip_suffix([')', '）']) {
        Some(head) => match head.rfind(['(', '（']) {
            Some(i) if i > 0 => &head[..i],
            _ => s,
        },
        None => s,
    };
    if s.is_ascii() {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }
}

/// A name as compared with the staff list: full-width letters, digits and brackets as ASCII,
/// without spaces, in lower case, and without a note in brackets after it ("李四（柜台）" is
/// 李四's): 涉及人员 is typed freely at intake.
pub fn person_key(s: &str) -> String {
    let mut key: String = s
        .chars()
        .map(super::customer::half_width_char)
        .filter(|c| !c.is_whitespace() && !super::staff::invisible(*c))
        .flat_map(char::to_lowercase)
        .collect();
    if key.ends_with(')') {
        if let Some(i) = key.rfind('(').filter(|i| *i > 0) {
            key.truncate(i);
        }
    }
    key
}

/// The staff list as the sheet matches names against it.
struct Roster {
    profiles: BTreeMap<String, (String, Role, bool)>,
    /// Name keys ([`person_key`]) → the ids of the staff of that name.
    by_name: BTreeMap<String, Vec<String>>,
}

impl Roster {
    fn new(staff: &[Staff]) -> Roster {
        let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for s in staff {
            by_name
                .entry(person_key(&s.name))
                .or_default()
                .push(s.id.clone());
        }
        Roster {
            profiles: staff
                .iter()
                .map(|s| (s.id.clone(), (s.name.clone(), s.role, s.active)))
                .collect(),
            by_name,
        }
    }

    /// The staff member an entry of 涉及人员 names: their id as written, or a name only one
    /// staff member has (active or not). None: nobody's, or more than one person's.
    fn named(&self, entry: &str) -> Option<&str> {
        let entry = entry.trim();
        if let Some((id, _)) = self.profiles.get_key_value(entry) {
            return Some(id);
        }
        match self.by_name.get(&person_key(entry)).map(Vec::as_slice) {
            Some([only]) => Some(only),
            _ => None,
        }
    }
}

// ───────────────────────────── building the sheet ─────────────────────────────

/// Folds a period's records into its sheet, one at a time (the complaints are read a page at
/// a time). Records outside the period are skipped, so a caller may hand in more.
pub struct KpiBuilder {
    period: KpiPeriod,
    calendar: WorkingCalendar,
    now: NaiveDateTime,
    roster: Roster,
    rows: BTreeMap<String, StaffKpi>,
    unattributed: Vec<CaseLine>,
    unmatched: BTreeMap<String, Vec<CaseLine>>,
    unscored: u32,
    unknown_staff: u32,
    /// Each month's served counts, by month.
    served: BTreeMap<(i32, u32), BTreeMap<String, u32>>,
}

impl KpiBuilder {
    /// `staff`: the whole staff list, active or not.
    pub fn new(
        period: KpiPeriod,
        staff: &[Staff],
        calendar: WorkingCalendar,
        now: NaiveDateTime,
    ) -> KpiBuilder {
        KpiBuilder {
            period,
            calendar,
            now,
            roster: Roster::new(staff),
            rows: BTreeMap::new(),
            unattributed: Vec::new(),
            unmatched: BTreeMap::new(),
            unscored: 0,
            unknown_staff: 0,
            served: BTreeMap::new(),
        }
    }

    /// The row of `id`, made on first use; `name` names someone not on the staff list.
    fn row(&mut self, id: &str, name: &str) -> &mut StaffKpi {
        let roster = &self.roster;
        self.rows
            .entry(id.to_string())
            .or_insert_with(|| match roster.profiles.get(id) {
                Some((name, role, active)) => StaffKpi::new(id, name, Some((*role, *active))),
                None if name.trim().is_empty() => StaffKpi::new(id, id, None),
                None => StaffKpi::new(id, name, None),
            })
    }

    /// A complaint: counted against the staff it names if received in the period, and for
    /// its handler ([`handler_of`]) if its verdict on the two limits came in the period
    /// (decided: on time once both were met, late once one was broken; see
    /// [`LimitVerdict::decided_at`]).
    pub fn add_complaint(&mut self, c: &Complaint) {
        if self.period.contains(c.received_at) {
            let mut named: BTreeSet<&str> = BTreeSet::new();
            for entry in c.staff_involved.iter().filter(|e| !e.trim().is_empty()) {
                match self.roster.named(entry) {
                    Some(id) => {
                        named.insert(id);
                    }
                    None => self
                        .unmatched
                        .entry(entry.trim().to_string())
                        .or_default()
                        .push(CaseLine::of(c)),
                }
            }
            let named: Vec<String> = named.into_iter().map(str::to_string).collect();
            for id in named {
                self.row(&id, "").complaints.push(CaseLine::of(c));
            }
        }
        let verdict = LimitVerdict::of(&CaseFacts::of(c), &self.calendar, self.now);
        let (Some(on_time), Some(decided_at)) = (verdict.on_time(), verdict.decided_at()) else {
            return;
        };
        if !self.period.contains(decided_at) {
            return;
        }
        match handler_of(c) {
            Some(by) => {
                let row = self.row(&by.id, &by.name);
                row.on_time.count(on_time);
                row.handled.push(HandledCase {
                    case: CaseLine::of(c),
                    on_time,
                    decided_at,
                });
            }
            None => self.unattributed.push(CaseLine::of(c)),
        }
    }

    /// A call review of the period, unless withdrawn.
    pub fn add_review(&mut self, r: &CallReview) {
        if r.withdrawn.is_some() || !self.period.contains(r.call_at) {
            return;
        }
        let taken_off = accuracy_deductions(r);
        let row = self.row(&r.staff_id, &r.staff_name);
        row.accuracy.count(taken_off.is_empty());
        row.reviews.push(ReviewLine {
            id: r.id.clone(),
            call_at: r.call_at,
            call_ref: r.call_ref.clone(),
            score_halves: r.score_halves(),
            taken_off,
        });
    }

    /// A survey response of the period naming a staff member (`SurveyResponse::staff_id`),
    /// complete (as the survey results count by default), with `survey` the definition at
    /// the response's version (`Survey::at_version`; None when it is not on record).
    pub fn add_response(&mut self, survey: Option<&Survey>, r: &SurveyResponse) {
        let Some(staff_id) = r.staff_id.as_deref().filter(|s| !s.trim().is_empty()) else {
            return;
        };
        if !r.complete || !self.period.contains(r.submitted_at) {
            return;
        }
        if !self.roster.profiles.contains_key(staff_id) {
            self.unknown_staff += 1;
            return;
        }
        let Some(survey) = survey else {
            self.unscored += 1;
            return;
        };
        let (satisfied, answered) = response_csat(survey, r);
        if answered == 0 {
            return;
        }
        let row = self.row(staff_id, "");
        row.satisfaction.add(satisfied, answered);
        row.responses.push(ResponseLine {
            id: r.id.clone(),
            survey_id: r.survey_id.clone(),
            submitted_at: r.submitted_at,
            satisfied,
            answered,
            filled_in: (r.channel == super::survey::Channel::Staff)
                .then(|| r.entered_by.as_ref().map(|s| s.name.clone())),
        });
    }

    /// A month's served counts (those of months outside the period are skipped).
    pub fn add_served(&mut self, s: &ServedCounts) {
        let month = (s.month.year(), s.month.month());
        if self.period.months().contains(&month) {
            self.served.insert(month, s.counts.clone());
        }
    }

    pub fn finish(mut self) -> KpiSheet {
        let active: Vec<(String, String)> = self
            .roster
            .profiles
            .iter()
            .filter(|(_, (_, _, active))| *active)
            .map(|(id, (name, _, _))| (id.clone(), name.clone()))
            .collect();
        for (id, name) in active {
            self.row(&id, &name);
        }
        let months = self.period.months();
        let served = self.served;
        let mut rows: Vec<StaffKpi> = self
            .rows
            .into_values()
            .map(|mut row| {
                let figures: Vec<u32> = served
                    .values()
                    .filter_map(|m| m.get(&row.staff_id).copied())
                    .collect();
                row.served_months = figures.len() as u32;
                row.served = (figures.len() == months.len())
                    .then(|| figures.iter().fold(0u32, |a, n| a.saturating_add(*n)));
                row.responses
                    .sort_by(|a, b| (a.submitted_at, &a.id).cmp(&(b.submitted_at, &b.id)));
                row.reviews
                    .sort_by(|a, b| (a.call_at, &a.id).cmp(&(b.call_at, &b.id)));
                row.handled.sort_by(|a, b| a.case.cmp(&b.case));
                row.complaints.sort();
                row
            })
            .collect();
        super::sort::sort_by(&mut rows, |a, b| {
            a.name.cmp(&b.name).then(a.staff_id.cmp(&b.staff_id))
        });
        self.unattributed.sort();
        KpiSheet {
            period: self.period,
            as_of: self.now,
            rows,
            unattributed: self.unattributed,
            unmatched: self
                .unmatched
                .into_iter()
                .map(|(name, mut cases)| {
                    cases.sort();
                    (name, cases)
                })
                .collect(),
            unscored: self.unscored,
            unknown_staff: self.unknown_staff,
        }
    }
}

// ───────────────────────────── customers served ─────────────────────────────

/// How many customers each staff member served in a month (服务客户数), the denominator of the
/// complaint rate: the app does not record it, so a supervisor or manager types it on the
/// KPI sheet, as they enter the call centre's monthly figures (`quality::CallStats`, and the
/// same rule, `quality::may_score`). One record per month, its id naming the month, so two
/// devices entering the same month meet as one record; a correction is saved over the
/// revision it was typed on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServedCounts {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    /// The month's first day.
    pub month: NaiveDate,
    /// Staff id → customers served that month. A staff member not in it has no figure.
    pub counts: BTreeMap<String, u32>,
    pub entered_by: String,
    pub entered_at: NaiveDateTime,
}

impl Record for ServedCounts {
    const TYPE: &'static str = "served_counts";
}

/// The most customers one person can be said to serve in a month.
pub const MAX_SERVED: u32 = 1_000_000;

impl ServedCounts {
    pub fn id_for(month: NaiveDate) -> String {
        format!("{}:{:04}-{:02}", Self::TYPE, month.year(), month.month())
    }

    /// Why the figures cannot be saved on `today`.
    pub fn problems(&self, today: NaiveDate, zh: bool) -> Vec<String> {
        let mut out = Vec::new();
        let mut say = |z: &str, e: &str| out.push(if zh { z } else { e }.to_string());
        if self.month.day() != 1 || self.id != Self::id_for(self.month) {
            say("月份有误", "The month is not right");
        }
        if self.month > today {
            say("不能录入未来月份", "That month has not begun");
        }
        if self.counts.is_empty() {
            say(
                "请至少填写一位员工的服务客户数",
                "Enter the customers served by at least one staff member",
            );
        }
        if self.counts.values().any(|n| *n > MAX_SERVED) {
            say(
                "服务客户数过大（每人每月不超过1,000,000）",
                "A count is too large (at most 1,000,000 a month)",
            );
        }
        if self.counts.keys().any(|id| id.trim().is_empty()) {
            say("员工有误", "A staff member is not right");
        }
        out
    }
}

/// Why a typed count is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountProblem {
    NotANumber,
    TooLarge,
}

impl CountProblem {
    pub fn text(self, zh: bool) -> &'static str {
        match (self, zh) {
            (CountProblem::NotANumber, true) => "请填写不小于0的整数",
            (CountProblem::NotANumber, false) => "Enter a whole number, 0 or more",
            (CountProblem::TooLarge, true) => "数字过大（每人每月不超过1,000,000）",
            (CountProblem::TooLarge, false) => "That number is too large (at most 1,000,000)",
        }
    }
}

/// A count as typed: `None` when left blank (no figure), digits otherwise — full-width ones
/// as Chinese input methods type them, with thousands separators allowed.
pub fn parse_count(s: &str) -> Result<Option<u32>, CountProblem> {
    let digits: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(CountProblem::NotANumber);
    }
    match digits.parse::<u32>() {
        Ok(n) if n <= MAX_SERVED => Ok(Some(n)),
        _ => Err(CountProblem::TooLarge),
    }
}

// ───────────────────────────── words and CSV ─────────────────────────────

/// Each indicator's name (source 001's terms) and how it is worked out, in both languages:
/// (Chinese name, English name, Chinese rule, English rule). The page and the CSV say these.
pub const INDICATORS: [(&str, &str, &str, &str); 4] = [
    (
        "客户满意度",
        "Customer satisfaction",
        "本期提交、注明该员工（经其专属链接或其窗口的评价终端）的完整答卷中，满意度题（问卷指定的题，未指定则全部五级量表和表情题）答4–5分的份额，即问卷结果的 CSAT。",
        "Of the satisfaction answers (the survey's CSAT question, else every Likert and smiley question) in complete responses of the period naming the staff member (given through their own link or a kiosk at their counter), the share of 4 or 5: the survey results' CSAT.",
    ),
    (
        "业务解答准确率",
        "Answer accuracy",
        "本期通话的质检评分（不含已撤销的）中，未因解答准确性扣分（未做到“回答问题符合公司和法律法规要求”“将系统中载明的信息正确的提供给客户”，或出现“回答问题不符合…”“误用法律法规…”“系统中载明的信息不能正确地提供给客户”）的通话所占比例。",
        "Of the calls of the period scored on the phone scorecard (withdrawn scores left out), the share with nothing taken off for the accuracy of the answer (answers meeting the firm's rules and the law, the system's information given correctly; no rule broken, no law misapplied, no wrong information).",
    ),
    (
        "工单处理及时率",
        "Cases handled on time",
        "该员工提交首轮处理意见的投诉中，本期内得出结论的（两项时限均已按时完成，或有一项超时）按3个工作日调查、4个工作日反馈客户的时限均按时完成的比例，判定与月度报告相同。",
        "Of the complaints whose first-round handling opinion the staff member submitted and whose verdict came in the period (both limits met, or one broken), the share that met both the 3-working-day investigation and the 4-working-day response limits, judged as the monthly report judges them.",
    ),
    (
        "客户投诉率",
        "Complaint rate",
        "本期受理、涉及人员中列有该员工的投诉数，除以主管录入的该员工本期服务客户数；未录入则不计比率。年度考核须12个月均已录入。",
        "Complaints received in the period naming the staff member under staff involved, divided by the customers they served in it as a supervisor typed it; no rate without that figure. A year needs all 12 months' figures.",
    ),
];

/// The period as a heading says it.
pub fn period_title(p: KpiPeriod, lang: Language) -> String {
    match (p, lang) {
        (KpiPeriod::Month(y, m), Language::Zh) => format!("{y} 年 {m} 月 月度考核"),
        (KpiPeriod::Month(y, m), Language::En) => format!("Monthly assessment, {y}-{m:02}"),
        (KpiPeriod::Year(y), Language::Zh) => format!("{y} 年度考核"),
        (KpiPeriod::Year(y), Language::En) => format!("Annual assessment, {y}"),
    }
}

fn case_numbers<'a>(cases: impl IntoIterator<Item = &'a CaseLine>) -> String {
    cases
        .into_iter()
        .map(|c| c.case_no.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The sheet as CSV, in the style of the monthly report's (UTF-8 with a BOM, labels in
/// `lang`, typed text never run as a formula): one row per staff member with each indicator's
/// percentage (empty where there is nothing to divide by), numerator and denominator and the
/// case numbers behind the counts; then the period, the cases attributed to nobody, and the
/// names of 涉及人员 matching no staff member.
pub fn kpi_sheet_csv(sheet: &KpiSheet, lang: Language) -> Result<Vec<u8>, csv::Error> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let mut w = report_writer();
    w.write_record([
        l("员工", "Staff member"),
        l("角色", "Role"),
        l("客户满意度", "Customer satisfaction"),
        l("满意答数（4–5分）", "Satisfied answers (4–5)"),
        l("满意度答数", "Satisfaction answers"),
        l("业务解答准确率", "Answer accuracy"),
        l("解答准确的通话", "Calls answered accurately"),
        l("已评分通话", "Calls scored"),
        l("工单处理及时率", "Cases handled on time"),
        l("按时完成的工单", "Cases on time"),
        l("得出结论的工单", "Cases decided"),
        l("客户投诉率", "Complaint rate"),
        l("涉及投诉", "Complaints naming them"),
        l("服务客户数", "Customers served"),
        l(
            "涉及投诉的案件编号",
            "Complaints naming them (case numbers)",
        ),
        l("超时工单的案件编号", "Cases late (case numbers)"),
    ])?;
    let pct = |s: Share, places: usize| {
        s.value()
            .map(|v| format!("{}%", super::stats::percent_text(v * 100.0, places)))
            .unwrap_or_default()
    };
    for r in &sheet.rows {
        let role = match r.profile {
            Some((role, true)) => lang.pick(role.zh(), role.en()).to_string(),
            Some((role, false)) => format!(
                "{}{}",
                lang.pick(role.zh(), role.en()),
                l("（已停用）", " (deactivated)")
            ),
            None => l("不在员工名单", "Not on the staff list").to_string(),
        };
        let rate = r.complaint_rate();
        let late = r.handled.iter().filter(|h| !h.on_time).map(|h| &h.case);
        w.write_record([
            safe_cell(&r.name),
            role,
            pct(r.satisfaction, PLACES),
            r.satisfaction.part.to_string(),
            r.satisfaction.whole.to_string(),
            pct(r.accuracy, PLACES),
            r.accuracy.part.to_string(),
            r.accuracy.whole.to_string(),
            pct(r.on_time, PLACES),
            r.on_time.part.to_string(),
            r.on_time.whole.to_string(),
            rate.map(|s| pct(s, RATE_PLACES)).unwrap_or_default(),
            r.complaints.len().to_string(),
            r.served.map(|n| n.to_string()).unwrap_or_default(),
            safe_cell(&case_numbers(&r.complaints)),
            safe_cell(&case_numbers(late)),
        ])?;
    }
    // A blank line before the period: a record of one empty field would read `""`.
    let mut out = w.into_inner().map_err(|e| e.into_error())?;
    out.push(b'\n');
    let mut w = writer_after(out);
    w.write_record([
        l("考核期间", "Period"),
        &period_title(sheet.period, lang),
        &sheet.period.key(),
    ])?;
    if !sheet.unattributed.is_empty() {
        w.write_record([
            l(
                "无人提交处理意见的超时工单",
                "Cases late with no handling opinion",
            ),
            &sheet.unattributed.len().to_string(),
            &safe_cell(&case_numbers(&sheet.unattributed)),
        ])?;
    }
    for (name, cases) in &sheet.unmatched {
        w.write_record([
            l(
                "涉及人员未能对应员工",
                "Staff involved matching no staff member",
            ),
            &safe_cell(name),
            &cases.len().to_string(),
            &safe_cell(&case_numbers(cases)),
        ])?;
    }
    for (zh, en, how_zh, how_en) in INDICATORS {
        w.write_record([l("口径", "Definition"), l(zh, en), l(how_zh, how_en)])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::complaint::{
        case_number, Action, Category, Channel, Complainant, Draft, Responsibility,
    };
    use crate::domain::quality::Withdrawal;
    use crate::domain::staff::{member, Actor};
    use crate::domain::survey::{default_survey, Answer, Channel as SurveyChannel};

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    /// 张敏 and 李强 (specialists), 王主管 (supervisor), 王经理 (manager), 钱七 (left, with a
    /// scored call in November), 赵六 (left, nothing in November).
    fn staff() -> Vec<Staff> {
        vec![
            member("staff:a", "张敏", Role::Specialist, true),
            member("staff:b", "李强", Role::Specialist, true),
            member("staff:s", "王主管", Role::Supervisor, true),
            member("staff:m", "王经理", Role::Manager, true),
            member("staff:y", "钱七", Role::Specialist, false),
            member("staff:x", "赵六", Role::Specialist, false),
        ]
    }

    fn actor(id: &str) -> Actor {
        let s = staff().into_iter().find(|s| s.id == id).unwrap();
        s.actor()
    }

    fn received(n: u32, at: &str, named: &[&str]) -> Complaint {
        let draft = Draft {
            complainant: Complainant {
                name: "客户".into(),
                phone: "13800001234".into(),
                ..Default::default()
            },
            channel: Some(Channel::Phone),
            received_at: Some(t(at)),
            staff_involved: named.iter().map(|s| s.to_string()).collect(),
            narrative: "等候时间过长".into(),
            ..Default::default()
        };
        Complaint::receive(
            &draft,
            format!("complaint:{n:02}"),
            case_number(t(at).date(), "A", n),
            "BR01",
            &actor("staff:a"),
            t(at),
        )
        .unwrap()
    }

    /// Classified, investigated and its opinion submitted by `by` at `at`.
    fn submit(c: &mut Complaint, by: &str, at: &str) {
        let a = actor(by);
        if c.status == crate::domain::complaint::Status::Received {
            c.apply(
                Action::Classify {
                    category: Category::ServiceAttitude,
                    severity: 2,
                    department: "运营部".into(),
                },
                &a,
                t(at),
            )
            .unwrap();
            c.apply(Action::StartInvestigation, &a, t(at)).unwrap();
        }
        c.apply(
            Action::RecordFindings {
                findings: "属实".into(),
            },
            &a,
            t(at),
        )
        .unwrap();
        c.apply(
            Action::SubmitOpinion {
                responsibility: Responsibility::NotOurs,
                opinion: "解释说明".into(),
                corrective_actions: vec![],
                escalated_to: String::new(),
            },
            &a,
            t(at),
        )
        .unwrap();
    }

    /// Approved by the supervisor and the manager, and answered by `by`, at `at`.
    fn respond(c: &mut Complaint, by: &str, at: &str) {
        for approver in ["staff:s", "staff:m"] {
            c.apply(
                Action::Approve {
                    comment: String::new(),
                },
                &actor(approver),
                t(at),
            )
            .unwrap();
        }
        c.apply(
            Action::Respond {
                channel: Channel::Phone,
                content: "已答复".into(),
            },
            &actor(by),
            t(at),
        )
        .unwrap();
    }

    // November 2026 on the official calendar has no holiday: Monday to Friday are working
    // days (1 Nov is a Sunday). Limits: working days with the day of receipt as day 1, the
    // investigation 3, the response 4, each ending at the end of its last day.
    //  01 Mon 2 Nov: due Wed 4 / Thu 5. 张敏 submits Tue 3, answered Wed 4 → on time, decided
    //     4 Nov. Names 李强.
    //  02 Mon 9 Nov: due Wed 11 / Thu 12. 张敏 submits Thu 12 (late), answered Fri 13 → late,
    //     decided when the investigation limit passed, 11 Nov. Names "李强（柜台）" and
    //     张敏 by her id.
    //  03 Fri 27 Nov 15:00: due Tue 1 Dec / Wed 2 Dec. 李强 submits Mon 30 Nov, answered
    //     Tue 1 Dec → on time, decided 1 Dec: December's, not November's. Names " 李 强 ".
    //  04 Fri 30 Oct: due Tue 3 Nov / Wed 4 Nov. 李强 submits Mon 2 Nov, answered Wed 4 Nov →
    //     on time, decided 4 Nov: November's, though received in October. Names 张敏
    //     (October's complaint, not November's).
    //  05 Tue 3 Nov: due Thu 5 / Fri 6. Round 1: 张敏 submits Fri 6 (late), answered Fri 6 →
    //     late, decided 5 Nov. Reopened Mon 9; round 2: 李强 submits Tue 10. 张敏's only.
    //  06 Mon 16 Nov: nothing done: overdue since Wed 18 → late, decided 18 Nov, nobody's.
    //     Names 孙九 (no staff member).
    fn complaints() -> Vec<Complaint> {
        let mut c1 = received(1, "2026-11-02 09:00", &["李强"]);
        submit(&mut c1, "staff:a", "2026-11-03 10:00");
        respond(&mut c1, "staff:a", "2026-11-04 10:00");
        let mut c2 = received(2, "2026-11-09 09:00", &["李强（柜台）", "staff:a"]);
        submit(&mut c2, "staff:a", "2026-11-12 10:00");
        respond(&mut c2, "staff:a", "2026-11-13 10:00");
        let mut c3 = received(3, "2026-11-27 15:00", &[" 李 强 "]);
        submit(&mut c3, "staff:b", "2026-11-30 10:00");
        respond(&mut c3, "staff:b", "2026-12-01 10:00");
        let mut c4 = received(4, "2026-10-30 10:00", &["张敏"]);
        submit(&mut c4, "staff:b", "2026-11-02 10:00");
        respond(&mut c4, "staff:b", "2026-11-04 10:00");
        let mut c5 = received(5, "2026-11-03 09:00", &[]);
        submit(&mut c5, "staff:a", "2026-11-06 10:00");
        respond(&mut c5, "staff:a", "2026-11-06 16:00");
        c5.apply(
            Action::Reopen {
                why: "客户不满意".into(),
            },
            &actor("staff:b"),
            t("2026-11-09 09:00"),
        )
        .unwrap();
        submit(&mut c5, "staff:b", "2026-11-10 10:00");
        let c6 = received(6, "2026-11-16 09:00", &["孙九"]);
        vec![c1, c2, c3, c4, c5, c6]
    }

    fn review(n: u32, staff_id: &str, at: &str, missed: &[&str], faults: &[&str]) -> CallReview {
        CallReview {
            id: format!("call_review:{n:02}"),
            rev: None,
            staff_id: staff_id.into(),
            staff_name: format!("name of {staff_id}"),
            reviewer_id: "staff:s".into(),
            reviewer_name: "王主管".into(),
            call_at: t(at),
            call_ref: format!("REC-{n}"),
            missed: missed.iter().map(|s| s.to_string()).collect(),
            faults: faults.iter().map(|s| s.to_string()).collect(),
            comment: "经过".into(),
            reviewed_at: t("2026-12-01 09:00"),
            changed_by: None,
            changed_at: None,
            withdrawn: None,
        }
    }

    //  R1 张敏 5 Nov, 主动热情 missed: accurate.   R2 张敏 6 Nov, wrong information: not.
    //  R3 张敏 10 Nov, not compliant, withdrawn: left out.   R4 张敏 12 Nov, nothing off.
    //  R5 李强 12 Nov, a law misapplied: not.   R6 李强 31 Oct: October's.
    //  R7 钱七 (left since) 2 Nov, nothing off.
    // 张敏 2 of 3, 李强 0 of 1, 钱七 1 of 1.
    fn reviews() -> Vec<CallReview> {
        let mut r3 = review(3, "staff:a", "2026-11-10 10:00", &["action.compliant"], &[]);
        r3.withdrawn = Some(Withdrawal {
            by_id: "staff:s".into(),
            by: "王主管".into(),
            at: t("2026-12-01 10:00"),
            reason: "录音不是她的".into(),
        });
        vec![
            review(1, "staff:a", "2026-11-05 10:00", &["greeting.warm"], &[]),
            review(
                2,
                "staff:a",
                "2026-11-06 10:00",
                &[],
                &["action.wrong_info"],
            ),
            r3,
            review(4, "staff:a", "2026-11-12 10:00", &[], &[]),
            review(
                5,
                "staff:b",
                "2026-11-12 11:00",
                &[],
                &["action.misapplied"],
            ),
            review(
                6,
                "staff:b",
                "2026-10-31 11:00",
                &[],
                &["action.misapplied"],
            ),
            review(7, "staff:y", "2026-11-02 11:00", &[], &[]),
        ]
    }

    fn response(
        n: u32,
        staff: Option<&str>,
        at: &str,
        overall: u8,
        complete: bool,
    ) -> SurveyResponse {
        SurveyResponse {
            id: format!("response:{n:02}"),
            rev: None,
            survey_id: "survey:branch".into(),
            survey_version: 1,
            answers: [
                ("overall".to_string(), Answer::Score(overall)),
                // Not the CSAT question of the ready-made survey: it does not count.
                ("att_courtesy".to_string(), Answer::Score(1)),
            ]
            .into_iter()
            .collect(),
            channel: SurveyChannel::Link,
            stage: None,
            touchpoint: None,
            staff_id: staff.map(str::to_string),
            submitted_at: t(at),
            device: None,
            complete,
            customer_id: None,
            entered_by: None,
        }
    }

    // The ready-made survey's CSAT is its 总体 question: one answer a response.
    //  P1 张敏 3 Nov 5, P2 张敏 4 Nov 4, P3 张敏 5 Nov 2, P4 张敏 20 Nov partial (left out),
    //  P5 李强 21 Nov 3, P6 nobody 21 Nov, P7 张敏 1 Dec (December's).
    // 张敏 2 of 3, 李强 0 of 1.
    fn responses() -> Vec<SurveyResponse> {
        vec![
            response(1, Some("staff:a"), "2026-11-03 10:00", 5, true),
            response(2, Some("staff:a"), "2026-11-04 10:00", 4, true),
            response(3, Some("staff:a"), "2026-11-05 10:00", 2, true),
            response(4, Some("staff:a"), "2026-11-20 10:00", 5, false),
            response(5, Some("staff:b"), "2026-11-21 10:00", 3, true),
            response(6, None, "2026-11-21 11:00", 5, true),
            response(7, Some("staff:a"), "2026-12-01 10:00", 5, true),
        ]
    }

    fn served(year: i32, month: u32, counts: &[(&str, u32)]) -> ServedCounts {
        let m = first_of(year, month);
        ServedCounts {
            id: ServedCounts::id_for(m),
            rev: None,
            month: m,
            counts: counts.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            entered_by: "王主管".into(),
            entered_at: t("2026-12-01 09:00"),
        }
    }

    /// A builder of November 2026 for the staff, on the official calendar, as of 10 December.
    fn november() -> KpiBuilder {
        KpiBuilder::new(
            KpiPeriod::Month(2026, 11),
            &staff(),
            WorkingCalendar::china_official(),
            t("2026-12-10 10:00"),
        )
    }

    fn sheet(period: KpiPeriod, served_counts: &[ServedCounts]) -> KpiSheet {
        let mut b = KpiBuilder::new(
            period,
            &staff(),
            WorkingCalendar::china_official(),
            t("2026-12-10 10:00"),
        );
        for c in &complaints() {
            b.add_complaint(c);
        }
        for r in &reviews() {
            b.add_review(r);
        }
        let survey = default_survey("survey:branch");
        for r in &responses() {
            b.add_response(Some(&survey), r);
        }
        for s in served_counts {
            b.add_served(s);
        }
        b.finish()
    }

    fn row<'a>(s: &'a KpiSheet, id: &str) -> &'a StaffKpi {
        s.rows.iter().find(|r| r.staff_id == id).unwrap()
    }

    fn nos(cases: &[CaseLine]) -> Vec<u32> {
        cases
            .iter()
            .map(|c| c.case_no[c.case_no.len() - 4..].parse().unwrap())
            .collect()
    }

    fn share(part: u32, whole: u32) -> Share {
        Share { part, whole }
    }

    #[test]
    fn a_month_counted_by_hand() {
        let nov = sheet(
            KpiPeriod::Month(2026, 11),
            &[served(2026, 11, &[("staff:a", 400), ("staff:b", 300)])],
        );
        // Every active staff member, and 钱七 who left but has a call in November; not 赵六.
        let names: Vec<&str> = nov.rows.iter().map(|r| r.name.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        assert_eq!(names.len(), 5);
        assert!(!names.contains(&"赵六"));

        let a = row(&nov, "staff:a");
        assert_eq!(a.satisfaction, share(2, 3));
        assert_eq!(a.satisfaction.text(PLACES), "66.7 % (2/3)");
        assert_eq!(a.accuracy, share(2, 3));
        assert_eq!(a.reviews.len(), 3, "the withdrawn score is left out");
        assert_eq!(a.reviews[1].taken_off, ["action.wrong_info"]);
        // 01 on time; 02 and 05 late. Not 04 (李强's) and not 05's second round.
        assert_eq!(a.on_time, share(1, 3));
        assert_eq!(a.on_time.text(PLACES), "33.3 % (1/3)");
        let handled: Vec<(u32, bool)> = a
            .handled
            .iter()
            .map(|h| (nos(std::slice::from_ref(&h.case))[0], h.on_time))
            .collect();
        assert_eq!(handled, [(1, true), (5, false), (2, false)]);
        assert_eq!(
            a.handled[1].decided_at,
            t("2026-11-05 23:59") + chrono::Duration::seconds(59)
        );
        // Named by her id in 02; 04 names her but was received in October.
        assert_eq!(nos(&a.complaints), [2]);
        assert_eq!((a.served, a.served_months), (Some(400), 1));
        assert_eq!(a.complaint_rate(), Some(share(1, 400)));
        assert_eq!(
            a.complaint_rate().unwrap().text(RATE_PLACES),
            "0.250 % (1/400)"
        );
        // Below one in ten thousand, still shown.
        assert_eq!(
            Share {
                part: 1,
                whole: 30_000
            }
            .text(RATE_PLACES),
            "0.003 % (1/30000)"
        );

        let b = row(&nov, "staff:b");
        assert_eq!(b.satisfaction.text(PLACES), "0.0 % (0/1)");
        assert_eq!(b.accuracy, share(0, 1));
        // 04, received in October, decided in November; not 03 (decided 1 Dec), nor 05.
        assert_eq!(b.on_time, share(1, 1));
        assert_eq!(
            nos(&b.handled.iter().map(|h| h.case.clone()).collect::<Vec<_>>()),
            [4]
        );
        // "李强", "李强（柜台）" and " 李 强 " are all 李强.
        assert_eq!(nos(&b.complaints), [1, 2, 3]);
        assert_eq!(
            b.complaint_rate().unwrap().text(RATE_PLACES),
            "1.000 % (3/300)"
        );

        // Nothing to divide by: "—".
        let s = row(&nov, "staff:s");
        assert_eq!(
            (
                s.satisfaction.text(1),
                s.accuracy.text(1),
                s.on_time.text(1)
            ),
            ("—".into(), "—".into(), "—".into())
        );
        assert_eq!(s.complaint_rate(), None);
        let y = row(&nov, "staff:y");
        assert_eq!(
            (y.profile, y.accuracy),
            (Some((Role::Specialist, false)), share(1, 1))
        );

        // 06 was overdue before anyone submitted an opinion; 孙九 is nobody on the list.
        assert_eq!(nos(&nov.unattributed), [6]);
        assert_eq!(nov.unmatched.len(), 1);
        assert_eq!(nov.unmatched[0].0, "孙九");
        assert_eq!(nos(&nov.unmatched[0].1), [6]);
        assert_eq!(nov.unscored, 0);
    }

    #[test]
    fn december_takes_the_case_decided_then_and_no_served_count_leaves_the_rate_open() {
        let dec = sheet(KpiPeriod::Month(2026, 12), &[]);
        let b = row(&dec, "staff:b");
        assert_eq!(b.on_time, share(1, 1));
        assert_eq!(b.handled[0].case.id, "complaint:03");
        assert!(b.complaints.is_empty());
        let a = row(&dec, "staff:a");
        assert_eq!(a.satisfaction, share(1, 1));
        assert_eq!((a.served, a.served_months), (None, 0));
        assert_eq!(a.complaint_rate(), None);
        assert!(dec.unattributed.is_empty());
    }

    #[test]
    fn a_year_sums_its_months_and_needs_every_months_served_count() {
        // 张敏 has a figure for every month of 2026 (100 each, 150 in November); 李强 for
        // November only.
        let mut counts: Vec<ServedCounts> = (1..=12)
            .map(|m| served(2026, m, &[("staff:a", if m == 11 { 150 } else { 100 })]))
            .collect();
        counts[10].counts.insert("staff:b".into(), 300);
        // A month of another year is not the year's.
        counts.push(served(2025, 12, &[("staff:b", 999)]));
        let year = sheet(KpiPeriod::Year(2026), &counts);
        let a = row(&year, "staff:a");
        assert_eq!((a.served, a.served_months), (Some(1250), 12));
        // 02 (November) and 04 (October) name her.
        assert_eq!(nos(&a.complaints), [4, 2]);
        assert_eq!(
            a.complaint_rate().unwrap().text(RATE_PLACES),
            "0.160 % (2/1250)"
        );
        // The year's responses include December's.
        assert_eq!(a.satisfaction, share(3, 4));
        assert_eq!(a.on_time, share(1, 3));
        let b = row(&year, "staff:b");
        assert_eq!((b.served, b.served_months), (None, 1));
        assert_eq!(b.complaint_rate(), None);
        assert_eq!(nos(&b.complaints), [1, 2, 3]);
        // 04 and 03 both decided in 2026.
        assert_eq!(b.on_time, share(2, 2));
        assert_eq!(row(&year, "staff:y").accuracy, share(1, 1));
        // The year's figures are its months' added up.
        let months: Vec<KpiSheet> = (1..=12)
            .map(|m| sheet(KpiPeriod::Month(2026, m), &counts))
            .collect();
        for r in &year.rows {
            let sum = |f: fn(&StaffKpi) -> Share| {
                months.iter().fold(Share::default(), |mut s, m| {
                    if let Some(x) = m.rows.iter().find(|x| x.staff_id == r.staff_id) {
                        s.add(f(x).part, f(x).whole);
                    }
                    s
                })
            };
            assert_eq!(r.satisfaction, sum(|x| x.satisfaction), "{}", r.name);
            assert_eq!(r.accuracy, sum(|x| x.accuracy), "{}", r.name);
            assert_eq!(r.on_time, sum(|x| x.on_time), "{}", r.name);
        }
    }

    #[test]
    fn a_case_within_its_limits_is_not_decided_yet() {
        let mut c = received(8, "2026-11-02 09:00", &[]);
        submit(&mut c, "staff:a", "2026-11-03 10:00");
        let at = |now: &str| {
            let mut b = KpiBuilder::new(
                KpiPeriod::Month(2026, 11),
                &staff(),
                WorkingCalendar::china_official(),
                t(now),
            );
            b.add_complaint(&c);
            row(&b.finish(), "staff:a").on_time
        };
        // The opinion is in, the answer not yet: undecided until the response limit (Thu 5)
        // passes, then late.
        assert_eq!(at("2026-11-04 12:00"), share(0, 0));
        assert_eq!(at("2026-11-06 09:00"), share(0, 1));
    }

    #[test]
    fn the_window_reaches_back_to_the_first_case_a_period_can_decide() {
        let cal = WorkingCalendar::china_official();
        // November: a case received Mon 26 Oct answers by Thu 29 Oct; one of Tue 27 Oct
        // by Fri 30 Oct; one of Wed 28 Oct by Mon 2 Nov.
        assert_eq!(
            KpiPeriod::Month(2026, 11).earliest_receipt(&cal),
            NaiveDate::from_ymd_opt(2026, 10, 28).unwrap()
        );
        // October begins in the National Day holiday (1–7 Oct; 25–27 Sep are holidays too):
        // a case of Thu 24 Sep answers by Wed 30 Sep (24, 28, 29, 30); one received on Fri
        // 25 Sep, a holiday, counts from Mon 28 and answers by Thu 8 Oct.
        let oct = KpiPeriod::Month(2026, 10).earliest_receipt(&cal);
        assert_eq!(oct, NaiveDate::from_ymd_opt(2026, 9, 25).unwrap());
        let before = oct.pred_opt().unwrap().and_time(NaiveTime::MIN);
        assert!(due_at(ClockKind::Response, before, &cal) < t("2026-10-01 00:00"));
        assert!(
            due_at(ClockKind::Response, oct.and_time(NaiveTime::MIN), &cal)
                >= t("2026-10-01 00:00")
        );
    }

    #[test]
    fn periods_read_and_step() {
        assert_eq!(
            KpiPeriod::parse("2026-11"),
            Some(KpiPeriod::Month(2026, 11))
        );
        assert_eq!(KpiPeriod::parse(" 2026 "), Some(KpiPeriod::Year(2026)));
        for bad in ["2026-13", "26", "2026-", "x", "", "2026-11-01"] {
            assert_eq!(KpiPeriod::parse(bad), None, "{bad}");
        }
        let jan = KpiPeriod::Month(2027, 1);
        assert_eq!(jan.previous(), KpiPeriod::Month(2026, 12));
        assert_eq!(jan.previous().following(), jan);
        assert_eq!(KpiPeriod::Year(2026).following().key(), "2027");
        assert_eq!(jan.key(), "2027-01");
        assert_eq!(KpiPeriod::Year(2026).months().len(), 12);
        assert_eq!(KpiPeriod::Month(2026, 12).end(), first_of(2027, 1));
        assert!(KpiPeriod::Year(2026).contains(t("2026-12-31 23:59")));
        assert!(!KpiPeriod::Year(2026).contains(t("2027-01-01 00:00")));
    }

    #[test]
    fn names_are_matched_robustly_and_never_to_two_people() {
        assert_eq!(person_key(" 李 强（柜台） "), "李强");
        assert_eq!(person_key("ＡＬＩＣＥ Wang"), "alicewang");
        assert_eq!(person_key("（备注）"), "(备注)");
        let mut list = staff();
        list.push(member("staff:z1", "周八", Role::Specialist, true));
        list.push(member("staff:z2", "周八", Role::Supervisor, true));
        let roster = Roster::new(&list);
        assert_eq!(roster.named("staff:b"), Some("staff:b"));
        assert_eq!(roster.named("李强 (客服)"), Some("staff:b"));
        // Someone who left is still who a complaint names.
        assert_eq!(roster.named("赵六"), Some("staff:x"));
        assert_eq!(roster.named("周八"), None, "two people have that name");
        assert_eq!(roster.named("李"), None, "no part of a name");
        // A complaint naming the same person twice counts once for them.
        let mut b = KpiBuilder::new(
            KpiPeriod::Month(2026, 11),
            &list,
            WorkingCalendar::china_official(),
            t("2026-11-02 10:00"),
        );
        b.add_complaint(&received(
            9,
            "2026-11-02 09:00",
            &["李强", "staff:b", "周八"],
        ));
        let s = b.finish();
        assert_eq!(nos(&row(&s, "staff:b").complaints), [9]);
        assert_eq!(s.unmatched[0].0, "周八");
    }

    #[test]
    fn answers_filled_in_by_staff_say_so_and_by_whom() {
        let mut b = november();
        let survey = default_survey("survey:branch");
        let own = response(1, Some("staff:a"), "2026-11-03 10:00", 5, true);
        let mut by_b = response(2, Some("staff:a"), "2026-11-04 10:00", 5, true);
        by_b.channel = SurveyChannel::Staff;
        by_b.entered_by = Some(crate::domain::complaint::StaffRef {
            id: "staff:b".into(),
            name: "李强".into(),
        });
        // Filled in before who filled it in was recorded.
        let mut unnamed = response(3, Some("staff:a"), "2026-11-05 10:00", 5, true);
        unnamed.channel = SurveyChannel::Staff;
        for r in [&own, &by_b, &unnamed] {
            b.add_response(Some(&survey), r);
        }
        let s = b.finish();
        let lines: Vec<_> = row(&s, "staff:a")
            .responses
            .iter()
            .map(|l| l.filled_in.clone())
            .collect();
        assert_eq!(lines, [None, Some(Some("李强".into())), Some(None)]);
        assert_eq!(row(&s, "staff:a").satisfaction, share(3, 3));
    }

    #[test]
    fn responses_to_an_unknown_version_are_not_scored() {
        let mut b = november();
        b.add_response(
            None,
            &response(1, Some("staff:a"), "2026-11-03 10:00", 5, true),
        );
        b.add_response(None, &response(2, None, "2026-11-03 10:00", 5, true));
        // A link naming someone who is not on the staff list counts for nobody.
        let survey = default_survey("survey:branch");
        let stranger = response(3, Some("staff:zz"), "2026-11-03 10:00", 5, true);
        b.add_response(Some(&survey), &stranger);
        let s = b.finish();
        assert_eq!(s.unscored, 1);
        assert_eq!(s.unknown_staff, 1);
        assert!(s.rows.iter().all(|r| r.staff_id != "staff:zz"));
        assert_eq!(row(&s, "staff:a").satisfaction, share(0, 0));
    }

    #[test]
    fn the_handler_is_the_first_rounds_author_of_the_opinion() {
        let c = complaints().remove(4);
        assert_eq!(c.rounds.len(), 2);
        assert_eq!(c.rounds[1].submitted_by.as_ref().unwrap().id, "staff:b");
        assert_eq!(handler_of(&c).unwrap().id, "staff:a");
        // A record without the history's entry: the first round's author.
        let mut old = c.clone();
        old.history
            .retain(|e| e.action != ActionKind::SubmitOpinion);
        assert_eq!(handler_of(&old).unwrap().id, "staff:a");
        assert_eq!(handler_of(&complaints().remove(5)), None);
        // Sent back and submitted again by someone else: the first author's, whose
        // submission met (or missed) the investigation limit.
        let mut sent_back = received(7, "2026-11-02 09:00", &[]);
        submit(&mut sent_back, "staff:a", "2026-11-06 10:00");
        sent_back
            .apply(
                Action::Reject {
                    why: "补充材料".into(),
                },
                &actor("staff:s"),
                t("2026-11-06 11:00"),
            )
            .unwrap();
        submit(&mut sent_back, "staff:b", "2026-11-06 15:00");
        assert_eq!(
            sent_back.rounds[0].submitted_by.as_ref().unwrap().id,
            "staff:b"
        );
        assert_eq!(handler_of(&sent_back).unwrap().id, "staff:a");
    }

    #[test]
    fn served_counts_are_checked_and_typed_counts_read() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let ok = served(2026, 11, &[("staff:a", 400)]);
        assert!(ok.problems(today, true).is_empty());
        assert_eq!(ok.id, "served_counts:2026-11");
        assert_eq!(
            served(2026, 12, &[("staff:a", 1)]).problems(today, false),
            ["That month has not begun"]
        );
        assert_eq!(served(2026, 10, &[]).problems(today, true).len(), 1);
        assert_eq!(
            served(2026, 10, &[("staff:a", MAX_SERVED + 1)])
                .problems(today, true)
                .len(),
            1
        );
        let text = serde_json::to_value(&ok).unwrap();
        assert_eq!(text["counts"]["staff:a"], 400);
        assert_eq!(serde_json::from_value::<ServedCounts>(text).unwrap(), ok);

        assert_eq!(parse_count(" "), Ok(None));
        assert_eq!(parse_count("1,200"), Ok(Some(1200)));
        assert_eq!(parse_count("４００"), Ok(Some(400)));
        assert_eq!(parse_count("0"), Ok(Some(0)));
        assert_eq!(parse_count("-3"), Err(CountProblem::NotANumber));
        assert_eq!(parse_count("12.5"), Err(CountProblem::NotANumber));
        assert_eq!(parse_count("99999999999"), Err(CountProblem::TooLarge));
    }

    #[test]
    fn the_csv_has_a_bom_a_row_per_staff_member_and_the_cases_behind() {
        let nov = sheet(
            KpiPeriod::Month(2026, 11),
            &[served(2026, 11, &[("staff:a", 400), ("staff:b", 300)])],
        );
        let bytes = kpi_sheet_csv(&nov, Language::Zh).unwrap();
        assert!(bytes.starts_with(crate::domain::report::UTF8_BOM));
        let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&bytes[3..])
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        assert_eq!(rows[0][..3], ["员工", "角色", "客户满意度"]);
        let a = rows.iter().find(|r| r[0] == "张敏").unwrap();
        assert_eq!(
            a[1..14],
            [
                "客服专员",
                "66.7%",
                "2",
                "3",
                "66.7%",
                "2",
                "3",
                "33.3%",
                "1",
                "3",
                "0.250%",
                "1",
                "400"
            ]
        );
        assert_eq!(a[14], "TS-20261109-A-0002");
        assert_eq!(a[15], "TS-20261103-A-0005 TS-20261109-A-0002");
        let s = rows.iter().find(|r| r[0] == "王主管").unwrap();
        assert_eq!(s[2..6], ["", "0", "0", ""]);
        assert_eq!(s[13], "", "no served count");
        let y = rows.iter().find(|r| r[0] == "钱七").unwrap();
        assert_eq!(y[1], "客服专员（已停用）");
        assert!(rows.iter().any(|r| r[0] == "考核期间" && r[2] == "2026-11"));
        assert!(rows
            .iter()
            .any(|r| r[0] == "无人提交处理意见的超时工单" && r[2] == "TS-20261116-A-0006"));
        assert!(rows
            .iter()
            .any(|r| r[0] == "涉及人员未能对应员工" && r[1] == "孙九"));
        assert_eq!(rows.iter().filter(|r| r[0] == "口径").count(), 4);
        // A blank line before the period, not a record of one empty field (`""`).
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert!(text.contains("\n\n考核期间,") || text.contains("\r\n\r\n考核期间,"));
        assert!(!text.lines().any(|l| l == "\"\""));
        let en = kpi_sheet_csv(&nov, Language::En).unwrap();
        let en = std::str::from_utf8(&en[3..]).unwrap();
        assert!(en.starts_with("Staff member,Role,Customer satisfaction"));
        assert!(en.contains("李强,Specialist,0.0%,0,1,0.0%,0,1,100.0%,1,1,1.000%,3,300"));
    }

    #[test]
    fn csv_cells_typed_by_staff_never_run_as_formulas() {
        let mut list = staff();
        list[0].name = "=HYPERLINK(\"x\")".into();
        let mut b = KpiBuilder::new(
            KpiPeriod::Month(2026, 11),
            &list,
            WorkingCalendar::china_official(),
            t("2026-12-10 10:00"),
        );
        b.add_complaint(&received(9, "2026-11-02 09:00", &["+1 bad"]));
        let bytes = kpi_sheet_csv(&b.finish(), Language::Zh).unwrap();
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert!(text.contains("'=HYPERLINK"));
        assert!(text.contains("'+1 bad"));
    }
}
