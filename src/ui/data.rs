//! data: store reads and writes shared by pages (typed lists, saving with notices), so pages
//! do not repeat paging loops.

use crate::domain::Record;
use crate::store::{typed, DocStore, IndexKey, KeyPart, KeyRange, Page, Query, StoreError};

use super::state::AppStore;

/// The key range of every document of one type in the `by_type` index.
pub fn type_range(type_name: &str) -> KeyRange {
    KeyRange::prefix(IndexKey(vec![KeyPart::Str(type_name.to_string())]))
}

/// Every record of a type, paging through the `by_type` index (for small types: staff,
/// surveys, plans). Corrupt records are skipped and their ids returned.
pub async fn all_of<T: Record>(store: &AppStore) -> Result<(Vec<T>, Vec<String>), StoreError> {
    let mut out = Vec::new();
    let mut corrupt = Vec::new();
    for page in all_pages(store, T::TYPE).await? {
        let page = typed::typed_page::<T>(page);
        out.extend(page.rows);
        corrupt.extend(page.corrupt);
    }
    Ok((out, corrupt))
}

/// The active staff, by name (for a choice of staff member: a demand's owner, a staff link, a
/// kiosk's counter). A store that cannot be read offers nobody.
pub async fn active_staff(store: &AppStore) -> Vec<crate::domain::staff::Staff> {
    let (mut list, _) = all_of::<crate::domain::staff::Staff>(store)
        .await
        .unwrap_or_default();
    list.retain(|s| s.active);
    crate::domain::sort::sort_by(&mut list, |a, b| a.name.cmp(&b.name));
    list
}

/// The ready-made branch survey, added to the store: named as saved by `by` (whoever is
/// signed in; nobody while a kiosk is set up with no one signed in). The survey list and the
/// kiosk's set-up both offer it.
pub async fn add_default_survey(
    store: &AppStore,
    by: Option<String>,
) -> Result<crate::domain::survey::Survey, StoreError> {
    use crate::ui::platform::{new_id, now};
    let mut s = crate::domain::survey::default_survey(&new_id("survey"));
    if let Some(by) = by {
        s = s.saved_by(&by, now());
    }
    typed::save(store, &s).await?;
    Ok(s)
}

/// The pages of every document of a type: the paging loop of [`all_of`], compiled once
/// rather than once per record type.
async fn all_pages(store: &AppStore, type_name: &str) -> Result<Vec<Page>, StoreError> {
    let mut pages = Vec::new();
    let mut after = None;
    loop {
        let q = Query::new("by_type", type_range(type_name))
            .limit(500)
            .after(after);
        let page = store.query(&q).await?;
        after = page.next.clone();
        pages.push(page);
        if after.is_none() {
            break;
        }
    }
    Ok(pages)
}

/// How many documents of a type the store holds.
pub async fn count_of(store: &AppStore, type_name: &str) -> Result<u64, StoreError> {
    store.count("by_type", &type_range(type_name)).await
}

/// How many documents the store holds in all (every type).
pub async fn count_of_all(store: &AppStore) -> Result<u64, StoreError> {
    store.count("by_type", &KeyRange::all()).await
}

/// The ids of the live documents of `prefix` (`"complaint:"`) changed after `since`, up to the
/// store's sequence `end`, in the changes feed's order (each once: the feed holds a document's
/// latest change only), read a page at a time. It stops reading once more than `at_most` are
/// found: the caller then does the whole job another way.
pub async fn changed_ids(
    store: &AppStore,
    mut since: u64,
    end: u64,
    prefix: &str,
    at_most: usize,
) -> Result<Vec<String>, StoreError> {
    let mut ids = Vec::new();
    while since < end && ids.len() <= at_most {
        let page = store.changes(since, 1_000).await?;
        let Some(last) = page.last() else {
            break;
        };
        since = last.seq;
        ids.extend(
            page.into_iter()
                .filter(|c| !c.deleted && c.id.starts_with(prefix))
                .map(|c| c.id),
        );
    }
    Ok(ids)
}
