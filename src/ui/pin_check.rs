//! pin_check: every staff PIN typed on this device — signing in, leaving the kiosk, confirming
//! a destruction — under one pause after repeated wrong PINs (`domain::pin_lockout`): without
//! it, anyone at a desk could try every 4-digit PIN of a manager and act in their name.

use crate::domain::pin_lockout::PinLockout;
use crate::domain::staff::{verify_pin, PinHash};
use crate::ui::i18n::Lang;
use crate::ui::platform::{local_read, local_write, now_millis};

/// Where the device keeps its wrong staff PINs (named when only the kiosk kept them).
const PIN_LOCKOUT_KEY: &str = "kefu.kiosk.pin";

/// The wrong staff PINs this device has seen and the pause they earned. Kept in localStorage,
/// read and written at once: a pause is stored before it is said, and outlives a reload.
pub fn pin_lockout() -> PinLockout {
    local_read(PIN_LOCKOUT_KEY).unwrap_or_default()
}

/// Records the outcome of a PIN check on the device, and returns what it now holds.
pub fn record_check(right: bool) -> PinLockout {
    let mut lockout = pin_lockout();
    if right {
        lockout.right_pin();
    } else {
        lockout.wrong_pin(now_millis());
    }
    local_write(PIN_LOCKOUT_KEY, &lockout);
    lockout
}

/// A wait of `secs` seconds in words.
pub fn wait_words(secs: u64, lang: Lang) -> String {
    let (m, s) = (secs / 60, secs % 60);
    match (m, s, lang) {
        (0, s, Lang::Zh) => format!("{s} 秒"),
        (0, s, Lang::En) => format!("{s} s"),
        (m, 0, Lang::Zh) => format!("{m} 分钟"),
        (m, 0, Lang::En) => format!("{m} min"),
        (m, s, Lang::Zh) => format!("{m} 分 {s} 秒"),
        (m, s, Lang::En) => format!("{m} min {s} s"),
    }
}

/// What a pause of `ms` left says.
pub fn paused_words(ms: u64, lang: Lang) -> String {
    let wait = wait_words(ms.div_ceil(1000), lang);
    lang.s(
        format!("错误次数过多，请 {wait}后再试"),
        format!("Too many wrong PINs. Try again in {wait}."),
    )
}

/// Checks a staff member's `pin` under the device's pause: `Err` with what to say when the
/// device is paused (the PIN is not checked) or the PIN is wrong (counted; the fifth wrong in
/// a row starts a pause, said at once).
pub fn check_pin(pin: &str, hash: &PinHash, lang: Lang) -> Result<(), String> {
    let left = pin_lockout().remaining_ms(now_millis());
    if left > 0 {
        return Err(paused_words(left, lang));
    }
    let right = verify_pin(pin, hash);
    let after = record_check(right);
    match (right, after.remaining_ms(now_millis())) {
        (true, _) => Ok(()),
        (false, 0) => Err(lang.s("PIN 不正确", "Wrong PIN")),
        (false, left) => Err(paused_words(left, lang)),
    }
}
