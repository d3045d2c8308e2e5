//! store/engine: the write rules both backends share (prepare an edit, apply it to a document's
//! stored state, graft a replicated revision) and the stored record shapes, so IndexedDB and
//! the in-memory twin cannot disagree on what a write means.

use super::revs::{self, RevError, RevTree};
use super::{Doc, ReplicatedRev, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The revision state of one document besides its winning body: the tree, and the bodies of
/// the leaves that are not winning (conflicts, deleted branches).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RevRecord {
    pub tree: RevTree,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub leaves: BTreeMap<String, LeafBody>,
}

/// The body of a non-winning leaf.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeafBody {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    pub body: Json,
}

/// A document's full stored state: the winning revision (with its body) and the rest.
#[derive(Clone, Debug, PartialEq)]
pub struct Current {
    pub winner: Doc,
    pub revs: RevRecord,
}

impl Current {
    /// A stored revision's deletion flag and body (the winner or a kept leaf), not copied.
    pub fn rev_body(&self, rev: &str) -> Option<(bool, &Json)> {
        if self.winner.rev.as_deref() == Some(rev) {
            return Some((self.winner.deleted, &self.winner.body));
        }
        self.revs.leaves.get(rev).map(|l| (l.deleted, &l.body))
    }

    /// A stored revision's body: the winner or a kept leaf.
    pub fn get_rev(&self, rev: &str) -> Option<Doc> {
        let (deleted, body) = self.rev_body(rev)?;
        Some(Doc {
            id: self.winner.id.clone(),
            rev: Some(rev.to_string()),
            deleted,
            body: body.clone(),
        })
    }
}

/// An edit checked and hashed before any transaction opens: its revision assuming the parent
/// is `doc.rev` (the usual case).
#[derive(Clone, Debug)]
pub struct Prepared {
    pub doc: Doc,
    pub canonical: String,
    pub rev: String,
}

/// Reserved body fields that belong to the envelope, not the body.
const ENVELOPE: [&str; 5] = ["_id", "_rev", "_deleted", "_revisions", "_conflicts"];

/// Checks an id a caller may write.
pub fn check_id(id: &str) -> Result<(), StoreError> {
    if id.is_empty() || id.starts_with('_') {
        return Err(StoreError::Invalid(format!(
            "document id {id:?} is empty or reserved"
        )));
    }
    Ok(())
}

/// Strips envelope fields from a body and requires a JSON object.
pub fn clean_body(id: &str, body: Json) -> Result<Json, StoreError> {
    match body {
        Json::Object(mut m) => {
            for k in ENVELOPE {
                m.remove(k);
            }
            Ok(Json::Object(m))
        }
        Json::Null => Ok(Json::Object(Map::new())),
        _ => Err(StoreError::Invalid(format!(
            "body of {id} is not a JSON object"
        ))),
    }
}

/// Validates and hashes an edit (pure; call before opening a transaction).
pub fn prepare(doc: Doc) -> Result<Prepared, StoreError> {
    check_id(&doc.id)?;
    if let Some(r) = &doc.rev {
        if revs::parse_rev(r).is_none() {
            return Err(StoreError::Invalid(format!("malformed revision {r:?}")));
        }
    }
    let body = clean_body(&doc.id, doc.body)?;
    let doc = Doc { body, ..doc };
    let canonical = revs::canonical_json(&doc.body);
    let rev = revs::new_rev_id_canonical(doc.rev.as_deref(), doc.deleted, &canonical);
    Ok(Prepared {
        doc,
        canonical,
        rev,
    })
}

