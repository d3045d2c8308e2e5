//! The IndexedDB store in a real browser: the shared suite, schema migration, corrupt records
//! and all-or-nothing transactions. Run with wasm-bindgen-test-runner in headless Chromium.
#![cfg(target_arch = "wasm32")]

use kefu::store::engine::RevRecord;
use kefu::store::idb_store::IdbStore;
use kefu::store::key::{IndexKey, KeyPart};
use kefu::store::revs::RevTree;
use kefu::store::schema::{num_part, IndexDef, Migration, SummaryDef};
use kefu::store::{
    changed_states_past_damage, suite, typed, Doc, DocStore, KeyRange, Query, ReplicatedRev,
    Schema, StoreError,
};
use serde_json::{json, Value as Json};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

thread_local! {
    static COUNTER: Cell<u32> = const { Cell::new(0) };
}

/// A database name no other test uses in this run.
fn fresh_name(tag: &str) -> String {
    let n = COUNTER.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    format!("kefu-test-{tag}-{n}-{}", js_sys::Date::now())
}

async fn fresh(tag: &str, schema: Schema) -> IdbStore {
    let name = fresh_name(tag);
    IdbStore::delete_database(&name).await.unwrap();
    IdbStore::open_with(&name, schema).await.unwrap()
}

#[wasm_bindgen_test]
async fn shared_suite_on_indexeddb() {
    let names: Rc<RefCell<Vec<String>>> = Rc::default();
    let n = suite::run_all(|| {
        let names = names.clone();
        async move {
            let s = fresh("suite", suite::schema()).await;
            names.borrow_mut().push(s.name().to_string());
            s
        }
    })
    .await;
    assert_eq!(n, 19);
    let list = names.borrow().clone();
    for name in &list {
        IdbStore::delete_database(name).await.unwrap();
    }
}

fn v2_schema() -> Schema {
    let mut s = Schema::current();
    s.version = Schema::current().version + 1;
    s.indexes.push(IndexDef {
        name: "note_by_priority",
        id_in_key: false,
        doc_type: Some("note"),
        key: |b| Some(IndexKey(vec![num_part(b, "priority")?])),
    });
    s.summaries.push(SummaryDef {
        name: "note_n",
        doc_type: "note",
        key: |b| Some(IndexKey(vec![num_part(b, "n")?])),
        of: |id, _| Some(json!(id).to_string()),
        bucket: |_| String::new(),
    });
    s.migrations.push(Migration {
        to_version: Schema::current().version + 1,
        doc_type: Some("note"),
        transform: |b| {
            let n = b.get("n").and_then(Json::as_f64).unwrap_or(0.0);
            b["priority"] = json!(1000.0 - n);
            b["v"] = json!(2);
        },
    });
    s
}

