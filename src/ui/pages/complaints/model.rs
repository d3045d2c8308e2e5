//! complaints/model: what the complaint pages share that is not a component — the list
//! filter (from and to the query string, and whether a case passes it), slugs for the domain's
//! enums, and how times, durations and clocks are written in words.

use crate::domain::datefmt::Layout;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta, Timelike};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value as Json;

use crate::domain::calendar::WorkingCalendar;
use crate::domain::complaint::{
    deadline_of, ApprovalStage, Category, Channel, ClockState, Complaint, Status,
};
use crate::store::schema::phone_digits;
use crate::ui::i18n::Lang;

/// The serde name of a domain enum value (`awaiting_approval`), used in URLs, selects and test
/// ids.
pub fn slug<T: Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(Json::String(s)) => s,
        _ => String::new(),
    }
}

/// The enum value of a slug written by [`slug`].
pub fn from_slug<T: DeserializeOwned>(s: &str) -> Option<T> {
    if s.is_empty() {
        return None;
    }
    serde_json::from_value(Json::String(s.to_string())).ok()
}

/// The current local time to the second (stored times carry no fractions).
pub fn now_s() -> NaiveDateTime {
    let t = crate::ui::platform::now();
    t.with_nanosecond(0).unwrap_or(t)
}

/// A time as staff read it: `2026-11-22 14:05`.
pub fn fmt_dt(t: NaiveDateTime) -> String {
    t.layout("%Y-%m-%d %H:%M")
}

/// The value of an `<input type="datetime-local">`.
pub fn to_input(t: NaiveDateTime) -> String {
    t.layout("%Y-%m-%dT%H:%M")
}

/// Reads an `<input type="datetime-local">` value (with or without seconds).
pub fn from_input(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .ok()
}

/// A duration in words: `2 天 3 小时`, `45 分钟` / `2 d 3 h`, `45 min`.
pub fn human(d: TimeDelta, lang: Lang) -> String {
    // A part of a minute counts as one: late by seconds reads "1 min", not "0 min".
    let mins = (d.num_seconds().abs() + 59) / 60;
    let (days, hours, minutes) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    let zh = lang.is_zh();
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(if zh {
            format!("{days} 天")
        } else {
            format!("{days} d")
        });
    }
    if hours > 0 {
        parts.push(if zh {
            format!("{hours} 小时")
        } else {
            format!("{hours} h")
        });
    }
    if days == 0 && (minutes > 0 || hours == 0) {
        parts.push(if zh {
            format!("{minutes} 分钟")
        } else {
            format!("{minutes} min")
        });
    }
    parts.join(" ")
}

/// What a verification visit found of the round's corrective measures.
pub fn measures_words(effective: bool, lang: Lang) -> &'static str {
    if effective {
        lang.t(
            "整改措施已落实，达到预期效果",
            "Corrective measures carried out and working",
        )
    } else {
        lang.t(
            "整改措施未落实或未达到预期效果",
            "Corrective measures not carried out, or not working",
        )
    }
}

/// A clock's state in words, with the badge class that colours it. `target`: a service
/// target of the process, not a limit the complaint procedure sets (those are breaches).
pub fn clock_words(state: ClockState, lang: Lang, target: bool) -> (&'static str, String) {
    let zh = lang.is_zh();
    match state {
        // A service target (not a limit of the complaint procedure) missed: not a breach of
        // the procedure, and not said as one.
        ClockState::MetLate { by } if target => (
            "warn",
            if zh {
                format!("晚于目标完成（晚 {}）", human(by, lang))
            } else {
                format!("Met after the target (by {})", human(by, lang))
            },
        ),
        ClockState::Overdue { by } if target => (
            "warn",
            if zh {
                format!("已过目标时间 {}", human(by, lang))
            } else {
                format!("Past the target by {}", human(by, lang))
            },
        ),
        ClockState::Met => ("ok", lang.s("按时完成", "Met in time")),
        ClockState::MetLate { by } => (
            "bad",
            if zh {
                format!("超时完成（晚 {}）", human(by, lang))
            } else {
                format!("Met late (by {})", human(by, lang))
            },
        ),
        ClockState::OnTime { left } => (
            "info",
            if zh {
                format!("剩余 {}", human(left, lang))
            } else {
                format!("{} left", human(left, lang))
            },
        ),
        ClockState::DueToday { left } => (
            "warn",
            if zh {
                format!("今日到期，剩余 {}", human(left, lang))
            } else {
                format!("Due today, {} left", human(left, lang))
            },
        ),
        ClockState::Overdue { by } => (
            "bad",
            if zh {
                format!("已超时 {}", human(by, lang))
            } else {
                format!("Overdue by {}", human(by, lang))
            },
        ),
    }
}

