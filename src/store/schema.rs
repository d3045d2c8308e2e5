//! store/schema: the app's secondary indexes and numbered migrations, one plain list each, read
//! by both backends (IndexedDB builds native indexes from it; the twin builds BTreeMaps).

use super::key::{IndexKey, KeyPart};
use super::Doc;
use serde_json::Value as Json;

/// A secondary index. A document is in it when its `type` matches `doc_type` (any type when
/// None) and `key` returns Some; only winning, non-deleted revisions are indexed. Internally
/// every key is followed by the document id, so rows with equal keys come in id order.
#[derive(Clone, Copy)]
pub struct IndexDef {
    /// Unique, `[a-z0-9_]`; the IndexedDB index is named `ix_<name>`.
    pub name: &'static str,
    pub doc_type: Option<&'static str>,
    /// The key of a document body (it has no `_id`: the id is appended for you).
    pub key: fn(&Json) -> Option<IndexKey>,
    /// Stored in IndexedDB as `[key, id]` rather than the key alone: for an index whose keys
    /// each cover many documents (`by_type`), so that a page after a cursor is read as a
    /// range at once; the other indexes' pages after a cursor step a cursor through the rest
    /// of that key's rows, and their entries are smaller.
    pub id_in_key: bool,
}

impl std::fmt::Debug for IndexDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexDef")
            .field("name", &self.name)
            .field("doc_type", &self.doc_type)
            .finish()
    }
}

impl IndexDef {
    /// The index key of a document, if it belongs in this index (valid keys only: a NaN
    /// anywhere leaves the document out, as IndexedDB would refuse it).
    pub fn key_of(&self, doc: &Doc) -> Option<IndexKey> {
        if doc.deleted {
            return None;
        }
        if let Some(t) = self.doc_type {
            if doc.doc_type() != Some(t) {
                return None;
            }
        }
        (self.key)(&doc.body).filter(IndexKey::is_valid)
    }
    /// The position of document `id` in this index from its record's stored index field
    /// (`[key, id]` for an index with the id in its keys, the key alone for the others), or
    /// None when that does not read as a key.
    pub fn cursor_at(&self, stored: &Json, id: &str) -> Option<super::Cursor> {
        let key = IndexKey::from_json(stored)?;
        if self.id_in_key {
            let (key, id) = key.split_composite()?;
            return Some(super::Cursor { key, id });
        }
        Some(super::Cursor {
            key,
            id: id.to_string(),
        })
    }
}

/// A migration to `to_version`: `transform` rewrites the stored winning body of every document
/// of `doc_type` (every document when None) in place, keeping its revision. Use it for shape
/// upgrades; a change that must replicate as a new revision belongs in ordinary writes.
#[derive(Clone, Copy)]
pub struct Migration {
    pub to_version: u32,
    pub doc_type: Option<&'static str>,
    pub transform: fn(&mut Json),
}

impl std::fmt::Debug for Migration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Migration")
            .field("to_version", &self.to_version)
            .field("doc_type", &self.doc_type)
            .finish()
    }
}

/// The database layout for one app version.
#[derive(Clone, Debug)]
pub struct Schema {
    /// Raise it whenever `indexes` or `migrations` change (it is the IndexedDB version).
    pub version: u32,
    pub indexes: Vec<IndexDef>,
    /// Compact summaries kept beside documents, read a key range at a time without them.
    pub summaries: Vec<SummaryDef>,
    pub migrations: Vec<Migration>,
}

