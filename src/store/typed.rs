//! store/typed: between domain records (`crate::domain::Record`) and documents: `to_doc`,
//! `from_doc`, and typed load/save/page helpers over any [`DocStore`].

use super::{summary, Cursor, Doc, DocStore, KeyRange, Query, StoreError};
use crate::domain::{records, Record};
use serde_json::Value as Json;

/// A record as a document: `_id`/`_rev` move to the envelope, `"type": T::TYPE` is set.
pub fn to_doc<T: Record>(record: &T) -> Result<Doc, StoreError> {
    body_to_doc(T::TYPE, serde_json::to_value(record))
}

/// The part of [`to_doc`] that does not depend on the record's type, compiled once.
#[inline(never)]
fn body_to_doc(ty: &'static str, body: serde_json::Result<Json>) -> Result<Doc, StoreError> {
    let mut body = body.map_err(|e| StoreError::Invalid(format!("{ty} not serializable: {e}")))?;
    let map = body
        .as_object_mut()
        .ok_or_else(|| StoreError::Invalid(format!("{ty} is not a JSON object")))?;
    let id = match map.remove("_id") {
        Some(Json::String(id)) => id,
        _ => return Err(StoreError::Invalid(format!("{ty} has no _id"))),
    };
    let rev = match map.remove("_rev") {
        Some(Json::String(r)) => Some(r),
        _ => None,
    };
    map.remove("_deleted");
    map.insert("type".into(), Json::String(ty.to_string()));
    Ok(Doc {
        id,
        rev,
        deleted: false,
        body,
    })
}

/// A document as a record; `Corrupt` when it is of another type or does not deserialize.
pub fn from_doc<T: Record>(doc: Doc) -> Result<T, StoreError> {
    let (id, body) = doc_body(doc, T::TYPE)?;
    serde_json::from_value(body).map_err(|e| corrupt(id, e.to_string()))
}

fn corrupt(id: String, reason: String) -> StoreError {
    StoreError::Corrupt { id, reason }
}

/// The part of [`from_doc`] that does not depend on the record's type, compiled once: the
/// document's id, and its body (moved, not copied) with `_id`/`_rev` put back, if the document
/// is of type `ty`.
#[inline(never)]
fn doc_body(doc: Doc, ty: &'static str) -> Result<(String, Json), StoreError> {
    if doc.doc_type() != Some(ty) {
        let reason = format!("type {:?}, expected {:?}", doc.doc_type(), ty);
        return Err(corrupt(doc.id, reason));
    }
    let Doc {
        id, rev, mut body, ..
    } = doc;
    let Some(map) = body.as_object_mut() else {
        return Err(corrupt(id, "body is not an object".into()));
    };
    map.insert("_id".into(), Json::String(id.clone()));
    if let Some(r) = rev {
        map.insert("_rev".into(), Json::String(r));
    }
    Ok((id, body))
}

/// Loads one record by id (`NotFound` if absent or deleted).
pub async fn load<T: Record, S: DocStore>(store: &S, id: &str) -> Result<T, StoreError> {
    from_doc(store.get(id).await?)
}

/// A record's document to write, with how this version reads documents of its type (for
/// [`keep_unknown_fields`]): made by [`record_doc`], or [`RecordDoc::of`] from a [`to_doc`]
/// the caller added to.
pub struct RecordDoc {
    pub doc: Doc,
    reread: fn(Doc) -> Option<Json>,
}

impl RecordDoc {
    /// `doc`, the document of a `T` (from [`to_doc`], perhaps given a field the store derives).
    pub fn of<T: Record>(doc: Doc) -> Self {
        RecordDoc {
            doc,
            reread: reread::<T>,
        }
    }
}

/// A record's document ([`to_doc`]), to write with [`put`] or [`bulk`].
pub fn record_doc<T: Record>(record: &T) -> Result<RecordDoc, StoreError> {
    to_doc(record).map(RecordDoc::of::<T>)
}