/// Where an open case stands against its listed deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Urgency {
    None,
    DueToday,
    Overdue,
}

pub fn urgency(c: &Complaint, cal: &WorkingCalendar, now: NaiveDateTime) -> Urgency {
    match deadline_of(c, cal) {
        Some(d) if d < now => Urgency::Overdue,
        Some(d) if d.date() == now.date() => Urgency::DueToday,
        _ => Urgency::None,
    }
}

/// Which statuses the list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    All,
    Open,
    One(Status),
    /// Awaiting approval, approved at every level: waiting for the response (已审批，待反馈).
    Approved,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DueFilter {
    #[default]
    All,
    Today,
    Overdue,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sort {
    /// Received, newest first.
    #[default]
    Newest,
    Oldest,
    /// Listed deadline, soonest first (open cases only).
    Deadline,
}

/// The list's filters, as in the query string (`/complaints?status=open&due=overdue`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ListFilter {
    pub status: StatusFilter,
    pub category: Option<Category>,
    pub channel: Option<Channel>,
    pub severity: Option<u8>,
    pub department: String,
    pub staff: String,
    /// Cases a staff member has worked on (经手): any step in the case's history is theirs.
    /// A staff id, or `me` for whoever is signed in ([`ListFilter::me`]).
    pub by: String,
    /// The signed-in staff member's id, which `by=me` stands for (not in the query string: a
    /// copied "my cases" link is its reader's own cases).
    pub me: Option<String>,
    pub due: DueFilter,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub q: String,
    pub sort: Sort,
}

impl ListFilter {
    /// Reads the filter from query-string parameters (unknown values are ignored).
    pub fn from_query(get: &dyn Fn(&str) -> Option<String>) -> ListFilter {
        let g = |k: &str| get(k).unwrap_or_default();
        let status = match g("status").as_str() {
            "open" => StatusFilter::Open,
            "approved" => StatusFilter::Approved,
            s => from_slug::<Status>(s)
                .map(StatusFilter::One)
                .unwrap_or_default(),
        };
        let due = match g("due").as_str() {
            "today" => DueFilter::Today,
            "overdue" => DueFilter::Overdue,
            _ => DueFilter::All,
        };
        let sort = match g("sort").as_str() {
            "oldest" => Sort::Oldest,
            "deadline" => Sort::Deadline,
            _ => Sort::Newest,
        };
        let date = |k: &str| NaiveDate::parse_from_str(&g(k), "%Y-%m-%d").ok();
        ListFilter {
            status,
            category: from_slug(&g("category")),
            channel: from_slug(&g("channel")),
            severity: g("severity").parse().ok().filter(|n| (1..=5).contains(n)),
            department: g("department").trim().to_string(),
            staff: g("staff").trim().to_string(),
            by: g("by").trim().to_string(),
            me: None,
            due,
            from: date("from"),
            to: date("to"),
            q: g("q").trim().to_string(),
            sort,
        }
    }

