//! Host tests of sync/: protocol payloads against the shapes CouchDB documents, and the engine
//! against the in-memory fake server (faults included).

use std::cell::Cell;

use futures::executor::block_on;
use serde_json::{json, Value as Json};

use super::config::{run_cycle, Mode, SyncConfig};
use super::conflicts;
use super::engine::{self, Options, ReplicationSpec, SyncError};
use super::fake::{FakeServer, FaultKind};
use super::protocol::*;
use super::transport::{HttpRequest, HttpResponse, Method, Transport, TransportError};
use crate::store::memory::MemoryStore;
use crate::store::{Doc, DocStore, ReplicatedRev};

// ------------------------------------------------------------------ protocol

#[test]
fn replication_id_is_stable_and_tells_replications_apart() {
    let a = replication_id(
        "dev1",
        "http://127.0.0.1:5984/",
        "kefu",
        Direction::Pull,
        &[],
    );
    assert_eq!(
        a,
        replication_id(
            "dev1",
            "HTTP://127.0.0.1:5984",
            "kefu",
            Direction::Pull,
            &[]
        )
    );
    assert_eq!(
        a,
        replication_id(
            "dev1",
            "http://admin:secret@127.0.0.1:5984",
            "kefu",
            Direction::Pull,
            &[]
        )
    );
    assert!(a.starts_with("kefu-") && a.len() == 5 + 32);
    let others = [
        replication_id(
            "dev2",
            "http://127.0.0.1:5984",
            "kefu",
            Direction::Pull,
            &[],
        ),
        replication_id(
            "dev1",
            "http://127.0.0.1:5985",
            "kefu",
            Direction::Pull,
            &[],
        ),
        replication_id(
            "dev1",
            "http://127.0.0.1:5984",
            "kefu2",
            Direction::Pull,
            &[],
        ),
        replication_id(
            "dev1",
            "http://127.0.0.1:5984",
            "kefu",
            Direction::Push,
            &[],
        ),
        replication_id(
            "dev1",
            "http://127.0.0.1:5984",
            "kefu",
            Direction::Pull,
            &["response".into()],
        ),
    ];
    for o in &others {
        assert_ne!(&a, o);
    }
    // Filter order does not matter.
    assert_eq!(
        replication_id(
            "d",
            "http://x",
            "db",
            Direction::Push,
            &["a".into(), "b".into()]
        ),
        replication_id(
            "d",
            "http://x",
            "db",
            Direction::Push,
            &["b".into(), "a".into()]
        )
    );
}

#[test]
fn urls_names_and_paths() {
    assert_eq!(
        normalize_url(" https://U:P@Couch.Example.com/couch/ "),
        "https://couch.example.com/couch"
    );
    assert!(valid_server_url("http://127.0.0.1:5984"));
    assert!(!valid_server_url("127.0.0.1:5984"));
    assert!(!valid_server_url("http://"));
    // A space in the host can never reach a server; nor a port alone (QA).
    assert!(!valid_server_url("http://kefu example.com"));
    assert!(!valid_server_url("http://kefu.example.com/a b"));
    assert!(!valid_server_url("http://:5984"));
    assert!(valid_server_url(" https://kefu.example.com/couch/ "));
    assert!(valid_server_url("http://[::1]:5984"));
    assert!(valid_db_name("kefu-branch_01"));
    assert!(!valid_db_name("Kefu"));
    assert!(!valid_db_name("_users"));
    assert!(!valid_db_name(""));
    assert_eq!(doc_path("kefu", "staff:01J"), "/kefu/staff%3A01J");
    assert_eq!(doc_path("a/b", "_local/x y"), "/a%2Fb/_local/x%20y");
    assert_eq!(doc_path("kefu", "_design/v"), "/kefu/_design/v");
    assert_eq!(encode_component("客"), "%E5%AE%A2");
}

#[test]
fn a_database_never_written_is_told_by_couchdb_and_pouchdb_server_info() {
    // CouchDB 3: counts of live and deleted documents, an opaque string sequence.
    let couch = |docs: u64, deleted: u64, seq: &str| json!({"db_name": "kefu", "doc_count": docs, "doc_del_count": deleted, "update_seq": seq});
    assert!(never_written(&couch(
        0,
        0,
        "0-g1AAAAFTeJzLYWBg4MhgTmHgz8tPSTV0MDQy1zMAQsMcoAxT"
    )));
    assert!(!never_written(&couch(
        0,
        3,
        "3-g1AAAAFTeJzLYWBg4MhgTmHgz8tPSTV0MDQy1zMAQsMcoAxT"
    )));
    assert!(!never_written(&couch(
        2,
        0,
        "2-g1AAAAFTeJzLYWBg4MhgTmHgz8tPSTV0MDQy1zMAQsMcoAxT"
    )));
    // PouchDB Server: no deleted count; a number sequence.
    let pouch =
        |docs: u64, seq: u64| json!({"db_name": "kefu", "doc_count": docs, "update_seq": seq});
    assert!(never_written(&pouch(0, 0)));
    assert!(
        !never_written(&pouch(0, 4)),
        "everything written was deleted"
    );
    assert!(!never_written(&pouch(1, 1)));
    // Not a database's info: ask.
    assert!(!never_written(&json!({"db_name": "kefu"})));
    assert!(!never_written(&json!({"doc_count": 0})));
}

#[test]
fn base64_and_basic_auth() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    assert_eq!(
        basic_auth("Aladdin", "open sesame"),
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    );
    assert_eq!(
        basic_auth("张", "密"),
        format!("Basic {}", base64("张:密".as_bytes()))
    );
}

#[test]
fn changes_feed_of_couchdb_3_parses_with_opaque_string_seqs() {
    // The shape of CouchDB 3's `GET /db/_changes?style=all_docs` (seqs are strings).
    let body = json!({
        "results": [
            {"seq": "1-g1AAAAF9eJzLYWBg4MhgTmHgz8tPSTV0MDQy1zMAQsMcoARTIkOS_P___7MyWBMZc4EC7GbJRikWxpbYNOAxIY8FSDI0AKn_cFMSGcDGGCUbGRilkmRRHv86TtAB",
             "id": "staff:01J0", "changes": [{"rev": "2-7051cbe5c8faecd085a3fa619e6e6337"}, {"rev": "2-aaaa"}]},
            {"seq": "2-g1AAAAF9eJzLYWBg4MhgTmHgz8tPSTV0MDQy1zMAQsMcoARTIkOS_P___7MyWBMZc4EC7GbJRikWxpbYNOAxIY8FSDI0AKn_cFMSGcDGGCUbGRilkmRRHv86TtAC",
             "id": "note:1", "deleted": true, "changes": [{"rev": "3-bbbb"}]}
        ],
        "last_seq": "2-g1AAAAF9eJzLYWBg4MhgTmHgz8tPSTV0MDQy1zMAQsMcoARTIkOS_P___7MyWBMZc4EC7GbJRikWxpbYNOAxIY8FSDI0AKn_cFMSGcDGGCUbGRilkmRRHv86TtAC",
        "pending": 0
    });
    let page = parse_changes(body.clone()).unwrap();
    assert_eq!(page.rows.len(), 2);
    assert_eq!(
        page.rows[0].revs,
        vec!["2-7051cbe5c8faecd085a3fa619e6e6337", "2-aaaa"]
    );
    assert!(page.rows[1].deleted && !page.rows[0].deleted);
    assert!(page.rows.iter().all(|r| r.doc.is_none()));
    assert_eq!(page.last_seq, body["last_seq"]);
    assert_eq!(page.pending, Some(0));
    // The seq goes back to the server untouched (only URL-encoded).
    let p = changes_path("kefu", &page.last_seq, 50, false);
    assert!(
        p.starts_with("/kefu/_changes?style=all_docs&since=2-g1AAAAF9"),
        "{p}"
    );
    assert!(p.ends_with("&limit=50"));
    // PouchDB Server's numeric seqs, and no last_seq at all on an empty page.
    let n = parse_changes(
        json!({"results": [{"seq": 7, "id": "a", "changes": [{"rev": "1-x"}],
                            "doc": {"_id": "a", "_rev": "1-x", "n": 1}}], "last_seq": 7}),
    )
    .unwrap();
    assert_eq!(n.last_seq, json!(7));
    assert_eq!(
        n.rows[0].doc,
        Some(json!({"_id": "a", "_rev": "1-x", "n": 1}))
    );
    assert_eq!(
        changes_path("kefu", &json!(7), 10, false),
        "/kefu/_changes?style=all_docs&since=7&limit=10"
    );
    assert_eq!(
        changes_path("kefu", &json!(7), 10, true),
        "/kefu/_changes?style=all_docs&since=7&limit=10&include_docs=true"
    );
    assert!(parse_changes(json!({"last_seq": 0})).is_err());
}

#[test]
fn revs_diff_payload_and_answer() {
    let body = revs_diff_body(&[
        (
            "190f721ca3411be7aa9477db5f948bbb".into(),
            vec![
                "3-bb72a7682290f94a985f7afac8b27137".into(),
                "4-10265e5a26d807a3cfa459cf1a82ef2e".into(),
            ],
        ),
        (
            "190f721ca3411be7aa9477db5f948bbb".into(),
            vec!["3-bb72a7682290f94a985f7afac8b27137".into()],
        ),
    ]);
    assert_eq!(
        body,
        json!({"190f721ca3411be7aa9477db5f948bbb": ["3-bb72a7682290f94a985f7afac8b27137", "4-10265e5a26d807a3cfa459cf1a82ef2e"]})
    );
    // The answer CouchDB documents for that request.
    let answer = json!({
        "190f721ca3411be7aa9477db5f948bbb": {
            "missing": ["3-bb72a7682290f94a985f7afac8b27137", "5-067a00dff5e02add41819138abb3284d"],
            "possible_ancestors": ["4-10265e5a26d807a3cfa459cf1a82ef2e"]
        },
        "other": {"missing": []}
    });
    let missing = parse_revs_diff(&answer).unwrap();
    assert_eq!(missing.len(), 1);
    assert_eq!(
        missing[0].1,
        vec![
            "3-bb72a7682290f94a985f7afac8b27137",
            "5-067a00dff5e02add41819138abb3284d"
        ]
    );
}

#[test]
fn bulk_get_and_open_revs_answers_parse_with_history() {
    // CouchDB's documented `_bulk_get?revs=true` answer: one conflicted document (two leaves)
    // and one error.
    let answer = json!({
        "results": [
            {"id": "a", "docs": [
                {"ok": {"_id": "a", "_rev": "2-0b6a3b1b8a2a4f6c", "type": "note", "_revisions": {"start": 2, "ids": ["0b6a3b1b8a2a4f6c", "d21f2e9c"]}}},
                {"ok": {"_id": "a", "_rev": "2-d1e4b1a9", "_deleted": true, "_revisions": {"start": 2, "ids": ["d1e4b1a9", "d21f2e9c"]}}}
            ]},
            {"id": "b", "docs": [{"error": {"id": "b", "rev": "1-x", "error": "not_found", "reason": "missing"}}]}
        ]
    });
    let (ok, missing) = parse_bulk_get(answer.clone()).unwrap();
    assert_eq!(ok.len(), 2);
    assert_eq!(ok[0].history, vec!["2-0b6a3b1b8a2a4f6c", "1-d21f2e9c"]);
    assert_eq!(
        ok[0].doc.body,
        json!({"type": "note"}),
        "envelope fields are stripped"
    );
    assert!(ok[1].doc.deleted);
    assert_eq!(
        missing,
        vec![MissingRev {
            id: "b".into(),
            rev: "1-x".into(),
            error: "not_found".into()
        }]
    );
    assert!(
        missing[0].is_final(),
        "not_found: the server has no such revision"
    );
    let passing = MissingRev {
        error: "unknown_error".into(),
        ..missing[0].clone()
    };
    assert!(!passing.is_final(), "asked for again");
    // PouchDB Server says `{"missing": rev}` inside `docs`.
    let (ok, missing) =
        parse_bulk_get(json!({"results": [{"id": "x", "docs": [{"missing": "1-a"}]}]})).unwrap();
    assert!(ok.is_empty());
    assert_eq!(
        missing,
        vec![MissingRev {
            id: "x".into(),
            rev: "1-a".into(),
            error: "missing".into()
        }]
    );
    assert!(is_no_db(
        &json!({"error": "not_found", "reason": "no_db_file"})
    ));
    assert!(is_no_db(
        &json!({"error": "not_found", "reason": "Database does not exist."})
    ));
    assert!(!is_no_db(
        &json!({"error": "not_found", "reason": "missing"})
    ));
    let or = json!([{"ok": {"_id": "a", "_rev": "1-x", "n": 1, "_revisions": {"start": 1, "ids": ["x"]}}}, {"missing": "2-y"}]);
    let (ok, missing) = parse_open_revs("a", &or).unwrap();
    assert_eq!((ok.len(), missing[0].rev.as_str()), (1, "2-y"));
    assert!(open_revs_path("kefu", "a:1", &["1-x".into()]).contains("open_revs=%5B%221-x%22%5D"));
    // Malformed histories are refused rather than grafted wrongly.
    let bad = json!({"_id": "a", "_rev": "3-x", "_revisions": {"start": 2, "ids": ["x"]}});
    assert!(replicated_from_json(&bad).is_err());
    let short = json!({"_id": "a", "_rev": "3-x", "_revisions": {"start": 1, "ids": ["x", "y"]}});
    assert!(replicated_from_json(&short).is_err());
}

