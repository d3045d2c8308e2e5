//! store/key: index keys and key ranges with IndexedDB's ordering, so the in-memory twin sorts
//! and pages exactly as the browser does.

use serde_json::Value as Json;
use std::cmp::Ordering;
use std::ops::Bound;

/// One component of an index key. Ordering follows IndexedDB: every number sorts before every
/// string, every string before every array; numbers by `total_cmp`, strings by UTF-16 code
/// units (as IndexedDB compares them), arrays element-wise with a shorter prefix first.
#[derive(Clone, Debug)]
pub enum KeyPart {
    Num(f64),
    Str(String),
    /// An array component. `Arr(vec![])` sorts after every number and string: it is the upper
    /// bound of a prefix range, as `prefix ++ [[]]` is in IndexedDB.
    Arr(Vec<KeyPart>),
}

impl KeyPart {
    fn rank(&self) -> u8 {
        match self {
            KeyPart::Num(_) => 0,
            KeyPart::Str(_) => 1,
            KeyPart::Arr(_) => 2,
        }
    }
    /// The JSON (and so JavaScript) form of this part.
    pub fn to_json(&self) -> Json {
        match self {
            KeyPart::Num(n) => serde_json::Number::from_f64(*n)
                .map(Json::Number)
                .unwrap_or(Json::Null),
            KeyPart::Str(s) => Json::String(s.clone()),
            KeyPart::Arr(a) => Json::Array(a.iter().map(KeyPart::to_json).collect()),
        }
    }
    /// Reads a part back from JSON (numbers, strings, arrays; anything else is not a key).
    pub fn from_json(v: &Json) -> Option<KeyPart> {
        match v {
            Json::Number(n) => n.as_f64().map(KeyPart::Num),
            Json::String(s) => Some(KeyPart::Str(s.clone())),
            Json::Array(a) => a
                .iter()
                .map(KeyPart::from_json)
                .collect::<Option<Vec<_>>>()
                .map(KeyPart::Arr),
            _ => None,
        }
    }
    /// Whether IndexedDB accepts this part as (part of) a key: no NaN.
    pub fn is_valid(&self) -> bool {
        match self {
            KeyPart::Num(n) => !n.is_nan(),
            KeyPart::Str(_) => true,
            KeyPart::Arr(a) => a.iter().all(KeyPart::is_valid),
        }
    }
}

