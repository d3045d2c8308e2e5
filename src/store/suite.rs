//! store/suite: one behavioural test suite for every [`DocStore`] backend, run on the host
//! against the in-memory twin and in the browser against IndexedDB. Checks panic on failure.

use super::key::{IndexKey, KeyPart, KeyRange};
use super::revs::parse_rev;
use super::schema::{num_part, str_part, IndexDef, SummaryDef};
use super::{typed, Change, Doc, DocStore, Query, ReplicatedRev, Schema, StoreError};
use serde_json::json;
use std::future::Future;

/// The schema the suite's stores must be opened with: the app's, plus `t_status_n`
/// (notes by `[status, n]`) and the summary `t_note_n` (each note's `n`, by status).
pub fn schema() -> Schema {
    let mut s = Schema::current();
    s.summaries.push(SummaryDef {
        name: "t_note_n",
        doc_type: "note",
        key: |b| Some(IndexKey(vec![str_part(b, "status")?])),
        of: |_, b| Some(b.get("n")?.to_string()),
        bucket: |k| super::schema::text_prefix(k, 1),
    });
    s.indexes.push(IndexDef {
        name: "t_status_n",
        id_in_key: false,
        doc_type: Some("note"),
        key: |b| Some(IndexKey(vec![str_part(b, "status")?, num_part(b, "n")?])),
    });
    // The same keys as `by_type` for notes, stored as the key alone.
    s.indexes.push(IndexDef {
        name: "t_type",
        id_in_key: false,
        doc_type: Some("note"),
        key: |b| Some(IndexKey(vec![str_part(b, "type")?])),
    });
    s
}

/// Runs every check, each on a fresh store from `make`. Returns how many ran.
pub async fn run_all<S, F>(make: impl Fn() -> F) -> usize
where
    S: DocStore,
    F: Future<Output = S>,
{
    crud_and_revisions(&make().await).await;
    stale_write_conflicts(&make().await).await;
    delete_leaves_a_tombstone(&make().await).await;
    changes_feed(&make().await).await;
    index_paging(&make().await).await;
    prefix_ranges(&make().await).await;
    bulk_is_all_or_nothing(&make().await).await;
    replicated_conflict(&make().await).await;
    revs_diff(&make().await).await;
    local_docs(&make().await).await;
    all_docs_paging(&make().await).await;
    clear_wipes(&make().await).await;
    replace_all_is_all_or_nothing(&make().await).await;
    summaries_follow_writes(&make().await).await;
    ids_sorted_as_indexeddb_sorts_them(&make().await).await;
    replicated_bodies_stored_as_received(&make().await).await;
    diff_then_writes_then_replicated(&make().await).await;
    large_writes_in_parts(&make().await).await;
    summaries_read_as_they_come(&make().await).await;
    19
}

/// Summary segments handed out one at a time as they are read (the IndexedDB store reads them
/// in parts, all asked for at once) merge into what the whole list of segments gives, and a
/// segment refused stops the read with its reason.
pub async fn summaries_read_as_they_come<S: DocStore>(s: &S) {
    // Fourteen segments in bucket "o" and four in "d": more than a few parts' worth.
    let mut revs = Vec::new();
    for i in 0..10 {
        revs.push(
            s.put(note(&format!("note:{i:02}"), "open", i))
                .await
                .unwrap(),
        );
    }
    let many: Vec<Doc> = (10..30)
        .map(|i| note(&format!("note:{i:02}"), "open", i))
        .collect();
    s.bulk(many).await.unwrap();
    for (i, rev) in revs.iter().enumerate().take(3) {
        let mut moved = note(&format!("note:{i:02}"), "done", 100 + i as i64);
        moved.rev = Some(rev.clone());
        s.put(moved).await.unwrap();
    }
    s.put(note("note:99", "done", 99)).await.unwrap();
    for range in [
        KeyRange::all(),
        KeyRange::eq(IndexKey(vec![KeyPart::Str("open".into())])),
        KeyRange::eq(IndexKey(vec![KeyPart::Str("done".into())])),
    ] {
        let whole = s.summary_segments("t_note_n", &range).await.unwrap();
        let count = whole.len();
        let merged = super::summary::merge::<i64>(whole, &range).unwrap();
        let mut handed = 0;
        let mut merge = super::summary::Merge::<i64>::new();
        s.each_summary_segment("t_note_n", &range, &mut |(seq, text)| {
            handed += 1;
            merge.add(seq, text)
        })
        .await
        .unwrap();
        assert_eq!(handed, count);
        assert_eq!(merge.finish(&range), merged);
        assert_eq!(
            typed::summaries_of::<i64, _>(s, "t_note_n", &range)
                .await
                .unwrap(),
            merged
        );
    }
    // IndexedDB keeps one segment per write and bucket; the in-memory twin hands out one.
    let all = s
        .summary_segments("t_note_n", &KeyRange::all())
        .await
        .unwrap();
    assert!(all.len() == 1 || all.len() >= 18, "{} segments", all.len());
    let stop = all.len().min(6);
    let open = summaries_of(s, "open").await;
    assert_eq!(open.len(), 27);
    assert_eq!(open.first(), Some(&("note:03".to_string(), 3)));
    assert_eq!(summaries_of(s, "done").await.len(), 4);
    // The sixth segment (or the only one) refused: nothing after it is handed out.
    let mut handed = 0;
    let refused = s
        .each_summary_segment("t_note_n", &KeyRange::all(), &mut |_| {
            handed += 1;
            if handed == stop {
                Err("refused".into())
            } else {
                Ok(())
            }
        })
        .await;
    assert_eq!(handed, stop);
    assert!(
        matches!(&refused, Err(StoreError::Corrupt { reason, .. }) if reason == "refused"),
        "{refused:?}"
    );
    assert!(matches!(
        s.each_summary_segment("none", &KeyRange::all(), &mut |_| Ok(()))
            .await,
        Err(StoreError::Invalid(_))
    ));
}

