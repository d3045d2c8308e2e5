//! sync/live (wasm): live sync while the app runs — a cycle (pull, settle, push), then wait
//! for a local change, a remote change (a long-poll the client times out itself) or a timer;
//! on failure retry with exponential backoff; on 401 stop and ask the user to sign in.
//! Also signing in and out (`_session` or Basic, the password in memory only), and a sign-in
//! left to the loop when the server could not be reached as the settings were saved.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::channel::oneshot;
use futures::future::{select, Either};
use futures::pin_mut;
use gloo_timers::future::TimeoutFuture;
use serde_json::Value as Json;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::config::{
    phase_after, run_cycle, saved_config, AuthKind, Mode, Phase, SyncConfig, SyncStatus,
};
use super::conflicts;
use super::connect::{self, PendingSignIn};
use super::engine::{self, Options, SyncError};
use super::http::FetchTransport;
use super::protocol::{backoff_ms, changes_path, hex};
use super::transport::{HttpRequest, Method, Transport};
use crate::store::DocStore;

/// How long a quiet device waits between cycles when nothing wakes it.
pub const IDLE_MS: u32 = 25_000;
/// The longest wait between retries.
pub const MAX_BACKOFF_MS: u64 = 20_000;

thread_local! {
    /// The Basic-auth password, in memory only (gone on reload, as intended).
    static PASSWORD: RefCell<Option<String>> = const { RefCell::new(None) };
}

pub fn has_password() -> bool {
    PASSWORD.with(|p| p.borrow().is_some())
}

/// The transport for a configuration (Basic header when that is the chosen sign-in).
pub fn transport(cfg: &SyncConfig) -> FetchTransport {
    let t = FetchTransport::new(&cfg.url);
    match (cfg.auth, PASSWORD.with(|p| p.borrow().clone())) {
        (AuthKind::Basic, Some(pw)) => t.with_basic(&cfg.user, &pw),
        _ => t,
    }
}

/// The transport of a customer link's target (its survey account as Basic, if any).
pub fn link_transport(target: &super::link::LinkTarget) -> FetchTransport {
    let t = FetchTransport::new(&target.url);
    if target.user.is_empty() {
        t
    } else {
        t.with_basic(&target.user, &target.password)
    }
}

/// Signs in: `POST /_session` (the server sets its cookie), or for Basic, checks the password
/// against `GET /_session` and keeps it in memory. A wrong password is `Unauthorized`.
pub async fn sign_in(cfg: &SyncConfig, password: &str) -> Result<(), SyncError> {
    let t = FetchTransport::new(&cfg.url);
    match cfg.auth {
        AuthKind::Session => connect::session_sign_in(&t, &cfg.user, password).await,
        AuthKind::Basic => {
            connect::basic_sign_in(&t.with_basic(&cfg.user, password), &cfg.user).await?;
            PASSWORD.with(|p| *p.borrow_mut() = Some(password.to_string()));
            Ok(())
        }
    }
}

thread_local! {
    /// The sign-in the live sync still has to do (the server could not be reached when the
    /// settings were saved), its password in memory only.
    static SIGN_IN_LATER: RefCell<Option<PendingSignIn>> = const { RefCell::new(None) };
}

/// Leaves the sign-in to `cfg`'s account to the live sync, which tries it before each cycle
/// (with the cycles' backoff) until the server answers.
pub fn sign_in_later(cfg: &SyncConfig, password: &str) {
    SIGN_IN_LATER.with(|p| *p.borrow_mut() = Some(PendingSignIn::new(cfg, password)));
}

/// Whether the live sync is to sign in to `cfg`'s account before it syncs.
pub fn signs_in_later(cfg: &SyncConfig) -> bool {
    SIGN_IN_LATER.with(|p| p.borrow().as_ref().is_some_and(|p| p.is_for(cfg)))
}

/// Forgets a sign-in left to the live sync.
pub fn forget_sign_in() {
    SIGN_IN_LATER.with(|p| *p.borrow_mut() = None);
}

/// The sign-in left to the live sync for `cfg`'s account, if any, done now: forgotten once the
/// server answered it (signed in, or the password refused); kept while it cannot be reached.
async fn sign_in_if_left(cfg: &SyncConfig) -> Result<(), SyncError> {
    let Some(pending) = SIGN_IN_LATER
        .with(|p| p.borrow().clone())
        .filter(|p| p.is_for(cfg))
    else {
        return Ok(());
    };
    let r = sign_in(cfg, &pending.password).await;
    if !matches!(&r, Err(e) if e.retryable()) {
        // Unless another sign-in was left meanwhile (the settings saved again).
        SIGN_IN_LATER.with(|p| {
            let mut p = p.borrow_mut();
            if p.as_ref() == Some(&pending) {
                *p = None;
            }
        });
    }
    r
}

