//! store/revs: CouchDB revision ids and revision trees as pure functions: deterministic rev ids,
//! grafting replicated histories, the deterministic winner, conflicts and `revs_diff`.

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};

/// Splits `"<generation>-<hash>"`; `None` if malformed.
pub fn parse_rev(rev: &str) -> Option<(u64, &str)> {
    let (g, h) = rev.split_once('-')?;
    let g: u64 = g.parse().ok()?;
    if g == 0 || h.is_empty() {
        return None;
    }
    Some((g, h))
}

/// The generation of a revision id (0 when malformed).
pub fn generation(rev: &str) -> u64 {
    parse_rev(rev).map(|(g, _)| g).unwrap_or(0)
}

/// Canonical JSON: object keys sorted, no whitespace, so equal bodies hash equally whatever
/// order their fields were built in.
pub fn canonical_json(v: &Json) -> String {
    // Maps iterate in key order (serde_json's BTreeMap), and then the serializer's compact
    // output is exactly the canonical form, written in one pass; the slow path is for a map
    // in insertion order (should a dependency turn on `preserve_order`).
    if maps_keep_key_order() || keys_sorted(v) {
        return v.to_string();
    }
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

/// Whether serde_json's maps always iterate in key order (its `BTreeMap`, not `preserve_order`'s
/// insertion order), asked once: then every body is already canonical and need not be walked.
fn maps_keep_key_order() -> bool {
    static SORTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SORTED.get_or_init(|| {
        let m: serde_json::Map<String, Json> = [("b", 1), ("a", 2)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Json::from(v)))
            .collect();
        m.keys().map(String::as_str).eq(["a", "b"])
    })
}

fn keys_sorted(v: &Json) -> bool {
    match v {
        Json::Object(map) => {
            map.keys().zip(map.keys().skip(1)).all(|(a, b)| a < b) && map.values().all(keys_sorted)
        }
        Json::Array(items) => items.iter().all(keys_sorted),
        _ => true,
    }
}

fn write_canonical(v: &Json, out: &mut String) {
    match v {
        Json::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            crate::domain::sort::sort(&mut keys);
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Json::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The revision id of a new edit: generation one above the parent's, and the md5 of
/// (parent, deleted flag, canonical body). The same edit on two devices gets the same id.
pub fn new_rev_id(parent: Option<&str>, deleted: bool, body: &Json) -> String {
    new_rev_id_canonical(parent, deleted, &canonical_json(body))
}

/// As [`new_rev_id`], with the canonical body JSON already computed.
pub fn new_rev_id_canonical(parent: Option<&str>, deleted: bool, canonical_body: &str) -> String {
    let gen = parent.map(generation).unwrap_or(0) + 1;
    let mut h = Md5::new();
    h.update(parent.unwrap_or("").as_bytes());
    h.update([0u8, deleted as u8, 0u8]);
    h.update(canonical_body.as_bytes());
    let digest = h.finalize();
    let mut hex = String::with_capacity(32);
    for b in digest {
        hex.push_str(&format!("{b:02x}"));
    }
    format!("{gen}-{hex}")
}

/// One known revision: its parent (None at the root, or where a stemmed history starts) and
/// whether it is a deletion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RevNode {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
}

/// Every known revision of one document, as a forest of parent links. Leaves are the revisions
/// no other revision extends; the store keeps the bodies of all leaves (the winner's in the
/// document record, the others beside the tree) and drops the bodies of inner revisions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RevTree {
    pub nodes: BTreeMap<String, RevNode>,
}

/// Why an edit cannot extend the tree.
#[derive(Clone, Debug, PartialEq)]
pub enum RevError {
    /// The parent is not a leaf (or unknown): the edit is stale.
    NotALeaf,
    /// The revision id is malformed or its generation does not follow the parent's.
    BadRev,
}

impl RevTree {
    pub fn new() -> Self {
        RevTree::default()
    }
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
    pub fn contains(&self, rev: &str) -> bool {
        self.nodes.contains_key(rev)
    }
    pub fn is_deleted(&self, rev: &str) -> bool {
        self.nodes.get(rev).is_some_and(|n| n.deleted)
    }

    /// The leaves, in no particular order guaranteed beyond id order.
    pub fn leaves(&self) -> Vec<&str> {
        let inner: BTreeSet<&str> =
            crate::domain::sort::set_of(self.nodes.values().filter_map(|n| n.parent.as_deref()));
        self.nodes
            .keys()
            .map(String::as_str)
            .filter(|r| !inner.contains(r))
            .collect()
    }

    pub fn is_leaf(&self, rev: &str) -> bool {
        self.contains(rev)
            && !self
                .nodes
                .values()
                .any(|n| n.parent.as_deref() == Some(rev))
    }

    /// CouchDB's deterministic winner: non-deleted leaves first, then the highest generation,
    /// then the greatest revision id (compared as strings).
    pub fn winner(&self) -> Option<&str> {
        self.leaves()
            .into_iter()
            .max_by(|a, b| winner_key(self, a).cmp(&winner_key(self, b)))
    }