/// A document of a `T` as this version reads and writes it back: its body less what the
/// record drops. The same reading and writing a load and a save use, so a page that saves a
/// type adds no code of that type's (every type in one table added 44 KB to every page).
fn reread<T: Record>(doc: Doc) -> Option<Json> {
    let record = from_doc::<T>(doc).ok()?;
    to_doc(&record).ok().map(|d| d.body)
}

/// Saves a record (its `_rev` must be current; None for a new one). Returns the new revision,
/// which the caller keeps in the record for the next save.
/// Only the document is made per record type; the write is one future for all types.
pub fn save<'a, T: Record, S: DocStore>(
    store: &'a S,
    record: &T,
) -> impl std::future::Future<Output = Result<String, StoreError>> + 'a {
    put_doc(store, record_doc(record))
}

/// Saves a new record as [`save`] does, without the reading back an edit needs: a part of the
/// wasm that only creates records of a type then holds no reading of that type (the demand
/// dialog of every page's header, in the main part: 6.5 KB brotli of the demand's reading).
/// Given a record saved before, it keeps only the top-level fields a newer version wrote.
pub fn save_new<'a, T: Record, S: DocStore>(
    store: &'a S,
    record: &T,
) -> impl std::future::Future<Output = Result<String, StoreError>> + 'a {
    let doc = to_doc(record).map(|doc| RecordDoc {
        doc,
        reread: |_| None,
    });
    put_doc(store, doc)
}

async fn put_doc<S: DocStore>(
    store: &S,
    doc: Result<RecordDoc, StoreError>,
) -> Result<String, StoreError> {
    put(store, doc?).await
}

/// Writes a record's document as [`DocStore::put`] does, keeping the stored revision's fields
/// this version does not know ([`keep_unknown_fields`]).
pub async fn put<S: DocStore>(store: &S, mut doc: RecordDoc) -> Result<String, StoreError> {
    keep_unknown_fields(store, std::slice::from_mut(&mut doc)).await;
    store.put(doc.doc).await
}

/// Writes records' documents in one transaction as [`DocStore::bulk`] does, keeping each
/// stored revision's fields this version does not know ([`keep_unknown_fields`]).
pub async fn bulk<S: DocStore>(
    store: &S,
    mut docs: Vec<RecordDoc>,
) -> Result<Vec<String>, StoreError> {
    keep_unknown_fields(store, &mut docs).await;
    store.bulk(docs.into_iter().map(|d| d.doc).collect()).await
}

/// Carries into each edit the fields its parent revision holds that this version's record
/// drops, at any depth: a newer version of the app (on another device) wrote them, and an edit
/// here must not drop them for every device. What is dropped is what the parent holds and
/// lacks once read and written back as the record; each goes back where the edit still has
/// its place (`domain::records::keep_dropped`: into the same object, or the same list
/// element, never another; not a field this version knows and the edit cleared). A parent that
/// does not read as the record keeps its top-level fields the record does not name
/// (`domain::records::unknown_fields`). A new document, a deletion, or a parent that cannot be
/// read is left as it is (the write then fails or succeeds as it would have).
pub async fn keep_unknown_fields<S: DocStore>(store: &S, docs: &mut [RecordDoc]) {
    for RecordDoc { doc, reread } in docs.iter_mut() {
        let (Some(rev), Some(ty), false) = (doc.rev.as_deref(), doc.doc_type(), doc.deleted) else {
            continue;
        };
        let Ok(parent) = store.get_rev(&doc.id, rev).await else {
            continue;
        };
        let (ty, stored) = (ty.to_string(), parent.body.clone());
        match reread(parent) {
            Some(back) => records::keep_dropped(&ty, &stored, &back, &mut doc.body),
            None => {
                let Some(stored) = stored.as_object() else {
                    continue;
                };
                let unknown = records::unknown_fields(&ty, stored);
                if let Some(body) = doc.body.as_object_mut() {
                    for (key, value) in unknown {
                        body.entry(key).or_insert(value);
                    }
                }
            }
        }
    }
}

/// One page of typed records.
#[derive(Clone, Debug)]
pub struct TypedPage<T> {
    pub rows: Vec<T>,
    pub next: Option<Cursor>,
    /// Ids of records that could not be read (damaged or of an unexpected shape).
    pub corrupt: Vec<String>,
}

