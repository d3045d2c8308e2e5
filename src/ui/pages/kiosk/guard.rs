//! Holding the tablet in kiosk mode: the route guard (back button and shortcuts lead back to
//! the kiosk), full screen on the first touch, and the screen kept awake (Wake Lock API,
//! re-acquired when the page becomes visible again). `LockGuard` is the hook for staff pages.

use std::cell::{Cell, RefCell};

use js_sys::{Function, Promise, Reflect};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::ui::platform::window;
use crate::ui::state::{app, store};

use super::device::locked_path;

/// Put on every staff page (e.g. once in the shell): a device locked in kiosk mode that
/// arrives on a staff page (a reload of `/`, a typed address, a bookmark) is sent back to its
/// kiosk. Renders nothing.
#[component]
pub fn LockGuard() -> impl IntoView {
    let state = app();
    let navigate = use_navigate();
    // Store and context handles are taken here: futures run without the reactive owner.
    let db = StoredValue::new_local(store());
    Effect::new(move |_| {
        state.changes.track();
        let navigate = navigate.clone();
        let st = db.get_value();
        spawn_local(async move {
            let locked = locked_path(&st).await;
            state.kiosk_locked.set(locked.is_some());
            if let Some(path) = locked {
                navigate(
                    &path,
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            }
        });
    });
}

/// Keeps navigation on `path` while `locked()` holds: the back and forward buttons (and
/// their keyboard shortcuts) land on the kiosk again. Removed when the calling component is.
pub fn guard_route(path: Signal<String>, locked: Signal<bool>) {
    let navigate = use_navigate();
    // One more entry of the kiosk's own address on top: the back button (or a back swipe)
    // lands on the kiosk's address again, so the page stays as it is, a customer's answers
    // with it, and the entry is put back. (Leaving the address would show the page before
    // and then a new kiosk, at its welcome screen.)
    let pushed = StoredValue::new(false);
    Effect::new(move |_| {
        if locked.get() && !pushed.get_value() {
            pushed.set_value(true);
            push_entry(&path.get_untracked());
        }
    });
    let back = window_event_listener_untyped("popstate", move |_| {
        if !locked.get_untracked() {
            return;
        }
        let here = window().location().pathname().unwrap_or_default();
        let target = path.get_untracked();
        if here != target {
            // A new entry (not a replacement): pressing back again lands here again.
            navigate(&target, NavigateOptions::default());
        } else {
            push_entry(&target);
        }
    });
    let keys = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        if !locked.get_untracked() {
            return;
        }
        let key = ev.key();
        let history_key = matches!(
            key.as_str(),
            "BrowserBack" | "BrowserForward" | "BrowserHome" | "BrowserSearch"
        );
        let alt_arrow = ev.alt_key() && matches!(key.as_str(), "ArrowLeft" | "ArrowRight" | "Home");
        if history_key || alt_arrow {
            ev.prevent_default();
        }
    });
    on_cleanup(move || {
        back.remove();
        keys.remove();
    });
}

/// A new history entry for `path` (the page does not change).
fn push_entry(path: &str) {
    if let Ok(h) = window().history() {
        let _ = h.push_state_with_url(&JsValue::NULL, "", Some(path));
    }
}

/// Asks for full screen (needs a user gesture: call it from a touch or click handler).
/// A refusal (e.g. a browser without the API) is ignored: the CSS already fills the window.
pub fn enter_fullscreen() {
    let Some(doc) = window().document() else {
        return;
    };
    if doc.fullscreen_element().is_some() {
        return;
    }
    let Some(el) = doc.document_element() else {
        return;
    };
    call_ignoring_rejection(&el, "requestFullscreen", &[]);
}

pub fn leave_fullscreen() {
    let Some(doc) = window().document() else {
        return;
    };
    if doc.fullscreen_element().is_some() {
        call_ignoring_rejection(&doc, "exitFullscreen", &[]);
    }
}

/// Calls `target.method(args…)` if it exists; a returned promise's rejection is swallowed so
/// it never surfaces as an uncaught error.
fn call_ignoring_rejection(target: &JsValue, method: &str, args: &[JsValue]) -> Option<Promise> {
    let f = Reflect::get(target, &JsValue::from_str(method)).ok()?;
    let f: Function = f.dyn_into().ok()?;
    let out = match args {
        [] => f.call0(target),
        [a] => f.call1(target, a),
        _ => return None,
    }
    .ok()?;
    let promise: Promise = out.dyn_into().ok()?;
    IGNORE.with(|f| {
        let _ = promise.catch(f);
    });
    Some(promise)
}

thread_local! {
    /// A rejection handler that does nothing, shared by every call.
    static IGNORE: Closure<dyn FnMut(JsValue)> = Closure::new(|_e: JsValue| {});
    /// The screen wake lock while the kiosk is shown (a `WakeLockSentinel`).
    static WAKE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    /// Whether a kiosk wants the screen awake (a lock granted after it left is let go).
    static WANTED: Cell<bool> = const { Cell::new(false) };
}

/// Keeps the screen awake while the calling component lives: asks for a screen wake lock now
/// and again whenever the page becomes visible (the browser drops the lock when it is hidden).
pub fn keep_awake() {
    WANTED.with(|w| w.set(true));
    acquire_wake_lock();
    let vis = window_event_listener_untyped("visibilitychange", move |_| {
        let hidden = window().document().map(|d| d.hidden()).unwrap_or(true);
        if !hidden {
            acquire_wake_lock();
        }
    });
    on_cleanup(move || {
        vis.remove();
        WANTED.with(|w| w.set(false));
        release_wake_lock();
    });
}

fn acquire_wake_lock() {
    let nav: JsValue = window().navigator().into();
    let Ok(wake) = Reflect::get(&nav, &JsValue::from_str("wakeLock")) else {
        return;
    };
    if wake.is_undefined() || wake.is_null() {
        return;
    }
    let Some(promise) = call_ignoring_rejection(&wake, "request", &[JsValue::from_str("screen")])
    else {
        return;
    };
    spawn_local(async move {
        if let Ok(sentinel) = JsFuture::from(promise).await {
            if !WANTED.with(Cell::get) {
                release(&sentinel);
                return;
            }
            let old = WAKE.with(|w| w.borrow_mut().replace(sentinel));
            if let Some(old) = old {
                release(&old);
            }
        }
    });
}

fn release_wake_lock() {
    if let Some(s) = WAKE.with(|w| w.borrow_mut().take()) {
        release(&s);
    }
}

fn release(sentinel: &JsValue) {
    let released = Reflect::get(sentinel, &JsValue::from_str("released"))
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    if !released {
        call_ignoring_rejection(sentinel, "release", &[]);
    }
}