/// Signs out: ends the server session and forgets the in-memory password.
pub async fn sign_out(cfg: &SyncConfig) {
    PASSWORD.with(|p| *p.borrow_mut() = None);
    forget_sign_in();
    if cfg.auth == AuthKind::Session {
        let _ = FetchTransport::new(&cfg.url)
            .request(HttpRequest::new(Method::Delete, "/_session"))
            .await;
    }
}

/// The name the server knows this browser as (None: not signed in).
pub async fn session_user(cfg: &SyncConfig) -> Result<Option<String>, SyncError> {
    let r = transport(cfg)
        .request(HttpRequest::get("/_session"))
        .await?;
    Ok(r.body
        .pointer("/userCtx/name")
        .and_then(Json::as_str)
        .map(str::to_string))
}

/// Eight random bytes as hex (session and device ids).
pub fn random_hex() -> String {
    let bytes: Vec<u8> = (0..8)
        .map(|_| (js_sys::Math::random() * 256.0) as u8)
        .collect();
    hex(&bytes)
}

fn online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}

/// A running live sync. Dropping the handle does not stop it; `stop` does.
#[derive(Clone)]
pub struct LiveHandle {
    running: Rc<Cell<bool>>,
    nudged: Rc<Cell<bool>>,
    /// Wakes a waiting loop at once: a hidden tab's timers may fire only once a minute, and
    /// the syncing tab may be a hidden one while staff write in another.
    wake: Rc<RefCell<Option<oneshot::Sender<()>>>>,
}

impl LiveHandle {
    /// Ends the loop (at its next wake-up).
    pub fn stop(&self) {
        self.running.set(false);
        self.nudge();
    }
    /// Something changed locally: sync soon.
    pub fn nudge(&self) {
        self.nudged.set(true);
        if let Some(w) = self.wake.borrow_mut().take() {
            let _ = w.send(());
        }
    }
    pub fn is_running(&self) -> bool {
        self.running.get()
    }
}

/// Waits `ms`, or less if nudged, stopped, or the browser's online state is not (or no longer)
/// `shown`, the state the status shows: then the loop shows the change at once, and syncs as
/// soon as the network is back (an idle wait's long poll that failed offline would otherwise
/// hear nothing until the idle timer ends).
async fn wait(h: &LiveHandle, ms: u64, shown: bool) {
    // By the clock: a hidden tab's timers fire late, so ticks are not time.
    let end = js_sys::Date::now() + ms as f64;
    while h.running.get() && !h.nudged.get() {
        let left = end - js_sys::Date::now();
        if left <= 0.0 {
            break;
        }
        let (tx, woken) = oneshot::channel();
        *h.wake.borrow_mut() = Some(tx);
        select(TimeoutFuture::new(left.min(250.0) as u32), woken).await;
        if online() != shown {
            break;
        }
    }
}

/// Waits for a local change, a remote change or the idle timer, whichever first.
async fn idle<T: Transport>(h: &LiveHandle, t: &T, cfg: &SyncConfig, since: Option<Json>) {
    let local = wait(h, IDLE_MS as u64, true);
    match (cfg.mode, since) {
        (Mode::TwoWay, Some(since)) => {
            let path = changes_path(&cfg.db, &since, 1, false)
                .replace("?style=all_docs", "?feed=longpoll&style=all_docs")
                + &format!("&timeout={}", IDLE_MS);
            let remote = async {
                // PouchDB Server ignores `timeout=`: the client's own limit ends the wait.
                let r = t
                    .request(HttpRequest::get(path).timeout(IDLE_MS + 5_000))
                    .await;
                if r.is_err() {
                    // Unreachable: let the local timer decide when to try again.
                    futures::future::pending::<()>().await;
                }
            };
            pin_mut!(local);
            pin_mut!(remote);
            // Whichever comes first; the other is dropped (a dropped request is aborted).
            match select(local, remote).await {
                Either::Left(_) | Either::Right(_) => {}
            }
        }
        _ => local.await,
    }
}

thread_local! {
    /// How many sync locks this tab holds (a loop restarted here waits for its old one).
    static HELD: Cell<u32> = const { Cell::new(0) };
}

/// The Web Lock held by the tab that syncs a device's data; released when dropped.
struct TabLock {
    release: js_sys::Function,
}

impl TabLock {
    fn new(release: js_sys::Function) -> Self {
        HELD.with(|n| n.set(n.get() + 1));
        TabLock { release }
    }
}

impl Drop for TabLock {
    fn drop(&mut self) {
        HELD.with(|n| n.set(n.get().saturating_sub(1)));
        let _ = self.release.call0(&JsValue::NULL);
    }
}

