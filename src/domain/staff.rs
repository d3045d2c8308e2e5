//! staff: the service desk's people, their roles (客服专员/主管/经理) and PINs.
//! PINs are stored only as PBKDF2-HMAC-SHA256 hashes; the caller supplies the salt bytes.

use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::customer::ascii_digits;
use super::Record;

/// A staff member's role on the desk, from junior to senior.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 客服专员: takes complaints, investigates, answers customers.
    Specialist,
    /// 客服主管: first level of approval.
    Supervisor,
    /// 客服经理: second (final) level of approval.
    Manager,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Specialist, Role::Supervisor, Role::Manager];

    pub fn zh(self) -> &'static str {
        match self {
            Role::Specialist => "客服专员",
            Role::Supervisor => "客服主管",
            Role::Manager => "客服经理",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Role::Specialist => "Specialist",
            Role::Supervisor => "Supervisor",
            Role::Manager => "Manager",
        }
    }
}

/// Who performs an action: carried into every history event of a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The staff document id (`staff:…`).
    pub id: String,
    pub name: String,
    pub role: Role,
}

/// A PBKDF2-HMAC-SHA256 PIN hash, all parts needed to verify it again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinHash {
    /// The salt, lower-case hex.
    pub salt: String,
    pub iterations: u32,
    /// The derived 32-byte key, lower-case hex.
    pub hash: String,
    /// When the PIN was set, and by whom (a name): what a person settling two devices' PINs
    /// of one member has to go by, as the PINs themselves are never shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_at: Option<chrono::NaiveDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_by: Option<String>,
}

impl PinHash {
    /// This hash marked as set at `at` by `by`.
    pub fn set(self, at: chrono::NaiveDateTime, by: &str) -> Self {
        Self {
            set_at: Some(at),
            set_by: Some(by.to_string()),
            ..self
        }
    }
}

/// A staff member (document type `staff`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Staff {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub name: String,
    pub role: Role,
    pub pin_hash: PinHash,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl Record for Staff {
    const TYPE: &'static str = "staff";
}

impl Staff {
    /// This member as the actor of an action.
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id.clone(),
            name: self.name.clone(),
            role: self.role,
        }
    }
}

/// The role that administers the branch: staff and their roles and PINs, the working-day
/// calendar, the branch's name and code, backup import and erasing the device. Source 000
/// (客服岗位职责) gives 客服经理 "建立和完善客服管理制度和流程" and "招聘、培训和培养" the team;
/// 客服主管 runs the team day to day (排班、考勤、培训) but sets no rules. The calendar decides
/// every regulatory limit ("三个工作日（含受理日）", source 002) and the monthly report's due
/// date, so it is a rule of the branch too, and the manager's.
pub const ADMIN_ROLE: Role = Role::Manager;

/// Why someone may administer the branch's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminGrant {
    /// No active manager exists yet (a new install, or one set up before this rule): whoever
    /// is at the device sets the branch up, until the first manager is added.
    Setup,
    /// The signed-in, active manager.
    Manager,
}

/// Why someone may not administer the branch's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdminDenied {
    /// Nobody is signed in on this device (or the profile signed in no longer exists).
    NotSignedIn,
    /// The signed-in member has been deactivated.
    Inactive { name: String },
    /// The signed-in member's role is below manager.
    NotManager { name: String, role: Role },
}

impl AdminDenied {
    pub fn zh(&self) -> String {
        match self {
            AdminDenied::NotSignedIn => format!(
                "仅限{}操作：请由在岗的{}登录本设备后操作。",
                ADMIN_ROLE.zh(),
                ADMIN_ROLE.zh()
            ),
            AdminDenied::Inactive { name } => {
                format!("{name}已停用，不能进行此项操作。")
            }
            AdminDenied::NotManager { name, role } => format!(
                "仅限{}操作：当前登录的是{}（{}）。",
                ADMIN_ROLE.zh(),
                name,
                role.zh()
            ),
        }
    }
    pub fn en(&self) -> String {
        match self {
            AdminDenied::NotSignedIn => format!(
                "Only a {} can do this: an active {} must sign in on this device.",
                ADMIN_ROLE.en().to_lowercase(),
                ADMIN_ROLE.en().to_lowercase()
            ),
            AdminDenied::Inactive { name } => {
                format!("{name} has been deactivated and cannot do this.")
            }
            AdminDenied::NotManager { name, role } => format!(
                "Only a {} can do this: {} ({}) is signed in.",
                ADMIN_ROLE.en().to_lowercase(),
                name,
                role.en()
            ),
        }
    }
}

