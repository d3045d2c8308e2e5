//! store/memory: the in-memory twin of the IndexedDB store, with the same semantics (revisions,
//! conflicts, tombstones, changes feed, indexes, paging), for host tests and as a fallback.

use super::engine::{self, Current};
use super::key::{IndexKey, KeyRange};
use super::revs::RevTree;
use super::summary::{entry_text, Segment};
use super::{Change, Cursor, Doc, DocStore, Page, Query, ReplicatedRev, Schema, StoreError};
use serde_json::Value as Json;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use std::rc::Rc;

struct Entry {
    cur: Current,
    seq: u64,
    keys: Vec<(&'static str, IndexKey)>,
}

struct Inner {
    schema: Schema,
    /// The schema version the data was last opened with.
    version: u32,
    docs: BTreeMap<String, Entry>,
    by_seq: BTreeMap<u64, String>,
    /// Per index, the stored composite keys (`[key, id]`).
    indexes: HashMap<&'static str, BTreeSet<IndexKey>>,
    seq: u64,
    local: BTreeMap<String, Json>,
    corrupt: BTreeSet<String>,
}

/// The in-memory store. Clones share the same data (like two handles on one database).
#[derive(Clone)]
pub struct MemoryStore {
    inner: Rc<RefCell<Inner>>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::open_with(Schema::current())
    }
}

impl MemoryStore {
    /// An empty store with the app's schema.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    /// An empty store with the given schema.
    pub fn open_with(schema: Schema) -> Self {
        let indexes = schema
            .indexes
            .iter()
            .map(|ix| (ix.name, BTreeSet::new()))
            .collect();
        MemoryStore {
            inner: Rc::new(RefCell::new(Inner {
                version: schema.version,
                schema,
                docs: BTreeMap::new(),
                by_seq: BTreeMap::new(),
                indexes,
                seq: 0,
                local: BTreeMap::new(),
                corrupt: BTreeSet::new(),
            })),
        }
    }

    /// Opens the same data again with another schema, as a newer app version would: migrations
    /// above the stored version run over every winning document (in place, revision kept) and
    /// all indexes are rebuilt. A lower version is refused, as IndexedDB refuses it.
    pub fn reopen(&self, schema: Schema) -> Result<MemoryStore, StoreError> {
        schema.validate().map_err(StoreError::Invalid)?;
        let mut inner = self.inner.borrow_mut();
        if schema.version < inner.version {
            return Err(StoreError::Invalid(format!(
                "database is at version {}, newer than {}",
                inner.version, schema.version
            )));
        }
        let from = inner.version;
        let Inner { docs, indexes, .. } = &mut *inner;
        indexes.clear();
        for ix in &schema.indexes {
            indexes.insert(ix.name, BTreeSet::new());
        }
        for (id, e) in docs.iter_mut() {
            schema.migrate(from, &mut e.cur.winner);
            e.keys = schema.keys_of(&e.cur.winner);
            for (name, k) in &e.keys {
                indexes
                    .get_mut(name)
                    .expect("index exists")
                    .insert(k.composite(id));
            }
        }
        inner.version = schema.version;
        inner.schema = schema;
        Ok(self.clone())
    }

    /// The schema version the data is at.
    pub fn version(&self) -> u32 {
        self.inner.borrow().version
    }

    /// Test hook: makes a document's stored record unreadable, as a damaged IndexedDB record
    /// would be (get → Corrupt; queries report it in `Page::corrupt`).
    pub fn inject_corrupt(&self, id: &str) {
        self.inner.borrow_mut().corrupt.insert(id.to_string());
    }

    /// Test hook: the record reads again (as if repaired).
    pub fn heal(&self, id: &str) {
        self.inner.borrow_mut().corrupt.remove(id);
    }

    fn lookup(&self, id: &str) -> Result<Option<Current>, StoreError> {
        if self.inner.borrow().corrupt.contains(id) {
            return Err(Self::corrupt_err(id));
        }
        Ok(self.current(id))
    }

    /// The stored state, None when absent or damaged.
    fn current_unless_damaged(&self, id: &str) -> Option<Current> {
        if self.inner.borrow().corrupt.contains(id) {
            return None;
        }
        self.current(id)
    }

    fn current(&self, id: &str) -> Option<Current> {
        self.inner.borrow().docs.get(id).map(|e| e.cur.clone())
    }

