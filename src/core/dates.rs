//! Dates as the vault writes them (`YYYY-MM-DD`), and the calendar arithmetic of the week.
//!
//! Pure: the caller passes `today`; nothing here reads the clock.

use jiff::civil::{Date, Weekday};

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not of the form `YYYY-MM-DD`.
    NotADate,
    /// Of the form, but no such day (`2026-02-30`, `2026-13-45`).
    Impossible,
}

/// Splits `YYYY-MM-DD` off the start of `text`, without checking that the day exists.
/// Returns the numbers and the rest of the text.
fn split_ymd(text: &str) -> Option<((i16, i8, i8), &str)> {
    let b = text.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<i32> {
        let s = &b[r];
        if !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(s.iter().fold(0i32, |n, d| n * 10 + i32::from(d - b'0')))
    };
    let year = digits(0..4)?;
    let month = digits(5..7)?;
    let day = digits(8..10)?;
    // Out-of-range numbers still parse here (the caller reports them as impossible).
    let month = i8::try_from(month.min(99)).ok()?;
    let day = i8::try_from(day.min(99)).ok()?;
    Some(((year as i16, month, day), &text[10..]))
}

fn make_date((y, m, d): (i16, i8, i8)) -> Result<Date, DateError> {
    if y < 1 {
        return Err(DateError::Impossible);
    }
    Date::new(y, m, d).map_err(|_| DateError::Impossible)
}

/// Parses a property date: `YYYY-MM-DD`, or a date-time (`2026-11-20T10:30`,
/// `2026-11-20 10:30`), which counts as its date. Surrounding white space is ignored.
pub fn parse_date(text: &str) -> Result<Date, DateError> {
    let text = text.trim();
    let (ymd, rest) = split_ymd(text).ok_or(DateError::NotADate)?;
    let rest_ok = rest.is_empty()
        || ((rest.starts_with('T') || rest.starts_with('t') || rest.starts_with(' '))
            && rest[1..]
                .trim()
                .as_bytes()
                .first()
                .is_some_and(u8::is_ascii_digit));
    if !rest_ok {
        return Err(DateError::NotADate);
    }
    make_date(ymd)
}

/// A date at the start of a heading or list item: `YYYY-MM-DD` or `[[YYYY-MM-DD]]`
/// (a daily-note link, possibly `[[YYYY-MM-DD|shown]]`), not followed by a letter or digit.
/// Returns the date (or why it is impossible, with its text) and the rest of the text.
pub fn leading_date(text: &str) -> Option<(Result<Date, String>, &str)> {
    let (inner, linked) = match text.strip_prefix("[[") {
        Some(inner) => (inner, true),
        None => (text, false),
    };
    let (ymd, mut rest) = split_ymd(inner)?;
    if linked {
        if let Some(r) = rest.strip_prefix("]]") {
            rest = r;
        } else if let Some(r) = rest.strip_prefix('|') {
            let close = r.find("]]")?;
            rest = &r[close + 2..];
        } else {
            return None;
        }
    } else if rest.chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    let shown = &inner[..10];
    Some((make_date(ymd).map_err(|_| shown.to_string()), rest))
}

/// Days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    from.until(to).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

/// `date` plus `days`, saturating at the ends of the calendar.
pub fn add_days(date: Date, days: i64) -> Date {
    match jiff::Span::new().try_days(days) {
        Ok(span) => date.saturating_add(span),
        Err(_) if days < 0 => Date::MIN,
        Err(_) => Date::MAX,
    }
}

/// Parses a day name (`monday`, `Mon`, case-insensitive).
pub fn parse_weekday(text: &str) -> Option<Weekday> {
    let t = text.trim().to_ascii_lowercase();
    let days = [
        ("monday", Weekday::Monday),
        ("tuesday", Weekday::Tuesday),
        ("wednesday", Weekday::Wednesday),
        ("thursday", Weekday::Thursday),
        ("friday", Weekday::Friday),
        ("saturday", Weekday::Saturday),
        ("sunday", Weekday::Sunday),
    ];
    days.iter()
        .find(|(name, _)| t == *name || (t.len() >= 3 && name.starts_with(t.as_str())))
        .map(|(_, day)| *day)
}

