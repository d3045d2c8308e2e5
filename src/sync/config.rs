//! sync/config: what this device syncs with (kept in a local, non-replicated document; never a
//! password), the replications it implies, one sync cycle over them, and the status shown in
//! the header.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::conflicts;
use super::engine::{self, Options, ReplicationSpec, SyncError};
use super::protocol::{self, Direction};
use super::transport::Transport;
use crate::store::{DocStore, StoreError};

/// The local document holding the configuration.
pub const CONFIG_DOC: &str = "sync-config";

/// The configuration as saved (None: never configured, or unreadable).
pub async fn saved_config<S: DocStore>(store: &S) -> Option<SyncConfig> {
    let v = store.get_local(CONFIG_DOC).await.ok()??;
    serde_json::from_value(v).ok()
}

/// The document type a kiosk pushes.
pub const RESPONSE_TYPE: &str = "response";

/// The document type staff devices publish to the responses database, so a customer's phone
/// opening a survey link can fetch the survey there.
pub const SURVEY_TYPE: &str = "survey";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    /// `POST /_session`; the server's cookie carries the session (the password is not kept).
    #[default]
    Session,
    /// `Authorization: Basic` on every request; the password lives in memory only, so after a
    /// reload the user signs in again.
    Basic,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// A staff device: pull and push everything with the main database, and pull the
    /// responses database when there is one.
    #[default]
    TwoWay,
    /// A kiosk or customer device: push survey responses only, to the responses database
    /// (or the main one when none is set); never pull.
    KioskPush,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncConfig {
    /// e.g. `https://couch.example.com` or `http://127.0.0.1:5984`.
    pub url: String,
    /// The main database, e.g. `kefu-branch-0101` or `kefu`.
    pub db: String,
    /// The add-only database kiosks push survey responses to (empty: none).
    #[serde(default)]
    pub responses_db: String,
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub auth: AuthKind,
    #[serde(default)]
    pub mode: Mode,
    /// Live sync on (off: configured but paused).
    #[serde(default)]
    pub enabled: bool,
    /// This device's database id (random, set once) — part of the replication ids.
    #[serde(default)]
    pub local_db_id: String,
}

/// Why a configuration cannot be used, as a sentence.
pub fn validate(c: &SyncConfig, zh: bool) -> Result<(), String> {
    let msg = |a: &str, b: &str| Err(if zh { a } else { b }.to_string());
    if c.url.trim().is_empty() {
        return msg(
            "请填写服务器地址，例如 https://couch.example.com",
            "Enter the server URL, e.g. https://couch.example.com",
        );
    }
    let web = {
        let u = c.url.trim().to_ascii_lowercase();
        u.starts_with("http://") || u.starts_with("https://")
    };
    if web && c.url.trim().chars().any(char::is_whitespace) {
        return msg(
            "服务器地址格式不正确：地址中不能有空格，例如 https://couch.example.com",
            "The server URL does not look right: it has a space in it, e.g. https://couch.example.com",
        );
    }
    if !protocol::valid_server_url(&c.url) {
        return msg(
            "服务器地址格式不正确：应以 http:// 或 https:// 开头，例如 https://couch.example.com",
            "The server URL does not look right: it starts with http:// or https://, e.g. https://couch.example.com",
        );
    }
    if !protocol::valid_db_name(&c.db) {
        return msg(
            "数据库名须以小写字母开头，只含小写字母、数字和 _$()+-/",
            "The database name must start with a lower-case letter and use only a–z, 0–9 and _$()+-/",
        );
    }
    // The database's own address pasted as the server's: the requests would go to
    // …/kefu/kefu and come back as a puzzling 400 (QA).
    let path_end = protocol::normalize_url(&c.url)
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    if !path_end.is_empty()
        && (path_end == c.db || (!c.responses_db.is_empty() && path_end == c.responses_db))
        && protocol::normalize_url(&c.url).matches('/').count() > 2
    {
        return Err(if zh {
            format!("服务器地址似乎包含了数据库名：请去掉末尾的 /{path_end}，数据库名填在下面的“数据库”中。")
        } else {
            format!("The server URL seems to include the database: remove /{path_end} from its end; the database name goes in the Database box below.")
        });
    }
    if !c.responses_db.is_empty() && !protocol::valid_db_name(&c.responses_db) {
        return msg(
            "问卷数据库名不合规则",
            "The responses database name is not valid",
        );
    }
    Ok(())
}

