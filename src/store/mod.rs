//! store/: CouchDB-shaped JSON documents with revisions, a local changes feed and secondary
//! indexes, behind one async API ([`DocStore`]) with two implementations: IndexedDB in the
//! browser (`idb_store`) and an in-memory twin for host tests (`memory`). Knows documents and
//! indexes, never screens.

pub mod engine;
pub mod error;
pub mod key;
pub mod memory;
pub mod revs;
pub mod schema;
pub mod suite;
pub mod summary;
pub mod typed;

#[cfg(target_arch = "wasm32")]
pub mod idb_store;

pub use error::StoreError;
pub use key::{IndexKey, KeyPart, KeyRange};
pub use schema::{IndexDef, Migration, Schema};

use serde_json::Value as Json;

/// One document: its id, the revision it is at (None before the first write), whether it is a
/// deletion (tombstone), and its body without the `_id`/`_rev`/`_deleted` fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    pub id: String,
    pub rev: Option<String>,
    pub deleted: bool,
    pub body: Json,
}

impl Doc {
    pub fn new(id: impl Into<String>, body: Json) -> Self {
        Doc {
            id: id.into(),
            rev: None,
            deleted: false,
            body,
        }
    }
    /// The `type` field of the body, which decides the indexes a document is in.
    pub fn doc_type(&self) -> Option<&str> {
        self.body.get("type").and_then(Json::as_str)
    }
}

/// An entry of the local changes feed: the latest write to one document.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub seq: u64,
    pub id: String,
    /// The winning revision after the write.
    pub rev: String,
    pub deleted: bool,
}

/// A query over one secondary index, in key order, one page at a time.
#[derive(Clone, Debug)]
pub struct Query {
    pub index: String,
    pub range: KeyRange,
    pub descending: bool,
    pub limit: usize,
    /// Continue after this position (from the previous page's `next`).
    pub after: Option<Cursor>,
}

impl Query {
    pub fn new(index: &str, range: KeyRange) -> Self {
        Query {
            index: index.to_string(),
            range,
            descending: false,
            limit: 50,
            after: None,
        }
    }
    pub fn descending(mut self) -> Self {
        self.descending = true;
        self
    }
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = n;
        self
    }
    pub fn after(mut self, c: Option<Cursor>) -> Self {
        self.after = c;
        self
    }
}

/// Where a page ended: the index key and document id of its last row.
#[derive(Clone, Debug, PartialEq)]
pub struct Cursor {
    pub key: IndexKey,
    pub id: String,
}

/// One page of a query: the documents, where to continue (None at the end), and the ids of
/// records that could not be read (reported, not fatal: the rest still load).
#[derive(Clone, Debug, Default)]
pub struct Page {
    pub docs: Vec<Doc>,
    pub next: Option<Cursor>,
    pub corrupt: Vec<String>,
}

/// A page of a query as one JSON text, for records read straight from it
/// ([`DocStore::query_text`]): `[[id, rev, seq, stored index field, body] | null, …]`, each
/// body with its `_id` and `_rev` first.
#[derive(Clone, Debug, Default)]
pub struct TextPage {
    pub text: String,
    pub next: Option<Cursor>,
}

/// A revision received from a replication peer with its ancestry (`_revisions`), newest first,
/// written as it is (`new_edits: false`).
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicatedRev {
    pub doc: Doc,
    /// Revision ids newest first, the first being `doc.rev`.
    pub history: Vec<String>,
}

/// Storage use as the browser reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StorageInfo {
    pub persisted: Option<bool>,
    pub usage_bytes: Option<f64>,
    pub quota_bytes: Option<f64>,
}