#[test]
fn push_documents_carry_revisions_and_bulk_docs_refusals_are_read() {
    let d = Doc {
        id: "x:1".into(),
        rev: Some("3-c".into()),
        deleted: true,
        body: json!({"type": "x"}),
    };
    let j = doc_for_push(&d, &["3-c".into(), "2-b".into(), "1-a".into()]);
    assert_eq!(
        j,
        json!({"_id": "x:1", "_rev": "3-c", "_deleted": true, "type": "x", "_revisions": {"start": 3, "ids": ["c", "b", "a"]}})
    );
    assert_eq!(
        history_from_revisions(&j["_revisions"]).unwrap(),
        vec!["3-c", "2-b", "1-a"]
    );
    assert_eq!(
        serde_json::from_str::<Json>(&bulk_docs_body(&[])).unwrap(),
        json!({"docs": [], "new_edits": false})
    );
    let two = [j.to_string(), json!({"_id": "y"}).to_string()];
    assert_eq!(
        serde_json::from_str::<Json>(&bulk_docs_body(&two)).unwrap(),
        json!({"docs": [j, {"_id": "y"}], "new_edits": false})
    );
    // An empty body, a first revision without a given history, a body that (wrongly) holds
    // envelope fields: the envelope's values count.
    let first = Doc {
        id: "x:2".into(),
        rev: Some("1-a".into()),
        deleted: false,
        body: json!({}),
    };
    assert_eq!(
        doc_for_push(&first, &[]),
        json!({"_id": "x:2", "_rev": "1-a", "_revisions": {"start": 1, "ids": ["a"]}})
    );
    let odd = Doc {
        body: json!({"_rev": "9-z", "n": 1}),
        ..first
    };
    assert_eq!(
        doc_for_push(&odd, &[]),
        json!({"_id": "x:2", "_rev": "1-a", "n": 1, "_revisions": {"start": 1, "ids": ["a"]}})
    );
    assert!(parse_bulk_docs(&json!([])).unwrap().is_empty());
    let r = parse_bulk_docs(&json!([{"id": "x", "rev": "1-a", "error": "forbidden", "reason": "no"}, {"ok": true, "id": "y"}])).unwrap();
    assert_eq!(
        r,
        vec![Refused {
            id: "x".into(),
            error: "forbidden".into(),
            reason: "no".into()
        }]
    );
    assert!(r[0].is_final(), "a validation's verdict");
    let passing = Refused {
        error: "unknown_error".into(),
        ..r[0].clone()
    };
    assert!(!passing.is_final(), "sent again");
}

#[test]
fn batches_respect_count_and_size() {
    let docs: Vec<String> = (0..7)
        .map(|i| json!({"i": i, "pad": "x".repeat(90)}).to_string())
        .collect();
    let by_count = batches(docs.clone(), 3, usize::MAX);
    assert_eq!(by_count.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 1]);
    let size = docs[0].len();
    let by_size = batches(docs.clone(), 100, size * 2);
    assert_eq!(
        by_size.iter().map(Vec::len).collect::<Vec<_>>(),
        [2, 2, 2, 1]
    );
    let huge = batches(vec!["y".repeat(1000), "1".into()], 10, 100);
    assert_eq!(huge.len(), 2, "an oversized document goes alone");
    assert!(batches(vec![], 3, 10).is_empty());
    let flat: Vec<String> = by_size.into_iter().flatten().collect();
    assert_eq!(flat, docs, "order kept");
}

#[test]
fn checkpoints_must_agree_on_both_sides() {
    let a = Checkpoint::advance(None, "s1", json!("5-abc"));
    assert_eq!(start_seq(Some(&a), Some(&a)), json!("5-abc"));
    assert_eq!(
        start_seq(Some(&a), None),
        json!(0),
        "server lost its checkpoint: start over"
    );
    assert_eq!(start_seq(None, Some(&a)), json!(0));
    // The device advanced in session s2 but the server's write was lost: fall back to the
    // newest session both remember.
    let b = Checkpoint::advance(Some(&a), "s2", json!("9-def"));
    assert_eq!(b.history.len(), 2);
    assert_eq!(start_seq(Some(&b), Some(&a)), json!("5-abc"));
    let other = Checkpoint::advance(None, "zz", json!(3));
    assert_eq!(start_seq(Some(&b), Some(&other)), json!(0));
    assert_eq!(Checkpoint::from_json(&b.to_json()).unwrap(), b);
    let mut c = b.clone();
    for i in 0..10 {
        c = Checkpoint::advance(Some(&c), &format!("s{i}"), json!(i));
    }
    assert_eq!(c.history.len(), CHECKPOINT_HISTORY);
}

#[test]
fn backoff_grows_and_is_capped() {
    assert_eq!(backoff_ms(0, 1000, 60_000, 0.0), 1000);
    assert_eq!(backoff_ms(3, 1000, 60_000, 0.0), 8000);
    assert_eq!(backoff_ms(30, 1000, 60_000, 0.0), 60_000);
    assert_eq!(backoff_ms(3, 1000, 60_000, 1.0), 6000);
}

// ------------------------------------------------------------------ engine over the fake

fn cfg(server: &FakeServer, device: &str) -> SyncConfig {
    SyncConfig {
        url: "http://fake:5984".into(),
        db: server.db.clone(),
        local_db_id: device.into(),
        enabled: true,
        ..Default::default()
    }
}

fn opts(batch: usize) -> Options {
    Options {
        batch_size: batch,
        page_size: batch,
        max_batch_bytes: 1_000_000,
        timeout_ms: 1000,
    }
}

async fn add(store: &MemoryStore, id: &str, body: Json) -> String {
    store.put(Doc::new(id, body)).await.unwrap()
}

/// `n` notes, `note:00`, `note:01`, …, each with its number as `i`.
async fn add_notes(store: &MemoryStore, n: usize) {
    for i in 0..n {
        add(
            store,
            &format!("note:{i:02}"),
            json!({"type": "note", "i": i}),
        )
        .await;
    }
}

/// As [`add_notes`], each edited once: at their second revision, whose history a pull fetches
/// with `_bulk_get` (a first revision comes with the changes page).
async fn add_edited_notes(store: &MemoryStore, n: usize) {
    add_notes(store, n).await;
    for i in 0..n {
        edit(store, &format!("note:{i:02}"), |d| {
            d["edited"] = json!(true)
        })
        .await;
    }
}

async fn edit(store: &MemoryStore, id: &str, f: impl FnOnce(&mut Json)) -> String {
    let mut d = store.get(id).await.unwrap();
    f(&mut d.body);
    store.put(d).await.unwrap()
}

async fn ids(store: &MemoryStore) -> Vec<String> {
    store
        .all_docs(None, 10_000)
        .await
        .unwrap()
        .docs
        .into_iter()
        .map(|d| d.id)
        .collect()
}

#[test]
fn a_document_made_on_one_device_reaches_the_other() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let (a, b) = (MemoryStore::new(), MemoryStore::new());
        for i in 0..25 {
            add(
                &a,
                &format!("staff:{i:03}"),
                json!({"type": "staff", "name": format!("n{i}")}),
            )
            .await;
        }
        let r = run_cycle(&a, &server, &cfg(&server, "A"), "s1", &opts(10))
            .await
            .unwrap();
        assert_eq!((r.pulled, r.pushed), (0, 25));
        assert_eq!(server.count("_bulk_docs"), 3, "25 docs in batches of 10");
        let r = run_cycle(&b, &server, &cfg(&server, "B"), "s1", &opts(10))
            .await
            .unwrap();
        assert_eq!(r.pulled, 25);
        assert_eq!(ids(&b).await, ids(&a).await);
        assert_eq!(
            b.get("staff:007").await.unwrap(),
            a.get("staff:007").await.unwrap(),
            "same revision, same body"
        );
        // B's push finds nothing missing on the server and sends nothing.
        assert_eq!(server.count("_bulk_docs"), 3);
        // A second cycle reads from the checkpoints: nothing copied again.
        let before = server.count("_bulk_get");
        let r = run_cycle(&a, &server, &cfg(&server, "A"), "s2", &opts(10))
            .await
            .unwrap();
        assert_eq!((r.pulled, r.pushed), (0, 0));
        assert_eq!(server.count("_bulk_get"), before);
        assert_eq!(
            engine::pending(&a, &cfg(&server, "A").main_push())
                .await
                .unwrap(),
            0
        );
        edit(&a, "staff:003", |b| b["name"] = json!("renamed")).await;
        add(&a, "staff:900", json!({"type": "staff"})).await;
        assert_eq!(
            engine::pending(&a, &cfg(&server, "A").main_push())
                .await
                .unwrap(),
            2
        );
    });
}

#[test]
fn deletions_and_string_sequences_replicate() {
    block_on(async {
        let mut server = FakeServer::new("kefu");
        server.string_seqs = true;
        let (a, b) = (MemoryStore::new(), MemoryStore::new());
        let rev = add(&a, "note:1", json!({"type": "note"})).await;
        add(&a, "note:2", json!({"type": "note"})).await;
        run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(5))
            .await
            .unwrap();
        run_cycle(&b, &server, &cfg(&server, "B"), "s", &opts(5))
            .await
            .unwrap();
        a.delete("note:1", &rev).await.unwrap();
        run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(5))
            .await
            .unwrap();
        run_cycle(&b, &server, &cfg(&server, "B"), "s", &opts(5))
            .await
            .unwrap();
        assert!(b.get("note:1").await.is_err());
        assert_eq!(ids(&b).await, vec!["note:2"]);
        let cp = b
            .get_local(&cfg(&server, "B").pulls()[0].replication_id())
            .await
            .unwrap()
            .unwrap();
        assert!(
            cp["last_seq"].as_str().unwrap().contains("-g1AAAA"),
            "the opaque seq is kept as given"
        );
    });
}

#[test]
fn a_survey_s_questions_are_chosen_with_their_version_and_scales() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let (a, b) = (MemoryStore::new(), MemoryStore::new());
        let q = |zh: &str| json!([{"id": "q1", "text": {"zh": zh, "en": "Q"}, "scale": "s5"}]);
        add(
            &a,
            "survey:1",
            json!({"type": "survey", "title": {"zh": "满意度", "en": "S"}, "version": 2,
                "questions": q("服务态度"), "scales": [{"id": "s5"}], "previous_versions": [{"version": 1}],
                "changed": {"by": "张敏", "at": "2026-12-07T09:00:00"}}),
        )
        .await;
        for (s, dev) in [(&a, "A"), (&b, "B")] {
            run_cycle(s, &server, &cfg(&server, dev), "s", &opts(10))
                .await
                .unwrap();
        }
        // Cut off: A renames the survey; B edits a question, which makes version 3.
        edit(&a, "survey:1", |d| {
            d["title"] = json!({"zh": "满意度（冬季）", "en": "S"});
            d["changed"] = json!({"by": "王经理", "at": "2026-12-07T10:00:00"});
        })
        .await;
        edit(&b, "survey:1", |d| {
            d["questions"] = q("服务态度与效率");
            d["scales"] = json!([{"id": "s5"}, {"id": "s7"}]);
            d["version"] = json!(3);
            d["previous_versions"] = json!([{"version": 1}, {"version": 2}]);
            d["changed"] = json!({"by": "李强", "at": "2026-12-07T10:05:00"});
        })
        .await;
        for (s, dev) in [(&a, "A"), (&b, "B"), (&a, "A")] {
            run_cycle(s, &server, &cfg(&server, dev), "s", &opts(10))
                .await
                .unwrap();
        }
        let c = conflicts::open(&a).await.unwrap().remove(0);
        // The definition is one choice, offered as the questions; no version or scales apart.
        assert_eq!(c.fields, vec!["changed", "questions", "title"]);
        let rev_of = |v: u64| {
            std::iter::once(&c.winner)
                .chain(c.others.iter())
                .find(|d| d.body["version"] == json!(v))
                .and_then(|d| d.rev.clone())
                .unwrap()
        };
        // A's title, B's questions: B's version, scales and earlier versions come with them.
        conflicts::choose_each(
            &a,
            "survey:1",
            &rev_of(2),
            &[("questions".into(), rev_of(3))],
            &chooser("王经理"),
        )
        .await
        .unwrap();
        let kept = a.get("survey:1").await.unwrap().body;
        assert_eq!(kept["title"]["zh"], json!("满意度（冬季）"));
        assert_eq!(kept["questions"], q("服务态度与效率"));
        assert_eq!(kept["version"], json!(3));
        assert_eq!(kept["scales"].as_array().map(Vec::len), Some(2));
        assert_eq!(kept["previous_versions"].as_array().map(Vec::len), Some(2));
        assert!(a.rev_tree("survey:1").await.unwrap().conflicts().is_empty());
        let _ = (server, b);
    });
}

/// Two devices synced with one staff profile, then, cut off, A deactivates it and B renames it.
async fn offline_edits_on_two_devices() -> (FakeServer, MemoryStore, MemoryStore) {
    let server = FakeServer::new("kefu");
    let (a, b) = (MemoryStore::new(), MemoryStore::new());
    add(
        &a,
        "staff:1",
        json!({"type": "staff", "name": "张三", "active": true}),
    )
    .await;
    for (s, dev) in [(&a, "A"), (&b, "B")] {
        run_cycle(s, &server, &cfg(&server, dev), "s", &opts(10))
            .await
            .unwrap();
    }
    edit(&a, "staff:1", |d| d["active"] = json!(false)).await;
    edit(&b, "staff:1", |d| d["name"] = json!("张三丰")).await;
    (server, a, b)
}