/// Writes of hundreds of documents (the IndexedDB store plans and hands them over a part at a
/// time while the browser stores the part before): one change each with consecutive sequence
/// numbers, one summary entry each, and still all or nothing when a late document fails.
pub async fn large_writes_in_parts<S: DocStore>(s: &S) {
    let old = s.put(note("note:0330", "open", 330)).await.unwrap();
    let seq = s.update_seq().await.unwrap();
    let batch = |from: usize| -> Vec<Doc> {
        (from..from + 400)
            .map(|i| note(&format!("note:{i:04}"), "open", i as i64))
            .collect()
    };
    let unchanged = |what: &'static str, probe: &'static str| async move {
        assert_eq!(s.update_seq().await.unwrap(), seq, "{what}");
        assert_eq!(
            s.count("by_type", &KeyRange::all()).await.unwrap(),
            1,
            "{what}"
        );
        assert_eq!(summaries_of(s, "open").await.len(), 1, "{what}");
        assert!(
            matches!(s.get(probe).await, Err(StoreError::NotFound { .. })),
            "{what}"
        );
    };
    // A stale edit near the end (note:0330 exists, written without its revision).
    let stale = batch(0);
    assert_eq!(
        s.bulk(stale).await,
        Err(StoreError::Conflict {
            id: "note:0330".into()
        })
    );
    unchanged("a conflict in the last parts", "note:0010").await;
    // A bad id near the end.
    let mut bad = batch(1000);
    bad[380].id = "_bad".into();
    assert!(matches!(s.bulk(bad).await, Err(StoreError::Invalid(_))));
    unchanged("an invalid document in the last part", "note:1010").await;
    assert_eq!(s.get("note:0330").await.unwrap().rev, Some(old));
    // A whole batch of new documents.
    let revs = s.bulk(batch(1000)).await.unwrap();
    assert_eq!(revs.len(), 400);
    assert!(revs.iter().all(|r| r.starts_with("1-")));
    let feed = s.changes(seq, 1000).await.unwrap();
    let seqs: Vec<u64> = feed.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, (seq + 1..=seq + 400).collect::<Vec<u64>>());
    let fed: Vec<String> = feed.iter().map(|c| c.id.clone()).collect();
    let want: Vec<String> = (1000..1400).map(|i| format!("note:{i}")).collect();
    assert_eq!(fed, want);
    assert_eq!(s.update_seq().await.unwrap(), seq + 400);
    assert_eq!(s.count("by_type", &KeyRange::all()).await.unwrap(), 401);
    let open = summaries_of(s, "open").await;
    assert_eq!(open.len(), 401);
    assert_eq!(
        open.iter().map(|(_, n)| n).sum::<i64>(),
        330 + (1000..1400).sum::<i64>()
    );
    // New documents, one of them once deleted: its tombstone is found and it comes back.
    let gone = s.get("note:1005").await.unwrap().rev.unwrap();
    let tomb = s.delete("note:1005", &gone).await.unwrap();
    let mut back = batch(5000);
    back[200] = note("note:1005", "open", 1005);
    // A decimal whose shortest text serde_json's default parser reads one step off: the
    // revision must still be that of the body as given.
    back[200].body["x"] = json!(0.9519560284026387);
    let want = super::revs::new_rev_id(Some(&tomb), false, &back[200].body);
    let revs = s.bulk(back).await.unwrap();
    assert!(revs[200].starts_with("3-"), "{}", revs[200]);
    assert_eq!(revs[200], want);
    assert_eq!(
        s.get("note:1005").await.unwrap().rev.as_ref(),
        Some(&revs[200])
    );
    assert_eq!(s.count("by_type", &KeyRange::all()).await.unwrap(), 800);
    assert_eq!(summaries_of(s, "open").await.len(), 800);
    let seq = seq + 401 + 400;
    // Received revisions: hundreds of new documents, and one id twice (a conflict) among
    // hundreds, which must be planned together.
    let received = |from: usize, tag: char| -> Vec<ReplicatedRev> {
        (from..from + 300)
            .map(|i| {
                let rev = format!("1-{:0>32}", format!("{i}{tag}"));
                let body = json!({"type": "note", "status": "done", "n": i});
                first_revision(&format!("note:{i:04}"), &rev, body)
            })
            .collect()
    };
    s.put_replicated(received(2000, 'a')).await.unwrap();
    assert_eq!(s.update_seq().await.unwrap(), seq + 300);
    let total = 800 + 300;
    assert_eq!(summaries_of(s, "done").await.len(), 300);
    let mut twice = received(3000, 'a');
    twice.push(received(3000, 'b').remove(150));
    s.put_replicated(twice).await.unwrap();
    assert_eq!(s.update_seq().await.unwrap(), seq + 600);
    let tree = s.rev_tree("note:3150").await.unwrap();
    assert_eq!(tree.leaves().len(), 2, "both received revisions are kept");
    assert_eq!(tree.conflicts().len(), 1);
    assert_eq!(
        s.count("by_type", &KeyRange::all()).await.unwrap(),
        total + 300
    );
}