impl SyncConfig {
    /// Whether `other` syncs with the same server and databases in the same way (only the
    /// sign-in may differ): where a device's records go, and come from.
    pub fn same_endpoint(&self, other: &SyncConfig) -> bool {
        protocol::normalize_url(&self.url) == protocol::normalize_url(&other.url)
            && self.db == other.db
            && self.responses_db == other.responses_db
            && self.mode == other.mode
    }

    fn spec(&self, db: &str, direction: Direction, doc_types: Vec<String>) -> ReplicationSpec {
        ReplicationSpec {
            local_db_id: self.local_db_id.clone(),
            server_url: protocol::normalize_url(&self.url),
            db: db.to_string(),
            direction,
            doc_types,
        }
    }

    /// The pulls of a cycle, in order.
    pub fn pulls(&self) -> Vec<ReplicationSpec> {
        match self.mode {
            Mode::KioskPush => vec![],
            Mode::TwoWay => {
                let mut v = vec![self.spec(&self.db, Direction::Pull, vec![])];
                if !self.responses_db.is_empty() && self.responses_db != self.db {
                    v.push(self.spec(&self.responses_db, Direction::Pull, vec![]));
                }
                v
            }
        }
    }

    /// The pushes of a cycle, in order. A staff device with a responses database also
    /// publishes the surveys there (customer links fetch them from it).
    pub fn pushes(&self) -> Vec<ReplicationSpec> {
        match self.mode {
            Mode::TwoWay => {
                let mut v = vec![self.spec(&self.db, Direction::Push, vec![])];
                if !self.responses_db.is_empty() && self.responses_db != self.db {
                    v.push(self.spec(
                        &self.responses_db,
                        Direction::Push,
                        vec![SURVEY_TYPE.to_string()],
                    ));
                }
                v
            }
            Mode::KioskPush => {
                let db = if self.responses_db.is_empty() {
                    &self.db
                } else {
                    &self.responses_db
                };
                vec![self.spec(db, Direction::Push, vec![RESPONSE_TYPE.to_string()])]
            }
        }
    }

    /// The database the header's pending count refers to (the first push).
    pub fn main_push(&self) -> ReplicationSpec {
        self.pushes().remove(0)
    }
}

/// What one cycle did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CycleReport {
    pub pulled: usize,
    pub pushed: usize,
    pub merged: Vec<String>,
    pub needs_person: Vec<String>,
    /// Documents the server refused for good (a validation function's `forbidden` or
    /// `unauthorized`), as `id: error reason`.
    pub refused: Vec<String>,
    /// Revisions the pull asked for that the server no longer has (compacted away), as
    /// `id rev`: not pulled.
    pub unavailable: Vec<String>,
    /// Local records that cannot be read (damaged), passed over by the push and not sent:
    /// those met now and those listed before that still cannot be read.
    pub damaged: Vec<String>,
    /// Local records that could not be read (damaged) and that the pull wrote over with the
    /// server's copy: they read again, as the server has them; whatever this device had in
    /// them and had not sent could not be read, and is gone.
    pub repaired: Vec<String>,
    /// Looking for conflicts in what arrived failed: the push went on, and the next cycle
    /// looks again from the same place.
    pub unsettled: Option<StoreError>,
    /// The main database's sequence after the pull (for a long-poll that waits for more).
    pub last_seq: Option<Json>,
}

