//! store/idb_store: the [`DocStore`] on IndexedDB (browser only), laid out for 100,000
//! documents of one type: native indexes page and count, bulk writes are one transaction.
//!
//! Written on web-sys directly rather than the `idb` crate: a bulk write must issue thousands
//! of requests and await only the transaction's completion, and a page must be read by one
//! synchronous cursor callback; web-sys lets us attach ONE shared handler to many requests
//! (no future, promise and pair of closures per request) and keeps control of when the
//! transaction is active.
//!
//! Layout (database version = `Schema::version`):
//! - `docs` (key path `_id`): one record per document, its winning revision
//!   `{_id, _rev, _deleted?, seq, ix_<name>: key…, b: body, t: tree}`; index `by_seq` on
//!   `seq` (the changes feed) and one native index `ix_<name>` per [`IndexDef`], whose rows of
//!   one key IndexedDB keeps in `_id` order (a page resumes after a (key, id) with
//!   `continuePrimaryKey`; schema 8 and before stored `[key, _id]`, twice the id). An index
//!   with `id_in_key` (`by_type`, whose keys each cover many documents) stores `[key, _id]`,
//!   and its pages after a cursor are ranges of those. Deleted
//!   winners stay (tombstones, with no `ix_` fields). `b` is the body and `t` the revision tree
//!   with the non-winning leaf bodies ([`RevRecord`]), both as JSON text: one put per document,
//!   and a string is cloned in and out of IndexedDB far faster than an object tree.
//! - `sum_<name>`, one per [`SummaryDef`](super::schema::SummaryDef): the summaries in
//!   segments (see [`summary`](super::summary)), key `[bucket, seq]`, value the UTF-8 bytes
//!   of the JSON text `[[id, key, summary|null]…]`: each
//!   write adds one segment per bucket it touches (`null`: the document left the bucket), a
//!   later segment overriding an earlier one. A month of 100,000 summaries is a few hundred
//!   records, not 100,000 (IndexedDB spends ~20 µs per record read, however small). The
//!   upgrade rebuilds them from the documents, one segment per bucket.
//! - `revs` (key = id): where the tree was kept before schema 8 (a JSON string); read only for
//!   a record without `t`, and deleted when that document is next written.
//!
//! The loops over rows (a page, a batch of gets, the changes feed, a batch of puts) run in
//! `store/idb.js`, so a page crosses into wasm as one JSON text.
//! - `local` (key = id): `_local` documents, JSON strings. `meta` (key `"seq"`): the counter.

use super::engine::{self, Current, Prepared, Recent, RevRecord};
use super::key::{utf16_cmp, IndexKey, KeyRange};
use super::revs::RevTree;
use super::schema::SummaryDef;
use super::summary::{self, entry_text, Segment};
use super::{
    Change, Cursor, Doc, DocStore, IndexDef, Page, Query, ReplicatedRev, Schema, StorageInfo,
    StoreError, TextPage, CHECKPOINT_PREFIX, SYNC_STATE_DOCS,
};
use crate::domain::sort::{map_of, set_of};
use js_sys::{Array, Function, Promise, JSON};
use serde_json::Value as Json;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    BroadcastChannel, DomException, IdbCursor, IdbCursorWithValue, IdbDatabase, IdbFactory,
    IdbKeyRange, IdbObjectStore, IdbObjectStoreParameters, IdbOpenDbRequest, IdbRequest,
    IdbTransaction, IdbTransactionMode, IdbVersionChangeEvent, MessageEvent,
};

#[wasm_bindgen(module = "/src/store/idb.js")]
extern "C" {
    #[wasm_bindgen(js_name = readRows)]
    fn js_read_rows(
        source: &JsValue,
        range: &JsValue,
        dir: &str,
        limit: u32,
        key_field: &str,
        shape: &str,
        after_key: &JsValue,
        after_id: Option<String>,
    ) -> Promise;
    #[wasm_bindgen(js_name = getRows)]
    fn js_get_rows(store: &IdbObjectStore, keys: &Array, with_tree: bool) -> Promise;
    #[wasm_bindgen(js_name = getTexts)]
    fn js_get_texts(store: &IdbObjectStore, keys: &Array) -> Promise;
    #[wasm_bindgen(js_name = changeRows)]
    fn js_change_rows(index: &web_sys::IdbIndex, range: &JsValue, limit: u32) -> Promise;
    #[wasm_bindgen(js_name = putRecords, catch)]
    fn js_put_records(
        store: &IdbObjectStore,
        heads: &str,
        texts: &str,
        cuts: &[u32],
        add: bool,
    ) -> Result<u32, JsValue>;
    #[wasm_bindgen(js_name = readSegments)]
    fn js_read_segments(store: &IdbObjectStore, range: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = readSegmentParts)]
    fn js_read_segment_parts(store: &IdbObjectStore, range: &JsValue, per: u32) -> Promise;
    #[wasm_bindgen(js_name = rowText)]
    fn js_row_text(record: &JsValue, with_tree: bool) -> String;
}

/// An event handler kept alive while its target may fire.
type Handler = Closure<dyn FnMut()>;
/// Handlers kept until an open settles (the migration cursor's among them).
type Kept = Rc<RefCell<Vec<Handler>>>;

const DOCS: &str = "docs";
const REVS: &str = "revs";
const LOCAL: &str = "local";
const META: &str = "meta";
const BY_SEQ: &str = "by_seq";
/// Above this many documents a bulk write first counts the id range: when nothing exists
/// there (an import, a first sync) it skips reading each document.
const COUNT_FIRST: usize = 32;
/// Documents per part of a write (`write`): a part is planned and its records handed to
/// IndexedDB while the browser stores the part before.
const PART: usize = 125;
/// A store of at most this many documents has its ids read by `revs_diff` (one `getAllKeys`),
/// and later diffs of this connection read only those and its own writes' (`Recent`).
const FEW: u32 = 1_000;
/// How long an open waits for other connections to close before reporting `Blocked`.
const BLOCKED_GRACE_MS: i32 = 3000;

/// The IndexedDB store. Clones share one connection.
#[derive(Clone)]
pub struct IdbStore {
    inner: Rc<Inner>,
}

struct Inner {
    db: IdbDatabase,
    name: String,
    schema: Schema,
    channel: Option<BroadcastChannel>,
    _on_versionchange: Closure<dyn FnMut()>,
    /// Ids known absent without reading (a pull's page between `revs_diff` and its write), and
    /// the ids a store of few documents holds (a new device's first pull).
    recent: RefCell<Recent>,
    /// A `revs_diff` found more than `FEW` documents: later ones do not read the ids again
    /// (documents are never removed, but by a wipe or a restore, which reset it).
    many: Cell<bool>,
    /// How many writes found their ids absent that way (read by tests).
    reads_skipped: Cell<u64>,
    /// How many `revs_diff`s took ids as absent without reading them, the store's ids known
    /// since a read of them (read by tests and the benchmark).
    diffs_known: Cell<u64>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.db.set_onversionchange(None);
        if let Some(c) = &self.channel {
            c.close();
        }
        self.db.close();
    }
}

/// A live subscription to writes; dropping it unsubscribes.
pub struct Subscription {
    channel: BroadcastChannel,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

// ---------------------------------------------------------------------------------------------
// JS glue

fn js_err(e: JsValue) -> StoreError {
    if let Some(d) = e.dyn_ref::<DomException>() {
        return match d.name().as_str() {
            "QuotaExceededError" => StoreError::QuotaExceeded,
            "VersionError" => {
                StoreError::Invalid("the database was written by a newer version of the app".into())
            }
            "InvalidStateError" => StoreError::Backend(
                "the database was closed (another tab upgraded it); reload the page".into(),
            ),
            name => StoreError::Backend(format!("{name}: {}", d.message())),
        };
    }
    if e.as_string().as_deref() == Some("blocked") {
        return StoreError::Blocked;
    }
    StoreError::Backend(e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

fn to_js(v: &Json) -> JsValue {
    // Our own serde_json output is always valid JSON.
    JSON::parse(&v.to_string()).unwrap_or(JsValue::UNDEFINED)
}

fn from_js(v: &JsValue) -> Result<Json, String> {
    let s = JSON::stringify(v).map_err(|_| "not serializable".to_string())?;
    let s = s.as_string().ok_or("not serializable")?;
    serde_json::from_str(&s).map_err(|e| e.to_string())
}

fn key_js(k: &IndexKey) -> JsValue {
    to_js(&k.to_json())
}

/// A native key range from bounds over keys (`undefined` for all).
fn range_js(bounds: &Bounds) -> Result<JsValue, StoreError> {
    let side = |b: &Bound<IndexKey>| match b {
        Bound::Included(k) => Some((key_js(k), false)),
        Bound::Excluded(k) => Some((key_js(k), true)),
        Bound::Unbounded => None,
    };
    let r = match (side(&bounds.0), side(&bounds.1)) {
        (None, None) => return Ok(JsValue::UNDEFINED),
        (Some((l, lo)), None) => IdbKeyRange::lower_bound_with_open(&l, lo),
        (None, Some((u, uo))) => IdbKeyRange::upper_bound_with_open(&u, uo),
        (Some((l, lo)), Some((u, uo))) => {
            IdbKeyRange::bound_with_lower_open_and_upper_open(&l, &u, lo, uo)
        }
    };
    r.map(JsValue::from).map_err(js_err)
}

/// The native bounds of a range in an index, continuing after `after`, and the cursor to
/// resume after inside them (an index without the id in its keys). None when empty.
fn bounds_of<'a>(
    def: &IndexDef,
    range: &KeyRange,
    after: Option<&'a Cursor>,
    descending: bool,
) -> Option<(Bounds, Option<&'a Cursor>)> {
    if def.id_in_key {
        return range.composite_bounds(after, descending).map(|b| (b, None));
    }
    range
        .plain_bounds(after, descending)
        .map(|(lower, upper, at)| ((lower, upper), at))
}

type Bounds = (Bound<IndexKey>, Bound<IndexKey>);

fn str_array<S: AsRef<str>>(items: &[S]) -> Array {
    items
        .iter()
        .map(|s| JsValue::from_str(s.as_ref()))
        .collect()
}

/// A promise with its resolve and reject functions.
fn deferred() -> (Promise, Function, Function) {
    let mut fns = None;
    let p = Promise::new(&mut |res, rej| fns = Some((res, rej)));
    let (res, rej) = fns.expect("the executor runs synchronously");
    (p, res, rej)
}

/// Waits until every request has succeeded, with one shared handler (cheap for thousands).
async fn wait_all(reqs: &[IdbRequest]) -> Result<(), StoreError> {
    if reqs.is_empty() {
        return Ok(());
    }
    let (p, res, rej) = deferred();
    let left = Rc::new(Cell::new(reqs.len()));
    let on_ok = Closure::<dyn FnMut()>::new(move || {
        left.set(left.get() - 1);
        if left.get() == 0 {
            let _ = res.call0(&JsValue::NULL);
        }
    });
    let on_err = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let err = ev
            .target()
            .and_then(|t| t.dyn_into::<IdbRequest>().ok())
            .and_then(|r| r.error().ok().flatten())
            .map(JsValue::from)
            .unwrap_or_else(|| JsValue::from_str("request failed"));
        let _ = rej.call1(&JsValue::NULL, &err);
    });
    for r in reqs {
        r.set_onsuccess(Some(on_ok.as_ref().unchecked_ref()));
        r.set_onerror(Some(on_err.as_ref().unchecked_ref()));
    }
    let out = JsFuture::from(p).await;
    if out.is_err() {
        // Later events must not reach the handlers dropped below.
        for r in reqs {
            r.set_onsuccess(None);
            r.set_onerror(None);
        }
    }
    out.map(|_| ()).map_err(js_err)
}

