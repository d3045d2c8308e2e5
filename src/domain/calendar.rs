//! calendar: the working-day calendar every deadline counts in — weekends, public holidays and
//! make-up working days (调休) as editable data — and the exchanges' trading days.
//!
//! Shipped table: the State Council notice on the 2026 holidays (国务院办公厅关于2026年部分节假日
//! 安排的通知, 2025-11-04, published by Xinhua / gov.cn). The 2027 notice was not found on
//! 2026-12-04, so no 2027 table ships. For a year without a table the calendar (unless told not
//! to) still keeps the statutory days of Article 2 of 《全国年节及纪念日放假办法》 (2024
//! revision), which the law fixes whatever the notice arranges around them: 1 January; the
//! Spring Festival's 除夕 to 初三 (4 days); 清明; 1–2 May; 端午; 中秋; 1–3 October. The lunar
//! ones are dated from the Chinese calendar for 2027–2030 ([`LUNAR_STATUTORY`]); a year after
//! that keeps the Gregorian ones only. The make-up working days (调休) of such a year are
//! unknown until staff enter the notice.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// What a special date is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A public holiday (放假): no work, no trading.
    Holiday,
    /// A make-up working day (调休上班) on a weekend: work, but the exchanges stay closed.
    MakeupWorkday,
}

/// A date the calendar treats differently from an ordinary weekday or weekend day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialDay {
    pub kind: DayKind,
    /// The holiday's name, e.g. 国庆节 / National Day.
    pub name_zh: String,
    pub name_en: String,
}

/// The working-day calendar: data the user may edit, kept in the branch settings document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkingCalendar {
    /// Days of the week that are not working days unless marked as make-up working days.
    pub weekend: Vec<Weekday>,
    /// Holidays and make-up working days by date.
    pub days: BTreeMap<NaiveDate, SpecialDay>,
    /// Years whose official holiday table has been entered, with where it came from.
    pub tables: BTreeMap<i32, String>,
    /// For a year without a table, keep the statutory holidays fixed to Gregorian dates
    /// (1 Jan, 1–2 May, 1–3 Oct).
    pub statutory_fallback: bool,
}

impl Default for WorkingCalendar {
    fn default() -> Self {
        WorkingCalendar::china_official()
    }
}

/// The days of the week, Monday first.
pub const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// The source of the shipped 2026 table.
pub const SOURCE_2026: &str =
    "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日，新华社/中国政府网）";

/// Statutory holidays fixed to Gregorian dates (全国年节及纪念日放假办法 第二条, 2024 revision):
/// (month, day, name_zh, name_en).
const FIXED_STATUTORY: [(u32, u32, &str, &str); 6] = [
    (1, 1, "元旦", "New Year's Day"),
    (5, 1, "劳动节", "Labour Day"),
    (5, 2, "劳动节", "Labour Day"),
    (10, 1, "国庆节", "National Day"),
    (10, 2, "国庆节", "National Day"),
    (10, 3, "国庆节", "National Day"),
];

/// The lunar statutory holidays of the years after the shipped table, from the Chinese
/// calendar: (year, 除夕 (the Spring Festival's first day off), 清明, 端午, 中秋), each
/// (month, day). Spring Festival 正月初一: 2027-02-06, 2028-01-26, 2029-02-13, 2030-02-03.
const LUNAR_STATUTORY: [(i32, [MonthDay; 4]); 4] = [
    (2027, [(2, 5), (4, 5), (6, 9), (9, 15)]),
    (2028, [(1, 25), (4, 4), (5, 28), (10, 3)]),
    (2029, [(2, 12), (4, 4), (6, 16), (9, 22)]),
    (2030, [(2, 2), (4, 5), (6, 5), (9, 12)]),
];

/// (month, day).
type MonthDay = (u32, u32);

/// The statutory holiday of `date` by the law alone (全国年节及纪念日放假办法 第二条): its
/// (name_zh, name_en), counted for a year whose notice is not in the calendar; and in any year
/// a day no notice makes a working day.
pub fn statutory(date: NaiveDate) -> Option<(&'static str, &'static str)> {
    let (m, d) = (date.month(), date.day());
    if let Some((_, _, zh, en)) = FIXED_STATUTORY
        .iter()
        .find(|(fm, fd, _, _)| (*fm, *fd) == (m, d))
    {
        return Some((zh, en));
    }
    let (_, [eve, qingming, duanwu, zhongqiu]) =
        LUNAR_STATUTORY.iter().find(|row| row.0 == date.year())?;
    let on = |(m, d): MonthDay| ymd(date.year(), m, d);
    let spring = on(*eve);
    if date >= spring && date <= spring + Duration::days(3) {
        return Some(("春节", "Spring Festival"));
    }
    [
        (on(*qingming), "清明节", "Qingming Festival"),
        (on(*duanwu), "端午节", "Dragon Boat Festival"),
        (on(*zhongqiu), "中秋节", "Mid-Autumn Festival"),
    ]
    .into_iter()
    .find(|(day, _, _)| *day == date)
    .map(|(_, zh, en)| (zh, en))
}

