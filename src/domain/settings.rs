//! settings: the branch (name, code, working calendar) shared by every device through the
//! `settings:branch` document, and the per-device settings (who is on duty, device code, language).

use serde::{Deserialize, Serialize};

use super::calendar::WorkingCalendar;
use super::Record;

/// The id of the one branch settings document.
pub const BRANCH_SETTINGS_ID: &str = "settings:branch";

/// A language for labels produced by the domain (CSV headings, messages).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
    #[default]
    #[serde(rename = "zh-CN")]
    Zh,
    #[serde(rename = "en")]
    En,
}

impl Language {
    /// Picks the label of this language from a pair.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Language::Zh => zh,
            Language::En => en,
        }
    }
    /// BCP 47 code, as the UI stores it.
    pub fn code(self) -> &'static str {
        match self {
            Language::Zh => "zh-CN",
            Language::En => "en",
        }
    }
    /// Chinese for any `zh*` code, else English.
    pub fn from_code(code: &str) -> Language {
        if code.to_ascii_lowercase().starts_with("zh") {
            Language::Zh
        } else {
            Language::En
        }
    }
}

/// The branch office this database belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branch {
    pub name: String,
    /// Short code of the branch, shown in reports (e.g. "ZY-0371").
    pub code: String,
}

impl Default for Branch {
    fn default() -> Self {
        Branch {
            name: "营业部".into(),
            code: "BR01".into(),
        }
    }
}

impl Branch {
    /// The branch's own name; None while it is not set: empty, or still the default, which is
    /// the word for any branch (a header reading 营业部 said nothing, and in English it was the
    /// one Chinese word left).
    pub fn named(&self) -> Option<&str> {
        let n = self.name.trim();
        (!n.is_empty() && n != Branch::default().name).then_some(n)
    }

    /// The branch's code as a new customer takes it: empty while the branch is not set up
    /// (its name and code both the defaults), whose placeholder code names no branch (a
    /// customer read 营业部 BR01 while the header said 未设置营业部).
    pub fn own_code(&self) -> String {
        let code = self.code.trim();
        if self.named().is_none() && code == Branch::default().code {
            String::new()
        } else {
            code.to_string()
        }
    }

    /// What heads a printed report or record before its title: the branch's own name and a
    /// space; nothing while it has none (not the placeholder, which names no branch).
    pub fn heading(&self) -> String {
        self.named().map(|n| format!("{n} ")).unwrap_or_default()
    }
}

/// The shared settings document (`_id` = `settings:branch`, type `settings`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BranchSettings {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    #[serde(default)]
    pub branch: Branch,
    /// The working-day calendar every deadline uses; editable by staff.
    #[serde(default)]
    pub calendar: WorkingCalendar,
    /// Who changed which day of the calendar, when (oldest first): each change moves the
    /// deadlines counted over that day, and a past day the figures of its month.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calendar_changes: Vec<CalendarChange>,
    /// A staff member is signed out of a device nobody has used (no key, click or touch) for
    /// this many minutes; None: never. The branch's rule, every device's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_signout_minutes: Option<u32>,
}

/// One change of the working calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarChange {
    /// When it was changed (local time).
    pub at: chrono::NaiveDateTime,
    /// The staff member who changed it (id) and their name at the time.
    pub by: String,
    #[serde(default)]
    pub by_name: String,
    /// The day changed; for `table` and `untable`, the year's first day.
    pub date: chrono::NaiveDate,
    /// What it became: `holiday`, `makeup` (a make-up working day) or `removed`; or the year's
    /// official notice marked as entered (`table`) or not (`untable`). The sync's merge rule
    /// for the branch settings (`sync/merge.rs`) reads these to settle a day that two devices
    /// changed.
    pub became: String,
}

impl Default for BranchSettings {
    fn default() -> Self {
        BranchSettings {
            id: BRANCH_SETTINGS_ID.into(),
            rev: None,
            branch: Branch::default(),
            calendar: WorkingCalendar::default(),
            calendar_changes: Vec::new(),
            idle_signout_minutes: None,
        }
    }
}

/// The shortest and longest idle time before a sign-out, in minutes: under 5 a person
/// reading a case is signed out; over a working day it never happens.
pub const IDLE_SIGNOUT_MINUTES: std::ops::RangeInclusive<u32> = 5..=480;