impl Ord for KeyPart {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (KeyPart::Num(a), KeyPart::Num(b)) => a.total_cmp(b),
            (KeyPart::Str(a), KeyPart::Str(b)) => utf16_cmp(a, b),
            (KeyPart::Arr(a), KeyPart::Arr(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}
/// `a` and `b` compared by UTF-16 code units (as IndexedDB compares strings), straight on their
/// UTF-8 bytes. Byte order is code point order, which is UTF-16's order but for one case: a
/// character above U+FFFF (UTF-8 lead byte F0–F4; UTF-16 units from D800) sorts before one of
/// U+E000–U+FFFF (lead byte EE or EF). Where the strings first differ, those bytes are both
/// lead bytes or both the same character's continuation bytes (equal prefixes), so looking at
/// the first differing byte is enough.
pub fn utf16_cmp(a: &str, b: &str) -> Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let n = x.len().min(y.len());
    // The common prefix, eight bytes at a time, then byte by byte.
    let word = |s: &[u8], i: usize| u64::from_ne_bytes(s[i..i + 8].try_into().unwrap_or([0; 8]));
    let mut i = 0;
    while i + 8 <= n && word(x, i) == word(y, i) {
        i += 8;
    }
    while i < n && x[i] == y[i] {
        i += 1;
    }
    if i == n {
        return x.len().cmp(&y.len());
    }
    let (p, q) = (x[i], y[i]);
    let above_bmp = |b: u8| b >= 0xF0;
    let private_use_up = |b: u8| b == 0xEE || b == 0xEF;
    if above_bmp(p) && private_use_up(q) {
        Ordering::Less
    } else if private_use_up(p) && above_bmp(q) {
        Ordering::Greater
    } else {
        p.cmp(&q)
    }
}

impl PartialOrd for KeyPart {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for KeyPart {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for KeyPart {}

impl From<&str> for KeyPart {
    fn from(s: &str) -> Self {
        KeyPart::Str(s.to_string())
    }
}
impl From<String> for KeyPart {
    fn from(s: String) -> Self {
        KeyPart::Str(s)
    }
}
impl From<f64> for KeyPart {
    fn from(n: f64) -> Self {
        KeyPart::Num(n)
    }
}
impl From<i64> for KeyPart {
    fn from(n: i64) -> Self {
        KeyPart::Num(n as f64)
    }
}

/// A part read straight from JSON (numbers, strings, arrays; anything else is an error), without
/// building a JSON value first: how summaries read their keys.
impl<'de> serde::Deserialize<'de> for KeyPart {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<KeyPart, D::Error> {
        struct Part;
        impl<'de> serde::de::Visitor<'de> for Part {
            type Value = KeyPart;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key part")
            }
            fn visit_f64<E>(self, n: f64) -> Result<KeyPart, E> {
                Ok(KeyPart::Num(n))
            }
            fn visit_i64<E>(self, n: i64) -> Result<KeyPart, E> {
                Ok(KeyPart::Num(n as f64))
            }
            fn visit_u64<E>(self, n: u64) -> Result<KeyPart, E> {
                Ok(KeyPart::Num(n as f64))
            }
            fn visit_str<E>(self, s: &str) -> Result<KeyPart, E> {
                Ok(KeyPart::Str(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<KeyPart, E> {
                Ok(KeyPart::Str(s))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<KeyPart, A::Error> {
                let mut parts = Vec::new();
                while let Some(p) = a.next_element()? {
                    parts.push(p);
                }
                Ok(KeyPart::Arr(parts))
            }
        }
        d.deserialize_any(Part)
    }
}

/// An index key: an array of parts, compared element-wise, a shorter prefix first (as
/// IndexedDB compares array keys).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct IndexKey(pub Vec<KeyPart>);

impl IndexKey {
    pub fn new(parts: Vec<KeyPart>) -> Self {
        IndexKey(parts)
    }
    /// The JSON array form (what IndexedDB stores).
    pub fn to_json(&self) -> Json {
        Json::Array(self.0.iter().map(KeyPart::to_json).collect())
    }
    pub fn from_json(v: &Json) -> Option<IndexKey> {
        match KeyPart::from_json(v)? {
            KeyPart::Arr(parts) => Some(IndexKey(parts)),
            _ => None,
        }
    }
    pub fn is_valid(&self) -> bool {
        self.0.iter().all(KeyPart::is_valid)
    }
    /// This key followed by more parts.
    pub fn with(&self, more: impl IntoIterator<Item = KeyPart>) -> IndexKey {
        let mut parts = self.0.clone();
        parts.extend(more);
        IndexKey(parts)
    }
    /// The stored form in an index: `[key, id]` (the key nested as an array), so rows sort by
    /// key (IndexedDB array order, shorter prefix first) and then by id, and a (key, id) cursor
    /// is one position.
    pub fn composite(&self, id: &str) -> IndexKey {
        IndexKey(vec![
            KeyPart::Arr(self.0.clone()),
            KeyPart::Str(id.to_string()),
        ])
    }
    /// Splits a stored composite key back into (key, id).
    pub fn split_composite(self) -> Option<(IndexKey, String)> {
        let mut it = self.0.into_iter();
        match (it.next(), it.next(), it.next()) {
            (Some(KeyPart::Arr(key)), Some(KeyPart::Str(id)), None) => Some((IndexKey(key), id)),
            _ => None,
        }
    }
    /// The composite position just before every row of this key (`[key]`).
    fn composite_start(&self) -> IndexKey {
        IndexKey(vec![KeyPart::Arr(self.0.clone())])
    }
    /// The composite position just after every row of this key (`[key, []]`).
    fn composite_end(&self) -> IndexKey {
        IndexKey(vec![KeyPart::Arr(self.0.clone()), KeyPart::Arr(vec![])])
    }
    /// A key just above every key that starts with this one (`self ++ [[]]`).
    pub fn prefix_end(&self) -> IndexKey {
        self.with([KeyPart::Arr(vec![])])
    }
}

/// Builds an [`IndexKey`] from parts: `ikey!["open", 1700000000.0]`.
#[macro_export]
macro_rules! ikey {
    ($($p:expr),* $(,)?) => { $crate::store::key::IndexKey(vec![$($crate::store::key::KeyPart::from($p)),*]) };
}

/// A range of index keys. `None` bounds are open-ended.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct KeyRange {
    pub lower: Option<IndexKey>,
    pub upper: Option<IndexKey>,
    pub lower_open: bool,
    pub upper_open: bool,
}

impl KeyRange {
    /// Every key.
    pub fn all() -> Self {
        KeyRange::default()
    }
    /// Exactly this key.
    pub fn eq(key: IndexKey) -> Self {
        KeyRange {
            lower: Some(key.clone()),
            upper: Some(key),
            lower_open: false,
            upper_open: false,
        }
    }
    /// Every key starting with these parts (`[p, p ++ [[]]]`).
    pub fn prefix(key: IndexKey) -> Self {
        let upper = key.prefix_end();
        KeyRange {
            lower: Some(key),
            upper: Some(upper),
            lower_open: false,
            upper_open: false,
        }
    }
    /// From `a` to `b`, both included.
    pub fn between(a: IndexKey, b: IndexKey) -> Self {
        KeyRange {
            lower: Some(a),
            upper: Some(b),
            lower_open: false,
            upper_open: false,
        }
    }
    /// Keys at or above `a`.
    pub fn from(a: IndexKey) -> Self {
        KeyRange {
            lower: Some(a),
            ..KeyRange::default()
        }
    }
    /// Keys at or below `b`.
    pub fn to(b: IndexKey) -> Self {
        KeyRange {
            upper: Some(b),
            ..KeyRange::default()
        }
    }
    /// Whether a (user) key lies in the range.
    pub fn contains(&self, key: &IndexKey) -> bool {
        let lower_ok = match &self.lower {
            None => true,
            Some(l) if self.lower_open => key > l,
            Some(l) => key >= l,
        };
        let upper_ok = match &self.upper {
            None => true,
            Some(u) if self.upper_open => key < u,
            Some(u) => key <= u,
        };
        lower_ok && upper_ok
    }

