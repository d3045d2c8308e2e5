//! sync/engine: one replication run (push or pull) between the local [`DocStore`] and a
//! CouchDB-protocol database reached through a [`Transport`]: changes since the checkpoint,
//! `_revs_diff`, fetch or send the missing revisions with their history, checkpoint after every
//! batch on both sides. A run that fails part-way resumes from its last checkpoint; revisions
//! already copied are never copied twice (`_revs_diff`), so nothing is duplicated or lost.

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value as Json};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use super::protocol::{
    self, bulk_docs_body, bulk_get_body, bulk_get_path, changes_path, doc_path, error_text,
    open_revs_path, parse_bulk_docs, parse_bulk_get, parse_changes, parse_open_revs,
    parse_revs_diff, replicated_from_value, replication_id, revs_diff_body, start_seq, Checkpoint,
    Direction, MissingRev, ProtocolError, Refused, Seq,
};
use super::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use crate::store::engine::Current;
use crate::store::revs::generation;
use crate::store::{changed_states_past_damage, Change, DocStore, ReplicatedRev, StoreError};

/// What to replicate.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicationSpec {
    /// This device's database id (random, kept in a local document).
    pub local_db_id: String,
    /// The server URL the transport talks to (part of the replication id).
    pub server_url: String,
    pub db: String,
    pub direction: Direction,
    /// Push only documents of these types (empty: every document).
    pub doc_types: Vec<String>,
}

impl ReplicationSpec {
    pub fn replication_id(&self) -> String {
        replication_id(
            &self.local_db_id,
            &self.server_url,
            &self.db,
            self.direction,
            &self.doc_types,
        )
    }
}

/// Batch sizes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// Documents per push batch (changes read, and one `_bulk_docs` request unless larger
    /// than `max_batch_bytes`), and documents per `_bulk_get` request of a pull (each with
    /// all its missing revisions).
    pub batch_size: usize,
    /// Changes read per page of a pull: its missing revisions are fetched in requests of
    /// `batch_size` and written in one transaction, and the page is checkpointed once written.
    pub page_size: usize,
    /// Approximate bytes per `_bulk_docs` request: a batch of `batch_size` documents goes in
    /// one request unless it is larger. A server (or a proxy before it) that answers 413 to a
    /// request gets it again in halves, and the rest of the run keeps under the size it took.
    pub max_batch_bytes: usize,
    /// Time limit per request, milliseconds.
    pub timeout_ms: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            batch_size: 500,
            // Pages of 1,000 pulled 10,000 documents ~6% faster than pages of 500 (fewer
            // transactions and checkpoints, fewer waits between the three pages at work).
            page_size: 1000,
            max_batch_bytes: 4_000_000,
            timeout_ms: 30_000,
        }
    }
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// Changes examined.
    pub changes_read: usize,
    /// Revisions written (to the store on pull, to the server on push).
    pub revs_written: usize,
    /// Documents the server refused (e.g. a validation function said `forbidden`).
    pub refused: Vec<Refused>,
    /// Revisions the server could no longer give (compacted away).
    pub unavailable: Vec<MissingRev>,
    /// Push: local records that could not be read (damaged), passed over and not sent.
    pub damaged: Vec<String>,
    /// Pull: local records that could not be read (damaged), written over with the server's
    /// revisions (the only readable copy).
    pub repaired: Vec<String>,
    /// Batches checkpointed.
    pub checkpoints: usize,
    /// The source sequence reached (pull: the remote's, opaque).
    pub last_seq: Option<Seq>,
}

/// Why a run stopped.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SyncError {
    /// 401: the session ended or the password is wrong.
    #[error("not signed in")]
    Unauthorized,
    /// 403: signed in, but this account may not do that.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// 404 on the database itself.
    #[error("database {0} does not exist")]
    NoDatabase(String),
    /// Any other unexpected status (409 on a write we cannot settle, 5xx, …).
    #[error("server error {status}: {text}")]
    Server { status: u16, text: String },
    /// 413 on a request of one document: the server takes no request that large.
    #[error("document {id} ({bytes} bytes) is larger than the server accepts")]
    TooLarge { id: String, bytes: usize },
    /// A good answer that failed one document for a reason that may pass (not a missing
    /// revision, not a validation's refusal): the page or batch is not checkpointed, so the
    /// document is asked for or sent again.
    #[error("the server failed on document {id}: {error}")]
    DocFailed { id: String, error: String },
    #[error("network: {0}")]
    Network(String),
    #[error("timeout")]
    Timeout,
    /// The URL answers, but not as a CouchDB server does (a web page, say): a wrong address,
    /// which trying again does not mend.
    #[error("not a CouchDB server")]
    NotCouchDb,
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Protocol(#[from] ProtocolError),
}