/// A pull's page: `revs_diff` finds documents missing, then they are written as received. A
/// write of one of them in between (here; another tab's, on IndexedDB) is not lost: the
/// received revision joins it as a conflict. Documents untouched in between arrive as they are.
pub async fn diff_then_writes_then_replicated<S: DocStore>(s: &S) {
    let received = |id: &str, rev: &str, n: i64| {
        first_revision(id, rev, json!({"type": "note", "status": "open", "n": n}))
    };
    let page = |ids: &[&str]| {
        ids.iter()
            .map(|id| (id.to_string(), vec![format!("1-{:0>32}", &id[5..])]))
            .collect::<Vec<_>>()
    };
    let wanted = page(&["note:1", "note:2", "note:3"]);
    assert_eq!(s.revs_diff(wanted.clone()).await.unwrap(), wanted);
    // Another page is written first, and note:2 is written here.
    s.put_replicated(vec![received(
        "note:9",
        "1-00000000000000000000000000000009",
        9,
    )])
    .await
    .unwrap();
    let mine = s.put(note("note:2", "open", 2)).await.unwrap();
    let rev = |id: &str| wanted.iter().find(|(i, _)| i == id).unwrap().1[0].clone();
    let batch: Vec<ReplicatedRev> = ["note:1", "note:2", "note:3"]
        .iter()
        .map(|id| received(id, &rev(id), 1))
        .collect();
    s.put_replicated(batch).await.unwrap();
    let tree = s.rev_tree("note:2").await.unwrap();
    let mut leaves = tree.leaves();
    leaves.sort();
    let theirs = rev("note:2");
    let mut both = vec![mine.as_str(), theirs.as_str()];
    both.sort();
    assert_eq!(leaves, both, "the write in between is kept");
    for id in ["note:1", "note:3", "note:9"] {
        let d = s.get(id).await.unwrap();
        assert_eq!(s.rev_tree(id).await.unwrap().leaves().len(), 1, "{id}");
        assert_eq!(d.body["status"], json!("open"));
    }
    assert!(s
        .revs_diff(page(&["note:1", "note:3"]))
        .await
        .unwrap()
        .is_empty());
}

/// Received revisions keep their own bodies: two documents that arrive with the same revision
/// id (it is made from the body, not the id) and different bodies, and a body given with
/// envelope fields (stored without them), read back and found by their indexes.
pub async fn replicated_bodies_stored_as_received<S: DocStore>(s: &S) {
    let rev = "1-00000000000000000000000000000abc".to_string();
    let received = |id: &str, body: serde_json::Value| first_revision(id, &rev, body);
    s.put_replicated(vec![
        received("note:x", json!({"type": "note", "status": "open", "n": 1})),
        received("note:y", json!({"type": "note", "status": "done", "n": 2})),
        received(
            "note:z",
            json!({"_id": "note:z", "type": "note", "status": "open", "n": 3}),
        ),
    ])
    .await
    .unwrap();
    for (id, n) in [("note:x", 1), ("note:y", 2)] {
        let d = s.get(id).await.unwrap();
        assert_eq!(
            (d.rev.as_deref(), &d.body["n"]),
            (Some(rev.as_str()), &json!(n)),
            "{id}"
        );
    }
    let z = s.get("note:z").await.unwrap();
    assert_eq!(z.body, json!({"type": "note", "status": "open", "n": 3}));
    let done = s
        .query(&Query::new(
            "t_status_n",
            KeyRange::prefix(IndexKey(vec![KeyPart::Str("done".into())])),
        ))
        .await
        .unwrap();
    let ids: Vec<&str> = done.docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, vec!["note:y"]);
    assert_eq!(done.docs[0].body["n"], json!(2));
}

/// A large replicated batch whose ids order differently in UTF-8 (Rust) and UTF-16 (IndexedDB):
/// "n:a" < "n:\u{FFFD}" < "n:😀" in Rust, but the emoji's surrogate pair sorts before U+FFFD in
/// IndexedDB. A stored document among them must be found (its revision kept as a conflict), not
/// taken for a new one.
pub async fn ids_sorted_as_indexeddb_sorts_them<S: DocStore>(s: &S) {
    let kept = s.put(note("n:\u{FFFD}", "open", 1)).await.unwrap();
    let rev = |id: &str| format!("1-{:032x}", id.len() * 7919 + id.chars().count());
    let mut ids: Vec<String> = (0..38).map(|i| format!("n:b{i:02}")).collect();
    ids.extend(["n:a".to_string(), "n:\u{FFFD}".into(), "n:😀".into()]);
    let batch = ids
        .iter()
        .map(|id| {
            first_revision(
                id,
                &rev(id),
                json!({"type": "note", "status": "open", "n": 2}),
            )
        })
        .collect();
    s.put_replicated(batch).await.unwrap();
    let mut leaves: Vec<String> = s
        .rev_tree("n:\u{FFFD}")
        .await
        .unwrap()
        .leaves()
        .into_iter()
        .map(str::to_string)
        .collect();
    leaves.sort();
    let mut want = vec![kept, rev("n:\u{FFFD}")];
    want.sort();
    assert_eq!(leaves, want, "the stored revision survives the batch");
    for id in &ids {
        assert!(s.get(id).await.is_ok(), "{id}");
    }
}

async fn summaries_of<S: DocStore>(s: &S, status: &str) -> Vec<(String, i64)> {
    let range = KeyRange::eq(IndexKey(vec![KeyPart::Str(status.into())]));
    typed::summaries_of::<i64, _>(s, "t_note_n", &range)
        .await
        .unwrap()
        .into_iter()
        .map(|(id, n)| (id, n.unwrap()))
        .collect()
}

