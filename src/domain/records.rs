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

const READS: [Reads; 17] = [
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
];

const KINDS: [Kind; 17] = [
    // The case's listed deadline, for the `complaint_due` index (`complaints::repo`).
    kind::<Complaint>(&["deadline"]),
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