impl From<TransportError> for SyncError {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::Network(m) => SyncError::Network(m),
            TransportError::Timeout => SyncError::Timeout,
        }
    }
}

impl SyncError {
    /// Whether trying again later may help (the server is down, slow or briefly failing).
    /// Not after 401 (the user must sign in) or 403/404 (an administrator must act).
    pub fn retryable(&self) -> bool {
        match self {
            SyncError::Network(_)
            | SyncError::Timeout
            | SyncError::Protocol(_)
            | SyncError::DocFailed { .. } => true,
            SyncError::Server { status, .. } => {
                *status >= 500 || *status == 409 || *status == 408 || *status == 429
            }
            SyncError::Store(StoreError::Backend(_)) => true,
            _ => false,
        }
    }

    /// Whether the device is probably offline or the server unreachable.
    pub fn is_offline(&self) -> bool {
        matches!(self, SyncError::Network(_) | SyncError::Timeout)
    }

    /// A sentence for the user.
    pub fn message(&self, zh: bool) -> String {
        match self {
            SyncError::Unauthorized => pick(
                zh,
                "同步服务器要求登录：用户名或密码错误，或会话已过期，请重新登录。",
                "The sync server needs you to sign in: the name or password is wrong, or the session expired. Sign in again.",
            ),
            SyncError::Forbidden(why) => {
                if zh {
                    format!("同步服务器拒绝了此账号的访问（{why}）。请联系管理员授予权限。")
                } else {
                    format!("The sync server refused this account ({why}). Ask an administrator for access.")
                }
            }
            SyncError::NoDatabase(db) => {
                if zh {
                    format!("同步服务器上没有数据库 “{db}”。请检查名称，或请管理员创建。")
                } else {
                    format!("The sync server has no database “{db}”. Check the name or ask an administrator to create it.")
                }
            }
            SyncError::Server { status, text } => {
                if zh {
                    format!("同步服务器出错（{status} {text}），稍后自动重试。")
                } else {
                    format!("The sync server failed ({status} {text}); retrying automatically.")
                }
            }
            SyncError::TooLarge { id, bytes } => {
                let kb = bytes.div_ceil(1024);
                if zh {
                    format!("文档 “{id}”（{kb} KB）超过同步服务器允许的请求大小，无法上传。请管理员调大服务器的请求大小限制。")
                } else {
                    format!("Document “{id}” ({kb} KB) is larger than the sync server accepts in one request, so it cannot be sent. Ask an administrator to raise the server's request size limit.")
                }
            }
            SyncError::DocFailed { id, error } => {
                if zh {
                    format!("同步服务器处理文档 “{id}” 时出错（{error}），稍后自动重试。")
                } else {
                    format!("The sync server failed on document “{id}” ({error}); retrying automatically.")
                }
            }
            SyncError::Network(_) => pick(
                zh,
                "无法连接同步服务器（离线或服务器未运行），稍后自动重试。",
                "Cannot reach the sync server (offline, or the server is down); retrying automatically.",
            ),
            SyncError::Timeout => pick(
                zh,
                "同步服务器响应超时，稍后自动重试。",
                "The sync server did not answer in time; retrying automatically.",
            ),
            SyncError::NotCouchDb => pick(
                zh,
                "该地址不是 CouchDB 同步服务器（它的回答不是 CouchDB 的数据，例如是一个网页）。请检查服务器地址。",
                "The server at this address is not a CouchDB sync server (its answer is not CouchDB's, a web page perhaps). Check the server URL.",
            ),
            SyncError::Store(e) => e.message(zh),
            SyncError::Protocol(e) => {
                if zh {
                    format!("同步服务器的响应无法识别（{}），稍后重试。", e.0)
                } else {
                    format!("The sync server's answer was not understood ({}); retrying later.", e.0)
                }
            }
        }
    }
}

fn pick(zh: bool, a: &str, b: &str) -> String {
    if zh { a } else { b }.to_string()
}

/// Turns a non-success response into an error.
fn status_error(db: &str, r: &HttpResponse) -> SyncError {
    match r.status {
        401 => SyncError::Unauthorized,
        403 => SyncError::Forbidden(error_text(&r.body)),
        404 if protocol::is_no_db(&r.body) => SyncError::NoDatabase(db.to_string()),
        s => SyncError::Server {
            status: s,
            text: error_text(&r.body),
        },
    }
}