    /// The bounds over stored composite keys (`[key, id]`), narrowed to continue after
    /// `after` in the given direction. `None` when the range is empty. Both backends page with
    /// these same bounds.
    pub fn composite_bounds(
        &self,
        after: Option<&super::Cursor>,
        descending: bool,
    ) -> Option<(Bound<IndexKey>, Bound<IndexKey>)> {
        let mut lower = match &self.lower {
            None => Bound::Unbounded,
            Some(l) if self.lower_open => Bound::Excluded(l.composite_end()),
            Some(l) => Bound::Included(l.composite_start()),
        };
        let mut upper = match &self.upper {
            None => Bound::Unbounded,
            Some(u) if self.upper_open => Bound::Excluded(u.composite_start()),
            Some(u) => Bound::Excluded(u.composite_end()),
        };
        if let Some(c) = after {
            let pos = c.key.composite(&c.id);
            if descending {
                if bound_above(&upper, &pos) {
                    upper = Bound::Excluded(pos);
                }
            } else if bound_below(&lower, &pos) {
                lower = Bound::Excluded(pos);
            }
        }
        let empty = match (&lower, &upper) {
            (Bound::Included(l), Bound::Included(u)) => l > u,
            (Bound::Included(l) | Bound::Excluded(l), Bound::Included(u) | Bound::Excluded(u)) => {
                l >= u
            }
            _ => false,
        };
        if empty {
            None
        } else {
            Some((lower, upper))
        }
    }
}

/// Bounds over plain keys for a store whose index orders the rows of one key by id itself
/// (IndexedDB's indexes do: equal keys in primary-key order), with the position to resume
/// after: the range narrowed to start at `after`'s key (end there when descending), and
/// `after` itself when its key is in the range (the reader then skips to just past its id).
/// `None` when the range is empty, as for [`KeyRange::composite_bounds`].
pub type PlainBounds<'a> = (Bound<IndexKey>, Bound<IndexKey>, Option<&'a super::Cursor>);

impl KeyRange {
    pub fn plain_bounds<'a>(
        &self,
        after: Option<&'a super::Cursor>,
        descending: bool,
    ) -> Option<PlainBounds<'a>> {
        self.composite_bounds(after, descending)?;
        let side = |k: &Option<IndexKey>, open: bool| match k {
            None => Bound::Unbounded,
            Some(k) if open => Bound::Excluded(k.clone()),
            Some(k) => Bound::Included(k.clone()),
        };
        let mut lower = side(&self.lower, self.lower_open);
        let mut upper = side(&self.upper, self.upper_open);
        match after {
            Some(c) if self.contains(&c.key) => {
                if descending {
                    upper = Bound::Included(c.key.clone());
                } else {
                    lower = Bound::Included(c.key.clone());
                }
                Some((lower, upper, Some(c)))
            }
            _ => Some((lower, upper, None)),
        }
    }
}

/// Whether `pos` is at or below the lower bound's reach (so an exclusive bound at `pos` narrows it).
fn bound_below(lower: &Bound<IndexKey>, pos: &IndexKey) -> bool {
    match lower {
        Bound::Unbounded => true,
        Bound::Included(l) | Bound::Excluded(l) => pos >= l,
    }
}
fn bound_above(upper: &Bound<IndexKey>, pos: &IndexKey) -> bool {
    match upper {
        Bound::Unbounded => true,
        Bound::Included(u) | Bound::Excluded(u) => pos <= u,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_before_strings_before_arrays() {
        assert!(KeyPart::Num(1e300) < KeyPart::Str(String::new()));
        assert!(KeyPart::Str("zzz".into()) < KeyPart::Arr(vec![]));
        assert!(KeyPart::Num(-1.0) < KeyPart::Num(2.5));
        assert!(KeyPart::Str("a".into()) < KeyPart::Str("b".into()));
    }

    #[test]
    fn strings_compare_by_utf16_units() {
        // U+FF5E (one unit 0xFF5E) is above U+1F600 (surrogates 0xD83D...) in UTF-16 order,
        // although below it in code point order.
        assert!(KeyPart::Str("\u{1F600}".into()) < KeyPart::Str("\u{FF5E}".into()));
        // Every pair of a set of strings orders as their UTF-16 units do: ASCII, CJK, private
        // use and the top of the BMP, characters above U+FFFF, prefixes and the empty string.
        let chars = [
            'a',
            'z',
            '~',
            '\u{7F}',
            '\u{80}',
            'é',
            '投',
            '诉',
            '\u{D7FF}',
            '\u{E000}',
            '\u{EFFF}',
            '\u{F000}',
            '\u{FF5E}',
            '\u{FFFF}',
            '\u{10000}',
            '\u{1F600}',
            '\u{10FFFF}',
        ];
        let mut strings = vec![String::new()];
        for a in chars {
            strings.push(a.to_string());
            for b in chars {
                strings.push(format!("{a}{b}"));
                strings.push(format!("x{a}{b}y"));
            }
        }
        for a in &strings {
            for b in &strings {
                assert_eq!(
                    utf16_cmp(a, b),
                    a.encode_utf16().cmp(b.encode_utf16()),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn shorter_prefix_first_and_prefix_range() {
        let a = ikey!["open"];
        let b = ikey!["open", 5.0];
        assert!(a < b);
        let r = KeyRange::prefix(ikey!["open"]);
        assert!(r.contains(&ikey!["open"]));
        assert!(r.contains(&ikey!["open", 1.0]));
        assert!(r.contains(&ikey!["open", "zzz"]));
        assert!(!r.contains(&ikey!["opened"]));
        assert!(!r.contains(&ikey!["closed", 1.0]));
    }

    #[test]
    fn composite_bounds_cover_equal_keys_and_cursors() {
        let r = KeyRange::eq(ikey!["x"]);
        let (lo, hi) = r.composite_bounds(None, false).unwrap();
        let inside = ikey!["x"].composite("id1");
        assert!(matches!(&lo, Bound::Included(l) if *l <= inside));
        assert!(matches!(&hi, Bound::Excluded(u) if inside < *u));
        let c = super::super::Cursor {
            key: ikey!["x"],
            id: "id1".into(),
        };
        let (lo, _) = r.composite_bounds(Some(&c), false).unwrap();
        assert_eq!(lo, Bound::Excluded(inside));
        let empty = KeyRange::between(ikey!["b"], ikey!["a"]);
        assert!(empty.composite_bounds(None, false).is_none());
    }

    #[test]
    fn plain_bounds_start_at_the_cursor_key_within_the_range() {
        let c = |k: &str| super::super::Cursor {
            key: ikey![k],
            id: "id1".into(),
        };
        let r = KeyRange::between(ikey!["b"], ikey!["d"]);
        let (lo, hi, at) = r.plain_bounds(None, false).unwrap();
        assert_eq!(
            (lo, hi, at),
            (
                Bound::Included(ikey!["b"]),
                Bound::Included(ikey!["d"]),
                None
            )
        );
        let cur = c("c");
        let (lo, hi, at) = r.plain_bounds(Some(&cur), false).unwrap();
        assert_eq!(
            (lo, hi),
            (Bound::Included(ikey!["c"]), Bound::Included(ikey!["d"]))
        );
        assert_eq!(at, Some(&cur));
        let (lo, hi, _) = r.plain_bounds(Some(&cur), true).unwrap();
        assert_eq!(
            (lo, hi),
            (Bound::Included(ikey!["b"]), Bound::Included(ikey!["c"]))
        );
        // A cursor before the range changes nothing; one past it leaves nothing.
        let before = c("a");
        let (lo, _, at) = r.plain_bounds(Some(&before), false).unwrap();
        assert_eq!((lo, at), (Bound::Included(ikey!["b"]), None));
        assert!(r.plain_bounds(Some(&c("e")), false).is_none());
        assert!(r.plain_bounds(Some(&before), true).is_none());
        // Open bounds stay open; an empty range is empty.
        let open = KeyRange {
            lower: Some(ikey!["b"]),
            lower_open: true,
            ..KeyRange::default()
        };
        let (lo, hi, _) = open.plain_bounds(None, false).unwrap();
        assert_eq!((lo, hi), (Bound::Excluded(ikey!["b"]), Bound::Unbounded));
        assert!(KeyRange::between(ikey!["b"], ikey!["a"])
            .plain_bounds(None, false)
            .is_none());
    }

    #[test]
    fn json_round_trip() {
        let k = ikey!["a", 2.0].with([KeyPart::Arr(vec![])]);
        assert_eq!(IndexKey::from_json(&k.to_json()), Some(k));
    }
}
