//! sync/merge: the merge rules for conflicting revisions, one pure hook per document type.
//! A hook takes the winning body and the losing leaves' bodies (JSON, without envelope) and
//! returns a merged body or says which fields need a person to choose.
//!
//! The store keeps the bodies of leaves only (not of their common ancestor), so merging is
//! two-way: a field equal in every version is kept; append-only lists (history, notes) are
//! unions; a complaint's status follows its merged history (the lifecycle); bookkeeping
//! fields take the latest value; any other field that differs needs a person.

use serde_json::{Map, Value as Json};

use crate::store::revs::canonical_json;

/// The result of a merge hook.
#[derive(Clone, Debug, PartialEq)]
pub enum Merge {
    /// Every difference was resolved: write this body over the winner and retire the losers.
    Merged(Json),
    /// These fields differ in ways no rule settles: staff must choose a version.
    NeedsPerson(Vec<String>),
}

/// Append-only list fields, merged as unions (kept in time order when items carry `at`).
pub const UNION_FIELDS: &[&str] = &["history", "notes", "events", "attachments_log", "visits"];

/// Bookkeeping fields where the latest value (greatest, compared as JSON strings or numbers)
/// is right.
pub const LATEST_FIELDS: &[&str] = &["updated_at", "updated", "modified_at", "v"];

/// The complaint lifecycle (受理→分类→处理→反馈→闭环), in order; used when the history does
/// not say which transition came last.
pub const COMPLAINT_LIFECYCLE: &[&str] = &[
    "received",
    "classified",
    "investigating",
    "awaiting_approval",
    "responded",
    "verifying",
    "closed",
    "archived",
];

/// The merge hook of a document type. Types without their own rules use the generic one.
pub fn merge(doc_type: Option<&str>, winner: &Json, losers: &[Json]) -> Merge {
    match doc_type {
        Some("complaint") => merge_complaint(winner, losers),
        // A survey response is written once; two different bodies under one id are never
        // expected and must be looked at.
        Some("response") => merge_fields(winner, losers, &[], &[]),
        // A day's case counter: the highest number handed out, so that none is handed out
        // twice (a counter restored from an older backup meeting the server's).
        Some("case_counter") => merge_fields(winner, losers, &[], &["last"]),
        Some("settings") => merge_settings(winner, losers),
        _ => merge_fields(winner, losers, UNION_FIELDS, LATEST_FIELDS),
    }
}

/// The merge when staff chose the version `chosen` of a conflict no rule settled: the chosen
/// version decides only the fields the rules could not (each disputed field takes its value,
/// or is left out where it has none); unions and the latest bookkeeping values still apply,
/// so no version's history or notes are lost. A complaint takes the chosen version's status
/// with its rounds (the other version's status could name a step whose data the chosen
/// rounds lack).
pub fn merge_choosing(doc_type: Option<&str>, chosen: &Json, others: &[Json]) -> Json {
    let mut others = others.to_vec();
    let mut disputed_any = false;
    // Each pass makes the disputed fields equal; a complaint's status can only be disputed
    // once its other fields agree, so two passes settle everything (a few more are harmless).
    for _ in 0..4 {
        match merge(doc_type, chosen, &others) {
            Merge::Merged(mut m) => {
                if disputed_any && doc_type == Some("complaint") {
                    if let (Some(out), Some(s)) = (m.as_object_mut(), chosen.get("status")) {
                        out.insert("status".into(), s.clone());
                    }
                }
                return m;
            }
            Merge::NeedsPerson(fields) => {
                disputed_any = true;
                if fields.iter().any(String::is_empty) {
                    // Not an object: nothing to merge field by field.
                    return chosen.clone();
                }
                for o in &mut others {
                    let Some(o) = o.as_object_mut() else {
                        return chosen.clone();
                    };
                    for f in &fields {
                        match chosen.get(f) {
                            Some(v) => {
                                o.insert(f.clone(), v.clone());
                            }
                            None => {
                                o.remove(f);
                            }
                        }
                    }
                }
            }
        }
    }
    chosen.clone()
}

