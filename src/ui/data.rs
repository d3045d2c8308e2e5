//! data: store reads and writes shared by pages (typed lists, saving with notices), so pages
//! do not repeat paging loops.

use crate::domain::Record;
use crate::store::{typed, DocStore, IndexKey, KeyPart, KeyRange, Query, StoreError};

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
    let mut after = None;
    loop {
        let q = Query::new("by_type", type_range(T::TYPE))
            .limit(500)
            .after(after);
        let page = typed::page_of::<T, _>(store, &q).await?;
        out.extend(page.rows);
        corrupt.extend(page.corrupt);
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    Ok((out, corrupt))
}

/// How many documents of a type the store holds.
pub async fn count_of(store: &AppStore, type_name: &str) -> Result<u64, StoreError> {
    store.count("by_type", &type_range(type_name)).await
}

/// How many documents the store holds in all (every type).
pub async fn count_of_all(store: &AppStore) -> Result<u64, StoreError> {
    store.count("by_type", &KeyRange::all()).await
}