/// A summary is written, moved, dropped and wiped with its document, and read by key range in
/// key order (then id order).
async fn summaries_follow_writes<S: DocStore>(s: &S) {
    let ra = s.put(note("note:a", "open", 1)).await.unwrap();
    s.bulk(vec![note("note:c", "open", 3), note("note:b", "done", 2)])
        .await
        .unwrap();
    s.put(Doc::new(
        "other:1",
        json!({"type": "other", "status": "open", "n": 9}),
    ))
    .await
    .unwrap();
    let open = |v: &[(&str, i64)]| {
        v.iter()
            .map(|(i, n)| (i.to_string(), *n))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        summaries_of(s, "open").await,
        open(&[("note:a", 1), ("note:c", 3)])
    );
    let mut a = note("note:a", "done", 10);
    a.rev = Some(ra);
    let ra = s.put(a).await.unwrap();
    assert_eq!(summaries_of(s, "open").await, open(&[("note:c", 3)]));
    assert_eq!(
        summaries_of(s, "done").await,
        open(&[("note:a", 10), ("note:b", 2)])
    );
    s.delete("note:a", &ra).await.unwrap();
    assert_eq!(summaries_of(s, "done").await, open(&[("note:b", 2)]));
    let all = typed::summaries_of::<i64, _>(s, "t_note_n", &KeyRange::all()).await;
    assert_eq!(all.unwrap().len(), 2);
    assert!(matches!(
        s.summary_segments("none", &KeyRange::all()).await,
        Err(StoreError::Invalid(_))
    ));
    s.replace_all(vec![ReplicatedRev {
        doc: note("note:z", "open", 26),
        history: vec![],
    }])
    .await
    .unwrap();
    assert_eq!(summaries_of(s, "open").await, open(&[("note:z", 26)]));
    assert!(summaries_of(s, "done").await.is_empty());
    s.clear().await.unwrap();
    assert!(summaries_of(s, "open").await.is_empty());
}

/// A document received at its first revision `rev` (its whole history).
pub fn first_revision(id: &str, rev: &str, body: serde_json::Value) -> ReplicatedRev {
    ReplicatedRev {
        doc: Doc {
            id: id.into(),
            rev: Some(rev.into()),
            deleted: false,
            body,
        },
        history: vec![rev.into()],
    }
}

fn note(id: &str, status: &str, n: i64) -> Doc {
    Doc::new(
        id,
        json!({"type": "note", "status": status, "n": n, "text": format!("说明 {n}")}),
    )
}

fn ids(docs: &[Doc]) -> Vec<&str> {
    docs.iter().map(|d| d.id.as_str()).collect()
}

pub async fn crud_and_revisions<S: DocStore>(s: &S) {
    assert!(matches!(
        s.get("note:1").await,
        Err(StoreError::NotFound { .. })
    ));
    let r1 = s.put(note("note:1", "open", 1)).await.unwrap();
    let (g, h) = parse_rev(&r1).expect("rev format");
    assert_eq!((g, h.len()), (1, 32));
    let d = s.get("note:1").await.unwrap();
    assert_eq!(d.rev.as_deref(), Some(r1.as_str()));
    assert_eq!(d.body["text"], json!("说明 1"));
    assert!(!d.deleted);
    let mut d2 = d.clone();
    d2.body["n"] = json!(2);
    let r2 = s.put(d2).await.unwrap();
    assert!(r2.starts_with("2-"), "{r2}");
    assert_eq!(s.get("note:1").await.unwrap().body["n"], json!(2));
    let tree = s.rev_tree("note:1").await.unwrap();
    assert_eq!(tree.history(&r2), vec![r2.clone(), r1.clone()]);
    // A revision id is a function of the edit: the same edit elsewhere gets the same id.
    assert_eq!(
        r1,
        super::revs::new_rev_id(None, false, &note("x", "open", 1).body)
    );
    // Reserved ids and non-object bodies are refused.
    assert!(matches!(
        s.put(Doc::new("_bad", json!({}))).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.put(Doc::new("note:9", json!(5))).await,
        Err(StoreError::Invalid(_))
    ));
}

pub async fn stale_write_conflicts<S: DocStore>(s: &S) {
    let r1 = s.put(note("note:1", "open", 1)).await.unwrap();
    let mut a = s.get("note:1").await.unwrap();
    let b = a.clone();
    a.body["n"] = json!(10);
    let r2 = s.put(a).await.unwrap();
    let seq = s.update_seq().await.unwrap();
    let mut stale = b;
    stale.body["n"] = json!(20);
    assert_eq!(
        s.put(stale).await,
        Err(StoreError::Conflict {
            id: "note:1".into()
        })
    );
    // A new document over an existing one is a conflict too.
    assert!(matches!(
        s.put(note("note:1", "open", 3)).await,
        Err(StoreError::Conflict { .. })
    ));
    // Nothing changed.
    let now = s.get("note:1").await.unwrap();
    assert_eq!(
        (now.rev.as_deref(), &now.body["n"]),
        (Some(r2.as_str()), &json!(10))
    );
    assert_eq!(s.update_seq().await.unwrap(), seq);
    assert_eq!(
        s.rev_tree("note:1").await.unwrap().leaves(),
        vec![r2.as_str()]
    );
    assert!(s.rev_tree("note:1").await.unwrap().contains(&r1));
}

