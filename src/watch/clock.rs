//! Where the watcher reads the date: the system's clock, a fixed `--today`, or (for tests) a
//! file holding the date.

use std::path::PathBuf;
use std::time::Duration;

use jiff::civil::Date;

/// Where the watcher reads the date.
pub enum Clock {
    /// `--today`: never changes.
    Fixed,
    /// The local date of the system's clock.
    System,
    /// A file holding the date (tests).
    File(PathBuf),
}

impl Clock {
    /// The clock `--today` and the hidden `--clock-file` ask for.
    pub fn of(today: Option<Date>, file: Option<PathBuf>) -> Clock {
        match (today, file) {
            (Some(_), _) => Clock::Fixed,
            (None, Some(file)) => Clock::File(file),
            (None, None) => Clock::System,
        }
    }

    /// Today's date, or `None` when it cannot change or be read.
    pub fn today(&self) -> Option<Date> {
        match self {
            Clock::Fixed => None,
            Clock::System => Some(jiff::ZonedDateTime::now().date()),
            Clock::File(path) => std::fs::read_to_string(path).ok()?.trim().parse().ok(),
        }
    }

    /// How often to look at the date: `every`, or never for a fixed date.
    pub fn checks(&self, every: Duration) -> Option<Duration> {
        match self {
            Clock::Fixed => None,
            _ => Some(every),
        }
    }
}