/// Whether the list holds an active manager.
pub fn has_active_admin(staff: &[Staff]) -> bool {
    staff.iter().any(|s| s.active && s.role == ADMIN_ROLE)
}

/// Who may administer the branch's settings, given every staff profile and the id of whoever
/// is signed in on this device. The signed-in member is looked up in `staff` (not taken from
/// a copy made at sign-in), so a role changed or a deactivation counts at once.
pub fn admin_access(staff: &[Staff], user_id: Option<&str>) -> Result<AdminGrant, AdminDenied> {
    if !has_active_admin(staff) {
        return Ok(AdminGrant::Setup);
    }
    let Some(user) = user_id.and_then(|id| staff.iter().find(|s| s.id == id)) else {
        return Err(AdminDenied::NotSignedIn);
    };
    if !user.active {
        return Err(AdminDenied::Inactive {
            name: user.name.clone(),
        });
    }
    if user.role != ADMIN_ROLE {
        return Err(AdminDenied::NotManager {
            name: user.name.clone(),
            role: user.role,
        });
    }
    Ok(AdminGrant::Manager)
}

/// Why a change of a staff profile is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StaffChangeError {
    Denied(AdminDenied),
    /// The change would leave the branch without an active manager.
    LastManager {
        name: String,
    },
    /// Another active staff member has the same name: the sign-in list, the case history and
    /// the reports could not tell them apart.
    DuplicateName {
        name: String,
    },
}

impl StaffChangeError {
    pub fn zh(&self) -> String {
        match self {
            StaffChangeError::Denied(d) => d.zh(),
            StaffChangeError::LastManager { name } => format!(
                "{name}是最后一位在岗的{}，不能停用或改为其他岗位；请先添加另一位{}。",
                ADMIN_ROLE.zh(),
                ADMIN_ROLE.zh()
            ),
            StaffChangeError::DuplicateName { name } => format!(
                "已有一位在岗人员名为“{name}”：请用能区分两人的姓名（如加上部门或工号），以免登录、案件记录和报表中无法分辨。"
            ),
        }
    }
    pub fn en(&self) -> String {
        match self {
            StaffChangeError::Denied(d) => d.en(),
            StaffChangeError::LastManager { name } => format!(
                "{name} is the last active {}: they cannot be deactivated or given another role. Add another {} first.",
                ADMIN_ROLE.en().to_lowercase(),
                ADMIN_ROLE.en().to_lowercase()
            ),
            StaffChangeError::DuplicateName { name } => format!(
                "An active staff member is already called “{name}”: use a name that tells the two apart (add the department or a staff number, for example), so that sign-in, case records and reports can."
            ),
        }
    }
}

/// Whether the signed-in user (`user_id`) may save `changed`: a new profile, or a profile of
/// `staff` with another role, PIN or status. Needs `admin_access`, except for an active
/// member's own new PIN ([`is_own_pin_change`]); a branch that has an active manager keeps one (the last manager cannot deactivate or demote themselves); and
/// no two active members share a name (trimmed): adding, renaming or reactivating someone
/// into a name an active member has is refused. (Two such members already stored, e.g. from
/// an older version, may still be changed otherwise.)
pub fn check_staff_change(
    staff: &[Staff],
    user_id: Option<&str>,
    changed: &Staff,
) -> Result<(), StaffChangeError> {
    if !is_own_pin_change(staff, user_id, changed) {
        admin_access(staff, user_id).map_err(StaffChangeError::Denied)?;
    }
    let mut after: Vec<Staff> = staff
        .iter()
        .filter(|s| s.id != changed.id)
        .cloned()
        .collect();
    after.push(changed.clone());
    if has_active_admin(staff) && !has_active_admin(&after) {
        return Err(StaffChangeError::LastManager {
            name: changed.name.clone(),
        });
    }
    let name = changed.name.trim();
    let key = name_key(name);
    let before = staff.iter().find(|s| s.id == changed.id);
    let already = before.is_some_and(|b| b.active && name_key(&b.name) == key);
    // Named as the member already there is (`Carl Xu`, when `carl xu` is added).
    let taken = staff
        .iter()
        .find(|s| s.id != changed.id && s.active && name_key(&s.name) == key);
    if let (true, Some(other), false) = (changed.active, taken, already) {
        return Err(StaffChangeError::DuplicateName {
            name: other.name.trim().to_string(),
        });
    }
    Ok(())
}