/// One sync cycle: pull (and settle the conflicts that arrive), then push — so the push also
/// carries the settled revisions. Stops at the first error, except that a pull that failed to
/// store what arrived (a local fault: the server answers) does not hold back the push of
/// local edits: the cycle fails with it after pushing. The next cycle resumes from the
/// checkpoints.
pub async fn run_cycle<S: DocStore, T: Transport>(
    store: &S,
    t: &T,
    cfg: &SyncConfig,
    session_id: &str,
    opts: &Options,
) -> Result<CycleReport, SyncError> {
    let mut report = CycleReport::default();
    let mut pull_failed = None;
    for (i, spec) in cfg.pulls().iter().enumerate() {
        let pulled = engine::replicate(store, t, spec, session_id, opts).await;
        // What arrived is settled also when the pull stopped half-way (its pages written are
        // checkpointed, and would not be pulled again).
        let settled = conflicts::settle_since(store).await;
        match pulled {
            Ok(out) => {
                report.pulled += out.revs_written;
                report.repaired.extend(out.repaired);
                report.unavailable.extend(
                    out.unavailable
                        .iter()
                        .map(|m| format!("{} {}", m.id, m.rev)),
                );
                if i == 0 {
                    report.last_seq = out.last_seq;
                }
            }
            Err(e @ SyncError::Store(_)) => {
                pull_failed.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
        // A failure here must not hold back the push of local edits.
        match settled {
            Ok(settled) => {
                report.merged.extend(settled.merged);
                report.needs_person.extend(settled.needs_person);
            }
            Err(e) => report.unsettled = Some(e),
        }
    }
    let mut damaged = Vec::new();
    for spec in cfg.pushes() {
        let out = engine::replicate(store, t, &spec, session_id, opts).await?;
        report.pushed += out.revs_written;
        damaged.extend(out.damaged);
        report.refused.extend(
            out.refused
                .iter()
                .map(|r| format!("{}: {} {}", r.id, r.error, r.reason)),
        );
    }
    // Keeping the list is not worth failing the cycle for: this cycle's are shown anyway.
    report.damaged = still_damaged(store, damaged.clone())
        .await
        .unwrap_or(damaged);
    match pull_failed {
        Some(e) => Err(e),
        None => Ok(report),
    }
}

/// The local document listing the damaged records a push has passed over: `{"ids": [...]}`.
pub const DAMAGED_DOC: &str = "sync-damaged";

/// The damaged records passed over by pushes, `found` now or listed before, that still cannot
/// be read: the push's checkpoint is past them, so they stay listed (Settings → Sync) until
/// they read again or are gone.
async fn still_damaged<S: DocStore>(
    store: &S,
    found: Vec<String>,
) -> Result<Vec<String>, StoreError> {
    let listed = conflicts::id_list(store, DAMAGED_DOC).await?;
    if listed.is_empty() && found.is_empty() {
        return Ok(found);
    }
    let mut out: Vec<String> = Vec::new();
    for id in listed.iter().chain(found.iter()) {
        if out.contains(id) {
            continue;
        }
        // Dropped once it reads again or is gone; kept on any other failure to read it.
        if !matches!(
            store.get(id).await,
            Ok(_) | Err(StoreError::NotFound { .. })
        ) {
            out.push(id.clone());
        }
    }
    if out != listed {
        conflicts::put_id_list(store, DAMAGED_DOC, &out).await?;
    }
    Ok(out)
}

/// Where sync stands, for the header.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Phase {
    /// No endpoint configured, or paused.
    #[default]
    Off,
    Syncing,
    Synced,
    /// The server cannot be reached; retrying.
    Offline,
    /// The server answered with an error; retrying or waiting for an administrator.
    Error,
    /// 401: the user must sign in again.
    SignIn,
    /// Another tab of this browser is syncing this device's data (one at a time).
    OtherTab,
}

impl Phase {
    pub fn label(&self, zh: bool) -> &'static str {
        let (a, b) = match self {
            Phase::Off => ("未同步", "Sync off"),
            Phase::Syncing => ("正在同步", "Syncing"),
            Phase::Synced => ("已同步", "Synced"),
            Phase::Offline => ("离线", "Offline"),
            Phase::Error => ("同步出错", "Sync error"),
            Phase::SignIn => ("需要登录", "Sign in needed"),
            Phase::OtherTab => ("由另一标签页同步", "Syncing in another tab"),
        };
        if zh {
            a
        } else {
            b
        }
    }
    /// A stable name for styling and tests.
    pub fn key(&self) -> &'static str {
        match self {
            Phase::Off => "off",
            Phase::Syncing => "syncing",
            Phase::Synced => "synced",
            Phase::Offline => "offline",
            Phase::Error => "error",
            Phase::SignIn => "signin",
            Phase::OtherTab => "other-tab",
        }
    }
}