/// The idle sign-out as typed: empty is never; else whole minutes within
/// [`IDLE_SIGNOUT_MINUTES`] (full-width digits are digits).
pub fn parse_idle_minutes(typed: &str) -> Result<Option<u32>, IdleMinutesError> {
    let t: String = typed
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(m) if IDLE_SIGNOUT_MINUTES.contains(&m) => Ok(Some(m)),
        _ => Err(IdleMinutesError),
    }
}

/// An idle time that is not whole minutes within [`IDLE_SIGNOUT_MINUTES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdleMinutesError;

impl IdleMinutesError {
    pub fn zh(&self) -> String {
        format!(
            "请填写 {}–{} 之间的整数分钟，或留空（不自动退出）",
            IDLE_SIGNOUT_MINUTES.start(),
            IDLE_SIGNOUT_MINUTES.end()
        )
    }
    pub fn en(&self) -> String {
        format!(
            "Enter whole minutes from {} to {}, or leave it empty (never)",
            IDLE_SIGNOUT_MINUTES.start(),
            IDLE_SIGNOUT_MINUTES.end()
        )
    }
}

/// Whether a device last used at `last_used_ms` has been left alone for `minutes` at `now_ms`.
pub fn idle_for(last_used_ms: u64, now_ms: u64, minutes: u32) -> bool {
    idle_left_ms(last_used_ms, now_ms, minutes) == 0
}

/// How long before the idle sign-out whoever is at the device is warned, with a way to stay
/// signed in, in ms.
pub const IDLE_WARNING_MS: u64 = 60_000;

/// The ms left at `now_ms` until a device last used at `last_used_ms` has been left alone for
/// `minutes` (0: it has).
pub fn idle_left_ms(last_used_ms: u64, now_ms: u64, minutes: u32) -> u64 {
    (u64::from(minutes) * 60_000).saturating_sub(now_ms.saturating_sub(last_used_ms))
}

impl Record for BranchSettings {
    const TYPE: &'static str = "settings";
}

/// Settings of this device only (kept locally, not synced).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeviceSettings {
    /// The staff document id of whoever is signed in here.
    pub current_staff_id: Option<String>,
    /// This device's code inside case numbers (`TS-20261122-A7-0001`): 1–3 characters of
    /// Crockford base32. Two devices of a branch must not share one; see `device_code_from_random`.
    pub device_code: String,
    pub language: Language,
    /// A random id of this installation (16 hex digits), made on first use; it owns the
    /// device code through a [`DeviceClaim`]. Empty in settings written before claims existed.
    pub device_id: String,
}

impl Default for DeviceSettings {
    fn default() -> Self {
        DeviceSettings {
            current_staff_id: None,
            device_code: "A".into(),
            language: Language::Zh,
            device_id: String::new(),
        }
    }
}

impl DeviceSettings {
    /// Settings for a device seen for the first time: a random two-character device code
    /// (1,024 possibilities) so that two new devices of a branch almost never collide.
    pub fn first_run(random: [u8; 2], language: Language) -> Self {
        DeviceSettings {
            current_staff_id: None,
            device_code: device_code_from_random(random),
            language,
            device_id: String::new(),
        }
    }
}

/// A device id (16 lower-case hex digits) from random bytes.
pub fn device_id_from_random(random: [u8; 8]) -> String {
    random.iter().map(|b| format!("{b:02x}")).collect()
}

/// The id of the claim document of a device code.
pub fn device_claim_id(code: &str) -> String {
    format!("device:{code}")
}

/// A replicated document saying which device numbers its complaints under `code` (see
/// `complaint::case_number`). Written once, when the device first uses the code; sync brings
/// every device's claims to every other device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceClaim {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub code: String,
    pub device_id: String,
    pub claimed_at: chrono::NaiveDateTime,
}

impl Record for DeviceClaim {
    const TYPE: &'static str = "device";
}

impl DeviceClaim {
    pub fn new(code: &str, device_id: &str, at: chrono::NaiveDateTime) -> Self {
        DeviceClaim {
            id: device_claim_id(code),
            rev: None,
            code: code.to_string(),
            device_id: device_id.to_string(),
            claimed_at: at,
        }
    }
}