/// Whether `changed` is the signed-in member's own profile, active, with a new PIN and nothing
/// else changed: a PIN only its owner should know is theirs to change (the manager who set it
/// knows it too), where everything else of a profile is the manager's.
pub fn is_own_pin_change(staff: &[Staff], user_id: Option<&str>, changed: &Staff) -> bool {
    let Some(before) = staff.iter().find(|s| s.id == changed.id) else {
        return false;
    };
    user_id == Some(changed.id.as_str())
        && before.active
        && changed.active
        && before.name == changed.name
        && before.role == changed.role
}

/// A name as the sign-in list and the reports tell people apart: without case, full-width
/// letters as ASCII, and without spaces (full-width too) or invisible characters, as the
/// reports read names ([`super::kpi::person_key`], which also drops a note in brackets):
/// `Carl Xu`, `carl  xu`, `张　敏` (a two-character name padded, as is usual) and `张\u{200b}敏`
/// are one name (QA: the last two were let in beside 张敏 and looked the same in the list).
fn name_key(name: &str) -> String {
    name.chars()
        .map(super::customer::half_width_char)
        .filter(|c| !c.is_whitespace() && !invisible(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A character that takes no room when shown: zero-width spaces and joiners, marks of writing
/// direction, the byte-order mark.
pub fn invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{202a}'..='\u{202e}')
}

/// Whether `member`, active, shares a name (trimmed) with another active member: two devices
/// cut off from each other can each add the same person, which [`check_staff_change`] only
/// refuses on one device. The staff list says so, for a manager to deactivate the extra one.
pub fn has_active_namesake(staff: &[Staff], member: &Staff) -> bool {
    let key = name_key(&member.name);
    member.active
        && staff
            .iter()
            .any(|s| s.id != member.id && s.active && name_key(&s.name) == key)
}

/// Default PBKDF2 iteration count. In WebAssembly on an office PC 100,000 rounds of
/// HMAC-SHA256 take roughly 0.1–0.5 s (slower on an old tablet); that is acceptable for a
/// PIN check at login or kiosk exit, and is what makes a leaked 4–8 digit PIN costly to brute
/// force. Hashes remember their own count, so raising it later does not break old PINs.
pub const DEFAULT_PIN_ITERATIONS: u32 = 100_000;

/// Recommended salt length in bytes (the caller draws them from `crypto.getRandomValues`).
pub const PIN_SALT_LEN: usize = 16;

/// Why a PIN is not acceptable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("The PIN must be 4 to 8 digits long")]
    Length,
    #[error("The PIN may contain digits only")]
    NotDigits,
    #[error("This PIN is too easy to guess (like 1111, 1234 or 1212); choose another")]
    TooEasy,
}

impl PinError {
    pub fn zh(&self) -> String {
        match self {
            PinError::Length => "PIN 须为 4 至 8 位数字".into(),
            PinError::NotDigits => "PIN 只能包含数字".into(),
            PinError::TooEasy => "PIN 过于简单（如 1111、1234、1212），请换一个".into(),
        }
    }
    pub fn en(&self) -> String {
        self.to_string()
    }
}

/// The longest a staff member's name may be, in characters: room for a Chinese name or a
/// romanised one, and short enough for the staff lists and the pages' choosers.
pub const STAFF_NAME_MAX: usize = 20;

/// What is wrong with a staff member's name as typed (Chinese, English), if anything.
pub fn staff_name_problem(name: &str) -> Option<(&'static str, &'static str)> {
    let n = name.trim().chars().count();
    if n == 0 {
        Some(("请填写姓名", "Enter a name"))
    } else if n > STAFF_NAME_MAX {
        Some(("姓名不能超过 20 个字", "A name is at most 20 characters"))
    } else {
        None
    }
}

/// A new PIN is 4 to 8 ASCII digits, and not one of the first a person would try on a found
/// PC or kiosk ([`pin_too_easy`]). Only new PINs are checked: a PIN set before the rule still
/// signs in.
pub fn validate_pin(pin: &str) -> Result<(), PinError> {
    let pin = &ascii_digits(pin);
    if !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(PinError::NotDigits);
    }
    if !(4..=8).contains(&pin.len()) {
        return Err(PinError::Length);
    }
    if pin_too_easy(pin) {
        return Err(PinError::TooEasy);
    }
    Ok(())
}