    /// The non-deleted leaves other than the winner (CouchDB's `_conflicts`), best first.
    pub fn conflicts(&self) -> Vec<&str> {
        let winner = self.winner();
        let mut out: Vec<&str> = self
            .leaves()
            .into_iter()
            .filter(|r| Some(*r) != winner && !self.is_deleted(r))
            .collect();
        crate::domain::sort::sort_by(&mut out, |a, b| {
            winner_key(self, b).cmp(&winner_key(self, a))
        });
        out
    }

    /// The ancestry of a revision, newest first, starting with itself (CouchDB's `_revisions`
    /// ids, with their generations).
    pub fn history(&self, rev: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = Some(rev.to_string());
        while let Some(r) = cur {
            if !self.contains(&r) || out.len() > self.nodes.len() {
                break;
            }
            cur = self.nodes[&r].parent.clone();
            out.push(r);
        }
        out
    }

    /// Adds the document's own edit `rev` on top of `parent` (None for the first revision).
    /// The parent must be a leaf; the generation must be the parent's plus one.
    pub fn add_edit(
        &mut self,
        parent: Option<&str>,
        rev: &str,
        deleted: bool,
    ) -> Result<(), RevError> {
        let gen = parse_rev(rev).ok_or(RevError::BadRev)?.0;
        let expected = parent.map(generation).unwrap_or(0) + 1;
        if gen != expected {
            return Err(RevError::BadRev);
        }
        match parent {
            Some(p) if !self.is_leaf(p) => return Err(RevError::NotALeaf),
            None if !self.is_empty() => return Err(RevError::NotALeaf),
            _ => {}
        }
        if self.contains(rev) {
            return Err(RevError::NotALeaf);
        }
        self.nodes.insert(
            rev.to_string(),
            RevNode {
                parent: parent.map(str::to_string),
                deleted,
            },
        );
        Ok(())
    }

    /// Grafts a replicated path: `history` newest first (the leaf first), as CouchDB's
    /// `_revisions` lists it; `deleted` applies to the newest. Revisions already known are
    /// kept; where the path diverges from the tree a new branch (a conflicting leaf) grows.
    /// Returns whether anything was added.
    pub fn merge_path(&mut self, history: &[String], deleted: bool) -> Result<bool, RevError> {
        if history.is_empty() {
            return Err(RevError::BadRev);
        }
        for w in history.windows(2) {
            let (child, parent) = (parse_rev(&w[0]), parse_rev(&w[1]));
            match (child, parent) {
                (Some((gc, _)), Some((gp, _))) if gc == gp + 1 => {}
                _ => return Err(RevError::BadRev),
            }
        }
        if parse_rev(&history[0]).is_none() {
            return Err(RevError::BadRev);
        }
        let mut changed = false;
        for (i, rev) in history.iter().enumerate().rev() {
            let parent = history.get(i + 1).cloned();
            match self.nodes.get_mut(rev) {
                Some(node) => {
                    // A stemmed root learns its parent when a longer history arrives.
                    if node.parent.is_none() && parent.is_some() {
                        node.parent = parent;
                        changed = true;
                    }
                }
                None => {
                    let deleted = i == 0 && deleted;
                    self.nodes.insert(rev.clone(), RevNode { parent, deleted });
                    changed = true;
                }
            }
        }
        Ok(changed)
    }

    /// Of the given revisions, those not in this tree.
    pub fn revs_diff(&self, revs: &[String]) -> Vec<String> {
        revs.iter().filter(|r| !self.contains(r)).cloned().collect()
    }
}

