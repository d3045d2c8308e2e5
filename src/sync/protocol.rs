//! sync/protocol: the CouchDB replication protocol as pure functions — replication ids,
//! checkpoint documents, `_changes`/`_revs_diff`/`_bulk_get`/`open_revs`/`_bulk_docs` payloads
//! and their parsing, batching, URL encoding and Basic credentials. No IO.
//!
//! Sequence values of the remote are kept opaque ([`Seq`] is any JSON value): CouchDB 3 sends
//! strings (`"12-g1AAAA…"`), PouchDB Server numbers.

use md5::{Digest, Md5};
use serde_json::{json, Map, Value as Json};

use crate::store::revs::{generation, parse_rev};
use crate::store::{Doc, ReplicatedRev, CHECKPOINT_PREFIX};

/// An opaque update sequence of the remote database.
pub type Seq = Json;

/// The sequence to start from when there is no checkpoint.
pub fn seq_zero() -> Seq {
    Json::from(0)
}

/// Why a response could not be understood.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("unexpected response from the server: {0}")]
pub struct ProtocolError(pub String);

fn bad(what: impl Into<String>) -> ProtocolError {
    ProtocolError(what.into())
}

/// Lower-case hex of a byte slice.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Which way a replication runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Push,
    Pull,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Push => "push",
            Direction::Pull => "pull",
        }
    }
}

/// The replication id: a stable hash of the local database id, the remote server URL (without
/// a trailing slash or credentials), the remote database, the direction and the filter. The
/// same device replicating the same way with the same database finds its checkpoint again;
/// anything else starts fresh. The id begins with [`CHECKPOINT_PREFIX`], by which the store
/// tells a checkpoint from a setting ([`crate::store::is_sync_state`]).
pub fn replication_id(
    local_db_id: &str,
    server_url: &str,
    db: &str,
    dir: Direction,
    filter: &[String],
) -> String {
    let mut h = Md5::new();
    for part in [
        local_db_id,
        normalize_url(server_url).as_str(),
        db,
        dir.as_str(),
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let mut filter = filter.to_vec();
    crate::domain::sort::sort(&mut filter);
    h.update(filter.join(",").as_bytes());
    format!("{CHECKPOINT_PREFIX}{}", hex(&h.finalize()))
}

/// A server URL as compared and joined: trimmed, no trailing slashes, no `user:pass@`.
pub fn normalize_url(url: &str) -> String {
    let url = url.trim().trim_end_matches('/');
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = match rest.find('/') {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, ""),
            };
            let host = authority
                .rsplit_once('@')
                .map(|(_, h)| h)
                .unwrap_or(authority);
            format!(
                "{}://{}{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase(),
                path
            )
        }
        None => url.to_string(),
    }
}

/// Whether a server URL is usable: http(s) with a host, and no space or control character
/// anywhere (`http://kefu example.com` was saved, and retried for ever as a server that was
/// only down: QA).
pub fn valid_server_url(url: &str) -> bool {
    let u = normalize_url(url);
    let host = u
        .split("://")
        .nth(1)
        .map(|rest| rest.split('/').next().unwrap_or(""))
        .unwrap_or("");
    let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    (u.starts_with("http://") || u.starts_with("https://"))
        && !name.is_empty()
        && !u.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// CouchDB's database name rule: lower-case letter first, then `a-z 0-9 _ $ ( ) + - /`.
pub fn valid_db_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars
            .all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_' | '$' | '(' | ')' | '+' | '-' | '/'))
        && name.len() <= 238
}

/// Percent-encodes one path segment or query value (RFC 3986 unreserved characters kept).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The path of a database: `/<db>` with `/` in the name encoded, as CouchDB requires.
pub fn db_path(db: &str) -> String {
    format!("/{}", encode_component(db))
}

/// The path of a document; `_design/` and `_local/` keep their slash.
pub fn doc_path(db: &str, id: &str) -> String {
    for prefix in ["_design/", "_local/"] {
        if let Some(rest) = id.strip_prefix(prefix) {
            return format!("{}/{}{}", db_path(db), prefix, encode_component(rest));
        }
    }
    format!("{}/{}", db_path(db), encode_component(id))
}