/// A summary the store keeps beside each document of one type (at most one per document):
/// a key and a small JSON text, read a whole key range at a time without reading the
/// documents ([`DocStore::summaries`](super::DocStore::summaries)). The monthly report reads
/// a month of complaints' facts this way.
#[derive(Clone, Copy, Debug)]
pub struct SummaryDef {
    /// Letters, digits and `_` (the native index is `sum_<name>`).
    pub name: &'static str,
    pub doc_type: &'static str,
    /// The key of a (winning, not deleted) document's summary, from its body: also where a
    /// revision that has no summary (a destroyed case) looks for one left by the revision
    /// before it, when that revision's record could not be read.
    pub key: fn(&Json) -> Option<IndexKey>,
    /// The JSON text of the document's summary, from its id and body; None: it has none.
    pub of: fn(&str, &Json) -> Option<String>,
    /// The bucket a key is kept in (IndexedDB keeps each bucket's summaries as a few large
    /// records): must keep key order (`a <= b` ⇒ `bucket(a) <= bucket(b)`).
    pub bucket: fn(&IndexKey) -> String,
}

impl SummaryDef {
    /// The summary of a winning document, if it has one.
    pub fn summary_of(&self, doc: &Doc) -> Option<(IndexKey, String)> {
        let key = self.key_of(doc)?;
        Some((key, (self.of)(&doc.id, &doc.body)?))
    }

    /// The key a winning document's summary has or would have (see `key`).
    pub fn key_of(&self, doc: &Doc) -> Option<IndexKey> {
        if doc.deleted || doc.doc_type() != Some(self.doc_type) {
            return None;
        }
        (self.key)(&doc.body)
    }
}

/// A key's first part as text, cut to `n` characters (a time's month: `n` = 7).
pub fn text_prefix(key: &IndexKey, n: usize) -> String {
    match key.0.first() {
        Some(KeyPart::Str(s)) => s.chars().take(n).collect(),
        _ => String::new(),
    }
}

/// A complaint's summaries are keyed by the time it was received.
fn received_at(body: &Json) -> Option<IndexKey> {
    Some(IndexKey(vec![str_part(body, "received_at")?]))
}

/// `complaint_facts`: what the monthly report needs of each complaint.
fn complaint_facts(id: &str, body: &Json) -> Option<String> {
    let facts = crate::domain::report::CaseFacts::of_body(id, body)?;
    // Straight to text: written for every complaint on every write.
    serde_json::to_string(&facts).ok()
}

/// `journey_complaint`: what the journey map needs of each complaint (none once destroyed).
fn journey_complaint(_id: &str, body: &Json) -> Option<String> {
    let facts = crate::domain::journey::ComplaintFacts::of_body(body)?;
    serde_json::to_string(&facts).ok()
}

/// `by_type`: every document by `[type]` (so by `[type, _id]` with the appended id).
pub fn by_type_key(body: &Json) -> Option<IndexKey> {
    body.get("type")
        .and_then(Json::as_str)
        .map(|t| IndexKey(vec![KeyPart::Str(t.to_string())]))
}

/// A string field as a key part (helper for index key functions).
pub fn str_part(body: &Json, field: &str) -> Option<KeyPart> {
    body.get(field)
        .and_then(Json::as_str)
        .map(|s| KeyPart::Str(s.to_string()))
}

/// A complaint awaiting approval marked `approved` (at every level, waiting for the response;
/// written on save by `complaints::repo`). Only while awaiting approval: a device of an older
/// version carries the mark along when it saves the case on.
pub fn is_approved(body: &Json) -> bool {
    body["approved"] == true && body["status"] == "awaiting_approval"
}

/// A number field as a key part (helper for index key functions).
pub fn num_part(body: &Json, field: &str) -> Option<KeyPart> {
    body.get(field).and_then(Json::as_f64).map(KeyPart::Num)
}

/// The digits of a phone number as the phone indexes key it: a mainland mobile without its
/// country code (`+86 139 0000-5678` → `13900005678`), any other number's digits as entered
/// (`010-8888 1234` → `01088881234`), an extension left out (`0371-65585533转801` →
/// `037165585533`: its last four are the line's).
pub fn phone_digits(phone: &str) -> String {
    let phone = crate::domain::customer::split_extension(phone).0;
    crate::domain::customer::normalise_phone(phone)
        .unwrap_or_else(|| phone.chars().filter(char::is_ascii_digit).collect())
}

