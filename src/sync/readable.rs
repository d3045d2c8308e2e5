//! sync/readable: a conflicting document as staff read it — the record named as they know it,
//! field names as labels, values as text (enums through the domain's labels, lists and
//! objects summarised, never raw JSON) and contact data masked as lists mask it. Pure, for
//! the conflict list and for the note a settled conflict leaves in a case's history.

use chrono::NaiveDateTime;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

use crate::domain::complaint::{
    severity_en, severity_zh, Category, Channel, HistoryEvent, Responsibility, Status,
};
use crate::domain::customer::{
    mask_account, mask_email, mask_phone, CustomerKind, Level, Lifecycle, Tier,
};
use crate::domain::demand::{DemandStatus, DemandType};
use crate::domain::staff::Role;

fn pick(zh: bool, z: &str, e: &str) -> String {
    if zh { z } else { e }.to_string()
}

fn text<'a>(v: &'a Json, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Json::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The first `n` characters of `s`, with "…" when cut.
fn start_of(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

/// A record named as staff know it: a complaint by its case number and complainant, a
/// customer or staff member by name, a demand by the start of its description; else its id.
pub fn record_name(doc_type: Option<&str>, body: &Json, id: &str, zh: bool) -> String {
    let named = match doc_type {
        Some("complaint") => match (
            text(body, "case_no"),
            body.get("complainant").and_then(|c| text(c, "name")),
        ) {
            (Some(no), Some(name)) => Some(format!("{no} · {name}")),
            (Some(no), None) => Some(no.to_string()),
            (None, Some(name)) => Some(name.to_string()),
            (None, None) => None,
        }
        .map(|s| format!("{}{s}", pick(zh, "投诉 ", "Complaint "))),
        Some("customer") => {
            text(body, "name").map(|n| format!("{}{n}", pick(zh, "客户 ", "Customer ")))
        }
        Some("staff") => text(body, "name").map(|n| format!("{}{n}", pick(zh, "员工 ", "Staff "))),
        Some("demand") => text(body, "description").map(|d| {
            if zh {
                format!("需求「{}」", start_of(d, 20))
            } else {
                format!("Demand “{}”", start_of(d, 30))
            }
        }),
        Some("settings") => Some(pick(zh, "营业部设置", "Branch settings")),
        Some("survey") => body
            .get("title")
            .and_then(|t| text(t, if zh { "zh" } else { "en" }))
            .map(|t| format!("{}{t}", pick(zh, "问卷 ", "Survey "))),
        _ => text(body, "name").map(str::to_string),
    };
    named.unwrap_or_else(|| id.to_string())
}

/// A field's label in the UI language; unknown fields by their key.
pub fn field_label(doc_type: Option<&str>, key: &str, zh: bool) -> String {
    let common = |key: &str| -> Option<(&str, &str)> {
        Some(match key {
            "name" => ("姓名/名称", "Name"),
            "phone" => ("手机", "Phone"),
            "email" => ("邮箱", "Email"),
            "status" => ("状态", "Status"),
            "stage" => ("旅程阶段", "Journey stage"),
            "history" => ("处理记录", "History"),
            "notes" => ("备注", "Notes"),
            "customer_id" => ("关联客户", "Linked customer"),
            "branch" | "branch_code" => ("营业部", "Branch"),
            "updated_at" => ("更新时间", "Updated"),
            _ => return None,
        })
    };
    let specific = match doc_type {
        Some("complaint") => match key {
            "case_no" => Some(("案件编号", "Case no.")),
            "complainant" => Some(("投诉人", "Complainant")),
            "channel" => Some(("受理方式", "Channel")),
            "received_at" => Some(("受理时间", "Received")),
            "event_time" => Some(("事件时间", "Time of the event")),
            "event_place" => Some(("事件地点", "Place")),
            "staff_involved" => Some(("涉及人员", "Staff involved")),
            "narrative" => Some(("投诉事由及经过", "What happened")),
            "category" => Some(("投诉类别", "Category")),
            "severity" => Some(("严重程度", "Severity")),
            "department" => Some(("责任部门", "Department")),
            "preliminary_opinion" => Some(("初步处理意见", "Preliminary opinion")),
            "rounds" => Some(("调查处理（各轮）", "Handling rounds")),
            "closed_at" => Some(("闭环时间", "Closed")),
            "archived_at" => Some(("归档时间", "Archived")),
            "destroyed" => Some(("已销毁", "Destroyed")),
            "from_demand" => Some(("来源需求", "From demand")),
            "from_survey" => Some(("来源满意度调查", "From a survey response")),
            _ => None,
        },
        Some("customer") => match key {
            "kind" => Some(("客户类型", "Kind")),
            "tier" => Some(("客户等级", "Tier")),
            "value" => Some(("客户价值", "Value level")),
            "lifecycle" => Some(("生命周期", "Lifecycle")),
            "account_no" => Some(("客户号", "Account no.")),
            "account_opened" => Some(("开户日期", "Account opened")),
            "birthday" => Some(("生日", "Birthday")),
            "staff_id" => Some(("服务人员", "Assigned staff")),
            _ => None,
        },
        Some("demand") => match key {
            "kind" => Some(("需求类型", "Type")),
            "description" => Some(("需求内容", "Description")),
            "urgency" => Some(("紧急程度", "Urgency")),
            "importance" => Some(("重要程度", "Importance")),
            "intensity" => Some(("需求强度", "Demand intensity")),
            "service_cost" => Some(("预计服务成本", "Estimated service cost")),
            "customer_value" => Some(("客户价值", "Customer value")),
            "owner" => Some(("负责人", "Owner")),
            "created_at" => Some(("登记时间", "Recorded")),
            "due" => Some(("完成期限", "Due")),
            "links" => Some(("关联记录", "Links")),
            "override_quadrant" | "override_grid" => Some(("手动调整的位置", "Moved by hand")),
            _ => None,
        },
        Some("staff") => match key {
            "role" => Some(("岗位", "Role")),
            "active" => Some(("在岗", "Active")),
            "pin_hash" => Some(("PIN", "PIN")),
            _ => None,
        },
        Some("settings") => match key {
            "calendar" => Some(("工作日历", "Working calendar")),
            "calendar_changes" => Some(("日历修改记录", "Calendar change log")),
            _ => None,
        },
        Some("survey") => match key {
            "title" => Some(("标题", "Title")),
            "version" => Some(("版本", "Version")),
            "mode" => Some(("作答方式", "Layout")),
            "scales" => Some(("量表", "Scales")),
            "touchpoint" => Some(("触点", "Touchpoint")),
            "stopped_at" => Some(("停用时间", "Stopped")),
            "previous_versions" => Some(("历史版本", "Earlier versions")),
            // The one choice of a survey's definition (see `conflicts::SURVEY_DEFINITION`).
            "questions" => Some(("题目（及版本）", "Questions (and version)")),
            "changed" => Some(("保存人", "Saved by")),
            _ => None,
        },
        _ => None,
    };
    match specific.or_else(|| common(key)) {
        Some((z, e)) => pick(zh, z, e),
        None => key.to_string(),
    }
}

fn parse<T: DeserializeOwned>(v: &Json) -> Option<T> {
    serde_json::from_value(v.clone()).ok()
}

/// A stored time (`2026-12-03T17:12:48`) as staff read it (`2026-12-03 17:12`); None when the
/// text is not one.
fn time_text(s: &str) -> Option<String> {
    let t = parse::<NaiveDateTime>(&Json::String(s.to_string()))?;
    Some(crate::domain::datefmt::datetime(t, "%Y-%m-%d %H:%M"))
}

/// An enum value through the domain's labels, for the fields that hold one.
fn enum_label(doc_type: Option<&str>, key: &str, v: &Json, zh: bool) -> Option<String> {
    let two = |z: &str, e: &str| pick(zh, z, e);
    match (doc_type, key) {
        (Some("complaint"), "status") => parse::<Status>(v).map(|s| two(s.zh(), s.en())),
        (Some("complaint"), "channel") => parse::<Channel>(v).map(|s| two(s.zh(), s.en())),
        (Some("complaint"), "category") => parse::<Category>(v).map(|s| two(s.zh(), s.en())),
        (Some("complaint"), "severity") => v.as_u64().map(|n| {
            let n = n.min(u8::MAX as u64) as u8;
            format!("{n} · {}", if zh { severity_zh(n) } else { severity_en(n) })
        }),
        (Some("customer"), "kind") => parse::<CustomerKind>(v).map(|s| s.label(zh).to_string()),
        (Some("customer"), "tier") => parse::<Tier>(v).map(|s| s.label(zh).to_string()),
        (Some("customer"), "value") => parse::<Level>(v).map(|s| s.label(zh).to_string()),
        (Some("customer"), "lifecycle") => parse::<Lifecycle>(v).map(|s| s.label(zh).to_string()),
        (Some("demand"), "kind") => parse::<DemandType>(v).map(|s| s.label(zh).to_string()),
        (Some("demand"), "status") => parse::<DemandStatus>(v).map(|s| match s {
            DemandStatus::Dropped { ref reason } if !reason.trim().is_empty() => {
                format!("{}{}{reason}", s.label(zh), pick(zh, "：", ": "))
            }
            s => s.label(zh).to_string(),
        }),
        (Some("demand"), "intensity" | "service_cost" | "customer_value") => {
            parse::<Level>(v).map(|s| s.label(zh).to_string())
        }
        (Some("staff"), "role") => parse::<Role>(v).map(|r| two(r.zh(), r.en())),
        _ => None,
    }
}

/// "N 项" / "N items".
fn count(n: usize, zh: bool) -> String {
    if zh {
        format!("{n} 项")
    } else if n == 1 {
        "1 item".into()
    } else {
        format!("{n} items")
    }
}

/// The parts of a round that say what was done, one line.
fn round_text(r: &Json, zh: bool) -> String {
    let n = r.get("number").and_then(Json::as_u64).unwrap_or(1);
    let sep = pick(zh, "：", ": ");
    let mut parts = Vec::new();
    let mut add = |z: &str, e: &str, v: String| parts.push(format!("{}{sep}{v}", pick(zh, z, e)));
    if let Some(s) = text(r, "reopen_reason") {
        add("重新处理原因", "Reopened because", s.to_string());
    }
    if let Some(s) = text(r, "findings") {
        add("调查结果", "Findings", s.to_string());
    }
    if let Some(x) = r.get("responsibility").and_then(parse::<Responsibility>) {
        add("责任认定", "Responsibility", pick(zh, x.zh(), x.en()));
    }
    if let Some(s) = text(r, "escalated_to") {
        add("上报对象", "Reported to", s.to_string());
    }
    if let Some(s) = text(r, "opinion") {
        add("处理意见", "Opinion", s.to_string());
    }
    let k = r
        .get("corrective_actions")
        .and_then(Json::as_array)
        .map_or(0, Vec::len);
    if k > 0 {
        add("整改措施", "Corrective actions", count(k, zh));
    }
    // Each approver's decision by name: an approval and a send-back of the same opinion, made
    // on two devices, differ here (as a count they read the same).
    let approvals: Vec<String> = r
        .get("approvals")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .map(|a| {
            let who = a.get("by").and_then(|b| text(b, "name")).unwrap_or("?");
            let what = match (text(a, "decision"), zh) {
                (Some("approved"), true) => "同意",
                (Some("rejected"), true) => "退回",
                (Some("approved"), false) => "approved",
                (Some("rejected"), false) => "sent back",
                _ => "?",
            };
            // With the approver's words: why one sent it back is what the other version lacks
            // (QA: the card set "李强 同意" against "陈主管 退回" with no reason).
            match text(a, "comment").map(str::trim).filter(|c| !c.is_empty()) {
                Some(c) if zh => format!("{who} {what}（{c}）"),
                Some(c) => format!("{who} {what} ({c})"),
                None => format!("{who} {what}"),
            }
        })
        .collect();
    if !approvals.is_empty() {
        add(
            "审批",
            "Approvals",
            approvals.join(if zh { "、" } else { ", " }),
        );
    }
    if let Some(s) = r.get("response").and_then(|x| text(x, "content")) {
        add("反馈内容", "Response", s.to_string());
    }
    if let Some(x) = r.get("verification").filter(|x| !x.is_null()) {
        let ok = x.get("satisfied").and_then(Json::as_bool).unwrap_or(false);
        add(
            "回访结果",
            "Visit",
            pick(
                zh,
                if ok { "满意" } else { "不满意" },
                if ok { "satisfied" } else { "not satisfied" },
            ),
        );
        if let Some(m) = x.get("measures_effective").and_then(Json::as_bool) {
            add(
                "整改措施",
                "Corrective measures",
                pick(
                    zh,
                    if m {
                        "已落实，达到预期"
                    } else {
                        "未落实或未达预期"
                    },
                    if m {
                        "carried out and working"
                    } else {
                        "not carried out, or not working"
                    },
                ),
            );
        }
    }
    let head = if zh {
        format!("第 {n} 轮")
    } else {
        format!("Round {n}")
    };
    if parts.is_empty() {
        head
    } else {
        format!("{head}{sep}{}", parts.join(if zh { "；" } else { "; " }))
    }
}

/// A PIN as a person settling two versions can tell them apart: never the PIN, but who set it
/// and when, where the version says.
fn pin_text(v: &Json, zh: bool) -> String {
    let hidden = pick(zh, "（不显示）", "(not shown)");
    let by = v
        .get("set_by")
        .and_then(Json::as_str)
        .filter(|b| !b.is_empty());
    let at = v
        .get("set_at")
        .and_then(Json::as_str)
        .and_then(|t| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").ok())
        .map(|t| crate::domain::datefmt::datetime(t, "%Y-%m-%d %H:%M"));
    match (by, at) {
        (Some(by), Some(at)) if zh => format!("{hidden}{by} 于 {at} 设定"),
        (Some(by), Some(at)) => format!("{hidden} set by {by} on {at}"),
        (None, Some(at)) if zh => format!("{hidden}于 {at} 设定"),
        (None, Some(at)) => format!("{hidden} set on {at}"),
        _ => hidden,
    }
}

/// A field's value as one line of text: strings as they are (times as staff read them),
/// enums through the domain's labels, contact data masked, lists and objects summarised.
pub fn value_text(doc_type: Option<&str>, key: &str, v: Option<&Json>, zh: bool) -> String {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return "—".into();
    };
    if let Some(s) = enum_label(doc_type, key, v, zh) {
        return s;
    }
    match (key, v) {
        ("pin_hash", _) => return pin_text(v, zh),
        ("phone", Json::String(s)) => return mask_phone(s),
        ("email", Json::String(s)) => return mask_email(s),
        ("account_no", Json::String(s)) => return mask_account(s),
        ("rounds", Json::Array(rs)) if !rs.is_empty() => {
            return rs
                .iter()
                .map(|r| round_text(r, zh))
                .collect::<Vec<_>>()
                .join(if zh { "；" } else { "; " })
        }
        // A survey's title or question in the language shown.
        ("title", Json::Object(_)) => {
            return text(v, if zh { "zh" } else { "en" })
                .unwrap_or("—")
                .to_string()
        }
        ("questions", Json::Array(qs)) => {
            return qs
                .iter()
                .filter_map(|q| text(q.get("text")?, if zh { "zh" } else { "en" }))
                .map(|q| start_of(q, 16))
                .collect::<Vec<_>>()
                .join(if zh { "；" } else { "; " })
        }
        ("changed", Json::Object(_)) => {
            if let Some(t) = saved_text(v) {
                return t;
            }
        }
        ("branch", Json::Object(_)) => {
            return [text(v, "name"), text(v, "code")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ")
        }
        ("calendar", Json::Object(_)) => {
            let n = v
                .get("days")
                .and_then(Json::as_object)
                .map_or(0, |d| d.len());
            return if zh {
                format!("{n} 个放假或调休日期")
            } else {
                format!("{n} holidays and make-up days")
            };
        }
        ("complainant", Json::Object(_)) => {
            let mut parts = Vec::new();
            if let Some(s) = text(v, "name") {
                parts.push(s.to_string());
            }
            if let Some(s) = text(v, "phone") {
                parts.push(mask_phone(s));
            }
            if let Some(s) = text(v, "email") {
                parts.push(mask_email(s));
            }
            if let Some(s) = text(v, "address") {
                parts.push(s.to_string());
            }
            return if parts.is_empty() {
                "—".into()
            } else {
                parts.join(" · ")
            };
        }
        _ => {}
    }
    match v {
        Json::String(s) if s.trim().is_empty() => "—".into(),
        Json::String(s) => time_text(s).unwrap_or_else(|| s.clone()),
        Json::Bool(b) => pick(
            zh,
            if *b { "是" } else { "否" },
            if *b { "Yes" } else { "No" },
        ),
        Json::Number(n) => n.to_string(),
        Json::Array(items) if !items.is_empty() && items.iter().all(Json::is_string) => items
            .iter()
            .filter_map(Json::as_str)
            .collect::<Vec<_>>()
            .join(if zh { "、" } else { ", " }),
        Json::Array(items) => count(items.len(), zh),
        Json::Object(m) => count(m.len(), zh),
        Json::Null => "—".into(),
    }
}

/// A differing field of a version as the conflict shows it: [`value_text`] of its value, but a
/// survey's questions say the version they are (the choice takes the version with them).
pub fn field_text(doc_type: Option<&str>, key: &str, body: &Json, zh: bool) -> String {
    let text = value_text(doc_type, key, body.get(key), zh);
    match (doc_type, key, body.get("version").and_then(Json::as_u64)) {
        (Some("survey"), "questions", Some(v)) if zh => format!("第 {v} 版：{text}"),
        (Some("survey"), "questions", Some(v)) => format!("Version {v}: {text}"),
        _ => text,
    }
}

/// Who saved a survey version and when ("李强 · 2026-12-03 17:12"), from its `changed`.
fn saved_text(v: &Json) -> Option<String> {
    let by = text(v, "by")?;
    let at = text(v, "at").and_then(time_text)?;
    Some(format!("{by} · {at}"))
}

/// The latest event of a complaint version's history that no other version has: who did
/// what, when ("李强 · 记录调查结果 · 2026-12-03 17:12") — what tells staff the versions apart;
/// for a survey, who saved it and when.
pub fn version_note(
    doc_type: Option<&str>,
    body: &Json,
    others: &[&Json],
    zh: bool,
) -> Option<String> {
    if doc_type == Some("survey") {
        return body.get("changed").and_then(saved_text);
    }
    if !matches!(doc_type, Some("complaint" | "demand")) {
        return None;
    }
    let own = body.get("history")?.as_array()?;
    let known = |e: &Json| {
        others.iter().any(|o| {
            o.get("history")
                .and_then(Json::as_array)
                .is_some_and(|h| h.contains(e))
        })
    };
    let e = own.iter().rev().find(|e| !known(e))?;
    if doc_type == Some("demand") {
        // Who (a staff id, which the page reads as a name) and when (QA: a demand's versions
        // said neither).
        let by = e.get("by")?.as_str()?;
        let at = e.get("at")?.as_str()?;
        let at = at.get(..16).unwrap_or(at).replace('T', " ");
        return Some(format!("{by} · {at}"));
    }
    let e: HistoryEvent = parse(e)?;
    Some(format!(
        "{} · {} · {}",
        e.by.name,
        pick(zh, e.action.zh(), e.action.en()),
        crate::domain::datefmt::datetime(e.at, "%Y-%m-%d %H:%M")
    ))
}

/// The reason a settled conflict leaves in a complaint's history: which version was kept,
/// which was not, and which fields differed.
pub fn choice_note(
    doc_type: Option<&str>,
    chosen: &Json,
    others: &[&Json],
    fields: &[String],
    taken: &[(String, &Json)],
    zh: bool,
) -> String {
    let all: Vec<&Json> = std::iter::once(chosen)
        .chain(others.iter().copied())
        .collect();
    let note = |v: &Json| {
        let rest: Vec<&Json> = all
            .iter()
            .copied()
            .filter(|o| !std::ptr::eq(*o, v))
            .collect();
        version_note(doc_type, v, &rest, zh)
    };
    let kept = note(chosen);
    // A version some fields were taken from is not "not used": said below.
    let used = |o: &Json| taken.iter().any(|(_, v)| std::ptr::eq(*v, o) || *v == o);
    let dropped: Vec<String> = others
        .iter()
        .filter(|o| !used(o))
        .filter_map(|o| note(o))
        .collect();
    let labels: Vec<String> = fields
        .iter()
        .filter(|f| !f.is_empty())
        .map(|f| field_label(doc_type, f, zh))
        .collect();
    let mut out = if zh {
        match kept {
            Some(k) => format!("保留了（{k}）的版本"),
            None => "保留了所选版本".into(),
        }
    } else {
        match kept {
            Some(k) => format!("Kept the version of ({k})"),
            None => "Kept the chosen version".into(),
        }
    };
    if !dropped.is_empty() {
        out += &if zh {
            format!("，未采用（{}）的版本", dropped.join("；"))
        } else {
            format!(", not the version of ({})", dropped.join("; "))
        };
    }
    if !labels.is_empty() {
        out += &if zh {
            format!("；有分歧的项目：{}", labels.join("、"))
        } else {
            format!("; differing: {}", labels.join(", "))
        };
    }
    // Fields picked from another version than the one kept, by version.
    for o in others {
        let labels: Vec<String> = taken
            .iter()
            .filter(|(_, v)| std::ptr::eq(*v, *o) || *v == *o)
            .map(|(f, _)| field_label(doc_type, f, zh))
            .collect();
        if labels.is_empty() {
            continue;
        }
        let from = note(o);
        out += &match (zh, from) {
            (true, Some(n)) => format!("；其中{}取自（{n}）的版本", labels.join("、")),
            (true, None) => format!("；其中{}取自另一版本", labels.join("、")),
            (false, Some(n)) => format!("; {} taken from the version of ({n})", labels.join(", ")),
            (false, None) => format!("; {} taken from the other version", labels.join(", ")),
        };
    }
    out += match (doc_type, zh) {
        (Some("complaint"), true) => "。两个版本的处理记录均已保留。",
        (Some("complaint"), false) => ". Both versions' history is kept.",
        (_, true) => "。",
        (_, false) => ".",
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn records_are_named_as_staff_know_them() {
        let c = json!({"type": "complaint", "case_no": "TS-20261203-A-0001", "complainant": {"name": "周杰"}});
        assert_eq!(
            record_name(Some("complaint"), &c, "complaint:01", true),
            "投诉 TS-20261203-A-0001 · 周杰"
        );
        assert_eq!(
            record_name(Some("complaint"), &c, "complaint:01", false),
            "Complaint TS-20261203-A-0001 · 周杰"
        );
        let cu = json!({"type": "customer", "name": "周杰"});
        assert_eq!(
            record_name(Some("customer"), &cu, "customer:01", true),
            "客户 周杰"
        );
        let d = json!({"type": "demand", "description": "希望开通两融业务并了解保证金比例和利息计算方式"});
        assert_eq!(
            record_name(Some("demand"), &d, "demand:01", true),
            "需求「希望开通两融业务并了解保证金比例和利息计…」"
        );
        assert_eq!(
            record_name(Some("thing"), &json!({}), "thing:01", true),
            "thing:01"
        );
    }

    #[test]
    fn values_are_text_never_json_and_contact_data_is_masked() {
        let cu = Some("customer");
        assert_eq!(field_label(cu, "tier", true), "客户等级");
        assert_eq!(field_label(cu, "tier", false), "Tier");
        assert_eq!(field_label(cu, "whatever", true), "whatever");
        assert_eq!(value_text(cu, "tier", Some(&json!("Vip")), true), "VIP客户");
        assert_eq!(
            value_text(cu, "tier", Some(&json!("Normal")), false),
            "Normal"
        );
        assert_eq!(
            value_text(cu, "phone", Some(&json!("13988887777")), true),
            "139****7777"
        );
        assert_eq!(
            value_text(cu, "account_no", Some(&json!("310012345678")), true),
            "********5678"
        );
        assert_eq!(value_text(cu, "phone", None, true), "—");
        let co = Some("complaint");
        assert_eq!(field_label(co, "rounds", true), "调查处理（各轮）");
        assert_eq!(
            value_text(co, "status", Some(&json!("investigating")), true),
            "调查处理中"
        );
        assert_eq!(
            value_text(co, "severity", Some(&json!(3)), true),
            "3 · 较重"
        );
        let rounds = json!([{"approvals": [], "corrective_actions": [], "findings": "乙设备：大堂经理离岗",
            "findings_at": "2026-12-03T17:12:50", "number": 1, "opened_at": "2026-12-03T16:12:00",
            "opinion": null, "reopen_reason": null, "response": null, "responsibility": null,
            "submissions": 0, "submitted_by": null, "verification": null}]);
        let r = value_text(co, "rounds", Some(&rounds), true);
        assert_eq!(r, "第 1 轮：调查结果：乙设备：大堂经理离岗");
        assert!(!r.contains('{'));
        assert_eq!(
            value_text(co, "rounds", Some(&rounds), false),
            "Round 1: Findings: 乙设备：大堂经理离岗"
        );
        let mut visited = rounds.clone();
        visited[0]["verification"] = json!({"at": "2026-12-04T10:00:00", "by": {"id": "staff:a", "name": "甲"},
            "satisfied": true, "measures_effective": false, "note": "仍卡顿"});
        let r = value_text(co, "rounds", Some(&visited), true);
        assert!(
            r.contains("回访结果：满意") && r.contains("整改措施：未落实或未达预期"),
            "{r}"
        );
        let mut up = rounds.clone();
        up[0]["responsibility"] = json!("beyond_authority");
        up[0]["escalated_to"] = json!("运营管理部、分管领导");
        let r = value_text(co, "rounds", Some(&up), false);
        assert!(r.contains("Reported to: 运营管理部、分管领导"), "{r}");
        // An approval on one device and a send-back on another read apart, by name.
        let approval = |name: &str, decision: &str| {
            json!({"by": {"id": "staff:x", "name": name},
            "role": "supervisor", "at": "2026-12-04T10:00:00", "decision": decision, "comment": "", "submission": 1})
        };
        let mut approved = rounds.clone();
        approved[0]["approvals"] =
            json!([approval("李强", "approved"), approval("王经理", "approved")]);
        let mut sent_back = rounds.clone();
        sent_back[0]["approvals"] = json!([approval("李强", "rejected")]);
        assert!(value_text(co, "rounds", Some(&approved), true)
            .ends_with("审批：李强 同意、王经理 同意"));
        assert!(value_text(co, "rounds", Some(&sent_back), false)
            .ends_with("Approvals: 李强 sent back"));
        // With the approver's words, when given.
        sent_back[0]["approvals"][0]["comment"] = json!("整改措施不具体");
        assert!(value_text(co, "rounds", Some(&sent_back), true)
            .ends_with("审批：李强 退回（整改措施不具体）"));
        let who = json!({"name": "周杰", "phone": "13700001111", "email": "", "address": ""});
        assert_eq!(
            value_text(co, "complainant", Some(&who), true),
            "周杰 · 137****1111"
        );
        assert_eq!(
            value_text(co, "received_at", Some(&json!("2026-12-03T16:12:00")), true),
            "2026-12-03 16:12"
        );
        assert_eq!(
            value_text(co, "staff_involved", Some(&json!(["王五", "赵六"])), true),
            "王五、赵六"
        );
        assert_eq!(
            value_text(None, "x", Some(&json!([{"a": 1}, {"b": 2}])), true),
            "2 项"
        );
        assert_eq!(
            value_text(None, "x", Some(&json!({"a": 1})), false),
            "1 item"
        );
        assert_eq!(
            value_text(Some("staff"), "pin_hash", Some(&json!({"salt": "s"})), true),
            "（不显示）"
        );
        let set = json!({"salt": "s", "set_at": "2026-12-05T14:03:00", "set_by": "王经理"});
        assert_eq!(
            value_text(Some("staff"), "pin_hash", Some(&set), true),
            "（不显示）王经理 于 2026-12-05 14:03 设定"
        );
        assert_eq!(
            value_text(Some("staff"), "pin_hash", Some(&set), false),
            "(not shown) set by 王经理 on 2026-12-05 14:03"
        );
        assert_eq!(
            value_text(
                Some("demand"),
                "status",
                Some(&json!({"Dropped": {"reason": "客户撤回"}})),
                true
            ),
            "已放弃：客户撤回"
        );
    }

    #[test]
    fn a_demand_version_says_who_changed_it_and_when() {
        let ev = |at: &str, by: &str| json!({"at": at, "by": by, "kind": "Created"});
        let base = ev("2026-12-01T09:00:00", "staff:1");
        let a = json!({"history": [base.clone(), ev("2026-12-03T10:05:00", "staff:2")]});
        let b = json!({"history": [base, ev("2026-12-03T11:30:00", "staff:3")]});
        assert_eq!(
            version_note(Some("demand"), &a, &[&b], true).as_deref(),
            Some("staff:2 · 2026-12-03 10:05")
        );
        assert_eq!(version_note(Some("customer"), &a, &[&b], true), None);
    }

    #[test]
    fn the_note_says_which_version_was_kept() {
        let ev = |at: &str, who: &str| {
            json!({"at": at, "by": {"id": who, "name": who}, "action": "record_findings",
                   "from_status": "investigating", "to_status": "investigating", "round": 1})
        };
        let a = json!({"history": [ev("2026-12-03T17:12:48", "张敏")]});
        let b = json!({"history": [ev("2026-12-03T17:12:50", "李强")]});
        let fields = vec!["rounds".to_string()];
        assert_eq!(
            choice_note(Some("complaint"), &b, &[&a], &fields, &[], true),
            "保留了（李强 · 记录调查结果 · 2026-12-03 17:12）的版本，未采用（张敏 · 记录调查结果 · 2026-12-03 17:12）的版本；有分歧的项目：调查处理（各轮）。两个版本的处理记录均已保留。"
        );
        assert!(
            choice_note(Some("complaint"), &b, &[&a], &fields, &[], false)
                .starts_with("Kept the version of (李强 · Record findings")
        );
        assert_eq!(
            choice_note(
                Some("customer"),
                &json!({}),
                &[&json!({})],
                &["tier".into()],
                &[],
                true
            ),
            "保留了所选版本；有分歧的项目：客户等级。"
        );
        // Some fields taken from the other version: it is named for them, not as unused.
        let mut a2 = a.clone();
        a2["narrative"] = json!("乙");
        let fields = vec!["narrative".to_string(), "rounds".to_string()];
        assert_eq!(
            choice_note(Some("complaint"), &b, &[&a2], &fields, &[("narrative".into(), &a2)], true),
            "保留了（李强 · 记录调查结果 · 2026-12-03 17:12）的版本；有分歧的项目：投诉事由及经过、调查处理（各轮）；其中投诉事由及经过取自（张敏 · 记录调查结果 · 2026-12-03 17:12）的版本。两个版本的处理记录均已保留。"
        );
        let en = choice_note(
            Some("complaint"),
            &b,
            &[&a2],
            &fields,
            &[("narrative".into(), &a2)],
            false,
        );
        assert!(en.contains(" taken from the version of (张敏"), "{en}");
        assert!(!en.contains("not the version"), "{en}");
    }

    #[test]
    fn survey_and_settings_conflicts_read_in_words() {
        let sv = Some("survey");
        let survey = json!({"type": "survey", "title": {"zh": "开户体验调查", "en": "Account opening"},
            "questions": [{"id": "q1", "text": {"zh": "您对本次开户办理的整体满意度如何？", "en": "Overall?"}},
                          {"id": "q2", "text": {"zh": "建议", "en": "Ideas"}}]});
        assert_eq!(
            record_name(sv, &survey, "survey:1", true),
            "问卷 开户体验调查"
        );
        assert_eq!(
            record_name(sv, &survey, "survey:1", false),
            "Survey Account opening"
        );
        assert_eq!(field_label(sv, "questions", true), "题目（及版本）");
        assert_eq!(field_label(sv, "changed", false), "Saved by");
        let saved = json!({"type": "survey", "version": 3, "questions": survey["questions"],
            "changed": {"by": "李强", "at": "2026-12-07T10:05:00"}});
        assert_eq!(
            field_text(sv, "questions", &saved, true),
            "第 3 版：您对本次开户办理的整体满意度如何…；建议"
        );
        assert_eq!(
            value_text(sv, "changed", saved.get("changed"), true),
            "李强 · 2026-12-07 10:05"
        );
        assert_eq!(
            version_note(sv, &saved, &[], true).as_deref(),
            Some("李强 · 2026-12-07 10:05")
        );
        assert_eq!(
            value_text(sv, "title", survey.get("title"), false),
            "Account opening"
        );
        assert_eq!(
            value_text(sv, "questions", survey.get("questions"), true),
            "您对本次开户办理的整体满意度如何…；建议"
        );
        let st = Some("settings");
        let settings = json!({"type": "settings", "branch": {"name": "郑州营业部", "code": "ZY-0371"},
            "calendar": {"days": {"2026-10-01": {}, "2026-10-02": {}}}});
        assert_eq!(
            record_name(st, &settings, "settings:branch", true),
            "营业部设置"
        );
        assert_eq!(field_label(st, "calendar", false), "Working calendar");
        assert_eq!(
            value_text(st, "branch", settings.get("branch"), true),
            "郑州营业部 · ZY-0371"
        );
        assert_eq!(
            value_text(st, "calendar", settings.get("calendar"), true),
            "2 个放假或调休日期"
        );
    }
}