#[test]
fn staff_keep_each_device_s_change_by_choosing_field_by_field() {
    block_on(async {
        let (server, a, b) = offline_edits_on_two_devices().await;
        for (s, dev) in [(&a, "A"), (&b, "B"), (&a, "A")] {
            run_cycle(s, &server, &cfg(&server, dev), "s", &opts(10))
                .await
                .unwrap();
        }
        let c = conflicts::open(&b).await.unwrap().remove(0);
        let rev_of = |pick: &dyn Fn(&Json) -> bool| {
            std::iter::once(&c.winner)
                .chain(c.others.iter())
                .find(|d| pick(&d.body))
                .and_then(|d| d.rev.clone())
                .unwrap()
        };
        // A deactivated the profile, B renamed it: the name from B's version, the rest
        // (the deactivation) from A's.
        let of_a = rev_of(&|b| b["active"] == json!(false));
        let of_b = rev_of(&|b| b["name"] == json!("张三丰"));
        assert_ne!(of_a, of_b);
        conflicts::choose_each(
            &b,
            "staff:1",
            &of_a,
            &[
                ("name".into(), of_b.clone()),
                ("unknown".into(), of_b.clone()),
            ],
            &chooser("李强"),
        )
        .await
        .unwrap();
        let kept = b.get("staff:1").await.unwrap().body;
        assert_eq!(kept["name"], json!("张三丰"));
        assert_eq!(kept["active"], json!(false));
        assert!(b.rev_tree("staff:1").await.unwrap().conflicts().is_empty());
        // A version that is not one of the conflict's is refused, and nothing is written.
        let (server2, a2, b2) = offline_edits_on_two_devices().await;
        for (s, dev) in [(&a2, "A"), (&b2, "B")] {
            run_cycle(s, &server2, &cfg(&server2, dev), "s", &opts(10))
                .await
                .unwrap();
        }
        let c2 = conflicts::open(&b2).await.unwrap().remove(0);
        let w = c2.winner.rev.clone().unwrap();
        let refused = conflicts::choose_each(
            &b2,
            "staff:1",
            &w,
            &[("name".into(), "9-nope".into())],
            &chooser("李强"),
        )
        .await;
        assert!(
            matches!(refused, Err(crate::store::StoreError::Conflict { .. })),
            "{refused:?}"
        );
        assert!(!b2.rev_tree("staff:1").await.unwrap().conflicts().is_empty());
        let _ = (server, a);
    });
}

#[test]
fn offline_edits_on_two_devices_keep_both_leaves_and_the_same_winner() {
    block_on(async {
        let (server, a, b) = offline_edits_on_two_devices().await;
        let ra = run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(10))
            .await
            .unwrap();
        assert!(ra.needs_person.is_empty());
        let rb = run_cycle(&b, &server, &cfg(&server, "B"), "s", &opts(10))
            .await
            .unwrap();
        assert_eq!(
            rb.needs_person,
            vec!["staff:1"],
            "two-way merge cannot know which side changed what"
        );
        run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(10))
            .await
            .unwrap();
        for s in [&a, &b, &server.store] {
            let t = s.rev_tree("staff:1").await.unwrap();
            assert_eq!(t.leaves().len(), 2, "both edits kept everywhere");
        }
        let wa = a.get("staff:1").await.unwrap();
        assert_eq!(
            wa,
            b.get("staff:1").await.unwrap(),
            "the deterministic winner shows on both"
        );
        assert_eq!(wa, server.store.get("staff:1").await.unwrap());
        // Staff choose on B the losing version; the choice replicates and A's list clears.
        let open_b = conflicts::open(&b).await.unwrap();
        assert_eq!(open_b.len(), 1);
        let c = &open_b[0];
        assert_eq!(c.fields.len(), 2, "name and active differ: {:?}", c.fields);
        let loser = c.others[0].clone();
        conflicts::choose(
            &b,
            "staff:1",
            loser.rev.as_deref().unwrap(),
            &chooser("李强"),
        )
        .await
        .unwrap();
        assert_eq!(b.get("staff:1").await.unwrap().body, loser.body);
        assert!(b.rev_tree("staff:1").await.unwrap().conflicts().is_empty());
        // Listing and choosing only read the list, so a page that lists conflicts while a
        // sync settles cannot write back a list read before the sync added to it: the id
        // stays listed until the next settle finds it settled.
        assert!(conflicts::open(&b).await.unwrap().is_empty());
        let listed = || async {
            b.get_local(conflicts::CONFLICTS_DOC)
                .await
                .unwrap()
                .unwrap()["ids"]
                .clone()
        };
        assert_eq!(listed().await, json!(["staff:1"]));
        run_cycle(&b, &server, &cfg(&server, "B"), "s", &opts(10))
            .await
            .unwrap();
        run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(10))
            .await
            .unwrap();
        assert_eq!(a.get("staff:1").await.unwrap().body, loser.body);
        assert!(a.rev_tree("staff:1").await.unwrap().conflicts().is_empty());
        assert!(conflicts::open(&a).await.unwrap().is_empty());
        assert_eq!(listed().await, json!([]));
    });
}

fn chooser(name: &str) -> conflicts::Chooser {
    conflicts::Chooser {
        by: crate::domain::complaint::StaffRef {
            id: format!("staff:{name}"),
            name: name.into(),
        },
        at: chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(18, 0, 0)
            .unwrap(),
        zh: true,
    }
}

/// A complaint under investigation on two synced devices; then, cut off, A records findings as
/// 张敏 and B other findings as 李强.
async fn findings_on_two_devices() -> (FakeServer, MemoryStore, MemoryStore) {
    use crate::domain::complaint::{Action, Channel, Complainant, Complaint, Draft};
    use crate::domain::staff::{Actor, Role};
    let at = |h: u32, m: u32, s: u32| {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(h, m, s)
            .unwrap()
    };
    let person = |name: &str| Actor {
        id: format!("staff:{name}"),
        name: name.into(),
        role: Role::Specialist,
    };
    let draft = Draft {
        complainant: Complainant {
            name: "周杰".into(),
            phone: "13700001111".into(),
            ..Default::default()
        },
        channel: Some(Channel::Phone),
        received_at: Some(at(16, 12, 0)),
        narrative: "排队两小时".into(),
        ..Default::default()
    };
    let mut c = Complaint::receive(
        &draft,
        "complaint:01".into(),
        "TS-20261203-A-0001".into(),
        "BR01",
        &person("张敏"),
        at(16, 12, 0),
    )
    .unwrap();
    c.apply(
        Action::Classify {
            category: crate::domain::complaint::Category::Other,
            severity: 2,
            department: "营业部".into(),
        },
        &person("张敏"),
        at(16, 20, 0),
    )
    .unwrap();
    c.apply(Action::StartInvestigation, &person("张敏"), at(16, 30, 0))
        .unwrap();
    let server = FakeServer::new("kefu");
    let (a, b) = (MemoryStore::new(), MemoryStore::new());
    a.put(crate::store::typed::to_doc(&c).unwrap())
        .await
        .unwrap();
    for (s, dev) in [(&a, "A"), (&b, "B")] {
        run_cycle(s, &server, &cfg(&server, dev), "s", &opts(10))
            .await
            .unwrap();
    }
    for (s, who, text, sec) in [
        (&a, "张敏", "甲设备：叫号系统故障", 48),
        (&b, "李强", "乙设备：大堂经理离岗", 50),
    ] {
        let mut here: Complaint =
            crate::store::typed::from_doc(s.get("complaint:01").await.unwrap()).unwrap();
        here.apply(
            Action::RecordFindings {
                findings: text.into(),
            },
            &person(who),
            at(17, 12, sec),
        )
        .unwrap();
        s.put(crate::store::typed::to_doc(&here).unwrap())
            .await
            .unwrap();
    }
    for (s, dev) in [(&a, "A"), (&b, "B"), (&a, "A")] {
        run_cycle(s, &server, &cfg(&server, dev), "s", &opts(10))
            .await
            .unwrap();
    }
    (server, a, b)
}

/// DESIGN §3 and §4: choosing a version decides the disputed fields only; both devices'
/// history is kept, and the choice itself is recorded: who chose which version, when.
#[test]
fn choosing_a_version_keeps_both_histories_and_records_the_choice() {
    use crate::domain::complaint::{ActionKind, Complaint, Status};
    block_on(async {
        let (server, a, b) = findings_on_two_devices().await;
        let open_a = conflicts::open(&a).await.unwrap();
        assert_eq!(open_a.len(), 1, "different findings need a person");
        let c = &open_a[0];
        assert_eq!(c.fields, vec!["rounds"]);
        let b_version = std::iter::once(&c.winner)
            .chain(&c.others)
            .find(|d| d.body.to_string().contains("乙设备"))
            .unwrap()
            .clone();
        assert!(conflicts::waiting(&a, "complaint:01").await.unwrap());
        assert!(!conflicts::waiting(&a, "complaint:02").await.unwrap());
        // Staff on A (张敏 signed in) keep B's findings.
        conflicts::choose(
            &a,
            "complaint:01",
            b_version.rev.as_deref().unwrap(),
            &chooser("张敏"),
        )
        .await
        .unwrap();
        let kept: Complaint =
            crate::store::typed::from_doc(a.get("complaint:01").await.unwrap()).unwrap();
        assert_eq!(
            kept.current_round().findings.as_deref(),
            Some("乙设备：大堂经理离岗")
        );
        let steps: Vec<(ActionKind, String)> = kept
            .history
            .iter()
            .map(|e| (e.action, e.by.name.clone()))
            .collect();
        assert_eq!(
            steps,
            vec![
                (ActionKind::Receive, "张敏".into()),
                (ActionKind::Classify, "张敏".into()),
                (ActionKind::StartInvestigation, "张敏".into()),
                (ActionKind::RecordFindings, "张敏".into()),
                (ActionKind::RecordFindings, "李强".into()),
                (ActionKind::SettleConflict, "张敏".into()),
            ],
            "both devices' events, then the choice"
        );
        let settled = kept.history.last().unwrap();
        assert_eq!(settled.at, chooser("张敏").at);
        assert_eq!(settled.to_status, Status::Investigating);
        let why = settled.why.as_deref().unwrap();
        let zh = crate::domain::complaint::why_in(why, true);
        assert!(zh.starts_with("保留了（李强 · 记录调查结果"), "{why}");
        assert!(zh.contains("未采用（张敏 · 记录调查结果"), "{why}");
        // Written in both languages: the English reader gets the English (QA: it stayed
        // Chinese in the English UI).
        let en = crate::domain::complaint::why_in(why, false);
        assert!(
            en.starts_with("Kept the version of (李强 · Record findings"),
            "{en}"
        );
        assert_eq!(crate::domain::complaint::why_in("同意", false), "同意");
        assert!(a
            .rev_tree("complaint:01")
            .await
            .unwrap()
            .conflicts()
            .is_empty());
        // The choice reaches B; the two versions are one there too, with the same history.
        for (s, dev) in [(&a, "A"), (&b, "B")] {
            run_cycle(s, &server, &cfg(&server, dev), "s", &opts(10))
                .await
                .unwrap();
        }
        assert_eq!(
            b.get("complaint:01").await.unwrap().body,
            a.get("complaint:01").await.unwrap().body
        );
        assert!(conflicts::open(&b).await.unwrap().is_empty());
    });
}

/// A pull whose pages were written and checkpointed, and then the page was closed before the
/// conflicts that arrived were settled: the next cycle pulls nothing new, and still lists them.
#[test]
fn conflicts_of_a_pull_cut_short_before_settling_are_listed_by_the_next_cycle() {
    block_on(async {
        let (server, a, b) = offline_edits_on_two_devices().await;
        run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(10))
            .await
            .unwrap();
        // B's pull alone: A's revision is written and checkpointed, nothing settled.
        let spec = &cfg(&server, "B").pulls()[0];
        let out = engine::replicate(&b, &server, spec, "s", &opts(10))
            .await
            .unwrap();
        assert_eq!(out.revs_written, 1);
        assert_eq!(b.rev_tree("staff:1").await.unwrap().leaves().len(), 2);
        let rb = run_cycle(&b, &server, &cfg(&server, "B"), "s", &opts(10))
            .await
            .unwrap();
        assert_eq!(rb.pulled, 0);
        assert_eq!(rb.needs_person, vec!["staff:1"]);
        assert_eq!(conflicts::open(&b).await.unwrap().len(), 1);
        // Looked at once: the next cycle does not settle it again.
        let again = run_cycle(&b, &server, &cfg(&server, "B"), "s", &opts(10))
            .await
            .unwrap();
        assert!(again.needs_person.is_empty());
        assert_eq!(conflicts::open(&b).await.unwrap().len(), 1);
    });
}

/// A damaged record among the changes the settle reads (a device whose settle starts from the
/// beginning, as after the upgrade that brought it) does not stop the sync: the other
/// documents' conflicts are still found, the push goes on, and the position moves past it.
#[test]
fn a_damaged_record_neither_stops_the_sync_nor_hides_other_conflicts() {
    block_on(async {
        let (server, a, b) = offline_edits_on_two_devices().await;
        add(&b, "note:1", json!({"type": "note", "n": 1})).await;
        for (s, dev) in [(&b, "B"), (&a, "A")] {
            run_cycle(s, &server, &cfg(&server, dev), "s", &opts(10))
                .await
                .unwrap();
        }
        b.put_local(conflicts::SETTLED_DOC, json!({}))
            .await
            .unwrap();
        b.inject_corrupt("note:1");
        add(&b, "note:2", json!({"type": "note", "n": 2})).await;
        let rb = run_cycle(&b, &server, &cfg(&server, "B"), "s", &opts(10))
            .await
            .unwrap();
        assert_eq!(rb.unsettled, None);
        assert_eq!(rb.needs_person, vec!["staff:1"]);
        assert_eq!(conflicts::open(&b).await.unwrap().len(), 1);
        assert!(server.store.get("note:2").await.is_ok(), "pushed");
        let again = run_cycle(&b, &server, &cfg(&server, "B"), "s", &opts(10))
            .await
            .unwrap();
        assert!(again.needs_person.is_empty(), "looked at once");
    });
}

