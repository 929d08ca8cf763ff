//! The cadence grammar (`6w`, `3 months`, `quarterly`, `never`) and calendar arithmetic.
//!
//! Months and years are calendar arithmetic clamped to the end of the month
//! (2026-01-31 + 1mo = 2026-02-28). Pure: no clock.

use std::fmt;

use jiff::Span;
use jiff::civil::Date;

/// The unit of a cadence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Unit {
    Day,
    Week,
    Month,
    Year,
}

impl Unit {
    /// The largest count accepted for this unit: a hundred years.
    fn max(self) -> u32 {
        match self {
            Unit::Day => 36_525,
            Unit::Week => 5_218,
            Unit::Month => 1_200,
            Unit::Year => 100,
        }
    }
}

/// How often to be in touch with someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Cadence {
    /// Check-in reminders are off.
    Never,
    /// Every `n` units.
    Every { n: u32, unit: Unit },
}

/// Why a text is not a cadence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CadenceError {
    #[error("`{0}` is not a cadence (use e.g. `6w`, `3mo`, `2 months`, `quarterly` or `never`)")]
    Malformed(String),
    #[error("cadence `{0}` must be at least 1")]
    NotPositive(String),
    #[error("cadence `{0}` is longer than 100 years")]
    TooLong(String),
}

impl Cadence {
    /// Parses a cadence: `<n><unit>` or `<n> <unit word>` (units `d`/day, `w`/week,
    /// `m`/`mo`/month, `y`/year, plurals allowed, any case), or a keyword.
    ///
    /// ```
    /// use jiff::civil::date;
    /// use kith::core::cadence::Cadence;
    ///
    /// let monthly = Cadence::parse("1 month").unwrap();
    /// assert_eq!(monthly, Cadence::parse("monthly").unwrap());
    /// // Calendar arithmetic, clamped to the end of the month.
    /// assert_eq!(monthly.after(date(2026, 1, 31)), Some(date(2026, 2, 28)));
    /// assert!(Cadence::parse("0w").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Cadence, CadenceError> {
        let t = text.trim().to_lowercase();
        let keyword = match t.as_str() {
            "weekly" => Some((1, Unit::Week)),
            "biweekly" | "fortnightly" => Some((2, Unit::Week)),
            "monthly" => Some((1, Unit::Month)),
            "quarterly" => Some((3, Unit::Month)),
            "yearly" | "annually" => Some((1, Unit::Year)),
            "never" | "none" => return Ok(Cadence::Never),
            _ => None,
        };
        if let Some((n, unit)) = keyword {
            return Ok(Cadence::Every { n, unit });
        }
        let malformed = || CadenceError::Malformed(text.trim().to_string());
        let (negative, body) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.as_str()),
        };
        let digits_end = body
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(body.len());
        if digits_end == 0 {
            return Err(malformed());
        }
        let unit = match body[digits_end..].trim_start() {
            "d" | "day" | "days" => Unit::Day,
            "w" | "week" | "weeks" => Unit::Week,
            "m" | "mo" | "mos" | "month" | "months" => Unit::Month,
            "y" | "year" | "years" => Unit::Year,
            _ => return Err(malformed()),
        };
        let digits = body[..digits_end].trim_start_matches('0');
        if negative || digits.is_empty() {
            return Err(CadenceError::NotPositive(text.trim().to_string()));
        }
        // Only digits: parsing fails only when the number overflows, which is too long too.
        let n: u64 = digits.parse().unwrap_or(u64::MAX);
        if n > u64::from(unit.max()) {
            return Err(CadenceError::TooLong(text.trim().to_string()));
        }
        Ok(Cadence::Every { n: n as u32, unit })
    }

    /// `date` plus this cadence, clamped to the month's end; `None` for `never`. Saturates at
    /// the end of the calendar.
    pub fn after(self, date: Date) -> Option<Date> {
        let Cadence::Every { n, unit } = self else {
            return None;
        };
        let n = i64::from(n);
        let span = match unit {
            Unit::Day => Span::new().try_days(n),
            Unit::Week => Span::new().try_weeks(n),
            Unit::Month => Span::new().try_months(n),
            Unit::Year => Span::new().try_years(n),
        };
        Some(
            span.ok()
                .and_then(|s| date.checked_add(s).ok())
                .unwrap_or(Date::MAX),
        )
    }
}