/// The generic two-way merge: equal fields kept, `unions` merged, `latest` take the greatest.
pub fn merge_fields(winner: &Json, losers: &[Json], unions: &[&str], latest: &[&str]) -> Merge {
    let Some(w) = winner.as_object() else {
        return Merge::NeedsPerson(vec![String::new()]);
    };
    let mut all: Vec<&Map<String, Json>> = vec![w];
    for l in losers {
        match l.as_object() {
            Some(m) => all.push(m),
            None => return Merge::NeedsPerson(vec![String::new()]),
        }
    }
    let mut keys: Vec<&String> = all.iter().flat_map(|m| m.keys()).collect();
    crate::domain::sort::sort(&mut keys);
    keys.dedup();
    let mut out = Map::new();
    let mut disputed = Vec::new();
    for k in keys {
        let values: Vec<Option<&Json>> = all.iter().map(|m| m.get(k)).collect();
        let first = values[0];
        if values.iter().all(|v| *v == first) {
            if let Some(v) = first {
                out.insert(k.clone(), v.clone());
            }
            continue;
        }
        if unions.contains(&k.as_str()) {
            let lists: Vec<&Json> = values.iter().flatten().copied().collect();
            match union_lists(&lists) {
                Some(u) => {
                    out.insert(k.clone(), u);
                }
                None => disputed.push(k.clone()),
            }
            continue;
        }
        if latest.contains(&k.as_str()) {
            if let Some(v) = values
                .iter()
                .flatten()
                .copied()
                .max_by(|a, b| cmp_json(a, b))
            {
                out.insert(k.clone(), v.clone());
            }
            continue;
        }
        disputed.push(k.clone());
    }
    if disputed.is_empty() {
        Merge::Merged(Json::Object(out))
    } else {
        Merge::NeedsPerson(disputed)
    }
}

/// A complaint: history and notes are unions; the status is the one the merged history ends
/// at (a reopened case goes back to investigation, and the history keeps both rounds), or,
/// when the history does not say, the one furthest along the lifecycle.
pub fn merge_complaint(winner: &Json, losers: &[Json]) -> Merge {
    let strip = |v: &Json| {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            m.remove("status");
        }
        v
    };
    let w = strip(winner);
    let ls: Vec<Json> = losers.iter().map(strip).collect();
    let mut merged = match merge_fields(&w, &ls, UNION_FIELDS, LATEST_FIELDS) {
        Merge::Merged(m) => m,
        other => return other,
    };
    let statuses: Vec<&str> = std::iter::once(winner)
        .chain(losers.iter())
        .filter_map(|v| v.get("status").and_then(Json::as_str))
        .collect();
    if statuses.is_empty() {
        return Merge::Merged(merged);
    }
    let from_history = merged
        .get("history")
        .and_then(Json::as_array)
        .and_then(|h| {
            h.iter().rev().find_map(|e| {
                // The domain's history entries say `to_status`; older shapes `to`/`status`.
                e.get("to_status")
                    .or_else(|| e.get("to"))
                    .or_else(|| e.get("status"))
                    .and_then(Json::as_str)
            })
        })
        .filter(|s| statuses.contains(s));
    let status = match from_history {
        Some(s) => s.to_string(),
        None => {
            let rank = |s: &str| COMPLAINT_LIFECYCLE.iter().position(|x| *x == s);
            if statuses.iter().any(|s| rank(s).is_none())
                && statuses.iter().any(|s| *s != statuses[0])
            {
                return Merge::NeedsPerson(vec!["status".into()]);
            }
            statuses
                .iter()
                .max_by_key(|s| rank(s))
                .map(|s| s.to_string())
                .unwrap_or_default()
        }
    };
    merged["status"] = Json::String(status);
    Merge::Merged(merged)
}

/// The branch settings: the calendar's change log is a union, and a day of the calendar (or a
/// year's holiday table) that differs takes its value from the version whose own log holds the
/// latest change of that day: days added on two devices cut off from each other are both
/// kept. What no logged change explains (the branch's name, the weekend) needs a person.
fn merge_settings(winner: &Json, losers: &[Json]) -> Merge {
    let mut all: Vec<Json> = std::iter::once(winner).chain(losers).cloned().collect();
    let logs: Vec<&Json> = all
        .iter()
        .filter_map(|v| v.get("calendar_changes"))
        .collect();
    let log = union_lists(&logs).unwrap_or_default();
    for (field, tables) in [("days", false), ("tables", true)] {
        let maps: Vec<Json> = all.iter().map(|v| v["calendar"][field].clone()).collect();
        let Merge::NeedsPerson(keys) = merge_fields(&maps[0], &maps[1..], &[], &[]) else {
            continue;
        };
        for k in keys {
            // A table is logged as a change of its year's first day.
            let date = match tables {
                true => format!("{k}-01-01"),
                false => k.clone(),
            };
            let latest = log.as_array().into_iter().flatten().rev().find(|c| {
                c["date"] == date.as_str()
                    && matches!(c["became"].as_str(), Some("table" | "untable")) == tables
            });
            let Some(by) = latest.and_then(|latest| {
                all.iter().position(|v| {
                    v["calendar_changes"]
                        .as_array()
                        .is_some_and(|l| l.contains(latest))
                })
            }) else {
                continue; // no change explains it: the calendar stays disputed
            };
            let value = maps[by].get(&k).cloned();
            for v in &mut all {
                if let Some(m) = v
                    .get_mut("calendar")
                    .and_then(|c| c.get_mut(field))
                    .and_then(Json::as_object_mut)
                {
                    match &value {
                        Some(x) => m.insert(k.clone(), x.clone()),
                        None => m.remove(&k),
                    };
                }
            }
        }
    }
    merge_fields(&all[0], &all[1..], &["calendar_changes"], LATEST_FIELDS)
}

