//! reports/labels: how report keys read in the UI language, and the stable slugs used in test
//! ids and CSS classes.

use crate::domain::datefmt::Layout;
use chrono::NaiveDateTime;
use serde::Serialize;

use crate::domain::complaint::{
    severity_en, severity_zh, Category, Channel, ClockState, Responsibility, Status,
};
use crate::ui::i18n::Lang;

pub fn channel(c: Channel, lang: Lang) -> String {
    lang.t(c.zh(), c.en()).into()
}

pub fn status(s: Status, lang: Lang) -> String {
    lang.t(s.zh(), s.en()).into()
}

pub fn category(c: Option<Category>, lang: Lang) -> String {
    match c {
        Some(c) => lang.t(c.zh(), c.en()).into(),
        None => lang.t("未分类", "Unclassified").into(),
    }
}

pub fn department(d: &Option<String>, lang: Lang) -> String {
    match d {
        Some(d) => d.clone(),
        None => lang.t("未分派", "Unassigned").into(),
    }
}

pub fn severity(s: Option<u8>, lang: Lang) -> String {
    match s {
        Some(n) => format!("{n} {}", lang.t(severity_zh(n), severity_en(n))),
        None => lang.t("未定", "Unrated").into(),
    }
}

pub fn outcome(r: Option<Responsibility>, lang: Lang) -> String {
    match r {
        Some(r) => lang.t(r.zh(), r.en()).into(),
        None => lang.t("未认定", "Undetermined").into(),
    }
}

pub fn clock_state(s: ClockState, lang: Lang) -> &'static str {
    match s {
        ClockState::Met => lang.t("按时", "On time"),
        ClockState::MetLate { .. } => lang.t("超时完成", "Late"),
        ClockState::Overdue { .. } => lang.t("已超时", "Overdue"),
        ClockState::OnTime { .. } | ClockState::DueToday { .. } => lang.t("未到期", "Pending"),
    }
}

/// A key as its serde name (`phone`, `ours_partial`, `2`), `none` for a missing one.
pub fn slug<T: Serialize>(key: &T) -> String {
    match serde_json::to_value(key) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Null) | Err(_) => "none".into(),
        Ok(other) => other.to_string(),
    }
}

/// `part` of `whole` as a percentage, as the report's CSV has it.
pub use crate::domain::report::percent;

pub fn time(t: NaiveDateTime) -> String {
    t.layout("%Y-%m-%d %H:%M")
}