struct Remote<'a, T: Transport> {
    t: &'a T,
    db: &'a str,
    timeout_ms: u32,
}

impl<T: Transport> Remote<'_, T> {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, SyncError> {
        Ok(self.t.request(req.timeout(self.timeout_ms)).await?)
    }
    /// Sends and requires a 2xx answer.
    async fn ok(&self, req: HttpRequest) -> Result<Json, SyncError> {
        let r = self.send(req).await?;
        if r.ok() {
            Ok(r.body)
        } else {
            Err(status_error(self.db, &r))
        }
    }
}

/// The checkpoints of one replication on both sides.
struct Checkpoints {
    id: String,
    session_id: String,
    local: Option<Checkpoint>,
    remote_rev: Option<String>,
}

impl Checkpoints {
    async fn load<S: DocStore, T: Transport>(
        store: &S,
        remote: &Remote<'_, T>,
        id: String,
        session_id: &str,
    ) -> Result<(Checkpoints, Seq), SyncError> {
        let local = store
            .get_local(&id)
            .await?
            .as_ref()
            .and_then(Checkpoint::from_json);
        let r = remote
            .send(HttpRequest::get(doc_path(
                remote.db,
                &format!("_local/{id}"),
            )))
            .await?;
        let (remote_cp, remote_rev) = match r.status {
            200 => (
                Checkpoint::from_json(&r.body),
                r.body
                    .get("_rev")
                    .and_then(Json::as_str)
                    .map(str::to_string),
            ),
            404 if protocol::is_no_db(&r.body) => {
                return Err(SyncError::NoDatabase(remote.db.to_string()))
            }
            404 => (None, None),
            _ => return Err(status_error(remote.db, &r)),
        };
        let since = start_seq(local.as_ref(), remote_cp.as_ref());
        Ok((
            Checkpoints {
                id,
                session_id: session_id.to_string(),
                local,
                remote_rev,
            },
            since,
        ))
    }

    /// Records `seq` on the server, then here. A 409 (someone else wrote the server's copy)
    /// is settled by reading its current revision and writing again, once.
    async fn save<S: DocStore, T: Transport>(
        &mut self,
        store: &S,
        remote: &Remote<'_, T>,
        seq: Seq,
    ) -> Result<(), SyncError> {
        let cp = Checkpoint::advance(self.local.as_ref(), &self.session_id, seq);
        let path = doc_path(remote.db, &format!("_local/{}", self.id));
        for attempt in 0..2 {
            let mut body = cp.to_json();
            if let Some(rev) = &self.remote_rev {
                body["_rev"] = Json::String(rev.clone());
            }
            let r = remote.send(HttpRequest::put(path.clone(), body)).await?;
            if r.ok() {
                self.remote_rev = r.body.get("rev").and_then(Json::as_str).map(str::to_string);
                break;
            }
            if r.status == 409 && attempt == 0 {
                let cur = remote.send(HttpRequest::get(path.clone())).await?;
                self.remote_rev = cur
                    .body
                    .get("_rev")
                    .and_then(Json::as_str)
                    .map(str::to_string);
                continue;
            }
            return Err(status_error(remote.db, &r));
        }
        store.put_local(&self.id, cp.to_json()).await?;
        self.local = Some(cp);
        Ok(())
    }
}

/// Checks the remote database exists and this account may read it. A success that is not a
/// CouchDB database's information (a web server answering every path with its page) is
/// [`SyncError::NotCouchDb`].
pub async fn check_database<T: Transport>(
    t: &T,
    db: &str,
    timeout_ms: u32,
) -> Result<Json, SyncError> {
    let remote = Remote { t, db, timeout_ms };
    let r = remote.send(HttpRequest::get(protocol::db_path(db))).await?;
    match r.status {
        200..=299 if r.body.get("db_name").is_some_and(Json::is_string) => Ok(r.body),
        200..=299 => Err(SyncError::NotCouchDb),
        404 => Err(SyncError::NoDatabase(db.to_string())),
        _ => Err(status_error(db, &r)),
    }
}

/// Runs one replication to the end of the changes feed as it is now.
pub async fn replicate<S: DocStore, T: Transport>(
    store: &S,
    t: &T,
    spec: &ReplicationSpec,
    session_id: &str,
    opts: &Options,
) -> Result<Outcome, SyncError> {
    let remote = Remote {
        t,
        db: &spec.db,
        timeout_ms: opts.timeout_ms,
    };
    let (mut cps, since) =
        Checkpoints::load(store, &remote, spec.replication_id(), session_id).await?;
    match spec.direction {
        Direction::Pull => pull(store, &remote, &mut cps, since, opts).await,
        Direction::Push => {
            push(
                store,
                &remote,
                &mut cps,
                since.as_u64().unwrap_or(0),
                spec,
                opts,
            )
            .await
        }
    }
}