/// The document store. Single-threaded (the browser's), so futures need not be `Send`.
#[allow(async_fn_in_trait)]
pub trait DocStore {
    /// The winning revision of a document; `NotFound` if absent or deleted.
    async fn get(&self, id: &str) -> Result<Doc, StoreError>;
    /// A given revision (winner, losing leaf or kept ancestor body).
    async fn get_rev(&self, id: &str, rev: &str) -> Result<Doc, StoreError>;
    /// Writes a new revision. `doc.rev` must be the current winning revision (None for a new
    /// document); otherwise `Conflict` and nothing is written. Returns the new revision.
    async fn put(&self, doc: Doc) -> Result<String, StoreError>;
    /// Several writes in one transaction: all are applied or none (the first error is returned).
    async fn bulk(&self, docs: Vec<Doc>) -> Result<Vec<String>, StoreError>;
    /// Marks a document deleted (a tombstone revision, kept for sync).
    async fn delete(&self, id: &str, rev: &str) -> Result<String, StoreError>;
    /// Changes after `since`, in sequence order, at most `limit`. A damaged record whose
    /// revision cannot be read comes with an empty `rev`.
    async fn changes(&self, since: u64, limit: usize) -> Result<Vec<Change>, StoreError>;
    /// The sequence of the latest write (0 for an empty store).
    async fn update_seq(&self) -> Result<u64, StoreError>;
    /// A page of documents from a secondary index.
    async fn query(&self, q: &Query) -> Result<Page, StoreError>;
    /// The page of [`DocStore::query`] as one text ([`TextPage`]), for records of type `ty`
    /// read without building JSON values first ([`typed::placed_page_of`]); None when this store
    /// has no such read or the index may hold documents of another type: then use `query`.
    async fn query_text(&self, q: &Query, ty: &str) -> Result<Option<TextPage>, StoreError> {
        let _ = (q, ty);
        Ok(None)
    }
    /// How many documents an index holds in a range.
    async fn count(&self, index: &str, range: &KeyRange) -> Result<u64, StoreError>;
    /// The revision tree of a document: every known leaf and ancestor.
    async fn rev_tree(&self, id: &str) -> Result<revs::RevTree, StoreError>;
    /// Writes revisions received from a peer, keeping their history; never refused as a
    /// conflict: concurrent leaves are kept and the deterministic winner shows. A damaged
    /// record (unreadable) is written over, as a new document would be: the peer's copy is the
    /// only readable one there is. Returns the ids of the damaged records so replaced.
    async fn put_replicated(&self, revs: Vec<ReplicatedRev>) -> Result<Vec<String>, StoreError>;
    /// Of the given revisions per document, those this store does not have (all of them for
    /// a damaged record, which [`DocStore::put_replicated`] replaces).
    async fn revs_diff(
        &self,
        wanted: Vec<(String, Vec<String>)>,
    ) -> Result<Vec<(String, Vec<String>)>, StoreError>;
    /// The changes after `since` (as [`DocStore::changes`]), each with its document's stored
    /// state (winner, revision tree, kept leaves), read together: what a push sends, a batch
    /// at a time.
    async fn changed_states(
        &self,
        since: u64,
        limit: usize,
    ) -> Result<Vec<(Change, engine::Current)>, StoreError>;
    /// The segments holding the summaries `name` (see [`schema::SummaryDef`]) whose keys may
    /// be in `range` (more may come back): a month of report facts without the documents.
    /// [`summary::merge`] (or [`typed::summaries_of`]) reads them.
    async fn summary_segments(
        &self,
        name: &str,
        range: &KeyRange,
    ) -> Result<Vec<summary::Segment>, StoreError>;
    /// The segments of [`DocStore::summary_segments`], each handed to `each` as soon as it is
    /// read, while the store goes on reading the next (IndexedDB reads on a thread of its
    /// own): a month of report facts is merged while it is read. `each` failing stops the
    /// read: `Corrupt`, with its reason.
    async fn each_summary_segment(
        &self,
        name: &str,
        range: &KeyRange,
        each: &mut dyn FnMut(summary::Segment) -> Result<(), String>,
    ) -> Result<(), StoreError> {
        for segment in self.summary_segments(name, range).await? {
            each(segment).map_err(|reason| StoreError::Corrupt {
                id: name.to_string(),
                reason,
            })?;
        }
        Ok(())
    }
    /// Non-replicated local documents (`_local/…`: checkpoints, device settings).
    async fn get_local(&self, id: &str) -> Result<Option<Json>, StoreError>;
    async fn put_local(&self, id: &str, value: Json) -> Result<(), StoreError>;
    /// Every winning, non-deleted document, for backup export, in id order, one page at a time.
    async fn all_docs(&self, after: Option<&str>, limit: usize) -> Result<Page, StoreError>;
    /// Removes every document, revision and change, and the sync state about them
    /// ([`is_sync_state`]); the other `_local` documents (settings) are kept.
    async fn clear(&self) -> Result<(), StoreError>;
    /// Replaces everything with the given revisions (a backup import) in one transaction:
    /// either the store holds exactly these documents afterwards, or it is unchanged. A
    /// document without a revision gets a first one. The sync state about the old documents
    /// ([`is_sync_state`]) goes with them; the other `_local` documents (settings) are kept.
    async fn replace_all(&self, docs: Vec<ReplicatedRev>) -> Result<(), StoreError>;
}