impl fmt::Display for Cadence {
    /// The canonical form: `6w`, `3mo`, `10d`, `1y`, `never`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cadence::Never => f.write_str("never"),
            Cadence::Every { n, unit } => {
                let u = match unit {
                    Unit::Day => "d",
                    Unit::Week => "w",
                    Unit::Month => "mo",
                    Unit::Year => "y",
                };
                write!(f, "{n}{u}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every(n: u32, unit: Unit) -> Cadence {
        Cadence::Every { n, unit }
    }

    #[test]
    fn grammar_table() {
        let table = [
            ("6w", every(6, Unit::Week)),
            ("6W", every(6, Unit::Week)),
            ("3mo", every(3, Unit::Month)),
            ("3m", every(3, Unit::Month)),
            ("2 months", every(2, Unit::Month)),
            ("1 month", every(1, Unit::Month)),
            ("10d", every(10, Unit::Day)),
            ("10 days", every(10, Unit::Day)),
            ("1 Year", every(1, Unit::Year)),
            ("2y", every(2, Unit::Year)),
            ("4 weeks", every(4, Unit::Week)),
            (" 4w ", every(4, Unit::Week)),
            ("weekly", every(1, Unit::Week)),
            ("Biweekly", every(2, Unit::Week)),
            ("fortnightly", every(2, Unit::Week)),
            ("monthly", every(1, Unit::Month)),
            ("quarterly", every(3, Unit::Month)),
            ("yearly", every(1, Unit::Year)),
            ("annually", every(1, Unit::Year)),
            ("never", Cadence::Never),
            ("None", Cadence::Never),
            ("100y", every(100, Unit::Year)),
        ];
        for (text, want) in table {
            assert_eq!(Cadence::parse(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn rejects_bad_cadences() {
        for text in ["0w", "00d", "-1w", "- 1w"] {
            assert!(
                matches!(
                    Cadence::parse(text),
                    Err(CadenceError::NotPositive(_) | CadenceError::Malformed(_))
                ),
                "{text}"
            );
        }
        assert!(matches!(
            Cadence::parse("0w"),
            Err(CadenceError::NotPositive(_))
        ));
        // A hundred years is the longest, in each unit; one more is too long.
        for (longest, letter, unit) in [
            (36_525, "d", Unit::Day),
            (5_218, "w", Unit::Week),
            (1_200, "mo", Unit::Month),
            (100, "y", Unit::Year),
        ] {
            assert_eq!(
                Cadence::parse(&format!("{longest}{letter}")),
                Ok(every(longest, unit))
            );
            assert!(matches!(
                Cadence::parse(&format!("{}{letter}", longest + 1)),
                Err(CadenceError::TooLong(_))
            ));
        }
        assert!(matches!(
            Cadence::parse("999999999y"),
            Err(CadenceError::TooLong(_))
        ));
        assert!(matches!(
            Cadence::parse("99999999999999999999999d"),
            Err(CadenceError::TooLong(_))
        ));
        for text in [
            "",
            "w",
            "6",
            "6 fortnights",
            "six weeks",
            "6w2d",
            "1.5mo",
            "6 w x",
        ] {
            assert!(
                matches!(Cadence::parse(text), Err(CadenceError::Malformed(_))),
                "{text}"
            );
        }
    }

    #[test]
    fn month_arithmetic_clamps_to_month_end() {
        let d = |y, m, d| Date::constant(y, m, d);
        let one_month = every(1, Unit::Month);
        assert_eq!(one_month.after(d(2026, 1, 31)), Some(d(2026, 2, 28)));
        assert_eq!(one_month.after(d(2024, 1, 31)), Some(d(2024, 2, 29)));
        assert_eq!(
            every(3, Unit::Month).after(d(2026, 11, 30)),
            Some(d(2027, 2, 28))
        );
        assert_eq!(
            every(1, Unit::Year).after(d(2024, 2, 29)),
            Some(d(2025, 2, 28))
        );
        assert_eq!(
            every(6, Unit::Week).after(d(2026, 9, 2)),
            Some(d(2026, 10, 14))
        );
        assert_eq!(
            every(10, Unit::Day).after(d(2026, 12, 25)),
            Some(d(2027, 1, 4))
        );
        assert_eq!(Cadence::Never.after(d(2026, 1, 1)), None);
        assert_eq!(every(100, Unit::Year).after(d(9990, 1, 1)), Some(Date::MAX));
    }

    #[test]
    fn displays_canonically() {
        assert_eq!(
            Cadence::parse("2 months").map(|c| c.to_string()),
            Ok("2mo".into())
        );
        assert_eq!(
            Cadence::parse("quarterly").map(|c| c.to_string()),
            Ok("3mo".into())
        );
        assert_eq!(
            Cadence::parse("never").map(|c| c.to_string()),
            Ok("never".into())
        );
    }
}
