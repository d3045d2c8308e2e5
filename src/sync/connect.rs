//! sync/connect: saving the sync settings — signing in, checking the database, and what came
//! of it as the form says it — over any [`Transport`] (host-tested against the fake server);
//! and the sign-in the live sync still has to do when the server could not be reached at the
//! time the settings were saved.
//!
//! A server that cannot be reached now (down, offline, slow, failing with a 5xx) does not stop
//! the settings being saved: the live sync retries with backoff (signing in first when that is
//! what could not be done) and syncs once the server answers. A server that answers and
//! refuses — a wrong password, an address that is not CouchDB, no such database, no rights —
//! saves nothing: trying again would not help until someone changes something.

use serde_json::{json, Value as Json};

use super::config::{AuthKind, Phase, SyncConfig};
use super::engine::SyncError;
use super::protocol::{error_text, normalize_url};
use super::transport::{HttpRequest, Transport};

/// Signs in to a server session: `POST /_session` (the server sets its cookie). A wrong name or
/// password is `Unauthorized`; a success not in CouchDB's words (a web server answering every
/// path with a page) is `NotCouchDb`; no answer is `Network`/`Timeout` (retryable).
pub async fn session_sign_in<T: Transport>(
    t: &T,
    user: &str,
    password: &str,
) -> Result<(), SyncError> {
    let r = t
        .request(HttpRequest::post(
            "/_session",
            json!({"name": user, "password": password}),
        ))
        .await?;
    match r.status {
        200..=299 if r.body.get("ok").and_then(Json::as_bool) == Some(true) => Ok(()),
        200..=299 => Err(SyncError::NotCouchDb),
        401 => Err(SyncError::Unauthorized),
        s => Err(SyncError::Server {
            status: s,
            text: error_text(&r.body),
        }),
    }
}

/// Checks a Basic password: `GET /_session` over `t` (which sends `Authorization: Basic`) must
/// name `user`. Errors as [`session_sign_in`]'s.
pub async fn basic_sign_in<T: Transport>(t: &T, user: &str) -> Result<(), SyncError> {
    let r = t.request(HttpRequest::get("/_session")).await?;
    match r.status {
        401 => Err(SyncError::Unauthorized),
        200..=299 => match r.body.get("userCtx") {
            None => Err(SyncError::NotCouchDb),
            Some(ctx) if ctx.get("name").and_then(Json::as_str) == Some(user) => Ok(()),
            Some(_) => Err(SyncError::Unauthorized),
        },
        s => Err(SyncError::Server {
            status: s,
            text: error_text(&r.body),
        }),
    }
}

/// What came of saving the sync settings, as the form says it (in the language of the moment).
#[derive(Clone, Debug, PartialEq)]
pub enum Saved {
    /// Signed in (when there is a user) and the database answered: saved, and syncing.
    Connected,
    /// The server cannot be reached now, or fails for now: saved, and the live sync retries
    /// with backoff (the sign-in first, when that is what could not be done).
    Retrying(SyncError),
    /// The name or password is wrong: nothing saved, nothing syncs.
    WrongPassword,
    /// The server answered, and trying again will not help until someone changes something
    /// (the address, the database, the account's rights): nothing saved, nothing syncs.
    Refused(SyncError),
}

impl Saved {
    /// After signing in: `Ok` to go on and check the database, else what came of it.
    pub fn after_sign_in(r: Result<(), SyncError>) -> Result<(), Saved> {
        match r {
            Ok(()) => Ok(()),
            Err(SyncError::Unauthorized) => Err(Saved::WrongPassword),
            Err(e) => Err(Saved::failed(e)),
        }
    }

    /// After checking the database (signed in, or no sign-in needed).
    pub fn after_check(r: Result<Json, SyncError>) -> Saved {
        match r {
            Ok(_) => Saved::Connected,
            Err(e) => Saved::failed(e),
        }
    }

    fn failed(e: SyncError) -> Saved {
        if e.retryable() {
            Saved::Retrying(e)
        } else {
            Saved::Refused(e)
        }
    }

    /// Whether the settings are saved and live sync started.
    pub fn saves(&self) -> bool {
        matches!(self, Saved::Connected | Saved::Retrying(_))
    }

    /// Whether it is shown as an error (nothing syncs).
    pub fn is_error(&self) -> bool {
        !self.saves()
    }

    /// What the form says once the live sync got further: a save still retrying is connected
    /// once a cycle succeeded, and needs a sign-in once the server refused it (the sign-in it
    /// retried, or a server that wants one).
    pub fn follow(&self, phase: &Phase) -> Option<Saved> {
        match (self, phase) {
            (Saved::Retrying(_), Phase::Synced) => Some(Saved::Connected),
            (Saved::Retrying(_), Phase::SignIn) => Some(Saved::Refused(SyncError::Unauthorized)),
            // Connected, then the server went away: "connected" would be stale.
            (Saved::Connected, Phase::Offline) => {
                Some(Saved::Retrying(SyncError::Network(String::new())))
            }
            _ => None,
        }
    }

    /// A sentence for the user.
    pub fn message(&self, zh: bool) -> String {
        let pick = |a: &str, b: &str| if zh { a } else { b }.to_string();
        match self {
            Saved::Connected => pick("已连接，开始同步。", "Connected; syncing."),
            Saved::Retrying(e) if e.is_offline() => pick(
                "已保存。暂时无法连接同步服务器，将自动重试，连上后即开始同步。",
                "Saved. The sync server cannot be reached yet; retrying automatically, and syncing once it answers.",
            ),
            Saved::Retrying(e) => {
                if zh {
                    format!("已保存。{}", e.message(true))
                } else {
                    format!("Saved. {}", e.message(false))
                }
            }
            Saved::WrongPassword => pick(
                "登录失败：用户名或密码错误。",
                "Sign-in failed: wrong name or password.",
            ),
            // Answered and refused: nothing retries until the address or database changes.
            Saved::Refused(SyncError::Server { status, text }) => {
                if zh {
                    format!("同步服务器拒绝了请求（{status} {text}）：请检查服务器地址（不含数据库名）和数据库名。")
                } else {
                    format!("The sync server refused the request ({status} {text}): check the server URL (without the database) and the database name.")
                }
            }
            Saved::Refused(e) => e.message(zh),
        }
    }
}

/// A sign-in the live sync still has to do: the server could not be reached when the settings
/// were saved. The password is kept in memory only (never stored), as a Basic password is,
/// until the sign-in is done or refused, or the user signs out; a reload forgets it (then the
/// server's 401 makes the header ask for a sign-in).
#[derive(Clone, Debug, PartialEq)]
pub struct PendingSignIn {
    url: String,
    user: String,
    auth: AuthKind,
    pub password: String,
}

impl PendingSignIn {
    pub fn new(cfg: &SyncConfig, password: &str) -> Self {
        PendingSignIn {
            url: normalize_url(&cfg.url),
            user: cfg.user.clone(),
            auth: cfg.auth,
            password: password.to_string(),
        }
    }

    /// Whether it signs in the account `cfg` syncs as (the same server, user and way of
    /// signing in).
    pub fn is_for(&self, cfg: &SyncConfig) -> bool {
        !cfg.user.is_empty()
            && self.url == normalize_url(&cfg.url)
            && self.user == cfg.user
            && self.auth == cfg.auth
    }
}
