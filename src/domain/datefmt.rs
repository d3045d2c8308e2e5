//! datefmt: the app's date and time layouts (`%Y-%m-%d %H:%M` and the like), written out by
//! hand. chrono's `format()` brings its whole strftime interpreter into the wasm; this gives
//! the same text for the few fields the app shows.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// `.layout("%Y-%m-%d")` in place of chrono's `.format("%Y-%m-%d").to_string()`.
pub trait Layout {
    fn layout(&self, pattern: &str) -> String;
}

impl Layout for NaiveDate {
    fn layout(&self, pattern: &str) -> String {
        date(*self, pattern)
    }
}

impl Layout for NaiveDateTime {
    fn layout(&self, pattern: &str) -> String {
        datetime(*self, pattern)
    }
}

impl Layout for NaiveTime {
    fn layout(&self, pattern: &str) -> String {
        time(*self, pattern)
    }
}

/// As `d.format(pattern)`.
pub fn date(d: NaiveDate, pattern: &str) -> String {
    layout(Some(d), None, pattern)
}

/// As `t.format(pattern)`.
pub fn datetime(t: NaiveDateTime, pattern: &str) -> String {
    layout(Some(t.date()), Some(t.time()), pattern)
}

/// As `t.format(pattern)`.
pub fn time(t: NaiveTime, pattern: &str) -> String {
    layout(None, Some(t), pattern)
}

/// `%Y`, `%m`, `%d`, `%H`, `%M` and `%S` as chrono writes them; any other character is copied.
/// A field the value lacks (a date's hour) is left out.
fn layout(d: Option<NaiveDate>, t: Option<NaiveTime>, pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 4);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let field = chars.next();
        let v = match field {
            Some('Y') => {
                if let Some(d) = d {
                    let y = d.year();
                    if (0..=9999).contains(&y) {
                        two(&mut out, (y / 100) as u32);
                        two(&mut out, (y % 100) as u32);
                    } else {
                        out.push_str(&format!("{y:+05}"));
                    }
                }
                continue;
            }
            Some('m') => d.map(|d| d.month()),
            Some('d') => d.map(|d| d.day()),
            Some('H') => t.map(|t| t.hour()),
            Some('M') => t.map(|t| t.minute()),
            // A leap second (nanoseconds past one second) shows as :60, as chrono writes it.
            Some('S') => t.map(|t| t.second() + t.nanosecond() / 1_000_000_000),
            Some(other) => {
                out.push('%');
                out.push(other);
                continue;
            }
            None => {
                out.push('%');
                continue;
            }
        };
        if let Some(v) = v {
            two(&mut out, v);
        }
    }
    out
}

fn two(out: &mut String, v: u32) {
    out.push(char::from(b'0' + (v / 10 % 10) as u8));
    out.push(char::from(b'0' + (v % 10) as u8));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_text_as_chrono() {
        let dates = [
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
            NaiveDate::from_ymd_opt(1, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(987, 12, 31).unwrap(),
            NaiveDate::from_ymd_opt(9999, 7, 4).unwrap(),
            NaiveDate::from_ymd_opt(10000, 1, 9).unwrap(),
            NaiveDate::from_ymd_opt(-44, 3, 15).unwrap(),
        ];
        let times = [
            NaiveTime::from_hms_opt(0, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(9, 5, 7).unwrap(),
            NaiveTime::from_hms_milli_opt(23, 59, 59, 999).unwrap(),
            NaiveTime::from_hms_milli_opt(23, 59, 59, 1500).unwrap(),
        ];
        let patterns = [
            "%Y-%m-%d",
            "%Y%m%d",
            "%m-%d",
            "%m%d",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%Y%m%d-%H%M",
        ];
        for d in dates {
            for p in &patterns[..4] {
                assert_eq!(date(d, p), d.format(p).to_string(), "{d} {p}");
            }
            for t in times {
                let dt = d.and_time(t);
                for p in patterns {
                    assert_eq!(datetime(dt, p), dt.format(p).to_string(), "{dt} {p}");
                }
            }
        }
        for t in times {
            assert_eq!(time(t, "%H:%M"), t.format("%H:%M").to_string());
        }
    }
}
