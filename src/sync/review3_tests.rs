//! Review 3: host tests that show faults that lose data or let sync silently diverge.
//! Each test states the expected (correct) behaviour and fails on the code as it is.

use std::cell::Cell;

use futures::executor::block_on;
use serde_json::{json, Value as Json};

use super::config::{run_cycle, SyncConfig};
use super::engine::Options;
use super::fake::FakeServer;
use super::transport::{HttpRequest, HttpResponse, Method, Transport, TransportError};
use crate::store::memory::MemoryStore;
use crate::store::{Doc, DocStore, ReplicatedRev};

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

async fn edit(store: &MemoryStore, id: &str, f: impl FnOnce(&mut Json)) -> String {
    let mut d = store.get(id).await.unwrap();
    f(&mut d.body);
    store.put(d).await.unwrap()
}

/// What Settings → Backup exports (`all_docs`, winning live documents with `_id`/`_rev`) and
/// how its import hands them to the store (`ReplicatedRev` with `history: [rev]`, then
/// `replace_all`): src/ui/pages/settings/backup.rs `export` / `import`.
async fn export_backup(store: &MemoryStore) -> Vec<Doc> {
    store.all_docs(None, 100_000).await.unwrap().docs
}

async fn import_backup(store: &MemoryStore, docs: Vec<Doc>) {
    let revs: Vec<ReplicatedRev> = docs
        .into_iter()
        .map(|d| ReplicatedRev {
            history: d.rev.clone().into_iter().collect(),
            doc: d,
        })
        .collect();
    store.replace_all(revs).await.unwrap();
}

// ------------------------------------------------------------------ backup import vs sync

// ------------------------------------------------------------------ per-document errors

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

/// Push: any per-document error in a `_bulk_docs` answer is taken as a final refusal
/// (`parse_bulk_docs` → `Outcome::refused`), and the batch is checkpointed past it. A passing
/// error (not `forbidden`/`unauthorized`, a validation function's verdict) therefore loses the
/// document for good: it is never sent again until someone edits it. PouchDB's replicator
/// fails the batch (and retries) on any other error.
#[test]
fn review3_push_transient_per_doc_error_is_checkpointed_past_and_never_resent() {
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
        // The first cycle meets the passing error; the following ones meet none.
        let _ = run_cycle(&a, &flaky, &cfg(&server, "A"), "s1", &opts(10)).await;
        for s in ["s2", "s3"] {
            run_cycle(&a, &flaky, &cfg(&server, "A"), s, &opts(10))
                .await
                .unwrap();
        }
        assert!(
            server.store.get("note:1").await.is_ok(),
            "note:1 never reached the server: the push checkpoint went past it"
        );
    });
}

/// Pull: any per-document error in a `_bulk_get` answer is taken as "revision unavailable"
/// (`parse_bulk_get` → `Outcome::unavailable`, which `run_cycle` does not even report), and
/// the page is checkpointed past it. A passing error loses that revision for this device
/// until the document is edited again on the server.
#[test]
fn review3_pull_transient_bulk_get_error_is_checkpointed_past_and_never_refetched() {
    block_on(async {
        let server = FakeServer::new("kefu");
        let (a, b) = (MemoryStore::new(), MemoryStore::new());
        for i in 0..3 {
            add(&a, &format!("note:{i}"), json!({"type": "note", "i": i})).await;
        }
        // Second revisions, so that the pull fetches them with `_bulk_get` (a first revision
        // may come inline with the changes page).
        for i in 0..3 {
            edit(&a, &format!("note:{i}"), |d| d["edited"] = json!(true)).await;
        }
        run_cycle(&a, &server, &cfg(&server, "A"), "s1", &opts(10))
            .await
            .unwrap();
        let flaky = Flaky {
            server: &server,
            victim: "note:1",
            push_fault: Cell::new(false),
            pull_fault: Cell::new(true),
        };
        let first = run_cycle(&b, &flaky, &cfg(&server, "B"), "s1", &opts(10)).await;
        assert!(!flaky.pull_fault.get(), "the fault was met");
        for s in ["s2", "s3"] {
            run_cycle(&b, &flaky, &cfg(&server, "B"), s, &opts(10))
                .await
                .unwrap();
        }
        assert!(
            b.get("note:1").await.is_ok(),
            "note:1 never pulled (first cycle: {:?})",
            first.map(|r| r.pulled)
        );
    });
}

// ------------------------------------------------------------------ fields of newer versions

/// A record saved through `typed::save` is rebuilt from its Rust struct: a field the struct
/// does not know (one added by a newer app version on another device, or by another tool)
/// is dropped by the next save on this device, and the new revision wins everywhere.
#[test]
fn review3_saving_a_record_drops_fields_this_version_does_not_know() {
    use crate::domain::customer::{Customer, CustomerKind, Level, Lifecycle, Tier};
    use crate::store::typed;
    block_on(async {
        let s = MemoryStore::new();
        let c = Customer {
            id: "customer:01".into(),
            rev: None,
            kind: CustomerKind::Individual,
            name: "王芳".into(),
            tier: Tier::Normal,
            value: Level::Medium,
            lifecycle: Lifecycle::Existing,
            account_no: None,
            account_opened: None,
            birthday: None,
            branch: "branch:1".into(),
            staff_id: None,
            phone: None,
            email: None,
            stage: None,
        };
        let mut doc = typed::to_doc(&c).unwrap();
        // Written by a newer version of the app on another device.
        doc.body["risk_level"] = json!("C4");
        s.put(doc).await.unwrap();
        let mut c: Customer = typed::load(&s, "customer:01").await.unwrap();
        c.name = "王芳芳".into();
        typed::save(&s, &c).await.unwrap();
        let after = s.get("customer:01").await.unwrap();
        assert_eq!(
            after.body.get("risk_level"),
            Some(&json!("C4")),
            "the newer version's field was dropped by an edit here"
        );
    });
}

/// A backup holds only each document's winning revision (`all_docs`), and the import replaces
/// the store with those: a conflict waiting for staff to choose (Settings → Sync → "Conflicts
/// to settle") loses its other version on restore — the colleague's edit it holds is gone
/// from the device, and (with the pull checkpoint kept, see above) it is not pulled again.
#[test]
fn review3_backup_round_trip_drops_the_losing_version_of_a_conflict() {
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
        assert_eq!(a.rev_tree("staff:1").await.unwrap().conflicts().len(), 1);
        let backup = export_backup(&a).await;
        import_backup(&a, backup).await;
        assert_eq!(
            a.rev_tree("staff:1").await.unwrap().conflicts(),
            vec!["2-0000"],
            "the version waiting for staff to choose is gone after backup + restore"
        );
    });
}