/// Standard base64 (for the Basic `Authorization` header; UTF-8 names and passwords).
pub fn base64(input: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The value of an `Authorization: Basic …` header.
pub fn basic_auth(name: &str, password: &str) -> String {
    format!("Basic {}", base64(format!("{name}:{password}").as_bytes()))
}

// ---------------------------------------------------------------------------------------------
// Checkpoints

/// One past session of a replication, kept so two sides can find a common point after one of
/// them lost a write.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionMark {
    pub session_id: String,
    pub last_seq: Seq,
}

/// A checkpoint document (`_local/<replication id>`), the same on both sides: the source
/// sequence replicated up to, the session that wrote it, and recent sessions.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    pub session_id: String,
    pub last_seq: Seq,
    /// Newest first, at most [`CHECKPOINT_HISTORY`] entries (the current one included).
    pub history: Vec<SessionMark>,
}

pub const CHECKPOINT_HISTORY: usize = 5;

impl Checkpoint {
    /// A checkpoint after `prev` at `seq` written by `session_id`.
    pub fn advance(prev: Option<&Checkpoint>, session_id: &str, seq: Seq) -> Checkpoint {
        let mut history = vec![SessionMark {
            session_id: session_id.to_string(),
            last_seq: seq.clone(),
        }];
        if let Some(p) = prev {
            history.extend(
                p.history
                    .iter()
                    .filter(|m| m.session_id != session_id)
                    .cloned(),
            );
        }
        history.truncate(CHECKPOINT_HISTORY);
        Checkpoint {
            session_id: session_id.to_string(),
            last_seq: seq,
            history,
        }
    }

    /// The JSON body (without `_id`/`_rev`).
    pub fn to_json(&self) -> Json {
        json!({
            "replicator": "kefu",
            "version": 1,
            "session_id": self.session_id,
            "last_seq": self.last_seq,
            "history": self.history.iter().map(|m| json!({"session_id": m.session_id, "last_seq": m.last_seq})).collect::<Vec<_>>(),
        })
    }