    /// The link's filter values that [`ListFilter::from_query`] could not read and so ignores
    /// (`status=closd`), as `key=value`: the list says so rather than quietly showing more.
    pub fn not_understood(get: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
        const DEFAULTS: [(&str, &str); 3] = [("status", "all"), ("due", "all"), ("sort", "newest")];
        [
            "status", "category", "channel", "severity", "due", "from", "to", "sort",
        ]
        .into_iter()
        .filter_map(|k| {
            let v = get(k)?.trim().to_string();
            let read = ListFilter::from_query(&|key| (key == k).then(|| v.clone()));
            let ignored =
                !v.is_empty() && read == ListFilter::default() && !DEFAULTS.contains(&(k, &v));
            ignored.then(|| format!("{k}={v}"))
        })
        .collect()
    }

    /// The query string of this filter (without `?`; empty for no filter).
    pub fn to_query(&self) -> String {
        self.pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={}", encode(&v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The filter as a part of an export's file name (`-status-open-department-运营部`; empty
    /// for no filter), so that files exported with different filters are told apart.
    pub fn file_tag(&self) -> String {
        let tag: String = self
            .pairs()
            .into_iter()
            .map(|(k, v)| format!("-{k}-{v}"))
            .collect::<String>()
            .chars()
            .map(|c| {
                if c.is_whitespace() || r#"/\:*?"<>|%"#.contains(c) {
                    '_'
                } else {
                    c
                }
            })
            .take(80)
            .collect();
        tag
    }

    /// The filter's query-string pairs, unencoded, in a fixed order.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = Vec::new();
        match self.status {
            StatusFilter::All => {}
            StatusFilter::Open => pairs.push(("status", "open".into())),
            StatusFilter::One(s) => pairs.push(("status", slug(s))),
            StatusFilter::Approved => pairs.push(("status", "approved".into())),
        }
        if let Some(c) = self.category {
            pairs.push(("category", slug(c)));
        }
        if let Some(c) = self.channel {
            pairs.push(("channel", slug(c)));
        }
        if let Some(s) = self.severity {
            pairs.push(("severity", s.to_string()));
        }
        if !self.department.is_empty() {
            pairs.push(("department", self.department.clone()));
        }
        if !self.staff.is_empty() {
            pairs.push(("staff", self.staff.clone()));
        }
        if !self.by.is_empty() {
            pairs.push(("by", self.by.clone()));
        }
        match self.due {
            DueFilter::All => {}
            DueFilter::Today => pairs.push(("due", "today".into())),
            DueFilter::Overdue => pairs.push(("due", "overdue".into())),
        }
        if let Some(d) = self.from {
            pairs.push(("from", d.to_string()));
        }
        if let Some(d) = self.to {
            pairs.push(("to", d.to_string()));
        }
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        match self.sort {
            Sort::Newest => {}
            Sort::Oldest => pairs.push(("sort", "oldest".into())),
            Sort::Deadline => pairs.push(("sort", "deadline".into())),
        }
        pairs
    }

    /// Whether the search text is (the start of) a case number.
    pub fn case_no_search(&self) -> Option<String> {
        let q = folded(self.q.trim()).to_uppercase();
        q.starts_with("TS-").then_some(q)
    }

    /// The search as what the phone indexes find: a phone number typed (digits, with spaces,
    /// dashes, brackets or a leading `+`) and keyed as they key it ([`phone_digits`]): exactly
    /// four digits (a phone's last four), or at least three beginning with 1 (a mobile) or 0
    /// (an area code). Other digits (the middle of a number, a landline without its area code,
    /// the date or serial of a case number) are searched for in every case read.
    pub fn phone_search(&self) -> Option<String> {
        let q = folded(self.q.trim());
        let digits = phone_digits(&q);
        let indexed = digits.len() == 4
            || (digits.len() >= 3 && (digits.starts_with('1') || digits.starts_with('0')));
        (phone_like(&q) && indexed).then_some(digits)
    }

    /// The staff id whose cases `by` asks for: None for `me` with nobody signed in (no case).
    pub fn by_id(&self) -> Option<&str> {
        match self.by.as_str() {
            "me" => self.me.as_deref(),
            id => Some(id),
        }
    }

    /// The received-from date is after the to date.
    pub fn range_reversed(&self) -> bool {
        matches!((self.from, self.to), (Some(a), Some(b)) if a > b)
    }

    /// `by=me` with nobody signed in.
    pub fn me_unknown(&self) -> bool {
        self.by == "me" && self.me.is_none()
    }

    /// No case can match (nothing to read or export).
    pub fn finds_nothing(&self) -> bool {
        self.range_reversed() || self.me_unknown()
    }

    fn approved(c: &Complaint) -> bool {
        c.approval_stage() == Some(ApprovalStage::Approved)
    }

    /// Whether a case passes every filter (also those the chosen index already applied).
    pub fn matches(&self, c: &Complaint, cal: &WorkingCalendar, now: NaiveDateTime) -> bool {
        let status_ok = match self.status {
            StatusFilter::All => true,
            StatusFilter::Open => c.status.is_open(),
            StatusFilter::One(s) => {
                c.status == s && !(s == Status::AwaitingApproval && Self::approved(c))
            }
            StatusFilter::Approved => Self::approved(c),
        };
        let due_ok = match self.due {
            DueFilter::All => true,
            DueFilter::Today => urgency(c, cal, now) == Urgency::DueToday,
            DueFilter::Overdue => urgency(c, cal, now) == Urgency::Overdue,
        };
        let contains =
            |hay: &str, needle: &str| hay.to_lowercase().contains(&needle.to_lowercase());
        status_ok
            && due_ok
            && self.category.is_none_or(|x| c.category == Some(x))
            && self.channel.is_none_or(|x| c.channel == x)
            && self.severity.is_none_or(|x| c.severity == Some(x))
            && (self.department.is_empty()
                || c.department.as_deref().map(str::trim) == Some(self.department.as_str()))
            && (self.staff.is_empty() || c.staff_involved.iter().any(|s| contains(s, &self.staff)))
            && (self.by.is_empty()
                || self
                    .by_id()
                    .is_some_and(|id| c.history.iter().any(|e| e.by.id == id)))
            && self.from.is_none_or(|d| c.received_at.date() >= d)
            && self.to.is_none_or(|d| c.received_at.date() <= d)
            && (self.q.is_empty() || search_matches(c, &self.q))
    }
}