/// The prefix of the ids of replication checkpoints (`sync::protocol::replication_id`).
pub const CHECKPOINT_PREFIX: &str = "kefu-";

/// The `_local` documents, besides the checkpoints, in which sync keeps where it stands in this
/// store's data: the position conflicts were looked for up to, and the lists of conflicts and
/// damaged records.
pub const SYNC_STATE_DOCS: [&str; 3] = ["sync-settled", "sync-conflicts", "sync-damaged"];

/// Whether a `_local` document is sync state about the documents this store holds (a
/// replication checkpoint or one of [`SYNC_STATE_DOCS`]) rather than a setting (the device's
/// settings, the sync configuration). [`DocStore::clear`] and [`DocStore::replace_all`] drop
/// these with the documents they speak of: a checkpoint kept would make the next pull resume
/// where the old data had got to, so nothing the server received before it would ever come
/// back. Without them the next sync starts over as a new replica's would (`_revs_diff` keeps
/// it from copying anything twice).
pub fn is_sync_state(id: &str) -> bool {
    id.starts_with(CHECKPOINT_PREFIX) || SYNC_STATE_DOCS.contains(&id)
}

/// A page of [`DocStore::changed_states`] that a damaged record does not stop: the readable
/// changes with their states, the ids of the damaged ones, the last sequence read (None: no
/// more changes) and how many changes the page held.
#[derive(Debug, Default)]
pub struct StatesPage {
    pub states: Vec<(Change, engine::Current)>,
    pub damaged: Vec<String>,
    pub last: Option<u64>,
    pub read: usize,
}

/// Reads the changes after `since` with their states, as [`DocStore::changed_states`]. When
/// the page holds a damaged record, its changes are read one at a time and the damaged ones
/// returned by id instead, so that one record cannot hold up every change after it (a push,
/// the count of what is left to push, the look for conflicts).
pub async fn changed_states_past_damage<S: DocStore>(
    store: &S,
    since: u64,
    limit: usize,
) -> Result<StatesPage, StoreError> {
    let states = match store.changed_states(since, limit).await {
        Err(StoreError::Corrupt { .. }) => None,
        other => Some(other?),
    };
    if let Some(states) = states {
        return Ok(StatesPage {
            last: states.last().map(|(c, _)| c.seq),
            read: states.len(),
            states,
            damaged: Vec::new(),
        });
    }
    let changes = store.changes(since, limit).await?;
    let mut page = StatesPage {
        last: changes.last().map(|c| c.seq),
        read: changes.len(),
        ..StatesPage::default()
    };
    let mut prev = since;
    for c in changes {
        if c.rev.is_empty() {
            prev = c.seq;
            page.damaged.push(c.id);
            continue;
        }
        match store.changed_states(prev, 1).await {
            // A write meanwhile moved the document further on: it is read there.
            Ok(one) => page
                .states
                .extend(one.into_iter().filter(|(x, _)| x.seq == c.seq)),
            Err(StoreError::Corrupt { .. }) => page.damaged.push(c.id),
            Err(e) => return Err(e),
        }
        prev = c.seq;
    }
    Ok(page)
}