/// Applies an own edit to a document's state. `doc.rev` must be the winning revision or another
/// live leaf (which is how a conflict is resolved: edit or delete the losing leaf); None is
/// accepted for a new document or one whose winner is deleted (the edit then extends the
/// tombstone). Anything else is a `Conflict`.
/// Returns the new state and the revision written.
/// The edit's body is moved into the new state (`p` keeps its revision and canonical text).
pub fn apply_edit(
    cur: Option<&Current>,
    p: &mut Prepared,
) -> Result<(Current, String), StoreError> {
    let id = p.doc.id.clone();
    let conflict = || StoreError::Conflict { id: id.clone() };
    let (parent, mut revs, mut bodies) = match cur {
        None => {
            if p.doc.rev.is_some() {
                return Err(conflict());
            }
            (None, RevRecord::default(), BTreeMap::new())
        }
        Some(c) => {
            let winner_rev = c.winner.rev.clone().ok_or_else(conflict)?;
            let parent = match &p.doc.rev {
                None if c.winner.deleted => winner_rev.clone(),
                None => return Err(conflict()),
                Some(r) if *r == winner_rev => r.clone(),
                Some(r) if c.revs.leaves.get(r).is_some_and(|l| !l.deleted) => r.clone(),
                Some(_) => return Err(conflict()),
            };
            let mut bodies = c.revs.leaves.clone();
            bodies.insert(
                winner_rev,
                LeafBody {
                    deleted: c.winner.deleted,
                    body: c.winner.body.clone(),
                },
            );
            (Some(parent), c.revs.clone(), bodies)
        }
    };
    let rev = if parent == p.doc.rev {
        p.rev.clone()
    } else {
        revs::new_rev_id_canonical(parent.as_deref(), p.doc.deleted, &p.canonical)
    };
    revs.tree
        .add_edit(parent.as_deref(), &rev, p.doc.deleted)
        .map_err(|e| match e {
            RevError::NotALeaf => conflict(),
            RevError::BadRev => StoreError::Invalid(format!("bad revision {rev}")),
        })?;
    if let Some(parent) = &parent {
        bodies.remove(parent);
    }
    bodies.insert(
        rev.clone(),
        LeafBody {
            deleted: p.doc.deleted,
            body: std::mem::take(&mut p.doc.body),
        },
    );
    Ok((settle(&id, revs.tree, bodies)?, rev))
}

/// Grafts a replicated revision with its history onto the current state (both taken, so the
/// received body is moved into the state, not copied). `Ok(None)` when it was already known.
pub fn apply_replicated(
    cur: Option<Current>,
    r: ReplicatedRev,
) -> Result<Option<Current>, StoreError> {
    let ReplicatedRev { doc, history } = r;
    let id = doc.id;
    check_id(&id)?;
    let rev = doc
        .rev
        .ok_or_else(|| StoreError::Invalid(format!("replicated {id} has no revision")))?;
    let history = if history.is_empty() {
        vec![rev.clone()]
    } else {
        history
    };
    if history[0] != rev {
        return Err(StoreError::Invalid(format!(
            "history of {id} does not start at {rev}"
        )));
    }
    let (mut tree, mut bodies) = match cur {
        None => (RevTree::new(), BTreeMap::new()),
        Some(Current { winner, revs }) => {
            let mut bodies = revs.leaves;
            if let Some(w) = winner.rev {
                bodies.insert(
                    w,
                    LeafBody {
                        deleted: winner.deleted,
                        body: winner.body,
                    },
                );
            }
            (revs.tree, bodies)
        }
    };
    let known = tree.contains(&rev);
    let changed = tree
        .merge_path(&history, doc.deleted)
        .map_err(|_| StoreError::Invalid(format!("malformed revision history for {id}")))?;
    if !changed {
        return Ok(None);
    }
    if !known && tree.is_leaf(&rev) {
        let body = clean_body(&id, doc.body)?;
        bodies.insert(
            rev,
            LeafBody {
                deleted: doc.deleted,
                body,
            },
        );
    }
    settle(&id, tree, bodies).map(Some)
}

/// Applies a batch of edits in order over the stored states `lookup` returns, so one batch may
/// edit a document twice. Returns the states to store (one per document, in first-write order)
/// and the revision written by each edit; the first failure fails the whole batch.
pub fn plan_edits(
    prepared: &mut [Prepared],
    mut lookup: impl FnMut(&str) -> Result<Option<Current>, StoreError>,
) -> Result<(Vec<Current>, Vec<String>), StoreError> {
    let mut overlay: BTreeMap<String, Current> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut revs = Vec::with_capacity(prepared.len());
    for p in prepared {
        let id = p.doc.id.clone();
        let cur = match overlay.get(&id) {
            Some(c) => Some(c.clone()),
            None => lookup(&id)?,
        };
        let (next, rev) = apply_edit(cur.as_ref(), p)?;
        revs.push(rev);
        if overlay.insert(id.clone(), next).is_none() {
            order.push(id);
        }
    }
    let states = order
        .into_iter()
        .filter_map(|id| overlay.remove(&id))
        .collect();
    Ok((states, revs))
}

