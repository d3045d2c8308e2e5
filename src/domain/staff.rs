//! staff: the service desk's people, their roles (客服专员/主管/经理) and PINs.
//! PINs are stored only as PBKDF2-HMAC-SHA256 hashes; the caller supplies the salt bytes.

use serde::{Deserialize, Serialize};
use sha2::Sha256;

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
    #[error("the PIN must be 4 to 8 digits long")]
    Length,
    #[error("the PIN may contain digits only")]
    NotDigits,
}

impl PinError {
    pub fn zh(&self) -> String {
        match self {
            PinError::Length => "PIN 须为 4 至 8 位数字".into(),
            PinError::NotDigits => "PIN 只能包含数字".into(),
        }
    }
    pub fn en(&self) -> String {
        self.to_string()
    }
}

/// A PIN is 4 to 8 ASCII digits.
pub fn validate_pin(pin: &str) -> Result<(), PinError> {
    if !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(PinError::NotDigits);
    }
    if !(4..=8).contains(&pin.len()) {
        return Err(PinError::Length);
    }
    Ok(())
}

/// Hash a PIN with PBKDF2-HMAC-SHA256 into a 32-byte key.
pub fn hash_pin(pin: &str, salt: &[u8], iterations: u32) -> PinHash {
    let mut key = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(pin.as_bytes(), salt, iterations.max(1), &mut key);
    PinHash {
        salt: to_hex(salt),
        iterations: iterations.max(1),
        hash: to_hex(&key),
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(validate_pin("1234"), Ok(()));
        assert_eq!(validate_pin("12345678"), Ok(()));
        assert_eq!(validate_pin("123"), Err(PinError::Length));
        assert_eq!(validate_pin("123456789"), Err(PinError::Length));
        assert_eq!(validate_pin(""), Err(PinError::Length));
        assert_eq!(validate_pin("12a4"), Err(PinError::NotDigits));
        assert_eq!(validate_pin("１２３４"), Err(PinError::NotDigits)); // full-width digits
        assert!(PinError::Length.zh().contains("4 至 8"));
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
}
