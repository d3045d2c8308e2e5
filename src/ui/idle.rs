//! idle: signs the staff member out of a device nobody has used for the branch's idle time
//! (Settings → Branch; `domain::settings::idle_for`), so that a PC left at a counter does not
//! go on acting in their name. Use is a key, a click, a touch or the wheel, in any tab of the
//! app on this device: the last one is kept in localStorage (written at most every few
//! seconds), so a tab left in the background does not sign out a person working in another.
//! The time a device was switched off counts too: opened the next morning, it is signed out.

use std::cell::Cell;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::platform::{local_read, local_write, now_millis};
use super::state::AppState;
use crate::domain::settings::idle_for;

/// Where the device keeps the time (ms since the epoch) it was last used.
const LAST_USED_KEY: &str = "kefu.last-used";
/// How often an idle device is looked at, in ms.
const CHECK_EVERY_MS: u32 = 15_000;
/// The longest a use waits before localStorage hears of it, in ms.
const WRITE_EVERY_MS: u64 = 5_000;

thread_local! {
    /// This tab's last use, and when it was last written to localStorage.
    static LAST_USED: Cell<u64> = const { Cell::new(0) };
    static WRITTEN: Cell<u64> = const { Cell::new(0) };
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
        let _ = window_event_listener_untyped(event, |_| used_now());
    }
    spawn_local(async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(CHECK_EVERY_MS).await;
            check(state);
        }
    });
    // A tab shown again (its timers held back meanwhile) looks at once.
    let _ = window_event_listener_untyped("visibilitychange", move |_| check(state));
}

/// Signs out whoever is signed in here if the device has been left alone for the idle time.
fn check(state: AppState) {
    let Some(minutes) = state.idle_minutes.get_untracked() else {
        return;
    };
    if !state.has_store()
        || state.kiosk_locked.get_untracked()
        || state.user.with_untracked(Option::is_none)
        || !idle_for(last_used(), now_millis(), minutes)
    {
        return;
    }
    spawn_local(async move {
        let name = state
            .user
            .with_untracked(|u| u.as_ref().map(|u| u.name.clone()));
        if super::boot::set_device_user(state, &super::state::store(), None)
            .await
            .is_ok()
        {
            let name = name.unwrap_or_default();
            state.tell(
                format!("本设备已 {minutes} 分钟无人操作，{name} 已自动退出登录"),
                format!("Nobody used this device for {minutes} minutes: {name} was signed out"),
            );
        }
    });
}
