//! pin_check: staff PINs typed on this device under a pause after repeated wrong ones
//! (`domain::pin_lockout`): without it, anyone at a desk could try every 4-digit PIN of a
//! manager and act in their name. The kiosk's pad (any staff member's PIN leaves it) keeps one
//! count for the device; signing in and confirming a destruction, where the PIN is a named
//! staff member's, keep one count per staff member, so that one's own right PIN does not
//! clear the wrong tries at another's.

use crate::domain::pin_lockout::PinLockout;
use crate::domain::staff::{verify_pin, PinHash};
use crate::ui::i18n::Lang;
use crate::ui::platform::{local_read, local_write, now_millis};

/// Where the device keeps the kiosk pad's wrong staff PINs.
const KIOSK_KEY: &str = "kefu.kiosk.pin";

/// Where the device keeps the wrong PINs typed for one staff member.
fn staff_key(staff_id: &str) -> String {
    format!("kefu.pin.{staff_id}")
}

/// The wrong staff PINs the kiosk's pad has seen and the pause they earned. Kept in
/// localStorage, read and written at once: a pause is stored before it is said, and outlives a
/// reload.
pub fn pin_lockout() -> PinLockout {
    local_read(KIOSK_KEY).unwrap_or_default()
}

/// Records the outcome of a PIN check under `key`, and returns what it now holds.
fn record_under(key: &str, right: bool) -> PinLockout {
    let mut lockout: PinLockout = local_read(key).unwrap_or_default();
    if right {
        lockout.right_pin();
    } else {
        lockout.wrong_pin(now_millis());
    }
    local_write(key, &lockout);
    lockout
}

/// Records the outcome of a PIN check on the kiosk's pad.
pub fn record_check(right: bool) -> PinLockout {
    record_under(KIOSK_KEY, right)
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

/// Ends the staff member's pause on this device: their PIN was reset by a manager (five wrong
/// PINs are the usual sign of one forgotten; QA: the new PIN was still refused for minutes).
pub fn end_pause(staff_id: &str) {
    crate::ui::platform::local_remove(&staff_key(staff_id));
}

/// Checks the PIN typed for the staff member `staff_id` (whose PIN hash is `hash`) under
/// their pause on this device: `Err` with what to say when paused (the PIN is not checked) or
/// the PIN is wrong (counted; the fifth wrong in a row starts a pause, said at once).
pub fn check_pin(staff_id: &str, pin: &str, hash: &PinHash, lang: Lang) -> Result<(), String> {
    let key = staff_key(staff_id);
    let before: PinLockout = local_read(&key).unwrap_or_default();
    let left = before.remaining_ms(now_millis());
    if left > 0 {
        return Err(paused_words(left, lang));
    }
    let right = verify_pin(pin, hash);
    let after = record_under(&key, right);
    match (right, after.remaining_ms(now_millis())) {
        (true, _) => Ok(()),
        (false, 0) => Err(lang.s("PIN 不正确", "Wrong PIN")),
        (false, left) => Err(paused_words(left, lang)),
    }
}