impl Schema {
    /// The app's schema. To add an index: append an `IndexDef` under `// app indexes` and raise
    /// `version` by one (existing databases then build the index on next open).
    pub fn current() -> Schema {
        Schema {
            // 9: index fields hold the key alone, not `[key, id]` (every record is re-indexed).
            // 10: `complaint_phone` keys a mobile without its country code (re-indexed).
            // 11: the `journey_complaint` summary (every summary is rebuilt).
            // 12: `complaint_status` keys an opinion approved at every level "approved".
            // 13: a reopened case's facts keep its latest finding (every summary is rebuilt).
            version: 13,
            indexes: vec![
                IndexDef {
                    name: "by_type",
                    id_in_key: true,
                    doc_type: None,
                    key: by_type_key,
                },
                // app indexes (append below; keep names unique; raise `version` above)
                // e.g. IndexDef { name: "complaint_by_status", id_in_key: false, doc_type: Some("complaint"),
                //   key: |b| Some(IndexKey(vec![str_part(b, "status")?, str_part(b, "received_at")?])) },
                // reports: complaints by time received (monthly report, quarterly analysis).
                IndexDef {
                    name: "complaint_by_received_at",
                    id_in_key: false,
                    doc_type: Some("complaint"),
                    key: |b| Some(IndexKey(vec![str_part(b, "received_at")?])),
                },
                // retention: archived complaints not yet destroyed, by time archived.
                IndexDef {
                    name: "complaint_by_archived_at",
                    id_in_key: false,
                    doc_type: Some("complaint"),
                    key: |b| match b.get("destroyed").and_then(Json::as_bool) {
                        Some(true) => None,
                        _ => Some(IndexKey(vec![str_part(b, "archived_at")?])),
                    },
                },
                // complaints: cases of one status, by time received (list filter; the
                // dashboard's 待审批). An opinion approved at every level (`approved`, written
                // on save by `complaints::repo`) waits for the response: "approved".
                IndexDef {
                    name: "complaint_status",
                    id_in_key: false,
                    doc_type: Some("complaint"),
                    key: |b| {
                        let status = if is_approved(b) {
                            KeyPart::Str("approved".into())
                        } else {
                            str_part(b, "status")?
                        };
                        Some(IndexKey(vec![status, str_part(b, "received_at")?]))
                    },
                },
                // complaints: open cases (not closed or archived), by time received.
                IndexDef {
                    name: "complaint_open",
                    id_in_key: false,
                    doc_type: Some("complaint"),
                    key: |b| match b.get("status").and_then(Json::as_str) {
                        Some("closed") | Some("archived") | None => None,
                        _ => Some(IndexKey(vec![str_part(b, "received_at")?])),
                    },
                },
                // complaints: open cases by their listed deadline (`deadline`, written on save
                // from `domain::complaint::deadline_of`): due today, overdue, sort by deadline.
                IndexDef {
                    name: "complaint_due",
                    id_in_key: false,
                    doc_type: Some("complaint"),
                    key: |b| match b.get("status").and_then(Json::as_str) {
                        Some("closed") | Some("archived") | None => None,
                        _ => Some(IndexKey(vec![str_part(b, "deadline")?])),
                    },
                },
                // complaints: by case number (search, and the per-device daily sequence).
                IndexDef {
                    name: "complaint_no",
                    id_in_key: false,
                    doc_type: Some("complaint"),
                    key: |b| Some(IndexKey(vec![str_part(b, "case_no")?])),
                },
                // surveys: responses of a survey by time submitted (results, paged by date).
                IndexDef {
                    name: "response_by_survey",
                    id_in_key: false,
                    doc_type: Some("response"),
                    key: |b| {
                        Some(IndexKey(vec![
                            str_part(b, "survey_id")?,
                            str_part(b, "submitted_at")?,
                        ]))
                    },
                },
                // surveys: responses of a survey version (has this version answers? → new version on edit).
                IndexDef {
                    name: "response_by_version",
                    id_in_key: false,
                    doc_type: Some("response"),
                    key: |b| {
                        Some(IndexKey(vec![
                            str_part(b, "survey_id")?,
                            num_part(b, "survey_version")?,
                        ]))
                    },
                },
                // surveys: responses by channel (the "waiting to be sent" count of link and kiosk answers).
                IndexDef {
                    name: "response_by_channel",
                    id_in_key: false,
                    doc_type: Some("response"),
                    key: |b| Some(IndexKey(vec![str_part(b, "channel")?])),
                },
                // surveys: low-score follow-ups of a survey by time opened.
                IndexDef {
                    name: "followup_by_survey",
                    id_in_key: false,
                    doc_type: Some("followup"),
                    key: |b| {
                        Some(IndexKey(vec![
                            str_part(b, "survey_id")?,
                            str_part(b, "created_at")?,
                        ]))
                    },
                },
                // demands: by status name (Open / InProgress / Done / Dropped, the `Dropped`
                // object's key) and time created: the matrix reads only the active ones.
                IndexDef {
                    name: "demand_by_status",
                    id_in_key: false,
                    doc_type: Some("demand"),
                    key: |b| {
                        let status = match b.get("status")? {
                            Json::String(s) => s.clone(),
                            Json::Object(m) => m.keys().next()?.clone(),
                            _ => return None,
                        };
                        Some(IndexKey(vec![
                            KeyPart::Str(status),
                            str_part(b, "created_at")?,
                        ]))
                    },
                },
                // demands: customer picker of the demand form, customers by name (prefix search).
                IndexDef {
                    name: "demands_customer_by_name",
                    id_in_key: false,
                    doc_type: Some("customer"),
                    key: |b| Some(IndexKey(vec![str_part(b, "name")?])),
                },
                // customers: search by name (prefix, lower case), by the last 4 digits of the
                // phone, by account number (prefix, lower case).
                IndexDef {
                    name: "customer_by_name",
                    id_in_key: false,
                    doc_type: Some("customer"),
                    key: |b| {
                        Some(IndexKey(vec![KeyPart::Str(
                            b.get("name")?.as_str()?.trim().to_lowercase(),
                        )]))
                    },
                },
                IndexDef {
                    name: "customer_by_phone4",
                    id_in_key: false,
                    doc_type: Some("customer"),
                    key: |b| {
                        Some(IndexKey(vec![KeyPart::Str(
                            crate::domain::customer::phone_last4(b.get("phone")?.as_str()?)?,
                        )]))
                    },
                },
                IndexDef {
                    name: "customer_by_account",
                    id_in_key: false,
                    doc_type: Some("customer"),
                    key: |b| {
                        Some(IndexKey(vec![KeyPart::Str(
                            b.get("account_no")?.as_str()?.trim().to_lowercase(),
                        )]))
                    },
                },
                // the customer timeline: complaints, demands, survey responses and care tasks of
                // one customer by [customer_id, date].
                IndexDef {
                    name: "by_customer",
                    id_in_key: false,
                    doc_type: None,
                    key: |b| {
                        let date = match b.get("type")?.as_str()? {
                            "complaint" => "received_at",
                            "demand" => "created_at",
                            "response" => "submitted_at",
                            "care_task" => "due",
                            _ => return None,
                        };
                        Some(IndexKey(vec![
                            str_part(b, "customer_id")?,
                            str_part(b, date)?,
                        ]))
                    },
                },
                // who saw a customer's contact data in full, by [customer_id, at].
                IndexDef {
                    name: "access_log_by_customer",
                    id_in_key: false,
                    doc_type: Some("access_log"),
                    key: |b| {
                        Some(IndexKey(vec![
                            str_part(b, "customer_id")?,
                            str_part(b, "at")?,
                        ]))
                    },
                },
                // care tasks by [open|closed, due].
                IndexDef {
                    name: "care_task_by_due",
                    id_in_key: false,
                    doc_type: Some("care_task"),
                    key: |b| {
                        let open = b.get("status").and_then(Json::as_str) == Some("Open");
                        Some(IndexKey(vec![
                            KeyPart::Str(if open { "open" } else { "closed" }.into()),
                            str_part(b, "due")?,
                        ]))
                    },
                },
                // complaints (version 7): the list's equality filters, each with the time
                // received as the second part so a filtered page reads newest-first from the
                // index instead of filtering rows after reading them.
                IndexDef {
                    name: "complaint_category",
                    id_in_key: false,
                    doc_type: Some("complaint"),
                    key: |b| {
                        Some(IndexKey(vec![
                            str_part(b, "category")?,
                            str_part(b, "received_at")?,
                        ]))
                    },
                },
                IndexDef {
                    name: "complaint_channel",
                    id_in_key: false,
                    doc_type: Some("complaint"),
                    key: |b| {
                        Some(IndexKey(vec![
                            str_part(b, "channel")?,
                            str_part(b, "received_at")?,
                        ]))
                    },
                },
                IndexDef {
                    name: "complaint_severity",
                    id_in_key: false,
                    doc_type: Some("complaint"),
                    key: |b| {
                        Some(IndexKey(vec![
                            num_part(b, "severity")?,
                            str_part(b, "received_at")?,
                        ]))
                    },
                },
                IndexDef {
                    name: "complaint_department",
                    id_in_key: false,
                    doc_type: Some("complaint"),
                    key: |b| {
                        Some(IndexKey(vec![
                            KeyPart::Str(b.get("department")?.as_str()?.trim().to_string()),
                            str_part(b, "received_at")?,
                        ]))
                    },
                },
                // complaints: the complainant's phone as digits only (prefix search) and its
                // last four digits (the usual way a caller is looked up).
                IndexDef {
                    name: "complaint_phone",
                    id_in_key: false,
                    doc_type: Some("complaint"),
                    key: |b| {
                        let digits = phone_digits(b.get("complainant")?.get("phone")?.as_str()?);
                        (!digits.is_empty()).then(|| IndexKey(vec![KeyPart::Str(digits)]))
                    },
                },
                IndexDef {
                    name: "complaint_phone4",
                    id_in_key: false,
                    doc_type: Some("complaint"),
                    key: |b| {
                        let digits = phone_digits(b.get("complainant")?.get("phone")?.as_str()?);
                        let n = digits.len();
                        (n >= 4).then(|| IndexKey(vec![KeyPart::Str(digits[n - 4..].to_string())]))
                    },
                },
            ],
            summaries: vec![
                SummaryDef {
                    name: "complaint_facts",
                    doc_type: "complaint",
                    key: received_at,
                    of: complaint_facts,
                    // By month received ("2026-10").
                    bucket: |k| text_prefix(k, 7),
                },
                // (version 11) the journey map's facts of every complaint, read all at once.
                SummaryDef {
                    name: "journey_complaint",
                    doc_type: "complaint",
                    key: received_at,
                    of: journey_complaint,
                    // By year received ("2026"): the map reads them all.
                    bucket: |k| text_prefix(k, 4),
                },
            ],
            migrations: vec![
                // migrations (append below: Migration { to_version: 2, doc_type: Some(..), transform })
                // 12: cases approved at every level before `approved` was written get it.
                Migration {
                    to_version: 12,
                    doc_type: Some("complaint"),
                    transform: |b| {
                        if crate::domain::complaint::approved_in_body(b) {
                            b["approved"] = Json::Bool(true);
                        }
                    },
                },
            ],
        }
    }