/// Asks for the Web Lock `name` (`navigator.locks`): the lock once granted, and the controller
/// that withdraws the request. None where the browser has no Web Locks (an insecure context,
/// an old browser): then every tab syncs, as if alone.
fn request_lock(name: &str) -> Option<(oneshot::Receiver<TabLock>, web_sys::AbortController)> {
    let navigator = web_sys::window()?.navigator();
    let locks = js_sys::Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    let request: js_sys::Function = js_sys::Reflect::get(&locks, &JsValue::from_str("request"))
        .ok()?
        .dyn_into()
        .ok()?;
    let abort = web_sys::AbortController::new().ok()?;
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &JsValue::from_str("signal"), &abort.signal()).ok()?;
    let (tx, rx) = oneshot::channel();
    let tx = Rc::new(RefCell::new(Some(tx)));
    let on_grant = tx.clone();
    // Held until the promise it returns settles: until the `TabLock` is dropped.
    let granted = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
        let mut release = None;
        let held = js_sys::Promise::new(&mut |resolve, _| release = Some(resolve));
        if let (Some(release), Some(tx)) = (release, on_grant.borrow_mut().take()) {
            // Nobody waiting any more (the sync was stopped): dropped at once, released.
            let _ = tx.send(TabLock::new(release));
        }
        held
    });
    let asked: js_sys::Promise = request
        .call3(&locks, &JsValue::from_str(name), &options, &granted)
        .ok()?
        .dyn_into()
        .ok()?;
    // The request failed or was withdrawn (AbortError): the waiting side hears `Canceled`
    // (and syncs as if alone, unless it withdrew it). Not an error to report.
    let failed = Closure::once(move |_: JsValue| drop(tx.borrow_mut().take()));
    let _ = asked.catch(&failed);
    // Called at most once, when the request ends: kept until then.
    failed.forget();
    Some((rx, abort))
}

/// What a tab may do once its turn to sync comes.
enum Turn {
    /// Sync with this configuration, holding the lock (None without Web Locks).
    Go(Option<TabLock>, SyncConfig),
    /// Sync was paused (in another tab) while this one waited.
    Paused,
    /// This loop was stopped while it waited (another has taken its place, or none).
    Stopped,
}

/// Waits until this tab may sync `cfg`'s device data: one tab of the browser syncs it at a time,
/// the others show [`Phase::OtherTab`] and the count of changes not yet sent (their writes wake
/// the syncing tab). A tab that had to wait reads the configuration again when its turn comes:
/// another tab may have changed or paused it meanwhile.
async fn take_turn<S: DocStore>(
    h: &LiveHandle,
    store: &S,
    cfg: SyncConfig,
    status: &mut SyncStatus,
    on_status: &impl Fn(SyncStatus),
) -> Turn {
    let Some((granted, abort)) = request_lock(&format!("kefu-sync {}", cfg.local_db_id)) else {
        return Turn::Go(None, cfg);
    };
    pin_mut!(granted);
    let asked = js_sys::Date::now();
    let mut waited = false;
    loop {
        // Granted at once when no other tab holds it (the callback runs in a task).
        let tick = wait(h, if waited { 3_000 } else { 300 }, online());
        pin_mut!(tick);
        match select(granted.as_mut(), tick).await {
            Either::Left((Ok(lock), _)) => {
                if !waited {
                    return Turn::Go(Some(lock), cfg);
                }
                let saved = saved_config(store).await.unwrap_or(cfg);
                return match (h.running.get(), saved.enabled) {
                    (false, _) => Turn::Stopped,
                    (true, false) => Turn::Paused,
                    (true, true) => Turn::Go(Some(lock), saved),
                };
            }
            // The request failed: sync as if alone.
            Either::Left((Err(_), _)) => return Turn::Go(None, cfg),
            Either::Right(_) => {
                if !h.running.get() {
                    abort.abort();
                    return Turn::Stopped;
                }
                h.nudged.set(false);
                // Woken (this tab's own writes, its settings saved) before the lock could be
                // granted: not yet a wait.
                if js_sys::Date::now() - asked < 300.0 {
                    continue;
                }
                waited = true;
                // This tab's own loop, stopped to start this one, ends its cycle first: the
                // status stays as it is.
                if HELD.with(Cell::get) > 0 {
                    continue;
                }
                let pending = engine::pending(store, &cfg.main_push()).await;
                if !h.running.get() {
                    continue;
                }
                status.phase = Phase::OtherTab;
                status.error = None;
                status.pending = pending.unwrap_or(status.pending);
                on_status(status.clone());
            }
        }
    }
}

/// Whether two settings reach the server as the same account (another URL, user or way of
/// signing in needs the tab that signed in).
fn same_account(a: &SyncConfig, b: &SyncConfig) -> bool {
    a.url == b.url && a.user == b.user && a.auth == b.auth
}