async fn request(req: IdbRequest) -> Result<JsValue, StoreError> {
    wait_all(std::slice::from_ref(&req)).await?;
    req.result().map_err(js_err)
}

/// Waits for a transaction to commit; rejects with its error when it aborts.
struct TxDone {
    promise: Promise,
    tx: IdbTransaction,
    _closures: (Handler, Handler),
}

impl TxDone {
    fn new(tx: &IdbTransaction) -> TxDone {
        let (promise, res, rej) = deferred();
        let ok = Closure::<dyn FnMut()>::new(move || {
            let _ = res.call0(&JsValue::NULL);
        });
        let t = tx.clone();
        let abort = Closure::<dyn FnMut()>::new(move || {
            let err = t
                .error()
                .map(JsValue::from)
                .unwrap_or_else(|| JsValue::from_str("transaction aborted"));
            let _ = rej.call1(&JsValue::NULL, &err);
        });
        tx.set_oncomplete(Some(ok.as_ref().unchecked_ref()));
        tx.set_onabort(Some(abort.as_ref().unchecked_ref()));
        TxDone {
            promise,
            tx: tx.clone(),
            _closures: (ok, abort),
        }
    }
    async fn wait(self) -> Result<(), StoreError> {
        let out = JsFuture::from(self.promise.clone())
            .await
            .map(|_| ())
            .map_err(js_err);
        self.tx.set_oncomplete(None);
        self.tx.set_onabort(None);
        out
    }
}

/// What a cursor step asks for next.
enum Step {
    Next,
    Stop,
}

/// Walks a cursor request, calling `step` synchronously in each success callback (the fast
/// way: no await between rows).
async fn walk(
    req: &IdbRequest,
    step: impl FnMut(&IdbCursor) -> Result<Step, StoreError> + 'static,
) -> Result<(), StoreError> {
    let (p, res, rej) = deferred();
    let rej2 = rej.clone();
    let step = RefCell::new(step);
    let failure: Rc<RefCell<Option<StoreError>>> = Rc::default();
    let fail = failure.clone();
    let r = req.clone();
    let on_ok = Closure::<dyn FnMut()>::new(move || {
        let cursor = match r.result() {
            Ok(c) if !c.is_null() && !c.is_undefined() => c.unchecked_into::<IdbCursor>(),
            _ => {
                let _ = res.call0(&JsValue::NULL);
                return;
            }
        };
        match (step.borrow_mut())(&cursor) {
            Ok(Step::Next) => {
                if let Err(e) = cursor.continue_() {
                    let _ = rej.call1(&JsValue::NULL, &e);
                }
            }
            Ok(Step::Stop) => {
                let _ = res.call0(&JsValue::NULL);
            }
            Err(e) => {
                *fail.borrow_mut() = Some(e);
                let _ = rej.call1(&JsValue::NULL, &JsValue::from_str("step failed"));
            }
        }
    });
    let r2 = req.clone();
    let on_err = Closure::<dyn FnMut()>::new(move || {
        let err = r2
            .error()
            .ok()
            .flatten()
            .map(JsValue::from)
            .unwrap_or_else(|| JsValue::from_str("cursor failed"));
        let _ = rej2.call1(&JsValue::NULL, &err);
    });
    req.set_onsuccess(Some(on_ok.as_ref().unchecked_ref()));
    req.set_onerror(Some(on_err.as_ref().unchecked_ref()));
    let out = JsFuture::from(p).await;
    req.set_onsuccess(None);
    req.set_onerror(None);
    if let Some(e) = failure.borrow_mut().take() {
        return Err(e);
    }
    out.map(|_| ()).map_err(js_err)
}

fn factory() -> Result<IdbFactory, StoreError> {
    web_sys::window()
        .ok_or_else(|| StoreError::Backend("no window".into()))?
        .indexed_db()
        .map_err(js_err)?
        .ok_or_else(|| StoreError::Backend("IndexedDB is not available in this browser".into()))
}

// ---------------------------------------------------------------------------------------------
// Records

fn parse_record(v: &JsValue, id: &str) -> Result<(Doc, u64), StoreError> {
    let json = from_js(v).map_err(|reason| StoreError::Corrupt {
        id: id.to_string(),
        reason,
    })?;
    engine::parse_doc_record(&json).map_err(|reason| StoreError::Corrupt {
        id: id.to_string(),
        reason,
    })
}

/// The rows of `readRows`/`getRows` (`[text, values, …]`): each parsed row, or the id of a
/// record that could not be read. The text is parsed at once; only when that fails is each
/// record parsed alone, to find the damaged ones.
fn parse_rows(out: &JsValue, with_tree: bool) -> Vec<Result<Option<engine::RecordRow>, String>> {
    let out: &Array = out.unchecked_ref();
    let text = out.get(0).as_string().unwrap_or_default();
    let values: Array = out.get(1).unchecked_into();
    if let Ok(rows) = serde_json::from_str::<Vec<Option<engine::RecordRow>>>(&text) {
        if rows.len() == values.length() as usize {
            return rows.into_iter().map(Ok).collect();
        }
    }
    values
        .iter()
        .map(|v| {
            let id = js_sys::Reflect::get(&v, &JsValue::from_str("_id"))
                .ok()
                .and_then(|i| i.as_string())
                .unwrap_or_default();
            serde_json::from_str::<Option<engine::RecordRow>>(&js_row_text(&v, with_tree))
                .map_err(|_| id)
        })
        .collect()
}

/// Where a full page of `readRows` ends: its last row's position ([`IndexDef::cursor_at`]).
/// `Corrupt` when it does not read, named by the page's last damaged record if any.
fn next_of(
    got: &JsValue,
    def: &IndexDef,
    last_corrupt: Option<&String>,
) -> Result<Cursor, StoreError> {
    let last = Array::from(&Array::from(got).get(2));
    from_js(&last.get(0))
        .ok()
        .zip(last.get(1).as_string())
        .and_then(|(stored, id)| def.cursor_at(&stored, &id))
        .ok_or_else(|| StoreError::Corrupt {
            id: last_corrupt.cloned().unwrap_or_default(),
            reason: "bad index key".into(),
        })
}

fn corrupt(id: &str, reason: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        id: id.to_string(),
        reason: reason.into(),
    }
}

/// The stored state of a record row; its tree from `t`, else `legacy` (the `revs` store).
fn current_of(row: engine::RecordRow, legacy: Option<RevRecord>) -> Result<Current, StoreError> {
    let id = row.0.clone();
    let (winner, _, tree) = row.into_parts().map_err(|r| corrupt(&id, r))?;
    let revs = match tree.or(legacy) {
        Some(t) => t,
        None => {
            // A document whose tree is missing: rebuild the one node we know.
            let mut t = RevTree::new();
            let rev = winner.rev.clone().unwrap_or_default();
            t.merge_path(&[rev], winner.deleted)
                .map_err(|_| corrupt(&id, "bad revision"))?;
            RevRecord {
                tree: t,
                leaves: BTreeMap::new(),
            }
        }
    };
    Ok(Current { winner, revs })
}

/// A row limit as the JS side takes it.
fn clamp(limit: usize) -> u32 {
    u32::try_from(limit).unwrap_or(u32::MAX)
}

fn sum_name(name: &str) -> String {
    format!("sum_{name}")
}

/// A segment's entries as written: each with its key (None: gone from the bucket).
type Entries = Vec<(Option<IndexKey>, String)>;

/// A document's summary as a segment entry: (bucket, key, `[id, key, summary]` JSON text).
fn summary_entry(def: &SummaryDef, doc: &Doc) -> Option<(String, Option<IndexKey>, String)> {
    let (key, text) = def.summary_of(doc)?;
    let entry = entry_text(&doc.id, Some((&key, &text)));
    Some(((def.bucket)(&key), Some(key), entry))
}

/// The segments a write adds, per summary store: (store, bucket → entries), when documents
/// move from `prev` to `states`.
type Segments = Vec<(String, BTreeMap<String, Entries>)>;

/// `damaged`: the ids among `states` whose record could not be read (taken as absent in
/// `prev`): the summary it had may still be stored, so a new revision without one (a
/// destroyed case arriving by sync) removes it where its key puts it.
fn summary_changes(
    schema: &Schema,
    prev: &BTreeMap<String, Option<Current>>,
    states: &[Current],
    damaged: &BTreeSet<String>,
) -> Segments {
    schema
        .summaries
        .iter()
        .map(|def| {
            let mut buckets: BTreeMap<String, Entries> = BTreeMap::new();
            for cur in states {
                let old = prev
                    .get(&cur.winner.id)
                    .and_then(Option::as_ref)
                    .and_then(|c| summary_entry(def, &c.winner));
                let new = summary_entry(def, &cur.winner);
                if old.is_none() && new.is_none() && damaged.contains(&cur.winner.id) {
                    if let Some(key) = def.key_of(&cur.winner) {
                        let gone = entry_text(&cur.winner.id, None);
                        let bucket = buckets.entry((def.bucket)(&key)).or_default();
                        bucket.push((None, gone));
                    }
                    continue;
                }
                if old == new {
                    continue;
                }
                if let Some((bucket, _, _)) = &old {
                    if new.as_ref().map(|(b, _, _)| b) != Some(bucket) {
                        let gone = entry_text(&cur.winner.id, None);
                        buckets
                            .entry(bucket.clone())
                            .or_default()
                            .push((None, gone));
                    }
                }
                if let Some((bucket, key, entry)) = new {
                    buckets.entry(bucket).or_default().push((key, entry));
                }
            }
            (sum_name(def.name), buckets)
        })
        .collect()
}

