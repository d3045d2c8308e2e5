//! Customer care (客户关怀) and return-visit plans (回访计划): birthdays, account
//! anniversaries, holiday greetings and planned visits become due tasks with deterministic
//! ids, so generating them again never duplicates one; staff complete them with a note.
//!
//! A birthday or account anniversary on 29 February falls on 28 February in years that
//! have no 29 February (the last day of the same month, so the greeting is never late and
//! never in another month). Holiday dates are input data (lunar holidays are not computed).

use super::datefmt::Layout;
use super::sort::sort_by;
use std::collections::HashSet;

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::calendar::WorkingCalendar;
use super::customer::{Customer, Level, Lifecycle, Tier};
use super::survey::Text;
use super::Record;

/// Which customers something applies to: the customers matching the tiers and value levels
/// (an empty list does not restrict), and the listed ids besides, whatever their tier and
/// value (a listed customer is added, not narrowed). Only ids: those customers alone. An
/// entirely empty filter matches everyone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerFilter {
    pub tiers: Vec<Tier>,
    pub values: Vec<Level>,
    pub customer_ids: Vec<String>,
}

impl CustomerFilter {
    pub fn matches(&self, c: &Customer) -> bool {
        if self.customer_ids.contains(&c.id) {
            return true;
        }
        if !self.customer_ids.is_empty() && self.tiers.is_empty() && self.values.is_empty() {
            return false;
        }
        (self.tiers.is_empty() || self.tiers.contains(&c.tier))
            && (self.values.is_empty() || self.values.contains(&c.value))
    }

    /// Whom the filter takes in, in words: "VIP、价值高，另加 2 位指定客户", "仅 1 位指定客户",
    /// "全部客户".
    pub fn describe(&self, zh: bool) -> String {
        let mut parts: Vec<String> = self.tiers.iter().map(|t| t.label(zh).to_string()).collect();
        parts.extend(self.values.iter().map(|v| {
            if zh {
                format!("价值{}", v.label(zh))
            } else {
                format!("{} value", v.label(zh))
            }
        }));
        let n = self.customer_ids.len();
        match (parts.is_empty(), n, zh) {
            (true, 0, true) => "全部客户".into(),
            (true, 0, false) => "all customers".into(),
            (true, _, true) => format!("仅 {n} 位指定客户"),
            (true, _, false) => format!("only {n} listed customer(s)"),
            (false, 0, true) => parts.join("、"),
            (false, 0, false) => parts.join(", "),
            (false, _, true) => format!("{}，另加 {n} 位指定客户", parts.join("、")),
            (false, _, false) => format!("{}, plus {n} listed customer(s)", parts.join(", ")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PeriodUnit {
    Days,
    Weeks,
    Months,
}

impl PeriodUnit {
    /// The longest interval a plan takes, in this unit: a year (a plan meant for less often
    /// than yearly, as "every 1000 months", is a slip of the keyboard).
    pub fn max_every(self) -> u32 {
        match self {
            PeriodUnit::Days => 366,
            PeriodUnit::Weeks => 52,
            PeriodUnit::Months => 12,
        }
    }

    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (PeriodUnit::Days, true) => "天",
            (PeriodUnit::Weeks, true) => "周",
            (PeriodUnit::Months, true) => "个月",
            (PeriodUnit::Days, false) => "days",
            (PeriodUnit::Weeks, false) => "weeks",
            (PeriodUnit::Months, false) => "months",
        }
    }
}

/// "Every n days / weeks / months".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Every {
    pub n: u32,
    pub unit: PeriodUnit,
}

impl Every {
    pub fn label(self, zh: bool) -> String {
        let n = self.n;
        match (self.unit, zh) {
            // 每天 / 每周 / 每月, not 每1天 (QA).
            (PeriodUnit::Days, true) if n == 1 => "每天".into(),
            (PeriodUnit::Weeks, true) if n == 1 => "每周".into(),
            (PeriodUnit::Months, true) if n == 1 => "每月".into(),
            (PeriodUnit::Days, true) => format!("每{n}天"),
            (PeriodUnit::Weeks, true) => format!("每{n}周"),
            (PeriodUnit::Months, true) => format!("每{n}个月"),
            // "every day", "every 2 weeks" (QA: "every 1 month(s)").
            (unit, false) => {
                let word = match unit {
                    PeriodUnit::Days => "day",
                    PeriodUnit::Weeks => "week",
                    PeriodUnit::Months => "month",
                };
                if n == 1 {
                    format!("every {word}")
                } else {
                    format!("every {n} {word}s")
                }
            }
        }
    }

    /// The k-th occurrence from `start` (k = 0 is `start`). Months are counted from the
    /// start each time, so 31 January gives 28/29 February, then 31 March.
    pub fn nth(self, start: NaiveDate, k: u32) -> Option<NaiveDate> {
        let steps = u64::from(self.n).checked_mul(u64::from(k))?;
        match self.unit {
            PeriodUnit::Days => {
                start.checked_add_signed(Duration::days(i64::try_from(steps).ok()?))
            }
            PeriodUnit::Weeks => {
                start.checked_add_signed(Duration::weeks(i64::try_from(steps).ok()?))
            }
            PeriodUnit::Months => start.checked_add_months(Months::new(u32::try_from(steps).ok()?)),
        }
    }
}

/// A return-visit plan: which customers, how often, by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitPlan {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub name: Text,
    pub filter: CustomerFilter,
    pub every: Every,
    /// First visit date.
    pub start: NaiveDate,
    /// No visits after this date.
    #[serde(default)]
    pub end: Option<NaiveDate>,
    /// Staff id; `None`: each customer's own staff member.
    #[serde(default)]
    pub staff_id: Option<String>,
    pub active: bool,
}

impl Record for VisitPlan {
    const TYPE: &'static str = "visit_plan";
}

