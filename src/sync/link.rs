//! sync/link: a customer's own phone. The survey's share link (and its QR code) carries the
//! sync target of the responses database — server URL, database and, when the server needs
//! one, a restricted survey account (role `kefu_kiosk`) — so a phone that has never seen Kefu
//! can fetch the survey from the server, keep its answers on the phone and push them
//! (responses only, like a kiosk) once it is online. Pure link handling and the two network
//! steps over [`Transport`], host-tested against the fake server.

use serde_json::Value as Json;

use super::config::{SyncConfig, RESPONSE_TYPE};
use super::engine::{self, Options, Outcome, ReplicationSpec, SyncError};
use super::protocol::{
    self, doc_path, encode_component, replicated_from_json, Direction, ProtocolError,
};
use super::transport::{HttpRequest, Transport};
use crate::store::{DocStore, StoreError};

/// The local document holding this device's id for link pushes (never a password).
pub const LINK_DEVICE_DOC: &str = "link-device";

/// Where a customer link delivers its responses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkTarget {
    /// The server, e.g. `https://couch.example.com`.
    pub url: String,
    /// The responses database (never the main one).
    pub db: String,
    /// A survey account (role `kefu_kiosk`), sent as Basic; empty when the server needs none.
    pub user: String,
    pub password: String,
}

fn decode(s: &str) -> String {
    fn hex(c: u8) -> Option<u8> {
        (c as char).to_digit(16).map(|d| d as u8)
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl LinkTarget {
    /// The target a staff device's sync configuration gives its customer links: only when it
    /// names a responses database apart from the main one (a phone must never be sent to the
    /// staff data). `user`/`password`: the survey account to put in the link, if any.
    pub fn from_config(cfg: &SyncConfig, user: &str, password: &str) -> Option<LinkTarget> {
        if cfg.responses_db.is_empty()
            || cfg.responses_db == cfg.db
            || !protocol::valid_server_url(&cfg.url)
            || !protocol::valid_db_name(&cfg.responses_db)
        {
            return None;
        }
        let user = user.trim();
        Some(LinkTarget {
            url: protocol::normalize_url(&cfg.url),
            db: cfg.responses_db.clone(),
            user: user.to_string(),
            password: if user.is_empty() {
                String::new()
            } else {
                password.to_string()
            },
        })
    }

    /// The query string of a link (`?sync=…&db=…[&u=…&p=…]`).
    pub fn query(&self) -> String {
        let mut q = format!(
            "?sync={}&db={}",
            encode_component(&self.url),
            encode_component(&self.db)
        );
        if !self.user.is_empty() {
            q.push_str(&format!(
                "&u={}&p={}",
                encode_component(&self.user),
                encode_component(&self.password)
            ));
        }
        q
    }

    /// The target in a link's query string (with or without the `?`); None when there is
    /// none or it is not usable (a bad URL or database name).
    pub fn from_query(query: &str) -> Option<LinkTarget> {
        let mut t = LinkTarget::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = decode(v);
            match k {
                "sync" => t.url = v,
                "db" => t.db = v,
                "u" => t.user = v,
                "p" => t.password = v,
                _ => {}
            }
        }
        (protocol::valid_server_url(&t.url) && protocol::valid_db_name(&t.db)).then(|| {
            t.url = protocol::normalize_url(&t.url);
            t
        })
    }

    /// The push of this device's survey responses to the target (responses only).
    pub fn push_spec(&self, local_db_id: &str) -> ReplicationSpec {
        ReplicationSpec {
            local_db_id: local_db_id.to_string(),
            server_url: self.url.clone(),
            db: self.db.clone(),
            direction: Direction::Push,
            doc_types: vec![RESPONSE_TYPE.to_string()],
        }
    }
}

/// A survey's customer link: `<origin>/s/<key>`, with the sync target when there is one.
pub fn share_link(origin: &str, key: &str, target: Option<&LinkTarget>) -> String {
    let mut link = format!("{}/s/{key}", origin.trim_end_matches('/'));
    if let Some(t) = target {
        link.push_str(&t.query());
    }
    link
}

/// The customer link of one staff member (`staff=<id>`, and `name=<their name>` when given,
/// added to `link`): a response given through it names them (`SurveyResponse::staff_id`), so
/// their counter's QR card rates their service, the survey results can be filtered by them,
/// and the KPI sheet counts it in their satisfaction. The name is for the customer, who is
/// told whose service they rate (a phone has no staff list). An empty id leaves the link as
/// it is.
pub fn with_staff(link: &str, staff_id: &str, name: &str) -> String {
    let id = staff_id.trim();
    if id.is_empty() {
        return link.to_string();
    }
    let sep = if link.contains('?') { '&' } else { '?' };
    let mut out = format!("{link}{sep}staff={}", encode_component(id));
    let name = name.trim();
    if !name.is_empty() {
        out.push_str("&name=");
        out.push_str(&encode_component(name));
    }
    out
}

/// The value of `key` in a query string, decoded and trimmed: printable and at most `max`
/// characters, or None.
fn query_value(query: &str, key: &str, max: usize) -> Option<String> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| decode(v).trim().to_string())
        .filter(|v| !v.is_empty() && v.chars().count() <= max && !v.chars().any(char::is_control))
}