/// Puts one bucket's entries as a segment at `[bucket, seq]` (UTF-8 bytes of their JSON array,
/// in key order: see [`summary::segment_text`]).
fn put_segment(
    store: &IdbObjectStore,
    bucket: &str,
    seq: u64,
    entries: &mut Entries,
) -> Result<(), JsValue> {
    put_segment_text(store, bucket, seq, &summary::segment_text(entries))
}

fn put_segment_text(
    store: &IdbObjectStore,
    bucket: &str,
    seq: u64,
    text: &str,
) -> Result<(), JsValue> {
    let key: Array = [JsValue::from_str(bucket), JsValue::from_f64(seq as f64)]
        .iter()
        .collect();
    store
        .put_with_key(&js_sys::Uint8Array::from(text.as_bytes()), &key)
        .map(|_| ())
}

/// Every segment of one bucket: keys `[bucket, seq]`, seq a number (numbers sort before arrays).
fn bucket_range(bucket: &str) -> Result<IdbKeyRange, StoreError> {
    let lower: Array = [JsValue::from_str(bucket)].iter().collect();
    let upper: Array = [JsValue::from_str(bucket), Array::new().into()]
        .iter()
        .collect();
    IdbKeyRange::bound(&lower, &upper).map_err(js_err)
}

/// The segments of the summary store `name` in `range`, as (bucket, seq, text).
async fn read_segments(
    store: &IdbObjectStore,
    range: &JsValue,
    name: &str,
) -> Result<Vec<(String, i64, String)>, StoreError> {
    let got = JsFuture::from(js_read_segments(store, range))
        .await
        .map_err(js_err)?;
    segment_rows(&got, name)
}

/// Segments as read, `[keys, values]`, as (bucket, seq, text).
fn segment_rows(got: &JsValue, name: &str) -> Result<Vec<(String, i64, String)>, StoreError> {
    let got: &Array = got.unchecked_ref();
    let corrupt = |reason: String| StoreError::Corrupt {
        id: name.to_string(),
        reason,
    };
    let (keys, values): (Array, Array) = (got.get(0).unchecked_into(), got.get(1).unchecked_into());
    keys.iter()
        .zip(values.iter())
        .map(|(k, v)| {
            let k = Array::from(&k);
            let bucket = k.get(0).as_string().unwrap_or_default();
            let seq = k.get(1).as_f64().unwrap_or(-1.0) as i64;
            let bytes = v
                .dyn_into::<js_sys::Uint8Array>()
                .map_err(|_| corrupt("a segment is not bytes".into()))?
                .to_vec();
            let text = String::from_utf8(bytes).map_err(|e| corrupt(e.to_string()))?;
            Ok((bucket, seq, text))
        })
        .collect()
}

/// Adds one part's summary changes to a write's: one segment per bucket for the whole write.
fn add_segments(into: &mut Segments, more: Segments) {
    for (name, buckets) in more {
        let at = match into.iter().position(|(n, _)| *n == name) {
            Some(at) => at,
            None => {
                into.push((name, BTreeMap::new()));
                into.len() - 1
            }
        };
        for (bucket, entries) in buckets {
            into[at].1.entry(bucket).or_default().extend(entries);
        }
    }
}

/// Puts one segment per bucket at `[bucket, seq]`.
fn put_segments(tx: &IdbTransaction, segments: Segments, seq: u64) -> Result<(), StoreError> {
    for (name, buckets) in segments {
        if buckets.is_empty() {
            continue;
        }
        let store = tx.object_store(&name).map_err(js_err)?;
        for (bucket, mut entries) in buckets {
            put_segment(&store, &bucket, seq, &mut entries).map_err(js_err)?;
        }
    }
    Ok(())
}

/// Deletes inside `tx` (which covers `local`) the `_local` documents that are sync state about
/// the documents ([`super::is_sync_state`]): the checkpoints as the key range of their prefix,
/// the others by id. Issued, not awaited: a failure aborts the transaction with the wipe.
fn drop_sync_state(tx: &IdbTransaction) -> Result<(), StoreError> {
    let local = tx.object_store(LOCAL).map_err(js_err)?;
    // Every key that begins with the prefix: from the prefix up to, not including, the prefix
    // with its last character raised by one ("kefu-" to "kefu.").
    let mut end: Vec<char> = CHECKPOINT_PREFIX.chars().collect();
    if let Some(last) = end.last_mut() {
        *last = char::from_u32(*last as u32 + 1).unwrap_or(char::MAX);
    }
    let end: String = end.into_iter().collect();
    let range = IdbKeyRange::bound_with_lower_open_and_upper_open(
        &JsValue::from_str(CHECKPOINT_PREFIX),
        &JsValue::from_str(&end),
        false,
        true,
    )
    .map_err(js_err)?;
    local.delete(&range).map_err(js_err)?;
    for id in SYNC_STATE_DOCS {
        local.delete(&JsValue::from_str(id)).map_err(js_err)?;
    }
    Ok(())
}

fn ix_name(ix: &IndexDef) -> String {
    format!("ix_{}", ix.name)
}

/// Segments read at a time by [`DocStore::each_summary_segment`]: every part is asked for at
/// once, and the first part's wait is the only one not spent merging (a bulk write's segment
/// holds up to 1,000 summaries, some 200 KB).
const SEGMENTS_PER_READ: u32 = 4;

/// Each bucket's segments as read: (bucket, count, bytes), buckets in the order read (rows come
/// in key order, so a bucket's segments are together).
#[derive(Default)]
struct BucketSizes(Vec<(String, usize, usize)>);

impl BucketSizes {
    fn add(&mut self, bucket: &str, bytes: usize) {
        match self.0.last_mut() {
            Some((b, count, sum)) if b == bucket => {
                *count += 1;
                *sum += bytes;
            }
            _ => self.0.push((bucket.to_string(), 1, bytes)),
        }
    }
}

impl IdbStore {
    /// The summary store of summary `name` and the range of its buckets `range` can reach,
    /// each whole (`[bucket, seq]`, seq a number < []); None when the range is empty.
    fn segments_range(
        &self,
        name: &str,
        range: &KeyRange,
    ) -> Result<Option<(String, IdbKeyRange)>, StoreError> {
        let def = *self
            .inner
            .schema
            .summary(name)
            .ok_or_else(|| StoreError::Invalid(format!("no summary {name:?}")))?;
        let Some(_) = range.composite_bounds(None, false) else {
            return Ok(None);
        };
        let bucket = |k: &Option<IndexKey>| k.as_ref().map(|k| (def.bucket)(k));
        let lower: Array = [JsValue::from_str(&bucket(&range.lower).unwrap_or_default())]
            .iter()
            .collect();
        let idb_range = match bucket(&range.upper) {
            Some(b) => {
                let upper: Array = [JsValue::from_str(&b), Array::new().into()]
                    .iter()
                    .collect();
                IdbKeyRange::bound(&lower, &upper)
            }
            None => IdbKeyRange::lower_bound(&lower),
        }
        .map_err(js_err)?;
        Ok(Some((sum_name(def.name), idb_range)))
    }

    /// Buckets crowded with small segments are rewritten as one each, for the next read; a
    /// failure there loses nothing (its transaction is undone) and is not the read's: the
    /// segments read are its answer either way.
    async fn compact_crowded(&self, name: &str, seen: BucketSizes) {
        let crowded: Vec<String> = seen
            .0
            .into_iter()
            .filter(|(_, count, bytes)| summary::crowded(*count, *bytes))
            .map(|(b, _, _)| b)
            .collect();
        if !crowded.is_empty() {
            if let Err(e) = self.compact_buckets(name, &crowded).await {
                web_sys::console::warn_1(&format!("{name}: not compacted: {e}").into());
            }
        }
    }

    /// Rewrites each of `buckets` of the summary store `name` as one segment
    /// ([`summary::compact`]), all in one transaction: a bucket's segments are read again,
    /// merged, deleted and the one put in their place.
    async fn compact_buckets(&self, name: &str, buckets: &[String]) -> Result<(), StoreError> {
        let tx = self.tx(&[name], true)?;
        let done = TxDone::new(&tx);
        let store = tx.object_store(name).map_err(js_err)?;
        let mut failed = None;
        for bucket in buckets {
            let step = async {
                let range = bucket_range(bucket)?;
                let rows = read_segments(&store, &range, name).await?;
                let segments = rows.into_iter().map(|(_, seq, text)| (seq, text)).collect();
                let compacted =
                    summary::compact(segments).map_err(|reason| StoreError::Corrupt {
                        id: name.to_string(),
                        reason,
                    })?;
                if let Some((seq, text)) = compacted {
                    store.delete(&range).map_err(js_err)?;
                    put_segment_text(&store, bucket, seq.max(0) as u64, &text).map_err(js_err)?;
                }
                Ok::<(), StoreError>(())
            };
            if let Err(e) = step.await {
                failed = Some(e);
                break;
            }
        }
        if let Some(e) = failed {
            let _ = tx.abort();
            let _ = done.wait().await;
            return Err(e);
        }
        done.wait().await
    }
}

// ---------------------------------------------------------------------------------------------
// Opening and upgrading

impl IdbStore {
    /// Opens (creating or upgrading) the database `name` with the app's schema.
    pub async fn open(name: &str) -> Result<IdbStore, StoreError> {
        IdbStore::open_with(name, Schema::current()).await
    }