/// Grafts a batch of replicated revisions; only documents that changed are returned.
/// The plan of a wholesale replacement: every document as received (no current state is
/// consulted), a first revision made up for documents that arrive without one.
pub fn plan_replace(docs: &[ReplicatedRev]) -> Result<Vec<Current>, StoreError> {
    let with_revs: Vec<ReplicatedRev> = docs
        .iter()
        .map(|r| {
            if r.doc.rev.is_some() {
                return r.clone();
            }
            let mut r = r.clone();
            let rev = crate::store::revs::new_rev_id(None, r.doc.deleted, &r.doc.body);
            r.doc.rev = Some(rev.clone());
            r.history = vec![rev];
            r
        })
        .collect();
    plan_replicated(with_revs, |_| Ok(None))
}

pub fn plan_replicated(
    revs: Vec<ReplicatedRev>,
    mut lookup: impl FnMut(&str) -> Result<Option<Current>, StoreError>,
) -> Result<Vec<Current>, StoreError> {
    let mut overlay: BTreeMap<String, Current> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for r in revs {
        let id = r.doc.id.clone();
        let cur = match overlay.get(&id) {
            Some(c) => Some(c.clone()),
            None => lookup(&id)?,
        };
        if let Some(next) = apply_replicated(cur, r)? {
            if overlay.insert(id.clone(), next).is_none() {
                order.push(id);
            }
        }
    }
    Ok(order
        .into_iter()
        .filter_map(|id| overlay.remove(&id))
        .collect())
}

/// Keeps the bodies of leaves only and splits out the winner.
fn settle(
    id: &str,
    tree: RevTree,
    mut bodies: BTreeMap<String, LeafBody>,
) -> Result<Current, StoreError> {
    let leaves = tree.leaves();
    bodies.retain(|r, _| leaves.contains(&r.as_str()));
    let winner_rev = tree
        .winner()
        .map(str::to_string)
        .ok_or_else(|| StoreError::Invalid(format!("{id} has no revision")))?;
    let w = bodies
        .remove(&winner_rev)
        .ok_or_else(|| StoreError::Corrupt {
            id: id.to_string(),
            reason: format!("winning revision {winner_rev} has no body"),
        })?;
    let winner = Doc {
        id: id.to_string(),
        rev: Some(winner_rev),
        deleted: w.deleted,
        body: w.body,
    };
    Ok(Current {
        winner,
        revs: RevRecord {
            tree,
            leaves: bodies,
        },
    })
}