/// One page of a pull, scanned: the remote's changes after a sequence, and which of their
/// revisions the store lacks.
struct Scanned {
    /// The page's last sequence (where the next page starts).
    last_seq: Seq,
    /// Changes on the page.
    rows: usize,
    /// Whether more changes follow.
    more: bool,
    missing: Vec<(String, Vec<String>)>,
    /// Missing revisions that came with the page (`include_docs`): nothing more to fetch.
    inline: Vec<ReplicatedRev>,
}

/// One page of a pull, fetched: the revisions of a scanned page the store lacked.
struct Fetched {
    last_seq: Seq,
    rows: usize,
    more: bool,
    revs: Vec<ReplicatedRev>,
    unavailable: Vec<MissingRev>,
}

/// Reads the page of changes after `since` and asks the store which revisions it lacks
/// (None: no changes).
///
/// While `with_docs` holds, the page is asked with its documents (`include_docs`), as
/// PouchDB's replicator fetches first revisions with `_all_docs`: a missing revision that is
/// its document's first and only one (no history, no conflict) is then taken from the page
/// itself instead of being fetched with `_bulk_get`. For 10,000 such documents PouchDB
/// Server spends less than half the CPU time (300 against 560-820 ms, measured), and the
/// page takes a request less. The pages of documents edited since (later revisions need
/// their history, which only `_bulk_get` gives) would carry their bodies twice, so the rest
/// of the pull asks without them once fewer than half of a page's missing revisions came
/// with it, or none did.
async fn scan_page<S: DocStore, T: Transport>(
    store: &S,
    remote: &Remote<'_, T>,
    since: &Seq,
    opts: &Options,
    with_docs: &Cell<bool>,
) -> Result<Option<Scanned>, SyncError> {
    let asked_docs = with_docs.get();
    let body = remote
        .ok(HttpRequest::get(changes_path(
            remote.db,
            since,
            opts.page_size,
            asked_docs,
        )))
        .await?;
    let mut page = parse_changes(body)?;
    if page.rows.is_empty() {
        return Ok(None);
    }
    // The first revisions with their bodies, by id.
    let mut firsts: BTreeMap<String, Json> = BTreeMap::new();
    for row in &mut page.rows {
        match (row.revs.as_slice(), row.doc.take()) {
            ([rev], Some(doc)) if !row.deleted && generation(rev) == 1 => {
                firsts.insert(row.id.clone(), doc);
            }
            _ => {}
        }
    }
    let mut wanted: Vec<(String, Vec<String>)> = Vec::new();
    let mut at: BTreeMap<&str, usize> = BTreeMap::new();
    for row in &page.rows {
        match at.get(row.id.as_str()) {
            Some(&i) => wanted[i].1.extend(row.revs.iter().cloned()),
            None => {
                at.insert(&row.id, wanted.len());
                wanted.push((row.id.clone(), row.revs.clone()));
            }
        }
    }
    // Design documents are the server's business (validation), not the app's data.
    wanted.retain(|(id, _)| !id.starts_with("_design/"));
    let mut missing = store.revs_diff(wanted).await?;
    let mut inline = Vec::new();
    if asked_docs {
        missing.retain(|(id, revs)| {
            let [rev] = revs.as_slice() else {
                return true;
            };
            let Some(doc) = firsts.remove(id) else {
                return true;
            };
            if doc.get("_rev").and_then(Json::as_str) != Some(rev.as_str()) {
                return true;
            }
            match replicated_from_value(doc) {
                Ok(r) => {
                    inline.push(r);
                    false
                }
                // Fetched as any other, and reported from there if it is still wrong.
                Err(_) => true,
            }
        });
        // Nothing came with it (the store had it all, or every document was edited since):
        // the bodies were carried for nothing.
        with_docs.set(!inline.is_empty() && inline.len() >= missing.len());
    }
    let more = match page.pending {
        Some(p) => p > 0,
        None => page.rows.len() >= opts.page_size,
    };
    Ok(Some(Scanned {
        last_seq: page.last_seq,
        rows: page.rows.len(),
        more,
        missing,
        inline,
    }))
}