/// The law's days off of `year` in date order: its statutory holidays ([`statutory`]) and,
/// for each that falls on a Saturday or Sunday, a weekday off in lieu after its holiday
/// (《全国年节及纪念日放假办法》: "全体公民放假的假日，如果适逢星期六、星期日，应当在工作日
/// 补假"), named after the holiday with 补假 / in lieu. What a year without its notice counts.
fn law_days(year: i32) -> LawDays {
    let Some(first) = NaiveDate::from_ymd_opt(year, 1, 1) else {
        return Vec::new();
    };
    let days: Vec<NaiveDate> = first.iter_days().take_while(|d| d.year() == year).collect();
    let mut out: Vec<(NaiveDate, String, String)> = Vec::new();
    let mut i = 0;
    while i < days.len() {
        let Some((zh, en)) = statutory(days[i]) else {
            i += 1;
            continue;
        };
        // A holiday's days in a row, then as many weekdays after them as fell on a weekend.
        let mut owed = 0;
        while i < days.len() && statutory(days[i]).is_some() {
            let (dzh, den) = statutory(days[i]).unwrap_or((zh, en));
            out.push((days[i], dzh.into(), den.into()));
            owed += usize::from(matches!(days[i].weekday(), Weekday::Sat | Weekday::Sun));
            i += 1;
        }
        let mut j = i;
        while owed > 0 && j < days.len() {
            let day = days[j];
            let taken = out.iter().any(|(d, ..)| *d == day);
            if statutory(day).is_none()
                && !taken
                && !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
            {
                out.push((day, format!("{zh}{IN_LIEU_ZH}"), format!("{en} (in lieu)")));
                owed -= 1;
            }
            j += 1;
        }
        // The next holiday is looked for from the end of this one: one that began among the
        // weekdays searched is not skipped.
    }
    out.sort_by_key(|d| d.0);
    out
}

/// A year's law days: (date, name_zh, name_en), in date order.
type LawDays = Vec<(NaiveDate, String, String)>;

/// What the name of a day off in lieu ends with ([`law_days`]).
pub const IN_LIEU_ZH: &str = "（补假）";

thread_local! {
    /// [`law_days`] by year, worked out once.
    static LAW_DAYS: std::cell::RefCell<BTreeMap<i32, std::rc::Rc<LawDays>>> =
        std::cell::RefCell::default();
}

/// The law's day off of `date` ([`law_days`]), with its names.
fn law_day(date: NaiveDate) -> Option<(String, String)> {
    let year = LAW_DAYS.with(|c| {
        c.borrow_mut()
            .entry(date.year())
            .or_insert_with(|| std::rc::Rc::new(law_days(date.year())))
            .clone()
    });
    year.binary_search_by_key(&date, |d| d.0)
        .ok()
        .map(|i| (year[i].1.clone(), year[i].2.clone()))
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid table date")
}

impl WorkingCalendar {
    /// Saturdays and Sundays only: no holiday table, no statutory fallback.
    pub fn weekends_only() -> Self {
        WorkingCalendar {
            weekend: vec![Weekday::Sat, Weekday::Sun],
            days: BTreeMap::new(),
            tables: BTreeMap::new(),
            statutory_fallback: false,
        }
    }

    /// The mainland China calendar with every official table shipped (2026), and the
    /// statutory fallback for other years.
    pub fn china_official() -> Self {
        let mut cal = WorkingCalendar::weekends_only();
        cal.statutory_fallback = true;
        cal.add_china_2026();
        cal
    }

    /// Enter the 2026 notice of 2025-11-04.
    fn add_china_2026(&mut self) {
        let y = 2026;
        // (first day, last day, name_zh, name_en); days are (month, day).
        type Span = ((u32, u32), (u32, u32), &'static str, &'static str);
        let holidays: [Span; 7] = [
            ((1, 1), (1, 3), "元旦", "New Year's Day"),
            ((2, 15), (2, 23), "春节", "Spring Festival"),
            ((4, 4), (4, 6), "清明节", "Qingming Festival"),
            ((5, 1), (5, 5), "劳动节", "Labour Day"),
            ((6, 19), (6, 21), "端午节", "Dragon Boat Festival"),
            ((9, 25), (9, 27), "中秋节", "Mid-Autumn Festival"),
            ((10, 1), (10, 7), "国庆节", "National Day"),
        ];
        for ((fm, fd), (tm, td), zh, en) in holidays {
            self.set_holiday_range(ymd(y, fm, fd), ymd(y, tm, td), zh, en);
        }
        let makeup: [((u32, u32), &str, &str); 6] = [
            ((1, 4), "元旦", "New Year's Day"),
            ((2, 14), "春节", "Spring Festival"),
            ((2, 28), "春节", "Spring Festival"),
            ((5, 9), "劳动节", "Labour Day"),
            ((9, 20), "国庆节", "National Day"),
            ((10, 10), "国庆节", "National Day"),
        ];
        for ((m, d), zh, en) in makeup {
            self.set_makeup_workday(ymd(y, m, d), zh, en);
        }
        self.tables.insert(y, SOURCE_2026.into());
    }

    // ----- editing -----

    /// Mark a date as a public holiday.
    pub fn set_holiday(&mut self, date: NaiveDate, name_zh: &str, name_en: &str) {
        self.days.insert(
            date,
            SpecialDay {
                kind: DayKind::Holiday,
                name_zh: name_zh.into(),
                name_en: name_en.into(),
            },
        );
    }

    /// Mark every date from `from` to `to` (inclusive) as a public holiday.
    pub fn set_holiday_range(&mut self, from: NaiveDate, to: NaiveDate, zh: &str, en: &str) {
        for date in from.iter_days().take_while(|d| *d <= to) {
            self.set_holiday(date, zh, en);
        }
    }

