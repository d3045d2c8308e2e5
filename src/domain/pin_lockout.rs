//! pin_lockout: how a shared device answers wrong staff PINs — a pause after five wrong PINs
//! in a row, each further pause twice as long as the one before (at most 30 minutes), and all
//! forgotten after a right PIN. The device keeps it, so closing the PIN pad or a reload does
//! not end a pause.

use serde::{Deserialize, Serialize};

/// Wrong PINs in a row that start a pause.
pub const MAX_WRONG: u32 = 5;
/// The first pause.
pub const FIRST_PAUSE_MS: u64 = 60_000;
/// The longest pause: staff are never shut out for longer than this.
pub const MAX_PAUSE_MS: u64 = 30 * 60_000;

/// The wrong PINs a device has seen and the pause they earned. Times are milliseconds since
/// the Unix epoch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PinLockout {
    /// Wrong PINs since the last pause began (or the last right PIN).
    pub wrong: u32,
    /// Pauses since the last right PIN.
    pub pauses: u32,
    /// Every PIN is refused until then; 0: never paused.
    pub paused_until: u64,
}

/// The length of the pause that follows `earlier` pauses: 1, 2, 4, 8, 16, then 30 minutes.
pub fn pause_ms(earlier: u32) -> u64 {
    FIRST_PAUSE_MS
        .saturating_mul(1u64 << earlier.min(16))
        .min(MAX_PAUSE_MS)
}

impl PinLockout {
    /// What is left of the pause at `now` (0: a PIN may be tried). A clock set back never
    /// makes it longer than the pause itself.
    pub fn remaining_ms(&self, now: u64) -> u64 {
        let length = pause_ms(self.pauses.saturating_sub(1));
        self.paused_until.saturating_sub(now).min(length)
    }

    pub fn is_paused(&self, now: u64) -> bool {
        self.remaining_ms(now) > 0
    }

    /// Counts a wrong PIN entered at `now`; the fifth in a row starts a pause.
    pub fn wrong_pin(&mut self, now: u64) {
        self.wrong += 1;
        if self.wrong >= MAX_WRONG {
            self.wrong = 0;
            self.paused_until = now.saturating_add(pause_ms(self.pauses));
            self.pauses = self.pauses.saturating_add(1);
        }
    }

    /// A right PIN: the wrong ones and the pauses are forgotten.
    pub fn right_pin(&mut self) {
        *self = PinLockout::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_800_000_000_000;

    fn wrong_times(l: &mut PinLockout, n: u32, at: u64) {
        for _ in 0..n {
            l.wrong_pin(at);
        }
    }

    #[test]
    fn five_wrong_pins_pause_for_a_minute() {
        let mut l = PinLockout::default();
        wrong_times(&mut l, 4, T0);
        assert!(!l.is_paused(T0));
        l.wrong_pin(T0);
        assert_eq!(l.remaining_ms(T0), 60_000);
        assert_eq!(l.remaining_ms(T0 + 59_999), 1);
        assert!(!l.is_paused(T0 + 60_000));
        // The count starts again after the pause.
        assert_eq!(l.wrong, 0);
    }

    #[test]
    fn each_further_pause_is_twice_as_long_up_to_half_an_hour() {
        let mut l = PinLockout::default();
        let mut at = T0;
        let mut seen = Vec::new();
        for _ in 0..7 {
            wrong_times(&mut l, MAX_WRONG, at);
            let left = l.remaining_ms(at);
            seen.push(left / 60_000);
            at += left;
        }
        assert_eq!(seen, [1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(pause_ms(u32::MAX), MAX_PAUSE_MS);
    }

    #[test]
    fn a_right_pin_forgets_the_wrong_ones_and_the_pauses() {
        let mut l = PinLockout::default();
        wrong_times(&mut l, MAX_WRONG, T0);
        wrong_times(&mut l, 3, T0 + 60_000);
        l.right_pin();
        assert_eq!(l, PinLockout::default());
        wrong_times(&mut l, MAX_WRONG, T0 + 70_000);
        assert_eq!(l.remaining_ms(T0 + 70_000), 60_000);
    }

    #[test]
    fn a_clock_set_back_does_not_lengthen_the_pause() {
        let mut l = PinLockout::default();
        wrong_times(&mut l, MAX_WRONG, T0);
        assert_eq!(l.remaining_ms(T0 - 3_600_000), 60_000);
        assert_eq!(PinLockout::default().remaining_ms(0), 0);
    }

    #[test]
    fn stored_form_reads_back_and_missing_fields_default() {
        let mut l = PinLockout::default();
        wrong_times(&mut l, 2, T0);
        let text = serde_json::to_string(&l).unwrap();
        assert_eq!(serde_json::from_str::<PinLockout>(&text).unwrap(), l);
        let old: PinLockout = serde_json::from_str(r#"{"wrong":3}"#).unwrap();
        assert_eq!(old.wrong, 3);
        assert!(!old.is_paused(T0));
    }
}
