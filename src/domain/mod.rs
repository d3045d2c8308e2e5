//! domain/: the business of a branch's service desk as plain Rust: types, rules, deadlines,
//! statistics and report aggregation. No IO, no browser: compiled and tested on the host.

pub mod backup;
pub mod calendar;
pub mod care;
pub mod complaint;
#[cfg(test)]
mod complaint_matrix;
pub mod customer;
pub mod customer_form;
pub mod datefmt;
pub mod demand;
pub mod ids;
pub mod journey;
pub mod kpi;
pub mod opened_on;
pub mod pin_lockout;
pub mod quality;
pub mod records;
pub mod report;
pub mod settings;
pub mod sort;
pub mod spreadsheet;
pub mod staff;
pub mod stats;
pub mod survey;
pub mod survey_progress;

use serde::{de::DeserializeOwned, Serialize};

/// A domain record stored as one document. Structs carry their id and revision as
/// `#[serde(rename = "_id")] pub id: String` and
/// `#[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")] pub rev: Option<String>`;
/// the store adds `"type": TYPE` on write. Ids are `"<TYPE>:<time-ordered id>"` (see `ids`).
pub trait Record: Serialize + DeserializeOwned + Clone {
    const TYPE: &'static str;
}