#[wasm_bindgen_test]
async fn migration_from_the_previous_schema_keeps_every_record() {
    let name = fresh_name("migrate");
    IdbStore::delete_database(&name).await.unwrap();
    let v1 = IdbStore::open_with(&name, Schema::current()).await.unwrap();
    let docs: Vec<Doc> = (0..300)
        .map(|i| Doc::new(format!("note:{i:04}"), json!({"type": "note", "n": i})))
        .collect();
    v1.bulk(docs).await.unwrap();
    v1.put(Doc::new("other:1", json!({"type": "other", "n": 1})))
        .await
        .unwrap();
    let rev_before = v1.get("note:0007").await.unwrap().rev;
    let seq_before = v1.update_seq().await.unwrap();
    v1.close();
    drop(v1);

    let v2 = IdbStore::open_with(&name, v2_schema()).await.unwrap();
    for i in [0, 7, 150, 299] {
        let d = v2.get(&format!("note:{i:04}")).await.unwrap();
        assert_eq!(d.body["n"], json!(i));
        assert_eq!(d.body["v"], json!(2));
    }
    assert_eq!(v2.get("note:0007").await.unwrap().rev, rev_before);
    assert!(v2.get("other:1").await.unwrap().body.get("v").is_none());
    assert_eq!(v2.count("by_type", &KeyRange::all()).await.unwrap(), 301);
    assert_eq!(
        v2.count("note_by_priority", &KeyRange::all())
            .await
            .unwrap(),
        300
    );
    let top = v2
        .query(&Query::new("note_by_priority", KeyRange::all()).limit(2))
        .await
        .unwrap();
    let ids: Vec<_> = top.docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["note:0299", "note:0298"]);
    assert_eq!(v2.update_seq().await.unwrap(), seq_before);
    // The new summary was written for every note by the upgrade; the trees are intact.
    let sums = typed::summaries_of::<String, _>(&v2, "note_n", &KeyRange::all())
        .await
        .unwrap();
    assert_eq!(sums.len(), 300);
    assert_eq!(sums[299], ("note:0299".into(), Some("note:0299".into())));
    let rev = rev_before.clone().unwrap();
    assert!(v2.rev_tree("note:0007").await.unwrap().is_leaf(&rev));
    // Every record is intact: all_docs reads 301 without corruption.
    let all = v2.all_docs(None, 1000).await.unwrap();
    assert_eq!((all.docs.len(), all.corrupt.len()), (301, 0));
    // The old version cannot open the newer database.
    v2.close();
    drop(v2);
    assert!(matches!(
        IdbStore::open_with(&name, Schema::current()).await,
        Err(StoreError::Invalid(_))
    ));
    IdbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn corrupt_record_is_reported_and_the_rest_load() {
    let s = fresh("corrupt", Schema::current()).await;
    for i in 0..5 {
        s.put(Doc::new(format!("note:{i}"), json!({"type": "note"})))
            .await
            .unwrap();
    }
    // A raw record in the index with no revision and a body that is not an object.
    s.put_raw_record(&json!({"_id": "note:2b", "b": 17, "ix_by_type": [["note"], "note:2b"]}))
        .await
        .unwrap();
    let p = s
        .query(&Query::new("by_type", KeyRange::all()))
        .await
        .unwrap();
    assert_eq!(p.docs.len(), 5);
    assert_eq!(p.corrupt, vec!["note:2b".to_string()]);
    assert!(
        matches!(s.get("note:2b").await, Err(StoreError::Corrupt { id, .. }) if id == "note:2b")
    );
    let all = s.all_docs(None, 100).await.unwrap();
    assert_eq!((all.docs.len(), all.corrupt.len()), (5, 1));
    // Writing over it is refused as corrupt, not silently replaced.
    assert!(matches!(
        s.put(Doc::new("note:2b", json!({"type": "note"}))).await,
        Err(StoreError::Corrupt { .. })
    ));
    // One in the changes feed, whose body is not JSON, and a write after it: the feed's
    // states are read past it (a push, the count of what is left to push, the conflicts).
    let seq = s.update_seq().await.unwrap() + 1;
    s.put_raw_record(&json!({"_id": "note:9x", "_rev": "1-ab", "seq": seq, "b": "{not json"}))
        .await
        .unwrap();
    // One whose revision is not text, and one whose seq is not a number (it sorts after every
    // number, so it would be met at the end of every read of the feed).
    let seq_r = s.update_seq().await.unwrap() + 1;
    s.put_raw_record(&json!({"_id": "note:9r", "_rev": 17, "seq": seq_r, "b": "{}"}))
        .await
        .unwrap();
    s.put_raw_record(&json!({"_id": "note:9s", "_rev": "1-cd", "seq": "x", "b": "{}"}))
        .await
        .unwrap();
    s.put(Doc::new("note:10", json!({"type": "note"})))
        .await
        .unwrap();
    assert!(matches!(
        s.changed_states(0, 100).await,
        Err(StoreError::Corrupt { .. })
    ));
    let page = changed_states_past_damage(&s, 0, 100).await.unwrap();
    assert_eq!(
        page.damaged,
        vec!["note:9x".to_string(), "note:9r".to_string()]
    );
    let ids: Vec<&str> = page.states.iter().map(|(c, _)| c.id.as_str()).collect();
    assert_eq!(
        ids,
        ["note:0", "note:1", "note:2", "note:3", "note:4", "note:10"]
    );
    assert_eq!(
        (page.read, page.last),
        (8, Some(s.update_seq().await.unwrap()))
    );
    // From past the damaged ones, the feed reads as ever (`note:9s` is not in it).
    assert_eq!(s.changes(seq_r, 100).await.unwrap().len(), 1);
    assert_eq!(s.changed_states(seq_r, 100).await.unwrap().len(), 1);
    IdbStore::delete_database(s.name()).await.unwrap();
}