impl VisitPlan {
    /// Problems with the plan, as sentences.
    pub fn problems(&self, zh: bool) -> Vec<String> {
        let mut out = Vec::new();
        let max = self.every.unit.max_every();
        if self.every.n == 0 || self.every.n > max {
            let unit = self.every.unit;
            out.push(if zh {
                format!("回访周期须为1到{max}之间的整数（{}）", unit.label(true))
            } else {
                format!(
                    "The interval must be a whole number of {} from 1 to {max}",
                    unit.label(false)
                )
            });
        }
        if self.end.is_some_and(|e| e < self.start) {
            out.push(
                if zh {
                    "结束日期早于开始日期"
                } else {
                    "The end date is before the start date"
                }
                .to_string(),
            );
        }
        if self.name.zh.trim().is_empty() && self.name.en.trim().is_empty() {
            out.push(
                if zh {
                    "请填写计划名称"
                } else {
                    "The plan needs a name"
                }
                .to_string(),
            );
        }
        out
    }
}

/// A holiday (节日) on a given date, supplied as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    /// e.g. "spring_festival".
    pub id: String,
    pub name: Text,
    pub date: NaiveDate,
}

/// What care tasks to generate besides the visit plans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareSettings {
    pub birthdays: bool,
    pub anniversaries: bool,
    /// Holiday dates to greet on.
    pub holidays: Vec<Holiday>,
    /// Who gets holiday greetings.
    pub holiday_filter: CustomerFilter,
    /// Generate care tasks for lost customers too (win-back): greetings and planned visits
    /// alike. Off, a customer marked lost gets none, and their open ones are withdrawn.
    pub include_lost: bool,
}

impl Default for CareSettings {
    /// Birthdays, anniversaries and holiday greetings for every customer (000 四(二)3: 在客户
    /// 生日、节假日等特殊时期，向客户发送祝福; 003: 在每年的重大节日之时表达节日的祝福和问候 —
    /// neither only for VIPs; the care page can narrow holidays to VIPs); no lost customers;
    /// no holiday dates until the user enters them.
    fn default() -> Self {
        CareSettings {
            birthdays: true,
            anniversaries: true,
            holidays: Vec::new(),
            holiday_filter: CustomerFilter::default(),
            include_lost: false,
        }
    }
}

/// The stored care settings (one document, id [`CARE_CONFIG_ID`], type `care_config`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareConfig {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub settings: CareSettings,
    /// Take greeting holidays from the working calendar as well as from `settings.holidays`.
    #[serde(default = "yes")]
    pub holidays_from_calendar: bool,
}

fn yes() -> bool {
    true
}

pub const CARE_CONFIG_ID: &str = "care_config:branch";

impl Record for CareConfig {
    const TYPE: &'static str = "care_config";
}

impl Default for CareConfig {
    fn default() -> Self {
        CareConfig {
            id: CARE_CONFIG_ID.into(),
            rev: None,
            settings: CareSettings::default(),
            holidays_from_calendar: true,
        }
    }
}