    pub fn summary(&self, name: &str) -> Option<&SummaryDef> {
        self.summaries.iter().find(|s| s.name == name)
    }

    pub fn index(&self, name: &str) -> Option<&IndexDef> {
        self.indexes.iter().find(|i| i.name == name)
    }

    /// The index keys of a (winning) document, by index name.
    pub fn keys_of(&self, doc: &Doc) -> Vec<(&'static str, IndexKey)> {
        self.indexes
            .iter()
            .filter_map(|ix| ix.key_of(doc).map(|k| (ix.name, k)))
            .collect()
    }

    /// The keys as IndexedDB stores them: `[key, id]` for an index with `id_in_key`.
    pub fn stored_keys_of(&self, doc: &Doc) -> Vec<(&'static str, IndexKey)> {
        self.indexes
            .iter()
            .filter_map(|ix| {
                let k = ix.key_of(doc)?;
                Some((
                    ix.name,
                    if ix.id_in_key {
                        k.composite(&doc.id)
                    } else {
                        k
                    },
                ))
            })
            .collect()
    }

    /// Applies the migrations above `from_version` (up to `self.version`) to a winning body,
    /// in version order. Returns whether anything ran.
    pub fn migrate(&self, from_version: u32, doc: &mut Doc) -> bool {
        let mut steps: Vec<&Migration> = self
            .migrations
            .iter()
            .filter(|m| m.to_version > from_version && m.to_version <= self.version)
            .collect();
        crate::domain::sort::sort_by_key(&mut steps, |m| m.to_version);
        let mut ran = false;
        for m in steps {
            if doc.deleted {
                break;
            }
            if m.doc_type.is_none() || m.doc_type == doc.doc_type() {
                (m.transform)(&mut doc.body);
                ran = true;
            }
        }
        ran
    }