/// The staff member a link names ([`with_staff`]), from its query string: a staff record's
/// id (`staff:…`), short and printable, or None (none, or not one: a link typed or cut short
/// by hand rates no one rather than an unknown someone).
pub fn staff_of_query(query: &str) -> Option<String> {
    query_value(query, "staff", 80).filter(|id| {
        id.strip_prefix("staff:")
            .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace))
    })
}

/// The name of the staff member a link names ([`with_staff`]), for the customer: only with
/// their id ([`staff_of_query`]), and only what reads as a person's name: at most a staff
/// name's 20 characters, without digits or the marks of an address. The page shows it as the
/// branch's word, so a link edited by someone else must not put a phone number or a web
/// address there (QA: "客服热线已变更请拨4001234567…" was shown as the staff member rated).
pub fn staff_name_of_query(query: &str) -> Option<String> {
    staff_of_query(query)
        .and_then(|_| query_value(query, "name", crate::domain::staff::STAFF_NAME_MAX))
        .filter(|n| reads_as_name(n))
}

/// A name a link may show the customer: no digits and none of the marks of a web or mail
/// address (see [`staff_name_of_query`]).
fn reads_as_name(n: &str) -> bool {
    !n.chars().any(|c| {
        c.is_numeric()
            || matches!(
                c,
                '/' | ':' | '@' | '.' | '\\' | '<' | '>' | '＠' | '：' | '／' | '。'
            )
    })
}

/// The longest branch name a link carries, in characters.
pub const LINK_BRANCH_MAX: usize = 40;

/// A customer link naming the branch that asks (`org=<name>`, added to `link`), so a
/// customer who gets it on their phone knows who is asking before answering; None or an
/// empty name (a branch not set up) leaves the link as it is.
pub fn with_branch(link: &str, name: Option<&str>) -> String {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return link.to_string();
    };
    let sep = if link.contains('?') { '&' } else { '?' };
    format!("{link}{sep}org={}", encode_component(name))
}

/// The branch a link names ([`with_branch`]), for the customer: what reads as a name, at most
/// [`LINK_BRANCH_MAX`] characters (as the staff member's: an edited link shows no number to
/// call or address to visit), or None.
pub fn branch_of_query(query: &str) -> Option<String> {
    query_value(query, "org", LINK_BRANCH_MAX).filter(|n| reads_as_name(n))
}

/// Fetches a survey document (winning revision with its history) from the target and stores
/// it on this device as a replicated revision — so the phone has it offline afterwards, and
/// a later pull or fetch never makes a conflict of it.
pub async fn fetch_survey<S: DocStore, T: Transport>(
    store: &S,
    t: &T,
    target: &LinkTarget,
    id: &str,
) -> Result<(), SyncError> {
    let r = t
        .request(HttpRequest::get(format!(
            "{}?revs=true",
            doc_path(&target.db, id)
        )))
        .await?;
    match r.status {
        200..=299 => {}
        401 => return Err(SyncError::Unauthorized),
        403 => return Err(SyncError::Forbidden(protocol::error_text(&r.body))),
        404 => {
            return Err(SyncError::Store(StoreError::NotFound {
                id: id.to_string(),
            }));
        }
        s => {
            return Err(SyncError::Server {
                status: s,
                text: protocol::error_text(&r.body),
            })
        }
    }
    let rev = replicated_from_json(&r.body)?;
    if rev.doc.id != id || rev.doc.body.get("type").and_then(Json::as_str) != Some("survey") {
        return Err(SyncError::Protocol(ProtocolError(format!(
            "{id} is not a survey"
        ))));
    }
    store.put_replicated(vec![rev]).await?;
    Ok(())
}

/// Pushes this device's survey responses to the target; the outcome says what was sent.
pub async fn push_responses<S: DocStore, T: Transport>(
    store: &S,
    t: &T,
    target: &LinkTarget,
    local_db_id: &str,
    session_id: &str,
) -> Result<Outcome, SyncError> {
    engine::replicate(
        store,
        t,
        &target.push_spec(local_db_id),
        session_id,
        &Options::default(),
    )
    .await
}

/// This device's responses not yet delivered to the target.
pub async fn waiting<S: DocStore>(
    store: &S,
    target: &LinkTarget,
    local_db_id: &str,
) -> Result<u64, SyncError> {
    engine::pending(store, &target.push_spec(local_db_id)).await
}
