//! Dates people type that kith does not read: `12/01/2026`, `Dec 1, 2026`, `1 December 2026`,
//! `2026/12/01`, `01.12.2026`. kith reads one form, `YYYY-MM-DD`; a log entry that starts
//! with another is found here so that it can be reported with the form to write, instead of
//! silently not being a conversation. Pure: text in, the readings out.

use jiff::civil::Date;

/// Something at the start of a text that looks like a date in another form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateLike {
    /// As written.
    pub shown: String,
    /// What it can mean: one date, or two when day and month could be either way round
    /// (`12/01/2026`: 1 December or 12 January).
    pub readings: Vec<Date>,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The date-like text at the start of `text`, if there is one (a year is needed: `Dec 1`
/// alone is too likely to be something else).
pub fn date_like(text: &str) -> Option<DateLike> {
    let text = text.trim_start_matches(['[', ' ']);
    let (shown, readings) = numeric(text).or_else(|| named(text))?;
    let shown = shown.trim_end_matches([',', '.', ' ']).to_string();
    (!readings.is_empty()).then_some(DateLike { shown, readings })
}

/// `12/01/2026`, `1.12.2026`, `01-12-2026`, `2026/12/01`, `2026-12-1`.
fn numeric(text: &str) -> Option<(&str, Vec<Date>)> {
    let mut parts = Vec::new();
    let mut at = 0;
    let bytes = text.as_bytes();
    while parts.len() < 3 {
        let digits = bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        // No digits, or too many for an i32, is no number; the lengths are checked below.
        parts.push(text[at..at + digits].parse::<i32>().ok()?);
        at += digits;
        if parts.len() < 3 {
            if !matches!(bytes.get(at), Some(b'/' | b'.' | b'-')) {
                return None;
            }
            at += 1;
        }
    }
    if bytes.get(at).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    let lens: Vec<usize> = text[..at].split(['/', '.', '-']).map(str::len).collect();
    let (a, b, c) = (parts[0], parts[1], parts[2]);
    let readings = match (lens[0], lens[2]) {
        (4, 1..=2) => valid(&[(a, b, c)]),
        (1..=2, 4) => valid(&[(c, a, b), (c, b, a)]),
        _ => return None,
    };
    Some((&text[..at], readings))
}

/// `Dec 1, 2026`, `December 1st 2026`, `1 December 2026`, `1 Dec. 2026`.
fn named(text: &str) -> Option<(&str, Vec<Date>)> {
    let words: Vec<&str> = text
        .splitn(4, [' ', ','])
        .filter(|w| !w.is_empty())
        .collect();
    let first = words.first()?;
    let (month, day, year_word) = match month_of(first) {
        Some(month) => (month, day_of(words.get(1)?)?, words.get(2)?),
        None => (month_of(words.get(1)?)?, day_of(first)?, words.get(2)?),
    };
    let year: String = year_word.chars().take_while(char::is_ascii_digit).collect();
    if year.len() != 4 {
        return None;
    }
    let end = year_word.as_ptr() as usize - text.as_ptr() as usize + 4;
    let year: i32 = year.parse().ok()?;
    Some((&text[..end], valid(&[(year, month, day)])))
}

/// The month a word names (`Dec`, `dec.`, `December`), 1-based.
fn month_of(word: &str) -> Option<i32> {
    let word = word.trim_end_matches('.').to_lowercase();
    if word.len() < 3 {
        return None;
    }
    let at = MONTHS.iter().position(|m| m.starts_with(word.as_str()))?;
    i32::try_from(at + 1).ok()
}

/// A day of the month as written: `1`, `01`, `1st`, `22nd`.
fn day_of(word: &str) -> Option<i32> {
    let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
    let rest = word[digits.len()..].trim_end_matches(',');
    if digits.is_empty() || digits.len() > 2 || !matches!(rest, "" | "st" | "nd" | "rd" | "th") {
        return None;
    }
    digits.parse().ok()
}

/// The real dates among (year, month, day) triples, without repeats.
fn valid(triples: &[(i32, i32, i32)]) -> Vec<Date> {
    let mut out: Vec<Date> = Vec::new();
    for &(y, m, d) in triples {
        let (Ok(y), Ok(m), Ok(d)) = (i16::try_from(y), i8::try_from(m), i8::try_from(d)) else {
            continue;
        };
        if let Ok(date) = Date::new(y, m, d)
            && !out.contains(&date)
        {
            out.push(date);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<(String, Vec<String>)> {
        date_like(text).map(|d| {
            (
                d.shown,
                d.readings
                    .iter()
                    .map(|r| crate::core::dates::ymd(*r))
                    .collect(),
            )
        })
    }

    #[test]
    fn dates_typed_other_ways_are_found_with_what_they_mean() {
        let one = |text: &str, shown: &str, date: &str| {
            assert_eq!(
                read(text),
                Some((shown.to_string(), vec![date.to_string()])),
                "{text}"
            );
        };
        one("Dec 1, 2026 coffee", "Dec 1, 2026", "2026-12-01");
        one(
            "December 1st 2026: lunch",
            "December 1st 2026",
            "2026-12-01",
        );
        one("1 December 2026 call", "1 December 2026", "2026-12-01");
        one("1 dec. 2026 call", "1 dec. 2026", "2026-12-01");
        one("2026/12/01 call", "2026/12/01", "2026-12-01");
        one("2026-12-1 call", "2026-12-1", "2026-12-01");
        one("13/01/2026 call", "13/01/2026", "2026-01-13");
        one("01/13/2026 call", "01/13/2026", "2026-01-13");
        one("5.5.2026 call", "5.5.2026", "2026-05-05");
        // Days of two digits, named months.
        one(
            "22nd December 2026 call",
            "22nd December 2026",
            "2026-12-22",
        );
        one("Dec 31, 2026 call", "Dec 31, 2026", "2026-12-31");
        // Day and month either way round: both readings, December first (as written).
        assert_eq!(
            read("12/01/2026 coffee"),
            Some((
                "12/01/2026".to_string(),
                vec!["2026-12-01".to_string(), "2026-01-12".to_string()]
            ))
        );
    }

    #[test]
    fn ordinary_text_is_not_a_date() {
        for text in [
            "coffee with Ann",
            "Dec 1 coffee",
            "3 weeks later",
            "May the 4th be with you 2026",
            "12/01 deadline",
            "1.5 hours with Bob",
            "2026 plans",
            "13/13/2026 nothing real",
            "31 February 2026",
            "12345/1/2026",
            "1/12345/2026",
            "99999999999/1/2026",
            "/1/2026",
            "",
        ] {
            assert_eq!(read(text), None, "{text}");
        }
    }
}