    /// Stores new states (already checked) with fresh sequence numbers; returns the last seq.
    fn commit(&self, states: Vec<Current>) -> u64 {
        let mut inner = self.inner.borrow_mut();
        for cur in states {
            inner.seq += 1;
            let seq = inner.seq;
            let id = cur.winner.id.clone();
            let keys = inner.schema.keys_of(&cur.winner);
            if let Some(old) = inner.docs.remove(&id) {
                inner.by_seq.remove(&old.seq);
                for (name, k) in old.keys {
                    if let Some(ix) = inner.indexes.get_mut(name) {
                        ix.remove(&k.composite(&id));
                    }
                }
            }
            for (name, k) in &keys {
                if let Some(ix) = inner.indexes.get_mut(name) {
                    ix.insert(k.composite(&id));
                }
            }
            inner.by_seq.insert(seq, id.clone());
            inner.corrupt.remove(&id);
            inner.docs.insert(id, Entry { cur, seq, keys });
        }
        inner.seq
    }

    fn corrupt_err(id: &str) -> StoreError {
        StoreError::Corrupt {
            id: id.to_string(),
            reason: "record could not be read".into(),
        }
    }
}

impl DocStore for MemoryStore {
    async fn get(&self, id: &str) -> Result<Doc, StoreError> {
        let inner = self.inner.borrow();
        if inner.corrupt.contains(id) {
            return Err(Self::corrupt_err(id));
        }
        match inner.docs.get(id) {
            Some(e) if !e.cur.winner.deleted => Ok(e.cur.winner.clone()),
            _ => Err(StoreError::NotFound { id: id.to_string() }),
        }
    }

    async fn get_rev(&self, id: &str, rev: &str) -> Result<Doc, StoreError> {
        if self.inner.borrow().corrupt.contains(id) {
            return Err(Self::corrupt_err(id));
        }
        self.current(id)
            .and_then(|c| c.get_rev(rev))
            .ok_or_else(|| StoreError::NotFound { id: id.to_string() })
    }

    async fn put(&self, doc: Doc) -> Result<String, StoreError> {
        let mut revs = self.bulk(vec![doc]).await?;
        Ok(revs.remove(0))
    }

    async fn bulk(&self, docs: Vec<Doc>) -> Result<Vec<String>, StoreError> {
        let mut prepared = docs
            .into_iter()
            .map(engine::prepare)
            .collect::<Result<Vec<_>, _>>()?;
        let (states, revs) = engine::plan_edits(&mut prepared, |id| self.lookup(id))?;
        self.commit(states);
        Ok(revs)
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
        let inner = self.inner.borrow();
        Ok(inner
            .by_seq
            .range(since + 1..)
            .take(limit)
            .map(|(seq, id)| {
                let w = &inner.docs[id].cur.winner;
                Change {
                    seq: *seq,
                    id: id.clone(),
                    rev: w.rev.clone().unwrap_or_default(),
                    deleted: w.deleted,
                }
            })
            .collect())
    }

    async fn update_seq(&self) -> Result<u64, StoreError> {
        Ok(self.inner.borrow().seq)
    }

    async fn query(&self, q: &Query) -> Result<Page, StoreError> {
        let inner = self.inner.borrow();
        let ix = inner
            .indexes
            .get(q.index.as_str())
            .ok_or_else(|| StoreError::Invalid(format!("no index {:?}", q.index)))?;
        let mut page = Page::default();
        let Some(bounds) = q.range.composite_bounds(q.after.as_ref(), q.descending) else {
            return Ok(page);
        };
        let rows: Box<dyn Iterator<Item = &IndexKey>> = if q.descending {
            Box::new(ix.range(bounds).rev())
        } else {
            Box::new(ix.range(bounds))
        };
        let mut last = None;
        for composite in rows.take(q.limit) {
            let (key, id) = composite
                .clone()
                .split_composite()
                .expect("stored keys end with the id");
            if inner.corrupt.contains(&id) {
                page.corrupt.push(id.clone());
            } else {
                page.docs.push(inner.docs[&id].cur.winner.clone());
            }
            last = Some(Cursor { key, id });
        }
        if q.limit > 0 && page.docs.len() + page.corrupt.len() == q.limit {
            page.next = last;
        }
        Ok(page)
    }