    /// Mark a date as a make-up working day (调休上班).
    pub fn set_makeup_workday(&mut self, date: NaiveDate, name_zh: &str, name_en: &str) {
        self.days.insert(
            date,
            SpecialDay {
                kind: DayKind::MakeupWorkday,
                name_zh: name_zh.into(),
                name_en: name_en.into(),
            },
        );
    }

    /// Make a date ordinary again; returns what it was.
    pub fn clear_day(&mut self, date: NaiveDate) -> Option<SpecialDay> {
        self.days.remove(&date)
    }

    /// Record that the official table of `year` has been entered (from `source`).
    pub fn mark_table_entered(&mut self, year: i32, source: &str) {
        self.tables.insert(year, source.into());
    }

    /// Record that the official table of `year` is no longer taken as entered (marked by
    /// mistake): the statutory fallback applies to it again. The shipped table cannot be.
    pub fn unmark_table(&mut self, year: i32) -> bool {
        if self.tables.get(&year).map(String::as_str) == Some(SOURCE_2026) {
            return false;
        }
        self.tables.remove(&year).is_some()
    }

    /// Whether the official table of `year` is in the calendar. The UI warns when a deadline
    /// falls in a year without one.
    pub fn covers(&self, year: i32) -> bool {
        self.tables.contains_key(&year)
    }

    /// The years from `from` to `to` (inclusive, in order) whose official table is not in the
    /// calendar: deadlines that fall in them are counted without the year's make-up working
    /// days (and, without the statutory fallback, without its holidays), and staff are told.
    pub fn uncovered_years(&self, from: NaiveDate, to: NaiveDate) -> Vec<i32> {
        (from.year()..=to.year())
            .filter(|y| !self.covers(*y))
            .collect()
    }

    // ----- queries -----

    /// A weekend day by the calendar's weekend setting. A setting that makes every day a
    /// weekend day is ignored (Saturday and Sunday are used), so counting always ends.
    pub fn is_weekend(&self, date: NaiveDate) -> bool {
        let wd = date.weekday();
        let all_seven = WEEK.iter().all(|d| self.weekend.contains(d));
        if all_seven {
            matches!(wd, Weekday::Sat | Weekday::Sun)
        } else {
            self.weekend.contains(&wd)
        }
    }

    /// The entry of a date: a table entry, or the statutory fallback of a year without a table.
    pub fn special_day(&self, date: NaiveDate) -> Option<SpecialDay> {
        if let Some(day) = self.days.get(&date) {
            return Some(day.clone());
        }
        self.by_law(date).map(|(zh, en)| SpecialDay {
            kind: DayKind::Holiday,
            name_zh: zh,
            name_en: en,
        })
    }

    /// The day off the fallback adds on `date` (a year without its table), if any: a statutory
    /// holiday or a day off in lieu of one.
    fn by_law(&self, date: NaiveDate) -> Option<(String, String)> {
        (self.statutory_fallback && !self.covers(date.year()))
            .then(|| law_day(date))
            .flatten()
    }

    /// The statutory holidays of `year` not entered as holidays: a year whose notice is marked
    /// entered must hold them (the law fixes them whatever the notice arranges), so marking
    /// is refused while any is missing. In date order.
    pub fn statutory_not_entered(&self, year: i32) -> Vec<(NaiveDate, &'static str, &'static str)> {
        let Some(first) = NaiveDate::from_ymd_opt(year, 1, 1) else {
            return Vec::new();
        };
        first
            .iter_days()
            .take_while(|d| d.year() == year)
            .filter_map(|d| statutory(d).map(|(zh, en)| (d, zh, en)))
            .filter(|(d, ..)| self.days.get(d).map(|s| s.kind) != Some(DayKind::Holiday))
            .collect()
    }

    /// The days of `year` the statutory fallback counts as holidays (none when the year's
    /// table is entered), with their names: shown beside the days entered.
    pub fn statutory_days(&self, year: i32) -> Vec<(NaiveDate, SpecialDay)> {
        let Some(first) = NaiveDate::from_ymd_opt(year, 1, 1) else {
            return Vec::new();
        };
        first
            .iter_days()
            .take_while(|d| d.year() == year)
            .filter(|d| !self.days.contains_key(d))
            .filter_map(|d| self.special_day(d).map(|s| (d, s)))
            .collect()
    }