/// PINs guessed first, and why (the "simple password" rules of bank PINs): one digit repeated
/// (0000), a run up or down the digits (1234, 9876, 3456789), two, three or four digits repeated
/// (1212, 123123, 20262026), and 5201314 / 1314520 ("I love you for ever"), the most common
/// long PIN in China. `pin` is ASCII digits.
pub fn pin_too_easy(pin: &str) -> bool {
    let d = pin.as_bytes();
    let steps_all = |step: i16| d.windows(2).all(|w| w[1] as i16 - w[0] as i16 == step);
    let repeats = |period: usize| {
        d.len() > period
            && d.len().is_multiple_of(period)
            && d.chunks(period).all(|c| c == &d[..period])
    };
    steps_all(0)
        || steps_all(1)
        || steps_all(-1)
        || repeats(2)
        || repeats(3)
        || repeats(4)
        || matches!(pin, "5201314" | "1314520")
}

/// Hash a PIN with PBKDF2-HMAC-SHA256 into a 32-byte key.
pub fn hash_pin(pin: &str, salt: &[u8], iterations: u32) -> PinHash {
    let pin = &ascii_digits(pin);
    let mut key = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(pin.as_bytes(), salt, iterations.max(1), &mut key);
    PinHash {
        salt: to_hex(salt),
        iterations: iterations.max(1),
        hash: to_hex(&key),
        set_at: None,
        set_by: None,
    }
}