#[test]
fn a_damaged_local_record_does_not_hold_back_the_push_of_later_edits() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let a = MemoryStore::new();
        add(&a, "note:1", json!({"type": "note", "n": 1})).await;
        a.inject_corrupt("note:1");
        add(&a, "note:2", json!({"type": "note", "n": 2})).await;
        add(&a, "note:3", json!({"type": "note", "n": 3})).await;
        let c = cfg(&server, "A");
        // A push that sends only some types reads each change's state to count what is left.
        let mut notes = c.main_push();
        notes.doc_types = vec!["note".into()];
        assert_eq!(engine::pending(&a, &notes).await.unwrap(), 2);
        let r = run_cycle(&a, &server, &c, "s", &opts(10)).await.unwrap();
        assert_eq!(r.damaged, vec!["note:1"]);
        assert_eq!(r.pushed, 2);
        for id in ["note:2", "note:3"] {
            assert!(server.store.get(id).await.is_ok(), "{id} pushed");
        }
        assert!(server.store.get("note:1").await.is_err());
        assert_eq!(engine::pending(&a, &c.main_push()).await.unwrap(), 0);
        // The push's checkpoint is past it, but it stays listed, once, while it is damaged.
        add(&a, "note:4", json!({"type": "note", "n": 4})).await;
        let again = run_cycle(&a, &server, &c, "s", &opts(10)).await.unwrap();
        assert_eq!(again.damaged, vec!["note:1"]);
        assert!(
            server.store.get("note:4").await.is_ok(),
            "a later edit is pushed as ever"
        );
        // Read again (repaired): no longer listed.
        a.heal("note:1");
        let healed = run_cycle(&a, &server, &c, "s", &opts(10)).await.unwrap();
        assert!(healed.damaged.is_empty());
    });
}

/// One damaged local record (`note:1`) that gets a newer revision on the server: the pull
/// writes the server's copy over it (the only readable one) and says so, the rest of the page
/// (`note:2`) arrives, and the device's own new case (`note:b`) is pushed. (It used to fail
/// every cycle with "note:1 is corrupt", pulling and pushing nothing.)
#[test]
fn a_damaged_local_record_is_replaced_by_the_servers_copy_and_the_rest_syncs() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let (a, b) = (MemoryStore::new(), MemoryStore::new());
        add(&a, "note:1", json!({"type": "note", "n": 1})).await;
        run_cycle(&a, &server, &cfg(&server, "A"), "s1", &opts(10))
            .await
            .unwrap();
        run_cycle(&b, &server, &cfg(&server, "B"), "s1", &opts(10))
            .await
            .unwrap();
        b.inject_corrupt("note:1");
        // A edits the damaged one and takes a new case.
        edit(&a, "note:1", |d| d["n"] = json!(2)).await;
        add(&a, "note:2", json!({"type": "note", "n": 2})).await;
        run_cycle(&a, &server, &cfg(&server, "A"), "s2", &opts(10))
            .await
            .unwrap();
        // B takes a new case of its own meanwhile.
        add(&b, "note:b", json!({"type": "note", "n": 3})).await;
        let r = run_cycle(&b, &server, &cfg(&server, "B"), "s2", &opts(10))
            .await
            .unwrap();
        assert_eq!(r.repaired, vec!["note:1"]);
        assert_eq!(r.pulled, 2);
        assert!(r.damaged.is_empty(), "it reads again: {:?}", r.damaged);
        let repaired = b.get("note:1").await.unwrap();
        assert_eq!(repaired.body["n"], 2);
        assert_eq!(repaired.rev, server.store.get("note:1").await.unwrap().rev);
        assert!(
            b.get("note:2").await.is_ok(),
            "the rest of the page arrived"
        );
        assert!(server.store.get("note:b").await.is_ok(), "the push went on");
        let again = run_cycle(&b, &server, &cfg(&server, "B"), "s3", &opts(10))
            .await
            .unwrap();
        assert!(again.repaired.is_empty(), "told once");
    });
}

#[test]
fn mergeable_conflicts_are_settled_automatically_and_converge() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let (a, b) = (MemoryStore::new(), MemoryStore::new());
        let h0 = json!({"at": "2026-03-01T09:00", "to": "received"});
        add(
            &a,
            "complaint:1",
            json!({"type": "complaint", "status": "received", "history": [h0]}),
        )
        .await;
        run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(10))
            .await
            .unwrap();
        run_cycle(&b, &server, &cfg(&server, "B"), "s", &opts(10))
            .await
            .unwrap();
        edit(&a, "complaint:1", |d| {
            d["status"] = json!("classified");
            d["history"]
                .as_array_mut()
                .unwrap()
                .push(json!({"at": "2026-03-01T10:00", "to": "classified"}));
        })
        .await;
        edit(&b, "complaint:1", |d| {
            d["notes"] = json!([{"at": "2026-03-01T11:00", "text": "called back"}]);
        })
        .await;
        run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(10))
            .await
            .unwrap();
        let rb = run_cycle(&b, &server, &cfg(&server, "B"), "s", &opts(10)).await;
        // `notes` exists on one side only — that is a field no rule settles unless listed as a
        // union: it is (notes), so the merge succeeds.
        let rb = rb.unwrap();
        assert_eq!(rb.merged, vec!["complaint:1"]);
        run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(10))
            .await
            .unwrap();
        let da = a.get("complaint:1").await.unwrap();
        let db = b.get("complaint:1").await.unwrap();
        assert_eq!(da, db);
        assert_eq!(da.body["status"], "classified");
        assert_eq!(da.body["history"].as_array().unwrap().len(), 2);
        assert_eq!(da.body["notes"][0]["text"], "called back");
        assert!(a
            .rev_tree("complaint:1")
            .await
            .unwrap()
            .conflicts()
            .is_empty());
    });
}

/// A pull reads pages of `page_size` changes, fetches a page's revisions in requests of
/// `batch_size`, and checkpoints each page once it is written.
#[test]
fn a_pull_fetches_each_page_in_requests_of_the_batch_size() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let (a, b) = (MemoryStore::new(), MemoryStore::new());
        add_edited_notes(&a, 25).await;
        run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(25))
            .await
            .unwrap();
        server.log.borrow_mut().clear();
        let o = Options {
            batch_size: 4,
            page_size: 10,
            ..opts(0)
        };
        let r = run_cycle(&b, &server, &cfg(&server, "B"), "s", &o)
            .await
            .unwrap();
        assert_eq!(r.pulled, 25);
        assert_eq!(ids(&b).await, ids(&a).await);
        let log = server.log.borrow();
        let pages: Vec<&String> = log
            .iter()
            .filter(|(m, p)| *m == Method::Get && p.contains("_changes"))
            .map(|(_, p)| p)
            .collect();
        assert!(pages.iter().all(|p| p.contains("limit=10")), "{pages:?}");
        // The first page is asked with its documents; none came with it (all edited since),
        // so the rest are asked without.
        assert!(pages[0].ends_with("&include_docs=true"), "{pages:?}");
        assert!(
            pages[1..].iter().all(|p| p.ends_with("limit=10")),
            "{pages:?}"
        );
        // Pages of 10, 10 and 5: requests of 4, 4, 2; 4, 4, 2; 4, 1.
        assert_eq!(server.count("_bulk_get"), 8);
        // The pull's checkpoint is the first one read (the push's follows).
        let pull_cp = &log.iter().find(|(_, p)| p.contains("_local/")).unwrap().1;
        let saved = log
            .iter()
            .filter(|(m, p)| *m == Method::Put && p == pull_cp);
        assert_eq!(saved.count(), 3, "one checkpoint per page");
    });
}

/// A first revision (no history, no conflict) comes with the changes page: no `_bulk_get`
/// for it. Later revisions, conflicts and deletions are fetched as before; a page whose
/// documents the store already has turns the rest of the pull to pages without them.
#[test]
fn first_revisions_come_with_the_changes_page() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let (a, b) = (MemoryStore::new(), MemoryStore::new());
        add_notes(&a, 12).await;
        edit(&a, "note:03", |d| d["edited"] = json!(true)).await;
        let rev = add(&a, "note:del", json!({"type": "note"})).await;
        a.delete("note:del", &rev).await.unwrap();
        run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(20))
            .await
            .unwrap();
        let leaf = |rev: &str| ReplicatedRev {
            doc: Doc {
                id: "note:c".into(),
                rev: Some(rev.into()),
                deleted: false,
                body: json!({"type": "note", "leaf": rev}),
            },
            history: vec![rev.into()],
        };
        server
            .store
            .put_replicated(vec![leaf("1-aaaa"), leaf("1-bbbb")])
            .await
            .unwrap();
        server.log.borrow_mut().clear();
        // Server feed: 00 01 02 04 05 | 06 07 08 09 10 | 11, 03 (edited), del, c (conflict).
        let r = run_cycle(&b, &server, &cfg(&server, "B"), "s", &opts(5))
            .await
            .unwrap();
        assert_eq!(r.pulled, 15);
        let pages = |log: &[(Method, String)]| -> Vec<String> {
            log.iter()
                .filter(|(m, p)| *m == Method::Get && p.contains("_changes"))
                .map(|(_, p)| p.clone())
                .collect()
        };
        let asked = pages(&server.log.borrow());
        assert_eq!(asked.len(), 3, "{asked:?}");
        assert!(asked.iter().all(|p| p.ends_with("&include_docs=true")));
        assert_eq!(server.count("_bulk_get"), 1, "only the last page's three");
        assert_eq!(ids(&b).await, ids(&server.store).await);
        for id in ["note:00", "note:03", "note:11"] {
            assert_eq!(b.get(id).await.unwrap(), a.get(id).await.unwrap());
            assert_eq!(b.rev_tree(id).await.unwrap(), a.rev_tree(id).await.unwrap());
        }
        assert_eq!(
            b.rev_tree("note:c").await.unwrap().leaves(),
            vec!["1-aaaa", "1-bbbb"]
        );
        assert!(b.get("note:del").await.is_err());
        // The same pull again from the start (a checkpoint lost): the store has it all.
        server.log.borrow_mut().clear();
        let again = run_cycle(&b, &server, &cfg(&server, "B2"), "s", &opts(5))
            .await
            .unwrap();
        assert_eq!(again.pulled, 0);
        let asked = pages(&server.log.borrow());
        assert!(asked[0].ends_with("&include_docs=true"), "{asked:?}");
        assert!(
            asked[1..].iter().all(|p| !p.contains("include_docs")),
            "{asked:?}"
        );
        assert_eq!(server.count("_bulk_get"), 0);
    });
}

#[test]
fn a_failure_mid_pull_resumes_from_the_checkpoint() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let (a, b) = (MemoryStore::new(), MemoryStore::new());
        add_edited_notes(&a, 30).await;
        run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(10))
            .await
            .unwrap();
        // A garbled answer is a protocol error, retried later.
        server.fault(Some(Method::Post), "_bulk_get", FaultKind::Status(200));
        let e = run_cycle(&b, &server, &cfg(&server, "B"), "s", &opts(10))
            .await
            .unwrap_err();
        assert!(
            matches!(e, SyncError::Protocol(_)) && e.retryable(),
            "{e:?}"
        );
        assert!(ids(&b).await.is_empty());
        let b2 = b;
        server.fault(Some(Method::Post), "_bulk_get", FaultKind::Status(500));
        let first = run_cycle(&b2, &server, &cfg(&server, "B2"), "s", &opts(10))
            .await
            .unwrap_err();
        assert!(matches!(first, SyncError::Server { status: 500, .. }) && first.retryable());
        assert!(ids(&b2).await.is_empty());
        // Let one batch through, then drop the connection on the next changes page.
        server.log.borrow_mut().clear();
        server.fault(
            Some(Method::Get),
            "_changes?style=all_docs&since=10",
            FaultKind::Drop,
        );
        let e = run_cycle(&b2, &server, &cfg(&server, "B2"), "s", &opts(10))
            .await
            .unwrap_err();
        assert!(e.is_offline());
        assert_eq!(
            ids(&b2).await.len(),
            10,
            "the first batch landed and was checkpointed"
        );
        server.log.borrow_mut().clear();
        let r = run_cycle(&b2, &server, &cfg(&server, "B2"), "s2", &opts(10))
            .await
            .unwrap();
        assert_eq!(
            r.pulled, 20,
            "resumed after the checkpoint, nothing fetched twice"
        );
        let first_changes = server
            .log
            .borrow()
            .iter()
            .find(|(_, p)| p.contains("_changes"))
            .cloned()
            .unwrap();
        assert!(first_changes.1.contains("since=10&"), "{first_changes:?}");
        assert_eq!(ids(&b2).await, ids(&a).await);
    });
}

#[test]
fn a_dropped_answer_mid_push_makes_no_duplicates() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let a = MemoryStore::new();
        add_notes(&a, 12).await;
        // 503 on the first batch; then a checkpoint the server stored but whose answer was
        // lost; then a batch that timed out (possibly applied).
        server.fault(Some(Method::Post), "_bulk_docs", FaultKind::Status(503));
        let e = run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(5))
            .await
            .unwrap_err();
        assert!(e.retryable());
        server.fault(Some(Method::Put), "_local/", FaultKind::DropAfter);
        let e = run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(5))
            .await
            .unwrap_err();
        assert!(e.is_offline());
        server.fault(Some(Method::Post), "_bulk_docs", FaultKind::Timeout);
        assert_eq!(
            run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(5))
                .await
                .unwrap_err(),
            SyncError::Timeout
        );
        let r = run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(5))
            .await
            .unwrap();
        assert!(r.pushed <= 12);
        assert_eq!(ids(&server.store).await, ids(&a).await);
        for id in ids(&a).await {
            let t = server.store.rev_tree(&id).await.unwrap();
            assert_eq!(
                t.nodes.len(),
                1,
                "{id} has exactly its one revision on the server"
            );
        }
        assert_eq!(
            server.store.update_seq().await.unwrap(),
            12,
            "each document written once"
        );
        assert_eq!(
            engine::pending(&a, &cfg(&server, "A").main_push())
                .await
                .unwrap(),
            0
        );
    });
}