/// The header's sync status.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncStatus {
    pub phase: Phase,
    /// Local changes not yet pushed.
    pub pending: u64,
    /// When the last cycle succeeded (milliseconds since the epoch).
    pub last_success_ms: Option<f64>,
    /// The last error, as a sentence in the user's language at the time.
    pub error: Option<String>,
    /// Documents waiting for staff to choose between versions.
    pub conflicts: usize,
    /// Documents the server refused in the last cycle.
    pub refused: Vec<String>,
    /// Damaged local records the pushes passed over (not sent), while they stay damaged.
    pub damaged: Vec<String>,
    /// Damaged local records the pulls replaced with the server's copy, since sync started
    /// on this page (each once).
    pub repaired: Vec<String>,
    /// Revisions the last cycle brought in (0 before the first).
    pub pulled: usize,
}

/// The phase after a failed cycle.
pub fn phase_after(e: &SyncError) -> Phase {
    match e {
        SyncError::Unauthorized => Phase::SignIn,
        e if e.is_offline() => Phase::Offline,
        _ => Phase::Error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_the_server_its_databases_and_the_mode_not_the_sign_in() {
        let saved = SyncConfig {
            url: "https://couch.example.com/".into(),
            db: "kefu".into(),
            user: "wang".into(),
            ..SyncConfig::default()
        };
        let again = SyncConfig {
            url: "https://couch.example.com".into(),
            user: "li".into(),
            auth: AuthKind::Basic,
            ..saved.clone()
        };
        assert!(saved.same_endpoint(&again));
        for moved in [
            SyncConfig {
                url: "https://evil.example.com".into(),
                ..saved.clone()
            },
            SyncConfig {
                db: "kefu2".into(),
                ..saved.clone()
            },
            SyncConfig {
                responses_db: "kefu-responses".into(),
                ..saved.clone()
            },
            SyncConfig {
                mode: Mode::KioskPush,
                ..saved.clone()
            },
        ] {
            assert!(!saved.same_endpoint(&moved), "{moved:?}");
        }
    }

    #[test]
    fn a_server_address_ending_in_the_database_is_refused_in_words() {
        let cfg = |url: &str| SyncConfig {
            url: url.into(),
            db: "kefu".into(),
            ..SyncConfig::default()
        };
        for url in [
            "http://127.0.0.1:5984/kefu",
            "https://couch.example.com/kefu/",
        ] {
            let e = validate(&cfg(url), true).unwrap_err();
            assert!(e.contains("去掉末尾的 /kefu"), "{e}");
            assert!(validate(&cfg(url), false)
                .unwrap_err()
                .contains("remove /kefu"));
        }
        // A server under a path of its own, or a host named like the database, is fine.
        for url in [
            "https://example.com/couch",
            "http://kefu:5984",
            "http://kefu",
        ] {
            assert_eq!(validate(&cfg(url), true), Ok(()), "{url}");
        }
    }
}