/// Sync cycles while this tab has its turn: a cycle, then wait for a change (or back off after
/// a failure). Ends when stopped, paused, or on a 401 (None), or when settings for another
/// account were saved in another tab (Some: those settings).
async fn cycles<S: DocStore>(
    h: &LiveHandle,
    store: &S,
    mut cfg: SyncConfig,
    zh: &impl Fn() -> bool,
    status: &mut SyncStatus,
    on_status: &impl Fn(SyncStatus),
) -> Option<SyncConfig> {
    let mut t = transport(&cfg);
    let opts = Options::default();
    let mut push = cfg.main_push();
    let mut attempt: u32 = 0;
    while h.running.get() {
        h.nudged.set(false);
        // Changed or paused in another tab, while this one syncs for all of them.
        match saved_config(store).await {
            Some(saved) if !saved.enabled => {
                h.running.set(false);
                status.phase = Phase::Off;
                on_status(status.clone());
                return None;
            }
            Some(saved) if !same_account(&saved, &cfg) => return Some(saved),
            Some(saved) if saved != cfg => {
                cfg = saved;
                t = transport(&cfg);
                push = cfg.main_push();
            }
            _ => {}
        }
        let pending = engine::pending(store, &push).await;
        if !h.running.get() {
            break;
        }
        status.pending = pending.unwrap_or(status.pending);
        if !online() {
            status.phase = Phase::Offline;
            on_status(status.clone());
            wait(h, 3_000, false).await;
            continue;
        }
        status.phase = Phase::Syncing;
        on_status(status.clone());
        // A sign-in that could not reach the server when the settings were saved comes first,
        // retried as a cycle is.
        let cycle = match sign_in_if_left(&cfg).await {
            Ok(()) => {
                // A Basic password just checked is in memory now.
                t = transport(&cfg);
                run_cycle(store, &t, &cfg, &random_hex(), &opts).await
            }
            Err(e) => Err(e),
        };
        // Stopped meanwhile (sync paused, or restarted with new settings): whoever stopped it
        // shows the status now.
        if !h.running.get() {
            break;
        }
        match cycle {
            Ok(report) => {
                attempt = 0;
                status.phase = Phase::Synced;
                status.error = report.unsettled.as_ref().map(|e| e.message(zh()));
                status.last_success_ms = Some(js_sys::Date::now());
                status.refused = report.refused;
                status.pulled = report.pulled;
                status.damaged = report.damaged;
                for id in report.repaired {
                    if !status.repaired.contains(&id) {
                        status.repaired.push(id);
                    }
                }
                status.conflicts = conflicts::open(store).await.map(|c| c.len()).unwrap_or(0);
                status.pending = engine::pending(store, &push).await.unwrap_or(0);
                if !h.running.get() {
                    break;
                }
                on_status(status.clone());
                if h.nudged.get() {
                    continue;
                }
                idle(h, &t, &cfg, report.last_seq).await;
            }
            Err(e) => {
                status.phase = phase_after(&e);
                status.error = Some(e.message(zh()));
                on_status(status.clone());
                if e == SyncError::Unauthorized {
                    h.running.set(false);
                    break;
                }
                let delay = backoff_ms(attempt, 1_000, MAX_BACKOFF_MS, js_sys::Math::random());
                attempt = attempt.saturating_add(1);
                wait(h, delay, status.phase != Phase::Offline).await;
            }
        }
    }
    None
}

/// Starts live sync with `cfg` over `store`; `on_status` hears every change of status;
/// `zh` says the user's language at the time a message is written.
pub fn start<S: DocStore + Clone + 'static>(
    store: S,
    cfg: SyncConfig,
    zh: impl Fn() -> bool + 'static,
    on_status: impl Fn(SyncStatus) + 'static,
) -> LiveHandle {
    let h = LiveHandle {
        running: Rc::new(Cell::new(true)),
        nudged: Rc::new(Cell::new(false)),
        wake: Rc::new(RefCell::new(None)),
    };
    let handle = h.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let mut status = SyncStatus {
            phase: Phase::Syncing,
            ..Default::default()
        };
        let mut cfg = cfg;
        loop {
            let (turn, now) = match take_turn(&h, &store, cfg, &mut status, &on_status).await {
                Turn::Go(lock, cfg) => (lock, cfg),
                Turn::Paused => {
                    h.running.set(false);
                    status.phase = Phase::Off;
                    on_status(status);
                    return;
                }
                // Whoever stopped it shows the status.
                Turn::Stopped => return,
            };
            match cycles(&h, &store, now, &zh, &mut status, &on_status).await {
                // Another server or account was saved in another tab, which signed in to it:
                // this tab gives up its turn (that tab's request is ahead in the queue) and
                // asks again with the new settings.
                Some(saved) => {
                    drop(turn);
                    cfg = saved;
                }
                None => return,
            }
        }
    });
    handle
}