    fn kind(&self, date: NaiveDate) -> Option<DayKind> {
        if let Some(day) = self.days.get(&date) {
            return Some(day.kind);
        }
        self.by_law(date).map(|_| DayKind::Holiday)
    }

    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.kind(date) == Some(DayKind::Holiday)
    }

    pub fn is_makeup_workday(&self, date: NaiveDate) -> bool {
        self.kind(date) == Some(DayKind::MakeupWorkday)
    }

    /// A working day: a make-up working day, or a non-weekend day that is not a holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.kind(date) {
            Some(DayKind::MakeupWorkday) => true,
            Some(DayKind::Holiday) => false,
            None => !self.is_weekend(date),
        }
    }

    /// A trading day of the exchanges: Monday to Friday and not a holiday. Make-up working
    /// days fall on weekends, when the exchanges never open, so they are not trading days.
    pub fn is_trading_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_holiday(date)
    }

    /// The first working day on or after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        while !self.is_working_day(d) {
            match d.succ_opt() {
                Some(next) => d = next,
                None => break,
            }
        }
        d
    }

    /// The `n`th working day counting the day of receipt as day 1 (含受理日).
    ///
    /// If `receipt` is not a working day (a weekend or a holiday), day 1 is the next working
    /// day: a complaint taken on a Sunday is counted as if taken on Monday morning. This is the
    /// reading of "含受理日" that never gives a case more working days than the rule allows nor
    /// fewer than a case received on the following working day.
    /// `n == 0` returns `receipt` unchanged.
    pub fn add_working_days(&self, receipt: NaiveDate, n: u32) -> NaiveDate {
        if n == 0 {
            return receipt;
        }
        let mut d = self.next_working_day(receipt);
        let mut counted = 1;
        while counted < n {
            match d.succ_opt() {
                Some(next) => d = next,
                None => break,
            }
            if self.is_working_day(d) {
                counted += 1;
            }
        }
        d
    }

    /// Working days from `from` to `to`, both included (0 when `to` is before `from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days()
            .take_while(|d| *d <= to)
            .filter(|d| self.is_working_day(*d))
            .count() as u32
    }

    /// Trading days from `from` to `to`, both included.
    pub fn trading_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days()
            .take_while(|d| *d <= to)
            .filter(|d| self.is_trading_day(*d))
            .count() as u32
    }

    /// The `n`th trading day (1-based) of a month, or `None` if the month has fewer, `n` is 0
    /// or the month does not exist. The monthly complaint report is due by the 3rd trading
    /// day of the next month.
    pub fn nth_trading_day_of_month(&self, year: i32, month: u32, n: u32) -> Option<NaiveDate> {
        if n == 0 {
            return None;
        }
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        first
            .iter_days()
            .take_while(|d| d.month() == month)
            .filter(|d| self.is_trading_day(*d))
            .nth(n as usize - 1)
    }
}

/// A stored time, "YYYY-MM-DDTHH:MM:SS" (how every time is written), read without chrono's
/// general parser (a tenth of the cost: the monthly report reads 300,000 of them); any other
/// form (fractions of a second, a leap second) goes through chrono as before.
pub fn parse_time(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    let fast = || {
        let shape =
            b.len() == 19 && (b[4], b[7], b[10], b[13], b[16]) == (b'-', b'-', b'T', b':', b':');
        let n = |from: usize, to: usize| {
            b[from..to].iter().try_fold(0u32, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
            })
        };
        if !shape {
            return None;
        }
        NaiveDate::from_ymd_opt(n(0, 4)? as i32, n(5, 7)?, n(8, 10)?)?.and_hms_opt(
            n(11, 13)?,
            n(14, 16)?,
            n(17, 19)?,
        )
    };
    fast().or_else(|| s.parse().ok())
}

/// `#[serde(with = "time_text")]`: a time read with [`parse_time`], written as chrono writes it.
pub mod time_text {
    use chrono::NaiveDateTime;
    use serde::{de, Deserializer, Serialize, Serializer};
    use std::fmt;

    pub fn serialize<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        t.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
        d.deserialize_str(Time)
    }

    struct Time;
    impl de::Visitor<'_> for Time {
        type Value = NaiveDateTime;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a time YYYY-MM-DDTHH:MM:SS")
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<NaiveDateTime, E> {
            super::parse_time(s).ok_or_else(|| E::invalid_value(de::Unexpected::Str(s), &self))
        }
    }

    /// The same for an optional time (`null` or absent: None; use with `default`).
    pub mod option {
        use chrono::NaiveDateTime;
        use serde::{Deserialize, Deserializer, Serialize, Serializer};

        pub fn serialize<S: Serializer>(
            t: &Option<NaiveDateTime>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            t.serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<NaiveDateTime>, D::Error> {
            #[derive(Deserialize)]
            struct Wrap(#[serde(with = "super")] NaiveDateTime);
            Ok(Option::<Wrap>::deserialize(d)?.map(|Wrap(t)| t))
        }
    }
}

/// The last second of a day: deadlines counted in days end at 23:59:59 of their last day.
pub fn end_of_day(date: NaiveDate) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(23, 59, 59).expect("valid time"))
}

/// The first day of a month (the first day of the calendar's range for a month that is none).
pub fn month_start(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default()
}

/// The first month of a quarter (1..=4).
pub fn quarter_first_month(quarter: u32) -> u32 {
    (quarter.clamp(1, 4) - 1) * 3 + 1
}

/// Where a period of reports stands on a day: over, still running (its figures are as of that
/// day and will change) or not begun (no figures yet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodStatus {
    Over,
    Running,
    NotBegun,
}

/// Where the period from `first` up to, not including, `next_first` stands on `today`.
pub fn period_status(first: NaiveDate, next_first: NaiveDate, today: NaiveDate) -> PeriodStatus {
    if today < first {
        PeriodStatus::NotBegun
    } else if today < next_first {
        PeriodStatus::Running
    } else {
        PeriodStatus::Over
    }
}

/// Where the month `year`-`month` stands on `today` ([`period_status`]).
pub fn month_status(year: i32, month: u32, today: NaiveDate) -> PeriodStatus {
    let (ny, nm) = next_month(year, month);
    period_status(month_start(year, month), month_start(ny, nm), today)
}

