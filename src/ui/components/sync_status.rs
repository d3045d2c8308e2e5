//! sync_status: the sync state shared by the header badge and the sync settings — the saved
//! configuration, the live status, and the running live sync — provided once through context
//! ([`provide_sync`]), and the header badge itself ([`SyncBadge`]).

use leptos::prelude::*;
use leptos::task::spawn_local_scoped as spawn_local;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;

use crate::store::DocStore;
use crate::sync::config::{AuthKind, CONFIG_DOC};
use crate::sync::live::{self, LiveHandle};
use crate::sync::{Phase, SyncConfig, SyncStatus};
use crate::ui::boot;
use crate::ui::i18n::Lang;
use crate::ui::platform::window;
use crate::ui::state::{app, store, AppStore};

/// Sync state for every page.
#[derive(Clone, Copy)]
pub struct SyncCtx {
    pub status: RwSignal<SyncStatus>,
    /// The saved configuration (None: never configured).
    pub config: RwSignal<Option<SyncConfig>>,
    live: StoredValue<Option<LiveHandle>, LocalStorage>,
    /// The open store (set once it is open), so live sync can start from any callback.
    store: StoredValue<Option<AppStore>, LocalStorage>,
    lang: RwSignal<Lang>,
}

/// Creates the sync state and, once the store is open, starts live sync if it is configured.
/// Call once in `App`, after `boot::boot`.
pub fn provide_sync(phase: ReadSignal<boot::Phase>) {
    let state = app();
    let ctx = SyncCtx {
        status: RwSignal::new(SyncStatus::default()),
        config: RwSignal::new(None),
        live: StoredValue::new_local(None),
        store: StoredValue::new_local(None),
        lang: state.lang,
    };
    provide_context(ctx);
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        if phase.get() == boot::Phase::Ready && !started.get_value() {
            started.set_value(true);
            ctx.store.set_value(Some(store()));
            spawn_local(async move {
                let cfg = load_config().await;
                ctx.config.set(cfg.clone());
                if let Some(cfg) = cfg.filter(|c| c.enabled) {
                    ctx.start(cfg);
                }
            });
        }
    });
    // Sync settings saved in a tab: every tab takes them as its own, and its loop (syncing for
    // every tab, or waiting its turn) reads them at once; a tab whose loop had ended (paused
    // from another tab) starts one again when sync is back on.
    if let Ok(channel) = web_sys::BroadcastChannel::new(SETTINGS_CHANNEL) {
        let on_message = Closure::<dyn FnMut()>::new(move || {
            wasm_bindgen_futures::spawn_local(async move {
                let cfg = load_config().await;
                ctx.config.set(cfg.clone());
                let running = ctx
                    .live
                    .with_value(|l| l.as_ref().is_some_and(LiveHandle::is_running));
                match cfg {
                    Some(cfg) if cfg.enabled && !running => ctx.start(cfg),
                    _ => ctx.live.with_value(|l| {
                        if let Some(l) = l {
                            l.nudge();
                        }
                    }),
                }
            });
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // For the life of the page, as the context itself.
        on_message.forget();
        std::mem::forget(channel);
    }
    // Every write here or in another tab: push soon.
    Effect::new(move |_| {
        state.changes.track();
        ctx.live.with_value(|l| {
            if let Some(l) = l {
                l.nudge();
            }
        });
    });
}

pub fn sync_ctx() -> SyncCtx {
    expect_context::<SyncCtx>()
}

/// The saved configuration, if any.
pub async fn load_config() -> Option<SyncConfig> {
    crate::sync::config::saved_config(&store()).await
}

/// The channel on which a tab says it saved the sync settings.
const SETTINGS_CHANNEL: &str = "kefu:sync-settings";

pub async fn save_config(cfg: &SyncConfig) -> Result<(), crate::store::StoreError> {
    store()
        .put_local(CONFIG_DOC, serde_json::to_value(cfg).unwrap_or_default())
        .await?;
    if let Ok(c) = web_sys::BroadcastChannel::new(SETTINGS_CHANNEL) {
        let _ = c.post_message(&wasm_bindgen::JsValue::TRUE);
        c.close();
    }
    Ok(())
}

impl SyncCtx {
    /// (Re)starts live sync with `cfg`. With Basic sign-in and no password in memory (after a
    /// reload) it waits for the user to sign in instead; a Basic sign-in left to the live sync
    /// (the server could not be reached) starts it, to try that first.
    pub fn start(&self, cfg: SyncConfig) {
        self.stop();
        if cfg.auth == AuthKind::Basic
            && !cfg.user.is_empty()
            && !live::has_password()
            && !live::signs_in_later(&cfg)
        {
            self.status.update(|s| {
                s.phase = Phase::SignIn;
                s.error = None;
            });
            return;
        }
        let Some(store) = self.store.get_value() else {
            return;
        };
        let status = self.status;
        let lang = self.lang;
        let h = live::start(
            store,
            cfg,
            move || lang.get_untracked().is_zh(),
            move |s: SyncStatus| {
                // Each time a cycle brought something in (the complaints part of the wasm is
                // loaded for it then, not on a kiosk that only sends).
                if s.phase == Phase::Synced && s.pulled > 0 {
                    if let Some(f) = AFTER_PULL.get() {
                        f();
                    }
                }
                status.set(s)
            },
        );
        self.live.set_value(Some(h));
    }

    pub fn stop(&self) {
        self.live.update_value(|l| {
            if let Some(h) = l.take() {
                h.stop();
            }
        });
        self.status.update(|s| s.phase = Phase::Off);
    }

    /// Stops live sync while `work` replaces or erases this device's data, then starts it
    /// again if it is on: a cycle must not carry on into the wiped store with what it read
    /// before, and the next one starts over (the wipe dropped the checkpoints), bringing the
    /// server's newer data back. A cycle already under way ends at its next step.
    pub async fn paused_for<T>(&self, work: impl std::future::Future<Output = T>) -> T {
        self.stop();
        let out = work.await;
        if let Some(cfg) = self.config.get_untracked().filter(|c| c.enabled) {
            self.start(cfg);
        }
        out
    }

    /// Sync now (wakes the live loop, or starts it again after a sign-in was needed).
    pub fn sync_now(&self) {
        let running = self
            .live
            .with_value(|l| l.as_ref().map(|h| h.is_running()).unwrap_or(false));
        if running {
            self.live.with_value(|l| l.as_ref().map(|h| h.nudge()));
        } else if let Some(cfg) = self.config.get_untracked() {
            self.start(cfg);
        }
    }
}

thread_local! {
    /// What runs after a cycle that brought something in (set by the app: see [`after_pull`]).
    static AFTER_PULL: std::cell::Cell<Option<fn()>> = const { std::cell::Cell::new(None) };
}

/// Runs `f` after each sync cycle that brought something in. The app sets it when it mounts,
/// so code of a part of the wasm that `f` reaches is not linked where the app is not mounted
/// (the in-browser tests, which have no loader for the parts).
pub fn after_pull(f: fn()) {
    AFTER_PULL.set(Some(f));
}

/// "12:05" today, else "11-21 12:05".
fn short_time(ms: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    let now = js_sys::Date::new_0();
    let hm = format!("{:02}:{:02}", d.get_hours(), d.get_minutes());
    if d.get_date() == now.get_date() && d.get_month() == now.get_month() {
        hm
    } else {
        format!("{:02}-{:02} {hm}", d.get_month() + 1, d.get_date())
    }
}

/// Where the device keeps the time of its last successful sync (milliseconds).
const LAST_OK_KEY: &str = "kefu.sync.last-ok";

/// The header's sync status: state in words, pending count, last success time.
#[component]
pub fn SyncBadge() -> impl IntoView {
    let ctx = sync_ctx();
    let lang = app().lang;
    // A tab that leaves the syncing to another still says when the network is gone (the
    // syncing tab learns it from its failed requests; this one from the browser).
    let online = RwSignal::new(window().navigator().on_line());
    let on = window_event_listener_untyped("online", move |_| online.set(true));
    let off = window_event_listener_untyped("offline", move |_| online.set(false));
    on_cleanup(move || {
        on.remove();
        off.remove();
    });
    let phase = move || match ctx.status.get().phase {
        Phase::OtherTab if !online.get() => Phase::Offline,
        p => p,
    };
    // The last success, kept on the device: a page reopened offline (a laptop back from a day
    // away) still says how old its data are (QA: it said "not synced yet").
    let kept_last = RwSignal::new(crate::ui::platform::local_read::<f64>(LAST_OK_KEY));
    Effect::new(move |_| {
        if let Some(ms) = ctx.status.with(|s| s.last_success_ms) {
            crate::ui::platform::local_write(LAST_OK_KEY, &ms);
            kept_last.set(Some(ms));
        }
    });
    let last_ok = move || ctx.status.with(|s| s.last_success_ms).or(kept_last.get());
    let text = move || {
        let s = ctx.status.get();
        let zh = lang.get().is_zh();
        // Requests failing while the browser says it is online: the server, not this
        // device's network (QA: staff checked their cable when the server was down).
        let mut t = match phase() {
            Phase::Offline if online.get() => lang
                .get()
                .t("无法连接同步服务器", "Sync server unreachable")
                .to_string(),
            p => p.label(zh).to_string(),
        };
        // Changes, not records: one complaint filed offline is a few (its case number's
        // counter, the case, its summary).
        if s.pending > 0 {
            t.push_str(&if zh {
                format!(" · 待上传更改 {}", s.pending)
            } else {
                format!(
                    " · {} change{} to send",
                    s.pending,
                    if s.pending == 1 { "" } else { "s" }
                )
            });
        }
        if s.conflicts > 0 {
            t.push_str(&if zh {
                format!(" · 冲突 {}", s.conflicts)
            } else {
                format!(
                    " · {} conflict{}",
                    s.conflicts,
                    if s.conflicts == 1 { "" } else { "s" }
                )
            });
        }
        t
    };
    let title = move || {
        let s = ctx.status.get();
        let zh = lang.get().is_zh();
        let mut t = match s.last_success_ms.or(kept_last.get()) {
            Some(ms) => {
                if zh {
                    format!("上次同步成功：{}", short_time(ms))
                } else {
                    format!("Last synced: {}", short_time(ms))
                }
            }
            None => lang.get().t("尚未同步成功", "Not synced yet").to_string(),
        };
        if let Some(e) = s.error {
            t.push('\n');
            t.push_str(&e);
        }
        t
    };
    view! {
        <a href="/settings#sync" class=move || format!("sync-badge sync-{}", phase().key())
            data-testid="sync-status" data-phase=move || phase().key()
            data-pending=move || ctx.status.get().pending.to_string() title=title
            aria-live="polite">
            <span class="dot" aria-hidden="true"></span>
            <span>{text}</span>
            {move || last_ok().map(|ms| view! {
                <span class="small muted" data-testid="sync-last">{short_time(ms)}</span>
            })}
        </a>
    }
}