    /// Reads a checkpoint body; None if it is not one of ours.
    pub fn from_json(v: &Json) -> Option<Checkpoint> {
        let session_id = v.get("session_id")?.as_str()?.to_string();
        let last_seq = v.get("last_seq")?.clone();
        let history = v
            .get("history")
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|m| {
                        Some(SessionMark {
                            session_id: m.get("session_id")?.as_str()?.to_string(),
                            last_seq: m.get("last_seq")?.clone(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Checkpoint {
            session_id,
            last_seq,
            history,
        })
    }
}

/// Where to start, given the checkpoint found on this device and on the server. Both must
/// agree: a side that lost its checkpoint (a wiped server, a restored device) makes the
/// replication start again from the beginning — `_revs_diff` keeps that from copying anything
/// twice. When the latest sessions differ, the newest session both remember is used.
pub fn start_seq(local: Option<&Checkpoint>, remote: Option<&Checkpoint>) -> Seq {
    let (Some(l), Some(r)) = (local, remote) else {
        return seq_zero();
    };
    if l.session_id == r.session_id && l.last_seq == r.last_seq {
        return l.last_seq.clone();
    }
    for m in &l.history {
        if let Some(rm) = r.history.iter().find(|x| x.session_id == m.session_id) {
            if rm.last_seq == m.last_seq {
                return m.last_seq.clone();
            }
        }
    }
    seq_zero()
}

// ---------------------------------------------------------------------------------------------
// _changes

/// One row of a remote `_changes` feed (`style=all_docs`: every leaf revision).
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeRow {
    pub seq: Seq,
    pub id: String,
    pub revs: Vec<String>,
    pub deleted: bool,
    /// The document's winning revision, when the page was asked with `include_docs=true`.
    pub doc: Option<Json>,
}

/// A page of the remote changes feed.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangesPage {
    pub rows: Vec<ChangeRow>,
    pub last_seq: Seq,
    /// How many changes remain after this page, when the server says (CouchDB 2+).
    pub pending: Option<u64>,
}

/// The query path of one `_changes` page. `since` is sent as the server gave it: a string
/// as-is, a number as a number. `include_docs`: each row carries its winning revision.
pub fn changes_path(db: &str, since: &Seq, limit: usize, include_docs: bool) -> String {
    let since = match since {
        Json::String(s) => encode_component(s),
        Json::Null => "0".to_string(),
        other => encode_component(&other.to_string()),
    };
    let docs = if include_docs {
        "&include_docs=true"
    } else {
        ""
    };
    format!(
        "{}/_changes?style=all_docs&since={since}&limit={limit}{docs}",
        db_path(db)
    )
}

/// Parses a `_changes` response (`feed=normal` or `longpoll`); the rows' documents
/// (`include_docs`) are moved out of it.
pub fn parse_changes(mut v: Json) -> Result<ChangesPage, ProtocolError> {
    let results = v
        .get_mut("results")
        .and_then(Json::as_array_mut)
        .ok_or_else(|| bad("_changes without results"))?;
    let mut rows = Vec::with_capacity(results.len());
    for r in results {
        let id = r
            .get("id")
            .and_then(Json::as_str)
            .ok_or_else(|| bad("_changes row without id"))?
            .to_string();
        let seq = r
            .get("seq")
            .cloned()
            .ok_or_else(|| bad("_changes row without seq"))?;
        let revs = r
            .get("changes")
            .and_then(Json::as_array)
            .ok_or_else(|| bad("_changes row without changes"))?
            .iter()
            .filter_map(|c| c.get("rev").and_then(Json::as_str).map(str::to_string))
            .collect();
        let deleted = r.get("deleted").and_then(Json::as_bool).unwrap_or(false);
        let doc = r.get_mut("doc").map(Json::take).filter(Json::is_object);
        rows.push(ChangeRow {
            seq,
            id,
            revs,
            deleted,
            doc,
        });
    }
    let last_seq = match v.get("last_seq") {
        Some(s) if !s.is_null() => s.clone(),
        _ => rows
            .last()
            .map(|r| r.seq.clone())
            .ok_or_else(|| bad("_changes without last_seq"))?,
    };
    let pending = v.get("pending").and_then(Json::as_u64);
    Ok(ChangesPage {
        rows,
        last_seq,
        pending,
    })
}

/// Whether a database's info (`GET /db`) says it has never held a document: none live and
/// none deleted. CouchDB counts the deleted (`doc_del_count`); PouchDB Server does not, so
/// there a first sequence of 0 (nothing ever written) stands for it.
pub fn never_written(info: &Json) -> bool {
    let count = |field: &str| info.get(field).and_then(Json::as_u64);
    let seq_zero = match info.get("update_seq") {
        Some(Json::Number(n)) => n.as_u64() == Some(0),
        Some(Json::String(s)) => s.split('-').next() == Some("0"),
        _ => false,
    };
    count("doc_count") == Some(0) && count("doc_del_count").map_or(seq_zero, |n| n == 0)
}

// ---------------------------------------------------------------------------------------------
// _revs_diff

/// The body of `POST /db/_revs_diff`: `{"id": ["rev", …], …}`.
pub fn revs_diff_body(wanted: &[(String, Vec<String>)]) -> Json {
    let mut m = Map::new();
    for (id, revs) in wanted {
        let entry = m.entry(id.clone()).or_insert_with(|| Json::Array(vec![]));
        if let Json::Array(a) = entry {
            for r in revs {
                if !a.iter().any(|x| x.as_str() == Some(r)) {
                    a.push(Json::String(r.clone()));
                }
            }
        }
    }
    Json::Object(m)
}

/// Parses a `_revs_diff` response: `{"id": {"missing": [...], "possible_ancestors": [...]}}`,
/// in id order.
pub fn parse_revs_diff(v: &Json) -> Result<Vec<(String, Vec<String>)>, ProtocolError> {
    let m = v
        .as_object()
        .ok_or_else(|| bad("_revs_diff is not an object"))?;
    let mut out = Vec::new();
    for (id, entry) in m {
        let missing: Vec<String> = entry
            .get("missing")
            .and_then(Json::as_array)
            .ok_or_else(|| bad(format!("_revs_diff entry {id} without missing")))?
            .iter()
            .filter_map(|r| r.as_str().map(str::to_string))
            .collect();
        if !missing.is_empty() {
            out.push((id.clone(), missing));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Documents with their history

/// CouchDB's `_revisions`: `{"start": <generation>, "ids": [hash newest first, …]}`.
pub fn revisions_json(history: &[String]) -> Json {
    let start = history.first().map(|r| generation(r)).unwrap_or(0);
    let ids: Vec<Json> = history
        .iter()
        .map(|r| Json::String(parse_rev(r).map(|(_, h)| h.to_string()).unwrap_or_default()))
        .collect();
    json!({"start": start, "ids": ids})
}

/// Full revision ids from `_revisions`.
pub fn history_from_revisions(v: &Json) -> Option<Vec<String>> {
    let start = v.get("start")?.as_u64()?;
    let ids = v.get("ids")?.as_array()?;
    if start < ids.len() as u64 {
        return None;
    }
    ids.iter()
        .enumerate()
        .map(|(i, h)| Some(format!("{}-{}", start - i as u64, h.as_str()?)))
        .collect()
}

/// A document as sent to `_bulk_docs` with `new_edits: false`: envelope, body, `_revisions`.
pub fn doc_for_push(doc: &Doc, history: &[String]) -> Json {
    let text = doc_text_for_push(&doc.id, doc.rev.as_deref(), doc.deleted, &doc.body, history);
    serde_json::from_str(&text).unwrap_or(Json::Null)
}

/// The `_id` of a document's text as [`doc_text_for_push`] writes it (`{"_id":"…",…`).
pub fn doc_id_of_text(text: &str) -> Option<String> {
    let rest = text.strip_prefix("{\"_id\":\"")?;
    // The id's closing quote: the first one not escaped by a backslash.
    let mut escaped = false;
    let end = rest.char_indices().find_map(|(i, c)| {
        let quote = c == '"' && !escaped;
        escaped = c == '\\' && !escaped;
        quote.then_some(i)
    })?;
    serde_json::from_str::<String>(&text[7..=8 + end]).ok()
}

/// [`doc_for_push`] as JSON text, written in one pass without copying the body: the envelope
/// fields, `_revisions`, then the body's own fields (a body never holds envelope fields; one
/// that did would have them replaced, as before).
pub fn doc_text_for_push(
    id: &str,
    rev: Option<&str>,
    deleted: bool,
    body: &Json,
    history: &[String],
) -> String {
    let own = |k: &str| !matches!(k, "_id" | "_rev" | "_deleted" | "_revisions");
    let history = match (history.is_empty(), rev) {
        (true, Some(r)) => vec![r.to_string()],
        _ => history.to_vec(),
    };
    let mut s = String::with_capacity(256);
    s.push_str("{\"_id\":");
    s.push_str(&Json::from(id).to_string());
    s.push_str(",\"_rev\":");
    s.push_str(&Json::from(rev.unwrap_or_default()).to_string());
    if deleted {
        s.push_str(",\"_deleted\":true");
    }
    s.push_str(",\"_revisions\":");
    s.push_str(&revisions_json(&history).to_string());
    match body.as_object() {
        Some(m) if m.keys().all(|k| own(k)) => {
            let text = body.to_string();
            if text.len() > 2 {
                s.push(',');
                s.push_str(&text[1..]);
            } else {
                s.push('}');
            }
        }
        Some(m) => {
            for (k, v) in m.iter().filter(|(k, _)| own(k)) {
                s.push(',');
                s.push_str(&Json::from(k.as_str()).to_string());
                s.push(':');
                s.push_str(&v.to_string());
            }
            s.push('}');
        }
        None => s.push('}'),
    }
    s
}

/// A document received with `revs=true` as a revision to graft. Attachments are dropped
/// (Kefu keeps none).
pub fn replicated_from_json(v: &Json) -> Result<ReplicatedRev, ProtocolError> {
    replicated_from_value(v.clone())
}

/// [`replicated_from_json`] of a document taken whole (its body is kept, not copied).
pub fn replicated_from_value(v: Json) -> Result<ReplicatedRev, ProtocolError> {
    let Json::Object(mut m) = v else {
        return Err(bad("document is not an object"));
    };
    let id = m
        .get("_id")
        .and_then(Json::as_str)
        .ok_or_else(|| bad("document without _id"))?;
    let rev = m
        .get("_rev")
        .and_then(Json::as_str)
        .ok_or_else(|| bad(format!("{id} without _rev")))?;
    if parse_rev(rev).is_none() {
        return Err(bad(format!("{id} has a malformed _rev {rev:?}")));
    }
    let history = match m.get("_revisions") {
        Some(r) => history_from_revisions(r)
            .ok_or_else(|| bad(format!("{id} has malformed _revisions")))?,
        None => vec![rev.to_string()],
    };
    if history.first().map(String::as_str) != Some(rev) {
        return Err(bad(format!("_revisions of {id} do not start at {rev}")));
    }
    let deleted = m.get("_deleted").and_then(Json::as_bool).unwrap_or(false);
    let (id, rev) = (id.to_string(), rev.to_string());
    m.retain(|k, _| !k.starts_with('_'));
    Ok(ReplicatedRev {
        doc: Doc {
            id,
            rev: Some(rev),
            deleted,
            body: Json::Object(m),
        },
        history,
    })
}

/// The body of `POST /db/_bulk_get?revs=true`.
pub fn bulk_get_body(missing: &[(String, Vec<String>)]) -> Json {
    let docs: Vec<Json> = missing
        .iter()
        .flat_map(|(id, revs)| revs.iter().map(move |r| json!({"id": id, "rev": r})))
        .collect();
    json!({ "docs": docs })
}

pub fn bulk_get_path(db: &str) -> String {
    format!("{}/_bulk_get?revs=true&attachments=false", db_path(db))
}

/// A revision the server could not give (deleted by compaction, or an error).
#[derive(Clone, Debug, PartialEq)]
pub struct MissingRev {
    pub id: String,
    pub rev: String,
    pub error: String,
}

impl MissingRev {
    /// Whether the server does not have the revision (`not_found`, PouchDB Server's
    /// `missing`): final, asking again gives the same. Any other error (a node timing out,
    /// `unknown_error`) may pass, so the revision must be asked for again.
    pub fn is_final(&self) -> bool {
        matches!(self.error.as_str(), "not_found" | "missing")
    }
}

/// Parses a `_bulk_get` response:
/// `{"results": [{"id": …, "docs": [{"ok": {…}} | {"error": {"id","rev","error","reason"}}]}]}`.
/// Takes the response whole: the documents are moved out of it, not copied.
pub fn parse_bulk_get(mut v: Json) -> Result<(Vec<ReplicatedRev>, Vec<MissingRev>), ProtocolError> {
    let Some(Json::Array(results)) = v.get_mut("results").map(Json::take) else {
        return Err(bad("_bulk_get without results"));
    };
    let mut ok = Vec::new();
    let mut missing = Vec::new();
    for mut r in results {
        let Some(Json::Array(docs)) = r.get_mut("docs").map(Json::take) else {
            return Err(bad("_bulk_get result without docs"));
        };
        for mut d in docs {
            if let Some(doc) = d.get_mut("ok").map(Json::take) {
                ok.push(replicated_from_value(doc)?);
            } else if let Some(rev) = d.get("missing").and_then(Json::as_str) {
                // PouchDB Server's form for a revision it does not have.
                let id = r.get("id").and_then(Json::as_str).unwrap_or_default();
                missing.push(MissingRev {
                    id: id.to_string(),
                    rev: rev.to_string(),
                    error: "missing".into(),
                });
            } else if let Some(e) = d.get("error") {
                missing.push(MissingRev {
                    id: e
                        .get("id")
                        .and_then(Json::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    rev: e
                        .get("rev")
                        .and_then(Json::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    error: e
                        .get("error")
                        .and_then(Json::as_str)
                        .unwrap_or("error")
                        .to_string(),
                });
            }
        }
    }
    Ok((ok, missing))
}

/// The path of `GET /db/<id>?revs=true&open_revs=[…]` (the fallback when `_bulk_get` is
/// missing). Ask for `Accept: application/json`.
pub fn open_revs_path(db: &str, id: &str, revs: &[String]) -> String {
    let list = Json::Array(revs.iter().cloned().map(Json::String).collect()).to_string();
    format!(
        "{}?revs=true&latest=true&open_revs={}",
        doc_path(db, id),
        encode_component(&list)
    )
}

/// Parses an `open_revs` response: `[{"ok": {…}}, {"missing": "rev"}]`.
pub fn parse_open_revs(
    id: &str,
    v: &Json,
) -> Result<(Vec<ReplicatedRev>, Vec<MissingRev>), ProtocolError> {
    let items = v
        .as_array()
        .ok_or_else(|| bad("open_revs is not an array"))?;
    let mut ok = Vec::new();
    let mut missing = Vec::new();
    for it in items {
        if let Some(doc) = it.get("ok") {
            ok.push(replicated_from_json(doc)?);
        } else if let Some(m) = it.get("missing").and_then(Json::as_str) {
            missing.push(MissingRev {
                id: id.to_string(),
                rev: m.to_string(),
                error: "missing".into(),
            });
        }
    }
    Ok((ok, missing))
}

/// The body of `POST /db/_bulk_docs` for replication, from documents' JSON texts.
pub fn bulk_docs_body(docs: &[String]) -> String {
    let size: usize = docs.iter().map(|d| d.len() + 1).sum();
    let mut s = String::with_capacity(size + 32);
    s.push_str("{\"docs\":[");
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(d);
    }
    s.push_str("],\"new_edits\":false}");
    s
}

/// A document the server refused in `_bulk_docs` (e.g. `forbidden` by a validation function).
#[derive(Clone, Debug, PartialEq)]
pub struct Refused {
    pub id: String,
    pub error: String,
    pub reason: String,
}

impl Refused {
    /// Whether the refusal is final: a validation function's verdict (`forbidden`,
    /// `unauthorized`), as PouchDB's replicator takes it. Any other error may pass, so the
    /// document must be sent again.
    pub fn is_final(&self) -> bool {
        matches!(self.error.as_str(), "forbidden" | "unauthorized")
    }
}

/// Parses a `_bulk_docs` response: an array of `{"ok":true,…}` or `{"id","error","reason"}`
/// (CouchDB answers `[]` to `new_edits: false` when all went well).
pub fn parse_bulk_docs(v: &Json) -> Result<Vec<Refused>, ProtocolError> {
    let items = v
        .as_array()
        .ok_or_else(|| bad("_bulk_docs is not an array"))?;
    Ok(items
        .iter()
        .filter_map(|it| {
            let error = it.get("error")?.as_str()?.to_string();
            Some(Refused {
                id: it
                    .get("id")
                    .and_then(Json::as_str)
                    .unwrap_or_default()
                    .to_string(),
                reason: it
                    .get("reason")
                    .and_then(Json::as_str)
                    .unwrap_or_default()
                    .to_string(),
                error,
            })
        })
        .collect())
}

/// Splits documents into batches of at most `max_count` documents and about `max_bytes` of
/// JSON each (a document larger than `max_bytes` goes alone). Order is kept.
pub fn batches(docs: Vec<String>, max_count: usize, max_bytes: usize) -> Vec<Vec<String>> {
    let max_count = max_count.max(1);
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    let mut size = 0usize;
    for d in docs {
        let len = d.len();
        if !cur.is_empty() && (cur.len() >= max_count || size + len > max_bytes) {
            out.push(std::mem::take(&mut cur));
            size = 0;
        }
        size += len;
        cur.push(d);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The delay before retry number `attempt` (0-based): exponential from `base_ms`, capped at
/// `max_ms`, with `jitter` (0.0–1.0, from the caller's randomness) taking up to a quarter off,
/// so many devices do not retry in step.
pub fn backoff_ms(attempt: u32, base_ms: u64, max_ms: u64, jitter: f64) -> u64 {
    let exp = base_ms.saturating_mul(1u64 << attempt.min(20));
    let d = exp.min(max_ms);
    let off = (d as f64 * 0.25 * jitter.clamp(0.0, 1.0)) as u64;
    d - off
}

/// An error body of CouchDB (`{"error": "...", "reason": "..."}`) as one line.
pub fn error_text(v: &Json) -> String {
    let e = v.get("error").and_then(Json::as_str).unwrap_or("");
    let r = v.get("reason").and_then(Json::as_str).unwrap_or("");
    match (e.is_empty(), r.is_empty()) {
        (true, true) => String::new(),
        (false, true) => e.to_string(),
        (true, false) => r.to_string(),
        (false, false) => format!("{e}: {r}"),
    }
}

/// Whether an error body says the database itself is missing (CouchDB: "Database does not
/// exist."; PouchDB Server: "no_db_file").
pub fn is_no_db(v: &Json) -> bool {
    matches!(
        v.get("reason").and_then(Json::as_str),
        Some("Database does not exist.") | Some("no_db_file")
    )
}