/// The stored record of a winning document (IndexedDB layout), as JSON text: envelope, the body
/// as JSON text under `b` (a string is cloned and stored far faster than an object tree), the
/// revision record as JSON text under `t`, the sequence of its latest write and, for each index
/// it is in, `ix_<name>` = its key (the index orders one key's rows by `_id` itself). Without `revs` (a migration that has not read the tree)
/// there is no `t` and the tree stays where it was. `body_text`: the body's JSON text when
/// already at hand (the canonical text an edit was hashed with).
pub fn doc_record(
    doc: &Doc,
    seq: u64,
    keys: &[(&'static str, super::IndexKey)],
    revs: Option<&RevRecord>,
    body_text: Option<&str>,
) -> String {
    let body = match body_text {
        Some(t) => t.to_string(),
        None => doc.body.to_string(),
    };
    let mut s = String::with_capacity(body.len() + body.len() / 8 + 512);
    push_record_head(&mut s, doc, seq, keys);
    s.push_str(",\"b\":");
    push_json_str(&mut s, &body);
    if let Some(tree) = revs.and_then(|r| serde_json::to_string(r).ok()) {
        s.push_str(",\"t\":");
        push_json_str(&mut s, &tree);
    }
    s.push('}');
    s
}

/// A record's fields other than the body and the tree, as an unclosed JSON object.
fn push_record_head(s: &mut String, doc: &Doc, seq: u64, keys: &[(&'static str, super::IndexKey)]) {
    s.push_str("{\"_id\":");
    push_json_str(s, &doc.id);
    s.push_str(",\"_rev\":");
    push_json_str(s, doc.rev.as_deref().unwrap_or_default());
    if doc.deleted {
        s.push_str(",\"_deleted\":true");
    }
    s.push_str(",\"seq\":");
    s.push_str(&seq.to_string());
    for (name, key) in keys {
        s.push_str(",\"ix_");
        s.push_str(name);
        s.push_str("\":");
        s.push_str(&key.to_json().to_string());
    }
}

fn push_json_str(s: &mut String, v: &str) {
    s.push_str(&serde_json::to_string(v).unwrap_or_default());
}

/// A batch of docs records for `putRecords` in store/idb.js, in three pieces so that no body
/// is escaped into JSON and parsed back out: `heads`, the JSON array of the records without
/// `b` and `t`; `texts`, every record's body text then its tree text; `cuts`, where they are
/// in `texts` in UTF-16 units (JS string offsets): record i's body is `cuts[2i]..cuts[2i+1]`
/// and its tree `cuts[2i+1]..cuts[2i+2]` (empty: no `t`). Records as `doc_record` writes them.
#[derive(Debug, Default)]
pub struct RecordBatch {
    pub heads: String,
    pub texts: String,
    pub cuts: Vec<u32>,
}

impl RecordBatch {
    pub fn with_capacity(records: usize) -> Self {
        let mut cuts = Vec::with_capacity(2 * records + 1);
        cuts.push(0);
        RecordBatch {
            heads: String::with_capacity(records * 640 + 2),
            texts: String::with_capacity(records * 2048),
            cuts,
        }
    }

    /// Adds a record; arguments as for `doc_record`.
    pub fn push(
        &mut self,
        doc: &Doc,
        seq: u64,
        keys: &[(&'static str, super::IndexKey)],
        revs: Option<&RevRecord>,
        body_text: Option<&str>,
    ) {
        if self.cuts.is_empty() {
            self.cuts.push(0);
        }
        self.heads
            .push(if self.heads.is_empty() { '[' } else { ',' });
        push_record_head(&mut self.heads, doc, seq, keys);
        self.heads.push('}');
        match body_text {
            Some(t) => self.push_text(t),
            None => self.push_text(&doc.body.to_string()),
        }
        let tree = revs.and_then(|r| serde_json::to_string(r).ok());
        self.push_text(tree.as_deref().unwrap_or_default());
    }

    fn push_text(&mut self, t: &str) {
        self.texts.push_str(t);
        let end = self.cuts.last().copied().unwrap_or(0) + utf16_len(t);
        self.cuts.push(end);
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        self.cuts.len().saturating_sub(1) / 2
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The JSON array text of the heads (`[]` for an empty batch).
    pub fn heads_text(&self) -> &str {
        if self.heads.is_empty() {
            "[]"
        } else {
            &self.heads
        }
    }

    /// Closes the heads' array; call once, after the last `push`.
    pub fn finish(mut self) -> Self {
        if !self.heads.is_empty() {
            self.heads.push(']');
        }
        if self.cuts.is_empty() {
            self.cuts.push(0);
        }
        self
    }
}

/// The length of `s` in UTF-16 code units: one per UTF-8 lead byte, two for a four-byte one.
pub fn utf16_len(s: &str) -> u32 {
    s.bytes()
        .map(|b| u32::from(b & 0xC0 != 0x80) + u32::from(b >= 0xF0))
        .sum()
}

/// A docs record as `store/idb.js` hands it over: `[id, rev, deleted, seq, body, tree]`
/// (`tree` null when not asked for, or for a record of before schema 8).
#[derive(Debug, Deserialize)]
pub struct RecordRow(
    pub String,
    pub String,
    pub bool,
    pub i64,
    pub Json,
    pub Option<RevRecord>,
);

impl RecordRow {
    /// (document, seq, revision record if stored with it). Err says what is wrong with it.
    pub fn into_parts(self) -> Result<(Doc, u64, Option<RevRecord>), String> {
        let RecordRow(id, rev, deleted, seq, body, tree) = self;
        if revs::parse_rev(&rev).is_none() {
            return Err(format!("malformed _rev {rev:?}"));
        }
        let seq = u64::try_from(seq).map_err(|_| "no seq".to_string())?;
        if !body.is_object() {
            return Err("body is not an object".into());
        }
        Ok((
            Doc {
                id,
                rev: Some(rev),
                deleted,
                body,
            },
            seq,
            tree,
        ))
    }
}

/// Reads a stored record back from its JSON: (document, seq). The body may be JSON text (schema
/// 8 on) or an object (records written before). Err says what is wrong with it.
pub fn parse_doc_record(v: &Json) -> Result<(Doc, u64), String> {
    let m = v.as_object().ok_or("record is not an object")?;
    let id = m.get("_id").and_then(Json::as_str).ok_or("no _id")?;
    let rev = m.get("_rev").and_then(Json::as_str).ok_or("no _rev")?;
    let seq = m.get("seq").and_then(Json::as_u64).ok_or("no seq")?;
    let body = match m.get("b") {
        Some(Json::String(text)) => serde_json::from_str(text).map_err(|e| e.to_string())?,
        Some(b) => b.clone(),
        None => Json::Null,
    };
    let deleted = match m.get("_deleted") {
        None => false,
        Some(Json::Bool(b)) => *b,
        Some(_) => return Err("bad _deleted".into()),
    };
    RecordRow(
        id.to_string(),
        rev.to_string(),
        deleted,
        seq as i64,
        body,
        None,
    )
    .into_parts()
    .map(|(doc, seq, _)| (doc, seq))
}

/// What one connection knows of its database without reading it: ids that a read found absent
/// at a sequence number, and the connection's own writes since then (each from one sequence
/// number to the next, with the ids it wrote). A write of ids that were all absent at `s` need
/// not read them when the store's sequence has moved from `s` only by this connection's own
/// writes, none of them of those ids: a pull's page, which `revs_diff` reads and
/// `put_replicated` then writes. Any other write, another tab's among them, leaves a gap in
/// the chain, and the write reads as usual.
///
/// It also knows which ids the store holds once a read found it holding only a few (a new
/// device has written its staff profile and settings before its first sync): those, and the
/// ids of this connection's own writes since, while nothing else came between (`held`). A
/// first pull asks `revs_diff` of each page: the ids held are read, the rest are known absent
/// without reading them.
#[derive(Debug, Default)]
pub struct Recent {
    absent: Vec<(u64, BTreeSet<String>)>,
    writes: Vec<(u64, u64, BTreeSet<String>)>,
    /// At sequence number `.0` the store held only documents whose ids hash to one of `.1`
    /// (64-bit hashes: two ids sharing one only cost a read).
    held: Option<(u64, HashSet<u64>)>,
}

impl Recent {
    /// How many reads and writes are kept (a pull has three pages at work).
    const KEEP: usize = 8;
    /// A larger write is not kept: it breaks the chain (its ids are not worth holding).
    const MAX_IDS: usize = 2_000;
    /// How many ids are held (~20 bytes each in the set, and wasm memory does not shrink):
    /// past it the contents are forgotten and `revs_diff` reads as usual.
    const MAX_HELD: usize = 100_000;

    /// A read at sequence `seq` found none of `ids` stored.
    pub fn read_absent(&mut self, seq: u64, ids: BTreeSet<String>) {
        if ids.is_empty() || ids.len() > Self::MAX_IDS {
            return;
        }
        if self.absent.len() == Self::KEEP {
            self.absent.remove(0);
        }
        self.absent.push((seq, ids));
    }

    /// This connection's write took the sequence from `from` to `to`, writing `ids`. Kept only
    /// while some absence is known (a later read's sequence is past it); added to what the
    /// store is known to hold when the write follows on from it.
    pub fn wrote<'a>(
        &mut self,
        from: u64,
        to: u64,
        ids: impl ExactSizeIterator<Item = &'a str> + Clone,
    ) {
        self.held = match self.held.take() {
            Some((at, mut set))
                if at == from && to > from && set.len() + ids.len() <= Self::MAX_HELD =>
            {
                set.extend(ids.clone().map(id_hash));
                Some((to, set))
            }
            _ => None,
        };
        if self.absent.is_empty() || ids.len() > Self::MAX_IDS || to <= from {
            return;
        }
        if self.writes.len() == Self::KEEP {
            self.writes.remove(0);
        }
        self.writes
            .push((from, to, ids.map(str::to_string).collect()));
    }

    /// A read at sequence `seq` found the store holding exactly the documents `ids`.
    pub fn found_only<'a>(&mut self, seq: u64, ids: impl Iterator<Item = &'a str>) {
        self.held = Some((seq, ids.map(id_hash).collect()));
    }

    /// Whether the store's contents were known at some sequence number (then `revs_diff` waits
    /// for the sequence number and asks [`Recent::absent_of`] before reading).
    pub fn knows_contents(&self) -> bool {
        self.held.is_some()
    }

    /// Of `ids`, those known absent when the store's sequence is `now`: all but those a read
    /// found stored and those this connection wrote since. None when something else wrote
    /// since (the contents are then forgotten).
    pub fn absent_of<'a>(
        &mut self,
        ids: &BTreeSet<&'a str>,
        now: u64,
    ) -> Option<BTreeSet<&'a str>> {
        match &self.held {
            Some((at, set)) if *at == now => Some(
                ids.iter()
                    .copied()
                    .filter(|id| !set.contains(&id_hash(id)))
                    .collect(),
            ),
            _ => {
                self.held = None;
                None
            }
        }
    }

    /// Whether some read found every one of `ids` absent (then a write waits for the sequence
    /// number and asks [`Recent::absent_at`] before reading).
    pub fn may_know(&self, ids: &BTreeSet<&str>) -> bool {
        self.absent.iter().any(|(_, set)| covers(set, ids))
    }

    /// Whether every one of `ids` is known absent when the store's sequence is `now`.
    pub fn absent_at(&self, ids: &BTreeSet<&str>, now: u64) -> bool {
        self.absent
            .iter()
            .any(|(seq, set)| covers(set, ids) && self.only_own_writes(*seq, now, ids))
    }

    /// Whether the sequence went from `at` to `now` by this connection's writes alone, none of
    /// them of `ids`.
    fn only_own_writes(&self, mut at: u64, now: u64, ids: &BTreeSet<&str>) -> bool {
        while at < now {
            match self.writes.iter().find(|(from, _, _)| *from == at) {
                Some((_, to, wrote)) if !ids.iter().any(|id| wrote.contains(*id)) => at = *to,
                _ => return false,
            }
        }
        at == now
    }
}

/// An id's 64-bit hash for [`Recent`]'s `held` (the standard hasher with fixed keys).
fn id_hash(id: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(id)
}

fn covers(set: &BTreeSet<String>, ids: &BTreeSet<&str>) -> bool {
    !ids.is_empty() && ids.iter().all(|id| set.contains(*id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids<'a>(v: &[&'a str]) -> BTreeSet<&'a str> {
        v.iter().copied().collect()
    }

    fn owned(v: &[&str]) -> BTreeSet<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn absence_holds_across_own_writes_of_other_ids_only() {
        let mut r = Recent::default();
        // Nothing known: nothing skipped, and writes are not kept.
        r.wrote(0, 3, ["a", "b", "c"].into_iter());
        assert!(!r.may_know(&ids(&["x"])));
        r.read_absent(3, owned(&["x", "y", "z"]));
        assert!(r.may_know(&ids(&["x", "z"])));
        assert!(!r.may_know(&ids(&["x", "q"])), "q was never read");
        assert!(!r.may_know(&ids(&[])));
        assert!(r.absent_at(&ids(&["x", "y"]), 3));
        // Own writes of other ids keep it; one of x breaks it for x only.
        r.wrote(3, 5, ["d", "e"].into_iter());
        r.wrote(5, 6, ["f"].into_iter());
        assert!(r.absent_at(&ids(&["x", "y"]), 6));
        r.wrote(6, 7, ["x"].into_iter());
        assert!(!r.absent_at(&ids(&["x", "y"]), 7));
        assert!(r.absent_at(&ids(&["y", "z"]), 7));
        // A gap (another connection wrote 7..9) ends it for everything.
        r.wrote(9, 10, ["g"].into_iter());
        assert!(!r.absent_at(&ids(&["y"]), 10));
        assert!(!r.absent_at(&ids(&["y"]), 8), "past the last own write");
        // A counter that went back (the database was replaced) is no chain either.
        assert!(!r.absent_at(&ids(&["y"]), 2));
        // A later read is a new starting point.
        r.read_absent(10, owned(&["y", "w"]));
        assert!(r.absent_at(&ids(&["y", "w"]), 10));
    }

    #[test]
    fn contents_known_from_a_read_through_own_writes_only() {
        let mut r = Recent::default();
        assert!(!r.knows_contents());
        // Writes before the store was found empty tell nothing.
        r.wrote(0, 2, ["a", "b"].into_iter());
        assert!(!r.knows_contents());
        r.found_only(2, ["a", "b"].into_iter());
        assert_eq!(
            r.absent_of(&ids(&["x", "y", "b"]), 2),
            Some(ids(&["x", "y"]))
        );
        // Own writes: their ids may be there now, every other id is absent; the chain of
        // writes is kept however long.
        let page: Vec<String> = (0..500).map(|i| format!("p{i}")).collect();
        r.wrote(2, 502, page.iter().map(String::as_str));
        for k in 0..20u64 {
            r.wrote(502 + k, 503 + k, ["x"].into_iter());
        }
        assert_eq!(r.absent_of(&ids(&["x", "y", "p7"]), 522), Some(ids(&["y"])));
        // The counter elsewhere than the last own write: someone else wrote; forgotten for good.
        assert_eq!(r.absent_of(&ids(&["y"]), 523), None);
        assert!(!r.knows_contents());
        assert_eq!(r.absent_of(&ids(&["y"]), 522), None);
        // A gap between own writes forgets it too.
        r.found_only(600, std::iter::empty());
        r.wrote(601, 602, ["z"].into_iter());
        assert!(!r.knows_contents());
        // So does a counter that went back (the database replaced).
        r.found_only(700, std::iter::empty());
        assert_eq!(r.absent_of(&ids(&["y"]), 3), None);
    }

    #[test]
    fn absence_keeps_only_the_latest_reads() {
        let mut r = Recent::default();
        for i in 0..10u64 {
            r.read_absent(i, owned(&[&format!("id{i}")]));
        }
        assert!(!r.may_know(&ids(&["id1"])));
        assert!(r.absent_at(&ids(&["id9"]), 9));
        // A write too large to keep breaks the chain.
        let many: Vec<String> = (0..3000).map(|i| format!("n{i}")).collect();
        r.wrote(9, 3009, many.iter().map(String::as_str));
        assert!(!r.absent_at(&ids(&["id9"]), 3009));
        // Only the latest writes are kept: once the first link is gone, so is the chain.
        r.read_absent(4000, owned(&["a"]));
        for k in 0..8u64 {
            r.wrote(4000 + k, 4001 + k, ["b"].into_iter());
        }
        assert!(r.absent_at(&ids(&["a"]), 4008));
        r.wrote(4008, 4009, ["c"].into_iter());
        assert!(
            !r.absent_at(&ids(&["a"]), 4009),
            "the link from 4000 was let go"
        );
    }

    #[test]
    fn deleting_the_winner_promotes_the_conflict() {
        let (a, r1) = apply_edit(
            None,
            &mut prepare(Doc::new("x:1", json!({"n": 1}))).unwrap(),
        )
        .unwrap();
        assert_eq!(a.winner.rev.as_deref(), Some(r1.as_str()));
        let other = ReplicatedRev {
            doc: Doc {
                id: "x:1".into(),
                rev: Some("2-0000".into()),
                deleted: false,
                body: json!({"n": 3}),
            },
            history: vec!["2-0000".into(), r1.clone()],
        };
        let (mine, _) = apply_edit(
            Some(&a),
            &mut prepare(Doc {
                rev: Some(r1.clone()),
                ..Doc::new("x:1", json!({"n": 2}))
            })
            .unwrap(),
        )
        .unwrap();
        let both = apply_replicated(Some(mine), other.clone())
            .unwrap()
            .unwrap();
        assert_eq!(both.revs.tree.leaves().len(), 2);
        let win = both.winner.rev.clone().unwrap();
        assert_ne!(win, "2-0000", "a hex hash above 0000 wins");
        let del = Doc {
            rev: Some(win.clone()),
            deleted: true,
            ..Doc::new("x:1", json!({}))
        };
        let (after, tomb) = apply_edit(Some(&both), &mut prepare(del).unwrap()).unwrap();
        assert!(tomb.starts_with("3-"));
        assert_eq!(after.winner.rev.as_deref(), Some("2-0000"));
        assert_eq!(after.winner.body, json!({"n": 3}));
        assert!(after.revs.leaves.values().any(|l| l.deleted));
        // The same replicated revision again changes nothing.
        assert!(apply_replicated(Some(after), other).unwrap().is_none());
    }

    #[test]
    fn utf16_lengths_match_encode_utf16() {
        for s in [
            "",
            "abc",
            "投诉处理",
            "a😀b",
            "é\u{10FFFF}\u{7f}\u{80}\u{7ff}\u{800}\u{ffff}",
        ] {
            assert_eq!(utf16_len(s) as usize, s.encode_utf16().count(), "{s:?}");
        }
    }

    #[test]
    fn record_batches_cut_bodies_and_trees_where_js_reads_them() {
        let docs = [
            Doc::new(
                "complaint:1",
                json!({"narrative": "客户😀\"引号\"", "n": 1}),
            ),
            Doc {
                rev: Some("2-ab".into()),
                deleted: true,
                ..Doc::new("a:é", json!({}))
            },
            Doc::new("b:3", json!({"x": [1, 2]})),
        ];
        let key = crate::store::IndexKey(vec![
            crate::store::KeyPart::Str("投诉".into()),
            crate::store::KeyPart::Num(4.0),
        ]);
        let tree = RevRecord::default();
        let keyed = [("k", key.clone())];
        let mut batch = RecordBatch::with_capacity(3);
        assert!(batch.is_empty());
        batch.push(&docs[0], 5, &keyed, Some(&tree), None);
        batch.push(&docs[1], 6, &[], None, Some("{}"));
        // A body text at hand is stored as given (here spaced, unlike `to_string`).
        batch.push(&docs[2], 7, &[], Some(&tree), Some("{ \"x\": [1, 2] }"));
        let batch = batch.finish();
        assert_eq!(batch.len(), 3);
        // What putRecords does, in UTF-16 units as a JS string is indexed.
        let units: Vec<u16> = batch.texts.encode_utf16().collect();
        let cut = |a: u32, b: u32| String::from_utf16(&units[a as usize..b as usize]).unwrap();
        let heads: Vec<Json> = serde_json::from_str(batch.heads_text()).unwrap();
        for (i, (mut head, doc)) in heads.into_iter().zip(&docs).enumerate() {
            let (b0, b1, t1) = (
                batch.cuts[2 * i],
                batch.cuts[2 * i + 1],
                batch.cuts[2 * i + 2],
            );
            head["b"] = Json::String(cut(b0, b1));
            if t1 > b1 {
                head["t"] = Json::String(cut(b1, t1));
            }
            let whole: Json = serde_json::from_str(&doc_record(
                doc,
                5 + i as u64,
                if i == 0 { &keyed } else { &[] },
                (i != 1).then_some(&tree),
                (i == 2).then_some("{ \"x\": [1, 2] }"),
            ))
            .unwrap();
            assert_eq!(head, whole, "record {i}");
        }
        let heads: Vec<Json> = serde_json::from_str(batch.heads_text()).unwrap();
        assert_eq!(heads[0]["ix_k"], json!(["投诉", 4.0]));
        assert_eq!(heads[1]["_deleted"], json!(true));
        assert_eq!(cut(batch.cuts[4], batch.cuts[5]), "{ \"x\": [1, 2] }");
        let empty = RecordBatch::default().finish();
        assert_eq!(
            (empty.heads_text(), empty.cuts.as_slice()),
            ("[]", &[0][..])
        );
    }

    #[test]
    fn records_round_trip() {
        let d = Doc {
            id: "a:1".into(),
            rev: Some("1-ab".into()),
            deleted: false,
            body: json!({"type": "a"}),
        };
        let rec: Json =
            serde_json::from_str(&doc_record(&d, 7, &[], Some(&RevRecord::default()), None))
                .unwrap();
        assert!(rec["b"].is_string() && rec["t"].is_string());
        assert_eq!(parse_doc_record(&rec).unwrap(), (d.clone(), 7));
        // A record written before schema 8: the body an object, no tree.
        let old = json!({"_id": "a:1", "_rev": "1-ab", "seq": 7, "b": {"type": "a"}});
        assert_eq!(parse_doc_record(&old).unwrap(), (d, 7));
        assert!(parse_doc_record(&json!({"_id": "a:1"})).is_err());
    }
}