/// Whether this device may number under a code, given the claim the store holds for it (the
/// winning revision, the same on every replica once they have synced).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimCheck {
    /// Nobody claimed it: write a claim (a new document, so a concurrent claim in another tab
    /// makes the write fail with a conflict and the check runs again).
    Free,
    /// This device owns it.
    Mine,
    /// Another device owns it: choose another code.
    Taken,
}

pub fn check_claim(claim: Option<&DeviceClaim>, device_id: &str) -> ClaimCheck {
    match claim {
        None => ClaimCheck::Free,
        Some(c) if !device_id.is_empty() && c.device_id == device_id => ClaimCheck::Mine,
        Some(_) => ClaimCheck::Taken,
    }
}

const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Two Crockford base32 characters from random bytes.
pub fn device_code_from_random(random: [u8; 2]) -> String {
    let n = (u16::from_be_bytes(random) & 0x3ff) as usize;
    let chars: Vec<char> = CROCKFORD.chars().collect();
    [chars[n >> 5], chars[n & 0x1f]].iter().collect()
}

/// Why a device code is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeviceCodeError {
    #[error("the device code must be 1 to 3 characters")]
    Length,
    #[error("the device code may use digits and the letters A–Z except I, L, O and U")]
    Characters,
}

impl DeviceCodeError {
    pub fn zh(&self) -> String {
        match self {
            DeviceCodeError::Length => "设备代码须为 1 至 3 个字符".into(),
            DeviceCodeError::Characters => {
                "设备代码只能使用数字和除 I、L、O、U 以外的大写字母".into()
            }
        }
    }
    pub fn en(&self) -> String {
        self.to_string()
    }
}

