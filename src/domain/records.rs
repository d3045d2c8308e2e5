//! records: every record type this version knows, by its `type` tag: whether a document reads
//! as its record, and which top-level fields the record has. A document may hold more: fields
//! a newer version of the app (on another device) added, which this version must carry along
//! when it saves the record, not drop ([`unknown_fields`]).

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::care::{CareConfig, CareTask, VisitPlan};
use super::complaint::{CaseCounter, Complaint};
use super::customer::{AccessLog, Customer};
use super::demand::Demand;
use super::journey::JourneyConfig;
use super::kpi::ServedCounts;
use super::quality::{CallReview, CallStats};
use super::report::DestructionLog;
use super::settings::{BranchSettings, DeviceClaim};
use super::staff::Staff;
use super::survey::{FollowUpSettings, Survey, SurveyFollowUp, SurveyResponse};
use super::Record;

/// One record type: its tag and its fields. (Its reading is a table of its own, [`READS`]:
/// only the backup check needs it, and this table is in every page's wasm, as every save
/// reads it.)
struct Kind {
    ty: &'static str,
    fields: fn() -> &'static [&'static str],
    /// Fields the store keeps in the document beside the record's own (an index field).
    derived: &'static [&'static str],
}

fn reads<T: Record>(doc: &Value) -> Result<(), String> {
    T::deserialize(doc).map(|_| ()).map_err(|e| e.to_string())
}

fn fields<T: Record>() -> &'static [&'static str] {
    struct_fields::<T>().unwrap_or(&[])
}

const fn kind<T: Record>(derived: &'static [&'static str]) -> Kind {
    Kind {
        ty: T::TYPE,
        fields: fields::<T>,
        derived,
    }
}

type Reads = (&'static str, fn(&Value) -> Result<(), String>);

const READS: [Reads; 20] = [
    (Complaint::TYPE, reads::<Complaint>),
    (CaseCounter::TYPE, reads::<CaseCounter>),
    (Customer::TYPE, reads::<Customer>),
    (AccessLog::TYPE, reads::<AccessLog>),
    (Demand::TYPE, reads::<Demand>),
    (Survey::TYPE, reads::<Survey>),
    (SurveyResponse::TYPE, reads::<SurveyResponse>),
    (FollowUpSettings::TYPE, reads::<FollowUpSettings>),
    (SurveyFollowUp::TYPE, reads::<SurveyFollowUp>),
    (DestructionLog::TYPE, reads::<DestructionLog>),
    (JourneyConfig::TYPE, reads::<JourneyConfig>),
    (BranchSettings::TYPE, reads::<BranchSettings>),
    (DeviceClaim::TYPE, reads::<DeviceClaim>),
    (Staff::TYPE, reads::<Staff>),
    (VisitPlan::TYPE, reads::<VisitPlan>),
    (CareConfig::TYPE, reads::<CareConfig>),
    (CareTask::TYPE, reads::<CareTask>),
    (CallReview::TYPE, reads::<CallReview>),
    (CallStats::TYPE, reads::<CallStats>),
    (ServedCounts::TYPE, reads::<ServedCounts>),
];

const KINDS: [Kind; 20] = [
    // The case's listed deadline and approval, for the `complaint_due` and `complaint_status`
    // indexes (`complaints::repo`).
    kind::<Complaint>(&["deadline", "approved"]),
    kind::<CaseCounter>(&[]),
    kind::<Customer>(&[]),
    kind::<AccessLog>(&[]),
    kind::<Demand>(&[]),
    kind::<Survey>(&[]),
    kind::<SurveyResponse>(&[]),
    kind::<FollowUpSettings>(&[]),
    kind::<SurveyFollowUp>(&[]),
    kind::<DestructionLog>(&[]),
    kind::<JourneyConfig>(&[]),
    kind::<BranchSettings>(&[]),
    kind::<DeviceClaim>(&[]),
    kind::<Staff>(&[]),
    kind::<VisitPlan>(&[]),
    kind::<CareConfig>(&[]),
    kind::<CareTask>(&[]),
    kind::<CallReview>(&[]),
    kind::<CallStats>(&[]),
    kind::<ServedCounts>(&[]),
];

fn kind_of(ty: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.ty == ty)
}

