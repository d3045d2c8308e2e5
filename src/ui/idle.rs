//! idle: signs the staff member out of a device nobody has used for the branch's idle time
//! (Settings → Branch; `domain::settings::idle_for`), so that a PC left at a counter does not
//! go on acting in their name. Use is a key, a click, a touch or the wheel, in any tab of the
//! app on this device: the last one is kept in localStorage (written at most every few
//! seconds), so a tab left in the background does not sign out a person working in another.
//! The time a device was switched off counts too: opened the next morning, it is signed out.
//! In the last minute the page says so, counting down, with a button to stay signed in
//! ([`IdleWarning`]).

use std::cell::Cell;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::i18n::t2;
use super::platform::{local_read, local_write, now_millis};
use super::state::{app, AppState};
use crate::domain::settings::{idle_left_ms, IDLE_WARNING_MS};

/// Where the device keeps the time (ms since the epoch) it was last used.
const LAST_USED_KEY: &str = "kefu.last-used";
/// The longest between two looks at an idle device, in ms.
const CHECK_EVERY_MS: u64 = 15_000;
/// How often the last minute's countdown is looked at, in ms.
const COUNTDOWN_EVERY_MS: u64 = 1_000;
/// The longest a use waits before localStorage hears of it, in ms.
const WRITE_EVERY_MS: u64 = 5_000;

thread_local! {
    /// This tab's last use, and when it was last written to localStorage.
    static LAST_USED: Cell<u64> = const { Cell::new(0) };
    static WRITTEN: Cell<u64> = const { Cell::new(0) };
    /// A sign-out is being saved: the timer and a tab shown again do not start a second.
    static SIGNING_OUT: Cell<bool> = const { Cell::new(false) };
}

/// Notes a use of the device now.
pub fn used_now() {
    let now = now_millis();
    LAST_USED.set(now);
    if now.saturating_sub(WRITTEN.get()) >= WRITE_EVERY_MS {
        local_write(LAST_USED_KEY, &now);
        WRITTEN.set(now);
    }
}

/// The last use of the device in any of its tabs.
fn last_used() -> u64 {
    LAST_USED
        .get()
        .max(local_read::<u64>(LAST_USED_KEY).unwrap_or(0))
}

/// Watches for use and for the idle time, for the life of the page (one timer).
pub fn watch(state: AppState) {
    // A device that never noted a use (before this version, or its storage cleared) starts
    // counting now.
    if local_read::<u64>(LAST_USED_KEY).is_none() {
        used_now();
    }
    for event in ["pointerdown", "keydown", "wheel", "touchstart"] {
        // Kept for the life of the page, as the timer is.
        let _ = window_event_listener_untyped(event, move |_| {
            used_now();
            if state.idle_warning.get_untracked().is_some() {
                state.idle_warning.set(None);
            }
        });
    }
    spawn_local(async move {
        loop {
            let wait = check(state);
            gloo_timers::future::TimeoutFuture::new(wait).await;
        }
    });
    // A tab shown again (its timers held back meanwhile) looks at once.
    let _ = window_event_listener_untyped("visibilitychange", move |_| {
        check(state);
    });
}

/// Looks at the device's idle time: in its last minute, warns; past it, signs out whoever is
/// signed in here. Returns the ms until the next look.
fn check(state: AppState) -> u32 {
    let watched = state.idle_minutes.get_untracked().filter(|_| {
        state.has_store()
            && !state.kiosk_locked.get_untracked()
            && state.user.with_untracked(Option::is_some)
    });
    let Some(minutes) = watched else {
        warn(state, None);
        return CHECK_EVERY_MS as u32;
    };
    let left = idle_left_ms(last_used(), now_millis(), minutes);
    if left == 0 {
        warn(state, None);
        sign_out(state, minutes);
        return CHECK_EVERY_MS as u32;
    }
    if left <= IDLE_WARNING_MS {
        warn(state, Some(left.div_ceil(1000) as u32));
        return left.clamp(1, COUNTDOWN_EVERY_MS) as u32;
    }
    warn(state, None);
    (left - IDLE_WARNING_MS).min(CHECK_EVERY_MS) as u32
}

fn warn(state: AppState, seconds: Option<u32>) {
    if state.idle_warning.get_untracked() != seconds {
        state.idle_warning.set(seconds);
    }
}

fn sign_out(state: AppState, minutes: u32) {
    if SIGNING_OUT.replace(true) {
        return;
    }
    spawn_local(async move {
        let name = state
            .user
            .with_untracked(|u| u.as_ref().map(|u| u.name.clone()));
        let signed_out = super::boot::set_device_user(state, &super::state::store(), None)
            .await
            .is_ok();
        SIGNING_OUT.set(false);
        if signed_out {
            let name = name.unwrap_or_default();
            state.tell(
                format!("本设备已 {minutes} 分钟无人操作，{name} 已自动退出登录"),
                format!("Nobody used this device for {minutes} minutes: {name} was signed out"),
            );
        }
    });
}

/// The last minute before the idle sign-out: who is about to be signed out, the seconds left,
/// and a button to stay signed in (any use of the device does the same). Announced once: the
/// alert holds words that do not change, and the seconds beside it are not read out.
#[component]
pub fn IdleWarning() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let stay = move |_| {
        used_now();
        state.idle_warning.set(None);
    };
    let name = move || {
        state
            .user
            .with(|u| u.as_ref().map(|u| u.name.clone()).unwrap_or_default())
    };
    let seconds = move || state.idle_warning.get().unwrap_or(0);
    view! {
        <Show when=move || state.idle_warning.with(Option::is_some) && state.user.with(Option::is_some)>
            <div class="idle-warning" data-testid="idle-warning">
                <span role="alert">{move || lang.get().s(
                    format!("{} 将在一分钟内因无人操作自动退出登录。", name()),
                    format!("{} will be signed out within a minute, as nobody has used this device.", name()),
                )}</span>
                <span aria-hidden="true" class="idle-seconds" data-testid="idle-seconds">
                    {move || lang.get().s(format!("还剩 {} 秒", seconds()), format!("{} s left", seconds()))}
                </span>
                <button type="button" class="primary" on:click=stay>{t2("继续使用", "Stay signed in")}</button>
            </div>
        </Show>
    }
}