/// Fetches the revisions a scanned page lacks. `bulk_get_works` turns false for good once the
/// server turns `_bulk_get` down.
async fn fetch_revs<T: Transport>(
    remote: &Remote<'_, T>,
    page: Scanned,
    opts: &Options,
    bulk_get_works: &Cell<bool>,
) -> Result<Fetched, SyncError> {
    let mut revs: Vec<ReplicatedRev> = page.inline;
    let mut unavailable = Vec::new();
    for chunk in page.missing.chunks(opts.batch_size.max(1)) {
        if bulk_get_works.get() {
            let r = remote
                .send(HttpRequest::post(
                    bulk_get_path(remote.db),
                    bulk_get_body(chunk),
                ))
                .await?;
            if r.ok() {
                let (ok, gone) = parse_bulk_get(r.body)?;
                revs.extend(ok);
                unavailable.extend(final_misses(gone)?);
                continue;
            }
            // Servers without _bulk_get (CouchDB 1.x, some proxies) answer 404/405/400.
            if matches!(r.status, 400 | 404 | 405 | 501) && !protocol::is_no_db(&r.body) {
                bulk_get_works.set(false);
            } else {
                return Err(status_error(remote.db, &r));
            }
        }
        for (id, wanted) in chunk {
            let body = remote
                .ok(HttpRequest::get(open_revs_path(remote.db, id, wanted)))
                .await?;
            let (ok, gone) = parse_open_revs(id, &body)?;
            revs.extend(ok);
            unavailable.extend(final_misses(gone)?);
        }
    }
    Ok(Fetched {
        last_seq: page.last_seq,
        rows: page.rows,
        more: page.more,
        revs,
        unavailable,
    })
}

/// The revisions the server does not have (final), or an error for the first that failed for
/// a reason that may pass: then the page is not written past, and asked for again.
fn final_misses(gone: Vec<MissingRev>) -> Result<Vec<MissingRev>, SyncError> {
    match gone.iter().find(|m| !m.is_final()) {
        Some(m) => Err(SyncError::DocFailed {
            id: m.id.clone(),
            error: m.error.clone(),
        }),
        None => Ok(gone),
    }
}

/// The documents the server refused for good, or an error for the first it failed on for a
/// reason that may pass: then the batch is not checkpointed, and sent again.
fn final_refusals(refused: Vec<Refused>) -> Result<Vec<Refused>, SyncError> {
    match refused.iter().find(|r| !r.is_final()) {
        Some(r) => Err(SyncError::DocFailed {
            id: r.id.clone(),
            error: error_text(&json!({"error": r.error, "reason": r.reason})),
        }),
        None => Ok(refused),
    }
}

/// Pulls page by page, three pages at work at once: while one page's revisions are written to
/// the store, the next page's are fetched and the page after it is scanned, and the page
/// before is checkpointed (the server works while the browser writes). A page's scan asks the
/// store what it lacks (`revs_diff`) before the page ahead of it is written, so a revision on
/// two neighbouring pages (a document changed on the server during the pull) can be fetched
/// twice; the store keeps it once. No revision is missed: the store only gains revisions. A
/// page is checkpointed once it is written, in order.
async fn pull<S: DocStore, T: Transport>(
    store: &S,
    remote: &Remote<'_, T>,
    cps: &mut Checkpoints,
    since: Seq,
    opts: &Options,
) -> Result<Outcome, SyncError> {
    let mut out = Outcome::default();
    let bulk_get_works = Cell::new(true);
    let with_docs = Cell::new(true);
    let Some(first) = scan_page(store, remote, &since, opts, &with_docs).await? else {
        out.last_seq = Some(since);
        return Ok(out);
    };
    let mut page = fetch_revs(remote, first, opts, &bulk_get_works).await?;
    // A failure to read ahead is reported once the pages already fetched are written.
    let mut scanned = match page.more {
        true => scan_page(store, remote, &page.last_seq, opts, &with_docs).await,
        false => Ok(None),
    };
    // The last page written and not yet checkpointed.
    let mut unsaved: Option<Seq> = None;
    loop {
        out.changes_read += page.rows;
        out.unavailable
            .extend(std::mem::take(&mut page.unavailable));
        let n = page.revs.len();
        let revs = std::mem::take(&mut page.revs);
        let write = async {
            if n == 0 {
                return Ok(Vec::new());
            }
            Ok::<_, SyncError>(store.put_replicated(revs).await?)
        };
        let next = std::mem::replace(&mut scanned, Ok(None));
        let ahead = async {
            let Some(next) = next? else {
                return Ok(None);
            };
            let fetched = fetch_revs(remote, next, opts, &bulk_get_works).await?;
            let after = match fetched.more {
                true => scan_page(store, remote, &fetched.last_seq, opts, &with_docs).await,
                false => Ok(None),
            };
            Ok::<_, SyncError>(Some((fetched, after)))
        };
        let save = async {
            if let Some(seq) = unsaved.take() {
                cps.save(store, remote, seq).await?;
                out.checkpoints += 1;
            }
            Ok::<(), SyncError>(())
        };
        let (written, ahead, saved) = futures::future::join3(write, ahead, save).await;
        out.repaired.extend(written?);
        saved?;
        out.revs_written += n;
        match ahead {
            Ok(Some((fetched, after))) => {
                unsaved = Some(std::mem::replace(&mut page, fetched).last_seq);
                scanned = after;
            }
            Ok(None) => break,
            Err(e) => {
                cps.save(store, remote, page.last_seq).await?;
                out.checkpoints += 1;
                return Err(e);
            }
        }
    }
    let last = page.last_seq;
    cps.save(store, remote, last.clone()).await?;
    out.checkpoints += 1;
    out.last_seq = Some(last);
    Ok(out)
}