/// Whether a case matches a search: part of the case number, the complainant's name, e-mail
/// or narrative, or, for a search of phone digits (at least three), part of the phone number,
/// as typed or as the phone indexes key it (a mobile without its country code).
pub fn search_matches(c: &Complaint, q: &str) -> bool {
    let q = folded(q.trim());
    if q.is_empty() {
        return true;
    }
    let digits = |s: &str| -> String { s.chars().filter(char::is_ascii_digit).collect() };
    let phone = &c.complainant.phone;
    let in_phone = || {
        let (typed, keyed) = (digits(&q), phone_digits(&q));
        typed.len() >= 3 && (digits(phone).contains(&typed) || phone_digits(phone).contains(&keyed))
    };
    folded(&c.case_no).contains(&q)
        || folded(&c.complainant.name).contains(&q)
        || folded(&c.complainant.email).contains(&q)
        || folded(&c.narrative).contains(&q)
        || (phone_like(&q) && in_phone())
}

/// Text as a search compares it: in lower case, full-width letters, digits and signs as
/// ASCII ones (a search typed "１３９" or "ＴＳ－２０２６" found nothing; a case's text typed so
/// is found by either).
fn folded(s: &str) -> String {
    s.chars()
        .map(crate::domain::customer::half_width_char)
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a search is typed as a phone number: digits, spaces, dashes, brackets, a leading `+`.
fn phone_like(q: &str) -> bool {
    let q = q.strip_prefix('+').unwrap_or(q);
    q.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'))
}

/// Percent-encoding for a query-string value.
pub fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

/// Status badge class.
pub fn status_class(s: Status) -> &'static str {
    match s {
        Status::Closed | Status::Archived => "ok",
        Status::AwaitingApproval => "warn",
        _ => "info",
    }
}