/// A database of schema 8, whose index fields held `[key, id]`: the upgrade re-indexes every
/// record with the key alone (but `by_type`, which keeps the id in its keys), and pages of
/// equal keys continue by id both ways.
#[wasm_bindgen_test]
async fn index_fields_of_schema_8_are_rewritten_as_plain_keys() {
    let name = fresh_name("layout8");
    IdbStore::delete_database(&name).await.unwrap();
    let mut v8 = Schema::current();
    v8.version = 8;
    // Nothing of the migrations written since.
    v8.migrations.retain(|m| m.to_version <= 8);
    let old = IdbStore::open_with(&name, v8).await.unwrap();
    for i in 0..30 {
        let (id, rev) = (format!("complaint:{i:02}"), format!("1-{i:032x}"));
        let case = format!("TS-{:02}", i / 3);
        let tree = format!("{{\"tree\":{{\"nodes\":{{\"{rev}\":{{}}}}}}}}");
        old.put_raw_record(&json!({"_id": id, "_rev": rev, "seq": i + 1,
            "ix_by_type": [["complaint"], id], "ix_complaint_no": [[case], id],
            "b": json!({"type": "complaint", "case_no": case, "n": i}).to_string(),
            "t": tree}))
            .await
            .unwrap();
    }
    old.close();
    drop(old);
    let s = IdbStore::open(&name).await.unwrap();
    let complaints = KeyRange::eq(IndexKey(vec![KeyPart::from("complaint")]));
    assert_eq!(s.count("by_type", &complaints).await.unwrap(), 30);
    assert_eq!(s.count("complaint_no", &KeyRange::all()).await.unwrap(), 30);
    let one = KeyRange::eq(IndexKey(vec![KeyPart::from("TS-04")]));
    assert_eq!(s.count("complaint_no", &one).await.unwrap(), 3);
    for (index, range) in [("complaint_no", KeyRange::all()), ("by_type", complaints)] {
        for descending in [false, true] {
            let mut seen = Vec::new();
            let mut after = None;
            loop {
                let mut q = Query::new(index, range.clone()).limit(7).after(after);
                if descending {
                    q = q.descending();
                }
                let p = s.query(&q).await.unwrap();
                assert!(p.corrupt.is_empty());
                seen.extend(p.docs.iter().map(|d| d.body["n"].as_i64().unwrap()));
                after = p.next;
                if after.is_none() {
                    break;
                }
            }
            let mut want: Vec<i64> = (0..30).collect();
            if descending {
                want.reverse();
            }
            assert_eq!(seen, want, "{index}, descending: {descending}");
        }
    }
    assert_eq!(
        s.get("complaint:07").await.unwrap().rev.unwrap(),
        format!("1-{:032x}", 7)
    );
    IdbStore::delete_database(&name).await.unwrap();
}