/// Whether a document (by its leaves' bodies) is of one of the pushed types.
fn of_types(cur: &Current, leaves: &[String], types: &[String]) -> bool {
    if types.is_empty() {
        return true;
    }
    leaves
        .iter()
        .filter_map(|leaf| cur.rev_body(leaf))
        .find_map(|(_, body)| {
            let t = body.get("type").and_then(Json::as_str)?;
            Some(types.iter().any(|x| x == t))
        })
        .unwrap_or(false)
}

/// A batch of local changes to push: the last sequence read, how many changes, the state
/// (leaves, tree, bodies) of each changed document of the pushed types, and the ids of
/// damaged records, which cannot be sent.
struct Outgoing {
    last: u64,
    changes: usize,
    states: Vec<(String, Vec<String>, Current)>,
    damaged: Vec<String>,
}

/// Reads the batch of local changes after `since` (None: no more changes).
async fn read_outgoing<S: DocStore>(
    store: &S,
    since: u64,
    spec: &ReplicationSpec,
    opts: &Options,
) -> Result<Option<Outgoing>, SyncError> {
    // The changes with their documents' states (tree, winner, kept leaves), in one read.
    let page = changed_states_past_damage(store, since, opts.batch_size).await?;
    let Some(last) = page.last else {
        return Ok(None);
    };
    let mut states = Vec::new();
    for (Change { id, .. }, cur) in page.states {
        let leaves: Vec<String> = cur
            .revs
            .tree
            .leaves()
            .into_iter()
            .map(str::to_string)
            .collect();
        if !of_types(&cur, &leaves, &spec.doc_types) {
            continue;
        }
        states.push((id, leaves, cur));
    }
    Ok(Some(Outgoing {
        last,
        changes: page.read,
        states,
        damaged: page.damaged,
    }))
}

/// Whether the remote database has never held a document (none live, none deleted). A push
/// that starts from scratch asks this once: a server that has nothing lacks every revision,
/// so the push need not ask `_revs_diff` (on PouchDB Server that costs about 40% of what
/// storing the batch does). If another device pushes there meanwhile, sending a revision the
/// server already has is harmless: `_bulk_docs` with `new_edits: false` keeps what it has.
async fn remote_is_empty<T: Transport>(remote: &Remote<'_, T>) -> Result<bool, SyncError> {
    let info = remote
        .ok(HttpRequest::get(protocol::db_path(remote.db)))
        .await?;
    Ok(protocol::never_written(&info))
}