/// Whether a document of type `ty` reads as its record; serde's reason when not. A type this
/// version does not know (written by a newer version) is not checked.
pub fn reads_as_record(ty: &str, doc: &Value) -> Result<(), String> {
    match READS.iter().find(|(t, _)| *t == ty) {
        Some((_, reads)) => reads(doc),
        None => Ok(()),
    }
}

/// The top-level fields of `stored` (a record's document as stored, of type `ty`) that this
/// version's record does not have: they were written by a newer version, and a save here
/// must keep them. Envelope fields (`_id`, `_rev`, …) and `type` are not among them. Nothing
/// for a type this version does not know (it never saves one).
pub fn unknown_fields(ty: &str, stored: &Map<String, Value>) -> Map<String, Value> {
    let Some(k) = kind_of(ty) else {
        return Map::new();
    };
    let known = (k.fields)();
    if known.is_empty() {
        // Not a plain struct: its fields cannot be told apart; keep nothing rather than
        // bring back a field the record removed.
        return Map::new();
    }
    stored
        .iter()
        .filter(|(key, _)| {
            !key.starts_with('_')
                && key.as_str() != "type"
                && !known.contains(&key.as_str())
                && !k.derived.contains(&key.as_str())
        })
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// Carries into `new` (the body an edit here writes over `parent`) what this version drops
/// of `parent` (that revision's body, as stored), at any depth: a field a newer version of the
/// app added inside a known one (a complainant's, a round's) is as much that version's as one
/// at the top level. `reread` is `parent` as this version reads and writes it back (through
/// its record type): what `parent` holds and `reread` lacks is what this version dropped.
///
/// Each dropped field goes back where `new` still has its place and lacks the field: objects
/// by key, at any depth; list elements only into the same element. An element is the same
/// when it names itself and `new` holds the one of that name (an `id`, or a round's `number`;
/// wherever it moved), or when, not named, it is at the same place and this edit left it as
/// this version read it. So a field is never put onto another element, and one in an element
/// this edit changed and that has no name is lost (as before).
///
/// A field this version knows and the edit cleared is not brought back: it was in `reread`
/// (not dropped), so only a known field read as empty and written as absent can come back,
/// and then only where `new` writes it absent too (empty as well). The envelope (`_id`, …),
/// `type` and the fields the store derives (a complaint's `deadline`) are never carried.
pub fn keep_dropped(ty: &str, parent: &Value, reread: &Value, new: &mut Value) {
    let derived = kind_of(ty).map_or(&[][..], |k| k.derived);
    let (Some(p), Some(r), Some(n)) = (parent.as_object(), reread.as_object(), new.as_object_mut())
    else {
        return;
    };
    for (key, value) in p {
        if !key.starts_with('_') && key != "type" && !derived.contains(&key.as_str()) {
            keep_field(key, value, r.get(key), n);
        }
    }
}

/// One field `key` of a parent object (`value`; `reread` its value as read back) into the
/// object `new` writes.
fn keep_field(key: &str, value: &Value, reread: Option<&Value>, new: &mut Map<String, Value>) {
    match (reread, new.get_mut(key)) {
        // Dropped by this version, and not written by this edit: carried.
        (None, None) => {
            new.insert(key.to_string(), value.clone());
        }
        // Kept and written: what is inside may have been dropped.
        (Some(reread), Some(written)) => keep_inside(value, reread, written),
        // Known and cleared by this edit; or dropped and written anew by it.
        _ => {}
    }
}

fn keep_inside(parent: &Value, reread: &Value, new: &mut Value) {
    match (parent, reread, new) {
        (Value::Object(p), Value::Object(r), Value::Object(n)) => {
            for (key, value) in p {
                keep_field(key, value, r.get(key), n);
            }
        }
        (Value::Array(p), Value::Array(r), Value::Array(n)) => keep_in_elements(p, r, n),
        _ => {}
    }
}

/// The keys by which a list element names itself, first found first: what matches an element
/// the edit changed to the parent's ([`keep_dropped`]).
const NAMES: [&str; 2] = ["id", "number"];

/// An element's name: its first [`NAMES`] key, with a string or number value.
fn name_of(v: &Value) -> Option<(&'static str, &Value)> {
    let map = v.as_object()?;
    NAMES.iter().find_map(|k| {
        let v = map.get(*k)?;
        (v.is_string() || v.is_number()).then_some((*k, v))
    })
}

/// The one element of `list` named `name`; None when none is, or more than one.
fn named(list: &[Value], name: (&str, &Value)) -> Option<usize> {
    let mut found = list
        .iter()
        .enumerate()
        .filter(|(_, v)| name_of(v) == Some(name))
        .map(|(i, _)| i);
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

fn keep_in_elements(parent: &[Value], reread: &[Value], new: &mut [Value]) {
    if parent.len() != reread.len() {
        // Read as another list (a default element added): which is which is not known.
        return;
    }
    let from: Vec<Option<usize>> = (0..new.len())
        .map(|j| match name_of(&new[j]) {
            // Named: the parent's element of that name, if both lists hold one only.
            Some(name) => named(new, name).and(named(reread, name)),
            // Not named: the element at the same place, if the edit left it as it was read.
            None => (reread.get(j) == Some(&new[j])).then_some(j),
        })
        .collect();
    for (element, from) in new.iter_mut().zip(from) {
        if let Some(i) = from {
            keep_inside(&parent[i], &reread[i], element);
        }
    }
}

/// The field names (as serialized, after renames) of a struct deriving `Deserialize`: asked of
/// its derived code, which names them to the deserializer. None for anything else.
pub fn struct_fields<'de, T: Deserialize<'de>>() -> Option<&'static [&'static str]> {
    struct Ask<'a>(&'a mut Option<&'static [&'static str]>);
    impl<'de> Deserializer<'de> for Ask<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = Some(fields);
            Err(de::Error::custom("fields named"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut fields = None;
    let _ = T::deserialize(Ask(&mut fields));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_record_type_names_its_fields() {
        let read: Vec<&str> = READS.iter().map(|(t, _)| *t).collect();
        let named: Vec<&str> = KINDS.iter().map(|k| k.ty).collect();
        assert_eq!(read, named, "both tables list every record type");
        for k in &KINDS {
            let fields = (k.fields)();
            assert!(
                fields.contains(&"_id"),
                "{}: {fields:?} (a record is a plain struct with `_id`)",
                k.ty
            );
        }
        let staff = (kind_of(Staff::TYPE).unwrap().fields)();
        assert!(
            staff.contains(&"name") && staff.contains(&"active"),
            "{staff:?}"
        );
    }

    #[test]
    fn only_fields_the_record_lacks_are_unknown() {
        let stored = json!({
            "_id": "customer:01", "_rev": "2-ab", "type": "customer",
            "name": "王芳", "phone": "13800000000",
            "risk_level": "C4", "tags_v2": ["vip"],
        });
        let unknown = unknown_fields(Customer::TYPE, stored.as_object().unwrap());
        assert_eq!(
            Value::Object(unknown),
            json!({"risk_level": "C4", "tags_v2": ["vip"]})
        );
        // A complaint's listed deadline is the store's, not unknown: a closed case drops it.
        let stored =
            json!({"_id": "complaint:01", "type": "complaint", "deadline": "2026-12-01T00:00:00"});
        assert!(unknown_fields(Complaint::TYPE, stored.as_object().unwrap()).is_empty());
        // A type this version does not know: nothing (it never saves one).
        let stored = json!({"_id": "hologram:01", "type": "hologram", "x": 1});
        assert!(unknown_fields("hologram", stored.as_object().unwrap()).is_empty());
    }

    /// `keep_dropped` on a parent, its reading back (the parent less `dropped`'s fields) and
    /// the new body; the body it writes.
    fn kept(ty: &str, parent: Value, reread: Value, mut new: Value) -> Value {
        keep_dropped(ty, &parent, &reread, &mut new);
        new
    }

    #[test]
    fn a_dropped_field_goes_back_into_its_object_at_any_depth() {
        let parent = json!({"type": "complaint", "deadline": "2026-12-01T00:00:00",
            "complainant": {"name": "王芳", "id_type": "passport", "x": {"y": 1, "z": 2}},
            "level2": 7});
        let reread = json!({"type": "complaint",
            "complainant": {"name": "王芳", "x": {"y": 1}}});
        let new = json!({"type": "complaint", "complainant": {"name": "王芳芳", "x": {"y": 3}}});
        assert_eq!(
            kept(Complaint::TYPE, parent, reread, new),
            json!({"type": "complaint", "level2": 7,
                "complainant": {"name": "王芳芳", "id_type": "passport", "x": {"y": 3, "z": 2}}}),
            "carried at every depth; the store's deadline is not"
        );
    }

    #[test]
    fn a_field_this_version_knows_and_cleared_stays_cleared() {
        let parent = json!({"email": "wf@example.com", "c": {"note": "n", "tag": null}, "o": null});
        // Read back as it was: nothing dropped but the skipped-when-empty `o` and `c.tag`.
        let reread = json!({"email": "wf@example.com", "c": {"note": "n"}});
        let new = json!({"c": {}});
        assert_eq!(
            kept(Customer::TYPE, parent, reread, new),
            json!({"c": {"tag": null}, "o": null}),
            "email and note cleared here stay cleared; only what reads as empty comes back"
        );
        // The edit writes a field this version dropped: its value stands.
        let parent = json!({"o": null});
        assert_eq!(
            kept(Customer::TYPE, parent, json!({}), json!({"o": "set"})),
            json!({"o": "set"})
        );
    }

    #[test]
    fn a_field_in_a_list_goes_back_only_into_the_same_element() {
        let ev = |n: u32, new_field: bool| {
            let mut e = json!({"action": "note", "round": n});
            if new_field {
                e["device"] = json!("pad-2");
            }
            e
        };
        // Unnamed elements (history events): each one the edit left as it was keeps its
        // field, wherever the list grew.
        let parent = json!({"history": [ev(1, true), ev(2, true)]});
        let reread = json!({"history": [ev(1, false), ev(2, false)]});
        let new = json!({"history": [ev(1, false), ev(2, false), ev(3, false)]});
        assert_eq!(
            kept("complaint", parent.clone(), reread.clone(), new),
            json!({"history": [ev(1, true), ev(2, true), ev(3, false)]})
        );
        // An element the edit changed, or one now in another's place, gets nothing.
        let mut changed = ev(1, false);
        changed["why"] = json!("typo");
        let new = json!({"history": [changed.clone(), ev(3, false)]});
        assert_eq!(
            kept("complaint", parent.clone(), reread.clone(), new.clone()),
            new,
            "not onto a changed or another element"
        );
        // One removed: the next one moves into its place, and is not given its field.
        let new = json!({"history": [ev(2, false)]});
        assert_eq!(
            kept("complaint", parent.clone(), reread.clone(), new.clone()),
            new
        );
        // A list this version reads as another (a default element added): nothing.
        let parent = json!({"rounds": []});
        let reread = json!({"rounds": [{"number": 1}]});
        let new = json!({"rounds": [{"number": 1, "findings": "f"}]});
        assert_eq!(kept("complaint", parent, reread, new.clone()), new);
    }

    #[test]
    fn a_named_element_keeps_its_fields_when_changed_or_moved() {
        let parent = json!({
            "rounds": [{"number": 1, "sla": "paused", "opinion": null},
                       {"number": 2, "sla": "on"}],
            "questions": [{"id": "q1", "hint": "h1"}, {"id": "q2", "hint": "h2"}],
            "twice": [{"id": "a", "k": 1}, {"id": "a", "k": 2}],
        });
        let reread = json!({
            "rounds": [{"number": 1, "opinion": null}, {"number": 2}],
            "questions": [{"id": "q1"}, {"id": "q2"}],
            "twice": [{"id": "a"}, {"id": "a"}],
        });
        let new = json!({
            "rounds": [{"number": 1, "opinion": "o"}, {"number": 2, "findings": "f"},
                       {"number": 3}],
            "questions": [{"id": "q2", "text": "moved"}, {"id": "q3"}],
            "twice": [{"id": "a"}, {"id": "a"}],
        });
        assert_eq!(
            kept("complaint", parent, reread, new),
            json!({
                "rounds": [{"number": 1, "sla": "paused", "opinion": "o"},
                           {"number": 2, "sla": "on", "findings": "f"}, {"number": 3}],
                "questions": [{"id": "q2", "text": "moved", "hint": "h2"}, {"id": "q3"}],
                "twice": [{"id": "a"}, {"id": "a"}],
            }),
            "by name; a name that is not one element's is no name"
        );
    }

    #[test]
    fn struct_fields_is_none_for_what_is_not_a_struct() {
        assert_eq!(struct_fields::<String>(), None);
        assert_eq!(struct_fields::<Vec<u8>>(), None);
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct S {
            #[serde(rename = "_id")]
            id: String,
            plain: u8,
        }
        assert_eq!(struct_fields::<S>(), Some(&["_id", "plain"][..]));
    }
}