pub async fn delete_leaves_a_tombstone<S: DocStore>(s: &S) {
    let r1 = s.put(note("note:1", "open", 1)).await.unwrap();
    assert_eq!(s.count("by_type", &KeyRange::all()).await.unwrap(), 1);
    assert!(matches!(
        s.delete("note:1", "1-00000000000000000000000000000000")
            .await,
        Err(StoreError::Conflict { .. })
    ));
    let r2 = s.delete("note:1", &r1).await.unwrap();
    assert!(r2.starts_with("2-"));
    assert!(matches!(
        s.get("note:1").await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(s.count("by_type", &KeyRange::all()).await.unwrap(), 0);
    let tomb = s.get_rev("note:1", &r2).await.unwrap();
    assert!(tomb.deleted);
    let ch = s.changes(0, 10).await.unwrap();
    assert_eq!(ch.len(), 1);
    assert!(ch[0].deleted && ch[0].rev == r2);
    assert_eq!(s.all_docs(None, 10).await.unwrap().docs.len(), 0);
    // Writing the id again without a revision extends the tombstone.
    let r3 = s.put(note("note:1", "open", 3)).await.unwrap();
    assert!(r3.starts_with("3-"), "{r3}");
    assert_eq!(s.get("note:1").await.unwrap().body["n"], json!(3));
}

pub async fn changes_feed<S: DocStore>(s: &S) {
    assert_eq!(s.update_seq().await.unwrap(), 0);
    let a = s.put(note("note:a", "open", 1)).await.unwrap();
    s.put(note("note:b", "open", 2)).await.unwrap();
    let mut d = s.get("note:a").await.unwrap();
    assert_eq!(d.rev.as_deref(), Some(a.as_str()));
    d.body["n"] = json!(5);
    let a2 = s.put(d).await.unwrap();
    s.put(note("note:c", "open", 3)).await.unwrap();
    assert_eq!(s.update_seq().await.unwrap(), 4);
    let all = s.changes(0, 100).await.unwrap();
    let got: Vec<(u64, &str)> = all.iter().map(|c| (c.seq, c.id.as_str())).collect();
    assert_eq!(got, vec![(2, "note:b"), (3, "note:a"), (4, "note:c")]);
    assert_eq!(all[1].rev, a2);
    let since2 = s.changes(2, 100).await.unwrap();
    assert_eq!(since2.iter().map(|c| c.seq).collect::<Vec<_>>(), vec![3, 4]);
    assert_eq!(s.changes(0, 1).await.unwrap().len(), 1);
    assert!(s.changes(4, 10).await.unwrap().is_empty());
    // The same feed with each document's stored state, read together (what a push sends).
    let changed = s.changed_states(2, 100).await.unwrap();
    let feed: Vec<Change> = changed.iter().map(|(c, _)| c.clone()).collect();
    assert_eq!(feed, since2);
    for (c, cur) in &changed {
        let d = s.get(&c.id).await.unwrap();
        assert_eq!((&cur.winner.rev, &cur.winner.body), (&d.rev, &d.body));
        assert_eq!(cur.revs.tree.leaves(), vec![c.rev.as_str()]);
    }
    assert_eq!(
        s.changed_states(2, 100).await.unwrap()[0]
            .1
            .revs
            .tree
            .history(&a2),
        vec![a2.clone(), a.clone()],
        "the whole history"
    );
    assert_eq!(s.changed_states(0, 1).await.unwrap().len(), 1);
    assert!(s.changed_states(4, 10).await.unwrap().is_empty());
}

pub async fn index_paging<S: DocStore>(s: &S) {
    let mut docs = Vec::new();
    for i in 0..25 {
        let status = if i % 2 == 0 { "open" } else { "closed" };
        docs.push(note(&format!("note:{i:02}"), status, (i * 7) % 25));
    }
    docs.push(Doc::new(
        "task:1",
        json!({"type": "task", "status": "open", "n": 1}),
    ));
    s.bulk(docs).await.unwrap();
    assert_eq!(s.count("t_status_n", &KeyRange::all()).await.unwrap(), 25);
    let open = KeyRange::prefix(IndexKey(vec![KeyPart::from("open")]));
    assert_eq!(s.count("t_status_n", &open).await.unwrap(), 13);
    // Ascending, pages of 5, across the whole range.
    let mut seen = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let p = s
            .query(&Query::new("t_status_n", open.clone()).limit(5).after(after))
            .await
            .unwrap();
        assert!(p.corrupt.is_empty());
        pages += 1;
        seen.extend(p.docs.iter().map(|d| d.body["n"].as_i64().unwrap()));
        after = p.next;
        if after.is_none() {
            break;
        }
        assert!(pages < 10);
    }
    assert_eq!(seen.len(), 13);
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    // Descending, the same rows reversed.
    let mut desc = Vec::new();
    let mut after = None;
    loop {
        let p = s
            .query(
                &Query::new("t_status_n", open.clone())
                    .descending()
                    .limit(4)
                    .after(after),
            )
            .await
            .unwrap();
        desc.extend(p.docs.iter().map(|d| d.body["n"].as_i64().unwrap()));
        after = p.next;
        if after.is_none() {
            break;
        }
    }
    seen.reverse();
    assert_eq!(desc, seen);
    // Equal keys page by id: by_type (the id in its keys) and t_type (the key alone) hold 25
    // notes under the same key.
    for ix in ["by_type", "t_type"] {
        let notes = KeyRange::eq(IndexKey(vec![KeyPart::from("note")]));
        let p1 = s
            .query(&Query::new(ix, notes.clone()).limit(10))
            .await
            .unwrap();
        let p2 = s
            .query(
                &Query::new(ix, notes.clone())
                    .limit(10)
                    .after(p1.next.clone()),
            )
            .await
            .unwrap();
        let p3 = s
            .query(
                &Query::new(ix, notes.clone())
                    .limit(10)
                    .after(p2.next.clone()),
            )
            .await
            .unwrap();
        assert_eq!(ids(&p1.docs)[0], "note:00");
        assert_eq!(ids(&p2.docs)[0], "note:10");
        assert_eq!(
            ids(&p3.docs),
            vec!["note:20", "note:21", "note:22", "note:23", "note:24"]
        );
        assert!(p3.next.is_none());
        let last = s
            .query(&Query::new(ix, notes.clone()).descending().limit(2))
            .await
            .unwrap();
        assert_eq!(ids(&last.docs), vec!["note:24", "note:23"]);
        let back = s
            .query(
                &Query::new(ix, notes.clone())
                    .descending()
                    .limit(10)
                    .after(last.next.clone()),
            )
            .await
            .unwrap();
        assert_eq!(ids(&back.docs)[..2], ["note:22", "note:21"]);
        assert_eq!(ids(&back.docs)[9], "note:13");
        // A page goes on after its cursor's row when that row is gone (deleted since), both ways.
        let gone = s.get("note:13").await.unwrap();
        s.delete("note:13", gone.rev.as_deref().unwrap())
            .await
            .unwrap();
        let on = s
            .query(
                &Query::new(ix, notes.clone())
                    .descending()
                    .limit(3)
                    .after(back.next.clone()),
            )
            .await
            .unwrap();
        assert_eq!(ids(&on.docs), vec!["note:12", "note:11", "note:10"]);
        let up = s
            .query(
                &Query::new(ix, notes.clone())
                    .limit(3)
                    .after(back.next.clone()),
            )
            .await
            .unwrap();
        assert_eq!(ids(&up.docs), vec!["note:14", "note:15", "note:16"]);
        s.put(Doc::new("note:13", gone.body.clone())).await.unwrap();
    }
    // Pages that go on past the cursor's key: the rest of its rows, then the next keys'.
    let notes = KeyRange::eq(IndexKey(vec![KeyPart::from("note")]));
    let p2 = s
        .query(&Query::new("by_type", notes).limit(20))
        .await
        .unwrap();
    let all = KeyRange::all();
    let on = s
        .query(
            &Query::new("by_type", all.clone())
                .limit(10)
                .after(p2.next.clone()),
        )
        .await
        .unwrap();
    assert_eq!(
        ids(&on.docs),
        vec!["note:20", "note:21", "note:22", "note:23", "note:24", "task:1"]
    );
    let top = s
        .query(&Query::new("by_type", all.clone()).descending().limit(1))
        .await
        .unwrap();
    assert_eq!(ids(&top.docs), vec!["task:1"]);
    let down = s
        .query(
            &Query::new("by_type", all)
                .descending()
                .limit(3)
                .after(top.next.clone()),
        )
        .await
        .unwrap();
    assert_eq!(ids(&down.docs), vec!["note:24", "note:23", "note:22"]);
    // An edit moves a document within the index; a deletion removes it.
    let mut d = s.get("note:00").await.unwrap();
    d.body["status"] = json!("closed");
    s.put(d).await.unwrap();
    assert_eq!(s.count("t_status_n", &open).await.unwrap(), 12);
    let d = s.get("note:02").await.unwrap();
    s.delete("note:02", d.rev.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(s.count("t_status_n", &open).await.unwrap(), 11);
    assert_eq!(s.count("by_type", &KeyRange::all()).await.unwrap(), 25);
    assert!(matches!(
        s.query(&Query::new("nope", KeyRange::all())).await,
        Err(StoreError::Invalid(_))
    ));
}

pub async fn prefix_ranges<S: DocStore>(s: &S) {
    s.bulk(vec![
        note("note:1", "open", 1),
        note("note:2", "open", 2),
        note("note:3", "opened", 3),
        note("note:4", "closed", 4),
        note("note:5", "open", 30),
    ])
    .await
    .unwrap();
    let k = |parts: Vec<KeyPart>| IndexKey(parts);
    let open = s
        .query(&Query::new(
            "t_status_n",
            KeyRange::prefix(k(vec!["open".into()])),
        ))
        .await
        .unwrap();
    assert_eq!(ids(&open.docs), vec!["note:1", "note:2", "note:5"]);
    let between = KeyRange::between(
        k(vec!["open".into(), 2.0.into()]),
        k(vec!["open".into(), 30.0.into()]),
    );
    let b = s.query(&Query::new("t_status_n", between)).await.unwrap();
    assert_eq!(ids(&b.docs), vec!["note:2", "note:5"]);
    let exact = s
        .query(&Query::new(
            "t_status_n",
            KeyRange::eq(k(vec!["open".into(), 2.0.into()])),
        ))
        .await
        .unwrap();
    assert_eq!(ids(&exact.docs), vec!["note:2"]);
    let mut open_excl = KeyRange::between(
        k(vec!["open".into(), 1.0.into()]),
        k(vec!["open".into(), 30.0.into()]),
    );
    open_excl.lower_open = true;
    open_excl.upper_open = true;
    assert_eq!(s.count("t_status_n", &open_excl).await.unwrap(), 1);
    let to = s
        .count("t_status_n", &KeyRange::to(k(vec!["open".into()])))
        .await
        .unwrap();
    assert_eq!(to, 1, "only [closed, 4] sorts at or below [open]");
    let empty = KeyRange::between(k(vec!["z".into()]), k(vec!["a".into()]));
    assert!(s
        .query(&Query::new("t_status_n", empty.clone()))
        .await
        .unwrap()
        .docs
        .is_empty());
    assert_eq!(s.count("t_status_n", &empty).await.unwrap(), 0);
}

pub async fn bulk_is_all_or_nothing<S: DocStore>(s: &S) {
    let r = s.put(note("note:2", "open", 2)).await.unwrap();
    let seq = s.update_seq().await.unwrap();
    let mut docs = vec![note("note:1", "open", 1), note("note:2", "open", 99)];
    docs.extend((3..50).map(|i| note(&format!("note:{i}"), "open", i)));
    assert_eq!(
        s.bulk(docs).await,
        Err(StoreError::Conflict {
            id: "note:2".into()
        })
    );
    assert!(matches!(
        s.get("note:1").await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.get("note:30").await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(s.get("note:2").await.unwrap().rev, Some(r.clone()));
    assert_eq!(s.update_seq().await.unwrap(), seq);
    assert_eq!(s.count("by_type", &KeyRange::all()).await.unwrap(), 1);
    assert_eq!(s.changes(0, 100).await.unwrap().len(), 1);
    // A batch may write one document twice when the second edit follows the first.
    let mut d = note("note:7", "open", 7);
    let first = super::revs::new_rev_id(None, false, &d.body);
    let mut second = d.clone();
    second.rev = Some(first.clone());
    second.body["n"] = json!(8);
    d.rev = None;
    let revs = s.bulk(vec![d, second]).await.unwrap();
    assert_eq!(revs[0], first);
    assert!(revs[1].starts_with("2-"));
    assert_eq!(s.get("note:7").await.unwrap().body["n"], json!(8));
    assert_eq!(
        s.update_seq().await.unwrap(),
        seq + 1,
        "one document, one change"
    );
}

pub async fn replicated_conflict<S: DocStore>(s: &S) {
    let r1 = s.put(note("note:1", "open", 1)).await.unwrap();
    let mut mine = s.get("note:1").await.unwrap();
    mine.body["n"] = json!(2);
    let r2_mine = s.put(mine).await.unwrap();
    // A peer edited the same parent differently, and then once more.
    let theirs = ReplicatedRev {
        doc: Doc {
            id: "note:1".into(),
            rev: Some("3-0000000000000000000000000000aaaa".into()),
            deleted: false,
            body: json!({"type": "note", "status": "open", "n": 30}),
        },
        history: vec![
            "3-0000000000000000000000000000aaaa".into(),
            "2-0000000000000000000000000000bbbb".into(),
            r1.clone(),
        ],
    };
    s.put_replicated(vec![theirs.clone()]).await.unwrap();
    let tree = s.rev_tree("note:1").await.unwrap();
    let mut leaves = tree.leaves();
    leaves.sort();
    assert_eq!(
        leaves,
        vec![r2_mine.as_str(), "3-0000000000000000000000000000aaaa"]
    );
    // Deterministic winner: the longer branch.
    let w = s.get("note:1").await.unwrap();
    assert_eq!(w.rev.as_deref(), Some("3-0000000000000000000000000000aaaa"));
    assert_eq!(w.body["n"], json!(30));
    assert_eq!(tree.conflicts(), vec![r2_mine.as_str()]);
    // The losing leaf is kept and readable.
    let lost = s.get_rev("note:1", &r2_mine).await.unwrap();
    assert_eq!(lost.body["n"], json!(2));
    // The index shows the winner.
    let by_n = s
        .query(&Query::new("t_status_n", KeyRange::all()))
        .await
        .unwrap();
    assert_eq!(by_n.docs.len(), 1);
    assert_eq!(by_n.docs[0].body["n"], json!(30));
    // Receiving it again changes nothing.
    let seq = s.update_seq().await.unwrap();
    s.put_replicated(vec![theirs]).await.unwrap();
    assert_eq!(s.update_seq().await.unwrap(), seq);
    // Resolving: delete the losing leaf; the winner stays and the conflict is gone.
    s.delete("note:1", &r2_mine).await.unwrap();
    assert!(s.rev_tree("note:1").await.unwrap().conflicts().is_empty());
    assert_eq!(s.get("note:1").await.unwrap().body["n"], json!(30));
    // A new document arriving by replication.
    let fresh = ReplicatedRev {
        doc: Doc {
            id: "note:2".into(),
            rev: Some("2-0000000000000000000000000000cccc".into()),
            deleted: false,
            body: json!({"type": "note", "status": "open", "n": 5}),
        },
        history: vec![
            "2-0000000000000000000000000000cccc".into(),
            "1-0000000000000000000000000000dddd".into(),
        ],
    };
    s.put_replicated(vec![fresh]).await.unwrap();
    assert_eq!(
        s.get("note:2").await.unwrap().rev.as_deref(),
        Some("2-0000000000000000000000000000cccc")
    );
    assert_eq!(
        s.changes(seq, 10)
            .await
            .unwrap()
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        vec!["note:1", "note:2"]
    );
}

pub async fn revs_diff<S: DocStore>(s: &S) {
    let r1 = s.put(note("note:1", "open", 1)).await.unwrap();
    let diff = s
        .revs_diff(vec![
            (
                "note:1".into(),
                vec![r1.clone(), "2-0000000000000000000000000000ffff".into()],
            ),
            (
                "note:9".into(),
                vec!["1-0000000000000000000000000000eeee".into()],
            ),
            ("note:1".into(), vec![r1]),
        ])
        .await
        .unwrap();
    assert_eq!(
        diff,
        vec![
            (
                "note:1".to_string(),
                vec!["2-0000000000000000000000000000ffff".to_string()]
            ),
            (
                "note:9".to_string(),
                vec!["1-0000000000000000000000000000eeee".to_string()]
            ),
        ]
    );
}

pub async fn local_docs<S: DocStore>(s: &S) {
    assert_eq!(s.get_local("_local/cp").await.unwrap(), None);
    s.put_local("_local/cp", json!({"seq": 5})).await.unwrap();
    s.put_local("_local/cp", json!({"seq": 7})).await.unwrap();
    assert_eq!(
        s.get_local("_local/cp").await.unwrap(),
        Some(json!({"seq": 7}))
    );
    // Local documents are not replicated: no change, no index row.
    assert_eq!(s.update_seq().await.unwrap(), 0);
    assert_eq!(s.all_docs(None, 10).await.unwrap().docs.len(), 0);
}

pub async fn all_docs_paging<S: DocStore>(s: &S) {
    let docs: Vec<Doc> = (0..12)
        .map(|i| note(&format!("note:{i:02}"), "open", i))
        .collect();
    s.bulk(docs).await.unwrap();
    let d = s.get("note:03").await.unwrap();
    s.delete("note:03", d.rev.as_deref().unwrap())
        .await
        .unwrap();
    let mut got = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let p = s.all_docs(after.as_deref(), 5).await.unwrap();
        got.extend(p.docs.iter().map(|d| d.id.clone()));
        match p.next {
            Some(c) => after = Some(c.id),
            None => break,
        }
    }
    let want: Vec<String> = (0..12)
        .filter(|i| *i != 3)
        .map(|i| format!("note:{i:02}"))
        .collect();
    assert_eq!(got, want);
}

pub async fn clear_wipes<S: DocStore>(s: &S) {
    s.bulk(
        (0..5)
            .map(|i| note(&format!("note:{i}"), "open", i))
            .collect(),
    )
    .await
    .unwrap();
    s.put_local("_local/x", json!(1)).await.unwrap();
    put_sync_state(s).await;
    s.clear().await.unwrap();
    assert!(matches!(
        s.get("note:1").await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(s.count("by_type", &KeyRange::all()).await.unwrap(), 0);
    assert!(s.changes(0, 10).await.unwrap().is_empty());
    assert!(matches!(
        s.rev_tree("note:1").await,
        Err(StoreError::NotFound { .. })
    ));
    // The store works after a wipe, and sequences keep rising (a position in the feed taken
    // before, by another tab, still sees every change after it).
    s.put(note("note:1", "open", 1)).await.unwrap();
    assert_eq!(s.update_seq().await.unwrap(), 6);
    assert_eq!(
        s.get_local("_local/x").await.unwrap(),
        Some(json!(1)),
        "local documents survive a wipe"
    );
    assert_sync_state_dropped(s, "a wipe").await;
}

/// Sync state about the documents (a checkpoint, the other sync documents) and a setting that
/// merely looks like it (`sync-config`).
async fn put_sync_state<S: DocStore>(s: &S) {
    let checkpoint = format!("{}0123456789abcdef", super::CHECKPOINT_PREFIX);
    for id in super::SYNC_STATE_DOCS
        .iter()
        .copied()
        .chain([checkpoint.as_str()])
    {
        s.put_local(id, json!({"seq": 5})).await.unwrap();
    }
    s.put_local("sync-config", json!({"db": "kefu"}))
        .await
        .unwrap();
    s.put_local("kefu", json!("not a checkpoint"))
        .await
        .unwrap();
}

/// After a wipe or an import the sync state is gone (the next sync starts over) and the
/// settings are as they were.
async fn assert_sync_state_dropped<S: DocStore>(s: &S, after: &str) {
    let checkpoint = format!("{}0123456789abcdef", super::CHECKPOINT_PREFIX);
    for id in super::SYNC_STATE_DOCS
        .iter()
        .copied()
        .chain([checkpoint.as_str()])
    {
        assert_eq!(
            s.get_local(id).await.unwrap(),
            None,
            "{id} kept after {after}"
        );
    }
    assert_eq!(
        s.get_local("sync-config").await.unwrap(),
        Some(json!({"db": "kefu"})),
        "the sync configuration survives {after}"
    );
    assert_eq!(
        s.get_local("kefu").await.unwrap(),
        Some(json!("not a checkpoint"))
    );
}

pub async fn replace_all_is_all_or_nothing<S: DocStore>(s: &S) {
    s.bulk(vec![
        note("note:old", "open", 1),
        note("note:keep", "open", 2),
    ])
    .await
    .unwrap();
    let first = s.get("note:old").await.unwrap();
    let incoming = |id: &str, rev: Option<&str>| ReplicatedRev {
        doc: Doc {
            rev: rev.map(str::to_string),
            ..note(id, "closed", 9)
        },
        history: rev.map(|r| vec![r.to_string()]).unwrap_or_default(),
    };
    put_sync_state(s).await;
    // One bad revision among good documents: refused, and the store is as it was.
    let bad = vec![
        incoming("note:a", Some("1-aaaa")),
        incoming("note:b", Some("not-a-revision")),
    ];
    assert!(s.replace_all(bad).await.is_err());
    assert_eq!(s.get("note:old").await.unwrap(), first);
    assert!(s.get_local("sync-settled").await.unwrap().is_some());
    assert!(matches!(
        s.get("note:a").await,
        Err(StoreError::NotFound { .. })
    ));
    // A good set replaces everything; a document without a revision gets a first one.
    let before = s.update_seq().await.unwrap();
    s.replace_all(vec![
        incoming("note:a", Some("3-abcd")),
        incoming("note:b", None),
    ])
    .await
    .unwrap();
    assert!(matches!(
        s.get("note:old").await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        s.get("note:a").await.unwrap().rev.as_deref(),
        Some("3-abcd")
    );
    assert!(s
        .get("note:b")
        .await
        .unwrap()
        .rev
        .unwrap()
        .starts_with("1-"));
    assert_eq!(s.count("by_type", &KeyRange::all()).await.unwrap(), 2);
    // The changes feed keeps rising, so a position in it taken before sees the new documents.
    assert!(s.update_seq().await.unwrap() > before);
    assert_eq!(s.changes(before, 10).await.unwrap().len(), 2);
    assert_sync_state_dropped(s, "an import").await;
}