/// Asks the server which revisions of a batch it lacks and returns those, with their
/// histories, as the JSON texts `_bulk_docs` takes. Every leaf's text is written while the
/// server answers (nearly every pushed leaf is one it lacks); the ones it has are dropped.
/// `ask` false (a server that had nothing): every leaf is sent, nothing asked.
async fn prepare_outgoing<T: Transport>(
    remote: &Remote<'_, T>,
    states: &[(String, Vec<String>, Current)],
    ask: bool,
) -> Result<Vec<String>, SyncError> {
    if states.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: Vec<(String, Vec<String>)> = states
        .iter()
        .map(|(id, leaves, _)| (id.clone(), leaves.clone()))
        .collect();
    let question = async {
        if !ask {
            return Ok(None);
        }
        remote
            .ok(HttpRequest::post(
                format!("{}/_revs_diff", protocol::db_path(remote.db)),
                revs_diff_body(&wanted),
            ))
            .await
            .map(Some)
    };
    // Polled after `question` has sent its request.
    let write = async {
        let mut texts = Vec::new();
        for (id, leaves, cur) in states {
            for rev in leaves {
                // None: not a stored body (superseded since; a newer edit comes next batch).
                let Some((deleted, body)) = cur.rev_body(rev) else {
                    continue;
                };
                let history = cur.revs.tree.history(rev);
                let text = protocol::doc_text_for_push(id, Some(rev), deleted, body, &history);
                texts.push((id.as_str(), rev.as_str(), text));
            }
        }
        texts
    };
    let (body, texts) = futures::future::join(question, write).await;
    let Some(body) = body? else {
        return Ok(texts.into_iter().map(|(_, _, text)| text).collect());
    };
    let missing = parse_revs_diff(&body)?;
    let missing: BTreeSet<(&str, &str)> = missing
        .iter()
        .flat_map(|(id, revs)| revs.iter().map(move |rev| (id.as_str(), rev.as_str())))
        .collect();
    Ok(texts
        .into_iter()
        .filter(|(id, rev, _)| missing.contains(&(*id, *rev)))
        .map(|(_, _, text)| text)
        .collect())
}

/// Requests larger than this that fail as if the connection dropped are sent again in halves:
/// a proxy may drop a body it will not take instead of answering 413 (nginx takes 1 MB unless
/// told otherwise). A smaller request that fails so fails for the network's reasons.
const SAFE_REQUEST_BYTES: usize = 1_000_000;

/// Sends a batch's documents in requests of about `limit` bytes. A request the server refuses
/// as too large (413) is sent again in halves, and `limit` goes down to what it was refused
/// at, halved, for the rest of the run (a request over [`SAFE_REQUEST_BYTES`] cut off by the
/// network likewise, `limit` going down to that). Returns (revisions written, revisions
/// refused).
async fn deliver_outgoing<T: Transport>(
    remote: &Remote<'_, T>,
    docs: Vec<String>,
    opts: &Options,
    limit: &Cell<usize>,
) -> Result<(usize, Vec<Refused>), SyncError> {
    let (mut written, mut refused) = (0, Vec::new());
    // The requests to send, the next one last.
    let mut stack = protocol::batches(docs, opts.batch_size, limit.get());
    stack.reverse();
    while let Some(batch) = stack.pop() {
        let n = batch.len();
        let body = bulk_docs_body(&batch);
        let bytes = body.len();
        let sent = remote
            .send(HttpRequest::post_text(
                format!("{}/_bulk_docs", protocol::db_path(remote.db)),
                body,
            ))
            .await;
        let smaller = match &sent {
            Ok(r) if r.status == 413 => Some(bytes / 2),
            Err(SyncError::Network(_)) if bytes > SAFE_REQUEST_BYTES => Some(SAFE_REQUEST_BYTES),
            _ => None,
        };
        if let Some(smaller) = smaller {
            if n == 1 {
                if let Err(e) = sent {
                    return Err(e);
                }
                let id = protocol::doc_id_of_text(&batch[0]).unwrap_or_default();
                return Err(SyncError::TooLarge { id, bytes });
            }
            limit.set(limit.get().min(smaller).max(1));
            // Each half a request of its own at least, in order.
            let mut first = batch;
            let second = first.split_off(n / 2);
            for part in [second, first] {
                let mut splits = protocol::batches(part, opts.batch_size, limit.get());
                splits.reverse();
                stack.extend(splits);
            }
            continue;
        }
        let r = sent?;
        if !r.ok() {
            return Err(status_error(remote.db, &r));
        }
        let no = final_refusals(parse_bulk_docs(&r.body)?)?;
        written += n - no.len().min(n);
        refused.extend(no);
    }
    Ok((written, refused))
}

/// A batch read and prepared: (last sequence, changes read, documents to send).
/// A batch ready to send: the last sequence read, how many changes, the texts for
/// `_bulk_docs`, and the damaged records passed over.
type Prepared = (u64, usize, Vec<String>, Vec<String>);

/// Reads the batch of local changes after `since` and asks the server what it lacks (None:
/// no more changes).
async fn next_outgoing<S: DocStore, T: Transport>(
    store: &S,
    remote: &Remote<'_, T>,
    since: u64,
    spec: &ReplicationSpec,
    opts: &Options,
    ask: bool,
) -> Result<Option<Prepared>, SyncError> {
    let Some(batch) = read_outgoing(store, since, spec, opts).await? else {
        return Ok(None);
    };
    let docs = prepare_outgoing(remote, &batch.states, ask).await?;
    Ok(Some((batch.last, batch.changes, docs, batch.damaged)))
}