/// The week containing `today`: the seven days starting on the last `week_start` day on or
/// before today. Returns (first day, last day).
pub fn week_of(today: Date, week_start: Weekday) -> (Date, Date) {
    let back = (today.weekday().to_monday_zero_offset() - week_start.to_monday_zero_offset())
        .rem_euclid(7);
    let start = add_days(today, -i64::from(back));
    (start, add_days(start, 6))
}

/// The ISO week label of a week (`2026-W48`), taken from the week's fourth day so that every
/// `week_start` gives the label of the ISO week holding most of its days.
pub fn week_label(week_start: Date) -> String {
    let iso = add_days(week_start, 3).iso_week_date();
    format!("{:04}-W{:02}", iso.year(), iso.week())
}

/// Formats a date as `YYYY-MM-DD`.
pub fn ymd(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        parse_date(s).expect("valid test date")
    }

    #[test]
    fn the_form_is_exact_and_the_first_year_is_one() {
        assert_eq!(parse_date("0001-01-01"), Ok(Date::constant(1, 1, 1)));
        assert_eq!(parse_date("0000-12-31"), Err(DateError::Impossible));
        for text in [
            "2026-11x23",
            "2026x11-23",
            "2026-11-20x10",
            "2026-11-20T",
            "2026-11-2",
        ] {
            assert_eq!(parse_date(text), Err(DateError::NotADate), "{text}");
        }
    }

    #[test]
    fn adding_days_saturates_at_the_ends_of_the_calendar() {
        let day = Date::constant(2026, 11, 23);
        assert_eq!(add_days(day, 7), Date::constant(2026, 11, 30));
        assert_eq!(add_days(day, -23), Date::constant(2026, 10, 31));
        assert_eq!(add_days(day, i64::MAX), Date::MAX);
        assert_eq!(add_days(day, i64::MIN), Date::MIN);
        assert_eq!(add_days(day, -10_000_000), Date::MIN);
    }

    #[test]
    fn optional_dates_go_through_the_cache_and_back() {
        #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        struct Cached {
            #[serde(with = "serde_opt_date")]
            date: Option<Date>,
        }
        for date in [None, Some(Date::constant(1, 1, 1)), Some(Date::MAX)] {
            let bytes = postcard::to_allocvec(&Cached { date }).expect("encoded");
            let back: Cached = postcard::from_bytes(&bytes).expect("decoded");
            assert_eq!(back, Cached { date });
        }
    }

    #[test]
    fn parses_dates_and_date_times() {
        assert_eq!(parse_date("2026-11-20"), Ok(Date::constant(2026, 11, 20)));
        assert_eq!(parse_date(" 2026-11-20 "), Ok(Date::constant(2026, 11, 20)));
        assert_eq!(
            parse_date("2026-11-20T10:30"),
            Ok(Date::constant(2026, 11, 20))
        );
        assert_eq!(
            parse_date("2026-11-20 10:30"),
            Ok(Date::constant(2026, 11, 20))
        );
        assert_eq!(parse_date("2024-02-29"), Ok(Date::constant(2024, 2, 29)));
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        assert_eq!(parse_date("2026-02-30"), Err(DateError::Impossible));
        assert_eq!(parse_date("2026-13-45"), Err(DateError::Impossible));
        assert_eq!(parse_date("2025-02-29"), Err(DateError::Impossible));
        assert_eq!(parse_date("0000-01-01"), Err(DateError::Impossible));
        assert_eq!(parse_date("26-11-20"), Err(DateError::NotADate));
        assert_eq!(parse_date("2026-11-20x"), Err(DateError::NotADate));
        assert_eq!(parse_date("yesterday"), Err(DateError::NotADate));
        assert_eq!(parse_date(""), Err(DateError::NotADate));
        assert_eq!(parse_date("２０２６-11-20"), Err(DateError::NotADate));
    }

    #[test]
    fn finds_leading_dates_plain_and_linked() {
        let (date, rest) = leading_date("2026-10-02 coffee").expect("date");
        assert_eq!(date, Ok(d("2026-10-02")));
        assert_eq!(rest, " coffee");
        let (date, rest) = leading_date("[[2026-10-02]] — call").expect("date");
        assert_eq!(date, Ok(d("2026-10-02")));
        assert_eq!(rest, " — call");
        let (date, rest) = leading_date("[[2026-10-02|Friday]]: lunch").expect("date");
        assert_eq!(date, Ok(d("2026-10-02")));
        assert_eq!(rest, ": lunch");
        assert_eq!(
            leading_date("2026-02-30 lunch").map(|x| x.0),
            Some(Err("2026-02-30".to_string()))
        );
        assert!(leading_date("2026-10-021 x").is_none());
        assert!(leading_date("2026-10-02abc").is_none());
        assert!(leading_date("Log").is_none());
        assert!(leading_date("[[2026-10-02").is_none());
    }

    #[test]
    fn weeks_start_on_any_day() {
        let today = d("2026-11-23"); // a Monday
        assert_eq!(
            week_of(today, Weekday::Monday),
            (d("2026-11-23"), d("2026-11-29"))
        );
        assert_eq!(
            week_of(today, Weekday::Sunday),
            (d("2026-11-22"), d("2026-11-28"))
        );
        assert_eq!(
            week_of(today, Weekday::Tuesday),
            (d("2026-11-17"), d("2026-11-23"))
        );
        for (i, day) in [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
            Weekday::Saturday,
            Weekday::Sunday,
        ]
        .into_iter()
        .enumerate()
        {
            let (start, end) = week_of(d("2026-11-25"), day);
            assert_eq!(start.weekday(), day, "week_start #{i}");
            assert!(start <= d("2026-11-25") && d("2026-11-25") <= end);
            assert_eq!(days_between(start, end), 6);
        }
    }

    #[test]
    fn week_labels_follow_iso_weeks() {
        assert_eq!(week_label(d("2026-11-23")), "2026-W48");
        assert_eq!(week_label(d("2026-11-22")), "2026-W48"); // a Sunday-started week
        assert_eq!(week_label(d("2026-12-28")), "2026-W53");
        assert_eq!(week_label(d("2027-01-04")), "2027-W01");
    }

    #[test]
    fn parses_day_names() {
        assert_eq!(parse_weekday("Monday"), Some(Weekday::Monday));
        assert_eq!(parse_weekday("sun"), Some(Weekday::Sunday));
        assert_eq!(parse_weekday("someday"), None);
        assert_eq!(parse_weekday("s"), None);
    }

    #[test]
    fn day_arithmetic_saturates() {
        assert_eq!(days_between(d("2026-11-01"), d("2026-11-23")), 22);
        assert_eq!(days_between(d("2026-11-23"), d("2026-11-01")), -22);
        assert_eq!(add_days(d("9999-12-30"), 10), Date::MAX);
    }
}

/// Serde for a [`Date`] as one number (`year * 10000 + month * 100 + day`): compact in the
/// index's cache, where hundreds of thousands of dates are read at once.
pub mod serde_date {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn pack(d: Date) -> i32 {
        i32::from(d.year()) * 10_000 + i32::from(d.month()) * 100 + i32::from(d.day())
    }

    pub fn unpack(n: i32) -> Option<Date> {
        let year = i16::try_from(n / 10_000).ok()?;
        let month = i8::try_from(n / 100 % 100).ok()?;
        let day = i8::try_from(n % 100).ok()?;
        Date::new(year, month, day).ok()
    }

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(pack(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let n = i32::deserialize(d)?;
        unpack(n).ok_or_else(|| serde::de::Error::custom(format!("{n} is not a date")))
    }
}

/// Serde for an optional [`Date`]; see [`serde_date`].
pub mod serde_opt_date {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&super::serde_date::pack(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        match Option::<i32>::deserialize(d)? {
            None => Ok(None),
            Some(n) => super::serde_date::unpack(n)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("{n} is not a date"))),
        }
    }
}