    async fn summary_segments(
        &self,
        name: &str,
        range: &KeyRange,
    ) -> Result<Vec<Segment>, StoreError> {
        let inner = self.inner.borrow();
        let def = *inner
            .schema
            .summary(name)
            .ok_or_else(|| StoreError::Invalid(format!("no summary {name:?}")))?;
        // One segment of every summary in the range, as if written whole by a rebuild.
        let texts: Vec<String> = inner
            .docs
            .values()
            .filter_map(|e| {
                let (key, text) = def.summary_of(&e.cur.winner)?;
                range
                    .contains(&key)
                    .then(|| entry_text(&e.cur.winner.id, Some((&key, &text))))
            })
            .collect();
        Ok(vec![(0, format!("[{}]", texts.join(",")))])
    }

    async fn count(&self, index: &str, range: &KeyRange) -> Result<u64, StoreError> {
        let inner = self.inner.borrow();
        let ix = inner
            .indexes
            .get(index)
            .ok_or_else(|| StoreError::Invalid(format!("no index {index:?}")))?;
        Ok(match range.composite_bounds(None, false) {
            Some(b) => ix
                .range::<IndexKey, (Bound<IndexKey>, Bound<IndexKey>)>(b)
                .count() as u64,
            None => 0,
        })
    }

    async fn rev_tree(&self, id: &str) -> Result<RevTree, StoreError> {
        self.lookup(id)?
            .map(|c| c.revs.tree)
            .ok_or_else(|| StoreError::NotFound { id: id.to_string() })
    }

    async fn changed_states(
        &self,
        since: u64,
        limit: usize,
    ) -> Result<Vec<(Change, Current)>, StoreError> {
        let changes = self.changes(since, limit).await?;
        changes
            .into_iter()
            .map(|c| match self.lookup(&c.id)? {
                Some(cur) => Ok((c, cur)),
                None => Err(StoreError::Corrupt {
                    id: c.id,
                    reason: "in the changes feed but not stored".into(),
                }),
            })
            .collect()
    }

    async fn replace_all(&self, docs: Vec<ReplicatedRev>) -> Result<(), StoreError> {
        // Planned before anything changes: a bad document leaves the store as it was.
        let states = engine::plan_replace(&docs)?;
        self.clear().await?;
        self.commit(states);
        Ok(())
    }

    async fn put_replicated(&self, revs: Vec<ReplicatedRev>) -> Result<Vec<String>, StoreError> {
        // A damaged record is taken as absent: the peer's revisions are written over it.
        let states = engine::plan_replicated(revs, |id| Ok(self.current_unless_damaged(id)))?;
        let replaced = {
            let inner = self.inner.borrow();
            let ids = states.iter().map(|c| &c.winner.id);
            ids.filter(|id| inner.corrupt.contains(*id))
                .cloned()
                .collect()
        };
        self.commit(states);
        Ok(replaced)
    }