/// A database written before schema 8: the body an object in the record, the revision tree
/// in the `revs` store. It reads, diffs and takes a new revision with its whole history.
#[wasm_bindgen_test]
async fn records_of_before_schema_8_keep_their_revision_tree() {
    let s = fresh("legacy", Schema::current()).await;
    let (r1, r2) = (
        "1-0000000000000000000000000000aaaa".to_string(),
        "2-0000000000000000000000000000bbbb".to_string(),
    );
    s.put_raw_record(&json!({"_id": "note:old", "_rev": r2, "seq": 1,
        "b": {"type": "note", "n": 2}, "ix_by_type": [["note"], "note:old"]}))
        .await
        .unwrap();
    let mut tree = RevTree::new();
    tree.merge_path(&[r2.clone(), r1.clone()], false).unwrap();
    s.put_raw_legacy_tree(
        "note:old",
        &RevRecord {
            tree,
            leaves: Default::default(),
        },
    )
    .await
    .unwrap();
    let d = s.get("note:old").await.unwrap();
    assert_eq!(d.body["n"], 2);
    assert_eq!(
        s.rev_tree("note:old").await.unwrap().history(&r2),
        vec![r2.clone(), r1.clone()]
    );
    let missing = s
        .revs_diff(vec![(
            "note:old".into(),
            vec![r1.clone(), "3-0000000000000000000000000000cccc".into()],
        )])
        .await
        .unwrap();
    assert_eq!(
        missing,
        vec![(
            "note:old".to_string(),
            vec!["3-0000000000000000000000000000cccc".to_string()]
        )]
    );
    let p = s
        .query(&Query::new("by_type", KeyRange::all()))
        .await
        .unwrap();
    assert_eq!((p.docs.len(), p.corrupt.len()), (1, 0));
    // The feed with the record's state: its tree from the `revs` store.
    let changed = s.changed_states(0, 10).await.unwrap();
    assert_eq!(changed.len(), 1);
    let (c, cur) = &changed[0];
    assert_eq!(
        (c.seq, c.id.as_str(), c.rev.as_str(), c.deleted),
        (1, "note:old", r2.as_str(), false)
    );
    assert_eq!(cur.revs.tree.history(&r2), vec![r2.clone(), r1.clone()]);
    assert_eq!(cur.winner.body["n"], json!(2));
    // Received again beside a new document: the record is not rewritten, so its tree stays.
    let again = |id: &str, rev: &str, history: Vec<String>| ReplicatedRev {
        history,
        ..suite::first_revision(id, rev, json!({"type": "note", "n": 2}))
    };
    s.put_replicated(vec![
        again("note:old", &r2, vec![r2.clone(), r1.clone()]),
        again("note:new", &r1, vec![r1.clone()]),
    ])
    .await
    .unwrap();
    assert_eq!(
        s.rev_tree("note:old").await.unwrap().history(&r2),
        vec![r2.clone(), r1.clone()],
        "a record read but not rewritten keeps its legacy tree"
    );
    // A new revision: the tree moves into the record, the whole history with it.
    let r3 = s
        .put(Doc {
            body: json!({"type": "note", "n": 3}),
            ..d
        })
        .await
        .unwrap();
    let history = s.rev_tree("note:old").await.unwrap().history(&r3);
    assert_eq!(history, vec![r3.clone(), r2, r1]);
    let changed = s.changed_states(0, 10).await.unwrap();
    assert_eq!(changed.len(), 2);
    assert_eq!(changed[1].0.rev, r3);
    assert_eq!(changed[1].1.winner.body["n"], json!(3));
    IdbStore::delete_database(s.name()).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_transaction_failing_half_way_leaves_nothing() {
    let s = fresh("atomic", Schema::current()).await;
    s.put(Doc::new("note:0500", json!({"type": "note"})))
        .await
        .unwrap();
    // 1000 new documents with one conflicting in the middle (also exercises the count-first path).
    let mut docs: Vec<Doc> = (0..1000)
        .map(|i| Doc::new(format!("note:{i:04}"), json!({"type": "note", "n": i})))
        .collect();
    docs[500].body["n"] = json!(-1);
    assert_eq!(
        s.bulk(docs).await,
        Err(StoreError::Conflict {
            id: "note:0500".into()
        })
    );
    assert_eq!(s.count("by_type", &KeyRange::all()).await.unwrap(), 1);
    assert_eq!(s.update_seq().await.unwrap(), 1);
    assert!(matches!(
        s.get("note:0999").await,
        Err(StoreError::NotFound { .. })
    ));
    // And a clean bulk of the same size goes through in one transaction.
    let docs: Vec<Doc> = (0..1000)
        .map(|i| Doc::new(format!("task:{i:04}"), json!({"type": "task", "n": i})))
        .collect();
    s.bulk(docs).await.unwrap();
    let tasks = KeyRange::eq(IndexKey(vec![KeyPart::from("task")]));
    assert_eq!(s.count("by_type", &tasks).await.unwrap(), 1000);
    assert_eq!(s.update_seq().await.unwrap(), 1001);
    IdbStore::delete_database(s.name()).await.unwrap();
}

#[wasm_bindgen_test]
async fn subscribers_hear_of_writes() {
    let s = fresh("notify", Schema::current()).await;
    let heard: Rc<RefCell<Vec<u64>>> = Rc::default();
    let h = heard.clone();
    let sub = s.subscribe(move |seq| h.borrow_mut().push(seq)).unwrap();
    s.put(Doc::new("note:1", json!({"type": "note"})))
        .await
        .unwrap();
    s.bulk(vec![
        Doc::new("note:2", json!({"type": "note"})),
        Doc::new("note:3", json!({"type": "note"})),
    ])
    .await
    .unwrap();
    for _ in 0..50 {
        if heard.borrow().len() >= 2 {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    assert_eq!(*heard.borrow(), vec![1, 3]);
    drop(sub);
    s.put(Doc::new("note:4", json!({"type": "note"})))
        .await
        .unwrap();
    gloo_timers::future::TimeoutFuture::new(50).await;
    assert_eq!(heard.borrow().len(), 2, "no message after unsubscribing");
    let info = IdbStore::storage_info().await.unwrap();
    assert!(info.quota_bytes.unwrap_or(0.0) > 0.0);
    IdbStore::delete_database(s.name()).await.unwrap();
}

/// Another tab holding the database open (and not letting go) blocks an upgrade: the open
/// reports `Blocked` instead of hanging, and succeeds once the other connection is gone.
#[wasm_bindgen_test]
async fn an_upgrade_blocked_by_another_connection_is_reported() {
    use wasm_bindgen::JsCast;
    let name = fresh_name("blocked");
    IdbStore::delete_database(&name).await.unwrap();
    let v1 = IdbStore::open_with(&name, Schema::current()).await.unwrap();
    v1.close();
    drop(v1);
    // A raw connection with no versionchange handler: it never closes on its own.
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let req = factory.open(&name).unwrap();
    let (tx, rx) = futures::channel::oneshot::channel::<()>();
    let tx = RefCell::new(Some(tx));
    let on_ok = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
        if let Some(tx) = tx.borrow_mut().take() {
            let _ = tx.send(());
        }
    });
    req.set_onsuccess(Some(on_ok.as_ref().unchecked_ref()));
    rx.await.unwrap();
    let holder: web_sys::IdbDatabase = req.result().unwrap().unchecked_into();

    let blocked = IdbStore::open_with(&name, v2_schema()).await;
    assert!(
        matches!(blocked, Err(StoreError::Blocked)),
        "got {:?}",
        blocked.err()
    );

    holder.close();
    let v2 = IdbStore::open_with(&name, v2_schema()).await.unwrap();
    assert_eq!(v2.count("by_type", &KeyRange::all()).await.unwrap(), 0);
    v2.close();
    drop(v2);
    IdbStore::delete_database(&name).await.unwrap();
}

/// Note `n` as a pull receives it at its first revision (`1-` and `n` padded to 32 digits).
fn pulled_note(n: u32) -> ReplicatedRev {
    let body = json!({"type": "note", "status": "open", "n": n});
    suite::first_revision(&format!("note:{n:03}"), &format!("1-{n:0>32}"), body)
}

/// What a pull asks `revs_diff` of a page: each id with its revisions.
fn wanted(docs: &[ReplicatedRev]) -> Vec<(String, Vec<String>)> {
    let wanted = docs.iter().map(|r| (r.doc.id.clone(), r.history.clone()));
    wanted.collect()
}

/// A pull's pages: found missing by `revs_diff`, then written without being read again while
/// only this connection's writes of other documents come between. Another connection's write
/// in between (another tab's) makes the write read first, and that revision is kept.
#[wasm_bindgen_test]
async fn a_pulled_page_is_written_without_reading_it_again() {
    let name = fresh_name("known-absent");
    IdbStore::delete_database(&name).await.unwrap();
    let a = IdbStore::open_with(&name, suite::schema()).await.unwrap();
    let b = IdbStore::open_with(&name, suite::schema()).await.unwrap();
    let page =
        |from: u32, to: u32| -> Vec<ReplicatedRev> { (from..=to).map(pulled_note).collect() };
    // Two pages scanned before either is written, as the pull's pipeline does.
    let (page1, page2, page3) = (page(1, 40), page(41, 80), page(81, 120));
    assert_eq!(a.revs_diff(wanted(&page1)).await.unwrap().len(), 40);
    assert_eq!(a.revs_diff(wanted(&page2)).await.unwrap().len(), 40);
    a.put_replicated(page1.clone()).await.unwrap();
    a.put_replicated(page2.clone()).await.unwrap();
    assert_eq!(a.reads_skipped(), 2);
    // Another tab writes one of the third page's documents after it was scanned.
    assert_eq!(a.revs_diff(wanted(&page3)).await.unwrap().len(), 40);
    let theirs = b
        .put(Doc::new(
            "note:100",
            json!({"type": "note", "status": "open", "n": 0}),
        ))
        .await
        .unwrap();
    a.put_replicated(page3.clone()).await.unwrap();
    assert_eq!(a.reads_skipped(), 2, "the third page was read first");
    let tree = a.rev_tree("note:100").await.unwrap();
    let mut leaves = tree.leaves();
    leaves.sort();
    let received = page3[19].doc.rev.clone().unwrap();
    assert_eq!(leaves, vec![received.as_str(), theirs.as_str()]);
    for r in page1.iter().chain(&page2).chain(&page3) {
        if r.doc.id != "note:100" {
            assert_eq!(b.get(&r.doc.id).await.unwrap().rev, r.doc.rev);
        }
    }
    assert_eq!(a.update_seq().await.unwrap(), 121);
    let open = KeyRange::prefix(IndexKey(vec![KeyPart::Str("open".into())]));
    let open = Query::new("t_status_n", open);
    assert_eq!(b.query(&open.limit(200)).await.unwrap().docs.len(), 120);
    // A record put raw by the other connection (the test hook) is read too: found damaged, the
    // server's copy is written in its place (the only readable one), and the write says so.
    let page4 = page(121, 130);
    assert_eq!(a.revs_diff(wanted(&page4)).await.unwrap().len(), 10);
    b.put_raw_record(&json!({"_id": "note:125", "b": 17}))
        .await
        .unwrap();
    let received = page4[4].doc.rev.clone();
    let over = a.put_replicated(page4).await;
    assert_eq!(over.unwrap(), vec!["note:125".to_string()]);
    assert_eq!(b.get("note:125").await.unwrap().rev, received);
    assert_eq!(a.reads_skipped(), 2);
    drop((a, b));
    IdbStore::delete_database(&name).await.unwrap();
}

/// A first pull into a new device's database, which holds a few documents of its own: once
/// `revs_diff` has read the store's ids, later pages are diffed without reading ids that were
/// neither there nor written since by this connection (those are read: a document of the
/// device's own, a document the first page wrote and the second changes); another
/// connection's write in between makes every later diff read again.
#[wasm_bindgen_test]
async fn a_first_pull_diffs_its_pages_without_reading_absent_ids() {
    let name = fresh_name("known-empty");
    IdbStore::delete_database(&name).await.unwrap();
    let a = IdbStore::open_with(&name, suite::schema()).await.unwrap();
    let b = IdbStore::open_with(&name, suite::schema()).await.unwrap();
    let rev = |g: u32, n: u32| format!("{g}-{n:0>32}");
    let doc = pulled_note;
    // The device's own document, which the server has too (pushed before, say).
    let own = json!({"type": "note", "status": "open", "n": 4});
    let own_rev = a.put(Doc::new("note:004", own.clone())).await.unwrap();
    // Pages of interleaved ids, so that each page's id range holds the pages before it.
    let page1: Vec<ReplicatedRev> = (1..=60).step_by(2).map(doc).collect();
    assert_eq!(a.revs_diff(wanted(&page1)).await.unwrap().len(), 30);
    assert_eq!(a.diffs_known(), 0, "the first diff reads the store's ids");
    a.put_replicated(page1.clone()).await.unwrap();
    // The second page: new documents, and the second revision of one the first page wrote.
    let mut page2: Vec<ReplicatedRev> = (2..=60).step_by(2).map(doc).collect();
    page2[1] = suite::first_revision("note:004", &own_rev, own);
    let mut edited = doc(7);
    edited.doc.rev = Some(rev(2, 7));
    edited.history = vec![rev(2, 7), rev(1, 7)];
    page2.push(edited);
    let missing = a.revs_diff(wanted(&page2)).await.unwrap();
    assert_eq!(a.diffs_known(), 1);
    assert_eq!(
        missing.len(),
        30,
        "note:004 was read and found: {missing:?}"
    );
    let seven = missing.iter().find(|(id, _)| id == "note:007").unwrap();
    assert_eq!(
        seven.1,
        vec![rev(2, 7)],
        "the first revision was read, not taken as absent"
    );
    a.put_replicated(page2).await.unwrap();
    assert_eq!(a.get("note:007").await.unwrap().rev, Some(rev(2, 7)));
    // Another tab writes a document; the next diff reads, and finds it.
    let theirs = b
        .put(Doc::new(
            "note:061",
            json!({"type": "note", "status": "open", "n": 61}),
        ))
        .await
        .unwrap();
    let mut page3: Vec<ReplicatedRev> = (61..=70).map(doc).collect();
    page3[0].doc.rev = Some(theirs.clone());
    page3[0].history = vec![theirs];
    let missing = a.revs_diff(wanted(&page3)).await.unwrap();
    assert_eq!(missing.len(), 9, "note:061 is there: {missing:?}");
    assert_eq!(a.diffs_known(), 1);
    a.put_replicated(page3).await.unwrap();
    // Known no longer, and the store is not empty: later diffs read as before.
    let page4: Vec<ReplicatedRev> = (71..=80).map(doc).collect();
    assert_eq!(a.revs_diff(wanted(&page4)).await.unwrap().len(), 10);
    assert_eq!(a.diffs_known(), 1);
    assert_eq!(a.update_seq().await.unwrap(), 71);
    // A store of more documents than `FEW` has none of its ids held: every diff reads.
    let c = IdbStore::open_with(&name, suite::schema()).await.unwrap();
    let many: Vec<Doc> = (100..1200)
        .map(|n| Doc::new(format!("note:{n:04}"), json!({"type": "note", "n": n})))
        .collect();
    c.bulk(many).await.unwrap();
    let page5: Vec<ReplicatedRev> = (81..=90).map(doc).collect();
    assert_eq!(c.revs_diff(wanted(&page5)).await.unwrap().len(), 10);
    assert_eq!(c.revs_diff(wanted(&page5)).await.unwrap().len(), 10);
    assert_eq!(c.diffs_known(), 0);
    drop(c);
    drop((a, b));
    IdbStore::delete_database(&name).await.unwrap();
}

/// The saves of one note: written, some edited, some moved to another bucket (status), some
/// deleted, one save at a time as the app saves them. Run on any store.
async fn save_notes_one_at_a_time<S: DocStore>(s: &S, first: usize, n: usize) {
    let note = |i: usize, status: &str, v: usize| {
        Doc::new(
            format!("note:{i:03}"),
            json!({"type": "note", "status": status, "n": v}),
        )
    };
    for i in first..first + n {
        let rev = s.put(note(i, "open", i)).await.unwrap();
        let mut edited = note(i, if i % 9 == 0 { "done" } else { "open" }, i * 10);
        if i % 3 == 0 {
            edited.rev = Some(rev);
            let rev = s.put(edited).await.unwrap();
            if i % 7 == 0 {
                s.delete(&format!("note:{i:03}"), &rev).await.unwrap();
            }
        }
    }
}

/// A summary bucket written one save at a time (a segment per save) is rewritten as one
/// segment when a read finds it crowded; the summaries read the same before and after, and
/// saves after it count over it.
#[wasm_bindgen_test]
async fn a_crowded_summary_bucket_is_compacted_and_reads_the_same() {
    use kefu::store::memory::MemoryStore;
    let s = fresh("compact", suite::schema()).await;
    let twin = MemoryStore::open_with(suite::schema());
    save_notes_one_at_a_time(&s, 0, 60).await;
    save_notes_one_at_a_time(&twin, 0, 60).await;
    let all = KeyRange::all();
    let expected = typed::summaries_of::<i64, _>(&twin, "t_note_n", &all)
        .await
        .unwrap();
    assert_eq!(expected.len(), 60 - 3);
    // Bucket "o" (open) holds a segment per save, more than COMPACT_AT; the first read sees
    // them all and leaves bucket "o" as one segment: what is left is that one and bucket
    // "d"'s (done: 7 moves and the deletes of moved notes, below COMPACT_AT).
    read_crowded_then_compacted(&s, &expected, 1 + 10).await;
    // Saves after the compaction count over it: new notes, and edits, moves and deletes of
    // notes in the compacted bucket.
    saves_after_compaction(&s).await;
    saves_after_compaction(&twin).await;
    let expected = typed::summaries_of::<i64, _>(&twin, "t_note_n", &all)
        .await
        .unwrap();
    assert_eq!(expected.len(), 57 + 40 - 2 - 1);
    // Bucket "o" is crowded again (note 7 moved out and back in it): compacted over the
    // first compaction.
    read_crowded_then_compacted(&s, &expected, 1 + 20).await;
    IdbStore::delete_database(s.name()).await.unwrap();
}

/// Two reads of `t_note_n`: the first finds a bucket crowded (more than `COMPACT_AT` segments)
/// and compacts it, the second finds at most `at_most` segments; both read `expected`.
async fn read_crowded_then_compacted(
    s: &IdbStore,
    expected: &[(String, Option<i64>)],
    at_most: usize,
) {
    use kefu::store::summary::{merge, COMPACT_AT};
    let all = KeyRange::all();
    let crowded = s.summary_segments("t_note_n", &all).await.unwrap();
    assert!(crowded.len() > COMPACT_AT, "{} segments", crowded.len());
    assert_eq!(merge::<i64>(crowded, &all).unwrap(), expected);
    let compacted = s.summary_segments("t_note_n", &all).await.unwrap();
    assert!(compacted.len() <= at_most, "{} segments", compacted.len());
    assert_eq!(merge::<i64>(compacted, &all).unwrap(), expected);
}

/// 40 new notes (as above), and edits of five compacted notes: two moved to "done", one edited
/// in place, one deleted, one moved there and back.
async fn saves_after_compaction<S: DocStore>(s: &S) {
    save_notes_one_at_a_time(s, 60, 40).await;
    for (i, steps) in [
        (1, &["done"][..]),
        (2, &["done"][..]),
        (4, &["open"][..]),
        (5, &["delete"][..]),
        (7, &["done", "open"][..]),
    ] {
        for step in steps {
            let mut doc = s.get(&format!("note:{i:03}")).await.unwrap();
            if *step == "delete" {
                s.delete(&doc.id, doc.rev.as_deref().unwrap())
                    .await
                    .unwrap();
                continue;
            }
            doc.body["status"] = json!(step);
            doc.body["n"] = json!(i * 100);
            s.put(doc).await.unwrap();
        }
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct TNote {
    #[serde(rename = "_id")]
    id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    rev: Option<String>,
    status: String,
    n: i64,
    #[serde(default)]
    text: String,
}
impl kefu::domain::Record for TNote {
    const TYPE: &'static str = "note";
}

/// All of an index's pages of typed records with their positions by `typed::placed_page_of`
/// (read from the page's text), checked against the same pages read as documents
/// (`typed::page_of`): rows, ends and damaged ids; each row's position is where a page after
/// it starts.
async fn typed_pages_both_ways(s: &IdbStore, q: Query) -> Vec<(Vec<TNote>, Vec<String>)> {
    let def = *suite::schema().index(&q.index).unwrap();
    let mut pages = Vec::new();
    let mut after = None;
    loop {
        let q = q.clone().after(after);
        let placed = typed::placed_page_of::<TNote, _>(s, &q, &def)
            .await
            .unwrap();
        let docs = typed::page_of::<TNote, _>(s, &q).await.unwrap();
        let rows: Vec<TNote> = placed.rows.iter().map(|(r, _)| r.clone()).collect();
        assert_eq!(
            (&rows, &placed.next, &placed.corrupt),
            (&docs.rows, &docs.next, &docs.corrupt)
        );
        for (i, (r, at)) in placed.rows.iter().enumerate() {
            let at = at.clone().unwrap();
            assert_eq!(at.id, r.id);
            if i + 1 == placed.rows.len() {
                // The page's end, unless a damaged record came after it.
                if docs.corrupt.is_empty() && docs.next.is_some() {
                    assert_eq!(Some(&at), docs.next.as_ref());
                }
                continue;
            }
            // (A damaged record may stand between: it is left out of the rows.)
            let rest = typed::page_of::<TNote, _>(s, &q.clone().after(Some(at)))
                .await
                .unwrap();
            assert_eq!(
                rest.rows.first().map(|n| &n.id),
                Some(&placed.rows[i + 1].0.id)
            );
        }
        pages.push((rows, placed.corrupt));
        after = placed.next;
        if after.is_none() || pages.len() > 20 {
            return pages;
        }
    }
}

/// Typed pages are read straight from the page's text (each body with its `_id` and `_rev` put
/// in): the same records, cursors and damaged ids as read through documents, ids that need
/// escaping and an empty body among them; an index that may hold other types is not read so.
#[wasm_bindgen_test]
async fn typed_pages_read_from_text_as_from_documents() {
    let s = fresh("typed-text", suite::schema()).await;
    let mut docs = Vec::new();
    for i in 0..9 {
        let body = json!({"type": "note", "status": "open", "n": i, "text": format!("第{i}条 \"引号\" \\ 投诉")});
        docs.push(Doc::new(format!("note:{i}\"q\\"), body));
    }
    s.bulk(docs).await.unwrap();
    let open = KeyRange::prefix(IndexKey(vec![KeyPart::from("open")]));
    let q = Query::new("t_status_n", open).descending().limit(4);
    // Read from the text indeed, not through documents as a fallback.
    let text = s.query_text(&q, "note").await.unwrap().unwrap().text;
    assert_eq!(typed::records_of::<TNote>(&text).map(|r| r.len()), Some(4));
    assert!(s.query_text(&q, "task").await.unwrap().is_none());
    assert!(s
        .query_text(&Query::new("by_type", KeyRange::all()), "note")
        .await
        .unwrap()
        .is_none());
    let pages = typed_pages_both_ways(&s, q.clone()).await;
    let ns: Vec<i64> = pages
        .iter()
        .flat_map(|(r, _)| r.iter().map(|n| n.n))
        .collect();
    assert_eq!(ns, (0..9).rev().collect::<Vec<_>>());
    let first = &pages[0].0[0];
    assert_eq!(first.id, "note:8\"q\\");
    assert_eq!(first.text, "第8条 \"引号\" \\ 投诉");
    assert!(first.rev.as_deref().unwrap().starts_with("1-"));
    // Saved back through the typed layer: its revision is current.
    let mut edited = first.clone();
    edited.text = "改".into();
    typed::save(&s, &edited).await.unwrap();
    // Damaged records in the index: a body that is not JSON, one that is not a note's shape,
    // one with no revision; and an empty body, which is no note either. Each page holding one
    // is read again as documents, which names it; the rest of the page still loads.
    let raw = [
        json!({"_id": "note:x1", "_rev": "1-ab", "seq": 900, "b": "{not json", "ix_t_status_n": ["open", 100]}),
        json!({"_id": "note:x2", "_rev": "1-ab", "seq": 901, "b": "{\"type\":\"note\",\"status\":\"open\",\"n\":\"x\"}", "ix_t_status_n": ["open", 3.5]}),
        json!({"_id": "note:x3", "seq": 902, "b": "{\"type\":\"note\",\"status\":\"open\",\"n\":2}", "ix_t_status_n": ["open", 2.5]}),
        json!({"_id": "note:x4", "_rev": "1-ab", "seq": 903, "b": "{ }", "ix_t_status_n": ["open", -1]}),
    ];
    for r in &raw {
        s.put_raw_record(r).await.unwrap();
    }
    let pages = typed_pages_both_ways(&s, q).await;
    let ns: Vec<i64> = pages
        .iter()
        .flat_map(|(r, _)| r.iter().map(|n| n.n))
        .collect();
    assert_eq!(ns, (0..9).rev().collect::<Vec<_>>());
    let damaged: Vec<String> = pages.into_iter().flat_map(|(_, c)| c).collect();
    assert_eq!(damaged, ["note:x1", "note:x2", "note:x3", "note:x4"]);
    IdbStore::delete_database(s.name()).await.unwrap();
}

/// A case destroyed (销毁) on another device arrives by sync over this device's record of it,
/// which can no longer be read: the journey map's summary of the case, written when the record
/// was whole, goes with it (the destroyed revision has none), as it does over a readable record.
#[wasm_bindgen_test]
async fn a_destroyed_case_pulled_over_a_damaged_record_leaves_no_journey_summary() {
    let s = fresh("damaged-summary", Schema::current()).await;
    let case = |destroyed: bool| {
        json!({"type": "complaint", "case_no": "TS-20260105-001", "channel": "phone",
            "complainant": {"name": "王芳"}, "received_at": "2026-01-05T09:30:00",
            "destroyed": destroyed})
    };
    let (r1, r2) = (format!("1-{:032x}", 1), format!("2-{:032x}", 2));
    let (id, other) = ("complaint:a", "complaint:b");
    s.put_replicated(vec![
        suite::first_revision(id, &r1, case(false)),
        suite::first_revision(other, &r1, case(false)),
    ])
    .await
    .unwrap();
    let all = KeyRange::all();
    let journey = || typed::summaries_of::<Json, _>(&s, "journey_complaint", &all);
    assert_eq!(journey().await.unwrap().len(), 2);
    // This device's record of the case is damaged: its body is no longer JSON.
    let seq = s.update_seq().await.unwrap() + 1;
    s.put_raw_record(&json!({"_id": id, "_rev": r1, "seq": seq, "b": "{not json"}))
        .await
        .unwrap();
    let destroyed = |id: &str| ReplicatedRev {
        history: vec![r2.clone(), r1.clone()],
        ..suite::first_revision(id, &r2, case(true))
    };
    let replaced = s.put_replicated(vec![destroyed(id)]).await.unwrap();
    assert_eq!(replaced, vec![id.to_string()]);
    let left: Vec<String> = journey()
        .await
        .unwrap()
        .into_iter()
        .map(|(i, _)| i)
        .collect();
    assert_eq!(left, vec![other.to_string()]);
    // And over a readable record, as ever.
    s.put_replicated(vec![destroyed(other)]).await.unwrap();
    assert!(journey().await.unwrap().is_empty());
    IdbStore::delete_database(s.name()).await.unwrap();
}