#[test]
fn a_push_failing_two_batches_ahead_keeps_what_was_delivered_and_resumes_in_order() {
    block_on(async {
        let server = FakeServer::new("kefu");
        // Another device's document: the server is not empty, so each batch asks _revs_diff.
        add(&server.store, "other:1", json!({"type": "other"})).await;
        let a = MemoryStore::new();
        add_notes(&a, 23).await;
        let c = cfg(&server, "A");
        // Batches of 5: while the second batch is sent, the third one's _revs_diff fails.
        server.fault_after(2, Some(Method::Post), "_revs_diff", FaultKind::Status(503));
        let e = run_cycle(&a, &server, &c, "s", &opts(5)).await.unwrap_err();
        assert!(e.retryable(), "{e:?}");
        assert_eq!(
            ids(&server.store).await.len(),
            1 + 10,
            "the two batches sent before the failure are on the server"
        );
        assert_eq!(
            engine::pending(&a, &c.main_push()).await.unwrap(),
            13 + 1,
            "and checkpointed: only the rest is pending (and the document A pulled)"
        );
        let r = run_cycle(&a, &server, &c, "s", &opts(5)).await.unwrap();
        assert_eq!(r.pushed, 13, "the retry sends only what was not delivered");
        assert_eq!(
            server.store.update_seq().await.unwrap(),
            1 + 23,
            "each once"
        );
        let order: Vec<String> = server
            .store
            .changes(1, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|ch| ch.id)
            .collect();
        let notes: Vec<String> = (0..23).map(|i| format!("note:{i:02}")).collect();
        assert_eq!(order, notes, "batches reached the server in order");
        assert_eq!(engine::pending(&a, &c.main_push()).await.unwrap(), 0);
    });
}

#[test]
fn a_push_sends_only_the_revisions_the_server_lacks() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let a = MemoryStore::new();
        for i in 0..6 {
            add(&a, &format!("note:{i}"), json!({"type": "note", "i": i})).await;
        }
        run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(4))
            .await
            .unwrap();
        // B pulls the six (they are changes in its own feed too), edits one, adds one.
        let b = MemoryStore::new();
        let r = run_cycle(&b, &server, &cfg(&server, "B"), "s", &opts(4))
            .await
            .unwrap();
        assert_eq!((r.pulled, r.pushed), (6, 0));
        edit(&b, "note:2", |d| d["i"] = json!(20)).await;
        add(&b, "note:9", json!({"type": "note", "i": 9})).await;
        let r = run_cycle(&b, &server, &cfg(&server, "B"), "s", &opts(4))
            .await
            .unwrap();
        assert_eq!(
            r.pushed, 2,
            "the edit and the new note; not the six it pulled"
        );
        assert_eq!(server.store.update_seq().await.unwrap(), 8);
        assert_eq!(
            server.store.get("note:2").await.unwrap().body["i"],
            json!(20)
        );
    });
}

#[test]
fn a_push_to_an_empty_server_sends_everything_without_asking_what_it_lacks() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let a = MemoryStore::new();
        add_notes(&a, 12).await;
        edit(&a, "note:03", |d| d["i"] = json!(30)).await;
        let c = cfg(&server, "A");
        let r = run_cycle(&a, &server, &c, "s", &opts(5)).await.unwrap();
        assert_eq!(r.pushed, 12);
        assert_eq!(
            server.count("_revs_diff"),
            0,
            "an empty server lacks everything"
        );
        assert_eq!(ids(&server.store).await, ids(&a).await);
        let doc = server.store.get("note:03").await.unwrap();
        assert_eq!(
            (doc.body["i"].clone(), doc.rev),
            (json!(30), a.get("note:03").await.unwrap().rev)
        );
        // Now the server has documents: the next changes are checked against them.
        add(&a, "note:99", json!({"type": "note", "i": 99})).await;
        let r = run_cycle(&a, &server, &c, "s", &opts(5)).await.unwrap();
        assert_eq!(r.pushed, 1);
        assert_eq!(server.count("_revs_diff"), 1);
        // Another device starting from scratch asks too: the server is no longer empty.
        let b = MemoryStore::new();
        add(&b, "note:b", json!({"type": "note"})).await;
        let r = run_cycle(&b, &server, &cfg(&server, "B"), "s", &opts(5))
            .await
            .unwrap();
        assert_eq!(r.pushed, 1);
        assert!(server.count("_revs_diff") >= 2);
    });
}

/// A server (or a proxy before it) that refuses large requests (413): the refused request is
/// sent again in halves, and the rest of the run keeps under the size it was refused at.
#[test]
fn a_request_the_server_finds_too_large_is_sent_again_in_halves() {
    block_on(async {
        let mut server = FakeServer::new("kefu");
        // About three of these notes' texts (some 130 bytes each) per request.
        server.max_body = Some(450);
        let a = MemoryStore::new();
        add_notes(&a, 40).await;
        let c = cfg(&server, "A");
        // Four batches of ten: only the first meets a refusal (one or two, as it is halved).
        let r = run_cycle(&a, &server, &c, "s", &opts(10)).await.unwrap();
        assert_eq!(r.pushed, 40);
        assert!(
            (1..=3).contains(&server.too_large.get()),
            "{} refused",
            server.too_large.get()
        );
        assert_eq!(ids(&server.store).await, ids(&a).await);
        for id in ["note:00", "note:17", "note:39"] {
            assert_eq!(
                server.store.get(id).await.unwrap().rev,
                a.get(id).await.unwrap().rev
            );
        }
        // Nothing left to send.
        let r = run_cycle(&a, &server, &c, "s", &opts(10)).await.unwrap();
        assert_eq!(r.pushed, 0);
    });
}

/// A large request cut off by the network (as a proxy may do to a body it will not take) is
/// sent again in halves of at most 1 MB; a small one cut off fails as before.
#[test]
fn a_large_request_cut_off_is_sent_again_in_smaller_ones() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let a = MemoryStore::new();
        for i in 0..30 {
            let text = "长".repeat(20_000);
            add(
                &a,
                &format!("note:{i:02}"),
                json!({"type": "note", "text": text}),
            )
            .await;
        }
        // 30 notes of ~60 KB: one request of ~1.8 MB, dropped once.
        server.fault(Some(Method::Post), "_bulk_docs", FaultKind::Drop);
        let mut o = opts(500);
        o.max_batch_bytes = 4_000_000;
        let r = run_cycle(&a, &server, &cfg(&server, "A"), "s", &o)
            .await
            .unwrap();
        assert_eq!(r.pushed, 30);
        assert_eq!(ids(&server.store).await, ids(&a).await);
        assert!(
            server.count("_bulk_docs") >= 3,
            "{}",
            server.count("_bulk_docs")
        );
        // A small request cut off is the network's failure.
        add(&a, "note:small", json!({"type": "note"})).await;
        server.fault(Some(Method::Post), "_bulk_docs", FaultKind::Drop);
        let e = run_cycle(&a, &server, &cfg(&server, "A"), "s", &o)
            .await
            .unwrap_err();
        assert!(matches!(e, SyncError::Network(_)) && e.retryable(), "{e:?}");
    });
}

/// A document larger than the server takes in one request stops the push with its id (the
/// documents before it are delivered), and retrying does not help.
#[test]
fn a_document_larger_than_the_server_takes_stops_the_push_with_its_id() {
    block_on(async {
        let mut server = FakeServer::new("kefu");
        server.max_body = Some(450);
        let a = MemoryStore::new();
        add_notes(&a, 4).await;
        add(
            &a,
            "note:big",
            json!({"type": "note", "text": "长".repeat(300)}),
        )
        .await;
        let e = run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(10))
            .await
            .unwrap_err();
        match &e {
            SyncError::TooLarge { id, bytes } => {
                assert_eq!(id, "note:big");
                assert!(*bytes > 900, "{bytes}");
            }
            other => panic!("{other:?}"),
        }
        assert!(!e.retryable());
        assert!(e.message(true).contains("note:big") && e.message(false).contains("note:big"));
        assert_eq!(ids(&server.store).await.len(), 4);
    });
}

/// A transport in front of the fake server that, on the first `_bulk_docs` (push) or
/// `_bulk_get` (pull), makes one document fail with a transient per-document error, as a
/// CouchDB cluster node may (`unknown_error`, `internal_server_error`, a timeout). The
/// document is not applied/returned in that request; later requests go through.
struct Flaky<'a> {
    server: &'a FakeServer,
    victim: &'static str,
    push_fault: Cell<bool>,
    pull_fault: Cell<bool>,
}

impl Transport for Flaky<'_> {
    async fn request(&self, mut req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let is = |p: &str| req.method == Method::Post && req.path.contains(p);
        if is("/_bulk_docs") && self.push_fault.replace(false) {
            let mut body: Json = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
            let docs = body["docs"].as_array_mut().unwrap();
            let before = docs.len();
            docs.retain(|d| d["_id"] != self.victim);
            assert_eq!(docs.len() + 1, before, "the victim is in this batch");
            req.body = Some(body.to_string());
            let mut r = self.server.request(req).await?;
            r.body.as_array_mut().unwrap().push(json!({
                "id": self.victim, "error": "unknown_error", "reason": "timeout"
            }));
            return Ok(r);
        }
        if is("/_bulk_get") && self.pull_fault.get() {
            let wanted = req.body.as_deref().unwrap_or_default();
            if wanted.contains(self.victim) {
                self.pull_fault.set(false);
                let mut r = self.server.request(req).await?;
                for res in r.body["results"].as_array_mut().unwrap() {
                    if res["id"] == self.victim {
                        let rev = res["docs"][0]["ok"]["_rev"].clone();
                        res["docs"] = json!([{"error": {
                            "id": self.victim, "rev": rev,
                            "error": "unknown_error", "reason": "timeout"
                        }}]);
                    }
                }
                return Ok(r);
            }
        }
        self.server.request(req).await
    }
}

/// Push: a per-document error in a `_bulk_docs` answer that may pass (not a validation's
/// `forbidden`/`unauthorized`) fails the batch, retryably, and the batch is not checkpointed:
/// the next cycle sends the document again. (It used to be taken as a final refusal and
/// checkpointed past, so the document never reached the server.)
#[test]
fn a_push_per_document_error_that_may_pass_fails_the_batch_and_the_document_is_sent_again() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let a = MemoryStore::new();
        for i in 0..3 {
            add(&a, &format!("note:{i}"), json!({"type": "note", "i": i})).await;
        }
        let flaky = Flaky {
            server: &server,
            victim: "note:1",
            push_fault: Cell::new(true),
            pull_fault: Cell::new(false),
        };
        let first = run_cycle(&a, &flaky, &cfg(&server, "A"), "s1", &opts(10)).await;
        let Err(e) = first else {
            panic!("the batch failed: {first:?}")
        };
        assert!(
            matches!(&e, SyncError::DocFailed { id, .. } if id == "note:1"),
            "{e:?}"
        );
        assert!(e.retryable());
        let r = run_cycle(&a, &flaky, &cfg(&server, "A"), "s2", &opts(10))
            .await
            .unwrap();
        assert_eq!(r.pushed, 1, "only what the server lacks is sent again");
        assert!(r.refused.is_empty());
        assert!(server.store.get("note:1").await.is_ok());
    });
}

/// Pull: a per-document error in a `_bulk_get` answer that may pass (not `not_found`) fails
/// the page, retryably, and it is not checkpointed: the next cycle fetches the revision. (It
/// used to be taken as a revision the server no longer has and checkpointed past.)
#[test]
fn a_pull_per_document_error_that_may_pass_fails_the_page_and_it_is_fetched_again() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let (a, b) = (MemoryStore::new(), MemoryStore::new());
        // Second revisions, so that the pull fetches them with `_bulk_get` (a first revision
        // comes with the changes page).
        add_edited_notes(&a, 3).await;
        run_cycle(&a, &server, &cfg(&server, "A"), "s1", &opts(10))
            .await
            .unwrap();
        let flaky = Flaky {
            server: &server,
            victim: "note:01",
            push_fault: Cell::new(false),
            pull_fault: Cell::new(true),
        };
        let first = run_cycle(&b, &flaky, &cfg(&server, "B"), "s1", &opts(10)).await;
        assert!(!flaky.pull_fault.get(), "the fault was met");
        let Err(e) = first else {
            panic!("the page failed: {first:?}")
        };
        assert!(
            matches!(&e, SyncError::DocFailed { id, .. } if id == "note:01"),
            "{e:?}"
        );
        assert!(e.retryable());
        let r = run_cycle(&b, &flaky, &cfg(&server, "B"), "s2", &opts(10))
            .await
            .unwrap();
        assert_eq!(r.pulled, 3);
        assert!(r.unavailable.is_empty());
        assert_eq!(ids(&b).await, ids(&a).await);
    });
}

#[test]
fn a_wiped_server_gets_everything_again() {
    block_on(async {
        let a = MemoryStore::new();
        for i in 0..7 {
            add(&a, &format!("note:{i}"), json!({"type": "note"})).await;
        }
        let s1 = FakeServer::new("kefu");
        run_cycle(&a, &s1, &cfg(&s1, "A"), "s", &opts(3))
            .await
            .unwrap();
        // The server restarts empty (an in-memory PouchDB Server): its checkpoint is gone.
        let s2 = FakeServer::new("kefu");
        let r = run_cycle(&a, &s2, &cfg(&s2, "A"), "s2", &opts(3))
            .await
            .unwrap();
        assert_eq!(r.pushed, 7);
        assert_eq!(ids(&s2.store).await, ids(&a).await);
    });
}

/// What Settings → Backup exports (src/ui/pages/settings/backup.rs `export`): the winning live
/// documents (`all_docs`, with `_id`/`_rev`), and the other versions waiting for staff to
/// choose.
async fn export_backup(store: &MemoryStore) -> (Vec<Doc>, Vec<Doc>) {
    let docs = store.all_docs(None, 100_000).await.unwrap().docs;
    let others = super::conflicts::pending_versions(store).await.unwrap();
    (docs, others)
}