/// Holidays of the working calendar worth a greeting (元旦, 春节, 劳动节, 端午, 中秋, 国庆),
/// each on the first day of its run of holiday dates, between `from` and `to` inclusive.
/// Holidays that are not greeted (清明) and make-up working days are left out. A year whose
/// notice is not entered yet greets on the law's own days (元旦 on 1 January, 春节 on 除夕, the
/// festivals on their dates): the notice moves the days off around them, not the festivals,
/// and without them next year's 元旦 and 春节 had no greeting until a manager entered it.
pub fn holidays_from_calendar(
    cal: &super::calendar::WorkingCalendar,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Holiday> {
    const GREETED: [(&str, &str); 6] = [
        ("元旦", "new_year"),
        ("春节", "spring_festival"),
        ("劳动", "labour_day"),
        ("端午", "dragon_boat"),
        ("中秋", "mid_autumn"),
        ("国庆", "national_day"),
    ];
    let mut out: Vec<Holiday> = Vec::new();
    let mut prev: Option<(NaiveDate, String)> = None;
    // Day by day, each as the calendar reads it (its table, else the law's day), from a little
    // before `from` so that a run begun before it is not greeted again.
    let mut date = from - Duration::days(10);
    while date <= to {
        let day = cal
            .special_day(date)
            .filter(|d| d.kind == super::calendar::DayKind::Holiday);
        date += Duration::days(1);
        let Some(day) = day else {
            continue;
        };
        // A day off in lieu is no festival of its own to greet.
        if day.name_zh.ends_with(super::calendar::IN_LIEU_ZH) {
            continue;
        }
        let at = date - Duration::days(1);
        let continues = prev
            .as_ref()
            .is_some_and(|(d, name)| *d + Duration::days(1) == at && *name == day.name_zh);
        prev = Some((at, day.name_zh.clone()));
        if continues || at < from {
            continue;
        }
        if let Some((_, id)) = GREETED.iter().find(|(k, _)| day.name_zh.contains(k)) {
            out.push(Holiday {
                id: (*id).to_string(),
                name: Text::new(day.name_zh, day.name_en),
                date: at,
            });
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CareKind {
    Birthday,
    /// The n-th anniversary of account opening.
    AccountAnniversary {
        years: u32,
    },
    Holiday {
        holiday_id: String,
        name: Text,
    },
    ReturnVisit {
        plan_id: String,
    },
}

impl CareKind {
    pub fn label(&self, zh: bool) -> String {
        match (self, zh) {
            (CareKind::Birthday, true) => "生日祝福".into(),
            (CareKind::Birthday, false) => "Birthday greeting".into(),
            (CareKind::AccountAnniversary { years }, true) => format!("开户{years}周年"),
            (CareKind::AccountAnniversary { years }, false) => {
                format!("{years}-year account anniversary")
            }
            (CareKind::Holiday { name, .. }, true) => format!("{}问候", name.zh),
            (CareKind::Holiday { name, .. }, false) => format!("{} greeting", name.en),
            (CareKind::ReturnVisit { .. }, true) => "计划回访".into(),
            (CareKind::ReturnVisit { .. }, false) => "Planned return visit".into(),
        }
    }

    /// The part of the task id that names the kind.
    fn key(&self) -> String {
        match self {
            CareKind::Birthday => "birthday".into(),
            CareKind::AccountAnniversary { .. } => "anniversary".into(),
            CareKind::Holiday { holiday_id, .. } => format!("holiday.{holiday_id}"),
            CareKind::ReturnVisit { plan_id } => format!("visit.{plan_id}"),
        }
    }
}

/// How the customer was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactChannel {
    Phone,
    Email,
    Sms,
    InPerson,
}

impl ContactChannel {
    pub const ALL: [ContactChannel; 4] = [
        ContactChannel::Phone,
        ContactChannel::Email,
        ContactChannel::Sms,
        ContactChannel::InPerson,
    ];

    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (ContactChannel::Phone, true) => "电话",
            (ContactChannel::Phone, false) => "Phone",
            (ContactChannel::Email, true) => "邮件",
            (ContactChannel::Email, false) => "Email",
            (ContactChannel::Sms, true) => "短信",
            (ContactChannel::Sms, false) => "SMS",
            (ContactChannel::InPerson, true) => "面访",
            (ContactChannel::InPerson, false) => "In person",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CareStatus {
    Open,
    Done {
        at: NaiveDateTime,
        by: String,
        channel: ContactChannel,
        note: String,
    },
    Skipped {
        at: NaiveDateTime,
        by: String,
        reason: String,
    },
}

/// A due care task or return visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareTask {
    /// Deterministic: `care_task:<kind key>:<customer id>:<due date>` (not time-ordered, so
    /// that generating the same task twice gives the same document).
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub customer_id: String,
    pub kind: CareKind,
    pub due: NaiveDate,
    #[serde(default)]
    pub staff_id: Option<String>,
    pub status: CareStatus,
}

impl Record for CareTask {
    const TYPE: &'static str = "care_task";
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CareError {
    #[error("the task is already closed")]
    AlreadyClosed,
    #[error("a reason is required")]
    ReasonRequired,
}

impl CareError {
    pub fn message(&self, zh: bool) -> &'static str {
        match (self, zh) {
            (CareError::AlreadyClosed, true) => "该任务已经关闭",
            (CareError::AlreadyClosed, false) => "This task is already closed",
            (CareError::ReasonRequired, true) => "请填写原因",
            (CareError::ReasonRequired, false) => "Please give a reason",
        }
    }
}

impl CareTask {
    pub fn task_id(kind: &CareKind, customer_id: &str, due: NaiveDate) -> String {
        format!(
            "{}:{}:{}:{}",
            Self::TYPE,
            kind.key(),
            customer_id,
            due.layout("%Y-%m-%d")
        )
    }

    /// The due date a task id ends with ([`CareTask::task_id`]): what a link to a task can
    /// say of it before the task itself is read (or synced). None for an id of another shape.
    pub fn due_of_id(id: &str) -> Option<NaiveDate> {
        let date = id.strip_prefix(Self::TYPE)?.rsplit(':').next()?;
        NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
    }

    pub fn is_open(&self) -> bool {
        self.status == CareStatus::Open
    }

    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && self.due < today
    }

    /// Records that the customer was reached.
    pub fn complete(
        &mut self,
        note: &str,
        channel: ContactChannel,
        by: &str,
        now: NaiveDateTime,
    ) -> Result<(), CareError> {
        if !self.is_open() {
            return Err(CareError::AlreadyClosed);
        }
        self.status = CareStatus::Done {
            at: now,
            by: by.to_string(),
            channel,
            note: note.trim().to_string(),
        };
        Ok(())
    }

    /// Closes the task without contact (customer unreachable, declined …).
    pub fn skip(&mut self, reason: &str, by: &str, now: NaiveDateTime) -> Result<(), CareError> {
        if !self.is_open() {
            return Err(CareError::AlreadyClosed);
        }
        if reason.trim().is_empty() {
            return Err(CareError::ReasonRequired);
        }
        self.status = CareStatus::Skipped {
            at: now,
            by: by.to_string(),
            reason: reason.trim().to_string(),
        };
        Ok(())
    }
}

/// The date of a yearly event (birthday, anniversary) in `year`; 29 February becomes
/// 28 February in years without it.
pub fn yearly_date(original: NaiveDate, year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, original.month(), original.day()).or_else(|| {
        if original.month() == 2 && original.day() == 29 {
            NaiveDate::from_ymd_opt(year, 2, 28)
        } else {
            None
        }
    })
}

fn new_task(
    customer: &Customer,
    kind: CareKind,
    due: NaiveDate,
    staff: Option<&String>,
) -> CareTask {
    CareTask {
        id: CareTask::task_id(&kind, &customer.id, due),
        rev: None,
        customer_id: customer.id.clone(),
        kind,
        due,
        staff_id: staff.or(customer.staff_id.as_ref()).cloned(),
        status: CareStatus::Open,
    }
}

/// The care tasks due from `today` to `today + horizon_days` (inclusive) that are not
/// already among `existing` (by id), sorted by due date then id. Planned visits come from
/// active plans; birthdays, anniversaries and holidays from `settings`.
///
/// A planned return visit is a call staff make at work: one whose date the working calendar
/// `work` says is not a working day (a weekend, a public holiday) is due the next working day
/// (a make-up working day counts). Greetings keep their own day. `None`: every day is one.
pub fn due_tasks(
    customers: &[Customer],
    plans: &[VisitPlan],
    settings: &CareSettings,
    existing: &[CareTask],
    today: NaiveDate,
    horizon_days: u32,
    work: Option<&WorkingCalendar>,
) -> Vec<CareTask> {
    let end = today + Duration::days(i64::from(horizon_days));
    let in_window = |d: NaiveDate| d >= today && d <= end;
    // A customer already greeted (or passed over) for a holiday on a date is not greeted
    // again that day under another holiday's name (one added by hand on the calendar's date).
    let greeted: HashSet<(&str, NaiveDate)> = existing
        .iter()
        .filter(|t| matches!(t.kind, CareKind::Holiday { .. }) && !t.is_open())
        .map(|t| (t.customer_id.as_str(), t.due))
        .collect();
    let existing: HashSet<&str> = existing.iter().map(|t| t.id.as_str()).collect();
    let mut out: Vec<CareTask> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut push = |t: CareTask, out: &mut Vec<CareTask>| {
        if !existing.contains(t.id.as_str()) && seen.insert(t.id.clone()) {
            out.push(t);
        }
    };

    for c in customers {
        let cared = settings.include_lost || c.lifecycle != Lifecycle::Lost;
        if cared && settings.birthdays {
            if let Some(b) = c.birthday {
                for y in today.year()..=end.year() {
                    if let Some(d) = yearly_date(b, y).filter(|d| in_window(*d)) {
                        push(new_task(c, CareKind::Birthday, d, None), &mut out);
                    }
                }
            }
        }
        if cared && settings.anniversaries {
            if let Some(o) = c.account_opened {
                for y in today.year()..=end.year() {
                    let years = y - o.year();
                    if years < 1 {
                        continue;
                    }
                    if let Some(d) = yearly_date(o, y).filter(|d| in_window(*d)) {
                        let kind = CareKind::AccountAnniversary {
                            years: years as u32,
                        };
                        push(new_task(c, kind, d, None), &mut out);
                    }
                }
            }
        }
        if cared && settings.holiday_filter.matches(c) {
            for h in settings
                .holidays
                .iter()
                .filter(|h| in_window(h.date) && !greeted.contains(&(c.id.as_str(), h.date)))
            {
                let kind = CareKind::Holiday {
                    holiday_id: h.id.clone(),
                    name: h.name.clone(),
                };
                push(new_task(c, kind, h.date, None), &mut out);
            }
        }
    }

    for plan in plans.iter().filter(|p| p.active && p.every.n > 0) {
        let last = plan.end.map_or(end, |e| e.min(end));
        // Skip whole periods before today instead of walking from the start.
        let approx_step_days: i64 = match plan.every.unit {
            PeriodUnit::Days => i64::from(plan.every.n),
            PeriodUnit::Weeks => 7 * i64::from(plan.every.n),
            PeriodUnit::Months => 31 * i64::from(plan.every.n),
        };
        // One step back: a date just before today moved past a weekend or holiday may be due
        // today or later.
        let mut k = u32::try_from(((today - plan.start).num_days() / approx_step_days).max(0))
            .unwrap_or(u32::MAX)
            .saturating_sub(1);
        // (planned date, the day it is due: the first working day on or after it)
        let mut dates = Vec::new();
        while let Some(d) = plan.every.nth(plan.start, k) {
            if d > last {
                break;
            }
            let due = work.map_or(d, |w| w.next_working_day(d));
            if due >= today && due <= end && dates.last().is_none_or(|&(_, last)| last != due) {
                dates.push((d, due));
            }
            k += 1;
        }
        if dates.is_empty() {
            continue;
        }
        let planned = |c: &&Customer| {
            (settings.include_lost || c.lifecycle != Lifecycle::Lost) && plan.filter.matches(c)
        };
        let kind = CareKind::ReturnVisit {
            plan_id: plan.id.clone(),
        };
        for c in customers.iter().filter(planned) {
            for &(planned_on, due) in &dates {
                // A visit made (or passed over) on its planned day, before the calendar moved
                // it, is not asked for again on the working day after.
                let moved = planned_on != due;
                if moved && existing.contains(CareTask::task_id(&kind, &c.id, planned_on).as_str())
                {
                    continue;
                }
                push(
                    new_task(c, kind.clone(), due, plan.staff_id.as_ref()),
                    &mut out,
                );
            }
        }
    }
    sort_by(&mut out, |a, b| {
        a.due.cmp(&b.due).then_with(|| a.id.cmp(&b.id))
    });
    out
}

/// The open tasks among `existing` due from `today` to `today + horizon_days` that the
/// customers, plans and settings no longer call for: a birthday corrected, a customer now
/// lost or gone, a plan stopped or narrowed, a greeting holiday dropped. They were generated
/// from what has changed since, and are withdrawn when the tasks are generated again, so that
/// staff do not call a customer on the wrong day, or one who has left. Only generated kinds
/// are judged: a return visit asked for by hand (from a demand, not a plan of `plans`) never
/// is, nor a task already done or skipped, nor one already past due.
pub fn stale_tasks<'a>(
    customers: &[Customer],
    plans: &[VisitPlan],
    settings: &CareSettings,
    existing: &'a [CareTask],
    today: NaiveDate,
    horizon_days: u32,
    work: Option<&WorkingCalendar>,
) -> Vec<&'a CareTask> {
    let end = today + Duration::days(i64::from(horizon_days));
    let wanted: HashSet<String> =
        due_tasks(customers, plans, settings, &[], today, horizon_days, work)
            .into_iter()
            .map(|t| t.id)
            .collect();
    let generated = |t: &CareTask| match &t.kind {
        CareKind::ReturnVisit { plan_id } => plans.iter().any(|p| &p.id == plan_id),
        _ => true,
    };
    existing
        .iter()
        .filter(|t| t.is_open() && t.due >= today && t.due <= end)
        .filter(|t| generated(t) && !wanted.contains(&t.id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interval_reads_as_english_does() {
        let e = |n, unit| Every { n, unit }.label(false);
        assert_eq!(e(1, PeriodUnit::Months), "every month");
        assert_eq!(e(2, PeriodUnit::Weeks), "every 2 weeks");
        assert_eq!(e(10, PeriodUnit::Days), "every 10 days");
        assert_eq!(
            Every {
                n: 2,
                unit: PeriodUnit::Weeks
            }
            .label(true),
            "每2周"
        );
        let zh = |n, unit| Every { n, unit }.label(true);
        assert_eq!(zh(1, PeriodUnit::Days), "每天");
        assert_eq!(zh(1, PeriodUnit::Weeks), "每周");
        assert_eq!(zh(1, PeriodUnit::Months), "每月");
        assert_eq!(zh(3, PeriodUnit::Months), "每3个月");
    }
    use crate::domain::customer::tests_support::customer;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn settings() -> CareSettings {
        CareSettings {
            holiday_filter: CustomerFilter::default(),
            ..CareSettings::default()
        }
    }

    fn summary(ts: &[CareTask]) -> Vec<(String, String, NaiveDate)> {
        ts.iter()
            .map(|t| (t.customer_id.clone(), t.kind.label(false), t.due))
            .collect()
    }

    #[test]
    fn a_task_id_tells_its_due_date() {
        let kind = CareKind::ReturnVisit {
            plan_id: "demand:01J".into(),
        };
        let id = CareTask::task_id(&kind, "customer:01K", d(2026, 12, 7));
        assert_eq!(CareTask::due_of_id(&id), Some(d(2026, 12, 7)));
        assert_eq!(
            CareTask::due_of_id("complaint:01M90PMNWN7YAR3Q298CE47BRS"),
            None
        );
        assert_eq!(
            CareTask::due_of_id("care_task:visit.demand:x:customer:y:soon"),
            None
        );
    }

    #[test]
    fn greeting_holidays_come_from_the_calendar_once_per_run() {
        let cal = crate::domain::calendar::WorkingCalendar::china_official();
        let hs = holidays_from_calendar(&cal, d(2026, 1, 1), d(2026, 12, 31));
        let got: Vec<(&str, NaiveDate)> = hs.iter().map(|h| (h.id.as_str(), h.date)).collect();
        assert_eq!(
            got,
            vec![
                ("new_year", d(2026, 1, 1)),
                ("spring_festival", d(2026, 2, 15)),
                ("labour_day", d(2026, 5, 1)),
                ("dragon_boat", d(2026, 6, 19)),
                ("mid_autumn", d(2026, 9, 25)),
                ("national_day", d(2026, 10, 1)),
            ]
        );
        assert_eq!(hs[1].name.zh, "春节");
        // A window starting inside a run does not greet on its later days.
        let hs = holidays_from_calendar(&cal, d(2026, 2, 16), d(2026, 3, 31));
        assert!(hs.is_empty());
        // Next year, its notice not entered: the law's days (元旦, 除夕, the festivals).
        let got: Vec<(String, NaiveDate)> =
            holidays_from_calendar(&cal, d(2026, 12, 5), d(2027, 12, 31))
                .into_iter()
                .map(|h| (h.id, h.date))
                .collect();
        let want = [
            ("new_year", d(2027, 1, 1)),
            ("spring_festival", d(2027, 2, 5)),
            ("labour_day", d(2027, 5, 1)),
            ("dragon_boat", d(2027, 6, 9)),
            ("mid_autumn", d(2027, 9, 15)),
            ("national_day", d(2027, 10, 1)),
        ];
        assert_eq!(got, want.map(|(id, at)| (id.to_string(), at)).to_vec());
        // Once the notice is entered, its days alone count (a 元旦 run from 2026-12-31 here).
        let mut entered = cal.clone();
        entered.set_holiday_range(d(2026, 12, 31), d(2027, 1, 2), "元旦", "New Year's Day");
        entered.mark_table_entered(2027, "test");
        let hs = holidays_from_calendar(&entered, d(2026, 12, 5), d(2027, 3, 31));
        assert_eq!(hs.len(), 1);
        assert_eq!(
            (hs[0].id.as_str(), hs[0].date),
            ("new_year", d(2026, 12, 31))
        );
        // Fed to due_tasks: a VIP gets a Spring Festival task; generating again adds none.
        let mut c = customer("customer:vip", Level::High);
        c.tier = Tier::Vip;
        let s = CareSettings {
            holidays: holidays_from_calendar(&cal, d(2026, 2, 1), d(2026, 2, 28)),
            ..CareSettings::default()
        };
        let ts = due_tasks(&[c.clone()], &[], &s, &[], d(2026, 2, 10), 10, None);
        assert_eq!(ts.len(), 1);
        assert_eq!(
            ts[0].id,
            "care_task:holiday.spring_festival:customer:vip:2026-02-15"
        );
        assert!(due_tasks(&[c.clone()], &[], &s, &ts, d(2026, 2, 10), 10, None).is_empty());
        // The greeting done, then a holiday added by hand on the same date (the page puts the
        // calendar's aside for it): not a second greeting that day. While the calendar's is
        // still open, the hand-made one is generated (the open one is withdrawn as stale).
        let mut by_hand = s.clone();
        by_hand.holidays = vec![Holiday {
            id: "custom-cny".into(),
            name: Text::new("新春", "Lunar New Year"),
            date: d(2026, 2, 15),
        }];
        let mut done = ts.clone();
        done[0]
            .complete(
                "",
                ContactChannel::Phone,
                "staff:1",
                d(2026, 2, 11).and_hms_opt(9, 0, 0).unwrap(),
            )
            .unwrap();
        assert!(due_tasks(&[c.clone()], &[], &by_hand, &done, d(2026, 2, 10), 10, None).is_empty());
        let again = due_tasks(&[c.clone()], &[], &by_hand, &ts, d(2026, 2, 10), 10, None);
        assert_eq!(again.len(), 1);
        assert!(again[0].id.starts_with("care_task:holiday.custom-cny:"));
        assert_eq!(
            stale_tasks(&[c.clone()], &[], &by_hand, &ts, d(2026, 2, 10), 10, None).len(),
            1
        );
        // By default every customer is greeted, not only VIPs; narrowed to VIPs, an ordinary
        // customer is not.
        let mut plain = customer("customer:plain", Level::Medium);
        plain.tier = Tier::Normal;
        let ts = due_tasks(
            &[c.clone(), plain.clone()],
            &[],
            &s,
            &[],
            d(2026, 2, 10),
            10,
            None,
        );
        assert_eq!(ts.len(), 2);
        let vips = CareSettings {
            holiday_filter: CustomerFilter {
                tiers: vec![Tier::Vip],
                ..Default::default()
            },
            ..s.clone()
        };
        let ts = due_tasks(&[c, plain], &[], &vips, &[], d(2026, 2, 10), 10, None);
        assert_eq!(ts.len(), 1);
        let cfg = CareConfig::default();
        let v = serde_json::to_value(&cfg).unwrap();
        assert_eq!(serde_json::from_value::<CareConfig>(v).unwrap(), cfg);
    }

    #[test]
    fn leap_day_birthdays_fall_on_28_february() {
        assert_eq!(yearly_date(d(1980, 2, 29), 2027), Some(d(2027, 2, 28)));
        assert_eq!(yearly_date(d(1980, 2, 29), 2028), Some(d(2028, 2, 29)));
        assert_eq!(yearly_date(d(1980, 3, 1), 2027), Some(d(2027, 3, 1)));
        // 2100 is not a leap year (divisible by 100, not by 400); 2000 was.
        assert_eq!(yearly_date(d(1980, 2, 29), 2100), Some(d(2100, 2, 28)));
        assert_eq!(yearly_date(d(1980, 2, 29), 2000), Some(d(2000, 2, 29)));

        let mut c = customer("customer:leap", Level::Medium);
        c.birthday = Some(d(1988, 2, 29));
        c.account_opened = Some(d(2016, 2, 29));
        let ts = due_tasks(
            &[c.clone()],
            &[],
            &settings(),
            &[],
            d(2027, 2, 20),
            14,
            None,
        );
        assert_eq!(
            summary(&ts),
            vec![
                (
                    "customer:leap".into(),
                    "11-year account anniversary".into(),
                    d(2027, 2, 28)
                ),
                (
                    "customer:leap".into(),
                    "Birthday greeting".into(),
                    d(2027, 2, 28)
                ),
            ]
        );
        // In a leap year the day itself; 28 February is outside a window starting 29 Feb.
        let ts = due_tasks(&[c], &[], &settings(), &[], d(2028, 2, 29), 0, None);
        assert_eq!(ts.len(), 2);
        assert!(ts.iter().all(|t| t.due == d(2028, 2, 29)));
        assert_eq!(ts[1].id, "care_task:birthday:customer:leap:2028-02-29");
    }

    #[test]
    fn across_the_year_boundary() {
        let mut c = customer("customer:1", Level::High);
        c.staff_id = Some("staff:9".into());
        c.birthday = Some(d(1975, 1, 5));
        c.account_opened = Some(d(2020, 1, 10));
        let mut s = settings();
        s.holidays = vec![
            Holiday {
                id: "new_year".into(),
                name: Text::new("元旦", "New Year"),
                date: d(2027, 1, 1),
            },
            Holiday {
                id: "spring_festival".into(),
                name: Text::new("春节", "Spring Festival"),
                date: d(2027, 2, 6),
            },
        ];
        let ts = due_tasks(&[c.clone()], &[], &s, &[], d(2026, 12, 20), 30, None);
        assert_eq!(
            summary(&ts),
            vec![
                (
                    "customer:1".into(),
                    "New Year greeting".into(),
                    d(2027, 1, 1)
                ),
                (
                    "customer:1".into(),
                    "Birthday greeting".into(),
                    d(2027, 1, 5)
                ),
                (
                    "customer:1".into(),
                    "7-year account anniversary".into(),
                    d(2027, 1, 10)
                ),
            ]
        );
        assert!(ts.iter().all(|t| t.staff_id.as_deref() == Some("staff:9")));
        // The birthday of the year just ending is already past: not generated.
        assert!(!ts.iter().any(|t| t.due.year() == 2026));

        // Regenerating with the tasks stored gives nothing new; ids are stable.
        let again = due_tasks(&[c.clone()], &[], &s, &ts, d(2026, 12, 20), 30, None);
        assert!(again.is_empty());
        let wider = due_tasks(&[c], &[], &s, &ts, d(2026, 12, 20), 60, None);
        assert_eq!(
            summary(&wider),
            vec![(
                "customer:1".into(),
                "Spring Festival greeting".into(),
                d(2027, 2, 6)
            )]
        );
    }

    #[test]
    fn no_anniversary_in_the_opening_year_and_lost_customers_skipped() {
        let mut c = customer("customer:2", Level::Low);
        c.account_opened = Some(d(2026, 12, 1));
        c.birthday = Some(d(1990, 12, 2));
        let ts = due_tasks(
            &[c.clone()],
            &[],
            &settings(),
            &[],
            d(2026, 11, 30),
            5,
            None,
        );
        assert_eq!(
            summary(&ts),
            vec![(
                "customer:2".into(),
                "Birthday greeting".into(),
                d(2026, 12, 2)
            )]
        );
        c.lifecycle = Lifecycle::Lost;
        assert!(due_tasks(
            &[c.clone()],
            &[],
            &settings(),
            &[],
            d(2026, 11, 30),
            5,
            None
        )
        .is_empty());
        let s = CareSettings {
            include_lost: true,
            ..settings()
        };
        assert_eq!(
            due_tasks(&[c], &[], &s, &[], d(2026, 11, 30), 5, None).len(),
            1
        );
    }

    #[test]
    fn tasks_no_longer_called_for_are_stale() {
        let mut c = customer("customer:2", Level::Low);
        c.birthday = Some(d(1980, 12, 5));
        let today = d(2026, 12, 3);
        let made = due_tasks(&[c.clone()], &[], &settings(), &[], today, 30, None);
        assert_eq!(made.len(), 1);
        // Nothing changed: nothing stale.
        assert!(stale_tasks(&[c.clone()], &[], &settings(), &made, today, 30, None).is_empty());
        // The birthday corrected: the old greeting is stale, the new one is made.
        c.birthday = Some(d(1980, 12, 20));
        let stale = stale_tasks(&[c.clone()], &[], &settings(), &made, today, 30, None);
        assert_eq!(stale, vec![&made[0]]);
        let again = due_tasks(&[c.clone()], &[], &settings(), &made, today, 30, None);
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].due, d(2026, 12, 20));
        // A lost customer gets none; a customer gone (not among them) neither.
        let mut lost = c.clone();
        lost.birthday = Some(d(1980, 12, 5));
        lost.lifecycle = Lifecycle::Lost;
        assert_eq!(
            stale_tasks(&[lost], &[], &settings(), &made, today, 30, None).len(),
            1
        );
        assert_eq!(
            stale_tasks(&[], &[], &settings(), &made, today, 30, None).len(),
            1
        );
        // Done, past due, or a visit asked for by hand: never judged.
        let mut done = made[0].clone();
        done.complete(
            "已致电",
            ContactChannel::Phone,
            "staff:1",
            today.and_hms_opt(9, 0, 0).unwrap(),
        )
        .unwrap();
        let mut past = made[0].clone();
        past.due = d(2026, 12, 1);
        let mut by_hand = made[0].clone();
        by_hand.id = "care_task:visit.demand:1".into();
        by_hand.kind = CareKind::ReturnVisit {
            plan_id: "demand:1".into(),
        };
        let kept = [done, past, by_hand];
        assert!(stale_tasks(&[], &[], &settings(), &kept, today, 30, None).is_empty());
    }

    fn plan(every: Every, start: NaiveDate, filter: CustomerFilter) -> VisitPlan {
        VisitPlan {
            id: "visit_plan:1".into(),
            rev: None,
            name: Text::new("贵宾季度回访", "VIP quarterly visit"),
            filter,
            every,
            start,
            end: None,
            staff_id: Some("staff:5".into()),
            active: true,
        }
    }

    #[test]
    fn a_return_visit_planned_on_a_day_off_is_due_the_next_working_day() {
        let cal = crate::domain::calendar::WorkingCalendar::china_official();
        let cs = [customer("customer:n", Level::Low)];
        let only_n = CustomerFilter {
            customer_ids: vec!["customer:n".into()],
            ..Default::default()
        };
        let off = CareSettings {
            birthdays: false,
            anniversaries: false,
            ..settings()
        };
        let every = |n, unit| Every { n, unit };
        let monthly = plan(every(1, PeriodUnit::Months), d(2026, 9, 1), only_n.clone());
        let dues = |ts: &[CareTask]| ts.iter().map(|t| t.due).collect::<Vec<_>>();
        let today = d(2026, 9, 28);
        let plans = std::slice::from_ref(&monthly);
        // 1 October is 国庆节 (to the 7th), 1 November a Sunday; 1 December a Tuesday.
        let ts = due_tasks(&cs, plans, &off, &[], today, 70, Some(&cal));
        assert_eq!(
            dues(&ts),
            vec![d(2026, 10, 8), d(2026, 11, 2), d(2026, 12, 1)]
        );
        assert!(ts.iter().all(|t| cal.is_working_day(t.due)));
        // Without a calendar every day is one.
        let plain = due_tasks(&cs, plans, &off, &[], today, 70, None);
        assert_eq!(
            dues(&plain),
            vec![d(2026, 10, 1), d(2026, 11, 1), d(2026, 12, 1)]
        );
        // Tasks made before on the day off are withdrawn, and made again on the working day.
        let stale = stale_tasks(&cs, plans, &off, &plain, today, 70, Some(&cal));
        assert_eq!(
            stale.iter().map(|t| t.due).collect::<Vec<_>>(),
            vec![d(2026, 10, 1), d(2026, 11, 1)]
        );
        // A visit already made on its planned day (a Sunday) is not asked for again on Monday.
        let mut made = plain.clone();
        made[1]
            .complete(
                "",
                ContactChannel::Phone,
                "staff:1",
                d(2026, 11, 1).and_hms_opt(10, 0, 0).unwrap(),
            )
            .unwrap();
        let again = due_tasks(&cs, plans, &off, &made[1..2], today, 70, Some(&cal));
        assert_eq!(dues(&again), vec![d(2026, 10, 8), d(2026, 12, 1)]);
        // Weekly on Saturdays from the holiday's 3 October: the 8th, then 10 October, a make-up
        // working day, kept; the 17th moves to Monday the 19th. Several planned days moved to
        // one working day make one visit.
        let weekly = plan(every(1, PeriodUnit::Weeks), d(2026, 10, 3), only_n.clone());
        let ts = due_tasks(&cs, &[weekly], &off, &[], d(2026, 10, 1), 18, Some(&cal));
        assert_eq!(
            dues(&ts),
            vec![d(2026, 10, 8), d(2026, 10, 10), d(2026, 10, 19)]
        );
        let daily = plan(every(1, PeriodUnit::Days), d(2026, 10, 1), only_n);
        let ts = due_tasks(&cs, &[daily], &off, &[], d(2026, 10, 1), 8, Some(&cal));
        assert_eq!(dues(&ts), vec![d(2026, 10, 8), d(2026, 10, 9)]);
        // A day moved past today's date is still due: run on 3 October, the 1st's visit is on
        // the 8th.
        let ts = due_tasks(&cs, plans, &off, &[], d(2026, 10, 3), 10, Some(&cal));
        assert_eq!(dues(&ts), vec![d(2026, 10, 8)]);
    }

    #[test]
    fn visit_plans() {
        let mut vip = customer("customer:v", Level::High);
        vip.tier = Tier::Vip;
        let normal = customer("customer:n", Level::Low);
        let listed = customer("customer:l", Level::Low);
        let cs = [vip, normal, listed];
        let monthly = Every {
            n: 1,
            unit: PeriodUnit::Months,
        };
        let p = plan(
            monthly,
            d(2026, 1, 31),
            CustomerFilter {
                tiers: vec![Tier::Vip],
                customer_ids: vec!["customer:l".into()],
                ..Default::default()
            },
        );
        assert!(p.problems(true).is_empty());
        let off = CareSettings {
            birthdays: false,
            anniversaries: false,
            ..settings()
        };
        // Months from 31 January: 28 Feb, 31 Mar, 30 Apr …
        let ts = due_tasks(
            &cs,
            std::slice::from_ref(&p),
            &off,
            &[],
            d(2026, 2, 1),
            70,
            None,
        );
        let got: Vec<(&str, NaiveDate)> =
            ts.iter().map(|t| (t.customer_id.as_str(), t.due)).collect();
        assert_eq!(
            got,
            vec![
                ("customer:l", d(2026, 2, 28)),
                ("customer:v", d(2026, 2, 28)),
                ("customer:l", d(2026, 3, 31)),
                ("customer:v", d(2026, 3, 31)),
            ]
        );
        assert!(ts.iter().all(|t| t.staff_id.as_deref() == Some("staff:5")));
        assert_eq!(
            ts[0].id,
            "care_task:visit.visit_plan:1:customer:l:2026-02-28"
        );

        // Every 2 weeks from a long-past start: the occurrences in the window only.
        let mut p2 = plan(
            Every {
                n: 2,
                unit: PeriodUnit::Weeks,
            },
            d(2020, 1, 13),
            CustomerFilter {
                customer_ids: vec!["customer:n".into()],
                ..Default::default()
            },
        );
        p2.id = "visit_plan:2".into();
        let ts = due_tasks(&cs, &[p2.clone()], &off, &[], d(2026, 11, 23), 20, None);
        // 2026-11-23 is 358 weeks (an even number) after 2020-01-13 → due 23 Nov and 7 Dec;
        // 21 Dec is past the window's end (13 Dec).
        assert_eq!((d(2026, 11, 23) - d(2020, 1, 13)).num_days(), 358 * 7);
        assert_eq!(
            ts.iter().map(|t| t.due).collect::<Vec<_>>(),
            vec![d(2026, 11, 23), d(2026, 12, 7)]
        );
        // An end date and an inactive plan stop visits.
        p2.end = Some(d(2026, 12, 1));
        assert_eq!(
            due_tasks(&cs, &[p2.clone()], &off, &[], d(2026, 11, 23), 20, None).len(),
            1
        );
        p2.active = false;
        assert!(due_tasks(&cs, &[p2], &off, &[], d(2026, 11, 23), 20, None).is_empty());
        let bad = VisitPlan {
            every: Every {
                n: 0,
                unit: PeriodUnit::Days,
            },
            end: Some(d(2019, 1, 1)),
            ..p.clone()
        };
        assert_eq!(bad.problems(false).len(), 2);
        // At most a year in any unit; said with the range, in words.
        let every = |n, unit| VisitPlan {
            every: Every { n, unit },
            ..p.clone()
        };
        assert!(every(12, PeriodUnit::Months).problems(true).is_empty());
        assert!(every(52, PeriodUnit::Weeks).problems(true).is_empty());
        assert!(every(366, PeriodUnit::Days).problems(true).is_empty());
        assert_eq!(
            every(1000, PeriodUnit::Months).problems(true),
            vec!["回访周期须为1到12之间的整数（个月）".to_string()]
        );
        assert_eq!(
            every(0, PeriodUnit::Weeks).problems(false),
            vec!["The interval must be a whole number of weeks from 1 to 52".to_string()]
        );
        assert_eq!(every(367, PeriodUnit::Days).problems(true).len(), 1);
    }

    #[test]
    fn lost_customers_are_left_out_of_plans_unless_won_back() {
        let mut vip = customer("customer:v", Level::High);
        vip.tier = Tier::Vip;
        let mut other = customer("customer:o", Level::High);
        other.tier = Tier::Vip;
        let p = plan(
            Every {
                n: 1,
                unit: PeriodUnit::Months,
            },
            d(2026, 11, 23),
            CustomerFilter {
                tiers: vec![Tier::Vip],
                ..Default::default()
            },
        );
        let off = CareSettings {
            birthdays: false,
            anniversaries: false,
            ..settings()
        };
        let today = d(2026, 11, 23);
        let plans = std::slice::from_ref(&p);
        let made = due_tasks(
            &[vip.clone(), other.clone()],
            plans,
            &off,
            &[],
            today,
            20,
            None,
        );
        assert_eq!(made.len(), 2);
        // The customer has left: no visit planned, and the open one is withdrawn.
        vip.lifecycle = Lifecycle::Lost;
        let cs = [vip.clone(), other];
        let ts = due_tasks(&cs, plans, &off, &[], today, 20, None);
        assert_eq!(
            summary(&ts),
            vec![("customer:o".into(), "Planned return visit".into(), today)]
        );
        let stale = stale_tasks(&cs, plans, &off, &made, today, 20, None);
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].customer_id, "customer:v");
        // 包括流失客户（挽回）: visited as the greetings are, nothing withdrawn.
        let win_back = CareSettings {
            include_lost: true,
            ..off
        };
        assert_eq!(
            due_tasks(&cs, plans, &win_back, &[], today, 20, None).len(),
            2
        );
        assert!(stale_tasks(&cs, plans, &win_back, &made, today, 20, None).is_empty());
    }

    #[test]
    fn a_filter_says_whom_it_takes_in() {
        let mut f = CustomerFilter::default();
        assert_eq!(f.describe(true), "全部客户");
        f.customer_ids = vec!["customer:1".into()];
        assert_eq!(f.describe(true), "仅 1 位指定客户");
        assert_eq!(f.describe(false), "only 1 listed customer(s)");
        f.tiers = vec![Tier::Vip];
        f.values = vec![Level::High];
        assert_eq!(f.describe(true), "VIP客户、价值高，另加 1 位指定客户");
        assert_eq!(
            f.describe(false),
            "VIP, High value, plus 1 listed customer(s)"
        );
        f.customer_ids.clear();
        assert_eq!(f.describe(true), "VIP客户、价值高");
    }

    #[test]
    fn customer_filter() {
        let mut c = customer("customer:1", Level::High);
        c.tier = Tier::Vip;
        assert!(CustomerFilter::default().matches(&c));
        assert!(CustomerFilter {
            values: vec![Level::High],
            ..Default::default()
        }
        .matches(&c));
        assert!(!CustomerFilter {
            values: vec![Level::Low],
            ..Default::default()
        }
        .matches(&c));
        assert!(!CustomerFilter {
            tiers: vec![Tier::Vip],
            values: vec![Level::Low],
            ..Default::default()
        }
        .matches(&c));
        assert!(!CustomerFilter {
            customer_ids: vec!["customer:2".into()],
            ..Default::default()
        }
        .matches(&c));
        assert!(CustomerFilter {
            customer_ids: vec!["customer:1".into()],
            values: vec![Level::Low],
            ..Default::default()
        }
        .matches(&c));
    }

    #[test]
    fn completing_and_skipping() {
        let mut c = customer("customer:1", Level::High);
        c.birthday = Some(d(1980, 6, 1));
        let mut ts = due_tasks(&[c], &[], &settings(), &[], d(2026, 5, 30), 5, None);
        let now = NaiveDateTime::new(d(2026, 6, 1), chrono::NaiveTime::MIN);
        let t = &mut ts[0];
        assert!(!t.is_overdue(d(2026, 6, 1)));
        assert!(t.is_overdue(d(2026, 6, 2)));
        t.complete(" 已致电祝福 ", ContactChannel::Phone, "staff:1", now)
            .unwrap();
        assert_eq!(
            t.status,
            CareStatus::Done {
                at: now,
                by: "staff:1".into(),
                channel: ContactChannel::Phone,
                note: "已致电祝福".into()
            }
        );
        assert!(!t.is_overdue(d(2026, 7, 1)));
        assert_eq!(
            t.complete("", ContactChannel::Sms, "staff:1", now),
            Err(CareError::AlreadyClosed)
        );
        let mut t2 = ts[0].clone();
        t2.status = CareStatus::Open;
        assert_eq!(t2.skip(" ", "staff:1", now), Err(CareError::ReasonRequired));
        t2.skip("客户电话停机", "staff:1", now).unwrap();
        assert!(matches!(t2.status, CareStatus::Skipped { .. }));
        let json = serde_json::to_string(&t2).unwrap();
        assert_eq!(serde_json::from_str::<CareTask>(&json).unwrap(), t2);
    }
}