/// Where quarter `quarter` (1..=4) of `year` stands on `today` ([`period_status`]).
pub fn quarter_status(year: i32, quarter: u32, today: NaiveDate) -> PeriodStatus {
    let first = quarter_first_month(quarter);
    let (ny, nm) = next_month(year, first + 2);
    period_status(month_start(year, first), month_start(ny, nm), today)
}

/// The first day of the month after (`year`, `month`).
pub fn next_month(year: i32, month: u32) -> (i32, u32) {
    if month >= 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    }
}

/// Whole days from `a` to `b` (negative if `b` is earlier).
pub fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

/// `date` plus `days` calendar days, saturating at the end of the calendar.
pub fn plus_days(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(Duration::days(days))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_stands_over_running_or_not_begun() {
        assert_eq!(
            month_status(2026, 11, d(2026, 10, 31)),
            PeriodStatus::NotBegun
        );
        assert_eq!(
            month_status(2026, 11, d(2026, 11, 1)),
            PeriodStatus::Running
        );
        assert_eq!(
            month_status(2026, 11, d(2026, 11, 30)),
            PeriodStatus::Running
        );
        assert_eq!(month_status(2026, 11, d(2026, 12, 1)), PeriodStatus::Over);
        // December runs into the next year.
        assert_eq!(
            month_status(2026, 12, d(2026, 12, 31)),
            PeriodStatus::Running
        );
        assert_eq!(month_status(2026, 12, d(2027, 1, 1)), PeriodStatus::Over);
        // A quarter, the last one running into the next year.
        assert_eq!(
            quarter_status(2026, 4, d(2026, 12, 7)),
            PeriodStatus::Running
        );
        assert_eq!(quarter_status(2026, 4, d(2027, 1, 1)), PeriodStatus::Over);
        assert_eq!(
            quarter_status(2027, 1, d(2026, 12, 31)),
            PeriodStatus::NotBegun
        );
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn stored_times_read_as_chrono_reads_them() {
        for s in [
            "2026-10-16T12:22:00",
            "1999-12-31T23:59:59",
            "2026-10-16T12:22:00.250",
            "2026-10-16T23:59:60",
            "2024-02-29T00:00:00",
            "2026-02-29T00:00:00",
            "2026-13-01T00:00:00",
            "2026-10-16T24:00:00",
            "2026-10-16 12:22:00",
            "2026-1-16T12:22:00",
            "+2026-10-16T12:22:0",
            "２０２６-10-16T12:22:00",
            "",
        ] {
            assert_eq!(parse_time(s), s.parse::<NaiveDateTime>().ok(), "{s:?}");
        }
        #[derive(serde::Deserialize, serde::Serialize, PartialEq, Debug)]
        struct T {
            #[serde(with = "time_text")]
            a: NaiveDateTime,
            #[serde(default, with = "time_text::option")]
            b: Option<NaiveDateTime>,
        }
        let t: T = serde_json::from_str(r#"{"a":"2026-10-16T12:22:00","b":null}"#).unwrap();
        assert_eq!(
            (t.a.to_string().as_str(), t.b),
            ("2026-10-16 12:22:00", None)
        );
        let text = serde_json::to_string(&t).unwrap();
        assert_eq!(text, r#"{"a":"2026-10-16T12:22:00","b":null}"#);
        let t: T = serde_json::from_str(r#"{"a":"2026-10-16T12:22:00","b":"2026-10-17T01:02:03"}"#)
            .unwrap();
        assert_eq!(t.b, parse_time("2026-10-17T01:02:03"));
        assert!(serde_json::from_str::<T>(r#"{"a":"yesterday"}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"a":5}"#).is_err());
    }

    #[test]
    fn the_2026_table_matches_the_notice() {
        let cal = WorkingCalendar::china_official();
        assert!(cal.covers(2026));
        assert!(!cal.covers(2027));
        let holidays = cal
            .days
            .values()
            .filter(|s| s.kind == DayKind::Holiday)
            .count();
        // 3 + 9 + 3 + 5 + 3 + 3 + 7 days off.
        assert_eq!(holidays, 33);
        // The notice names the weekday of each make-up day: all fall on weekends.
        let makeup: Vec<(NaiveDate, Weekday)> = cal
            .days
            .iter()
            .filter(|(_, s)| s.kind == DayKind::MakeupWorkday)
            .map(|(date, _)| (*date, date.weekday()))
            .collect();
        assert_eq!(
            makeup,
            vec![
                (d(2026, 1, 4), Weekday::Sun),
                (d(2026, 2, 14), Weekday::Sat),
                (d(2026, 2, 28), Weekday::Sat),
                (d(2026, 5, 9), Weekday::Sat),
                (d(2026, 9, 20), Weekday::Sun),
                (d(2026, 10, 10), Weekday::Sat),
            ]
        );
        // Weekdays the notice states for the first days of the holidays.
        assert_eq!(d(2026, 1, 1).weekday(), Weekday::Thu);
        assert_eq!(d(2026, 2, 23).weekday(), Weekday::Mon);
        assert_eq!(d(2026, 10, 7).weekday(), Weekday::Wed);
        assert_eq!(
            cal.special_day(d(2026, 2, 15)).unwrap().name_zh,
            "春节".to_string()
        );
    }

    #[test]
    fn working_and_trading_days() {
        let cal = WorkingCalendar::china_official();
        // An ordinary Monday.
        assert!(cal.is_working_day(d(2026, 11, 23)) && cal.is_trading_day(d(2026, 11, 23)));
        // An ordinary Saturday.
        assert!(!cal.is_working_day(d(2026, 11, 21)) && !cal.is_trading_day(d(2026, 11, 21)));
        // A holiday on a weekday.
        assert!(!cal.is_working_day(d(2026, 10, 5)) && !cal.is_trading_day(d(2026, 10, 5)));
        // Make-up Saturday and Sunday: working days, never trading days.
        for date in [d(2026, 10, 10), d(2026, 9, 20), d(2026, 1, 4)] {
            assert!(cal.is_makeup_workday(date));
            assert!(cal.is_working_day(date), "{date} is a make-up working day");
            assert!(
                !cal.is_trading_day(date),
                "{date}: exchanges closed at weekends"
            );
        }
    }

    #[test]
    fn deadline_across_the_national_day_week() {
        let cal = WorkingCalendar::china_official();
        // Received Wednesday 30 Sep: day 1 = 30 Sep, 1–7 Oct off, 8 Oct = 2, 9 Oct = 3,
        // Saturday 10 Oct (make-up) = 4.
        let receipt = d(2026, 9, 30);
        assert_eq!(cal.add_working_days(receipt, 1), d(2026, 9, 30));
        assert_eq!(cal.add_working_days(receipt, 3), d(2026, 10, 9));
        assert_eq!(cal.add_working_days(receipt, 4), d(2026, 10, 10));
        // Day 5: Sunday 11 Oct is off, Monday 12 Oct.
        assert_eq!(cal.add_working_days(receipt, 5), d(2026, 10, 12));
        // With weekends only, the same receipt would be due on 5 Oct (Mon) for 4 days.
        assert_eq!(
            WorkingCalendar::weekends_only().add_working_days(receipt, 4),
            d(2026, 10, 5)
        );
    }

    #[test]
    fn receipt_on_a_holiday_counts_from_the_next_working_day() {
        let cal = WorkingCalendar::china_official();
        // Received on 3 Oct (holiday): day 1 = Thu 8 Oct, 2 = Fri 9, 3 = Sat 10 (make-up),
        // 4 = Mon 12.
        assert_eq!(cal.add_working_days(d(2026, 10, 3), 1), d(2026, 10, 8));
        assert_eq!(cal.add_working_days(d(2026, 10, 3), 3), d(2026, 10, 10));
        assert_eq!(cal.add_working_days(d(2026, 10, 3), 4), d(2026, 10, 12));
        // Received during the Spring Festival (Wed 18 Feb): 24 Feb (Tue) is day 1.
        assert_eq!(cal.add_working_days(d(2026, 2, 18), 1), d(2026, 2, 24));
        assert_eq!(cal.add_working_days(d(2026, 2, 18), 4), d(2026, 2, 27));
        // Day 5 is the make-up Saturday 28 Feb.
        assert_eq!(cal.add_working_days(d(2026, 2, 18), 5), d(2026, 2, 28));
        // Received on an ordinary Sunday: Monday is day 1.
        assert_eq!(cal.add_working_days(d(2026, 11, 22), 1), d(2026, 11, 23));
        assert_eq!(cal.add_working_days(d(2026, 11, 22), 0), d(2026, 11, 22));
    }

    #[test]
    fn receipt_on_a_makeup_sunday_counts_that_day() {
        let cal = WorkingCalendar::china_official();
        // Sunday 20 Sep is a make-up working day: 20 = 1, 21 = 2, 22 = 3, 23 = 4.
        assert_eq!(cal.add_working_days(d(2026, 9, 20), 4), d(2026, 9, 23));
    }

    #[test]
    fn year_boundary() {
        let cal = WorkingCalendar::china_official();
        // Wed 30 Dec 2026 = 1, Thu 31 = 2; Fri 1 Jan 2027 is New Year's Day by law (fallback,
        // no 2027 table), then the weekend: Mon 4 Jan = 3, Tue 5 Jan = 4.
        assert!(cal.is_holiday(d(2027, 1, 1)));
        assert_eq!(cal.add_working_days(d(2026, 12, 30), 3), d(2027, 1, 4));
        assert_eq!(cal.add_working_days(d(2026, 12, 30), 4), d(2027, 1, 5));
        // Without the fallback 1 Jan would count.
        let mut plain = cal.clone();
        plain.statutory_fallback = false;
        assert_eq!(plain.add_working_days(d(2026, 12, 30), 3), d(2027, 1, 1));
        // Once staff enter a 2027 table, the fallback stops applying to 2027 and their data
        // decides (here: a hypothetical table with a make-up Saturday 2 Jan for the test only).
        let mut edited = cal.clone();
        edited.set_holiday(d(2027, 1, 1), "元旦", "New Year's Day");
        edited.set_makeup_workday(d(2027, 1, 2), "测试", "test");
        edited.mark_table_entered(2027, "test");
        assert_eq!(edited.add_working_days(d(2026, 12, 30), 3), d(2027, 1, 2));
        // The December report is due on the 3rd trading day of January 2027.
        assert_eq!(
            cal.nth_trading_day_of_month(2027, 1, 3),
            Some(d(2027, 1, 6))
        );
        assert_eq!(next_month(2026, 12), (2027, 1));
        assert_eq!(next_month(2026, 9), (2026, 10));
    }

    #[test]
    fn uncovered_years_are_those_without_an_official_table() {
        let mut cal = WorkingCalendar::china_official();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            cal.uncovered_years(d(2026, 12, 4), d(2026, 12, 31)),
            Vec::<i32>::new()
        );
        assert_eq!(
            cal.uncovered_years(d(2026, 12, 4), d(2027, 1, 3)),
            vec![2027]
        );
        assert_eq!(
            cal.uncovered_years(d(2027, 2, 4), d(2028, 2, 4)),
            vec![2027, 2028]
        );
        cal.mark_table_entered(2027, "国办发明电〔2026〕");
        assert_eq!(
            cal.uncovered_years(d(2026, 12, 4), d(2027, 1, 3)),
            Vec::<i32>::new()
        );
    }

    #[test]
    fn the_law_names_its_own_days_in_any_year() {
        assert_eq!(statutory(d(2027, 2, 6)), Some(("春节", "Spring Festival")));
        assert_eq!(statutory(d(2026, 10, 1)).map(|s| s.0), Some("国庆节"));
        assert_eq!(statutory(d(2027, 2, 20)), None);
    }

    #[test]
    fn statutory_fallback_does_not_override_a_table_year() {
        let cal = WorkingCalendar::china_official();
        // 2026 has a table: its 1–3 Jan are from the notice, and nothing is added beyond it.
        assert!(cal.is_holiday(d(2026, 1, 2)));
        // 2 May 2027 (Sunday) and 3 Oct 2027 (Sunday) by law, 3–4 May in lieu of 1–2 May (a
        // weekend); 5 May 2027 is not.
        assert!(cal.is_holiday(d(2027, 5, 2)));
        assert!(cal.is_holiday(d(2027, 10, 3)));
        assert!(cal.is_holiday(d(2027, 5, 4)));
        assert!(!cal.is_holiday(d(2027, 5, 5)));
        assert_eq!(
            cal.special_day(d(2027, 10, 1)).unwrap().name_en,
            "National Day"
        );
    }

    #[test]
    fn a_year_without_its_notice_keeps_the_lunar_statutory_days_too() {
        let cal = WorkingCalendar::china_official();
        // Spring Festival 2027: 除夕 Fri 5 Feb to 初三 Mon 8 Feb, by law.
        for day in 5..=8 {
            assert!(cal.is_holiday(d(2027, 2, day)), "2027-02-{day}");
        }
        // By the same law, the two days of it on a weekend are made up on the weekdays after.
        for day in [9, 10] {
            let off = cal.special_day(d(2027, 2, day)).unwrap();
            assert_eq!(
                (off.name_zh.as_str(), off.name_en.as_str()),
                ("春节（补假）", "Spring Festival (in lieu)")
            );
        }
        assert!(!cal.is_holiday(d(2027, 2, 11)));
        // Received Thu 4 Feb 2027 (day 1): Thu 11 = 2, Fri 12 = 3, Mon 15 = 4.
        assert_eq!(cal.add_working_days(d(2027, 2, 4), 3), d(2027, 2, 12));
        assert_eq!(cal.add_working_days(d(2027, 2, 4), 4), d(2027, 2, 15));
        // 元旦 2028 is a Saturday: Mon 3 Jan off in lieu (received Fri 31 Dec 2027: Tue 4 = 2,
        // Wed 5 = 3). 端午 2028 a Sunday: Mon 29 May. 国庆 2028 from a Sunday: Wed 4 Oct.
        assert!(cal.is_holiday(d(2028, 1, 3)) && !cal.is_holiday(d(2028, 1, 4)));
        assert_eq!(cal.add_working_days(d(2027, 12, 31), 3), d(2028, 1, 5));
        assert!(cal.is_holiday(d(2028, 5, 29)) && !cal.is_holiday(d(2028, 5, 30)));
        assert!(cal.is_holiday(d(2028, 10, 4)) && !cal.is_holiday(d(2028, 10, 5)));
        // None is owed for a holiday on weekdays (清明 2027, Mon 5 Apr).
        assert!(!cal.is_holiday(d(2027, 4, 6)));
        for (m, day, en) in [
            (4, 5, "Qingming Festival"),
            (6, 9, "Dragon Boat Festival"),
            (9, 15, "Mid-Autumn Festival"),
        ] {
            assert_eq!(cal.special_day(d(2027, m, day)).unwrap().name_en, en);
        }
        assert!(cal.is_holiday(d(2028, 1, 25)) && cal.is_holiday(d(2028, 10, 3)));
        // The days the fallback counts in 2027, listed: 1 + 4 + 1 + 2 + 1 + 1 + 3, and a weekday
        // in lieu of each that falls on a weekend: 春节's Sat 6 and Sun 7 Feb (Tue 9, Wed 10),
        // 劳动节's Sat 1 and Sun 2 May (Mon 3, Tue 4), 国庆节's Sat 2 and Sun 3 Oct (Mon 4,
        // Tue 5).
        let listed = cal.statutory_days(2027);
        assert_eq!(listed.len(), 13 + 6);
        assert_eq!(listed[1].0, d(2027, 2, 5));
        assert_eq!(listed[1].1.name_zh, "春节");
        assert!(cal.statutory_days(2026).is_empty());
        // A year after the dated ones keeps the Gregorian days only, with their days in lieu
        // (2031: 1–2 May Thu–Fri; 1–3 Oct Wed–Fri; 1 Jan a Wednesday: none).
        assert_eq!(cal.statutory_days(2031).len(), 6);
        // Marking a year's notice entered wants its statutory days entered (QA: marked with
        // nothing entered, 元旦 and 春节 stopped counting).
        assert_eq!(cal.statutory_not_entered(2027).len(), 13);
        let mut entered = cal.clone();
        for (day, zh, en) in cal.statutory_not_entered(2027) {
            entered.set_holiday(day, zh, en);
        }
        assert!(entered.statutory_not_entered(2027).is_empty());
        // Once the notice is marked entered, what staff entered decides; unmarked, the law
        // counts again. The shipped table cannot be unmarked.
        let mut cal = cal;
        cal.mark_table_entered(2027, "test");
        assert!(!cal.is_holiday(d(2027, 2, 5)) && cal.statutory_days(2027).is_empty());
        assert!(cal.unmark_table(2027));
        assert!(cal.is_holiday(d(2027, 2, 5)));
        assert!(!cal.unmark_table(2026) && cal.covers(2026));
    }

    #[test]
    fn trading_days_of_a_month() {
        let cal = WorkingCalendar::china_official();
        // October 2026: 1–7 off, Thu 8 = 1, Fri 9 = 2, Sat 10 (make-up) skipped, Mon 12 = 3.
        assert_eq!(
            cal.nth_trading_day_of_month(2026, 10, 1),
            Some(d(2026, 10, 8))
        );
        assert_eq!(
            cal.nth_trading_day_of_month(2026, 10, 3),
            Some(d(2026, 10, 12))
        );
        // December 2026: Tue 1, Wed 2, Thu 3.
        assert_eq!(
            cal.nth_trading_day_of_month(2026, 12, 3),
            Some(d(2026, 12, 3))
        );
        // February 2026: Mon 2, Tue 3, Wed 4.
        assert_eq!(
            cal.nth_trading_day_of_month(2026, 2, 3),
            Some(d(2026, 2, 4))
        );
        assert_eq!(cal.nth_trading_day_of_month(2026, 10, 0), None);
        assert_eq!(cal.nth_trading_day_of_month(2026, 10, 40), None);
        assert_eq!(cal.nth_trading_day_of_month(2026, 13, 1), None);
        // October 2026 has 31 days: 9 weekend days and 5 weekday holidays (1,2,5,6,7) -> 17.
        assert_eq!(
            cal.trading_days_between(d(2026, 10, 1), d(2026, 10, 31)),
            17
        );
    }

    #[test]
    fn working_days_between_counts_both_ends() {
        let cal = WorkingCalendar::china_official();
        // 28 Sep (Mon) .. 12 Oct (Mon): 28, 29, 30 Sep, 8, 9, 10, 12 Oct = 7.
        assert_eq!(cal.working_days_between(d(2026, 9, 28), d(2026, 10, 12)), 7);
        assert_eq!(
            cal.working_days_between(d(2026, 10, 12), d(2026, 10, 12)),
            1
        );
        assert_eq!(
            cal.working_days_between(d(2026, 10, 13), d(2026, 10, 12)),
            0
        );
        // The whole of 2026: 365 days - 104 weekend days - 19 weekday holidays + 6 make-up.
        // (Holidays on weekends: Jan 3, Feb 15, 21, 22, Apr 4, 5, May 2, 3, Jun 20, 21,
        // Sep 26, 27, Oct 3, 4 = 14 of the 33 days off; 33 - 14 = 19 weekday holidays.)
        assert_eq!(
            cal.working_days_between(d(2026, 1, 1), d(2026, 12, 31)),
            365 - 104 - 19 + 6
        );
    }

    #[test]
    fn editing_and_serde_round_trip() {
        let mut cal = WorkingCalendar::china_official();
        let date = d(2026, 12, 24);
        assert!(cal.is_working_day(date));
        cal.set_holiday(date, "临时休市", "Extra closure");
        assert!(!cal.is_working_day(date) && !cal.is_trading_day(date));
        let text = serde_json::to_string(&cal).unwrap();
        assert!(text.contains(r#""2026-12-24":{"kind":"holiday""#));
        let back: WorkingCalendar = serde_json::from_str(&text).unwrap();
        assert_eq!(back, cal);
        assert!(cal.clear_day(date).is_some());
        assert!(cal.is_working_day(date));
        // A stored calendar with only a weekend setting (Friday and Saturday off).
        let custom: WorkingCalendar = serde_json::from_str(
            r#"{"weekend":["Fri","Sat"],"days":{},"tables":{},"statutory_fallback":false}"#,
        )
        .unwrap();
        assert!(!custom.is_working_day(d(2026, 11, 20))); // Friday
        assert!(custom.is_working_day(d(2026, 11, 22))); // Sunday
                                                         // Sunday still is no trading day.
        assert!(!custom.is_trading_day(d(2026, 11, 22)));
    }

    #[test]
    fn a_calendar_with_every_day_off_still_terminates() {
        let mut cal = WorkingCalendar::weekends_only();
        cal.weekend = vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ];
        assert_eq!(cal.add_working_days(d(2026, 11, 21), 1), d(2026, 11, 23));
    }

    #[test]
    fn end_of_day_is_the_last_second() {
        assert_eq!(
            end_of_day(d(2026, 10, 9)).to_string(),
            "2026-10-09 23:59:59".to_string()
        );
        assert_eq!(plus_days(d(2026, 12, 31), 1), d(2027, 1, 1));
        assert_eq!(days_between(d(2026, 12, 31), d(2027, 1, 2)), 2);
    }
}
