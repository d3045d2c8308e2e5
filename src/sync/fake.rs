//! sync/fake (tests only): a CouchDB-protocol server in memory over a `MemoryStore`, with the
//! endpoints replication uses and scripted faults (status codes, dropped connections before or
//! after the server applied a request, timeouts), so the engine's retries are tested on the
//! host, deterministically.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};

use serde_json::{json, Map, Value as Json};

use super::protocol::{doc_for_push, replicated_from_json};
use super::transport::{HttpRequest, HttpResponse, Method, Transport, TransportError};
use crate::store::memory::MemoryStore;
use crate::store::{DocStore, StoreError};

#[derive(Clone, Debug, PartialEq)]
pub enum FaultKind {
    /// Answer with this status (and a CouchDB error body) without doing anything.
    Status(u16),
    /// The connection drops before the server sees the request.
    Drop,
    /// The server applies the request, then the connection drops before the answer arrives.
    DropAfter,
    /// No answer in time.
    Timeout,
}

/// A scripted fault: the next request whose method matches and whose path contains `path`,
/// once `skip` such requests have gone through.
#[derive(Clone, Debug)]
pub struct Fault {
    pub method: Option<Method>,
    pub path: String,
    pub kind: FaultKind,
    pub skip: usize,
}

pub struct FakeServer {
    pub db: String,
    pub store: MemoryStore,
    local: RefCell<BTreeMap<String, (u64, Json)>>,
    faults: RefCell<VecDeque<Fault>>,
    /// Every request seen: (method, path).
    pub log: RefCell<Vec<(Method, String)>>,
    /// Sequences as CouchDB 3 strings (`"7-g1AAAA…"`) rather than numbers.
    pub string_seqs: bool,
    /// Whether `_bulk_get` exists (else 404, as on CouchDB 1.x).
    pub bulk_get: bool,
    /// When set, data requests need a `_session` sign-in with these credentials.
    pub account: Option<(String, String)>,
    signed_in: Cell<bool>,
    /// Documents of these types are refused (`forbidden`), as a validation function would.
    pub refuse_types: Vec<String>,
    /// Requests with a longer body are refused with 413, as a proxy's size limit would.
    pub max_body: Option<usize>,
    /// How many requests were refused so.
    pub too_large: Cell<usize>,
}

impl FakeServer {
    pub fn new(db: &str) -> Self {
        FakeServer {
            db: db.to_string(),
            store: MemoryStore::new(),
            local: RefCell::new(BTreeMap::new()),
            faults: RefCell::new(VecDeque::new()),
            log: RefCell::new(Vec::new()),
            string_seqs: false,
            bulk_get: true,
            account: None,
            signed_in: Cell::new(false),
            refuse_types: Vec::new(),
            max_body: None,
            too_large: Cell::new(0),
        }
    }

    pub fn fault(&self, method: Option<Method>, path: &str, kind: FaultKind) {
        self.fault_after(0, method, path, kind);
    }

    /// A fault on the matching request after the next `skip` of them.
    pub fn fault_after(&self, skip: usize, method: Option<Method>, path: &str, kind: FaultKind) {
        self.faults.borrow_mut().push_back(Fault {
            method,
            path: path.to_string(),
            kind,
            skip,
        });
    }

    /// Requests seen whose path contains `needle`.
    pub fn count(&self, needle: &str) -> usize {
        self.log
            .borrow()
            .iter()
            .filter(|(_, p)| p.contains(needle))
            .count()
    }

    fn take_fault(&self, req: &HttpRequest) -> Option<FaultKind> {
        let mut faults = self.faults.borrow_mut();
        let i = faults
            .iter()
            .position(|f| f.method.is_none_or(|m| m == req.method) && req.path.contains(&f.path))?;
        if faults[i].skip > 0 {
            faults[i].skip -= 1;
            return None;
        }
        faults.remove(i).map(|f| f.kind)
    }

