//! sync/security: how the server keeps kiosks and customer links apart from staff data — the
//! `_security` objects of the main and the responses database, and the validation function
//! (a design document) that lets kiosks only add survey responses — and installing them.
//!
//! Roles (CouchDB `_users` roles): `kefu_staff` for staff accounts, `kefu_kiosk` for kiosk and
//! customer-link accounts. The main database admits `kefu_staff` only, so a kiosk cannot read
//! complaints; the responses database admits both, and its validation function refuses
//! anything from a kiosk but a new `response` document.

use serde_json::{json, Value as Json};

use super::engine::SyncError;
use super::protocol::{db_path, doc_path, error_text};
use super::transport::{HttpRequest, Transport};

pub const STAFF_ROLE: &str = "kefu_staff";
pub const KIOSK_ROLE: &str = "kefu_kiosk";

/// The design document id of the responses database.
pub const RESPONSES_DDOC: &str = "_design/kefu_responses";
/// The design document id of the main database.
pub const MAIN_DDOC: &str = "_design/kefu_main";

/// The validation function of the responses database (CouchDB's JavaScript query server).
pub const RESPONSES_VALIDATE_JS: &str = r#"function (newDoc, oldDoc, userCtx, secObj) {
  var roles = userCtx.roles || [];
  function has(role) { return roles.indexOf(role) !== -1; }
  if (has('_admin') || has('kefu_staff')) { return; }
  if (!has('kefu_kiosk')) {
    throw({ unauthorized: 'Only kiosks and staff may write survey responses.' });
  }
  if (oldDoc) {
    throw({ forbidden: 'A kiosk may only add survey responses, never change one.' });
  }
  if (newDoc._deleted) {
    throw({ forbidden: 'A kiosk may not delete survey responses.' });
  }
  if (newDoc.type !== 'response' || String(newDoc._id).indexOf('response:') !== 0) {
    throw({ forbidden: 'Only survey responses (type "response") may be added here.' });
  }
}"#;

/// The validation function of the main database: staff and administrators write, no one else.
pub const MAIN_VALIDATE_JS: &str = r#"function (newDoc, oldDoc, userCtx, secObj) {
  var roles = userCtx.roles || [];
  if (roles.indexOf('_admin') !== -1 || roles.indexOf('kefu_staff') !== -1) { return; }
  throw({ forbidden: 'Only staff accounts may write to this database.' });
}"#;

/// `_security` of the main database: only staff are members.
pub fn main_security() -> Json {
    json!({
        "admins": {"names": [], "roles": ["_admin"]},
        "members": {"names": [], "roles": [STAFF_ROLE]},
    })
}

/// `_security` of the responses database: staff and kiosks are members.
pub fn responses_security() -> Json {
    json!({
        "admins": {"names": [], "roles": ["_admin"]},
        "members": {"names": [], "roles": [STAFF_ROLE, KIOSK_ROLE]},
    })
}

pub fn design_doc(js: &str) -> Json {
    json!({"language": "javascript", "validate_doc_update": js})
}

/// One step of the installation and how it went.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub what: String,
    pub ok: bool,
    pub detail: String,
}

async fn put_doc<T: Transport>(
    t: &T,
    db: &str,
    id: &str,
    mut body: Json,
) -> Result<Step, SyncError> {
    let path = doc_path(db, id);
    let cur = t.request(HttpRequest::get(path.clone())).await?;
    if cur.ok() {
        if let Some(rev) = cur.body.get("_rev") {
            body["_rev"] = rev.clone();
        }
    }
    let r = t.request(HttpRequest::put(path, body)).await?;
    if r.status == 401 {
        return Err(SyncError::Unauthorized);
    }
    Ok(Step {
        what: format!("{db}/{id}"),
        ok: r.ok(),
        detail: if r.ok() {
            String::new()
        } else {
            format!("{} {}", r.status, error_text(&r.body))
        },
    })
}

async fn put_security<T: Transport>(t: &T, db: &str, sec: Json) -> Result<Step, SyncError> {
    let r = t
        .request(HttpRequest::put(format!("{}/_security", db_path(db)), sec))
        .await?;
    if r.status == 401 {
        return Err(SyncError::Unauthorized);
    }
    Ok(Step {
        what: format!("{db}/_security"),
        ok: r.ok(),
        detail: if r.ok() {
            String::new()
        } else {
            format!("{} {}", r.status, error_text(&r.body))
        },
    })
}

/// Installs the validation functions and `_security` objects (needs a server or database
/// administrator's session). `responses_db` may be empty (no kiosks).
pub async fn install<T: Transport>(
    t: &T,
    main_db: &str,
    responses_db: &str,
) -> Result<Vec<Step>, SyncError> {
    let mut steps = vec![put_doc(t, main_db, MAIN_DDOC, design_doc(MAIN_VALIDATE_JS)).await?];
    if !responses_db.is_empty() && responses_db != main_db {
        steps.push(
            put_doc(
                t,
                responses_db,
                RESPONSES_DDOC,
                design_doc(RESPONSES_VALIDATE_JS),
            )
            .await?,
        );
        steps.push(put_security(t, responses_db, responses_security()).await?);
    }
    steps.push(put_security(t, main_db, main_security()).await?);
    Ok(steps)
}