    /// Checks names are unique and well formed.
    pub fn validate(&self) -> Result<(), String> {
        let well_formed = |name: &str| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        let mut seen = std::collections::BTreeSet::new();
        for ix in &self.indexes {
            if !well_formed(ix.name) {
                return Err(format!("bad index name {:?}", ix.name));
            }
            if !seen.insert(ix.name) {
                return Err(format!("index {:?} defined twice", ix.name));
            }
        }
        // A type may have several summaries (complaints: the report's and the journey's),
        // each in its own store (`sum_<name>`, written and rebuilt per summary).
        let mut names = std::collections::BTreeSet::new();
        for sum in &self.summaries {
            if !well_formed(sum.name) {
                return Err(format!("bad summary name {:?}", sum.name));
            }
            if !names.insert(sum.name) {
                return Err(format!("summary {:?} defined twice", sum.name));
            }
        }
        if let Some(m) = self
            .migrations
            .iter()
            .find(|m| m.to_version > self.version || m.to_version < 2)
        {
            return Err(format!(
                "migration to version {} outside 2..={}",
                m.to_version, self.version
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_case_approved_at_every_level_is_listed_apart_also_when_stored_before_the_mark() {
        let s = Schema::current();
        let status_key = |d: &Doc| {
            s.keys_of(d)
                .into_iter()
                .find(|(n, _)| *n == "complaint_status")
                .map(|(_, k)| k.0[0].clone())
        };
        let approval = |role: &str, submission: u32| {
            json!({"by": {"id": "staff:x", "name": "x"}, "role": role, "at": "2026-11-02T10:00:00",
                   "decision": "approved", "comment": "", "submission": submission})
        };
        let body = |status: &str, submissions: u32, approvals: Vec<Json>| {
            json!({"type": "complaint", "status": status, "received_at": "2026-11-02T09:00:00",
                   "rounds": [{"number": 1, "submissions": submissions, "approvals": approvals}]})
        };
        let str_key = |v: &str| Some(KeyPart::Str(v.into()));
        // Stored at version 11: the upgrade marks it, and it is listed as approved.
        let both = vec![approval("supervisor", 1), approval("manager", 1)];
        let mut d = Doc::new("complaint:1", body("awaiting_approval", 1, both.clone()));
        assert_eq!(status_key(&d), str_key("awaiting_approval"));
        assert!(s.migrate(11, &mut d));
        assert_eq!(d.body["approved"], true);
        assert_eq!(status_key(&d), str_key("approved"));
        // Not yet at the manager, or approved on a submission sent back since: awaiting.
        for mut d in [
            Doc::new(
                "complaint:2",
                body("awaiting_approval", 1, vec![approval("supervisor", 1)]),
            ),
            Doc::new("complaint:3", body("awaiting_approval", 2, both.clone())),
        ] {
            s.migrate(11, &mut d);
            assert_eq!(d.body.get("approved"), None);
            assert_eq!(status_key(&d), str_key("awaiting_approval"));
        }
        // The mark carried on by an older device once the case moved on: its own status.
        let mut closed = body("closed", 1, both);
        closed["approved"] = Json::Bool(true);
        assert_eq!(
            status_key(&Doc::new("complaint:4", closed)),
            str_key("closed")
        );
    }

    #[test]
    fn current_schema_is_valid_and_indexes_by_type() {
        let s = Schema::current();
        s.validate().unwrap();
        let d = Doc::new("note:1", json!({"type": "note"}));
        assert_eq!(
            s.keys_of(&d),
            vec![("by_type", IndexKey(vec![KeyPart::Str("note".into())]))]
        );
        let mut gone = d.clone();
        gone.deleted = true;
        assert!(s.keys_of(&gone).is_empty());
    }

    #[test]
    fn complaint_list_indexes_key_filters_with_time_received() {
        let s = Schema::current();
        let doc = Doc::new(
            "complaint:1",
            json!({
                "type": "complaint",
                "received_at": "2026-11-22T09:30:00",
                "category": "fees",
                "channel": "phone",
                "severity": 3,
                "department": " 运营部 ",
                "complainant": {"name": "钱先生", "phone": "139 0000-5678"},
            }),
        );
        let key = |name: &str| s.index(name).unwrap().key_of(&doc);
        let at = KeyPart::Str("2026-11-22T09:30:00".into());
        let s2 = |x: &str| KeyPart::Str(x.into());
        assert_eq!(
            key("complaint_category"),
            Some(IndexKey(vec![s2("fees"), at.clone()]))
        );
        assert_eq!(
            key("complaint_channel"),
            Some(IndexKey(vec![s2("phone"), at.clone()]))
        );
        assert_eq!(
            key("complaint_severity"),
            Some(IndexKey(vec![KeyPart::Num(3.0), at.clone()]))
        );
        assert_eq!(
            key("complaint_department"),
            Some(IndexKey(vec![s2("运营部"), at.clone()]))
        );
        assert_eq!(
            key("complaint_phone"),
            Some(IndexKey(vec![s2("13900005678")]))
        );
        assert_eq!(key("complaint_phone4"), Some(IndexKey(vec![s2("5678")])));
        // A mobile is keyed without its country code, so that the number a caller gives finds
        // it; other numbers keep every digit typed.
        for (typed, keyed) in [
            ("+86 139 0000 5678", "13900005678"),
            ("0086 139-0000-5678", "13900005678"),
            ("8613900005678", "13900005678"),
            ("010-8888 1234", "01088881234"),
            ("+44 20 7946 0018", "442079460018"),
            ("8888 1234", "88881234"),
            ("0371-65585533转801", "037165585533"),
        ] {
            assert_eq!(phone_digits(typed), keyed, "{typed}");
        }
        // An unclassified case without a phone is in none of them.
        let bare = Doc::new(
            "complaint:2",
            json!({
                "type": "complaint",
                "received_at": "2026-11-22T09:30:00",
                "category": null,
                "severity": null,
                "department": null,
                "channel": "letter",
                "complainant": {"name": "x", "phone": ""},
            }),
        );
        for name in [
            "complaint_category",
            "complaint_severity",
            "complaint_department",
            "complaint_phone",
            "complaint_phone4",
        ] {
            assert_eq!(s.index(name).unwrap().key_of(&bare), None, "{name}");
        }
        // Other documents stay out.
        let other = Doc::new(
            "demand:1",
            json!({"type": "demand", "category": "fees", "received_at": "x"}),
        );
        assert_eq!(s.index("complaint_category").unwrap().key_of(&other), None);
    }
}