    fn seq_json(&self, n: u64) -> Json {
        if self.string_seqs {
            Json::String(format!("{n}-g1AAAAFeJzLYWBg4MhgTmHgz8tPSTV0MDQy1zMAQsMcoARTIkOS_P___7MymBMZc4EC7GbJRikWxpbYNOAxIY8FSDI0AKn_cFMSGcDGGCUbGRilkmRRHv86TtAB"))
        } else {
            Json::from(n)
        }
    }

    fn parse_seq(v: &str) -> u64 {
        let v = v.trim_matches('"');
        v.split('-')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    async fn handle(&self, req: &HttpRequest) -> Result<HttpResponse, StoreError> {
        let (path, query) = match req.path.split_once('?') {
            Some((p, q)) => (p.to_string(), parse_query(q)),
            None => (req.path.clone(), BTreeMap::new()),
        };
        let parts: Vec<String> = path
            .trim_start_matches('/')
            .split('/')
            .map(decode)
            .collect();
        let body = match &req.body {
            Some(text) => match serde_json::from_str(text) {
                Ok(v) => v,
                Err(e) => {
                    let reason = e.to_string();
                    return Ok(resp(400, json!({"error": "bad_request", "reason": reason})));
                }
            },
            None => Json::Null,
        };
        if parts[0] == "_session" {
            return Ok(self.session(req.method, &body));
        }
        if self.account.is_some() && !self.signed_in.get() {
            return Ok(resp(
                401,
                json!({"error": "unauthorized", "reason": "You are not authorized to access this db."}),
            ));
        }
        if parts[0] != self.db {
            return Ok(resp(
                404,
                json!({"error": "not_found", "reason": "Database does not exist."}),
            ));
        }
        let rest: Vec<&str> = parts[1..].iter().map(String::as_str).collect();
        Ok(match (req.method, rest.as_slice()) {
            (Method::Get, []) => {
                let seq = self.store.update_seq().await?;
                let changes = self.store.changes(0, usize::MAX).await?;
                let deleted = changes.iter().filter(|c| c.deleted).count();
                resp(
                    200,
                    json!({
                        "db_name": self.db,
                        "update_seq": self.seq_json(seq),
                        "doc_count": changes.len() - deleted,
                        "doc_del_count": deleted,
                    }),
                )
            }
            (Method::Get, ["_changes"]) => self.changes(&query).await?,
            (Method::Post, ["_revs_diff"]) => self.revs_diff(&body).await?,
            (Method::Post, ["_bulk_get"]) if self.bulk_get => self.bulk_get_(&body).await?,
            (Method::Post, ["_bulk_docs"]) => self.bulk_docs(&body).await?,
            (Method::Get, ["_local", id]) => match self.local.borrow().get(*id) {
                Some((n, v)) => {
                    let mut v = v.clone();
                    v["_id"] = json!(format!("_local/{id}"));
                    v["_rev"] = json!(format!("0-{n}"));
                    resp(200, v)
                }
                None => resp(404, json!({"error": "not_found", "reason": "missing"})),
            },
            (Method::Put, ["_local", id]) => {
                let mut local = self.local.borrow_mut();
                let given = body.get("_rev").and_then(Json::as_str).map(str::to_string);
                let cur = local.get(*id).map(|(n, _)| format!("0-{n}"));
                if given != cur {
                    return Ok(resp(
                        409,
                        json!({"error": "conflict", "reason": "Document update conflict."}),
                    ));
                }
                let n = local.get(*id).map(|(n, _)| n + 1).unwrap_or(1);
                let mut v = body.clone();
                if let Some(m) = v.as_object_mut() {
                    m.remove("_rev");
                    m.remove("_id");
                }
                local.insert(id.to_string(), (n, v));
                resp(
                    201,
                    json!({"ok": true, "id": format!("_local/{id}"), "rev": format!("0-{n}")}),
                )
            }
            (Method::Get, [id]) if query.contains_key("open_revs") => {
                self.open_revs(id, &query).await?
            }
            (Method::Get, [id]) => match self.store.get(id).await {
                Ok(d) => match self
                    .doc_json(id, d.rev.as_deref().unwrap_or_default())
                    .await?
                {
                    Some(doc) => resp(200, doc),
                    None => resp(404, json!({"error": "not_found", "reason": "missing"})),
                },
                Err(StoreError::NotFound { .. }) => {
                    resp(404, json!({"error": "not_found", "reason": "missing"}))
                }
                Err(e) => return Err(e),
            },
            _ => resp(404, json!({"error": "not_found", "reason": "missing"})),
        })
    }

    fn session(&self, method: Method, body: &Json) -> HttpResponse {
        match method {
            Method::Post => {
                let name = body.get("name").and_then(Json::as_str).unwrap_or("");
                let pass = body.get("password").and_then(Json::as_str).unwrap_or("");
                match &self.account {
                    Some((n, p)) if n == name && p == pass => {
                        self.signed_in.set(true);
                        resp(
                            200,
                            json!({"ok": true, "name": name, "roles": ["kefu_staff"]}),
                        )
                    }
                    _ => resp(
                        401,
                        json!({"error": "unauthorized", "reason": "Name or password is incorrect."}),
                    ),
                }
            }
            Method::Delete => {
                self.signed_in.set(false);
                resp(200, json!({"ok": true}))
            }
            _ => {
                let name = if self.signed_in.get() {
                    json!(self.account.as_ref().map(|a| a.0.clone()))
                } else {
                    Json::Null
                };
                resp(
                    200,
                    json!({"ok": true, "userCtx": {"name": name, "roles": []}}),
                )
            }
        }
    }

    async fn changes(&self, q: &BTreeMap<String, String>) -> Result<HttpResponse, StoreError> {
        let since = q.get("since").map(|s| Self::parse_seq(s)).unwrap_or(0);
        let limit: usize = q
            .get("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(usize::MAX);
        let rows = self.store.changes(since, limit).await?;
        let mut results = Vec::new();
        for c in &rows {
            let tree = self.store.rev_tree(&c.id).await?;
            let changes: Vec<Json> = tree
                .leaves()
                .into_iter()
                .map(|r| json!({"rev": r}))
                .collect();
            let mut row = json!({"seq": self.seq_json(c.seq), "id": c.id, "changes": changes});
            if c.deleted {
                row["deleted"] = json!(true);
            }
            // As CouchDB: the winning revision, without its history.
            if q.get("include_docs").map(String::as_str) == Some("true") {
                row["doc"] = match self.doc_json(&c.id, &c.rev).await? {
                    Some(mut doc) if !c.deleted => {
                        if let Some(m) = doc.as_object_mut() {
                            m.remove("_revisions");
                        }
                        doc
                    }
                    _ => json!({"_id": c.id, "_rev": c.rev, "_deleted": true}),
                };
            }
            results.push(row);
        }
        let last = rows.last().map(|c| c.seq).unwrap_or(since);
        let pending = self.store.changes(last, usize::MAX).await?.len();
        Ok(resp(
            200,
            json!({"results": results, "last_seq": self.seq_json(last), "pending": pending}),
        ))
    }

    async fn revs_diff(&self, body: &Json) -> Result<HttpResponse, StoreError> {
        let wanted: Vec<(String, Vec<String>)> = body
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(id, revs)| {
                        (
                            id.clone(),
                            revs.as_array()
                                .into_iter()
                                .flatten()
                                .filter_map(|r| r.as_str().map(str::to_string))
                                .collect(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let missing = self.store.revs_diff(wanted).await?;
        let mut out = Map::new();
        for (id, revs) in missing {
            out.insert(id, json!({"missing": revs}));
        }
        Ok(resp(200, Json::Object(out)))
    }

    async fn doc_json(&self, id: &str, rev: &str) -> Result<Option<Json>, StoreError> {
        match self.store.get_rev(id, rev).await {
            Ok(d) => {
                let tree = self.store.rev_tree(id).await?;
                Ok(Some(doc_for_push(&d, &tree.history(rev))))
            }
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn bulk_get_(&self, body: &Json) -> Result<HttpResponse, StoreError> {
        let mut results: Vec<Json> = Vec::new();
        for d in body
            .get("docs")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let id = d["id"].as_str().unwrap_or_default();
            let rev = d["rev"].as_str().unwrap_or_default();
            let item = match self.doc_json(id, rev).await? {
                Some(doc) => json!({"ok": doc}),
                None => {
                    json!({"error": {"id": id, "rev": rev, "error": "not_found", "reason": "missing"}})
                }
            };
            match results.iter_mut().find(|r| r["id"] == id) {
                Some(r) => r["docs"].as_array_mut().unwrap().push(item),
                None => results.push(json!({"id": id, "docs": [item]})),
            }
        }
        Ok(resp(200, json!({ "results": results })))
    }

    async fn open_revs(
        &self,
        id: &str,
        q: &BTreeMap<String, String>,
    ) -> Result<HttpResponse, StoreError> {
        let revs: Vec<String> = serde_json::from_str(&q["open_revs"]).unwrap_or_default();
        let mut out = Vec::new();
        for r in revs {
            match self.doc_json(id, &r).await? {
                Some(doc) => out.push(json!({"ok": doc})),
                None => out.push(json!({"missing": r})),
            }
        }
        Ok(resp(200, Json::Array(out)))
    }

    async fn bulk_docs(&self, body: &Json) -> Result<HttpResponse, StoreError> {
        if body.get("new_edits") != Some(&json!(false)) {
            return Ok(resp(
                400,
                json!({"error": "bad_request", "reason": "the fake only replicates"}),
            ));
        }
        let mut accepted = Vec::new();
        let mut refused = Vec::new();
        for d in body
            .get("docs")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let r = replicated_from_json(d).map_err(|e| StoreError::Invalid(e.0))?;
            if r.doc
                .doc_type()
                .is_some_and(|t| self.refuse_types.iter().any(|x| x == t))
            {
                refused.push(json!({"id": r.doc.id, "rev": r.doc.rev, "error": "forbidden", "reason": "not allowed here"}));
            } else {
                accepted.push(r);
            }
        }
        self.store.put_replicated(accepted).await?;
        Ok(resp(201, Json::Array(refused)))
    }
}

fn resp(status: u16, body: Json) -> HttpResponse {
    HttpResponse { status, body }
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_query(q: &str) -> BTreeMap<String, String> {
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

impl Transport for FakeServer {
    async fn request(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.log.borrow_mut().push((req.method, req.path.clone()));
        match self.take_fault(&req) {
            Some(FaultKind::Status(s)) => {
                return Ok(resp(
                    s,
                    json!({"error": "fault", "reason": format!("scripted {s}")}),
                ));
            }
            Some(FaultKind::Drop) => {
                return Err(TransportError::Network("connection reset".into()))
            }
            Some(FaultKind::Timeout) => return Err(TransportError::Timeout),
            Some(FaultKind::DropAfter) => {
                let _ = self.handle(&req).await;
                return Err(TransportError::Network(
                    "connection reset after the request".into(),
                ));
            }
            None => {}
        }
        let long = |max: usize| req.body.as_ref().is_some_and(|b| b.len() > max);
        if self.max_body.is_some_and(long) {
            self.too_large.set(self.too_large.get() + 1);
            return Ok(resp(
                413,
                json!({"error": "too_large", "reason": "the request entity is too large"}),
            ));
        }
        match self.handle(&req).await {
            Ok(r) => Ok(r),
            Err(e) => Ok(resp(
                500,
                json!({"error": "internal", "reason": e.to_string()}),
            )),
        }
    }
}