/// A page of records from an index; documents that fail to deserialize are listed in `corrupt`.
pub async fn page_of<T: Record, S: DocStore>(
    store: &S,
    q: &Query,
) -> Result<TypedPage<T>, StoreError> {
    Ok(typed_page(store.query(q).await?))
}

/// A page of records, each with its position in the index `def` (a page after it starts
/// there; None for a document the index has no key for).
#[derive(Clone, Debug)]
pub struct PlacedPage<T> {
    pub rows: Vec<(T, Option<Cursor>)>,
    pub next: Option<Cursor>,
    /// Ids of records that could not be read.
    pub corrupt: Vec<String>,
}

/// [`page_of`] with each record's position in `q`'s index, whose definition is `def`: for a
/// reader that stops inside a page (a filter the index does not serve). Read straight from the
/// page's text when the store has such a read ([`DocStore::query_text`]), without building
/// JSON values first; a page of which one record does not read so is read again as documents,
/// which names it. (Only the complaint list reads so: each record type read from text adds
/// its own reader to the wasm, 2-10 KB.)
pub async fn placed_page_of<T: Record, S: DocStore>(
    store: &S,
    q: &Query,
    def: &super::IndexDef,
) -> Result<PlacedPage<T>, StoreError> {
    if let Some(page) = store.query_text(q, T::TYPE).await? {
        let placed = text_rows::<T>(&page.text).and_then(|rows| {
            rows.into_iter()
                .map(|TextRow(id, _, _, key, r)| Some((r, Some(def.cursor_at(&key, &id)?))))
                .collect::<Option<Vec<_>>>()
        });
        if let Some(rows) = placed {
            return Ok(PlacedPage {
                rows,
                next: page.next,
                corrupt: Vec::new(),
            });
        }
    }
    let page = store.query(q).await?;
    let mut out = PlacedPage {
        rows: Vec::with_capacity(page.docs.len()),
        next: page.next,
        corrupt: page.corrupt,
    };
    for doc in page.docs {
        let at = def.key_of(&doc).map(|key| Cursor {
            key,
            id: doc.id.clone(),
        });
        let id = doc.id.clone();
        match from_doc::<T>(doc) {
            Ok(r) => out.rows.push((r, at)),
            Err(_) => out.corrupt.push(id),
        }
    }
    Ok(out)
}

/// One row of a [`TextPage`](super::TextPage): `[id, rev, seq, stored index field, body]`.
#[derive(serde::Deserialize)]
struct TextRow<T>(String, String, i64, Json, T);

/// The rows of a [`TextPage`](super::TextPage)'s text, absent rows left out; None when one
/// does not read as a `T` or its revision or sequence number is not one (as
/// [`super::engine::RecordRow::into_parts`] checks).
fn text_rows<T: Record>(text: &str) -> Option<Vec<TextRow<T>>> {
    let rows: Vec<Option<TextRow<T>>> = serde_json::from_str(text).ok()?;
    rows.into_iter()
        .flatten()
        .map(|row| (super::revs::parse_rev(&row.1).is_some() && row.2 >= 0).then_some(row))
        .collect()
}

/// The records of a [`TextPage`](super::TextPage)'s text (see [`placed_page_of`]); None when
/// one does not read.
pub fn records_of<T: Record>(text: &str) -> Option<Vec<T>> {
    Some(text_rows::<T>(text)?.into_iter().map(|r| r.4).collect())
}

/// A page of documents as records; those that fail to deserialize are listed in `corrupt`.
pub fn typed_page<T: Record>(page: super::Page) -> TypedPage<T> {
    let mut rows = Vec::with_capacity(page.docs.len());
    let mut corrupt = page.corrupt;
    for doc in page.docs {
        let id = doc.id.clone();
        match from_doc::<T>(doc) {
            Ok(r) => rows.push(r),
            Err(_) => corrupt.push(id),
        }
    }
    TypedPage {
        rows,
        next: page.next,
        corrupt,
    }
}

