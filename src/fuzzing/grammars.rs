//! The `cadence` and `dates` targets: the small grammars of property values and log
//! entries, each input read as one text.
//!
//! Checked for cadences: a cadence read prints in a form that reads back as itself, and
//! adding it to any date (the ends of the calendar too) gives a later date, never a panic.
//! For dates: a date read is the date written (`YYYY-MM-DD` at the start of the text); the
//! rest handed back after a leading date is the rest of the same text; a birthday is a real
//! day; a date-like text (`12/01/2026`) has one or two readings, each a real date; the week
//! of any date holds it.

use jiff::civil::{Date, Weekday};

use super::{is_slice_of, lossy};
use crate::core::cadence::Cadence;
use crate::core::datelike::date_like;
use crate::core::dates::{leading_date, parse_date, week_label, week_of, ymd};
use crate::core::frontmatter::parse_birthday;
use crate::core::import::parse_card_date;

/// Dates at the corners of the calendar and of the months.
const CORNERS: [Date; 6] = [
    Date::constant(1, 1, 1),
    Date::constant(2024, 2, 29),
    Date::constant(2026, 1, 31),
    Date::constant(2026, 11, 23),
    Date::constant(9999, 12, 31),
    Date::MAX,
];

/// Checks the `cadence` target's input.
pub fn check_cadence(data: &[u8]) {
    let text = lossy(data);
    let Ok(cadence) = Cadence::parse(&text) else {
        return;
    };
    let shown = cadence.to_string();
    assert_eq!(
        Cadence::parse(&shown),
        Ok(cadence),
        "{text:?} reads as {cadence:?}, shown as {shown:?}, which reads otherwise"
    );
    for date in CORNERS {
        match (cadence, cadence.after(date)) {
            (Cadence::Never, None) => {}
            (Cadence::Every { .. }, Some(next)) => assert!(
                next > date || date == Date::MAX,
                "{cadence:?} after {date} is {next}"
            ),
            (c, next) => panic!("{c:?} after {date} is {next:?}"),
        }
    }
}

/// Checks the `dates` target's input.
pub fn check_dates(data: &[u8]) {
    let text = lossy(data);
    if let Ok(date) = parse_date(&text) {
        let written = text.trim().get(..10).unwrap_or_default();
        assert_eq!(ymd(date), written, "{text:?} reads as {date}");
        for start in [Weekday::Monday, Weekday::Sunday, Weekday::Thursday] {
            let (first, last) = week_of(date, start);
            let whole = first <= date && date <= last;
            assert!(
                whole || date.year() > 9998,
                "{date} is not in its week {first}..{last}"
            );
            let _ = week_label(first);
        }
    }
    if let Some((date, rest)) = leading_date(&text) {
        assert!(
            is_slice_of(rest, &text),
            "{rest:?} is not the rest of {text:?}"
        );
        if let Ok(date) = date {
            let digits = text.trim_start_matches('[');
            assert!(digits.starts_with(&ymd(date)), "{text:?} leads with {date}");
        }
    }
    if let Ok(b) = parse_birthday(&text) {
        let real = Date::new(b.year.unwrap_or(2000), b.month, b.day).is_ok();
        assert!(real, "{text:?} reads as the birthday {b:?}");
    }
    if let Some(b) = parse_card_date(&text) {
        let real = Date::new(b.year.unwrap_or(2000), b.month, b.day).is_ok();
        assert!(real, "{text:?} reads as the card date {b:?}");
    }
    if let Some(like) = date_like(&text) {
        assert!(
            (1..=2).contains(&like.readings.len()),
            "{text:?} reads as {like:?}"
        );
        assert!(text.contains(&like.shown), "{text:?} shows as {like:?}");
    }
}