    /// Opens with a given schema. Upgrades run in `onupgradeneeded`: missing stores and indexes
    /// are created, indexes no longer in the schema dropped, and every document migrated and
    /// re-indexed in the same versionchange transaction. `Blocked` when another tab holds an
    /// older version open and does not let go.
    pub async fn open_with(name: &str, schema: Schema) -> Result<IdbStore, StoreError> {
        schema.validate().map_err(StoreError::Invalid)?;
        let req: IdbOpenDbRequest = factory()?
            .open_with_u32(name, schema.version)
            .map_err(js_err)?;
        let (p, res, rej) = deferred();
        let upgrade_failure: Rc<RefCell<Option<StoreError>>> = Rc::default();
        // Closures that must live until the open settles (the migration cursor among them).
        let keep: Kept = Rc::default();

        let on_upgrade = {
            let req = req.clone();
            let schema = schema.clone();
            let failure = upgrade_failure.clone();
            let keep = keep.clone();
            Closure::<dyn FnMut(IdbVersionChangeEvent)>::new(move |ev: IdbVersionChangeEvent| {
                let old = ev.old_version() as u32;
                if let Err(e) = upgrade(&req, &schema, old, &keep) {
                    *failure.borrow_mut() = Some(e);
                    if let Some(tx) = req.transaction() {
                        let _ = tx.abort();
                    }
                }
            })
        };
        let on_ok = {
            let req = req.clone();
            let res = res.clone();
            Closure::<dyn FnMut()>::new(move || {
                let _ = res.call1(&JsValue::NULL, &req.result().unwrap_or(JsValue::NULL));
            })
        };
        let on_err = {
            let req = req.clone();
            let rej = rej.clone();
            Closure::<dyn FnMut()>::new(move || {
                let e = req
                    .error()
                    .ok()
                    .flatten()
                    .map(JsValue::from)
                    .unwrap_or_else(|| JsValue::from_str("open failed"));
                let _ = rej.call1(&JsValue::NULL, &e);
            })
        };
        // `blocked` also fires for a moment while a connection just closed finishes its last
        // transactions: give the other side BLOCKED_GRACE_MS to let go before reporting it.
        let on_blocked = Closure::<dyn FnMut()>::new(move || {
            let rej = rej.clone();
            let give_up = Closure::once_into_js(move || {
                let _ = rej.call1(&JsValue::NULL, &JsValue::from_str("blocked"));
            });
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                    give_up.unchecked_ref(),
                    BLOCKED_GRACE_MS,
                );
            }
        });
        req.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
        req.set_onsuccess(Some(on_ok.as_ref().unchecked_ref()));
        req.set_onerror(Some(on_err.as_ref().unchecked_ref()));
        req.set_onblocked(Some(on_blocked.as_ref().unchecked_ref()));
        let out = JsFuture::from(p).await;
        if let Some(e) = upgrade_failure.borrow_mut().take() {
            return Err(e);
        }
        let db: IdbDatabase = match out {
            Ok(v) => v.unchecked_into(),
            Err(e) => {
                if js_err(e.clone()) == StoreError::Blocked {
                    // Should the other tab let go later, close what then opens.
                    let r = req.clone();
                    let late = Closure::once_into_js(move || {
                        if let Ok(db) = r.result() {
                            db.unchecked_into::<IdbDatabase>().close();
                        }
                    });
                    req.set_onsuccess(Some(late.unchecked_ref()));
                    req.set_onupgradeneeded(None);
                    return Err(StoreError::Blocked);
                }
                return Err(js_err(e));
            }
        };
        req.set_onupgradeneeded(None);
        req.set_onsuccess(None);
        req.set_onerror(None);
        req.set_onblocked(None);
        drop((on_upgrade, on_ok, on_err, on_blocked, keep));

        // Let a newer version in another tab upgrade: close this connection when asked.
        let d = db.clone();
        let on_versionchange = Closure::<dyn FnMut()>::new(move || d.close());
        db.set_onversionchange(Some(on_versionchange.as_ref().unchecked_ref()));
        let channel = BroadcastChannel::new(&format!("kefu:{name}")).ok();
        Ok(IdbStore {
            inner: Rc::new(Inner {
                db,
                name: name.to_string(),
                schema,
                channel,
                _on_versionchange: on_versionchange,
                recent: RefCell::default(),
                reads_skipped: Cell::new(0),
                diffs_known: Cell::new(0),
                many: Cell::new(false),
            }),
        })
    }

    /// The database name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The schema this connection was opened with.
    pub fn schema(&self) -> &Schema {
        &self.inner.schema
    }

    /// How many replicated writes took their documents as absent without reading them (a
    /// pull's pages after their `revs_diff`).
    pub fn reads_skipped(&self) -> u64 {
        self.inner.reads_skipped.get()
    }

    /// How many `revs_diff`s took ids as absent without reading them: the store held few
    /// documents, read once, and only this connection wrote to it since (a first pull).
    pub fn diffs_known(&self) -> u64 {
        self.inner.diffs_known.get()
    }

    /// Closes the connection (later calls fail). Dropping the last clone closes it too.
    pub fn close(&self) {
        self.inner.db.close();
    }

    /// Deletes a database (for tests and a full reset). Open connections to it are closed by
    /// their `versionchange` handler first.
    pub async fn delete_database(name: &str) -> Result<(), StoreError> {
        let req = factory()?.delete_database(name).map_err(js_err)?;
        request(req.unchecked_into()).await.map(|_| ())
    }

    /// Calls `callback(seq)` after every committed write to this database, from this tab and
    /// from other tabs (through `BroadcastChannel("kefu:<name>")`; delivery is asynchronous).
    /// Keep the returned [`Subscription`]; dropping it unsubscribes.
    pub fn subscribe(&self, callback: impl Fn(u64) + 'static) -> Result<Subscription, StoreError> {
        let channel =
            BroadcastChannel::new(&format!("kefu:{}", self.inner.name)).map_err(js_err)?;
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let seq = js_sys::Reflect::get(&ev.data(), &JsValue::from_str("seq"))
                .ok()
                .and_then(|v| v.as_f64());
            if let Some(seq) = seq {
                callback(seq as u64);
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Ok(Subscription {
            channel,
            _on_message: on_message,
        })
    }

    /// Whether storage is persistent, and the usage and quota the browser reports.
    pub async fn storage_info() -> Result<StorageInfo, StoreError> {
        let storage = web_sys::window()
            .ok_or_else(|| StoreError::Backend("no window".into()))?
            .navigator()
            .storage();
        let persisted = match storage.persisted() {
            Ok(p) => JsFuture::from(p).await.ok().and_then(|v| v.as_bool()),
            Err(_) => None,
        };
        let (usage_bytes, quota_bytes) = match storage.estimate() {
            Ok(p) => match JsFuture::from(p).await {
                Ok(v) => {
                    let est: web_sys::StorageEstimate = v.unchecked_into();
                    (est.get_usage(), est.get_quota())
                }
                Err(_) => (None, None),
            },
            Err(_) => (None, None),
        };
        Ok(StorageInfo {
            persisted,
            usage_bytes,
            quota_bytes,
        })
    }

    /// Asks the browser to keep this site's data under storage pressure; returns whether granted.
    pub async fn request_persistence() -> Result<bool, StoreError> {
        let storage = web_sys::window()
            .ok_or_else(|| StoreError::Backend("no window".into()))?
            .navigator()
            .storage();
        let granted = JsFuture::from(storage.persist().map_err(js_err)?)
            .await
            .map_err(js_err)?;
        Ok(granted.as_bool().unwrap_or(false))
    }

    /// Test hook: writes a raw value into the `docs` store, bypassing every check (to simulate a
    /// damaged record). The value must carry `_id`. It moves the counter like any write, so that
    /// no connection takes the id as still absent (`Recent`).
    pub async fn put_raw_record(&self, value: &Json) -> Result<(), StoreError> {
        let tx = self.tx(&[DOCS, META], true)?;
        let done = TxDone::new(&tx);
        let meta = tx.object_store(META).map_err(js_err)?;
        let seq = request(meta.get(&JsValue::from_str("seq")).map_err(js_err)?).await?;
        let next = JsValue::from_f64(seq.as_f64().unwrap_or(0.0) + 1.0);
        meta.put_with_key(&next, &JsValue::from_str("seq"))
            .and_then(|_| tx.object_store(DOCS))
            .and_then(|docs| docs.put(&to_js(value)))
            .map_err(js_err)?;
        done.wait().await
    }

    /// Test hook: writes a revision record into the `revs` store, as the app kept the tree
    /// before schema 8 (a JSON string under the document id).
    pub async fn put_raw_legacy_tree(&self, id: &str, tree: &RevRecord) -> Result<(), StoreError> {
        let text = serde_json::to_string(tree).map_err(|e| StoreError::Backend(e.to_string()))?;
        let tx = self.tx(&[REVS], true)?;
        let done = TxDone::new(&tx);
        tx.object_store(REVS)
            .map_err(js_err)?
            .put_with_key(&JsValue::from_str(&text), &JsValue::from_str(id))
            .map_err(js_err)?;
        done.wait().await
    }

    /// The definition of index `name` in this store's schema; `Invalid` when there is none.
    fn index_def(&self, name: &str) -> Result<IndexDef, StoreError> {
        self.inner
            .schema
            .index(name)
            .copied()
            .ok_or_else(|| StoreError::Invalid(format!("no index {name:?}")))
    }

    /// The read of a query's page (`readRows`' answer in `shape`) and its index; None when
    /// the page is empty by its bounds or limit.
    async fn read_query(
        &self,
        q: &Query,
        shape: &str,
    ) -> Result<Option<(JsValue, IndexDef)>, StoreError> {
        let def = self.index_def(&q.index)?;
        let Some((bounds, after)) = bounds_of(&def, &q.range, q.after.as_ref(), q.descending)
        else {
            return Ok(None);
        };
        if q.limit == 0 {
            return Ok(None);
        }
        let ix = self.read_index(&def)?;
        let dir = if q.descending { "prev" } else { "next" };
        let got = JsFuture::from(js_read_rows(
            &ix.into(),
            &range_js(&bounds)?,
            dir,
            clamp(q.limit),
            &ix_name(&def),
            shape,
            &after.map_or(JsValue::UNDEFINED, |c| key_js(&c.key)),
            after.map(|c| c.id.clone()),
        ))
        .await
        .map_err(js_err)?;
        Ok(Some((got, def)))
    }

    /// The native index of `def` in a new read-only transaction.
    fn read_index(&self, def: &IndexDef) -> Result<web_sys::IdbIndex, StoreError> {
        self.tx(&[DOCS], false)?
            .object_store(DOCS)
            .map_err(js_err)?
            .index(&ix_name(def))
            .map_err(js_err)
    }

    fn tx<S: AsRef<str>>(&self, stores: &[S], write: bool) -> Result<IdbTransaction, StoreError> {
        let mode = if write {
            IdbTransactionMode::Readwrite
        } else {
            IdbTransactionMode::Readonly
        };
        self.inner
            .db
            .transaction_with_str_sequence_and_mode(&str_array(stores), mode)
            .map_err(js_err)
    }

    fn notify(&self, seq: u64) {
        if let Some(c) = &self.inner.channel {
            let msg = js_sys::Object::new();
            let _ = js_sys::Reflect::set(
                &msg,
                &JsValue::from_str("seq"),
                &JsValue::from_f64(seq as f64),
            );
            let _ = c.post_message(&msg);
        }
    }
}