/// The summaries `name` whose keys are in `range` (see [`DocStore::summary_segments`]), in
/// key order, as (document id, summary read as a `T`); a damaged one reads as None.
pub async fn summaries_of<T: serde::de::DeserializeOwned, S: DocStore>(
    store: &S,
    name: &str,
    range: &KeyRange,
) -> Result<Vec<(String, Option<T>)>, StoreError> {
    let mut merge = summary::Merge::new();
    store
        .each_summary_segment(name, range, &mut |(seq, text)| merge.add(seq, text))
        .await?;
    Ok(merge.finish(range))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::memory::MemoryStore;
    use crate::store::KeyRange;
    use futures::executor::block_on;
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    struct Note {
        #[serde(rename = "_id")]
        id: String,
        #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
        rev: Option<String>,
        text: String,
    }
    impl Record for Note {
        const TYPE: &'static str = "note";
    }

    #[test]
    fn records_read_from_a_page_text() {
        let n = |id: &str, rev: &str, text: &str| Note {
            id: id.into(),
            rev: Some(rev.into()),
            text: text.into(),
        };
        let text = r#"[["note:1","1-a",3,[1],{"_id":"note:1","_rev":"1-a","type":"note","text":"你好"}],null,
            ["note:\"2","2-b",0,null,{"_id":"note:\"2","_rev":"2-b","text":"\u00e9"}]]"#;
        assert_eq!(
            records_of::<Note>(text),
            Some(vec![n("note:1", "1-a", "你好"), n("note:\"2", "2-b", "é")])
        );
        assert_eq!(records_of::<Note>("[]"), Some(vec![]));
        // One row that is not a record, or not a stored one, and the page does not read.
        for bad in [
            r#"[["note:1","1-a",3,[1],{"_id":"note:1","_rev":"1-a","text":5}]]"#,
            r#"[["note:1","1-a",3,[1],{"_id":"note:1","_rev":"1-a"}]]"#,
            r#"[["note:1","",3,[1],{"_id":"note:1","text":"x"}]]"#,
            r#"[["note:1","0-a",3,[1],{"_id":"note:1","_rev":"0-a","text":"x"}]]"#,
            r#"[["note:1","1-a",-1,[1],{"_id":"note:1","_rev":"1-a","text":"x"}]]"#,
            r#"[["note:1","1-a",3,[1],{not json}]]"#,
            r#"[["note:1","1-a",3,[1],{"_id":"note:1","_rev":"1-a","text":"x"}]"#,
        ] {
            assert_eq!(records_of::<Note>(bad), None, "{bad}");
        }
    }

    #[test]
    fn records_round_trip_through_the_store() {
        block_on(async {
            let s = MemoryStore::new();
            let mut n = Note {
                id: "note:1".into(),
                rev: None,
                text: "你好".into(),
            };
            let d = to_doc(&n).unwrap();
            assert_eq!(d.body, json!({"type": "note", "text": "你好"}));
            n.rev = Some(save(&s, &n).await.unwrap());
            let back: Note = load(&s, "note:1").await.unwrap();
            assert_eq!(back, n);
            n.text = "again".into();
            n.rev = Some(save(&s, &n).await.unwrap());
            assert!(n.rev.as_deref().unwrap().starts_with("2-"));
            // A stale save is refused.
            let mut stale = back.clone();
            stale.text = "stale".into();
            assert!(matches!(
                save(&s, &stale).await,
                Err(StoreError::Conflict { .. })
            ));
            // A document of the right type but the wrong shape is reported, not fatal.
            s.put(Doc::new("note:2", json!({"type": "note", "text": 5})))
                .await
                .unwrap();
            let p = page_of::<Note, _>(&s, &Query::new("by_type", KeyRange::all()))
                .await
                .unwrap();
            assert_eq!(p.rows, vec![n]);
            assert_eq!(p.corrupt, vec!["note:2".to_string()]);
            assert!(matches!(
                load::<Note, _>(&s, "note:2").await,
                Err(StoreError::Corrupt { .. })
            ));
        });
    }
}