/// Whether `pin` matches `stored`. A malformed stored hash never matches.
/// The comparison takes the same time wherever the first difference lies.
pub fn verify_pin(pin: &str, stored: &PinHash) -> bool {
    let Some(salt) = from_hex(&stored.salt) else {
        return false;
    };
    let Some(expected) = from_hex(&stored.hash) else {
        return false;
    };
    if expected.len() != 32 || stored.iterations == 0 {
        return false;
    }
    let pin = &ascii_digits(pin);
    let mut key = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(pin.as_bytes(), &salt, stored.iterations, &mut key);
    key.iter()
        .zip(expected.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

/// Lower-case hex of bytes.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

/// Bytes of a hex string (either case); `None` if it is not hex of whole bytes.
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.as_bytes()
        .chunks(2)
        .map(|pair| {
            let hi = (pair[0] as char).to_digit(16)?;
            let lo = (pair[1] as char).to_digit(16)?;
            Some((hi * 16 + lo) as u8)
        })
        .collect()
}

/// A staff member for tests (PIN 2468).
#[cfg(test)]
pub(crate) fn member(id: &str, name: &str, role: Role, active: bool) -> Staff {
    Staff {
        id: id.into(),
        rev: None,
        name: name.into(),
        role,
        pin_hash: hash_pin("2468", b"s", 1),
        active,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_given_and_not_too_long() {
        assert_eq!(staff_name_problem("  ").map(|p| p.0), Some("请填写姓名"));
        assert_eq!(staff_name_problem("欧阳晓明"), None);
        assert_eq!(staff_name_problem(&"欧".repeat(STAFF_NAME_MAX)), None);
        assert_eq!(
            staff_name_problem(&"欧".repeat(STAFF_NAME_MAX + 1)).map(|p| p.1),
            Some("A name is at most 20 characters")
        );
    }

    #[test]
    fn pbkdf2_matches_the_rfc_7914_vector() {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1; first 32 bytes of dkLen 64.
        let h = hash_pin("passwd", b"salt", 1);
        assert_eq!(
            h.hash,
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        );
        assert_eq!(h.salt, "73616c74");
        assert_eq!(h.iterations, 1);
    }

    #[test]
    fn a_pin_typed_in_full_width_digits_is_the_same_pin() {
        assert_eq!(validate_pin("２４６８"), Ok(()));
        let h = hash_pin("２４６８", b"salt", 1);
        assert!(verify_pin("2468", &h));
        let h = hash_pin("2468", b"salt", 1);
        assert!(verify_pin("２４６８", &h));
        assert!(!verify_pin("２４６９", &h));
    }

    #[test]
    fn verify_accepts_the_right_pin_only() {
        let salt = [9u8; PIN_SALT_LEN];
        let h = hash_pin("2468", &salt, 1000);
        assert!(verify_pin("2468", &h));
        assert!(!verify_pin("2469", &h));
        assert!(!verify_pin("", &h));
        // The same PIN with another salt gives another hash.
        assert_ne!(hash_pin("2468", &[1u8; 16], 1000).hash, h.hash);
        // Iterations matter.
        assert_ne!(hash_pin("2468", &salt, 1001).hash, h.hash);
    }

    #[test]
    fn a_pin_says_who_set_it_and_when_and_older_records_still_read() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
            .and_then(|d| d.and_hms_opt(14, 3, 0))
            .unwrap();
        let h = hash_pin("2468", b"salt", 1).set(at, "王经理");
        assert!(verify_pin("2468", &h));
        let v = serde_json::to_value(&h).unwrap();
        assert_eq!(v["set_at"], "2026-12-05T14:03:00");
        assert_eq!(v["set_by"], "王经理");
        // A PIN set before the app kept this: no such fields, written or read.
        let old = hash_pin("2468", b"salt", 1);
        let v = serde_json::to_value(&old).unwrap();
        assert!(v.get("set_at").is_none() && v.get("set_by").is_none());
        assert_eq!(serde_json::from_value::<PinHash>(v).unwrap(), old);
    }

    #[test]
    fn namesakes_are_active_members_of_one_name() {
        let m = |id: &str, name: &str, active: bool| Staff {
            id: id.into(),
            rev: None,
            name: name.into(),
            role: Role::Specialist,
            pin_hash: hash_pin("2468", b"s", 1),
            active,
        };
        let list = [
            m("a", "张敏", true),
            m("b", " 张敏", true),
            m("c", "李强", true),
            m("d", "李强", false),
        ];
        assert!(has_active_namesake(&list, &list[0]));
        assert!(has_active_namesake(&list, &list[1]));
        // One of them inactive: no longer confusing.
        assert!(!has_active_namesake(&list, &list[2]));
        assert!(!has_active_namesake(&list, &list[3]));
        // Case and the spaces between words make no other name (the sign-in list showed two
        // managers "Carl Xu" and "carl  xu").
        let latin = [m("e", "Carl Xu", true), m("f", "carl\u{3000} xu ", true)];
        assert!(has_active_namesake(&latin, &latin[1]));
        assert_eq!(
            check_staff_change(&latin[..1], None, &latin[1]),
            Err(StaffChangeError::DuplicateName {
                name: "Carl Xu".into()
            })
        );
        // A two-character name padded with a full-width space, one with a zero-width space,
        // and full-width letters are the same name too (QA: let in beside 张敏).
        let cjk = [
            m("g", "张敏", true),
            m("h", "张\u{3000}敏", true),
            m("i", "张\u{200b}敏", true),
            m("j", "ＣＡＲＬ　ＸＵ", true),
        ];
        assert!(has_active_namesake(&cjk[..2], &cjk[1]));
        assert!(has_active_namesake(&cjk[..3], &cjk[2]));
        assert!(check_staff_change(&cjk[..1], None, &cjk[1]).is_err());
        assert!(check_staff_change(&cjk[..1], None, &cjk[2]).is_err());
        assert!(check_staff_change(&latin[..1], None, &cjk[3]).is_err());
        assert!(!has_active_namesake(
            &[m("k", "张敏", true), m("l", "张敏敏", true)],
            &m("l", "张敏敏", true)
        ));
    }

    #[test]
    fn malformed_stored_hashes_never_match() {
        let good = hash_pin("1234", b"abcd", 10);
        let mut bad = good.clone();
        bad.salt = "zz".into();
        assert!(!verify_pin("1234", &bad));
        let mut bad = good.clone();
        bad.hash.pop();
        assert!(!verify_pin("1234", &bad));
        let mut bad = good.clone();
        bad.iterations = 0;
        assert!(!verify_pin("1234", &bad));
    }

    #[test]
    fn pin_rules() {
        assert_eq!(validate_pin("2468"), Ok(()));
        assert_eq!(validate_pin("13572468"), Ok(()));
        assert_eq!(validate_pin("123"), Err(PinError::Length));
        assert_eq!(validate_pin("123456789"), Err(PinError::Length));
        assert_eq!(validate_pin(""), Err(PinError::Length));
        assert_eq!(validate_pin("12a4"), Err(PinError::NotDigits));
        // Full-width digits are the same digits; other scripts' are not.
        assert_eq!(validate_pin("١٢٣٤"), Err(PinError::NotDigits));
        assert!(PinError::Length.zh().contains("4 至 8"));
        // The first guesses are refused, full-width ones too; near misses are not.
        for easy in [
            "0000",
            "1111",
            "99999999",
            "1234",
            "0123",
            "12345678",
            "9876",
            "43210",
            "1212",
            "909090",
            "123123",
            "20262026",
            "5201314",
            "1314520",
            "１２３４",
        ] {
            assert_eq!(validate_pin(easy), Err(PinError::TooEasy), "{easy}");
        }
        for fine in [
            "1357", "1235", "1221", "8901", "12121", "2580", "1122", "5201315",
        ] {
            assert_eq!(validate_pin(fine), Ok(()), "{fine}");
        }
        assert!(PinError::TooEasy.zh().contains("过于简单"));
    }

    #[test]
    fn hex_round_trip() {
        let bytes = [0u8, 1, 0x7f, 0x80, 0xff];
        assert_eq!(to_hex(&bytes), "00017f80ff");
        assert_eq!(from_hex("00017F80ff").unwrap(), bytes);
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("gg"), None);
    }

    #[test]
    fn staff_document_shape() {
        let s = Staff {
            id: "staff:01".into(),
            rev: None,
            name: "王芳".into(),
            role: Role::Supervisor,
            pin_hash: hash_pin("1234", b"s", 1),
            active: true,
        };
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["_id"], "staff:01");
        assert!(v.get("_rev").is_none());
        assert_eq!(v["role"], "supervisor");
        let back: Staff = serde_json::from_value(v).unwrap();
        assert_eq!(back, s);
        assert_eq!(s.actor().role, Role::Supervisor);
        assert_eq!(Staff::TYPE, "staff");
        // `active` defaults to true for documents written without it.
        let mut v = serde_json::to_value(&s).unwrap();
        v.as_object_mut().unwrap().remove("active");
        assert!(serde_json::from_value::<Staff>(v).unwrap().active);
    }

    fn desk() -> Vec<Staff> {
        vec![
            member("staff:spec", "张敏", Role::Specialist, true),
            member("staff:sup", "李强", Role::Supervisor, true),
            member("staff:mgr", "王经理", Role::Manager, true),
        ]
    }

    #[test]
    fn without_an_active_manager_anyone_sets_the_branch_up() {
        // A new install: nobody, signed in or not.
        assert_eq!(admin_access(&[], None), Ok(AdminGrant::Setup));
        // Staff but no manager yet (set-up halfway), whoever is signed in.
        let mut list = desk();
        list.pop();
        assert_eq!(admin_access(&list, None), Ok(AdminGrant::Setup));
        assert_eq!(
            admin_access(&list, Some("staff:spec")),
            Ok(AdminGrant::Setup)
        );
        // Only an inactive manager: still set-up.
        list.push(member("staff:old", "老经理", Role::Manager, false));
        assert_eq!(admin_access(&list, None), Ok(AdminGrant::Setup));
    }

    #[test]
    fn once_a_manager_is_active_only_a_signed_in_active_manager_administers() {
        let list = desk();
        assert_eq!(
            admin_access(&list, Some("staff:mgr")),
            Ok(AdminGrant::Manager)
        );
        assert_eq!(admin_access(&list, None), Err(AdminDenied::NotSignedIn));
        // A profile that no longer exists (e.g. replaced by an import) counts as nobody.
        assert_eq!(
            admin_access(&list, Some("staff:gone")),
            Err(AdminDenied::NotSignedIn)
        );
        assert_eq!(
            admin_access(&list, Some("staff:spec")),
            Err(AdminDenied::NotManager {
                name: "张敏".into(),
                role: Role::Specialist
            })
        );
        // A supervisor approves cases but does not set the branch's rules.
        assert!(matches!(
            admin_access(&list, Some("staff:sup")),
            Err(AdminDenied::NotManager {
                role: Role::Supervisor,
                ..
            })
        ));
        // A deactivated manager, while another is active, is refused.
        let mut list = list;
        list.push(member("staff:mgr2", "赵经理", Role::Manager, false));
        assert_eq!(
            admin_access(&list, Some("staff:mgr2")),
            Err(AdminDenied::Inactive {
                name: "赵经理".into()
            })
        );
    }

    #[test]
    fn refusals_say_why_in_both_languages() {
        let d = AdminDenied::NotManager {
            name: "张敏".into(),
            role: Role::Specialist,
        };
        assert_eq!(d.zh(), "仅限客服经理操作：当前登录的是张敏（客服专员）。");
        assert_eq!(
            d.en(),
            "Only a manager can do this: 张敏 (Specialist) is signed in."
        );
        assert!(AdminDenied::NotSignedIn.zh().contains("登录本设备"));
        for text in [
            AdminDenied::NotSignedIn.zh(),
            d.zh(),
            StaffChangeError::LastManager {
                name: "王经理".into(),
            }
            .zh(),
        ] {
            // Chinese text uses full-width punctuation.
            assert!(!text.contains([',', ':', ';', '(', ')']), "{text}");
        }
    }

    #[test]
    fn staff_changes_need_a_manager_once_one_exists() {
        let list = desk();
        let newcomer = member("staff:new", "张敏(经理)", Role::Manager, true);
        // The finding: a specialist making themselves a manager.
        assert!(matches!(
            check_staff_change(&list, Some("staff:spec"), &newcomer),
            Err(StaffChangeError::Denied(AdminDenied::NotManager { .. }))
        ));
        assert_eq!(
            check_staff_change(&list, None, &newcomer),
            Err(StaffChangeError::Denied(AdminDenied::NotSignedIn))
        );
        // The specialist deactivating the manager.
        let mut mgr = list[2].clone();
        mgr.active = false;
        assert!(check_staff_change(&list, Some("staff:spec"), &mgr).is_err());
        // The manager adds, promotes, resets a PIN, deactivates others.
        assert_eq!(
            check_staff_change(&list, Some("staff:mgr"), &newcomer),
            Ok(())
        );
        let mut sup = list[1].clone();
        sup.role = Role::Manager;
        assert_eq!(check_staff_change(&list, Some("staff:mgr"), &sup), Ok(()));
        sup.role = Role::Supervisor;
        sup.pin_hash = hash_pin("1357", b"t", 1);
        assert_eq!(check_staff_change(&list, Some("staff:mgr"), &sup), Ok(()));
        sup.active = false;
        assert_eq!(check_staff_change(&list, Some("staff:mgr"), &sup), Ok(()));
        // On a new install anyone adds the first staff, the first manager included.
        assert_eq!(check_staff_change(&[], None, &newcomer), Ok(()));
        let mut first = desk();
        first.pop();
        assert_eq!(check_staff_change(&first, None, &list[2]), Ok(()));
    }

    /// Anyone active may set their own PIN, and only that: their role, name or status, or
    /// another's PIN, stays the manager's.
    #[test]
    fn a_member_changes_their_own_pin_and_nothing_else() {
        let list = desk();
        let mut me = list[0].clone();
        assert_eq!(me.id, "staff:spec");
        me.pin_hash = hash_pin("1357", b"v", 1);
        assert!(is_own_pin_change(&list, Some("staff:spec"), &me));
        assert_eq!(check_staff_change(&list, Some("staff:spec"), &me), Ok(()));
        // Not as somebody else, nor signed out.
        assert!(check_staff_change(&list, Some("staff:sup"), &me).is_err());
        assert!(check_staff_change(&list, None, &me).is_err());
        // With the PIN, a role of their own choosing is still refused; so is a new name.
        let mut promoted = me.clone();
        promoted.role = Role::Manager;
        assert!(check_staff_change(&list, Some("staff:spec"), &promoted).is_err());
        let mut renamed = me.clone();
        renamed.name = "张敏敏".into();
        assert!(check_staff_change(&list, Some("staff:spec"), &renamed).is_err());
        // A deactivated member (their device not signed out yet) changes nothing.
        let mut gone = list.clone();
        gone[0].active = false;
        let mut late = gone[0].clone();
        late.pin_hash = hash_pin("1357", b"v", 1);
        assert!(!is_own_pin_change(&gone, Some("staff:spec"), &late));
        assert!(check_staff_change(&gone, Some("staff:spec"), &late).is_err());
    }

    #[test]
    fn the_last_active_manager_cannot_deactivate_or_demote_themselves() {
        let list = desk();
        let mut me = list[2].clone();
        me.active = false;
        let last = Err(StaffChangeError::LastManager {
            name: "王经理".into(),
        });
        assert_eq!(check_staff_change(&list, Some("staff:mgr"), &me), last);
        me.active = true;
        me.role = Role::Supervisor;
        assert_eq!(check_staff_change(&list, Some("staff:mgr"), &me), last);
        // Their own PIN is theirs to reset.
        me.role = Role::Manager;
        me.pin_hash = hash_pin("9999", b"u", 1);
        assert_eq!(check_staff_change(&list, Some("staff:mgr"), &me), Ok(()));
        // With a second active manager, either may step down.
        let mut two = list.clone();
        two.push(member("staff:mgr2", "赵经理", Role::Manager, true));
        me.active = false;
        assert_eq!(check_staff_change(&two, Some("staff:mgr"), &me), Ok(()));
    }

    /// Two active staff members with one name cannot be told apart in the sign-in list, the
    /// case history or the reports: adding, renaming or reactivating into a name an active
    /// member has is refused, in words; an inactive namesake does not count.
    #[test]
    fn no_two_active_staff_members_share_a_name() {
        let list = desk();
        let dup = Err(StaffChangeError::DuplicateName {
            name: "张敏".into(),
        });
        let newcomer = member("staff:new", " 张敏 ", Role::Supervisor, true);
        assert_eq!(check_staff_change(&list, Some("staff:mgr"), &newcomer), dup);
        let mut renamed = list[1].clone();
        renamed.name = "张敏".into();
        assert_eq!(check_staff_change(&list, Some("staff:mgr"), &renamed), dup);
        // Added inactive: allowed; reactivated while the other is active: refused.
        let mut asleep = newcomer.clone();
        asleep.active = false;
        assert_eq!(
            check_staff_change(&list, Some("staff:mgr"), &asleep),
            Ok(())
        );
        let mut with_asleep = list.clone();
        with_asleep.push(asleep.clone());
        let mut woken = asleep.clone();
        woken.active = true;
        assert_eq!(
            check_staff_change(&with_asleep, Some("staff:mgr"), &woken),
            dup
        );
        // Once the first 张敏 is deactivated, the name is free.
        let mut freed = with_asleep.clone();
        freed[0].active = false;
        assert_eq!(
            check_staff_change(&freed, Some("staff:mgr"), &woken),
            Ok(())
        );
        // A namesake pair already stored (an older version allowed it) may still be changed.
        let mut legacy = list.clone();
        legacy.push(member("staff:new", "张敏", Role::Supervisor, true));
        let mut pin_reset = legacy[3].clone();
        pin_reset.pin_hash = hash_pin("1357", b"t", 1);
        assert_eq!(
            check_staff_change(&legacy, Some("staff:mgr"), &pin_reset),
            Ok(())
        );
        let e = StaffChangeError::DuplicateName {
            name: "张敏".into(),
        };
        assert!(e.zh().contains("已有一位在岗人员名为“张敏”"));
        assert!(e.en().contains("already called “张敏”"));
    }
}