/// The union of lists, without duplicates (items with an `id` are the same item when their ids
/// are; others when equal). Sorted by `at` when every item has one (stable: ties keep the
/// winner's order). None if a value is not a list.
pub fn union_lists(lists: &[&Json]) -> Option<Json> {
    let mut out: Vec<Json> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for l in lists {
        for item in l.as_array()? {
            let key = match item.get("id") {
                Some(id) => format!("id:{}", canonical_json(id)),
                None => canonical_json(item),
            };
            if !seen.contains(&key) {
                seen.push(key);
                out.push(item.clone());
            }
        }
    }
    if out.iter().all(|i| i.get("at").is_some()) {
        crate::domain::sort::sort_by(&mut out, |a, b| cmp_json(&a["at"], &b["at"]));
    }
    Some(Json::Array(out))
}

fn cmp_json(a: &Json, b: &Json) -> std::cmp::Ordering {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x
            .as_f64()
            .unwrap_or(0.0)
            .total_cmp(&y.as_f64().unwrap_or(0.0)),
        (Json::String(x), Json::String(y)) => x.cmp(y),
        _ => canonical_json(a).cmp(&canonical_json(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_fields_are_kept_and_different_ones_need_a_person() {
        let w = json!({"type": "staff", "name": "张三", "active": false});
        let l = json!({"type": "staff", "name": "张三", "active": true});
        assert_eq!(
            merge(Some("staff"), &w, &[l]),
            Merge::NeedsPerson(vec!["active".into()])
        );
        let same = json!({"type": "staff", "name": "张三", "active": false});
        assert_eq!(merge(Some("staff"), &w, &[same]), Merge::Merged(w.clone()));
        // A field present on one side only is a difference too.
        let extra = json!({"type": "staff", "name": "张三", "active": false, "phone": "1"});
        assert_eq!(
            merge(Some("staff"), &w, &[extra]),
            Merge::NeedsPerson(vec!["phone".into()])
        );
    }

    #[test]
    fn a_case_counter_keeps_the_highest_number_handed_out() {
        let w =
            json!({"type": "case_counter", "day": "2026-12-04", "device_code": "MW", "last": 4});
        let l =
            json!({"type": "case_counter", "day": "2026-12-04", "device_code": "MW", "last": 9});
        let l2 =
            json!({"type": "case_counter", "day": "2026-12-04", "device_code": "MW", "last": 10});
        let Merge::Merged(m) = merge(Some("case_counter"), &w, &[l.clone(), l2]) else {
            panic!()
        };
        assert_eq!(m["last"], 10, "not 4, nor 9 (compared as numbers)");
        // Another type does not take a "last" field as the greatest.
        let (w, l) = (
            json!({"type": "staff", "last": 4}),
            json!({"type": "staff", "last": 9}),
        );
        assert_eq!(
            merge(Some("staff"), &w, &[l]),
            Merge::NeedsPerson(vec!["last".into()])
        );
    }

    #[test]
    fn notes_and_history_are_unions_in_time_order() {
        let w = json!({"type": "customer", "notes": [{"at": "2026-01-01T09:00", "text": "a"}, {"at": "2026-01-03T09:00", "text": "c"}], "updated_at": "2026-01-03"});
        let l = json!({"type": "customer", "notes": [{"at": "2026-01-01T09:00", "text": "a"}, {"at": "2026-01-02T09:00", "text": "b"}], "updated_at": "2026-01-02"});
        let Merge::Merged(m) = merge(Some("customer"), &w, &[l]) else {
            panic!()
        };
        let texts: Vec<&str> = m["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["text"].as_str().unwrap())
            .collect();
        assert_eq!(texts, ["a", "b", "c"]);
        assert_eq!(m["updated_at"], "2026-01-03");
        // Items with ids are the same item whatever else differs… and then the union keeps
        // the winner's copy.
        let a = json!([{"id": 1, "t": "x"}]);
        let b = json!([{"id": 1, "t": "y"}, {"id": 2}]);
        assert_eq!(
            union_lists(&[&a, &b]).unwrap(),
            json!([{"id": 1, "t": "x"}, {"id": 2}])
        );
        assert_eq!(union_lists(&[&a, &json!("no")]), None);
    }

    #[test]
    fn complaint_status_follows_the_merged_history() {
        let base = |status: &str, history: Json| json!({"type": "complaint", "status": status, "history": history});
        let h1 = json!({"at": "2026-03-01T10:00", "to": "received"});
        let h2 = json!({"at": "2026-03-02T10:00", "to": "investigating"});
        let h3 = json!({"at": "2026-03-03T10:00", "to": "responded"});
        let h4 =
            json!({"at": "2026-03-04T10:00", "to": "investigating", "why": "customer unsatisfied"});
        // Device A responded; device B (later) recorded the customer's reopening.
        let a = base("responded", json!([h1, h2, h3]));
        let b = base("investigating", json!([h1, h2, h3, h4]));
        let Merge::Merged(m) = merge(Some("complaint"), &a, std::slice::from_ref(&b)) else {
            panic!()
        };
        assert_eq!(m["status"], "investigating", "the reopening came last");
        assert_eq!(m["history"].as_array().unwrap().len(), 4);
        // Without transitions in the history, the furthest status along the lifecycle wins.
        let x = json!({"type": "complaint", "status": "closed"});
        let y = json!({"type": "complaint", "status": "verifying"});
        assert_eq!(
            merge(Some("complaint"), &y, std::slice::from_ref(&x)),
            Merge::Merged(x)
        );
        // An unknown status cannot be ranked.
        let z = json!({"type": "complaint", "status": "weird"});
        assert_eq!(
            merge(Some("complaint"), &y, &[z]),
            Merge::NeedsPerson(vec!["status".into()])
        );
        // Other differing fields still need a person.
        let n1 = json!({"type": "complaint", "status": "received", "narrative": "a"});
        let n2 = json!({"type": "complaint", "status": "received", "narrative": "b"});
        assert_eq!(
            merge(Some("complaint"), &n1, &[n2]),
            Merge::NeedsPerson(vec!["narrative".into()])
        );
    }

    #[test]
    fn a_chosen_version_decides_the_disputed_fields_only() {
        let ev = |at: &str, who: &str, action: &str| {
            json!({"at": at, "by": {"id": who, "name": who}, "action": action,
                   "from_status": "investigating", "to_status": "investigating", "round": 1})
        };
        let common = [ev("2026-03-01T10:00:00", "a", "receive")];
        let mut ha = common.to_vec();
        ha.push(ev("2026-03-02T10:00:00", "张敏", "record_findings"));
        let mut hb = common.to_vec();
        hb.push(ev("2026-03-02T10:00:02", "李强", "record_findings"));
        let a = json!({"type": "complaint", "status": "investigating", "narrative": "n",
            "rounds": [{"number": 1, "findings": "甲"}], "history": ha,
            "notes": [{"at": "1", "t": "a"}]});
        let b = json!({"type": "complaint", "status": "investigating", "narrative": "n",
            "rounds": [{"number": 1, "findings": "乙"}], "history": hb,
            "notes": [{"at": "2", "t": "b"}], "department": "运营部"});
        assert!(matches!(
            merge(Some("complaint"), &a, std::slice::from_ref(&b)),
            Merge::NeedsPerson(_)
        ));
        let m = merge_choosing(Some("complaint"), &b, std::slice::from_ref(&a));
        assert_eq!(m["rounds"][0]["findings"], "乙", "the chosen rounds");
        assert_eq!(
            m["department"], "运营部",
            "a field only the chosen version has"
        );
        assert_eq!(m["history"].as_array().unwrap().len(), 3, "both histories");
        assert_eq!(m["notes"].as_array().unwrap().len(), 2, "both notes");
        // Choosing the other way round keeps the same union, the other rounds, and drops the
        // field the chosen version lacks.
        let m = merge_choosing(Some("complaint"), &a, std::slice::from_ref(&b));
        assert_eq!(m["rounds"][0]["findings"], "甲");
        assert!(m.get("department").is_none());
        assert_eq!(m["history"].as_array().unwrap().len(), 3);
        // The status goes with the chosen rounds, whatever the union's last step says.
        let mut later = b.clone();
        later["status"] = json!("awaiting_approval");
        later["history"].as_array_mut().unwrap().push(
            json!({"at": "2026-03-03T10:00:00", "by": {"id": "b", "name": "b"},
                "action": "submit_opinion", "from_status": "investigating",
                "to_status": "awaiting_approval", "round": 1}),
        );
        let m = merge_choosing(Some("complaint"), &a, &[later]);
        assert_eq!(m["status"], "investigating");
        assert_eq!(m["history"].as_array().unwrap().len(), 4);
        // A customer: the chosen phone, the other fields as merged.
        let c1 = json!({"type": "customer", "phone": "13700001111", "tier": "Normal", "updated_at": "2"});
        let c2 =
            json!({"type": "customer", "phone": "13988887777", "tier": "Vip", "updated_at": "1"});
        let m = merge_choosing(Some("customer"), &c2, &[c1]);
        assert_eq!(
            m,
            json!({"type": "customer", "phone": "13988887777", "tier": "Vip", "updated_at": "2"})
        );
    }

    #[test]
    fn responses_are_never_merged_silently() {
        let a = json!({"type": "response", "answers": [1], "notes": ["x"]});
        let b = json!({"type": "response", "answers": [1], "notes": ["y"]});
        assert_eq!(
            merge(Some("response"), &a, &[b]),
            Merge::NeedsPerson(vec!["notes".into()])
        );
    }

    #[test]
    fn complaint_status_follows_the_domain_history_shape() {
        let ev = |at: &str, from: &str, to: &str| {
            json!({"at": at, "by": {"id": "staff:1", "name": "张敏"}, "action": "investigate",
                   "from_status": from, "to_status": to, "round": 1})
        };
        let a = json!({"type": "complaint", "status": "responded",
            "history": [ev("2026-03-01T10:00:00", "received", "investigating"),
                        ev("2026-03-02T10:00:00", "investigating", "responded")]});
        // The other side reopened after the response: its history ends in investigation.
        let b = json!({"type": "complaint", "status": "investigating",
            "history": [ev("2026-03-01T10:00:00", "received", "investigating"),
                        ev("2026-03-02T10:00:00", "investigating", "responded"),
                        ev("2026-03-03T10:00:00", "responded", "investigating")]});
        let Merge::Merged(m) = merge_complaint(&a, std::slice::from_ref(&b)) else {
            panic!("merges")
        };
        assert_eq!(m["status"], "investigating");
        assert_eq!(m["history"].as_array().unwrap().len(), 3);
        // Field names checked against the domain type itself.
        let h = serde_json::to_value(crate::domain::complaint::Status::AwaitingApproval).unwrap();
        assert_eq!(h, "awaiting_approval");
        assert!(COMPLAINT_LIFECYCLE.contains(&"awaiting_approval"));
    }

    /// Branch settings as the domain writes them, with `edits` (date, what it became, when)
    /// applied to a calendar holding 2026-10-01 as a holiday, and logged.
    fn settings(name: &str, edits: &[(&str, &str, &str)]) -> Json {
        use crate::domain::settings::{BranchSettings, CalendarChange};
        let mut s = BranchSettings::default();
        s.branch.name = name.into();
        let d = |x: &str| chrono::NaiveDate::parse_from_str(x, "%Y-%m-%d").unwrap();
        s.calendar
            .set_holiday(d("2026-10-01"), "国庆节", "National Day");
        for (date, became, at) in edits {
            match *became {
                "holiday" => s.calendar.set_holiday(d(date), "节日", "Holiday"),
                "makeup" => s.calendar.set_makeup_workday(d(date), "调休", "Make-up"),
                "table" => s.calendar.mark_table_entered(d(date).year(), "staff"),
                "untable" => _ = s.calendar.unmark_table(d(date).year()),
                _ => _ = s.calendar.clear_day(d(date)),
            }
            s.calendar_changes.push(CalendarChange {
                at: chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M").unwrap(),
                by: "staff:1".into(),
                by_name: "王经理".into(),
                date: d(date),
                became: became.to_string(),
            });
        }
        let mut v = serde_json::to_value(&s).unwrap();
        v["type"] = json!("settings");
        v
    }

    use chrono::Datelike;

    #[test]
    fn calendar_days_changed_on_two_devices_are_both_kept() {
        let base = ("2026-12-24", "holiday", "2026-12-01T09:00");
        let a = settings(
            "郑州营业部",
            &[base, ("2026-12-31", "holiday", "2026-12-02T10:00")],
        );
        let b = settings(
            "郑州营业部",
            &[
                base,
                ("2027-01-04", "makeup", "2026-12-02T09:30"),
                ("2027-01-01", "table", "2026-12-02T11:00"),
            ],
        );
        let Merge::Merged(m) = merge(Some("settings"), &a, std::slice::from_ref(&b)) else {
            panic!("merges")
        };
        let days = m["calendar"]["days"].as_object().unwrap();
        for d in ["2026-10-01", "2026-12-24", "2026-12-31", "2027-01-04"] {
            assert!(days.contains_key(d), "{d} kept");
        }
        assert_eq!(days["2027-01-04"]["kind"], "makeup_workday");
        assert!(
            m["calendar"]["tables"].get("2027").is_some(),
            "the year's table too"
        );
        let log: Vec<&str> = m["calendar_changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["date"].as_str().unwrap())
            .collect();
        assert_eq!(
            log,
            ["2026-12-24", "2027-01-04", "2026-12-31", "2027-01-01"],
            "a union in time order"
        );
        // The merged body reads back as the domain's settings.
        let back: crate::domain::settings::BranchSettings = serde_json::from_value(m).unwrap();
        assert!(back
            .calendar
            .is_holiday(chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()));
    }

    #[test]
    fn a_day_changed_on_both_devices_takes_the_later_change() {
        let base = ("2026-12-24", "holiday", "2026-12-01T09:00");
        let removed = settings(
            "营业部",
            &[base, ("2026-12-24", "removed", "2026-12-02T11:00")],
        );
        let made_workday = settings(
            "营业部",
            &[base, ("2026-12-24", "makeup", "2026-12-02T10:00")],
        );
        for (w, l) in [(&removed, &made_workday), (&made_workday, &removed)] {
            let Merge::Merged(m) = merge(Some("settings"), w, std::slice::from_ref(l)) else {
                panic!("merges")
            };
            assert!(
                m["calendar"]["days"].get("2026-12-24").is_none(),
                "the removal came last"
            );
            assert_eq!(m["calendar_changes"].as_array().unwrap().len(), 3);
        }
        // A day changed on Jan 1 and the year's table: each takes its own kind of change.
        let a = settings("营业部", &[("2027-01-01", "holiday", "2026-12-02T10:00")]);
        let b = settings("营业部", &[("2027-01-01", "table", "2026-12-02T11:00")]);
        let Merge::Merged(m) = merge(Some("settings"), &a, std::slice::from_ref(&b)) else {
            panic!("merges")
        };
        assert!(m["calendar"]["days"].get("2027-01-01").is_some());
        assert!(m["calendar"]["tables"].get("2027").is_some());
    }

    #[test]
    fn settings_differences_no_change_explains_need_a_person() {
        let a = settings("郑州营业部", &[]);
        let b = settings(
            "洛阳营业部",
            &[("2026-12-31", "holiday", "2026-12-02T10:00")],
        );
        assert_eq!(
            merge(Some("settings"), &a, std::slice::from_ref(&b)),
            Merge::NeedsPerson(vec!["branch".into()])
        );
        // Chosen: the branch's name from the chosen version, and still both calendars' days.
        let m = merge_choosing(Some("settings"), &a, std::slice::from_ref(&b));
        assert_eq!(m["branch"]["name"], "郑州营业部");
        assert!(m["calendar"]["days"].get("2026-12-31").is_some());
        // A day that differs with no logged change, or a different weekend: a person decides.
        let mut c = settings("营业部", &[]);
        let plain = c.clone();
        c["calendar"]["days"]["2026-12-30"] = c["calendar"]["days"]["2026-10-01"].clone();
        assert_eq!(
            merge(Some("settings"), &plain, std::slice::from_ref(&c)),
            Merge::NeedsPerson(vec!["calendar".into()])
        );
        let mut w = settings("营业部", &[]);
        w["calendar"]["weekend"] = json!(["Sun"]);
        assert_eq!(
            merge(Some("settings"), &plain, std::slice::from_ref(&w)),
            Merge::NeedsPerson(vec!["calendar".into()])
        );
    }
}