    async fn revs_diff(
        &self,
        wanted: Vec<(String, Vec<String>)>,
    ) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        let inner = self.inner.borrow();
        Ok(wanted
            .into_iter()
            .filter_map(|(id, revs)| {
                // A damaged record lacks every revision: the peer's copy replaces it.
                let missing = match inner.docs.get(&id) {
                    Some(e) if !inner.corrupt.contains(&id) => e.cur.revs.tree.revs_diff(&revs),
                    _ => revs,
                };
                (!missing.is_empty()).then_some((id, missing))
            })
            .collect())
    }

    async fn get_local(&self, id: &str) -> Result<Option<Json>, StoreError> {
        Ok(self.inner.borrow().local.get(id).cloned())
    }

    async fn put_local(&self, id: &str, value: Json) -> Result<(), StoreError> {
        self.inner.borrow_mut().local.insert(id.to_string(), value);
        Ok(())
    }

    async fn all_docs(&self, after: Option<&str>, limit: usize) -> Result<Page, StoreError> {
        let inner = self.inner.borrow();
        let mut page = Page::default();
        let start = match after {
            Some(a) => Bound::Excluded(a.to_string()),
            None => Bound::Unbounded,
        };
        let mut last = None;
        for (id, e) in inner.docs.range::<String, _>((start, Bound::Unbounded)) {
            if page.docs.len() + page.corrupt.len() >= limit {
                break;
            }
            if inner.corrupt.contains(id) {
                page.corrupt.push(id.clone());
            } else if e.cur.winner.deleted {
                continue;
            } else {
                page.docs.push(e.cur.winner.clone());
            }
            last = Some(id.clone());
        }
        if limit > 0 && page.docs.len() + page.corrupt.len() == limit {
            page.next = last.map(|id| Cursor {
                key: IndexKey::default(),
                id,
            });
        }
        Ok(page)
    }

    async fn clear(&self) -> Result<(), StoreError> {
        let mut inner = self.inner.borrow_mut();
        inner.docs.clear();
        inner.by_seq.clear();
        inner.corrupt.clear();
        for ix in inner.indexes.values_mut() {
            ix.clear();
        }
        inner.local.retain(|id, _| !super::is_sync_state(id));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema::{IndexDef, Migration};
    use crate::store::suite;
    use futures::executor::block_on;
    use serde_json::json;

    #[test]
    fn shared_suite_passes() {
        let n = block_on(suite::run_all(|| async {
            MemoryStore::open_with(suite::schema())
        }));
        assert!(n >= 10, "ran {n} checks");
    }

    fn v2_schema() -> Schema {
        let mut s = Schema::current();
        s.version = Schema::current().version + 1;
        s.indexes.push(IndexDef {
            name: "note_by_priority",
            id_in_key: false,
            doc_type: Some("note"),
            key: |b| {
                Some(IndexKey(vec![crate::store::schema::num_part(
                    b, "priority",
                )?]))
            },
        });
        s.migrations.push(Migration {
            to_version: Schema::current().version + 1,
            doc_type: Some("note"),
            transform: |b| {
                let n = b.get("n").and_then(Json::as_f64).unwrap_or(0.0);
                b["priority"] = json!(100.0 - n);
                b["v"] = json!(2);
            },
        });
        s
    }

    #[test]
    fn migration_on_reopen_transforms_every_record_and_builds_the_new_index() {
        block_on(async {
            let s = MemoryStore::new();
            for i in 0..30 {
                s.put(Doc::new(
                    format!("note:{i:03}"),
                    json!({"type": "note", "n": i}),
                ))
                .await
                .unwrap();
            }
            s.put(Doc::new("other:1", json!({"type": "other", "n": 5})))
                .await
                .unwrap();
            let before = s.get("note:007").await.unwrap();
            let s2 = s.reopen(v2_schema()).unwrap();
            assert_eq!(s2.version(), Schema::current().version + 1);
            for i in 0..30 {
                let d = s2.get(&format!("note:{i:03}")).await.unwrap();
                assert_eq!(d.body["n"], json!(i));
                assert_eq!(d.body["v"], json!(2));
                assert_eq!(d.body["priority"], json!(100.0 - i as f64));
            }
            assert_eq!(
                s2.get("note:007").await.unwrap().rev,
                before.rev,
                "migration keeps the revision"
            );
            assert!(s2.get("other:1").await.unwrap().body.get("v").is_none());
            let q = Query::new("note_by_priority", KeyRange::all()).limit(3);
            let p = s2.query(&q).await.unwrap();
            let ids: Vec<_> = p.docs.iter().map(|d| d.id.as_str()).collect();
            assert_eq!(ids, ["note:029", "note:028", "note:027"]);
            assert_eq!(
                s2.count("note_by_priority", &KeyRange::all())
                    .await
                    .unwrap(),
                30
            );
            assert_eq!(s2.count("by_type", &KeyRange::all()).await.unwrap(), 31);
            // Reopening with the old version is refused.
            assert!(matches!(
                s2.reopen(Schema::current()),
                Err(StoreError::Invalid(_))
            ));
        });
    }

    #[test]
    fn corrupt_records_are_reported_and_the_rest_load() {
        block_on(async {
            let s = MemoryStore::new();
            for i in 0..5 {
                s.put(Doc::new(format!("note:{i}"), json!({"type": "note"})))
                    .await
                    .unwrap();
            }
            s.inject_corrupt("note:2");
            assert!(
                matches!(s.get("note:2").await, Err(StoreError::Corrupt { id, .. }) if id == "note:2")
            );
            let p = s
                .query(&Query::new("by_type", KeyRange::all()))
                .await
                .unwrap();
            assert_eq!(p.docs.len(), 4);
            assert_eq!(p.corrupt, vec!["note:2".to_string()]);
            let all = s.all_docs(None, 10).await.unwrap();
            assert_eq!((all.docs.len(), all.corrupt.len()), (4, 1));
        });
    }
}