/// Pushes batch by batch, as two loops joined by a queue of one batch: one reads batches from
/// the store and asks the server what each lacks (`_revs_diff`), the other sends them
/// (`_bulk_docs`) in order and checkpoints each delivered batch while the next is sent. So the
/// server is kept busy: the next batch is ready when the current one is delivered. A batch is
/// checkpointed only once the server has it; batches prepared before a failure are still
/// delivered.
async fn push<S: DocStore, T: Transport>(
    store: &S,
    remote: &Remote<'_, T>,
    cps: &mut Checkpoints,
    since: u64,
    spec: &ReplicationSpec,
    opts: &Options,
) -> Result<Outcome, SyncError> {
    // From scratch (a new server, or one wiped with its checkpoint): does it have anything?
    let ask = since > 0 || !remote_is_empty(remote).await?;
    let limit = Cell::new(opts.max_batch_bytes);
    let (mut tx, mut rx) = futures::channel::mpsc::channel::<Result<Prepared, SyncError>>(0);
    let produce = async move {
        let mut from = since;
        loop {
            let (step, more) = match next_outgoing(store, remote, from, spec, opts, ask).await {
                Ok(Some(p)) => {
                    from = p.0;
                    let more = p.1 >= opts.batch_size;
                    (Ok(p), more)
                }
                Ok(None) => return,
                // An error goes down the queue too, after the batches prepared before it.
                Err(e) => (Err(e), false),
            };
            // A closed queue: the sending loop stopped.
            if tx.send(step).await.is_err() || !more {
                return;
            }
        }
    };
    let consume = async {
        let mut out = Outcome::default();
        let mut since = since;
        // The last batch delivered and not yet checkpointed: saved while the next one is sent.
        let mut unsaved: Option<u64> = None;
        let mut failed = None;
        while let Some(step) = rx.next().await {
            let (last, changes, docs, damaged) = match step {
                Ok(p) => p,
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            };
            out.changes_read += changes;
            out.damaged.extend(damaged);
            let save = async {
                if let Some(seq) = unsaved.take() {
                    cps.save(store, remote, json!(seq)).await?;
                    out.checkpoints += 1;
                }
                Ok::<(), SyncError>(())
            };
            let (sent, saved) =
                futures::future::join(deliver_outgoing(remote, docs, opts, &limit), save).await;
            if let Err(e) = saved.and(sent.map(|(written, refused)| {
                out.revs_written += written;
                out.refused.extend(refused);
            })) {
                rx.close();
                return Err(e);
            }
            since = last;
            unsaved = Some(since);
        }
        if let Some(seq) = unsaved {
            cps.save(store, remote, json!(seq)).await?;
            out.checkpoints += 1;
        }
        match failed {
            Some(e) => Err(e),
            None => {
                out.last_seq = Some(json!(since));
                Ok(out)
            }
        }
    };
    let ((), pushed) = futures::future::join(produce, consume).await;
    pushed
}

/// How many local changes a push has not yet sent (documents changed since its checkpoint,
/// of the pushed types).
pub async fn pending<S: DocStore>(store: &S, spec: &ReplicationSpec) -> Result<u64, SyncError> {
    let since = store
        .get_local(&spec.replication_id())
        .await?
        .as_ref()
        .and_then(Checkpoint::from_json)
        .and_then(|c| c.last_seq.as_u64())
        .unwrap_or(0);
    if spec.doc_types.is_empty() {
        let top = store.update_seq().await?;
        if top <= since {
            return Ok(0);
        }
        // The feed keeps one entry per document, so count entries, not sequence numbers.
        let mut n = 0u64;
        let mut from = since;
        loop {
            let page = store.changes(from, 500).await?;
            // A damaged record (no readable revision) is not sent.
            n += page.iter().filter(|c| !c.rev.is_empty()).count() as u64;
            match page.last() {
                Some(c) if page.len() == 500 => from = c.seq,
                _ => break,
            }
        }
        return Ok(n);
    }
    let mut n = 0u64;
    let mut from = since;
    loop {
        let page = changed_states_past_damage(store, from, 200).await?;
        for (c, cur) in &page.states {
            if of_types(cur, std::slice::from_ref(&c.rev), &spec.doc_types) {
                n += 1;
            }
        }
        match page.last {
            Some(last) if page.read == 200 => from = last,
            _ => break,
        }
    }
    Ok(n)
}