/// What its import does: every version with its own revision, in one replacement, then the
/// restored conflicts settled (listed for a person, or merged).
async fn import_backup(store: &MemoryStore, (docs, others): (Vec<Doc>, Vec<Doc>)) {
    let ids: Vec<String> = others.iter().map(|d| d.id.clone()).collect();
    let revs: Vec<ReplicatedRev> = docs
        .into_iter()
        .chain(others)
        .map(|d| ReplicatedRev {
            history: d.rev.clone().into_iter().collect(),
            doc: d,
        })
        .collect();
    store.replace_all(revs).await.unwrap();
    super::conflicts::settle(store, &ids).await.unwrap();
}

/// A device restores an older backup (Settings → Backup → "Replace and import"). The import
/// drops the sync checkpoints with the old documents, so the next sync starts over: the
/// server's newer revisions (an edit made on another device) and documents the backup lacks
/// (a case taken since) come back, and the device and the server agree again.
#[test]
fn a_device_restored_from_an_older_backup_gets_the_servers_newer_data_back() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let (a, b) = (MemoryStore::new(), MemoryStore::new());
        add(&a, "note:1", json!({"type": "note", "text": "v1"})).await;
        run_cycle(&a, &server, &cfg(&server, "A"), "s1", &opts(10))
            .await
            .unwrap();
        run_cycle(&b, &server, &cfg(&server, "B"), "s1", &opts(10))
            .await
            .unwrap();
        // A takes a backup now.
        let backup = export_backup(&a).await;
        // Work goes on: B edits note:1 and takes a new case; A syncs and has both.
        edit(&b, "note:1", |d| d["text"] = json!("v2 from B")).await;
        add(&b, "note:2", json!({"type": "note", "text": "new case"})).await;
        run_cycle(&b, &server, &cfg(&server, "B"), "s2", &opts(10))
            .await
            .unwrap();
        run_cycle(&a, &server, &cfg(&server, "A"), "s2", &opts(10))
            .await
            .unwrap();
        assert_eq!(a.get("note:1").await.unwrap().body["text"], "v2 from B");
        // A restores the older backup, then syncs as usual.
        import_backup(&a, backup).await;
        let r = run_cycle(&a, &server, &cfg(&server, "A"), "s3", &opts(10))
            .await
            .unwrap();
        assert_eq!(r.pulled, 2, "B's edit and the new case come back");
        let on_server = server.store.get("note:1").await.unwrap();
        assert_eq!(on_server.body["text"], "v2 from B");
        assert_eq!(a.get("note:1").await.unwrap().rev, on_server.rev);
        assert!(a.get("note:2").await.is_ok());
        assert_eq!(ids(&a).await, ids(&server.store).await);
    });
}

/// Settings → "Erase this device" (`DocStore::clear`) drops the checkpoints too: the next
/// sync pulls every document of the server again, not only what changes there from then on.
#[test]
fn an_erased_device_gets_every_document_back_from_the_server() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let a = MemoryStore::new();
        add_notes(&a, 3).await;
        // Two cycles: the second pull checkpoints past A's own pushed documents.
        for s in ["s0", "s1"] {
            run_cycle(&a, &server, &cfg(&server, "A"), s, &opts(10))
                .await
                .unwrap();
        }
        a.clear().await.unwrap();
        run_cycle(&a, &server, &cfg(&server, "A"), "s2", &opts(10))
            .await
            .unwrap();
        assert_eq!(ids(&a).await, ids(&server.store).await);
        assert_eq!(ids(&a).await.len(), 3);
    });
}

/// The `_local` documents sync keeps about the store's documents are the ones the store drops
/// on a wipe or an import (`store::is_sync_state`); the configuration is a setting, kept.
#[test]
fn the_stores_wipe_drops_every_sync_position_and_keeps_the_configuration() {
    use crate::store::is_sync_state;
    let c = cfg(&FakeServer::new("kefu"), "A");
    for spec in c.pulls().iter().chain(c.pushes().iter()) {
        assert!(is_sync_state(&spec.replication_id()));
    }
    for id in [
        conflicts::SETTLED_DOC,
        conflicts::CONFLICTS_DOC,
        super::config::DAMAGED_DOC,
    ] {
        assert!(is_sync_state(id), "{id}");
    }
    assert!(!is_sync_state(super::config::CONFIG_DOC));
    assert!(!is_sync_state(super::link::LINK_DEVICE_DOC));
}

#[test]
fn unauthorized_stops_until_signed_in() {
    block_on(async {
        let mut server = FakeServer::new("kefu");
        server.account = Some(("lee".into(), "right".into()));
        let a = MemoryStore::new();
        add(&a, "note:1", json!({"type": "note"})).await;
        let e = run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(5))
            .await
            .unwrap_err();
        assert_eq!(e, SyncError::Unauthorized);
        assert!(!e.retryable());
        assert!(e.message(true).contains("登录") && e.message(false).contains("sign in"));
        assert_eq!(super::config::phase_after(&e), super::Phase::SignIn);
        let wrong = super::transport::HttpRequest::post(
            "/_session",
            json!({"name": "lee", "password": "wrong"}),
        );
        use super::transport::Transport;
        assert_eq!(server.request(wrong).await.unwrap().status, 401);
        let right = super::transport::HttpRequest::post(
            "/_session",
            json!({"name": "lee", "password": "right"}),
        );
        assert_eq!(server.request(right).await.unwrap().status, 200);
        let r = run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(5))
            .await
            .unwrap();
        assert_eq!(r.pushed, 1);
        // A 401 in the middle (session expired) is the same.
        add(&a, "note:2", json!({"type": "note"})).await;
        server.fault(Some(Method::Post), "_revs_diff", FaultKind::Status(401));
        assert_eq!(
            run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(5))
                .await
                .unwrap_err(),
            SyncError::Unauthorized
        );
        // A 409 on the checkpoint (another writer) is settled by re-reading it.
        server.fault(Some(Method::Put), "_local/", FaultKind::Status(409));
        run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(5))
            .await
            .unwrap();
        assert_eq!(ids(&server.store).await, vec!["note:1", "note:2"]);
    });
}

#[test]
fn without_bulk_get_revisions_come_through_open_revs() {
    block_on(async {
        let mut server = FakeServer::new("kefu");
        server.bulk_get = false;
        let (a, b) = (MemoryStore::new(), MemoryStore::new());
        add(&a, "note:1", json!({"type": "note", "n": 1})).await;
        edit(&a, "note:1", |d| d["n"] = json!(2)).await;
        add(&a, "note:2", json!({"type": "note"})).await;
        edit(&a, "note:2", |d| d["n"] = json!(1)).await;
        run_cycle(&a, &server, &cfg(&server, "A"), "s", &opts(10))
            .await
            .unwrap();
        let r = run_cycle(&b, &server, &cfg(&server, "B"), "s", &opts(10))
            .await
            .unwrap();
        assert_eq!(r.pulled, 2);
        assert_eq!(server.count("open_revs="), 2);
        assert_eq!(
            server.count("_bulk_get"),
            1,
            "tried once, then fell back for the rest of the run"
        );
        assert_eq!(
            b.rev_tree("note:1")
                .await
                .unwrap()
                .history(b.get("note:1").await.unwrap().rev.as_deref().unwrap())
                .len(),
            2
        );
    });
}

#[test]
fn a_kiosk_pushes_only_responses_and_never_pulls() {
    block_on(async {
        let mut responses = FakeServer::new("kefu-responses");
        responses.refuse_types = vec!["complaint".into()];
        let kiosk = MemoryStore::new();
        add(
            &kiosk,
            "response:1",
            json!({"type": "response", "score": 5}),
        )
        .await;
        add(
            &kiosk,
            "response:2",
            json!({"type": "response", "score": 3}),
        )
        .await;
        add(&kiosk, "survey:1", json!({"type": "survey"})).await;
        add(&kiosk, "staff:1", json!({"type": "staff"})).await;
        let mut c = cfg(&responses, "K");
        c.db = "kefu".into();
        c.responses_db = "kefu-responses".into();
        c.mode = Mode::KioskPush;
        assert_eq!(engine::pending(&kiosk, &c.main_push()).await.unwrap(), 2);
        // The server is down: nothing moves, nothing is lost.
        responses.fault(None, "/kefu-responses", FaultKind::Drop);
        assert!(run_cycle(&kiosk, &responses, &c, "s", &opts(10))
            .await
            .unwrap_err()
            .is_offline());
        let r = run_cycle(&kiosk, &responses, &c, "s", &opts(10))
            .await
            .unwrap();
        assert_eq!(r.pushed, 2);
        assert_eq!(
            ids(&responses.store).await,
            vec!["response:1", "response:2"]
        );
        assert_eq!(
            responses.count("_changes"),
            0,
            "a kiosk never reads the server's feed"
        );
        assert_eq!(engine::pending(&kiosk, &c.main_push()).await.unwrap(), 0);
        // A staff device pulls the responses database as well as the main one.
        let main = FakeServer::new("kefu");
        let staff = MemoryStore::new();
        let mut sc = cfg(&main, "S");
        sc.responses_db = "kefu-responses".into();
        assert_eq!(sc.pulls().len(), 2);
        let spec = &sc.pulls()[1];
        engine::replicate(&staff, &responses, spec, "s", &opts(10))
            .await
            .unwrap();
        assert_eq!(ids(&staff).await, vec!["response:1", "response:2"]);
        // Refusals (a validation function saying no) are reported, not retried forever.
        add(&kiosk, "complaint:1", json!({"type": "complaint"})).await;
        let spec = ReplicationSpec {
            doc_types: vec![],
            ..c.main_push()
        };
        let out = engine::replicate(&kiosk, &responses, &spec, "s", &opts(10))
            .await
            .unwrap();
        assert_eq!(out.refused.len(), 1);
        assert_eq!(out.refused[0].error, "forbidden");
    });
}

#[test]
fn a_missing_database_is_named() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let a = MemoryStore::new();
        let mut c = cfg(&server, "A");
        c.db = "nope".into();
        let e = run_cycle(&a, &server, &c, "s", &opts(5)).await.unwrap_err();
        assert_eq!(e, SyncError::NoDatabase("nope".into()));
        assert!(!e.retryable());
        assert!(e.message(false).contains("nope"));
        assert!(engine::check_database(&server, "kefu", 1000).await.is_ok());
    });
}

#[test]
fn security_install_sends_validation_and_security() {
    block_on(async {
        use super::security::*;
        let server = FakeServer::new("kefu");
        let steps = install(&server, "kefu", "kefu-responses").await.unwrap();
        assert_eq!(steps.len(), 4);
        let log = server.log.borrow().clone();
        assert!(log.contains(&(Method::Put, "/kefu/_design/kefu_main".into())));
        assert!(log.contains(&(Method::Put, "/kefu-responses/_design/kefu_responses".into())));
        assert!(log.contains(&(Method::Put, "/kefu/_security".into())));
        assert!(
            RESPONSES_VALIDATE_JS.contains("kefu_kiosk")
                && RESPONSES_VALIDATE_JS.contains("'response'")
        );
        assert_eq!(
            responses_security()["members"]["roles"],
            json!(["kefu_staff", "kefu_kiosk"])
        );
        assert_eq!(main_security()["members"]["roles"], json!(["kefu_staff"]));
    });
}

// ------------------------------------------------------------------ customer links

mod links {
    use super::*;
    use crate::sync::link::{self, share_link, LinkTarget};

    fn staff_cfg() -> SyncConfig {
        SyncConfig {
            url: "https://Couch.example.com/couch/".into(),
            db: "kefu".into(),
            responses_db: "kefu-responses".into(),
            local_db_id: "S".into(),
            enabled: true,
            ..Default::default()
        }
    }

    #[test]
    fn a_share_link_carries_the_responses_database_only() {
        let t = LinkTarget::from_config(&staff_cfg(), "", "ignored").unwrap();
        assert_eq!(t.url, "https://couch.example.com/couch");
        assert_eq!(t.db, "kefu-responses");
        assert_eq!(t.password, "", "no account, no password in the link");
        let link = share_link("http://kefu.example.com/", "01ABC", Some(&t));
        assert_eq!(
            link,
            "http://kefu.example.com/s/01ABC?sync=https%3A%2F%2Fcouch.example.com%2Fcouch&db=kefu-responses"
        );
        let back = LinkTarget::from_query(link.split_once('?').unwrap().1).unwrap();
        assert_eq!(back, t);
        // A survey account with awkward characters survives the round trip.
        let t = LinkTarget::from_config(&staff_cfg(), " survey-01 ", "p&w=d +%").unwrap();
        let q = t.query();
        assert!(!q.contains("p&w"));
        assert_eq!(LinkTarget::from_query(&q).unwrap(), t);
        assert_eq!(t.user, "survey-01");
        // No responses database, or the main one: no target (a phone never gets staff data).
        let mut c = staff_cfg();
        c.responses_db.clear();
        assert_eq!(LinkTarget::from_config(&c, "", ""), None);
        c.responses_db = "kefu".into();
        assert_eq!(LinkTarget::from_config(&c, "", ""), None);
        assert_eq!(share_link("http://k", "01ABC", None), "http://k/s/01ABC");
        // A link without a target, or with a bad one, gives none.
        assert_eq!(LinkTarget::from_query(""), None);
        assert_eq!(LinkTarget::from_query("?lang=en"), None);
        assert_eq!(LinkTarget::from_query("?sync=ftp%3A%2F%2Fx&db=kefu"), None);
        assert_eq!(
            LinkTarget::from_query("?sync=http%3A%2F%2Fx&db=Bad%20Name"),
            None
        );
    }