/// The versionchange work: stores, indexes, then migrate and re-index every document.
fn upgrade(
    req: &IdbOpenDbRequest,
    schema: &Schema,
    old: u32,
    keep: &Kept,
) -> Result<(), StoreError> {
    let db: IdbDatabase = req.result().map_err(js_err)?.unchecked_into();
    let tx = req
        .transaction()
        .ok_or_else(|| StoreError::Backend("no upgrade transaction".into()))?;
    let names = db.object_store_names();
    if !names.contains(DOCS) {
        let params = IdbObjectStoreParameters::new();
        params.set_key_path(&JsValue::from_str("_id"));
        let docs = db
            .create_object_store_with_optional_parameters(DOCS, &params)
            .map_err(js_err)?;
        docs.create_index_with_str(BY_SEQ, "seq").map_err(js_err)?;
    }
    for store in [REVS, LOCAL, META] {
        if !names.contains(store) {
            db.create_object_store(store).map_err(js_err)?;
        }
    }
    // Summary stores: one per summary; those of summaries gone are dropped, and on an upgrade
    // all are emptied and rebuilt below (a summary's shape may have changed with the version).
    let wanted: BTreeSet<String> = set_of(schema.summaries.iter().map(|d| sum_name(d.name)));
    for i in 0..names.length() {
        if let Some(n) = names.item(i) {
            if (n.starts_with("sum_") && !wanted.contains(&n)) || n == "sums" {
                db.delete_object_store(&n).map_err(js_err)?;
            }
        }
    }
    let mut sums: Vec<(SummaryDef, IdbObjectStore)> = Vec::new();
    for def in &schema.summaries {
        let n = sum_name(def.name);
        let store = if names.contains(&n) {
            let s = tx.object_store(&n).map_err(js_err)?;
            s.clear().map_err(js_err)?;
            s
        } else {
            db.create_object_store(&n).map_err(js_err)?
        };
        sums.push((*def, store));
    }
    let docs = tx.object_store(DOCS).map_err(js_err)?;
    let existing = docs.index_names();
    let wanted: BTreeSet<String> = set_of(schema.indexes.iter().map(ix_name));
    for i in 0..existing.length() {
        if let Some(n) = existing.item(i) {
            if n.starts_with("ix_") && !wanted.contains(&n) {
                docs.delete_index(&n).map_err(js_err)?;
            }
        }
    }
    for ix in &schema.indexes {
        let n = ix_name(ix);
        if !existing.contains(&n) {
            docs.create_index_with_str(&n, &n).map_err(js_err)?;
        }
    }
    if old == 0 {
        return Ok(());
    }
    // Migrate and re-index every document, synchronously in the cursor's callbacks.
    let cursor_req = docs.open_cursor().map_err(js_err)?;
    let schema = schema.clone();
    let r = cursor_req.clone();
    // The summaries of every document, per summary and bucket, written as one segment each
    // when the cursor ends.
    let mut pending: Vec<BTreeMap<String, Entries>> = vec![BTreeMap::new(); sums.len()];
    let on_ok = Closure::<dyn FnMut()>::new(move || {
        let Ok(c) = r.result() else { return };
        if c.is_null() || c.is_undefined() {
            for ((_, store), buckets) in sums.iter().zip(pending.iter_mut()) {
                for (bucket, mut entries) in std::mem::take(buckets) {
                    let _ = put_segment(store, &bucket, 0, &mut entries);
                }
            }
            return;
        }
        let cursor: IdbCursorWithValue = c.unchecked_into();
        if let Ok(value) = cursor.value() {
            let id = cursor
                .primary_key()
                .ok()
                .and_then(|k| k.as_string())
                .unwrap_or_default();
            // A damaged record is left as it is: it stays reported as corrupt.
            if let Ok((mut doc, seq)) = parse_record(&value, &id) {
                schema.migrate(old, &mut doc);
                // A tree already in the record stays there; one still in `revs` stays there.
                let tree = js_sys::Reflect::get(&value, &JsValue::from_str("t"))
                    .ok()
                    .and_then(|t| t.as_string())
                    .and_then(|t| serde_json::from_str::<RevRecord>(&t).ok());
                let keys = schema.stored_keys_of(&doc);
                let text = engine::doc_record(&doc, seq, &keys, tree.as_ref(), None);
                if let Ok(record) = JSON::parse(&text) {
                    let _ = cursor.update(&record);
                }
                for ((def, _), buckets) in sums.iter().zip(pending.iter_mut()) {
                    if let Some((bucket, key, entry)) = summary_entry(def, &doc) {
                        buckets.entry(bucket).or_default().push((key, entry));
                    }
                }
            }
        }
        let _ = cursor.continue_();
    });
    cursor_req.set_onsuccess(Some(on_ok.as_ref().unchecked_ref()));
    keep.borrow_mut().push(on_ok);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Writes

impl IdbStore {
    /// Reads the stored states of `ids` inside `tx` (all requests in flight at once, one JSON
    /// text back). `also` (already issued) is awaited with the first round, so its success
    /// event cannot pass unheard. Trees still in the legacy `revs` store are read in a second
    /// round; their ids are returned too (the write deletes them there).
    /// The changes feed's index (`by_seq`) in a read transaction over `stores`, and the range
    /// of the sequences after `since`.
    fn feed_after(
        &self,
        stores: &[&str],
        since: u64,
    ) -> Result<(IdbTransaction, web_sys::IdbIndex, JsValue), StoreError> {
        let tx = self.tx(stores, false)?;
        let ix = tx
            .object_store(DOCS)
            .map_err(js_err)?
            .index(BY_SEQ)
            .map_err(js_err)?;
        let range = IdbKeyRange::lower_bound_with_open(&JsValue::from_f64(since as f64), true)
            .map_err(js_err)?;
        Ok((tx, ix, range.into()))
    }

    async fn read_states(
        &self,
        tx: &IdbTransaction,
        ids: &BTreeSet<&str>,
        also: Option<&IdbRequest>,
    ) -> Result<States, StoreError> {
        let reads = self.issue_reads(tx, ids, true)?;
        self.finish_reads(tx, ids, reads, also).await
    }

    /// The first round of `read_states`, issued without waiting, so that a caller can work
    /// while IndexedDB answers. With `count_first`, a large set of ids is first counted in its
    /// key range and read only when that range holds any document (a batch of new ids).
    fn issue_reads(
        &self,
        tx: &IdbTransaction,
        ids: &BTreeSet<&str>,
        count_first: bool,
    ) -> Result<Reads, StoreError> {
        let docs = tx.object_store(DOCS).map_err(js_err)?;
        // The range's ends in IndexedDB's order (UTF-16), not the set's (UTF-8).
        let by_idb = |a: &&&str, b: &&&str| utf16_cmp(a, b);
        let (Some(lo), Some(hi)) = (ids.iter().min_by(by_idb), ids.iter().max_by(by_idb)) else {
            return Ok(Reads::Nothing);
        };
        if count_first && ids.len() > COUNT_FIRST {
            let range = IdbKeyRange::bound(&JsValue::from_str(lo), &JsValue::from_str(hi))
                .map_err(js_err)?;
            return Ok(Reads::Count(docs.count_with_key(&range).map_err(js_err)?));
        }
        Ok(Reads::Gets(get_rows(&docs, ids)))
    }

    /// The rest of `read_states` after `issue_reads`.
    async fn finish_reads(
        &self,
        tx: &IdbTransaction,
        ids: &BTreeSet<&str>,
        reads: Reads,
        also: Option<&IdbRequest>,
    ) -> Result<States, StoreError> {
        let docs = tx.object_store(DOCS).map_err(js_err)?;
        let mut out = States::default();
        let gets = match reads {
            Reads::Nothing => {
                let reqs: Vec<IdbRequest> = also.cloned().into_iter().collect();
                wait_all(&reqs).await?;
                return Ok(out);
            }
            Reads::Count(count) => {
                let first: Vec<IdbRequest> = std::iter::once(count.clone())
                    .chain(also.cloned())
                    .collect();
                wait_all(&first).await?;
                if count.result().map_err(js_err)?.as_f64() == Some(0.0) {
                    out.states = map_of(ids.iter().map(|id| (id.to_string(), None)));
                    return Ok(out);
                }
                get_rows(&docs, ids)
            }
            Reads::Gets(gets) => gets,
            Reads::Known => {
                let seq = also.ok_or_else(|| StoreError::Backend("no sequence read".into()))?;
                wait_all(std::slice::from_ref(seq)).await?;
                let now = seq.result().map_err(js_err)?.as_f64().unwrap_or(0.0) as u64;
                if self.inner.recent.borrow().absent_at(ids, now) {
                    self.inner
                        .reads_skipped
                        .set(self.inner.reads_skipped.get() + 1);
                    out.states = map_of(ids.iter().map(|id| (id.to_string(), None)));
                    return Ok(out);
                }
                get_rows(&docs, ids)
            }
        };
        // Requests of a transaction complete in order: `also`, issued before, is done when the
        // gets are.
        let got = JsFuture::from(gets).await.map_err(js_err)?;
        let mut rows = Vec::with_capacity(ids.len());
        for (id, row) in ids.iter().zip(parse_rows(&got, true)) {
            match row {
                Ok(row) => rows.push((*id, row)),
                Err(_) => out.damage(corrupt(id, "unreadable record")),
            }
        }
        let legacy_ids: Vec<&str> = rows
            .iter()
            .filter(|(_, r)| matches!(r, Some(r) if r.5.is_none()))
            .map(|(id, _)| *id)
            .collect();
        let mut legacy = legacy_trees(tx, &legacy_ids).await?;
        out.legacy
            .extend(legacy_ids.iter().map(|id| id.to_string()));
        for (id, row) in rows {
            let cur = match row.map(|r| current_of(r, legacy.remove(id))) {
                Some(Ok(cur)) => Some(cur),
                Some(Err(e)) => {
                    out.damage(e);
                    None
                }
                None => None,
            };
            out.states.insert(id.to_string(), cur);
        }
        Ok(out)
    }

    /// One readwrite transaction: read the states of `ids` and, while IndexedDB answers, do
    /// the caller's `meanwhile` work on the first of `parts` (validating and hashing documents);
    /// let `plan` decide a part's new states from both, and issue its puts at once, without
    /// awaiting them, with the body texts `texts` finds in the work. Then the next part's work
    /// runs while IndexedDB stores the part before it: the browser writes records and index
    /// entries on its own thread, so the wasm work and the storing overlap instead of taking
    /// turns. Parts must not share an id (each is planned against the states read first). An
    /// error anywhere aborts the transaction and nothing is written. Then the summaries'
    /// segment and the counter, the commit awaited, and subscribers told.
    ///
    /// How the ids are read first: see [`Reading`].
    async fn write<P, M, T>(
        &self,
        ids: BTreeSet<&str>,
        reading: Reading<'_, M>,
        parts: Vec<P>,
        mut meanwhile: impl FnMut(P) -> Result<M, StoreError>,
        texts: fn(&M) -> BTreeMap<&str, &str>,
        mut plan: impl FnMut(
            &mut M,
            &BTreeMap<String, Option<Current>>,
        ) -> Result<(Vec<Current>, T), StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let tx = self.tx(&self.write_stores(), true)?;
        let done = TxDone::new(&tx);
        let meta = tx.object_store(META).map_err(js_err)?;
        let seq_req = meta.get(&JsValue::from_str("seq")).map_err(js_err)?;
        let mut parts = parts.into_iter();
        // The first part's work runs while IndexedDB answers the reads; the reads are awaited
        // even when it fails, so that nothing is left pending when the transaction aborts.
        let (count_first, mut fresh, replaced) = match reading {
            Reading::Each => (false, None, None),
            Reading::Replicated(replaced) => (true, None, Some(replaced)),
            Reading::Fresh(kept) => (false, Some(kept), None),
        };
        let reads = if fresh.is_some() {
            Ok(Reads::Nothing)
        } else if count_first && self.inner.recent.borrow().may_know(&ids) {
            Ok(Reads::Known)
        } else {
            self.issue_reads(&tx, &ids, count_first)
        };
        let first = match reads {
            Ok(reads) => {
                let work = parts.next().map(&mut meanwhile).transpose();
                let read = self.finish_reads(&tx, &ids, reads, Some(&seq_req)).await;
                let seq = seq_req.result().map_err(js_err);
                match (work, read, seq) {
                    (Ok(work), Ok(read), Ok(seq)) => match replaced {
                        Some(replaced) => {
                            replaced.extend(read.damaged_ids());
                            Ok((work, read, seq))
                        }
                        None => read.whole().map(|read| (work, read, seq)),
                    },
                    (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => Err(e),
                }
            }
            Err(e) => Err(e),
        };
        let mut outs = Vec::new();
        let mut written: Vec<String> = Vec::new();
        let mut seq0 = 0;
        let issued = match first {
            Ok((mut work, read, seq)) => {
                seq0 = seq.as_f64().unwrap_or(0.0) as u64;
                let damaged: BTreeSet<String> = read.damaged_ids().collect();
                let prev = read.states;
                let mut sums: Segments = Vec::new();
                let issue = || -> Result<(), StoreError> {
                    while let Some(mut m) = work.take() {
                        let (states, out) = plan(&mut m, &prev)?;
                        outs.push(out);
                        if !states.is_empty() {
                            let next = seq0 + written.len() as u64;
                            let add = fresh.is_some();
                            self.issue_records(&tx, &states, next, &texts(&m), add)?;
                            add_segments(
                                &mut sums,
                                summary_changes(&self.inner.schema, &prev, &states, &damaged),
                            );
                            written.extend(states.into_iter().map(|c| c.winner.id));
                        }
                        match fresh.as_mut() {
                            Some(kept) => kept.push(m),
                            None => drop(m),
                        }
                        work = parts.next().map(&mut meanwhile).transpose()?;
                    }
                    if written.is_empty() {
                        return Ok(());
                    }
                    put_segments(&tx, sums, seq0 + 1)?;
                    let last = seq0 + written.len() as u64;
                    meta.put_with_key(&JsValue::from_f64(last as f64), &JsValue::from_str("seq"))
                        .map_err(js_err)?;
                    // A legacy tree moves into its record only when the record is rewritten;
                    // one read but left as it was keeps its tree where it is.
                    let revs = tx.object_store(REVS).map_err(js_err)?;
                    let rewritten: BTreeSet<&str> = if read.legacy.is_empty() {
                        BTreeSet::new()
                    } else {
                        set_of(written.iter().map(String::as_str))
                    };
                    read.legacy
                        .iter()
                        .filter(|id| rewritten.contains(id.as_str()))
                        .try_for_each(|id| revs.delete(&JsValue::from_str(id)).map(|_| ()))
                        .map_err(js_err)
                };
                issue()
            }
            Err(e) => Err(e),
        };
        if let Err(e) = issued {
            let _ = tx.abort();
            let _ = done.wait().await;
            return Err(e);
        }
        done.wait().await?;
        if !written.is_empty() {
            let seq1 = seq0 + written.len() as u64;
            let ids = written.iter().map(String::as_str);
            self.inner.recent.borrow_mut().wrote(seq0, seq1, ids);
            self.notify(seq1);
        }
        Ok(outs)
    }

    /// The stores a write touches: documents, legacy trees, the counter and the summaries.
    fn write_stores(&self) -> Vec<String> {
        let mut v: Vec<String> = [DOCS, REVS, META].iter().map(|s| s.to_string()).collect();
        v.extend(self.inner.schema.summaries.iter().map(|d| sum_name(d.name)));
        v
    }

    /// Issues the puts (with `add`, adds) of the records of `states`, sequence numbers from
    /// `first`, inside `tx` without awaiting them; only the records (summaries and counter are
    /// the caller's).
    fn issue_records(
        &self,
        tx: &IdbTransaction,
        states: &[Current],
        first: u64,
        texts: &BTreeMap<&str, &str>,
        add: bool,
    ) -> Result<(), StoreError> {
        let docs = tx.object_store(DOCS).map_err(js_err)?;
        // One call for the whole batch of records, the bodies never escaped into JSON.
        let mut batch = engine::RecordBatch::with_capacity(states.len());
        for (i, cur) in states.iter().enumerate() {
            let keys = self.inner.schema.stored_keys_of(&cur.winner);
            let text = cur
                .winner
                .rev
                .as_deref()
                .and_then(|r| texts.get(r).copied());
            batch.push(
                &cur.winner,
                first + 1 + i as u64,
                &keys,
                Some(&cur.revs),
                text,
            );
        }
        let batch = batch.finish();
        js_put_records(&docs, batch.heads_text(), &batch.texts, &batch.cuts, add)
            .map_err(js_err)?;
        Ok(())
    }

    async fn read_one(&self, id: &str) -> Result<Option<Current>, StoreError> {
        let tx = self.tx(&[DOCS, REVS], false)?;
        let ids: BTreeSet<&str> = set_of([id]);
        let mut m = self.read_states(&tx, &ids, None).await?.whole()?;
        Ok(m.states.remove(id).flatten())
    }
}

/// What `read_states` read: each id's state, the ids whose tree is still in `revs`, and why
/// each damaged record could not be read (its state None, as if absent).
#[derive(Default)]
struct States {
    states: BTreeMap<String, Option<Current>>,
    legacy: BTreeSet<String>,
    damaged: Vec<StoreError>,
}

impl States {
    /// A record that could not be read (`Corrupt`, naming it): taken as absent for now.
    fn damage(&mut self, e: StoreError) {
        if let StoreError::Corrupt { id, .. } = &e {
            self.states.insert(id.clone(), None);
        }
        self.damaged.push(e);
    }

    /// The states, or the first damaged record's error: for reads that must not take a
    /// damaged record for an absent one (a local edit, a `get`).
    fn whole(mut self) -> Result<States, StoreError> {
        if self.damaged.is_empty() {
            Ok(self)
        } else {
            Err(self.damaged.swap_remove(0))
        }
    }

    /// The ids of the damaged records.
    fn damaged_ids(&self) -> impl Iterator<Item = String> + '_ {
        self.damaged.iter().filter_map(|e| match e {
            StoreError::Corrupt { id, .. } => Some(id.clone()),
            _ => None,
        })
    }
}

/// How a write reads the states of its ids before planning.
enum Reading<'a, M> {
    /// Every id.
    Each,
    /// Revisions from a peer: a large set is first counted in its range, and read only when
    /// something is there; ids this connection found absent are not read again while that
    /// still holds (`Recent`). A damaged record (unreadable) is taken as absent, so the
    /// revisions are written over it as onto a new document (the peer's copy is the only
    /// readable one there is); its id is put here.
    Replicated(&'a mut Vec<String>),
    /// None: the ids are taken to be absent and the records are added (IndexedDB's `add`), not
    /// put, so one that exists after all fails its request and aborts the transaction
    /// (`ConstraintError`). Each part's work is kept here, for the caller to write again the
    /// usual way.
    Fresh(&'a mut Vec<M>),
}

/// The first round of reads of a write, issued and not yet awaited.
enum Reads {
    Nothing,
    Count(IdbRequest),
    Gets(Promise),
    /// None of the ids was stored at a read this connection made: read them only if the
    /// sequence number (the `also` request) shows another write since (`Recent`).
    Known,
}

/// The revision records of `ids` kept in the `revs` store (records written before schema 8),
/// read at once; an id without one is left out.
async fn legacy_trees(
    tx: &IdbTransaction,
    ids: &[&str],
) -> Result<BTreeMap<String, RevRecord>, StoreError> {
    let mut out = BTreeMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let revs = tx.object_store(REVS).map_err(js_err)?;
    let keys: Array = ids.iter().map(|id| JsValue::from_str(id)).collect();
    let text = JsFuture::from(js_get_texts(&revs, &keys))
        .await
        .map_err(js_err)?
        .as_string()
        .unwrap_or_default();
    let trees: Vec<Option<RevRecord>> = serde_json::from_str(&text)
        .map_err(|e| corrupt(ids[0], format!("revision record: {e}")))?;
    for (id, t) in ids.iter().zip(trees) {
        if let Some(t) = t {
            out.insert(id.to_string(), t);
        }
    }
    Ok(out)
}

/// Every docs record of `ids`, all requests in flight at once (resolves to `getRows`' answer).
fn get_rows(docs: &IdbObjectStore, ids: &BTreeSet<&str>) -> Promise {
    let keys: Array = ids.iter().map(|id| JsValue::from_str(id)).collect();
    js_get_rows(docs, &keys, true)
}

/// A new winner's body text is the canonical text its revision was hashed from. (`&Vec`: the
/// type `write` is given is the batch's work, a `Vec`.)
#[allow(clippy::ptr_arg)]
fn canonical_texts(prepared: &Vec<Prepared>) -> BTreeMap<&str, &str> {
    map_of(
        prepared
            .iter()
            .map(|p| (p.rev.as_str(), p.canonical.as_str())),
    )
}

/// Gives a prepared edit back the body that planning moved into a state, from its canonical
/// text (the revision and the stored text stay those of the canonical text itself).
fn restore_body(p: &mut Prepared) -> Result<(), StoreError> {
    p.doc.body = serde_json::from_str(&p.canonical)
        .map_err(|e| StoreError::Backend(format!("{}: {e}", p.doc.id)))?;
    Ok(())
}

/// A write's parts (see `write`): pieces of `PART` items when the `distinct` ids are as many
/// as the items, else one part, since an id written twice must be planned in one piece.
fn parts_of<X>(items: Vec<X>, distinct: usize) -> Vec<Vec<X>> {
    if distinct != items.len() || items.len() <= PART {
        return vec![items];
    }
    let mut parts = Vec::with_capacity(items.len().div_ceil(PART));
    let mut items = items.into_iter();
    loop {
        let part: Vec<X> = items.by_ref().take(PART).collect();
        if part.is_empty() {
            return parts;
        }
        parts.push(part);
    }
}

fn lookup(
    states: &BTreeMap<String, Option<Current>>,
    id: &str,
) -> Result<Option<Current>, StoreError> {
    Ok(states.get(id).cloned().flatten())
}

impl DocStore for IdbStore {
    async fn get(&self, id: &str) -> Result<Doc, StoreError> {
        let tx = self.tx(&[DOCS], false)?;
        let v = request(
            tx.object_store(DOCS)
                .map_err(js_err)?
                .get(&JsValue::from_str(id))
                .map_err(js_err)?,
        )
        .await?;
        if v.is_undefined() {
            return Err(StoreError::NotFound { id: id.to_string() });
        }
        let (doc, _) = parse_record(&v, id)?;
        if doc.deleted {
            return Err(StoreError::NotFound { id: id.to_string() });
        }
        Ok(doc)
    }

    async fn get_rev(&self, id: &str, rev: &str) -> Result<Doc, StoreError> {
        self.read_one(id)
            .await?
            .and_then(|c| c.get_rev(rev))
            .ok_or_else(|| StoreError::NotFound { id: id.to_string() })
    }

    async fn put(&self, doc: Doc) -> Result<String, StoreError> {
        let mut revs = self.bulk(vec![doc]).await?;
        Ok(revs.remove(0))
    }

    async fn bulk(&self, docs: Vec<Doc>) -> Result<Vec<String>, StoreError> {
        if docs.is_empty() {
            return Ok(Vec::new());
        }
        // Validated and hashed a part at a time: the first while the transaction's reads are
        // answered, each next one while IndexedDB stores the one before.
        let owned: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
        let ids: BTreeSet<&str> = set_of(owned.iter().map(String::as_str));
        let prepare = |part: Vec<Doc>| part.into_iter().map(engine::prepare).collect();
        let plan = |prepared: &mut Vec<Prepared>, states: &BTreeMap<String, Option<Current>>| {
            engine::plan_edits(prepared, |id| lookup(states, id))
        };
        if ids.len() != docs.len() || docs.iter().any(|d| d.rev.is_some()) {
            let parts = parts_of(docs, ids.len());
            let revs = self
                .write(ids, Reading::Each, parts, prepare, canonical_texts, plan)
                .await?;
            return Ok(revs.into_iter().flatten().collect());
        }
        // New documents only (an import, new cases): written without reading first, and read
        // the usual way only when one of them turns out to exist (a tombstone, a clash). The
        // second write takes the documents as first prepared: the same canonical texts, so the
        // same revisions and stored bodies.
        let mut kept = Vec::new();
        let parts = parts_of(docs, ids.len());
        let fresh = Reading::Fresh(&mut kept);
        let tried = self.write(ids.clone(), fresh, parts, prepare, canonical_texts, plan);
        match tried.await {
            Ok(revs) => Ok(revs.into_iter().flatten().collect()),
            Err(StoreError::Backend(m)) if m.starts_with("ConstraintError") => {
                let mut again: Vec<Prepared> = kept.into_iter().flatten().collect();
                again.iter_mut().try_for_each(restore_body)?;
                let parts = parts_of(again, ids.len());
                let revs = self
                    .write(ids, Reading::Each, parts, Ok, canonical_texts, plan)
                    .await?;
                Ok(revs.into_iter().flatten().collect())
            }
            Err(e) => Err(e),
        }
    }

    async fn delete(&self, id: &str, rev: &str) -> Result<String, StoreError> {
        let doc = Doc {
            id: id.to_string(),
            rev: Some(rev.to_string()),
            deleted: true,
            body: Json::Object(Default::default()),
        };
        self.put(doc).await
    }

    async fn changes(&self, since: u64, limit: usize) -> Result<Vec<Change>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let (_tx, ix, range) = self.feed_after(&[DOCS], since)?;
        let text = JsFuture::from(js_change_rows(&ix, &range, clamp(limit)))
            .await
            .map_err(js_err)?
            .as_string()
            .unwrap_or_default();
        let rows: Vec<(i64, String, String, bool)> =
            serde_json::from_str(&text).map_err(|e| corrupt("", format!("changes feed: {e}")))?;
        // A damaged `_rev` comes as an empty one; a `seq` that is not a number (it sorts after
        // every number) has no place in the feed.
        Ok(rows
            .into_iter()
            .filter(|(seq, ..)| *seq >= 0)
            .map(|(seq, id, rev, deleted)| Change {
                seq: seq as u64,
                id,
                rev,
                deleted,
            })
            .collect())
    }

    async fn update_seq(&self) -> Result<u64, StoreError> {
        let tx = self.tx(&[META], false)?;
        let v = request(
            tx.object_store(META)
                .map_err(js_err)?
                .get(&JsValue::from_str("seq"))
                .map_err(js_err)?,
        )
        .await?;
        Ok(v.as_f64().unwrap_or(0.0) as u64)
    }

    async fn query(&self, q: &Query) -> Result<Page, StoreError> {
        let Some((got, def)) = self.read_query(q, "rows").await? else {
            return Ok(Page::default());
        };
        let mut page = Page::default();
        let rows = parse_rows(&got, false);
        let n = rows.len();
        for row in rows {
            match row {
                Ok(Some(r)) => {
                    let id = r.0.clone();
                    match r.into_parts() {
                        Ok((doc, _, _)) => page.docs.push(doc),
                        Err(_) => page.corrupt.push(id),
                    }
                }
                Ok(None) => {}
                Err(id) => page.corrupt.push(id),
            }
        }
        if n == q.limit {
            page.next = Some(next_of(&got, &def, page.corrupt.last())?);
        }
        Ok(page)
    }

    async fn query_text(&self, q: &Query, ty: &str) -> Result<Option<TextPage>, StoreError> {
        // Only an index of `ty` alone: another's rows would not all read as `ty`.
        match self.inner.schema.index(&q.index) {
            Some(def) if def.doc_type == Some(ty) => {}
            _ => return Ok(None),
        }
        let Some((got, def)) = self.read_query(q, "records").await? else {
            return Ok(Some(TextPage::default()));
        };
        let got_rows: &Array = got.unchecked_ref();
        let n = Array::from(&got_rows.get(1)).length() as usize;
        Ok(Some(TextPage {
            text: got_rows.get(0).as_string().unwrap_or_default(),
            next: match n == q.limit {
                true => Some(next_of(&got, &def, None)?),
                false => None,
            },
        }))
    }

    async fn count(&self, index: &str, range: &KeyRange) -> Result<u64, StoreError> {
        let def = self.index_def(index)?;
        let Some((bounds, _)) = bounds_of(&def, range, None, false) else {
            return Ok(0);
        };
        let ix = self.read_index(&def)?;
        let r = range_js(&bounds)?;
        let req = if r.is_undefined() {
            ix.count()
        } else {
            ix.count_with_key(&r)
        }
        .map_err(js_err)?;
        Ok(request(req).await?.as_f64().unwrap_or(0.0) as u64)
    }

    async fn rev_tree(&self, id: &str) -> Result<RevTree, StoreError> {
        self.read_one(id)
            .await?
            .map(|c| c.revs.tree)
            .ok_or_else(|| StoreError::NotFound { id: id.to_string() })
    }

    async fn replace_all(&self, docs: Vec<ReplicatedRev>) -> Result<(), StoreError> {
        // Planned before the transaction: a bad document aborts nothing because nothing began.
        let states = engine::plan_replace(&docs)?;
        self.inner.many.set(false);
        let mut stores = self.write_stores();
        stores.push(LOCAL.to_string());
        let tx = self.tx(&stores, true)?;
        let done = TxDone::new(&tx);
        let meta = tx.object_store(META).map_err(js_err)?;
        let seq_req = meta.get(&JsValue::from_str("seq")).map_err(js_err)?;
        let seq0 = match request(seq_req).await {
            Ok(v) => v.as_f64().unwrap_or(0.0) as u64,
            Err(e) => {
                let _ = tx.abort();
                let _ = done.wait().await;
                return Err(e);
            }
        };
        // Requests of one transaction run in order: the wipe, then every write; a failure
        // anywhere (quota) aborts the lot and the old data stays.
        let issued = (|| {
            for name in self.write_stores().iter().filter(|n| *n != META) {
                tx.object_store(name)
                    .map_err(js_err)?
                    .clear()
                    .map_err(js_err)?;
            }
            // The sync state about the old documents goes with them (the settings stay).
            drop_sync_state(&tx)?;
            for (n, chunk) in states.chunks(1000).enumerate() {
                let first = seq0 + (n * 1000) as u64;
                self.issue_records(&tx, chunk, first, &BTreeMap::new(), false)?;
                let none = (BTreeMap::new(), BTreeSet::new());
                let sums = summary_changes(&self.inner.schema, &none.0, chunk, &none.1);
                put_segments(&tx, sums, first + 1)?;
            }
            let last = JsValue::from_f64((seq0 + states.len() as u64) as f64);
            meta.put_with_key(&last, &JsValue::from_str("seq"))
                .map_err(js_err)?;
            Ok::<(), StoreError>(())
        })();
        if let Err(e) = issued {
            let _ = tx.abort();
            let _ = done.wait().await;
            return Err(e);
        }
        done.wait().await?;
        self.notify(seq0 + states.len() as u64);
        Ok(())
    }

    async fn put_replicated(&self, revs: Vec<ReplicatedRev>) -> Result<Vec<String>, StoreError> {
        if revs.is_empty() {
            return Ok(Vec::new());
        }
        let owned: Vec<String> = revs.iter().map(|r| r.doc.id.clone()).collect();
        let ids: BTreeSet<&str> = set_of(owned.iter().map(String::as_str));
        let parts = parts_of(revs, ids.len());
        let mut replaced = Vec::new();
        self.write(
            ids,
            Reading::Replicated(&mut replaced),
            parts,
            Ok,
            |_| BTreeMap::new(),
            |part: &mut Vec<ReplicatedRev>, states| {
                let part = std::mem::take(part);
                engine::plan_replicated(part, |id| lookup(states, id)).map(|s| (s, ()))
            },
        )
        .await?;
        Ok(replaced)
    }

    async fn revs_diff(
        &self,
        wanted: Vec<(String, Vec<String>)>,
    ) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        let tx = self.tx(&[DOCS, REVS, META], false)?;
        let ids: BTreeSet<&str> = set_of(wanted.iter().map(|(id, _)| id.as_str()));
        // The counter in the same transaction: what is absent now, a write of the same ids
        // may take as absent while only this connection's writes of other ids come between.
        let seq_req = tx
            .object_store(META)
            .and_then(|m| m.get(&JsValue::from_str("seq")))
            .map_err(js_err)?;
        // The store's ids read before, and since then written only by this connection: only
        // those ids need reading (`Recent`'s `held`). Else ask whether it holds only a few (a
        // new device before its first sync): one read of at most `FEW` + 1 keys.
        let mut known_absent = BTreeSet::new();
        let mut first_keys = None;
        let mut seq = None;
        if self.inner.recent.borrow().knows_contents() {
            wait_all(std::slice::from_ref(&seq_req)).await?;
            let now = seq_req.result().map_err(js_err)?.as_f64().unwrap_or(0.0) as u64;
            if let Some(absent) = self.inner.recent.borrow_mut().absent_of(&ids, now) {
                known_absent = absent;
                let n = self.inner.diffs_known.get();
                self.inner.diffs_known.set(n + 1);
            }
            seq = Some(now);
        } else if !self.inner.many.get() {
            let docs = tx.object_store(DOCS).map_err(js_err)?;
            let keys = docs.get_all_keys_with_key_and_limit(&JsValue::NULL, FEW + 1);
            first_keys = Some(keys.map_err(js_err)?);
        }
        let rest: BTreeSet<&str> = ids.difference(&known_absent).copied().collect();
        // The last request issued before the reads, awaited with them (`seq_req` when nothing
        // came after it).
        let also = first_keys.as_ref().or(seq.is_none().then_some(&seq_req));
        let mut read = self.read_states(&tx, &rest, also).await?;
        read.states
            .extend(known_absent.into_iter().map(|id| (id.to_string(), None)));
        // Requests complete in order: the counter, issued first, is done.
        let seq = match seq {
            Some(seq) => seq,
            None => seq_req.result().map_err(js_err)?.as_f64().unwrap_or(0.0) as u64,
        };
        if let Some(keys) = first_keys {
            let keys = js_sys::Array::from(&keys.result().map_err(js_err)?);
            if keys.length() <= FEW {
                let keys: Vec<String> = keys.iter().filter_map(|k| k.as_string()).collect();
                let keys = keys.iter().map(String::as_str);
                self.inner.recent.borrow_mut().found_only(seq, keys);
            } else {
                self.inner.many.set(true);
            }
        }
        // A damaged record is there, not absent: the write of its revisions reads it again
        // (and so tells what it writes over).
        let damaged: BTreeSet<String> = read.damaged_ids().collect();
        let absent = read.states.iter().filter(|(_, s)| s.is_none());
        let absent = absent.filter(|(id, _)| !damaged.contains(*id));
        let absent = absent.map(|(id, _)| id.clone()).collect();
        self.inner.recent.borrow_mut().read_absent(seq, absent);
        let mut out = Vec::new();
        for (id, revs) in wanted {
            // A damaged record lacks every revision: the peer's copy replaces it.
            let missing = match read.states.get(&id).and_then(Option::as_ref) {
                Some(cur) => cur.revs.tree.revs_diff(&revs),
                None => revs,
            };
            if !missing.is_empty() {
                out.push((id, missing));
            }
        }
        Ok(out)
    }

    async fn summary_segments(
        &self,
        name: &str,
        range: &KeyRange,
    ) -> Result<Vec<Segment>, StoreError> {
        let Some((name, idb_range)) = self.segments_range(name, range)? else {
            return Ok(Vec::new());
        };
        let tx = self.tx(&[&name], false)?;
        let store = tx.object_store(&name).map_err(js_err)?;
        let rows = read_segments(&store, &idb_range, &name).await?;
        let mut seen = BucketSizes::default();
        for (bucket, _, text) in &rows {
            seen.add(bucket, text.len());
        }
        self.compact_crowded(&name, seen).await;
        Ok(rows.into_iter().map(|(_, seq, text)| (seq, text)).collect())
    }

    async fn each_summary_segment(
        &self,
        name: &str,
        range: &KeyRange,
        each: &mut dyn FnMut(Segment) -> Result<(), String>,
    ) -> Result<(), StoreError> {
        let Some((name, idb_range)) = self.segments_range(name, range)? else {
            return Ok(());
        };
        let tx = self.tx(&[&name], false)?;
        let store = tx.object_store(&name).map_err(js_err)?;
        let parts: Array =
            JsFuture::from(js_read_segment_parts(&store, &idb_range, SEGMENTS_PER_READ))
                .await
                .map_err(js_err)?
                .unchecked_into();
        let mut seen = BucketSizes::default();
        for part in parts.iter() {
            let got = JsFuture::from(Promise::from(part)).await.map_err(js_err)?;
            for (bucket, seq, text) in segment_rows(&got, &name)? {
                seen.add(&bucket, text.len());
                each((seq, text)).map_err(|reason| StoreError::Corrupt {
                    id: name.clone(),
                    reason,
                })?;
            }
        }
        self.compact_crowded(&name, seen).await;
        Ok(())
    }

    async fn changed_states(
        &self,
        since: u64,
        limit: usize,
    ) -> Result<Vec<(Change, Current)>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        // The feed's records are the documents' records: one read gives both.
        let (tx, ix, range) = self.feed_after(&[DOCS, REVS], since)?;
        let got = JsFuture::from(js_read_rows(
            &ix.into(),
            &range,
            "next",
            clamp(limit),
            "seq",
            "trees",
            &JsValue::UNDEFINED,
            None,
        ))
        .await
        .map_err(js_err)?;
        let mut rows = Vec::new();
        for row in parse_rows(&got, true) {
            match row {
                // Not in the feed (see `changes`).
                Ok(Some(r)) if r.3 < 0 => {}
                Ok(Some(r)) if !r.1.is_empty() => rows.push(r),
                Ok(Some(r)) => return Err(corrupt(&r.0, "record without _rev")),
                Ok(None) => {}
                Err(id) => return Err(corrupt(&id, "unreadable record")),
            }
        }
        let legacy_ids: Vec<&str> = rows
            .iter()
            .filter(|r| r.5.is_none())
            .map(|r| r.0.as_str())
            .collect();
        let mut legacy = legacy_trees(&tx, &legacy_ids).await?;
        rows.into_iter()
            .map(|r| {
                let change = Change {
                    seq: r.3 as u64,
                    id: r.0.clone(),
                    rev: r.1.clone(),
                    deleted: r.2,
                };
                let tree = legacy.remove(r.0.as_str());
                Ok((change, current_of(r, tree)?))
            })
            .collect()
    }

    async fn get_local(&self, id: &str) -> Result<Option<Json>, StoreError> {
        let tx = self.tx(&[LOCAL], false)?;
        let v = request(
            tx.object_store(LOCAL)
                .map_err(js_err)?
                .get(&JsValue::from_str(id))
                .map_err(js_err)?,
        )
        .await?;
        match v.as_string() {
            None => Ok(None),
            Some(s) => serde_json::from_str(&s)
                .map(Some)
                .map_err(|e| StoreError::Corrupt {
                    id: id.to_string(),
                    reason: e.to_string(),
                }),
        }
    }

    async fn put_local(&self, id: &str, value: Json) -> Result<(), StoreError> {
        let tx = self.tx(&[LOCAL], true)?;
        let done = TxDone::new(&tx);
        tx.object_store(LOCAL)
            .map_err(js_err)?
            .put_with_key(
                &JsValue::from_str(&value.to_string()),
                &JsValue::from_str(id),
            )
            .map_err(js_err)?;
        done.wait().await
    }

    async fn all_docs(&self, after: Option<&str>, limit: usize) -> Result<Page, StoreError> {
        if limit == 0 {
            return Ok(Page::default());
        }
        let tx = self.tx(&[DOCS], false)?;
        let store = tx.object_store(DOCS).map_err(js_err)?;
        let req = match after {
            Some(a) => {
                let range = IdbKeyRange::lower_bound_with_open(&JsValue::from_str(a), true)
                    .map_err(js_err)?;
                store.open_cursor_with_range(&range)
            }
            None => store.open_cursor(),
        }
        .map_err(js_err)?;
        let page: Rc<RefCell<(Page, Option<String>)>> = Rc::default();
        let out = page.clone();
        walk(&req, move |c| {
            let c: &IdbCursorWithValue = c.unchecked_ref();
            let id = c
                .primary_key()
                .ok()
                .and_then(|k| k.as_string())
                .unwrap_or_default();
            let mut out = out.borrow_mut();
            match parse_record(&c.value().map_err(js_err)?, &id) {
                Ok((doc, _)) if doc.deleted => return Ok(Step::Next),
                Ok((doc, _)) => out.0.docs.push(doc),
                Err(_) => out.0.corrupt.push(id.clone()),
            }
            out.1 = Some(id);
            Ok(if out.0.docs.len() + out.0.corrupt.len() >= limit {
                Step::Stop
            } else {
                Step::Next
            })
        })
        .await?;
        let (mut page, last) = page.take();
        if page.docs.len() + page.corrupt.len() == limit {
            page.next = last.map(|id| Cursor {
                key: IndexKey::default(),
                id,
            });
        }
        Ok(page)
    }

    async fn clear(&self) -> Result<(), StoreError> {
        let stores: Vec<String> = self
            .write_stores()
            .into_iter()
            .filter(|n| n != META)
            .collect();
        let mut touched = stores.clone();
        touched.push(LOCAL.to_string());
        let tx = self.tx(&touched, true)?;
        let done = TxDone::new(&tx);
        let issued = (|| {
            for name in &stores {
                tx.object_store(name)
                    .map_err(js_err)?
                    .clear()
                    .map_err(js_err)?;
            }
            // The sync state about the documents goes with them (the settings stay).
            drop_sync_state(&tx)
        })();
        if let Err(e) = issued {
            let _ = tx.abort();
            let _ = done.wait().await;
            return Err(e);
        }
        done.wait().await?;
        self.inner.many.set(false);
        // The sequence is kept (it stays monotonic); listeners here and in other tabs refresh.
        let seq = self.update_seq().await?;
        self.notify(seq);
        Ok(())
    }
}
