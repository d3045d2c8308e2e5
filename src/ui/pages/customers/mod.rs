//! customers: records (list, search, create/edit, masked contact data with recorded reveals),
//! CSV import, the customer timeline, the journey map (客户旅程) and care tasks (客户关怀).

pub(crate) mod care;
mod edit;
mod import;
mod journey;
mod list;
mod timeline;

pub use care::CarePage;
pub use import::ImportPage;
pub use journey::JourneyPage;
pub use list::ListPage;
pub use timeline::TimelinePage;

use std::collections::HashMap;

use leptos::prelude::*;

use crate::domain::customer::Customer;
use crate::domain::journey::{default_journey, JourneyConfig};
use crate::domain::staff::Staff;
use crate::store::{typed, DocStore, IndexKey, KeyPart, KeyRange, StoreError};
use crate::ui::data::all_of;
use crate::ui::state::{app, store};

/// The address that opens one demand (its detail on the matrix page).
pub(crate) fn demand_href(id: &str) -> String {
    format!("/demands?id={}", query_value(id))
}

/// The address that opens one survey response (highlighted, with its answers, on the
/// survey's results page).
pub(crate) fn response_href(survey_id: &str, id: &str) -> String {
    format!("/surveys/{survey_id}/results?response={}", query_value(id))
}

/// The address that opens one care task (highlighted on the care page).
pub(crate) fn care_task_href(id: &str) -> String {
    format!("/care?task={}", query_value(id))
}

/// A record id as a query value (ids are `type:ULID`, but a synced id may hold anything).
fn query_value(v: &str) -> String {
    js_sys::encode_uri_component(v).into()
}

/// Rows per page in customer lists.
pub(crate) const PAGE: usize = 50;

/// The staff member signed in on this device, or a warning that one is needed.
pub(crate) fn signed_in() -> Option<Staff> {
    let state = app();
    let user = state.user.get_untracked();
    if user.is_none() {
        state.warn2(
            "请先在设置中用 PIN 登录本设备",
            "Sign in on this device (Settings) first",
        );
    }
    user
}

/// Every staff profile, by id.
pub(crate) async fn staff_by_id() -> HashMap<String, Staff> {
    all_of::<Staff>(&store())
        .await
        .map(|(v, _)| v.into_iter().map(|s| (s.id.clone(), s)).collect())
        .unwrap_or_default()
}

/// The journey configuration, or the default one when none is saved yet.
pub(crate) async fn journey_config() -> JourneyConfig {
    match typed::load::<JourneyConfig, _>(&store(), "journey:config").await {
        Ok(c) => c,
        Err(_) => default_journey(),
    }
}

/// Customers by id (those that exist and read; the others are left out).
pub(crate) async fn customers_by_id<'a>(
    ids: impl IntoIterator<Item = &'a String>,
) -> HashMap<String, Customer> {
    let s = store();
    let mut out = HashMap::new();
    for id in ids {
        if out.contains_key(id) {
            continue;
        }
        if let Ok(c) = typed::load::<Customer, _>(&s, id).await {
            out.insert(id.clone(), c);
        }
    }
    out
}

/// Keys of one string part starting with `prefix` (IndexedDB compares strings by UTF-16
/// code units; U+FFFF is above every one of them but the last).
pub(crate) fn string_prefix(prefix: &str) -> KeyRange {
    KeyRange::between(
        IndexKey(vec![KeyPart::Str(prefix.to_string())]),
        IndexKey(vec![KeyPart::Str(format!("{prefix}\u{ffff}"))]),
    )
}

/// Every raw document of an index range, page by page.
pub(crate) async fn all_docs_in(
    index: &str,
    range: KeyRange,
    descending: bool,
) -> Result<Vec<crate::store::Doc>, StoreError> {
    let s = store();
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let mut q = crate::store::Query::new(index, range.clone())
            .limit(500)
            .after(after);
        if descending {
            q = q.descending();
        }
        let page = s.query(&q).await?;
        out.extend(page.docs);
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    Ok(out)
}