/// A device code is 1–3 upper-case Crockford base32 characters (so it never reads as 0/1).
pub fn validate_device_code(code: &str) -> Result<(), DeviceCodeError> {
    if code.is_empty() || code.chars().count() > 3 {
        return Err(DeviceCodeError::Length);
    }
    if !code.chars().all(|c| CROCKFORD.contains(c)) {
        return Err(DeviceCodeError::Characters);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_idle_sign_out_is_whole_minutes_from_5_to_480_or_never() {
        assert_eq!(parse_idle_minutes(""), Ok(None));
        assert_eq!(parse_idle_minutes("  "), Ok(None));
        assert_eq!(parse_idle_minutes("15"), Ok(Some(15)));
        assert_eq!(parse_idle_minutes(" １５ "), Ok(Some(15)));
        assert_eq!(parse_idle_minutes("5"), Ok(Some(5)));
        assert_eq!(parse_idle_minutes("480"), Ok(Some(480)));
        for bad in ["4", "481", "0", "-5", "7.5", "ten"] {
            assert_eq!(parse_idle_minutes(bad), Err(IdleMinutesError), "{bad}");
        }
        assert!(IdleMinutesError.zh().contains("5–480"));
        // Left alone for the whole time, to the millisecond.
        assert!(!idle_for(1_000, 1_000 + 15 * 60_000 - 1, 15));
        assert!(idle_for(1_000, 1_000 + 15 * 60_000, 15));
        // Used after `now` (another tab's clock ahead by a moment): not idle.
        assert!(!idle_for(2_000, 1_000, 15));
        // The time left, for the last minute's warning: all of it at first, none once idle.
        assert_eq!(idle_left_ms(1_000, 1_000, 5), 300_000);
        assert_eq!(
            idle_left_ms(1_000, 1_000 + 4 * 60_000 + 1, 5),
            IDLE_WARNING_MS - 1
        );
        assert_eq!(idle_left_ms(1_000, 1_000 + 6 * 60_000, 5), 0);
        assert_eq!(idle_left_ms(2_000, 1_000, 5), 300_000);
        // An older settings document reads as never.
        let old: BranchSettings =
            serde_json::from_str(r#"{"_id":"settings:branch","branch":{"name":"x","code":"A"}}"#)
                .unwrap();
        assert_eq!(old.idle_signout_minutes, None);
    }

    #[test]
    fn a_branch_is_named_once_its_own_name_is_set() {
        assert_eq!(Branch::default().named(), None);
        let named = |name: &str| Branch {
            name: name.into(),
            ..Branch::default()
        };
        assert_eq!(named("  ").named(), None);
        assert_eq!(
            named(" 郑州紫荆山路营业部 ").named(),
            Some("郑州紫荆山路营业部")
        );
        // Its code for a new customer: none while nothing is set, the code once either is.
        assert_eq!(Branch::default().own_code(), "");
        assert_eq!(named("郑州紫荆山路营业部").own_code(), "BR01");
        let coded = Branch {
            code: " ZZ01 ".into(),
            ..Branch::default()
        };
        assert_eq!(coded.own_code(), "ZZ01");
    }

    #[test]
    fn branch_settings_document() {
        let s = BranchSettings::default();
        assert_eq!(s.id, "settings:branch");
        assert_eq!(BranchSettings::TYPE, "settings");
        let v = serde_json::to_value(&s).unwrap();
        assert!(v.get("_rev").is_none());
        let back: BranchSettings = serde_json::from_value(v).unwrap();
        assert_eq!(back, s);
        // A document with only an id gets the defaults.
        let min: BranchSettings =
            serde_json::from_str(r#"{"_id":"settings:branch","_rev":"1-a"}"#).unwrap();
        assert_eq!(min.rev.as_deref(), Some("1-a"));
        assert_eq!(min.branch, Branch::default());
        assert!(min.calendar.covers(2026));
    }

    #[test]
    fn device_settings_defaults_and_serde() {
        let d: DeviceSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(d, DeviceSettings::default());
        let d = DeviceSettings {
            current_staff_id: Some("staff:1".into()),
            device_code: "K7".into(),
            language: Language::En,
            device_id: "0011223344556677".into(),
        };
        let text = serde_json::to_string(&d).unwrap();
        assert!(text.contains(r#""language":"en""#));
        assert_eq!(serde_json::from_str::<DeviceSettings>(&text).unwrap(), d);
        assert_eq!(Language::from_code("zh-TW"), Language::Zh);
        assert_eq!(Language::from_code("en-GB"), Language::En);
        assert_eq!(Language::En.pick("中", "en"), "en");
    }

    #[test]
    fn device_codes() {
        assert_eq!(device_code_from_random([0, 0]), "00");
        assert_eq!(device_code_from_random([0x03, 0xff]), "ZZ");
        // Only the low 10 bits count: 0b00_00100_00001 -> "41".
        assert_eq!(device_code_from_random([0xfc, 0x81]), "41");
        let first = DeviceSettings::first_run([1, 2], Language::Zh);
        assert_eq!(validate_device_code(&first.device_code), Ok(()));
        assert_eq!(validate_device_code("A"), Ok(()));
        assert_eq!(validate_device_code("A7Z"), Ok(()));
        assert_eq!(validate_device_code(""), Err(DeviceCodeError::Length));
        assert_eq!(validate_device_code("ABCD"), Err(DeviceCodeError::Length));
        assert_eq!(validate_device_code("a"), Err(DeviceCodeError::Characters));
        assert_eq!(validate_device_code("I"), Err(DeviceCodeError::Characters));
        assert_eq!(validate_device_code("-"), Err(DeviceCodeError::Characters));
    }

    #[test]
    fn device_claims_decide_who_numbers_under_a_code() {
        assert_eq!(
            device_id_from_random([0, 1, 0xab, 0xff, 2, 3, 4, 5]),
            "0001abff02030405"
        );
        // Settings written before claims existed read with no device id.
        let old: DeviceSettings = serde_json::from_str(r#"{"device_code":"K7"}"#).unwrap();
        assert_eq!(old.device_id, "");
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let claim = DeviceClaim::new("K7", "aaaa", at);
        assert_eq!(claim.id, "device:K7");
        assert_eq!(device_claim_id("K7"), claim.id);
        assert_eq!(check_claim(None, "aaaa"), ClaimCheck::Free);
        assert_eq!(check_claim(Some(&claim), "aaaa"), ClaimCheck::Mine);
        assert_eq!(check_claim(Some(&claim), "bbbb"), ClaimCheck::Taken);
        // A device without an id never owns a claim (not even one with an empty id).
        let blank = DeviceClaim::new("K7", "", at);
        assert_eq!(check_claim(Some(&blank), ""), ClaimCheck::Taken);
        let v = serde_json::to_value(&claim).unwrap();
        assert_eq!(v["device_id"], "aaaa");
        assert_eq!(serde_json::from_value::<DeviceClaim>(v).unwrap(), claim);
    }
}