    #[test]
    fn a_staff_members_link_names_them_and_keeps_the_target() {
        let t = LinkTarget::from_config(&staff_cfg(), "", "").unwrap();
        let plain = share_link("http://k", "01ABC", None);
        let named = link::with_staff(&plain, " staff:01J&x ", " 张敏 ");
        assert_eq!(
            named,
            "http://k/s/01ABC?staff=staff%3A01J%26x&name=%E5%BC%A0%E6%95%8F"
        );
        let q = named.split_once('?').unwrap().1;
        assert_eq!(link::staff_of_query(q).as_deref(), Some("staff:01J&x"));
        assert_eq!(link::staff_name_of_query(q).as_deref(), Some("张敏"));
        let with_target =
            link::with_staff(&share_link("http://k", "01ABC", Some(&t)), "staff:7", "");
        let q = with_target.split_once('?').unwrap().1;
        assert_eq!(LinkTarget::from_query(q), Some(t));
        assert_eq!(link::staff_of_query(q).as_deref(), Some("staff:7"));
        assert_eq!(link::staff_name_of_query(q), None);
        // No one named: the link as it was, and no staff member read from it.
        assert_eq!(link::with_staff(&plain, "  ", "张敏"), plain);
        assert_eq!(link::staff_of_query("?sync=x&db=y"), None);
        assert_eq!(link::staff_of_query("?staff=%20"), None);
        assert_eq!(
            link::staff_of_query(&format!("?staff=staff:{}", "x".repeat(75))),
            None
        );
        assert_eq!(link::staff_of_query("?staff=staff:a%0Ab"), None);
        // Not a staff record's id (a link typed or cut short by hand): no one, not an unknown.
        assert_eq!(link::staff_of_query("?staff=abc"), None);
        assert_eq!(link::staff_of_query("?staff=staff:"), None);
        assert_eq!(link::staff_of_query("?staff=staff:a%20b"), None);
        // A name without an id rates no one, and is not shown.
        assert_eq!(link::staff_name_of_query("?name=%E5%BC%A0%E6%95%8F"), None);
        assert_eq!(
            link::staff_name_of_query(&format!("?staff=staff:7&name={}", "x".repeat(21))),
            None
        );
        // Only what reads as a name is shown as the staff member rated: no number to call, no
        // address to visit (QA: an edited link put both on the branch's page).
        let name = |n: &str| link::staff_name_of_query(&format!("?staff=staff:7&name={n}"));
        assert_eq!(name("Carl%20Xu").as_deref(), Some("Carl Xu"));
        assert_eq!(name(&"x".repeat(20)).as_deref(), Some(&*"x".repeat(20)));
        for bad in [
            "%E8%AF%B7%E6%8B%A84001234567",
            "%E8%AF%B7%E6%8B%A8%EF%BC%94%EF%BC%90%EF%BC%90",
            "www.example.com",
            "a%2Fb",
            "x%40y",
        ] {
            assert_eq!(name(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_link_names_the_branch_that_asks() {
        let t = LinkTarget::from_config(&staff_cfg(), "", "").unwrap();
        let plain = share_link("http://k", "01ABC", Some(&t));
        let staffed = link::with_staff(&plain, "staff:7", "张敏");
        let full = link::with_branch(&staffed, Some(" 中原证券郑州营业部 "));
        assert!(full.starts_with(&staffed), "{full}");
        let q = full.split_once('?').unwrap().1;
        assert_eq!(
            link::branch_of_query(q).as_deref(),
            Some("中原证券郑州营业部")
        );
        // The rest of the link reads as before.
        assert_eq!(LinkTarget::from_query(q), Some(t));
        assert_eq!(link::staff_name_of_query(q).as_deref(), Some("张敏"));
        // A link with no query yet takes it as the first parameter.
        let bare = link::with_branch("http://k/s/01ABC", Some("某营业部"));
        assert_eq!(
            link::branch_of_query(bare.split_once('?').unwrap().1).as_deref(),
            Some("某营业部")
        );
        // No branch set up: the link as it was, and none read from it.
        assert_eq!(link::with_branch(&plain, None), plain);
        assert_eq!(link::with_branch(&plain, Some("  ")), plain);
        assert_eq!(
            link::branch_of_query(plain.split_once('?').unwrap().1),
            None
        );
        // An edited link shows no number to call, no address, nothing overlong.
        let org = |n: &str| link::branch_of_query(&format!("?org={n}"));
        assert_eq!(org(&"营".repeat(40)).as_deref(), Some(&*"营".repeat(40)));
        for bad in [
            "%E8%AF%B7%E6%8B%A84001234567".to_string(),
            "www.example.com".to_string(),
            "a%0Ab".to_string(),
            "营".repeat(41),
        ] {
            assert_eq!(org(&bad), None, "{bad}");
        }
    }

    #[test]
    fn staff_publish_surveys_to_the_responses_database_and_nothing_else() {
        block_on(async {
            let c = staff_cfg();
            let pushes = c.pushes();
            assert_eq!(pushes.len(), 2);
            assert_eq!(pushes[0].db, "kefu");
            assert!(pushes[0].doc_types.is_empty());
            assert_eq!(pushes[1].db, "kefu-responses");
            assert_eq!(pushes[1].doc_types, vec!["survey".to_string()]);
            // Without a responses database nothing is published.
            let mut plain = staff_cfg();
            plain.responses_db.clear();
            assert_eq!(plain.pushes().len(), 1);

            let responses = FakeServer::new("kefu-responses");
            let staff = MemoryStore::new();
            add(&staff, "survey:1", json!({"type": "survey"})).await;
            add(&staff, "complaint:1", json!({"type": "complaint"})).await;
            add(&staff, "staff:1", json!({"type": "staff"})).await;
            let out = engine::replicate(&staff, &responses, &pushes[1], "s", &opts(10))
                .await
                .unwrap();
            assert_eq!(out.revs_written, 1);
            assert_eq!(ids(&responses.store).await, vec!["survey:1".to_string()]);
        });
    }

    #[test]
    fn a_fresh_phone_fetches_the_survey_keeps_its_answer_and_delivers_it_once() {
        block_on(async {
            let server = FakeServer::new("kefu-responses");
            // The staff device published a survey (edited twice: its history comes along).
            let staff = MemoryStore::new();
            add(&staff, "survey:1", json!({"type": "survey", "v": 1})).await;
            let rev2 = edit(&staff, "survey:1", |b| b["v"] = json!(2)).await;
            add(&staff, "response:0", json!({"type": "response"})).await;
            let spec = SyncConfig {
                url: "http://fake:5984".into(),
                db: "kefu".into(),
                responses_db: "kefu-responses".into(),
                local_db_id: "S".into(),
                ..Default::default()
            }
            .pushes()
            .remove(1);
            engine::replicate(&staff, &server, &spec, "s", &opts(10))
                .await
                .unwrap();

            let target =
                LinkTarget::from_query("?sync=http%3A%2F%2Ffake%3A5984&db=kefu-responses").unwrap();
            let phone = MemoryStore::new();
            link::fetch_survey(&phone, &server, &target, "survey:1")
                .await
                .unwrap();
            let got = phone.get("survey:1").await.unwrap();
            assert_eq!(got.rev.as_deref(), Some(rev2.as_str()));
            assert_eq!(got.body["v"], json!(2));
            // Fetching again changes nothing (same revision, no conflict).
            link::fetch_survey(&phone, &server, &target, "survey:1")
                .await
                .unwrap();
            assert_eq!(phone.get("survey:1").await.unwrap().rev, Some(rev2));
            // Unknown surveys and documents that are not surveys are refused.
            assert!(matches!(
                link::fetch_survey(&phone, &server, &target, "survey:nope").await,
                Err(SyncError::Store(crate::store::StoreError::NotFound { .. }))
            ));

            // The customer answers; offline, it waits (and stays waiting).
            add(
                &phone,
                "response:1",
                json!({"type": "response", "survey_id": "survey:1"}),
            )
            .await;
            add(&phone, "followup:1", json!({"type": "followup"})).await;
            assert_eq!(link::waiting(&phone, &target, "P").await.unwrap(), 1);
            server.fault(None, "/kefu-responses", FaultKind::Drop);
            assert!(link::push_responses(&phone, &server, &target, "P", "s1")
                .await
                .is_err());
            assert_eq!(link::waiting(&phone, &target, "P").await.unwrap(), 1);
            // Back online: delivered, once; the survey and the follow-up stay on the phone.
            let out = link::push_responses(&phone, &server, &target, "P", "s2")
                .await
                .unwrap();
            assert_eq!(out.revs_written, 1);
            assert_eq!(link::waiting(&phone, &target, "P").await.unwrap(), 0);
            let on_server = ids(&server.store).await;
            assert!(on_server.contains(&"response:1".to_string()));
            assert!(!on_server.contains(&"followup:1".to_string()));
            let again = link::push_responses(&phone, &server, &target, "P", "s3")
                .await
                .unwrap();
            assert_eq!(again.revs_written, 0);
            // A response document is not a survey.
            assert!(matches!(
                link::fetch_survey(&phone, &server, &target, "response:1").await,
                Err(SyncError::Protocol(_))
            ));
        });
    }
}

/// The id a too-large document is named by comes from its pushed text, escapes and all.
#[test]
fn a_pushed_documents_id_is_read_back_from_its_text() {
    for id in ["note:1", "note:\"q\"", "note:a\\\"b\\", "投诉:一", "x\\"] {
        let text = doc_text_for_push(id, Some("1-ab"), false, &json!({"a": "\"}"}), &[]);
        assert_eq!(doc_id_of_text(&text).as_deref(), Some(id), "{text}");
    }
    assert_eq!(doc_id_of_text("{\"_rev\":\"1-a\"}"), None);
    assert_eq!(doc_id_of_text("{\"_id\":\"open"), None);
}

// ------------------------------------------------------------------ fields of newer versions

/// A record saved here is rebuilt from its Rust struct. A field the struct does not know (one
/// a newer version of the app added on another device) used to be dropped by the next save on
/// this device, and the new revision won everywhere (review 3, finding 6). It is now carried
/// along, by `typed::save` and by the write helpers the pages use (`typed::put`, `typed::bulk`),
/// while a field this version knows and clears stays cleared.
#[test]
fn saving_a_record_keeps_the_fields_a_newer_version_wrote() {
    use crate::domain::customer::{tests_support::customer, Customer, Level};
    use crate::store::typed;
    block_on(async {
        let s = MemoryStore::new();
        let mut c = customer("customer:01", Level::Medium);
        c.name = "王芳".into();
        c.email = Some("wf@example.com".into());
        let mut doc = typed::to_doc(&c).unwrap();
        // Written by a newer version of the app on another device.
        doc.body["risk_level"] = json!("C4");
        s.put(doc).await.unwrap();
        let mut c: Customer = typed::load(&s, "customer:01").await.unwrap();
        c.name = "王芳芳".into();
        c.email = None;
        c.rev = Some(typed::save(&s, &c).await.unwrap());
        let after = s.get("customer:01").await.unwrap();
        assert_eq!(after.body["risk_level"], json!("C4"), "kept by typed::save");
        assert_eq!(after.body["name"], json!("王芳芳"));
        assert_eq!(
            after.body["email"],
            json!(null),
            "cleared here, and not brought back"
        );
        // The pages' bulk writes keep it too.
        c.name = "王芳".into();
        typed::bulk(&s, vec![typed::record_doc(&c).unwrap()])
            .await
            .unwrap();
        let after = s.get("customer:01").await.unwrap();
        assert_eq!(after.body["risk_level"], json!("C4"), "kept by typed::bulk");
        // A save meant for new records, given one saved before, keeps the top-level fields.
        c.rev = after.rev.clone();
        c.name = "王芳芳".into();
        c.rev = Some(typed::save_new(&s, &c).await.unwrap());
        let after = s.get("customer:01").await.unwrap();
        assert_eq!(
            after.body["risk_level"],
            json!("C4"),
            "kept by typed::save_new"
        );
        // A plain store write (a purge) keeps only what it is given.
        let mut plain = typed::to_doc(&c).unwrap();
        plain.rev = after.rev.clone();
        s.put(plain).await.unwrap();
        assert_eq!(
            s.get("customer:01").await.unwrap().body.get("risk_level"),
            None
        );
    });
}

/// A field a newer version added inside a field this one knows (a complainant's `id_type`, a
/// history event's `device`, a round's `sla_paused`, a corrective action's `evidence`) was
/// dropped by the next save here: only top-level fields were carried. Now what this version
/// drops at any depth goes back where the edit still has it, by an action that appends to the
/// history and changes the current round, and by an edit of the complainant; a field cleared
/// here stays cleared, and a list element's field is not given to another element.
#[test]
fn saving_a_complaint_keeps_the_fields_a_newer_version_wrote_inside_known_ones() {
    use crate::domain::complaint::{
        Action, Category, Channel, Complainant, Complaint, CorrectiveAction, Draft, Responsibility,
    };
    use crate::domain::staff::{Actor, Role};
    use crate::store::typed;
    let at = |m: u32| {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(16, m, 0)
            .unwrap()
    };
    let person = |name: &str, role: Role| Actor {
        id: format!("staff:{name}"),
        name: name.into(),
        role,
    };
    let specialist = person("张敏", Role::Specialist);
    let draft = Draft {
        complainant: Complainant {
            name: "周杰".into(),
            phone: "13700001111".into(),
            email: "zj@example.com".into(),
            ..Default::default()
        },
        channel: Some(Channel::Phone),
        received_at: Some(at(0)),
        narrative: "排队两小时".into(),
        ..Default::default()
    };
    /// As `complaints::repo::save_complaint` writes one: with the store's listed deadline.
    async fn save(s: &MemoryStore, c: &Complaint) -> String {
        let mut doc = typed::to_doc(c).unwrap();
        doc.body["deadline"] = json!(format!("2026-12-1{}T16:00:00", c.history.len()));
        typed::put(s, typed::RecordDoc::of::<Complaint>(doc))
            .await
            .unwrap()
    }
    block_on(async {
        let s = MemoryStore::new();
        let mut c = Complaint::receive(
            &draft,
            "complaint:01".into(),
            "TS-1".into(),
            "BR01",
            &specialist,
            at(0),
        )
        .unwrap();
        c.from_demand = Some("demand:01".into());
        let classify = Action::Classify {
            category: Category::Other,
            severity: 2,
            department: "营业部".into(),
        };
        c.apply(classify, &specialist, at(1)).unwrap();
        c.apply(Action::StartInvestigation, &specialist, at(2))
            .unwrap();
        let opinion = |actions: &[&str]| Action::SubmitOpinion {
            responsibility: Responsibility::OursPartial,
            opinion: "致歉".into(),
            corrective_actions: actions
                .iter()
                .map(|a| {
                    CorrectiveAction::new(
                        a,
                        "运营部",
                        chrono::NaiveDate::from_ymd_opt(2030, 12, 31),
                    )
                })
                .collect(),
            escalated_to: String::new(),
        };
        let findings = Action::RecordFindings {
            findings: "叫号系统故障".into(),
        };
        c.apply(findings, &specialist, at(3)).unwrap();
        c.apply(opinion(&["升级叫号系统", "培训"]), &specialist, at(4))
            .unwrap();
        c.rev = Some(save(&s, &c).await);
        // A newer version of the app on another device adds fields inside known ones.
        let mut doc = s.get("complaint:01").await.unwrap();
        doc.body["complainant"]["id_type"] = json!("passport");
        doc.body["history"][0]["device"] = json!("pad-2");
        doc.body["rounds"][0]["sla_paused"] = json!(true);
        doc.body["rounds"][0]["corrective_actions"][0]["evidence"] = json!("photo.jpg");
        s.put(doc).await.unwrap();

        // An action: refused by the supervisor (a history event appended, the round changed).
        let mut c: Complaint = typed::load(&s, "complaint:01").await.unwrap();
        let reject = Action::Reject {
            why: "再查".into()
        };
        c.apply(reject, &person("李强", Role::Supervisor), at(5))
            .unwrap();
        c.rev = Some(save(&s, &c).await);
        let after = s.get("complaint:01").await.unwrap().body;
        assert_eq!(after["complainant"]["id_type"], json!("passport"));
        assert_eq!(after["history"][0]["device"], json!("pad-2"));
        let events = after["history"].as_array().unwrap();
        assert_eq!(events.len(), c.history.len(), "one appended");
        assert_eq!(events.last().unwrap()["action"], json!("reject"));
        assert_eq!(
            events.last().unwrap().get("device"),
            None,
            "not on the new one"
        );
        assert_eq!(after["rounds"][0]["sla_paused"], json!(true));
        assert_eq!(
            after["rounds"][0]["corrective_actions"][0]["evidence"],
            json!("photo.jpg")
        );

        // A new opinion whose actions are others: the first action's evidence is not given to
        // the action now first; the round keeps its field.
        c.apply(opinion(&["培训", "复盘"]), &specialist, at(6))
            .unwrap();
        c.rev = Some(save(&s, &c).await);
        let after = s.get("complaint:01").await.unwrap().body;
        let actions = &after["rounds"][0]["corrective_actions"];
        assert_eq!(actions[0]["description"], json!("培训"));
        assert_eq!(
            actions[0].get("evidence"),
            None,
            "not moved to another action"
        );
        assert_eq!(actions[1].get("evidence"), None);
        assert_eq!(after["rounds"][0]["sla_paused"], json!(true));
        assert_eq!(after["history"][0]["device"], json!("pad-2"));

        // An edit of the complainant, clearing the email and the demand it came from.
        c.complainant.phone = "13700002222".into();
        c.complainant.email.clear();
        c.from_demand = None;
        c.rev = Some(typed::save(&s, &c).await.unwrap());
        let after = s.get("complaint:01").await.unwrap().body;
        assert_eq!(after["complainant"]["id_type"], json!("passport"));
        assert_eq!(after["complainant"]["phone"], json!("13700002222"));
        assert_eq!(
            after["complainant"]["email"],
            json!(""),
            "cleared here, stays cleared"
        );
        assert_eq!(
            after.get("from_demand"),
            None,
            "cleared here, not brought back"
        );
        assert_eq!(after["history"][0]["device"], json!("pad-2"));
        assert_eq!(after["rounds"][0]["sla_paused"], json!(true));
        // The store's listed deadline is its own: not carried into a save without one.
        assert_eq!(after.get("deadline"), None);
    });
}

/// A conflict waiting for staff to choose (Settings → Sync → "Conflicts to settle") survives a
/// backup and restore: the other version is in the backup beside the winner, comes back as a
/// conflicting leaf, and is listed for a person again (review 3, finding 5: before, a backup
/// held winning revisions only, and the colleague's edit was gone from the device).
#[test]
fn a_conflict_waiting_for_a_person_survives_backup_and_restore() {
    block_on(async {
        let a = MemoryStore::new();
        let r1 = add(&a, "staff:1", json!({"type": "staff", "name": "张三"})).await;
        edit(&a, "staff:1", |d| d["phone"] = json!("139")).await;
        // A colleague's concurrent edit arrives by sync: a conflicting leaf.
        let theirs = ReplicatedRev {
            doc: Doc {
                id: "staff:1".into(),
                rev: Some("2-0000".into()),
                deleted: false,
                body: json!({"type": "staff", "name": "张三", "phone": "186"}),
            },
            history: vec!["2-0000".into(), r1],
        };
        a.put_replicated(vec![theirs]).await.unwrap();
        let tree = a.rev_tree("staff:1").await.unwrap();
        assert_eq!(tree.conflicts().len(), 1);
        let winner = tree.winner().unwrap().to_string();
        let before = a.get("staff:1").await.unwrap();
        // Not settled yet (the pull's settling has not run): found from the changes feed.
        let backup = export_backup(&a).await;
        assert_eq!(backup.1.len(), 1);
        import_backup(&a, backup).await;
        let tree = a.rev_tree("staff:1").await.unwrap();
        assert_eq!(
            tree.conflicts(),
            vec!["2-0000"],
            "the version waiting for staff to choose is gone after backup + restore"
        );
        assert_eq!(tree.winner(), Some(winner.as_str()), "the same winner");
        assert_eq!(a.get("staff:1").await.unwrap().body, before.body);
        assert_eq!(
            a.get_rev("staff:1", "2-0000").await.unwrap().body["phone"],
            json!("186")
        );
        // Listed for a person, and so offered in Settings → Sync.
        let open = super::conflicts::open(&a).await.unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].others[0].rev.as_deref(), Some("2-0000"));
        // Listed now: a second backup finds it through the list, and restores it the same.
        let again = export_backup(&a).await;
        assert_eq!(again.1.len(), 1);
        import_backup(&a, again).await;
        assert_eq!(
            a.rev_tree("staff:1").await.unwrap().conflicts(),
            vec!["2-0000"]
        );
    });
}

// ------------------------------------------------------------------ saving the settings

mod saving {
    use super::*;
    use crate::sync::config::{AuthKind, Phase};
    use crate::sync::connect::{basic_sign_in, session_sign_in, PendingSignIn, Saved};

    /// A web server that answers every path with its page (not JSON: the body reads as Null).
    struct WebPage;

    impl Transport for WebPage {
        async fn request(&self, _req: HttpRequest) -> Result<HttpResponse, TransportError> {
            Ok(HttpResponse {
                status: 200,
                body: Json::Null,
            })
        }
    }

    #[test]
    fn a_server_that_cannot_be_reached_saves_and_retries_and_says_so() {
        block_on(async {
            let mut server = FakeServer::new("kefu");
            server.account = Some(("lee".into(), "right".into()));
            // The session sign-in finds no server: saved, left to the live sync.
            server.fault(Some(Method::Post), "/_session", FaultKind::Drop);
            let r = session_sign_in(&server, "lee", "right").await;
            let saved = Saved::after_sign_in(r).unwrap_err();
            assert!(matches!(saved, Saved::Retrying(SyncError::Network(_))));
            assert!(saved.saves() && !saved.is_error());
            assert_eq!(
                saved.message(true),
                "已保存。暂时无法连接同步服务器，将自动重试，连上后即开始同步。"
            );
            assert!(saved
                .message(false)
                .starts_with("Saved. The sync server cannot be reached yet; retrying"));
            assert!(!saved.message(false).contains("Connected"));
            // Then the server answers: the same sign-in goes through.
            assert_eq!(
                Saved::after_sign_in(session_sign_in(&server, "lee", "right").await),
                Ok(())
            );
            // The database check, no answer in time or a 503: saved and retried as well.
            server.fault(Some(Method::Get), "/kefu", FaultKind::Timeout);
            let saved = Saved::after_check(engine::check_database(&server, "kefu", 1000).await);
            assert_eq!(saved, Saved::Retrying(SyncError::Timeout));
            server.fault(Some(Method::Get), "/kefu", FaultKind::Status(503));
            let saved = Saved::after_check(engine::check_database(&server, "kefu", 1000).await);
            assert!(saved.saves());
            assert!(saved
                .message(true)
                .starts_with("已保存。同步服务器出错（503"));
            assert!(saved
                .message(false)
                .starts_with("Saved. The sync server failed (503"));
            // And when it answers.
            let saved = Saved::after_check(engine::check_database(&server, "kefu", 1000).await);
            assert_eq!(saved, Saved::Connected);
            assert_eq!(saved.message(false), "Connected; syncing.");
        });
    }

    #[test]
    fn a_wrong_password_or_an_address_that_is_not_couchdb_saves_nothing() {
        block_on(async {
            let mut server = FakeServer::new("kefu");
            server.account = Some(("lee".into(), "right".into()));
            let saved = Saved::after_sign_in(session_sign_in(&server, "lee", "wrong").await);
            assert_eq!(saved, Err(Saved::WrongPassword));
            assert!(!Saved::WrongPassword.saves());
            assert!(Saved::WrongPassword
                .message(true)
                .contains("用户名或密码错误"));
            // A web page where the server should be: not retried, said in words.
            assert_eq!(
                engine::check_database(&WebPage, "kefu", 1000).await,
                Err(SyncError::NotCouchDb)
            );
            assert!(!SyncError::NotCouchDb.retryable());
            let saved = Saved::after_check(engine::check_database(&WebPage, "kefu", 1000).await);
            assert_eq!(saved, Saved::Refused(SyncError::NotCouchDb));
            assert!(!saved.saves() && saved.is_error());
            assert!(saved.message(true).contains("不是 CouchDB"));
            assert!(saved.message(false).contains("not a CouchDB"));
            assert!(!saved.message(false).contains("retry"));
            for r in [
                session_sign_in(&WebPage, "lee", "right").await,
                basic_sign_in(&WebPage, "lee").await,
            ] {
                assert_eq!(
                    Saved::after_sign_in(r),
                    Err(Saved::Refused(SyncError::NotCouchDb))
                );
            }
            // A missing database is not retried either.
            let saved = Saved::after_check(
                engine::check_database(&FakeServer::new("kefu"), "nope", 1000).await,
            );
            assert_eq!(saved, Saved::Refused(SyncError::NoDatabase("nope".into())));
        });
    }

    #[test]
    fn a_basic_password_is_checked_against_the_session_it_names() {
        block_on(async {
            let mut server = FakeServer::new("kefu");
            server.account = Some(("lee".into(), "right".into()));
            // Not signed in: the server names nobody.
            assert_eq!(
                basic_sign_in(&server, "lee").await,
                Err(SyncError::Unauthorized)
            );
            session_sign_in(&server, "lee", "right").await.unwrap();
            assert_eq!(basic_sign_in(&server, "lee").await, Ok(()));
            server.fault(Some(Method::Get), "/_session", FaultKind::Status(500));
            let e = basic_sign_in(&server, "lee").await.unwrap_err();
            assert!(e.retryable(), "{e:?}");
        });
    }

    #[test]
    fn a_save_still_retrying_follows_the_live_sync() {
        let retrying = Saved::Retrying(SyncError::Network("down".into()));
        assert_eq!(retrying.follow(&Phase::Synced), Some(Saved::Connected));
        assert_eq!(
            retrying.follow(&Phase::SignIn),
            Some(Saved::Refused(SyncError::Unauthorized))
        );
        for phase in [Phase::Offline, Phase::Syncing, Phase::Error, Phase::Off] {
            assert_eq!(retrying.follow(&phase), None);
        }
        // Connected, then the server went away: the form no longer says "connected" (QA: it
        // did while the header said offline), and says so again once it is back.
        let gone = Saved::Connected.follow(&Phase::Offline).unwrap();
        assert!(
            gone.message(true).contains("暂时无法连接同步服务器"),
            "{gone:?}"
        );
        assert_eq!(gone.follow(&Phase::Synced), Some(Saved::Connected));
        assert_eq!(Saved::Connected.follow(&Phase::Error), None);
        assert_eq!(Saved::WrongPassword.follow(&Phase::Synced), None);
    }

    #[test]
    fn a_sign_in_left_to_the_live_sync_is_for_its_account_only() {
        let cfg = SyncConfig {
            url: "http://127.0.0.1:5984/".into(),
            db: "kefu".into(),
            user: "lee".into(),
            ..Default::default()
        };
        let p = PendingSignIn::new(&cfg, "right");
        assert_eq!(p.password, "right");
        assert!(p.is_for(&cfg));
        assert!(p.is_for(&SyncConfig {
            url: "http://127.0.0.1:5984".into(),
            db: "other".into(),
            ..cfg.clone()
        }));
        for other in [
            SyncConfig {
                url: "http://127.0.0.1:5985".into(),
                ..cfg.clone()
            },
            SyncConfig {
                user: "wang".into(),
                ..cfg.clone()
            },
            SyncConfig {
                user: String::new(),
                ..cfg.clone()
            },
            SyncConfig {
                auth: AuthKind::Basic,
                ..cfg.clone()
            },
        ] {
            assert!(!p.is_for(&other), "{other:?}");
        }
    }
}