fn winner_key<'a>(tree: &RevTree, rev: &'a str) -> (bool, u64, &'a str) {
    (!tree.is_deleted(rev), generation(rev), rev)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_fast_path_equals_the_key_sorting_writer() {
        let v: Json = serde_json::from_str(
            r#"{"z": 1, "a": {"y": [1, 2.5, -3e-7, {"b": null, "a": true}], "x": "引号\"与\\换行\n"},
                "中文": "客服", "A": [], "e": {}, "n": 12345678901234567890}"#,
        )
        .unwrap();
        let mut slow = String::new();
        write_canonical(&v, &mut slow);
        assert!(keys_sorted(&v));
        // The probe agrees with what the maps do to a body built out of order.
        assert_eq!(maps_keep_key_order(), keys_sorted(&v));
        assert_eq!(canonical_json(&v), slow);
    }
    use serde_json::json;

    fn rev(g: u64, h: &str) -> String {
        format!("{g}-{h}")
    }

    #[test]
    fn rev_ids_are_deterministic_and_key_order_free() {
        let a = new_rev_id(None, false, &json!({"a": 1, "b": [1, {"y": 2, "x": 1}]}));
        let b = new_rev_id(None, false, &json!({"b": [1, {"x": 1, "y": 2}], "a": 1}));
        assert_eq!(a, b);
        let (g, h) = parse_rev(&a).unwrap();
        assert_eq!(g, 1);
        assert_eq!(h.len(), 32);
        assert!(h
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        let c = new_rev_id(Some(&a), false, &json!({"a": 1}));
        assert!(c.starts_with("2-"));
        assert_ne!(new_rev_id(Some(&a), true, &json!({"a": 1})), c);
        assert_ne!(new_rev_id(None, false, &json!({"a": 2})), a);
    }

    #[test]
    fn edits_extend_leaves_only() {
        let mut t = RevTree::new();
        t.add_edit(None, "1-a", false).unwrap();
        t.add_edit(Some("1-a"), "2-b", false).unwrap();
        assert_eq!(
            t.add_edit(Some("1-a"), "2-c", false),
            Err(RevError::NotALeaf)
        );
        assert_eq!(t.add_edit(Some("2-b"), "4-c", false), Err(RevError::BadRev));
        assert_eq!(t.add_edit(None, "1-z", false), Err(RevError::NotALeaf));
        assert_eq!(t.winner(), Some("2-b"));
        assert_eq!(t.history("2-b"), vec!["2-b".to_string(), "1-a".to_string()]);
    }

    #[test]
    fn winner_prefers_live_then_generation_then_id() {
        let mut t = RevTree::new();
        t.merge_path(&[rev(2, "aaa"), rev(1, "r")], false).unwrap();
        t.merge_path(&[rev(2, "bbb"), rev(1, "r")], false).unwrap();
        assert_eq!(t.winner(), Some("2-bbb"));
        assert_eq!(t.conflicts(), vec!["2-aaa"]);
        // A longer branch wins over a greater id.
        t.merge_path(&[rev(3, "000"), rev(2, "aaa"), rev(1, "r")], false)
            .unwrap();
        assert_eq!(t.winner(), Some("3-000"));
        assert_eq!(t.conflicts(), vec!["2-bbb"]);
        // A deleted leaf loses to any live one, whatever its generation.
        t.merge_path(&[rev(4, "fff"), rev(3, "000")], true).unwrap();
        assert_eq!(t.winner(), Some("2-bbb"));
        assert!(t.conflicts().is_empty());
        // All deleted: the highest deleted leaf wins.
        t.merge_path(&[rev(3, "del"), rev(2, "bbb")], true).unwrap();
        assert_eq!(t.winner(), Some("4-fff"));
        let mut leaves = t.leaves();
        leaves.sort();
        assert_eq!(leaves, vec!["3-del", "4-fff"]);
    }

    #[test]
    fn grafting_stemmed_and_overlapping_histories() {
        let mut t = RevTree::new();
        t.add_edit(None, "1-a", false).unwrap();
        t.add_edit(Some("1-a"), "2-b", false).unwrap();
        // The same path again changes nothing.
        assert_eq!(
            t.merge_path(&["2-b".into(), "1-a".into()], false),
            Ok(false)
        );
        // A path that extends our leaf is a fast-forward, not a conflict.
        assert_eq!(
            t.merge_path(&["4-d".into(), "3-c".into(), "2-b".into()], false),
            Ok(true)
        );
        assert_eq!(t.leaves(), vec!["4-d"]);
        assert_eq!(t.history("4-d").len(), 4);
        // A path diverging at 1-a makes a conflicting branch.
        assert_eq!(
            t.merge_path(&["3-x".into(), "2-x".into(), "1-a".into()], false),
            Ok(true)
        );
        let mut leaves = t.leaves();
        leaves.sort();
        assert_eq!(leaves, vec!["3-x", "4-d"]);
        assert_eq!(t.winner(), Some("4-d"));
        assert_eq!(t.conflicts(), vec!["3-x"]);
        // Malformed paths are refused.
        assert_eq!(
            t.merge_path(&["3-q".into(), "1-a".into()], false),
            Err(RevError::BadRev)
        );
        assert_eq!(t.merge_path(&[], false), Err(RevError::BadRev));
        // A stemmed root learns its parent later.
        let mut s = RevTree::new();
        s.merge_path(&["3-c".into(), "2-b".into()], false).unwrap();
        assert_eq!(s.nodes["2-b"].parent, None);
        s.merge_path(&["3-c".into(), "2-b".into(), "1-a".into()], false)
            .unwrap();
        assert_eq!(s.nodes["2-b"].parent.as_deref(), Some("1-a"));
    }

    #[test]
    fn revs_diff_lists_unknown_revisions() {
        let mut t = RevTree::new();
        t.merge_path(&["2-b".into(), "1-a".into()], false).unwrap();
        assert_eq!(
            t.revs_diff(&["1-a".into(), "2-b".into(), "2-c".into(), "3-d".into()]),
            vec!["2-c", "3-d"]
        );
    }

    #[test]
    fn serde_round_trip() {
        let mut t = RevTree::new();
        t.merge_path(&["2-b".into(), "1-a".into()], true).unwrap();
        let s = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<RevTree>(&s).unwrap(), t);
    }
}
