//! ids: document ids `"<type>:<ULID>"`, time-ordered so that ids sort by creation time.
//! The caller supplies the clock reading and the random bytes; this module only encodes.

/// Crockford's base32 alphabet (no I, L, O, U), as the ULID specification uses.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Length of a ULID in characters: 10 for the 48-bit time, 16 for the 80 random bits.
pub const ULID_LEN: usize = 26;

/// The largest millisecond timestamp a ULID holds (48 bits, until the year 10889).
pub const MAX_ULID_MILLIS: u64 = (1 << 48) - 1;

/// A ULID: 48-bit big-endian milliseconds since the Unix epoch, then 80 random bits,
/// written as 26 Crockford base32 characters. Millis beyond 48 bits are clamped to the maximum.
pub fn ulid(millis: u64, random: [u8; 10]) -> String {
    let millis = millis.min(MAX_ULID_MILLIS);
    let mut value: u128 = (millis as u128) << 80;
    for (i, byte) in random.iter().enumerate() {
        value |= (*byte as u128) << (8 * (9 - i));
    }
    // 26 characters * 5 bits = 130 bits; the top two are always zero.
    let mut out = [0u8; ULID_LEN];
    for (i, slot) in out.iter_mut().enumerate() {
        let shift = 5 * (ULID_LEN - 1 - i);
        *slot = CROCKFORD[((value >> shift) & 0x1f) as usize];
    }
    String::from_utf8(out.to_vec()).expect("alphabet is ASCII")
}

/// A new document id: `"<type_name>:<ULID>"`, e.g. `complaint:01KAT6Z0E8…`.
/// Ids made later (greater `millis`) sort after earlier ones as plain strings.
pub fn new_id(type_name: &str, millis: u64, random: [u8; 10]) -> String {
    format!("{type_name}:{}", ulid(millis, random))
}

/// The type part of an id (`"complaint"` of `"complaint:01…"`), if the id has one.
pub fn type_of(id: &str) -> Option<&str> {
    id.split_once(':').map(|(t, _)| t).filter(|t| !t.is_empty())
}

/// The creation time (milliseconds since the epoch) encoded in an id's ULID part,
/// or `None` if the id does not end in a well-formed ULID.
pub fn millis_of(id: &str) -> Option<u64> {
    let (_, ulid) = id.split_once(':')?;
    if ulid.len() != ULID_LEN {
        return None;
    }
    let mut value: u128 = 0;
    for (i, c) in ulid.bytes().enumerate() {
        let digit = decode_char(c)?;
        // 26 characters carry 130 bits; a ULID leaves the top two zero.
        if i == 0 && digit > 7 {
            return None;
        }
        value = (value << 5) | digit as u128;
    }
    Some((value >> 80) as u64)
}

fn decode_char(c: u8) -> Option<u8> {
    let c = c.to_ascii_uppercase();
    CROCKFORD.iter().position(|&a| a == c).map(|p| p as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_time_and_zero_randomness_is_all_zeros() {
        assert_eq!(ulid(0, [0; 10]), "0".repeat(26));
    }

    #[test]
    fn time_occupies_the_first_ten_characters() {
        // 1 ms: the last time character is 1, the random part stays zero.
        assert_eq!(ulid(1, [0; 10]), format!("0000000001{}", "0".repeat(16)));
        // 32 ms = 1 * 32 + 0: "10" in base32.
        assert_eq!(&ulid(32, [0; 10])[..10], "0000000010");
        // The 48-bit maximum is 7ZZZZZZZZZ (the top two bits of 50 are zero).
        assert_eq!(&ulid(MAX_ULID_MILLIS, [0; 10])[..10], "7ZZZZZZZZZ");
        // Beyond 48 bits is clamped, not wrapped.
        assert_eq!(ulid(u64::MAX, [0; 10]), ulid(MAX_ULID_MILLIS, [0; 10]));
    }

    #[test]
    fn randomness_occupies_the_last_sixteen_characters() {
        assert_eq!(ulid(0, [0xff; 10]), format!("0000000000{}", "Z".repeat(16)));
        // The last random byte = 1 -> last character 1.
        let mut r = [0u8; 10];
        r[9] = 1;
        assert!(ulid(0, r).ends_with("0001"));
        // The first random byte's top bit is bit 79 -> character 10 holds bits 75..79: 0b10000.
        let mut r = [0u8; 10];
        r[0] = 0x80;
        assert_eq!(&ulid(0, r)[10..11], "G"); // 16 -> G
    }

    #[test]
    fn ids_are_typed_and_time_ordered() {
        let a = new_id("complaint", 1_763_800_000_000, [0xff; 10]);
        let b = new_id("complaint", 1_763_800_000_001, [0x00; 10]);
        assert!(a.starts_with("complaint:"));
        assert_eq!(a.len(), "complaint:".len() + 26);
        assert!(
            a < b,
            "a later millisecond sorts later whatever the randomness"
        );
        assert_eq!(type_of(&a), Some("complaint"));
        assert_eq!(type_of("nocolon"), None);
        assert_eq!(type_of(":x"), None);
    }

    #[test]
    fn only_crockford_characters_are_used() {
        let id = ulid(
            1_763_800_123_456,
            [0x5a, 0xa5, 1, 2, 3, 4, 250, 251, 252, 253],
        );
        assert!(id.bytes().all(|c| CROCKFORD.contains(&c)));
        for banned in ['I', 'L', 'O', 'U'] {
            assert!(!id.contains(banned));
        }
    }

    #[test]
    fn millis_round_trip() {
        for ms in [0, 1, 31, 32, 1_763_800_123_456, MAX_ULID_MILLIS] {
            let id = new_id("staff", ms, [7; 10]);
            assert_eq!(millis_of(&id), Some(ms));
        }
        assert_eq!(millis_of("staff:TOO-SHORT"), None);
        assert_eq!(millis_of("staff:0000000000000000000000000U"), None);
        // 8 as the first character would need 131 bits.
        assert_eq!(millis_of(&format!("staff:8{}", "0".repeat(25))), None);
    }
}
